"""Matrix decompositions: torch.linalg's svd, svdvals, eigh, eigvalsh, qr, cholesky and
cholesky_ex, torch's older svd/qr/cholesky, and det's backward (which needs the SVD).
pinv, lstsq, matrix_exp and the rest built on them are in ops/matrix_functions.py.

numpy.linalg factorizes. Each backward is torch's formula (FunctionsManual.cpp: svd_backward,
linalg_eig_backward, linalg_qr_backward, cholesky_backward, linalg_det_backward) written with
differentiable ops on the saved outputs, so gradients of every order flow, and, as in torch,
a gradient that is ill-defined (repeated singular values or eigenvalues with a loss that
depends on the vectors) comes out inf/nan rather than raising. The multi-output ops are
``autograd.Function``s that see ``None`` for an output that got no gradient: torch's
formulas branch on that.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..custom import Function as CustomFunction
from ..function import Function, register
from ..grad_mode import is_grad_enabled
from ..tensor import Tensor
from .linalg import Det, LinAlgError, Solve, _GEMM_DTYPES, check_matrix, kernel_error
from .reduce import _prod_others
from .reorder import tril, triu
from .shape import cat

SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"])
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"])
QrResult = namedtuple("linalg_qr", ["Q", "R"])
CholeskyExResult = namedtuple("linalg_cholesky_ex", ["L", "info"])
LegacySvdResult = namedtuple("svd", ["U", "S", "V"])
LegacyQrResult = namedtuple("qr", ["Q", "R"])

_SVD_FAILED = ("linalg.svd: The algorithm failed to converge because the input matrix "
               "contained non-finite values.")


# -- helpers --------------------------------------------------------------------------------
def _eye(k: int, dtype: Any) -> Tensor:
    return Tensor(np.eye(k, dtype=dtype))


def _diag_embed(v: Tensor) -> Tensor:
    """(..., k) -> (..., k, k) with v on the diagonal."""
    return v.unsqueeze(-1) * _eye(v.shape[-1], v.dtype)


def _gap(values: Tensor, square: bool) -> Tensor:
    """E[j, k] = v_k - v_j (of the squares when ``square``) off the diagonal, 1 on it: the
    denominators of the svd/eigh backward."""
    v = values * values if square else values
    return v.unsqueeze(-2) - v.unsqueeze(-1) + _eye(values.shape[-1], values.dtype)


def _requires_grad(a: Tensor) -> bool:
    return is_grad_enabled() and a.requires_grad


def _eps(dtype: Any) -> float:
    return float(np.finfo(dtype).eps)


# -- triangular solve (the backward of cholesky and qr) ---------------------------------------
def _substitute(a: np.ndarray, b: np.ndarray, upper: bool) -> np.ndarray:
    """X with A X = B by back/forward substitution, reading one triangle of A; a zero on
    the diagonal gives inf/nan, as LAPACK's trsm."""
    n = a.shape[-1]
    x = np.empty(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], b.dtype)
    for i in (range(n - 1, -1, -1) if upper else range(n)):
        done = slice(i + 1, n) if upper else slice(0, i)
        rest = np.matmul(a[..., i:i + 1, done], x[..., done, :])[..., 0, :]
        x[..., i, :] = (b[..., i, :] - rest) / a[..., i, i, None]
    return x


@register
class SolveTriangular(Function):
    """X = A^-1 B, A triangular;  dB = A^-T g, dA = -dB X^T on A's triangle"""

    @staticmethod
    def forward(ctx, a, b, upper):
        ctx.upper = upper
        out = _substitute(a, b, upper)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = SolveTriangular.apply(a.mT, g, not ctx.upper)
        ga = None
        if ctx.needs_input_grad[0]:
            ga = -(gb @ x.mT)
            ga = triu(ga) if ctx.upper else tril(ga)
        return ga, gb, None


def _solve_triangular(a: Tensor, b: Tensor, upper: bool, left: bool = True) -> Tensor:
    """A^-1 B (left) or B A^-1 (right) for triangular A."""
    if left:
        return SolveTriangular.apply(a, b, upper)
    return SolveTriangular.apply(a.mT, b.mT, not upper).mT


