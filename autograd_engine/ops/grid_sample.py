"""``affine_grid`` and ``grid_sample`` (spatial transformers), composed of differentiable
ops, so they differentiate with respect to the input, the grid and theta, to every order.

``grid_sample`` reads (N, C, H, W) at the points of a grid (N, H_out, W_out, 2) of (x, y)
in [-1, 1] (and (N, C, D, H, W) at (N, D_out, H_out, W_out, 3) of (x, y, z)). Each
coordinate is un-normalised to pixels and, for 'border' / 'reflection', clipped or reflected
with ops whose gradient is PyTorch's multiplier (0 on and beyond the borders). The pixels a
point reads ("taps": 1 nearest, 2 per dim linear, 4 x 4 bicubic) are gathered in one index op
from the input laid out as (N * pixels, C), whose backward scatter-adds; taps outside the
input read 0 ('zeros'). The float operations and their order follow PyTorch's CPU kernels.
"""
from __future__ import annotations

import functools
import itertools
import math
import operator
import warnings
from typing import Any, List, Optional

import numpy as np

from ..tensor import Tensor
from .activation import dtype_name
from .elementwise import where
from .interpolate import _cubic_weights
from .shape import stack

_MODES = ("bilinear", "nearest", "bicubic")
_PADDING_MODES = ("zeros", "border", "reflection")


def _warn_align_corners() -> None:
    warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.",
                  stacklevel=3)


# -- affine_grid ------------------------------------------------------------------------------
def affine_grid(theta: Tensor, size: Any, align_corners: Optional[bool] = None) -> Tensor:
    """The sampling grid (N, H, W, 2) (or (N, D, H, W, 3)) of the affine maps theta
    (N, 2, 3) (or (N, 3, 4)) applied to the pixel centres of an output of ``size``
    (N, C, H, W) (or (N, C, D, H, W)), in [-1, 1] coordinates."""
    if align_corners is None:
        _warn_align_corners()
        align_corners = False
    if theta.dtype.kind != "f":
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    k = len(size) - 2
    if theta.ndim != 3 or theta.shape[-2:] != (k, k + 1):
        raise ValueError(f"Expected a batch of {k}D affine matrices of shape Nx{k}x{k + 1} "
                         f"for size {size}. Got {tuple(theta.shape)}.")
    spatial = size[2:]
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size "
                      "grids when align_corners=True. This is not an intended use case of "
                      "affine_grid. See the documentation of affine_grid for details.",
                      stacklevel=2)
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    if theta.shape[0] != size[0]:
        raise RuntimeError(f"affine_grid: expected {size[0]} affine matrices for size {size}, "
                           f"but theta has shape {tuple(theta.shape)}")
    base = _base_grid(spatial, align_corners, theta.dtype)
    return (Tensor(base) @ theta.transpose(1, 2)).reshape(size[0], *spatial, k)


