"""F.conv_transpose2d and nn.ConvTranspose2d: values against a naive scatter loop, shapes,
gradients of first and second order, module init and repr, PyTorch's errors and (with torch
installed) PyTorch parity of outputs and every gradient."""
import math

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _naive_conv_transpose2d(x, w, b=None, stride=1, padding=0, output_padding=0, groups=1,
                            dilation=1):
    """Scatter every input pixel times its group's kernel into the (padded) output."""
    (sh, sw), (ph, pw), (oph, opw), (dh, dw) = map(_pair, (stride, padding, output_padding,
                                                           dilation))
    n, c_in, h, wd = x.shape
    _, c_out_g, kh, kw = w.shape
    c_in_g = c_in // groups
    out_h = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
    out_w = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
    full = np.zeros((n, c_out_g * groups, out_h + 2 * ph + sh + dh * kh,
                     out_w + 2 * pw + sw + dw * kw))
    for bi in range(n):
        for c in range(c_in):
            g = c // c_in_g
            for i in range(h):
                for j in range(wd):
                    for o in range(c_out_g):
                        for u in range(kh):
                            for v in range(kw):
                                full[bi, g * c_out_g + o, i * sh + u * dh, j * sw + v * dw] += (
                                    x[bi, c, i, j] * w[c, o, u, v])
    out = full[:, :, ph:ph + out_h, pw:pw + out_w]
    if b is not None:
        out = out + b.reshape(1, -1, 1, 1)
    return out


