"""The pointwise ops added for PyTorch parity, checked against torch: values, dtypes (integer
inputs too) and gradients, domain edges included."""
import math

import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")

X = [-math.inf, -2.0, -1.0, -0.5, 0.0, 0.3, 1.0, 2.0, math.inf, math.nan]
UNARY = ("erf erfc erfinv log2 log10 exp2 tan atan asin acos sinh cosh asinh acosh atanh "
         "logit nan_to_num").split()
BINARY = "atan2 hypot logaddexp xlogy".split()


@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_gradients(name):
    x = ae.tensor(X, dtype=np.float64, requires_grad=True)
    tx = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    y, ty = getattr(ae, name)(x), getattr(torch, name)(tx)
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", UNARY + ["isnan", "isinf", "isfinite", "isposinf",
                                          "isneginf"])
@pytest.mark.parametrize("data", [[1, 0, -3], [True, False], [0.5, -0.25]])
def test_unary_dtypes(name, data):
    if name in ("erfinv", "logit", "nan_to_num") and data == [1, 0, -3]:
        data = [1, 0, -1]
    y, ty = getattr(ae, name)(ae.tensor(data)), getattr(torch, name)(torch.tensor(data))
    assert y.dtype == np.dtype(str(ty.dtype).replace("torch.", ""))
    np.testing.assert_allclose(y.numpy().astype(np.float64), ty.numpy().astype(np.float64),
                               rtol=1e-6)


@pytest.mark.parametrize("name", BINARY)
def test_binary_values_and_gradients(name):
    rng = np.random.default_rng(0)
    a = rng.uniform(-2, 2, (3, 4))
    b = rng.uniform(0.1, 2, (4,))
    a[0, :2] = 0.0
    edges_a, edges_b = [0.0, 0.0, math.inf, -math.inf, math.nan], [0.0, -1.0, math.inf, 1.0, 2.0]
    for pa, pb in ((a, b), (np.array(edges_a), np.array(edges_b))):
        x = ae.tensor(pa, dtype=np.float64, requires_grad=True)
        z = ae.tensor(pb, dtype=np.float64, requires_grad=True)
        tx = torch.tensor(pa, dtype=torch.float64, requires_grad=True)
        tz = torch.tensor(pb, dtype=torch.float64, requires_grad=True)
        y, ty = getattr(ae, name)(x, z), getattr(torch, name)(tx, tz)
        y.sum().backward()
        ty.sum().backward()
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
        np.testing.assert_allclose(z.grad.numpy(), tz.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["atan2", "xlogy"])
def test_binary_integer_dtypes(name):
    y = getattr(ae, name)(ae.tensor([1, 2]), ae.tensor([3, 1]))
    ty = getattr(torch, name)(torch.tensor([1, 2]), torch.tensor([3, 1]))
    assert y.dtype == np.float32 and ty.dtype == torch.float32
    np.testing.assert_allclose(y.numpy(), ty.numpy(), rtol=1e-6)


def test_logit_eps_gradient():
    data = [0.0, 0.1, 0.5, 0.9, 1.0]
    x = ae.tensor(data, dtype=np.float64, requires_grad=True)
    tx = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    x.logit(eps=0.25).sum().backward()
    tx.logit(eps=0.25).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("mode", ["trunc", "floor"])
@pytest.mark.parametrize("data,divisor", [([-7, -3, 3, 7, 0], 2), ([-7, 7], -3),
                                          ([-3.5, 3.5, 1.0, -1.0], 2.0), ([1.0, -1.0], 0.0)])
def test_div_rounding_mode(mode, data, divisor):
    y = ae.div(ae.tensor(data), divisor, rounding_mode=mode)
    ty = torch.div(torch.tensor(data), divisor, rounding_mode=mode)
    assert y.dtype == np.dtype(str(ty.dtype).replace("torch.", ""))
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_bitwise_operators():
    a, b = [5, -2, 0, 7], [3, 1, 6, -8]
    x, z, tx, tz = ae.tensor(a), ae.tensor(b), torch.tensor(a), torch.tensor(b)
    for fn in (lambda p, q: p & q, lambda p, q: p | q, lambda p, q: p ^ q, lambda p, q: ~p,
               lambda p, q: p << 2, lambda p, q: p >> 1, lambda p, q: 3 ^ p, lambda p, q: 1 | p):
        np.testing.assert_array_equal(fn(x, z).numpy(), fn(tx, tz).numpy())
    m, n = [True, False, True], [True, True, False]
    for fn in (lambda p, q: p & q, lambda p, q: p | q, lambda p, q: p ^ q, lambda p, q: ~p):
        assert fn(ae.tensor(m), ae.tensor(n)).tolist() == fn(torch.tensor(m),
                                                             torch.tensor(n)).tolist()
