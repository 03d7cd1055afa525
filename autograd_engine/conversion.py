"""``asarray`` (a tensor sharing memory with a tensor or numpy array where it can, as
PyTorch's), ``scalar_tensor`` (a 0-d tensor of a number) and ``Tensor.new``, PyTorch's legacy
constructor."""
from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as np

from .creation import from_numpy, tensor
from .devices import check_cpu
from .dtypes import get_default_dtype
from .ops.linalg import torch_type_name
from .tensor import Tensor


def _cannot_alias(source: np.dtype, target: np.dtype) -> ValueError:
    return ValueError(f"can't alias tensor with dtype '{torch_type_name(source)}' into dtype "
                      f"'{torch_type_name(target)}'.")


def _from_tensor(obj: Tensor, dtype: Optional[np.dtype], copy: Optional[bool]) -> Tensor:
    """obj itself, or a copy when ``copy`` or (``copy`` None) a cast is needed: as PyTorch,
    a copy made from a tensor that requires grad is part of its graph."""
    cast = dtype is not None and dtype != obj.dtype
    if copy is False and cast:
        raise _cannot_alias(obj.dtype, dtype)
    if cast:
        return obj.to(dtype)
    return obj.clone() if copy else obj


def _from_array(obj: np.ndarray, dtype: Optional[np.dtype], copy: Optional[bool]) -> Tensor:
    cast = dtype is not None and dtype != obj.dtype
    if copy is False and cast:
        raise _cannot_alias(obj.dtype, dtype)
    if cast or copy:
        return tensor(obj, dtype)
    return from_numpy(obj)


def asarray(obj: Any, *, dtype: Any = None, device: Any = None, copy: Optional[bool] = None,
            requires_grad: Optional[bool] = None) -> Tensor:
    """``obj`` as a tensor: a tensor or numpy array is shared (the tensor itself) unless a
    dtype change or ``copy=True`` needs a copy; other data is converted as ``tensor``
    does. ``requires_grad`` defaults to the tensor's own. As PyTorch's, a leaf it returns
    gets ``requires_grad`` set; a non-leaf asked not to require grad comes back detached."""
    check_cpu(device, "asarray")
    dtype = None if dtype is None else np.dtype(dtype)
    if isinstance(obj, Tensor):
        out = _from_tensor(obj, dtype, copy)
        wanted = obj.requires_grad if requires_grad is None else bool(requires_grad)
        if out.grad_fn is not None and not wanted:
            return out.detach()
        return out.requires_grad_(wanted) if out.grad_fn is None else out
    if isinstance(obj, np.ndarray):
        out = _from_array(obj, dtype, copy)
    elif copy is False:  # other data cannot be shared
        if isinstance(obj, np.generic):
            raise RuntimeError("can't alias NumPy scalars. Either remove copy=False or "
                               "transform it in a ndarray. ")
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    else:
        out = tensor(obj, dtype)
    return out.requires_grad_(True) if requires_grad else out


def scalar_tensor(s: Any, *, dtype: Any = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
    """A 0-d tensor holding ``s``, of the default float dtype unless ``dtype``."""
    check_cpu(device, "scalar_tensor")
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, (numbers.Number, np.bool_)):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{type(s).__name__}")
    return tensor(np.asarray(s, dtype=dtype or get_default_dtype()),
                  requires_grad=requires_grad)


def legacy_new(template: Tensor, args: tuple, size: Any, device: Any) -> Tensor:
    """``template.new(*args, size=, device=)``, PyTorch's legacy constructor in the
    template's dtype: no arguments, an empty tensor; ints (or ``size``), an uninitialised
    tensor of that size; a sequence or array, its data; a tensor of the same dtype, an alias
    of it (in its graph)."""
    check_cpu(device, "new")
    if size is not None:
        if args:
            raise TypeError("new() received an invalid combination of arguments: both sizes "
                            "and size=")
        args = tuple(size)
    if len(args) == 1 and not isinstance(args[0], (int, np.integer)):
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype != template.dtype:
                raise TypeError(f"new(): expected {template.type()} (got {data.type()})")
            return data.view(data.shape)
        if isinstance(data, (list, tuple, np.ndarray)):
            return tensor(data, template.dtype)
        raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
    for s in args:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"new() received an invalid combination of arguments: sizes must "
                            f"be ints, got {type(s).__name__}")
    shape = tuple(int(s) for s in args) if args else (0,)
    if any(s < 0 for s in shape):
        negative = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {negative}: "
                           f"{list(shape)}")
    return Tensor(np.empty(shape, template.dtype))
