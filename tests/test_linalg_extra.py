"""mm/mv/dot/addmm/.../kron/cross/inner and ae.linalg: literal values from torch, float64
gradchecks of the compositions, torch's errors (no torch needed)."""
import math

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck

from .cases import rand

A = [[2.0, 1.0], [1.0, 3.0]]
B = [[1.0, 2.0], [0.0, -1.0]]


def _t(data, grad=False):
    return ae.tensor(data, dtype=np.float64, requires_grad=grad)


def test_matrix_routine_values_and_grads():
    a = _t(A, True)
    np.testing.assert_allclose(ae.linalg.inv(a).data, [[0.6, -0.2], [-0.2, 0.4]])
    d = ae.linalg.det(a)
    d.backward()
    assert d.item() == pytest.approx(5.0)
    np.testing.assert_allclose(a.grad.data, [[3.0, -1.0], [-1.0, 2.0]])
    a.grad = None
    sign, logabs = ae.linalg.slogdet(a)
    logabs.backward()
    assert (sign.item(), logabs.item()) == pytest.approx((1.0, 1.6094379124341005))
    np.testing.assert_allclose(a.grad.data, [[0.6, -0.2], [-0.2, 0.4]])
    np.testing.assert_allclose(ae.linalg.solve(a, _t([1.0, -2.0])).data, [1.0, -1.0])


def test_product_values():
    a, b = _t(A), _t(B)
    np.testing.assert_allclose(ae.addmm(ae.ones(2, 2, dtype=ae.float64), a, b, beta=2,
                                        alpha=0.5).data, [[3.0, 3.5], [2.5, 1.5]])
    np.testing.assert_allclose(ae.kron(b, _t([[1.0, 2.0]])).data,
                               [[1.0, 2.0, 2.0, 4.0], [0.0, 0.0, -1.0, -2.0]])
    np.testing.assert_allclose(ae.linalg.cross(_t([1.0, 2, 3]), _t([4.0, 5, 6])).data,
                               [-3.0, 6.0, -3.0])
    assert ae.dot(_t([1.0, 2.0]), _t([3.0, 4.0])).item() == 11.0
    np.testing.assert_allclose(a.mv(_t([1.0, -2.0])).data, [0.0, -5.0])
    np.testing.assert_allclose(ae.inner(a, b).data, [[4.0, -1.0], [7.0, -3.0]])
    assert ae.tensordot(rand(2, 3, 4), rand(3, 4, 5), 2).shape == (2, 5)


@pytest.mark.parametrize("ord,expected", [(2, 5.099019527435303), (1, 8.0), (math.inf, 4.0),
                                          (-math.inf, 0.0), (0, 3.0), (3, 4.514357566833496)])
def test_vector_norm_values(ord, expected):
    x = ae.tensor([[3.0, -4.0], [0.0, 1.0]])
    assert ae.linalg.vector_norm(x, ord).item() == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("ord,expected", [("fro", 5.099019527435303), (1, 5.0), (-1, 3.0),
                                          (math.inf, 7.0), (-math.inf, 1.0)])
def test_matrix_norm_values(ord, expected):
    x = ae.tensor([[3.0, -4.0], [0.0, 1.0]])
    assert ae.linalg.matrix_norm(x, ord).item() == pytest.approx(expected, rel=1e-6)
    assert ae.linalg.norm(x, ord).item() == pytest.approx(expected, rel=1e-6)


