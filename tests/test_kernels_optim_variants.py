"""The fused NAdam, RAdam, Adamax, Adadelta, ASGD, Rprop and Adafactor kernels against the
numpy implementation they replaced (kept below, verbatim in substance, as the reference): the
same bits in float32 and float64 for every hyper-parameter path, random sizes and values (NaN,
inf, signed zeros included); against their loop twins in ``kernels/reference.py``; and
through the optimizer classes, whose trajectories, state and measured updates are the old
ones."""
from __future__ import annotations

import warnings

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.kernels import optim as kernels
from autograd_engine.kernels import reference
from autograd_engine.optim.adafactor import _mean_squares, _norm  # unchanged by the kernels
from autograd_engine.optim.optimizer import _flat, _next_step, _state_tensor, _step_tensor

from .test_kernels_optim import check_against_reference

# Under NUMBA_DISABLE_JIT the kernels run as Python loops: fewer examples.
EXAMPLES = 25 if numba.config.DISABLE_JIT else 200


# -- the numpy implementation the kernels replaced ------------------------------------------
# (autograd_engine/optim/_elementwise.py and the optimizers' ``_apply`` before the kernels,
# rewritten as functions of the kernel wrappers' arguments). PyTorch's fused multiply-adds are
# rounded once in float32 through float64.

def _fma(a, b, c, out=None):
    c = np.asarray(c)
    if c.dtype != np.float32:
        return np.add(a * b, c, out=out)
    wide = np.multiply(a, b, dtype=np.float64)
    wide += c
    if out is None:
        return wide.astype(np.float32)
    np.copyto(out, wide, casting="same_kind")
    return out


def _lerp_(a, end, weight):
    f = a.dtype.type
    w = f(weight)
    small = abs(w) < 0.5
    _fma(w if small else w - f(1), end - a, a if small else end, out=a)


def _mul_add_square_(a, keep, g):
    f = a.dtype.type
    a *= f(keep)
    _fma(f(1 - keep) * g, g, a, out=a)


def _with_l2(g, p, weight_decay):
    return _fma(p, p.dtype.type(weight_decay), g) if weight_decay != 0 else g


def _decay(p, g, lr, weight_decay, decoupled):
    if weight_decay != 0 and decoupled:
        p *= p.dtype.type(1 - lr * weight_decay)
        return g
    return _with_l2(g, p, weight_decay)


def old_nadam(p, g, m, v, mu_product, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8,
              weight_decay=0.0, momentum_decay=4e-3, decoupled=False, maximize=False):
    f = p.dtype.type
    g = _decay(p, np.negative(g) if maximize else g, lr, weight_decay, decoupled)
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
    mu_product *= mu_product.dtype.type(mu)
    product = float(mu_product)
    _lerp_(m, g, 1 - beta1)
    _mul_add_square_(v, beta2, g)
    denom = v / f(1 - beta2 ** step)
    np.sqrt(denom, out=denom)
    denom += f(eps)
    p += f(-lr * (1.0 - mu) / (1.0 - product)) * g / denom
    p += f(-lr * mu_next / (1.0 - product * mu_next)) * m / denom


