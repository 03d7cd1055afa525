"""Layers: outputs and gradients vs numpy formulas, default initialisation, argument forms,
dropout statistics, embedding scatter-add, activation and loss modules."""
import math

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn
from autograd_engine.autograd import gradcheck
from autograd_engine.nn import functional as F


def f64(*shape, seed=0, requires_grad=True):
    data = np.random.default_rng(seed).standard_normal(shape)
    return ae.tensor(data, dtype=ae.float64, requires_grad=requires_grad)


# -- Linear ----------------------------------------------------------------------------------
def test_linear_shapes_dtype_and_repr():
    lin = nn.Linear(3, 4)
    assert lin.weight.shape == (4, 3) and lin.bias.shape == (4,)
    assert lin.weight.dtype == np.float32
    assert nn.Linear(3, 4, dtype=ae.float64).weight.dtype == np.float64
    assert nn.Linear(3, 4, bias=False).bias is None
    assert [n for n, _ in nn.Linear(3, 4, bias=False).named_parameters()] == ["weight"]
    assert repr(lin) == "Linear(in_features=3, out_features=4, bias=True)"


@pytest.mark.parametrize("shape", [(5, 3), (2, 5, 3), (3,), (0, 3)])
def test_linear_forward_and_gradients_match_numpy(shape):
    lin = nn.Linear(3, 4, dtype=ae.float64)
    x = f64(*shape)
    y = lin(x)
    w, b = lin.weight.data, lin.bias.data
    np.testing.assert_allclose(y.data, x.data @ w.T + b)
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(ae.tensor(g, dtype=ae.float64))
    g2, x2 = g.reshape(-1, 4), x.data.reshape(-1, 3)
    np.testing.assert_allclose(x.grad.data, g @ w)
    np.testing.assert_allclose(lin.weight.grad.data, g2.T @ x2, atol=1e-12)
    np.testing.assert_allclose(lin.bias.grad.data, g2.sum(0), atol=1e-12)


def test_linear_gradcheck_through_module():
    lin = nn.Linear(3, 2, dtype=ae.float64)
    x = f64(2, 4, 3)
    assert gradcheck(lambda x, w, b: F.linear(x, w, b), (x, lin.weight, lin.bias))


def test_linear_errors_name_shapes_and_dtypes():
    lin = nn.Linear(3, 4)
    with pytest.raises(RuntimeError, match=r"linear: mat1 and mat2 shapes cannot be multiplied "
                                           r"\(5x2 and 3x4\)"):
        lin(ae.zeros(5, 2))
    with pytest.raises(RuntimeError, match="linear: expected .* same dtype.*float64 and "
                                           "float32"):
        lin(ae.zeros(5, 3, dtype=ae.float64))


def test_linear_default_init_is_uniform_with_bound_one_over_sqrt_fan_in():
    ae.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.data, lin.bias.data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert abs(w.mean()) < 0.01 * bound
    ae.manual_seed(0)
    np.testing.assert_array_equal(nn.Linear(400, 300).weight.data, w)  # reproducible


# -- Identity, Flatten -----------------------------------------------------------------------
def test_identity_and_flatten():
    x = ae.randn(2, 3, 4, 5)
    assert nn.Identity(54, unused=1)(x) is x
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Flatten(-2)(x).shape == (2, 3, 20)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_unflatten_undoes_flatten_as_pytorch():
    x = ae.randn(2, 3, 4, 5, requires_grad=True)
    flat = nn.Flatten()(x)
    back = nn.Unflatten(1, (3, 4, 5))(flat)
    np.testing.assert_array_equal(back.detach().numpy(), x.detach().numpy())
    back.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(x.shape))
    assert nn.Unflatten(-1, (2, -1))(ae.zeros(3, 8)).shape == (3, 2, 4)
    assert repr(nn.Unflatten(1, (1, 8, 8))) == "Unflatten(dim=1, unflattened_size=(1, 8, 8))"
    with pytest.raises(RuntimeError, match=r"unflatten: Provided sizes \[1, 8, 8\] don't "
                                           r"multiply up to the size of dim 1 \(65\)"):
        nn.Unflatten(1, (1, 8, 8))(ae.zeros(2, 65))
    with pytest.raises(RuntimeError, match="don't multiply up"):
        nn.Unflatten(1, (3, -1))(ae.zeros(2, 10))


