"""The ops of test_index_extra.py against PyTorch: values, dtypes, gradients (repeated
indices included) and exception types."""
import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")

X = np.arange(12.0).reshape(3, 4)
S = np.random.default_rng(0).random((3, 4))
I = np.array([[0, 2, 0, 1], [1, 1, 1, 1]])  # repeats along both dims
J = np.array([0, 2, 0])
M = np.array([True, False, True, True])
W = np.random.default_rng(1).random((3, 4))


def _long(a):
    return torch.tensor(np.asarray(a))


CASES = {
    "scatter": (lambda m, a, b: m.scatter(a, 0, _idx(m, I), b), (X, S[:2])),
    "scatter value": (lambda m, a: m.scatter(a, 1, _idx(m, I[:, :2]), value=2.5), (X,)),
    "scatter_add": (lambda m, a, b: m.scatter_add(a, 0, _idx(m, I), b), (X, S[:2])),
    "scatter_reduce sum": (lambda m, a, b: m.scatter_reduce(a, 0, _idx(m, I), b, "sum"),
                           (X, S[:2])),
    "scatter_reduce mean": (lambda m, a, b: m.scatter_reduce(a, 0, _idx(m, I), b, "mean"),
                            (X, S[:2])),
    "scatter_reduce mean excl": (lambda m, a, b: m.scatter_reduce(
        a, 1, _idx(m, I), b, "mean", include_self=False), (X, S[:2])),
    "index_add": (lambda m, a, b: m.index_add(a, 0, _idx(m, J), b, alpha=2.0), (X, S)),
    "index_add dim1": (lambda m, a, b: m.index_add(a, 1, _idx(m, J), b), (X, S[:, :3])),
    "index_copy": (lambda m, a, b: m.index_copy(a, 1, _idx(m, [3, 0]), b), (X, S[:, :2])),
    "index_fill": (lambda m, a: m.index_fill(a, 1, _idx(m, [-1, 0]), 7.0), (X,)),
    "index_fill tensor": (lambda m, a, v: m.index_fill(a, 1, _idx(m, [1]), v),
                          (X, np.array(3.0))),
    "index_put acc": (lambda m, a, v: a.index_put((_idx(m, [0, 2, 0]),), v, accumulate=True),
                      (X, S[0])),
    "index_put pairs": (lambda m, a, v: a.index_put((_idx(m, [0, 2]), _idx(m, [1, -1])), v),
                        (X, S[0, :2])),
    "masked_select": (lambda m, a: m.masked_select(a, _mask(m, M)), (X,)),
    "masked_scatter": (lambda m, a, b: a.masked_scatter(_mask(m, M), b), (X, S)),
    "take": (lambda m, a: m.take(a, _idx(m, [[0, -1], [5, 5]])), (X,)),
    "take_along_dim": (lambda m, a: m.take_along_dim(a, _idx(m, [[0, -1]]), 1), (X,)),
    "take_along_dim bcast": (lambda m, a: m.take_along_dim(a, _idx(m, [[0], [1], [3]]), 1),
                             (X,)),
    "take_along_dim flat": (lambda m, a: m.take_along_dim(a, _idx(m, [5, 0, 5])), (X,)),
    "put acc": (lambda m, a, b: m.put(a, _idx(m, [0, 0, -1]), b, accumulate=True),
                (X, S[0, :3])),
    "put": (lambda m, a, b: m.put(a, _idx(m, [1, -1]), b), (X, S[0, :2])),
    "broadcast_to": (lambda m, a: m.broadcast_to(a, (2, 3, 4)), (X,)),
    "hstack": (lambda m, a, b: m.hstack([a, b]), (X, S)),
    "vstack": (lambda m, a, b: m.vstack([a[0], b[0]]), (X, S)),
    "dstack": (lambda m, a, b: m.dstack([a, b]), (X, S)),
    "concat": (lambda m, a, b: m.concat([a, b], 1), (X, S)),
    "concatenate": (lambda m, a, b: m.concatenate([a, b], -1), (X, S)),
}


