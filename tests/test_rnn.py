"""nn.RNN, nn.LSTM, nn.GRU and their cells: against a numpy reference (values, gradients to
second order), shapes and layouts, parameter names and order, init, reprs, errors, dropout;
and, when torch is installed, values and every gradient against torch 2.13 with the same
weights."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck
from autograd_engine.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

RNG = np.random.default_rng(0)


# -- the numpy reference -------------------------------------------------------------------
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _reference_step(kind, x, state, p):
    """One step of ``kind`` ("tanh", "relu", "lstm", "gru") on numpy arrays; p holds w_ih,
    w_hh and optionally b_ih, b_hh, w_hr."""
    gi = x @ p["w_ih"].T + (0 if p.get("b_ih") is None else p["b_ih"])
    gh = state[0] @ p["w_hh"].T + (0 if p.get("b_hh") is None else p["b_hh"])
    if kind == "tanh":
        return (np.tanh(gi + gh),)
    if kind == "relu":
        return (np.maximum(gi + gh, 0),)
    if kind == "lstm":
        i, f, g, o = np.split(gi + gh, 4, -1)
        c = _sigmoid(f) * state[1] + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        return (h if p.get("w_hr") is None else h @ p["w_hr"].T), c
    gi_r, gi_z, gi_n = np.split(gi, 3, -1)
    gh_r, gh_z, gh_n = np.split(gh, 3, -1)
    r, z = _sigmoid(gi_r + gh_r), _sigmoid(gi_z + gh_z)
    n = np.tanh(gi_n + r * gh_n)
    return ((1 - z) * n + z * state[0],)


def _kind(module):
    if isinstance(module, (RNN, RNNCell)):
        return module.nonlinearity
    return "lstm" if isinstance(module, (LSTM, LSTMCell)) else "gru"


def _params(module, suffix=""):
    names = {"w_ih": "weight_ih", "w_hh": "weight_hh", "b_ih": "bias_ih", "b_hh": "bias_hh",
             "w_hr": "weight_hr"}
    out = {}
    for key, name in names.items():
        value = getattr(module, name + suffix, None)
        out[key] = None if value is None else value.detach().numpy()
    return out


def _reference_layers(module, x, state):
    """The module's computation written out: x (L, N, H_in), state a tuple of
    (num_layers * directions, N, size) arrays; returns (output, final states)."""
    directions = 2 if module.bidirectional else 1
    finals = []
    for layer in range(module.num_layers):
        outputs = []
        for direction in range(directions):
            k = layer * directions + direction
            p = _params(module, f"_l{layer}" + ("_reverse" if direction else ""))
            s = tuple(part[k] for part in state)
            ys = [None] * len(x)
            for t in (reversed(range(len(x))) if direction else range(len(x))):
                s = _reference_step(_kind(module), x[t], s, p)
                ys[t] = s[0]
            outputs.append(np.stack(ys))
            finals.append(s)
        x = np.concatenate(outputs, -1)
    return x, tuple(np.stack([f[j] for f in finals]) for j in range(len(state)))


def _state_shapes(module, batch):
    directions = 2 if module.bidirectional else 1
    rows = module.num_layers * directions
    if isinstance(module, LSTM):
        return [(rows, batch, module.proj_size or module.hidden_size),
                (rows, batch, module.hidden_size)]
    return [(rows, batch, module.hidden_size)]


def _close(actual, expected, rtol=1e-12, atol=1e-14):
    np.testing.assert_allclose(actual.detach().numpy() if isinstance(actual, ae.Tensor)
                               else actual, expected, rtol=rtol, atol=atol)


# -- values --------------------------------------------------------------------------------
LAYER_CONFIGS = [
    (RNN, {}), (RNN, {"nonlinearity": "relu"}), (LSTM, {}), (GRU, {}),
    (RNN, {"num_layers": 2, "bidirectional": True, "bias": False}),
    (LSTM, {"num_layers": 2, "bidirectional": True, "proj_size": 2}),
    (GRU, {"num_layers": 3, "bidirectional": True}),
]


@pytest.mark.parametrize("cls, kwargs", LAYER_CONFIGS)
@pytest.mark.parametrize("given_state", [False, True])
def test_layers_match_the_reference(cls, kwargs, given_state):
    ae.manual_seed(1)
    module = cls(3, 4, dtype=ae.float64, **kwargs)
    x = RNG.standard_normal((5, 2, 3))
    state = tuple(RNG.standard_normal(s) if given_state else np.zeros(s)
                  for s in _state_shapes(module, 2))
    hx = None
    if given_state:
        hx = tuple(ae.tensor(s) for s in state) if cls is LSTM else ae.tensor(state[0])
    out, h_n = module(ae.tensor(x), hx)
    ref_out, ref_state = _reference_layers(module, x, state)
    _close(out, ref_out)
    for ours, ref in zip(h_n if cls is LSTM else (h_n,), ref_state):
        _close(ours, ref)


@pytest.mark.parametrize("cell, kwargs", [(RNNCell, {}), (RNNCell, {"nonlinearity": "relu"}),
                                          (RNNCell, {"bias": False}), (LSTMCell, {}),
                                          (GRUCell, {}), (GRUCell, {"bias": False})])
def test_cells_match_the_reference(cell, kwargs):
    module = cell(3, 4, dtype=ae.float64, **kwargs)
    p, kind = _params(module), _kind(module)
    n_states = 2 if cell is LSTMCell else 1
    x = RNG.standard_normal((2, 3))
    state = tuple(RNG.standard_normal((2, 4)) for _ in range(n_states))
    as_hx = (lambda s: tuple(ae.tensor(a) for a in s)) if cell is LSTMCell else \
        (lambda s: ae.tensor(s[0]))
    for hx, ref_state in ((as_hx(state), state), (None, (np.zeros((2, 4)),) * n_states)):
        ours = module(ae.tensor(x), hx)
        for a, r in zip(ours if cell is LSTMCell else (ours,),
                        _reference_step(kind, x, ref_state, p)):
            _close(a, r)
    # unbatched: (H_in,) and (H,) give (H,)
    ours = module(ae.tensor(x[1]), as_hx(tuple(s[1] for s in state)))
    for a, r in zip(ours if cell is LSTMCell else (ours,),
                    _reference_step(kind, x[1:], tuple(s[1:] for s in state), p)):
        assert a.shape == (4,)
        _close(a, r[0])


# -- gradients -----------------------------------------------------------------------------
def _layer_fn(module):
    """(x, *states, *params) -> the flat outputs, for gradcheck (the params are the
    module's own Parameter objects, so perturbing them perturbs the module)."""
    def fn(x, *rest):
        states = rest[:2] if isinstance(module, LSTM) else rest[:1]
        out, h_n = module(x, tuple(states) if isinstance(module, LSTM) else states[0])
        return (out,) + (h_n if isinstance(module, LSTM) else (h_n,))
    return fn


@pytest.mark.parametrize("cls, kwargs", [(RNN, {}), (RNN, {"nonlinearity": "relu"}),
                                         (LSTM, {}), (GRU, {}),
                                         (LSTM, {"num_layers": 2, "bidirectional": True,
                                                 "proj_size": 1}),
                                         (GRU, {"num_layers": 2, "bidirectional": True,
                                                "batch_first": True})])
def test_layer_gradients(cls, kwargs):
    ae.manual_seed(2)
    module = cls(2, 2, dtype=ae.float64, **kwargs)
    shape = (2, 3, 2) if module.batch_first else (3, 2, 2)  # L = 3, N = 2
    x = ae.tensor(RNG.standard_normal(shape), requires_grad=True)
    states = [ae.tensor(RNG.standard_normal(s), requires_grad=True)
              for s in _state_shapes(module, 2)]
    params = [p for name, p in module.named_parameters()  # a subset when deep, for time
              if module.num_layers == 1 or name.endswith("l1_reverse") or name == "weight_hh_l0"]
    assert gradcheck(_layer_fn(module), (x, *states, *params))


@pytest.mark.parametrize("cell", [RNNCell, LSTMCell, GRUCell])
def test_cell_gradients(cell):
    module = cell(2, 3, dtype=ae.float64)
    x = ae.tensor(RNG.standard_normal((2, 2)), requires_grad=True)
    states = [ae.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
              for _ in range(2 if cell is LSTMCell else 1)]

    def fn(x, *rest):
        return module(x, tuple(rest[:2])) if cell is LSTMCell else module(x, rest[0])
    assert gradcheck(fn, (x, *states, *module.parameters()))


def test_second_order_gradients():
    ae.manual_seed(3)
    module = LSTM(2, 2, bidirectional=True, dtype=ae.float64)
    x = ae.tensor(RNG.standard_normal((2, 1, 2)), requires_grad=True)
    states = [ae.tensor(RNG.standard_normal((2, 1, 2)), requires_grad=True) for _ in range(2)]
    assert gradgradcheck(_layer_fn(module), (x, *states, module.weight_hh_l0,
                                             module.bias_hh_l0, module.bias_ih_l0_reverse))
    cell = GRUCell(2, 2, dtype=ae.float64)
    h = ae.tensor(RNG.standard_normal((1, 2)), requires_grad=True)
    assert gradgradcheck(lambda x, h, w: cell(x, h), (x[0], h, cell.weight_hh))


def test_gradients_reach_parameters_without_input_grad_and_no_grad_forward():
    module = GRU(3, 4, num_layers=2)
    out, h_n = module(ae.randn(5, 2, 3))
    (out.sum() + h_n.sum()).backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in module.parameters())
    with ae.no_grad():
        out, h_n = module(ae.randn(5, 2, 3))
    assert not out.requires_grad and not h_n.requires_grad


