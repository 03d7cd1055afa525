"""The extra losses where PyTorch 2.13 computes, accepts or refuses something specific:
values and gradients on fixed inputs, result dtypes and shapes, gradients at the kinks,
Gaussian NLL's straight-through clamp, CTC's gradient and impossible alignments, modules, and
the exception types and messages. The expected values are PyTorch's, written out."""
import re

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F

NAN, INF = float("nan"), float("inf")
X = [[0.5, -1.0, 2.0], [0.0, 1.5, -0.5]]
Y = [[1.0, 0.0, -1.0], [2.0, -2.0, 0.5]]
Z = [[-0.3, 0.8, 1.1], [0.4, -0.9, 0.2]]
SIGNS = [[1.0, -1.0, 1.0], [-1.0, 1.0, 0.0]]
# log_softmax of fixed (4, 2, 3) scores, float64
LOG_PROBS = [[[-1.1733000436247916, -0.7733000436247917, -1.4733000436247916],
              [-0.4076059644443804, -2.4076059644443806, -1.4076059644443804]],
             [[-1.0986122886681098, -1.0986122886681098, -1.0986122886681098],
              [-1.9557123323460854, -1.2557123323460857, -0.5557123323460856]],
             [[-0.42837897002838515, -2.028378970028385, -1.528378970028385],
              [-1.3229740118834727, -0.6229740118834729, -1.622974011883473]],
             [[-0.8334282107562291, -0.8334282107562291, -2.033428210756229],
              [-0.8619948040582511, -1.8619948040582512, -0.8619948040582511]]]
CTC_TARGETS = np.array([[1, 2, 0], [2, 2, 1]])

EXPECTED = {'cosine_embedding': ([1.4629100498861158, 0.0], 0.7314550249430579,
                                 [[[-0.35269337134179424, 0.08817334283543385,
                                    0.1322600142532096],
                                   [0.0, 0.0, 0.0]],
                                  [[-0.3857583749049809, 0.3086066999240773,
                                    -0.38575837490521236],
                                   [0.0, 0.0, 0.0]]]),
            'gaussian_nll': ([[1.01764598670765, 4.767645986707651, 44.76764598670765],
                              [2.2655121234846454, 4.328012123484646, 1.5155121234846454]],
                             9.776995721762814,
                             [[[-5.0, -10.0, 30.0], [-1.0, 1.75, -0.5]],
                              [[5.0, 10.0, -30.0], [1.0, -1.75, 0.5]],
                              [[-497.5], [-1.40625]]]),
            'hinge_embedding': ([[0.5, 2.2, 2.0], [1.2, 1.5, 1.2]], 1.4333333333333333,
                                [[[1.0, -1.0, 1.0], [-1.0, 1.0, 0.0]]]),
            'margin_ranking': ([[1.0, 0.0, 0.0], [0.0, 0.0, 0.5]], 0.25,
                               [[[-1.0, 0.0, -0.0], [0.0, -0.0, -0.0]],
                                [[1.0, -0.0, 0.0], [-0.0, 0.0, 0.0]],
                                [[0.5, 0.0, -0.0], [0.0, -0.0, 1.0]]]),
            'multi_margin': ([0.0, 1.6666666666666667], 0.8333333333333334,
                             [[[0.0, 0.0, 0.0],
                               [-1.3333333333333333, 1.0, 0.3333333333333333]]]),
            'multilabel_margin': ([4.333333333333333, 1.0], 2.6666666666666665,
                                  [[[0.6666666666666666, -1.3333333333333333,
                                     0.6666666666666666],
                                    [-0.6666666666666666, 0.3333333333333333,
                                     0.3333333333333333]]]),
            'multilabel_soft_margin': ([0.26805206723140707, 1.3320469455409796],
                                       0.8000495063861933,
                                       [[[-0.0629234447996909, 0.08964714045666503,
                                          -0.0794686146814117],
                                         [0.08333333333333333, 0.2725248253978812,
                                          -0.41497288746790295]],
                                        [[-0.08333333333333334, 0.3333333333333333,
                                          -1.3333333333333335],
                                         [0.0, -0.5, 0.33333333333333337]],
                                        [0.3890747215800173, 0.6715583218336585,
                                         0.3670016650743597]]),
            'poisson_nll': ([[1.6487212707001282, 1.3678794411714423, 4.040862583535186],
                             [2.764081543543057, 3.7316890703380645, 5.763793817956813]],
                            3.2195046212074487,
                            [[[1.6487212707001282, -0.6321205588285577, 5.38905609893065],
                              [-2.0, 3.9816890703380645, -3.393469340287367]],
                             [[NAN, 1.0, -1.0568528194400546],
                              [1.2652789553347765, -1.5, 2.011294361119891]]]),
            'poisson_nll_rates': ([[0.5, 0.904689820195675, 1.1679317951457813],
                                   [8.671836822525194, 1.2649981853771322, 5.700565653308143]],
                                  3.035003712758654,
                                  [[[1.0, 0.09090909090909094, 0.04761904761904767],
                                    [-29.0, 0.6875, -5.666666666666667]],
                                   [[NAN, -0.09531017980432493, 0.20120983583056795],
                                    [3.567864048328822, -0.47000362924573563,
                                     2.0221199848858813]]]),
            'soft_margin': ([[0.4740769841801067, 0.31326168751822286, 0.1269280110429725],
                             [0.6931471805599453, 0.2014132779827524, 0.6931471805599453]],
                            0.4169957203073242,
                            [[[-0.37754066879814546, 0.2689414213699951, -0.11920292202211755],
                              [0.5, -0.18242552380635632, -0.0]]]),
            'triplet_distance': ([4.0, 6.0], 5.0,
                                 [[[-2.0, 0.0, 0.0], [0.0, 0.0, 0.0]],
                                  [[1.0, 1.0, -1.0], [1.0, -1.0, 1.0]],
                                  [[1.0, -1.0, 1.0], [-1.0, 1.0, -1.0]]]),
            'triplet_margin': ([2.987394559018292, 4.522071378490715], 3.7547329687545035,
                               [[[-0.9421221450135456, 0.3118153101212465, 0.32731840771666],
                                 [-0.6483860707974883, 0.8577344854113258,
                                  -0.45847807286818637]],
                                [[0.37792936330132165, 0.534473098436641, -0.9257351789278101],
                                 [-0.1976661010461056, -0.15622562173317112,
                                  0.09212623989628882]],
                                [[0.564192781712224, -0.8462884085578876, 0.5984167712111501],
                                 [0.8460521718435939, -0.7015088636781547,
                                  0.36635183297189755]]])}
