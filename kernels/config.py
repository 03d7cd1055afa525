"""Numba flags for every kernel, in one place.

Environment overrides (read once, at import):

- ``AUTOGRAD_ENGINE_NUMBA_CACHE``: ``0`` disables the on-disk compile cache (default ``1``).
  When the package directory is read-only Numba falls back to a per-user cache directory;
  ``NUMBA_CACHE_DIR`` chooses another location.
- ``AUTOGRAD_ENGINE_FASTMATH``: ``1`` lets kernels whose results cannot involve NaN/Inf use
  LLVM fast-math (default ``0``).
- ``AUTOGRAD_ENGINE_PARALLEL``: ``1`` turns on the multi-threaded kernel variants (default
  ``0``). Off, every Numba kernel is serial and matmul's ``auto`` dispatch uses BLAS, whose
  own threads then have the cores to themselves (until a convolution runs its own threaded
  GEMM: ``matmul.claim_cores``); on, ``auto`` uses the Numba GEMM so that all
  threads are the project's own (``threads.py``), whose idle workers sleep rather than spin.
  OpenBLAS's idle workers spin after each call and slow any other pool's threads down.
- ``AUTOGRAD_ENGINE_THREADS``: number of threads for parallel kernels (default: the usable
  cores).
- ``AUTOGRAD_ENGINE_PARALLEL_MIN_SIZE``: with parallel kernels on, the element count from
  which a kernel runs on several threads (below it waking the workers costs more).
"""
from __future__ import annotations

import os
import sys

import llvmlite.binding as llvm
import numba
from numba.core import config as numba_config
from numba.core.compiler_lock import global_compiler_lock


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {value!r}") from exc


CACHE: bool = bool(_env_int("AUTOGRAD_ENGINE_NUMBA_CACHE", 1))
FASTMATH: bool = bool(_env_int("AUTOGRAD_ENGINE_FASTMATH", 0))
THREADS: int = _env_int("AUTOGRAD_ENGINE_THREADS", 0)
PARALLEL: bool = bool(_env_int("AUTOGRAD_ENGINE_PARALLEL", 0))
PARALLEL_MIN_SIZE: int = (_env_int("AUTOGRAD_ENGINE_PARALLEL_MIN_SIZE", 1 << 18) if PARALLEL
                          else sys.maxsize)


def jit(**options):
    """``numba.njit`` with the project's cache setting, releasing the GIL (worker threads run
    kernels side by side, and so can the user's threads); other options pass through."""
    options.setdefault("cache", CACHE)
    options.setdefault("nogil", True)
    return numba.njit(**options)


def _wide_vector_bits() -> int:
    """512 on an AVX-512 host, else 0 (LLVM's own choice). Also 0 when
    ``NUMBA_CPU_NAME``/``NUMBA_CPU_FEATURES`` choose another target, and under Numba's debug
    switches (no optimisation; bounds checks, whose raising branches keep loops scalar and
    would make LLVM report each forced loop it cannot vectorise)."""
    if (numba_config.CPU_NAME or numba_config.CPU_FEATURES or numba_config.DISABLE_JIT
            or numba_config.BOUNDSCHECK or numba_config.OPT == 0):
        return 0
    try:
        return 512 if llvm.get_host_cpu_features().get("avx512f") else 0
    except RuntimeError:  # features unknown on this platform
        return 0


_WIDE_VECTOR_BITS = _wide_vector_bits()


def _lanes(signature: tuple, bits: int) -> int:
    """Vector lanes of ``bits`` when ``signature``'s first float array is float32, else 0.

    float64 is left to LLVM: forcing a width there measured no steadier gain, and LLVM
    prints a remark to stderr for each forced loop it cannot vectorise (libm calls)."""
    for arg in signature:
        dtype = getattr(arg, "dtype", None)
        if isinstance(dtype, numba.types.Float):
            return bits // 32 if dtype == numba.types.float32 else 0
    return 0


def full_width(dispatcher: numba.core.registry.CPUDispatcher):
    """Make ``dispatcher`` compile its float32 loops with 512-bit vectors on AVX-512 CPUs.

    LLVM stops at 256 bits there by default (a tuning choice for older CPUs' clock drop);
    for compute-bound loops such as gelu or silu, 512 bits ran 1.25-1.4x faster here. The
    LLVM option is process-wide, so it is set only while this dispatcher compiles, under
    Numba's compiler lock, and reset after."""
    if not _WIDE_VECTOR_BITS:
        return dispatcher
    compile_signature = dispatcher.compile

    def compile(signature):
        lanes = _lanes(signature, _WIDE_VECTOR_BITS)
        if not lanes:
            return compile_signature(signature)
        with global_compiler_lock:
            llvm.set_option("", f"-force-vector-width={lanes}")
            try:
                return compile_signature(signature)
            finally:
                llvm.set_option("", "-force-vector-width=0")

    dispatcher.compile = compile
    return dispatcher
