"""One autograd node for every convolution, as PyTorch: conv1d/2d/3d and
conv_transpose1d/2d/3d, with or without bias, 'same' padding or an output_padding past the
stride, record ``ConvolutionBackward0`` (torch 2.13's name, written out); a transposed one's
input gradient is the (cropped) convolution."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F

# (function name, input shape, weight shape, bias size or None, keyword arguments)
CALLS = [
    ("conv1d", (2, 4, 7), (6, 2, 3), 6, dict(stride=2, padding=1, dilation=2, groups=2)),
    ("conv1d", (1, 3, 6), (2, 3, 4), None, dict(padding="same")),
    ("conv2d", (2, 3, 5, 6), (4, 3, 3, 2), 4, dict(stride=(2, 1), padding=1)),
    ("conv2d", (1, 2, 4, 5), (2, 2, 2, 3), None, dict(padding="same", dilation=(1, 2))),
    ("conv3d", (1, 2, 3, 4, 3), (2, 2, 2, 3, 2), 2, {}),
    ("conv3d", (1, 4, 4, 3, 5), (2, 2, 2, 1, 3), None, dict(padding="same", groups=2)),
    ("conv_transpose1d", (2, 2, 4), (2, 3, 3), 3, dict(stride=2, padding=1, output_padding=1)),
    ("conv_transpose1d", (1, 2, 3), (2, 1, 2), None, dict(output_padding=1, dilation=2)),
    ("conv_transpose2d", (1, 4, 3, 4), (4, 3, 2, 3), 6, dict(stride=2, output_padding=1,
                                                             groups=2)),
    ("conv_transpose2d", (1, 3, 4, 3), (3, 2, 2, 2), None, dict(padding=2, dilation=3,
                                                                output_padding=2)),
    ("conv_transpose3d", (1, 2, 2, 3, 2), (2, 2, 2, 2, 3), 2, dict(stride=(2, 1, 2),
                                                                  output_padding=(1, 0, 0))),
    ("conv_transpose3d", (1, 2, 2, 2, 2), (2, 1, 2, 2, 2), None, dict(output_padding=(1, 0, 1),
                                                                     dilation=(2, 1, 2))),
]


def call(module, name, x_shape, w_shape, bias, kwargs, rng):
    """``module.name`` on random float64 tensors that require grad: (output, inputs)."""
    def make(*shape):
        return module.tensor(rng.standard_normal(shape), requires_grad=True)
    inputs = (make(*x_shape), make(*w_shape)) + ((make(bias),) if bias else ())
    return getattr(module.nn.functional, name)(*inputs, **kwargs), inputs


@pytest.mark.parametrize("name,x_shape,w_shape,bias,kwargs", CALLS)
def test_every_convolution_records_convolution_backward0(name, x_shape, w_shape, bias, kwargs):
    out, _ = call(ae, name, x_shape, w_shape, bias, kwargs, np.random.default_rng(0))
    assert out.grad_fn.name() == "ConvolutionBackward0"


@pytest.mark.parametrize("name,x_shape,w_shape,bias,kwargs",
                         [c for c in CALLS if c[0].startswith("conv_transpose")])
def test_transposed_input_gradient_is_the_convolution(name, x_shape, w_shape, bias, kwargs):
    # <conv_t(x, w), g> = <x, conv(g, w)>, conv's positions past x's size dropped (there are
    # some when output_padding is past the stride: the node's conv takes x's size as its own).
    out, (x, w, *_) = call(ae, name, x_shape, w_shape, bias, kwargs, np.random.default_rng(1))
    g = ae.tensor(np.random.default_rng(2).standard_normal(out.shape))
    (gx,) = ae.autograd.grad(out, (x,), g, create_graph=True)
    assert gx.shape == x.shape
    geometry = {k: v for k, v in kwargs.items() if k != "output_padding"}
    full = getattr(F, name.replace("_transpose", ""))(g, w, **geometry)
    np.testing.assert_allclose(gx.data, full.data[(...,) + tuple(
        slice(0, n) for n in x.shape[2:])], rtol=1e-12, atol=1e-12)
