"""Custom Functions in PyTorch's setup_context style (``forward`` without ctx plus
``setup_context(ctx, inputs, output)``), and the ``vjp`` alias of ``backward``: the same code
run on PyTorch and on autograd_engine must give the same values or exception types."""
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


def const(m, values):
    return m.tensor(values, dtype=m.float64)


def mul(m, seen):
    class Mul(m.autograd.Function):
        @staticmethod
        def forward(x, w, k=2.0):
            seen.append(("forward", m.is_grad_enabled()))
            return x * w * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append(("setup", m.is_grad_enabled(), len(inputs), inputs[2],
                         ctx.needs_input_grad))
            x, w, k = inputs
            ctx.save_for_backward(x, w)
            ctx.k = k

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w * ctx.k, g * x * ctx.k, None
    return Mul


def case_basic_values_and_gradients(m):
    seen = []
    x, w = leaf(m, [1.0, 2.0]), const(m, [3.0, 4.0])
    y = mul(m, seen).apply(x, w)
    y.sum().backward()
    return y.tolist(), x.grad.tolist(), seen


def case_keyword_arguments(m):
    seen = []
    x, w = leaf(m, [1.0, 2.0]), leaf(m, [3.0, 4.0])
    mul(m, seen).apply(x, w=w, k=3.0).sum().backward()
    return x.grad.tolist(), w.grad.tolist(), seen


def case_missing_argument(m):
    mul(m, []).apply(leaf(m, [1.0]))


def case_unknown_keyword(m):
    mul(m, []).apply(leaf(m, [1.0]), const(m, [1.0]), z=1)


def case_too_many_arguments(m):
    mul(m, []).apply(leaf(m, [1.0]), const(m, [1.0]), 2.0, 3.0)


def case_keyword_only_parameter(m):
    class K(m.autograd.Function):
        @staticmethod
        def forward(x, *, scale=1.0):
            return x * scale

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g
    K.apply(leaf(m, [1.0]))


def case_varargs_are_inputs(m):
    seen = []

    class V(m.autograd.Function):
        @staticmethod
        def forward(x, *rest):
            return x * sum(rest)

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append(len(inputs))
            ctx.total = sum(inputs[1:])

        @staticmethod
        def backward(ctx, g):
            return (g * ctx.total, None, None)

    x = leaf(m, [1.0])
    V.apply(x, 2.0, 3.0).sum().backward()
    return seen, x.grad.tolist()


