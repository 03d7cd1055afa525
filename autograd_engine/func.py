"""``ae.func``: PyTorch's function transforms (``torch.func``) on the tape engine.

``grad``, ``grad_and_value``, ``vjp``, ``jvp``, ``jacrev``, ``jacfwd``, ``hessian``, ``vmap`` and
``functional_call`` with PyTorch 2.13's signatures, pytrees of inputs and outputs (tuples,
lists, dicts), ``argnums``, ``has_aux`` and errors. The transforms compose (``grad(grad(f))``,
``vmap(grad(f))``, ``jacrev(jacrev(f))``) because each one runs ``f`` on fresh leaves (or, when
an enclosing transform differentiates the arguments, on views of them) and differentiates with
``create_graph`` whenever grad mode is on and an argument requires grad; tensors a function
captures from outside are constants to the transform.

Two are computed another way than PyTorch's: ``jvp`` and ``jacfwd`` by reverse mode (the
double-backward trick and rows of ``jacrev``: the same values), and ``vmap`` runs ``f`` once per
index of the mapped dim and stacks the results (the same values, at per-sample cost).
"""
from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Sequence, Union

from . import random as _random
from .creation import zeros, zeros_like
from .engine import grad as _autograd_grad
from .grad_mode import enable_grad, is_grad_enabled
from .ops.shape import stack
from .tensor import Tensor

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap",
           "functional_call"]


# -- pytrees --------------------------------------------------------------------------------
def tree_flatten(tree: Any) -> tuple:
    """(leaves, spec): tuples, lists and dicts are nodes (dicts in key order), all else
    leaves."""
    if isinstance(tree, (tuple, list)):
        leaves, specs = [], []
        for item in tree:
            sub, spec = tree_flatten(item)
            leaves += sub
            specs.append(spec)
        return leaves, (type(tree), None, specs)
    if isinstance(tree, dict):
        leaves, specs = [], []
        for key in tree:
            sub, spec = tree_flatten(tree[key])
            leaves += sub
            specs.append(spec)
        return leaves, (dict, list(tree), specs)
    return [tree], None


def tree_unflatten(leaves: Sequence[Any], spec: Any) -> Any:
    """The inverse of ``tree_flatten``."""
    it = iter(leaves)
    return _build(it, spec)


def _build(it: Iterator, spec: Any) -> Any:
    if spec is None:
        return next(it)
    kind, keys, specs = spec
    items = [_build(it, s) for s in specs]
    if kind is dict:
        return dict(zip(keys, items))
    if kind is list:
        return items
    return tuple(items) if kind is tuple else kind(*items)  # namedtuples


# -- shared machinery ------------------------------------------------------------------------
def _check_argnums(argnums: Union[int, tuple], n_args: int, name: str) -> tuple:
    """argnums as a tuple of non-negative ints, with PyTorch's errors."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else argnums
    if not isinstance(nums, tuple) or not nums or not all(isinstance(a, int) for a in nums):
        raise RuntimeError(f"{name}: argnums must be int or Tuple[int, ...], got: "
                           f"{type(argnums)}")
    out = []
    for a in nums:
        if not -n_args <= a < n_args:
            raise RuntimeError(f"Got argnum={a}, but only {n_args} positional inputs")
        out.append(a % n_args)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{name}: argnums must be unique, got {argnums}")
    return tuple(out)


def _enter(t: Any, name: str) -> Tensor:
    """A fresh tensor to differentiate ``f`` at: a view of ``t`` when an enclosing transform
    differentiates it, else a detached leaf."""
    if not isinstance(t, Tensor):
        raise RuntimeError(f"{name}: Expected all differentiated inputs to be Tensors, got "
                           f"{type(t).__name__}")
    if t.dtype.kind != "f":
        raise RuntimeError(f"{name}: only Tensors of floating point dtype can require "
                           f"gradients, got dtype {t.dtype}")
    if t.requires_grad and is_grad_enabled():
        return t.view_as(t)
    return t.detach().requires_grad_()


def _differentiate(outputs: list, inputs: list, cotangents: list, keep: bool) -> list:
    """d(outputs . cotangents)/d(inputs), zeros where an input does not reach the outputs."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
    if not pairs:
        return [zeros_like(t) for t in inputs]
    grads = _autograd_grad([o for o, _ in pairs], inputs, [c for _, c in pairs],
                           retain_graph=True, create_graph=keep, allow_unused=True)
    return [zeros_like(t) if g is None else g for g, t in zip(grads, inputs)]


