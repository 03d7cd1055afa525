"""Indexed reads and writes as PyTorch names them: ``scatter``, ``scatter_add``,
``index_add/copy/fill/put``, ``masked_select/scatter``, ``take``, ``take_along_dim``, ``put``,
composed of the indexing ops (``GetItem``, its scatter-add backward ``IndexBackward`` and
``SetItem``), so every order differentiates; ``scatter_reduce`` and ``index_reduce``, one op
(``ScatterReduce``) whose backward is written with ops again; and ``unique``,
``unique_consecutive``, ``argwhere`` (no gradient)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim
from .elementwise import where
from .index import (GetItem, IndexBackward, SetItem, _first_out_of_range, _index_error,
                    _int_index, _sources, gather, getitem, normalize_index)
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


def _scatter_index(a: Tensor, dim: int, index: Any, src: Any, op: str) -> tuple:
    """(dim wrapped, index as an array) after PyTorch's checks of the scatter family: an
    empty index is not checked further; a 0-d tensor counts as one element along one dim."""
    d = normalize_dim(dim, a.ndim, op)
    idx = index.data if isinstance(index, Tensor) else np.asarray(index)
    if idx.size and idx.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{op}(): Expected dtype int32/int64 for index, got {idx.dtype}")
    if isinstance(src, Tensor) and src.dtype != a.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype "
                           f"({a.dtype} vs {src.dtype})")
    if idx.size == 0:
        return d, idx
    ndim = max(a.ndim, 1)
    if max(idx.ndim, 1) != ndim:
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as "
                           f"self tensor (index shape {idx.shape}, self shape {a.shape})")
    shape, sizes = a.shape or (1,), idx.shape or (1,)
    src_shape = (src.shape or (1,)) if isinstance(src, Tensor) else None
    wrong = any(n > shape[k] for k, n in enumerate(sizes) if k != d)
    if not wrong and src_shape is not None:  # (PyTorch's order of checks and error types)
        if len(src_shape) < ndim:
            raise IndexError(f"{op}(): Dimension out of range: src of shape {src.shape} has "
                             f"fewer dimensions than index {idx.shape}")
        wrong = any(n > m for n, m in zip(sizes, src_shape))
    if src_shape is not None and len(src_shape) != ndim:
        raise RuntimeError(f"{op}(): Index tensor must have the same number of dimensions as "
                           f"src tensor (index shape {idx.shape}, src shape {src.shape})")
    if wrong:
        raise RuntimeError(f"{op}(): Expected index {idx.shape} to be no larger than self "
                           f"{a.shape} apart from dimension {d} and to be no larger size "
                           f"than src {src_shape}")
    if idx.min() < 0 or idx.max() >= shape[d]:  # (2 reductions: 4x faster than masks)
        raise RuntimeError(f"{op}(): index {_first_out_of_range(idx, shape[d])} is out of "
                           f"bounds for dimension {d} with size {shape[d]}")
    return d, idx


def _grid(index: np.ndarray, dim: int) -> tuple:
    """The positions an index of the scatter family addresses: ``index`` along dim, its own
    coordinates along the others."""
    ndim = index.ndim
    return tuple(index if k == dim else np.arange(n).reshape((n,) + (1,) * (ndim - k - 1))
                 for k, n in enumerate(index.shape))


def _scatter_grid(a: Tensor, dim: int, index: Any, src: Any, op: str) -> tuple:
    """(positions of ``a`` that ``index`` writes along ``dim``, the part of ``src`` that is
    written, or src itself when it is a scalar) with PyTorch's checks."""
    d, idx = _scatter_index(a, dim, index, src, op)
    ndim = max(a.ndim, 1)
    idx = idx.reshape((idx.shape or (1,)) if idx.size else (0,) * ndim)
    if isinstance(src, Tensor):
        src = _src_part(src.reshape(src.shape or (1,)), idx.shape)
    else:
        src = _as_value(src, a)
    return _grid(idx, d), src


def _on_shape(a: Tensor, fn: Any) -> Tensor:
    """fn applied to a (a 0-d tensor as a 1-element vector)."""
    return fn(a) if a.ndim else fn(a.reshape(1)).reshape(())


def _write_at(a: Tensor, index: tuple, value: Any, sources: tuple) -> Tensor:
    """a with a[index] = value (gradients as setitem's); ``sources``: the Tensors the index
    was made from (GetItem's)."""
    return SetItem.apply(a, value, index, True, *sources)


