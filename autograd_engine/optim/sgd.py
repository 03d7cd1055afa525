"""Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _flat, _state_tensor, check_fused


class SGD(Optimizer):
    """d = g + wd*p; with momentum b = mu*b + (1-dampening)*d (b = d at first) and d = b
    (Nesterov: d + mu*b); p -= lr * d. ``maximize`` ascends."""

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False, foreach: Optional[bool] = None,
                 differentiable: bool = False, fused: Optional[bool] = None) -> None:
        check_fused("SGD", foreach, fused, differentiable)
        _check_hyper("SGD", [(lr >= 0.0, "learning rate", lr),
                             (momentum >= 0.0, "momentum value", momentum),
                             (weight_decay >= 0.0, "weight_decay value", weight_decay)])
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        momentum = group["momentum"]
        first = momentum != 0 and "momentum_buffer" not in state
        if first:
            state["momentum_buffer"] = _state_tensor(param)
        buf = _flat(state["momentum_buffer"]) if momentum != 0 else p
        _kernels.sgd_step(p, g, buf, lr=group["lr"], momentum=momentum,
                          dampening=group["dampening"], weight_decay=group["weight_decay"],
                          nesterov=group["nesterov"], maximize=group["maximize"], first=first,
                          stats=stats)
