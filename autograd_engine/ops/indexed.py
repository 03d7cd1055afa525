"""Indexed reads and writes as PyTorch names them: ``scatter``, ``scatter_add``,
``scatter_reduce``, ``index_add/copy/fill/put``, ``masked_select/scatter``, ``take``,
``take_along_dim``, ``put``, composed of the indexing ops (``GetItem``, its scatter-add
backward ``IndexBackward`` and ``SetItem``), so every order differentiates; and ``unique``,
``unique_consecutive``, ``argwhere`` (no gradient)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._util import normalize_dim
from .index import (IndexBackward, SetItem, _first_out_of_range, _index_error, _int_index,
                    gather, getitem, normalize_index)
from .structure import nonzero


# -- scatter / index_* / put / take: compositions of GetItem, IndexBackward and SetItem --------
def _long_index(index: Any, op: str, exc: type = RuntimeError) -> np.ndarray:
    """An index that PyTorch requires to be int64."""
    data = index.data if isinstance(index, Tensor) else np.asarray(index)
    if data.dtype != np.int64:
        raise exc(f"{op}(): Expected a long tensor for index, but got {data.dtype}")
    return data


def _as_value(value: Any, a: Tensor) -> Any:
    """A scalar (or 0-d tensor) fill value cast to a's dtype."""
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"only supports a 0-dimensional value tensor, but got tensor "
                               f"with {value.ndim} dimension(s)")
        return value.to(a.dtype)
    return np.asarray(value).astype(a.dtype)


def _scatter_grid(a: Tensor, dim: int, index: Any, src: Any, op: str) -> tuple:
    """(positions of ``a`` that ``index`` writes along ``dim``, the part of ``src`` that is
    written, or src itself when it is a scalar) with PyTorch's checks."""
    d = normalize_dim(dim, a.ndim, op)
    idx = _int_index(index, op)
    if idx.ndim != a.ndim and not (a.ndim == 0 and idx.ndim <= 1):
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as "
                           f"self tensor (index shape {idx.shape}, self shape {a.shape})")
    shape = a.shape or (1,)
    idx = idx.reshape(-1) if a.ndim == 0 else idx
    is_tensor = isinstance(src, Tensor)
    if is_tensor and src.dtype != a.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype "
                           f"({a.dtype} vs {src.dtype})")
    src_shape = (src.shape or (1,)) if is_tensor else None
    for k, n in enumerate(idx.shape):
        if (k != d and n > shape[k]) or (src_shape is not None and n > src_shape[k]):
            raise RuntimeError(f"{op}(): Expected index {idx.shape} to be no larger than self "
                               f"{a.shape} apart from dimension {d} and to be no larger size "
                               f"than src {src_shape}")
    bad = _first_out_of_range(idx, shape[d])
    if bad is not None:
        raise RuntimeError(f"{op}(): index {bad} is out of bounds for dimension {d} with "
                           f"size {shape[d]}")
    grid = list(np.ogrid[tuple(slice(n) for n in idx.shape)])
    grid[d] = idx
    if is_tensor:
        src = src.reshape(src_shape)[tuple(slice(n) for n in idx.shape)]
    else:
        src = _as_value(src, a)
    return tuple(grid), src


def _on_shape(a: Tensor, fn: Any) -> Tensor:
    """fn applied to a (a 0-d tensor as a 1-element vector)."""
    return fn(a) if a.ndim else fn(a.reshape(1)).reshape(())


def _write_at(a: Tensor, index: tuple, value: Any) -> Tensor:
    """a with a[index] = value (gradients as setitem's)."""
    return SetItem.apply(a, value, index, True)


def _add_at(a: Tensor, index: tuple, value: Tensor) -> Tensor:
    """a with value added at a[index], repeats accumulating (d value = g[index])."""
    value = value if isinstance(value, Tensor) else Tensor(np.asarray(value, a.dtype))
    target = np.empty(a.shape, bool)[index].shape
    if value.shape != target:
        value = value.expand(target)
    return a + IndexBackward.apply(value, a.shape, index, True)


def scatter(a: Tensor, dim: int, index: Any, src: Any = None, value: Any = None,
            reduce: Any = None) -> Tensor:
    """y = a with y[i][index[i][j]] = src[i][j] (dim = 1), or = value;
    da = g with the written positions zeroed, dsrc = g gathered at index."""
    if reduce is not None:
        return scatter_reduce(a, dim, index, src if src is not None else value,
                              {"add": "sum", "multiply": "prod"}.get(reduce, reduce))
    src = value if src is None else src
    grid, src = _scatter_grid(a, dim, index, src, "scatter")
    return _on_shape(a, lambda x: _write_at(x, grid, src))


