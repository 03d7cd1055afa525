"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (grads changed in place)."""
from __future__ import annotations

import math
from typing import Callable, Iterable, Union

import numpy as np

from ...grad_mode import no_grad
from ...tensor import Tensor

_Params = Union[Tensor, Iterable[Tensor]]

# Called with the gradients a clip function is about to change in place, so that a
# ``GradientMonitor`` can first measure gradients whose statistics it has deferred.
before_grad_change: list[Callable[[list], None]] = []


def _changing(grads: list) -> list:
    for observer in list(before_grad_change):
        observer(grads)
    return grads


def _grads(parameters: _Params) -> list:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _vector_norm(array: np.ndarray, p: float) -> np.ndarray:
    """||array||_p over all elements, in the array's dtype."""
    flat = np.abs(array.reshape(-1))
    if p == math.inf:
        return flat.max(initial=0).astype(array.dtype)
    if p == 0:
        return np.asarray(np.count_nonzero(flat), array.dtype)
    if p == 1:
        return flat.sum(dtype=array.dtype)
    if p == 2:
        return np.sqrt(np.dot(flat, flat))
    return (flat ** array.dtype.type(p)).sum() ** array.dtype.type(1.0 / p)


def clip_grad_norm_(parameters: _Params, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach: object = None) -> Tensor:
    """Scale all grads by min(1, max_norm / (total + 1e-6)), where total is the p-norm of the
    per-tensor p-norms (the norm of all grads as one vector). Returns total (0-d)."""
    grads = _grads(parameters)
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not grads:
        return Tensor(np.asarray(0.0, np.float32))
    dtype = np.result_type(*(g.dtype for g in grads))
    norms = np.array([_vector_norm(g.data, norm_type) for g in grads], dtype)
    total = np.asarray(_vector_norm(norms, norm_type), dtype)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} for gradients from "
            "`parameters` is non-finite, so it cannot be clipped. To disable this error and "
            "scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`")
    coef = min(dtype.type(max_norm) / (total + dtype.type(1e-6)), dtype.type(1.0))
    with no_grad():
        for g in _changing(grads):
            g.mul_(g.dtype.type(coef))
    return Tensor(total)


def clip_grad_value_(parameters: _Params, clip_value: float, foreach: object = None) -> None:
    """Clamp every grad element to [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    with no_grad():
        for g in _changing(_grads(parameters)):
            g.clamp_(-clip_value, clip_value)
