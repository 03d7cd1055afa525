"""Adam's variants: NAdam (Nesterov momentum), RAdam (rectified variance) and Adamax
(infinity norm), with PyTorch's signatures, defaults, state keys and single-tensor updates."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from ._elementwise import ElementwiseOptimizer, lerp_, mul_add_square_, scalar_tensor, with_l2
from .optimizer import _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


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


def _decay(p: np.ndarray, g: np.ndarray, group: dict) -> np.ndarray:
    """Weight decay as NAdam/RAdam apply it: p *= 1 - lr*wd when decoupled, else g += wd*p."""
    wd = group["weight_decay"]
    if wd != 0 and group["decoupled_weight_decay"]:
        p *= p.dtype.type(1 - group["lr"] * wd)
        return g
    return with_l2(g, p, wd)


class NAdam(ElementwiseOptimizer):
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

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
               param: Tensor) -> None:
        _moments(state, param, mu_product=scalar_tensor(1.0))
        f = p.dtype.type
        lr, (beta1, beta2), psi = group["lr"], group["betas"], group["momentum_decay"]
        step = _next_step(state)
        g = _decay(p, g, group)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * psi))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * psi))
        product = state["mu_product"].data
        product *= product.dtype.type(mu)
        product = float(product)
        m, v = _flat(state["exp_avg"]), _flat(state["exp_avg_sq"])
        lerp_(m, g, 1 - beta1)
        mul_add_square_(v, beta2, g)
        denom = v / f(1 - beta2 ** step)
        np.sqrt(denom, out=denom)
        denom += f(group["eps"])
        p += f(-lr * (1.0 - mu) / (1.0 - product)) * g / denom
        p += f(-lr * mu_next / (1.0 - product * mu_next)) * m / denom


class RAdam(ElementwiseOptimizer):
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

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
               param: Tensor) -> None:
        _moments(state, param)
        f = p.dtype.type
        lr, (beta1, beta2) = group["lr"], group["betas"]
        step = _next_step(state)
        g = _decay(p, g, group)
        m, v = _flat(state["exp_avg"]), _flat(state["exp_avg_sq"])
        lerp_(m, g, 1 - beta1)
        mul_add_square_(v, beta2, g)
        bias_correction2 = 1 - beta2 ** step
        update = m / f(1 - beta1 ** step)
        update *= f(lr)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
        if rho_t > 5.0:
            adaptive = np.sqrt(v)
            adaptive += f(group["eps"])
            np.reciprocal(adaptive, out=adaptive)
            adaptive *= f(bias_correction2 ** 0.5)
            update *= adaptive
            update *= f(((rho_t - 4) * (rho_t - 2) * rho_inf
                         / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5)
        p -= update


class Adamax(ElementwiseOptimizer):
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

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
               param: Tensor) -> None:
        if not state:
            state.update(step=_step_tensor(), exp_avg=_state_tensor(param),
                         exp_inf=_state_tensor(param))
        f = p.dtype.type
        beta1, beta2 = group["betas"]
        step = _next_step(state)
        g = with_l2(g, p, group["weight_decay"])
        m, u = _flat(state["exp_avg"]), _flat(state["exp_inf"])
        lerp_(m, g, 1 - beta1)
        u *= f(beta2)
        norm = np.abs(g)
        norm += f(group["eps"])
        np.maximum(u, norm, out=u)
        p += f(-(group["lr"] / (1 - beta1 ** step))) * m / u
