"""1-D and 3-D convolutions and pooling on literal values taken from PyTorch 2.13 (no torch
import here; see test_conv_pool_nd_torch_parity.py for the live comparison)."""
import math

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine import nn
from autograd_engine.autograd import gradcheck, gradgradcheck

INF = math.inf


def _t(values, grad=False, dtype=np.float64):
    return ae.Tensor(np.array(values, dtype), requires_grad=grad)


def test_conv1d_values_and_gradients():
    x = ae.Tensor(np.arange(10.).reshape(1, 2, 5), requires_grad=True)
    w = _t([[[1., -1, 2]], [[0.5, 2, -1]]], grad=True)
    b = _t([0.5, -1.], grad=True)
    y = F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2)
    np.testing.assert_array_equal(y.data, [[[5.5, -1.5], [3., 18.]]])
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[0., -14, 0, 25, 0], [0, 30, 0, 66, 0]]])
    np.testing.assert_array_equal(w.grad.data, [[[-3., 2, 33]], [[216, 324, 48]]])
    np.testing.assert_array_equal(b.grad.data, [8., 42])


W3 = [[[[[1., -1], [2, 0]], [[0, 1], [-1, 3]]]]]


def test_conv3d_values_and_gradients():
    x = ae.Tensor(np.arange(24.).reshape(1, 1, 2, 3, 4), requires_grad=True)
    w = _t(W3, grad=True)
    y = F.conv3d(x, w, padding=(0, 1, 0), stride=(1, 2, 3))
    np.testing.assert_array_equal(y.data, [[[[[27.], [75.]]]]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[[[2., 0, 0, 0], [1, -1, 0, 0], [2, 0, 0, 0]],
                                                  [[-1, 3, 0, 0], [0, 1, 0, 0],
                                                   [-1, 3, 0, 0]]]]])
    np.testing.assert_array_equal(w.grad.data, [[[[[4., 5], [8, 10]], [[16, 17], [32, 34]]]]])


def test_conv3d_same_padding_unbatched():
    y = F.conv3d(ae.Tensor(np.arange(24.).reshape(1, 2, 3, 4)), _t(W3), padding="same")
    np.testing.assert_array_equal(y.data, [[[[55., 60, 65, -2], [75, 80, 85, 6],
                                             [20, 21, 22, 11]],
                                            [[31, 33, 35, 53], [39, 41, 43, 65],
                                             [-1, -1, -1, 23]]]])


def test_conv_transpose_values():
    y = F.conv_transpose1d(_t([[[1., 2, 3]]]), _t([[[1., 10]]]), stride=3, output_padding=1,
                           padding=1)
    np.testing.assert_array_equal(y.data, [[[10., 0, 2, 20, 0, 3, 30]]])
    # output_padding >= stride (allowed below the dilation): zero-filled past the full result
    y = F.conv_transpose3d(_t([[[[[1., 2]]]]]), ae.Tensor(np.ones((1, 1, 1, 1, 2))),
                           stride=(1, 1, 2), output_padding=(0, 0, 2), dilation=(1, 1, 3))
    np.testing.assert_array_equal(y.data, [[[[[1., 0, 2, 1, 0, 2, 0, 0]]]]])


def test_conv3d_gradcheck_every_order():
    rng = np.random.default_rng(0)
    x = ae.Tensor(rng.standard_normal((2, 2, 3, 2, 3)), requires_grad=True)
    w = ae.Tensor(rng.standard_normal((2, 1, 2, 1, 2)), requires_grad=True)
    b = ae.Tensor(rng.standard_normal(2), requires_grad=True)

    def fn(x, w, b):
        return F.conv3d(x, w, b, padding=(1, 0, 1), dilation=(2, 1, 1), groups=2)
    assert gradcheck(fn, (x, w, b)) and gradgradcheck(fn, (x, w, b))

    def transposed(x, w):
        return F.conv_transpose3d(x, w, stride=(2, 1, 2), output_padding=(1, 0, 0))
    wt = ae.Tensor(rng.standard_normal((2, 1, 2, 2, 1)), requires_grad=True)
    assert gradcheck(transposed, (x, wt)) and gradgradcheck(transposed, (x, wt))


