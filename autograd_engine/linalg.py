"""``ae.linalg``: torch.linalg's norms, determinants, inverse and solve (batched over leading
dims). Norms are compositions of the reductions; the matrix routines live in ops/linalg.py."""
from __future__ import annotations

import math
from typing import Any

from .ops import reduce as _reduce
from .ops.linalg import (LinAlgError, det, inv, linalg_cross as cross, matmul, multi_dot,
                         slogdet, solve)
from .tensor import Tensor

__all__ = ["LinAlgError", "cross", "det", "inv", "matmul", "matrix_norm", "multi_dot", "norm",
           "slogdet", "solve", "vector_norm"]


def _require_float(x: Tensor, name: str) -> None:
    if x.dtype.kind != "f":
        kind = {"i": "Long" if x.dtype.itemsize == 8 else "Int", "b": "Bool", "u": "Byte"}
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. "
                           f"Got {kind.get(x.dtype.kind, x.dtype)}")


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """(sum |x|^ord)^(1/ord) over ``dim`` (all dims when None); ord = inf/-inf: max/min |x|,
    0: count of non-zeros."""
    if dtype is not None:
        x = x.to(dtype)
    _require_float(x, "linalg.vector_norm")
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Expected a numeric ord, got {ord!r}")
    return _reduce.norm(x, ord, dim, keepdim)


def matrix_norm(a: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None) -> Tensor:
    """'fro', or the max/min absolute column (ord 1/-1) or row (inf/-inf) sum over ``dim``."""
    if dtype is not None:
        a = a.to(dtype)
    _require_float(a, "linalg.matrix_norm")
    if a.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    rows, cols = (d % a.ndim for d in dim)
    if ord == "fro":
        return _reduce.norm(a, 2, (rows, cols), keepdim)
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    summed, picked = (rows, cols) if abs(ord) == 1 else (cols, rows)
    out = (_reduce.amax if ord > 0 else _reduce.amin)(
        a.abs().sum(summed, keepdim=True), picked, True)
    return out if keepdim else out.squeeze((rows, cols))


def norm(a: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """Vector norm for a 1-D input or an int dim, matrix norm for a 2-D input or 2 dims;
    ord None: the 2-norm of the flattened input."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(a, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if a.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {a.ndim}D.")
        dim = tuple(range(a.ndim))
    if len(dim) == 1:
        return vector_norm(a, ord, dim, keepdim, dtype=dtype)
    return matrix_norm(a, ord, dim, keepdim, dtype=dtype)
