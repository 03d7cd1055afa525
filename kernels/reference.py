"""Naive pure-Python loop versions of every kernel: the test oracle and benchmark baseline.

Deliberately slow and obvious: explicit loops over elements, no vectorisation.
"""
from __future__ import annotations

import math

import numpy as np

# --- matmul ---------------------------------------------------------------------------


def matmul_naive(a, b):
    """c[i, j] = sum_p a[i][p] * b[p][j] for 2-D arrays or nested lists a (m, k), b (k, n);
    summed in float64, returned as an array of the operands' result type."""
    m, k, n = len(a), len(b), len(b[0]) if len(b) else 0
    out = np.zeros((m, n), np.result_type(np.asarray(a), np.asarray(b)))
    for i in range(m):
        for j in range(n):
            total = 0.0
            for p in range(k):
                total += float(a[i][p]) * float(b[p][j])
            out[i, j] = total
    return out


# --- activations ----------------------------------------------------------------------


def _map(fn, *arrays):
    """Apply a scalar function elementwise, in float64, returning the first array's dtype."""
    out = np.empty(arrays[0].shape, arrays[0].dtype)
    flat = [np.asarray(a, np.float64).reshape(-1) for a in arrays]
    for i in range(out.size):
        out.reshape(-1)[i] = fn(*(float(a[i]) for a in flat))
    return out


def _exp(v):
    return math.inf if v > 709.78 else math.exp(v)


def relu_fwd(x):
    """(max(x, 0), mask): bit i % 32 of word i // 32 is set where x[i] > 0 or NaN."""
    flat = np.asarray(x, np.float64).reshape(-1)
    mask = np.zeros((flat.size + 31) // 32, np.uint32)
    for i in range(flat.size):
        if not flat[i] <= 0:
            mask[i // 32] |= np.uint32(1 << (i % 32))
    return _map(lambda v: 0.0 if v <= 0 else v, x), mask


def relu_bwd(mask, g):
    out = np.zeros(g.shape, g.dtype)
    for i in range(g.size):
        if (int(mask[i // 32]) >> (i % 32)) & 1:
            out.reshape(-1)[i] = g.reshape(-1)[i]
    return out


def leaky_relu_fwd(x, s=0.01): return _map(lambda v: v if v > 0 else v * s, x)
def leaky_relu_bwd(x, g, s=0.01): return _map(lambda v, d: d if v > 0 else d * s, x, g)
def sigmoid_fwd(x): return _map(lambda v: 1 / (1 + _exp(-v)), x)
def sigmoid_bwd(y, g): return _map(lambda v, d: d * (1 - v) * v, y, g)
def tanh_fwd(x): return _map(math.tanh, x)
def tanh_bwd(y, g): return _map(lambda v, d: d * (1 - v * v), y, g)
def gelu_fwd(x): return _map(lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))), x)


def gelu_bwd(x, g):
    return _map(lambda v, d: d * (0.5 * (1 + math.erf(v / math.sqrt(2)))
                                  + v * math.exp(-0.5 * v * v) / math.sqrt(2 * math.pi)), x, g)


def _gelu_tanh_inner(v):
    return math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)


def gelu_tanh_fwd(x): return _map(lambda v: 0.5 * v * (1 + math.tanh(_gelu_tanh_inner(v))), x)


def gelu_tanh_bwd(x, g):
    def grad(v, d):
        t = math.tanh(_gelu_tanh_inner(v))
        inner = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * v * v)
        return d * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * inner)
    return _map(grad, x, g)


def silu_fwd(x): return _map(lambda v: v / (1 + _exp(-v)), x)


def silu_bwd(x, g):
    def grad(v, d):
        s = 1 / (1 + _exp(-v))
        return d * s * (1 + v * (1 - s))
    return _map(grad, x, g)


def softplus_fwd(x, beta=1.0, threshold=20.0):
    return _map(lambda v: v if v * beta > threshold else math.log1p(_exp(v * beta)) / beta, x)


def softplus_bwd(x, g, beta=1.0, threshold=20.0):
    return _map(lambda v, d: d if v * beta > threshold else d / (1 + _exp(-v * beta)), x, g)


