"""Pooling on (N, C, H, W) or (C, H, W): ``avg_pool2d``, ``adaptive_avg_pool2d``,
``adaptive_max_pool2d`` and ``max_unpool2d`` (``max_pool2d`` is in conv.py).

A window's average is separable: the sum over a rectangle of rows and columns, divided by a
count that is the product of a row count and a column count (PyTorch's divisor, with or
without the padding, factorises that way). So each pooling is two small matrix products,
``A_h @ x @ A_w^T``, where row ``i`` of ``A_h`` holds ``1 / count_h(i)`` over the image rows
of window ``i``. The products are the matmul op: gradients of every order come with it.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .activation import require_float
from .conv import (IntPair, MaxPool2dBackward, _check_float, _pair, _pool_out_size,
                   pool_too_small)


def _window_matrix(starts: np.ndarray, ends: np.ndarray, size: int,
                   counts: Optional[np.ndarray], dtype: np.dtype) -> np.ndarray:
    """(len(starts), size): row i is 1 / counts[i] on [starts[i], ends[i]) clipped to the
    image (1 where ``counts`` is None; 0 for a window that misses the image)."""
    positions = np.arange(size)
    lo, hi = np.maximum(starts, 0)[:, None], np.minimum(ends, size)[:, None]
    inside = (positions >= lo) & (positions < hi)
    if counts is None:
        return inside.astype(dtype)
    safe = np.where(counts > 0, counts, 1)
    return (inside / safe[:, None]).astype(dtype)


def separable(x: Tensor, matrices: list) -> Tensor:
    """``matrices[k]`` applied along the k-th of the last ``len(matrices)`` dims of x (1 to
    3). Two dims: the columns as one GEMM over every image row, then the rows as a batched
    product (faster than transposing for one GEMM); a third (depth) acts on the flattened
    (OH, OW)."""
    lead = x.shape[:x.ndim - len(matrices)]
    out_shape = lead + tuple(len(m) for m in matrices)
    if not all(m.size for m in matrices):  # an empty grid (matmul refuses empty operands)
        return (x[(...,) + (slice(0, 1),) * len(matrices)] * 0).expand(*out_shape)
    y = x @ Tensor(np.ascontiguousarray(matrices[-1].T))  # (..., H, OW)
    if len(matrices) == 1:
        return y
    y = Tensor(matrices[-2]) @ y  # (..., OH, OW)
    if len(matrices) == 2:
        return y
    y = Tensor(matrices[0]) @ y.reshape(*lead, x.shape[-3], y.shape[-2] * y.shape[-1])
    return y.reshape(*out_shape)


def window_means(x: Tensor, matrices: list) -> Tensor:
    """Pooling windows as ``separable`` products; an input holding inf or NaN goes through
    ``NonFiniteWindows`` instead, since a product would spread them (0 * inf) to every
    window of their rows and columns."""
    if x.data.dtype.kind == "f" and x.data.size and not np.isfinite(x.data).all():
        return NonFiniteWindows.apply(x, matrices)
    return separable(x, matrices)


class NonFiniteWindows(Function):
    """y = the window matrices applied along the last dims of a, where a window holding NaN
    (or both infinities) is NaN and one holding an infinity is that infinity, as PyTorch's
    window sums; da = the transposed matrices applied to g (linear, as PyTorch's)."""

    @staticmethod
    def forward(ctx, a, matrices):
        ctx.matrices = matrices
        out = _along_last_dims(np.where(np.isfinite(a), a, 0), matrices)
        members = [(m != 0).astype(a.dtype) for m in matrices]

        def hit(mask: np.ndarray) -> np.ndarray:
            return _along_last_dims(mask.astype(a.dtype), members) > 0

        plus, minus = hit(a == np.inf), hit(a == -np.inf)
        out[plus] = np.inf
        out[minus] = -np.inf
        out[hit(np.isnan(a)) | (plus & minus)] = np.nan
        return out

    @staticmethod
    def backward(ctx, g):
        return separable_transposed(g, ctx.matrices), None


def separable_transposed(g: Tensor, matrices: list) -> Tensor:
    """The adjoint of ``separable``: the transposed matrices along the last dims of g."""
    return separable(g, [np.ascontiguousarray(m.T) for m in matrices])


def _along_last_dims(a: np.ndarray, matrices: list) -> np.ndarray:
    for k, m in enumerate(matrices):
        axis = a.ndim - len(matrices) + k
        a = np.moveaxis(np.tensordot(m, a, axes=(1, axis)), 0, axis)
    return np.ascontiguousarray(a)


def _image_input(input: Tensor, op: str) -> None:
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{op}: Expected 3D or 4D (batch mode) tensor for input, but got "
                           f"input of size: {list(input.shape)}")
    if input.dtype != np.int64:  # PyTorch's only integer pooling kernel is int64's
        require_float(op, input.data)


