"""PyTorch's legacy in-place Tensor methods: ``resize_`` / ``resize_as_`` (a new shape over
the memory the tensor shares, grown when too small) and ``apply_`` / ``map_`` (a Python
function over the elements). None of them is differentiable: on a tensor that requires grad
they raise, as PyTorch's."""
from __future__ import annotations

import operator
from numbers import Real
from typing import Any, Callable

import numpy as np

from ..tensor import Tensor
from ._util import shape_args


def _storage(t: Tensor) -> tuple:
    """(the flat memory t's data lies in, t's offset in it), or (None, 0) when that memory
    is not a contiguous array of t's dtype."""
    root = t.data
    while isinstance(root.base, np.ndarray):
        root = root.base
    if root.dtype != t.dtype or not root.flags.c_contiguous:
        return None, 0
    return root.reshape(-1), (t.data.ctypes.data - root.ctypes.data) // t.data.itemsize


def resize_(t: Tensor, size: tuple) -> Tensor:
    """t takes shape ``size`` with C strides over its memory from its first element, as
    PyTorch's ``resize_``: the memory's elements in order, not t's logical order; memory too
    small is grown (the old elements first, the rest uninitialised). The same shape changes
    nothing."""
    if t.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = shape_args(size, "resize_")
    if any(s < 0 for s in shape):
        raise RuntimeError(f"resize_: Trying to create tensor with negative dimension "
                           f"{min(shape)}: {list(shape)}")
    if shape == t.shape:
        return t
    t._check_writeable("resize_")
    count = int(np.prod(shape))
    flat, offset = _storage(t)
    if flat is not None and offset + count <= flat.size:
        t.data = flat[offset:offset + count].reshape(shape)
    else:
        grown = np.empty(count, t.dtype)
        old = flat[offset:] if flat is not None else t.data.reshape(-1)
        kept = min(old.size, count)
        grown[:kept] = old[:kept]
        t.data = grown.reshape(shape)
    t._view = None  # no longer a view of its base's shape, for the in-place machinery
    t._bump_version()
    return t


def resize_as_(t: Tensor, the_template: Tensor) -> Tensor:
    """``t.resize_(the_template.shape)``."""
    if not isinstance(the_template, Tensor):
        raise TypeError(f"resize_as_(): argument 'the_template' (position 1) must be Tensor, "
                        f"not {type(the_template).__name__}")
    return resize_(t, the_template.shape)


def _converter(dtype: np.dtype) -> Callable[[Any], Any]:
    """PyTorch's conversion of a Python function's result to an element of ``dtype``."""
    if dtype.kind == "f":
        def to_float(value: Any) -> float:
            if not isinstance(value, (Real, np.number)):
                raise TypeError(f"must be real number, not {type(value).__name__}")
            return float(value)
        return to_float
    def to_int(value: Any) -> int:
        return int(value) if isinstance(value, (float, np.floating)) else operator.index(value)
    if dtype.kind == "b":
        return lambda value: bool(value) if isinstance(value, (float, np.floating)) \
            else bool(to_int(value))
    return to_int


def _check_not_grad(t: Tensor, op: str) -> None:
    if t.requires_grad:
        raise RuntimeError(f"Can't call {op}() on Variable that requires grad. Use "
                           f"var.detach().{op}() instead.")


def apply_(t: Tensor, callable: Callable[[Any], Any]) -> Tensor:
    """Each element x of t replaced by callable(x) (a Python number), in place."""
    _check_not_grad(t, "apply_")
    convert = _converter(t.dtype)
    values = [convert(callable(x)) for x in t.data.reshape(-1).tolist()]
    t._write("apply_", np.array(values, t.dtype).reshape(t.shape))
    return t


def map_(t: Tensor, tensor: Tensor, callable: Callable[[Any, Any], Any]) -> Tensor:
    """Each element x of t replaced by callable(x, y), y the matching element of
    ``tensor`` broadcast to t's shape (of t's dtype), in place."""
    _check_not_grad(t, "map_")
    if not isinstance(tensor, Tensor):
        raise TypeError(f"map_(): argument 'tensor' (position 1) must be Tensor, not "
                        f"{type(tensor).__name__}")
    if tensor.dtype != t.dtype:
        raise TypeError(f"map_: expected {t.type()} for 'other' (got {tensor.type()})")
    other = tensor.expand(t.shape).data
    convert = _converter(t.dtype)
    values = [convert(callable(x, y)) for x, y in
              zip(t.data.reshape(-1).tolist(), other.reshape(-1).tolist())]
    t._write("map_", np.array(values, t.dtype).reshape(t.shape))
    return t
