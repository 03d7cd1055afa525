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
PARALLEL_MIN_SIZE: int = (_env_int("AUTOGRAD_ENGINE_PARALLEL_MIN_SIZE", 1 << 18) if PARALLEL
                          else sys.maxsize)


def jit(**options):
    """``numba.njit`` with the project's cache setting, releasing the GIL (worker threads run
    kernels side by side, and so can the user's threads); other options pass through."""
    options.setdefault("cache", CACHE)
    options.setdefault("nogil", True)
    return numba.njit(**options)
