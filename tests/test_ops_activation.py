"""Activations: values, first and second derivatives against PyTorch, edge semantics at 0 and
NaN, dtypes and errors. Gradient checks of every op live in tests/cases/activation.py."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.autograd import grad

X = [-3.0, -1.0, -0.5, 0.0, 0.25, 1.0, 2.5, 25.0]

# name -> (y, dy/dx, d2y/dx2) at X in float64, from torch 2.13 (autograd of y.sum()).
TORCH = {'elu': ([-0.950212931632136, -0.6321205588285577, -0.3934693402873666, 0.0, 0.25, 1.0,
                  2.5, 25.0],
                 [0.049787068367863944, 0.36787944117144233, 0.6065306597126334, 1.0, 1.0, 1.0,
                  1.0, 1.0],
                 [0.049787068367863944, 0.36787944117144233, 0.6065306597126334, 0.0, 0.0, 0.0,
                  0.0, 0.0]),
         'elu_a05': ([-0.475106465816068, -0.31606027941427883, -0.1967346701436833, 0.0, 0.25,
                      1.0, 2.5, 25.0],
                     [0.024893534183931972, 0.18393972058572117, 0.3032653298563167, 0.5, 1.0,
                      1.0, 1.0, 1.0],
                     [0.024893534183931972, 0.18393972058572117, 0.3032653298563167, 0.0, 0.0,
                      0.0, 0.0, 0.0]),
         'gelu': ([-0.00404969409489031, -0.15865525393145702, -0.15426876936299344, 0.0,
                   0.14967658142073093, 0.841344746068543, 2.4844758366855597, 25.0],
                  [-0.01194564720418392, -0.08331547058768635, 0.13250487534383712, 0.5,
                   0.695373354883636, 1.0833154705876864, 1.037611085908145, 1.0],
                  [-0.031022938883566054, 0.24197072451914337, 0.616114321837524,
                   0.7978845608028654, 0.7491694763055204, 0.24197072451914337,
                   -0.07449527709766628, -4.768398225789282e-134]),
         'gelu_tanh': ([-0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0.0,
                        0.149675350701685, 0.8411919906082768, 2.484915733910001, 25.0],
                       [-0.011584166630969648, -0.08296408384578252, 0.13263009646535764, 0.5,
                        0.6953540951510604, 1.0829640838457826, 1.037951576212666, 1.0],
                       [-0.03176765888607492, 0.24214819798377296, 0.615506895115985,
                        0.7978845608028654, 0.7489486142236504, 0.24214819798377296,
                        -0.07624539207361294, 0.0]),
         'leaky_relu': ([-0.6000000000000001, -0.2, -0.1, 0.0, 0.25, 1.0, 2.5, 25.0],
                        [0.2, 0.2, 0.2, 0.2, 1.0, 1.0, 1.0, 1.0],
                        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
         'relu': ([0.0, 0.0, 0.0, 0.0, 0.25, 1.0, 2.5, 25.0],
                  [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0],
                  [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
         'sigmoid': ([0.04742587317756678, 0.2689414213699951, 0.3775406687981454, 0.5,
                      0.5621765008857981, 0.7310585786300049, 0.9241418199787566,
                      0.999999999986112],
                     [0.04517665973091214, 0.19661193324148185, 0.2350037122015945, 0.25,
                      0.24613408273759835, 0.19661193324148185, 0.07010371654510807,
                      1.3888001859448131e-11],
                     [0.040891574660943474, 0.09085774767294841, 0.05755679485232075, 0.0,
                      -0.03060751202671876, -0.09085774767294841, -0.05946783584543401,
                      -1.3888001859062378e-11]),
         'silu': ([-0.14227761953270035, -0.2689414213699951, -0.1887703343990727, 0.0,
                   0.14054412522144952, 0.7310585786300049, 2.3103545499468914,
                   24.9999999996528],
                  [-0.08810410601516962, 0.07232948812851325, 0.2600388126973482, 0.5,
                   0.6237100215701977, 0.9276705118714869, 1.0994011113415267,
                   1.000000000333312],
                  [-0.032321404521006174, 0.3023661188100153, 0.44122902697702865, 0.5,
                   0.48461628746851704, 0.3023661188100153, -0.008462156523368874,
                   -3.194240427576632e-10]),
         'softplus': ([0.04858735157374206, 0.31326168751822286, 0.4740769841801067,
                       0.6931471805599453, 0.8259394198788436, 1.3132616875182228,
                       2.5788897342925496, 25.0],
                      [0.04742587317756679, 0.2689414213699951, 0.37754066879814546, 0.5,
                       0.5621765008857981, 0.7310585786300049, 0.9241418199787564, 1.0],
                      [0.04517665973091214, 0.19661193324148185, 0.2350037122015945, 0.25,
                       0.24613408273759835, 0.19661193324148185, 0.07010371654510807, 0.0]),
         'softplus_b2_t3': ([0.0012378425688652247, 0.06346400552148625, 0.15663084375911143,
                             0.34657359027997264, 0.48703849209005334, 1.0634640055214863, 2.5,
                             25.0],
                            [0.0024726231566347748, 0.11920292202211755, 0.2689414213699951,
                             0.5, 0.6224593312018546, 0.8807970779778824, 1.0, 1.0],
                            [0.004933018582720096, 0.209987170807013, 0.3932238664829637, 0.5,
                             0.470007424403189, 0.20998717080701323, 0.0, 0.0]),
         'tanh': ([-0.9950547536867305, -0.7615941559557649, -0.4621171572600098, 0.0,
                   0.24491866240370913, 0.7615941559557649, 0.9866142981514303, 1.0],
                  [0.009866037165440166, 0.41997434161402614, 0.7864477329659274, 1.0,
                   0.940014848806378, 0.41997434161402614, 0.02659222668316057, 0.0],
                  [0.019634494363042387, 0.6397000084492246, 0.7268619813835874, -0.0,
                   -0.46045435881856595, -0.6397000084492246, -0.052472542130580405, -0.0])}

FUNCTIONS = {
    "relu": F.relu, "leaky_relu": lambda t: F.leaky_relu(t, 0.2), "sigmoid": F.sigmoid,
    "tanh": F.tanh, "gelu": F.gelu, "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "silu": F.silu, "softplus": F.softplus,
    "softplus_b2_t3": lambda t: F.softplus(t, beta=2.0, threshold=3.0),
    "elu": F.elu, "elu_a05": lambda t: F.elu(t, alpha=0.5),
}

# float32 forward values at X, from torch 2.13.
TORCH_FLOAT32 = {'elu': [-0.9502129554748535, -0.6321205496788025, -0.39346933364868164, 0.0,
                         0.25, 1.0, 2.5, 25.0],
                 'elu_a05': [-0.47510647773742676, -0.31606027483940125, -0.19673466682434082,
                             0.0, 0.25, 1.0, 2.5, 25.0],
                 'gelu': [-0.004050225019454956, -0.15865525603294373, -0.1542687714099884, 0.0,
                          0.14967657625675201, 0.8413447141647339, 2.48447585105896, 25.0],
                 'gelu_tanh': [-0.0036374330520629883, -0.15880799293518066,
                               -0.1542859971523285, 0.0, 0.14967535436153412,
                               0.8411920070648193, 2.4849157333374023, 25.0],
                 'leaky_relu': [-0.6000000238418579, -0.20000000298023224, -0.10000000149011612,
                                0.0, 0.25, 1.0, 2.5, 25.0],
                 'relu': [0.0, 0.0, 0.0, 0.0, 0.25, 1.0, 2.5, 25.0],
                 'sigmoid': [0.04742587357759476, 0.2689414322376251, 0.3775406777858734, 0.5,
                             0.562176525592804, 0.7310585975646973, 0.9241418242454529, 1.0],
                 'silu': [-0.14227761328220367, -0.2689414322376251, -0.1887703388929367, 0.0,
                          0.140544131398201, 0.7310585975646973, 2.310354471206665, 25.0],
                 'softplus': [0.04858735203742981, 0.3132616877555847, 0.4740769863128662,
                              0.6931471824645996, 0.825939416885376, 1.31326162815094,
                              2.578889846801758, 25.0],
                 'softplus_b2_t3': [0.0012378426035866141, 0.06346400082111359,
                                    0.15663084387779236, 0.3465735912322998, 0.4870384931564331,
                                    1.0634640455245972, 2.5, 25.0],
                 'tanh': [-0.9950547814369202, -0.7615941762924194, -0.46211716532707214, 0.0,
                          0.24491865932941437, 0.7615941762924194, 0.9866142868995667, 1.0]}


def _derivatives(fn, dtype=np.float64):
    x = ae.tensor(np.array(X, dtype), requires_grad=True)
    y = fn(x)
    (dy,) = grad(y.sum(), x, create_graph=True)
    (d2y,) = grad(dy.sum(), x, allow_unused=True) if dy.requires_grad else (None,)
    return y, dy, d2y


@pytest.mark.parametrize("name", sorted(TORCH))
def test_values_and_derivatives_match_torch(name):
    y, dy, d2y = _derivatives(FUNCTIONS[name])
    y_ref, dy_ref, d2y_ref = TORCH[name]
    np.testing.assert_allclose(y.data, y_ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dy.data, dy_ref, rtol=1e-12, atol=1e-15)
    d2y = np.zeros(len(X)) if d2y is None else d2y.data
    np.testing.assert_allclose(d2y, d2y_ref, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("name", sorted(TORCH_FLOAT32))
def test_float32_values_match_torch(name):
    y = FUNCTIONS[name](ae.tensor(np.array(X, np.float32)))
    assert y.dtype == np.float32
    # atol: float32 erf approximations differ by a few 1e-7 (torch is off by 5e-7 at -3)
    np.testing.assert_allclose(y.data, TORCH_FLOAT32[name], rtol=2e-6, atol=6e-7)


def test_kinks_take_pytorch_branch():
    x = ae.tensor([0.0, 0.0], dtype=np.float64, requires_grad=True)
    for fn, expected in [(F.relu, 0.0), (lambda t: F.leaky_relu(t, 0.2), 0.2),
                         (lambda t: F.elu(t, alpha=2.0), 2.0)]:
        (g,) = grad(fn(x).sum(), x)
        np.testing.assert_array_equal(g.data, [expected, expected])


# (forward at [nan, 0, -1], gradient of the sum) in float32, from torch 2.13.
NAN_CASES = {
    "relu": ([np.nan, 0.0, 0.0], [1.0, 0.0, 0.0]),
    "leaky_relu": ([np.nan, 0.0, -0.009999999776482582], [0.01, 0.01, 0.01]),
    "elu": ([np.nan, 0.0, -0.6321205496788025], [1.0, 1.0, 0.3678794503211975]),
    "softplus": ([np.nan, 0.6931471824645996, 0.3132616877555847], [np.nan, 0.5,
                                                                     0.2689414322376251]),
    "gelu": ([np.nan, 0.0, -0.15865525603294373], [np.nan, 0.5, -0.08331543207168579]),
    "silu": ([np.nan, 0.0, -0.2689414322376251], [np.nan, 0.5, 0.07232948392629623]),
}


@pytest.mark.parametrize("name", sorted(NAN_CASES))
def test_nan_propagates_as_torch(name):
    x = ae.tensor([np.nan, 0.0, -1.0], requires_grad=True)
    y = getattr(F, name)(x)
    (g,) = grad(y.sum(), x)
    y_ref, g_ref = NAN_CASES[name]
    np.testing.assert_allclose(y.data, y_ref, rtol=1e-6)
    np.testing.assert_allclose(g.data, g_ref, rtol=1e-6)


@pytest.mark.parametrize("fn", [F.sigmoid, F.tanh, lambda t: F.softmax(t, 0),
                                lambda t: F.log_softmax(t, 0)])
def test_nan_propagates_through_smooth_ops(fn):
    assert np.isnan(fn(ae.tensor([np.nan, 1.0])).data[0])


# softmax / log_softmax of [[1, 2, 3, -1], [0.5, 0.5, -2, 4]] along each dim, and the
# gradient of sum(y * W); from torch 2.13.
SOFTMAX_X = [[1.0, 2.0, 3.0, -1.0], [0.5, 0.5, -2.0, 4.0]]
SOFTMAX_W = [[0.3, -1.0, 2.0, 0.5], [1.0, 0.0, -0.5, 0.25]]
SOFTMAX = {('log_softmax', 0): ([[-0.4740769841801067, -0.20141327798275246,
                                  -0.006715348489117967, -5.006715348489118],
                                 [-0.9740769841801067, -1.7014132779827524, -5.006715348489118,
                                  -0.006715348489117967]],
                                [[-0.509197130562411, -0.18242552380635635, 0.5100392763864271,
                                  0.49498036180678634],
                                 [0.509197130562411, 0.18242552380635635, -0.5100392763864273,
                                  -0.49498036180678645]]),
           ('log_softmax', 1): ([[-2.4197166463153397, -1.4197166463153397, -0.4197166463153396,
                                  -4.419716646315339],
                                 [-3.560976107352324, -3.560976107352324, -6.060976107352324,
                                  -0.06097610735232398]],
                                [[0.13989572886467228, -1.4352085308858413, 0.8169805589026603,
                                  0.47833224311850897],
                                 [0.97869169081605, -0.021308309183949978, -0.5017490925300422,
                                  -0.45563428910205783]]),
           ('softmax', 0): ([[0.6224593312018546, 0.8175744761936437, 0.9933071490757153,
                              0.006692850924284856],
                             [0.37754066879814546, 0.18242552380635632, 0.006692850924284856,
                              0.9933071490757153]],
                            [[-0.16450259854111618, -0.14914645207033286, 0.016620141676975193,
                              0.0016620141676975387],
                             [0.16450259854111612, 0.14914645207033284, -0.01662014167697539,
                              -0.0016620141676975634]]),
           ('softmax', 1): ([[0.0889468172974043, 0.24178251715880075, 0.6572330228318554,
                              0.012037642711939448],
                             [0.02841107891193331, 0.02841107891193331, 0.002332123373389526,
                              0.9408457188027438]],
                            [[-0.07163655653433641, -0.5090456221871068, 0.5879696038477253,
                              -0.007287425126282145],
                             [0.020954408087375233, -0.0074566708245580775,
                              -0.0017781425010674793, -0.011719594761749677]])}


@pytest.mark.parametrize("name,dim", sorted(SOFTMAX))
def test_softmax_matches_torch(name, dim):
    x = ae.tensor(np.array(SOFTMAX_X), requires_grad=True)
    y = getattr(F, name)(x, dim)
    (g,) = grad((y * ae.tensor(np.array(SOFTMAX_W))).sum(), x)
    y_ref, g_ref = SOFTMAX[(name, dim)]
    np.testing.assert_allclose(y.data, y_ref, rtol=1e-12)
    np.testing.assert_allclose(g.data, g_ref, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_is_stable_for_huge_logits(dtype):
    logits = np.array([[1e4, -1e4, 0.0, 9999.0], [-1e4, -1e4, -1e4, -1e4]])
    shifted = logits - logits.max(1, keepdims=True)
    ref_log = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    x = ae.tensor(logits.astype(dtype))
    log_p, p = F.log_softmax(x, 1), F.softmax(x, 1)
    assert np.isfinite(log_p.data).all() and np.isfinite(p.data).all()
    np.testing.assert_allclose(log_p.data, ref_log, rtol=1e-6)
    np.testing.assert_allclose(p.data, np.exp(ref_log), rtol=1e-6, atol=1e-30)


def test_softmax_implicit_dim_warns_and_uses_pytorch_choice():
    x = ae.tensor(np.array(SOFTMAX_X))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = F.softmax(x)
    np.testing.assert_allclose(y.data.sum(1), [1.0, 1.0])


def test_softmax_of_0d_is_one():
    assert F.softmax(ae.tensor(3.0), 0).item() == 1.0
    assert F.log_softmax(ae.tensor(3.0), -1).item() == 0.0


def test_softmax_dim_out_of_range():
    with pytest.raises(IndexError, match="softmax.*Dimension out of range"):
        F.softmax(ae.tensor(np.ones((2, 3))), 2)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", ["relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu",
                                  "softplus", "elu"])
def test_dtype_is_kept(name, dtype):
    x = ae.tensor(np.linspace(-2, 2, 5).astype(dtype), requires_grad=True)
    y = getattr(F, name)(x)
    y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def test_integer_inputs():
    ints = ae.tensor(np.array([1, -2, 0]))
    relu = F.relu(ints)  # PyTorch's relu keeps integers
    assert relu.dtype == np.int64 and relu.tolist() == [1, 0, 0]
    for fn in (F.sigmoid, F.tanh):  # unary float ops compute in float32
        assert fn(ints).dtype == np.float32
    for name in ("leaky_relu", "gelu", "silu", "softplus", "elu"):
        with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
            getattr(F, name)(ints)
    with pytest.raises(NotImplementedError, match="softmax: not implemented for 'Long'"):
        F.softmax(ints, 0)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(RuntimeError, match="gelu: approximate argument must be either none or "
                                           "tanh"):
        F.gelu(ae.tensor([1.0]), approximate="sigmoid")


def test_inplace(inplace_recording):
    x = ae.tensor([-1.0, 2.0])
    assert F.relu(x, inplace=True) is x and x.tolist() == [0.0, 2.0]
    leaf = ae.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        F.relu(leaf, inplace=True)
    hidden = leaf * 2.0  # in the graph: hidden becomes elu's output, as in PyTorch
    out = F.elu(hidden, inplace=True)
    assert out is hidden and hidden.grad_fn.name() == "EluBackward0"
    out.sum().backward()
    np.testing.assert_allclose(hidden.data, [np.expm1(-2.0), 4.0])
    np.testing.assert_allclose(leaf.grad.data, [2 * np.exp(-2.0), 2.0])


def test_relu_keeps_its_output_not_its_input():
    """As PyTorch: relu's backward reads its output, so the pre-activation is freed after
    the forward (half the activation memory of an MLP), and writing into the output before
    the backward is the stale-saved-tensor error."""
    import tracemalloc

    x = ae.randn(256, 512, requires_grad=True)
    F.relu(x * 2.0).sum().backward()  # first calls load kernels: not part of the count
    x.grad = None
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        hidden = x * 2.0  # 512 KiB that only relu's graph node could keep alive
        y = F.relu(hidden)
        del hidden
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert y.data.nbytes <= kept < 1.5 * y.data.nbytes
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, 2.0 * (x.data > 0))

    z = F.relu(ae.tensor([-1.0, 2.0], requires_grad=True) * 1.0)
    with ae.no_grad():
        z.mul_(3.0)
    with pytest.raises(RuntimeError, match="Relu"):
        z.sum().backward()


def test_methods_and_top_level_names():
    x = ae.tensor(np.array(SOFTMAX_X))
    np.testing.assert_array_equal(x.relu().data, ae.relu(x).data)
    np.testing.assert_array_equal(x.softmax(1).data, ae.softmax(x, 1).data)
    np.testing.assert_array_equal(x.log_softmax(0).data, ae.log_softmax(x, 0).data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(x.sigmoid().data, ae.sigmoid(x).data)
        np.testing.assert_array_equal(x.tanh().data, ae.tanh(x).data)


def test_third_order_through_fused_gradient_ops():
    x = ae.tensor([-0.7, 0.3, 1.2], dtype=np.float64, requires_grad=True)
    (d1,) = grad(F.silu(x).sum(), x, create_graph=True)
    (d2,) = grad(d1.sum(), x, create_graph=True)
    (d3,) = grad(d2.sum(), x)
    s = 1 / (1 + np.exp(-x.data))  # silu''' = s(1-s)(3 - 6s + x(1 - 6s + 6s^2))
    expected = s * (1 - s) * (3 - 6 * s + x.data * (1 - 6 * s + 6 * s * s))
    np.testing.assert_allclose(d3.data, expected, rtol=1e-10)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_softmax_along_an_inner_dim_is_c_contiguous_so_it_can_be_viewed(name):
    """As PyTorch's result (the kernel works along the last axis and moves it back)."""
    x = ae.randn(2, 3, 4, requires_grad=True)
    y = getattr(F, name)(x, 1)
    assert y.data.flags.c_contiguous and y.view(-1).shape == (24,)
    y.backward(ae.ones(2, 3, 4))
    assert x.grad.data.flags.c_contiguous
