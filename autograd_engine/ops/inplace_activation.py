"""The in-place functional forms ``F.relu_``, ``elu_``, ``leaky_relu_``, ``hardtanh_``,
``selu_``, ``celu_`` and ``threshold_`` (``rrelu_`` is in stochastic.py): each is its
activation with ``inplace=True``, recorded in the graph as PyTorch records it (a leaf that
requires grad raises, any other tensor becomes the op's output)."""
from __future__ import annotations

from ..tensor import Tensor
from .activation import elu, leaky_relu, relu
from . import composed_activation
from .composed_activation import celu, hardtanh, selu
from .elementwise import where


def relu_(input: Tensor) -> Tensor:
    """max(x, 0) in place."""
    return relu(input, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """elu in place."""
    return elu(input, alpha, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """leaky_relu in place."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """hardtanh in place. As PyTorch's, it skips F.hardtanh's min_val <= max_val check: with
    min_val > max_val every element becomes max_val (NaN stays NaN), with zero gradient."""
    if min_val > max_val:  # (integer tensors clamp to the bounds truncated to ints)
        fill = max_val if input.dtype.kind == "f" else int(max_val)
        return input._inplace("hardtanh_", lambda t: where(t != t, t, fill))
    return hardtanh(input, min_val, max_val, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """selu in place."""
    return selu(input, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """celu in place."""
    return celu(input, alpha, inplace=True)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """threshold in place."""
    return composed_activation.threshold(input, threshold, value, inplace=True)
