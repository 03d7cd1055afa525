"""Embedding, ranking, soft-margin and likelihood losses with PyTorch 2.13's semantics, each
composed of differentiable ops (so every order of gradient comes for free): margin ranking,
hinge embedding, soft margin, multi-label soft margin, cosine embedding, Gaussian and Poisson
negative log likelihood, and the triplet margin losses."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional, Union

import numpy as np

from ..tensor import Tensor
from .activation import dtype_name
from .composed_activation import logsigmoid
from .distance import pairwise_distance
from .elementwise import clamp, minimum, where
from .loss import _reduce, _tensor

_EPSILON = float(np.float32(1e-12))  # ATen's float constant added to squared norms
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


# -- argument checks shared by the extra losses -------------------------------------------
def check_reduction(op: str, reduction: str, message: str = "is not a valid value for "
                    "reduction") -> None:
    """ValueError with PyTorch's wording (which differs between losses)."""
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{op}: {reduction} {message}")


def broadcast_shape(op: str, *tensors: Tensor) -> tuple:
    """The common shape of the operands, or PyTorch's RuntimeError naming the op."""
    try:
        return np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise RuntimeError(f"{op}: the sizes of the operands {shapes} cannot be broadcast "
                           "together") from None


def _refuse_bool_target(op: str, target: Tensor, operation: str) -> None:
    if target.dtype == np.bool_:
        raise RuntimeError(f"{op}: {operation} on a bool tensor is not supported (target of "
                           "dtype bool)")


# -- ranking and embedding losses -----------------------------------------------------------
def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                        reduction: str = "mean") -> Tensor:
    """max(0, -target (input1 - input2) + margin), reduced; the operands (of one ndim)
    broadcast."""
    op = "margin_ranking_loss"
    check_reduction(op, reduction)
    target = _tensor(target)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"{op} : All input tensors should have same dimension but got "
                           f"sizes: input1: {tuple(input1.shape)}, input2: "
                           f"{tuple(input2.shape)}, target: {tuple(target.shape)}")
    broadcast_shape(op, input1, input2, target)
    _refuse_bool_target(op, target, "negation, the `-` operator,")
    # margin is a C++ double in PyTorch: an integer margin still gives a float loss
    return _reduce(clamp(-target * (input1 - input2) + float(margin), min=0.0), reduction)


def hinge_embedding_loss(input: Tensor, target: Any, margin: float = 1.0,
                         reduction: str = "mean") -> Tensor:
    """input where target != -1, plus max(0, margin - input) where target != 1; the result
    keeps the input's dtype (an integer input truncates, as PyTorch)."""
    op = "hinge_embedding_loss"
    check_reduction(op, reduction)
    target = _tensor(target)
    broadcast_shape(op, input, target)
    t = target.data
    loss = (where(t != 1, clamp(float(margin) - input, min=0.0), 0.0)
            + where(t != -1, input, 0.0))
    if loss.dtype != input.dtype:  # an integer input: PyTorch casts back
        loss = loss.to(input.dtype)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target input)) in the input's dtype, reduced; the target broadcasts to
    the input's shape."""
    op = "soft_margin_loss"
    check_reduction(op, reduction)
    target = _tensor(target)
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: result type Float can't be cast to the desired output "
                           f"type {dtype_name(input.dtype)} (input of dtype {input.dtype})")
    shape = broadcast_shape(op, input, target)
    if shape != input.shape:
        raise RuntimeError(f"{op}: output with shape {list(input.shape)} doesn't match the "
                           f"broadcast shape {list(shape)} (target of shape "
                           f"{tuple(target.shape)})")
    with np.errstate(over="ignore"):  # -target input > ~88 (float32): inf, as PyTorch
        return _reduce((-input * target.to(input.dtype)).exp().log1p(), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Any, weight: Any = None,
                                reduction: str = "mean") -> Tensor:
    """-(t logsigmoid(x) + (1 - t) logsigmoid(-x)), times weight, averaged over the last
    (class) dim, then reduced over the samples."""
    op = "multilabel_soft_margin_loss"
    target = _tensor(target)
    if input.ndim == 0:
        raise IndexError(f"{op}: Dimension specified as -1 but tensor has no dimensions "
                         "(input of shape ())")
    _refuse_bool_target(op, target, "subtraction, the `-` operator,")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        weight = _tensor(weight)
        broadcast_shape(op, loss, weight)
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]
    check_reduction(op, reduction, "is not valid")  # after the loss, as PyTorch
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Any, margin: float = 0.0,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target == 1, max(0, cos(x1, x2) - margin) where target == -1,
    0 elsewhere; cos over the last dim of (N, D) inputs with a (N,) target, or (D,) ones
    with a 0-d target."""
    op = "cosine_embedding_loss"
    check_reduction(op, reduction)
    target = _tensor(target)
    if target.ndim > 1:
        raise RuntimeError(f"{op}: 0D or 1D target tensor expected, multi-target not "
                           f"supported (target of shape {tuple(target.shape)})")
    expected = target.ndim + 1
    if input1.ndim != expected or input2.ndim != expected:
        raise RuntimeError(f"{op}: {target.ndim}D target tensor expects {expected}D input "
                           f"tensors, but found inputs with sizes {list(input1.shape)} and "
                           f"{list(input2.shape)}.")
    dim = target.ndim
    broadcast_shape(op, input1, input2)
    products = (input1 * input2).sum(dim)
    broadcast_shape(op, products, target)
    squared1 = (input1 * input1).sum(dim) + _EPSILON
    squared2 = (input2 * input2).sum(dim) + _EPSILON
    cos = products / (squared1 * squared2).sqrt()
    t = target.data
    loss = (where(t == 1, 1.0 - cos, 0.0)
            + where(t == -1, clamp(cos - float(margin), min=0.0), 0.0))
    return _reduce(loss, reduction)


# -- likelihood losses ----------------------------------------------------------------------
def gaussian_nll_loss(input: Tensor, target: Any, var: Union[Tensor, float],
                      full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) if
    ``full``); var has the input's shape, or one dim less, or size 1 in one dim. As PyTorch,
    the clamp at eps passes var's gradient through unchanged."""
    op = "gaussian_nll_loss"
    target = _tensor(target)
    if isinstance(var, float):
        if var < 0:
            raise ValueError(f"{op}: var has negative entry/entries")
        var = Tensor(np.full(input.shape, var, input.dtype if input.dtype.kind == "f"
                             else np.float32))
    elif not isinstance(var, Tensor):
        raise TypeError(f"{op}: var must be a Tensor or a float, got {type(var).__name__}")
    elif (var.data < 0).any():
        raise ValueError(f"{op}: var has negative entry/entries")
    var = _homoscedastic_var(op, input, var)
    check_reduction(op, reduction, "is not valid")
    if var.dtype.kind != "f":
        raise RuntimeError(f"{op}: result type Float can't be cast to the desired output type "
                           f"{dtype_name(var.dtype)} (var of dtype {var.dtype} is clamped in "
                           "place)")
    broadcast_shape(op, input, target, var)
    small = var.data < eps
    if small.any():  # straight-through: the value is eps, the gradient var's own
        var = where(small, var - var.detach() + eps, var)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + _HALF_LOG_2PI
    return _reduce(loss, reduction)


