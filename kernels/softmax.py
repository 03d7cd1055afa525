"""Softmax and log-softmax along any axis, numerically stable by subtracting the row maximum.

Kernels work on C-contiguous (rows, n) arrays; the wrapper moves ``axis`` last, makes it
contiguous, and returns the result with the axis moved back (a view when axis is not last).

NaN/Inf follow PyTorch: the row max skips NaN, but a NaN logit stays NaN through exp and the
row sum, so the whole row is NaN; a +inf logit gives inf - inf = NaN, so its row is NaN; an
all -inf row is NaN (-inf - -inf).

Speed notes (the techniques of ``losses.py``, each measured here):

- Row reductions use ``activations._fmax`` (llvm.maxnum) and ``activations._sum_add`` (an
  fadd with only ``reassoc``), which LLVM's loop vectoriser turns into SIMD reductions; no
  other instruction gets fast-math flags. Rows under ``_SHORT_ROW`` columns take their max by
  a compare-select instead: the SIMD loop takes 32 elements a step, and its scalar remainder
  (all of a short row) is 2-3x slower than a compare-select. Both skip NaN and give -inf for
  an empty or all-NaN row.
- Short rows (under ``_LONG_ROW`` columns) go in blocks of ``_BLOCK`` elements: x - max is
  written for the block's rows, then the exp runs as one flat loop over the block (L1
  resident), so it vectorises for 10 columns as well as for 1000. A long row is a block of
  its own: the exp loop reads x and subtracts the max itself, and sums as it goes (at 1000
  columns 10-15% faster than the blocked passes in float32, 15-25% in float64; about even
  in float32 from 128 to 500 columns). The backward of log_softmax stays blocked: the same
  change measured no faster there.
- Both cases share one exp loop (half the vectorised code to compile), choosing operands
  with a loop-invariant select. It reads x and writes out, which are distinct arrays: an
  exp loop reading one array and writing an overlapping one would fail LLVM's runtime alias
  check and run scalar.
- Rows are indexed as ``a[i, j]``, never through per-row views or non-inlined helpers (once
  loaded from the on-disk cache, a ``@jit`` helper is a real call, and a view an NRT
  incref/decref pair, per row). softmax and log_softmax share one forward kernel (a flag picks
  the last pass), which halves its compiled signatures; an inlined row-max helper
  (``register_jitable(inline="always")``) instead cost ~1 s of compile time a kernel.
- The wrappers take a short path when ``axis`` is already last and the arrays are C-contiguous
  float32/float64: ``np.moveaxis`` alone costs more than a (128, 10) kernel.
"""
from __future__ import annotations

import math

import numpy as np

from .activations import _exp, _float_array, _fmax, _like, _sum_add
from .threads import SplitKernel

_BLOCK = 2048  # elements per block of short rows: the block stays in L1 between passes
_SHORT_ROW = 32  # rows narrower than this take their max by compare-select
_LONG_ROW = 128  # rows at least this wide are a block of their own (measured crossover)


