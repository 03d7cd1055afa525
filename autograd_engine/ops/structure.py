"""Ops that build tensors out of others or read their structure: ``tile``,
``repeat_interleave``, ``meshgrid``, ``diag``, ``trace``, ``diff`` (all differentiable,
composed of other ops), and ``nonzero``, ``isclose``, ``allclose`` (no gradient)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from ._util import normalize_dim
from .shape import cat, pad, repeat


def tile(a: Tensor, dims: Any) -> Tensor:
    """Repeat ``a`` ``dims[i]`` times along each dim; missing leading reps count as 1 (and
    extra reps add leading dims), as ``torch.tile``."""
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    reps = (1,) * (a.ndim - len(dims)) + dims
    return repeat(a, reps)


def repeat_interleave(a: Tensor, repeats: Any, dim: Optional[int] = None) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element) along
    ``dim`` (of the flattened tensor when None)."""
    if dim is None:
        a, dim = a.reshape(-1), 0
    d = normalize_dim(dim, a.ndim, "repeat_interleave")
    counts = np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats)
    if counts.ndim > 1 or counts.dtype.kind not in "iu" or (counts < 0).any():
        raise RuntimeError("repeat_interleave: repeats must be a non-negative int or a 1-D "
                           f"tensor of them, got {repeats!r}")
    if counts.ndim == 1 and counts.size not in (1, a.shape[d]):
        raise RuntimeError(f"repeat_interleave: repeats must have the same size as input "
                           f"along dim {dim}, got {counts.size} for size {a.shape[d]}")
    index = np.repeat(np.arange(a.shape[d]), counts.reshape(-1) if counts.ndim else counts)
    return a.index_select(d, index.astype(np.int64))


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple:
    """Coordinate grids of 1-D tensors; ``indexing='xy'`` swaps the first two output dims."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"meshgrid: indexing must be one of 'xy' or 'ij', got {indexing!r}")
    if any(t.ndim > 1 for t in tensors):
        raise RuntimeError("meshgrid: Expected 0D or 1D tensor in the tensor list")
    order = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        order[0], order[1] = 1, 0
    sizes = [tensors[i].reshape(-1).shape[0] for i in order]
    grids = []
    for position, i in enumerate(order):
        view = [1] * len(tensors)
        view[position] = sizes[position]
        grids.append(tensors[i].reshape(tuple(view)).expand(tuple(sizes)))
    return tuple(grids[order.index(i)] for i in range(len(tensors)))


def diag(a: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor as the ``diagonal``-th diagonal of a square matrix, or a 2-D tensor's
    ``diagonal``-th diagonal as a 1-D tensor."""
    if a.ndim == 1:  # the square diag(a), padded so that it lands on the shifted diagonal
        square = a.unsqueeze(1) * Tensor(np.eye(a.shape[0], dtype=a.dtype))
        above, below = max(diagonal, 0), max(-diagonal, 0)
        return pad(square, (above, below, below, above))
    if a.ndim != 2:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {a.ndim}D")
    rows, cols = a.shape
    start_row, start_col = max(-diagonal, 0), max(diagonal, 0)
    length = max(min(rows - start_row, cols - start_col), 0)
    index = np.arange(length)
    return a[index + start_row, index + start_col]


def trace(a: Tensor) -> Tensor:
    """Sum of the main diagonal of a 2-D tensor."""
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    return diag(a).sum()


def diff(a: Tensor, n: int = 1, dim: int = -1, prepend: Any = None,
         append: Any = None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (after concatenating prepend/append);
    xor for bool input."""
    if a.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = normalize_dim(dim, a.ndim, "diff")
    parts = [t for t in (prepend, a, append) if t is not None]
    out = cat([t if isinstance(t, Tensor) else Tensor(np.asarray(t, a.dtype)) for t in parts],
              d) if len(parts) > 1 else a
    for _ in range(n):
        size = out.shape[d]
        if size and out.dtype == np.bool_:  # bool: xor, as PyTorch
            out = out.narrow(d, 1, size - 1) != out.narrow(d, 0, size - 1)
        elif size:
            out = out.narrow(d, 1, size - 1) - out.narrow(d, 0, size - 1)
    return out


def nonzero(a: Tensor, as_tuple: bool = False) -> Any:
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or one index tensor per
    dim with ``as_tuple=True``."""
    found = np.nonzero(a.data) if a.ndim else np.nonzero(a.data.reshape(1))
    if as_tuple:
        return tuple(Tensor(i.astype(np.int64)) for i in found)
    return Tensor(np.stack(found, axis=1).astype(np.int64) if a.ndim
                  else np.zeros((len(found[0]), 0), np.int64))


def _values(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """|a - b| <= atol + rtol * |b|, elementwise (a bool tensor)."""
    return Tensor(np.isclose(_values(a), _values(b), rtol, atol, equal_nan))


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether ``isclose`` holds everywhere."""
    return bool(np.allclose(_values(a), _values(b), rtol, atol, equal_nan))
