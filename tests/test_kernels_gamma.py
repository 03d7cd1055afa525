"""kernels/gamma.py against the naive references of kernels/reference.py, which use other
formulas (power series for I0 and I1; recurrence to 30 and a longer asymptotic series for
the polygamma functions), in float64 and float32, serial and threaded, on views."""
import numpy as np
import pytest

from autograd_engine.kernels import gamma, reference

GRID = np.concatenate([np.linspace(-9.7, 40.0, 397), [1e-8, 0.5, 1.0, 2.0, 10.0, 100.0, 1e4]])
# Away from the poles (the non-positive integers), where both are exact but ill-conditioned.
NEGATIVE = np.linspace(-6.9, -0.1, 35)
# Reference accuracy, not the kernels': PyTorch's trigamma (which the kernel follows step for
# step) stops its asymptotic series early and is good to ~1e-9 near x = 6.5.
RTOL = {"lgamma": 1e-13, "digamma": 1e-12, "trigamma": 1e-9, "i0": 1e-14, "i1": 1e-14}


def _close(actual, expected, rtol, atol=1e-300):
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)


@pytest.mark.parametrize("name", sorted(RTOL))
def test_kernel_matches_reference(name, threaded):
    x = np.concatenate([GRID, NEGATIVE]) if name != "lgamma" else GRID[GRID > 0.01]
    expected = getattr(reference, name)(x)
    _close(getattr(gamma, name)(x), expected, RTOL[name], atol=1e-14)
    threaded()
    _close(getattr(gamma, name)(x[::-1].reshape(-1, 1)), expected[::-1].reshape(-1, 1),
           RTOL[name], atol=1e-14)


def test_lgamma_near_its_roots_and_negative():
    x = np.array([-2.457024738220800, -2.7475, -0.5, -1.5, -3.3, 1.0 + 1e-9, 2.0 - 1e-9])
    _close(gamma.lgamma(x), reference.lgamma(x), 1e-9, atol=1e-15)


@pytest.mark.parametrize("n", [2, 3, 5, 9])
def test_polygamma_matches_reference(n):
    x = np.concatenate([np.linspace(0.05, 40.0, 200), NEGATIVE])
    _close(gamma.polygamma(n, x), reference.polygamma(n, x), 1e-11)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "trigamma", "i0", "i1"])
def test_float32_is_the_rounded_float64_result(name):
    x = np.linspace(0.05, 12.0, 101)
    out = getattr(gamma, name)(x.astype(np.float32))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, getattr(gamma, name)(
        x.astype(np.float32).astype(np.float64)).astype(np.float32))


def test_special_values():
    inf, nan = np.inf, np.nan
    x = np.array([0.0, -0.0, -2.0, inf, -inf, nan])
    np.testing.assert_array_equal(gamma.lgamma(x), [inf, inf, inf, inf, inf, nan])
    np.testing.assert_array_equal(gamma.digamma(x), [-inf, inf, nan, inf, nan, nan])
    np.testing.assert_array_equal(gamma.polygamma(2, x)[[0, 1, 2, 4, 5]],
                                  [-inf, -inf, -inf, -inf, nan])
    np.testing.assert_array_equal(gamma.i0(np.array([0.0, nan])), [1.0, nan])
    np.testing.assert_array_equal(gamma.i1(np.array([0.0, -0.0, nan])), [0.0, 0.0, nan])
    assert gamma.i0(np.array([710.0]))[0] == inf  # exp overflows, as PyTorch's


def test_symmetry_of_the_bessel_functions():
    x = np.linspace(0.0, 30.0, 61)
    np.testing.assert_array_equal(gamma.i0(-x), gamma.i0(x))
    np.testing.assert_array_equal(gamma.i1(-x), -gamma.i1(x))


def test_shapes_views_and_empty():
    x = np.linspace(0.5, 3.0, 24).reshape(2, 3, 4)
    view = x.transpose(2, 0, 1)[:, ::-1]
    np.testing.assert_array_equal(gamma.digamma(view), gamma.digamma(view.copy()))
    assert gamma.i0(np.zeros((0, 3))).shape == (0, 3)


def test_wrong_dtype_and_order_raise():
    with pytest.raises(TypeError, match="digamma"):
        gamma.digamma(np.arange(3))
    with pytest.raises(ValueError, match="n must be >= 2"):
        gamma.polygamma(1, np.ones(2))
