"""Elementwise ops with numpy broadcasting; the engine sums gradients back to each shape."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..dtypes import get_default_dtype
from ..function import Function, register
from ..tensor import Tensor
from ._util import broadcast_error, promote, result_type

_BOOL = np.dtype(np.bool_)
_WEAK_BOUND = (float, int, type(None))  # clamp bounds that keep a float tensor's dtype


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


def _is_bool(x: Any) -> bool:
    """A bool array, a bool Tensor or a bool scalar."""
    return type(x) is bool or getattr(x, "dtype", None) is _BOOL


def _dtype_name(x: Any) -> str:
    return str(getattr(x, "dtype", type(x).__name__))


def _sub_bool_error(a: Any, b: Any) -> RuntimeError:
    """PyTorch refuses ``-`` with a bool operand: for masks it is ambiguous."""
    if _is_bool(a) and _is_bool(b):
        return RuntimeError("sub: subtraction, the `-` operator, with two bool tensors is not "
                            "supported (dtypes bool and bool); use `a != b` (logical xor) "
                            "instead")
    return RuntimeError(f"sub: subtraction, the `-` operator, with a bool tensor is not "
                        f"supported (dtypes {_dtype_name(a)} and {_dtype_name(b)}); to invert "
                        "a mask, use `~` or logical_not() instead")


def _float_input(op: str, a: np.ndarray) -> np.ndarray:
    """Integer inputs of float functions (exp, log, ...) compute in the default dtype
    (float32 unless set_default_dtype), as PyTorch."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        return a.astype(get_default_dtype())
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
        if _is_bool(a) or _is_bool(b):
            raise _sub_bool_error(a, b)
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
        da, db = ctx.needs_input_grad
        return ((g * ctx.saved_tensor(1) if da else None),
                (g * ctx.saved_tensor(0) if db else None))


@register
class Div(Function):
    """y = a / b;  da = g / b, db = -g * a / b^2"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = promote("div", a, b)
        if np.result_type(a, b).kind != "f":  # true division of integers: the default dtype
            a, b = np.asarray(a, get_default_dtype()), np.asarray(b, get_default_dtype())
        ctx.save_for_backward(a, b)
        try:
            return np.true_divide(a, b)
        except ValueError:
            raise broadcast_error("div", a, b) from None

    @staticmethod
    def backward(ctx, g):
        da, db = ctx.needs_input_grad
        b = ctx.saved_tensor(1)
        return (g / b if da else None), (-g * ctx.saved_tensor(0) / (b * b) if db else None)


class FloorDivide(Function):
    """y = floor(a / b), rounded as Python's ``//``. Like PyTorch it has no derivative: the
    output of float inputs joins the graph and backward raises. Not registered, since there
    is no gradient to check."""

    @staticmethod
    def forward(ctx, a, b):
        return _floor_divide("floor_divide", a, b)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("floor_divide: the derivative for floor_divide is not implemented "
                           "(as in PyTorch)")


@register
class DivFloor(Function):
    """y = floor(a / b) as ``//``, with PyTorch's zero gradient for div(rounding_mode='floor'),
    which remainder's backward uses;  da = db = g * 0"""

    @staticmethod
    def forward(ctx, a, b):
        return _floor_divide("div", a, b)

    @staticmethod
    def backward(ctx, g):
        zero = g * 0.0
        da, db = ctx.needs_input_grad
        return (zero if da else None), (zero if db else None)


