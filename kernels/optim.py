"""Fused optimizer updates: one pass over a parameter, in place on it and its state arrays.

Each kernel reproduces PyTorch's single-tensor update (``torch.optim._single_tensor_*``)
operation by operation in the parameter's dtype, so results agree with PyTorch's to float32
rounding. Scalars derived from the step count (bias corrections, decayed learning rates) are
computed in float64 by the wrappers, as PyTorch computes them in Python, then cast to the
parameter dtype like PyTorch's scalar arguments. The kernels of NAdam, RAdam, Adamax,
Adadelta, ASGD, Rprop and Adafactor also round each multiply-add that PyTorch's CPU loops fuse
(``lerp``, ``addcmul``, ``add(alpha=)``) once, through float64 (``_fma``), as the numpy code
they replaced did, which follows PyTorch's float32 trajectories bit for bit in most cases.

Arrays are flat (1-D), C-contiguous and of one float dtype; an unused state array (e.g. the
momentum buffer when ``momentum == 0``) may be any array of that dtype, it is not touched.
Every step function takes an optional ``stats`` (float64[3]) to which it adds the squared
norms of the update, of the parameter before it and of the gradient (``GradientMonitor``).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from numba import types
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


def _fma(a, b, c):
    """a * b + c in c's dtype as ``autograd_engine.optim._elementwise.fma``: for float32 the
    product is exact in float64, the sum is rounded there, then to float32 (a true fused
    multiply-add only differs when that lands on a float32 tie); float64 rounds the product
    and the sum (PyTorch's fused result may differ in the last bit)."""
    return type(c)(np.float64(a) * np.float64(b) + np.float64(c))


@overload(_fma)
def _fma_impl(a, b, c):
    if c == types.float32:
        return lambda a, b, c: np.float32(np.float64(a) * np.float64(b) + np.float64(c))
    return lambda a, b, c: a * b + c


def _lerp(a, end, weight, weight_minus_one, small):
    """``a.lerp(end, weight)``: a + w (end - a) where ``small`` (|w| < 0.5), else
    end + (w - 1)(end - a): PyTorch switches formula at 0.5 for accuracy."""
    diff = end - a
    return _fma(weight, diff, a) if small else _fma(weight_minus_one, diff, end)


@overload(_lerp)
def _lerp_impl(a, end, weight, weight_minus_one, small):
    return _lerp


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


def _nadam(p, g, m, v, neg_grad_step, neg_momentum_step, weight, weight_minus_one, beta2,
           one_minus_beta2, bias_correction2, eps, weight_decay, l2, decay_factor, decoupled,
           maximize, stats):
    small = abs(weight) < 0.5
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            pi = old
            if decoupled:
                pi = pi * decay_factor
            elif l2:
                gi = _fma(pi, weight_decay, gi)
            mi = _lerp(m[i], gi, weight, weight_minus_one, small)
            vi = _fma(one_minus_beta2 * gi, gi, v[i] * beta2)
            m[i] = mi
            v[i] = vi
            denom = np.sqrt(vi / bias_correction2) + eps
            pi = pi + neg_grad_step * gi / denom
            new = pi + neg_momentum_step * mi / denom
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _radam(p, g, m, v, bias_correction1, lr, weight, weight_minus_one, beta2, one_minus_beta2,
           rectify, bias_correction2_sqrt, rectification, eps, weight_decay, l2, decay_factor,
           decoupled, maximize, stats):
    small = abs(weight) < 0.5
    one = p.dtype.type(1)
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            pi = old
            if decoupled:
                pi = pi * decay_factor
            elif l2:
                gi = _fma(pi, weight_decay, gi)
            mi = _lerp(m[i], gi, weight, weight_minus_one, small)
            vi = _fma(one_minus_beta2 * gi, gi, v[i] * beta2)
            m[i] = mi
            v[i] = vi
            update = mi / bias_correction1 * lr
            if rectify:
                adaptive = one / (np.sqrt(vi) + eps) * bias_correction2_sqrt
                update = update * adaptive * rectification
            new = pi - update
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _adamax(p, g, m, u, neg_clr, weight, weight_minus_one, beta2, eps, weight_decay, l2,
            maximize, stats):
    small = abs(weight) < 0.5
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            if l2:
                gi = _fma(old, weight_decay, gi)
            mi = _lerp(m[i], gi, weight, weight_minus_one, small)
            ui = u[i] * beta2
            norm = abs(gi) + eps
            ui = ui if (ui > norm or ui != ui) else norm  # np.maximum: NaN wins, ties norm
            m[i] = mi
            u[i] = ui
            new = old + neg_clr * mi / ui
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _adadelta(p, g, square_avg, acc_delta, neg_lr, rho, one_minus_rho, eps, weight_decay, l2,
              maximize, stats):
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            if l2:
                gi = _fma(old, weight_decay, gi)
            sa = _fma(one_minus_rho * gi, gi, square_avg[i] * rho)
            square_avg[i] = sa
            delta = np.sqrt(acc_delta[i] + eps) / np.sqrt(sa + eps) * gi
            acc_delta[i] = _fma(one_minus_rho * delta, delta, acc_delta[i] * rho)
            new = _fma(delta, neg_lr, old)
            p[i] = new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _asgd(p, g, ax, decay_factor, neg_eta, mu, averaging, weight_decay, l2, maximize, stats):
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            if l2:
                gi = _fma(old, weight_decay, gi)
            new = _fma(gi, neg_eta, old * decay_factor)
            p[i] = new
            ax[i] = ax[i] + (new - ax[i]) * mu if averaging else new
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _rprop(p, g, prev, step_size, etaminus, etaplus, step_size_min, step_size_max, maximize,
           stats):
    one = p.dtype.type(1)
    zero = p.dtype.type(0)
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            gi = -g[i] if maximize else g[i]
            old = p[i]
            agreement = gi * prev[i]  # its sign picks the factor; NaN's sign is 0, as torch's
            factor = etaplus if agreement > 0 else (etaminus if agreement < 0 else one)
            s = step_size[i] * factor
            s = s if (s >= step_size_min or s != s) else step_size_min  # np.clip: NaN kept,
            s = s if (s <= step_size_max or s != s) else step_size_max  # a tie keeps s
            step_size[i] = s
            if factor == etaminus:  # a sign change: this step skips the element
                gi = zero
            sign = (one if gi > 0 else zero) - (one if gi < 0 else zero)
            new = old + -one * sign * s
            p[i] = new
            prev[i] = gi
            if measure:
                changes, squares, grads = _tally(changes, squares, grads, old, new, g[i])
        _keep(partial, c, changes, squares, grads)
    _add_partials(stats, partial)


def _adafactor_direction(g, row_var, col_var, divisor, floor, out):
    one = g.dtype.type(1)
    for b in range(g.shape[0]):
        for i in range(g.shape[1]):
            r = row_var[b, i]
            for j in range(g.shape[2]):
                estimate = r * col_var[b, j] / divisor[b]
                estimate = estimate if (estimate > floor or estimate != estimate) else floor
                out[b, i, j] = one / np.sqrt(estimate) * g[b, i, j]


def _adafactor_apply(p, u, g, scale, decay_factor, stats):
    measure, chunks, partial = _partials(p.size, stats)
    for c in range(chunks):
        lo, hi = _chunk(c, p.size)
        changes = squares = grads = 0.0
        for i in range(lo, hi):
            old = p[i]
            new = _fma(u[i], scale, old * decay_factor)
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
_NADAM = SplitKernel(_nadam, accumulate=(17,))
_RADAM = SplitKernel(_radam, accumulate=(19,))
_ADAMAX = SplitKernel(_adamax, accumulate=(12,))
_ADADELTA = SplitKernel(_adadelta, accumulate=(11,))
_ASGD = SplitKernel(_asgd, accumulate=(10,))
_RPROP = SplitKernel(_rprop, accumulate=(9,))
_ADAFACTOR_DIRECTION = SplitKernel(_adafactor_direction)
_ADAFACTOR_APPLY = SplitKernel(_adafactor_apply, accumulate=(5,))

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


def _scalar_state(name: str, a: np.ndarray) -> np.ndarray:
    """Validate a 1-element float state array (NAdam's mu_product, ASGD's eta and mu)."""
    if (not isinstance(a, np.ndarray) or a.size != 1 or a.dtype.kind != "f"
            or not a.flags.writeable):
        raise ValueError(f"{name}: a scalar state must be a writeable 1-element float array, "
                         f"got {getattr(a, 'dtype', type(a).__name__)}"
                         f"{list(getattr(a, 'shape', ()))}")
    return a


def _lerp_weights(f: type, beta1: float) -> tuple:
    """``lerp(m, g, 1 - beta1)``'s weight and weight - 1, in the parameter's dtype."""
    weight = f(1 - beta1)
    return weight, weight - f(1)


def _weight_decay(f: type, lr: float, weight_decay: float, decoupled: bool) -> tuple:
    """(wd, L2?, 1 - lr*wd, decoupled?): the L2 term g + wd*p or the decoupled p *= 1 - lr*wd,
    decided on the Python value (a wd that rounds to 0 in float32 still adds 0 * p)."""
    return (f(weight_decay), weight_decay != 0 and not decoupled, f(1 - lr * weight_decay),
            weight_decay != 0 and bool(decoupled))


def nadam_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray,
               mu_product: np.ndarray, *, step: int, lr: float, beta1: float = 0.9,
               beta2: float = 0.999, eps: float = 1e-8, weight_decay: float = 0.0,
               momentum_decay: float = 4e-3, decoupled: bool = False, maximize: bool = False,
               stats: Optional[np.ndarray] = None) -> None:
    """mu_t = b1 (1 - 0.96^(t psi) / 2); ``mu_product`` (a 1-element state array) *= mu_t in
    its own dtype; m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2; denom = sqrt(v/(1-b2^t)) + eps;
    p -= lr (1-mu_t)/(1-prod) g/denom + lr mu_{t+1}/(1-prod mu_{t+1}) m/denom. L2
    ``weight_decay`` adds wd*p to g; ``decoupled`` scales p by 1 - lr*wd instead."""
    _check("nadam_step", p, m, v)
    _scalar_state("nadam_step", mu_product)
    f = p.dtype.type
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product *= mu_product.dtype.type(mu)
    product = mu_product.item()
    _NADAM(p.size, p, _grad("nadam_step", p, g), m, v, f(-lr * (1.0 - mu) / (1.0 - product)),
           f(-lr * mu_next / (1.0 - product * mu_next)), *_lerp_weights(f, beta1), f(beta2),
           f(1 - beta2), f(1 - beta2 ** step), f(eps),
           *_weight_decay(f, lr, weight_decay, decoupled), bool(maximize),
           _stats("nadam_step", stats))


