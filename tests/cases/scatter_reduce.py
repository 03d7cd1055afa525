"""Cases for ScatterReduce (scatter_reduce, index_reduce and scatter's legacy reduce): every
reduce with and without self, repeated indices, dims other than 0, a src zero for prod."""
import numpy as np

import autograd_engine as ae

from . import Case, rand

_ROWS = ae.tensor([[0, 2, 0], [1, 1, 1], [0, 2, 2]])  # (repeats in each column)
_COLS = ae.tensor([[3, 0, 3], [1, 1, 1]])


def _one_zero(*shape: int) -> ae.Tensor:
    """rand with its first element 0 (prod's gradient treats a lone zero apart)."""
    data = rand(*shape, seed=3).detach().numpy().copy()
    data.flat[0] = 0.0
    return ae.tensor(data, requires_grad=True)


def _scatter(reduce: str, include_self: bool, dim: int = 0, index=_ROWS) -> Case:
    return Case(lambda x, s: ae.scatter_reduce(x, dim, index, s, reduce, include_self),
                lambda: (rand(3, 4), rand(*index.shape, seed=5)),
                label=f"{reduce} dim {dim} include_self={include_self}")


def _index(reduce: str, include_self: bool) -> Case:
    return Case(lambda x, s: ae.index_reduce(x, -1, ae.tensor([2, 0, 2]), s, reduce,
                                             include_self=include_self),
                lambda: (rand(2, 4), rand(2, 3, seed=5)),
                label=f"index_reduce {reduce} include_self={include_self}")


CASES = {
    "ScatterReduce": (
        [_scatter(r, inc) for r in ("sum", "prod", "mean", "amax", "amin")
         for inc in (True, False)]
        + [_scatter(r, False, dim=-1, index=_COLS) for r in ("prod", "amax", "mean")]
        + [_index(r, inc) for r in ("prod", "mean", "amax", "amin") for inc in (True, False)]
        + [Case(lambda x, s: ae.scatter_reduce(x, 0, _ROWS, s, "prod"),
                lambda: (rand(3, 4), _one_zero(3, 3)), label="prod, a zero in src"),
           Case(lambda x, s: ae.scatter_reduce(x * x, 1, _COLS, s, "prod",
                                               include_self=True),
                lambda: (_one_zero(3, 4), rand(2, 3, seed=5)), label="prod, a zero in self"),
           Case(lambda x, s: x.scatter(1, _COLS, s, reduce="multiply"),
                lambda: (rand(2, 4), rand(2, 3, seed=5)), label="scatter reduce=multiply"),
           Case(lambda x: ae.scatter_reduce(x, 0, ae.tensor(np.zeros(0, np.int64)),
                                            ae.ones(1, dtype=ae.float64), "prod"),
                lambda: (rand(2, 3),), label="empty index")]),
}