CTC_EXPECTED = {'impossible': ([1.870625842641656, INF],
                               [[[0.14709874726906044, -0.3762667189255262, 0.22916797165646596],
                                 [NAN, NAN, NAN]],
                                [[0.11415608327965518, -0.0422320163603318, -0.07192406691932307],
                                 [NAN, NAN, NAN]],
                                [[0.14135262721065467, 0.09129955698334077, -0.23265218419399533],
                                 [NAN, NAN, NAN]],
                                [[-0.19370284911714913, 0.43455697690506495, -0.24085412778791587],
                                 [0.0, 0.0, 0.0]]]),
                'mean': 1.1383221597181845,
                'none': [1.870625842641656, 2.6826627962310816],
                'sum': 4.553288638872738,
                'zero_infinity': (0.467656460660414,
                                  [[[0.03677468681726511, -0.09406667973138155,
                                     0.05729199291411649],
                                    [0.0, 0.0, 0.0]],
                                   [[0.028539020819913795, -0.01055800409008295,
                                     -0.017981016729830768],
                                    [0.0, 0.0, 0.0]],
                                   [[0.03533815680266367, 0.022824889245835193,
                                     -0.05816304604849883],
                                    [0.0, 0.0, 0.0]],
                                   [[-0.048425712279287284, 0.10863924422626624,
                                     -0.06021353194697897],
                                    [0.0, 0.0, 0.0]]])}


def _l1(x, y):
    return (x - y).abs().sum(-1)


