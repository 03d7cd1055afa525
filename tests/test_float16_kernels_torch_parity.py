"""float16 through the kernel-backed ops (convolution, cross-entropy, batch and layer norm,
embedding) against PyTorch live: same dtypes, values and gradients within float16
rounding (both compute in float32; the orders of summation differ)."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
TARGET = np.array([0, 1, 2, 3, 4, 0])
INDEX = np.array([[1, 2, 1], [0, 4, 1]])

# name -> (input shapes, fn(lib, functional, *tensors))
CASES = {
    "conv2d": ([(2, 3, 6, 6), (4, 3, 3, 3), (4,)],
               lambda lib, f, x, w, b: f.conv2d(x, w, b, padding=1)),
    "conv2d stride 2": ([(2, 3, 7, 7), (4, 3, 3, 3)],
                        lambda lib, f, x, w: f.conv2d(x, w, stride=2)),
    "depthwise": ([(2, 3, 6, 6), (3, 1, 3, 3)],
                  lambda lib, f, x, w: f.conv2d(x, w, padding=1, groups=3)),
    "conv_transpose2d": ([(2, 3, 4, 4), (3, 2, 3, 3)],
                         lambda lib, f, x, w: f.conv_transpose2d(x, w, stride=2)),
    "cross_entropy": ([(6, 5)], lambda lib, f, x: f.cross_entropy(
        x, lib.tensor(TARGET), label_smoothing=0.1)),
    "cross_entropy none": ([(6, 5)], lambda lib, f, x: f.cross_entropy(
        x, lib.tensor(TARGET), reduction="none")),
    "layer_norm": ([(4, 6), (6,), (6,)], lambda lib, f, x, w, b: f.layer_norm(x, (6,), w, b)),
    "batch_norm": ([(8, 3, 4), (3,), (3,)],
                   lambda lib, f, x, w, b: f.batch_norm(x, None, None, w, b, training=True)),
    "embedding": ([(5, 3)], lambda lib, f, w: f.embedding(lib.tensor(INDEX), w)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_float16_kernel_ops_match_torch(name):
    shapes, fn = CASES[name]
    rng = np.random.default_rng(12)
    arrays = [rng.standard_normal(s).astype(np.float16) for s in shapes]
    results = []
    for lib, functional in ((ae, F), (torch, TF)):
        inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, functional, *inputs)
        g = np.cos(np.arange(out.numel())).reshape(tuple(out.shape)).astype(np.float16)
        out.backward(lib.tensor(g))
        results.append([out.detach().numpy()] + [t.grad.numpy() for t in inputs])
    for ours, theirs in zip(*results):
        assert ours.dtype == theirs.dtype == np.float16
        scale = max(1.0, float(np.abs(theirs.astype(np.float64)).max()))
        np.testing.assert_allclose(ours.astype(np.float64), theirs.astype(np.float64),
                                   rtol=0, atol=2e-3 * scale)
