"""Memory soak: thousands of training steps keep resident memory and the number of live
tensors and graph nodes flat, also when forward or backward passes fail half-way."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
import weakref

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.function import Node
from autograd_engine.grad_mode import state

STEPS = 5000
WARMUP = 500


class Boom(Exception):
    """A user error type that must come out of backward unchanged."""


def rss_bytes() -> int:
    """Resident set size from /proc/self/statm (pages -> bytes)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def live_counts() -> tuple[int, int]:
    """(live Tensors, live graph nodes), after a full collection. By ``type``: isinstance
    would ask a weakref proxy for its class, which raises once its referent is gone (llvmlite
    keeps such proxies after Numba compiled in the process)."""
    gc.collect()
    types = [type(o) for o in gc.get_objects()]
    return (sum(issubclass(t, ae.Tensor) for t in types), sum(issubclass(t, Node) for t in types))


def _model() -> tuple:
    ae.manual_seed(0)
    model = ae.nn.Sequential(ae.nn.Linear(16, 32), ae.nn.ReLU(), ae.nn.Linear(32, 4))
    return model, ae.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)


def _batch(rng: np.random.Generator) -> tuple:
    x = rng.standard_normal((16, 16)).astype(np.float32)
    return ae.tensor(x), ae.tensor((x[:, :4].argmax(axis=1)))


def _step(model, optimizer, loss_fn, x, y) -> float:
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def soak() -> dict:
    """Train STEPS steps; the RSS and live counts after WARMUP steps and at the end."""
    rng = np.random.default_rng(0)
    batches = [_batch(rng) for _ in range(8)]
    model, optimizer = _model()
    loss_fn = ae.nn.CrossEntropyLoss()
    losses = []
    start = time.perf_counter()
    for step in range(STEPS):
        losses.append(_step(model, optimizer, loss_fn, *batches[step % len(batches)]))
        if step == WARMUP:  # (counting first: its list of every object grows the heap)
            counts_before = live_counts()
            rss_before = rss_bytes()
    rss_after = rss_bytes()
    return dict(rss_before=rss_before, rss_after=rss_after, counts_before=counts_before,
                counts_after=live_counts(), seconds=time.perf_counter() - start,
                first_losses=float(np.mean(losses[:100])),
                last_losses=float(np.mean(losses[-100:])))


@pytest.mark.slow
def test_training_soak_keeps_memory_and_objects_flat():
    # in a fresh process: what earlier tests left behind (caches, a fragmented heap) made the
    # resident size of the suite's own process drift by more than the bound now and then
    code = "import json; from tests.test_soak import soak; print(json.dumps(soak()))"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    run = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    r = json.loads(run.stdout.splitlines()[-1])
    print(f"soak: {STEPS} steps in {r['seconds']:.1f} s; RSS {r['rss_before'] / 2**20:.1f} -> "
          f"{r['rss_after'] / 2**20:.1f} MiB; (tensors, nodes) {r['counts_before']} -> "
          f"{r['counts_after']}")
    (tensors_before, nodes_before), (tensors_after, nodes_after) = (r["counts_before"],
                                                                    r["counts_after"])
    assert tensors_after <= tensors_before + 2 and nodes_after <= nodes_before
    assert r["rss_after"] - r["rss_before"] < 4 * 2**20
    assert r["last_losses"] < 0.5 * r["first_losses"]


def _graph(x: ae.Tensor) -> tuple:
    """A small graph whose nodes save arrays; returns (output, weakref to its last node)."""
    y = (x * x).exp().sum()
    return y, weakref.ref(y.grad_fn)


def _assert_clean(ref: weakref.ref) -> None:
    assert ae.is_grad_enabled() and not state.anomaly
    gc.collect()
    assert ref() is None, "the graph outlived the failed pass"


class _FailingBackward(ae.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * 2

    @staticmethod
    def backward(ctx, g):
        raise Boom("custom backward")


class _FailingForward(ae.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        assert not ae.is_grad_enabled()
        raise Boom("custom forward")

    @staticmethod
    def backward(ctx, g):
        return g


def _raise_in_hook(x: ae.Tensor) -> weakref.ref:
    y, ref = _graph(x)
    y.register_hook(lambda g: (_ for _ in ()).throw(Boom("hook")))
    try:
        y.backward()
    except Boom:
        pass
    else:
        raise AssertionError("the hook's exception was swallowed")
    return ref


def _raise_in_custom_backward(x: ae.Tensor) -> weakref.ref:
    y, ref = _graph(_FailingBackward.apply(x))
    try:
        with ae.autograd.detect_anomaly():
            ae.autograd.grad(y, [x], create_graph=True)
    except Boom:
        pass
    return ref


def _raise_in_custom_forward(x: ae.Tensor) -> weakref.ref:
    y, ref = _graph(x)
    try:
        with ae.no_grad():
            _FailingForward.apply(y)
    except Boom:
        pass
    return ref


def _raise_in_module_forward(x: ae.Tensor) -> weakref.ref:
    model = ae.nn.Sequential(ae.nn.Linear(3, 4), ae.nn.Linear(5, 2))  # 4 != 5
    outputs = []
    model[0].register_forward_hook(lambda m, i, o: outputs.append(weakref.ref(o.grad_fn)))
    try:
        model((x * x).float().reshape(1, 3))
    except RuntimeError:
        pass
    else:
        raise AssertionError("the shape mismatch was not reported")
    return outputs[0]


FAILURES = [_raise_in_hook, _raise_in_custom_backward, _raise_in_custom_forward,
            _raise_in_module_forward]


@pytest.mark.parametrize("fail", FAILURES, ids=lambda f: f.__name__.lstrip("_"))
def test_failed_pass_keeps_type_restores_modes_and_frees_graph(fail):
    x = ae.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    _assert_clean(fail(x))
    # the leaf still works afterwards
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3.0)


def test_repeated_failures_do_not_leak():
    x = ae.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    for fail in FAILURES:  # warm caches (kernels, lazily created class attributes)
        fail(x)
    before = live_counts()
    for _ in range(50):
        for fail in FAILURES:
            fail(x)
    after = live_counts()
    assert after[0] <= before[0] + 2 and after[1] <= before[1], (before, after)
