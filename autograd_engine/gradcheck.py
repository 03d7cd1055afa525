"""Finite-difference checks of first and second derivatives (float64 central differences)."""
from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Sequence

import numpy as np

from . import engine
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """An analytic gradient disagrees with finite differences."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _flat_outputs(fn: Callable, inputs: Sequence[Tensor]) -> list:
    outs = _as_tuple(fn(*inputs))
    for o in outs:
        if not isinstance(o, Tensor):  # PyTorch fails on it too; checking nothing would pass
            raise TypeError(f"gradcheck: the function returned {type(o).__name__}; expected "
                            "Tensors")
    return [o for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f"]


def numerical_jacobian(fn: Callable, inputs: Sequence[Any], index: int,
                       eps: float) -> list:
    """d(outputs)/d(inputs[index]) by central differences, one matrix per output."""
    x = inputs[index]
    if not x.data.flags.c_contiguous:  # perturb a contiguous copy; the caller's x is untouched
        x = Tensor(np.ascontiguousarray(x.data), x.requires_grad)
        inputs = (*inputs[:index], x, *inputs[index + 1:])
    flat = x.data.reshape(-1)
    columns = []
    for j in range(flat.size):  # grad mode stays on: fn may itself differentiate (gradgrad)
        orig = flat[j]
        flat[j] = orig + eps
        plus = [o.data.astype(np.float64).ravel().copy() for o in _flat_outputs(fn, inputs)]
        flat[j] = orig - eps
        minus = [o.data.astype(np.float64).ravel().copy() for o in _flat_outputs(fn, inputs)]
        flat[j] = orig
        columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(columns[0]) if columns else len(_flat_outputs(fn, inputs))
    return [np.stack([c[k] for c in columns], axis=1) if columns else
            np.zeros((0, 0)) for k in range(n_out)]


def analytic_jacobian(fn: Callable, inputs: Sequence[Any], index: int) -> list:
    """d(outputs)/d(inputs[index]) row by row with ``autograd.grad``."""
    x = inputs[index]
    outputs = _flat_outputs(fn, inputs)
    result = []
    for out in outputs:
        rows = np.zeros((out.data.size, x.data.size))
        if out.requires_grad:
            for r in range(out.data.size):
                seed = np.zeros(out.data.size, out.dtype)
                seed[r] = 1
                (g,) = engine.grad(out, [x], Tensor(seed.reshape(out.shape)),
                                   retain_graph=True, allow_unused=True)
                if g is not None:
                    rows[r] = g.data.astype(np.float64).ravel()
        result.append(rows)
    return result


def jacobian_mismatch(fn: Callable, inputs: Sequence[Any], index: int, eps: float,
                      atol: float, rtol: float) -> tuple:
    """(largest |analytic - numerical| over the Jacobian, worst disagreement or None) for
    ``inputs[index]``; a disagreement is (output number, input element as a tuple, output
    element, analytic, numerical)."""
    x = inputs[index]
    analytic = analytic_jacobian(fn, inputs, index)
    numeric = numerical_jacobian(fn, inputs, index, eps)
    worst = max((float(np.max(np.abs(a - n))) for a, n in zip(analytic, numeric) if a.size),
                default=0.0)
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        error = _mismatch(a, n, atol, rtol)
        if error is not None:
            row, col = error
            element = tuple(int(w) for w in np.unravel_index(col, x.shape)) if x.ndim else ()
            return worst, (k, element, int(row), float(a[row, col]), float(n[row, col]))
    return worst, None


def _require_differentiable(inputs: tuple) -> None:
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        raise ValueError("gradcheck expects at least one input tensor to require gradient, "
                         "but none of them have requires_grad=True.")


def gradcheck(fn: Callable, inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              fast_mode: bool = False) -> bool:
    """Compare the analytic Jacobian of ``fn`` with central differences for every input
    that requires grad. Returns True, or raises ``GradcheckError`` naming the input and the
    worst element.

    ``nondet_tol`` and ``fast_mode`` are accepted for PyTorch compatibility and do not
    change the check: the full Jacobian is always compared, and no reentrancy check runs.
    """
    inputs = _as_tuple(inputs)
    _require_differentiable(inputs)
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            warnings.warn(f"gradcheck: input {i} is {x.dtype}, not float64; finite "
                          "differences will be inaccurate", UserWarning, stacklevel=2)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        _, found = jacobian_mismatch(fn, inputs, i, eps, atol, rtol)
        if found is None:
            continue
        if not raise_exception:
            return False
        k, element, row, analytic, numeric = found
        raise GradcheckError(
            f"gradcheck: Jacobian mismatch for output {k} with respect to input {i} "
            f"(shape {x.shape}) at input element {element}, output element {row}: "
            f"analytic {analytic!r} vs numerical {numeric!r} (atol={atol}, rtol={rtol})")
    return True


def _mismatch(a: np.ndarray, n: np.ndarray, atol: float, rtol: float) -> Optional[tuple]:
    """(row, col) of the worst element outside tolerance, or None."""
    if a.size == 0:
        return None
    bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
    if not bad.any():
        return None
    excess = np.where(bad, np.abs(a - n), -1.0)
    excess = np.where(np.isnan(excess), np.inf, excess)
    return np.unravel_index(int(np.argmax(excess)), a.shape)


def gradgradcheck(fn: Callable, inputs: Any, grad_outputs: Any = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, seed: int = 0,
                  raise_exception: bool = True, nondet_tol: float = 0.0,
                  fast_mode: bool = False) -> bool:
    """gradcheck of the first derivatives (a vector-Jacobian product with fixed random
    ``grad_outputs``), which exercises every op's backward under ``create_graph=True``.
    ``nondet_tol`` and ``fast_mode`` are accepted and ignored, as in ``gradcheck``."""
    inputs = _as_tuple(inputs)
    _require_differentiable(inputs)
    outputs = _flat_outputs(fn, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(seed)
        grad_outputs = [Tensor(rng.standard_normal(o.shape).astype(o.dtype)) for o in outputs]
    grad_outputs = list(_as_tuple(grad_outputs))

    def first_derivatives(*xs: Any) -> tuple:
        outs = [o for o, _ in zip(_flat_outputs(fn, xs), grad_outputs)]
        pairs = [(o, g) for o, g in zip(outs, grad_outputs) if o.requires_grad]
        wrt = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        if not pairs:
            return tuple(Tensor(np.zeros_like(x.data)) for x in wrt)
        grads = engine.grad([o for o, _ in pairs], wrt, [g for _, g in pairs],
                            create_graph=True, allow_unused=True)
        return tuple(Tensor(np.zeros_like(x.data)) if g is None else g
                     for g, x in zip(grads, wrt))

    return gradcheck(first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
