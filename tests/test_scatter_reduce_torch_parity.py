"""scatter_reduce / index_reduce against PyTorch, live: values and dtypes for every reduce,
dtype, dim and include_self over random shapes (ties and zeros on purpose), first and second
derivatives, and exception types."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")

REDUCES = ("sum", "prod", "mean", "amax", "amin")
INDEX_REDUCES = ("prod", "mean", "amax", "amin")
DTYPES = (np.float64, np.float32, np.int64, np.int32)


def _tensor(m, data, requires_grad=False):
    return (torch.tensor(data, requires_grad=requires_grad) if m is torch
            else ae.tensor(data, requires_grad=requires_grad))


def _outcome(fn):
    """("ok", value) or ("error", exception type)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (PyTorch: index_reduce is in beta)
            return "ok", fn()
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return "error", type(exc)


def _numpy(t):
    return t.detach().numpy() if t is not None else None


def _derivatives(m, op, x, s, g, w):
    """(y, dx, ds, (ddx, dds) or the error type of the second derivative)."""
    xt, st_ = _tensor(m, x, True), _tensor(m, s, True)
    y = op(m, xt, st_)
    dx, ds = m.autograd.grad(y, (xt, st_), _tensor(m, g), create_graph=True)
    tot = (dx * _tensor(m, w[0])).sum() + (ds * _tensor(m, w[1])).sum()
    second = _outcome(lambda: [_numpy(v) for v in m.autograd.grad(tot, (xt, st_),
                                                                   allow_unused=True)])
    return _numpy(y), _numpy(dx), _numpy(ds), second


def _compare(expected, got):
    assert expected[0] == got[0], (expected, got)
    if expected[0] == "error":
        assert expected[1] is got[1]
        return
    for e, a in zip(expected[1], got[1]):
        if isinstance(e, tuple):
            _compare(e, a)
        elif e is None or a is None:  # an unused input: None in PyTorch, zeros or None here
            assert not np.any(e if a is None else a)
        else:
            assert e.shape == a.shape and e.dtype == a.dtype, (e, a)
            np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6, equal_nan=True)


@st.composite
def _case(draw, index_reduce=False):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim)))
    dim = draw(st.integers(-ndim, ndim - 1))
    d = dim % ndim
    n = draw(st.integers(0, 4))
    if index_reduce:
        sizes = shape[:d] + (n,) + shape[d + 1:]
        index = np.array(draw(st.lists(st.integers(0, shape[d] - 1), min_size=n, max_size=n)),
                         np.int64)
    else:
        sizes = tuple(n if k == d else draw(st.integers(1, m)) for k, m in enumerate(shape))
        rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
        index = rng.integers(0, shape[d], sizes)
    seed = draw(st.integers(0, 2 ** 16))
    reduce = draw(st.sampled_from(INDEX_REDUCES if index_reduce else REDUCES))
    return shape, dim, index, sizes, seed, reduce, draw(st.booleans())


def _data(shape, sizes, seed):
    """Small integers: ties between self and src, and zeros, are common."""
    rng = np.random.default_rng(seed)
    return (rng.integers(-2, 3, shape).astype(np.float64),
            rng.integers(-2, 3, sizes).astype(np.float64),
            rng.standard_normal(shape), (rng.standard_normal(shape), rng.standard_normal(sizes)))


def _scatter_op(dim, index, reduce, include_self):
    return lambda m, x, s: x.scatter_reduce(dim, _tensor(m, index), s, reduce,
                                            include_self=include_self)


def _index_op(dim, index, reduce, include_self):
    return lambda m, x, s: m.index_reduce(x, dim, _tensor(m, index), s, reduce,
                                          include_self=include_self)


@settings(max_examples=150, deadline=None)
@given(_case())
def test_scatter_reduce_matches(case):
    shape, dim, index, sizes, seed, reduce, include_self = case
    x, s, g, w = _data(shape, sizes, seed)
    op = _scatter_op(dim, index, reduce, include_self)
    for dtype in DTYPES:
        _compare(_outcome(lambda: [op(torch, _tensor(torch, x.astype(dtype)),
                                      _tensor(torch, s.astype(dtype))).numpy()]),
                 _outcome(lambda: [op(ae, _tensor(ae, x.astype(dtype)),
                                      _tensor(ae, s.astype(dtype))).numpy()]))
    _compare(_outcome(lambda: _derivatives(torch, op, x, s, g, w)),
             _outcome(lambda: _derivatives(ae, op, x, s, g, w)))


