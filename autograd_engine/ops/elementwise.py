"""Elementwise ops with numpy broadcasting; the engine sums gradients back to each shape."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import broadcast_error, promote


def _binary(op: str, ufunc: Any, a: Any, b: Any) -> np.ndarray:
    if type(a) is np.ndarray:
        if type(b) is np.ndarray:
            if a.dtype != b.dtype:
                a, b = promote(op, a, b)
        elif type(b) is not float or a.dtype.kind != "f":  # float scalar: weak, keeps a's dtype
            a, b = promote(op, a, b)
    else:
        a, b = promote(op, a, b)
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(op, a, b) from None


def _float_input(op: str, a: np.ndarray) -> np.ndarray:
    """Integer inputs of float functions (exp, log, ...) compute in float32, as PyTorch."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        return a.astype(np.float32)
    return a


# -- arithmetic -----------------------------------------------------------------------------
@register
class Add(Function):
    """y = a + b;  da = g, db = g"""

    @staticmethod
    def forward(ctx, a, b):
        return _binary("add", np.add, a, b)

    @staticmethod
    def backward(ctx, g):
        return g, g


@register
class Sub(Function):
    """y = a - b;  da = g, db = -g"""

    @staticmethod
    def forward(ctx, a, b):
        return _binary("sub", np.subtract, a, b)

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.needs_input_grad[1] else None)


@register
class Mul(Function):
    """y = a * b;  da = g * b, db = g * a"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary("mul", np.multiply, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g * b if da else None), (g * a if db else None)


@register
class Div(Function):
    """y = a / b;  da = g / b, db = -g * a / b^2"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("div", a, b)
        if np.result_type(a, b).kind != "f":  # true division of integers gives float32
            a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
        ctx.save_for_backward(a, b)
        try:
            return np.true_divide(a, b)
        except ValueError:
            raise broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g / b if da else None), (-g * a / (b * b) if db else None)


@register
class Pow(Function):
    """y = a ** b;  da = g * b * a^(b-1), db = g * y * log(a)  (0 where a = 0, as PyTorch)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("pow", a, b)
        if np.ndim(b) == 0 and np.asarray(b).dtype.kind in "iu" and np.asarray(b) < 0 \
                and np.asarray(a).dtype.kind in "iu":
            raise RuntimeError("pow: integers to negative integer powers are not allowed")
        try:
            out = np.power(a, b)
        except ValueError:
            raise broadcast_error("pow", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        ga = gb = None
        if da:
            ga = where(b == 0, 0.0, g * b * a ** (b - 1))
        if db:
            gb = where((a == 0) & (b >= 0), 0.0, g * out * log(a))
        return ga, gb


@register
class Neg(Function):
    """y = -a;  da = -g"""

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise TypeError("neg: negation, the `-` operator, on a bool tensor is not "
                            "supported; use `~` or logical_not() instead")
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return -g


@register
class Abs(Function):
    """y = |a|;  da = g * sign(a)  (0 at a = 0)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * sign(a)