# name -> (call(reduction, *tensors), inputs, indices of the differentiable inputs)
CALLS = {
    "margin_ranking": (lambda r, a, b, t: F.margin_ranking_loss(a, b, t, 0.5, reduction=r),
                       [X, Y, SIGNS], (0, 1, 2)),
    "hinge_embedding": (lambda r, a, t: F.hinge_embedding_loss(a, t, 1.2, reduction=r),
                        [X, SIGNS], (0,)),
    "soft_margin": (lambda r, a, t: F.soft_margin_loss(a, t, reduction=r), [X, SIGNS], (0,)),
    "multilabel_soft_margin": (
        lambda r, a, t, w: F.multilabel_soft_margin_loss(a, t, weight=w, reduction=r),
        [X, [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], [0.5, 1.0, 2.0]], (0, 1, 2)),
    "cosine_embedding": (
        lambda r, a, b, t: F.cosine_embedding_loss(a, b, t, margin=-0.5, reduction=r),
        [X, Y, [1.0, -1.0]], (0, 1)),
    "gaussian_nll": (
        lambda r, a, b, v: F.gaussian_nll_loss(a, b, v, full=True, eps=0.1, reduction=r),
        [X, Y, [[0.05], [2.0]]], (0, 1, 2)),
    "poisson_nll": (lambda r, a, t: F.poisson_nll_loss(a, t, full=True, reduction=r),
                    [X, [[0.0, 1.0, 2.0], [3.0, 0.5, 4.0]]], (0, 1)),
    "poisson_nll_rates": (
        lambda r, a, t: F.poisson_nll_loss(a, t, log_input=False, full=True, eps=0.1,
                                           reduction=r),
        [[[0.5, 1.0, 2.0], [0.0, 1.5, 0.5]], [[0.0, 1.0, 2.0], [3.0, 0.5, 4.0]]], (0, 1)),
    "triplet_margin": (
        lambda r, a, p, n: F.triplet_margin_loss(a, p, n, margin=2.0, p=1.5, swap=True,
                                                 reduction=r), [X, Y, Z], (0, 1, 2)),
    "triplet_distance": (
        lambda r, a, p, n: F.triplet_margin_with_distance_loss(
            a, p, n, distance_function=_l1, margin=3.0, reduction=r), [X, Y, Z], (0, 1, 2)),
    "multi_margin": (
        lambda r, a, t: F.multi_margin_loss(a, t, p=2, margin=1.5,
                                            weight=ae.tensor(np.array([0.5, 1.0, 2.0])),
                                            reduction=r),
        [X, np.array([2, 0])], (0,)),
    "multilabel_margin": (lambda r, a, t: F.multilabel_margin_loss(a, t, reduction=r),
                          [X, np.array([[1, 1, -1], [0, -1, 2]])], (0,)),
}


def _close(actual, expected):
    np.testing.assert_allclose(actual, np.array(expected, dtype=float), rtol=1e-12,
                               atol=1e-14)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_values_and_gradients_are_torchs(name):
    call, inputs, differentiable = CALLS[name]
    tensors = [ae.tensor(np.array(a, dtype=None if isinstance(a, np.ndarray) else np.float64),
                         requires_grad=i in differentiable) for i, a in enumerate(inputs)]
    none, mean, grads = EXPECTED[name]
    with np.errstate(all="ignore"):  # poisson's target gradient at 0 is NaN, as PyTorch's
        _close(call("none", *tensors).data, none)
        _close(call("mean", *tensors).item(), mean)
        found = ae.autograd.grad(call("sum", *tensors), [tensors[i] for i in differentiable])
    for g, expected in zip(found, grads):
        _close(g.data, expected)


