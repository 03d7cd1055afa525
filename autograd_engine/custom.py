"""``autograd.Function``: user-defined ops with PyTorch's interface.

``forward(ctx, *args)`` receives Tensors (run under ``no_grad``) and returns a Tensor or a
tuple of them (Python numbers among them stay numbers); ``backward(ctx, *grads)`` returns one
gradient per forward argument. Or, as PyTorch >= 2.0 allows, ``forward(*args)`` takes no ctx
and a ``setup_context(ctx, inputs, output)`` override fills the ctx after it. Keyword
arguments passed to ``apply`` are bound to ``forward``'s parameters and count as positional
inputs (as PyTorch 2.13). A backward written with Tensor ops supports ``create_graph=True``;
one that returns numpy arrays is differentiable once, and a double backward through it
raises.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from . import function
from .engine import _check_count, _once_differentiable
from .function import Node, check_forward_finite, edge, _user_location, _version_of
from .grad_mode import no_grad, state
from .tensor import Tensor


class Function(function.Function):
    """Subclass with static ``forward(ctx, ...)`` and ``backward(ctx, ...)``, or (PyTorch's
    other style) ``forward(...)`` without ctx plus ``setup_context(ctx, inputs, output)``;
    call ``apply``. ``vjp`` is another name for ``backward`` (define one of them)."""

    _node_suffix = ""  # PyTorch names a custom op's node "SqBackward" (no "0")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated: call "
            f"the static method instead, {type(self).__name__}.apply(...)")

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Node, inputs: tuple, output: Any) -> Any:
        """Override (with a ``forward`` that takes no ctx) to save what ``backward`` needs
        from the forward's ``inputs`` and ``output``; runs under ``no_grad`` after it."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Node, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        setup = cls.setup_context is not Function.setup_context
        if setup:  # as PyTorch: inputs are bound to forward's signature, defaults included
            args = _bind(cls.forward, args, kwargs, ctx=False)
        elif kwargs:
            args = _bind(cls.forward, args, kwargs, ctx=True)
        tensors = [a if isinstance(a, Tensor) else None for a in args]
        ctx = Node(cls)
        ctx.needs_input_grad = tuple(t is not None and t.requires_grad for t in tensors)
        anomaly = state.anomaly
        state.anomaly = False  # inner ops are not reported; this op's outputs are, below
        try:
            with no_grad():
                if setup:
                    outputs = cls.forward(*args)
                    cls.setup_context(ctx, args, outputs)
                else:
                    outputs = cls.forward(ctx, *args)
        finally:
            state.anomaly = anomaly
        single = not isinstance(outputs, tuple)
        outs = _wrap_outputs((outputs,) if single else outputs, tensors, ctx.dirty)
        if anomaly:
            check_forward_finite(cls, outs, list(args))
        record = state.grad_enabled and any(ctx.needs_input_grad)
        if record:
            _record(ctx, tensors, outs)
        else:
            ctx._to_save = None
        return outs[0] if single else tuple(outs)

    @classmethod
    def _run_backward(cls, node: Node, g: Any) -> tuple:
        """The engine's call of a custom node: PyTorch's rules for what goes in and out."""
        grads = _user_backward(cls)(node, *_backward_args(node, g))
        return _check_returned(node, grads)


def _user_backward(cls: type) -> Callable:
    """The class's ``vjp`` if it overrides that name, else its ``backward``; not both."""
    overrides_vjp = cls.vjp is not Function.vjp
    if overrides_vjp and cls.backward is not Function.backward:
        raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is "
                           "not allowed. You should only implement one of them.")
    return cls.vjp if overrides_vjp else cls.backward


def _bind(forward: Callable, args: tuple, kwargs: dict, ctx: bool) -> tuple:
    """The positional inputs: keyword arguments go to their place in ``forward``'s
    parameters (a forward that takes ``ctx`` gets no defaults added, one used with
    ``setup_context`` gets all of them, as PyTorch); one that cannot be placed so is a
    TypeError, as PyTorch."""
    signature = inspect.signature(forward)
    bound = signature.bind(None, *args, **kwargs) if ctx else signature.bind(*args, **kwargs)
    if not ctx:
        bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(f"forward() got keyword arguments {sorted(bound.kwargs)} that cannot "
                        "be passed positionally (an earlier argument is missing, or they "
                        "are keyword-only)")
    return bound.args[1:] if ctx else bound.args


