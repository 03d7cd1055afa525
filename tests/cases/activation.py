"""Cases for ops/activation.py: every activation on several shapes (incl. 0-d), parameters
off their defaults, and softmax along each dim."""
import autograd_engine.nn.functional as F

from . import Case, rand

_SHAPES = ((3, 4), (1,), ())


def _unary(fn, low=-2.0, high=2.0, shapes=_SHAPES):
    return [Case(fn, (lambda s=s: (rand(*s, low=low, high=high, seed=11),)), label=str(s))
            for s in shapes]


def _along_dims(fn):
    return [Case(lambda a, d=d: fn(a, d), lambda: (rand(2, 3, 4, low=-3.0, high=3.0),),
                 label=f"dim={d}") for d in (0, 1, -1)] + \
        [Case(lambda a: fn(a, 0), lambda: (rand(low=-1.0),), label="0-d")]


CASES = {
    "Relu": _unary(F.relu),
    "LeakyRelu": _unary(F.leaky_relu) + _unary(lambda a: F.leaky_relu(a, 0.3), shapes=((5,),)),
    "Sigmoid": _unary(F.sigmoid),
    "Tanh": _unary(F.tanh),
    "Gelu": _unary(F.gelu, low=-4.0, high=4.0),
    "GeluTanh": _unary(lambda a: F.gelu(a, approximate="tanh"), low=-4.0, high=4.0),
    "Silu": _unary(F.silu, low=-4.0, high=4.0),
    "Softplus": _unary(F.softplus)
    + _unary(lambda a: F.softplus(a, beta=2.0, threshold=1.0), shapes=((4, 5),)),
    "Elu": _unary(F.elu) + _unary(lambda a: F.elu(a, alpha=0.5), shapes=((5,),)),
    "Softmax": _along_dims(F.softmax),
    "LogSoftmax": _along_dims(F.log_softmax),
    "Hardswish": _unary(F.hardswish, low=-5.0, high=5.0),
    "LogSigmoid": _unary(F.logsigmoid, low=-4.0, high=4.0),
}

COVERED = {"ReluBackward": "Relu", "LeakyReluBackward": "LeakyRelu",
           "SigmoidBackward": "Sigmoid", "TanhBackward": "Tanh", "GeluBackward": "Gelu",
           "GeluTanhBackward": "GeluTanh", "SiluBackward": "Silu",
           "SoftplusBackward": "Softplus", "EluBackward": "Elu",
           "SoftmaxBackward": "Softmax", "LogSoftmaxBackward": "LogSoftmax"}
