"""Indexing: ``t[idx]`` with ints, slices, None, ..., integer arrays and bool masks, and
in-place ``t[idx] = v``. The backward of an advanced index scatter-adds, so repeated indices
accumulate."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .shape import _share_version


def normalize_index(index: Any) -> tuple:
    """(index as numpy understands it, whether it contains an advanced part)."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    advanced = False
    for item in items:
        if isinstance(item, Tensor):
            item = item.data
        elif isinstance(item, list):
            item = np.asarray(item)
            if item.size == 0:
                item = item.astype(np.int64)
        if isinstance(item, np.ndarray):
            if item.dtype.kind not in "biu":
                raise IndexError(f"index: tensors used as indices must be long, int or bool "
                                 f"tensors, got dtype {item.dtype}")
            advanced = True
        elif isinstance(item, (float, np.floating)):
            raise IndexError(f"index: only integers, slices, None, Ellipsis, and integer or "
                             f"boolean tensors are valid indices (got {type(item).__name__})")
        out.append(item)
    return tuple(out), advanced


def _index_error(exc: Exception, shape: tuple, index: Any) -> IndexError:
    return IndexError(f"index: {exc} (indexing a tensor of shape {shape} with {index!r})")


@register
class GetItem(Function):
    """y = a[index];  da = zeros with g scattered back (added for repeated indices)"""

    @staticmethod
    def forward(ctx, a, index, advanced):
        ctx.meta = (a.shape, index, advanced)
        try:
            return a[index]
        except IndexError as exc:
            raise _index_error(exc, a.shape, index) from None

    @staticmethod
    def backward(ctx, g):
        shape, index, advanced = ctx.meta
        return IndexBackward.apply(g, shape, index, advanced), None, None


@register
class IndexBackward(Function):
    """y = zeros(shape); y[index] += g;  dg = gg[index]"""

    @staticmethod
    def forward(ctx, g, shape, index, advanced):
        ctx.meta = (index, advanced)
        out = np.zeros(shape, g.dtype)
        if advanced:
            np.add.at(out, index, g)
        else:
            out[index] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        index, advanced = ctx.meta
        return GetItem.apply(gg, index, advanced), None, None, None


def getitem(a: Tensor, index: Any) -> Tensor:
    index, advanced = normalize_index(index)
    out = GetItem.apply(a, index, advanced)
    return out if advanced else _share_version(out, a)


def setitem(a: Tensor, index: Any, value: Any) -> None:
    """In-place ``a[index] = value`` (the caller checks grad mode and bumps the version)."""
    index, _ = normalize_index(index)
    value = value.data if isinstance(value, Tensor) else value
    try:
        a.data[index] = value
    except IndexError as exc:
        raise _index_error(exc, a.shape, index) from None
    except ValueError as exc:
        raise RuntimeError(f"setitem: cannot assign a value of shape {np.shape(value)} to "
                           f"index {index!r} of a tensor of shape {a.shape}: {exc}") from None
