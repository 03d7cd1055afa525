"""Average pooling: ``avg_pool2d`` and ``adaptive_avg_pool2d`` on (N, C, H, W) or (C, H, W).

A window's average is separable: the sum over a rectangle of rows and columns, divided by a
count that is the product of a row count and a column count (PyTorch's divisor, with or
without the padding, factorises that way). So each pooling is two small matrix products,
``A_h @ x @ A_w^T``, where row ``i`` of ``A_h`` holds ``1 / count_h(i)`` over the image rows
of window ``i``. The products are the matmul op: gradients of every order come with it.
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from .activation import require_float
from .conv import IntPair, _check_float, _pair, _pool_out_size, pool_too_small


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


def _separable_pool(x: Tensor, rows: np.ndarray, cols: np.ndarray) -> Tensor:
    """``rows @ x @ cols^T`` over the last two dims: the columns as one GEMM over every image
    row, then the rows as a batched product (faster than transposing for one GEMM)."""
    if not rows.size or not cols.size:  # an empty grid (matmul refuses empty operands)
        return (x[..., :1, :1] * 0).expand(*x.shape[:-2], len(rows), len(cols))
    y = x @ Tensor(np.ascontiguousarray(cols.T))  # (..., H, OW)
    return Tensor(rows) @ y  # (..., OH, OW)


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
    windows = []
    for size, k, s, p in zip(input.shape[-2:], kernel, stride, padding):
        starts = np.arange(_pool_out_size(size, k, s, p, 1, ceil_mode)) * s - p
        ends = starts + k
        if count_include_pad:  # the window, cut at the padded input's far edge
            counts = np.minimum(ends, size + p) - starts
        else:
            counts = np.minimum(ends, size) - np.maximum(starts, 0)
        windows.append((starts, ends, size, counts))
    out_size = (len(windows[0][0]), len(windows[1][0]))
    if min(out_size) < 1:
        pool_too_small("avg_pool2d", input.shape, out_size)
    if input.dtype == np.int64:
        return _int_avg_pool(input.data, windows, divisor_override)
    if divisor_override is not None:
        windows = [(starts, ends, size, None) for starts, ends, size, _ in windows]
    out = _separable_pool(input, *(_window_matrix(*w, input.dtype) for w in windows))
    return out if divisor_override is None else out / float(divisor_override)


def _int_avg_pool(x: np.ndarray, windows: list, divisor_override: Optional[int]) -> Tensor:
    """PyTorch's int64 average: the exact window sum divided by the count, truncated towards
    zero (no gradient: integer tensors do not require one)."""
    rows, cols = (_window_matrix(starts, ends, size, None, np.int64)
                  for starts, ends, size, _ in windows)
    sums = rows @ x @ cols.T
    if divisor_override is None:
        divisors = np.outer(windows[0][3], windows[1][3])
    else:
        divisors = np.int64(divisor_override)
    return Tensor(np.sign(sums) * (np.abs(sums) // divisors))


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Mean over an (oH, oW) grid of windows covering the image: window i of a dim of size
    n spans [floor(i n / o), ceil((i + 1) n / o)). ``None`` in output_size keeps that size."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(input.shape)}")
    _check_float("adaptive_avg_pool2d", input)
    sizes = output_size if isinstance(output_size, (tuple, list)) else (output_size,) * 2
    if len(sizes) != 2:
        raise RuntimeError(f"adaptive_avg_pool2d: output_size must be 2, got {output_size!r}")
    matrices = []
    for size, out in zip(input.shape[-2:], sizes):
        out = size if out is None else int(out)
        if out < 0:  # 0 is allowed: an empty output, as PyTorch
            raise RuntimeError(f"adaptive_avg_pool2d: elements of output_size must be greater "
                               f"than or equal to 0, got {output_size!r}")
        index = np.arange(out)
        starts = index * size // out
        ends = -(-(index + 1) * size // out)  # ceil
        matrices.append(_window_matrix(starts, ends, size, ends - starts, input.dtype))
    return _separable_pool(input, *matrices)
