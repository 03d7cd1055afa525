"""The cost of ``GradientMonitor``: a training step of the 784-1024-1024-10 MLP (batch 128,
SGD with momentum) with and without a monitor recording every step, and the fused
statistics kernels against the numpy expressions they replace.

``pytest bench/bench_diagnostics.py --benchmark-only`` (groups), ``pytest -s
bench/bench_diagnostics.py -k overhead`` (prints the overhead against the 10 % budget), or
``python -m bench.bench_diagnostics`` for a markdown table and the measured overhead.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn
from autograd_engine.diagnostics import GradientMonitor
from autograd_engine.kernels import optim as optim_kernels
from autograd_engine.kernels import stats

BATCH = 128
N = 1 << 20
RNG = np.random.default_rng(0)
X = RNG.standard_normal(N).astype(np.float32)
Y = X + RNG.standard_normal(N).astype(np.float32) * np.float32(1e-3)


def make_step(monitored: bool):
    """A zero-argument training step (forward, backward, optimizer step); monitored steps
    also record the loss. Returns (step, monitor or None)."""
    ae.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                          nn.Linear(1024, 10))
    opt = ae.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = ae.randn(BATCH, 784)
    y = ae.randint(0, 10, (BATCH,))
    loss_fn = nn.CrossEntropyLoss()
    monitor = GradientMonitor(model, opt).attach() if monitored else None

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if monitor is not None:
            monitor.record_loss(loss)

    step()  # compile and allocate outside the timings
    return step, monitor


def measure_overhead(pairs: int = 25) -> tuple[float, float]:
    """Median seconds of a plain and of a monitored step, timed alternately so that load
    from other processes hits both alike."""
    plain, _ = make_step(False)
    monitored, _ = make_step(True)
    times: dict = {plain: [], monitored: []}
    for _ in range(pairs):
        for step in (plain, monitored):
            start = time.perf_counter()
            step()
            times[step].append(time.perf_counter() - start)
    return float(np.median(times[plain])), float(np.median(times[monitored]))


@pytest.mark.parametrize("monitored", [False, True], ids=["plain", "monitored"])
def test_mlp_step(benchmark, monitored):
    benchmark.group = f"MLP 784-1024-1024-10 training step, batch {BATCH}"
    step, _ = make_step(monitored)
    benchmark(step)


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
def test_gradient_statistics(benchmark, implementation):
    benchmark.group = f"sum, sum of squares, NaN/Inf count: float32[{N}]"
    if implementation == "kernel":
        benchmark(stats.moments, X)
    else:
        wide = X.astype(np.float64)
        benchmark(lambda: (wide.sum(), np.dot(wide, wide), int((~np.isfinite(X)).sum())))


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
def test_update_statistics(benchmark, implementation):
    benchmark.group = f"||new - old||^2 and ||old||^2: float32[{N}]"
    if implementation == "kernel":
        benchmark(stats.update_sumsq, Y, X)
    else:
        def numpy_update():
            delta = Y.astype(np.float64) - X
            return np.dot(delta, delta), np.dot(X.astype(np.float64), X)
        benchmark(numpy_update)


@pytest.mark.parametrize("measured", [False, True], ids=["plain", "measured"])
def test_sgd_step_measuring_its_update(benchmark, measured):
    benchmark.group = f"SGD-momentum kernel step, float32[{N}], with/without update statistics"
    p, buf = X.copy(), np.zeros_like(X)
    sums = np.zeros(3) if measured else None
    benchmark(optim_kernels.sgd_step, p, Y, buf, lr=1e-6, momentum=0.9, stats=sums)


def test_monitor_overhead_report():
    """Reports (does not assert: timings on a shared machine are noisy) the overhead."""
    plain, monitored = measure_overhead()
    overhead = monitored / plain - 1
    print(f"\nplain step {plain * 1e3:.1f} ms, monitored {monitored * 1e3:.1f} ms: "
          f"overhead {overhead:+.1%} (budget +10%)")


def main() -> None:
    from .harness import compare, markdown_table

    plain, _ = make_step(False)
    monitored, _ = make_step(True)
    rows = compare("MLP 784-1024-1024-10 step", {"plain": plain, "monitored": monitored},
                   min_time=3.0)
    wide = X.astype(np.float64)
    rows += compare(f"moments float32[{N}]", {
        "numpy": lambda: (wide.sum(), np.dot(wide, wide), int((~np.isfinite(X)).sum())),
        "kernel": lambda: stats.moments(X)})
    print(markdown_table(rows))
    base, with_monitor = measure_overhead()
    print(f"\ninterleaved medians: plain {base * 1e3:.1f} ms, monitored "
          f"{with_monitor * 1e3:.1f} ms, overhead {with_monitor / base - 1:+.1%}")


if __name__ == "__main__":
    main()
