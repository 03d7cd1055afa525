"""Tensor methods: in-place forms, recorded in the graph when a gradient is needed
(ops/inplace.py), and the legacy resize_/apply_/map_ (ops/legacy_inplace.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional

import numpy as np

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class InplaceMethods:
    __slots__ = ()

    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if type(alpha) is not int:
            ops.elementwise.check_alpha("add_", self, other, alpha)
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "add_", lambda t: t.add(other, alpha=alpha), False)
        return self._numpy_inplace("add_", lambda a, b: a + (b * alpha if alpha != 1 else b),
                                   other)

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if type(alpha) is not int:
            ops.elementwise.check_alpha("sub_", self, other, alpha)
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "sub_", lambda t: t.sub(other, alpha=alpha), False)
        return self._numpy_inplace("sub_", lambda a, b: a - (b * alpha if alpha != 1 else b),
                                   other)

    def mul_(self, other: Any) -> "Tensor":
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "mul_", lambda t: t * other, True)
        return self._numpy_inplace("mul_", np.multiply, other)

    def div_(self, other: Any, *, rounding_mode: Optional[str] = None) -> "Tensor":
        if rounding_mode is not None:
            return self._inplace("div_", lambda t: t.div(other, rounding_mode), other)
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "div_", lambda t: t / other, True)
        return self._numpy_inplace("div_", np.true_divide, other)

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        if ops.inplace.needs_graph(self, (min, max)):
            return ops.inplace.write(self, "clamp_", lambda t: t.clamp(min, max), True)
        if min is None and max is None:
            raise RuntimeError("clamp_: at least one of 'min' or 'max' must not be None")
        return self._numpy_inplace("clamp_", np.clip, min, max)

    def _numpy_inplace(self, op: str, fn: Callable, *operands: Any) -> "Tensor":
        """An unrecorded in-place op computed by numpy: ``fn(self.data, *operand arrays)``."""
        arrays = [ops._util.array_of(o) for o in operands]
        try:
            result = fn(self.data, *arrays)
        except ValueError:
            shapes = " and ".join(str(np.shape(a)) for a in (self.data, *arrays) if a is not None)
            raise RuntimeError(f"{op}: shapes {shapes} cannot be broadcast together") from None
        return self._write_result(op, result)

    def zero_(self) -> "Tensor":
        return self._assign_all("zero_", 0)

    def fill_(self, value: Any) -> "Tensor":
        return self._assign_all("fill_", value)

    def copy_(self, src: Any) -> "Tensor":
        return self._assign_all("copy_", src)

    def _assign_all(self, op: str, value: Any) -> "Tensor":
        """``self[...] = value``, recorded when a gradient is needed."""
        if ops.inplace.needs_graph(self, (value,)):
            ops.inplace.setitem(self, ..., value, op)
            return self
        return self._write(op, value)

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def __ifloordiv__(self, other: Any) -> "Tensor":
        return self._inplace("floor_divide_", lambda t: ops.elementwise.floor_divide(t, other),
                             other)

    def __imod__(self, other: Any) -> "Tensor":
        return self._inplace("remainder_", lambda t: ops.elementwise.remainder(t, other), other)

    def __ipow__(self, exponent: Any) -> "Tensor":
        return self.pow_(exponent)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.inplace.setitem(self, index, value)

    def pow_(self, exponent: Any) -> "Tensor":
        return self._inplace("pow_", lambda t: t ** exponent, exponent)

    def neg_(self) -> "Tensor":
        return self._inplace("neg_", lambda t: t.neg(), keeps_input=False)

    def abs_(self) -> "Tensor":
        return self._inplace("abs_", lambda t: t.abs())

    def exp_(self) -> "Tensor":
        return self._inplace("exp_", lambda t: t.exp())

    def log_(self) -> "Tensor":
        return self._inplace("log_", lambda t: t.log())

    def sqrt_(self) -> "Tensor":
        return self._inplace("sqrt_", lambda t: t.sqrt())

    def square_(self) -> "Tensor":
        return self._inplace("square_", lambda t: t.square())

    def reciprocal_(self) -> "Tensor":
        return self._inplace("reciprocal_", lambda t: t.reciprocal())

    def relu_(self) -> "Tensor":
        return self._inplace("relu_", lambda t: t.relu())

    def sigmoid_(self) -> "Tensor":
        return self._inplace("sigmoid_", lambda t: t.sigmoid())

    def tanh_(self) -> "Tensor":
        return self._inplace("tanh_", lambda t: t.tanh())

    def clamp_min_(self, min: Any) -> "Tensor":
        return self._inplace("clamp_min_", lambda t: t.clamp_min(min), min)

    def clamp_max_(self, max: Any) -> "Tensor":
        return self._inplace("clamp_max_", lambda t: t.clamp_max(max), max)

    def lerp_(self, end: Any, weight: Any) -> "Tensor":
        return self._inplace("lerp_", lambda t: t.lerp(end, weight), end, weight)

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return self._inplace("addcmul_", lambda t: t.addcmul(tensor1, tensor2, value=value),
                             tensor1, tensor2, keeps_input=False)

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return self._inplace("addcdiv_", lambda t: t.addcdiv(tensor1, tensor2, value=value),
                             tensor1, tensor2, keeps_input=False)

    # -- in-place forms of the pointwise ops (each ``x.f_(...)`` is ``x = x.f(...)``) -------
    def sin_(self) -> "Tensor":
        return self._inplace("sin_", lambda t: t.sin())

    def cos_(self) -> "Tensor":
        return self._inplace("cos_", lambda t: t.cos())

    def tan_(self) -> "Tensor":
        return self._inplace("tan_", lambda t: t.tan())

    def asin_(self) -> "Tensor":
        return self._inplace("asin_", lambda t: t.asin())

    def acos_(self) -> "Tensor":
        return self._inplace("acos_", lambda t: t.acos())

    def atan_(self) -> "Tensor":
        return self._inplace("atan_", lambda t: t.atan())

    def sinh_(self) -> "Tensor":
        return self._inplace("sinh_", lambda t: t.sinh())

    def cosh_(self) -> "Tensor":
        return self._inplace("cosh_", lambda t: t.cosh())

    def asinh_(self) -> "Tensor":
        return self._inplace("asinh_", lambda t: t.asinh())

    def acosh_(self) -> "Tensor":
        return self._inplace("acosh_", lambda t: t.acosh())

    def atanh_(self) -> "Tensor":
        return self._inplace("atanh_", lambda t: t.atanh())

    def atan2_(self, other: Any) -> "Tensor":
        return self._inplace("atan2_", lambda t: t.atan2(other), other)

    def hypot_(self, other: Any) -> "Tensor":
        return self._inplace("hypot_", lambda t: t.hypot(other), other)

    def xlogy_(self, other: Any) -> "Tensor":
        return self._inplace("xlogy_", lambda t: t.xlogy(other), other)

    def expm1_(self) -> "Tensor":
        return self._inplace("expm1_", lambda t: t.expm1())

    def exp2_(self) -> "Tensor":
        return self._inplace("exp2_", lambda t: t.exp2())

    def log1p_(self) -> "Tensor":
        return self._inplace("log1p_", lambda t: t.log1p())

    def log2_(self) -> "Tensor":
        return self._inplace("log2_", lambda t: t.log2())

    def log10_(self) -> "Tensor":
        return self._inplace("log10_", lambda t: t.log10())

    def rsqrt_(self) -> "Tensor":
        return self._inplace("rsqrt_", lambda t: t.rsqrt())

    def erf_(self) -> "Tensor":
        return self._inplace("erf_", lambda t: t.erf())

    def erfc_(self) -> "Tensor":
        return self._inplace("erfc_", lambda t: t.erfc())

    def erfinv_(self) -> "Tensor":
        return self._inplace("erfinv_", lambda t: t.erfinv())

    def logit_(self, eps: Any = None) -> "Tensor":
        return self._inplace("logit_", lambda t: t.logit(eps))

    def ceil_(self) -> "Tensor":
        return self._inplace("ceil_", lambda t: t.ceil(), keeps_input=False)

    def floor_(self) -> "Tensor":
        return self._inplace("floor_", lambda t: t.floor(), keeps_input=False)

    def round_(self, decimals: int = 0) -> "Tensor":
        return self._inplace("round_", lambda t: t.round(decimals), keeps_input=False)

    def trunc_(self) -> "Tensor":
        return self._inplace("trunc_", lambda t: t.trunc(), keeps_input=False)

    def frac_(self) -> "Tensor":
        return self._inplace("frac_", lambda t: t.frac(), keeps_input=False)

    def sign_(self) -> "Tensor":
        return self._inplace("sign_", lambda t: t.sign(), keeps_input=False)

    def nan_to_num_(self, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> "Tensor":
        return self._inplace("nan_to_num_", lambda t: t.nan_to_num(nan, posinf, neginf))

    def remainder_(self, other: Any) -> "Tensor":
        return self.__imod__(other)

    def floor_divide_(self, other: Any) -> "Tensor":
        return self.__ifloordiv__(other)

    def _compare_(self, op: str, compare: Callable, other: Any) -> "Tensor":
        """Self = compare(self, other) as 0/1 of self's dtype; as PyTorch, recorded with a
        zero gradient (the logical ops below are not recorded at all, as PyTorch's)."""
        from ..ops.sampling import Overwrite
        return self._inplace(op, lambda t: Overwrite.apply(
            lambda _: compare(t, other).data.astype(t.dtype), t), other, keeps_input=False)

    def eq_(self, other: Any) -> "Tensor":
        return self._compare_("eq_", ops.elementwise.eq, other)

    def ne_(self, other: Any) -> "Tensor":
        return self._compare_("ne_", ops.elementwise.ne, other)

    def lt_(self, other: Any) -> "Tensor":
        return self._compare_("lt_", ops.elementwise.lt, other)

    def le_(self, other: Any) -> "Tensor":
        return self._compare_("le_", ops.elementwise.le, other)

    def gt_(self, other: Any) -> "Tensor":
        return self._compare_("gt_", ops.elementwise.gt, other)

    def ge_(self, other: Any) -> "Tensor":
        return self._compare_("ge_", ops.elementwise.ge, other)

    def logical_and_(self, other: Any) -> "Tensor":
        return self._write_result("logical_and_", self.detach().logical_and(other).data)

    def logical_or_(self, other: Any) -> "Tensor":
        return self._write_result("logical_or_", self.detach().logical_or(other).data)

    def logical_xor_(self, other: Any) -> "Tensor":
        return self._write_result("logical_xor_", self.detach().logical_xor(other).data)

    def logical_not_(self) -> "Tensor":
        return self._write_result("logical_not_", self.detach().logical_not().data)

    def bitwise_and_(self, other: Any) -> "Tensor":
        return self._inplace("bitwise_and_", lambda t: t.bitwise_and(other), other)

    def bitwise_or_(self, other: Any) -> "Tensor":
        return self._inplace("bitwise_or_", lambda t: t.bitwise_or(other), other)

    def bitwise_xor_(self, other: Any) -> "Tensor":
        return self._inplace("bitwise_xor_", lambda t: t.bitwise_xor(other), other)

    def bitwise_not_(self) -> "Tensor":
        return self._inplace("bitwise_not_", lambda t: t.bitwise_not())

    def bitwise_left_shift_(self, other: Any) -> "Tensor":
        return self._inplace("bitwise_left_shift_", lambda t: t.bitwise_left_shift(other),
                             other)

    def bitwise_right_shift_(self, other: Any) -> "Tensor":
        return self._inplace("bitwise_right_shift_", lambda t: t.bitwise_right_shift(other),
                             other)

    def cumsum_(self, dim: int, dtype: Any = None) -> "Tensor":
        return self._inplace("cumsum_", lambda t: t.cumsum(dim, dtype), keeps_input=False)

    def cumprod_(self, dim: int, dtype: Any = None) -> "Tensor":
        return self._inplace("cumprod_", lambda t: t.cumprod(dim, dtype))

    def tril_(self, diagonal: int = 0) -> "Tensor":
        return self._inplace("tril_", lambda t: t.tril(diagonal), keeps_input=False)

    def triu_(self, diagonal: int = 0) -> "Tensor":
        return self._inplace("triu_", lambda t: t.triu(diagonal), keeps_input=False)

    def addmm_(self, mat1: Any, mat2: Any, *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return self._inplace("addmm_", lambda t: t.addmm(mat1, mat2, beta=beta, alpha=alpha),
                             mat1, mat2, keeps_input=False)

    def addmv_(self, mat: Any, vec: Any, *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return self._inplace("addmv_", lambda t: t.addmv(mat, vec, beta=beta, alpha=alpha),
                             mat, vec, keeps_input=False)

    def baddbmm_(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return self._inplace("baddbmm_",
                             lambda t: t.baddbmm(batch1, batch2, beta=beta, alpha=alpha),
                             batch1, batch2, keeps_input=False)

    def addbmm_(self, batch1: Any, batch2: Any, *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return self._inplace("addbmm_",
                             lambda t: t.addbmm(batch1, batch2, beta=beta, alpha=alpha),
                             batch1, batch2, keeps_input=False)

    # PyTorch's alternative names of the in-place forms
    absolute_ = abs_
    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
    negative_ = neg_
    sgn_ = sign_  # (real tensors only)
    fix_ = trunc_
    clip_ = clamp_
    multiply_ = mul_
    subtract_ = sub_
    divide_ = div_
    true_divide_ = div_
    greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_

    # -- random fills (ops/sampling.py): previous values get a zero gradient --------------
    def _fill_drawn(self, op: str, draw: Callable[[], np.ndarray]) -> "Tensor":
        """Write ``draw()`` into self (recorded when a gradient is needed)."""
        if ops.inplace.needs_graph(self, ()):
            from ..ops.sampling import Overwrite
            return ops.inplace.write(self, op, lambda t: Overwrite.apply(lambda _: draw(), t),
                                     keeps_input=False)
        return self._write(op, draw())

    def normal_(self, mean: float = 0.0, std: float = 1.0, *,
                generator: Any = None) -> "Tensor":
        """N(mean, std^2) draws."""
        from ..ops import sampling
        return self._fill_drawn("normal_", sampling.normal_fill(self, mean, std, generator))

    def uniform_(self, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> "Tensor":
        """U(a, b) draws (PyTorch names the bounds ``from`` and ``to``)."""
        from ..ops import sampling
        return self._fill_drawn("uniform_", sampling.uniform_fill(self, a, b, generator))

    def exponential_(self, lambd: float = 1.0, *, generator: Any = None) -> "Tensor":
        """Exponential draws of rate ``lambd``."""
        from ..ops import sampling
        return self._fill_drawn("exponential_",
                                sampling.exponential_fill(self, lambd, generator))

    def geometric_(self, p: float, *, generator: Any = None) -> "Tensor":
        """The number of Bernoulli(p) trials up to the first success (1, 2, ...)."""
        from ..ops import sampling
        return self._fill_drawn("geometric_", sampling.geometric_fill(self, p, generator))

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, *,
                    generator: Any = None) -> "Tensor":
        """exp of N(mean, std^2) draws."""
        from ..ops import sampling
        return self._fill_drawn("log_normal_",
                                sampling.log_normal_fill(self, mean, std, generator))

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, *,
                generator: Any = None) -> "Tensor":
        """Cauchy draws centred on ``median`` with scale ``sigma``."""
        from ..ops import sampling
        return self._fill_drawn("cauchy_",
                                sampling.cauchy_fill(self, median, sigma, generator))

    def bernoulli_(self, p: Any = 0.5, *, generator: Any = None) -> "Tensor":
        """1 with probability ``p`` (a number, or a tensor expanding to self's shape)."""
        from ..ops import sampling
        return self._fill_drawn("bernoulli_", sampling.bernoulli_fill(self, p, generator))

    def random_(self, *bounds: Any, generator: Any = None, **kwargs: Any) -> "Tensor":
        """Integers: ``random_()`` over the dtype's range (floats: up to 2**mantissa
        digits), ``random_(to)`` in [0, to), ``random_(from, to)`` in [from, to) (``to``
        None: up to the dtype's largest)."""
        from ..ops import sampling
        low, high = sampling.random_bounds(bounds, kwargs)
        return self._fill_drawn("random_",
                                sampling.random_fill(self, low, high, generator))

    def lgamma_(self) -> "Tensor":
        return self._inplace("lgamma_", lambda t: ops.special_functions.lgamma(t))

    def digamma_(self) -> "Tensor":
        return self._inplace("digamma_", lambda t: ops.special_functions.digamma(t))

    def polygamma_(self, n: int) -> "Tensor":
        return self._inplace("polygamma_", lambda t: ops.special_functions.polygamma(n, t))

    def mvlgamma_(self, p: int) -> "Tensor":
        return self._inplace("mvlgamma_", lambda t: ops.special_functions.mvlgamma(t, p))

    def i0_(self) -> "Tensor":
        return self._inplace("i0_", lambda t: ops.special_functions.i0(t))

    def sinc_(self) -> "Tensor":
        return self._inplace("sinc_", lambda t: ops.special_functions.sinc(t))

    def fmod_(self, other: Any) -> "Tensor":
        return self._inplace("fmod_", lambda t: ops.binary_math.fmod(t, other), other)

    def copysign_(self, other: Any) -> "Tensor":
        return self._inplace("copysign_", lambda t: ops.binary_math.copysign(t, other), other)

    def nextafter_(self, other: Any) -> "Tensor":
        return self._inplace("nextafter_", lambda t: ops.binary_math.nextafter(t, other),
                             other)

    def heaviside_(self, values: Any) -> "Tensor":
        return self._inplace("heaviside_", lambda t: ops.binary_math.heaviside(t, values),
                             values)

    def deg2rad_(self) -> "Tensor":
        return self._inplace("deg2rad_", lambda t: ops.binary_math.deg2rad(t),
                             keeps_input=False)

    def rad2deg_(self) -> "Tensor":
        return self._inplace("rad2deg_", lambda t: ops.binary_math.rad2deg(t),
                             keeps_input=False)

    def float_power_(self, exponent: Any) -> "Tensor":
        if self.dtype != np.float64:
            raise RuntimeError(f"the base given to float_power_ has dtype "
                               f"{ops.linalg.torch_type_name(self.dtype)} but the operation's "
                               "result requires dtype Double")
        return self._inplace("float_power_",
                             lambda t: ops.binary_math.float_power(t, exponent), exponent)

    def ldexp_(self, other: Any) -> "Tensor":
        return self._inplace("ldexp_", lambda t: ops.binary_math.ldexp(t, other), other)

    def gcd_(self, other: Any) -> "Tensor":
        return self._inplace("gcd_", lambda t: ops.binary_math.gcd(t, other), other)

    def lcm_(self, other: Any) -> "Tensor":
        return self._inplace("lcm_", lambda t: ops.binary_math.lcm(t, other), other)

    def renorm_(self, p: float, dim: int, maxnorm: float) -> "Tensor":
        return self._inplace("renorm_", lambda t: ops.distances.renorm(t, p, dim, maxnorm))

    def addr_(self, vec1: "Tensor", vec2: "Tensor", *, beta: Any = 1,
              alpha: Any = 1) -> "Tensor":
        return self._inplace("addr_", lambda t: ops.matrix_products.addr(
            t, vec1, vec2, beta=beta, alpha=alpha), vec1, vec2)

    # -- legacy in-place methods (ops/legacy_inplace.py) ------------------------------------
    def resize_(self, *sizes: Any) -> "Tensor":
        """A new shape over the same memory (grown when too small); see ops/legacy_inplace."""
        from ..ops.legacy_inplace import resize_
        return resize_(self, sizes)

    def resize_as_(self, the_template: "Tensor") -> "Tensor":
        from ..ops.legacy_inplace import resize_as_
        return resize_as_(self, the_template)

    def apply_(self, callable: Callable) -> "Tensor":
        """Each element x replaced by callable(x) (not differentiable)."""
        from ..ops.legacy_inplace import apply_
        return apply_(self, callable)

    def map_(self, tensor: "Tensor", callable: Callable) -> "Tensor":
        """Each element x replaced by callable(x, y), y from ``tensor`` broadcast."""
        from ..ops.legacy_inplace import map_
        return map_(self, tensor, callable)

    def conj_physical_(self) -> "Tensor":
        """The conjugate in place: a real tensor keeps its values (an in-place op all the
        same, checked and recorded as the others)."""
        return self._inplace("conj_physical_", lambda t: t, keeps_input=False)
