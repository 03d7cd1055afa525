"""Recurrent layers with PyTorch's arguments, parameters, initialisation, shapes and reprs:
``RNN``, ``LSTM``, ``GRU`` and the single-step ``RNNCell``, ``LSTMCell``, ``GRUCell``.

Everything is composed of differentiable ops, so gradients of every order come for free.
One cell *step* function per kind (Elman tanh/ReLU, LSTM, GRU) maps the input projection
``x @ W_ih^T + b_ih`` of one time step and the previous state to the next state; the cells
call it once, the layers through one shared multi-layer / bidirectional driver, which
projects a whole sequence with one ``F.linear`` (one GEMM) per layer and direction and loops
over time only for the recurrent part.

Gate layouts are PyTorch's: LSTM rows (i, f, g, o), GRU rows (r, z, n) with
n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Callable, NamedTuple, Optional, Sequence

import numpy as np

from ..ops.recurrent import gru_cell_ops, gru_layer, lstm_cell, lstm_layer
from ..ops.shape import cat, stack, unbind
from ..tensor import Tensor
from . import functional as F
from . import init
from .layers import _dtype
from .module import Module, Parameter
from .utils.rnn import PackedSequence, pad_packed_sequence

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]


# -- one time step -------------------------------------------------------------------------
class _Weights(NamedTuple):
    """The parameters of one layer and direction (or of one cell); absent ones are None."""

    w_ih: Tensor
    w_hh: Tensor
    b_ih: Optional[Tensor] = None
    b_hh: Optional[Tensor] = None
    w_hr: Optional[Tensor] = None  # LSTM projection (proj_size > 0)


State = tuple  # (h,) for RNN and GRU, (h, c) for LSTM
Step = Callable[[Tensor, State, _Weights], State]


def _rnn_tanh_step(xw: Tensor, state: State, w: _Weights) -> State:
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh); ``xw`` is the input part."""
    (h,) = state
    return ((xw + F.linear(h, w.w_hh, w.b_hh)).tanh(),)


def _rnn_relu_step(xw: Tensor, state: State, w: _Weights) -> State:
    """h' = relu(W_ih x + b_ih + W_hh h + b_hh)."""
    (h,) = state
    return (F.relu(xw + F.linear(h, w.w_hh, w.b_hh)),)


def _lstm_step(xw: Tensor, state: State, w: _Weights) -> State:
    """c' = f * c + i * g, h' = o * tanh(c') (then h' = W_hr h' with a projection), the gates
    i, f, o = sigmoid(.) and g = tanh(.) of W_ih x + b_ih + W_hh h + b_hh in that row order."""
    h, c = state
    h, c = lstm_cell(xw + F.linear(h, w.w_hh, w.b_hh), c)  # one fused op
    if w.w_hr is not None:
        h = F.linear(h, w.w_hr)
    return h, c


def _gru_step(xw: Tensor, state: State, w: _Weights) -> State:
    """r, z = sigmoid(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z}),
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h."""
    (h,) = state
    return (gru_cell_ops(xw, F.linear(h, w.w_hh, w.b_hh), h)[0],)


_STEPS: dict[str, Step] = {"RNN_TANH": _rnn_tanh_step, "RNN_RELU": _rnn_relu_step,
                           "LSTM": _lstm_step, "GRU": _gru_step}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}
_FIELDS = {"weight_ih": "w_ih", "weight_hh": "w_hh", "bias_ih": "b_ih", "bias_hh": "b_hh",
           "weight_hr": "w_hr"}  # parameter name (without _l<k>[_reverse]) -> _Weights field