def _outer_differentiates(leaves: list) -> bool:
    """Whether results must stay differentiable: an enclosing transform (or the caller)
    differentiates an argument."""
    return is_grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad
                                     for t in leaves)


def _detach_tree(tree: Any, keep: bool) -> Any:
    if keep:
        return tree
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([t.detach() if isinstance(t, Tensor) else t for t in leaves], spec)


def _split_aux(out: Any, has_aux: bool, name: str) -> tuple:
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(f"{name}(f, ...)(*args): output of function f should be a tuple: "
                           f"(output, aux) if has_aux is True")
    return out


class _Prepared:
    """The arguments of one call with the differentiated ones replaced by fresh tensors."""

    def __init__(self, args: tuple, argnums: tuple, name: str) -> None:
        self.args = list(args)
        self.argnums = argnums
        self.specs, self.inputs, self.originals = [], [], []
        for a in argnums:
            leaves, spec = tree_flatten(args[a])
            fresh = [_enter(t, name) for t in leaves]
            self.specs.append((len(fresh), spec))
            self.originals += leaves
            self.inputs += fresh
            self.args[a] = tree_unflatten(fresh, spec)
        self.keep = _outer_differentiates(self.originals)

    def per_argnum(self, flat: list) -> list:
        """Flat per-input values regrouped into each differentiated argument's pytree."""
        out, start = [], 0
        for count, spec in self.specs:
            out.append(tree_unflatten(flat[start:start + count], spec))
            start += count
        return out


# -- grad, grad_and_value, vjp, jvp -----------------------------------------------------------
def grad_and_value(func: Callable, argnums: Union[int, tuple] = 0,
                   has_aux: bool = False) -> Callable:
    """A function returning (d func / d args[argnums], func(args)) (and the aux output with
    ``has_aux``); func must return a scalar Tensor."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> tuple:
        nums = _check_argnums(argnums, len(args), "grad_and_value")
        with enable_grad():
            prepared = _Prepared(args, nums, "grad_and_value")
            out, aux = _split_aux(func(*prepared.args, **kwargs), has_aux, "grad_and_value")
            if not isinstance(out, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"Tensor, got {type(out)}")
            if out.ndim != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a "
                                   f"scalar Tensor, got tensor with {out.ndim} dims. Maybe you "
                                   f"wanted to use the vjp or jacrev APIs instead?")
            flat = _differentiate([out], prepared.inputs, [None], prepared.keep)
        grads = prepared.per_argnum(flat)
        result = grads[0] if isinstance(argnums, int) else tuple(grads)
        value = out if prepared.keep else out.detach()
        if has_aux:
            return result, (value, _detach_tree(aux, prepared.keep))
        return result, value

    return wrapper


def grad(func: Callable, argnums: Union[int, tuple] = 0, has_aux: bool = False) -> Callable:
    """A function returning d func / d args[argnums] (func returns a scalar Tensor); with
    ``has_aux``, (gradient, aux)."""
    inner = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result, value = inner(*args, **kwargs)
        return (result, value[1]) if has_aux else result

    return wrapper


def vjp(func: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """(func(*primals), vjp_fn[, aux]); ``vjp_fn(cotangents)`` gives one gradient per primal
    (a tuple) for cotangents shaped as func's output."""
    with enable_grad():
        prepared = _Prepared(primals, tuple(range(len(primals))), "vjp")
        out, aux = _split_aux(func(*prepared.args), has_aux, "vjp")
    out_leaves, out_spec = tree_flatten(out)
    for leaf in out_leaves:
        if not isinstance(leaf, Tensor):
            raise RuntimeError(f"vjp(f, *primals): Expected f(*primals) to return only "
                               f"tensors, got unsupported type {type(leaf)}")

    def vjp_fn(cotangents: Any) -> tuple:
        ct_leaves, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec and not (len(out_leaves) == 1 and len(ct_leaves) == 1):
            raise RuntimeError("Expected pytree structure of cotangents to be the same as "
                               "pytree structure of outputs to the function")
        for c, o in zip(ct_leaves, out_leaves):
            if tuple(c.shape) != tuple(o.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{tuple(c.shape)} and output[0] has a shape of "
                                   f"{tuple(o.shape)}.")
        with enable_grad():
            flat = _differentiate(out_leaves, prepared.inputs, ct_leaves,
                                  prepared.keep or _outer_differentiates(ct_leaves))
        return tuple(prepared.per_argnum(flat))

    value = _detach_tree(out, prepared.keep)
    if has_aux:
        return value, vjp_fn, _detach_tree(aux, prepared.keep)
    return value, vjp_fn


