"""1-D and 3-D convolutions and pooling against PyTorch, on random configurations
(hypothesis): values, indices, gradients of first and second order, exception types, and the
modules' reprs, parameters and padding modes."""
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _check(fa, ft, arrays, g_seed=0, second=True, indices=False):
    """Values (and indices), then first- and second-order gradients through a nonlinear use
    of the output, against PyTorch."""
    a = [ae.Tensor(x, requires_grad=True) for x in arrays]
    t = [torch.tensor(x, requires_grad=True) for x in arrays]
    out_a, out_t = fa(*a), ft(*t)
    if indices:
        (out_a, idx_a), (out_t, idx_t) = out_a, out_t
        np.testing.assert_array_equal(idx_a.data, idx_t.numpy())
        assert idx_a.dtype == np.int64
    assert out_a.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-9, atol=1e-10)
    if not out_a.data.size:
        return
    g = np.random.default_rng(g_seed).standard_normal(out_a.shape)
    grads_a = ae.autograd.grad((out_a * out_a * ae.Tensor(g)).sum(), a, create_graph=True)
    grads_t = torch.autograd.grad((out_t * out_t * torch.tensor(g)).sum(), t,
                                  create_graph=True)
    for ga, gt in zip(grads_a, grads_t):
        np.testing.assert_allclose(ga.data, gt.detach().numpy(), rtol=1e-8, atol=1e-9)
    if second:
        gg_a = ae.autograd.grad(sum((ga * ga).sum() for ga in grads_a), a)
        gg_t = torch.autograd.grad(sum((gt * gt).sum() for gt in grads_t), t)
        for ga, gt in zip(gg_a, gg_t):
            np.testing.assert_allclose(ga.data, gt.numpy(), rtol=1e-8, atol=1e-9)


def _arrays(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


@st.composite
def conv_config(draw, n):
    """(input shape, weight shape, bias, kwargs) of a valid n-d convolution."""
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(n))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(n))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(n))
    sizes = tuple(draw(st.integers(1, 6 if n == 3 else 9)) for _ in range(n))
    padding = draw(st.one_of(st.tuples(*[st.integers(0, 2)] * n), st.integers(0, 2),
                             st.sampled_from(["same", "valid"])))
    if isinstance(padding, str) and padding == "same":
        stride = (1,) * n
    pads = (0,) * n if isinstance(padding, str) else (
        padding if isinstance(padding, tuple) else (padding,) * n)
    if padding != "same":
        assume(all(d * (k - 1) + 1 <= s + 2 * p
                   for k, d, s, p in zip(kernel, dilation, sizes, pads)))
    batch = draw(st.sampled_from([(), (1,), (2,)]))
    kwargs = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    return batch + (c_in,) + sizes, (c_out, c_in // groups) + kernel, draw(st.booleans()), kwargs


@settings(max_examples=40)
@given(conv_config(1), st.integers(0, 2 ** 16))
def test_conv1d(config, seed):
    x_shape, w_shape, bias, kwargs = config
    shapes = (x_shape, w_shape) + (((w_shape[0],),) if bias else ())
    _check(lambda *t: F.conv1d(*t, **kwargs), lambda *t: TF.conv1d(*t, **kwargs),
           _arrays(seed, *shapes), seed)


@settings(max_examples=30)
@given(conv_config(3), st.integers(0, 2 ** 16))
def test_conv3d(config, seed):
    x_shape, w_shape, bias, kwargs = config
    shapes = (x_shape, w_shape) + (((w_shape[0],),) if bias else ())
    _check(lambda *t: F.conv3d(*t, **kwargs), lambda *t: TF.conv3d(*t, **kwargs),
           _arrays(seed, *shapes), seed)


@st.composite
def transpose_config(draw, n):
    groups = draw(st.sampled_from([1, 2]))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(n))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(n))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(n))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(n))
    output_padding = tuple(draw(st.integers(0, max(s, d) - 1))
                           for s, d in zip(stride, dilation))
    sizes = tuple(draw(st.integers(1, 4)) for _ in range(n))
    assume(all((i - 1) * s - 2 * p + d * (k - 1) + o + 1 >= 1 for i, s, p, d, k, o in zip(
        sizes, stride, padding, dilation, kernel, output_padding)))
    batch = draw(st.sampled_from([(), (2,)]))
    kwargs = dict(stride=stride, padding=padding, output_padding=output_padding,
                  groups=groups, dilation=dilation)
    return (batch + (c_in,) + sizes, (c_in, c_out // groups) + kernel, draw(st.booleans()),
            kwargs)


@settings(max_examples=30)
@given(transpose_config(1), st.integers(0, 2 ** 16))
def test_conv_transpose1d(config, seed):
    x_shape, w_shape, bias, kwargs = config
    shapes = (x_shape, w_shape) + (((w_shape[1] * kwargs["groups"],),) if bias else ())
    _check(lambda *t: F.conv_transpose1d(*t, **kwargs),
           lambda *t: TF.conv_transpose1d(*t, **kwargs), _arrays(seed, *shapes), seed)


@settings(max_examples=30)
@given(transpose_config(3), st.integers(0, 2 ** 16))
def test_conv_transpose3d(config, seed):
    x_shape, w_shape, bias, kwargs = config
    shapes = (x_shape, w_shape) + (((w_shape[1] * kwargs["groups"],),) if bias else ())
    _check(lambda *t: F.conv_transpose3d(*t, **kwargs),
           lambda *t: TF.conv_transpose3d(*t, **kwargs), _arrays(seed, *shapes), seed)


@st.composite
def pool_config(draw, n, dilation=True):
    """(input shape, kernel, stride, padding, dilation, ceil_mode) of a valid pooling."""
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(n))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(n))
    padding = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    dil = tuple(draw(st.integers(1, 2)) if dilation else 1 for _ in range(n))
    sizes = tuple(draw(st.integers(1, 6 if n == 3 else 10)) for _ in range(n))
    ceil_mode = draw(st.booleans())
    assume(all(s + 2 * p >= d * (k - 1) + 1 for s, p, d, k in zip(sizes, padding, dil, kernel)))
    batch = draw(st.sampled_from([(), (2,)]))
    return batch + (draw(st.integers(1, 2)),) + sizes, kernel, stride, padding, dil, ceil_mode