def elu_fwd(x, alpha=1.0): return _map(lambda v: alpha * math.expm1(v) if v <= 0 else v, x)
def elu_bwd(x, g, alpha=1.0): return _map(lambda v, d: d * alpha * math.exp(v) if v <= 0 else d, x, g)

def erf(x): return _map(math.erf, x)
def erfc(x): return _map(math.erfc, x)

# --- gamma and Bessel functions (kernels/gamma.py), by other formulas than the kernels' ---
# Bernoulli numbers B_2, B_4, ..., B_16 of the asymptotic series
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _polygamma_scalar(n, v):
    """psi^(n)(v), n >= 0: recurrence up to v >= 30, then the asymptotic series; the
    reflection formula below 1/2 for n = 0 and 1. At a pole: digamma's -+inf at +-0 and
    NaN at the negative integers, (-1)^(n + 1) inf for n >= 1."""
    if v != v:
        return v
    if v == -math.inf and n <= 1:
        return math.nan
    if v <= 0 and (v == -math.inf or v.is_integer()):
        if n == 0:
            return -math.copysign(math.inf, v) if v == 0 else math.nan
        return math.inf if n % 2 else -math.inf
    if v < 0.5 and n <= 1:  # psi(1 - v) - pi cot(pi v);  pi^2 / sin^2(pi v) - psi'(1 - v)
        s = math.sin(math.pi * v)
        if n == 0:
            return _polygamma_scalar(0, 1 - v) - math.pi * math.cos(math.pi * v) / s
        return math.pi ** 2 / (s * s) - _polygamma_scalar(1, 1 - v)
    if v == math.inf:
        return math.inf if n == 0 else 0.0
    shift = 0.0
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n + 1)
    while v < 30:
        shift += -1 / v if n == 0 else sign * math.factorial(n) / v ** (n + 1)
        v += 1
    if n == 0:
        series = math.log(v) - 0.5 / v - sum(b / (2 * k * v ** (2 * k))
                                             for k, b in enumerate(_BERNOULLI, 1))
    else:
        series = sign * (math.factorial(n - 1) / v ** n + math.factorial(n) / (2 * v ** (n + 1))
                         + sum(b * math.factorial(2 * k + n - 1)
                               / (math.factorial(2 * k) * v ** (2 * k + n))
                               for k, b in enumerate(_BERNOULLI, 1)))
    return shift + series


def _bessel_scalar(order, v):
    """I_order(v), order 0 or 1, from its power series sum (v/2)^(2k + order) / (k! (k +
    order)!) (positive terms: no cancellation); I1 is odd."""
    if v != v:
        return v
    a = abs(v)
    term = 1.0 if order == 0 else a / 2
    total, k = term, 0
    while a != math.inf and (term > total * 1e-17 or k < a):
        k += 1
        term *= (a * a / 4) / (k * (k + order))
        total += term
        if total == math.inf:
            break
    if a == math.inf:
        total = math.inf
    return -total if order and v < 0 else total


def _lgamma_scalar(v):
    try:
        return math.lgamma(v)
    except ValueError:  # a pole
        return math.inf


def lgamma(x): return _map(_lgamma_scalar, x)
def digamma(x): return _map(lambda v: _polygamma_scalar(0, v), x)
def trigamma(x): return _map(lambda v: _polygamma_scalar(1, v), x)
def polygamma(n, x): return _map(lambda v: _polygamma_scalar(n, v), x)
def i0(x): return _map(lambda v: _bessel_scalar(0, v), x)
def i1(x): return _map(lambda v: _bessel_scalar(1, v), x)

# --- softmax and losses ---------------------------------------------------------------


def _rows(x, axis):
    return np.moveaxis(np.asarray(x, np.float64), axis, -1).reshape(-1, x.shape[axis])


def _unrows(rows, like, axis):
    moved = np.moveaxis(np.empty_like(like), axis, -1)
    return np.moveaxis(rows.reshape(moved.shape), -1, axis).astype(like.dtype)


def _log_softmax_row(row):
    m = max(row)
    log_sum = m + math.log(sum(math.exp(v - m) for v in row))
    return [v - log_sum for v in row]


def log_softmax_fwd(x, axis=-1):
    rows = _rows(x, axis)
    return _unrows(np.array([_log_softmax_row(r) for r in rows]), x, axis)


