"""Convolution in 1, 2 and 3 spatial dims, transposed or not, on (N, C, *spatial) tensors
(or unbatched (C, *spatial)); and 2-D max-pooling.

A depthwise convolution (one input channel per group, 1-D or 2-D) runs direct kernels
(kernels/depthwise.py, see ``_depthwise``). A float32 convolution is a GEMM packed
straight from zero-padded images, or at stride s from their s x s stride phases
(kernels/conv.py, ``conv_gemm``), in every rank, unless large matmuls are pinned to BLAS
(see ``_padded_gemm``); so are its weight gradient and its input gradient (one stride-1
convolution per stride phase of x). Others are im2col + batched GEMM (im2col and col2im
per rank are in conv_nd.py). Its two gradients are convolutions too,
and the three products are bilinear and closed under differentiation, so every order of
derivative reuses the same kernels: with ``conv(x, w)``, ``conv_t(g, w)`` (the transposed
convolution: gradient wrt x) and ``conv_w(x, g)`` (gradient wrt w), ``<conv(x, w), g> = <x,
conv_t(g, w)> = <w, conv_w(x, g)>``. As PyTorch's ``ConvolutionBackward0``, one op,
``Convolution``, is conv and (``transposed``) conv_t, each the other's input gradient;
``ConvolutionBackwardWeight`` is conv_w. Each takes its output's spatial size, so a
transposed convolution's output_padding needs nothing more.
"""
from __future__ import annotations

import functools
import itertools
import math

from typing import Any, Callable, NamedTuple, Optional, Union

import numpy as np

from ..kernels import conv as _conv_kernels
from ..kernels import depthwise as _depthwise_kernels
from ..kernels import matmul as _matmul_kernels
from ..kernels import threads as _threads
from ._util import opmath
from .conv_nd import UNFOLD
from .linalg import matmul_arrays
from .shape import pad as _pad
from ..function import Function, register
from ..tensor import Tensor

IntTuple = Union[int, tuple]  # an int, or one per spatial dim
IntPair = IntTuple
_NAMES = {1: ("width",), 2: ("height", "width"), 3: ("depth", "height", "width")}


class Geometry(NamedTuple):
    """Stride, padding and dilation, one per spatial dim, and the channel groups."""

    stride: tuple
    padding: tuple
    dilation: tuple
    groups: int = 1


# --- argument forms ------------------------------------------------------------------------


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


def _pair(value: Any, name: str, op: str) -> tuple:
    """An int or a 1- or 2-sequence of ints as an (h, w) pair."""
    return as_tuple(value, 2, name, op)


def _out_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _check_float(op: str, x: Tensor) -> None:
    if x.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point input, got dtype {x.dtype}")


