"""The default in-place rules: a write into a tensor that requires grad raises outside
``no_grad`` (the project's contract), a write into one that does not is allowed and, when
its new value needs a gradient, recorded; ``ae.autograd.set_inplace_recording(True)``
switches to PyTorch's rules (tests/test_inplace_autograd.py)."""
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F

WRITES = {
    "add_": lambda t: t.add_(1.0),
    "mul_": lambda t: t.mul_(2.0),
    "sub_": lambda t: t.__isub__(1.0),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(3.0),
    "copy_": lambda t: t.copy_(ae.ones(3)),
    "setitem": lambda t: t.__setitem__(0, 5.0),
    "relu_": lambda t: F.relu(t, inplace=True),
    "clamp_": lambda t: t.clamp_(0.0, 1.0),
    "scatter_": lambda t: t.scatter_(0, ae.tensor([0]), 7.0),
}


def _non_leaf():
    x = ae.tensor([1.0, -2.0, 3.0], requires_grad=True)
    return x, x * 2


@pytest.mark.parametrize("op", WRITES)
def test_a_write_into_a_tensor_that_requires_grad_raises_and_changes_nothing(op):
    x, y = _non_leaf()
    version = y._version
    with pytest.raises(RuntimeError, match=rf"^{op}: a tensor that requires grad \(shape "
                                           r"\(3,\), float32\) is being used in an in-place "
                                           r"operation; .*set_inplace_recording\(True\)"):
        WRITES[op](y)
    assert y.tolist() == [2.0, -4.0, 6.0] and y._version == version
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("op", WRITES)
def test_a_leaf_that_requires_grad_gets_pytorchs_message(op):
    x = ae.tensor([1.0, -2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=rf"^{op}: a leaf Variable that requires grad is "
                                           "being used in an in-place operation"):
        WRITES[op](x)
    assert x.tolist() == [1.0, -2.0, 3.0]


@pytest.mark.parametrize("op", WRITES)
def test_writes_under_no_grad_and_into_tensors_without_grad_are_allowed(op):
    x, y = _non_leaf()
    with ae.no_grad():
        WRITES[op](y)
    assert y._version == 1 and y.tolist() != [2.0, -4.0, 6.0]
    plain = ae.tensor([2.0, -4.0, 6.0])
    WRITES[op](plain)
    assert plain._version == 1 and plain.tolist() == y.tolist() and not plain.requires_grad


def test_a_value_that_requires_grad_written_into_a_plain_tensor_is_recorded():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    z = ae.zeros(3)
    z[1:] = x * 3
    assert z.requires_grad and z.grad_fn.name() == "SetItemBackward0"
    (z * z).sum().backward()
    assert x.grad.tolist() == [18.0, 36.0]
    with pytest.raises(RuntimeError, match="setitem: a tensor that requires grad"):
        z[0] = 1.0  # z requires grad now


def test_a_stale_saved_tensor_still_raises_at_backward():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    b = ae.tensor([3.0, 4.0])
    y = (x * b).sum()  # saves b
    b.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_set_inplace_recording_as_call_block_and_decorator():
    assert not ae.autograd.is_inplace_recording_enabled()
    with ae.autograd.set_inplace_recording(True):
        assert ae.autograd.is_inplace_recording_enabled()
        x, y = _non_leaf()
        y.mul_(x)
        y.sum().backward()
        assert x.grad.tolist() == [4.0, -8.0, 12.0]  # d(2x * x)/dx
    assert not ae.autograd.is_inplace_recording_enabled()

    @ae.autograd.set_inplace_recording(True)
    def relu_in_place(t):
        return F.relu(t, inplace=True)

    assert not ae.autograd.is_inplace_recording_enabled()  # decorating does not switch
    x, y = _non_leaf()
    out = relu_in_place(y)
    assert out is y and y.tolist() == [2.0, 0.0, 6.0]
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]

    ae.autograd.set_inplace_recording(True)
    try:
        assert ae.autograd.is_inplace_recording_enabled()
    finally:
        ae.autograd.set_inplace_recording(False)
    assert not ae.autograd.is_inplace_recording_enabled()


@pytest.mark.parametrize("op", ["logical_not_", "logical_and_", "logical_or_", "logical_xor_"])
def test_unrecorded_writes_are_refused_too(op):
    """PyTorch lets the logical in-place ops write into a tensor that requires grad without
    recording them; the default rules refuse every in-place write into one."""
    args = () if op == "logical_not_" else (ae.tensor([1.0, 0.0]),)
    x, y = _non_leaf()
    with pytest.raises(RuntimeError, match=f"^{op}: a tensor that requires grad"):
        getattr(y[:2], op)(*args)
    with pytest.raises(RuntimeError, match=f"^{op}: a leaf Variable"):
        getattr(x[:2].detach().requires_grad_(), op)(*args)
    with ae.autograd.set_inplace_recording(True):
        getattr(y[:2], op)(*args)  # as PyTorch


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "clamp_", "__iadd__",
                                "__imul__"])
def test_shapes_that_do_not_broadcast_name_the_op(op):
    name = {"__iadd__": "add_", "__imul__": "mul_"}.get(op, op)
    with pytest.raises(RuntimeError, match=rf"^{name}: shapes \(2, 3\) and \(4, 3\) cannot be "
                                           "broadcast together"):
        getattr(ae.zeros(2, 3), op)(ae.ones(4, 3))
    with pytest.raises(RuntimeError, match=r"cannot write a value of shape \(4, 3\) into a "
                                           r"tensor of shape \(1, 3\)"):
        getattr(ae.zeros(1, 3), op)(ae.ones(4, 3))
