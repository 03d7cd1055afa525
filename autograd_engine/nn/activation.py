"""Activation modules over ``ops/composed_activation.py``: ``Hardtanh``, ``ReLU6``,
``Hardsigmoid``, ``Hardswish``, ``Mish``, ``Softsign``, ``LogSigmoid``, ``GLU``, ``PReLU``
(learnable slopes), ``SELU``, ``CELU``, ``Softmin``, ``Tanhshrink``."""
from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from ..ops import composed_activation as A
from ..tensor import Tensor
from . import init
from .layers import _dtype, _inplace_repr
from .module import Module, Parameter


class _Elementwise(Module):
    """A parameter-free activation: ``fn(input)``, optionally in place."""

    fn: Callable  # set by each subclass

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return type(self).fn(input, inplace=self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class ReLU6(_Elementwise):
    """y = min(max(x, 0), 6)."""

    fn = staticmethod(A.relu6)


class Hardsigmoid(_Elementwise):
    """y = relu6(x + 3) / 6."""

    fn = staticmethod(A.hardsigmoid)

    def extra_repr(self) -> str:
        return ""  # PyTorch does not print inplace for this one


class Hardswish(_Elementwise):
    """y = x * relu6(x + 3) / 6."""

    fn = staticmethod(A.hardswish)

    def extra_repr(self) -> str:
        return ""  # PyTorch does not print inplace for this one


class Mish(_Elementwise):
    """y = x * tanh(softplus(x))."""

    fn = staticmethod(A.mish)


class SELU(_Elementwise):
    """y = scale * elu(x, alpha) with the self-normalising constants."""

    fn = staticmethod(A.selu)


class Softsign(Module):
    """y = x / (1 + |x|)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.softsign(input)


class LogSigmoid(Module):
    """y = log(sigmoid(x))."""

    def forward(self, input: Tensor) -> Tensor:
        return A.logsigmoid(input)


class Tanhshrink(Module):
    """y = x - tanh(x)."""

    def forward(self, input: Tensor) -> Tensor:
        return A.tanhshrink(input)


class Hardtanh(Module):
    """y = x clipped to [min_val, max_val]."""

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0,
                 inplace: bool = False) -> None:
        super().__init__()
        if not max_val > min_val:
            raise AssertionError(f"max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + \
            (", inplace=True" if self.inplace else "")


class CELU(Module):
    """y = x if x > 0 else alpha * (exp(x / alpha) - 1)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.celu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GLU(Module):
    """y = a * sigmoid(b) for the halves a, b of the input along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmin(Module):
    """y = softmax(-x) along ``dim``."""

    def __init__(self, dim: Optional[int] = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class PReLU(Module):
    """y = x if x > 0 else a * x, with a learnable slope ``a`` (one, or one per channel)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(np.full(num_parameters, init, _dtype(dtype)))

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return A.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Hardshrink(Module):
    """y = x where |x| > lambd, else 0."""

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return A.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """y = x - sign(x) lambd where |x| > lambd, else 0."""

    def forward(self, input: Tensor) -> Tensor:
        return A.softshrink(input, self.lambd)


class Threshold(Module):
    """y = x where x > threshold, else value."""

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}" + \
            (", inplace=True" if self.inplace else "")