def softmax_fwd(x, axis=-1):
    rows = _rows(x, axis)
    return _unrows(np.array([[math.exp(v) for v in _log_softmax_row(r)] for r in rows]), x, axis)


def softmax_bwd(y, g, axis=-1):
    ys, gs = _rows(y, axis), _rows(g, axis)
    out = [[yv * (gv - sum(a * b for a, b in zip(yr, gr))) for yv, gv in zip(yr, gr)]
           for yr, gr in zip(ys, gs)]
    return _unrows(np.array(out), y, axis)


def log_softmax_bwd(y, g, axis=-1):
    ys, gs = _rows(y, axis), _rows(g, axis)
    out = [[gv - math.exp(yv) * sum(gr) for yv, gv in zip(yr, gr)] for yr, gr in zip(ys, gs)]
    return _unrows(np.array(out), y, axis)


def cross_entropy_fwd(logits, target, ignore_index=-100, label_smoothing=0.0, weight=None):
    """Per-sample losses (N,) as torch's cross_entropy(reduction='none')."""
    n, c = logits.shape
    w = [1.0] * c if weight is None else [float(v) for v in weight]
    loss = np.zeros(n, logits.dtype)
    for i in range(n):
        if target[i] == ignore_index:
            continue
        logp = _log_softmax_row([float(v) for v in logits[i]])
        nll = -w[target[i]] * logp[target[i]]
        smooth = -sum(wc * lp for wc, lp in zip(w, logp))
        loss[i] = (1 - label_smoothing) * nll + label_smoothing / c * smooth
    return loss


def cross_entropy_bwd(logits, target, grad, ignore_index=-100, label_smoothing=0.0,
                      weight=None):
    """dlogits (N, C) by the chain rule through log_softmax, from the logits."""
    n, c = logits.shape
    w = [1.0] * c if weight is None else [float(v) for v in weight]
    out = np.zeros(logits.shape, logits.dtype)
    for i in range(n):
        if target[i] == ignore_index:
            continue
        p = [math.exp(v) for v in _log_softmax_row([float(v) for v in logits[i]])]
        dlogp = [-label_smoothing / c * w[j] for j in range(c)]
        dlogp[target[i]] -= (1 - label_smoothing) * w[target[i]]
        total = sum(dlogp)
        for j in range(c):
            out[i, j] = float(grad[i]) * (dlogp[j] - p[j] * total)
    return out

# --- scatter --------------------------------------------------------------------------


def scatter_add_flat(size, flat_index, values):
    out = np.zeros(size, values.dtype)
    for j, v in zip(flat_index, values):
        out[j] += v
    return out


def scatter_add_rows(n_rows, index, values):
    out = np.zeros((n_rows, values.shape[1]), values.dtype)
    for j, row in zip(index, values):
        for k in range(values.shape[1]):
            out[j, k] += row[k]
    return out

# --- optim ----------------------------------------------------------------------------
# In-place updates of flat arrays, written out per element in Python floats (PyTorch's
# algorithm boxes); same signatures as ``optim.py``.


def _optim_grad(g, p, i, weight_decay, maximize):
    d = -float(g[i]) if maximize else float(g[i])
    return d + weight_decay * float(p[i]) if weight_decay != 0 else d


def sgd_step(p, g, buf, *, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
             maximize=False, first=False):
    for i in range(p.size):
        d = _optim_grad(g, p, i, weight_decay, maximize)
        if momentum != 0:
            buf[i] = d if first else momentum * float(buf[i]) + (1 - dampening) * d
            d = d + momentum * float(buf[i]) if nesterov else float(buf[i])
        p[i] = float(p[i]) - lr * d


def adam_step(p, g, m, v, vmax, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
              decoupled=False, amsgrad=False, maximize=False):
    for i in range(p.size):
        if decoupled:
            p[i] = float(p[i]) * (1 - lr * weight_decay)
            d = _optim_grad(g, p, i, 0.0, maximize)
        else:
            d = _optim_grad(g, p, i, weight_decay, maximize)
        m[i] = beta1 * float(m[i]) + (1 - beta1) * d
        v[i] = beta2 * float(v[i]) + (1 - beta2) * d * d
        if amsgrad:
            vmax[i] = max(float(vmax[i]), float(v[i]))
        second = float(vmax[i] if amsgrad else v[i])
        denom = math.sqrt(second) / math.sqrt(1 - beta2 ** step) + eps
        p[i] = float(p[i]) - lr / (1 - beta1 ** step) * float(m[i]) / denom


