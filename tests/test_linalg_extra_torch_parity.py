"""mm/mv/dot/addmm/.../tensordot/kron/cross/inner and ae.linalg against torch: values, dtypes,
gradients and errors."""
import math

import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)


def _pair(*shape, dtype=np.float64, shift=0.0):
    data = RNG.uniform(-1, 1, shape).astype(dtype)
    if shift:
        data = data + shift * np.eye(shape[-1], dtype=dtype)
    return (ae.tensor(data, requires_grad=True),
            torch.tensor(data, requires_grad=True))


def _check(fn_ae, fn_t, *shapes, shift=0.0, dtype=np.float64):
    pairs = [_pair(*s, dtype=dtype, shift=shift) for s in shapes]
    out_a = fn_ae(*[p[0] for p in pairs])
    out_t = fn_t(*[p[1] for p in pairs])
    assert out_a.shape == tuple(out_t.shape)
    assert out_a.dtype == np.dtype(str(out_t.dtype).replace("torch.", ""))
    tol = 1e-5 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=tol, atol=tol)
    g = RNG.uniform(-1, 1, out_a.shape)
    out_a.backward(ae.tensor(g.astype(out_a.dtype)))
    out_t.backward(torch.tensor(g.astype(out_a.dtype)))
    for a, t in pairs:
        expected = np.zeros(a.shape) if t.grad is None else t.grad.numpy()  # ord 0: no grad
        np.testing.assert_allclose(a.grad.data, expected, rtol=tol * 10, atol=tol * 10)


CASES = [
    ("mm", lambda a, b: ae.mm(a, b), lambda a, b: torch.mm(a, b), [(3, 4), (4, 2)]),
    ("mm method", lambda a, b: a.mm(b), lambda a, b: a.mm(b), [(3, 4), (4, 2)]),
    ("mv", lambda a, b: a.mv(b), lambda a, b: a.mv(b), [(3, 4), (4,)]),
    ("dot", lambda a, b: a.dot(b), lambda a, b: a.dot(b), [(4,), (4,)]),
    ("vdot", lambda a, b: ae.vdot(a, b), lambda a, b: torch.vdot(a, b), [(4,), (4,)]),
    ("addmm", lambda c, a, b: ae.addmm(c, a, b, beta=0.5, alpha=2.0),
     lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2.0), [(1, 2), (3, 4), (4, 2)]),
    ("addmm method", lambda c, a, b: c.addmm(a, b), lambda c, a, b: c.addmm(a, b),
     [(3, 2), (3, 4), (4, 2)]),
    ("addmv", lambda c, a, b: ae.addmv(c, a, b, alpha=-1.5),
     lambda c, a, b: torch.addmv(c, a, b, alpha=-1.5), [(3,), (3, 4), (4,)]),
    ("baddbmm", lambda c, a, b: ae.baddbmm(c, a, b, beta=2.0),
     lambda c, a, b: torch.baddbmm(c, a, b, beta=2.0), [(3, 2), (2, 3, 4), (2, 4, 2)]),
    ("addbmm", lambda c, a, b: c.addbmm(a, b, alpha=3.0),
     lambda c, a, b: c.addbmm(a, b, alpha=3.0), [(3, 2), (2, 3, 4), (2, 4, 2)]),
    ("tensordot int", lambda a, b: ae.tensordot(a, b, 2),
     lambda a, b: torch.tensordot(a, b, 2), [(2, 3, 4), (3, 4, 5)]),
    ("tensordot lists", lambda a, b: ae.tensordot(a, b, ([0, 2], [2, 0])),
     lambda a, b: torch.tensordot(a, b, ([0, 2], [2, 0])), [(2, 3, 4), (4, 5, 2)]),
    ("tensordot 0", lambda a, b: ae.tensordot(a, b, 0),
     lambda a, b: torch.tensordot(a, b, 0), [(2, 3), (4,)]),
    ("kron", lambda a, b: a.kron(b), lambda a, b: a.kron(b), [(2, 3), (4, 2)]),
    ("kron ndim", lambda a, b: ae.kron(a, b), lambda a, b: torch.kron(a, b),
     [(2, 1, 3), (4, 2)]),
    ("cross", lambda a, b: ae.cross(a, b, dim=1), lambda a, b: torch.cross(a, b, dim=1),
     [(2, 3), (1, 3)]),
    ("linalg.cross", lambda a, b: ae.linalg.cross(a, b),
     lambda a, b: torch.linalg.cross(a, b), [(4, 3), (4, 3)]),
    ("inner", lambda a, b: a.inner(b), lambda a, b: a.inner(b), [(2, 3), (4, 3)]),
    ("inner 1d", lambda a, b: ae.inner(a, b), lambda a, b: torch.inner(a, b), [(3,), (3,)]),
    ("multi_dot", lambda a, b, c: ae.linalg.multi_dot([a, b, c]),
     lambda a, b, c: torch.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4,)]),
    ("linalg.matmul", lambda a, b: ae.linalg.matmul(a, b),
     lambda a, b: torch.linalg.matmul(a, b), [(2, 3, 4), (4, 2)]),
]


