"""Scans, order statistics and NaN-aware reductions against torch: values, dtypes, indices
(where torch's tie rule is defined) and gradients, including ties and zeros."""
import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")

NAN = float("nan")


def _pair(values, dtype=np.float64):
    data = np.asarray(values, dtype)
    grad = data.dtype.kind == "f"
    return ae.tensor(data, requires_grad=grad), torch.tensor(data, requires_grad=grad)


def _close(ours, theirs):
    theirs = theirs.detach().numpy()
    assert ours.data.dtype == theirs.dtype
    np.testing.assert_allclose(ours.data, theirs, rtol=1e-6, atol=1e-9, equal_nan=True)


def _grads(ours, theirs, a, t, seed=0):
    g = np.random.default_rng(seed).uniform(-1, 1, ours.shape)
    ours.backward(ae.tensor(g))
    theirs.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-9)


TIES = [[1.0, 3.0, 3.0, 2.0, 3.0, 1.0], [2.0, 2.0, 0.0, 0.0, -1.0, 2.0]]


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cummax_cummin_ties(name, dim):
    a, t = _pair(TIES)
    ours, theirs = getattr(ae, name)(a, dim), getattr(torch, name)(t, dim)
    _close(ours.values, theirs.values)
    _close(ours.indices, theirs.indices)
    _grads(ours.values, theirs.values, a, t)


def test_cummax_nan():
    a, t = _pair([1.0, NAN, 2.0, NAN, 0.0])
    ours, theirs = a.cummax(0), t.cummax(0)
    _close(ours.values, theirs.values)
    _close(ours.indices, theirs.indices)


@pytest.mark.parametrize("values", [[[0.0, 2.0, 0.0, 3.0], [1.5, -2.0, 0.5, 4.0]],
                                    [[0.0, 0.0, 1.0, 2.0], [3.0, 0.0, 2.0, 0.0]]])
@pytest.mark.parametrize("dim", [0, 1])
def test_cumprod_grad_with_zeros(values, dim):
    a, t = _pair(values)
    ours, theirs = a.cumprod(dim), t.cumprod(dim)
    _close(ours, theirs)
    _grads(ours, theirs, a, t)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumsum_cumprod_dtypes(name):
    for src, dtype in [(np.int32, None), (np.bool_, None), (np.int64, ae.float32),
                       (np.float64, ae.float32)]:
        a = ae.tensor(np.array([1, 0, 2]).astype(src))
        t = torch.tensor(np.array([1, 0, 2]).astype(src))
        tdtype = None if dtype is None else getattr(torch, np.dtype(dtype).name)
        _close(getattr(a, name)(0, dtype=dtype), getattr(t, name)(0, dtype=tdtype))


def test_logcumsumexp():
    a, t = _pair([[-1000.0, 0.0, 1.0], [2.0, -3.0, 50.0]])
    for dim in (0, 1):
        _close(ae.logcumsumexp(a, dim), torch.logcumsumexp(t, dim))
    ours, theirs = a.logcumsumexp(1), t.logcumsumexp(1)
    _grads(ours, theirs, a, t)
    with pytest.raises(NotImplementedError):
        ae.logcumsumexp(ae.tensor([1, 2]), 0)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_dtype(fn):
    a, t = _pair([[1, 2, 3]], np.int64)
    _close(getattr(a, fn)(1, dtype=ae.float64), getattr(t, fn)(1, dtype=torch.float64))
    _close(getattr(ae.nn.functional, fn)(a, 1, dtype=ae.float32),
           getattr(torch.nn.functional, fn)(t, 1, dtype=torch.float32))


@pytest.mark.parametrize("name", ["median", "nanmedian"])
@pytest.mark.parametrize("values", [[3.0, 1.0, 3.0, 1.0, 1.0], [4.0, 2.0, 1.0, 3.0],
                                    [1.0, NAN, 2.0, 5.0], [[2.0, 1.0], [1.0, 7.0]]])
def test_median_all(name, values):
    a, t = _pair(values)
    ours, theirs = getattr(a, name)(), getattr(t, name)()
    _close(ours, theirs)
    if not np.isnan(theirs.item()):
        _grads(ours, theirs, a, t)


@pytest.mark.parametrize("name", ["median", "nanmedian"])
def test_median_dim(name):
    rows = [[3.0, 1.0, 4.0, 2.0], [1.0, NAN, 2.0, 5.0], [NAN, NAN, NAN, NAN],
            [5.0, 1.0, 2.0, 0.5]]
    a, t = _pair(rows)
    for keepdim in (False, True):
        ours, theirs = getattr(a, name)(1, keepdim), getattr(t, name)(1, keepdim)
        _close(ours.values, theirs.values)
        rows_checked = slice(None) if name == "median" else [0, 1, 3]  # all-NaN: any index
        np.testing.assert_array_equal(ours.indices.data.reshape(4)[rows_checked],
                                      theirs.indices.numpy().reshape(4)[rows_checked])
    b, u = _pair([[3.0, 1.0, 4.0, 2.0], [5.0, 1.0, 2.0, 0.5]])
    ours, theirs = getattr(b, name)(1), getattr(u, name)(1)
    _grads(ours.values, theirs.values, b, u)


