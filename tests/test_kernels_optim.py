"""Fused optimizer kernels against their loop twins in ``kernels/reference.py``."""

import numpy as np
import pytest

from autograd_engine.kernels import optim as kernels
from autograd_engine.kernels import reference

CASES = [
    ("sgd_step", dict(lr=0.1)),
    ("sgd_step", dict(lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01)),
    ("sgd_step", dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    ("sgd_step", dict(lr=0.1, momentum=0.9, first=True)),
    ("adam_step", dict(step=3, lr=0.01)),
    ("adam_step", dict(step=1, lr=0.01, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("adam_step", dict(step=7, lr=0.01, beta1=0.2, weight_decay=0.1, decoupled=True)),
    ("rmsprop_step", dict(lr=0.01)),
    ("rmsprop_step", dict(lr=0.01, alpha=0.3, momentum=0.9, centered=True, weight_decay=0.1)),
    ("adagrad_step", dict(step=4, lr=0.1, lr_decay=0.01, weight_decay=0.1, maximize=True)),
]
N_STATES = {"sgd_step": 1, "adam_step": 3, "rmsprop_step": 3, "adagrad_step": 1}


def _arrays(name, dtype, n, seed=0):
    rng = np.random.default_rng(seed)
    p, g = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    states = [rng.random(n).astype(dtype) for _ in range(N_STATES[name])]
    if name == "rmsprop_step":  # square_avg must dominate grad_avg**2 for the centered form
        states[0] += states[1] ** 2
    if name == "adam_step":  # states are m, v, vmax; vmax starts as a running max of v
        states[2] = np.maximum(states[2], states[1])
    return p, g, states


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CASES)
@pytest.mark.parametrize("n", [1, 37])
def test_kernel_matches_reference(name, kwargs, dtype, n):
    p, g, states = _arrays(name, dtype, n)
    check_against_reference(name, kwargs, p, g, states)
    assert p.dtype == dtype


def check_against_reference(name: str, kwargs: dict, p, g, states) -> None:
    """Kernel ``name`` updates p and states in place as its naive twin does (also used by
    test_kernels_optim_variants)."""
    p_ref, states_ref = p.copy(), [s.copy() for s in states]
    getattr(kernels, name)(p, g, *states, **kwargs)
    getattr(reference, name)(p_ref, g, *states_ref, **kwargs)
    tol = dict(rtol=2e-5, atol=1e-6) if p.dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(p, p_ref, **tol)
    for got, want in zip(states, states_ref):
        np.testing.assert_allclose(got, want, **tol)


def test_threaded_update_matches_serial_chunks(threaded):
    threaded()
    n = 3 * 4096 + 5
    p, g, states = _arrays("adam_step", np.float32, n)
    p_small, states_small = p.copy(), [s.copy() for s in states]
    kernels.adam_step(p, g, *states, step=2, lr=0.01, amsgrad=True)
    for lo in range(0, n, 1000):  # elementwise: any split gives the same values
        hi = min(lo + 1000, n)
        kernels.adam_step(p_small[lo:hi], g[lo:hi], *(s[lo:hi] for s in states_small), step=2,
                          lr=0.01, amsgrad=True)
    np.testing.assert_array_equal(p, p_small)


def test_unused_state_arrays_are_not_checked_or_touched():
    p, g = np.ones(4, np.float32), np.ones(4, np.float32)
    dummy = np.zeros(1, np.float32)
    kernels.sgd_step(p, g, dummy, lr=0.5)
    np.testing.assert_array_equal(p, 0.5)
    np.testing.assert_array_equal(dummy, 0.0)


def test_invalid_arrays_are_rejected_before_dispatch():
    p = np.ones(4, np.float32)
    with pytest.raises(TypeError, match="expected float32 or float64"):
        kernels.adagrad_step(np.ones(4, np.int64), np.ones(4), np.ones(4), step=1, lr=0.1)
    with pytest.raises(ValueError, match="state array"):
        kernels.adagrad_step(p, p.copy(), np.ones(3, np.float32), step=1, lr=0.1)
    with pytest.raises(ValueError, match="state array"):
        kernels.adagrad_step(p, p.copy(), np.ones(4, np.float64), step=1, lr=0.1)
    with pytest.raises(ValueError, match="1-D C-contiguous"):
        kernels.sgd_step(np.ones((2, 2), np.float32), p, p, lr=0.1)
    with pytest.raises(ValueError, match="1-D C-contiguous"):
        kernels.sgd_step(np.ones(8, np.float32)[::2], p, p, lr=0.1)
    with pytest.raises(ValueError, match="gradient shape"):
        kernels.sgd_step(p, np.ones(5, np.float32), p, lr=0.1)
    with pytest.raises(ValueError, match="stats must be a writeable float64"):
        kernels.sgd_step(p, p.copy(), p, lr=0.1, stats=np.zeros(3, np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kwargs", CASES)
@pytest.mark.parametrize("n", [1, 4096, 10007])  # one element, one chunk, a partial chunk
def test_measured_step_reports_update_norms_and_changes_nothing(name, kwargs, dtype, n):
    p, g, states = _arrays(name, dtype, n, seed=n)
    p_plain, states_plain = p.copy(), [s.copy() for s in states]
    before = p.copy()
    stats = np.full(3, 0.5)  # the kernel adds to what is there
    getattr(kernels, name)(p, g, *states, stats=stats, **kwargs)
    getattr(kernels, name)(p_plain, g, *states_plain, **kwargs)
    np.testing.assert_array_equal(p, p_plain)
    for got, want in zip(states, states_plain):
        np.testing.assert_array_equal(got, want)
    changes, squares = reference.update_sumsq(p, before)
    want = [changes + 0.5, squares + 0.5, reference.sumsq(g) + 0.5]
    np.testing.assert_allclose(stats, want, rtol=1e-12)


def test_threaded_update_measures_the_same_update(threaded):
    """Each thread sums its part's statistics separately; they add up to the serial sums,
    on top of what the accumulator held. An unused state array is still left alone."""
    p, g, (buf,) = _arrays("sgd_step", np.float32, 3 * 4096 + 5)
    serial, parallel = np.ones(3), np.ones(3)
    kernels.sgd_step(p.copy(), g, buf.copy(), lr=0.1, momentum=0.9, stats=serial)
    threaded()
    kernels.sgd_step(p.copy(), g, buf.copy(), lr=0.1, momentum=0.9, stats=parallel)
    np.testing.assert_allclose(parallel, serial, rtol=1e-12)
    dummy = np.zeros(1, np.float32)
    kernels.sgd_step(p, g, dummy, lr=0.1, stats=parallel)
    np.testing.assert_array_equal(dummy, 0.0)
