"""Convolution and max-pooling kernels: 2-D im2col/col2im and pooling on (N, C, H, W) arrays,
and the convolution GEMM on (N, C, D, H, W) arrays (every rank as 3-D).

float32 convolutions (``conv_gemm`` and its weight gradient ``conv_gemm_weight``) are one
GEMM per image that never builds the im2col matrix: it copies the image into a zero-padded
scratch image (at stride s, into its s x s stride phases), where every row of the im2col
matrix is a contiguous run (see ``_conv_gemm``), and packs the GEMM's B panels from those
runs; the matmul kernel's micro-kernel (``kernels/matmul.py``) multiplies them, and the
output is unpadded with the bias added, all per image while it is in cache. The input
gradient is convolutions of the output gradient with the flipped kernel, one per stride
phase of the input (``ops/conv.py``, ``_phase_convolutions``). ``ops/conv.py`` takes this
route while large matmuls run on the Numba GEMM (OpenBLAS's spinning workers would halve
its threads' speed otherwise). On the benchmark's (32, 16, 28, 28) 3x3 -> 32
convolution, one thread: forward 2.4-2.8 ms (im2col + OpenBLAS on two threads: 4.1-4.6
ms), of which the micro-kernel ~1.9 ms (~130 GFLOP/s) and padding, packing, unpadding
~0.6 ms.

float64 convolutions and the input gradient with few input channels (``ops/conv.py``) are
im2col + GEMM: ``im2col`` unfolds every receptive field into a column of
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

import itertools
import math

import numba
import numpy as np
from numba.core import config as numba_config
from numba.extending import overload

from . import config, threads
from .activations import _float_array
from .depthwise import _split_pairs
from .matmul import (KC, PARALLEL_MIN_FLOPS, _get32, _macro_kernel, _pack_a, _pack_rows8,
                     _put32, _release, _scratch, _vectorizer_flags)
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


# --- convolution as a GEMM over padded images ------------------------------------------------
# At stride 1, write an image of size S zero-padded to P = out + dilation * (kernel - 1)
# row-major, and number the outputs the same way, each output row P wide (the last
# P - out columns of a row are not outputs): output q then reads the padded image at
# ``offsets[k] + q`` for tap k = (channel, taps), so the im2col matrix B[k, q] has every row
# a contiguous run of the padded image. The GEMM packs its B panels straight from those
# runs: no im2col matrix, and the packing reads an image that stays in cache.
# At stride s, the padded image (now P = s * (out - 1) + dilation * (kernel - 1) + 1) is
# written as its s x s stride phases, phase (r, t) holding the pixels at (s*i + r, s*j + t),
# each phase Q = ceil(P / s) wide: tap d*k = s*u + r of output o reads pixel s*(o + u) + r,
# pixel o + u of phase r, so every row of B is again a contiguous run, now of one phase
# (numbered with rows Q wide). Stride 1 is the one-phase case.


@config.jit(_nrt=False)
def _pack_runs(image, offsets, k0, kc, j0, n, panel):
    """Pack B[k0:k0+kc, j0:j0+32] of B[k, q] = image[offsets[k] + q] into ``panel``
    (>= kc, 32); columns past ``n`` are zero."""
    cols = min(32, n - j0)
    if cols == 32:
        for p in range(kc):
            start = offsets[k0 + p] + j0
            low, high = _get32(image[start:start + 32])
            _put32(panel[p], low, high)
        return
    panel[:kc] = 0
    for p in range(kc):
        start = offsets[k0 + p] + j0
        run = image[start:start + cols]
        for s in range(cols):
            panel[p, s] = run[s]


@config.jit(_nrt=False)
def _pack_runs_t(image, offsets, k0, kc, j0, n, panel, stage):
    """Pack B[k0:k0+kc, j0:j0+32] of B[q, k] = image[offsets[k] + q] (every column of B a
    run of the image) into ``panel``; columns past ``n`` are zero. Eight runs at a time are
    copied into ``stage`` (8, >= kc) and interleaved by in-register transposes."""
    cols = min(32, n - j0)
    if cols < 32:
        panel[:kc] = 0
    full = cols // 8 * 8
    for s0 in range(0, full, 8):
        for s in range(8):
            start = offsets[j0 + s0 + s] + k0
            run, row = image[start:start + kc], stage[s]
            for p in range(kc):
                row[p] = run[p]
        _pack_rows8(stage[:, :kc], panel, np.int64(s0))
    for s in range(full, cols):
        start = offsets[j0 + s] + k0
        run = image[start:start + kc]
        for p in range(kc):
            panel[p, s] = run[p]


@config.jit(_nrt=False)
def _to_padded(src, dst, pd, ph, pw, hp, wp):
    """Write the (D, H, W) block ``src`` into the flat padded image ``dst`` at (pd, ph, pw)."""
    depth, height, width = src.shape
    for z in range(depth):
        for r in range(height):
            start = ((z + pd) * hp + r + ph) * wp + pw
            row, run = src[z, r], dst[start:start + width]
            for i in range(width):
                run[i] = row[i]


@config.jit(_nrt=False)
def _to_phases(src, dst, pd, ph, pw, dq, hq, wq, index):
    """Write the (D, H, W) block ``src``, zero-padded by (pd, ph, pw) before, into ``dst`` as
    its stride phases: with (sd, sh, sw) the shape of ``index``, phase (a, b, e) holds the
    padded pixel (sd*u + a, sh*v + b, sw*t + e) at (u, v, t) and is the flat (dq, hq, wq)
    image number ``index[a, b, e]`` of ``dst``, or is skipped if that is negative (no tap
    reads it). At stride 1, the padded image."""
    sd, sh, sw = index.shape
    if sd == 1 and sh == 1 and sw == 1:
        _to_padded(src, dst, pd, ph, pw, hq, wq)
        return
    depth, height, width = src.shape
    plane = dq * hq * wq
    first = pw % sw  # the column phase of src's first column
    for z in range(depth):
        a, u = (z + pd) % sd, (z + pd) // sd
        for r in range(height):
            b, v = (r + ph) % sh, (r + ph) // sh
            row, base = src[z, r], (u * hq + v) * wq
            if sw == 2 and index[a, b, 0] >= 0 and index[a, b, 1] >= 0:  # both in one pass
                half = width // 2
                start0 = index[a, b, first] * plane + base + pw // 2
                start1 = index[a, b, 1 - first] * plane + base + (pw + 1) // 2
                _split_pairs(row, dst[start0:start0 + half], dst[start1:start1 + half], half)
                if width % 2:
                    dst[start0 + half] = row[width - 1]
                continue
            for e in range(sw):
                if index[a, b, e] < 0:
                    continue
                c0 = (e - pw) % sw  # the first column of src in phase e
                count = (width - c0 + sw - 1) // sw if c0 < width else 0
                start = index[a, b, e] * plane + base + (c0 + pw) // sw
                run = dst[start:start + count]
                for i in range(count):
                    run[i] = row[c0 + i * sw]


@config.jit(_nrt=False)
def _from_padded(src, dst, hp, wp, bias, m):
    """Read the (D, H, W) block ``dst`` from the flat padded output ``src`` (rows ``wp``
    apart, planes ``hp`` rows apart), plus ``bias[m]`` when there is a bias."""
    depth, height, width = dst.shape
    for z in range(depth):
        for r in range(height):
            start = (z * hp + r) * wp
            run, row = src[start:start + width], dst[z, r]
            if bias.size:
                b = bias[m]
                for i in range(width):
                    row[i] = run[i] + b
            else:
                for i in range(width):
                    row[i] = run[i]


@config.jit(_nrt=False)
def _aligned(buffer, start, size):
    """(``buffer[s:s + size]`` for the first s >= start on a 64-byte boundary, its end)."""
    s = start + (-(buffer.ctypes.data + start * buffer.itemsize) % 64) // buffer.itemsize
    return buffer[s:s + size], s + size


ROW_BLOCK = 192  # rows of A per block: 192 x 256 float32 = 192 KiB, L2-resident


@config.jit(fastmath={"contract"}, _nrt=False)
def _conv_gemm(x, g, a, offsets, phases, bias, y, dw, pd, ph, pw, dp, hp, wp, n0, n1,
               weight_grad):
    """For each image n0 <= n < n1 of x (N, C, D, H, W), zero-padded by (pd, ph, pw) before
    and split into the stride phases that ``phases`` numbers (see ``_to_phases``), each
    (dp, hp, wp): the convolution ``y[n, G*mg + m] = a[G, m] @ B_G + bias`` (``a`` the
    (groups, mg, kg) weight matrices), or if ``weight_grad`` its weight gradient
    ``dw[G] += g[n, G*mg:(G+1)*mg] @ B_G^T`` (written, not added, for image n0), where
    ``B_G[k, q] = image[offsets[G, k] + q]`` (see above).

    The matmul kernel's blocking, with one 32-wide B panel at a time, packed from the image
    and multiplied by the row panels of a block of ``ROW_BLOCK`` rows while it is in L1.
    The A panels (the weights, once, or each image's output gradient) are packed whole; a
    block of rows of one KC slice stays in L2 while the B panels of that slice go by.
    Scratch comes from libc (the GEMM's ``_scratch``), as in the matmul kernel."""
    channels = x.shape[1]
    out = g if weight_grad else y
    od, oh, ow = out.shape[2], out.shape[3], out.shape[4]
    groups, mg, kg = dw.shape if weight_grad else a.shape
    used = 0  # phases of each channel
    for number in phases.reshape(phases.size):
        used += number >= 0
    plane = used * dp * hp * wp
    q = ((od - 1) * hp + oh - 1) * wp + ow  # output columns, from the first to the last output
    k_total, n_cols = (q, kg) if weight_grad else (kg, q)
    slices = (k_total + KC - 1) // KC
    kc_max = min(k_total, ((k_total + slices - 1) // slices + 15) // 16 * 16)  # even slices
    panels = (mg + 7) // 8
    # Arguments that would be literals are made int64 (np.int64(0)) or passed as a runtime
    # False (weight_grad, in its False branch): each literal is another compile of the
    # callee, and these match the types the GEMM compiled _pack_a and _macro_kernel for.
    zero = np.int64(0)
    sizes = (channels * plane, groups * panels * 8 * q, groups * slices * panels * kc_max * 8,
             kc_max * 32, np.int64(512), 8 * kc_max)
    scratch, ok = _scratch(sum(sizes) + 6 * 16, y.dtype)
    if not ok:
        raise MemoryError("conv: no memory for the scratch buffers")
    image, end = _aligned(scratch, zero, sizes[0])
    columns, end = _aligned(scratch, end, sizes[1])
    ap, end = _aligned(scratch, end, sizes[2])
    bp, end = _aligned(scratch, end, sizes[3])
    tiles, end = _aligned(scratch, end, sizes[4])
    stage, end = _aligned(scratch, end, sizes[5])
    image[:] = 0  # the padding; each image rewrites only its interior
    columns = columns.reshape((groups, panels * 8, q))
    ap = ap.reshape((groups, slices, panels, kc_max, 8))
    bp = bp.reshape((1, kc_max, 32))
    edge, zeros = tiles[:256].reshape((8, 32)), tiles[256:].reshape((8, 32))
    zeros[:] = 0
    stage = stage.reshape((8, kc_max))
    if weight_grad:
        columns[:] = 0  # the columns between output rows, and rows past mg, stay zero
    else:
        for G in range(groups):
            for s in range(slices):
                k0 = s * kc_max
                _pack_a(a[G], weight_grad, zero, mg, k0, min(kc_max, k_total - k0), ap[G, s])
    for n in range(n0, n1):
        for c in range(channels):
            _to_phases(x[n, c], image[c * plane:(c + 1) * plane], pd, ph, pw, dp, hp, wp,
                       phases)
        if weight_grad:  # A is the output gradient, its rows in the padded layout
            for G in range(groups):
                for m in range(mg):
                    _to_padded(g[n, G * mg + m], columns[G, m], zero, zero, zero, hp, wp)
                for s in range(slices):
                    k0 = s * kc_max
                    kc = min(kc_max, k_total - k0)
                    for r in range(panels):
                        _pack_rows8(columns[G, 8 * r:8 * r + 8, k0:k0 + kc], ap[G, s, r], zero)
        for G in range(groups):
            c_g = dw[G] if weight_grad else columns[G]
            for r0 in range(0, mg, ROW_BLOCK):
                rows = min(ROW_BLOCK, mg - r0)
                for s in range(slices):
                    k0 = s * kc_max
                    kc = min(kc_max, k_total - k0)
                    for j in range(0, n_cols, 32):
                        if weight_grad:
                            _pack_runs_t(image, offsets[G], k0, kc, j, n_cols, bp[0], stage)
                        else:
                            _pack_runs(image, offsets[G], k0, kc, j, n_cols, bp[0])
                        _macro_kernel(ap[G, s, r0 // 8:], bp, c_g, r0, rows, j,
                                      min(32, n_cols - j), kc, edge, zeros,
                                      s > 0 or (weight_grad and n > n0))
        if not weight_grad:
            for G in range(groups):
                for m in range(mg):
                    _from_padded(columns[G, m], y[n, G * mg + m], hp, wp, bias, G * mg + m)
    _release(scratch)


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


def _residues(kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    """Per dim, the stride phases some tap reads: the residues of dilation * tap modulo
    stride (every phase for a 3x3 kernel at stride 2, one for a 1x1 kernel)."""
    return tuple(sorted({d * t % s for t in range(k)}) for k, s, d in zip(kernel, stride,
                                                                          dilation))


def reads_every_phase(kernel: tuple, stride: tuple, dilation: tuple) -> bool:
    """Whether the taps read every stride phase (a 3x3 kernel at stride 2, not a 1x1 one):
    otherwise splitting the image into phases copies pixels no tap reads, one by one (at
    stride 2 both column phases of a row are split in one vectorised pass): a 1x1 stride-2
    convolution then took 3.9 ms against 2.4 ms on im2col + BLAS."""
    return all(len(r) == s for r, s in zip(_residues(kernel, stride, dilation), stride))


def tap_offsets(channels: int, groups: int, kernel: tuple, stride: tuple, dilation: tuple,
                phase: tuple) -> np.ndarray:
    """offsets[G, (c, a, i, j)]: where tap (a, i, j) of channel c of group G (``channels``
    per group) starts in the flat image of ``_conv_gemm``: each channel's stride phases
    that the taps read (``_residues``), each zero-padded and of size ``phase``."""
    kd, kh, _ = kernel
    residues = _residues(kernel, stride, dilation)
    counts = [len(r) for r in residues]
    c = np.arange(groups * channels, dtype=np.int64).reshape(groups, channels, 1, 1, 1)
    # per dim: tap t reads phase (d*t) % s, shifted (d*t) // s pixels within it
    a, i, j = (np.arange(k, dtype=np.int64) * d for k, d in zip(kernel, dilation))
    index = [np.searchsorted(r, t % s) for r, t, s in zip(residues, (a, i, j), stride)]
    phases = (index[0].reshape(kd, 1, 1) * counts[1] + index[1].reshape(kh, 1)) * counts[2] \
        + index[2]
    (sd, sh, sw), (dq, hq, wq) = stride, phase
    shifts = ((a // sd).reshape(kd, 1, 1) * hq + (i // sh).reshape(kh, 1)) * wq + j // sw
    return ((c * math.prod(counts) + phases) * (dq * hq * wq) + shifts).reshape(groups, -1)


GEMM_DTYPE = np.dtype(np.float32)  # the one dtype conv_gemm is compiled for
_gemm_compiled = False


def _gemm_kernel():
    """``_conv_gemm`` compiled (or loaded from cache) on first use, with the matmul kernel's
    vectorizer flags (its micro-kernel is inlined here) and one signature: float32, inputs
    typed read-only, which writable arrays convert to. One dtype only: each costs 4-6 s of
    cold compile, and float64 convolutions (gradcheck's) keep the im2col route."""
    global _gemm_compiled
    if not _gemm_compiled:
        if not numba_config.DISABLE_JIT:
            item, array = numba.from_dtype(GEMM_DTYPE), numba.types.Array
            inputs = (array(item, 5, "C", readonly=True), array(item, 5, "C", readonly=True),
                      array(item, 3, "C", readonly=True),
                      array(numba.types.int64, 2, "C", readonly=True),
                      array(numba.types.int64, 3, "C", readonly=True),
                      array(item, 1, "C", readonly=True))
            outputs = (array(item, 5, "C"), array(item, 3, "C"))
            signature = inputs + outputs + (numba.types.int64,) * 8 + (numba.types.boolean,)
            with _vectorizer_flags():
                _conv_gemm.disable_compile(False)
                _conv_gemm.compile(signature)
                _conv_gemm.disable_compile()
        _gemm_compiled = True
    return _conv_gemm


def _run_gemm(x, g, a, offsets, phases, bias, y, dw, padding, padded, weight_grad,
              flops) -> None:
    """Run ``_conv_gemm`` over all images. A product large enough to pay for waking the
    worker threads (as the GEMM's) is cut into runs of images that every thread takes in
    turn as it finishes one, so a thread slowed by another process (or by OpenBLAS's
    spinning workers) does fewer; a static half each made the slowed half the op's time.
    The weight gradient gets one partial sum per run, added in run order: the result does
    not depend on which thread ran which run."""
    kernel = _gemm_kernel()
    n_images = x.shape[0]
    parts = min(threads.count(), n_images) if flops >= PARALLEL_MIN_FLOPS else 1
    runs = 1 if parts == 1 else min(n_images, _RUNS_PER_THREAD * parts)
    if weight_grad and runs * dw.nbytes > _PARTIAL_BYTES:
        runs = parts
    cuts = [n_images * r // runs for r in range(runs + 1)]
    grads = [dw] + [np.empty_like(dw) for _ in range(runs - 1)] if weight_grad else [dw] * runs
    order = iter(range(runs))  # shared by the threads: next() is atomic under the GIL

    def work() -> None:
        for r in order:
            kernel(x, g, a, offsets, phases, bias, y, grads[r], *padding, *padded, cuts[r],
                   cuts[r + 1], weight_grad)
    threads.run([(work, ())] * parts)
    for part in grads[1:] if weight_grad else ():
        np.add(dw, part, out=dw)


_RUNS_PER_THREAD = 4
_PARTIAL_BYTES = 1 << 24  # weight-gradient partial sums beyond this: one run per thread


def _float32(name: str, a: np.ndarray) -> np.ndarray:
    if a.dtype != GEMM_DTYPE:
        raise TypeError(f"{name}: expected float32, got {a.dtype}")
    return np.ascontiguousarray(a)


def _fit(name: str, x: np.ndarray, padding: tuple, out_size: tuple, kernel: tuple,
         stride: tuple, dilation: tuple) -> tuple:
    """(x as a C-contiguous float32 array cropped to what an output of ``out_size`` reads,
    the size of each stride phase of it padded, the number of each phase the taps read
    (``_to_phases``)).
    The crop drops what lies past the padded size (pixels a stride skips at the end, or a
    transposed convolution's output_padding in its weight gradient)."""
    padded = tuple(s * (o - 1) + d * (k - 1) + 1
                   for o, k, s, d in zip(out_size, kernel, stride, dilation))
    if min(padding) < 0:
        raise ValueError(f"{name}: negative padding {padding}")
    if min(stride) < 1:
        raise ValueError(f"{name}: stride {stride} must be positive")
    x = x[(slice(None), slice(None)) + tuple(slice(0, t - p) for p, t in zip(padding, padded))]
    phases = np.full(stride, -1, np.int64)
    for number, residues in enumerate(itertools.product(*_residues(kernel, stride, dilation))):
        phases[residues] = number
    return _float32(name, x), tuple(-(-t // s) for t, s in zip(padded, stride)), phases


def conv_gemm(x: np.ndarray, weights: np.ndarray, bias: np.ndarray | None, kernel: tuple,
              stride: tuple, dilation: tuple, padding: tuple, out_size: tuple) -> np.ndarray:
    """y[n, G*mg + m, at] = sum over (c, taps) of weights[G, m, (c, taps)]
    x[n, G*C/groups + c, stride * at - padding + dilation * taps] (+ bias[G*mg + m]): a
    convolution of (N, C, D, H, W) x with (groups, mg, C/groups * prod(kernel)) weight
    matrices onto (N, groups * mg, *out_size), float32; taps outside x read 0 (``padding``
    is the zero padding before each dim; after it, what ``out_size`` needs)."""
    x, padded, phases = _fit("conv_gemm", x, padding, out_size, kernel, stride, dilation)
    groups, mg, kg = weights.shape
    channels = x.shape[1] // groups
    if weights.dtype != GEMM_DTYPE or kg != channels * math.prod(kernel):
        raise ValueError(f"conv_gemm: weights {weights.dtype}{list(weights.shape)} do not "
                         f"match input {x.dtype}{list(x.shape)} and kernel {kernel}")
    y = np.empty((x.shape[0], groups * mg) + tuple(out_size), x.dtype)
    if y.size == 0:
        return y
    if kg == 0:
        y[...] = 0 if bias is None else bias.reshape(-1, 1, 1, 1)
        return y
    bias = np.empty(0, x.dtype) if bias is None else _float32("conv_gemm", bias)
    _run_gemm(x, np.empty((1,) * 5, x.dtype), np.ascontiguousarray(weights),
              tap_offsets(channels, groups, kernel, stride, dilation, padded), phases, bias, y,
              np.empty((1, 1, 1), x.dtype), padding, padded, False, 2 * y.size * kg)
    return y


def conv_gemm_weight(x: np.ndarray, g: np.ndarray, kernel: tuple, stride: tuple,
                     dilation: tuple, padding: tuple, groups: int) -> np.ndarray:
    """The gradient of ``conv_gemm`` wrt its weight matrices: (groups, M/groups,
    C/groups * prod(kernel)) for float32 input x (N, C, D, H, W) and output gradient g
    (N, M, *out_size)."""
    x, padded, phases = _fit("conv_gemm_weight", x, padding, g.shape[2:], kernel, stride,
                             dilation)
    g = _float32("conv_gemm_weight", g)
    channels = x.shape[1] // groups
    dw = np.empty((groups, g.shape[1] // groups, channels * math.prod(kernel)), x.dtype)
    if g.shape[0] != x.shape[0]:
        raise ValueError(f"conv_gemm_weight: gradient {list(g.shape)} does not match "
                         f"input {list(x.shape)}")
    if dw.size == 0 or g.size == 0:
        dw[...] = 0
        return dw
    _run_gemm(x, g, np.empty((1, 1, 1), x.dtype),
              tap_offsets(channels, groups, kernel, stride, dilation, padded), phases,
              np.empty(0, x.dtype), np.empty((1,) * 5, x.dtype), dw, padding, padded, True,
              2 * g.size * dw.shape[2])
    return dw


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
