"""Adam's variants: NAdam (Nesterov momentum), RAdam (rectified variance) and Adamax
(infinity norm), with PyTorch's signatures, defaults, state keys and single-tensor updates,
each one fused kernel pass per parameter (``autograd_engine.kernels.optim``)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from ._elementwise import scalar_tensor
from .optimizer import Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


def _check_adam(name: str, lr: float, betas: tuple, eps: float, weight_decay: float,
                *more: tuple) -> None:
    """PyTorch's checks, in its order: lr, eps, betas, weight_decay, then ``more``."""
    _check_hyper(name, [(lr >= 0.0, "learning rate", lr), (eps >= 0.0, "epsilon value", eps),
                        (0.0 <= betas[0] < 1.0, "beta parameter at index 0", betas[0]),
                        (0.0 <= betas[1] < 1.0, "beta parameter at index 1", betas[1]),
                        (weight_decay >= 0.0, "weight_decay value", weight_decay), *more])


def _moments(state: dict, param: Tensor, **extra: Tensor) -> None:
    """Lazy state: step, ``extra`` scalars, then exp_avg and exp_avg_sq (PyTorch's order)."""
    if not state:
        state.update(step=_step_tensor(), **extra, exp_avg=_state_tensor(param),
                     exp_avg_sq=_state_tensor(param))


class NAdam(Optimizer):
    """Adam with Nesterov momentum: mu_t = b1 (1 - 0.96^(t psi) / 2), prod = prod(mu_1..t);
    p -= lr (1-mu_t)/(1-prod) g/denom + lr mu_{t+1}/(1-prod mu_{t+1}) m/denom with
    denom = sqrt(v / (1-b2^t)) + eps."""

    def __init__(self, params: Any, lr: float = 2e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: Optional[bool] = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam("NAdam", lr, betas, eps, weight_decay,
                    (momentum_decay >= 0.0, "momentum_decay value", momentum_decay))
        super().__init__(params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
            momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize, foreach=foreach, capturable=capturable,
            differentiable=differentiable))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        _moments(state, param, mu_product=scalar_tensor(1.0))
        beta1, beta2 = group["betas"]
        _kernels.nadam_step(p, g, _flat(state["exp_avg"]), _flat(state["exp_avg_sq"]),
                            state["mu_product"].data, step=_next_step(state), lr=group["lr"],
                            beta1=beta1, beta2=beta2, eps=group["eps"],
                            weight_decay=group["weight_decay"],
                            momentum_decay=group["momentum_decay"],
                            decoupled=group["decoupled_weight_decay"],
                            maximize=group["maximize"], stats=stats)


class RAdam(Optimizer):
    """Adam with the variance rectified: while the SMA length rho_t <= 5 the step is
    p -= lr m/(1-b1^t); after, p -= lr m/(1-b1^t) * sqrt(1-b2^t)/(sqrt(v)+eps) * r_t."""

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0,
                 decoupled_weight_decay: bool = False, *, foreach: Optional[bool] = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam("RAdam", lr, betas, eps, weight_decay)
        super().__init__(params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
            foreach=foreach, capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        _moments(state, param)
        beta1, beta2 = group["betas"]
        _kernels.radam_step(p, g, _flat(state["exp_avg"]), _flat(state["exp_avg_sq"]),
                            step=_next_step(state), lr=group["lr"], beta1=beta1, beta2=beta2,
                            eps=group["eps"], weight_decay=group["weight_decay"],
                            decoupled=group["decoupled_weight_decay"],
                            maximize=group["maximize"], stats=stats)


class Adamax(Optimizer):
    """Adam with the infinity norm: m = lerp(m, g, 1-b1); u = max(b2 u, |g| + eps);
    p -= lr/(1-b1^t) * m/u. State keys ``exp_avg``, ``exp_inf``."""

    def __init__(self, params: Any, lr: float = 2e-3, betas: tuple = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: Optional[bool] = None,
                 *, maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_adam("Adamax", lr, betas, eps, weight_decay)
        super().__init__(params, dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
            maximize=maximize, differentiable=differentiable, capturable=capturable))

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        if not state:
            state.update(step=_step_tensor(), exp_avg=_state_tensor(param),
                         exp_inf=_state_tensor(param))
        beta1, beta2 = group["betas"]
        _kernels.adamax_step(p, g, _flat(state["exp_avg"]), _flat(state["exp_inf"]),
                             step=_next_step(state), lr=group["lr"], beta1=beta1, beta2=beta2,
                             eps=group["eps"], weight_decay=group["weight_decay"],
                             maximize=group["maximize"], stats=stats)