def test_max_pool1d_values_indices_and_gradient():
    x = _t([[[3., 1, 4, 1, 5, 9, 2, 6]]], grad=True)
    y, i = F.max_pool1d(x, 3, 2, 1, 2, True, True)
    np.testing.assert_array_equal(y.data, [[[1., 9, 9, 9]]])
    np.testing.assert_array_equal(i.data, [[[1, 5, 5, 5]]])
    assert i.dtype == np.int64
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[0., 1, 0, 0, 0, 3, 0, 0]]])


def test_max_pool3d_ties_take_the_first_maximum_in_scan_order():
    x = _t([[[[[1., 5], [5, 2]], [[0, 5], [7, 7]]]]])
    y, i = F.max_pool3d(x, 2, 1, 1, return_indices=True)
    np.testing.assert_array_equal(y.data[0, 0, 0], [[1., 5, 5], [5, 5, 5], [5, 5, 2]])
    np.testing.assert_array_equal(i.data[0, 0], [[[0, 1, 1], [2, 1, 1], [2, 2, 3]],
                                                 [[0, 1, 1], [6, 6, 7], [6, 6, 7]],
                                                 [[4, 5, 5], [6, 6, 7], [6, 6, 7]]])


def test_max_pool3d_nan_and_minus_inf_windows():
    x = _t([[[[[1., np.nan], [3, 2]], [[np.nan, 3], [1, 2]]]]])
    y, i = F.max_pool3d(x, 2, return_indices=True)
    assert np.isnan(y.data).all() and i.data.tolist() == [[[[[4]]]]]  # the last NaN
    y, i = F.max_pool3d(ae.Tensor(np.full((1, 1, 2, 2, 2), -INF)), 2, 2, 1, return_indices=True)
    assert (y.data == -INF).all()
    np.testing.assert_array_equal(i.data.ravel(), np.arange(8))  # the first tap inside


def test_max_pool3d_window_wholly_in_the_padding():
    # dilation 2 over a one-wide dim: both taps of each window lie in the padding
    x = ae.Tensor(np.arange(8.).reshape(1, 1, 2, 1, 4), requires_grad=True)
    y, i = F.max_pool3d(x, (1, 2, 2), (2, 1, 2), (0, 1, 1), 2, return_indices=True)
    np.testing.assert_array_equal(y.data, [[[[[-INF, -INF]]]]])
    np.testing.assert_array_equal(i.data, [[[[[5, 5]]]]])  # PyTorch's index, past the plane
    y.sum().backward()
    assert not x.grad.data.any()


def test_avg_pool3d_values_gradient_divisor_and_int64():
    x = ae.Tensor(np.arange(27.).reshape(1, 1, 3, 3, 3), requires_grad=True)
    y = F.avg_pool3d(x, 2, 2, 1, True, False)
    np.testing.assert_array_equal(y.data, [[[[[0., 1.5], [4.5, 6]], [[13.5, 15], [18, 19.5]]]]])
    y.sum().backward()
    plane = np.array([[1., 0.5, 0.5], [0.5, 0.25, 0.25], [0.5, 0.25, 0.25]])
    np.testing.assert_array_equal(x.grad.data[0, 0], [plane, plane / 2, plane / 2])
    y = F.avg_pool3d(x.detach(), 2, 1, 0, False, True, 3)
    np.testing.assert_allclose(y.data, [[[[[52 / 3, 20.], [76 / 3, 28]],
                                          [[124 / 3, 44], [148 / 3, 52]]]]])
    ints = F.avg_pool3d(ae.Tensor(np.arange(-13, 14).reshape(1, 1, 3, 3, 3)), 2, 1, 1, True,
                        False)
    assert ints.dtype == np.int64
    np.testing.assert_array_equal(ints.data[0, 0, 0], [[-13, -12, -11, -11], [-11, -11, -10, -9],
                                                       [-8, -8, -7, -6], [-7, -6, -5, -5]])
    np.testing.assert_array_equal(ints.data[0, 0, 3], [[5, 5, 6, 7], [6, 7, 8, 8],
                                                       [9, 10, 11, 11], [11, 11, 12, 13]])


