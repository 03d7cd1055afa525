"""PyTorch's deprecated resizing functions, ``upsample``, ``upsample_nearest`` and
``upsample_bilinear``: ``interpolate`` with PyTorch's deprecation warning (a UserWarning
pointing at the caller)."""
from __future__ import annotations

import warnings
from typing import Any, Optional

from ..tensor import Tensor
from .interpolate import interpolate


def _deprecated(name: str) -> None:
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=3)


def upsample(input: Tensor, size: Any = None, scale_factor: Any = None,
             mode: str = "nearest", align_corners: Optional[bool] = None) -> Tensor:
    """interpolate(input, size, scale_factor, mode, align_corners)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """interpolate(..., mode='nearest')."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: Any = None, scale_factor: Any = None) -> Tensor:
    """interpolate(..., mode='bilinear', align_corners=True)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)
