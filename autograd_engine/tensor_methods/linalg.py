"""Tensor methods: products, matrix functions and solvers
(ops/linalg.py, ops/decomp.py, ops/solvers.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class LinalgMethods:
    __slots__ = ()

    def __rmatmul__(self, other: Any) -> "Tensor":
        return ops.linalg.matmul(other, self)

    def matmul(self, other: Any) -> "Tensor":
        return ops.linalg.matmul(self, other)

    def mm(self, mat2: "Tensor") -> "Tensor":
        return ops.linalg.mm(self, mat2)

    def mv(self, vec: "Tensor") -> "Tensor":
        return ops.linalg.mv(self, vec)

    def dot(self, other: "Tensor") -> "Tensor":
        return ops.linalg.dot(self, other)

    def vdot(self, other: "Tensor") -> "Tensor":
        return ops.linalg.vdot(self, other)

    def addmm(self, mat1: "Tensor", mat2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return ops.linalg.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat: "Tensor", vec: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return ops.linalg.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def baddbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
                alpha: Any = 1) -> "Tensor":
        return ops.linalg.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
               alpha: Any = 1) -> "Tensor":
        return ops.linalg.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def kron(self, other: "Tensor") -> "Tensor":
        return ops.linalg.kron(self, other)

    def cross(self, other: "Tensor", dim: Any = None) -> "Tensor":
        return ops.linalg.cross(self, other, dim)

    def inner(self, other: "Tensor") -> "Tensor":
        return ops.linalg.inner(self, other)

    def det(self) -> "Tensor":
        return ops.linalg.det(self)

    def slogdet(self) -> tuple:
        return ops.linalg.slogdet(self)

    def inverse(self) -> "Tensor":
        return ops.linalg.inv(self)

    def outer(self, vec2: "Tensor") -> "Tensor":
        return ops.linalg.outer(self, vec2)

    def bmm(self, mat2: "Tensor") -> "Tensor":
        return ops.linalg.bmm(self, mat2)

    def svd(self, some: bool = True, compute_uv: bool = True) -> tuple:
        return ops.decomp.legacy_svd(self, some, compute_uv)

    def cholesky(self, upper: bool = False) -> "Tensor":
        return ops.decomp.legacy_cholesky(self, upper)

    def qr(self, some: bool = True) -> tuple:
        return ops.decomp.legacy_qr(self, some)

    def pinverse(self, rcond: float = 1e-15) -> "Tensor":
        return ops.matrix_functions.pinverse(self, rcond)

    def matrix_power(self, n: int) -> "Tensor":
        return ops.matrix_functions.matrix_power(self, n)

    def matrix_exp(self) -> "Tensor":
        return ops.matrix_functions.matrix_exp(self)

    def addr(self, vec1: "Tensor", vec2: "Tensor", *, beta: Any = 1,
             alpha: Any = 1) -> "Tensor":
        return ops.matrix_products.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def ger(self, vec2: "Tensor") -> "Tensor":
        return ops.matrix_products.ger(self, vec2)

    def logdet(self) -> "Tensor":
        return ops.matrix_products.logdet(self)

    # -- solvers (ops/solvers.py, imported on first use) ------------------------------------
    def cholesky_solve(self, input2: "Tensor", upper: bool = False) -> "Tensor":
        from ..ops.solvers import cholesky_solve
        return cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper: bool = False) -> "Tensor":
        from ..ops.solvers import cholesky_inverse
        return cholesky_inverse(self, upper)

    def triangular_solve(self, A: "Tensor", upper: bool = True, transpose: bool = False,
                         unitriangular: bool = False) -> tuple:
        from ..ops.solvers import triangular_solve
        return triangular_solve(self, A, upper, transpose, unitriangular)

    def lu(self, pivot: bool = True, get_infos: bool = False) -> Any:
        from ..ops.solvers import legacy_lu
        return legacy_lu(self, pivot, get_infos)

    def lu_solve(self, LU_data: "Tensor", LU_pivots: "Tensor") -> "Tensor":
        from ..ops.solvers import legacy_lu_solve
        return legacy_lu_solve(self, LU_data, LU_pivots)