@settings(max_examples=100, deadline=None)
@given(_case(index_reduce=True))
def test_index_reduce_matches(case):
    shape, dim, index, sizes, seed, reduce, include_self = case
    x, s, g, w = _data(shape, sizes, seed)
    op = _index_op(dim, index, reduce, include_self)
    for dtype in DTYPES:
        _compare(_outcome(lambda: [op(torch, _tensor(torch, x.astype(dtype)),
                                      _tensor(torch, s.astype(dtype))).numpy()]),
                 _outcome(lambda: [op(ae, _tensor(ae, x.astype(dtype)),
                                      _tensor(ae, s.astype(dtype))).numpy()]))
    _compare(_outcome(lambda: _derivatives(torch, op, x, s, g, w)),
             _outcome(lambda: _derivatives(ae, op, x, s, g, w)))


@settings(max_examples=60, deadline=None)
@given(_case(), st.integers(1, 2))
def test_larger_src_values_and_self_gradient(case, extra):
    """src larger than the index in every dim: values, and the gradient of self."""
    shape, dim, index, sizes, seed, reduce, include_self = case
    x, s, g, _ = _data(shape, tuple(n + extra for n in sizes), seed)
    op = _scatter_op(dim, index, reduce, include_self)

    def run(m):
        xt = _tensor(m, x, True)
        y = op(m, xt, _tensor(m, s))
        return [_numpy(y), _numpy(m.autograd.grad(y, (xt,), _tensor(m, g))[0])]
    expected = _outcome(lambda: run(torch))
    if expected[0] == "ok":  # (PyTorch's prod/amax/amin backward may fail to broadcast)
        _compare(expected, _outcome(lambda: run(ae)))


def test_bool_and_nan_values():
    for m_data in ([True, False, False], [1.0, float("nan"), 2.0]):
        for reduce in REDUCES:
            for include_self in (True, False):
                def op(m):
                    x = _tensor(m, m_data)
                    src = _tensor(m, [m_data[1], m_data[0], m_data[2], m_data[1]])
                    return [x.scatter_reduce(0, _tensor(m, [0, 0, 1, 2]), src, reduce,
                                             include_self=include_self).numpy()]
                _compare(_outcome(lambda: op(torch)), _outcome(lambda: op(ae)))


def test_legacy_scatter_reduce():
    for reduce in ("add", "multiply", "mean", "amax"):
        for src in (np.array([[7.0, 8], [1, 2]]), 2.0):
            def op(m):
                x = _tensor(m, [[1.0, 2, 3], [4, 5, 6]])
                value = _tensor(m, src) if isinstance(src, np.ndarray) else src
                return [x.scatter(1, _tensor(m, [[0, 0], [1, 1]]), value, reduce=reduce).numpy()]
            _compare(_outcome(lambda: op(torch)), _outcome(lambda: op(ae)))


def test_prod_with_several_zeros_refuses_double_backward_like_torch():
    def second(m, which):
        x = _tensor(m, [2.0, 0.0, 3.0], True)
        s = _tensor(m, [0.0, 0.0, 1.0, 5.0, 2.0, 6.0], True)
        y = x.scatter_reduce(0, _tensor(m, [0, 0, 1, 1, 2, 2]), s, "prod")
        grads = m.autograd.grad(y, (x, s), _tensor(m, [1.0, 2.0, 3.0]), create_graph=True)
        return [_numpy(v) for v in m.autograd.grad(grads[which].sum(), (x, s))]
    for which in (0, 1):
        _compare(_outcome(lambda: second(torch, which)), _outcome(lambda: second(ae, which)))


def _z(m):
    return m.zeros(3, 2)


def _i(m, data, dtype=np.int64):
    return _tensor(m, np.array(data, dtype))


