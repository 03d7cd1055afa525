"""Matrix products: a packed, cache-blocked Numba GEMM and the dispatch between it and BLAS.

``gemm`` computes ``C = op(A) @ op(B)`` where ``op(X)`` is ``X`` or ``X^T`` (last two axes),
for float32/float64, 2-D or batched 3-D operands (batch axis leading, equal batch sizes).
The transposes are read by the packing routines, so the matmul gradients
``dA = G @ B^T`` and ``dB = A^T @ G`` never materialise a transposed copy (a transposed
*view* passed in is recognised as such, too).

Algorithm (Goto/BLIS): for each block of ``NC`` columns (a packed slice of 1 MiB, half this
CPU's L2) and each ``KC``-deep slice of ``K``, ``op(B)`` is packed into 32-wide column
panels and each ``MC x KC`` block of ``op(A)`` into 8-row panels (where that
interleaves 8 rows of the stored array, a row-major A or a transposed B, 8 x 16 blocks are
transposed in registers with vector shuffles, ``_transpose_run``); an 8x32
register-tile micro-kernel multiplies one A panel by one B panel. Its 256 scalar
accumulators are written as 16-tuples, which LLVM's SLP vectorizer turns into 16 zmm
registers and 16 FMAs per ``k`` step. Two compile settings make that happen:

- SLP is switched on while these kernels compile (Numba leaves it off by default);
- ``-slp-max-reg-size=512`` lets SLP use 512-bit vectors, which LLVM otherwise avoids on
  AVX-512 CPUs (it prefers 256 bits). On AVX2-only CPUs LLVM splits them in two.

The loop vectorizer can stay on: products are contracted to FMA
(``fastmath={"contract"}``, rounding only, IEEE NaN/Inf propagation kept) but not
reassociated, so it cannot vectorise the ``k`` reduction and steal the accumulators.

One kernel, ``_gemm``: single-threaded, over a range of rows and columns of every product in
the batch it is given. A large product runs it on several threads (``threads.py``), each
with a run of the batch, of the rows or of the columns. Compile time is the kernel's main
cost (the micro-kernel is one large vectorised block), hence a single micro-kernel call site.

The kernel is compiled without Numba's runtime and its reference counting (``_nrt=False``;
it takes its scratch memory from libc). With counting, each array view
passed to a call costs an atomic increment before and a decrement after, and each waits for
the tile's stores to drain: 15 % of a 64^3 product and 9 % of a 512^3 one, by ``perf``.
"""
from __future__ import annotations

import os
from contextlib import contextmanager

import llvmlite.binding as llvm
import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core import config as numba_config
from numba.core.compiler_lock import global_compiler_lock
from numba.extending import intrinsic, overload
from numba.np.arrayobj import populate_array

from . import config, threads
from .config import jit

BACKENDS = ("auto", "numba", "blas")
KC = 256  # depth of a packed slice: one 8 x KC A panel and one KC x 32 B panel per tile
MC = 96  # rows of a packed A block (96 x 256 x 4 B = 96 KiB, L2-resident)
NC_BYTES = 1 << 20  # size of a packed B slice (KC x NC): half of this CPU's 2 MiB L2
MR, NR = 8, 32  # register tile: 8 rows x two 16-wide vectors = 16 zmm accumulators
BLAS_MAX_FLOPS = 1 << 18  # auto: m*n*k up to which BLAS runs (OpenBLAS stays single-threaded)
PARALLEL_MIN_FLOPS = 1 << 22  # batch*m*n*k from which threads pay for waking the workers

_CONTRACT = {"contract"}


# --- micro-kernel ------------------------------------------------------------------------

# The helpers below take and return 32 values as two 16-tuples, at fixed offsets: a constant
# offset argument would be a literal, and Numba compiles a separate copy per literal value.

