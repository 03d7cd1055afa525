"""The trapezoidal rule along a dim: ``trapezoid`` (``trapz``) and
``cumulative_trapezoid``, with sample points ``x`` or a constant spacing ``dx``, composed of
differentiable ops in PyTorch's order of operations."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from ._util import normalize_dim
from .diagonal import select


def _check(y: Tensor, x: Optional[Tensor], op: str, dim: int) -> int:
    if y.dtype == np.bool_ or (x is not None and x.dtype == np.bool_):
        which = "y" if y.dtype == np.bool_ else "x"
        raise RuntimeError(f"{op}: received a bool input for `{which}`, but bool is not "
                           f"supported")
    if y.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return normalize_dim(dim, y.ndim, op)


def _spacing(y: Tensor, x: Tensor, d: int, op: str) -> Tensor:
    """The differences of ``x`` along ``d``, shaped to broadcast against y's (PyTorch does
    not broadcast x to y first: numpy's rule)."""
    if x.ndim == 1:
        if x.shape[0] != y.shape[d]:
            raise RuntimeError(f"{op}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = x.shape[0]
        x = x.reshape(shape)
    elif x.ndim < y.ndim:
        x = x.reshape((1,) * (y.ndim - x.ndim) + x.shape)
    n = x.shape[d]
    return x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)


def _ends(y: Tensor, d: int) -> tuple:
    n = y.shape[d]
    return y.narrow(d, 0, n - 1), y.narrow(d, 1, n - 1)


def trapezoid(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at sample points ``x``
    or with spacing ``dx`` (default 1); 0 for no samples."""
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments: x and dx "
                        "cannot both be given")
    if x is not None and not isinstance(x, Tensor):  # trapezoid(y, 0.5): a spacing
        x, dx = None, x
    d = _check(y, x, "trapezoid", dim)
    if y.shape[d] == 0:
        shape = y.shape[:d] + y.shape[d + 1:]
        return Tensor(np.zeros(shape, y.dtype if y.dtype.kind == "f" else np.float32))
    if x is None:
        step = 1.0 if dx is None else float(dx)
        return (y.sum(d) - (select(y, d, 0) + select(y, d, -1)) * 0.5) * step
    left, right = _ends(y, d)
    return (_spacing(y, x, d, "trapezoid") * (right + left)).sum(d) / 2.0


def trapz(y: Tensor, x: Any = None, *, dx: Any = None, dim: int = -1) -> Tensor:
    """``trapezoid`` under its older name."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x: Any = None, *, dx: Any = None,
                         dim: int = -1) -> Tensor:
    """The running trapezoidal integral along ``dim`` (one element fewer than ``y``)."""
    if x is not None and not isinstance(x, Tensor):
        x, dx = None, x
    d = _check(y, x, "cumulative_trapezoid", dim)
    if y.shape[d] == 0:
        return Tensor(np.zeros(y.shape, y.dtype if y.dtype.kind == "f" else np.float32))
    left, right = _ends(y, d)
    if x is None:
        step = 1.0 if dx is None else float(dx)
        return (step / 2.0 * (left + right)).cumsum(d)
    return (_spacing(y, x, d, "cumulative_trapezoid") / 2.0 * (left + right)).cumsum(d)
