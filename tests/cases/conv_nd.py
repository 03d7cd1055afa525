"""Cases for the 1-D and 3-D convolutions (ops/conv.py with conv_nd.py's im2col per rank:
strides, padding, dilation, groups, unbatched, 'same', transposed) and ops/pool_nd.py: 3-D and
adaptive max pooling (PlaneGather) without ties, and average and LP pooling."""
import autograd_engine.nn.functional as F
from autograd_engine.ops.conv import Convolution, ConvolutionBackwardWeight, Geometry

from . import Case, positive, rand

_UNIT = Geometry((1, 1, 1), (1, 1, 1), (1, 1, 1), 1)


def _conv(function, x_shape, w_shape, bias=True, label="", **kwargs):
    def inputs():
        tensors = (rand(*x_shape, seed=61), rand(*w_shape, seed=62))
        channels = w_shape[1] * kwargs.get("groups", 1) if "transpose" in label else w_shape[0]
        return tensors + ((rand(channels, seed=63),) if bias else ())
    return Case(lambda *t: function(*t, **kwargs), inputs, label=label)


def _one(function, x_shape, label, make=rand, **kwargs):
    # rand's values are distinct and spaced far beyond gradcheck's eps: no window has a tie
    return Case(lambda x: function(x, **kwargs), lambda: (make(*x_shape, seed=64),), label=label)


CASES = {
    "Convolution": [
        _conv(F.conv3d, (1, 2, 3, 4, 3), (2, 2, 2, 3, 2), label="2x3x2"),
        _conv(F.conv3d, (2, 4, 4, 3, 5), (2, 2, 2, 1, 3), label="stride,pad,dilation,groups",
              stride=(2, 1, 2), padding=(1, 0, 2), dilation=(1, 1, 2), groups=2),
        _conv(F.conv3d, (2, 3, 3, 3), (2, 2, 2, 2, 2), bias=False, label="unbatched, same",
              padding="same"),
        _conv(F.conv_transpose3d, (1, 2, 2, 3, 2), (2, 2, 2, 2, 3), label="transpose",
              stride=(2, 1, 2), padding=(1, 0, 1), output_padding=(1, 0, 0)),
        _conv(F.conv_transpose3d, (1, 2, 2, 2, 2), (2, 1, 2, 2, 2), bias=False,
              label="transpose, output_padding >= stride", output_padding=(1, 0, 1),
              dilation=(2, 1, 2)),
        Case(lambda g, w: Convolution.apply(g, w, None, _UNIT, (3, 4, 3), True),
             lambda: (rand(1, 2, 4, 5, 4, seed=65), rand(2, 3, 2, 2, 2, seed=66)),
             label="transposed, 3-D"),
        _conv(F.conv1d, (2, 4, 7), (6, 2, 3), label="conv1d stride,pad,dilation,groups",
              stride=2, padding=1, dilation=2, groups=2),
        _conv(F.conv1d, (3, 6), (2, 3, 4), bias=False, label="conv1d unbatched, same",
              padding="same"),
        _conv(F.conv_transpose1d, (2, 2, 4), (2, 3, 3), label="conv_transpose1d",
              stride=2, padding=1, output_padding=1),
        _conv(F.conv_transpose1d, (1, 2, 3), (2, 1, 2), bias=False,
              label="conv_transpose1d, output_padding >= stride", output_padding=1, dilation=2),
    ],
    "ConvolutionBackwardWeight": [Case(
        lambda x, g: ConvolutionBackwardWeight.apply(x, g, (2, 2, 2), _UNIT, None),
        lambda: (rand(1, 3, 3, 3, 4, seed=67), rand(1, 2, 4, 4, 5, seed=68)),
        label="weight grad, 3-D")],
    "MaxPool2d": [  # max_pool1d runs max_pool2d on a unit height
        _one(F.max_pool1d, (2, 3, 9), "max_pool1d pad,dilation,ceil", kernel_size=3,
             stride=2, padding=1, dilation=2, ceil_mode=True),
    ],
    "PlaneGather": [
        _one(F.max_pool3d, (1, 2, 4, 5, 4), "max_pool3d", kernel_size=2, stride=(2, 1, 2)),
        _one(F.max_pool3d, (2, 3, 4, 5), "max_pool3d unbatched, pad,dilation,ceil",
             kernel_size=(2, 3, 2), stride=2, padding=(1, 1, 0), dilation=(1, 1, 2),
             ceil_mode=True),
        _one(F.adaptive_max_pool3d, (1, 2, 5, 4, 6), "adaptive_max_pool3d",
             output_size=(3, 2, 4)),
        _one(F.adaptive_max_pool1d, (2, 7), "adaptive_max_pool1d (2-D's gather)",
             output_size=3),
    ],
}

# Pooling built of registered ops (the matmul, pow, ...): checked here as compositions.
CASES["MatMul"] = [
    _one(F.avg_pool3d, (1, 2, 4, 5, 3), "avg_pool3d count_include_pad=False, ceil",
         kernel_size=(2, 3, 2), stride=(2, 2, 1), padding=1, ceil_mode=True,
         count_include_pad=False),
    _one(F.avg_pool3d, (2, 3, 3, 4), "avg_pool3d unbatched, divisor_override",
         kernel_size=2, stride=1, divisor_override=3),
    _one(F.adaptive_avg_pool3d, (1, 2, 5, 3, 4), "adaptive_avg_pool3d", output_size=(2, 3, 3)),
    _one(F.avg_pool1d, (2, 2, 7), "avg_pool1d", kernel_size=3, stride=2, padding=1),
    _one(F.adaptive_avg_pool1d, (2, 2, 7), "adaptive_avg_pool1d", output_size=3),
    _one(F.lp_pool1d, (1, 2, 7), "lp_pool1d p=2", make=positive, norm_type=2, kernel_size=3,
         stride=2),
    _one(F.lp_pool2d, (1, 2, 4, 5), "lp_pool2d p=1.5, ceil", make=positive, norm_type=1.5,
         kernel_size=2, ceil_mode=True),
    _one(F.lp_pool3d, (1, 1, 4, 4, 4), "lp_pool3d p=3", make=positive, norm_type=3,
         kernel_size=(2, 2, 3), stride=(2, 1, 1)),
]


def _unpool3d_indices():
    return F.max_pool3d(rand(1, 2, 4, 4, 5, seed=69), 2, return_indices=True)[1]


CASES["SetItem"] = [
    Case(lambda x: F.max_unpool3d(x, _unpool3d_indices(), 2, output_size=(4, 4, 5)),
         lambda: (rand(1, 2, 2, 2, 2, seed=70),), label="max_unpool3d"),
    Case(lambda x: F.max_unpool1d(x, F.max_pool1d(rand(2, 6, seed=71), 2,
                                                  return_indices=True)[1], 2),
         lambda: (rand(2, 3, seed=72),), label="max_unpool1d"),
]