def scatter_add(a: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
    """y = a with src[i][j] added at y[i][index[i][j]] (dim = 1);  da = g, dsrc = gathered g"""
    grid, src = _scatter_grid(a, dim, index, src, "scatter_add")
    return _on_shape(a, lambda x: _add_at(x, grid, src))


def scatter_reduce(a: Tensor, dim: int, index: Any, src: Tensor, reduce: str,
                   include_self: bool = True) -> Tensor:
    """scatter with reduce 'sum' or 'mean' (of the scattered values and, with include_self,
    a's own value)."""
    if reduce not in ("sum", "mean"):
        raise NotImplementedError(f"scatter_reduce(): reduce={reduce!r} is not supported "
                                  f"(only 'sum' and 'mean')")
    grid, part = _scatter_grid(a, dim, index, src, "scatter_reduce")

    def reduced(x: Tensor) -> Tensor:
        base = x if include_self else _write_at(x, grid, np.zeros((), x.dtype))
        out = _add_at(base, grid, part)
        if reduce == "mean":
            count = np.full(x.shape, 1 if include_self else 0, np.int64)
            np.add.at(count, grid, 1)
            count = np.maximum(count, 1)
            out = out / Tensor(count.astype(x.dtype)) if x.dtype.kind == "f" else \
                Tensor(np.floor_divide(out.data, count).astype(x.dtype))
        return out
    return _on_shape(a, reduced)


def _index_dim_grid(a: Tensor, dim: int, idx: np.ndarray, op: str, exc: type) -> tuple:
    d = normalize_dim(dim, a.ndim, op)
    if idx.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector, got shape {idx.shape}")
    size = (a.shape or (1,))[d]
    bad = _first_out_of_range(idx, size)
    if bad is not None:
        raise exc(f"{op}(): index {bad} is out of bounds for dimension {d} with size {size}")
    return d, (slice(None),) * d + (idx.reshape(-1),)


def _check_source(a: Tensor, d: int, n: int, source: Tensor, op: str) -> None:
    expected = list(a.shape or (1,))
    expected[d] = n
    if tuple(source.shape or (1,)) != tuple(expected):
        raise RuntimeError(f"{op}(): Number of indices ({n}) should be equal to "
                           f"source.size(dim), and source shape {source.shape} should match "
                           f"self {a.shape} elsewhere, for dim: {d}")


def index_add(a: Tensor, dim: int, index: Any, source: Tensor, alpha: Any = 1) -> Tensor:
    """y = a with alpha * source's slices added at ``index`` along dim;
    da = g, dsource = alpha * g[index]"""
    idx = _int_index(index, "index_add")
    d, grid = _index_dim_grid(a, dim, idx, "index_add", RuntimeError)
    _check_source(a, d, idx.size, source, "index_add")
    source = source * alpha if alpha != 1 else source
    return _on_shape(a, lambda x: _add_at(x, grid, source.reshape(
        np.empty(x.shape, bool)[grid].shape)))


def index_copy(a: Tensor, dim: int, index: Any, source: Tensor) -> Tensor:
    """y = a with source's slices written at ``index`` along dim."""
    idx = _long_index(index, "index_copy")
    d, grid = _index_dim_grid(a, dim, idx, "index_copy", IndexError)
    _check_source(a, d, idx.size, source, "index_copy")
    return _on_shape(a, lambda x: _write_at(x, grid, source.reshape(
        np.empty(x.shape, bool)[grid].shape)))


def index_fill(a: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """y = a with the slices at ``index`` along dim set to value (negatives wrap)."""
    idx = _long_index(index, "index_fill", IndexError)
    size = (a.shape or (1,))[normalize_dim(dim, a.ndim, "index_fill")]
    idx = np.where(idx < 0, idx + size, idx) if (idx >= -size).all() else idx
    _, grid = _index_dim_grid(a, dim, idx, "index_fill", IndexError)
    return _on_shape(a, lambda x: _write_at(x, grid, _as_value(value, x)))


def index_put(a: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """y = a with y[indices] = values (or += values, repeats accumulating)."""
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not "
                        f"{type(values).__name__}")
    index, _ = normalize_index(tuple(indices))
    try:
        np.empty(a.shape, bool)[index]
    except IndexError as exc:
        raise _index_error(exc, a.shape, index) from None
    values = values.to(a.dtype) if values.dtype != a.dtype else values
    if accumulate:
        return _add_at(a, index, values)
    return _write_at(a, index, values)


def masked_select(a: Tensor, mask: Any) -> Tensor:
    """The elements of a (broadcast with mask) where mask is True, as a 1-D tensor."""
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {m.dtype}")
    shape = np.broadcast_shapes(a.shape, m.shape)
    x = a if a.shape == shape else a.expand(shape)
    return getitem(x, np.broadcast_to(m, shape))


def masked_scatter(a: Tensor, mask: Any, source: Tensor) -> Tensor:
    """y = a with its masked positions taken, in order, from source's first elements."""
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_: expected BoolTensor for mask, got {m.dtype}")
    m = np.broadcast_to(m, a.shape)
    n = int(m.sum())
    if n > source.numel():
        raise RuntimeError(f"masked_scatter: Number of elements of source ({source.numel()}) "
                           f"< number of ones in mask ({n})")
    return _write_at(a, (m,), source.reshape(-1)[:n])


def _flat_index(a: Tensor, index: Any, op: str) -> np.ndarray:
    idx = _long_index(index, op)
    n = a.numel()
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad].flat[0])} on a "
                         f"tensor of {n} elements.")
    return idx


