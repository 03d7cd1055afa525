"""Pickling and copying tensors follow PyTorch 2.13 (its results written out)."""
import copy
import pickle

import numpy as np
import pytest

import autograd_engine as ae


def _leaf_with_grad():
    x = ae.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    return x


def test_pickle_keeps_data_and_requires_grad_only():
    x = _leaf_with_grad()
    back = pickle.loads(pickle.dumps(x))
    assert back.requires_grad and back.is_leaf and back.grad is None
    assert back.tolist() == [1.0, 1.0, 1.0] and back.dtype == ae.float32
    y = x * 3  # a non-leaf arrives as a leaf that requires grad
    back = pickle.loads(pickle.dumps(y))
    assert back.is_leaf and back.requires_grad and back.tolist() == [3.0, 3.0, 3.0]
    view = ae.arange(6.0).reshape(2, 3)[1]
    assert pickle.loads(pickle.dumps(view)).tolist() == [3.0, 4.0, 5.0]
    assert type(pickle.loads(pickle.dumps(ae.nn.Parameter(ae.ones(2))))) is ae.nn.Parameter


def test_pickle_drops_hooks_with_pytorch_warning():
    h = ae.ones(2, requires_grad=True)
    h.register_hook(lambda g: g)
    with pytest.warns(UserWarning, match="will not be serialized"):
        back = pickle.loads(pickle.dumps(h))
    assert back.requires_grad


def test_copy_and_deepcopy():
    x = _leaf_with_grad()
    assert copy.copy(x).grad is None
    clone = copy.deepcopy(x)
    assert clone.grad.tolist() == [2.0, 2.0, 2.0] and clone.grad is not x.grad
    assert not np.shares_memory(clone.data, x.data)
    with pytest.raises(RuntimeError, match="Only Tensors created explicitly by the user"):
        copy.deepcopy(x * 3)


def test_deepcopy_of_a_module_copies_parameters_without_grads():
    m = ae.nn.Linear(2, 2)
    m(ae.ones(1, 2)).sum().backward()
    clone = copy.deepcopy(m)
    assert clone.weight is not m.weight and clone.weight.grad is None
    assert isinstance(clone.weight, ae.nn.Parameter)
    assert clone.weight.tolist() == m.weight.tolist()


def test_repr_names_the_node_as_pytorch():
    y = ae.ones(2, requires_grad=True) * 2
    assert repr(y) == "tensor([2., 2.], grad_fn=<MulBackward0>)"