def _add_at(a: Tensor, index: tuple, value: Tensor, sources: tuple) -> Tensor:
    """a with value added at a[index], repeats accumulating (d value = g[index])."""
    value = value if isinstance(value, Tensor) else Tensor(np.asarray(value, a.dtype))
    target = np.empty(a.shape, bool)[index].shape
    if value.shape != target:
        value = value.expand(target)
    return a + IndexBackward.apply(value, a.shape, index, True, *sources)


def scatter(input: Tensor, dim: int, index: Any, src: Any = None, value: Any = None,
            reduce: Any = None) -> Tensor:
    """y = a with y[i][index[i][j]] = src[i][j] (dim = 1), or = value;
    da = g with the written positions zeroed, dsrc = g gathered at index. PyTorch's legacy
    ``reduce`` ('add', 'multiply') accumulates instead, as scatter_reduce 'sum' / 'prod'."""
    src = value if src is None else src
    if reduce is None:
        grid, src = _scatter_grid(input, dim, index, src, "scatter")
        return _on_shape(input, lambda x: _write_at(x, grid, src, _sources(index)))
    if reduce not in _LEGACY_REDUCES:
        raise RuntimeError(f"scatter(): reduce argument must be either add or multiply, got "
                           f"{reduce!r}")
    d, idx = _scatter_index(input, dim, index, src, "scatter")
    if not isinstance(src, Tensor):  # a scalar value: one per index element
        src = Tensor(np.full(idx.shape, _as_value(src, input)))
    return _reduce_op(input, d, idx, src, _LEGACY_REDUCES[reduce], True, "scatter")


def scatter_add(input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
    """y = a with src[i][j] added at y[i][index[i][j]] (dim = 1);  da = g, dsrc = gathered g"""
    grid, src = _scatter_grid(input, dim, index, src, "scatter_add")
    return _on_shape(input, lambda x: _add_at(x, grid, src, _sources(index)))


# -- scatter_reduce / index_reduce: one op, PyTorch's scatter_reduce_backward --------------
_REDUCES = ("sum", "prod", "mean", "amax", "amin")
_ALIASES = {"max": "amax", "min": "amin"}  # PyTorch's forward takes them, its backward not
_LEGACY_REDUCES = {"add": "sum", "multiply": "prod"}
_INDEX_REDUCES = ("prod", "mean", "amax", "amin")
_UFUNCS = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
           "amin": np.minimum}


def _flat_positions(shape: tuple, grid: tuple) -> np.ndarray:
    """The C-order flat positions in an array of ``shape`` of a ``_grid`` index."""
    flat = 0
    for k, g in enumerate(grid):
        stride = math.prod(shape[k + 1:])
        g = g.astype(np.intp, copy=False)
        flat = flat + (g * stride if stride != 1 else g)
    return flat.reshape(-1)


def _src_part(src: Any, shape: tuple) -> Any:
    """The leading block of ``src`` an index of ``shape`` reads (src may be larger; an empty
    index may have other dims than src)."""
    if not math.prod(shape):
        return src.reshape(-1)[:0].reshape(shape)
    return src[tuple(slice(n) for n in shape)]


def _reduce_into(a: np.ndarray, pos: np.ndarray, values: np.ndarray, reduce: str,
                 include_self: bool) -> np.ndarray:
    """a with ``values`` reduced into the flat positions ``pos`` (ufunc.at: repeats
    accumulate; 20-40x faster than sorting into segments on 1M elements)."""
    out = a.copy().reshape(-1)
    values = values.reshape(-1)
    if not include_self:  # start from the values themselves (amax/amin) or the identity
        out[pos] = values if reduce in ("amax", "amin") else (1 if reduce == "prod" else 0)
    with np.errstate(invalid="ignore"):  # (NaN propagates, as in PyTorch)
        _UFUNCS[reduce].at(out, pos, values)
    if reduce == "mean":
        count = np.maximum(np.bincount(pos, minlength=out.size) + include_self, 1)
        out = (np.floor_divide(out, count) if out.dtype.kind in "iu"
               else out / count.astype(out.dtype)).astype(out.dtype, copy=False)
    return out.reshape(a.shape)


