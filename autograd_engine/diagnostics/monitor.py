"""``GradientMonitor``: per-layer gradient, weight, update and activation statistics while
training, with verdicts (vanishing, exploding, dead ReLUs, saturation, instability, NaN/Inf).

A *layer* is a module that directly owns parameters (``Linear``, ``BatchNorm1d``, ``Conv2d``
...; not a container), named as in ``model.named_modules()``, listed in forward order. A
*step* is one backward pass (and, when the optimizer is given, its ``step()``).

What is observed, and how:

- gradients: a hook on each parameter sees the gradient of that backward pass (before any
  clipping, and not accumulated with earlier passes); ``grad_norm`` is the 2-norm over all
  of the layer's parameters (weight and bias as one vector). With a library optimizer the
  hook only keeps the gradient, and the optimizer's update kernel measures it while reading
  it, when it reaches the optimizer as the parameter's unchanged ``.grad``; otherwise it is
  measured by a separate pass (before ``clip_grad_norm_``/``clip_grad_value_`` change it).
  A gradient changed in place by other tensor operations between ``backward()`` and
  ``step()`` is measured after the change, with a warning; a change made directly on its
  numpy array (``p.grad.data *= 2``) cannot be noticed;
- weights and updates: with an optimizer, its ``step`` is wrapped: ``weight_norm`` is the
  norm of the parameters before the update and ``update_ratio`` is
  ||w_after - w_before|| / ||w_before||. The library's optimizers measure both inside their
  update kernels (``Optimizer.measure_updates``); any other optimizer (or one overriding
  ``step``/``_update``) is measured from a copy of the weights taken before its step.
  Without an optimizer, ``weight_norm`` is measured when the step closes and
  ``update_ratio`` is NaN;
- activations: forward hooks on the layer (its output, ``preact_*``) and on the activation
  module that follows it in the forward pass (``ReLU``, ``Sigmoid``, ``Tanh``, ``LeakyReLU``,
  ``GELU``, ``SiLU``, ``ELU``, ``Softplus``): ``act_mean``/``act_std`` of that module's
  output (of the layer's own output when no activation module follows), ``dead_fraction``
  (ReLU units that output exactly 0 for every sample of the batch) and
  ``saturated_fraction`` (sigmoid/tanh units within ``saturation_eps`` of an asymptote for at
  least ``saturation_share`` of the batch). A *unit* is an output feature: the last axis for
  ``Linear``-style outputs, axis 1 (channels) for 3-D and larger outputs of convolution and
  batch-norm layers. Activations applied functionally inside a ``forward`` (``F.relu(x)``,
  ``x.sigmoid()``) are not modules, so they are not seen: their statistics read NaN (shown
  as ``-``) and the layer's own output is reported instead.

Only forward passes in training mode with gradients enabled are observed (evaluation under
``no_grad`` is ignored). Reading results (``report``, ``history``, ...) closes the step in
progress once its backward pass has run. Monitoring draws no random numbers and every hook returns None, so
training results are bit-identical with and without it (the measuring update kernels apply
exactly the same arithmetic). The statistics come from fused Numba reductions
(``autograd_engine.kernels.stats``), one pass per array; a gradient's NaN/Inf count costs a
second pass only when its squared norm is not finite.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import replace
from typing import Any, Mapping, Optional, Union

import numpy as np

from .. import nn
from ..grad_mode import is_grad_enabled
from ..kernels import stats
from ..nn import utils as nn_utils
from ..optim import Optimizer
from ..tensor import Tensor
from .verdicts import FLAGS, Thresholds, explain, fmt, format_table, layer_flags, loss_verdict

STATISTICS = ("grad_norm", "weight_norm", "update_ratio", "act_mean", "act_std",
              "preact_mean", "preact_std", "dead_fraction", "saturated_fraction",
              "nonfinite_act", "nonfinite_grad", "nonfinite")

_OTHER_ACTIVATIONS = (nn.LeakyReLU, nn.GELU, nn.SiLU, nn.ELU, nn.Softplus)


def _is_layer(module: nn.Module) -> bool:
    return any(p is not None for p in module._parameters.values())


def _channels_first(module: nn.Module) -> bool:
    """Layers whose 3-D+ outputs carry units on axis 1 (N, C, ...), not on the last axis."""
    names = ("Conv1d", "Conv2d", "Conv3d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d",
             "InstanceNorm1d", "InstanceNorm2d", "GroupNorm")
    return isinstance(module, tuple(getattr(nn, n) for n in names if hasattr(nn, n)))


def _units(array: np.ndarray, channels_first: bool) -> np.ndarray:
    """View as (outer, units, inner) for the per-unit counts."""
    if array.ndim < 2:
        return array.reshape(1, -1, 1)
    if channels_first and array.ndim > 2:
        return array.reshape(array.shape[0], array.shape[1], -1)
    return array.reshape(-1, array.shape[-1], 1)


def _mean_std(total: float, squares: float, n: int) -> tuple[float, float]:
    """Population mean and std from a sum and a sum of squares."""
    if n == 0:
        return math.nan, math.nan
    mean = total / n
    return mean, math.sqrt(max(squares / n - mean * mean, 0.0))


def _measures_in_kernels(optimizer: Any) -> bool:
    """Whether every update of ``optimizer`` goes through a library kernel that can measure it:
    a built-in optimizer class whose ``step`` and ``_update`` are not overridden."""
    cls = type(optimizer)
    return (isinstance(optimizer, Optimizer) and cls.step is Optimizer.step
            and cls._update.__module__.startswith(Optimizer.__module__.rpartition(".")[0]))


def _loss_value(loss: Any) -> float:
    if isinstance(loss, Tensor):
        if loss.data.size != 1:
            raise ValueError(f"GradientMonitor.record_loss: expected a scalar loss, got a tensor "
                             f"of shape {loss.shape}")
        return float(loss.data.reshape(()))
    return float(loss)


class GradientMonitor:
    """Record per-layer training statistics of ``model`` every ``every`` steps.

    Use as a context manager or with ``attach()`` / ``detach()``; ``thresholds`` (a
    ``Thresholds`` or a dict of its fields) tunes the verdicts. See the module docstring for
    the statistics' definitions (activations applied functionally, e.g. ``F.relu`` inside a
    ``forward``, are not seen: use activation modules)::

        with GradientMonitor(model, optimizer) as mon:
            for x, y in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()
                mon.record_loss(loss)
        print(mon)                      # per-layer table, flags, causes and remedies
        mon.history["0"]["grad_norm"]   # numpy array over the recorded steps
        mon.plot("gradients.png")
    """

    def __init__(self, model: nn.Module, optimizer: Any = None, every: int = 1,
                 thresholds: Union[Thresholds, Mapping[str, float], None] = None) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"GradientMonitor: model must be an nn.Module, got "
                            f"{type(model).__name__}")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"GradientMonitor: every must be a positive int, got {every!r}")
        if optimizer is not None and not callable(getattr(optimizer, "step", None)):
            raise TypeError(f"GradientMonitor: optimizer must have a step() method, got "
                            f"{type(optimizer).__name__}")
        self.model = model
        self.optimizer = optimizer
        self.every = every
        self.thresholds = thresholds if isinstance(thresholds, Thresholds) else \
            replace(Thresholds(), **dict(thresholds or {}))
        self._layers = {name: m for name, m in model.named_modules() if _is_layer(m)}
        self._order: list[str] = []
        self._records = {name: {s: [] for s in STATISTICS} for name in self._layers}
        self._steps: list[int] = []
        self._losses: list[float] = []
        self._handles: list = []
        self._step_patch: Optional[tuple] = None
        self._snapshots: dict = {}
        self._step = 0
        self._pending: dict = {}
        self._backward_seen = False
        self._last_layer: Optional[str] = None
        self._deferred: list = []  # (layer, param, gradient array) awaiting measurement
        self._defer = optimizer is not None and _measures_in_kernels(optimizer)
        self.attached = False

    # -- attaching -----------------------------------------------------------------------
    def attach(self) -> "GradientMonitor":
        """Install the hooks (and wrap ``optimizer.step``); returns self."""
        if self.attached:
            return self
        self._handles.append(self.model.register_forward_pre_hook(self._on_forward_start))
        for name, module in self.model.named_modules():
            if name in self._layers:
                self._hook_layer(name, module)
            kind = self._activation_kind(module)
            if kind is not None:
                self._handles.append(module.register_forward_hook(self._activation_hook(kind)))
        if self.optimizer is not None:
            self._wrap_step()
        if self._defer:
            nn_utils.before_grad_change.append(self._measure_deferred)
        self.attached = True
        return self

    def detach(self) -> "GradientMonitor":
        """Remove every hook, close the current step and restore ``optimizer.step``."""
        if not self.attached:
            return self
        self._close_step_if_done()
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        if self._step_patch is not None:
            previous, wrapper = self._step_patch
            if self.optimizer.__dict__.get("step") is wrapper:
                if previous is None:
                    del self.optimizer.step
                else:
                    self.optimizer.step = previous
            self._step_patch = None
        if self._measure_deferred in nn_utils.before_grad_change:
            nn_utils.before_grad_change.remove(self._measure_deferred)
        self._snapshots.clear()
        self.attached = False
        return self

    def __enter__(self) -> "GradientMonitor":
        return self.attach()

    def __exit__(self, *exc: Any) -> None:
        self.detach()

    def _hook_layer(self, name: str, module: nn.Module) -> None:
        channels_first = _channels_first(module)

        def on_forward(mod: nn.Module, args: tuple, output: Any) -> None:
            if not (mod.training and is_grad_enabled()):
                return
            self._close_step_if_done()
            if name not in self._order:
                self._order.append(name)
            self._last_layer = name
            if self._recording and isinstance(output, Tensor):
                total, squares, bad = stats.moments(output.data)
                rec = self._pending_layer(name)
                rec.update(preact=(total, squares, output.data.size), preact_bad=bad,
                           channels_first=channels_first)

        self._handles.append(module.register_forward_hook(on_forward))
        for param in module._parameters.values():
            if param is not None and param.requires_grad:
                self._handles.append(param.register_hook(self._grad_hook(name, param)))

    def _grad_hook(self, name: str, param: Tensor):
        def on_grad(grad: Tensor) -> None:
            self._backward_seen = True
            if not self._recording:
                return
            if self._defer:
                self._deferred.append((name, param, grad.data))
            else:
                self._file_grad(name, *stats.sumsq_nonfinite(grad.data))
        return on_grad

    def _file_grad(self, name: str, squares: float, bad: int) -> None:
        rec = self._pending_layer(name)
        rec["grad_sumsq"] = rec.get("grad_sumsq", 0.0) + squares
        rec["grad_bad"] = rec.get("grad_bad", 0) + bad

    def _measure_deferred(self, changing: Optional[list] = None, fused: Optional[dict] = None
                          ) -> None:
        """Measure the gradients kept by the hooks: from the update kernel's ``fused`` sums
        when the optimizer read the very array the hook saw, else with a pass now. Also the
        ``nn.utils.before_grad_change`` observer (``changing`` is not needed: a clip function
        changes every gradient, so all are measured first)."""
        for name, param, array in self._deferred:
            grad = param.grad
            own = grad is not None and grad.data is array
            if own and grad._version != 0:
                warnings.warn(f"GradientMonitor: the gradient of layer {name!r} was changed in "
                              "place between backward() and step(); its grad_norm is measured "
                              "after the change", RuntimeWarning, stacklevel=4)
            sums = fused.get(id(param)) if fused and own and array.dtype == param.dtype \
                else None
            if sums is not None and math.isfinite(sums[2]):
                self._file_grad(name, sums[2], 0)
            else:
                self._file_grad(name, *stats.sumsq_nonfinite(array))
        self._deferred.clear()

    def _activation_kind(self, module: nn.Module) -> Optional[tuple]:
        """(statistic, lo, hi): units at or beyond lo/hi are dead or saturated."""
        eps = self.thresholds.saturation_eps
        if isinstance(module, nn.ReLU):  # a NaN bound is never reached: +inf is not dead
            return "dead_fraction", 0.0, math.nan
        if isinstance(module, nn.Sigmoid):
            return "saturated_fraction", eps, 1.0 - eps
        if isinstance(module, nn.Tanh):
            return "saturated_fraction", eps - 1.0, 1.0 - eps
        if isinstance(module, _OTHER_ACTIVATIONS):
            return None, math.nan, math.nan
        return None

    def _activation_hook(self, kind: tuple):
        statistic, lo, hi = kind

        def on_forward(mod: nn.Module, args: tuple, output: Any) -> None:
            name = self._last_layer
            if name is None or not (mod.training and is_grad_enabled()):
                return
            self._last_layer = None  # only the first activation after a layer is its own
            if not (self._recording and isinstance(output, Tensor)):
                return
            rec = self._pending_layer(name)
            units = _units(output.data, rec.get("channels_first", False))
            total, squares, bad, counts = stats.unit_moments(units, lo, hi)
            rec.update(act=(total, squares, output.data.size), act_bad=bad)
            if statistic is not None:
                per_unit = units.shape[0] * units.shape[2]
                need = per_unit if statistic == "dead_fraction" else \
                    self.thresholds.saturation_share * per_unit
                rec[statistic] = float(np.mean(counts >= need)) if counts.size else math.nan

        return on_forward

    def _on_forward_start(self, module: nn.Module, args: tuple) -> None:
        self._last_layer = None
        if module.training and is_grad_enabled():
            self._close_step_if_done()

    def _wrap_step(self) -> None:
        optimizer = self.optimizer
        previous = optimizer.__dict__.get("step")
        inner = optimizer.step

        def step(*args: Any, **kwargs: Any) -> Any:
            if not (self.attached and self._backward_seen):
                return inner(*args, **kwargs)
            if not self._recording:
                result = inner(*args, **kwargs)
            elif self._defer:  # a library optimizer: its kernels measure
                result = self._measured_step(inner, args, kwargs)
            else:
                before = self._snapshot()
                result = inner(*args, **kwargs)
                self._file_updates({key: stats.update_sumsq(param.data, copy)
                                    for key, (param, copy) in before.items()})
            self._close_step_if_done()
            return result

        optimizer.step = step
        self._step_patch = (previous, step)

    # -- bookkeeping ---------------------------------------------------------------------
    @property
    def _recording(self) -> bool:
        return self._step % self.every == 0

    def _pending_layer(self, name: str) -> dict:
        rec = self._pending.get(name)
        if rec is None:
            rec = self._pending[name] = {}
        return rec

    def _params(self, name: str) -> list:
        return [p for p in self._layers[name]._parameters.values() if p is not None]

    def _measured_step(self, inner: Any, args: tuple, kwargs: dict) -> Any:
        """Run a library optimizer's step with its kernels measuring the updates."""
        optimizer = self.optimizer
        was_on = optimizer.update_sumsq is not None
        optimizer.measure_updates(True)
        try:
            result = inner(*args, **kwargs)
            sums = optimizer.update_sumsq
        finally:
            optimizer.measure_updates(was_on)
        self._measure_deferred(fused=sums)
        self._file_updates(sums)
        return result

    def _file_updates(self, sums: dict) -> None:
        """Per-layer squared update and weight norms from ``{id(param): (update, weight,
        ...)}``; a parameter missing from ``sums`` (no gradient) was not updated."""
        for name in self._layers:
            changes = squares = 0.0
            for p in self._params(name):
                c, s = sums[id(p)][:2] if id(p) in sums else (0.0, stats.sumsq(p.data))
                changes, squares = changes + c, squares + s
            rec = self._pending_layer(name)
            rec["weight_sumsq"] = squares
            rec["update_sumsq"] = changes

    def _snapshot(self) -> dict:
        """``{id(param): (param, copy)}`` for every layer parameter before the optimizer step
        (the copies' buffers are reused)."""
        before = {}
        for name in self._layers:
            for p in self._params(name):
                buf = self._snapshots.get(id(p))
                if buf is None or buf.shape != p.data.shape or buf.dtype != p.data.dtype:
                    buf = self._snapshots[id(p)] = np.empty_like(p.data, order="C")
                np.copyto(buf, p.data)
                before[id(p)] = (p, buf)
        return before

    def _close_step_if_done(self) -> None:
        """A backward pass happened since the step began: file its statistics."""
        if not self._backward_seen:
            return
        if self._deferred:
            self._measure_deferred()
        if self._recording:
            self._file_step()
        self._step += 1
        self._pending = {}
        self._backward_seen = False

    def _file_step(self) -> None:
        self._steps.append(self._step)
        for name in self._layers:
            rec = self._pending.get(name, {})
            if "weight_sumsq" not in rec:
                rec["weight_sumsq"] = sum(stats.sumsq(p.data) for p in self._params(name))
            for key, value in self._layer_values(rec).items():
                self._records[name][key].append(value)

    @staticmethod
    def _layer_values(rec: dict) -> dict:
        nan = math.nan
        grad_bad = rec.get("grad_bad", 0)
        act_bad = max(rec.get("preact_bad", 0), rec.get("act_bad", 0))
        weight = math.sqrt(rec["weight_sumsq"])
        update = math.sqrt(rec["update_sumsq"]) / weight if "update_sumsq" in rec and weight \
            else nan
        preact = _mean_std(*rec["preact"]) if "preact" in rec else (nan, nan)
        act = _mean_std(*rec["act"]) if "act" in rec else preact
        return dict(grad_norm=math.sqrt(rec["grad_sumsq"]) if "grad_sumsq" in rec else nan,
                    weight_norm=weight, update_ratio=update, act_mean=act[0], act_std=act[1],
                    preact_mean=preact[0], preact_std=preact[1],
                    dead_fraction=rec.get("dead_fraction", nan),
                    saturated_fraction=rec.get("saturated_fraction", nan),
                    nonfinite_act=act_bad, nonfinite_grad=grad_bad,
                    nonfinite=act_bad + grad_bad)

    # -- results -------------------------------------------------------------------------
    def record_loss(self, loss: Any) -> None:
        """Append a loss value (a scalar tensor or a number) to the loss curve."""
        self._losses.append(_loss_value(loss))

    @property
    def layers(self) -> list:
        """Layer names in forward order (layers not yet seen in a forward pass last)."""
        return self._order + [n for n in self._layers if n not in self._order]

    @property
    def steps(self) -> np.ndarray:
        """Indices of the recorded steps (0-based backward-pass counts)."""
        self._close_step_if_done()
        return np.array(self._steps, np.int64)

    @property
    def losses(self) -> np.ndarray:
        return np.array(self._losses, np.float64)

    @property
    def history(self) -> dict:
        """``history[layer][statistic]``: numpy arrays over the recorded steps."""
        self._close_step_if_done()
        return {name: {key: np.array(values, np.int64 if key.startswith("nonfinite")
                                     else np.float64)
                       for key, values in self._records[name].items()}
                for name in self.layers}

    def loss_verdict(self) -> Optional[str]:
        """'non-finite', 'diverging', 'oscillating' or None (see ``verdicts``)."""
        return loss_verdict(self.losses, self.thresholds)

    def report(self) -> list:
        """One dict per layer, in forward order, for the latest recorded step: ``layer``,
        ``step``, the statistics of ``STATISTICS`` and ``flags`` (a set)."""
        history = self.history
        if not self._steps:
            return []
        names = self.layers
        grads = np.array([history[n]["grad_norm"] for n in names]).T
        grad_bad = np.array([history[n]["nonfinite_grad"] for n in names]).T
        latest = [{key: values[-1].item() for key, values in history[n].items()} for n in names]
        flags = layer_flags(grads, grad_bad, [r["dead_fraction"] for r in latest],
                            [r["saturated_fraction"] for r in latest],
                            [r["nonfinite"] for r in latest], self.thresholds)
        unstable = self.loss_verdict() is not None
        rows = []
        for name, values, row_flags in zip(names, latest, flags):
            if unstable:
                row_flags.add("unstable")
            rows.append(dict(layer=name, step=self._steps[-1], **values, flags=row_flags))
        return rows

    def summary(self) -> str:
        """The report as a table, followed by the cause and remedies of each flag raised."""
        rows = self.report()
        if not rows:
            return "GradientMonitor: no step recorded yet"
        losses = self.losses
        head = f"GradientMonitor: step {rows[0]['step']}, {len(self._steps)} steps recorded"
        if losses.size:
            verdict = self.loss_verdict()
            head += f", loss {fmt(float(losses[-1]))}" + (f" ({verdict})" if verdict else "")
        headers = ["layer", "grad norm", "weight norm", "update/weight", "act mean", "act std",
                   "dead", "saturated", "non-finite", "flags"]
        cells = [[r["layer"], fmt(r["grad_norm"]), fmt(r["weight_norm"]),
                  fmt(r["update_ratio"]), fmt(r["act_mean"]), fmt(r["act_std"]),
                  fmt(r["dead_fraction"]), fmt(r["saturated_fraction"]), fmt(r["nonfinite"]),
                  ",".join(f for f in FLAGS if f in r["flags"]) or "ok"]
                 for r in rows]
        raised = set().union(*(r["flags"] for r in rows))
        lines = [head, format_table(headers, cells)]
        if raised:
            lines.append("verdicts:")
            lines += ["  " + line for line in explain(raised)]
        else:
            lines.append("verdicts: healthy")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        state = "attached" if self.attached else "detached"
        return (f"GradientMonitor({len(self._layers)} layers, every={self.every}, "
                f"{len(self._steps)} steps recorded, {state})")

    def plot(self, path: str) -> str:
        """Write a PNG: gradient norms (log), update ratios, dead/saturated fractions and the
        loss. Needs matplotlib (``ImportError`` otherwise); returns ``path``."""
        from .plot import plot_monitor

        return plot_monitor(self, path)
