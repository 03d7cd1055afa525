"""F.avg_pool2d / F.adaptive_avg_pool2d and nn.AvgPool2d / nn.AdaptiveAvgPool2d: values and
input gradients against PyTorch, a naive window loop, gradients of first and second order,
dtypes, unbatched input, errors and reprs."""
import itertools

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck


def _inp(*shape):
    """Deterministic values shared with the PyTorch script that produced the numbers below."""
    return np.sin(np.arange(np.prod(shape)) * 0.7 + 0.3).reshape(shape) * 2.0


def _naive_avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad, divisor):
    """PyTorch's AvgPool2d loop (aten/src/ATen/native/cpu/AvgPoolKernel.cpp), per window."""
    height, width = x.shape[-2:]
    sizes = []
    for size, k, s, p in zip((height, width), kernel, stride, padding):
        out = (size + 2 * p - k + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= size + p:
            out -= 1
        sizes.append(out)
    y = np.zeros(x.shape[:-2] + tuple(sizes))
    for i, j in itertools.product(range(sizes[0]), range(sizes[1])):
        h0, w0 = i * stride[0] - padding[0], j * stride[1] - padding[1]
        h1 = min(h0 + kernel[0], height + padding[0])
        w1 = min(w0 + kernel[1], width + padding[1])
        pool_size = (h1 - h0) * (w1 - w0)
        h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, height), min(w1, width)
        if h0 >= h1 or w0 >= w1:
            continue
        total = x[..., h0:h1, w0:w1].sum((-1, -2))
        count = divisor or (pool_size if count_include_pad else (h1 - h0) * (w1 - w0))
        y[..., i, j] = total / count
    return y


CASES = [  # kernel, stride, padding, ceil_mode, count_include_pad, divisor_override
    ((2, 2), (2, 2), (0, 0), False, True, None),
    ((3, 3), (2, 2), (1, 1), False, True, None),
    ((3, 3), (2, 2), (1, 1), False, False, None),
    ((3, 2), (2, 3), (1, 1), True, True, None),
    ((3, 2), (2, 3), (1, 1), True, False, None),
    ((3, 3), (1, 2), (1, 0), True, True, 5),
    ((1, 4), (3, 1), (0, 2), False, False, None),
]


@pytest.mark.parametrize("kernel,stride,padding,ceil_mode,count_include_pad,divisor", CASES)
@pytest.mark.parametrize("size", [(7, 9), (5, 6), (4, 4)])
def test_avg_pool2d_matches_the_window_loop(size, kernel, stride, padding, ceil_mode,
                                            count_include_pad, divisor):
    x = _inp(2, 3, *size)
    y = F.avg_pool2d(ae.tensor(x), kernel, stride, padding, ceil_mode, count_include_pad,
                     divisor)
    expected = _naive_avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad,
                               divisor)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-14)


def test_avg_pool2d_and_adaptive_match_pytorch():
    # torch 2.13, float64: avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
    # count_include_pad=False) and adaptive_avg_pool2d(x, (2, 4)) on x = _inp(1, 2, 5, 6);
    # losses (y * _inp(*y.shape)[..., ::-1]).sum() and (z * _inp(*z.shape)).sum().
    x = ae.tensor(_inp(1, 2, 5, 6), requires_grad=True)
    y = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    (y * ae.tensor(_inp(*y.shape)[..., ::-1].copy())).sum().backward()
    np.testing.assert_allclose(y.detach().numpy()[0, 0], [
        [-0.361996791, 0.5209363396, 0.7521740609, 0.3775003557],
        [0.0044653787, -0.0068443981, -0.0095860255, -0.004651812],
        [-0.3323154653, 0.5432845834, 0.7383366886, 0.3458000123]], atol=1e-9)
    np.testing.assert_allclose(x.grad.numpy()[0, 1, :2], [
        [-0.490468115, -0.698824998, -0.208356883, -0.2000984078, 0.0082584752, 0.6712277052],
        [-0.2040808434, -0.3396656288, -0.1355847854, -0.2069328174, -0.071348032,
         0.0079864149]], atol=1e-9)
    x.grad = None
    z = F.adaptive_avg_pool2d(x, (2, 4))
    (z * ae.tensor(_inp(*z.shape))).sum().backward()
    np.testing.assert_allclose(z.detach().numpy()[0, 1], [
        [0.0080181972, 0.0120547939, 0.0038873207, -0.004475459],
        [0.0036923636, -0.0046656241, -0.0118997806, -0.0073736126]], atol=1e-9)
    np.testing.assert_allclose(x.grad.numpy()[0, 0, 2:4], [
        [0.1123669564, 0.1889046543, 0.076537698, 0.0047115643, -0.0646189275, -0.0693304917],
        [0.0138602208, -0.1900924095, -0.2039526303, -0.3258433726, -0.6203282578,
         -0.2944848852]], atol=1e-9)