def _base_grid(spatial: List[int], align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """(prod(spatial), k + 1): each output position's (x, y[, z], 1), x along the last dim."""
    axes = [_linspace_from_neg_one(n, align_corners, dtype) for n in spatial]
    columns = list(np.meshgrid(*axes, indexing="ij"))[::-1] + [np.ones(spatial, dtype)]
    return np.stack(columns, axis=-1).reshape(-1, len(spatial) + 1)


def _linspace_from_neg_one(steps: int, align_corners: bool, dtype: np.dtype) -> np.ndarray:
    """PyTorch's: linspace(-1, 1, steps) (its two-sided formula, in ``dtype``), scaled by
    (steps - 1) / steps without align_corners; [0] for a single step."""
    t = dtype.type
    if steps <= 1:
        return np.zeros(steps, dtype)
    step = t(2) / t(steps - 1)
    index = np.arange(steps)
    values = np.where(index < steps // 2, t(-1) + step * index.astype(dtype),
                      t(1) - step * (steps - 1 - index).astype(dtype)).astype(dtype)
    return values if align_corners else values * t(steps - 1) / t(steps)


# -- grid_sample ------------------------------------------------------------------------------
def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear",
                padding_mode: str = "zeros", align_corners: Optional[bool] = None) -> Tensor:
    """Sample ``input`` at the ``grid``'s points: 'bilinear' (trilinear for 5-D input),
    'nearest' (half-way points round to even) or 'bicubic' (4-D only); outside the input
    'zeros' reads 0, 'border' the nearest edge pixel, 'reflection' the input mirrored at its
    borders. align_corners=True maps -1 and 1 to the centres of the corner pixels, False to
    their outer edges."""
    if mode not in _MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _warn_align_corners()
        align_corners = False
    _check_inputs(input, grid, mode)
    n, c, *sizes = input.shape
    k, out_shape = len(sizes), grid.shape[1:-1]
    points = math.prod(out_shape)
    taps = []  # per input spatial dim (D, H, W order): [(index array, weight or None)]
    for d, size in enumerate(sizes):  # grid's last dim holds x (W) first
        x = _unnormalize(grid[..., k - 1 - d].reshape(n, points), size, align_corners)
        taps.append(_taps(x, size, mode, padding_mode, align_corners))
    pixels = math.prod(sizes)
    rows = input.reshape(n, c, pixels).transpose(1, 2).reshape(n * pixels, c)
    values = _gather(rows, taps, sizes)  # (N, taps, points, C)
    if mode == "bilinear":
        # per tap the product of its per-dim weights, x's first (PyTorch's order)
        weights = [functools.reduce(operator.mul, [w for _, w in combo[::-1]])
                   for combo in itertools.product(*taps)]
        out = (values * stack(weights, 1).unsqueeze(-1)).sum(1)
    elif mode == "bicubic":  # PyTorch's order: along x for each of 4 rows, then along y
        (_, y_weights), (_, x_weights) = zip(*taps[0]), zip(*taps[1])
        rows_x = (values.reshape(n, 4, 4, points, c)
                  * stack(x_weights, 1).reshape(n, 1, 4, points, 1)).sum(2)
        out = (rows_x * stack(y_weights, 1).unsqueeze(-1)).sum(1)
    else:  # (the grid gets PyTorch's zero gradient rather than none, through where)
        out = where(np.zeros((1, 1, 1), bool), grid.sum(), values[:, 0])
    return out.transpose(1, 2).reshape(n, c, *out_shape)


def _check_inputs(input: Tensor, grid: Tensor, mode: str) -> None:
    """PyTorch's checks, in its order."""
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.ndim == 0 or grid.ndim == 0:
        raise IndexError(f"grid_sampler(): Dimension specified as 0 but tensor has no "
                         f"dimensions ({shapes})")
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, "
                           f"but got {shapes}")
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {input.ndim - 2} in "
                           f"last dimension, but got grid with sizes {list(grid.shape)}")
    for d in range(2, input.ndim):
        if input.shape[d] <= 0:
            raise RuntimeError(f"grid_sampler(): expected input to have non-empty spatial "
                               f"dimensions, but input has sizes {list(input.shape)} with "
                               f"dimension {d} being empty")
    rank = 4 if input.ndim == 4 else 5
    if input.ndim != rank or grid.ndim != rank:
        raise RuntimeError(f"grid_sampler(): expected {rank}D input and grid with same number "
                           f"of dimensions, but got {shapes}")
    if rank == 5 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype.kind != "f":
        kernel = "grid_sampler_2d_cpu_kernel_impl" if rank == 4 else "grid_sampler3d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{dtype_name(input.dtype)}'")
    if grid.dtype != input.dtype:
        raise RuntimeError(f"grid_sampler(): expected scalar type {dtype_name(input.dtype)} "
                           f"but found {dtype_name(grid.dtype)} (grid of dtype {grid.dtype}, "
                           f"input of dtype {input.dtype})")


