"""Scatter-add for the backward of advanced indexing and embedding lookups.

Serial on purpose: repeated indices would race across threads. The kernels check bounds
before every write and report the first bad position; the wrappers raise IndexError.
Negative indices are out of bounds unless ``negative_wraps`` asks for numpy's meaning
(counted from the end): a shift, an and and an add per index, no branch and no numpy pass.
"""
from __future__ import annotations

import numpy as np

from . import config
from .activations import _float_array


@config.jit()
def _scatter_add_flat(index, values, out, wrap):
    for i in range(index.size):
        j = index[i]
        if wrap:  # branch-free: a branch on the sign mispredicts on mixed signs (4x slower)
            j += out.size & (j >> 63)
        if j < 0 or j >= out.size:
            return i
        out[j] += values[i]
    return -1


@config.jit()
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


def _index_array(name: str, index: np.ndarray, length: int) -> np.ndarray:
    if index.dtype.kind not in "iu":
        raise TypeError(f"{name}: index must be integer, got {index.dtype}")
    if index.shape != (length,):
        raise ValueError(f"{name}: index shape {index.shape} does not match {length} values")
    return np.ascontiguousarray(index, dtype=np.int64)


def _raise_if_bad(name: str, position: int, index: np.ndarray, size: int) -> None:
    if position >= 0:
        raise IndexError(f"{name}: index {index[position]} out of bounds for size {size}")


def scatter_add_flat(size: int, flat_index: np.ndarray, values: np.ndarray,
                     negative_wraps: bool = False) -> np.ndarray:
    """out (size,) with out[flat_index[i]] += values[i]; repeated indices accumulate."""
    values = _float_array("scatter_add_flat", values.reshape(-1))
    index = _index_array("scatter_add_flat", flat_index.reshape(-1), values.size)
    out = np.zeros(size, values.dtype)
    _raise_if_bad("scatter_add_flat", _scatter_add_flat(index, values, out, negative_wraps),
                  index, size)
    return out


def scatter_add_rows(n_rows: int, index: np.ndarray, values: np.ndarray,
                     negative_wraps: bool = False) -> np.ndarray:
    """out (n_rows, D) with out[index[i], :] += values[i, :] (embedding backward)."""
    values = _float_array("scatter_add_rows", values)
    if values.ndim != 2:
        raise ValueError(f"scatter_add_rows: values must be 2-D, got shape {values.shape}")
    index = _index_array("scatter_add_rows", index, values.shape[0])
    out = np.zeros((n_rows, values.shape[1]), values.dtype)
    _raise_if_bad("scatter_add_rows", _scatter_add_rows(index, values, out, negative_wraps),
                  index, n_rows)
    return out
