"""Convolutions on the kernels' GEMM (over padded images or their stride phases; the input
gradient as a convolution at stride 1, else col2im) against PyTorch live: random 1-, 2- and
3-D shapes, strides, groups, dilation, padding (integers and 'same'), transposed with
output_padding; values, the three gradients and result dtypes, float32 and float64."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
pytestmark = pytest.mark.usefixtures("numba_matmul")  # the ops then take the GEMM kernels


def transposed_padding(draw, kernel: tuple, stride: tuple, dilation: tuple) -> dict:
    """A transposed convolution's padding and output_padding, as PyTorch accepts them."""
    return dict(padding=tuple(draw(st.integers(0, d * (k - 1)))
                              for k, d in zip(kernel, dilation)),
                output_padding=tuple(draw(st.integers(0, max(s, d) - 1))
                                     for s, d in zip(stride, dilation)))


@st.composite
def conv_case(draw):
    rank = draw(st.integers(1, 3))
    transposed = draw(st.booleans())
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 9)), groups * draw(st.integers(1, 9))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    kwargs = dict(groups=groups, dilation=dilation, stride=stride)
    if transposed:
        kwargs.update(transposed_padding(draw, kernel, stride, dilation))
        size = tuple(draw(st.integers(max(1, 2 * p - d * (k - 1) + 1), 6))
                     for k, d, p in zip(kernel, dilation, kwargs["padding"]))
        w_shape = (c_in, c_out // groups) + kernel
    else:
        kwargs["padding"] = draw(st.one_of(
            st.just("same"), st.tuples(*[st.integers(0, 3) for _ in range(rank)])))
        if kwargs["padding"] == "same":
            kwargs["stride"] = 1  # PyTorch's 'same' takes stride 1 only
        pads = (0,) * rank if kwargs["padding"] == "same" else kwargs["padding"]
        size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 6))
                     for k, d, p in zip(kernel, dilation, pads))
        w_shape = (c_out, c_in // groups) + kernel
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    return dict(rank=rank, transposed=transposed, x_shape=batch + (c_in,) + size,
                w_shape=w_shape, bias=draw(st.booleans()), kwargs=kwargs,
                dtype=draw(st.sampled_from(["float32", "float64"])))


def _op(lib, case):
    name = f"conv{'_transpose' if case['transposed'] else ''}{case['rank']}d"
    return getattr(F if lib is ae else TF, name)


@settings(max_examples=200)
@given(conv_case(), st.integers(0, 2**31))
def test_gemm_convolutions_match_torch(case, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(case["x_shape"])
    w = rng.standard_normal(case["w_shape"])
    channels = case["w_shape"][1] * case["kwargs"]["groups"] if case["transposed"] \
        else case["w_shape"][0]
    b = rng.standard_normal(channels) if case["bias"] else None
    values = {}
    for lib in (ae, torch):
        dtype = getattr(lib, case["dtype"])
        xt, wt = (lib.tensor(v, dtype=dtype, requires_grad=True) for v in (x, w))
        bt = None if b is None else lib.tensor(b, dtype=dtype, requires_grad=True)
        out = _op(lib, case)(xt, wt, bt, **case["kwargs"])
        g = np.sin(np.arange(out.numel()) * 0.37).reshape(tuple(out.shape))
        out.backward(lib.tensor(g, dtype=dtype))
        values[lib] = [out.detach(), xt.grad, wt.grad] + ([] if bt is None else [bt.grad])
        values[lib] = [v.numpy() for v in values[lib]]
    tol = 2e-4 if case["dtype"] == "float32" else 1e-10
    for ours, theirs in zip(values[ae], values[torch]):
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
        scale = max(1.0, float(np.abs(theirs).max()))
        np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol * scale)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bench_shape_matches_torch(dtype):
    """The benchmark's (32, 16, 28, 28) 3x3 -> 32 (several threads' runs of images)."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((32, 16, 28, 28)), rng.standard_normal((32, 16, 3, 3)) * 0.1
    b, g = rng.standard_normal(32), rng.standard_normal((32, 32, 28, 28))
    values = {}
    for lib in (ae, torch):
        dt = getattr(lib, dtype)
        xt, wt, bt = (lib.tensor(v, dtype=dt, requires_grad=True) for v in (x, w, b))
        out = (F if lib is ae else TF).conv2d(xt, wt, bt, padding=1)
        out.backward(lib.tensor(g, dtype=dt))
        values[lib] = [v.detach().numpy() for v in (out, xt.grad, wt.grad, bt.grad)]
    tol = 1e-5 if dtype == "float32" else 1e-12
    for ours, theirs in zip(values[ae], values[torch]):
        np.testing.assert_allclose(ours, theirs, rtol=tol,
                                   atol=tol * float(np.abs(theirs).max()))


def _second_derivatives(lib, case, arrays, seed):
    """The gradients of <d<out, g>/d inputs, v> wrt the inputs and g, float32."""
    rng = np.random.default_rng(seed)
    dtype = lib.float32
    inputs = [lib.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = _op(lib, case)(*inputs, **case["kwargs"])
    g = lib.tensor(rng.standard_normal(tuple(out.shape)), dtype=dtype, requires_grad=True)
    firsts = lib.autograd.grad(out, inputs, g, create_graph=True)
    total = sum((f * lib.tensor(rng.standard_normal(tuple(f.shape)), dtype=dtype)).sum()
                for f in firsts)
    seconds = lib.autograd.grad(total, inputs + [g], allow_unused=True)
    return [None if s is None else s.detach().numpy() for s in seconds]


@settings(max_examples=60)
@given(conv_case(), st.integers(0, 2**31))
def test_gemm_second_derivatives_match_torch(case, seed):
    """float32 runs the GEMM route (gradgradcheck, in float64, runs im2col's)."""
    rng = np.random.default_rng(seed)
    channels = case["w_shape"][1] * case["kwargs"]["groups"] if case["transposed"] \
        else case["w_shape"][0]
    arrays = [rng.standard_normal(case["x_shape"]), rng.standard_normal(case["w_shape"]),
              rng.standard_normal(channels)]
    ours = _second_derivatives(ae, case, arrays, seed)
    theirs = _second_derivatives(torch, case, arrays, seed)
    assert [a is None for a in ours] == [b is None for b in theirs]
    for a, b in zip(ours, theirs):
        if b is not None:
            np.testing.assert_allclose(a, b, rtol=2e-4,
                                       atol=2e-4 * max(1.0, float(np.abs(b).max())))
