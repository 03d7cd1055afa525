"""Verdicts: turn per-layer statistics into flags, each with its likely cause and remedies.

Flags (strings in each row's ``flags`` set):

- ``vanishing``: the layer's gradient norm is below ``vanishing_floor``, or below
  ``vanishing_ratio`` times the largest gradient norm of a later layer.
- ``exploding``: the gradient norm is infinite or above ``exploding_norm``, above
  ``exploding_ratio`` times the smallest norm of a later layer (growth with depth), or it grew
  at every one of the last ``growth_steps`` recorded steps by ``growth_factor`` overall
  (growth over steps). Once gradients hold NaN/Inf, the last step without them is judged
  (and an infinite norm is flagged).
- ``dead-relu``: more than ``dead_fraction`` of the units after the layer's ReLU are 0 for
  every sample of the batch.
- ``saturated``: more than ``saturated_fraction`` of the units after the layer's sigmoid/tanh
  sit within ``saturation_eps`` of an asymptote for at least ``saturation_share`` of the batch.
- ``unstable`` (model level, on every row): the recorded loss is non-finite, diverging (the
  smoothed loss recently rose above ``diverge_factor`` times its start, or climbed back from
  its best by more than ``regress`` times its start) or oscillating (successive losses over the last
  ``loss_window`` differ on average by more than ``oscillation`` times the start level).
- ``non-finite``: NaN or Inf in the layer's activations or gradients.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

FLAGS = ("vanishing", "exploding", "dead-relu", "saturated", "unstable", "non-finite")

CAUSES = {
    "vanishing": (
        "gradients shrink layer after layer on the way back: saturating activations "
        "(sigmoid/tanh, derivative <= 0.25 / 1) and weights too small for the depth",
        ["ReLU-family activations", "He init for ReLU, Xavier init for tanh/sigmoid",
         "batch norm between layers", "Adam/RMSprop (per-parameter step sizes)"]),
    "exploding": (
        "gradients grow layer after layer or step after step: weights too large for the "
        "depth (initialisation) or a learning rate too high",
        ["gradient clipping (nn.utils.clip_grad_norm_)", "Xavier/He init at the right scale",
         "a smaller or decaying learning rate", "batch norm"]),
    "dead-relu": (
        "units whose pre-activation is negative for every input output 0 and get no "
        "gradient, typically after a too-large update or a negative bias shift",
        ["a smaller learning rate", "He init", "batch norm before the ReLU",
         "LeakyReLU", "Adam/RMSprop"]),
    "saturated": (
        "pre-activations so large that sigmoid/tanh sit on their flat asymptotes, where the "
        "derivative is ~0",
        ["Xavier init", "batch norm before the activation", "ReLU", "normalised inputs"]),
    "unstable": (
        "the loss oscillates or diverges: the learning rate is too high for the curvature",
        ["a smaller or decaying learning rate (lr_scheduler.StepLR/ExponentialLR)",
         "Adam/RMSprop", "gradient clipping", "batch norm"]),
    "non-finite": (
        "NaN/Inf from overflow (exploding weights or activations, lr too high) or an invalid "
        "op (log(0), 0/0)",
        ["gradient clipping", "a smaller learning rate", "Xavier/He init",
         "ae.autograd.detect_anomaly() to find the op that produced it"]),
}


@dataclass(frozen=True)
class Thresholds:
    """Every threshold of the verdicts (see the module docstring for their use)."""

    vanishing_ratio: float = 1e-3
    vanishing_floor: float = 1e-8
    exploding_norm: float = 1e3
    exploding_ratio: float = 1e3
    growth_steps: int = 5
    growth_factor: float = 10.0
    dead_fraction: float = 0.5
    saturated_fraction: float = 0.5
    saturation_eps: float = 0.02
    saturation_share: float = 0.5
    loss_window: int = 50
    diverge_factor: float = 1.5
    regress: float = 0.25
    oscillation: float = 0.3


def layer_flags(grad_norms: np.ndarray, grad_nonfinite: np.ndarray, dead: Sequence[float],
                saturated: Sequence[float], nonfinite: Sequence[int],
                limits: Thresholds) -> list:
    """Per-layer flag sets. ``grad_norms`` and ``grad_nonfinite`` are (steps, layers) in
    forward order; ``dead``, ``saturated`` and ``nonfinite`` are the latest step's values."""
    flags = [set() for _ in range(grad_norms.shape[1])]
    clean = np.flatnonzero(~(grad_nonfinite > 0).any(axis=1))
    if clean.size:  # gradients with NaN/Inf mean the weights are going: judge the step before
        step = int(clean[-1])
        for i in _vanishing(grad_norms[step], limits):
            flags[i].add("vanishing")
        for i in _exploding(grad_norms[: step + 1], limits):
            flags[i].add("exploding")
    if grad_norms.shape[0]:
        for i in np.flatnonzero(np.isinf(grad_norms[-1])):
            flags[i].add("exploding")
    for i, row in enumerate(flags):
        if dead[i] > limits.dead_fraction:
            row.add("dead-relu")
        if saturated[i] > limits.saturated_fraction:
            row.add("saturated")
        if nonfinite[i] > 0:
            row.add("non-finite")
    return flags