def avg_pool2d(input: Tensor, kernel_size: IntPair, stride: Optional[IntPair] = None,
               padding: IntPair = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Optional[int] = None) -> Tensor:
    """Mean over kH x kW windows of (N, C, H, W) or (C, H, W). Zero padding counts towards
    the divisor when ``count_include_pad``; ``divisor_override`` replaces the divisor."""
    _image_input(input, "avg_pool2d")
    kernel = _pair(kernel_size, "kernel_size", "avg_pool2d")
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride", "avg_pool2d")
    padding = _pair(padding, "padding", "avg_pool2d")
    if any(s <= 0 for s in stride) or any(k <= 0 for k in kernel):
        raise RuntimeError("avg_pool2d: stride should not be zero (kernel_size "
                           f"{kernel}, stride {stride})")
    for p, k in zip(padding, kernel):
        if p < 0 or p > k // 2:
            raise RuntimeError(f"avg_pool2d: pad should be at most half of effective kernel "
                               f"size, but got pad={p}, kernel_size={k} and dilation=1")
    if divisor_override == 0:
        raise RuntimeError("avg_pool2d: divisor must be not zero")
    windows = avg_windows(input.shape[-2:], kernel, stride, padding, ceil_mode,
                          count_include_pad)
    out_size = (len(windows[0][0]), len(windows[1][0]))
    if min(out_size) < 1:
        pool_too_small("avg_pool2d", input.shape, out_size)
    if input.dtype == np.int64:
        return int_avg_pool(input.data, windows, divisor_override)
    if divisor_override is not None:
        windows = [(starts, ends, size, None) for starts, ends, size, _ in windows]
    out = window_means(input, [_window_matrix(*w, input.dtype) for w in windows])
    return out if divisor_override is None else out / float(divisor_override)


def avg_windows(sizes: tuple, kernel: tuple, stride: tuple, padding: tuple, ceil_mode: bool,
                count_include_pad: bool) -> list:
    """(starts, ends, size, divisor counts) of an average pooling's windows per spatial dim."""
    windows = []
    for size, k, s, p in zip(sizes, kernel, stride, padding):
        starts = np.arange(_pool_out_size(size, k, s, p, 1, ceil_mode)) * s - p
        ends = starts + k
        if count_include_pad:  # the window, cut at the padded input's far edge
            counts = np.minimum(ends, size + p) - starts
        else:
            counts = np.minimum(ends, size) - np.maximum(starts, 0)
        windows.append((starts, ends, size, counts))
    return windows


