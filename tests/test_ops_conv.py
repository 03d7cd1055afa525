"""F.conv2d / F.max_pool2d and nn.Conv2d / nn.MaxPool2d: values against naive loops and
PyTorch numbers, ties, shapes, module defaults and PyTorch's error types and messages."""
import math

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.kernels import reference


def _inp(*shape):
    """Deterministic values shared with the PyTorch script that produced the numbers below."""
    return np.sin(np.arange(np.prod(shape)) * 0.7 + 0.3).reshape(shape) * 2.0


@pytest.mark.parametrize("x_shape,w_shape,kwargs", [
    ((2, 3, 7, 6), (4, 3, 3, 2), dict(padding=(1, 0))),
    ((1, 4, 9, 8), (6, 2, 3, 3), dict(stride=(2, 3), padding=(2, 1), dilation=(2, 1), groups=2)),
    ((3, 2, 5, 5), (2, 2, 1, 1), dict(stride=2)),
    ((1, 3, 4, 4), (3, 1, 3, 3), dict(padding="same", groups=3)),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_matches_naive_loops(x_shape, w_shape, kwargs, dtype):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[0])
    out = F.conv2d(ae.tensor(x, dtype=dtype), ae.tensor(w, dtype=dtype), ae.tensor(b, dtype=dtype),
                   **kwargs)
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    padding = kwargs.get("padding", 0)
    padding = (1, 1) if padding == "same" else pair(padding)
    expected = reference.conv2d(x, w, b, pair(kwargs.get("stride", 1)), padding,
                                pair(kwargs.get("dilation", 1)), kwargs.get("groups", 1))
    assert out.dtype == dtype
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4 if dtype == np.float32 else 1e-10,
                               atol=1e-4 if dtype == np.float32 else 1e-10)


def test_conv2d_matches_pytorch_numbers():
    # torch 2.13: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2))
    expected_first_row = [0.1468595058, 2.1604954401, 1.5274162358, 3.3080988445, 3.5799624388,
                          3.3614730852, 2.6177148049]
    out = F.conv2d(ae.tensor(_inp(1, 2, 4, 5)), ae.tensor(_inp(3, 2, 3, 2) * 0.5),
                   ae.tensor(np.array([0.1, -0.2, 0.3])), stride=(2, 1), padding=(1, 2),
                   dilation=(1, 2))
    assert out.shape == (1, 3, 2, 7)
    np.testing.assert_allclose(out.numpy()[0, 0, 0], expected_first_row, atol=1e-9)
    np.testing.assert_allclose(out.numpy()[0, 2, 1, -1], 2.9058750812, atol=1e-9)


def test_conv2d_unbatched_and_gradients_flow():
    x = ae.tensor(_inp(2, 5, 5), requires_grad=True)
    conv = nn.Conv2d(2, 3, 3, padding=1).double()
    y = conv(x)
    assert y.shape == (3, 5, 5)
    y.sum().backward()
    assert x.grad.shape == (2, 5, 5) and conv.weight.grad.shape == (3, 2, 3, 3)
    np.testing.assert_allclose(conv.bias.grad.numpy(), [25.0] * 3)


def test_conv2d_second_order_through_the_weight():
    # d/dw of sum((dL/dx)^2): needs the backward of dL/dx's node (a transposed Convolution).
    x = ae.tensor(_inp(1, 1, 4, 4), requires_grad=True)
    w = ae.tensor(_inp(1, 1, 2, 2), requires_grad=True)
    (gx,) = ae.autograd.grad(F.conv2d(x, w).pow(2).sum(), (x,), create_graph=True)
    (gw,) = ae.autograd.grad((gx * gx).sum(), (w,))
    assert gw.shape == (1, 1, 2, 2) and np.isfinite(gw.numpy()).all()


