"""Averaged SGD (Polyak-Ruppert averaging) with PyTorch's eta and mu schedules."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from ._elementwise import ElementwiseOptimizer, add_scaled_, scalar_tensor, with_l2
from .optimizer import _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


class ASGD(ElementwiseOptimizer):
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

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
               param: Tensor) -> None:
        lr, lambd = group["lr"], group["lambd"]
        if not state:
            state.update(step=_step_tensor(), eta=scalar_tensor(lr), mu=scalar_tensor(1.0),
                         ax=_state_tensor(param))
        f = p.dtype.type
        step = _next_step(state)
        g = with_l2(g, p, group["weight_decay"])
        eta, mu = state["eta"].data, state["mu"].data
        p *= f(1 - lambd * float(eta))
        add_scaled_(p, -float(eta), g)
        ax = _flat(state["ax"])
        if mu != 1:
            ax += (p - ax) * f(mu)
        else:
            np.copyto(ax, p)
        # PyTorch makes each a float32 tensor (``as_tensor``) first, even when the state
        # holds float64 (after loading a state dict for float64 parameters)
        eta[...] = np.float32(lr / (1 + lambd * lr * step) ** group["alpha"])
        mu[...] = np.float32(1 / max(1, step - group["t0"]))
