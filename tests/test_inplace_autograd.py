"""In-place ops recorded in the graph (ops/inplace.py): PyTorch's results written out, so
these run without torch (tests/test_inplace_torch_parity.py compares live)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.ops.inplace import flat_positions

pytestmark = pytest.mark.usefixtures("inplace_recording")  # PyTorch's in-place rules


def _leaf(values):
    return ae.tensor(np.array(values, np.float64), requires_grad=True)


def test_a_write_makes_the_tensor_the_output_of_the_op():
    x = _leaf([1.0, -2.0, 3.0])
    y = x * 2
    assert y.mul_(x) is y and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [4.0, -8.0, 12.0]  # d(2x * x)/dx


def test_the_op_sees_a_copy_of_the_value_it_overwrites():
    x, w = _leaf([1.0, -2.0, 3.0]), _leaf([0.5, 2.0, -1.0])
    y = x * 1
    y.mul_(w)  # w's gradient needs y's old value, which the write overwrites
    y.sum().backward()
    assert w.grad.tolist() == [1.0, -2.0, 3.0] and x.grad.tolist() == [0.5, 2.0, -1.0]


def test_a_write_through_a_view_rewrites_the_base():
    x = _leaf([[1.0, -2.0], [3.0, 4.0]])
    y = x * 2
    y[0].mul_(3)
    assert y.tolist() == [[6.0, -12.0], [6.0, 8.0]]
    y.sum().backward()
    assert x.grad.tolist() == [[6.0, 6.0], [2.0, 2.0]]


def test_a_view_taken_before_a_write_is_rebuilt_from_its_base():
    x = _leaf([[1.0, -2.0], [3.0, 4.0]])
    y = x * 2
    column = y[:, 0]
    y.mul_(3)
    assert column.tolist() == [6.0, 18.0]
    column.sum().backward()
    assert x.grad.tolist() == [[6.0, 0.0], [6.0, 0.0]]


def test_augmented_assignment_into_an_index():
    x = _leaf([[1.0, -2.0], [3.0, 4.0]])
    y = x * 2
    y[0] += x[1]
    (y * y).sum().backward()
    assert x.grad.tolist() == [[20.0, 0.0], [34.0, 32.0]]


def test_an_element_of_a_vector_is_a_view():
    y = ae.zeros(3)
    element = y[1]
    element.add_(5.0)
    assert y.tolist() == [0.0, 5.0, 0.0] and element._version == y._version == 1


@pytest.mark.parametrize("write", [lambda t: t.add_(1), lambda t: t.zero_(),
                                   lambda t: t.__setitem__(0, 1.0)], ids=["add_", "zero_",
                                                                          "setitem"])
def test_a_leaf_that_requires_grad_is_refused(write):
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation"):
        write(_leaf([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        write(_leaf([[1.0, 2.0]])[0])
    with ae.no_grad():
        write(_leaf([1.0, 2.0]))


def test_only_the_values_a_backward_needs_are_checked():
    x = _leaf([1.0, -2.0, 3.0])
    y = x * 1
    z = y * 2  # needs no value of y (PyTorch saves nothing of y here either)
    masked = y * ae.tensor([0.0, 1.0, 2.0])  # needs the mask only
    y.add_(1)
    (z + masked).sum().backward()
    assert x.grad.tolist() == [2.0, 3.0, 4.0]
    y2 = x * 1
    square = y2 * y2
    y2.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        square.sum().backward()


def test_retain_grad_and_hooks_around_a_write():
    x = _leaf([1.0, -2.0, 3.0])
    y = x * 1
    seen = []
    y.retain_grad()
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.mul_(2)
    (y * y).sum().backward()
    assert y.grad.tolist() == [4.0, -8.0, 12.0]  # of the newest value
    assert seen == [[8.0, -16.0, 24.0]]  # a hook registered before sees the old value's
    assert x.grad.tolist() == [8.0, -16.0, 24.0]


def test_copy_into_a_plain_buffer_joins_the_graph():
    w = _leaf([1.0, 2.0, 3.0])
    buffer = ae.zeros(3)
    buffer.copy_(w * 2)
    assert buffer.requires_grad and not buffer.is_leaf
    (buffer * buffer).sum().backward()
    assert w.grad.tolist() == [8.0, 16.0, 24.0]


def test_inplace_activation_makes_the_input_its_output():
    x = _leaf([1.0, -2.0, 3.0])
    y = x * 1
    assert ae.nn.functional.relu(y, inplace=True) is y
    y.sum().backward()
    assert y.tolist() == [1.0, 0.0, 3.0] and x.grad.tolist() == [1.0, 0.0, 1.0]


def test_second_order_through_writes():
    x = _leaf([1.0, -2.0, 3.0])
    y = x * 1
    y.mul_(x)
    y.mul_(x)  # x^3
    (g,) = ae.autograd.grad(y.sum(), x, create_graph=True)
    g.sum().backward()
    assert g.tolist() == [3.0, 12.0, 27.0] and x.grad.tolist() == [6.0, -12.0, 18.0]


def test_gradcheck_through_a_write_into_a_view():
    def f(a, b):
        y = a * 1
        y[:, 1:].mul_(b)
        y.t()[0].add_(b[:, 0] * 2)
        return y.exp()
    a = ae.randn(3, 4, dtype=ae.float64, requires_grad=True)
    b = ae.randn(3, 3, dtype=ae.float64, requires_grad=True)
    assert ae.autograd.gradcheck(f, (a, b))
    assert ae.autograd.gradgradcheck(f, (a, b))


def test_grad_accumulates_into_the_same_tensor():
    a = _leaf([1.0, 2.0])
    (a * 2).sum().backward()
    g = a.grad
    (a * 3).sum().backward()
    assert a.grad is g and g.tolist() == [5.0, 5.0]


def test_shape_and_expand_errors():
    y = _leaf([1.0, 2.0]) * 1
    with pytest.raises(RuntimeError, match=r"add_: output with shape \(2,\) doesn't match the "
                                           r"broadcast shape \(2, 2\)"):
        y.add_(ae.ones(2, 2))
    with pytest.raises(RuntimeError, match="read-only"):
        y.expand(3, 2).mul_(2)


_VIEWS = [lambda a: a, lambda a: a.T, lambda a: a[::2], lambda a: a[:, 1:],
          lambda a: a[1], lambda a: a.reshape(-1)[::3], lambda a: a[::-1],
          lambda a: a.T[1:, ::2]]


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(2, 5), cols=st.integers(2, 5), first=st.sampled_from(range(8)),
       second=st.sampled_from(range(8)), transposed_base=st.booleans())
def test_flat_positions_find_each_element_of_a_view(rows, cols, first, second,
                                                    transposed_base):
    base = np.arange(rows * cols, dtype=np.float64).reshape(rows, cols)
    if transposed_base:
        base = base.T  # a base in another layout: positions are in its C order
    try:
        view = _VIEWS[second](_VIEWS[first](base))
    except IndexError:
        return
    if not np.shares_memory(view, base):  # reshape copied: not a view (nor marked as one)
        return
    positions = flat_positions(base, view)
    np.testing.assert_array_equal(base.reshape(-1)[positions], view)
