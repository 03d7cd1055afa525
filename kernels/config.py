"""Numba flags for every kernel, in one place.

Environment overrides (read once, at import):

- ``AUTOGRAD_ENGINE_NUMBA_CACHE``: ``0`` disables the on-disk compile cache (default ``1``).
  When the package directory is read-only Numba falls back to a per-user cache directory;
  ``NUMBA_CACHE_DIR`` chooses another location.
- ``AUTOGRAD_ENGINE_FASTMATH``: ``1`` lets kernels whose results cannot involve NaN/Inf use
  LLVM fast-math (default ``0``).
- ``AUTOGRAD_ENGINE_PARALLEL``: ``1`` turns on the multi-threaded kernel variants (default
  ``0``). Off, every Numba kernel is serial and matmul's ``auto`` dispatch uses BLAS, whose
  own threads then have the cores to themselves; on, ``auto`` uses the Numba GEMM so that all
  threads belong to Numba's pool. Mixing the two pools makes idle OpenBLAS workers spin
  against Numba's: a 784-1024-1024-10 MLP step measured 48 ms mixed, 9.1 ms with BLAS and
  serial kernels, 14 ms with Numba's pool only (2 cores).
- ``AUTOGRAD_ENGINE_THREADS``: number of threads for parallel kernels (default: all cores).
- ``AUTOGRAD_ENGINE_PARALLEL_MIN_SIZE``: with parallel kernels on, the element count from
  which a kernel uses its multi-threaded variant (below it the ~2 us launch costs more).
"""
from __future__ import annotations

import os
import sys

import numba


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
PARALLEL_MIN_SIZE: int = (_env_int("AUTOGRAD_ENGINE_PARALLEL_MIN_SIZE", 1 << 16) if PARALLEL
                          else sys.maxsize)

if THREADS > 0:
    numba.set_num_threads(min(THREADS, numba.config.NUMBA_NUM_THREADS))


def prange_only() -> dict:
    """Numba's ``parallel=`` options for a kernel whose only parallel loops are its ``prange``
    loops. With plain ``parallel=True`` Numba also turns every array expression and numpy call
    into a parallel loop of its own: each costs a thread launch at run time (on per-channel
    vectors of a few elements) and a gufunc at compile time (batch norm's parallel build
    compiled 4.5 s instead of ~1 s). A fresh dict each time: Numba consumes it."""
    return dict(prange=True, comprehension=False, reduction=False, inplace_binop=False,
                setitem=False, numpy=False, stencil=False, fusion=False)


def jit(**options):
    """``numba.njit`` with the project's cache setting; other options pass through."""
    options.setdefault("cache", CACHE)
    return numba.njit(**options)
