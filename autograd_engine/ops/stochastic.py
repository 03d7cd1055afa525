"""Randomised ops that draw from the library's generator (``ae.manual_seed`` makes them
reproducible): ``rrelu`` / ``rrelu_``, ``feature_alpha_dropout`` and ``gumbel_softmax``.

Each draws its noise as a constant array and multiplies or adds it with differentiable ops,
so the gradient uses the drawn values (rrelu's slopes, dropout's mask) and every order
differentiates.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..random import generator, rng
from ..tensor import Tensor
from .activation import dtype_name, leaky_relu, require_float, softmax
from .nn_ops import _SELU_ALPHA_PRIME, _dropout


# -- rrelu ------------------------------------------------------------------------------------
def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """x where x > 0, else a * x: while training a ~ U(lower, upper) drawn per element (the
    gradient is that slope), in eval a = (lower + upper) / 2."""
    return rrelu_with_generator(input, lower, upper, training, inplace, None)


def rrelu_with_generator(input: Tensor, lower: float, upper: float, training: bool,
                         inplace: bool, generator: Any) -> Tensor:
    """``rrelu`` drawing its slopes from ``generator`` (None: the default one)."""
    if lower > upper:
        raise RuntimeError(f"rrelu: Lower bound should be less than or equal to the upper "
                           f"bound (lower={lower}, upper={upper})")

    def compute(x: Tensor) -> Tensor:
        if not training:
            return leaky_relu(x, (lower + upper) / 2)
        require_float("rrelu_with_noise_out_cpu", x.data)
        # PyTorch draws a slope for each x <= 0 in order; the others keep slope 1
        slopes = np.ones(x.shape, x.dtype)
        negative = x.data <= 0
        slopes[negative] = rng(generator, "rrelu").uniform(lower, upper,
                                                          int(negative.sum()))
        return x * Tensor(slopes)

    return input._inplace("rrelu_", compute) if inplace else compute(input)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    """rrelu written into ``input``."""
    return rrelu(input, lower, upper, training, inplace=True)


# -- feature_alpha_dropout --------------------------------------------------------------------
def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """alpha_dropout with one draw per (sample, channel) (dims 0 and 1): a dropped channel
    is set to SELU's saturation -alpha', then a * y + b keeps zero mean, unit variance."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or input.data.size == 0:
        return input
    if p == 1.0:  # PyTorch multiplies by zeros, integer inputs included
        return _dropout(input, p, training, inplace, input.shape)
    if input.ndim < 2:
        raise RuntimeError(f"feature_alpha_dropout: Feature dropout requires at least 2 "
                           f"dimensions in the input, got shape {input.shape}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"feature_alpha_dropout: result type Float can't be cast to the "
                           f"desired output type {dtype_name(input.dtype)}")
    dtype = input.dtype.type
    keep = (generator().random(input.shape[:2]) >= p).astype(input.dtype)
    keep = keep.reshape(input.shape[:2] + (1,) * (input.ndim - 2))
    a = 1.0 / math.sqrt((_SELU_ALPHA_PRIME ** 2 * p + 1.0) * (1.0 - p))
    # PyTorch's order of float operations: b = (keep - 1) * alpha' a + alpha' a p
    shift = (keep - dtype(1)) * dtype(_SELU_ALPHA_PRIME * a) + dtype(_SELU_ALPHA_PRIME * a * p)
    scale = keep * dtype(a)
    if inplace:
        return input.mul_(scale).add_(shift)
    return input * Tensor(scale) + Tensor(shift)


# -- gumbel_softmax ---------------------------------------------------------------------------
def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """softmax((logits + g) / tau) along ``dim`` with g ~ Gumbel(0, 1); ``hard=True`` returns
    the one-hot of its argmax in the forward and the soft sample's gradient (straight
    through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    if logits.dtype.kind != "f":
        raise RuntimeError(f"gumbel_softmax: Exponential distribution is a continuous "
                           f"probability distribution. dtype must be a floating point but "
                           f"you specified {dtype_name(logits.dtype)}")
    draw_dtype = np.float32 if logits.dtype == np.float32 else np.float64
    exponential = generator().standard_exponential(logits.shape, dtype=draw_dtype)
    gumbels = Tensor((-np.log(exponential)).astype(logits.dtype))
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    return Tensor(_one_hot_of_max(y_soft.data, dim)) - y_soft.detach() + y_soft


def _one_hot_of_max(y: np.ndarray, dim: int) -> np.ndarray:
    """1 at the first maximum along ``dim``, 0 elsewhere."""
    if y.ndim == 0:
        return np.ones_like(y)
    index = np.expand_dims(np.argmax(y, axis=dim), dim)
    out = np.zeros_like(y)
    np.put_along_axis(out, index, 1, axis=dim)
    return out