# -- shapes and layouts --------------------------------------------------------------------
def test_output_and_state_shapes():
    x = ae.randn(7, 3, 5)
    out, h = RNN(5, 4)(x)
    assert out.shape == (7, 3, 4) and h.shape == (1, 3, 4)
    out, (h, c) = LSTM(5, 4, num_layers=3, bidirectional=True)(x)
    assert out.shape == (7, 3, 8) and h.shape == c.shape == (6, 3, 4)
    out, (h, c) = LSTM(5, 4, num_layers=2, proj_size=2, bidirectional=True)(x)
    assert out.shape == (7, 3, 4) and h.shape == (4, 3, 2) and c.shape == (4, 3, 4)
    out, h = GRU(5, 4, batch_first=True)(x)  # now (N=7, L=3, H_in)
    assert out.shape == (7, 3, 4) and h.shape == (1, 7, 4)
    out, h = GRU(5, 4, num_layers=2, bidirectional=True)(x[:, 0])  # unbatched (L, H_in)
    assert out.shape == (7, 8) and h.shape == (4, 4)
    out, (h, c) = LSTM(5, 4, batch_first=True)(x[0], (ae.zeros(1, 4), ae.zeros(1, 4)))
    assert out.shape == (3, 4) and h.shape == c.shape == (1, 4)
    assert RNNCell(5, 4)(x[0]).shape == (3, 4)
    h, c = LSTMCell(5, 4)(x[0, 0])
    assert h.shape == c.shape == (4,)
    assert GRUCell(5, 4)(x[0], ae.zeros(3, 4)).shape == (3, 4)


