"""Fused softmax cross-entropy on (N, C) logits with integer class targets.

Matches ``torch.nn.functional.cross_entropy(..., reduction='none')`` including class weights
and label smoothing eps: with logp = log_softmax(logits) and w the class weights (ones if None),
loss_i = -(1 - eps) * w[t_i] * logp[i, t_i] - (eps / C) * sum_c w[c] * logp[i, c], and 0 where
t_i == ignore_index. The mean reduction (divide by sum of w[t_i] over non-ignored i) is the op's.
"""
from __future__ import annotations

import math

import numpy as np
from numba import prange

from . import config
from .activations import _SerialOrParallel, _float_array
from .softmax import _exp_shifted, _sum


@config.jit(error_model="numpy")
def _dot(a, b):
    """sum(a * b) with 8 accumulators (see softmax._sum)."""
    zero = a.dtype.type(0.0)
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = zero
    tail = a.size - a.size % 8
    for i in range(0, tail, 8):
        s0 += a[i] * b[i]
        s1 += a[i + 1] * b[i + 1]
        s2 += a[i + 2] * b[i + 2]
        s3 += a[i + 3] * b[i + 3]
        s4 += a[i + 4] * b[i + 4]
        s5 += a[i + 5] * b[i + 5]
        s6 += a[i + 6] * b[i + 6]
        s7 += a[i + 7] * b[i + 7]
    for i in range(tail, a.size):
        s0 += a[i] * b[i]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


def _cross_entropy_fwd(logits, target, weight, ignore_index, smoothing, loss, prob):
    n_classes = logits.shape[1]
    weight_sum = _sum(weight)
    for i in prange(logits.shape[0]):
        m, s = _exp_shifted(logits[i], prob[i])
        inverse = 1 / s
        for j in range(n_classes):
            prob[i, j] *= inverse
        t = target[i]
        if t == ignore_index:
            loss[i] = 0
            continue
        log_sum = m + math.log(s)
        loss[i] = -(1 - smoothing) * weight[t] * (logits[i, t] - log_sum)
        if smoothing != 0:
            smooth = -(_dot(weight, logits[i]) - log_sum * weight_sum)
            loss[i] += (smoothing / n_classes) * smooth


def _cross_entropy_bwd(prob, target, grad, weight, ignore_index, smoothing, out):
    n_classes = prob.shape[1]
    per_class = smoothing / n_classes
    weight_sum = _sum(weight)
    for i in prange(prob.shape[0]):
        t = target[i]
        if t == ignore_index:
            out[i, :] = 0
            continue
        # d loss / d logits = p * S - (1 - eps) * w[t] * onehot - (eps / C) * w, S its total weight.
        target_weight = (1 - smoothing) * weight[t]
        total = target_weight + per_class * weight_sum
        for j in range(n_classes):
            out[i, j] = grad[i] * (prob[i, j] * total - per_class * weight[j])
        out[i, t] -= grad[i] * target_weight


@config.jit()
def _first_bad_target(target, n_classes, ignore_index):
    for i in range(target.size):
        if target[i] != ignore_index and (target[i] < 0 or target[i] >= n_classes):
            return i
    return -1


_FWD = _SerialOrParallel(_cross_entropy_fwd)
_BWD = _SerialOrParallel(_cross_entropy_bwd)


def _checked(name: str, logits: np.ndarray, target: np.ndarray, ignore_index: int,
             weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Contiguous logits, int64 targets within [0, C) (or ignore_index), and a weight vector."""
    logits = _float_array(name, logits)
    if logits.ndim != 2 or target.shape != logits.shape[:1]:
        raise ValueError(f"{name}: expected logits (N, C) and target (N,), got "
                         f"{logits.shape} and {target.shape}")
    if target.dtype.kind not in "iu":
        raise TypeError(f"{name}: target must be integer, got {target.dtype}")
    target = np.ascontiguousarray(target, dtype=np.int64)
    n_classes = logits.shape[1]
    bad = _first_bad_target(target, n_classes, ignore_index)
    if bad >= 0:
        raise IndexError(f"{name}: target {target[bad]} out of bounds for {n_classes} classes")
    if weight is None:
        weight = np.ones(n_classes, logits.dtype)
    elif weight.shape != (n_classes,) or weight.dtype != logits.dtype:
        raise ValueError(f"{name}: weight must be {logits.dtype}[{n_classes}], got "
                         f"{weight.dtype}{list(weight.shape)}")
    return logits, target, np.ascontiguousarray(weight)


def cross_entropy_fwd(logits: np.ndarray, target: np.ndarray, ignore_index: int = -100,
                      label_smoothing: float = 0.0,
                      weight: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample losses (N,) and softmax(logits) (N, C), which is what the backward needs."""
    logits, target, weight = _checked("cross_entropy_fwd", logits, target, ignore_index, weight)
    loss = np.empty(logits.shape[0], logits.dtype)
    prob = np.empty_like(logits)
    scalar = logits.dtype.type
    _FWD(logits.size, logits, target, weight, ignore_index, scalar(label_smoothing), loss, prob)
    return loss, prob


def cross_entropy_bwd(prob: np.ndarray, target: np.ndarray, grad: np.ndarray,
                      ignore_index: int = -100, label_smoothing: float = 0.0,
                      weight: np.ndarray | None = None) -> np.ndarray:
    """dlogits = grad_i * (p * S_i - (1 - eps) * w[t_i] * onehot(t_i) - (eps / C) * w), 0 on
    ignored rows; ``prob`` is the softmax from the forward, ``grad`` the upstream (N,)."""
    prob, target, weight = _checked("cross_entropy_bwd", prob, target, ignore_index, weight)
    if grad.shape != prob.shape[:1] or grad.dtype != prob.dtype:
        raise ValueError(f"cross_entropy_bwd: grad must be {prob.dtype}[{prob.shape[0]}], got "
                         f"{grad.dtype}{list(grad.shape)}")
    out = np.empty_like(prob)
    _BWD(prob.size, prob, target, np.ascontiguousarray(grad), weight, ignore_index,
         prob.dtype.type(label_smoothing), out)
    return out
