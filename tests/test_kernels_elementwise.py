"""Elementwise, softmax, cross-entropy and scatter kernels vs their reference twins and numpy."""
from __future__ import annotations

import math

import numpy as np
import pytest

from autograd_engine.kernels import activations, losses, reference, scatter, softmax, special, threads

DTYPES = [np.float32, np.float64]
TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}
SHAPES = [(0,), (1,), (7,), (3, 5), (2, 3, 4)]
# name -> (constants, what the backward takes: the input x, the output y, or relu's mask)
ACTIVATIONS = {
    "relu": ((), "mask"), "leaky_relu": ((0.2,), "x"), "sigmoid": ((), "y"),
    "tanh": ((), "y"), "gelu": ((), "x"), "gelu_tanh": ((), "x"), "silu": ((), "x"),
    "softplus": ((2.0, 15.0), "x"), "elu": ((0.7,), "x"),
}
SPECIAL = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 9.5, -9.5, 30.0, -30.0, 95.0,
           -95.0, 750.0, -750.0]


def _tolerance(name, dtype):
    # float32 GELU uses the A&S erf (PyTorch's vectorised path): 1.5e-7 absolute on erf.
    if name == "gelu" and dtype == np.float32:
        return dict(rtol=2e-5, atol=5e-7)
    return TOLERANCE[dtype]


def _forward(module, name, x, constants):
    """(y, what the backward takes) from ``module``'s forward (the kernels or their twins)."""
    result = getattr(module, f"{name}_fwd")(x, *constants)
    if ACTIVATIONS[name][1] == "mask":
        return result
    return result, (result if ACTIVATIONS[name][1] == "y" else x)


