"""Process-wide settings with PyTorch's functions: kernel threads, the deterministic-algorithms
flag, the default device, float32 matmul precision and warn-always.

``set_num_threads`` sets the threads of a multi-threaded kernel call (kernels/threads.py).
There is no inter-op pool: ``set_num_interop_threads`` records a number, once, as PyTorch
allows. The kernels are deterministic whatever the flag says, the CPU is the only device,
and matmul computes float32 at full precision at every setting; these settings are recorded
and reported back, so code that sets them runs unchanged.
"""
from __future__ import annotations

import operator
import warnings
from typing import Any

from . import devices as _devices
from .kernels import threads as _threads

_state = {"interop": None, "interop_set": False, "deterministic": False, "warn_only": False,
          "device": None, "matmul_precision": "highest", "warn_always": False}
_MATMUL_PRECISIONS = ("highest", "high", "medium")


def _thread_count(value: Any, op: str) -> int:
    """PyTorch's check of a thread count: an int (not a bool), positive."""
    if isinstance(value, bool):
        raise RuntimeError(f"{op} expects an int, but got bool")
    try:
        count = operator.index(value)
    except TypeError:
        raise RuntimeError(f"{op} expects an int, but got {type(value).__name__}") from None
    if count <= 0:
        raise RuntimeError(f"{op} expects a positive integer")
    return count


def _require_bool(value: Any, message: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(message.format(type(value).__name__))
    return value


# -- threads ----------------------------------------------------------------------------------
def set_num_threads(int: int) -> None:  # noqa: A002 - PyTorch's parameter name
    """Threads a multi-threaded kernel call uses from now on."""
    _threads.set_count(_thread_count(int, "set_num_threads"))


def get_num_threads() -> int:
    """Threads a multi-threaded kernel call uses."""
    return _threads.count()


def set_num_interop_threads(int: int) -> None:  # noqa: A002
    """Record the inter-op thread count; as PyTorch, only once per process."""
    count = _thread_count(int, "set_num_interop_threads")
    if _state["interop_set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _state["interop"], _state["interop_set"] = count, True


def get_num_interop_threads() -> int:
    """The recorded inter-op thread count (default: the usable cores, as PyTorch)."""
    if _state["interop"] is None:
        return _threads._usable_cores()
    return _state["interop"]


# -- determinism ------------------------------------------------------------------------------
def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Record the flag (every kernel here is deterministic already)."""
    _require_bool(mode, "_set_deterministic_algorithms(): argument 'mode' (position 1) must "
                        "be bool, not {}")
    _require_bool(warn_only, "_set_deterministic_algorithms(): argument 'warn_only' must be "
                             "bool, not {}")
    _state["deterministic"], _state["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode: Any) -> None:
    """'default' / 0: off; 'warn' / 1: on, warn only; 'error' / 2: on."""
    if not isinstance(debug_mode, (int, str)):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    _state["deterministic"], _state["warn_only"] = debug_mode != 0, debug_mode == 1


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (warn only) or 2 (on)."""
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


# -- device -----------------------------------------------------------------------------------
def set_default_device(device: Any) -> None:
    """The device factories default to: the CPU (or None, the same); another is an error."""
    if device is not None:
        _devices.check_cpu(device, "set_default_device")
        device = _devices.device(device)
    _state["device"] = device


def get_default_device() -> "_devices.device":
    return _state["device"] or _devices.CPU


# -- matmul precision and warnings --------------------------------------------------------------
def set_float32_matmul_precision(precision: str) -> None:
    """Record 'highest', 'high' or 'medium' (float32 matmuls here are always computed at
    full precision); another string warns and changes nothing, as PyTorch."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in _MATMUL_PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning,
                      stacklevel=2)
        return
    _state["matmul_precision"] = precision


def get_float32_matmul_precision() -> str:
    return _state["matmul_precision"]


def set_warn_always(b: bool) -> None:
    """Record PyTorch's warn-always flag."""
    if not isinstance(b, bool):
        raise RuntimeError(f"setWarnOnlyOnce expects a bool, but got {type(b).__name__}")
    _state["warn_always"] = b


def is_warn_always_enabled() -> bool:
    return _state["warn_always"]

