"""Matrix multiplication with numpy semantics (1-D, 2-D, batched with broadcasting)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function, register
from ..kernels import matmul as _gemm
from ..tensor import Tensor

_GEMM_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def matmul_arrays(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.matmul`` semantics, computed by ``kernels.matmul.gemm`` for float32/float64.

    The kernel takes 2-D or equal-batch 3-D operands, so broadcast batch dims are expanded
    and folded first; 1-D operands get a dim added and removed. Routing every float matmul
    of the library through one place keeps BLAS and Numba thread pools from alternating.
    """
    if a.dtype != b.dtype or a.dtype not in _GEMM_DTYPES:
        return np.matmul(a, b)
    if a.ndim == 2 and b.ndim == 2:
        m, k = a.shape
        if _gemm.blas_selected(m, b.shape[1], k):
            return np.matmul(a, b)
        return _gemm.gemm(a, b)
    a2 = a[None] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    if b2.ndim == 2 and a2.flags.c_contiguous:  # (..., m, k) @ (k, n): fold batch into m
        out = _gemm.gemm(a2.reshape(-1, a2.shape[-1]), b2).reshape(
            batch + (a2.shape[-2], b2.shape[-1]))
    else:
        count = (math.prod(batch),)  # not -1: numpy cannot infer it when a dim is 0
        a3 = np.broadcast_to(a2, batch + a2.shape[-2:]).reshape(count + a2.shape[-2:])
        b3 = np.broadcast_to(b2, batch + b2.shape[-2:]).reshape(count + b2.shape[-2:])
        out = _gemm.gemm(a3, b3).reshape(batch + (a2.shape[-2], b2.shape[-1]))
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return out


def _check_matmul(a: np.ndarray, b: np.ndarray) -> None:
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"matmul: both arguments need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D")
    if a.dtype != b.dtype and (a.dtype.kind == "f" or b.dtype.kind == "f"):
        raise RuntimeError(f"matmul: expected both operands to have the same dtype, but got "
                           f"{a.dtype} and {b.dtype}")
    ka, kb = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        dim_b = b.ndim - 2 if b.ndim > 1 else 0
        raise RuntimeError(f"matmul: shapes {a.shape} and {b.shape} are not aligned: "
                           f"{ka} (dim {a.ndim - 1}) != {kb} (dim {dim_b})")
    try:
        if a.ndim > 2 or b.ndim > 2:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise RuntimeError(f"matmul: batch dimensions of shapes {a.shape} and {b.shape} "
                           "cannot be broadcast together") from None


@register
class MatMul(Function):
    """y = a @ b;  da = g @ b^T, db = a^T @ g  (1-D operands get a dim added and removed)"""

    @staticmethod
    def forward(ctx, a, b):
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        return matmul_arrays(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        da, db = ctx.needs_input_grad
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        g2 = g
        if b.ndim == 1:
            g2 = g2.unsqueeze(-1)
        if a.ndim == 1:
            g2 = g2.unsqueeze(-2)
        ga = gb = None
        if da:
            ga = g2 @ b2.mT
            if a.ndim == 1:
                ga = ga.squeeze(-2)
        if db:
            gb = a2.mT @ g2
            if b.ndim == 1:
                gb = gb.squeeze(-1)
        return ga, gb


def matmul(a: Any, b: Any) -> Tensor:
    return MatMul.apply(a, b)


def bmm(a: Tensor, b: Tensor) -> Tensor:
    """Batched matmul of (B, n, m) and (B, m, p), no broadcasting."""
    for name, t in (("batch1", a), ("batch2", b)):
        if t.ndim != 3:
            raise RuntimeError(f"bmm: {name} must be a 3D tensor, got shape {tuple(t.shape)}")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise RuntimeError(f"bmm: Expected size for first two dimensions of batch2 tensor to be"
                           f": [{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, "
                           f"{b.shape[1]}].")
    return matmul(a, b)


def outer(a: Tensor, b: Tensor) -> Tensor:
    """Outer product of two vectors: (n,) and (m,) give (n, m)."""
    for name, t in (("self", a), ("vec2", b)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return a.unsqueeze(1) * b.unsqueeze(0)