@jit()
def _load32(x, p):
    """The values ``x[p, 0:32]`` as two 16-tuples (kept in registers)."""
    return ((x[p, 0], x[p, 1], x[p, 2], x[p, 3], x[p, 4], x[p, 5], x[p, 6], x[p, 7], x[p, 8],
             x[p, 9], x[p, 10], x[p, 11], x[p, 12], x[p, 13], x[p, 14], x[p, 15]),
            (x[p, 16], x[p, 17], x[p, 18], x[p, 19], x[p, 20], x[p, 21], x[p, 22], x[p, 23],
             x[p, 24], x[p, 25], x[p, 26], x[p, 27], x[p, 28], x[p, 29], x[p, 30], x[p, 31]))


@jit(fastmath=_CONTRACT)
def _fma16(a, b, c):
    """``c + a * b`` for a scalar ``a`` and 16-tuples ``b``, ``c``."""
    return (c[0] + a * b[0], c[1] + a * b[1], c[2] + a * b[2], c[3] + a * b[3],
            c[4] + a * b[4], c[5] + a * b[5], c[6] + a * b[6], c[7] + a * b[7],
            c[8] + a * b[8], c[9] + a * b[9], c[10] + a * b[10], c[11] + a * b[11],
            c[12] + a * b[12], c[13] + a * b[13], c[14] + a * b[14], c[15] + a * b[15])


@jit()
def _get32(x):
    """The values ``x[0:32]`` of a 1-D array as two 16-tuples."""
    return ((x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12],
             x[13], x[14], x[15]),
            (x[16], x[17], x[18], x[19], x[20], x[21], x[22], x[23], x[24], x[25], x[26],
             x[27], x[28], x[29], x[30], x[31]))


@jit()
def _put32(x, low, high):
    """``x[0:32] = low + high`` for a 1-D array ``x`` and two 16-tuples."""
    (x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], x[12], x[13],
     x[14], x[15]) = low
    (x[16], x[17], x[18], x[19], x[20], x[21], x[22], x[23], x[24], x[25], x[26], x[27], x[28],
     x[29], x[30], x[31]) = high


@jit(fastmath=_CONTRACT, _nrt=False)
def _micro_kernel(kc, ap, r, bp, q, c, i, j, edge, zeros, full, grow):
    """``tile = start + ap[r, :kc].T @ bp[q, :kc]`` for packed panels ap[r] (KC, 8) and
    bp[q] (KC, 32). The tile is ``c[i:i+8, j:j+32]`` when ``full``, else the (8, 32) scratch
    tile ``edge``. ``start`` is that same tile of ``c`` when ``grow`` (accumulating), else
    the zero tile ``zeros`` (the first ``KC`` slice), so that ``c`` needs no zeroing
    beforehand (one code path either way: only the source of the 16 loads differs).

    Row views with constant offsets keep every access free of wraparound checks, so the 16
    accumulators and their loads/stores become vector operations.
    """
    a, b = ap[r], bp[q]
    c, i, j = (c, i, j) if full else (edge, 0, 0)
    start, u, v = (c, i, j) if grow else (zeros, 0, 0)
    c0l, c0h = _get32(start[u, v:v + 32])
    c1l, c1h = _get32(start[u + 1, v:v + 32])
    c2l, c2h = _get32(start[u + 2, v:v + 32])
    c3l, c3h = _get32(start[u + 3, v:v + 32])
    c4l, c4h = _get32(start[u + 4, v:v + 32])
    c5l, c5h = _get32(start[u + 5, v:v + 32])
    c6l, c6h = _get32(start[u + 6, v:v + 32])
    c7l, c7h = _get32(start[u + 7, v:v + 32])
    for p in range(kc):
        bl, bh = _load32(b, p)
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
    _put32(c[i, j:j + 32], c0l, c0h)
    _put32(c[i + 1, j:j + 32], c1l, c1h)
    _put32(c[i + 2, j:j + 32], c2l, c2h)
    _put32(c[i + 3, j:j + 32], c3l, c3h)
    _put32(c[i + 4, j:j + 32], c4l, c4h)
    _put32(c[i + 5, j:j + 32], c5l, c5h)
    _put32(c[i + 6, j:j + 32], c6l, c6h)
    _put32(c[i + 7, j:j + 32], c7l, c7h)