def _idx(m, a):
    return _long(a) if m is torch else ae.tensor(np.asarray(a))


def _mask(m, a):
    return _long(a) if m is torch else ae.tensor(a)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients(name):
    fn, arrays = CASES[name]
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    at = [ae.tensor(a, requires_grad=True) for a in arrays]
    rt, ra = fn(torch, *tt), fn(ae, *at)
    np.testing.assert_allclose(ra.detach().numpy(), rt.detach().numpy(), rtol=1e-12)
    assert str(ra.dtype) == str(rt.dtype).replace("torch.", "")
    w = np.random.default_rng(2).random(tuple(rt.shape))
    (rt * torch.tensor(w)).sum().backward()
    (ra * ae.tensor(w)).sum().backward()
    for t, a in zip(tt, at):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("spec", [3, 2, [1, 3], [-1], [5, 1], [0, 2, 2]])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_tensor_split(spec, dim):
    t, a = torch.tensor(X, requires_grad=True), ae.tensor(X, requires_grad=True)
    pt, pa = torch.tensor_split(t, spec, dim), ae.tensor_split(a, spec, dim)
    assert [tuple(p.shape) for p in pt] == [p.shape for p in pa]
    for k, (p, q) in enumerate(zip(pt, pa)):
        np.testing.assert_array_equal(q.detach().numpy(), p.detach().numpy())
        (p * (k + 1)).sum().backward()
        (q * (k + 1)).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), t.grad.numpy())


def test_hsplit_vsplit_broadcast_tensors_argwhere():
    t, a = torch.tensor(X), ae.tensor(X)
    for pt, pa in [(torch.hsplit(t, 2), ae.hsplit(a, 2)), (t.hsplit([1]), a.hsplit([1])),
                   (torch.vsplit(t, 3), ae.vsplit(a, 3)),
                   (torch.broadcast_tensors(t, torch.ones(2, 1, 1)),
                    ae.broadcast_tensors(a, ae.ones(2, 1, 1))),
                   (torch.nonzero(t > 6, as_tuple=True), ae.nonzero(a > 6, as_tuple=True)),
                   ((torch.argwhere(t > 6),), (ae.argwhere(a > 6),))]:
        assert len(pt) == len(pa)
        for p, q in zip(pt, pa):
            np.testing.assert_array_equal(q.numpy(), p.numpy())


@pytest.mark.parametrize("kwargs", [{}, {"return_inverse": True, "return_counts": True},
                                    {"dim": 0, "return_inverse": True, "return_counts": True},
                                    {"dim": 1, "return_inverse": True}])
def test_unique(kwargs):
    u = np.array([[3, 1, 3], [1, 1, 2], [3, 1, 3]])
    rt, ra = torch.unique(torch.tensor(u), **kwargs), ae.unique(ae.tensor(u), **kwargs)
    rt, ra = (rt, ra) if isinstance(rt, tuple) else ((rt,), (ra,))
    for p, q in zip(rt, ra):
        assert q.tolist() == p.tolist() and str(q.dtype) == str(p.dtype).replace("torch.", "")


@pytest.mark.parametrize("data,dim", [([1, 1, 2, 2, 3, 1, 1, 2], None),
                                      ([[1, 2], [1, 2], [3, 4], [1, 2]], 0),
                                      ([[1, 1, 2], [3, 3, 4]], 1)])
def test_unique_consecutive(data, dim):
    kw = {"return_inverse": True, "return_counts": True, "dim": dim}
    rt = torch.unique_consecutive(torch.tensor(data), **kw)
    ra = ae.unique_consecutive(ae.tensor(data), **kw)
    for p, q in zip(rt, ra):
        assert q.tolist() == p.tolist()


