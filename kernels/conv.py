"""2-D convolution and max-pooling kernels on (N, C, H, W) arrays.

Convolution is im2col + GEMM: ``im2col`` unfolds every receptive field into a column of
``cols[n, (c, i, j), (oh, ow)]`` (zero padding is read as 0, never materialised), the
caller multiplies by the weight matrix, and ``col2im`` is its adjoint, scatter-adding
columns back into an image (the gradient wrt the input). When the output is as wide as the
image at stride 1 (a "same" convolution such as 3x3 with padding 1), each tap's column row
is the image shifted by a constant: one long copy (im2col) or masked add (col2im) instead
of a short one per output row (im2col 2.6x faster on a (64, 32, 16, 16) batch, col2im
2-5x). A multi-threaded call gives each thread a run of images, so the scatter needs no
atomics (one image runs on one thread).

Max-pooling returns the values and, as PyTorch, the argmax as a flat index into the
input's H * W plane; the first maximum in scan order wins ties and NaN propagates. The
usual window (2x2, stride 2, no padding: ``MaxPool2d(2)``) has its own unrolled loop; any
other runs the general one, which walks the taps in scan order over whole output rows.
``max_pool2d_bwd`` scatter-adds the gradient to those indices.

Geometry arguments are ints: ``(kh, kw)`` kernel, ``(sh, sw)`` stride, ``(ph, pw)``
padding, ``(dh, dw)`` dilation; output sizes are computed by the caller, which also
checks them (a kernel never reads out of bounds: every access is bounds-tested).
"""
from __future__ import annotations

import numpy as np
from numba.extending import overload

from . import config
from .activations import _float_array
from .threads import SplitKernel

# --- loops ---------------------------------------------------------------------------------


@config.jit()
def _valid_range(offset, stride, size, out_size):
    """[lo, hi): the outputs o with 0 <= o * stride + offset < size."""
    lo = 0 if offset >= 0 else (-offset + stride - 1) // stride
    hi = (size - offset + stride - 1) // stride if size > offset else 0
    return min(lo, out_size), max(min(hi, out_size), min(lo, out_size))


# Loops index slices from 0: Numba wraps a negative index around, and an index LLVM cannot
# prove non-negative (``row[base + xo]``) keeps that select in the loop and blocks
# vectorisation; counting from 0 drops it (col2im 2-5x faster).


@config.jit()
def _copy_shifted(image, row, delta, y_lo, y_hi, x_lo, x_hi, ow):
    """One tap's column row when the output has the image's width at stride 1: every output
    position reads ``image.flat[position + delta]``, so the rows y_lo..y_hi are one long
    vectorisable copy; the edge columns it wraps onto are padding, zeroed after."""
    lo, hi = y_lo * ow + x_lo, (y_hi - 1) * ow + x_hi
    src, dst = image[lo + delta:hi + delta], row[lo:hi]
    for d in range(hi - lo):
        dst[d] = src[d]
    for y in range(y_lo, y_hi):
        row[y * ow:y * ow + x_lo] = 0.0
        row[y * ow + x_hi:(y + 1) * ow] = 0.0


@config.jit()
def _add_shifted(image, row, inside, delta, lo, hi):
    """col2im's counterpart of ``_copy_shifted``: ``image.flat[d + delta] += row[d]`` over
    one long run, skipping (by a select, so the loop vectorises) the padding positions
    ``inside`` marks False."""
    src, keep, dst = row[lo:hi], inside[lo:hi], image[lo + delta:hi + delta]
    zero = row.dtype.type(0)
    for d in range(hi - lo):
        dst[d] += src[d] if keep[d] else zero


