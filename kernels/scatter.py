"""Scatter-add for the backward of advanced indexing and embedding lookups.

The kernels check bounds before every write and report the first bad position; the
wrappers raise IndexError. Negative indices are out of bounds unless ``negative_wraps`` asks
for numpy's meaning (counted from the end): a shift, an and and an add per index, no branch
and no numpy pass.

With parallel kernels on, a large call whose output is small next to its input (at most
1/threads of it) runs on several threads: repeated indices would race on one output, so
each thread but the first adds into a zeroed copy, summed into the output afterwards (1M
indices into 1000 bins: 1.6x the serial kernel). A large output makes the copies cost more
than the threads save, and the call stays serial.
"""
from __future__ import annotations

import numpy as np

from . import threads
from .activations import _float_array
from .threads import SplitKernel


def _scatter_add_flat(index, values, out, wrap):
    for i in range(index.size):
        j = index[i]
        if wrap:  # branch-free: a branch on the sign mispredicts on mixed signs (4x slower)
            j += out.size & (j >> 63)
        if j < 0 or j >= out.size:
            return i
        out[j] += values[i]
    return -1


def _scatter_add_rows(index, values, out, wrap):
    for i in range(index.size):
        j = index[i]
        if wrap:
            j += out.shape[0] & (j >> 63)
        if j < 0 or j >= out.shape[0]:
            return i
        for k in range(values.shape[1]):
            out[j, k] += values[i, k]
    return -1


_FLAT = SplitKernel(_scatter_add_flat, accumulate=(2,))
_ROWS = SplitKernel(_scatter_add_rows, accumulate=(2,))


def _scatter(name: str, kernel: SplitKernel, index: np.ndarray, values: np.ndarray,
             out: np.ndarray, wrap: bool) -> None:
    """Run ``kernel``, on several threads when the output copies cost little; raise
    IndexError at the first out-of-range index."""
    work = values.size if out.size * threads.count() <= values.size else 0
    position = kernel.first_position(work, index, values, out, wrap)
    if position >= 0:
        raise IndexError(f"{name}: index {index[position]} out of bounds for size "
                         f"{out.shape[0]}")


def _index_array(name: str, index: np.ndarray, length: int) -> np.ndarray:
    if index.dtype.kind not in "iu":
        raise TypeError(f"{name}: index must be integer, got {index.dtype}")
    if index.shape != (length,):
        raise ValueError(f"{name}: index shape {index.shape} does not match {length} values")
    return np.ascontiguousarray(index, dtype=np.int64)


def scatter_add_flat(size: int, flat_index: np.ndarray, values: np.ndarray,
                     negative_wraps: bool = False) -> np.ndarray:
    """out (size,) with out[flat_index[i]] += values[i]; repeated indices accumulate."""
    values = _float_array("scatter_add_flat", values.reshape(-1))
    index = _index_array("scatter_add_flat", flat_index.reshape(-1), values.size)
    out = np.zeros(size, values.dtype)
    _scatter("scatter_add_flat", _FLAT, index, values, out, negative_wraps)
    return out


def scatter_add_rows(n_rows: int, index: np.ndarray, values: np.ndarray,
                     negative_wraps: bool = False) -> np.ndarray:
    """out (n_rows, D) with out[index[i], :] += values[i, :] (embedding backward)."""
    values = _float_array("scatter_add_rows", values)
    if values.ndim != 2:
        raise ValueError(f"scatter_add_rows: values must be 2-D, got shape {values.shape}")
    index = _index_array("scatter_add_rows", index, values.shape[0])
    out = np.zeros((n_rows, values.shape[1]), values.dtype)
    _scatter("scatter_add_rows", _ROWS, index, values, out, negative_wraps)
    return out
