"""Diagnostic reductions (``kernels/stats.py``) against their loop twins and numpy."""

import numpy as np
import pytest

from autograd_engine.kernels import reference
from autograd_engine.kernels import stats

SHAPES = [(), (1,), (7,), (3, 5), (2, 3, 4)]


def _array(shape, dtype, seed=0, special=False):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    if special and x.size >= 3:
        flat = x.reshape(-1)
        flat[0], flat[1], flat[2] = np.nan, np.inf, -np.inf
    return x


def _close(got, want, dtype):
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_moments_matches_reference_and_numpy(shape, dtype):
    x = _array(shape, dtype)
    got = stats.moments(x)
    want = reference.moments(x)
    _close(got[:2], want[:2], dtype)
    assert got[2] == want[2] == 0
    wide = x.astype(np.float64)
    _close(got[:2], (wide.sum(), (wide ** 2).sum()), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES + [(1000003,)])
def test_sumsq_matches_reference_and_numpy(shape, dtype):
    x = _array(shape, dtype, seed=3)
    got = stats.sumsq(x)
    if x.size < 1000:
        _close(got, reference.sumsq(x), dtype)
    wide = x.astype(np.float64)
    _close(got, np.dot(wide.reshape(-1), wide.reshape(-1)), dtype)


def test_sumsq_of_huge_float32_values_stays_finite_and_nan_propagates():
    x = np.full(1000, 3e38, np.float32)
    assert stats.sumsq(x) == pytest.approx(1000 * float(np.float32(3e38)) ** 2)
    x[500] = np.nan
    assert np.isnan(stats.sumsq(x))
    assert stats.sumsq(np.array([np.inf, 1.0], np.float32)) == np.inf


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_non_finite_values_are_counted_and_propagate(dtype):
    x = _array((4, 5), dtype, special=True)
    total, squares, bad = stats.moments(x)
    assert bad == reference.moments(x)[2] == 3
    assert np.isnan(total) and np.isnan(squares)
    _, _, bad_units, _ = stats.unit_moments(x.reshape(4, 5, 1), 0.0, 1.0)
    assert bad_units == 3
    _, _, _, counts = stats.unit_moments(np.array([[[np.inf], [0.0], [np.nan]]], dtype), 0.0,
                                         np.nan)
    assert counts.tolist() == [0, 1, 0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_update_sumsq_matches_reference(shape, dtype):
    old = _array(shape, dtype, seed=1)
    new = old + _array(shape, dtype, seed=2) * dtype(0.01)
    got = stats.update_sumsq(new, old)
    _close(got, reference.update_sumsq(new, old), dtype)
    delta = new.astype(np.float64) - old.astype(np.float64)
    _close(got, ((delta ** 2).sum(), (old.astype(np.float64) ** 2).sum()), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,lo,hi", [((6, 4, 1), 0.0, np.nan), ((2, 3, 5), -0.5, 0.5),
                                         ((1, 1, 1), -1.0, 1.0), ((0, 3, 2), 0.0, 1.0)])
def test_unit_moments_matches_reference(shape, lo, hi, dtype):
    x = _array(shape, dtype, seed=3)
    x[x < -0.2] = 0.0  # exact zeros, as a ReLU output has
    total, squares, bad, counts = stats.unit_moments(x, lo, hi)
    r_total, r_squares, r_bad, r_counts = reference.unit_moments(x, lo, hi)
    _close((total, squares), (r_total, r_squares), dtype)
    assert bad == r_bad
    np.testing.assert_array_equal(counts, r_counts)
    assert counts.dtype == np.int64 and counts.shape == (shape[1],)


def test_non_contiguous_inputs_are_handled():
    x = _array((6, 8), np.float32)[:, ::2]
    _close(stats.moments(x)[:2], reference.moments(x)[:2], np.float32)


def test_invalid_inputs_are_rejected_before_dispatch():
    with pytest.raises(TypeError, match="moments: expected float32 or float64, got int64"):
        stats.moments(np.ones(3, np.int64))
    with pytest.raises(ValueError, match=r"update_sumsq: shapes \(3,\) and \(4,\) differ"):
        stats.update_sumsq(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"unit_moments: expected a 3-D .* got shape \(3, 4\)"):
        stats.unit_moments(np.ones((3, 4)), 0.0, 1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sumsq_nonfinite_counts_only_what_is_there(dtype):
    x = _array((6, 7), dtype, seed=4)
    squares, bad = stats.sumsq_nonfinite(x)
    assert bad == 0 and squares == pytest.approx(reference.sumsq(x), rel=1e-6)
    x = _array((6, 7), dtype, seed=4, special=True)
    squares, bad = stats.sumsq_nonfinite(x)
    assert bad == 3 and np.isnan(squares)


def test_float64_overflow_of_the_sum_is_not_counted_as_nonfinite():
    x = np.full(4, 1e200)
    total, squares, bad = stats.moments(x)
    assert squares == np.inf and total == 4e200 and bad == 0
    assert stats.sumsq_nonfinite(x) == (np.inf, 0)
    assert stats.unit_moments(x.reshape(1, 4, 1), 0.0, 1.0)[2] == 0
