"""In-place functional activations, ``rrelu`` / ``RReLU``, ``Softmax2d``, ``channel_shuffle`` /
``ChannelShuffle``, ``feature_alpha_dropout`` / ``FeatureAlphaDropout``, ``gumbel_softmax``,
``pdist``, the deprecated ``upsample*`` and ``nn.Buffer``: PyTorch 2.13's results written out
(values, gradients, reprs, errors, warnings), the random ones by their structure and
reproducibility under ``ae.manual_seed``; gradcheck / gradgradcheck in float64."""
import math
import warnings

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck

X0 = [-1.5, -0.5, 0.0, 0.25, 2.0]
WEIGHTS = [1.0, 2.0, 3.0, 4.0, 5.0]


# -- in-place functional forms ------------------------------------------------------------------
@pytest.mark.parametrize("name,args,values,grad", [
    ("relu_", (), [0.0, 0.0, 0.0, 0.5, 4.0], [0.0, 0.0, 0.0, 8.0, 10.0]),
    ("elu_", (0.7,), [-0.665149052142, -0.44248439118, 0.0, 0.5, 4.0],
     [0.069701895715, 1.03006243528, 4.2, 8.0, 10.0]),
    ("leaky_relu_", (0.2,), [-0.6, -0.2, 0.0, 0.5, 4.0], [0.4, 0.8, 1.2, 8.0, 10.0]),
    ("hardtanh_", (-0.4, 1.0), [-0.4, -0.4, 0.0, 0.5, 1.0], [0.0, 0.0, 6.0, 8.0, 0.0]),
    ("selu_", (), [-1.670568728767, -1.111330737813, 0.0, 0.525350493678, 4.202803949422],
     [0.175061224161, 2.587074412139, 10.548596045084, 8.405607898844, 10.507009873555]),
    ("celu_", (0.5,), [-0.498760623912, -0.432332358382, 0.0, 0.5, 4.0],
     [0.004957504353, 0.541341132946, 6.0, 8.0, 10.0]),
    ("threshold_", (0.1, -3.0), [-3.0, -3.0, -3.0, 0.5, 4.0], [0.0, 0.0, 0.0, 8.0, 10.0]),
    ("rrelu_", (0.1, 0.3, False), [-0.6, -0.2, 0.0, 0.5, 4.0], [0.4, 0.8, 1.2, 8.0, 10.0]),
])
def test_inplace_forms_write_into_a_non_leaf(name, args, values, grad, inplace_recording):
    x = ae.tensor(X0, dtype=ae.float64, requires_grad=True)
    y = x * 2
    out = getattr(F, name)(y, *args)
    assert out is y and y.grad_fn is not None
    (out * ae.tensor(WEIGHTS, dtype=ae.float64)).sum().backward()
    np.testing.assert_allclose(y.data, values, atol=1e-11)
    np.testing.assert_allclose(x.grad.data, grad, atol=1e-11)


INPLACE = [("relu_", ()), ("elu_", ()), ("leaky_relu_", ()), ("hardtanh_", ()), ("selu_", ()),
           ("celu_", ()), ("threshold_", (0.1, 2.0)), ("rrelu_", (0.1, 0.3, True))]


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_forms_refuse_a_leaf_that_requires_grad(name, args):
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        getattr(F, name)(ae.randn(3, requires_grad=True), *args)


@pytest.mark.parametrize("name,args", INPLACE)
def test_inplace_forms_on_plain_tensors_and_under_no_grad(name, args):
    x = ae.randn(3)
    assert getattr(F, name)(x, *args) is x
    with ae.no_grad():
        leaf = ae.randn(3, requires_grad=True)
        assert getattr(F, name)(leaf, *args) is leaf and leaf.requires_grad


@pytest.mark.parametrize("name", ["elu_", "leaky_relu_", "selu_", "celu_"])
def test_inplace_forms_without_integer_kernels(name):
    with pytest.raises(NotImplementedError):
        getattr(F, name)(ae.arange(3))


def test_relu_and_hardtanh_in_place_on_integers():
    np.testing.assert_array_equal(F.relu_(ae.tensor([-2, 3])).data, [0, 3])
    np.testing.assert_array_equal(F.hardtanh_(ae.tensor([-2, 0, 3])).data, [-1, 0, 1])


