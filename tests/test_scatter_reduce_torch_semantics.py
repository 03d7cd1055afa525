"""scatter_reduce / index_reduce against PyTorch 2.13's results, written out as literals (runs
without torch): values for every reduce with and without self, integer and bool dtypes, ties,
zeros, NaN, empty and smaller indices; gradients as PyTorch's scatter_reduce_backward (ties
split evenly, prod's lone zero, mean's counts); gradcheck / gradgradcheck; exception types."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck

REDUCES = ("sum", "prod", "mean", "amax", "amin")
INDEX_REDUCES = ("prod", "mean", "amax", "amin")


def _grads(fn, x, s, g):
    """(value, dx, dsrc) of fn on float64 leaves with output gradient g."""
    x = ae.tensor(x, dtype=ae.float64, requires_grad=True)
    s = ae.tensor(s, dtype=ae.float64, requires_grad=True)
    y = fn(x, s)
    dx, ds = ae.autograd.grad(y, (x, s), ae.tensor(g, dtype=ae.float64))
    return y.tolist(), dx.tolist(), ds.tolist()


# -- values --------------------------------------------------------------------------------
X = [[0.0, 1, 2], [3, 4, 5]]
I = [[0, 0, 1]]
S = [[1.0, 2, 3]]
VALUES = {  # x.scatter_reduce(1, I, S, reduce, include_self=...) in PyTorch
    ("sum", True): [[3, 4, 2], [3, 4, 5]], ("sum", False): [[3, 3, 2], [3, 4, 5]],
    ("prod", True): [[0, 3, 2], [3, 4, 5]], ("prod", False): [[2, 3, 2], [3, 4, 5]],
    ("mean", True): [[1, 2, 2], [3, 4, 5]], ("mean", False): [[1.5, 3, 2], [3, 4, 5]],
    ("amax", True): [[2, 3, 2], [3, 4, 5]], ("amax", False): [[2, 3, 2], [3, 4, 5]],
    ("amin", True): [[0, 1, 2], [3, 4, 5]], ("amin", False): [[1, 3, 2], [3, 4, 5]],
}
INT_VALUES = {  # the same with int64 tensors and src [[1, 2, 4]]: mean floor-divides
    ("sum", True): [[3, 5, 2], [3, 4, 5]], ("sum", False): [[3, 4, 2], [3, 4, 5]],
    ("prod", True): [[0, 4, 2], [3, 4, 5]], ("prod", False): [[2, 4, 2], [3, 4, 5]],
    ("mean", True): [[1, 2, 2], [3, 4, 5]], ("mean", False): [[1, 4, 2], [3, 4, 5]],
    ("amax", True): [[2, 4, 2], [3, 4, 5]], ("amax", False): [[2, 4, 2], [3, 4, 5]],
    ("amin", True): [[0, 1, 2], [3, 4, 5]], ("amin", False): [[1, 4, 2], [3, 4, 5]],
}


@pytest.mark.parametrize("reduce,include_self", sorted(VALUES))
def test_values_float(reduce, include_self):
    for dtype in (ae.float32, ae.float64):
        out = ae.tensor(X, dtype=dtype).scatter_reduce(1, ae.tensor(I), ae.tensor(S, dtype=dtype),
                                                       reduce, include_self=include_self)
        assert out.dtype == dtype
        assert out.tolist() == VALUES[reduce, include_self]


@pytest.mark.parametrize("reduce,include_self", sorted(INT_VALUES))
def test_values_int(reduce, include_self):
    for dtype in (np.int64, np.int32):
        x = ae.tensor(np.array(X, dtype))
        out = ae.scatter_reduce(x, 1, ae.tensor(I), ae.tensor(np.array([[1, 2, 4]], dtype)),
                                reduce, include_self=include_self)
        assert out.dtype == dtype
        assert out.tolist() == INT_VALUES[reduce, include_self]


def test_integer_mean_floors():
    idx = ae.tensor([0])
    assert ae.tensor([-7, 1]).scatter_reduce(0, idx, ae.tensor([2]), "mean").tolist() == [-3, 1]
    assert ae.tensor([7, 1]).scatter_reduce(0, idx, ae.tensor([-2]), "mean").tolist() == [2, 1]
    x = ae.tensor([[-7, 2, 3], [4, 5, 6]])
    assert ae.index_reduce(x, 1, ae.tensor([0, 0]), ae.tensor([[2, 0], [1, 2]]), "mean"
                           ).tolist() == [[-2, 2, 3], [2, 5, 6]]


def test_bool():
    b = ae.tensor([True, False, False])
    idx, src = ae.tensor([0, 1, 1]), ae.tensor([False, True, False])
    expected = {("sum", True): [True, True, False], ("sum", False): [False, True, False],
                ("prod", True): [False, False, False], ("prod", False): [False, False, False],
                ("amax", True): [True, True, False], ("amax", False): [False, True, False],
                ("amin", True): [False, False, False], ("amin", False): [False, False, False]}
    for (reduce, include_self), values in expected.items():
        assert b.scatter_reduce(0, idx, src, reduce, include_self=include_self).tolist() == values
    with pytest.raises(NotImplementedError):
        b.scatter_reduce(0, idx, src, "mean")
    with pytest.raises(NotImplementedError):
        ae.index_reduce(b, 0, ae.tensor([0, 0]), ae.tensor([True, False]), "amax")


def test_nan_propagates():
    x = ae.tensor([1.0, 2.0, np.nan])
    idx, src = ae.tensor([0, 0, 1, 2]), ae.tensor([np.nan, 5.0, np.nan, 3.0])
    for reduce in ("amax", "amin"):
        assert np.isnan(x.scatter_reduce(0, idx, src, reduce).numpy()).all()
    out = x.scatter_reduce(0, idx, src, "amax", include_self=False).tolist()
    assert np.isnan(out[:2]).all() and out[2] == 3.0


def test_dims_shapes_and_empty_index():
    x = ae.zeros(3, 2)
    # an index longer than self along dim, smaller than src elsewhere
    out = x.scatter_reduce(0, ae.tensor([[0], [1], [1], [2]]), ae.ones(4, 3), "sum")
    assert out.tolist() == [[1, 0], [2, 0], [1, 0]]
    out = x.scatter_reduce(-1, ae.tensor([[1, 1]]), ae.tensor([[2.0, 3, 9]]), "amax")
    assert out.tolist() == [[0, 3], [0, 0], [0, 0]]
    # an empty index is not checked against the shapes (PyTorch's shortcut)
    for index in (np.zeros((0, 5), np.int64), np.zeros(0, np.float32)):
        out = x.scatter_reduce(0, ae.tensor(index), ae.ones(1), "amax")
        assert out.tolist() == x.tolist() and out.data is not x.data


def test_zero_dim_tensors():
    two = ae.tensor(2.0)
    assert two.scatter_reduce(0, ae.tensor([0, 0]), ae.tensor([3.0, 4]), "prod").item() == 24
    assert two.scatter_reduce(-1, ae.tensor(0), ae.tensor(3.0), "prod").item() == 6
    assert ae.zeros(3).scatter_reduce(0, ae.tensor(1), ae.tensor(5.0), "sum").tolist() == [0, 5, 0]
    three = ae.tensor(3.0)
    assert ae.index_reduce(three, 0, ae.tensor(0), ae.tensor(2.0), "prod").item() == 6


def test_legacy_scatter_reduce():
    x = ae.tensor([[1.0, 2, 3], [4, 5, 6]])
    i = ae.tensor([[0, 0], [1, 1]])
    s = ae.tensor([[7.0, 8], [1, 2]])
    assert x.scatter(1, i, s, reduce="multiply").tolist() == [[56, 2, 3], [4, 10, 6]]
    assert x.scatter(1, i, s, reduce="add").tolist() == [[16, 2, 3], [4, 8, 6]]
    assert x.scatter(1, i, 2.0, reduce="multiply").tolist() == [[4, 2, 3], [4, 20, 6]]
    assert ae.tensor([1, 2, 3]).scatter(0, ae.tensor([0, 0]), ae.tensor([5, 6]),
                                        reduce="multiply").tolist() == [30, 2, 3]
    for reduce in ("mean", "amax", "sum"):
        with pytest.raises(RuntimeError, match="add or multiply"):
            x.scatter(1, i, s, reduce=reduce)


# -- gradients -----------------------------------------------------------------------------
GX = [[2.0, 0.0], [1.0, 5.0], [3.0, 3.0]]  # ties with src and zeros in both
GS = [[2.0, 4.0], [0.0, 5.0], [2.0, 0.0], [7.0, 0.0]]
GI = [[0, 1], [0, 1], [0, 1], [2, 2]]
GG = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
SCATTER_GRADS = {  # (value, dx, dsrc) of x.scatter_reduce(0, GI, GS, ...) in PyTorch
    ("sum", True): ([[6, 0], [1, 14], [10, 3]], [[1, 2], [3, 4], [5, 6]],
                    [[1, 4], [1, 4], [1, 4], [5, 6]]),
    ("sum", False): ([[4, 0], [1, 9], [7, 0]], [[0, 2], [3, 0], [0, 0]],
                     [[1, 4], [1, 4], [1, 4], [5, 6]]),
    ("prod", True): ([[0, 0], [1, 0], [21, 0]], [[0, 2], [3, 0], [35, 0]],
                     [[0, 0], [8, 0], [0, 400], [15, 18]]),
    ("prod", False): ([[0, 0], [1, 0], [7, 0]], [[0, 2], [3, 0], [0, 0]],
                      [[0, 0], [4, 0], [0, 80], [5, 6]]),
    ("mean", True): ([[1.5, 0], [1, 3.5], [5, 1.5]], [[0.25, 2], [3, 1], [2.5, 3]],
                     [[0.25, 1], [0.25, 1], [0.25, 1], [2.5, 3]]),
    ("mean", False): ([[4 / 3, 0], [1, 3], [7, 0]], [[0, 2], [3, 0], [0, 0]],
                      [[1 / 3, 4 / 3], [1 / 3, 4 / 3], [1 / 3, 4 / 3], [5, 6]]),
    ("amax", True): ([[2, 0], [1, 5], [7, 3]], [[1 / 3, 2], [3, 2], [0, 6]],
                     [[1 / 3, 0], [0, 2], [1 / 3, 0], [5, 0]]),
    ("amax", False): ([[2, 0], [1, 5], [7, 0]], [[0, 2], [3, 0], [0, 0]],
                      [[1 / 3, 0], [0, 2], [1 / 3, 0], [5, 6]]),
    ("amin", True): ([[0, 0], [1, 0], [3, 0]], [[0, 2], [3, 0], [5, 0]],
                     [[0, 0], [1, 0], [0, 4], [0, 6]]),
    ("amin", False): ([[0, 0], [1, 0], [7, 0]], [[0, 2], [3, 0], [0, 0]],
                      [[0, 0], [1, 0], [0, 4], [5, 6]]),
}
IX = [[2.0, 0.0, 1.0], [1.0, 5.0, -1.0]]
IS = [[2.0, 0.0, 2.0, 3.0], [1.0, 5.0, 0.0, 0.0]]
II = [0, 0, 2, 0]
IG = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
INDEX_GRADS = {  # (value, dx, dsource) of x.index_reduce(1, II, IS, ...) in PyTorch
    ("prod", True): ([[0, 0, 2], [0, 5, 0]], [[0, 2, 6], [0, 5, 0]],
                     [[0, 12, 3, 0], [0, 0, -6, 20]]),
    ("prod", False): ([[0, 0, 2], [0, 5, 0]], [[0, 2, 0], [0, 5, 0]],
                      [[0, 6, 3, 0], [0, 0, 6, 20]]),
    ("mean", True): ([[1.75, 0, 1.5], [1.75, 5, -0.5]], [[0.25, 2, 1.5], [1, 5, 3]],
                     [[0.25, 0.25, 1.5, 0.25], [1, 1, 3, 1]]),
    ("mean", False): ([[5 / 3, 0, 2], [2, 5, 0]], [[0, 2, 0], [0, 5, 0]],
                      [[1 / 3, 1 / 3, 3, 1 / 3], [4 / 3, 4 / 3, 6, 4 / 3]]),
    ("amax", True): ([[3, 0, 2], [5, 5, 0]], [[0, 2, 0], [0, 5, 0]],
                     [[0, 0, 3, 1], [0, 4, 6, 0]]),
    ("amax", False): ([[3, 0, 2], [5, 5, 0]], [[0, 2, 0], [0, 5, 0]],
                      [[0, 0, 3, 1], [0, 4, 6, 0]]),
    ("amin", True): ([[0, 0, 1], [0, 5, -1]], [[0, 2, 3], [0, 5, 6]],
                     [[0, 1, 0, 0], [0, 0, 0, 4]]),
    ("amin", False): ([[0, 0, 2], [0, 5, 0]], [[0, 2, 0], [0, 5, 0]],
                      [[0, 1, 3, 0], [0, 0, 6, 4]]),
}


@pytest.mark.parametrize("reduce,include_self", sorted(SCATTER_GRADS))
def test_scatter_reduce_gradients(reduce, include_self):
    got = _grads(lambda x, s: x.scatter_reduce(0, ae.tensor(GI), s, reduce,
                                               include_self=include_self), GX, GS, GG)
    for a, b in zip(got, SCATTER_GRADS[reduce, include_self]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("reduce,include_self", sorted(INDEX_GRADS))
def test_index_reduce_gradients(reduce, include_self):
    got = _grads(lambda x, s: ae.index_reduce(x, 1, ae.tensor(II), s, reduce,
                                              include_self=include_self), IX, IS, IG)
    for a, b in zip(got, INDEX_GRADS[reduce, include_self]):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_amax_tie_with_excluded_self_counts_self():
    """PyTorch's formula counts self among the ties even with include_self=False."""
    _, dx, ds = _grads(lambda x, s: x.scatter_reduce(0, ae.tensor([0, 0]), s, "amax",
                                                     include_self=False),
                       [5.0, 1.0], [5.0, 3.0], [1.0, 1.0])
    assert dx == [0, 1] and ds == [0.5, 0]