@register
class DivTrunc(DivFloor):
    """y = a / b rounded towards zero, for div(rounding_mode='trunc');  da = db = g * 0"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _division_operands("div", a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            if np.result_type(a, b).kind == "f":
                return np.trunc(_broadcasting("div", np.true_divide, a, b))
            quotient = _broadcasting("div", np.floor_divide, a, b)
            inexact = (quotient * b != a) & ((a < 0) != (b < 0))
            return quotient + inexact.astype(quotient.dtype)


@register
class Remainder(Function):
    """y = a - b * floor(a / b), which has the sign of b (Python's ``%``);
    da = g, db = -g * floor(a / b)"""

    @staticmethod
    def forward(ctx, a, b):
        a, b = _division_operands("remainder", a, b)
        ctx.save_for_backward(a, b)
        with np.errstate(invalid="ignore"):
            mod = _broadcasting("remainder", np.fmod, a, b)
        # fmod has the sign of a: move it to b's side, keeping the sign of a zero (PyTorch's
        # formula; np.remainder gives a zero b's sign)
        return np.where((mod != 0) & ((mod < 0) != np.less(b, 0)), mod + b, mod)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        return (g if da else None), (-g * DivFloor.apply(a, b) if db else None)


def _division_operands(op: str, a: Any, b: Any) -> tuple:
    """Promote the operands of ``//`` and ``%``; integer division by zero raises as PyTorch."""
    a, b = promote(op, a, b)
    dtype = np.result_type(a, b)
    if dtype == _BOOL:
        raise NotImplementedError(f"{op}: not implemented for 'Bool' (dtypes bool and bool)")
    if dtype.kind in "iu" and not np.all(b):
        raise RuntimeError(f"{op}: ZeroDivisionError: integer division by zero (dtype {dtype})")
    return a, b


def _floor_divide(op: str, a: Any, b: Any) -> np.ndarray:
    a, b = _division_operands(op, a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _broadcasting(op, np.floor_divide, a, b)


def _broadcasting(op: str, ufunc: Any, a: Any, b: Any) -> np.ndarray:
    try:
        return ufunc(a, b)
    except ValueError:
        raise broadcast_error(op, a, b) from None


@register
class Pow(Function):
    """y = a ** b;  da = g * b * a^(b-1) (0 where b = 0), db = g * y * log(a) (0 where a = 0
    and b >= 0), as PyTorch; for a scalar b = 0, da is a constant zero"""

    @staticmethod
    def forward(ctx, a, b):
        scalar_exponent = type(b) is not np.ndarray
        exponent = b
        a, b = promote("pow", a, b)
        out = _power(a, b, scalar_exponent)
        # a scalar exponent is kept as given: backward tells it from a Tensor exponent
        ctx.save_for_backward(a, exponent if scalar_exponent else b, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        ga = gb = None
        if da and not isinstance(b, Tensor):
            # PyTorch's zeros for a scalar exponent 0 hang off no graph: no NaN at second order
            ga = Tensor(np.zeros_like(g.data)) if b == 0 else g * b * a ** (b - 1)
        elif da:
            ga = where(b == 0, 0.0, g * b * a ** (b - 1))
        if db:
            gb = where((a == 0) & (b >= 0), 0.0, g * out * log(a))
        return ga, gb


def _power(a: Any, b: Any, scalar_exponent: bool) -> np.ndarray:
    """a ** b on promoted operands, with PyTorch's integer and bool rules."""
    dtype = np.result_type(a, b)
    if dtype == _BOOL:
        if not scalar_exponent:
            raise NotImplementedError("pow: not implemented for 'Bool' (dtypes bool and bool); "
                                      "a bool tensor takes only a bool scalar exponent")
        return np.logical_or(a, np.logical_not(b))  # a ** True = a, a ** False = 1
    if dtype.kind in "iu" and np.any(np.less(b, 0)):
        if scalar_exponent:
            raise RuntimeError(f"pow: integers to negative integer powers are not allowed "
                               f"(base dtype {dtype}, exponent {b})")
        return _integer_power(a, b)
    return _broadcasting("pow", np.power, a, b)


def _integer_power(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Integer a ** b with negative exponents: 1 / a^|b| truncated, so 1 -> 1, -1 -> +-1,
    anything else -> 0 (PyTorch's integer pow)."""
    magnitude = _broadcasting("pow", np.power, a, np.abs(b))
    return np.where(np.less(b, 0) & (np.abs(a) != 1), 0, magnitude)


@register
class Neg(Function):
    """y = -a;  da = -g"""

    @staticmethod
    def forward(ctx, a):
        if a.dtype is _BOOL:
            raise RuntimeError("neg: negation, the `-` operator, on a bool tensor is not "
                               "supported (dtype bool); to invert a mask, use `~` or "
                               "logical_not() instead")
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return -g


@register
class Abs(Function):
    """y = |a|;  da = g * sign(a)  (0 at a = 0)"""

    @staticmethod
    def forward(ctx, a):
        if a.dtype is _BOOL:
            raise NotImplementedError(f"abs: not implemented for 'Bool' (a tensor of shape "
                                      f"{a.shape}), as in PyTorch")
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
    """y = min(max(a, lo), hi), bounds inclusive and optional; as PyTorch, da = g where
    lo <= a <= hi, dlo = g where a < lo < hi, dhi = g where a > hi or hi < lo"""

    @staticmethod
    def forward(ctx, a, lo, hi):
        a, lo, hi = _clamp_operands(a, lo, hi)
        ctx.save_for_backward(a, lo, hi)
        try:
            out = a if lo is None else np.maximum(a, lo)
            return out if hi is None else np.minimum(out, hi)
        except ValueError:
            raise broadcast_error("clamp", *[x for x in (a, lo, hi) if x is not None]) from None

    @staticmethod
    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        da, dlo, dhi = ctx.needs_input_grad
        ga = glo = ghi = None
        if da:
            inside = None if lo is None else a >= lo
            if hi is not None:
                inside = a <= hi if inside is None else inside & (a <= hi)
            ga = where(inside, g, 0.0)
        if dlo:
            glo = where((a < lo) if hi is None else (a < lo) & (lo < hi), g, 0.0)
        if dhi:
            ghi = where((a > hi) if lo is None else (a > hi) | (hi < lo), g, 0.0)
        return ga, glo, ghi


def _clamp_operands(a: np.ndarray, lo: Any, hi: Any) -> tuple:
    """Cast the input and the bounds to their common PyTorch dtype (a bound is a number, an
    array or None)."""
    if a.dtype.kind == "f" and type(lo) in _WEAK_BOUND and type(hi) in _WEAK_BOUND:
        return a, lo, hi  # weak Python scalars: numpy keeps a's dtype
    bounds = [x for x in (lo, hi) if x is not None]
    try:
        dtype = result_type(a, *bounds)
    except TypeError:
        raise TypeError(f"clamp: min and max must be numbers or tensors, got "
                        f"{', '.join(type(x).__name__ for x in bounds)}") from None
    return tuple(None if x is None else np.asarray(x, dtype) for x in (a, lo, hi))


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
        if cond.dtype is not _BOOL:
            cond = _bool_condition(cond)
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


def _bool_condition(cond: np.ndarray) -> np.ndarray:
    """A non-bool condition of where: uint8 is cast with PyTorch's warning, others raise."""
    if cond.dtype == np.uint8:
        warnings.warn("where: a uint8 condition is deprecated (as in PyTorch); use a bool "
                      "condition instead", UserWarning)
        return cond.astype(np.bool_)
    raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                       f"with dtype {cond.dtype}")


@register
class Sign(Function):
    """y = sign(a) (a bool tensor is returned as is, sign(NaN) = 0, as PyTorch);  da = 0"""

    @staticmethod
    def forward(ctx, a):
        if a.dtype is _BOOL:
            return a.copy()
        out = np.asarray(np.sign(a))  # (np.sign gives a numpy scalar for a 0-d a)
        if out.dtype.kind == "f":
            np.copyto(out, 0, where=np.isnan(out))
        return out

    @staticmethod
    def backward(ctx, g):
        return Tensor(np.zeros_like(g.data))  # not g * 0: an inf or NaN gradient gives 0


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
def _integral(x: Any) -> bool:
    """An integer or bool Tensor, array or Python number."""
    kind = getattr(x, "dtype", None)
    return x.dtype.kind in "iub" if kind is not None else isinstance(x, (int, np.integer))


def check_alpha(op: str, input: Any, other: Any, alpha: Any) -> None:
    """PyTorch refuses a float ``alpha`` where the result would be an integer."""
    if isinstance(alpha, (float, np.floating)) and _integral(input) and _integral(other):
        raise RuntimeError(f"{op}: for integral input tensors, argument alpha must not be a "
                           f"floating point number (dtypes {_dtype_name(input)} and "
                           f"{_dtype_name(other)}, alpha={alpha})")


def add(input: Any, other: Any, alpha: Any = 1) -> Tensor:
    if type(alpha) is not int:
        check_alpha("add", input, other, alpha)
    return Add.apply(input, other if alpha == 1 else mul(other, alpha))


def sub(input: Any, other: Any, alpha: Any = 1) -> Tensor:
    if type(alpha) is not int:
        check_alpha("sub", input, other, alpha)
    if alpha != 1:
        if _is_bool(input) or _is_bool(other):  # other * alpha would hide a bool other
            raise _sub_bool_error(input, other)
        other = mul(other, alpha)
    return Sub.apply(input, other)


def mul(input: Any, other: Any) -> Tensor:
    return Mul.apply(input, other)


def div(input: Any, other: Any, rounding_mode: Any = None) -> Tensor:
    """a / b; rounding_mode 'trunc' or 'floor' rounds the quotient (gradient zero)."""
    if rounding_mode is None:
        return Div.apply(input, other)
    if rounding_mode == "floor":
        return DivFloor.apply(input, other)
    if rounding_mode == "trunc":
        return DivTrunc.apply(input, other)
    raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                       f"found '{rounding_mode}'")


def floor_divide(input: Any, other: Any) -> Tensor:
    """a // b, rounding down (towards -inf) like Python."""
    return FloorDivide.apply(input, other)


def remainder(input: Any, other: Any) -> Tensor:
    """a % b with the sign of b, like Python."""
    return Remainder.apply(input, other)


def pow(input: Any, exponent: Any) -> Tensor:
    return Pow.apply(input, exponent)


def neg(input: Any) -> Tensor:
    return Neg.apply(input)


def abs(input: Any) -> Tensor:
    return Abs.apply(input)


def exp(input: Any) -> Tensor:
    return Exp.apply(input)


def log(input: Any) -> Tensor:
    return Log.apply(input)


def sqrt(input: Any) -> Tensor:
    return Sqrt.apply(input)


def sin(input: Any) -> Tensor:
    return Sin.apply(input)


def cos(input: Any) -> Tensor:
    return Cos.apply(input)


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """Bounds are numbers or Tensors (broadcast with input); at least one must be given."""
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    return Clamp.apply(input, min, max)


def maximum(input: Any, other: Any) -> Tensor:
    return Maximum.apply(input, other)


def minimum(input: Any, other: Any) -> Tensor:
    return Minimum.apply(input, other)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    return Where.apply(condition, input, other)


def sign(input: Any) -> Tensor:
    return Sign.apply(input)


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


def lt(input: Any, other: Any) -> Tensor:
    return _compare("lt", np.less, input, other)


def le(input: Any, other: Any) -> Tensor:
    return _compare("le", np.less_equal, input, other)


def gt(input: Any, other: Any) -> Tensor:
    return _compare("gt", np.greater, input, other)


def ge(input: Any, other: Any) -> Tensor:
    return _compare("ge", np.greater_equal, input, other)


def eq(input: Any, other: Any) -> Tensor:
    return _compare("eq", np.equal, input, other)


def ne(input: Any, other: Any) -> Tensor:
    return _compare("ne", np.not_equal, input, other)


def logical_and(input: Any, other: Any) -> Tensor:
    return _compare("logical_and", np.logical_and, input, other)


def logical_or(input: Any, other: Any) -> Tensor:
    return _compare("logical_or", np.logical_or, input, other)


def logical_not(input: Any) -> Tensor:
    data = input.data if isinstance(input, Tensor) else np.asarray(input)
    return Tensor(np.logical_not(data))


@register
class Clone(Function):
    """y = copy(a);  da = g"""

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)
