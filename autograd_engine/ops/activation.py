"""Activations and softmax. Each forward calls its Numba kernel and its backward calls a
sibling op whose forward is the fused gradient kernel and which has its own differentiable
backward, so fusion never costs higher-order support (Chainer's ``ReLUGrad2``)."""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from ..dtypes import get_default_dtype
from ..function import Function, register
from ..kernels import activations as _act
from ..kernels import softmax as _soft
from ..tensor import Tensor
from ._util import normalize_dim, opmath
from .elementwise import where

_TORCH_DTYPE_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                      "uint8": "Byte", "bool": "Bool", "float64": "Double", "float32": "Float",
                      "float16": "Half"}
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_TANH_C = 0.044715


def dtype_name(dtype: np.dtype) -> str:
    """PyTorch's name of a dtype ('Long' for int64), for error messages."""
    return _TORCH_DTYPE_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)


def require_float(op: str, a: np.ndarray) -> None:
    """NotImplementedError for a non-float input, as PyTorch's 'not implemented for' error
    from a kernel without integer variants."""
    if a.dtype.kind != "f":
        raise NotImplementedError(f"{op}: not implemented for '{dtype_name(a.dtype)}' (dtype "
                                  f"{a.dtype}); expected a floating point tensor")


def _compute(op: str, kernel: Callable, x: np.ndarray, *rest: Any) -> Any:
    """``kernel(x, *rest)`` in x's dtype; float16 runs in float32 (PyTorch's opmath) and its
    float results are rounded back, since the kernels take float32/float64 only (other
    arrays, such as relu's bit mask, pass as they are)."""
    require_float(op, x)
    if x.dtype != np.float16:
        return kernel(x, *rest)
    out = kernel(*opmath(x, *rest))
    if isinstance(out, tuple):
        return tuple(_single_to_half(o) for o in out)
    return _single_to_half(out)


def _single_to_half(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float16) if a.dtype == np.float32 else a


def _int_to_float(x: np.ndarray) -> np.ndarray:
    """Integer inputs of sigmoid/tanh compute in the default dtype, as PyTorch's unary float
    ops."""
    return x if x.dtype.kind == "f" else x.astype(get_default_dtype())


