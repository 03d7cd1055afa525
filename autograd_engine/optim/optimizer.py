"""The ``Optimizer`` base: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

Subclasses implement ``_update(p, g, state, group, param, stats)`` on flat contiguous arrays
by calling one fused kernel from ``autograd_engine.kernels.optim``; the base handles grouping,
skipping parameters without a gradient, non-contiguous data, ``no_grad`` and version bumps.
While ``measure_updates`` is on, each step also records every parameter's squared update,
weight and gradient norms, measured inside the kernels (``GradientMonitor`` reads them).
"""
from __future__ import annotations

from collections import defaultdict
from itertools import chain
from typing import Any, Callable, Iterable, Optional

import numpy as np

from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor


class _RequiredParameter:
    """Marks a hyper-parameter every group must give (PyTorch's ``required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _check_hyper(optimizer: str, checks: Iterable[tuple[bool, str, Any]]) -> None:
    """Raise ``ValueError(f"{optimizer}: Invalid {what}: {value}")`` for the first failing check."""
    for ok, what, value in checks:
        if not ok:
            raise ValueError(f"{optimizer}: Invalid {what}: {value}")


def _flat(t: Tensor) -> np.ndarray:
    """A state tensor's array as a flat view the kernels can update in place."""
    if not t.data.flags.c_contiguous:
        t.data = np.ascontiguousarray(t.data)
    return t.data.reshape(-1)


def _state_tensor(p: Tensor, fill: float = 0.0) -> Tensor:
    """A C-contiguous state array shaped and typed like ``p``, filled with ``fill``."""
    return Tensor(np.full(p.shape, fill, dtype=p.dtype))


def _step_tensor() -> Tensor:
    """The step counter, a 0-d float32 tensor like PyTorch's ``state['step']``."""
    return Tensor(np.zeros((), dtype=np.float32))


def _next_step(state: dict) -> int:
    """Increment ``state['step']`` and return the new count."""
    step = state["step"].data
    step += 1  # in place: a state dict taken earlier sees the count, as in PyTorch
    return int(step)


def _check_modes(name: str, group: dict) -> None:
    """PyTorch accepts ``capturable`` and ``differentiable`` but fails at ``step`` for CPU leaf
    parameters that require grad (the only kind here); ``foreach`` and ``fused`` change no
    result (every update here is already one fused pass)."""
    if group.get("capturable"):
        raise AssertionError(f"{name}: If capturable=True, params and state_steps must be on "
                             "supported devices: ['cuda', 'xpu', 'hpu', 'privateuseone', "
                             "'xla'] (this engine runs on the CPU).")
    if group.get("differentiable"):
        raise RuntimeError(f"{name}: differentiable=True: a leaf Variable that requires grad is "
                           "being used in an in-place operation.")


def check_fused(name: str, foreach: Any, fused: Any, differentiable: bool) -> None:
    """PyTorch's constructor checks of ``fused`` (SGD, Adam(W), Adagrad)."""
    if fused and foreach:
        raise RuntimeError(f"{name}: `fused` and `foreach` cannot be `True` together.")
    if fused and differentiable:
        raise RuntimeError(f"{name}: `fused` does not support `differentiable`")


