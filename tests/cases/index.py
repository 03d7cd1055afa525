"""Cases for ops/index.py: basic and advanced indexing (scatter-add backward), gather,
index_select, masked_fill, max/min along a dim, and the scatter / index_* / put / take
compositions (SetItem and IndexBackward nodes)."""
import numpy as np

import autograd_engine as ae

from . import Case, rand

_LONG = ae.tensor([2, 0, 2, 2])
_PAIRS = ae.tensor([[0, 0], [2, 1]])  # (repeats along both dims)


def _set(target, index, value):
    """``target[index] = value``, recorded as a SetItem node (PyTorch's in-place rules: the
    target may require grad); returns the target."""
    with ae.autograd.set_inplace_recording(True):
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
        Case(lambda x, s: ae.scatter(x, 1, ae.tensor([[2, 0], [1, 2]]), s),
             lambda: (rand(2, 3), rand(2, 2, seed=1)),
             label="scatter"),
        Case(lambda x, s: ae.scatter_add(x, 0, _PAIRS, s * s),
             lambda: (rand(3, 2), rand(2, 3, seed=1)), label="scatter_add repeated"),
        Case(lambda x, s: ae.scatter_reduce(x, 1, _PAIRS, s, "mean", include_self=False),
             lambda: (rand(2, 3), rand(2, 2, seed=1)), label="scatter_reduce mean"),
        Case(lambda x, s: ae.index_add(x, 0, _LONG[:3], s, alpha=2.0),
             lambda: (rand(3, 2), rand(3, 2, seed=1)), label="index_add repeated"),
        Case(lambda x, s: ae.index_copy(x, 1, ae.tensor([2, 0]), s),
             lambda: (rand(2, 3), rand(2, 2, seed=1)), label="index_copy"),
        Case(lambda x, v: ae.index_fill(x, 1, ae.tensor([-1]), v), lambda: (rand(2, 3), rand()),
             label="index_fill tensor value"),
        Case(lambda x, v: x.index_put((_LONG,), v, accumulate=True),
             lambda: (rand(3, 2), rand(2, seed=1)), label="index_put accumulate"),
        Case(lambda x, s: x.masked_scatter(ae.tensor([True, False, True]), s),
             lambda: (rand(2, 3), rand(5, seed=1)), label="masked_scatter"),
        Case(lambda x, s: ae.put(x, ae.tensor([0, -1, 0]), s, accumulate=True),
             lambda: (rand(2, 3), rand(3, seed=1)), label="put accumulate"),
        Case(lambda x: ae.masked_select(x, ae.tensor([True, False, True])),
             lambda: (rand(2, 3),), label="masked_select broadcast"),
        Case(lambda x: ae.take(x, ae.tensor([[5, -1], [0, 5]])), lambda: (rand(2, 3),),
             label="take"),
        Case(lambda x: ae.take_along_dim(x, ae.tensor([[2], [0]]), 1), lambda: (rand(2, 3),),
             label="take_along_dim"),
    ],
    "Where": [
        Case(lambda x: ae.masked_fill(x, x.detach() > 0, 0.5), lambda: (rand(3, 4),),
             label="masked_fill"),
        Case(lambda x, v: ae.masked_fill(x, ae.tensor([True, False, True]), v),
             lambda: (rand(2, 3), rand(seed=1)), label="masked_fill tensor value"),
    ],
}
COVERED = {"IndexBackward": "GetItem"}
