"""autograd_engine: reverse-mode automatic differentiation with a PyTorch-like API."""
from importlib import import_module as _import_module
from types import ModuleType as _ModuleType

from .tensor import Tensor  # first: the op modules it imports need the class
from . import autograd  # noqa: I001
from .creation import (arange, as_tensor, bool, double, empty, empty_like, eye, float16,
                       float32, float64, from_numpy, full, full_like, half, int32, int64,
                       linspace, long, ones, ones_like, rand, rand_like, randint, randint_like,
                       randn, randn_like, tensor, zeros, zeros_like)
from . import cuda  # noqa: F401
from .devices import device  # noqa: F401
from .grad_mode import (enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad,
                        set_grad_enabled)
from .ops.activation import log_softmax, relu, sigmoid, softmax, tanh
from .ops.elementwise import (abs, add, clamp, clone, cos, div, eq, exp, floor_divide, ge,
                              gt, le, log, logical_and, logical_not, logical_or, lt, maximum,
                              minimum, mul, ne, neg, pow, remainder, sign, sin, sqrt, sub,
                              where)
from .ops.einsum import einsum
from .ops.linalg import bmm, matmul, outer
from .ops.linalg import (addbmm, addmm, addmv, baddbmm, cross, dot, inner, kron, mm, mv,
                         tensordot, vdot)
from .ops.decomp import legacy_cholesky as cholesky, legacy_qr as qr, legacy_svd as svd
from .ops.matrix_functions import matrix_exp, matrix_power, pinverse
from .ops.index import gather, index_select, masked_fill
from .ops.indexed import (argwhere, index_add, index_copy, index_fill, index_put,
                          index_reduce, masked_scatter, masked_select, put, scatter,
                          scatter_add, scatter_reduce, take, take_along_dim, unique,
                          unique_consecutive)
from .ops.shape import (broadcast_tensors, broadcast_to, concat, concatenate, dstack, hsplit,
                        hstack, tensor_split, vsplit, vstack)
from .ops.pointwise import (addcdiv, addcmul, ceil, expm1, floor, frac, lerp, log1p,
                            reciprocal, round, rsqrt, square, trunc)
from .ops.pointwise import (acos, acosh, asin, asinh, atan, atan2, atanh, bitwise_and,
                            bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
                            bitwise_xor, clamp_max, clamp_min, cosh, erf, erfc, erfinv, exp2,
                            hypot, isfinite, isinf, isnan, isneginf, isposinf, log2, log10,
                            logaddexp, logical_xor, logit, nan_to_num, sinh, tan, xlogy)
from .ops.reduce import (all, amax, amin, any, argmax, argmin, logsumexp, max, mean, min, norm,
                         prod, std, sum, var)
from .ops.reorder import argsort, cumsum, flip, roll, sort, topk, tril, triu
from .ops.reduce import (aminmax, count_nonzero, nanmean, nansum, std_mean,  # noqa: I001
                         var_mean)
from .ops.reorder import (cummax, cummin, cumprod, kthvalue, logcumsumexp, median, mode,
                          nanmedian, nanquantile, quantile)
from .ops.shape import (cat, chunk, expand, flatten, movedim, narrow, pad, permute, repeat,
                        reshape, split, squeeze, stack, transpose, unbind, unsqueeze, view)
from .ops.structure import (allclose, diag, diff, isclose, meshgrid, nonzero, repeat_interleave,
                            tile, trace)
from .random import (Generator, default_generator, get_rng_state, initial_seed,
                     manual_seed, seed, set_rng_state)
from .ops.sampling import bernoulli, multinomial, normal, poisson, randperm
from .dtypes import (can_cast, finfo, get_default_dtype, iinfo, promote_types,
                     set_default_dtype)
from .queries import is_complex, is_floating_point, is_nonzero, is_tensor, numel, result_type
from .grad_mode import inference_mode, is_inference_mode_enabled
from .printing import set_printoptions
from .ops.arrangement import (atleast_1d, atleast_2d, atleast_3d, cartesian_prod, column_stack,
                              combinations, dsplit, fliplr, flipud, logspace, msort,
                              narrow_copy, rot90, row_stack, tril_indices, triu_indices,
                              unflatten, vander)
from .ops.binary_math import (copysign, deg2rad, float_power, fmax, fmin, fmod, frexp, gcd,
                              heaviside, lcm, ldexp, logaddexp2, nextafter, rad2deg, signbit,
                              true_divide)
from .ops.covariance import corrcoef, cov
from .ops.diagonal import (block_diag, diag_embed, diagflat, diagonal, diagonal_scatter,
                           select, select_scatter, slice_scatter)
from .ops.distances import cdist, dist, renorm
from .ops.histogram import bincount, bucketize, histc, histogram, isin, searchsorted
from .ops.integration import cumulative_trapezoid, trapezoid, trapz
from .ops.matrix_products import addr, chain_matmul, ger, logdet
from .ops.special_functions import digamma, i0, lgamma, mvlgamma, polygamma, sinc
from . import memory
from .serialization import load, save
from ._lazy_names import LAZY_NAMES as _LAZY_NAMES

clip = clamp
moveaxis = movedim
swapaxes = swapdims = transpose

__version__ = "0.1.0"

memory._keep_by_default()


# Namespaces imported on first use, as ``ae.nn``, ``import autograd_engine.nn`` or ``from
# autograd_engine import nn``: a script that never touches them does not pay for them.
_LAZY_SUBMODULES = frozenset({"diagnostics", "func", "linalg", "nn", "optim", "special",
                              "utils"})


def __getattr__(name: str) -> _ModuleType:
    if name in _LAZY_SUBMODULES:
        return _import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:  # functions whose module loads on first use (_lazy_names.py)
        module, _, attribute = _LAZY_NAMES[name].partition(":")
        value = globals()[name] = getattr(_import_module(f"{__name__}.{module}"),
                                          attribute or name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | _LAZY_SUBMODULES | set(_LAZY_NAMES))