# (call, expected dtype, shape, values): PyTorch's result dtypes and shapes
F32, F64, I64 = np.float32, np.float64, np.int64
DTYPES = [
    (lambda: F.margin_ranking_loss(ae.tensor([1, 2, 3]), ae.tensor([2, 1, 3]),
                                   ae.tensor([1, -1, 1]), reduction="none"),
     F32, (3,), [1.0, 1.0, 0.0]),
    (lambda: F.hinge_embedding_loss(ae.tensor([1, 2, 0]), ae.tensor([-1, -1, -1]), margin=1.5,
                                    reduction="none"), I64, (3,), [0, 0, 1]),
    (lambda: F.hinge_embedding_loss(ae.tensor([0.5, 2.0]), ae.tensor(np.array([1.0, -1.0])),
                                    reduction="none"), F32, (2,), [0.5, 0.0]),
    (lambda: F.hinge_embedding_loss(ae.tensor(1.0), ae.tensor([1.0, -1.0, 0.0]),
                                    reduction="none"), F32, (3,), [1.0, 0.0, 1.0]),
    (lambda: F.soft_margin_loss(ae.tensor([0.5, -1.0]), ae.tensor(np.array([1.0, 1.0])),
                                reduction="none"), F32, (2,), [0.4740769863128662,
                                                                1.31326162815094]),
    (lambda: F.soft_margin_loss(ae.tensor([1.0, 2.0]), ae.tensor([True, False]),
                                reduction="none"), F32, (2,), [0.3132616877555847,
                                                                0.6931471824645996]),
    (lambda: F.soft_margin_loss(ae.tensor([1.0, 2.0]), ae.tensor([2.0]), reduction="none"),
     F32, (2,), [0.12692801654338837, 0.018149929121136665]),
    (lambda: F.soft_margin_loss(ae.tensor([0.5, -100.0, 100.0]), ae.tensor([1.0, 1.0, -1.0]),
                                reduction="none"), F32, (3,), [0.4740769863128662, INF, INF]),
    (lambda: F.cosine_embedding_loss(ae.tensor([[1.0, 2.0]]),
                                     ae.tensor(np.array([[2.0, 1.0]])), ae.tensor([1]),
                                     reduction="none"), F64, (1,), [0.20000000000008]),
    (lambda: F.cosine_embedding_loss(ae.tensor([[1, 2]]), ae.tensor([[2, 4]]), ae.tensor([1]),
                                     reduction="none"), F32, (1,), [0.0]),
    (lambda: F.cosine_embedding_loss(ae.zeros(2, 3), ae.ones(2, 3), ae.tensor([1.0, -1.0]),
                                     margin=-0.5, reduction="none"), F32, (2,), [1.0, 0.5]),
    (lambda: F.cosine_embedding_loss(ae.tensor([1.0, 2.0]), ae.tensor([2.0, 1.0]),
                                     ae.tensor(-1), margin=0.5), F32, (), 0.30000001192092896),
    (lambda: F.multilabel_soft_margin_loss(ae.tensor([[0.5, -1.0]]),
                                           ae.tensor(np.array([[1.0, 0.0]])),
                                           reduction="none"), F64, (1,), [0.39366933703422546]),
    (lambda: F.multilabel_soft_margin_loss(ae.tensor([0.5, -1.0]), ae.tensor([1.0, 0.0]),
                                           reduction="none"), F32, (), 0.39366933703422546),
    (lambda: F.gaussian_nll_loss(ae.tensor([1, 2]), ae.tensor([1.5, 1.5]),
                                 ae.tensor([0.5, 2.0]), reduction="none"),
     F32, (2,), [-0.0965735912322998, 0.4090735912322998]),
    (lambda: F.gaussian_nll_loss(ae.tensor([1.0, 2.0]), ae.tensor([1.5, 1.5]),
                                 ae.tensor(np.array([0.5, 2.0])), reduction="none"),
     F64, (2,), [-0.09657359027997264, 0.40907359027997264]),
    (lambda: F.gaussian_nll_loss(ae.tensor([1.0, 2.0]), ae.tensor([1.5, 1.5]), 0.25,
                                 reduction="none"), F32, (2,), [-0.1931471824645996] * 2),
    (lambda: F.gaussian_nll_loss(ae.tensor([1.0, 2.0]), ae.tensor([1.5, 1.5]), ae.tensor(4.0),
                                 reduction="none"), F32, (2,), [0.7243971824645996] * 2),
    (lambda: F.poisson_nll_loss(ae.tensor([1, 2]), ae.tensor([1, 2]), reduction="none"),
     F32, (2,), [1.7182817459106445, 3.3890562057495117]),
    (lambda: F.poisson_nll_loss(ae.tensor([1, 2]), ae.tensor([1, 2]), log_input=False,
                                reduction="none"), F32, (2,), [1.0, 0.6137056350708008]),
    (lambda: F.triplet_margin_loss(ae.tensor([[0, 1]]), ae.tensor([[1, 1]]),
                                   ae.tensor([[3, 1]]), reduction="none"), F32, (1,), [0.0]),
    (lambda: F.triplet_margin_loss(ae.tensor(0.5), ae.tensor(1.0), ae.tensor(0.75),
                                   reduction="none"), F32, (), 1.25),
    (lambda: F.multi_margin_loss(ae.tensor(0.5), ae.tensor(0), reduction="none"), F32, (), 0.0),
    (lambda: F.multi_margin_loss(ae.tensor([0.5, 0.9, 0.1]), ae.tensor([0]), reduction="none"),
     F32, (1,), [0.6666666865348816]),
    (lambda: F.multi_margin_loss(ae.tensor([0.5, 0.9, 0.1]), ae.tensor(0), reduction="none"),
     F32, (), 0.6666666865348816),
    (lambda: F.multilabel_margin_loss(ae.tensor([0.1, 0.5, 0.3]), ae.tensor([1, 1, -1]),
                                      reduction="none"), F32, (), 0.9333333969116211),
    (lambda: F.multilabel_margin_loss(ae.tensor(0.3), ae.tensor(0), reduction="none"),
     F32, (), 0.0),
]


