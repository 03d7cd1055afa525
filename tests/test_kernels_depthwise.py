"""The depthwise convolution kernels (``kernels/depthwise.py``) against their naive loop twins
and numpy, on random geometries (padding, dilation, stride, channel multiplier, sizes where
the output is empty or one row), float32 and float64; their argument checks; threaded runs;
and the routes ``ops/conv.py`` takes through them, with gradcheck and gradgradcheck of the
ops on that route. Also runs with NUMBA_DISABLE_JIT=1."""
import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.gradcheck import gradcheck, gradgradcheck
from autograd_engine.kernels import depthwise, reference

PYTHON_MODE = numba.config.DISABLE_JIT


@st.composite
def geometries(draw):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 3)), draw(st.integers(0, 3)))
    s = draw(st.integers(1, 3))
    size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 9))
                 for k, d, p in zip(kernel, dilation, padding))
    out_hw = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                   for n, k, p, d in zip(size, kernel, padding, dilation))
    channels, multiplier = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    return dict(image=(draw(st.integers(1, 3)), channels) + size,
                weights=(channels * multiplier,) + kernel, stride=(s, s), padding=padding,
                dilation=dilation, out_hw=out_hw)


@settings(max_examples=15 if PYTHON_MODE else 120)
@given(geometries(), st.sampled_from([np.float32, np.float64]), st.integers(0, 2**31))
def test_kernels_match_their_naive_twins(case, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(case["image"]).astype(dtype)
    w = rng.standard_normal(case["weights"]).astype(dtype)
    geometry = case["stride"], case["padding"], case["dilation"]
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    y = depthwise.depthwise_conv2d(x, w, *geometry, case["out_hw"])
    assert y.dtype == dtype
    np.testing.assert_allclose(y, reference.depthwise_conv2d(x, w, *geometry, case["out_hw"]),
                               **tol)
    # the naive conv2d (groups = channels) agrees on the forward
    np.testing.assert_allclose(y, reference.conv2d(x, w[:, None], None, *geometry,
                                                   groups=x.shape[1]), **tol)
    g = rng.standard_normal(y.shape).astype(dtype)
    dx = depthwise.depthwise_conv2d_input(g, w, x.shape, *geometry)
    assert dx.shape == x.shape and dx.dtype == dtype
    np.testing.assert_allclose(dx, reference.depthwise_conv2d_input(g, w, x.shape, *geometry),
                               **tol)
    dw = depthwise.depthwise_conv2d_weight(x, g, w.shape[1:], *geometry)
    assert dw.shape == w.shape and dw.dtype == dtype
    scale = max(1.0, y.shape[0] * y.shape[2] * y.shape[3] / 16)  # terms summed per weight
    np.testing.assert_allclose(dw, reference.depthwise_conv2d_weight(x, g, w.shape[1:],
                                                                     *geometry),
                               rtol=tol["rtol"], atol=tol["atol"] * scale)


def test_one_output_row_takes_any_row_stride():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 1, 12))
    w = rng.standard_normal((3, 1, 3))
    args = ((5, 2), (0, 1), (1, 1))
    y = depthwise.depthwise_conv2d(x, w, *args, (1, 6))
    np.testing.assert_allclose(y, reference.depthwise_conv2d(x, w, *args, (1, 6)))


def test_empty_inputs_and_outputs():
    w = np.ones((4, 3, 3))
    assert depthwise.depthwise_conv2d(np.ones((0, 2, 5, 5)), w, (1, 1), (1, 1), (1, 1),
                                      (5, 5)).shape == (0, 4, 5, 5)
    g = np.ones((0, 4, 5, 5))
    assert not depthwise.depthwise_conv2d_weight(np.ones((0, 2, 5, 5)), g, (3, 3), (1, 1),
                                                 (1, 1), (1, 1)).any()
    dx = depthwise.depthwise_conv2d_input(np.ones((1, 4, 0, 5)), w, (1, 2, 2, 5), (1, 1),
                                          (0, 1), (1, 1))
    assert dx.shape == (1, 2, 2, 5) and not dx.any()


def test_argument_errors():
    x, w = np.ones((1, 2, 5, 5)), np.ones((4, 3, 3))
    with pytest.raises(ValueError, match="strides"):
        depthwise.depthwise_conv2d(x, w, (1, 2), (0, 0), (1, 1), (3, 2))
    with pytest.raises(ValueError, match="padding >= 0"):
        depthwise.depthwise_conv2d(x, w, (1, 1), (-1, 0), (1, 1), (1, 3))
    with pytest.raises(ValueError, match="C \\* multiplier"):
        depthwise.depthwise_conv2d(x, np.ones((3, 3, 3)), (1, 1), (0, 0), (1, 1), (3, 3))
    with pytest.raises(ValueError, match="C \\* multiplier"):
        depthwise.depthwise_conv2d(x, w.astype(np.float32), (1, 1), (0, 0), (1, 1), (3, 3))
    with pytest.raises(ValueError, match="does not match"):
        depthwise.depthwise_conv2d_input(np.ones((1, 3, 3, 3)), w, x.shape, (1, 1), (0, 0),
                                         (1, 1))
    with pytest.raises(ValueError, match="does not match"):
        depthwise.depthwise_conv2d_weight(x, np.ones((2, 4, 3, 3)), (3, 3), (1, 1), (0, 0),
                                          (1, 1))


