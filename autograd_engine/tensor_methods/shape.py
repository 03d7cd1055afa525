"""Tensor methods: views, copies and rearrangements
(ops/shape.py, ops/reorder.py, ops/structure.py, ops/windows.py, ops/arrangement.py), their
in-place forms, metadata queries (sizes, dtype kind, device, storage), the complex-number API
on real tensors (ops/conjugation.py), casts and the legacy ``new``.

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import Any, Callable, Optional, TYPE_CHECKING

import numpy as np

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
        if self.ndim < 2:
            return _conjugation().matrix_transpose(self, "mT")
        return ops.shape.transpose(self, -2, -1)

    @property
    def mH(self) -> "Tensor":
        """The conjugate transpose of the last two dims: for real tensors ``mT``."""
        return _conjugation().matrix_transpose(self, "mH")

    @property
    def H(self) -> "Tensor":
        """The conjugate transpose of a matrix: for real tensors its transpose."""
        return _conjugation().matrix_transpose(self, "H")

    def adjoint(self) -> "Tensor":
        return _conjugation().matrix_transpose(self, "adjoint")

    def broadcast_to(self, shape: Any) -> "Tensor":
        return ops.shape.broadcast_to(self, shape)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
        return ops.shape.tensor_split(self, indices_or_sections, dim)

    def hsplit(self, indices_or_sections: Any) -> tuple:
        return ops.shape.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections: Any) -> tuple:
        return ops.shape.vsplit(self, indices_or_sections)

    def reshape(self, *shape: Any, **keyword: Any) -> "Tensor":  # (or shape=, as PyTorch)
        return ops.shape.reshape(self, *shape, **keyword)

    def view(self, *size: Any, **keyword: Any) -> "Tensor":
        return ops.shape.view(self, *size, **keyword)

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

    def permute(self, *dims: Any, **keyword: Any) -> "Tensor":
        return ops.shape.permute(self, *dims, **keyword)

    def expand(self, *size: Any, **keyword: Any) -> "Tensor":
        return ops.shape.expand(self, *size, **keyword)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return ops.shape.expand(self, other.shape)

    def repeat(self, *repeats: Any, **keyword: Any) -> "Tensor":
        return ops.shape.repeat(self, *repeats, **keyword)

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

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> "Tensor":
        return ops.diagonal.diagonal(self, offset, dim1, dim2)

    def select(self, dim: int, index: int) -> "Tensor":
        return ops.diagonal.select(self, dim, index)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> "Tensor":
        return ops.diagonal.diag_embed(self, offset, dim1, dim2)

    def diagonal_scatter(self, src: "Tensor", offset: int = 0, dim1: int = 0,
                         dim2: int = 1) -> "Tensor":
        return ops.diagonal.diagonal_scatter(self, src, offset, dim1, dim2)

    def select_scatter(self, src: "Tensor", dim: int, index: int) -> "Tensor":
        return ops.diagonal.select_scatter(self, src, dim, index)

    def slice_scatter(self, src: "Tensor", dim: int = 0, start: Optional[int] = None,
                      end: Optional[int] = None, step: int = 1) -> "Tensor":
        return ops.diagonal.slice_scatter(self, src, dim, start, end, step)

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

    def ravel(self) -> "Tensor":
        return ops.shape.reshape(self, -1)

    def reshape_as(self, other: "Tensor") -> "Tensor":
        return ops.shape.reshape(self, _tensor_arg(other, "reshape_as").shape)

    def unfold(self, dimension: int, size: int, step: int) -> "Tensor":
        """Windows of ``size`` every ``step`` along ``dimension``, in a new last dim (a
        view)."""
        from ..ops.windows import unfold
        return unfold(self, dimension, size, step)

    def sum_to_size(self, *size: Any) -> "Tensor":
        """Sum the dims that ``size`` has as 1 or lacks in front; ``size`` must expand to
        self's shape."""
        size = ops._util.shape_args(size, "sum_to_size")
        lead = self.ndim - len(size)
        if lead < 0 or any(s not in (1, n) for s, n in zip(size, self.shape[lead:])):
            raise RuntimeError(f"sum_to_size: size {list(size)} is not expandable to size "
                               f"{list(self.shape)}")
        if size == self.shape:
            return self
        dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size)
                                          if s == 1 and self.shape[lead + i] != 1)
        return ops.reduce.sum(self, dims, True).reshape(size)

    def unflatten(self, dim: int, sizes: Any) -> "Tensor":
        return ops.arrangement.unflatten(self, dim, sizes)

    def narrow_copy(self, dim: int, start: int, length: int) -> "Tensor":
        return ops.arrangement.narrow_copy(self, dim, start, length)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> "Tensor":
        return ops.arrangement.rot90(self, k, dims)

    def fliplr(self) -> "Tensor":
        return ops.arrangement.fliplr(self)

    def flipud(self) -> "Tensor":
        return ops.arrangement.flipud(self)

    def msort(self) -> "Tensor":
        return ops.arrangement.msort(self)

    def dsplit(self, indices_or_sections: Any) -> tuple:
        return ops.arrangement.dsplit(self, indices_or_sections)

    def diagflat(self, offset: int = 0) -> "Tensor":
        return ops.diagonal.diagflat(self, offset)

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple:
        from ..ops.copies import split_with_sizes
        return split_with_sizes(self, split_sizes, dim)

    # -- in-place views: new shape and strides over the same memory ------------------------
    def _restride_(self, op: str, compute: Callable[["Tensor"], "Tensor"]) -> "Tensor":
        """Self becomes ``compute(self)``, a view of its own memory; recorded as
        ``self = compute(self)`` when a gradient is needed (as PyTorch, a version bump)."""
        graph = ops.inplace.needs_graph(self, ())
        if graph:
            root = self._view[0] if self._view is not None else None
            if self.grad_fn is None or (root is not None and root.grad_fn is None
                                        and root.requires_grad):
                kind = "a leaf Variable" if root is None else "a view of a leaf Variable"
                raise RuntimeError(f"{op}: {kind} that requires grad is being used in an "
                                   "in-place operation.")
            if root is not None:
                ops.inplace.refresh_view(self)
        source = self.detach()
        if graph:
            source.requires_grad, source.grad_fn = True, self.grad_fn
            source._output_nr = self._output_nr
        out = compute(source)
        if graph:
            ops.inplace._rebind(self, out)
        self.data = out.data
        self._bump_version()
        if self._view is not None:
            self._view = (self._view[0], self._vc[0])
        return self

    def squeeze_(self, dim: Any = None) -> "Tensor":
        return self._restride_("squeeze_", lambda t: t.squeeze(dim))

    def unsqueeze_(self, dim: int) -> "Tensor":
        return self._restride_("unsqueeze_", lambda t: t.unsqueeze(dim))

    def transpose_(self, dim0: int, dim1: int) -> "Tensor":
        return self._restride_("transpose_", lambda t: t.transpose(dim0, dim1))

    def t_(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self._restride_("t_", lambda t: t.t())

    swapaxes_ = swapdims_ = transpose_

    # -- metadata ----------------------------------------------------------------------------
    def ndimension(self) -> int:
        return self.ndim

    @property
    def nbytes(self) -> int:
        return self.data.nbytes

    @property
    def itemsize(self) -> int:
        return self.data.itemsize

    def is_same_size(self, other: "Tensor") -> bool:
        return self.shape == _tensor_arg(other, "is_same_size").shape

    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    def is_complex(self) -> bool:
        return self.dtype.kind == "c"

    def is_signed(self) -> bool:
        return self.dtype.kind in "if"

    is_cpu = True

    def get_device(self) -> int:
        """-1: the CPU (PyTorch's answer for a CPU tensor)."""
        return -1

    def is_inference(self) -> bool:
        """Whether the tensor was made under ``inference_mode``."""
        return bool(getattr(self, "_inference", False))

    def is_nonzero(self) -> bool:
        """The truth of a one-element tensor."""
        from ..queries import is_nonzero
        return is_nonzero(self)

    @property
    def output_nr(self) -> int:
        """Which output of its ``grad_fn`` the tensor is (0 for a leaf)."""
        return self._output_nr

    def storage_offset(self) -> int:
        """Where the first element lies in the memory the tensor shares, in elements (0
        for a tensor owning its memory)."""
        root = self.data
        while isinstance(root.base, np.ndarray):
            root = root.base
        if self.data.size == 0:
            return 0
        return (self.data.ctypes.data - root.ctypes.data) // self.data.itemsize

    def data_ptr(self) -> int:
        """The address of the first element (0 for an empty tensor)."""
        return self.data.ctypes.data if self.data.size else 0

    # -- the complex-number API on real tensors (ops/conjugation.py) ------------------------
    @property
    def real(self) -> "Tensor":
        return _conjugation().real(self)

    @property
    def imag(self) -> "Tensor":
        return _conjugation().imag(self)

    def conj(self) -> "Tensor":
        return _conjugation().conj(self)

    def conj_physical(self) -> "Tensor":
        return _conjugation().conj_physical(self)

    def resolve_conj(self) -> "Tensor":
        return _conjugation().resolve_conj(self)

    def resolve_neg(self) -> "Tensor":
        return _conjugation().resolve_neg(self)

    def is_conj(self) -> bool:
        return _conjugation().is_conj(self)

    def is_neg(self) -> bool:
        return _conjugation().is_neg(self)

    def isreal(self) -> "Tensor":
        return _conjugation().isreal(self)

    def angle(self) -> "Tensor":
        return _conjugation().angle(self)

    # -- casts (torch.ByteTensor, CharTensor, ShortTensor) ------------------------------------
    def byte(self) -> "Tensor":
        return self.to(np.uint8)

    def char(self) -> "Tensor":
        return self.to(np.int8)

    def short(self) -> "Tensor":
        return self.to(np.int16)

    def new(self, *args: Any, size: Any = None, device: Any = None) -> "Tensor":
        """PyTorch's legacy constructor, in self's dtype: ``new()`` empty, ``new(2, 3)`` or
        ``new(size=...)`` uninitialised of that size, ``new(sequence)`` from data,
        ``new(tensor)`` an alias of a tensor of the same dtype."""
        from ..conversion import legacy_new
        return legacy_new(self, args, size, device)


def _conjugation() -> Any:
    """ops/conjugation.py, imported on first use (tensor.py does not load it)."""
    from ..ops import conjugation
    return conjugation


def _tensor_arg(value: Any, op: str) -> "Tensor":
    """``value`` if it is a Tensor, else PyTorch's TypeError."""
    from ..tensor import Tensor
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(value).__name__}")
    return value
