"""Fused optimizer kernels vs straightforward in-place numpy updates, on the parameters of a
784-1024-1024-10 MLP (1.86M float32 values in six arrays).

``pytest bench/bench_optim.py --benchmark-only`` (groups per optimizer), or
``python -m bench.bench_optim`` for a markdown table with the speedups.
"""
from __future__ import annotations

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.kernels import optim as kernels

SHAPES = [(1024, 784), (1024,), (1024, 1024), (1024,), (10, 1024), (10,)]
RNG = np.random.default_rng(0)
PARAMS = [RNG.standard_normal(s).astype(np.float32).ravel() for s in SHAPES]
GRADS = [RNG.standard_normal(s).astype(np.float32).ravel() for s in SHAPES]
LR, MOMENTUM, BETA1, BETA2, EPS, ALPHA, STEP = 1e-3, 0.9, 0.9, 0.999, 1e-8, 0.99, 10
MU, MU_NEXT = (BETA1 * (1 - 0.5 * 0.96 ** (t * 4e-3)) for t in (STEP, STEP + 1))  # NAdam's
MU_PRODUCT = 0.5


def _state(count: int) -> list:
    return [[np.full_like(p, 0.01) for _ in range(count)] for p in PARAMS]


def numpy_sgd(states: list) -> None:
    for p, g, (buf,) in zip(PARAMS, GRADS, states):
        buf *= MOMENTUM
        buf += g
        p -= LR * buf


def numpy_adam(states: list) -> None:
    bias_correction2_sqrt = (1 - BETA2 ** STEP) ** 0.5
    step_size = LR / (1 - BETA1 ** STEP)
    for p, g, (m, v) in zip(PARAMS, GRADS, states):
        m *= BETA1
        m += (1 - BETA1) * g
        v *= BETA2
        v += (1 - BETA2) * g * g
        denom = np.sqrt(v)
        denom /= bias_correction2_sqrt
        denom += EPS
        p -= step_size * m / denom


def numpy_rmsprop(states: list) -> None:
    for p, g, (square_avg,) in zip(PARAMS, GRADS, states):
        square_avg *= ALPHA
        square_avg += (1 - ALPHA) * g * g
        avg = np.sqrt(square_avg)
        avg += EPS
        p -= LR * g / avg


def numpy_nadam(states: list) -> None:
    for p, g, (m, v) in zip(PARAMS, GRADS, states):
        m *= BETA1
        m += (1 - BETA1) * g
        v *= BETA2
        v += (1 - BETA2) * g * g
        denom = np.sqrt(v / (1 - BETA2 ** STEP))
        denom += EPS
        p -= LR * (1 - MU) / (1 - MU_PRODUCT) * g / denom
        p -= LR * MU_NEXT / (1 - MU_PRODUCT * MU_NEXT) * m / denom


def numpy_rprop(states: list) -> None:
    for p, g, (prev, step_size) in zip(PARAMS, GRADS, states):
        agreement = np.sign(g * prev)
        step_size *= np.where(agreement > 0, np.float32(1.2),
                              np.where(agreement < 0, np.float32(0.5), np.float32(1)))
        np.clip(step_size, np.float32(1e-6), np.float32(50), out=step_size)
        prev[...] = np.where(agreement < 0, np.float32(0), g)
        p -= np.sign(prev) * step_size


def kernel_sgd(states: list) -> None:
    for p, g, (buf,) in zip(PARAMS, GRADS, states):
        kernels.sgd_step(p, g, buf, lr=LR, momentum=MOMENTUM)


def kernel_adam(states: list) -> None:
    for p, g, (m, v) in zip(PARAMS, GRADS, states):
        kernels.adam_step(p, g, m, v, v, step=STEP, lr=LR, beta1=BETA1, beta2=BETA2, eps=EPS)


def kernel_rmsprop(states: list) -> None:
    for p, g, (square_avg,) in zip(PARAMS, GRADS, states):
        kernels.rmsprop_step(p, g, square_avg, p, p, lr=LR, alpha=ALPHA, eps=EPS)


def kernel_nadam(states: list) -> None:
    for p, g, (m, v) in zip(PARAMS, GRADS, states):
        product = np.array(MU_PRODUCT / MU)  # the step multiplies it by MU
        kernels.nadam_step(p, g, m, v, product, step=STEP, lr=LR, beta1=BETA1, beta2=BETA2,
                           eps=EPS)


def kernel_rprop(states: list) -> None:
    for p, g, (prev, step_size) in zip(PARAMS, GRADS, states):
        kernels.rprop_step(p, g, prev, step_size)


def _optimizer_step(cls, **kwargs):
    """A full ``ae.optim`` step (Python bookkeeping included) on tensors of the same shapes."""
    params = [ae.tensor(p.reshape(s), requires_grad=True) for p, s in zip(PARAMS, SHAPES)]
    for t, g, s in zip(params, GRADS, SHAPES):
        t.grad = ae.tensor(g.reshape(s))
    opt = cls(params, lr=LR, **kwargs)
    return lambda _states: opt.step()


WORKLOADS = {
    "SGD momentum": (1, numpy_sgd, kernel_sgd,
                     lambda: _optimizer_step(ae.optim.SGD, momentum=MOMENTUM)),
    "Adam": (2, numpy_adam, kernel_adam, lambda: _optimizer_step(ae.optim.Adam)),
    "RMSprop": (1, numpy_rmsprop, kernel_rmsprop, lambda: _optimizer_step(ae.optim.RMSprop)),
    "NAdam": (2, numpy_nadam, kernel_nadam, lambda: _optimizer_step(ae.optim.NAdam)),
    "Rprop": (2, numpy_rprop, kernel_rprop, lambda: _optimizer_step(ae.optim.Rprop)),
}


@pytest.mark.parametrize("implementation", ["numpy", "kernel", "optimizer"])
@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_optimizer_step(benchmark, workload, implementation):
    count, numpy_fn, kernel_fn, make_optimizer = WORKLOADS[workload]
    benchmark.group = f"{workload} step, MLP 784-1024-1024-10 float32"
    run = {"numpy": numpy_fn, "kernel": kernel_fn}.get(implementation) or make_optimizer()
    benchmark(run, _state(count))


def main() -> None:
    from .harness import compare, markdown_table
    rows = []
    for workload, (count, numpy_fn, kernel_fn, make_optimizer) in WORKLOADS.items():
        states = _state(count)
        optimizer = make_optimizer()
        rows += compare(f"{workload} (1.86M params)", {
            "numpy": lambda: numpy_fn(states), "kernel": lambda: kernel_fn(states),
            "ae.optim": lambda: optimizer(states)})
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
