"""Ops that reorder elements: ``flip``, ``roll``, the scans (``cumsum``, ``cumprod``,
``cummax``, ``cummin``, ``logcumsumexp``), ``sort``, ``argsort``, ``topk``, the order
statistics (``kthvalue``, ``median``, ``nanmedian``, ``mode``, ``quantile``,
``nanquantile``), ``tril`` and ``triu``.

Sorting is a permutation chosen from the values: the indices come from numpy's stable sort
(PyTorch's order, NaN counting as the largest value), the values are ``gather``-ed from the
input, so their gradient scatters back through the gather op.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim, shape_args
from .elementwise import where
from .index import gather
from .shape import stack

SortResult = namedtuple("SortResult", ["values", "indices"])
SortResult.__doc__ = ("(values, indices) of sort, topk, cummax/cummin, kthvalue, median and "
                      "mode (torch.return_types)")


def _flip_dims(a: Tensor, dims: tuple, op: str) -> tuple:
    out = tuple(normalize_dim(d, a.ndim, op) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{op}: dim {out[0]} appears multiple times in the list of dims")
    return out


@register
class Flip(Function):
    """y = a reversed along dims;  da = g reversed along dims"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy()

    @staticmethod
    def backward(ctx, g):
        return flip(g, ctx.dims), None


@register
class Roll(Function):
    """y = a rolled by shifts along dims (flattened when dims is None);  da = g rolled back"""

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return np.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return np.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        return Roll.apply(g, tuple(-s for s in ctx.shifts), ctx.dims), None, None


@register
class Cumsum(Function):
    """y[i] = sum(a[:i + 1]) along dim;  da = reversed cumsum of g"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        return np.cumsum(a.astype(np.int64) if a.dtype.kind in "bui" else a, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return flip(cumsum(flip(g, (ctx.dim,)), ctx.dim), (ctx.dim,)), None


def flip(a: Tensor, *dims: Any) -> Tensor:
    """Reverse the order of elements along ``dims`` (a copy, as PyTorch)."""
    dims = _flip_dims(a, shape_args(dims, "flip"), "flip")
    return Flip.apply(a, dims) if dims and a.ndim else a.clone()


def roll(a: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically along ``dims``, or over the flattened tensor."""
    shifts = (shifts,) if isinstance(shifts, (int, np.integer)) else tuple(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: shifts and dimensions must align. shifts: "
                               f"{len(shifts)}, dims:0")
        return Roll.apply(a, (int(shifts[0]),), None)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    dims = tuple(normalize_dim(d, a.ndim, "roll") for d in dims)
    return Roll.apply(a, tuple(int(s) for s in shifts), dims)


