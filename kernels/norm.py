"""Batch and layer normalisation: fused forward (statistics + normalise + affine) and backward.

Batch norm works on ``x[n, c, l]`` ((N, C) inputs are viewed as (N, C, 1)) with statistics
per channel over (n, l); layer norm on ``x[m, d]`` with statistics per row. Statistics are
accumulated in float64 whatever the input dtype, in two passes (mean, then squared
deviations) so the variance does not cancel. Reductions over the batch axis give each
thread's run of rows its own row of a partial-sum array, so threads never write the same
memory.

With ``xhat = (x - mean) * invstd`` and ``dxhat = g * weight``, the backward kernels compute
``dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))``, ``dweight = sum(g * xhat)``
and ``dbias = sum(g)``; a missing weight or bias is passed as ones / zeros.
"""
from __future__ import annotations

import numpy as np

from . import config
from .activations import _float_array, _like
from .threads import SplitKernel, bounds

# --- loops ---------------------------------------------------------------------------------


@config.jit()
def _per_channel(partial, length, count, out):
    """out[c] = sum of partial[:, c * length : (c + 1) * length] / count: chunk sums -> channel.

    Loops, not ``partial.sum(axis=0)``: that compiles numpy's axis machinery (with its error
    message formatting), seconds of compile time for one line."""
    for c in range(out.size):
        total = 0.0
        for k in range(partial.shape[0]):
            for j in range(c * length, (c + 1) * length):
                total += partial[k, j]
        out[c] = total / count


@config.jit()
def _per_feature(per_channel, length):
    """Each channel's value repeated ``length`` times, in float64: the layout of a row of (N, C * L)."""
    out = np.empty(per_channel.size * length)
    for c in range(per_channel.size):
        for j in range(c * length, (c + 1) * length):
            out[j] = per_channel[c]
    return out


# The per-channel vector arithmetic between the passes over the rows.

@config.jit()
def _affine(weight, bias, var, eps, length):
    """Per-feature scale weight / sqrt(var + eps) and shift bias."""
    return _per_feature(weight / np.sqrt(var + eps), length), _per_feature(bias, length)


@config.jit()
def _backward_coefficients(weight, invstd, dweight, dbias, count, length):
    """Scale ``dweight`` by invstd in place; per-feature a, b, c of dx = a*g + b*(x - mean) + c
    (the means of dxhat and dxhat * xhat folded in)."""
    dweight *= invstd
    scale = weight * invstd
    return (_per_feature(scale, length), _per_feature(-scale * invstd * dweight / count, length),
            _per_feature(-scale * dbias / count, length))


# Batch norm runs over rows of (N, C * L) with per-feature vectors, which keeps every inner
# loop contiguous and vectorisable, for L == 1 as for long L. Its reductions over the batch
# axis give each run of rows its own row of a partial-sum array (one run per thread).

_run = config.jit()(bounds)  # rows [lo, hi) of run k: the cut SplitKernel makes


def _sum_rows(x2, partial):
    for k in range(partial.shape[0]):
        acc = partial[k]
        lo, hi = _run(x2.shape[0], partial.shape[0], k)
        for n in range(lo, hi):
            row = x2[n]
            for j in range(row.size):
                acc[j] += row[j]


def _sum_squared_deviations(x2, mean_f, partial):
    for k in range(partial.shape[0]):
        acc = partial[k]
        lo, hi = _run(x2.shape[0], partial.shape[0], k)
        for n in range(lo, hi):
            row = x2[n]
            for j in range(row.size):
                d = row[j] - mean_f[j]
                acc[j] += d * d


def _normalize_rows(x2, mean_f, scale_f, bias_f, out2):
    for n in range(x2.shape[0]):
        row = x2[n]
        out_row = out2[n]
        for j in range(row.size):
            out_row[j] = (row[j] - mean_f[j]) * scale_f[j] + bias_f[j]