def _homoscedastic_var(op: str, input: Tensor, var: Tensor) -> Tensor:
    """var of the input's shape as is; one dim short gets a trailing 1; otherwise exactly
    one dim may differ, and there var must have size 1."""
    if var.shape == input.shape:
        return var
    if input.shape[:-1] == var.shape:
        return var.unsqueeze(-1)
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ValueError(f"{op}: var is of incorrect size (var of shape {tuple(var.shape)} for "
                     f"input of shape {tuple(input.shape)})")


def poisson_nll_loss(input: Tensor, target: Any, log_input: bool = True, full: bool = False,
                     eps: float = 1e-8, reduction: str = "mean") -> Tensor:
    """exp(input) - target input (``log_input``) or input - target log(input + eps); ``full``
    adds Stirling's t log t - t + 0.5 log(2 pi t) where target > 1."""
    op = "poisson_nll_loss"
    check_reduction(op, reduction)
    target = _tensor(target)
    broadcast_shape(op, input, target)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        with np.errstate(divide="ignore", invalid="ignore"):  # masked where target <= 1
            stirling = (target * target.log() - target
                        + 0.5 * (target * (2 * math.pi)).log())
        loss = loss + where(target.data <= 1, 0.0, stirling)
    return _reduce(loss, reduction)


# -- triplet losses -------------------------------------------------------------------------
def _check_triplet(op: str, anchor: Tensor, positive: Tensor, negative: Tensor,
                   margin: float, reduction: str) -> None:
    check_reduction(op, reduction)
    if margin <= 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"{op}: The anchor, positive, and negative tensors are expected to "
                           f"have the same number of dimensions, but got: anchor "
                           f"{anchor.ndim}D, positive {positive.ndim}D, and negative "
                           f"{negative.ndim}D inputs")


def _triplet(distance: Callable, anchor: Tensor, positive: Tensor, negative: Tensor,
             margin: float, swap: bool, reduction: str) -> Tensor:
    """max(0, margin + d(a, p) - d(a, n)), with d(a, n) replaced by min(d(a, n), d(p, n))
    when ``swap``."""
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance(positive, negative))
    return _reduce(clamp(margin + dist_pos - dist_neg, min=0.0), reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, reduction: str = "mean") -> Tensor:
    """Triplet loss with the pairwise p-norm distance ||x1 - x2 + eps||_p over the last dim."""
    op = "triplet_margin_loss"
    _check_triplet(op, anchor, positive, negative, margin, reduction)
    broadcast_shape(op, anchor, positive, negative)
    return _triplet(lambda x1, x2: pairwise_distance(x1, x2, p, eps), anchor, positive,
                    negative, float(margin), swap, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function: Optional[Callable] = None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """Triplet loss with any distance (default: pairwise_distance)."""
    _check_triplet("triplet_margin_with_distance_loss", anchor, positive, negative, margin,
                   reduction)
    distance = pairwise_distance if distance_function is None else distance_function
    return _triplet(distance, anchor, positive, negative, margin, swap, reduction)
