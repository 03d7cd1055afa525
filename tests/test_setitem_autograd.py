"""``t[idx] = v`` with gradients: the target joins the graph (PyTorch's CopySlices), the
value gets the gradient of the positions it wrote, the previous value that of the others.
Expected values are PyTorch 2's; views and expanded targets are refused (see ops/index.py)."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import grad

pytestmark = pytest.mark.usefixtures("inplace_recording")  # PyTorch's in-place rules


def _leaf(values, dtype=ae.float32):
    return ae.tensor(values, dtype=dtype, requires_grad=True)


def _weighted_backward(t):
    """Backward of sum(t * [1, 2, 3, ...]): each position's gradient is its weight."""
    weights = ae.arange(1.0, t.numel() + 1.0).reshape(t.shape)
    (t * weights).sum().backward()


# -- the target joins the graph ---------------------------------------------------------------
def test_a_value_that_requires_grad_makes_the_target_a_non_leaf():
    x = _leaf([1.0, 2.0])
    t = ae.zeros(3)
    t[1:] = x * 2
    assert t.requires_grad and not t.is_leaf and t.grad_fn is not None
    assert repr(t.grad_fn) == "<SetItemBackward>" and t._version == 1
    assert t.tolist() == [0.0, 2.0, 4.0]
    t.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("index,value,grad_x,values", [
    (1, 3.0, 2.0, [0.0, 3.0, 0.0, 0.0]),
    (np.array([True, False, True, False]), [1.0, 2.0], [1.0, 3.0], [1.0, 0.0, 2.0, 0.0]),
    # a repeated index: the last write wins, yet every repeat gets the position's gradient
    ([0, 2, 0], [1.0, 2.0, 3.0], [1.0, 3.0, 1.0], [3.0, 0.0, 2.0, 0.0]),
    (ae.tensor([0, 2, 0]), [1.0, 2.0, 3.0], [1.0, 3.0, 1.0], [3.0, 0.0, 2.0, 0.0]),
    (np.array([True, False, True, True]), 2.0, 8.0, [2.0, 0.0, 2.0, 2.0]),
], ids=["int", "mask", "repeated list", "repeated tensor", "mask, broadcast 0-d value"])
def test_the_value_gets_the_gradient_of_the_positions_it_was_written_to(index, value, grad_x,
                                                                        values):
    x = _leaf(value)
    t = ae.zeros(4)
    t[index] = x
    assert t.tolist() == values
    _weighted_backward(t)
    assert x.grad.tolist() == grad_x


def test_pairs_of_index_arrays():
    y = _leaf([1.0, 2.0, 3.0])
    t = ae.zeros(2, 3)
    t[ae.tensor([1, 1, 0]), ae.tensor([0, 0, 2])] = y
    assert t.tolist() == [[0.0, 0.0, 3.0], [2.0, 0.0, 0.0]]
    (t * ae.arange(6.0).reshape(2, 3)).sum().backward()
    assert y.grad.tolist() == [3.0, 3.0, 2.0]


@pytest.mark.parametrize("shape,index,value,expected", [
    ((3, 2), np.s_[1:], [1.0, 2.0], [6.0, 8.0]),
    ((3, 3), [0, 0], [1.0, 2.0, 3.0], [0.0, 2.0, 4.0]),
    ((3,), np.s_[1:], [[1.0, 2.0]], [[1.0, 1.0]]),  # a leading size-1 dim in the value
], ids=["rows", "repeated rows", "leading 1"])
def test_a_broadcast_value_gets_its_gradient_summed(shape, index, value, expected):
    y = _leaf(value)
    t = ae.zeros(*shape)
    t[index] = y
    if len(shape) == 1:
        t.sum().backward()
    else:
        (t * ae.arange(float(np.prod(shape))).reshape(shape)).sum().backward()
    assert y.grad.tolist() == expected


def test_a_zero_d_target():
    y = _leaf(2.0)
    t = ae.zeros(())
    t[...] = y * 3
    assert t.item() == 6.0
    t.backward()
    assert y.grad.item() == 3.0


# -- chains, overwrites and non-leaf targets --------------------------------------------------
def test_writes_chain_and_a_later_plain_write_keeps_the_graph():
    a, b = _leaf(1.0), _leaf(2.0)
    t = ae.zeros(3)
    t[0] = a
    t[1] = b * 3
    assert t.tolist() == [1.0, 6.0, 0.0] and t._version == 2
    _weighted_backward(t)
    assert (a.grad.item(), b.grad.item()) == (1.0, 6.0)

    x = _leaf([1.0, 2.0])
    t = ae.zeros(3)
    t[1:] = x * 2
    t[0] = 7.0  # t requires grad now: a plain value is recorded too
    assert t.requires_grad and t.tolist() == [7.0, 2.0, 4.0]
    _weighted_backward(t)
    assert x.grad.tolist() == [4.0, 6.0]


def test_an_overwritten_value_gets_no_gradient():
    a, b = _leaf(1.0), _leaf(2.0)
    t = ae.zeros(3)
    t[0] = a
    t[0:2] = b
    assert t.tolist() == [2.0, 2.0, 0.0]
    _weighted_backward(t)
    assert (a.grad.item(), b.grad.item()) == (0.0, 3.0)


def test_a_non_leaf_target_passes_the_gradient_of_the_kept_positions():
    a, b = _leaf([1.0, 2.0, 3.0]), _leaf(5.0)
    t = a * 1
    t[1] = b
    assert t.tolist() == [1.0, 5.0, 3.0]
    _weighted_backward(t)
    assert a.grad.tolist() == [1.0, 0.0, 3.0] and b.grad.item() == 2.0

    a = _leaf([1.0, 2.0, 3.0])
    t = a * 2
    t[0] = 7.0
    _weighted_backward(t)
    assert a.grad.tolist() == [0.0, 4.0, 6.0]


