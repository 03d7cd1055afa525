"""Reductions over one, several or all dims (``dim=`` int or tuple, ``keepdim=``).

As in PyTorch, ``dim=None`` and ``dim=()`` both reduce every dim, and a 0-d input accepts
``dim=0``/``-1`` (nothing to reduce). Every backward is written with Tensor ops.
"""
from __future__ import annotations

import math
import warnings
from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..dtypes import get_default_dtype
from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim, normalize_dims, reduce_dim_args
from .elementwise import maximum, minimum, where
from .index import gather

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])
ValuesIndices.__doc__ = "(values, indices) as returned by max/min with dim= (torch.return_types)"
MinMax = namedtuple("MinMax", ["min", "max"])
MinMax.__doc__ = "(min, max) as returned by aminmax (torch.return_types.aminmax)"


# -- helpers ----------------------------------------------------------------------------------
def _dims(a: Tensor, dim: Any, op: str) -> tuple:
    """Sorted non-negative dims to reduce: all for None or (); none for a 0-d input."""
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    dims = normalize_dims(dim, a.ndim, op)
    return dims if a.ndim else ()


def _count(shape: tuple, dims: tuple) -> int:
    return math.prod(shape[d] for d in dims)


def _dim_overload(out: Tensor, dim: Any) -> Tensor:
    """``out``, its node named as PyTorch's overload taking a ``dim`` ("SumBackward1") when
    one was given."""
    if dim is not None and out.grad_fn is not None:
        out.grad_fn.name_suffix = "1"
    return out


