"""ae.autograd.Function: PyTorch-style custom ops and the engine's contract checks."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import Function, detect_anomaly, grad, gradcheck


def leaf(values):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=True)


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x


class ScaleBy(Function):
    """y = x * k for a Python number k (non-tensor argument gets None)."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, g):
        return g * ctx.k, None


class ExpArrays(Function):
    """Backward returns numpy arrays: differentiable once."""

    @staticmethod
    def forward(ctx, x):
        y = ae.tensor(np.exp(x.detach().numpy()), dtype=x.dtype)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g.detach().numpy() * y.detach().numpy()


class SplitTwo(Function):
    """Two outputs: (x * 2, x * 3)."""

    @staticmethod
    def forward(ctx, x):
        return x * 2, x * 3

    @staticmethod
    def backward(ctx, g1, g2):
        return g1 * 2 + g2 * 3


def test_custom_op_gradient_and_second_order():
    x = leaf([1.0, -2.0])
    assert gradcheck(Cube.apply, (x,))
    (g,) = grad(Cube.apply(x).sum(), x, create_graph=True)
    (h,) = grad(g.sum(), x)
    np.testing.assert_allclose(h.data, 6 * x.data)


def test_custom_op_with_non_tensor_argument():
    x = leaf([1.0, 2.0])
    ScaleBy.apply(x, 4.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 4.0])


def test_needs_input_grad():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, a, b):
            seen["needs"] = ctx.needs_input_grad
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, None

    Probe.apply(leaf([1.0]), ae.tensor([2.0], dtype=np.float64))
    assert seen["needs"] == (True, False)


def test_multiple_outputs_and_missing_output_gradient():
    x = leaf([1.0, 2.0])
    a, b = SplitTwo.apply(x)
    a.sum().backward()  # b gets a zero gradient
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])
    x.grad = None
    a, b = SplitTwo.apply(x)
    (a + b).sum().backward()
    np.testing.assert_allclose(x.grad.data, [5.0, 5.0])


def test_mark_non_differentiable():
    class SumAndArgmax(Function):
        @staticmethod
        def forward(ctx, x):
            idx = ae.tensor(float(np.argmax(x.data)), dtype=x.dtype)
            ctx.mark_non_differentiable(idx)
            return x.sum(), idx

        @staticmethod
        def backward(ctx, g, g_idx):
            assert float(g_idx) == 0.0  # materialised zeros for the non-differentiable output
            return g * ae.ones(3, dtype=np.float64)

    x = leaf([1.0, 3.0, 2.0])
    total, idx = SumAndArgmax.apply(x)
    assert total.requires_grad and not idx.requires_grad
    total.backward()
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0, 1.0])


def test_array_backward_is_once_differentiable():
    x = leaf([0.5])
    y = ExpArrays.apply(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([0.5]))
    (g,) = grad(ExpArrays.apply(x).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="ExpArrays: .*differentiable only once"):
        grad(g.sum(), x)


def test_wrong_gradient_count_names_the_op():
    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match=r"TooMany.backward returned an incorrect number "
                                           r"of gradients \(expected 1, got 2\)"):
        TooMany.apply(leaf([1.0])).sum().backward()


def test_forgotten_unbroadcast_is_summed_by_the_engine():
    class AddBroadcast(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, g  # b's gradient has a's (broadcast) shape

    a, b = leaf([[1.0, 2.0], [3.0, 4.0]]), leaf([1.0, 1.0])
    AddBroadcast.apply(a, b).sum().backward()
    np.testing.assert_allclose(b.grad.data, [2.0, 2.0])


def test_irreducible_gradient_shape_raises():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return ae.ones(5, dtype=np.float64)

    with pytest.raises(RuntimeError, match=r"BadShape.backward returned a gradient of shape "
                                           r"\(5,\) for input 0, which cannot be summed to "
                                           r"the input's shape \(3,\)"):
        BadShape.apply(leaf([1.0, 2.0, 3.0])).sum().backward()


def test_integer_gradient_is_cast_to_the_input_dtype():
    class IntGrad(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return ae.ones(2, dtype=ae.int64)

    x = leaf([1.0, 2.0])
    IntGrad.apply(x).sum().backward()  # as PyTorch: cast, not refused
    assert x.grad.dtype == x.dtype and x.grad.tolist() == [1.0, 1.0]


def test_custom_op_under_no_grad_records_nothing():
    x = leaf([1.0])
    with ae.no_grad():
        y = Cube.apply(x)
    assert not y.requires_grad and y.grad_fn is None


def test_custom_op_version_check_names_the_op():
    x = leaf([1.0, 2.0])
    h = x * 1
    y = Cube.apply(h)
    with ae.no_grad():
        h.mul_(2)
    with pytest.raises(RuntimeError, match="Cube: one of the variables needed"):
        y.sum().backward()


def test_custom_op_under_detect_anomaly_names_the_op():
    class MakeNan(Function):
        @staticmethod
        def forward(ctx, x):
            return x * np.nan

        @staticmethod
        def backward(ctx, g):
            return g

    with detect_anomaly():
        with pytest.raises(RuntimeError, match="Function 'MakeNan' returned nan"):
            MakeNan.apply(leaf([1.0]))


def test_hooks_on_custom_op_outputs():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    y.register_hook(lambda g: g * 2)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * 3 * x.data ** 2)


def test_custom_op_returning_its_input_gets_a_new_tensor():
    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    x = leaf([1.0])
    y = Identity.apply(x)
    assert y is not x and x.grad_fn is None and y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0])
