"""Fused optimizer updates: one pass over a parameter, in place on it and its state arrays.

Each kernel reproduces PyTorch's single-tensor update (``torch.optim._single_tensor_*``)
operation by operation in the parameter's dtype, so results agree with PyTorch's to float32
rounding. Scalars derived from the step count (bias corrections, decayed learning rates) are
computed in float64 by the wrappers, as PyTorch computes them in Python, then cast to the
parameter dtype like PyTorch's scalar arguments.

Arrays are flat (1-D), C-contiguous and of one float dtype; an unused state array (e.g. the
momentum buffer when ``momentum == 0``) may be any array of that dtype, it is not touched.
Every step function takes an optional ``stats`` (float64[3]) to which it adds the squared
norms of the update, of the parameter before it and of the gradient (``GradientMonitor``).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from numba.extending import overload

from . import config
from .activations import _add_square, _float_array
from .threads import SplitKernel

# --- loops ---------------------------------------------------------------------------------
# ``maximize`` negates the gradient; ``weight_decay`` (L2) adds wd * p to it, as PyTorch.
#
# Each loop also measures the update when ``stats`` is a float64[3] (an empty array: off): it
# adds sum (p_new - p_old)^2, sum p_old^2 and sum g^2 to stats. Measured per million float32
# elements: +0.08 ms for SGD, +0.2 ms for Adagrad, +0.6 ms for Adam and RMSprop (their sqrt
# and division then run 4 rather than 8 lanes wide), where a copy of the weights and separate
# passes cost ~1 ms. The sums are tallied in float64 per chunk of ``_CHUNK`` elements; only
# the sums of ``_tally`` may be reassociated and contracted (``_add_square``), so LLVM
# vectorises them while the update itself keeps PyTorch's exact operation order. (A separate
# ``@njit(fastmath=...)`` helper would not do: once loaded from the on-disk cache it is no
# longer inlined, 4x slower.) Unsigned indices spare LLVM the negative-index wraparound test,
# which otherwise stops it vectorising the chunk loop.

_CHUNK = 4096


def _tally(changes, squares, grads, old, new, grad):
    """Add (new - old)^2, old^2 and grad^2 to the three sums, in float64."""
    o = np.float64(old)
    d = np.float64(new) - o
    g = np.float64(grad)
    return changes + d * d, squares + o * o, grads + g * g


@overload(_tally)
def _tally_impl(changes, squares, grads, old, new, grad):
    def impl(changes, squares, grads, old, new, grad):
        o = np.float64(old)
        d = np.float64(new) - o
        return (_add_square(changes, d), _add_square(squares, o),
                _add_square(grads, np.float64(grad)))

    return impl


@config.jit()
def _chunk(c, n):
    """Bounds of chunk ``c`` of ``n`` elements, as unsigned indices."""
    return np.uint64(c * _CHUNK), np.uint64(min(n, c * _CHUNK + _CHUNK))


@config.jit()
def _partials(n, stats):
    """(measuring?, chunk count, per-chunk sums buffer: empty when not measuring)."""
    measure = stats.size != 0
    chunks = (n + _CHUNK - 1) // _CHUNK
    return measure, chunks, np.zeros((chunks if measure else 0, 3))


@config.jit()
def _keep(partial, c, changes, squares, grads):
    """Record chunk ``c``'s sums (nothing when not measuring)."""
    if partial.shape[0] != 0:
        partial[c, 0], partial[c, 1], partial[c, 2] = changes, squares, grads


@config.jit()
def _add_partials(stats, partial):
    for c in range(partial.shape[0]):
        for k in range(3):
            stats[k] += partial[c, k]


