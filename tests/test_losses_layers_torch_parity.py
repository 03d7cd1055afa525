"""Values and gradients against PyTorch: Embedding with max_norm / norm_type /
scale_grad_by_freq / padding_idx (the in-place renormalisation of the weight included), and
F.linear with a 1-D weight."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")

INDICES = np.array([[0, 2, 2, 5], [5, 2, 1, 0], [3, 3, 3, 3]])
EMBEDDING_OPTIONS = [
    dict(max_norm=1.0), dict(max_norm=1.5, norm_type=1.0),
    dict(max_norm=1.0, norm_type=float("inf")), dict(max_norm=3.0, norm_type=0.5),
    dict(max_norm=2.0, norm_type=0.0), dict(max_norm=-1.0), dict(scale_grad_by_freq=True),
    dict(scale_grad_by_freq=True, padding_idx=2),
    dict(max_norm=0.5, scale_grad_by_freq=True, padding_idx=-1),
]


def _inputs(dtype):
    rng = np.random.default_rng(0)
    weight = (rng.standard_normal((7, 4)) * 2).astype(dtype)
    grad = rng.standard_normal(INDICES.shape + (4,)).astype(dtype)
    return weight, grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", EMBEDDING_OPTIONS, ids=repr)
def test_embedding_options_match_torch(options, dtype):
    weight, grad = _inputs(dtype)
    t_weight = torch.tensor(weight, requires_grad=True)
    a_weight = ae.tensor(weight.copy(), requires_grad=True)
    t_out = torch.nn.functional.embedding(torch.tensor(INDICES), t_weight, **options)
    a_out = F.embedding(ae.tensor(INDICES), a_weight, **options)
    t_out.backward(torch.tensor(grad))
    a_out.backward(ae.tensor(grad))
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(a_out.data, t_out.detach().numpy(), rtol=rtol)
    np.testing.assert_allclose(a_weight.data, t_weight.detach().numpy(), rtol=rtol)
    np.testing.assert_allclose(a_weight.grad.data, t_weight.grad.numpy(), rtol=rtol,
                               atol=rtol)


def test_embedding_module_training_steps_match_torch():
    weight, _ = _inputs(np.float32)
    options = dict(max_norm=1.0, scale_grad_by_freq=True, padding_idx=2)
    t_emb = torch.nn.Embedding.from_pretrained(torch.tensor(weight), freeze=False, **options)
    a_emb = nn.Embedding.from_pretrained(ae.tensor(weight.copy()), freeze=False, **options)
    assert repr(a_emb) == repr(t_emb)
    for step in range(3):  # renorm, backward and an SGD step, repeatedly
        rows = INDICES[step % 2:]
        t_loss = (t_emb(torch.tensor(rows)) ** 2).sum()
        a_loss = (a_emb(ae.tensor(rows)) ** 2).sum()
        t_loss.backward()
        a_loss.backward()
        np.testing.assert_allclose(a_loss.item(), t_loss.item(), rtol=1e-6)
        with torch.no_grad():
            t_emb.weight -= 0.1 * t_emb.weight.grad
        with ae.no_grad():
            a_emb.weight.sub_(a_emb.weight.grad * 0.1)
        t_emb.weight.grad = None
        a_emb.weight.grad = None
        np.testing.assert_allclose(a_emb.weight.data, t_emb.weight.detach().numpy(),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("x_shape", [(5,), (3, 5), (2, 3, 5)])
def test_linear_with_a_vector_weight_matches_torch(x_shape):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(5)
    t_x, t_w = (torch.tensor(a, requires_grad=True) for a in (x, w))
    a_x, a_w = (ae.tensor(a, requires_grad=True) for a in (x, w))
    t_y, a_y = torch.nn.functional.linear(t_x, t_w), F.linear(a_x, a_w)
    grad = rng.standard_normal(t_y.shape)
    t_y.backward(torch.tensor(grad))
    a_y.backward(ae.tensor(grad))
    assert a_y.shape == tuple(t_y.shape)
    for a, t in ((a_y, t_y), (a_x.grad, t_x.grad), (a_w.grad, t_w.grad)):
        np.testing.assert_allclose(a.data, t.detach().numpy(), rtol=1e-12)
