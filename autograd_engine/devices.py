"""Devices. autograd_engine computes on the CPU; ``device``, the ``device=`` keyword of the
factories, ``Tensor.to(device)`` / ``.cpu()`` / ``.device`` and ``cuda.is_available()``
exist so that PyTorch code written for any device runs here unchanged on the CPU."""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional

_KNOWN = ("cpu", "cuda", "mps", "xpu", "meta")


class device:  # noqa: N801 - PyTorch's spelling
    """A device name such as ``device("cpu")`` or ``device("cuda", 0)``; only the CPU can
    hold tensors here."""

    __slots__ = ("type", "index")

    def __init__(self, type: Any = "cpu", index: Optional[int] = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, number = str(type).partition(":")
        if name not in _KNOWN:
            raise RuntimeError(f"Expected one of {', '.join(_KNOWN)} device type at start of "
                               f"device string: {type}")
        self.type = name
        self.index = int(number) if number else index

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, str):
            other = device(other)
        return (isinstance(other, device) and self.type == other.type
                and self.index == other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))


CPU = device("cpu")


def is_device(value: Any) -> bool:
    """Whether ``value`` names a device (a ``device``, a device string or a CUDA index)."""
    if isinstance(value, device):
        return True
    return isinstance(value, str) and value.partition(":")[0] in _KNOWN


def check_cpu(value: Any, op: str) -> None:
    """Accept None or the CPU; anything else is a RuntimeError naming ``op``."""
    if value is None or device(value).type == "cpu":
        return
    raise RuntimeError(f"{op}: autograd_engine computes on the CPU only, cannot use device "
                       f"{value!s} (check autograd_engine.cuda.is_available() first)")


def accepts_device(fn: Callable) -> Callable:
    """Give a factory PyTorch's ``device=`` keyword (CPU only) and ignore ``pin_memory=``."""
    @functools.wraps(fn)
    def factory(*args: Any, device: Any = None, pin_memory: bool = False,
                **kwargs: Any) -> Any:
        check_cpu(device, fn.__name__)
        return fn(*args, **kwargs)
    return factory
