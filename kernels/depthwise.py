"""Depthwise 2-D convolution on (N, C, H, W) arrays: ``groups`` equal to the input channels,
so output channel ``o`` filters input channel ``o // multiplier`` alone with its own
(kh, kw) kernel (weights (C * multiplier, kh, kw)). Forward, input gradient and weight
gradient, float32 and float64, any padding and dilation, one stride ``s`` for both dims
(or any row stride when the output is one row high).

im2col + GEMM turns each channel into a GEMM one row high, which leaves a GEMM kernel
nothing to block for: a (32, 64, 28, 28) 3x3 depthwise layer took 20-50 ms forward +
backward that way, and 5.5 ms here (PyTorch 4.2 ms in the same run); (16, 32, 56, 56) at
stride 2 3.7-3.9 ms (PyTorch 1.8-2.7 ms). Here every channel is a direct convolution. Its plane,
zero-padded, is cut into s x s phases (phase (a, b) holds the padded pixels (s*r + a,
s*c + b), as an hq x wq plane; at stride 1 the one phase is the padded plane). Tap (i, j)
of output (y, x) reads padded pixel (s*y + i*dh, s*x + j*dw): pixel (y + i*dh // s,
x + j*dw // s) of phase (i*dh % s, j*dw % s). Numbering the outputs ``q = y * wq + x`` (rows
wq wide, the columns past the output's width unused), a tap reads one contiguous run of
its phase, from ``(i*dh // s) * wq + j*dw // s``: one long loop over q that LLVM vectorises,
instead of a short loop per output row. The input gradient is the same loop scattering into
the phases (its adjoint), the weight gradient a dot product per tap.

The wrappers size the phases so that every read and write stays inside them, and check
shapes; ``ops/conv.py`` takes this route for 1-D and 2-D depthwise convolutions.
"""
from __future__ import annotations

import numpy as np

from . import config
from .activations import _float_array, _sum_add
from .matmul import PARALLEL_MIN_FLOPS
from .threads import SplitKernel

# --- loops ---------------------------------------------------------------------------------


