"""Timing and tables shared by the report (``python -m bench``) and by users timing their
own ops (``compare``).

Every implementation of a workload is timed in the same process. The first call of each is
timed on its own (it includes Numba compilation) and excluded from the statistics. Then the
implementations take turns: ``ROUNDS`` rounds, in each of which every implementation repeats
calls for its share of ``min_time``. On a shared, noisy machine the speed drifts over
seconds; taking turns spreads that drift over every implementation instead of biasing the
ratio against whichever ran in a slow stretch. Each turn starts after ``PAUSE`` seconds of
idling, long enough for OpenBLAS's worker threads, which spin for about 0.1 s after a BLAS
call, to go to sleep rather than compete with the next implementation's threads.
Rows report the median, the spread (interquartile range) and ratios against the naive-loop,
numpy and PyTorch rows of the same workload.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np

from autograd_engine.kernels import matmul

BASELINES = ("naive", "numpy", "torch")
ROUNDS = 3
PAUSE = 0.15  # seconds idle before each turn (measured: 0.12 s lets OpenBLAS's workers sleep)


@dataclass
class Timing:
    workload: str
    impl: str
    median: float  # seconds
    spread: float  # interquartile range, seconds
    runs: int
    first_call: float  # seconds, includes compilation


def _time_call(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _time_calls(fn: Callable[[], object], min_time: float, max_runs: int,
                min_runs: int) -> list:
    """Times of calls repeated until ``min_time`` has passed (at least ``min_runs``)."""
    times: list = []
    budget_end = time.perf_counter() + min_time
    while len(times) < min_runs or (time.perf_counter() < budget_end and len(times) < max_runs):
        times.append(_time_call(fn))
    return times


def _fresh_matmul_dispatch() -> None:
    """Matmul dispatch as in a new process: ``auto`` keeps large matmuls on BLAS until a
    convolution claims the cores, which one workload's convolutions must not do for the
    next workload's matmuls."""
    matmul.set_matmul_backend(matmul.get_matmul_backend())


def compare(workload: str, impls: dict, min_time: float = 0.3, unit_ops: int = 1,
            rounds: int = ROUNDS, pause: float = PAUSE) -> list:
    """Time each ``name -> zero-argument callable`` of one workload; returns ``Timing`` rows.

    Use the names "naive", "numpy" and "torch" for those baselines so tables show ratios to
    them. A value of None marks an implementation that is not available (e.g. torch not
    installed); it is listed as such. A callable with a ``factor`` attribute does 1/factor
    of the work (slow naive loops); its times are scaled up. ``unit_ops`` divides every time
    (to report per-op figures). The implementations take ``rounds`` turns of
    ``min_time / rounds`` seconds each, ``pause`` seconds apart.
    """
    available = {name: fn for name, fn in impls.items() if fn is not None}
    first = {name: _time_call(fn) for name, fn in available.items()}
    times: dict = {name: [] for name in available}
    for _ in range(rounds):
        for name, fn in available.items():
            time.sleep(pause)
            _fresh_matmul_dispatch()
            times[name] += _time_calls(fn, min_time / rounds, 10_000, 2)
    rows = []
    for name, fn in impls.items():
        if fn is None:
            rows.append(Timing(workload, name, float("nan"), float("nan"), 0, float("nan")))
            continue
        q1, median, q3 = np.percentile(times[name], [25, 50, 75])
        scale = getattr(fn, "factor", 1) / unit_ops  # a callable may time a slice of the work
        rows.append(Timing(workload, name, float(median) * scale, float(q3 - q1) * scale,
                           len(times[name]), first[name]))
    return rows


def _fmt_time(seconds: float) -> str:
    if seconds != seconds:
        return "not installed"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _ratio(row: Timing, base: Optional[Timing]) -> str:
    if base is None or base.runs == 0 or row.runs == 0:
        return "-"
    return f"{base.median / row.median:.2f}x"


def markdown_table(rows: Iterable[Timing]) -> str:
    """One line per implementation; 'vs X' = X's time / this time (above 1: faster than X)."""
    rows = list(rows)
    header = ("| workload | implementation | median | spread (IQR) | first call | vs naive | "
              "vs numpy | vs torch |")
    lines = [header, "|" + "---|" * 8]
    by_workload: dict = {}
    for r in rows:
        by_workload.setdefault(r.workload, {})[r.impl] = r
    for r in rows:
        bases = by_workload[r.workload]
        lines.append(
            f"| {r.workload} | {r.impl} | {_fmt_time(r.median)} | "
            f"{'-' if r.runs == 0 else _fmt_time(r.spread)} | "
            f"{'-' if r.runs == 0 else _fmt_time(r.first_call)} | "
            + " | ".join(_ratio(r, bases.get(b)) if r.impl != b else "1.00x" if r.runs else "-"
                         for b in BASELINES) + " |")
    return "\n".join(lines)


def compare_op(name: str, implementations: dict, inputs: Callable[[], tuple],
               min_time: float = 0.2) -> list:
    """Time forward + backward of each implementation of one op, in one call.

    ``implementations`` maps a label to a function called as ``fn(*inputs())``'s tensors
    (built once). A result that requires grad is back-propagated with ones, so Tensor
    versions are timed forward + backward; a plain-array implementation (a naive loop, or
    numpy) is timed as it is and should compute its own backward if it has one. Use the
    labels "naive", "numpy" and "torch" for the baselines. Returns ``Timing`` rows for
    ``markdown_table``.
    """
    args = inputs()

    def timed(fn: Callable) -> Callable:
        def run() -> None:
            for a in args:
                if getattr(a, "requires_grad", False):
                    a.grad = None
            out = fn(*args)
            if getattr(out, "requires_grad", False):
                out.backward(type(out)(np.ones_like(out.data)))
        if hasattr(fn, "factor"):
            run.factor = fn.factor
        return run

    return compare(name, {label: None if fn is None else timed(fn)
                          for label, fn in implementations.items()}, min_time=min_time)
