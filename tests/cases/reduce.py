"""Cases for ops/reduce.py: int and tuple dims, keepdim, size-1 and 0-d shapes."""
import numpy as np

import autograd_engine as ae

from . import Case, positive, rand


def _const(values, requires_grad=True):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=requires_grad)


def _away_from_zero(*shape, seed=0):
    """|values| in [0.5, 1.5) with random signs: keeps |x|^(p-1) smooth for p < 1."""
    sign = np.where(rand(*shape, seed=seed + 1, requires_grad=False).data > 0, 1.0, -1.0)
    return _const(positive(*shape, seed=seed).data * sign)


def _reductions(fn, make=rand, shapes=((3, 4),), dims=(None, 1, -1, (0, 1)), extra=()):
    """One case per (shape, dim, keepdim), plus a 0-d and a size-1 input."""
    cases = [Case(lambda x, d=d, k=k: fn(x, d, k), lambda s=s: (make(*s),),
                  label=f"{s} dim={d} keepdim={k}")
             for s in shapes for d in dims for k in (False, True)]
    cases.append(Case(lambda x: fn(x, None, False), lambda: (make(),), label="0-d"))
    cases.append(Case(lambda x: fn(x, 0, True), lambda: (make(),), label="0-d dim=0"))
    cases.append(Case(lambda x: fn(x, (1, 2), False), lambda: (make(2, 1, 3),),
                      label="size-1 dim"))
    return cases + list(extra)


def _three_d(fn):
    return [Case(lambda x: fn(x, (0, 2), False), lambda: (rand(2, 3, 2),), label="(0, 2)"),
            Case(lambda x: fn(x, (-1, 0), True), lambda: (rand(2, 3, 2),), label="(-1, 0) kd")]


