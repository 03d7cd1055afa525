"""``gradient``: PyTorch's (and numpy's) estimate of a sampled function's derivatives by
finite differences, second-order accurate inside and first or second order at the edges,
with uniform spacings or sample coordinates. Composed of slices and arithmetic, so it
differentiates to every order."""
from __future__ import annotations

from numbers import Number
from typing import Any

import numpy as np

from ..queries import _tensor as _input
from ..tensor import Tensor
from ._util import normalize_dim
from .shape import cat


def _slice(x: Tensor, dim: int, start: Any, stop: Any = None) -> Tensor:
    index = [slice(None)] * x.ndim
    index[dim] = slice(start, stop)
    return x[tuple(index)]


def _uniform(x: Tensor, dim: int, dx: Any, edge_order: int) -> Tensor:
    """Central differences over a constant spacing ``dx`` (torch's gradient_helper_float)."""
    center = (_slice(x, dim, 2) - _slice(x, dim, 0, -2)) / dx
    first, second, third = (_slice(x, dim, i, i + 1) for i in range(3))
    last, before, third_last = _slice(x, dim, -1), _slice(x, dim, -2, -1), _slice(x, dim, -3, -2)
    if edge_order == 1:
        prepend, append = (second - first) / dx, (last - before) / dx
    else:
        prepend = (-1.5 * first + 2 * second - 0.5 * third) / dx
        append = (0.5 * third_last - 2 * before + 1.5 * last) / dx
    return cat([prepend, center / 2, append], dim)


def _coordinates(x: Tensor, dim: int, coordinates: Tensor, edge_order: int) -> Tensor:
    """Differences over sample coordinates (torch's gradient_helper): the derivative of the
    parabola through each point and its neighbours."""
    shape = [1] * x.ndim
    shape[dim] = -1
    h = coordinates[1:] - coordinates[:-1]
    h1, h2 = h[:-1], h[1:]
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * _slice(x, dim, 0, -2) + b * _slice(x, dim, 1, -1) + c * _slice(x, dim, 2)
    first, second, third = (_slice(x, dim, i, i + 1) for i in range(3))
    last, before, third_last = _slice(x, dim, -1), _slice(x, dim, -2, -1), _slice(x, dim, -3, -2)
    if edge_order == 1:
        prepend, append = (second - first) / h[0], (last - before) / h[-1]
    else:
        a = -(2.0 * h[0] + h[1]) / (h[0] * (h[0] + h[1]))
        b = (h[0] + h[1]) / (h[0] * h[1])
        c = -h[0] / (h[1] * (h[0] + h[1]))
        prepend = a * first + b * second + c * third
        a = h[-1] / (h[-2] * (h[-1] + h[-2]))
        b = -(h[-1] + h[-2]) / (h[-1] * h[-2])
        c = (2 * h[-1] + h[-2]) / (h[-1] * (h[-1] + h[-2]))
        append = a * third_last + b * before + c * last
    return cat([prepend, center, append], dim)


def _spacings(spacing: Any, dims: list, ndim: int, dim_given: bool) -> list:
    """One spacing per dim: a number, or a 1-D Tensor of coordinates."""
    if spacing is None:
        return [1] * len(dims)
    if isinstance(spacing, Tensor):
        if spacing.ndim:
            raise TypeError("gradient(): argument 'spacing' must be a Number or a tuple of "
                            "Numbers or Tensors, not a Tensor with dimensions")
        return [spacing.item()] * len(dims)
    if isinstance(spacing, (Number, np.number)):
        return [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) != len(dims):
        if dim_given:
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar "
                               f"or it's spacing and dim arguments to have the same length, but "
                               f"got a spacing argument of length {len(spacing)} and a dim "
                               f"argument of length {len(dims)}.")
        raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar, or a "
                           f"list of length equal to 'self.dim() = {ndim}', since dim argument "
                           f"was not given, but got a list of length {len(spacing)}")
    for s in spacing:
        if isinstance(s, Tensor) and s.ndim != 1:
            raise RuntimeError(f"torch.gradient expected each element of spacing to have one "
                               f"dimension, but got an element with {s.ndim} dimensions!")
    return spacing


def gradient(input: Tensor, *, spacing: Any = None, dim: Any = None,
             edge_order: int = 1) -> tuple:
    """The derivative estimates of ``input`` along each dim of ``dim`` (all by default), one
    tensor each: central differences inside, one-sided ones of order ``edge_order`` (1 or 2)
    at the ends. ``spacing``: one number for every dim, one per dim, or per dim a 1-D tensor
    of the sample coordinates. Integer inputs give the default float dtype."""
    x = _input(input, "gradient")
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dim is None:
        dims = list(range(x.ndim))
    else:
        dims = [normalize_dim(d, x.ndim, "gradient")
                for d in ((dim,) if isinstance(dim, (int, np.integer)) else dim)]
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    spacings = _spacings(spacing, dims, x.ndim, dim is not None)
    for d in dims:
        if x.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least "
                               "edge_order+1")
    return tuple(_coordinates(x, d, s, edge_order) if isinstance(s, Tensor)
                 else _uniform(x, d, s, edge_order) for d, s in zip(dims, spacings))
