"""Indexing: ``t[idx]`` with ints, slices, None, ..., integer arrays and bool masks, and the
``SetItem`` op behind ``t[idx] = v`` (ops/inplace.py records the write). The backward of an
advanced index scatter-adds, so repeated indices accumulate."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..kernels.scatter import scatter_add_flat, scatter_add_rows
from ..tensor import Tensor
from ._util import normalize_dim
from .elementwise import where
from .shape import _share_version, c_contiguous


def _index_array(item: Any) -> np.ndarray:
    """A list or numpy array index as an int or bool array: PyTorch makes it a long tensor,
    so floats truncate (a float *tensor* index stays an IndexError)."""
    array = np.asarray(item)
    if array.dtype.kind in "USO":
        raise TypeError(f"index: invalid data type {array.dtype} in the index {item!r}: only "
                        f"ints and bools can index a tensor (index several dims with a "
                        f"tuple, x[tuple(seq)])")
    return array.astype(np.int64) if array.dtype.kind == "f" or array.size == 0 else array


def normalize_index(index: Any) -> tuple:
    """(index as numpy understands it, whether it contains an advanced part)."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    advanced = False
    for item in items:
        if isinstance(item, Tensor):
            item = item.data
        elif isinstance(item, (list, np.ndarray)):
            item = _index_array(item)
        elif isinstance(item, (str, bytes)):
            raise TypeError(f"index: invalid data type '{type(item).__name__}': a tensor is "
                            f"indexed by ints, slices, None, Ellipsis and int or bool tensors "
                            f"(got {item!r})")
        if isinstance(item, np.ndarray):
            if item.dtype.kind not in "biu":
                raise IndexError(f"index: tensors used as indices must be long, int or bool "
                                 f"tensors, got dtype {item.dtype}")
            advanced = True
        elif isinstance(item, (float, np.floating)):
            raise IndexError(f"index: only integers, slices, None, Ellipsis, and integer or "
                             f"boolean tensors are valid indices (got {type(item).__name__})")
        elif isinstance(item, slice) and item.step is not None and item.step <= 0:
            raise ValueError(f"index: step must be greater than zero, got slice {item!r}")
        out.append(item)
    return tuple(out), advanced


def _index_error(exc: Exception, shape: tuple, index: Any) -> IndexError:
    return IndexError(f"index: {exc} (indexing a tensor of shape {shape} with {index!r})")


@register
class GetItem(Function):
    """y = a[index];  da = zeros with g scattered back (added for repeated indices).
    ``sources``: the Tensors an advanced index was made from (see ``_keep_index``)."""

    @staticmethod
    def forward(ctx, a, index, advanced, *sources):
        ctx.meta = (a.shape, advanced)
        _keep_index(ctx, index, advanced and bool(sources), sources)
        if not advanced and Ellipsis not in index:  # (no arrays in index: == is safe)
            index += (Ellipsis,)  # all ints: numpy gives a view (0-d), not a scalar copy
        try:
            out = a[index]
        except IndexError as exc:
            raise _index_error(exc, a.shape, index) from None
        return c_contiguous(out) if advanced else out

    @staticmethod
    def backward(ctx, g):
        shape, advanced = ctx.meta
        return (IndexBackward.apply(g, shape, _kept_index(ctx), advanced),
                *_no_grads(ctx, 1))


def _keep_index(ctx: Any, index: tuple, save: bool, sources: tuple) -> None:
    """Keep an index for backward. An advanced one made from Tensors is saved, as PyTorch's
    index nodes save theirs: backward() frees it, so a second walk of the graph raises, and
    with it the ``sources`` (arrays of the Tensors the index was made from, passed to
    ``apply`` as inputs), so that an in-place write into one of those Tensors before
    backward raises instead of scattering to the new positions. Any other index (ints,
    slices, and the arrays the library computes for diag, trace, repeat_interleave, nearest
    interpolation, whose PyTorch nodes save no index) is metadata: such a graph may be
    walked again."""
    ctx.index = None if save else index
    if save:
        ctx.index_length = len(index)
        ctx.save_for_backward(*index, *sources)


def _kept_index(ctx: Any) -> tuple:
    """The index ``_keep_index`` kept (raises once backward freed a saved one, or when a
    source Tensor was written in place since)."""
    if ctx.index is not None:
        return ctx.index
    saved = ctx.saved_tensors[:ctx.index_length]
    return tuple([item.data if isinstance(item, Tensor) else item for item in saved])