@pytest.mark.skipif(PYTHON_MODE, reason="large products in Python mode")
def test_threaded_runs_match_one_thread(threaded):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 3, 8, 9)).astype(np.float32)
    w = rng.standard_normal((6, 3, 3)).astype(np.float32)
    g = rng.standard_normal((5, 6, 8, 9)).astype(np.float32)
    args = ((1, 1), (1, 1), (1, 1))
    single = (depthwise.depthwise_conv2d(x, w, *args, (8, 9)),
              depthwise.depthwise_conv2d_input(g, w, x.shape, *args),
              depthwise.depthwise_conv2d_weight(x, g, (3, 3), *args))
    threaded()
    parts = (depthwise.depthwise_conv2d(x, w, *args, (8, 9)),
             depthwise.depthwise_conv2d_input(g, w, x.shape, *args),
             depthwise.depthwise_conv2d_weight(x, g, (3, 3), *args))
    np.testing.assert_array_equal(parts[0], single[0])
    np.testing.assert_array_equal(parts[1], single[1])
    np.testing.assert_allclose(parts[2], single[2], rtol=1e-6)  # float64 sums, other order


# --- the ops' routes ------------------------------------------------------------------------


@pytest.fixture
def routes(monkeypatch):
    """Calls of the depthwise kernels the ops make: {"fwd": n, "input": n, "weight": n}."""
    counts = {"fwd": 0, "input": 0, "weight": 0}
    for key, name in (("fwd", "depthwise_conv2d"), ("input", "depthwise_conv2d_input"),
                      ("weight", "depthwise_conv2d_weight")):
        def call(*args, _key=key, _fn=getattr(depthwise, name), **kwargs):
            counts[_key] += 1
            return _fn(*args, **kwargs)
        monkeypatch.setattr(depthwise, name, call)
    return counts


# (op, x shape, w shape, kwargs, whether the depthwise kernels run)
OP_CASES = [
    (F.conv2d, (2, 3, 6, 5), (6, 1, 3, 3), dict(padding=1, groups=3), True),
    (F.conv2d, (2, 4, 7, 6), (4, 1, 3, 2), dict(padding=(1, 0), stride=2, dilation=(1, 2),
                                                groups=4), True),
    (F.conv2d, (1, 1, 6, 6), (3, 1, 3, 3), dict(padding=1), False),  # one channel: GEMM
    (F.conv1d, (2, 3, 9), (6, 1, 3), dict(padding=1, stride=2, groups=3), True),
    (F.conv_transpose2d, (2, 3, 4, 4), (3, 1, 3, 3), dict(stride=2, padding=1,
                                                          output_padding=1, groups=3), True),
    (F.conv2d, (2, 2, 5, 7), (2, 1, 2, 2), dict(stride=(1, 2), groups=2), False),
    (F.conv2d, (2, 4, 5, 5), (4, 2, 3, 3), dict(padding=1, groups=2), False),
    (F.conv3d, (1, 2, 3, 4, 4), (2, 1, 2, 2, 2), dict(groups=2), False),
]


@pytest.mark.parametrize("op,x_shape,w_shape,kwargs,depthwise_route", OP_CASES)
def test_ops_take_the_depthwise_route_and_agree_with_the_naive_conv(
        routes, op, x_shape, w_shape, kwargs, depthwise_route):
    rng = np.random.default_rng(3)
    x = ae.tensor(rng.standard_normal(x_shape), requires_grad=True)
    w = ae.tensor(rng.standard_normal(w_shape), requires_grad=True)
    out = op(x, w, **kwargs)
    out.backward(ae.tensor(rng.standard_normal(out.shape)))
    assert (routes == {"fwd": 1, "input": 1, "weight": 1}) == depthwise_route
    if op is F.conv2d:
        pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
        expected = reference.conv2d(x.detach().numpy(), w.detach().numpy(), None,
                                    pair(kwargs.get("stride", 1)),
                                    pair(kwargs.get("padding", 0)),
                                    pair(kwargs.get("dilation", 1)), kwargs.get("groups", 1))
        np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("op,x_shape,w_shape,kwargs,depthwise_route",
                         [c for c in OP_CASES if c[-1]])
def test_gradcheck_on_the_depthwise_route(routes, op, x_shape, w_shape, kwargs,
                                          depthwise_route):
    rng = np.random.default_rng(4)
    bias = w_shape[1] * kwargs.get("groups", 1) if "transpose" in op.__name__ else w_shape[0]
    inputs = [ae.tensor(rng.standard_normal(s), requires_grad=True)
              for s in (x_shape, w_shape, (bias,))]
    fn = lambda x, w, b: op(x, w, b, **kwargs)  # noqa: E731
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)
    assert routes["fwd"] and routes["input"] and routes["weight"]
