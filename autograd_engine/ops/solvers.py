"""Solvers built on triangular factors, as torch's: ``linalg.solve_triangular``, the older
``triangular_solve``, ``cholesky_solve``, ``cholesky_inverse`` and the LU family
(``linalg.lu_factor``, ``lu_factor_ex``, ``lu``, ``lu_solve``, ``lu_unpack`` and the older
``lu`` / ``lu_solve``).

The LU factorization is LAPACK's getrf (partial pivoting, the first largest |pivot|, 1-based
int32 pivots, ``info`` the first zero pivot) in numpy, a column at a time over the batch;
its backward is torch's ``linalg_lu_backward``. The solves read one triangle of their
factors and go through decomp.py's differentiable ``SolveTriangular``; ``cholesky_solve``
and ``cholesky_inverse`` have torch's backward formulas, whose gradient for the factor is a
full matrix (the derivative of L L^T in every entry of L), so gradients match torch's.
Every backward is written with differentiable ops: gradients of every order.
"""
from __future__ import annotations

import warnings
from collections import namedtuple
from typing import Any

import numpy as np

from ..custom import Function as CustomFunction
from ..function import Function, register
from ..tensor import Tensor
from .decomp import _solve_triangular, _substitute
from .linalg import _GEMM_DTYPES, LinAlgError, check_matrix, kernel_error, torch_type_name
from .reorder import tril, triu
from .shape import cat

TriangularSolveResult = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])
LuFactorResult = namedtuple("linalg_lu_factor", ["LU", "pivots"])
LuFactorExResult = namedtuple("linalg_lu_factor_ex", ["LU", "pivots", "info"])
LuResult = namedtuple("linalg_lu", ["P", "L", "U"])
LuUnpackResult = namedtuple("lu_unpack", ["P", "L", "U"])
LuWithInfoResult = namedtuple("_lu_with_info", ["LU", "pivots", "info"])


# -- checks -----------------------------------------------------------------------------------
def _check_rhs(b: Tensor, name: str) -> None:
    if b.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")


def _check_same_dtype(b: Tensor, a: Tensor, name: str, first: str = "b",
                      second: str = "A") -> None:
    if b.dtype != a.dtype:
        kinds = (torch_type_name(b.dtype), torch_type_name(a.dtype))
        raise RuntimeError(f"{name}Expected {first} and {second} to have the same dtype, but "
                           f"found {first} of type {kinds[0]} and {second} of type {kinds[1]} "
                           "instead.")


def _check_sizes(a: Tensor, b: Tensor, name: str) -> None:
    """torch's legacy check: rows of b match A's order."""
    if b.shape[-2] != a.shape[-1]:
        raise RuntimeError(f"Incompatible matrix sizes for {name}: each A matrix is "
                           f"{a.shape[-2]} by {a.shape[-1]} but each b matrix is "
                           f"{b.shape[-2]} by {b.shape[-1]}")


def _check_equation(a: Tensor, b: Tensor, name: str, left: bool) -> None:
    """linalg's check: A X = B (left) or X A = B."""
    n = a.shape[-1]
    if (b.shape[-2] if left else b.shape[-1]) != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation "
                           f"{equation} ({a.shape[-2]}x{n} and {b.shape[-2]}x{b.shape[-1]})")


# -- triangular solves ------------------------------------------------------------------------
def _triangle(a: Tensor, upper: bool, unitriangular: bool) -> Tensor:
    """The triangle a solve reads; with ``unitriangular`` its diagonal is taken as ones
    (and gets no gradient, as torch)."""
    if not unitriangular:
        return a
    eye = Tensor(np.eye(a.shape[-1], dtype=a.dtype))
    return (triu(a, 1) if upper else tril(a, -1)) + eye


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True,
                     unitriangular: bool = False) -> Tensor:
    """X with A X = B (``left``) or X A = B, A upper or lower triangular (only that triangle
    is read; ``unitriangular``: its diagonal is taken as ones). B is cast to A's dtype."""
    name = "linalg.solve_triangular"
    check_matrix(A.data, name, kernel="triangular_solve_cpu", dispatch_ints=True)
    _check_rhs(B, name)
    _check_equation(A, B, name, left)
    if B.dtype != A.dtype:
        B = B.to(A.dtype)
    return _solve_triangular(_triangle(A, upper, unitriangular), B, upper, left)