def test_adaptive_pool3d_values_and_indices():
    x = ae.Tensor(np.arange(27.).reshape(1, 1, 3, 3, 3))
    np.testing.assert_array_equal(F.adaptive_avg_pool3d(x, (2, 1, 2)).data,
                                  [[[[[8., 9]], [[17, 18]]]]])
    v = _t([[[[1., 9, 2], [4, 4, 0]], [[7, 3, 9], [2, 8, 1]]]])  # unbatched (C, D, H, W)
    y, i = F.adaptive_max_pool3d(v, (1, 2, 2), return_indices=True)
    np.testing.assert_array_equal(y.data, [[[[9., 9], [8, 8]]]])
    np.testing.assert_array_equal(i.data, [[[[1, 1], [10, 10]]]])
    assert F.adaptive_max_pool3d(ae.Tensor(np.zeros((2, 1, 3, 4, 5))), (0, 2, None)
                                 ).shape == (2, 1, 0, 2, 5)


def test_max_unpool_values():
    y = F.max_unpool3d(_t([[[[[5., 6]]]]]), ae.Tensor(np.array([[[[[3, 6]]]]])), (1, 2, 2),
                       output_size=(1, 3, 3))
    np.testing.assert_array_equal(y.data, [[[[[0., 0, 0], [5, 0, 0], [6, 0, 0]]]]])
    y = F.max_unpool1d(_t([[[5., 6]]]), ae.Tensor(np.array([[[1, 2]]])), 2)
    np.testing.assert_array_equal(y.data, [[[0., 5, 6, 0]]])


def test_lp_pool_values_and_zero_window_gradient():
    x = _t([[[1., 2, 0, 0, 3, 4]]], grad=True)
    y = F.lp_pool1d(x, 2, 2)
    np.testing.assert_allclose(y.data, [[[math.sqrt(5), 0., 5.]]])
    y.sum().backward()  # PyTorch: 0, not NaN, where a window's sum of powers is 0
    np.testing.assert_allclose(x.grad.data, [[[1 / math.sqrt(5), 2 / math.sqrt(5), 0, 0,
                                               0.6, 0.8]]])
    y = F.lp_pool2d(ae.Tensor(np.arange(16.).reshape(1, 1, 4, 4)), 3, (2, 1), ceil_mode=True)
    np.testing.assert_allclose(y.data, [[[[4., 5.0132979349645845, 6.0731779437513245,
                                           7.179054352068318],
                                          [13.084265240754357, 14.302922121148336,
                                           15.527872153312611, 16.75781175684581]]]])
    cube = np.arange(8.).reshape(1, 1, 2, 2, 2)
    np.testing.assert_allclose(F.lp_pool3d(ae.Tensor(cube), 1, 2).data, [[[[[28.]]]]])
    np.testing.assert_allclose(F.lp_pool3d(ae.Tensor(-cube), INF, 2).data, [[[[[7.]]]]])