def case_forward_taking_ctx_with_setup_context(m):
    class CtxFwd(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2
    CtxFwd.apply(leaf(m, [1.0]))


def case_forward_without_ctx_and_no_setup_context(m):
    class NoCtx(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2
    NoCtx.apply(leaf(m, [1.0]))


def case_setup_context_wrong_signature(m):
    class Sig(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs):
            pass

        @staticmethod
        def backward(ctx, g):
            return g
    Sig.apply(leaf(m, [1.0]))


def simple(m, **methods):
    """A setup_context Function y = 2x with the given methods replacing the defaults."""
    attrs = {"forward": staticmethod(lambda x: x * 2),
             "setup_context": staticmethod(lambda ctx, inputs, output: None),
             "backward": staticmethod(lambda ctx, g: g * 2)}
    attrs.update({k: v if isinstance(v, staticmethod) or v is None else staticmethod(v)
                  for k, v in methods.items()})
    return type("Simple", (m.autograd.Function,), {k: v for k, v in attrs.items()
                                                   if v is not None})


def case_no_forward(m):
    simple(m, forward=None).apply(leaf(m, [1.0]))


def case_no_backward(m):
    simple(m, backward=None).apply(leaf(m, [1.0])).sum().backward()


def case_vjp_instead_of_backward(m):
    x = leaf(m, [1.0, 2.0])
    simple(m, backward=None, vjp=lambda ctx, g: g * 3).apply(x).sum().backward()
    return x.grad.tolist()


def case_both_backward_and_vjp(m):
    simple(m, vjp=lambda ctx, g: g * 3).apply(leaf(m, [1.0])).sum().backward()


def case_vjp_alias_in_ctx_style(m):
    class Old(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def vjp(ctx, g):
            return g * 5

    x = leaf(m, [1.0])
    Old.apply(x).sum().backward()
    return x.grad.tolist()


def case_base_setup_context(m):
    m.autograd.Function.setup_context(None, (), None)


def case_vjp_is_backward(m):
    return m.autograd.Function.vjp is m.autograd.Function.backward


def case_setup_context_error_propagates(m):
    def boom(ctx, inputs, output):
        raise ValueError("boom")
    simple(m, setup_context=boom).apply(leaf(m, [1.0]))


def case_setup_context_return_value_ignored(m):
    return simple(m, setup_context=lambda ctx, i, o: 5).apply(leaf(m, [1.0])).tolist()


def case_non_static_setup_context(m):
    def setup(ctx, inputs, output):
        ctx.tag = 3

    cls = simple(m, setup_context=None, backward=lambda ctx, g: g * ctx.tag)
    cls.setup_context = setup  # a plain function: called on the class, as PyTorch
    x = leaf(m, [1.0])
    cls.apply(x).sum().backward()
    return x.grad.tolist()


def case_called_without_grad_and_under_no_grad(m):
    seen = []
    cls = simple(m, setup_context=lambda ctx, i, o: seen.append(ctx.needs_input_grad))
    x = leaf(m, [1.0])
    cls.apply(x.detach())
    with m.no_grad():
        y = cls.apply(x)
    return seen, y.requires_grad


def case_output_is_the_raw_forward_result(m):
    seen = []

    def setup(ctx, inputs, output):
        seen.append((output is inputs[0], output.requires_grad, output.grad_fn is None))

    x = leaf(m, [1.0])
    y = simple(m, forward=lambda x: x, setup_context=setup,
               backward=lambda ctx, g: g).apply(x)
    return seen, y is x, y.grad_fn is not None


def case_save_output_and_double_backward(m):
    class Exp(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    x = leaf(m, [0.5, -1.0])
    (g,) = m.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
    (gg,) = m.autograd.grad(g.sum(), x)
    return np.round(g.tolist(), 12).tolist(), np.round(gg.tolist(), 12).tolist()


def case_multiple_outputs_with_ctx_features(m):
    seen = []

    class Two(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2, (x * 3).long(), 5

        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append((type(output).__name__, len(output)))
            ctx.set_materialize_grads(False)
            ctx.mark_non_differentiable(output[1])
            ctx.save_for_backward(output[0], inputs[0])
            ctx.tag = "hello"

        @staticmethod
        def backward(ctx, g1, g2, g3):
            y, x = ctx.saved_tensors
            seen.append((g1 is None, g2, g3, ctx.tag, y.requires_grad))
            return g1 * 2 if g1 is not None else None

    x = leaf(m, [1.0, 2.0])
    p, q, r = Two.apply(x)
    p.sum().backward()
    return seen, q.requires_grad, r, x.grad.tolist()


def case_mark_dirty(m):
    class Dirty(m.autograd.Function):
        @staticmethod
        def forward(x):
            x.mul_(2)
            return x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_dirty(inputs[0])

        @staticmethod
        def backward(ctx, g):
            return g * 2

    a = leaf(m, [1.0, 2.0])
    b = a * 1
    c = Dirty.apply(b)
    c.sum().backward()
    return c is b, b._version, c.tolist(), a.grad.tolist()


def case_save_a_number(m):
    simple(m, setup_context=lambda ctx, i, o: ctx.save_for_backward(3)).apply(leaf(m, [1.0]))


def case_once_differentiable(m):
    class Sq(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x

    x = leaf(m, [3.0])
    (g,) = m.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    try:
        m.autograd.grad(g.sum(), x)
    except RuntimeError:
        return g.tolist(), "double backward refused"


def case_jacobian_of_a_setup_context_function(m):
    Mul = mul(m, [])
    J = m.autograd.functional.jacobian(lambda x, w: Mul.apply(x, w, 0.5),
                                       (const(m, [1.0, 2.0]), const(m, [3.0, 4.0])))
    return [j.tolist() for j in J]


CASES = [v for k, v in dict(globals()).items() if k.startswith("case_")]


@pytest.mark.parametrize("case", CASES, ids=lambda f: f.__name__[5:])
def test_same_outcome_as_torch(case):
    same(case)


def test_node_name():
    x = leaf(ae, [1.0])
    assert simple(ae).apply(x).grad_fn.name() == \
        simple(torch).apply(leaf(torch, [1.0])).grad_fn.name() == "SimpleBackward"
