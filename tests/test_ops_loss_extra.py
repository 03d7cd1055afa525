"""The extra losses on their own: first and second derivatives by finite differences
(float64) for every option, the class margin losses against loops over their definitions,
and CTC against a sum over every alignment."""
import itertools

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck


def _rand(*shape, low=-1.0, high=1.0, seed=0):
    data = np.random.default_rng(seed).uniform(low, high, shape)
    return ae.tensor(data, requires_grad=True)


SIGNS = ae.tensor(np.array([[1.0, -1.0, 1.0, -1.0], [-1.0, 1.0, 1.0, 0.0], [1.0, 1.0, -1.0,
                                                                            -1.0]]))
LABELS = ae.tensor(np.array([0, 3, 1]))
MULTILABEL = ae.tensor(np.array([[3, 0, -1, 1], [1, 1, 2, -1], [0, 1, 2, 3]]))

# (id, fn, inputs): every input is differentiated, twice
CASES = [
    ("margin_ranking", lambda a, b, t: F.margin_ranking_loss(a, b, t, margin=0.2),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1), SIGNS.double().requires_grad_())),
    ("hinge", lambda a: F.hinge_embedding_loss(a, SIGNS, margin=0.7, reduction="sum"),
     lambda: (_rand(3, 4),)),
    ("soft_margin", lambda a: F.soft_margin_loss(a, SIGNS, reduction="none"),
     lambda: (_rand(3, 4, low=-3.0, high=3.0),)),
    ("multilabel_soft_margin", lambda a, t, w: F.multilabel_soft_margin_loss(a, t, weight=w),
     lambda: (_rand(3, 4), _rand(3, 4, low=0.0, seed=1), _rand(4, low=0.5, seed=2))),
    ("cosine_embedding", lambda a, b: F.cosine_embedding_loss(
        a, b, ae.tensor([1.0, -1.0, -1.0]), margin=-0.3, reduction="none"),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1))),
    ("cosine_embedding_unbatched", lambda a, b: F.cosine_embedding_loss(a, b, ae.tensor(1.0)),
     lambda: (_rand(4), _rand(4, seed=1))),
    # var above eps: below it, the clamp passes var's gradient through (PyTorch's choice)
    ("gaussian_nll", lambda a, b, v: F.gaussian_nll_loss(a, b, v, full=True, eps=0.2),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1), _rand(3, 4, low=0.3, high=1.0, seed=2))),
    ("gaussian_nll_homoscedastic", lambda a, b, v: F.gaussian_nll_loss(a, b, v),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1), _rand(3, low=0.5, high=1.0, seed=2))),
    ("poisson_nll", lambda a, t: F.poisson_nll_loss(a, t, full=True, reduction="sum"),
     lambda: (_rand(3, 4), _rand(3, 4, low=1.5, high=4.0, seed=1))),
    ("poisson_nll_rates", lambda a, t: F.poisson_nll_loss(a, t, log_input=False, eps=0.01),
     lambda: (_rand(3, 4, low=0.5, high=2.0), _rand(3, 4, low=0.0, high=3.0, seed=1))),
    ("triplet", lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=2.0, swap=True),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1), _rand(3, 4, seed=2))),
    ("triplet_p3", lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, p=3.0,
                                                         reduction="none"),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1), _rand(3, 4, seed=2))),
    ("triplet_distance", lambda a, p, n: F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y), margin=1.5),
     lambda: (_rand(3, 4), _rand(3, 4, seed=1), _rand(3, 4, seed=2))),
    ("multi_margin", lambda a: F.multi_margin_loss(a, LABELS, margin=1.5, reduction="none"),
     lambda: (_rand(3, 4),)),
    ("multi_margin_p2", lambda a: F.multi_margin_loss(
        a, LABELS, p=2, weight=ae.tensor(np.array([1.0, 2.0, 0.5, 3.0]))),
     lambda: (_rand(3, 4),)),
    ("multilabel_margin", lambda a: F.multilabel_margin_loss(a, MULTILABEL, reduction="sum"),
     lambda: (_rand(3, 4, low=-0.4, high=0.4),)),
]


