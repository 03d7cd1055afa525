"""Activations composed of other differentiable ops: ``hardtanh``, ``relu6``,
``hardsigmoid``, ``hardswish``, ``mish``, ``softsign``, ``logsigmoid``, ``glu``, ``prelu``,
``selu``, ``celu``, ``softmin``, ``tanhshrink``.

They take PyTorch's one-sided derivatives at their kinks: the clamp-style ones pass the
gradient strictly inside their range only (PyTorch's ``hardtanh_backward``), which is why
the outside branch is detached rather than clamped (``clamp`` passes it at the bounds).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .activation import dtype_name, elu, require_float, sigmoid, softmax, softplus, tanh
from .elementwise import abs, clamp, where
from .pointwise import expm1


def hardtanh(x: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """x clipped to [min_val, max_val]; gradient 1 strictly inside, 0 elsewhere."""
    if min_val > max_val:
        raise ValueError("hardtanh: min_val cannot be greater than max_val")
    if inplace:
        return x._inplace("hardtanh_", lambda t: hardtanh(t, min_val, max_val))
    if x.dtype.kind != "f":
        return _hardtanh_integer(x, min_val, max_val)
    inside = (x > min_val) & (x < max_val)
    return where(inside, x, clamp(x, min_val, max_val).detach())


def _hardtanh_integer(x: Tensor, min_val: float, max_val: float) -> Tensor:
    """PyTorch clamps an integer tensor to the bounds truncated to ints, and refuses bool."""
    if x.dtype.kind == "b":
        raise RuntimeError("hardtanh: Bool inputs not supported for hardtanh")
    return clamp(x, int(min_val), int(max_val))


def relu6(x: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    return hardtanh(x, 0.0, 6.0, inplace)


def hardsigmoid(x: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between; gradient 1/6 strictly
    between -3 and 3."""
    require_float("hardsigmoid", x.data)
    if inplace:
        return x._inplace("hardsigmoid_", hardsigmoid)
    # the range test is on x, not on x + 3, which rounds to 6 just below x = 3 in float32
    inside = (x > -3.0) & (x < 3.0)
    return where(inside, (x + 3.0) / 6.0, (relu6(x + 3.0) / 6.0).detach())


@register
class Hardswish(Function):
    """y = x * relu6(x + 3) / 6;  dx = g * (0 if x <= -3, (2x + 3) / 6 if x < 3, else 1)"""

    @staticmethod
    def forward(ctx, x):
        require_float("hardswish", x)
        ctx.save_for_backward(x)
        return x * np.clip(x + 3.0, 0.0, 6.0).astype(x.dtype, copy=False) / x.dtype.type(6.0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        slope = where(x <= -3.0, 0.0, where(x < 3.0, (x * 2.0 + 3.0) / 6.0, 1.0))
        return g * slope


def hardswish(x: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6, with PyTorch's derivative at -3 and 3."""
    if inplace:
        return x._inplace("hardswish_", hardswish)
    return Hardswish.apply(x)


def mish(x: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    require_float("mish", x.data)
    if inplace:
        return x._inplace("mish_", mish)
    return x * tanh(softplus(x))


def softsign(x: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return x / (abs(x) + 1.0)


@register
class LogSigmoid(Function):
    """y = log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)) (finite for every x);
    dx = g * sigmoid(-x)"""

    @staticmethod
    def forward(ctx, x):
        require_float("logsigmoid", x)
        ctx.save_for_backward(x)
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * sigmoid(-x)


def logsigmoid(x: Tensor) -> Tensor:
    """log(sigmoid(x))."""
    return LogSigmoid.apply(x)


def glu(x: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b) for the two halves a, b of ``x`` along ``dim``."""
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    require_float("glu", x.data)
    size = x.shape[dim]
    if size % 2:
        raise RuntimeError(f"glu: Halving dimension must be even, but dimension "
                           f"{dim % x.ndim} is size {size}")
    a, b = x.chunk(2, dim)
    return a * b.sigmoid()


def prelu(x: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else weight * x, one weight per channel (dim 1) or one shared."""
    if x.dtype != weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {dtype_name(x.dtype)} "
                           f"and {dtype_name(weight.dtype)}")
    require_float("prelu", x.data)
    if weight.numel() != 1:
        channels = x.shape[1] if x.ndim >= 2 else 1  # PyTorch: no channel dim below 2-D
        if weight.ndim != 1 or weight.shape[0] != channels:
            raise RuntimeError(f"prelu: Mismatch of parameter numbers and input channel size. "
                               f"Found parameter numbers = {weight.numel()} and channel size = "
                               f"{channels}.")
        weight = weight.reshape((channels,) + (1,) * (x.ndim - 2))
    elif weight.ndim:
        weight = weight.reshape(())
    return where(x > 0, x, weight * x)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(x: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    require_float("selu", x.data)
    if inplace:
        return x._inplace("selu_", selu)
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


def celu(x: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x / alpha) - 1)."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    require_float("celu", x.data)
    if inplace:
        return x._inplace("celu_", lambda t: celu(t, alpha))
    # the clamp keeps exp finite in the branch where() drops (its zero gradient times inf
    # would be NaN); inclusive at 0, so x == 0 gets PyTorch's slope exp(0) = 1
    negative = expm1(clamp(x, max=0.0) / alpha) * alpha
    return where(x > 0, x, negative)


def softmin(x: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    """softmax(-x)."""
    return softmax(-x, dim, dtype)


def tanhshrink(x: Tensor) -> Tensor:
    """x - tanh(x)."""
    return x - tanh(x)


def hardshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > lambd, else 0."""
    require_float("hardshrink", x.data)
    return where((x > lambd) | (x < -lambd), x, 0.0)


def softshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x - sign(x) lambd where |x| > lambd, else 0."""
    require_float("softshrink", x.data)
    if lambd < 0:
        raise RuntimeError(f"softshrink: lambda must be in range [0, inf) for input dtype "
                           f"{dtype_name(x.dtype)}, but found {lambd}")
    return where(x > lambd, x - lambd, where(x < -lambd, x + lambd, 0.0))


def threshold(x: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > threshold, else value."""
    def compute(t: Tensor) -> Tensor:  # an integer tensor stays integer (value truncated)
        return where(t > threshold, t, int(value) if t.dtype.kind in "iu" else value)
    return x._inplace("threshold_", compute) if inplace else compute(x)
