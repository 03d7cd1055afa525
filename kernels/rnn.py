"""The LSTM cell's elementwise part, fused: gate nonlinearities and cell update forward, and
their whole gradient backward, one pass over the (N, H) state each.

``pre`` (N, 4H) holds the gate pre-activations in PyTorch's row order i, f, g, o
(``x W_ih^T + b_ih + h W_hh^T + b_hh``). Forward: i, f, o = sigmoid, g = tanh,
``c = f * c_prev + i * g``, ``h = o * tanh(c)``; it also returns the activated gates and
tanh(c), from which the backward needs no exp. Composed of separate ops, one time step was
about 15 recorded ops forward and as many backward; fused, it is one of each.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .activations import _exp, _float_array, _tanh
from .threads import SplitKernel


def _lstm_cell_fwd(pre, c_prev, h, c, act, tanh_c):
    hidden = c_prev.shape[1]
    one = pre.dtype.type(1.0)
    for r in range(c_prev.shape[0]):
        # slices indexed from 0: no negative-index wraparound left in the vectorised loop
        p_i, p_f = pre[r, :hidden], pre[r, hidden:2 * hidden]
        p_g, p_o = pre[r, 2 * hidden:3 * hidden], pre[r, 3 * hidden:]
        a_i, a_f = act[r, :hidden], act[r, hidden:2 * hidden]
        a_g, a_o = act[r, 2 * hidden:3 * hidden], act[r, 3 * hidden:]
        c_in, c_out, h_out, t_out = c_prev[r], c[r], h[r], tanh_c[r]
        for j in range(hidden):
            i = one / (one + _exp(-p_i[j]))
            f = one / (one + _exp(-p_f[j]))
            g = _tanh(p_g[j])
            o = one / (one + _exp(-p_o[j]))
            cell = f * c_in[j] + i * g
            t = _tanh(cell)
            a_i[j], a_f[j], a_g[j], a_o[j] = i, f, g, o
            c_out[j], t_out[j], h_out[j] = cell, t, o * t


def _lstm_cell_bwd(act, tanh_c, c_prev, dh, dc, dpre, dc_prev):
    hidden = c_prev.shape[1]
    one = act.dtype.type(1.0)
    for r in range(c_prev.shape[0]):
        a_i, a_f = act[r, :hidden], act[r, hidden:2 * hidden]
        a_g, a_o = act[r, 2 * hidden:3 * hidden], act[r, 3 * hidden:]
        d_i, d_f = dpre[r, :hidden], dpre[r, hidden:2 * hidden]
        d_g, d_o = dpre[r, 2 * hidden:3 * hidden], dpre[r, 3 * hidden:]
        c_in, t_in, dh_in, dc_in, dc_out = c_prev[r], tanh_c[r], dh[r], dc[r], dc_prev[r]
        for j in range(hidden):
            i, f, g, o, t = a_i[j], a_f[j], a_g[j], a_o[j], t_in[j]
            d_cell = dc_in[j] + dh_in[j] * o * (one - t * t)
            d_i[j] = d_cell * g * i * (one - i)
            d_f[j] = d_cell * c_in[j] * f * (one - f)
            d_g[j] = d_cell * i * (one - g * g)
            d_o[j] = dh_in[j] * t * o * (one - o)
            dc_out[j] = d_cell * f


_FWD = SplitKernel(_lstm_cell_fwd, full_width=True)
_BWD = SplitKernel(_lstm_cell_bwd, full_width=True)


def _rows(name: str, pre: np.ndarray, c_prev: np.ndarray) -> tuple:
    """(pre, c_prev) as C-contiguous float arrays of shapes (N, 4H) and (N, H)."""
    pre, c_prev = _float_array(name, pre), _float_array(name, c_prev)
    if (c_prev.ndim != 2 or pre.shape != (c_prev.shape[0], 4 * c_prev.shape[1])
            or pre.dtype != c_prev.dtype):
        raise ValueError(f"{name}: expected gates (N, 4H) and cell state (N, H) of one dtype, "
                         f"got {pre.dtype}{list(pre.shape)} and {c_prev.dtype}"
                         f"{list(c_prev.shape)}")
    return pre, c_prev


def lstm_cell_fwd(pre: np.ndarray, c_prev: np.ndarray, out: Optional[tuple] = None) -> tuple:
    """(h, c, activated gates (N, 4H), tanh(c)) of one LSTM step from the gate
    pre-activations ``pre`` (N, 4H) and the previous cell state ``c_prev`` (N, H), written
    into ``out`` (four C-contiguous arrays of those shapes and pre's dtype) when given."""
    pre, c_prev = _rows("lstm_cell_fwd", pre, c_prev)
    shapes = (c_prev.shape, c_prev.shape, pre.shape, c_prev.shape)
    if out is None:
        out = tuple(np.empty(shape, pre.dtype) for shape in shapes)
    elif any(not isinstance(o, np.ndarray) or o.shape != shape or o.dtype != pre.dtype
             or not o.flags.c_contiguous or not o.flags.writeable
             for o, shape in zip(out, shapes)) or len(out) != 4:
        raise ValueError(f"lstm_cell_fwd: out must be 4 writable C-contiguous {pre.dtype} "
                         f"arrays of shapes {shapes}")
    h, c, act, tanh_c = out
    _FWD(pre.size, pre, c_prev, h, c, act, tanh_c)
    return h, c, act, tanh_c


def lstm_cell_bwd(act: np.ndarray, tanh_c: np.ndarray, c_prev: np.ndarray, dh: np.ndarray,
                  dc: np.ndarray) -> tuple:
    """(d pre (N, 4H), d c_prev (N, H)) from the forward's activated gates and tanh(c), the
    previous cell state and the gradients ``dh``, ``dc`` of the step's outputs."""
    act, c_prev = _rows("lstm_cell_bwd", act, c_prev)
    arrays = [_float_array("lstm_cell_bwd", a) for a in (tanh_c, dh, dc)]
    if any(a.shape != c_prev.shape or a.dtype != c_prev.dtype for a in arrays):
        raise ValueError(f"lstm_cell_bwd: tanh(c), dh and dc must be {c_prev.dtype}"
                         f"{list(c_prev.shape)}, got {[f'{a.dtype}{list(a.shape)}' for a in arrays]}")
    dpre, dc_prev = np.empty_like(act), np.empty_like(c_prev)
    _BWD(act.size, act, arrays[0], c_prev, arrays[1], arrays[2], dpre, dc_prev)
    return dpre, dc_prev
