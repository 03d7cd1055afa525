"""Diagonals and scatters into views: ``diagonal`` (a view, as PyTorch's), ``select``,
``select_scatter``, ``slice_scatter``, ``diagonal_scatter``, ``diag_embed``, ``diagflat``
and ``block_diag``.

``diagonal`` and ``diagonal_scatter`` are each other's gradients, as are ``t[index]`` and
``ViewScatter`` (an input with one of its views replaced), so every order differentiates."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..dtypes import get_default_dtype
from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim, result_type
from .index import getitem
from .shape import _share_version, _tensor_list, cat, flatten, pad


class _Diagonal:
    """The view of the ``offset``-th diagonal between dims ``dim1`` and ``dim2`` (both
    normalised and distinct): the other dims in order, then the diagonal."""

    __slots__ = ("offset", "dim1", "dim2")

    def __init__(self, offset: int, dim1: int, dim2: int) -> None:
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2

    def shape(self, shape: tuple) -> tuple:
        rows = shape[self.dim1] - max(-self.offset, 0)
        cols = shape[self.dim2] - max(self.offset, 0)
        rest = tuple(s for i, s in enumerate(shape) if i not in (self.dim1, self.dim2))
        return rest + (max(min(rows, cols), 0),)

    def array(self, a: np.ndarray) -> np.ndarray:
        """A writeable view of ``a`` (np.diagonal's is read-only)."""
        shape = self.shape(a.shape)
        if shape[-1] == 0:
            return np.empty(shape, a.dtype)
        start = [slice(None)] * a.ndim
        start[self.dim2 if self.offset >= 0 else self.dim1] = slice(abs(self.offset), None)
        first = a[tuple(start)]
        strides = tuple(s for i, s in enumerate(a.strides) if i not in (self.dim1, self.dim2))
        return as_strided(first, shape, strides + (a.strides[self.dim1] + a.strides[self.dim2],))

    def tensor(self, t: Tensor) -> Tensor:
        return Diagonal.apply(t, self)


class _Index:
    """The view ``t[index]`` of a basic index (ints and slices)."""

    __slots__ = ("index",)

    def __init__(self, index: tuple) -> None:
        self.index = index

    def shape(self, shape: tuple) -> tuple:
        return self.array(np.empty(shape, np.bool_)).shape

    def array(self, a: np.ndarray) -> np.ndarray:
        return a[self.index + (Ellipsis,)]  # (a view even when every dim is indexed)

    def tensor(self, t: Tensor) -> Tensor:
        return getitem(t, self.index)


@register
class Diagonal(Function):
    """y = the diagonal view of a;  da = zeros with g written on that diagonal"""

    @staticmethod
    def forward(ctx, a, view):
        ctx.meta = (a.shape, view)
        return view.array(a)

    @staticmethod
    def backward(ctx, g):
        shape, view = ctx.meta
        return ViewScatter.apply(Tensor(np.zeros(shape, g.dtype)), g, view, ""), None


@register
class ViewScatter(Function):
    """y = a with its view ``view`` replaced by src (cast to a's dtype);
    da = g with that view zeroed, dsrc = g's view"""

    @staticmethod
    def forward(ctx, a, src, view, op):
        target_shape = view.shape(a.shape)
        if src.shape != target_shape:
            raise RuntimeError(f"{op}(): expected src to have a size equal to the slice of "
                               f"self. src size = {list(src.shape)}, slice size = "
                               f"{list(target_shape)}")
        ctx.view = view
        out = np.array(a, order="C")
        view.array(out)[...] = src
        return out

    @staticmethod
    def backward(ctx, g):
        view = ctx.view
        da, dsrc = ctx.needs_input_grad[:2]
        ga = gs = None
        if da:
            zeros = Tensor(np.zeros(view.shape(g.shape), g.dtype))
            ga = ViewScatter.apply(g, zeros, view, "")
        if dsrc:
            gs = view.tensor(g)
        return ga, gs, None, None


def _diagonal_view(ndim: int, offset: int, dim1: int, dim2: int) -> _Diagonal:
    d1 = normalize_dim(dim1, ndim, "diagonal")
    d2 = normalize_dim(dim2, ndim, "diagonal")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _Diagonal(int(offset), d1, d2)


def diagonal(a: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The ``offset``-th diagonal of the matrices spanned by ``dim1`` and ``dim2`` (a view:
    writes go to ``a``), as the last dim of the result."""
    return _share_version(Diagonal.apply(a, _diagonal_view(a.ndim, offset, dim1, dim2)), a)


def select(a: Tensor, dim: int, index: int) -> Tensor:
    """The view ``a[..., index, ...]`` along ``dim`` (that dim removed)."""
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, a.ndim, "select")
    size = a.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(a.shape)} at dimension {dim}")
    return getitem(a, (slice(None),) * d + (int(index) % size,))


def _scatter(op: str, a: Tensor, src: Any, view: Any) -> Tensor:
    if not isinstance(src, Tensor):
        src = Tensor(np.asarray(src, a.dtype))
    return ViewScatter.apply(a, src, view, op)


def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input.ndim, "select_scatter")
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    view = _Index((slice(None),) * d + (int(index) % size,))
    return _scatter("select_scatter", input, src, view)


def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: Optional[int] = None,
                  end: Optional[int] = None, step: int = 1) -> Tensor:
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by
    ``src``."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    d = normalize_dim(dim, input.ndim, "slice_scatter")
    view = _Index((slice(None),) * d + (slice(start, end, step),))
    return _scatter("slice_scatter", input, src, view)


def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src``."""
    view = _diagonal_view(input.ndim, offset, dim1, dim2)
    return _scatter("diagonal_scatter", input, src, view)


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Zeros with the last dim of ``input`` on the ``offset``-th diagonal of dims ``dim1``
    and ``dim2`` of the result (one dim more than ``input``)."""
    ndim = input.ndim + 1
    view = _diagonal_view(ndim, offset, dim1, dim2)
    n = (input.shape[-1] if input.ndim else 1) + abs(int(offset))
    rest = iter(input.shape[:-1])
    shape = tuple(n if i in (view.dim1, view.dim2) else next(rest) for i in range(ndim))
    return ViewScatter.apply(Tensor(np.zeros(shape, input.dtype)), input, view, "diag_embed")


def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened input on the ``offset``-th diagonal of a square matrix."""
    return diag_embed(flatten(input), offset)


def block_diag(*tensors: Any) -> Tensor:
    """The tensors (0-d, 1-D as one row, or 2-D) as the blocks of a block-diagonal matrix;
    dtypes promoted."""
    tensors = _tensor_list(tensors, "block_diag") if tensors else []
    blocks = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t.ndim} dimensions")
        blocks.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not blocks:
        return Tensor(np.zeros((1, 0), get_default_dtype()))
    dtype = result_type(*(b.data for b in blocks))
    width = sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        right = width - left - b.shape[1]
        rows.append(pad(b if b.dtype == dtype else b.to(dtype), (left, right)))
        left += b.shape[1]
    return cat(rows, 0)
