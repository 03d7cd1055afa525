"""What a graph keeps for backward, against torch live: which graphs may be walked a second
time without retain_graph, which in-place writes into an index tensor make backward raise,
and mean's values, gradients and dtypes (tests/test_saved_graph_torch_semantics.py has the
same expectations written out)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)


def _leaf(lib):
    return (torch.tensor(X, requires_grad=True) if lib is torch
            else ae.tensor(X, requires_grad=True))


def _setitem(lib, index):
    def fn(x):
        z = lib.zeros(4, 3)
        z[index(lib)] = x
        return z
    return fn


def _tensor(lib, values):
    return lib.tensor(values)


WALKS = {
    "mean": lambda lib: lambda x: x.mean(),
    "mean-dim": lambda lib: lambda x: x.mean(1),
    "mean-dims-keepdim": lambda lib: lambda x: x.mean((0, 1), keepdim=True),
    "mean-dtype": lambda lib: lambda x: x.mean(dtype=lib.float64),
    "x[int tensor]": lambda lib: lambda x: x[_tensor(lib, [0, 0])],
    "x[list]": lambda lib: lambda x: x[[1, 0]],
    "x[int, list]": lambda lib: lambda x: x[1, [0, 2]],
    "x[mask]": lambda lib: lambda x: x[x > 0],
    "x[int]": lambda lib: lambda x: x[1],
    "x[slice]": lambda lib: lambda x: x[:, 1:],
    "x[None, ..., int]": lambda lib: lambda x: x[None, ..., 0],
    "index_select": lambda lib: lambda x: x.index_select(0, _tensor(lib, [1, 0])),
    "gather": lambda lib: lambda x: x.gather(1, _tensor(lib, [[0, 1], [2, 2]])),
    "masked_select": lambda lib: lambda x: x.masked_select(x > 0),
    "masked_fill": lambda lib: lambda x: x.masked_fill(x > 0, 1.0),
    "take": lambda lib: lambda x: x.take(_tensor(lib, [0, 5])),
    "take_along_dim": lambda lib: lambda x: x.take_along_dim(_tensor(lib, [[0], [1]]), 1),
    "scatter": lambda lib: lambda x: x.scatter(1, _tensor(lib, [[0], [1]]), 2.0),
    "scatter_add": lambda lib: lambda x: x.scatter_add(
        1, _tensor(lib, [[0, 0, 1], [1, 1, 1]]), x),
    "index_add": lambda lib: lambda x: x.index_add(0, _tensor(lib, [1, 1]), x),
    "index_fill": lambda lib: lambda x: x.index_fill(1, _tensor(lib, [0]), 1.0),
    "index_copy": lambda lib: lambda x: x.index_copy(0, _tensor(lib, [1, 0]), x * 2),
    "index_put": lambda lib: lambda x: x.index_put((_tensor(lib, [0]),), x[1] * 1),
    "put": lambda lib: lambda x: x.put(_tensor(lib, [0, 1]), x[0, :2] * 1),
    "setitem-slice": lambda lib: _setitem(lib, lambda lib: slice(1, 3)),
    "setitem-index": lambda lib: _setitem(lib, lambda lib: _tensor(lib, [0, 2])),
    "sort": lambda lib: lambda x: x.sort(1)[0],
    "max-dim": lambda lib: lambda x: x.max(dim=1)[0],
    "flip": lambda lib: lambda x: x.flip(0),
    "roll": lambda lib: lambda x: x.roll(1, 1),
    "narrow": lambda lib: lambda x: x.narrow(1, 0, 2),
    "unbind": lambda lib: lambda x: x.unbind(0)[1],
}


def _walk_twice(lib, name):
    x = _leaf(lib)
    y = WALKS[name](lib)(x).sum()
    y.backward()
    first = np.array(x.grad.tolist())
    try:
        y.backward()
    except RuntimeError as exc:
        assert "second time" in str(exc)
        return "raises", first
    np.testing.assert_allclose(np.array(x.grad.tolist()), 2 * first, rtol=1e-6)
    return "walks again", first


# indices that are not tensors are kept with the graph here (README, Differences)
KEPT_INDEX = {"x[list]", "x[int, list]", "take_along_dim"}


@pytest.mark.parametrize("name", list(WALKS))
def test_second_walk_as_torch(name):
    expected, grad = _walk_twice(torch, name)
    got, ours = _walk_twice(ae, name)
    assert got == ("walks again" if name in KEPT_INDEX else expected)
    np.testing.assert_allclose(ours, grad, rtol=1e-6)


STALE = {
    "x[i]": lambda lib, x, i, m: x[i],
    "x[i, i]": lambda lib, x, i, m: x[i, i],
    "x[m]": lambda lib, x, i, m: x[m],
    "index_select": lambda lib, x, i, m: x.index_select(0, i),
    "gather": lambda lib, x, i, m: x.gather(1, i.reshape(1, 2)),
    "take": lambda lib, x, i, m: x.take(i),
    "take_along_dim": lambda lib, x, i, m: x.take_along_dim(i.reshape(2, 1), 1),
    "take_along_dim-flat": lambda lib, x, i, m: x.take_along_dim(i),
    "masked_select": lambda lib, x, i, m: x.masked_select(m),
    "masked_fill": lambda lib, x, i, m: x.masked_fill(m, 2.0),
    "masked_scatter": lambda lib, x, i, m: lib.zeros(2, 3).masked_scatter(m, x * 1),
    "scatter": lambda lib, x, i, m: lib.zeros(2, 3).scatter(1, i.reshape(1, 2), x[:1, :2] * 1),
    "scatter_add": lambda lib, x, i, m: x.scatter_add(1, i.reshape(1, 2), x[:1, :2] * 1),
    "index_add": lambda lib, x, i, m: lib.zeros(2, 3).index_add(0, i, x * 1),
    "index_copy": lambda lib, x, i, m: lib.zeros(2, 3).index_copy(0, i, x * 1),
    "index_fill": lambda lib, x, i, m: x.index_fill(0, i, 2.0),
    "index_put": lambda lib, x, i, m: lib.zeros(2, 3).index_put((i,), x * 1),
    "index_put-accumulate": lambda lib, x, i, m: lib.zeros(2, 3).index_put(
        (i,), x * 1, accumulate=True),
    "put": lambda lib, x, i, m: lib.zeros(2, 3).put(i, x[0, :2] * 1),
}


def _stale(lib, name):
    x = _leaf(lib)
    i = lib.tensor([1, 0])
    m = lib.tensor([[True, False, True], [False, True, True]])
    y = STALE[name](lib, x, i, m)
    i.fill_(0)
    m.fill_(True)
    try:
        y.sum().backward()
    except RuntimeError as exc:
        assert "modified by an inplace operation" in str(exc)
        return "raises"
    return np.array(x.grad.tolist())


@pytest.mark.parametrize("name", list(STALE))
def test_index_written_in_place_before_backward_as_torch(name):
    expected, got = _stale(torch, name), _stale(ae, name)
    if isinstance(expected, str):
        assert got == expected
    else:
        np.testing.assert_array_equal(got, expected)


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4), data=st.data(),
       keepdim=st.booleans(), dtype=st.sampled_from(["float32", "float64"]))
def test_mean_values_and_gradients_as_torch(shape, data, keepdim, dtype):
    ndim = len(shape)
    dim = data.draw(st.one_of(
        st.none(), st.integers(-max(ndim, 1), max(ndim - 1, 0)),
        st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=max(ndim, 1)
                 ).map(tuple)))
    array = np.random.default_rng(ndim).standard_normal(shape).astype(dtype)
    t = torch.tensor(array, requires_grad=True)
    a = ae.tensor(array, requires_grad=True)
    kwargs = {} if dim is None else {"dim": dim, "keepdim": keepdim}
    expected = t.mean(**kwargs)
    got = a.mean(**kwargs)
    assert got.shape == tuple(expected.shape) and str(got.dtype) == dtype
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(),
                               rtol=2e-6 if dtype == "float32" else 1e-12, equal_nan=True)
    weights = np.random.default_rng(1).standard_normal(tuple(expected.shape)).astype(dtype)
    (expected * torch.tensor(weights)).sum().backward()
    (got * ae.tensor(weights)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-6)


def test_mean_second_order_as_torch():
    values = np.random.default_rng(2).standard_normal((3, 4))
    out = []
    for lib in (torch, ae):
        x = lib.tensor(values, requires_grad=True)
        y = (x.mean(1) ** 3).sum() + x.mean() ** 2
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), x)
        out.append((np.array(g.tolist()), np.array(h.tolist())))
    for ours, theirs in zip(out[1], out[0]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("call", [
    "lib.tensor([1, 2, 4]).mean()", "lib.tensor([True, False]).mean()",
    "lib.ones(2).mean(dtype=lib.int64)", "lib.tensor([1, 2, 4]).mean(dtype=lib.float64)",
    "lib.ones(2, 3, dtype=lib.float64).mean(1, dtype=lib.float32)", "lib.ones(0).mean()",
    "lib.ones(2, 0).mean(0)", "lib.ones(2, 3).mean(2)", "lib.ones(2, 3).mean((0, 0))",
])
def test_mean_dtypes_and_errors_as_torch(call):
    def run(lib):
        try:
            out = eval(call, {"lib": lib})
        except Exception as exc:  # noqa: BLE001 - the type is what is compared
            return type(exc).__name__
        return str(out.dtype).replace("torch.", ""), tuple(out.shape), out.tolist()
    expected, got = run(torch), run(ae)
    if isinstance(expected, tuple) and expected[2] != expected[2]:  # NaN
        assert np.isnan(got[2]) and got[:2] == expected[:2]
    else:
        assert got == expected