def test_final_states_are_layer_major_direction_minor():
    module = LSTM(3, 4, num_layers=2, bidirectional=True, dtype=ae.float64)
    out, (h_n, c_n) = module(ae.randn(6, 2, 3, dtype=ae.float64))
    out, h_n = out.detach().numpy(), h_n.detach().numpy()
    np.testing.assert_array_equal(h_n[2], out[-1, :, :4])  # last layer, forward: time L-1
    np.testing.assert_array_equal(h_n[3], out[0, :, 4:])  # last layer, reverse: time 0


def test_batch_first_and_unbatched_agree_with_the_default_layout():
    ae.manual_seed(4)
    default = GRU(3, 4, num_layers=2, bidirectional=True, dtype=ae.float64)
    batch_first = GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True,
                      dtype=ae.float64)
    batch_first.load_state_dict(default.state_dict())
    x, h0 = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((4, 2, 4))
    out, h_n = default(ae.tensor(x), ae.tensor(h0))
    out_bf, h_n_bf = batch_first(ae.tensor(x.transpose(1, 0, 2)), ae.tensor(h0))
    _close(out_bf, out.detach().numpy().transpose(1, 0, 2), 0, 0)
    _close(h_n_bf, h_n.detach().numpy(), 0, 0)
    out_1, h_n_1 = default(ae.tensor(x[:, 1]), ae.tensor(h0[:, 1]))
    _close(out_1, out.detach().numpy()[:, 1], 1e-14, 1e-15)
    _close(h_n_1, h_n.detach().numpy()[:, 1], 1e-14, 1e-15)


