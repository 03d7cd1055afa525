"""Ops that reorder elements: ``flip``, ``roll``, ``cumsum``, ``sort``, ``argsort``, ``topk``,
``tril`` and ``triu``.

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

SortResult = namedtuple("SortResult", ["values", "indices"])
SortResult.__doc__ = "(values, indices) of sort and topk (torch.return_types.sort / topk)"


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


def cumsum(a: Tensor, dim: int) -> Tensor:
    """Running sum along ``dim`` (integer and bool inputs give int64, as PyTorch)."""
    if a.ndim == 0:
        return Cumsum.apply(a.reshape(1), 0).reshape(())
    return Cumsum.apply(a, normalize_dim(dim, a.ndim, "cumsum"))


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
