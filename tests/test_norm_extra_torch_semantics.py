"""RMSNorm, InstanceNorm1d/2d/3d, BatchNorm3d and LocalResponseNorm: torch 2.13's values,
gradients and running statistics written out, its defaults, state and errors; gradcheck and
gradgradcheck (float64) of rms_norm, instance_norm and local_response_norm."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck
from autograd_engine.nn.norm_extra import (BatchNorm3d, InstanceNorm1d, InstanceNorm2d,
                                           InstanceNorm3d, LocalResponseNorm, RMSNorm)
from autograd_engine.ops.norm_extra import instance_norm, local_response_norm, rms_norm


def _x(*shape, k=0.3):
    return ae.tensor(np.cos(k * np.arange(np.prod(shape))).reshape(shape) * 2,
                     requires_grad=True)


def _w(shape):
    return ae.tensor(np.sin(0.7 * np.arange(np.prod(shape))).reshape(shape))


def _backward(y):
    (y * _w(y.shape)).sum().backward()


def test_rms_norm_as_torch():
    x = _x(2, 3)
    w = ae.tensor([0.5, -1.0, 2.0], dtype=ae.float64, requires_grad=True)
    y = rms_norm(x, (3,), w)
    _backward(y)
    np.testing.assert_allclose(y.detach().numpy(), [
        [0.537722835946, -1.027412492431, 1.775207229826],
        [0.744594669963, -0.868099504111, 0.338929850024]], atol=1e-11)
    np.testing.assert_allclose(x.grad.numpy(), [
        [-0.209630775791, -0.546678491105, 0.886781901741],
        [0.378425441483, -0.482043273069, -0.856139446505]], atol=1e-11)
    np.testing.assert_allclose(w.grad.numpy(), [1.285482186939, 0.952680346746,
                                                0.815243289277], atol=1e-11)


def test_rms_norm_default_eps_is_the_dtype_epsilon():
    """At zero input the gradient is 1 / sqrt(eps): eps = finfo(dtype).eps when None."""
    for dtype in (ae.float32, ae.float64):
        x = ae.zeros(2, 3, dtype=dtype, requires_grad=True)
        y = rms_norm(x, (3,))
        y.sum().backward()
        assert y.dtype == dtype and not y.detach().numpy().any()
        np.testing.assert_allclose(x.grad.numpy(), 1 / np.sqrt(np.finfo(dtype).eps),
                                   rtol=1e-6)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.isnan(rms_norm(ae.zeros(2, 3), 3, eps=0.0).numpy()).all()


def test_rms_norm_module_defaults():
    norm = RMSNorm([2, 3])
    assert norm.normalized_shape == (2, 3) and norm.eps is None
    assert norm.weight.shape == (2, 3) and (norm.weight.detach().numpy() == 1).all()
    assert repr(norm) == "RMSNorm((2, 3), eps=None, elementwise_affine=True)"
    assert RMSNorm(4, elementwise_affine=False).weight is None


def test_instance_norm_running_statistics_and_values_as_torch():
    norm = InstanceNorm1d(2, affine=True, track_running_stats=True, dtype=ae.float64)
    norm.weight.data[...] = [1.5, -0.5]
    norm.bias.data[...] = [0.1, 0.2]
    for k in (0.3, 0.7):
        x = _x(3, 2, 4, k=k)
        y = norm(x)
    np.testing.assert_allclose(norm.running_mean.numpy(), [0.139838774611, -0.105606273233],
                               atol=1e-11)
    np.testing.assert_allclose(norm.running_var.numpy(), [0.920868205432, 0.919034897507],
                               atol=1e-11)
    assert norm.num_batches_tracked.item() == 0  # PyTorch never counts them here
    _backward(y)
    np.testing.assert_allclose(y.detach().numpy()[0], [
        [1.754330052273, 1.148846675343, -0.382835162337, -2.120341559319],
        [0.630407880468, 0.624150982248, 0.139938363742, -0.594497214537]], atol=1e-11)
    np.testing.assert_allclose(x.grad.numpy()[2], [
        [-0.306306101899, -1.357659085442, -0.414818303796, 2.078783491137],
        [0.074378210996, -0.211940043079, -0.133994358715, 0.271556190798]], atol=1e-11)
    np.testing.assert_allclose(norm.weight.grad.numpy(), [-1.236656836258, -0.132017148015],
                               atol=1e-11)
    np.testing.assert_allclose(norm.bias.grad.numpy(), [2.629456847112, -0.184899954958],
                               atol=1e-11)
    norm.eval()
    with ae.no_grad():
        np.testing.assert_allclose(norm(_x(1, 2, 3, k=0.5)).numpy(), [
            [[3.007640767288, 2.624936377331, 1.570522589404],
             [0.071133387609, 0.579008782437, 0.980604184617]]], atol=1e-11)


def test_instance_norm_defaults_and_unbatched_input():
    norm = InstanceNorm2d(3)
    assert not norm.affine and not norm.track_running_stats and norm.momentum == 0.1
    assert norm.weight is None and norm.running_mean is None and norm.state_dict() == {}
    assert repr(norm) == ("InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, "
                          "bias=False, track_running_stats=False)")
    x = ae.randn(3, 4, 5)
    np.testing.assert_allclose(norm(x).numpy(), norm(x.unsqueeze(0)).numpy()[0], atol=1e-6)
    tracked = InstanceNorm3d(2, momentum=None, track_running_stats=True)
    tracked(ae.randn(2, 2, 2, 2, 2))
    np.testing.assert_array_equal(tracked.running_mean.numpy(), [0, 0])  # momentum None: 0
    assert list(tracked.state_dict()) == ["running_mean", "running_var",
                                          "num_batches_tracked"]


def test_batch_norm3d_as_torch():
    norm = BatchNorm3d(2, dtype=ae.float64)
    x = _x(2, 2, 2, 1, 2, k=0.4)
    y = norm(x)
    _backward(y)
    np.testing.assert_allclose(norm.running_mean.numpy(), [0.003102394371, 0.004169735121],
                               atol=1e-11)
    np.testing.assert_allclose(norm.running_var.numpy(), [1.173463049045, 1.091581671378],
                               atol=1e-11)
    np.testing.assert_allclose(x.grad.numpy()[1, 1, :, 0], [
        [0.834668787727, 0.347300052921], [-0.241660001318, -0.673788659947]], atol=1e-11)
    assert norm.num_batches_tracked.item() == 1
    assert repr(norm) == ("BatchNorm3d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                          "track_running_stats=True)")


def test_local_response_norm_as_torch():
    x = _x(1, 4, 2, k=0.9)
    y = local_response_norm(x, 3, 0.5, 0.75, 1.0)
    _backward(y)
    np.testing.assert_allclose(y.detach().numpy(), [[
        [1.342722729579, 0.799175324758], [-0.248407133538, -1.148200192397],
        [-1.135673870156, -0.230176345918], [0.81525708888, 1.345487695535]]], atol=1e-11)
    np.testing.assert_allclose(x.grad.numpy(), [[
        [0.054709682124, 0.493484766836], [0.502781566111, 0.449010505276],
        [-0.106237291505, -0.326880816964], [-0.369169037994, -0.289418407884]]], atol=1e-11)
    assert repr(LocalResponseNorm(2)) == "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"


def test_local_response_norm_window_is_asymmetric_for_even_sizes():
    """size 2: channel c averages channels c - 1 and c (zero-padded), divided by 2."""
    x = ae.tensor(np.array([[[1.0], [2.0], [3.0]]]))
    y = local_response_norm(x, 2, alpha=1.0, beta=1.0, k=0.0)
    np.testing.assert_allclose(y.numpy().ravel(), [1 / 0.5, 2 / 2.5, 3 / 6.5])


@pytest.mark.parametrize("fn,shapes", [
    (lambda x, w: rms_norm(x, (2, 3), w), [(2, 2, 3), (2, 3)]),
    (lambda x: rms_norm(x, 4, eps=0.1), [(3, 4)]),
    (lambda x, w, b: instance_norm(x, weight=w, bias=b), [(2, 3, 4), (3,), (3,)]),
    (lambda x: instance_norm(x, ae.tensor(np.zeros(2)), ae.tensor(np.ones(2)),
                             use_input_stats=False), [(2, 2, 2, 2)]),
    (lambda x: local_response_norm(x, 3, 0.5, 0.75, 1.0), [(2, 4, 3)]),
    (lambda x: local_response_norm(x, 2, 0.2, 1.5, 2.0), [(1, 3, 2, 2)]),
])
def test_gradcheck_every_order(fn, shapes):
    rng = np.random.default_rng(0)
    inputs = tuple(ae.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("call,exc,message", [
    (lambda: rms_norm(ae.randn(3, 5), (4,)), RuntimeError,
     r"Given normalized_shape=\[4\], expected input with shape \[\*4\]"),
    (lambda: rms_norm(ae.randn(3, 4), (4,), ae.randn(5)), RuntimeError,
     "Expected weight to be of same shape as normalized_shape"),
    (lambda: rms_norm(ae.randn(3, 4), ()), RuntimeError, "at least 1-dimensional"),
    (lambda: rms_norm(ae.zeros(3, 4).long(), (4,)), NotImplementedError, "Long"),
    (lambda: instance_norm(ae.randn(3, 4, 1)), ValueError,
     "Expected more than 1 spatial element when training"),
    (lambda: instance_norm(ae.randn(3, 4, 2), use_input_stats=False), RuntimeError,
     "Expected running_mean and running_var to be defined"),
    (lambda: instance_norm(ae.randn(3, 4, 2), weight=ae.randn(5)), RuntimeError,
     "weight should contain 12 elements not 15"),
    (lambda: InstanceNorm1d(4, affine=True)(ae.randn(3, 5, 2)), ValueError,
     r"expected input's size at dim=1 to match num_features \(4\), but got: 5"),
    (lambda: InstanceNorm3d(4)(ae.randn(4, 2, 2)), ValueError,
     r"expected 4D or 5D input \(got 3D input\)"),
    (lambda: BatchNorm3d(4)(ae.randn(3, 4, 2, 2)), ValueError, r"expected 5D input"),
    (lambda: local_response_norm(ae.randn(3, 4), 2), ValueError,
     r"Expected 3D or higher dimensionality input \(got 2 dimensions\)"),
])
def test_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
