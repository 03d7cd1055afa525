"""Softmax and log-softmax along any axis, numerically stable by subtracting the row maximum.

Kernels work on C-contiguous (rows, n) arrays; the wrapper moves ``axis`` last, makes it
contiguous, and returns the result with the axis moved back (a view when axis is not last).
"""
from __future__ import annotations

import math

import numpy as np
from numba import prange

from . import config
from .activations import _SerialOrParallel, _exp, _float_array, _like


@config.jit(error_model="numpy")
def _max(row):
    """max(row) ignoring NaN (a NaN still poisons the row through exp); 8 accumulators as _sum."""
    m0 = m1 = m2 = m3 = m4 = m5 = m6 = m7 = row.dtype.type(-np.inf)
    tail = row.size - row.size % 8
    for i in range(0, tail, 8):
        m0 = row[i] if row[i] > m0 else m0
        m1 = row[i + 1] if row[i + 1] > m1 else m1
        m2 = row[i + 2] if row[i + 2] > m2 else m2
        m3 = row[i + 3] if row[i + 3] > m3 else m3
        m4 = row[i + 4] if row[i + 4] > m4 else m4
        m5 = row[i + 5] if row[i + 5] > m5 else m5
        m6 = row[i + 6] if row[i + 6] > m6 else m6
        m7 = row[i + 7] if row[i + 7] > m7 else m7
    for i in range(tail, row.size):
        m0 = row[i] if row[i] > m0 else m0
    return max(max(max(m0, m1), max(m2, m3)), max(max(m4, m5), max(m6, m7)))


@config.jit(error_model="numpy")
def _sum(row):
    """sum(row) with 8 independent accumulators: not bound by add latency, and vectorisable."""
    zero = row.dtype.type(0.0)
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = zero
    tail = row.size - row.size % 8
    for i in range(0, tail, 8):
        s0 += row[i]
        s1 += row[i + 1]
        s2 += row[i + 2]
        s3 += row[i + 3]
        s4 += row[i + 4]
        s5 += row[i + 5]
        s6 += row[i + 6]
        s7 += row[i + 7]
    for i in range(tail, row.size):
        s0 += row[i]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


@config.jit(error_model="numpy")
def _exp_shifted(row, out):
    """out = exp(row - max(row)); returns (max, sum(out))."""
    m = _max(row)
    for j in range(row.size):
        out[j] = _exp(row[j] - m)
    return m, _sum(out)


def _softmax_fwd(x, out):
    for r in prange(x.shape[0]):
        _, s = _exp_shifted(x[r], out[r])
        inverse = 1 / s
        for j in range(x.shape[1]):
            out[r, j] *= inverse


def _log_softmax_fwd(x, out):
    for r in prange(x.shape[0]):
        m, s = _exp_shifted(x[r], out[r])
        log_sum = math.log(s)
        for j in range(x.shape[1]):
            out[r, j] = (x[r, j] - m) - log_sum


def _softmax_bwd(y, g, out):
    for r in prange(y.shape[0]):
        for j in range(y.shape[1]):
            out[r, j] = g[r, j] * y[r, j]
        s = _sum(out[r])
        for j in range(y.shape[1]):
            out[r, j] = y[r, j] * (g[r, j] - s)


def _log_softmax_bwd(y, g, out):
    for r in prange(y.shape[0]):
        s = _sum(g[r])
        for j in range(y.shape[1]):
            out[r, j] = g[r, j] - _exp(y[r, j]) * s


_SOFTMAX_FWD = _SerialOrParallel(_softmax_fwd)
_LOG_SOFTMAX_FWD = _SerialOrParallel(_log_softmax_fwd)
_SOFTMAX_BWD = _SerialOrParallel(_softmax_bwd)
_LOG_SOFTMAX_BWD = _SerialOrParallel(_log_softmax_bwd)


def _along_axis(kernel: _SerialOrParallel, name: str, axis: int, x: np.ndarray,
                g: np.ndarray | None = None) -> np.ndarray:
    """Run a row kernel over ``axis``: move it last, make rows contiguous, call, move back."""
    if x.ndim == 0:
        scalar_g = None if g is None else g.reshape(1)
        return _along_axis(kernel, name, 0, x.reshape(1), scalar_g).reshape(())
    if g is not None:
        g = np.moveaxis(_like(name, x, g), axis, -1)
    x = _float_array(name, np.moveaxis(x, axis, -1))
    shape = x.shape
    rows = math.prod(shape[:-1])
    out = np.empty(shape, x.dtype)
    arrays = (x,) if g is None else (x, _float_array(name, g))
    kernel(out.size, *(a.reshape(rows, shape[-1]) for a in arrays),
           out.reshape(rows, shape[-1]))
    return np.moveaxis(out, -1, axis)


def softmax_fwd(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """y = exp(x - max) / sum(exp(x - max)) along ``axis``."""
    return _along_axis(_SOFTMAX_FWD, "softmax_fwd", axis, x)


def softmax_bwd(y: np.ndarray, g: np.ndarray, axis: int = -1) -> np.ndarray:
    """dx = y * (g - sum(g * y)) along ``axis``, from the forward output y."""
    return _along_axis(_SOFTMAX_BWD, "softmax_bwd", axis, y, g)


def log_softmax_fwd(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """y = x - max - log(sum(exp(x - max))) along ``axis``."""
    return _along_axis(_LOG_SOFTMAX_FWD, "log_softmax_fwd", axis, x)


def log_softmax_bwd(y: np.ndarray, g: np.ndarray, axis: int = -1) -> np.ndarray:
    """dx = g - exp(y) * sum(g) along ``axis``, from the forward output y."""
    return _along_axis(_LOG_SOFTMAX_BWD, "log_softmax_bwd", axis, y, g)