def _close(actual, expected, **tolerance):
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, equal_nan=True, **tolerance)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_matches_reference(name, shape, dtype):
    rng = np.random.default_rng(0)
    constants = ACTIVATIONS[name][0]
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    y, saved = _forward(activations, name, x, constants)
    expected_y, expected_saved = _forward(reference, name, x, constants)
    _close(y, expected_y, **_tolerance(name, dtype))
    if ACTIVATIONS[name][1] == "mask":
        np.testing.assert_array_equal(saved, expected_saved)
        saved = expected_saved
    _close(getattr(activations, f"{name}_bwd")(saved, g, *constants),
           getattr(reference, f"{name}_bwd")(saved, g, *constants), **_tolerance(name, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_special_values(name, dtype):
    constants = ACTIVATIONS[name][0]
    x = np.array(SPECIAL, dtype)
    with np.errstate(all="ignore"):
        y, saved = _forward(activations, name, x, constants)
        expected, expected_saved = _forward(reference, name, x, constants)
        _close(y, expected, **_tolerance(name, dtype))
        if ACTIVATIONS[name][1] == "mask":
            np.testing.assert_array_equal(saved, expected_saved)
        g = np.full_like(x, 0.5)
        _close(getattr(activations, f"{name}_bwd")(saved, g, *constants),
               getattr(reference, f"{name}_bwd")(saved, g, *constants), **_tolerance(name, dtype))
    assert np.isnan(y[0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", [31, 32, 33, 63, 64, 65, 1000])
def test_relu_mask_at_word_bounds(size, dtype):
    """relu's mask packs 32 elements a word: full words, then a partial last one."""
    x = np.random.default_rng(size).standard_normal(size).astype(dtype)
    x[::7] = np.nan
    y, mask = activations.relu_fwd(x)
    expected_y, expected_mask = reference.relu_fwd(x)
    _close(y, expected_y)
    np.testing.assert_array_equal(mask, expected_mask)
    g = np.arange(size, dtype=dtype)
    _close(activations.relu_bwd(mask, g), np.where(x > 0, g, 0) + np.where(np.isnan(x), g, 0))


def test_activation_numpy_and_pytorch_conventions():
    x = np.array([-1.0, 0.0, 2.0, np.nan])
    g = np.ones(4)
    y, mask = activations.relu_fwd(x)
    _close(y, np.maximum(x, 0))
    _close(activations.relu_bwd(mask, g), np.array([0.0, 0.0, 1.0, 1.0]))  # relu'(0) = 0
    _close(activations.leaky_relu_bwd(x, g, 0.1), np.array([0.1, 0.1, 1.0, 0.1]))
    _close(activations.elu_bwd(x, g, 2.0), np.array([2 * math.exp(-1), 2.0, 1.0, 1.0]))
    _close(activations.tanh_fwd(x), np.tanh(x), rtol=1e-15)
    _close(activations.softplus_fwd(np.array([25.0, -800.0])), np.array([25.0, 0.0]))


def _ulp_error(actual: np.ndarray, x: np.ndarray) -> np.ndarray:
    """|actual - tanh(x)| in float32 ulps of the exact value (float64 tanh is exact enough)."""
    exact = np.tanh(x.astype(np.float64))
    return np.abs(actual - exact) / np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)


def test_tanh_float32_within_two_ulp():
    """The float32 kernel against float64 tanh: a sweep over the float32 bit patterns up to 12
    (every 997th), dense grids where its two formulas and the rounding to 1 meet, and both
    signs. numpy's float32 tanh is within 1.4 ulp; almost every result is correctly rounded."""
    positive = np.concatenate([
        np.arange(0, np.float32(12).view(np.int32), 997, dtype=np.int32).view(np.float32),
        np.linspace(0.99, 1.01, 20001, dtype=np.float32), np.linspace(8.9, 9.2, 20001, dtype=np.float32),
        np.geomspace(1e-38, 1e-3, 2001, dtype=np.float32)])
    x = np.concatenate([positive, -positive])
    y = activations.tanh_fwd(x)
    error = _ulp_error(y, x)
    assert error.max() <= 1.75, (x[error.argmax()], error.max())
    assert np.mean(error > 0.5) < 0.05
    np.testing.assert_array_equal(y[len(positive):], -y[:len(positive)])  # odd, to the bit


def test_tanh_float32_special_values():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, -1e-40, 12.0, -30.0, 3e38], np.float32)
    y = activations.tanh_fwd(x)
    assert np.isnan(y[0])
    np.testing.assert_array_equal(y[1:], [1, -1, 0, 0, x[5], x[6], 1, -1, 1])  # tiny x: tanh(x) = x
    assert list(np.signbit(y[3:5])) == [False, True]


def test_activation_non_contiguous_and_dtype_errors():
    x = np.random.default_rng(1).standard_normal((6, 8)).astype(np.float32)[:, ::2]
    _close(activations.sigmoid_fwd(x), reference.sigmoid_fwd(x), rtol=2e-6)
    assert activations.relu_fwd(np.float64(-2.0))[0].shape == ()
    with pytest.raises(TypeError, match="relu_fwd.*int64"):
        activations.relu_fwd(np.arange(3))
    with pytest.raises(ValueError, match=r"relu_bwd: mask uint32\[1\].*float64\[40\].*uint32\[2\]"):
        activations.relu_bwd(activations.relu_fwd(np.ones(3))[1], np.ones(40))
    with pytest.raises(ValueError, match="relu_bwd: mask int64"):
        activations.relu_bwd(np.ones(1, np.int64), np.ones(3))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, axis", [
    ((1, 1), -1), ((4, 9), 1), ((4, 9), 0), ((2, 3, 5), 1), ((3, 0), 0), ((0, 3), -1),
    ((2, 0, 3), -1), ((17,), 0),
    # several blocks of short rows (2048 elements each; compare-select max under 32
    # columns, SIMD max from 32), long rows (128 columns and up: one row a block), and the
    # axis-last short path of the wrapper for 3-D. Rows of 2500 are in
    # test_softmax_nan_inf_rows (the twins take O(C^2) a row).
    ((700, 3), -1), ((120, 40), -1), ((3, 40, 7), 1), ((2, 3, 40), 2), ((5, 128), -1),
    ((131, 4), 0)])
