"""``embedding_bag``: sums, means or maxima of bags of embedding rows, as PyTorch's. Composed
of the embedding lookup, a row gather and the embedding backward's row scatter-add (each
op differentiating into the other), so gradients of every order flow to the weight and
the per-sample weights."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from .activation import dtype_name
from .nn_ops import EmbeddingBackward, _renorm_rows, embedding

_MODES = ("sum", "mean", "max")


def _segment_sum(rows: Tensor, segment: np.ndarray, n_segments: int) -> Tensor:
    """out[s] = sum of rows[i] with segment[i] == s; 0 for empty segments."""
    return EmbeddingBackward.apply(rows, segment, n_segments, None, False)


def _array(t: Any) -> np.ndarray:
    return t.data if isinstance(t, Tensor) else np.asarray(t)


def _bags(indices: np.ndarray, offsets: Optional[np.ndarray],
          include_last_offset: bool) -> tuple:
    """(flat indices, bag of each index, number of bags); indices past the last bag's end
    (with include_last_offset) belong to no bag and are dropped."""
    if indices.ndim == 2:
        n_bags, length = indices.shape
        if length == 0:
            raise RuntimeError("embedding_bag: step must be nonzero (a 2-D input of bags of "
                               f"length 0, shape {indices.shape})")
        return indices.reshape(-1), np.repeat(np.arange(n_bags), length), n_bags
    n = indices.size
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(f"embedding_bag: offsets[0] has to be 0, i.e., the first sequence "
                           f"in the mini-batch has to start from position 0. However, got "
                           f"{offsets[0]}")
    if offsets.size and offsets[-1] > n:
        raise RuntimeError(f"embedding_bag: offsets[-1] can not be greater than input's "
                           f"length {n} but got offsets[-1] of {offsets[-1]}")
    if (np.diff(offsets) < 0).any():
        raise RuntimeError(f"embedding_bag: offsets must be non-decreasing, got "
                           f"{offsets.tolist()}")
    if include_last_offset:
        n_bags = max(offsets.size - 1, 0)
        end = int(offsets[-1]) if offsets.size else 0
    else:
        n_bags, end = offsets.size, n
    bag = np.searchsorted(offsets[:n_bags], np.arange(end), side="right") - 1
    return indices[:end], bag, n_bags


def _check_indices(indices: np.ndarray, num: int) -> None:
    if indices.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"embedding_bag: Expected tensor for argument #1 'indices' to have "
                           f"one of the following scalar types: Long, Int; but got "
                           f"{dtype_name(indices.dtype)} instead")
    bad = np.flatnonzero((indices < 0) | (indices >= num))
    if bad.size:
        i = bad[0]
        raise RuntimeError(f"embedding_bag: Index {i} of input takes value {indices[i]} which "
                           f"is not in the valid range [0, {num})")


def _check_arguments(input: np.ndarray, weight: Tensor, offsets: Any, mode: str,
                     scale_grad_by_freq: bool, per_sample_weights: Any) -> None:
    """PyTorch's argument checks, in its order (ValueErrors before the kernel's)."""
    if per_sample_weights is not None and tuple(per_sample_weights.shape) != input.shape:
        raise ValueError(f"embedding_bag: If per_sample_weights "
                         f"({tuple(per_sample_weights.shape)}) is not None, then it must have "
                         f"the same shape as the input ({input.shape})")
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.ndim}")
    if input.ndim == 2 and offsets is not None:
        raise ValueError(f"if input is 2D, then offsets has to be None, as input is treated is "
                         f"a mini-batch of fixed length sequences. However, found offsets of "
                         f"type {type(offsets)}")
    if input.ndim == 1 and offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    if input.ndim == 1 and _array(offsets).ndim != 1:
        raise ValueError("offsets has to be a 1D Tensor")
    if input.ndim not in (1, 2):
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.ndim}")
    if mode not in _MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max" and scale_grad_by_freq:
        raise ValueError("max mode does not support scaling the gradient by the frequency")


def embedding_bag(input: Any, weight: Tensor, offsets: Any = None,
                  max_norm: Optional[float] = None, norm_type: float = 2,
                  scale_grad_by_freq: bool = False, mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Optional[Tensor] = None,
                  include_last_offset: bool = False,
                  padding_idx: Optional[int] = None) -> Tensor:
    """(B, D): each bag's rows of ``weight`` reduced by ``mode``. A 2-D input (B, N) is B
    bags of N indices; a 1-D input is cut into bags at ``offsets`` (B starts, or B + 1
    boundaries with ``include_last_offset``). Entries equal to ``padding_idx`` are left out
    (a mean divides by the rest); empty bags give zeros. ``per_sample_weights`` (mode
    'sum') scale each row."""
    indices = _array(input)
    _check_arguments(indices, weight, offsets, mode, scale_grad_by_freq, per_sample_weights)
    if mode == "max" and sparse:
        raise ValueError("max mode does not support sparse weights")
    if sparse:
        raise NotImplementedError("embedding_bag: sparse=True (sparse gradients) is not "
                                  "supported")
    if max_norm is not None:
        _renorm_rows(weight, indices.reshape(-1), float(max_norm), float(norm_type))
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. "
                                  f"per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    num = weight.shape[0]
    if padding_idx is not None and not -num <= padding_idx < num:
        raise RuntimeError(f"embedding_bag: padding_idx must be within the number of "
                           f"embeddings, {-num} through {num - 1}, but got {padding_idx}")
    _check_indices(indices, num)
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"embedding_bag: Expected tensor for argument #1 'weight' to have "
                           f"the same type as tensor for argument #1 'per_sample_weights'; but "
                           f"type {weight.dtype} does not equal {per_sample_weights.dtype}")
    flat, bag, n_bags = _bags(indices, None if offsets is None else _array(offsets),
                              include_last_offset)
    keep = np.arange(flat.size)
    if padding_idx is not None:
        keep = np.flatnonzero(flat != padding_idx % num)
    flat, bag = flat[keep].astype(np.int64), bag[keep]
    if flat.size == 0:  # zeros, still a function of weight (whose gradient is then zero)
        return weight[:0].sum(0) + Tensor(np.zeros((n_bags, weight.shape[1]), weight.dtype))
    rows = embedding(flat, weight, scale_grad_by_freq=scale_grad_by_freq)
    if mode == "max":
        return _bag_max(rows, bag, n_bags)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1)[keep].unsqueeze(-1)
    out = _segment_sum(rows, bag, n_bags)
    if mode == "mean":
        counts = np.maximum(np.bincount(bag, minlength=n_bags), 1)
        out = out / Tensor(counts.astype(out.dtype)[:, None])
    return out


def bag_max_rows(values: np.ndarray, bag: np.ndarray) -> tuple:
    """(first row of each bag, (width, bags) rows holding each bag's column maximum) for
    rows ``values`` in contiguous bags: NaN rows skipped unless first (PyTorch's running
    max), ties to the first row."""
    n, width = values.shape
    starts = np.flatnonzero(np.r_[True, bag[1:] != bag[:-1]])  # bags are contiguous
    peak = np.repeat(np.fmax.reduceat(values, starts, axis=0), np.diff(np.r_[starts, n]),
                     axis=0)  # NaN only where the whole column of a bag is NaN
    holds = (values == peak) | np.isnan(peak)
    # the first holder of each (bag, column): column-major positions j * n + i, searched
    # from each bag's start
    positions = np.flatnonzero(holds.T)
    column_base = np.arange(width)[:, None] * n
    first = positions[np.searchsorted(positions, column_base + starts)] - column_base
    # PyTorch's running max starts from the bag's first row and never replaces a NaN there
    return starts, np.where(np.isnan(values[starts]).T, starts, first)


def _bag_max(rows: Tensor, bag: np.ndarray, n_bags: int) -> Tensor:
    """Each bag's elementwise maximum; the first row holding it gets the gradient (as
    PyTorch's max indices)."""
    starts, first = bag_max_rows(rows.data, bag)
    winners = rows[first.T, np.arange(rows.shape[1])[None, :]]
    return _segment_sum(winners, bag[starts], n_bags)