def _sgd(p, g, buf, neg_lr, weight_decay, momentum, one_minus_dampening, nesterov, maximize,
         first, stats):
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            if weight_decay != 0:
                gi = gi + weight_decay * old
            if momentum != 0:
                b = gi if first else buf[i] * momentum + one_minus_dampening * gi
                buf[i] = b
                gi = gi + momentum * b if nesterov else b
            new = old + neg_lr * gi
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _adam(p, g, m, v, vmax, neg_step_size, beta1_weight, beta1_keep, beta2, one_minus_beta2,
          bias_correction2_sqrt, eps, weight_decay, decay_factor, decoupled, amsgrad, maximize,
          stats):
    small = beta1_weight < 0.5  # PyTorch's lerp switches formula at weight 0.5 for accuracy
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            pi = old
            if weight_decay != 0:
                if decoupled:
                    pi = pi * decay_factor
                else:
                    gi = gi + weight_decay * pi
            mi = m[i]
            mi = mi + beta1_weight * (gi - mi) if small else gi - (gi - mi) * beta1_keep
            vi = v[i] * beta2 + one_minus_beta2 * gi * gi
            m[i] = mi
            v[i] = vi
            if amsgrad:
                most = vmax[i]
                vi = vi if (vi >= most or vi != vi) else most  # torch.maximum propagates NaN
                vmax[i] = vi
            denom = np.sqrt(vi) / bias_correction2_sqrt + eps
            new = pi + neg_step_size * mi / denom
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _rmsprop(p, g, square_avg, grad_avg, buf, neg_lr, alpha, one_minus_alpha, alpha_keep, eps,
             weight_decay, momentum, centered, maximize, stats):
    small = one_minus_alpha < 0.5
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            if weight_decay != 0:
                gi = gi + weight_decay * old
            sa = square_avg[i] * alpha + one_minus_alpha * gi * gi
            square_avg[i] = sa
            if centered:
                ga = grad_avg[i]
                ga = ga + one_minus_alpha * (gi - ga) if small else gi - (gi - ga) * alpha_keep
                grad_avg[i] = ga
                sa = sa - ga * ga
            avg = np.sqrt(sa) + eps
            if momentum > 0:
                b = buf[i] * momentum + gi / avg
                buf[i] = b
                new = old + neg_lr * b
            else:
                new = old + neg_lr * gi / avg
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _adagrad(p, g, state_sum, neg_clr, eps, weight_decay, maximize, stats):
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            if weight_decay != 0:
                gi = gi + weight_decay * old
            s = state_sum[i] + gi * gi
            state_sum[i] = s
            new = old + neg_clr * gi / (np.sqrt(s) + eps)
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


# The last argument, stats, is a sum that each part of a multi-threaded call adds to separately.
_SGD = SplitKernel(_sgd, accumulate=(10,))
_ADAM = SplitKernel(_adam, accumulate=(17,))
_RMSPROP = SplitKernel(_rmsprop, accumulate=(14,))
_ADAGRAD = SplitKernel(_adagrad, accumulate=(7,))

# --- public wrappers -----------------------------------------------------------------------


def _check(name: str, p: np.ndarray, *arrays: np.ndarray) -> np.ndarray:
    """Validate that ``p`` is a flat contiguous float array and the state arrays match it
    (they are written in place, so they are never copied)."""
    if p.ndim != 1 or not p.flags.c_contiguous or not p.flags.writeable:
        raise ValueError(f"{name}: the parameter must be a writeable 1-D C-contiguous array, "
                         f"got shape {p.shape}")
    _float_array(name, p)
    for a in arrays:
        if a.shape != p.shape or a.dtype != p.dtype or not a.flags.c_contiguous:
            raise ValueError(f"{name}: state array {a.dtype}{list(a.shape)} does not match the "
                             f"parameter {p.dtype}{list(p.shape)}")
    return p


