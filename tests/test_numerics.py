"""Numerical robustness: stable softmax-family and logistic ops at logits of magnitude 1e4,
NaN/Inf propagation as in PyTorch, and anomaly reports at the op that made a NaN/Inf."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.autograd import detect_anomaly

LOGITS = np.array([[1e4, -1e4, 0.0, 5e3],
                   [-1e4, -1e4 + 1, -1e4 + 2, -1e4],
                   [1e4, 1e4, 1e4 - 3, -5e3]])
TARGET = np.array([1, 2, 0])
TOLERANCE = {np.float32: dict(rtol=1e-5, atol=1e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}


def _log_softmax_ref(x: np.ndarray) -> np.ndarray:
    """log softmax(x) = x - max - log sum exp(x - max), in float64."""
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _logsumexp_ref(x: np.ndarray) -> np.ndarray:
    m = x.max(axis=1)
    return m + np.log(np.exp(x - m[:, None]).sum(axis=1))


def _bce_logits_ref(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """max(x, 0) - x t + log(1 + exp(-|x|))."""
    return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))


CASES = {
    "softmax": (lambda x: F.softmax(x, dim=1), lambda x: np.exp(_log_softmax_ref(x))),
    "log_softmax": (lambda x: F.log_softmax(x, dim=1), _log_softmax_ref),
    "logsumexp": (lambda x: ae.logsumexp(x, dim=1), _logsumexp_ref),
    "cross_entropy": (lambda x: F.cross_entropy(x, ae.tensor(TARGET), reduction="none"),
                      lambda x: -_log_softmax_ref(x)[np.arange(3), TARGET]),
    "sigmoid": (ae.sigmoid, lambda x: 0.5 * (1 + np.tanh(x / 2))),
    "bce_with_logits": (
        lambda x: F.binary_cross_entropy_with_logits(
            x, ae.tensor((LOGITS > 0).astype(x.dtype)[::-1].copy()), reduction="none"),
        lambda x: _bce_logits_ref(x, (LOGITS > 0)[::-1].astype(np.float64))),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(CASES))
def test_large_logits_are_stable(name, dtype):
    fn, ref = CASES[name]
    x = ae.tensor(LOGITS.astype(dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way either
        y = fn(x)
        (y * ae.tensor(np.linspace(0.5, 1.5, y.numel()).reshape(y.shape).astype(dtype))
         ).sum().backward()
    assert y.dtype == dtype
    assert np.isfinite(y.data).all() and np.isfinite(x.grad.data).all()
    expected = ref(LOGITS.astype(dtype).astype(np.float64))
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(y.data, expected, rtol=tol["rtol"],
                               atol=tol["atol"] * max(1.0, np.abs(expected).max()))


def test_large_logits_gradients_match_float64_references():
    """d logsumexp = softmax; d cross_entropy = softmax - onehot; d bce = sigmoid(x) - t."""
    x = ae.tensor(LOGITS, requires_grad=True)
    ae.logsumexp(x, dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp(_log_softmax_ref(LOGITS)), atol=1e-15)
    x.grad = None
    F.cross_entropy(x, ae.tensor(TARGET), reduction="sum").backward()
    onehot = np.eye(4)[TARGET]
    np.testing.assert_allclose(x.grad.data, np.exp(_log_softmax_ref(LOGITS)) - onehot,
                               atol=1e-15)
    x.grad = None
    t = (LOGITS < 0).astype(np.float64)
    F.binary_cross_entropy_with_logits(x, ae.tensor(t), reduction="sum").backward()
    np.testing.assert_allclose(x.grad.data, 0.5 * (1 + np.tanh(LOGITS / 2)) - t, atol=1e-15)


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0, 2.0])
# op -> the numpy function PyTorch's results agree with on SPECIAL
PROPAGATION = {
    "exp": (ae.exp, np.exp),
    "log": (ae.log, np.log),
    "sqrt": (ae.sqrt, np.sqrt),
    "sin": (ae.sin, np.sin),
    "tanh": (ae.tanh, np.tanh),
    "sigmoid": (ae.sigmoid, lambda a: 1 / (1 + np.exp(-a))),
    "relu": (ae.relu, lambda a: np.where(np.isnan(a), a, np.maximum(a, 0))),
    "mul": (lambda x: x * x, lambda a: a * a),
    "div": (lambda x: 1 / x, lambda a: 1 / a),
    "pow": (lambda x: x ** 0.5, lambda a: a ** 0.5),
    "clamp": (lambda x: x.clamp(-1, 1), lambda a: np.clip(a, -1, 1)),
    "sum": (ae.sum, np.sum),
    "max": (ae.max, np.max),
    "softmax": (lambda x: ae.softmax(x, 0), lambda a: np.full(a.shape, np.nan)),
    "logsumexp": (lambda x: ae.logsumexp(x, 0), lambda a: np.float64(np.nan)),
}


@pytest.mark.parametrize("name", sorted(PROPAGATION))
def test_nan_and_inf_propagate_without_exceptions(name):
    fn, ref = PROPAGATION[name]
    x = ae.tensor(SPECIAL.copy(), requires_grad=True)
    # numpy's RuntimeWarnings (PyTorch emits none) are not the subject here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = fn(x)
        y.sum().backward()
        expected = ref(SPECIAL)
    np.testing.assert_array_equal(y.data, expected)
    assert x.grad is not None and x.grad.shape == x.shape


def test_log_of_zero_under_detect_anomaly_names_the_op_and_line():
    x = ae.tensor(np.array([1.0, 0.0]), requires_grad=True)
    with detect_anomaly(), pytest.raises(RuntimeError) as info:
        x.log()
    message = str(info.value)
    assert "Log" in message and "inf" in message and "test_numerics.py" in message


def test_anomaly_in_backward_names_the_forward_op():
    """sqrt(0) is finite, its gradient 1 / (2 sqrt(0)) is not."""
    x = ae.tensor(np.array([4.0, 0.0]), requires_grad=True)
    with detect_anomaly(), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = x.sqrt().sum()
        with pytest.raises(RuntimeError, match=r"SqrtBackward.*inf.*test_numerics\.py"):
            y.backward()
    assert ae.is_grad_enabled()
