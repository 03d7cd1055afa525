"""Graph nodes and the ``Function`` base class of every built-in op.

A built-in op is a ``Function`` subclass with two static methods: ``forward(ctx, *args)``
receives numpy arrays (Tensor arguments unwrapped) and returns an array; ``backward(ctx, g)``
receives Tensors and returns one Tensor (or None) per forward argument, written with
differentiable ops so that ``create_graph=True`` records it. ``ctx`` is the graph ``Node``.
"""
from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from .grad_mode import state
from .tensor import Tensor, _RetainGrad

REGISTRY: dict[str, type["Function"]] = {}


def register(cls: type["Function"]) -> type["Function"]:
    """Add a built-in op to the registry (tests iterate it to gradcheck every op)."""
    REGISTRY[cls.__name__] = cls
    return cls


_OUTPUT = object()  # marks a saved array that is the op's own output
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_location() -> str:
    """File and line of the innermost frame outside this package (for anomaly reports)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


class Node:
    """One recorded op: where gradients go (``next``), what it saved, and its hooks.

    Also the ``ctx`` an op's forward and backward see. Arbitrary attributes may be set on it
    (``ctx.axis = 1``); they live in a lazily created ``__dict__``.
    """

    __slots__ = ("op", "next", "out_shape", "out_dtype", "saved", "_to_save", "__weakref__",
                 "__dict__")
    # Rarely set per node: class-level defaults keep node creation cheap; an assignment
    # lands in the instance ``__dict__``.
    n_outputs = 1
    hooks = None
    location = None
    non_differentiable = ()
    out_meta = ()  # multi-output ops: ((shape, dtype), ...) per output
    _needs_input_grad = None  # set by custom ops, which need it during forward
    custom = False  # custom ops: the engine calls op._run_backward (PyTorch's checks)
    dirty = ()
    materialize_grads = True
    name_suffix = None  # set where one op stands for several PyTorch overloads ("SumBackward1")
    name_base = None  # set where one op stands for several PyTorch ops ("MmBackward0")

    def __init__(self, op: type) -> None:
        self.op = op
        self.next = ()
        self.saved = None
        self._to_save = None

    @property
    def needs_input_grad(self) -> tuple:
        """Per forward argument: does it need a gradient?"""
        nig = self._needs_input_grad
        if nig is None:
            return tuple([e is not None for e in self.next])
        return nig

    @needs_input_grad.setter
    def needs_input_grad(self, value: tuple) -> None:
        self._needs_input_grad = value

    def name(self) -> str:
        """PyTorch's node name: "MulBackward0" for a built-in op, "SqBackward" for a custom
        one."""
        suffix = self.name_suffix
        if suffix is None:
            suffix = getattr(self.op, "_node_suffix", "0")
        return f"{self.name_base or self.op.__name__}Backward{suffix}"

    @property
    def next_functions(self) -> tuple:
        """(node, output number) per forward argument, as PyTorch: ``(None, 0)`` for one
        that needs no gradient, an ``AccumulateGrad`` for a leaf."""
        return tuple((None, 0) if e is None else (e, 0) if type(e) is Node
                     else (e[0], e[1]) if type(e) is tuple else (AccumulateGrad(e), 0)
                     for e in self.next)

    def __repr__(self) -> str:
        return f"<{self.name_base or self.op.__name__}Backward>"

    # -- ctx API -------------------------------------------------------------------------
    def save_for_backward(self, *values: Any) -> None:
        """Keep arrays (forward) or Tensors (custom ops) for the backward pass."""
        self._to_save = values

    def mark_non_differentiable(self, *outputs: Any) -> None:
        self.non_differentiable = outputs

    def mark_dirty(self, *inputs: Any) -> None:
        """Custom ops: these inputs were modified in place and are returned as outputs."""
        self.dirty = inputs

    def set_materialize_grads(self, value: bool) -> None:
        """Custom ops: with False, backward gets None (not zeros) for an output that
        received no gradient."""
        self.materialize_grads = value

    @property
    def saved_tensors(self) -> tuple:
        """The saved values as Tensors; raises if the graph was freed or a value changed."""
        return tuple([self._unpack(value, version) for value, version in self._saved()])

    def saved_tensor(self, i: int) -> Any:
        """Saved value ``i`` alone: an op whose backward needs only some of its saved values
        (mul needs ``a`` only for b's gradient) checks only those, as PyTorch saves only
        them: a later in-place write into the others is no error."""
        return self._unpack(*self._saved()[i])

    def _saved(self) -> tuple:
        saved = self.saved
        if saved is None:
            return ()
        if saved is _RELEASED:
            raise RuntimeError(
                f"{self.op.__name__}: trying to backward through the graph a second time "
                "(or to access saved tensors after they were freed). Saved values are freed "
                "by backward(); pass retain_graph=True to the first backward to keep them.")
        return saved

    def _unpack(self, value: Any, version: int) -> Any:
        if type(value) is tuple:  # (array, version box, output index): the op's output
            array, box, index = value
            if box[0] != version:
                _raise_stale(self, f"output {index}", array.shape, box[0], version)
            t = Tensor(array, self.out_requires_grad(), self, index)
            t._vc = box
            return t
        if isinstance(value, Tensor):  # Tensor or a subclass (nn.Parameter)
            current = value._vc[0] if value._vc is not None else 0
            if current != version:
                _raise_stale(self, "an input", value.shape, current, version)
            return value
        if type(value) is np.ndarray:
            return Tensor(value)
        return value  # a Python number or None, as the forward passed it

    def out_requires_grad(self) -> bool:
        return any(e is not None for e in self.next)

    # -- engine API ----------------------------------------------------------------------
    def add_hook(self, output_nr: int, fn: Any) -> None:
        """Register a tensor hook on one output; retain_grad's hook stays last (as PyTorch,
        ``.grad`` holds the gradient after every hook, whatever the registration order)."""
        if self.hooks is None:
            self.hooks = {}
        hooks = self.hooks.setdefault(output_nr, [])
        if hooks and isinstance(hooks[-1], _RetainGrad):
            hooks.insert(len(hooks) - 1, fn)
        else:
            hooks.append(fn)


_RELEASED = object()


class AccumulateGrad:
    """``next_functions`` entry for a leaf: its gradient accumulates into ``variable.grad``."""

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable
        self.next_functions = ()

    def name(self) -> str:
        return "AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


def _raise_stale(node: Node, what: str, shape: tuple, current: int, expected: int) -> None:
    raise RuntimeError(
        f"{node.op.__name__}: one of the variables needed for gradient computation has been "
        f"modified by an inplace operation: {what} of shape {tuple(shape)} is at version "
        f"{current}; expected version {expected} instead.")


def edge_meta(target: Any) -> tuple:
    """(shape, dtype) the gradient flowing along an edge must have."""
    if type(target) is Node:
        return target.out_shape, target.out_dtype
    if type(target) is tuple:
        return target[0].out_meta[target[1]]
    return target.data.shape, target.data.dtype


def edge(t: Tensor) -> Any:
    """Where a gradient for ``t`` goes: the leaf itself, its node, or (node, output index)."""
    if t._view is not None:
        refresh_if_stale(t)
    fn = t.grad_fn
    if fn is None:
        return t
    return fn if fn.n_outputs == 1 else (fn, t._output_nr)


def refresh_if_stale(t: Tensor) -> None:
    """A view written in place (through itself or its base) since its graph was recorded
    gets its graph rebuilt from its base (ops/inplace.py)."""
    view = t._view
    if view is not None and view[1] != t._vc[0]:
        from .ops.inplace import refresh_view
        refresh_view(t)


def _version_of(t: Tensor) -> int:
    return t._vc[0] if t._vc is not None else 0


def resolve_saved(node: Node, args: tuple, raw_out: Any, out: Tensor) -> None:
    """Turn the arrays a forward saved into references the backward can unpack.

    An input's array becomes that input Tensor (so higher-order gradients reach it), the
    output's array is stored with the output's version box (no reference cycle), anything
    else is kept as a constant.
    """
    saved = []
    for value in node._to_save:
        if type(value) is not np.ndarray and value is not raw_out:
            saved.append((value, 0))  # a Python number or None
            continue
        if value is raw_out or value is out.data:
            if out._vc is None:
                out._vc = [0]
            saved.append(((out.data, out._vc, 0), out._vc[0]))
            continue
        for t in args:
            if isinstance(t, Tensor) and t.data is value:
                saved.append((t, _version_of(t)))
                break
        else:
            saved.append((value, 0))
    node.saved = tuple(saved)
    node._to_save = None


class Function:
    """Base of the built-in ops: ``forward`` on arrays, ``backward`` on Tensors."""

    _node_suffix = "0"

    @staticmethod
    def forward(ctx: Node, *args: Any) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Node, grad: Tensor) -> Any:
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Tensor:
        """Run ``forward`` on the arrays of ``args`` and record a node when grad is needed."""
        # The hot path: every op of every model comes through here. Edges are built only
        # when recording; each long-lived object allocated here also costs GC time.
        arrays = [a.data if isinstance(a, Tensor) else a for a in args]
        requires = False
        if state.grad_enabled:
            for a in args:
                if isinstance(a, Tensor) and a._requires_grad:
                    requires = True
                    break
        ctx = Node(cls)
        raw = out_array = cls.forward(ctx, *arrays, **kwargs)
        if type(out_array) is not np.ndarray:  # numpy returns scalars for 0-d results
            out_array = np.asarray(out_array)
        anomaly = state.anomaly
        if anomaly:
            check_forward_finite(cls, out_array, arrays)
        if not requires or out_array.dtype.kind != "f":
            return Tensor(out_array)
        out = Tensor(out_array, True, ctx)
        ctx.next = tuple([edge(a) if isinstance(a, Tensor) and a._requires_grad else None
                          for a in args])
        ctx.out_shape = out_array.shape
        ctx.out_dtype = out_array.dtype
        if ctx._to_save is not None:
            resolve_saved(ctx, args, raw, out)
        if anomaly:
            ctx.location = _user_location()
        return out


def check_forward_finite(op: type, out: Any, arrays: list) -> None:
    """Anomaly mode: raise if a forward produced NaN/Inf."""
    outs = out if isinstance(out, (tuple, list)) else (out,)
    for o in outs:
        o = o.data if isinstance(o, Tensor) else o
        if isinstance(o, np.ndarray) and o.dtype.kind == "f" and not np.isfinite(o).all():
            kind = "nan" if np.isnan(o).any() else "inf"
            shapes = [tuple(np.shape(a)) for a in arrays if isinstance(a, (np.ndarray, Tensor))]
            raise RuntimeError(
                f"Function '{op.__name__}' returned {kind} values in its output (forward); "
                f"input shapes {shapes}; created at {_user_location()}")
