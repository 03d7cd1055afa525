"""Scans, order statistics and NaN-aware reductions: expected values taken from PyTorch."""
import numpy as np
import pytest

import autograd_engine as ae

NAN = float("nan")


def _t(values, requires_grad=True):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=requires_grad)


def test_cummax_cummin_take_the_last_tie():
    a = _t([1.0, 3.0, 3.0, 2.0, 3.0, 1.0])
    values, indices = ae.cummax(a, 0)
    assert values.tolist() == [1.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    assert indices.tolist() == [0, 1, 2, 2, 4, 4]
    assert a.cummin(0).indices.tolist() == [0, 0, 0, 0, 0, 5]
    values.sum().backward()
    assert a.grad.tolist() == [1.0, 1.0, 2.0, 0.0, 2.0, 0.0]
    nan = ae.cummax(_t([1.0, NAN, 2.0, NAN]), 0)
    assert nan.indices.tolist() == [0, 1, 1, 3] and np.isnan(nan.values.data[1:]).all()


def test_cumprod_gradient_with_zeros():
    a = _t([0.0, 2.0, 0.0, 3.0])
    assert a.cumprod(0).tolist() == [0.0, 0.0, 0.0, 0.0]
    a.cumprod(0).sum().backward()
    assert a.grad.tolist() == [3.0, 0.0, 0.0, 0.0]
    b = _t([2.0, 3.0, 4.0])
    b.cumprod(0).sum().backward()
    assert b.grad.tolist() == [16.0, 10.0, 6.0]
    assert ae.cumprod(ae.tensor([1, 2, 3]), 0).dtype == ae.int64


def test_cumsum_dtype():
    out = ae.cumsum(ae.tensor([1, 2]), 0, dtype=ae.float32)
    assert out.dtype == ae.float32 and out.tolist() == [1.0, 3.0]


def test_logcumsumexp():
    a = _t([2.0, -1.0, 0.5])
    np.testing.assert_allclose(ae.logcumsumexp(_t([0.0, 1.0, 2.0]), 0).data,
                               [0.0, 1.3132616875182228, 2.40760596444438])
    assert ae.logcumsumexp(_t([-1000.0, 0.0]), 0).tolist() == [-1000.0, 0.0]
    a.logcumsumexp(0).sum().backward()
    np.testing.assert_allclose(a.grad.data,
                               [2.738171161411709, 0.08653844644825423, 0.17529039214003667])
    with pytest.raises(NotImplementedError):
        ae.logcumsumexp(ae.tensor([1, 2]), 0)


def test_softmax_dtype():
    out = ae.tensor([1, 2]).softmax(0, dtype=ae.float64)
    assert out.dtype == ae.float64
    assert ae.nn.functional.log_softmax(ae.tensor([1, 2]), 0, dtype=ae.float32).dtype \
        == ae.float32


def test_median_is_the_lower_one_and_ties_share_the_gradient():
    a = _t([3.0, 1.0, 3.0, 1.0, 1.0])
    out = a.median()
    out.backward()
    assert out.item() == 1.0
    np.testing.assert_allclose(a.grad.data, [0.0, 1 / 3, 0.0, 1 / 3, 1 / 3])
    assert ae.median(_t([4.0, 2.0, 1.0, 3.0])).item() == 2.0
    assert np.isnan(ae.median(_t([1.0, NAN, 2.0])).item())
    assert ae.nanmedian(_t([1.0, NAN, 2.0, 5.0])).item() == 2.0


def test_median_dim_returns_values_and_indices():
    a = _t([[3.0, 1.0, 4.0, 2.0], [1.0, NAN, 2.0, 5.0]])
    values, indices = a.median(1)
    assert values.tolist()[0] == 2.0 and np.isnan(values.tolist()[1])
    assert indices.tolist() == [3, 1]
    values, indices = a.nanmedian(1, keepdim=True)
    assert values.tolist() == [[2.0], [2.0]] and indices.tolist() == [[3], [2]]
    assert ae.median(_t([3.0, 1.0, 3.0, 1.0]), 0).indices.item() == 3


def test_kthvalue_and_mode():
    a = _t([2.0, 1.0, 2.0, 1.0, 3.0])
    assert tuple(x.item() for x in a.kthvalue(2, 0)) == (1.0, 3)
    assert a.kthvalue(3).values.item() == 2.0
    assert tuple(x.item() for x in a.mode(0)) == (1.0, 3)  # smallest mode, last index
    with pytest.raises(RuntimeError, match="out of range"):
        a.kthvalue(6)


def test_quantile():
    a = _t([3.0, 1.0, 4.0, 2.0, 7.0])
    np.testing.assert_allclose(ae.quantile(a, ae.tensor([0.1, 0.5, 0.875])).data,
                               [1.4, 3.0, 5.5])
    row = _t([[3.0, 1.0, 4.0, 2.0]])
    assert row.quantile(0.5, 1, interpolation="nearest").tolist() == [3.0]
    assert row.quantile(0.5, 1, interpolation="midpoint").tolist() == [2.5]
    assert row.quantile(0.5, 1, keepdim=True).shape == (1, 1)
    assert np.isnan(ae.quantile(_t([1.0, NAN]), 0.5).item())
    assert ae.nanquantile(_t([1.0, NAN, 3.0]), 0.5).item() == 2.0
    with pytest.raises(RuntimeError, match="float or double"):
        ae.quantile(ae.tensor([1, 2]), 0.5)
    with pytest.raises(RuntimeError, match="interpolation"):
        ae.quantile(_t([1.0]), 0.5, interpolation="foo")


def test_nan_reductions_and_count_nonzero():
    a = _t([[1.0, NAN, 2.0], [NAN, 3.0, 0.0]])
    assert a.nansum().item() == 6.0
    assert a.nanmean(1).tolist() == [1.5, 1.5]
    a.nansum().backward()
    assert a.grad.tolist() == [[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]
    counts = ae.count_nonzero(ae.tensor([[0, 1], [2, 0]]), dim=0)
    assert counts.dtype == ae.int64 and counts.tolist() == [1, 1]
    assert ae.count_nonzero(ae.tensor([[0, 1], [2, 0]]), dim=(0, 1)).item() == 2


def test_var_mean_std_mean_aminmax():
    var, mean = ae.var_mean(_t([1.0, 2.0, 4.0, 7.0]))
    assert (var.item(), mean.item()) == (7.0, 3.5)
    std, mean = ae.std_mean(_t([[1.0, 2.0], [4.0, 7.0]]), 1, correction=0)
    assert std.tolist() == [0.5, 1.5] and mean.tolist() == [1.5, 5.5]
    a = _t([1.0, 2.0, 2.0])
    result = ae.aminmax(a)
    (result.min + 2 * result.max).backward()
    assert (result.min.item(), result.max.item()) == (1.0, 2.0)
    assert a.grad.tolist() == [1.0, 1.0, 1.0]


def test_diff_on_bool_is_xor():
    out = ae.diff(ae.tensor([True, False, False, True]))
    assert out.dtype == ae.bool and out.tolist() == [True, False, True]