def triangular_solve(input: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False) -> TriangularSolveResult:
    """torch.triangular_solve: X with op(A) X = b, op(A) = A or A^T (``transpose``), and a
    copy of A (``cloned_coefficient``, whose gradient goes to A whole)."""
    warnings.warn("torch.triangular_solve is deprecated in favor of "
                  "torch.linalg.solve_triangular and will be removed in a future PyTorch "
                  "release.", UserWarning, stacklevel=2)
    if input.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected b to have at least 2 dimensions,"
                           f" but it has {input.ndim} dimensions instead")
    if A.ndim < 2:
        raise RuntimeError(f"torch.triangular_solve: Expected A to have at least 2 dimensions,"
                           f" but it has {A.ndim} dimensions instead")
    check_matrix(A.data, "triangular_solve", kernel="triangular_solve_cpu",
                 dispatch_ints=True)
    _check_same_dtype(input, A, "")
    _check_sizes(A, input, "triangular_solve")
    a = _triangle(A, upper, unitriangular)
    solution = (_solve_triangular(a.mT, input, not upper) if transpose
                else _solve_triangular(a, input, upper))
    return TriangularSolveResult(solution, A.clone())


# -- cholesky_solve / cholesky_inverse --------------------------------------------------------
def _cholesky_solve_array(b: np.ndarray, factor: np.ndarray, upper: bool) -> np.ndarray:
    """(L L^T)^-1 b, or (U^T U)^-1 b: two substitutions reading one triangle."""
    factor_t = np.swapaxes(factor, -1, -2)
    if upper:
        return _substitute(factor, _substitute(factor_t, b, False), True)
    return _substitute(factor_t, _substitute(factor, b, False), True)


@register
class CholeskySolve(Function):
    """X = (L L^T)^-1 B (U^T U with ``upper``);  dB = (L L^T)^-1 g = G,
    dL = -(G X^T + X G^T) L (U: -U (G X^T + X G^T)), torch's cholesky_solve_backward"""

    @staticmethod
    def forward(ctx, b, factor, upper):
        ctx.upper = upper
        out = _cholesky_solve_array(b, factor, upper)
        ctx.save_for_backward(factor, out)
        return out

    @staticmethod
    def backward(ctx, g):
        factor, x = ctx.saved_tensors
        gb = CholeskySolve.apply(g, factor, ctx.upper)
        gfactor = None
        if ctx.needs_input_grad[1]:
            common = gb @ x.mT
            common = common + common.mT
            gfactor = -(factor @ common) if ctx.upper else -(common @ factor)
        return gb, gfactor, None


def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """X with A X = B for A = L L^T given its Cholesky factor L (``input2``; U with A = U^T U
    when ``upper``); batch dims broadcast."""
    if input.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} "
                           "dimensions instead")
    if input2.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.ndim} "
                           "dimensions instead")
    if input2.shape[-1] != input2.shape[-2]:
        raise RuntimeError(f"A must be batches of square matrices, but they are "
                           f"{input2.shape[-2]} by {input2.shape[-1]} matrices")
    _check_same_dtype(input, input2, "")
    _check_sizes(input2, input, "cholesky_solve")
    if input2.dtype not in _GEMM_DTYPES:
        raise kernel_error("cholesky_solve_cpu", input2.dtype)
    return CholeskySolve.apply(input, input2, bool(upper))


def _cholesky_inverse_array(factor: np.ndarray, upper: bool) -> np.ndarray:
    """(L L^T)^-1 = L^-T L^-1 (U^-1 U^-T), from one triangle; LinAlgError at a zero on the
    diagonal, as LAPACK's potri."""
    n = factor.shape[-1]
    diagonal = np.diagonal(factor, axis1=-2, axis2=-1)
    zero = np.flatnonzero((diagonal == 0).any(-1)) if factor.size else []
    if len(zero):
        first = int(np.argmax(diagonal.reshape(-1, n)[zero[0]] == 0)) + 1
        where_ = f"(Batch element {zero[0]}): " if factor.ndim > 2 else ""
        raise LinAlgError(f"cholesky_inverse: {where_}The diagonal element {first} is zero, "
                          "the inversion could not be completed because the input matrix is "
                          "singular.")
    eye = np.broadcast_to(np.eye(n, dtype=factor.dtype), factor.shape)
    inverse = _substitute(factor, eye, upper)  # L^-1 (or U^-1)
    inverse_t = np.swapaxes(inverse, -1, -2)
    return inverse @ inverse_t if upper else inverse_t @ inverse