def old_radam(p, g, m, v, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
              decoupled=False, maximize=False):
    f = p.dtype.type
    g = _decay(p, np.negative(g) if maximize else g, lr, weight_decay, decoupled)
    _lerp_(m, g, 1 - beta1)
    _mul_add_square_(v, beta2, g)
    bias_correction2 = 1 - beta2 ** step
    update = m / f(1 - beta1 ** step)
    update *= f(lr)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2 ** step / bias_correction2
    if rho_t > 5.0:
        adaptive = np.sqrt(v)
        adaptive += f(eps)
        np.reciprocal(adaptive, out=adaptive)
        adaptive *= f(bias_correction2 ** 0.5)
        update *= adaptive
        update *= f(((rho_t - 4) * (rho_t - 2) * rho_inf
                     / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5)
    p -= update


def old_adamax(p, g, m, u, *, step, lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0,
               maximize=False):
    f = p.dtype.type
    g = _with_l2(np.negative(g) if maximize else g, p, weight_decay)
    _lerp_(m, g, 1 - beta1)
    u *= f(beta2)
    norm = np.abs(g)
    norm += f(eps)
    np.maximum(u, norm, out=u)
    p += f(-(lr / (1 - beta1 ** step))) * m / u


def old_adadelta(p, g, square_avg, acc_delta, *, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0,
                 maximize=False):
    f = p.dtype.type
    g = _with_l2(np.negative(g) if maximize else g, p, weight_decay)
    _mul_add_square_(square_avg, rho, g)
    std = square_avg + f(eps)
    np.sqrt(std, out=std)
    delta = acc_delta + f(eps)
    np.sqrt(delta, out=delta)
    delta /= std
    delta *= g
    _mul_add_square_(acc_delta, rho, delta)
    _fma(delta, f(-lr), p, out=p)


def old_asgd(p, g, ax, eta, mu, *, step, lr, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0,
             maximize=False):
    f = p.dtype.type
    g = _with_l2(np.negative(g) if maximize else g, p, weight_decay)
    p *= f(1 - lambd * float(eta))
    _fma(g, f(-float(eta)), p, out=p)
    if mu != 1:
        ax += (p - ax) * f(mu)
    else:
        np.copyto(ax, p)
    eta[...] = np.float32(lr / (1 + lambd * lr * step) ** alpha)
    mu[...] = np.float32(1 / max(1, step - t0))


def _sign(x):
    return (x > 0).astype(x.dtype) - (x < 0)


def old_rprop(p, g, prev, step_size, *, etaminus=0.5, etaplus=1.2, step_size_min=1e-6,
              step_size_max=50.0, maximize=False):
    f = p.dtype.type
    g = np.negative(g) if maximize else g
    factor = _sign(g * prev)
    factor[factor > 0] = f(etaplus)
    factor[factor < 0] = f(etaminus)
    factor[factor == 0] = f(1)
    step_size *= factor
    np.clip(step_size, f(step_size_min), f(step_size_max), out=step_size)
    g = g.copy()
    g[factor == f(etaminus)] = 0
    p += f(-1) * _sign(g) * step_size
    np.copyto(prev, g)


OLD = {"nadam_step": old_nadam, "radam_step": old_radam, "adamax_step": old_adamax,
       "adadelta_step": old_adadelta, "asgd_step": old_asgd, "rprop_step": old_rprop}


def old_adafactor(p, g, state, group, shape):
    """Adafactor's ``_apply`` on flat ``p`` and ``g`` (negated already when maximizing)."""
    if not state:
        state["step"] = ae.Tensor(np.zeros((), np.float32))
        if len(shape) > 1:
            state["row_var"] = ae.Tensor(np.zeros(shape[:-1] + (1,), p.dtype))
            state["col_var"] = ae.Tensor(np.zeros(shape[:-2] + (1,) + shape[-1:], p.dtype))
        else:
            state["variance"] = ae.Tensor(np.zeros(shape, p.dtype))
    f = p.dtype.type
    lr, (eps1, eps2) = group["lr"], group["eps"]
    if eps1 is None:
        eps1 = float(np.finfo(p.dtype).eps)
    state["step"].data += 1
    step = float(state["step"].data)
    weight = step ** group["beta2_decay"]
    rho = min(lr, 1 / step ** 0.5)
    alpha = max(eps2, _norm(p) / p.size ** 0.5) * rho
    if group["weight_decay"] != 0:
        p *= f(1 - lr * group["weight_decay"])
    g = g.reshape(shape)
    if len(shape) > 1:
        row_var, col_var = state["row_var"].data, state["col_var"].data
        row_mean, col_mean = _mean_squares(g)
        _lerp_(row_var, row_mean, weight)
        _lerp_(col_var, col_mean, weight)
        estimate = row_var * col_var
        row_var_mean = np.mean(row_var, axis=-2, keepdims=True, dtype=np.float64)
        estimate /= np.maximum(row_var_mean.astype(p.dtype), f(eps1))
    else:
        variance = state["variance"].data
        _lerp_(variance, g * g, weight)
        estimate = variance.copy()
    np.maximum(estimate, f(eps1 * eps1), out=estimate)
    update = np.sqrt(estimate, out=estimate)
    np.reciprocal(update, out=update)
    update *= g
    denom = max(1.0, _norm(update) / (update.size ** 0.5 * group["d"]))
    _fma(update.reshape(-1), f(-alpha / denom), p, out=p)


# -- kernel arguments --------------------------------------------------------------------------
_BETA = st.sampled_from([0.0, 0.1, 0.5, 0.9, 0.999]) | st.floats(0.0, 0.9999)
_WD = st.sampled_from([0.0, 0.1, 1e-2]) | st.floats(0.0, 2.0)  # some round to 0 in float32
_LR = st.sampled_from([1e-3, 0.0, 0.5]) | st.floats(0.0, 1.0)
# beta1 out of [0, 1) (the constructors refuse it) still takes lerp's formula by |1 - beta1|
_ADAM_LIKE = dict(lr=_LR, beta1=_BETA | st.sampled_from([1.6, -0.2]), beta2=_BETA,
                  eps=st.sampled_from([1e-8, 1e-3, 0.0]), weight_decay=_WD, maximize=st.booleans())
_ETAS = dict(etaminus=st.sampled_from([0.5, 0.3, 0.999999999]) | st.floats(0.01, 0.99),
             etaplus=st.sampled_from([1.2, 1.5, 1.000000001]) | st.floats(1.01, 3.0))
_STEP_SIZES = dict(step_size_min=st.sampled_from([1e-6, 0.0, 1e-3, 0.02]),
                   step_size_max=st.sampled_from([50.0, 0.2, 1e-4, np.inf, np.nan]))
HYPER = {
    "nadam_step": st.fixed_dictionaries(dict(
        _ADAM_LIKE, momentum_decay=st.sampled_from([4e-3, 0.0, 0.5]) | st.floats(0.0, 1.0),
        decoupled=st.booleans())),
    "radam_step": st.fixed_dictionaries(dict(_ADAM_LIKE, decoupled=st.booleans())),
    "adamax_step": st.fixed_dictionaries(_ADAM_LIKE),
    "adadelta_step": st.fixed_dictionaries(dict(
        lr=_LR, rho=st.sampled_from([0.9, 0.0, 1.0, 0.5]) | st.floats(0.0, 1.0),
        eps=st.sampled_from([1e-6, 1e-3, 0.0]), weight_decay=_WD, maximize=st.booleans())),
    "asgd_step": st.fixed_dictionaries(dict(
        lr=_LR, lambd=st.sampled_from([1e-4, 0.0, 0.1]) | st.floats(0.0, 1.0),
        alpha=st.sampled_from([0.75, 0.5, 1.0]) | st.floats(0.0, 2.0),
        t0=st.sampled_from([1e6, 0.0, 2.0, 5.0]), weight_decay=_WD, maximize=st.booleans())),
    "rprop_step": st.fixed_dictionaries(dict(_ETAS, **_STEP_SIZES, maximize=st.booleans())),
}
# the state arrays after p and g: "signed" values or "positive" ones (second moments), "lr"
# for Rprop's step sizes; then 1-element state scalars (a value, or "lr": ASGD's first eta)
STATES = {"nadam_step": ("signed", "positive"), "radam_step": ("signed", "positive"),
          "adamax_step": ("signed", "positive"), "adadelta_step": ("positive", "positive"),
          "asgd_step": ("signed",), "rprop_step": ("signed", "lr")}
SCALARS = {"nadam_step": (1.0,), "asgd_step": ("lr", 1.0)}
STEPPED = {"nadam_step", "radam_step", "adamax_step", "asgd_step"}  # take ``step=``
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1e-40, 3e38]