def test_hardtanh_in_place_skips_the_bounds_check(inplace_recording):
    # F.hardtanh raises for min_val > max_val; PyTorch's hardtanh_ clamps to max_val instead
    with pytest.raises(ValueError):
        F.hardtanh(ae.randn(3), 2.0, 1.0)
    x = ae.tensor([-3.0, 0.5, 1.5, 3.0], requires_grad=True)
    y = x * 1
    F.hardtanh_(y, 2.0, 1.0)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0, 0.0])


def test_celu_in_place_alpha_zero():
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        F.celu_(ae.randn(3), 0.0)


# -- rrelu --------------------------------------------------------------------------------------
def test_rrelu_eval_is_leaky_relu_with_the_mean_slope():
    x = ae.tensor(X0, dtype=ae.float64, requires_grad=True)
    out = F.rrelu(x, 0.1, 0.3)
    (out * ae.tensor(WEIGHTS, dtype=ae.float64)).sum().backward()
    np.testing.assert_allclose(out.data, [-0.3, -0.1, 0.0, 0.25, 2.0])
    np.testing.assert_allclose(x.grad.data, [0.2, 0.4, 0.6, 4.0, 5.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rrelu_training_slopes_are_drawn_per_element_and_used_by_the_gradient(dtype):
    data = np.linspace(-3, 3, 2001).astype(dtype)
    data[1000] = 0.0
    x = ae.tensor(data, requires_grad=True)
    out = F.rrelu(x, 0.1, 0.3, training=True)
    assert out.dtype == dtype
    out.sum().backward()
    negative, positive = data < 0, data > 0
    slopes = x.grad.data
    np.testing.assert_array_equal(out.data[positive], data[positive])
    np.testing.assert_array_equal(slopes[positive], 1.0)
    assert ((slopes[~positive] >= 0.1) & (slopes[~positive] <= 0.3)).all()
    np.testing.assert_allclose(out.data[negative], data[negative] * slopes[negative],
                               rtol=1e-6)
    assert len(np.unique(slopes[negative])) > 900  # one draw per element
    assert abs(slopes[negative].mean() - 0.2) < 0.01  # U(0.1, 0.3): mean 0.2, sd 0.058
    assert abs(slopes[negative].std() - 0.2 / math.sqrt(12)) < 0.005


def test_rrelu_draws_from_the_library_generator():
    x = ae.randn(100)
    ae.manual_seed(7)
    first = F.rrelu(x, training=True)
    ae.manual_seed(7)
    np.testing.assert_array_equal(F.rrelu(x, training=True).data, first.data)
    assert not np.array_equal(F.rrelu(x, training=True).data, first.data)


def test_rrelu_in_place_and_gradcheck(inplace_recording):
    x = ae.tensor([-1.5, -0.5, 0.3, 0.25, 2.0], dtype=ae.float64, requires_grad=True)
    y = x * 1
    assert F.rrelu_(y, 0.1, 0.3, True) is y and y.grad_fn is not None

    def train(t):  # the same draws on every call
        ae.manual_seed(0)
        return F.rrelu(t, training=True)
    for fn in (F.rrelu, train):
        assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,))


@pytest.mark.parametrize("training", [False, True])
def test_rrelu_errors(training):
    with pytest.raises(RuntimeError, match="Lower bound should be less than or equal"):
        F.rrelu(ae.randn(3), 0.5, 0.1, training)
    with pytest.raises(NotImplementedError):
        F.rrelu(ae.arange(3), training=training)


def test_rrelu_module():
    assert repr(nn.RReLU()) == "RReLU(lower=0.125, upper=0.3333333333333333)"
    assert repr(nn.RReLU(0.1, 0.2, True)) == "RReLU(lower=0.1, upper=0.2, inplace=True)"
    m = nn.RReLU(0.1, 0.3).eval()
    np.testing.assert_allclose(m(ae.tensor([-1.0, 1.0])).data, [-0.2, 1.0])
    out = m.train()(ae.tensor(-np.ones(1000)))
    assert len(np.unique(out.data)) > 900 and (out.data <= -0.1).all()


# -- Softmax2d, channel_shuffle -----------------------------------------------------------------
def test_softmax2d_normalises_the_channels_at_each_position():
    x = ae.tensor([[[[1.0, 2.0], [0.0, -1.0]], [[0.5, 0.0], [3.0, 1.0]]]], dtype=ae.float64)
    expected = [[[[0.622459331202, 0.880797077978], [0.047425873178, 0.119202922022]],
                 [[0.377540668798, 0.119202922022], [0.952574126822, 0.880797077978]]]]
    np.testing.assert_allclose(nn.Softmax2d()(x).data, expected, atol=1e-12)
    np.testing.assert_allclose(nn.Softmax2d()(x[0]).data, expected[0], atol=1e-12)
    assert repr(nn.Softmax2d()) == "Softmax2d()"
    for shape in ((2, 3), (2, 3, 4, 5, 6)):
        with pytest.raises(ValueError, match=f"expected input to be 3D or 4D, got "
                           f"{len(shape)}D instead"):
            nn.Softmax2d()(ae.zeros(*shape))