def _im2col(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    n_batch, channels, height, width = x.shape
    same_width = sh == 1 and sw == 1 and ow == width  # e.g. 3x3, padding 1, stride 1
    for plane in range(n_batch * channels):
        n = plane // channels
        c = plane - n * channels
        image = x[n, c].reshape(-1)
        for i in range(kh):
            y_lo, y_hi = _valid_range(i * dh - ph, sh, height, oh)
            for j in range(kw):
                row = cols[n, (c * kh + i) * kw + j]
                offset = j * dw - pw
                x_lo, x_hi = _valid_range(offset, sw, width, ow)
                row[:y_lo * ow] = 0.0
                row[y_hi * ow:] = 0.0
                if same_width and x_lo < x_hi:
                    _copy_shifted(image, row, (i * dh - ph) * width + offset, y_lo, y_hi,
                                  x_lo, x_hi, ow)
                    continue
                for y in range(y_lo, y_hi):
                    src = x[n, c, y * sh + i * dh - ph]
                    base = y * ow
                    row[base:base + x_lo] = 0.0
                    row[base + x_hi:base + ow] = 0.0
                    dst = row[base + x_lo:base + x_hi]
                    if sw == 1:  # unit stride: a contiguous copy LLVM vectorises
                        src = src[x_lo + offset:x_hi + offset]
                        for xo in range(x_hi - x_lo):
                            dst[xo] = src[xo]
                    else:
                        for xo in range(x_hi - x_lo):
                            dst[xo] = src[(xo + x_lo) * sw + offset]


def _col2im(cols, out, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    n_batch, channels, height, width = out.shape
    same_width = sh == 1 and sw == 1 and ow == width
    inside = np.zeros((kw, oh * ow), np.bool_)  # same_width: which positions are not padding
    if same_width:
        for j in range(kw):
            x_lo, x_hi = _valid_range(j * dw - pw, sw, width, ow)
            for d in range(oh * ow):
                inside[j, d] = x_lo <= d % ow < x_hi
    for plane in range(n_batch * channels):
        n = plane // channels
        c = plane - n * channels
        image = out[n, c].reshape(-1)
        image[:] = 0.0
        for i in range(kh):
            y_lo, y_hi = _valid_range(i * dh - ph, sh, height, oh)
            for j in range(kw):
                row = cols[n, (c * kh + i) * kw + j]
                offset = j * dw - pw
                x_lo, x_hi = _valid_range(offset, sw, width, ow)
                if same_width and x_lo < x_hi:
                    _add_shifted(image, row, inside[j], (i * dh - ph) * width + offset,
                                 y_lo * ow + x_lo, (y_hi - 1) * ow + x_hi)
                    continue
                for y in range(y_lo, y_hi):
                    dst = out[n, c, y * sh + i * dh - ph]
                    src = row[y * ow + x_lo:y * ow + x_hi]
                    if sw == 1:
                        dst = dst[x_lo + offset:x_hi + offset]
                        for xo in range(x_hi - x_lo):
                            dst[xo] += src[xo]
                    else:
                        for xo in range(x_hi - x_lo):
                            dst[(xo + x_lo) * sw + offset] += src[xo]


def _pool_pick(v, best, k, candidate):
    """PyTorch's max-pooling rule for one more tap: ``(best, k)`` after looking at value
    ``v`` at flat index ``candidate``. ``v`` wins if greater, if it is NaN (so the last NaN
    of a window wins, as in PyTorch's kernel), or if no tap was taken yet (``k < 0``); the
    value is NaN once a NaN was seen."""
    if v > best or v != v or k < 0:
        return v, candidate
    return best, k


@overload(_pool_pick, jit_options={"error_model": "numpy"})
def _pool_pick_impl(v, best, k, candidate):
    def impl(v, best, k, candidate):
        # Arithmetic, not branches: a data-dependent branch per tap mispredicts half the
        # time and made pooling 10x slower than a branch-free loop. np.maximum keeps a NaN.
        take = np.int64((v > best) | (v != v) | (k < 0))
        return np.maximum(best, v), k + take * (candidate - k)
    return impl


def _max_pool2d_fwd(x, out, index, kh, kw, sh, sw, ph, pw, dh, dw):
    """Any window: each tap in scan order updates a whole output row."""
    n_batch, channels, height, width = x.shape
    oh, ow = out.shape[2], out.shape[3]
    for plane in range(n_batch * channels):
        n = plane // channels
        c = plane - n * channels
        image = x[n, c]
        for y in range(oh):
            best, arg = out[n, c, y], index[n, c, y]
            best[:] = -np.inf
            arg[:] = -1
            for i in range(kh):
                iy = y * sh - ph + i * dh
                if iy < 0 or iy >= height:
                    continue
                row = image[iy]
                for j in range(kw):
                    offset = j * dw - pw
                    x_lo, x_hi = _valid_range(offset, sw, width, ow)
                    for xo in range(x_lo, x_hi):
                        ix = xo * sw + offset
                        best[xo], arg[xo] = _pool_pick(row[ix], best[xo], arg[xo],
                                                       iy * width + ix)


def _max_pool2x2_fwd(x, out, index):
    """The common window (2x2, stride 2, no padding or dilation), unrolled: 5-10x faster
    than the general loop, whose tap loops of two iterations LLVM cannot unroll."""
    n_batch, channels, height, width = x.shape
    oh, ow = out.shape[2], out.shape[3]
    for plane in range(n_batch * channels):
        n = plane // channels
        c = plane - n * channels
        for y in range(oh):
            top, bottom = x[n, c, 2 * y], x[n, c, 2 * y + 1]
            best_row, arg_row = out[n, c, y], index[n, c, y]
            first = 2 * y * width
            for xo in range(ow):
                ix = 2 * xo
                best, k = _pool_pick(top[ix], top[ix], -1, first + ix)
                best, k = _pool_pick(top[ix + 1], best, k, first + ix + 1)
                best, k = _pool_pick(bottom[ix], best, k, first + width + ix)
                best, k = _pool_pick(bottom[ix + 1], best, k, first + width + ix + 1)
                best_row[xo] = best
                arg_row[xo] = k


def _max_pool2d_bwd(g, index, out):
    """Flat planes: the index is already a flat position, and splitting it into a row and a
    column (an integer division per element) made this 2x slower."""
    n_batch, channels = g.shape[:2]
    for plane in range(n_batch * channels):
        n = plane // channels
        c = plane - n * channels
        image = out[n, c].reshape(-1)
        image[:] = 0.0
        grads, where = g[n, c].reshape(-1), index[n, c].reshape(-1)
        for i in range(grads.size):
            image[where[i]] += grads[i]


_KERNELS = {loop.__name__[1:]: SplitKernel(loop) for loop in (
    _im2col, _col2im, _max_pool2d_fwd, _max_pool2x2_fwd, _max_pool2d_bwd)}

_WINDOW_2X2 = ((2, 2), (2, 2), (0, 0), (1, 1))  # kernel, stride, padding, dilation

# --- public API ----------------------------------------------------------------------------


def im2col(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
           out_size: tuple) -> np.ndarray:
    """cols[n, (c*kh + i)*kw + j, y*ow + x] = x[n, c, y*sh - ph + i*dh, x*sw - pw + j*dw].

    Taps outside the image read 0 (zero padding)."""
    x = _float_array("im2col", x)
    n_batch, channels = x.shape[:2]
    (kh, kw), (oh, ow) = kernel, out_size
    cols = np.empty((n_batch, channels * kh * kw, oh * ow), x.dtype)
    _KERNELS["im2col"](cols.size, x, cols, kh, kw, *stride, *padding, *dilation, oh, ow)
    return cols


def col2im(cols: np.ndarray, image_shape: tuple, kernel: tuple, stride: tuple,
           padding: tuple, dilation: tuple, out_size: tuple) -> np.ndarray:
    """Adjoint of ``im2col``: scatter-add every column entry back to its image pixel."""
    cols = _float_array("col2im", cols)
    (kh, kw), (oh, ow) = kernel, out_size
    expected = (image_shape[0], image_shape[1] * kh * kw, oh * ow)
    if cols.shape != expected:
        raise ValueError(f"col2im: columns of shape {cols.shape} do not match {expected}")
    out = np.empty(image_shape, cols.dtype)
    _KERNELS["col2im"](cols.size, cols, out, kh, kw, *stride, *padding, *dilation, oh, ow)
    return out


def max_pool2d_fwd(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
                   dilation: tuple, out_size: tuple) -> tuple:
    """(values, flat argmax within each H*W plane) of every pooling window."""
    x = _float_array("max_pool2d_fwd", x)
    shape = x.shape[:2] + tuple(out_size)
    out = np.empty(shape, x.dtype)
    index = np.empty(shape, np.int64)
    if ((tuple(kernel), tuple(stride), tuple(padding), tuple(dilation)) == _WINDOW_2X2
            and 2 * shape[2] <= x.shape[2] and 2 * shape[3] <= x.shape[3]):  # not ceil_mode
        _KERNELS["max_pool2x2_fwd"](x.size, x, out, index)
    else:
        _KERNELS["max_pool2d_fwd"](x.size, x, out, index, *kernel, *stride, *padding,
                                   *dilation)
    return out, index


def max_pool2d_bwd(g: np.ndarray, index: np.ndarray, image_shape: tuple) -> np.ndarray:
    """out[n, c].flat[index[n, c, y, x]] += g[n, c, y, x]; zeros elsewhere."""
    g = _float_array("max_pool2d_bwd", g)
    if index.shape != g.shape or index.dtype != np.int64:
        raise ValueError(f"max_pool2d_bwd: index {index.dtype}{list(index.shape)} does not "
                         f"match gradient {list(g.shape)}")
    plane = image_shape[2] * image_shape[3]
    if index.size and (index.min() < 0 or index.max() >= plane):
        raise IndexError(f"max_pool2d_bwd: index out of range for a plane of {plane} elements")
    out = np.empty(image_shape, g.dtype)
    _KERNELS["max_pool2d_bwd"](out.size, g, np.ascontiguousarray(index), out)
    return out
