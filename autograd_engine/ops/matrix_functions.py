"""Functions of matrices built on the decompositions of ops/decomp.py: torch.linalg's pinv,
matrix_rank, lstsq, matrix_power and matrix_exp, and torch.pinverse.

Forwards run on numpy arrays; backwards are torch's formulas (pinv_backward,
linalg_lstsq_backward, the block-matrix differential of matrix_exp) in differentiable ops,
so gradients of every order flow.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional

import numpy as np

from ..custom import Function as CustomFunction
from ..function import Function, register
from ..tensor import Tensor
from .decomp import _eigh_arrays, _eps, _eye, _svd_arrays, svdvals
from .elementwise import where
from .linalg import (_GEMM_DTYPES, check_matrix, inv, kernel_error, matmul_arrays,
                     torch_type_name)
from .shape import cat

LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])

_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


# -- pinv, matrix_rank ------------------------------------------------------------------------
def _tolerances(a: Tensor, atol: Any, rtol: Any) -> tuple:
    """torch's (atol, rtol) as float64 arrays: rtol defaults to eps * max(m, n) unless a
    positive atol is given (then 0)."""
    zero = np.zeros(())
    atol_a = zero if atol is None else np.asarray(atol.data if isinstance(atol, Tensor)
                                                  else atol, np.float64)
    if rtol is not None:
        return atol_a, np.asarray(rtol.data if isinstance(rtol, Tensor) else rtol, np.float64)
    default = np.asarray(_eps(a.dtype) * max(a.shape[-2:]))
    return atol_a, default if atol is None else np.where(atol_a > 0, zero, default)


def _cutoff(s: np.ndarray, atol: np.ndarray, rtol: np.ndarray) -> np.ndarray:
    """max(atol, rtol * s_max) per matrix, shaped to compare with ``s`` (..., k)."""
    top = s.max(-1, keepdims=True, initial=0.0)
    return np.maximum(atol[..., None], rtol[..., None] * top)


def _pinv_array(a: np.ndarray, atol: np.ndarray, rtol: np.ndarray, hermitian: bool) -> np.ndarray:
    m, n = a.shape[-2:]
    if a.size == 0:
        batch = np.broadcast_shapes(a.shape[:-2], atol.shape, rtol.shape)
        return np.zeros(batch + (n, m), a.dtype)
    if hermitian:  # A = Q diag(L) Q^T: A^+ = Q diag(1/L) Q^T, |L| the singular values
        values, left = _eigh_arrays(a, "L", True)
        right = left
    else:  # A = U diag(S) Vh: A^+ = V diag(1/S) U^T
        right, values, vh = _svd_arrays(a, False)
        left = np.swapaxes(vh, -1, -2)
    size = np.abs(values)
    keep = size > _cutoff(size, atol, rtol)
    inverse = np.divide(1, values, out=np.zeros(keep.shape, a.dtype), where=keep)
    return matmul_arrays(left * inverse[..., None, :], np.swapaxes(right, -1, -2))


def _pinv_backward(g: Tensor, p: Tensor, a: Tensor) -> Tensor:
    """torch's pinv_backward, in terms of A and its pseudo-inverse P."""
    m, n = a.shape[-2:]
    ph, gh = p.mT, g.mT
    if m <= n:
        k = gh @ p
        kph = k @ ph
        return -(p @ k).mT + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a)
    k = p @ gh
    phk = ph @ k
    return -(k @ p).mT + (gh - a @ k) @ p @ ph + phk - phk @ p @ a


@register
class LinalgPinv(Function):
    """P = A^+ (SVD, or eigh when hermitian; singular values <= max(atol, rtol s_max)
    dropped);  dA by torch's pinv_backward"""

    @staticmethod
    def forward(ctx, a, atol, rtol, hermitian):
        out = _pinv_array(a, atol, rtol, hermitian)
        ctx.save_for_backward(a, out)
        return out

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        return _pinv_backward(g, p, a), None, None, None


def _check_pinv(a: Tensor) -> None:
    if a.ndim < 2 or a.dtype not in _GEMM_DTYPES:
        raise RuntimeError(f"linalg.pinv({torch_type_name(a.dtype)}{{{list(a.shape)}}}): "
                           "expected a tensor with 2 or more dimensions of float, double, "
                           "cfloat or cdouble types")


def _legacy_tolerance(fn: str, tol: Any, atol: Any, rtol: Any) -> tuple:
    """torch's older overloads: one tolerance ``tol`` (rcond) that is relative (pinv) or
    absolute (matrix_rank), not combinable with atol/rtol."""
    if atol is not None or rtol is not None:
        raise TypeError(f"{fn}() received an invalid combination of arguments: pass either "
                        "the positional tolerance or atol=/rtol=, not both")
    return (0.0, tol) if fn == "linalg_pinv" else (tol, 0.0)