def _grad(name: str, p: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The gradient as a contiguous array of ``p``'s dtype (read only, so a copy is fine)."""
    if g.shape != p.shape:
        raise ValueError(f"{name}: gradient shape {g.shape} does not match parameter shape "
                         f"{p.shape}")
    return np.ascontiguousarray(g, dtype=p.dtype)


_OFF = np.zeros(0)


def _stats(name: str, stats: Optional[np.ndarray]) -> np.ndarray:
    """The update-statistics accumulator: a writeable float64[3], or an empty array (off)."""
    if stats is None:
        return _OFF
    if stats.shape != (3,) or stats.dtype != np.float64 or not stats.flags.writeable:
        raise ValueError(f"{name}: stats must be a writeable float64 array of shape (3,), got "
                         f"{stats.dtype}{list(stats.shape)}")
    return stats


def sgd_step(p: np.ndarray, g: np.ndarray, buf: np.ndarray, *, lr: float, momentum: float = 0.0,
             dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
             maximize: bool = False, first: bool = False,
             stats: Optional[np.ndarray] = None) -> None:
    """p -= lr * d with d = g + wd*p, or with momentum b = mu*b + (1-dampening)*d (b = d on the
    ``first`` step) and d = b, or d + mu*b when ``nesterov``."""
    states = (buf,) if momentum != 0 else ()
    _check("sgd_step", p, *states)
    f = p.dtype.type
    _SGD(p.size, p, _grad("sgd_step", p, g), buf, f(-lr), f(weight_decay), f(momentum),
         f(1 - dampening), bool(nesterov), bool(maximize), bool(first),
         _stats("sgd_step", stats))


def adam_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, vmax: np.ndarray, *,
              step: int, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
              weight_decay: float = 0.0, decoupled: bool = False, amsgrad: bool = False,
              maximize: bool = False, stats: Optional[np.ndarray] = None) -> None:
    """m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2 (vmax = max(vmax, v) with amsgrad);
    p -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps), bc_k = 1 - b_k**step. ``decoupled`` (AdamW)
    scales p by 1 - lr*wd instead of adding wd*p to g."""
    _check("adam_step", p, m, v, *((vmax,) if amsgrad else ()))
    f = p.dtype.type
    weight = f(1 - beta1)
    _ADAM(p.size, p, _grad("adam_step", p, g), m, v, vmax, f(-(lr / (1 - beta1 ** step))),
          weight, f(1) - weight, f(beta2), f(1 - beta2), f((1 - beta2 ** step) ** 0.5), f(eps),
          f(weight_decay), f(1 - lr * weight_decay), bool(decoupled), bool(amsgrad),
          bool(maximize), _stats("adam_step", stats))


def rmsprop_step(p: np.ndarray, g: np.ndarray, square_avg: np.ndarray, grad_avg: np.ndarray,
                 buf: np.ndarray, *, lr: float, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
                 maximize: bool = False, stats: Optional[np.ndarray] = None) -> None:
    """s = a*s + (1-a)*g^2; avg = sqrt(s - ga^2) + eps with ga = lerp(ga, g, 1-a) when
    ``centered``, else sqrt(s) + eps; p -= lr * g/avg, or via b = mu*b + g/avg with momentum."""
    states = (square_avg,) + ((grad_avg,) if centered else ()) + ((buf,) if momentum > 0 else ())
    _check("rmsprop_step", p, *states)
    f = p.dtype.type
    weight = f(1 - alpha)
    _RMSPROP(p.size, p, _grad("rmsprop_step", p, g), square_avg, grad_avg, buf, f(-lr), f(alpha),
             weight, f(1) - weight, f(eps), f(weight_decay), f(momentum), bool(centered),
             bool(maximize), _stats("rmsprop_step", stats))


def adagrad_step(p: np.ndarray, g: np.ndarray, state_sum: np.ndarray, *, step: int, lr: float,
                 lr_decay: float = 0.0, eps: float = 1e-10, weight_decay: float = 0.0,
                 maximize: bool = False, stats: Optional[np.ndarray] = None) -> None:
    """s += g^2; p -= clr * g / (sqrt(s) + eps) with clr = lr / (1 + (step-1)*lr_decay)."""
    _check("adagrad_step", p, state_sum)
    f = p.dtype.type
    _ADAGRAD(p.size, p, _grad("adagrad_step", p, g), state_sum,
             f(-(lr / (1 + (step - 1) * lr_decay))), f(eps), f(weight_decay), bool(maximize),
             _stats("adagrad_step", stats))
