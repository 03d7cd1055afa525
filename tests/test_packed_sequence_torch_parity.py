"""nn.utils.rnn and RNN/LSTM/GRU on packed input against PyTorch: layout, values, gradients."""
import itertools

import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")
from torch.nn.utils import rnn as tr  # noqa: E402

R = ae.nn.utils.rnn
CASES = [([3, 2, 2, 1], True), ([1, 3, 2, 3], False), ([2, 4, 1], False), ([2], True)]


@pytest.mark.parametrize("lengths,enforce_sorted", CASES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_pack_pad_round_trip(lengths, enforce_sorted, batch_first):
    rng = np.random.default_rng(0)
    T, B = max(lengths) + 1, len(lengths)
    x = rng.standard_normal((B, T, 3) if batch_first else (T, B, 3))
    tx, ax = torch.tensor(x, requires_grad=True), ae.tensor(x, requires_grad=True)
    tp = tr.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted)
    ap = R.pack_padded_sequence(ax, lengths, batch_first, enforce_sorted)
    np.testing.assert_array_equal(ap.data.detach().numpy(), tp.data.detach().numpy())
    np.testing.assert_array_equal(ap.batch_sizes.data, tp.batch_sizes.numpy())
    for mine, theirs in zip(ap[2:], tp[2:]):
        assert (mine is None) == (theirs is None)
        if mine is not None:
            np.testing.assert_array_equal(mine.data, theirs.numpy())
    to, tl = tr.pad_packed_sequence(tp, not batch_first, -2.0, T + 1)
    ao, al = R.pad_packed_sequence(ap, not batch_first, -2.0, T + 1)
    np.testing.assert_array_equal(ao.detach().numpy(), to.detach().numpy())
    np.testing.assert_array_equal(al.data, tl.numpy())
    w = rng.standard_normal(to.shape)
    (to * torch.tensor(w)).sum().backward()
    (ao * ae.tensor(w)).sum().backward()
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy())


@pytest.mark.parametrize("lengths,enforce_sorted", CASES)
@pytest.mark.parametrize("side", ["left", "right"])
def test_pad_sequence_pack_sequence_unpack(lengths, enforce_sorted, side):
    rng = np.random.default_rng(1)
    seqs = [rng.standard_normal((n, 2)) for n in lengths]
    ts, as_ = [torch.tensor(s) for s in seqs], [ae.tensor(s) for s in seqs]
    for batch_first in (False, True):
        np.testing.assert_array_equal(
            R.pad_sequence(as_, batch_first, 5.0, side).data,
            tr.pad_sequence(ts, batch_first, 5.0, side).numpy())
    tq, aq = tr.pack_sequence(ts, enforce_sorted), R.pack_sequence(as_, enforce_sorted)
    np.testing.assert_array_equal(aq.data.data, tq.data.numpy())
    for mine, theirs in zip(R.unpack_sequence(aq), tr.unpack_sequence(tq)):
        np.testing.assert_array_equal(mine.data, theirs.numpy())


def _copy(kind, layers, bidirectional, batch_first):
    tm = getattr(torch.nn, kind)(3, 4, layers, batch_first=batch_first,
                                 bidirectional=bidirectional).double()
    am = getattr(ae.nn, kind)(3, 4, layers, batch_first=batch_first,
                              bidirectional=bidirectional, dtype=ae.float64)
    for name, p in tm.named_parameters():
        getattr(am, name).data[...] = p.detach().numpy()
    return tm, am


@pytest.mark.parametrize("kind,layers,bidirectional,batch_first,case,with_state",
                         list(itertools.product(["RNN", "LSTM", "GRU"], [1, 2],
                                                [False, True], [False, True],
                                                [([4, 3, 3, 1], True),
                                                 ([2, 5, 1, 5, 3], False)],
                                                [False, True])))
def test_layers_on_packed_input(kind, layers, bidirectional, batch_first, case, with_state):
    lengths, enforce_sorted = case
    rng = np.random.default_rng(2)
    tm, am = _copy(kind, layers, bidirectional, batch_first)
    T, B = max(lengths), len(lengths)
    x = rng.standard_normal((B, T, 3) if batch_first else (T, B, 3))
    tx, ax = torch.tensor(x, requires_grad=True), ae.tensor(x, requires_grad=True)
    hs = [rng.standard_normal((layers * (2 if bidirectional else 1), B, 4))
          for _ in range(2 if kind == "LSTM" else 1)]
    th = [torch.tensor(h, requires_grad=True) for h in hs]
    ah = [ae.tensor(h, requires_grad=True) for h in hs]
    thx = ahx = None
    if with_state:
        thx, ahx = (tuple(th), tuple(ah)) if kind == "LSTM" else (th[0], ah[0])
    to, tn = tm(tr.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted), thx)
    ao, an = am(R.pack_padded_sequence(ax, lengths, batch_first, enforce_sorted), ahx)
    assert isinstance(ao, R.PackedSequence)
    tn, an = (tn, an) if kind == "LSTM" else ((tn,), (an,))
    np.testing.assert_allclose(ao.data.detach().numpy(), to.data.detach().numpy(), atol=1e-10)
    np.testing.assert_array_equal(ao.batch_sizes.data, to.batch_sizes.numpy())
    for mine, theirs in zip(an, tn):
        np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), atol=1e-10)
    w = rng.standard_normal(to.data.shape)
    ws = [rng.standard_normal(t.shape) for t in tn]
    ((to.data * torch.tensor(w)).sum()
     + sum((t * torch.tensor(v)).sum() for t, v in zip(tn, ws))).backward()
    ((ao.data * ae.tensor(w)).sum()
     + sum((a * ae.tensor(v)).sum() for a, v in zip(an, ws))).backward()
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), atol=1e-10)
    if with_state:
        for mine, theirs in zip(ah, th):
            np.testing.assert_allclose(mine.grad.data, theirs.grad.numpy(), atol=1e-10)
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(getattr(am, name).grad.data, p.grad.numpy(), atol=1e-10,
                                   err_msg=name)