def test_channel_shuffle_values_gradient_and_module():
    x = ae.tensor(np.arange(12.0).reshape(1, 6, 2), requires_grad=True)
    out = F.channel_shuffle(x, 3)
    np.testing.assert_array_equal(out.data[0, :, 0], [0, 4, 8, 2, 6, 10])  # channels 0 2 4 1 3 5
    (out * ae.tensor(np.arange(12.0).reshape(1, 6, 2))).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, :, 0], [0, 6, 2, 8, 4, 10])  # the inverse
    np.testing.assert_array_equal(F.native_channel_shuffle(x, 3).data, out.data)
    m = nn.ChannelShuffle(2)
    assert repr(m) == "ChannelShuffle(groups=2)"
    np.testing.assert_array_equal(m(ae.arange(8.0).reshape(1, 4, 2)).data,
                                  [[[0, 1], [4, 5], [2, 3], [6, 7]]])
    y = ae.tensor(np.random.default_rng(0).standard_normal((2, 6, 2, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.channel_shuffle(t, 2), (y,))
    assert gradgradcheck(lambda t: F.channel_shuffle(t, 2), (y,))


@pytest.mark.parametrize("shape,groups,dtype", [
    ((0, 6, 2), 2, np.float32), ((2, 0, 2), 2, np.float32), ((2, 6, 0), 2, np.float32),
    ((2, 6, 2, 2, 2, 2), 3, np.float32), ((1, 6, 2), 2, np.int64), ((2, 6, 2), 6, np.bool_)])
def test_channel_shuffle_shapes_and_dtypes(shape, groups, dtype):
    out = F.channel_shuffle(ae.tensor(np.zeros(shape, dtype)), groups)
    assert out.shape == shape and out.dtype == dtype


@pytest.mark.parametrize("shape,groups,exc", [
    ((1, 6), 3, RuntimeError), ((6,), 3, RuntimeError), ((1, 6, 2), 4, RuntimeError),
    ((1, 6, 2), 0, RuntimeError), ((1, 6, 2), -2, RuntimeError), ((1, 6, 2), 2.0, TypeError)])
def test_channel_shuffle_errors(shape, groups, exc):
    for fn in (F.channel_shuffle, F.native_channel_shuffle):
        with pytest.raises(exc):
            fn(ae.zeros(*shape), groups)


# -- feature_alpha_dropout ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype,kept,dropped", [
    (np.float64, 2.175997300629775, -1.0595481589864801),
    (np.float32, 2.175997257232666, -1.059548258781433)])
def test_feature_alpha_dropout_values_per_channel(dtype, kept, dropped):
    ae.manual_seed(0)
    x = ae.tensor(np.full((64, 8, 3), 2.0, dtype), requires_grad=True)
    out = F.feature_alpha_dropout(x, 0.3, True)
    assert out.dtype == dtype
    assert set(np.unique(out.data).tolist()) == {dtype(kept).item(), dtype(dropped).item()}
    assert (out.data == out.data[..., :1]).all()  # one draw per (sample, channel)
    assert abs((out.data[..., 0] == dtype(dropped)).mean() - 0.3) < 0.06
    out.sum().backward()  # d/dx is a on kept channels, 0 on dropped ones
    np.testing.assert_allclose(np.unique(x.grad.data), [0.0, 0.8609526162463561], rtol=1e-6)


def test_feature_alpha_dropout_identity_zeros_and_errors():
    x = ae.randn(4, 3)
    assert F.feature_alpha_dropout(x, 0.5, training=False) is x
    assert F.feature_alpha_dropout(x, 0.0, training=True) is x
    assert F.feature_alpha_dropout(ae.zeros(3), 0.5, training=False).shape == (3,)
    np.testing.assert_array_equal(F.feature_alpha_dropout(ae.ones(3), 1.0, True).data, 0.0)
    out = F.feature_alpha_dropout(ae.arange(6).reshape(2, 3), 1.0, True)
    assert out.dtype == np.int64 and (out.data == 0).all()
    assert F.feature_alpha_dropout(ae.zeros(3, 0), 0.5, True).shape == (3, 0)
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.feature_alpha_dropout(ae.zeros(3), 0.5, True)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        F.feature_alpha_dropout(ae.zeros(3, 2, dtype=ae.int64), 0.5, True)
    for p in (-0.1, 1.2):
        with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
            F.feature_alpha_dropout(x, p, True)
        with pytest.raises(ValueError):
            nn.FeatureAlphaDropout(p)


