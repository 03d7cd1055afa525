"""Training diagnostics: see and fix exploding, vanishing and unstable gradients.

- ``GradientMonitor(model, optimizer=None, every=1)``: per-layer gradient/weight/update/
  activation statistics while training, ``report()`` / ``summary()`` verdicts with causes
  and remedies, ``history``, ``plot(path)``.
- ``audit_init(model, sample_batch)``: does the initialisation keep the signal's scale?
- ``Thresholds``: every verdict threshold, with defaults.
- The lab (``python -m autograd_engine.demo lab``): the three failure modes, broken then
  fixed, on the digits data and a synthetic task.
"""
from .audit import audit_init
from .monitor import STATISTICS, GradientMonitor
from .verdicts import CAUSES, FLAGS, Thresholds

__all__ = ["GradientMonitor", "audit_init", "Thresholds", "STATISTICS", "FLAGS", "CAUSES"]
