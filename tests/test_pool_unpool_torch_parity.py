"""adaptive_max_pool2d, max_pool2d's indices and max_unpool2d against PyTorch: values,
indices, gradients (first and second order) and errors, on random shapes."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine import nn

torch = pytest.importorskip("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)


def _pair(x: np.ndarray):
    return ae.Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)


def _ties(shape: tuple) -> np.ndarray:
    """Small integers: many equal maxima per window."""
    return RNG.integers(0, 3, shape).astype(np.float64)


@pytest.mark.parametrize("shape,output_size", [
    ((2, 3, 7, 5), (3, 2)), ((3, 9, 11), 4), ((1, 2, 5, 5), (5, 5)), ((2, 1, 4, 6), (None, 4)),
    ((2, 2, 3, 3), (5, 7)), ((1, 1, 13, 1), (4, 1)), ((2, 2, 6, 6), 1), ((1, 2, 5, 4), (0, 2)),
])
@pytest.mark.parametrize("make", [lambda s: RNG.standard_normal(s), _ties])
def test_adaptive_max_pool2d(shape, output_size, make):
    x = make(shape)
    a, t = _pair(x)
    out, idx = F.adaptive_max_pool2d(a, output_size, return_indices=True)
    ref, ref_idx = TF.adaptive_max_pool2d(t, output_size, return_indices=True)
    np.testing.assert_allclose(out.data, ref.detach().numpy())
    np.testing.assert_array_equal(idx.data, ref_idx.numpy())
    assert idx.dtype == np.int64
    if not out.data.size:  # PyTorch's backward refuses an empty output
        return
    g = RNG.standard_normal(out.shape)
    # second order through a nonlinear use of the output
    (ga,) = ae.autograd.grad((out * out * ae.Tensor(g)).sum(), a, create_graph=True)
    (gt,) = torch.autograd.grad((ref * ref * torch.tensor(g)).sum(), t, create_graph=True)
    np.testing.assert_allclose(ga.data, gt.detach().numpy())
    if ga.requires_grad and gt.requires_grad:
        (gga,) = ae.autograd.grad((ga * ga).sum(), a)
        (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
        np.testing.assert_allclose(gga.data, ggt.numpy())


def test_adaptive_max_pool2d_nan_and_module():
    x = RNG.standard_normal((2, 2, 5, 6))
    x[0, 0, 1, 1] = x[0, 0, 1, 2] = x[1, 1, 4, 5] = np.nan
    out, idx = nn.AdaptiveMaxPool2d((2, 3), return_indices=True)(ae.Tensor(x))
    ref, ref_idx = torch.nn.AdaptiveMaxPool2d((2, 3), return_indices=True)(torch.tensor(x))
    np.testing.assert_allclose(out.data, ref.numpy())
    np.testing.assert_array_equal(idx.data, ref_idx.numpy())
    assert repr(nn.AdaptiveMaxPool2d(3)) == repr(torch.nn.AdaptiveMaxPool2d(3))
    out, idx = F.adaptive_max_pool2d_with_indices(ae.Tensor(x), 2)
    np.testing.assert_array_equal(idx.data, TF.adaptive_max_pool2d_with_indices(
        torch.tensor(x), 2)[1].numpy())


@pytest.mark.parametrize("shape,output_size", [
    ((5, 7), 2), ((1, 1, 1, 2, 3), 2), ((2, 0, 5, 7), 2), ((1, 2, 0, 7), 2), ((1, 2, 5, 7), (3,)),
])
def test_adaptive_max_pool2d_errors(shape, output_size):
    with pytest.raises(RuntimeError):
        TF.adaptive_max_pool2d(torch.zeros(shape), output_size)
    with pytest.raises(RuntimeError):
        F.adaptive_max_pool2d(ae.Tensor(np.zeros(shape)), output_size)


@pytest.mark.parametrize("shape,kernel,stride,padding,dilation,ceil", [
    ((2, 3, 7, 5), 2, None, 0, 1, False), ((3, 9, 11), 3, 2, 1, 1, True),
    ((1, 2, 8, 8), (3, 2), (2, 1), (1, 0), (2, 1), False), ((2, 2, 5, 5), 2, 1, 1, 1, True),
])
@pytest.mark.parametrize("make", [lambda s: RNG.standard_normal(s), _ties])
def test_max_pool2d_indices(shape, kernel, stride, padding, dilation, ceil, make):
    x = make(shape)
    out, idx = F.max_pool2d(ae.Tensor(x), kernel, stride, padding, dilation, ceil, True)
    ref, ref_idx = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, dilation, ceil, True)
    np.testing.assert_allclose(out.data, ref.numpy())
    np.testing.assert_array_equal(idx.data, ref_idx.numpy())
    assert idx.dtype == np.int64
    out, idx = F.max_pool2d_with_indices(ae.Tensor(x), kernel, stride, padding, dilation, ceil)
    np.testing.assert_array_equal(idx.data, ref_idx.numpy())
    module = nn.MaxPool2d(kernel, stride, padding, dilation, return_indices=True, ceil_mode=ceil)
    np.testing.assert_array_equal(module(ae.Tensor(x))[1].data, ref_idx.numpy())


@pytest.mark.parametrize("shape,kernel,stride,padding,output_size", [
    ((2, 3, 8, 6), 2, None, 0, None), ((2, 3, 7, 5), 2, None, 0, (7, 5)),
    ((3, 9, 11), 3, 2, 1, None), ((1, 2, 9, 8), (3, 2), (2, 1), (1, 0), (9, 8)),
    ((2, 2, 5, 5), 2, 1, 1, (1, 2, 5, 5)),
])
@pytest.mark.parametrize("make", [lambda s: RNG.standard_normal(s), _ties])
def test_max_unpool2d(shape, kernel, stride, padding, output_size, make):
    x = make(shape)
    pooled, idx = TF.max_pool2d(torch.tensor(x), kernel, stride, padding, return_indices=True)
    a, t = _pair(pooled.numpy())
    out = F.max_unpool2d(a, ae.Tensor(idx.numpy()), kernel, stride, padding, output_size)
    ref = TF.max_unpool2d(t, idx, kernel, stride, padding, output_size)
    np.testing.assert_allclose(out.data, ref.detach().numpy())
    module = nn.MaxUnpool2d(kernel, stride, padding)
    np.testing.assert_allclose(module(a, ae.Tensor(idx.numpy()), output_size).data,
                               ref.detach().numpy())
    assert repr(module) == repr(torch.nn.MaxUnpool2d(kernel, stride, padding))
    g = RNG.standard_normal(out.shape)
    (ga,) = ae.autograd.grad((out * out * ae.Tensor(g)).sum(), a, create_graph=True)
    (gt,) = torch.autograd.grad((ref * ref * torch.tensor(g)).sum(), t, create_graph=True)
    np.testing.assert_allclose(ga.data, gt.detach().numpy())
    (gga,) = ae.autograd.grad((ga * ga).sum(), a)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), t)
    np.testing.assert_allclose(gga.data, ggt.numpy())


def test_max_unpool2d_roundtrip_through_ae_indices():
    x = RNG.standard_normal((2, 3, 7, 9))
    pooled, idx = F.max_pool2d(ae.Tensor(x), 3, 2, 1, return_indices=True)
    out = F.max_unpool2d(pooled, idx, 3, 2, 1, output_size=x.shape)
    ref_pooled, ref_idx = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_allclose(out.data, TF.max_unpool2d(ref_pooled, ref_idx, 3, 2, 1,
                                                         output_size=x.shape).numpy())


def _unpool_case(case: str, lib):
    """(input, indices, kwargs) of an invalid max_unpool2d call, built with ``lib``."""
    x = lib.tensor(RNG.standard_normal((1, 2, 2, 2)))
    idx = np.array([[[[0, 5], [10, 15]], [[1, 6], [11, 17]]]])
    cases = {
        "index_past_default": (idx, {}),
        "index_negative": (-idx, {"output_size": (4, 5)}),
        "output_size_len3": (idx, {"output_size": (2, 4, 5)}),
        "output_size_len5": (idx, {"output_size": (1, 1, 1, 4, 5)}),
        "output_size_too_big": (idx, {"output_size": (6, 6)}),
        "output_size_too_small_for_index": (idx, {"output_size": (3, 4)}),
        "indices_shape": (idx[..., :1], {"output_size": (4, 5)}),
        "indices_int32": (idx.astype(np.int32), {"output_size": (4, 5)}),
        "input_2d": (idx[0, 0], {}),
    }
    index, kwargs = cases[case]
    if case == "input_2d":
        x = x[0, 0]
    return x, lib.tensor(index), kwargs


@pytest.mark.parametrize("case", ["index_past_default", "index_negative", "output_size_len3",
                                  "output_size_len5", "output_size_too_big",
                                  "output_size_too_small_for_index", "indices_shape",
                                  "indices_int32", "input_2d"])
def test_max_unpool2d_errors(case):
    x, idx, kwargs = _unpool_case(case, torch)
    with pytest.raises(Exception) as expected:
        TF.max_unpool2d(x, idx, 2, **kwargs)
    x, idx, kwargs = _unpool_case(case, ae)
    with pytest.raises(expected.type) as got:
        F.max_unpool2d(x, idx, 2, **kwargs)
    if expected.type is ValueError:
        assert str(got.value) == str(expected.value)
    elif "invalid max index" in str(expected.value):
        # which bad index PyTorch names depends on its threads' timing
        assert "Found an invalid max index" in str(got.value)


@pytest.mark.parametrize("name,shape,kwargs", [
    ("max_pool2d", (2, 3, 7, 6), dict(kernel_size=3, stride=1, padding=1)),
    ("max_pool2d", (2, 3, 7, 6), dict(kernel_size=2)),
    ("max_pool1d", (3, 7, 6), dict(kernel_size=3, stride=2)),
    ("max_pool3d", (1, 2, 4, 5, 6), dict(kernel_size=2, stride=1)),
])
def test_float16_max_pooling_matches_torch(name, shape, kwargs):
    rng = np.random.default_rng(6)
    x = rng.standard_normal(shape).astype(np.float16)
    results = []
    for lib, functional in ((ae, ae.nn.functional), (torch, torch.nn.functional)):
        xt = lib.tensor(x, requires_grad=True)
        out = getattr(functional, name)(xt, **kwargs)
        g = np.cos(np.arange(out.numel())).reshape(tuple(out.shape)).astype(np.float16)
        out.backward(lib.tensor(g))
        results.append((out.detach().numpy(), xt.grad.numpy()))
    (ours, our_grad), (theirs, their_grad) = results
    assert ours.dtype == theirs.dtype == our_grad.dtype == their_grad.dtype == np.float16
    np.testing.assert_array_equal(ours, theirs)
    # overlapping windows: PyTorch adds in float16 step by step, we round a float32 sum once
    np.testing.assert_allclose(our_grad, their_grad, rtol=4e-3, atol=4e-3)
