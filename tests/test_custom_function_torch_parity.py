"""The same custom-Function and autograd-API code run on PyTorch and on autograd_engine:
outcomes (values or exception types) must agree."""
import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")


def outcome(fn, m):
    try:
        result = fn(m)
    except Exception as exc:  # noqa: BLE001 - the exception type is the outcome
        return type(exc).__name__
    return result


def same(fn):
    assert outcome(fn, ae) == outcome(fn, torch)


def leaf(m, values):
    return m.tensor(values, dtype=m.float64, requires_grad=True)


def identity(m):
    class Id(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g
    return Id


def scale(m, backward):
    class Scale(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k
    Scale.backward = staticmethod(backward)
    return Scale


def case_returned_input_modified(m):
    x, w = m.tensor([1.0, 2.0], dtype=m.float64), leaf(m, [1.0, 1.0])
    z = (identity(m).apply(x) * w).sum()
    x.add_(10)
    z.backward()
    return w.grad.tolist()


def case_keyword_inputs(m):
    class Mul(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, a=None, b=None):
            ctx.save_for_backward(x, a, b)
            return x * a * b

        @staticmethod
        def backward(ctx, g):
            return g, g * 2, g * 3

    x, a, b = leaf(m, [1.0]), leaf(m, [1.0]), leaf(m, [1.0])
    Mul.apply(x, b=b, a=a).sum().backward()
    return x.grad.tolist(), a.grad.tolist(), b.grad.tolist()


def case_saved_non_differentiable(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            mm = x * 3
            ctx.mark_non_differentiable(mm)
            ctx.save_for_backward(x, mm)
            return x * x, mm

        @staticmethod
        def backward(ctx, gy, gm):
            x, mm = ctx.saved_tensors
            return gy * 2 * x + gy * mm + gm * 3

    x = leaf(m, [1.0, 2.0])
    (g,) = m.autograd.grad(F.apply(x)[0].sum(), x, create_graph=True)
    return m.autograd.grad(g.sum(), x)[0].tolist()


def case_number_output(m):
    class G(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 3

        @staticmethod
        def backward(ctx, g, g2):
            return g * 2 + (0 if g2 is None else 100)

    x = leaf(m, [1.0])
    y, k = G.apply(x)
    y.sum().backward()
    return type(k).__name__, x.grad.tolist()


def case_gradcheck_noncontiguous(m):
    base = m.tensor(np.arange(6.0).reshape(2, 3), dtype=m.float64)
    x = base.t()
    x.requires_grad_()
    m.autograd.gradcheck(lambda t: t.sin(), (x,))
    with m.no_grad():
        base.add_(1)
    return x.tolist()


def case_gradcheck_no_rg(m):
    return m.autograd.gradcheck(lambda t: t * 2, (m.tensor([1.0], dtype=m.float64),))


def case_gradgradcheck_no_rg(m):
    return m.autograd.gradgradcheck(lambda t: t * 2, (m.tensor([1.0], dtype=m.float64),))


def case_trailing_nones(m):
    x = leaf(m, [1.0, 1.0])
    scale(m, lambda ctx, g: (g * 2, None, None)).apply(x, 2.0).sum().backward()
    return x.grad.tolist()


def case_grad_for_number(m):
    scale(m, lambda ctx, g: (g * 2, g)).apply(leaf(m, [1.0]), 2.0).sum().backward()


def case_list_returned(m):
    scale(m, lambda ctx, g: [g * 2, None]).apply(leaf(m, [1.0]), 2.0).sum().backward()


def case_int_gradient(m):
    x = leaf(m, [1.0, 2.0])
    scale(m, lambda ctx, g: (m.ones(2, dtype=m.int64), None)).apply(x, 1.0).sum().backward()
    return x.grad.tolist()


def case_instance_call(m):
    identity(m)()(leaf(m, [1.0]))


def case_grad_one_tensor_two_outputs(m):
    x = leaf(m, [1.0, 2.0])
    m.autograd.grad([x * 2, x * 3], x, m.tensor([1.0, 1.0], dtype=m.float64))


def case_grad_empty_inputs(m):
    x = leaf(m, [1.0])
    m.autograd.grad((x * 2).sum(), [])


def case_number_grad_output(m):
    x = leaf(m, [1.0])
    (x * 2).sum().backward(2.0)


def case_materialize_off(m):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + (0 if g2 is None else 100)

    x = leaf(m, [1.0])
    F.apply(x)[0].sum().backward()
    return x.grad.tolist()


def case_mark_dirty(m):
    class D(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            a.mul_(2)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = leaf(m, [1.0, 2.0])
    a = x.clone()
    y = D.apply(a)
    y.sum().backward()
    return y is a, a._version, x.grad.tolist()


def case_next_functions(m):
    x, c = leaf(m, [1.0]), m.tensor([2.0], dtype=m.float64)
    y = x * c
    (acc, nr0), (none, nr1) = y.grad_fn.next_functions
    z = (y * 2).grad_fn.next_functions[0]
    return acc.variable is x, nr0, none, nr1, z == (y.grad_fn, 0)


def case_autograd_backward(m):
    x = leaf(m, [1.0, 2.0])
    m.autograd.backward([(x * 2).sum(), x * 3], [None, m.tensor([1.0, 1.0], dtype=m.float64)])
    return x.grad.tolist()


def case_post_accumulate_hook(m):
    x = leaf(m, [1.0, 2.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * x).sum().backward()
    return seen


CASES = [v for k, v in dict(globals()).items() if k.startswith("case_")]


@pytest.mark.parametrize("case", CASES, ids=lambda f: f.__name__[5:])
def test_same_outcome_as_torch(case):
    same(case)


def test_custom_node_name():
    assert identity(ae).apply(leaf(ae, [1.0])).grad_fn.name() == \
        identity(torch).apply(leaf(torch, [1.0])).grad_fn.name()


def test_anomaly_switch():
    for m in (ae, torch):
        m.autograd.set_detect_anomaly(True)
        try:
            assert m.is_anomaly_enabled()
        finally:
            m.autograd.set_detect_anomaly(False)
        assert not m.is_anomaly_enabled()
