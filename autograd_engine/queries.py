"""Questions about tensors as functions, as PyTorch's: ``is_tensor``, ``is_floating_point``,
``is_complex``, ``is_nonzero``, ``is_inference``, ``numel``, ``typename`` and ``result_type``
(the dtype an arithmetic op of two operands gives)."""
from __future__ import annotations

from typing import Any

import numpy as np

from .ops._util import result_type as _promoted
from .tensor import Tensor


def _tensor(value: Any, op: str, name: str = "input", position: int = 1) -> Tensor:
    """``value``, or PyTorch's TypeError when it is not a Tensor."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {position}) must be Tensor, not "
                        f"{type(value).__name__}")
    return value


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return _tensor(input, "is_floating_point").dtype.kind == "f"


def is_complex(input: Tensor) -> bool:
    return _tensor(input, "is_complex").dtype.kind == "c"


def is_nonzero(input: Tensor) -> bool:
    """The truth of a one-element tensor; RuntimeError for any other size."""
    size = _tensor(input, "is_nonzero").data.size
    if size != 1:
        amount = "no values" if size == 0 else "more than one value"
        raise RuntimeError(f"is_nonzero: Boolean value of Tensor with {amount} is ambiguous "
                           f"(shape {input.shape})")
    return bool(input.data.reshape(()).item())


def numel(input: Tensor) -> int:
    return _tensor(input, "numel").data.size


def result_type(tensor: Any, other: Any) -> np.dtype:
    """The dtype of ``tensor op other`` (each a Tensor or a Python number) under PyTorch's
    promotion: dim tensors over 0-d tensors over numbers, within the highest category
    (bool < integer < float) present."""
    operands = []
    for value in (tensor, other):
        if isinstance(value, Tensor):
            operands.append(value.data)
        elif isinstance(value, (bool, int, float, np.number, np.bool_)):
            operands.append(value)
        else:
            raise TypeError(f"result_type(): arguments must be Tensors or Numbers, got "
                            f"{type(value).__name__}")
    return _promoted(*operands)


def is_inference(input: Tensor) -> bool:
    """Whether ``input`` is an inference tensor: never here (tensors made under
    ``inference_mode`` are ordinary tensors)."""
    return _tensor(input, "is_inference").is_inference()


def typename(obj: Any) -> str:
    """A tensor's type name (``autograd_engine.FloatTensor``, as ``Tensor.type()``), else the
    object's qualified name (``module.Class``, builtins unqualified)."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"
