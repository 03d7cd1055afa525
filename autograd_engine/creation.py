"""Making tensors: ``tensor``, ``from_numpy`` and the factories (which take PyTorch's
``device=`` keyword; the CPU is the only device)."""
from __future__ import annotations

import builtins
from typing import Any, Optional

import numpy as np

from .devices import accepts_device
from .ops._util import shape_args
from .random import generator
from .tensor import Tensor

float32 = np.float32
float64 = np.float64
float16 = np.float16
int32 = np.int32
int64 = np.int64
bool = np.bool_  # noqa: A001 - PyTorch's spelling
long = np.int64
double = np.float64
half = np.float16


def _finish(data: np.ndarray, requires_grad: Any, op: str) -> Tensor:
    if requires_grad and data.dtype.kind != "f":
        raise TypeError(f"{op}: only floating point tensors can require gradients, got dtype "
                        f"{data.dtype}")
    return Tensor(data, builtins.bool(requires_grad))


def _array_from(data: Any, op: str, dtype: Any = None) -> np.ndarray:
    """Convert data with PyTorch's dtype defaults (Python floats -> float32) unless ``dtype``
    is given, in which case values convert straight to it (no float32 rounding on the way)."""
    if isinstance(data, Tensor):
        return data.data.astype(dtype or data.dtype)
    if isinstance(data, np.ndarray):
        array = data.astype(dtype or data.dtype)
    else:
        if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
            data = [x.data if isinstance(x, Tensor) else x for x in data]
        try:
            array = np.array(data)
        except ValueError as exc:
            raise ValueError(f"{op}: expected a sequence of equal-length sequences (ragged "
                             f"nested lists cannot form a tensor): {exc}") from None
        if array.dtype.kind in "biuf" and dtype is not None:
            array = array.astype(dtype)
        elif array.dtype == np.float64 and not isinstance(data, np.floating):
            array = array.astype(np.float32)
        elif array.dtype.kind in "iu" and not isinstance(data, np.integer):
            array = array.astype(np.int64)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: can't convert data of dtype {array.dtype} "
                        f"({type(data).__name__}) to a tensor; only numbers and bools")
    return array


@accepts_device
def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor (a copy) from a scalar, nested lists, an array or a Tensor."""
    return _finish(_array_from(data, "tensor", dtype), requires_grad, "tensor")


@accepts_device
def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtype):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtype):
        return from_numpy(data)
    return tensor(data, dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray (got {type(array).__name__})")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: can't convert np.ndarray of type {array.dtype}")
    return Tensor(array)


def _factory(shape: tuple, dtype: Any, requires_grad: bool, fill: Any, op: str) -> Tensor:
    size = shape_args(shape, op)
    if any(s < 0 for s in size):
        raise RuntimeError(f"{op}: negative dimension in size {size}")
    return _finish(fill(size, np.dtype(dtype or np.float32)), requires_grad, op)


@accepts_device
def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(size, dtype, requires_grad, np.zeros, "zeros")


@accepts_device
def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(size, dtype, requires_grad, np.ones, "ones")


@accepts_device
def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(size, dtype, requires_grad, np.empty, "empty")


@accepts_device
def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = _array_from(fill_value, "full").dtype
    return _factory((size,), dtype, requires_grad,
                    lambda s, d: np.full(s, fill_value, d), "full")


@accepts_device
def zeros_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


@accepts_device
def ones_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


@accepts_device
def full_like(t: Tensor, fill_value: Any, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    return full(t.shape, fill_value, dtype=dtype or t.dtype, requires_grad=requires_grad)


@accepts_device
def empty_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return empty(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


@accepts_device
def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """int64 when all bounds are ints, else float32 (PyTorch's rule)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if ints else np.float32
    return _finish(np.arange(start, end, step).astype(dtype), requires_grad, "arange")


@accepts_device
def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    if steps < 0:
        raise RuntimeError("linspace: number of steps must be non-negative")
    array = np.linspace(start, end, int(steps)).astype(dtype or np.float32)
    return _finish(array, requires_grad, "linspace")


@accepts_device
def eye(n: int, m: Optional[int] = None, dtype: Any = None,
        requires_grad: bool = False) -> Tensor:
    return _finish(np.eye(n, m, dtype=dtype or np.float32), requires_grad, "eye")


@accepts_device
def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    return _factory(size, dtype, requires_grad,
                    lambda s, d: generator().random(s).astype(d), "rand")


@accepts_device
def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal."""
    return _factory(size, dtype, requires_grad,
                    lambda s, d: generator().standard_normal(s).astype(d), "randn")


@accepts_device
def randint(low: int, high: Optional[int] = None, size: Any = (), dtype: Any = None,
            requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) (``randint(high, size)`` also accepted)."""
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"randint: expected low < high, got low={low}, high={high}")
    return _factory((size,), dtype or np.int64, requires_grad,
                    lambda s, d: generator().integers(low, high, s).astype(d), "randint")


@accepts_device
def rand_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) values of ``t``'s shape (and dtype unless given)."""
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


@accepts_device
def randn_like(t: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal values of ``t``'s shape (and dtype unless given)."""
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


@accepts_device
def randint_like(t: Tensor, low: int, high: Optional[int] = None, dtype: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) of ``t``'s shape (``randint_like(t, high)`` also accepted)."""
    return randint(low, high, t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)
