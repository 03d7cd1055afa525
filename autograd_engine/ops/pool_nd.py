"""1-D and 3-D pooling, and power-average (LP) pooling in 1 to 3 dims.

A 1-D pooling is the 2-D one on a unit height, (N, C, L) -> (N, C, 1, L), as PyTorch
computes it, after PyTorch's 1-D argument checks. 3-D average pooling is separable as the
2-D one is (pool.py): one matrix product per spatial dim. 3-D max pooling finds each
window's argmax in numpy (the windows are a strided view of the -inf padded input) and
gathers the values with ``PlaneGather`` (pool.py), whose gradient is max_pool2d's scatter
kernel.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..tensor import Tensor
from .activation import relu, require_float
from .conv import IntTuple, _check_float, _pool_out_size, as_tuple, max_pool2d
from .elementwise import sign
from .index import masked_fill
from .pool import (gather_planes, window_means, _window_argmax, _window_cells, _window_matrix,
                   adaptive_avg_pool2d, adaptive_max_pool2d, adaptive_windows, avg_pool2d,
                   avg_windows, int_avg_pool, max_unpool2d, nonempty_planes, unpool_scatter,
                   unpool_size)


# --- argument forms ------------------------------------------------------------------------


def _single(value: Any, name: str, op: str) -> int:
    """An int or a 1-sequence of ints (PyTorch's 1-D pooling argument)."""
    if isinstance(value, (tuple, list)) and len(value) != 1:
        raise RuntimeError(f"{op}() argument '{name}' should contain one int (got "
                           f"{len(value)})")
    return as_tuple(value, 1, name, op)[0]


def _triple(value: Any, name: str, op: str) -> tuple:
    """An int or a 1- or 3-sequence of ints (PyTorch's 3-D pooling argument)."""
    if isinstance(value, (tuple, list)) and len(value) not in (1, 3):
        raise RuntimeError(f"{op}: {name} must be a single int, or a tuple of three ints, but "
                           f"got {value!r}")
    return as_tuple(value, 3, name, op)


def _stride(stride: Any, kernel: Any, parse: Any, op: str) -> Any:
    """The stride, which defaults to the kernel size (None or PyTorch's [])."""
    return kernel if stride is None or stride == [] else parse(stride, "stride", op)


def _sequence(value: Any, n: int, op: str) -> None:
    """The 1-D line's checks: (C, L) or (N, C, L) input."""
    if value.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1} to {n + 2} dimensions, but got {value.ndim}-"
                           f"dimensional tensor for argument #1 'self' (while checking "
                           f"arguments for {op})")


def _volume(input: Tensor, op: str) -> tuple:
    """(input as (N, C, D, H, W), whether it was unbatched) for a 3-D pooling."""
    if input.ndim not in (4, 5):
        raise RuntimeError(f"{op}: non-empty 4D or 5D (batch mode) tensor expected for input, "
                           f"got {list(input.shape)}")
    if 0 in input.shape[-4:]:
        raise RuntimeError(f"{op}(): Expected input's non-batch dimensions to have positive "
                           f"length, but input has a shape of {list(input.shape)}")
    return (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)


def _too_small(op: str, shape: tuple, out_size: tuple) -> None:
    channels = shape[1]
    raise RuntimeError(f"{op}: Given input size: ({'x'.join(map(str, shape[1:]))}). "
                       f"Calculated output size: ({'x'.join(map(str, (channels, *out_size)))}"
                       f"). Output size is too small")


def _check_windows(op: str, kernel: tuple, stride: tuple, padding: tuple,
                   dilation: tuple) -> None:
    """PyTorch's 3-D pooling window checks."""
    if min(kernel) <= 0:
        raise RuntimeError(f"{op}: kernel size should be greater than zero, but got {kernel}")
    if min(stride) <= 0:
        raise RuntimeError(f"{op}: stride should not be zero, but got {stride}")
    if min(dilation) <= 0:
        raise RuntimeError(f"{op}: dilation should be greater than zero, but got {dilation}")
    if any(p < 0 or p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"{op}: pad should be at most half of effective kernel size, but "
                           f"got pad={padding}, kernel_size={kernel} and dilation={dilation}")


