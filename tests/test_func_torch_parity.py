"""``ae.func`` against ``torch.func``: the same code with each library, values and exception
types compared (skipped without torch)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")
import torch.func  # noqa: E402


def _lib(name):
    return (ae, ae.func) if name == "ae" else (torch, torch.func)


def _t(T, values):
    return T.tensor(np.array(values, np.float64))


def _grad(T, F):
    x = _t(T, [1.0, 2.0, 3.0])
    return [F.grad(lambda x: (x.sin() * x).sum())(x)]


def _grad_of_grad(T, F):
    return [F.grad(F.grad(lambda x: (x ** 3).sum()))(_t(T, 2.0))]


def _argnums_tuple(T, F):
    x, w = _t(T, [0.1, 0.2, 0.3]), _t(T, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return list(F.grad(lambda x, w: (x @ w).tanh().sum(), argnums=(0, 1))(x, w))


def _has_aux(T, F):
    g, aux = F.grad(lambda x: ((x ** 2).sum(), x * 2), has_aux=True)(_t(T, [1.0, 2.0]))
    return [g, aux]


def _grad_and_value(T, F):
    return list(F.grad_and_value(lambda x: (x.exp() * x).sum())(_t(T, [0.5, -1.0])))


def _vjp(T, F):
    out, fn = F.vjp(lambda x, y: (x.exp() * y, x * 3), _t(T, [1.0, 2.0]), _t(T, [3.0, 4.0]))
    grads = fn((_t(T, [1.0, 0.5]), _t(T, [2.0, 1.0])))
    return list(out) + list(grads)


def _jvp(T, F):
    out, tangent = F.jvp(lambda x: x.exp() * x, (_t(T, [1.0, 2.0, 3.0]),),
                         (_t(T, [1.0, 0.0, 2.0]),))
    return [out, tangent]


def _jacrev(T, F):
    x = _t(T, [1.0, 2.0, 3.0])
    return [F.jacrev(lambda x: x.exp() * x.sum())(x)]


def _jacrev_argnums(T, F):
    x, w = _t(T, [1.0, 2.0, 3.0]), _t(T, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return list(F.jacrev(lambda x, w: (x @ w).sin(), argnums=(0, 1))(x, w))


def _jacfwd(T, F):
    return [F.jacfwd(lambda x: x ** 2 * x[0])(_t(T, [1.0, 2.0, 3.0]))]


def _hessian(T, F):
    return [F.hessian(lambda x: (x ** 3).sum() + x[0] * x[1])(_t(T, [1.0, 2.0, 3.0]))]


def _vmap_matvec(T, F):
    w, x = _t(T, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), _t(T, [1.0, 2.0, 3.0])
    return [F.vmap(lambda a, b: a @ b)(T.stack([w.T, w.T * 2]), T.stack([x, x]))]


def _vmap_dims(T, F):
    w = _t(T, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return [F.vmap(lambda a: a.sum(0), in_dims=1)(w),
            F.vmap(lambda a, s: a * s, in_dims=(0, None), out_dims=1)(w, _t(T, 3.0))]


def _vmap_of_grad(T, F):
    w = _t(T, [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return [F.vmap(F.grad(lambda a: (a ** 2).sum() * a[0]))(w)]


def _vmap_pytrees(T, F):
    x = _t(T, [1.0, 2.0, 3.0])
    out = F.vmap(lambda d: {"s": d["a"] + d["b"], "p": (d["a"] * 2,)})({"a": x, "b": x * 3})
    return [out["s"], out["p"][0]]


def _per_sample_grads(T, F):
    T.manual_seed(0)
    lin = T.nn.Linear(3, 2).double()
    with T.no_grad():
        lin.weight.copy_(_t(T, [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        lin.bias.copy_(_t(T, [0.01, -0.02]))
    params = {k: v.detach() for k, v in lin.named_parameters()}
    xs = _t(T, [[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    loss = lambda p, xi: F.functional_call(lin, p, (xi,)).pow(2).sum()  # noqa: E731
    per = F.vmap(F.grad(loss), in_dims=(None, 0))(params, xs)
    return [per["weight"], per["bias"], F.functional_call(lin, params, xs)]


def _maml_second_order(T, F):
    w = _t(T, [0.5, -0.3])
    w.requires_grad_()
    x, y = _t(T, [[1.0, 2.0], [3.0, -1.0]]), _t(T, [1.0, 0.0])
    inner = lambda w: ((x @ w - y) ** 2).mean()  # noqa: E731
    adapted = w - 0.1 * F.grad(inner)(w)
    outer = ((x @ adapted + 1.0 - y) ** 2).sum()
    outer.backward()
    return [adapted, w.grad]


def _not_scalar(T, F):
    F.grad(lambda x: x * 2)(_t(T, [1.0, 2.0]))


def _bad_argnum(T, F):
    F.grad(lambda x: x.sum(), argnums=1)(_t(T, [1.0, 2.0]))


def _sizes_differ(T, F):
    F.vmap(lambda a, b: a + b)(T.ones(3, 2), T.ones(4, 2))


def _nothing_mapped(T, F):
    F.vmap(lambda a: a, in_dims=None)(T.ones(3))


def _random_in_vmap(T, F):
    F.vmap(lambda a: T.rand(2) + a)(T.ones(3, 2))


def _jvp_primals_not_tuple(T, F):
    x = _t(T, [1.0])
    F.jvp(lambda a: a, x, x)


def _vmap_returns_float(T, F):
    F.vmap(lambda a: 1.0)(_t(T, [1.0, 2.0]))


CASES = [_grad, _grad_of_grad, _argnums_tuple, _has_aux, _grad_and_value, _vjp, _jvp,
         _jacrev, _jacrev_argnums, _jacfwd, _hessian, _vmap_matvec, _vmap_dims, _vmap_of_grad,
         _vmap_pytrees, _per_sample_grads, _maml_second_order, _not_scalar, _bad_argnum,
         _sizes_differ, _nothing_mapped, _random_in_vmap, _jvp_primals_not_tuple,
         _vmap_returns_float]


def _run(case, name):
    try:
        out = case(*_lib(name))
    except Exception as exc:  # noqa: BLE001 - the exception type is compared
        return type(exc)
    return [np.asarray(v.detach() if hasattr(v, "detach") else v, np.float64) for v in out]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.strip("_"))
def test_same_as_torch_func(case):
    ours, theirs = _run(case, "ae"), _run(case, "torch")
    if isinstance(theirs, type) or isinstance(ours, type):
        assert ours is theirs, (ours, theirs)
        return
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 4), n=st.integers(1, 4), m=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_jacobians_and_per_sample_grads_on_random_shapes(batch, n, m, seed):
    rng = np.random.default_rng(seed)
    xs, w = rng.normal(size=(batch, n)), rng.normal(size=(n, m))

    def run(T, F):
        f = lambda x, w: ((x @ w).tanh() * x.sum()).sum()  # noqa: E731
        per = F.vmap(F.grad(f, argnums=(0, 1)), in_dims=(0, None))(T.tensor(xs), T.tensor(w))
        jac = F.jacrev(lambda x: (x @ T.tensor(w)).sin())(T.tensor(xs))
        return [per[0], per[1], jac]

    for a, b in zip(run(ae, ae.func), run(torch, torch.func)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
