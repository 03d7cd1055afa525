"""Averaged SGD (Polyak-Ruppert averaging) with PyTorch's eta and mu schedules."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from ._elementwise import scalar_tensor
from .optimizer import Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


class ASGD(Optimizer):
    """p *= 1 - lambd*eta; p -= eta*g; ax += mu (p - ax) (ax = p while mu is 1); then
    eta = lr / (1 + lambd lr t)^alpha and mu = 1 / max(1, t - t0). ``eta`` and ``mu`` are
    float32 state scalars, as in PyTorch; ``ax`` holds the average."""

    def __init__(self, params: Any, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: Optional[bool] = None,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_hyper("ASGD", [(lr >= 0.0, "learning rate", lr),
                              (weight_decay >= 0.0, "weight_decay value", weight_decay)])
        super().__init__(params, dict(
            lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
            foreach=foreach, maximize=maximize, differentiable=differentiable,
            capturable=capturable))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        if not state:
            state.update(step=_step_tensor(), eta=scalar_tensor(group["lr"]),
                         mu=scalar_tensor(1.0), ax=_state_tensor(param))
        _kernels.asgd_step(p, g, _flat(state["ax"]), state["eta"].data, state["mu"].data,
                           step=_next_step(state), lr=group["lr"], lambd=group["lambd"],
                           alpha=group["alpha"], t0=group["t0"],
                           weight_decay=group["weight_decay"], maximize=group["maximize"],
                           stats=stats)
