"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm`` and ``GroupNorm``
(and ``_NormBase``, the state batch and instance norm share)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..grad_mode import no_grad
from ..ops.norm import batch_norm, group_norm, layer_norm
from ..tensor import Tensor
from . import init
from .layers import _dtype
from .module import Module, Parameter


def _reset_affine(weight: Optional[Parameter], bias: Optional[Parameter]) -> None:
    """The identity transform: weight ones, bias zeros (either may be absent)."""
    if weight is not None:
        init.ones_(weight)
    if bias is not None:
        init.zeros_(bias)


class _NormBase(Module):
    """What batch and instance norm share: per-channel ``weight`` (ones) and ``bias``
    (zeros) when ``affine``, and the buffers ``running_mean``, ``running_var`` and
    ``num_batches_tracked`` when ``track_running_stats``."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = _dtype(dtype)
        self.weight = Parameter(np.empty(num_features, dtype)) if affine else None
        self.bias = Parameter(np.empty(num_features, dtype)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        _reset_affine(self.weight, self.bias)

    def _upgrade_state_dict(self, state_dict: dict, prefix: str) -> None:
        """A checkpoint without ``num_batches_tracked`` (older PyTorch BatchNorm, or built by
        hand) loads and keeps the current count, as in PyTorch."""
        key = prefix + "num_batches_tracked"
        if self.track_running_stats and self.num_batches_tracked is not None \
                and key not in state_dict:
            state_dict[key] = self.num_batches_tracked

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Per-channel normalisation of (N, C, *) with batch statistics while training and the
    running ones (buffers ``running_mean``, ``running_var``) in evaluation.

    ``momentum=None`` makes the running statistics a cumulative average over the
    ``num_batches_tracked`` batches seen, as PyTorch. Subclasses fix the input's rank.
    """

    input_ranks: tuple = ()
    rank_text = ""

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self.input_ranks:
            raise ValueError(f"{type(self).__name__}: expected {self.rank_text} input (got "
                             f"{input.ndim}D input)")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            with no_grad():
                self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        # Batch statistics while training, and in eval when no running statistics exist.
        use_batch = self.training or self.running_mean is None
        track = not self.training or self.track_running_stats
        return batch_norm(input, self.running_mean if track else None,
                          self.running_var if track else None, self.weight, self.bias,
                          use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L): statistics over N (and L) per channel."""

    input_ranks = (2, 3)
    rank_text = "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images (N, C, H, W): statistics over N, H and W per channel."""

    input_ranks = (4,)
    rank_text = "4D"


class LayerNorm(Module):
    """Normalisation over the trailing ``normalized_shape`` dims with elementwise weight
    (ones) and bias (zeros) of that shape."""

    def __init__(self, normalized_shape: Any, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, np.integer)):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = _dtype(dtype)
        self.weight = (Parameter(np.ones(self.normalized_shape, dtype))
                       if elementwise_affine else None)
        self.bias = (Parameter(np.zeros(self.normalized_shape, dtype))
                     if elementwise_affine and bias else None)

    def reset_parameters(self) -> None:
        _reset_affine(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Normalisation of (N, C, *) over groups of ``num_channels / num_groups`` channels per
    sample (batch-size independent), with per-channel weight (ones) and bias (zeros)."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        if num_channels % num_groups:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels, self.eps, self.affine = (num_groups, num_channels,
                                                                     eps, affine)
        dtype = _dtype(dtype)
        self.weight = Parameter(np.ones(num_channels, dtype)) if affine else None
        self.bias = Parameter(np.zeros(num_channels, dtype)) if affine and bias else None

    def reset_parameters(self) -> None:
        _reset_affine(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")

