"""LSTM and GRU ops: the LSTM cell update ``(h, c) = lstm_cell(pre, c_prev)`` from the gate
pre-activations ``pre`` (..., 4H; PyTorch's row order i, f, g, o) and the previous cell
state, and a whole layer's recurrence over a sequence, ``lstm_layer`` and ``gru_layer``.

The cells run one fused kernel (``kernels/rnn.py``) each way instead of 10-15 recorded
ops per time step. A layer is one op for the whole sequence: its forward loops over time
on arrays, and its backward (backpropagation through time) too, with the recurrent weight's
gradient as one GEMM over all steps rather than one per step. With ``create_graph=True``
both backwards are composed of Tensor ops, so gradients of every order still flow.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..custom import Function as CustomFunction
from ..grad_mode import is_grad_enabled
from ..kernels import rnn as _rnn
from ..tensor import Tensor
from ._util import opmath
from .linalg import matmul, matmul_arrays
from .nn_ops import linear
from .shape import cat, stack


class _LSTMCell(CustomFunction):
    """c = sigmoid(f) c_prev + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c)."""

    @staticmethod
    def forward(ctx: Any, pre: Tensor, c_prev: Tensor) -> tuple:
        dtype = pre.dtype
        shape = c_prev.shape
        rows = opmath(pre.data.reshape(-1, pre.shape[-1]), c_prev.data.reshape(-1, shape[-1]))
        h, c, act, tanh_c = _rnn.lstm_cell_fwd(*rows)
        ctx.save_for_backward(pre, c_prev)
        ctx.kernel_saved = act, tanh_c, rows[1]
        return Tensor(h.reshape(shape).astype(dtype, copy=False)), Tensor(
            c.reshape(shape).astype(dtype, copy=False))

    @staticmethod
    def backward(ctx: Any, dh: Tensor, dc: Tensor) -> tuple:
        pre, c_prev = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: a differentiable backward
            return _lstm_cell_backward_ops(pre, c_prev, dh, dc)
        act, tanh_c, c_rows = ctx.kernel_saved
        d_pre, d_c = _rnn.lstm_cell_bwd(act, tanh_c, c_rows,
                                        *opmath(dh.data.reshape(c_rows.shape),
                                                 dc.data.reshape(c_rows.shape)))
        return (Tensor(d_pre.reshape(pre.shape).astype(pre.dtype, copy=False)),
                Tensor(d_c.reshape(c_prev.shape).astype(c_prev.dtype, copy=False)))


def _lstm_cell_backward_ops(pre: Tensor, c_prev: Tensor, dh: Tensor, dc: Tensor) -> tuple:
    """The kernel's gradient formulas in Tensor ops (recorded when create_graph is on)."""
    i, f, g, o = pre.chunk(4, -1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    t = (f * c_prev + i * g).tanh()
    d_cell = dc + dh * o * (1.0 - t * t)
    d_pre = cat([d_cell * g * i * (1.0 - i), d_cell * c_prev * f * (1.0 - f),
                 d_cell * i * (1.0 - g * g), dh * t * o * (1.0 - o)], -1)
    return d_pre, d_cell * f


def lstm_cell(pre: Tensor, c_prev: Tensor) -> tuple:
    """(h, c) of one LSTM step: pre (..., 4H) gate pre-activations, c_prev (..., H)."""
    return _LSTMCell.apply(pre, c_prev)


class _LSTMLayer(CustomFunction):
    """outputs[t], (h, c) of one layer and direction over the input projections xw (L, N, 4H):
    pre_t = xw[t] + h_{t-1} W_hh^T + b_hh, (h_t, c_t) = cell(pre_t, c_{t-1})."""

    @staticmethod
    def forward(ctx: Any, xw: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, b_hh: Any,
                reverse: bool) -> tuple:
        w_t = np.ascontiguousarray(w_hh.data.T)  # BLAS ran a transposed view 1.4x slower
        h, c = h0.data, c0.data
        outputs, cells, tanh_c = (np.empty(xw.shape[:2] + h.shape[1:], h.dtype)
                                  for _ in range(3))
        act = np.empty(xw.shape, xw.dtype)
        # the recurrent bias added to every step's input projection at once, not per step
        xw_b = xw.data if b_hh is None else xw.data + b_hh.data
        for t in _order(len(xw), reverse):
            pre = matmul_arrays(h, w_t)
            pre += xw_b[t]
            h, c, _, _ = _rnn.lstm_cell_fwd(pre, c, out=(outputs[t], cells[t], act[t],
                                                          tanh_c[t]))
        out = Tensor(outputs)
        ctx.save_for_backward(xw, h0, c0, w_hh, b_hh, out)  # out: version-checked
        ctx.reverse = reverse
        ctx.kernel_saved = act, tanh_c, cells
        return out, Tensor(h.copy()), Tensor(c.copy())  # copies: not views of saved arrays

    @staticmethod
    def backward(ctx: Any, d_out: Tensor, dh: Tensor, dc: Tensor) -> tuple:
        xw, h0, c0, w_hh, b_hh, out = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: a differentiable backward
            return _lstm_layer_backward_ops(xw, h0, c0, w_hh, b_hh, ctx.reverse, d_out, dh,
                                            dc) + (None,)
        act, tanh_c, cells = ctx.kernel_saved
        h_prev = _previous(out.data, h0.data, ctx.reverse)
        c_prev = _previous(cells, c0.data, ctx.reverse)
        d_out, dh, dc, w = d_out.data, dh.data, dc.data, w_hh.data
        d_pre = np.empty_like(act)
        # buffers every step reuses: the step's output gradient, and the cell gradient
        # alternating between two (one read, one written)
        d_step, cell_grads = np.empty(dc.shape, act.dtype), np.empty((2,) + dc.shape, act.dtype)
        for k, t in enumerate(reversed(_order(len(act), ctx.reverse))):
            np.add(d_out[t], dh, out=d_step)
            _, dc = _rnn.lstm_cell_bwd(act[t], tanh_c[t], c_prev[t], d_step, dc,
                                       out=(d_pre[t], cell_grads[k % 2]))
            dh = matmul_arrays(d_pre[t], w)
        dc = dc.copy()  # not a view of the buffers
        rows = d_pre.reshape(-1, d_pre.shape[-1])
        d_w = matmul_arrays(rows.T, h_prev.reshape(-1, h_prev.shape[-1]))
        d_b = None if b_hh is None else rows.sum(0)
        return tuple(None if g is None else Tensor(g)
                     for g in (d_pre, dh, dc, d_w, d_b)) + (None,)


def _previous(states: np.ndarray, first: np.ndarray, reverse: bool) -> np.ndarray:
    """The state each step started from: ``first`` for the first step visited, else the
    state the step before it (in the recurrence's order) ended with."""
    if reverse:
        return np.concatenate([states[1:], first[None]])
    return np.concatenate([first[None], states[:-1]])


def _order(length: int, reverse: bool) -> list:
    """The time steps in the order the recurrence visits them."""
    return list(range(length - 1, -1, -1) if reverse else range(length))


def _lstm_layer_backward_ops(xw: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, b_hh: Any,
                             reverse: bool, d_out: Tensor, dh: Tensor, dc: Tensor) -> tuple:
    """The layer's backward in Tensor ops: the forward states recomputed with the cell op,
    then the same recursion as the array backward."""
    order = _order(len(xw), reverse)
    pre, h_prev, c_prev = ([None] * len(order) for _ in range(3))
    h, c = h0, c0
    for t in order:
        h_prev[t], c_prev[t] = h, c
        pre[t] = xw[t] + linear(h, w_hh, b_hh)
        h, c = lstm_cell(pre[t], c)
    d_pre = [None] * len(order)
    for t in reversed(order):
        d_pre[t], dc = _lstm_cell_backward_ops(pre[t], c_prev[t], d_out[t] + dh, dc)
        dh = matmul(d_pre[t], w_hh)
    d_pre = stack(d_pre)
    rows = d_pre.reshape(-1, d_pre.shape[-1])
    d_w = matmul(rows.T, stack(h_prev).reshape(-1, h0.shape[-1]))
    return d_pre, dh, dc, d_w, None if b_hh is None else rows.sum(0)


def lstm_layer(xw: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, b_hh: Any,
               reverse: bool = False) -> tuple:
    """(outputs (L, N, H), h_L, c_L) of one LSTM layer and direction (no projection) from the
    input projections ``xw`` (L, N, 4H) of every step and the initial state (N, H) each."""
    return _LSTMLayer.apply(xw, h0, c0, w_hh, b_hh, reverse)


class _GRULayer(CustomFunction):
    """outputs[t], h of one GRU layer and direction over the input projections xw (L, N, 3H):
    hw_t = h_{t-1} W_hh^T + b_hh, h_t = gru_cell(xw[t], hw_t, h_{t-1})."""

    @staticmethod
    def forward(ctx: Any, xw: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Any,
                reverse: bool) -> tuple:
        w_t = np.ascontiguousarray(w_hh.data.T)
        h = h0.data
        outputs = np.empty(xw.shape[:2] + h.shape[1:], h.dtype)
        saved = np.empty(xw.shape[:2] + (4 * h.shape[-1],), h.dtype)
        for t in _order(len(xw), reverse):
            hw = matmul_arrays(h, w_t)
            if b_hh is not None:
                hw += b_hh.data
            h, _ = _rnn.gru_cell_fwd(xw.data[t], hw, h, out=(outputs[t], saved[t]))
        out = Tensor(outputs)
        ctx.save_for_backward(xw, h0, w_hh, b_hh, out)
        ctx.reverse = reverse
        ctx.kernel_saved = saved
        return out, Tensor(h.copy())

    @staticmethod
    def backward(ctx: Any, d_out: Tensor, dh: Tensor) -> tuple:
        xw, h0, w_hh, b_hh, out = ctx.saved_tensors
        if is_grad_enabled():  # create_graph: a differentiable backward
            return _gru_layer_backward_ops(xw, h0, w_hh, b_hh, ctx.reverse, d_out, dh) + (None,)
        saved = ctx.kernel_saved
        h_prev = _previous(out.data, h0.data, ctx.reverse)
        d_out, dh, w = d_out.data, dh.data, w_hh.data
        d_xw, d_hw = np.empty_like(xw.data), np.empty_like(xw.data)
        for t in reversed(_order(len(saved), ctx.reverse)):
            d_xw[t], d_hw[t], dh = _rnn.gru_cell_bwd(saved[t], h_prev[t], d_out[t] + dh)
            dh += matmul_arrays(d_hw[t], w)
        rows = d_hw.reshape(-1, d_hw.shape[-1])
        d_w = matmul_arrays(rows.T, h_prev.reshape(-1, h_prev.shape[-1]))
        d_b = None if b_hh is None else rows.sum(0)
        return tuple(None if g is None else Tensor(g)
                     for g in (d_xw, dh, d_w, d_b)) + (None,)


def gru_cell_ops(xw: Tensor, hw: Tensor, h: Tensor) -> tuple:
    """(h', r, z, n) of one GRU step in Tensor ops (the kernel's formulas; ATen's order of
    operations: h' = (h - n) * z + n = (1 - z) * n + z * h)."""
    x_r, x_z, x_n = xw.chunk(3, -1)
    h_r, h_z, h_n = hw.chunk(3, -1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (h - n) * z + n, r, z, n


def _gru_layer_backward_ops(xw: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Any, reverse: bool,
                            d_out: Tensor, dh: Tensor) -> tuple:
    """The GRU layer's backward in Tensor ops: forward states recomputed, then the kernel's
    recursion (see ``kernels/rnn.py``)."""
    order = _order(len(xw), reverse)
    h_prev, gates, h_n = ([None] * len(order) for _ in range(3))
    h = h0
    for t in order:
        h_prev[t] = h
        hw = linear(h, w_hh, b_hh)
        h_n[t] = hw.chunk(3, -1)[2]
        h, *gates[t] = gru_cell_ops(xw[t], hw, h)
    d_xw, d_hw = [None] * len(order), [None] * len(order)
    for t in reversed(order):
        r, z, n = gates[t]
        g = d_out[t] + dh
        d_n = g * (1.0 - z) * (1.0 - n * n)
        d_r = d_n * h_n[t] * r * (1.0 - r)
        d_z = g * (h_prev[t] - n) * z * (1.0 - z)
        d_xw[t], d_hw[t] = cat([d_r, d_z, d_n], -1), cat([d_r, d_z, d_n * r], -1)
        dh = g * z + matmul(d_hw[t], w_hh)
    rows = stack(d_hw).reshape(-1, 3 * h0.shape[-1])
    d_w = matmul(rows.T, stack(h_prev).reshape(-1, h0.shape[-1]))
    return stack(d_xw), dh, d_w, None if b_hh is None else rows.sum(0)


def gru_layer(xw: Tensor, h0: Tensor, w_hh: Tensor, b_hh: Any, reverse: bool = False) -> tuple:
    """(outputs (L, N, H), h_L) of one GRU layer and direction from the input projections
    ``xw`` (L, N, 3H) of every step and the initial state h0 (N, H)."""
    return _GRULayer.apply(xw, h0, w_hh, b_hh, reverse)
