"""Counting and locating values (no gradients, as PyTorch's): ``searchsorted``,
``bucketize``, ``histc``, ``histogram`` (returns ``(hist, bin_edges)``), ``bincount`` and
``isin``. Bin edges and bin positions are computed in the input's dtype with PyTorch's
formulas, so elements on or near an edge land in PyTorch's bin."""
from __future__ import annotations

import math
from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from ._util import result_type
from ..creation import torch_linspace
from .linalg import kernel_error, torch_type_name

HistogramResult = namedtuple("histogram", ["hist", "bin_edges"])


def _values(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: Optional[str] = None,
                 sorter: Optional[Tensor] = None) -> Tensor:
    """For each value, the index where it would be inserted into the innermost dim of
    ``sorted_sequence`` to keep it sorted (the first such index, or the last with
    ``right``/``side='right'``). An N-D sequence pairs with an input of the same leading
    dims; a scalar input gives a 0-d result."""
    boundaries = _values(sorted_sequence)
    values = _values(input)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    if boundaries.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")
    if boundaries.ndim > 1 and (values.ndim != boundaries.ndim
                                or values.shape[:-1] != boundaries.shape[:-1]):
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           f"the first N-1 dimensions of boundaries tensor and input value "
                           f"tensor must match, but we got boundaries tensor "
                           f"{list(boundaries.shape)} and input value tensor "
                           f"{list(values.shape)}")
    if sorter is not None:
        order = _values(sorter)
        if order.shape != boundaries.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same "
                               f"size, but got boundary tensor {list(boundaries.shape)}and got "
                               f"sorter tensor {list(order.shape)}")
        boundaries = np.take_along_axis(boundaries, order, -1)
    how = "right" if right else "left"
    if boundaries.ndim == 1:
        out = np.searchsorted(boundaries, values, how)
    else:
        rows, inner = boundaries.reshape(-1, boundaries.shape[-1]), values.reshape(
            -1, values.shape[-1] if values.ndim else 1)
        out = np.stack([np.searchsorted(b, v, how) for b, v in zip(rows, inner)]).reshape(
            values.shape)
    return Tensor(np.asarray(out, np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The index of the bucket of each value among the 1-D sorted ``boundaries``:
    boundaries[i - 1] < v <= boundaries[i] (< with ``right``)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def _check_float(values: np.ndarray, kernel: str) -> None:
    if values.dtype.kind != "f":
        raise kernel_error(kernel, values.dtype)


def _count(values: np.ndarray, edges: np.ndarray, positions: np.ndarray,
           weight: Optional[np.ndarray]) -> np.ndarray:
    """Sum (or count) into bins the elements with a valid position (-1 marks skipped)."""
    bins = edges.size - 1
    keep = positions >= 0
    hist = np.bincount(positions[keep], None if weight is None else weight[keep], bins)
    return hist.astype(values.dtype)


def histc(input: Tensor, bins: int = 100, min: float = 0, max: float = 0) -> Tensor:
    """Counts of the elements in ``bins`` equal-width bins over [min, max] (the data's range
    when min == max; elements outside ignored; the max in the last bin)."""
    values = input.data.reshape(-1)
    _check_float(values, "histogram_cpu")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                           f"dimension 0")
    low, high = float(min), float(max)
    if low == high and values.size:
        low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low}, {high}] is not finite")
    if not low < high:
        raise RuntimeError("torch.histc: max must be larger than min")
    edges = torch_linspace(low, high, bins + 1, values.dtype)
    return Tensor(_count(values, edges, _linear_positions(values, edges, False), None))


def _linear_positions(values: np.ndarray, edges: np.ndarray, local_search: bool) -> np.ndarray:
    """Bins of equal width: the position by interpolation in the input dtype, with
    ``local_search`` moved to agree with the neighbouring edges (an upper bound among the
    edges position - 1 .. position + 1, PyTorch's); -1 outside [edges[0], edges[-1]]."""
    left, right = edges[0], edges[-1]
    bins = edges.size - 1
    inside = (values >= left) & (values <= right)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = (values - left) * values.dtype.type(bins) / (right - left)
    position = np.clip(np.where(inside, scaled, 0).astype(np.int64), 0, bins)
    if local_search:
        low = np.maximum(position - 1, 0)
        high = np.minimum(position + 2, bins + 1)
        below = sum(((low + k < high) & (edges[np.minimum(low + k, bins)] <= values))
                    for k in range(3))
        position = low + below - 1
    position = np.minimum(position, bins - 1)
    return np.where(inside, position, -1)


