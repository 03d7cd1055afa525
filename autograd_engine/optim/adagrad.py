"""Adagrad with learning-rate decay."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from .optimizer import (Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor,
                        check_fused)


class Adagrad(Optimizer):
    """s += g^2; p -= lr / (1 + (t-1)*lr_decay) * g / (sqrt(s) + eps). State is created for
    every parameter at construction, as in PyTorch."""

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: Optional[bool] = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 fused: Optional[bool] = None) -> None:
        check_fused("Adagrad", foreach, fused, differentiable)
        _check_hyper("Adagrad", [
            (lr >= 0.0, "learning rate", lr), (lr_decay >= 0.0, "lr_decay value", lr_decay),
            (weight_decay >= 0.0, "weight_decay value", weight_decay),
            (initial_accumulator_value >= 0.0, "initial_accumulator_value value",
             initial_accumulator_value),
            (eps >= 0.0, "epsilon value", eps)])
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps,
                                      weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p].update(
                    step=_step_tensor(),
                    sum=_state_tensor(p, group["initial_accumulator_value"]))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        if not state:  # a group added after construction
            state.update(step=_step_tensor(),
                         sum=_state_tensor(param, group["initial_accumulator_value"]))
        _kernels.adagrad_step(p, g, _flat(state["sum"]), step=_next_step(state),
                              lr=group["lr"], lr_decay=group["lr_decay"], eps=group["eps"],
                              weight_decay=group["weight_decay"], maximize=group["maximize"],
                              stats=stats)