def test_feature_alpha_dropout_in_place_and_module(inplace_recording):
    x = ae.ones(4, 3, 2, requires_grad=True)
    y = x * 1
    assert F.feature_alpha_dropout(y, 0.5, True, True) is y and y.grad_fn is not None
    m = nn.FeatureAlphaDropout(0.2, True)
    assert repr(m) == "FeatureAlphaDropout(p=0.2, inplace=True)"
    assert repr(nn.FeatureAlphaDropout()) == "FeatureAlphaDropout(p=0.5, inplace=False)"
    z = ae.ones(4, 3, 2)
    assert m(z) is not z  # as PyTorch's module, never in place
    assert m.eval()(z) is z
    ae.manual_seed(3)
    first = nn.FeatureAlphaDropout()(z).data
    ae.manual_seed(3)
    np.testing.assert_array_equal(nn.FeatureAlphaDropout()(z).data, first)


# -- gumbel_softmax -----------------------------------------------------------------------------
def test_gumbel_softmax_soft_samples_and_reproducibility():
    logits = ae.tensor(np.log([[0.1, 0.2, 0.7]] * 2000))
    ae.manual_seed(1)
    y = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(y.data.sum(-1), 1.0, rtol=1e-6)
    # argmax of logits + Gumbel noise is a sample of softmax(logits)
    freq = np.bincount(y.data.argmax(-1), minlength=3) / 2000
    np.testing.assert_allclose(freq, [0.1, 0.2, 0.7], atol=0.04)
    ae.manual_seed(1)
    np.testing.assert_array_equal(F.gumbel_softmax(logits, tau=0.5).data, y.data)


def test_gumbel_softmax_hard_is_one_hot_with_the_soft_gradient():
    logits = ae.tensor([[1.0, 2.0, 0.5], [0.3, 0.2, 0.1]], requires_grad=True)
    weights = ae.tensor([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]])
    ae.manual_seed(4)
    hard = F.gumbel_softmax(logits, tau=0.7, hard=True, dim=1)
    (g_hard,) = ae.autograd.grad((hard * weights).sum(), logits)
    ae.manual_seed(4)
    soft = F.gumbel_softmax(logits, tau=0.7, dim=1)
    (g_soft,) = ae.autograd.grad((soft * weights).sum(), logits)
    assert set(np.unique(hard.data).tolist()) <= {0.0, 1.0}
    np.testing.assert_array_equal(hard.data.sum(1), [1.0, 1.0])
    np.testing.assert_array_equal(hard.data.argmax(1), soft.data.argmax(1))
    np.testing.assert_allclose(g_hard.data, g_soft.data, rtol=1e-6, atol=1e-7)


def test_gumbel_softmax_dims_and_errors():
    ae.manual_seed(0)
    assert F.gumbel_softmax(ae.zeros(()), hard=True).shape == ()
    assert F.gumbel_softmax(ae.zeros(0, 3), hard=True).shape == (0, 3)
    out = F.gumbel_softmax(ae.randn(2, 3, 4), dim=1)
    np.testing.assert_allclose(out.data.sum(1), 1.0, rtol=1e-6)
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated and has no effect."):
        F.gumbel_softmax(ae.zeros(3), eps=1e-5)
    with pytest.raises(RuntimeError, match="dtype must be a floating point"):
        F.gumbel_softmax(ae.zeros(3, dtype=ae.int64))
    with pytest.raises(IndexError):
        F.gumbel_softmax(ae.zeros(3), dim=2)


def test_gumbel_softmax_gradcheck_with_fixed_draws():
    logits = ae.tensor(np.random.default_rng(0).standard_normal((3, 4)), requires_grad=True)

    def fn(t):
        ae.manual_seed(5)
        return F.gumbel_softmax(t, tau=0.8)
    # (hard=True is piecewise constant: its straight-through gradient is checked above)
    assert gradcheck(fn, (logits,)) and gradgradcheck(fn, (logits,))


# -- pdist --------------------------------------------------------------------------------------
PDIST_X = [[0.0, 1.0, 2.0], [1.0, -1.0, 0.5], [3.0, 1.0, 2.0], [0.0, 1.0, 2.0]]