@register
class CholeskyInverse(Function):
    """Y = (L L^T)^-1;  dL = -Y (g + g^T) Y L (U: -U Y (g + g^T) Y), torch's
    cholesky_inverse_backward"""

    @staticmethod
    def forward(ctx, factor, upper):
        ctx.upper = upper
        out = _cholesky_inverse_array(factor, upper)
        ctx.save_for_backward(factor, out)
        return out

    @staticmethod
    def backward(ctx, g):
        factor, inverse = ctx.saved_tensors
        common = inverse @ ((g + g.mT) @ inverse)
        return (-(factor @ common) if ctx.upper else -(common @ factor)), None


def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """A^-1 for A = L L^T given its Cholesky factor L (U with A = U^T U when ``upper``)."""
    check_matrix(input.data, "cholesky_inverse", kernel="cholesky_inverse_out_cpu",
                 dispatch_ints=True)
    return CholeskyInverse.apply(input, bool(upper))


# -- LU ---------------------------------------------------------------------------------------
def _pivot_rows(column: np.ndarray) -> np.ndarray:
    """LAPACK's idamax per batch: the first largest |x| (NaN is never larger, but a NaN in
    front stays)."""
    magnitude = np.abs(column)
    rows = np.argmax(np.where(np.isnan(magnitude), -1.0, magnitude), axis=-1)
    return np.where(np.isnan(magnitude[:, 0]), 0, rows)


def _getrf(a: np.ndarray) -> tuple:
    """(LU, 1-based int32 pivots, int32 info) of a batch of (m, n) matrices."""
    batch, (m, n) = a.shape[:-2], a.shape[-2:]
    k = min(m, n)
    lu = np.array(a.reshape((int(np.prod(batch)), m, n)), dtype=a.dtype, order="C", copy=True)
    pivots = np.empty((lu.shape[0], k), np.int32)
    info = np.zeros(lu.shape[0], np.int32)
    every = np.arange(lu.shape[0])
    for j in range(k):
        p = j + _pivot_rows(lu[:, j:, j])
        pivots[:, j] = p + 1
        row = lu[every, j].copy()
        lu[every, j] = lu[every, p]
        lu[every, p] = row
        pivot = lu[:, j, j]
        zero = pivot == 0
        info[(info == 0) & zero] = j + 1
        # a zero pivot leaves its (zero) column unscaled, as LAPACK
        lu[:, j + 1:, j] /= np.where(zero, 1, pivot)[:, None]
        lu[:, j + 1:, j + 1:] -= lu[:, j + 1:, j, None] * lu[:, j, None, j + 1:]
    return (lu.reshape(a.shape), pivots.reshape(batch + (k,)), info.reshape(batch))