def _as_float(mask: np.ndarray, like: Tensor) -> Tensor:
    """A constant (no gradient) of like's dtype."""
    return Tensor(mask.astype(like.dtype))


@register
class ScatterReduce(Function):
    """y = a with the leading block of src reduced ('sum', 'prod', 'mean', 'amax', 'amin')
    into the positions ``index`` picks along ``dim``, with or without a's own value.
    Backward as PyTorch's scatter_reduce_backward: sum g / g[index]; mean divided by the
    count; prod g * (product of the others), a single zero in a position's src handled
    apart; amax/amin g split evenly among the elements equal to the result."""

    @staticmethod
    def forward(ctx, a, src, dim, index, reduce, include_self, op):
        grid = _grid(index, dim)
        pos = _flat_positions(a.shape, grid)
        out = _reduce_into(a, pos, _src_part(src, index.shape), _ALIASES.get(reduce, reduce),
                           include_self)
        ctx.meta = (dim, index, reduce, include_self, op, grid, pos)
        ctx.save_for_backward(a, src, out)
        return out

    @staticmethod
    def backward(ctx, g):
        dim, index, reduce, include_self, op, grid, pos = ctx.meta
        a, src, out = ctx.saved_tensors
        if reduce not in _REDUCES:
            raise RuntimeError(f"{op}(): Expected 'reduce' to be one of 'sum', 'prod', 'mean', "
                               f"'amax', 'amin' but got {reduce}.")
        need_a, need_src = ctx.needs_input_grad[:2]
        block = tuple(slice(n) for n in index.shape)
        smaller = index.size and index.shape != src.shape
        part = (GetItem.apply(src, block, False) if smaller else src) if index.size else \
            Tensor(np.zeros(index.shape, src.dtype))  # (an empty index may not fit src)
        args = (dim, index, reduce, include_self, op)
        da, dsrc = _BACKWARDS[reduce](g, a, part, out, args, grid, pos,
                                      need_src and index.size > 0)
        if not need_a:
            da = None
        elif not include_self:  # a's value at a written position did not reach the output
            da = SetItem.apply(da, 0.0, grid, True)
        if not need_src:
            dsrc = None
        elif not index.size:
            dsrc = Tensor(np.zeros(src.shape, g.dtype))
        elif smaller:  # (PyTorch refuses this gradient: see the README)
            dsrc = IndexBackward.apply(dsrc, src.shape, block, False)
        return da, dsrc, None, None, None, None, None


def _sum_backward(g, a, src, out, args, grid, pos, need_src) -> tuple:
    return g, GetItem.apply(g, grid, True)


def _mean_backward(g, a, src, out, args, grid, pos, need_src) -> tuple:
    include_self = args[3]
    count = np.bincount(pos, minlength=out.numel()).reshape(out.shape) + include_self
    per = g / _as_float(np.maximum(count, 1), g)
    return per, GetItem.apply(per, grid, True)


def _extremum_backward(g, a, src, out, args, grid, pos, need_src) -> tuple:
    # PyTorch counts a's own element among the ties even with include_self=False
    a_is = a.data == out.data
    src_is = src.data == out.data[grid]
    ties = a_is + np.bincount(pos, weights=src_is.reshape(-1), minlength=out.numel()
                              ).reshape(out.shape)
    with np.errstate(divide="ignore", invalid="ignore"):  # a NaN result ties nothing
        share = g / _as_float(ties, g)
    return share * _as_float(a_is, g), GetItem.apply(share, grid, True) * _as_float(src_is, g)


def _prod_backward(g, a, src, out, args, grid, pos, need_src) -> tuple:
    masked_a = where(a.data == 0, 1.0, a)
    da = g * ScatterReduce.apply(masked_a, src, *args) / masked_a
    if not need_src:
        return da, None
    zero = src.data == 0
    zeros_here = np.bincount(pos, weights=zero.reshape(-1), minlength=out.numel())[pos]
    single = zero & (zeros_here.reshape(zero.shape) == 1)
    # a lone zero's gradient is the product of the others: recompute with it set to 1
    others = ScatterReduce.apply(a, where(single, 1.0, src), *args)
    dsrc = where(single, GetItem.apply(g * others, grid, True),
                 GetItem.apply(g * out, grid, True) / where(zero, 1.0, src))
    if (zeros_here > 1).any():
        dsrc = _NoDoubleBackward.apply(dsrc, args[4], "src" if args[4] != "index_reduce"
                                       else "source")
    return da, dsrc