@st.composite
def arrays(draw, n, dtype, special, positive=False, fill=False):
    """n values of ``dtype`` of a random scale (or one value when ``fill``), some made special
    when ``special``."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    a = rng.standard_normal(1 if fill else n) * draw(st.sampled_from([1.0, 1e-3, 10.0]))
    a = np.resize(a, n)
    if positive:
        a = np.abs(a)
    if special:
        hits = rng.random(n) < 0.2
        a[hits] = rng.choice(SPECIAL, hits.sum())
    return a.astype(dtype)


@st.composite
def cases(draw, name, dtype, size=st.integers(1, 40)):
    """(hyper-parameters, p, state arrays, state scalars, gradients of successive steps, first
    step)."""
    n = draw(size)
    special = draw(st.booleans())
    hyper = draw(HYPER[name])
    p = draw(arrays(n, dtype, special))
    states = [draw(arrays(n, dtype, special, positive=kind != "signed", fill=kind == "lr"))
              for kind in STATES[name]]
    scalar_dtype = draw(st.sampled_from([np.float32, dtype]))  # float64 after a state load
    scalars = [np.array(hyper["lr"] if s == "lr" else s, scalar_dtype)
               for s in SCALARS.get(name, ())]
    grads = [draw(arrays(n, dtype, special)) for _ in range(draw(st.integers(1, 4)))]
    return hyper, p, states, scalars, grads, draw(st.integers(1, 12))


def assert_same_bits(got, want):
    """Equal bit for bit (signed zeros too), except that any NaN matches any NaN."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    bits = {4: np.uint32, 8: np.uint64}[got.itemsize]
    np.testing.assert_array_equal(got[~nan].view(bits), want[~nan].view(bits))


