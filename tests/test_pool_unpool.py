"""adaptive_max_pool2d, max_pool2d's indices and max_unpool2d on literal values taken from
PyTorch 2.x (no torch import here; see test_pool_unpool_torch_parity.py for the comparison)."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine import nn
from autograd_engine.autograd import gradcheck, gradgradcheck

IMAGE = np.array([[[1., 5, 2, 0, 3], [3, 5, 4, 4, 1], [0, 0, 1, 9, 2], [8, 7, 9, 2, 6]]])


def test_adaptive_max_pool2d_values_indices_and_first_max_gradient():
    x = ae.Tensor(IMAGE, requires_grad=True)
    out, idx = F.adaptive_max_pool2d(x, (3, 2), return_indices=True)
    np.testing.assert_array_equal(out.data, [[[5, 4], [5, 9], [9, 9]]])
    np.testing.assert_array_equal(idx.data, [[[1, 7], [6, 13], [17, 13]]])
    assert idx.dtype == np.int64
    out.backward(ae.Tensor(np.array([[[1., 2], [3, 4], [5, 6]]])))
    np.testing.assert_array_equal(x.grad.data, [[[0, 1, 0, 0, 0], [0, 3, 2, 0, 0],
                                                 [0, 0, 0, 10, 0], [0, 0, 5, 0, 0]]])


def test_adaptive_max_pool2d_ties_take_the_first_max_and_nan_the_last():
    x = ae.Tensor(np.array([[[1., 3, 3], [3, 2, 1], [0, 3, 1]]]), requires_grad=True)
    out, idx = F.adaptive_max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(idx.data, [[[1, 1], [3, 7]]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[0, 2, 0], [1, 0, 0], [0, 1, 0]]])
    nan = ae.Tensor(np.array([[[1., np.nan, 3], [np.nan, 2, 1]]]))
    out, idx = F.adaptive_max_pool2d(nan, 1, return_indices=True)
    assert np.isnan(out.data).all() and idx.data.tolist() == [[[3]]]


def test_adaptive_max_pool2d_shapes_and_module():
    x = ae.Tensor(np.zeros((2, 3, 5, 7)))
    assert F.adaptive_max_pool2d(x, (None, 3)).shape == (2, 3, 5, 3)
    assert F.adaptive_max_pool2d(x, (0, 3)).shape == (2, 3, 0, 3)
    assert F.adaptive_max_pool2d(ae.Tensor(np.zeros((0, 3, 5, 7))), 2).shape == (0, 3, 2, 2)
    out, idx = nn.AdaptiveMaxPool2d(4, return_indices=True)(x)
    assert out.shape == idx.shape == (2, 3, 4, 4)
    assert repr(nn.AdaptiveMaxPool2d(3)) == "AdaptiveMaxPool2d(output_size=3)"
    values, indices = F.adaptive_max_pool2d_with_indices(ae.Tensor(IMAGE), (3, 2))
    np.testing.assert_array_equal(indices.data, [[[1, 7], [6, 13], [17, 13]]])


@pytest.mark.parametrize("shape,output_size,match", [
    ((5, 7), 2, "Expected 3D or 4D tensor"),
    ((2, 0, 5, 7), 2, "dimension 1 being empty"),
    ((1, 2, 5, 7), (3,), "output_size must be 2"),
])
def test_adaptive_max_pool2d_errors(shape, output_size, match):
    with pytest.raises(RuntimeError, match=match):
        F.adaptive_max_pool2d(ae.Tensor(np.zeros(shape)), output_size)


def test_max_pool2d_indices_are_flat_within_each_plane():
    x = ae.Tensor(IMAGE[:, :, :4][None])
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(out.data, [[[[5, 4], [8, 9]]]])
    np.testing.assert_array_equal(idx.data, [[[[1, 6], [12, 11]]]])
    assert idx.dtype == np.int64
    _, idx = F.max_pool2d_with_indices(x, 3, 2, 1)
    np.testing.assert_array_equal(idx.data, [[[[1, 1], [12, 11]]]])
    _, idx = nn.MaxPool2d(3, 2, 1, return_indices=True)(x)
    np.testing.assert_array_equal(idx.data, [[[[1, 1], [12, 11]]]])


def test_max_unpool2d_inverts_max_pool2d_with_output_size():
    pooled, idx = F.max_pool2d(ae.Tensor(IMAGE[None]), 2, return_indices=True)
    out = F.max_unpool2d(pooled, idx, 2, output_size=(4, 5))
    np.testing.assert_array_equal(out.data, [[[[0, 5, 0, 0, 0], [0, 0, 4, 0, 0],
                                               [0, 0, 0, 9, 0], [8, 0, 0, 0, 0]]]])


def test_max_unpool2d_default_size_and_gather_gradient():
    v = ae.Tensor(np.array([[[1., 2], [3, 4]]]), requires_grad=True)
    idx = ae.Tensor(np.array([[[0, 2], [4, 8]]]))
    out = nn.MaxUnpool2d(3, 2, 1)(v, idx)  # (2 - 1) * 2 - 2 * 1 + 3 = 3
    np.testing.assert_array_equal(out.data, [[[1, 0, 2], [0, 3, 0], [0, 0, 4]]])
    out.backward(ae.Tensor(np.arange(9.).reshape(1, 3, 3)))
    np.testing.assert_array_equal(v.grad.data, [[[0, 2], [4, 8]]])
    assert repr(nn.MaxUnpool2d(3, 1, 1)) == \
        "MaxUnpool2d(kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"


def test_max_unpool2d_repeated_index_keeps_the_last_value():
    out = F.max_unpool2d(ae.Tensor(np.array([[[[1., 2]]]])),
                         ae.Tensor(np.array([[[[0, 0]]]])), 2)
    np.testing.assert_array_equal(out.data, [[[[2, 0, 0, 0], [0, 0, 0, 0]]]])


@pytest.mark.parametrize("index,kwargs,error,message", [
    ([[[[0, 17]]]], {}, RuntimeError,
     "Found an invalid max index: 17 (output volumes are of size 2x4)"),
    ([[[[-1, 0]]]], {}, RuntimeError,
     "Found an invalid max index: -1 (output volumes are of size 2x4)"),
    ([[[[0, 1]]]], {"output_size": (2, 4, 5)}, ValueError,
     "output_size should be a sequence containing 2 or 4 elements, but it has a length of '3'"),
    ([[[[0, 1]]]], {"output_size": (4, 4)}, ValueError,
     'invalid output_size "(4, 4)" (dim 0 must be between 0 and 4)'),
    ([[[[0]]]], {}, RuntimeError,
     "Expected shape of indices to be same as that of the input tensor ([1, 1, 1, 2]) but "
     "got indices tensor with shape: [1, 1, 1, 1]"),
])
def test_max_unpool2d_errors(index, kwargs, error, message):
    x = ae.Tensor(np.array([[[[1., 2]]]]))
    with pytest.raises(error) as info:
        F.max_unpool2d(x, ae.Tensor(np.array(index)), 2, **kwargs)
    assert str(info.value) == message


def test_max_unpool2d_refuses_int32_indices_and_2d_input():
    with pytest.raises(RuntimeError, match="should be type int64"):
        F.max_unpool2d(ae.Tensor(np.ones((1, 1, 2))), ae.Tensor(np.zeros((1, 1, 2), np.int32)), 2)
    with pytest.raises(RuntimeError, match="3d or 4d"):
        F.max_unpool2d(ae.Tensor(np.ones((1, 2))), ae.Tensor(np.zeros((1, 2), np.int64)), 2)


def test_second_order_gradients():
    rng = np.random.default_rng(1)
    x = ae.Tensor(rng.standard_normal((2, 2, 5, 7)), requires_grad=True)
    assert gradcheck(lambda x: F.adaptive_max_pool2d(x, (3, 4)), (x,))
    assert gradgradcheck(lambda x: F.adaptive_max_pool2d(x, (3, 4)) ** 2, (x,))
    _, idx = F.max_pool2d(ae.Tensor(rng.standard_normal((2, 2, 6, 5))), 2, return_indices=True)
    v = ae.Tensor(rng.standard_normal(idx.shape), requires_grad=True)
    assert gradcheck(lambda v: F.max_unpool2d(v, idx, 2, output_size=(6, 5)), (v,))
    assert gradgradcheck(lambda v: F.max_unpool2d(v, idx, 2, output_size=(6, 5)) ** 2, (v,))
