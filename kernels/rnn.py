"""The elementwise part of the LSTM and GRU cells, fused: gate nonlinearities and state
update forward, and their whole gradient backward, one pass over the (N, H) state each.

LSTM: ``pre`` (N, 4H) holds the gate pre-activations in PyTorch's row order i, f, g, o
(``x W_ih^T + b_ih + h W_hh^T + b_hh``). Forward: i, f, o = sigmoid, g = tanh,
``c = f * c_prev + i * g``, ``h = o * tanh(c)``; it also returns the activated gates and
tanh(c), from which the backward needs no exp.

GRU: ``xw`` (N, 3H) = x W_ih^T + b_ih and ``hw`` (N, 3H) = h W_hh^T + b_hh, rows r, z, n.
Forward: r, z = sigmoid(xw + hw), ``n = tanh(xw_n + r * hw_n)``, ``h' = (h - n) z + n``
(ATen's order of operations); it also returns r, z, n and hw_n for the backward.

Composed of separate ops, one time step was 10-15 recorded ops forward and as many
backward; fused, it is one of each.
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


_LSTM_FWD = SplitKernel(_lstm_cell_fwd, full_width=True)
_LSTM_BWD = SplitKernel(_lstm_cell_bwd, full_width=True)


def _rows(name: str, pre: np.ndarray, c_prev: np.ndarray) -> tuple:
    """(pre, c_prev) as C-contiguous float arrays of shapes (N, 4H) and (N, H)."""
    pre, c_prev = _float_array(name, pre), _float_array(name, c_prev)
    if (c_prev.ndim != 2 or pre.shape != (c_prev.shape[0], 4 * c_prev.shape[1])
            or pre.dtype != c_prev.dtype):
        raise ValueError(f"{name}: expected gates (N, 4H) and cell state (N, H) of one dtype, "
                         f"got {pre.dtype}{list(pre.shape)} and {c_prev.dtype}"
                         f"{list(c_prev.shape)}")
    return pre, c_prev


def _checked(name: str, arrays: tuple, shapes: tuple) -> tuple:
    """``arrays`` as C-contiguous float arrays of one dtype and the given shapes. (Plain
    loops: this runs twice per time step of a recurrent layer.)"""
    arrays = tuple([_float_array(name, a) for a in arrays])
    dtype = arrays[0].dtype
    for a, shape in zip(arrays, shapes):
        if a.shape != shape or a.dtype != dtype:
            raise ValueError(f"{name}: expected {dtype} arrays of shapes {list(shapes)}, got "
                             f"{[f'{a.dtype}{list(a.shape)}' for a in arrays]}")
    return arrays


def _outputs(name: str, out: Optional[tuple], shapes: tuple, dtype: np.dtype) -> tuple:
    """``out`` checked (writable C-contiguous arrays of ``shapes`` and ``dtype``), or new
    arrays when it is None."""
    if out is None:
        return tuple([np.empty(shape, dtype) for shape in shapes])
    if len(out) == len(shapes):
        for o, shape in zip(out, shapes):
            if (not isinstance(o, np.ndarray) or o.shape != shape or o.dtype != dtype
                    or not o.flags.c_contiguous or not o.flags.writeable):
                break
        else:
            return out
    raise ValueError(f"{name}: out must be {len(shapes)} writable C-contiguous {dtype} arrays "
                     f"of shapes {shapes}")


def lstm_cell_fwd(pre: np.ndarray, c_prev: np.ndarray, out: Optional[tuple] = None) -> tuple:
    """(h, c, activated gates (N, 4H), tanh(c)) of one LSTM step from the gate
    pre-activations ``pre`` (N, 4H) and the previous cell state ``c_prev`` (N, H), written
    into ``out`` (four C-contiguous arrays of those shapes and pre's dtype) when given."""
    pre, c_prev = _rows("lstm_cell_fwd", pre, c_prev)
    h, c, act, tanh_c = _outputs("lstm_cell_fwd", out, (c_prev.shape, c_prev.shape, pre.shape,
                                                        c_prev.shape), pre.dtype)
    _LSTM_FWD(pre.size, pre, c_prev, h, c, act, tanh_c)
    return h, c, act, tanh_c


def lstm_cell_bwd(act: np.ndarray, tanh_c: np.ndarray, c_prev: np.ndarray, dh: np.ndarray,
                  dc: np.ndarray, out: Optional[tuple] = None) -> tuple:
    """(d pre (N, 4H), d c_prev (N, H)) from the forward's activated gates and tanh(c), the
    previous cell state and the gradients ``dh``, ``dc`` of the step's outputs, written into
    ``out`` (two C-contiguous arrays of those shapes, not aliasing the inputs) when given."""
    act, c_prev = _rows("lstm_cell_bwd", act, c_prev)
    tanh_c, dh, dc = _checked("lstm_cell_bwd", (tanh_c, dh, dc), (c_prev.shape,) * 3)
    if tanh_c.dtype != act.dtype:
        raise ValueError(f"lstm_cell_bwd: expected {act.dtype} arrays, got {tanh_c.dtype}")
    dpre, dc_prev = _outputs("lstm_cell_bwd", out, (act.shape, c_prev.shape), act.dtype)
    _LSTM_BWD(act.size, act, tanh_c, c_prev, dh, dc, dpre, dc_prev)
    return dpre, dc_prev


def _gru_cell_fwd(xw, hw, h_prev, h, act):
    hidden = h_prev.shape[1]
    one = xw.dtype.type(1.0)
    for row in range(h_prev.shape[0]):
        x_r, x_z, x_n = xw[row, :hidden], xw[row, hidden:2 * hidden], xw[row, 2 * hidden:]
        h_r, h_z, h_n = hw[row, :hidden], hw[row, hidden:2 * hidden], hw[row, 2 * hidden:]
        a_r, a_z = act[row, :hidden], act[row, hidden:2 * hidden]
        a_n, a_hn = act[row, 2 * hidden:3 * hidden], act[row, 3 * hidden:]
        h_in, h_out = h_prev[row], h[row]
        for j in range(hidden):
            r = one / (one + _exp(-(x_r[j] + h_r[j])))
            z = one / (one + _exp(-(x_z[j] + h_z[j])))
            n = _tanh(x_n[j] + r * h_n[j])
            a_r[j], a_z[j], a_n[j], a_hn[j] = r, z, n, h_n[j]
            h_out[j] = (h_in[j] - n) * z + n


def _gru_cell_bwd(act, h_prev, dh, d_xw, d_hw, dh_prev):
    hidden = h_prev.shape[1]
    one = act.dtype.type(1.0)
    for row in range(h_prev.shape[0]):
        a_r, a_z = act[row, :hidden], act[row, hidden:2 * hidden]
        a_n, a_hn = act[row, 2 * hidden:3 * hidden], act[row, 3 * hidden:]
        dx_r, dx_z = d_xw[row, :hidden], d_xw[row, hidden:2 * hidden]
        dh_r, dh_z = d_hw[row, :hidden], d_hw[row, hidden:2 * hidden]
        dx_n, dh_n = d_xw[row, 2 * hidden:], d_hw[row, 2 * hidden:]
        h_in, g, g_prev = h_prev[row], dh[row], dh_prev[row]
        for j in range(hidden):
            r, z, n, hn = a_r[j], a_z[j], a_n[j], a_hn[j]
            d_n = g[j] * (one - z) * (one - n * n)
            d_r = d_n * hn * r * (one - r)
            d_z = g[j] * (h_in[j] - n) * z * (one - z)
            dx_r[j], dx_z[j], dx_n[j] = d_r, d_z, d_n
            dh_r[j], dh_z[j], dh_n[j] = d_r, d_z, d_n * r
            g_prev[j] = g[j] * z


_GRU_FWD = SplitKernel(_gru_cell_fwd, full_width=True)
_GRU_BWD = SplitKernel(_gru_cell_bwd, full_width=True)


def gru_cell_fwd(xw: np.ndarray, hw: np.ndarray, h_prev: np.ndarray,
                 out: Optional[tuple] = None) -> tuple:
    """(h, saved (N, 4H): r, z, n and hw_n) of one GRU step from the input and hidden
    projections ``xw``, ``hw`` (N, 3H) and ``h_prev`` (N, H), written into ``out`` (two
    C-contiguous arrays of those shapes) when given."""
    n_rows, hidden = h_prev.shape if h_prev.ndim == 2 else (0, -1)
    xw, hw, h_prev = _checked("gru_cell_fwd", (xw, hw, h_prev),
                              ((n_rows, 3 * hidden),) * 2 + ((n_rows, hidden),))
    out = _outputs("gru_cell_fwd", out, (h_prev.shape, (n_rows, 4 * hidden)), xw.dtype)
    _GRU_FWD(xw.size, xw, hw, h_prev, *out)
    return out


def gru_cell_bwd(act: np.ndarray, h_prev: np.ndarray, dh: np.ndarray) -> tuple:
    """(d xw, d hw (N, 3H), the direct part z * dh of d h_prev) from the forward's saved
    (N, 4H), ``h_prev`` and the gradient ``dh`` of the step's output."""
    n_rows, hidden = h_prev.shape if h_prev.ndim == 2 else (0, -1)
    act, h_prev, dh = _checked("gru_cell_bwd", (act, h_prev, dh),
                               ((n_rows, 4 * hidden),) + ((n_rows, hidden),) * 2)
    d_xw, d_hw = (np.empty((n_rows, 3 * hidden), act.dtype) for _ in range(2))
    dh_prev = np.empty_like(h_prev)
    _GRU_BWD(act.size, act, h_prev, dh, d_xw, d_hw, dh_prev)
    return d_xw, d_hw, dh_prev
