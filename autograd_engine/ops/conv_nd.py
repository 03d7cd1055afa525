"""1-D and 3-D convolutions (and their transposes) on (N, C, *spatial) tensors or unbatched
(C, *spatial).

A 1-D convolution is the 2-D one on a unit height, (N, C, L) -> (N, C, 1, L): its ops,
kernels and gradients of every order. The 3-D one mirrors the 2-D design in conv.py:
im2col + GEMM, with three bilinear ops closed under differentiation (``conv3d``, its
input gradient ``conv3d_t`` = the transposed convolution, its weight gradient ``conv3d_w``).
Its im2col is the 2-D kernel's over every (channel, depth) plane, then a strided copy that
picks each depth tap's planes; col2im is the adjoint, depth taps first.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Union

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function, register
from ..kernels import conv as _conv_kernels
from ..tensor import Tensor
from .conv import (Geometry, _check_float, _out_size, conv2d, conv_transpose2d,
                   padding_string_error, same_padding)
from .linalg import matmul_arrays
from .shape import pad as _pad

IntTuple = Union[int, tuple]
_NAMES = {1: ("width",), 3: ("depth", "height", "width")}


# --- argument forms and checks -------------------------------------------------------------


def as_tuple(value: Any, n: int, name: str, op: str) -> tuple:
    """An int or a 1- or n-sequence of ints as an n-tuple (PyTorch's expand_param_if_needed)."""
    if isinstance(value, Tensor):
        value = value.tolist()
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    if isinstance(value, (tuple, list)) and len(value) in (1, n) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        return tuple(int(v) for v in value) * (n if len(value) == 1 else 1)
    raise RuntimeError(f"{op}: expected {name} to be a single integer value or a list of {n} "
                       f"values to match the convolution dimensions, but got {name}={value!r}")


def _batched(x: Tensor, n: int, op: str) -> tuple:
    """(x with a batch dim, whether it was unbatched): (C, *spatial) or (N, C, *spatial)."""
    if x.ndim == n + 2:
        return x, False
    if x.ndim == n + 1:
        return x.unsqueeze(0), True
    raise RuntimeError(f"{op}: Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                       f"{op}, but got input of size: {list(x.shape)}")


def _sizes(values: Any) -> str:
    return " x ".join(str(v) for v in values)


def _check_common(op: str, x: Tensor, weight: Tensor, geometry: Geometry) -> None:
    """Checks a convolution and its transpose share, in PyTorch's words."""
    _check_float(op, x)
    if weight.ndim != x.ndim:
        raise RuntimeError(f"{op}: Expected {weight.ndim}-dimensional input for "
                           f"{weight.ndim}-dimensional weight {list(weight.shape)}, but got "
                           f"{x.ndim}-dimensional input of size {list(x.shape)} instead")
    if x.dtype != weight.dtype:
        raise RuntimeError(f"{op}: Input type ({x.dtype}) and weight type ({weight.dtype}) "
                           "should be the same")
    if any(s <= 0 for s in geometry.stride):
        raise RuntimeError(f"{op}: non-positive stride is not supported")
    if any(p < 0 for p in geometry.padding):
        raise RuntimeError(f"{op}: negative padding is not supported")
    if any(d <= 0 for d in geometry.dilation):
        names = _NAMES[len(geometry.dilation)]
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got " + ", ".join(
            f"dilation_{name}: {d}" for name, d in zip(names, geometry.dilation)))
    groups = geometry.groups
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups <= 0:
        raise RuntimeError(f"{op}: non-positive groups is not supported, got {groups!r}")
    if weight.shape[0] % groups:
        raise RuntimeError(f"{op}: Given groups={groups}, expected weight to be divisible "
                           f"by {groups} at dimension 0, but got weight of size "
                           f"{list(weight.shape)} instead")