def _expand_back(g: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Undo a reduction's shape change so ``g`` broadcasts against the input."""
    return _keep(g, shape, dims, keepdim).expand(shape)


def _keep(t: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Re-insert the reduced dims as size 1 (``t`` was reduced without keepdim)."""
    if keepdim or not dims:
        return t
    kept = list(shape)
    for d in dims:
        kept[d] = 1
    return t.reshape(tuple(kept))


def _require_float(a: Tensor, op: str, what: str) -> None:
    if a.dtype.kind != "f":
        raise RuntimeError(f"{op}: {what}, but got dtype {a.dtype} (input shape {a.shape})")


def _safe(t: Tensor, bad: Tensor) -> Tensor:
    """``t`` with 1 where ``bad``: keeps a masked-out branch free of inf/nan (whose zero
    gradient would otherwise become nan at second order)."""
    return where(bad, 1.0, t)


# -- sum, mean, prod ------------------------------------------------------------------------
@register
class Sum(Function):
    """y = sum(a, dims);  da = g broadcast back"""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.meta = (a.shape, dims, keepdim)
        if a.dtype.kind in "bui":
            a = a.astype(np.int64)
        return np.sum(a, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        return _expand_back(g, shape, dims, keepdim), None, None


def sum(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
        keepdims: Optional[bool] = None, dtype: Any = None) -> Tensor:
    """sum over ``dim``; bool/int input gives int64, as PyTorch."""
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    dims = _dims(input, dim, "sum")
    if dtype is not None:
        input = input.to(dtype)
    return _dim_overload(Sum.apply(input, dims, keepdim), dim)


@register
class Mean(Function):
    """y = sum(a, dims) / n (n elements reduced into each output);  da = g broadcast back / n.
    Saves only shapes, so its graph may be walked again (as PyTorch's MeanBackward)."""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.meta = (a.shape, dims, keepdim)
        with np.errstate(invalid="ignore"):  # nothing to reduce: 0 / 0 is NaN, as PyTorch
            return np.sum(a, axis=dims, keepdims=keepdim) / a.dtype.type(_count(a.shape, dims))

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        return _expand_back(g, shape, dims, keepdim) / _count(shape, dims), None, None


def mean(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
         keepdims: Optional[bool] = None, dtype: Any = None) -> Tensor:
    """sum / count over ``dim``; integer input is an error unless a float ``dtype`` is
    given (the input is cast to it first), as in PyTorch."""
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    if dtype is not None:
        if np.dtype(dtype).kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Optional dtype must be "
                               f"either a floating point or complex dtype. Got: "
                               f"{np.dtype(dtype)} (input shape {input.shape})")
        input = input.to(dtype)
    _require_float(input, "mean()", "could not infer output dtype. Input dtype must be either "
                   "a floating point or complex dtype")
    return _dim_overload(Mean.apply(input, _dims(input, dim, "mean"), keepdim), dim)


def _isnan(a: Tensor) -> Tensor:
    return Tensor(np.isnan(a.data) if a.dtype.kind == "f" else np.zeros(a.shape, np.bool_))


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``sum`` treating NaN as zero (no gradient flows to NaN elements)."""
    if dtype is not None:
        input = input.to(dtype)
    return sum(where(_isnan(input), 0, input), dim, keepdim)


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``mean`` of the non-NaN elements (NaN where there are none)."""
    if dtype is not None:
        input = input.to(dtype)
    _require_float(input, "nanmean()", "expected input to have floating point dtype")
    return nansum(input, dim, keepdim) / count_nonzero(~_isnan(input), dim, keepdim).to(input.dtype)


def count_nonzero(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """int64 count of the nonzero elements over ``dim`` (int or tuple; all for None)."""
    return Tensor(np.count_nonzero(input.data, axis=_dims(input, dim, "count_nonzero"),
                                   keepdims=keepdim).astype(np.int64))


@register
class Prod(Function):
    """y = prod(a, dims);  da_i = g * prod_{j != i} a_j (exact with zeros in a)"""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.meta = (a.shape, dims, keepdim)
        if a.dtype.kind in "bui":
            a = a.astype(np.int64)
        out = np.prod(a, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        a, out = ctx.saved_tensors
        g = _expand_back(g, shape, dims, keepdim)
        if not (a.data == 0).any():
            return g * _expand_back(out, shape, dims, keepdim) / a, None, None
        return g * _prod_others(a, dims), None, None


def _prod_others(a: Tensor, dims: tuple) -> Tensor:
    """prod_{j != i} a_j over the reduced dims, for every i, without dividing (zeros).

    Builds a k x k block per output (k = reduced count), so it only runs when a has zeros.
    """
    rest = tuple(d for d in range(a.ndim) if d not in dims)
    moved = a.permute(rest + dims) if a.ndim else a
    k = _count(a.shape, dims)
    rows = moved.reshape(-1, 1, k).expand(-1, k, k)
    # row i of each k x k block is a with a_i replaced by 1, so its product skips a_i
    others = prod(where(Tensor(np.eye(k, dtype=bool)), 1.0, rows), dim=2)
    others = others.reshape(moved.shape)
    return others.permute(tuple(np.argsort(rest + dims).tolist())) if a.ndim else others


def prod(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
         keepdims: Optional[bool] = None, dtype: Any = None) -> Tensor:
    """product over ``dim``; bool/int input gives int64, as PyTorch."""
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    dims = _dims(input, dim, "prod")
    if dtype is not None:
        input = input.to(dtype)
    return _dim_overload(Prod.apply(input, dims, keepdim), dim)


# -- var, std -------------------------------------------------------------------------------
def _centered(a: Tensor, dims: tuple) -> Tensor:
    return a - mean(a, dims, keepdim=True) if dims else a * 0.0


@register
class Var(Function):
    """y = sum((a - mean)^2) / (N - correction);  da = g * 2 (a - mean) / (N - correction)"""

    @staticmethod
    def forward(ctx, a, dims, keepdim, correction):
        ctx.meta = (a.shape, dims, keepdim, _divisor(a.shape, dims, correction))
        ctx.save_for_backward(a)
        return _var(a, dims, keepdim, correction)

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim, divisor = ctx.meta
        (a,) = ctx.saved_tensors
        g = _expand_back(g, shape, dims, keepdim)
        return g * _centered(a, dims) * (2.0 / divisor if divisor else math.inf), None, \
            None, None


@register
class Std(Function):
    """y = sqrt(var(a));  da = g * (a - mean) / ((N - correction) * y), 0 where y = 0"""

    @staticmethod
    def forward(ctx, a, dims, keepdim, correction):
        ctx.meta = (a.shape, dims, keepdim, _divisor(a.shape, dims, correction))
        out = np.sqrt(_var(a, dims, keepdim, correction))
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim, divisor = ctx.meta
        a, out = ctx.saved_tensors
        out = _expand_back(out, shape, dims, keepdim)
        zero = out == 0
        scale = _expand_back(g, shape, dims, keepdim) / (_safe(out, zero) * divisor)
        return where(zero, 0.0, scale * _centered(a, dims)), None, None, None


def _divisor(shape: tuple, dims: tuple, correction: float) -> float:
    divisor = _count(shape, dims) - correction
    return divisor if divisor > 0 else 0.0  # (the builtin max is shadowed in this module)


def _var(a: np.ndarray, dims: tuple, keepdim: bool, correction: float) -> np.ndarray:
    divisor = _divisor(a.shape, dims, correction)
    if divisor <= 0:
        warnings.warn(f"var(): degrees of freedom is <= 0 (correction {correction} for "
                      f"{_count(a.shape, dims)} elements of input shape {a.shape})",
                      UserWarning, stacklevel=4)
    centered = a - a.mean(axis=dims, keepdims=True) if dims else a * 0
    total = np.sum(centered * centered, axis=dims, keepdims=keepdim)
    with np.errstate(divide="ignore", invalid="ignore"):
        return total / a.dtype.type(divisor)


def _var_args(a: Tensor, op: str, dim: Any, unbiased: Any, keepdim: Any, axis: Any,
              keepdims: Any, correction: Any) -> tuple:
    """(dims, keepdim, correction) from PyTorch's overloads: ``var(dim, unbiased, keepdim)``
    and ``var(dim, *, correction, keepdim)``; ``var(False)`` means unbiased=False."""
    if isinstance(dim, bool):  # var(unbiased) overload
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{op}(): pass either unbiased= or correction=, not both")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    _require_float(a, f"{op}()", "std and var only support floating point dtypes")
    return _dims(a, dim, op), keepdim, correction


def var(input: Tensor, dim: Any = None, unbiased: Optional[bool] = None,
        keepdim: Optional[bool] = None, *, correction: Any = None, axis: Any = None,
        keepdims: Optional[bool] = None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``), as PyTorch."""
    dims, keepdim, correction = _var_args(input, "var", dim, unbiased, keepdim, axis, keepdims,
                                          correction)
    return Var.apply(input, dims, keepdim, correction)


def std(input: Tensor, dim: Any = None, unbiased: Optional[bool] = None,
        keepdim: Optional[bool] = None, *, correction: Any = None, axis: Any = None,
        keepdims: Optional[bool] = None) -> Tensor:
    """sqrt(var); its gradient is 0 where the std is 0 (PyTorch's choice)."""
    dims, keepdim, correction = _var_args(input, "std", dim, unbiased, keepdim, axis, keepdims,
                                          correction)
    return Std.apply(input, dims, keepdim, correction)


def var_mean(input: Tensor, dim: Any = None, unbiased: Optional[bool] = None,
             keepdim: Optional[bool] = None, *, correction: Any = None, axis: Any = None,
             keepdims: Optional[bool] = None) -> tuple:
    """(var, mean) over ``dim``; arguments as ``var``."""
    dims, keepdim, correction = _var_args(input, "var_mean", dim, unbiased, keepdim, axis,
                                          keepdims, correction)
    return Var.apply(input, dims, keepdim, correction), mean(input, dims, keepdim)


def std_mean(input: Tensor, dim: Any = None, unbiased: Optional[bool] = None,
             keepdim: Optional[bool] = None, *, correction: Any = None, axis: Any = None,
             keepdims: Optional[bool] = None) -> tuple:
    """(std, mean) over ``dim``; arguments as ``var``."""
    dims, keepdim, correction = _var_args(input, "std_mean", dim, unbiased, keepdim, axis,
                                          keepdims, correction)
    return Std.apply(input, dims, keepdim, correction), mean(input, dims, keepdim)


# -- max, min, argmax, argmin ---------------------------------------------------------------
@register
class Extremum(Function):
    """y = max (or min) of a over dims;  da = g split evenly among the tied extreme elements"""

    @staticmethod
    def forward(ctx, a, dims, keepdim, largest):
        ctx.meta = (a.shape, dims, keepdim)
        out = (np.max if largest else np.min)(a, axis=dims, keepdims=keepdim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        a, out = ctx.saved_tensors
        # NaN propagates through max/min, so a NaN element is "the" extreme one
        hit = ((a == _expand_back(out, shape, dims, keepdim)) | (a != a)).to(g.dtype)
        count = hit.sum(dims, keepdim=True) if dims else hit
        return _expand_back(g, shape, dims, keepdim) * (hit / count), None, None, None


def _extremum(op: str, largest: bool, a: Tensor, dim: Any, keepdim: Any, axis: Any,
              keepdims: Any) -> Any:
    if isinstance(dim, Tensor):  # torch.max(a, b) is maximum(a, b)
        return (maximum if largest else minimum)(a, dim)
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    if dim is None:
        if a.data.size == 0:
            raise RuntimeError(f"{op}(): Expected reduction dim to be specified for "
                               f"input.numel() == 0 (input shape {a.shape})")
        return Extremum.apply(a, tuple(range(a.ndim)), False, largest)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}(): dim must be an int, got {dim!r}; use amax/amin to reduce "
                        f"several dims")
    d = _single_dim(a, dim, op)
    indices = _arg(np.argmax if largest else np.argmin, a, d, True)
    values = gather(a, d, indices) if a.ndim else a
    if not keepdim and a.ndim:
        values, indices = values.squeeze(d), indices.squeeze(d)
    return ValuesIndices(values, indices)


def _single_dim(a: Tensor, dim: Any, op: str) -> int:
    d = normalize_dim(dim, a.ndim, op)
    if a.ndim and a.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size "
                         f"(input shape {a.shape})")
    return d


def _arg(fn: Any, a: Tensor, d: Optional[int], keepdim: bool) -> Tensor:
    """Index of the first extreme element along ``d`` (all dims flattened when None)."""
    if d is None or a.ndim == 0:
        out = np.asarray(fn(a.data), np.int64)
        return Tensor(out.reshape((1,) * a.ndim) if keepdim else out)
    return Tensor(np.asarray(fn(a.data, axis=d, keepdims=keepdim), np.int64))


def max(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Any:
    """The largest value (ties share the gradient); with an int ``dim``, (values, indices)
    where the first occurrence gets the gradient."""
    return _extremum("max", True, input, dim, keepdim, axis, keepdims)


def min(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
        keepdims: Optional[bool] = None) -> Any:
    """The smallest value; see ``max``."""
    return _extremum("min", False, input, dim, keepdim, axis, keepdims)


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """max over ``dim`` (int or tuple; all for ()), the gradient split evenly among ties."""
    return Extremum.apply(input, _nonempty_dims(input, dim, "amax"), bool(keepdim), True)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """min over ``dim``; see ``amax``."""
    return Extremum.apply(input, _nonempty_dims(input, dim, "amin"), bool(keepdim), False)


def aminmax(input: Tensor, *, dim: Any = None, keepdim: bool = False) -> MinMax:
    """(amin, amax) over ``dim`` (an int, or all dims for None); ties share the gradient."""
    if dim is None and input.data.size == 0:
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    dims = () if dim is None else normalize_dim(dim, input.ndim, "aminmax") if input.ndim else ()
    return MinMax(amin(input, dims, keepdim), amax(input, dims, keepdim))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element (along ``dim``) is nonzero; a bool tensor, no gradient."""
    return Tensor(np.all(input.data, axis=_dims(input, dim, "all"), keepdims=keepdim))


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element (along ``dim``) is nonzero; a bool tensor, no gradient."""
    return Tensor(np.any(input.data, axis=_dims(input, dim, "any"), keepdims=keepdim))


def _nonempty_dims(a: Tensor, dim: Any, op: str) -> tuple:
    dims = _dims(a, dim, op)
    for d in dims:
        if a.shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size "
                             f"(input shape {a.shape})")
    return dims


def _argextremum(op: str, fn: Any, a: Tensor, dim: Any, keepdim: Any, axis: Any,
                 keepdims: Any) -> Tensor:
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    if dim is None:
        if a.data.size == 0:
            raise IndexError(f"{op}(): Expected reduction dim to be specified for "
                             f"input.numel() == 0 (input shape {a.shape})")
        return _arg(fn, a, None, keepdim)
    return _arg(fn, a, _single_dim(a, dim, op), keepdim)


def argmax(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
           keepdims: Optional[bool] = None) -> Tensor:
    """int64 index of the first maximum along ``dim`` (of the flattened input for None)."""
    return _argextremum("argmax", np.argmax, input, dim, keepdim, axis, keepdims)


def argmin(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
           keepdims: Optional[bool] = None) -> Tensor:
    """int64 index of the first minimum along ``dim``; see ``argmax``."""
    return _argextremum("argmin", np.argmin, input, dim, keepdim, axis, keepdims)


# -- logsumexp ------------------------------------------------------------------------------
@register
class LogSumExp(Function):
    """y = m + log(sum(exp(a - m))) with m = max(a) (stable);  da = g * exp(a - y)"""

    @staticmethod
    def forward(ctx, a, dims, keepdim):
        ctx.meta = (a.shape, dims, keepdim)
        m = np.max(a, axis=dims, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0)  # all -inf (or an inf) row: shift by 0
        total = np.sum(np.exp(a - m), axis=dims, keepdims=True)
        with np.errstate(divide="ignore"):
            out = np.log(total) + m
        out = out if keepdim else np.squeeze(out, axis=dims)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, dims, keepdim = ctx.meta
        a, out = ctx.saved_tensors
        return (_expand_back(g, shape, dims, keepdim)
                * (a - _expand_back(out, shape, dims, keepdim)).exp()), None, None


def logsumexp(input: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *,
              axis: Any = None, keepdims: Optional[bool] = None) -> Tensor:
    """log(sum(exp(a))) over ``dim``; integer input computes in the default dtype, as
    PyTorch."""
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    if input.dtype.kind != "f":
        input = input.to(get_default_dtype())
    return LogSumExp.apply(input, _dims(input, dim, "logsumexp"), keepdim)


# -- norm -----------------------------------------------------------------------------------
@register
class Norm(Function):
    """y = (sum |a|^p)^(1/p);  da = g * sign(a) |a|^(p-1) * y^(1-p)  (0 at a = 0 and at y = 0,
    PyTorch's subgradient)"""

    @staticmethod
    def forward(ctx, a, p, dims, keepdim):
        ctx.meta = (a.shape, p, dims, keepdim)
        with np.errstate(divide="ignore"):
            if p == 2:
                out = np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim))
            else:
                out = np.sum(np.abs(a) ** p, axis=dims, keepdims=keepdim) ** (1.0 / p)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        shape, p, dims, keepdim = ctx.meta
        a, out = ctx.saved_tensors
        out = _expand_back(out, shape, dims, keepdim)
        g = _expand_back(g, shape, dims, keepdim)
        zero_out = out == 0
        if p == 2:
            return where(zero_out, 0.0, g / _safe(out, zero_out) * a), None, None, None
        zero_a = a == 0
        scaled = where(zero_a, 0.0, a.sign() * _safe(a.abs(), zero_a) ** (p - 1))
        return where(zero_out, 0.0, g * _safe(out, zero_out) ** (1 - p) * scaled), \
            None, None, None


def norm(input: Tensor, p: Any = 2, dim: Any = None, keepdim: Optional[bool] = None, *,
         axis: Any = None, keepdims: Optional[bool] = None, dtype: Any = None) -> Tensor:
    """Vector p-norm over ``dim``: p = 2 ('fro'), 1, inf, -inf, 0 (count of non-zeros) or any
    other non-zero float."""
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    if dtype is not None:
        input = input.to(dtype)
    _require_float(input, "norm", "expected a floating point tensor as input")
    p = _norm_order(p)
    dims = _dims(input, dim, "norm")
    if p == 1:
        return sum(input.abs(), dims, keepdim)
    if p == 0:
        return sum(input.sign().abs(), dims, keepdim)
    if math.isinf(p):
        return (amax if p > 0 else amin)(input.abs(), dims, keepdim)
    return Norm.apply(input, p, dims, keepdim)


def _norm_order(p: Any) -> float:
    if p == "fro":
        return 2.0
    if isinstance(p, str) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise ValueError(f"norm: unsupported order p={p!r}; expected a number or 'fro'")
    return float(p)