class Optimizer:
    """Base class: ``params`` is an iterable of tensors or of dicts (parameter groups), each
    group's missing hyper-parameters are taken from ``defaults``."""

    def __init__(self, params: Any, defaults: dict) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(f"{name}: params argument given to the optimizer should be an "
                            "iterable of Tensors or dicts, but got a Tensor")
        self.defaults = defaults
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        self.update_sumsq: Optional[dict[int, tuple[float, float, float]]] = None
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines + [")"])

    def add_param_group(self, param_group: dict) -> None:
        """Append a group; its hyper-parameters default to the optimizer's ``defaults``."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: param_group must be a dict, got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(f"{name}: optimizer parameters need to be organized in ordered "
                            "collections, but the ordering of tensors in sets will change "
                            "between runs. Please use a list instead.")
        params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: optimizer can only optimize Tensors, but one of the "
                                f"params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (shape {p.shape})")
        group = dict(param_group, params=params)
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(f"{name}: parameter group didn't specify a value of required "
                                 f"optimization parameter {key}")
            group.setdefault(key, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every parameter's ``.grad`` (or zero it in place with ``set_to_none=False``)."""
        for p in chain.from_iterable(g["params"] for g in self.param_groups):
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                if p.grad.grad_fn is not None:
                    p.grad = p.grad.detach()
                p.grad.requires_grad = False
                with no_grad():
                    p.grad.zero_()

    def measure_updates(self, enabled: bool = True) -> None:
        """While enabled, ``step()`` fills ``update_sumsq``: ``{id(param): (||w_after -
        w_before||^2, ||w_before||^2, ||grad||^2)}`` for the parameters it updated, computed
        by the update kernels in the same pass (no copy of the weights). Disabled, it is
        None."""
        self.update_sumsq = {} if enabled else None

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Any:
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        if self.update_sumsq is not None:
            self.update_sumsq = {}
        with no_grad():
            for group in self.param_groups:
                _check_modes(type(self).__name__, group)
                for p in group["params"]:
                    if p.grad is not None:
                        self._step_param(p, group)
        return loss

    def _step_param(self, p: Tensor, group: dict) -> None:
        if p.grad.shape != p.shape:
            raise RuntimeError(f"{type(self).__name__}.step: gradient shape {p.grad.shape} does "
                               f"not match parameter shape {p.shape}")
        data = p.data
        flat = data.reshape(-1) if data.flags.c_contiguous else np.ascontiguousarray(data).ravel()
        grad = np.ascontiguousarray(p.grad.data, dtype=data.dtype).reshape(-1)
        stats = None if self.update_sumsq is None else np.zeros(3)
        state = self.state.get(p, {})
        self._update(flat, grad, state, group, p, stats)
        if state:  # a stateless update (SGD without momentum) leaves no entry, as PyTorch
            self.state[p] = state
        if stats is not None:
            self.update_sumsq[id(p)] = tuple(stats.tolist())
        if not np.shares_memory(flat, data):  # non-contiguous parameter: write the copy back
            np.copyto(data, flat.reshape(data.shape))
        p._bump_version()

    def _update(self, p: np.ndarray, g: np.ndarray, state: dict, group: dict,
                param: Tensor, stats: Optional[np.ndarray]) -> None:
        """Update flat ``p`` in place from gradient ``g``; ``param`` shapes new state;
        ``stats`` (None or float64[3]) is passed on to the kernel to measure the update."""
        raise NotImplementedError

    # -- state dicts ---------------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}``,
        parameters numbered in group order as PyTorch does (state tensors are not copied)."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: s for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyper-parameters and state saved by ``state_dict`` (state is copied and cast
        to each parameter's dtype, except the step count)."""
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}: loaded state dict has a different number of parameter "
                             f"groups ({len(saved_groups)} vs {len(self.param_groups)})")
        for group, saved in zip(self.param_groups, saved_groups):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(f"{name}: loaded state dict contains a parameter group that "
                                 f"doesn't match the size of optimizer's group "
                                 f"({len(saved['params'])} vs {len(group['params'])})")
        id_map = {}
        for group, saved in zip(self.param_groups, saved_groups):
            id_map.update(zip(saved["params"], group["params"]))
        self.state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                p = id_map[key]
                self.state[p] = {k: _cast_state(p, k, v) for k, v in value.items()}
        # A hyper-parameter added since the checkpoint was written takes its default.
        self.param_groups = [{**self.defaults, **saved, "params": group["params"]}
                             for group, saved in zip(self.param_groups, saved_groups)]


def _cast_state(p: Tensor, key: str, value: Any) -> Any:
    """A private contiguous copy of a saved state value, in ``p``'s dtype (``step`` stays)."""
    if isinstance(value, np.ndarray):
        value = Tensor(value)
    if not isinstance(value, Tensor):
        return value
    dtype = value.dtype if key == "step" else p.dtype
    return Tensor(np.array(value.data, dtype=dtype, order="C", copy=True))
