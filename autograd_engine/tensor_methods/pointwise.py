"""Tensor methods: elementwise math and activations
(ops/elementwise.py, ops/pointwise.py, ops/activation.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class PointwiseMethods:
    __slots__ = ()

    def isnan(self) -> "Tensor":
        return ops.pointwise.isnan(self)

    def isinf(self) -> "Tensor":
        return ops.pointwise.isinf(self)

    def isfinite(self) -> "Tensor":
        return ops.pointwise.isfinite(self)

    def isposinf(self) -> "Tensor":
        return ops.pointwise.isposinf(self)

    def isneginf(self) -> "Tensor":
        return ops.pointwise.isneginf(self)

    def erf(self) -> "Tensor":
        return ops.pointwise.erf(self)

    def erfc(self) -> "Tensor":
        return ops.pointwise.erfc(self)

    def erfinv(self) -> "Tensor":
        return ops.pointwise.erfinv(self)

    def log2(self) -> "Tensor":
        return ops.pointwise.log2(self)

    def log10(self) -> "Tensor":
        return ops.pointwise.log10(self)

    def exp2(self) -> "Tensor":
        return ops.pointwise.exp2(self)

    def tan(self) -> "Tensor":
        return ops.pointwise.tan(self)

    def atan(self) -> "Tensor":
        return ops.pointwise.atan(self)

    def asin(self) -> "Tensor":
        return ops.pointwise.asin(self)

    def acos(self) -> "Tensor":
        return ops.pointwise.acos(self)

    def sinh(self) -> "Tensor":
        return ops.pointwise.sinh(self)

    def cosh(self) -> "Tensor":
        return ops.pointwise.cosh(self)

    def asinh(self) -> "Tensor":
        return ops.pointwise.asinh(self)

    def acosh(self) -> "Tensor":
        return ops.pointwise.acosh(self)

    def atanh(self) -> "Tensor":
        return ops.pointwise.atanh(self)

    def logit(self, eps: Any = None) -> "Tensor":
        return ops.pointwise.logit(self, eps)

    def atan2(self, other: Any) -> "Tensor":
        return ops.pointwise.atan2(self, other)

    def hypot(self, other: Any) -> "Tensor":
        return ops.pointwise.hypot(self, other)

    def logaddexp(self, other: Any) -> "Tensor":
        return ops.pointwise.logaddexp(self, other)

    def xlogy(self, other: Any) -> "Tensor":
        return ops.pointwise.xlogy(self, other)

    def nan_to_num(self, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> "Tensor":
        return ops.pointwise.nan_to_num(self, nan, posinf, neginf)

    def exp(self) -> "Tensor":
        return ops.elementwise.exp(self)

    def log(self) -> "Tensor":
        return ops.elementwise.log(self)

    def sqrt(self) -> "Tensor":
        return ops.elementwise.sqrt(self)

    def sin(self) -> "Tensor":
        return ops.elementwise.sin(self)

    def cos(self) -> "Tensor":
        return ops.elementwise.cos(self)

    def sign(self) -> "Tensor":
        return ops.elementwise.sign(self)

    def tanh(self) -> "Tensor":
        return ops.activation.tanh(self)

    def sigmoid(self) -> "Tensor":
        return ops.activation.sigmoid(self)

    def relu(self) -> "Tensor":
        return ops.activation.relu(self)

    def softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.activation.softmax(self, dim, dtype)

    def log_softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.activation.log_softmax(self, dim, dtype)

    def log1p(self) -> "Tensor":
        return ops.pointwise.log1p(self)

    def expm1(self) -> "Tensor":
        return ops.pointwise.expm1(self)

    def floor(self) -> "Tensor":
        return ops.pointwise.floor(self)

    def ceil(self) -> "Tensor":
        return ops.pointwise.ceil(self)

    def trunc(self) -> "Tensor":
        return ops.pointwise.trunc(self)

    def round(self, decimals: int = 0) -> "Tensor":
        return ops.pointwise.round(self, decimals)

    def frac(self) -> "Tensor":
        return ops.pointwise.frac(self)

    def reciprocal(self) -> "Tensor":
        return ops.pointwise.reciprocal(self)

    def rsqrt(self) -> "Tensor":
        return ops.pointwise.rsqrt(self)

    def square(self) -> "Tensor":
        return ops.pointwise.square(self)

    def lerp(self, end: Any, weight: Any) -> "Tensor":
        return ops.pointwise.lerp(self, end, weight)

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return ops.pointwise.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return ops.pointwise.addcdiv(self, tensor1, tensor2, value=value)

    def bernoulli(self, p: Any = None, *, generator: Any = None) -> "Tensor":
        from ..ops.sampling import bernoulli
        return bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> "Tensor":
        from ..ops.sampling import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)

    def hardshrink(self, lambd: float = 0.5) -> "Tensor":
        from ..ops.composed_activation import hardshrink
        return hardshrink(self, lambd)

    def prelu(self, weight: "Tensor") -> "Tensor":
        from ..ops.composed_activation import prelu
        return prelu(self, weight)

    # PyTorch's alternative names
    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
    arcsinh, arccosh, arctanh = asinh, acosh, atanh
    sgn = sign  # (real tensors only)
    fix = trunc

    def lgamma(self) -> "Tensor":
        return ops.special_functions.lgamma(self)

    def digamma(self) -> "Tensor":
        return ops.special_functions.digamma(self)

    def polygamma(self, n: int) -> "Tensor":
        return ops.special_functions.polygamma(n, self)

    def mvlgamma(self, p: int) -> "Tensor":
        return ops.special_functions.mvlgamma(self, p)

    def i0(self) -> "Tensor":
        return ops.special_functions.i0(self)

    def sinc(self) -> "Tensor":
        return ops.special_functions.sinc(self)

    def fmod(self, other: Any) -> "Tensor":
        return ops.binary_math.fmod(self, other)

    def fmax(self, other: Any) -> "Tensor":
        return ops.binary_math.fmax(self, other)

    def fmin(self, other: Any) -> "Tensor":
        return ops.binary_math.fmin(self, other)

    def copysign(self, other: Any) -> "Tensor":
        return ops.binary_math.copysign(self, other)

    def nextafter(self, other: Any) -> "Tensor":
        return ops.binary_math.nextafter(self, other)

    def heaviside(self, values: Any) -> "Tensor":
        return ops.binary_math.heaviside(self, values)

    def signbit(self) -> "Tensor":
        return ops.binary_math.signbit(self)

    def deg2rad(self) -> "Tensor":
        return ops.binary_math.deg2rad(self)

    def rad2deg(self) -> "Tensor":
        return ops.binary_math.rad2deg(self)

    def float_power(self, exponent: Any) -> "Tensor":
        return ops.binary_math.float_power(self, exponent)

    def true_divide(self, other: Any) -> "Tensor":
        return ops.binary_math.true_divide(self, other)

    def logaddexp2(self, other: Any) -> "Tensor":
        return ops.binary_math.logaddexp2(self, other)

    def ldexp(self, other: Any) -> "Tensor":
        return ops.binary_math.ldexp(self, other)

    def frexp(self) -> tuple:
        return ops.binary_math.frexp(self)

    def gcd(self, other: Any) -> "Tensor":
        return ops.binary_math.gcd(self, other)

    def lcm(self, other: Any) -> "Tensor":
        return ops.binary_math.lcm(self, other)
