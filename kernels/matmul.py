"""Matrix products: a packed, cache-blocked Numba GEMM and the dispatch between it and BLAS.

``gemm`` computes ``C = op(A) @ op(B)`` where ``op(X)`` is ``X`` or ``X^T`` (last two axes),
for float32/float64, 2-D or batched 3-D operands (batch axis leading, equal batch sizes).
The transposes are read in the packing routines, so the matmul gradients
``dA = G @ B^T`` and ``dB = A^T @ G`` never materialise a transposed copy.

Algorithm (Goto/BLIS): for each ``KC``-deep slice of ``K``, ``op(B)`` is packed into
16-wide column panels and each ``MC x KC`` block of ``op(A)`` into 8-high row panels;
an 8x16 register-tile micro-kernel then multiplies one A panel by one B panel. The
parallel variant splits the output into (row block, column chunk) work items over
``prange``. The micro-kernel is compiled with LLVM's loop vectorizer off and its SLP
vectorizer on (Numba defaults to the opposite): the loop vectorizer would vectorise
the ``k`` loop and leave the 128 accumulators in memory (15-19 GFLOP/s), while SLP
turns each row of 16 scalar accumulators into two 8-wide FMA registers. Products are
contracted to FMA (``fastmath={"contract"}``), which changes rounding only and keeps
IEEE NaN/Inf propagation.

Dispatch (``matmul``/``gemm`` with ``backend="auto"``), measured on a 2-core AVX-512
Xeon against OpenBLAS 0.3.31, see ``bench/MATMUL.md``:

- ``m * n * k < SMALL_FLOPS`` (tiny products): serial Numba kernel, which avoids
  numpy's per-call overhead and the ~2 us parallel launch.
- otherwise the Numba GEMM (parallel from ``PARALLEL_MIN_FLOPS``), which is within a
  few percent of BLAS and shares Numba's thread pool with every other kernel:
  alternating OpenBLAS and Numba thread pools makes both spin against each other.

``AUTOGRAD_ENGINE_MATMUL=numba|blas|auto`` (default ``auto``) or
``set_matmul_backend(name)`` forces one side.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

import numba
import numpy as np
from numba import prange
from numba.core import config as numba_config
from numba.core.compiler_lock import global_compiler_lock

from .config import jit

BACKENDS = ("auto", "numba", "blas")
KC = 256  # depth of a packed slice: an 8x256 A panel plus a 256x16 B panel fit in L1
MC = 96  # rows of a packed A block (96 x 256 x 4 B = 96 KiB, L2-resident)
MR, NR = 8, 16  # register tile
SMALL_FLOPS = 0  # placeholder, set from measurements below
PARALLEL_MIN_FLOPS = 1 << 18  # m*n*k from which the parallel kernel pays for its launch

_CONTRACT = {"contract"}


# --- micro-kernel ------------------------------------------------------------------------

@jit(inline="always", fastmath=_CONTRACT)
def _load16(x, p, o):
    """The values ``x[p, o:o+16]`` as a tuple (kept in registers)."""
    return (x[p, o], x[p, o + 1], x[p, o + 2], x[p, o + 3], x[p, o + 4], x[p, o + 5],
            x[p, o + 6], x[p, o + 7], x[p, o + 8], x[p, o + 9], x[p, o + 10], x[p, o + 11],
            x[p, o + 12], x[p, o + 13], x[p, o + 14], x[p, o + 15])


@jit(inline="always", fastmath=_CONTRACT)
def _mul16(a, b):
    """``a * b`` for a scalar ``a`` and a 16-tuple ``b``."""
    return (a * b[0], a * b[1], a * b[2], a * b[3], a * b[4], a * b[5], a * b[6], a * b[7],
            a * b[8], a * b[9], a * b[10], a * b[11], a * b[12], a * b[13], a * b[14],
            a * b[15])


@jit(inline="always", fastmath=_CONTRACT)
def _fma16(a, b, c):
    """``c + a * b`` for a scalar ``a`` and 16-tuples ``b``, ``c``."""
    return (c[0] + a * b[0], c[1] + a * b[1], c[2] + a * b[2], c[3] + a * b[3],
            c[4] + a * b[4], c[5] + a * b[5], c[6] + a * b[6], c[7] + a * b[7],
            c[8] + a * b[8], c[9] + a * b[9], c[10] + a * b[10], c[11] + a * b[11],
            c[12] + a * b[12], c[13] + a * b[13], c[14] + a * b[14], c[15] + a * b[15])


@jit(inline="always")
def _store16(c, i, j, nr, row, accumulate):
    """``c[i, j:j+nr] (+)= row[:nr]`` for ``nr <= 16``."""
    dst = c[i, j:j + nr]
    if nr == 16:  # constant trip counts let LLVM unroll and vectorise the full-tile case
        if accumulate:
            for t in range(16):
                dst[t] += row[t]
        else:
            for t in range(16):
                dst[t] = row[t]
    elif accumulate:
        for t in range(nr):
            dst[t] += row[t]
    else:
        for t in range(nr):
            dst[t] = row[t]


@jit(inline="always")
def _store32(c, i, j, nr, lo, hi, accumulate):
    """``c[i, j:j+nr] (+)= (lo + hi)[:nr]``."""
    _store16(c, i, j, min(nr, 16), lo, accumulate)
    _store16(c, i, j + 16, max(nr - 16, 0), hi, accumulate)


@jit(fastmath=_CONTRACT)
def _micro_kernel(kc, a, b, c, i, j, mr, nr, accumulate):
    """``c[i:i+mr, j:j+nr] (+)= a[:kc].T @ b[:kc]`` for packed panels a (KC, 8), b (KC, 32).

    The full 8x32 tile is computed (16 vector accumulators), only its ``mr x nr`` corner
    stored; ``kc >= 1``.
    """
    bl = _load16(b, 0, 0)
    bh = _load16(b, 0, 16)
    c0l, c0h = _mul16(a[0, 0], bl), _mul16(a[0, 0], bh)
    c1l, c1h = _mul16(a[0, 1], bl), _mul16(a[0, 1], bh)
    c2l, c2h = _mul16(a[0, 2], bl), _mul16(a[0, 2], bh)
    c3l, c3h = _mul16(a[0, 3], bl), _mul16(a[0, 3], bh)
    c4l, c4h = _mul16(a[0, 4], bl), _mul16(a[0, 4], bh)
    c5l, c5h = _mul16(a[0, 5], bl), _mul16(a[0, 5], bh)
    c6l, c6h = _mul16(a[0, 6], bl), _mul16(a[0, 6], bh)
    c7l, c7h = _mul16(a[0, 7], bl), _mul16(a[0, 7], bh)
    for p in range(1, kc):
        bl = _load16(b, p, 0)
        bh = _load16(b, p, 16)
        c0l = _fma16(a[p, 0], bl, c0l)
        c0h = _fma16(a[p, 0], bh, c0h)
        c1l = _fma16(a[p, 1], bl, c1l)
        c1h = _fma16(a[p, 1], bh, c1h)
        c2l = _fma16(a[p, 2], bl, c2l)
        c2h = _fma16(a[p, 2], bh, c2h)
        c3l = _fma16(a[p, 3], bl, c3l)
        c3h = _fma16(a[p, 3], bh, c3h)
        c4l = _fma16(a[p, 4], bl, c4l)
        c4h = _fma16(a[p, 4], bh, c4h)
        c5l = _fma16(a[p, 5], bl, c5l)
        c5h = _fma16(a[p, 5], bh, c5h)
        c6l = _fma16(a[p, 6], bl, c6l)
        c6h = _fma16(a[p, 6], bh, c6h)
        c7l = _fma16(a[p, 7], bl, c7l)
        c7h = _fma16(a[p, 7], bh, c7h)
    _store32(c, i, j, nr, c0l, c0h, accumulate)
    if mr > 1:
        _store32(c, i + 1, j, nr, c1l, c1h, accumulate)
    if mr > 2:
        _store32(c, i + 2, j, nr, c2l, c2h, accumulate)
    if mr > 3:
        _store32(c, i + 3, j, nr, c3l, c3h, accumulate)
    if mr > 4:
        _store32(c, i + 4, j, nr, c4l, c4h, accumulate)
    if mr > 5:
        _store32(c, i + 5, j, nr, c5l, c5h, accumulate)
    if mr > 6:
        _store32(c, i + 6, j, nr, c6l, c6h, accumulate)
    if mr > 7:
        _store32(c, i + 7, j, nr, c7l, c7h, accumulate)


# --- packing -----------------------------------------------------------------------------

@jit()
def _pack_a(a, trans, i0, mc, k0, kc, ap):
    """Pack op(A)[i0:i0+mc, k0:k0+kc] into ``ap[r, p, s] = op(A)[i0 + 8r + s, k0 + p]``.

    ``ap`` has shape (>= ceil(mc / 8), >= kc, 8); rows past ``mc`` are zero.
    """
    for r in range((mc + 7) // 8):
        panel = ap[r]
        i = i0 + 8 * r
        rows = min(8, mc - 8 * r)
        if rows < 8:
            panel[:kc] = 0
            for s in range(rows):
                for p in range(kc):
                    panel[p, s] = a[k0 + p, i + s] if trans else a[i + s, k0 + p]
        elif trans:
            for p in range(kc):
                src = a[k0 + p, i:i + 8]
                dst = panel[p]
                for s in range(8):
                    dst[s] = src[s]
        else:
            _pack_rows8(a[i:i + 8, k0:k0 + kc], panel)


@jit()
def _pack_rows8(a, panel):
    """``panel[p, s] = a[s, p]`` for an (8, kc) block ``a``: interleave 8 rows."""
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    for p in range(a.shape[1]):
        dst = panel[p]
        dst[0], dst[1], dst[2], dst[3] = r0[p], r1[p], r2[p], r3[p]
        dst[4], dst[5], dst[6], dst[7] = r4[p], r5[p], r6[p], r7[p]


@jit()
def _pack_b_panel(b, trans, k0, kc, j0, n, panel):
    """Pack op(B)[k0:k0+kc, j0:j0+32] into ``panel`` (>= kc, 32); columns past ``n`` are zero."""
    cols = min(32, n - j0)
    if cols < 32:
        panel[:kc] = 0
    if trans:  # op(B)[k, j] = b[j, k]: walk b's rows
        for s in range(cols):
            src = b[j0 + s, k0:k0 + kc]
            for p in range(kc):
                panel[p, s] = src[p]
    elif cols == 32:
        for p in range(kc):
            src = b[k0 + p, j0:j0 + 32]
            dst = panel[p]
            for s in range(32):
                dst[s] = src[s]
    else:
        for p in range(kc):
            for s in range(cols):
                panel[p, s] = b[k0 + p, j0 + s]


# --- blocked drivers ---------------------------------------------------------------------

@jit(fastmath=_CONTRACT)
def _macro_kernel(ap, bp, c, i0, mc, j0, nc, kc, accumulate):
    """``c[i0:i0+mc, j0:j0+nc] (+)= packed A block @ packed B panels`` (``j0 % 32 == 0``)."""
    for j in range(j0, j0 + nc, 32):
        b = bp[j // 32]
        nr = min(32, j0 + nc - j)
        for r in range((mc + 7) // 8):
            _micro_kernel(kc, ap[r], b, c, i0 + 8 * r, j, min(8, mc - 8 * r), nr, accumulate)


@jit()
def _buffers(m, n, kc, dtype):
    """Packing buffers for an (m-row A block, n-column B slice) of depth kc."""
    return (np.empty(((m + 7) // 8, kc, 8), dtype=dtype),
            np.empty(((n + 31) // 32, kc, 32), dtype=dtype))


@jit(fastmath=_CONTRACT)
def _gemm_one(a, b, c, trans_a, trans_b, kc_max, mc_max, ap, bp):
    """``c = op(a) @ op(b)`` for one 2-D product, single-threaded."""
    m, n = c.shape
    k = a.shape[0] if trans_a else a.shape[1]
    for k0 in range(0, k, kc_max):
        kc = min(kc_max, k - k0)
        for jp in range((n + 31) // 32):
            _pack_b_panel(b, trans_b, k0, kc, 32 * jp, n, bp[jp])
        for i0 in range(0, m, mc_max):
            mc = min(mc_max, m - i0)
            _pack_a(a, trans_a, i0, mc, k0, kc, ap)
            _macro_kernel(ap, bp, c, i0, mc, 0, n, kc, k0 > 0)


@jit(fastmath=_CONTRACT)
def _gemm_serial(a, b, c, trans_a, trans_b, kc_max, mc_max):
    """``c[i] = op(a[i]) @ op(b[i])`` for each batch index, single-threaded."""
    m, n = c.shape[1], c.shape[2]
    kc_max = min(kc_max, a.shape[1] if trans_a else a.shape[2])
    ap, bp = _buffers(min(mc_max, m), n, kc_max, c.dtype)
    for i in range(c.shape[0]):
        _gemm_one(a[i], b[i], c[i], trans_a, trans_b, kc_max, mc_max, ap, bp)


@jit(fastmath=_CONTRACT, parallel=True)
def _gemm_batched(a, b, c, trans_a, trans_b, kc_max, mc_max):
    """``c[i] = op(a[i]) @ op(b[i])``, batch indices spread over threads."""
    m, n = c.shape[1], c.shape[2]
    kc_max = min(kc_max, a.shape[1] if trans_a else a.shape[2])
    for i in prange(c.shape[0]):
        ap, bp = _buffers(min(mc_max, m), n, kc_max, c.dtype)
        _gemm_one(a[i], b[i], c[i], trans_a, trans_b, kc_max, mc_max, ap, bp)


@jit(fastmath=_CONTRACT, parallel=True)
def _gemm_parallel(a, b, c, trans_a, trans_b, kc_max, mc, nc):
    """``c[i] = op(a[i]) @ op(b[i])`` with (mc-row, nc-column) output tiles over threads.

    ``mc % 8 == 0`` and ``nc % 32 == 0``; B is packed once per ``kc`` slice and shared.
    """
    m, n = c.shape[1], c.shape[2]
    k = a.shape[1] if trans_a else a.shape[2]
    kc_max = min(kc_max, k)
    m_blocks = (m + mc - 1) // mc
    n_blocks = (n + nc - 1) // nc
    ap = np.empty((m_blocks * n_blocks, mc // 8, kc_max, 8), dtype=c.dtype)
    bp = np.empty(((n + 31) // 32, kc_max, 32), dtype=c.dtype)
    for i in range(c.shape[0]):
        for k0 in range(0, k, kc_max):
            kc = min(kc_max, k - k0)
            for jp in prange((n + 31) // 32):
                _pack_b_panel(b[i], trans_b, k0, kc, 32 * jp, n, bp[jp])
            for t in prange(m_blocks * n_blocks):
                i0 = (t // n_blocks) * mc
                j0 = (t % n_blocks) * nc
                rows = min(mc, m - i0)
                _pack_a(a[i], trans_a, i0, rows, k0, kc, ap[t])
                _macro_kernel(ap[t], bp, c[i], i0, rows, j0, min(nc, n - j0), kc, k0 > 0)


# --- compilation ---------------------------------------------------------------------------

@contextmanager
def _vectorizer_flags():
    """Compile with LLVM's loop vectorizer off and SLP on (read by Numba per compile)."""
    with global_compiler_lock:
        saved = numba_config.LOOP_VECTORIZE, numba_config.SLP_VECTORIZE
        numba_config.LOOP_VECTORIZE, numba_config.SLP_VECTORIZE = 0, 1
        try:
            yield
        finally:
            numba_config.LOOP_VECTORIZE, numba_config.SLP_VECTORIZE = saved


_KERNELS = {"serial": _gemm_serial, "batched": _gemm_batched, "parallel": _gemm_parallel}
_ready: dict = {}


def _kernel(name: str, dtype: np.dtype):
    """The compiled kernel ``name`` for ``dtype``, compiling (or loading) it on first use."""
    key = (name, dtype)
    fn = _ready.get(key)
    if fn is None:
        fn = _KERNELS[name]
        if not numba_config.DISABLE_JIT:
            arr = numba.types.Array(numba.from_dtype(dtype), 3, "C")
            ints = (numba.types.int64,) * (3 if name == "parallel" else 2)
            with _vectorizer_flags():
                fn = fn.compile((arr, arr, arr, numba.types.boolean, numba.types.boolean) + ints)
                fn = _KERNELS[name]
        _ready[key] = fn
    return fn