def _check_bias(op: str, bias: Optional[Tensor], weight: Tensor, channels: int,
                transposed: bool) -> None:
    if bias is not None and (bias.shape != (channels,) or bias.dtype != weight.dtype):
        raise RuntimeError(f"{op}: Given {'transposed=1, ' if transposed else ''}weight of size "
                           f"{list(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{channels} elements of dtype {weight.dtype}, but got bias of size "
                           f"{list(bias.shape)} and dtype {bias.dtype} instead")


def check_conv(op: str, x: Tensor, weight: Tensor, bias: Optional[Tensor],
               geometry: Geometry) -> None:
    """PyTorch's convolution checks for a batched x of any spatial rank."""
    _check_common(op, x, weight, geometry)
    groups = geometry.groups
    if x.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"{op}: Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{list(x.shape)} to have {weight.shape[1] * groups} "
                           f"channels, but got {x.shape[1]} channels instead")
    _check_bias(op, bias, weight, weight.shape[0], False)
    padded = [s + 2 * p for s, p in zip(x.shape[2:], geometry.padding)]
    effective = [d * (k - 1) + 1 for k, d in zip(weight.shape[2:], geometry.dilation)]
    if any(e > p for e, p in zip(effective, padded)):
        raise RuntimeError(f"{op}: Calculated padded input size per channel: ({_sizes(padded)})"
                           f". Kernel size: ({_sizes(effective)}). Kernel size can't be greater "
                           "than actual input size")


def check_conv_transpose(op: str, x: Tensor, weight: Tensor, bias: Optional[Tensor],
                         geometry: Geometry, output_padding: tuple) -> tuple:
    """PyTorch's transposed-convolution checks for a batched x; the output spatial size."""
    _check_common(op, x, weight, geometry)
    if any(p < 0 for p in output_padding):
        raise RuntimeError(f"{op}: negative output_padding is not supported")
    if any(p >= s and p >= d for p, s, d in zip(output_padding, geometry.stride,
                                                geometry.dilation)):
        names = _NAMES[len(output_padding)]
        detail = " ".join(f"{label}_{name}: {v}" for label, values in (
            ("output_padding", output_padding), ("stride", geometry.stride),
            ("dilation", geometry.dilation)) for name, v in zip(names, values))
        raise RuntimeError(f"{op}: output padding must be smaller than either stride or "
                           f"dilation, but got {detail}")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"{op}: Given transposed=1, weight of size {list(weight.shape)}, "
                           f"expected input{list(x.shape)} to have {weight.shape[0]} channels, "
                           f"but got {x.shape[1]} channels instead")
    _check_bias(op, bias, weight, weight.shape[1] * geometry.groups, True)
    out_size = tuple((n - 1) * s - 2 * p + d * (k - 1) + op_ + 1 for n, s, p, d, k, op_ in zip(
        x.shape[2:], geometry.stride, geometry.padding, geometry.dilation, weight.shape[2:],
        output_padding))
    if min(out_size) < 1:
        raise RuntimeError(f"{op}: Given input size per channel: ({_sizes(x.shape[2:])}). "
                           f"Calculated output size per channel: ({_sizes(out_size)}). Output "
                           "size is too small")
    return out_size


def _conv_padding(op: str, padding: Any, kernel: tuple, stride: tuple,
                  dilation: tuple) -> tuple:
    """(the symmetric padding, the extra padding after) for integer padding or 'valid' /
    'same' (PyTorch zero-pads the odd unit of an even effective kernel after)."""
    if not isinstance(padding, str):
        return as_tuple(padding, len(kernel), "padding", op), (0,) * len(kernel)
    error = padding_string_error(padding, stride)
    if error:
        raise RuntimeError(f"{op}: {error}")
    if padding == "valid":
        return (0,) * len(kernel), (0,) * len(kernel)
    pairs = same_padding(kernel, dilation)
    return tuple(lo for lo, _ in pairs), tuple(hi - lo for lo, hi in pairs)


