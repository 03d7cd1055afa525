"""``autograd.Function``: user-defined ops with PyTorch's interface.

``forward(ctx, *args)`` receives Tensors (run under ``no_grad``) and returns a Tensor or a
tuple of them; ``backward(ctx, *grads)`` returns one gradient per forward argument. A backward
written with Tensor ops supports ``create_graph=True``; one that returns numpy arrays is
differentiable once, and a double backward through it raises.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import function
from .function import Node, check_forward_finite, edge, _user_location, _version_of
from .grad_mode import no_grad, state
from .tensor import Tensor


class Function(function.Function):
    """Subclass with static ``forward(ctx, ...)`` and ``backward(ctx, ...)``; call ``apply``."""

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        tensors = [a if isinstance(a, Tensor) else None for a in args]
        ctx = Node(cls)
        ctx.needs_input_grad = tuple(t is not None and t.requires_grad for t in tensors)
        anomaly = state.anomaly
        state.anomaly = False  # inner ops are not reported; this op's outputs are, below
        try:
            with no_grad():
                outputs = cls.forward(ctx, *args, **kwargs)
        finally:
            state.anomaly = anomaly
        single = not isinstance(outputs, tuple)
        outs = _wrap_outputs((outputs,) if single else outputs, tensors)
        if anomaly:
            check_forward_finite(cls, outs, list(args))
        record = state.grad_enabled and any(ctx.needs_input_grad)
        if record:
            _record(ctx, tensors, outs)
        else:
            ctx._to_save = None
        return outs[0] if single else tuple(outs)


def _wrap_outputs(outs: tuple, inputs: list) -> list:
    """Fresh Tensors for every output (an input returned as is gets a new Tensor object)."""
    wrapped = []
    for o in outs:
        if isinstance(o, Tensor):
            if any(o is t for t in inputs) or o.grad_fn is not None or o.requires_grad:
                fresh = Tensor(o.data)
                fresh._vc = o._vc
                o = fresh
        elif isinstance(o, np.ndarray) or np.isscalar(o):
            o = Tensor(np.asarray(o))
        wrapped.append(o)
    return wrapped


def _record(ctx: Node, tensors: list, outs: list) -> None:
    ctx.next = tuple(None if t is None or not t.requires_grad else edge(t)
                     for t in tensors)
    ctx.n_outputs = len(outs)
    ctx.out_meta = tuple((o.data.shape, o.data.dtype) if isinstance(o, Tensor) else ((), None)
                         for o in outs)
    ctx.out_shape, ctx.out_dtype = ctx.out_meta[0]
    non_diff = ctx.non_differentiable
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor) or o.dtype.kind != "f":
            continue
        if any(o is n or (isinstance(n, Tensor) and o.data is n.data) for n in non_diff):
            continue
        o.requires_grad = True
        o.grad_fn = ctx
        o._output_nr = k
    if ctx._to_save is not None:
        ctx.saved = tuple(_saved_entry(v, outs) for v in ctx._to_save)
        ctx._to_save = None
    if state.anomaly:
        ctx.location = _user_location()


def _saved_entry(value: Any, outs: list) -> tuple:
    if value is None:
        return None, 0
    if not isinstance(value, Tensor):
        raise TypeError(f"save_for_backward: can only save Tensors or None, got "
                        f"{type(value).__name__}")
    for k, o in enumerate(outs):
        if value is o:  # stored without the Tensor, so output -> node -> output is no cycle
            if o._vc is None:
                o._vc = [0]
            return (o.data, o._vc, k), o._vc[0]
    return value, _version_of(value)
