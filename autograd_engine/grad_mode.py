"""Grad mode and anomaly mode: thread-local switches read on every op."""
from __future__ import annotations

import functools
import inspect
import threading
from typing import Any, Callable, Optional


class _State(threading.local):
    grad_enabled = True
    anomaly = False
    inference = False


state = _State()


def is_grad_enabled() -> bool:
    """True when ops record the graph in this thread."""
    return state.grad_enabled


class _SwitchContext:
    """Base for context managers that are also decorators."""

    def __call__(self, fn: Callable) -> Callable:
        if inspect.isgeneratorfunction(fn):
            return _wrap_generator(self._clone, fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._clone():
                return fn(*args, **kwargs)

        return wrapper

    def _clone(self) -> "_SwitchContext":
        """A fresh switch like this one, for one call of a decorated function."""
        return self.__class__(*self._args())

    def _args(self) -> tuple:
        return ()


def _wrap_generator(switch: Callable[[], Any], fn: Callable) -> Callable:
    """A decorated generator function, as PyTorch's: its body runs in the switch's mode each
    time it resumes (first ``next``, each ``send``, ``throw`` and ``close``), and the
    caller's mode is back while it is suspended at a ``yield``."""

    @functools.wraps(fn)
    def generator(*args: Any, **kwargs: Any) -> Any:
        gen = fn(*args, **kwargs)
        try:
            with switch():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with switch():
                        gen.close()
                    raise
                except BaseException as exc:
                    with switch():
                        response = gen.throw(exc)
                else:
                    with switch():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return generator


class set_grad_enabled(_SwitchContext):
    """Set the grad mode: at once when called, for a ``with`` block, or per call of a
    decorated function (decorating leaves the current mode as it was)."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self.prev = state.grad_enabled
        state.grad_enabled = self.mode

    def _args(self) -> tuple:
        return (self.mode,)

    def __call__(self, fn: Callable) -> Callable:
        state.grad_enabled = self.prev  # __init__ switched the mode; decorating must not
        return super().__call__(fn)

    def __enter__(self) -> None:
        state.grad_enabled = self.mode

    def __exit__(self, *exc: Any) -> None:
        state.grad_enabled = self.prev


class _NoArgSwitch(_SwitchContext):
    """A switch without arguments, usable as ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, fn: Optional[Callable] = None) -> Any:
        switch = super().__new__(cls)
        return switch if fn is None else switch(fn)


class no_grad(_NoArgSwitch):
    """Ops inside record no graph; results do not require grad."""

    def __enter__(self) -> None:
        self.prev = state.grad_enabled
        state.grad_enabled = False

    def __exit__(self, *exc: Any) -> None:
        state.grad_enabled = self.prev


class enable_grad(_NoArgSwitch):
    """Re-enable recording inside a ``no_grad`` block."""

    def __enter__(self) -> None:
        self.prev = state.grad_enabled
        state.grad_enabled = True

    def __exit__(self, *exc: Any) -> None:
        state.grad_enabled = self.prev


class inference_mode(_SwitchContext):
    """``inference_mode()`` (or ``inference_mode(True)``): no graph is recorded, as under
    ``no_grad``, and ``is_inference_mode_enabled()`` is True; ``inference_mode(False)``
    turns both off (grad mode on). A context manager and a decorator, with or without
    parentheses."""

    def __new__(cls, mode: Any = True) -> Any:
        switch = super().__new__(cls)
        if callable(mode):  # bare @inference_mode
            switch.mode = True
            return switch(mode)
        return switch

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def _args(self) -> tuple:
        return (self.mode,)

    def __enter__(self) -> None:
        self.prev = (state.grad_enabled, state.inference)
        state.grad_enabled, state.inference = not self.mode, self.mode

    def __exit__(self, *exc: Any) -> None:
        state.grad_enabled, state.inference = self.prev


def is_inference_mode_enabled() -> bool:
    """True inside ``inference_mode()`` in this thread."""
    return state.inference


_inplace_recording = False  # process-wide: it chooses the semantics of the user's code


def is_inplace_recording_enabled() -> bool:
    """True when in-place ops on tensors that require grad are recorded (PyTorch's rules)
    rather than refused."""
    return _inplace_recording


class set_inplace_recording(_SwitchContext):
    """In-place ops (``add_``, ``mul_``, ``+=``, ``t[idx] = v``, ``F.relu(x, inplace=True)``,
    ...) on a tensor that requires grad raise a RuntimeError by default, so that a value a
    gradient depends on is never overwritten unnoticed. ``set_inplace_recording(True)``
    records them in the graph as PyTorch does instead (code ported from PyTorch, e.g.
    ``nn.ReLU(inplace=True)``): at once when called, for a ``with`` block, or per call of a
    decorated function. A leaf that requires grad is refused either way, as in PyTorch.
    Process-wide, unlike the grad mode."""

    def __init__(self, mode: bool) -> None:
        global _inplace_recording
        self.mode = bool(mode)
        self.prev = _inplace_recording
        _inplace_recording = self.mode

    def _args(self) -> tuple:
        return (self.mode,)

    def __call__(self, fn: Callable) -> Callable:
        global _inplace_recording
        _inplace_recording = self.prev  # __init__ switched the mode; decorating must not
        return super().__call__(fn)

    def __enter__(self) -> None:
        global _inplace_recording
        _inplace_recording = self.mode

    def __exit__(self, *exc: Any) -> None:
        global _inplace_recording
        _inplace_recording = self.prev


class detect_anomaly(_SwitchContext):
    """Raise at the first op whose forward output or backward gradient holds NaN/Inf.

    The error names the op, its input shapes and the user-code line that created it.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def _args(self) -> tuple:
        return (self.check_nan,)

    def __enter__(self) -> None:
        self.prev = state.anomaly
        state.anomaly = self.check_nan

    def __exit__(self, *exc: Any) -> None:
        state.anomaly = self.prev


def set_detect_anomaly(mode: bool, check_nan: bool = True) -> None:
    """Switch anomaly mode on or off for this thread (``detect_anomaly`` for a block)."""
    state.anomaly = bool(mode) and check_nan


def is_anomaly_enabled() -> bool:
    """True when anomaly mode is on in this thread."""
    return state.anomaly
