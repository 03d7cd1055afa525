"""Loss functions with PyTorch's semantics: ``reduction='mean'|'sum'|'none'``, class weights,
``ignore_index`` and label smoothing. Softmax cross-entropy is one fused op whose backward is
the fused gradient kernel; that gradient op's own backward is composed of differentiable ops."""
from __future__ import annotations

import warnings
from typing import Any, NamedTuple, Optional

import numpy as np

from ..function import Function, register
from ..kernels import losses as _losses
from ..tensor import Tensor
from .activation import SoftmaxBackward, dtype_name, log_softmax, require_float, softmax, \
    softplus
from ._util import opmath
from .elementwise import where

_REDUCTIONS = ("none", "mean", "sum")
_BCE_LOG_MIN = -100.0  # PyTorch clamps BCE's logs so that p = 0 or 1 gives a finite loss
_BCE_EPSILON = float(np.float32(1e-12))  # PyTorch's floor on x (1 - x) in the BCE gradient
# (a float constant in ATen, hence the float32 rounding)
_KL_MEAN_WARNING = (  # PyTorch's wording, missing spaces included
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release.")


# -- argument checks --------------------------------------------------------------------
def _check_reduction(reduction: str, valid: tuple = _REDUCTIONS) -> None:
    if reduction not in valid:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _as_array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class _ClassTargets(NamedTuple):
    """Validated class-index targets of (N, C, d...) scores, in the scores' dtype."""

    target: np.ndarray  # (N, d...) int64, as given
    index: np.ndarray  # (N, 1, d...) int64 gather index, ignored entries pointed at class 0
    sample_weight: np.ndarray  # (N, d...) w[target], 0 where ignored
    class_weight: Optional[np.ndarray]  # (C,) or None
    ignore_index: int
    smoothing: float

    @property
    def n_classes(self) -> int:
        return 0 if self.class_weight is None else self.class_weight.shape[0]


def _check_class_target(op: str, shape: tuple, target: np.ndarray) -> None:
    """PyTorch's checks, in its order, of class indices for scores of ``shape`` ((C,) or
    (N, C, d...)); a (C,) sample takes a 0-d target or a 1-D one of size 1."""
    if not shape:
        raise ValueError(f"{op}: Expected 1 or more dimensions (got 0)")
    if len(shape) > 1 and shape[0] != (target.shape[0] if target.ndim else 0):
        raise ValueError(f"{op}: Expected input batch_size ({shape[0]}) to match target "
                         f"batch_size ({target.shape[0] if target.ndim else 0}).")
    if len(shape) <= 2 and target.ndim > 1:
        raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not "
                           f"supported (input shape {shape}, target shape {target.shape})")
    if target.dtype != np.int64 and target.dtype != np.uint8:
        raise RuntimeError(f"{op}: expected target dtype to be Long or Byte, but got "
                           f"{dtype_name(target.dtype)}")
    if len(shape) == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise ValueError(f"{op}: For 1D input, 1D target must have size 1, but got target "
                         f"size: {target.shape[0]}")
    expected = shape[:1] + shape[2:]
    if len(shape) > 2 and target.shape != expected:
        raise RuntimeError(f"{op}: Expected target size {list(expected)}, got "
                           f"{list(target.shape)}")