# -- transcendental -------------------------------------------------------------------------
@register
class Exp(Function):
    """y = exp(a);  da = g * y"""

    @staticmethod
    def forward(ctx, a):
        out = np.exp(_float_input("exp", a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


@register
class Log(Function):
    """y = log(a);  da = g / a"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("log", a)
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g / a


@register
class Sqrt(Function):
    """y = sqrt(a);  da = g / (2 y)"""

    @staticmethod
    def forward(ctx, a):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(_float_input("sqrt", a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g / (out * 2)


@register
class Sin(Function):
    """y = sin(a);  da = g * cos(a)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("sin", a)
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * cos(a)


@register
class Cos(Function):
    """y = cos(a);  da = -g * sin(a)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("cos", a)
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * sin(a)


# -- piecewise ------------------------------------------------------------------------------
@register
class Clamp(Function):
    """y = min(max(a, lo), hi);  da = g where lo <= a <= hi (bounds inclusive)"""

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a)
        ctx.bounds = (lo, hi)
        out = a
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return out if out is not a else a.copy()

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = None
        if lo is not None:
            inside = a >= lo
        if hi is not None:
            inside = (a <= hi) if inside is None else inside & (a <= hi)
        return (g * inside if inside is not None else g), None, None


@register
class Maximum(Function):
    """y = max(a, b);  the larger side gets g, a tie gives g/2 to each"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary("maximum", np.maximum, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _tie_split(ctx, g, a > b, a == b)


@register
class Minimum(Function):
    """y = min(a, b);  the smaller side gets g, a tie gives g/2 to each"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary("minimum", np.minimum, a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return _tie_split(ctx, g, a < b, a == b)


def _tie_split(ctx, g: Tensor, a_wins: Tensor, tie: Tensor) -> tuple:
    weight_a = a_wins.to(g.dtype) + tie.to(g.dtype) * 0.5
    da, db = ctx.needs_input_grad
    return (g * weight_a if da else None), (g * (1.0 - weight_a) if db else None)


@register
class Where(Function):
    """y = cond ? a : b;  da = g where cond, db = g elsewhere"""

    @staticmethod
    def forward(ctx, cond, a, b):
        cond = np.asarray(cond)
        if cond.dtype != np.bool_:
            raise TypeError(f"where: condition must be a bool tensor, got dtype {cond.dtype}")
        a, b = promote("where", a, b)
        ctx.save_for_backward(cond)
        try:
            return np.where(cond, a, b)
        except ValueError:
            raise broadcast_error("where", cond, a, b) from None

    @staticmethod
    def backward(ctx, g):
        (cond,) = ctx.saved_tensors
        zero = Tensor(np.zeros((), g.dtype))
        da, db = ctx.needs_input_grad[1:]
        return None, (where(cond, g, zero) if da else None), (where(cond, zero, g) if db
                                                              else None)


@register
class Sign(Function):
    """y = sign(a);  da = 0"""

    @staticmethod
    def forward(ctx, a):
        return np.sign(a)

    @staticmethod
    def backward(ctx, g):
        return g * 0.0


@register
class Cast(Function):
    """y = a.to(dtype);  da = g.to(a.dtype) (the engine casts)"""

    @staticmethod
    def forward(ctx, a, dtype):
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return g, None


# -- public functions -----------------------------------------------------------------------
def add(a: Any, b: Any, alpha: Any = 1) -> Tensor:
    return Add.apply(a, b if alpha == 1 else mul(b, alpha))


def sub(a: Any, b: Any, alpha: Any = 1) -> Tensor:
    return Sub.apply(a, b if alpha == 1 else mul(b, alpha))


def mul(a: Any, b: Any) -> Tensor:
    return Mul.apply(a, b)


def div(a: Any, b: Any) -> Tensor:
    return Div.apply(a, b)


def pow(a: Any, b: Any) -> Tensor:
    return Pow.apply(a, b)


def neg(a: Any) -> Tensor:
    return Neg.apply(a)


def abs(a: Any) -> Tensor:
    return Abs.apply(a)


def exp(a: Any) -> Tensor:
    return Exp.apply(a)


def log(a: Any) -> Tensor:
    return Log.apply(a)


def sqrt(a: Any) -> Tensor:
    return Sqrt.apply(a)


def sin(a: Any) -> Tensor:
    return Sin.apply(a)


def cos(a: Any) -> Tensor:
    return Cos.apply(a)


def clamp(a: Any, min: Any = None, max: Any = None) -> Tensor:
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = a
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        return out
    return Clamp.apply(a, min, max)


def maximum(a: Any, b: Any) -> Tensor:
    return Maximum.apply(a, b)


def minimum(a: Any, b: Any) -> Tensor:
    return Minimum.apply(a, b)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    return Where.apply(cond, a, b)


def sign(a: Any) -> Tensor:
    return Sign.apply(a)


def cast(a: Tensor, dtype: Any) -> Tensor:
    dtype = np.dtype(dtype)
    if a.dtype == dtype:
        return a
    return Cast.apply(a, dtype)


# -- comparisons and logic (no gradient) ------------------------------------------------------
def _compare(op: str, ufunc: Any, a: Any, b: Any) -> Tensor:
    a = a.data if isinstance(a, Tensor) else a
    b = b.data if isinstance(b, Tensor) else b
    return Tensor(np.asarray(_binary(op, ufunc, a, b)))


def lt(a: Any, b: Any) -> Tensor:
    return _compare("lt", np.less, a, b)


def le(a: Any, b: Any) -> Tensor:
    return _compare("le", np.less_equal, a, b)


def gt(a: Any, b: Any) -> Tensor:
    return _compare("gt", np.greater, a, b)


def ge(a: Any, b: Any) -> Tensor:
    return _compare("ge", np.greater_equal, a, b)


def eq(a: Any, b: Any) -> Tensor:
    return _compare("eq", np.equal, a, b)


def ne(a: Any, b: Any) -> Tensor:
    return _compare("ne", np.not_equal, a, b)


def logical_and(a: Any, b: Any) -> Tensor:
    return _compare("logical_and", np.logical_and, a, b)


def logical_or(a: Any, b: Any) -> Tensor:
    return _compare("logical_or", np.logical_or, a, b)


def logical_not(a: Any) -> Tensor:
    data = a.data if isinstance(a, Tensor) else np.asarray(a)
    return Tensor(np.logical_not(data) if data.dtype == np.bool_ else np.invert(data))


@register
class Clone(Function):
    """y = copy(a);  da = g"""

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(a: Tensor) -> Tensor:
    return Clone.apply(a)