@pytest.mark.parametrize("call, dtype, shape, values", DTYPES)
def test_result_dtypes_and_shapes_are_torchs(call, dtype, shape, values):
    out = call()
    assert out.dtype == dtype and out.shape == shape
    np.testing.assert_allclose(out.data, values, rtol=1e-6)


# -- gradients where PyTorch's choice is not the only one ------------------------------------
def _grad(loss_fn, values):
    x = ae.tensor(values, requires_grad=True)
    loss_fn(x).backward()
    return x.grad.data.tolist()


def test_gradients_at_the_kinks_are_torchs():
    # margin violated exactly (z = 0): the ranking and hinge losses count it, the class
    # margin losses do not
    assert _grad(lambda x: F.margin_ranking_loss(x, ae.tensor([1.0, 1.0]), ae.tensor(
        [1.0, 1.0]), margin=1.0, reduction="sum"), [1.0, 2.0]) == [-1.0, -1.0]
    assert _grad(lambda x: F.hinge_embedding_loss(x, ae.tensor([-1.0, -1.0]),
                                                  reduction="sum"), [0.5, 1.0]) == [-1.0, -1.0]
    third = [pytest.approx([-1 / 3, 0.0, 1 / 3])]
    assert _grad(lambda x: F.multi_margin_loss(x, ae.tensor([0]), reduction="sum"),
                 [[1.0, 0.0, 2.0]]) == third
    assert _grad(lambda x: F.multilabel_margin_loss(x, ae.tensor([[0, -1, 0]]),
                                                    reduction="sum"), [[1.0, 0.0, 2.0]]) == third


def test_gaussian_var_clamp_passes_the_gradient_through():
    var = ae.tensor(np.array([1e-9, 2.0]), requires_grad=True)
    loss = F.gaussian_nll_loss(ae.tensor(np.array([0.1, 0.2])), ae.zeros(2, dtype=ae.float64),
                               var, reduction="sum")
    (g,) = ae.autograd.grad(loss, var, create_graph=True)
    np.testing.assert_allclose(g.data, [-4999500000.000001, 0.245], rtol=1e-12)
    (gg,) = ae.autograd.grad(g.sum(), var)
    np.testing.assert_allclose(gg.data, [9.9995e15, -0.12], rtol=1e-9)


# -- CTC -----------------------------------------------------------------------------------
def _ctc(reduction, input_lengths=(4, 4), target_lengths=(2, 2), **kw):
    log_probs = ae.tensor(np.array(LOG_PROBS), requires_grad=True)
    loss = F.ctc_loss(log_probs, ae.tensor(CTC_TARGETS), ae.tensor(np.array(input_lengths)),
                      ae.tensor(np.array(target_lengths)), reduction=reduction, **kw)
    return log_probs, loss


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_ctc_values_are_torchs(reduction):
    _close(_ctc(reduction)[1].data, CTC_EXPECTED[reduction])


def test_ctc_impossible_alignment_is_infinite_with_nan_gradient():
    log_probs, loss = _ctc("none", (4, 3), (2, 3))
    _close(loss.data, CTC_EXPECTED["impossible"][0])
    loss.sum().backward()
    _close(log_probs.grad.data, CTC_EXPECTED["impossible"][1])  # NaN until its input length


