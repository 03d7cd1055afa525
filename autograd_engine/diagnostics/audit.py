"""``audit_init``: does the initialisation preserve the signal's scale, layer by layer?"""
from __future__ import annotations

import math
from typing import Any, Callable, Optional

import numpy as np

from .. import autograd, nn
from ..creation import as_tensor
from ..grad_mode import enable_grad
from ..random import generator
from ..tensor import Tensor
from .monitor import _is_layer
from .verdicts import fmt, format_table

_RELU_LIKE = (nn.ReLU, nn.GELU, nn.SiLU, nn.ELU, nn.Softplus)


def _gain(module: nn.Module) -> Optional[float]:
    """The init gain for the activation module ``module`` (None if it is not one)."""
    if isinstance(module, nn.LeakyReLU):
        return nn.init.calculate_gain("leaky_relu", module.negative_slope)
    if isinstance(module, _RELU_LIKE):
        return nn.init.calculate_gain("relu")
    if isinstance(module, nn.Tanh):
        return nn.init.calculate_gain("tanh")
    if isinstance(module, nn.Sigmoid):
        return nn.init.calculate_gain("sigmoid")
    return None


def _fan_in(module: nn.Module) -> Optional[int]:
    """in_features x receptive field, from a weight of 2+ dims (None otherwise)."""
    weight = module._parameters.get("weight")
    if weight is None or weight.ndim < 2:
        return None
    return int(weight.shape[1] * np.prod(weight.shape[2:], dtype=np.int64))


def _pooled_var(array: np.ndarray) -> float:
    return float(np.var(array, dtype=np.float64))


def audit_init(model: nn.Module, sample_batch: Any,
               loss_fn: Optional[Callable[[Tensor, Any], Tensor]] = None, *,
               low: float = 0.25, high: float = 4.0, verbose: bool = True) -> list:
    """One forward and backward pass at initialisation; one dict per layer in forward order.

    ``sample_batch`` is ``x`` or ``(x, y)``; the loss is ``loss_fn(output, y)``, by default
    mean(output**2). For a layer with input ``x``, pre-activation output ``y`` and a weight
    of 2+ dims (fan_in = in_features x receptive field), with ``gain`` that of the activation
    module that follows it (relu/gelu/silu/elu/softplus: sqrt(2), leaky_relu:
    sqrt(2/(1+slope^2)), tanh: 5/3, sigmoid or none: 1):

    - ``act_var`` = Var(y), ``grad_var`` = Var(dL/dy), pooled over batch and units;
    - ``expected_var`` = gain^2 * mean(x^2): the output variance that He/Xavier-style init
      (Var(W) = gain^2 / fan_in) targets, i.e. what keeps the scale through depth;
    - ``predicted_var`` = fan_in * mean(W^2) * mean(x^2) + Var(b): what these weights give
      (independent zero-mean weights), so ``act_var`` ~ ``predicted_var`` for wide layers;
    - ``scale`` = act_var / expected_var and ``flags``: {'shrinking'} below ``low``, {'growing'}
      above ``high`` (the defaults flag weights off by more than 2x, e.g. 0.3x or 3x He).

    Other layers (e.g. batch norm) get NaN for the expectations and no flags. Parameters,
    their ``.grad``, buffers (running statistics) and the library's random state are left as
    they were (gradients are taken with ``autograd.grad``). Prints the table when
    ``verbose``.
    """
    x, y = sample_batch if isinstance(sample_batch, (tuple, list)) else (sample_batch, None)
    x = x if isinstance(x, Tensor) else as_tensor(np.asarray(x))
    layers = {name: m for name, m in model.named_modules() if _is_layer(m)}
    seen: dict = {}
    last = [None]

    def layer_hook(name: str) -> Callable:
        def hook(module: nn.Module, args: tuple, output: Any) -> None:
            if isinstance(output, Tensor) and args and isinstance(args[0], Tensor):
                seen[name] = dict(input_sq=float(np.mean(np.square(args[0].data,
                                                                   dtype=np.float64))),
                                  output=output, gain=1.0)
                last[0] = name
        return hook

    def activation_hook(module: nn.Module, args: tuple, output: Any) -> None:
        if last[0] is not None:
            seen[last[0]]["gain"] = _gain(module)
            last[0] = None

    handles = [m.register_forward_hook(layer_hook(n)) for n, m in layers.items()]
    handles += [m.register_forward_hook(activation_hook) for m in model.modules()
                if _gain(m) is not None]
    buffers = [(b, b.data.copy()) for b in model.buffers()]
    random_state = generator().bit_generator.state
    try:
        with enable_grad():
            output = model(x)
            loss = (output * output).mean() if loss_fn is None else loss_fn(output, y)
            targets = [n for n in seen if seen[n]["output"].requires_grad]
            grads = autograd.grad(loss, [seen[n]["output"] for n in targets],
                                  allow_unused=True) if targets else ()
    finally:
        for handle in handles:
            handle.remove()
        for buffer, saved in buffers:
            np.copyto(buffer.data, saved)
        generator().bit_generator.state = random_state
    grad_of = dict(zip(targets, grads))
    rows = [_audit_row(name, layers[name], seen[name], grad_of.get(name), low, high)
            for name in seen]
    if verbose:
        print(audit_table(rows))
    return rows


def _audit_row(name: str, module: nn.Module, seen: dict, grad: Optional[Tensor], low: float,
               high: float) -> dict:
    nan = math.nan
    act_var = _pooled_var(seen["output"].data)
    fan_in = _fan_in(module)
    expected = predicted = scale = nan
    flags = set()
    if fan_in is not None:
        weight = module._parameters["weight"].data
        bias = module._parameters.get("bias")
        expected = seen["gain"] ** 2 * seen["input_sq"]
        predicted = fan_in * float(np.mean(np.square(weight, dtype=np.float64))) * \
            seen["input_sq"] + (_pooled_var(bias.data) if bias is not None else 0.0)
        scale = act_var / expected if expected > 0 else nan
        if scale < low:
            flags.add("shrinking")
        elif scale > high:
            flags.add("growing")
    return dict(layer=name, fan_in=fan_in, act_var=act_var,
                grad_var=_pooled_var(grad.data) if grad is not None else nan,
                expected_var=expected, predicted_var=predicted, scale=scale, flags=flags)


def audit_table(rows: list) -> str:
    """The rows of ``audit_init`` as a text table."""
    headers = ["layer", "fan_in", "act_var", "expected_var", "predicted_var", "scale",
               "grad_var", "flags"]
    cells = [[r["layer"], "-" if r["fan_in"] is None else str(r["fan_in"]), fmt(r["act_var"]),
              fmt(r["expected_var"]), fmt(r["predicted_var"]), fmt(r["scale"]),
              fmt(r["grad_var"]), ",".join(sorted(r["flags"])) or "ok"] for r in rows]
    return "audit_init (scale = act_var / expected_var; He/Xavier keep it near 1)\n" + \
        format_table(headers, cells)
