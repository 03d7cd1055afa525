"""``interpolate`` (resizing) of (N, C, H, W) tensors: modes 'nearest' and 'bilinear'.

Both are composed of differentiable ops, so gradients of every order come with them:
'nearest' picks source rows and columns with ``index_select`` along dims 2 and 3 (integer
index arrays computed as PyTorch's kernels compute them), and 'bilinear' is separable, so it
is two small matrix products ``A_h @ x @ A_w^T`` (as in ``pool.py``), where row ``i`` of
``A_h`` holds the two interpolation weights of output row ``i``.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from .conv import _check_float
from .index import index_select
from .pool import _separable_pool

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_LINEAR_MODES = ("linear", "bilinear", "bicubic", "trilinear")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _output_size(input: Tensor, size: Any, scale_factor: Any,
                 recompute_scale_factor: Optional[bool]) -> tuple:
    """(output (H, W), the scale factors the kernels use, or (None, None))."""
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        if isinstance(size, (tuple, list)):
            if len(size) != 2:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {spatial} and output size of "
                    f"{size!r}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    "and output size in (o1, o2, ...,oK) format.")
            sizes = tuple(size)
        else:
            sizes = (size, size)
        if not all(_is_int(s) for s in sizes):
            raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] "
                            f"or Tuple[int, int, int], but got size with types "
                            f"{[type(s) for s in sizes]}")
        return tuple(int(s) for s in sizes), (None, None)
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (tuple, list)):
        if len(scale_factor) != 2:
            raise ValueError(
                f"Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {spatial} and scale_factor of shape "
                f"{scale_factor!r}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
                "format and scale_factor in (s1, s2, ...,sK) format.")
        scales = tuple(float(s) for s in scale_factor)
    else:
        scales = (float(scale_factor),) * 2
    sizes = tuple(math.floor(float(n) * s) for n, s in zip(spatial, scales))
    # recompute_scale_factor=True: the kernels use in / out, as if size had been given.
    return sizes, ((None, None) if recompute_scale_factor else scales)


def _inverse_scale(in_size: int, out_size: int, scale: Optional[float],
                   dtype: type) -> Any:
    """PyTorch's compute_scales_value: 1 / scale_factor when given (and > 0), else in / out."""
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(in_size) / dtype(out_size)


def _nearest_index(in_size: int, out_size: int, scale: Optional[float]) -> np.ndarray:
    """PyTorch's nearest_idx: src = min(floor(dst * scale), in - 1), in float32 arithmetic."""
    dst = np.arange(out_size)
    if out_size == in_size:
        return dst
    if out_size == 2 * in_size:
        return dst >> 1
    scale = _inverse_scale(in_size, out_size, scale, np.float32)
    src = np.floor(dst.astype(np.float32) * scale).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _linear_matrix(in_size: int, out_size: int, scale: Optional[float], align_corners: bool,
                   dtype: np.dtype) -> np.ndarray:
    """(out_size, in_size): row i holds PyTorch's two linear interpolation weights of output
    i (area_pixel_compute_source_index, then guard_index_and_lambda) in the input's dtype."""
    matrix = np.zeros((out_size, in_size), dtype)
    dst = np.arange(out_size)
    if out_size == in_size:
        matrix[dst, dst] = 1
        return matrix
    t = dtype.type
    if align_corners:
        ratio = t(in_size - 1) / t(out_size - 1) if out_size > 1 else t(0)
        src = ratio * dst.astype(dtype)
    else:
        ratio = _inverse_scale(in_size, out_size, scale, t)
        src = np.maximum(ratio * (dst.astype(dtype) + t(0.5)) - t(0.5), t(0))
    index0 = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lambda1 = np.clip(src - index0.astype(dtype), t(0), t(1)).astype(dtype)
    index1 = index0 + (index0 < in_size - 1)
    np.add.at(matrix, (dst, index0), t(1) - lambda1)
    np.add.at(matrix, (dst, index1), lambda1)
    return matrix


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: Optional[bool] = None,
                recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False) -> Tensor:
    """Resize (N, C, H, W) to ``size`` or by ``scale_factor`` (output = floor(in * scale)),
    with 'nearest' (src = floor(dst * in / out), or dst / scale_factor when given) or
    'bilinear' (align_corners=True: the corner pixels' centres line up; False: the corners
    of the image do, and the source coordinate is clamped at 0) as PyTorch."""
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
            f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
            f"nearest-exact (got {mode})")
    if mode not in _LINEAR_MODES:
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    if mode not in ("nearest", "bilinear"):
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported; only "
                                  "'nearest' and 'bilinear' are")
    if input.ndim != 4:
        if mode == "bilinear":
            raise NotImplementedError(f"Got {input.ndim}D input, but bilinear mode needs 4D "
                                      "input")
        raise NotImplementedError(f"interpolate: only 4D (N, C, H, W) input is supported, "
                                  f"got input of size {list(input.shape)}")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    out_size, scales = _output_size(input, size, scale_factor, recompute_scale_factor)
    in_size = input.shape[2:]
    if min(out_size) <= 0 or min(in_size) <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"(H: {in_size[0]}, W: {in_size[1]}) output (H: {out_size[0]}, "
                           f"W: {out_size[1]})")
    if mode == "nearest":
        out = input
        for dim, n_in, n_out, scale in zip((2, 3), in_size, out_size, scales):
            out = index_select(out, dim, _nearest_index(n_in, n_out, scale))
        return out
    _check_float("upsample_bilinear2d", input)
    rows, cols = (_linear_matrix(n_in, n_out, scale, align_corners, input.dtype)
                  for n_in, n_out, scale in zip(in_size, out_size, scales))
    return _separable_pool(input, rows, cols)
