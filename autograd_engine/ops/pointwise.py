"""More elementwise math: ``log1p``, ``expm1``, rounding (``floor``, ``ceil``, ``round``,
``trunc``) and the composites PyTorch code reaches for (``reciprocal``, ``rsqrt``, ``square``,
``frac``, ``lerp``, ``addcmul``, ``addcdiv``), written with differentiable ops."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .elementwise import _float_input, abs, sqrt, where


@register
class Log1p(Function):
    """y = log(1 + a);  da = g / (1 + a)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("log1p", a)
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a + 1.0)


@register
class Expm1(Function):
    """y = exp(a) - 1;  da = g * (y + 1)"""

    @staticmethod
    def forward(ctx, a):
        out = np.expm1(_float_input("expm1", a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out + 1.0)


_ROUNDING = {"floor": np.floor, "ceil": np.ceil, "trunc": np.trunc}


@register
class Round(Function):
    """y = floor / ceil / trunc / round-half-to-even of a;  da = 0 (integer inputs pass
    through unchanged, as PyTorch)"""

    @staticmethod
    def forward(ctx, a, mode, decimals):
        if a.dtype.kind != "f":
            return a.copy()
        if mode == "round":
            return np.round(a, decimals)
        return _ROUNDING[mode](a)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0, None, None


def log1p(a: Any) -> Tensor:
    """log(1 + a), accurate for small a."""
    return Log1p.apply(a)


def expm1(a: Any) -> Tensor:
    """exp(a) - 1, accurate for small a."""
    return Expm1.apply(a)


def floor(a: Any) -> Tensor:
    return Round.apply(a, "floor", 0)


def ceil(a: Any) -> Tensor:
    return Round.apply(a, "ceil", 0)


def trunc(a: Any) -> Tensor:
    """Round towards zero."""
    return Round.apply(a, "trunc", 0)


def round(a: Any, decimals: int = 0) -> Tensor:
    """Round half to even (to ``decimals`` places)."""
    return Round.apply(a, "round", int(decimals))


def frac(a: Tensor) -> Tensor:
    """The fractional part, a - trunc(a) (sign of a)."""
    return a - trunc(a)


def reciprocal(a: Any) -> Tensor:
    """1 / a (float32 for integer input)."""
    return 1.0 / a


def rsqrt(a: Any) -> Tensor:
    """1 / sqrt(a)."""
    return 1.0 / sqrt(a)


def square(a: Tensor) -> Tensor:
    return a * a


def lerp(start: Tensor, end: Any, weight: Any) -> Tensor:
    """start + weight * (end - start), with PyTorch's formula: from the nearer end, so that
    weight 1 gives exactly ``end``."""
    diff = end - start
    if isinstance(weight, Tensor):
        near_start = abs(weight) < 0.5
        return where(near_start, start + weight * diff, end - diff * (1.0 - weight))
    weight = float(weight)
    return start + weight * diff if -0.5 < weight < 0.5 else end - diff * (1.0 - weight)


def addcmul(input: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 * tensor2."""
    return input + value * tensor1 * tensor2


def addcdiv(input: Tensor, tensor1: Any, tensor2: Any, *, value: Any = 1) -> Tensor:
    """input + value * tensor1 / tensor2."""
    return input + value * tensor1 / tensor2