def _class_targets(op: str, scores: np.ndarray, target: np.ndarray, weight: Any,
                   ignore_index: int, smoothing: float) -> _ClassTargets:
    """Validate the label range (IndexError for a bad label) and the class weight."""
    n_classes = scores.shape[1]
    target = target.astype(np.int64, copy=False)
    valid = target != ignore_index
    if target.size and (target.min() < 0 or target.max() >= n_classes):  # bad or ignored
        bad = valid & ((target < 0) | (target >= n_classes))
        if bad.any():
            raise IndexError(f"{op}: Target {target[bad].flat[0]} is out of bounds for "
                             f"{n_classes} classes.")
    class_weight = np.ones(n_classes, scores.dtype)
    if weight is not None:
        given = _as_array(weight)
        if given.shape != (n_classes,):
            raise RuntimeError(f"{op}: weight tensor should be defined either for all "
                               f"{n_classes} classes or no classes but got weight tensor of "
                               f"shape: {list(given.shape)}")
        if isinstance(weight, Tensor) and given.dtype != scores.dtype:
            raise RuntimeError(f"{op}: expected scalar type {dtype_name(scores.dtype)} but "
                               f"found {dtype_name(given.dtype)} (weight of dtype "
                               f"{given.dtype} for input of dtype {scores.dtype})")
        class_weight = given.astype(scores.dtype)
    if valid.all():
        index, sample_weight = target[:, None], class_weight[target]
    else:
        index = np.where(valid, target, 0)[:, None]
        sample_weight = np.where(valid, class_weight[index[:, 0]], scores.dtype.type(0))
    return _ClassTargets(target, index, sample_weight, class_weight, int(ignore_index),
                         float(smoothing))


def _mean_scale(spec: _ClassTargets, reduction: str) -> float:
    """The factor the reduction applies to the summed loss: 1 / (sum of the weights of the
    non-ignored targets) for 'mean' (NaN when there are none, as PyTorch), else 1."""
    if reduction != "mean":
        return 1.0
    total = float(spec.sample_weight.sum())
    return 1.0 / total if total else float("nan")


def _reduced(loss: np.ndarray, reduction: str, scale: float) -> np.ndarray:
    if reduction == "none":
        return loss
    return np.asarray(loss.sum() * loss.dtype.type(scale))


def _broadcast_over_classes(g: Tensor, reduction: str, scale: float) -> Tensor:
    """The upstream gradient per sample, shaped to broadcast against (N, C, d...)."""
    return g.unsqueeze(1) if reduction == "none" else g * scale


def _target_distribution(spec: _ClassTargets, shape: tuple) -> np.ndarray:
    """q with loss = -sum_c q_c logp_c per sample: (1 - eps) w[t] onehot(t) + eps/C w."""
    q = np.zeros(shape, spec.sample_weight.dtype)
    np.put_along_axis(q, spec.index, np.expand_dims(spec.sample_weight, 1)
                      * (1.0 - spec.smoothing), axis=1)
    if spec.smoothing:
        valid = np.expand_dims(spec.target != spec.ignore_index, 1)
        per_class = spec.class_weight.reshape((1, -1) + (1,) * (len(shape) - 2))
        q += valid * per_class * (spec.smoothing / shape[1])
    return q


# -- rows view for the (N, C) kernels: (N, C, d...) -> (N * d..., C) -----------------------
def _to_rows(a: np.ndarray) -> np.ndarray:
    if a.ndim == 2:  # already rows (the common case; moveaxis costs ~10 us)
        return a
    return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def _from_rows(rows: np.ndarray, shape: tuple) -> np.ndarray:
    if len(shape) == 2:
        return rows.reshape(shape)
    moved = shape[:1] + shape[2:] + shape[1:2]
    return np.moveaxis(rows.reshape(moved), -1, 1)


