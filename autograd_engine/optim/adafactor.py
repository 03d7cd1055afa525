"""Adafactor (PyTorch 2.5+'s ``torch.optim.Adafactor``): the second moment of a matrix is kept
as a row and a column factor, updates are relative to the parameter's RMS and clipped."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from ._elementwise import lerp_
from .optimizer import Optimizer, _next_step, _step_tensor


def _norm(a: np.ndarray) -> float:
    """``a.norm(2).item()`` (accumulated in float64, rounded to ``a``'s dtype)."""
    return float(a.dtype.type(np.sqrt(np.square(a, dtype=np.float64).sum())))


def _mean_squares(g: np.ndarray) -> tuple:
    """``torch.norm(g, dim=d, keepdim=True).square_().div_(g.shape[d])`` for d = -1, -2."""
    squares = np.square(g, dtype=np.float64)
    means = []
    for axis in (-1, -2):
        norm = np.sqrt(squares.sum(axis=axis, keepdims=True)).astype(g.dtype)
        means.append(np.square(norm) / g.dtype.type(g.shape[axis]))
    return tuple(means)


def _direction(g: np.ndarray, state: dict, weight: float, eps1: float) -> np.ndarray:
    """Update the second-moment state from ``g`` (the parameter's shape) and return the step
    direction g / sqrt(max(v, eps1^2)) as a (matrices, rows, columns) array."""
    f = g.dtype.type
    if g.ndim < 2:  # v itself: the factored form with a unit row factor and divisor
        variance = state["variance"].data
        lerp_(variance, g * g, weight)
        unit = np.ones((1, 1), g.dtype)
        return _kernels.adafactor_direction(g.reshape(1, 1, -1), unit, variance.reshape(1, -1),
                                            unit.reshape(1), eps1)
    row_var, col_var = state["row_var"].data, state["col_var"].data
    row_mean, col_mean = _mean_squares(g)
    lerp_(row_var, row_mean, weight)
    lerp_(col_var, col_mean, weight)
    row_var_mean = np.mean(row_var, axis=-2, keepdims=True, dtype=np.float64)
    divisor = np.maximum(row_var_mean.astype(g.dtype), f(eps1))
    *batch, rows, columns = g.shape
    matrices = int(np.prod(batch))
    return _kernels.adafactor_direction(g.reshape(matrices, rows, columns),
                                        row_var.reshape(matrices, rows),
                                        col_var.reshape(matrices, columns),
                                        divisor.reshape(matrices), eps1)


class Adafactor(Optimizer):
    """beta2_t = 1 - t^beta2_decay; rho_t = min(lr, 1/sqrt(t));
    alpha = max(eps2, RMS(p)) * rho_t. For a parameter of 2+ dims, R = lerp(R, mean(g^2, -1),
    1-beta2_t) and C = lerp(C, mean(g^2, -2), ...) (state ``row_var``, ``col_var``), and
    v = R C / max(mean(R), eps1); else v = lerp(v, g^2, ...) (``variance``).
    u = g / sqrt(max(v, eps1^2)); p -= alpha / max(1, RMS(u) / d) * u. ``weight_decay`` is
    decoupled (p *= 1 - lr*wd, after alpha is taken); ``eps1`` None is the dtype's eps."""

    def __init__(self, params: Any, lr: float = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0, *,
                 foreach: Optional[bool] = None, maximize: bool = False) -> None:
        for ok, message in [(lr >= 0.0, f"Learning rate should be >= 0 but is: {lr}"),
                            (beta2_decay <= 0.0, f"beta2_decay should be <= 0 but is: "
                                                 f"{beta2_decay}"),
                            (eps[0] is None or eps[0] >= 0.0,
                             f"epsilon1 should be >= 0 but is: {eps[0]}"),
                            (eps[1] >= 0.0, f"epsilon2 should be >= 0 but is: {eps[1]}"),
                            (d >= 1.0, f"Clipping threshold d should be >= 1 but is: {d}"),
                            (weight_decay >= 0.0,
                             f"weight_decay should be >= 0 but is: {weight_decay}")]:
            if not ok:
                raise ValueError(f"Adafactor: {message}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d,
                                      weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        shape = param.shape
        if not state:
            state["step"] = _step_tensor()
            if len(shape) > 1:
                state["row_var"] = Tensor(np.zeros(shape[:-1] + (1,), p.dtype))
                state["col_var"] = Tensor(np.zeros(shape[:-2] + (1,) + shape[-1:], p.dtype))
            else:
                state["variance"] = Tensor(np.zeros(shape, p.dtype))
        lr, (eps1, eps2) = group["lr"], group["eps"]
        if eps1 is None:
            eps1 = float(np.finfo(p.dtype).eps)
        step = float(_next_step(state))
        rho = min(lr, 1 / step ** 0.5)
        with np.errstate(all="ignore"):  # inf and NaN arise silently, as in PyTorch
            alpha = max(eps2, _norm(p) / p.size ** 0.5) * rho
            grad = (np.negative(g) if group["maximize"] else g).reshape(shape)
            update = _direction(grad, state, step ** group["beta2_decay"], eps1)
            denom = max(1.0, _norm(update) / (update.size ** 0.5 * group["d"]))
        _kernels.adafactor_apply(p, update.reshape(-1), g, scale=-alpha / denom,
                                 decay_factor=1 - lr * group["weight_decay"], stats=stats)
