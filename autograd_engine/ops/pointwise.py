"""More elementwise math: ``log1p``, ``expm1``, rounding (``floor``, ``ceil``, ``round``,
``trunc``) and the composites PyTorch code reaches for (``reciprocal``, ``rsqrt``, ``square``,
``frac``, ``lerp``, ``addcmul``, ``addcdiv``), written with differentiable ops; NaN/Inf tests
and ``nan_to_num``; bitwise ops; ``erf`` family, log2/log10/exp2, trigonometric and hyperbolic
functions, ``logit``, ``atan2``, ``hypot``, ``logaddexp``, ``xlogy``."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..function import Function, register
from ..kernels import special as _special
from ..queries import _tensor
from ..tensor import Tensor
from ._util import broadcast_error, promote, result_type
from .activation import sigmoid
from .elementwise import (_compare, _float_input, abs, clamp, exp, log, logical_and,
                          logical_or, sqrt, where)


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
            if a.dtype.kind == "b":
                raise NotImplementedError(f"{mode}: not implemented for 'Bool' (a tensor of "
                                          f"shape {a.shape}), as in PyTorch")
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
    """The fractional part, a - trunc(a) (sign of a); float tensors only, as PyTorch."""
    if a.dtype.kind != "f":
        raise NotImplementedError(f"frac: not implemented for {a.dtype} (a tensor of shape "
                                  f"{tuple(a.shape)}), as in PyTorch")
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


# -- floating-point classes and nan_to_num ----------------------------------------------------
def _classify(a: Any, test: Any, non_float: bool) -> Tensor:
    """A bool tensor of ``test`` on a float tensor; integer and bool tensors give ``non_float``
    everywhere (they hold no NaN or Inf)."""
    data = a.data if isinstance(a, Tensor) else np.asarray(a)
    if data.dtype.kind != "f":
        return Tensor(np.full(data.shape, non_float))
    return Tensor(np.asarray(test(data)))


def isnan(a: Any) -> Tensor:
    return _classify(a, np.isnan, False)


def isinf(a: Any) -> Tensor:
    return _classify(a, np.isinf, False)


def isfinite(a: Any) -> Tensor:
    return _classify(a, np.isfinite, True)


def isposinf(a: Any) -> Tensor:
    return _classify(a, np.isposinf, False)


def isneginf(a: Any) -> Tensor:
    return _classify(a, np.isneginf, False)


@register
class NanToNum(Function):
    """y = a with NaN, +Inf, -Inf replaced (defaults: 0 and the dtype's largest finite
    values); da = g where a is finite, 0 elsewhere"""

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(np.isfinite(a))
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        (finite,) = ctx.saved_tensors
        return where(finite, g, Tensor(np.zeros((), g.dtype))), None, None, None


def nan_to_num(a: Any, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
    return NanToNum.apply(a, nan, posinf, neginf)


def clamp_min(a: Any, min: Any) -> Tensor:
    return clamp(a, min=min)


def clamp_max(a: Any, max: Any) -> Tensor:
    return clamp(a, max=max)


# -- logic and bits (no gradient) -----------------------------------------------------------
def logical_xor(a: Any, b: Any) -> Tensor:
    return _compare("logical_xor", np.logical_xor, a, b)


def _bitwise(op: str, ufunc: Any, a: Any, b: Any, shift: bool = False) -> Tensor:
    """A bitwise op of bool/integer operands; floats raise NotImplementedError as PyTorch,
    and so does a shift whose operands promote to bool (a bool tensor shifted by a Python
    int is an int64 shift)."""
    a = a.data if isinstance(a, Tensor) else a
    b = b.data if isinstance(b, Tensor) else b
    kinds = [np.asarray(x).dtype.kind for x in (a, b)]
    if "f" in kinds or (shift and result_type(a, b).kind == "b"):
        name = "Float" if "f" in kinds else "Bool"
        raise NotImplementedError(f'"{op}_cpu" not implemented for \'{name}\'')
    if shift:
        dtype = result_type(a, b)
        a, b = np.asarray(a, dtype), np.asarray(b, dtype)
    return _compare(op, ufunc, a, b)


def bitwise_and(a: Any, b: Any) -> Tensor:
    return _bitwise("bitwise_and", np.bitwise_and, a, b)


def bitwise_or(a: Any, b: Any) -> Tensor:
    return _bitwise("bitwise_or", np.bitwise_or, a, b)


def bitwise_xor(a: Any, b: Any) -> Tensor:
    return _bitwise("bitwise_xor", np.bitwise_xor, a, b)


def bitwise_left_shift(a: Any, b: Any) -> Tensor:
    return _bitwise("lshift", np.left_shift, a, b, shift=True)


def bitwise_right_shift(a: Any, b: Any) -> Tensor:
    return _bitwise("rshift", np.right_shift, a, b, shift=True)


def bitwise_not(a: Any) -> Tensor:
    data = a.data if isinstance(a, Tensor) else np.asarray(a)
    if data.dtype.kind not in "biu":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return Tensor(np.invert(data))


# -- error function -------------------------------------------------------------------------
_TWO_OVER_SQRT_PI = 2.0 / np.sqrt(np.pi)


def _erfinv(y: np.ndarray) -> np.ndarray:
    """Winitzki's approximation refined by three Halley steps on erf (float64)."""
    y = y.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        ln = np.log1p(-y * y)
        t = 2.0 / (np.pi * 0.147) + ln / 2.0
        x = np.sign(y) * np.sqrt(np.sqrt(t * t - ln / 0.147) - t)
        inner = np.abs(y) < 1
        for _ in range(3):
            f = _special.erf(np.where(inner, x, 0.0)) - y
            x = np.where(inner, x - f / (_TWO_OVER_SQRT_PI * np.exp(-x * x) + x * f), x)
        x = np.where(np.abs(y) == 1, np.sign(y) * np.inf, x)
        return np.where(np.abs(y) > 1, np.nan, x)


