"""2-D convolution and max-pooling on (N, C, H, W) tensors (or unbatched (C, H, W)).

Convolution is im2col + batched GEMM. Its two gradients are convolutions too, and the three
ops are bilinear and closed under differentiation, so every order of derivative reuses the
same kernels: with ``conv(x, w)``, ``conv_t(g, w)`` (the transposed convolution: gradient
wrt x) and ``conv_w(x, g)`` (gradient wrt w),
``<conv(x, w), g> = <x, conv_t(g, w)> = <w, conv_w(x, g)>``.
"""
from __future__ import annotations

import math

from typing import Any, NamedTuple, Optional, Union

import numpy as np

from ..kernels import conv as _conv_kernels
from .linalg import matmul_arrays
from .shape import pad as _pad
from ..function import Function, register
from ..tensor import Tensor

IntPair = Union[int, tuple]


class Geometry(NamedTuple):
    """Stride, padding and dilation as (height, width) pairs, and the channel groups."""

    stride: tuple
    padding: tuple
    dilation: tuple
    groups: int = 1


# --- argument checks -----------------------------------------------------------------------


def _pair(value: Any, name: str, op: str) -> tuple:
    """An int or a 1- or 2-sequence of ints as an (h, w) pair."""
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value), int(value)
    if isinstance(value, (tuple, list)) and len(value) in (1, 2) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return (int(value[0]),) * 2 if len(value) == 1 else (int(value[0]), int(value[1]))
    raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of 2 "
                       f"values to match the convolution dimensions, but got {name}={value!r}")


def _out_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _check_float(op: str, x: Tensor) -> None:
    if x.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point input, got dtype {x.dtype}")


def padding_string_error(padding: str, stride: tuple) -> Optional[str]:
    """Why a string padding is invalid for a convolution of ``stride`` (any number of dims),
    or None; modules raise it as ValueError, functions as RuntimeError (as PyTorch)."""
    if padding not in ("valid", "same"):
        return f"Invalid padding string {padding!r}, should be one of {{'same', 'valid'}}"
    if padding == "same" and any(s != 1 for s in stride):
        return f"padding='same' is not supported for strided convolutions (stride={stride})"
    return None


def same_padding(kernel: tuple, dilation: tuple) -> tuple:
    """PyTorch's padding='same' as (before, after) per spatial dim: the total
    ``dilation * (kernel - 1)`` split in two, the odd unit (an even kernel) after."""
    totals = (d * (k - 1) for k, d in zip(kernel, dilation))
    return tuple((t // 2, t - t // 2) for t in totals)


def _conv_padding(padding: Any, kernel: tuple, dilation: tuple, stride: tuple) -> tuple:
    """(the symmetric (h, w) padding, the extra (h, w) padding after) for integer padding or
    PyTorch's 'valid' / 'same'."""
    if not isinstance(padding, str):
        return _pair(padding, "padding", "conv2d"), (0, 0)
    error = padding_string_error(padding, stride)
    if error:
        raise RuntimeError(f"conv2d: {error}")
    if padding == "valid":
        return (0, 0), (0, 0)
    pairs = same_padding(kernel, dilation)
    return tuple(lo for lo, _ in pairs), tuple(hi - lo for lo, hi in pairs)


def _check_weight_and_geometry(op: str, x: Tensor, weight: Tensor, geometry: Geometry,
                               channels: str, dilation_error: str) -> None:
    """Checks conv2d and conv_transpose2d share (weight rank and dtype, stride, padding,
    dilation, groups dividing dim 0 of the weight), in PyTorch's words; ``channels`` names the
    weight's first two dims."""
    _check_float(op, x)
    if weight.ndim != 4:
        raise RuntimeError(f"{op}: expected weight to be 4-dimensional ({channels} / groups, "
                           f"kH, kW), but got weight of size {list(weight.shape)}")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"{op}: Input type ({x.dtype}) and weight type ({weight.dtype}) "
                           "should be the same")
    if any(s <= 0 for s in geometry.stride):
        raise RuntimeError(f"{op}: non-positive stride is not supported")
    if any(p < 0 for p in geometry.padding):
        raise RuntimeError(f"{op}: negative padding is not supported")
    if any(d <= 0 for d in geometry.dilation):
        raise RuntimeError(f"{op}: {dilation_error}")
    groups = geometry.groups
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got {groups!r}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{op}: Given groups={groups}, expected weight to be divisible "
                           f"by {groups} at dimension 0, but got weight of size "
                           f"{list(weight.shape)} instead")


