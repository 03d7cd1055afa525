"""Making tensors: ``tensor``, ``from_numpy`` and the factories (which take PyTorch's
``device=`` keyword; the CPU is the only device)."""
from __future__ import annotations

import builtins
import operator
from typing import Any, Optional

import numpy as np

from .devices import accepts_device
from .dtypes import get_default_dtype
from .ops._util import result_type, shape_args
from .ops.shape import sequence_keyword
from .random import rng
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


_PYTHON_DTYPES = {builtins.bool: np.dtype(np.bool_), int: np.dtype(np.int64)}


def _python_dtype(kind: type) -> Optional[np.dtype]:
    """The dtype of a Python scalar type: bool, int64, the default float dtype; else None."""
    return get_default_dtype() if kind is float else _PYTHON_DTYPES.get(kind)


def _inferred_dtype(data: Any) -> Optional[np.dtype]:
    """PyTorch's dtype for a scalar or nested sequences: Python bools, ints and floats give
    bool, int64 and the default float dtype; numpy scalars, arrays and Tensors keep their
    dtype; the items' dtypes promote as tensors' do (the default dtype when empty). None for
    any other item (numpy's inference then gives a dtype that is refused)."""
    dtypes = set()
    pending = [(data,)]
    while pending:
        items = pending.pop()
        kinds = set(map(type, items))
        for kind in kinds:
            dtype = _python_dtype(kind)
            if dtype is not None:
                dtypes.add(dtype)
            elif issubclass(kind, (list, tuple)):
                pending.extend(items if len(kinds) == 1 else
                               [x for x in items if type(x) is kind])
            elif issubclass(kind, np.generic):
                dtypes.add(np.dtype(kind))
            elif issubclass(kind, (np.ndarray, Tensor)):
                dtypes.update(x.dtype for x in items if type(x) is kind)
            else:
                return None
    if len(dtypes) > 1:  # (dim-tensor stand-ins, so that the category rule applies)
        return result_type(*(np.empty(0, d) for d in dtypes))
    return dtypes.pop() if dtypes else get_default_dtype()


def _array_from(data: Any, op: str, dtype: Any = None) -> np.ndarray:
    """Convert data with PyTorch's dtype inference (Python floats -> the default dtype) unless
    ``dtype``
    is given, in which case values convert straight to it (no float32 rounding on the way)."""
    if isinstance(data, Tensor):
        return data.data.astype(dtype or data.dtype)
    if isinstance(data, np.ndarray):
        array = data.astype(dtype or data.dtype)
    else:
        target = dtype or _inferred_dtype(data)
        if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in data):
            data = [x.data if isinstance(x, Tensor) else x for x in data]
        try:
            array = np.array(data)
        except ValueError as exc:
            raise ValueError(f"{op}: expected a sequence of equal-length sequences (ragged "
                             f"nested lists cannot form a tensor): {exc}") from None
        if array.dtype.kind in "biuf" and target is not None:
            array = array.astype(target)
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
    return _finish(fill(size, np.dtype(dtype or get_default_dtype())), requires_grad, op)


@accepts_device
@sequence_keyword
def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(size, dtype, requires_grad, np.zeros, "zeros")


@accepts_device
@sequence_keyword
def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(size, dtype, requires_grad, np.ones, "ones")


@accepts_device
@sequence_keyword
def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _factory(size, dtype, requires_grad, np.empty, "empty")