def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False) -> tuple:
    """(func(*primals), the derivative of func at primals along tangents), by the
    double-backward trick."""
    for what, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, (tuple, list)):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected {what} to be a tuple. "
                               f"E.g. it should be valid to call f(*{what}).")
    primal_leaves, primal_spec = tree_flatten(tuple(primals))
    tangent_leaves, tangent_spec = tree_flatten(tuple(tangents))
    if primal_spec != tangent_spec:
        raise RuntimeError("jvp(f, primals, tangents): Expected primals and tangents to have "
                           "the same python structure.")
    for p, t in zip(primal_leaves, tangent_leaves):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to "
                               f"have the same shape, got {tuple(p.shape)} and "
                               f"{tuple(t.shape)}")
    with enable_grad():
        prepared = _Prepared(tuple(primals), tuple(range(len(primals))), "jvp")
        out, aux = _split_aux(func(*prepared.args), has_aux, "jvp")
        out_leaves, out_spec = tree_flatten(out)
        dummies = [zeros_like(o).requires_grad_() for o in out_leaves]
        back = _differentiate(out_leaves, prepared.inputs, dummies, True)
        keep = prepared.keep or _outer_differentiates(tangent_leaves)
        forward = _differentiate(back, dummies, tangent_leaves, keep)
    result = (_detach_tree(out, prepared.keep), tree_unflatten(
        [f if keep else f.detach() for f in forward], out_spec))
    return result + (_detach_tree(aux, prepared.keep),) if has_aux else result


# -- Jacobians and Hessians ---------------------------------------------------------------------
def jacrev(func: Callable, argnums: Union[int, tuple] = 0, *, has_aux: bool = False,
           chunk_size: Optional[int] = None, _preallocate_and_copy: bool = False) -> Callable:
    """A function returning the Jacobian of func wrt args[argnums], one reverse pass per
    output element: for each output leaf, an array of shape out.shape + arg.shape (a tuple
    over argnums when argnums is a tuple)."""
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nums = _check_argnums(argnums, len(args), "jacrev")
        with enable_grad():
            prepared = _Prepared(args, nums, "jacrev")
            out, aux = _split_aux(func(*prepared.args, **kwargs), has_aux, "jacrev")
            out_leaves, out_spec = tree_flatten(out)
            blocks = [_jacobian_blocks(o, prepared) for o in out_leaves]
        per_output = [b[0] if isinstance(argnums, int) else tuple(b) for b in blocks]
        result = tree_unflatten(per_output, out_spec)
        return (result, _detach_tree(aux, prepared.keep)) if has_aux else result

    return wrapper


def _jacobian_blocks(out: Any, prepared: _Prepared) -> list:
    """d out / d each differentiated argument, as pytrees of out.shape + input.shape."""
    if not isinstance(out, Tensor):
        raise RuntimeError(f"jacrev(f, ...)(*args): Expected f(*args) to return only tensors, "
                           f"got unsupported type {type(out)}")
    flat_out = out.reshape(-1)
    rows = []
    for k in range(flat_out.shape[0]):
        rows.append(_differentiate([flat_out[k]], prepared.inputs, [None], prepared.keep))
    blocks = []
    for i, t in enumerate(prepared.inputs):
        shape = tuple(out.shape) + tuple(t.shape)
        block = stack([row[i] for row in rows]).reshape(shape) if rows else zeros(
            shape, dtype=t.dtype)
        blocks.append(block if prepared.keep else block.detach())
    return prepared.per_argnum(blocks)


