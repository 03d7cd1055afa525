"""Fused softmax cross-entropy on (N, C) logits with integer class targets.

Matches ``torch.nn.functional.cross_entropy(..., reduction='none')`` including class weights
and label smoothing eps: with logp = log_softmax(logits) and w the class weights (ones if None),
loss_i = -(1 - eps) * w[t_i] * logp[i, t_i] - (eps / C) * sum_c w[c] * logp[i, c], and 0 where
t_i == ignore_index. The mean reduction (divide by sum of w[t_i] over non-ignored i) is the op's.

The forward hands the backward the softmax unnormalised, as ``(exps, inverse_sum)`` with
softmax = exps * inverse_sum[:, None]: the backward applies the 1 / sum in its own single pass,
which saves the forward a pass over (N, C).

Speed notes:

- Row reductions use ``activations._fmax`` (llvm.maxnum, which ignores NaN) and
  ``activations._sum_add`` (an fadd carrying only the ``reassoc`` flag): LLVM's loop vectoriser
  turns both into SIMD reductions, where plain ``+=`` or a select chain stays scalar (Numba has
  the SLP vectoriser off, so hand-unrolled accumulators do not vectorise either). Nothing else
  in the kernels gets fast-math flags.
- The exp runs over a whole block of rows as one flat loop, so it vectorises for C = 10 as
  well as C = 1000; the block (``_BLOCK`` elements) stays in L1 between the passes.
- Rows are indexed as ``a[i, j]``, never through per-row views: each view costs an NRT
  incref/decref pair, which was most of the time at C = 10.
"""
from __future__ import annotations

import math

import numpy as np

from .activations import _exp, _fmax, _sum_add
from .threads import SplitKernel

_BLOCK = 2048  # elements per block of rows: its logits and exps stay in L1 between passes

# --- loops -----------------------------------------------------------------------------------


