"""interpolate(antialias=True) as torch 2.13: PIL-style resampling whose filter widens with
the downscale factor, rows of weights normalised to 1. Expected values recorded from torch."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F

X = (np.arange(24, dtype=np.float32).reshape(1, 1, 4, 6) ** 1.5)
G = np.arange(1, 7, dtype=np.float32).reshape(1, 1, 2, 3)
EXPECTED = {  # F.interpolate(X, size=(2, 3), mode=mode, antialias=True) and its gradient for G
    "bilinear": (
        [14.327136039733887, 20.332199096679688, 27.398683547973633, 56.66140365600586,
         67.05463409423828, 78.01179504394531],
        [0.18367347121238708, 0.2908163368701935, 0.38265305757522583, 0.5051020383834839,
         0.6581632494926453, 0.5510203838348389, 0.4285714626312256, 0.6250000596046448,
         0.7321429252624512, 0.8954082131385803, 1.1147959232330322, 0.918367326259613,
         0.7959184050559998, 1.0994898080825806, 1.1760203838348389, 1.3392857313156128,
         1.5892857313156128, 1.2857142686843872, 0.7346938848495483, 1.0025510787963867,
         1.0484694242477417, 1.170918345451355, 1.3698979616165161, 1.1020407676696777]),
    "bicubic": (
        [10.276973724365234, 16.390501022338867, 23.876968383789062, 59.00568771362305,
         70.74708557128906, 83.14053344726562],
        [0.11881192028522491, 0.2104220986366272, 0.3040607273578644, 0.4380902349948883,
         0.6125106811523438, 0.5103192329406738, 0.3835533559322357, 0.5772103071212769,
         0.6774240136146545, 0.8613860607147217, 1.1290966272354126, 0.9209163188934326,
         0.8207461833953857, 1.1490789651870728, 1.193156123161316, 1.3771181106567383,
         1.700965166091919, 1.3581092357635498, 0.7586063146591187, 1.0473029613494873,
         1.0587905645370483, 1.1928200721740723, 1.449391484260559, 1.1501137018203735]),
}


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_downscale_values_and_gradient(mode):
    x = ae.tensor(X, requires_grad=True)
    y = F.interpolate(x, size=(2, 3), mode=mode, antialias=True)
    y.backward(ae.tensor(G))
    values, grad = EXPECTED[mode]
    np.testing.assert_allclose(y.detach().numpy().ravel(), values, rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy().ravel(), grad, rtol=1e-6, atol=1e-7)
    plain = F.interpolate(ae.tensor(X), size=(2, 3), mode=mode)  # without: other values
    assert np.abs(plain.numpy() - y.detach().numpy()).max() > 1


def test_align_corners_and_upscaling():
    x = ae.tensor(X)
    y = F.interpolate(x, scale_factor=0.5, mode="bilinear", antialias=True, align_corners=True)
    np.testing.assert_allclose(y.numpy().ravel(), [29.402572631835938, 39.24253845214844,
                                                  46.2783203125, 70.90347290039062,
                                                  85.18228149414062, 94.86807250976562],
                               rtol=1e-6)
    up = F.interpolate(x, size=(3, 9), mode="bicubic", antialias=True)
    np.testing.assert_allclose(up.numpy()[0, 0, 0, :4], [1.988754153251648, 2.718031644821167,
                                                       4.047295093536377, 5.598464488983154],
                               rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), oh=st.integers(1, 12),
       ow=st.integers(1, 12), cubic=st.booleans())
def test_constant_images_stay_constant(h, w, oh, ow, cubic):
    # every row of weights sums to one, whatever the sizes
    x = ae.full((1, 2, h, w), 3.0, dtype=ae.float64)
    y = F.interpolate(x, size=(oh, ow), mode="bicubic" if cubic else "bilinear",
                      antialias=True)
    assert y.shape == (1, 2, oh, ow)
    np.testing.assert_allclose(y.numpy(), 3.0, rtol=1e-12)


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
def test_gradients_of_both_orders(mode):
    x = ae.tensor(np.random.default_rng(0).standard_normal((1, 2, 7, 5)), requires_grad=True)
    assert ae.autograd.gradcheck(
        lambda t: F.interpolate(t, size=(3, 8), mode=mode, antialias=True), (x,))
    assert ae.autograd.gradgradcheck(
        lambda t: F.interpolate(t, scale_factor=0.4, mode=mode, antialias=True) ** 2, (x,))


@pytest.mark.parametrize("kwargs", [dict(mode="nearest"), dict(mode="linear", rank=3),
                                    dict(mode="bilinear", rank=5), dict(mode="area")])
def test_antialias_only_for_4d_bilinear_and_bicubic(kwargs):
    rank = kwargs.pop("rank", 4)
    x = ae.ones(*(2,) * rank)
    with pytest.raises(ValueError, match="Anti-alias option is restricted to bilinear and "
                                         "bicubic modes and requires a 4-D tensor"):
        F.interpolate(x, size=(1,) * (rank - 2), antialias=True, **kwargs)


def test_one_pixel_wide_output_resizes_each_dim():
    # PyTorch 2.13 repeats one row here (README); the resize is separable, so it equals the
    # width resize followed by the height resize, each of which PyTorch computes correctly
    x = ae.tensor(np.random.default_rng(50).standard_normal((1, 1, 13, 4)))
    for mode in ("bilinear", "bicubic"):
        y = F.interpolate(x, size=(3, 1), mode=mode, antialias=True)
        steps = F.interpolate(F.interpolate(x, size=(13, 1), mode=mode, antialias=True),
                              size=(3, 1), mode=mode, antialias=True)
        np.testing.assert_allclose(y.numpy(), steps.numpy(), rtol=1e-12)
        assert len(np.unique(y.numpy())) == 3
