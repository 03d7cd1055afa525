"""``default_collate`` (samples to a batch) and ``default_convert`` (one sample, unbatched
loading), following ``torch.utils.data``'s type rules."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..creation import tensor
from ..ops.shape import stack
from ..tensor import Tensor

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
          "lists; found {}")


def _is_namedtuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields")


def _numpy_array(value: Any) -> np.ndarray:
    """A numeric array; string and object arrays are a TypeError, as in PyTorch."""
    if value.dtype.kind in "OSUV":
        raise TypeError(_ERROR.format(value.dtype))
    return value


def _is_numpy_value(value: Any) -> bool:
    """numpy arrays and scalars, except numpy strings (collated like ``str``)."""
    return isinstance(value, (np.ndarray, np.generic)) and not isinstance(value, (str, bytes))


def default_collate(batch: Sequence[Any]) -> Any:
    """Combine a list of samples into a batch: tensors are stacked (staying in the graph),
    numpy arrays and scalars keep their dtype, Python floats give float64, ints int64 and
    bools bool; strings stay a list; dicts and namedtuples are collated field-wise and other
    sequences (tuples too) into a list of per-position batches."""
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(list(batch))
    if _is_numpy_value(first):
        return Tensor(np.stack([_numpy_array(np.asarray(s)) for s in batch]))
    if isinstance(first, float):
        return tensor(batch, dtype=np.float64)
    if isinstance(first, int):  # bool included; mixed numbers follow ae.tensor's inference
        return tensor(batch)
    if isinstance(first, (str, bytes)):
        return list(batch)
    if isinstance(first, Mapping):
        collated = {key: default_collate([s[key] for s in batch]) for key in first}
        try:
            return type(first)(collated)
        except TypeError:  # a mapping type that cannot be built from a dict
            return collated
    if _is_namedtuple(first):
        return type(first)(*(default_collate(list(column)) for column in zip(*batch)))
    if isinstance(first, Sequence):
        if any(len(s) != len(first) for s in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        return [default_collate(list(column)) for column in zip(*batch)]
    raise TypeError(_ERROR.format(type(first)))


def default_convert(data: Any) -> Any:
    """One sample as the loader yields it without batching: numpy arrays and scalars become
    Tensors, containers are converted element-wise, anything else is returned as is."""
    if _is_numpy_value(data):
        return Tensor(np.asarray(data)) if data.dtype.kind not in "OSUV" else data
    if isinstance(data, Mapping):
        return {key: default_convert(value) for key, value in data.items()}
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data
