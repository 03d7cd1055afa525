"""Matmul backends side by side: ``pytest bench/bench_matmul.py --benchmark-only``.

One group per size: numpy's BLAS (``np.matmul``), the Numba GEMM, ``auto`` dispatch, and the
naive loops at 16 and 32. ``AUTOGRAD_ENGINE_BENCH_2048=1`` adds 2048. Each benchmark waits
briefly before timing so OpenBLAS's spinning workers from the previous one have gone to sleep
(see bench/MATMUL.md on thread-pool contention).
"""
from __future__ import annotations

import os
import time

import numpy as np
import pytest

from autograd_engine.kernels import matmul, reference

SIZES = [64, 128, 256, 512, 1024] + ([2048] if os.environ.get("AUTOGRAD_ENGINE_BENCH_2048") else [])
NAIVE_SIZES = [16, 32]


def _operands(n, dtype=np.float32):
    rng = np.random.default_rng(0)
    return (rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype),
            np.empty((n, n), dtype))


@pytest.fixture
def backend():
    saved = matmul.get_matmul_backend()
    yield matmul.set_matmul_backend
    matmul.set_matmul_backend(saved)


def _run(benchmark, n, fn):
    benchmark.group = f"matmul {n}x{n}x{n} float32"
    benchmark.extra_info["gflops"] = 2 * n ** 3 / 1e9
    fn()  # compile / warm up outside the timing
    time.sleep(0.3)
    benchmark(fn)


@pytest.mark.parametrize("n", SIZES + NAIVE_SIZES)
def test_numpy_blas(benchmark, n):
    a, b, out = _operands(n)
    _run(benchmark, n, lambda: np.matmul(a, b, out=out))


@pytest.mark.parametrize("n", SIZES + NAIVE_SIZES)
def test_numba_gemm(benchmark, backend, n):
    a, b, out = _operands(n)
    backend("numba")
    _run(benchmark, n, lambda: matmul.matmul(a, b, out=out))


@pytest.mark.parametrize("n", SIZES + NAIVE_SIZES)
def test_auto(benchmark, backend, n):
    a, b, out = _operands(n)
    backend("auto")
    _run(benchmark, n, lambda: matmul.matmul(a, b, out=out))


@pytest.mark.parametrize("n", NAIVE_SIZES)
def test_naive_loops(benchmark, n):
    a, b, _ = _operands(n)
    _run(benchmark, n, lambda: reference.matmul_naive(a, b))
