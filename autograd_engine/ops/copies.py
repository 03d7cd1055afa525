"""PyTorch's ``*_copy`` ops (``view_copy``, ``permute_copy``, ``split_copy``, ...): the view
op's result as a new contiguous tensor, with the view's gradient; ``split_with_sizes``;
and ``nonzero_static`` (a fixed number of rows)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..function import Function
from ..queries import _tensor as _input
from ..tensor import Tensor
from .diagonal import diagonal, select
from .elementwise import clone
from .shape import expand, permute, split, squeeze, transpose, unbind, unsqueeze, view
from .windows import unfold


def view_copy(input: Tensor, size: Any) -> Tensor:
    """``view(size)``, copied."""
    return clone(view(input, size))


def permute_copy(input: Tensor, dims: Any) -> Tensor:
    return clone(permute(input, dims))


def t_copy(input: Tensor) -> Tensor:
    return clone(_input(input, "t_copy").t())


def transpose_copy(input: Tensor, dim0: int, dim1: int) -> Tensor:
    return clone(transpose(input, dim0, dim1))


def squeeze_copy(input: Tensor, dim: Any = None) -> Tensor:
    return clone(squeeze(input, dim))


def unsqueeze_copy(input: Tensor, dim: int) -> Tensor:
    return clone(unsqueeze(input, dim))


def expand_copy(input: Tensor, size: Any, *, implicit: bool = False) -> Tensor:
    """``expand(size)`` materialised (every element its own memory)."""
    return clone(expand(input, size))


def diagonal_copy(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    return clone(diagonal(input, offset, dim1, dim2))


def select_copy(input: Tensor, dim: int, index: int) -> Tensor:
    return clone(select(input, dim, index))


def slice_copy(input: Tensor, dim: int = 0, start: Optional[int] = None,
               end: Optional[int] = None, step: int = 1) -> Tensor:
    """``input[..., start:end:step, ...]`` along ``dim`` (step > 0), copied."""
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    index = [slice(None)] * _input(input, "slice_copy").ndim
    index[dim] = slice(start, end, step)
    return clone(input[tuple(index)])


def unbind_copy(input: Tensor, dim: int = 0) -> tuple:
    return tuple(clone(piece) for piece in unbind(input, dim))


def split_copy(input: Tensor, split_size: Any, dim: int = 0) -> tuple:
    return tuple(clone(piece) for piece in split(input, split_size, dim))


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    """Views of the given sizes along ``dim`` (they must sum to its size)."""
    if isinstance(split_sizes, (int, np.integer)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position 2) must be "
                        f"tuple of ints, not {type(split_sizes).__name__}")
    return split(input, [int(s) for s in split_sizes], dim)


def split_with_sizes_copy(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    return tuple(clone(piece) for piece in split_with_sizes(input, split_sizes, dim))


def unfold_copy(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    return clone(unfold(input, dimension, size, step))


def alias_copy(input: Tensor) -> Tensor:
    """A copy, with the identity's gradient."""
    return clone(_input(input, "alias_copy"))


class DetachCopy(Function):  # not registered: there is no gradient to check
    """y = a, copied;  no derivative: a backward through it raises, as PyTorch 2.13's"""

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("derivative for aten::detach_copy is not implemented")


def detach_copy(input: Tensor) -> Tensor:
    """A copy of the data. As PyTorch's, it requires grad when its input does, but has no
    derivative."""
    return DetachCopy.apply(_input(input, "detach_copy"))


def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """The (size, ndim) int64 indices of the first ``size`` non-zero elements, padded with
    ``fill_value`` rows."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    found = np.argwhere(_input(input, "nonzero_static").data)[:size]
    out = np.full((int(size), input.ndim), fill_value, np.int64)
    out[:len(found)] = found
    return Tensor(out)
