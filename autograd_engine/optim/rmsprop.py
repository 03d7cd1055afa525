"""RMSprop, optionally centered and with momentum."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


class RMSprop(Optimizer):
    """s = a*s + (1-a)*g^2; avg = sqrt(s - mean(g)^2 if centered else s) + eps;
    p -= lr * g/avg, or with momentum b = mu*b + g/avg and p -= lr * b."""

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 capturable: bool = False, foreach: Optional[bool] = None,
                 maximize: bool = False, differentiable: bool = False) -> None:
        _check_hyper("RMSprop", [
            (lr >= 0.0, "learning rate", lr), (eps >= 0.0, "epsilon value", eps),
            (momentum >= 0.0, "momentum value", momentum),
            (weight_decay >= 0.0, "weight_decay value", weight_decay),
            (alpha >= 0.0, "alpha value", alpha)])
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        momentum, centered = group["momentum"], group["centered"]
        if not state:
            state.update(step=_step_tensor(), square_avg=_state_tensor(param))
            if momentum > 0:
                state["momentum_buffer"] = _state_tensor(param)
            if centered:
                state["grad_avg"] = _state_tensor(param)
        _next_step(state)
        _kernels.rmsprop_step(
            p, g, _flat(state["square_avg"]),
            _flat(state["grad_avg"]) if centered else p,
            _flat(state["momentum_buffer"]) if momentum > 0 else p,
            lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
            weight_decay=group["weight_decay"], momentum=momentum, centered=centered,
            maximize=group["maximize"], stats=stats)