def radam_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, *, step: int,
               lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
               weight_decay: float = 0.0, decoupled: bool = False, maximize: bool = False,
               stats: Optional[np.ndarray] = None) -> None:
    """m = lerp(m, g, 1-b1); v = b2*v + (1-b2)*g^2; while the SMA length rho_t <= 5,
    p -= lr m/(1-b1^t); after, the step is also scaled by sqrt(1-b2^t)/(sqrt(v)+eps) * r_t.
    ``weight_decay`` and ``decoupled`` as in ``nadam_step``."""
    _check("radam_step", p, m, v)
    f = p.dtype.type
    bias_correction2 = 1 - beta2 ** step
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
    rectify = rho_t > 5.0
    bias_correction2_sqrt = rectification = 1.0  # unused until the SMA length passes 5
    if rectify:
        bias_correction2_sqrt = bias_correction2 ** 0.5
        rectification = ((rho_t - 4) * (rho_t - 2) * rho_inf
                         / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    _RADAM(p.size, p, _grad("radam_step", p, g), m, v, f(1 - beta1 ** step), f(lr),
           *_lerp_weights(f, beta1), f(beta2), f(1 - beta2), rectify, f(bias_correction2_sqrt),
           f(rectification), f(eps), *_weight_decay(f, lr, weight_decay, decoupled),
           bool(maximize), _stats("radam_step", stats))


def adamax_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, u: np.ndarray, *, step: int,
                lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                weight_decay: float = 0.0, maximize: bool = False,
                stats: Optional[np.ndarray] = None) -> None:
    """m = lerp(m, g, 1-b1); u = max(b2*u, |g| + eps); p -= lr/(1-b1^t) * m/u (g + wd*p for
    g with ``weight_decay``)."""
    _check("adamax_step", p, m, u)
    f = p.dtype.type
    _ADAMAX(p.size, p, _grad("adamax_step", p, g), m, u, f(-(lr / (1 - beta1 ** step))),
            *_lerp_weights(f, beta1), f(beta2), f(eps), f(weight_decay), weight_decay != 0,
            bool(maximize), _stats("adamax_step", stats))