def _sum_gradients(g2, x2, mean_f, partial_g, partial_gx):
    for k in range(partial_g.shape[0]):
        acc_g = partial_g[k]
        acc_gx = partial_gx[k]
        lo, hi = _run(x2.shape[0], partial_g.shape[0], k)
        for n in range(lo, hi):
            row = x2[n]
            grad = g2[n]
            for j in range(row.size):
                acc_g[j] += grad[j]
                acc_gx[j] += grad[j] * (row[j] - mean_f[j])


def _input_gradient_rows(g2, x2, mean_f, a, b, c0, dx2):
    for n in range(x2.shape[0]):
        row = x2[n]
        grad = g2[n]
        out_row = dx2[n]
        for j in range(row.size):
            out_row[j] = a[j] * grad[j] + b[j] * (row[j] - mean_f[j]) + c0[j]


def _layer_norm_fwd(x, weight, bias, eps, out, mean, invstd):
    rows, width = x.shape
    for r in range(rows):
        s = 0.0
        for d in range(width):
            s += np.float64(x[r, d])
        m = s / width
        s = 0.0
        for d in range(width):
            dev = np.float64(x[r, d]) - m
            s += dev * dev
        rstd = 1.0 / np.sqrt(s / width + eps)
        mean[r] = m
        invstd[r] = rstd
        for d in range(width):
            out[r, d] = (x[r, d] - m) * rstd * weight[d] + bias[d]


def _layer_norm_bwd(g, x, mean, invstd, weight, dx, partial_w, partial_b):
    rows, width = x.shape
    for k in range(partial_w.shape[0]):
        lo, hi = _run(rows, partial_w.shape[0], k)
        for r in range(lo, hi):
            m = mean[r]
            rstd = invstd[r]
            s = 0.0
            sx = 0.0
            for d in range(width):
                xhat = (np.float64(x[r, d]) - m) * rstd
                gd = np.float64(g[r, d])
                partial_w[k, d] += gd * xhat
                partial_b[k, d] += gd
                dxhat = gd * weight[d]
                s += dxhat
                sx += dxhat * xhat
            s /= width
            sx /= width
            for d in range(width):
                xhat = (np.float64(x[r, d]) - m) * rstd
                dx[r, d] = rstd * (np.float64(g[r, d]) * weight[d] - s - xhat * sx)


# Arguments at the positions in ``shared`` are per-feature vectors every thread reads whole.
_SUM_ROWS = SplitKernel(_sum_rows)
_SUM_SQUARED_DEVIATIONS = SplitKernel(_sum_squared_deviations, shared=(1,))
_NORMALIZE_ROWS = SplitKernel(_normalize_rows, shared=(1, 2, 3))
_SUM_GRADIENTS = SplitKernel(_sum_gradients, shared=(2,))
_INPUT_GRADIENT_ROWS = SplitKernel(_input_gradient_rows, shared=(2, 3, 4, 5))
_LAYER_NORM_FWD = SplitKernel(_layer_norm_fwd, shared=(1, 2))
_LAYER_NORM_BWD = SplitKernel(_layer_norm_bwd, shared=(4,))

# --- public API ----------------------------------------------------------------------------


def _vector(name: str, v: np.ndarray | None, size: int, fill: float) -> np.ndarray:
    """A per-channel parameter as a float64 vector (``fill`` when absent)."""
    if v is None:
        return np.full(size, fill)
    if v.shape != (size,):
        raise ValueError(f"{name}: parameter of shape {v.shape} does not match {size} features")
    return v.astype(np.float64)


def _rows(name: str, x: np.ndarray) -> tuple[np.ndarray, int, int]:
    """``x`` (N, C, L) as contiguous rows (N, C * L), with C and L."""
    x = _float_array(name, x)
    return x.reshape(x.shape[0], -1), x.shape[1], x.shape[2]