def test_kthvalue_and_mode():
    a, t = _pair([[2.0, 1.0, 2.0, 1.0, 3.0], [0.5, 4.0, 4.0, -1.0, 4.0]])
    for k in (1, 2, 3, 5):
        ours, theirs = a.kthvalue(k, 1), t.kthvalue(k, 1)
        _close(ours.values, theirs.values)
        chosen = np.take_along_axis(a.data, ours.indices.data[:, None], 1)[:, 0]
        np.testing.assert_array_equal(chosen, theirs.values.detach().numpy())
    ours, theirs = a.mode(1), t.mode(1)
    _close(ours.values, theirs.values)
    _close(ours.indices, theirs.indices)
    _grads(ours.values, theirs.values, a, t)
    with pytest.raises(RuntimeError, match="out of range"):
        a.kthvalue(6, 1)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
@pytest.mark.parametrize("q", [0.0, 0.3, 0.5, 1.0, [0.1, 0.5, 0.875]])
def test_quantile(interpolation, q):
    values = [[3.0, 1.0, 4.0, 2.0, 7.0], [1.0, 1.0, 2.0, 5.0, -1.0]]
    for dim, keepdim in [(None, False), (None, True), (1, False), (0, True), (-1, True)]:
        a, t = _pair(values)
        qa = ae.tensor(q) if isinstance(q, list) else q
        qt = torch.tensor(q, dtype=torch.float64) if isinstance(q, list) else q
        ours = ae.quantile(a, qa, dim, keepdim, interpolation=interpolation)
        theirs = torch.quantile(t, qt, dim, keepdim, interpolation=interpolation)
        _close(ours, theirs)
        _grads(ours, theirs, a, t)


def test_quantile_nan_and_nanquantile():
    a, t = _pair([[1.0, NAN, 2.0, 5.0], [NAN, NAN, NAN, NAN], [3.0, 1.0, 0.0, 2.0]])
    for q in (0.0, 0.4, 1.0):
        _close(a.quantile(q, 1), t.quantile(q, 1))
        _close(a.nanquantile(q, 1, True), t.nanquantile(q, 1, True))
    with pytest.raises(RuntimeError, match="float or double"):
        ae.quantile(ae.tensor([1, 2]), 0.5)
    with pytest.raises(RuntimeError, match="range"):
        ae.quantile(ae.tensor([1.0, 2.0]), 1.5)
    with pytest.raises(RuntimeError, match="1D"):
        ae.quantile(ae.tensor([1.0, 2.0]), ae.tensor([[0.5]]))


def test_nansum_nanmean_count_nonzero():
    data = [[1.0, NAN, 2.0], [NAN, NAN, NAN], [0.0, 3.0, -1.0]]
    for dim, keepdim in [(None, False), (1, False), (0, True), ((0, 1), False)]:
        a, t = _pair(data)
        ours, theirs = a.nansum(dim, keepdim), t.nansum(dim, keepdim)
        _close(ours, theirs)
        _grads(ours, theirs, a, t)
        _close(a.nanmean(dim, keepdim), t.nanmean(dim, keepdim))
        _close(a.count_nonzero(dim), t.count_nonzero(dim))
    with pytest.raises(RuntimeError):
        ae.nanmean(ae.tensor([1, 2]))


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
def test_var_mean_std_mean(name):
    data = np.random.default_rng(1).normal(size=(3, 4))
    for kwargs in [{}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": 1, "correction": 0},
                   {"dim": 1, "unbiased": False}]:
        a, t = _pair(data)
        ours, theirs = getattr(ae, name)(a, **kwargs), getattr(torch, name)(t, **kwargs)
        _close(ours[0], theirs[0])
        _close(ours[1], theirs[1])
        (ours[0] + 2 * ours[1]).sum().backward()
        (theirs[0] + 2 * theirs[1]).sum().backward()
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-6)


def test_aminmax_ties():
    a, t = _pair([[1.0, 2.0, 2.0], [0.0, 0.0, -3.0]])
    for kwargs in [{}, {"dim": 1}, {"dim": 0, "keepdim": True}]:
        a.grad = None
        t.grad = None
        ours, theirs = ae.aminmax(a, **kwargs), torch.aminmax(t, **kwargs)
        _close(ours.min, theirs.min)
        _close(ours.max, theirs.max)
        (ours.min * 3 + ours.max).sum().backward()
        (theirs.min * 3 + theirs.max).sum().backward()
        np.testing.assert_allclose(a.grad.data, t.grad.numpy())


def test_diff_bool_is_xor():
    a, t = _pair([[True, False, False, True], [True, True, False, True]], np.bool_)
    for n in (1, 2):
        _close(ae.diff(a, n), torch.diff(t, n))