def take(a: Tensor, index: Any) -> Tensor:
    """y = a.flatten()[index] (shaped as index; negatives wrap)."""
    idx = _flat_index(a, index, "take")
    return getitem(a.reshape(-1), idx)


def put(a: Tensor, index: Any, source: Tensor, accumulate: bool = False) -> Tensor:
    """y = a with y.flatten()[index] = source (or += source)."""
    idx = _flat_index(a, index, "put")
    if idx.size != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source.numel()}, "
                           f"index.numel() = {idx.size}")
    flat, grid, values = a.reshape(-1), (idx.reshape(-1),), source.reshape(-1)
    out = _add_at(flat, grid, values) if accumulate else _write_at(flat, grid, values)
    return out.reshape(a.shape)


def take_along_dim(a: Tensor, indices: Any, dim: Any = None) -> Tensor:
    """gather along dim after broadcasting a and indices over the other dims (dim=None: over
    the flattened a); negatives wrap."""
    idx = _long_index(indices, "take_along_dim")
    if dim is None:
        return take(a, idx.reshape(-1))
    d = normalize_dim(dim, a.ndim, "take_along_dim")
    if idx.ndim != a.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {a.ndim} and {idx.ndim}")
    size = a.shape[d]
    idx = np.where(idx < 0, idx + size, idx)
    a_shape, i_shape = list(a.shape), list(idx.shape)
    a_shape[d] = i_shape[d] = 1
    common = np.broadcast_shapes(tuple(a_shape), tuple(i_shape))
    a_shape, i_shape = list(common), list(common)
    a_shape[d], i_shape[d] = a.shape[d], idx.shape[d]
    x = a if a.shape == tuple(a_shape) else a.expand(tuple(a_shape))
    return gather(x, d, np.broadcast_to(idx, tuple(i_shape)))


# -- no gradient: unique, unique_consecutive ------------------------------------------------
def _unique_result(values: np.ndarray, inverse: np.ndarray, counts: np.ndarray,
                   return_inverse: bool, return_counts: bool) -> Any:
    out = [Tensor(values)]
    if return_inverse:
        out.append(Tensor(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(a: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: Any = None) -> Any:
    """The distinct values (sorted; rows of ``dim`` when given), with the inverse index and
    counts on request. No gradient."""
    data = a.data
    if dim is None:
        values, inverse, counts = np.unique(data.reshape(-1), return_inverse=True,
                                            return_counts=True)
        inverse = inverse.reshape(data.shape)
    else:
        d = normalize_dim(dim, a.ndim, "unique")
        moved = np.moveaxis(data, d, 0)
        values, inverse, counts = np.unique(moved.reshape(moved.shape[0], -1), axis=0,
                                            return_inverse=True, return_counts=True)
        values = np.moveaxis(values.reshape((-1,) + moved.shape[1:]), 0, d)
        inverse = inverse.reshape(-1)
    return _unique_result(np.ascontiguousarray(values), inverse, counts, return_inverse,
                          return_counts)


def unique_consecutive(a: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: Any = None) -> Any:
    """Each run of equal consecutive values (rows of ``dim``) kept once. No gradient."""
    data = a.data
    d = 0 if dim is None else normalize_dim(dim, a.ndim, "unique_consecutive")
    moved = data.reshape(-1) if dim is None else np.moveaxis(data, d, 0)
    rows = moved.reshape(moved.shape[0], -1)
    if rows.shape[0] == 0:
        starts = np.zeros(0, bool)
    else:
        starts = np.concatenate(([True], (rows[1:] != rows[:-1]).any(axis=1)))
    inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), rows.shape[0]))
    values = moved[starts]
    if dim is None:
        inverse = inverse.reshape(data.shape)
    else:
        values = np.moveaxis(values, 0, d)
    return _unique_result(np.ascontiguousarray(values), inverse, counts, return_inverse,
                          return_counts)


def argwhere(a: Tensor) -> Tensor:
    """nonzero(a): the (n, ndim) int64 indices of the nonzero elements."""
    return nonzero(a)
