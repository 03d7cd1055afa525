"""F.normalize, F.cosine_similarity, F.pairwise_distance and their modules: values and
gradients as PyTorch 2.13 (zero vectors included), second order, broadcasting."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradgradcheck


def _pair():
    x = ae.tensor([[1.0, 2.0, 2.0], [0.0, 0.0, 0.0], [3.0, -4.0, 0.0]], dtype=ae.float64,
                  requires_grad=True)
    y = ae.tensor([[2.0, 1.0, 2.0], [1.0, 0.0, 0.0], [-3.0, 4.0, 1e-9]], dtype=ae.float64,
                  requires_grad=True)
    return x, y


def test_normalize_matches_pytorch():
    x, _ = _pair()
    np.testing.assert_allclose(F.normalize(x, dim=1).detach().numpy(), [
        [1 / 3, 2 / 3, 2 / 3], [0, 0, 0], [0.6, -0.8, 0]], rtol=1e-15)
    np.testing.assert_allclose(F.normalize(x, p=1, dim=0).detach().numpy(), [
        [0.25, 1 / 3, 1.0], [0, 0, 0], [0.75, -2 / 3, 0]], rtol=1e-15)


def test_cosine_similarity_values_and_gradients_as_pytorch():
    # torch 2.13: cosine_similarity(x, y, dim=1), then .sum().backward()
    x, y = _pair()
    c = F.cosine_similarity(x, y, dim=1)
    np.testing.assert_allclose(c.detach().numpy(), [0.8888888888888888, 0.0, -1.0])
    c.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [
        [0.12345679012345678, -0.08641975308641975, 0.024691358024691357],
        [100000000.0, 0.0, 0.0], [0.0, 0.0, 4.0000000000000004e-11]], atol=1e-15, rtol=1e-9)
    np.testing.assert_allclose(y.grad.numpy(), [
        [-0.08641975308641975, 0.12345679012345678, 0.024691358024691357],
        [0.0, 0.0, 0.0], [0.0, 0.0, 4.0000000000000004e-11]], atol=1e-15, rtol=1e-9)
    assert nn.CosineSimilarity(dim=0)(x[0], y[0]).item() == pytest.approx(0.8888888888888888)
    assert F.cosine_similarity(ae.ones(4, 3), ae.ones(3)).shape == (4,)  # broadcasting
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        F.cosine_similarity(ae.zeros(2, 3), ae.zeros(3, 3))
    u = ae.randn(3, 4, dtype=ae.float64, requires_grad=True)
    v = ae.randn(3, 4, dtype=ae.float64, requires_grad=True)
    assert gradgradcheck(lambda u, v: F.cosine_similarity(u, v), (u, v))


def test_pairwise_distance_values_and_gradients_as_pytorch():
    x, y = _pair()
    d = F.pairwise_distance(x, y)
    np.testing.assert_allclose(d.detach().numpy(), [1.4142135623741556, 0.999999000001,
                                                    9.999999800000147], rtol=1e-14)
    d.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [
        [-0.707106074079236, 0.7071074882927983, 7.071067811860172e-07],
        [-0.999999999999, 1.000001e-06, 1.000001e-06],
        [0.6000001119999935, -0.7999999159999865, 9.990000199799856e-08]], rtol=1e-9)
    np.testing.assert_allclose(nn.PairwiseDistance(p=1, keepdim=True)(x, y).detach().numpy(),
                               [[2.000001], [1.000001], [14.000000999]], rtol=1e-12)
    assert repr(nn.CosineSimilarity()) == "CosineSimilarity()"
    assert repr(nn.PairwiseDistance()) == "PairwiseDistance()"
