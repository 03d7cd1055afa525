"""``rms_norm``, ``instance_norm`` and ``local_response_norm`` as PyTorch's, composed of
differentiable ops (instance norm is batch norm over a (1, N * C, *) view, as PyTorch
computes it), so gradients of every order flow."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..grad_mode import no_grad
from ..tensor import Tensor
from .activation import require_float
from .norm import as_normalized_shape, batch_norm
from .shape import pad


def rms_norm(input: Tensor, normalized_shape: Any, weight: Optional[Tensor] = None,
             eps: Optional[float] = None) -> Tensor:
    """y = x / sqrt(mean(x^2) + eps) * weight over the trailing ``normalized_shape`` dims;
    ``eps=None`` is the machine epsilon of the input's dtype."""
    shape = as_normalized_shape(normalized_shape)
    k = len(shape)
    if k == 0:
        raise RuntimeError(f"rms_norm: Expected normalized_shape to be at least 1-dimensional, "
                           f"i.e., containing at least one element, but got normalized_shape "
                           f"= {list(shape)}")
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"rms_norm: Given normalized_shape={list(shape)}, expected input "
                           f"with shape [*{', '.join(map(str, shape))}], but got input of "
                           f"size{list(input.shape)}")
    if weight is not None and tuple(weight.shape) != shape:
        raise RuntimeError(f"rms_norm: Expected weight to be of same shape as "
                           f"normalized_shape, but got weight of shape {list(weight.shape)} "
                           f"and normalized_shape = {list(shape)}")
    require_float("rms_norm", input.data)
    eps = float(np.finfo(input.dtype).eps) if eps is None else float(eps)
    dims = tuple(range(input.ndim - k, input.ndim))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    if weight is not None:
        out = out * weight
    return out if out.dtype == input.dtype else out.to(input.dtype)


def instance_norm(input: Tensor, running_mean: Optional[Tensor] = None,
                  running_var: Optional[Tensor] = None, weight: Optional[Tensor] = None,
                  bias: Optional[Tensor] = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise (N, C, *) per sample and channel over the positions; with
    ``use_input_stats=False`` use the running statistics instead. Running statistics are
    updated with the average over the batch of each sample's statistics."""
    if use_input_stats and int(np.prod(input.shape[2:])) == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input "
                         f"size {list(input.shape)}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("instance_norm: Expected running_mean and running_var to be "
                           "defined when use_input_stats is false")
    if input.ndim < 2:
        raise IndexError(f"instance_norm: Dimension out of range (expected to be in range of "
                         f"[-{max(input.ndim, 1)}, {max(input.ndim - 1, 0)}], but got 1)")
    n_batch, channels = input.shape[:2]
    # running statistics of another float dtype are used (and updated) in the input's, as
    # PyTorch does here (its batch_norm refuses them)
    per_sample = [None if v is None else v.detach().to(input.dtype).repeat(n_batch)
                  for v in (running_mean, running_var)]
    repeated = [None if p is None else p.repeat(n_batch) for p in (weight, bias)]
    out = batch_norm(input.reshape((1, n_batch * channels) + input.shape[2:]), *per_sample,
                     *repeated, training=use_input_stats, momentum=momentum, eps=eps)
    with no_grad():
        for running, updated in zip((running_mean, running_var), per_sample):
            if running is not None:
                running.copy_(updated.reshape(n_batch, channels).mean(0))
    return out.reshape(input.shape)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """y = x / (k + alpha * mean of x^2 over ``size`` neighbouring channels) ** beta; the
    window of channel c is [c - size // 2, c + (size - 1) // 2], zero-padded, always
    divided by ``size``."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions)")
    if size < 1:
        raise RuntimeError(f"local_response_norm: size should be greater than zero, but got "
                           f"{size}")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    squares = (input * input).reshape(input.shape[0], channels, -1)
    padded = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    # a sum of shifted slices: O(size) passes, each window summed directly (a difference of
    # cumulative sums would lose precision; a banded matmul costs O(channels^2))
    total = padded[:, :channels]
    for shift in range(1, size):
        total = total + padded[:, shift:shift + channels]
    div = (total / size).reshape(input.shape)
    return input / (div * alpha + k) ** beta