def pinv(A: Tensor, rcond: Any = None, hermitian: bool = False, *, atol: Any = None,
         rtol: Any = None) -> Tensor:
    """The pseudo-inverse; singular values <= max(atol, rtol * largest) count as zero
    (rtol defaults to eps * max(m, n) unless a positive atol is given; ``rcond`` is
    torch's older name for rtol with atol 0)."""
    _check_pinv(A)
    if rcond is not None:
        atol, rtol = _legacy_tolerance("linalg_pinv", rcond, atol, rtol)
    return LinalgPinv.apply(A, *_tolerances(A, atol, rtol), bool(hermitian))


def matrix_rank(A: Tensor, tol: Any = None, hermitian: bool = False, *, atol: Any = None,
                rtol: Any = None) -> Tensor:
    """The number of singular values > max(atol, rtol * largest) (int64, no gradient);
    ``tol`` is torch's older absolute tolerance."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at "
                           "least 2 dimensions.")
    if A.dtype not in _GEMM_DTYPES:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = _legacy_tolerance("linalg_matrix_rank", tol, atol, rtol)
    atol_a, rtol_a = _tolerances(A, atol, rtol)
    s = (np.abs(_eigh_arrays(A.data, "L", False)) if hermitian
         else svdvals(A.detach()).data)
    return Tensor((s > _cutoff(s, atol_a, rtol_a)).sum(-1).astype(np.int64))


# -- lstsq ------------------------------------------------------------------------------------
def _lstsq_arrays(a: np.ndarray, b: np.ndarray, rcond: float, driver: str) -> tuple:
    """Minimum-norm least-squares solution through the SVD, with what ``driver`` reports:
    rank (not gels), singular values (gelsd, gelss), residuals (m > n, not gelsy, and for
    gelsd/gelss only when every matrix has full rank)."""
    m, n = a.shape[-2:]
    u, s, vh = _svd_arrays(a, False)
    keep = s > rcond * s[..., :1]
    inverse = np.divide(1, s, out=np.zeros(s.shape, a.dtype), where=keep)
    x = matmul_arrays(np.swapaxes(vh, -1, -2),
                      inverse[..., None] * matmul_arrays(np.swapaxes(u, -1, -2), b))
    rank = keep.sum(-1).astype(np.int64)
    empty = np.zeros((0,), a.dtype)
    residuals = empty
    if m > n and driver != "gelsy" and (driver == "gels" or (rank == n).all()):
        residuals = ((matmul_arrays(a, x) - b) ** 2).sum(-2)
    return (x, residuals, rank if driver != "gels" else np.zeros((0,), np.int64),
            s if driver in ("gelsd", "gelss") else empty)


def _lstsq_backward(gx: Optional[Tensor], gres: Optional[Tensor], a: Tensor, b: Tensor,
                    x: Tensor, needs: tuple) -> tuple:
    """torch's linalg_lstsq_backward: through pinv(A) B for the solution; for the residuals
    ||AX - B||^2, with X held fixed (it is optimal)."""
    ga = gb = None
    if gx is not None:
        p = pinv(a)
        if needs[0]:
            ga = _pinv_backward(gx @ b.mT, p, a)
        if needs[1]:
            gb = p.mT @ gx
    if gres is not None and gres.numel():
        r = a @ x - b
        gl = gres.unsqueeze(-2)
        if needs[0]:
            ga_res = 2 * (gl * r) @ x.mT
            ga = ga_res if ga is None else ga + ga_res
        if needs[1]:
            gb_res = -2 * gl * r
            gb = gb_res if gb is None else gb + gb_res
    return ga, gb


@register
class LinalgLstsq(CustomFunction):
    """X = argmin ||A X - B|| (minimum norm), residuals, rank, singular values;  dA, dB by
    torch's linalg_lstsq_backward (solution and residuals are differentiable)"""

    _node_suffix = "0"

    @staticmethod
    def forward(ctx, a, b, rcond, driver):
        ctx.set_materialize_grads(False)
        x, residuals, rank, sv = (Tensor(v) for v in _lstsq_arrays(a.data, b.data, rcond,
                                                                     driver))
        ctx.save_for_backward(a, b, x)
        ctx.mark_non_differentiable(sv)
        return x, residuals, rank, sv

    @staticmethod
    def backward(ctx, gx, gres, grank, gsv):
        a, b, x = ctx.saved_tensors
        return _lstsq_backward(gx, gres, a, b, x, ctx.needs_input_grad) + (None, None)


def _broadcast_batch(sa: tuple, sb: tuple) -> tuple:
    """The broadcast of two batch shapes, with torch's error."""
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for i, (x, y) in enumerate(zip(sa, sb)):
        if x != y and 1 not in (x, y):
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b "
                               f"({y}) at non-singleton dimension {i}")
    return tuple(max(x, y) if 0 not in (x, y) else 0 for x, y in zip(sa, sb))