@accepts_device
def full(size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    if dtype is None:
        dtype = _array_from(fill_value, "full").dtype
    return _factory((size,), dtype, requires_grad,
                    lambda s, d: np.full(s, fill_value, d), "full")


@accepts_device
def zeros_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


@accepts_device
def ones_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return ones(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


@accepts_device
def full_like(input: Tensor, fill_value: Any, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    return full(input.shape, fill_value, dtype=dtype or input.dtype, requires_grad=requires_grad)


@accepts_device
def empty_like(input: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return empty(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def _arange_bound(value: Any, name: str) -> Any:
    """A bound of arange as a number: a 0-d Tensor counts as its value (an int or bool
    tensor as an int, as PyTorch); anything else is a TypeError."""
    if isinstance(value, Tensor) and value.ndim == 0:
        return value.item()
    if isinstance(value, (int, float, np.number, np.bool_)):
        return value
    given = f"a Tensor of shape {value.shape}" if isinstance(value, Tensor) else \
        type(value).__name__
    raise TypeError(f"arange(): argument '{name}' must be Number, not {given}")


@accepts_device
def arange(start: Any = None, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``arange(end)`` or ``arange(start, end, step)``: int64 when all bounds are ints, else
    the default dtype (PyTorch's rule)."""
    if end is None:
        if start is None:
            raise TypeError("arange() missing required argument 'end'")
        start, end = 0, start
    start = _arange_bound(0 if start is None else start, "start")
    end, step = _arange_bound(end, "end"), _arange_bound(step, "step")
    if not step or step != step:  # (NaN)
        raise RuntimeError(f"arange: step must be nonzero, got {step}")
    if not (np.isfinite(start) and np.isfinite(end)):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError(f"arange: upper bound and lower bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer, np.bool_)) for v in (start, end, step))
        dtype = np.int64 if ints else get_default_dtype()
    if np.dtype(dtype) == np.bool_:
        raise NotImplementedError("arange: not implemented for dtype bool")
    return _finish(np.arange(start, end, step).astype(dtype), requires_grad, "arange")


@accepts_device
def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    steps = _int_argument(steps, "linspace", "steps", 3)
    if steps < 0:
        raise RuntimeError("linspace: number of steps must be non-negative")
    dtype = np.dtype(dtype or get_default_dtype())
    array = torch_linspace(start, end, int(steps), dtype) if steps else np.zeros(0, dtype)
    return _finish(array, requires_grad, "linspace")


@accepts_device
def eye(n: int, m: Optional[int] = None, dtype: Any = None,
        requires_grad: bool = False) -> Tensor:
    """The n x m (n x n) identity matrix."""
    n = _int_argument(n, "eye", "n", 1)
    m = n if m is None else _int_argument(m, "eye", "m", 2)
    for name, value in (("n", n), ("m", m)):
        if value < 0:
            raise RuntimeError(f"eye: {name} must be greater or equal to 0, got {value}")
    return _finish(np.eye(n, m, dtype=dtype or get_default_dtype()), requires_grad, "eye")


def _int_argument(value: Any, op: str, name: str, position: int) -> int:
    """An int argument as PyTorch's parser takes it: an integer (not a bool, not a float)."""
    if isinstance(value, (builtins.bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be int, not "
                        f"{type(value).__name__}")
    return int(value)


def _float_dtype(dtype: Any, op: str) -> np.dtype:
    """The dtype of random floats (the default dtype unless given); PyTorch has no integer
    version."""
    dtype = np.dtype(dtype or get_default_dtype())
    if dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for dtype {dtype} (random floats "
                                  f"need a floating point dtype; use randint for integers)")
    return dtype


@accepts_device
@sequence_keyword
def rand(*size: Any, generator: Any = None, dtype: Any = None,
         requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1)."""
    return _factory(size, _float_dtype(dtype, "rand"), requires_grad,
                    lambda s, d: rng(generator, "rand").random(s).astype(d), "rand")


@accepts_device
@sequence_keyword
def randn(*size: Any, generator: Any = None, dtype: Any = None,
          requires_grad: bool = False) -> Tensor:
    """Standard normal."""
    return _factory(size, _float_dtype(dtype, "randn"), requires_grad,
                    lambda s, d: rng(generator, "randn").standard_normal(s).astype(d),
                    "randn")


def _check_randint_range(low: int, high: int, dtype: np.dtype) -> None:
    """[low, high) must be non-empty and its values representable in ``dtype``."""
    if low >= high:
        raise RuntimeError(f"randint: expected low < high, got low={low}, high={high}")
    if dtype.kind in "biu":
        lo, hi = (0, 1) if dtype.kind == "b" else (np.iinfo(dtype).min, np.iinfo(dtype).max)
        if low < lo or high - 1 > hi:
            raise RuntimeError(f"randint: values from {low} to {high - 1} are out of bounds "
                               f"for dtype {dtype}")


@accepts_device
def randint(low: Any = 0, high: Any = None, size: Any = None, *, generator: Any = None,
            dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) of shape ``size``: ``randint(high, size)`` or
    ``randint(low, high, size)``, positional or keyword, as PyTorch."""
    if size is None and isinstance(high, (tuple, list)):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size' (a tuple of ints)")
    if isinstance(size, (int, np.integer)):
        raise TypeError(f"randint(): argument 'size' must be a tuple of ints, not int {size}")
    try:
        low, high = operator.index(low), operator.index(high)
    except TypeError:
        raise TypeError(f"randint(): low and high must be ints, got low={low!r}, "
                        f"high={high!r}") from None
    dtype = np.dtype(dtype or np.int64)
    _check_randint_range(low, high, dtype)
    return _factory((size,), dtype, requires_grad,
                    lambda s, d: rng(generator, "randint").integers(low, high, s).astype(d),
                    "randint")


@accepts_device
def rand_like(input: Tensor, *, generator: Any = None, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    """Uniform [0, 1) values of ``input``'s shape (and dtype unless given)."""
    return rand(input.shape, generator=generator, dtype=dtype or input.dtype,
                requires_grad=requires_grad)


@accepts_device
def randn_like(input: Tensor, *, generator: Any = None, dtype: Any = None,
               requires_grad: bool = False) -> Tensor:
    """Standard normal values of ``input``'s shape (and dtype unless given)."""
    return randn(input.shape, generator=generator, dtype=dtype or input.dtype,
                 requires_grad=requires_grad)


@accepts_device
def randint_like(input: Tensor, low: int = 0, high: Optional[int] = None, *,
                 generator: Any = None, dtype: Any = None,
                 requires_grad: bool = False) -> Tensor:
    """Integers in [low, high) of ``input``'s shape (``randint_like(t, high)`` also accepted)."""
    return randint(low, high, input.shape, generator=generator, dtype=dtype or input.dtype,
                   requires_grad=requires_grad)


def _fma(a: np.ndarray, b: np.ndarray, c: Any) -> np.ndarray:
    """a * b + c with (almost always) one rounding, in float64: the product's exact error
    by Veltkamp splitting, the sum's by TwoSum (numpy has no fma)."""
    p = a * b
    a_hi = a * 134217729.0 - (a * 134217729.0 - a)
    b_hi = b * 134217729.0 - (b * 134217729.0 - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    product_error = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total = p + c
    virtual = total - p
    sum_error = (p - (total - virtual)) + (c - virtual)
    return total + (sum_error + product_error)


def torch_linspace(start: float, end: float, steps: int, dtype: np.dtype) -> np.ndarray:
    """PyTorch's CPU linspace values: fma(step, i, start) for the first half and
    fma(-step, steps - 1 - i, end) for the second, step and the result in ``dtype``; for an
    integer dtype start and end are first truncated to it and the step is float64 (PyTorch's
    vectorised integer loop rounds a few elements differently, by one)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        start, end = float(int(start)), float(int(end))
    work = dtype if dtype.kind == "f" else np.dtype(np.float64)
    start, end = work.type(start), work.type(end)
    if steps == 1:
        return np.array([start], dtype)
    step = (end - start) / work.type(steps - 1)
    i = np.arange(steps, dtype=np.float64)
    if work == np.float64:
        first = _fma(np.full(steps, step), i, start)
        second = _fma(np.full(steps, -step), steps - 1 - i, end)
    else:  # float32 operands: the float64 product is exact
        first = np.float64(start) + np.float64(step) * i
        second = np.float64(end) - np.float64(step) * (steps - 1 - i)
    return np.where(i < steps // 2, first, second).astype(work).astype(dtype)