# -- parameters, init, reprs ---------------------------------------------------------------
def test_parameter_names_shapes_and_order_are_pytorchs():
    module = LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)
    per_direction = ["weight_ih_l{}{}", "weight_hh_l{}{}", "bias_ih_l{}{}", "bias_hh_l{}{}",
                     "weight_hr_l{}{}"]
    assert list(module.state_dict()) == [name.format(layer, suffix) for layer in range(2)
                                         for suffix in ("", "_reverse")
                                         for name in per_direction]
    shapes = {k: v.shape for k, v in module.state_dict().items()}
    assert shapes["weight_ih_l0"] == (20, 3) and shapes["weight_hh_l0"] == (20, 2)
    assert shapes["weight_ih_l1_reverse"] == (20, 4) and shapes["weight_hr_l1"] == (2, 5)
    assert shapes["bias_hh_l1"] == (20,)
    assert list(GRU(3, 5, bias=False).state_dict()) == ["weight_ih_l0", "weight_hh_l0"]
    assert GRU(3, 5).weight_hh_l0.shape == (15, 5) and RNN(3, 5).weight_ih_l0.shape == (5, 3)
    assert [[tuple(p.shape) for p in group] for group in RNN(3, 5, 2).all_weights] == \
        [[(5, 3), (5, 5), (5,), (5,)], [(5, 5), (5, 5), (5,), (5,)]]
    assert list(LSTMCell(3, 5).state_dict()) == ["weight_ih", "weight_hh", "bias_ih",
                                                 "bias_hh"]
    assert LSTMCell(3, 5).weight_ih.shape == (20, 3) and GRUCell(3, 5).weight_hh.shape == (15, 5)
    cell = RNNCell(3, 5, bias=False)
    assert list(cell.state_dict()) == ["weight_ih", "weight_hh"] and cell.bias_ih is None


def test_default_init_and_dtype():
    ae.manual_seed(5)
    for module in (LSTM(3, 16, num_layers=2, proj_size=4), GRUCell(3, 16)):
        for p in module.parameters():
            values = p.detach().numpy()
            assert p.dtype == np.float32 and p.requires_grad
            assert np.abs(values).max() <= 0.25 and values.std() > 0.1  # U(-1/4, 1/4)
    assert all(p.dtype == np.float64 for p in GRU(3, 4, dtype=ae.float64).parameters())
    with pytest.raises(TypeError, match="floating point"):
        RNN(3, 4, dtype=ae.int64)
    module = RNN(3, 4).double()  # casting keeps the module usable
    assert module(ae.randn(2, 1, 3, dtype=ae.float64))[0].dtype == np.float64


def test_reprs():
    assert repr(LSTM(10, 20, num_layers=2, batch_first=True)) == \
        "LSTM(10, 20, num_layers=2, batch_first=True)"
    assert repr(RNN(3, 4, 2, "relu", False, True, 0.5, True)) == \
        ("RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, "
         "bidirectional=True)")
    assert repr(LSTM(10, 20, proj_size=5)) == "LSTM(10, 20, proj_size=5)"
    assert repr(GRU(3, 4, num_layers=2, bias=False, dropout=0.25)) == \
        "GRU(3, 4, num_layers=2, bias=False, dropout=0.25)"
    assert repr(RNNCell(3, 4, bias=False, nonlinearity="relu")) == \
        "RNNCell(3, 4, bias=False, nonlinearity=relu)"
    assert repr(LSTMCell(3, 4)) == "LSTMCell(3, 4)"
    assert repr(GRUCell(3, 4, False)) == "GRUCell(3, 4, bias=False)"


# -- errors --------------------------------------------------------------------------------
def test_constructor_errors():
    with pytest.raises(ValueError, match="Unknown nonlinearity 'x'"):
        RNN(3, 4, nonlinearity="x")
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        LSTM(3, 4, proj_size=4)
    with pytest.raises(ValueError, match="proj_size should be a positive integer"):
        LSTM(3, 4, proj_size=-1)
    with pytest.raises(TypeError, match="proj_size"):
        GRU(3, 4, proj_size=2)
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        LSTM(3, 4, dropout=1.5)
    with pytest.raises(TypeError, match="hidden_size should be of type int, got: float"):
        GRU(3, 4.0)
    with pytest.raises(ValueError, match="hidden_size must be greater than zero"):
        GRU(3, 0)
    with pytest.raises(ValueError, match="num_layers must be greater than zero"):
        RNN(3, 4, num_layers=0)
    with pytest.raises(TypeError, match="bias should be of type bool"):
        RNN(3, 4, bias=1)