def _prepare_conv(op: str, n: int, input: Tensor, weight: Tensor, bias: Optional[Tensor],
                  stride: Any, padding: Any, dilation: Any, groups: int) -> tuple:
    """(batched x, checked Geometry, whether x was unbatched) for conv1d / conv3d."""
    x, unbatched = _batched(input, n, op)
    stride = as_tuple(stride, n, "stride", op)
    dilation = as_tuple(dilation, n, "dilation", op)
    kernel = tuple(weight.shape[2:]) if weight.ndim == n + 2 else (1,) * n
    padding, extra = _conv_padding(op, padding, kernel, stride, dilation)
    if any(extra):
        x = _pad(x, tuple(w for e in reversed(extra) for w in (0, e)))
    geometry = Geometry(stride, padding, dilation, groups)
    check_conv(op, x, weight, bias, geometry)
    return x, geometry, unbatched


def _prepare_transpose(op: str, n: int, input: Tensor, weight: Tensor, bias: Optional[Tensor],
                       stride: Any, padding: Any, output_padding: Any, groups: int,
                       dilation: Any) -> tuple:
    """(batched x, checked Geometry, output_padding, out size, whether x was unbatched)."""
    if isinstance(padding, str):
        raise TypeError(f"{op}(): argument 'padding' must be tuple of ints, not str")
    x, unbatched = _batched(input, n, op)
    geometry = Geometry(as_tuple(stride, n, "stride", op), as_tuple(padding, n, "padding", op),
                        as_tuple(dilation, n, "dilation", op), groups)
    output_padding = as_tuple(output_padding, n, "output_padding", op)
    out_size = check_conv_transpose(op, x, weight, bias, geometry, output_padding)
    return x, geometry, output_padding, out_size, unbatched


# --- 1-D: the 2-D ops on a unit height ----------------------------------------------------


