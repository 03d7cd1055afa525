"""The curated workloads of ``python -m bench`` as pytest-benchmark tests:
``pytest bench/bench_workloads.py --benchmark-only`` (one group per workload, implementations
side by side; PyTorch's rows are skipped when it is not installed)."""
from __future__ import annotations

import pytest

from .workloads import all_workloads

WORKLOADS = {w.name: w for w in all_workloads()}
_BUILT: dict = {}


def _implementations(name: str) -> dict:
    if name not in _BUILT:
        _BUILT[name] = WORKLOADS[name].build()
    return _BUILT[name]


@pytest.mark.parametrize("impl", ["naive", "numpy", "kernel", "kernel (Numba GEMM)",
                                  "autograd_engine", "torch"])
@pytest.mark.parametrize("name", list(WORKLOADS))
def test_workload(benchmark, name, impl):
    impls = _implementations(name)
    if impl not in impls:
        pytest.skip(f"{name} has no {impl} implementation")
    if impls[impl] is None:
        pytest.skip(f"{impl} is not installed")
    if impl == "naive":
        benchmark.pedantic(impls[impl], rounds=1, iterations=1)
    else:
        benchmark(impls[impl])
    benchmark.group = name
