"""``TensorDataset`` and ``DataLoader``: mini-batches over in-memory tensors.

Shuffling draws from the library generator (``autograd_engine.random``), so
``ae.manual_seed(s)`` makes the batch order reproducible.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional, Sequence

import numpy as np

from .. import random as _random
from ..tensor import Tensor


class Dataset:
    """Anything with ``__len__`` and ``__getitem__(int)``; subclass for custom data."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class TensorDataset(Dataset):
    """Sample ``i`` is ``tuple(t[i] for t in tensors)``; all tensors share their first dim."""

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor")
        for t in tensors:
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: expected Tensors, got {type(t).__name__}")
            if t.ndim == 0 or t.shape[0] != tensors[0].shape[0]:
                raise ValueError("TensorDataset: size mismatch between tensors: shapes "
                                 f"{[tuple(x.shape) for x in tensors]} must share a first dim")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples: tensors/arrays along a new first dim, numbers into a tensor
    (ints as int64, floats as float64), tuples/lists/dicts element-wise."""
    first = batch[0]
    if isinstance(first, Tensor):
        return Tensor(np.stack([s.data for s in batch]))
    if isinstance(first, np.ndarray):
        return Tensor(np.stack(batch))
    if isinstance(first, (bool, np.bool_)):
        return Tensor(np.array(batch, dtype=np.bool_))
    if isinstance(first, (int, np.integer)):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, (float, np.floating)):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, dict):
        return {k: default_collate([s[k] for s in batch]) for k in first}
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in batch):
            raise RuntimeError("default_collate: each sample in the batch must have the same "
                               "number of elements")
        return tuple(default_collate(list(column)) for column in zip(*batch))
    return list(batch)


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples (the last one smaller
    unless ``drop_last``), reshuffled each epoch when ``shuffle``."""

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False,
                 collate_fn: Optional[Callable[[list], Any]] = None) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise ValueError("DataLoader: batch_size should be a positive integer value, but "
                             f"got batch_size={batch_size}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _batches(self) -> Iterator[np.ndarray]:
        n = len(self.dataset)
        order = _random.generator().permutation(n) if self.shuffle else np.arange(n)
        stop = len(self) * self.batch_size
        for start in range(0, stop, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[Any]:
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is None
        for indices in self._batches():
            if fast:  # gather whole batches by fancy indexing instead of stacking samples
                yield tuple(Tensor(t.data[indices]) for t in self.dataset.tensors)
            else:
                collate = self.collate_fn or default_collate
                yield collate([self.dataset[int(i)] for i in indices])