def _check_conv(x: Tensor, weight: Tensor, bias: Optional[Tensor], geometry: Geometry) -> None:
    """PyTorch's conv2d argument checks and messages."""
    _check_weight_and_geometry("conv2d", x, weight, geometry, "out_channels, in_channels",
                               "non-positive dilation is not supported")
    groups, out_channels = geometry.groups, weight.shape[0]
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"conv2d: Given groups={groups}, weight of size "
                           f"{list(weight.shape)}, expected input{list(x.shape)} to have "
                           f"{weight.shape[1] * groups} channels, but got {x.shape[1]} "
                           "channels instead")
    if bias is not None and (bias.shape != (out_channels,) or bias.dtype != weight.dtype):
        raise RuntimeError(f"conv2d: Given weight of size {list(weight.shape)}, expected bias "
                           f"to be 1-dimensional with {out_channels} elements of dtype "
                           f"{weight.dtype}, but got bias of size {list(bias.shape)} and "
                           f"dtype {bias.dtype} instead")
    kernel = weight.shape[2:]
    padded = [s + 2 * p for s, p in zip(x.shape[2:], geometry.padding)]
    effective = [d * (k - 1) + 1 for k, d in zip(kernel, geometry.dilation)]
    if any(e > p for e, p in zip(effective, padded)):
        raise RuntimeError(f"conv2d: Calculated padded input size per channel: "
                           f"({padded[0]} x {padded[1]}). Kernel size: ({effective[0]} x "
                           f"{effective[1]}). Kernel size can't be greater than actual input "
                           "size")


# --- array-level convolutions --------------------------------------------------------------


def _spatial_out(in_size: tuple, kernel: tuple, geometry: Geometry) -> tuple:
    return tuple(_out_size(s, k, st, p, d) for s, k, st, p, d in zip(
        in_size, kernel, geometry.stride, geometry.padding, geometry.dilation))


def _columns(x: np.ndarray, kernel: tuple, geometry: Geometry, out_size: tuple) -> np.ndarray:
    """im2col of x as (N, groups, C/groups * kh * kw, oh * ow)."""
    cols = _conv_kernels.im2col(x, kernel, geometry.stride, geometry.padding,
                               geometry.dilation, out_size)
    # (sizes written out: numpy cannot infer a -1 when the batch is empty)
    return cols.reshape(x.shape[0], geometry.groups, cols.shape[1] // geometry.groups,
                        cols.shape[2])


