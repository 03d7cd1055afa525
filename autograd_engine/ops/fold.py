"""``unfold`` (im2col: every sliding block of an image as a column) and ``fold`` (its adjoint,
col2im: columns summed back into an image), on the conv kernels. Each is the other's
gradient, so derivatives of every order use the same two ops."""
from __future__ import annotations

from typing import Any

from ..function import Function, register
from ..kernels import conv as _conv_kernels
from ..tensor import Tensor
from .conv import Geometry, _check_float, _out_size, _pair


@register
class Unfold(Function):
    """y = im2col(x), (N, C * kh * kw, L);  dx = fold(g)"""

    @staticmethod
    def forward(ctx, x, kernel, geometry, blocks):
        ctx.meta = (x.shape[2:], kernel, geometry, blocks)
        return _conv_kernels.im2col(x, kernel, geometry.stride, geometry.padding,
                                    geometry.dilation, blocks)

    @staticmethod
    def backward(ctx, g):
        size, kernel, geometry, blocks = ctx.meta
        return Fold.apply(g, size, kernel, geometry, blocks), None, None, None


@register
class Fold(Function):
    """y = col2im(cols) onto (N, C, H, W);  dcols = unfold(g)"""

    @staticmethod
    def forward(ctx, cols, size, kernel, geometry, blocks):
        ctx.meta = (kernel, geometry, blocks)
        channels = cols.shape[1] // (kernel[0] * kernel[1])
        return _conv_kernels.col2im(cols, (cols.shape[0], channels) + tuple(size), kernel,
                                    geometry.stride, geometry.padding, geometry.dilation,
                                    blocks)

    @staticmethod
    def backward(ctx, g):
        kernel, geometry, blocks = ctx.meta
        return Unfold.apply(g, kernel, geometry, blocks), None, None, None, None


def _geometry(op: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> tuple:
    kernel = _pair(kernel_size, "kernel_size", op)
    geometry = Geometry(_pair(stride, "stride", op), _pair(padding, "padding", op),
                        _pair(dilation, "dilation", op))
    for name, values, low in (("kernel_size", kernel, 1), ("stride", geometry.stride, 1),
                              ("dilation", geometry.dilation, 1),
                              ("padding", geometry.padding, 0)):
        if min(values) < low:
            need = "non-negative" if low == 0 else "greater than zero"
            raise RuntimeError(f"{op}: {name} should be {need}, but got {name}={values}")
    return kernel, geometry


def _blocks(op: str, size: tuple, kernel: tuple, geometry: Geometry) -> tuple:
    blocks = tuple(_out_size(s, k, st, p, d) for s, k, st, p, d in zip(
        size, kernel, geometry.stride, geometry.padding, geometry.dilation))
    if min(blocks) < 1:
        raise RuntimeError(f"{op}: Given input spatial size {tuple(size)}, kernel_size "
                           f"{kernel}, dilation {geometry.dilation}, padding "
                           f"{geometry.padding}, stride {geometry.stride}, the calculated "
                           f"shape of the array of sliding blocks is {blocks}, which is too "
                           "small (non-positive)")
    return blocks


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
           stride: Any = 1) -> Tensor:
    """Sliding blocks of (N, C, H, W) (or (C, H, W)) as columns: (N, C * kh * kw, L), L the
    number of blocks, in PyTorch's order."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"unfold: Expected 3D (unbatched) or 4D (batched) input, but got "
                           f"input of size: {list(input.shape)}")
    _check_float("unfold", input)
    kernel, geometry = _geometry("unfold", kernel_size, dilation, padding, stride)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    out = Unfold.apply(x, kernel, geometry, _blocks("unfold", x.shape[2:], kernel, geometry))
    return out if input.ndim == 4 else out.squeeze(0)


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1,
         padding: Any = 0, stride: Any = 1) -> Tensor:
    """The adjoint of ``unfold``: columns (N, C * kh * kw, L) (or unbatched) summed back into
    images of spatial size ``output_size`` (overlapping blocks add up)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"fold: Expected 2D (unbatched) or 3D (batched) input, but got "
                           f"input of size: {list(input.shape)}")
    _check_float("fold", input)
    size = _pair(output_size, "output_size", "fold")
    kernel, geometry = _geometry("fold", kernel_size, dilation, padding, stride)
    cols = input if input.ndim == 3 else input.unsqueeze(0)
    if cols.shape[1] % (kernel[0] * kernel[1]):
        raise RuntimeError(f"fold: Expected size of input's dimension 1 to be divisible by the "
                           f"product of kernel_size, but got input.size(1)={cols.shape[1]} and "
                           f"kernel_size={kernel}")
    blocks = _blocks("fold", size, kernel, geometry)
    if cols.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f"fold: Given output_size={size}, kernel_size={kernel}, dilation="
                           f"{geometry.dilation}, padding={geometry.padding}, stride="
                           f"{geometry.stride}, expected size of input's dimension 2 to match "
                           f"the calculated number of sliding blocks {blocks[0]} * {blocks[1]} "
                           f"= {blocks[0] * blocks[1]}, but got input.size(2)={cols.shape[2]}.")
    out = Fold.apply(cols, size, kernel, geometry, blocks)
    return out if input.ndim == 3 else out.squeeze(0)
