"""The pointwise ops added for PyTorch parity, against values printed by torch 2.x."""
import math

import numpy as np
import pytest

import autograd_engine as ae

INF, NAN = math.inf, math.nan
X = [-INF, -2.0, -1.0, 0.0, 1.0, 2.0, INF, NAN]


def _value_and_grad(name, values, **kwargs):
    x = ae.tensor(values, dtype=np.float64, requires_grad=True)
    y = getattr(ae, name)(x, **kwargs)
    y.sum().backward()
    return y.detach().numpy(), x.grad.numpy()


# (name, values on X, gradients on X) as torch gives them, domain edges included
EDGES = [
    ("erfinv", [NAN, NAN, -INF, 0.0, INF, NAN, NAN, NAN],
     [NAN, NAN, INF, 0.8862269254527579, INF, NAN, NAN, NAN]),
    ("log2", [NAN, NAN, NAN, -INF, 0.0, 1.0, INF, NAN],
     [-0.0, -0.7213475204444817, -1.4426950408889634, INF, 1.4426950408889634,
      0.7213475204444817, 0.0, NAN]),
    ("asin", [NAN, NAN, -1.5707963267948966, 0.0, 1.5707963267948966, NAN, NAN, NAN],
     [NAN, NAN, INF, 1.0, INF, NAN, NAN, NAN]),
    ("acosh", [NAN, NAN, NAN, NAN, 0.0, 1.3169578969248166, INF, NAN],
     [0.0, 0.5773502691896258, INF, NAN, INF, 0.5773502691896258, 0.0, NAN]),
    ("atanh", [NAN, NAN, -INF, 0.0, INF, NAN, NAN, NAN],
     [-0.0, -0.3333333333333333, INF, 1.0, INF, -0.3333333333333333, -0.0, NAN]),
    ("logit", [NAN, NAN, NAN, -INF, INF, NAN, NAN, NAN],
     [NAN, NAN, NAN, INF, INF, NAN, NAN, NAN]),
    ("erf", [-1.0, -0.9953222650189527, -0.8427007929497149, 0.0, 0.8427007929497149,
             0.9953222650189527, 1.0, NAN],
     [0.0, 0.020666985354092053, 0.4151074974205947, 1.1283791670955126, 0.4151074974205947,
      0.020666985354092053, 0.0, NAN]),
    ("nan_to_num", [-1.7976931348623157e308, -2.0, -1.0, 0.0, 1.0, 2.0, 1.7976931348623157e308,
                    0.0], [0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]),
]


@pytest.mark.parametrize("name,values,grads", EDGES, ids=[e[0] for e in EDGES])
def test_values_and_gradients_at_domain_edges(name, values, grads):
    y, g = _value_and_grad(name, X)
    np.testing.assert_allclose(y, values, rtol=1e-12)
    np.testing.assert_allclose(g, grads, rtol=1e-12)


def test_erfinv_inside_the_domain():
    y = ae.erfinv(ae.tensor([0.5, -0.9, 0.999], dtype=np.float64))
    np.testing.assert_allclose(y.numpy(), [0.4769362762044699, -1.1630871536766743,
                                           2.3267537655135246], rtol=1e-12)


def test_logit_eps_clamps_and_zeroes_the_gradient_outside():
    y, g = _value_and_grad("logit", [0.0, 0.1, 0.5, 0.9, 1.0], eps=0.25)
    np.testing.assert_allclose(y, [-1.0986122886681098] * 2 + [0.0] + [1.0986122886681098] * 2)
    np.testing.assert_allclose(g, [0.0, 0.0, 4.0, 0.0, 0.0])


def _binary_grads(name, a, b):
    a = ae.tensor(a, dtype=np.float64, requires_grad=True)
    b = ae.tensor(b, dtype=np.float64, requires_grad=True)
    y = getattr(ae, name)(a, b)
    y.sum().backward()
    return y.detach().numpy(), a.grad.numpy(), b.grad.numpy()