def _run(fn, name, case):
    """Apply ``fn`` (a kernel wrapper or its old numpy update) for each gradient of ``case``,
    on copies; returns the final parameter, state arrays and state scalars."""
    hyper, p, states, scalars, grads, first = case
    p, states, scalars = p.copy(), [a.copy() for a in states], [a.copy() for a in scalars]
    for k, g in enumerate(grads):
        step = dict(step=first + k) if name in STEPPED else {}
        with np.errstate(all="ignore"):  # numpy, and the kernels' scalars without the JIT
            fn(p, g, *states, *scalars, **hyper, **step)
    return [p, *states, *scalars]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(OLD))
def test_kernel_reproduces_the_numpy_update_bit_for_bit(name, dtype):
    @settings(max_examples=EXAMPLES)
    @given(case=cases(name, dtype))
    def check(case):
        for got, want in zip(_run(getattr(kernels, name), name, case), _run(OLD[name], name, case)):
            assert_same_bits(got, want)

    check()


# Without the JIT the kernel bodies warn on inf and NaN as numpy scalars, and np.errstate does
# not reach the worker threads.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(OLD))
def test_long_arrays_over_several_chunks_and_threads(name, dtype, threaded):
    """Past the 4096-element chunks, and cut in 3 parts on threads: still the numpy bits."""
    @settings(max_examples=3, database=None)
    @given(case=cases(name, dtype, size=st.just(3 * 4096 + 5)))
    def check(case):
        want = _run(OLD[name], name, case)
        for got, expected in zip(_run(getattr(kernels, name), name, case), want):
            assert_same_bits(got, expected)
        threaded()
        for got, expected in zip(_run(getattr(kernels, name), name, case), want):
            assert_same_bits(got, expected)

    check()


# -- the loop twins in kernels/reference.py --------------------------------------------------
CASES = [  # (kernel, arguments, the state scalars' values)
    ("nadam_step", dict(step=3, lr=0.01), (0.85,)),
    ("nadam_step", dict(step=1, lr=0.01, beta1=0.2, weight_decay=0.1, momentum_decay=0.05,
                        maximize=True), (1.0,)),
    ("nadam_step", dict(step=7, lr=0.01, weight_decay=0.1, decoupled=True), (0.3,)),
    ("radam_step", dict(step=2, lr=0.01, weight_decay=0.1), ()),  # not rectified yet
    ("radam_step", dict(step=9, lr=0.01, beta1=0.3, weight_decay=0.1, decoupled=True,
                        maximize=True), ()),
    ("adamax_step", dict(step=4, lr=0.01, weight_decay=0.1, maximize=True), ()),
    ("adamax_step", dict(step=1, lr=0.01, beta1=0.6, beta2=0.5, eps=1e-3), ()),
    ("adadelta_step", dict(), ()),
    ("adadelta_step", dict(lr=0.5, rho=0.3, eps=1e-3, weight_decay=0.1, maximize=True), ()),
    ("asgd_step", dict(step=3, lr=0.01), (0.01, 1.0)),  # mu is 1: ax follows p
    ("asgd_step", dict(step=5, lr=0.05, lambd=0.1, alpha=0.5, t0=2, weight_decay=0.1,
                       maximize=True), (0.04, 0.5)),
    ("rprop_step", dict(), ()),
    ("rprop_step", dict(etaminus=0.3, etaplus=1.5, step_size_min=0.01, step_size_max=0.2,
                        maximize=True), ()),
]


def _twin_arrays(name, dtype, n, scalars=(), seed=0):
    rng = np.random.default_rng(seed)
    p, g = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    states = [(rng.random(n) * (0.1 if kind == "lr" else 1)
               if kind != "signed" else rng.standard_normal(n)).astype(dtype)
              for kind in STATES[name]]
    return p, g, states + [np.array(v, np.float32) for v in scalars]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kwargs,scalars", CASES)