def _values(seed, shape, ties):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 3, shape).astype(np.float64) if ties else rng.standard_normal(shape)


@settings(max_examples=40)
@given(pool_config(1), st.booleans(), st.integers(0, 2 ** 16))
def test_max_pool1d(config, ties, seed):
    shape, kernel, stride, padding, dilation, ceil_mode = config
    args = (kernel[0], stride[0], padding[0], dilation[0], ceil_mode, True)
    # max_pool2d's kernel (which 1-D pooling runs) gives index -1 to a window wholly in the
    # padding (PyTorch: an index past the end), and its backward then raises
    out = TF.max_pool1d(torch.zeros(shape), *args[:-1]).shape[-1]
    assume(all(any(0 <= o * stride[0] - padding[0] + k * dilation[0] < shape[-1]
                   for k in range(kernel[0])) for o in range(out)))
    _check(lambda x: F.max_pool1d(x, *args), lambda x: TF.max_pool1d(x, *args),
           [_values(seed, shape, ties)], seed, indices=True)


@settings(max_examples=40)
@given(pool_config(3), st.booleans(), st.integers(0, 2 ** 16))
def test_max_pool3d(config, ties, seed):
    shape, *args = config
    kernel, stride, padding, dilation, _ = args
    # a window wholly in the padding: -inf and PyTorch's index, but no gradient (PyTorch's
    # backward adds it at that index); checked in the semantics tests
    assume(all(any(0 <= o * s - p + k * d < size for k in range(kk)) for size, kk, s, p, d, n
               in zip(shape[-3:], kernel, stride, padding, dilation,
                      TF.max_pool3d(torch.zeros(shape), *args).shape[-3:]) for o in range(n)))
    _check(lambda x: F.max_pool3d(x, *args, return_indices=True),
           lambda x: TF.max_pool3d(x, *args, return_indices=True),
           [_values(seed, shape, ties)], seed, indices=True)


@settings(max_examples=40)
@given(pool_config(1, dilation=False), st.booleans(), st.integers(0, 2 ** 16))
def test_avg_pool1d(config, count_include_pad, seed):
    shape, kernel, stride, padding, _, ceil_mode = config
    args = (kernel, stride, padding, ceil_mode, count_include_pad)
    _check(lambda x: F.avg_pool1d(x, *args), lambda x: TF.avg_pool1d(x, *args),
           [_values(seed, shape, False)], seed)