def test_binary_edges():
    y, da, db = _binary_grads("atan2", [0.0, 0.0, 1.0, -1.0, 0.0], [0.0, -0.0, 0.0, 0.0, 1.0])
    np.testing.assert_allclose(y, [0.0, math.pi, math.pi / 2, -math.pi / 2, 0.0])
    np.testing.assert_array_equal(da, [0.0, 0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(db, [0.0, 0.0, -1.0, 1.0, 0.0])
    y, da, db = _binary_grads("logaddexp", [-INF, INF, 1.0, -INF, INF], [-INF, INF, 2.0, 1.0, -INF])
    np.testing.assert_allclose(y, [-INF, INF, 2.313261687518223, 1.0, INF])
    np.testing.assert_allclose(da, [NAN, NAN, 0.2689414213699951, 0.0, 1.0])
    np.testing.assert_allclose(db, [NAN, NAN, 0.7310585786300049, 1.0, 0.0])
    y, da, db = _binary_grads("xlogy", [0.0, 0.0, 1.0, 2.0, NAN, 0.0],
                              [0.0, 2.0, 0.0, NAN, 1.0, -1.0])
    np.testing.assert_allclose(y, [0.0, 0.0, -INF, NAN, NAN, 0.0])
    np.testing.assert_allclose(da, [0.0, 0.6931471805599453, -INF, NAN, 0.0, 0.0])
    np.testing.assert_allclose(db, [NAN, 0.0, INF, NAN, NAN, -0.0])
    y, da, db = _binary_grads("hypot", [0.0, 3.0, INF, NAN], [0.0, 4.0, NAN, INF])
    np.testing.assert_allclose(y, [0.0, 5.0, INF, INF])
    np.testing.assert_allclose(da, [NAN, 0.6, NAN, NAN])


def test_classification_and_dtypes():
    x = ae.tensor([1.0, NAN, INF, -INF])
    assert x.isnan().tolist() == [False, True, False, False]
    assert ae.isinf(x).tolist() == [False, False, True, True]
    assert x.isfinite().tolist() == [True, False, False, False]
    assert ae.isposinf(x).tolist() == [False, False, True, False]
    assert x.isneginf().tolist() == [False, False, False, True]
    assert ae.isfinite(ae.tensor([1, 2])).tolist() == [True, True]
    assert ae.erf(ae.tensor([1, 0])).dtype == np.float32
    assert ae.atan2(ae.tensor([1, 2]), ae.tensor([3, 1])).dtype == np.float32
    assert ae.nan_to_num(ae.tensor([1, 2])).dtype == np.int64
    assert ae.nan_to_num(ae.tensor([NAN, INF, -INF]), nan=1.0, posinf=2.0,
                         neginf=-3.0).tolist() == [1.0, 2.0, -3.0]
    with pytest.raises(RuntimeError, match="not implemented"):
        ae.hypot(ae.tensor([1, 2]), ae.tensor([3, 1]))


def test_clamp_aliases_where_method_and_logic():
    assert ae.clamp_min(ae.tensor([1, 5]), 3).tolist() == [3, 5]
    assert ae.tensor([1.0, 5.0]).clamp_max(3).tolist() == [1.0, 3.0]
    assert ae.tensor([1.0, 0.0]).where(ae.tensor([True, False]), 5.0).tolist() == [1.0, 5.0]
    assert ae.logical_xor(ae.tensor([1.0, 0.0]), ae.tensor([1, 1])).tolist() == [False, True]
    assert ae.tensor([1, 0]).logical_not().tolist() == [False, True]
    assert ae.tensor([True, False]).logical_and(ae.tensor([True, True])).tolist() == [True, False]


def test_operators():
    t = ae.tensor([1.0, 2.0])
    assert (t == None) is False and (t != None) is True  # noqa: E711
    assert 1.0 in t and 3 not in t
    i = ae.tensor([1, 2])
    assert (i & ae.tensor([3, 1])).tolist() == [1, 0]
    assert (ae.tensor([5, 2]) ^ 3).tolist() == [6, 1] and (3 ^ ae.tensor([5, 2])).tolist() == [6, 1]
    assert (~ae.tensor([5, 2])).tolist() == [-6, -3]
    assert (i << 2).tolist() == [4, 8] and (2 << i).tolist() == [4, 8]
    assert (ae.tensor([8, -8]) >> 1).tolist() == [4, -4]
    assert (ae.tensor([True, False]) ^ ae.tensor([True, True])).tolist() == [False, True]
    with pytest.raises(RuntimeError, match="bitwise_and"):
        t & t
    with pytest.raises(TypeError, match="invert"):
        ~t
    with pytest.raises(RuntimeError, match="lshift"):
        t << 1


def test_div_rounding_mode():
    assert ae.div(ae.tensor([-3.0, 3.0]), 2, rounding_mode="floor").tolist() == [-2.0, 1.0]
    assert ae.tensor([-3, 3]).div(2, rounding_mode="trunc").tolist() == [-1, 1]
    assert ae.div(ae.tensor([-3, 3]), 2, rounding_mode="floor").tolist() == [-2, 1]
    assert ae.div(ae.tensor([1.0, -1.0]), 0, rounding_mode="trunc").tolist() == [INF, -INF]
    a = ae.tensor([-3.0, 3.0], requires_grad=True)
    ae.div(a, 2.0, rounding_mode="trunc").sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]
    with pytest.raises(RuntimeError, match="rounding_mode"):
        ae.div(ae.tensor([1.0]), 2, rounding_mode="bad")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        ae.div(ae.tensor([1, 2]), 0, rounding_mode="trunc")