def test_prod_zeros():
    x, i = [2.0, 0.0, 3.0], [0, 0, 1, 1, 2, 2]
    _, dx, ds = _grads(lambda x, s: x.scatter_reduce(0, ae.tensor(i), s, "prod"),
                       x, [0.0, 4.0, 0.0, 5.0, 0.0, 6.0], [1.0, 2.0, 3.0])
    assert dx == [0, 0, 0] and ds == [8, 0, 0, 0, 54, 0]
    _, dx, ds = _grads(lambda x, s: x.scatter_reduce(0, ae.tensor(i), s, "prod",
                                                     include_self=False),
                       x, [0.0, 4.0, 0.0, 5.0, 0.0, 6.0], [1.0, 2.0, 3.0])
    assert dx == [0, 0, 0] and ds == [4, 0, 10, 0, 18, 0]


def test_prod_double_backward_refused_for_several_zeros():
    x = ae.tensor([2.0, 0.0, 3.0], dtype=ae.float64, requires_grad=True)
    s = ae.tensor([0.0, 0.0, 1.0, 5.0, 2.0, 6.0], dtype=ae.float64, requires_grad=True)
    y = x.scatter_reduce(0, ae.tensor([0, 0, 1, 1, 2, 2]), s, "prod")
    dx, ds = ae.autograd.grad(y, (x, s), ae.tensor([1.0, 2.0, 3.0], dtype=ae.float64),
                              create_graph=True)
    assert dx.tolist() == [0, 10, 36] and ds.tolist() == [0, 0, 0, 0, 54, 18]
    assert [g.tolist() for g in ae.autograd.grad(dx.sum(), (x, s))] == \
        [[0, 0, 0], [0, 0, 10, 2, 18, 6]]
    with pytest.raises(RuntimeError, match="Double backward is unsupported for src"):
        ae.autograd.grad(ds.sum(), (x, s))
    src = ae.tensor([[0.0, 0.0]], dtype=ae.float64, requires_grad=True)
    y = ae.index_reduce(ae.ones(1, 1, dtype=ae.float64), 1, ae.tensor([0, 0]), src, "prod")
    (ds,) = ae.autograd.grad(y.sum(), (src,), create_graph=True)
    with pytest.raises(RuntimeError, match="unsupported for source"):
        ae.autograd.grad(ds.sum(), (src,))


