"""In-place functional activations, rrelu, Softmax2d, channel_shuffle, feature_alpha_dropout,
gumbel_softmax, pdist, the upsample aliases and nn.Buffer against torch 2.13 (skipped without
it): values, gradients and error types of the deterministic ones; the distributions and
structure of the random ones."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


def _both(array, requires_grad=True):
    return (ae.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


INPLACE = [("relu_", ()), ("elu_", (0.7,)), ("leaky_relu_", (0.2,)), ("hardtanh_", (-0.4, 1.0)),
           ("hardtanh_", (2.0, 1.0)), ("selu_", ()), ("celu_", (0.5,)),
           ("threshold_", (0.1, -3.0)), ("rrelu_", (0.1, 0.3, False))]


@pytest.mark.parametrize("name,args", INPLACE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inplace_forms(name, args, dtype, inplace_recording):
    data = np.random.default_rng(0).standard_normal((3, 4)).astype(dtype)
    (xa, xt) = _both(data)
    ya, yt = xa * 2, xt * 2
    assert getattr(F, name)(ya, *args) is ya
    getattr(TF, name)(yt, *args)
    np.testing.assert_allclose(ya.data, yt.detach().numpy(), rtol=1e-6)
    weights = np.random.default_rng(1).standard_normal((3, 4)).astype(dtype)
    (ya * ae.tensor(weights)).sum().backward()
    (yt * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-6)


def _leaf(lib):
    return lib.ones(3, requires_grad=True)


def _integers(lib):
    return lib.arange(-2, 2)


@pytest.mark.parametrize("name,args,make", [
    (name, args, make) for name, args in INPLACE + [("rrelu_", (0.1, 0.3, True))]
    for make in (_leaf, _integers)
])
def test_inplace_error_types(name, args, make):
    try:
        getattr(TF, name)(make(torch), *args)
    except Exception as exc:  # noqa: BLE001  (the type is what is compared)
        with pytest.raises(type(exc)):
            getattr(F, name)(make(ae), *args)
    else:
        getattr(F, name)(make(ae), *args)


def test_rrelu_eval_matches():
    data = np.random.default_rng(2).standard_normal(50)
    (xa, xt) = _both(data)
    out_a, out_t = F.rrelu(xa, 0.05, 0.4), TF.rrelu(xt, 0.05, 0.4)
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-12)
    out_a.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12)


def test_rrelu_training_slopes_have_torchs_distribution():
    data = -np.ones(20000)
    (xa, xt) = _both(data)
    F.rrelu(xa, 0.1, 0.4, training=True).sum().backward()
    TF.rrelu(xt, 0.1, 0.4, training=True).sum().backward()
    ours, theirs = np.sort(xa.grad.data), np.sort(xt.grad.numpy())
    assert ours.min() >= 0.1 and ours.max() <= 0.4
    # the same uniform law: quantiles agree to sampling error (~0.3 / sqrt(20000))
    np.testing.assert_allclose(ours[::1000], theirs[::1000], atol=0.01)


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4, 5)])
def test_softmax2d(shape):
    (xa, xt) = _both(np.random.default_rng(3).standard_normal(shape))
    out_a, out_t = nn.Softmax2d()(xa), torch.nn.Softmax2d()(xt)
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-12)
    (out_a ** 2).sum().backward()
    (out_t ** 2).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-14)


@settings(max_examples=60)
@given(data=st.data())
def test_channel_shuffle_random_shapes(data):
    groups = data.draw(st.integers(1, 4))
    shape = (data.draw(st.integers(0, 2)), groups * data.draw(st.integers(0, 3)),
             *data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=3)))
    (xa, xt) = _both(np.random.default_rng(0).standard_normal(shape))
    out_a, out_t = F.channel_shuffle(xa, groups), TF.channel_shuffle(xt, groups)
    np.testing.assert_array_equal(out_a.data, out_t.detach().numpy())
    assert repr(nn.ChannelShuffle(groups)) == repr(torch.nn.ChannelShuffle(groups))


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_feature_alpha_dropout_values_and_drop_rate(p, dtype):
    data = np.full((200, 50, 2), 1.5, dtype)
    out_a = F.feature_alpha_dropout(ae.tensor(data), p, True).data
    out_t = TF.feature_alpha_dropout(torch.tensor(data), p, True).numpy()
    np.testing.assert_allclose(np.unique(out_a), np.unique(out_t), rtol=1e-6)
    # with a positive input the dropped channels hold the smaller of the two values
    rate_a = (out_a[..., 0] == out_a.min()).mean()
    rate_t = (out_t[..., 0] == out_t.min()).mean()
    assert abs(rate_a - p) < 0.02 and abs(rate_t - p) < 0.02
    assert (out_a == out_a[..., :1]).all() and (out_t == out_t[..., :1]).all()


@pytest.mark.parametrize("shape,p,training,dtype", [
    ((3,), 0.5, True, np.float32), ((3,), 0.5, False, np.float32), ((3,), 1.0, True, np.float32),
    ((3, 2), 0.5, True, np.int64), ((3, 2), 1.0, True, np.int64), ((3, 2), 1.2, True, np.float32),
    ((3, 0), 0.5, True, np.float32)])
def test_feature_alpha_dropout_edge_cases(shape, p, training, dtype):
    data = np.ones(shape, dtype)
    try:
        expected = TF.feature_alpha_dropout(torch.tensor(data), p, training)
    except Exception as exc:  # noqa: BLE001  (the type is what is compared)
        with pytest.raises(type(exc)):
            F.feature_alpha_dropout(ae.tensor(data), p, training)
        return
    out = F.feature_alpha_dropout(ae.tensor(data), p, training)
    assert out.shape == tuple(expected.shape) and out.dtype == dtype
    if p in (0.0, 1.0) or not training:
        np.testing.assert_array_equal(out.data, expected.numpy())


def test_gumbel_softmax_has_torchs_distribution():
    logits = np.log(np.array([[0.1, 0.2, 0.3, 0.4]] * 20000))
    soft_a = F.gumbel_softmax(ae.tensor(logits), tau=0.5).data
    soft_t = TF.gumbel_softmax(torch.tensor(logits), tau=0.5).numpy()
    hard_a = F.gumbel_softmax(ae.tensor(logits), tau=0.5, hard=True).data
    hard_t = TF.gumbel_softmax(torch.tensor(logits), tau=0.5, hard=True).numpy()
    np.testing.assert_allclose(hard_a.mean(0), hard_t.mean(0), atol=0.02)
    np.testing.assert_allclose(hard_a.mean(0), [0.1, 0.2, 0.3, 0.4], atol=0.02)
    np.testing.assert_allclose(soft_a.mean(0), soft_t.mean(0), atol=0.02)
    np.testing.assert_allclose(np.quantile(soft_a[:, 3], [0.1, 0.5, 0.9]),
                               np.quantile(soft_t[:, 3], [0.1, 0.5, 0.9]), atol=0.03)


@pytest.mark.parametrize("p", [0, 0.5, 1, 1.5, 2, 3, math.inf])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pdist(p, dtype):
    data = np.random.default_rng(4).standard_normal((6, 4)).astype(dtype)
    (xa, xt) = _both(data)
    out_a, out_t = F.pdist(xa, p), TF.pdist(xt, p)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10)
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), **tol)
    weights = np.arange(1.0, out_a.shape[0] + 1).astype(dtype)
    (out_a * ae.tensor(weights)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), **tol)


@pytest.mark.parametrize("shape,p,dtype", [
    ((3,), 2, np.float32), ((2, 3, 4), 2, np.float32), ((3, 2), -1, np.float32),
    ((3, 2), 2, np.int64), ((1, 3), 2, np.float32), ((0, 3), 2, np.float32),
    ((3, 0), 2, np.float32)])
def test_pdist_edge_cases(shape, p, dtype):
    data = np.ones(shape, dtype)
    try:
        expected = TF.pdist(torch.tensor(data), p)
    except Exception as exc:  # noqa: BLE001  (the type is what is compared)
        with pytest.raises(type(exc)):
            F.pdist(ae.tensor(data), p)
        return
    np.testing.assert_array_equal(F.pdist(ae.tensor(data), p).data, expected.numpy())


@pytest.mark.parametrize("name,kwargs", [
    ("upsample", dict(scale_factor=2)), ("upsample", dict(size=(3, 5), mode="bicubic")),
    ("upsample", dict(scale_factor=1.5, mode="bilinear", align_corners=True)),
    ("upsample_nearest", dict(size=5)), ("upsample_bilinear", dict(scale_factor=2)),
    ("upsample_bilinear", dict(size=(2, 7)))])
def test_upsample_aliases(name, kwargs):
    (xa, xt) = _both(np.random.default_rng(5).standard_normal((1, 2, 3, 4)))
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        out_a = getattr(F, name)(xa, **kwargs)
    with warnings.catch_warnings(record=True) as theirs:
        warnings.simplefilter("always")
        out_t = getattr(TF, name)(xt, **kwargs)
    assert [(w.category, str(w.message)) for w in ours] == \
        [(w.category, str(w.message)) for w in theirs]
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), rtol=1e-10)
    out_a.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-10)


def _buffer_script(lib):
    """The same sequence of buffer assignments on either library: the state_dict keys and
    the buffer names after each step, or the exception type."""
    class M(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = lib.nn.Parameter(lib.ones(1))
            self.a = lib.nn.Buffer(lib.zeros(2))
            self.b = lib.nn.Buffer(lib.ones(3), persistent=False)

    m, log = M(), []
    steps = [("a", lambda: lib.ones(2)), ("b", lambda: lib.nn.Buffer(lib.ones(3))),
             ("a", lambda: lib.nn.Buffer(lib.ones(1), persistent=False)), ("a", lambda: None),
             ("w", lambda: lib.nn.Buffer(lib.ones(1))), ("c", lambda: lib.nn.Buffer(lib.ones(1))),
             ("b", lambda: 5)]
    for name, value in steps:
        try:
            setattr(m, name, value())
            log.append((list(m.state_dict()), [n for n, _ in m.named_buffers()]))
        except Exception as exc:  # noqa: BLE001  (the type is what is compared)
            log.append(type(exc))
    return log


def test_buffer_assignments_match():
    assert _buffer_script(ae) == _buffer_script(torch)
