"""``check_op``: the one call a custom-op author runs in their tests.

It dry-runs forward and backward, checks gradients against float64 finite differences
(exactly, element by element, for small inputs; along random directions for large ones),
checks second derivatives, compares float32 with float64 and, optionally, the forward with
a plain reference function.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from . import engine
from .gradcheck import GradcheckError, gradgradcheck, jacobian_mismatch
from .tensor import Tensor

_EXACT_LIMIT = 64  # inputs up to this many elements get the element-by-element Jacobian
_DIRECTIONS = 4


@dataclass
class CheckResult:
    name: str
    status: str  # "ok", "not supported", "skipped"
    worst_error: Optional[float] = None  # None where the check measures no error
    detail: str = ""


@dataclass
class OpReport:
    """What ``check_op`` checked; ``ok`` is True when every check passed or was skipped."""

    op: str
    checks: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status in ("ok", "not supported", "skipped") for c in self.checks)

    def __str__(self) -> str:
        lines = [f"check_op({self.op}): {'ok' if self.ok else 'FAILED'}"]
        for c in self.checks:
            extra = f"  worst error {c.worst_error:.3g}" if c.worst_error is not None else ""
            note = f"  ({c.detail})" if c.detail else ""
            lines.append(f"  {c.name:<20} {c.status}{extra}{note}")
        return "\n".join(lines)


def _callable(op: Any) -> tuple:
    if isinstance(op, type) and hasattr(op, "apply"):
        return op.apply, op.__name__
    return op, getattr(op, "__name__", type(op).__name__)


def _outputs(fn: Callable, inputs: tuple) -> list:
    out = fn(*inputs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if isinstance(o, Tensor)]


def check_op(op: Any, *example_inputs: Tensor, reference: Optional[Callable] = None,
             second_order: Optional[bool] = None, eps: float = 1e-6, atol: float = 1e-5,
             rtol: float = 1e-3, seed: int = 0) -> OpReport:
    """Check a custom op; returns a report or raises (see module docstring).

    ``op`` is a ``Function`` subclass or any callable on tensors; ``example_inputs`` are
    float64 tensors (those that require grad are differentiated). ``second_order``: True
    requires double backward, False skips it, None reports "not supported" when the op is
    once-differentiable.
    """
    fn, name = _callable(op)
    inputs = tuple(example_inputs)
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != np.float64:
            raise TypeError(f"check_op({name}): input {i} must be float64 (got {x.dtype}); "
                            "finite differences need double precision")
    report = OpReport(name)
    report.checks.append(_dry_run(fn, name, inputs))
    report.checks.append(_first_order(fn, name, inputs, eps, atol, rtol, seed))
    report.checks.append(_second_order(fn, name, inputs, second_order, eps, atol, rtol))
    report.checks.append(_float32_consistency(fn, name, inputs))
    if reference is not None:
        report.checks.append(_reference(fn, name, inputs, reference))
    return report


def _dry_run(fn: Callable, name: str, inputs: tuple) -> CheckResult:
    """Forward then backward with ones: outputs are float tensors, gradients fit inputs."""
    outs = _outputs(fn, inputs)
    if not outs:
        raise RuntimeError(f"check_op({name}): forward returned no Tensor")
    diff = [o for o in outs if o.requires_grad]
    wrt = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    if not diff or not wrt:
        return CheckResult("dry run", "ok", detail="nothing to differentiate")
    grads = engine.grad(diff, wrt, [Tensor(np.ones_like(o.data)) for o in diff],
                        allow_unused=True)
    for i, (x, g) in enumerate(zip(wrt, grads)):
        if g is not None and (g.shape != x.shape or g.dtype != x.dtype):
            raise RuntimeError(f"check_op({name}): gradient for input {i} has shape {g.shape} "
                               f"and dtype {g.dtype}; expected {x.shape} and {x.dtype}")
    return CheckResult("dry run", "ok")


def _first_order(fn: Callable, name: str, inputs: tuple, eps: float, atol: float, rtol: float,
                 seed: int) -> CheckResult:
    worst = 0.0
    rng = np.random.default_rng(seed)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        if x.data.size <= _EXACT_LIMIT:
            error, found = jacobian_mismatch(fn, inputs, i, eps, atol, rtol)
            worst = max(worst, error)
            if found is not None:
                _, element, _, analytic, numeric = found
                raise GradcheckError(
                    f"check_op({name}): gradcheck failed for input {i} at element {element}: "
                    f"analytic {analytic:.6g} vs numerical {numeric:.6g}")
            continue
        for _ in range(_DIRECTIONS):
            error = _directional_error(fn, inputs, i, rng, eps)
            worst = max(worst, error[0])
            if error[0] > atol + rtol * error[1]:
                element = _worst_element(fn, inputs, i, eps)
                raise GradcheckError(
                    f"check_op({name}): gradcheck failed for input {i} along a random "
                    f"direction: analytic {error[2]:.6g} vs numerical {error[3]:.6g}; worst "
                    f"element {element}")
    return CheckResult("gradcheck", "ok", worst)


def _directional_error(fn: Callable, inputs: tuple, i: int, rng: np.random.Generator,
                       eps: float) -> tuple:
    """|u.J.v (backward) - u.(f(x+eps v)-f(x-eps v))/2eps| for random u, v."""
    x = inputs[i]
    v = rng.standard_normal(x.shape)
    outs = [o for o in _outputs(fn, inputs) if o.requires_grad]
    us = [rng.standard_normal(o.shape) for o in outs]
    (g,) = engine.grad(outs, [x], [Tensor(u.astype(o.dtype)) for u, o in zip(us, outs)],
                       allow_unused=True)
    analytic = 0.0 if g is None else float(np.sum(g.data * v))
    original = x.data.copy()
    x.data[...] = original + eps * v
    plus = [o.data.astype(np.float64) for o in _outputs(fn, inputs) if o.requires_grad]
    x.data[...] = original - eps * v
    minus = [o.data.astype(np.float64) for o in _outputs(fn, inputs) if o.requires_grad]
    x.data[...] = original
    numeric = sum(float(np.sum(u * (p - m))) for u, p, m in zip(us, plus, minus)) / (2 * eps)
    return abs(analytic - numeric), abs(numeric), analytic, numeric


def _worst_element(fn: Callable, inputs: tuple, i: int, eps: float) -> tuple:
    """The input element whose gradient is most wrong (computed only on failure)."""
    _, found = jacobian_mismatch(fn, inputs, i, eps, 0.0, 0.0)
    return () if found is None else found[1]


def _second_order(fn: Callable, name: str, inputs: tuple, required: Optional[bool],
                  eps: float, atol: float, rtol: float) -> CheckResult:
    if required is False:
        return CheckResult("second order", "skipped")
    small = all(not isinstance(x, Tensor) or x.data.size <= _EXACT_LIMIT for x in inputs)
    try:
        if small:
            gradgradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
        else:
            _second_order_smoke(fn, inputs)
    except GradcheckError:
        raise
    except RuntimeError as exc:  # a once-differentiable op raises when walked twice
        if "differentiable only once" not in str(exc):
            raise
        if required:
            raise RuntimeError(f"check_op({name}): second_order=True but the op is "
                               f"differentiable only once: {exc}") from None
        return CheckResult("second order", "not supported", detail="once-differentiable")
    return CheckResult("second order", "ok",
                       detail="" if small else "double backward runs (inputs too large for "
                                               "an exact check)")


def _second_order_smoke(fn: Callable, inputs: tuple) -> None:
    wrt = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outs = [o for o in _outputs(fn, inputs) if o.requires_grad]
    grads = engine.grad(outs, wrt, [Tensor(np.ones_like(o.data)) for o in outs],
                        create_graph=True, allow_unused=True)
    total = sum((g * g).sum() for g in grads if g is not None and g.requires_grad)
    if isinstance(total, Tensor):
        engine.grad(total, wrt, allow_unused=True)


def _float32_consistency(fn: Callable, name: str, inputs: tuple) -> CheckResult:
    """The op in float32 agrees with float64 to float32 precision (values and gradients)."""
    singles = tuple(Tensor(x.data.astype(np.float32), x.requires_grad)
                    if isinstance(x, Tensor) and x.dtype == np.float64 else x for x in inputs)
    outs32, grads32 = _run(fn, singles)
    outs64, grads64 = _run(fn, inputs)
    pairs = [(f"output {k}", a, b) for k, (a, b) in enumerate(zip(outs32, outs64))]
    pairs += [(f"gradient for input {i}", a, b)
              for i, (a, b) in enumerate(zip(grads32, grads64)) if a is not None]
    worst = 0.0
    for what, got, want in pairs:
        if got.dtype != np.float32:
            raise GradcheckError(f"check_op({name}): float32 consistency: {what} is "
                                 f"{got.dtype} for float32 inputs")
        want = want.astype(np.float64)
        scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
        err = np.abs(got.astype(np.float64) - want) / scale
        if err.size and float(err.max()) > 1e-3:
            where = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
            raise GradcheckError(
                f"check_op({name}): float32 consistency: {what} differs from float64 by "
                f"{float(err.max()):.3g} (relative) at element {tuple(int(w) for w in where)}")
        worst = max(worst, float(err.max()) if err.size else 0.0)
    return CheckResult("float32 consistency", "ok", worst)


def _run(fn: Callable, inputs: tuple) -> tuple:
    """(output arrays, gradient arrays of the inputs that require grad) for ones cotangents."""
    outs = _outputs(fn, inputs)
    wrt = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    diff = [o for o in outs if o.requires_grad]
    grads = []
    if wrt and diff:
        grads = engine.grad(diff, wrt, [Tensor(np.ones_like(o.data)) for o in diff],
                            allow_unused=True)
    return [o.data for o in outs], [None if g is None else g.data for g in grads]


def _reference(fn: Callable, name: str, inputs: tuple, reference: Callable) -> CheckResult:
    arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
    expected = reference(*arrays)
    expected = list(expected) if isinstance(expected, (tuple, list)) else [expected]
    worst = 0.0
    for k, (got, want) in enumerate(zip(_outputs(fn, inputs), expected)):
        want = np.asarray(want, np.float64)
        if got.shape != want.shape:
            raise GradcheckError(f"check_op({name}): reference: output {k} has shape "
                                 f"{got.shape}, the reference gives {want.shape}")
        err = np.abs(got.data - want)
        bad = err > 1e-7 + 1e-6 * np.abs(want)
        if bad.any():
            where = np.unravel_index(int(np.argmax(np.where(bad, err, -1))), err.shape) \
                if err.ndim else ()
            raise GradcheckError(
                f"check_op({name}): reference: output {k} differs from the reference at "
                f"element {tuple(int(w) for w in where)}: {got.data[where]!r} vs "
                f"{want[where]!r} (input 0 shape {inputs[0].shape})")
        worst = max(worst, float(err.max()) if err.size else 0.0)
    return CheckResult("reference", "ok", worst)
