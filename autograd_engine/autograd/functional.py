"""``ae.autograd.functional``: derivatives of a whole function of Tensors, as PyTorch 2.13's
``torch.autograd.functional``.

``vjp``, ``jvp`` (by the double-backward trick), ``jacobian`` (one ``autograd.grad`` per row),
``hessian`` (the Jacobian of the Jacobian), ``hvp`` and ``vhp``, with PyTorch's signatures,
nesting of results, ``strict`` checks and errors. ``vectorize=True`` gives PyTorch's
vectorized results, computed a row at a time; ``strategy="forward-mode"`` (PyTorch requires
``vectorize=True`` with it) computes a column at a time with the double-backward trick.
The inputs are always detached copies (or, with ``create_graph=True``, views) of the given
Tensors, so they need not require grad and a ``func`` that captures them sees constants.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..creation import zeros, zeros_like
from ..engine import grad
from ..grad_mode import enable_grad, is_grad_enabled
from ..ops.shape import stack
from ..tensor import Tensor

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

_STRATEGIES = ("forward-mode", "reverse-mode")

# _check_requires_grad's errors, by what is checked
_NOT_REQUIRING_GRAD = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
               "outputs must be computed in a differentiable manner from the input when "
               "running in strict mode.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of "
                   "the user-provided function. This is not allowed in strict mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
                "function with respect to input {i} is independent of the input. This is not "
                "allowed in strict mode. You should ensure that your function is twice "
                "differentiable and that the jacobian depends on the inputs (this would be "
                "violated by a linear function for example).",
}

# _fill_in_zeros's errors for a gradient that is None, by the stage that computed it
_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
            "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
                  "grad_outputs when using the double backward trick to compute forward mode "
                  "gradients. This is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
                   "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
                         "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                         "prevents from using the double backward trick to replace forward "
                         "mode AD.",
}


# -- helpers (PyTorch's, under the same names) ------------------------------------------
def _as_tuple(value: Any, arg_name: str, fn_name: Optional[str]) -> tuple:
    """(was it a tuple, the values as a tuple); anything but Tensors is a TypeError."""
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, el in enumerate(values):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but {where} has type {type(el)}.")
    return is_tuple, values


def _tuple_postprocess(res: Any, to_unpack: Any) -> Any:
    """Undo ``_as_tuple``: one flag per level of nesting (outer first)."""
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _float_leaf(t: Tensor) -> Tensor:
    """``t.requires_grad_()``, with PyTorch's error here (a RuntimeError) for an integer
    tensor."""
    if t.dtype.kind != "f":
        raise RuntimeError(f"only Tensors of floating point dtype can require gradients, got "
                           f"dtype {t.dtype}")
    return t.requires_grad_(True)


def _grad_preprocess(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """New Tensor objects for the inputs: views that keep the caller's graph when
    ``create_graph`` (and the input requires grad), detached copies otherwise."""
    return tuple(t.view_as(t) if create_graph and t.requires_grad
                 else _float_leaf(t.detach()) if need_graph else t.detach() for t in inputs)


def _grad_postprocess(values: tuple, create_graph: bool) -> tuple:
    """Detach the results (nested tuples too) unless ``create_graph``."""
    if values and not isinstance(values[0], Tensor):
        return tuple(_grad_postprocess(v, create_graph) for v in values)
    return values if create_graph else tuple(v.detach() for v in values)


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.shape} but "
                               f"got {el_v.shape}.")


def _check_requires_grad(values: tuple, input_type: str, strict: bool) -> None:
    if not strict:
        return
    for i, t in enumerate(values):
        if t is None:
            raise RuntimeError(_INDEPENDENT["back"].format(i=i))
        if not t.requires_grad:
            raise RuntimeError(_NOT_REQUIRING_GRAD[input_type].format(i=i))


def _autograd_grad(outputs: tuple, inputs: tuple, grad_outputs: Optional[tuple] = None,
                   create_graph: bool = False, retain_graph: Optional[bool] = None) -> tuple:
    """``autograd.grad`` with ``allow_unused=True`` that skips outputs which are None or do
    not require grad (all inputs get None when no output does)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs],
                retain_graph=retain_graph, create_graph=create_graph, allow_unused=True)


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool,
                   stage: str) -> tuple:
    """Zeros for the gradients that are None, or the ``strict`` errors."""
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_INDEPENDENT[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        res.append(g)
    return tuple(res)


def _checked_v(v: Any, fn_name: str, other: tuple, is_other_tuple: bool,
                create_graph: bool, none_error: str) -> Optional[tuple]:
    """The tuple of ``v`` (checked against ``other``), or None where ``other`` is a single
    one-element Tensor."""
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
        _validate_v(v, other, is_other_tuple)
        return v
    if len(other) != 1 or other[0].numel() != 1:
        raise RuntimeError(none_error)
    return None


_V_NONE_INPUT = ("The vector v can only be None if the input to the user-provided function "
                 "is a single Tensor with a single element.")


def _scalar_output(func: Callable, inputs: tuple, fn_name: str, strict: bool) -> tuple:
    """Call ``func``; its result must be one Tensor with one element."""
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                          fn_name)
    _check_requires_grad(outputs, "outputs", strict=strict)
    if is_outputs_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")
    return outputs


