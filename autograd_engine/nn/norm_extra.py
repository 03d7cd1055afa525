"""More normalisation layers: ``BatchNorm3d``, ``InstanceNorm1d/2d/3d``, ``RMSNorm`` and
``LocalResponseNorm``, with PyTorch's arguments, defaults, state and reprs."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from ..ops.norm import as_normalized_shape
from ..ops.norm_extra import instance_norm, local_response_norm, rms_norm
from ..tensor import Tensor
from . import init
from .layers import _dtype
from .module import Module, Parameter
from .norm import _BatchNorm, _NormBase


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of volumes (N, C, D, H, W): statistics over N, D, H, W per
    channel."""

    input_ranks = (5,)
    rank_text = "5D"


class _InstanceNorm(_NormBase):
    """Normalisation of each sample's channels over their positions. Running statistics
    (``track_running_stats``) are used in evaluation; ``momentum=None`` leaves them as they
    are (PyTorch passes momentum 0). Subclasses fix the input's rank."""

    no_batch_dim = 0

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        batch_dims = (self.no_batch_dim, self.no_batch_dim + 1)
        if input.ndim not in batch_dims:
            raise ValueError(f"expected {batch_dims[0]}D or {batch_dims[1]}D input (got "
                             f"{input.ndim}D input)")
        feature_dim = input.ndim - self.no_batch_dim
        if input.shape[feature_dim] != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.shape[feature_dim]}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. "
                          "You can silence this warning by not passing in num_features, "
                          "which is not used because affine=False", UserWarning, stacklevel=2)
        if input.ndim == self.no_batch_dim:
            return self._instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._instance_norm(input)

    def _instance_norm(self, input: Tensor) -> Tensor:
        return instance_norm(input, self.running_mean, self.running_var, self.weight,
                             self.bias, self.training or not self.track_running_stats,
                             0.0 if self.momentum is None else self.momentum, self.eps)


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or unbatched (C, L)."""

    no_batch_dim = 2


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or unbatched (C, H, W)."""

    no_batch_dim = 3


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or unbatched (C, D, H, W)."""

    no_batch_dim = 4


class RMSNorm(Module):
    """y = x / sqrt(mean(x^2) + eps) * weight over the trailing ``normalized_shape`` dims;
    weight starts at ones, ``eps=None`` is the input dtype's machine epsilon."""

    def __init__(self, normalized_shape: Any, eps: Optional[float] = None,
                 elementwise_affine: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.normalized_shape = as_normalized_shape(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        self.weight = (Parameter(np.empty(self.normalized_shape, _dtype(dtype)))
                       if elementwise_affine else None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.weight is not None:
            init.ones_(self.weight)

    def forward(self, x: Tensor) -> Tensor:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """y = x / (k + alpha / size * sum of x^2 over ``size`` neighbouring channels) ** beta
    on (N, C, *)."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75,
                 k: float = 1.0) -> None:
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input: Tensor) -> Tensor:
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
