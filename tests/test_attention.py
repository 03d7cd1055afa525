"""F.scaled_dot_product_attention and nn.MultiheadAttention: against a numpy reference,
gradients to second order, masks, shapes, errors; and, when torch is installed, values and
every gradient against torch 2.13 with the same weights."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _reference_sdpa(q, k, v, bias=0.0, scale=None):
    scale = 1 / np.sqrt(q.shape[-1]) if scale is None else scale
    return _softmax(q @ np.swapaxes(k, -1, -2) * scale + bias) @ v


def test_sdpa_matches_the_reference_with_masks_and_scale():
    q, k, v = RNG.standard_normal((2, 3, 4, 8)), RNG.standard_normal((2, 3, 5, 8)), \
        RNG.standard_normal((2, 3, 5, 6))
    allowed = RNG.random((4, 5)) > 0.3
    allowed[:, 0] = True
    float_mask = RNG.standard_normal((4, 5))
    causal = np.where(np.tril(np.ones((4, 5), bool)), 0.0, -np.inf)
    for kwargs, bias, scale in (({}, 0.0, None),
                                ({"attn_mask": ae.tensor(allowed)},
                                 np.where(allowed, 0.0, -np.inf), None),
                                ({"attn_mask": ae.tensor(float_mask)}, float_mask, None),
                                ({"is_causal": True}, causal, None),
                                ({"scale": 0.3}, 0.0, 0.3)):
        out = F.scaled_dot_product_attention(ae.tensor(q), ae.tensor(k), ae.tensor(v), **kwargs)
        np.testing.assert_allclose(out.numpy(), _reference_sdpa(q, k, v, bias, scale),
                                   rtol=1e-12, atol=1e-14)


def test_sdpa_gradients_and_grouped_query_heads():
    q = ae.randn(2, 4, 3, dtype=ae.float64, requires_grad=True)
    k = ae.randn(2, 5, 3, dtype=ae.float64, requires_grad=True)
    v = ae.randn(2, 5, 2, dtype=ae.float64, requires_grad=True)
    mask = ae.randn(4, 5, dtype=ae.float64, requires_grad=True)
    assert gradcheck(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, m),
                     (q, k, v, mask))
    assert gradgradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v,
                                                                        is_causal=True),
                         (q, k, v))
    q4, k2 = ae.randn(1, 4, 3, 8), ae.randn(1, 2, 5, 8)
    v2 = ae.randn(1, 2, 5, 8)
    grouped = F.scaled_dot_product_attention(q4, k2, v2, enable_gqa=True)
    repeated = F.scaled_dot_product_attention(q4, k2.repeat_interleave(2, dim=1),
                                              v2.repeat_interleave(2, dim=1))
    np.testing.assert_allclose(grouped.numpy(), repeated.numpy(), rtol=1e-6)


def test_sdpa_errors():
    q = ae.zeros(2, 4, 8)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when "
                                           "is_causal=True"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ae.ones(4, 4, dtype=ae.bool),
                                       is_causal=True)
    with pytest.raises(RuntimeError, match="do not fit"):
        F.scaled_dot_product_attention(q, ae.zeros(2, 4, 7), q)


def _reference_mha(mha, q, k, v, pad_mask=None):
    """The textbook computation with the module's weights (numpy, (L, N, E) inputs)."""
    e, h = mha.embed_dim, mha.num_heads
    w, b = mha.in_proj_weight.detach().numpy(), mha.in_proj_bias.detach().numpy()
    proj = [x @ w[i * e:(i + 1) * e].T + b[i * e:(i + 1) * e] for i, x in enumerate((q, k, v))]
    heads = [p.reshape(p.shape[0], p.shape[1] * h, e // h).transpose(1, 0, 2) for p in proj]
    bias = 0.0
    if pad_mask is not None:
        bias = np.where(np.repeat(pad_mask, h, axis=0)[:, None, :], -np.inf, 0.0)
    weights = _softmax(heads[0] @ heads[1].transpose(0, 2, 1) / np.sqrt(e // h) + bias)
    out = (weights @ heads[2]).transpose(1, 0, 2).reshape(q.shape[0], q.shape[1], e)
    out = out @ mha.out_proj.weight.detach().numpy().T + mha.out_proj.bias.detach().numpy()
    return out, weights.reshape(q.shape[1], h, q.shape[0], -1).mean(1)


def test_multihead_attention_matches_the_reference():
    ae.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, dtype=ae.float64)
    with ae.no_grad():  # nonzero biases, so their placement is checked too
        mha.in_proj_bias.copy_(ae.randn(24, dtype=ae.float64))
        mha.out_proj.bias.copy_(ae.randn(8, dtype=ae.float64))
    q, kv = RNG.standard_normal((4, 3, 8)), RNG.standard_normal((5, 3, 8))
    pad_mask = np.zeros((3, 5), bool)
    pad_mask[1, 3:] = True
    out, weights = mha(ae.tensor(q), ae.tensor(kv), ae.tensor(kv),
                       key_padding_mask=ae.tensor(pad_mask))
    ref_out, ref_weights = _reference_mha(mha, q, kv, kv, pad_mask)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(weights.detach().numpy(), ref_weights, rtol=1e-12, atol=1e-14)
    assert (weights.detach().numpy()[1, :, 3:] == 0).all()


def test_multihead_attention_shapes_parameters_and_gradients():
    mha = nn.MultiheadAttention(8, 4, batch_first=True, dtype=ae.float64)
    assert list(mha.state_dict()) == ["in_proj_weight", "in_proj_bias", "out_proj.weight",
                                      "out_proj.bias"]
    x = ae.randn(2, 5, 8, dtype=ae.float64, requires_grad=True)
    out, weights = mha(x, x, x, average_attn_weights=False)
    assert out.shape == (2, 5, 8) and weights.shape == (2, 4, 5, 5)
    out, none = mha(x[0], x[0], x[0], need_weights=False)
    assert out.shape == (5, 8) and none is None
    separate = nn.MultiheadAttention(8, 2, kdim=6, vdim=5, add_bias_kv=True, add_zero_attn=True)
    assert list(separate.state_dict()) == ["q_proj_weight", "k_proj_weight", "v_proj_weight",
                                           "in_proj_bias", "bias_k", "bias_v",
                                           "out_proj.weight", "out_proj.bias"]
    out, weights = separate(ae.randn(3, 2, 8), ae.randn(4, 2, 6), ae.randn(4, 2, 5))
    assert out.shape == (3, 2, 8) and weights.shape == (2, 3, 6)  # 4 keys + bias_k + zero
    small = nn.MultiheadAttention(4, 2, dtype=ae.float64)
    q = ae.randn(3, 1, 4, dtype=ae.float64, requires_grad=True)
    assert gradgradcheck(lambda q: small(q, q, q)[0], (q,))


def test_multihead_attention_errors_and_repr():
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(8, 3)
    mha = nn.MultiheadAttention(8, 2)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        mha(ae.zeros(2, 1, 8), ae.zeros(2, 1, 8), ae.zeros(2, 1, 8), is_causal=True)
    assert repr(mha) == ("MultiheadAttention(\n  (out_proj): Linear(in_features=8, "
                         "out_features=8, bias=True)\n)")


def test_multihead_attention_matches_torch():
    torch = pytest.importorskip("torch")
    configs = [({}, {}), ({"kdim": 6, "vdim": 5}, {}),
               ({"add_bias_kv": True, "add_zero_attn": True},
                {"attn_mask": np.triu(np.ones((4, 4), bool), 1)}),
               ({}, {"key_padding_mask": np.array([[False, True, False, False],
                                                  [True, False, False, False]])}),
               ({"bias": False}, {"average_attn_weights": False})]
    for init_kwargs, call_kwargs in configs:
        theirs = torch.nn.MultiheadAttention(8, 2, **init_kwargs).double()
        ours = nn.MultiheadAttention(8, 2, dtype=ae.float64, **init_kwargs)
        ours.load_state_dict({k: ae.tensor(v.detach().numpy())
                              for k, v in theirs.state_dict().items()})
        inputs = [RNG.standard_normal((4, 2, d)) for d in (8, init_kwargs.get("kdim", 8),
                                                           init_kwargs.get("vdim", 8))]
        t_in = [torch.tensor(a, requires_grad=True) for a in inputs]
        a_in = [ae.tensor(a, requires_grad=True) for a in inputs]
        t_out, t_w = theirs(*t_in, **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                                      for k, v in call_kwargs.items()})
        a_out, a_w = ours(*a_in, **{k: ae.tensor(v) if isinstance(v, np.ndarray) else v
                                    for k, v in call_kwargs.items()})
        np.testing.assert_allclose(a_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)
        np.testing.assert_allclose(a_w.detach().numpy(), t_w.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)
        seed = RNG.standard_normal(t_out.shape)
        (t_out * torch.tensor(seed)).sum().backward()
        (a_out * ae.tensor(seed)).sum().backward()
        for a, t in zip(a_in, t_in):
            np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-12)
        for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-9, atol=1e-12,
                                       err_msg=name)


