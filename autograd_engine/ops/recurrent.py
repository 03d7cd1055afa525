"""The LSTM cell update as one op: ``(h, c) = lstm_cell(pre, c_prev)`` from the gate
pre-activations ``pre`` (..., 4H; PyTorch's row order i, f, g, o) and the previous cell state.

Forward and backward each run one fused kernel (``kernels/rnn.py``) instead of about 15
recorded ops per time step. With ``create_graph=True`` the backward is composed of Tensor
ops, so gradients of every order still flow.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..custom import Function as CustomFunction
from ..grad_mode import is_grad_enabled
from ..kernels import rnn as _rnn
from ..tensor import Tensor
from .shape import cat


def _opmath(*arrays: np.ndarray) -> tuple:
    """float16 computes in float32 (PyTorch's opmath), the kernels taking float32/float64."""
    return tuple(a.astype(np.float32) if a.dtype == np.float16 else a for a in arrays)


class _LSTMCell(CustomFunction):
    """c = sigmoid(f) c_prev + sigmoid(i) tanh(g), h = sigmoid(o) tanh(c)."""

    @staticmethod
    def forward(ctx: Any, pre: Tensor, c_prev: Tensor) -> tuple:
        dtype = pre.dtype
        shape = c_prev.shape
        rows = _opmath(pre.data.reshape(-1, pre.shape[-1]), c_prev.data.reshape(-1, shape[-1]))
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
                                        *_opmath(dh.data.reshape(c_rows.shape),
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
