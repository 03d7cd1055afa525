"""Custom Function, gradcheck and autograd API details that follow PyTorch 2.13 (expected
values are PyTorch's, written as literals)."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import Function, gradcheck, gradgradcheck


def leaf(values):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=True)


def const(values):
    return ae.tensor(np.asarray(values, np.float64))


class Identity(Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, g):
        return g


class Mul(Function):
    @staticmethod
    def forward(ctx, x, w=None):
        ctx.save_for_backward(x, w)
        return x * w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w, g * x


# -- A1: a returned input shares its version counter -------------------------------------
def test_returned_input_shares_version_counter():
    x, w = const([1.0, 2.0]), leaf([1.0, 1.0])
    z = (Identity.apply(x) * w).sum()
    x.add_(10)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


def test_returned_grad_input_version_follows_input():
    x = leaf([1.0, 2.0])
    y = Identity.apply(x)
    with ae.no_grad():
        x.add_(1)
    assert y._version == 1


# -- A2: keyword tensors are inputs ------------------------------------------------------
def test_keyword_tensor_gets_gradient():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    Mul.apply(x, w=w).sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and w.grad.tolist() == [1.0, 2.0]


def test_keyword_only_requires_grad_records():
    w = leaf([3.0, 4.0])
    assert Mul.apply(const([1.0, 2.0]), w=w).requires_grad


def test_keywords_bound_in_signature_order():
    seen = []

    class F(Function):
        @staticmethod
        def forward(ctx, x, a=None, b=None):
            seen.append(ctx.needs_input_grad)
            return x * a * b

        @staticmethod
        def backward(ctx, g):
            return g, g * 2, g * 3

    x, a, b = leaf([1.0]), leaf([1.0]), const([1.0])
    F.apply(x, b=b, a=a).sum().backward()
    assert seen == [(True, True, False)] and a.grad.tolist() == [2.0]


# -- A3: saved non-differentiable outputs ------------------------------------------------
def test_saved_non_differentiable_output_has_no_grad_fn():
    class F(Function):
        @staticmethod
        def forward(ctx, x):
            m = x * 3
            ctx.mark_non_differentiable(m)
            ctx.save_for_backward(x, m)
            return x * x, m

        @staticmethod
        def backward(ctx, gy, gm):
            x, m = ctx.saved_tensors
            assert not m.requires_grad and m.grad_fn is None
            return gy * 2 * x + gy * m + gm * 3

    x = leaf([1.0, 2.0])
    (g,) = ae.autograd.grad(F.apply(x)[0].sum(), x, create_graph=True)
    (gg,) = ae.autograd.grad(g.sum(), x)
    assert gg.tolist() == [2.0, 2.0]


# -- A4: Python-number outputs -----------------------------------------------------------
def test_python_number_output_stays_a_number_and_gets_none():
    got = []

    class G(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 3

        @staticmethod
        def backward(ctx, g, g2):
            got.append(g2)
            return g * 2

    x = leaf([1.0, 2.0])
    y, k = G.apply(x)
    assert type(k) is int and k == 3
    y.sum().backward()
    assert got == [None]


# -- A5: gradcheck leaves its inputs alone -----------------------------------------------
def test_gradcheck_keeps_noncontiguous_input_a_view():
    base = const(np.arange(6.0).reshape(2, 3))
    x = base.t()
    x.requires_grad_()
    assert gradcheck(lambda t: t.sin(), (x,))
    with ae.no_grad():
        base.add_(1)
    assert x.tolist() == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]


# -- item 2: gradcheck arguments ---------------------------------------------------------
def test_gradcheck_without_differentiable_input_raises():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradcheck(lambda t: t * 2, (const([1.0]),))
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        gradgradcheck(lambda t: t * 2, (const([1.0]),))


def test_gradcheck_of_python_float_raises():
    with pytest.raises(TypeError):
        gradcheck(lambda t: float(t.sum().item()), (leaf([1.0]),))


def test_gradcheck_torch_keywords_and_gradgrad_raise_exception():
    assert gradcheck(lambda t: t * t, (leaf([1.0]),), nondet_tol=0.0, fast_mode=True)

    class DetachedBackward(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x.detach() * x.detach()

    assert gradgradcheck(DetachedBackward.apply, (leaf([1.0, 2.0]),),
                         raise_exception=False) is False


# -- B items -----------------------------------------------------------------------------
class Scale(Function):
    @staticmethod
    def forward(ctx, x, k):
        return x * k


def test_trailing_none_gradients_accepted():
    class F(Scale):
        @staticmethod
        def backward(ctx, g):
            return g * 2, None, None

    x = leaf([1.0, 1.0])
    F.apply(x, 2.0).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_gradient_for_non_tensor_input_raises():
    class F(Scale):
        @staticmethod
        def backward(ctx, g):
            return g * 2, g

    with pytest.raises(RuntimeError, match="different than None at position 2"):
        F.apply(leaf([1.0]), 2.0).sum().backward()


def test_bool_gradient_is_cast():
    class F(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return ae.ones(2, dtype=ae.bool)

    x = leaf([1.0, 2.0])
    F.apply(x).sum().backward()
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [1.0, 1.0]


def test_backward_returning_list_is_one_value():
    class F(Scale):
        @staticmethod
        def backward(ctx, g):
            return [g * 2, None]

    with pytest.raises(RuntimeError, match=r"expected 2, got 1"):
        F.apply(leaf([1.0]), 2.0).sum().backward()


def test_calling_a_function_instance_raises():
    with pytest.raises(RuntimeError, match="non-static forward"):
        Identity()(leaf([1.0]))


def test_grad_argument_errors():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="got 2 tensors and 1 gradients"):
        ae.autograd.grad([x * 2, x * 3], x, const([1.0, 1.0]))
    with pytest.raises(RuntimeError, match="cannot be empty"):
        ae.autograd.grad((x * 2).sum(), [])
    with pytest.raises(TypeError, match="got float"):
        ae.autograd.grad([x * 2], x, [2.0])
    with pytest.raises(TypeError):
        (x * 2).sum().backward(2.0)


# -- item 8: missing features ------------------------------------------------------------
def test_set_materialize_grads_false_passes_none():
    got = []

    class F(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            got.append(g2)
            return g1 * 2

    x = leaf([1.0])
    F.apply(x)[0].sum().backward()
    assert got == [None] and x.grad.tolist() == [2.0]


class Double_(Function):
    @staticmethod
    def forward(ctx, a):
        a.mul_(2)
        ctx.mark_dirty(a)
        return a

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_mark_dirty_returns_the_input_rebased():
    x = leaf([1.0, 2.0])
    a = x.clone()
    y = Double_.apply(a)
    assert y is a and a._version == 2 and a.grad_fn.name() == "Double_Backward"
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_mark_dirty_on_leaf_requiring_grad_raises():
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        Double_.apply(leaf([1.0]))


def test_once_differentiable():
    class F(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ae.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x

    x = leaf([3.0])
    (g,) = ae.autograd.grad(F.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [6.0] and g.requires_grad
    with pytest.raises(RuntimeError):
        g.sum().backward()


def test_next_functions_and_name():
    x, c = leaf([1.0]), const([2.0])
    y = x * c
    (acc, nr0), (none, nr1) = y.grad_fn.next_functions
    assert acc.variable is x and nr0 == 0 and (none, nr1) == (None, 0)
    assert acc.name() == "AccumulateGrad"
    z = (y * 2).grad_fn
    assert z.next_functions[0] == (y.grad_fn, 0)
    assert Identity.apply(x).grad_fn.name() == "IdentityBackward"


def test_autograd_backward_several_roots():
    x = leaf([1.0, 2.0])
    ae.autograd.backward([(x * 2).sum(), x * 3], [None, const([1.0, 1.0])])
    assert x.grad.tolist() == [5.0, 5.0]


def test_set_detect_anomaly_switch():
    assert not ae.is_anomaly_enabled()
    ae.autograd.set_detect_anomaly(True)
    try:
        assert ae.autograd.is_anomaly_enabled()
    finally:
        ae.autograd.set_detect_anomaly(False)
    assert not ae.is_anomaly_enabled()


def test_post_accumulate_grad_hook():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * x).sum().backward()
    assert seen == [[2.0, 4.0]]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(print)