@config.jit()
def _column_runs(width, s, pw, wq):
    """Per phase column b: (the plane's first column there, its phase column, the count)."""
    runs = np.zeros((s, 3), np.int64)
    for b in range(s):
        first = (b - pw) % s
        start = (first + pw) // s
        count = min((width - first + s - 1) // s, wq - start) if first < width else 0
        runs[b, 0], runs[b, 1], runs[b, 2] = first, start, max(count, 0)
    return runs


@config.jit(_nrt=False, inline="always")  # as a call, 1.5x slower (0.34 vs 0.23 ns/pixel)
def _split_pairs(src, first, second, pairs):
    """first[k] = src[2k], second[k] = src[2k + 1] for k < pairs: a row's two stride-2 column
    phases in one pass, a whole interleaved load group, which LLVM vectorises (a strided copy
    per phase stays scalar: 1 ns per pixel, 8x a contiguous copy). Also conv.py's."""
    for k in range(pairs):
        first[k] = src[2 * k]
        second[k] = src[2 * k + 1]


@config.jit()
def _to_phases(plane, phases, runs, s, ph, hq, wq):
    """Copy ``plane`` (H, W), zero-padded by (ph, pw) before, into its s x s phases (flat,
    phase (a, b) at (a*s + b) * hq * wq, rows wq wide; ``runs`` from ``_column_runs``): what
    falls outside them is dropped, the rest of the phases is left as it is (zero)."""
    size = hq * wq
    a, r = ph % s, ph // s  # the phase row and row of plane row y, kept up to date
    for y in range(plane.shape[0]):
        if r >= hq:
            break
        src = plane[y]
        if s == 2:  # both phases at once
            at = a * 2 * size + r * wq
            even = phases[at + runs[0, 1]:at + runs[0, 1] + runs[0, 2]]
            odd = phases[at + size + runs[1, 1]:at + size + runs[1, 1] + runs[1, 2]]
            pairs = min(runs[0, 2], runs[1, 2])
            f0, f1 = runs[0, 0], runs[1, 0]
            if f0 == 0:
                _split_pairs(src, even, odd, pairs)
            else:
                _split_pairs(src, odd, even, pairs)
            for k in range(pairs, runs[0, 2]):
                even[k] = src[f0 + 2 * k]
            for k in range(pairs, runs[1, 2]):
                odd[k] = src[f1 + 2 * k]
        for b in range(s if s != 2 else 0):
            first, start, count = runs[b, 0], runs[b, 1], runs[b, 2]
            at = (a * s + b) * size + r * wq + start
            dst = phases[at:at + count]
            if s == 1:  # a plain copy, vectorised
                run = src[first:first + count]
                for k in range(count):
                    dst[k] = run[k]
            else:
                for k in range(count):
                    dst[k] = src[first + k * s]
        a += 1
        if a == s:
            a, r = 0, r + 1


@config.jit()
def _from_phases(phases, plane, runs, s, ph, hq, wq):
    """The adjoint of ``_to_phases``: ``plane`` (H, W) read back from the phases, zero where
    they do not reach."""
    size = hq * wq
    plane[:] = 0
    a, r = ph % s, ph // s
    for y in range(plane.shape[0]):
        if r >= hq:
            break
        dst = plane[y]
        if s == 2:  # both phases at once: a whole interleaved store group (vectorised)
            at = a * 2 * size + r * wq
            even = phases[at + runs[0, 1]:at + runs[0, 1] + runs[0, 2]]
            odd = phases[at + size + runs[1, 1]:at + size + runs[1, 1] + runs[1, 2]]
            pairs = min(runs[0, 2], runs[1, 2])
            f0, f1 = runs[0, 0], runs[1, 0]
            if f0 == 0:
                for k in range(pairs):
                    dst[2 * k] = even[k]
                    dst[2 * k + 1] = odd[k]
            else:
                for k in range(pairs):
                    dst[2 * k] = odd[k]
                    dst[2 * k + 1] = even[k]
            for k in range(pairs, runs[0, 2]):
                dst[f0 + 2 * k] = even[k]
            for k in range(pairs, runs[1, 2]):
                dst[f1 + 2 * k] = odd[k]
        for b in range(s if s != 2 else 0):
            first, start, count = runs[b, 0], runs[b, 1], runs[b, 2]
            at = (a * s + b) * size + r * wq + start
            src = phases[at:at + count]
            if s == 1:
                run = dst[first:first + count]
                for k in range(count):
                    run[k] = src[k]
            else:
                for k in range(count):
                    dst[first + k * s] = src[k]
        a += 1
        if a == s:
            a, r = 0, r + 1


@config.jit()
def _to_rows(plane, rows, wq):
    """``plane`` (oh, ow) into ``rows`` (flat, rows wq wide; the columns past ow untouched)."""
    width = plane.shape[1]
    for r in range(plane.shape[0]):
        src, dst = plane[r], rows[r * wq:r * wq + width]
        for c in range(width):
            dst[c] = src[c]


@config.jit()
def _scratch(like, width, out_rows, out_cols, s, pw, hq, wq):
    """A kernel's buffers, zeroed: the phases, a q-numbered run of the output (rows wq wide),
    the column runs of a plane ``width`` wide; and that run's length."""
    length = (out_rows - 1) * wq + out_cols
    return (np.zeros(s * s * hq * wq, like.dtype), np.zeros(length, like.dtype),
            _column_runs(width, s, pw, wq), length)


@config.jit()
def _tap_start(i, j, s, dh, dw, hq, wq):
    """Where tap (i, j)'s run starts in the phases."""
    return (((i * dh) % s) * s + (j * dw) % s) * hq * wq + (i * dh // s) * wq + j * dw // s


def _depthwise_fwd(x, w, y, s, ph, pw, dh, dw, hq, wq):
    out_channels, kh, kw = w.shape
    mult = out_channels // x.shape[1]
    oh, ow = y.shape[2], y.shape[3]
    # the padding in the phases stays 0: each plane rewrites the rest
    phases, acc, runs, length = _scratch(x, x.shape[3], oh, ow, s, pw, hq, wq)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            _to_phases(x[n, c], phases, runs, s, ph, hq, wq)
            for o in range(c * mult, c * mult + mult):
                acc[:] = 0
                for i in range(kh):
                    for j in range(kw):
                        weight = w[o, i, j]
                        src = phases[_tap_start(i, j, s, dh, dw, hq, wq):]
                        for q in range(length):
                            acc[q] += weight * src[q]
                out = y[n, o]
                for r in range(oh):
                    row, dst = acc[r * wq:r * wq + ow], out[r]
                    for col in range(ow):
                        dst[col] = row[col]


def _depthwise_input(g, w, dx, s, ph, pw, dh, dw, hq, wq):
    out_channels, kh, kw = w.shape
    mult = out_channels // dx.shape[1]
    # the unused columns of rows stay 0: they add nothing
    phases, rows, runs, length = _scratch(g, dx.shape[3], g.shape[2], g.shape[3], s, pw, hq, wq)
    for n in range(g.shape[0]):
        for c in range(dx.shape[1]):
            phases[:] = 0
            for o in range(c * mult, c * mult + mult):
                _to_rows(g[n, o], rows, wq)
                for i in range(kh):
                    for j in range(kw):
                        weight = w[o, i, j]
                        dst = phases[_tap_start(i, j, s, dh, dw, hq, wq):]
                        for q in range(length):
                            dst[q] += weight * rows[q]
            _from_phases(phases, dx[n, c], runs, s, ph, hq, wq)


def _depthwise_weight(x, g, grad, s, ph, pw, dh, dw, hq, wq):
    out_channels, kh, kw = grad.shape
    mult = out_channels // x.shape[1]
    phases, rows, runs, length = _scratch(x, x.shape[3], g.shape[2], g.shape[3], s, pw, hq, wq)
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            _to_phases(x[n, c], phases, runs, s, ph, hq, wq)
            for o in range(c * mult, c * mult + mult):
                _to_rows(g[n, o], rows, wq)
                for i in range(kh):
                    for j in range(kw):
                        src = phases[_tap_start(i, j, s, dh, dw, hq, wq):]
                        total = x.dtype.type(0)
                        for q in range(length):
                            total = _sum_add(total, rows[q] * src[q])
                        grad[o, i, j] += total


# The images are cut among threads (the weights, argument 1, are shared); the weight
# gradient (argument 2, float64) is a sum over them.
_FWD = SplitKernel(_depthwise_fwd, shared=(1,))
_INPUT = SplitKernel(_depthwise_input, shared=(1,))
_WEIGHT = SplitKernel(_depthwise_weight, accumulate=(2,))

# --- public API ----------------------------------------------------------------------------


def _run(kernel: SplitKernel, work: int, parts: int, *args) -> None:
    """``kernel`` on ``args``: in ``parts`` runs of images on as many threads when the
    caller allows it and there are enough multiply-adds (``work``) to pay for waking them
    (the GEMM's threshold), else as the kernel's own rule decides."""
    if parts > 1 and work >= PARALLEL_MIN_FLOPS:
        kernel.split(parts, *args)
    else:
        kernel(work, *args)


def _plane(name: str, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple,
           out_hw: tuple) -> tuple:
    """(stride s, phase height hq, phase width wq), after checking that one stride serves
    both dims: the phases hold every padded pixel an output reads, so each tap's run stays
    inside its phase (see the module docstring)."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, out_hw
    if sh != sw and oh > 1:
        raise ValueError(f"{name}: strides {tuple(stride)} differ (one stride for both dims)")
    if min(padding) < 0 or min(stride) < 1 or min(dilation) < 1:
        raise ValueError(f"{name}: expected padding >= 0, stride and dilation >= 1, got "
                         f"{tuple(padding)}, {tuple(stride)}, {tuple(dilation)}")
    hp, wp = (oh - 1) * sw + dh * (kh - 1) + 1, (ow - 1) * sw + dw * (kw - 1) + 1
    return sw, -(-hp // sw), -(-wp // sw)


def _weights(name: str, w: np.ndarray, channels: int, dtype: np.dtype) -> np.ndarray:
    w = _float_array(name, w)
    if w.ndim != 3 or w.dtype != dtype or channels < 1 or w.shape[0] % channels:
        raise ValueError(f"{name}: weights {w.dtype}{list(w.shape)} are not (C * multiplier, "
                         f"kh, kw) {dtype} for C = {channels}")
    return w


def depthwise_conv2d(x: np.ndarray, w: np.ndarray, stride: tuple, padding: tuple,
                     dilation: tuple, out_hw: tuple, parts: int = 1) -> np.ndarray:
    """y[n, o, y, x] = sum over (i, j) of w[o, i, j] x[n, o // m, y*sh - ph + i*dh,
    x*sw - pw + j*dw] (zero outside x), m = w.shape[0] // C, for x (N, C, H, W). ``parts``:
    threads the caller allows (see ``_run``), as for the other two."""
    x = _float_array("depthwise_conv2d", x)
    if x.ndim != 4:
        raise ValueError(f"depthwise_conv2d: expected (N, C, H, W), got {list(x.shape)}")
    w = _weights("depthwise_conv2d", w, x.shape[1], x.dtype)
    s, hq, wq = _plane("depthwise_conv2d", w.shape[1:], stride, padding, dilation, out_hw)
    y = np.empty((x.shape[0], w.shape[0]) + tuple(out_hw), x.dtype)
    if y.size:
        _run(_FWD, y.size * w.shape[1] * w.shape[2], parts, x, w, y, s, *padding, *dilation,
             hq, wq)
    return y


def _gradient_args(name: str, g: np.ndarray, w_or_x: np.ndarray, image_shape: tuple) -> np.ndarray:
    g = _float_array(name, g)
    if g.ndim != 4 or g.shape[0] != image_shape[0] or g.dtype != w_or_x.dtype:
        raise ValueError(f"{name}: gradient {g.dtype}{list(g.shape)} does not match "
                         f"{w_or_x.dtype} inputs of shape {list(image_shape)}")
    return g


def depthwise_conv2d_input(g: np.ndarray, w: np.ndarray, image_shape: tuple, stride: tuple,
                           padding: tuple, dilation: tuple, parts: int = 1) -> np.ndarray:
    """The gradient of ``depthwise_conv2d`` wrt x (of shape ``image_shape``) from the output
    gradient g (N, C * m, oh, ow)."""
    w = _weights("depthwise_conv2d_input", w, image_shape[1], np.dtype(w.dtype))
    g = _gradient_args("depthwise_conv2d_input", g, w, image_shape)
    if g.shape[1] != w.shape[0]:
        raise ValueError(f"depthwise_conv2d_input: gradient {list(g.shape)} does not match "
                         f"weights {list(w.shape)}")
    s, hq, wq = _plane("depthwise_conv2d_input", w.shape[1:], stride, padding, dilation,
                       g.shape[2:])
    dx = np.zeros(image_shape, g.dtype)
    if dx.size and g.size:
        _run(_INPUT, g.size * w.shape[1] * w.shape[2], parts, g, w, dx, s, *padding,
             *dilation, hq, wq)
    return dx


def depthwise_conv2d_weight(x: np.ndarray, g: np.ndarray, kernel: tuple, stride: tuple,
                            padding: tuple, dilation: tuple, parts: int = 1) -> np.ndarray:
    """The gradient of ``depthwise_conv2d`` wrt its weights, (C * m, kh, kw), from x
    (N, C, H, W) and the output gradient g (N, C * m, oh, ow); summed in float64."""
    x = _float_array("depthwise_conv2d_weight", x)
    g = _gradient_args("depthwise_conv2d_weight", g, x, x.shape)
    if x.ndim != 4 or x.shape[1] < 1 or g.shape[1] % x.shape[1]:
        raise ValueError(f"depthwise_conv2d_weight: gradient {list(g.shape)} has no whole "
                         f"multiple of the {list(x.shape)} input's channels")
    s, hq, wq = _plane("depthwise_conv2d_weight", kernel, stride, padding, dilation,
                       g.shape[2:])
    grad = np.zeros((g.shape[1],) + tuple(kernel))
    if g.size and grad.size:
        _run(_WEIGHT, g.size * grad.shape[1] * grad.shape[2], parts, x, g, grad, s, *padding,
             *dilation, hq, wq)
    return grad.astype(x.dtype)