def lstsq(A: Tensor, B: Tensor, rcond: Optional[float] = None, *,
          driver: Optional[str] = None) -> LstsqResult:
    """Least squares A X ~ B (B may be a vector batch when B.ndim == A.ndim - 1), as torch's
    CPU drivers report it (default 'gelsy': rank, no residuals, no singular values); the
    solution is the minimum-norm one, singular values <= rcond * largest dropped (rcond
    defaults to eps * max(m, n))."""
    name = "torch.linalg.lstsq"
    if A.ndim < 2:
        raise RuntimeError(f"{name}: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError(f"{name}: other must have at least 1 dimension.")
    if A.dtype != B.dtype:
        raise RuntimeError(f"{name}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {torch_type_name(A.dtype)} and other's dtype "
                           f"{torch_type_name(B.dtype)}")
    if not 0 <= A.ndim - B.ndim <= 1:
        raise RuntimeError(f"{name}: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    if A.dtype not in _GEMM_DTYPES:
        raise RuntimeError("This function doesn't handle types other than float and double")
    driver = "gelsy" if driver is None else driver
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError(f"{name}: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    vector = A.ndim == B.ndim + 1
    b = B.unsqueeze(-1) if vector else B
    batch = _broadcast_batch(tuple(A.shape[:-2]), tuple(b.shape[:-2]))
    if b.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"{name}: input.size(-2) should match other.size(-2)")
    a = A.expand(*(batch + tuple(A.shape[-2:]))) if tuple(A.shape[:-2]) != batch else A
    b = b.expand(*(batch + tuple(b.shape[-2:]))) if tuple(b.shape[:-2]) != batch else b
    if rcond is None:
        rcond = _eps(A.dtype) * max(A.shape[-2:])
    x, residuals, rank, sv = LinalgLstsq.apply(a, b, float(rcond), driver)
    return LstsqResult(x.squeeze(-1) if vector else x, residuals, rank, sv)


# -- matrix_power, matrix_exp -----------------------------------------------------------------
def matrix_power(A: Tensor, n: int) -> Tensor:
    """A^n by repeated squaring (torch's order of products); n < 0 uses inv(A); n = 0 gives
    the identity (in the graph, with a zero gradient, as torch)."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"linalg_matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    check_matrix(A.data, "linalg.matrix_power", dispatch_ints=True)
    if n == 0:
        return where(Tensor(np.ones((), np.bool_)), _eye(A.shape[-1], A.dtype), A)
    if n < 0:
        A, n = inv(A), -n
    if n >= 2 and A.dtype == np.bool_:  # torch's bool matmul
        raise kernel_error("addmm_impl_cpu_", A.dtype)
    if n <= 3:
        return A.clone() if n == 1 else A @ A if n == 2 else A @ A @ A
    square = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        square = A if square is None else square @ square
        if bit:
            result = square if result is None else result @ square
    return result


_PADE13 = (64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
           129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
           40840800.0, 960960.0, 16380.0, 182.0, 1.0)
_THETA13 = 5.371920351148152  # largest 1-norm for which Pade 13 is accurate in float64


def _expm(a: np.ndarray) -> np.ndarray:
    """exp of (batches of) square matrices: Pade 13 with scaling and squaring (Higham 2005),
    in float64; a non-finite input gives NaN, as torch."""
    x = a.astype(np.float64)
    bad = ~np.isfinite(x).all((-2, -1))
    x[bad] = 0.0
    norm = np.abs(x).sum(-2).max(-1, initial=0.0)
    steps = np.ceil(np.log2(np.maximum(norm, _THETA13) / _THETA13)).astype(np.int64)
    x = x / np.ldexp(1.0, steps)[..., None, None]
    b, ident = _PADE13, np.eye(a.shape[-1])
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2)
             + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * ident)
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 \
        + b[0] * ident
    out = np.linalg.solve(v - u, v + u)
    for k in range(int(steps.max(initial=0))):
        out = np.where((k < steps)[..., None, None], out @ out, out)
    out[bad] = np.nan
    return out.astype(a.dtype)


@register
class LinalgMatrixExp(Function):
    """y = exp(A);  dA = the top-right block of exp([[A^T, g], [0, A^T]]) (Mathias 1996)"""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a) if a.size else a.copy()

    @staticmethod
    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        n, at = a.shape[-1], a.mT
        meta = cat([cat([at, g], -1), cat([Tensor(np.zeros(at.shape, at.dtype)), at], -1)],
                   -2)
        return LinalgMatrixExp.apply(meta)[..., :n, n:]


def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential of (batches of) square matrices."""
    check_matrix(A.data, "linalg.matrix_exp")
    return LinalgMatrixExp.apply(A)


def pinverse(A: Tensor, rcond: float = 1e-15) -> Tensor:
    """torch.pinverse: pinv with relative tolerance ``rcond``."""
    return pinv(A, rcond)