def histogram(input: Tensor, bins: Any, *, range: Optional[tuple] = None,
              weight: Optional[Tensor] = None, density: bool = False) -> HistogramResult:
    """(hist, bin_edges): ``bins`` equal-width bins over ``range`` (the data's range by
    default, widened by 0.5 each side when empty), or the given edges; elements outside
    are ignored, those on the last edge count in the last bin. With ``weight``, each
    element adds its weight; ``density`` normalises to a probability density."""
    values = input.data.reshape(-1)
    _check_float(values, "histogramdd")
    weights = None
    if weight is not None:
        if weight.shape != input.shape:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided it should have "
                               f"the same shape as the input tensor excluding its innermost "
                               f"dimension, but got input with shape {list(input.shape) + [1]}"
                               f" and weight with shape {list(weight.shape)}")
        if weight.dtype != input.dtype:
            raise RuntimeError(f"torch.histogramdd: if weight tensor is provided, input tensor "
                               f"and weight tensor should have the same dtype, but got input("
                               f"{torch_type_name(input.dtype).lower()}), and weight("
                               f"{torch_type_name(weight.dtype).lower()})")
        weights = weight.data.reshape(-1)
    if isinstance(bins, Tensor):
        edges = _given_edges(bins, input.dtype)
        positions = np.searchsorted(edges, values, "right") - 1
        positions = np.where(values == edges[-1], edges.size - 2, positions)
        positions = np.where((values >= edges[0]) & (values <= edges[-1]), positions, -1)
    else:
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for "
                               f"dimension 0")
        low, high = _range(values, range)
        edges = torch_linspace(low, high, int(bins) + 1, values.dtype)
        positions = _linear_positions(values, edges, True)
    hist = _count(values, edges, positions, weights)
    if density:
        hist = hist / hist.sum() / np.diff(edges)
    return HistogramResult(Tensor(hist.astype(values.dtype)), Tensor(edges))


def _given_edges(bins: Tensor, dtype: np.dtype) -> np.ndarray:
    if bins.ndim != 1:
        raise RuntimeError(f"torch.histogramdd: bins tensor should have one dimension, but got "
                           f"{bins.ndim} dimensions in the bins tensor for dimension 0")
    if bins.dtype != dtype:
        raise RuntimeError(f"torch.histogramdd: input tensor and bins tensors should have the "
                           f"same dtype, but got input with dtype "
                           f"{torch_type_name(dtype).lower()} and bins for dimension 0 with "
                           f"dtype {torch_type_name(bins.dtype).lower()}")
    return bins.data


def _range(values: np.ndarray, given: Optional[tuple]) -> tuple:
    if given is not None:
        low, high = float(given[0]), float(given[1])
    elif values.size:
        low, high = float(values.min()), float(values.max())
    else:
        low, high = 0.0, 1.0
    if low > high:
        raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {low:g} "
                           f"max {high:g} for dimension 0")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histogramdd: range of [{low}, {high}] is not finite")
    if low == high:
        low, high = low - 0.5, high + 0.5
    return low, high


def bincount(input: Tensor, weights: Optional[Tensor] = None, minlength: int = 0) -> Tensor:
    """Counts of each value of a 1-D non-negative integer tensor (length max + 1, at least
    ``minlength``); with ``weights``, their sums (float64 unless weights are float32)."""
    values = input.data
    if values.dtype.kind not in "iu":
        raise kernel_error("bincount_cpu", values.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if values.ndim != 1 or (values.size and values.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    w = None
    if weights is not None:
        if weights.ndim != 1 or weights.shape[0] != values.shape[0]:
            raise RuntimeError("weights should be 1-d and have the same length as input")
        w = weights.data
    out = np.bincount(values, w, minlength)
    if w is None or not values.size:
        return Tensor(out.astype(np.int64))
    return Tensor(out.astype(np.float32 if w.dtype == np.float32 else np.float64))


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (a bool tensor of
    elements' shape; NaN is in nothing)."""
    a, b = _values(elements), _values(test_elements)
    for x in (a, b):
        if x.dtype == np.bool_:
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    common = result_type(a, b)
    return Tensor(np.asarray(np.isin(a.astype(common), b.astype(common),
                                     assume_unique=assume_unique, invert=invert)))