CASES = {
    "Sum": _reductions(lambda x, d, k: x.sum(d, k)) + _three_d(lambda x, d, k: x.sum(d, k)),
    "Mean": _reductions(lambda x, d, k: x.mean(d, k)) + _three_d(lambda x, d, k: ae.mean(x, d, k))
    + [Case(lambda x: x.mean(axis=(0, 1), keepdims=True), lambda: (rand(2, 3),),
            label="axis alias"),
       Case(lambda x: ae.mean(x, dim=(), dtype=ae.float64) * x.mean(0), lambda: (rand(4),),
            label="dim=() dtype= product"),
       Case(lambda x: x.mean(1), lambda: (rand(3, 0),), label="empty dim")],
    "Prod": _reductions(lambda x, d, k: x.prod(d, k), make=positive)
    + _three_d(lambda x, d, k: ae.prod(x, d, k))
    + [Case(lambda x: x.prod(), lambda: (_const([2.0, 0.0, 3.0]),), label="one zero"),
       Case(lambda x: x.prod(), lambda: (_const([2.0, 0.0, 0.0, 3.0]),), label="two zeros"),
       Case(lambda x: x.prod(), lambda: (_const([0.0, 0.0, 0.0]),), label="all zeros"),
       Case(lambda x: x.prod(1), lambda: (_const([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0],
                                                  [1.0, 2.0, -3.0]]),), label="rows"),
       Case(lambda x: x.prod((0, 2)), lambda: (_const(np.arange(12.0).reshape(2, 3, 2)
                                                      - 4.0),), label="tuple dims zero")],
    "Var": [c for c in _reductions(lambda x, d, k: x.var(d, keepdim=k)) if "0-d" not in c.label]
    + _three_d(lambda x, d, k: ae.var(x, d, keepdim=k))
    + [Case(lambda x: x.var(1, correction=0), lambda: (rand(3, 4),), label="correction=0"),
       Case(lambda x: x.var(0, False), lambda: (rand(3, 4),), label="unbiased=False"),
       Case(lambda x: x.var(correction=2), lambda: (rand(5),), label="correction=2"),
       Case(lambda x: x.var(0, correction=0) + x, lambda: (rand(),), label="0-d var=0")],
    "Std": [c for c in _reductions(lambda x, d, k: x.std(d, keepdim=k)) if "0-d" not in c.label]
    + _three_d(lambda x, d, k: ae.std(x, d, keepdim=k))
    + [Case(lambda x: x.std(correction=0), lambda: (rand(),), label="0-d std=0"),
       Case(lambda x: x.std(1, unbiased=False), lambda: (rand(3, 4),), label="unbiased=F")],
    "Extremum": _reductions(lambda x, d, k: ae.amax(x, () if d is None else d, k))
    + _reductions(lambda x, d, k: ae.amin(x, () if d is None else d, k), dims=(0, (0, 1)))
    + [Case(lambda x: x.max(), lambda: (rand(3, 4),), label="max()"),
       Case(lambda x: x.min() * x.max(), lambda: (rand(5),), label="min()*max()"),
       Case(lambda x: x.norm(float("inf"), dim=1), lambda: (rand(3, 4),), label="inf-norm"),
       Case(lambda x: x.norm(-float("inf")), lambda: (rand(3, 4),), label="-inf-norm")],
    "LogSumExp": _reductions(lambda x, d, k: x.logsumexp(d, k))
    + _three_d(lambda x, d, k: ae.logsumexp(x, d, k))
    + [Case(lambda x: x.logsumexp(1), lambda: (rand(2, 3, low=100.0, high=101.0),),
            label="large values")],
    "Norm": _reductions(lambda x, d, k: x.norm(2, d, k), make=_away_from_zero)
    + _three_d(lambda x, d, k: ae.norm(x, 2, d, k))
    + [Case(lambda x, p=p: x.norm(p, dim=1), lambda: (_away_from_zero(3, 4),), label=f"p={p}")
       for p in (3, 1.5, 0.5, -1.0)]
    + [Case(lambda x: x.norm(p=1, dim=(0, 1)), lambda: (_away_from_zero(2, 3),), label="p=1"),
       Case(lambda x: x.norm("fro"), lambda: (_away_from_zero(2, 3),), label="fro"),
       Case(lambda x: (x * x).sum() + x.norm(3), lambda: (_const([0.0, 0.5, -1.0]),),
            label="p=3 with a zero")],
    "Cumsum": [Case(lambda x: x.cumsum(1) * x, lambda: (rand(3, 4),), label="dim 1"),
               Case(lambda x: ae.cumsum(x, -1), lambda: (rand(2, 3, 2),), label="last dim"),
               Case(lambda x: x.cumsum(0), lambda: (rand(),), label="0-d")],
    "Cumprod": [Case(lambda x: x.cumprod(1), lambda: (rand(3, 4),), label="dim 1"),
                Case(lambda x: ae.cumprod(x, 0), lambda: (rand(),), label="0-d"),
                Case(lambda x: x.cumprod(0), lambda: (_const([0.0, 2.0, 0.0, 3.0]),),
                     label="zeros (masked prod)"),
                Case(lambda x: x.cumprod(-1), lambda: (_const([[1.5, 0.0, -2.0]]),),
                     label="one zero")],
    # first order only: the log-space backward has -inf branches (nan at second order)
    "LogCumSumExp": [Case(lambda x: x.logcumsumexp(1), lambda: (rand(3, 4),), False, "dim 1"),
                     Case(lambda x: ae.logcumsumexp(x, 0) * x, lambda: (rand(4, 2),), False,
                          "mixed-sign grad"),
                     Case(lambda x: x.logcumsumexp(0), lambda: (rand(),), False, "0-d")],
    "Median": [Case(lambda x: x.median(), lambda: (rand(5),), label="odd"),
               Case(lambda x: x.median(), lambda: (rand(2, 3),), label="even lower"),
               Case(lambda x: x.nanmedian(), lambda: (rand(4),), label="nanmedian")],
    # compositions of sort/gather (no Function of their own), checked alongside
}
CASES["Median"] += [
    Case(lambda x: x.median(1).values, lambda: (rand(3, 4),), label="median dim"),
    Case(lambda x: x.kthvalue(2, 0, True).values, lambda: (rand(3, 4),), label="kthvalue"),
    Case(lambda x: x.mode(1).values, lambda: (rand(3, 4),), label="mode (distinct: min)"),
    Case(lambda x: x.cummax(1).values + x.cummin(0).values, lambda: (rand(3, 4),),
         label="cummax cummin"),
    Case(lambda x: x.quantile(0.3, 1), lambda: (rand(3, 4),), label="quantile linear"),
    Case(lambda x: ae.quantile(x, ae.tensor([0.25, 0.5]), interpolation="midpoint"),
         lambda: (rand(5),), label="quantile midpoint"),
    Case(lambda x: x.nanquantile(0.6, 0, True), lambda: (rand(4, 2),), label="nanquantile"),
    Case(lambda x: x.nansum(1) + x.nanmean(0).sum(), lambda: (rand(3, 4),), label="nan*"),
    Case(lambda x: ae.var_mean(x, 1)[0] + ae.std_mean(x, 1)[1], lambda: (rand(3, 4),),
         label="var_mean std_mean"),
    Case(lambda x: ae.aminmax(x, dim=0).min * ae.aminmax(x).max, lambda: (rand(3, 4),),
         label="aminmax")]
