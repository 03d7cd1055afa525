"""F.interpolate ('nearest', 'bilinear') and nn.Upsample: values against per-output-pixel
formulas, shapes, gradients of first and second order, reprs, PyTorch's errors and (with
torch installed) PyTorch parity of outputs and gradients."""
import math

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F


def _size_and_scales(shape, size, scale_factor):
    if size is not None:
        size = (size, size) if isinstance(size, int) else tuple(size)
        return size, (None, None)
    scales = (scale_factor,) * 2 if not isinstance(scale_factor, tuple) else scale_factor
    return tuple(math.floor(n * s) for n, s in zip(shape[2:], scales)), scales


def _naive_nearest(x, size=None, scale_factor=None):
    """out[i, j] = x[min(floor(i * sh), H - 1), min(floor(j * sw), W - 1)], s = in / out or
    1 / scale_factor (a float32 product, as PyTorch's nearest_idx)."""
    (oh, ow), scales = _size_and_scales(x.shape, size, scale_factor)
    h, w = x.shape[2:]

    def src(dst, n_in, n_out, s):
        if n_in == n_out:
            return dst
        scale = np.float32(1.0 / s) if s else np.float32(n_in) / np.float32(n_out)
        return min(int(math.floor(np.float32(dst) * scale)), n_in - 1)

    out = np.empty(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, src(i, h, oh, scales[0]), src(j, w, ow, scales[1])]
    return out


def _naive_bilinear(x, size=None, scale_factor=None, align_corners=False):
    """Each output pixel from its source coordinate (align_corners: dst * (in - 1) / (out - 1);
    else max((dst + 0.5) * scale - 0.5, 0), scale = in / out or 1 / scale_factor)."""
    (oh, ow), scales = _size_and_scales(x.shape, size, scale_factor)
    h, w = x.shape[2:]

    def src(dst, n_in, n_out, s):
        if n_in == n_out:
            return dst, dst, 0.0
        if align_corners:
            real = dst * (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        else:
            scale = 1.0 / s if s else n_in / n_out
            real = max((dst + 0.5) * scale - 0.5, 0.0)
        i0 = min(int(math.floor(real)), n_in - 1)
        lam = min(max(real - i0, 0.0), 1.0)
        return i0, min(i0 + 1, n_in - 1), lam

    out = np.empty(x.shape[:2] + (oh, ow))
    for i in range(oh):
        h0, h1, a = src(i, h, oh, scales[0])
        for j in range(ow):
            w0, w1, b = src(j, w, ow, scales[1])
            out[:, :, i, j] = ((1 - a) * ((1 - b) * x[:, :, h0, w0] + b * x[:, :, h0, w1])
                               + a * ((1 - b) * x[:, :, h1, w0] + b * x[:, :, h1, w1]))
    return out


RESIZES = [dict(size=(7, 5)), dict(size=3), dict(scale_factor=2), dict(scale_factor=(1.5, 0.5)),
           dict(size=(4, 9)), dict(scale_factor=1.7), dict(size=(1, 1)), dict(size=(5, 1)),
           dict(scale_factor=(3, 1.25))]


@pytest.mark.parametrize("kwargs", RESIZES)
def test_nearest_matches_formula(kwargs):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    out = F.interpolate(ae.tensor(x), **kwargs)
    expected = _naive_nearest(x, **kwargs)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("kwargs", RESIZES)
@pytest.mark.parametrize("align_corners", [False, True])
def test_bilinear_matches_formula(kwargs, align_corners):
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5))
    out = F.interpolate(ae.tensor(x), mode="bilinear", align_corners=align_corners, **kwargs)
    expected = _naive_bilinear(x, align_corners=align_corners, **kwargs)
    assert out.shape == expected.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_known_values():
    x = ae.tensor(np.arange(3.0).reshape(1, 1, 1, 3))
    np.testing.assert_array_equal(F.interpolate(x, size=(1, 7)).numpy()[0, 0, 0],
                                  [0, 0, 0, 1, 1, 2, 2])
    np.testing.assert_allclose(
        F.interpolate(x, size=(1, 5), mode="bilinear", align_corners=True).numpy()[0, 0, 0],
        [0, 0.5, 1, 1.5, 2])
    np.testing.assert_allclose(
        F.interpolate(x, scale_factor=2, mode="bilinear").numpy()[0, 0, 0],
        [0, 0.25, 0.75, 1.25, 1.75, 2])
    f32 = F.interpolate(ae.tensor(np.ones((1, 2, 3, 3), np.float32)), scale_factor=2,
                        mode="bilinear")
    assert f32.dtype == np.float32 and f32.shape == (1, 2, 6, 6)
    np.testing.assert_allclose(f32.numpy(), 1.0, rtol=1e-6)


@pytest.mark.parametrize("mode,align_corners", [("nearest", None), ("bilinear", False),
                                                ("bilinear", True)])
@pytest.mark.parametrize("kwargs", [dict(size=(3, 5)), dict(scale_factor=(0.5, 1.5))])
def test_gradcheck_and_gradgradcheck(mode, align_corners, kwargs):
    x = ae.tensor(np.random.default_rng(2).standard_normal((1, 2, 3, 4)), requires_grad=True)

    def fn(x):
        return F.interpolate(x, mode=mode, align_corners=align_corners, **kwargs)

    assert ae.autograd.gradcheck(fn, (x,))
    assert ae.autograd.gradgradcheck(fn, (x,))


