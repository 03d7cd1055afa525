"""Tensor methods: views, copies and rearrangements
(ops/shape.py, ops/reorder.py, ops/structure.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import Any, Optional, TYPE_CHECKING

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class ShapeMethods:
    __slots__ = ()

    @property
    def T(self) -> "Tensor":
        return ops.shape.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> "Tensor":
        return ops.shape.transpose(self, -2, -1)

    def broadcast_to(self, shape: Any) -> "Tensor":
        return ops.shape.broadcast_to(self, shape)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
        return ops.shape.tensor_split(self, indices_or_sections, dim)

    def hsplit(self, indices_or_sections: Any) -> tuple:
        return ops.shape.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections: Any) -> tuple:
        return ops.shape.vsplit(self, indices_or_sections)

    def reshape(self, *shape: Any) -> "Tensor":
        return ops.shape.reshape(self, *shape)

    def view(self, *shape: Any) -> "Tensor":
        return ops.shape.view(self, *shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        return ops.shape.flatten(self, start_dim, end_dim)

    def squeeze(self, dim: Any = None) -> "Tensor":
        return ops.shape.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> "Tensor":
        return ops.shape.unsqueeze(self, dim)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        return ops.shape.transpose(self, dim0, dim1)

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self.T

    def permute(self, *dims: Any) -> "Tensor":
        return ops.shape.permute(self, *dims)

    def expand(self, *shape: Any) -> "Tensor":
        return ops.shape.expand(self, *shape)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return ops.shape.expand(self, other.shape)

    def repeat(self, *repeats: Any) -> "Tensor":
        return ops.shape.repeat(self, *repeats)

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        return ops.shape.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return ops.shape.chunk(self, chunks, dim)

    def contiguous(self) -> "Tensor":
        """Self when its memory is C-contiguous, else a C-ordered copy (``clone`` copies in
        C order), so that ``.contiguous().view(...)`` always works."""
        return self if self.data.flags.c_contiguous else ops.elementwise.clone(self)

    def clone(self) -> "Tensor":
        return ops.elementwise.clone(self)

    def flip(self, *dims: Any) -> "Tensor":
        return ops.reorder.flip(self, *dims)

    def roll(self, shifts: Any, dims: Any = None) -> "Tensor":
        return ops.reorder.roll(self, shifts, dims)

    def tril(self, diagonal: int = 0) -> "Tensor":
        return ops.reorder.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> "Tensor":
        return ops.reorder.triu(self, diagonal)

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        return ops.shape.narrow(self, dim, start, length)

    def unbind(self, dim: int = 0) -> tuple:
        return ops.shape.unbind(self, dim)

    def movedim(self, source: Any, destination: Any) -> "Tensor":
        return ops.shape.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return ops.shape.transpose(self, axis0, axis1)

    swapdims = swapaxes

    def view_as(self, other: "Tensor") -> "Tensor":
        return ops.shape.view(self, other.shape)

    def tile(self, dims: Any) -> "Tensor":
        return ops.structure.tile(self, dims)

    def repeat_interleave(self, repeats: Any, dim: Optional[int] = None) -> "Tensor":
        return ops.structure.repeat_interleave(self, repeats, dim)

    def diag(self, diagonal: int = 0) -> "Tensor":
        return ops.structure.diag(self, diagonal)

    def trace(self) -> "Tensor":
        return ops.structure.trace(self)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None,
             append: Any = None) -> "Tensor":
        return ops.structure.diff(self, n, dim, prepend, append)