@settings(max_examples=40)
@given(pool_config(3, dilation=False), st.booleans(), st.sampled_from([None, 1, 5]),
       st.integers(0, 2 ** 16))
def test_avg_pool3d(config, count_include_pad, divisor, seed):
    shape, kernel, stride, padding, _, ceil_mode = config
    assume(all(s >= k for s, k in zip(shape[-3:], kernel)))  # else an error (tested below)
    args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor)
    _check(lambda x: F.avg_pool3d(x, *args), lambda x: TF.avg_pool3d(x, *args),
           [_values(seed, shape, False)], seed)
    ints = np.random.default_rng(seed).integers(-50, 50, shape)
    np.testing.assert_array_equal(F.avg_pool3d(ae.Tensor(ints), *args).data,
                                  TF.avg_pool3d(torch.tensor(ints), *args).numpy())


@settings(max_examples=40)
@given(st.integers(1, 3), st.sampled_from([(), (2,)]), st.integers(1, 7), st.integers(0, 8),
       st.booleans(), st.integers(0, 2 ** 16))
def test_adaptive_pool1d(channels, batch, length, out, ties, seed):
    x = _values(seed, batch + (channels, length), ties)
    _check(lambda t: F.adaptive_avg_pool1d(t, out), lambda t: TF.adaptive_avg_pool1d(t, out),
           [x], seed)
    _check(lambda t: F.adaptive_max_pool1d(t, out, True),
           lambda t: TF.adaptive_max_pool1d(t, out, True), [x], seed, indices=True)


@settings(max_examples=40)
@given(st.sampled_from([(), (2,)]), st.tuples(*[st.integers(1, 6)] * 3),
       st.tuples(*[st.one_of(st.none(), st.integers(0, 7))] * 3), st.booleans(),
       st.integers(0, 2 ** 16))
def test_adaptive_pool3d(batch, sizes, out, ties, seed):
    x = _values(seed, batch + (2,) + sizes, ties)
    _check(lambda t: F.adaptive_avg_pool3d(t, out), lambda t: TF.adaptive_avg_pool3d(t, out),
           [x], seed)
    _check(lambda t: F.adaptive_max_pool3d(t, out, True),
           lambda t: TF.adaptive_max_pool3d(t, out, True), [x], seed, indices=True)


@settings(max_examples=30)
@given(pool_config(3, dilation=False), st.integers(0, 2 ** 16))
def test_max_unpool3d(config, seed):
    shape, kernel, stride, padding, _, ceil_mode = config
    pooled, index = TF.max_pool3d(torch.tensor(_values(seed, shape, False)), kernel, stride,
                                  padding, 1, ceil_mode, True)
    size = shape[-3:]
    default = [(n - 1) * s - 2 * p + k for n, s, p, k in zip(pooled.shape[-3:], stride,
                                                              padding, kernel)]
    assume(all(d - s < n < d + s for n, d, s in zip(size, default, stride)))
    idx = ae.Tensor(index.numpy())
    _check(lambda t: F.max_unpool3d(t, idx, kernel, stride, padding, size),
           lambda t: TF.max_unpool3d(t, index, kernel, stride, padding, size),
           [pooled.numpy()], seed)


@settings(max_examples=30)
@given(pool_config(1, dilation=False), st.integers(0, 2 ** 16))
def test_max_unpool1d(config, seed):
    shape, kernel, stride, padding, _, ceil_mode = config
    pooled, index = TF.max_pool1d(torch.tensor(_values(seed, shape, False)), kernel, stride,
                                  padding, 1, ceil_mode, True)
    idx = ae.Tensor(index.numpy())
    _check(lambda t: F.max_unpool1d(t, idx, kernel, stride, padding),
           lambda t: TF.max_unpool1d(t, index, kernel, stride, padding),
           [pooled.numpy()], seed)


@settings(max_examples=40)
@given(st.sampled_from([1, 2, 3]), st.sampled_from([1, 2, 1.5, 3, math.inf]),
       st.integers(1, 3), st.sampled_from([None, 1, 2]), st.booleans(),
       st.integers(0, 2 ** 16))
