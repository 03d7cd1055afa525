"""``F.pad`` modes, ``Conv2d(padding_mode=...)`` and ``padding='same'`` with even kernels
against PyTorch: values, gradients and error types (skipped without torch)."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

MODES = ("reflect", "replicate", "circular")

# (input shape, pad) for each rank torch supports: unbatched and batched, 1-3 padded dims,
# positive, zero and negative (cropping) widths
SHAPES_AND_PADS = [
    ((3, 5), (2, 1)),
    ((3, 5), (-2, 3)),
    ((2, 3, 5), (1, -1)),
    ((2, 4, 5), (3, 0, 1, 2)),
    ((2, 4, 5), (-1, 2, 2, -3)),
    ((2, 3, 4, 5), (1, 2, 3, 0)),
    ((2, 3, 4, 5), (0, -2, 1, 1)),
    ((2, 3, 4, 5), (1, 1, 2, 0, 0, 1)),
    ((2, 3, 3, 4, 5), (2, 1, -1, 3, 1, 2)),
    ((1, 2, 3, 4, 5), (4, 0, 0, 3, 2, 2)),
]


def _pair(shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return (torch.tensor(data, requires_grad=True),
            ae.tensor(data, dtype=np.float64, requires_grad=True))


def _assert_pad_matches(shape, pad, mode):
    tx, ax = _pair(shape)
    ty, ay = TF.pad(tx, pad, mode=mode), F.pad(ax, pad, mode=mode)
    np.testing.assert_allclose(ay.data, ty.detach().numpy(), rtol=0, atol=0)
    g = np.random.default_rng(1).standard_normal(ty.shape)
    ty.backward(torch.tensor(g))
    ay.backward(ae.tensor(g))
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape,pad", SHAPES_AND_PADS)
def test_pad_values_and_gradients(mode, shape, pad):
    if mode == "circular" and shape == (2, 4, 5) and pad == (-1, 2, 2, -3):
        pad = (-1, 2, 1, -2)  # a wrap of 2 over the 1 row left after cropping is undefined
    _assert_pad_matches(shape, pad, mode)


@pytest.mark.parametrize("mode", MODES)
def test_pad_second_order_gradients(mode):
    tx, ax = _pair((2, 3, 4))
    pad = (2, 1, 1, 2)
    tg = torch.autograd.grad((TF.pad(tx ** 3, pad, mode=mode) ** 2).sum(), tx,
                             create_graph=True)[0]
    ag = ae.autograd.grad((F.pad(ax ** 3, pad, mode=mode) ** 2).sum(), ax,
                          create_graph=True)[0]
    np.testing.assert_allclose(ag.data, tg.detach().numpy(), rtol=1e-12)
    (tgg,), (agg,) = torch.autograd.grad(tg.sum(), tx), ae.autograd.grad(ag.sum(), ax)
    np.testing.assert_allclose(agg.data, tgg.numpy(), rtol=1e-12)


@pytest.mark.parametrize("mode", MODES)
def test_pad_integer_input(mode):
    data = np.arange(12).reshape(1, 3, 4)
    expected = TF.pad(torch.tensor(data), (2, 1, 1, 2), mode=mode).numpy()
    y = F.pad(ae.tensor(data), (2, 1, 1, 2), mode=mode)
    assert y.dtype == expected.dtype
    np.testing.assert_array_equal(y.data, expected)


ERROR_CASES = [
    ((1, 3), (1, 1), "mirror", None),
    ((1, 3), (1,), "reflect", None),
    ((3,), (1, 1, 1, 1), "replicate", None),
    ((3,), (1, 1), "reflect", None),
    ((2, 3), (1, 1, 1, 1), "circular", None),
    ((1, 2, 3, 3), (1, 1), "reflect", None),
    ((1, 2, 3, 3, 3), (1, 1, 1, 1), "replicate", None),
    ((1, 1, 1, 2, 3, 3), (1,) * 6, "circular", None),
    ((1, 3), (), "reflect", None),
    ((1, 3), (3, 0), "reflect", None),
    ((1, 3), (-1, 3), "reflect", None),
    ((1, 3, 3), (0, 0, 4, 0), "reflect", None),
    ((1, 3, 3, 3), (0, 0, 0, 0, 3, 0), "reflect", None),
    ((1, 3), (-3, 0), "reflect", None),
    ((1, 3), (-2, -2), "replicate", None),
    ((1, 3, 3), (-3, 0, 0, -3), "replicate", None),
    ((1, 3, 3, 3), (-3, 0, -3, 0, 0, -3), "reflect", None),
    ((1, 0), (1, 1), "replicate", None),
    ((0, 3), (0, 0), "reflect", None),
    ((0, 2, 3), (1, 1, 1, 1), "reflect", None),
    ((2, 0, 3, 3), (1, 1, 1, 1), "replicate", None),
    ((1, 3), (4, 0), "circular", None),
    ((1, 3), (0, 5), "circular", None),
    ((1, 0), (1, 0), "circular", None),
    ((1, 3), (-4, 0), "circular", None),
    ((1, 3), (1, 1), "reflect", 1.0),
    ((1, 3), (1, 1), "circular", 2.0),
]


@pytest.mark.parametrize("shape,pad,mode,value", ERROR_CASES)
def test_pad_error_types(shape, pad, mode, value):
    with pytest.raises(Exception) as expected:
        TF.pad(torch.ones(shape), pad, mode=mode, value=value)
    with pytest.raises(type(expected.value)):
        F.pad(ae.ones(*shape), pad, mode=mode, value=value)


@pytest.mark.parametrize("mode", ("reflect", "replicate"))
def test_pad_bool_input_is_not_implemented(mode):
    with pytest.raises(NotImplementedError):
        TF.pad(torch.ones(1, 3, dtype=torch.bool), (1, 1), mode=mode)
    with pytest.raises(NotImplementedError):
        F.pad(ae.ones(1, 3, dtype=np.bool_), (1, 1), mode=mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(0, 2, 3), (0, 2, 3, 3)])
def test_pad_empty_batch(mode, shape):
    pad = (1, 1) * (len(shape) - 2)
    assert F.pad(ae.ones(*shape), pad, mode=mode).shape == tuple(
        TF.pad(torch.ones(shape), pad, mode=mode).shape)


# -- convolutions -------------------------------------------------------------------------------
def _conv_pair(mode, kernel, **kwargs):
    t = torch.nn.Conv2d(3, 4, kernel, padding_mode=mode, **kwargs).double()
    a = nn.Conv2d(3, 4, kernel, padding_mode=mode, **kwargs).double()
    a.weight.data[...] = t.weight.detach().numpy()
    a.bias.data[...] = t.bias.detach().numpy()
    return t, a


def _assert_conv_matches(t, a, shape):
    tx, ax = _pair(shape, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's note on 'same' with even kernels
        ty = t(tx)
    ay = a(ax)
    np.testing.assert_allclose(ay.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(4).standard_normal(ty.shape)
    ty.backward(torch.tensor(g))
    ay.backward(ae.tensor(g))
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(a.weight.grad.data, t.weight.grad.numpy(), rtol=1e-10,
                               atol=1e-12)
    np.testing.assert_allclose(a.bias.grad.data, t.bias.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("mode", ("zeros",) + MODES)
@pytest.mark.parametrize("kernel,kwargs", [
    (3, dict(padding=1)),
    ((3, 2), dict(padding=(1, 2), dilation=(1, 2))),
    ((3, 3), dict(padding=(2, 1), stride=(2, 1), groups=1)),
    (4, dict(padding="same")),
    ((4, 3), dict(padding="same", dilation=(2, 3))),
    ((2, 2), dict(padding="same", dilation=(1, 2))),
    (3, dict(padding="valid")),
], ids=["3x3", "dilated", "strided", "same 4x4", "same dilated", "same 2x2", "valid"])
@pytest.mark.parametrize("shape", [(2, 3, 6, 7), (3, 6, 7)], ids=["batched", "unbatched"])
def test_conv2d_padding_modes(mode, kernel, kwargs, shape):
    t, a = _conv_pair(mode, kernel, **kwargs)
    assert repr(a) == repr(t)
    _assert_conv_matches(t, a, shape)


@pytest.mark.parametrize("kernel,dilation", [((4, 4), 1), ((2, 3), (1, 2)), ((4, 2), (3, 1)),
                                             ((1, 2), 2)])
def test_functional_conv2d_same_with_even_kernels(kernel, dilation):
    rng = np.random.default_rng(5)
    x, w, b = (rng.standard_normal(s) for s in ((2, 4, 6, 7), (4, 2) + kernel, (4,)))
    tt = [torch.tensor(v, requires_grad=True) for v in (x, w, b)]
    at = [ae.tensor(v, dtype=np.float64, requires_grad=True) for v in (x, w, b)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ty = TF.conv2d(*tt, padding="same", dilation=dilation, groups=2)
    ay = F.conv2d(*at, padding="same", dilation=dilation, groups=2)
    np.testing.assert_allclose(ay.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(ty.shape)
    ty.backward(torch.tensor(g))
    ay.backward(ae.tensor(g))
    for a, t in zip(at, tt):
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls,mode", [("Conv2d", "mirror"), ("ConvTranspose2d", "reflect"),
                                      ("ConvTranspose2d", "mirror")])
def test_invalid_padding_modes_raise_at_construction(cls, mode):
    with pytest.raises(ValueError) as expected:
        getattr(torch.nn, cls)(2, 3, 3, padding_mode=mode)
    with pytest.raises(ValueError) as got:
        getattr(nn, cls)(2, 3, 3, padding_mode=mode)
    if cls == "ConvTranspose2d":
        assert str(got.value) == str(expected.value)


def test_conv2d_reflect_padding_too_large_for_the_input():
    t, a = _conv_pair("reflect", 3, padding=3)
    with pytest.raises(RuntimeError):
        t(torch.ones(1, 3, 3, 5, dtype=torch.float64))
    with pytest.raises(RuntimeError):
        a(ae.ones(1, 3, 3, 5, dtype=np.float64))
