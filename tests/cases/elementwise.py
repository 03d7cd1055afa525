"""Cases for ops/elementwise.py and ops/linalg.py: broadcasting, size-1 and 0-d shapes."""
import numpy as np

import autograd_engine as ae

from . import Case, positive, rand

_BROADCAST = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((), (3,)), ((1,), ())]


def _binary(fn, low=-1.0, high=1.0, low_b=None, high_b=None):
    low_b = low if low_b is None else low_b
    high_b = high if high_b is None else high_b
    return [Case(fn, (lambda sa=sa, sb=sb: (rand(*sa, low=low, high=high, seed=1),
                                            rand(*sb, low=low_b, high=high_b, seed=2))),
                 label=f"{sa}x{sb}") for sa, sb in _BROADCAST]


def _unary(fn, low=-1.0, high=1.0, shapes=((3, 4), (1,), ())):
    return [Case(fn, (lambda s=s: (rand(*s, low=low, high=high, seed=3),)), label=str(s))
            for s in shapes]


CASES = {
    "Add": _binary(lambda a, b: a + b) + [Case(lambda a: 2.5 + a, lambda: (rand(3),))],
    "Sub": _binary(lambda a, b: a - b) + [Case(lambda a: 1.0 - a, lambda: (rand(3),))],
    "Mul": _binary(lambda a, b: a * b) + [Case(lambda a: a * 3.0, lambda: (rand(2, 3),))],
    "Div": _binary(lambda a, b: a / b, low_b=0.5, high_b=2.0)
    + [Case(lambda a: 1.0 / a, lambda: (positive(4),))],
    "Pow": _binary(lambda a, b: a ** b, low=0.5, high=2.0)
    + [Case(lambda a: a ** 3, lambda: (rand(2, 3),)),
       Case(lambda a: 2.0 ** a, lambda: (rand(4),)),
       Case(lambda a: a ** 0 + a * a, lambda: (rand(3),), label="scalar exponent 0")],
    # a / b stays away from integers, where the remainder jumps
    "Remainder": _binary(lambda a, b: a % b, low=-3.0, high=3.0, low_b=0.5, high_b=2.0)
    + [Case(lambda a, b: a % b, lambda: (rand(3, 4, low=-3.0, high=3.0), rand(4, low=-2.0,
                                                                               high=-0.5)),
            label="negative divisor"),
       Case(lambda a: a % 0.75, lambda: (rand(5, low=-3.0, high=3.0),)),
       Case(lambda b: 2.5 % b, lambda: (rand(5, low=0.5, high=2.0),))],
    "Neg": _unary(lambda a: -a),
    "Abs": _unary(lambda a: a.abs()),
    "Exp": _unary(lambda a: a.exp()),
    "Log": _unary(lambda a: a.log(), low=0.5, high=2.0),
    "Sqrt": _unary(lambda a: a.sqrt(), low=0.5, high=2.0),
    "Sin": _unary(lambda a: a.sin()),
    "Cos": _unary(lambda a: a.cos()),
    "Clamp": _unary(lambda a: a.clamp(-0.5, 0.5)) + _unary(lambda a: a.clamp(min=0.1))
    + [Case(lambda a, lo, hi: a.clamp(lo, hi), lambda: (rand(3, 4), rand(4, low=-1.0, high=0.0),
                                                         rand(3, 1, low=0.0, high=1.0)),
            label="tensor bounds"),
       Case(lambda a, lo: a.clamp(min=lo), lambda: (rand(3, 4), rand(low=-0.2, high=0.2)),
            label="0-d tensor min"),
       Case(lambda a, hi: a.clamp(max=hi), lambda: (rand(5), rand(5, seed=4)),
            label="tensor max"),
       Case(lambda a, lo, hi: a.clamp(lo, hi), lambda: (rand(5), rand(5, low=0.5, high=1.0),
                                                         rand(5, low=-1.0, high=0.0)),
            label="min > max")],
    "Maximum": _binary(ae.maximum),
    "Minimum": _binary(ae.minimum),
    "Where": [Case(lambda a, b: ae.where(a > 0, a, b), lambda: (rand(3, 4), rand(4, seed=5))),
              Case(lambda a: ae.where(a > 0, a, 0.0), lambda: (rand(5),))],
    "Sign": _unary(lambda a: a.sign() * a),
    "Cast": [Case(lambda a: a.to(np.float32).to(np.float64) * 2, lambda: (rand(3),),
                  tolerances={"atol": 1e-4, "rtol": 1e-3, "eps": 1e-3})],
    "Clone": _unary(lambda a: a.clone() * a),
    "Log1p": _unary(lambda a: a.log1p(), low=-0.5, high=2.0),
    "Expm1": _unary(lambda a: a.expm1()),
    # rounding has zero gradient: checked together with an op that has one
    "Round": [Case(lambda a: a.floor() + a.ceil() * a + a.trunc() + a.round(1) + a.frac(),
                   lambda: (rand(3, 4, low=-3.0, high=3.0),), label="all modes")],
    "MatMul": [
        Case(lambda a, b: a @ b, lambda: (rand(3, 4), rand(4, 2, seed=1)), label="2d"),
        Case(lambda a, b: a @ b, lambda: (rand(4), rand(4, 2, seed=1)), label="1d@2d"),
        Case(lambda a, b: a @ b, lambda: (rand(3, 4), rand(4, seed=1)), label="2d@1d"),
        Case(lambda a, b: a @ b, lambda: (rand(4), rand(4, seed=1)), label="1d@1d"),
        Case(lambda a, b: a @ b, lambda: (rand(2, 3, 4), rand(4, 2, seed=1)), label="batch"),
        Case(lambda a, b: a @ b, lambda: (rand(2, 1, 3, 4), rand(3, 4, 2, seed=1)),
             label="broadcast batch"),
    ],
}

COVERED = {"DivFloor": "Remainder"}