def test_lp_pool(n, norm_type, kernel, stride, ceil_mode, seed):
    shape = (2, 2) + (5,) * n
    x = np.abs(_values(seed, shape, False)) + 0.1  # x^p of a negative x is NaN for odd p
    fa, ft = getattr(F, f"lp_pool{n}d"), getattr(TF, f"lp_pool{n}d")
    _check(lambda t: fa(t, norm_type, kernel, stride, ceil_mode),
           lambda t: ft(t, norm_type, kernel, stride, ceil_mode), [x], seed)


# --- errors --------------------------------------------------------------------------------

Z = np.zeros
I64 = np.int64
ERRORS = [
    ("conv1d", ((1, 3, 4, 4), (2, 3, 2)), {}),
    ("conv1d", ((4,), (2, 3, 2)), {}),
    ("conv1d", ((1, 3, 4), (2, 3, 2, 2)), {}),
    ("conv1d", ((1, 4, 5), (2, 3, 2)), {}),
    ("conv1d", ((1, 4, 5), (3, 2, 2)), {"groups": 2}),
    ("conv1d", ((1, 3, 2), (2, 3, 3)), {}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"stride": 0}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"padding": -1}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"dilation": 0}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"stride": (1, 1)}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"padding": "same", "stride": 2}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"padding": "foo"}),
    ("conv1d", ((1, 3, 5), (2, 3, 3), (3,)), {}),
    ("conv1d", ((1, 3, 5), (2, 3, 3)), {"groups": 0}),
    ("conv3d", ((3, 4, 4), (2, 3, 2, 2, 2)), {}),
    ("conv3d", ((1, 4, 4, 4, 4), (2, 3, 2, 2, 2)), {}),
    ("conv3d", ((1, 3, 1, 4, 4), (2, 3, 2, 2, 2)), {}),
    ("conv3d", ((1, 3, 4, 4, 4), (2, 3, 2, 2, 2)), {"stride": (1, 1)}),
    ("conv3d", ((1, 3, 4, 4, 4), (2, 3, 2, 2, 2)), {"stride": (1, 0, 1)}),
    ("conv3d", ((1, 3, 4, 4, 4), (2, 3, 2, 2, 2), (3,)), {}),
    ("conv3d", ((1, 4, 4, 4, 4), (3, 2, 2, 2, 2)), {"groups": 2}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2, 2)), {}),
    ("conv_transpose1d", ((1, 4, 4), (3, 2, 2)), {}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2)), {"output_padding": 1}),
    ("conv_transpose1d", ((1, 3, 1), (3, 2, 1)), {"padding": 1}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2), (3,)), {}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2)), {"dilation": 0}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2)), {"output_padding": -1}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2)), {"groups": 2}),
    ("conv_transpose1d", ((1, 3, 4), (3, 2, 2)), {"padding": "same"}),
    ("conv_transpose3d", ((4, 4, 4), (3, 2, 2, 2, 2)), {}),
    ("conv_transpose3d", ((1, 3, 4, 4, 4), (3, 2, 2, 2, 2)), {"output_padding": (0, 0, 1)}),
    ("conv_transpose3d", ((1, 3, 1, 1, 1), (3, 2, 1, 1, 1)), {"padding": 1}),
    ("conv_transpose3d", ((1, 4, 4, 4, 4), (3, 2, 2, 2, 2)), {}),
    ("max_pool1d", ((1, 2, 3, 4),), {"kernel_size": 2}),
    ("max_pool1d", ((1, 0, 4),), {"kernel_size": 2}),
    ("max_pool1d", ((1, 3, 4),), {"kernel_size": 0}),
    ("max_pool1d", ((1, 3, 4),), {"kernel_size": 2, "stride": 0}),
    ("max_pool1d", ((1, 3, 4),), {"kernel_size": 2, "padding": 2}),
    ("max_pool1d", ((1, 3, 4),), {"kernel_size": 2, "dilation": 0}),
    ("max_pool1d", ((1, 3, 2),), {"kernel_size": 3}),
    ("max_pool1d", ((1, 3, 4),), {"kernel_size": (2, 2)}),
    ("max_pool3d", ((3, 4, 4),), {"kernel_size": 2}),
    ("max_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": (2, 0, 2)}),
    ("max_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": 2, "stride": (1, 0, 1)}),
    ("max_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": 2, "padding": (0, 2, 0)}),
    ("max_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": 2, "dilation": (1, 1, 0)}),
    ("max_pool3d", ((1, 3, 1, 4, 4),), {"kernel_size": 2}),
    ("max_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": (2, 2)}),
    ("max_pool3d", ((1, 0, 4, 4, 4),), {"kernel_size": 2}),
    ("avg_pool1d", ((1, 2, 3, 4),), {"kernel_size": 2}),
    ("avg_pool1d", ((1, 3, 4),), {"kernel_size": 0}),
    ("avg_pool1d", ((1, 3, 4),), {"kernel_size": 2, "padding": 2}),
    ("avg_pool1d", ((1, 3, 2),), {"kernel_size": 3}),
    ("avg_pool1d", ((1, 3, 4),), {"kernel_size": (2, 2)}),
    ("avg_pool3d", ((3, 4, 4),), {"kernel_size": 2}),
    ("avg_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": 2, "stride": (1, 0, 1)}),
    ("avg_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": 2, "padding": (0, 2, 0)}),
    ("avg_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": 2, "divisor_override": 0}),
    ("avg_pool3d", ((1, 3, 1, 4, 4),), {"kernel_size": 2}),
    ("avg_pool3d", ((1, 0, 4, 4, 4),), {"kernel_size": 2}),
    ("avg_pool3d", ((1, 3, 4, 4, 4),), {"kernel_size": (2, 2)}),
    ("avg_pool3d", ((2, 6, 1, 2),), {"kernel_size": (1, 1, 3), "padding": (0, 0, 1)}),
    ("adaptive_avg_pool1d", ((1, 2, 3, 4),), {"output_size": 2}),
    ("adaptive_avg_pool1d", ((1, 3, 4),), {"output_size": (2, 2)}),
    ("adaptive_avg_pool1d", ((1, 3, 4),), {"output_size": -1}),
    ("adaptive_avg_pool1d", ((1, 3, 0),), {"output_size": 2}),
    ("adaptive_avg_pool3d", ((3, 4, 4),), {"output_size": 2}),
    ("adaptive_avg_pool3d", ((1, 3, 4, 4, 4),), {"output_size": (2, 2)}),
    ("adaptive_avg_pool3d", ((1, 3, 4, 5, 6),), {"output_size": (2, -1, 3)}),
    ("adaptive_avg_pool3d", ((1, 3, 0, 5, 6),), {"output_size": 2}),
    ("adaptive_max_pool1d", ((1, 2, 3, 4),), {"output_size": 2}),
    ("adaptive_max_pool1d", ((1, 3, 4),), {"output_size": (2, 2)}),
    ("adaptive_max_pool1d", ((1, 3, 4),), {"output_size": -1}),
    ("adaptive_max_pool1d", ((1, 3, 0),), {"output_size": 2}),
    ("adaptive_max_pool3d", ((3, 4, 4),), {"output_size": 2}),
    ("adaptive_max_pool3d", ((1, 3, 4, 4, 4),), {"output_size": (2, 2)}),
    ("adaptive_max_pool3d", ((1, 3, 0, 5, 6),), {"output_size": 2}),
    ("lp_pool1d", ((1, 1, 2, 6),), {"norm_type": 2, "kernel_size": 3}),
    ("lp_pool1d", ((1, 2, 6),), {"norm_type": 2, "kernel_size": (3,)}),
    ("lp_pool3d", ((6, 6, 6),), {"norm_type": 2, "kernel_size": 3}),
]


