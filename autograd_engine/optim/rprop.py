"""Rprop: per-element step sizes grown or shrunk by the sign agreement of successive
gradients."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..kernels import optim as _kernels
from ..tensor import Tensor
from .optimizer import Optimizer, _check_hyper, _flat, _next_step, _state_tensor, _step_tensor


class Rprop(Optimizer):
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

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        if not state:
            state.update(step=_step_tensor(), prev=_state_tensor(param),
                         step_size=_state_tensor(param, group["lr"]))
        (etaminus, etaplus), (smallest, largest) = group["etas"], group["step_sizes"]
        _next_step(state)
        _kernels.rprop_step(p, g, _flat(state["prev"]), _flat(state["step_size"]),
                            etaminus=etaminus, etaplus=etaplus, step_size_min=smallest,
                            step_size_max=largest, maximize=group["maximize"], stats=stats)
