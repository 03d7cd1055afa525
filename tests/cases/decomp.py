"""Cases for ops/decomp.py and ops/matrix_functions.py. SVD and eigh gradients go through
gauge-invariant functions (|U|, U diag(S) Vh, the values), as torch's own tests do; eigh,
cholesky and hermitian pinv read one triangle, so they get a symmetrised input A A^T + I."""
import numpy as np

import autograd_engine as ae
from autograd_engine.ops.decomp import _solve_triangular

from . import Case, rand


def _spd(a):
    return a @ a.mT + ae.eye(a.shape[-1], dtype=a.dtype)


def _upper(n, seed=0):
    a = np.triu(rand(n, n, seed=seed, requires_grad=False).data) + 3 * np.eye(n)
    return ae.tensor(a, dtype=np.float64, requires_grad=True)


def _svd_gauge_free(a):
    u, s, vh = ae.linalg.svd(a, full_matrices=False)
    return u.abs(), s, vh.abs(), (u * s.unsqueeze(-2)) @ vh


def _eigh_gauge_free(a):
    values, vectors = ae.linalg.eigh(_spd(a))
    return values, vectors.abs()


CASES = {
    "SolveTriangular": [
        Case(lambda a, b: _solve_triangular(a, b, upper=True),
             lambda: (_upper(3), rand(3, 2, seed=1)), label="upper"),
        Case(lambda a, b: _solve_triangular(a.mT, b, upper=False, left=False),
             lambda: (_upper(3), rand(2, 3, seed=1)), label="lower, right"),
    ],
    "LinalgSvd": [
        Case(_svd_gauge_free, lambda: (rand(4, 3),), label="tall"),
        Case(_svd_gauge_free, lambda: (rand(2, 2, 3),), label="wide, batched"),
        Case(lambda a: ae.linalg.svd(a).U[..., :2].abs(), lambda: (rand(3, 2),),
             label="full_matrices"),
        Case(lambda a: ae.linalg.svdvals(a), lambda: (rand(3, 3),), label="svdvals"),
    ],
    "LinalgEigh": [
        Case(_eigh_gauge_free, lambda: (rand(3, 3),), label="3x3"),
        Case(lambda a: ae.linalg.eigvalsh(_spd(a), UPLO="U"), lambda: (rand(2, 3, 3),),
             label="eigvalsh, batched"),
    ],
    "LinalgQr": [
        Case(lambda a: ae.linalg.qr(a), lambda: (rand(4, 3),), label="tall"),
        Case(lambda a: ae.linalg.qr(a), lambda: (rand(2, 2, 3),), label="wide, batched"),
        Case(lambda a: ae.linalg.qr(a, mode="complete"), lambda: (rand(2, 4),),
             label="complete, wide"),
    ],
    "LinalgCholeskyEx": [
        Case(lambda a: ae.linalg.cholesky(_spd(a)), lambda: (rand(3, 3),), label="lower"),
        Case(lambda a: ae.linalg.cholesky_ex(_spd(a), upper=True).L, lambda: (rand(2, 3, 3),),
             label="upper, batched"),
    ],
    "LinalgPinv": [
        Case(lambda a: ae.linalg.pinv(a), lambda: (rand(4, 3),), label="tall"),
        Case(lambda a: ae.linalg.pinv(a), lambda: (rand(2, 2, 3),), label="wide, batched"),
        Case(lambda a: ae.linalg.pinv(_spd(a), hermitian=True), lambda: (rand(3, 3),),
             label="hermitian"),
    ],
    "LinalgLstsq": [
        Case(lambda a, b: ae.linalg.lstsq(a, b).solution, lambda: (rand(4, 3), rand(4, 2)),
             label="tall"),
        Case(lambda a, b: ae.linalg.lstsq(a, b).solution, lambda: (rand(2, 3), rand(2, 2)),
             label="wide"),
        Case(lambda a, b: ae.linalg.lstsq(a, b, driver="gelsd").residuals,
             lambda: (rand(2, 4, 2), rand(1, 4)), label="residuals, broadcast vector"),
    ],
    "LinalgMatrixExp": [
        Case(lambda a: ae.linalg.matrix_exp(a), lambda: (rand(3, 3),), label="3x3"),
        Case(lambda a: ae.linalg.matrix_exp(4 * a), lambda: (rand(2, 2, 2),),
             label="scaled, batched"),
    ],
}
