"""``ae.func`` (torch.func's transforms): analytic values and PyTorch's behaviour written out
(tests/test_func_torch_parity.py compares with torch live)."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.func import tree_flatten, tree_unflatten

F = ae.func


def _t(values):
    return ae.tensor(np.array(values, np.float64))


def test_grad_matches_the_analytic_derivative():
    x = _t([1.0, 2.0, 3.0])
    g = F.grad(lambda x: (x.sin() * x).sum())(x)
    np.testing.assert_allclose(g.numpy(), np.sin(x.numpy()) + x.numpy() * np.cos(x.numpy()))
    assert not g.requires_grad and not x.requires_grad


def test_transforms_compose():
    assert F.grad(F.grad(F.grad(lambda x: x ** 4)))(_t(2.0)).item() == 48.0
    h = F.hessian(lambda x: (x ** 3).sum())(_t([1.0, 2.0]))
    np.testing.assert_allclose(h.numpy(), np.diag([6.0, 12.0]))
    per_row = F.vmap(F.grad(lambda r: (r ** 2).sum()))(_t([[1.0, 2.0], [3.0, 4.0]]))
    assert per_row.tolist() == [[2.0, 4.0], [6.0, 8.0]]


def test_results_stay_differentiable_for_an_enclosing_backward():
    w = _t([0.5, -0.3]).requires_grad_()
    g = F.grad(lambda w: (w ** 3).sum())(w)  # 3 w^2, a function of w
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [3.0, -1.8])


def test_vjp_jvp_and_jacobian_shapes():
    x = _t([1.0, 2.0, 3.0])
    out, fn = F.vjp(lambda x: x * x, x)
    assert fn(_t([1.0, 1.0, 1.0]))[0].tolist() == [2.0, 4.0, 6.0]
    out, tangent = F.jvp(lambda x: x * x, (x,), (_t([1.0, 0.0, 1.0]),))
    assert tangent.tolist() == [2.0, 0.0, 6.0]
    jac = F.jacrev(lambda x, w: x @ w, argnums=(0, 1))(x, _t(np.ones((3, 2))))
    assert jac[0].shape == (2, 3) and jac[1].shape == (2, 3, 2)
    assert F.jacrev(lambda x: x[:0])(x).shape == (0, 3)


def test_vmap_random_modes():
    ae.manual_seed(0)
    x = ae.zeros(3, 2)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        F.vmap(lambda a: ae.rand(2) + a)(x)
    same = F.vmap(lambda a: ae.rand(2) + a, randomness="same")(x)
    different = F.vmap(lambda a: ae.rand(2) + a, randomness="different")(x)
    assert (same[0] == same[1]).all() and (same[1] == same[2]).all()
    assert not (different[0] == different[1]).all()
    ae.rand(1)  # the generator works again after the error


def test_errors_as_pytorch():
    x = _t([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor, "
                                           "got tensor with 1 dims"):
        F.grad(lambda x: x * 2)(x)
    with pytest.raises(RuntimeError, match="Got argnum=1, but only 1 positional inputs"):
        F.grad(lambda x: x.sum(), argnums=1)(x)
    with pytest.raises(ValueError, match="same size in the mapped dimension, got sizes \\[3, 4\\]"):
        F.vmap(lambda a, b: a + b)(ae.ones(3, 2), ae.ones(4, 2))
    with pytest.raises(ValueError, match="at least one input must be mapped over"):
        F.vmap(lambda a: a, in_dims=None)(x)
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        F.jvp(lambda a: a, x, x)


def test_functional_call_swaps_and_restores():
    lin = ae.nn.Linear(2, 1).double()
    original = lin.weight
    params = {"weight": _t([[1.0, 2.0]]), "bias": _t([0.5])}
    assert F.functional_call(lin, params, _t([[1.0, 1.0]])).tolist() == [[3.5]]
    assert lin.weight is original
    with pytest.raises(RuntimeError, match="Missing key\\(s\\): 'bias'"):
        F.functional_call(lin, {"weight": params["weight"]}, (_t([[1.0, 1.0]]),), strict=True)


def test_functional_call_follows_tied_weights():
    first, second = ae.nn.Linear(2, 2, bias=False).double(), ae.nn.Linear(2, 2, bias=False)
    second.weight = first.weight  # two modules, one Parameter
    with ae.no_grad():
        first.weight.copy_(ae.eye(2, dtype=ae.float64))
    net = ae.nn.Sequential(first, second)
    weight, x = _t([[2.0, 0.0], [0.0, 2.0]]), _t([1.0, 1.0])
    assert F.functional_call(net, {"0.weight": weight}, x).tolist() == [4.0, 4.0]
    assert F.functional_call(net, {"0.weight": weight}, x, tie_weights=False).tolist() == \
        [2.0, 2.0]
    with pytest.raises(ValueError, match="got multiple values for keys \\['0.weight', "
                                         "'1.weight'\\], which are tied"):
        F.functional_call(net, {"0.weight": weight, "1.weight": weight * 2}, x)


def test_pytrees_round_trip():
    tree = {"a": (1, [2, 3]), "b": {"c": 4}}
    leaves, spec = tree_flatten(tree)
    assert leaves == [1, 2, 3, 4] and tree_unflatten(leaves, spec) == tree
