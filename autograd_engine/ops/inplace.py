"""In-place ops in the graph, as PyTorch records them.

By default only a write into a tensor that does not require grad is recorded (its new value
does, e.g. ``z[0] = x * 2``); one into a tensor that requires grad raises unless
``set_inplace_recording(True)`` (grad_mode.py) asks for PyTorch's rules, described here.

``t.mul_(w)`` with a gradient needed becomes ``t = mul(t_before, w)``: the op runs on an
alias of t's previous value (a copy when the op may save it), the result is written into
t's memory, and t becomes the output of the op's node. A write into a *view* of another
tensor rewrites the history of that tensor too (PyTorch's CopySlices): the root becomes
``root_before`` with the view's elements replaced by the new value, and the view becomes
a view of the new root. Views taken before a write see the new values at once; their graph
is rebuilt from the root the next time an op records them (``refresh_view``), which the
shared version counter tells.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..grad_mode import is_grad_enabled, is_inplace_recording_enabled
from ..tensor import Tensor, _RetainGrad
from .index import GetItem, SetItem, assign, normalize_index


def needs_graph(t: Tensor, sources: tuple) -> bool:
    """Whether an in-place write into t must be recorded: grad mode is on, t is a float
    tensor, and t or a Tensor among ``sources`` requires grad."""
    return (is_grad_enabled() and t.data.dtype.kind == "f"
            and (t.requires_grad or any(isinstance(s, Tensor) and s.requires_grad
                                        for s in sources)))


def check_allowed(t: Tensor, op: str) -> None:
    """Raise unless an in-place write into t is allowed with grad mode on: never into a leaf
    that requires grad or a view of one (PyTorch's rule), and into another tensor that
    requires grad only with ``set_inplace_recording(True)``."""
    if not t._requires_grad:
        return
    root = t._view[0] if t._view is not None else None
    if t.grad_fn is None:
        raise RuntimeError(f"{op}: a leaf Variable that requires grad is being used in an "
                           "in-place operation.")
    if root is not None and root.requires_grad and root.grad_fn is None:
        raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is being used "
                           "in an in-place operation.")
    if not is_inplace_recording_enabled():
        raise RuntimeError(
            f"{op}: a tensor that requires grad (shape {t.shape}, {t.dtype}) is being used in "
            "an in-place operation; use the out-of-place op, write under no_grad(), or record "
            "in-place ops as PyTorch does with ae.autograd.set_inplace_recording(True)")


def write(t: Tensor, op: str, compute: Callable[[Tensor], Tensor], keeps_input: bool) -> Tensor:
    """Record ``t = compute(t)`` in place. ``keeps_input``: the op may save its input for
    the backward, so it gets a copy of t's previous value (t's memory is overwritten)."""
    root = t._view[0] if t._view is not None else None
    check_allowed(t, op)
    t._check_writeable(op)
    if root is not None:
        refresh_view(t)
    before = Tensor(t.data.copy() if keeps_input else t.data, t.requires_grad, t.grad_fn,
                    t._output_nr)
    out = compute(before)
    if out.shape != t.shape:
        raise RuntimeError(f"{op}: output with shape {t.shape} doesn't match the broadcast "
                           f"shape {out.shape}")
    if out.dtype != t.dtype:
        out = out.to(t.dtype)
    np.copyto(t.data, out.data)
    if root is None:
        _rebind(t, out)
    else:
        _rebind_root(root, t, out)
    t._bump_version()
    if root is not None:
        t._view = (root, t._vc[0])
    return t


def _rebind_root(root: Tensor, view: Tensor, value: Tensor) -> None:
    """``root`` becomes its previous value with ``view``'s elements set to ``value``, and
    ``view`` a view of the new root (its values are already in root's memory)."""
    positions = flat_positions(root.data, view.data)
    before = Tensor(root.data, root.requires_grad, root.grad_fn, root._output_nr)
    flat = before.reshape(-1)
    new_root = SetItem.apply(flat, value, *normalize_index((positions,))).reshape(root.shape)
    _rebind(root, new_root)
    _rebind(view, GetItem.apply(new_root.reshape(-1), *normalize_index((positions,))))


def refresh_view(view: Tensor) -> None:
    """Rebuild a view's graph from its root when an in-place write changed either since the
    view was recorded (PyTorch regenerates such views as well)."""
    root, version = view._view
    if view._vc[0] == version or not (root.requires_grad and is_grad_enabled()):
        return
    positions = flat_positions(root.data, view.data)
    _rebind(view, GetItem.apply(root.reshape(-1), *normalize_index((positions,))))
    view._view = (root, view._vc[0])


def setitem(a: Tensor, index: Any, value: Any, op: str = "setitem") -> None:
    """``a[index] = value``; recorded (SetItem) when a gradient is needed. ``op`` names the
    write in errors (``fill_`` and ``copy_`` are ``a[...] = value``)."""
    index, advanced = normalize_index(index)
    if needs_graph(a, (value,)):
        # (SetItem raises on a bad index or shape before anything changes)
        write(a, op, lambda before: SetItem.apply(before, value, index, advanced),
              keeps_input=False)
        return
    a._check_writeable(op)
    assign(a.data, index, value.data if isinstance(value, Tensor) else value)
    a._bump_version()


def flat_positions(root: np.ndarray, view: np.ndarray) -> np.ndarray:
    """For each element of ``view``, the C-order flat index of the element of ``root`` at
    the same address (view's shape)."""
    itemsize = root.itemsize
    root_offsets = _element_offsets(root, 0, itemsize).reshape(-1)
    start = (view.__array_interface__["data"][0] - root.__array_interface__["data"][0])
    view_offsets = _element_offsets(view, start // itemsize, itemsize)
    order = np.argsort(root_offsets, kind="stable")
    found = np.searchsorted(root_offsets, view_offsets, sorter=order)
    found = order[np.minimum(found, order.size - 1)]
    if not np.array_equal(root_offsets[found], view_offsets):
        raise RuntimeError(f"in-place write into a view: the view of shape {view.shape} does "
                           f"not lie within its base of shape {root.shape}; clone() it first")
    return found


def _element_offsets(array: np.ndarray, start: int, itemsize: int) -> np.ndarray:
    """The address of each element of ``array``, in items from ``start``."""
    offsets = np.full(array.shape, start, np.int64)
    for dim, (size, stride) in enumerate(zip(array.shape, array.strides)):
        shape = [1] * array.ndim
        shape[dim] = size
        offsets += (np.arange(size, dtype=np.int64) * (stride // itemsize)).reshape(shape)
    return offsets


def _rebind(t: Tensor, out: Tensor) -> None:
    """Make ``t`` the output of ``out``'s node. A retain_grad hook moves along: as
    PyTorch's, ``t.grad`` is then the gradient of the newest value."""
    hooks = t.grad_fn.hooks if t.grad_fn is not None else None
    retained = hooks.get(t._output_nr) if hooks else None
    # add_hook keeps retain_grad's hook last
    if retained and isinstance(retained[-1], _RetainGrad) and retained[-1].ref() is t:
        out.grad_fn.add_hook(0, retained.pop())
    t.grad_fn, t._output_nr, t._requires_grad = out.grad_fn, 0, out.requires_grad


def maybe_inplace(x: Tensor, op: str, compute: Callable[[Tensor], Tensor],
                  inplace: bool) -> Tensor:
    """``compute(x)``; with ``inplace=True`` written into x (the ``F.relu(x, inplace=True)``
    form)."""
    if not inplace:
        return compute(x)
    return x._inplace(op, compute)