def _no_grads(ctx: Any, given: int) -> tuple:
    """None for each input after the first ``given`` (the index and its sources)."""
    return (None,) * (len(ctx.next) - given)


def _sources(*values: Any) -> tuple:
    """The Tensors among ``values`` (index arguments), to pass to an index op as sources."""
    return tuple([v for v in values if isinstance(v, Tensor)])


def _leading_positions(index: tuple, shape: tuple) -> tuple | None:
    """For an index of integer arrays or masks on the leading dims (``x[idx]``, ``x[i, j]``,
    ``x[mask]``): (the positions it picks, flattened over those dims; how many dims), else
    None. A single integer array is passed on as it is: the kernels wrap its negatives."""
    if len(index) == 1 and isinstance(index[0], np.ndarray):
        item = index[0]
        if item.dtype.kind == "b":
            return np.flatnonzero(item), item.ndim
        return item.reshape(-1), 1
    arrays: list = []
    for item in index:
        if not isinstance(item, np.ndarray) or (item.dtype.kind == "b" and item.ndim == 0):
            return None  # (a 0-d mask beside other arrays has no nonzero positions to give)
        arrays.extend(np.nonzero(item) if item.dtype.kind == "b"
                      else (item.astype(np.intp, copy=False),))
    if not arrays or len(arrays) > len(shape):
        return None
    flat = arrays[0]  # its negatives wrap in the kernels, the others' here (branch-free)
    for a, dim in zip(arrays[1:], shape[1:]):
        flat = flat * dim + (a + (dim & (a >> 63)))  # the arrays broadcast together
    return flat.reshape(-1), len(arrays)  # (3x faster than np.ravel_multi_index's "wrap")


def _scatter_add(shape: tuple, index: tuple, g: np.ndarray) -> np.ndarray:
    """zeros(shape) with ``out[index] += g``, repeated positions accumulating.

    An index of integer arrays (or masks) on the leading dims goes through the Numba kernels:
    one value per position takes the flat kernel, a row per position the row kernel
    (1.2-80x ``np.add.at``). Other index forms use ``np.add.at``."""
    found = _leading_positions(index, shape)
    if found is not None and g.dtype.kind == "f" and g.dtype.itemsize >= 4:
        positions, dims = found
        lead, per_row = math.prod(shape[:dims]), math.prod(shape[dims:])
        values = np.ascontiguousarray(g)
        if per_row == 1:
            out = scatter_add_flat(lead, positions, values.reshape(-1), negative_wraps=True)
        else:
            out = scatter_add_rows(lead, positions, values.reshape(positions.size, per_row),
                                   negative_wraps=True)
        return out.reshape(shape)
    out = np.zeros(shape, g.dtype)
    np.add.at(out, index, g)
    return out


@register
class IndexBackward(Function):
    """y = zeros(shape); y[index] += g;  dg = gg[index]"""

    @staticmethod
    def forward(ctx, g, shape, index, advanced, *sources):
        ctx.advanced = advanced
        _keep_index(ctx, index, advanced and bool(sources), sources)
        if advanced:
            return _scatter_add(shape, index, g)
        out = np.zeros(shape, g.dtype)
        out[index] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        return GetItem.apply(gg, _kept_index(ctx), ctx.advanced), *_no_grads(ctx, 1)


@register
class SetItem(Function):
    """y = a with y[index] = value;  da = g with da[index] = 0,  dvalue = g[index] (the
    engine sums it to value's shape). As PyTorch's, every repeat of an advanced index gets
    its position's gradient, though only the last write survives. Any index is saved (a
    write is PyTorch's CopySlices or IndexPut node, whose graph may not be walked twice)."""

    @staticmethod
    def forward(ctx, a, value, index, advanced, *sources):
        ctx.meta = (advanced, np.ndim(value))
        _keep_index(ctx, index, True, sources)
        out = a.copy()
        assign(out, index, value)
        return out

    @staticmethod
    def backward(ctx, g):
        advanced, value_ndim = ctx.meta
        index = _kept_index(ctx)
        needs_a, needs_value = ctx.needs_input_grad[:2]
        da = SetItem.apply(g, 0.0, index, advanced) if needs_a else None
        dvalue = GetItem.apply(g, index, advanced) if needs_value else None
        if dvalue is not None and dvalue.ndim < value_ndim:  # numpy drops leading 1s
            dvalue = dvalue.reshape((1,) * (value_ndim - dvalue.ndim) + dvalue.shape)
        return da, dvalue, *_no_grads(ctx, 2)