def test_softmax_matches_reference(shape, axis, dtype):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    tolerance = TOLERANCE[dtype]
    for name in ("softmax", "log_softmax"):
        fwd = getattr(softmax, f"{name}_fwd")
        bwd = getattr(softmax, f"{name}_bwd")
        y = fwd(x, axis)
        _close(y, getattr(reference, f"{name}_fwd")(x, axis), **tolerance)
        _close(bwd(y, g, axis), getattr(reference, f"{name}_bwd")(y, g, axis), **tolerance)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_stability_and_nan(dtype):
    x = np.array([[1e4, -1e4, 0.0], [np.nan, 1.0, 2.0], [-np.inf, 0.0, 0.0]], dtype)
    y = softmax.softmax_fwd(x)
    _close(y[0], np.array([1.0, 0.0, 0.0], dtype))
    assert np.isnan(y[1]).all()
    _close(y[2], np.array([0.0, 0.5, 0.5], dtype))
    _close(softmax.log_softmax_fwd(x)[0], np.array([0.0, -2e4, -1e4], dtype))
    assert softmax.softmax_fwd(np.float32(3.0)) == 1.0
    for shape in [(3, 0), (2, 3, 0)]:  # empty rows (the reference twins cannot take them)
        empty, last = np.ones(shape, dtype), len(shape) - 1
        for a in (softmax.softmax_fwd(empty), softmax.log_softmax_fwd(empty, last),
                  softmax.softmax_bwd(empty, empty), softmax.log_softmax_bwd(empty, empty, last)):
            assert a.shape == shape and a.dtype == dtype