# -- relu and leaky_relu: piecewise linear, so the gradient op is linear in g and has no
# -- gradient with respect to x ---------------------------------------------------------
@register
class Relu(Function):
    """y = max(x, 0);  dx = g * (y > 0)  (0 at x == 0; NaN passes g, as PyTorch).

    The forward kernel also writes a mask of one bit per element, which is all the backward
    reads. The output is saved too, as PyTorch saves it: writing to it in place before the
    backward raises, as there."""

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind != "f":
            return _relu_integer(x)
        out, ctx.mask = _compute("relu", _act.relu_fwd, x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        ctx.saved_tensor(0)  # raises if y was overwritten in place since the forward
        return ReluBackward.apply(g, ctx.mask)


def _relu_integer(x: np.ndarray) -> np.ndarray:
    """PyTorch's relu keeps integer tensors and refuses bool ones."""
    if x.dtype.kind == "b":
        raise RuntimeError("relu: Boolean inputs not supported for relu")
    return np.maximum(x, x.dtype.type(0))


@register
class ReluBackward(Function):
    """z = g * m (m: relu's bit mask of y > 0);  dg = gg * m, no gradient in the mask"""

    @staticmethod
    def forward(ctx, g, mask):
        ctx.mask = mask
        return _compute("relu_backward", lambda g, mask: _act.relu_bwd(mask, g), g, mask)

    @staticmethod
    def backward(ctx, gg):
        return ReluBackward.apply(gg, ctx.mask), None


@register
class LeakyRelu(Function):
    """y = x if x > 0 else slope * x;  dx = g * (1 if x > 0 else slope)"""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return _compute("leaky_relu", _act.leaky_relu_fwd, x, slope)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return LeakyReluBackward.apply(g, x, ctx.slope), None


@register
class LeakyReluBackward(Function):
    """z = g * (1 if x > 0 else slope);  dg = gg * (1 if x > 0 else slope), dx = 0"""

    @staticmethod
    def forward(ctx, g, x, slope):
        ctx.save_for_backward(x)
        ctx.slope = slope
        return _compute("leaky_relu_backward", _act.leaky_relu_bwd, x, g, slope)

    @staticmethod
    def backward(ctx, gg):
        (x,) = ctx.saved_tensors
        return LeakyReluBackward.apply(gg, x, ctx.slope), None, None


# -- sigmoid and tanh: gradients from the output y -----------------------------------------
@register
class Sigmoid(Function):
    """y = 1 / (1 + exp(-x));  dx = g * y * (1 - y)"""

    @staticmethod
    def forward(ctx, x):
        out = _compute("sigmoid", _act.sigmoid_fwd, _int_to_float(x))
        ctx.save_for_backward(out)
        return out

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
        return _compute("sigmoid_backward", _act.sigmoid_bwd, y, g)

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
        out = _compute("tanh", _act.tanh_fwd, _int_to_float(x))
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
        return _compute("tanh_backward", _act.tanh_bwd, y, g)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        dg = TanhBackward.apply(gg, y) if ctx.needs_input_grad[0] else None
        dy = gg * g * y * -2.0 if ctx.needs_input_grad[1] else None
        return dg, dy


# -- smooth activations: gradients from the input x; the gradient op's backward is
# -- dg = gradient op applied to gg, dx = gg * g * f''(x) -----------------------------------
def _second_order(ctx, gg: Tensor, op: type, second_derivative: Callable) -> tuple:
    """Backward of a fused gradient op z = g * f'(x; params): (dg, dx, None per param)."""
    g, x = ctx.saved_tensors
    params = ctx.params
    dg = op.apply(gg, x, *params) if ctx.needs_input_grad[0] else None
    dx = gg * g * second_derivative(x, *params) if ctx.needs_input_grad[1] else None
    return (dg, dx) + (None,) * len(params)


@register
class Gelu(Function):
    """y = x * Phi(x) (Phi the standard normal CDF);  dx = g * (Phi(x) + x * phi(x))"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _compute("gelu", _act.gelu_fwd, x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return GeluBackward.apply(g, x)


def _gelu_second(x: Tensor) -> Tensor:
    """d2/dx2 [x Phi(x)] = phi(x) * (2 - x^2)"""
    return (x * x * -0.5).exp() * _INV_SQRT_2PI * (2.0 - x * x)


@register
class GeluBackward(Function):
    """z = g * (Phi(x) + x phi(x));  dg = gg * (Phi + x phi), dx = gg * g * phi(x) (2 - x^2)"""

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(g, x)
        ctx.params = ()
        return _compute("gelu_backward", _act.gelu_bwd, x, g)

    @staticmethod
    def backward(ctx, gg):
        return _second_order(ctx, gg, GeluBackward, _gelu_second)


@register
class GeluTanh(Function):
    """y = x/2 (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3);
    dx = g * (0.5 (1 + t) + 0.5 x (1 - t^2) u'), t = tanh(u)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _compute("gelu", _act.gelu_tanh_fwd, x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return GeluTanhBackward.apply(g, x)


def _gelu_tanh_second(x: Tensor) -> Tensor:
    """f'' = (1 - t^2) (u' + x/2 (u'' - 2 t u'^2)), u' = k (1 + 3c x^2), u'' = 6 k c x"""
    x2 = x * x
    t = (_SQRT_2_OVER_PI * (x + _GELU_TANH_C * x2 * x)).tanh()
    du = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_TANH_C * x2)
    d2u = (6.0 * _SQRT_2_OVER_PI * _GELU_TANH_C) * x
    return (1.0 - t * t) * (du + 0.5 * x * (d2u - 2.0 * t * du * du))


@register
class GeluTanhBackward(Function):
    """z = g * gelu_tanh'(x);  dg = gg * gelu_tanh'(x), dx = gg * g * gelu_tanh''(x)"""

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(g, x)
        ctx.params = ()
        return _compute("gelu_backward", _act.gelu_tanh_bwd, x, g)

    @staticmethod
    def backward(ctx, gg):
        return _second_order(ctx, gg, GeluTanhBackward, _gelu_tanh_second)


@register
class Silu(Function):
    """y = x * sigmoid(x);  dx = g * s (1 + x (1 - s)), s = sigmoid(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _compute("silu", _act.silu_fwd, x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return SiluBackward.apply(g, x)


def _silu_second(x: Tensor) -> Tensor:
    """d2/dx2 [x s(x)] = s (1 - s) (2 + x (1 - 2 s))"""
    s = x.sigmoid()
    return s * (1.0 - s) * (2.0 + x * (1.0 - 2.0 * s))


@register
class SiluBackward(Function):
    """z = g * silu'(x);  dg = gg * silu'(x), dx = gg * g * s (1 - s) (2 + x (1 - 2 s))"""

    @staticmethod
    def forward(ctx, g, x):
        ctx.save_for_backward(g, x)
        ctx.params = ()
        return _compute("silu_backward", _act.silu_bwd, x, g)

    @staticmethod
    def backward(ctx, gg):
        return _second_order(ctx, gg, SiluBackward, _silu_second)


@register
class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta, or x where beta x > threshold;
    dx = g * sigmoid(beta x), or g where beta x > threshold"""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.save_for_backward(x)
        ctx.params = (beta, threshold)
        return _compute("softplus", _act.softplus_fwd, x, beta, threshold)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return (SoftplusBackward.apply(g, x, *ctx.params),) + (None, None)


def _softplus_second(x: Tensor, beta: float, threshold: float) -> Tensor:
    """beta s (1 - s) with s = sigmoid(beta x); 0 on the linear branch"""
    s = (x * beta).sigmoid()
    return where(x * beta > threshold, 0.0, s * (1.0 - s) * beta)


@register
class SoftplusBackward(Function):
    """z = g * softplus'(x);  dg = gg * softplus'(x), dx = gg * g * beta s (1 - s)"""

    @staticmethod
    def forward(ctx, g, x, beta, threshold):
        ctx.save_for_backward(g, x)
        ctx.params = (beta, threshold)
        return _compute("softplus_backward", _act.softplus_bwd, x, g, beta, threshold)

    @staticmethod
    def backward(ctx, gg):
        return _second_order(ctx, gg, SoftplusBackward, _softplus_second)


@register
class Elu(Function):
    """y = x if x > 0 else alpha (exp(x) - 1);  dx = g if x > 0 else g alpha exp(x)"""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.params = (alpha,)
        return _compute("elu", _act.elu_fwd, x, alpha)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return EluBackward.apply(g, x, *ctx.params), None


def _elu_second(x: Tensor, alpha: float) -> Tensor:
    """alpha exp(x) where x < 0, else 0 (PyTorch's elu_double_backward masks x < 0)"""
    return where(x < 0, x.exp() * alpha, 0.0)


@register
class EluBackward(Function):
    """z = g * elu'(x);  dg = gg * elu'(x), dx = gg * g * alpha exp(x) where x <= 0"""

    @staticmethod
    def forward(ctx, g, x, alpha):
        ctx.save_for_backward(g, x)
        ctx.params = (alpha,)
        return _compute("elu_backward", _act.elu_bwd, x, g, alpha)

    @staticmethod
    def backward(ctx, gg):
        return _second_order(ctx, gg, EluBackward, _elu_second)


# -- softmax family ---------------------------------------------------------------------
@register
class Softmax(Function):
    """y = exp(x - max) / sum(exp(x - max)) along dim;  dx = y * (g - sum(g * y))"""

    @staticmethod
    def forward(ctx, x, dim):
        out = _compute("softmax", _soft.softmax_fwd, x, dim)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return SoftmaxBackward.apply(g, y, ctx.dim), None


@register
class SoftmaxBackward(Function):
    """z = y * (g - s), s = sum(g * y);  dg = y * (gg - sum(gg * y)) (J is symmetric),
    dy = gg * (g - s) - g * sum(gg * y)"""

    @staticmethod
    def forward(ctx, g, y, dim):
        ctx.save_for_backward(g, y)
        ctx.dim = dim
        return _compute("softmax_backward", _soft.softmax_bwd, y, g, dim)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        dim = ctx.dim
        dg = SoftmaxBackward.apply(gg, y, dim) if ctx.needs_input_grad[0] else None
        dy = None
        if ctx.needs_input_grad[1]:
            dy = gg * (g - (g * y).sum(dim, keepdim=True)) - g * (gg * y).sum(dim, keepdim=True)
        return dg, dy, None


@register
class LogSoftmax(Function):
    """y = x - logsumexp(x) along dim;  dx = g - exp(y) * sum(g)"""

    @staticmethod
    def forward(ctx, x, dim):
        out = _compute("log_softmax", _soft.log_softmax_fwd, x, dim)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return LogSoftmaxBackward.apply(g, y, ctx.dim), None


@register
class LogSoftmaxBackward(Function):
    """z = g - exp(y) sum(g);  dg = gg - sum(gg * exp(y)), dy = -gg * exp(y) * sum(g)"""

    @staticmethod
    def forward(ctx, g, y, dim):
        ctx.save_for_backward(g, y)
        ctx.dim = dim
        return _compute("log_softmax_backward", _soft.log_softmax_bwd, y, g, dim)

    @staticmethod
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        dim = ctx.dim
        p = y.exp()
        dg = gg - (gg * p).sum(dim, keepdim=True) if ctx.needs_input_grad[0] else None
        dy = -gg * p * g.sum(dim, keepdim=True) if ctx.needs_input_grad[1] else None
        return dg, dy, None


# -- public functions -----------------------------------------------------------------------
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0)"""
    if inplace:
        return input._inplace("relu_", relu)
    return Relu.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x"""
    if inplace:
        return input._inplace("leaky_relu_", lambda t: leaky_relu(t, negative_slope))
    return LeakyRelu.apply(input, float(negative_slope))


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x))"""
    return Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), or its tanh approximation with ``approximate='tanh'``."""
    if approximate == "none":
        return Gelu.apply(input)
    if approximate == "tanh":
        return GeluTanh.apply(input)
    raise RuntimeError(f"gelu: approximate argument must be either none or tanh, "
                       f"got {approximate!r}")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x)"""
    if inplace:
        return input._inplace("silu_", silu)
    return Silu.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta; x itself where beta x > threshold."""
    return Softplus.apply(input, float(beta), float(threshold))


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha (exp(x) - 1)"""
    if inplace:
        return input._inplace("elu_", lambda t: elu(t, alpha))
    return Elu.apply(input, float(alpha))


def softmax(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, _softmax_dim(input, dim, "softmax"))


def log_softmax(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    return LogSoftmax.apply(input, _softmax_dim(input, dim, "log_softmax"))


def _softmax_dim(x: Tensor, dim: Any, op: str) -> int:
    if dim is None:  # PyTorch's legacy implicit choice, with its deprecation warning
        warnings.warn(f"Implicit dimension choice for {op} has been deprecated. Change the "
                      "call to include dim=X as an argument.", UserWarning, stacklevel=3)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return normalize_dim(dim, x.ndim, op)
