"""``RReLU``, ``Softmax2d``, ``ChannelShuffle`` and ``FeatureAlphaDropout``, with PyTorch's
arguments, checks and reprs."""
from __future__ import annotations

from ..ops.activation import softmax
from ..ops.channel_shuffle import channel_shuffle
from ..ops.stochastic import feature_alpha_dropout, rrelu
from ..tensor import Tensor
from .layers import Dropout
from .module import Module


class RReLU(Module):
    """y = x if x > 0 else a x: while training a ~ U(lower, upper) per element, in eval
    a = (lower + upper) / 2."""

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}" + \
            (", inplace=True" if self.inplace else "")


class Softmax2d(Module):
    """softmax over the channels of (N, C, H, W) or (C, H, W), at each position."""

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D "
                             "instead")
        return softmax(input, -3)


class ChannelShuffle(Module):
    """Interleave the channels of (N, C, *) from ``groups`` groups (ShuffleNet)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


class FeatureAlphaDropout(Dropout):
    """Alpha dropout of whole channels (dim 1 of (N, C, *)) while training. As PyTorch's, it
    never works in place: ``inplace`` is only stored and printed."""

    def forward(self, input: Tensor) -> Tensor:
        return feature_alpha_dropout(input, self.p, self.training)