@pytest.mark.parametrize("x_shape,w_shape,kwargs,message", [
    ((2, 3, 5, 5), (4, 2, 3, 3), {}, r"weight of size \[4, 2, 3, 3\], expected input\[2, 3, 5, 5\] "
                                     r"to have 2 channels, but got 3"),
    ((2, 3, 5, 5), (4, 3, 7, 7), {}, "Kernel size can't be greater than actual input size"),
    ((3, 5), (4, 3, 3, 3), {}, r"Expected 3D \(unbatched\) or 4D \(batched\) input"),
    ((2, 3, 5, 5), (4, 3, 3), {}, r"Expected 3-dimensional input for 3-dimensional weight"),
    ((2, 3, 5, 5), (4, 3, 3, 3), dict(stride=0), "non-positive stride"),
    ((2, 3, 5, 5), (4, 3, 3, 3), dict(padding=-1), "negative padding"),
    ((2, 3, 5, 5), (4, 3, 3, 3), dict(dilation=0), "dilation should be greater than zero"),
    ((2, 3, 5, 5), (3, 1, 3, 3), dict(groups=2), "divisible by 2 at dimension 0"),
    ((2, 3, 5, 5), (4, 3, 3, 3), dict(stride=(1, 1, 1)), "stride"),
])
def test_conv2d_errors_as_pytorch(x_shape, w_shape, kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        F.conv2d(ae.zeros(x_shape), ae.zeros(w_shape), **kwargs)


def test_conv2d_bias_and_dtype_errors():
    x, w = ae.zeros(1, 3, 5, 5), ae.zeros(4, 3, 3, 3)
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 4 elements"):
        F.conv2d(x, w, ae.zeros(3))
    with pytest.raises(RuntimeError, match=r"Input type \(float32\) and weight type \(float64\)"):
        F.conv2d(x, w.double())
    with pytest.raises(RuntimeError, match="conv2d: Invalid padding string 'full'"):
        F.conv2d(x, w, padding="full")


def test_conv2d_module_defaults_and_repr():
    ae.manual_seed(0)
    conv = nn.Conv2d(16, 32, 3)
    bound = 1 / math.sqrt(16 * 9)  # kaiming_uniform_(a=sqrt(5)) is U(±1/sqrt(fan_in))
    assert conv.weight.shape == (32, 16, 3, 3) and conv.weight.dtype == np.float32
    assert np.abs(conv.weight.data).max() <= bound
    assert abs(conv.weight.data.std() - bound / math.sqrt(3)) < 0.005
    assert np.abs(conv.bias.data).max() <= bound
    assert repr(conv) == "Conv2d(16, 32, kernel_size=(3, 3), stride=(1, 1))"
    other = nn.Conv2d(3, 4, (3, 5), stride=2, padding=1, dilation=2, bias=False)
    assert repr(other) == ("Conv2d(3, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), "
                           "dilation=(2, 2), bias=False)")
    assert [n for n, _ in nn.Conv2d(4, 4, 1, groups=2).named_parameters()] == ["weight", "bias"]
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)


# Ties everywhere; expected values, indices and input gradients of y.sum() from torch 2.13.
_POOL_X = np.array([[[[1., 3., 3., 0., 2.], [3., 1., 2., 2., 2.],
                      [0., 0., 5., 5., 1.], [1., 1., 1., 1., 1.]]]])
_POOL_CASES = [
    (dict(kernel_size=2), [[3., 3.], [1., 5.]], [[1, 2], [15, 12]],
     [[0, 1, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0]]),
    (dict(kernel_size=3, stride=1, padding=1),
     [[3, 3, 3, 3, 2], [3, 5, 5, 5, 5], [3, 5, 5, 5, 5], [1, 5, 5, 5, 5]],
     [[1, 1, 1, 2, 4], [1, 12, 12, 12, 13], [5, 12, 12, 12, 13], [15, 12, 12, 12, 13]],
     [[0, 4, 1, 0, 1], [1, 0, 0, 0, 0], [0, 0, 9, 3, 0], [1, 0, 0, 0, 0]]),
    (dict(kernel_size=2, stride=2, ceil_mode=True), [[3, 3, 2], [1, 5, 1]],
     [[1, 2, 4], [15, 12, 14]],
     [[0, 1, 1, 0, 1], [0, 0, 0, 0, 0], [0, 0, 1, 0, 1], [1, 0, 0, 0, 0]]),
    (dict(kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1)), [[5, 5], [3, 2]],
     [[12, 12], [5, 7]],
     [[0, 0, 0, 0, 0], [1, 0, 1, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 0, 0]]),
]