def test_ctc_zero_infinity_zeroes_the_loss_and_its_gradient():
    log_probs, loss = _ctc("mean", (4, 3), (2, 3), zero_infinity=True)
    value, grad = CTC_EXPECTED["zero_infinity"]
    _close(loss.item(), value)
    loss.backward()
    _close(log_probs.grad.data, grad)


def test_ctc_target_and_length_forms():
    lp = F.log_softmax(ae.tensor([[0.1, 0.5, -0.2], [0.3, 0.3, 0.3], [1.2, -0.4, 0.1]]), 1)
    expected = 0.7509995698928833  # floating point targets are truncated, as PyTorch's .long()
    for targets in (ae.tensor([1.7, 2.2]), ae.tensor([1, 2]), ae.tensor([[1, 2]])):
        loss = F.ctc_loss(lp, targets, ae.tensor(3), ae.tensor(2))
        assert loss.shape == () and loss.item() == pytest.approx(expected, rel=1e-6)
    unbatched = F.ctc_loss(lp, ae.tensor([[1, 2]]), (3,), (2,), reduction="none")
    assert unbatched.shape == () and unbatched.item() == pytest.approx(2 * expected, rel=1e-6)
    empty = F.ctc_loss(lp.unsqueeze(1), ae.tensor([[1, 2]]), (0,), (0,), reduction="none")
    assert empty.tolist() == [0.0] and np.signbit(empty.data[0])  # -0.0, as PyTorch


def test_ctc_second_derivative_is_not_implemented():
    x = ae.tensor(np.array(LOG_PROBS), requires_grad=True)
    lp = F.log_softmax(x, 2)
    loss = F.ctc_loss(lp, ae.tensor(CTC_TARGETS), (4, 4), (2, 2))
    (g,) = ae.autograd.grad(loss, x, create_graph=True)
    with pytest.raises(RuntimeError, match="ctc_loss: the derivative of ctc_loss's backward "
                                           "with respect to log_probs is not implemented"):
        g.sum().backward()


# -- modules ---------------------------------------------------------------------------------
def test_module_arguments_and_state_are_torchs():
    assert repr(nn.TripletMarginWithDistanceLoss()) == (
        "TripletMarginWithDistanceLoss(\n  (distance_function): PairwiseDistance()\n)")
    assert repr(nn.MultiMarginLoss(p=2, weight=ae.ones(3))) == "MultiMarginLoss()"
    assert list(nn.MultiLabelSoftMarginLoss(weight=ae.ones(2)).state_dict()) == ["weight"]
    assert list(nn.GaussianNLLLoss(full=True).state_dict()) == []
    with pytest.raises(TypeError):  # keyword-only, as PyTorch
        nn.GaussianNLLLoss(True)
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated. Please use "
                                           "`NLLLoss` instead as a drop-in replacement"):
        assert isinstance(nn.NLLLoss2d(ignore_index=1), nn.NLLLoss)
    ctc = nn.CTCLoss(blank=2, reduction="sum", zero_infinity=True)
    assert (ctc.blank, ctc.reduction, ctc.zero_infinity) == (2, "sum", True)