def _batched(x: Tensor, n: int, op: str) -> tuple:
    """(x with a batch dim, whether it was unbatched): (C, *spatial) or (N, C, *spatial)."""
    if x.ndim == n + 2:
        return x, False
    if x.ndim == n + 1:
        return x.unsqueeze(0), True
    raise RuntimeError(f"{op}: Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                       f"{op}, but got input of size: {list(x.shape)}")


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


# --- argument checks -----------------------------------------------------------------------


def _sizes(values: Any) -> str:
    return " x ".join(str(v) for v in values)


def _check_common(op: str, x: Tensor, weight: Tensor, geometry: Geometry) -> None:
    """Checks a convolution and its transpose share (x batched), in PyTorch's words."""
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


def _check_conv(op: str, x: Tensor, weight: Tensor, bias: Optional[Tensor],
                geometry: Geometry) -> tuple:
    """PyTorch's convolution checks for a batched x; the output spatial size."""
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
    return tuple(_out_size(*args) for args in zip(x.shape[2:], weight.shape[2:], *geometry[:3]))


def _check_conv_transpose(op: str, x: Tensor, weight: Tensor, bias: Optional[Tensor],
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


# --- array-level products ------------------------------------------------------------------
# float32 products run the kernels' GEMM over padded images (kernels/conv.py, ``conv_gemm``)
# unless large matmuls are pinned to BLAS: no im2col matrix, the padding (and stride phases),
# packing and bias done per image in cache; the input gradient as convolutions of g, one
# per stride phase of x. Others use im2col + GEMM (the columns of the forward kept for the
# weight gradient).


def _padded_gemm(a: np.ndarray, geometry: Geometry, kernel: tuple = ()) -> bool:
    """Whether a product on ``a`` runs ``conv_gemm``: float32 (its one compiled dtype), the
    taps of ``kernel`` (if given: the products on x) reading every stride phase of x
    (``reads_every_phase``), and the cores free of OpenBLAS's spinning workers
    (``claim_cores``: with the
    ``auto`` backend, this moves large matmuls to the Numba GEMM). Beside BLAS matmuls this
    GEMM's threads ran at half speed, and a CNN training step took 43 ms against 32-37 ms
    on im2col + BLAS, and 28 ms with the matmuls on the Numba GEMM."""
    return (a.dtype == _conv_kernels.GEMM_DTYPE
            and (not kernel or _conv_kernels.reads_every_phase(kernel, geometry.stride,
                                                               geometry.dilation))
            and _matmul_kernels.claim_cores())


def _dims(values: tuple, fill: int, rank: int) -> tuple:
    """Per-spatial-dim values as ``rank`` of them, the missing leading dims ``fill``."""
    return (fill,) * (rank - len(values)) + tuple(values)


def _spatial(a: np.ndarray, rank: int) -> np.ndarray:
    """(N, C, *spatial) with ``rank`` spatial dims, unit ones in front: the convolution GEMM
    takes every rank as 3-D, the depthwise kernels 1-D as 2-D."""
    return a.reshape(a.shape[:2] + (1,) * (rank + 2 - a.ndim) + a.shape[2:])


def _depthwise(a: np.ndarray, per_group: int, geometry: Geometry, out_size: tuple) -> bool:
    """Whether a product runs the depthwise kernels (kernels/depthwise.py): groups, one input
    channel each, on ``a`` (the input side) 1-D or 2-D float32/float64, one stride for both
    dims or a one-row output. (One input channel without groups is an ordinary convolution
    with few taps, which the GEMMs did faster: 3.3-3.8 against 4.5-4.9 ms for (64, 1, 28, 28)
    3x3 -> 32.)"""
    return (per_group == 1 and geometry.groups > 1 and a.ndim <= 4
            and a.dtype in _DEPTHWISE_DTYPES
            and (a.ndim == 3 or geometry.stride[0] == geometry.stride[1] or out_size[0] == 1))


_DEPTHWISE_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _depthwise_parts() -> int:
    """Threads the depthwise kernels may use: all, unless large matmuls are pinned to BLAS
    (``claim_cores``: OpenBLAS's spinning workers would slow them, see ``_padded_gemm``)."""
    return _threads.count() if _matmul_kernels.claim_cores() else 1


def _planes(geometry: Geometry, out_size: tuple) -> tuple:
    """(stride, padding, dilation, out_size) as the 2-D depthwise kernels take them."""
    return (_dims(geometry.stride, 1, 2), _dims(geometry.padding, 0, 2),
            _dims(geometry.dilation, 1, 2), _dims(out_size, 1, 2))


def _columns(x: np.ndarray, kernel: tuple, geometry: Geometry, out_size: tuple) -> np.ndarray:
    """im2col of x as (N, groups, C/groups * prod(kernel), prod(out_size))."""
    im2col = UNFOLD[x.ndim - 2][0]
    cols = im2col(x, kernel, geometry.stride, geometry.padding, geometry.dilation, out_size)
    # (sizes written out: numpy cannot infer a -1 when the batch is empty)
    return cols.reshape(x.shape[0], geometry.groups, cols.shape[1] // geometry.groups,
                        cols.shape[2])


def _in_opmath(product: Callable) -> Callable:
    """``product`` with float16 arrays computed in float32 (``opmath``), its result (the first
    of a tuple) rounded back to float16; other dtypes go straight through."""
    @functools.wraps(product)
    def run(*args: Any) -> Any:
        if not any(isinstance(a, np.ndarray) and a.dtype == np.float16 for a in args):
            return product(*args)
        result = product(*opmath(*args))
        if isinstance(result, tuple):  # _conv's (y, columns): the columns stay internal
            return (result[0].astype(np.float16),) + result[1:]
        return result.astype(np.float16)
    return run


def _add_bias(y: np.ndarray, bias: Optional[np.ndarray]) -> np.ndarray:
    if bias is not None:
        y += bias.reshape((-1,) + (1,) * (y.ndim - 2))
    return y


@_in_opmath
def _conv(x: np.ndarray, w: np.ndarray, geometry: Geometry, out_size: tuple,
          bias: Optional[np.ndarray] = None) -> tuple:
    """(y + bias, the im2col columns of x or None on the other routes), y of spatial size
    out_size: y[n, o, at] = sum over (c, taps) of w[o, c, taps] x[n, c, stride * at -
    padding + dilation * taps]."""
    groups, shape = geometry.groups, (x.shape[0], w.shape[0]) + tuple(out_size)
    if _depthwise(x, w.shape[1], geometry, out_size):
        y = _depthwise_kernels.depthwise_conv2d(
            _spatial(x, 2), w.reshape((w.shape[0],) + _dims(w.shape[2:], 1, 2)),
            *_planes(geometry, out_size), parts=_depthwise_parts())
        return _add_bias(y.reshape(shape), bias), None
    w_mat = w.reshape(groups, w.shape[0] // groups, -1)
    if _padded_gemm(x, geometry, w.shape[2:]):
        y = _conv_kernels.conv_gemm(
            _spatial(x, 3), w_mat, bias, _dims(w.shape[2:], 1, 3), _dims(geometry.stride, 1, 3),
            _dims(geometry.dilation, 1, 3), _dims(geometry.padding, 0, 3), _dims(out_size, 1, 3))
        return y.reshape(shape), None
    cols = _columns(x, w.shape[2:], geometry, out_size)
    return _add_bias(matmul_arrays(w_mat, cols).reshape(shape), bias), cols


class _Phase(NamedTuple):
    """One stride phase of x along one dim, for ``_phase_convolutions``."""
    taps: slice  # the kernel taps that reach it, last first
    count: int  # its taps
    dilation: int  # between those taps, in pixels of g
    padding: int  # g's zero padding before (cropped from g if negative)
    size: int  # pixels of x in it
    start: int  # its first pixel of x


def _phases(kernel: int, stride: int, padding: int, dilation: int, size: int) -> list:
    """The phases along one dim of x (size ``size``) that a convolution's taps reach. Pixel
    i = s*u + r - padding of x (phase r) receives g[u - q] from each tap t with
    d*t = s*q + r, so phase r is a stride-1 convolution of g with those taps reversed."""
    phases = []
    for r in range(stride):
        taps = [t for t in range(kernel) if (dilation * t) % stride == r]
        first = -(-(padding - r) // stride)  # the first u whose pixel lies in x
        pixels = (padding + size - 1 - r) // stride - first + 1
        if taps and pixels > 0:
            step = taps[1] - taps[0] if len(taps) > 1 else stride  # then any dilation will do
            last_q = (dilation * taps[-1] - r) // stride
            phases.append(_Phase(slice(taps[-1], taps[0] - 1 if taps[0] else None, -step),
                                 len(taps), max(1, dilation * step // stride), last_q - first,
                                 pixels, stride * first + r - padding))
    return phases


def _phase_convolutions(g: np.ndarray, w: np.ndarray, in_size: tuple, geometry: Geometry,
                        bias: Optional[np.ndarray]) -> np.ndarray:
    """The input gradient of a float32 convolution (plus bias) as stride-1 convolutions on
    the GEMM, one per stride phase of x: at stride 1 one of all x, the bias added in the
    kernel; else each written into its phase of x, pixels no tap reaches left 0."""
    groups, rank = geometry.groups, len(in_size)

    def convolve(phases: tuple, bias: Optional[np.ndarray]) -> np.ndarray:
        taps = w[(slice(None), slice(None)) + tuple(p.taps for p in phases)]
        w_mat = taps.reshape((groups, w.shape[0] // groups) + taps.shape[1:]).swapaxes(1, 2)
        crop = tuple(slice(max(0, -p.padding), None) for p in phases)
        y = _conv_kernels.conv_gemm(
            _spatial(g[(slice(None), slice(None)) + crop], 3),
            w_mat.reshape(groups, w.shape[1], -1), bias,
            _dims(tuple(p.count for p in phases), 1, 3), (1, 1, 1),
            _dims(tuple(p.dilation for p in phases), 1, 3),
            _dims(tuple(max(0, p.padding) for p in phases), 0, 3),
            _dims(tuple(p.size for p in phases), 1, 3))
        return y.reshape(y.shape[:2] + y.shape[5 - rank:])

    combinations = list(itertools.product(*map(
        _phases, w.shape[2:], geometry.stride, geometry.padding, geometry.dilation, in_size)))
    if max(geometry.stride) == 1:
        return convolve(combinations[0], bias)
    dx = np.zeros((g.shape[0], w.shape[1] * groups) + tuple(in_size), g.dtype)
    for phases in combinations:
        dx[(slice(None), slice(None)) + tuple(
            slice(p.start, p.start + stride * (p.size - 1) + 1, stride)
            for p, stride in zip(phases, geometry.stride))] = convolve(phases, None)
    return _add_bias(dx, bias)


@_in_opmath
def _conv_t(g: np.ndarray, w: np.ndarray, in_size: tuple, geometry: Geometry,
            bias: Optional[np.ndarray] = None) -> np.ndarray:
    """Gradient of ``_conv`` wrt x, onto an input of spatial size in_size (plus bias):
    col2im(w^T @ g), or (float32) convolutions of g with the flipped, transposed w, one per
    stride phase of x (``_phase_convolutions``). Those pack a row per
    (channel of g, tap) and fills a GEMM row per channel of x, col2im writes a row per
    (channel of x, tap): the convolution is used when x has at least half g's channels per group and
    fills a whole 8-row panel of the GEMM (measured on one thread: 0.5-0.9x col2im's time
    there, 1.1-6x with fewer channels of x), and with groups (where the im2col route
    multiplies one small matrix per group and image: 0.2-0.9x)."""
    groups, n_batch, kernel = geometry.groups, g.shape[0], w.shape[2:]
    channels, shape = w.shape[1], (n_batch, w.shape[1] * groups) + tuple(in_size)
    if _depthwise(g, channels, geometry, g.shape[2:]):
        stride, padding, dilation, _ = _planes(geometry, g.shape[2:])
        dx = _depthwise_kernels.depthwise_conv2d_input(
            _spatial(g, 2), w.reshape((w.shape[0],) + _dims(kernel, 1, 2)),
            (n_batch, groups) + _dims(in_size, 1, 2), stride, padding, dilation,
            parts=_depthwise_parts())
        return _add_bias(dx.reshape(shape), bias)
    if (_padded_gemm(g, geometry) and 2 * channels * groups >= w.shape[0]
            and (channels >= 8 or groups > 1)):
        return _phase_convolutions(g, w, in_size, geometry, bias)
    g_mat = g.reshape(n_batch, groups, g.shape[1] // groups, math.prod(g.shape[2:]))
    w_mat = w.reshape(groups, w.shape[0] // groups, -1)
    cols = matmul_arrays(w_mat.transpose(0, 2, 1), g_mat).reshape(
        n_batch, groups * w_mat.shape[2], g_mat.shape[3])
    col2im = UNFOLD[g.ndim - 2][1]
    return _add_bias(col2im(cols, shape, kernel, geometry.stride, geometry.padding,
                            geometry.dilation, g.shape[2:]), bias)


@_in_opmath
def _conv_w(x: np.ndarray, g: np.ndarray, kernel: tuple, geometry: Geometry,
            cols: Optional[np.ndarray]) -> np.ndarray:
    """Gradient of ``_conv`` wrt w: sum over the batch of g @ im2col(x)^T (cols if given;
    ``conv_gemm_weight`` where ``conv_gemm`` runs)."""
    groups = geometry.groups
    shape = (g.shape[1], x.shape[1] // groups) + tuple(kernel)
    if _depthwise(x, x.shape[1] // groups, geometry, g.shape[2:]):
        stride, padding, dilation, _ = _planes(geometry, g.shape[2:])
        return _depthwise_kernels.depthwise_conv2d_weight(
            _spatial(x, 2), _spatial(g, 2), _dims(kernel, 1, 2), stride, padding, dilation,
            parts=_depthwise_parts()).reshape(shape)
    if _padded_gemm(x, geometry, kernel):
        return _conv_kernels.conv_gemm_weight(
            _spatial(x, 3), _spatial(g, 3), _dims(kernel, 1, 3), _dims(geometry.stride, 1, 3),
            _dims(geometry.dilation, 1, 3), _dims(geometry.padding, 0, 3), groups).reshape(shape)
    if cols is None:
        cols = _columns(x, kernel, geometry, g.shape[2:])
    g_mat = g.reshape(g.shape[0], groups, g.shape[1] // groups, math.prod(g.shape[2:]))
    return matmul_arrays(g_mat, cols.transpose(0, 1, 3, 2)).sum(axis=0).reshape(shape)


# --- ops -----------------------------------------------------------------------------------


@register
class Convolution(Function):
    """y = conv(x, w) + b, or if transposed y = conv_t(x, w) + b, of spatial size out_size;
    dx = conv_t(g, w) (if transposed conv(g, w)), dw = conv_w(x, g) (conv_w(g, x)),
    db = sum of g over all dims but the channels"""

    @staticmethod
    def forward(ctx, x, w, b, geometry, out_size, transposed):
        if transposed:
            out, cols = _conv_t(x, w, out_size, geometry, b), None
        else:
            out, cols = _conv(x, w, geometry, out_size, b)
        # im2col's columns make the weight gradient one GEMM; freed with the graph's buffers.
        ctx.save_for_backward(x, w, cols)
        ctx.geometry, ctx.transposed = geometry, transposed
        return out

    @staticmethod
    def backward(ctx, g):
        x, w, cols = ctx.saved_tensors
        geometry, transposed = ctx.geometry, ctx.transposed
        dx = dw = db = None
        if ctx.needs_input_grad[0]:
            dx = Convolution.apply(g, w, None, geometry, x.shape[2:], not transposed)
        if ctx.needs_input_grad[1]:
            dw = (ConvolutionBackwardWeight.apply(g, x, w.shape[2:], geometry, None)
                  if transposed else
                  ConvolutionBackwardWeight.apply(x, g, w.shape[2:], geometry,
                                                  None if cols is None else cols.data))
        if ctx.needs_input_grad[2]:
            db = g.sum((0,) + tuple(range(2, g.ndim)))
        return dx, dw, db, None, None, None


@register
class ConvolutionBackwardWeight(Function):
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
        geometry = ctx.geometry
        dx = (Convolution.apply(g, gw, None, geometry, x.shape[2:], True)
              if ctx.needs_input_grad[0] else None)
        dg = (Convolution.apply(x, gw, None, geometry, g.shape[2:], False)
              if ctx.needs_input_grad[1] else None)
        return dx, dg, None, None, None


# --- public functions ----------------------------------------------------------------------


def _convolution(op: str, n: int, input: Tensor, weight: Tensor, bias: Optional[Tensor],
                 stride: Any, padding: Any, dilation: Any, groups: int) -> Tensor:
    """conv1d / conv2d / conv3d: PyTorch's argument forms and checks, then the op."""
    x, unbatched = _batched(input, n, op)
    stride = as_tuple(stride, n, "stride", op)
    dilation = as_tuple(dilation, n, "dilation", op)
    kernel = tuple(weight.shape[2:]) if weight.ndim == n + 2 else (1,) * n
    padding, extra = _conv_padding(op, padding, kernel, stride, dilation)
    if any(extra):
        x = _pad(x, tuple(w for e in reversed(extra) for w in (0, e)))
    geometry = Geometry(stride, padding, dilation, groups)
    out_size = _check_conv(op, x, weight, bias, geometry)
    out = Convolution.apply(x, weight, bias, geometry, out_size, False)
    return out.squeeze(0) if unbatched else out


def _convolution_transpose(op: str, n: int, input: Tensor, weight: Tensor,
                           bias: Optional[Tensor], stride: Any, padding: Any,
                           output_padding: Any, groups: int, dilation: Any) -> Tensor:
    """conv_transpose1d / 2d / 3d: PyTorch's argument forms and checks, then the op."""
    if isinstance(padding, str):
        raise TypeError(f"{op}(): argument 'padding' must be tuple of ints, not str")
    x, unbatched = _batched(input, n, op)
    geometry = Geometry(as_tuple(stride, n, "stride", op), as_tuple(padding, n, "padding", op),
                        as_tuple(dilation, n, "dilation", op), groups)
    output_padding = as_tuple(output_padding, n, "output_padding", op)
    out_size = _check_conv_transpose(op, x, weight, bias, geometry, output_padding)
    out = Convolution.apply(x, weight, bias, geometry, out_size, True)
    return out.squeeze(0) if unbatched else out


def conv1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntTuple = 1,
           padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1, groups: int = 1) -> Tensor:
    """1-D cross-correlation of (N, C, L) with (O, C / groups, k), plus bias (O,)."""
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntTuple = 1,
           padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1, groups: int = 1) -> Tensor:
    """2-D cross-correlation of (N, C, H, W) with (O, C / groups, kH, kW), plus bias (O,)."""
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: IntTuple = 1,
           padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1, groups: int = 1) -> Tensor:
    """3-D cross-correlation of (N, C, D, H, W) with (O, C / groups, kD, kH, kW), plus bias."""
    return _convolution("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None,
                     stride: IntTuple = 1, padding: IntTuple = 0, output_padding: IntTuple = 0,
                     groups: int = 1, dilation: IntTuple = 1) -> Tensor:
    """1-D transposed convolution of (N, C_in, L) with (C_in, C_out / groups, k), plus bias
    (see conv_transpose2d for the output size)."""
    return _convolution_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None,
                     stride: IntTuple = 1, padding: IntTuple = 0, output_padding: IntTuple = 0,
                     groups: int = 1, dilation: IntTuple = 1) -> Tensor:
    """2-D transposed convolution of (N, C_in, H, W) with (C_in, C_out / groups, kH, kW), plus
    bias (C_out,): the gradient of ``conv2d`` wrt its input, onto an output of spatial size
    ``(H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1``."""
    return _convolution_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None,
                     stride: IntTuple = 1, padding: IntTuple = 0, output_padding: IntTuple = 0,
                     groups: int = 1, dilation: IntTuple = 1) -> Tensor:
    """3-D transposed convolution of (N, C_in, D, H, W) with (C_in, C_out / groups, kD, kH,
    kW), plus bias (see conv_transpose2d for the output size)."""
    return _convolution_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                                  output_padding, groups, dilation)


# --- max pooling ---------------------------------------------------------------------------


@register
class MaxPool2d(Function):
    """y = max over each window;  dx = g scattered to each window's (first) argmax. The
    argmax is saved, as PyTorch's indices: backward frees it, so a second walk raises."""

    @staticmethod
    def forward(ctx, x, kernel, geometry, out_size, indices_out):
        out, index = _conv_kernels.max_pool2d_fwd(opmath(x)[0], kernel, geometry.stride,
                                                 geometry.padding, geometry.dilation, out_size)
        out = out.astype(x.dtype, copy=False)  # a float16 max is exact in float32
        ctx.save_for_backward(index)
        ctx.in_shape = x.shape
        indices_out.append(index)  # the caller's return_indices value
        return out

    @staticmethod
    def backward(ctx, g):
        index = ctx.saved_tensor(0)
        index = index.data if isinstance(index, Tensor) else index
        return MaxPool2dBackward.apply(g, index, ctx.in_shape), None, None, None, None


@register
class MaxPool2dBackward(Function):
    """z[n, c].flat[index] += g;  dg = gg[n, c].flat[index] (a gather, linear in gg)"""

    @staticmethod
    def forward(ctx, g, index, in_shape):
        ctx.index = index
        return _conv_kernels.max_pool2d_bwd(opmath(g)[0], index, in_shape).astype(
            g.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        index = ctx.index
        n_batch, channels = index.shape[:2]
        planes = np.arange(n_batch * channels).reshape(-1, 1)
        rows = n_batch * channels
        flat = gg.reshape(rows, math.prod(gg.shape[2:]))[planes, index.reshape(
            rows, math.prod(index.shape[2:]))]
        return flat.reshape(index.shape), None, None


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
    x, unbatched = _batched(input, 2, "max_pool2d")
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
    if out.grad_fn is not None:
        out.grad_fn.name_base = "MaxPool2DWithIndices"  # PyTorch's node
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
