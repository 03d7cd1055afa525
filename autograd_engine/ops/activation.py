"""Activations and softmax. Each forward has a sibling op for its fused gradient, which has
its own backward, so fusion never costs higher-order support."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from ._util import normalize_dim


def _require_float(op: str, a: np.ndarray) -> None:
    if a.dtype.kind != "f":
        raise TypeError(f"{op}: expected a floating point tensor, got dtype {a.dtype}")


@register
class Relu(Function):
    """y = max(x, 0);  dx = g * (x > 0)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.maximum(x, x.dtype.type(0)) if x.dtype.kind == "f" else np.maximum(x, 0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return ReluBackward.apply(g, x)


@register
class ReluBackward(Function):
    """y = g * (x > 0);  dg = gg * (x > 0), dx = 0"""

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(x)
        return g * (x > 0)

    @staticmethod
    def backward(ctx, gg):
        (x,) = ctx.saved_tensors
        return ReluBackward.apply(gg, x), None


@register
class Sigmoid(Function):
    """y = 1 / (1 + exp(-x));  dx = g * y * (1 - y)"""

    @staticmethod
    def forward(ctx, x):
        _require_float("sigmoid", x)
        with np.errstate(over="ignore"):
            out = 1.0 / (1.0 + np.exp(-x))
        ctx.save_for_backward(out)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return SigmoidBackward.apply(g, y)


@register
class SigmoidBackward(Function):
    """z = g * y * (1 - y);  dg = gg * y * (1 - y), dy = gg * g * (1 - 2y)"""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * y * (1 - y)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        dg = SigmoidBackward.apply(gg, y) if ctx.needs_input_grad[0] else None
        dy = gg * g * (1 - 2 * y) if ctx.needs_input_grad[1] else None
        return dg, dy


@register
class Tanh(Function):
    """y = tanh(x);  dx = g * (1 - y^2)"""

    @staticmethod
    def forward(ctx, x):
        _require_float("tanh", x)
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return TanhBackward.apply(g, y)


@register
class TanhBackward(Function):
    """z = g * (1 - y^2);  dg = gg * (1 - y^2), dy = -2 gg g y"""

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (1 - y * y)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        dg = TanhBackward.apply(gg, y) if ctx.needs_input_grad[0] else None
        dy = gg * g * y * -2.0 if ctx.needs_input_grad[1] else None
        return dg, dy


@register
class Softmax(Function):
    """y = exp(x - max) / sum(exp(x - max)) along dim;  dx = y * (g - sum(g * y))"""

    @staticmethod
    def forward(ctx, x, dim):
        _require_float("softmax", x)
        shifted = np.exp(x - np.max(x, axis=dim, keepdims=True))
        out = shifted / np.sum(shifted, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return y * (g - (g * y).sum(ctx.dim, keepdim=True)), None


@register
class LogSoftmax(Function):
    """y = x - logsumexp(x) along dim;  dx = g - exp(y) * sum(g)"""

    @staticmethod
    def forward(ctx, x, dim):
        _require_float("log_softmax", x)
        shifted = x - np.max(x, axis=dim, keepdims=True)
        out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g - y.exp() * g.sum(ctx.dim, keepdim=True), None


def relu(x: Tensor) -> Tensor:
    return Relu.apply(x)


def sigmoid(x: Tensor) -> Tensor:
    return Sigmoid.apply(x)


def tanh(x: Tensor) -> Tensor:
    return Tanh.apply(x)


def softmax(x: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    if dtype is not None:
        x = x.to(dtype)
    return Softmax.apply(x, _softmax_dim(x, dim, "softmax"))


def log_softmax(x: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    if dtype is not None:
        x = x.to(dtype)
    return LogSoftmax.apply(x, _softmax_dim(x, dim, "log_softmax"))


def _softmax_dim(x: Tensor, dim: Any, op: str) -> int:
    if dim is None:  # PyTorch's legacy implicit choice
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, x.ndim, op)
