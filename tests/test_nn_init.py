"""nn.init: gains and fans (values from PyTorch 2.13), distribution bounds and statistics,
in-place semantics and reproducibility."""
import math

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.nn import init
from autograd_engine.nn.init import _calculate_fan_in_and_fan_out


@pytest.mark.parametrize("name,param,expected", [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 1.6666666666666667), ("relu", None, 1.4142135623730951),
    ("leaky_relu", None, 1.4141428569978354), ("leaky_relu", 0.2, 1.3867504905630728),
    ("leaky_relu", math.sqrt(5), 0.5773502691896257), ("selu", None, 0.75)])
def test_calculate_gain_matches_torch(name, param, expected):
    assert init.calculate_gain(name, param) == pytest.approx(expected, rel=1e-15)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    with pytest.raises(ValueError, match="negative_slope x not a valid number"):
        init.calculate_gain("leaky_relu", "x")


@pytest.mark.parametrize("shape,fans", [((3, 4), (4, 3)), ((8, 3, 5, 5), (75, 200)),
                                        ((2, 6, 7), (42, 14))])
def test_fan_in_and_fan_out_match_torch(shape, fans):
    assert _calculate_fan_in_and_fan_out(ae.empty(*shape)) == fans


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        _calculate_fan_in_and_fan_out(ae.empty(3))
    with pytest.raises(ValueError, match=r"Mode fan_x not supported, please use one of "
                                         r"\['fan_in', 'fan_out'\]"):
        init.kaiming_uniform_(ae.empty(3, 4), mode="fan_x")


def _check_uniform(data, bound):
    assert np.abs(data).max() <= bound
    assert np.abs(data).max() > 0.95 * bound
    assert abs(data.std() - bound / math.sqrt(3)) < 0.03 * bound


def _check_normal(data, std):
    assert abs(data.mean()) < 0.03 * std
    assert abs(data.std() - std) < 0.03 * std


def test_xavier():
    ae.manual_seed(0)
    t = ae.empty(300, 200)
    init.xavier_uniform_(t, gain=2.0)
    _check_uniform(t.data, 2.0 * math.sqrt(6 / 500))
    init.xavier_normal_(t)
    _check_normal(t.data, math.sqrt(2 / 500))


def test_kaiming_modes_and_conv_receptive_field():
    ae.manual_seed(0)
    w = ae.empty(64, 16, 5, 5)  # fan_in 400, fan_out 1600
    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    _check_uniform(w.data, math.sqrt(2) * math.sqrt(3 / 1600))
    init.kaiming_normal_(w, a=0.1)
    _check_normal(w.data, math.sqrt(2 / (1 + 0.01)) / math.sqrt(400))
    init.kaiming_normal_(w, mode="FAN_OUT")
    _check_normal(w.data, init.calculate_gain("leaky_relu") / math.sqrt(1600))


def test_uniform_normal_constant_fill_in_place_and_bump_the_version():
    t = ae.zeros(100, 100, requires_grad=True)  # allowed: init runs under no_grad
    data = t.data
    version = t._version
    assert init.uniform_(t, -2.0, 3.0) is t and t.data is data
    assert t.data.min() >= -2.0 and t.data.max() <= 3.0 and t.data.min() < -1.9
    assert t._version == version + 1
    init.normal_(t, 1.0, 0.5)
    _check_normal(t.data - 1.0, 0.5)
    init.constant_(t, 0.25)
    assert np.all(t.data == 0.25)
    init.ones_(t)
    assert np.all(t.data == 1.0)
    init.zeros_(t)
    assert np.all(t.data == 0.0) and t._version == version + 5
    assert t.grad_fn is None and t.dtype == np.float32


def test_reproducible_with_manual_seed_and_explicit_generator():
    ae.manual_seed(3)
    first = init.kaiming_uniform_(ae.empty(4, 5)).data.copy()
    ae.manual_seed(3)
    np.testing.assert_array_equal(init.kaiming_uniform_(ae.empty(4, 5)).data, first)
    a = init.normal_(ae.empty(3), generator=np.random.default_rng(1)).data
    b = init.normal_(ae.empty(3), generator=np.random.default_rng(1)).data
    np.testing.assert_array_equal(a, b)


def test_zero_element_tensor_warns_and_is_a_no_op():
    with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
        init.kaiming_uniform_(ae.empty(0, 3))