def test_self_attention_projects_in_one_product_with_the_same_result():
    ae.manual_seed(1)
    mha = nn.MultiheadAttention(8, 2, dtype=ae.float64)
    with ae.no_grad():
        mha.in_proj_bias.copy_(ae.randn(24, dtype=ae.float64))
    x = RNG.standard_normal((4, 3, 8))
    out, weights = mha(*(ae.tensor(x),) * 3)  # one tensor as query, key and value
    ref_out, ref_weights = _reference_mha(mha, x, x, x)
    np.testing.assert_allclose(out.detach().numpy(), ref_out, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(weights.detach().numpy(), ref_weights, rtol=1e-12, atol=1e-14)


def test_the_causal_hint_replaces_the_mask_when_pytorch_takes_its_sdpa_path():
    ae.manual_seed(0)
    m = ae.nn.MultiheadAttention(4, 2, batch_first=True)
    x = ae.randn(2, 3, 4)
    causal = ae.tensor(np.triu(np.ones((3, 3), bool), 1))
    hinted, _ = m(x, x, x, attn_mask=ae.zeros(3, 3, dtype=ae.bool), is_causal=True,
                  need_weights=False)
    expected, _ = m(x, x, x, attn_mask=causal, need_weights=False)
    np.testing.assert_allclose(hinted.data, expected.data, rtol=1e-6)
    kept, _ = m(x, x, x, attn_mask=ae.zeros(3, 3, dtype=ae.bool), is_causal=True)
    unmasked, _ = m(x, x, x)
    np.testing.assert_allclose(kept.data, unmasked.data, rtol=1e-6)  # weights wanted: a hint
