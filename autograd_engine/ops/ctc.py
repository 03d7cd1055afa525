"""Connectionist temporal classification loss with PyTorch 2.13's semantics.

The alpha and beta recursions run in log space (in float64), vectorised with numpy over the
batch and the extended target positions, one Python step per time step. The gradient is
PyTorch's: with respect to ``log_probs``, exp(lp) - occupancy, which is the exact gradient of
the loss with respect to the logits when ``log_probs = log_softmax(logits)``.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Sequence, Union

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .activation import dtype_name
from .elementwise import where
from .loss_extra import check_reduction

_NEG_INF = -np.inf
Lengths = Union[Tensor, Sequence[int]]


class _CtcSpec(NamedTuple):
    """Validated targets of an (T, N, C) batch."""

    labels: np.ndarray  # (N, 2 S + 1) extended labels: blank, l1, blank, l2, ..., blank
    input_lengths: np.ndarray  # (N,) int64
    target_lengths: np.ndarray  # (N,) int64
    zero_infinity: bool

    @property
    def valid(self) -> np.ndarray:
        """(N, 2 S + 1): the positions inside each sample's extended target."""
        return np.arange(self.labels.shape[1]) < 2 * self.target_lengths[:, None] + 1

    @property
    def skip(self) -> np.ndarray:
        """(N, 2 S + 1): position s may be reached from s - 2 (a label unlike the last)."""
        skip = np.zeros(self.labels.shape, bool)
        skip[:, 2:] = self.labels[:, 2:] != self.labels[:, :-2]
        return skip

    def live(self, steps: int) -> np.ndarray:
        """(T, N): the time steps inside each sample's input."""
        return np.arange(steps)[:, None] < self.input_lengths


# -- the recursions (numpy, float64) -------------------------------------------------------
def _log_add3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """log(e^a + e^b + e^c), as ATen: a max of -inf is replaced by 0 (no -inf - -inf)."""
    m = np.maximum(np.maximum(a, b), c)
    m[m == _NEG_INF] = 0.0
    with np.errstate(divide="ignore"):
        return np.log(np.exp(a - m) + np.exp(b - m) + np.exp(c - m)) + m


def _shifted(x: np.ndarray, by: int) -> np.ndarray:
    """x moved ``by`` positions along the last axis (right if positive), -inf filled."""
    out = np.full_like(x, _NEG_INF)
    if by > 0:
        out[:, by:] = x[:, :-by]
    else:
        out[:, :by] = x[:, -by:]
    return out


def _emissions(log_probs: np.ndarray, spec: _CtcSpec) -> np.ndarray:
    """(T, N, 2 S + 1): log_probs at each extended label."""
    rows = np.arange(spec.labels.shape[0])[:, None]
    return log_probs.astype(np.float64, copy=False)[:, rows, spec.labels]


def _alpha(emit: np.ndarray, spec: _CtcSpec) -> np.ndarray:
    """log alpha[t, n, s]: all prefixes of length t + 1 ending at position s (-inf past the
    input length)."""
    steps = emit.shape[0]
    valid, skip = spec.valid, spec.skip
    alpha = np.full(emit.shape, _NEG_INF)
    alpha[0, :, 0] = emit[0, :, 0]
    if emit.shape[2] > 1:
        alpha[0, :, 1] = np.where(spec.target_lengths > 0, emit[0, :, 1], _NEG_INF)
    for t in range(1, steps):
        prev = alpha[t - 1]
        from_skip = np.where(skip, _shifted(prev, 2), _NEG_INF)
        alpha[t] = np.where(valid, _log_add3(prev, _shifted(prev, 1), from_skip) + emit[t],
                            _NEG_INF)
    alpha[~spec.live(steps)] = _NEG_INF
    return alpha


def _beta(emit: np.ndarray, spec: _CtcSpec) -> np.ndarray:
    """log beta[t, n, s]: all suffixes from position s at time t (emission at t included)."""
    steps, n, _ = emit.shape
    valid, tl, il = spec.valid, spec.target_lengths, spec.input_lengths
    skip_next = np.zeros_like(valid)
    skip_next[:, :-2] = spec.skip[:, 2:]
    positions = np.arange(emit.shape[2])
    ends = (positions == 2 * tl[:, None]) | ((positions == 2 * tl[:, None] - 1)
                                             & (tl[:, None] > 0))
    beta = np.full(emit.shape, _NEG_INF)
    nxt = np.full(emit.shape[1:], _NEG_INF)
    for t in range(steps - 1, -1, -1):
        from_skip = np.where(skip_next, _shifted(nxt, -2), _NEG_INF)
        step = np.where(valid, _log_add3(nxt, _shifted(nxt, -1), from_skip) + emit[t],
                        _NEG_INF)
        start = np.where(ends, emit[t], _NEG_INF)
        nxt = np.where((t == il - 1)[:, None], start, np.where((t < il - 1)[:, None], step,
                                                                _NEG_INF))
        beta[t] = nxt
    return beta


