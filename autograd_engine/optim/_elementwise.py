"""PyTorch's in-place updates written as numpy ufunc calls, for the optimizer code that is not
one fused kernel (Adafactor's factored second moment, LBFGS's directions), and the 0-d state
scalars of NAdam and ASGD.

Python scalars are cast to the array's dtype before they meet it (as PyTorch casts scalar
arguments). Where PyTorch's CPU loops fuse a multiply-add (``lerp``, ``add(alpha=)``), so
does ``fma``: for float32 through float64, where the product is exact and the sum is rounded
twice (a true fused multiply-add differs only when the exact result lies within half a
float64 ulp of a float32 tie); float64 rounds product and sum, so it may differ from
PyTorch's in the last bit. The fused kernels (``autograd_engine.kernels.optim._fma``) round
exactly as ``fma`` does.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..tensor import Tensor


def scalar_tensor(value: float) -> Tensor:
    """A 0-d float32 state scalar (``mu_product``, ``eta``, ``mu``), like PyTorch's."""
    return Tensor(np.array(value, dtype=np.float32))


def fma(a: np.ndarray, b: np.ndarray, c: np.ndarray, out: Optional[np.ndarray] = None
        ) -> np.ndarray:
    """a * b + c rounded once in c's dtype (``a`` or ``b`` may be a scalar of that dtype)."""
    c = np.asarray(c)
    if c.dtype != np.float32:
        return np.add(a * b, c, out=out)
    wide = np.multiply(a, b, dtype=np.float64)  # a float32 product is exact in float64
    wide += c
    if out is None:
        return wide.astype(np.float32)
    np.copyto(out, wide, casting="same_kind")
    return out


def lerp_(a: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``a.lerp_(end, weight)``: a + w (end - a), or end + (w - 1)(end - a) from w = 0.5 on
    (PyTorch's switch, for accuracy)."""
    f = a.dtype.type
    w = f(weight)
    small = abs(w) < 0.5
    fma(w if small else w - f(1), end - a, a if small else end, out=a)


def add_scaled_(a: np.ndarray, alpha: float, x: np.ndarray) -> None:
    """``a.add_(x, alpha=alpha)``."""
    fma(x, a.dtype.type(alpha), a, out=a)