@pytest.mark.parametrize("n", [1, 37])
def test_kernel_matches_reference(name, kwargs, scalars, dtype, n):
    p, g, states = _twin_arrays(name, dtype, n, scalars)
    if name == "rprop_step":  # signs agreeing, opposed and zero
        agree = -1 if kwargs.get("maximize") else 1
        g[::3], g[1::3] = agree * states[0][::3], -agree * states[0][1::3]
        states[0][2::3] = 0
    check_against_reference(name, kwargs, p, g, states)
    assert p.dtype == dtype and not np.array_equal(p, _twin_arrays(name, dtype, n)[0])
    if name == "asgd_step" and scalars[1] == 1:
        assert_same_bits(states[0], p)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 3, 5), (1, 7, 4)])
def test_adafactor_kernels_match_reference(shape, dtype):
    rng = np.random.default_rng(1)
    g = rng.standard_normal(shape).astype(dtype)
    row_var = rng.random(shape[:2]).astype(dtype)
    col_var = rng.random((shape[0], shape[2])).astype(dtype)
    col_var[0, 0] = 0  # under the floor eps1^2
    divisor = rng.random(shape[0]).astype(dtype) + dtype(0.5)
    u = kernels.adafactor_direction(g, row_var, col_var, divisor, 1e-3)
    tol = dict(rtol=2e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(u, reference.adafactor_direction(g, row_var, col_var, divisor,
                                                                1e-3), **tol)
    p = rng.standard_normal(g.size).astype(dtype)
    p_ref = p.copy()
    kernels.adafactor_apply(p, u.reshape(-1), g.reshape(-1), scale=-0.01, decay_factor=0.99)
    reference.adafactor_apply(p_ref, u.reshape(-1), g.reshape(-1), scale=-0.01,
                              decay_factor=0.99)
    np.testing.assert_allclose(p, p_ref, **tol)
    assert u.dtype == p.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_adafactor_kernels_reproduce_the_numpy_ops_bit_for_bit(dtype):
    """u = reciprocal(sqrt(max(r c / divisor, eps1^2))) * g and p = fma(u, s, p * decay), as
    numpy computed them, over random and special values."""
    @settings(max_examples=EXAMPLES)
    @given(dims=st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 6)),
           special=st.booleans(), eps1=st.sampled_from([1e-30, 1e-3, 0.0, 1.0]),
           scale=st.floats(-1.0, 0.0), decay=st.sampled_from([1.0, 0.99, 0.5]),
           data=st.data())
    def check(dims, special, eps1, scale, decay, data):
        b, r, c = dims
        g = data.draw(arrays(b * r * c, dtype, special)).reshape(dims)
        row_var = data.draw(arrays(b * r, dtype, special, positive=True)).reshape(b, r)
        col_var = data.draw(arrays(b * c, dtype, special, positive=True)).reshape(b, c)
        divisor = data.draw(arrays(b, dtype, special, positive=True))
        p = data.draw(arrays(g.size, dtype, special))
        f = dtype
        with np.errstate(all="ignore"):
            want = row_var[:, :, None] * col_var[:, None, :]
            want /= divisor[:, None, None]
            np.maximum(want, f(eps1 * eps1), out=want)
            np.sqrt(want, out=want)
            np.reciprocal(want, out=want)
            want *= g
            u = kernels.adafactor_direction(g, row_var, col_var, divisor, eps1)
            assert_same_bits(u, want)
            p_want = p * f(decay)
            _fma(want.reshape(-1), f(scale), p_want, out=p_want)
            kernels.adafactor_apply(p, u.reshape(-1), g.reshape(-1), scale=scale,
                                    decay_factor=decay)
        assert_same_bits(p, p_want)

    check()


# -- measured updates, validation -------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kwargs,scalars",
                         CASES[::2] + [("adafactor_apply", dict(scale=-0.1), ())])
@pytest.mark.parametrize("n", [1, 4096, 10007])  # one element, one chunk, a partial chunk
def test_measured_step_reports_update_norms_and_changes_nothing(name, kwargs, scalars, dtype, n):
    if name == "adafactor_apply":  # (p, u, g): the direction u is read only
        rng = np.random.default_rng(n)
        p, u, g = (rng.standard_normal(n).astype(dtype) for _ in range(3))
        inputs, states = (u, g), []
    else:
        p, g, states = _twin_arrays(name, dtype, n, scalars, seed=n)
        inputs = (g,)
    plain, plain_states = p.copy(), [s.copy() for s in states]
    before = p.copy()
    stats = np.full(3, 0.5)  # the kernel adds to what is there
    getattr(kernels, name)(p, *inputs, *states, stats=stats, **kwargs)
    getattr(kernels, name)(plain, *inputs, *plain_states, **kwargs)
    assert_same_bits(p, plain)
    for got, want in zip(states, plain_states):
        assert_same_bits(got, want)
    changes, squares = reference.update_sumsq(p, before)
    want = [changes + 0.5, squares + 0.5, reference.sumsq(g) + 0.5]
    np.testing.assert_allclose(stats, want, rtol=1e-12)


