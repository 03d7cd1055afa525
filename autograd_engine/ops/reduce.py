"""Reductions over one, several or all dims (``dim=`` int or tuple, ``keepdim=``)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dims, reduce_dim_args


def _expand_back(g: Tensor, shape: tuple, dims: tuple, keepdim: bool) -> Tensor:
    """Undo a reduction's shape change so ``g`` broadcasts against the input."""
    if not keepdim and dims:
        kept = list(shape)
        for d in dims:
            kept[d] = 1
        g = g.reshape(tuple(kept))
    return g.expand(shape)


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


def sum(a: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
        keepdims: Optional[bool] = None, dtype: Any = None) -> Tensor:
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    dims = normalize_dims(dim, a.ndim, "sum")
    if dtype is not None:
        a = a.to(dtype)
    return Sum.apply(a, dims, keepdim)


def mean(a: Tensor, dim: Any = None, keepdim: Optional[bool] = None, *, axis: Any = None,
         keepdims: Optional[bool] = None, dtype: Any = None) -> Tensor:
    """sum / count; integer input is an error, as in PyTorch."""
    dim, keepdim = reduce_dim_args(dim, keepdim, axis, keepdims)
    if dtype is not None:
        a = a.to(dtype)
    if a.dtype.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be "
                           f"floating point, but got {a.dtype}")
    dims = normalize_dims(dim, a.ndim, "mean")
    count = int(np.prod([a.shape[d] for d in dims])) if dims else 1
    return Sum.apply(a, dims, keepdim) * (1.0 / count if count else float("nan"))
