"""Rprop: per-element step sizes grown or shrunk by the sign agreement of successive
gradients."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from ._elementwise import ElementwiseOptimizer
from .optimizer import _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


def _sign(x: np.ndarray) -> np.ndarray:
    """PyTorch's ``sign``: (x > 0) - (x < 0), so NaN (and -0.0) give 0."""
    return (x > 0).astype(x.dtype) - (x < 0)


class Rprop(ElementwiseOptimizer):
    """s *= etaplus where g*prev > 0, etaminus where < 0 (and g is taken as 0 there), then
    clamped to ``step_sizes``; p -= sign(g) * s; prev = g. State keys ``prev``,
    ``step_size`` (which starts at lr)."""

    def __init__(self, params: Any, lr: float = 1e-2, etas: tuple = (0.5, 1.2),
                 step_sizes: tuple = (1e-6, 50), *, capturable: bool = False,
                 foreach: Optional[bool] = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_hyper("Rprop", [(lr >= 0.0, "learning rate", lr),
                               (0.0 < etas[0] < 1.0 < etas[1], "eta values",
                                f"{etas[0]}, {etas[1]}")])
        super().__init__(params, dict(
            lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
            differentiable=differentiable, capturable=capturable))

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
               param: Tensor) -> None:
        if not state:
            state.update(step=_step_tensor(), prev=_state_tensor(param),
                         step_size=_state_tensor(param, group["lr"]))
        f = p.dtype.type
        (etaminus, etaplus), (smallest, largest) = group["etas"], group["step_sizes"]
        _next_step(state)
        prev, step_size = _flat(state["prev"]), _flat(state["step_size"])
        factor = _sign(g * prev)
        factor[factor > 0] = f(etaplus)
        factor[factor < 0] = f(etaminus)
        factor[factor == 0] = f(1)
        step_size *= factor
        np.clip(step_size, f(smallest), f(largest), out=step_size)
        g = g.copy()
        g[factor == f(etaminus)] = 0
        p += f(-1) * _sign(g) * step_size
        np.copyto(prev, g)
