"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


class Adadelta(Optimizer):
    """s = rho s + (1-rho) g^2; delta = sqrt(a + eps) / sqrt(s + eps) * g;
    a = rho a + (1-rho) delta^2; p -= lr * delta. State keys ``square_avg``, ``acc_delta``."""

    def __init__(self, params: Any, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: Optional[bool] = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_hyper("Adadelta", [(lr >= 0.0, "learning rate", lr),
                                  (0.0 <= rho <= 1.0, "rho value", rho),
                                  (eps >= 0.0, "epsilon value", eps),
                                  (weight_decay >= 0.0, "weight_decay value", weight_decay)])
        super().__init__(params, dict(
            lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
            capturable=capturable, foreach=foreach, differentiable=differentiable))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        if not state:
            state.update(step=_step_tensor(), square_avg=_state_tensor(param),
                         acc_delta=_state_tensor(param))
        _next_step(state)
        _kernels.adadelta_step(p, g, _flat(state["square_avg"]), _flat(state["acc_delta"]),
                               lr=group["lr"], rho=group["rho"], eps=group["eps"],
                               weight_decay=group["weight_decay"], maximize=group["maximize"],
                               stats=stats)