def adadelta_step(p: np.ndarray, g: np.ndarray, square_avg: np.ndarray, acc_delta: np.ndarray,
                  *, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                  weight_decay: float = 0.0, maximize: bool = False,
                  stats: Optional[np.ndarray] = None) -> None:
    """s = rho*s + (1-rho)*g^2; delta = sqrt(a + eps) / sqrt(s + eps) * g;
    a = rho*a + (1-rho)*delta^2; p -= lr * delta (g + wd*p for g with ``weight_decay``)."""
    _check("adadelta_step", p, square_avg, acc_delta)
    f = p.dtype.type
    _ADADELTA(p.size, p, _grad("adadelta_step", p, g), square_avg, acc_delta, f(-lr), f(rho),
              f(1 - rho), f(eps), f(weight_decay), weight_decay != 0, bool(maximize),
              _stats("adadelta_step", stats))


def asgd_step(p: np.ndarray, g: np.ndarray, ax: np.ndarray, eta: np.ndarray, mu: np.ndarray,
              *, step: int, lr: float, lambd: float = 1e-4, alpha: float = 0.75,
              t0: float = 1e6, weight_decay: float = 0.0, maximize: bool = False,
              stats: Optional[np.ndarray] = None) -> None:
    """p *= 1 - lambd*eta; p -= eta*g; ax += mu (p - ax), or ax = p while mu is 1; then, for
    the next step, eta = lr / (1 + lambd lr t)^alpha and mu = 1 / max(1, t - t0) (``eta`` and
    ``mu`` are 1-element state arrays, rounded through float32 as PyTorch's ``as_tensor``)."""
    _check("asgd_step", p, ax)
    _scalar_state("asgd_step", eta)
    _scalar_state("asgd_step", mu)
    f = p.dtype.type
    eta_now, mu_now = eta.item(), mu.item()
    _ASGD(p.size, p, _grad("asgd_step", p, g), ax, f(1 - lambd * eta_now), f(-eta_now),
          f(mu_now), mu_now != 1, f(weight_decay), weight_decay != 0, bool(maximize),
          _stats("asgd_step", stats))
    eta[...] = np.float32(lr / (1 + lambd * lr * step) ** alpha)
    mu[...] = np.float32(1 / max(1, step - t0))