CASES = [
    ((2, 3, 4, 5), (3, 2, 3, 3), {}),
    ((1, 4, 3, 4), (4, 3, 2, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
    ((2, 2, 3, 3), (2, 1, 3, 2), dict(stride=(2, 3), padding=(1, 2), output_padding=(1, 2),
                                      dilation=(2, 1))),
    ((1, 3, 4, 3), (3, 2, 2, 2), dict(stride=1, padding=2, dilation=3, output_padding=2)),
    ((1, 6, 2, 3), (6, 1, 3, 3), dict(stride=3, groups=6, dilation=(1, 2), output_padding=(2, 1))),
    ((2, 2, 5, 4), (2, 2, 1, 1), dict(stride=2, padding=(0, 1))),
]


@pytest.mark.parametrize("x_shape,w_shape,kwargs", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv_transpose2d_matches_naive_scatter(x_shape, w_shape, kwargs, dtype):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    b = rng.standard_normal(w_shape[1] * kwargs.get("groups", 1))
    out = F.conv_transpose2d(ae.tensor(x, dtype=dtype), ae.tensor(w, dtype=dtype),
                             ae.tensor(b, dtype=dtype), **kwargs)
    expected = _naive_conv_transpose2d(x, w, b, **kwargs)
    assert out.dtype == dtype and out.shape == expected.shape
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("x_shape,w_shape,kwargs,shape", [
    ((1, 2, 5, 5), (2, 3, 3, 3), {}, (1, 3, 7, 7)),
    ((1, 2, 5, 5), (2, 3, 3, 3), dict(stride=2), (1, 3, 11, 11)),
    ((1, 2, 5, 5), (2, 3, 3, 3), dict(stride=2, padding=1), (1, 3, 9, 9)),
    ((1, 2, 5, 5), (2, 3, 3, 3), dict(stride=2, padding=1, output_padding=1), (1, 3, 10, 10)),
    ((1, 2, 5, 5), (2, 3, 3, 3), dict(dilation=2), (1, 3, 9, 9)),
    ((1, 4, 5, 6), (4, 3, 3, 2), dict(groups=2, stride=(1, 2)), (1, 6, 7, 12)),
    ((2, 5, 6), (2, 3, 3, 3), {}, (3, 7, 8)),  # unbatched
])
def test_conv_transpose2d_shapes(x_shape, w_shape, kwargs, shape):
    assert F.conv_transpose2d(ae.zeros(x_shape), ae.zeros(w_shape), **kwargs).shape == shape


def test_conv_transpose2d_is_the_input_gradient_of_conv2d():
    rng = np.random.default_rng(2)
    x = ae.tensor(rng.standard_normal((2, 4, 8, 6)), requires_grad=True)
    w = ae.tensor(rng.standard_normal((6, 2, 3, 2)))
    g = ae.tensor(rng.standard_normal((2, 6, 4, 4)))
    y = F.conv2d(x, w, stride=2, padding=1, groups=2)
    (gx,) = ae.autograd.grad(y, (x,), g)
    z = F.conv_transpose2d(g, w, stride=2, padding=1, groups=2, output_padding=(1, 0))
    np.testing.assert_allclose(z.numpy(), gx.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_shape,w_shape,kwargs", [
    ((1, 2, 2, 3), (2, 2, 2, 2), dict(stride=2, padding=1, output_padding=1)),
    ((2, 4, 2, 2), (4, 1, 2, 3), dict(groups=2, dilation=(2, 1), stride=(1, 2))),
    ((1, 2, 2, 2), (2, 1, 2, 2), dict(stride=1, padding=1, dilation=3, output_padding=2)),
    ((2, 2, 3), (2, 2, 2, 2), dict(padding=(0, 1))),
])
def test_conv_transpose2d_gradcheck_and_gradgradcheck(x_shape, w_shape, kwargs):
    rng = np.random.default_rng(3)
    x = ae.tensor(rng.standard_normal(x_shape), requires_grad=True)
    w = ae.tensor(rng.standard_normal(w_shape), requires_grad=True)
    b = ae.tensor(rng.standard_normal(w_shape[1] * kwargs.get("groups", 1)), requires_grad=True)

    def fn(x, w, b):
        return F.conv_transpose2d(x, w, b, **kwargs)

    assert ae.autograd.gradcheck(fn, (x, w, b))
    assert ae.autograd.gradgradcheck(fn, (x, w, b))


@pytest.mark.parametrize("x_shape,w_shape,kwargs,message", [
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(output_padding=1),
     "output padding must be smaller than either stride or dilation, but got "
     "output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 "
     "dilation_height: 1 dilation_width: 1"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(stride=2, output_padding=(0, 2)),
     "output padding must be smaller than either stride or dilation"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(output_padding=-1), "negative output_padding"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(padding=3),
     r"Given input size per channel: \(3 x 3\). Calculated output size per channel: "
     r"\(-1 x -1\). Output size is too small"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(groups=3), "expected weight to be divisible by 3"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(stride=0), "non-positive stride"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(padding=-1), "negative padding"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(dilation=0), "dilation should be greater than zero"),
    ((1, 3, 3, 3), (4, 2, 3, 3), {},
     r"Given transposed=1, weight of size \[4, 2, 3, 3\], expected input\[1, 3, 3, 3\] to "
     r"have 4 channels, but got 3 channels instead"),
    ((4, 3), (4, 2, 3, 3), {}, r"Expected 3D \(unbatched\) or 4D \(batched\) input to "
                               "conv_transpose2d"),
    ((1, 4, 3, 3), (4, 2, 3), {}, r"Expected 3-dimensional input for 3-dimensional weight"),
    ((1, 4, 3, 3), (4, 2, 3, 3), dict(stride=(1, 1, 1)), "stride"),
])
def test_conv_transpose2d_errors_as_pytorch(x_shape, w_shape, kwargs, message):
    with pytest.raises(RuntimeError, match=message):
        F.conv_transpose2d(ae.zeros(x_shape), ae.zeros(w_shape), **kwargs)


def test_conv_transpose2d_bias_and_dtype_errors():
    x, w = ae.zeros(1, 4, 3, 3), ae.zeros(4, 2, 3, 3)
    with pytest.raises(RuntimeError, match="expected bias to be 1-dimensional with 2 elements"):
        F.conv_transpose2d(x, w, ae.zeros(3))
    with pytest.raises(RuntimeError, match=r"Input type \(float32\) and weight type \(float64\)"):
        F.conv_transpose2d(x, w.double())
    with pytest.raises(TypeError, match=r"conv_transpose2d\(\): argument 'padding' must be "
                                        "tuple of ints, not str"):
        F.conv_transpose2d(x, w, padding="same")


def test_conv_transpose2d_module_defaults_and_repr():
    ae.manual_seed(0)
    conv = nn.ConvTranspose2d(8, 32, 3, groups=2)
    bound = 1 / math.sqrt(16 * 9)  # fan_in = weight.shape[1] * kH * kW = (out / groups) * 9
    assert conv.weight.shape == (8, 16, 3, 3) and conv.weight.dtype == np.float32
    assert conv.bias.shape == (32,)
    assert np.abs(conv.weight.data).max() <= bound
    assert abs(conv.weight.data.std() - bound / math.sqrt(3)) < 0.01
    assert np.abs(conv.bias.data).max() <= bound
    assert np.abs(conv.bias.data).max() > 0.5 * bound
    assert repr(nn.ConvTranspose2d(4, 6, (3, 2))) == (
        "ConvTranspose2d(4, 6, kernel_size=(3, 2), stride=(1, 1))")
    other = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2,
                               bias=False, dilation=2)
    assert repr(other) == ("ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), "
                           "padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2, "
                           "bias=False)")
    assert other.bias is None
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.ConvTranspose2d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
        nn.ConvTranspose2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                         'ConvTranspose2d'):
        nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect")


