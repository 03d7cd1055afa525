"""Cases for ops/index.py: basic and advanced indexing (scatter-add backward), gather,
index_select, masked_fill and max/min along a dim."""
import numpy as np

import autograd_engine as ae

from . import Case, rand

_LONG = ae.tensor([2, 0, 2, 2])


def _set(target, index, value):
    """``target[index] = value``, recorded as a SetItem node; returns the target."""
    target[index] = value
    return target


CASES = {
    "GetItem": [
        Case(lambda x: x[1], lambda: (rand(3, 4),), label="int"),
        Case(lambda x: x[:, 1:3], lambda: (rand(3, 4),), label="slice"),
        Case(lambda x: x[None, ..., ::2], lambda: (rand(2, 3, 4),), label="None ... step"),
        Case(lambda x: x[[0, 2, 2, 0]], lambda: (rand(3, 2),), label="repeated list"),
        Case(lambda x: x[:, _LONG], lambda: (rand(2, 3),), label="repeated tensor"),
        Case(lambda x: x[np.array([[0, 1], [1, 1]]), 1:], lambda: (rand(2, 3),),
             label="2-d array + slice"),
        Case(lambda x: x[[0, 1], [2, 2]], lambda: (rand(2, 3),), label="pairs"),
        Case(lambda x: x[x > 0], lambda: (rand(3, 4),), label="bool mask"),
        Case(lambda x: x[..., np.array([True, False, True])], lambda: (rand(2, 3),),
             label="bool array last dim"),
        Case(lambda x: x[()], lambda: (rand(),), label="0-d"),
        Case(lambda x: ae.index_select(x, 1, ae.tensor([2, 0, 2])), lambda: (rand(2, 3),),
             label="index_select"),
        Case(lambda x: ae.gather(x, 1, ae.tensor([[2, 0, 0], [1, 1, 1]])),
             lambda: (rand(2, 3),), label="gather"),
        Case(lambda x: ae.gather(x, 0, ae.tensor([[1, 0, 1]])), lambda: (rand(2, 3),),
             label="gather dim 0 smaller"),
        Case(lambda x: x.max(1).values, lambda: (rand(3, 4),), label="max dim"),
        Case(lambda x: x.min(0, keepdim=True)[0], lambda: (rand(3, 4),), label="min dim kd"),
    ],
    "SetItem": [
        Case(lambda x, v: _set(x * 1.0, np.s_[1:], v), lambda: (rand(3, 4), rand(4, seed=1)),
             label="slice, broadcast value"),
        Case(lambda v: _set(ae.zeros(3, 2, dtype=ae.float64), 1, v), lambda: (rand(2),),
             label="int into zeros"),
        Case(lambda x, v: _set(x * 1.0, [2, 0], v), lambda: (rand(3, 2), rand(2, 2, seed=1)),
             label="index list"),  # (a repeated index has PyTorch's gradient, not the true one)
        Case(lambda x, v: _set(x * 1.0, np.array([True, False, True]), v),
             lambda: (rand(3), rand(seed=1)), label="mask, 0-d value"),
        Case(lambda x, v: _set(x * 1.0, (_LONG[:2], np.s_[1:]), v * v),
             lambda: (rand(3, 3), rand(1, 2, seed=1)), label="array + slice, squared value"),
    ],
    "Where": [
        Case(lambda x: ae.masked_fill(x, x.detach() > 0, 0.5), lambda: (rand(3, 4),),
             label="masked_fill"),
        Case(lambda x, v: ae.masked_fill(x, ae.tensor([True, False, True]), v),
             lambda: (rand(2, 3), rand(seed=1)), label="masked_fill tensor value"),
    ],
}
COVERED = {"IndexBackward": "GetItem"}