def rmsprop_step(p, g, square_avg, grad_avg, buf, *, lr, alpha=0.99, eps=1e-8, weight_decay=0.0,
                 momentum=0.0, centered=False, maximize=False):
    for i in range(p.size):
        d = _optim_grad(g, p, i, weight_decay, maximize)
        square_avg[i] = alpha * float(square_avg[i]) + (1 - alpha) * d * d
        second = float(square_avg[i])
        if centered:
            grad_avg[i] = alpha * float(grad_avg[i]) + (1 - alpha) * d
            second -= float(grad_avg[i]) ** 2
        avg = math.sqrt(second) + eps
        if momentum > 0:
            buf[i] = momentum * float(buf[i]) + d / avg
            p[i] = float(p[i]) - lr * float(buf[i])
        else:
            p[i] = float(p[i]) - lr * d / avg


def adagrad_step(p, g, state_sum, *, step, lr, lr_decay=0.0, eps=1e-10, weight_decay=0.0,
                 maximize=False):
    clr = lr / (1 + (step - 1) * lr_decay)
    for i in range(p.size):
        d = _optim_grad(g, p, i, weight_decay, maximize)
        state_sum[i] = float(state_sum[i]) + d * d
        p[i] = float(p[i]) - clr * d / (math.sqrt(float(state_sum[i])) + eps)


def _decayed_grad(g, p, i, lr, weight_decay, decoupled, maximize):
    """The gradient with L2 weight decay, or after decoupled decay of p[i] (NAdam, RAdam)."""
    if decoupled:
        p[i] = float(p[i]) * (1 - lr * weight_decay)
        return _optim_grad(g, p, i, 0.0, maximize)
    return _optim_grad(g, p, i, weight_decay, maximize)


def nadam_step(p, g, m, v, mu_product, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8,
               weight_decay=0.0, momentum_decay=4e-3, decoupled=False, maximize=False):
    mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product *= mu_product.dtype.type(mu)  # a float32 state: PyTorch rounds mu to it
    product = float(mu_product)
    for i in range(p.size):
        d = _decayed_grad(g, p, i, lr, weight_decay, decoupled, maximize)
        m[i] = beta1 * float(m[i]) + (1 - beta1) * d
        v[i] = beta2 * float(v[i]) + (1 - beta2) * d * d
        denom = math.sqrt(float(v[i]) / (1 - beta2 ** step)) + eps
        p[i] = (float(p[i]) - lr * (1 - mu) / (1 - product) * d / denom
                - lr * mu_next / (1 - product * mu_next) * float(m[i]) / denom)


def radam_step(p, g, m, v, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
               decoupled=False, maximize=False):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2 ** step / (1 - beta2 ** step)
    for i in range(p.size):
        d = _decayed_grad(g, p, i, lr, weight_decay, decoupled, maximize)
        m[i] = beta1 * float(m[i]) + (1 - beta1) * d
        v[i] = beta2 * float(v[i]) + (1 - beta2) * d * d
        update = lr * float(m[i]) / (1 - beta1 ** step)
        if rho_t > 5:
            rectification = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                                      / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            update *= rectification * math.sqrt(1 - beta2 ** step) / (math.sqrt(float(v[i])) + eps)
        p[i] = float(p[i]) - update


def adamax_step(p, g, m, u, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
                maximize=False):
    for i in range(p.size):
        d = _optim_grad(g, p, i, weight_decay, maximize)
        m[i] = beta1 * float(m[i]) + (1 - beta1) * d
        u[i] = max(beta2 * float(u[i]), abs(d) + eps)
        p[i] = float(p[i]) - lr / (1 - beta1 ** step) * float(m[i]) / float(u[i])


def adadelta_step(p, g, square_avg, acc_delta, *, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0,
                  maximize=False):
    for i in range(p.size):
        d = _optim_grad(g, p, i, weight_decay, maximize)
        square_avg[i] = rho * float(square_avg[i]) + (1 - rho) * d * d
        delta = math.sqrt(float(acc_delta[i]) + eps) / math.sqrt(float(square_avg[i]) + eps) * d
        acc_delta[i] = rho * float(acc_delta[i]) + (1 - rho) * delta * delta
        p[i] = float(p[i]) - lr * delta


