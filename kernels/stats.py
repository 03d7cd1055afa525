"""Fused reductions for training diagnostics: one pass over an array per statistic set.

Sums accumulate in float64 whatever the input dtype. Non-finite values flow into the sums (a
NaN gradient gives a NaN norm, as ``clip_grad_norm_`` reports it) and are counted; the count
costs a second pass only when the sums are not finite, since finite sums prove there is no
NaN/Inf (a NaN or Inf always reaches the sum of squares, and float32 squares cannot overflow
a float64 sum; a float64 overflow just takes the counting pass, which then finds none).
"""
from __future__ import annotations

import math

import numpy as np

from . import config
from .activations import _float_array

# --- loops ---------------------------------------------------------------------------------


def _sums(x):
    total = 0.0
    squares = 0.0
    for i in range(x.size):
        v = np.float64(x[i])
        total += v
        squares += v * v
    return total, squares


def _sumsq(x):
    squares = 0.0
    for i in range(x.size):
        v = np.float64(x[i])
        squares += v * v
    return squares


def _count_nonfinite(x):
    bad = 0
    for i in range(x.size):
        d = x[i] - x[i]  # NaN exactly when x[i] is NaN or +-Inf
        bad += d != d
    return bad


def _update_sumsq(new, old):
    changes = 0.0
    squares = 0.0
    for i in range(new.size):
        o = np.float64(old[i])
        d = np.float64(new[i]) - o
        changes += d * d
        squares += o * o
    return changes, squares


def _unit_moments(x, lo, hi, counts):
    # x is (outer, units, inner); counts[c] gets the entries of unit c at or beyond lo/hi
    total = 0.0
    squares = 0.0
    for a in range(x.shape[0]):
        for c in range(x.shape[1]):
            hits = 0
            for b in range(x.shape[2]):
                v = np.float64(x[a, c, b])
                total += v
                squares += v * v
                hits += (v <= lo) | (v >= hi)
            counts[c] += hits
    return total, squares


def _unit_moments_rows(x, lo, hi, counts):
    # x is (outer, units): the units loop innermost, so LLVM vectorises it (the (N, features)
    # output of a Linear layer; the 3-D loop above would run an inner loop of length 1)
    total = 0.0
    squares = 0.0
    for a in range(x.shape[0]):
        for c in range(x.shape[1]):
            v = np.float64(x[a, c])
            total += v
            squares += v * v
            counts[c] += (v <= lo) | (v >= hi)
    return total, squares


# ``reassoc`` lets LLVM vectorise the sums by reordering them (4x measured); unlike full
# fast-math it assumes nothing about NaN/Inf, so the counts and IEEE results stay exact up to
# the rounding of the summation order. Serial: a parallel reduction measured ~40x slower here
# (thread start-up and the final combine dominate a pass of ~0.3 ms per million elements).
_OPTIONS = dict(error_model="numpy", fastmath={"reassoc", "contract"})
_SUMS = config.jit(**_OPTIONS)(_sums)
_SUMSQ = config.jit(**_OPTIONS)(_sumsq)
_COUNT_NONFINITE = config.jit(error_model="numpy")(_count_nonfinite)
_UPDATE_SUMSQ = config.jit(**_OPTIONS)(_update_sumsq)
_UNIT_MOMENTS = config.jit(**_OPTIONS)(_unit_moments)
_UNIT_MOMENTS_ROWS = config.jit(**_OPTIONS)(_unit_moments_rows)

# --- public wrappers -----------------------------------------------------------------------


def _nonfinite(x: np.ndarray, squares: float) -> int:
    """NaN/Inf count of ``x`` given its float64 sum of squares (0 without a pass if finite)."""
    return 0 if math.isfinite(squares) else int(_COUNT_NONFINITE(x.reshape(-1)))


def moments(x: np.ndarray) -> tuple[float, float, int]:
    """(sum x, sum x^2, count of NaN/Inf) over all elements, sums in float64."""
    x = _float_array("moments", np.asarray(x))
    total, squares = _SUMS(x.reshape(-1))
    return float(total), float(squares), _nonfinite(x, squares)


def sumsq_nonfinite(x: np.ndarray) -> tuple[float, int]:
    """(sum x^2 in float64, count of NaN/Inf): a gradient's squared norm and health."""
    squares = sumsq(x)
    return squares, _nonfinite(np.asarray(x), squares)


def sumsq(x: np.ndarray) -> float:
    """sum x^2 over all elements in float64: the squared 2-norm."""
    x = _float_array("sumsq", np.asarray(x))
    return float(_SUMSQ(x.reshape(-1)))


def update_sumsq(new: np.ndarray, old: np.ndarray) -> tuple[float, float]:
    """(sum (new - old)^2, sum old^2): the squared norms of an update and of the weights
    it was applied to."""
    new = _float_array("update_sumsq", np.asarray(new))
    old = _float_array("update_sumsq", np.asarray(old))
    if new.shape != old.shape:
        raise ValueError(f"update_sumsq: shapes {new.shape} and {old.shape} differ")
    changes, squares = _UPDATE_SUMSQ(new.reshape(-1), old.reshape(-1))
    return float(changes), float(squares)


def unit_moments(x: np.ndarray, lo: float, hi: float) -> tuple[float, float, int, np.ndarray]:
    """x of shape (outer, units, inner): (sum, sum of squares, NaN/Inf count, per-unit count
    of entries with x <= lo or x >= hi). A NaN entry never reaches a bound, and a NaN bound
    is never reached (so ``hi=nan`` counts only ``x <= lo``)."""
    x = _float_array("unit_moments", np.asarray(x))
    if x.ndim != 3:
        raise ValueError(f"unit_moments: expected a 3-D (outer, units, inner) array, got "
                         f"shape {x.shape}")
    counts = np.zeros(x.shape[1], np.int64)
    if x.shape[2] == 1:
        total, squares = _UNIT_MOMENTS_ROWS(x[:, :, 0], float(lo), float(hi), counts)
    else:
        total, squares = _UNIT_MOMENTS(x, float(lo), float(hi), counts)
    return float(total), float(squares), _nonfinite(x, squares), counts