def batch_norm_fwd(x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None,
                   eps: float) -> tuple:
    """y = (x - mean) / sqrt(var + eps) * weight + bias over axes (0, 2) of (N, C, L).

    Returns ``(y, mean, var)`` with the biased batch variance, statistics in float64.
    """
    x2, channels, length = _rows("batch_norm_fwd", x)
    weight = _vector("batch_norm_fwd", weight, channels, 1.0)
    bias = _vector("batch_norm_fwd", bias, channels, 0.0)
    count = x2.shape[0] * length
    mean, var = np.empty(channels), np.empty(channels)
    partial = np.zeros((_SUM_ROWS.parts(x2.size, x2.shape[0]), x2.shape[1]))
    _SUM_ROWS(x2.size, x2, partial)
    _per_channel(partial, length, count, mean)
    mean_f = _per_feature(mean, length)
    partial[:] = 0.0
    _SUM_SQUARED_DEVIATIONS(x2.size, x2, mean_f, partial)
    _per_channel(partial, length, count, var)
    scale_f, bias_f = _affine(weight, bias, var, float(eps), length)
    out = np.empty(x.shape, x2.dtype)
    _NORMALIZE_ROWS(x2.size, x2, mean_f, scale_f, bias_f, out.reshape(x2.shape))
    return out, mean, var


def batch_norm_bwd(g: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
                   weight: np.ndarray | None) -> tuple:
    """(dx, dweight, dbias) of ``batch_norm_fwd`` in training mode for upstream ``g``."""
    x2, channels, length = _rows("batch_norm_bwd", x)
    g2 = _like("batch_norm_bwd", x, g).reshape(x2.shape)
    mean_f = _per_feature(_vector("batch_norm_bwd", mean, channels, 0.0), length)
    invstd = _vector("batch_norm_bwd", invstd, channels, 1.0)
    weight = _vector("batch_norm_bwd", weight, channels, 1.0)
    parts = _SUM_GRADIENTS.parts(x2.size, x2.shape[0])
    partial_g, partial_gx = np.zeros((parts, x2.shape[1])), np.zeros((parts, x2.shape[1]))
    _SUM_GRADIENTS(x2.size, g2, x2, mean_f, partial_g, partial_gx)
    dweight, dbias = np.empty(channels), np.empty(channels)
    _per_channel(partial_g, length, 1, dbias)
    _per_channel(partial_gx, length, 1, dweight)
    a, b, c0 = _backward_coefficients(weight, invstd, dweight, dbias, x2.shape[0] * length,
                                      length)
    dx = np.empty(x.shape, x2.dtype)
    _INPUT_GRADIENT_ROWS(x2.size, g2, x2, mean_f, a, b, c0, dx.reshape(x2.shape))
    return dx, dweight, dbias


def layer_norm_fwd(x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None,
                   eps: float) -> tuple:
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the last axis of (M, D).

    Returns ``(y, mean, invstd)``, statistics per row in float64.
    """
    x = _float_array("layer_norm_fwd", x)
    rows, width = x.shape
    out = np.empty_like(x)
    mean, invstd = np.empty(rows), np.empty(rows)
    _LAYER_NORM_FWD(
        x.size, x, _vector("layer_norm_fwd", weight, width, 1.0),
        _vector("layer_norm_fwd", bias, width, 0.0), float(eps), out, mean, invstd)
    return out, mean, invstd


def layer_norm_bwd(g: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
                   weight: np.ndarray | None) -> tuple:
    """(dx, dweight, dbias) of ``layer_norm_fwd`` for upstream ``g``."""
    x = _float_array("layer_norm_bwd", x)
    g = _like("layer_norm_bwd", x, g)
    rows, width = x.shape
    parts = _LAYER_NORM_BWD.parts(x.size, rows)
    dx = np.empty_like(x)
    partial_w, partial_b = np.zeros((parts, width)), np.zeros((parts, width))
    _LAYER_NORM_BWD(
        x.size, g, x, _vector("layer_norm_bwd", mean, rows, 0.0),
        _vector("layer_norm_bwd", invstd, rows, 1.0),
        _vector("layer_norm_bwd", weight, width, 1.0), dx, partial_w, partial_b)
    return dx, partial_w.sum(0), partial_b.sum(0)