def test_nearest_gradient_counts_the_copies():
    x = ae.tensor(np.zeros((1, 1, 2, 3)), requires_grad=True)
    F.interpolate(x, size=(5, 4)).sum().backward()
    # rows 0, 0, 0, 1, 1 (floor(i * 0.4)); columns 0, 0, 1, 2 (floor(j * 0.75))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[6, 3, 3], [4, 2, 2]])


@pytest.mark.parametrize("kwargs,error,message", [
    (dict(), ValueError, "either size or scale_factor should be defined"),
    (dict(size=2, scale_factor=2), ValueError, "only one of size or scale_factor"),
    (dict(size=(2, 3, 4)), ValueError, "Input and output must have the same number of spatial"),
    (dict(scale_factor=(2, 3, 4)), ValueError, "Input and scale_factor must have the same"),
    (dict(size=2, align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes: linear | bilinear"),
    (dict(size=2, mode="foo"), NotImplementedError, r"Input Error: Only 3D, 4D and 5D input "
                                                    r".*\(got foo\)"),
    (dict(size=0), RuntimeError, r"Input and output sizes should be greater than 0, but got "
                                 r"input \(H: 3, W: 4\) output \(H: 0, W: 0\)"),
    (dict(scale_factor=0.1), RuntimeError, "Input and output sizes should be greater than 0"),
    (dict(size=(2, 3.0)), TypeError, "expected size to be one of int"),
    (dict(size=2, mode="nearest", antialias=True), ValueError,
     "Anti-alias option is restricted to bilinear and bicubic"),
])
def test_errors_as_pytorch(kwargs, error, message):
    with pytest.raises(error, match=message):
        F.interpolate(ae.zeros(1, 2, 3, 4), **kwargs)


def test_input_rank_errors():
    with pytest.raises(NotImplementedError, match="Got 3D input, but bilinear mode needs 4D"):
        F.interpolate(ae.zeros(1, 2, 3), size=4, mode="bilinear")
    with pytest.raises(NotImplementedError, match=r"Only 3D, 4D and 5D input .*\(got 2D\)"):
        F.interpolate(ae.zeros(2, 3), size=4)


def test_upsample_module_and_repr():
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
    assert repr(nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True)) == (
        "Upsample(size=(3, 4), mode='bilinear')")
    assert repr(nn.Upsample(scale_factor=(2, 3))) == (
        "Upsample(scale_factor=(2.0, 3.0), mode='nearest')")
    assert repr(nn.Upsample(size=5)) == "Upsample(size=5, mode='nearest')"
    x = np.random.default_rng(3).standard_normal((1, 2, 3, 4))
    up = nn.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True)
    np.testing.assert_allclose(up(ae.tensor(x)).numpy(),
                               _naive_bilinear(x, scale_factor=1.5, align_corners=True),
                               rtol=1e-12, atol=1e-12)
    assert list(up.parameters()) == []


@pytest.mark.parametrize("mode,align_corners", [("nearest", None), ("bilinear", False),
                                                ("bilinear", True)])
def test_parity_with_torch_over_sizes(mode, align_corners):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).standard_normal((2, 3, 5, 7))
    configs = [dict(size=(h, w)) for h in (1, 2, 3, 5, 7, 10, 13) for w in (1, 4, 7, 9, 14, 20)]
    configs += [dict(scale_factor=s) for s in (0.3, 0.5, 0.75, 1.2, 1.5, 2, 2.5, 3, 1 / 3)]
    configs += [dict(scale_factor=(1.7, 0.6)), dict(scale_factor=(2, 3))]
    configs += [dict(scale_factor=2.5, recompute_scale_factor=True)]
    for kwargs in configs:
        tx = torch.tensor(x, requires_grad=True)
        ax = ae.tensor(x, requires_grad=True)
        ty = torch.nn.functional.interpolate(tx, mode=mode, align_corners=align_corners,
                                             **kwargs)
        ay = F.interpolate(ax, mode=mode, align_corners=align_corners, **kwargs)
        assert ay.shape == tuple(ty.shape), kwargs
        np.testing.assert_allclose(ay.detach().numpy(), ty.detach().numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=str(kwargs))
        g = np.random.default_rng(5).standard_normal(ty.shape)
        (tg,) = torch.autograd.grad(ty, tx, torch.tensor(g))
        (ag,) = ae.autograd.grad(ay, ax, ae.tensor(g))
        np.testing.assert_allclose(ag.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=str(kwargs))
        # float32: same indices / weights as PyTorch's float kernels
        t32 = torch.nn.functional.interpolate(torch.tensor(x, dtype=torch.float32), mode=mode,
                                              align_corners=align_corners, **kwargs)
        a32 = F.interpolate(ae.tensor(x, dtype=np.float32), mode=mode,
                            align_corners=align_corners, **kwargs)
        np.testing.assert_allclose(a32.numpy(), t32.numpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=str(kwargs))


def test_upsample_parity_with_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(6).standard_normal((1, 2, 4, 3))
    for kwargs in (dict(scale_factor=2), dict(size=(5, 8), mode="bilinear"),
                   dict(scale_factor=(1.5, 2.5), mode="bilinear", align_corners=True)):
        reference, ours = torch.nn.Upsample(**kwargs), nn.Upsample(**kwargs)
        assert repr(ours) == repr(reference)
        np.testing.assert_allclose(ours(ae.tensor(x)).numpy(),
                                   reference(torch.tensor(x)).numpy(), rtol=1e-10, atol=1e-12)