def test_a_leaf_that_requires_grad_is_still_refused():
    x = _leaf([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad.*in-place"):
        x[1] = 5.0
    y = x * 1
    y[1] = 5.0  # its non-leaf result is accepted
    assert y.tolist() == [1.0, 5.0, 3.0] and x.tolist() == [1.0, 2.0, 3.0]


def test_second_order_gradients():
    x = _leaf([1.0, 2.0])
    t = ae.zeros(3)
    t[1:] = x ** 2
    (g,) = grad((t * t).sum(), x, create_graph=True)
    assert g.tolist() == [4.0, 32.0]
    g.sum().backward()
    assert x.grad.tolist() == [12.0, 48.0]


def test_retain_grad_follows_the_newest_value_and_earlier_hooks_see_the_old_one():
    y = _leaf([1.0, 2.0])
    a = _leaf([1.0, 2.0, 3.0])
    t = a * 1
    t.retain_grad()
    seen = []
    t.register_hook(lambda g: seen.append(g.tolist()))
    t[1:] = y * 2
    (t * t).sum().backward()
    assert t.grad.tolist() == [2.0, 4.0, 8.0]
    assert seen == [[2.0, 0.0, 0.0]] and a.grad.tolist() == [2.0, 0.0, 0.0]
    assert y.grad.tolist() == [8.0, 16.0]


# -- dtypes, grad mode and errors -------------------------------------------------------------
def test_dtypes_follow_the_target_and_gradients_the_value():
    x = _leaf([1.0, 2.0], dtype=ae.float64)
    t = ae.zeros(3)
    t[1:] = x * 2
    t.sum().backward()
    assert t.dtype == ae.float32 and x.grad.dtype == ae.float64
    assert x.grad.tolist() == [2.0, 2.0]

    t = ae.zeros(3, dtype=ae.int64)
    t[1:] = x * 2  # an integer target cannot join the graph: the value is cast
    assert t.tolist() == [0, 2, 4] and not t.requires_grad and t.is_leaf


def test_no_grad_writes_values_only_and_a_bad_index_leaves_the_target_alone():
    x = _leaf([1.0, 2.0])
    t = ae.zeros(3)
    with pytest.raises(IndexError, match="out of bounds"):
        t[5] = x.sum()
    with pytest.raises(RuntimeError, match=r"setitem.*shape \(2,\).*\(3,\)"):
        t[:] = x
    assert t.is_leaf and not t.requires_grad and t._version == 0
    with ae.no_grad():
        t[1:] = x * 2
    assert t.is_leaf and not t.requires_grad and t.tolist() == [0.0, 2.0, 4.0]
    t[0] = x[0]
    assert t.requires_grad and t.tolist() == [1.0, 2.0, 4.0]


def test_a_later_write_makes_a_saved_target_stale():
    y = _leaf([1.0, 2.0])
    t = ae.zeros(3)
    t[1:] = y * 2
    z = t * t
    t[0] = 1.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*version 2; "
                                           "expected version 1"):
        z.sum().backward()


# -- views --------------------------------------------------------------------------------------
def test_writing_a_gradient_through_a_view_puts_the_base_in_the_graph():
    x = _leaf([1.0, 2.0])
    base = ae.zeros(2, 3)
    row = base[0]
    row[1:] = x * 2  # PyTorch's CopySlices: base becomes base_before with row[1:] replaced
    assert base.requires_grad and not base.is_leaf and not row.is_leaf
    base.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0] and base.tolist() == [[0.0, 2.0, 4.0], [0.0] * 3]

    leaf = _leaf([1.0, 2.0, 3.0])
    h = leaf * 1
    h[1:][0] = 5.0  # a view of a tensor that requires grad, with a plain value
    assert h.tolist() == [1.0, 5.0, 3.0]
    (h * h).sum().backward()
    assert leaf.grad.tolist() == [2.0, 0.0, 6.0]


def test_views_taken_before_a_write_see_its_values():
    x = _leaf([1.0, 2.0])
    t = ae.zeros(3)
    view = t[:2]
    t[1:] = x * 2
    assert view.tolist() == [0.0, 2.0] and view._version == t._version == 1


def test_writing_into_a_detached_tensor_leaves_the_original_out_of_the_graph():
    y = _leaf([1.0, 2.0])
    x = ae.zeros(3)
    d = x.detach()
    d[1:] = y * 2
    assert x.tolist() == [0.0, 2.0, 4.0] and x.is_leaf and not x.requires_grad
    d.sum().backward()
    assert y.grad.tolist() == [2.0, 2.0]


# -- expanded targets (C10) ---------------------------------------------------------------------
@pytest.mark.parametrize("index", [0, np.s_[:, 0], [0], np.s_[...]], ids=repr)
def test_writing_into_an_expanded_tensor_is_a_clear_error(index):
    base = ae.ones(1, 3)
    t = base.expand(2, 3)
    with pytest.raises(RuntimeError, match=r"setitem: .*shape \(2, 3\).*read-only.*expand.*"
                                           r"clone\(\)"):
        t[index] = 5.0
    with pytest.raises(RuntimeError, match="read-only.*expand"):
        t[0][1] = 5.0
    assert base.tolist() == [[1.0, 1.0, 1.0]] and base._version == 0
    clone = t.clone()
    clone[0] = 5.0
    assert clone.tolist() == [[5.0] * 3, [1.0] * 3]
