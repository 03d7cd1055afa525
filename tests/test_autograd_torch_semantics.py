"""Autograd details where PyTorch 2.x fixes the behaviour: grad-mode decorators, hook order
and results, what autograd.grad captures, and the in-place casting rule. Expected values
are PyTorch's."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import grad


@pytest.fixture(autouse=True)
def restore_grad_mode():
    prev = ae.is_grad_enabled()
    yield
    ae.set_grad_enabled(prev)


def leaf(values):
    return ae.tensor(np.asarray(values, np.float32), requires_grad=True)


def x_and_h():
    x = leaf([1.0, 2.0])
    return x, x * 2


def values(t):
    return t.data.tolist()


# -- grad mode ----------------------------------------------------------------------------
def test_set_grad_enabled_as_decorator_leaves_mode_and_restores_after_each_call():
    @ae.set_grad_enabled(False)
    def f():
        return ae.is_grad_enabled()

    assert ae.is_grad_enabled()  # decorating changed nothing
    assert f() is False
    assert ae.is_grad_enabled()
    with ae.no_grad():
        assert f() is False
        assert not ae.is_grad_enabled()


def test_set_grad_enabled_true_decorator_inside_no_grad():
    ae.set_grad_enabled(False)

    @ae.set_grad_enabled(True)
    def f():
        return ae.is_grad_enabled()

    assert not ae.is_grad_enabled()
    assert f() is True
    assert not ae.is_grad_enabled()


def test_set_grad_enabled_call_switches_at_once_and_context_sets_mode_on_enter():
    switch = ae.set_grad_enabled(False)  # switches at once, remembers True
    assert not ae.is_grad_enabled()
    ae.set_grad_enabled(True)
    with switch:
        assert not ae.is_grad_enabled()
    assert ae.is_grad_enabled()


@pytest.mark.parametrize("switch, inside", [(ae.no_grad, False), (ae.enable_grad, True)])
def test_bare_decorator(switch, inside):
    @switch
    def f():
        """doc"""
        return ae.is_grad_enabled()

    ae.set_grad_enabled(not inside)
    assert f() is inside
    assert ae.is_grad_enabled() is (not inside)
    assert f.__name__ == "f" and f.__doc__ == "doc"


def test_bare_no_grad_on_an_op():
    @ae.no_grad
    def double(t):
        return t * 2

    assert not double(leaf([1.0])).requires_grad


# -- hooks --------------------------------------------------------------------------------
def test_retain_grad_stores_gradient_after_later_hooks():
    x, h = x_and_h()
    h.retain_grad()
    h.register_hook(lambda g: g * 100)
    (h * h).sum().backward()
    assert values(h.grad) == [400.0, 800.0]
    assert values(x.grad) == [800.0, 1600.0]


def test_retain_grad_runs_after_hooks_on_both_sides():
    x, h = x_and_h()
    h.register_hook(lambda g: g * 100)
    h.retain_grad()
    h.register_hook(lambda g: g + 1)
    (h * h).sum().backward()
    assert values(h.grad) == [401.0, 801.0]
    assert values(x.grad) == [802.0, 1602.0]


def test_hook_sees_no_grad_yet_when_retain_grad_came_first():
    x, h = x_and_h()
    h.retain_grad()
    seen = []
    h.register_hook(lambda g: seen.append(h.grad))
    (h * h).sum().backward()
    assert seen == [None]


def test_retain_grad_on_root_and_on_one_output_of_split():
    x, h = x_and_h()
    h.retain_grad()
    h.register_hook(lambda g: g * 3)
    h.backward(ae.ones(2))
    assert values(h.grad) == [3.0, 3.0]

    x = leaf([1.0, 2.0, 3.0, 4.0])
    a, b = (x * 1).split(2)
    a.retain_grad()
    a.register_hook(lambda g: g * 100)
    (a * a).sum().backward()
    assert values(a.grad) == [200.0, 400.0]


@pytest.mark.parametrize("on_leaf", [True, False])
@pytest.mark.parametrize("use_grad", [True, False])
@pytest.mark.parametrize("hook, message", [
    (lambda g: g.sum(), "changed the size"),
    (lambda g: g[None], "changed the size"),
    (lambda g: g.double(), "changed the type"),
    (lambda g: g.long(), "changed the type"),
])
def test_hook_may_not_change_shape_or_dtype(on_leaf, use_grad, hook, message):
    x = leaf([1.0, 2.0])
    t = x if on_leaf else x * 2
    t.register_hook(hook)
    out = (t * t).sum()
    with pytest.raises(RuntimeError, match=f"hook '<lambda>' has {message} of value"):
        if use_grad:
            grad(out, [t])
        else:
            out.backward()


def test_hook_may_not_return_an_array():
    x = leaf([1.0, 2.0])
    x.register_hook(lambda g: g.numpy() * 2)
    with pytest.raises(TypeError, match="expected a Tensor"):
        (x * x).sum().backward()


def test_retain_grad_keeps_the_float32_gradient_when_a_hook_casts():
    x, h = x_and_h()
    h.retain_grad()
    h.register_hook(lambda g: g.double())
    with pytest.raises(RuntimeError, match="changed the type"):
        (h * h).sum().backward()
    assert h.grad is None


# -- what autograd.grad captures ----------------------------------------------------------
def test_grad_of_nonleaf_input_is_taken_before_its_hooks():
    x, h = x_and_h()
    calls = []
    h.register_hook(lambda g: calls.append(1) or g * 10)
    gh, gx = grad((h * h).sum(), [h, x])
    assert values(gh) == [4.0, 8.0]
    assert values(gx) == [80.0, 160.0]  # the hook still scales what flows on to x
    assert calls == [1]


def test_grad_of_nonleaf_input_with_nothing_behind_it_is_taken_after_its_hooks():
    x, h = x_and_h()
    h.register_hook(lambda g: g * 10)
    (gh,) = grad((h * h).sum(), [h])  # h's node does not run: PyTorch runs its hooks first
    assert values(gh) == [40.0, 80.0]

    x, h = x_and_h()
    h.register_hook(lambda g: g * 10)
    assert values(grad(h, [h], ae.ones(2))[0]) == [10.0, 10.0]
    gh, gx = grad(h, [h, x], ae.ones(2))
    assert values(gh) == [1.0, 1.0] and values(gx) == [20.0, 20.0]


def test_grad_capture_with_two_hooks_repeated_input_and_retain_grad():
    x, h = x_and_h()
    h.retain_grad()
    h.register_hook(lambda g: g * 10)
    h.register_hook(lambda g: g + 1)
    gh, gh2, gx = grad((h * h).sum(), [h, h, x])
    assert values(gh) == values(gh2) == [4.0, 8.0]
    assert values(gx) == [82.0, 162.0]
    assert values(h.grad) == [41.0, 81.0]


def test_grad_capture_of_one_output_of_split():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    a, b = (x * 1).split(2)
    a.register_hook(lambda g: g * 10)
    ga, gx = grad((a * a).sum() + b.sum(), [a, x])
    assert values(ga) == [2.0, 4.0]
    assert values(gx) == [20.0, 40.0, 1.0, 1.0]


def test_grad_capture_before_hooks_with_create_graph():
    x, h = x_and_h()
    h.register_hook(lambda g: g * 10)
    gh, gx = grad((h * h).sum(), [h, x], create_graph=True)
    assert values(gh) == [4.0, 8.0] and gh.requires_grad
    assert values(grad(gx.sum(), x)[0]) == [800.0, 800.0]


def test_grad_does_not_run_hooks_no_input_lies_behind():
    x = leaf([1.0, 2.0])
    w = leaf([3.0, 4.0])
    b = w * 3
    calls = []
    b.register_hook(lambda g: calls.append(1))
    b.retain_grad()
    (gx,) = grad((x * b).sum(), [x])
    assert values(gx) == [9.0, 12.0]
    assert calls == [] and b.grad is None


def test_grad_leaves_nodes_it_does_not_need_unfreed():
    x = leaf([1.0, 2.0])
    w = leaf([0.0, 1.0])
    b = w.exp()
    grad((x * b).sum(), [x])
    b.sum().backward()  # exp's saved output was not freed: its backward did not run
    np.testing.assert_allclose(w.grad.data, np.exp([0.0, 1.0]))


# -- backward(inputs=) --------------------------------------------------------------------
def test_backward_inputs_nonleaf_retains_grad_after_hooks_once():
    x, h = x_and_h()
    h.retain_grad()
    h.register_hook(lambda g: g * 10)
    (h * h).sum().backward(inputs=[h])
    assert values(h.grad) == [40.0, 80.0]
    assert x.grad is None


def test_backward_inputs_nonleaf_keeps_retaining_grad():
    x, h = x_and_h()
    (h * h).sum().backward(inputs=[h], retain_graph=True)
    assert h.retains_grad
    (h * 3).sum().backward()
    assert values(h.grad) == [7.0, 11.0]
    assert values(x.grad) == [6.0, 6.0]


def test_backward_inputs_errors():
    x, h = x_and_h()
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (h * h).sum().backward(inputs=[])
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        (h * h).sum().backward(inputs=[ae.ones(2)])


# -- in-place casting ---------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [ae.int64, ae.int32])
@pytest.mark.parametrize("op", [
    lambda t: t.add_(1.5), lambda t: t.sub_(0.5), lambda t: t.mul_(0.5), lambda t: t.div_(2),
    lambda t: t.__iadd__(1.5), lambda t: t.__isub__(0.5), lambda t: t.__imul__(0.5),
    lambda t: t.__itruediv__(2), lambda t: t.add_(ae.tensor([1.0, 2.0])),
    lambda t: t.mul_(ae.tensor(2.0, dtype=ae.float64)),
    lambda t: t.clamp_(min=0.5), lambda t: t.clamp_(max=ae.tensor(3.5)),
])
def test_inplace_float_result_into_int_tensor_raises(dtype, op):
    t = ae.tensor([3, 4], dtype=dtype)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type"):
        op(t)
    assert t.tolist() == [3, 4] and t._version == 0
    with pytest.raises(RuntimeError, match="argument alpha must not be a floating point"):
        t.add_(1, alpha=0.5)  # torch checks alpha first
    assert t.tolist() == [3, 4] and t._version == 0


def test_inplace_int_result_into_bool_tensor_raises_but_fill_casts():
    for op in (lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.add_(ae.tensor([1, 0]))):
        t = ae.tensor([True, False])
        with pytest.raises(RuntimeError, match="desired output type bool"):
            op(t)
        assert t.tolist() == [True, False]
    t.fill_(0)
    assert t.tolist() == [False, False]


def test_inplace_results_that_fit_are_written():
    t = ae.tensor([3, 4])
    t += 2
    t.mul_(ae.tensor([1, 2], dtype=ae.int32)).add_(True).clamp_(min=ae.tensor(6), max=8)
    assert t.tolist() == [6, 8]
    b = ae.tensor([True, False])
    b.add_(ae.tensor([False, True])).mul_(True)
    assert b.tolist() == [True, True]
    f = ae.tensor([1.0, 2.0])
    f.add_(ae.tensor([1, 2])).div_(ae.tensor(2.0, dtype=ae.float64)).clamp_(max=ae.tensor(1.5))
    assert f.tolist() == [1.0, 1.5] and f.dtype == ae.float32


def test_only_arithmetic_inplace_ops_refuse_float_into_int():
    t = ae.tensor([3, 4])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t += 1.5
    t[0] = 2.7  # assignment, fill_ and copy_ cast, as PyTorch
    assert t.tolist() == [2, 4]
    t.fill_(1.9)
    assert t.tolist() == [1, 1]
    t.copy_(ae.tensor([5.5, 6.5]))
    assert t.tolist() == [5, 6]


@pytest.mark.parametrize("dtype", [ae.int64, ae.bool])
def test_random_fills_need_a_float_tensor(dtype):
    t = ae.zeros(2, dtype=dtype)
    for fill in (t.normal_, t.uniform_):
        with pytest.raises(NotImplementedError):
            fill()