# -- the sequence driver -------------------------------------------------------------------
def _run_direction(step: Step, x: Tensor, state: State, w: _Weights,
                   reverse: bool) -> tuple[Tensor, State]:
    """One layer in one direction over x (L, N, H_in): (outputs (L, N, H_out), last state).

    The input projections of all steps are one GEMM; only the recurrence loops. In float32 and
    float64 an LSTM (without projection) or a GRU runs its whole recurrence as one op."""
    xw = F.linear(x, w.w_ih, w.b_ih)
    if x.dtype in (np.float32, np.float64):
        if step is _lstm_step and w.w_hr is None:
            out, h, c = lstm_layer(xw, *state, w.w_hh, w.b_hh, reverse)
            return out, (h, c)
        if step is _gru_step:
            out, h = gru_layer(xw, *state, w.w_hh, w.b_hh, reverse)
            return out, (h,)
    xw = unbind(xw)
    outputs: list = [None] * len(xw)
    for t in (reversed(range(len(xw))) if reverse else range(len(xw))):
        state = step(xw[t], state, w)
        outputs[t] = state[0]
    return stack(outputs), state


def _run_layers(step: Step, x: Tensor, state: State, weights: Sequence[_Weights],
                num_layers: int, num_directions: int, dropout: float,
                training: bool) -> tuple[Tensor, State]:
    """A stack of (bi)directional layers over x (L, N, H_in) from the initial states
    (each (num_layers * num_directions, N, size)); returns the last layer's outputs
    (L, N, num_directions * H_out) and the final states, layer-major, direction-minor.

    ``weights[layer * num_directions + direction]``; direction 1 runs backwards in time.
    Dropout (while training) applies to the outputs of every layer but the last."""
    finals = []
    for layer in range(num_layers):
        if layer > 0 and dropout > 0.0:
            x = F.dropout(x, dropout, training)
        outputs = []
        for direction in range(num_directions):
            k = layer * num_directions + direction
            out, last = _run_direction(step, x, tuple(s[k] for s in state), weights[k],
                                       reverse=direction == 1)
            outputs.append(out)
            finals.append(last)
        x = outputs[0] if num_directions == 1 else cat(outputs, 2)
    return x, tuple(stack([f[j] for f in finals]) for j in range(len(state)))


def _zeros(shape: tuple, dtype: np.dtype) -> Tensor:
    return Tensor(np.zeros(shape, dtype))


def _length_groups(lengths: np.ndarray, sorted_indices: Optional[Tensor]) -> tuple:
    """For a packed batch with ``lengths`` (original order): the groups [(length, members)]
    of equal-length sequences; ``rows``, which takes the packed layout from the groups'
    outputs (each (length, n, F), flattened and concatenated); and ``order``, which takes
    the original batch order from the groups' states concatenated along the batch."""
    groups = [(int(n), np.flatnonzero(lengths == n)) for n in np.unique(lengths)[::-1]]
    members = np.concatenate([m for _, m in groups])
    counts = np.array([len(m) for _, m in groups])
    group_rows = np.array([n * len(m) for n, m in groups])
    size = np.repeat(counts, counts)  # per group slot: its group's batch size
    offset = np.repeat(np.cumsum(group_rows) - group_rows, counts)  # its group's first row
    position = np.concatenate([np.arange(len(m)) for _, m in groups])
    order = np.argsort(members)  # members[order] == arange: group slot of each sequence
    sorted_batch = np.argsort(-lengths, kind="stable") if sorted_indices is None \
        else sorted_indices.data
    steps, slots = np.nonzero(np.arange(lengths.max())[:, None] < lengths[sorted_batch])
    slot = order[sorted_batch[slots]]
    return groups, offset[slot] + steps * size[slot] + position[slot], order