def jacfwd(func: Callable, argnums: Union[int, tuple] = 0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """PyTorch's forward-mode Jacobian; the same values, computed as ``jacrev``."""
    _check_randomness(randomness)
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func: Callable, argnums: Union[int, tuple] = 0) -> Callable:
    """The Hessian of a scalar function: ``jacfwd(jacrev(func, argnums), argnums)``."""
    return jacfwd(jacrev(func, argnums), argnums)


# -- vmap -------------------------------------------------------------------------------------
def _check_randomness(randomness: str) -> None:
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: Optional[int] = None) -> Callable:
    """``func`` mapped over a dim of its arguments: run once per index along the mapped dims
    (``in_dims``: an int or None per argument, or a pytree prefix of the arguments) and the
    results stacked along ``out_dims``. ``randomness``: 'error' refuses random ops inside,
    'different' draws anew per index, 'same' repeats the same draws for every index."""
    _check_randomness(randomness)
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("vmap: chunk_size should be None or greater than 0.")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        name = getattr(func, "__name__", "func")
        dims = _broadcast_dims(in_dims, args, name)
        leaves, spec = tree_flatten(args)
        size = _batch_size(leaves, dims, name)
        results = []
        state = _random.generator().bit_generator.state if randomness == "same" else None
        with _random_policy(randomness):
            for b in range(size):
                if state is not None:
                    _random.generator().bit_generator.state = state
                sliced = [x if d is None else x[(slice(None),) * d + (b,)]
                          for x, d in zip(leaves, dims)]
                results.append(func(*tree_unflatten(sliced, spec), **kwargs))
        return _stack_outputs(results, out_dims, name)

    return wrapper


def _broadcast_dims(in_dims: Any, args: tuple, name: str) -> list:
    """One mapped dim (or None) per leaf of ``args``."""
    if isinstance(in_dims, int) or in_dims is None:
        per_arg = [in_dims] * len(args)
    elif isinstance(in_dims, tuple):
        if len(in_dims) != len(args):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                             f"compatible with the structure of `inputs`. in_dims has "
                             f"structure {in_dims} but inputs has {len(args)} elements")
        per_arg = list(in_dims)
    else:
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...): expected `in_dims` to be int "
                         f"or a (potentially nested) tuple matching the structure of inputs, "
                         f"got: {type(in_dims)}.")
    dims = []
    for arg, d in zip(args, per_arg):
        leaves, _ = tree_flatten(arg)
        if isinstance(d, (tuple, list, dict)):
            sub, _ = tree_flatten(d)
            if len(sub) != len(leaves):
                raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims "
                                 f"is not compatible with the structure of `inputs`.")
            dims += sub
        else:
            dims += [d] * len(leaves)
    out = []
    for leaf, d in zip(tree_flatten(args)[0], dims):
        if d is None:
            out.append(None)
            continue
        if not isinstance(d, int):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims must "
                             f"be int or None, got {type(d)}")
        if not isinstance(leaf, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for an input but the input is of type {type(leaf)}. We cannot "
                             f"vmap over non-Tensor arguments, please use None as the "
                             f"respective in_dim")
        if not -leaf.ndim <= d < leaf.ndim:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for some input, but that input is a Tensor of dimensionality "
                             f"{leaf.ndim} so expected in_dim to satisfy -{leaf.ndim} <= "
                             f"in_dim < {leaf.ndim}.")
        out.append(d % leaf.ndim)
    return out


def _batch_size(leaves: list, dims: list, name: str) -> int:
    sizes = [leaf.shape[d] for leaf, d in zip(leaves, dims) if d is not None]
    if not sizes:
        raise ValueError(f"vmap({name}, in_dims=..., ...)(<inputs>): at least one input must "
                         f"be mapped over (got all in_dims = None)")
    if len(set(sizes)) > 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0]


