"""Helpers shared by the op families: dtype promotion, dim normalisation, argument forms."""
from __future__ import annotations

from typing import Any, Iterable, Optional, Union

import numpy as np

from .. import dtypes
from ..tensor import Tensor

_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_SCALAR_DTYPE = {0: np.dtype(np.bool_), 1: np.dtype(np.int64)}


def scalar_dtype(category: int) -> np.dtype:
    """The dtype of a Python scalar of a category: bool, int64, or the default float."""
    return dtypes.get_default_dtype() if category == 2 else _SCALAR_DTYPE[category]


def array_of(value: Any) -> Any:
    """A Tensor's numpy array; anything else as it is."""
    return value.data if isinstance(value, Tensor) else value


def opmath(*arrays: Any) -> tuple:
    """float16 arrays as float32, anything else as it is: the Numba kernels are compiled for
    float32 and float64, and PyTorch's CPU kernels compute float16 in float32 too."""
    return tuple([a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float16
                  else a for a in arrays])


def _describe(x: Any) -> tuple:
    """(priority, category, dtype): dim tensors 2, 0-d tensors 1, Python scalars 0."""
    if isinstance(x, np.ndarray):
        return (2 if x.ndim else 1), _CATEGORY.get(x.dtype.kind, 3), x.dtype
    if isinstance(x, (bool, np.bool_)):
        return 0, 0, _SCALAR_DTYPE[0]
    if isinstance(x, (int, np.integer)):
        return 0, 1, _SCALAR_DTYPE[1]
    if isinstance(x, (float, np.floating)):
        return 0, 2, dtypes.get_default_dtype()
    raise TypeError(f"unsupported operand type {type(x).__name__}")


def result_type(*operands: Any) -> np.dtype:
    """PyTorch's promotion: Python scalars and 0-d tensors do not up-cast a dim tensor of
    the same kind; int op float-scalar gives the default float dtype."""
    described = [_describe(x) for x in operands]
    top = max(c for _, c, _ in described)
    for priority in (2, 1, 0):
        found = [d for p, c, d in described if p == priority and c == top]
        if found:
            if priority == 0:
                return scalar_dtype(top)
            return np.result_type(*found)
    raise AssertionError("unreachable")


def promote(op: str, a: Any, b: Any) -> tuple:
    """Cast two operands (arrays or scalars) to their common PyTorch dtype."""
    ta, tb = type(a), type(b)
    if ta is np.ndarray and tb is np.ndarray and a.dtype == b.dtype:
        return a, b
    if ta is np.ndarray and a.dtype.kind == "f" and tb in (float, int):
        return a, b  # weak Python scalar: numpy keeps a's dtype (NEP 50)
    if tb is np.ndarray and b.dtype.kind == "f" and ta in (float, int):
        return a, b
    try:
        dtype = result_type(a, b)
    except TypeError as exc:
        raise TypeError(f"{op}: unsupported operand types {type(a).__name__} and "
                        f"{type(b).__name__}") from exc
    return _cast(a, dtype), _cast(b, dtype)


def _cast(x: Any, dtype: np.dtype) -> Any:
    if isinstance(x, np.ndarray):
        return x if x.dtype == dtype else x.astype(dtype)
    return np.asarray(x, dtype)


def broadcast_error(op: str, *arrays: Any) -> RuntimeError:
    shapes = " and ".join(str(tuple(np.shape(a))) for a in arrays)
    return RuntimeError(f"{op}: shapes {shapes} cannot be broadcast together")


def normalize_dim(dim: int, ndim: int, op: str) -> int:
    """Wrap a negative dim; IndexError (as PyTorch) when out of range."""
    lo, hi = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    if dim < lo or dim > hi:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of "
                         f"[{lo}, {hi}], but got {dim})")
    return int(dim) % ndim if ndim else 0


def normalize_dims(dim: Union[None, int, Iterable[int]], ndim: int, op: str) -> tuple:
    """All dims when ``dim`` is None; else a sorted tuple of distinct non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = tuple(sorted({normalize_dim(d, ndim, op) for d in dims}))
    if len(out) != len(dims):
        raise RuntimeError(f"{op}: dim {dims} appears multiple times in the list of dims")
    return out


def shape_args(shape: tuple, op: str) -> tuple:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` (and lists/Tensors of ints)."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = tuple(shape[0])
    out = []
    for s in shape:
        try:
            out.append(int(s.__index__()))
        except (AttributeError, TypeError):
            raise TypeError(f"{op}: shape entries must be ints, got {s!r}") from None
    return tuple(out)


def reduce_dim_args(dim: Any, keepdim: Optional[bool], axis: Any, keepdims: Optional[bool],
                    default_keepdim: bool = False) -> tuple:
    """Resolve ``dim``/``keepdim`` with numpy's ``axis``/``keepdims`` aliases."""
    if axis is not None:
        if dim is not None:
            raise TypeError("pass either dim= or axis=, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, default_keepdim if keepdim is None else bool(keepdim)