# --- gathering the chosen positions --------------------------------------------------------


def _ravel(coords: list, sizes: tuple) -> np.ndarray:
    """Flat row-major positions of broadcasting coordinate arrays."""
    flat = coords[0]
    for c, size in zip(coords[1:], sizes[1:]):
        flat = flat * size + c
    return flat


def _window_max_index(x: np.ndarray, kernel: tuple, stride: tuple, padding: tuple,
                      dilation: tuple, out_size: tuple) -> tuple:
    """(flat plane position of each window's maximum, as PyTorch's loop picks it: the first
    maximum in scan order, the last NaN, the first tap past the padding if all are -inf;
    which windows lie wholly in the padding (dilated), or None)."""
    sizes = x.shape[2:]
    pads = [(p, max((o - 1) * s + d * (k - 1) + 1 - size - p, 0))  # ceil_mode's last window
            for size, k, s, p, d, o in zip(sizes, kernel, stride, padding, dilation, out_size)]
    padded = np.pad(x, ((0, 0), (0, 0), *pads), constant_values=-np.inf)
    steps = padded.strides[2:]
    windows = as_strided(padded, x.shape[:2] + tuple(out_size) + tuple(kernel),
                         padded.strides[:2] + tuple(a * s for a, s in zip(steps, stride))
                         + tuple(a * d for a, d in zip(steps, dilation)), writeable=False)
    values = windows.reshape(x.shape[:2] + tuple(out_size) + (math.prod(kernel),))
    tap = _window_argmax(values)
    # a window of -infs keeps PyTorch's initial pick: its first tap inside the input
    firsts, empty = [], np.zeros(out_size, bool)
    for i, (size, k, s, p, d, o) in enumerate(zip(sizes, kernel, stride, padding, dilation,
                                                  out_size)):
        taps = np.arange(o)[:, None] * s - p + np.arange(k) * d
        firsts.append(np.argmax(taps >= 0, axis=1))
        outside = ~((taps >= 0) & (taps < size)).any(axis=1)
        empty |= outside.reshape([-1 if j == i else 1 for j in range(len(sizes))])
    first = _ravel(np.ix_(*firsts), kernel)
    best = np.take_along_axis(values, tap[..., None], axis=-1)[..., 0]
    tap = np.where(best == -np.inf, first, tap)
    offsets = np.unravel_index(tap, kernel)
    grid = np.indices(out_size, sparse=True)
    positions = [o * s - p + t * d for o, t, s, p, d in zip(grid, offsets, stride, padding,
                                                             dilation)]
    return _ravel(positions, sizes), (empty if empty.any() else None)


# --- max pooling ---------------------------------------------------------------------------