def getitem(a: Tensor, index: Any, sources: tuple = ()) -> Tensor:
    """``a[index]``; ``sources``: Tensors the index was computed from, beside those in it."""
    items = index if isinstance(index, tuple) else (index,)
    index, advanced = normalize_index(index)
    if not advanced:
        return _share_version(GetItem.apply(a, index, False), a)
    return GetItem.apply(a, index, True, *_sources(*items), *sources)


def assign(target: np.ndarray, index: tuple, value: Any) -> None:
    """``target[index] = value`` with PyTorch's exception types."""
    try:
        target[index] = value
    except IndexError as exc:
        raise _index_error(exc, target.shape, index) from None
    except ValueError as exc:
        raise RuntimeError(f"setitem: cannot assign a value of shape {np.shape(value)} to "
                           f"index {index!r} of a tensor of shape {target.shape}: {exc}"
                           ) from None


def _int_index(index: Any, op: str) -> np.ndarray:
    data = index.data if isinstance(index, Tensor) else np.asarray(index)
    if data.dtype.kind not in "iu":
        raise RuntimeError(f"{op}(): Expected dtype int32 or int64 for index, got {data.dtype}")
    return data


def _first_out_of_range(index: np.ndarray, size: int) -> int | None:
    """The first index outside [0, size) (these ops do not wrap negatives), else None."""
    bad = (index < 0) | (index >= size)
    return int(index[bad].flat[0]) if bad.any() else None


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """y = a indexed by the 1-D ``index`` along ``dim`` (rows may repeat; gradients add)."""
    d = normalize_dim(dim, input.ndim, "index_select")
    idx = _int_index(index, "index_select")
    if idx.ndim > 1:
        raise IndexError(f"index_select(): Index is supposed to be a vector, got shape "
                         f"{idx.shape}")
    if input.ndim == 0:  # a scalar behaves as a 1-element vector
        return index_select(input.reshape(1), 0, index).reshape(idx.shape)
    bad = _first_out_of_range(idx, input.shape[d])
    if bad is not None:
        raise IndexError(f"index_select(): index {bad} is out of range in self (dimension {d} "
                         f"with size {input.shape[d]}, input shape {input.shape})")
    return getitem(input, (slice(None),) * d + (idx.reshape(-1),), _sources(index))


def gather(input: Tensor, dim: int, index: Any) -> Tensor:
    """y[i][j][k] = a[i][index[i][j][k]][k] (for dim = 1); gradients scatter-add."""
    return _gather(input, dim, index, _sources(index))


def _gather(a: Tensor, dim: int, index: Any, sources: tuple) -> Tensor:
    """``gather`` of an index computed from the Tensors ``sources``."""
    d = normalize_dim(dim, a.ndim, "gather")
    idx = _int_index(index, "gather")
    if a.ndim and idx.ndim != a.ndim:
        raise RuntimeError(f"gather(): Index tensor must have the same number of dimensions "
                           f"as input tensor (index shape {idx.shape}, input shape {a.shape})")
    if a.ndim == 0:  # a scalar behaves as a 1-element vector
        return _gather(a.reshape(1), 0, idx.reshape(-1), sources).reshape(idx.shape)
    for k, (n, m) in enumerate(zip(idx.shape, a.shape)):
        if k != d and n > m:
            raise RuntimeError(f"gather(): Size does not match at dimension {k}: expected "
                               f"index {idx.shape} to be no larger than self {a.shape} apart "
                               f"from dimension {d}")
    bad = _first_out_of_range(idx, a.shape[d])
    if bad is not None:  # a RuntimeError in PyTorch, unlike index_select's IndexError
        raise RuntimeError(f"gather(): index {bad} is out of bounds for dimension {d} with "
                           f"size {a.shape[d]}")
    grid = list(np.ogrid[tuple(slice(n) for n in idx.shape)])
    grid[d] = idx
    return getitem(a, tuple(grid), sources)


def masked_fill(input: Tensor, mask: Any, value: Any) -> Tensor:
    """y = value where mask else a (the value is cast to a's dtype; a 0-d tensor value gets
    the gradient of the filled positions)."""
    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill(): only supports boolean masks, but got mask with "
                           f"dtype {m.dtype} (input shape {input.shape})")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill(): only supports a 0-dimensional value tensor, "
                               f"but got tensor with {value.ndim} dimension(s)")
        value = value.to(input.dtype)
    else:
        value = np.asarray(value).astype(input.dtype)
    # the mask Tensor itself: backward checks its version, as PyTorch checks its saved mask's
    return where(mask if isinstance(mask, Tensor) else Tensor(m), value, input)