def cumsum(a: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Running sum along ``dim`` (integer and bool inputs give int64, as PyTorch)."""
    if dtype is not None:
        a = a.to(dtype)
    if a.ndim == 0:
        return Cumsum.apply(a.reshape(1), 0).reshape(())
    return Cumsum.apply(a, normalize_dim(dim, a.ndim, "cumsum"))


@register
class Cumprod(Function):
    """y[i] = prod(a[:i + 1]) along dim;  da = reversed cumsum of (g * y), divided by a
    (only used when a has no zeros; see ``cumprod``)"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = np.cumprod(a.astype(np.int64) if a.dtype.kind in "bui" else a, axis=dim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        d = (ctx.dim,)
        return flip(cumsum(flip(g * out, d), ctx.dim), d) / a, None


def cumprod(a: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """Running product along ``dim``; with zeros in ``a`` it is the product of a masked
    lower-triangular block (exact gradient through ``prod``), as PyTorch's formula."""
    if dtype is not None:
        a = a.to(dtype)
    if a.ndim == 0:
        return cumprod(a.reshape(1), 0).reshape(())
    d = normalize_dim(dim, a.ndim, "cumprod")
    if a.dtype.kind != "f" or not (a.data == 0).any():
        return Cumprod.apply(a, d)
    n = a.shape[d]
    moved = a.movedim(d, -1)
    rows = moved.unsqueeze(-2).expand(moved.shape[:-1] + (n, n))
    mask = Tensor(np.tril(np.ones((n, n), np.bool_)))
    return where(mask, rows, 1.0).prod(-1).movedim(-1, d)


def _cumextremum(a: Tensor, dim: int, op: str, largest: bool) -> SortResult:
    """Running max/min: the index is the last one reaching the extreme (ties and NaN), as
    PyTorch; the values are gathered, so the gradient goes to that index."""
    if a.ndim == 0:
        return SortResult(a.clone(), Tensor(np.zeros((), np.int64)))
    d = normalize_dim(dim, a.ndim, op)
    x = a.data
    running = (np.maximum if largest else np.minimum).accumulate(x, axis=d) if x.size else x
    nan = np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, np.bool_)
    position = np.arange(x.shape[d]).reshape((-1,) + (1,) * (x.ndim - d - 1))
    hit = (x == running) | nan
    indices = np.maximum.accumulate(np.where(hit, position, 0), axis=d) if x.size else \
        np.zeros(x.shape, np.int64)
    indices = Tensor(indices.astype(np.int64))
    return SortResult(gather(a, d, indices), indices)


def cummax(a: Tensor, dim: int) -> SortResult:
    """(values, indices) of the running maximum along ``dim``."""
    return _cumextremum(a, dim, "cummax", True)


def cummin(a: Tensor, dim: int) -> SortResult:
    """(values, indices) of the running minimum along ``dim``."""
    return _cumextremum(a, dim, "cummin", False)


@register
class LogCumSumExp(Function):
    """y[i] = log(sum(exp(a[:i + 1])));  da = exp(a) * reversed cumsum(g exp(-y)), computed in
    log space with g split by sign (PyTorch's formula)"""

    @staticmethod
    def forward(ctx, a, dim):
        ctx.dim = dim
        out = np.logaddexp.accumulate(a, axis=dim)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        d = (ctx.dim,)
        log_g = _safe_log(g.abs())
        parts = [flip(logcumsumexp(flip(where(mask, log_g, -np.inf) - out, d), ctx.dim), d)
                 for mask in (g > 0, g < 0)]
        return (parts[0] + a).exp() - (parts[1] + a).exp(), None


def _safe_log(t: Tensor) -> Tensor:
    zero = t == 0
    return where(zero, -np.inf, where(zero, 1.0, t).log())


def logcumsumexp(a: Tensor, dim: int) -> Tensor:
    """log of the running sum of exp along ``dim``, computed stably (float input only)."""
    if a.dtype.kind != "f":
        raise NotImplementedError(f'"logcumsumexp" not implemented for dtype {a.dtype}')
    if a.ndim == 0:
        return LogCumSumExp.apply(a.reshape(1), 0).reshape(())
    return LogCumSumExp.apply(a, normalize_dim(dim, a.ndim, "logcumsumexp"))


# -- sorting --------------------------------------------------------------------------------
def _order(values: np.ndarray, dim: int, descending: bool) -> np.ndarray:
    """Stable sort order along dim; NaN sorts as the largest value."""
    if values.dtype == np.bool_:
        values = values.astype(np.int8)
    if not descending:
        return np.argsort(values, axis=dim, kind="stable")
    if values.dtype.kind in "ui":  # ~x = -x - 1: decreasing, cannot overflow
        return np.argsort(~values, axis=dim, kind="stable")
    moved = np.moveaxis(values, dim, -1)
    order = np.lexsort((-moved, ~np.isnan(moved)), axis=-1)  # NaN first, then descending
    return np.moveaxis(order, -1, dim)


def argsort(a: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """Indices that sort ``a`` along ``dim`` (always stable: equal values keep their order)."""
    if a.ndim == 0:
        return Tensor(np.zeros((), np.int64))
    return Tensor(_order(a.data, normalize_dim(dim, a.ndim, "argsort"), descending))


def sort(a: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> SortResult:
    """(values, indices) sorted along ``dim``; the values are differentiable."""
    if a.ndim == 0:
        return SortResult(a.clone(), Tensor(np.zeros((), np.int64)))
    d = normalize_dim(dim, a.ndim, "sort")
    indices = Tensor(_order(a.data, d, descending))
    return SortResult(gather(a, d, indices), indices)


def topk(a: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> SortResult:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, in order; ties
    keep their original order."""
    d = normalize_dim(dim, a.ndim, "topk") if a.ndim else 0
    size = a.shape[d] if a.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"topk: selected index k out of range (k={k}, size {size} of dim "
                           f"{d} of input shape {a.shape})")
    if a.ndim == 0:
        return SortResult(a.clone(), Tensor(np.zeros((), np.int64)))
    order = np.take(_order(a.data, d, largest), np.arange(k), axis=d)
    indices = Tensor(order)
    return SortResult(gather(a, d, indices), indices)


# -- order statistics (sort, then gather: the gradient goes to the selected index) --------------
def _select_sorted(a: Tensor, dim: Any, keepdim: bool, op: str, rank: Any) -> SortResult:
    """(values, indices) at position ``rank(sorted values, valid count)`` of the stable
    ascending sort along ``dim`` (NaN last). Tied indices may differ from PyTorch's."""
    if a.ndim == 0:
        return SortResult(a.clone(), Tensor(np.zeros((), np.int64)))
    d = normalize_dim(dim, a.ndim, op)
    if a.shape[d] == 0:
        raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size "
                         f"(input shape {a.shape})")
    order = _order(a.data, d, False)
    ranked = np.take_along_axis(a.data, order, d)
    valid = (~np.isnan(ranked)).sum(d, keepdims=True) if a.dtype.kind == "f" else \
        np.full(ranked.shape[:d] + (1,) + ranked.shape[d + 1:], a.shape[d])
    position = np.broadcast_to(np.asarray(rank(valid), np.int64), valid.shape)
    indices = Tensor(np.take_along_axis(order, position, d))
    values = gather(a, d, indices)
    return SortResult(values, indices) if keepdim else \
        SortResult(values.squeeze(d), indices.squeeze(d))


def kthvalue(a: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> SortResult:
    """(values, indices) of the ``k``-th smallest element (1-based) along ``dim``."""
    size = a.shape[normalize_dim(dim, a.ndim, "kthvalue")] if a.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim} "
                           f"(k={k}, size {size})")
    return _select_sorted(a, dim, keepdim, "kthvalue", lambda valid: k - 1)


@register
class Median(Function):
    """y = lower median of all elements (NaN if any, unless ``ignore_nan``);
    da = g split evenly among the elements equal to y (PyTorch's choice)"""

    @staticmethod
    def forward(ctx, a, ignore_nan):
        flat = np.sort(a.reshape(-1))  # NaN sorts last
        valid = int((~np.isnan(flat)).sum()) if ignore_nan else flat.size
        if not ignore_nan and np.isnan(flat).any():
            out = np.asarray(np.nan, a.dtype)
        else:
            out = np.asarray(flat[max(valid - 1, 0) // 2] if flat.size else np.nan, a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        hit = ((a == out) | ((a != a) & (out != out))).to(g.dtype)
        return g * hit / hit.sum(), None


def _median(a: Tensor, dim: Any, keepdim: bool, op: str, ignore_nan: bool) -> Any:
    if dim is None:
        return Median.apply(a, ignore_nan)

    def rank(valid):  # NaN (the sort's tail) is the median of a row holding one, for median
        if ignore_nan:
            return np.maximum(valid - 1, 0) // 2
        n = a.shape[normalize_dim(dim, a.ndim, op)]
        return np.where(valid < n, valid, (n - 1) // 2)
    return _select_sorted(a, dim, keepdim, op, rank)


def median(a: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median of all elements; with ``dim``, (values, indices) along it."""
    return _median(a, dim, keepdim, "median", False)


def nanmedian(a: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """``median`` ignoring NaN (NaN only where every element is NaN)."""
    return _median(a, dim, keepdim, "nanmedian", True)


def mode(a: Tensor, dim: int = -1, keepdim: bool = False) -> SortResult:
    """(values, indices) of the most frequent value along ``dim`` (the smallest on ties; its
    last occurrence, as PyTorch on CPU)."""
    if a.ndim == 0:
        return SortResult(a.clone(), Tensor(np.zeros((), np.int64)))
    d = normalize_dim(dim, a.ndim, "mode")
    moved = np.moveaxis(a.data, d, -1)
    rows = moved.reshape(-1, moved.shape[-1]) if moved.size else np.zeros((0, 1), a.dtype)
    picked = np.zeros(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)
        best = values[np.argmax(counts)]
        picked[r] = np.flatnonzero((row == best) | (np.isnan(row) & np.isnan(best)))[-1]
    indices = Tensor(np.expand_dims(picked.reshape(moved.shape[:-1]), d))
    values = gather(a, d, indices)
    return SortResult(values, indices) if keepdim else \
        SortResult(values.squeeze(d), indices.squeeze(d))


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(a: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str, op: str,
              ignore_nan: bool) -> Tensor:
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{op}() input tensor must be either float or double dtype")
    qs = np.asarray(q.data if isinstance(q, Tensor) else q, np.float64)
    if qs.ndim > 1:
        raise RuntimeError(f"{op}() q must be a scalar or 1D tensor")
    if ((qs < 0) | (qs > 1)).any():
        raise RuntimeError(f"{op}() q must be in the range [0, 1] but got {qs}")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    x = a.reshape(-1) if dim is None else a.reshape(1) if a.ndim == 0 else a
    d = -1 if dim is None else normalize_dim(dim, x.ndim, op)
    x = x.movedim(d, -1)
    if x.shape[-1] == 0:
        raise IndexError(f"{op}() input tensor must be non-empty")
    ranked = sort(x, -1).values
    nan = np.isnan(ranked.data)
    last = x.shape[-1] - 1
    outs = []
    for qv in qs.reshape(-1):
        if ignore_nan:
            ranks = np.maximum(qv * ((~nan).sum(-1, keepdims=True) - 1), 0)
        else:
            ranks = np.where(nan.any(-1, keepdims=True), last, np.full(nan.shape[:-1] + (1,),
                                                                        qv * last))
        ranks = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}.get(
            interpolation, lambda r: r)(ranks)
        below = np.floor(ranks).astype(np.int64)
        out = gather(ranked, -1, Tensor(below))
        if interpolation in ("linear", "midpoint"):
            weight = ranks - below if interpolation == "linear" else np.where(
                ranks == below, 0.0, 0.5)
            above = gather(ranked, -1, Tensor(np.ceil(ranks).astype(np.int64)))
            out = out.lerp(above, Tensor(weight.astype(a.dtype)))
        outs.append(_keep_quantile(out, a, dim, d, keepdim))
    return outs[0] if qs.ndim == 0 else stack(outs, 0)


def _keep_quantile(out: Tensor, a: Tensor, dim: Any, d: int, keepdim: bool) -> Tensor:
    """``out`` has the reduced dim last (size 1): put it back, or drop it."""
    if not keepdim:
        return out.squeeze(-1)
    if dim is None:
        return out.reshape((1,) * a.ndim)
    return out.movedim(-1, d)


def quantile(a: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-th quantile(s) along ``dim`` (of all elements for None); a 1-D ``q`` adds a
    leading dim. NaN anywhere in a slice gives NaN."""
    return _quantile(a, q, dim, keepdim, interpolation, "quantile", False)


def nanquantile(a: Tensor, q: Any, dim: Any = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` ignoring NaN (NaN only where a slice is all NaN)."""
    return _quantile(a, q, dim, keepdim, interpolation, "nanquantile", True)


# -- triangles ------------------------------------------------------------------------------
def _triangle(a: Tensor, diagonal: int, op: str, lower: bool) -> Tensor:
    if a.ndim < 2:
        raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions")
    rows, cols = a.shape[-2:]
    mask = (np.tril if lower else np.triu)(np.ones((rows, cols), np.bool_), diagonal)
    return where(Tensor(mask), a, Tensor(np.zeros((), a.dtype)))


def tril(a: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims (on and below ``diagonal``); zeros elsewhere."""
    return _triangle(a, diagonal, "tril", True)


def triu(a: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims (on and above ``diagonal``); zeros elsewhere."""
    return _triangle(a, diagonal, "triu", False)
