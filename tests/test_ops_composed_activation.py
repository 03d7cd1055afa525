"""hardtanh, relu6, hardsigmoid, hardswish, mish, softsign, logsigmoid, glu, prelu, selu,
celu, softmin, tanhshrink and their modules: values and kink derivatives as PyTorch 2.13
prints them, gradients to second order, in-place forms, dtypes, errors and reprs."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck

X = np.array([-4.0, -3.0, -2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.9, 3.0, 3.5, 6.0, 7.0, 30.0,
              -30.0])
WEIGHTS = np.linspace(0.5, 1.5, X.size)

# torch 2.13, float64: f(X) and d/dX sum(f(X) * WEIGHTS), kinks included (X hits -3, 0, 3, 6)
TORCH = {
    "hardtanh": (lambda x: F.hardtanh(x, -2.0, 3.0),
                 [-2.0, -2.0, -2.0, -1.0, -0.3, 0.0, 0.4, 1.0, 2.9, 3.0, 3.0, 3.0, 3.0, 3.0, -2.0],
                 [0.0, 0.0, 0.0, 0.7142857143, 0.7857142857, 0.8571428571, 0.9285714286, 1.0,
                  1.0714285714, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
    "relu6": (F.relu6,
              [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.4, 1.0, 2.9, 3.0, 3.5, 6.0, 6.0, 6.0, 0.0],
              [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9285714286, 1.0, 1.0714285714, 1.1428571429,
               1.2142857143, 0.0, 0.0, 0.0, 0.0]),
    "hardswish": (F.hardswish,
                  [-0.0, -0.0, -0.2083333333, -0.3333333333, -0.135, 0.0, 0.2266666667,
                   0.6666666667, 2.8516666667, 3.0, 3.5, 6.0, 7.0, 30.0, -0.0],
                  [0.0, 0.0, -0.2142857143, 0.119047619, 0.3142857143, 0.4285714286,
                   0.5880952381, 0.8333333333, 1.5714285714, 1.1428571429, 1.2142857143,
                   1.2857142857, 1.3571428571, 1.4285714286, 0.0]),
    "mish": (F.mish,
             [-0.0725917408, -0.1456474613, -0.1968162039, -0.3034014614, -0.1511331771, 0.0,
              0.2890305341, 0.8650983883, 2.8842668281, 2.986535005, 3.4939907151,
              5.9999266341, 6.9999883798, 30.0, -0.0],
             [-0.0268866049, -0.053367494, -0.0705494396, 0.0422976828, 0.3209728319,
              0.5142857143, 0.7772305381, 1.0490362201, 1.0974847775, 1.1669793268,
              1.2263548946, 1.2858867521, 1.357172116, 1.4285714286, -0.0]),
    "logsigmoid": (F.logsigmoid,
                   [-4.0181499279, -3.0485873516, -2.5788897343, -1.3132616875, -0.8543552445,
                    -0.6931471806, -0.5130152524, -0.3132616875, -0.0535627762, -0.0485873516,
                    -0.0297504183, -0.0024756851, -0.0009114665, -0.0, -30.0],
                   [0.491006895, 0.5443280725, 0.59409117, 0.522184699, 0.4513476918,
                    0.4285714286, 0.3726471728, 0.2689414214, 0.0558788176, 0.0542009979,
                    0.0355934231, 0.0031790869, 0.0012364266, 0.0, 1.5]),
    "selu": (F.selu,
             [-1.7258986282, -1.6705687288, -1.6137857589, -1.1113307378, -0.4556673154, 0.0,
              0.4202803949, 1.0507009874, 3.0470328633, 3.1521029621, 3.6774534557,
              6.3042059241, 7.3549069115, 31.5210296207, -1.7580993408],
             [0.0161003563, 0.0500174926, 0.092773017, 0.4619775736, 1.0233394486,
              1.5069422922, 0.9756509168, 1.0507009874, 1.1257510579, 1.2008011284,
              1.2758511989, 1.3509012695, 1.42595134, 1.5010014105, 0.0]),
    "celu": (lambda x: F.celu(x, 0.7),
             [-0.697691046, -0.6903653493, -0.6803190382, -0.5322442745, -0.2439926597, 0.0,
              0.4, 1.0, 2.9, 3.0, 3.5, 6.0, 7.0, 30.0, -0.7],
             [0.0016492527, 0.0078650206, 0.0180743519, 0.1711793105, 0.5118449788,
              0.8571428717, 0.9285714286, 1.0, 1.0714285714, 1.1428571429, 1.2142857143,
              1.2857142857, 1.3571428571, 1.4285714286, 0.0]),
    "softsign": (F.softsign,
                 [-0.8, -0.75, -0.7142857143, -0.5, -0.2307692308, 0.0, 0.2857142857, 0.5,
                  0.7435897436, 0.75, 0.7777777778, 0.8571428571, 0.875, 0.9677419355,
                  -0.9677419355],
                 [0.02, 0.0357142857, 0.0524781341, 0.1785714286, 0.4649196957, 0.8571428571,
                  0.4737609329, 0.25, 0.0704423781, 0.0714285714, 0.0599647266, 0.0262390671,
                  0.0212053571, 0.0014865468, 0.0015608741]),
}


@pytest.mark.parametrize("name", sorted(TORCH))
def test_values_and_kink_derivatives_match_pytorch(name):
    fn, values, grads = TORCH[name]
    x = ae.tensor(X, dtype=ae.float64, requires_grad=True)
    y = fn(x)
    (y * ae.tensor(WEIGHTS)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), values, rtol=1e-9, atol=1e-10)
    # celu's grads differ from torch's in the 8th digit (its 1/alpha is a float32 there)
    np.testing.assert_allclose(x.grad.numpy(), grads, rtol=1e-7, atol=1e-10)


def test_hardsigmoid_softmin_tanhshrink_glu_values():
    x = ae.tensor([-4.0, -3.0, 0.0, 1.5, 3.0, 4.0], dtype=ae.float64)
    np.testing.assert_allclose(F.hardsigmoid(x).numpy(), [0, 0, 0.5, 0.75, 1, 1])
    np.testing.assert_allclose(F.softmin(x, 0).numpy(), F.softmax(-x, 0).numpy())
    np.testing.assert_allclose(F.tanhshrink(x).numpy(), x.numpy() - np.tanh(x.numpy()))
    # torch 2.13: glu(arange(12.).reshape(2, 6) / 4 - 1, dim=1)
    z = ae.tensor(np.arange(12.0).reshape(2, 6) / 4 - 1, dtype=ae.float64)
    np.testing.assert_allclose(F.glu(z, 1).numpy(), [
        [-0.43782349911420193, -0.375, -0.28108825044289903],
        [0.38864993058734554, 0.6131808571452327, 0.8519528019683106]], rtol=1e-12)


def test_prelu_per_channel_and_shared_slopes():
    x = ae.tensor(np.array([[-1.0, 2.0, 0.0], [3.0, -0.5, -2.0]]).reshape(2, 1, 3)
                  .repeat(2, axis=1), dtype=ae.float64, requires_grad=True)
    w = ae.tensor([0.25, -0.1], dtype=ae.float64, requires_grad=True)
    y = F.prelu(x, w)
    y.sum().backward()
    # torch 2.13: prelu(x, w) values, x.grad and w.grad for loss y.sum()
    np.testing.assert_allclose(y.detach().numpy(), [[[-0.25, 2.0, 0.0], [0.1, 2.0, -0.0]],
                                                    [[3.0, -0.125, -0.5], [3.0, 0.05, 0.2]]])
    np.testing.assert_allclose(x.grad.numpy(), [[[0.25, 1.0, 0.25], [-0.1, 1.0, -0.1]],
                                                [[1.0, 0.25, 0.25], [1.0, -0.1, -0.1]]])
    np.testing.assert_allclose(w.grad.numpy(), [-3.5, -3.5])
    layer = nn.PReLU()
    assert layer.weight.tolist() == [0.25] and layer(ae.tensor([-2.0, 2.0])).tolist() == [
        -0.5, 2.0]
    assert list(nn.PReLU(3).state_dict()) == ["weight"]
    with pytest.raises(RuntimeError, match="Mismatch of parameter numbers and input channel "
                                           "size. Found parameter numbers = 3 and channel "
                                           "size = 2"):
        nn.PReLU(3)(ae.zeros(4, 2))


def test_composed_activations_second_order():
    x = ae.tensor(np.linspace(-5.0, 5.0, 12).reshape(3, 4) + 0.05, dtype=ae.float64,
                  requires_grad=True)
    w = ae.tensor([0.3, -0.2, 0.1, 0.5], dtype=ae.float64, requires_grad=True)
    for fn in (F.mish, F.softsign, F.logsigmoid, F.hardswish, F.selu, F.tanhshrink,
               lambda x: F.celu(x, 0.5), lambda x: F.glu(x, 1), lambda x: F.softmin(x, 1),
               lambda x: F.hardtanh(x, -2.0, 2.0) * x, lambda x: F.hardsigmoid(x) * x):
        assert gradcheck(fn, (x,)) and gradgradcheck(fn, (x,))
    assert gradgradcheck(lambda x, w: F.prelu(x, w[:1]) * x + F.prelu(x, w) ** 2, (x, w))


def test_in_place_forms_dtypes_and_errors():
    x = ae.tensor([-7.0, 0.5, 8.0])
    assert F.relu6(x, inplace=True) is x and x.tolist() == [0.0, 0.5, 6.0]
    assert nn.Hardswish(inplace=True)(ae.zeros(2)).dtype == np.float32
    assert repr(nn.Hardswish(inplace=True)) == "Hardswish()"
    assert repr(nn.SELU(inplace=True)) == "SELU(inplace=True)"
    assert F.mish(ae.zeros(3)).dtype == np.float32
    with pytest.raises(AssertionError, match=r"max_val \(1.0\) must be greater than min_val"):
        nn.Hardtanh(2.0, 1.0)
    with pytest.raises(RuntimeError, match="glu: Halving dimension must be even, but "
                                           "dimension 1 is size 3"):
        F.glu(ae.zeros(2, 3), 1)
    with pytest.raises(NotImplementedError, match="hardswish: not implemented for 'Long'"):
        F.hardswish(ae.tensor([1, 2]))


def test_reprs_as_pytorch():
    assert [repr(m) for m in (nn.Hardtanh(), nn.ReLU6(inplace=True), nn.Hardsigmoid(),
                              nn.Hardswish(), nn.Mish(), nn.Softsign(), nn.LogSigmoid(),
                              nn.GLU(), nn.PReLU(3), nn.SELU(), nn.CELU(0.7),
                              nn.Softmin(dim=1), nn.Tanhshrink())] == [
        "Hardtanh(min_val=-1.0, max_val=1.0)", "ReLU6(inplace=True)", "Hardsigmoid()",
        "Hardswish()", "Mish()", "Softsign()", "LogSigmoid()", "GLU(dim=-1)",
        "PReLU(num_parameters=3)", "SELU()", "CELU(alpha=0.7)", "Softmin(dim=1)",
        "Tanhshrink()"]