# -- cross entropy ----------------------------------------------------------------------
@register
class CrossEntropy(Function):
    """loss_n = -(1 - eps) w[t] logp[n, t] - eps/C sum_c w_c logp[n, c], logp = log_softmax;
    dx = g * (softmax(x) * sum_c q_c - q), q the target distribution"""

    @staticmethod
    def forward(ctx, x, spec, reduction):
        # the softmax of the (N * d..., C) rows as (exps, inverse_sum), see the kernel
        rows, class_weight = opmath(_to_rows(x), spec.class_weight)  # float16 in float32
        loss, (exps, inverse_sum) = _losses.cross_entropy_fwd(
            rows, spec.target.reshape(-1), spec.ignore_index, spec.smoothing, class_weight)
        ctx.save_for_backward(x, exps, inverse_sum)
        ctx.spec, ctx.reduction = spec, reduction
        return _reduced(loss.reshape(spec.target.shape), reduction,
                        _mean_scale(spec, reduction)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, exps, inverse_sum = ctx.saved_tensors
        return (CrossEntropyBackward.apply(g, x, exps, inverse_sum, ctx.spec, ctx.reduction),
                None, None)


@register
class CrossEntropyBackward(Function):
    """z = g (p Q - q), p = softmax(x), Q = sum_c q_c;  dg = sum_c gg (p Q - q),
    dx = softmax_backward(gg g Q, p)"""

    @staticmethod
    def forward(ctx, g, x, exps, inverse_sum, spec, reduction):
        ctx.save_for_backward(g, x)
        ctx.spec, ctx.reduction = spec, reduction
        scale = _mean_scale(spec, reduction)
        rows = spec.target.size
        if reduction == "none":
            grad = g.reshape(rows)
        else:  # all ignored: PyTorch's gradient is 0, not NaN
            grad = np.full(rows, g.astype(exps.dtype) * (scale if scale == scale else 0.0),
                           exps.dtype)
        grad, class_weight = opmath(grad, spec.class_weight)  # as the forward's rows
        out = _losses.cross_entropy_bwd((exps, inverse_sum), spec.target.reshape(-1), grad,
                                        spec.ignore_index, spec.smoothing, class_weight)
        return _from_rows(out, x.shape).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        spec, reduction = ctx.spec, ctx.reduction
        scale = _mean_scale(spec, reduction)
        scale = scale if scale == scale else 0.0
        q = _target_distribution(spec, x.shape)
        total = Tensor(q.sum(1, keepdims=True))
        p = softmax(x, 1)
        g_b = _broadcast_over_classes(g, reduction, scale)
        dg = dx = None
        if ctx.needs_input_grad[0]:
            dg = (gg * (p * total - Tensor(q))).sum(1) * (1.0 if reduction == "none" else scale)
        if ctx.needs_input_grad[1]:
            dx = SoftmaxBackward.apply(gg * g_b * total, p, 1)
        return dg, dx, None, None, None, None


def _soft_target_cross_entropy(x: Tensor, target: Tensor, weight: Any, reduction: str,
                               smoothing: float) -> Tensor:
    """Probability targets: loss_n = -sum_c w_c t'_nc logp_nc, t' = (1 - eps) t + eps / C;
    'mean' divides by the number of samples (N * d...), as PyTorch."""
    n_classes = x.shape[1]
    if smoothing:
        target = target * (1.0 - smoothing) + smoothing / n_classes
    prod = log_softmax(x, 1) * target
    if weight is not None:
        w = weight if isinstance(weight, Tensor) else Tensor(np.asarray(weight, x.dtype))
        prod = prod * w.reshape((1, n_classes) + (1,) * (x.ndim - 2))
    loss = -prod.sum(1)
    return _reduce(loss, reduction)


def _check_probability_target(target: np.ndarray, ignore_index: int) -> None:
    """A target of the input's shape holds class probabilities: it must be floating point,
    and only a negative ignore_index (which no class can match) is allowed."""
    if target.dtype.kind != "f":
        raise RuntimeError(f"cross_entropy: Expected floating point type for target with class "
                           f"probabilities, got {dtype_name(target.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError(f"cross_entropy: ignore_index is not supported for floating point "
                           f"target (got ignore_index={ignore_index})")


def cross_entropy(input: Tensor, target: Tensor, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy of (N, C, d...) or (C,) logits against class indices (int64)
    or class probabilities (float, input's shape)."""
    _check_reduction(reduction)
    target_data = _as_array(target)
    probabilities = target_data.shape == input.shape  # PyTorch's test, before the dtype's
    if probabilities:
        _check_probability_target(target_data, ignore_index)
    require_float("cross_entropy", input.data)
    if input.ndim == 0:  # PyTorch's log_softmax over dim 1 comes first
        raise IndexError("cross_entropy: Dimension out of range (expected to be in range of "
                         "[-1, 0], but got 1): the input has no class dimension")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0. "
                           f"Got: {label_smoothing}")
    if probabilities:
        if input.ndim == 1:
            loss = _soft_target_cross_entropy(input.unsqueeze(0), _tensor(target).unsqueeze(0),
                                              weight, reduction, label_smoothing)
            return loss.squeeze(0) if reduction == "none" else loss
        return _soft_target_cross_entropy(input, _tensor(target), weight, reduction,
                                          label_smoothing)
    return _class_loss(CrossEntropy, "cross_entropy", input, target_data, weight, ignore_index,
                       reduction, label_smoothing)


def _class_loss(op: type, name: str, input: Tensor, target: np.ndarray, weight: Any,
                ignore_index: int, reduction: str, smoothing: float) -> Tensor:
    """Run a class-index loss op on (N, C, d...) scores; (C,) scores are one sample."""
    _check_class_target(name, input.shape, target)
    unbatched = input.ndim == 1
    if unbatched:
        input, target = input.unsqueeze(0), target.reshape(1)
    spec = _class_targets(name, input.data, target, weight, ignore_index, smoothing)
    loss = op.apply(input, spec, reduction)
    return loss.squeeze(0) if unbatched and reduction == "none" else loss


# -- negative log likelihood ------------------------------------------------------------
@register
class NllLoss(Function):
    """loss_n = -w[t] x[n, t];  dx = -g w[t] onehot(t) (scaled by the mean's 1 / sum w)"""

    @staticmethod
    def forward(ctx, x, spec, reduction):
        ctx.spec, ctx.reduction, ctx.input_shape = spec, reduction, x.shape
        picked = np.take_along_axis(x, spec.index, axis=1)[:, 0]
        # an ignored target's loss is +0, as PyTorch's (not the -0 of negating it)
        loss = np.where(spec.sample_weight != 0, -(picked * spec.sample_weight), 0)
        return _reduced(loss.astype(x.dtype, copy=False), reduction,
                        _mean_scale(spec, reduction))

    @staticmethod
    def backward(ctx, g):
        spec, reduction = ctx.spec, ctx.reduction
        scale = _mean_scale(spec, reduction)
        q = _target_distribution(spec, ctx.input_shape)
        g_b = _broadcast_over_classes(g, reduction, scale if scale == scale else 0.0)
        return g_b * Tensor(-q), None, None


def nll_loss(input: Tensor, target: Tensor, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log likelihood of (N, C, d...) or (C,) log-probabilities at class indices."""
    _check_reduction(reduction)
    require_float("nll_loss", input.data)
    return _class_loss(NllLoss, "nll_loss", input, _as_array(target), weight, ignore_index,
                       reduction, 0.0)


# -- regression losses (composed of differentiable ops) ---------------------------------
def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


def _pointwise_operands(op: str, input: Tensor, target: Any, reduction: str,
                        float_only: bool = True) -> Tensor:
    """target as a Tensor; PyTorch broadcasts different shapes, with a warning."""
    _check_reduction(reduction)
    if float_only:
        require_float(op, input.data)
    target = _tensor(target)
    if target.shape != input.shape:
        try:
            np.broadcast_shapes(input.shape, target.shape)
        except ValueError:
            raise RuntimeError(f"{op}: the size of input {input.shape} and target "
                               f"{target.shape} cannot be broadcast together") from None
        warnings.warn(f"{op}: Using a target size ({target.shape}) that is different to the "
                      f"input size ({input.shape}). This will likely lead to incorrect results "
                      "due to broadcasting. Please ensure they have the same size.",
                      UserWarning, stacklevel=3)
    return target


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """(input - target)^2, reduced."""
    diff = input - _pointwise_operands("mse_loss", input, target, reduction)
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """|input - target|, reduced (gradient sign(input - target), 0 at a tie); integer
    tensors work as in PyTorch, except with 'mean'."""
    diff = input - _pointwise_operands("l1_loss", input, target, reduction, float_only=False)
    return _reduce(diff.abs(), reduction)


def _quadratic_then_linear(diff: Tensor, threshold: float, huber: bool) -> Tensor:
    """0.5 d^2 (/ threshold unless huber) where |d| < threshold, else |d| - 0.5 threshold
    (* threshold if huber), in PyTorch's order of operations. The mask is strict as in
    PyTorch: at |d| = threshold the gradient is the linear branch's (equal to the
    quadratic's) and the second derivative is 0."""
    size = diff.abs()
    quadratic = 0.5 * diff * diff  # not size * size: that has no curvature at d = 0
    linear = size - 0.5 * threshold
    if huber:
        linear = threshold * linear
    else:
        quadratic = quadratic / threshold
    return where(size.data < threshold, quadratic, linear)


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target), reduced;
    beta = 0 is l1_loss."""
    target = _pointwise_operands("smooth_l1_loss", input, target, reduction)
    if not beta >= 0:  # NaN too, as PyTorch
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    diff = input - target
    loss = diff.abs() if beta == 0 else _quadratic_then_linear(diff, beta, huber=False)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0,
               weight: Any = None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta) (d = input - target), times
    an optional (differentiable) weight of the input's shape, reduced."""
    target = _pointwise_operands("huber_loss", input, target, reduction)
    if not delta > 0:  # NaN too, as PyTorch
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    loss = _quadratic_then_linear(input - target, delta, huber=True)
    if weight is not None:
        weight = _tensor(weight)
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Any, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """Pointwise KL divergence of log-probabilities ``input`` from ``target`` (probabilities,
    or log-probabilities if ``log_target``): xlogy(t, t) - t x, or exp(t) (t - x); shapes
    broadcast silently, as PyTorch. 'batchmean' divides the sum by input.shape[0]; 'mean'
    (the mean over all elements) warns as PyTorch does."""
    if reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
    _check_reduction(reduction, _REDUCTIONS + ("batchmean",))
    target = _tensor(target)
    if input.dtype.kind in "biu" or target.dtype.kind in "biu":
        raise RuntimeError("kl_div: Integral inputs not supported.")
    require_float("kl_div", input.data)
    # 0 * -inf = NaN where PyTorch's is NaN too (t = -inf with log_target, t < 0 without)
    with np.errstate(invalid="ignore", divide="ignore"):
        if log_target:
            loss = target.exp() * (target - input)
        else:  # xlogy(t, t) = 0 at t = 0; its gradient there is NaN, as PyTorch's
            loss = where(target.data == 0, 0.0, target * target.log()) - target * input
        if reduction == "batchmean":
            total = loss.sum()
            return total / input.shape[0] if input.ndim else total
        return _reduce(loss, reduction)


# -- binary cross entropy ---------------------------------------------------------------
@register
class BinaryCrossEntropy(Function):
    """loss = -w (t max(log x, -100) + (1 - t) max(log(1 - x), -100));
    dx = g w (x - t) / max(x (1 - x), 1e-12), dt = g w (log(1 - x) - log x)"""

    @staticmethod
    def forward(ctx, x, t, w):
        if not ((x >= 0) & (x <= 1)).all():  # NaN fails too, as in PyTorch
            raise RuntimeError("binary_cross_entropy: all elements of input should be "
                               "between 0 and 1")
        ctx.save_for_backward(x, t, w)
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), _BCE_LOG_MIN)
            log_1mx = np.maximum(np.log1p(-x), _BCE_LOG_MIN)
        loss = -(t * log_x + (1 - t) * log_1mx)
        return (loss if w is None else loss * w).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, t, w = ctx.saved_tensors
        g = g if w is None else g * w
        dx = dt = None
        if ctx.needs_input_grad[0]:
            dx = g * (x - t) / (x * (1.0 - x)).clamp(min=_BCE_EPSILON)
        if ctx.needs_input_grad[1]:
            dt = g * ((1.0 - x).log() - x.log())  # unclamped, as PyTorch
        return dx, dt, None