ERRORS = {
    "bad reduce": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), m.ones(1, 1), "foo"),
    "legacy name": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), m.ones(1, 1), "multiply"),
    "float index": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]], np.float32), m.ones(1, 1),
                                                  "sum"),
    "int16 index": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]], np.int16), m.ones(1, 1),
                                                  "sum"),
    "int32 index": lambda m: _z(m).scatter_reduce(0, _i(m, [[2]], np.int32), m.ones(1, 1),
                                                  "amin"),
    "out of range": lambda m: _z(m).scatter_reduce(0, _i(m, [[3]]), m.ones(1, 1), "amax"),
    "negative": lambda m: _z(m).scatter_reduce(0, _i(m, [[-1]]), m.ones(1, 1), "amax"),
    "larger than src": lambda m: _z(m).scatter_reduce(0, _i(m, [[0, 1]]), m.ones(1, 1), "prod"),
    "larger than self": lambda m: _z(m).scatter_reduce(0, _i(m, [[0, 1, 1]]), m.ones(1, 3),
                                                       "prod"),
    "longer along dim": lambda m: _z(m).scatter_reduce(1, _i(m, [[0, 1, 1]]), m.ones(1, 3),
                                                       "prod"),
    "index ndim": lambda m: _z(m).scatter_reduce(0, _i(m, [0]), m.ones(1), "mean"),
    "src ndim": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), m.ones(1), "mean"),
    "src ndim more": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), m.ones(1, 1, 1), "mean"),
    "scatter_add src ndim": lambda m: m.zeros(3).scatter_add(0, _i(m, [0]), m.ones(1, 1)),
    "scatter src ndim": lambda m: _z(m).scatter(0, _i(m, [[0]]), m.ones(1)),
    "dim": lambda m: _z(m).scatter_reduce(2, _i(m, [[0]]), m.ones(1, 1), "sum"),
    "dtype": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), m.ones(1, 1, dtype=m.float64),
                                            "sum"),
    "scalar src": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), 1.0, "sum"),
    "int include_self": lambda m: _z(m).scatter_reduce(0, _i(m, [[0]]), m.ones(1, 1), "sum",
                                                       include_self=0),
    "empty index unchecked": lambda m: _z(m).scatter_reduce(0, _i(m, np.zeros((0, 5)),
                                                                  np.float32),
                                                            m.ones(1), "sum"),
    "empty index bad dtype": lambda m: _z(m).scatter_reduce(0, _i(m, np.zeros(0)),
                                                            m.ones(1, dtype=m.float64), "sum"),
    "0-d self": lambda m: m.zeros(()).scatter_reduce(0, _i(m, [0, 0]), m.ones(2), "sum"),
    "0-d self 2-d src": lambda m: m.zeros(()).scatter_reduce(0, _i(m, [0, 0]), m.ones(1, 2),
                                                             "sum"),
    "0-d index": lambda m: m.zeros(3).scatter_reduce(0, _i(m, 1), m.ones(()), "amax"),
    "bool mean": lambda m: m.ones(2, dtype=m.bool).scatter_reduce(
        0, _i(m, [0]), m.ones(1, dtype=m.bool), "mean"),
    "index_reduce sum": lambda m: m.index_reduce(_z(m), 0, _i(m, [0]), m.ones(1, 2), "sum"),
    "index_reduce max": lambda m: m.index_reduce(_z(m), 0, _i(m, [0]), m.ones(1, 2), "max"),
    "index_reduce int16": lambda m: m.index_reduce(_z(m), 0, _i(m, [0], np.int16),
                                                   m.ones(1, 2), "prod"),
    "index_reduce int32": lambda m: m.index_reduce(_z(m), 0, _i(m, [2], np.int32),
                                                   m.ones(1, 2), "prod"),
    "index_reduce float": lambda m: m.index_reduce(_z(m), 0, _i(m, [0], np.float32),
                                                   m.ones(1, 2), "prod"),
    "index_reduce range": lambda m: m.index_reduce(_z(m), 0, _i(m, [3]), m.ones(1, 2), "prod"),
    "index_reduce negative": lambda m: m.index_reduce(_z(m), 0, _i(m, [-1]), m.ones(1, 2),
                                                      "prod"),
    "index_reduce 2-d": lambda m: m.index_reduce(_z(m), 0, _i(m, [[0]]), m.ones(1, 2), "prod"),
    "index_reduce count": lambda m: m.index_reduce(_z(m), 0, _i(m, [0, 1]), m.ones(1, 2),
                                                   "prod"),
    "index_reduce shape": lambda m: m.index_reduce(_z(m), 0, _i(m, [0]), m.ones(1, 3), "prod"),
    "index_reduce source dim": lambda m: m.index_reduce(_z(m), 1, _i(m, [0]), m.ones(2),
                                                        "prod"),
    "index_reduce dtype": lambda m: m.index_reduce(_z(m), 0, _i(m, [0]),
                                                   m.ones(1, 2, dtype=m.float64), "prod"),
    "index_reduce dim": lambda m: m.index_reduce(_z(m), 2, _i(m, [0]), m.ones(1, 2), "prod"),
    "index_reduce scalar": lambda m: m.index_reduce(_z(m), 0, _i(m, [0]), 2.0, "prod"),
    "index_reduce bool": lambda m: m.index_reduce(m.ones(2, dtype=m.bool), 0, _i(m, [0]),
                                                  m.ones(1, dtype=m.bool), "amax"),
    "index_reduce empty": lambda m: m.index_reduce(_z(m), 0, _i(m, np.zeros(0)),
                                                   m.zeros(0, 2), "mean"),
    "index_reduce empty shape": lambda m: m.index_reduce(_z(m), 0, _i(m, np.zeros(0)),
                                                         m.zeros(0, 3), "mean"),
    "index_reduce 0-d": lambda m: m.index_reduce(m.ones(()), 0, _i(m, 0), m.ones(()) * 2,
                                                 "prod"),
    "index_reduce 0-d source": lambda m: m.index_reduce(m.ones(1), 0, _i(m, 0), m.ones(()),
                                                        "prod"),
    "index_reduce 0-d index": lambda m: m.index_reduce(_z(m), 0, _i(m, 1), m.ones(1, 2) * 3,
                                                       "amin"),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_and_edge_values(name):
    def run(m):
        return [np.asarray(ERRORS[name](m).numpy())]
    _compare(_outcome(lambda: run(torch)), _outcome(lambda: run(ae)))


