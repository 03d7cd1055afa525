"""Cases for the transcendental, binary and nan_to_num ops of ops/pointwise.py, and for
div(rounding_mode='trunc') of ops/elementwise.py."""
import autograd_engine as ae

from . import Case, rand
from .elementwise import _binary, _unary

CASES = {
    "Erf": _unary(lambda a: a.erf(), low=-2.0, high=2.0),
    "Erfc": _unary(lambda a: a.erfc(), low=-2.0, high=2.0),
    "Erfinv": _unary(lambda a: a.erfinv(), low=-0.9, high=0.9),
    "Log2": _unary(lambda a: a.log2(), low=0.5, high=2.0),
    "Log10": _unary(lambda a: a.log10(), low=0.5, high=2.0),
    "Exp2": _unary(lambda a: a.exp2()),
    "Tan": _unary(lambda a: a.tan()),
    "Atan": _unary(lambda a: a.atan(), low=-2.0, high=2.0),
    "Asin": _unary(lambda a: a.asin(), low=-0.8, high=0.8),
    "Acos": _unary(lambda a: a.acos(), low=-0.8, high=0.8),
    "Sinh": _unary(lambda a: a.sinh()),
    "Cosh": _unary(lambda a: a.cosh()),
    "Asinh": _unary(lambda a: a.asinh(), low=-2.0, high=2.0),
    "Acosh": _unary(lambda a: a.acosh(), low=1.2, high=3.0),
    "Atanh": _unary(lambda a: a.atanh(), low=-0.8, high=0.8),
    "Logit": _unary(lambda a: a.logit(), low=0.1, high=0.9)
    + [Case(lambda a: a.logit(eps=0.2), lambda: (rand(3, 4, low=0.25, high=0.75),),
            label="eps")],
    "NanToNum": _unary(lambda a: a.nan_to_num() * a),
    "Atan2": _binary(lambda a, b: a.atan2(b), low=0.2, high=1.0),
    "Hypot": _binary(lambda a, b: a.hypot(b), low=0.2, high=1.0),
    "Logaddexp": _binary(lambda a, b: a.logaddexp(b)),
    "Xlogy": _binary(lambda a, b: a.xlogy(b), low=0.5, high=2.0),
    # zero gradient: checked together with an op that has one
    "DivTrunc": [Case(lambda a, b: ae.div(a, b, rounding_mode="trunc") + a * b,
                      lambda: (rand(3, 4, low=-3.0, high=3.0), rand(4, low=0.5, high=2.0)))],
}