# -- svd --------------------------------------------------------------------------------------
def _svd_arrays(a: np.ndarray, full_matrices: bool) -> tuple:
    m, n = a.shape[-2:]
    if min(m, n) == 0:  # no LAPACK call: identity bases (full_matrices) or empty ones
        batch = a.shape[:-2]
        if not full_matrices:
            return (np.zeros(batch + (m, 0), a.dtype), np.zeros(batch + (0,), a.dtype),
                    np.zeros(batch + (0, n), a.dtype))
        return (np.broadcast_to(np.eye(m, dtype=a.dtype), batch + (m, m)).copy(),
                np.zeros(batch + (0,), a.dtype),
                np.broadcast_to(np.eye(n, dtype=a.dtype), batch + (n, n)).copy())
    if np.isnan(a).any():
        raise LinAlgError(_SVD_FAILED)
    try:
        return np.linalg.svd(a, full_matrices=full_matrices)
    except np.linalg.LinAlgError:
        raise LinAlgError(_SVD_FAILED) from None


def _svd_backward(gu: Optional[Tensor], gs: Optional[Tensor], gvh: Optional[Tensor],
                  u: Tensor, s: Tensor, vh: Tensor) -> Optional[Tensor]:
    """torch's svd_backward (reduced U, Vh): gA = U [(skew(U^T gU)/E) S + S (skew(V^T gV)/E)
    + diag(gS)] V^T, plus the terms of the complements of U (m > n) or V (m < n)."""
    m, n = u.shape[-2], vh.shape[-1]
    if gu is None and gvh is None:
        if gs is None:
            return None
        return u @ (gs.unsqueeze(-1) * vh) if m >= n else (u * gs.unsqueeze(-2)) @ vh
    e = _gap(s, square=True)
    if gu is not None:
        uhgu = u.mT @ gu
        uhgu = uhgu - uhgu.mT
    if gvh is not None:
        vhgv = vh @ gvh.mT
        vhgv = vhgv - vhgv.mT
    if gu is not None and gvh is not None:
        inner = (uhgu * s.unsqueeze(-2) + s.unsqueeze(-1) * vhgv) / e
    elif gu is not None:
        inner = (uhgu / e) * s.unsqueeze(-2)
    else:
        inner = s.unsqueeze(-1) * (vhgv / e)
    if gs is not None:
        inner = inner + _diag_embed(gs)
    if m > n and gu is not None:
        gu_sinv = gu / s.unsqueeze(-2)
        return (u @ inner + gu_sinv - u @ (u.mT @ gu_sinv)) @ vh
    if m < n and gvh is not None:
        sinv_gvh = gvh / s.unsqueeze(-1)
        return u @ (inner @ vh + sinv_gvh - (sinv_gvh @ vh.mT) @ vh)
    return u @ (inner @ vh) if m >= n else (u @ inner) @ vh


@register
class LinalgSvd(CustomFunction):
    """A = U diag(S) Vh;  dA by torch's svd_backward. With full_matrices the columns of U
    and rows of Vh past min(m, n) are arbitrary bases: their gradients are ignored."""

    _node_suffix = "0"  # torch: LinalgSvdBackward0

    @staticmethod
    def forward(ctx, a, full_matrices):
        ctx.set_materialize_grads(False)
        outs = tuple(Tensor(x) for x in _svd_arrays(a.data, full_matrices))
        ctx.save_for_backward(*outs)
        return outs

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        k = s.shape[-1]
        if u.shape[-1] != k:  # full_matrices: keep the first k vectors
            u, gu = u[..., :k], None if gu is None else gu[..., :k]
        if vh.shape[-2] != k:
            vh, gvh = vh[..., :k, :], None if gvh is None else gvh[..., :k, :]
        return _svd_backward(gu, gs, gvh, u, s, vh), None


def _check_svd(a: Tensor, driver: Any, name: str = "linalg.svd") -> None:
    check_matrix(a.data, name, square=False, kernel="linalg_svd_cpu")
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")


def svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> SvdResult:
    """U, S, Vh with A = U diag(S) Vh, S descending; U (..., m, m) and Vh (..., n, n) when
    ``full_matrices``, else (..., m, k) and (..., k, n), k = min(m, n)."""
    _check_svd(A, driver)
    return SvdResult(*LinalgSvd.apply(A, bool(full_matrices)))


def svdvals(A: Tensor, *, driver: Any = None) -> Tensor:
    """The singular values, descending (the gradient is U diag(gS) Vh)."""
    _check_svd(A, driver)
    if _requires_grad(A):
        return LinalgSvd.apply(A, False)[1]
    m, n = A.shape[-2:]
    if min(m, n) == 0:
        return Tensor(np.zeros(A.shape[:-2] + (0,), A.dtype))
    if np.isnan(A.data).any():
        raise LinAlgError(_SVD_FAILED)
    return Tensor(np.linalg.svd(A.data, compute_uv=False))


