"""Tensor methods: indexing, gather/scatter and masks
(ops/index.py, ops/indexed.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class IndexingMethods:
    __slots__ = ()

    def __getitem__(self, index: Any) -> "Tensor":
        return ops.index.getitem(self, index)

    def index_select(self, dim: int, index: Any) -> "Tensor":
        return ops.index.index_select(self, dim, index)

    def _write_op(self, op: str, fn: Callable, *args: Any, **kwargs: Any) -> "Tensor":
        """In place: ``fn(self, *args, **kwargs)`` written into self."""
        return self._inplace(op, lambda t: fn(t, *args, **kwargs), *args, *kwargs.values())

    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None,
                reduce: Any = None) -> "Tensor":
        return ops.indexed.scatter(self, dim, index, src, value, reduce)

    def scatter_(self, dim: int, index: Any, src: Any = None, value: Any = None,
                 reduce: Any = None) -> "Tensor":
        return self._write_op("scatter_", ops.indexed.scatter, dim, index, src, value, reduce)

    def scatter_add(self, dim: int, index: Any, src: "Tensor") -> "Tensor":
        return ops.indexed.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: int, index: Any, src: "Tensor") -> "Tensor":
        return self._write_op("scatter_add_", ops.indexed.scatter_add, dim, index, src)

    def scatter_reduce(self, dim: int, index: Any, src: "Tensor", reduce: str,
                       include_self: bool = True) -> "Tensor":
        return ops.indexed.scatter_reduce(self, dim, index, src, reduce, include_self)

    def scatter_reduce_(self, dim: int, index: Any, src: "Tensor", reduce: str,
                        include_self: bool = True) -> "Tensor":
        return self._write_op("scatter_reduce_", ops.indexed.scatter_reduce, dim, index, src,
                              reduce, include_self)

    def index_reduce(self, dim: int, index: Any, source: "Tensor", reduce: str, *,
                     include_self: bool = True) -> "Tensor":
        return ops.indexed.index_reduce(self, dim, index, source, reduce, include_self)

    def index_reduce_(self, dim: int, index: Any, source: "Tensor", reduce: str, *,
                      include_self: bool = True) -> "Tensor":
        return self._write_op("index_reduce_", ops.indexed.index_reduce, dim, index, source,
                              reduce, include_self)

    def index_add(self, dim: int, index: Any, source: "Tensor", alpha: Any = 1) -> "Tensor":
        return ops.indexed.index_add(self, dim, index, source, alpha)

    def index_add_(self, dim: int, index: Any, source: "Tensor", alpha: Any = 1) -> "Tensor":
        return self._write_op("index_add_", ops.indexed.index_add, dim, index, source, alpha)

    def index_copy(self, dim: int, index: Any, source: "Tensor") -> "Tensor":
        return ops.indexed.index_copy(self, dim, index, source)

    def index_copy_(self, dim: int, index: Any, source: "Tensor") -> "Tensor":
        return self._write_op("index_copy_", ops.indexed.index_copy, dim, index, source)

    def index_fill(self, dim: int, index: Any, value: Any) -> "Tensor":
        return ops.indexed.index_fill(self, dim, index, value)

    def index_fill_(self, dim: int, index: Any, value: Any) -> "Tensor":
        return self._write_op("index_fill_", ops.indexed.index_fill, dim, index, value)

    def index_put(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return ops.indexed.index_put(self, indices, values, accumulate)

    def index_put_(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return self._write_op("index_put_", ops.indexed.index_put, indices, values, accumulate)

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> "Tensor":
        """Write ``fill_value`` on the main diagonal (all dims of equal size past 2-D); a tall
        matrix with ``wrap`` restarts the diagonal every ``cols + 1`` rows."""
        if self.ndim < 2:
            raise RuntimeError(f"fill_diagonal_: dimensions must larger than 1 (got shape "
                               f"{self.shape})")
        if self.ndim > 2 and len(set(self.shape)) != 1:
            raise RuntimeError(f"fill_diagonal_: all dimensions of input must be of equal "
                               f"length (got shape {self.shape})")
        rows, cols = self.shape[0], self.shape[1]
        if self.ndim == 2 and wrap and rows > cols:
            flat = np.arange(0, rows * cols, cols + 1)
            index = (flat // cols, flat % cols)
        else:
            index = (np.arange(min(rows, cols)),) * self.ndim
        self[index] = fill_value
        return self

    def masked_fill_(self, mask: Any, value: Any) -> "Tensor":
        return self._write_op("masked_fill_", ops.index.masked_fill, mask, value)

    def masked_select(self, mask: Any) -> "Tensor":
        return ops.indexed.masked_select(self, mask)

    def masked_scatter(self, mask: Any, source: "Tensor") -> "Tensor":
        return ops.indexed.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask: Any, source: "Tensor") -> "Tensor":
        return self._write_op("masked_scatter_", ops.indexed.masked_scatter, mask, source)

    def take(self, index: Any) -> "Tensor":
        return ops.indexed.take(self, index)

    def take_along_dim(self, indices: Any, dim: Any = None) -> "Tensor":
        return ops.indexed.take_along_dim(self, indices, dim)

    def put(self, index: Any, source: "Tensor", accumulate: bool = False) -> "Tensor":
        return ops.indexed.put(self, index, source, accumulate)

    def put_(self, index: Any, source: "Tensor", accumulate: bool = False) -> "Tensor":
        return self._write_op("put_", ops.indexed.put, index, source, accumulate)

    def unique(self, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: Any = None) -> Any:
        return ops.indexed.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: Any = None) -> Any:
        return ops.indexed.unique_consecutive(self, return_inverse, return_counts, dim)

    def argwhere(self) -> "Tensor":
        return ops.indexed.argwhere(self)

    def gather(self, dim: int, index: Any) -> "Tensor":
        return ops.index.gather(self, dim, index)

    def masked_fill(self, mask: Any, value: Any) -> "Tensor":
        return ops.index.masked_fill(self, mask, value)

    def nonzero_static(self, *, size: int, fill_value: int = -1) -> "Tensor":
        from ..ops.copies import nonzero_static
        return nonzero_static(self, size=size, fill_value=fill_value)

    def nonzero(self, as_tuple: bool = False) -> Any:
        return ops.structure.nonzero(self, as_tuple)
