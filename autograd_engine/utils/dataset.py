"""Datasets with PyTorch's semantics and error types: map-style ``Dataset``,
``TensorDataset``, ``Subset``, ``ConcatDataset`` and ``random_split``, and iterable-style
``IterableDataset`` and ``ChainDataset``."""
from __future__ import annotations

import bisect
import math
from typing import Any, Iterable, Iterator, List, Sequence, Union

import numpy as np

from .. import random as _random
from ..tensor import Tensor


class Dataset:
    """Anything with ``__len__`` and ``__getitem__(int)``; subclass for custom data.

    The base class defines no ``__len__`` (as in PyTorch), so ``len()`` of a subclass that
    lacks one is a ``TypeError``."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: "Dataset") -> "ConcatDataset":
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A stream of samples: subclasses implement ``__iter__`` (and ``__len__`` if known).

    ``a + b`` chains streams into a ``ChainDataset``."""

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Any) -> "ChainDataset":
        return ChainDataset([self, other])


class ChainDataset(IterableDataset):
    """The samples of several ``IterableDataset``s one after another, read lazily."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = datasets

    def _checked(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield d

    def __iter__(self) -> Iterator[Any]:
        for d in self._checked():
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self._checked())


class TensorDataset(Dataset):
    """Sample ``i`` is ``tuple(t[i] for t in tensors)``; all tensors share their first dim."""

    def __init__(self, *tensors: Tensor) -> None:
        for t in tensors:
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: expected Tensors, got {type(t).__name__}")
        # PyTorch asserts this, so the error type is AssertionError.
        if any(t.ndim == 0 or t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The samples of several datasets one after another."""

    def __init__(self, datasets: Iterable[Any]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise AssertionError("datasets should not be an empty iterable")
        if any(isinstance(d, IterableDataset) for d in self.datasets):
            raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, index: int) -> Any:
        if index < 0:
            if -index > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            index += len(self)
        which = bisect.bisect_right(self.cumulative_sizes, index)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][index - start]


def _split_lengths(n: int, lengths: Sequence[Union[int, float]]) -> List[int]:
    """Fractions summing to 1 become counts floor(n * f), the remainder dealt one by one to
    the first splits (PyTorch's rule); integer lengths must sum to ``n``."""
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, frac in enumerate(lengths):
            if not 0 <= frac <= 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    return [int(k) for k in lengths]


def random_split(dataset: Any, lengths: Sequence[Union[int, float]],
                 generator: Any = None) -> List[Subset]:
    """Split ``dataset`` into non-overlapping random ``Subset``s of the given lengths (or
    fractions). ``generator`` defaults to the library's, so ``ae.manual_seed`` applies."""
    counts = _split_lengths(len(dataset), lengths)
    order = _random.rng(generator).permutation(sum(counts)).tolist()
    ends = np.cumsum(counts).tolist()
    return [Subset(dataset, order[end - k:end]) for k, end in zip(counts, ends)]
