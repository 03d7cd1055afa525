"""Tensor methods: reductions, scans, order statistics and sorting
(ops/reduce.py, ops/reorder.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class ReductionMethods:
    __slots__ = ()

    def sum(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return ops.reduce.sum(self, dim, keepdim, **kwargs)

    def mean(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return ops.reduce.mean(self, dim, keepdim, **kwargs)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: Any = None,
            **kwargs: Any) -> "Tensor":
        return ops.reduce.var(self, dim, unbiased, keepdim, **kwargs)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: Any = None,
            **kwargs: Any) -> "Tensor":
        return ops.reduce.std(self, dim, unbiased, keepdim, **kwargs)

    def max(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> Any:
        return ops.reduce.max(self, dim, keepdim, **kwargs)

    def min(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> Any:
        return ops.reduce.min(self, dim, keepdim, **kwargs)

    def argmax(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return ops.reduce.argmax(self, dim, keepdim, **kwargs)

    def argmin(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return ops.reduce.argmin(self, dim, keepdim, **kwargs)

    def logsumexp(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return ops.reduce.logsumexp(self, dim, keepdim, **kwargs)

    def prod(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return ops.reduce.prod(self, dim, keepdim, **kwargs)

    def norm(self, p: Any = 2, dim: Any = None, keepdim: Any = None,
             **kwargs: Any) -> "Tensor":
        return ops.reduce.norm(self, p, dim, keepdim, **kwargs)

    def amax(self, dim: Any = (), keepdim: bool = False) -> "Tensor":
        return ops.reduce.amax(self, dim, keepdim)

    def amin(self, dim: Any = (), keepdim: bool = False) -> "Tensor":
        return ops.reduce.amin(self, dim, keepdim)

    def all(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.reduce.all(self, dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return ops.reduce.any(self, dim, keepdim)

    def cumsum(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.reorder.cumsum(self, dim, dtype)

    def cumprod(self, dim: int, dtype: Any = None) -> "Tensor":
        return ops.reorder.cumprod(self, dim, dtype)

    def cummax(self, dim: int) -> Any:
        return ops.reorder.cummax(self, dim)

    def cummin(self, dim: int) -> Any:
        return ops.reorder.cummin(self, dim)

    def logcumsumexp(self, dim: int) -> "Tensor":
        return ops.reorder.logcumsumexp(self, dim)

    def median(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.reorder.median(self, dim, keepdim)

    def nanmedian(self, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.reorder.nanmedian(self, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.reorder.mode(self, dim, keepdim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        return ops.reorder.kthvalue(self, k, dim, keepdim)

    def quantile(self, q: Any, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> "Tensor":
        return ops.reorder.quantile(self, q, dim, keepdim, **kwargs)

    def nanquantile(self, q: Any, dim: Any = None, keepdim: bool = False,
                    **kwargs: Any) -> "Tensor":
        return ops.reorder.nanquantile(self, q, dim, keepdim, **kwargs)

    def nansum(self, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> "Tensor":
        return ops.reduce.nansum(self, dim, keepdim, **kwargs)

    def nanmean(self, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> "Tensor":
        return ops.reduce.nanmean(self, dim, keepdim, **kwargs)

    def count_nonzero(self, dim: Any = None) -> "Tensor":
        return ops.reduce.count_nonzero(self, dim)

    def aminmax(self, *, dim: Any = None, keepdim: bool = False) -> Any:
        return ops.reduce.aminmax(self, dim=dim, keepdim=keepdim)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return ops.reorder.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        return ops.reorder.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return ops.reorder.topk(self, k, dim, largest, sorted)

    def dist(self, other: "Tensor", p: float = 2) -> "Tensor":
        return ops.distances.dist(self, other, p)

    def renorm(self, p: float, dim: int, maxnorm: float) -> "Tensor":
        return ops.distances.renorm(self, p, dim, maxnorm)

    def cov(self, *, correction: int = 1, fweights: Any = None,
            aweights: Any = None) -> "Tensor":
        return ops.covariance.cov(self, correction=correction, fweights=fweights,
                                  aweights=aweights)

    def corrcoef(self) -> "Tensor":
        return ops.covariance.corrcoef(self)

    def histc(self, bins: int = 100, min: float = 0, max: float = 0) -> "Tensor":
        return ops.histogram.histc(self, bins, min, max)

    def histogram(self, bins: Any, *, range: Any = None, weight: Any = None,
                  density: bool = False) -> tuple:
        return ops.histogram.histogram(self, bins, range=range, weight=weight,
                                       density=density)

    def bincount(self, weights: Any = None, minlength: int = 0) -> "Tensor":
        return ops.histogram.bincount(self, weights, minlength)
