"""float16 through the ops that run Numba kernels (compiled for float32 and float64):
convolution (every route), cross-entropy, batch and layer norm, the embedding gradient and
max pooling compute in float32 and round once, as PyTorch's CPU kernels do; so a float16
result is the float32 result, on the same float16 inputs, rounded to float16."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F

RNG = np.random.default_rng(11)
TARGET = np.array([0, 1, 2, 3, 4, 0])
INDEX = np.array([[1, 2, 1], [0, 4, 1]])
CLASS_WEIGHT = np.array([0.5, 1.0, 2.0, 0.25, 1.5], np.float16)

# name -> (input shapes, function of the tensors)
CASES = {
    # (no bias: its gradient is a plain float16 sum, not a kernel)
    "conv2d": ([(2, 3, 6, 6), (4, 3, 3, 3)], lambda x, w: F.conv2d(x, w, padding=1)),
    "conv2d stride 2": ([(2, 3, 7, 7), (4, 3, 3, 3)], lambda x, w: F.conv2d(x, w, stride=2)),
    "depthwise": ([(2, 3, 6, 6), (6, 1, 3, 3)], lambda x, w: F.conv2d(x, w, padding=1,
                                                                       groups=3)),
    "conv_transpose2d": ([(2, 3, 4, 4), (3, 2, 3, 3)],
                         lambda x, w: F.conv_transpose2d(x, w, stride=2)),
    "cross_entropy": ([(6, 5)], lambda x: F.cross_entropy(x, ae.tensor(TARGET),
                                                          label_smoothing=0.1)),
    "cross_entropy none": ([(6, 5)], lambda x: F.cross_entropy(
        x, ae.tensor(TARGET), weight=ae.tensor(CLASS_WEIGHT, dtype=x.dtype),
        reduction="none")),
    "layer_norm": ([(4, 6), (6,), (6,)], lambda x, w, b: F.layer_norm(x, (6,), w, b)),
    "batch_norm": ([(8, 3, 4), (3,), (3,)],
                   lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)),
    "embedding": ([(5, 3)], lambda w: F.embedding(ae.tensor(INDEX), w)),
    "embedding by frequency": ([(5, 3)], lambda w: F.embedding(ae.tensor(INDEX), w,
                                                               scale_grad_by_freq=True)),
}


def _run(fn, arrays, dtype):
    inputs = [ae.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = fn(*inputs)
    g = np.cos(np.arange(out.numel())).reshape(out.shape).astype(np.float16)
    out.backward(ae.tensor(g, dtype=dtype))
    return [out.detach().numpy()] + [t.grad.numpy() for t in inputs]


@pytest.mark.parametrize("name", list(CASES))
def test_float16_is_float32_rounded_once(name):
    shapes, fn = CASES[name]
    arrays = [RNG.standard_normal(s).astype(np.float16) for s in shapes]
    half, single = _run(fn, arrays, ae.float16), _run(fn, arrays, ae.float32)
    for h, s in zip(half, single):
        assert h.dtype == np.float16
        np.testing.assert_array_equal(h, s.astype(np.float16))


def test_float16_double_backward_keeps_float16():
    x = ae.tensor(RNG.standard_normal((2, 3, 5, 5)), dtype=ae.float16, requires_grad=True)
    w = ae.tensor(RNG.standard_normal((4, 3, 3, 3)), dtype=ae.float16, requires_grad=True)
    gx, = ae.autograd.grad(F.conv2d(x, w).sum(), [x], create_graph=True)
    gw, = ae.autograd.grad((gx * gx).sum(), [w])
    assert gx.dtype == gw.dtype == ae.float16
