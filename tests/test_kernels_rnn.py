"""The fused LSTM and GRU cell kernels against their loop twins, and the gradients of the
lstm_cell, lstm_layer and gru_layer ops."""
from __future__ import annotations

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck
from autograd_engine.kernels import reference, rnn
from autograd_engine.ops.recurrent import gru_layer, lstm_cell, lstm_layer

TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-14)}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows,hidden", [(1, 1), (3, 5), (7, 17), (0, 4)])
def test_lstm_cell_kernels_match_reference(rows, hidden, dtype):
    rng = np.random.default_rng(rows * 100 + hidden)
    pre = (rng.standard_normal((rows, 4 * hidden)) * 3).astype(dtype)
    c_prev, dh, dc = (rng.standard_normal((rows, hidden)).astype(dtype) for _ in range(3))
    got = rnn.lstm_cell_fwd(pre, c_prev)
    expected = reference.lstm_cell_fwd(pre, c_prev)
    for a, b in zip(got, expected):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, **TOLERANCE[dtype])
    act, tanh_c = got[2], got[3]
    for a, b in zip(rnn.lstm_cell_bwd(act, tanh_c, c_prev, dh, dc),
                    reference.lstm_cell_bwd(act, tanh_c, c_prev, dh, dc)):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, **TOLERANCE[dtype])


def test_lstm_cell_kernels_take_non_contiguous_inputs_and_saturate_cleanly():
    wide = np.array([[-800.0, 800.0, 50.0, -50.0, 1.0, -1.0, np.inf, -np.inf]]).repeat(2, 1)
    pre = wide[:, ::2]  # every other column: a strided view
    c_prev = np.array([[2.0, 9.0, -3.0]])[:, ::2]
    assert not pre.flags.c_contiguous and not c_prev.flags.c_contiguous
    h, c, act, tanh_c = rnn.lstm_cell_fwd(pre, c_prev)
    expected = reference.lstm_cell_fwd(pre, c_prev)
    for a, b in zip((h, c, act, tanh_c), expected):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert np.isfinite(h).all()


def test_lstm_cell_kernels_check_shapes_and_dtypes():
    with pytest.raises(ValueError, match=r"lstm_cell_fwd: expected gates \(N, 4H\)"):
        rnn.lstm_cell_fwd(np.zeros((2, 7)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="one dtype"):
        rnn.lstm_cell_fwd(np.zeros((2, 8)), np.zeros((2, 2), np.float32))
    with pytest.raises(TypeError, match="lstm_cell_fwd"):
        rnn.lstm_cell_fwd(np.zeros((2, 8), np.int64), np.zeros((2, 2), np.int64))
    with pytest.raises(ValueError, match="lstm_cell_fwd: out must be 4 writable"):
        rnn.lstm_cell_fwd(np.zeros((2, 8)), np.zeros((2, 2)),
                          out=(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 4)),
                               np.zeros((2, 2))))
    with pytest.raises(ValueError, match=r"lstm_cell_bwd: expected float64 arrays of shapes "
                                         r"\[\(2, 2\), \(2, 2\), \(2, 2\)\]"):
        rnn.lstm_cell_bwd(np.zeros((2, 8)), np.zeros((2, 2)), np.zeros((2, 2)),
                          np.zeros((2, 3)), np.zeros((2, 2)))


def test_lstm_cell_bwd_writes_into_out():
    rng = np.random.default_rng(3)
    pre, c_prev, dh, dc = (rng.standard_normal(s) for s in ((3, 8), (3, 2), (3, 2), (3, 2)))
    _, _, act, tanh_c = rnn.lstm_cell_fwd(pre, c_prev)
    fresh = rnn.lstm_cell_bwd(act, tanh_c, c_prev, dh, dc)
    out = (np.empty((3, 8)), np.empty((3, 2)))
    written = rnn.lstm_cell_bwd(act, tanh_c, c_prev, dh, dc, out=out)
    assert written[0] is out[0] and written[1] is out[1]
    for a, b in zip(written, fresh):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="lstm_cell_bwd: out must be 2 writable"):
        rnn.lstm_cell_bwd(act, tanh_c, c_prev, dh, dc, out=(np.empty((3, 8)), np.empty((3, 3))))
    with pytest.raises(ValueError, match="lstm_cell_bwd: out must be 2 writable"):
        rnn.lstm_cell_bwd(act, tanh_c, c_prev, dh, dc,
                          out=(np.empty((3, 8), np.float32), np.empty((3, 2))))


def _inputs(*shape):
    rng = np.random.default_rng(sum(shape))
    hidden = shape[-1]
    pre = ae.tensor(rng.standard_normal(shape[:-1] + (4 * hidden,)) * 2, dtype=ae.float64,
                    requires_grad=True)
    c_prev = ae.tensor(rng.standard_normal(shape), dtype=ae.float64, requires_grad=True)
    return pre, c_prev


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 2), (5,)])
def test_lstm_cell_op_gradients_first_and_second_order(shape):
    pre, c_prev = _inputs(*shape)
    assert gradcheck(lambda p, c: lstm_cell(p, c), (pre, c_prev))
    assert gradgradcheck(lambda p, c: lstm_cell(p, c), (pre, c_prev))