@pytest.mark.parametrize("call,error,match", [
    (lambda: F.conv1d(ae.Tensor(np.zeros((1, 3, 4, 4))), ae.Tensor(np.zeros((2, 3, 2)))),
     RuntimeError, r"Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d"),
    (lambda: F.conv3d(ae.Tensor(np.zeros((1, 4, 4, 4, 4))), ae.Tensor(np.zeros((2, 3, 2, 2, 2)))),
     RuntimeError, r"conv3d: Given groups=1, weight of size \[2, 3, 2, 2, 2\], expected "
                   r"input\[1, 4, 4, 4, 4\] to have 3 channels"),
    (lambda: F.conv3d(ae.Tensor(np.zeros((1, 3, 1, 4, 4))), ae.Tensor(np.zeros((2, 3, 2, 2, 2)))),
     RuntimeError, r"Calculated padded input size per channel: \(1 x 4 x 4\)"),
    (lambda: F.conv1d(ae.Tensor(np.zeros((1, 3, 5))), ae.Tensor(np.zeros((2, 3, 3))),
                      stride=(1, 1)),
     RuntimeError, "expected stride to be a single integer value or a list of 1 values"),
    (lambda: F.conv_transpose1d(ae.Tensor(np.zeros((1, 3, 4))), ae.Tensor(np.zeros((3, 2, 2))),
                                padding="same"),
     TypeError, "must be tuple of ints, not str"),
    (lambda: F.conv_transpose3d(ae.Tensor(np.zeros((1, 3, 4, 4, 4))),
                                ae.Tensor(np.zeros((3, 2, 2, 2, 2))), output_padding=(0, 0, 1)),
     RuntimeError, "output padding must be smaller than either stride or dilation"),
    (lambda: F.max_pool1d(ae.Tensor(np.zeros((1, 3, 4))), 2, padding=2),
     RuntimeError, "padding should be at most half of kernel size"),
    (lambda: F.max_pool1d(ae.Tensor(np.zeros((1, 3, 4), np.int64)), 2),
     NotImplementedError, "max_pool1d"),
    (lambda: F.max_pool3d(ae.Tensor(np.zeros((1, 3, 1, 4, 4))), 2),
     RuntimeError, r"Given input size: \(3x1x4x4\). Calculated output size: \(3x0x2x2\)"),
    (lambda: F.avg_pool3d(ae.Tensor(np.zeros((2, 6, 1, 2))), (1, 1, 3), padding=(0, 0, 1)),
     RuntimeError, "smaller than kernel size"),
    (lambda: F.avg_pool1d(ae.Tensor(np.zeros((1, 3, 4))), (2, 2)),
     RuntimeError, "'kernel_size' should contain one int"),
    (lambda: F.adaptive_avg_pool3d(ae.Tensor(np.zeros((1, 3, 0, 5, 6))), 2),
     RuntimeError, "dimension 2 being empty"),
    (lambda: F.max_unpool3d(ae.Tensor(np.zeros((1, 2, 2, 2, 2))),
                            ae.Tensor(np.full((1, 2, 2, 2, 2), 64)), 2),
     RuntimeError, r"Found an invalid max index: 64 \(output volumes are of size 4x4x4\)"),
    (lambda: F.max_unpool1d(ae.Tensor(np.zeros((1, 2, 3))), ae.Tensor(np.zeros((1, 2, 3),
                                                                                np.int64)),
                            2, output_size=(9,)),
     ValueError, r"dim 0 must be between 4 and 8"),
    (lambda: nn.Conv1d(4, 6, 3, stride=2, padding="same"),
     ValueError, "not supported for strided convolutions"),
    (lambda: nn.ConvTranspose3d(4, 6, 3, padding_mode="reflect"),
     ValueError, 'Only "zeros" padding mode is supported for ConvTranspose3d'),
])
def test_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_module_reprs_and_parameters():
    expected = {
        nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False,
                  padding_mode="reflect"):
            "Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), "
            "groups=2, bias=False, padding_mode=reflect)",
        nn.Conv3d(4, 6, (1, 2, 3), padding="same"):
            "Conv3d(4, 6, kernel_size=(1, 2, 3), stride=(1, 1, 1), padding=same)",
        nn.ConvTranspose3d(4, 6, 3, stride=2, output_padding=1, groups=2):
            "ConvTranspose3d(4, 6, kernel_size=(3, 3, 3), stride=(2, 2, 2), "
            "output_padding=(1, 1, 1), groups=2)",
        nn.MaxPool1d(3, 2, 1, 2, True, True):
            "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)",
        nn.AvgPool1d(3): "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))",
        nn.AvgPool3d(2, 1, 1, True, False, 3): "AvgPool3d(kernel_size=2, stride=1, padding=1)",
        nn.AdaptiveMaxPool3d((2, None, 3)): "AdaptiveMaxPool3d(output_size=(2, None, 3))",
        nn.MaxUnpool3d(2, 1, 1):
            "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(1, 1, 1), padding=(1, 1, 1))",
        nn.LPPool2d(INF, 3): "LPPool2d(norm_type=inf, kernel_size=3, stride=None, "
                             "ceil_mode=False)",
    }
    for module, text in expected.items():
        assert repr(module) == text
    conv = nn.ConvTranspose3d(4, 6, 3, groups=2)
    assert {k: v.shape for k, v in conv.state_dict().items()} == {"weight": (4, 3, 3, 3, 3),
                                                                  "bias": (6,)}
    assert nn.Conv1d(4, 6, 5).weight.shape == (6, 4, 5)