@pytest.mark.parametrize("p,values,grad", [
    (0, [3.0, 1.0, 0.0, 3.0, 3.0, 1.0], [[0.0] * 3] * 4),
    (0.5, [13.242018482667, 3.0, 0.0, 16.428203230276, 13.242018482667, 3.0],
     [[-5.638958433765, 2.573132184971, 2.971197119307],
      [10.36964898745, -26.902894724964, -31.064787022876],
      [19.464101615138, 11.464101615138, 13.237604307034],
      [-24.194792168823, 12.865660924855, 14.855985596535]]),
    (1, [4.5, 3.0, 0.0, 5.5, 4.5, 3.0],
     [[-3.0, 1.0, 1.0], [2.0, -10.0, -10.0], [12.0, 4.0, 4.0], [-11.0, 5.0, 5.0]]),
    (1.5, [3.178052738632, 3.0, 0.0, 3.829493707679, 3.178052738632, 3.0],
     [[-2.560943926373, 0.793294508407, 0.687013196963],
      [0.474954994676, -7.650475614004, -6.625506232761],
      [10.890708563561, 2.890708563561, 2.503427050981],
      [-8.804719631864, 3.966472542036, 3.435065984817]]),
    (2, [2.692582403567, 3.0, 0.0, 3.201562118716, 2.692582403567, 3.0],
     [[-2.371390676354, 0.742781352708, 0.557086014531],
      [-0.270436132093, -6.955468306467, -5.21660122985],
      [10.498780190218, 2.498780190218, 1.874085142663],
      [-7.856953381771, 3.713906763541, 2.785430072656]]),
    (3, [2.313032504591, 3.0, 0.0, 2.685842677472, 2.313032504591, 3.0],
     [[-2.186911717543, 0.747646870171, 0.420551364471],
      [-1.096515905818, -6.7038674321, -3.770925430556],
      [10.217986211074, 2.217986211074, 1.247617243729],
      [-6.934558587714, 3.738234350855, 2.102756822356]]),
    # the max norm's gradient goes whole to each tied coordinate (|-2| and |2| in pair 0-2)
    (math.inf, [2.0, 3.0, 0.0, 2.0, 2.0, 3.0],
     [[-2.0, 1.0, 0.0], [-4.0, -10.0, 0.0], [12.0, 4.0, 0.0], [-6.0, 5.0, 0.0]]),
])
def test_pdist_values_and_gradients(p, values, grad):
    x = ae.tensor(PDIST_X, dtype=ae.float64, requires_grad=True)
    d = F.pdist(x, p)
    (d * ae.arange(1.0, 7.0, dtype=ae.float64)).sum().backward()
    np.testing.assert_allclose(d.data, values, atol=1e-11)
    np.testing.assert_allclose(x.grad.data, grad, atol=1e-9)