def test_lstm_cell_op_matches_the_composed_formula_in_float16_and_float32():
    for dtype in (ae.float16, ae.float32):
        pre, c_prev = _inputs(3, 4)
        p, c = pre.detach().to(dtype), c_prev.detach().to(dtype)
        h_out, c_out = lstm_cell(p, c)
        i, f, g, o = p.float().chunk(4, -1)
        c_ref = f.sigmoid() * c.float() + i.sigmoid() * g.tanh()
        h_ref = o.sigmoid() * c_ref.tanh()
        assert h_out.dtype == dtype and c_out.dtype == dtype
        tol = 1e-3 if dtype == ae.float16 else 1e-6
        np.testing.assert_allclose(h_out.float().numpy(), h_ref.numpy(), rtol=tol, atol=tol)
        np.testing.assert_allclose(c_out.float().numpy(), c_ref.numpy(), rtol=tol, atol=tol)


def test_lstm_cell_op_gives_no_gradient_to_an_input_that_does_not_need_one():
    pre, _ = _inputs(2, 3)
    c_prev = ae.zeros(2, 3, dtype=ae.float64)
    h, c = lstm_cell(pre, c_prev)
    (h.sum() + c.sum()).backward()
    assert pre.grad is not None and c_prev.grad is None


def _layer_inputs(length=3, batch=2, hidden=2, bias=True):
    rng = np.random.default_rng(length + hidden)

    def leaf(*shape):
        return ae.tensor(rng.standard_normal(shape), dtype=ae.float64, requires_grad=True)
    return (leaf(length, batch, 4 * hidden), leaf(batch, hidden), leaf(batch, hidden),
            leaf(4 * hidden, hidden), leaf(4 * hidden) if bias else None)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm_layer_op_gradients_first_and_second_order(reverse, bias):
    xw, h0, c0, w, b = _layer_inputs(bias=bias)
    inputs = (xw, h0, c0, w) + ((b,) if bias else ())

    def fn(xw, h0, c0, w, b=None):
        return lstm_layer(xw, h0, c0, w, b, reverse)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("reverse", [False, True])
def test_lstm_layer_op_equals_the_cell_op_step_by_step(reverse):
    xw, h0, c0, w, b = _layer_inputs(length=4)
    out, h, c = lstm_layer(xw, h0, c0, w, b, reverse)
    h_t, c_t = h0, c0
    for t in (range(3, -1, -1) if reverse else range(4)):
        h_t, c_t = lstm_cell(xw[t] + h_t @ w.T + b, c_t)
        np.testing.assert_allclose(out[t].detach().numpy(), h_t.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(h.detach().numpy(), h_t.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(c.detach().numpy(), c_t.detach().numpy(), rtol=1e-13)


def test_lstm_layer_output_changed_in_place_makes_backward_raise():
    out, h, c = lstm_layer(*_layer_inputs())
    with ae.no_grad():
        out.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation|version"):
        out.sum().backward()
    assert not np.shares_memory(h.data, out.data)  # the final state is a copy, not a view


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows,hidden", [(1, 1), (3, 5), (7, 17), (0, 4)])
def test_gru_cell_kernels_match_reference(rows, hidden, dtype):
    rng = np.random.default_rng(rows * 10 + hidden)
    xw, hw = ((rng.standard_normal((rows, 3 * hidden)) * 3).astype(dtype) for _ in range(2))
    h_prev, dh = (rng.standard_normal((rows, hidden)).astype(dtype) for _ in range(2))
    got, expected = rnn.gru_cell_fwd(xw, hw, h_prev), reference.gru_cell_fwd(xw, hw, h_prev)
    for a, b in zip(got, expected):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, **TOLERANCE[dtype])
    for a, b in zip(rnn.gru_cell_bwd(got[1], h_prev, dh),
                    reference.gru_cell_bwd(got[1], h_prev, dh)):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, **TOLERANCE[dtype])


def test_gru_cell_kernels_check_shapes():
    with pytest.raises(ValueError, match=r"gru_cell_fwd: expected float64 arrays of shapes"):
        rnn.gru_cell_fwd(np.zeros((2, 6)), np.zeros((2, 5)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="gru_cell_fwd: out must be 2 writable"):
        rnn.gru_cell_fwd(np.zeros((2, 6)), np.zeros((2, 6)), np.zeros((2, 2)),
                         out=(np.zeros((2, 2)), np.zeros((2, 6))))
    with pytest.raises(ValueError, match=r"gru_cell_bwd: expected float64 arrays of shapes"):
        rnn.gru_cell_bwd(np.zeros((2, 8)), np.zeros((2, 2)), np.zeros((3, 2)))


def _gru_inputs(length=3, batch=2, hidden=2, bias=True):
    xw, h0, _, w, b = _layer_inputs(length, batch, hidden, bias)
    return xw[..., :3 * hidden], h0, w[:3 * hidden], None if b is None else b[:3 * hidden]


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_gru_layer_op_gradients_first_and_second_order(reverse, bias):
    xw, h0, w, b = (t if t is None else t.detach().requires_grad_()
                    for t in _gru_inputs(bias=bias))
    inputs = (xw, h0, w) + ((b,) if bias else ())

    def fn(xw, h0, w, b=None):
        return gru_layer(xw, h0, w, b, reverse)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)


@pytest.mark.parametrize("reverse", [False, True])
def test_gru_layer_op_equals_the_composed_step(reverse):
    xw, h0, w, b = _gru_inputs(length=4)
    out, h = gru_layer(xw, h0, w, b, reverse)
    h_t = h0
    for t in (range(3, -1, -1) if reverse else range(4)):
        x_r, x_z, x_n = xw[t].chunk(3, -1)
        h_r, h_z, h_n = (h_t @ w.T + b).chunk(3, -1)
        r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
        n = (x_n + r * h_n).tanh()
        h_t = (1 - z) * n + z * h_t
        np.testing.assert_allclose(out[t].detach().numpy(), h_t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(h.detach().numpy(), h_t.detach().numpy(), rtol=1e-12)