# -- eigh -------------------------------------------------------------------------------------
def _eigh_backward(gl: Optional[Tensor], gv: Optional[Tensor], l: Tensor,
                   v: Tensor) -> Optional[Tensor]:
    """torch's linalg_eig_backward, Hermitian case: gA = V (diag(gL) + skew(V^T gV)/2E) V^T."""
    if gv is None:
        return None if gl is None else (v * gl.unsqueeze(-2)) @ v.mT
    vhgv = v.mT @ gv
    inner = 0.5 * (vhgv - vhgv.mT) / _gap(l, square=False)
    if gl is not None:
        inner = inner + _diag_embed(gl)  # the skew part has a zero diagonal
    return v @ (inner @ v.mT)


def _eigh_arrays(a: np.ndarray, uplo: str, vectors: bool) -> Any:
    try:
        return np.linalg.eigh(a, UPLO=uplo) if vectors else np.linalg.eigvalsh(a, UPLO=uplo)
    except np.linalg.LinAlgError:
        raise LinAlgError("linalg.eigh: The algorithm failed to converge because the input "
                          "matrix is ill-conditioned or has too many repeated eigenvalues"
                          ) from None


@register
class LinalgEigh(CustomFunction):
    """A = V diag(L) V^T (one triangle of A read);  dA by torch's eigh backward"""

    _node_suffix = "0"

    @staticmethod
    def forward(ctx, a, uplo):
        ctx.set_materialize_grads(False)
        outs = tuple(Tensor(x) for x in _eigh_arrays(a.data, uplo, True))
        ctx.save_for_backward(*outs)
        return outs

    @staticmethod
    def backward(ctx, gl, gv):
        l, v = ctx.saved_tensors
        return _eigh_backward(gl, gv, l, v), None


def _check_eigh(a: Tensor, uplo: Any) -> str:
    check_matrix(a.data, "linalg.eigh", dispatch_ints=True)  # the shape only
    if not isinstance(uplo, str) or uplo.upper() not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")
    if a.dtype not in _GEMM_DTYPES:
        raise kernel_error("linalg_eigh_cpu", a.dtype)
    return uplo.upper()


def eigh(A: Tensor, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric matrices,
    reading the lower (UPLO='L') or upper triangle."""
    uplo = _check_eigh(A, UPLO)
    return EighResult(*LinalgEigh.apply(A, uplo))


def eigvalsh(A: Tensor, UPLO: str = "L") -> Tensor:
    """The eigenvalues of ``eigh``, ascending."""
    uplo = _check_eigh(A, UPLO)
    if _requires_grad(A):
        return LinalgEigh.apply(A, uplo)[0]
    return Tensor(_eigh_arrays(A.data, uplo, False))


# -- qr ---------------------------------------------------------------------------------------
def _qr_backward(gq: Optional[Tensor], gr: Optional[Tensor], q: Tensor, r: Tensor,
                 mode: str) -> Optional[Tensor]:
    """torch's linalg_qr_backward."""
    if mode == "r":
        raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                           "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                           "going to differentiate through linalg.qr.")
    m, n = q.shape[-2], r.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                           "and nrows > ncols.")
    if gq is None and gr is None:
        return None
    if gq is None:
        ga = gr @ r.mT
    else:
        ga = -(q.mT @ gq) if gr is None else gr @ r.mT - q.mT @ gq
    if m >= n:
        upper = triu(ga)
        ga = q @ (upper + upper.mT - upper * _eye(n, upper.dtype))
        if gq is not None:
            ga = ga + gq
        return _solve_triangular(r.mT, ga, upper=False, left=False)
    ga = q @ tril(ga.mT - ga)
    ga = _solve_triangular(r[..., :m].mT, ga, upper=False, left=False)
    ga = cat([ga, Tensor(np.zeros(ga.shape[:-1] + (n - m,), ga.dtype))], -1)
    return ga if gr is None else ga + q @ gr


@register
class LinalgQr(CustomFunction):
    """A = Q R, R upper triangular (LAPACK's signs);  dA by torch's linalg_qr_backward"""

    _node_suffix = "0"

    @staticmethod
    def forward(ctx, a, mode):
        ctx.set_materialize_grads(False)
        ctx.mode = mode
        if mode == "r":
            q, r = np.zeros((0,), a.dtype), np.linalg.qr(a.data, mode="r")
        else:
            q, r = np.linalg.qr(a.data, mode=mode)
        outs = Tensor(q), Tensor(np.ascontiguousarray(r))
        ctx.save_for_backward(*outs)
        return outs

    @staticmethod
    def backward(ctx, gq, gr):
        q, r = ctx.saved_tensors
        return _qr_backward(gq, gr, q, r, ctx.mode), None