_BACKWARDS = {"sum": _sum_backward, "mean": _mean_backward, "prod": _prod_backward,
              "amax": _extremum_backward, "amin": _extremum_backward}


class _NoDoubleBackward(Function):
    """Identity whose backward raises: PyTorch's DelayedError for the prod gradient of a src
    with several zeros scattered to one position."""

    @staticmethod
    def forward(ctx, x, op, name):
        ctx.meta = (op, name)
        return x

    @staticmethod
    def backward(ctx, g):
        op, name = ctx.meta
        raise RuntimeError(f"{op}(): Double backward is unsupported for {name} when >1 zeros "
                           f"in {name} are scattered to the same position in self")


def _reduce_op(a: Tensor, dim: int, index: np.ndarray, src: Tensor, reduce: str,
               include_self: bool, op: str) -> Tensor:
    """ScatterReduce after the checks; 0-d tensors act as 1-element vectors."""
    if a.dtype == np.bool_ and (reduce == "mean" or op == "index_reduce"):
        raise NotImplementedError(f"{op}(): reduce={reduce!r} is not implemented for bool "
                                  f"tensors (self shape {a.shape})")
    ndim = max(a.ndim, 1)
    index = index.reshape(index.shape or (1,)) if index.size else np.zeros((0,) * ndim,
                                                                             np.int64)
    src = src.reshape(1) if src.ndim == 0 else src
    return _on_shape(a, lambda x: ScatterReduce.apply(x, src, dim, index, reduce,
                                                      bool(include_self), op))


def _check_arguments(op: str, tensors: dict, include_self: Any) -> None:
    """PyTorch's argument-type errors."""
    for k, (name, value) in enumerate(tensors.items()):
        if not isinstance(value, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {k + 3}) must be Tensor, "
                            f"not {type(value).__name__}")
    if not isinstance(include_self, (bool, np.bool_)):
        raise TypeError(f"{op}(): argument 'include_self' must be bool, not "
                        f"{type(include_self).__name__}")


def scatter_reduce(input: Tensor, dim: int, index: Any, src: Tensor, reduce: str,
                   include_self: bool = True) -> Tensor:
    """y = a with src[i][j] reduced into y[i][index[i][j]] (dim = 1) by ``reduce``: 'sum',
    'prod', 'mean' (floor division on integers), 'amax' or 'amin', over the scattered values
    and, with include_self, a's own value. index may be smaller than src in every dim."""
    _check_arguments("scatter_reduce", {"src": src}, include_self)
    d, idx = _scatter_index(input, dim, index, src, "scatter_reduce")
    if reduce not in _REDUCES and reduce not in _ALIASES:
        raise RuntimeError(f"scatter_reduce(): reduce argument must be either sum, prod, mean, "
                           f"amax or amin, got {reduce}")
    return _reduce_op(input, d, idx, src, reduce, include_self, "scatter_reduce")


def index_reduce(input: Tensor, dim: int, index: Any, source: Tensor, reduce: str,
                 include_self: bool = True) -> Tensor:
    """y = a with the slices of source reduced into y's slices ``index`` along dim by
    ``reduce``: 'prod', 'mean', 'amax' or 'amin' (with or without a's own value);
    scatter_reduce of source with index broadcast along the other dims."""
    _check_arguments("index_reduce", {"source": source}, include_self)
    if reduce not in _INDEX_REDUCES:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    d = normalize_dim(dim, input.ndim, "index_reduce")
    idx = index.data if isinstance(index, Tensor) else np.asarray(index)
    _check_index_reduce(input, d, idx, source)
    shape = source.shape or (1,)
    along = [1] * len(shape)
    along[d] = idx.size
    expanded = np.broadcast_to(idx.reshape(along), shape)
    return _reduce_op(input, d, expanded, source, reduce, include_self, "index_reduce")