def test_in_place():
    def run(m):
        x = _tensor(m, [[0.0, 1, 2], [3, 4, 5]])
        out = x.scatter_reduce_(1, _tensor(m, [[0, 0, 1]]), _tensor(m, [[1.0, 2, 3]]), "amin",
                                include_self=False)
        assert out is x
        return [x.numpy()]
    _compare(_outcome(lambda: run(torch)), _outcome(lambda: run(ae)))


def test_in_place_is_recorded(inplace_recording):
    def run(m):
        x, s = _tensor(m, [2.0, 3.0, 4.0], True), _tensor(m, [5.0, 0.0, 6.0], True)
        y = x * 1
        y.scatter_reduce_(0, _tensor(m, [0, 0, 2]), s, "prod")
        (y * _tensor(m, [1.0, 2.0, 3.0])).sum().backward()
        return [_numpy(y), _numpy(x.grad), _numpy(s.grad)]
    _compare(_outcome(lambda: run(torch)), _outcome(lambda: run(ae)))


@pytest.mark.skipif(not hasattr(ae.Tensor, "index_reduce_"), reason="Tensor.index_reduce_ "
                    "not added yet")
def test_index_reduce_in_place():
    def run(m):
        x = _tensor(m, [[0.0, 1, 2], [3, 4, 5]])
        out = x.index_reduce_(1, _tensor(m, [0, 0, 2]), _tensor(m, [[1.0, 2, 3], [4, 5, 6]]),
                              "mean", include_self=False)
        assert out is x
        return [x.numpy(), x.index_reduce(0, _tensor(m, [1]), _tensor(m, [[9.0, 0, -9]]),
                                          "amax").numpy()]
    _compare(_outcome(lambda: run(torch)), _outcome(lambda: run(ae)))
