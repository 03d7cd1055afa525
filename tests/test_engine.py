"""The backward engine: accumulation, ordering, graph freeing, hooks, grad modes, versions,
higher order, anomaly detection and autograd.grad."""
import threading

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import detect_anomaly, grad


def leaf(values, dtype=np.float64):
    return ae.tensor(np.asarray(values, dtype), requires_grad=True)


def test_shared_subexpression_accumulates():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0, 6.0])


def test_diamond_accumulates():
    x = leaf(2.0)
    a = x * 3
    b = x.exp()
    y = a * b  # dy/dx = 3 e^x + 3x e^x
    y.backward()
    np.testing.assert_allclose(x.grad.data, 3 * np.exp(2) + 6 * np.exp(2))


def test_leaf_grad_accumulates_across_calls():
    x = leaf([1.0, -1.0])
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, [5.0, 5.0])


def test_two_leaves_never_share_a_grad_buffer():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.mul_(10)
    np.testing.assert_allclose(b.grad.data, [1.0, 1.0])


def test_root_gradient_is_copied_into_a_leaf_grad():
    x = leaf([1.0, 2.0])
    g = ae.tensor([5.0, 6.0], dtype=np.float64)
    x.backward(g)
    g.mul_(0)
    np.testing.assert_allclose(x.grad.data, [5.0, 6.0])


class _ReshapeOfFresh(ae.autograd.Function):
    """Identity whose backward returns a reshaped view of a fresh buffer (optionally kept)."""
    kept = []

    @staticmethod
    def forward(ctx, x, keep):
        ctx.keep = keep
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        fresh = g.data.reshape(-1) * 1.0
        if ctx.keep:
            _ReshapeOfFresh.kept.append(fresh)
        return ae.from_numpy(fresh.reshape(g.shape)), None


def test_a_fresh_gradient_view_is_stored_without_a_copy():
    x = leaf(np.ones((2, 3)))
    _ReshapeOfFresh.apply(x, False).backward(ae.ones(2, 3, dtype=ae.float64))
    base = x.grad.data.base
    assert base is not None and base.flags.owndata  # the view itself, not a copy
    np.testing.assert_allclose(x.grad.data, np.ones((2, 3)))


def test_a_gradient_view_of_a_buffer_held_elsewhere_is_copied():
    x = leaf(np.ones((2, 3)))
    _ReshapeOfFresh.kept.clear()
    _ReshapeOfFresh.apply(x, True).backward(ae.ones(2, 3, dtype=ae.float64))
    (held,) = _ReshapeOfFresh.kept
    assert not np.shares_memory(x.grad.data, held)
    held[:] = 7.0
    np.testing.assert_allclose(x.grad.data, np.ones((2, 3)))


def test_a_root_gradient_view_is_copied_into_a_leaf_grad():
    x = leaf(np.ones((2, 3)))
    g = ae.from_numpy(np.arange(6.0).reshape(2, 3))  # a view whose base only g reaches
    (x * 1.0).backward(g)
    g.mul_(0)
    np.testing.assert_allclose(x.grad.data, np.arange(6.0).reshape(2, 3))


def test_non_scalar_backward_needs_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (x * 2).backward()


def test_backward_gradient_shape_is_checked():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"shape"):
        (x * 2).backward(ae.ones(3, dtype=np.float64))



@pytest.mark.parametrize("op", [ae.relu, ae.tanh, lambda t: ae.nn.functional.softmax(t, -1),
                                lambda t: ae.nn.functional.dropout(t, 0.0)])
def test_backward_gradient_of_another_dtype_is_cast_to_the_output_dtype(op):
    """As PyTorch: a float32 (or int) gradient for a float64 output is cast, never handed to
    the kernels as is (they refused it) nor left in a leaf's .grad."""
    for seed in (ae.ones(3), ae.tensor([1, 1, 1])):
        x = ae.tensor([0.5, -1.0, 2.0], dtype=ae.float64, requires_grad=True)
        op(x * 2).backward(seed)
        assert x.grad.dtype == ae.float64
        expected = ae.tensor([0.5, -1.0, 2.0], dtype=ae.float64, requires_grad=True)
        op(expected * 2).backward(ae.ones(3, dtype=ae.float64))
        np.testing.assert_array_equal(x.grad.numpy(), expected.grad.numpy())

