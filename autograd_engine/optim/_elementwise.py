"""Base for optimizers whose update is a few numpy ufunc calls per parameter.

Each subclass writes PyTorch's single-tensor update (``torch.optim._single_tensor_*``) op by
op in the parameter's dtype: Python scalars are cast to that dtype before they meet an array
(as PyTorch casts scalar arguments), and ``c / t`` on a tensor ``t`` is ``reciprocal(t) * c``
(PyTorch's ``Tensor.__rtruediv__``). Where PyTorch's CPU loops fuse a multiply-add (``lerp``,
``add(alpha=)``, ``addcmul``), so does ``fma``: exactly for float32 (through float64), so
float32 updates match PyTorch's bit for bit; float64 ones may differ in the last bit.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer


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


def mul_add_square_(a: np.ndarray, keep: float, g: np.ndarray) -> None:
    """``a.mul_(keep).addcmul_(g, g, value=1 - keep)``."""
    f = a.dtype.type
    a *= f(keep)
    fma(f(1 - keep) * g, g, a, out=a)


def add_scaled_(a: np.ndarray, alpha: float, x: np.ndarray) -> None:
    """``a.add_(x, alpha=alpha)``."""
    fma(x, a.dtype.type(alpha), a, out=a)


def with_l2(g: np.ndarray, p: np.ndarray, weight_decay: float) -> np.ndarray:
    """``g.add(p, alpha=weight_decay)`` (a new array), or ``g`` itself when it is 0."""
    return fma(p, p.dtype.type(weight_decay), g) if weight_decay != 0 else g


class ElementwiseOptimizer(Optimizer):
    """Subclasses implement ``_apply(p, g, state, group, param)``: update flat ``p`` in place
    from ``g`` (already negated when ``maximize``; read only, it may be the gradient's own
    array). The base measures the update for ``measure_updates`` from a copy of ``p``."""

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        before = None if stats is None else p.copy()
        with np.errstate(all="ignore"):  # inf and NaN arise silently, as in PyTorch
            self._apply(p, np.negative(g) if group["maximize"] else g, state, group, param)
        if stats is not None:
            old = before.astype(np.float64)
            change = p.astype(np.float64) - old
            grad = g.astype(np.float64)
            stats += (np.dot(change, change), np.dot(old, old), np.dot(grad, grad))

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
               param: Tensor) -> None:
        raise NotImplementedError