def _softmax_fwd(x, out, log):
    """softmax of each row of x into out, or log_softmax when ``log`` (one kernel for both:
    half the compiled signatures)."""
    n, c = x.shape
    if c == 0:  # nothing to write (and math.log(0) raises in pure Python)
        return
    zero, one = x.dtype.type(0.0), x.dtype.type(1.0)
    flat, x_flat = out.reshape(n * c), x.reshape(n * c)
    maxes = np.empty(n, x.dtype)
    long_rows = c >= _LONG_ROW
    rows = 1 if long_rows else max(1, _BLOCK // c)
    for block in range((n + rows - 1) // rows):
        r0 = block * rows
        r1 = min(r0 + rows, n)
        shift = zero  # a long row's max; short rows get x - max written out here
        for i in range(r0, r1):
            m = x.dtype.type(-np.inf)
            if c < _SHORT_ROW:
                for j in range(c):
                    v = x[i, j]
                    m = v if v > m else m
            else:
                for j in range(c):
                    m = _fmax(m, x[i, j])
            maxes[i] = m
            if long_rows:
                shift = m
            else:
                for j in range(c):
                    out[i, j] = x[i, j] - m  # <= 0, or NaN
        segment, logits = flat[r0 * c:r1 * c], x_flat[r0 * c:r1 * c]
        total = zero  # the sum of a long row
        for k in range(segment.size):
            e = _exp(logits[k] - shift if long_rows else segment[k])
            segment[k] = e
            total = _sum_add(total, e)
        for i in range(r0, r1):
            s = total
            if not long_rows:
                s = zero
                for j in range(c):
                    s = _sum_add(s, out[i, j])
            if log:  # (x - max) - log(sum), x - max recomputed from L1
                log_sum = math.log(s)
                m = maxes[i]
                for j in range(c):
                    out[i, j] = (x[i, j] - m) - log_sum
            else:
                inverse = one / s  # in x's dtype, as PyTorch (1 / s would be float64)
                for j in range(c):
                    out[i, j] *= inverse


def _softmax_bwd(y, g, out):
    n, c = y.shape
    zero = y.dtype.type(0.0)
    for i in range(n):
        s = zero
        for j in range(c):
            s = _sum_add(s, g[i, j] * y[i, j])
        for j in range(c):
            out[i, j] = y[i, j] * (g[i, j] - s)


def _log_softmax_bwd(y, g, out):
    # exp(y) over blocks of rows, as the forwards' short rows (a long-row variant, summing g
    # first and writing g - exp(y) * sum in the exp loop, measured no faster)
    n, c = y.shape
    zero = y.dtype.type(0.0)
    flat, y_flat = out.reshape(n * c), y.reshape(n * c)
    rows = max(1, _BLOCK // max(c, 1))
    for block in range((n + rows - 1) // rows):
        r0 = block * rows
        r1 = min(r0 + rows, n)
        segment, logs = flat[r0 * c:r1 * c], y_flat[r0 * c:r1 * c]
        for k in range(segment.size):
            segment[k] = _exp(logs[k])
        for i in range(r0, r1):
            s = zero
            for j in range(c):
                s = _sum_add(s, g[i, j])
            for j in range(c):
                out[i, j] = g[i, j] - out[i, j] * s


_SOFTMAX_FWD = SplitKernel(_softmax_fwd)
_SOFTMAX_BWD = SplitKernel(_softmax_bwd)
_LOG_SOFTMAX_BWD = SplitKernel(_log_softmax_bwd)

_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)


def _along_axis(kernel: SplitKernel, name: str, axis: int, x: np.ndarray,
                g: np.ndarray | None = None, *flags: bool) -> np.ndarray:
    """Run a row kernel over ``axis`` (``flags`` follow the arrays): move it last, make rows
    contiguous, call, move back. The result is C-contiguous, as PyTorch's (``view`` on it
    depends on that)."""
    shape = x.shape
    ndim = len(shape)
    dtype = x.dtype
    if ((axis == -1 or axis == ndim - 1) and ndim and (dtype is _FLOAT32 or dtype is _FLOAT64)
            and x.flags.c_contiguous and (g is None or (
                g.shape == shape and g.dtype is dtype and g.flags.c_contiguous))):
        # Short path, axis already last and nothing to convert (np.moveaxis alone costs more
        # than a (128, 10) kernel): no copies.
        out = np.empty(shape, dtype)
        if ndim != 2:
            c = shape[-1]
            rows = x.size // c if c else math.prod(shape[:-1])
            x, rows_out = x.reshape(rows, c), out.reshape(rows, c)
            g = None if g is None else g.reshape(rows, c)
        else:
            rows_out = out
        arrays = (x,) if g is None else (x, g)
        kernel(out.size, *arrays, rows_out, *flags)
        return out
    if ndim == 0:
        scalar_g = None if g is None else g.reshape(1)
        return _along_axis(kernel, name, 0, x.reshape(1), scalar_g, *flags).reshape(())
    if g is not None:
        g = np.moveaxis(_like(name, x, g), axis, -1)
    x = _float_array(name, np.moveaxis(x, axis, -1))
    shape = x.shape
    rows = math.prod(shape[:-1])
    out = np.empty(shape, x.dtype)
    arrays = (x,) if g is None else (x, _float_array(name, g))
    kernel(out.size, *(a.reshape(rows, shape[-1]) for a in arrays),
           out.reshape(rows, shape[-1]), *flags)
    return np.ascontiguousarray(np.moveaxis(out, -1, axis))


def softmax_fwd(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """y = exp(x - max) / sum(exp(x - max)) along ``axis``."""
    return _along_axis(_SOFTMAX_FWD, "softmax_fwd", axis, x, None, False)


def softmax_bwd(y: np.ndarray, g: np.ndarray, axis: int = -1) -> np.ndarray:
    """dx = y * (g - sum(g * y)) along ``axis``, from the forward output y."""
    return _along_axis(_SOFTMAX_BWD, "softmax_bwd", axis, y, g)


def log_softmax_fwd(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """y = x - max - log(sum(exp(x - max))) along ``axis``."""
    return _along_axis(_SOFTMAX_FWD, "log_softmax_fwd", axis, x, None, True)


def log_softmax_bwd(y: np.ndarray, g: np.ndarray, axis: int = -1) -> np.ndarray:
    """dx = g - exp(y) * sum(g) along ``axis``, from the forward output y."""
    return _along_axis(_LOG_SOFTMAX_BWD, "log_softmax_bwd", axis, y, g)
