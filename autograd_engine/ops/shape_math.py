"""Arithmetic on shapes, as PyTorch's: ``broadcast_shapes`` (the shape tensors of the given
shapes broadcast to) and ``unravel_index`` (flat indices to coordinates)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor


def broadcast_shapes(*shapes: Any) -> tuple:
    """The broadcast shape of ``shapes`` (each an int or a sequence of ints; None is
    skipped), without making tensors; () for none."""
    shapes = tuple((s,) if isinstance(s, (int, np.integer)) else s
                   for s in shapes if s is not None)
    for shape in shapes:
        if not isinstance(shape, Sequence):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a "
                               f"list of ints, got {shape}")
    common = [1] * max((len(s) for s in shapes), default=0)
    for position, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            size = shape[i]
            if size == common[i]:
                continue
            if common[i] == 1:
                if size < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative "
                                     "length!")
                common[i] = size
            elif size != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {size} at "
                                   f"{i}! Mismatching argument at index {position} had {shape}; "
                                   f"but expected shape should be broadcastable to {common}")
    return tuple(int(s) for s in common)


def unravel_index(indices: Tensor, shape: Any) -> tuple:
    """Coordinates of flat (C-order) ``indices`` in an array of ``shape``: one int64 tensor
    per dim, each of indices' shape (negative indices count from the end, as PyTorch's
    floor division and modulo give them)."""
    if not isinstance(indices, Tensor):  # PyTorch reads indices.is_complex() first
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute "
                             "'is_complex'")
    if indices.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got "
                        f"torch.{indices.dtype.name}")
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, Sequence):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got "
                        f"{type(shape)}")
    for size in shape:
        if not isinstance(size, (int, np.integer)):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got "
                            f"{type(size)}")
    shape = tuple(int(s) for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if 0 in shape and indices.data.size:  # PyTorch's integer division by a zero size
        raise RuntimeError("ZeroDivisionError")
    strides = np.cumprod((1,) + shape[:0:-1])[::-1]
    flat = indices.data.astype(np.int64)[..., None]
    with np.errstate(divide="ignore"):  # (sizes of 0 with no indices)
        coordinates = np.floor_divide(flat, strides) % np.array(shape, np.int64)
    return tuple(Tensor(np.array(coordinates[..., i])) for i in range(len(shape)))