def test_backward_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ae.ones(2).sum().backward()


def test_second_backward_through_freed_buffers_raises():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"Mul: trying to backward through the graph a "
                                           r"second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 8.0])


def test_graph_without_saved_values_can_be_walked_again():
    x = leaf([1.0, 2.0])
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


def test_saved_buffers_are_released_after_backward():
    x = leaf([1.0, 2.0])
    y = x * x
    node = y.grad_fn
    y.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        node.saved_tensors


@pytest.mark.parametrize("depth", [100_000])
def test_deep_chain_does_not_recurse(depth):
    x = leaf([0.5])
    y = x
    for _ in range(depth):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0])


@pytest.mark.slow
def test_million_op_chain():
    x = leaf([0.5])
    y = x
    for _ in range(1_000_000):
        y = y + 0.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0])


def test_retain_grad_on_non_leaf():
    x = leaf([1.0, 2.0])
    y = x * 3
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, [6.0, 12.0])
    assert not (x * 2).retains_grad


def test_non_leaf_grad_is_not_kept_by_default():
    x = leaf([1.0])
    y = x * 3
    y.sum().backward()
    assert y.grad is None


def test_hooks_on_leaf_and_non_leaf():
    x = leaf([1.0, 2.0])
    seen = []
    handle = x.register_hook(lambda g: g * 10)
    y = x * 2
    y.register_hook(lambda g: seen.append(g.data.copy()))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [20.0, 20.0])
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


def test_non_leaf_hook_changes_downstream_gradient():
    x = leaf([1.0, 2.0])
    y = x * 2
    y.register_hook(lambda g: g * 0)
    (y * y).sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.0])


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ae.ones(2).register_hook(lambda g: g)


def test_no_grad_and_enable_grad():
    x = leaf([1.0])
    with ae.no_grad():
        y = x * 2
        assert not ae.is_grad_enabled()
        with ae.enable_grad():
            z = x * 2
    assert ae.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad

    @ae.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad


def test_set_grad_enabled_as_call_and_context():
    x = leaf([1.0])
    with ae.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad


def test_grad_mode_is_thread_local():
    results = {}

    def worker():
        results["thread"] = ae.is_grad_enabled()

    with ae.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        results["main"] = ae.is_grad_enabled()
    assert results == {"thread": True, "main": False}


def test_inplace_on_saved_tensor_is_detected():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * y
    with ae.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match=r"Mul: one of the variables needed for gradient "
                                           r"computation has been modified by an inplace "
                                           r"operation.*version 1; expected version 0"):
        z.sum().backward()


def test_inplace_through_a_view_is_detected():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * 1
    z = y.exp()  # saves its output
    v = z.reshape(4)
    with ae.no_grad():
        v.mul_(2)
    with pytest.raises(RuntimeError, match="Exp: one of the variables"):
        z.sum().backward()


def test_inplace_on_tensor_requiring_grad_raises():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="in-place"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="in-place"):
        x[0] = 2.0
    with ae.no_grad():
        x.add_(1)
    np.testing.assert_allclose(x.data, [2.0])


def test_inplace_ops_return_self_and_bump_version():
    t = ae.zeros(3)
    assert t._version == 0
    assert t.add_(1) is t and t._version == 1
    assert t.mul_(3) is t and t._version == 2
    t[1] = 7.0
    assert t._version == 3
    assert t.zero_() is t and t.fill_(2) is t and t.copy_(ae.ones(3)) is t
    np.testing.assert_allclose(t.data, [1.0, 1.0, 1.0])


def test_create_graph_second_derivative():
    x = leaf([2.0, -1.0])
    y = (x ** 3).sum()
    (g,) = grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.data, 3 * np.array([4.0, 1.0]))
    (h,) = grad(g.sum(), x)
    np.testing.assert_allclose(h.data, 6 * np.array([2.0, -1.0]))


