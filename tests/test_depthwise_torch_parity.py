"""Depthwise convolutions (``groups`` = input channels: the kernels of kernels/depthwise.py)
against PyTorch live: random 1-D and 2-D geometries, channel multipliers, transposed with
output_padding; values, gradients and second derivatives, float32 and float64."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

from .test_conv_gemm_torch_parity import transposed_padding  # noqa: E402


@st.composite
def depthwise_case(draw):
    rank = draw(st.integers(1, 2))
    transposed = draw(st.booleans())
    channels, multiplier = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(rank))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    stride = (draw(st.integers(1, 3)),) * rank
    kwargs = dict(groups=channels, stride=stride, dilation=dilation)
    if transposed:
        kwargs.update(transposed_padding(draw, kernel, stride, dilation))
        size = tuple(draw(st.integers(1, 6)) for _ in range(rank))
        assume(all((n - 1) * s - 2 * p + d * (k - 1) + q >= 0 for n, s, p, d, k, q in zip(
            size, stride, kwargs["padding"], dilation, kernel, kwargs["output_padding"])))
        w_shape = (channels, 1) + kernel  # one output channel per group
        name = f"conv_transpose{rank}d"
    else:
        kwargs["padding"] = tuple(draw(st.integers(0, 3)) for _ in range(rank))
        size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 9))
                     for k, d, p in zip(kernel, dilation, kwargs["padding"]))
        w_shape = (channels * multiplier, 1) + kernel
        name = f"conv{rank}d"
    return dict(name=name, x_shape=(draw(st.integers(1, 3)), channels) + size, w_shape=w_shape,
                kwargs=kwargs, dtype=draw(st.sampled_from(["float32", "float64"])))


def _derivatives(lib, functional, case, x, w, b):
    dtype = getattr(lib, case["dtype"])
    xt, wt, bt = (lib.tensor(v, dtype=dtype, requires_grad=True) for v in (x, w, b))
    y = getattr(functional, case["name"])(xt, wt, bt, **case["kwargs"])
    g = lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)), dtype=dtype)
    gx, gw, gb = lib.autograd.grad(y, [xt, wt, bt], g, create_graph=True)
    ggx, ggw = lib.autograd.grad((gx * gx).sum() + (gw * gw).sum(), [xt, wt])
    return [t.detach().numpy() for t in (y, gx, gw, gb, ggx, ggw)]


@settings(max_examples=150)
@given(depthwise_case(), st.integers(0, 2**31))
def test_depthwise_convolutions_match_torch(case, seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(case["x_shape"]), rng.standard_normal(case["w_shape"])
    out_channels = case["w_shape"][0] if "transpose" not in case["name"] else \
        case["w_shape"][1] * case["kwargs"]["groups"]
    b = rng.standard_normal(out_channels)
    ours = _derivatives(ae, F, case, x, w, b)
    theirs = _derivatives(torch, TF, case, x, w, b)
    tol = 2e-5 if case["dtype"] == "float32" else 1e-11
    for a, expected in zip(ours, theirs):
        assert a.shape == expected.shape and a.dtype == expected.dtype
        np.testing.assert_allclose(a, expected, rtol=tol,
                                   atol=tol * max(1.0, float(np.abs(expected).max())))