def _neg_log_likelihood(alpha: np.ndarray, spec: _CtcSpec) -> np.ndarray:
    """(N,) -log p(target | input); an empty input has likelihood 1 for an empty target,
    0 otherwise."""
    il, tl = spec.input_lengths, spec.target_lengths
    rows = np.arange(il.size)
    final = alpha[np.maximum(il - 1, 0), rows]
    end_label = np.where(tl > 0, final[rows, np.maximum(2 * tl - 1, 0)], _NEG_INF)
    likelihood = np.logaddexp(final[rows, 2 * tl], end_label)
    return -np.where(il == 0, np.where(tl == 0, 0.0, _NEG_INF), likelihood)


def _unit_gradient(log_probs: np.ndarray, alpha: np.ndarray, nll: np.ndarray,
                   spec: _CtcSpec) -> np.ndarray:
    """(T, N, C) gradient of each sample's loss for a unit upstream gradient: exp(lp) minus
    the posterior occupancy of each class, 0 past the input length; NaN (or 0 with
    zero_infinity) over the input of an impossible sample, as PyTorch."""
    steps, n, classes = log_probs.shape
    emit = _emissions(log_probs, spec)
    finite = np.isfinite(nll)
    with np.errstate(invalid="ignore"):
        log_occupancy = alpha + _beta(emit, spec) - emit + np.where(finite, nll, 0.0)[:, None]
    where_class = ((np.arange(steps)[:, None, None] * n + np.arange(n)[:, None]) * classes
                   + spec.labels)
    occupancy = np.bincount(where_class.ravel(), np.exp(log_occupancy).ravel(),
                            steps * n * classes).reshape(log_probs.shape)
    lp = log_probs.astype(np.float64, copy=False)
    unit = np.exp(lp) - occupancy
    unit[np.isneginf(lp)] = np.nan  # PyTorch's exp(lcab + nll - lp) is NaN at lp = -inf
    unit[:, np.isposinf(nll)] = 0.0 if spec.zero_infinity else np.nan
    unit[~spec.live(steps)] = 0.0
    return unit


@register
class CtcLoss(Function):
    """nll_n = -log sum over the alignments of the target of prod_t exp(lp[t, n, path_t]);
    dlp = g_n (exp(lp) - occupancy) over the input (PyTorch's gradient)"""

    @staticmethod
    def forward(ctx, log_probs, spec):
        alpha = _alpha(_emissions(log_probs, spec), spec)
        nll = _neg_log_likelihood(alpha, spec)
        ctx.save_for_backward(log_probs, alpha, nll)
        ctx.spec = spec
        return nll.astype(log_probs.dtype)

    @staticmethod
    def backward(ctx, g):
        log_probs, alpha, nll = ctx.saved_tensors
        return CtcLossBackward.apply(g, log_probs, alpha, nll, ctx.spec), None


@register
class CtcLossBackward(Function):
    """y = g_n u(lp), u the unit gradient;  dg_n = sum_{t,c} gg u; as in PyTorch, there is
    no derivative with respect to log_probs"""

    @staticmethod
    def forward(ctx, g, log_probs, alpha, nll, spec):
        unit = _unit_gradient(log_probs, alpha, nll, spec).astype(log_probs.dtype)
        ctx.save_for_backward(unit)
        return unit * g[None, :, None]

    @staticmethod
    def backward(ctx, gg):
        if ctx.needs_input_grad[1]:
            raise RuntimeError("ctc_loss: the derivative of ctc_loss's backward with respect "
                               "to log_probs is not implemented (as in PyTorch)")
        (unit,) = ctx.saved_tensors
        return (gg * unit).sum((0, 2)), None, None, None, None


# -- argument checks ------------------------------------------------------------------------
def _lengths(input_lengths: Any, target_lengths: Any) -> tuple:
    """Both lengths as int64 vectors: Tensors of an integer dtype, or tuples/lists of ints."""
    given = (input_lengths, target_lengths)
    if all(isinstance(x, Tensor) for x in given):
        for name, x in zip(("input_lengths", "target_lengths"), given):
            if x.dtype.kind not in "iu":
                raise RuntimeError(f"ctc_loss: {name} must be integral (got dtype {x.dtype})")
        return tuple(x.data.reshape(-1).astype(np.int64) for x in given)
    if all(isinstance(x, (tuple, list)) and all(isinstance(v, (int, np.integer)) for v in x)
           for x in given):
        return tuple(np.array(x, np.int64).reshape(-1) for x in given)
    raise TypeError(f"ctc_loss: input_lengths and target_lengths must both be Tensors or both "
                    f"be tuples of ints, got {type(input_lengths).__name__} and "
                    f"{type(target_lengths).__name__}")