@pytest.mark.parametrize("size,output_size", [((7, 9), (1, 1)), ((7, 9), (3, 4)),
                                              ((7, 9), (5, None)), ((5, 6), (5, 6)),
                                              ((4, 4), 3), ((3, 2), (6, 5))])
def test_adaptive_avg_pool2d_windows(size, output_size):
    x = _inp(2, 3, *size)
    y = F.adaptive_avg_pool2d(ae.tensor(x), output_size).numpy()
    sizes = output_size if isinstance(output_size, tuple) else (output_size,) * 2
    sizes = tuple(s if o is None else o for s, o in zip(size, sizes))
    assert y.shape == (2, 3) + sizes
    for i, j in itertools.product(range(sizes[0]), range(sizes[1])):
        h0, h1 = i * size[0] // sizes[0], -(-(i + 1) * size[0] // sizes[0])
        w0, w1 = j * size[1] // sizes[1], -(-(j + 1) * size[1] // sizes[1])
        np.testing.assert_allclose(y[..., i, j], x[..., h0:h1, w0:w1].mean((-1, -2)),
                                   rtol=1e-12)


def test_pooling_gradients_of_first_and_second_order():
    x = ae.tensor(_inp(2, 2, 5, 6), requires_grad=True)

    def avg(x):
        return F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)

    def adaptive(x):
        return F.adaptive_avg_pool2d(x, (3, 4))

    for fn in (avg, adaptive):
        assert gradcheck(fn, (x,))
        assert gradgradcheck(lambda x: fn(x * x), (x,))


def test_pooling_keeps_dtype_and_takes_unbatched_input():
    x = ae.tensor(_inp(3, 6, 6), dtype=np.float32, requires_grad=True)
    y = F.avg_pool2d(x, 2)
    assert y.shape == (3, 3, 3) and y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), 0.25)
    assert nn.AdaptiveAvgPool2d(1)(x).shape == (3, 1, 1)
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d((1, 1))(x).detach().numpy()[:, 0, 0],
                               x.detach().numpy().mean((1, 2)), atol=1e-6)


def test_pooling_errors_and_reprs_as_pytorch():
    x = ae.zeros(1, 1, 4, 4)
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel "
                                           "size, but got pad=2, kernel_size=2"):
        F.avg_pool2d(x, 2, padding=2)
    with pytest.raises(RuntimeError, match="stride should not be zero"):
        F.avg_pool2d(x, 2, stride=0)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D \(batch mode\) tensor"):
        F.avg_pool2d(ae.zeros(4, 4), 2)
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D tensor, but got \[7, 9\]"):
        F.adaptive_avg_pool2d(ae.zeros(7, 9), 2)
    with pytest.raises(RuntimeError, match="output_size must be greater than or equal to 0"):
        F.adaptive_avg_pool2d(x, (-1, 2))
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.AvgPool2d(3, 2, 1, ceil_mode=True)) == (
        "AvgPool2d(kernel_size=3, stride=2, padding=1)")
    assert repr(nn.AdaptiveAvgPool2d((1, 1))) == "AdaptiveAvgPool2d(output_size=(1, 1))"


@pytest.mark.parametrize("pool,shape", [
    (lambda x: F.max_pool2d(x, 3, stride=1, padding=1), (2, 3, 7, 6)),
    (lambda x: F.max_pool2d(x, 2), (2, 3, 7, 6)),
    (lambda x: F.max_pool1d(x, 3, stride=2), (3, 7, 6)),
    (lambda x: F.max_pool3d(x, 2), (1, 2, 4, 5, 6)),
])
def test_float16_max_pooling_computes_in_float32(pool, shape):
    """float16 pools as PyTorch's do: the maxima exactly, the gradient summed in float32
    and rounded to float16 once (the kernels are compiled for float32 and float64)."""
    rng = np.random.default_rng(5)
    values = rng.standard_normal(shape).astype(np.float16)
    half = ae.tensor(values, requires_grad=True)
    single = ae.tensor(values.astype(np.float32), requires_grad=True)
    out_half, out_single = pool(half), pool(single)
    assert out_half.dtype == ae.float16
    np.testing.assert_array_equal(out_half.detach().numpy(), out_single.detach().numpy())
    g = rng.standard_normal(out_half.shape).astype(np.float16)
    out_half.backward(ae.tensor(g))
    out_single.backward(ae.tensor(g.astype(np.float32)))
    assert half.grad.dtype == ae.float16
    np.testing.assert_array_equal(half.grad.numpy(), single.grad.numpy().astype(np.float16))
