"""More binary and floating-point elementwise ops, as PyTorch's: ``fmod`` (C's remainder,
the sign of the dividend), ``fmax``/``fmin`` (NaN-ignoring), ``copysign``, ``nextafter``,
``heaviside``, ``signbit``, ``deg2rad``/``rad2deg``, ``float_power`` (always float64),
``true_divide``, ``logaddexp2``, ``ldexp``, ``frexp``, ``gcd`` and ``lcm``."""
from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import array_of, broadcast_error, promote
from .elementwise import _broadcasting, _division_operands, div, logical_or, where
from .linalg import kernel_error
from .pointwise import _float_pair

FrexpResult = namedtuple("frexp", ["mantissa", "exponent"])


def _zero(g: Tensor) -> Tensor:
    return Tensor(np.zeros((), g.dtype))


@register
class Fmod(Function):
    """y = a - b trunc(a / b) (C's fmod: the sign of a);  da = g, db = -g trunc(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _division_operands("fmod", a, b)
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return _broadcasting("fmod", np.fmod, a, b)

    @staticmethod
    def backward(ctx, g):
        da, db = ctx.needs_input_grad
        gb = None
        if db:
            a, b = ctx.saved_tensors
            gb = -g * div(a, b, rounding_mode="trunc")
        return (g if da else None), gb


@register
class Fmax(Function):
    """y = max(a, b), the other value where one is NaN; the gradient goes whole to a where
    a >= b or b is NaN, to b elsewhere (ties to a, as PyTorch)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("fmax", a, b)
        ctx.save_for_backward(a, b)
        return _broadcasting("fmax", np.fmax, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _pick(ctx, g, logical_or(a >= b, b != b))


@register
class Fmin(Function):
    """y = min(a, b), the other value where one is NaN; the gradient goes whole to a where
    a <= b or b is NaN, to b elsewhere"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("fmin", a, b)
        ctx.save_for_backward(a, b)
        return _broadcasting("fmin", np.fmin, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _pick(ctx, g, logical_or(a <= b, b != b))


def _pick(ctx, g: Tensor, to_a: Tensor) -> tuple:
    da, db = ctx.needs_input_grad
    zero = _zero(g)
    return (where(to_a, g, zero) if da else None), (where(to_a, zero, g) if db else None)


@register
class Copysign(Function):
    """y = |a| with the sign (bit) of b;  da = g y / a (0 at a = 0), db = 0"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _float_pair("copysign", a, b)
        out = _broadcasting("copysign", np.copysign, a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(np.broadcast_to(a, out.shape) == 0, 0, out / a).astype(out.dtype)
        ctx.save_for_backward(ratio)
        return out

    @staticmethod
    def backward(ctx, g):
        (ratio,) = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * ratio if da else None), (g * 0.0 if db else None)


@register
class Nextafter(Function):
    """y = the next float after a towards b (b itself where a == b);
    da = g where a != b, 0 where a == b; db = 0 (PyTorch's)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("nextafter", a, b)
        dtype = np.result_type(a, b)
        if dtype.kind != "f":
            raise kernel_error("nextafter_cpu", dtype)
        out = _broadcasting("nextafter", np.nextafter, a, b)
        ctx.save_for_backward(np.asarray(a != b))
        return out

    @staticmethod
    def backward(ctx, g):
        (moved,) = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (where(moved, g, _zero(g)) if da else None), (g * 0.0 if db else None)


@register
class Logaddexp2(Function):
    """y = log2(2^a + 2^b);  da = g / (1 + 2^(b - a)), db = g / (1 + 2^(a - b))"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("logaddexp2", a, b)
        if np.result_type(a, b).kind != "f":
            raise kernel_error("logaddexp2_cpu", np.result_type(a, b))
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            return _broadcasting("logaddexp2", np.logaddexp2, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return ((g / (2.0 ** (b - a) + 1.0) if da else None),
                (g / (2.0 ** (a - b) + 1.0) if db else None))


class _Heaviside(Function):
    """y = 0 for a < 0, b at a = 0, 1 for a > 0 (0 for NaN, as PyTorch); not differentiable"""

    @staticmethod
    def forward(ctx, a, b):
        if np.asarray(a).dtype != np.asarray(b).dtype:
            raise RuntimeError("heaviside is not yet implemented for tensors with different "
                               f"dtypes ({np.asarray(a).dtype} and {np.asarray(b).dtype}).")
        try:
            return np.where(a == 0, b, a > 0).astype(np.result_type(a, b))
        except ValueError:
            raise broadcast_error("heaviside", a, b) from None

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::heaviside is not implemented")


@register
class Frexp(Function):
    """mantissa = a / 2^e with |mantissa| in [0.5, 1);  da = g / 2^e"""

    @staticmethod
    def forward(ctx, a):
        mantissa, exponent = np.frexp(a)
        ctx.save_for_backward(np.ldexp(np.ones((), a.dtype), -exponent))
        return mantissa

    @staticmethod
    def backward(ctx, g):
        (scale,) = ctx.saved_tensors
        return g * scale


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


def fmod(a: Any, b: Any) -> Tensor:
    """The C remainder a - b trunc(a / b): the sign of a (``remainder`` takes b's)."""
    return Fmod.apply(a, b)


def fmax(a: Any, b: Any) -> Tensor:
    """Elementwise maximum ignoring NaN (NaN only where both are NaN)."""
    return Fmax.apply(a, b)


def fmin(a: Any, b: Any) -> Tensor:
    """Elementwise minimum ignoring NaN."""
    return Fmin.apply(a, b)


def copysign(a: Any, b: Any) -> Tensor:
    """|a| with the sign of b (-0.0 counts as negative); float (integers in float32)."""
    return Copysign.apply(a, b)


def nextafter(a: Any, b: Any) -> Tensor:
    return Nextafter.apply(a, b)


def logaddexp2(a: Any, b: Any) -> Tensor:
    return Logaddexp2.apply(a, b)


def heaviside(a: Tensor, values: Any) -> Tensor:
    """The step function: 0 below zero, ``values`` at zero, 1 above."""
    return _Heaviside.apply(a, values)


def signbit(a: Any) -> Tensor:
    """Whether the sign bit is set (-0.0 and negative NaN too); False for bool."""
    values = array_of(a) if isinstance(a, Tensor) else np.asarray(a)
    if values.dtype == np.bool_:
        return Tensor(np.zeros(values.shape, np.bool_))
    return Tensor(np.asarray(np.signbit(values)))


def deg2rad(a: Any) -> Tensor:
    return _tensor(a) * (math.pi / 180.0)


def rad2deg(a: Any) -> Tensor:
    return _tensor(a) * (180.0 / math.pi)


def float_power(a: Any, exponent: Any) -> Tensor:
    """a ** exponent computed (and returned) in float64."""
    base = _tensor(a).to(np.float64)
    if isinstance(exponent, Tensor):
        return base ** exponent.to(np.float64)
    return base ** float(exponent)


def true_divide(a: Any, b: Any) -> Tensor:
    return div(a, b)


def ldexp(a: Any, exponent: Any) -> Tensor:
    """a * 2^exponent."""
    return _tensor(a) * (2.0 ** _tensor(exponent))


def frexp(a: Tensor) -> FrexpResult:
    """(mantissa, exponent) with a = mantissa 2^exponent, |mantissa| in [0.5, 1), int32
    exponent (0 for 0, inf and NaN)."""
    if a.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    exponent = np.frexp(a.data)[1].astype(np.int32)
    return FrexpResult(Frexp.apply(a), Tensor(np.asarray(exponent)))


def _integer_op(op: str, ufunc: Any, a: Any, b: Any) -> Tensor:
    a, b = promote(op, array_of(a), array_of(b))
    dtype = np.result_type(a, b)
    if dtype.kind not in "iu":
        raise kernel_error(f"{op}_cpu", dtype)
    return Tensor(np.asarray(_broadcasting(op, ufunc, a, b)))


def gcd(a: Any, b: Any) -> Tensor:
    """The greatest common divisor (non-negative; gcd(0, 0) = 0) of integer tensors."""
    return _integer_op("gcd", np.gcd, a, b)


def lcm(a: Any, b: Any) -> Tensor:
    """The least common multiple (non-negative; 0 when either is 0) of integer tensors."""
    return _integer_op("lcm", np.lcm, a, b)