# -- public API -------------------------------------------------------------------------
def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), v^T J)``: the vector-Jacobian product, shaped as the inputs."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "vjp")
        _check_requires_grad(outputs, "outputs", strict=strict)
        v = _checked_v(v, "vjp", outputs, is_outputs_tuple, create_graph,
                        "The vector v can only be None if the user-provided function returns "
                        "a single Tensor with a single element.")
    grad_res = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
    result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "back")
    return (_tuple_postprocess(_grad_postprocess(outputs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(result, create_graph), is_inputs_tuple))


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), J v)``: the Jacobian-vector product, shaped as the outputs, by the
    double-backward trick (the vjp is linear in its vector ``u``, so ``J v`` is the gradient
    of ``u^T J v`` with respect to ``u``)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _checked_v(v, "jvp", inputs, is_inputs_tuple, create_graph,
                        "The vector v can only be None if the input to the user-provided "
                        "function is a single Tensor with a single element.")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jvp")
        _check_requires_grad(outputs, "outputs", strict=strict)
        # the value of u does not matter (the vjp is linear in it): zeros, never inf or nan
        grad_outputs = tuple(_float_leaf(zeros_like(out)) for out in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict=strict)
    grad_res = _autograd_grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
    result = _fill_in_zeros(grad_res, outputs, strict, create_graph, "back_trick")
    return (_tuple_postprocess(_grad_postprocess(outputs, create_graph), is_outputs_tuple),
            _tuple_postprocess(_grad_postprocess(result, create_graph), is_outputs_tuple))


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` has shape
    ``outputs[i].shape + inputs[j].shape`` (a Tensor for one input and one output, a tuple
    when either is a tuple, a tuple of tuples when both are)."""
    if strategy not in _STRATEGIES:
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more '
            'performant. Otherwise, prefer to use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either '
                'set `create_graph=False` or `strategy="reverse-mode"`.')
        return _jacfwd(func, inputs, strict, vectorize)
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jacobian")
        _check_requires_grad(outputs, "outputs", strict=strict)
        if vectorize and strict:
            raise RuntimeError(
                "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are "
                "not supported together. Please either set `strict=False` or "
                "`vectorize=False`.")
        rows = _rows(outputs, inputs, create_graph, strict, vectorize)
        jac = tuple(tuple(_assemble(rows_ij, out, inp) for rows_ij, inp in zip(rows_i, inputs))
                    for rows_i, out in zip(rows, outputs))
    return _tuple_postprocess(_grad_postprocess(jac, create_graph),
                              (is_outputs_tuple, is_inputs_tuple))


def _rows(outputs: tuple, inputs: tuple, create_graph: bool, strict: bool,
          vectorize: bool) -> list:
    """``rows[i][j][k]``: the gradient of element k of output i with respect to input j.

    With ``vectorize`` each row is, as PyTorch's single batched call computes it, a gradient
    of all outputs at once (a one at that element, zeros elsewhere), so a 0 * inf in another
    output shows; otherwise it is the gradient of that element alone.
    """
    flat = tuple(out.reshape(-1) for out in outputs)
    rows = []
    for i, out in enumerate(flat):
        if not vectorize and not out.numel():
            raise RuntimeError(f"jacobian: output {i} has no elements (shape "
                               f"{outputs[i].shape}): stack expects a non-empty TensorList")
        rows_i = [[] for _ in inputs]
        for k in range(out.numel()):
            if vectorize:
                unit = tuple(_unit(o, k if n == i else None) for n, o in enumerate(flat))
                vj = _autograd_grad(flat, inputs, unit, create_graph=create_graph,
                                    retain_graph=True)
            else:
                vj = _autograd_grad((out[k],), inputs, retain_graph=True,
                                    create_graph=create_graph)
            for j, (g, inp) in enumerate(zip(vj, inputs)):
                if g is None:
                    if strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is "
                                           f"independent of input {j}. This is not allowed "
                                           "in strict mode.")
                    g = zeros_like(inp)
                elif strict and create_graph and not g.requires_grad:
                    raise RuntimeError(f"The jacobian of the user-provided function is "
                                       f"independent of input {j}. This is not allowed in "
                                       "strict mode when create_graph=True.")
                rows_i[j].append(g)
        rows.append(rows_i)
    return rows


def _unit(like: Tensor, k: Optional[int]) -> Tensor:
    """Zeros shaped as ``like``, with a one at flat index ``k`` (unless k is None)."""
    e = zeros_like(like)
    if k is not None:
        e.data.reshape(-1)[k] = 1  # a fresh C-contiguous array: reshape is a view
    return e


def _assemble(rows: list, out: Tensor, inp: Tensor) -> Tensor:
    """Stack the rows of one (output, input) block into shape ``out.shape + inp.shape``
    (an empty output reaches here only with vectorize=True: _rows refuses it, as PyTorch)."""
    if not rows:
        return zeros(out.shape + inp.shape, dtype=inp.dtype)
    return stack(rows, dim=0).view(out.shape + inp.shape)


def _jacfwd(func: Callable, inputs: Any, strict: bool, vectorize: bool) -> Any:
    """``jacobian(strategy="forward-mode")``: a column (one input element) at a time, each a
    jvp by the double-backward trick; each block has its output's dtype. As PyTorch's, the
    nesting is lists, and the result is differentiable when an input requires grad."""
    if strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and "
            '`strategy="forward-mode"` are not supported together (yet). Please either set '
            '`strict=False` or `strategy="reverse-mode"`.')
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError(
            "Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
            "implemented for `vectorize=True`.")
    differentiable = is_grad_enabled() and any(t.requires_grad for t in inputs)
    with enable_grad():
        inputs = _grad_preprocess(inputs, create_graph=differentiable, need_graph=True)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs), "outputs", None)
        live = [n for n, out in enumerate(outputs) if out.requires_grad]
        grad_outputs = tuple(zeros_like(outputs[n], requires_grad=True) for n in live)
        grad_inputs = _autograd_grad(tuple(outputs[n] for n in live), inputs, grad_outputs,
                                     create_graph=True)
    columns = [[[] for _ in inputs] for _ in outputs]
    for j, inp in enumerate(inputs):
        for k in range(inp.numel()):
            v = tuple(_unit(t, k if n == j else None) for n, t in enumerate(inputs))
            tangents = dict(zip(live, _autograd_grad(grad_inputs, grad_outputs, v,
                                                     create_graph=differentiable,
                                                     retain_graph=True)))
            for i, out in enumerate(outputs):
                t = tangents.get(i)
                columns[i][j].append(zeros_like(out) if t is None else t)
    jac = [[_assemble_columns(cols, out, inp) for cols, inp in zip(columns_i, inputs)]
           for columns_i, out in zip(columns, outputs)]
    return _tuple_postprocess(jac, (is_outputs_tuple, is_inputs_tuple))


def _assemble_columns(columns: list, out: Tensor, inp: Tensor) -> Tensor:
    """Stack the columns of one (output, input) block into ``out.shape + inp.shape``."""
    if not columns:
        return zeros(out.shape + inp.shape, dtype=out.dtype)
    return stack(columns, dim=-1).reshape(out.shape + inp.shape)


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of the scalar ``func``: ``H[i][j]`` has shape
    ``inputs[i].shape + inputs[j].shape`` (a Tensor for a single input)."""
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise AssertionError('Expected strategy to be either "forward-mode" or '
                             '"reverse-mode".')

    def ensure_single_output_function(*inp: Tensor) -> Tensor:
        return _scalar_output(func, inp, "hessian", strict)[0].squeeze()

    def jac_func(*inp: Tensor) -> tuple:
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output_function, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), v^T H)`` for a scalar ``func``, shaped as the inputs."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vhp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _checked_v(v, "vhp", inputs, is_inputs_tuple, create_graph, _V_NONE_INPUT)
        outputs = _scalar_output(func, inputs, "vhp", strict)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
    grad_res = _autograd_grad(jac, inputs, v, create_graph=create_graph)
    result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back")
    return (_grad_postprocess(outputs, create_graph)[0],
            _tuple_postprocess(_grad_postprocess(result, create_graph), is_inputs_tuple))


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """``(func(inputs), H v)`` for a scalar ``func``, shaped as the inputs, by the
    double-backward trick on the gradient (slower than ``vhp``, equal for a twice
    continuously differentiable ``func``)."""
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        v = _checked_v(v, "hvp", inputs, is_inputs_tuple, create_graph, _V_NONE_INPUT)
        outputs = _scalar_output(func, inputs, "hvp", strict)
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict=strict)
        grad_jac = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
    grad_res = _autograd_grad(double_back, grad_jac, v, create_graph=create_graph)
    result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back_trick")
    return (_grad_postprocess(outputs, create_graph)[0],
            _tuple_postprocess(_grad_postprocess(result, create_graph), is_inputs_tuple))
