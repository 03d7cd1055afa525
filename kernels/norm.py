"""Batch and layer normalisation: fused forward (statistics + normalise + affine) and backward.

Batch norm works on ``x[n, c, l]`` ((N, C) inputs are viewed as (N, C, 1)) with statistics
per channel over (n, l); layer norm on ``x[m, d]`` with statistics per row. Statistics are
accumulated in float64 whatever the input dtype, in two passes (mean, then squared
deviations) so the variance does not cancel. Reductions over the batch axis are split into
row chunks that run in parallel, each into its own slot of a partial-sum array, so threads
never write the same memory.

With ``xhat = (x - mean) * invstd`` and ``dxhat = g * weight``, the backward kernels compute
``dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))``, ``dweight = sum(g * xhat)``
and ``dbias = sum(g)``; a missing weight or bias is passed as ones / zeros.
"""
from __future__ import annotations

import numba
import numpy as np
from numba import prange

from . import config
from .activations import _float_array, _like, _SerialOrParallel

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


# The per-channel vector arithmetic runs in these serial helpers: in a parallel build each
# array expression would be a parallel loop of its own (thread launch, compiled gufunc).

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


def _batch_norm_fwd(x, weight, bias, eps, out, mean, var, n_chunks):
    # Rows of (N, C * L) with per-feature vectors keep every inner loop contiguous and
    # vectorisable, for L == 1 as for long L.
    n_batch, channels, length = x.shape
    features = channels * length
    x2 = x.reshape(n_batch, features)
    out2 = out.reshape(n_batch, features)
    partial = np.zeros((n_chunks, features))
    for k in prange(n_chunks):
        acc = partial[k]
        for n in range(k * n_batch // n_chunks, (k + 1) * n_batch // n_chunks):
            row = x2[n]
            for j in range(features):
                acc[j] += row[j]
    _per_channel(partial, length, n_batch * length, mean)
    mean_f = _per_feature(mean, length)
    partial[:] = 0.0
    for k in prange(n_chunks):
        acc = partial[k]
        for n in range(k * n_batch // n_chunks, (k + 1) * n_batch // n_chunks):
            row = x2[n]
            for j in range(features):
                d = row[j] - mean_f[j]
                acc[j] += d * d
    _per_channel(partial, length, n_batch * length, var)
    scale_f, bias_f = _affine(weight, bias, var, eps, length)
    for n in prange(n_batch):
        row = x2[n]
        out_row = out2[n]
        for j in range(features):
            out_row[j] = (row[j] - mean_f[j]) * scale_f[j] + bias_f[j]


def _batch_norm_bwd(g, x, mean, invstd, weight, dx, dweight, dbias, n_chunks):
    n_batch, channels, length = x.shape
    features = channels * length
    count = n_batch * length
    x2 = x.reshape(n_batch, features)
    g2 = g.reshape(n_batch, features)
    dx2 = dx.reshape(n_batch, features)
    mean_f = _per_feature(mean, length)
    partial_g = np.zeros((n_chunks, features))
    partial_gx = np.zeros((n_chunks, features))
    for k in prange(n_chunks):
        acc_g = partial_g[k]
        acc_gx = partial_gx[k]
        for n in range(k * n_batch // n_chunks, (k + 1) * n_batch // n_chunks):
            row = x2[n]
            grad = g2[n]
            for j in range(features):
                acc_g[j] += grad[j]
                acc_gx[j] += grad[j] * (row[j] - mean_f[j])
    one = np.int64(1)  # a literal 1 would compile a second copy of _per_channel
    _per_channel(partial_g, length, one, dbias)
    _per_channel(partial_gx, length, one, dweight)
    a, b, c0 = _backward_coefficients(weight, invstd, dweight, dbias, count, length)
    for n in prange(n_batch):
        row = x2[n]
        grad = g2[n]
        out_row = dx2[n]
        for j in range(features):
            out_row[j] = a[j] * grad[j] + b[j] * (row[j] - mean_f[j]) + c0[j]


def _layer_norm_fwd(x, weight, bias, eps, out, mean, invstd):
    rows, width = x.shape
    for r in prange(rows):
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


def _layer_norm_bwd(g, x, mean, invstd, weight, dx, partial_w, partial_b, n_chunks):
    rows, width = x.shape
    for k in prange(n_chunks):
        for r in range(k * rows // n_chunks, (k + 1) * rows // n_chunks):
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


_KERNELS = {loop.__name__[1:]: _SerialOrParallel(loop) for loop in (
    _batch_norm_fwd, _batch_norm_bwd, _layer_norm_fwd, _layer_norm_bwd)}

# --- public API ----------------------------------------------------------------------------


def _n_chunks(rows: int) -> int:
    return max(1, min(rows, 4 * numba.get_num_threads()))


def _vector(name: str, v: np.ndarray | None, size: int, fill: float) -> np.ndarray:
    """A per-channel parameter as a float64 vector (``fill`` when absent)."""
    if v is None:
        return np.full(size, fill)
    if v.shape != (size,):
        raise ValueError(f"{name}: parameter of shape {v.shape} does not match {size} features")
    return v.astype(np.float64)


def batch_norm_fwd(x: np.ndarray, weight: np.ndarray | None, bias: np.ndarray | None,
                   eps: float) -> tuple:
    """y = (x - mean) / sqrt(var + eps) * weight + bias over axes (0, 2) of (N, C, L).

    Returns ``(y, mean, var)`` with the biased batch variance, statistics in float64.
    """
    x = _float_array("batch_norm_fwd", x)
    channels = x.shape[1]
    out = np.empty_like(x)
    mean, var = np.empty(channels), np.empty(channels)
    _KERNELS["batch_norm_fwd"](
        x.size, x, _vector("batch_norm_fwd", weight, channels, 1.0),
        _vector("batch_norm_fwd", bias, channels, 0.0), float(eps), out, mean, var,
        _n_chunks(x.shape[0]))
    return out, mean, var


def batch_norm_bwd(g: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
                   weight: np.ndarray | None) -> tuple:
    """(dx, dweight, dbias) of ``batch_norm_fwd`` in training mode for upstream ``g``."""
    x = _float_array("batch_norm_bwd", x)
    g = _like("batch_norm_bwd", x, g)
    channels = x.shape[1]
    dx = np.empty_like(x)
    dweight, dbias = np.empty(channels), np.empty(channels)
    _KERNELS["batch_norm_bwd"](
        x.size, g, x, _vector("batch_norm_bwd", mean, channels, 0.0),
        _vector("batch_norm_bwd", invstd, channels, 1.0),
        _vector("batch_norm_bwd", weight, channels, 1.0), dx, dweight, dbias,
        _n_chunks(x.shape[0]))
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
    _KERNELS["layer_norm_fwd"](
        x.size, x, _vector("layer_norm_fwd", weight, width, 1.0),
        _vector("layer_norm_fwd", bias, width, 0.0), float(eps), out, mean, invstd)
    return out, mean, invstd


def layer_norm_bwd(g: np.ndarray, x: np.ndarray, mean: np.ndarray, invstd: np.ndarray,
                   weight: np.ndarray | None) -> tuple:
    """(dx, dweight, dbias) of ``layer_norm_fwd`` for upstream ``g``."""
    x = _float_array("layer_norm_bwd", x)
    g = _like("layer_norm_bwd", x, g)
    rows, width = x.shape
    n_chunks = _n_chunks(rows)
    dx = np.empty_like(x)
    partial_w, partial_b = np.zeros((n_chunks, width)), np.zeros((n_chunks, width))
    _KERNELS["layer_norm_bwd"](
        x.size, g, x, _vector("layer_norm_bwd", mean, rows, 0.0),
        _vector("layer_norm_bwd", invstd, rows, 1.0),
        _vector("layer_norm_bwd", weight, width, 1.0), dx, partial_w, partial_b, n_chunks)
    return dx, partial_w.sum(0), partial_b.sum(0)
