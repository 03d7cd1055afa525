"""Variable-length sequences as PyTorch's ``nn.utils.rnn``: ``PackedSequence``, packing,
padding and their inverses.

A packed sequence stores the batch sorted by decreasing length, time-major: the steps t = 0
of every sequence, then the steps t = 1 of those at least 2 long, and so on, with
``batch_sizes[t]`` sequences at step t. Every conversion is one gather (an advanced index,
whose backward scatters), so gradients flow to the sequences' values.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any, Optional, Sequence, Union

import numpy as np

from ...ops.shape import cat
from ...tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pad_sequence", "unpad_sequence",
           "pack_padded_sequence", "pad_packed_sequence", "pack_sequence", "unpack_sequence"]

_Lengths = Union[Tensor, Sequence[int], np.ndarray]


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """``data`` (sum of lengths, *) packed time-major, ``batch_sizes`` (int64, one per step),
    ``sorted_indices`` (original batch index of each sorted position; None when the input was
    already sorted) and ``unsorted_indices``, its inverse. Made by the pack functions."""

    def __new__(cls, data: Tensor, batch_sizes: Optional[Tensor] = None,
                sorted_indices: Optional[Tensor] = None,
                unsorted_indices: Optional[Tensor] = None) -> "PackedSequence":
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PyTorch's PackedSequence((data, batch_sizes)) form
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """The same sequence with ``data.to(...)``; the index tensors are unchanged."""
        return self._replace(data=self.data.to(*args, **kwargs))

    def float(self) -> "PackedSequence":
        return self._replace(data=self.data.float())

    def double(self) -> "PackedSequence":
        return self._replace(data=self.data.double())

    @property
    def is_cuda(self) -> bool:
        return False


def invert_permutation(permutation: Optional[Tensor]) -> Optional[Tensor]:
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    inverse = np.empty_like(permutation.data)
    inverse[permutation.data] = np.arange(len(inverse))
    return Tensor(inverse)


def _ints(values: _Lengths) -> np.ndarray:
    return np.asarray(values.data if isinstance(values, Tensor) else values, np.int64)


def _gather(rows: Tensor, index: np.ndarray, padding_value: Any) -> Tensor:
    """``rows`` extended by one row of ``padding_value`` and indexed by ``index``, in which
    ``len(rows)`` selects the padding row: a padded layout in one differentiable gather."""
    pad = Tensor(np.full((1,) + rows.shape[1:], padding_value, rows.dtype))
    return cat([rows, pad])[index]


def pad_sequence(sequences: Sequence[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack sequences of shapes (L_i, *) into (T, B, *) (``batch_first``: (B, T, *)),
    T = max L_i, filling each sequence's missing steps after (or, ``padding_side='left'``,
    before) it with ``padding_value``."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    if any(s.ndim == 0 for s in sequences):
        raise RuntimeError("pad_sequence: every sequence needs at least one dim (its length)")
    lengths = np.array([s.shape[0] for s in sequences], np.int64)
    total = int(lengths.max())
    starts = np.cumsum(lengths) - lengths
    steps = np.arange(total)[:, None] - (total - lengths if padding_side == "left" else 0)
    index = np.where((steps >= 0) & (steps < lengths), starts + steps, lengths.sum())
    out = _gather(cat(sequences), index, padding_value)
    return out.transpose(0, 1) if batch_first else out


def unpad_sequence(padded_sequences: Tensor, lengths: _Lengths,
                   batch_first: bool = False) -> list:
    """The inverse of ``pad_sequence``: sequence b is its first ``lengths[b]`` steps.
    (Unlike PyTorch, the input is not transposed in place.)"""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences.unbind(0), _ints(lengths))]


def _packed_positions(sorted_lengths: np.ndarray) -> tuple:
    """(step, sorted batch index) of every packed row, in packed order."""
    return np.nonzero(np.arange(sorted_lengths[0])[:, None] < sorted_lengths)


def pack_padded_sequence(input: Tensor, lengths: _Lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (``batch_first``: (B, T, *)) of sequences of
    ``lengths``; with ``enforce_sorted`` the lengths must decrease, else the batch is sorted
    (stably) and ``sorted_indices`` records the order."""
    lengths = _ints(lengths)
    if lengths.ndim != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{lengths.ndim}D cpu Long tensor")
    if input.ndim < 2:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(input.ndim, 1)}, {max(input.ndim, 1) - 1}], but got 1)")
    if batch_first:
        input = input.transpose(0, 1)
    if len(lengths) != input.shape[1]:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lengths)} (batch_size={input.shape[1]})")
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-lengths, kind="stable")
        lengths, sorted_indices = lengths[order], Tensor(order)
    elif np.any(np.diff(lengths) > 0):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if lengths.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if lengths[0] > input.shape[0]:
        raise RuntimeError(f"pack_padded_sequence: a length of {lengths[0]} exceeds the "
                           f"padded sequence length {input.shape[0]}")
    steps, batch = _packed_positions(lengths)
    if sorted_indices is not None:
        batch = sorted_indices.data[batch]
    batch_sizes = (np.arange(lengths[0])[:, None] < lengths).sum(1)
    return PackedSequence(input[steps, batch], Tensor(batch_sizes.astype(np.int64)),
                          sorted_indices)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: Optional[int] = None) -> tuple:
    """The inverse of ``pack_padded_sequence``: (padded (T, B, *) or, ``batch_first``,
    (B, T, *), in the original batch order, lengths as an int64 tensor); T is the longest
    length or ``total_length``."""
    batch_sizes = _ints(sequence.batch_sizes)
    steps = len(batch_sizes)
    if total_length is not None:
        if total_length < steps:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {steps}")
        steps = total_length
    lengths = (np.arange(batch_sizes[0])[:, None] < batch_sizes).sum(1)
    index = np.full((steps, len(lengths)), len(sequence.data), np.int64)
    index[_packed_positions(lengths)] = np.arange(len(sequence.data))
    if sequence.unsorted_indices is not None:
        unsorted = sequence.unsorted_indices.data
        index, lengths = index[:, unsorted], lengths[unsorted]
    out = _gather(sequence.data, index.T if batch_first else index, padding_value)
    return out, Tensor(lengths.astype(np.int64))


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack sequences of shapes (L_i, *): ``pad_sequence`` then ``pack_padded_sequence``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """The sequences of a ``PackedSequence``, in the original order, each (L_i, *)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
