"""Adam (optionally AMSGrad, or with decoupled weight decay) and AdamW."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from .optimizer import (Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor,
                        check_fused)


class Adam(Optimizer):
    """m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2 (AMSGrad: running max of v);
    p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). L2 ``weight_decay`` adds wd*p to g;
    with ``decoupled_weight_decay`` it is AdamW's p *= 1 - lr*wd instead."""

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: Optional[bool] = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False,
                 fused: Optional[bool] = None, decoupled_weight_decay: bool = False) -> None:
        check_fused(type(self).__name__, foreach, fused, differentiable)
        _check_hyper(type(self).__name__, [
            (lr >= 0.0, "learning rate", lr), (eps >= 0.0, "epsilon value", eps),
            (0.0 <= betas[0] < 1.0, "beta parameter at index 0", betas[0]),
            (0.0 <= betas[1] < 1.0, "beta parameter at index 1", betas[1]),
            (weight_decay >= 0.0, "weight_decay value", weight_decay)])
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach,
                                      capturable=capturable, differentiable=differentiable,
                                      fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        amsgrad = group["amsgrad"]
        if not state:
            state.update(step=_step_tensor(), exp_avg=_state_tensor(param),
                         exp_avg_sq=_state_tensor(param))
            if amsgrad:
                state["max_exp_avg_sq"] = _state_tensor(param)
        beta1, beta2 = group["betas"]
        vmax = _flat(state["max_exp_avg_sq"]) if amsgrad else p
        _kernels.adam_step(p, g, _flat(state["exp_avg"]), _flat(state["exp_avg_sq"]), vmax,
                           step=_next_step(state), lr=group["lr"], beta1=beta1, beta2=beta2,
                           eps=group["eps"], weight_decay=group["weight_decay"],
                           decoupled=group["decoupled_weight_decay"], amsgrad=amsgrad,
                           maximize=group["maximize"], stats=stats)


class AdamW(Adam):
    """``Adam(decoupled_weight_decay=True)`` with weight_decay 1e-2 by default: p *= 1 - lr*wd
    before the Adam step."""

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: Optional[bool] = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: Optional[bool] = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