@pytest.mark.parametrize("p", [0.5, 1, 2, 3, math.inf])
def test_pdist_gradcheck(p):
    x = ae.tensor(np.random.default_rng(1).standard_normal((4, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.pdist(t, p), (x,))
    assert gradgradcheck(lambda t: F.pdist(t, p), (x,))


def test_pdist_shapes_and_errors():
    assert F.pdist(ae.zeros(1, 3)).shape == (0,) and F.pdist(ae.zeros(0, 3)).shape == (0,)
    np.testing.assert_array_equal(F.pdist(ae.ones(3, 0)).data, [0.0, 0.0, 0.0])
    assert F.pdist(ae.zeros(3, 2), p=ae.tensor(2.0)).dtype == np.float32
    for x, kwargs, match in ((ae.zeros(3), {}, "only supports 2D tensors, got: 1D"),
                             (ae.zeros(2, 3, 4), {}, "got: 3D"),
                             (ae.zeros(3, 2), {"p": -1}, "non-negative p values"),
                             (ae.zeros(3, 2, dtype=ae.int64), {}, "floating-point dtypes")):
        with pytest.raises(RuntimeError, match=match):
            F.pdist(x, **kwargs)


# -- upsample, upsample_nearest, upsample_bilinear ----------------------------------------------
@pytest.mark.parametrize("call,name,expected", [
    (lambda x: F.upsample_bilinear(x, size=3), "upsample_bilinear",
     [[[[0.0, 0.5, 1.0], [1.0, 1.5, 2.0], [2.0, 2.5, 3.0]]]]),
    (lambda x: F.upsample(x, scale_factor=2, mode="bilinear"), "upsample",
     [[[[0.0, 0.25, 0.75, 1.0], [0.5, 0.75, 1.25, 1.5], [1.5, 1.75, 2.25, 2.5],
        [2.0, 2.25, 2.75, 3.0]]]]),
    (lambda x: F.upsample_nearest(x, scale_factor=2), "upsample_nearest",
     [[[[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]]]),
])
def test_upsample_aliases_warn_and_interpolate(call, name, expected):
    with pytest.warns(UserWarning, match=f"`nn.functional.{name}` is deprecated. Use "
                      "`nn.functional.interpolate` instead.") as record:
        out = call(ae.arange(4.0).reshape(1, 1, 2, 2))
    assert record[0].filename == __file__
    np.testing.assert_allclose(out.data, expected)


def test_upsample_aliases_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(
            F.upsample_nearest(ae.arange(3.0).reshape(1, 1, 3), size=5).data,
            [[[0, 0, 1, 1, 2]]])
        with pytest.raises(NotImplementedError, match="bilinear mode needs 4D input"):
            F.upsample_bilinear(ae.arange(4.0).reshape(1, 1, 4), size=3)


# -- nn.Buffer ----------------------------------------------------------------------------------
class _WithBuffers(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(ae.ones(1))
        self.a = nn.Buffer(ae.zeros(2))
        self.b = nn.Buffer(ae.ones(3), persistent=False)
        self.lin = nn.Linear(1, 1)


def test_buffer_tensor():
    b = nn.Buffer(ae.ones(2))
    assert isinstance(b, nn.Buffer) and isinstance(b, ae.Tensor) and b.persistent
    assert repr(b) == repr(ae.ones(2)) and not b.requires_grad
    assert nn.Buffer().shape == (0,)
    x = ae.ones(2, requires_grad=True)
    b = nn.Buffer(x)
    assert b.requires_grad and b.is_leaf and np.shares_memory(b.data, x.data)
    y = x * 2
    b = nn.Buffer(y)
    assert b.requires_grad and b.is_leaf and b.grad_fn is None
    with pytest.raises(TypeError):
        nn.Buffer(ae.ones(2), False)  # persistent is keyword-only
    with pytest.raises(AttributeError):
        nn.Buffer([1.0, 2.0])


def test_buffer_assignment_registers_buffers():
    m = _WithBuffers()
    assert list(m.state_dict()) == ["w", "a", "lin.weight", "lin.bias"]
    assert [n for n, _ in m.named_buffers()] == ["a", "b"]
    assert m.a is m._buffers["a"] and "a" not in m.__dict__
    m.a = ae.ones(2) * 5  # a plain tensor keeps the buffer's persistence
    m.b = ae.ones(3) * 5
    assert list(m.state_dict()) == ["w", "a", "lin.weight", "lin.bias"]
    np.testing.assert_array_equal(m.a.data, [5.0, 5.0])
    m.b = nn.Buffer(ae.ones(3))  # a Buffer brings its own
    assert list(m.state_dict()) == ["w", "a", "b", "lin.weight", "lin.bias"]
    m.a = nn.Buffer(ae.ones(3), persistent=False)
    assert list(m.state_dict()) == ["w", "b", "lin.weight", "lin.bias"]
    m.a = None
    assert m.a is None and [n for n, _ in m.named_buffers()] == ["b"]


def test_buffer_assignment_errors():
    m = _WithBuffers()
    with pytest.raises(TypeError, match="as parameter 'w'"):
        m.w = nn.Buffer(ae.ones(1))
    with pytest.raises(TypeError, match="as child module 'lin'"):
        m.lin = nn.Buffer(ae.ones(1))
    m.z = 5
    with pytest.raises(KeyError, match="attribute 'z' already exists"):
        m.z = nn.Buffer(ae.ones(1))
    with pytest.raises(TypeError, match="as buffer 'b'"):
        m.b = 5

    class Early(nn.Module):
        def __init__(self):
            self.a = nn.Buffer(ae.zeros(2))
    with pytest.raises(AttributeError, match=r"before Module.__init__\(\) call"):
        Early()


def test_buffer_round_trips_state_dict_and_dtype_conversion():
    m = _WithBuffers()
    m.a.data[...] = 3.0
    other = _WithBuffers()
    other.load_state_dict(m.state_dict())
    np.testing.assert_array_equal(other.a.data, [3.0, 3.0])
    other.double()
    assert other.a.dtype == np.float64 and other.b.dtype == np.float64
    del other.a
    assert [n for n, _ in other.named_buffers()] == ["b"]