def test_conv_transpose2d_module_forward_and_output_size():
    conv = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    x = ae.tensor(np.random.default_rng(4).standard_normal((1, 2, 4, 5)), requires_grad=True)
    assert conv(x).shape == (1, 3, 7, 9)
    assert conv(x, output_size=(8, 10)).shape == (1, 3, 8, 10)
    assert conv(x, output_size=[1, 3, 8, 9]).shape == (1, 3, 8, 9)
    assert conv(x[0], output_size=(3, 7, 10)).shape == (3, 7, 10)
    expected = _naive_conv_transpose2d(x.detach().numpy(), conv.weight.detach().numpy(),
                                       conv.bias.detach().numpy(), 2, 1, (1, 0))
    np.testing.assert_allclose(conv(x, output_size=(8, 9)).detach().numpy(), expected,
                               rtol=1e-12, atol=1e-12)
    conv(x).sum().backward()
    assert x.grad.shape == x.shape and conv.weight.grad.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(conv.bias.grad.numpy(), [63.0] * 3)
    with pytest.raises(ValueError, match=r"requested an output size of \[9, 9\], but valid "
                                         r"sizes range from \[7, 9\] to \[8, 10\]"):
        conv(x, output_size=(9, 9))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        conv(x, output_size=(1, 8, 9))


@pytest.mark.parametrize("x_shape,kwargs", [
    ((2, 4, 3, 4), dict(in_channels=4, out_channels=6, kernel_size=3, stride=2, padding=1,
                        output_padding=1, groups=2)),
    ((1, 3, 4, 3), dict(in_channels=3, out_channels=2, kernel_size=(2, 3), stride=(1, 2),
                        padding=(2, 0), output_padding=(2, 1), dilation=(3, 1))),
    ((2, 5, 5), dict(in_channels=2, out_channels=3, kernel_size=2, bias=False)),
])
def test_conv_transpose2d_parity_with_torch(x_shape, kwargs):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    reference = torch.nn.ConvTranspose2d(**kwargs).double()
    ours = nn.ConvTranspose2d(**kwargs).double()
    assert ours.weight.shape == tuple(reference.weight.shape)
    ours.weight.data[...] = reference.weight.detach().numpy()
    if ours.bias is not None:
        ours.bias.data[...] = reference.bias.detach().numpy()
    assert repr(ours) == repr(reference)
    x = np.random.default_rng(5).standard_normal(x_shape)
    tx = torch.tensor(x, requires_grad=True)
    ax = ae.tensor(x, requires_grad=True)
    ty, ay = reference(tx), ours(ax)
    np.testing.assert_allclose(ay.detach().numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(6).standard_normal(ty.shape)
    # first order and, through create_graph, a second-order quantity of every input
    t_params = [tx] + list(reference.parameters())
    a_params = [ax] + list(ours.parameters())
    t_grads = torch.autograd.grad(ty, t_params, torch.tensor(g), create_graph=True)
    a_grads = ae.autograd.grad(ay, a_params, ae.tensor(g), create_graph=True)
    for tg, ag in zip(t_grads, a_grads):
        np.testing.assert_allclose(ag.detach().numpy(), tg.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)
    t_second = torch.autograd.grad(sum((tg ** 2).sum() for tg in t_grads), t_params,
                                   allow_unused=True)
    a_second = ae.autograd.grad(sum((ag ** 2).sum() for ag in a_grads), a_params,
                                allow_unused=True)
    for tg, ag in zip(t_second, a_second):
        if tg is None:
            assert ag is None or not np.any(ag.numpy())
        else:
            np.testing.assert_allclose(ag.numpy(), tg.numpy(), rtol=1e-10, atol=1e-12)


def test_default_init_distribution_matches_torch_bounds():
    torch = pytest.importorskip("torch")
    reference = torch.nn.ConvTranspose2d(6, 8, (3, 2), groups=2)
    ours = nn.ConvTranspose2d(6, 8, (3, 2), groups=2)
    fan_in = torch.nn.init._calculate_fan_in_and_fan_out(reference.weight)[0]
    assert fan_in == 4 * 3 * 2
    bound = 1 / math.sqrt(fan_in)
    for p in (ours.weight, ours.bias):
        assert np.abs(p.data).max() <= bound
    assert reference.weight.abs().max().item() <= bound
