"""What users assign to a tensor's attributes is checked as PyTorch checks it (requires_grad
only on float leaves, .grad of the tensor's shape and dtype); new_* factories, float()/int(),
PyTorch's keyword names of the shape methods and **=."""
import numpy as np
import pytest

import autograd_engine as ae


def test_requires_grad_only_on_float_leaves():
    t = ae.tensor([1, 2])
    with pytest.raises(TypeError, match="only floating point tensors can require gradients, "
                                        "got dtype int64"):
        t.requires_grad = True
    t.requires_grad = False  # allowed, as PyTorch
    x = ae.ones(2, requires_grad=True)
    for value in (True, False):
        with pytest.raises(RuntimeError, match="you can only change requires_grad flags of "
                                               "leaf variables"):
            (x * 2).requires_grad = value
    leaf = ae.ones(2)
    leaf.requires_grad = True
    (leaf * 3).sum().backward()
    assert leaf.grad.tolist() == [3.0, 3.0]


def test_assigned_grad_must_match_shape_and_dtype():
    x = ae.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"assign a gradient of size \[3\] to a tensor of "
                                           r"size \[2\]"):
        x.grad = ae.ones(3)
    with pytest.raises(RuntimeError, match="gradient with dtype float64 to a tensor of dtype "
                                           "float32"):
        x.grad = ae.ones(2, dtype=ae.float64)
    with pytest.raises(TypeError, match="expected to be a Tensor or None but got grad of type "
                                        "list"):
        x.grad = [1.0, 2.0]
    x.grad = ae.full((2,), 5.0)
    (x * 1).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    x.grad = None
    assert x.grad is None


@pytest.mark.parametrize("method,args", [("new_zeros", (2,)), ("new_ones", (2,)),
                                         ("new_empty", (2,)), ("new_full", ((2,), 1))])
def test_new_factories_refuse_grad_on_integer_dtypes(method, args):
    with pytest.raises(TypeError, match=f"{method}: only floating point tensors can require "
                                        "gradients"):
        getattr(ae.ones(2), method)(*args, dtype=ae.int64, requires_grad=True)
    with pytest.raises(TypeError, match=method):
        getattr(ae.tensor([1, 2]), method)(*args, requires_grad=True)
    made = getattr(ae.ones(2, dtype=ae.float64), method)(*args, requires_grad=True)
    assert made.dtype == ae.float64 and made.requires_grad and made.shape == (2,)


def test_float_and_int_of_several_elements_are_value_errors():
    for convert in (float, int):
        with pytest.raises(ValueError, match=rf"{convert.__name__}\(\): only one element "
                                             "tensors can be converted to Python scalars"):
            convert(ae.zeros(2))
    with pytest.raises(RuntimeError):  # item() keeps PyTorch's RuntimeError
        ae.zeros(2).item()
    assert float(ae.tensor([2.5])) == 2.5 and int(ae.tensor([[3]])) == 3


def test_shape_methods_take_pytorchs_keywords():
    x = ae.arange(6.0).reshape(2, 3)
    assert x.reshape(shape=(3, 2)).shape == (3, 2)
    assert x.view(size=(6,)).shape == (6,)
    assert x.permute(dims=(1, 0)).tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    assert x.expand(size=(2, 2, 3)).shape == (2, 2, 3)
    assert x.repeat(repeats=(2, 1)).shape == (4, 3)
    with pytest.raises(TypeError, match="reshape\\(\\) got an unexpected keyword argument "
                                        "'dims'"):
        x.reshape(dims=(6,))


def test_power_assignment_writes_in_place():
    y = ae.tensor([1.0, 2.0, 3.0])
    alias = y
    y **= 2
    assert y is alias and alias.tolist() == [1.0, 4.0, 9.0] and y._version == 1
    np.testing.assert_array_equal(alias.numpy(), [1.0, 4.0, 9.0])
