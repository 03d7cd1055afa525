"""Distances and norm-based rescaling, composed of differentiable ops with PyTorch's
gradients: ``cdist`` (every pair of rows of two batched sets; ops/distance.py has the
row-wise ``pairwise_distance``), ``dist`` and ``renorm``."""
from __future__ import annotations

import math

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim
from .elementwise import where
from .linalg import matmul_arrays, torch_type_name

_COMPUTE_MODES = {"use_mm_for_euclid_dist_if_necessary": None, "use_mm_for_euclid_dist": True,
                  "donot_use_mm_for_euclid_dist": False}


@register
class EuclideanDist(Function):
    """y = sqrt(max(|x1|^2 + |x2|^2 - 2 x1 x2^T, 0)), one matmul of padded operands
    (PyTorch's _euclidean_dist); with r = g / y (0 where y = 0):
    dx1 = x1 sum_j r - r x2, dx2 = x2 sum_i r - r^T x1"""

    @staticmethod
    def forward(ctx, x1, x2):
        norm1 = (x1 * x1).sum(-1, keepdims=True)
        norm2 = (x2 * x2).sum(-1, keepdims=True)
        left = np.concatenate([x1 * -2, norm1, np.ones_like(norm1)], -1)
        right = np.concatenate([x2, np.ones_like(norm2), norm2], -1)
        out = np.sqrt(np.maximum(matmul_arrays(left, np.swapaxes(right, -1, -2)), 0))
        ctx.save_for_backward(x1, x2, out)
        return out

    @staticmethod
    def backward(ctx, g):
        x1, x2, out = ctx.saved_tensors
        at_zero = out == 0
        ratio = where(at_zero, Tensor(np.zeros((), g.dtype)), g / where(at_zero, 1.0, out))
        d1, d2 = ctx.needs_input_grad
        return ((x1 * ratio.sum(-1, keepdim=True) - ratio @ x2) if d1 else None,
                (x2 * ratio.sum(-2).unsqueeze(-1) - ratio.mT @ x1) if d2 else None)


def _max_norm(diff: Tensor) -> Tensor:
    """max |diff| over the last dim, the gradient going whole to every tied largest
    coordinate (PyTorch's cdist; ``norm``'s would split it): the value is the max, the
    gradient sign(diff) on each tie, added as (|diff| - |diff|), exactly zero."""
    size = diff.abs()
    largest = size.data.max(axis=-1, keepdims=True, initial=0)
    ties = Tensor((size.data == largest).astype(diff.dtype))
    return Tensor(largest[..., 0]) + ((size - size.detach()) * ties).sum(-1)


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """||x1[..., i, :] - x2[..., j, :]||_p for every pair of rows: (B..., P, M) and
    (B..., R, M) give (B..., P, R), batch dims broadcast. p = 2 goes through a matmul
    when ``compute_mode`` says so (by default when P or R exceeds 25), as PyTorch."""
    if compute_mode not in _COMPUTE_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, t in (("X1", x1), ("X2", x2)):
        if t.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{t.ndim}D")
        if t.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{torch_type_name(t.dtype)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    if x1.dtype != x2.dtype:
        raise RuntimeError(f"expected scalar type {torch_type_name(x1.dtype)} but found "
                           f"{torch_type_name(x2.dtype)}")
    p = float(p)
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    try:
        batch = np.broadcast_shapes(x1.shape[:-2], x2.shape[:-2])
    except ValueError:
        raise RuntimeError(f"cdist: batch shapes {x1.shape[:-2]} and {x2.shape[:-2]} cannot "
                           f"be broadcast together") from None
    x1 = x1.expand(*batch, *x1.shape[-2:])
    x2 = x2.expand(*batch, *x2.shape[-2:])
    use_mm = _COMPUTE_MODES[compute_mode]
    if use_mm is None:
        use_mm = x1.shape[-2] > 25 or x2.shape[-2] > 25
    if p == 2 and use_mm:
        return EuclideanDist.apply(x1, x2)
    diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    if math.isinf(p):
        return _max_norm(diff)
    return diff.norm(p, -1)


def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """||input - other||_p over all elements (broadcast together)."""
    if input.dtype.kind != "f" or (isinstance(other, Tensor) and other.dtype.kind != "f"):
        dtype = input.dtype if input.dtype.kind != "f" else other.dtype
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {torch_type_name(dtype)} instead.")
    return (input - other).norm(p)


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along ``dim`` whose p-norm exceeds ``maxnorm`` scaled to norm maxnorm
    (by maxnorm / (norm + 1e-7), as PyTorch)."""
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           f"dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = normalize_dim(dim, input.ndim, "renorm")
    if input.dtype.kind != "f":
        raise RuntimeError(f"renorm: expected a floating point input, got "
                           f"{torch_type_name(input.dtype)}")
    norm = input.norm(p, tuple(i for i in range(input.ndim) if i != d), keepdim=True)
    factor = where(norm > maxnorm, maxnorm / (norm + 1e-7), Tensor(np.ones((), input.dtype)))
    return input * factor