def _unnormalize(g: Tensor, size: int, align_corners: bool) -> Tensor:
    """[-1, 1] to pixels: the corner pixels' centres (align_corners) or their outer edges."""
    if align_corners:
        return (g + 1.0) * ((size - 1) / 2)
    return (g + 1.0) * (size / 2) - 0.5


def _taps(x: Tensor, size: int, mode: str, padding_mode: str,
          align_corners: bool) -> list:
    """The pixels coordinate ``x`` reads along one dim, as (index array, weight Tensor)."""
    if mode == "bicubic":  # the weights use x itself, each tap's position is padded
        low = np.floor(x.data)
        weights = _cubic_weights(x - Tensor(low))
        return [(_pad(Tensor(low + k), size, padding_mode, align_corners).data, w)
                for k, w in zip((-1, 0, 1, 2), weights)]
    x = _pad(x, size, padding_mode, align_corners)
    if mode == "nearest":
        return [(np.rint(x.data), None)]
    low = np.floor(x.data)
    high = x - Tensor(low)
    return [(low, 1 - high), (low + 1, high)]


def _pad(x: Tensor, size: int, padding_mode: str, align_corners: bool) -> Tensor:
    """Coordinates moved into the input by 'border' or 'reflection'."""
    if padding_mode == "border":
        return _clip(x, size)
    if padding_mode == "reflection":
        return _clip(_reflect(x, size, align_corners), size)
    return x


def _clip(x: Tensor, size: int) -> Tensor:
    """x clamped to [0, size - 1] (NaN to 0); gradient 1 strictly inside, 0 elsewhere."""
    top = size - 1
    inside = (x.data > 0) & (x.data < top)
    return where(inside, x, np.clip(np.nan_to_num(x.data, nan=0.0), 0, top))


def _reflect(x: Tensor, size: int, align_corners: bool) -> Tensor:
    """x reflected at the borders (the corner pixels' centres, or their outer edges) until it
    lies between them; the gradient is +-1 by the parity of the reflections."""
    if align_corners and size <= 1:
        return _zeros_like(x)
    low, twice_span = (0.0, 2 * (size - 1)) if align_corners else (-0.5, 2 * size)
    span = x.dtype.type(twice_span)
    distance = (x - low).abs()
    extra = distance - Tensor(np.trunc(distance.data / span) * span)
    mirrored = span - extra
    reflected = where(extra.data > mirrored.data, mirrored, extra)
    return reflected + low if low else reflected


def _zeros_like(x: Tensor) -> Tensor:
    """Zeros of x's shape that depend on x with a zero gradient (PyTorch's: not none)."""
    return where(np.zeros(x.shape, bool), x, x.dtype.type(0))


def _gather(rows: Tensor, taps: list, sizes: list) -> Tensor:
    """rows[pixel of each tap combination] as (N, taps, points, C); taps outside read 0."""
    n, points = taps[0][0][0].shape
    strides = np.cumprod([1] + sizes[:0:-1])[::-1]
    positions, valid = [], []
    for combo in itertools.product(*taps):
        index = [_index(coordinate, size) for (coordinate, _), size in zip(combo, sizes)]
        positions.append(sum(np.clip(i, 0, size - 1) * s
                             for i, size, s in zip(index, sizes, strides)))
        valid.append(np.logical_and.reduce([(i >= 0) & (i < size)
                                            for i, size in zip(index, sizes)]))
    offsets = (np.arange(n) * math.prod(sizes)).reshape(n, 1, 1)
    values = rows[np.stack(positions, 1) + offsets]
    valid = np.stack(valid, 1)
    return values if valid.all() else where(valid[..., None], values, values.dtype.type(0))


def _index(coordinate: np.ndarray, size: int) -> np.ndarray:
    """Integer-valued coordinates as int64; those outside the input (and NaN) become -1 or
    size, which is all the masks need."""
    return np.nan_to_num(np.clip(coordinate, -1, size), nan=-1).astype(np.int64)
