"""Wide and long graphs: a 100,000-input fan-in differentiates, and the memory of an N-op
chain grows as O(N) and is given back by backward. (The 1,000,000-op chain lives in
test_engine.py.)"""
from __future__ import annotations

import gc
import time
import tracemalloc

import numpy as np
import pytest

import autograd_engine as ae

FAN_IN = 100_000


def _leaves(n: int) -> list:
    return [ae.tensor(np.float64(i % 7), requires_grad=True) for i in range(n)]


@pytest.mark.slow
def test_fan_in_of_100k_inputs_into_one_node():
    leaves = _leaves(FAN_IN)
    weights = np.arange(FAN_IN, dtype=np.float64) % 5
    start = time.perf_counter()
    (ae.stack(leaves) * ae.tensor(weights)).sum().backward()
    print(f"fan-in stack of {FAN_IN}: {time.perf_counter() - start:.2f} s")
    np.testing.assert_array_equal([t.grad.item() for t in leaves], weights)


@pytest.mark.slow
def test_fan_in_of_100k_inputs_through_a_sum_chain():
    leaves = _leaves(FAN_IN)
    start = time.perf_counter()
    total = sum(leaf * leaf for leaf in leaves)  # 100k multiplies feeding a 100k-add chain
    total.backward()
    print(f"fan-in chain of {FAN_IN}: {time.perf_counter() - start:.2f} s")
    np.testing.assert_array_equal([t.grad.item() for t in leaves],
                                  [2.0 * (i % 7) for i in range(FAN_IN)])


def _chain(w: ae.Tensor, n: int) -> ae.Tensor:
    """n multiplications, each saving its 8 KB input for backward."""
    y = w
    for _ in range(n):
        y = y * w
    return y.sum()


def _traced_chain(n: int) -> tuple[int, int, int]:
    """(bytes held by the built graph, after backward, after dropping it)."""
    w = ae.tensor(np.full(1000, 1.0001), requires_grad=True)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        y = _chain(w, n)
        built = tracemalloc.get_traced_memory()[0] - base
        y.backward()
        w.grad = None
        after_backward = tracemalloc.get_traced_memory()[0] - base
        del y
        gc.collect()
        dropped = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    return built, after_backward, dropped


def test_chain_memory_is_linear_and_freed_by_backward():
    small, large = _traced_chain(1000), _traced_chain(2000)
    print(f"chain memory: 1000 ops {small[0] / 2**20:.1f} MiB, 2000 ops "
          f"{large[0] / 2**20:.1f} MiB; after backward {large[1] / 2**20:.2f} MiB; "
          f"dropped {large[2] / 2**20:.3f} MiB")
    assert 1.8 < large[0] / small[0] < 2.2  # O(N): about 8 KB per op
    assert large[0] > 2000 * 8000
    assert large[1] < 0.1 * large[0]  # saved arrays released while the output lives on
    assert large[2] < 0.01 * large[0]