# -- Dropout ---------------------------------------------------------------------------------
def test_dropout_scales_kept_values_and_preserves_the_mean():
    ae.manual_seed(0)
    x = ae.ones(200, 500)
    y = nn.Dropout(0.3)(x).data
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(1 - kept.mean() - 0.3) < 0.005
    assert abs(y.mean() - 1.0) < 0.01
    assert y.dtype == np.float32


def test_dropout_gradient_is_the_same_mask():
    ae.manual_seed(1)
    x = f64(50, 40)
    y = F.dropout(x, 0.5)
    y.backward(ae.ones(50, 40, dtype=ae.float64))
    mask = y.data / x.data
    np.testing.assert_allclose(x.grad.data, mask)
    assert set(np.unique(np.round(mask, 12))) == {0.0, 2.0}


def test_dropout_eval_p0_p1_and_reproducibility():
    x = ae.randn(10, 10)
    d = nn.Dropout(0.5)
    d.eval()
    assert d(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, np.zeros((10, 10)))
    d.train()
    ae.manual_seed(5)
    first = d(x).data
    ae.manual_seed(5)
    np.testing.assert_array_equal(d(x).data, first)
    assert not np.array_equal(d(x).data, first)
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(x, -0.1)
    assert repr(nn.Dropout(0.2)) == "Dropout(p=0.2, inplace=False)"


# -- Embedding -------------------------------------------------------------------------------
def test_embedding_lookup_and_repeated_indices_accumulate():
    emb = nn.Embedding(6, 3, dtype=ae.float64)
    idx = ae.tensor([[1, 4, 1], [1, 0, 5]])
    y = emb(idx)
    assert y.shape == (2, 3, 3)
    np.testing.assert_array_equal(y.data, emb.weight.data[idx.data])
    g = np.arange(18, dtype=np.float64).reshape(2, 3, 3)
    y.backward(ae.tensor(g, dtype=ae.float64))
    expected = np.zeros((6, 3))
    np.add.at(expected, idx.data, g)
    np.testing.assert_array_equal(emb.weight.grad.data, expected)
    np.testing.assert_array_equal(emb.weight.grad.data[1], g[0, 0] + g[0, 2] + g[1, 0])


def test_embedding_padding_row_starts_zero_and_gets_no_gradient():
    ae.manual_seed(0)
    emb = nn.Embedding(5, 4, padding_idx=-1)
    assert emb.padding_idx == 4
    np.testing.assert_array_equal(emb.weight.data[4], 0)
    emb(ae.tensor([4, 2, 4, 0])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[4], 0)
    np.testing.assert_array_equal(emb.weight.grad.data[2], 1)
    assert repr(emb) == "Embedding(5, 4, padding_idx=4)"
    with pytest.raises(AssertionError, match="padding_idx"):
        nn.Embedding(5, 4, padding_idx=5)


def test_embedding_default_init_is_standard_normal():
    ae.manual_seed(0)
    w = nn.Embedding(1000, 100).weight.data
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01


def test_embedding_errors_and_from_pretrained():
    emb = nn.Embedding(3, 2)
    with pytest.raises(IndexError, match="index 3 out of range"):
        emb(ae.tensor([0, 3]))
    with pytest.raises(RuntimeError, match="integer"):
        emb(ae.tensor([0.0, 1.0]))
    table = ae.tensor([[1.0, 2.0], [3.0, 4.0]])
    frozen = nn.Embedding.from_pretrained(table)
    assert not frozen.weight.requires_grad
    np.testing.assert_array_equal(frozen(ae.tensor([1])).data, [[3.0, 4.0]])
    assert nn.Embedding.from_pretrained(table, freeze=False).weight.requires_grad


# -- activations -----------------------------------------------------------------------------
def _erf(x):
    return np.vectorize(math.erf)(x)


ACTIVATIONS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0), "ReLU()"),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x), "LeakyReLU(negative_slope=0.2)"),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x)), "Sigmoid()"),
    (nn.Tanh(), np.tanh, "Tanh()"),
    (nn.GELU(), lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2))), "GELU(approximate='none')"),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                      * (x + 0.044715 * x ** 3))),
     "GELU(approximate='tanh')"),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x)), "SiLU()"),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.exp(x) - 1), "ELU(alpha=1.0)"),
    (nn.Softplus(), lambda x: np.log1p(np.exp(x)), "Softplus(beta=1.0, threshold=20.0)"),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True),
     "Softmax(dim=1)"),
    (nn.LogSoftmax(dim=1), lambda x: x - np.log(np.exp(x).sum(1, keepdims=True)),
     "LogSoftmax(dim=1)"),
]


