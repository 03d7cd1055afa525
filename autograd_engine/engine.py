"""The backward pass: dependency counting, reverse topological walk, gradient routing.

Iterative throughout (Kahn's algorithm with dependency counts), so graph depth is limited
by memory only. Gradients returned by an op are summed to their input's shape (``sum_to``)
and cast to its dtype here, once, for built-in and custom ops alike.
"""
from __future__ import annotations

import sys
from typing import Any, Optional, Sequence

import numpy as np

from .function import _RELEASED, Node, edge_meta, refresh_if_stale
from .grad_mode import enable_grad, no_grad, state
from .tensor import POST_ACCUMULATE_HOOKS, Tensor


def backward(root: Tensor, gradient: Any, retain_graph: Optional[bool],
             create_graph: bool, inputs: Any = None) -> None:
    """``Tensor.backward``: accumulate into the ``.grad`` of leaves (or of ``inputs``)."""
    backward_all([root], [gradient], retain_graph, create_graph, inputs)


def backward_all(tensors: Any, grad_tensors: Any = None, retain_graph: Optional[bool] = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
    """``autograd.backward``: ``Tensor.backward`` from several roots at once."""
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    grad_tensors = _one_per_output("backward", tensors, grad_tensors)
    for i, root in enumerate(tensors):
        if not root.requires_grad:
            raise RuntimeError(f"backward: element {i} of tensors does not require grad and "
                               "does not have a grad_fn")
    grads = [_root_gradient(r, g, "backward") for r, g in zip(tensors, grad_tensors)]
    if inputs is not None:
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        if not inputs:
            raise RuntimeError("backward: the inputs argument cannot be empty")
        for t in inputs:
            t.retain_grad()  # as PyTorch: a non-leaf input keeps its .grad from now on
    run(tensors, grads, retain_graph, create_graph, inputs, accumulate=True)


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None,
         retain_graph: Optional[bool] = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, returned instead of stored."""
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if not inputs:
        raise RuntimeError("grad: the `inputs` argument to `grad()` cannot be empty")
    grad_outputs = _one_per_output("grad", outputs, grad_outputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    roots, root_grads = [], []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(f"grad: element {i} of outputs does not require grad and does "
                               "not have a grad_fn")
        roots.append(out)
        root_grads.append(_root_gradient(out, g, "grad"))
    captured = run(roots, root_grads, retain_graph, create_graph, inputs, accumulate=False)
    for i, g in enumerate(captured):
        if g is None and not allow_unused:
            raise RuntimeError(f"grad: one of the differentiated Tensors (input {i}) appears "
                               "to not have been used in the graph; set allow_unused=True "
                               "if this is the desired behavior")
    return tuple(captured)


def _one_per_output(op: str, outputs: list, gradients: Any) -> list:
    """A gradient (or None) per output; one Tensor only for one output (as PyTorch)."""
    if gradients is None:
        return [None] * len(outputs)
    gradients = [gradients] if isinstance(gradients, Tensor) else list(gradients)
    if len(gradients) != len(outputs):
        raise RuntimeError(f"{op}: got {len(outputs)} tensors and {len(gradients)} gradients")
    return gradients


def _root_gradient(root: Tensor, gradient: Any, op: str) -> Tensor:
    if isinstance(gradient, (int, float, complex)):
        raise TypeError(f"{op}: gradients can be either Tensors or None, but got "
                        f"{type(gradient).__name__}")
    if gradient is None:
        if root.data.size != 1:
            raise RuntimeError(f"{op}: grad can be implicitly created only for scalar outputs "
                               f"(got an output of shape {root.shape}); pass a gradient")
        return Tensor(np.ones_like(root.data))
    g = gradient if isinstance(gradient, Tensor) else Tensor(np.asarray(gradient,
                                                                       root.dtype))
    if g.shape != root.shape:
        raise RuntimeError(f"{op}: mismatch in shape: gradient has shape {g.shape} but the "
                           f"output has shape {root.shape}")
    return g if g.dtype == root.dtype else g.to(root.dtype)  # as PyTorch: cast, not refuse


def run(roots: Sequence[Tensor], root_grads: Sequence[Tensor],
        retain_graph: Optional[bool], create_graph: bool,
        inputs: Optional[Sequence[Tensor]], accumulate: bool) -> list:
    """Propagate ``root_grads`` back through the graph.

    With ``accumulate``, leaf gradients (of the leaves among ``inputs`` unless it is None)
    accumulate into ``.grad``; otherwise the gradient reaching each of ``inputs`` is
    captured and returned (nothing is stored). With ``inputs``, only nodes an input lies
    behind run, as in PyTorch.
    """
    if retain_graph is None:
        retain_graph = create_graph
    for t in (*roots, *(inputs or ())):
        refresh_if_stale(t)
    mode = enable_grad() if create_graph else no_grad()
    anomaly = state.anomaly
    state.anomaly = False  # the engine checks each node's gradients instead of their ops
    try:
        with mode:
            return _walk(roots, root_grads, retain_graph, create_graph, inputs, accumulate,
                         anomaly)
    finally:
        state.anomaly = anomaly


def _walk(roots, root_grads, retain_graph, create_graph, inputs, accumulate, anomaly):
    captures = None if accumulate else _capture_map(inputs)
    captured: dict = {}
    wanted = needed = None
    if inputs is not None:
        wanted = {t for t in inputs if t.grad_fn is None}
        # backward(inputs=) runs the nodes of non-leaf inputs (their retain_grad stores the
        # gradient); grad() only captures what reaches them
        marked = () if captures is not None else {t.grad_fn for t in inputs if t.grad_fn}
        needed = _needed(roots, wanted, captures or (), marked)
    leaf_grads: dict = {}
    pending: dict = {}
    deps = _dependencies(roots)
    ready = []
    for root, g in zip(roots, root_grads):
        fn = root.grad_fn
        if fn is None:
            if wanted is None or root in wanted:
                _add_leaf(leaf_grads, root, g)
            continue
        _add_pending(pending, fn, root._output_nr, g)
    for root in roots:
        fn = root.grad_fn
        if fn is not None and deps.get(fn, 0) == 0 and fn not in ready:
            ready.append(fn)
    while ready:
        node = ready.pop()
        edges = node.next
        g = pending.pop(node, None)
        if g is not None and needed is not None and node not in needed:
            # not run (as PyTorch); a captured node runs its hooks, and the capture sees them
            if captures and node in captures:
                _capture(node, g if node.hooks is None else _output_hooks(node, g), captures,
                         captured)
            g = None
        if g is None:  # every path into it returned None: only release its dependencies
            grads = (None,) * len(edges)
        else:
            if captures and node in captures:
                _capture(node, g, captures, captured)  # before the node's hooks, as PyTorch
            if node.hooks is not None:
                g = _output_hooks(node, g)
            if node.custom:
                grads = node.op._run_backward(node, g)
            elif node.n_outputs == 1:
                grads = node.op.backward(node, g)
            else:
                grads = node.op.backward(node, *_materialize(node, g))
            if not retain_graph and node.saved is not None:
                node.saved = _RELEASED
            if type(grads) is not tuple or len(grads) != len(edges):
                grads = _check_count(node, grads)
        for i, target in enumerate(edges):
            if target is None:
                continue
            kind = type(target)
            fn = target if kind is Node else target[0] if kind is tuple else None  # None: leaf
            gi = grads[i]
            if gi is not None:
                shape, dtype = ((target.out_shape, target.out_dtype) if kind is Node
                                else edge_meta(target))
                # fast path: a Tensor of the right shape and dtype needs no fixing
                if type(gi) is not Tensor or gi.data.shape != shape or \
                        gi.data.dtype != dtype:
                    gi = _validate(node, i, gi, create_graph, shape, dtype)
                if anomaly:
                    _check_backward_finite(node, i, gi, shape)
                if fn is None:  # a leaf: Tensor or a subclass (nn.Parameter)
                    if wanted is None or target in wanted:
                        _add_leaf(leaf_grads, target, gi)
                    continue
                if kind is tuple:
                    _add_pending(pending, fn, target[1], gi)
                else:
                    prev = pending.get(fn)
                    pending[fn] = gi if prev is None else prev + gi
            elif fn is None:
                continue
            # the node behind this edge counts on it even when no gradient came along it
            remaining = deps[fn] - 1
            deps[fn] = remaining
            if remaining == 0:
                ready.append(fn)
    for leaf, g in leaf_grads.items():
        if leaf._hooks:
            leaf_grads[leaf] = _run_hooks(leaf._hooks, g)
    if not accumulate:
        return [leaf_grads.get(t) if t.grad_fn is None else captured.get(i)
                for i, t in enumerate(inputs)]
    given = {id(g.data) for g in root_grads}
    for leaf, g in leaf_grads.items():
        _accumulate_grad(leaf, g, create_graph, given)
    if POST_ACCUMULATE_HOOKS:
        for leaf in leaf_grads:
            for hook in list(POST_ACCUMULATE_HOOKS.get(id(leaf), ())):
                hook(leaf)
    return []


def _dependencies(roots: Sequence[Tensor]) -> dict:
    """Count, for every node reachable from the roots, the edges that point into it."""
    deps: dict = {}
    stack = []
    for root in roots:
        if root.grad_fn is not None and root.grad_fn not in deps:
            deps[root.grad_fn] = 0
            stack.append(root.grad_fn)
    while stack:
        node = stack.pop()
        for target in node.next:
            kind = type(target)
            if kind is Node:
                fn = target
            elif kind is tuple:
                fn = target[0]
            else:  # None or a leaf
                continue
            if fn in deps:
                deps[fn] += 1
            else:
                deps[fn] = 1
                stack.append(fn)
    return deps


def _needed(roots: Sequence[Tensor], leaves: set, captures: Any, marked: Any) -> set:
    """The nodes PyTorch runs for ``inputs``: ``marked`` ones and those with a path to a
    leaf in ``leaves`` or to a node in ``captures`` (children are decided before parents)."""
    needed = set(marked)
    seen = set()
    stack = [(root.grad_fn, False) for root in roots if root.grad_fn is not None]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            for target in node.next:
                fn = _edge_node(target)
                if fn in needed or fn in captures or (fn is None and target in leaves):
                    needed.add(node)
                    break
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            for target in node.next:
                fn = _edge_node(target)
                if fn is not None and fn not in seen:
                    stack.append((fn, False))
    return needed


def _edge_node(target: Any) -> Optional[Node]:
    """The node an edge points to; None for a leaf or no edge."""
    kind = type(target)
    return target if kind is Node else target[0] if kind is tuple else None


def _add_pending(pending: dict, fn: Node, nr: int, g: Tensor) -> None:
    if fn.n_outputs == 1:
        prev = pending.get(fn)
        pending[fn] = g if prev is None else prev + g
        return
    slots = pending.get(fn)
    if slots is None:
        slots = pending[fn] = [None] * fn.n_outputs
    slots[nr] = g if slots[nr] is None else slots[nr] + g


def _add_leaf(leaf_grads: dict, leaf: Tensor, g: Tensor) -> None:
    prev = leaf_grads.get(leaf)
    leaf_grads[leaf] = g if prev is None else prev + g


def _materialize(node: Node, slots: list) -> list:
    """Multi-output ops receive zeros for outputs that got no gradient (as PyTorch)."""
    out = []
    for nr, g in enumerate(slots):
        if g is None:
            shape, dtype = node.out_meta[nr]
            g = Tensor(np.zeros(shape, dtype))
        out.append(g)
    return out


def _capture_map(inputs: Optional[Sequence[Tensor]]) -> Optional[dict]:
    """For autograd.grad: map each non-leaf input's node to the output numbers to capture."""
    if inputs is None:
        return None
    captures: dict = {}
    for i, t in enumerate(inputs):
        if t.grad_fn is not None:
            captures.setdefault(t.grad_fn, []).append((t._output_nr, i))
    return captures


def _capture(node: Node, g: Any, captures: dict, captured: dict) -> None:
    """For autograd.grad: record the gradient of the node's outputs that are inputs."""
    for nr, i in captures[node]:
        captured[i] = g if node.n_outputs == 1 else g[nr]


def _output_hooks(node: Node, g: Any) -> Any:
    """Run the tensor hooks (retain_grad's last) of the node's outputs."""
    if node.n_outputs == 1:
        hooks = node.hooks.get(0)
        return _run_hooks(hooks, g) if hooks else g
    for nr, hooks in node.hooks.items():
        if g[nr] is not None:
            g[nr] = _run_hooks(hooks, g[nr])
    return g


def _run_hooks(hooks: list, g: Tensor) -> Tensor:
    """Call the hooks in order; a returned Tensor replaces the gradient."""
    for hook in list(hooks):
        result = hook(g)
        if result is not None:
            _check_hook_result(hook, g, result)
            g = result
    return g


def _check_hook_result(hook: Any, g: Tensor, result: Any) -> None:
    """As PyTorch: a hook may change a gradient's values, not its type, shape or dtype."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(result, Tensor):
        raise TypeError(f"hook '{name}' returned {type(result).__name__}; expected a Tensor "
                        "or None")
    if result.shape != g.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value (was "
                           f"{tuple(g.shape)}, got {tuple(result.shape)})")
    if result.dtype != g.dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was {g.dtype}, "
                           f"got {result.dtype})")


def _accumulate_grad(leaf: Tensor, g: Tensor, create_graph: bool, given: set) -> None:
    """``leaf.grad += g``: in place, or out of place with ``create_graph`` (PyTorch's rule).

    A first gradient is stored without a copy when its buffer is fresh (PyTorch steals it
    too); buffers that something else may see are copied, so an in-place write to one
    ``.grad`` can never change another tensor. As PyTorch's, a C-contiguous leaf gets a
    C-contiguous ``.grad`` (a gradient that came through a transpose is copied), so
    ``p.grad.view(-1)`` works.
    """
    if create_graph:
        if leaf._grad is not None:
            g = leaf._grad + g
        elif id(g.data) in given or not g.data.flags.writeable:
            g = g.clone()  # shared with another leaf or a root, or a broadcast view: the
            # .grad of each leaf must be its own, writeable (clip_grad_norm_ scales in place)
        given.add(id(g.data))
        leaf._grad = g
        return
    array = g.data
    grad = leaf._grad
    if grad is not None:
        held = grad.data
        if held.flags.writeable and held.shape == array.shape and held.dtype == array.dtype:
            held += array  # in place, as PyTorch: a reference to ``.grad`` sees the sum
            grad._bump_version()
        else:
            leaf._grad = Tensor(held + array)
        return
    if (not _is_fresh(array) or id(array) in given
            or not array.flags.c_contiguous and leaf.data.flags.c_contiguous):
        array = array.copy()
    given.add(id(array))
    leaf._grad = Tensor(array)


def _is_fresh(array: np.ndarray) -> bool:
    """Whether only ``array`` reaches its buffer: it owns its data, or it is a C-contiguous
    view of a whole buffer that nothing else references (e.g. a backward's
    ``fresh.reshape(shape)``), which would otherwise cost a copy per leaf and step."""
    if not array.flags.writeable:
        return False
    if array.flags.owndata:
        return True
    base = array.base
    # references to base: array.base, the local name and getrefcount's argument
    return (type(base) is np.ndarray and base.flags.owndata and base.size == array.size
            and array.flags.c_contiguous and sys.getrefcount(base) <= 3)


def _check_count(node: Node, grads: Any) -> tuple:
    if type(grads) is not tuple:
        grads = tuple(grads) if isinstance(grads, list) else (grads,)
    if len(grads) != len(node.next):
        raise RuntimeError(
            f"{node.op.__name__}.backward returned an incorrect number of gradients "
            f"(expected {len(node.next)}, got {len(grads)}): return one gradient (or None) "
            "per forward argument")
    return grads


def _validate(node: Node, i: int, g: Any, create_graph: bool, shape: tuple,
              dtype: np.dtype) -> Tensor:
    """Wrap, sum to the input's shape and cast to the input's dtype."""
    if type(g) is not Tensor:
        g = _wrap_returned_array(node, i, g, create_graph)
    if g.data.shape != shape:
        g = sum_to(g, shape, node, i)
    if g.data.dtype != dtype:  # int and bool too, as PyTorch
        g = g.to(dtype)
    return g


def _wrap_returned_array(node: Node, i: int, g: Any, create_graph: bool) -> Tensor:
    if isinstance(g, Tensor):  # a Tensor subclass
        return g
    try:
        array = np.asarray(g)
    except Exception as exc:
        raise RuntimeError(f"{node.op.__name__}.backward returned {type(g).__name__} for "
                           f"input {i}; expected a Tensor, an array or None") from exc
    if array.dtype.kind != "f":
        raise RuntimeError(
            f"{node.op.__name__}.backward returned a gradient of dtype {array.dtype} for "
            f"input {i}; gradients must be floating point")
    if create_graph:
        return _once_differentiable(node, array)
    return Tensor(array)


def _once_differentiable(node: Node, array: np.ndarray) -> Tensor:
    from .function import Function

    class OnceDifferentiable(Function):
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, g):
            raise RuntimeError(
                f"{node.op.__name__}: its backward returned numpy arrays, so it is "
                "differentiable only once; a double backward through it is not supported "
                "(write the backward with Tensor ops to support create_graph=True)")

    out = OnceDifferentiable.apply(Tensor(array, True))
    # edges to the op's inputs: a double backward towards them reaches the error (grad()
    # skips nodes no input lies behind)
    out.grad_fn.next = node.next
    return out


def sum_to(g: Tensor, shape: tuple, node: Node, i: int) -> Tensor:
    """Sum a broadcast gradient back to ``shape``; raise if it cannot be."""
    gshape = g.data.shape
    lead = len(gshape) - len(shape)
    ok = lead >= 0
    axes = list(range(max(lead, 0)))
    if ok:
        for k, n in enumerate(shape):
            m = gshape[lead + k]
            if n == m:
                continue
            if n == 1:
                axes.append(lead + k)
            else:
                ok = False
                break
    if not ok:
        raise RuntimeError(
            f"{node.op.__name__}.backward returned a gradient of shape {tuple(gshape)} for "
            f"input {i}, which cannot be summed to the input's shape {tuple(shape)}")
    out = g.sum(dim=tuple(axes), keepdim=True) if axes else g
    if lead:
        out = out.reshape(shape)
    return out


def _check_backward_finite(node: Node, i: int, g: Tensor, shape: tuple) -> None:
    data = g.data
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        kind = "nan" if np.isnan(data).any() else "inf"
        where = node.location or "<unknown>"
        raise RuntimeError(
            f"Function '{node.op.__name__}Backward' returned {kind} values in its {i}th "
            f"output (input {i} has shape {tuple(shape)}); "
            f"the forward op was created at {where}")