# --- packing -----------------------------------------------------------------------------

def _interleave(builder, x, y, width: int, high: bool):
    """Runs of ``width`` lanes taken in turn from ``x`` and ``y``, from their low or high halves."""
    lanes = x.type.count
    base = lanes // 2 if high else 0
    mask = []
    for start in range(base, base + lanes // 2, width):
        mask += list(range(start, start + width)) + list(range(lanes + start, lanes + start + width))
    return builder.shuffle_vector(x, y, ir.Constant(ir.VectorType(ir.IntType(32), lanes), mask))


@intrinsic
def _transpose_run_ir(typingctx, rows, p, panel, s0):
    """``panel[p:p+w, s0:s0+8] = rows[0:8, p:p+w].T`` with w = 64 bytes of elements: eight
    vector loads, three rounds of eight two-vector shuffles (``vpermt2ps``), then one 8-wide
    store per panel row.

    The caller guarantees the bounds and that ``rows`` and ``panel`` have contiguous rows."""
    if not (isinstance(rows, types.Array) and isinstance(panel, types.Array)
            and rows.ndim == panel.ndim == 2 and rows.dtype == panel.dtype
            and isinstance(rows.dtype, types.Float) and isinstance(p, types.Integer)
            and isinstance(s0, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        rows_type, p_type, panel_type, s0_type = signature.args
        element = context.get_data_type(rows_type.dtype)
        size = context.get_abi_sizeof(element)
        lanes = 64 // size
        intp = context.get_value_type(types.intp)

        def pointer(array_type, value, i, j, width):
            array = context.make_array(array_type)(context, builder, value)
            item = cgutils.get_item_pointer2(context, builder, array.data,
                                             cgutils.unpack_tuple(builder, array.shape),
                                             cgutils.unpack_tuple(builder, array.strides),
                                             array_type.layout, [i, j])
            return builder.bitcast(item, ir.VectorType(element, width).as_pointer())

        p = context.cast(builder, args[1], p_type, types.intp)
        s0 = context.cast(builder, args[3], s0_type, types.intp)
        v = [builder.load(pointer(rows_type, args[0], ir.Constant(intp, s), p, lanes), align=size)
             for s in range(8)]
        for width in (1, 2, 4):  # a perfect shuffle per round: after three, v[q] holds
            paired = [None] * 8  # panel rows p + q * lanes / 8 onwards, 8 values each
            for group in range(0, 8, 2 * width):
                for t in range(width):
                    x, y = v[group + t], v[group + t + width]
                    paired[group + 2 * t] = _interleave(builder, x, y, width, False)
                    paired[group + 2 * t + 1] = _interleave(builder, x, y, width, True)
            v = paired
        for row in range(lanes):
            q, part = divmod(row * 8, lanes)
            mask = ir.Constant(ir.VectorType(ir.IntType(32), 8), list(range(part, part + 8)))
            values = builder.shuffle_vector(v[q], v[q], mask) if lanes > 8 else v[q]
            target = pointer(panel_type, args[2], builder.add(p, ir.Constant(intp, row)), s0, 8)
            builder.store(values, target, align=size)
        return context.get_dummy_value()

    return types.none(rows, p, panel, s0), codegen


def _transpose_run(rows, p, panel, s0):
    """``panel[p:p+w, s0:s0+8] = rows[:, p:p+w].T`` for 8 rows, w = 64 bytes of elements
    (the pure-Python form, for ``NUMBA_DISABLE_JIT``)."""
    run = 64 // rows.itemsize
    panel[p:p + run, s0:s0 + 8] = rows[:, p:p + run].T


@overload(_transpose_run)
def _transpose_run_impl(rows, p, panel, s0):
    return lambda rows, p, panel, s0: _transpose_run_ir(rows, p, panel, s0)


@jit(_nrt=False)
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
                src, dst = a[k0 + p, i:i + 8], panel[p]
                (dst[0], dst[1], dst[2], dst[3], dst[4], dst[5], dst[6], dst[7]) = (
                    src[0], src[1], src[2], src[3], src[4], src[5], src[6], src[7])
        else:
            _pack_rows8(a[i:i + 8, k0:k0 + kc], panel, np.int64(0))  # a literal 0: another compile


@jit(_nrt=False)
def _pack_rows8(a, panel, s0):
    """``panel[p, s0 + s] = a[s, p]`` for an (8, kc) block ``a``: interleave 8 rows into 8
    columns of the panel."""
    p = 0
    if a.strides[1] == a.itemsize:  # rows contiguous: 64-byte column runs, transposed in registers
        run = 64 // a.itemsize
        while p + run <= a.shape[1]:
            _transpose_run(a, p, panel, s0)
            p += run
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    for p in range(p, a.shape[1]):
        dst = panel[p, s0:s0 + 8]
        dst[0], dst[1], dst[2], dst[3] = r0[p], r1[p], r2[p], r3[p]
        dst[4], dst[5], dst[6], dst[7] = r4[p], r5[p], r6[p], r7[p]


@jit(_nrt=False)
def _pack_b_panel(b, trans, k0, kc, j0, n, panel):
    """Pack op(B)[k0:k0+kc, j0:j0+32] into ``panel`` (>= kc, 32); columns past ``n`` are zero."""
    cols = min(32, n - j0)
    if cols < 32:
        panel[:kc] = 0
    if trans:  # op(B)[k, j] = b[j, k]: b's rows interleaved 8 at a time, then one by one
        full = cols // 8 * 8
        for s in range(0, full, 8):
            _pack_rows8(b[j0 + s:j0 + s + 8, k0:k0 + kc], panel, s)
        for s in range(full, cols):
            src = b[j0 + s, k0:k0 + kc]
            for p in range(kc):
                panel[p, s] = src[p]
    elif cols == 32:
        for p in range(kc):
            low, high = _get32(b[k0 + p, j0:j0 + 32])
            _put32(panel[p], low, high)
    else:
        for p in range(kc):
            for s in range(cols):
                panel[p, s] = b[k0 + p, j0 + s]


# --- blocked drivers ---------------------------------------------------------------------

@jit(fastmath=_CONTRACT, _nrt=False)
def _macro_kernel(ap, bp, c, i0, mc, j0, nc, kc, edge, zeros, accumulate):
    """``c[i0:i0+mc, j0:j0+nc] (+)= packed A block @ packed B panels`` (``bp[0]`` holds
    columns ``j0:j0+32``), added when ``accumulate``, else written. ``edge`` is an (8, 32)
    scratch tile for partial tiles, ``zeros`` an (8, 32) tile of zeros."""
    for j in range(j0, j0 + nc, 32):
        nr = min(32, j0 + nc - j)
        for r in range((mc + 7) // 8):
            i = i0 + 8 * r
            mr = min(8, mc - 8 * r)
            full = mr == 8 and nr == 32
            # One call site: each inlined copy of the micro-kernel is seconds of compile time.
            # A partial tile is computed whole into the scratch tile, then its part is added
            # to c (written, in the first KC slice).
            _micro_kernel(kc, ap, r, bp, (j - j0) // 32, c, i, j, edge, zeros, full,
                          accumulate and full)
            if not full:
                for s in range(mr):
                    for t in range(nr):
                        value = edge[s, t]
                        c[i + s, j + t] = c[i + s, j + t] + value if accumulate else value


# --- scratch memory --------------------------------------------------------------------------
# The kernel runs without Numba's runtime (see the module docstring), so it takes its packing
# buffers from libc: malloc'd memory seen as an array with no owner, freed before it returns.

@intrinsic
def _malloc_array(typingctx, size, dtype):
    """(an uninitialised 1-D array of ``size`` items of ``dtype`` over memory from libc's
    ``malloc``, owned by no one; whether ``malloc`` found the memory)."""
    array_type = types.Array(dtype.dtype, 1, "C")

    def codegen(context, builder, signature, args):
        item = context.get_abi_sizeof(context.get_data_type(array_type.dtype))
        itemsize = ir.Constant(cgutils.intp_t, item)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(cgutils.voidptr_t, [cgutils.intp_t]), "malloc")
        memory = builder.call(fn, [builder.mul(args[0], itemsize)])
        array = context.make_array(array_type)(context, builder)
        populate_array(array, data=builder.bitcast(memory, array.data.type), shape=[args[0]],
                       strides=[itemsize], itemsize=itemsize, meminfo=None)
        return context.make_tuple(builder, signature.return_type,
                                  [array._getvalue(), cgutils.is_not_null(builder, memory)])
    return types.Tuple((array_type, types.boolean))(types.intp, dtype), codegen


@intrinsic
def _free(typingctx, address):
    """libc's ``free`` of the memory at ``address``."""
    def codegen(context, builder, signature, args):
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [cgutils.voidptr_t]), "free")
        builder.call(fn, [builder.inttoptr(args[0], cgutils.voidptr_t)])
        return context.get_dummy_value()
    return types.void(types.uintp), codegen


def _scratch(size, dtype):
    """(an uninitialised 1-D array of ``size`` items of ``dtype``, to give back with
    ``_release``; whether the memory was available). The pure-Python form, for
    ``NUMBA_DISABLE_JIT``; compiled, the memory comes from ``malloc``."""
    return np.empty(size, dtype), True


def _release(scratch) -> None:
    """Give back memory from ``_scratch`` (nothing to do in pure Python)."""


@overload(_scratch)
def _scratch_impl(size, dtype):
    return lambda size, dtype: _malloc_array(size, dtype)


@overload(_release)
def _release_impl(scratch):
    return lambda scratch: _free(scratch.ctypes.data)


@jit(_nrt=False)
def _buffers(m, n, kc, dtype):
    """Scratch (from ``_scratch``) and, cut from it, the packing buffers for an (m-row A
    block, n-column B slice) of depth kc, an (8, 32) scratch tile and an (8, 32) tile of
    zeros. Uncounted views: a caller compiled with reference counting would release them
    once too often.

    Each part starts on a 64-byte boundary: malloc aligns to 16 bytes only, and a packed
    panel row loaded across two cache lines halves the micro-kernel's speed."""
    a_panels, b_panels = (m + 7) // 8, (n + 31) // 32
    a_size = a_panels * kc * 8
    b_start = (a_size + 15) // 16 * 16  # 64 bytes of float32, 128 of float64
    b_end = b_start + b_panels * kc * 32
    scratch, ok = _scratch(b_end + 512 + 16, dtype)
    if not ok:
        raise MemoryError("gemm: no memory for the packing buffers")
    start = (-scratch.ctypes.data % 64) // scratch.itemsize
    buffer = scratch[start:start + b_end + 512]
    zeros = buffer[b_end + 256:].reshape((8, 32))
    zeros[:] = 0
    return (scratch, buffer[:a_size].reshape((a_panels, kc, 8)),
            buffer[b_start:b_end].reshape((b_panels, kc, 32)),
            buffer[b_end:b_end + 256].reshape((8, 32)), zeros)


@jit(_nrt=False)
def _overlap(x, y):
    """Whether the C-contiguous arrays ``x`` and ``y`` share memory."""
    x0, y0 = x.ctypes.data, y.ctypes.data
    return (x.size > 0 and y.size > 0 and x0 < y0 + np.uintp(y.nbytes)
            and y0 < x0 + np.uintp(x.nbytes))


@jit(fastmath=_CONTRACT, _nrt=False)
def _gemm(a, b, c, trans_a, trans_b, kc_max, mc_max, i0, i1, j0, j1):
    """``c[i, i0:i1, j0:j1] = (op(a[i]) @ op(b[i]))[i0:i1, j0:j1]`` for each batch index
    (``k >= 1``); False, with nothing written, when ``c`` shares memory with ``a`` or ``b``
    (checked here: ``np.may_share_memory`` twice would add 1.2 us to a 64^3 product).

    One thread; a multi-threaded product gives each thread a run of batch indices, rows or
    columns. The first ``KC`` slice writes the block, later ones add to it: ``c`` needs no
    zeroing beforehand."""
    if _overlap(c, a) or _overlap(c, b):
        return False
    k = a.shape[1] if trans_a else a.shape[2]
    kc_max = min(kc_max, k)
    nc_max = max(32, NC_BYTES // (kc_max * c.itemsize) // 32 * 32)
    scratch, ap, bp, edge, zeros = _buffers(min(mc_max, i1 - i0), min(nc_max, j1 - j0),
                                            kc_max, c.dtype)
    for i in range(c.shape[0]):
        for jb in range(j0, j1, nc_max):
            nc = min(nc_max, j1 - jb)
            for k0 in range(0, k, kc_max):
                kc = min(kc_max, k - k0)
                for jp in range((nc + 31) // 32):
                    _pack_b_panel(b[i], trans_b, k0, kc, jb + 32 * jp, jb + nc, bp[jp])
                for r0 in range(i0, i1, mc_max):
                    mc = min(mc_max, i1 - r0)
                    _pack_a(a[i], trans_a, r0, mc, k0, kc, ap)
                    _macro_kernel(ap, bp, c[i], r0, mc, jb, nc, kc, edge, zeros, k0 > 0)
    _release(scratch)
    return True


# --- compilation ---------------------------------------------------------------------------

# SLP would otherwise stop at the 256-bit width LLVM prefers on AVX-512 CPUs, halving the
# micro-kernel's throughput. The option is process-wide but only matters to SLP, which Numba
# leaves off except where _vectorizer_flags turns it on.
llvm.set_option("", "-slp-max-reg-size=512")


@contextmanager
def _vectorizer_flags():
    """Compile with LLVM's SLP vectorizer on (Numba reads the flag per compile)."""
    with global_compiler_lock:
        saved = numba_config.SLP_VECTORIZE
        numba_config.SLP_VECTORIZE = 1
        try:
            yield
        finally:
            numba_config.SLP_VECTORIZE = saved


_compiled: set = set()


def _kernel(dtype: np.dtype):
    """The GEMM kernel, compiled for ``dtype`` (or loaded from cache) on first use."""
    fn = _gemm
    if dtype not in _compiled:
        if not numba_config.DISABLE_JIT:
            # Operands typed read-only: Numba passes writable arrays to that signature too,
            # where it would otherwise compile a whole GEMM per read-only/writable combination
            # (broadcast and saved operands are read-only). Compiling stays off between
            # these explicit compiles, so a call can only convert, never compile.
            operand = numba.types.Array(numba.from_dtype(dtype), 3, "C", readonly=True)
            out = numba.types.Array(numba.from_dtype(dtype), 3, "C")
            flag, sizes = numba.types.boolean, (numba.types.int64,) * 6
            with _vectorizer_flags():  # holds the compiler lock
                fn.disable_compile(False)
                fn.compile((operand, operand, out, flag, flag) + sizes)
                fn.disable_compile()
        _compiled.add(dtype)
    return fn


# --- public API ------------------------------------------------------------------------------

_ENV = "AUTOGRAD_ENGINE_MATMUL"
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise ValueError(f"matmul backend must be one of {BACKENDS}, got {name!r}")
    return name


_backend = _check_backend(os.environ.get(_ENV, "auto").strip().lower() or "auto")


_auto_on_numba = False  # ``auto`` since a convolution claimed the cores: see claim_cores


def _all_on_blas() -> bool:
    return _backend == "blas" or (_backend == "auto" and not (config.PARALLEL or _auto_on_numba))


# Whether every product runs on BLAS, whatever its size: read by the ops' 2-D fast path (a
# 64x64 product takes ~5.5 us, and a call to ``blas_selected`` ~0.3 us of it).
all_on_blas: bool = _all_on_blas()


def set_matmul_backend(name: str) -> None:
    """Select the matmul backend for the process: ``"auto"``, ``"numba"`` or ``"blas"``
    (``auto`` starts over on BLAS for large products, see ``claim_cores``)."""
    global _backend, _auto_on_numba, all_on_blas
    _backend = _check_backend(name)
    _auto_on_numba = False
    all_on_blas = _all_on_blas()


def claim_cores() -> bool:
    """Whether a kernel with threads of its own (the stride-1 convolution GEMM, the depthwise
    convolution kernels) may run them: not while large matmuls run on BLAS, whose idle
    workers spin after every call and would halve its threads' speed. With ``auto``, the first such call moves the process's large
    matmuls to the Numba GEMM for good (until ``set_matmul_backend``), as
    ``AUTOGRAD_ENGINE_PARALLEL=1`` does: a model with convolutions then never alternates
    the two pools, and one without them keeps BLAS."""
    global _auto_on_numba, all_on_blas
    if _backend == "auto":
        _auto_on_numba = True
        all_on_blas = False
    return _backend != "blas"


def get_matmul_backend() -> str:
    """The backend selected by ``AUTOGRAD_ENGINE_MATMUL`` or ``set_matmul_backend``."""
    return _backend


def _transposed_or_copied(x: np.ndarray, trans: bool) -> tuple[np.ndarray, bool]:
    """A C-contiguous stand-in for a non-contiguous ``x``: its transpose (with ``trans``
    flipped) when that is contiguous, else a contiguous copy."""
    xt = x.swapaxes(-1, -2)
    if xt.flags.c_contiguous:
        return xt, not trans
    return np.ascontiguousarray(x), trans


def _result_shape(a: np.ndarray, b: np.ndarray, trans_a: bool, trans_b: bool) -> tuple:
    """(shape of ``op(a) @ op(b)``, contracted size k); raises ValueError on bad operands."""
    sa, sb = a.shape, b.shape
    ndim = len(sa)
    if (ndim != 2 and ndim != 3) or len(sb) != ndim:
        raise ValueError(f"gemm needs two 2-D or two 3-D arrays, got shapes {sa} and {sb}")
    dtype = a.dtype
    if dtype != b.dtype or dtype not in _DTYPES:
        raise ValueError(f"gemm needs float32 or float64 operands of one dtype, got {a.dtype} "
                         f"and {b.dtype}")
    m, k = (sa[-1], sa[-2]) if trans_a else (sa[-2], sa[-1])
    k2, n = (sb[-1], sb[-2]) if trans_b else (sb[-2], sb[-1])
    if k != k2 or (ndim == 3 and sa[0] != sb[0]):
        raise ValueError(f"gemm shapes {sa}{'^T' * trans_a} and {sb}{'^T' * trans_b} do not match")
    return ((m, n) if ndim == 2 else (sa[0], m, n)), k


def _cdiv(x: int, y: int) -> int:
    return -(-x // y)


def _cuts(size: int, parts: int, align: int) -> list[int]:
    """Bounds of ``parts`` near-equal runs of ``size``, on multiples of ``align``."""
    units = _cdiv(size, align)
    return [min(size, align * (units * p // parts)) for p in range(parts + 1)]


def _numba_gemm(a, b, trans_a, trans_b, c, k) -> bool:
    """``c = op(a) @ op(b)`` on 3-D arrays with the Numba kernel; ``c`` is C-contiguous and
    ``k`` the contracted size. False, with nothing written, when ``c`` shares memory with
    ``a`` or ``b``.

    Large products run on ``threads.count()`` threads, each with a run of the batch when
    the batch divides evenly enough, else with a run of row blocks (columns when the product
    is wider than tall): each thread packs the panels of its own part of one operand and all
    of the other (measured on a par with one shared packing of it, 256 to 2048)."""
    batch, m, n = c.shape
    if c.size == 0 or k == 0:
        c.fill(0)
        return True
    if not a.flags.c_contiguous:
        a, trans_a = _transposed_or_copied(a, trans_a)
    if not b.flags.c_contiguous:
        b, trans_b = _transposed_or_copied(b, trans_b)
    gemm_kernel = _kernel(c.dtype)
    parts = threads.count() if batch * m * n * k >= PARALLEL_MIN_FLOPS else 1
    if parts == 1:
        return gemm_kernel(a, b, c, trans_a, trans_b, KC, MC, 0, m, 0, n)
    if np.may_share_memory(c, a) or np.may_share_memory(c, b):
        return False  # each thread sees only its own part of the operands
    if batch >= parts and (batch % parts == 0 or batch >= 4 * parts):
        cuts = _cuts(batch, parts, 1)
        calls = [(a[lo:hi], b[lo:hi], c[lo:hi], trans_a, trans_b, KC, MC, 0, m, 0, n)
                 for lo, hi in zip(cuts, cuts[1:])]
    elif m >= n:
        cuts = _cuts(m, min(parts, _cdiv(m, MR)), MR)
        calls = [(a, b, c, trans_a, trans_b, KC, MC, lo, hi, 0, n) for lo, hi in zip(cuts, cuts[1:])]
    else:
        cuts = _cuts(n, min(parts, _cdiv(n, NR)), NR)
        calls = [(a, b, c, trans_a, trans_b, KC, MC, 0, m, lo, hi) for lo, hi in zip(cuts, cuts[1:])]
    threads.run([(gemm_kernel, args) for args in calls])
    return True


def _use_blas(m: int, n: int, k: int, backend: str) -> bool:
    if backend == "auto":
        return not (config.PARALLEL or _auto_on_numba) or m * n * k <= BLAS_MAX_FLOPS
    return backend == "blas"


def blas_selected(m: int, n: int, k: int) -> bool:
    """Whether the process-wide backend runs an (m, k) @ (k, n) product on BLAS (callers
    that validated their operands call ``np.matmul`` directly then: it saves ``gemm``'s
    ~2 us of checks, a third of the whole product at 64 x 64)."""
    return _use_blas(m, n, k, _backend)


def gemm(a: np.ndarray, b: np.ndarray, trans_a: bool = False, trans_b: bool = False,
         out: np.ndarray | None = None, backend: str | None = None) -> np.ndarray:
    """``op(a) @ op(b)`` with ``op(x) = x.swapaxes(-1, -2) if trans else x``.

    2-D operands, or 3-D ones with the same leading batch size; float32 or float64.
    ``gemm(g, b, trans_b=True)`` and ``gemm(a, g, trans_a=True)`` are the gradients of
    ``a @ b`` with no transposed copy. ``out`` (C-contiguous, result shape and dtype)
    receives the result. ``backend`` overrides the process-wide selection for this call.
    """
    shape, k = _result_shape(a, b, trans_a, trans_b)
    if out is not None and (out.shape != shape or out.dtype != a.dtype
                            or not out.flags.c_contiguous):
        raise ValueError(f"gemm out must be a C-contiguous {a.dtype} array of shape {shape}, "
                         f"got {out.dtype} {out.shape}")
    if _use_blas(shape[-2], shape[-1], k, _backend if backend is None else _check_backend(backend)):
        return np.matmul(a.swapaxes(-1, -2) if trans_a else a,
                         b.swapaxes(-1, -2) if trans_b else b, out=out)
    if out is None:
        out = np.empty(shape, dtype=a.dtype)
    if len(shape) == 2:  # the kernel takes batches
        a, b, c = a[None], b[None], out[None]
    else:
        c = out
    if not _numba_gemm(a, b, trans_a, trans_b, c, k):  # c overlaps an operand: go via a copy
        c[...] = gemm(a, b, trans_a, trans_b, backend="numba")
    return out


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None,
           backend: str | None = None) -> np.ndarray:
    """``a @ b`` for 2-D or (equal-batch) 3-D float32/float64 arrays, via the selected backend."""
    return gemm(a, b, False, False, out, backend)