@register
class Erf(Function):
    """y = erf(a);  da = g * 2 / sqrt(pi) * exp(-a^2)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("erf", a)
        ctx.save_for_backward(a)
        return _special.erf(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * _TWO_OVER_SQRT_PI * exp(-a * a)


@register
class Erfc(Function):
    """y = 1 - erf(a);  da = -g * 2 / sqrt(pi) * exp(-a^2)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("erfc", a)
        ctx.save_for_backward(a)
        return _special.erfc(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * _TWO_OVER_SQRT_PI * exp(-a * a)


@register
class Erfinv(Function):
    """y = erf^-1(a);  da = g * sqrt(pi) / 2 * exp(y^2)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("erfinv", a)
        out = _erfinv(a).astype(a.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g / _TWO_OVER_SQRT_PI * exp(out * out)


def erf(a: Any) -> Tensor:
    return Erf.apply(a)


def erfc(a: Any) -> Tensor:
    return Erfc.apply(a)


def erfinv(a: Any) -> Tensor:
    """The inverse of erf on [-1, 1] (+-inf at +-1, NaN outside)."""
    return Erfinv.apply(a)


# -- logarithms, powers, trigonometric and hyperbolic functions -------------------------------
def _unary(op: str, ufunc: Any, a: np.ndarray) -> np.ndarray:
    """ufunc of a float input (integers in float32); domain errors give NaN/Inf silently."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return ufunc(_float_input(op, a))


@register
class Log2(Function):
    """y = log2(a);  da = g / (a ln 2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("log2", a))
        return _unary("log2", np.log2, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * math.log(2.0))


@register
class Log10(Function):
    """y = log10(a);  da = g / (a ln 10)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("log10", a))
        return _unary("log10", np.log10, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * math.log(10.0))


