"""``ae.linalg``: torch.linalg's norms, determinants, inverse, solve and decompositions
(batched over leading dims). Norms and ``cond`` are compositions; the matrix routines live in
ops/linalg.py, the decompositions (svd, eigh, qr, cholesky) in ops/decomp.py, pinv, lstsq,
matrix_power, matrix_exp in ops/matrix_functions.py and the LU family and solve_triangular in
ops/solvers.py."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .ops import reduce as _reduce
from .ops._util import normalize_dim
from .ops.decomp import cholesky, cholesky_ex, eigh, eigvalsh, qr, svd, svdvals
from .ops.elementwise import where
from .ops.linalg import (LinAlgError, check_matrix, det, inv, linalg_cross as cross, matmul,
                         multi_dot, slogdet, solve)
from .ops.matrix_functions import lstsq, matrix_exp, matrix_power, matrix_rank, pinv
from .ops.solvers import lu, lu_factor, lu_factor_ex, lu_solve, solve_triangular
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "eigh",
           "eigvalsh", "inv", "lstsq", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd",
           "svdvals", "vector_norm", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
           "solve_triangular"]


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
    """'fro'; 'nuc' (sum of the singular values); 2 / -2 (largest / smallest singular value);
    the max/min absolute column (ord 1/-1) or row (inf/-inf) sum; over the two dims ``dim``."""
    if dtype is not None:
        a = a.to(dtype)
    _require_float(a, "linalg.matrix_norm")
    if a.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if isinstance(dim, int):
        raise TypeError("linalg_matrix_norm(): argument 'dim' must be tuple of ints, not int")
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(str(d) for d in dim)}")
    rows, cols = (normalize_dim(d, a.ndim, "linalg.matrix_norm") for d in dim)
    if rows == cols:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({rows}, {cols})")
    if ord == "fro":
        return _reduce.norm(a, 2, (rows, cols), keepdim)
    if ord == "nuc" or ord in (2, -2):
        return _spectral_norm(a, ord, rows, cols, keepdim)
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    summed, picked = (rows, cols) if abs(ord) == 1 else (cols, rows)
    out = (_reduce.amax if ord > 0 else _reduce.amin)(
        a.abs().sum(summed, keepdim=True), picked, True)
    return out if keepdim else out.squeeze((rows, cols))


def _spectral_norm(a: Tensor, ord: Any, rows: int, cols: int, keepdim: bool) -> Tensor:
    """The matrix norms of the singular values: 'nuc' their sum, 2 / -2 the largest /
    smallest (gradients through the SVD; ties share it)."""
    if a.dtype == np.float16:
        raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got Half")
    s = svdvals(a.movedim((rows, cols), (-2, -1)))
    if ord == "nuc":
        out = s.sum(-1)
    elif ord > 0 and s.shape[-1] == 0:
        out = Tensor(np.zeros(s.shape[:-1], s.dtype))
    else:
        out = (_reduce.amax if ord > 0 else _reduce.amin)(s, -1)
    return out.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (rows, cols)) if keepdim else out


def cond(a: Tensor, p: Any = None) -> Tensor:
    """The condition number in the matrix norm ``p``: None / 2 / -2 from the singular values
    (any shape), 'nuc' sum(S) sum(1/S); 'fro' and +-1, +-inf as norm(A) norm(A^-1), inf for
    a singular matrix (square matrices only)."""
    ord = 2 if p is None else p
    if isinstance(ord, str):  # torch checks the matrix first here
        check_matrix(a.data, f"linalg.cond(ord={ord})", dispatch_ints=True)
    elif a.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    if not (ord in ("fro", "nuc") if isinstance(ord, str)
            else ord in (2, -2, 1, -1, math.inf, -math.inf)):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {ord}")
    if not isinstance(ord, str) and abs(ord) != 2:
        label = f"{ord:f}" if isinstance(ord, float) and math.isfinite(ord) else ord
        check_matrix(a.data, f"linalg.cond(ord={label})", dispatch_ints=True)
    if a.data.size == 0:  # as numpy: 0 for empty matrices
        return Tensor(np.zeros(a.shape[:-2], a.dtype))
    if ord in (2, -2, "nuc"):
        s = svdvals(a)
        if ord == "nuc":
            return s.sum(-1) * (1.0 / s).sum(-1)
        return s[..., -1] / s[..., 0] if ord == -2 else s[..., 0] / s[..., -1]
    check_matrix(a.data, "linalg.inv", low_precision=True)  # the dtype check of inv
    singular = _singular(a.data)
    if singular.any():  # torch: inv_ex, then the inverse of a singular matrix is all inf
        eye = Tensor(np.eye(a.shape[-1], dtype=a.dtype))
        a_safe = where(Tensor(singular[..., None, None]), eye, a)
        out = matrix_norm(a, ord) * matrix_norm(inv(a_safe), ord)
        return where(Tensor(singular), math.inf, out)
    return matrix_norm(a, ord) * matrix_norm(inv(a), ord)


def _singular(a: np.ndarray) -> np.ndarray:
    """Per matrix: does LU inversion fail (an exactly zero pivot)?"""
    try:
        np.linalg.inv(a)
        return np.zeros(a.shape[:-2], np.bool_)
    except np.linalg.LinAlgError:
        pass
    out = np.zeros(a.shape[:-2], np.bool_)
    for index in np.ndindex(*a.shape[:-2]):
        try:
            np.linalg.inv(a[index])
        except np.linalg.LinAlgError:
            out[index] = True
    return out


def norm(a: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """Vector norm for a 1-D input or an int dim, matrix norm for a 2-D input, 2 dims or a
    string ord; ord None: the 2-norm of the flattened input."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                           f"Got {list(dim)}")
    if ord is None:
        return vector_norm(a, 2, dim, keepdim, dtype=dtype)
    if dim is None:
        if a.ndim not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {a.ndim}D.")
        dim = (0, 1) if isinstance(ord, str) else tuple(range(a.ndim))
    if len(dim) == 1 and not isinstance(ord, str):  # a string ord is a matrix norm
        return vector_norm(a, ord, dim, keepdim, dtype=dtype)
    return matrix_norm(a, ord, dim, keepdim, dtype=dtype)
