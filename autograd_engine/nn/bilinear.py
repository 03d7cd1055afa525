"""``Bilinear``: y = x1^T A x2 + b with PyTorch's parameters and initialisation."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..ops.bilinear import bilinear
from ..tensor import Tensor
from . import init
from .layers import _dtype
from .module import Module, Parameter


class Bilinear(Module):
    """weight (out, in1, in2) and bias (out,) start as U(+-1/sqrt(in1_features))."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        dtype = _dtype(dtype)
        self.weight = Parameter(np.empty((out_features, in1_features, in2_features), dtype))
        self.bias = Parameter(np.empty(out_features, dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