def rprop_step(p: np.ndarray, g: np.ndarray, prev: np.ndarray, step_size: np.ndarray, *,
               etaminus: float = 0.5, etaplus: float = 1.2, step_size_min: float = 1e-6,
               step_size_max: float = 50.0, maximize: bool = False,
               stats: Optional[np.ndarray] = None) -> None:
    """s *= etaplus where g*prev > 0, etaminus where < 0 (g is taken as 0 there), then clamped
    to [step_size_min, step_size_max]; p -= sign(g) * s; prev = g."""
    _check("rprop_step", p, prev, step_size)
    f = p.dtype.type
    _RPROP(p.size, p, _grad("rprop_step", p, g), prev, step_size, f(etaminus), f(etaplus),
           f(step_size_min), f(step_size_max), bool(maximize), _stats("rprop_step", stats))


def adafactor_direction(g: np.ndarray, row_var: np.ndarray, col_var: np.ndarray,
                        divisor: np.ndarray, eps1: float) -> np.ndarray:
    """Adafactor's update direction for a stack of matrices ``g`` (B, R, C): a new array
    u = g / sqrt(max(r c / divisor, eps1^2)) with row factors ``row_var`` (B, R), column factors
    ``col_var`` (B, C) and one ``divisor`` per matrix (B,): max(mean(r), eps1) in PyTorch."""
    _float_array("adafactor_direction", g)
    if g.ndim != 3:
        raise ValueError(f"adafactor_direction: expected a (matrices, rows, columns) gradient, "
                         f"got shape {g.shape}")
    f = g.dtype.type
    shapes = ((g.shape[0], g.shape[1]), (g.shape[0], g.shape[2]), (g.shape[0],))
    if any(a.shape != shape or a.dtype != g.dtype
           for a, shape in zip((row_var, col_var, divisor), shapes)):
        raise ValueError(f"adafactor_direction: factors "
                         f"{[(a.dtype, a.shape) for a in (row_var, col_var, divisor)]} do not "
                         f"match the gradient {g.dtype}{list(g.shape)}")
    out = np.empty(g.shape, g.dtype)
    _ADAFACTOR_DIRECTION(g.size, np.ascontiguousarray(g), np.ascontiguousarray(row_var),
                         np.ascontiguousarray(col_var), np.ascontiguousarray(divisor),
                         f(eps1 * eps1), out)
    return out


def adafactor_apply(p: np.ndarray, u: np.ndarray, g: np.ndarray, *, scale: float,
                    decay_factor: float = 1.0, stats: Optional[np.ndarray] = None) -> None:
    """p = p * decay_factor + scale * u (Adafactor's last step: decoupled weight decay, then
    PyTorch's ``add_(u, alpha=scale)``, one rounding). ``g`` is read only to measure."""
    _check("adafactor_apply", p, u)
    f = p.dtype.type
    _ADAFACTOR_APPLY(p.size, p, u, _grad("adafactor_apply", p, g), f(scale), f(decay_factor),
                     _stats("adafactor_apply", stats))
