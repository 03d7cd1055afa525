"""Losses: values and input gradients against PyTorch, reductions, ignore_index, label
smoothing, class weights, stability, NaN, and error types/messages. Gradient checks of every
op live in tests/cases/loss.py."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.autograd import grad, gradcheck, gradgradcheck

X = [[1.0, 2.0, 0.5, -1.0, 0.0], [0.3, -0.2, 2.2, 1.5, -1.1], [-0.5, 0.7, 0.1, 0.9, 2.0],
     [1.2, -1.3, 0.4, 0.0, 0.6]]
TARGET = [0, 3, -100, 4]
WEIGHT = [1.0, 2.0, 0.5, 1.0, 3.0]
CLASS_KWARGS = {
    "plain": {}, "weight": {"weight": WEIGHT}, "smoothing": {"label_smoothing": 0.2},
    "weight_smoothing_sum": {"weight": WEIGHT, "label_smoothing": 0.3, "reduction": "sum"},
    "weight_smoothing_none": {"weight": WEIGHT, "label_smoothing": 0.1, "reduction": "none"},
    "weight_none": {"weight": WEIGHT, "reduction": "none"},
}

# The numbers below came from torch 2.13 (float64): (loss, d sum(loss) / d input[, target]).
CLASS = {'cross_entropy/plain': (1.4384112005307947,
                                 [[-0.2642920212908469, 0.1876737439380615,
                                   0.041875672540555076, 0.009343725520297259,
                                   0.025398879291933078],
                                  [0.028107717908677186, 0.017048192686166575,
                                   0.18792523495077834, -0.24001242344522905,
                                   0.006931277899606916],
                                  [0.0, 0.0, 0.0, 0.0, 0.0],
                                  [0.13997252052284095, 0.011489644154501046,
                                   0.06289370765140467, 0.04215891300824163,
                                   -0.2565147853369883]]),
         'cross_entropy/smoothing': (1.5637445338641283,
                                     [[-0.21095868795751357, 0.1743404106047281,
                                       0.028542339207221726, -0.003989607813036079,
                                       0.012065545958599735],
                                      [0.014774384575343849, 0.0037148593528332384,
                                       0.17459190161744498, -0.18667909011189573,
                                       -0.00640205543372642],
                                      [0.0, 0.0, 0.0, 0.0, 0.0],
                                      [0.12663918718950762, -0.0018436891788322883,
                                       0.049560374318071344, 0.028825579674908293,
                                       -0.20318145200365495]]),
         'cross_entropy/weight': (1.4501254678985807,
                                  [[-0.15857521277450815, 0.1126042463628369,
                                    0.025125403524333047, 0.005606235312178356,
                                    0.015239327575159847],
                                   [0.016864630745206315, 0.010228915611699946,
                                    0.11275514097046702, -0.14400745406713744,
                                    0.00415876673976415],
                                   [0.0, 0.0, 0.0, 0.0, 0.0],
                                   [0.25195053694111375, 0.020681359478101888,
                                    0.11320867377252844, 0.07588604341483494,
                                    -0.461726613606579]]),
         'cross_entropy/weight_smoothing_none': ([1.718159836609186, 1.5777537326650455, 0.0,
                                                  4.260936076508239],
                                                 [[-0.7025198670661678, 0.5511722934048937,
                                                   0.1219083685027485, 0.009432735388936369,
                                                   0.020006469769589204],
                                                  [0.06853931141233315, 0.013701806961424716,
                                                   0.5819644900949519, -0.6260391338524716,
                                                   -0.03816647461623821],
                                                  [0.0, 0.0, 0.0, 0.0, 0.0],
                                                  [1.1767650504702902, 0.05823645752098395,
                                                   0.52774120041951, 0.340458706220466,
                                                   -2.10320141463125]]),
         'cross_entropy/weight_smoothing_sum': (8.169294258361605,
                                                [[-0.5218074734534218, 0.5274744165863121,
                                                  0.114471070264915, -0.027764146954974454,
                                                  -0.09237386644283088],
                                                 [0.0369716267849363, -0.061183735232725314,
                                                  0.6183420605801853, -0.43804286088604033,
                                                  -0.15608709124635614],
                                                 [0.0, 0.0, 0.0, 0.0, 0.0],
                                                 [1.0107897819997333, -0.032104222218067,
                                                  0.4511368635332458, 0.26251568451304846,
                                                  -1.6923381078279605]]),
         'nll_loss/plain': (-1.0333333333333334,
                            [[-0.3333333333333333, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, -0.3333333333333333, 0.0],
                             [0.0, 0.0, 0.0, 0.0, 0.0],
                             [0.0, 0.0, 0.0, 0.0, -0.3333333333333333]]),
         'nll_loss/weight': (-0.86,
                             [[-0.2, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, -0.2, 0.0],
                              [0.0, 0.0, 0.0, 0.0, 0.0],
                              [0.0, 0.0, 0.0, 0.0, -0.6000000000000001]]),
         'nll_loss/weight_none': ([-1.0, -1.5, 0.0, -1.7999999999999998],
                                  [[-1.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, -1.0, 0.0],
                                   [0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, -3.0]])}
IGNORE3 = (1.8500997893518096,
           [[-0.2642920212908469, 0.1876737439380615, 0.041875672540555076,
             0.009343725520297259, 0.025398879291933078],
            [0.0, 0.0, 0.0, 0.0, 0.0],
            [0.014894297637940816, 0.04945080964000227, -0.3061941535886294,
             0.06039935528755231, 0.18144969102313396],
            [0.13997252052284095, 0.011489644154501046, 0.06289370765140467,
             0.04215891300824163, -0.2565147853369883]])
PROBABILITY = (3.2241420448976643,
               [[0.027671476047797235, 0.11113296193031921, 0.022110131608124466,
                 -0.03948830878966558, -0.1214262607965753],
                [-0.008644035587353932, -0.07071256512275594, 0.1947416555933263,
                 0.05477063525903101, -0.17015569014224746],
                [-0.01588026425058782, -0.02068914878497064, 0.008875738464420106,
                 0.015618794231041311, 0.012074880340096985],
                [0.14982751795270063, -0.05647358318684006, 0.056629128879222654,
                 -0.007166763079676426, -0.14281630056540676]])
SPATIAL = ([[1.7730223788958135, 0.5797575954486833], [2.323008339211445, 0.0]],
           [[[-0.7690817057082455, 0.04959673343117695],
             [0.7027913909792605, 0.27096168429112566],
             [0.06629031472898497, -0.32055841772230265]],
            [[0.5554629605882249, 0.0], [-0.8452678846480811, 0.0], [0.2898049240598563, 0.0]]])
UNBATCHED = 1.4076059644443804
BCE = ([100.0, 0.44628710262841953, 0.34657359027997264, 0.10536051565782628, 300.0],
       [[-1000000003995.8029, 2.4999999999999996, 0.4, -1.1111111111111112, 3000000011987.4087],
        [np.inf, 2.772588722239781, -0.0, -2.1972245773362196, -np.inf]])
BCE_LOGITS = {'plain': ([3.048587351573742, 0.4740769841801067, 0.6931471805599453,
                         0.3711006659477777, 40.0],
                        [[-0.9525741268224333, 0.3775406687981454, 0.2, -0.3100255188723875,
                          1.0],
                         [3.0, 0.5, -0.0, -0.8, -40.0]]),
              'pos_weight': ([6.097174703147484, 0.4740769841801067, 0.6931471805599453,
                              1.1133019978433332, 40.0],
                             [[-1.9051482536448665, 0.3775406687981454, 0.2,
                               -0.9300765566171627, 1.0],
                              [6.048587351573742, 0.012961507909946657, 0.0,
                               -0.05779866810444467, -40.0]]),
              'weight': ([3.048587351573742, 0.9481539683602134, 0.34657359027997264,
                          0.3711006659477777, 120.0],
                         [[-0.9525741268224333, 0.7550813375962908, 0.1, -0.3100255188723875,
                           3.0],
                          [3.0, 1.0, -0.0, -0.8, -120.0]]),
              'weight_pos_weight': ([6.097174703147484, 0.9481539683602134, 0.34657359027997264,
                                     1.1133019978433332, 120.0],
                                    [[-1.9051482536448665, 0.7550813375962908, 0.1,
                                      -0.9300765566171627, 3.0],
                                     [6.048587351573742, 0.025923015819893314, 0.0,
                                      -0.05779866810444467, -120.0]])}


def _value_and_grad(fn, x, *args, **kwargs):
    x = ae.tensor(np.array(x), requires_grad=True)
    kwargs = {k: (ae.tensor(np.array(v)) if k == "weight" else v) for k, v in kwargs.items()}
    loss = fn(x, *args, **kwargs)
    (g,) = grad(loss.sum(), x)
    return loss, g


@pytest.mark.parametrize("key", sorted(CLASS))
def test_class_losses_match_torch(key):
    name, variant = key.split("/")
    loss, g = _value_and_grad(getattr(F, name), X, ae.tensor(np.array(TARGET)),
                              **CLASS_KWARGS[variant])
    loss_ref, g_ref = CLASS[key]
    np.testing.assert_allclose(loss.data, loss_ref, rtol=1e-12)
    np.testing.assert_allclose(g.data, g_ref, rtol=1e-10, atol=1e-15)


def test_cross_entropy_custom_ignore_index():
    loss, g = _value_and_grad(F.cross_entropy, X, ae.tensor(np.array([0, 3, 2, 4])),
                              ignore_index=3)
    np.testing.assert_allclose(loss.data, IGNORE3[0], rtol=1e-12)
    np.testing.assert_allclose(g.data, IGNORE3[1], rtol=1e-10, atol=1e-15)


def test_cross_entropy_probability_targets():
    probs = np.exp(np.outer(np.arange(4.0), [0.1, 0.2, 0.3, 0.4, 0.5]))
    probs /= probs.sum(1, keepdims=True)
    loss, g = _value_and_grad(F.cross_entropy, X, ae.tensor(probs), weight=WEIGHT,
                              label_smoothing=0.1)
    np.testing.assert_allclose(loss.data, PROBABILITY[0], rtol=1e-12)
    np.testing.assert_allclose(g.data, PROBABILITY[1], rtol=1e-10, atol=1e-15)


def test_cross_entropy_spatial_and_unbatched():
    x3 = [[[0.5, -1.0], [2.0, 0.3], [0.0, 1.0]], [[1.5, 0.2], [-0.4, 0.8], [0.9, -0.9]]]
    loss, g = _value_and_grad(F.cross_entropy, x3, ae.tensor(np.array([[0, 2], [1, -100]])),
                              label_smoothing=0.1, reduction="none")
    np.testing.assert_allclose(loss.data, SPATIAL[0], rtol=1e-12)
    np.testing.assert_allclose(g.data, SPATIAL[1], rtol=1e-10, atol=1e-15)
    one = F.cross_entropy(ae.tensor(np.array([1.0, 2.0, 3.0])), ae.tensor(np.array(1)))
    assert one.shape == () and one.item() == pytest.approx(UNBATCHED, rel=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_stable_for_huge_logits(dtype):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5e3], [3e3, 3e3 + 1, -1e4]])
    target = np.array([1, 2, 0])
    shifted = logits - logits.max(1, keepdims=True)  # float64 reference
    log_p = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    x = ae.tensor(logits.astype(dtype), requires_grad=True)
    loss = F.cross_entropy(x, ae.tensor(target), reduction="none", label_smoothing=0.1)
    loss.sum().backward()
    ref = -0.9 * log_p[np.arange(3), target] - 0.1 / 3 * log_p.sum(1)
    np.testing.assert_allclose(loss.data, ref, rtol=1e-6)
    assert np.isfinite(x.grad.data).all()
    ref_grad = np.exp(log_p) - (0.9 * np.eye(3)[target] + 0.1 / 3)
    np.testing.assert_allclose(x.grad.data, ref_grad, atol=1e-6)


def test_cross_entropy_all_ignored_is_nan_with_zero_gradient():
    x = ae.tensor(np.array(X), requires_grad=True)
    loss = F.cross_entropy(x, ae.tensor(np.full(4, -100)))
    loss.backward()
    assert np.isnan(loss.item())  # 0 / 0, as PyTorch
    np.testing.assert_array_equal(x.grad.data, np.zeros((4, 5)))


def test_cross_entropy_nan_logit_propagates_to_its_row():
    logits = np.array(X)
    logits[1, 2] = np.nan
    loss = F.cross_entropy(ae.tensor(logits), ae.tensor(np.array(TARGET)), reduction="none")
    assert np.isnan(loss.data[1]) and np.isfinite(loss.data[[0, 3]]).all()


def test_mean_with_weights_divides_by_weight_of_kept_targets():
    target = np.array(TARGET)
    weight = ae.tensor(np.array(WEIGHT))  # float64, as the input (PyTorch refuses a mix)
    none = F.nll_loss(ae.tensor(np.array(X)), ae.tensor(target), weight=weight,
                      reduction="none")
    mean = F.nll_loss(ae.tensor(np.array(X)), ae.tensor(target), weight=weight)
    kept = target[target != -100]
    assert mean.item() == pytest.approx(none.data.sum() / np.array(WEIGHT)[kept].sum())


def test_cross_entropy_float32_and_reductions_agree():
    x = ae.tensor(np.array(X, np.float32))
    t = ae.tensor(np.array(TARGET))
    none = F.cross_entropy(x, t, reduction="none")
    assert none.dtype == np.float32 and none.shape == (4,)
    assert F.cross_entropy(x, t, reduction="sum").item() == pytest.approx(none.data.sum(), 1e-6)
    assert F.cross_entropy(x, t).item() == pytest.approx(none.data.sum() / 3, 1e-6)


def test_bce_matches_torch_including_clamped_logs():
    p = ae.tensor(np.array([0.0, 0.2, 0.5, 0.9, 1.0]), requires_grad=True)
    t = ae.tensor(np.array([1.0, 0.0, 0.3, 1.0, 0.0]), requires_grad=True)
    weight = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    loss = F.binary_cross_entropy(p, t, weight=weight, reduction="none")
    with np.errstate(divide="ignore"):
        gp, gt = grad(loss.sum(), (p, t))
    np.testing.assert_allclose(loss.data, BCE[0], rtol=1e-12)  # 100 = -log clamped at -100
    np.testing.assert_allclose(gp.data, BCE[1][0], rtol=1e-10)
    np.testing.assert_allclose(gt.data, BCE[1][1], rtol=1e-10)


@pytest.mark.parametrize("variant", sorted(BCE_LOGITS))
def test_bce_with_logits_matches_torch(variant):
    z = ae.tensor(np.array([-3.0, -0.5, 0.0, 0.8, 40.0]), requires_grad=True)
    t = ae.tensor(np.array([1.0, 0.0, 0.3, 1.0, 0.0]), requires_grad=True)
    weight = np.array([1.0, 2.0, 0.5, 1.0, 3.0])
    pos_weight = ae.tensor(np.array([2.0, 0.5, 1.0, 3.0, 1.5]))
    kwargs = {"plain": {}, "weight": {"weight": weight}, "pos_weight": {"pos_weight": pos_weight},
              "weight_pos_weight": {"weight": weight, "pos_weight": pos_weight}}[variant]
    loss = F.binary_cross_entropy_with_logits(z, t, reduction="none", **kwargs)
    gz, gt = grad(loss.sum(), (z, t))
    loss_ref, (gz_ref, gt_ref) = BCE_LOGITS[variant]
    np.testing.assert_allclose(loss.data, loss_ref, rtol=1e-12)
    np.testing.assert_allclose(gz.data, gz_ref, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(gt.data, gt_ref, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_stable_for_huge_logits(dtype):
    z = ae.tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype), requires_grad=True)
    t = ae.tensor(np.array([0.0, 1.0, 1.0, 0.0], dtype))
    loss = F.binary_cross_entropy_with_logits(z, t, pos_weight=ae.tensor(np.array(2.0, dtype)),
                                              reduction="none")
    loss.sum().backward()
    np.testing.assert_array_equal(loss.data, [1e4, 2e4, 0.0, 0.0])  # torch 2.13
    np.testing.assert_allclose(z.grad.data, [1.0, -2.0, 0.0, 0.0], atol=1e-30)


def test_regression_losses():
    a = ae.tensor(np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), requires_grad=True)
    b = ae.tensor(np.array([[0.5, -1.0, 0.5], [1.0, 1.0, 1.0]]))
    # torch 2.13: mse mean/sum 1.7083333333333333 / 10.25, l1 mean/sum 1.0833333333333333 / 6.5
    assert F.mse_loss(a, b).item() == pytest.approx(1.7083333333333333, rel=1e-14)
    assert F.mse_loss(a, b, reduction="sum").item() == pytest.approx(10.25, rel=1e-14)
    assert F.l1_loss(a, b).item() == pytest.approx(1.0833333333333333, rel=1e-14)
    assert F.l1_loss(a, b, reduction="sum").item() == pytest.approx(6.5, rel=1e-14)
    assert F.mse_loss(a, b, reduction="none").shape == (2, 3)
    (g,) = grad(F.l1_loss(a, b, reduction="sum"), a)
    np.testing.assert_array_equal(g.data, [[1.0, -1.0, 0.0], [-1.0, 1.0, -1.0]])  # 0 at a tie
    (g,) = grad(F.mse_loss(a, b), a)
    np.testing.assert_allclose(g.data, 2 * (a.data - b.data) / 6)


def test_regression_losses_broadcast_with_warning():
    a, b = ae.tensor(np.ones((3, 1))), ae.tensor(np.zeros(3))
    with pytest.warns(UserWarning, match=r"mse_loss: Using a target size \(\(3,\)\) that is "
                                         r"different to the input size \(\(3, 1\)\)"):
        assert F.mse_loss(a, b, reduction="none").shape == (3, 3)
    with pytest.raises(RuntimeError, match=r"l1_loss: .*\(3, 4\).*\(5,\)"):
        F.l1_loss(ae.tensor(np.ones((3, 4))), ae.tensor(np.ones(5)))


def test_one_hot():
    out = F.one_hot(ae.tensor(np.array([0, 2, 1])))
    assert out.dtype == np.int64 and out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(ae.tensor(np.array([[1], [0]])), 4).shape == (2, 1, 4)
    assert F.one_hot(ae.tensor(np.zeros(0, np.int64)), 3).shape == (0, 3)
    for labels, n, message in [(np.array([0, 2], np.int32), -1, "LongTensor"),
                               (np.array([0, -2]), -1, "non-negative"),
                               (np.array([0, 5]), 3, "smaller than num_classes"),
                               (np.zeros(0, np.int64), -1, "empty tensor")]:
        with pytest.raises(RuntimeError, match=message):
            F.one_hot(ae.tensor(labels), n)


# -- errors -------------------------------------------------------------------------------
LOGITS = ae.tensor(np.zeros((3, 4)))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_class_loss_errors(fn):
    name = fn.__name__
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target "
                                         r"batch_size \(2\)"):
        fn(LOGITS, ae.tensor(np.array([0, 1])))
    with pytest.raises(IndexError, match=rf"{name}: Target 5 is out of bounds for 4 classes"):
        fn(LOGITS, ae.tensor(np.array([0, 5, 1])))
    with pytest.raises(IndexError, match=rf"{name}: Target -3 is out of bounds"):
        fn(LOGITS, ae.tensor(np.array([0, -3, 1])))
    with pytest.raises(IndexError, match=rf"{name}: Target 7 is out of bounds"):
        fn(LOGITS, ae.tensor(np.array([-100, 7, 1])))  # an ignored target next to a bad one
    assert np.isfinite(fn(LOGITS, ae.tensor(np.array([-100, 3, 1]))).item())
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got "
                                           "Int"):
        fn(LOGITS, ae.tensor(np.array([0, 1, 1], np.int32)))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 5\]"):
        fn(ae.tensor(np.zeros((2, 3, 4))), ae.tensor(np.zeros((2, 5), np.int64)))
    with pytest.raises(RuntimeError, match=r"weight tensor should be defined either for all 4 "
                                           r"classes or no classes but got weight tensor of "
                                           r"shape: \[3\]"):
        fn(LOGITS, ae.tensor(np.array([0, 1, 1])), weight=ae.tensor(np.ones(3)))
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        fn(LOGITS, ae.tensor(np.array([0, 1, 1])), reduction="avg")
    # cross_entropy takes log_softmax over dim 1 first, as PyTorch
    no_class_dim = (IndexError, "Dimension out of range") if name == "cross_entropy" else (
        ValueError, r"Expected 1 or more dimensions \(got 0\)")
    with pytest.raises(no_class_dim[0], match=no_class_dim[1]):
        fn(ae.tensor(1.0), ae.tensor(np.array([0])))
    with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
        fn(ae.tensor(np.zeros((3, 4), np.int64)), ae.tensor(np.array([0, 1, 1])))


def test_cross_entropy_label_smoothing_range():
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: "
                                           "1.5"):
        F.cross_entropy(LOGITS, ae.tensor(np.array([0, 1, 1])), label_smoothing=1.5)


def test_bce_errors():
    with pytest.raises(ValueError, match=r"Using a target size \(\(3,\)\) that is different to "
                                         r"the input size \(\(3, 1\)\) is deprecated"):
        F.binary_cross_entropy(ae.tensor(np.full((3, 1), 0.5)), ae.tensor(np.ones(3)))
    for bad in (1.5, np.nan):
        with pytest.raises(RuntimeError, match="all elements of input should be between 0 and "
                                               "1"):
            F.binary_cross_entropy(ae.tensor(np.array([bad])), ae.tensor(np.array([1.0])))
    with pytest.raises(ValueError, match=r"Target size \(\(3,\)\) must be the same as input "
                                         r"size \(\(3, 1\)\)"):
        F.binary_cross_entropy_with_logits(ae.tensor(np.zeros((3, 1))), ae.tensor(np.ones(3)))
    with pytest.raises(ValueError, match="mean_sq is not a valid value for reduction"):
        F.mse_loss(ae.tensor(np.ones(2)), ae.tensor(np.ones(2)), reduction="mean_sq")


def test_losses_do_not_warn_on_matching_shapes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mse_loss(ae.tensor(np.ones(3)), ae.tensor(np.zeros(3)))
        F.binary_cross_entropy(ae.tensor(np.array([0.0, 1.0])), ae.tensor(np.array([1.0, 0.0])))


# -- smooth L1, Huber, KL divergence --------------------------------------------------------
A = [[1.0, -2.0, 0.5, 3.0], [0.25, -0.75, 2.0, 0.0]]
B = [[0.5, -1.0, 0.5, 1.0], [1.25, 0.5, 1.5, -0.5]]  # A - B = [[.5, -1, 0, 2], [-1, -1.25, .5, .5]]
# so |A - B| hits the kinks beta/delta = 0.5, 1 and 2 exactly (in float32 too).
# torch 2.13 (float64): (loss 'none', 'mean', 'sum', d sum(loss) / d input, the Hessian
# diagonal d sum(that gradient) / d input). d / d target is minus the input gradient.
PIECEWISE = {
    "huber_loss/0.5": ([[0.125, 0.375, 0.0, 0.875], [0.375, 0.5, 0.125, 0.125]], 0.3125, 2.5,
                       [[0.5, -0.5, 0.0, 0.5], [-0.5, -0.5, 0.5, 0.5]],
                       [[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "huber_loss/1.0": ([[0.125, 0.5, 0.0, 1.5], [0.5, 0.75, 0.125, 0.125]], 0.453125, 3.625,
                       [[0.5, -1.0, 0.0, 1.0], [-1.0, -1.0, 0.5, 0.5]],
                       [[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]),
    "huber_loss/1.5": ([[0.125, 0.5, 0.0, 1.875], [0.5, 0.78125, 0.125, 0.125]], 0.50390625,
                       4.03125, [[0.5, -1.0, 0.0, 1.5], [-1.0, -1.25, 0.5, 0.5]],
                       [[1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]),
    "huber_loss/2.0": ([[0.125, 0.5, 0.0, 2.0], [0.5, 0.78125, 0.125, 0.125]], 0.51953125,
                       4.15625, [[0.5, -1.0, 0.0, 2.0], [-1.0, -1.25, 0.5, 0.5]],
                       [[1.0, 1.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]]),
    "smooth_l1_loss/0.0": ([[0.5, 1.0, 0.0, 2.0], [1.0, 1.25, 0.5, 0.5]], 0.84375, 6.75,
                           [[1.0, -1.0, 0.0, 1.0], [-1.0, -1.0, 1.0, 1.0]],
                           [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "smooth_l1_loss/0.3": ([[0.35, 0.85, 0.0, 1.85], [0.85, 1.1, 0.35, 0.35]],
                           0.7125000000000001, 5.700000000000001,
                           [[1.0, -1.0, 0.0, 1.0], [-1.0, -1.0, 1.0, 1.0]],
                           [[0.0, 0.0, 3.3333333333333335, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "smooth_l1_loss/0.5": ([[0.25, 0.75, 0.0, 1.75], [0.75, 1.0, 0.25, 0.25]], 0.625, 5.0,
                           [[1.0, -1.0, 0.0, 1.0], [-1.0, -1.0, 1.0, 1.0]],
                           [[0.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
    "smooth_l1_loss/1.0": ([[0.125, 0.5, 0.0, 1.5], [0.5, 0.75, 0.125, 0.125]], 0.453125, 3.625,
                           [[0.5, -1.0, 0.0, 1.0], [-1.0, -1.0, 0.5, 0.5]],
                           [[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]),
    "smooth_l1_loss/2.0": ([[0.0625, 0.25, 0.0, 1.0], [0.25, 0.390625, 0.0625, 0.0625]],
                           0.259765625, 2.078125,
                           [[0.25, -0.5, 0.0, 1.0], [-0.5, -0.625, 0.25, 0.25]],
                           [[0.5, 0.5, 0.5, 0.0], [0.5, 0.5, 0.5, 0.5]]),
}
# torch 2.13: huber_loss(A, B, delta=0.5, weight=W) ('mean') and its gradients to A, B, W
HUBER_WEIGHT = (0.578125, [[[0.0625, -0.125, 0.0, 0.1875], [-0.0, -0.09375, 0.125, 0.0625]],
                           [[-0.0625, 0.125, 0.0, -0.1875], [0.0, 0.09375, -0.125, -0.0625]],
                           [[0.015625, 0.046875, 0.0, 0.109375],
                            [0.046875, 0.0625, 0.015625, 0.015625]]])
KL_X = [[-1.2, -0.5, -2.0], [-0.1, -3.0, -1.5]]
KL_T = {False: [[0.2, 0.5, 0.3], [0.0, 0.9, 0.1]], True: [[-1.6, -0.7, -1.2], [-2.3, -0.1, 0.3]]}
# torch 2.13 (float64), by log_target: (loss 'none', reductions, d sum / d input, d sum / d target)
KL = {False: ([[-0.0818875824868201, -0.09657359027997264, 0.23880815870221916],
               [0.0, 2.6051755359079567, -0.08025850929940453]],
              {"batchmean": 1.2926320062719892, "mean": 0.43087733542399637,
               "sum": 2.5852640125439783},
              [[-0.2, -0.5, -0.3], [-0.0, -0.9, -0.1]],
              [[0.5905620875658997, 0.8068528194400547, 1.7960271956740639],
               [np.nan, 3.8946394843421737, 0.19741490700595454]]),  # NaN at t = 0, as torch
      True: ([[-0.08075860719786218, -0.09931706075828188, 0.24095536952976168],
              [-0.2205694561901682, 2.6240285123042826, 2.4297458536368057]],
             {"batchmean": 2.4470423056622685, "mean": 0.8156807685540896,
              "sum": 4.894084611324537},
             [[-0.20189651799465538, -0.4965853037914095, -0.3011942119122021],
              [-0.10025884372280375, -0.9048374180359595, -1.3498588075760032]],
             [[0.1211379107967932, 0.39726824303312763, 0.5421495814419638],
              [-0.12031061246736446, 3.528865930340242, 3.779604661212809]])}
KL_MEAN_WARNING = r"reduction: 'mean' divides the total loss by both the batch size and"


def _pair(dtype, requires_grad=True):
    return (ae.tensor(np.array(A, dtype), requires_grad=requires_grad),
            ae.tensor(np.array(B, dtype), requires_grad=requires_grad))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("key", sorted(PIECEWISE))
def test_smooth_l1_and_huber_match_torch_including_kinks(key, dtype):
    name, threshold = key.split("/")
    fn, kwargs = getattr(F, name), {("beta" if name == "smooth_l1_loss" else "delta"):
                                    float(threshold)}
    none_ref, mean_ref, sum_ref, g_ref, hessian_ref = PIECEWISE[key]
    rtol = 1e-6 if dtype == np.float32 else 1e-14
    a, b = _pair(dtype)
    loss = fn(a, b, reduction="none", **kwargs)
    assert loss.dtype == dtype and loss.shape == (2, 4)
    np.testing.assert_allclose(loss.data, none_ref, rtol=rtol)
    mean = fn(a, b, **kwargs)  # 'mean' is the default
    assert mean.dtype == dtype and mean.shape == ()
    np.testing.assert_allclose(mean.item(), mean_ref, rtol=rtol)
    np.testing.assert_allclose(fn(a, b, reduction="sum", **kwargs).item(), sum_ref, rtol=rtol)
    ga, gb = grad(loss.sum(), (a, b), create_graph=True)
    np.testing.assert_array_equal(ga.data, g_ref)  # at |d| = beta/delta: the linear slope
    np.testing.assert_array_equal(gb.data, -np.array(g_ref))
    (hessian,) = grad(ga.sum(), a)  # 0 at the kinks: the quadratic branch is |d| < beta
    np.testing.assert_allclose(hessian.data, hessian_ref, rtol=rtol)


def test_smooth_l1_defaults_and_huber_relation():
    a, b = _pair(np.float64, requires_grad=False)
    assert F.smooth_l1_loss(a, b).item() == PIECEWISE["smooth_l1_loss/1.0"][1]
    assert F.huber_loss(a, b).item() == PIECEWISE["huber_loss/1.0"][1]
    np.testing.assert_array_equal(F.smooth_l1_loss(a, b, beta=0.0, reduction="none").data,
                                  F.l1_loss(a, b, reduction="none").data)
    np.testing.assert_allclose(F.huber_loss(a, b, delta=0.5, reduction="none").data,
                               0.5 * F.smooth_l1_loss(a, b, beta=0.5, reduction="none").data)


def test_huber_weight_matches_torch():
    a, b = _pair(np.float64)
    w = ae.tensor(np.array([[1.0, 2.0, 0.5, 3.0], [0.0, 1.5, 2.0, 1.0]]), requires_grad=True)
    loss = F.huber_loss(a, b, delta=0.5, weight=w)
    assert loss.item() == pytest.approx(HUBER_WEIGHT[0], rel=1e-14)
    for g, g_ref in zip(grad(loss, (a, b, w)), HUBER_WEIGHT[1]):
        np.testing.assert_allclose(g.data, g_ref, rtol=1e-14)
    with pytest.raises(ValueError, match="Weights and input must have the same size."):
        F.huber_loss(a, b, weight=ae.tensor(np.ones(4)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(log_target, dtype):
    x = ae.tensor(np.array(KL_X, dtype), requires_grad=True)
    t = ae.tensor(np.array(KL_T[log_target], dtype), requires_grad=True)
    none_ref, reduced_ref, gx_ref, gt_ref = KL[log_target]
    rtol = 2e-6 if dtype == np.float32 else 1e-14
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # only 'mean' warns
        loss = F.kl_div(x, t, reduction="none", log_target=log_target)
        for reduction in ("sum", "batchmean"):
            out = F.kl_div(x, t, reduction=reduction, log_target=log_target)
            assert out.dtype == dtype and out.shape == ()
            np.testing.assert_allclose(out.item(), reduced_ref[reduction], rtol=rtol)
    with pytest.warns(UserWarning, match=KL_MEAN_WARNING):
        mean = F.kl_div(x, t, log_target=log_target)  # 'mean' is the default
    np.testing.assert_allclose(mean.item(), reduced_ref["mean"], rtol=rtol)
    assert loss.dtype == dtype
    np.testing.assert_allclose(loss.data, none_ref, rtol=rtol, atol=1e-30)
    with np.errstate(invalid="ignore"):  # 0 * log(0) in the target gradient at t = 0
        gx, gt = grad(loss.sum(), (x, t))
    np.testing.assert_allclose(gx.data, gx_ref, rtol=rtol)
    np.testing.assert_allclose(gt.data, gt_ref, rtol=rtol)  # equal_nan: NaN where torch's is


def test_kl_div_batchmean_dims_and_broadcasting():
    x, t = ae.tensor(np.array(KL_X)), ae.tensor(np.array(KL_T[False]))
    # torch 2.13: 0-d input is not divided; 1-d divides by its length; shapes broadcast
    # without a warning and 'batchmean' divides by input.shape[0]
    assert F.kl_div(ae.tensor(np.array(-0.5)), ae.tensor(np.array(0.3)),
                    reduction="batchmean").item() == \
        pytest.approx(-0.21119184129778082, rel=1e-14)
    assert F.kl_div(x[0], t[0], reduction="batchmean").item() == \
        pytest.approx(0.020115661978475474, rel=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert F.kl_div(x, t[0], reduction="batchmean").item() == \
            pytest.approx(0.5003469859354263, rel=1e-14)
        assert F.kl_div(x[:1], t, reduction="batchmean").item() == \
            pytest.approx(0.38526401254397824, rel=1e-14)
        assert F.kl_div(x[:1], t, reduction="none").shape == (2, 3)
    with pytest.warns(UserWarning, match=KL_MEAN_WARNING):
        assert F.kl_div(x[:1], t).item() == pytest.approx(0.06421066875732971, rel=1e-14)


def _regression_operands(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(-2.0, 2.0, (2, 3, 4))
    # central differences must not straddle a kink
    assert np.abs(np.abs(a - b)[..., None] - [0.0, 0.7, 1.0, 1.5]).min() > 1e-3
    return ae.tensor(a, requires_grad=True), ae.tensor(b, requires_grad=True)


_HUBER_WEIGHTS = np.linspace(0.5, 2.0, 12).reshape(3, 4)


@pytest.mark.parametrize("fn", [
    lambda a, b: F.smooth_l1_loss(a, b),
    lambda a, b: F.smooth_l1_loss(a, b, beta=0.7, reduction="none"),
    lambda a, b: F.smooth_l1_loss(a, b, beta=0.0, reduction="sum"),
    lambda a, b: F.huber_loss(a, b, delta=1.5, reduction="none"),
    lambda a, b: F.huber_loss(a, b, reduction="sum", weight=_HUBER_WEIGHTS),
    lambda a, b: F.huber_loss(a, b, delta=0.7, weight=b * b),  # gradient to the weight too
], ids=["smooth_l1", "smooth_l1_beta_none", "l1_beta0_sum", "huber_none", "huber_weight",
        "huber_grad_weight"])
def test_smooth_l1_huber_gradcheck(fn):
    inputs = _regression_operands(4)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("log_target,reduction", [(False, "batchmean"), (False, "none"),
                                                  (True, "sum"), (True, "batchmean")])
def test_kl_div_gradcheck(log_target, reduction):
    rng = np.random.default_rng(5)
    x = ae.tensor(np.log(rng.uniform(0.05, 1.0, (3, 4))), requires_grad=True)
    t = rng.uniform(0.05, 1.0, (3, 4))
    t = ae.tensor(np.log(t) if log_target else t, requires_grad=True)

    def fn(x, t):
        return F.kl_div(x, t, reduction=reduction, log_target=log_target)
    assert gradcheck(fn, (x, t))
    assert gradgradcheck(fn, (x, t))


def test_smooth_l1_huber_kl_modules():
    assert [repr(m) for m in (ae.nn.SmoothL1Loss(beta=0.5), ae.nn.HuberLoss(delta=2.0),
                              ae.nn.KLDivLoss(reduction="batchmean", log_target=True))] == \
        ["SmoothL1Loss()", "HuberLoss()", "KLDivLoss()"]  # torch 2.13 prints no settings
    a, b = _pair(np.float64, requires_grad=False)
    module = ae.nn.SmoothL1Loss(reduction="sum", beta=0.5)
    assert (module.reduction, module.beta) == ("sum", 0.5)
    assert module(a, b).item() == PIECEWISE["smooth_l1_loss/0.5"][2]
    module = ae.nn.HuberLoss(delta=2.0)
    assert (module.reduction, module.delta) == ("mean", 2.0)
    assert module(a, b).item() == PIECEWISE["huber_loss/2.0"][1]
    module = ae.nn.KLDivLoss(reduction="batchmean", log_target=True)
    assert (module.reduction, module.log_target) == ("batchmean", True)
    out = module(ae.tensor(np.array(KL_X)), ae.tensor(np.array(KL_T[True])))
    assert out.item() == pytest.approx(KL[True][1]["batchmean"], rel=1e-14)
    with pytest.warns(UserWarning, match=KL_MEAN_WARNING):
        ae.nn.KLDivLoss()(ae.tensor(np.array(KL_X)), ae.tensor(np.array(KL_T[False])))
    with pytest.raises(TypeError, match="delta must be a float or int, got: <class 'str'>"):
        ae.nn.HuberLoss(delta="1.0")


@pytest.mark.parametrize("fn", [F.smooth_l1_loss, F.huber_loss])
def test_smooth_l1_huber_errors(fn):
    name = fn.__name__
    a, b = ae.tensor(np.ones(3)), ae.tensor(np.zeros(3))
    for reduction in ("avg", "batchmean"):
        with pytest.raises(ValueError, match=f"{reduction} is not a valid value for reduction"):
            fn(a, b, reduction=reduction)
    with pytest.warns(UserWarning, match=rf"{name}: Using a target size \(\(3,\)\) that is "
                                         r"different to the input size \(\(3, 1\)\)"):
        assert fn(ae.tensor(np.ones((3, 1))), b, reduction="none").shape == (3, 3)
    with pytest.raises(RuntimeError, match=rf"{name}: .*\(3, 4\).*\(5,\)"):
        fn(ae.tensor(np.ones((3, 4))), ae.tensor(np.ones(5)))
    with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
        fn(ae.tensor(np.ones(3, np.int64)), ae.tensor(np.zeros(3, np.int64)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fn(a, b)


def test_smooth_l1_huber_threshold_errors():
    a, b = ae.tensor(np.ones(3)), ae.tensor(np.zeros(3))
    for beta in (-1.0, -1e-300, np.nan):
        with pytest.raises(RuntimeError, match="smooth_l1_loss does not support negative "
                                               "values for beta."):
            F.smooth_l1_loss(a, b, beta=beta)
    for delta in (0.0, -1.0, np.nan):
        with pytest.raises(RuntimeError, match="huber_loss does not support non-positive "
                                               "values for delta."):
            F.huber_loss(a, b, delta=delta)


def test_kl_div_errors():
    x, t = ae.tensor(np.zeros((2, 3))), ae.tensor(np.full((2, 3), 0.5))
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.kl_div(x, t, reduction="avg")
    for bad_x, bad_t in [(np.zeros((2, 3), np.int64), t), (x, np.ones((2, 3), np.int64)),
                         (x, np.ones((2, 3), bool))]:
        with pytest.raises(RuntimeError, match="kl_div: Integral inputs not supported."):
            F.kl_div(ae.tensor(bad_x) if isinstance(bad_x, np.ndarray) else bad_x,
                     ae.tensor(bad_t) if isinstance(bad_t, np.ndarray) else bad_t,
                     reduction="sum")
    with pytest.raises(RuntimeError, match="cannot be broadcast"):
        F.kl_div(ae.tensor(np.zeros((3, 4))), ae.tensor(np.full(5, 0.5)), reduction="sum")
