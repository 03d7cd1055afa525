"""Pooling layers in 1, 2 and 3 dims: ``MaxPool AvgPool AdaptiveAvgPool AdaptiveMaxPool
MaxUnpool LPPool`` (1d/2d/3d), each the module form of its ``nn.functional`` function."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..ops.conv import IntTuple, as_tuple, max_pool2d
from ..ops.pool import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_unpool2d
from ..ops.pool_nd import (adaptive_avg_pool1d, adaptive_avg_pool3d, adaptive_max_pool1d,
                           adaptive_max_pool3d, avg_pool1d, avg_pool3d, lp_pool1d, lp_pool2d,
                           lp_pool3d, max_pool1d, max_pool3d, max_unpool1d, max_unpool3d)
from ..tensor import Tensor
from .module import Module


class _MaxPoolNd(Module):
    """Maximum over kernel_size windows (stride defaults to kernel_size)."""

    _function: Callable

    def __init__(self, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
                 padding: IntTuple = 0, dilation: IntTuple = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Any:
        return type(self)._function(input, self.kernel_size, self.stride, self.padding,
                                    self.dilation, ceil_mode=self.ceil_mode,
                                    return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                f", dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """``F.max_pool1d`` over (N, C, L) or (C, L)."""

    _function = staticmethod(max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """``F.max_pool2d`` over (N, C, H, W) or (C, H, W)."""

    _function = staticmethod(max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """``F.max_pool3d`` over (N, C, D, H, W) or (C, D, H, W)."""

    _function = staticmethod(max_pool3d)


class _AvgPoolNd(Module):
    """Mean over kernel_size windows (stride defaults to kernel_size)."""

    _function: Callable

    def __init__(self, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
                 padding: IntTuple = 0, ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: Optional[int] = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._function(input, self.kernel_size, self.stride, self.padding,
                                    self.ceil_mode, self.count_include_pad,
                                    self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """``F.avg_pool1d`` over (N, C, L) or (C, L); sizes kept as 1-tuples, as PyTorch."""

    def __init__(self, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
                 padding: IntTuple = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        kernel = as_tuple(kernel_size, 1, "kernel_size", "AvgPool1d")
        super().__init__(kernel, as_tuple(stride if stride is not None else kernel, 1,
                                          "stride", "AvgPool1d"),
                         as_tuple(padding, 1, "padding", "AvgPool1d"), ceil_mode,
                         count_include_pad)

    def forward(self, input: Tensor) -> Tensor:
        return avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


class AvgPool2d(_AvgPoolNd):
    """``F.avg_pool2d`` over (N, C, H, W) or (C, H, W)."""

    _function = staticmethod(avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """``F.avg_pool3d`` over (N, C, D, H, W) or (C, D, H, W)."""

    _function = staticmethod(avg_pool3d)


class _AdaptiveAvgPoolNd(Module):
    """Mean over an output_size grid of windows covering the input (1: global pooling)."""

    _function: Callable

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._function(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """``F.adaptive_avg_pool1d``."""

    _function = staticmethod(adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """``F.adaptive_avg_pool2d``."""

    _function = staticmethod(adaptive_avg_pool2d)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """``F.adaptive_avg_pool3d``."""

    _function = staticmethod(adaptive_avg_pool3d)


class _AdaptiveMaxPoolNd(_AdaptiveAvgPoolNd):
    """Maximum over an output_size grid of windows covering the input."""

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:
        return type(self)._function(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """``F.adaptive_max_pool1d``."""

    _function = staticmethod(adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """``F.adaptive_max_pool2d``."""

    _function = staticmethod(adaptive_max_pool2d)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """``F.adaptive_max_pool3d``."""

    _function = staticmethod(adaptive_max_pool3d)


class _MaxUnpoolNd(Module):
    """MaxPool's partial inverse: each value back at its pooling index, zeros elsewhere."""

    _function: Callable
    _dims: int

    def __init__(self, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
                 padding: IntTuple = 0) -> None:
        super().__init__()
        name, n = type(self).__name__, self._dims
        self.kernel_size = as_tuple(kernel_size, n, "kernel_size", name)
        self.stride = (self.kernel_size if stride is None
                       else as_tuple(stride, n, "stride", name))
        self.padding = as_tuple(padding, n, "padding", name)

    def forward(self, input: Tensor, indices: Tensor, output_size: Any = None) -> Tensor:
        return type(self)._function(input, indices, self.kernel_size, self.stride,
                                    self.padding, output_size)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """``F.max_unpool1d``."""

    _function, _dims = staticmethod(max_unpool1d), 1


class MaxUnpool2d(_MaxUnpoolNd):
    """``F.max_unpool2d``."""

    _function, _dims = staticmethod(max_unpool2d), 2


class MaxUnpool3d(_MaxUnpoolNd):
    """``F.max_unpool3d``."""

    _function, _dims = staticmethod(max_unpool3d), 3


class _LPPoolNd(Module):
    """(sum over each window of x^norm_type)^(1 / norm_type) (stride defaults to the
    kernel size)."""

    _function: Callable

    def __init__(self, norm_type: float, kernel_size: IntTuple,
                 stride: Optional[IntTuple] = None, ceil_mode: bool = False) -> None:
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._function(input, float(self.norm_type), self.kernel_size,
                                    self.stride, self.ceil_mode)

    def extra_repr(self) -> str:
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """``F.lp_pool1d``."""

    _function = staticmethod(lp_pool1d)


class LPPool2d(_LPPoolNd):
    """``F.lp_pool2d``."""

    _function = staticmethod(lp_pool2d)


class LPPool3d(_LPPoolNd):
    """``F.lp_pool3d``."""

    _function = staticmethod(lp_pool3d)