def test_threaded_update_measures_the_same_update(threaded):
    p, g, states = _twin_arrays("adadelta_step", np.float32, 3 * 4096 + 5)
    serial, parallel = np.ones(3), np.ones(3)
    kernels.adadelta_step(p.copy(), g, *[s.copy() for s in states], stats=serial)
    threaded()
    kernels.adadelta_step(p.copy(), g, *[s.copy() for s in states], stats=parallel)
    np.testing.assert_allclose(parallel, serial, rtol=1e-12)


def test_invalid_arrays_are_rejected_before_dispatch():
    p = np.ones(4, np.float32)
    one = np.ones((), np.float32)
    with pytest.raises(TypeError, match="expected float32 or float64"):
        kernels.adamax_step(np.ones(4, np.int64), p, p, p, step=1, lr=0.1)
    with pytest.raises(ValueError, match="rprop_step: state array float32\\[3\\]"):
        kernels.rprop_step(p, p.copy(), np.ones(3, np.float32), p.copy())
    with pytest.raises(ValueError, match="radam_step: state array float64"):
        kernels.radam_step(p, p.copy(), p.copy(), np.ones(4), step=1, lr=0.1)
    with pytest.raises(ValueError, match="1-D C-contiguous"):
        kernels.adadelta_step(np.ones((2, 2), np.float32), p, p, p)
    with pytest.raises(ValueError, match="gradient shape"):
        kernels.adadelta_step(p, np.ones(5, np.float32), p.copy(), p.copy())
    with pytest.raises(ValueError, match="nadam_step: a scalar state must be"):
        kernels.nadam_step(p, p.copy(), p.copy(), p.copy(), np.ones(2, np.float32), step=1,
                           lr=0.1)
    with pytest.raises(ValueError, match="asgd_step: a scalar state must be"):
        kernels.asgd_step(p, p.copy(), p.copy(), one, np.ones((), np.int32), step=1, lr=0.1)
    with pytest.raises(ValueError, match="stats must be a writeable float64"):
        kernels.asgd_step(p, p.copy(), p.copy(), one, one.copy(), step=1, lr=0.1,
                          stats=np.zeros(3, np.float32))
    g = np.ones((1, 2, 3), np.float32)
    with pytest.raises(ValueError, match="adafactor_direction: expected a \\(matrices, rows"):
        kernels.adafactor_direction(g[0], g[0, 0], g[0, 0], g[0, 0, :1], 1e-3)
    with pytest.raises(ValueError, match="adafactor_direction: factors"):
        kernels.adafactor_direction(g, np.ones((1, 3), np.float32), np.ones((1, 3), np.float32),
                                    np.ones(1, np.float32), 1e-3)
    with pytest.raises(ValueError, match="adafactor_direction: factors"):
        kernels.adafactor_direction(g, np.ones((1, 2)), np.ones((1, 3)), np.ones(1), 1e-3)
    with pytest.raises(ValueError, match="adafactor_apply: state array"):
        kernels.adafactor_apply(np.ones(6, np.float32), np.ones(5, np.float32),
                                np.ones(6, np.float32), scale=0.1)


def test_asgd_schedules_eta_and_mu_for_the_next_step():
    """The step uses the eta and mu in the state arrays (eta 0: p stays; mu 1: ax = p), then
    writes the next ones there rounded through float32 (PyTorch's ``as_tensor``), even into
    float64 state (loaded for float64 parameters)."""
    p, g = np.ones(4, np.float32), np.full(4, 2.0, np.float32)
    eta, mu = np.array(0.0), np.ones(())
    ax = np.zeros(4, np.float32)
    kernels.asgd_step(p, g, ax, eta, mu, step=3, lr=0.5, t0=1)
    assert_same_bits(p, np.ones(4, np.float32))
    assert_same_bits(ax, p)
    exact = 0.5 / (1 + 1e-4 * 0.5 * 3) ** 0.75
    assert eta.item() == float(np.float32(exact)) != exact and mu.item() == 0.5


