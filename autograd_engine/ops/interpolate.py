"""``interpolate`` (resizing) of (N, C, *spatial) tensors with 1 to 3 spatial dims, modes
'nearest', 'nearest-exact', 'linear' / 'bilinear' / 'trilinear', 'bicubic' and 'area'.

Every mode is composed of differentiable ops, so gradients of every order come with it.
The nearest modes pick source slices with ``index_select`` along each spatial dim (integer
index arrays computed as PyTorch's kernels compute them). The other modes are separable:
each output position along a dim is a fixed weighted sum of input positions, so the resize
is one small matrix product per spatial dim (as in ``pool.py``); row ``i`` of a dim's matrix
holds the weights of output ``i`` (2 for linear, 4 for cubic, a window mean for area; with
``antialias``, every input under the filter widened by the downscale factor).
"""
from __future__ import annotations

import functools
import math
from typing import Any, Callable, List, Optional

import numpy as np

from ..tensor import Tensor
from .conv import _check_float
from .index import index_select
from .pool import separable, window_means

_MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
_LINEAR_MODES = ("linear", "bilinear", "bicubic", "trilinear")
# The input rank each interpolating mode needs (the nearest modes and 'area' take 3 to 5).
_MODE_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_CUBIC_A = -0.75  # PyTorch's bicubic coefficient


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _output_size(input: Tensor, size: Any, scale_factor: Any,
                 recompute_scale_factor: Optional[bool]) -> tuple:
    """(output spatial sizes, the scale factors the kernels use, or Nones)."""
    spatial = list(input.shape[2:])
    dims = len(spatial)
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
        if isinstance(size, (tuple, list)):
            if len(size) != dims:
                raise ValueError(
                    f"Input and output must have the same number of spatial dimensions, but "
                    f"got input with spatial dimensions of {spatial} and output size of "
                    f"{size!r}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    "and output size in (o1, o2, ...,oK) format.")
            sizes = tuple(size)
        else:
            sizes = (size,) * dims
        if not all(_is_int(s) for s in sizes):
            raise TypeError(f"expected size to be one of int or Tuple[int] or Tuple[int, int] "
                            f"or Tuple[int, int, int], but got size with types "
                            f"{[type(s) for s in sizes]}")
        return tuple(int(s) for s in sizes), (None,) * dims
    if scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if isinstance(scale_factor, (tuple, list)):
        if len(scale_factor) != dims:
            raise ValueError(
                f"Input and scale_factor must have the same number of spatial dimensions, but "
                f"got input with spatial dimensions of {spatial} and scale_factor of shape "
                f"{scale_factor!r}. Please provide input tensor in (N, C, d1, d2, ...,dK) "
                "format and scale_factor in (s1, s2, ...,sK) format.")
        scales = tuple(float(s) for s in scale_factor)
    else:
        scales = (float(scale_factor),) * dims
    sizes = tuple(math.floor(float(n) * s) for n, s in zip(spatial, scales))
    # recompute_scale_factor=True: the kernels use in / out, as if size had been given.
    return sizes, ((None,) * dims if recompute_scale_factor else scales)


def _inverse_scale(in_size: int, out_size: int, scale: Optional[float],
                   dtype: type) -> Any:
    """PyTorch's compute_scales_value: 1 / scale_factor when given (and > 0), else in / out."""
    if scale is not None and scale > 0:
        return dtype(1.0 / scale)
    return dtype(in_size) / dtype(out_size)


def _nearest_index(in_size: int, out_size: int, scale: Optional[float],
                   shortcuts: bool) -> np.ndarray:
    """PyTorch's nearest_idx: src = min(floor(dst * scale), in - 1), in float32 arithmetic.
    Its 2-D kernel first takes out == in as a copy and out == 2 * in as dst // 2 even when
    ``scale`` says otherwise; the 1-D and 3-D kernels do not (``shortcuts``)."""
    dst = np.arange(out_size)
    if shortcuts and out_size == in_size:
        return dst
    if shortcuts and out_size == 2 * in_size:
        return dst >> 1
    scale = _inverse_scale(in_size, out_size, scale, np.float32)
    src = np.floor(dst.astype(np.float32) * scale).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _nearest_exact_index(in_size: int, out_size: int, scale: Optional[float],
                         shortcuts: bool) -> np.ndarray:
    """PyTorch's nearest_exact_idx: src = min(floor((dst + 0.5) * scale), in - 1) (no
    shortcuts in any rank)."""
    scale = _inverse_scale(in_size, out_size, scale, np.float32)
    dst = np.arange(out_size).astype(np.float32)
    src = np.floor((dst + np.float32(0.5)) * scale).astype(np.int64)
    return np.minimum(src, in_size - 1)


def _pixel_scale(in_size: int, out_size: int, scale: Optional[float], align_corners: bool,
                 t: type) -> Any:
    """PyTorch's area_pixel_compute_scale: input pixels per output pixel."""
    if align_corners:
        return t(in_size - 1) / t(out_size - 1) if out_size > 1 else t(0)
    return _inverse_scale(in_size, out_size, scale, t)


def _source_coords(in_size: int, out_size: int, scale: Optional[float], align_corners: bool,
                   cubic: bool, dtype: np.dtype) -> np.ndarray:
    """PyTorch's area_pixel_compute_source_index for every output position; the linear
    modes clamp the coordinate at 0, the cubic one does not."""
    t = dtype.type
    dst = np.arange(out_size).astype(dtype)
    ratio = _pixel_scale(in_size, out_size, scale, align_corners, t)
    if align_corners:
        return ratio * dst
    src = ratio * (dst + t(0.5)) - t(0.5)
    return src if cubic else np.maximum(src, t(0))


def _index_and_lambda(src: np.ndarray, in_size: int, dtype: np.dtype) -> tuple:
    """PyTorch's guard_index_and_lambda: the floor index (at most in - 1) and the fraction
    past it, clamped to [0, 1]."""
    index = np.minimum(np.floor(src).astype(np.int64), in_size - 1)
    lam = np.clip(src - index.astype(dtype), dtype.type(0), dtype.type(1)).astype(dtype)
    return index, lam


def _linear_matrix(in_size: int, out_size: int, scale: Optional[float], align_corners: bool,
                   dtype: np.dtype) -> np.ndarray:
    """(out_size, in_size): row i holds the two linear interpolation weights of output i."""
    matrix = np.zeros((out_size, in_size), dtype)
    dst = np.arange(out_size)
    if out_size == in_size:
        matrix[dst, dst] = 1
        return matrix
    src = _source_coords(in_size, out_size, scale, align_corners, False, dtype)
    index0, lambda1 = _index_and_lambda(src, in_size, dtype)
    index1 = index0 + (index0 < in_size - 1)
    np.add.at(matrix, (dst, index0), dtype.type(1) - lambda1)
    np.add.at(matrix, (dst, index1), lambda1)
    return matrix


def _cubic_near(x: np.ndarray, a: Any) -> np.ndarray:
    """Keys' cubic convolution kernel on |x| <= 1."""
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _cubic_far(x: np.ndarray, a: Any) -> np.ndarray:
    """Keys' cubic convolution kernel on 1 < |x| < 2."""
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _cubic_weights(t: np.ndarray) -> List[np.ndarray]:
    """PyTorch's get_cubic_upsample_coefficients: the weights of inputs index-1 .. index+2
    for a fraction ``t`` past ``index`` (Keys' kernel with a = -0.75)."""
    a = t.dtype.type(_CUBIC_A)
    return [_cubic_far(t + 1, a), _cubic_near(t, a), _cubic_near(1 - t, a), _cubic_far(2 - t, a)]


def _cubic_matrix(in_size: int, out_size: int, scale: Optional[float], align_corners: bool,
                  dtype: np.dtype) -> np.ndarray:
    """(out_size, in_size): row i holds the four cubic weights of output i; taps past an
    edge read the edge value, so their weights add to it."""
    matrix = np.zeros((out_size, in_size), dtype)
    src = _source_coords(in_size, out_size, scale, align_corners, True, dtype)
    index, t = _index_and_lambda(src, in_size, dtype)
    dst = np.arange(out_size)
    for k, weight in enumerate(_cubic_weights(t)):
        np.add.at(matrix, (dst, np.clip(index - 1 + k, 0, in_size - 1)), weight)
    return matrix


def _area_matrix(in_size: int, out_size: int, scale: Optional[float], align_corners: bool,
                 dtype: np.dtype) -> np.ndarray:
    """(out_size, in_size): row i is the mean over adaptive_avg_pool's window
    [floor(i * in / out), ceil((i + 1) * in / out))."""
    matrix = np.zeros((out_size, in_size), dtype)
    for i in range(out_size):
        start, end = i * in_size // out_size, -(-(i + 1) * in_size // out_size)
        matrix[i, start:end] = dtype.type(1) / dtype.type(end - start)
    return matrix


def _triangle(x: np.ndarray) -> np.ndarray:
    """The antialiasing filter of 'bilinear': 1 - |x| on (-1, 1)."""
    x = np.abs(x)
    return np.where(x < 1, 1 - x, 0).astype(x.dtype)


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    """The antialiasing filter of 'bicubic': Keys' kernel with a = -0.5 (PIL's), on (-2, 2)."""
    x = np.abs(x)
    a = x.dtype.type(-0.5)
    return np.where(x < 1, _cubic_near(x, a), np.where(x < 2, _cubic_far(x, a), 0)).astype(x.dtype)


def _antialias_matrix(in_size: int, out_size: int, scale: Optional[float],
                      align_corners: bool, dtype: np.dtype, cubic: bool) -> np.ndarray:
    """(out_size, in_size) weights of PyTorch's antialiased resampling (PIL's): downscaling
    by s widens the filter s times, so each output averages every input it covers; the
    weights of a row are normalised to sum to 1. Computed in PyTorch's precisions (float
    products of double coordinates) so the weights match its own."""
    if in_size == out_size:  # PyTorch skips a dim whose size does not change
        return np.eye(out_size, dtype=dtype)
    t = dtype.type
    ratio = _pixel_scale(in_size, out_size, scale, align_corners, t)
    half_width = 2.0 if cubic else 1.0  # interp_size / 2
    support = t(half_width * np.float64(ratio)) if ratio >= 1 else t(half_width)
    taps = int(math.ceil(support)) * 2 + 1
    inverse = t(1.0 / np.float64(ratio)) if ratio >= 1 else t(1)
    center = (np.float64(ratio) * (np.arange(out_size) + 0.5)).astype(dtype)
    first = np.maximum(np.trunc((center - support).astype(np.float64) + 0.5).astype(np.int64), 0)
    count = np.minimum(np.trunc((center + support).astype(np.float64) + 0.5).astype(np.int64),
                       in_size) - first
    count = np.clip(count, 0, taps)
    filter_fn = _keys_cubic if cubic else _triangle
    weights = np.zeros((out_size, taps), dtype)
    total = np.zeros(out_size, dtype)
    for j in range(taps):  # the row sums accumulate in order, as PyTorch's loop
        x = ((first + j).astype(dtype) - center).astype(np.float64) + 0.5
        w = np.where(j < count, filter_fn((x * np.float64(inverse)).astype(dtype)), t(0))
        weights[:, j] = w
        total += w
    weights /= np.where(total == 0, t(1), total)[:, None]  # a zero sum stays unnormalised
    matrix = np.zeros((out_size, in_size), dtype)
    rows, cols = np.nonzero(np.arange(taps)[None, :] < count[:, None])
    matrix[rows, first[rows] + cols] = weights[rows, cols]
    return matrix


_MATRIX: dict = {"linear": _linear_matrix, "bilinear": _linear_matrix,
                 "trilinear": _linear_matrix, "bicubic": _cubic_matrix, "area": _area_matrix}
_NEAREST: dict = {"nearest": _nearest_index, "nearest-exact": _nearest_exact_index}


def _check_mode_and_rank(input: Tensor, mode: str) -> None:
    """PyTorch's errors for an unknown mode or a rank the mode does not take."""
    rank = _MODE_RANK.get(mode)
    if input.ndim in (3, 4, 5) and mode in _MODES and rank in (None, input.ndim):
        return
    if input.ndim in (3, 4, 5) and rank is not None and mode != "bicubic":
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {rank}D "
                                  "input")
    raise NotImplementedError(
        f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
        f"the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
        f"nearest-exact (got {mode})")


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None,
                mode: str = "nearest", align_corners: Optional[bool] = None,
                recompute_scale_factor: Optional[bool] = None,
                antialias: bool = False) -> Tensor:
    """Resize (N, C, L), (N, C, H, W) or (N, C, D, H, W) to ``size`` or by ``scale_factor``
    (output = floor(in * scale)) as PyTorch: 'nearest' (src = floor(dst * in / out), or
    dst / scale_factor when given), 'nearest-exact' (the same at pixel centres), 'linear' /
    'bilinear' / 'trilinear' and 'bicubic' (align_corners=True: the corner pixels' centres
    line up; False: the corners of the image do) and 'area' (adaptive average pooling)."""
    if mode in _MODES and mode not in _LINEAR_MODES and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating "
                         "modes: linear | bilinear | bicubic | trilinear")
    if antialias and (mode not in ("bilinear", "bicubic") or input.ndim != 4):
        raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and "
                         "requires a 4-D tensor as input")
    out_size, scales = _output_size(input, size, scale_factor, recompute_scale_factor)
    _check_mode_and_rank(input, mode)
    in_size = input.shape[2:]
    if min(out_size) <= 0 or min(in_size) <= 0:
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"{_named_sizes(in_size)} output {_named_sizes(out_size)}")
    if mode in _NEAREST:
        out = input
        for dim, (n_in, n_out, scale) in enumerate(zip(in_size, out_size, scales), start=2):
            out = index_select(out, dim, _NEAREST[mode](n_in, n_out, scale, input.ndim == 4))
        return out
    _check_float(f"upsample_{mode}{input.ndim - 2}d", input)
    build: Callable[..., np.ndarray] = _MATRIX[mode]
    if antialias:
        build = functools.partial(_antialias_matrix, cubic=mode == "bicubic")
    matrices = [build(n_in, n_out, scale, bool(align_corners), input.dtype)
                for n_in, n_out, scale in zip(in_size, out_size, scales)]
    # area is adaptive average pooling: its windows keep an inf or NaN to themselves
    return window_means(input, matrices) if mode == "area" else separable(input, matrices)


def _named_sizes(sizes: tuple) -> str:
    """'(H: 3, W: 4)' style, as PyTorch's messages name the spatial dims."""
    names = ("D", "H", "W")[-len(sizes):]
    return "(" + ", ".join(f"{name}: {n}" for name, n in zip(names, sizes)) + ")"
