"""Padding modules over ``F.pad``, with PyTorch's arguments, checks and reprs:
``ZeroPad{1,2,3}d``, ``ConstantPad{1,2,3}d``, ``ReflectionPad{1,2,3}d``,
``ReplicationPad{1,2,3}d`` and ``CircularPad{1,2,3}d``.

An int ``padding`` pads every side by it; a sequence is used as it is (PyTorch's
``_ntuple``, so ``ZeroPad2d((1, 2))`` pads only the last dim). The constant modules pad any
input with at least as many dims as padded ones; the others take an unbatched or batched
input, which ``F.pad`` checks (and ``CircularPad`` checks first, with its own message).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..ops.shape import pad
from ..tensor import Tensor
from .module import Module


def _sides(padding: Any, n: int) -> tuple:
    """``n`` copies of an int, or the given sequence as a tuple."""
    return tuple(padding) if isinstance(padding, Iterable) else (padding,) * n


class _PadNd(Module):
    """``F.pad(input, padding, mode)``; ``padded_dims`` padded dims, two sides each."""

    mode: str  # set by each family
    padded_dims: int  # set by each size

    def __init__(self, padding: Any) -> None:
        super().__init__()
        self.padding = _sides(padding, 2 * self.padded_dims)

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    mode = "constant"

    def __init__(self, padding: Any, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value`` (padding_left, padding_right)."""

    padded_dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value`` (left, right, top, bottom)."""

    padded_dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value`` (left, right, top, bottom, front, back)."""

    padded_dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: Any) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pad the last dim with zeros."""


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pad the last 2 dims with zeros."""


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pad the last 3 dims with zeros."""


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Reflect (C, W) or (N, C, W) about its edges; each pad must be < W."""

    padded_dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Reflect (C, H, W) or (N, C, H, W) about its edges."""

    padded_dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Reflect (C, D, H, W) or (N, C, D, H, W) about its edges."""

    padded_dims = 3


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Repeat the edge values of (C, W) or (N, C, W)."""

    padded_dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Repeat the edge values of (C, H, W) or (N, C, H, W)."""

    padded_dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Repeat the edge values of (C, D, H, W) or (N, C, D, H, W)."""

    padded_dims = 3


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        lo = self.padded_dims + 1
        if input.ndim not in (lo, lo + 1):
            raise ValueError(f"expected {lo}D or {lo + 1}D input (got {input.ndim}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Wrap (C, W) or (N, C, W) around: the start pads the end and the end the start."""

    padded_dims = 1


class CircularPad2d(_CircularPadNd):
    """Wrap (C, H, W) or (N, C, H, W) around in both spatial dims."""

    padded_dims = 2


class CircularPad3d(_CircularPadNd):
    """Wrap (C, D, H, W) or (N, C, D, H, W) around in the three spatial dims."""

    padded_dims = 3