# -- through the optimizer classes -----------------------------------------------------------
def _old_update(name, p, g, state, group, param):
    """The optimizer's old ``_apply`` (state created as before, then the numpy update)."""
    lr, hyper = group["lr"], dict(maximize=group["maximize"])
    if name in ("NAdam", "RAdam", "Adamax"):
        hyper.update(beta1=group["betas"][0], beta2=group["betas"][1], eps=group["eps"],
                     weight_decay=group["weight_decay"])
    if name in ("NAdam", "RAdam"):
        if not state:
            state["step"] = _step_tensor()
            if name == "NAdam":
                state["mu_product"] = ae.Tensor(np.array(1.0, np.float32))
            state.update(exp_avg=_state_tensor(param), exp_avg_sq=_state_tensor(param))
        moments = _flat(state["exp_avg"]), _flat(state["exp_avg_sq"])
        hyper.update(decoupled=group["decoupled_weight_decay"], step=_next_step(state), lr=lr)
        if name == "NAdam":
            old_nadam(p, g, *moments, state["mu_product"].data,
                      momentum_decay=group["momentum_decay"], **hyper)
        else:
            old_radam(p, g, *moments, **hyper)
    elif name == "Adamax":
        if not state:
            state.update(step=_step_tensor(), exp_avg=_state_tensor(param),
                         exp_inf=_state_tensor(param))
        old_adamax(p, g, _flat(state["exp_avg"]), _flat(state["exp_inf"]),
                   step=_next_step(state), lr=lr, **hyper)
    elif name == "Adadelta":
        if not state:
            state.update(step=_step_tensor(), square_avg=_state_tensor(param),
                         acc_delta=_state_tensor(param))
        _next_step(state)
        old_adadelta(p, g, _flat(state["square_avg"]), _flat(state["acc_delta"]), lr=lr,
                     rho=group["rho"], eps=group["eps"], weight_decay=group["weight_decay"],
                     **hyper)
    elif name == "ASGD":
        if not state:
            state.update(step=_step_tensor(), eta=ae.Tensor(np.array(lr, np.float32)),
                         mu=ae.Tensor(np.array(1.0, np.float32)), ax=_state_tensor(param))
        old_asgd(p, g, _flat(state["ax"]), state["eta"].data, state["mu"].data,
                 step=_next_step(state), lr=lr, lambd=group["lambd"], alpha=group["alpha"],
                 t0=group["t0"], weight_decay=group["weight_decay"], **hyper)
    elif name == "Rprop":
        if not state:
            state.update(step=_step_tensor(), prev=_state_tensor(param),
                         step_size=_state_tensor(param, lr))
        _next_step(state)
        (etaminus, etaplus), (smallest, largest) = group["etas"], group["step_sizes"]
        old_rprop(p, g, _flat(state["prev"]), _flat(state["step_size"]), etaminus=etaminus,
                  etaplus=etaplus, step_size_min=smallest, step_size_max=largest, **hyper)
    else:
        old_adafactor(p, np.negative(g) if group["maximize"] else g, state, group, param.shape)


def new_optimizer(name, params, **kwargs):
    return getattr(ae.optim, name)(params, **kwargs)


def old_optimizer(name, params, **kwargs):
    """``optim.<name>`` with its numpy update of before the kernels, measuring as it did."""
    class Old(getattr(ae.optim, name)):
        def _update(self, p, g, state, group, param, stats):
            before = None if stats is None else p.copy()
            with np.errstate(all="ignore"):
                _old_update(name, p, g, state, group, param)
            if stats is not None:
                old = before.astype(np.float64)
                change, grad = p.astype(np.float64) - old, g.astype(np.float64)
                stats += (np.dot(change, change), np.dot(old, old), np.dot(grad, grad))

    return Old(params, **kwargs)