def _cross_entropy_fwd(logits, target, weight, ignore_index, label_smoothing, loss, exps,
                       inverse_sum):
    """Returns the index of the first target out of [0, C) (not ignore_index), else -1; no
    logits are read in the first case."""
    n, c = logits.shape
    for i in range(n):
        t = target[i]
        if t != ignore_index and (t < 0 or t >= c):
            return i
    zero = logits.dtype.type(0.0)
    smoothing = logits.dtype.type(label_smoothing)
    weight_sum = zero
    for j in range(c):
        weight_sum = _sum_add(weight_sum, weight[j])
    flat = exps.reshape(n * c)
    rows = max(1, _BLOCK // max(c, 1))
    for block in range((n + rows - 1) // rows):
        r0 = block * rows
        r1 = min(r0 + rows, n)
        for i in range(r0, r1):  # exps = logits - row max; the max kept in loss for now
            m = logits.dtype.type(-np.inf)
            for j in range(c):
                m = _fmax(m, logits[i, j])
            for j in range(c):
                exps[i, j] = logits[i, j] - m
            loss[i] = m
        segment = flat[r0 * c:r1 * c]
        for k in range(segment.size):
            segment[k] = _exp(segment[k])
        for i in range(r0, r1):
            s = zero
            for j in range(c):
                s = _sum_add(s, exps[i, j])
            inverse_sum[i] = 1 / s
            t = target[i]
            if t == ignore_index:
                loss[i] = 0
                continue
            log_sum = loss[i] + math.log(s)
            value = -(1 - smoothing) * weight[t] * (logits[i, t] - log_sum)
            if smoothing != 0:
                dot = zero
                for j in range(c):
                    dot = _sum_add(dot, weight[j] * logits[i, j])
                value += (smoothing / c) * -(dot - log_sum * weight_sum)
            loss[i] = value
    return -1


def _cross_entropy_bwd(exps, inverse_sum, target, grad, weight, ignore_index, label_smoothing,
                       out):
    """Returns the index of the first bad target (as the forward), else -1."""
    n, c = exps.shape
    for i in range(n):
        t = target[i]
        if t != ignore_index and (t < 0 or t >= c):
            return i
    smoothing = exps.dtype.type(label_smoothing)
    weight_sum = exps.dtype.type(0.0)
    for j in range(c):
        weight_sum = _sum_add(weight_sum, weight[j])
    per_class = smoothing / c
    for i in range(n):
        t = target[i]
        if t == ignore_index:
            for j in range(c):
                out[i, j] = 0
            continue
        # d loss / d logits = p * S - (1 - eps) * w[t] * onehot - (eps / C) * w, S its total
        # weight and p = exps / sum: the 1 / sum goes into the per-row scale.
        target_weight = (1 - smoothing) * weight[t]
        scale = inverse_sum[i] * (target_weight + per_class * weight_sum)
        g = grad[i]
        for j in range(c):
            out[i, j] = g * (exps[i, j] * scale - per_class * weight[j])
        out[i, t] -= g * target_weight
    return -1


# The per-class weight (argument 2 of the forward, 4 of the backward) is read whole by every
# part of a multi-threaded call.
_FWD = SplitKernel(_cross_entropy_fwd, shared=(2,))
_BWD = SplitKernel(_cross_entropy_bwd, shared=(4,))

# --- wrappers (lean: at (128, 10) their Python overhead is a third of the time) ---------------

_FLOAT32, _FLOAT64, _INT64 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64)
_ONES: dict = {}  # (C, dtype) -> the unweighted case's weights; never handed out


def _checked(name: str, logits: np.ndarray, target: np.ndarray,
             weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contiguous logits, int64 targets and a weight vector (targets are range-checked by the
    kernels before they read anything)."""
    dtype = logits.dtype
    if dtype not in (_FLOAT32, _FLOAT64):
        raise TypeError(f"{name}: expected float32 or float64, got {dtype}")
    if logits.ndim != 2 or target.shape != logits.shape[:1]:
        raise ValueError(f"{name}: expected logits (N, C) and target (N,), got "
                         f"{logits.shape} and {target.shape}")
    if not logits.flags.c_contiguous:
        logits = np.ascontiguousarray(logits)
    if target.dtype is not _INT64 or not target.flags.c_contiguous:
        if target.dtype.kind not in "iu":
            raise TypeError(f"{name}: target must be integer, got {target.dtype}")
        target = np.ascontiguousarray(target, dtype=np.int64)
    n_classes = logits.shape[1]
    if weight is None:
        weight = _ONES.get((n_classes, dtype))
        if weight is None:
            weight = _ONES[n_classes, dtype] = np.ones(n_classes, dtype)
    elif weight.shape != (n_classes,) or weight.dtype != dtype:
        raise ValueError(f"{name}: weight must be {dtype}[{n_classes}], got "
                         f"{weight.dtype}{list(weight.shape)}")
    elif not weight.flags.c_contiguous:
        weight = np.ascontiguousarray(weight)
    return logits, target, weight


def _per_row(name: str, what: str, a: np.ndarray, like: np.ndarray) -> np.ndarray:
    """``a`` as a contiguous (N,) array of ``like``'s dtype, N = like.shape[0]."""
    if a.shape != like.shape[:1] or a.dtype != like.dtype:
        raise ValueError(f"{name}: {what} must be {like.dtype}[{like.shape[0]}], got "
                         f"{a.dtype}{list(a.shape)}")
    return a if a.flags.c_contiguous else np.ascontiguousarray(a)


def _raise_bad_target(name: str, target: np.ndarray, bad: int, n_classes: int) -> None:
    raise IndexError(f"{name}: target {target[bad]} out of bounds for {n_classes} classes")


def cross_entropy_fwd(logits: np.ndarray, target: np.ndarray, ignore_index: int = -100,
                      label_smoothing: float = 0.0, weight: np.ndarray | None = None
                      ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Per-sample losses (N,) and the softmax as ``(exps, inverse_sum)``: exps (N, C) =
    exp(logits - row max), inverse_sum (N,) = 1 / exps.sum(1), so softmax(logits) =
    exps * inverse_sum[:, None]. That pair is what ``cross_entropy_bwd`` takes."""
    logits, target, weight = _checked("cross_entropy_fwd", logits, target, weight)
    n = logits.shape[0]
    loss = np.empty(n, logits.dtype)
    exps = np.empty(logits.shape, logits.dtype)
    inverse_sum = np.empty(n, logits.dtype)
    bad = _FWD.first_position(logits.size, logits, target, weight, ignore_index, float(label_smoothing), loss,
               exps, inverse_sum)
    if bad >= 0:
        _raise_bad_target("cross_entropy_fwd", target, bad, logits.shape[1])
    return loss, (exps, inverse_sum)


def cross_entropy_bwd(softmax: tuple[np.ndarray, np.ndarray], target: np.ndarray,
                      grad: np.ndarray, ignore_index: int = -100, label_smoothing: float = 0.0,
                      weight: np.ndarray | None = None) -> np.ndarray:
    """dlogits = grad_i * (p * S_i - (1 - eps) * w[t_i] * onehot(t_i) - (eps / C) * w), 0 on
    ignored rows; ``softmax`` is the forward's ``(exps, inverse_sum)`` (p = exps *
    inverse_sum[:, None]), ``grad`` the upstream (N,)."""
    if type(softmax) is not tuple or len(softmax) != 2:
        raise TypeError("cross_entropy_bwd: softmax must be the (exps, inverse_sum) pair "
                        "cross_entropy_fwd returns")
    exps, inverse_sum = softmax
    exps, target, weight = _checked("cross_entropy_bwd", exps, target, weight)
    inverse_sum = _per_row("cross_entropy_bwd", "inverse_sum", inverse_sum, exps)
    grad = _per_row("cross_entropy_bwd", "grad", grad, exps)
    out = np.empty(exps.shape, exps.dtype)
    bad = _BWD.first_position(exps.size, exps, inverse_sum, target, grad, weight, ignore_index,
               float(label_smoothing), out)
    if bad >= 0:
        _raise_bad_target("cross_entropy_bwd", target, bad, exps.shape[1])
    return out
