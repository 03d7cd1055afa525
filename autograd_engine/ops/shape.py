"""Shape ops: views and copies that move elements without arithmetic."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim, shape_args


def _share_version(out: Tensor, base: Tensor) -> Tensor:
    """A view shares its base's version counter (in-place writes through either count)."""
    if base._vc is None:
        base._vc = [0]
    out._vc = base._vc
    return out


def _resolve_shape(shape: tuple, size: int, op: str, src: tuple) -> tuple:
    infer = [i for i, s in enumerate(shape) if s == -1]
    if len(infer) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred in shape {shape}")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"{op}: invalid shape dimension in {shape}")
    known = int(np.prod([s for s in shape if s != -1])) if shape else 1
    if infer:
        if known == 0 or size % known:
            raise RuntimeError(f"{op}: shape {shape} is invalid for input of shape {src} "
                               f"({size} elements)")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif known != size:
        raise RuntimeError(f"{op}: shape {shape} is invalid for input of shape {src} "
                           f"({size} elements)")
    return shape


@register
class Reshape(Function):
    """y = a.reshape(shape);  da = g.reshape(a.shape)"""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.src_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.src_shape), None


@register
class Expand(Function):
    """y = broadcast_to(a, shape);  da = g summed back to a.shape (by the engine)"""

    @staticmethod
    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None


@register
class Permute(Function):
    """y = a.transpose(dims);  da = g.transpose(inverse(dims))"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims).tolist())), None


def reshape(a: Tensor, *shape: Any) -> Tensor:
    shape = _resolve_shape(shape_args(shape, "reshape"), a.data.size, "reshape", a.shape)
    if shape == a.shape:
        return a
    return _share_version(Reshape.apply(a, shape), a)


def view(a: Tensor, *shape: Any) -> Tensor:
    return reshape(a, *shape)


def expand(a: Tensor, *shape: Any) -> Tensor:
    """Broadcast to ``shape``; -1 keeps a dim; new dims are added in front."""
    shape = shape_args(shape, "expand")
    src = a.shape
    if len(shape) < len(src):
        raise RuntimeError(f"expand: the number of sizes provided ({len(shape)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({len(src)}); shape {src} -> {shape}")
    lead = len(shape) - len(src)
    target = []
    for i, s in enumerate(shape):
        if i < lead:
            if s == -1:
                raise RuntimeError(f"expand: -1 is not allowed in a leading, non-existing "
                                   f"dimension; shape {src} -> {shape}")
            target.append(s)
            continue
        have = src[i - lead]
        if s == -1:
            s = have
        if have != s and have != 1:
            raise RuntimeError(f"expand: the expanded size of the tensor ({s}) must match "
                               f"the existing size ({have}) at non-singleton dimension {i}; "
                               f"shape {src} -> {shape}")
        target.append(s)
    target = tuple(target)
    if target == src:
        return a
    return _share_version(Expand.apply(a, target), a)


def permute(a: Tensor, *dims: Any) -> Tensor:
    dims = shape_args(dims, "permute")
    if len(dims) != a.ndim:
        raise RuntimeError(f"permute: number of dims don't match: input of shape {a.shape} "
                           f"has {a.ndim} dims but got dims {dims}")
    norm = tuple(normalize_dim(d, a.ndim, "permute") for d in dims)
    if len(set(norm)) != len(norm):
        raise RuntimeError(f"permute: repeated dim in {dims} for input of shape {a.shape}")
    if norm == tuple(range(a.ndim)):
        return a
    return _share_version(Permute.apply(a, norm), a)


def transpose(a: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (PyTorch meaning)."""
    d0 = normalize_dim(dim0, a.ndim, "transpose")
    d1 = normalize_dim(dim1, a.ndim, "transpose")
    dims = list(range(a.ndim))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return permute(a, tuple(dims))


def squeeze(a: Tensor, dim: Any = None) -> Tensor:
    """Drop size-1 dims (all, or the given ones; a non-size-1 dim is left alone)."""
    if dim is None:
        dims = tuple(i for i, s in enumerate(a.shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        dims = tuple(normalize_dim(d, a.ndim, "squeeze") for d in dims)
    shape = tuple(s for i, s in enumerate(a.shape) if not (i in dims and s == 1))
    return reshape(a, shape)


def unsqueeze(a: Tensor, dim: int) -> Tensor:
    d = normalize_dim(dim, a.ndim + 1, "unsqueeze")
    return reshape(a, a.shape[:d] + (1,) + a.shape[d:])


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    if a.ndim == 0:
        return reshape(a, (1,))
    s = normalize_dim(start_dim, a.ndim, "flatten")
    e = normalize_dim(end_dim, a.ndim, "flatten")
    if s > e:
        raise RuntimeError(f"flatten: start_dim ({start_dim}) cannot come after end_dim "
                           f"({end_dim}) for shape {a.shape}")
    return reshape(a, a.shape[:s] + (-1,) + a.shape[e + 1:]) if a.data.size else reshape(
        a, a.shape[:s] + (int(np.prod(a.shape[s:e + 1])),) + a.shape[e + 1:])
