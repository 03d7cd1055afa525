"""nn.utils.rnn: PackedSequence layout, padding, errors (values from PyTorch 2.13), gradchecks."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.nn.utils.rnn import (PackedSequence, pack_padded_sequence, pack_sequence,
                                          pad_packed_sequence, pad_sequence, unpack_sequence,
                                          unpad_sequence)


def _seqs(dtype=ae.float64, requires_grad=False):
    return [ae.tensor(np.array(v, dtype), requires_grad=requires_grad)
            for v in ([1, 2], [3, 4, 5], [6])]


def test_pack_sequence_layout_sorted():
    p = pack_sequence([ae.tensor([1, 2, 3]), ae.tensor([4, 5]), ae.tensor([6])])
    assert isinstance(p, PackedSequence) and p._fields == (
        "data", "batch_sizes", "sorted_indices", "unsorted_indices")
    assert p.data.tolist() == [1, 4, 6, 2, 5, 3]
    assert p.batch_sizes.tolist() == [3, 2, 1] and p.batch_sizes.dtype == np.int64
    assert p.sorted_indices is None and p.unsorted_indices is None


def test_pack_sequence_unsorted_and_pad_back():
    p = pack_sequence(_seqs(), enforce_sorted=False)
    assert p.data.tolist() == [3, 1, 6, 4, 2, 5]
    assert p.sorted_indices.tolist() == [1, 0, 2] and p.unsorted_indices.tolist() == [1, 0, 2]
    padded, lengths = pad_packed_sequence(p, batch_first=True, total_length=4)
    assert padded.tolist() == [[1, 2, 0, 0], [3, 4, 5, 0], [6, 0, 0, 0]]
    assert lengths.tolist() == [2, 3, 1] and lengths.dtype == np.int64
    assert [s.tolist() for s in unpack_sequence(p)] == [[1, 2], [3, 4, 5], [6]]


def test_pack_padded_unsorted_batch_first():
    x = ae.arange(12.0).reshape(2, 3, 2)  # (B, T, 2)
    p = pack_padded_sequence(x, [1, 3], batch_first=True, enforce_sorted=False)
    assert p.data.tolist() == [[6, 7], [0, 1], [8, 9], [10, 11]]
    assert p.batch_sizes.tolist() == [2, 1, 1] and p.sorted_indices.tolist() == [1, 0]


def test_pad_sequence_sides_and_values():
    a, b = ae.tensor([1.0, 2.0]), ae.tensor([3.0, 4.0, 5.0])
    assert pad_sequence([a, b]).tolist() == [[1, 3], [2, 4], [0, 5]]
    assert pad_sequence([a, b], padding_side="left", padding_value=-1).tolist() == \
        [[-1, 3], [1, 4], [2, 5]]
    assert pad_sequence([a, b], batch_first=True, padding_value=7.5).tolist() == \
        [[1, 2, 7.5], [3, 4, 5]]
    assert pad_sequence([ae.ones(25, 3), ae.ones(22, 3), ae.ones(15, 3)]).shape == (25, 3, 3)


def test_unpad_sequence():
    out = unpad_sequence(ae.arange(6.0).reshape(3, 2), ae.tensor([3, 1]))
    assert [s.tolist() for s in out] == [[0, 2, 4], [1]]


@pytest.mark.parametrize("call,kind,message", [
    (lambda: pack_padded_sequence(ae.zeros(3, 2, 2), [2, 3]), RuntimeError,
     "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True"),
    (lambda: pack_padded_sequence(ae.zeros(3, 2, 2), [3, 0]), RuntimeError,
     "Length of all samples has to be greater than 0"),
    (lambda: pack_padded_sequence(ae.zeros(3, 2, 2), [0, 0], enforce_sorted=False),
     RuntimeError, "Length of all samples has to be greater than 0"),
    (lambda: pack_padded_sequence(ae.zeros(3, 2, 2), [3, 2, 1]), RuntimeError,
     r"Expected `len\(lengths\)` to be equal to batch_size, but got 3 \(batch_size=2\)"),
    (lambda: pack_padded_sequence(ae.zeros(3, 2, 2), [4, 2]), RuntimeError, "exceeds"),
    (lambda: pack_sequence([ae.ones(2), ae.ones(0)]), RuntimeError,
     "Length of all samples has to be greater than 0"),
    (lambda: pad_sequence([]), RuntimeError, "received an empty list of sequences"),
    (lambda: pad_sequence([ae.ones(2)], padding_side="mid"), RuntimeError,
     "Expected padding_side to be one of left or right, but got mid."),
    (lambda: pad_packed_sequence(pack_sequence(_seqs(), False), total_length=2), ValueError,
     "Expected total_length to be at least the length of the longest sequence in input, but "
     "got total_length=2 and max sequence length being 3"),
])
def test_errors(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


def test_gradcheck_pad_and_pack_round_trip():
    seqs = _seqs(requires_grad=True)

    def fn(*s):
        packed = pack_sequence(list(s), enforce_sorted=False)
        padded, _ = pad_packed_sequence(packed, batch_first=True, padding_value=0.5)
        return (padded * padded).sum() + pad_sequence(list(s), padding_side="left").sum()

    assert ae.autograd.gradcheck(fn, tuple(seqs))


def test_gradcheck_pack_padded():
    x = ae.tensor(np.random.default_rng(0).standard_normal((4, 3, 2)), requires_grad=True)

    def fn(x):
        packed = pack_padded_sequence(x, [2, 4, 1], enforce_sorted=False)
        return (packed.data ** 2).sum() + sum(s.sum() for s in unpack_sequence(packed))

    assert ae.autograd.gradcheck(fn, (x,))


def test_packed_sequence_constructor_and_casts():
    p = PackedSequence(ae.ones(3), ae.tensor([2, 1]), ae.tensor([1, 0]))
    assert p.unsorted_indices.tolist() == [1, 0]
    q = PackedSequence((ae.ones(3), ae.tensor([2, 1])))
    assert q.batch_sizes.tolist() == [2, 1] and q.sorted_indices is None
    assert p.double().data.dtype == np.float64 and p.float().data.dtype == np.float32
    assert not p.is_cuda


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_layers_accept_packed_input(mode):
    ae.manual_seed(0)
    layer = getattr(ae.nn, mode)(2, 3, num_layers=2, bidirectional=True, batch_first=True)
    x = ae.randn(3, 4, 2)
    out, state = layer(pack_padded_sequence(x, [2, 4, 1], batch_first=True,
                                            enforce_sorted=False))
    assert isinstance(out, PackedSequence)
    assert out.data.shape == (7, 6) and out.batch_sizes.tolist() == [3, 2, 1, 1]
    h = state[0] if mode == "LSTM" else state
    assert h.shape == (4, 3, 3)
    # the state of sequence 0 equals running it alone, unpadded
    _, alone = layer(x[0:1, :2])
    alone = alone[0] if mode == "LSTM" else alone
    np.testing.assert_allclose(h.data[:, 0], alone.data[:, 0], rtol=1e-5, atol=1e-6)