def test_hessian_vector_product():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3))
    sym = a + a.T
    x = leaf(rng.standard_normal(3))
    v = ae.tensor(rng.standard_normal(3), dtype=np.float64)
    f = 0.5 * (x @ ae.tensor(sym) @ x)
    (g,) = grad(f, x, create_graph=True)
    (hv,) = grad((g * v).sum(), x)
    np.testing.assert_allclose(hv.data, sym @ v.data)


def test_backward_create_graph_keeps_grad_differentiable():
    x = leaf([3.0])
    (x * x).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    x.grad.sum().backward()  # adds d(2x)/dx = 2 to x.grad's own graph leaf x
    np.testing.assert_allclose(x.grad.data, [8.0])


def test_autograd_grad_non_leaf_and_unused_inputs():
    x = leaf([1.0, 2.0])
    w = leaf([5.0])
    y = x * 2
    z = (y * y).sum()
    gy, gx = grad(z, [y, x], retain_graph=True)
    np.testing.assert_allclose(gy.data, [4.0, 8.0])
    np.testing.assert_allclose(gx.data, [8.0, 16.0])
    assert x.grad is None  # grad() stores nothing
    with pytest.raises(RuntimeError, match="not have been used"):
        grad(z, [x, w], retain_graph=True)
    gx, gw = grad(z, [x, w], allow_unused=True)
    assert gw is None


def test_backward_inputs_argument_limits_accumulation():
    x, w = leaf([1.0]), leaf([2.0])
    (x * w).sum().backward(inputs=[x])
    assert w.grad is None
    np.testing.assert_allclose(x.grad.data, [2.0])


def test_grad_dtype_matches_input_dtype():
    x = ae.tensor([1.0, 2.0], requires_grad=True)  # float32
    y = x.double() * ae.tensor([1.0, 1.0], dtype=np.float64)
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_detect_anomaly_forward_names_op_and_location():
    x = leaf([0.0, 1.0])
    with detect_anomaly():
        with pytest.raises(RuntimeError, match=r"Function 'Log' returned inf values in its "
                                               r"output \(forward\); input shapes \[\(2,\)\]; "
                                               r"created at .*test_engine.py"):
            x.log()


def test_detect_anomaly_backward_names_op():
    x = leaf([0.0, 1.0])
    with detect_anomaly():
        y = x.sqrt()  # forward finite, backward 1/(2*0) = inf
        with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward' returned inf values.*"
                                               r"created at .*test_engine.py"):
            y.sum().backward()


def test_nan_propagates_outside_anomaly_mode():
    x = leaf([0.0, 1.0])
    y = x.log().sum()
    y.backward()
    assert np.isinf(x.grad.data[0])


@pytest.mark.parametrize("shape, through", [
    ((3, 4), lambda x: x.t() * 2), ((3, 4), lambda x: ae.cat([x.t(), x.t()])),
    ((3, 4), lambda x: ae.einsum("ij->ji", x)), ((3, 4), lambda x: x.t().exp()),
    ((2, 3, 4), lambda x: ae.nn.functional.softmin(x, 1))])
def test_leaf_grad_is_c_contiguous_like_the_leaf(shape, through):
    """As PyTorch: a gradient that came through a transpose is stored in the leaf's layout,
    so ``p.grad.view(-1)`` works, after a first and after an accumulated backward."""
    x = ae.randn(*shape, requires_grad=True)
    for _ in range(2):
        through(x).sum().backward()
        assert x.grad.data.flags.c_contiguous
        np.testing.assert_array_equal(x.grad.view(-1).numpy(), x.grad.numpy().ravel())


def test_create_graph_gives_each_leaf_its_own_writeable_grad():
    """As PyTorch: x + y hands both leaves one (broadcast, read-only) gradient; each .grad must
    be its own writeable tensor, or clip_grad_norm_ scaling in place fails or scales twice."""
    x, y = leaf([1.0, 1.0]), leaf([1.0, 1.0])
    (x + y).sum().backward(create_graph=True)
    assert x.grad is not y.grad and not np.shares_memory(x.grad.data, y.grad.data)
    ae.nn.utils.clip_grad_norm_([x, y], 0.1)
    np.testing.assert_allclose(x.grad.numpy(), [0.05, 0.05], rtol=1e-6)
    np.testing.assert_allclose(y.grad.numpy(), [0.05, 0.05], rtol=1e-6)
