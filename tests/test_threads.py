"""Thread safety: grad mode is per thread, and threads training separate models at the same
time get the results of sequential runs."""
from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd_engine as ae

STEPS = 150


def _run_in_threads(*targets) -> list:
    """Start every target at once (behind a barrier); re-raise the first failure."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)
    errors: list = []

    def wrap(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def test_no_grad_in_one_thread_does_not_leak_into_another():
    entered, checked = threading.Event(), threading.Event()

    def silent():
        with ae.no_grad():
            entered.set()
            checked.wait(5)
            return ae.is_grad_enabled()

    def recording():
        entered.wait(5)
        x = ae.ones(2, requires_grad=True)
        y = (x * 2).sum()
        checked.set()
        return ae.is_grad_enabled(), y.requires_grad

    assert _run_in_threads(silent, recording) == [False, (True, True)]
    assert ae.is_grad_enabled()


def _trainer(seed: int, optimizer_cls):
    """A closure training its own MLP on its own data; returns the final parameters."""
    ae.manual_seed(seed)
    model = ae.nn.Sequential(ae.nn.Linear(8, 16), ae.nn.Tanh(), ae.nn.Linear(16, 3))
    rng = np.random.default_rng(seed)
    x = ae.tensor(rng.standard_normal((32, 8)).astype(np.float32))
    y = ae.tensor(rng.integers(0, 3, 32))
    optimizer = optimizer_cls(model.parameters(), lr=0.01)
    loss_fn = ae.nn.CrossEntropyLoss()

    def train():
        for step in range(STEPS):
            optimizer.zero_grad()
            with ae.no_grad() if step % 10 == 0 else ae.enable_grad():
                model(x)  # a no_grad pass now and then, as an eval would
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return [p.data.copy() for p in model.parameters()]

    return train


@pytest.mark.parametrize("kernel_threads", [False, True])
def test_concurrent_training_matches_sequential(kernel_threads, threaded):
    """Also with multi-threaded kernels: one trainer's calls use the workers while the
    others run theirs serially."""
    if kernel_threads:
        threaded()
    specs = [(1, ae.optim.SGD), (2, ae.optim.Adam), (3, ae.optim.SGD)]
    sequential = [_trainer(s, o)() for s, o in specs]
    concurrent = _run_in_threads(*[_trainer(s, o) for s, o in specs])
    for seq, con in zip(sequential, concurrent):
        for a, b in zip(seq, con):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert ae.is_grad_enabled()
