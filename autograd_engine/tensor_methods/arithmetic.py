"""Tensor methods: operators, comparisons, logical and bitwise ops
(ops/elementwise.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class ArithmeticMethods:
    __slots__ = ()

    def __add__(self, other: Any) -> "Tensor":
        return ops.elementwise.Add.apply(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        return ops.elementwise.Add.apply(other, self)

    def __sub__(self, other: Any) -> "Tensor":
        return ops.elementwise.Sub.apply(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        return ops.elementwise.Sub.apply(other, self)

    def __mul__(self, other: Any) -> "Tensor":
        return ops.elementwise.Mul.apply(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return ops.elementwise.Mul.apply(other, self)

    def __truediv__(self, other: Any) -> "Tensor":
        return ops.elementwise.Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return ops.elementwise.Div.apply(other, self)

    def __pow__(self, other: Any) -> "Tensor":
        return ops.elementwise.pow(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return ops.elementwise.pow(other, self)

    def __floordiv__(self, other: Any) -> "Tensor":
        return ops.elementwise.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> "Tensor":
        return ops.elementwise.floor_divide(other, self)

    def __mod__(self, other: Any) -> "Tensor":
        return ops.elementwise.remainder(self, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return ops.elementwise.remainder(other, self)

    def __neg__(self) -> "Tensor":
        return ops.elementwise.neg(self)

    def __pos__(self) -> "Tensor":
        return self.positive()

    def __abs__(self) -> "Tensor":
        return ops.elementwise.abs(self)

    def __lt__(self, other: Any) -> "Tensor":
        return ops.elementwise.lt(self, other)

    def __le__(self, other: Any) -> "Tensor":
        return ops.elementwise.le(self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return ops.elementwise.gt(self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return ops.elementwise.ge(self, other)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return False if other is None else ops.elementwise.eq(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return True if other is None else ops.elementwise.ne(self, other)

    def __invert__(self) -> "Tensor":
        return ops.pointwise.bitwise_not(self)

    def __and__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_and(self, other)

    def __or__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_or(self, other)

    def __xor__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_xor(self, other)

    def __rand__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_and(other, self)

    def __ror__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_or(other, self)

    def __rxor__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_xor(other, self)

    def __lshift__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_left_shift(self, other)

    def __rlshift__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_left_shift(other, self)

    def __rshift__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_right_shift(self, other)

    def __rrshift__(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_right_shift(other, self)

    def add(self, other: Any, alpha: Any = 1) -> "Tensor":
        return ops.elementwise.add(self, other, alpha)

    def sub(self, other: Any, alpha: Any = 1) -> "Tensor":
        return ops.elementwise.sub(self, other, alpha)

    def mul(self, other: Any) -> "Tensor":
        return ops.elementwise.mul(self, other)

    def div(self, other: Any, rounding_mode: Any = None) -> "Tensor":
        return ops.elementwise.div(self, other, rounding_mode)

    def pow(self, other: Any) -> "Tensor":
        return ops.elementwise.pow(self, other)

    def logical_xor(self, other: Any) -> "Tensor":
        return ops.pointwise.logical_xor(self, other)

    def bitwise_and(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_xor(self, other)

    def bitwise_left_shift(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other: Any) -> "Tensor":
        return ops.pointwise.bitwise_right_shift(self, other)

    def bitwise_not(self) -> "Tensor":
        return ops.pointwise.bitwise_not(self)

    def clamp_min(self, min: Any) -> "Tensor":
        return ops.pointwise.clamp_min(self, min)

    def clamp_max(self, max: Any) -> "Tensor":
        return ops.pointwise.clamp_max(self, max)

    def where(self, condition: Any, other: Any) -> "Tensor":
        return ops.elementwise.where(condition, self, other)

    def logical_and(self, other: Any) -> "Tensor":
        return ops.elementwise.logical_and(self, other)

    def logical_or(self, other: Any) -> "Tensor":
        return ops.elementwise.logical_or(self, other)

    def logical_not(self) -> "Tensor":
        return ops.elementwise.logical_not(self)

    def floor_divide(self, other: Any) -> "Tensor":
        return ops.elementwise.floor_divide(self, other)

    def remainder(self, other: Any) -> "Tensor":
        return ops.elementwise.remainder(self, other)

    def neg(self) -> "Tensor":
        return ops.elementwise.neg(self)

    def abs(self) -> "Tensor":
        return ops.elementwise.abs(self)

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        return ops.elementwise.clamp(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> "Tensor":
        return ops.elementwise.maximum(self, other)

    def minimum(self, other: Any) -> "Tensor":
        return ops.elementwise.minimum(self, other)

    def eq(self, other: Any) -> "Tensor":
        return ops.elementwise.eq(self, other)

    def ne(self, other: Any) -> "Tensor":
        return ops.elementwise.ne(self, other)

    def lt(self, other: Any) -> "Tensor":
        return ops.elementwise.lt(self, other)

    def le(self, other: Any) -> "Tensor":
        return ops.elementwise.le(self, other)

    def gt(self, other: Any) -> "Tensor":
        return ops.elementwise.gt(self, other)

    def ge(self, other: Any) -> "Tensor":
        return ops.elementwise.ge(self, other)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> "Tensor":
        return ops.structure.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        return ops.structure.allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other: "Tensor") -> bool:
        """Same shape and equal elements (dtypes may differ; NaN is unequal)."""
        from .shape import _tensor_arg
        other = _tensor_arg(other, "equal")
        return self.shape == other.shape and bool(ops.elementwise.eq(self, other).all())

    def positive(self) -> "Tensor":
        """Self (a bool tensor raises, as PyTorch)."""
        if self.dtype.kind == "b":
            raise RuntimeError("positive: the `+` operator, on a bool tensor is not "
                               "supported.")
        return self

    def divide(self, other: Any, *, rounding_mode: Any = None) -> "Tensor":
        return ops.elementwise.div(self, other, rounding_mode)

    def true_divide(self, other: Any) -> "Tensor":
        return ops.elementwise.div(self, other)

    # PyTorch's alternative names
    multiply = mul
    subtract = sub
    negative = neg
    absolute = abs
    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