def binary_cross_entropy(input: Tensor, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """Mean/sum/none of -w (t log x + (1 - t) log(1 - x)), logs clamped at -100."""
    _check_reduction(reduction)
    target = _tensor(target)
    if target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy: Using a target size ({target.shape}) that is "
                         f"different to the input size ({input.shape}) is deprecated. Please "
                         "ensure they have the same size.")
    if target.dtype != input.dtype:
        raise RuntimeError(f"binary_cross_entropy: Found dtype {dtype_name(target.dtype)} but "
                           f"expected {dtype_name(input.dtype)} (target of dtype "
                           f"{target.dtype} for input of dtype {input.dtype})")
    require_float("binary_cross_entropy", input.data)
    w = None if weight is None else _weight_array("binary_cross_entropy", weight, input)
    return _reduce(BinaryCrossEntropy.apply(input, target, w), reduction)


@register
class BinaryCrossEntropyWithLogits(Function):
    """loss = w ((1 - t) x + l softplus(-x)), l = 1 + (pw - 1) t;
    dx = g w (l sigmoid(x) - pw t), dt = g w ((pw - 1) softplus(-x) - x)"""

    @staticmethod
    def forward(ctx, x, t, w, pos_weight):
        ctx.save_for_backward(x, t, w, pos_weight)
        # softplus(-x) = max(-x, 0) + log1p(exp(-|x|)): finite for any finite x
        softplus_neg = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        log_weight = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * t
        loss = (1.0 - t) * x + log_weight * softplus_neg
        return (loss if w is None else loss * w).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, t, w, pos_weight = ctx.saved_tensors
        g = g if w is None else g * w
        dx = dt = None
        if ctx.needs_input_grad[0]:
            if pos_weight is None:
                dx = g * (x.sigmoid() - t)
            else:
                dx = g * ((1.0 + (pos_weight - 1.0) * t) * x.sigmoid() - pos_weight * t)
        if ctx.needs_input_grad[1]:
            # no threshold: the exact log1p branch for every x
            softplus_neg = softplus(-x, threshold=float("inf"))
            dt = g * (-x if pos_weight is None else (pos_weight - 1.0) * softplus_neg - x)
        return dx, dt, None, None