def test_smaller_index_gradients():
    """self's gradient is PyTorch's; src gets the true gradient, zero outside the block the
    index reads (PyTorch raises for sum/mean and returns a broadcast, wrong gradient or
    raises for the others: see the README)."""
    idx = ae.tensor([[0, 0, 1]])
    for reduce, dx, ds in (("sum", [[1, 2, 3], [4, 5, 6]], [[1, 1, 2], [0, 0, 0]]),
                           ("prod", [[56, 18, 3], [4, 5, 6]], [[8, 7, 4], [0, 0, 0]]),
                           ("mean", [[1 / 3, 1, 3], [4, 5, 6]], [[1 / 3, 1 / 3, 1], [0, 0, 0]]),
                           ("amax", [[0, 0, 3], [4, 5, 6]], [[0, 1, 2], [0, 0, 0]])):
        got = _grads(lambda x, s: x.scatter_reduce(1, idx, s, reduce),
                     [[1.0, 2, 3], [4, 5, 6]], [[7.0, 8, 9], [1, 2, 3]],
                     np.arange(1.0, 7.0).reshape(2, 3))
        np.testing.assert_allclose(got[1], dx, rtol=1e-12)
        np.testing.assert_allclose(got[2], ds, rtol=1e-12)
    x = ae.tensor(np.linspace(0.5, 2.0, 6).reshape(2, 3), requires_grad=True)
    s = ae.tensor(np.linspace(-2.0, -0.1, 8).reshape(2, 4), requires_grad=True)
    for reduce in REDUCES:
        fn = lambda x, s: x.scatter_reduce(1, ae.tensor([[2, 0, 2]]), s, reduce)
        assert gradcheck(fn, (x, s)) and gradgradcheck(fn, (x, s))


