"""Convolution and resizing layers: ``Conv1d Conv2d Conv3d``, ``ConvTranspose1d
ConvTranspose2d ConvTranspose3d``, ``Upsample``, ``Unfold`` and ``Fold`` (pooling layers are
in pooling.py)."""
from __future__ import annotations

import math
from typing import Any, Callable, Optional, Union

import numpy as np

from ..ops.conv import (IntPair, IntTuple, as_tuple, conv1d, conv2d, conv3d, conv_transpose1d,
                        conv_transpose2d, conv_transpose3d, padding_string_error, same_padding)
from ..ops.interpolate import interpolate
from ..ops.shape import pad
from ..ops.fold import fold, unfold
from ..tensor import Tensor
from . import init
from .layers import _dtype
from .module import Module, Parameter


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """Shared by the convolutions and their transposes: argument checks, the weight of shape
    ``weight_channels + kernel_size``, PyTorch's default init and repr. A subclass names its
    spatial rank (``_dims``) and its functional form (``_function``)."""

    _dims: int
    _function: Callable

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntTuple,
                 stride: IntTuple, padding: Union[IntTuple, str], dilation: IntTuple,
                 groups: int, bias: bool, padding_mode: str, transposed: bool,
                 output_padding: IntTuple, dtype: Any) -> None:
        super().__init__()
        op, n = type(self).__name__, self._dims
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = as_tuple(kernel_size, n, "kernel_size", op)
        self.stride = as_tuple(stride, n, "stride", op)
        if isinstance(padding, str):
            error = padding_string_error(padding, self.stride)
            if error:
                raise ValueError(f"{op}: {error}")
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"padding_mode must be one of {{'zeros', 'reflect', 'replicate', "
                             f"'circular'}}, but got padding_mode={padding_mode!r}")
        self.padding = padding if isinstance(padding, str) else as_tuple(padding, n, "padding",
                                                                          op)
        self.dilation = as_tuple(dilation, n, "dilation", op)
        self.output_padding = as_tuple(output_padding, n, "output_padding", op)
        self.groups = groups
        self.padding_mode = padding_mode
        channels = ((in_channels, out_channels // groups) if transposed
                    else (out_channels, in_channels // groups))
        dtype = _dtype(dtype)
        self.weight = Parameter(np.empty(channels + self.kernel_size, dtype))
        self.bias = Parameter(np.empty(out_channels, dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """kaiming_uniform_(a=sqrt(5)) for W (U(±1/sqrt(fan_in))), U(±1/sqrt(fan_in)) for b,
        fan_in from W's layout as PyTorch computes it."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        """PyTorch's format: non-default settings only."""
        n = self._dims
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    """y = conv(x, W, b); W (out, in / groups, *kernel). A padding_mode other than 'zeros'
    pads x by ``padding`` with ``F.pad(mode=padding_mode)``, then convolves unpadded."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntTuple,
                 stride: IntTuple = 1, padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, False, 0, dtype)

    def _pad_widths(self) -> tuple:
        """``F.pad``'s widths for the padding: PyTorch's ``_reversed_padding_repeated_twice``."""
        if self.padding == "valid":
            pairs: tuple = ((0, 0),) * self._dims
        elif self.padding == "same":
            pairs = same_padding(self.kernel_size, self.dilation)
        else:
            pairs = tuple((p, p) for p in self.padding)
        return tuple(w for pair in reversed(pairs) for w in pair)

    def forward(self, input: Tensor) -> Tensor:
        function = type(self)._function
        if self.padding_mode == "zeros":
            return function(input, self.weight, self.bias, self.stride, self.padding,
                            self.dilation, self.groups)
        padded = pad(input, self._pad_widths(), mode=self.padding_mode)
        return function(padded, self.weight, self.bias, self.stride, 0, self.dilation,
                        self.groups)


class Conv1d(_Conv):
    """y = conv1d(x, W, b); W (out, in / groups, k)."""

    _dims, _function = 1, staticmethod(conv1d)


class Conv2d(_Conv):
    """y = conv2d(x, W, b); W (out, in / groups, kH, kW)."""

    _dims, _function = 2, staticmethod(conv2d)


class Conv3d(_Conv):
    """y = conv3d(x, W, b); W (out, in / groups, kD, kH, kW)."""

    _dims, _function = 3, staticmethod(conv3d)


class _ConvTranspose(_ConvNd):
    """y = conv_transpose(x, W, b); W (in, out / groups, *kernel)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: IntTuple,
                 stride: IntTuple = 1, padding: IntTuple = 0, output_padding: IntTuple = 0,
                 groups: int = 1, bias: bool = True, dilation: IntTuple = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:
        if padding_mode != "zeros":  # checked first, as PyTorch
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride,
                         as_tuple(padding, self._dims, "padding", type(self).__name__),
                         dilation, groups, bias, padding_mode, True, output_padding, dtype)

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """The output_padding giving ``output_size`` (PyTorch's checks and messages)."""
        if output_size is None:
            return self.output_padding
        n = self._dims
        output_size = list(output_size.tolist() if isinstance(output_size, Tensor)
                           else output_size)
        non_spatial = 2 if input.ndim == n + 2 else 1
        if len(output_size) == non_spatial + n:
            output_size = output_size[non_spatial:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.ndim}D input, output_size must "
                             f"have {n} or {non_spatial + n} elements (got "
                             f"{len(output_size)})")
        min_sizes = [(s_in - 1) * s - 2 * p + d * (k - 1) + 1 for s_in, s, p, d, k in zip(
            input.shape[-n:], self.stride, self.padding, self.dilation, self.kernel_size)]
        max_sizes = [m + s - 1 for m, s in zip(min_sizes, self.stride)]
        if any(not lo <= size <= hi for size, lo, hi in zip(output_size, min_sizes,
                                                               max_sizes)):
            raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                             f"range from {min_sizes} to {max_sizes} (for an input of "
                             f"{tuple(input.shape[-n:])})")
        return tuple(int(size - lo) for size, lo in zip(output_size, min_sizes))

    def forward(self, input: Tensor, output_size: Optional[Any] = None) -> Tensor:
        return type(self)._function(input, self.weight, self.bias, self.stride, self.padding,
                                    self._output_padding(input, output_size), self.groups,
                                    self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """y = conv_transpose1d(x, W, b); W (in, out / groups, k)."""

    _dims, _function = 1, staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """y = conv_transpose2d(x, W, b); W (in, out / groups, kH, kW)."""

    _dims, _function = 2, staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTranspose):
    """y = conv_transpose3d(x, W, b); W (in, out / groups, kD, kH, kW)."""

    _dims, _function = 3, staticmethod(conv_transpose3d)


class Upsample(Module):
    """``interpolate(x, size, scale_factor, mode, align_corners)`` as a module."""

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: Optional[bool] = None,
                 recompute_scale_factor: Optional[bool] = None) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: Any = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                           recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        """PyTorch's format: the scale factor if given, else the size; then the mode."""
        if self.scale_factor is not None:
            info = f"scale_factor={self.scale_factor!r}"
        else:
            info = f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample`` with mode 'nearest'."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample`` with mode 'bilinear' and ``align_corners=True``."""

    def __init__(self, size: Any = None, scale_factor: Any = None) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)


class Unfold(Module):
    """Sliding blocks of an image as columns (``F.unfold``)."""

    def __init__(self, kernel_size: IntPair, dilation: IntPair = 1, padding: IntPair = 0,
                 stride: IntPair = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = (kernel_size, dilation,
                                                                      padding, stride)

    def forward(self, input: Tensor) -> Tensor:
        return unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns summed back into images of ``output_size`` (``F.fold``)."""

    def __init__(self, output_size: IntPair, kernel_size: IntPair, dilation: IntPair = 1,
                 padding: IntPair = 0, stride: IntPair = 1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size, self.dilation, self.padding, self.stride = (kernel_size, dilation,
                                                                      padding, stride)

    def forward(self, input: Tensor) -> Tensor:
        return fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")

