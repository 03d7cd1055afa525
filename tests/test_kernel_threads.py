"""The worker threads behind multi-threaded kernel calls (``kernels/threads.py``)."""
from __future__ import annotations

import multiprocessing
import threading

import numba
import numpy as np
import pytest

from autograd_engine.kernels import (activations, conv, gamma, losses, matmul, norm, optim,
                                     scatter, softmax, special)
from autograd_engine.kernels import threads
from autograd_engine.kernels.threads import SplitKernel


def _whoami(tag):
    return tag, threading.current_thread().name


def test_run_returns_results_in_order_first_call_on_the_caller():
    results = threads.run([(_whoami, (i,)) for i in range(4)])
    assert [tag for tag, _ in results] == [0, 1, 2, 3]
    assert results[0][1] == threading.current_thread().name
    workers = {name for _, name in results[1:]}
    assert len(workers) == 3 and all(n.startswith("autograd_engine-kernel-") for n in workers)


def _fail(message):
    raise ValueError(message)


@pytest.mark.parametrize("failing", [0, 2])
def test_an_exception_is_reraised_after_every_call_finished(failing):
    finished = []
    calls = [(finished.append, (i,)) for i in range(3)]
    calls[failing] = (_fail, (f"call {failing}",))
    with pytest.raises(ValueError, match=f"call {failing}"):
        threads.run(calls)
    assert sorted(finished) == sorted(set(range(3)) - {failing})
    assert threads.run([(_whoami, (1,)), (_whoami, (2,))])[1][0] == 2  # the pool still works


def test_a_second_caller_runs_its_parts_serially_while_the_workers_are_busy():
    inside, release = threading.Event(), threading.Event()

    def block():
        inside.set()
        release.wait(10)

    first = threading.Thread(target=threads.run, args=([(block, ()), (block, ())],))
    first.start()
    assert inside.wait(10)
    try:
        names = {name for _, name in threads.run([(_whoami, (0,)), (_whoami, (1,))])}
        assert names == {threading.current_thread().name}
    finally:
        release.set()
        first.join()


def _threaded_relu_in_child(queue):
    x = np.linspace(-1, 1, 1000)
    queue.put(threads.run([(activations.relu_fwd, (x[:500],)), (activations.relu_fwd, (x[500:],))]))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_a_forked_child_starts_its_own_workers():
    threads.run([(_whoami, (0,)), (_whoami, (1,))])  # the parent's workers exist
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_threaded_relu_in_child, args=(queue,))
    child.start()
    (low, _), (high, _) = queue.get(timeout=60)
    child.join(60)
    assert child.exitcode == 0
    np.testing.assert_array_equal(np.concatenate([low, high]),
                                  np.maximum(np.linspace(-1, 1, 1000), 0))


def test_split_kernel_cuts_arrays_in_proportion_and_keeps_shared_ones_whole(threaded):
    threaded()
    seen = []

    def record(rows, per_part, shared, scalar):
        seen.append((rows.copy(), per_part.shape[0], shared.size, scalar))
        return rows.shape[0]

    kernel = SplitKernel(record, shared=(2,))
    kernel.kernel = record  # the plain function: this test is about the cutting
    results = kernel(10, np.arange(10), np.zeros((3, 4)), np.ones(7), 5)
    assert results == [3, 3, 4]
    assert [list(rows) for rows, *_ in sorted(seen, key=lambda s: s[0][0])] == [
        [0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert all(parts == 1 and shared == 7 and scalar == 5 for _, parts, shared, scalar in seen)


def _kernels() -> list:
    found = []
    for module in (activations, conv, gamma, losses, norm, optim, scatter, softmax, special):
        for value in vars(module).values():
            values = value.values() if isinstance(value, dict) else [value]
            found += [v.kernel for v in values
                      if isinstance(v, SplitKernel) and not isinstance(v.kernel, np.ufunc)]
    return found


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="kernels run as Python")
def test_every_kernel_releases_the_gil():
    kernels = _kernels() + [matmul._gemm]
    assert len(kernels) > 30
    assert all(k.targetoptions.get("nogil") for k in kernels)


def test_split_kernel_parts_add_to_an_accumulated_array_keeping_its_contents(threaded):
    threaded()

    def count_rows(rows, totals):
        for r in range(rows.shape[0]):
            totals[rows[r] % 2] += 1.0

    kernel = SplitKernel(count_rows, accumulate=(1,))
    totals = np.array([10.0, 20.0])
    kernel(10, np.arange(10), totals)
    np.testing.assert_array_equal(totals, [15.0, 25.0])