def asgd_step(p, g, ax, eta, mu, *, step, lr, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0,
              maximize=False):
    eta_now, mu_now = float(eta), float(mu)
    for i in range(p.size):
        d = _optim_grad(g, p, i, weight_decay, maximize)
        p[i] = float(p[i]) * (1 - lambd * eta_now) - eta_now * d
        ax[i] = float(p[i]) if mu_now == 1 else float(ax[i]) + mu_now * (float(p[i]) - float(ax[i]))
    eta[...] = lr / (1 + lambd * lr * step) ** alpha
    mu[...] = 1 / max(1, step - t0)


def rprop_step(p, g, prev, step_size, *, etaminus=0.5, etaplus=1.2, step_size_min=1e-6,
               step_size_max=50.0, maximize=False):
    for i in range(p.size):
        d = -float(g[i]) if maximize else float(g[i])
        agreement = d * float(prev[i])
        factor = etaplus if agreement > 0 else etaminus if agreement < 0 else 1.0
        step_size[i] = min(max(float(step_size[i]) * factor, step_size_min), step_size_max)
        if agreement < 0:
            d = 0.0
        p[i] = float(p[i]) - ((d > 0) - (d < 0)) * float(step_size[i])
        prev[i] = d


def adafactor_direction(g, row_var, col_var, divisor, eps1):
    out = np.empty(g.shape, g.dtype)
    for b, i, j in np.ndindex(*g.shape):
        estimate = float(row_var[b, i]) * float(col_var[b, j]) / float(divisor[b])
        out[b, i, j] = float(g[b, i, j]) / math.sqrt(max(estimate, eps1 * eps1))
    return out


def adafactor_apply(p, u, g, *, scale, decay_factor=1.0):
    for i in range(p.size):
        p[i] = float(p[i]) * decay_factor + scale * float(u[i])

# --- conv and norm --------------------------------------------------------------------


def _tap(x, n, c, iy, ix):
    """x[n, c, iy, ix], or None outside the image (padding)."""
    if 0 <= iy < x.shape[2] and 0 <= ix < x.shape[3]:
        return x[n, c, iy, ix]
    return None


def im2col(x, kernel, stride, padding, dilation, out_size):
    n_batch, channels = x.shape[:2]
    (kh, kw), (oh, ow) = kernel, out_size
    cols = np.zeros((n_batch, channels * kh * kw, oh * ow), x.dtype)
    for n in range(n_batch):
        for c in range(channels):
            for i in range(kh):
                for j in range(kw):
                    for y in range(oh):
                        for xo in range(ow):
                            v = _tap(x, n, c, y * stride[0] - padding[0] + i * dilation[0],
                                     xo * stride[1] - padding[1] + j * dilation[1])
                            if v is not None:
                                cols[n, (c * kh + i) * kw + j, y * ow + xo] = v
    return cols


def col2im(cols, image_shape, kernel, stride, padding, dilation, out_size):
    out = np.zeros(image_shape, cols.dtype)
    (kh, kw), (oh, ow) = kernel, out_size
    for n in range(image_shape[0]):
        for c in range(image_shape[1]):
            for i in range(kh):
                for j in range(kw):
                    for y in range(oh):
                        for xo in range(ow):
                            iy = y * stride[0] - padding[0] + i * dilation[0]
                            ix = xo * stride[1] - padding[1] + j * dilation[1]
                            if 0 <= iy < image_shape[2] and 0 <= ix < image_shape[3]:
                                row = (c * kh + i) * kw + j
                                out[n, c, iy, ix] += cols[n, row, y * ow + xo]
    return out


def conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    """y[n, o, y, x] = b[o] + sum over the group's channels and the kernel taps."""
    n_batch, _, height, width = x.shape
    out_channels, group_channels, kh, kw = w.shape
    oh = (height + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (width + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    per_group = out_channels // groups
    out = np.zeros((n_batch, out_channels, oh, ow), x.dtype)
    for n in range(n_batch):
        for o in range(out_channels):
            first = (o // per_group) * group_channels
            for y in range(oh):
                for xo in range(ow):
                    acc = 0.0 if b is None else float(b[o])
                    for c in range(group_channels):
                        for i in range(kh):
                            for j in range(kw):
                                iy = y * stride[0] - padding[0] + i * dilation[0]
                                ix = xo * stride[1] - padding[1] + j * dilation[1]
                                v = _tap(x, n, first + c, iy, ix)
                                if v is not None:
                                    acc += float(w[o, c, i, j]) * float(v)
                    out[n, o, y, xo] = acc
    return out


def _depthwise_taps(image_shape, kernel, stride, padding, dilation, out_hw, multiplier):
    """(n, c, o, i, j, y, x, iy, ix) of every tap of a depthwise convolution inside the image."""
    n_batch, channels, height, width = image_shape
    for n in range(n_batch):
        for c in range(channels):
            for o in range(c * multiplier, (c + 1) * multiplier):
                for i in range(kernel[0]):
                    for j in range(kernel[1]):
                        for y in range(out_hw[0]):
                            for xo in range(out_hw[1]):
                                iy = y * stride[0] - padding[0] + i * dilation[0]
                                ix = xo * stride[1] - padding[1] + j * dilation[1]
                                if 0 <= iy < height and 0 <= ix < width:
                                    yield n, c, o, i, j, y, xo, iy, ix


def depthwise_conv2d(x, w, stride, padding, dilation, out_hw):
    """y[n, o] = sum over taps of w[o, i, j] x[n, o // m]; w (C * m, kh, kw)."""
    y = np.zeros((x.shape[0], w.shape[0]) + tuple(out_hw))
    for n, c, o, i, j, yo, xo, iy, ix in _depthwise_taps(
            x.shape, w.shape[1:], stride, padding, dilation, out_hw, w.shape[0] // x.shape[1]):
        y[n, o, yo, xo] += float(w[o, i, j]) * float(x[n, c, iy, ix])
    return y.astype(x.dtype)


def depthwise_conv2d_input(g, w, image_shape, stride, padding, dilation):
    dx = np.zeros(image_shape)
    for n, c, o, i, j, yo, xo, iy, ix in _depthwise_taps(
            image_shape, w.shape[1:], stride, padding, dilation, g.shape[2:],
            w.shape[0] // image_shape[1]):
        dx[n, c, iy, ix] += float(w[o, i, j]) * float(g[n, o, yo, xo])
    return dx.astype(g.dtype)


def depthwise_conv2d_weight(x, g, kernel, stride, padding, dilation):
    dw = np.zeros((g.shape[1],) + tuple(kernel))
    for n, c, o, i, j, yo, xo, iy, ix in _depthwise_taps(
            x.shape, kernel, stride, padding, dilation, g.shape[2:], g.shape[1] // x.shape[1]):
        dw[o, i, j] += float(g[n, o, yo, xo]) * float(x[n, c, iy, ix])
    return dw.astype(x.dtype)


def max_pool2d_fwd(x, kernel, stride, padding, dilation, out_size):
    """(max, flat index of the first max within the H*W plane) per window; NaN wins (the
    last NaN's index)."""
    shape = x.shape[:2] + tuple(out_size)
    out = np.empty(shape, x.dtype)
    index = np.empty(shape, np.int64)
    for n in range(shape[0]):
        for c in range(shape[1]):
            for y in range(shape[2]):
                for xo in range(shape[3]):
                    best, best_index = None, -1
                    for i in range(kernel[0]):
                        for j in range(kernel[1]):
                            iy = y * stride[0] - padding[0] + i * dilation[0]
                            ix = xo * stride[1] - padding[1] + j * dilation[1]
                            v = _tap(x, n, c, iy, ix)
                            if v is None or (best is not None and math.isnan(best)
                                             and not math.isnan(v)):
                                continue
                            if best is None or v > best or math.isnan(v):
                                best, best_index = v, iy * x.shape[3] + ix
                    out[n, c, y, xo] = best
                    index[n, c, y, xo] = best_index
    return out, index


def max_pool2d_bwd(g, index, image_shape):
    out = np.zeros(image_shape, g.dtype)
    width = image_shape[3]
    for n in range(g.shape[0]):
        for c in range(g.shape[1]):
            for y in range(g.shape[2]):
                for xo in range(g.shape[3]):
                    k = index[n, c, y, xo]
                    out[n, c, k // width, k % width] += g[n, c, y, xo]
    return out


def _moments(values):
    mean = sum(values) / len(values)
    return mean, sum((v - mean) ** 2 for v in values) / len(values)


def batch_norm_fwd(x, weight, bias, eps):
    """x (N, C, L): per-channel (x - mean) / sqrt(var + eps) * w + b; (y, mean, biased var)."""
    n_batch, channels, length = x.shape
    out = np.empty(x.shape, x.dtype)
    mean, var = np.empty(channels), np.empty(channels)
    for c in range(channels):
        values = [float(x[n, c, i]) for n in range(n_batch) for i in range(length)]
        mean[c], var[c] = _moments(values)
        w = 1.0 if weight is None else float(weight[c])
        b = 0.0 if bias is None else float(bias[c])
        for n in range(n_batch):
            for i in range(length):
                out[n, c, i] = (float(x[n, c, i]) - mean[c]) / math.sqrt(var[c] + eps) * w + b
    return out, mean, var


def _normalize_grad(g, x, mean, invstd, w):
    """dx of xhat = (x - mean) * invstd followed by * w, over one group of values."""
    count = len(x)
    xhat = [(v - mean) * invstd for v in x]
    dxhat = [gv * wv for gv, wv in zip(g, w)]
    mean_dxhat = sum(dxhat) / count
    mean_dxhat_xhat = sum(d * h for d, h in zip(dxhat, xhat)) / count
    return [invstd * (d - mean_dxhat - h * mean_dxhat_xhat) for d, h in zip(dxhat, xhat)], xhat


def batch_norm_bwd(g, x, mean, invstd, weight):
    n_batch, channels, length = x.shape
    dx = np.empty(x.shape, x.dtype)
    dweight, dbias = np.empty(channels), np.empty(channels)
    for c in range(channels):
        cells = [(n, i) for n in range(n_batch) for i in range(length)]
        gs = [float(g[n, c, i]) for n, i in cells]
        w = 1.0 if weight is None else float(weight[c])
        grads, xhat = _normalize_grad(gs, [float(x[n, c, i]) for n, i in cells],
                                      float(mean[c]), float(invstd[c]), [w] * len(cells))
        for (n, i), d in zip(cells, grads):
            dx[n, c, i] = d
        dweight[c] = sum(gv * h for gv, h in zip(gs, xhat))
        dbias[c] = sum(gs)
    return dx, dweight, dbias


def layer_norm_fwd(x, weight, bias, eps):
    """x (M, D): per-row (x - mean) / sqrt(var + eps) * w + b; (y, mean, invstd)."""
    rows, width = x.shape
    out = np.empty(x.shape, x.dtype)
    mean, invstd = np.empty(rows), np.empty(rows)
    for r in range(rows):
        mean[r], var = _moments([float(v) for v in x[r]])
        invstd[r] = 1.0 / math.sqrt(var + eps)
        for d in range(width):
            w = 1.0 if weight is None else float(weight[d])
            b = 0.0 if bias is None else float(bias[d])
            out[r, d] = (float(x[r, d]) - mean[r]) * invstd[r] * w + b
    return out, mean, invstd


def layer_norm_bwd(g, x, mean, invstd, weight):
    rows, width = x.shape
    dx = np.empty(x.shape, x.dtype)
    dweight, dbias = np.zeros(width), np.zeros(width)
    w = [1.0] * width if weight is None else [float(v) for v in weight]
    for r in range(rows):
        gs = [float(v) for v in g[r]]
        grads, xhat = _normalize_grad(gs, [float(v) for v in x[r]], float(mean[r]),
                                      float(invstd[r]), w)
        dx[r] = grads
        for d in range(width):
            dweight[d] += gs[d] * xhat[d]
            dbias[d] += gs[d]
    return dx, dweight, dbias


# --- stats ---
def moments(x):
    values = [float(v) for v in np.asarray(x).reshape(-1)]
    return sum(values), sum(v * v for v in values), sum(not math.isfinite(v) for v in values)


def sumsq(x):
    return moments(x)[1]


def update_sumsq(new, old):
    pairs = zip(np.asarray(new).reshape(-1), np.asarray(old).reshape(-1))
    pairs = [(float(n), float(o)) for n, o in pairs]
    return sum((n - o) ** 2 for n, o in pairs), sum(o * o for _, o in pairs)


def unit_moments(x, lo, hi):
    total, squares, bad = moments(x)
    counts = np.array([sum(float(v) <= lo or float(v) >= hi for v in x[:, c, :].reshape(-1))
                       for c in range(x.shape[1])], np.int64)
    return total, squares, bad, counts


# --- recurrent cells ------------------------------------------------------------------


def lstm_cell_fwd(pre, c_prev):
    """(h, c, activated gates, tanh(c)) of one LSTM step; gates i, f, g, o in pre's rows."""
    n, hidden = c_prev.shape
    h, c, tanh_c = (np.zeros_like(c_prev) for _ in range(3))
    act = np.zeros_like(pre)
    for r in range(n):
        for j in range(hidden):
            i, f, g, o = (float(pre[r, k * hidden + j]) for k in range(4))
            i, f, g, o = 1 / (1 + _exp(-i)), 1 / (1 + _exp(-f)), math.tanh(g), 1 / (1 + _exp(-o))
            cell = f * float(c_prev[r, j]) + i * g
            for k, value in enumerate((i, f, g, o)):
                act[r, k * hidden + j] = value
            c[r, j], tanh_c[r, j], h[r, j] = cell, math.tanh(cell), o * math.tanh(cell)
    return h, c, act, tanh_c


def lstm_cell_bwd(act, tanh_c, c_prev, dh, dc):
    """(d pre, d c_prev) of one LSTM step, by the chain rule element by element."""
    n, hidden = c_prev.shape
    dpre, dc_prev = np.zeros_like(act), np.zeros_like(c_prev)
    for r in range(n):
        for j in range(hidden):
            i, f, g, o = (float(act[r, k * hidden + j]) for k in range(4))
            t, d_h = float(tanh_c[r, j]), float(dh[r, j])
            d_cell = float(dc[r, j]) + d_h * o * (1 - t * t)
            grads = (d_cell * g * i * (1 - i), d_cell * float(c_prev[r, j]) * f * (1 - f),
                     d_cell * i * (1 - g * g), d_h * t * o * (1 - o))
            for k, value in enumerate(grads):
                dpre[r, k * hidden + j] = value
            dc_prev[r, j] = d_cell * f
    return dpre, dc_prev


def gru_cell_fwd(xw, hw, h_prev):
    """(h, saved r, z, n, hw_n) of one GRU step; rows r, z, n in xw and hw."""
    n, hidden = h_prev.shape
    h, act = np.zeros_like(h_prev), np.zeros((n, 4 * hidden), h_prev.dtype)
    for row in range(n):
        for j in range(hidden):
            x_r, x_z, x_n = (float(xw[row, k * hidden + j]) for k in range(3))
            h_r, h_z, h_n = (float(hw[row, k * hidden + j]) for k in range(3))
            r, z = 1 / (1 + _exp(-(x_r + h_r))), 1 / (1 + _exp(-(x_z + h_z)))
            n_gate = math.tanh(x_n + r * h_n)
            for k, value in enumerate((r, z, n_gate, h_n)):
                act[row, k * hidden + j] = value
            h[row, j] = (float(h_prev[row, j]) - n_gate) * z + n_gate
    return h, act


def gru_cell_bwd(act, h_prev, dh):
    """(d xw, d hw, z * dh) of one GRU step, by the chain rule element by element."""
    n, hidden = h_prev.shape
    d_xw, d_hw = (np.zeros((n, 3 * hidden), act.dtype) for _ in range(2))
    dh_prev = np.zeros_like(h_prev)
    for row in range(n):
        for j in range(hidden):
            r, z, n_gate, h_n = (float(act[row, k * hidden + j]) for k in range(4))
            g = float(dh[row, j])
            d_n = g * (1 - z) * (1 - n_gate * n_gate)
            d_r = d_n * h_n * r * (1 - r)
            d_z = g * (float(h_prev[row, j]) - n_gate) * z * (1 - z)
            for k, (dx, dhw) in enumerate(((d_r, d_r), (d_z, d_z), (d_n, d_n * r))):
                d_xw[row, k * hidden + j], d_hw[row, k * hidden + j] = dx, dhw
            dh_prev[row, j] = g * z
    return d_xw, d_hw, dh_prev