def _permutation(pivots: np.ndarray, m: int, dtype: Any) -> np.ndarray:
    """P with A = P L U, from LAPACK's row swaps."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    count = int(np.prod(batch))
    order = np.broadcast_to(np.arange(m), batch + (m,)).reshape(count, m).copy()
    swaps = pivots.reshape(count, k).astype(np.int64) - 1
    every = np.arange(order.shape[0])
    for i in range(k):
        target = swaps[:, i]
        first = order[every, i].copy()
        order[every, i] = order[every, target]
        order[every, target] = first
    p = np.zeros((order.shape[0], m, m), dtype)
    p[every[:, None], order, np.arange(m)] = 1  # row order[r] of A is row r of L U
    return p.reshape(batch + (m, m))


def _unpack(lu: Tensor) -> tuple:
    """L (unit lower, (..., m, k)) and U (upper, (..., k, n)) of a packed LU, differentiably."""
    m, n = lu.shape[-2:]
    k = min(m, n)
    eye = Tensor(np.eye(m, k, dtype=lu.dtype))
    return tril(lu[..., :, :k], -1) + eye, triu(lu[..., :k, :])


def _lu_backward(gl: Any, gu: Any, p: Tensor, l: Tensor, u: Tensor) -> Any:
    """torch's linalg_lu_backward: the gradient of A = P L U for the gradients of L (strictly
    lower part used) and U (upper part), for square, wide and tall A."""
    if gl is None and gu is None:
        return None
    m, n = l.shape[-2], u.shape[-1]
    k = min(m, n)
    if m == n:
        ga = tril(l.mT @ gl, -1) if gl is not None else None
        if gu is not None:
            upper = triu(gu @ u.mT)
            ga = upper if ga is None else ga + upper
        ga = _solve_triangular(u.mT, ga, upper=False, left=False)
        return p @ _solve_triangular(l.mT, ga, upper=True)
    if m < n:  # wide: U = [U1 U2]
        ga = l.mT @ gl if gl is not None else None
        if gu is not None:
            term = triu(gu) @ u.mT
            ga = -term if ga is None else ga - term
        ga = _solve_triangular(u[..., :k].mT, tril(ga, -1), upper=False, left=False)
        if gu is not None:
            ga = cat([ga + triu(gu[..., :k]), gu[..., k:]], -1)
        ga = _solve_triangular(l.mT, ga, upper=True)
        if gu is None:
            ga = cat([ga, Tensor(np.zeros(ga.shape[:-1] + (n - k,), ga.dtype))], -1)
        return p @ ga
    # tall: L = [L1; L2]
    ga = gu @ u.mT if gu is not None else None
    if gl is not None:
        term = l.mT @ tril(gl, -1)
        ga = -term if ga is None else ga - term
    ga = _solve_triangular(l[..., :k, :].mT, triu(ga), upper=True)
    if gl is not None:
        ga = cat([ga + tril(gl[..., :k, :], -1), gl[..., k:, :]], -2)
    ga = _solve_triangular(u.mT, ga, upper=False, left=False)
    if gl is None:
        ga = cat([ga, Tensor(np.zeros(ga.shape[:-2] + (m - k, n), ga.dtype))], -2)
    return p @ ga


@register
class LuFactor(CustomFunction):
    """P^T A = L U packed in one matrix, with LAPACK's pivots and info;  dA by torch's
    lu_factor_ex_backward (linalg_lu_backward on the unpacked factors)"""

    _node_suffix = "0"

    @staticmethod
    def forward(ctx, a):
        lu, pivots, info = _getrf(a.data)
        out, pivots, info = Tensor(lu), Tensor(pivots), Tensor(info)
        ctx.save_for_backward(out, pivots)
        ctx.mark_non_differentiable(pivots, info)
        return out, pivots, info

    @staticmethod
    def backward(ctx, g, gpivots, ginfo):
        lu, pivots = ctx.saved_tensors
        m, n = lu.shape[-2:]
        k = min(m, n)
        l, u = _unpack(lu)
        p = Tensor(_permutation(pivots.data, m, lu.dtype))
        return _lu_backward(g[..., :, :k], g[..., :k, :], p, l, u)


def _check_lu_input(A: Tensor, name: str, pivot: bool) -> None:
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    if A.dtype not in _GEMM_DTYPES:
        raise kernel_error("lu_cpu", A.dtype)
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A: Tensor, *, pivot: bool = True,
                 check_errors: bool = False) -> LuFactorExResult:
    """(LU, pivots, info): L (unit lower, below the diagonal) and U packed in one matrix,
    1-based int32 row swaps, info 0 or the first zero pivot (1-based)."""
    _check_lu_input(A, "linalg.lu_factor", pivot)
    lu, pivots, info = LuFactor.apply(A)
    if check_errors:
        _raise_zero_pivot(info.data, "torch.linalg.lu_factor_ex")
    return LuFactorExResult(lu, pivots, info)


def _raise_zero_pivot(info: np.ndarray, name: str) -> None:
    failed = np.flatnonzero(info)
    if failed.size:
        where_ = f"(Batch element {failed[0]}): " if info.ndim else ""
        j = info.reshape(-1)[failed[0]]
        raise RuntimeError(f"{name}: {where_}U[{j},{j}] is zero and using it on lu_solve "
                           "would result in a division by zero. If you still want to perform "
                           "the factorization, consider calling linalg.lu(A, pivot) or "
                           "linalg.lu_factor_ex(A, pivot)")


def lu_factor(A: Tensor, *, pivot: bool = True) -> LuFactorResult:
    """(LU, pivots) of ``lu_factor_ex``; RuntimeError for a singular (zero-pivot) matrix."""
    lu, pivots, info = lu_factor_ex(A, pivot=pivot)
    _raise_zero_pivot(info.data, "torch.linalg.lu_factor")
    return LuFactorResult(lu, pivots)


def lu(A: Tensor, *, pivot: bool = True) -> LuResult:
    """P, L, U with A = P L U: P a permutation, L (..., m, k) unit lower, U (..., k, n)
    upper, k = min(m, n); singular matrices too."""
    _check_lu_input(A, "linalg.lu_factor", pivot)
    lu_, pivots, _ = LuFactor.apply(A)
    return LuResult(*lu_unpack(lu_, pivots))


def legacy_lu(A: Tensor, pivot: bool = True, get_infos: bool = False) -> Any:
    """torch.lu: (LU, pivots), or the named (LU, pivots, info) with ``get_infos``."""
    warnings.warn("torch.lu is deprecated in favor of torch.linalg.lu_factor / "
                  "torch.linalg.lu_factor_ex and will be removed in a future PyTorch release.",
                  UserWarning, stacklevel=2)
    _check_lu_input(A, "linalg.lu_factor", pivot)
    result = LuWithInfoResult(*LuFactor.apply(A))
    return result if get_infos else (result.LU, result.pivots)


def _check_pivots(pivots: Tensor, m: int, k: int, name: str) -> None:
    if not isinstance(pivots, Tensor) or pivots.dtype != np.int32:
        raise RuntimeError(f"{name}: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype.\nNote: this function is intended to be used "
                           "with the output produced by torch.linalg.lu_factor")
    if pivots.shape[-1:] != (k,) or (pivots.data.size
                                     and not (1 <= pivots.data.min() <= pivots.data.max() <= m)):
        raise RuntimeError("pivots passed to lu_unpack must be between 1 and LU.size(-2) "
                           "inclusive.Did you properly pass the result of lu_factor?")


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True,
              unpack_pivots: bool = True) -> LuUnpackResult:
    """P, L, U from ``lu_factor``'s packed LU and pivots (L and U, or P, are empty tensors
    when not unpacked); differentiable in LU."""
    if LU_data.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(LU_data.shape)} instead")
    m, n = LU_data.shape[-2:]
    _check_pivots(LU_pivots, m, min(m, n), "torch.lu_unpack")
    empty = Tensor(np.zeros((0,), LU_data.dtype))
    l, u = _unpack(LU_data) if unpack_data else (empty, empty)
    if not unpack_pivots:
        return LuUnpackResult(empty, l, u)
    batch = np.broadcast_shapes(LU_data.shape[:-2], LU_pivots.shape[:-1])
    pivots = np.broadcast_to(LU_pivots.data, batch + LU_pivots.shape[-1:])
    return LuUnpackResult(Tensor(_permutation(pivots, m, LU_data.dtype)), l, u)


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True,
             adjoint: bool = False) -> Tensor:
    """X with A X = B from ``lu_factor``'s output (A^T X = B with ``adjoint``; X A = B or
    X A^T = B when not ``left``); batch dims broadcast; differentiable in LU and B."""
    name = "linalg.lu_solve"
    check_matrix(LU.data, "torch.linalg.lu_solve", dispatch_ints=True)
    _check_rhs(B, name)
    if not isinstance(pivots, Tensor) or pivots.dtype != np.int32:
        raise RuntimeError(f"{name}: pivots should be a Tensor of scalar type torch.int32")
    if LU.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected LU and B to have the same dtype, but found LU of "
                           f"type {torch_type_name(LU.dtype)} and B of type "
                           f"{torch_type_name(B.dtype)} instead")
    _check_equation(LU, B, name, left)
    n = LU.shape[-1]
    if pivots.shape[-1:] != (n,):
        raise RuntimeError(f"{name}: Number of pivots per batch should be same as the "
                           "dimension of the matrix")
    if pivots.data.size and not 1 <= pivots.data.min() <= pivots.data.max() <= n:
        raise RuntimeError("Pivots given to lu_solve must all be smaller or equal to "
                           "LU.size(-2). Did you properly pass the result of lu_factor?")
    if LU.dtype not in _GEMM_DTYPES:
        raise kernel_error("lu_solve_cpu", LU.dtype)
    if not left:  # X A = B is A^T X^T = B^T
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    l, u = _unpack(LU)
    p = Tensor(_permutation(pivots.data, n, LU.dtype))
    if adjoint:  # A^T = U^T L^T P^T
        return p @ _solve_triangular(l.mT, _solve_triangular(u.mT, B, False), True)
    return _solve_triangular(u, _solve_triangular(l, p.mT @ B, False), True)


def legacy_lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor) -> Tensor:
    """torch.lu_solve: ``linalg.lu_solve(LU_data, LU_pivots, b)``."""
    warnings.warn("torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be "
                  "removed in a future PyTorch release.\nNote that torch.linalg.lu_solve has "
                  "its arguments reversed.", UserWarning, stacklevel=2)
    return lu_solve(LU_data, LU_pivots, b)
