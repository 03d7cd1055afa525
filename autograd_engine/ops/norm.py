"""Batch and layer normalisation.

The training-mode forward and first-order backward are fused Numba kernels. With
``create_graph=True`` (grad mode on inside backward) the backward is instead composed of
differentiable ops from the same formula, so higher-order gradients need no hand-derived
second derivative:
``xhat = (x - mean) * invstd``, ``dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))``
with ``dxhat = g * weight``, ``dweight = sum(g * xhat)``, ``dbias = sum(g)``.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..function import Function, register
from ..grad_mode import is_grad_enabled, no_grad
from ..kernels import norm as _norm_kernels
from ..tensor import Tensor
from ._util import opmath
from .activation import require_float


def _normalize_composed(x: Tensor, dims: tuple, eps: float) -> tuple:
    """(xhat, invstd) from differentiable ops; biased variance over ``dims``."""
    centered = x - x.mean(dims, keepdim=True)
    invstd = ((centered * centered).mean(dims, keepdim=True) + eps) ** -0.5
    return centered * invstd, invstd


def _backward_composed(g: Tensor, x: Tensor, weight: Optional[Tensor], weight_shape: tuple,
                       dims: tuple, eps: float) -> tuple:
    """(dx, dxhat * xhat, g): the normalisation's gradients as differentiable ops."""
    xhat, invstd = _normalize_composed(x, dims, eps)
    dxhat = g if weight is None else g * weight.reshape(weight_shape)
    dx = invstd * (dxhat - dxhat.mean(dims, keepdim=True)
                   - xhat * (dxhat * xhat).mean(dims, keepdim=True))
    return dx, g * xhat


def _rounded(*arrays: np.ndarray, like: Tensor) -> tuple:
    """The kernels' results in ``like``'s dtype (float16 inputs computed in float32)."""
    return tuple([a.astype(like.dtype, copy=False) for a in arrays])


def _gradient_tuple(ctx: Any, dx: Any, dweight: Any, dbias: Any, n_rest: int) -> tuple:
    needs = ctx.needs_input_grad
    return ((dx if needs[0] else None, dweight if needs[1] else None,
             dbias if needs[2] else None) + (None,) * n_rest)


@register
class BatchNorm(Function):
    """Training mode over all axes but 1: y = (x - mean) / sqrt(var + eps) * w + b with batch
    statistics (biased variance)."""

    @staticmethod
    def forward(ctx, x, weight, bias, eps, stats_out):
        x3 = x.reshape(x.shape[0], x.shape[1], -1)
        out, mean, var = _norm_kernels.batch_norm_fwd(*opmath(x3, weight, bias), eps)
        ctx.save_for_backward(x, weight)
        ctx.stats = (mean, 1.0 / np.sqrt(var + eps))  # float32 for float16 x, as PyTorch's
        ctx.eps = eps
        stats_out.append((mean, var))  # the caller's running-statistics update; not saved state
        return out.reshape(x.shape).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        if is_grad_enabled():
            dims = (0,) + tuple(range(2, x.ndim))
            dx, dweight = _backward_composed(g, x, weight, _channel_shape(x.ndim), dims,
                                             ctx.eps)
            return _gradient_tuple(ctx, dx, dweight.sum(dims), g.sum(dims), 2)
        x3 = x.data.reshape(x.shape[0], x.shape[1], -1)
        g3 = g.data.reshape(x3.shape)
        dx, dweight, dbias = _norm_kernels.batch_norm_bwd(
            *opmath(g3, x3), *ctx.stats, None if weight is None else opmath(weight.data)[0])
        return _gradient_tuple(ctx, *_rounded(dx.reshape(x.shape), dweight, dbias, like=x), 2)


