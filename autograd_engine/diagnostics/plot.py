"""Plots of ``GradientMonitor`` records, drawn headless on an Agg canvas (no pyplot, so no
global matplotlib backend is touched)."""
from __future__ import annotations

import os
from typing import Any, Mapping

import numpy as np

PANELS = ("gradient norm per layer", "update / weight ratio",
          "dead (ReLU, solid) and saturated (sigmoid/tanh, dashed) units", "loss")


def _figure(rows: int) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("GradientMonitor.plot needs matplotlib: pip install matplotlib "
                          "(or pip install 'autograd-engine[demo]')") from exc
    figure = Figure(figsize=(18, 3.4 * rows))
    FigureCanvasAgg(figure)
    return figure


def plot_monitor(monitor: Any, path: str) -> str:
    """One monitor as one row of four panels: gradient norm per layer (log scale), update
    ratio (log scale), dead/saturated fractions, loss; written to ``path``."""
    return plot_monitors({"": monitor}, path)


def plot_monitors(monitors: Mapping[str, Any], path: str, title: str = "") -> str:
    """Several monitors (label -> monitor), one row of the four panels each."""
    figure = _figure(len(monitors))
    axes = np.asarray(figure.subplots(len(monitors), 4, squeeze=False))
    for row, (label, monitor) in zip(axes, monitors.items()):
        _draw(row, monitor)
        if label:
            row[0].set_ylabel(f"{label}\n||dL/dw||")
    if title:
        figure.suptitle(title)
    # fixed margins: tight_layout measures every tick label and took seconds per figure
    figure.subplots_adjust(left=0.06, right=0.99, bottom=0.12 / len(monitors) + 0.02,
                           top=1 - 0.1 / len(monitors) - 0.02, wspace=0.25, hspace=0.45)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    figure.savefig(path, dpi=90)
    return path


def _draw(axes: Any, monitor: Any) -> None:
    ax_grad, ax_update, ax_units, ax_loss = axes
    history, steps = monitor.history, monitor.steps
    style = dict(lw=0.9, marker="o" if steps.size < 20 else None, ms=3)  # short runs: points
    for name, series in history.items():
        label = name or "(model)"
        ax_grad.plot(steps, _positive(series["grad_norm"]), label=label, **style)
        ax_update.plot(steps, _positive(series["update_ratio"]), label=label, **style)
        for key, line in (("dead_fraction", "-"), ("saturated_fraction", "--")):
            if np.isfinite(series[key]).any():
                ax_units.plot(steps, series[key], line, label=label, **style)
    losses = monitor.losses
    ax_loss.plot(np.arange(losses.size), losses, color="black", **style)
    finite = losses[np.isfinite(losses)]
    for ax, title in zip(axes, PANELS):
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("step")
    ax_units.set_ylim(-0.02, 1.02)
    for ax in (ax_grad, ax_update):
        if any(np.isfinite(line.get_ydata()).any() for line in ax.lines):
            ax.set_yscale("log")
    if finite.size and (finite > 0).all():
        ax_loss.set_yscale("log")
    for ax in (ax_grad, ax_units):
        if ax.lines:
            ax.legend(fontsize=6, ncol=2)


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros and non-finite values become gaps (NaN)."""
    out = values.astype(np.float64)
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out