@pytest.mark.parametrize("make, message", [
    (lambda: nn.MultiMarginLoss(p=3), "only p == 1 and p == 2 supported"),
    (lambda: nn.MultiMarginLoss(weight=ae.ones(2, 2)),
     "MultiMarginLoss: expected weight to be None or 1D tensor, got 2D instead"),
    (lambda: nn.TripletMarginLoss(margin=0),
     "TripletMarginLoss: expected margin to be greater than 0, got 0 instead"),
    (lambda: nn.TripletMarginWithDistanceLoss(margin=0),
     "TripletMarginWithDistanceLoss: expected margin to be greater than 0, got 0 instead"),
])
def test_module_argument_errors_are_torchs(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


# -- errors: PyTorch's type, its message after the op's name ---------------------------------
V2, V3 = ae.tensor([0.5, 1.0]), ae.tensor([0.5, 1.0, 2.0])
M23 = ae.tensor([[0.5, 1.0, 2.0], [1.0, 0.0, -1.0]])
LONG2 = ae.tensor([0, 1])
LP = ae.tensor(np.log(np.full((4, 2, 3), 1 / 3)))
T22 = ae.tensor([[1, 2], [2, 1]])
ERRORS = [
    (lambda: F.margin_ranking_loss(V2, V2, V2, reduction="avg"), ValueError,
     "avg is not a valid value for reduction"),
    (lambda: F.gaussian_nll_loss(V2, V2, V2, reduction="x"), ValueError, "x is not valid"),
    (lambda: F.multilabel_soft_margin_loss(V2, V2, reduction="q"), ValueError,
     "q is not valid"),
    (lambda: F.margin_ranking_loss(V2, V2.unsqueeze(0), V2), RuntimeError,
     "margin_ranking_loss : All input tensors should have same dimension"),
    (lambda: F.margin_ranking_loss(V2, V2, ae.tensor([True, False])), RuntimeError,
     "negation, the `-` operator, on a bool tensor is not supported"),
    (lambda: F.soft_margin_loss(ae.tensor([1, 2]), V2), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda: F.soft_margin_loss(V2.unsqueeze(0), V2.unsqueeze(1)), RuntimeError,
     r"output with shape \[1, 2\] doesn't match the broadcast shape \[2, 2\]"),
    (lambda: F.multilabel_soft_margin_loss(ae.tensor(0.5), ae.tensor(1.0)), IndexError,
     "Dimension specified as -1 but tensor has no dimensions"),
    (lambda: F.multilabel_soft_margin_loss(V2, ae.tensor([True, False])), RuntimeError,
     "subtraction, the `-` operator, on a bool tensor is not supported"),
    (lambda: F.cosine_embedding_loss(M23, M23, ae.ones(2, 1)), RuntimeError,
     "0D or 1D target tensor expected, multi-target not supported"),
    (lambda: F.cosine_embedding_loss(V3, V3, ae.ones(3)), RuntimeError,
     re.escape("1D target tensor expects 2D input tensors, but found inputs with sizes [3] "
               "and [3].")),
    (lambda: F.cosine_embedding_loss(M23, M23, ae.tensor(1.0)), RuntimeError,
     re.escape("0D target tensor expects 1D input tensors, but found inputs with sizes "
               "[2, 3] and [2, 3].")),
    (lambda: F.gaussian_nll_loss(V2, V2, -V2), ValueError, "var has negative entry/entries"),
    (lambda: F.gaussian_nll_loss(V2, V2, -1.0), ValueError, "var has negative entry/entries"),
    (lambda: F.gaussian_nll_loss(V2, V2, 1), TypeError, "var must be a Tensor or a float"),
    (lambda: F.gaussian_nll_loss(M23, M23, ae.ones(2, 2)), ValueError,
     "var is of incorrect size"),
    (lambda: F.gaussian_nll_loss(M23, M23, ae.ones(1, 1)), ValueError,
     "var is of incorrect size"),
    (lambda: F.gaussian_nll_loss(V2, V2, ae.tensor([1, 1])), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda: F.triplet_margin_loss(M23, M23, M23, margin=0), ValueError,
     "margin must be greater than 0, got 0"),
    (lambda: F.triplet_margin_loss(M23, M23, V3), RuntimeError,
     "The anchor, positive, and negative tensors are expected to have the same number of "
     "dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs"),
    (lambda: F.triplet_margin_with_distance_loss(M23, M23, M23, margin=-1), ValueError,
     "margin must be greater than 0, got -1"),
    (lambda: F.multi_margin_loss(M23, LONG2, p=3), ValueError,
     "only p == 1 and p == 2 supported"),
    (lambda: F.multi_margin_loss(M23, LONG2, weight=ae.ones(1, 3)), ValueError,
     "weight must be one-dimensional"),
    (lambda: F.multi_margin_loss(ae.ones(2, 3, 4), LONG2), RuntimeError,
     re.escape("Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
               "[2, 3, 4]")),
    (lambda: F.multi_margin_loss(M23, ae.tensor([0, 1, 2])), RuntimeError,
     re.escape("multi_margin_loss: target tensor should be 1-D with size equal to the number "
               "of input samples (batch size). Expected target size [2], but got [3]. Input "
               "has shape [2, 3].")),
    (lambda: F.multi_margin_loss(M23, LONG2, weight=ae.ones(2)), RuntimeError,
     re.escape("inconsistent weight size, expected 3 but got [2]")),
    (lambda: F.multi_margin_loss(M23, LONG2.to(np.int32)), RuntimeError,
     "expected scalar type Long but found Int"),
    (lambda: F.multi_margin_loss(M23, LONG2, weight=ae.ones(3, dtype=ae.float64)),
     RuntimeError, "expected scalar type Float but found Double"),
    (lambda: F.multi_margin_loss(M23, ae.tensor([0, 3])), RuntimeError, "target out of range"),
    (lambda: F.multi_margin_loss(ae.ones(2, 3, dtype=ae.int64), LONG2), NotImplementedError,
     "not implemented for 'Long'"),
    (lambda: F.multilabel_margin_loss(M23, ae.tensor([[0, 1], [1, 0]])), RuntimeError,
     re.escape("inconsistent target size: [2, 2] for input of size: [2, 3]")),
    (lambda: F.multilabel_margin_loss(M23, ae.tensor(np.zeros((2, 3), np.int32))),
     RuntimeError, "expected scalar type Long but found Int"),
    (lambda: F.multilabel_margin_loss(V3, ae.tensor([0, -1, 7])), RuntimeError,
     "argument #2 'target' is out of range"),
    (lambda: F.ctc_loss(LP, T22, (4, 4), (2, 2), reduction="x"), ValueError,
     "x is not a valid value for reduction"),
    (lambda: F.ctc_loss(LP, T22, (4, 4), ae.tensor([2, 2])), TypeError,
     "input_lengths and target_lengths must both be Tensors or both be tuples of ints"),
    (lambda: F.ctc_loss(LP, T22, ae.tensor([4.0, 4.0]), ae.tensor([2, 2])), RuntimeError,
     "input_lengths must be integral"),
    (lambda: F.ctc_loss(ae.zeros(0, 2, 3), T22, (0, 0), (0, 0)), RuntimeError,
     "log_probs tensor must not be empty"),
    (lambda: F.ctc_loss(LP.to(np.int64), T22, (4, 4), (2, 2)), NotImplementedError,
     "\"ctc_loss_cpu\" not implemented for 'Long'"),
    (lambda: F.ctc_loss(LP.unsqueeze(0), T22, (4, 4), (2, 2)), RuntimeError,
     "Expected 3-dimensional tensor"),
    (lambda: F.ctc_loss(LP, T22.unsqueeze(0), (4, 4), (2, 2)), RuntimeError,
     "Expected 1 to 2 dimensions, but got 3-dimensional tensor for argument #2 'targets'"),
    (lambda: F.ctc_loss(LP, T22, (4, 4), (2, 2), blank=3), RuntimeError,
     "blank must be in label range"),
    (lambda: F.ctc_loss(LP, T22, (4,), (2, 2)), RuntimeError,
     "input_lengths must be of size batch_size"),
    (lambda: F.ctc_loss(LP, T22, (4, 4), (2, -1)), RuntimeError,
     "Expected target_lengths to have value at least 0, but got value -1"),
    (lambda: F.ctc_loss(LP, T22, (4, 4), (2, 3)), RuntimeError,
     "Expected tensor to have size at least 3 at dimension 1, but got size 2 for argument #2 "
     "'targets'"),
    (lambda: F.ctc_loss(LP, ae.tensor([1, 2, 2]), (4, 4), (2, 2)), RuntimeError,
     "Expected tensor to have size 4 at dimension 0, but got size 3 for argument #2 "
     "'targets'"),
    (lambda: F.ctc_loss(LP, T22, (5, 4), (2, 2)), RuntimeError,
     "Expected input_lengths to have value at most 4, but got value 5"),
    (lambda: F.ctc_loss(LP, T22, (-1, 4), (2, 2)), RuntimeError,
     "Expected input_lengths to have value at least 0, but got value -1"),
    # PyTorch reads out of bounds for these (its result is undefined); here they are errors
    (lambda: F.ctc_loss(LP, ae.tensor([[1, 3], [2, 1]]), (4, 4), (2, 2)), IndexError,
     "ctc_loss: target 3 is out of range for 3 classes"),
]


@pytest.mark.parametrize("call, exc, message", ERRORS)
def test_errors_are_torchs(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