def _alias(t: Tensor) -> Tensor:
    """A new Tensor on ``t``'s data sharing its version counter (PyTorch returns a view)."""
    if t._vc is None:
        t._vc = [0]
    fresh = Tensor(t.data)
    fresh._vc = t._vc
    return fresh


def _rebase_dirty(t: Tensor) -> None:
    """``mark_dirty``: the input was modified in place and becomes the op's output."""
    if t.requires_grad and t.grad_fn is None and state.grad_enabled:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                           "operation.")
    t._bump_version()


def _wrap_outputs(outs: tuple, inputs: list, dirty: tuple) -> list:
    """Tensors for the outputs: a dirty input is returned itself; another returned input (or
    graph tensor) gets an alias; numpy results are wrapped; Python numbers stay numbers."""
    wrapped = []
    for o in outs:
        if isinstance(o, Tensor):
            if any(o is d for d in dirty):
                _rebase_dirty(o)
            elif any(o is t for t in inputs) or o.grad_fn is not None or o.requires_grad:
                o = _alias(o)
        elif isinstance(o, (np.ndarray, np.generic)):
            o = Tensor(np.asarray(o))
        wrapped.append(o)
    return wrapped


def _record(ctx: Node, tensors: list, outs: list) -> None:
    ctx.next = tuple(None if t is None or not t.requires_grad else edge(t)
                     for t in tensors)
    ctx.custom = True
    ctx.tensor_inputs = tuple(t is not None for t in tensors)
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
        o._requires_grad = True
        o.grad_fn = ctx
        o._output_nr = k
    if ctx._to_save is not None:
        ctx.saved = tuple(_saved_entry(v, ctx, outs) for v in ctx._to_save)
        ctx._to_save = None
    if state.anomaly:
        ctx.location = _user_location()


def _saved_entry(value: Any, ctx: Node, outs: list) -> tuple:
    if value is None:
        return None, 0
    if not isinstance(value, Tensor):
        raise TypeError(f"save_for_backward: can only save Tensors or None, got "
                        f"{type(value).__name__}")
    if value.grad_fn is ctx:  # stored without the Tensor, so output -> node -> output is no cycle
        if value._vc is None:
            value._vc = [0]
        return (value.data, value._vc, value._output_nr), value._vc[0]
    # an input, or a non-differentiable output: saved as is (no grad_fn, no cycle)
    return value, _version_of(value)


def _backward_args(node: Node, g: Any) -> list:
    """One gradient per output: None for a Python-number output, and (unless
    ``set_materialize_grads(False)``) zeros for an output that got no gradient."""
    if node.n_outputs == 1:
        return [g]
    args = []
    for (shape, dtype), gk in zip(node.out_meta, g):
        if gk is None and dtype is not None and node.materialize_grads:
            gk = Tensor(np.zeros(shape, dtype))
        args.append(gk)
    return args


def _check_returned(node: Node, grads: Any) -> tuple:
    """As PyTorch: a list is one value, extra trailing Nones are dropped, and a non-tensor
    input takes no gradient."""
    grads = grads if type(grads) is tuple else (grads,)
    n = len(node.next)
    if len(grads) > n and all(g is None for g in grads[n:]):
        grads = grads[:n]
    grads = _check_count(node, grads)
    for i, (g, is_tensor) in enumerate(zip(grads, node.tensor_inputs)):
        if g is not None and not is_tensor:
            raise RuntimeError(
                f"function {node.name()} returned a gradient different than None at position "
                f"{i + 1}, but the corresponding forward input was not a Variable")
    return grads


def once_differentiable(fn: Callable) -> Callable:
    """Decorator for a custom ``backward``: it runs without recording, and a double backward
    through its results raises."""
    @functools.wraps(fn)
    def wrapper(ctx: Node, *args: Any) -> Any:
        with no_grad():
            grads = fn(ctx, *args)
        if not state.grad_enabled:  # create_graph=False: nothing to guard
            return grads
        single = not isinstance(grads, tuple)
        guarded = tuple(g if g is None else _once_differentiable(ctx, np.asarray(
            g.data if isinstance(g, Tensor) else g)) for g in ((grads,) if single else grads))
        return guarded[0] if single else guarded

    return wrapper