def max_pool1d(input: Tensor, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
               padding: IntTuple = 0, dilation: IntTuple = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Maximum over windows of (N, C, L) or (C, L); padding counts as -inf; indices are
    positions along L."""
    op = "max_pool1d"
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"{op}: Expected 2D or 3D (batch mode) tensor with optional 0 dim "
                           f"batch size for input, but got:{list(input.shape)}")
    require_float(op, input.data)
    kernel = _single(kernel_size, "kernel_size", op)
    stride = _stride(stride, kernel, _single, op)
    padding, dilation = _single(padding, "padding", op), _single(dilation, "dilation", op)
    for name, value in (("kernel_size", kernel), ("stride", stride), ("dilation", dilation)):
        if value <= 0:
            raise RuntimeError(f"{op}() {name} must be greater than zero, but got {value}")
    if padding < 0:
        raise RuntimeError(f"{op}() padding must be non-negative, but got {padding}")
    if padding > kernel // 2:
        raise RuntimeError(f"{op}() padding should be at most half of kernel size, but got "
                           f"padding={padding} and kernel_size={kernel}")
    out_size = _pool_out_size(input.shape[-1], kernel, stride, padding, dilation, ceil_mode)
    if out_size < 1:
        raise RuntimeError(f"{op}() Invalid computed output size: {out_size}")
    out, index = max_pool2d(input.unsqueeze(-2), (1, kernel), (1, stride), (0, padding),
                            (1, dilation), ceil_mode, return_indices=True)
    out, index = out.squeeze(-2), index.squeeze(-2)
    return (out, index) if return_indices else out


def max_pool3d(input: Tensor, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
               padding: IntTuple = 0, dilation: IntTuple = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Any:
    """Maximum over kD x kH x kW windows of (N, C, D, H, W) or (C, D, H, W); padding counts
    as -inf; indices are flat positions within each D*H*W volume."""
    op = "max_pool3d"
    x, unbatched = _volume(input, op)
    _check_float(op, x)
    kernel = _triple(kernel_size, "kernel_size", op)
    stride = _stride(stride, kernel, _triple, op)
    padding, dilation = _triple(padding, "padding", op), _triple(dilation, "dilation", op)
    _check_windows(op, kernel, stride, padding, dilation)
    out_size = tuple(_pool_out_size(*args, ceil_mode) for args in zip(
        x.shape[2:], kernel, stride, padding, dilation))
    if min(out_size) < 1:
        _too_small(op, x.shape, out_size)
    index, empty = _window_max_index(x.data, kernel, stride, padding, dilation, out_size)
    if empty is None:
        out = gather_planes(x, index, "MaxPool3DWithIndices")
    else:  # PyTorch's -inf, and its index (past the plane's end) left as it is
        out = gather_planes(x, np.where(empty, 0, index), "MaxPool3DWithIndices")
        out = masked_fill(out, Tensor(np.broadcast_to(empty, out.shape)), -math.inf)
    index = Tensor(index)
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def max_pool1d_with_indices(input: Tensor, kernel_size: IntTuple,
                            stride: Optional[IntTuple] = None, padding: IntTuple = 0,
                            dilation: IntTuple = 1, ceil_mode: bool = False) -> tuple:
    """max_pool1d's (values, indices)."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input: Tensor, kernel_size: IntTuple,
                            stride: Optional[IntTuple] = None, padding: IntTuple = 0,
                            dilation: IntTuple = 1, ceil_mode: bool = False) -> tuple:
    """max_pool3d's (values, indices)."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# --- average pooling -----------------------------------------------------------------------


def avg_pool1d(input: Tensor, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
               padding: IntTuple = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """Mean over windows of (N, C, L) or (C, L) (see avg_pool2d)."""
    op = "avg_pool1d"
    _sequence(input, 1, op)
    kernel = _single(kernel_size, "kernel_size", op)
    stride = _stride(stride, kernel, _single, op)
    padding = _single(padding, "padding", op)
    return avg_pool2d(input.unsqueeze(-2), (1, kernel), (1, stride), (0, padding), ceil_mode,
                      count_include_pad).squeeze(-2)


def avg_pool3d(input: Tensor, kernel_size: IntTuple, stride: Optional[IntTuple] = None,
               padding: IntTuple = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Optional[int] = None) -> Tensor:
    """Mean over kD x kH x kW windows of (N, C, D, H, W) or (C, D, H, W). Zero padding counts
    towards the divisor when ``count_include_pad``; ``divisor_override`` replaces it."""
    op = "avg_pool3d"
    _volume(input, op)
    if input.dtype != np.int64:  # PyTorch's only integer pooling kernel is int64's
        require_float(op, input.data)
    kernel = _triple(kernel_size, "kernel_size", op)
    stride = _stride(stride, kernel, _triple, op)
    padding = _triple(padding, "padding", op)
    _check_windows(op, kernel, stride, padding, (1, 1, 1))
    if divisor_override == 0:
        raise RuntimeError(f"{op}: divisor must be not zero")
    if any(size < k for size, k in zip(input.shape[-3:], kernel)):  # padding or not
        raise RuntimeError(f"{op}: input image (T: {input.shape[-3]} H: {input.shape[-2]} W: "
                           f"{input.shape[-1]}) smaller than kernel size (kT: {kernel[0]} kH: "
                           f"{kernel[1]} kW: {kernel[2]})")
    windows = avg_windows(input.shape[-3:], kernel, stride, padding, ceil_mode,
                          count_include_pad)
    out_size = tuple(len(starts) for starts, *_ in windows)
    if min(out_size) < 1:
        _too_small(op, (1,) * (5 - input.ndim) + input.shape, out_size)
    if input.dtype == np.int64:
        return int_avg_pool(input.data, windows, divisor_override)
    if divisor_override is not None:
        windows = [(starts, ends, size, None) for starts, ends, size, _ in windows]
    out = window_means(input, [_window_matrix(*w, input.dtype) for w in windows])
    return out if divisor_override is None else out / float(divisor_override)


# --- adaptive pooling ----------------------------------------------------------------------


def _adaptive_1d(input: Tensor, output_size: Any, op: str) -> int:
    _sequence(input, 1, op)
    size = _single(output_size, "output_size", op)
    nonempty_planes(input, f"{op}()", 1)
    return size


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over output_size windows covering L (see adaptive_avg_pool2d)."""
    size = _adaptive_1d(input, output_size, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over output_size windows covering L; indices are positions along L."""
    size = _adaptive_1d(input, output_size, "adaptive_max_pool1d")
    if size < 0:
        raise RuntimeError(f"adaptive_max_pool1d: Trying to create tensor with negative "
                           f"dimension {size}")
    out, index = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices=True)
    out, index = out.squeeze(-2), index.squeeze(-2)
    return (out, index) if return_indices else out


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over an (oD, oH, oW) grid of windows covering the volume."""
    op = "adaptive_avg_pool3d"
    windows = adaptive_windows(input, output_size, op, 3)
    nonempty_planes(input, f"{op}()", 3)
    return window_means(input, [
        _window_matrix(starts, ends, size, ends - starts, input.dtype)
        for (starts, ends), size in zip(windows, input.shape[-3:])])


def adaptive_max_pool3d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over adaptive_avg_pool3d's grid of windows; indices are flat positions within
    each D*H*W volume (PyTorch's picks: the first maximum, the last NaN)."""
    op = "adaptive_max_pool3d"
    windows = adaptive_windows(input, output_size, op, 3)
    nonempty_planes(input, f"{op}()", 3)
    x, unbatched = (input.unsqueeze(0), True) if input.ndim == 4 else (input, False)
    # (oD, oH, oW, cD, cH, cW): each window's positions in scan order, and which are real
    cells, valid = zip(*(_window_cells(*w) for w in windows))
    flat = _ravel(_outer(cells), x.shape[2:])
    depth_ok, row_ok, col_ok = _outer(valid)
    real = depth_ok & row_ok & col_ok
    out_size = flat.shape[:3]
    taps = math.prod(flat.shape[3:])
    flat, real = flat.reshape(*out_size, taps), real.reshape(*out_size, taps)
    planes = x.data.reshape(*x.shape[:2], math.prod(x.shape[2:]))
    values = np.where(real, planes[:, :, flat], -np.inf)
    tap = _window_argmax(values) if values.size else np.zeros(values.shape[:-1], np.int64)
    index = np.take_along_axis(np.broadcast_to(flat, values.shape), tap[..., None], axis=-1)
    index = np.ascontiguousarray(index[..., 0])
    out, index = gather_planes(x, index, "AdaptiveMaxPool3D"), Tensor(index)
    if unbatched:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def _outer(arrays: tuple) -> list:
    """(o_i, c_i) arrays reshaped to broadcast as (o_0, .., o_r, c_0, .., c_r)."""
    rank = len(arrays)
    shaped = []
    for i, a in enumerate(arrays):
        shape = [1] * (2 * rank)
        shape[i], shape[rank + i] = a.shape
        shaped.append(a.reshape(shape))
    return shaped


def adaptive_max_pool1d_with_indices(input: Tensor, output_size: Any) -> tuple:
    """adaptive_max_pool1d's (values, indices)."""
    return adaptive_max_pool1d(input, output_size, return_indices=True)


def adaptive_max_pool3d_with_indices(input: Tensor, output_size: Any) -> tuple:
    """adaptive_max_pool3d's (values, indices)."""
    return adaptive_max_pool3d(input, output_size, return_indices=True)


# --- max unpooling -------------------------------------------------------------------------


def _index_array(indices: Any) -> np.ndarray:
    return indices.data if isinstance(indices, Tensor) else np.asarray(indices)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: IntTuple,
                 stride: Optional[IntTuple] = None, padding: IntTuple = 0,
                 output_size: Any = None) -> Tensor:
    """max_pool1d's partial inverse (max_unpool2d on a unit width, as PyTorch)."""
    op = "max_unpool1d"
    kernel = _single(kernel_size, "kernel_size", op)
    stride = kernel if stride is None else _single(stride, "stride", op)
    padding = _single(padding, "padding", op)
    (size,) = unpool_size(input.shape[-1:], (kernel,), (stride,), (padding,), output_size)
    index = Tensor(np.expand_dims(_index_array(indices), -1))
    return max_unpool2d(input.unsqueeze(-1), index, (kernel, 1), (stride, 1), (padding, 0),
                        (size, 1)).squeeze(-1)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size: IntTuple,
                 stride: Optional[IntTuple] = None, padding: IntTuple = 0,
                 output_size: Any = None) -> Tensor:
    """max_pool3d's partial inverse: a zero (N, C, D, H, W) or (C, D, H, W) output with each
    input value at its flat position ``indices`` within its volume."""
    op = "max_unpool3d"
    kernel = _triple(kernel_size, "kernel_size", op)
    stride = kernel if stride is None else _triple(stride, "stride", op)
    padding = _triple(padding, "padding", op)
    size = unpool_size(input.shape[-3:], kernel, stride, padding, output_size)
    if input.ndim not in (4, 5):
        raise RuntimeError(f"Input to max_unpooling3d should be a 4d or 5d Tensor, but got a "
                           f"tensor with {input.ndim} dimensions.")
    require_float(op, input.data)
    index = _index_array(indices)
    if index.dtype != np.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {index.dtype}")
    if index.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(index.shape)}")
    nonempty_planes(input, "max_unpooling3d_forward_out_cpu()", 3)
    if min(stride) <= 0:
        raise RuntimeError(f"strides should be greater than zero, but got stride: "
                           f"{list(stride)}")
    return unpool_scatter(input, index, size)