@pytest.mark.parametrize("name,fa,ft,shapes", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_products(name, fa, ft, shapes, dtype):
    _check(fa, ft, *shapes, dtype=dtype)


NORMS = [(o, d, k) for o in (2, 1, math.inf, -math.inf, 0, 3, 0.5, -1)
         for d, k in ((None, False), (1, True), ((0, 2), False))]


@pytest.mark.parametrize("ord,dim,keepdim", NORMS)
def test_vector_norm(ord, dim, keepdim):
    _check(lambda a: ae.linalg.vector_norm(a, ord, dim, keepdim),
           lambda a: torch.linalg.vector_norm(a, ord, dim, keepdim), (2, 3, 4))


@pytest.mark.parametrize("ord", [2, 1, math.inf, -math.inf, 0, 3, 0.5, -1])
def test_vector_norm_gradient_at_zero_and_ties(ord):
    data = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0]])
    a, t = ae.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    ae.linalg.vector_norm(a, ord, 1).sum().backward()
    torch.linalg.vector_norm(t, ord, 1).sum().backward()
    expected = np.zeros(a.shape) if t.grad is None else t.grad.numpy()  # ord 0: no grad
    np.testing.assert_allclose(a.grad.data, expected, atol=1e-12)


@pytest.mark.parametrize("ord", ["fro", 1, -1, math.inf, -math.inf])
@pytest.mark.parametrize("dim,keepdim", [((-2, -1), False), ((0, 2), True), ((2, 1), False)])
def test_matrix_norm(ord, dim, keepdim):
    _check(lambda a: ae.linalg.matrix_norm(a, ord, dim, keepdim),
           lambda a: torch.linalg.matrix_norm(a, ord, dim, keepdim), (2, 3, 4))


@pytest.mark.parametrize("ord,dim,shape", [
    (None, None, (2, 3, 4)), (None, 1, (2, 3)), (None, (0, 1), (2, 3)), (1, None, (4,)),
    (1, None, (3, 4)), ("fro", None, (3, 4)), (math.inf, (0, 2), (2, 3, 4)), (3, 1, (2, 3))])
def test_norm_dispatch(ord, dim, shape):
    _check(lambda a: ae.linalg.norm(a, ord, dim), lambda a: torch.linalg.norm(a, ord, dim), shape)


MATRIX = [
    ("inv", lambda a: ae.linalg.inv(a), lambda a: torch.linalg.inv(a)),
    ("inverse method", lambda a: a.inverse(), lambda a: a.inverse()),
    ("det", lambda a: ae.linalg.det(a), lambda a: torch.linalg.det(a)),
    ("det method", lambda a: a.det(), lambda a: a.det()),
    ("slogdet", lambda a: ae.linalg.slogdet(a)[1], lambda a: torch.linalg.slogdet(a)[1]),
]