def test_forward_errors():
    lstm, rnn = LSTM(3, 4), RNN(3, 4, num_layers=2)
    with pytest.raises(ValueError, match="LSTM: Expected input to be 2D or 3D, got 4D"):
        lstm(ae.zeros(5, 2, 3, 1))
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. "
                                           "Expected 3, got 2"):
        rnn(ae.zeros(5, 2, 2))
    with pytest.raises(ValueError, match="RNN input dtype \\(float64\\) does not match "
                                         "weight dtype \\(float32\\)"):
        rnn(ae.zeros(5, 2, 3, dtype=ae.float64))
    with pytest.raises(RuntimeError, match="Expected hidden size \\(2, 2, 4\\), got "
                                           "\\[2, 3, 4\\]"):
        rnn(ae.zeros(5, 2, 3), ae.zeros(2, 3, 4))
    with pytest.raises(RuntimeError, match="Expected hidden\\[1\\] size \\(1, 2, 4\\), got "
                                           "\\[1, 3, 4\\]"):
        lstm(ae.zeros(5, 2, 3), (ae.zeros(1, 2, 4), ae.zeros(1, 3, 4)))
    with pytest.raises(RuntimeError, match="For batched 3-D input, hx should also be 3-D but "
                                           "got 2-D tensor"):
        rnn(ae.zeros(5, 2, 3), ae.zeros(2, 4))
    with pytest.raises(RuntimeError, match="For unbatched 2-D input, hx and cx should also be "
                                           "2-D but got \\(3-D, 2-D\\) tensors"):
        lstm(ae.zeros(5, 3), (ae.zeros(1, 1, 4), ae.zeros(1, 4)))
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        GRU(3, 4)(ae.zeros(0, 2, 3))


def test_cell_errors():
    with pytest.raises(ValueError, match="RNNCell: Expected input to be 1D or 2D, got 3D"):
        RNNCell(3, 4)(ae.zeros(2, 3, 1))
    with pytest.raises(ValueError, match="GRUCell: Expected hidden to be 1D or 2D, got 3D"):
        GRUCell(3, 4)(ae.zeros(2, 3), ae.zeros(1, 2, 4))
    with pytest.raises(ValueError, match="LSTMCell: Expected hx\\[1\\] to be 1D or 2D"):
        LSTMCell(3, 4)(ae.zeros(2, 3), (ae.zeros(2, 4), ae.zeros(1, 2, 4)))
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 "
                                           "expected 3"):
        LSTMCell(3, 4)(ae.zeros(2, 5))
    with pytest.raises(RuntimeError, match="Input batch size 2 doesn't match hidden0 batch "
                                           "size 3"):
        LSTMCell(3, 4)(ae.zeros(2, 3), (ae.zeros(3, 4), ae.zeros(2, 4)))
    with pytest.raises(RuntimeError, match="hidden1 has inconsistent hidden_size: got 5, "
                                           "expected 4"):
        LSTMCell(3, 4)(ae.zeros(2, 3), (ae.zeros(2, 4), ae.zeros(2, 5)))
    cell = RNNCell(3, 4)
    cell.nonlinearity = "foo"
    with pytest.raises(RuntimeError, match="Unknown nonlinearity: foo"):
        cell(ae.zeros(3))