def test_empty_index_gradients():
    x = ae.zeros(3, 2, dtype=ae.float64, requires_grad=True)
    s = ae.ones(1, 2, dtype=ae.float64, requires_grad=True)
    for reduce in REDUCES:
        y = x.scatter_reduce(0, ae.tensor(np.zeros((0, 2), np.int64)), s, reduce)
        dx, ds = ae.autograd.grad(y.sum(), (x, s))
        assert dx.tolist() == [[1, 1]] * 3 and ds.tolist() == [[0, 0]]


def test_max_alias_has_no_gradient():
    """PyTorch's forward accepts 'max'/'min' (as amax/amin); its backward refuses them."""
    x = ae.tensor([5.0, 1.0], requires_grad=True)
    s = ae.tensor([4.0, 3.0])
    assert x.scatter_reduce(0, ae.tensor([0, 0]), s, "min").tolist() == [3, 1]
    y = x.scatter_reduce(0, ae.tensor([0, 0]), s, "max")
    assert y.tolist() == [5, 1]
    with pytest.raises(RuntimeError, match="Expected 'reduce' to be one of"):
        y.sum().backward()


@st.composite
def _scatter_case(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    dim = draw(st.integers(-ndim, ndim - 1))
    sizes = tuple(draw(st.integers(1, 4)) if k == dim % ndim else draw(st.integers(1, n))
                  for k, n in enumerate(shape))
    seed = draw(st.integers(0, 2 ** 16))
    return shape, dim, sizes, seed, draw(st.sampled_from(REDUCES)), draw(st.booleans())


@settings(max_examples=40, deadline=None)
@given(_scatter_case())
def test_gradcheck_random_shapes(case):
    shape, dim, sizes, seed, reduce, include_self = case
    rng = np.random.default_rng(seed)
    index = ae.tensor(rng.integers(0, shape[dim], sizes))
    # distinct values: no ties between self and src, where the function has no derivative
    values = rng.permutation(int(np.prod(shape)) + int(np.prod(sizes))) / 7.0 + 0.5
    x = ae.tensor(values[:int(np.prod(shape))].reshape(shape), requires_grad=True)
    s = ae.tensor(values[int(np.prod(shape)):].reshape(sizes), requires_grad=True)
    fn = lambda x, s: x.scatter_reduce(dim, index, s, reduce, include_self=include_self)
    assert gradcheck(fn, (x, s))
    if reduce != "sum":  # (sum's gradient does not depend on x or src)
        assert gradgradcheck(fn, (x, s))


@pytest.mark.parametrize("reduce", INDEX_REDUCES)
@pytest.mark.parametrize("include_self", (True, False))
def test_index_reduce_gradcheck(reduce, include_self):
    rng = np.random.default_rng(1)
    x = ae.tensor(rng.uniform(0.5, 2, (3, 4)), requires_grad=True)
    s = ae.tensor(rng.uniform(-2, -0.5, (3, 5)), requires_grad=True)
    fn = lambda x, s: ae.index_reduce(x, -1, ae.tensor([3, 0, 3, 3, 1]), s, reduce,
                                      include_self=include_self)
    assert gradcheck(fn, (x, s)) and gradgradcheck(fn, (x, s))


# -- errors --------------------------------------------------------------------------------
def _x():
    return ae.zeros(3, 2)


SCATTER_ERRORS = [
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), ae.ones(1, 1), "foo"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), ae.ones(1, 1), "add"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0.0]]), ae.ones(1, 1), "sum"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor(np.array([[0]], np.int16)), ae.ones(1, 1), "sum"),
     RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[3]]), ae.ones(1, 1), "amax"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[-1]]), ae.ones(1, 1), "amax"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0, 1]]), ae.ones(1, 1), "prod"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0, 1, 1]]), ae.ones(1, 3), "prod"),
     RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([0]), ae.ones(1), "mean"), RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), ae.ones(1), "mean"), IndexError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), ae.ones(1, 1, 1), "mean"), RuntimeError),
    (lambda: _x().scatter_reduce(2, ae.tensor([[0]]), ae.ones(1, 1), "sum"), IndexError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), ae.ones(1, 1, dtype=ae.float64), "sum"),
     RuntimeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), 1.0, "sum"), TypeError),
    (lambda: _x().scatter_reduce(0, ae.tensor([[0]]), ae.ones(1, 1), "sum", include_self=0),
     TypeError),
]
INDEX_ERRORS = [
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0]), ae.ones(1, 2), "sum"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0]), ae.ones(1, 2), "max"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor(np.array([0], np.int16)), ae.ones(1, 2),
                             "prod"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0.0]), ae.ones(1, 2), "prod"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([3]), ae.ones(1, 2), "prod"), IndexError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([-1]), ae.ones(1, 2), "prod"), IndexError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([[0]]), ae.ones(1, 2), "prod"), IndexError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0, 1]), ae.ones(1, 2), "prod"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0]), ae.ones(1, 3), "prod"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 1, ae.tensor([0]), ae.ones(2), "prod"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0]), ae.ones(1, 2, dtype=ae.float64),
                             "prod"), RuntimeError),
    (lambda: ae.index_reduce(_x(), 2, ae.tensor([0]), ae.ones(1, 2), "prod"), IndexError),
    (lambda: ae.index_reduce(_x(), 0, ae.tensor([0]), 2.0, "prod"), TypeError),
]


@pytest.mark.parametrize("call,exc", SCATTER_ERRORS + INDEX_ERRORS)
def test_errors(call, exc):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc
    assert "reduce" in str(info.value) or exc is IndexError


# -- methods ---------------------------------------------------------------------------------
def test_scatter_reduce_in_place():
    x = ae.tensor([[0.0, 1, 2], [3, 4, 5]])
    assert x.scatter_reduce_(1, ae.tensor(I), ae.tensor(S), "amin", include_self=False) is x
    assert x.tolist() == VALUES["amin", False]


@pytest.mark.skipif(not hasattr(ae.Tensor, "index_reduce"), reason="Tensor.index_reduce "
                    "not added yet")
def test_index_reduce_methods():
    x = ae.tensor(IX)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (PyTorch warns that the op is in beta; we do not)
        out = x.index_reduce(1, ae.tensor(II), ae.tensor(IS), "amin", include_self=False)
    assert out.tolist() == INDEX_GRADS["amin", False][0] and x.tolist() == IX
    assert x.index_reduce_(1, ae.tensor(II), ae.tensor(IS), reduce="mean") is x
    np.testing.assert_allclose(x.tolist(), INDEX_GRADS["mean", True][0])
