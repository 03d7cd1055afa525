"""RMSNorm, InstanceNorm1d/2d/3d, BatchNorm3d and LocalResponseNorm (modules and functional
forms) against torch 2.13: values, gradients of first and second order, running statistics
through train/eval sequences, dtypes, state dicts, reprs and error types; random shapes
with hypothesis."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.nn import norm_extra as ours_nn
from autograd_engine.ops.norm_extra import instance_norm, local_response_norm, rms_norm

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(5)
TOL = dict(rtol=1e-9, atol=1e-11)


def _pair(a, requires_grad=True):
    return (ae.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _grads_agree(out_a, out_t, inputs_a, inputs_t, second_order=True):
    """Values, gradients of sum(out * w) and (to second order) of the sum of those."""
    np.testing.assert_allclose(out_a.detach().numpy(), out_t.detach().numpy(), **TOL)
    w = RNG.standard_normal(out_a.shape)
    loss_a, loss_t = (out_a * ae.tensor(w)).sum(), (out_t * torch.tensor(w)).sum()
    ga = ae.autograd.grad(loss_a, inputs_a, create_graph=second_order)
    gt = torch.autograd.grad(loss_t, inputs_t, create_graph=second_order)
    for a, t in zip(ga, gt):
        np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), **TOL)
    if second_order:
        ha = ae.autograd.grad(sum((g * g).sum() for g in ga), inputs_a, allow_unused=True)
        ht = torch.autograd.grad(sum((g * g).sum() for g in gt), inputs_t, allow_unused=True)
        for a, t, x in zip(ha, ht, inputs_t):
            a = np.zeros(x.shape) if a is None else a.numpy()
            t = np.zeros(x.shape) if t is None else t.numpy()
            np.testing.assert_allclose(a, t, rtol=1e-8, atol=1e-9)


# -- RMSNorm -------------------------------------------------------------------------------
@settings(max_examples=25)
@given(lead=st.lists(st.integers(1, 3), max_size=2), tail=st.lists(st.integers(1, 4),
                                                                  min_size=1, max_size=2),
       affine=st.booleans(), eps=st.sampled_from([None, 1e-3]))
def test_rms_norm_random_shapes(lead, tail, affine, eps):
    (xa, xt) = _pair(RNG.standard_normal(lead + tail))
    inputs_a, inputs_t = [xa], [xt]
    wa = wt = None
    if affine:
        wa, wt = _pair(RNG.standard_normal(tail))
        inputs_a.append(wa)
        inputs_t.append(wt)
    _grads_agree(rms_norm(xa, tail, wa, eps), TF.rms_norm(xt, tail, wt, eps), inputs_a,
                 inputs_t)


def test_rms_norm_float32_and_module():
    x = RNG.standard_normal((3, 2, 5)).astype(np.float32)
    ours, theirs = ours_nn.RMSNorm([2, 5]), torch.nn.RMSNorm([2, 5])
    theirs.weight.data = torch.tensor(RNG.standard_normal((2, 5)).astype(np.float32))
    ours.load_state_dict({"weight": ae.tensor(theirs.weight.detach().numpy())})
    out = ours(ae.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.detach().numpy(), theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-6, atol=1e-6)
    assert repr(ours) == repr(theirs)
    assert repr(ours_nn.RMSNorm(3, 1e-4, False)) == repr(torch.nn.RMSNorm(3, 1e-4, False))
    assert list(ours_nn.RMSNorm(3, elementwise_affine=False).state_dict()) == []


# -- InstanceNorm --------------------------------------------------------------------------
INSTANCE = [("InstanceNorm1d", (3, 4, 5)), ("InstanceNorm1d", (4, 6)),
            ("InstanceNorm2d", (2, 4, 3, 3)), ("InstanceNorm2d", (4, 2, 3)),
            ("InstanceNorm3d", (2, 4, 2, 3, 2))]
SETTINGS = [dict(), dict(affine=True), dict(track_running_stats=True),
            dict(affine=True, track_running_stats=True, momentum=None),
            dict(track_running_stats=True, momentum=0.3, eps=1e-3),
            dict(affine=True, bias=False)]


def _modules(name, kw, channels=4):
    theirs = getattr(torch.nn, name)(channels, dtype=torch.float64, **kw)
    ours = getattr(ours_nn, name)(channels, dtype=ae.float64, **kw)
    if theirs.weight is not None:
        theirs.weight.data = torch.tensor(RNG.standard_normal(channels))
        if theirs.bias is not None:
            theirs.bias.data = torch.tensor(RNG.standard_normal(channels))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: ae.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    return ours, theirs


def _buffers_agree(ours, theirs):
    for (name, a), t in zip(ours.named_buffers(), theirs.buffers()):
        np.testing.assert_allclose(a.numpy(), t.numpy(), **TOL, err_msg=name)


@pytest.mark.parametrize("name,shape", INSTANCE)
@pytest.mark.parametrize("kw", SETTINGS)
def test_instance_norm_modules_train_then_eval(name, shape, kw):
    ours, theirs = _modules(name, kw)
    for step in range(3):
        if step == 2:
            ours.eval()
            theirs.eval()
        xa, xt = _pair(RNG.standard_normal(shape) * 2 + 1)
        params_a = [xa] + list(ours.parameters())
        params_t = [xt] + list(theirs.parameters())
        _grads_agree(ours(xa), theirs(xt), params_a, params_t, second_order=step == 0)
        _buffers_agree(ours, theirs)


@pytest.mark.parametrize("kw", [dict(), dict(momentum=0.5), dict(use_input_stats=False)])
def test_instance_norm_functional_with_running_stats(kw):
    (xa, xt), (wa, wt), (ba, bt) = (_pair(RNG.standard_normal(s)) for s in ((2, 3, 4), (3,),
                                                                            (3,)))
    stats = RNG.standard_normal(3), RNG.random(3) + 0.5
    (ma, mt), (va, vt) = (_pair(s, requires_grad=False) for s in stats)
    out_a = instance_norm(xa, ma, va, wa, ba, **kw)
    out_t = TF.instance_norm(xt, mt, vt, wt, bt, **kw)
    _grads_agree(out_a, out_t, [xa, wa, ba], [xt, wt, bt])
    np.testing.assert_allclose(ma.numpy(), mt.numpy(), **TOL)
    np.testing.assert_allclose(va.numpy(), vt.numpy(), **TOL)


def test_instance_norm_float32_with_float64_running_stats_as_torch():
    x = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    ma, va = ae.zeros(4, dtype=ae.float64), ae.ones(4, dtype=ae.float64)
    mt, vt = torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64)
    out_a, out_t = instance_norm(ae.tensor(x), ma, va), TF.instance_norm(torch.tensor(x), mt, vt)
    assert out_a.dtype == np.float32 and ma.dtype == np.float64
    np.testing.assert_allclose(out_a.numpy(), out_t.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(va.numpy(), vt.numpy(), rtol=1e-6)


# -- BatchNorm3d ---------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(), dict(momentum=None), dict(affine=False),
                                dict(track_running_stats=False)])
def test_batch_norm3d(kw):
    theirs = torch.nn.BatchNorm3d(3, dtype=torch.float64, **kw)
    ours = ours_nn.BatchNorm3d(3, dtype=ae.float64, **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict()) and repr(ours) == repr(theirs)
    for step in range(3):
        if step == 2:
            ours.eval()
            theirs.eval()
        xa, xt = _pair(RNG.standard_normal((2, 3, 2, 3, 2)) + 0.5)
        _grads_agree(ours(xa), theirs(xt), [xa] + list(ours.parameters()),
                     [xt] + list(theirs.parameters()), second_order=step == 0)
        _buffers_agree(ours, theirs)


# -- LocalResponseNorm ---------------------------------------------------------------------
@settings(max_examples=25)
@given(shape=st.sampled_from([(2, 5, 4), (1, 6, 3, 2), (2, 3, 2, 2, 2), (1, 1, 3)]),
       size=st.integers(1, 8), alpha=st.sampled_from([1e-4, 0.3]),
       beta=st.sampled_from([0.75, 1.5]), k=st.sampled_from([1.0, 2.0]))
def test_local_response_norm_random(shape, size, alpha, beta, k):
    xa, xt = _pair(RNG.standard_normal(shape) * 3)
    _grads_agree(local_response_norm(xa, size, alpha, beta, k),
                 TF.local_response_norm(xt, size, alpha, beta, k), [xa], [xt])


def test_local_response_norm_module_and_float32():
    x = RNG.standard_normal((2, 6, 3, 3)).astype(np.float32)
    ours, theirs = ours_nn.LocalResponseNorm(3, 0.1), torch.nn.LocalResponseNorm(3, 0.1)
    assert repr(ours) == repr(theirs)
    out = ours(ae.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-6,
                               atol=1e-7)
    empty = np.zeros((0, 4, 3))
    assert local_response_norm(ae.tensor(empty), 2).shape == \
        tuple(TF.local_response_norm(torch.tensor(empty), 2).shape)


# -- errors --------------------------------------------------------------------------------
def _raises_like_torch(ours_fn, torch_fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            torch_fn()
        with pytest.raises(theirs.type):
            ours_fn()


ERRORS = {
    "rms shape": (lambda F: F.rms_norm, lambda t: ((t(3, 5), (4,)), {})),
    "rms weight": (lambda F: F.rms_norm, lambda t: ((t(3, 4), (4,), t(5)), {})),
    "rms empty shape": (lambda F: F.rms_norm, lambda t: ((t(3, 4), ()), {})),
    "rms long": (lambda F: F.rms_norm, lambda t: ((t(3, 4).long(), (4,)), {})),
    "in 1-d": (lambda F: F.instance_norm, lambda t: ((t(3),), {})),
    "in spatial 1": (lambda F: F.instance_norm, lambda t: ((t(3, 4, 1),), {})),
    "in no stats": (lambda F: F.instance_norm, lambda t: ((t(3, 4, 2),),
                                                          dict(use_input_stats=False))),
    "in stats size": (lambda F: F.instance_norm, lambda t: ((t(3, 4, 2), t(5), t(5)), {})),
    "in weight size": (lambda F: F.instance_norm, lambda t: ((t(3, 4, 2),),
                                                             dict(weight=t(5)))),
    "in long": (lambda F: F.instance_norm, lambda t: ((t(3, 4, 2).long(),), {})),
    "lrn 2-d": (lambda F: F.local_response_norm, lambda t: ((t(3, 4), 2), {})),
    "lrn size 0": (lambda F: F.local_response_norm, lambda t: ((t(2, 4, 3), 0), {})),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_functional_errors(name):
    op, args = ERRORS[name]
    ours_f = type("F", (), dict(rms_norm=staticmethod(rms_norm),
                                instance_norm=staticmethod(instance_norm),
                                local_response_norm=staticmethod(local_response_norm)))

    def call(F, t):
        positional, keywords = args(t)
        return op(F)(*positional, **keywords)

    _raises_like_torch(lambda: call(ours_f, lambda *s: ae.randn(*s)),
                       lambda: call(TF, lambda *s: torch.randn(*s)))


@pytest.mark.parametrize("name,make,shape", [
    ("InstanceNorm1d", dict(), (3, 4, 2, 2)), ("InstanceNorm2d", dict(), (3, 4)),
    ("InstanceNorm3d", dict(), (4, 2, 2)), ("InstanceNorm1d", dict(affine=True), (3, 5, 2)),
    ("InstanceNorm1d", dict(track_running_stats=True), (3, 5, 2)),
    ("BatchNorm3d", dict(), (3, 4, 2, 2)), ("BatchNorm3d", dict(), (1, 4, 1, 1, 1)),
])
def test_module_errors(name, make, shape):
    _raises_like_torch(lambda: getattr(ours_nn, name)(4, **make)(ae.randn(*shape)),
                       lambda: getattr(torch.nn, name)(4, **make)(torch.randn(*shape)))


def test_instance_norm_channel_mismatch_without_affine_warns_as_torch():
    for module, x in ((ours_nn.InstanceNorm1d(4), ae.randn(3, 5, 2)),
                      (torch.nn.InstanceNorm1d(4), torch.randn(3, 5, 2))):
        with pytest.warns(UserWarning, match="does not match num_features"):
            assert tuple(module(x).shape) == (3, 5, 2)