def _call(module, name, arrays, kwargs, convert):
    return getattr(module, name)(*(convert(np.zeros(s, np.float32)) for s in arrays), **kwargs)


@pytest.mark.parametrize("name,shapes,kwargs", ERRORS)
def test_errors_have_pytorch_types(name, shapes, kwargs):
    with pytest.raises(Exception) as expected:
        _call(TF, name, shapes, kwargs, torch.tensor)
    with pytest.raises(expected.type):
        _call(F, name, shapes, kwargs, ae.Tensor)


UNPOOL_ERRORS = [
    ("max_unpool1d", (1, 2, 3), (1, 2, 3), I64, 9, {}),
    ("max_unpool1d", (1, 2, 3), (1, 2, 3), np.int32, 0, {}),
    ("max_unpool1d", (1, 2, 3), (1, 2, 2), I64, 0, {}),
    ("max_unpool1d", (1, 2, 3), (1, 2, 3), I64, 0, {"output_size": (9,)}),
    ("max_unpool1d", (1, 2, 3), (1, 2, 3), I64, 0, {"output_size": (2, 7)}),
    ("max_unpool1d", (1, 1, 2, 3), (1, 1, 2, 3), I64, 0, {}),
    ("max_unpool3d", (2, 2, 2), (2, 2, 2), I64, 0, {}),
    ("max_unpool3d", (1, 2, 2, 2, 2), (1, 2, 2, 2, 2), I64, 64, {}),
    ("max_unpool3d", (1, 2, 2, 2, 2), (1, 2, 2, 2, 1), I64, 0, {}),
    ("max_unpool3d", (1, 2, 2, 2, 2), (1, 2, 2, 2, 2), np.int32, 0, {}),
    ("max_unpool3d", (1, 0, 2, 2, 2), (1, 0, 2, 2, 2), I64, 0, {}),
    ("max_unpool3d", (1, 2, 2, 2, 2), (1, 2, 2, 2, 2), I64, 0, {"stride": (1, 0, 1)}),
    ("max_unpool3d", (1, 2, 2, 2, 2), (1, 2, 2, 2, 2), I64, 0, {"output_size": (3, 4, 9)}),
]