@pytest.mark.parametrize("kwargs,values,indices,grad", _POOL_CASES)
def test_max_pool2d_matches_pytorch_with_ties(kwargs, values, indices, grad):
    x = ae.tensor(_POOL_X, requires_grad=True)
    y, index = F.max_pool2d(x, return_indices=True, **kwargs)
    np.testing.assert_array_equal(y.detach().numpy()[0, 0], values)
    np.testing.assert_array_equal(index.numpy()[0, 0], indices)
    assert index.dtype == np.int64
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], grad)


@pytest.mark.parametrize("size,kernel,stride,padding,expected", [
    (7, 3, 2, 0, 3), (8, 3, 2, 1, 5), (6, 2, 4, 1, 2), (5, 3, 3, 1, 2)])
def test_max_pool2d_ceil_mode_sizes_as_pytorch(size, kernel, stride, padding, expected):
    y = F.max_pool2d(ae.zeros(1, 1, size, size), kernel, stride, padding, ceil_mode=True)
    assert y.shape[-1] == expected


def test_max_pool2d_unbatched_module_and_repr():
    pool = nn.MaxPool2d(2)
    assert pool(ae.tensor(_POOL_X[0])).shape == (1, 2, 2)
    assert repr(pool) == ("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                          "ceil_mode=False)")
    assert repr(nn.MaxPool2d((2, 3), stride=1, padding=1, ceil_mode=True)) == (
        "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=1, ceil_mode=True)")


@pytest.mark.parametrize("shape,kwargs,message", [
    ((2, 3, 5, 5), dict(kernel_size=3, padding=2), "pad should be at most half"),
    ((2, 3, 5, 5), dict(kernel_size=7), r"Calculated output size: \(3x0x0\). Output size is too"),
    ((2, 3, 5, 5), dict(kernel_size=3, stride=0), "stride should be greater than zero"),
    ((5, 5), dict(kernel_size=3), "Expected 3D"),
])
def test_max_pool2d_errors_as_pytorch(shape, kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        F.max_pool2d(ae.zeros(shape), **kwargs)


def test_max_pool2d_double_backward_gathers():
    x = ae.tensor(_POOL_X, requires_grad=True)
    g = ae.tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    (gx,) = ae.autograd.grad(F.max_pool2d(x, 2), (x,), g, create_graph=True)
    (gg,) = ae.autograd.grad((gx * ae.tensor(_POOL_X)).sum(), (g,))
    np.testing.assert_array_equal(gg.numpy()[0, 0], [[3, 3], [1, 5]])


def test_an_empty_batch_gives_empty_results_and_gradients():
    x = ae.zeros(0, 4, 5, 5, requires_grad=True)
    w = ae.randn(4, 2, 3, 3, requires_grad=True)
    y = F.conv2d(x, w, groups=2)
    assert y.shape == (0, 4, 3, 3)  # PyTorch's shape
    y.sum().backward()
    assert x.grad.shape == (0, 4, 5, 5) and w.grad.abs().sum().item() == 0.0
    pooled = F.max_pool2d(x, 2)
    pooled.sum().backward()
    assert pooled.shape == (0, 4, 2, 2)


def test_max_pool_takes_the_last_nan_of_a_window_as_pytorch():
    x = ae.tensor([[[[float("nan"), 1.0, float("nan"), 2.0]]]])
    values, index = F.max_pool2d(x, (1, 4), return_indices=True)
    assert np.isnan(values.item()) and index.item() == 2  # PyTorch 2.13's index
    values, index = F.max_pool2d(ae.tensor([[[[float("nan"), 3.0], [1.0, float("nan")]]]]), 2,
                                 return_indices=True)
    assert np.isnan(values.item()) and index.item() == 3