# -- the layers ----------------------------------------------------------------------------
class RNNBase(Module):
    """The multi-layer, optionally bidirectional recurrent layer behind ``RNN``, ``LSTM``
    and ``GRU`` (``mode`` is "RNN_TANH", "RNN_RELU", "LSTM" or "GRU").

    Parameters per layer ``k`` and direction (suffix "" or "_reverse"), registered in
    PyTorch's order: ``weight_ih_lk`` (G * H, H_in of the layer), ``weight_hh_lk``
    (G * H, H_out), ``bias_ih_lk`` and ``bias_hh_lk`` (G * H) unless ``bias=False``, and
    ``weight_hr_lk`` (proj_size, H) for an LSTM with ``proj_size``; G is the number of gates
    and H_out is proj_size or hidden_size. All start as U(-1/sqrt(H), 1/sqrt(H)).
    """

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        _check_layer_args(mode, input_size, hidden_size, num_layers, bias, batch_first,
                          dropout, proj_size)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        dtype = _dtype(dtype)
        gate_size = _GATES[mode] * hidden_size
        out_size = proj_size if proj_size > 0 else hidden_size
        directions = 2 if bidirectional else 1
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else out_size * directions
            for direction in range(directions):
                shapes = {"weight_ih": (gate_size, layer_input),
                          "weight_hh": (gate_size, out_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size > 0:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                names = [kind + suffix for kind in shapes]
                for name, shape in zip(names, shapes.values()):
                    setattr(self, name, Parameter(np.empty(shape, dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's scheme: every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden))."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def flatten_parameters(self) -> None:
        """Kept for PyTorch compatibility (cuDNN packs its weights): nothing to do here."""

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters grouped per layer and direction, in registration order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    # -- forward -------------------------------------------------------------------------
    def _state_sizes(self) -> tuple[int, ...]:
        """The last dim of each state tensor: (hidden,), or (proj or hidden, hidden)."""
        return (self.hidden_size,)

    def _as_state(self, hx: Any) -> Optional[State]:
        """The user's initial state as a tuple of tensors (None: zeros)."""
        return None if hx is None else (hx,)

    def _from_state(self, state: State) -> Any:
        """The final state as the user gets it: h_n, or (h_n, c_n) for LSTM."""
        return state[0]

    def _layer_weights(self) -> list[_Weights]:
        """The parameters of each layer and direction, in ``_run_layers``' order."""
        return [_Weights(**{_FIELDS[name.partition("_l")[0]]: getattr(self, name)
                            for name in names})
                for names in self._all_weights]

    def forward(self, input: Tensor, hx: Any = None) -> tuple:
        """input (L, N, H_in), (N, L, H_in) with ``batch_first``, or unbatched (L, H_in);
        hx the initial state(s), each (num_layers * num_directions, N, size) or, unbatched,
        (num_layers * num_directions, size); zeros when None.

        Returns (output, h_n), or (output, (h_n, c_n)) for LSTM: output (L, N, D * H_out)
        (batch first with ``batch_first``) holds the last layer's h of every step, both
        directions concatenated; the final states are layer-major, direction-minor.

        A ``PackedSequence`` input gives a ``PackedSequence`` output (same layout) and each
        sequence's final state at its own last step, in the original batch order."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        name = self._get_name()
        if input.ndim not in (2, 3):
            raise ValueError(f"{name}: Expected input to be 2D or 3D, got {input.ndim}D "
                             f"tensor instead")
        state = self._as_state(hx)
        batched = input.ndim == 3
        batch_dim = 0 if self.batch_first else 1
        if state is not None:
            _check_state_dims(state, 3 if batched else 2)
            if not batched:
                state = tuple(s.unsqueeze(1) for s in state)
        if not batched:
            input = input.unsqueeze(batch_dim)
        if self.batch_first:
            input = input.transpose(0, 1)
        output, state = self._run(input, self._initial_state(input, state))
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            output = output.squeeze(batch_dim)
            state = tuple(s.squeeze(1) for s in state)
        return output, self._from_state(state)

    def _forward_packed(self, packed: PackedSequence, hx: Any) -> tuple:
        """Run each group of equal-length sequences through the whole stack on its own, so
        no padded step ever enters a recurrence (both directions start and end at a
        sequence's true ends). Costs one pass of the stack per distinct length."""
        padded, lengths = pad_packed_sequence(packed)  # original batch order
        state = self._as_state(hx)
        if state is not None:
            _check_state_dims(state, 3)
        state = self._initial_state(padded, state)
        groups, rows, order = _length_groups(lengths.data, packed.sorted_indices)
        outputs, finals = [], []
        for length, members in groups:
            out, last = self._run(padded[:length, members],
                                  tuple(s[:, members] for s in state))
            outputs.append(out.reshape(-1, out.shape[-1]))
            finals.append(last)
        state = tuple(cat([f[j] for f in finals], 1)[:, order] for j in range(len(state)))
        output = packed._replace(data=cat(outputs)[rows])
        return output, self._from_state(state)

    def _initial_state(self, input: Tensor, state: Optional[State]) -> State:
        """Check input (L, N, H_in) and the user's state against it; zeros when None."""
        self._check_input(input)
        directions = 2 if self.bidirectional else 1
        expected = [(self.num_layers * directions, input.shape[1], size)
                    for size in self._state_sizes()]
        if state is None:
            return tuple(_zeros(shape, input.dtype) for shape in expected)
        _check_state_sizes(state, expected)
        return state

    def _run(self, input: Tensor, state: State) -> tuple[Tensor, State]:
        """The whole stack over input (L, N, H_in): (output, final states)."""
        return _run_layers(_STEPS[self.mode], input, state, self._layer_weights(),
                           self.num_layers, 2 if self.bidirectional else 1, self.dropout,
                           self.training)

    def _check_input(self, input: Tensor) -> None:
        """input is (L, N, H_in) by now: dtype, feature size and a non-empty sequence."""
        weight_dtype = getattr(self, self._flat_weights_names[0]).dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight_dtype}). Convert input: input.to({weight_dtype}), "
                             f"or convert model: model.to({input.dtype})")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")
        if input.shape[0] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _check_layer_args(mode: str, input_size: int, hidden_size: int, num_layers: int,
                      bias: bool, batch_first: bool, dropout: float, proj_size: int) -> None:
    """PyTorch's constructor checks, with its exception types and messages."""
    if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
            or not 0 <= dropout <= 1):
        raise ValueError("dropout should be a number in range [0, 1] representing the "
                         "probability of an element being zeroed")
    if dropout > 0 and num_layers == 1:
        warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                      "non-zero dropout expects num_layers greater than 1, but got "
                      f"dropout={dropout} and num_layers={num_layers}", UserWarning,
                      stacklevel=4)
    for arg, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                             ("input_size", input_size, int),
                             ("hidden_size", hidden_size, int)):
        if not isinstance(value, kind):
            raise TypeError(f"{arg} should be of type {kind.__name__}, got: "
                            f"{type(value).__name__}")
    if input_size <= 0:
        raise ValueError("input_size must be greater than zero")
    if hidden_size <= 0:
        raise ValueError("hidden_size must be greater than zero")
    if num_layers <= 0:
        raise ValueError("num_layers must be greater than zero")
    if proj_size < 0:
        raise ValueError("proj_size should be a positive integer or zero to disable "
                         "projections")
    if proj_size >= hidden_size:
        raise ValueError("proj_size has to be smaller than hidden_size")
    if mode not in _STEPS:
        raise ValueError("Unrecognized RNN mode: " + mode)