def _special_rows(c, dtype):
    """Rows 0-6 special (NaN at the end, NaN first, +inf, all -inf, all NaN, a -inf among
    finite values, huge magnitudes), the rest random: (n, c) with n spanning several blocks."""
    n = {3: 700, 40: 120, 130: 12, 2500: 9}[c]
    x = np.random.default_rng(5).standard_normal((n, c)) * 3
    x[0, -1] = np.nan
    x[1, 0] = np.nan
    x[2, c // 2] = np.inf
    x[3] = -np.inf
    x[4] = np.nan
    x[5, 1] = -np.inf
    x[6] = np.linspace(-3e4, 1e4, c)
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("c", [3, 40, 130, 2500])
def test_softmax_nan_inf_rows(c, dtype):
    """PyTorch's rules: a NaN anywhere, a +inf, or an all -inf row makes the row NaN (forward
    and backward); a -inf logit gets probability 0 (log-probability -inf, gradient g)."""
    x = _special_rows(c, dtype)
    g = np.random.default_rng(6).standard_normal(x.shape).astype(dtype)
    nan_rows, fine = [0, 1, 2, 3, 4], slice(5, None)
    shifted = x[fine].astype(np.float64) - x[fine].max(1, keepdims=True)
    expected_log = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    expected = np.exp(expected_log)
    with np.errstate(invalid="ignore"):  # inf - inf, as scalars under NUMBA_DISABLE_JIT
        y = softmax.softmax_fwd(x)
        log_y = softmax.log_softmax_fwd(x)
        dx = softmax.softmax_bwd(y, g)
        log_dx = softmax.log_softmax_bwd(log_y, g)
    for a in (y, log_y, dx, log_dx):
        assert a.dtype == dtype and a.shape == x.shape
        assert np.isnan(a[nan_rows]).all()
        assert not np.isnan(a[fine]).any()
    _close(y[fine], expected.astype(dtype), **TOLERANCE[dtype])
    _close(log_y[fine], expected_log.astype(dtype), **TOLERANCE[dtype])
    assert y[5, 1] == 0 and log_y[5, 1] == -np.inf and dx[5, 1] == 0 and log_dx[5, 1] == g[5, 1]
    y64, log_y64, g64 = y[fine].astype(np.float64), log_y[fine].astype(np.float64), g[fine]
    _close(dx[fine], (y64 * (g64 - (g64 * y64).sum(1, keepdims=True))).astype(dtype),
           **TOLERANCE[dtype])
    _close(log_dx[fine], (g64 - np.exp(log_y64) * g64.sum(1, keepdims=True)).astype(dtype),
           **TOLERANCE[dtype])


@pytest.mark.parametrize("shape", [(700, 3), (120, 40), (6, 2500)])
def test_softmax_threaded_matches_serial(shape, threaded):
    """Threaded calls (blocks of rows split across threads) give the serial results."""
    x = (np.random.default_rng(7).standard_normal(shape) * 3).astype(np.float32)
    x[1, 1] = np.nan
    g = np.random.default_rng(8).standard_normal(shape).astype(np.float32)
    pairs = [(softmax.softmax_fwd, softmax.softmax_bwd),
             (softmax.log_softmax_fwd, softmax.log_softmax_bwd)]
    serial = [(fwd(x), bwd(fwd(x), g)) for fwd, bwd in pairs]
    threaded()
    for (fwd, bwd), (y, dx) in zip(pairs, serial):
        y_par = fwd(x)
        np.testing.assert_array_equal(y_par, y)
        np.testing.assert_array_equal(bwd(y_par, g), dx)


def _cross_entropy_case(dtype, n=13, c=7, seed=3):
    rng = np.random.default_rng(seed)
    logits = (rng.standard_normal((n, c)) * 3).astype(dtype)
    target = rng.integers(0, c, n)
    target[[2, 5]] = -100
    weight = rng.uniform(0.5, 2.0, c).astype(dtype)
    grad = rng.standard_normal(n).astype(dtype)
    return logits, target, weight, grad


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
# one block of rows, several blocks (the kernels work on blocks of ~2048 elements), C > block
@pytest.mark.parametrize("n, c", [(13, 7), (700, 3), (6, 2500)])
def test_cross_entropy_matches_reference(dtype, smoothing, weighted, n, c):
    logits, target, weight, grad = _cross_entropy_case(dtype, n, c)
    weight = weight if weighted else None
    loss, (exps, inverse_sum) = losses.cross_entropy_fwd(logits, target, -100, smoothing,
                                                         weight)
    _close(loss, reference.cross_entropy_fwd(logits, target, -100, smoothing, weight),
           **TOLERANCE[dtype])
    _close(exps * inverse_sum[:, None], softmax.softmax_fwd(logits), **TOLERANCE[dtype])
    _close(exps.max(1), np.ones(n, dtype))  # exp(logits - row max)
    dlogits = losses.cross_entropy_bwd((exps, inverse_sum), target, grad, -100, smoothing,
                                       weight)
    _close(dlogits, reference.cross_entropy_bwd(logits, target, grad, -100, smoothing, weight),
           **TOLERANCE[dtype])
    assert (loss[[2, 5]] == 0).all() and (dlogits[[2, 5]] == 0).all()


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy_threaded_matches_serial(smoothing, threaded):
    """Threaded calls split the rows; every part reads the whole class weight, and a bad
    target in a later part is reported at its index in the whole batch."""
    logits, target, weight, grad = _cross_entropy_case(np.float32, 700, 3)
    loss, pair = losses.cross_entropy_fwd(logits, target, -100, smoothing, weight)
    dx = losses.cross_entropy_bwd(pair, target, grad, -100, smoothing, weight)
    threaded()
    loss_par, pair_par = losses.cross_entropy_fwd(logits, target, -100, smoothing, weight)
    np.testing.assert_array_equal(loss_par, loss)
    np.testing.assert_array_equal(pair_par[0], pair[0])
    np.testing.assert_array_equal(pair_par[1], pair[1])
    np.testing.assert_array_equal(
        losses.cross_entropy_bwd(pair_par, target, grad, -100, smoothing, weight), dx)
    target[[650, 690]] = 7, 9  # both in the last of the three parts
    with pytest.raises(IndexError, match="target 7 out of bounds"):
        losses.cross_entropy_fwd(logits, target, -100, smoothing, weight)
    with pytest.raises(IndexError, match="target 7 out of bounds"):
        losses.cross_entropy_bwd(pair, target, grad, -100, smoothing, weight)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_nan_inf_rows(dtype):
    # PyTorch: a NaN or +inf logit makes its row's loss and gradient NaN; -inf logits are
    # probability 0 (loss +inf when it is the target's); an all -inf row is NaN.
    logits = np.array([[0.0, np.nan, 1.0], [np.inf, 0.0, 1.0], [-np.inf, 0.0, 0.0],
                       [-np.inf, 0.0, 0.0], [-np.inf, -np.inf, -np.inf], [1.0, 2.0, 3.0]], dtype)
    target = np.array([0, 1, 1, 0, 2, 2])
    loss, softmax_pair = losses.cross_entropy_fwd(logits, target)
    dlogits = losses.cross_entropy_bwd(softmax_pair, target, np.ones(6, dtype))
    expected = reference.cross_entropy_bwd(logits[5:], target[5:], np.ones(1, dtype))
    assert np.isnan(loss[[0, 1, 4]]).all() and np.isnan(dlogits[[0, 1, 4]]).all()
    _close(loss[2:4], np.array([math.log(2.0), np.inf], dtype))
    _close(dlogits[2], np.array([0.0, -0.5, 0.5], dtype))
    _close(dlogits[3], np.array([-1.0, 0.5, 0.5], dtype))
    _close(dlogits[5:], expected, **TOLERANCE[dtype])


def test_cross_entropy_numpy_formula_large_logits_and_errors():
    logits = np.array([[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]])
    target = np.array([0, 2])
    loss, softmax_pair = losses.cross_entropy_fwd(logits, target)
    _close(loss, np.array([0.0, math.log(2.0)]))
    _close(losses.cross_entropy_bwd(softmax_pair, target, np.ones(2)),
           np.array([[0.0, 0.0, 0.0], [0.0, 0.5, -0.5]]))
    with pytest.raises(IndexError, match="target 3 out of bounds for 3 classes"):
        losses.cross_entropy_fwd(logits, np.array([0, 3]))
    with pytest.raises(IndexError, match="target -1"):
        losses.cross_entropy_bwd(softmax_pair, np.array([-1, 0]), np.ones(2))
    with pytest.raises(TypeError, match="cross_entropy_fwd"):
        losses.cross_entropy_fwd(logits.astype(np.int64), target)
    with pytest.raises(TypeError, match="exps, inverse_sum"):  # the old API's probabilities
        losses.cross_entropy_bwd(softmax_pair[0], target, np.ones(2))
    with pytest.raises(ValueError, match="inverse_sum"):
        losses.cross_entropy_bwd((softmax_pair[0], softmax_pair[1][:1]), target, np.ones(2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 50])
def test_scatter_add_matches_reference_and_numpy(dtype, n):
    rng = np.random.default_rng(4)
    index = rng.integers(0, 6, n)
    values = rng.standard_normal(n).astype(dtype)
    out = scatter.scatter_add_flat(6, index, values)
    expected = np.zeros(6, dtype)
    np.add.at(expected, index, values)
    _close(out, expected, **TOLERANCE[dtype])
    _close(out, reference.scatter_add_flat(6, index, values), **TOLERANCE[dtype])
    rows = rng.standard_normal((n, 3)).astype(dtype)[:, ::-1]
    _close(scatter.scatter_add_rows(6, index, rows), reference.scatter_add_rows(6, index, rows),
           **TOLERANCE[dtype])


def test_scatter_add_negative_indices_wrap_on_request():
    index, values = np.array([-1, 0, -5, 4, -1]), np.arange(1.0, 6.0)
    expected = np.zeros(5)
    np.add.at(expected, index, values)  # numpy counts negative indices from the end
    np.testing.assert_array_equal(scatter.scatter_add_flat(5, index, values, negative_wraps=True),
                                  expected)
    rows = scatter.scatter_add_rows(5, index, np.repeat(values[:, None], 2, 1),
                                    negative_wraps=True)
    np.testing.assert_array_equal(rows, np.repeat(expected[:, None], 2, 1))
    for bad in (-6, 5):  # still out of bounds
        with pytest.raises(IndexError, match=f"index {bad} out of bounds for size 5"):
            scatter.scatter_add_flat(5, np.array([0, bad]), np.ones(2), negative_wraps=True)
        with pytest.raises(IndexError, match=f"index {bad} out of bounds for size 5"):
            scatter.scatter_add_rows(5, np.array([bad]), np.ones((1, 2)), negative_wraps=True)


def test_scatter_add_bounds():
    with pytest.raises(IndexError, match="index 5 out of bounds for size 5"):
        scatter.scatter_add_flat(5, np.array([0, 5]), np.ones(2))
    with pytest.raises(IndexError, match="index -1"):
        scatter.scatter_add_rows(5, np.array([-1]), np.ones((1, 2)))
    with pytest.raises(TypeError, match="scatter_add_flat"):
        scatter.scatter_add_flat(5, np.array([0.0]), np.ones(1))


def _count_thread_runs(monkeypatch) -> list:
    runs: list = []
    real_run = threads.run
    monkeypatch.setattr(threads, "run", lambda calls: runs.append(len(calls)) or real_run(calls))
    return runs


@pytest.mark.parametrize("dtype", DTYPES)
def test_threaded_scatter_add_matches_numpy(dtype, threaded, monkeypatch):
    """Several threads, each but the first adding into its own zeroed copy: repeated and
    negative indices give np.add.at's sums, and the first bad index is the one reported."""
    threaded()
    runs = _count_thread_runs(monkeypatch)
    rng = np.random.default_rng(5)
    index = rng.integers(-7, 7, 100)
    values = rng.standard_normal(100).astype(dtype)
    expected = np.zeros(7, dtype)
    np.add.at(expected, index, values)
    _close(scatter.scatter_add_flat(7, index, values, negative_wraps=True), expected,
           **TOLERANCE[dtype])
    rows = rng.standard_normal((100, 3)).astype(dtype)
    expected_rows = np.zeros((7, 3), dtype)
    np.add.at(expected_rows, index, rows)
    _close(scatter.scatter_add_rows(7, index, rows, negative_wraps=True), expected_rows,
           **TOLERANCE[dtype])
    assert runs == [3, 3]
    bad = index.copy()
    bad[[40, 90]] = [7, -8]  # in the second and third parts: the earlier one is reported
    with pytest.raises(IndexError, match="index 7 out of bounds for size 7"):
        scatter.scatter_add_flat(7, bad, values, negative_wraps=True)
    with pytest.raises(IndexError, match="index 7 out of bounds for size 7"):
        scatter.scatter_add_rows(7, bad, rows, negative_wraps=True)


def test_scatter_into_a_large_output_stays_serial(threaded, monkeypatch):
    """Copies of an output larger than the input per thread would cost more than threads save."""
    threaded()
    runs = _count_thread_runs(monkeypatch)
    index = np.arange(100) % 40
    scatter.scatter_add_flat(40, index, np.ones(100))
    scatter.scatter_add_rows(40, index, np.ones((100, 2)))
    assert runs == []
    np.testing.assert_array_equal(scatter.scatter_add_flat(40, index, np.ones(100)),
                                  np.bincount(index, minlength=40))


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_threaded_activation_matches_serial(name, threaded):
    """Threaded calls (AUTOGRAD_ENGINE_PARALLEL=1) give the serial results."""
    constants = ACTIVATIONS[name][0]
    bwd = getattr(activations, f"{name}_bwd")
    for size in (1000, 1001 * 32 + 5):  # relu's mask: parts cut on word bounds, a partial last
        x = (np.random.default_rng(1).standard_normal(size) * 4).astype(np.float32)
        g = np.random.default_rng(2).standard_normal(size).astype(np.float32)
        y, saved = _forward(activations, name, x, constants)
        dx = bwd(saved, g, *constants)
        threaded()
        y_par, saved_par = _forward(activations, name, x, constants)
        np.testing.assert_array_equal(y_par, y)
        np.testing.assert_array_equal(saved_par, saved)
        np.testing.assert_array_equal(bwd(saved_par, g, *constants), dx)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["erf", "erfc"])
def test_special_functions_match_reference(name, dtype, threaded):
    """libm in float64; float32 inputs may take libm's float32 erf (within 2 ulp)."""
    x = np.concatenate([np.array(SPECIAL), np.linspace(-6, 6, 301)]).astype(dtype)
    expected = getattr(reference, name)(x)
    _close(getattr(special, name)(x), expected, rtol=1e-15 if dtype == np.float64 else 2.4e-7,
           atol=0)
    threaded()
    _close(getattr(special, name)(x[::-1].reshape(2, -1)), expected[::-1].reshape(2, -1),
           rtol=1e-15 if dtype == np.float64 else 2.4e-7, atol=0)
