"""``Tensor.unfold(dimension, size, step)``: the windows of ``size`` elements every ``step``
along a dim, in a new last dim of the result, which is a (read-only) view of the input as
PyTorch's is; its gradient sums each window's gradient back to where it came from."""
from __future__ import annotations

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim
from .shape import _share_version


def _window_count(length: int, size: int, step: int) -> int:
    return (length - size) // step + 1


@register
class SlidingWindows(Function):
    """y[..., j, ..., k] = a[..., j * step + k, ...] (j along ``dim``, k the new last dim);
    da = the windows' gradients added back (UnfoldBackward)"""

    @staticmethod
    def forward(ctx, a, dim, size, step):
        ctx.src_shape, ctx.args = a.shape, (dim, size, step)
        windows = np.lib.stride_tricks.sliding_window_view(a, size, axis=dim)
        return windows[(slice(None),) * dim + (slice(None, None, step),)]

    @staticmethod
    def backward(ctx, g):
        return UnfoldBackward.apply(g, ctx.src_shape, *ctx.args), None, None, None


@register
class UnfoldBackward(Function):
    """y = zeros(shape) with each window g[..., k] added at its positions;
    dg = unfold(gy) (the op is linear)"""

    @staticmethod
    def forward(ctx, g, shape, dim, size, step):
        ctx.args = (dim, size, step)
        out = np.zeros(shape, g.dtype)
        count = g.shape[dim]
        for k in range(size):
            at = [slice(None)] * len(shape)
            at[dim] = slice(k, k + step * (count - 1) + 1, step)
            out[tuple(at)] += g[..., k]
        return out

    @staticmethod
    def backward(ctx, gy):
        return SlidingWindows.apply(gy, *ctx.args), None, None, None, None


def unfold(a: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """Windows of ``size`` along ``dimension`` every ``step`` (a 0-d tensor counts as one
    element)."""
    if a.ndim == 0:
        normalize_dim(dimension, 0, "unfold")
        return unfold(a.reshape(1), 0, size, step).reshape(size)
    dim = normalize_dim(dimension, a.ndim, "unfold")
    if size < 0:
        raise RuntimeError(f"unfold: size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    if size > a.shape[dim]:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {dim} is "
                           f"{a.shape[dim]} but size is {size} (input shape {a.shape})")
    return _share_version(SlidingWindows.apply(a, dim, size, step), a)