@pytest.mark.parametrize("module,formula,text", ACTIVATIONS, ids=[a[2] for a in ACTIVATIONS])
def test_activation_modules(module, formula, text):
    x = f64(4, 5)
    np.testing.assert_allclose(module(x).data, formula(x.data), rtol=1e-7, atol=1e-10)
    assert repr(module) == text
    assert gradcheck(module, (x,))


# -- losses ----------------------------------------------------------------------------------
def test_regression_losses_and_reductions():
    x, t = f64(3, 4), f64(3, 4, seed=1, requires_grad=False)
    d = x.data - t.data
    for reduction, reduce in [("mean", np.mean), ("sum", np.sum), ("none", lambda a: a)]:
        np.testing.assert_allclose(nn.MSELoss(reduction=reduction)(x, t).data, reduce(d ** 2))
        np.testing.assert_allclose(nn.L1Loss(reduction=reduction)(x, t).data,
                                   reduce(np.abs(d)))
    assert repr(nn.MSELoss()) == "MSELoss()"


def test_classification_losses():
    x = f64(4, 3)
    target = ae.tensor([0, 2, 1, 2])
    logp = x.data - np.log(np.exp(x.data).sum(1, keepdims=True))
    picked = -logp[np.arange(4), target.data]
    np.testing.assert_allclose(nn.CrossEntropyLoss()(x, target).data, picked.mean())
    np.testing.assert_allclose(nn.NLLLoss(reduction="sum")(ae.tensor(logp), target).data,
                               picked.sum())
    w = ae.tensor([1.0, 2.0, 0.5], dtype=ae.float64)
    ce = nn.CrossEntropyLoss(weight=w)
    wt = w.data[target.data]
    np.testing.assert_allclose(ce(x, target).data, (picked * wt).sum() / wt.sum())
    assert list(ce.state_dict()) == ["weight"]
    ignore = nn.CrossEntropyLoss(ignore_index=2)(x, target)
    np.testing.assert_allclose(ignore.data, picked[[0, 2]].mean())


def test_binary_losses():
    z = f64(5)
    p = 1 / (1 + np.exp(-z.data))
    t = ae.tensor([0.0, 1.0, 1.0, 0.0, 0.5], dtype=ae.float64)
    bce = -(t.data * np.log(p) + (1 - t.data) * np.log(1 - p))
    np.testing.assert_allclose(nn.BCELoss()(ae.tensor(p), t).data, bce.mean())
    np.testing.assert_allclose(nn.BCEWithLogitsLoss(reduction="none")(z, t).data, bce)
    pw = ae.tensor([2.0], dtype=ae.float64)
    weighted = -(2.0 * t.data * np.log(p) + (1 - t.data) * np.log(1 - p))
    loss = nn.BCEWithLogitsLoss(pos_weight=pw)
    np.testing.assert_allclose(loss(z, t).data, weighted.mean())
    assert list(loss.state_dict()) == ["pos_weight"]


def test_dropout2d_zeroes_whole_channels():
    ae.manual_seed(0)
    x = ae.ones(8, 16, 3, 3, requires_grad=True)
    y = nn.Dropout2d(0.5)(x)
    maps = y.detach().numpy().reshape(8, 16, 9)
    assert set(np.unique(maps)) <= {0.0, 2.0}
    assert (maps.min(2) == maps.max(2)).all()  # one draw per channel
    assert 0 < (maps[:, :, 0] == 0).mean() < 1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
    layer = nn.Dropout2d(0.3).eval()
    assert layer(x) is x and repr(layer) == "Dropout2d(p=0.3, inplace=False)"
    with pytest.warns(UserWarning, match="channel-wise 1D dropout"):
        F.dropout2d(ae.ones(2, 3, 4), 0.5)
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.dropout2d(ae.ones(6))


def test_embedding_of_no_indices_has_a_zero_gradient():
    weight = ae.ones(3, 2, requires_grad=True)
    nn.functional.embedding(ae.zeros(0, dtype=ae.int64), weight).sum().backward()
    assert weight.grad.tolist() == [[0.0, 0.0]] * 3