def _check_state_dims(state: State, ndim: int) -> None:
    """Batched input needs 3-D states, unbatched input 2-D ones."""
    if all(s.ndim == ndim for s in state):
        return
    kind = "batched 3-D" if ndim == 3 else "unbatched 2-D"
    if len(state) == 1:
        raise RuntimeError(f"For {kind} input, hx should also be {ndim}-D but got "
                           f"{state[0].ndim}-D tensor")
    dims = ", ".join(f"{s.ndim}-D" for s in state)
    raise RuntimeError(f"For {kind} input, hx and cx should also be {ndim}-D but got "
                       f"({dims}) tensors")


def _check_state_sizes(state: State, expected: list) -> None:
    for k, (s, shape) in enumerate(zip(state, expected)):
        if tuple(s.shape) != shape:
            label = "hidden" if len(state) == 1 else f"hidden[{k}]"
            raise RuntimeError(f"Expected {label} size {shape}, got {list(s.shape)}")


class RNN(RNNBase):
    """Elman RNN, h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) (or relu with
    ``nonlinearity='relu'``), stacked ``num_layers`` deep; returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory, gates (i, f, g, o); with ``proj_size`` > 0 each h is
    projected to proj_size by ``weight_hr``. Returns (output, (h_n, c_n)); hx is
    (h_0, c_0) with h_0 of size proj_size (or hidden_size) and c_0 of size hidden_size."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)

    def _state_sizes(self) -> tuple[int, ...]:
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def _as_state(self, hx: Any) -> Optional[State]:
        return None if hx is None else (hx[0], hx[1])

    def _from_state(self, state: State) -> Any:
        return state


class GRU(RNNBase):
    """Gated recurrent unit, gates (r, z, n), n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
    h' = (1 - z) * n + z * h; returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)