def _stack_outputs(results: list, out_dims: Any, name: str) -> Any:
    flat = [tree_flatten(r) for r in results]
    spec = flat[0][1] if flat else None
    n_leaves = len(flat[0][0]) if flat else 0
    if isinstance(out_dims, (tuple, list)):
        dims, _ = tree_flatten(tuple(out_dims))
        if len(dims) != n_leaves:
            raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is "
                             f"not compatible with the structure of `outputs`.")
    else:
        dims = [out_dims] * n_leaves
    stacked = []
    for i, d in enumerate(dims):
        column = [leaves[i] for leaves, _ in flat]
        if not all(isinstance(c, Tensor) for c in column):
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(column[0])}. Did you mean to set out_dims= to None for "
                             f"output?")
        if d is None:
            stacked.append(column[0])
            continue
        stacked.append(stack(column, d % (column[0].ndim + 1)))
    return tree_unflatten(stacked, spec)


@contextmanager
def _random_policy(randomness: str) -> Iterator[None]:
    if randomness != "error":
        yield
        return
    with _random.forbidden("vmap: called random operation while in randomness error mode. "
                           "Please either use the 'same' or 'different' randomness flags on "
                           "vmap or perform the randomness operation out of vmap"):
        yield


# -- functional_call ------------------------------------------------------------------------------
def functional_call(module: Any, parameter_and_buffer_dicts: Any, args: Any = None,
                    kwargs: Optional[dict] = None, *, tie_weights: bool = True,
                    strict: bool = False) -> Any:
    """``module(*args, **kwargs)`` with the named parameters and buffers replaced by the given
    tensors for the call (tied weights follow the one given, with ``tie_weights``)."""
    dicts = parameter_and_buffer_dicts
    if isinstance(dicts, dict):
        replacements = dict(dicts)
    else:
        replacements = {}
        for d in dicts:
            overlap = set(replacements) & set(d)
            if overlap:
                raise ValueError(f"{sorted(overlap)} appeared in multiple dictionaries; "
                                 f"behavior of functional call is ambiguous")
            replacements.update(d)
    slots = _named_slots(module)
    if strict:
        missing = sorted(set(slots) - set(replacements))
        unexpected = sorted(set(replacements) - set(slots))
        if missing or unexpected:
            lines = [f"Error(s) in reparametrizing for {type(module).__name__}:"]
            if unexpected:
                lines.append("\tUnexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected)
                             + ".")
            if missing:
                lines.append("\tMissing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
            raise RuntimeError("\n".join(lines))
    if tie_weights:
        given: dict = {}  # id of the original tensor -> the keys given for it
        for key in replacements:
            if key in slots:
                given.setdefault(id(slots[key][2]), []).append(key)
        tied = sorted(k for keys in given.values() if len(keys) > 1 for k in keys)
        if tied:
            raise ValueError(f"functional_call got multiple values for keys {tied}, which "
                             f"are tied. Consider using tie_weights=False")
        for key, (_, _, original) in slots.items():
            if key not in replacements and id(original) in given:
                replacements[key] = replacements[given[id(original)][0]]
    saved = []
    try:
        for key, value in replacements.items():
            if key not in slots:
                continue  # (strict=False: an unknown key is ignored, as PyTorch)
            store, name, original = slots[key]
            saved.append((store, name, original))
            store[name] = value
        call_args = args if isinstance(args, tuple) else (() if args is None else (args,))
        return module(*call_args, **(kwargs or {}))
    finally:
        for store, name, original in reversed(saved):
            store[name] = original


def _named_slots(module: Any) -> dict:
    """'a.b.weight' -> (the dict holding it, its name there, the tensor), tied names too."""
    slots = {}
    for prefix, sub in module.named_modules(remove_duplicate=False):
        for store in (sub._parameters, sub._buffers):
            for name, value in store.items():
                if value is not None:
                    slots[f"{prefix}.{name}" if prefix else name] = (store, name, value)
    return slots
