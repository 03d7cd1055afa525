"""Rearranging and generating ops, composed of differentiable ones: ``rot90``, ``fliplr``,
``flipud``, ``atleast_1d/2d/3d``, ``column_stack``, ``row_stack``, ``dsplit``, ``unflatten``,
``narrow_copy``, ``msort``, ``cartesian_prod``, ``combinations``, ``vander``; and the
factories ``tril_indices``, ``triu_indices`` and ``logspace`` (PyTorch's arithmetic)."""
from __future__ import annotations

import itertools
import math
from typing import Any, Optional

import numpy as np

from ..creation import torch_linspace
from ..devices import accepts_device
from ..dtypes import get_default_dtype
from ..tensor import Tensor
from ._util import normalize_dim
from .linalg import kernel_error
from .reorder import cumprod, flip, sort
from .shape import (_at_least, _numpy_split, _resolve_shape, _tensor_list, cat, narrow,
                    reshape, stack, transpose, vstack)
from .structure import meshgrid


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first dim towards
    the second."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0 = normalize_dim(dims[0], input.ndim, "rot90")
    d1 = normalize_dim(dims[1], input.ndim, "rot90")
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(flip(input, d1), d0, d1)
    if k == 2:
        return flip(input, d0, d1)
    if k == 3:
        return transpose(flip(input, d0), d0, d1)
    return input.clone()


def fliplr(input: Tensor) -> Tensor:
    """Reverse dim 1 (left/right)."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input: Tensor) -> Tensor:
    """Reverse dim 0 (up/down)."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def _at_least_each(tensors: tuple, n: int) -> Any:
    """One tensor in, one out; several (or one sequence) in, a tuple out."""
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return _at_least(tensors[0], n)
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    return tuple(_at_least(t, n) for t in tensors)


def atleast_1d(*tensors: Any) -> Any:
    """Views with at least 1 dim (0-d becomes (1,))."""
    return _at_least_each(tensors, 1)


def atleast_2d(*tensors: Any) -> Any:
    """Views with at least 2 dims ((n,) becomes (1, n))."""
    return _at_least_each(tensors, 2)


def atleast_3d(*tensors: Any) -> Any:
    """Views with at least 3 dims ((n,) becomes (1, n, 1), (m, n) becomes (m, n, 1))."""
    return _at_least_each(tensors, 3)


def column_stack(tensors: Any) -> Tensor:
    """cat along dim 1, 0-d and 1-D tensors first made columns (numel, 1)."""
    tensors = _tensor_list(tensors, "column_stack")
    return cat([reshape(t, (t.numel(), 1)) if t.ndim < 2 else t for t in tensors], 1)


row_stack = vstack


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """tensor_split along dim 2 of an at least 3-D tensor; a section count must divide it."""
    return _numpy_split(input, indices_or_sections, 2, "dsplit", 3)


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """Dim ``dim`` split into ``sizes`` (one of them may be -1)."""
    d = normalize_dim(dim, input.ndim, "unflatten")
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("unflatten: only one dimension can be inferred")
    if -1 not in sizes and math.prod(sizes) != input.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({input.shape[d]}) in the input tensor")
    sizes = _resolve_shape(sizes, input.shape[d], "unflatten", input.shape)
    return reshape(input, input.shape[:d] + sizes + input.shape[d + 1:])


def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``narrow`` as a new tensor (not a view)."""
    return narrow(input, dim, start, length).clone()


def msort(input: Tensor) -> Tensor:
    """The values sorted along dim 0."""
    return sort(input, 0).values


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """The rows of all combinations of one element of each 1-D tensor (the input itself
    for one tensor)."""
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    return stack([g.reshape(-1) for g in meshgrid(*tensors, indexing="ij")], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The r-length combinations of the elements of a 1-D tensor, as rows (itertools'
    order); with_replacement repeats elements."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor(np.zeros(0, input.dtype))
    pick = (itertools.combinations_with_replacement if with_replacement
            else itertools.combinations)
    index = np.array(list(pick(range(input.shape[0]), r)), np.int64).reshape(-1, r)
    return input[Tensor(index)]


def _triangle_indices(op: str, lower: bool, row: int, col: int, offset: int,
                      dtype: Any) -> Tensor:
    dtype = np.dtype(dtype)
    if dtype.kind not in "iu":
        raise kernel_error(op, dtype)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    return Tensor(np.stack([rows, cols]).astype(dtype).reshape(2, -1))


@accepts_device
def tril_indices(row: int, col: int, offset: int = 0, *, dtype: Any = np.int64) -> Tensor:
    """(2, N) coordinates of the lower triangle (up to the ``offset``-th diagonal) of a
    row x col matrix, row by row."""
    return _triangle_indices("tril_indices", True, row, col, offset, dtype)


@accepts_device
def triu_indices(row: int, col: int, offset: int = 0, *, dtype: Any = np.int64) -> Tensor:
    """(2, N) coordinates of the upper triangle (from the ``offset``-th diagonal)."""
    return _triangle_indices("triu_indices", False, row, col, offset, dtype)


@accepts_device
def logspace(start: float, end: float, steps: int, base: float = 10.0, *,
             dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """base ** (``steps`` exponents evenly spaced from start to end), computed as PyTorch:
    exponents in ``dtype``, powers in float64."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = np.dtype(dtype or get_default_dtype())
    if steps == 0:
        out = np.zeros(0, dtype)
    elif steps == 1:
        out = np.array([float(base) ** float(start)]).astype(dtype)
    else:
        start_end = (int(start), int(end)) if dtype.kind in "iu" else (start, end)
        exponents = torch_linspace(*start_end, steps, dtype if dtype.kind == "f" else
                                   np.float64)
        out = np.power(np.float64(base), exponents.astype(np.float64)).astype(dtype)
    if requires_grad and dtype.kind != "f":
        raise TypeError(f"logspace: only floating point tensors can require gradients, got "
                        f"dtype {dtype}")
    return Tensor(out, bool(requires_grad))


def vander(x: Tensor, N: Optional[int] = None, increasing: bool = False) -> Tensor:
    """Columns x^(N-1), ..., x, 1 (``increasing`` reverses them), as running products;
    integer and bool inputs give int64."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else int(N)
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype.kind != "f":
        x = x.to(np.int64)
    ones = Tensor(np.ones((x.shape[0], min(n, 1)), x.dtype))
    if n > 1:
        columns = cumprod(x.unsqueeze(1).expand(x.shape[0], n - 1), 1)
        out = cat([ones, columns], 1)
    else:
        out = ones
    return out if increasing else flip(out, 1)