@register
class Exp2(Function):
    """y = 2^a;  da = g * y ln 2"""

    @staticmethod
    def forward(ctx, a):
        out = _unary("exp2", np.exp2, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out * math.log(2.0)


@register
class Tan(Function):
    """y = tan(a);  da = g * (1 + y^2)"""

    @staticmethod
    def forward(ctx, a):
        out = _unary("tan", np.tan, a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * (out * out + 1.0)


@register
class Atan(Function):
    """y = atan(a);  da = g / (1 + a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("atan", a))
        return _unary("atan", np.arctan, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (a * a + 1.0)


@register
class Asin(Function):
    """y = asin(a);  da = g / sqrt(1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("asin", a))
        return _unary("asin", np.arcsin, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * rsqrt(1.0 - a * a)


@register
class Acos(Function):
    """y = acos(a);  da = -g / sqrt(1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("acos", a))
        return _unary("acos", np.arccos, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * rsqrt(1.0 - a * a)


@register
class Sinh(Function):
    """y = sinh(a);  da = g * cosh(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("sinh", a))
        return _unary("sinh", np.sinh, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * cosh(a)


@register
class Cosh(Function):
    """y = cosh(a);  da = g * sinh(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("cosh", a))
        return _unary("cosh", np.cosh, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * sinh(a)


@register
class Asinh(Function):
    """y = asinh(a);  da = g / sqrt(a^2 + 1)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("asinh", a))
        return _unary("asinh", np.arcsinh, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * rsqrt(a * a + 1.0)


@register
class Acosh(Function):
    """y = acosh(a);  da = g / sqrt(a^2 - 1)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("acosh", a))
        return _unary("acosh", np.arccosh, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * rsqrt(a * a - 1.0)


@register
class Atanh(Function):
    """y = atanh(a);  da = g / (1 - a^2)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(_float_input("atanh", a))
        return _unary("atanh", np.arctanh, a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / (1.0 - a * a)


@register
class Logit(Function):
    """y = log(a / (1 - a)), a clamped to [eps, 1 - eps] when eps is given;
    da = g / (a (1 - a)), 0 outside [eps, 1 - eps] (NaN outside [0, 1] without eps)"""

    @staticmethod
    def forward(ctx, a, eps):
        a = _float_input("logit", a)
        ctx.save_for_backward(a)
        ctx.eps = eps
        x = a if eps is None else np.clip(a, eps, 1.0 - eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x / (1.0 - x)).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        lo, hi, fill = (0.0, 1.0, np.nan) if ctx.eps is None else (ctx.eps, 1.0 - ctx.eps, 0.0)
        outside = logical_or(a < lo, a > hi)
        return where(outside, Tensor(np.full((), fill, g.dtype)), g / (a * (1.0 - a))), None


def log2(a: Any) -> Tensor:
    return Log2.apply(a)


def log10(a: Any) -> Tensor:
    return Log10.apply(a)


def exp2(a: Any) -> Tensor:
    return Exp2.apply(a)


def tan(a: Any) -> Tensor:
    return Tan.apply(a)


def atan(a: Any) -> Tensor:
    return Atan.apply(a)


def asin(a: Any) -> Tensor:
    return Asin.apply(a)


def acos(a: Any) -> Tensor:
    return Acos.apply(a)


def sinh(a: Any) -> Tensor:
    return Sinh.apply(a)


def cosh(a: Any) -> Tensor:
    return Cosh.apply(a)


def asinh(a: Any) -> Tensor:
    return Asinh.apply(a)


def acosh(a: Any) -> Tensor:
    return Acosh.apply(a)


def atanh(a: Any) -> Tensor:
    return Atanh.apply(a)


def logit(a: Any, eps: Any = None) -> Tensor:
    return Logit.apply(a, None if eps is None else float(eps))


# -- binary ---------------------------------------------------------------------------------
def _float_pair(op: str, a: Any, b: Any, integers: bool = True) -> tuple:
    """Promote two operands to a float dtype; integers compute in float32 or, when
    ``integers`` is False, raise as PyTorch."""
    a, b = promote(op, a, b)
    if np.result_type(a, b).kind != "f":
        if not integers:
            raise RuntimeError(f'"{op}_cpu" not implemented for \'{np.result_type(a, b)}\'')
        a, b = np.asarray(a, get_default_dtype()), np.asarray(b, get_default_dtype())
    return a, b


@register
class Atan2(Function):
    """y = atan2(a, b);  da = g b / (a^2 + b^2), db = -g a / (a^2 + b^2) (0 at a = b = 0,
    as PyTorch)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _float_pair("atan2", a, b)
        ctx.save_for_backward(a, b)
        try:
            return np.arctan2(a, b)
        except ValueError:
            raise broadcast_error("atan2", a, b) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        zero = r2 == 0
        scale = where(zero, Tensor(np.zeros((), g.dtype)), g / where(zero, 1.0, r2))
        da, db = ctx.needs_input_grad
        return (scale * b if da else None), (-scale * a if db else None)


@register
class Hypot(Function):
    """y = sqrt(a^2 + b^2);  da = g a / y, db = g b / y"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _float_pair("hypot", a, b, integers=False)
        try:
            out = np.hypot(a, b)
        except ValueError:
            raise broadcast_error("hypot", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * a / out if da else None), (g * b / out if db else None)


@register
class Logaddexp(Function):
    """y = log(exp(a) + exp(b));  da = g sigmoid(a - b), db = g sigmoid(b - a)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _float_pair("logaddexp", a, b, integers=False)
        ctx.save_for_backward(a, b)
        try:
            with np.errstate(invalid="ignore"):
                return np.logaddexp(a, b)
        except ValueError:
            raise broadcast_error("logaddexp", a, b) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * sigmoid(a - b) if da else None), (g * sigmoid(b - a) if db else None)


@register
class Xlogy(Function):
    """y = a log(b), 0 where a == 0 and b is not NaN;
    da = g log(b) (0 where a == 0 and b <= 0), db = g a / b"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _float_pair("xlogy", a, b)
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            try:
                out = a * np.log(b)
            except ValueError:
                raise broadcast_error("xlogy", a, b) from None
            return np.where((a == 0) & ~np.isnan(b), np.zeros((), out.dtype), out)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        masked = logical_and(a == 0, b <= 0)  # log(b) there would be -inf or NaN
        log_b = where(masked, Tensor(np.zeros((), g.dtype)), log(where(masked, 1.0, b)))
        return (g * log_b if da else None), (g * a / b if db else None)


def atan2(a: Tensor, b: Tensor) -> Tensor:
    """The angle of the point (b, a), in (-pi, pi]; both are Tensors, as PyTorch's."""
    return Atan2.apply(_tensor(a, "atan2"), _tensor(b, "atan2", "other", 2))


def hypot(a: Any, b: Any) -> Tensor:
    return Hypot.apply(a, b)


def logaddexp(a: Any, b: Any) -> Tensor:
    return Logaddexp.apply(a, b)


def xlogy(a: Any, b: Any) -> Tensor:
    return Xlogy.apply(a, b)
