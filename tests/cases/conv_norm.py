"""Cases for ops/conv.py and ops/norm.py: conv2d on small images (strides, padding, dilation,
groups, unbatched), the transposed and weight-gradient products called directly, pooling
windows without ties, batch norm on (N, C) / (N, C, L) and layer norm over one or two
trailing dims."""
import autograd_engine.nn.functional as F
from autograd_engine.ops.conv import Convolution, ConvolutionBackwardWeight, Geometry

from . import Case, rand

_UNIT = Geometry((1, 1), (1, 1), (1, 1), 1)


def _conv(x_shape, w_shape, bias=True, label="", **kwargs):
    def inputs():
        tensors = (rand(*x_shape, seed=21), rand(*w_shape, seed=22))
        return tensors + ((rand(w_shape[0], seed=23),) if bias else ())
    return Case(lambda *t: F.conv2d(*t, **kwargs), inputs, label=label)


def _pool(x_shape, label, **kwargs):
    # Distinct values spaced far beyond gradcheck's eps: no window has a tie.
    return Case(lambda x: F.max_pool2d(x, **kwargs), lambda: (rand(*x_shape, seed=24),),
                label=label)


CASES = {
    "Convolution": [
        _conv((1, 2, 5, 5), (3, 2, 3, 3), label="3x3"),
        _conv((2, 2, 5, 4), (2, 2, 2, 3), label="stride,pad,dilation", stride=(2, 1),
              padding=(1, 2), dilation=(1, 2)),
        _conv((1, 4, 4, 4), (4, 2, 3, 1), bias=False, label="groups=2", groups=2, padding=1),
        _conv((2, 4, 4), (2, 2, 2, 2), label="unbatched"),
        _conv((1, 1, 1, 1), (1, 1, 1, 1), label="1x1"),
        _conv((1, 2, 4, 5), (2, 2, 2, 3), label="same, even kernel", padding="same",
              dilation=(1, 2)),
        Case(lambda g, w: Convolution.apply(g, w, None, _UNIT, (4, 4), True),
             lambda: (rand(1, 2, 4, 4, seed=25), rand(2, 3, 3, 3, seed=26)),
             label="transposed, 2-D"),
    ],
    "ConvolutionBackwardWeight": [Case(
        lambda x, g: ConvolutionBackwardWeight.apply(x, g, (3, 3), _UNIT, None),
        lambda: (rand(1, 3, 4, 4, seed=27), rand(1, 2, 4, 4, seed=28)),
        label="weight grad, 2-D")],
    "MaxPool2d": [
        _pool((1, 2, 5, 5), "3x3 s2", kernel_size=3, stride=2),
        _pool((2, 1, 5, 6), "pad,dilation,ceil", kernel_size=(2, 3), stride=(2, 1),
              padding=(1, 1), dilation=(2, 1), ceil_mode=True),
        _pool((2, 4, 4), "unbatched", kernel_size=2),
    ],
    "BatchNorm": [
        Case(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
             lambda: (rand(4, 3, seed=29), rand(3, seed=30), rand(3, seed=31)), label="(N, C)"),
        Case(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
             lambda: (rand(3, 2, 4, seed=32), rand(2, seed=33), rand(2, seed=34)),
             label="(N, C, L)"),
        Case(lambda x: F.batch_norm(x, None, None, training=True),
             lambda: (rand(2, 3, 2, seed=35),), label="no affine"),
    ],
    "LayerNorm": [
        Case(lambda x, w, b: F.layer_norm(x, (4,), w, b),
             lambda: (rand(3, 4, seed=36), rand(4, seed=37), rand(4, seed=38)), label="last dim"),
        Case(lambda x, w, b: F.layer_norm(x, (2, 3), w, b),
             lambda: (rand(2, 2, 3, seed=39), rand(2, 3, seed=40), rand(2, 3, seed=41)),
             label="two dims"),
        Case(lambda x: F.layer_norm(x, (5,)), lambda: (rand(5, seed=42),), label="1-d, no affine"),
    ],
    "Unfold": [
        Case(lambda x: F.unfold(x, (2, 3), padding=1, stride=(2, 1)),
             lambda: (rand(2, 2, 4, 5, seed=43),), label="padded, strided"),
        Case(lambda x: F.unfold(x, 2, dilation=2), lambda: (rand(1, 5, 5, seed=44),),
             label="unbatched, dilated"),
    ],
    "Fold": [
        Case(lambda c: F.fold(c, (4, 5), (2, 3), padding=1, stride=(2, 1)),
             lambda: (rand(2, 12, 15, seed=45),), label="padded, strided"),
        Case(lambda c: F.fold(c, 4, 2), lambda: (rand(8, 9, seed=46),), label="unbatched"),
    ],
}

COVERED = {"MaxPool2dBackward": "MaxPool2d"}
