"""conv2d forward + backward at (32, 16, 28, 28) with a 3x3 kernel to 32 channels: ours (the
stride-1 convolution GEMM, ``kernels/conv.py``), a straightforward numpy im2col
(sliding_window_view + matmul) and PyTorch; and the fused batch/layer norm kernels vs the
numpy expressions they replace.

``pytest bench/bench_conv.py --benchmark-only``, or ``python -m bench.bench_conv`` for a
markdown table with the speedups; ``python -m bench.bench_conv --phases`` times the
convolution GEMM's products one by one (forward with bias, input gradient, weight gradient,
bias gradient) against PyTorch's, and the whole forward + backward, on one and on all
threads.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.kernels import norm

RNG = np.random.default_rng(0)
N, C, H, W, O, K = 32, 16, 28, 28, 32, 3
X = RNG.standard_normal((N, C, H, W)).astype(np.float32)
WEIGHT = (RNG.standard_normal((O, C, K, K)) * 0.1).astype(np.float32)
BIAS = RNG.standard_normal(O).astype(np.float32)
GRAD = RNG.standard_normal((N, O, H, W)).astype(np.float32)


def numpy_conv(x=X, w=WEIGHT, b=BIAS, g=GRAD) -> tuple:
    """Same-padded 3x3 conv forward and all three gradients with numpy only."""
    p = K // 2
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    cols = sliding_window_view(xp, (K, K), axis=(2, 3)).transpose(0, 2, 3, 1, 4, 5)
    cols = cols.reshape(N * H * W, C * K * K)
    w_mat = w.reshape(O, -1)
    y = (cols @ w_mat.T).reshape(N, H, W, O).transpose(0, 3, 1, 2) + b.reshape(-1, 1, 1)
    g_mat = g.transpose(0, 2, 3, 1).reshape(-1, O)
    dw = (g_mat.T @ cols).reshape(w.shape)
    dcols = (g_mat @ w_mat).reshape(N, H, W, C, K, K)
    dxp = np.zeros_like(xp)
    for i in range(K):
        for j in range(K):
            dxp[:, :, i:i + H, j:j + W] += dcols[..., i, j].transpose(0, 3, 1, 2)
    return y, dxp[:, :, p:-p, p:-p], dw, g.sum((0, 2, 3))


def ae_conv():
    x = ae.tensor(X, requires_grad=True)
    w = ae.tensor(WEIGHT, requires_grad=True)
    b = ae.tensor(BIAS, requires_grad=True)
    g = ae.tensor(GRAD)

    def run():
        x.grad = w.grad = b.grad = None
        F.conv2d(x, w, b, padding=K // 2).backward(g)
        return x.grad, w.grad, b.grad
    return run


def torch_conv():
    try:
        import torch
    except ImportError:
        return None
    x = torch.tensor(X, requires_grad=True)
    w = torch.tensor(WEIGHT, requires_grad=True)
    b = torch.tensor(BIAS, requires_grad=True)
    g = torch.tensor(GRAD)

    def run():
        x.grad = w.grad = b.grad = None
        torch.nn.functional.conv2d(x, w, b, padding=K // 2).backward(g)
    return run


DEPTHWISE = (16, 32, 56, 56)  # 3x3, padding 1, groups = channels (a MobileNet block's)
DEPTHWISE_NAME = f"depthwise conv2d fwd+bwd {DEPTHWISE} 3x3"


STRIDED = (16, 64, 56, 56)  # 3x3, stride 2, padding 1, to 128 channels (a ResNet downsampling)
STRIDED_NAME = f"strided conv2d fwd+bwd {STRIDED} 3x3 stride 2 -> 128"


def _conv_pair(x_shape: tuple, w_shape: tuple, out_shape: tuple, **kwargs) -> dict:
    """{"autograd_engine": fn, "torch": fn or None}: forward + backward of one conv2d layer
    (no bias) on random float32 data."""
    x = RNG.standard_normal(x_shape).astype(np.float32)
    w = (RNG.standard_normal(w_shape) * 0.3).astype(np.float32)
    g = RNG.standard_normal(out_shape).astype(np.float32)

    def pair(lib, functional):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        gt = lib.tensor(g)

        def run():
            xt.grad = wt.grad = None
            functional.conv2d(xt, wt, **kwargs).backward(gt)
        return run
    try:
        import torch
    except ImportError:
        torch = None
    return {"autograd_engine": pair(ae, F),
            "torch": None if torch is None else pair(torch, torch.nn.functional)}


def depthwise_convs() -> dict:
    """Forward + backward of the depthwise layer (``_conv_pair``)."""
    return _conv_pair(DEPTHWISE, (DEPTHWISE[1], 1, 3, 3), DEPTHWISE, padding=1,
                      groups=DEPTHWISE[1])


def strided_convs() -> dict:
    """Forward + backward of the strided layer (``_conv_pair``)."""
    n, c, h, w = STRIDED
    return _conv_pair(STRIDED, (128, c, 3, 3), (n, 128, h // 2, w // 2), stride=2, padding=1)


def _numpy_norm(x: np.ndarray, dims: tuple, g: np.ndarray) -> tuple:
    """Normalise over ``dims`` (no affine) and its input gradient, as numpy expressions."""
    centered = x - x.mean(dims, keepdims=True)
    invstd = 1 / np.sqrt((centered * centered).mean(dims, keepdims=True) + 1e-5)
    xhat = centered * invstd
    dx = invstd * (g - g.mean(dims, keepdims=True)
                   - xhat * (g * xhat).mean(dims, keepdims=True))
    return xhat, dx, (g * xhat).sum(dims), g.sum(dims)


def _kernel_batch_norm(x3: np.ndarray, g3: np.ndarray) -> tuple:
    y, mean, var = norm.batch_norm_fwd(x3, None, None, 1e-5)
    return y, norm.batch_norm_bwd(g3, x3, mean, 1 / np.sqrt(var + 1e-5), None)


def _kernel_layer_norm(x2: np.ndarray, g2: np.ndarray) -> tuple:
    y, mean, invstd = norm.layer_norm_fwd(x2, None, None, 1e-5)
    return y, norm.layer_norm_bwd(g2, x2, mean, invstd, None)


NORM_SHAPES = [(128, 1024), (256, 64, 32)]


def _norm_workloads() -> dict:
    out = {}
    for shape in NORM_SHAPES:
        x = RNG.standard_normal(shape).astype(np.float32)
        g = RNG.standard_normal(shape).astype(np.float32)
        x3, g3 = x.reshape(shape[0], shape[1], -1), g.reshape(shape[0], shape[1], -1)
        x2, g2 = x.reshape(shape[0], -1), g.reshape(shape[0], -1)
        out[f"batch_norm fwd+bwd {shape}"] = {
            "numpy": lambda x3=x3, g3=g3: _numpy_norm(x3, (0, 2), g3),
            "kernel": lambda x3=x3, g3=g3: _kernel_batch_norm(x3, g3)}
        out[f"layer_norm fwd+bwd {shape}"] = {
            "numpy": lambda x2=x2, g2=g2: _numpy_norm(x2, (1,), g2),
            "kernel": lambda x2=x2, g2=g2: _kernel_layer_norm(x2, g2)}
    return out


def _conv_workload() -> dict:
    return {"numpy": numpy_conv, "ae": ae_conv(), "torch": torch_conv()}


CONV_NAME = f"conv2d fwd+bwd ({N}, {C}, {H}, {W}) 3x3 -> {O}"


@pytest.mark.parametrize("implementation", ["numpy", "ae", "torch"])
def test_conv2d_forward_backward(benchmark, implementation):
    fn = _conv_workload()[implementation]
    if fn is None:
        pytest.skip("torch is not installed")
    benchmark.group = CONV_NAME
    benchmark(fn)


@pytest.mark.parametrize("implementation", ["numpy", "kernel"])
@pytest.mark.parametrize("workload", list(_norm_workloads()))
def test_norm_forward_backward(benchmark, workload, implementation):
    benchmark.group = workload
    benchmark(_norm_workloads()[workload][implementation])


def _phases() -> dict:
    """{product: {"autograd_engine": fn, "torch": fn or None}} at the benchmark's shape, as
    arrays (no graph): the products ``F.conv2d`` and its backward run (ours the stride-1
    convolution GEMM)."""
    from autograd_engine.ops import conv as ops_conv
    geometry = ops_conv.Geometry((1, 1), (K // 2, K // 2), (1, 1), 1)
    ours = {"forward + bias": lambda: ops_conv._conv(X, WEIGHT, geometry, (H, W), BIAS),
            "input gradient": lambda: ops_conv._conv_t(GRAD, WEIGHT, (H, W), geometry),
            "weight gradient": lambda: ops_conv._conv_w(X, GRAD, (K, K), geometry, None),
            "bias gradient": lambda: GRAD.sum((0, 2, 3)), "forward + backward": ae_conv()}
    theirs = dict.fromkeys(ours)
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        x, w, b, g = (torch.tensor(v) for v in (X, WEIGHT, BIAS, GRAD))
        backward = torch.ops.aten.convolution_backward

        def grad(mask):
            return lambda: backward(g, x, w, [O], [1, 1], [K // 2] * 2, [1, 1], False, [0, 0],
                                    1, mask)
        theirs = {"forward + bias": lambda: torch.conv2d(x, w, b, padding=K // 2),
                  "input gradient": grad([True, False, False]),
                  "weight gradient": grad([False, True, False]),
                  "bias gradient": lambda: g.sum((0, 2, 3)),
                  "forward + backward": torch_conv()}
    return {name: {"autograd_engine": ours[name], "torch": theirs[name]} for name in ours}


def phases() -> None:
    """Markdown tables of ``_phases`` on all threads (both libraries) and on one."""
    from autograd_engine.kernels import threads

    from .harness import compare, markdown_table
    try:
        import torch
    except ImportError:
        torch = None
    for count in (threads.count(), 1):
        saved = threads.count()
        threads.set_count(count)
        if torch is not None:
            torch_threads = torch.get_num_threads()
            torch.set_num_threads(count)
        try:
            rows = [row for name, impls in _phases().items()
                    for row in compare(f"{name}, {count} thread(s)", impls)]
        finally:
            threads.set_count(saved)
            if torch is not None:
                torch.set_num_threads(torch_threads)
        print(markdown_table(rows) + "\n")


def main() -> None:
    if "--phases" in sys.argv[1:]:
        phases()
        return
    from .harness import compare, markdown_table
    rows = compare(CONV_NAME, _conv_workload())
    for workload, impls in _norm_workloads().items():
        rows += compare(workload, impls)
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
