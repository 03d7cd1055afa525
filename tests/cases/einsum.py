"""Cases for ops/einsum.py: contractions, diagonals, summed-away subscripts, broadcasting,
ellipsis and implicit outputs (the backward is einsum again: second order checked too)."""
import autograd_engine as ae

from . import Case, rand

_EQUATIONS = [  # equation, operand shapes
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->j", [(2, 2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij,ij->ij", [(1, 3), (4, 3)]),
    ("...ij,...jk", [(2, 2, 3), (3, 2)]),
    ("ijk,jl,lk->i", [(2, 3, 2), (3, 2), (2, 2)]),
    ("i,j", [(2,), (3,)]),
]

CASES = {
    "Einsum": [Case(lambda *ops, eq=eq: ae.einsum(eq, *ops),
                    lambda shapes=shapes: tuple(rand(*s, seed=i) for i, s in enumerate(shapes)),
                    label=eq)
               for eq, shapes in _EQUATIONS],
}