@pytest.mark.parametrize("fn, inputs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_first_and_second_derivatives(fn, inputs):
    assert gradcheck(fn, inputs())
    assert gradgradcheck(fn, inputs())


# -- the class margin losses against their definitions ---------------------------------------
def _multi_margin_reference(x, y, p, margin, w):
    out = np.zeros(len(y))
    for n, (row, label) in enumerate(zip(x, y)):
        for i, value in enumerate(row):
            z = margin - row[label] + value
            if i != label and z > 0:
                out[n] += w[label] * z ** p / len(row)
    return out


def _multilabel_margin_reference(x, y):
    out = np.zeros(len(y))
    for n, (row, labels) in enumerate(zip(x, y)):
        listed = list(itertools.takewhile(lambda c: c != -1, labels))
        for j in listed:
            for i, value in enumerate(row):
                if i not in listed:
                    out[n] += max(0.0, 1.0 - row[j] + value) / len(row)
    return out


@pytest.mark.parametrize("seed", range(5))
def test_class_margin_losses_follow_their_definitions(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (6, 5))
    y = rng.integers(0, 5, 6)
    w = rng.uniform(0.5, 2.0, 5)
    for p in (1, 2):
        got = F.multi_margin_loss(ae.tensor(x), ae.tensor(y), p=p, margin=0.8,
                                  weight=ae.tensor(w), reduction="none")
        np.testing.assert_allclose(got.data, _multi_margin_reference(x, y, p, 0.8, w),
                                   rtol=1e-12)
    labels = rng.integers(-1, 5, (6, 5))
    got = F.multilabel_margin_loss(ae.tensor(x), ae.tensor(labels), reduction="none")
    np.testing.assert_allclose(got.data, _multilabel_margin_reference(x, labels), rtol=1e-12)


# -- CTC against every alignment --------------------------------------------------------------
def _collapse(path, blank):
    out = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
    return tuple(c for c in out if c != blank)


def _ctc_reference(log_probs, target, steps, blank):
    """-log of the summed probability of the paths of length ``steps`` that collapse to
    the target."""
    total = 0.0
    for path in itertools.product(range(log_probs.shape[1]), repeat=steps):
        if _collapse(path, blank) == tuple(target):
            total += np.exp(sum(log_probs[t, c] for t, c in enumerate(path)))
    return -np.log(total) if total else np.inf


@pytest.mark.parametrize("blank", [0, 2])
def test_ctc_sums_over_every_alignment(blank):
    rng = np.random.default_rng(blank)
    scores = rng.standard_normal((5, 4, 3))
    log_probs = scores - np.log(np.exp(scores).sum(-1, keepdims=True))
    labels = [c for c in range(3) if c != blank]
    targets = [[labels[0], labels[1], labels[1]], [labels[1]], [], [labels[0], labels[0]]]
    input_lengths = (5, 4, 3, 2)  # the last one is too short for a doubled label: inf
    padded = np.full((4, 3), blank)
    for row, target in zip(padded, targets):
        row[:len(target)] = target
    loss = F.ctc_loss(ae.tensor(log_probs), ae.tensor(padded), input_lengths,
                      tuple(len(t) for t in targets), blank=blank, reduction="none")
    expected = [_ctc_reference(log_probs[:, n], targets[n], input_lengths[n], blank)
                for n in range(4)]
    np.testing.assert_allclose(loss.data, expected, rtol=1e-12)


def test_ctc_gradient_is_zero_summed_over_classes_for_normalised_inputs():
    """exp(lp) - occupancy: both sum to 1 over the classes at every step of the input."""
    scores = np.random.default_rng(0).standard_normal((6, 3, 4))
    log_probs = ae.tensor(scores - np.log(np.exp(scores).sum(-1, keepdims=True)),
                          requires_grad=True)
    F.ctc_loss(log_probs, ae.tensor(np.array([[1, 2], [3, 3], [1, 0]])), (6, 4, 5),
               (2, 2, 1), reduction="sum").backward()
    sums = log_probs.grad.data.sum(-1)
    np.testing.assert_allclose(sums, 0.0, atol=1e-12)
    assert np.all(log_probs.grad.data[4:, 1] == 0)  # past the input length


def test_ctc_float32_matches_float64():
    scores = np.random.default_rng(1).standard_normal((7, 2, 5))
    targets, lengths = ae.tensor(np.array([[1, 2, 3], [4, 4, 0]])), ((7, 6), (3, 2))
    results = []
    for dtype in (np.float32, np.float64):
        x = ae.tensor(scores.astype(dtype), requires_grad=True)
        loss = F.ctc_loss(F.log_softmax(x, 2), targets, *lengths)
        loss.backward()
        assert loss.dtype == dtype and x.grad.dtype == dtype
        results.append((loss.item(), x.grad.data))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-4, atol=1e-6)
