"""Cases for the special functions (ops/special_functions.py), the binary float ops
(ops/binary_math.py), the diagonal/scatter views (ops/diagonal.py) and cdist's matmul form
(ops/distances.py)."""
import autograd_engine as ae

from . import Case, positive, rand
from .elementwise import _binary, _unary

_X = (3, 4, 5)


def _diagonal_cases():
    specs = [(0, 0, 1), (1, 0, 2), (-2, 2, 0), (-1, -1, -3)]
    return [Case(lambda a, s=s: ae.diagonal(a, *s) * ae.diagonal(a, *s), lambda: (rand(*_X),),
                 label=str(s)) for s in specs]


def _scatter_cases():
    return [
        Case(lambda a, s: ae.diagonal_scatter(a * a, s * s, 1, 0, 2),
             lambda: (rand(*_X), rand(4, 3, seed=1)), label="diagonal"),
        Case(lambda a, s: ae.select_scatter(a * a, s * s, 1, -1),
             lambda: (rand(*_X), rand(3, 5, seed=1)), label="select"),
        Case(lambda a, s: ae.slice_scatter(a * a, s * s, 2, 1, None, 2),
             lambda: (rand(*_X), rand(3, 4, 2, seed=1)), label="slice"),
        Case(lambda s: ae.diag_embed(s * s, -1, 0, 2), lambda: (rand(2, 3, seed=2),),
             label="diag_embed"),
    ]


CASES = {
    "Lgamma": _unary(ae.lgamma, low=0.2, high=4.0) + _unary(ae.lgamma, low=-2.8, high=-2.2),
    "Polygamma": _unary(ae.digamma, low=0.2, high=4.0)
    + [Case(lambda a, n=n: ae.polygamma(n, a), lambda: (positive(3, 4),), label=f"n={n}")
       for n in (1, 2, 3)]
    + [Case(lambda a: ae.polygamma(1, a), lambda: (rand(4, low=-1.8, high=-1.2),),
            label="reflection")],
    "I0": _unary(ae.i0, low=-3.0, high=3.0) + _unary(ae.i0, low=8.5, high=12.0, shapes=((4,),)),
    "I1": _unary(ae.special.i1, low=-3.0, high=3.0)
    + _unary(ae.special.i1, low=-12.0, high=-8.5, shapes=((4,),)),
    "Sinc": _unary(ae.sinc, low=-2.0, high=2.0),
    "Entr": _unary(ae.special.entr, low=0.2, high=2.0),
    "LogNdtr": _unary(ae.special.log_ndtr, low=-3.0, high=3.0)
    + _unary(ae.special.log_ndtr, low=-40.0, high=-20.0, shapes=((4,),)),
    "Ndtri": _unary(ae.special.ndtri, low=0.05, high=0.95),
    "Fmod": _binary(ae.fmod, low=-3.0, high=3.0, low_b=0.4, high_b=0.45)
    + [Case(lambda a: ae.fmod(a, -0.7), lambda: (rand(5, low=-3.0, high=3.0),))],
    "Fmax": _binary(ae.fmax),
    "Fmin": _binary(ae.fmin),
    "Copysign": _binary(lambda a, b: ae.copysign(a, b) * a),
    "Nextafter": _binary(lambda a, b: ae.nextafter(a, b) * a),
    "Logaddexp2": _binary(ae.logaddexp2),
    "Frexp": _unary(lambda a: ae.frexp(a).mantissa * a, low=0.3, high=3.0),
    "EuclideanDist": [Case(lambda a, b: ae.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
                           lambda: (rand(3, 2), rand(2, 4, 2, seed=1)))],
    "Diagonal": _diagonal_cases(),
    "ViewScatter": _scatter_cases(),
}