def _check_index_reduce(a: Tensor, d: int, idx: np.ndarray, source: Tensor) -> None:
    """PyTorch's checks of index_reduce, in its order (0-d tensors as 1-element vectors)."""
    if idx.ndim > 1:
        raise IndexError(f"index_reduce_(): Index is supposed to be a vector, but got dim: "
                         f"{idx.ndim} with size: {idx.shape}")
    if idx.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{idx.dtype}")
    if a.dtype != source.dtype:
        raise RuntimeError(f"index_reduce_(): self ({a.dtype}) and source ({source.dtype}) "
                           f"must have the same scalar type")
    if d and d >= source.ndim:
        raise RuntimeError(f"index_reduce_(): Indexing dim {d} is out of bounds of the source "
                           f"tensor with dim {source.ndim}")
    n = source.shape[d] if source.ndim else 1
    if idx.size != n:
        raise RuntimeError(f"index_reduce_(): Number of indices ({idx.size}) should be equal "
                           f"to source.size(dim): ({n}), for dim: {d}")
    a_rest, source_rest = a.shape, source.shape
    if a.ndim and source.ndim:
        a_rest, source_rest = a_rest[:d] + a_rest[d + 1:], source_rest[:d] + source_rest[d + 1:]
    if a_rest != source_rest:
        raise RuntimeError(f"index_reduce_(): source tensor shape must match self tensor "
                           f"shape, excluding the specified dimension. Got self.shape = "
                           f"{a.shape} source.shape = {source.shape}")
    size = (a.shape or (1,))[d]
    bad = _first_out_of_range(idx, size)
    if bad is not None:
        raise IndexError(f"index_reduce_(): index {bad} is out of range in self (dimension {d} "
                         f"with size {size})")


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


def index_add(input: Tensor, dim: int, index: Any, source: Tensor, alpha: Any = 1) -> Tensor:
    """y = a with alpha * source's slices added at ``index`` along dim;
    da = g, dsource = alpha * g[index]"""
    idx = _int_index(index, "index_add")
    # PyTorch's kernel for a 0-d or 1-D self raises IndexError, the one for more dims not
    d, grid = _index_dim_grid(input, dim, idx, "index_add",
                              IndexError if input.ndim <= 1 else RuntimeError)
    _check_source(input, d, idx.size, source, "index_add")
    source = source * alpha if alpha != 1 else source
    return _on_shape(input, lambda x: _add_at(x, grid, source.reshape(
        np.empty(x.shape, bool)[grid].shape), _sources(index)))


def index_copy(input: Tensor, dim: int, index: Any, source: Tensor) -> Tensor:
    """y = a with source's slices written at ``index`` along dim."""
    idx = _long_index(index, "index_copy")
    d, grid = _index_dim_grid(input, dim, idx, "index_copy", IndexError)
    _check_source(input, d, idx.size, source, "index_copy")
    return _on_shape(input, lambda x: _write_at(x, grid, source.reshape(
        np.empty(x.shape, bool)[grid].shape), _sources(index)))


def index_fill(input: Tensor, dim: int, index: Any, value: Any) -> Tensor:
    """y = a with the slices at ``index`` along dim set to value (negatives wrap)."""
    idx = _long_index(index, "index_fill", IndexError)
    size = (input.shape or (1,))[normalize_dim(dim, input.ndim, "index_fill")]
    idx = np.where(idx < 0, idx + size, idx) if (idx >= -size).all() else idx
    _, grid = _index_dim_grid(input, dim, idx, "index_fill", IndexError)
    return _on_shape(input, lambda x: _write_at(x, grid, _as_value(value, x), _sources(index)))


def index_put(input: Tensor, indices: Any, values: Tensor, accumulate: bool = False) -> Tensor:
    """y = a with y[indices] = values (or += values, repeats accumulating)."""
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not "
                        f"{type(values).__name__}")
    index, _ = normalize_index(tuple(indices))
    try:
        np.empty(input.shape, bool)[index]
    except IndexError as exc:
        raise _index_error(exc, input.shape, index) from None
    values = values.to(input.dtype) if values.dtype != input.dtype else values
    sources = _sources(*indices)
    if accumulate:
        return _add_at(input, index, values, sources)
    return _write_at(input, index, values, sources)


def masked_select(input: Tensor, mask: Any) -> Tensor:
    """The elements of a (broadcast with mask) where mask is True, as a 1-D tensor."""
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_select: expected BoolTensor for mask, got {m.dtype}")
    shape = np.broadcast_shapes(input.shape, m.shape)
    x = input if input.shape == shape else input.expand(shape)
    return getitem(x, np.broadcast_to(m, shape), _sources(mask))