GRADCHECKS = [
    ("mm", lambda a, b: ae.mm(a, b), [(3, 4), (4, 2)]),
    ("mv", lambda a, b: ae.mv(a, b), [(3, 4), (4,)]),
    ("dot", lambda a, b: ae.dot(a, b), [(4,), (4,)]),
    ("addmm", lambda c, a, b: ae.addmm(c, a, b, beta=0.5, alpha=2), [(3, 1), (3, 4), (4, 2)]),
    ("addmv", lambda c, a, b: ae.addmv(c, a, b, beta=2), [(3,), (3, 4), (4,)]),
    ("baddbmm", lambda c, a, b: ae.baddbmm(c, a, b), [(3, 2), (2, 3, 4), (2, 4, 2)]),
    ("addbmm", lambda c, a, b: ae.addbmm(c, a, b), [(3, 2), (2, 3, 4), (2, 4, 2)]),
    ("tensordot", lambda a, b: ae.tensordot(a, b, ([0, 2], [2, 0])), [(2, 3, 4), (4, 5, 2)]),
    ("kron", lambda a, b: ae.kron(a, b), [(2, 3), (3, 1, 2)]),
    ("cross", lambda a, b: ae.cross(a, b, 1), [(2, 3), (1, 3)]),
    ("inner", lambda a, b: ae.inner(a, b), [(2, 3), (4, 3)]),
    ("vector_norm 3", lambda a: ae.linalg.vector_norm(a, 3, 1), [(2, 3)]),
    ("vector_norm inf", lambda a: ae.linalg.vector_norm(a, math.inf, 0), [(2, 3)]),
    ("matrix_norm fro", lambda a: ae.linalg.matrix_norm(a), [(2, 3, 4)]),
    ("matrix_norm 1", lambda a: ae.linalg.matrix_norm(a, 1), [(2, 3, 4)]),
    ("matrix_norm -inf", lambda a: ae.linalg.matrix_norm(a, -math.inf), [(2, 3, 4)]),
    ("multi_dot", lambda a, b, c: ae.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)]),
]


@pytest.mark.parametrize("name,fn,shapes", GRADCHECKS, ids=[g[0] for g in GRADCHECKS])
def test_gradcheck(name, fn, shapes):
    inputs = tuple(rand(*s, seed=i) for i, s in enumerate(shapes))
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


ERRORS = [
    (lambda: ae.mm(ae.ones(3), ae.ones(3, 2)), "self must be a matrix"),
    (lambda: ae.mm(ae.ones(2, 3), ae.ones(2, 3)),
     r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"),
    (lambda: ae.dot(ae.ones(3), ae.ones(3, dtype=ae.float64)),
     "dot : expected both vectors to have same dtype, but found Float and Double"),
    (lambda: ae.dot(ae.ones(2, 3), ae.ones(3)), "1D tensors expected, but got 2D and 1D"),
    (lambda: ae.linalg.cross(ae.ones(2, 2), ae.ones(2, 2)),
     "linalg.cross: inputs dimension -1 must have length 3"),
    (lambda: ae.linalg.inv(ae.ones(2, 3)),
     "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices"),
    (lambda: ae.linalg.matrix_norm(ae.ones(3, 3), ord=3), "Order 3 not supported"),
]


@pytest.mark.parametrize("fn,match", ERRORS)
def test_errors(fn, match):
    with pytest.raises(RuntimeError, match=match):
        fn()


def test_singular_matrix_raises_linalg_error():
    assert issubclass(ae.linalg.LinAlgError, RuntimeError)
    with pytest.raises(ae.linalg.LinAlgError):
        ae.linalg.inv(ae.zeros(2, 2))
    with pytest.raises(ae.linalg.LinAlgError):
        ae.linalg.solve(ae.zeros(2, 2), ae.ones(2))


def test_matmul_over_an_empty_inner_dim_gives_zeros():
    """k = 0 with a 1-D or batched left operand (numpy cannot infer a -1 there); PyTorch's
    results: zeros of the broadcast shape, and empty gradients."""
    assert ae.matmul(ae.zeros(0), ae.zeros(0, 1)).tolist() == [0.0]
    assert ae.matmul(ae.zeros(0, 3, 0), ae.zeros(0, 2)).shape == (0, 3, 2)
    x, w = ae.ones(2, 3, 0, requires_grad=True), ae.ones(0, 4, requires_grad=True)
    y = x @ w
    assert y.shape == (2, 3, 4) and y.abs().sum().item() == 0.0
    y.sum().backward()
    assert x.grad.shape == (2, 3, 0) and w.grad.shape == (0, 4)
    assert ae.nn.Linear(0, 2)(ae.zeros(0)).shape == (2,)
