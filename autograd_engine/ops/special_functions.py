"""Gamma-family and Bessel functions (``lgamma``, ``digamma``, ``polygamma``, ``mvlgamma``,
``i0``, ``i1``) on the kernels of kernels/gamma.py, and the composites of ``torch.special``
that PyTorch differentiates by formula (``sinc``, ``entr``, ``ndtr``, ``log_ndtr``,
``ndtri``). Each derivative is another op of the family, so every order differentiates."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..kernels import gamma as _gamma
from ..kernels import special as _special
from ..tensor import Tensor
from .elementwise import _float_input, cos, exp, log, sin, where
from .pointwise import _erfinv, erf

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _kernel(fn: Any, op: str, a: np.ndarray, *args: Any) -> np.ndarray:
    """``fn`` (a float32/float64 kernel) on a float input; integers compute in the default
    dtype, float16 through float32."""
    a = _float_input(op, a)
    if a.dtype == np.float16:
        return fn(*args, a.astype(np.float32)).astype(np.float16)
    return fn(*args, a)


def _zero(g: Tensor) -> Tensor:
    return Tensor(np.zeros((), g.dtype))


def _float_tensor(op: str, a: Any) -> Tensor:
    """``a`` as a float Tensor (integers in the default dtype), for the composed ops."""
    if isinstance(a, Tensor) and a.dtype.kind == "f":
        return a
    values = _float_input(op, a.data if isinstance(a, Tensor) else np.asarray(a))
    return a.to(values.dtype) if isinstance(a, Tensor) else Tensor(values)


@register
class Lgamma(Function):
    """y = log|Gamma(a)|;  da = g digamma(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _kernel(_gamma.lgamma, "lgamma", a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * digamma(a)


@register
class Polygamma(Function):
    """y = psi^(n)(a), the n-th derivative of digamma (n = 0: digamma);
    da = g psi^(n + 1)(a)"""

    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        if n == 0:
            return _kernel(_gamma.digamma, "digamma", a)
        if n == 1:
            return _kernel(_gamma.trigamma, "polygamma", a)
        return _kernel(_gamma.polygamma, "polygamma", a, n)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * Polygamma.apply(a, ctx.n + 1), None


@register
class I0(Function):
    """y = I0(a), the modified Bessel function of order 0;  da = g I1(a)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _kernel(_gamma.i0, "i0", a)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * I1.apply(a)


@register
class I1(Function):
    """y = I1(a);  da = g (I0(a) - y / a), g / 2 at a = 0"""

    @staticmethod
    def forward(ctx, a):
        out = _kernel(_gamma.i1, "i1", a)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        at_zero = a == 0
        ratio = where(at_zero, Tensor(np.full((), 0.5, g.dtype)),
                      I0.apply(a) - out / where(at_zero, 1.0, a))
        return g * ratio


def lgamma(a: Any) -> Tensor:
    """log|Gamma(a)| (inf at the poles 0, -1, -2, ...)."""
    return Lgamma.apply(a)


def digamma(a: Any) -> Tensor:
    """The logarithmic derivative of Gamma: -+inf at +-0, NaN at the negative integers."""
    return Polygamma.apply(a, 0)


def polygamma(n: int, a: Any) -> Tensor:
    """The n-th derivative of digamma (n >= 0)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(a, int(n))


def mvlgamma(a: Any, p: int) -> Tensor:
    """The log of the multivariate gamma function of dimension p,
    sum_j lgamma(a + j / 2) for j = 1 - p .. 0, plus p (p - 1) log(pi) / 4 (PyTorch's order
    of operations; no domain check, as PyTorch 2)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    a = _float_tensor("mvlgamma", a)
    shifts = Tensor(np.arange(-p * 0.5 + 0.5, 0.5, 0.5).astype(a.dtype))
    return lgamma(a.unsqueeze(-1) + shifts).sum(-1) + p * (p - 1) * math.log(math.pi) * 0.25


def i0(a: Any) -> Tensor:
    return I0.apply(a)


def i1(a: Any) -> Tensor:
    return I1.apply(a)


@register
class Sinc(Function):
    """y = sin(pi a) / (pi a), 1 at a = 0;
    da = g (pi a cos(pi a) - sin(pi a)) / (pi a^2), 0 at a = 0 (PyTorch's formula)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("sinc", a)
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = a * a.dtype.type(math.pi)
            return np.where(a == 0, a.dtype.type(1), np.sin(scaled) / scaled)

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        scaled = a * math.pi
        slope = (scaled * cos(scaled) - sin(scaled)) / (scaled * a)
        return where(a == 0, _zero(g), slope) * g


def sinc(a: Any) -> Tensor:
    return Sinc.apply(a)


@register
class Entr(Function):
    """y = -a log(a) (0 at a = 0, -inf for a < 0);  da = -g (1 + log(a))"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("entr", a)
        ctx.save_for_backward(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(a > 0, -a * np.log(np.where(a > 0, a, 1)), 0).astype(a.dtype)
        out[a < 0] = -np.inf
        out[np.isnan(a)] = np.nan
        return out

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return -g * (log(a) + 1.0)


def entr(a: Any) -> Tensor:
    return Entr.apply(a)


def ndtr(a: Any) -> Tensor:
    """The standard normal CDF, (1 + erf(a / sqrt 2)) / 2."""
    return (erf(_float_tensor("ndtr", a) * math.sqrt(0.5)) + 1.0) * 0.5


@register
class LogNdtr(Function):
    """y = log(ndtr(a)), accurate in both tails;  da = g exp(-a^2 / 2 - y) / sqrt(2 pi)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("log_ndtr", a)
        x = a.astype(np.float64)
        t = x * math.sqrt(0.5)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            upper = np.log1p(-_special.erfc(t) / 2)
            out = np.where(x < -1, _log_half_erfc(-np.minimum(t, 0)), upper).astype(a.dtype)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        return g / _SQRT_2PI * exp(-(out + a * a / 2.0))


def _log_half_erfc(u: np.ndarray) -> np.ndarray:
    """log(erfc(u) / 2) for u >= 0: erfc itself up to u = 26, then u^2 below 0 from the
    asymptotic series of erfcx(u) = exp(u^2) erfc(u)."""
    near = np.minimum(u, 26.0)
    direct = np.log(_special.erfc(near) / 2)
    far = np.maximum(u, 26.0)
    inv = 1.0 / (2.0 * far * far)
    series, term = np.ones_like(far), np.ones_like(far)
    for k in range(1, 12):
        term = -term * (2 * k - 1) * inv
        series = series + term
    asymptotic = np.log(series / (far * math.sqrt(math.pi)) / 2) - far * far
    return np.where(u <= 26.0, direct, asymptotic)


def log_ndtr(a: Any) -> Tensor:
    return LogNdtr.apply(a)


@register
class Ndtri(Function):
    """y = ndtr^-1(a) on [0, 1] (-+inf at 0 and 1, NaN outside);
    da = g sqrt(2 pi) exp(y^2 / 2)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("ndtri", a)
        out = _ndtri(a.astype(np.float64)).astype(a.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * _SQRT_2PI * exp(out * out / 2.0)


def _ndtri(p: np.ndarray) -> np.ndarray:
    """The lower half from a start (erfinv, or the tail asymptote below 1e-8) refined by
    Newton steps on the lower-tail CDF erfc(-x / sqrt 2) / 2; the upper half by symmetry."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = np.minimum(p, 1.0 - p)  # the tail probability
        inner = (q > 0) & (q <= 0.5)
        qs = np.where(inner, q, 0.25)
        ln = -2.0 * np.log(qs)
        tail = -np.sqrt(ln - np.log(ln) - math.log(2 * math.pi))
        x = np.where(qs < 1e-8, tail, math.sqrt(2.0) * _erfinv(2.0 * qs - 1.0))
        for _ in range(4):
            cdf = _special.erfc(-x * math.sqrt(0.5)) / 2
            x = x - (cdf - qs) * _SQRT_2PI * np.exp(x * x / 2)
        x = np.where(p > 0.5, -x, x)
        x = np.where(q == 0.5, 0.0, x)
        x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
        return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


def ndtri(a: Any) -> Tensor:
    return Ndtri.apply(a)