def masked_scatter(input: Tensor, mask: Any, source: Tensor) -> Tensor:
    """y = a with its masked positions taken, in order, from source's first elements."""
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_: expected BoolTensor for mask, got {m.dtype}")
    m = np.broadcast_to(m, input.shape)
    n = int(m.sum())
    if n > source.numel():
        raise RuntimeError(f"masked_scatter: Number of elements of source ({source.numel()}) "
                           f"< number of ones in mask ({n})")
    return _write_at(input, (m,), source.reshape(-1)[:n], _sources(mask))


def _flat_index(a: Tensor, index: Any, op: str) -> np.ndarray:
    idx = _long_index(index, op)
    n = a.numel()
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad].flat[0])} on a "
                         f"tensor of {n} elements.")
    return idx


def take(input: Tensor, index: Any) -> Tensor:
    """y = a.flatten()[index] (shaped as index; negatives wrap)."""
    idx = _flat_index(input, index, "take")
    return getitem(input.reshape(-1), idx, _sources(index))


def put(input: Tensor, index: Any, source: Tensor, accumulate: bool = False) -> Tensor:
    """y = a with y.flatten()[index] = source (or += source)."""
    idx = _flat_index(input, index, "put")
    if idx.size != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source.numel()}, "
                           f"index.numel() = {idx.size}")
    flat, grid, values = input.reshape(-1), (idx.reshape(-1),), source.reshape(-1)
    write = _add_at if accumulate else _write_at
    out = write(flat, grid, values, _sources(index))
    return out.reshape(input.shape)


def take_along_dim(input: Tensor, indices: Any, dim: Any = None) -> Tensor:
    """gather along dim after broadcasting a and indices over the other dims (dim=None: over
    the flattened a); negatives wrap."""
    idx = _long_index(indices, "take_along_dim")
    if dim is None:
        return take(input, indices).reshape(-1)
    d = normalize_dim(dim, input.ndim, "take_along_dim")
    if idx.ndim != input.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} and {idx.ndim}")
    size = input.shape[d]
    idx = np.where(idx < 0, idx + size, idx)
    a_shape, i_shape = list(input.shape), list(idx.shape)
    a_shape[d] = i_shape[d] = 1
    common = np.broadcast_shapes(tuple(a_shape), tuple(i_shape))
    a_shape, i_shape = list(common), list(common)
    a_shape[d], i_shape[d] = input.shape[d], idx.shape[d]
    x = input if input.shape == tuple(a_shape) else input.expand(tuple(a_shape))
    # a copy, as PyTorch's broadcast index: a later write into indices changes nothing
    return gather(x, d, np.broadcast_to(idx, tuple(i_shape)).copy())


# -- no gradient: unique, unique_consecutive ------------------------------------------------
def _unique_result(values: np.ndarray, inverse: np.ndarray, counts: np.ndarray,
                   return_inverse: bool, return_counts: bool) -> Any:
    out = [Tensor(values)]
    if return_inverse:
        out.append(Tensor(inverse.astype(np.int64)))
    if return_counts:
        out.append(Tensor(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: Any = None) -> Any:
    """The distinct values (sorted; rows of ``dim`` when given), with the inverse index and
    counts on request. No gradient."""
    data = input.data
    if dim is None:
        values, inverse, counts = np.unique(data.reshape(-1), return_inverse=True,
                                            return_counts=True)
        inverse = inverse.reshape(data.shape)
    else:
        d = normalize_dim(dim, input.ndim, "unique")
        moved = np.moveaxis(data, d, 0)
        values, inverse, counts = np.unique(moved.reshape(moved.shape[0], -1), axis=0,
                                            return_inverse=True, return_counts=True)
        values = np.moveaxis(values.reshape((-1,) + moved.shape[1:]), 0, d)
        inverse = inverse.reshape(-1)
    return _unique_result(np.ascontiguousarray(values), inverse, counts, return_inverse,
                          return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: Any = None) -> Any:
    """Each run of equal consecutive values (rows of ``dim``) kept once. No gradient."""
    data = input.data
    d = 0 if dim is None else normalize_dim(dim, input.ndim, "unique_consecutive")
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


def argwhere(input: Tensor) -> Tensor:
    """nonzero(a): the (n, ndim) int64 indices of the nonzero elements."""
    return nonzero(input)