_BETAS = st.tuples(_BETA, _BETA)
OPTIMIZERS = {
    "NAdam": dict(lr=_LR, betas=_BETAS, eps=st.sampled_from([1e-8, 1e-3, 0.0]),
                  weight_decay=_WD, momentum_decay=st.sampled_from([4e-3, 0.0, 0.5]),
                  decoupled_weight_decay=st.booleans(), maximize=st.booleans()),
    "RAdam": dict(lr=_LR, betas=_BETAS, eps=st.sampled_from([1e-8, 1e-3]), weight_decay=_WD,
                  decoupled_weight_decay=st.booleans(), maximize=st.booleans()),
    "Adamax": dict(lr=_LR, betas=_BETAS, eps=st.sampled_from([1e-8, 0.0]), weight_decay=_WD,
                   maximize=st.booleans()),
    "Adadelta": HYPER["adadelta_step"],
    "ASGD": HYPER["asgd_step"],
    "Rprop": dict(lr=st.floats(1e-6, 0.1), etas=st.tuples(_ETAS["etaminus"], _ETAS["etaplus"]),
                  step_sizes=st.tuples(*_STEP_SIZES.values()), maximize=st.booleans()),
    "Adafactor": dict(lr=_LR, beta2_decay=st.sampled_from([-0.8, -0.5, 0.0]),
                      eps=st.tuples(st.sampled_from([None, 1e-30, 1e-3, 0.0]),
                                    st.sampled_from([1e-3, 0.0, 1e-2])),
                      d=st.sampled_from([1.0, 1.5, 100.0]), weight_decay=_WD,
                      maximize=st.booleans()),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_follows_its_numpy_trajectory_bit_for_bit(name, dtype):
    """Parameter groups of any shapes (0-d to 4-d), a few steps, the state dict reloaded on
    the way (its scalars then take the parameter's dtype), measured updates on the last step:
    the same parameters and state, bit for bit, as the numpy implementation, and the same
    norms."""
    hyper = OPTIMIZERS[name]
    if isinstance(hyper, dict):
        hyper = st.fixed_dictionaries(hyper)

    @settings(max_examples=max(10, EXAMPLES // 4))
    @given(shapes=st.lists(st.lists(st.integers(1, 5), max_size=4).map(tuple), min_size=1,
                           max_size=3),
           hyper=hyper, foreach=st.sampled_from([None, False, True]),
           second_lr=st.none() | _LR, steps=st.integers(1, 5), reload=st.integers(0, 5),
           special=st.booleans(), data=st.data())
    def check(shapes, hyper, foreach, second_lr, steps, reload, special, data):
        init = [data.draw(arrays(int(np.prod(s)), dtype, special)).reshape(s) for s in shapes]
        grads = [[data.draw(arrays(a.size, dtype, special)).reshape(a.shape) for a in init]
                 for _ in range(steps)]

        def run(make):
            params = [ae.tensor(a.copy(), requires_grad=True) for a in init]
            second = {} if second_lr is None else dict(lr=second_lr)
            groups = [{"params": params[:1]}] + ([dict(params=params[1:], **second)]
                                                 if len(params) > 1 else [])
            opt = make(name, groups, foreach=foreach, **hyper)  # foreach changes nothing
            for k in range(steps):
                if k == reload:
                    saved, opt = opt.state_dict(), make(name, groups, **hyper)
                    opt.load_state_dict(saved)
                for p, g in zip(params, grads[k]):
                    p.grad = ae.tensor(g)
                if k == steps - 1:
                    opt.measure_updates()
                with np.errstate(all="ignore"):  # the kernels' scalars without the JIT
                    opt.step()
            return params, opt

        (params, opt), (old_params, old_opt) = run(new_optimizer), run(old_optimizer)
        for p, q in zip(params, old_params):
            assert_same_bits(p.data, q.data)
            state, old_state = opt.state[p], old_opt.state[q]
            assert sorted(state) == sorted(old_state)
            for key in state:
                assert_same_bits(state[key].data, old_state[key].data)
            np.testing.assert_allclose(opt.update_sumsq[id(p)], old_opt.update_sumsq[id(q)],
                                       rtol=1e-12)

    check()


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="kernel bodies as numpy scalars warn")
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_non_finite_values_propagate_without_warnings(name):
    """inf and NaN in parameters and gradients pass through silently, as in PyTorch, and as the
    numpy implementation did."""
    init = np.array([[1.0, np.inf, -2.0], [np.nan, 0.0, 3.0]], np.float32)
    grads = [[[np.inf, 1.0, 0.5], [0.0, np.nan, -1.0]], [[0.0, 0.0, 2.0], [-np.inf, 1.0, 0.0]]]
    results = []
    for make in (new_optimizer, old_optimizer):
        p = ae.tensor(init.copy(), requires_grad=True)
        opt = make(name, [p], lr=0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for g in grads:
                p.grad = ae.tensor(np.array(g, np.float32))
                opt.step()
        results.append(p.data)
    assert_same_bits(*results)
    assert np.isfinite(results[0][:, 2]).all() or name == "Adafactor"  # its norms spread NaN
