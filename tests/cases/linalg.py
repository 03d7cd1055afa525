"""Cases for the matrix routines of ops/linalg.py (inv, det, log|det|, solve): single and
batched, well-conditioned matrices (a random matrix plus 3 I)."""
import numpy as np

import autograd_engine as ae

from . import Case, rand


def _matrix(*shape, seed=0):
    a = rand(*shape, seed=seed, requires_grad=False).data + 3 * np.eye(shape[-1])
    return ae.tensor(a, dtype=np.float64, requires_grad=True)


def _unary(fn):
    return [Case(fn, lambda s=s: (_matrix(*s),), label=str(s)) for s in ((3, 3), (2, 3, 3))]


CASES = {
    "Inv": _unary(lambda a: ae.linalg.inv(a)),
    "Det": _unary(lambda a: ae.linalg.det(a)),
    "LogAbsDet": _unary(lambda a: ae.linalg.slogdet(a).logabsdet),
    "Solve": [
        Case(lambda a, b: ae.linalg.solve(a, b), lambda: (_matrix(3, 3), rand(3, 2, seed=1)),
             label="matrix"),
        Case(lambda a, b: ae.linalg.solve(a, b), lambda: (_matrix(2, 3, 3), rand(3, seed=1)),
             label="vector, batched A"),
        Case(lambda a, b: ae.linalg.solve(a, b), lambda: (_matrix(3, 3), rand(2, 3, 1, seed=1)),
             label="broadcast A"),
    ],
}