def _vanishing(norms: np.ndarray, limits: Thresholds) -> list:
    """Layers below the floor, or orders of magnitude below the largest later-layer norm."""
    out = []
    for i, g in enumerate(norms):
        later = norms[i + 1:]
        later = later[np.isfinite(later)]
        if g < limits.vanishing_floor or (later.size and g < limits.vanishing_ratio * later.max()):
            out.append(i)
    return out


def _exploding(steps: np.ndarray, limits: Thresholds) -> list:
    """Layers above the absolute limit, far above a later layer, or growing over steps
    (``steps`` is (steps, layers), judged at its last row)."""
    norms = steps[-1]
    out = []
    for i, g in enumerate(norms):
        later = norms[i + 1:]
        later = later[(later > 0) & np.isfinite(later)]
        deep = later.size and g > limits.exploding_ratio * later.min()
        if g > limits.exploding_norm or deep or _grows(steps[:, i], limits):
            out.append(i)
    return out


def _grows(series: np.ndarray, limits: Thresholds) -> bool:
    """Geometric growth over steps: up at each of the last ``growth_steps`` steps, and by
    ``growth_factor`` in total."""
    window = series[-(limits.growth_steps + 1):]
    if window.size < limits.growth_steps + 1 or not np.isfinite(window).all() or window[0] <= 0:
        return False
    return bool((np.diff(window) > 0).all() and window[-1] > limits.growth_factor * window[0])


def loss_verdict(losses: np.ndarray, limits: Thresholds) -> Optional[str]:
    """'non-finite', 'diverging', 'oscillating' or None for a healthy (or too short) curve.

    On the loss smoothed by a moving average (``start`` its first value): diverging when,
    over the last ``loss_window`` steps, it rose above ``diverge_factor`` x start, or when it
    climbed back from its best by more than ``regress`` x start; oscillating when successive
    raw losses over the last ``loss_window`` differ on average by more than
    ``oscillation`` x start. Early spikes that training recovered from are not flagged.
    """
    if not np.isfinite(losses).all():
        return "non-finite"
    if losses.size < 8:
        return None
    k = max(2, min(10, losses.size // 10))
    smooth = np.convolve(losses, np.full(k, 1.0 / k), mode="valid")
    start = abs(smooth[0])
    if smooth[-limits.loss_window:].max() > limits.diverge_factor * start or \
            smooth[-1] - smooth.min() > limits.regress * start:
        return "diverging"
    window = losses[-limits.loss_window:]
    if np.mean(np.abs(np.diff(window))) > limits.oscillation * abs(start):
        return "oscillating"
    return None


def explain(flags: set) -> list:
    """Lines 'flag: cause. Try: remedies.' for each flag, in FLAGS order."""
    lines = []
    for flag in FLAGS:
        if flag in flags:
            cause, remedies = CAUSES[flag]
            lines.append(f"{flag}: {cause}. Try: {'; '.join(remedies)}.")
    return lines


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule] + [line(r) for r in rows])


def fmt(value: float) -> str:
    """A compact table cell: '-' for a statistic that does not apply (NaN)."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if value != value:
        return "-"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    return f"{value:.3g}" if 1e-3 <= abs(value) < 1e4 else f"{value:.2e}"