@pytest.mark.parametrize("name,shape,index_shape,index_dtype,fill,kwargs", UNPOOL_ERRORS)
def test_unpool_errors_have_pytorch_types(name, shape, index_shape, index_dtype, fill, kwargs):
    index = np.full(index_shape, fill, index_dtype)
    with pytest.raises(Exception) as expected:
        getattr(TF, name)(torch.zeros(shape), torch.tensor(index), 2, **kwargs)
    with pytest.raises(expected.type):
        getattr(F, name)(ae.Tensor(np.zeros(shape, np.float32)), ae.Tensor(index), 2, **kwargs)


# --- modules -------------------------------------------------------------------------------

MODULES = [
    ("Conv1d", (4, 6, 3), dict(stride=2, padding=1, dilation=2, groups=2, bias=False,
                               padding_mode="reflect"), (2, 4, 11)),
    ("Conv1d", (4, 6, 4), dict(padding="same", padding_mode="circular"), (4, 9)),
    ("Conv1d", (4, 6, 3), dict(padding=2, padding_mode="replicate"), (2, 4, 5)),
    ("Conv3d", (4, 6, (1, 2, 3)), dict(stride=(1, 2, 1), padding=(0, 1, 2),
                                       padding_mode="replicate"), (2, 4, 3, 5, 6)),
    ("Conv3d", (4, 6, 3), dict(padding="same", dilation=2), (4, 5, 6, 7)),
    ("Conv3d", (2, 4, 2), dict(padding=1, padding_mode="reflect"), (1, 2, 3, 3, 4)),
    ("Conv3d", (2, 4, 2), dict(padding=(1, 0, 2), padding_mode="circular", groups=2),
     (2, 3, 3, 4)),
    ("Conv3d", (4, 6, 2), dict(padding="valid"), (1, 4, 5, 6, 7)),
    ("ConvTranspose1d", (4, 6, 3), dict(stride=2, output_padding=1), (2, 4, 5)),
    ("ConvTranspose3d", (4, 6, 3), dict(stride=2, output_padding=1, groups=2), (2, 4, 2, 3, 2)),
    ("ConvTranspose3d", (4, 2, (2, 1, 3)), dict(padding=(1, 0, 1), dilation=(1, 2, 2),
                                                bias=False), (4, 3, 2, 3)),
    ("MaxPool1d", (3, 2, 1, 2, True, True), {}, (2, 3, 11)),
    ("MaxPool3d", ((2, 1, 2),), dict(stride=(1, 1, 1)), (2, 3, 4, 5, 6)),
    ("AvgPool1d", (3, 2, 1, True, False), {}, (2, 3, 11)),
    ("AvgPool3d", (2, 1, 1, True, False, 3), {}, (2, 3, 4, 5, 6)),
    ("AdaptiveAvgPool1d", (3,), {}, (2, 3, 11)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}, (2, 3, 4, 5, 6)),
    ("AdaptiveMaxPool1d", (3, True), {}, (2, 3, 11)),
    ("AdaptiveMaxPool3d", (2,), {}, (3, 4, 5, 6)),
    ("LPPool1d", (2, 3), {}, (2, 3, 11)),
    ("LPPool2d", (2, 3, 1, True), {}, (2, 3, 7, 8)),
    ("LPPool3d", (1.5, (1, 2, 3)), {}, (2, 3, 4, 5, 6)),
    ("LPPool3d", (math.inf, 2), {}, (2, 3, 4, 5, 6)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", MODULES)
def test_modules(name, args, kwargs, shape):
    reference = getattr(torch.nn, name)(*args, **kwargs).double()
    module = getattr(nn, name)(*args, **kwargs, **({"dtype": np.float64} if "Conv" in name
                                                    else {}))
    assert repr(module) == repr(reference)
    state = reference.state_dict()
    assert {k: tuple(v.shape) for k, v in module.state_dict().items()} == {
        k: tuple(v.shape) for k, v in state.items()}
    module.load_state_dict({k: ae.Tensor(v.numpy()) for k, v in state.items()})
    x = np.abs(np.random.default_rng(0).standard_normal(shape)) + 0.1
    out, ref = module(ae.Tensor(x)), reference(torch.tensor(x))
    if isinstance(ref, tuple):
        np.testing.assert_array_equal(out[1].data, ref[1].numpy())
        out, ref = out[0], ref[0]
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,shape,output_size", [
    ("ConvTranspose1d", (1, 4, 5), [12]), ("ConvTranspose1d", (4, 5), [4, 11]),
    ("ConvTranspose3d", (1, 4, 2, 3, 4), [6, 8, 10]),
    ("ConvTranspose3d", (1, 4, 2, 3, 4), [1, 6, 6, 8, 9]),
    ("ConvTranspose1d", (1, 4, 5), [14]), ("ConvTranspose1d", (1, 4, 5), [1, 1]),
    ("ConvTranspose3d", (1, 4, 2, 3, 4), [6, 8]),
])
def test_conv_transpose_output_size(name, shape, output_size):
    reference = getattr(torch.nn, name)(4, 6, 3, stride=2).double()
    module = getattr(nn, name)(4, 6, 3, stride=2, dtype=np.float64)
    module.load_state_dict({k: ae.Tensor(v.numpy()) for k, v in reference.state_dict().items()})
    x = np.random.default_rng(1).standard_normal(shape)
    try:
        ref = reference(torch.tensor(x), output_size=output_size)
    except Exception as error:
        with pytest.raises(type(error)):
            module(ae.Tensor(x), output_size=output_size)
        return
    np.testing.assert_allclose(module(ae.Tensor(x), output_size=output_size).data,
                               ref.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,args,kwargs", [
    ("Conv1d", (4, 6, 3), dict(stride=2, padding="same")),
    ("Conv3d", (4, 6, 3), dict(padding="foo")),
    ("Conv3d", (4, 6, 3), dict(padding_mode="mirror")),
    ("Conv1d", (4, 6, 3), dict(groups=4)),
    ("ConvTranspose1d", (4, 6, 3), dict(padding_mode="reflect")),
    ("ConvTranspose3d", (4, 6, 3), dict(groups=0)),
])
def test_module_construction_errors(name, args, kwargs):
    with pytest.raises(Exception) as expected:
        getattr(torch.nn, name)(*args, **kwargs)
    with pytest.raises(expected.type):
        getattr(nn, name)(*args, **kwargs)


@pytest.mark.parametrize("name,args,fan_in", [
    ("Conv1d", (4, 6, 3), 12), ("Conv3d", (4, 6, (1, 2, 3)), 24),
    ("ConvTranspose1d", (4, 6, 3), 18), ("ConvTranspose3d", (4, 6, 2, {"groups": 2}), 24),
])
def test_default_init_bounds(name, args, fan_in):
    kwargs = args[-1] if isinstance(args[-1], dict) else {}
    args = args[:-1] if kwargs else args
    reference = getattr(torch.nn, name)(*args, **kwargs)
    module = getattr(nn, name)(*args, **kwargs)
    bound = 1 / math.sqrt(fan_in)
    for p, q in ((module.weight, reference.weight), (module.bias, reference.bias)):
        assert p.shape == tuple(q.shape) and p.dtype == np.float32
        assert np.abs(p.data).max() <= bound and np.abs(q.detach().numpy()).max() <= bound
        assert np.abs(p.data).max() > 0.5 * bound  # spread over the range, not squeezed