def _check_log_probs(log_probs: Tensor) -> None:
    if log_probs.data.size == 0:
        raise RuntimeError(f"ctc_loss: log_probs tensor must not be empty (log_probs of shape "
                           f"{tuple(log_probs.shape)})")
    if log_probs.dtype not in (np.float32, np.float64):
        raise NotImplementedError(f"ctc_loss: \"ctc_loss_cpu\" not implemented for "
                                  f"'{dtype_name(log_probs.dtype)}'")
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"ctc_loss: Expected 3-dimensional tensor (2-dimensional when "
                           f"unbatched), but got {log_probs.ndim}-dimensional tensor for "
                           "argument #1 'log_probs'")


def _target_rows(targets: np.ndarray, tl: np.ndarray, n: int) -> tuple:
    """(N, S) labels (S the longest target) and the mask of those inside each target, from
    padded (N, S') or concatenated targets, after PyTorch's size checks."""
    if (tl < 0).any():
        raise RuntimeError(f"ctc_loss: Expected target_lengths to have value at least 0, but "
                           f"got value {tl[tl < 0][0]}")
    longest = int(tl.max()) if n else 0
    inside = np.arange(longest) < tl[:, None]
    if targets.ndim == 1:
        if targets.shape[0] != tl.sum():
            raise RuntimeError(f"ctc_loss: Expected tensor to have size {tl.sum()} at dimension "
                               f"0, but got size {targets.shape[0]} for argument #2 'targets'")
        offsets = np.cumsum(tl) - tl
        index = np.where(inside, offsets[:, None] + np.arange(longest), 0)
        return (targets[index] if targets.size else np.zeros(index.shape, np.int64)), inside
    if targets.shape[0] != n:
        raise RuntimeError(f"ctc_loss: Expected tensor to have size {n} at dimension 0, but "
                           f"got size {targets.shape[0]} for argument #2 'targets'")
    if targets.shape[1] < longest:
        raise RuntimeError(f"ctc_loss: Expected tensor to have size at least {longest} at "
                           f"dimension 1, but got size {targets.shape[1]} for argument #2 "
                           "'targets'")
    return targets[:, :longest], inside


def _spec(targets: np.ndarray, il: np.ndarray, tl: np.ndarray, shape: tuple, blank: int,
          zero_infinity: bool) -> _CtcSpec:
    steps, n, classes = shape
    if targets.ndim not in (1, 2):
        raise RuntimeError(f"ctc_loss: Expected 1 to 2 dimensions, but got "
                           f"{targets.ndim}-dimensional tensor for argument #2 'targets'")
    if not 0 <= blank < classes:
        raise RuntimeError(f"ctc_loss: blank must be in label range (blank={blank}, "
                           f"{classes} classes)")
    for name, lengths in (("input_lengths", il), ("target_lengths", tl)):
        if lengths.size != n:
            raise RuntimeError(f"ctc_loss: {name} must be of size batch_size ({lengths.size} "
                               f"lengths for a batch of {n})")
    rows, inside = _target_rows(targets.astype(np.int64), tl, n)
    for bad, word, bound in ((il < 0, "least", 0), (il > steps, "most", steps)):
        if bad.any():
            raise RuntimeError(f"ctc_loss: Expected input_lengths to have value at {word} "
                               f"{bound}, but got value {il[bad][0]}")
    out_of_range = inside & ((rows < 0) | (rows >= classes))
    if out_of_range.any():  # PyTorch reads out of bounds here
        raise IndexError(f"ctc_loss: target {rows[out_of_range][0]} is out of range for "
                         f"{classes} classes")
    labels = np.full((n, 2 * rows.shape[1] + 1), blank, np.int64)
    labels[:, 1::2] = np.where(inside, rows, blank)
    return _CtcSpec(labels, il, tl, bool(zero_infinity))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Lengths,
             target_lengths: Lengths, blank: int = 0, reduction: str = "mean",
             zero_infinity: bool = False) -> Tensor:
    """CTC loss of (T, N, C) (or unbatched (T, C)) log-probabilities against padded (N, S) or
    concatenated 1-D targets; 'mean' divides each loss by its target length, then averages;
    ``zero_infinity`` zeroes impossible samples' losses and gradients."""
    check_reduction("ctc_loss", reduction)
    il, tl = _lengths(input_lengths, target_lengths)
    if not isinstance(targets, Tensor):
        raise TypeError(f"ctc_loss: targets must be a Tensor, got {type(targets).__name__}")
    _check_log_probs(log_probs)
    batched = log_probs.ndim == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    spec = _spec(targets.data, il, tl, lp.shape, blank, zero_infinity)
    loss = CtcLoss.apply(lp, spec)
    if zero_infinity:
        loss = where(loss.data == np.inf, 0.0, loss)
    if reduction == "mean":
        return (loss / Tensor(np.maximum(tl, 1).astype(loss.dtype))).mean()
    if reduction == "sum":
        return loss.sum()
    return loss if batched else loss.squeeze(0)
