"""``F.pad`` in 'reflect' / 'replicate' / 'circular' mode, ``Conv2d(padding_mode=...)`` and
``padding='same'`` with even kernels: values from PyTorch's definitions, gradients (first and
second order) and PyTorch's errors."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck

MODES = ("reflect", "replicate", "circular")


def leaf(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return ae.tensor(data, requires_grad=True)


def arange(*shape):
    return ae.arange(float(np.prod(shape)), dtype=np.float64).reshape(shape)


# -- values -------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode,expected", [
    ("reflect", [2, 1, 0, 1, 2, 3, 2]),
    ("replicate", [0, 0, 0, 1, 2, 3, 3]),
    ("circular", [2, 3, 0, 1, 2, 3, 0]),
])
def test_one_dim_modes(mode, expected):
    assert F.pad(arange(1, 4), (2, 1), mode=mode).tolist() == [expected]


@pytest.mark.parametrize("mode,expected", [
    ("reflect", [[4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [7, 6, 7, 8, 7],
                 [4, 3, 4, 5, 4]]),
    ("replicate", [[0, 0, 1, 2, 2], [0, 0, 1, 2, 2], [3, 3, 4, 5, 5], [6, 6, 7, 8, 8],
                   [6, 6, 7, 8, 8]]),
    ("circular", [[8, 6, 7, 8, 6], [2, 0, 1, 2, 0], [5, 3, 4, 5, 3], [8, 6, 7, 8, 6],
                  [2, 0, 1, 2, 0]]),
])
def test_two_dim_modes_fill_the_corners(mode, expected):
    assert ae.pad(arange(1, 3, 3), (1, 1, 1, 1), mode=mode).tolist() == [expected]


def test_three_dims_of_a_batched_input():
    y = F.pad(arange(1, 1, 2, 2, 2), (1, 0, 0, 1, 1, 0), mode="circular")
    outer = [[5, 4, 5], [7, 6, 7], [5, 4, 5]]
    assert y.tolist() == [[[outer, [[1, 0, 1], [3, 2, 3], [1, 0, 1]], outer]]]


@pytest.mark.parametrize("mode,size,pad,expected", [
    # reflect and replicate pad, then crop
    ("reflect", 3, (-2, 1), [2, 1]),
    ("reflect", 3, (1, -2), [1, 0]),
    ("reflect", 3, (-4, 2), [0]),
    ("reflect", 3, (2, -2), [2, 1, 0]),
    ("replicate", 3, (-2, 4), [2, 2, 2, 2, 2]),
    ("replicate", 3, (3, -1), [0, 0, 0, 0, 1]),
    ("replicate", 3, (-1, -1), [1]),
    # circular crops, then wraps what is left
    ("circular", 3, (-1, 2), [1, 2, 1, 2]),
    ("circular", 3, (2, -1), [0, 1, 0, 1]),
    ("circular", 4, (1, -1), [2, 0, 1, 2]),
    ("circular", 3, (-2, -1), []),
])
def test_negative_pads_crop(mode, size, pad, expected):
    assert ae.pad(arange(1, size), pad, mode=mode).tolist() == [expected]


def test_unbatched_and_batched_inputs_and_dtypes():
    assert ae.pad(arange(2, 2, 2), (1, 0, 0, 0), mode="replicate").shape == (2, 2, 3)
    assert ae.pad(arange(2, 2, 2, 2), (1, 0, 0, 0), mode="replicate").shape == (2, 2, 2, 3)
    y = ae.pad(ae.arange(3).reshape(1, 3), (1, 1), mode="reflect")
    assert y.dtype == np.int64 and y.tolist() == [[1, 0, 1, 2, 1]]
    mask = ae.tensor([[True, False]])
    assert ae.pad(mask, (1, 0), mode="circular").tolist() == [[False, True, False]]
    assert ae.pad(ae.ones(0, 2, 3), (1, 1), mode="reflect").shape == (0, 2, 5)
    assert ae.pad(ae.ones(2, 0, 3), (1, 1, 0, 0), mode="circular").shape == (2, 0, 5)
    assert ae.pad(arange(1, 3), (1, 1), mode="reflect", value=0).tolist() == [[1, 0, 1, 2, 1]]


# -- gradients ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode,expected", [
    ("reflect", [1, 2, 3, 1]),
    ("replicate", [3, 1, 1, 2]),
    ("circular", [2, 1, 2, 2]),
])
def test_gradient_accumulates_onto_the_source(mode, expected):
    x = leaf(1, 4)
    ae.pad(x, (2, 1), mode=mode).sum().backward()
    assert x.grad.tolist() == [expected]


def test_two_dim_reflect_gradient():
    x = leaf(1, 3, 3)
    ae.pad(x, (2, 1, 1, 2), mode="reflect").sum().backward()
    assert x.grad.tolist() == [[[2, 6, 4], [3, 9, 6], [1, 3, 2]]]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape,pad", [
    ((2, 4), (2, 1)),
    ((2, 3, 4), (1, -1, 2, 0)),
    ((1, 2, 3, 4), (0, 2, -1, 1, 1, 1)),
    ((1, 1, 2, 3, 3), (1, 2, 2, 0, -1, 1)),
], ids=["2d", "3d", "4d", "5d"])
def test_gradcheck_first_and_second_order(mode, shape, pad):
    x = leaf(*shape, seed=len(shape))
    weights = leaf(*ae.pad(x, pad, mode=mode).shape, seed=9).detach()

    def fn(t):  # weighted, so that positions are distinguished; squared: a curvature
        y = ae.pad(t * t, pad, mode=mode)
        return y * weights

    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_padding_modes_flow_through_conv2d_gradients():
    conv = nn.Conv2d(2, 3, (2, 3), padding=(1, 2), padding_mode="reflect").double()
    x = leaf(2, 2, 4, 5)
    assert gradcheck(lambda t: conv(t), (x,))
    assert gradgradcheck(lambda t: conv(t) ** 2, (x,))


# -- Conv2d(padding_mode) and padding='same' ----------------------------------------------------
def _naive_conv(x, w, b):
    """Valid cross-correlation of (N, C, H, W) with (O, C, kH, kW), plus bias."""
    kh, kw = w.shape[2:]
    oh, ow = x.shape[2] - kh + 1, x.shape[3] - kw + 1
    out = np.empty((x.shape[0], w.shape[0], oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = np.einsum("nchw,ochw->no", x[:, :, i:i + kh, j:j + kw], w)
    return out + b.reshape(-1, 1, 1)


@pytest.mark.parametrize("mode,np_mode", [("zeros", "constant"), ("reflect", "reflect"),
                                          ("replicate", "edge"), ("circular", "wrap")])
def test_conv2d_padding_modes_pad_then_convolve(mode, np_mode):
    conv = nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode).double()
    x = leaf(2, 2, 4, 5)
    padded = np.pad(x.data, ((0, 0), (0, 0), (1, 1), (2, 2)), mode=np_mode)
    expected = _naive_conv(padded, conv.weight.data, conv.bias.data)
    np.testing.assert_allclose(conv(x).data, expected, atol=1e-12)
    np.testing.assert_allclose(conv(x[0]).data, expected[0], atol=1e-12)


@pytest.mark.parametrize("kernel,dilation,before,after", [
    ((4, 4), (1, 1), (1, 1), (2, 2)),
    ((2, 3), (1, 2), (0, 2), (1, 2)),
    ((4, 2), (3, 1), (4, 0), (5, 1)),
])
def test_same_padding_puts_the_odd_unit_after(kernel, dilation, before, after):
    x, w, b = leaf(1, 2, 6, 7), leaf(3, 2, *kernel, seed=1), leaf(3, seed=2)
    y = F.conv2d(x, w, b, padding="same", dilation=dilation)
    assert y.shape == (1, 3, 6, 7)
    padded = np.pad(x.data, ((0, 0), (0, 0), (before[0], after[0]), (before[1], after[1])))
    dilated = np.zeros((3, 2) + tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation)))
    dilated[:, :, ::dilation[0], ::dilation[1]] = w.data
    np.testing.assert_allclose(y.data, _naive_conv(padded, dilated, b.data), atol=1e-12)
    assert gradcheck(lambda *t: F.conv2d(*t, padding="same", dilation=dilation), (x, w, b))
    assert gradgradcheck(lambda *t: F.conv2d(*t, padding="same", dilation=dilation),
                         (x, w, b))


@pytest.mark.parametrize("mode", MODES)
def test_conv2d_same_with_a_padding_mode(mode):
    conv = nn.Conv2d(2, 3, (4, 3), padding="same", dilation=(1, 2), padding_mode=mode).double()
    x = leaf(2, 2, 6, 7)
    padded = F.pad(x, (2, 2, 1, 2), mode=mode)
    expected = F.conv2d(padded, conv.weight, conv.bias, dilation=(1, 2))
    np.testing.assert_allclose(conv(x).data, expected.data, atol=1e-12)


def test_conv2d_repr_and_mode_errors():
    conv = nn.Conv2d(2, 3, 4, padding="same", padding_mode="circular")
    assert repr(conv) == ("Conv2d(2, 3, kernel_size=(4, 4), stride=(1, 1), padding=same, "
                          "padding_mode=circular)")
    assert "padding_mode" not in repr(nn.Conv2d(2, 3, 3))
    with pytest.raises(ValueError, match=r"padding_mode must be one of .*'reflect'.*but got "
                                         r"padding_mode='mirror'"):
        nn.Conv2d(2, 3, 3, padding_mode="mirror")
    for mode in ("reflect", "mirror"):
        with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                             'ConvTranspose2d'):
            nn.ConvTranspose2d(2, 3, 3, padding_mode=mode)
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        nn.Conv2d(1, 1, 3, padding=2, padding_mode="reflect")(ae.ones(1, 1, 2, 4))


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape,pad,mode,error,match", [
    ((1, 3), (1, 1), "mirror", NotImplementedError, "Unrecognised padding mode mirror"),
    ((1, 3), (1,), "reflect", RuntimeError, "divisible by 2"),
    ((3,), (1, 1, 1, 1), "reflect", RuntimeError, "less than or equal to two times"),
    ((3,), (1, 1), "reflect", NotImplementedError, "Padding size 2 is not supported for 1D"),
    ((2, 3), (1, 1, 1, 1), "replicate", NotImplementedError, "size 4 .* 2D input"),
    ((1, 2, 3, 3), (1, 1), "circular", NotImplementedError, "size 2 .* 4D input"),
    ((1, 1, 1, 2, 3, 3), (1,) * 6, "reflect", NotImplementedError, "6D input"),
    ((1, 3), (), "reflect", NotImplementedError, "Padding size 0"),
    ((1, 3), (3, 0), "reflect", RuntimeError,
     r"Argument #4: Padding size should be less than .* padding \(3, 0\) at dimension 1"),
    ((1, 3, 3), (0, 0, 0, 3), "reflect", RuntimeError, r"Argument #6: .*\(0, 3\) at dimension 1"),
    ((1, 3), (-3, 0), "reflect", RuntimeError, r"input \(W: 3\) is too small"),
    ((1, 3, 3), (-3, 0, 0, -3), "replicate", RuntimeError,
     r"input \(H: 3, W: 3\) is too small. Calculated output H: 0 W: 0"),
    ((1, 3, 3), (1, 1, -2, -2), "replicate", RuntimeError, "negative output size"),
    ((1, 0), (1, 1), "replicate", RuntimeError, "non-zero dimensions .* got: \\[1, 0\\]"),
    ((0, 2, 3), (1, 1, 1, 1), "reflect", RuntimeError, "3D or 4D \\(batch mode\\)"),
    ((1, 3), (4, 0), "circular", RuntimeError, "wrapping around more than once"),
    ((1, 3), (-1, 3), "circular", RuntimeError, "wrapping around more than once"),
    ((1, 3), (-4, 0), "circular", RuntimeError, "negative output size"),
])
def test_errors(shape, pad, mode, error, match):
    with pytest.raises(error, match=match):
        ae.pad(ae.ones(*shape), pad, mode=mode)


def test_value_and_dtype_errors():
    with pytest.raises(RuntimeError, match='Padding mode "reflect" doesn\'t take in value'):
        ae.pad(ae.ones(1, 3), (1, 1), mode="reflect", value=1.0)
    with pytest.raises(NotImplementedError, match="replication_pad1d.*Bool"):
        ae.pad(ae.tensor([[True, False]]), (1, 1), mode="replicate")
