"""Kernels vs the numpy expressions they replace: ``pytest bench/bench_kernels.py --benchmark-only``.

Each group times one workload (forward + backward pair) as numpy and as the kernel. numpy has
no erf, so exact GELU is compared with a numpy A&S 7.1.26 erf (the formula the kernel uses
for float32).
"""
from __future__ import annotations

import numpy as np
import pytest

from autograd_engine.kernels import activations, losses, scatter, softmax

N = 1 << 20
RNG = np.random.default_rng(0)
X = RNG.standard_normal(N).astype(np.float32)
G = RNG.standard_normal(N).astype(np.float32)
SQRT_2_OVER_PI = np.float32(0.7978845608028654)


def _erf(x):
    t = 1 / (np.float32(0.3275911) * np.abs(x) + 1)
    p = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
         + 0.254829592) * t
    return np.sign(x) * (1 - p * np.exp(-x * x))


def _numpy_gelu_tanh(x, g):
    t = np.tanh(SQRT_2_OVER_PI * (x + np.float32(0.044715) * x ** 3))
    y = 0.5 * x * (1 + t)
    inner = SQRT_2_OVER_PI * (1 + np.float32(3 * 0.044715) * x * x)
    return y, g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner)


def _numpy_gelu(x, g):
    cdf = 0.5 * (1 + _erf(x * np.float32(0.7071067811865476)))
    return x * cdf, g * (cdf + x * np.exp(-0.5 * x * x) * np.float32(0.3989422804014327))


def _numpy_sigmoid(x, g):
    y = 1 / (1 + np.exp(-x))
    return y, g * y * (1 - y)


def _numpy_silu(x, g):
    s = 1 / (1 + np.exp(-x))
    return x * s, g * s * (1 + x * (1 - s))


def _numpy_softplus(x, g):
    e = np.exp(x)
    return np.where(x > 20, x, np.log1p(e)), np.where(x > 20, g, g * e / (e + 1))


NUMPY_PAIRS = {
    "relu": lambda x, g: (np.maximum(x, 0), g * (x > 0)),
    "leaky_relu": lambda x, g: (np.where(x > 0, x, x * np.float32(0.01)),
                                np.where(x > 0, g, g * np.float32(0.01))),
    "sigmoid": _numpy_sigmoid,
    "tanh": lambda x, g: (lambda y: (y, g * (1 - y * y)))(np.tanh(x)),
    "gelu": _numpy_gelu,
    "gelu_tanh": _numpy_gelu_tanh,
    "silu": _numpy_silu,
    "softplus": _numpy_softplus,
    "elu": lambda x, g: (np.where(x > 0, x, np.expm1(x)), np.where(x > 0, g, g * np.exp(x))),
}
FROM_OUTPUT = {"sigmoid", "tanh"}


def kernel_pair(name):
    fwd = getattr(activations, f"{name}_fwd")
    bwd = getattr(activations, f"{name}_bwd")

    def run(x, g):
        if name == "relu":  # its backward reads the bit mask its forward writes
            y, mask = fwd(x)
            return y, bwd(mask, g)
        y = fwd(x)
        return y, bwd(y if name in FROM_OUTPUT else x, g)

    return run


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
@pytest.mark.parametrize("name", NUMPY_PAIRS)
def test_activation_pair(benchmark, name, implementation):
    benchmark.group = f"{name} fwd+bwd float32[{N}]"
    run = NUMPY_PAIRS[name] if implementation == "numpy" else kernel_pair(name)
    benchmark(run, X, G)


def _numpy_softmax_pair(x, g):
    e = np.exp(x - x.max(-1, keepdims=True))
    y = e / e.sum(-1, keepdims=True)
    return y, y * (g - (g * y).sum(-1, keepdims=True))


def _kernel_softmax_pair(x, g):
    y = softmax.softmax_fwd(x)
    return y, softmax.softmax_bwd(y, g)


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
@pytest.mark.parametrize("shape", [(128, 10), (1024, 1000)])
def test_softmax_pair(benchmark, shape, implementation):
    benchmark.group = f"softmax fwd+bwd float32{list(shape)}"
    x = (RNG.standard_normal(shape) * 3).astype(np.float32)
    g = RNG.standard_normal(shape).astype(np.float32)
    benchmark(_numpy_softmax_pair if implementation == "numpy" else _kernel_softmax_pair, x, g)


def numpy_cross_entropy_pair(logits, target, grad):
    rows = np.arange(len(target))
    m = logits.max(1, keepdims=True)
    log_sum = m[:, 0] + np.log(np.exp(logits - m).sum(1))
    loss = log_sum - logits[rows, target]
    dlogits = np.exp(logits - log_sum[:, None])
    dlogits[rows, target] -= 1
    return loss, dlogits * grad[:, None]


def _kernel_cross_entropy_pair(logits, target, grad):
    loss, prob = losses.cross_entropy_fwd(logits, target)
    return loss, losses.cross_entropy_bwd(prob, target, grad)


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
@pytest.mark.parametrize("shape", [(128, 10), (1024, 1000)])
def test_cross_entropy_pair(benchmark, shape, implementation):
    benchmark.group = f"cross_entropy fwd+bwd float32{list(shape)}"
    logits = (RNG.standard_normal(shape) * 3).astype(np.float32)
    target = RNG.integers(0, shape[1], shape[0])
    grad = np.ones(shape[0], np.float32)
    run = numpy_cross_entropy_pair if implementation == "numpy" else _kernel_cross_entropy_pair
    benchmark(run, logits, target, grad)


def _numpy_scatter(size, index, values):
    out = np.zeros(size, values.dtype)
    np.add.at(out, index, values)
    return out


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
@pytest.mark.parametrize("size", [1000, N])
def test_scatter_add_flat(benchmark, size, implementation):
    benchmark.group = f"scatter_add_flat {N} values into {size}"
    index = RNG.integers(0, size, N)
    run = _numpy_scatter if implementation == "numpy" else scatter.scatter_add_flat
    benchmark(run, size, index, X)


def _numpy_scatter_rows(n_rows, index, values):
    out = np.zeros((n_rows, values.shape[1]), values.dtype)
    np.add.at(out, index, values)
    return out


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
def test_scatter_add_rows(benchmark, implementation):
    benchmark.group = "scatter_add_rows 16384x64 into 1000 rows"
    index = RNG.integers(0, 1000, 16384)
    values = RNG.standard_normal((16384, 64)).astype(np.float32)
    run = _numpy_scatter_rows if implementation == "numpy" else scatter.scatter_add_rows
    benchmark(run, 1000, index, values)
