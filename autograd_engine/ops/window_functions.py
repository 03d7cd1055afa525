"""Window functions, as PyTorch's factories: ``hann_window``, ``hamming_window``,
``blackman_window``, ``bartlett_window`` and ``kaiser_window``.

Each follows PyTorch's sequence of tensor ops (arange, scale, cos, scale, shift), every step
computed in the dtype's arithmetic (float32 for float16) and rounded to the dtype, so
``bartlett_window`` is PyTorch's to the bit and the cosine windows differ only where
PyTorch's vectorised (SLEEF) cosine rounds differently from the correctly rounded one used
here: at most 1 ulp of the cosine. ``kaiser_window`` is computed in float64 (the library's
Cephes I0) and rounded, within a few float32 ulp of PyTorch's float32 Cephes.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..devices import check_cpu
from ..dtypes import get_default_dtype
from ..kernels import gamma as _gamma
from ..tensor import Tensor


def _arithmetic(dtype: np.dtype) -> type:
    """The type PyTorch computes an op on ``dtype`` in (its opmath type)."""
    return np.float64 if dtype == np.float64 else np.float32


def _window(op: str, window_length: Any, periodic: Any, dtype: Any, device: Any,
            requires_grad: bool, compute: Callable[[int, np.dtype], np.ndarray]) -> Tensor:
    """PyTorch's checks and the N = 0 / 1 cases; ``compute(L, dtype)`` gives the symmetric
    window of length L (N + 1 when ``periodic``, whose last value is then dropped)."""
    check_cpu(device, op)
    if isinstance(window_length, bool) or not isinstance(window_length, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'window_length' (position 1) must be int, not "
                        f"{type(window_length).__name__}")
    if not isinstance(periodic, bool):
        raise TypeError(f"{op}(): argument 'periodic' (position 2) must be bool, not "
                        f"{type(periodic).__name__}")
    if window_length < 0:
        raise RuntimeError(f"{op} requires non-negative window_length, got "
                           f"window_length={window_length}")
    dtype = np.dtype(dtype or get_default_dtype())
    if dtype.kind != "f":
        raise RuntimeError(f"{op} expects floating point dtypes, got: {dtype}")
    n = int(window_length)
    if n <= 1:
        return Tensor(np.ones(n, dtype), bool(requires_grad))
    length = n + 1 if periodic else n
    window = compute(length, dtype)
    return Tensor(np.ascontiguousarray(window[:n]), bool(requires_grad))


def _scaled_arange(length: int, dtype: np.dtype, scale: float) -> np.ndarray:
    """arange(length) * scale."""
    return _mul(np.arange(length, dtype=dtype), scale)


def _cos(x: np.ndarray) -> np.ndarray:
    """cos rounded once to x's dtype (from float64, correctly rounded for float32)."""
    return np.cos(x.astype(np.float64)).astype(x.dtype) if x.dtype != np.float64 else np.cos(x)


def _mul(x: np.ndarray, scale: float) -> np.ndarray:
    """x * scale, rounded to x's dtype."""
    kind = _arithmetic(x.dtype)
    return (x.astype(kind) * kind(scale)).astype(x.dtype)


def _add(x: np.ndarray, shift: float) -> np.ndarray:
    """x + shift, rounded to x's dtype."""
    kind = _arithmetic(x.dtype)
    return (x.astype(kind) + kind(shift)).astype(x.dtype)


def _hamming(alpha: float, beta: float) -> Callable[[int, np.dtype], np.ndarray]:
    def compute(length: int, dtype: np.dtype) -> np.ndarray:
        angles = _scaled_arange(length, dtype, math.pi * 2.0 / (length - 1))
        return _add(_mul(_cos(angles), -beta), alpha)
    return compute


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Any = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
    """alpha - beta cos(2 pi n / (L - 1)), L = N + 1 when ``periodic`` (else N)."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   _hamming(alpha, beta))


def hann_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                device: Any = None, requires_grad: bool = False) -> Tensor:
    """0.5 - 0.5 cos(2 pi n / (L - 1)) (``hamming_window`` with alpha = beta = 0.5)."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   _hamming(0.5, 0.5))


def _blackman(length: int, dtype: np.dtype) -> np.ndarray:
    kind = _arithmetic(dtype)
    angles = _scaled_arange(length, dtype, math.pi / (length - 1))
    four = _mul(_cos(_mul(angles, 4)), 0.08)
    two = _mul(_cos(_mul(angles, 2)), 0.5)
    return _add((four.astype(kind) - two.astype(kind)).astype(dtype), 0.42)


def blackman_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    device: Any = None, requires_grad: bool = False) -> Tensor:
    """0.42 - 0.5 cos(2 pi n / (L - 1)) + 0.08 cos(4 pi n / (L - 1))."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   _blackman)


def _bartlett(length: int, dtype: np.dtype) -> np.ndarray:
    window = _scaled_arange(length, dtype, 2.0 / (length - 1))
    half = ((length - 1) >> 1) + 1
    window[half:] = _add(_mul(window[half:], -1), 2)
    return window


def bartlett_window(window_length: int, periodic: bool = True, *, dtype: Any = None,
                    device: Any = None, requires_grad: bool = False) -> Tensor:
    """The triangle 1 - |2 n / (L - 1) - 1|."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   _bartlett)


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta), a = (L - 1) / 2."""
    def compute(length: int, dtype: np.dtype) -> np.ndarray:
        center = (length - 1) / 2.0
        ratio = (np.arange(length, dtype=np.float64) - center) / center
        argument = float(beta) * np.sqrt(np.abs(1.0 - ratio * ratio))
        values = _gamma.i0(argument) / _gamma.i0(np.array([float(beta)]))
        return values.astype(dtype)

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad,
                   compute)