@pytest.mark.parametrize("name,fa,ft", MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (1, 1)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matrix_routines(name, fa, ft, shape, dtype):
    _check(fa, ft, shape, shift=2.0, dtype=dtype)


def test_slogdet_sign():
    data = np.array([[[0.0, 1.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 3.0]]])
    sign, logabs = ae.linalg.slogdet(ae.tensor(data))
    ts, tl = torch.linalg.slogdet(torch.tensor(data))
    np.testing.assert_allclose(sign.data, ts.numpy())
    np.testing.assert_allclose(logabs.data, tl.numpy())


@pytest.mark.parametrize("shapes", [[(3, 3), (3, 2)], [(3, 3), (3,)], [(2, 3, 3), (3,)],
                                    [(2, 3, 3), (2, 3)], [(3, 3), (2, 3, 1)],
                                    [(2, 1, 3, 3), (4, 3, 2)]])
def test_solve(shapes):
    pa, pb = _pair(*shapes[0], shift=2.0), _pair(*shapes[1])
    out_a, out_t = ae.linalg.solve(pa[0], pb[0]), torch.linalg.solve(pa[1], pb[1])
    assert out_a.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-10)
    (out_a * out_a).sum().backward()
    (out_t * out_t).sum().backward()
    for a, t in (pa, pb):
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-9, atol=1e-12)




ERRORS = [
    ("mm 1d", lambda m: m.mm(m.ones(3), m.ones(3, 2))),
    ("mm 1d mat2", lambda m: m.mm(m.ones(2, 3), m.ones(3))),
    ("mm shapes", lambda m: m.mm(m.ones(2, 3), m.ones(2, 3))),
    ("mm dtype", lambda m: m.mm(m.ones(2, 3), m.ones(3, 2, dtype=m.float64))),
    ("mv", lambda m: m.mv(m.ones(2, 3), m.ones(2, 3))),
    ("mv size", lambda m: m.mv(m.ones(2, 3), m.ones(4))),
    ("dot 2d", lambda m: m.dot(m.ones(2, 3), m.ones(3))),
    ("dot size", lambda m: m.dot(m.ones(3), m.ones(4))),
    ("dot dtype", lambda m: m.dot(m.ones(3), m.ones(3, dtype=m.float64))),
    ("cross", lambda m: m.cross(m.ones(2, 2), m.ones(2, 2), dim=1)),
    ("linalg.cross", lambda m: m.linalg.cross(m.ones(2, 3), m.ones(2, 3), dim=0)),
    ("inner", lambda m: m.inner(m.ones(2, 3), m.ones(4))),
    ("tensordot", lambda m: m.tensordot(m.ones(2, 3), m.ones(2, 3), 1)),
    ("inv square", lambda m: m.linalg.inv(m.ones(2, 3))),
    ("det square", lambda m: m.linalg.det(m.ones(2, 3))),
    ("inv int", lambda m: m.linalg.inv(m.ones(2, 2, dtype=m.int64))),
    ("vector_norm int", lambda m: m.linalg.vector_norm(m.ones(3, dtype=m.int64))),
    ("matrix_norm 1d", lambda m: m.linalg.matrix_norm(m.ones(3))),
    ("matrix_norm ord", lambda m: m.linalg.matrix_norm(m.ones(3, 3), ord=3)),
]


@pytest.mark.parametrize("name,f", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, f):
    with pytest.raises(RuntimeError) as et:
        f(torch)
    with pytest.raises(RuntimeError) as ea:
        f(ae)
    assert str(ea.value) == str(et.value)


@pytest.mark.parametrize("f", [lambda m: m.linalg.inv(m.zeros(2, 2, dtype=m.float64)),
                               lambda m: m.linalg.solve(m.zeros(2, 2, dtype=m.float64),
                                                        m.ones(2, dtype=m.float64))])
def test_singular_raises_linalg_error(f):
    with pytest.raises(torch.linalg.LinAlgError):
        f(torch)
    with pytest.raises(ae.linalg.LinAlgError):
        f(ae)
    assert issubclass(ae.linalg.LinAlgError, RuntimeError)
