"""Special functions numpy lacks: erf and erfc, elementwise, from libm (as exact as the
platform's float64 ``erf``; float32 inputs are computed in float64 and rounded)."""
from __future__ import annotations

import math

import numpy as np

from .activations import _unary
from .threads import SplitKernel


def _erf_loop(x, out):
    for i in range(x.size):
        out[i] = math.erf(x[i])


def _erfc_loop(x, out):
    for i in range(x.size):
        out[i] = math.erfc(x[i])


_ERF = SplitKernel(_erf_loop)
_ERFC = SplitKernel(_erfc_loop)


def erf(x: np.ndarray) -> np.ndarray:
    """erf(x) of a float32/float64 array."""
    return _unary(_ERF, "erf", x)


def erfc(x: np.ndarray) -> np.ndarray:
    """1 - erf(x) without cancellation for large x."""
    return _unary(_ERFC, "erfc", x)