# --- power-average pooling -----------------------------------------------------------------


def _lp_pool(n: int, input: Tensor, norm_type: float, kernel_size: Any, stride: Any,
             ceil_mode: bool) -> Tensor:
    """PyTorch's formula: (sum of x^p over each window)^(1/p), through the n-d average
    pooling; p = inf is max pooling of |x|, -inf its minimum."""
    average, maximum = {1: (avg_pool1d, max_pool1d), 2: (avg_pool2d, max_pool2d),
                        3: (avg_pool3d, max_pool3d)}[n]
    if norm_type == math.inf:
        return maximum(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -math.inf:
        return -maximum(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if n == 1 and not isinstance(kernel_size, (int, np.integer)):
        raise TypeError(f"lp_pool1d: kernel_size must be an int, got {kernel_size!r}")
    out = average(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    count = math.prod(as_tuple(kernel_size, n, "kernel_size", f"lp_pool{n}d"))
    # sign's gradient is 0: taken off the graph, 0 * inf (1/p-th power at 0) cannot give NaN
    return (sign(out.detach()) * relu(out.abs())).mul(count).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size: int,
              stride: Optional[IntTuple] = None, ceil_mode: bool = False) -> Tensor:
    """(sum over each window of x^p)^(1/p) along L."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size: IntTuple,
              stride: Optional[IntTuple] = None, ceil_mode: bool = False) -> Tensor:
    """(sum over each kH x kW window of x^p)^(1/p)."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size: IntTuple,
              stride: Optional[IntTuple] = None, ceil_mode: bool = False) -> Tensor:
    """(sum over each kD x kH x kW window of x^p)^(1/p)."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)
