"""Cases for ops/solvers.py and ops/conjugation.py. cholesky_solve and cholesky_inverse read
one triangle of their factor (their gradient for it is torch's full-matrix one), so the
factor enters through tril/triu, as torch's own gradcheck wraps triangular inputs."""
import numpy as np

import autograd_engine as ae
from autograd_engine.ops import solvers
from autograd_engine.ops.conjugation import angle

from . import Case, rand


def _lower(l):
    """A well-conditioned lower-triangular factor made of ``l``'s lower triangle."""
    return ae.tril(l) + 3 * ae.eye(l.shape[-1], dtype=l.dtype)


def _well_conditioned(n):
    a = rand(n, n, requires_grad=False).data + 2 * np.eye(n)
    return ae.tensor(a, dtype=np.float64, requires_grad=True)


CASES = {
    "CholeskySolve": [
        Case(lambda l, b: solvers.cholesky_solve(b, _lower(l)),
             lambda: (rand(3, 3), rand(3, 2, seed=1)), label="lower"),
        Case(lambda l, b: solvers.cholesky_solve(b, _lower(l).mT, upper=True),
             lambda: (rand(2, 3, 3), rand(3, 1, seed=1)), label="upper, broadcast batch"),
    ],
    "CholeskyInverse": [
        Case(lambda l: solvers.cholesky_inverse(_lower(l)), lambda: (rand(3, 3),),
             label="lower"),
        Case(lambda l: solvers.cholesky_inverse(_lower(l).mT, upper=True),
             lambda: (rand(2, 3, 3),), label="upper, batched"),
    ],
    "LuFactor": [
        Case(lambda a: solvers.lu_factor(a).LU, lambda: (rand(3, 3),), label="square"),
        Case(lambda a: solvers.lu(a)[1:], lambda: (rand(2, 3, 5),), label="wide, batched"),
        Case(lambda a: solvers.lu(a)[1:], lambda: (rand(4, 2),), label="tall"),
        Case(lambda a: solvers.lu_factor_ex(a).LU, lambda: (rand(4, 2),), label="tall packed"),
        Case(lambda a, b: solvers.lu_solve(*solvers.lu_factor(a), b, adjoint=True),
             lambda: (_well_conditioned(3), rand(3, 2, seed=1)), label="lu_solve adjoint"),
    ],
    "Angle": [
        Case(angle, lambda: (rand(2, 3),), label="real"),
    ],
}