@register
class LayerNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * w + b, statistics over the trailing ``k`` dims."""

    @staticmethod
    def forward(ctx, x, weight, bias, k, eps):
        width = math.prod(x.shape[x.ndim - k:])
        x2 = x.reshape(-1, width)
        flat = [None if p is None else p.reshape(-1) for p in (weight, bias)]
        out, mean, invstd = _norm_kernels.layer_norm_fwd(*opmath(x2, *flat), eps)
        ctx.save_for_backward(x, weight)
        ctx.stats = (mean, invstd)
        ctx.k, ctx.eps = k, eps
        return out.reshape(x.shape).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        k = ctx.k
        dims = tuple(range(x.ndim - k, x.ndim))
        if is_grad_enabled():
            dx, dweight = _backward_composed(g, x, weight, x.shape[x.ndim - k:], dims,
                                             ctx.eps)
            # weight's shape is x's trailing shape: the engine sums the batch dims away.
            return _gradient_tuple(ctx, dx, dweight, g, 2)
        normalized = x.shape[x.ndim - k:]
        x2 = x.data.reshape(-1, math.prod(normalized))
        dx, dweight, dbias = _norm_kernels.layer_norm_bwd(
            *opmath(g.data.reshape(x2.shape), x2), *ctx.stats,
            None if weight is None else opmath(weight.data.reshape(-1))[0])
        return _gradient_tuple(ctx, *_rounded(dx.reshape(x.shape), dweight.reshape(normalized),
                                              dbias.reshape(normalized), like=x), 2)


# --- public functions ----------------------------------------------------------------------


def _channel_shape(ndim: int) -> tuple:
    """Shape that broadcasts a per-channel vector against (N, C, *)."""
    return (-1,) + (1,) * (ndim - 2)


def _check_param_dtype(op: str, name: str, p: Tensor, x: Tensor) -> None:
    """PyTorch's CPU rule: parameters and statistics in the input's dtype (a float16 input
    may take float32 ones)."""
    if p.dtype != x.dtype and not (x.dtype == np.float16 and p.dtype == np.float32):
        raise RuntimeError(f"{op}: mixed dtype (CPU): all inputs must share same datatype, "
                           f"but got input of dtype {x.dtype} and {name} of dtype {p.dtype}")


def _check_channel_vector(name: str, v: Optional[Tensor], x: Tensor) -> None:
    if v is None:
        return
    if v.numel() != x.shape[1]:
        raise RuntimeError(f"batch_norm: {name} should contain {x.shape[1]} elements not "
                           f"{v.numel()}")
    _check_param_dtype("batch_norm", name, v, x)


def batch_norm(input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
               weight: Optional[Tensor] = None, bias: Optional[Tensor] = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise (N, C, *) per channel: batch statistics in training (updating the running
    ones in place), running statistics in evaluation."""
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected at least 2D input (got {input.ndim}D input)")
    require_float("batch_norm", input.data)
    channels = input.shape[1]
    for name, v in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_channel_vector(name, v, input)
    if not training:
        return _batch_norm_eval(input, running_mean, running_var, weight, bias, eps)
    count = input.numel() // channels if channels else 0
    if count <= 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {list(input.shape)}")
    stats: list = []
    out = BatchNorm.apply(input, weight, bias, float(eps), stats)
    if running_mean is not None or running_var is not None:
        _update_running(running_mean, running_var, *stats[0], count, momentum)
    return out


def _update_running(running_mean: Optional[Tensor], running_var: Optional[Tensor],
                    mean: np.ndarray, var: np.ndarray, count: int, momentum: float) -> None:
    """running = (1 - momentum) * running + momentum * batch (unbiased variance), in place."""
    with no_grad():
        if running_mean is not None:
            running_mean.mul_(1.0 - momentum).add_(
                Tensor((momentum * mean).astype(running_mean.dtype)))
        if running_var is not None:
            unbiased = var * (count / (count - 1))
            running_var.mul_(1.0 - momentum).add_(
                Tensor((momentum * unbiased).astype(running_var.dtype)))


def _batch_norm_eval(x: Tensor, running_mean: Optional[Tensor],
                     running_var: Optional[Tensor], weight: Optional[Tensor],
                     bias: Optional[Tensor], eps: float) -> Tensor:
    """y = x * scale + shift with scale = w / sqrt(running_var + eps), shift = b - mean * scale."""
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be defined in "
                           "evaluation mode")
    shape = _channel_shape(x.ndim)
    scale = (running_var.detach() + eps) ** -0.5
    if weight is not None:
        scale = scale * weight
    shift = -running_mean.detach() * scale
    if bias is not None:
        shift = shift + bias
    return x * scale.to(x.dtype).reshape(shape) + shift.to(x.dtype).reshape(shape)


def as_normalized_shape(normalized_shape: Any) -> tuple:
    """An int or a sequence of ints as a tuple of ints."""
    if isinstance(normalized_shape, (int, np.integer)):
        return (int(normalized_shape),)
    return tuple(int(s) for s in normalized_shape)


def layer_norm(input: Tensor, normalized_shape: Any, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing dims ``normalized_shape``, then scale and shift elementwise."""
    shape = as_normalized_shape(normalized_shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"layer_norm: Given normalized_shape={list(shape)}, expected input "
                           f"with shape [*, {', '.join(map(str, shape))}], but got input of "
                           f"size{list(input.shape)}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise RuntimeError(f"layer_norm: Expected {name} to be of same shape as "
                               f"normalized_shape, but got {name} of shape {list(p.shape)} "
                               f"and normalized_shape = {list(shape)}")
        if p is not None:
            _check_param_dtype("layer_norm", name, p, input)
    require_float("layer_norm", input.data)  # after the dtype mix, as PyTorch
    return LayerNorm.apply(input, weight, bias, k, float(eps))


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-5) -> Tensor:
    """Normalise (N, C, *) over each group of C / num_groups channels (and all positions)
    per sample, then scale and shift per channel. Composed of differentiable ops."""
    if input.ndim < 2:
        raise RuntimeError(f"group_norm: Expected at least 2 dimensions for input tensor but "
                           f"received {input.ndim}")
    n_batch, channels = input.shape[:2]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != (channels,):
            raise RuntimeError(f"group_norm: Expected {name} to be a vector of size equal to "
                               f"the number of channels in input, but got {name} of shape "
                               f"{list(p.shape)} and input of shape {list(input.shape)}")
        if p is not None:
            _check_param_dtype("group_norm", name, p, input)
    require_float("group_norm", input.data)  # after the dtype mix, as PyTorch
    groups = input.reshape(n_batch, num_groups, -1)
    mean = groups.mean(2, keepdim=True)
    var = groups.var(2, keepdim=True, correction=0)
    out = ((groups - mean) * (var + eps).rsqrt()).reshape(input.shape)
    per_channel = (channels,) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out
