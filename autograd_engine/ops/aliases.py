"""PyTorch's other top-level names of existing ops (``divide``, ``arccos``, ``greater``, ...),
thin functional forms of Tensor methods (``t``, ``detach``, ``ravel``, ``equal``, ``rsub``,
``fill``, ...) and the top-level in-place forms: ``ae.abs_(x)`` is ``x.abs_()``."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..queries import _tensor as _input
from ..tensor import Tensor
from .elementwise import abs, div, ge, gt, le, lt, mul, ne, neg, sign, sub, where
from .linalg import inv
from .pointwise import acos, acosh, asin, asinh, atan, atan2, atanh, trunc

# -- other names ------------------------------------------------------------------------------
multiply = mul
negative = neg
absolute = abs
fix = trunc
sgn = sign  # (real tensors only)
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne
arccos, arccosh, arcsin, arcsinh = acos, acosh, asin, asinh
arctan, arctan2, arctanh = atan, atan2, atanh
inverse = inv


def subtract(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """input - alpha * other."""
    return sub(input, other, alpha)


def divide(input: Any, other: Any, *, rounding_mode: Any = None) -> Tensor:
    """input / other, rounded by ``rounding_mode`` (None, 'trunc' or 'floor')."""
    return div(input, other, rounding_mode)


def positive(input: Tensor) -> Tensor:
    """input itself (a bool tensor raises)."""
    return _input(input, "positive").positive()


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """other - alpha * input."""
    return sub(other, _input(input, "rsub"), alpha)


# -- functional forms of Tensor methods -------------------------------------------------------
def t(input: Tensor) -> Tensor:
    """The transpose of a matrix; a 0-D or 1-D tensor as it is."""
    return _input(input, "t").t()


def detach(input: Tensor) -> Tensor:
    """The same data without a graph."""
    return _input(input, "detach").detach()


def ravel(input: Tensor) -> Tensor:
    """The elements in a contiguous 1-D tensor (a view when possible)."""
    return _input(input, "ravel").ravel()


def equal(input: Tensor, other: Tensor) -> bool:
    """Same shape and equal elements."""
    return _input(input, "equal").equal(other)


def is_same_size(input: Tensor, other: Tensor) -> bool:
    return _input(input, "is_same_size").is_same_size(other)


def is_signed(input: Tensor) -> bool:
    """Whether the dtype is signed (floats and signed integers)."""
    return _input(input, "is_signed").is_signed()


def fill(input: Tensor, value: Any) -> Tensor:
    """A tensor of input's shape and dtype filled with ``value`` (a number or a 0-d
    tensor, whose gradient is the sum of the incoming one; input gets a zero gradient)."""
    _input(input, "fill")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.ndim} dimensions.")
        value = value.to(input.dtype)
    else:
        value = Tensor(np.asarray(value).astype(input.dtype))
    return where(Tensor(np.ones((), np.bool_)), value, input)


def zero_(input: Tensor) -> Tensor:
    """input filled with zeros, in place."""
    return _input(input, "zero_").zero_()


# -- in-place forms ---------------------------------------------------------------------------
def _inplace(name: str) -> Callable[..., Tensor]:
    def inplace(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        return getattr(_input(input, name), name)(*args, **kwargs)

    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = f"``input.{name}(...)``: the op written into ``input``."
    return inplace


abs_ = _inplace("abs_")
neg_ = _inplace("neg_")
negative_ = _inplace("negative_")
reciprocal_ = _inplace("reciprocal_")
sqrt_ = _inplace("sqrt_")
rsqrt_ = _inplace("rsqrt_")
square_ = _inplace("square_")
exp_ = _inplace("exp_")
exp2_ = _inplace("exp2_")
expm1_ = _inplace("expm1_")
log_ = _inplace("log_")
log2_ = _inplace("log2_")
log10_ = _inplace("log10_")
log1p_ = _inplace("log1p_")
sin_ = _inplace("sin_")
cos_ = _inplace("cos_")
tan_ = _inplace("tan_")
asin_ = _inplace("asin_")
acos_ = _inplace("acos_")
atan_ = _inplace("atan_")
arcsin_ = _inplace("arcsin_")
arccos_ = _inplace("arccos_")
arctan_ = _inplace("arctan_")
sinh_ = _inplace("sinh_")
cosh_ = _inplace("cosh_")
tanh_ = _inplace("tanh_")
asinh_ = _inplace("asinh_")
acosh_ = _inplace("acosh_")
atanh_ = _inplace("atanh_")
arcsinh_ = _inplace("arcsinh_")
arccosh_ = _inplace("arccosh_")
arctanh_ = _inplace("arctanh_")
sigmoid_ = _inplace("sigmoid_")
relu_ = _inplace("relu_")
erf_ = _inplace("erf_")
erfc_ = _inplace("erfc_")
logit_ = _inplace("logit_")
i0_ = _inplace("i0_")
sinc_ = _inplace("sinc_")
ceil_ = _inplace("ceil_")
floor_ = _inplace("floor_")
round_ = _inplace("round_")
trunc_ = _inplace("trunc_")
fix_ = _inplace("fix_")
frac_ = _inplace("frac_")
clamp_ = _inplace("clamp_")
clip_ = _inplace("clip_")
clamp_min_ = _inplace("clamp_min_")
clamp_max_ = _inplace("clamp_max_")
nan_to_num_ = _inplace("nan_to_num_")
deg2rad_ = _inplace("deg2rad_")
rad2deg_ = _inplace("rad2deg_")
xlogy_ = _inplace("xlogy_")
ldexp_ = _inplace("ldexp_")
gcd_ = _inplace("gcd_")
lcm_ = _inplace("lcm_")
addmv_ = _inplace("addmv_")
index_put_ = _inplace("index_put_")
fill_ = _inplace("fill_")
detach_ = _inplace("detach_")
resize_as_ = _inplace("resize_as_")
conj_physical_ = _inplace("conj_physical_")
