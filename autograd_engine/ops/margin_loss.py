"""Class-index margin losses with PyTorch 2.13's semantics and checks: ``multi_margin_loss``
(multi-class hinge, p = 1 or 2, class weights) and ``multilabel_margin_loss`` (the target
classes listed before the first -1), on (C,) or (N, C) scores. Composed of differentiable
ops: PyTorch's backward of these is not differentiable again; here every order works."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .activation import dtype_name, require_float
from .elementwise import where
from .indexed import index_add
from .loss import _as_array, _reduce, _tensor
from .loss_extra import check_reduction


def _scores(op: str, input: Tensor) -> Tensor:
    """The scores as (N, C) rows: a (C,) vector or a 0-d score is one sample."""
    if not (input.ndim == 0 or (input.ndim in (1, 2) and input.shape[-1] != 0)):
        raise RuntimeError(f"{op}: Expected non-empty vector or matrix with optional 0-dim "
                           f"batch size, but got: {list(input.shape)}")
    return input.reshape(1, -1) if input.ndim < 2 else input


def _labels(op: str, input: Tensor, target: Tensor) -> np.ndarray:
    """The int64 labels, after PyTorch's dtype checks (which follow its shape checks)."""
    if target.dtype != np.int64:
        raise RuntimeError(f"{op}: expected scalar type Long but found "
                           f"{dtype_name(target.dtype)} (target of dtype {target.dtype})")
    require_float(op, input.data)
    return target.data


def multi_margin_loss(input: Tensor, target: Any, p: int = 1, margin: float = 1.0,
                      weight: Any = None, reduction: str = "mean") -> Tensor:
    """sum over i != y of w[y] max(0, margin - x[y] + x[i])^p / C per sample (y the target
    class), reduced over the samples; 'none' gives the target's shape."""
    op = "multi_margin_loss"
    check_reduction(op, reduction)
    if p != 1 and p != 2:
        raise ValueError(f"{op}: only p == 1 and p == 2 supported (got p={p})")
    if weight is not None and np.ndim(_as_array(weight)) != 1:
        raise ValueError(f"{op}: weight must be one-dimensional (got shape "
                         f"{tuple(np.shape(_as_array(weight)))})")
    x = _scores(op, input)
    n, c = x.shape
    target = _tensor(target)
    if target.ndim > 1 or target.numel() != n:
        raise RuntimeError(f"{op}: target tensor should be 1-D with size equal to the number "
                           f"of input samples (batch size). Expected target size [{n}], but "
                           f"got {list(target.shape)}. Input has shape {list(input.shape)}.")
    if weight is not None and np.size(_as_array(weight)) != c:
        raise RuntimeError(f"{op}: inconsistent weight size, expected {c} but got "
                           f"{list(np.shape(_as_array(weight)))}")
    labels = _labels(op, input, target).reshape(-1)
    w = None if weight is None else _class_weight(op, weight, input)
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        raise RuntimeError(f"{op}: target out of range (labels must be in [0, {c}))")
    rows = np.arange(n)
    z = float(margin) - x[rows, labels].unsqueeze(1) + x
    h = where((z.data > 0) & (np.arange(c) != labels[:, None]), z, 0.0)
    if p == 2:
        h = h * h
    if w is not None:
        h = h * Tensor(w[labels][:, None])
    return _reduce((h.sum(1) / c).reshape(target.shape), reduction)


def _class_weight(op: str, weight: Any, input: Tensor) -> np.ndarray:
    """A constant (PyTorch: not differentiable) weight, which must share the input's dtype
    when it is a Tensor."""
    if isinstance(weight, Tensor) and weight.dtype != input.dtype:
        raise RuntimeError(f"{op}: expected scalar type {dtype_name(input.dtype)} but found "
                           f"{dtype_name(weight.dtype)} (weight of dtype {weight.dtype} for "
                           f"input of dtype {input.dtype})")
    return _as_array(weight).astype(input.dtype, copy=False)


def multilabel_margin_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """sum over listed targets j and non-target classes i of max(0, 1 - (x[j] - x[i])) / C
    per sample; a sample's targets are its target row up to the first -1 (a repeated class
    counts again). 'none' gives (N,) for (N, C) scores and a 0-d loss for (C,) ones."""
    op = "multilabel_margin_loss"
    check_reduction(op, reduction)
    x = _scores(op, input)
    n, c = x.shape
    target = _tensor(target)
    if input.ndim <= 1:
        consistent = target.ndim <= 1 and target.numel() == c
    else:
        consistent = target.shape == (n, c)
    if not consistent:
        raise RuntimeError(f"{op}: inconsistent target size: {list(target.shape)} for input "
                           f"of size: {list(input.shape)}")
    labels = _labels(op, input, target).reshape(n, c)
    if labels.size and (labels.min() < -1 or labels.max() >= c):
        raise RuntimeError(f"{op}: argument #2 'target' is out of range (labels must be in "
                           f"[-1, {c}))")
    rows, positions = np.nonzero(np.cumsum(labels == -1, axis=1) == 0)
    classes = labels[rows, positions]  # one pair (sample, class) per listed target
    is_target = np.zeros((n, c), bool)
    is_target[rows, classes] = True
    z = 1.0 - x[rows, classes].unsqueeze(1) + x[rows]
    per_pair = where((z.data > 0) & ~is_target[rows], z, 0.0).sum(1)
    loss = index_add(Tensor(np.zeros(n, x.dtype)), 0, rows, per_pair) / c
    return _reduce(loss.reshape(()) if input.ndim <= 1 else loss, reduction)