def binary_cross_entropy_with_logits(input: Tensor, target: Any, weight: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Tensor:
    """BCE of sigmoid(input) computed from logits, stable for any magnitude."""
    _check_reduction(reduction)
    require_float("binary_cross_entropy_with_logits", input.data)
    target = _tensor(target)
    if target.shape != input.shape:
        raise ValueError(f"binary_cross_entropy_with_logits: Target size ({target.shape}) "
                         f"must be the same as input size ({input.shape})")
    op = "binary_cross_entropy_with_logits"
    if target.dtype.kind != "f":
        raise RuntimeError(f"{op}: result type {dtype_name(input.dtype)} can't be cast to the "
                           f"desired output type {dtype_name(target.dtype)} (the target must be "
                           f"floating point, got {target.dtype})")
    w = None if weight is None else _weight_array(op, weight, input)
    pw = None if pos_weight is None else _weight_array(op, pos_weight, input)
    loss = BinaryCrossEntropyWithLogits.apply(input, _same_dtype(target, input), w, pw)
    # PyTorch's loss is (1 - target) * input - ..., computed in the target's dtype
    return _reduce(_same_dtype(loss, target), reduction)


def _same_dtype(t: Tensor, like: Tensor) -> Tensor:
    return t if t.dtype == like.dtype else t.to(like.dtype)


def _weight_array(op: str, weight: Any, input: Tensor) -> np.ndarray:
    """A (non-differentiable) weight broadcastable to the input, in the input's dtype."""
    w = _as_array(weight).astype(input.dtype, copy=False)
    try:
        np.broadcast_shapes(w.shape, input.shape)
    except ValueError:
        raise RuntimeError(f"{op}: weight of shape {w.shape} cannot be broadcast to the "
                           f"input shape {input.shape}") from None
    return w