def _conv(x: np.ndarray, w: np.ndarray, geometry: Geometry) -> tuple:
    """(y, im2col columns of x): y[n, o] = sum_{c,i,j} w[o,c,i,j] x[n, c, s*y-p+d*i, s*x-p+d*j]."""
    kernel = w.shape[2:]
    out_size = _spatial_out(x.shape[2:], kernel, geometry)
    cols = _columns(x, kernel, geometry, out_size)
    w_mat = w.reshape(geometry.groups, w.shape[0] // geometry.groups, -1)
    return matmul_arrays(w_mat, cols).reshape((x.shape[0], w.shape[0]) + out_size), cols


def _conv_t(g: np.ndarray, w: np.ndarray, in_size: tuple, geometry: Geometry) -> np.ndarray:
    """Gradient of ``_conv`` wrt x: col2im(w^T @ g) onto an input of spatial size in_size."""
    groups = geometry.groups
    n_batch = g.shape[0]
    g_mat = g.reshape(n_batch, groups, g.shape[1] // groups, math.prod(g.shape[2:]))
    w_mat = w.reshape(groups, w.shape[0] // groups, -1)
    cols = matmul_arrays(w_mat.transpose(0, 2, 1), g_mat).reshape(
        n_batch, groups * w_mat.shape[2], g_mat.shape[3])
    shape = (n_batch, w.shape[1] * groups) + tuple(in_size)
    return _conv_kernels.col2im(cols, shape, w.shape[2:], geometry.stride, geometry.padding,
                               geometry.dilation, g.shape[2:])


def _conv_w(x: np.ndarray, g: np.ndarray, kernel: tuple, geometry: Geometry,
            cols: Optional[np.ndarray]) -> np.ndarray:
    """Gradient of ``_conv`` wrt w: sum over the batch of g @ im2col(x)^T (cols if given)."""
    groups = geometry.groups
    if cols is None:
        cols = _columns(x, kernel, geometry, g.shape[2:])
    g_mat = g.reshape(g.shape[0], groups, g.shape[1] // groups, math.prod(g.shape[2:]))
    grad = matmul_arrays(g_mat, cols.transpose(0, 1, 3, 2)).sum(axis=0)
    return grad.reshape((g.shape[1], x.shape[1] // groups) + tuple(kernel))


# --- ops -----------------------------------------------------------------------------------


@register
class Conv2d(Function):
    """y = conv(x, w) + b;  dx = conv_t(g, w), dw = conv_w(x, g), db = sum of g over (n, h, w)"""

    @staticmethod
    def forward(ctx, x, w, b, geometry):
        out, cols = _conv(x, w, geometry)
        # The columns make the weight gradient one GEMM; freed with the graph's buffers.
        ctx.save_for_backward(x, w, cols)
        ctx.geometry = geometry
        if b is not None:
            out += b.reshape(-1, 1, 1)
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, cols = ctx.saved_tensors
        geometry = ctx.geometry
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = Conv2dBackwardInput.apply(g, w, x.shape[2:], geometry)
        if ctx.needs_input_grad[1]:
            dw = Conv2dBackwardWeight.apply(x, g, w.shape[2:], geometry, cols.data)
        if ctx.needs_input_grad[2]:
            db = g.sum((0, 2, 3))
        return dx, dw, db, None


@register
class Conv2dBackwardInput(Function):
    """z = conv_t(g, w);  dg = conv(gg, w), dw = conv_w(gg, g)"""

    @staticmethod
    def forward(ctx, g, w, in_size, geometry):
        ctx.save_for_backward(g, w)
        ctx.geometry = geometry
        return _conv_t(g, w, in_size, geometry)

    @staticmethod
    def backward(ctx, gg):
        g, w = ctx.saved_tensors
        dg = Conv2d.apply(gg, w, None, ctx.geometry) if ctx.needs_input_grad[0] else None
        dw = (Conv2dBackwardWeight.apply(gg, g, w.shape[2:], ctx.geometry, None)
              if ctx.needs_input_grad[1] else None)
        return dg, dw, None, None


@register
class Conv2dBackwardWeight(Function):
    """z = conv_w(x, g);  dx = conv_t(g, gw), dg = conv(x, gw)

    ``cols`` are the forward's im2col columns of x when available (else recomputed)."""

    @staticmethod
    def forward(ctx, x, g, kernel, geometry, cols):
        ctx.save_for_backward(x, g)
        ctx.geometry = geometry
        return _conv_w(x, g, kernel, geometry, cols)

    @staticmethod
    def backward(ctx, gw):
        x, g = ctx.saved_tensors
        dx = (Conv2dBackwardInput.apply(g, gw, x.shape[2:], ctx.geometry)
              if ctx.needs_input_grad[0] else None)
        dg = Conv2d.apply(x, gw, None, ctx.geometry) if ctx.needs_input_grad[1] else None
        return dx, dg, None, None, None


@register
class MaxPool2d(Function):
    """y = max over each window;  dx = g scattered to each window's (first) argmax"""

    @staticmethod
    def forward(ctx, x, kernel, geometry, out_size, indices_out):
        out, index = _conv_kernels.max_pool2d_fwd(x, kernel, geometry.stride,
                                                 geometry.padding, geometry.dilation, out_size)
        ctx.index = index
        ctx.in_shape = x.shape
        indices_out.append(index)  # the caller's return_indices value; not saved state
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxPool2dBackward.apply(g, ctx.index, ctx.in_shape), None, None, None, None


@register
class MaxPool2dBackward(Function):
    """z[n, c].flat[index] += g;  dg = gg[n, c].flat[index] (a gather, linear in gg)"""

    @staticmethod
    def forward(ctx, g, index, in_shape):
        ctx.index = index
        return _conv_kernels.max_pool2d_bwd(g, index, in_shape)

    @staticmethod
    def backward(ctx, gg):
        index = ctx.index
        n_batch, channels = index.shape[:2]
        planes = np.arange(n_batch * channels).reshape(-1, 1)
        rows = n_batch * channels
        flat = gg.reshape(rows, math.prod(gg.shape[2:]))[planes, index.reshape(
            rows, math.prod(index.shape[2:]))]
        return flat.reshape(index.shape), None, None


# --- public functions ----------------------------------------------------------------------


def _batched(x: Tensor, op: str) -> tuple:
    """(x as 4-D, whether it was unbatched): PyTorch accepts (C, H, W) and (N, C, H, W)."""
    if x.ndim == 4:
        return x, False
    if x.ndim == 3:
        return x.unsqueeze(0), True
    raise RuntimeError(f"{op}: Expected 3D (unbatched) or 4D (batched) input to {op}, but "
                       f"got input of size: {list(x.shape)}")


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntPair = 1,
           padding: Union[IntPair, str] = 0, dilation: IntPair = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) with (O, C / groups, kH, kW), plus bias (O,)."""
    x, unbatched = _batched(input, "conv2d")
    stride = _pair(stride, "stride", "conv2d")
    dilation = _pair(dilation, "dilation", "conv2d")
    kernel = tuple(weight.shape[2:]) if weight.ndim == 4 else (1, 1)
    padding, extra = _conv_padding(padding, kernel, dilation, stride)
    if any(extra):  # 'same' with an even effective kernel: PyTorch zero-pads the rest after
        x = _pad(x, (0, extra[1], 0, extra[0]))
    geometry = Geometry(stride, padding, dilation, groups)
    _check_conv(x, weight, bias, geometry)
    out = Conv2d.apply(x, weight, bias, geometry)
    return out.squeeze(0) if unbatched else out


def _pool_out_size(size: int, kernel: int, stride: int, padding: int, dilation: int,
                   ceil_mode: bool) -> int:
    """PyTorch's pooling_output_shape: the last window must start inside the (left-padded) input."""
    numerator = size + 2 * padding - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = numerator // stride + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def pool_too_small(op: str, shape: tuple, out_size: tuple) -> None:
    """PyTorch's error for an empty window grid, naming the input and output sizes."""
    c, h, w = shape[-3:]
    raise RuntimeError(f"{op}: Given input size: ({c}x{h}x{w}). Calculated output size: "
                       f"({c}x{out_size[0]}x{out_size[1]}). Output size is too small")


def max_pool2d(input: Tensor, kernel_size: IntPair, stride: Optional[IntPair] = None,
               padding: IntPair = 0, dilation: IntPair = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Maximum over kH x kW windows of (N, C, H, W) or (C, H, W); padding counts as -inf."""
    x, unbatched = _batched(input, "max_pool2d")
    _check_float("max_pool2d", x)
    kernel = _pair(kernel_size, "kernel_size", "max_pool2d")
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride", "max_pool2d")
    padding = _pair(padding, "padding", "max_pool2d")
    dilation = _pair(dilation, "dilation", "max_pool2d")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"max_pool2d: kernel size should be greater than zero, but got "
                           f"kH: {kernel[0]} kW: {kernel[1]}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"max_pool2d: stride should be greater than zero, but got "
                           f"dH: {stride[0]} dW: {stride[1]}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"max_pool2d: dilation should be greater than zero, but got "
                           f"dilationH: {dilation[0]} dilationW: {dilation[1]}")
    if any(p < 0 or p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"max_pool2d: pad should be at most half of effective kernel size, "
                           f"but got pad={padding}, kernel_size={kernel} and "
                           f"dilation={dilation}")
    out_size = tuple(_pool_out_size(*args, ceil_mode) for args in zip(
        x.shape[2:], kernel, stride, padding, dilation))
    if min(out_size) < 1 or 0 in x.shape[1:]:
        pool_too_small("max_pool2d", x.shape, out_size)
    indices: list = []
    out = MaxPool2d.apply(x, kernel, Geometry(stride, padding, dilation), out_size, indices)
    index = Tensor(indices[0])
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def max_pool2d_with_indices(input: Tensor, kernel_size: IntPair,
                            stride: Optional[IntPair] = None, padding: IntPair = 0,
                            dilation: IntPair = 1, ceil_mode: bool = False) -> tuple:
    """max_pool2d's (values, indices)."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode,
                      return_indices=True)


def _check_conv_transpose(x: Tensor, weight: Tensor, bias: Optional[Tensor],
                          geometry: Geometry, output_padding: tuple) -> tuple:
    """PyTorch's conv_transpose2d argument checks and messages; the output spatial size."""
    op = "conv_transpose2d"
    stride, padding, dilation, groups = geometry
    _check_weight_and_geometry(op, x, weight, geometry, "in_channels, out_channels",
                               f"dilation should be greater than zero, but got dilation_height:"
                               f" {dilation[0]}, dilation_width: {dilation[1]}")
    if any(p < 0 for p in output_padding):
        raise RuntimeError(f"{op}: negative output_padding is not supported")
    if any(p >= s and p >= d for p, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            f"{op}: output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"{op}: Given transposed=1, weight of size {list(weight.shape)}, "
                           f"expected input{list(x.shape)} to have {weight.shape[0]} "
                           f"channels, but got {x.shape[1]} channels instead")
    out_channels = weight.shape[1] * groups
    if bias is not None and (bias.shape != (out_channels,) or bias.dtype != weight.dtype):
        raise RuntimeError(f"{op}: Given transposed=1, weight of size {list(weight.shape)}, "
                           f"expected bias to be 1-dimensional with {out_channels} elements "
                           f"of dtype {weight.dtype}, but got bias of size "
                           f"{list(bias.shape)} and dtype {bias.dtype} instead")
    out_size = tuple((n - 1) * s - 2 * p + d * (k - 1) + op_ + 1 for n, s, p, d, k, op_ in zip(
        x.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding))
    if min(out_size) < 1:
        raise RuntimeError(f"{op}: Given input size per channel: ({x.shape[2]} x "
                           f"{x.shape[3]}). Calculated output size per channel: "
                           f"({out_size[0]} x {out_size[1]}). Output size is too small")
    return out_size


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None,
                     stride: IntPair = 1, padding: IntPair = 0, output_padding: IntPair = 0,
                     groups: int = 1, dilation: IntPair = 1) -> Tensor:
    """2-D transposed convolution of (N, C_in, H, W) with (C_in, C_out / groups, kH, kW), plus
    bias (C_out,): the gradient of ``conv2d`` wrt its input, onto an output of spatial size
    ``(H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``."""
    op = "conv_transpose2d"
    x, unbatched = _batched(input, op)
    geometry = Geometry(_pair(stride, "stride", op), _pair(padding, "padding", op),
                        _pair(dilation, "dilation", op), groups)
    output_padding = _pair(output_padding, "output_padding", op)
    out_size = _check_conv_transpose(x, weight, bias, geometry, output_padding)
    if all(p < s for p, s in zip(output_padding, geometry.stride)):
        # conv2d maps out_size back onto the input's size: the three ops close as they are.
        out = Conv2dBackwardInput.apply(x, weight, out_size, geometry)
    else:
        # output_padding >= stride (allowed when < dilation): conv2d of out_size would not
        # give back the input's size, so transpose without padding (whose conv2d does), then
        # crop the padding and zero-fill the rows / columns past the full result.
        full_geometry = Geometry(geometry.stride, (0, 0), geometry.dilation, groups)
        full_size = tuple(s + 2 * p - op_ for s, p, op_ in zip(
            out_size, geometry.padding, output_padding))
        out = Conv2dBackwardInput.apply(x, weight, full_size, full_geometry)
        (ph, pw), (oh, ow) = geometry.padding, out_size
        out = out[:, :, ph:ph + oh, pw:pw + ow]
        missing = (oh - out.shape[2], ow - out.shape[3])
        if any(missing):
            out = _pad(out, (0, missing[1], 0, missing[0]))
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1)
    return out.squeeze(0) if unbatched else out