def test_in_place_forms():
    pairs = [("scatter_", (1, [[1, 3]], 5.0)), ("scatter_add_", (0, I, S[:2])),
             ("index_add_", (0, J, S)), ("index_copy_", (1, [2], S[:, :1])),
             ("index_fill_", (0, [-1], -3.0)), ("masked_fill_", (M, -1.0)),
             ("masked_scatter_", (M, S)), ("put_", ([0, 0, 7], S[0, :3], True)),
             ("index_put_", (([0, 2],), S[0, :1]))]
    t, a = torch.tensor(X), ae.tensor(X)
    for name, args in pairs:
        def conv(m, v):
            if isinstance(v, tuple):
                return tuple(conv(m, e) for e in v)
            if isinstance(v, list) or (isinstance(v, np.ndarray) and v.dtype.kind in "ib"):
                return _long(v) if m is torch else ae.tensor(np.asarray(v))
            if isinstance(v, np.ndarray):
                return torch.tensor(v) if m is torch else ae.tensor(v)
            return v
        assert getattr(a, name)(*conv(ae, args)) is a
        getattr(t, name)(*conv(torch, args))
        np.testing.assert_allclose(a.numpy(), t.numpy(), rtol=1e-12, err_msg=name)


ERRORS = [
    lambda m, x: m.scatter(x, 1, _idx(m, [[0, 4]]), 1.0),
    lambda m, x: m.scatter(x, 1, _idx(m, [[0, -1]]), 1.0),
    lambda m, x: m.scatter(x, 1, _idx(m, [0, 1]), 1.0),
    lambda m, x: m.scatter(x, 1, _idx(m, [[0, 1, 2, 0, 1]]), m.ones(3, 4, dtype=x.dtype)),
    lambda m, x: m.scatter_add(x, 1, _idx(m, [[0, 4]]), m.ones(3, 4, dtype=x.dtype)),
    lambda m, x: m.scatter(x, 1, _idx(m, [[0]]), m.ones(1, 1, dtype=m.float32)),
    lambda m, x: m.index_add(x, 1, _idx(m, [0, 4]), m.ones(3, 2, dtype=x.dtype)),
    lambda m, x: m.index_add(x, 1, _idx(m, [0, 1]), m.ones(3, 3, dtype=x.dtype)),
    lambda m, x: m.index_copy(x, 1, _idx(m, [0, 4]), m.ones(3, 2, dtype=x.dtype)),
    lambda m, x: m.index_copy(x, 1, _idx(m, np.array([0], np.int32)), m.ones(3, 1,
                                                                              dtype=x.dtype)),
    lambda m, x: m.index_fill(x, 1, _idx(m, [4]), 1.0),
    lambda m, x: m.index_fill(x, 1, _idx(m, np.array([0], np.int32)), 1.0),
    lambda m, x: x.index_put((_idx(m, [0, 5]),), m.tensor(1.0, dtype=x.dtype)),
    lambda m, x: m.masked_select(x, _idx(m, [1, 0, 1, 0])),
    lambda m, x: x.masked_scatter(_mask(m, M), m.ones(8, dtype=x.dtype)),
    lambda m, x: m.take(x, _idx(m, [12])),
    lambda m, x: m.take(x, _idx(m, [-13])),
    lambda m, x: m.take(x, _idx(m, np.array([0], np.int32))),
    lambda m, x: m.take_along_dim(x, _idx(m, np.array([[0]], np.int32)), 1),
    lambda m, x: x.clone().put_(_idx(m, [12]), m.ones(1, dtype=x.dtype)),
    lambda m, x: x.clone().put_(_idx(m, [0, 1]), m.ones(1, dtype=x.dtype)),
    lambda m, x: m.hsplit(x, 3),
    lambda m, x: m.vsplit(x[0], 1),
    lambda m, x: m.tensor_split(x, 0),
    lambda m, x: m.broadcast_tensors(x, m.ones(2, dtype=x.dtype)),
    lambda m, x: x.requires_grad_().scatter_(1, _idx(m, [[0]]), 2.0),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_error_types(k):
    with pytest.raises(Exception) as expected:
        ERRORS[k](torch, torch.tensor(X))
    with pytest.raises(expected.type):
        ERRORS[k](ae, ae.tensor(X))