def qr(A: Tensor, mode: str = "reduced") -> QrResult:
    """Q, R with A = Q R: mode 'reduced' (Q (..., m, k)), 'complete' (Q (..., m, m)) or 'r'
    (R only; Q is an empty tensor and the result is not differentiable)."""
    check_matrix(A.data, "linalg.qr", square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    if A.dtype == np.float16:
        raise kernel_error("geqrf_cpu", A.dtype)
    return QrResult(*LinalgQr.apply(A, mode))


# -- cholesky ---------------------------------------------------------------------------------
def _potf2(a: np.ndarray) -> tuple:
    """LAPACK's unblocked Cholesky of one matrix, stopped at the first pivot that is not
    positive: the partial factor (as torch returns it: that pivot, the untouched rest) and
    info (0 when it completes)."""
    work = np.tril(a)
    for j in range(a.shape[-1]):
        pivot = work[j, j] - work[j, :j] @ work[j, :j]
        if not pivot > 0:  # also NaN
            work[j, j] = pivot
            return work, j + 1
        work[j, j] = np.sqrt(pivot)
        work[j + 1:, j] = (work[j + 1:, j] - work[j + 1:, :j] @ work[j, :j]) / work[j, j]
    return work, 0


def _cholesky_arrays(a: np.ndarray, upper: bool) -> tuple:
    """(L or U, info): the lower (or, for ``upper``, the upper) triangle of A is read."""
    src = np.swapaxes(a, -1, -2) if upper else a
    info = np.zeros(a.shape[:-2], np.int32)
    factor = None
    if not np.isnan(np.tril(src)).any():  # OpenBLAS lets a NaN pivot through
        try:
            factor = np.linalg.cholesky(src)
        except np.linalg.LinAlgError:
            pass
    if factor is None:  # some matrix fails: find which, and LAPACK's partial factor
        n = a.shape[-1]
        flat = src.reshape(-1, n, n)
        factor, flat_info = np.empty_like(flat), info.reshape(-1)
        for i, matrix in enumerate(flat):
            factor[i], flat_info[i] = _potf2(matrix)
        factor = factor.reshape(a.shape)
    return (np.ascontiguousarray(np.swapaxes(factor, -1, -2)) if upper else factor), info


def _cholesky_backward(gl: Tensor, l: Tensor, upper: bool) -> Tensor:
    """torch's cholesky_backward: gA = L^-T sym(tril(L^T gL)) L^-1, a symmetric matrix."""
    if upper:
        l, gl = l.mT, gl.mT
    phi = tril(l.mT @ gl)
    phi = 0.5 * (phi + tril(phi, -1).mT)
    ga = _solve_triangular(l.mT, phi, upper=True)
    return _solve_triangular(l, ga, upper=False, left=False)


@register
class LinalgCholeskyEx(CustomFunction):
    """A = L L^T (or U^T U) and LAPACK's info;  dA by torch's cholesky_backward"""

    _node_suffix = "0"

    @staticmethod
    def forward(ctx, a, upper):
        ctx.upper = upper
        factor, info = _cholesky_arrays(a.data, upper)
        out = Tensor(factor)
        ctx.save_for_backward(out)
        return out, Tensor(info)

    @staticmethod
    def backward(ctx, gl, ginfo):
        (l,) = ctx.saved_tensors
        return _cholesky_backward(gl, l, ctx.upper), None


def _raise_not_positive_definite(info: np.ndarray, name: str) -> None:
    failed = np.flatnonzero(info)
    if failed.size:
        where_ = f"(Batch element {failed[0]}): " if info.ndim else ""
        raise LinAlgError(f"{name}: {where_}The factorization could not be completed because "
                          f"the input is not positive-definite (the leading minor of order "
                          f"{info.reshape(-1)[failed[0]]} is not positive-definite).")


def cholesky_ex(A: Tensor, *, upper: bool = False,
                check_errors: bool = False) -> CholeskyExResult:
    """(L, info): info is 0, or the order of the first leading minor that is not positive
    definite (then L is LAPACK's partial factor)."""
    check_matrix(A.data, "linalg.cholesky", kernel="cholesky_cpu")
    factor, info = LinalgCholeskyEx.apply(A, bool(upper))
    if check_errors:
        _raise_not_positive_definite(info.data, "linalg.cholesky_ex")
    return CholeskyExResult(factor, info)


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """L (lower) with A = L L^T, or U = L^T when ``upper``; LinAlgError when A is not
    positive definite."""
    check_matrix(A.data, "linalg.cholesky", kernel="cholesky_cpu")
    factor, info = LinalgCholeskyEx.apply(A, bool(upper))
    _raise_not_positive_definite(info.data, "linalg.cholesky")
    return factor


# -- det's backward (called by ops/linalg.py's Det) -------------------------------------------
def _det_grad_nonsingular(a: Tensor, d: Tensor) -> Tensor:
    """solve(A^T, d I)."""
    return Solve.apply(a.mT, d.unsqueeze(-1).unsqueeze(-1) * _eye(a.shape[-1], a.dtype))


def _det_grad_singular(a: Tensor, g: Tensor) -> Tensor:
    """adj(A)^T through the SVD: U diag(g det(U) det(Vh) prod_{j != i} S_j) Vh."""
    u, s, vh = svd(a)
    alpha = Det.apply(u) * Det.apply(vh) * g
    d = alpha.unsqueeze(-1) * _prod_others(s, (s.ndim - 1,))
    return (u * d.unsqueeze(-2)) @ vh


def det_backward(g: Tensor, a: Tensor) -> Optional[Tensor]:
    """torch's linalg_det_backward. Without create_graph: g det(A) A^-T, zero at an exactly
    singular A (torch's LU solve with zero pivots moved to eps, times det = 0). With
    create_graph: the adjugate through the SVD where |det| < 100 eps, else
    solve(A^T, g det(A) I)."""
    if a.data.size == 0:
        return None
    if not is_grad_enabled():
        det = np.asarray(np.linalg.det(a.data))
        out = np.zeros(a.shape, a.dtype)
        ok = det != 0
        if ok.any():
            inverse_t = np.swapaxes(np.linalg.inv(a.data[ok]), -1, -2)
            out[ok] = (g.data * det)[ok][:, None, None] * inverse_t
        return Tensor(out)
    det = Det.apply(a)
    singular = np.abs(det.data) < 100 * _eps(a.dtype)
    if not singular.any():
        return _det_grad_nonsingular(a, g * det)
    if singular.all():
        return _det_grad_singular(a, g)
    # a mixed batch: each matrix takes its formula (torch's masked_fmap)
    n = a.shape[-1]
    flat_a, flat_g, flat_det = a.reshape(-1, n, n), g.reshape(-1), det.reshape(-1)
    picked, other = np.flatnonzero(singular), np.flatnonzero(~singular)
    parts = cat([_det_grad_singular(flat_a[picked], flat_g[picked]),
                 _det_grad_nonsingular(flat_a[other], flat_g[other] * flat_det[other])])
    return parts[np.argsort(np.concatenate([picked, other]))].reshape(*a.shape)


# -- torch's older spellings: torch.svd, torch.qr, torch.cholesky ------------------------
def legacy_svd(A: Tensor, some: bool = True, compute_uv: bool = True) -> LegacySvdResult:
    """torch.svd: U, S, V (not Vh) with A = U diag(S) V^T; ``some`` = reduced; without
    ``compute_uv``, U and V are zero-filled (m, m) and (n, n) matrices."""
    if A.ndim < 2:
        raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has "
                           f"{A.ndim} dimensions instead")
    if not compute_uv:
        m, n = A.shape[-2:]
        zeros = (Tensor(np.zeros(A.shape[:-2] + (k, k), A.dtype)) for k in (m, n))
        s = svdvals(A)
        return LegacySvdResult(next(zeros), s, next(zeros))
    u, s, vh = svd(A, full_matrices=not some)
    return LegacySvdResult(u, s, vh.mT)


def legacy_qr(A: Tensor, some: bool = True) -> LegacyQrResult:
    """torch.qr: reduced (``some``) or complete Q, R."""
    return LegacyQrResult(*qr(A, "reduced" if some else "complete"))


def legacy_cholesky(A: Tensor, upper: bool = False) -> Tensor:
    """torch.cholesky: L, or U = L^T when ``upper``."""
    check_matrix(A.data, "cholesky", kernel="cholesky_cpu", dispatch_ints=True)
    factor, info = LinalgCholeskyEx.apply(A, bool(upper))
    _raise_not_positive_definite(info.data, "cholesky")
    return factor