def conv1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntTuple = 1,
           padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) with (O, C / groups, k), plus bias (O,)."""
    x, geometry, unbatched = _prepare_conv("conv1d", 1, input, weight, bias, stride, padding,
                                           dilation, groups)
    out = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1,) + geometry.stride,
                 (0,) + geometry.padding, (1,) + geometry.dilation, groups).squeeze(2)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None,
                     stride: IntTuple = 1, padding: IntTuple = 0, output_padding: IntTuple = 0,
                     groups: int = 1, dilation: IntTuple = 1) -> Tensor:
    """1-D transposed convolution of (N, C_in, L) with (C_in, C_out / groups, k), plus bias:
    conv1d's input gradient, onto ``(L - 1) * stride - 2 * padding + dilation * (k - 1) +
    output_padding + 1`` positions."""
    x, geometry, output_padding, _, unbatched = _prepare_transpose(
        "conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups,
        dilation)
    out = conv_transpose2d(x.unsqueeze(2), weight.unsqueeze(2), bias, (1,) + geometry.stride,
                           (0,) + geometry.padding, (0,) + output_padding, groups,
                           (1,) + geometry.dilation).squeeze(2)
    return out.squeeze(0) if unbatched else out


# --- 3-D arrays ----------------------------------------------------------------------------


def _columns(x: np.ndarray, kernel: tuple, geometry: Geometry, out_size: tuple) -> np.ndarray:
    """im2col of x (N, C, D, H, W) as (N, groups, C/groups * kd*kh*kw, od*oh*ow): the 2-D
    im2col of every depth plane (depth zero-padded), then for each depth tap and output
    depth the plane it reads, as one strided copy of whole (kh*kw, oh*ow) blocks."""
    (kd, kh, kw), (sd, *stride), (pd, *padding), (dd, *dilation) = (kernel, *geometry[:3])
    n_batch, channels = x.shape[:2]
    if pd:
        x = np.pad(x, ((0, 0), (0, 0), (pd, pd), (0, 0), (0, 0)))
    depth = x.shape[2]
    planes = _conv_kernels.im2col(x.reshape(n_batch, channels * depth, *x.shape[3:]),
                                  (kh, kw), stride, padding, dilation, out_size[1:])
    plane = out_size[1] * out_size[2]
    block, item = kh * kw * plane, planes.itemsize  # one depth plane's columns
    taps = as_strided(planes, (n_batch, channels, kd, kh * kw, out_size[0], plane),
                      (planes.strides[0], depth * block * item, dd * block * item,
                       plane * item, sd * block * item, item), writeable=False)
    return np.ascontiguousarray(taps).reshape(n_batch, geometry.groups,
                                              channels // geometry.groups * kd * block // plane,
                                              out_size[0] * plane)


def _col2im(cols: np.ndarray, shape: tuple, kernel: tuple, geometry: Geometry,
            out_size: tuple) -> np.ndarray:
    """Adjoint of ``_columns``: (N, C * kd*kh*kw, od*oh*ow) summed back into ``shape``."""
    (kd, kh, kw), (sd, *stride), (pd, *padding), (dd, *dilation) = (kernel, *geometry[:3])
    n_batch, channels, depth = shape[0], shape[1], shape[2] + 2 * pd
    od, plane = out_size[0], out_size[1] * out_size[2]
    taps = cols.reshape(n_batch, channels, kd, kh * kw, od, plane)
    planes = np.zeros((n_batch, channels, depth, kh * kw, plane), cols.dtype)
    for i in range(kd):  # one tap's output depths are distinct planes: a plain +=
        planes[:, :, i * dd:i * dd + sd * (od - 1) + 1:sd] += taps[:, :, i].transpose(
            0, 1, 3, 2, 4)
    image = _conv_kernels.col2im(planes.reshape(n_batch, channels * depth * kh * kw, plane),
                                 (n_batch, channels * depth) + tuple(shape[3:]), (kh, kw),
                                 stride, padding, dilation, out_size[1:])
    return image.reshape(n_batch, channels, depth, *shape[3:])[:, :, pd:pd + shape[2]]


def _conv(x: np.ndarray, w: np.ndarray, geometry: Geometry) -> tuple:
    """(y, im2col columns of x): y[n, o] = sum over (c, taps) of w[o, c, taps] x[n, c, reads]."""
    kernel = w.shape[2:]
    out_size = tuple(_out_size(s, k, st, p, d) for s, k, st, p, d in zip(
        x.shape[2:], kernel, *geometry[:3]))
    cols = _columns(x, kernel, geometry, out_size)
    w_mat = w.reshape(geometry.groups, w.shape[0] // geometry.groups, -1)
    return matmul_arrays(w_mat, cols).reshape((x.shape[0], w.shape[0]) + out_size), cols


def _conv_t(g: np.ndarray, w: np.ndarray, in_size: tuple, geometry: Geometry) -> np.ndarray:
    """Gradient of ``_conv`` wrt x: col2im(w^T @ g) onto an input of spatial size in_size."""
    groups, n_batch = geometry.groups, g.shape[0]
    g_mat = g.reshape(n_batch, groups, g.shape[1] // groups, math.prod(g.shape[2:]))
    w_mat = w.reshape(groups, w.shape[0] // groups, -1)
    cols = matmul_arrays(w_mat.transpose(0, 2, 1), g_mat).reshape(
        n_batch, groups * w_mat.shape[2], g_mat.shape[3])
    shape = (n_batch, w.shape[1] * groups) + tuple(in_size)
    return _col2im(cols, shape, w.shape[2:], geometry, g.shape[2:])


def _conv_w(x: np.ndarray, g: np.ndarray, kernel: tuple, geometry: Geometry,
            cols: Optional[np.ndarray]) -> np.ndarray:
    """Gradient of ``_conv`` wrt w: sum over the batch of g @ im2col(x)^T (cols if given)."""
    groups = geometry.groups
    if cols is None:
        cols = _columns(x, kernel, geometry, g.shape[2:])
    g_mat = g.reshape(g.shape[0], groups, g.shape[1] // groups, math.prod(g.shape[2:]))
    grad = matmul_arrays(g_mat, cols.transpose(0, 1, 3, 2)).sum(axis=0)
    return grad.reshape((g.shape[1], x.shape[1] // groups) + tuple(kernel))


# --- 3-D ops -------------------------------------------------------------------------------


@register
class Conv3d(Function):
    """y = conv(x, w) + b;  dx = conv_t(g, w), dw = conv_w(x, g), db = sum of g over (n, d, h, w)"""

    @staticmethod
    def forward(ctx, x, w, b, geometry):
        out, cols = _conv(x, w, geometry)
        ctx.save_for_backward(x, w, cols)  # the weight gradient's GEMM operand
        ctx.geometry = geometry
        if b is not None:
            out += b.reshape(-1, 1, 1, 1)
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, cols = ctx.saved_tensors
        geometry = ctx.geometry
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = Conv3dBackwardInput.apply(g, w, x.shape[2:], geometry)
        if ctx.needs_input_grad[1]:
            dw = Conv3dBackwardWeight.apply(x, g, w.shape[2:], geometry, cols.data)
        if ctx.needs_input_grad[2]:
            db = g.sum((0, 2, 3, 4))
        return dx, dw, db, None


@register
class Conv3dBackwardInput(Function):
    """z = conv_t(g, w);  dg = conv(gg, w), dw = conv_w(gg, g)"""

    @staticmethod
    def forward(ctx, g, w, in_size, geometry):
        ctx.save_for_backward(g, w)
        ctx.geometry = geometry
        return _conv_t(g, w, in_size, geometry)

    @staticmethod
    def backward(ctx, gg):
        g, w = ctx.saved_tensors
        dg = Conv3d.apply(gg, w, None, ctx.geometry) if ctx.needs_input_grad[0] else None
        dw = (Conv3dBackwardWeight.apply(gg, g, w.shape[2:], ctx.geometry, None)
              if ctx.needs_input_grad[1] else None)
        return dg, dw, None, None


@register
class Conv3dBackwardWeight(Function):
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
        dx = (Conv3dBackwardInput.apply(g, gw, x.shape[2:], ctx.geometry)
              if ctx.needs_input_grad[0] else None)
        dg = Conv3d.apply(x, gw, None, ctx.geometry) if ctx.needs_input_grad[1] else None
        return dx, dg, None, None, None


def conv3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntTuple = 1,
           padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation of (N, C, D, H, W) with (O, C / groups, kD, kH, kW), plus bias."""
    x, geometry, unbatched = _prepare_conv("conv3d", 3, input, weight, bias, stride, padding,
                                           dilation, groups)
    out = Conv3d.apply(x, weight, bias, geometry)
    return out.squeeze(0) if unbatched else out


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None,
                     stride: IntTuple = 1, padding: IntTuple = 0, output_padding: IntTuple = 0,
                     groups: int = 1, dilation: IntTuple = 1) -> Tensor:
    """3-D transposed convolution of (N, C_in, D, H, W) with (C_in, C_out / groups, kD, kH,
    kW), plus bias: conv3d's input gradient (see conv_transpose2d for the output size)."""
    x, geometry, output_padding, out_size, unbatched = _prepare_transpose(
        "conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups,
        dilation)
    if all(p < s for p, s in zip(output_padding, geometry.stride)):
        out = Conv3dBackwardInput.apply(x, weight, out_size, geometry)
    else:
        # output_padding >= stride (allowed when < dilation): as conv_transpose2d, transpose
        # without padding, crop, and zero-fill what lies past the full result.
        full = Geometry(geometry.stride, (0, 0, 0), geometry.dilation, groups)
        full_size = tuple(s + 2 * p - op_ for s, p, op_ in zip(out_size, geometry.padding,
                                                               output_padding))
        out = Conv3dBackwardInput.apply(x, weight, full_size, full)
        out = out[(slice(None), slice(None)) + tuple(
            slice(p, p + s) for p, s in zip(geometry.padding, out_size))]
        missing = tuple(s - o for s, o in zip(out_size, out.shape[2:]))
        if any(missing):
            out = _pad(out, tuple(w for m in reversed(missing) for w in (0, m)))
    if bias is not None:
        out = out + bias.reshape(-1, 1, 1, 1)
    return out.squeeze(0) if unbatched else out