# -- dropout -------------------------------------------------------------------------------
def test_dropout_applies_between_layers_only_while_training():
    ae.manual_seed(6)
    dropped = RNN(3, 4, num_layers=2, dropout=0.5, dtype=ae.float64)
    plain = RNN(3, 4, num_layers=2, dtype=ae.float64)
    plain.load_state_dict(dropped.state_dict())
    x = ae.tensor(RNG.standard_normal((5, 2, 3)))
    with ae.no_grad():
        out_plain, h_plain = plain(x)
        out_train, h_train = dropped(x)
    _close(h_train[0], h_plain[0].numpy(), 0, 0)  # layer 0 runs before any dropout
    assert not np.allclose(out_train.detach().numpy(), out_plain.detach().numpy())
    dropped.eval()
    _close(dropped(x)[0], out_plain.numpy(), 0, 0)
    # p = 1 zeroes the second layer's whole input
    dropped.train()
    dropped.dropout = 1.0
    out, h_n = dropped(x)
    ref, (ref_h,) = _reference_layers(_top_layer(dropped), np.zeros((5, 2, 4)),
                                      (np.zeros((1, 2, 4)),))
    _close(out, ref)
    _close(h_n[1], ref_h[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="non-zero dropout expects num_layers greater "
                                              "than 1, but got dropout=0.5 and num_layers=1"):
            LSTM(3, 4, dropout=0.5)


def _top_layer(module):
    """A one-layer copy of the module's second layer."""
    top = RNN(module.hidden_size, module.hidden_size, dtype=ae.float64)
    top.load_state_dict({k.replace("_l1", "_l0"): v for k, v in module.state_dict().items()
                         if "_l1" in k})
    return top


# -- PyTorch parity ------------------------------------------------------------------------
def _flat(result):
    if isinstance(result, (tuple, list)):
        return [t for part in result for t in _flat(part)]
    return [result]


def test_matches_torch():
    torch = pytest.importorskip("torch")
    # (class name, constructor kwargs, input shape, state shapes or None)
    configs = [
        ("LSTM", {"num_layers": 2, "bidirectional": True}, (5, 2, 3), [(4, 2, 4)] * 2),
        ("LSTM", {"num_layers": 2, "batch_first": True, "proj_size": 2}, (2, 5, 3),
         [(2, 2, 2), (2, 2, 4)]),
        ("LSTM", {"num_layers": 2, "dropout": 0.4, "eval": True}, (5, 3), None),
        ("GRU", {"num_layers": 2, "bidirectional": True, "batch_first": True}, (2, 5, 3),
         [(4, 2, 4)]),
        ("GRU", {"bias": False}, (5, 2, 3), None),
        ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}, (5, 2, 3),
         [(4, 2, 4)]),
        ("RNN", {}, (5, 3), [(1, 4)]),
        ("RNNCell", {"nonlinearity": "relu"}, (2, 3), [(2, 4)]),
        ("LSTMCell", {}, (2, 3), [(2, 4)] * 2),
        ("GRUCell", {}, (3,), [(4,)]),
    ]
    ours_classes = {c.__name__: c for c in (RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell)}
    for name, kwargs, in_shape, state_shapes in configs:
        kwargs = dict(kwargs)
        evaluate = kwargs.pop("eval", False)
        theirs = getattr(torch.nn, name)(3, 4, **kwargs).double()
        ours = ours_classes[name](3, 4, dtype=ae.float64, **kwargs)
        ours.load_state_dict({k: ae.tensor(v.detach().numpy())
                              for k, v in theirs.state_dict().items()})
        if evaluate:
            theirs.eval()
            ours.eval()
        arrays = [RNG.standard_normal(in_shape)] + \
            [RNG.standard_normal(s) for s in state_shapes or ()]
        t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
        a_in = [ae.tensor(a, requires_grad=True) for a in arrays]

        def call(module, inputs):
            if len(inputs) == 1:
                return module(inputs[0])
            return module(inputs[0], tuple(inputs[1:]) if len(inputs) == 3 else inputs[1])
        t_out, a_out = _flat(call(theirs, t_in)), _flat(call(ours, a_in))
        assert len(t_out) == len(a_out)
        seeds = [RNG.standard_normal(tuple(t.shape)) for t in t_out]
        for t, a in zip(t_out, a_out):
            assert tuple(a.shape) == tuple(t.shape), name
            _close(a, t.detach().numpy(), 1e-10, 1e-12)
        sum(((t * torch.tensor(s)).sum() for t, s in zip(t_out, seeds))).backward()
        sum(((a * ae.tensor(s)).sum() for a, s in zip(a_out, seeds))).backward()
        for a, t in zip(a_in, t_in):
            _close(a.grad, t.grad.numpy(), 1e-10, 1e-12)
        t_params = dict(theirs.named_parameters())
        assert [n for n, _ in ours.named_parameters()] == list(t_params)
        for p_name, p in ours.named_parameters():
            np.testing.assert_allclose(p.grad.numpy(), t_params[p_name].grad.numpy(),
                                       rtol=1e-10, atol=1e-12, err_msg=f"{name} {p_name}")
