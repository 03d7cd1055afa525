"""nn.utils: clip_grad_norm_ (numbers from PyTorch 2.13) and clip_grad_value_."""
import math

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.nn.module import Parameter
from autograd_engine.nn.utils import clip_grad_norm_, clip_grad_value_


def _params():
    p1, p2 = Parameter(ae.zeros(3)), Parameter(ae.zeros(2, 2))
    p1.grad = ae.tensor([3.0, -4.0, 1.0])
    p2.grad = ae.tensor([[0.5, -2.0], [1.0, 2.0]])
    return p1, p2


@pytest.mark.parametrize("norm_type,total,g1", [
    (2.0, 5.9372, [0.7579366564750671, -1.0105822086334229, 0.2526455521583557]),
    (1.0, 13.5, [0.3333333134651184, -0.4444444179534912, 0.1111111044883728]),
    (math.inf, 4.0, [1.124999761581421, -1.4999996423721313, 0.37499991059303284]),
    (3.0, 4.7787, [0.9416821002960205, -1.2555761337280273, 0.31389403343200684])])
def test_clip_grad_norm_matches_torch(norm_type, total, g1):
    p1, p2 = _params()
    grad2 = p2.grad
    norm = clip_grad_norm_([p1, p2], 1.5, norm_type=norm_type)
    assert norm.shape == () and norm.dtype == np.float32
    assert norm.item() == pytest.approx(total, rel=1e-4)
    np.testing.assert_allclose(p1.grad.data, g1, rtol=1e-6)
    coef = 1.5 / (norm.item() + 1e-6)
    np.testing.assert_allclose(p2.grad.data, np.array([[0.5, -2.0], [1.0, 2.0]]) * coef,
                               rtol=1e-6)
    assert p2.grad is grad2  # modified in place


def test_clip_grad_norm_hand_computed_and_no_clip_below_max():
    p1, p2 = _params()
    expected = math.sqrt(9 + 16 + 1 + 0.25 + 4 + 1 + 4)
    norm = clip_grad_norm_(iter([p1, p2]), 100.0)
    assert norm.item() == pytest.approx(expected, rel=1e-6)
    np.testing.assert_array_equal(p1.grad.data, [3.0, -4.0, 1.0])
    single = clip_grad_norm_(p1, 1.0)  # a single tensor is accepted
    assert single.item() == pytest.approx(math.sqrt(26), rel=1e-6)
    assert np.linalg.norm(p1.grad.data) == pytest.approx(1.0, rel=1e-5)


def test_clip_grad_norm_edge_cases():
    p = Parameter(ae.zeros(2))
    assert clip_grad_norm_([p], 1.0).item() == 0.0  # no grads
    p.grad = ae.tensor([3.0, math.nan])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert math.isnan(clip_grad_norm_(p, 1.0).item())
    q = Parameter(ae.zeros(2, dtype=ae.float64))
    q.grad = ae.tensor([3.0, 4.0], dtype=ae.float64)
    assert clip_grad_norm_(q, 1.0).dtype == np.float64


def test_clip_grad_value():
    p1, p2 = _params()
    assert clip_grad_value_([p1, p2], 2.0) is None
    np.testing.assert_array_equal(p1.grad.data, [2.0, -2.0, 1.0])
    np.testing.assert_array_equal(p2.grad.data, [[0.5, -2.0], [1.0, 2.0]])
    clip_grad_value_(p1, 0.5)
    np.testing.assert_array_equal(p1.grad.data, [0.5, -0.5, 0.5])
