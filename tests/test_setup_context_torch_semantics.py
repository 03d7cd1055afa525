"""Custom Functions in PyTorch's setup_context style: ``forward(*args)`` without ctx plus
``@staticmethod setup_context(ctx, inputs, output)``, and ``vjp`` as another name for
``backward``. Expected values and exception types are PyTorch 2.13's, written as literals."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import (Function, detect_anomaly, grad, gradcheck,
                                      gradgradcheck)
from autograd_engine.autograd.function import once_differentiable


def leaf(values):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=True)


def const(values):
    return ae.tensor(np.asarray(values, np.float64))


class Mul(Function):
    """y = x * w * k, k a Python number with a default."""

    @staticmethod
    def forward(x, w, k=2.0):
        return x * w * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, w, k = inputs
        ctx.save_for_backward(x, w)
        ctx.k = k

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w * ctx.k, g * x * ctx.k, None


class Exp(Function):
    """Saves its output: y = exp(x), dy = g * y."""

    @staticmethod
    def forward(x):
        return ae.exp(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(output)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y


def simple(**methods):
    """A setup_context Function y = 2x; keyword arguments replace (or, None, drop) methods."""
    attrs = {"forward": lambda x: x * 2, "setup_context": lambda ctx, inputs, output: None,
             "backward": lambda ctx, g: g * 2}
    attrs.update(methods)
    return type("Simple", (Function,), {k: staticmethod(v) for k, v in attrs.items()
                                        if v is not None})


# -- the style works end to end -----------------------------------------------------------
def test_values_gradients_and_higher_order():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    y = Mul.apply(x, w)
    assert y.tolist() == [6.0, 16.0] and y.grad_fn.name() == "MulBackward"
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 8.0] and w.grad.tolist() == [2.0, 4.0]
    assert gradcheck(lambda a, b: Mul.apply(a, b, 0.5), (x, w))
    assert gradgradcheck(lambda a, b: Mul.apply(a, b, 0.5), (x, w))
    assert gradcheck(Exp.apply, (leaf([0.5, -1.0]),))
    assert gradgradcheck(Exp.apply, (leaf([0.5, -1.0]),))


def test_saved_output_reaches_the_graph_for_double_backward():
    x = leaf([0.5, -1.0])
    (g,) = grad(Exp.apply(x).sum(), x, create_graph=True)
    (gg,) = grad(g.sum(), x)
    np.testing.assert_allclose(g.data, np.exp([0.5, -1.0]))
    np.testing.assert_allclose(gg.data, np.exp([0.5, -1.0]))


def test_inputs_hold_the_bound_arguments_with_defaults():
    seen = []

    class Probe(Mul):
        @staticmethod
        def setup_context(ctx, inputs, output):
            seen.append((len(inputs), inputs[2], ctx.needs_input_grad))
            Mul.setup_context(ctx, inputs, output)

    x, w = leaf([1.0]), leaf([3.0])
    Probe.apply(x, const([3.0]))
    Probe.apply(x, w=w, k=3.0).sum().backward()
    assert seen == [(3, 2.0, (True, False, False)), (3, 3.0, (True, True, False))]
    assert x.grad.tolist() == [9.0] and w.grad.tolist() == [3.0]


def test_varargs_are_inputs():
    seen = []

    def setup(ctx, inputs, output):
        seen.append(len(inputs))
        ctx.total = sum(inputs[1:])

    V = simple(forward=lambda x, *rest: x * sum(rest), setup_context=setup,
               backward=lambda ctx, g: (g * ctx.total, None, None))
    x = leaf([1.0])
    V.apply(x, 2.0, 3.0).sum().backward()
    assert seen == [3] and x.grad.tolist() == [5.0]


def test_forward_and_setup_context_run_without_grad_even_when_nothing_needs_it():
    seen = []

    def forward(x):
        seen.append(("forward", ae.is_grad_enabled()))
        return x * 2

    def setup(ctx, inputs, output):
        seen.append(("setup", ae.is_grad_enabled(), ctx.needs_input_grad))

    F = simple(forward=forward, setup_context=setup)
    x = leaf([1.0])
    F.apply(x.detach())
    with ae.no_grad():
        y = F.apply(x)
    assert not y.requires_grad and y.grad_fn is None
    # as PyTorch: needs_input_grad reflects requires_grad, even under no_grad
    assert seen == [("forward", False), ("setup", False, (False,)),
                    ("forward", False), ("setup", False, (True,))]


def test_output_is_the_raw_forward_result_and_a_returned_input_is_aliased():
    seen = []

    def setup(ctx, inputs, output):
        seen.append((output is inputs[0], output.requires_grad, output.grad_fn))

    x = leaf([1.0])
    y = simple(forward=lambda x: x, setup_context=setup, backward=lambda ctx, g: g).apply(x)
    assert seen == [(True, True, None)]
    assert y is not x and y.grad_fn is not None


def test_ctx_features_from_setup_context():
    seen = []

    def setup(ctx, inputs, output):
        seen.append((type(output).__name__, len(output)))
        ctx.set_materialize_grads(False)
        ctx.mark_non_differentiable(output[1])
        ctx.save_for_backward(output[0], inputs[0])
        ctx.tag = "hello"

    def backward(ctx, g1, g2, g3):
        y, x = ctx.saved_tensors
        seen.append((g1 is None, g2, g3, ctx.tag, y.requires_grad))
        return None if g1 is None else g1 * 2

    Two = simple(forward=lambda x: (x * 2, (x * 3).long(), 5), setup_context=setup,
                 backward=backward)
    x = leaf([1.0, 2.0])
    p, q, r = Two.apply(x)
    assert not q.requires_grad and r == 5
    p.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    assert seen == [("tuple", 3), (False, None, None, "hello", True)]


def test_mark_dirty_from_setup_context():
    def forward(x):
        x.mul_(2)
        return x

    Dirty = simple(forward=forward,
                   setup_context=lambda ctx, inputs, output: ctx.mark_dirty(inputs[0]))
    a = leaf([1.0, 2.0])
    b = a * 1
    c = Dirty.apply(b)
    assert c is b and b._version == 2 and c.tolist() == [2.0, 4.0]
    c.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]


def test_saved_input_modified_in_place_is_caught():
    x = leaf([1.0, 2.0])
    h = x * 1
    y = Mul.apply(h, const([1.0, 1.0]))
    with ae.no_grad():
        h.mul_(2)
    with pytest.raises(RuntimeError, match="Mul: one of the variables needed"):
        y.sum().backward()


def test_once_differentiable_backward():
    def setup(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @once_differentiable
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x

    Sq = simple(forward=lambda x: x * x, setup_context=setup, backward=backward)
    x = leaf([3.0])
    (g,) = grad(Sq.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [6.0]
    with pytest.raises(RuntimeError, match="differentiable only once"):
        grad(g.sum(), x)


def test_hooks_and_anomaly_mode():
    x = leaf([1.0, 2.0])
    y = Mul.apply(x, const([1.0, 1.0]))
    y.register_hook(lambda g: g * 3)
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    with detect_anomaly():
        with pytest.raises(RuntimeError, match="Function 'Simple' returned nan"):
            simple(forward=lambda x: x * np.nan).apply(leaf([1.0]))


def test_jacobian_of_a_setup_context_function():
    J = ae.autograd.functional.jacobian(lambda x, w: Mul.apply(x, w, 0.5),
                                        (const([1.0, 2.0]), const([3.0, 4.0])))
    assert [j.tolist() for j in J] == [[[1.5, 0.0], [0.0, 2.0]], [[0.5, 0.0], [0.0, 1.0]]]


# -- vjp: another name for backward --------------------------------------------------------
def test_vjp_is_backward_on_the_base_class():
    assert Function.vjp is Function.backward


@pytest.mark.parametrize("style", ["setup_context", "ctx"])
def test_vjp_defined_instead_of_backward(style):
    if style == "setup_context":
        F = simple(backward=None, vjp=lambda ctx, g: g * 3)
    else:
        class F(Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def vjp(ctx, g):
                return g * 3
    x = leaf([1.0, 2.0])
    F.apply(x).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_both_backward_and_vjp_is_an_error_at_backward():
    y = simple(vjp=lambda ctx, g: g * 3).apply(leaf([1.0]))
    with pytest.raises(RuntimeError, match="Implementing both 'backward' and 'vjp' for a "
                                           "custom Function is not allowed"):
        y.sum().backward()


# -- errors ---------------------------------------------------------------------------------
def forward_with_ctx():
    class CtxForward(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2
    return CtxForward


ERRORS = [
    # signature mismatches are bound against forward's signature, as PyTorch
    (lambda: Mul.apply(leaf([1.0])), TypeError, "missing a required argument: 'w'"),
    (lambda: Mul.apply(leaf([1.0]), const([1.0]), z=1), TypeError, "unexpected keyword"),
    (lambda: Mul.apply(leaf([1.0]), const([1.0]), 2.0, 3.0), TypeError, "too many"),
    (lambda: simple(forward=lambda x, *, scale=1.0: x * scale).apply(leaf([1.0])),
     TypeError, r"forward\(\) got keyword arguments \['scale'\]"),
    # overriding setup_context while forward takes ctx: x binds to ctx
    (lambda: forward_with_ctx().apply(leaf([1.0])), TypeError,
     "missing a required argument: 'x'"),
    # a forward without ctx and no setup_context: forward gets ctx as its first argument
    (lambda: simple(setup_context=None).apply(leaf([1.0])), TypeError,
     r"takes 1 positional argument but 2 were given"),
    (lambda: simple(setup_context=lambda ctx, inputs: None).apply(leaf([1.0])), TypeError,
     r"takes 2 positional arguments but 3 were given"),
    (lambda: simple(forward=None).apply(leaf([1.0])), NotImplementedError,
     "You must implement the forward function for custom autograd.Function."),
    (lambda: simple(backward=None).apply(leaf([1.0])).sum().backward(), NotImplementedError,
     "You must implement either the backward or vjp method"),
    (lambda: Function.setup_context(None, (), None), NotImplementedError,
     "setup_context is not implemented."),
    (lambda: simple(setup_context=lambda ctx, i, o: ctx.save_for_backward(3)).apply(
        leaf([1.0])), TypeError, "can only save Tensors or None, got int"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_setup_context_return_value_is_ignored_and_errors_propagate():
    assert simple(setup_context=lambda ctx, i, o: 5).apply(leaf([1.0])).tolist() == [2.0]

    def boom(ctx, inputs, output):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        simple(setup_context=boom).apply(leaf([1.0]))


def test_non_static_setup_context_is_called_on_the_class():
    def setup(ctx, inputs, output):
        ctx.tag = 3

    F = simple(setup_context=None, backward=lambda ctx, g: g * ctx.tag)
    F.setup_context = setup
    x = leaf([1.0])
    F.apply(x).sum().backward()
    assert x.grad.tolist() == [3.0]