# -- the cells -----------------------------------------------------------------------------
class RNNCellBase(Module):
    """One step of a recurrent layer: ``weight_ih`` (G * H, H_in), ``weight_hh`` (G * H, H)
    and, unless ``bias=False``, ``bias_ih`` and ``bias_hh`` (G * H), all from
    U(-1/sqrt(H), 1/sqrt(H)); G = ``num_chunks`` gates."""

    _num_states = 1  # h; LSTMCell: (h, c)

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        dtype = _dtype(dtype)
        gate_size = num_chunks * hidden_size
        self.weight_ih = Parameter(np.empty((gate_size, input_size), dtype))
        self.weight_hh = Parameter(np.empty((gate_size, hidden_size), dtype))
        if bias:
            self.bias_ih = Parameter(np.empty(gate_size, dtype))
            self.bias_hh = Parameter(np.empty(gate_size, dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's scheme: every parameter from U(-1/sqrt(hidden), 1/sqrt(hidden))."""
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)

    def _run_step(self, step: Step, input: Tensor, state: Optional[State]) -> State:
        """Check shapes as PyTorch, run ``step`` once on input (N, H_in) or (H_in,) and
        state tensors (N, H) or (H,) (zeros when None); the new state, shaped as input."""
        name = self._get_name()
        if input.ndim not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.ndim}D "
                             f"instead")
        for k, s in enumerate(state or ()):
            if s.ndim not in (1, 2):
                what = "hidden" if len(state) == 1 else f"hx[{k}]"
                raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {s.ndim}D "
                                 f"instead")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if state is None:
            state = (_zeros((input.shape[0], self.hidden_size), input.dtype),) * \
                self._num_states
        elif not batched:
            state = tuple(s.unsqueeze(0) for s in state)
        self._check_sizes(input, state)
        w = _Weights(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        state = step(F.linear(input, w.w_ih, w.b_ih), state, w)
        return state if batched else tuple(s.squeeze(0) for s in state)

    def _check_sizes(self, input: Tensor, state: State) -> None:
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                               f"expected {self.input_size}")
        for k, s in enumerate(state):
            if s.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match "
                                   f"hidden{k} batch size {s.shape[0]}")
            if s.shape[1:] != (self.hidden_size,):
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got "
                                   f"{s.shape[1]}, expected {self.hidden_size}")

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (relu with ``nonlinearity='relu'``)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        """input (N, H_in) or (H_in,), hx (N, H) or (H,) (zeros when None): h'."""
        mode = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}.get(self.nonlinearity)
        if mode is None:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return self._run_step(_STEPS[mode], input, None if hx is None else (hx,))[0]


class LSTMCell(RNNCellBase):
    """One LSTM step, gates (i, f, g, o): returns (h', c')."""

    _num_states = 2

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx: Optional[tuple] = None) -> tuple:
        """input (N, H_in) or (H_in,), hx = (h, c), each (N, H) or (H,) (zeros when None)."""
        return self._run_step(_lstm_step, input, None if hx is None else tuple(hx))


class GRUCell(RNNCellBase):
    """One GRU step, gates (r, z, n): returns h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        """input (N, H_in) or (H_in,), hx (N, H) or (H,) (zeros when None): h'."""
        return self._run_step(_gru_step, input, None if hx is None else (hx,))[0]