def int_avg_pool(x: np.ndarray, windows: list, divisor_override: Optional[int]) -> Tensor:
    """PyTorch's int64 average over the last len(windows) dims: the exact window sum divided
    by the count, truncated towards zero (no gradient: integer tensors do not require one)."""
    sums, divisors = x, np.int64(1)
    for axis, (starts, ends, size, counts) in enumerate(windows, x.ndim - len(windows)):
        window = _window_matrix(starts, ends, size, None, np.int64)
        sums = np.moveaxis(np.tensordot(window, sums, axes=(1, axis)), 0, axis)
        divisors = np.multiply.outer(divisors, counts)
    if divisor_override is not None:
        divisors = np.int64(divisor_override)
    return Tensor(np.sign(sums) * (np.abs(sums) // divisors))


def adaptive_windows(input: Tensor, output_size: Any, op: str, n: int = 2) -> list:
    """(starts, ends) per spatial dim of an n-d adaptive pooling: window i of a dim of size s
    spans [floor(i s / o), ceil((i + 1) s / o)). ``None`` in output_size keeps that size."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"{op}(): Expected {n + 1}D or {n + 2}D tensor, but got "
                           f"{list(input.shape)}")
    _check_float(op, input)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * n
    if len(sizes) != n:
        raise RuntimeError(f"{op}: output_size must be {n}, got {output_size!r}")
    windows = []
    for size, out in zip(input.shape[-n:], sizes):
        out = size if out is None else int(out)
        if out < 0:  # 0 is allowed: an empty output, as PyTorch
            raise RuntimeError(f"{op}: elements of output_size must be greater than or equal "
                               f"to 0, got {output_size!r}")
        index = np.arange(out)
        windows.append((index * size // out, -(-(index + 1) * size // out)))  # floor, ceil
    return windows


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over an (oH, oW) grid of windows covering the image (see adaptive_windows)."""
    windows = adaptive_windows(input, output_size, "adaptive_avg_pool2d")
    rows, cols = (_window_matrix(starts, ends, size, ends - starts, input.dtype)
                  for (starts, ends), size in zip(windows, input.shape[-2:]))
    return window_means(input, [rows, cols])


# --- adaptive max pooling and max unpooling: numpy finds the positions, indexing moves the
# values, so gradients of every order are GetItem / IndexBackward / SetItem's -----------------


def _window_cells(starts: np.ndarray, ends: np.ndarray) -> tuple:
    """(cells, valid), each (len(starts), longest window): row i lists window i's positions,
    padded by repeating its last one, and which entries are real."""
    cells = starts[:, None] + np.arange(int((ends - starts).max(initial=1)))
    return np.minimum(cells, ends[:, None] - 1), cells < ends[:, None]


def _window_argmax(values: np.ndarray) -> np.ndarray:
    """Position of each window's maximum along the last axis: the first one, or the last NaN
    (PyTorch's loop takes any NaN it meets, even after another)."""
    nan = np.isnan(values)
    last_nan = values.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    return np.where(nan.any(axis=-1), last_nan, np.argmax(values, axis=-1))


def nonempty_planes(input: Tensor, op: str, n: int = 2) -> None:
    """PyTorch's check that every dim but the batch one of an n-d pooling is non-empty."""
    lead = input.ndim - n - 1
    if 0 in input.shape[lead:]:
        raise RuntimeError(f"{op}: Expected input to have non-zero size for non-batch "
                           f"dimensions, but input has sizes {list(input.shape)} with "
                           f"dimension {lead + input.shape[lead:].index(0)} being empty")


@register
class PlaneGather(Function):
    """y[n, c].flat = x[n, c].flat[index[n, c]];  dx = g scatter-added to index (max_pool2d's
    gradient kernel, on planes flattened to one row)"""

    @staticmethod
    def forward(ctx, x, index):
        planes = x.shape[:2]
        rows = index.reshape(*planes, 1, math.prod(index.shape[2:]))
        ctx.save_for_backward(rows)  # as PyTorch's indices: freed by backward
        ctx.in_shape = x.shape
        return np.take_along_axis(x.reshape(*planes, math.prod(x.shape[2:])),
                                  rows[:, :, 0], axis=2).reshape(index.shape)

    @staticmethod
    def backward(ctx, g):
        index, shape = ctx.saved_tensor(0), ctx.in_shape
        index = index.data if isinstance(index, Tensor) else index
        dx = MaxPool2dBackward.apply(g.reshape(*index.shape), index,
                                     (*shape[:2], 1, math.prod(shape[2:])))
        return dx.reshape(*shape), None


def gather_planes(x: Tensor, index: np.ndarray, name: str) -> Tensor:
    """``PlaneGather`` of a max pooling, its node named as PyTorch's (``name`` + Backward0)."""
    out = PlaneGather.apply(x, index)
    if out.grad_fn is not None:
        out.grad_fn.name_base = name
    return out


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Maximum over adaptive_avg_pool2d's grid of windows; with ``return_indices`` also its
    flat position within each H*W plane (int64), as max_pool2d's (max_unpool2d's input)."""
    windows = adaptive_windows(input, output_size, "adaptive_max_pool2d")
    nonempty_planes(input, "adaptive_max_pool2d()")
    (rows, row_ok), (cols, col_ok) = (_window_cells(*w) for w in windows)
    height, width = input.shape[-2:]
    out_size = (len(rows), len(cols))
    # (oH, oW, cells): the plane positions of each window, row-major as PyTorch scans them
    flat = (rows[:, None, :, None] * width + cols[None, :, None, :]).reshape(
        *out_size, rows.shape[1] * cols.shape[1])
    valid = (row_ok[:, None, :, None] & col_ok[None, :, None, :]).reshape(flat.shape)
    x = input if input.ndim == 4 else input.unsqueeze(0)
    values = np.where(valid, x.data.reshape(*x.shape[:2], height * width)[:, :, flat], -np.inf)
    index = np.take_along_axis(np.broadcast_to(flat, values.shape),
                               _window_argmax(values)[..., None], axis=-1)[..., 0]
    out = gather_planes(x, np.ascontiguousarray(index), "AdaptiveMaxPool2D")
    index = Tensor(index)
    if input.ndim == 3:
        out, index = out.squeeze(0), index.squeeze(0)
    return (out, index) if return_indices else out


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: Any) -> tuple:
    """adaptive_max_pool2d's (values, indices)."""
    return adaptive_max_pool2d(input, output_size, return_indices=True)


def unpool_size(in_size: tuple, kernel: tuple, stride: tuple, padding: tuple,
                output_size: Any) -> tuple:
    """PyTorch's unpooled spatial size: ``(n - 1) * stride - 2 * padding + kernel`` per dim,
    or ``output_size`` (its spatial entries), which must lie within a stride of that."""
    default = tuple((n - 1) * s - 2 * p + k
                    for n, k, s, p in zip(in_size, kernel, stride, padding))
    if output_size is None:
        return default
    size, rank = tuple(output_size), len(default)
    if len(size) == rank + 2:
        size = size[2:]
    if len(size) != rank:
        raise ValueError(f"output_size should be a sequence containing {rank} or {rank + 2} "
                         f"elements, but it has a length of '{len(size)}'")
    for d, (n, base, s) in enumerate(zip(size, default, stride)):
        if not base - s < n < base + s:
            raise ValueError(f'invalid output_size "{size}" (dim {d} must be between '
                             f'{base - s} and {base + s})')
    return tuple(int(n) for n in size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: IntPair,
                 stride: Optional[IntPair] = None, padding: IntPair = 0,
                 output_size: Any = None) -> Tensor:
    """max_pool2d's partial inverse: a zero (N, C, H, W) or (C, H, W) output with each input
    value at its flat position ``indices`` within its H*W plane (of a repeated position,
    the last value stays; every one gets that position's gradient)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
                           f"tensor with {input.ndim} dimensions.")
    _check_float("max_unpool2d", input)
    index = indices.data if isinstance(indices, Tensor) else np.asarray(indices)
    if index.dtype != np.int64:
        raise RuntimeError(f"elements in indices should be type int64 but got: {index.dtype}")
    if index.shape != input.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(index.shape)}")
    nonempty_planes(input, "max_unpooling2d_forward_out_cpu()")
    kernel = _pair(kernel_size, "kernel_size", "max_unpool2d")
    stride = kernel if stride is None else _pair(stride, "stride", "max_unpool2d")
    padding = _pair(padding, "padding", "max_unpool2d")
    size = unpool_size(input.shape[-2:], kernel, stride, padding, output_size)
    return unpool_scatter(input, index, size)


def unpool_scatter(input: Tensor, index: np.ndarray, size: tuple) -> Tensor:
    """Zeros of spatial ``size`` with each input value at its flat position ``index`` within
    its plane (a SetItem: gradients of every order)."""
    bad = (index < 0) | (index >= math.prod(size))
    if bad.any():  # PyTorch names the last one
        raise RuntimeError(f"Found an invalid max index: {index[bad][-1]} (output volumes are "
                           f"of size {'x'.join(map(str, size))})")
    lead = input.shape[:-len(size)]
    planes, cells = math.prod(lead), math.prod(input.shape[-len(size):])
    out = Tensor(np.zeros((planes, math.prod(size)), input.dtype))
    out[np.arange(planes)[:, None], index.reshape(planes, cells)] = input.reshape(planes, cells)
    return out.reshape(*lead, *size)
