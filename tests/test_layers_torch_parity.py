"""Attention with fully masked rows, pooling, shrink, pixel-shuffle and Hardsigmoid layers:
values and gradients (to second order for attention) against torch 2.13."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(3)


def _pair(*shape):
    a = RNG.standard_normal(shape)
    return ae.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_fully_masked_rows_first_and_second_order(kind):
    (qa, qt), (ka, kt), (va, vt) = _pair(2, 4, 3), _pair(2, 5, 3), _pair(2, 5, 3)
    allowed = RNG.random((4, 5)) > 0.4
    allowed[1] = False
    allowed[3] = True
    mask = allowed if kind == "bool" else np.where(allowed, 0.0, -np.inf)
    out_a = F.scaled_dot_product_attention(qa, ka, va, attn_mask=ae.tensor(mask))
    out_t = TF.scaled_dot_product_attention(qt, kt, vt, attn_mask=torch.tensor(mask))
    np.testing.assert_allclose(out_a.detach().numpy(), out_t.detach().numpy(), atol=1e-12)
    ga = ae.autograd.grad((out_a ** 2).sum(), (qa, ka, va), create_graph=True)
    gt = torch.autograd.grad((out_t ** 2).sum(), (qt, kt, vt), create_graph=True)
    for a, t in zip(ga, gt):
        np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), atol=1e-12)
    sa = ae.autograd.grad(sum(g.sum() for g in ga), (qa, ka, va))
    st = torch.autograd.grad(sum(g.sum() for g in gt), (qt, kt, vt))
    for a, t in zip(sa, st):
        np.testing.assert_allclose(a.detach().numpy(), t.numpy(), atol=1e-10)


@pytest.mark.parametrize("need_weights", [False, True])
def test_mha_fully_masked_rows(need_weights):
    layer_t = torch.nn.MultiheadAttention(4, 2, dtype=torch.float64)
    layer_a = ae.nn.MultiheadAttention(4, 2, dtype=ae.float64)
    layer_a.load_state_dict({k: ae.tensor(v.detach().numpy())
                             for k, v in layer_t.state_dict().items()})
    xa, xt = _pair(3, 2, 4)
    kpm = np.array([[False, True, False], [True, True, True]])
    out_a, w_a = layer_a(xa, xa, xa, key_padding_mask=ae.tensor(kpm), need_weights=need_weights)
    out_t, w_t = layer_t(xt, xt, xt, key_padding_mask=torch.tensor(kpm),
                         need_weights=need_weights)
    np.testing.assert_allclose(out_a.detach().numpy(), out_t.detach().numpy(), atol=1e-12)
    if need_weights:
        np.testing.assert_allclose(w_a.detach().numpy(), w_t.detach().numpy(), atol=1e-12)
    else:
        assert w_a is None and w_t is None
        out_a.sum().backward()
        out_t.sum().backward()
        np.testing.assert_allclose(xa.grad.detach().numpy(), xt.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("args", [dict(kernel_size=2), dict(kernel_size=3, stride=2,
                                                            padding=1, ceil_mode=True),
                                  dict(kernel_size=3, padding=1, count_include_pad=False),
                                  dict(kernel_size=2, divisor_override=3)])
def test_avg_pool2d_int64(args):
    x = RNG.integers(-50, 50, (2, 3, 5, 6))
    np.testing.assert_array_equal(F.avg_pool2d(ae.tensor(x), **args).numpy(),
                                  TF.avg_pool2d(torch.tensor(x), **args).numpy())


@pytest.mark.parametrize("name", ["hardshrink", "softshrink", "hardsigmoid"])
def test_elementwise_values_and_grads(name):
    x = np.concatenate([RNG.standard_normal(20) * 4, [-3.0, 3.0, -0.5, 0.5, 0.0]])
    xa, xt = ae.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yt = getattr(F, name)(xa), getattr(TF, name)(xt)
    ya.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(ya.detach().numpy(), yt.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(xa.grad.detach().numpy(), xt.grad.numpy(), atol=1e-12)


def test_threshold_and_pixel_shuffle_match():
    x = RNG.standard_normal((2, 3, 8, 4, 6))
    np.testing.assert_array_equal(F.threshold(ae.tensor(x), 0.1, 20.0).numpy(),
                                  TF.threshold(torch.tensor(x), 0.1, 20.0).numpy())
    np.testing.assert_array_equal(F.pixel_shuffle(ae.tensor(x), 2).numpy(),
                                  TF.pixel_shuffle(torch.tensor(x), 2).numpy())
    np.testing.assert_array_equal(F.pixel_unshuffle(ae.tensor(x), 2).numpy(),
                                  TF.pixel_unshuffle(torch.tensor(x), 2).numpy())
