"""utils.data: IterableDataset, ChainDataset, get_worker_info and DataLoader over streams
(expected values are torch.utils.data's)."""
import numpy as np
import pytest

from autograd_engine.utils import data
from autograd_engine.utils.data import (ChainDataset, ConcatDataset, DataLoader, Dataset,
                                        IterableDataset, get_worker_info)


class Stream(IterableDataset):
    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)


class SizedStream(Stream):
    def __len__(self):
        return len(self.items)


class Counter(IterableDataset):
    """A generator-based stream: the loader must not index it."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        yield from range(self.n)


def _values(batches):
    return [b.numpy().tolist() for b in batches]


def test_exported():
    for name in ("IterableDataset", "ChainDataset", "get_worker_info"):
        assert name in data.__all__


def test_iterable_dataset_is_a_dataset_and_abstract():
    assert issubclass(IterableDataset, Dataset)
    with pytest.raises(NotImplementedError):
        iter(IterableDataset())


def test_add_chains_lazily():
    chained = Counter(2) + Counter(3)
    assert isinstance(chained, ChainDataset)
    assert list(chained) == [0, 1, 0, 1, 2]
    assert list(chained + Counter(1)) == [0, 1, 0, 1, 2, 0]


def test_chain_len_needs_every_len():
    assert len(ChainDataset([SizedStream([1, 2]), SizedStream([3, 4, 5])])) == 5
    with pytest.raises(TypeError):
        len(ChainDataset([SizedStream([1]), Counter(2)]))


def test_chain_rejects_map_style_when_read():
    chained = ChainDataset([SizedStream([1]), [2, 3]])  # accepted until iterated, as torch
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(chained)
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        len(chained)


def test_concat_rejects_iterable():
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Counter(2)])


def test_get_worker_info_is_none_in_process():
    assert get_worker_info() is None


@pytest.mark.parametrize("batch_size,drop_last,expected", [
    (1, False, [[0], [1], [2], [3], [4]]),
    (2, False, [[0, 1], [2, 3], [4]]),
    (2, True, [[0, 1], [2, 3]]),
    (5, True, [[0, 1, 2, 3, 4]]),
    (6, True, []),
])
def test_batches_in_stream_order(batch_size, drop_last, expected):
    loader = DataLoader(Counter(5), batch_size=batch_size, drop_last=drop_last)
    assert _values(loader) == expected
    assert _values(loader) == expected  # a new pass re-reads the stream


def test_default_and_shuffle_false():
    assert _values(DataLoader(Counter(3), shuffle=False)) == [[0], [1], [2]]
    loader = DataLoader(Counter(3))
    assert loader.sampler is None and loader.batch_sampler is None


def test_batch_size_none_yields_converted_samples():
    out = list(DataLoader(Stream([np.arange(2), np.arange(2) + 2]), batch_size=None))
    assert _values(out) == [[0, 1], [2, 3]]
    assert list(DataLoader(Counter(3), batch_size=None)) == [0, 1, 2]
    sample = list(DataLoader(Stream([(np.int64(1), 2)]), batch_size=None))[0]
    assert isinstance(sample, list) and sample[0].item() == 1 and sample[1] == 2


def test_dict_samples_collated_field_wise():
    stream = Stream([{"a": 1, "b": 2.5}, {"a": 3, "b": 4.5}, {"a": 5, "b": 6.5}])
    first, second = DataLoader(stream, batch_size=2)
    assert first["a"].numpy().tolist() == [1, 3] and str(first["a"].dtype) == "int64"
    assert first["b"].numpy().tolist() == [2.5, 4.5] and str(first["b"].dtype) == "float64"
    assert second["a"].numpy().tolist() == [5]


def test_custom_collate_fn():
    assert list(DataLoader(Counter(3), batch_size=2, collate_fn=lambda b: b)) == [[0, 1], [2]]
    assert list(DataLoader(Counter(2), batch_size=None,
                           collate_fn=lambda s: ("x", s))) == [("x", 0), ("x", 1)]


@pytest.mark.parametrize("kwargs,message", [
    ({"shuffle": True}, "expected unspecified shuffle option, but got shuffle=True"),
    ({"sampler": [0, 1]}, r"expected unspecified sampler option, but got sampler=\[0, 1\]"),
    ({"batch_sampler": [[0]]},
     r"expected unspecified batch_sampler option, but got batch_sampler=\[\[0\]\]"),
])
def test_index_options_rejected(kwargs, message):
    with pytest.raises(ValueError, match="DataLoader with IterableDataset: " + message):
        DataLoader(Counter(5), **kwargs)


@pytest.mark.parametrize("batch_size,drop_last,expected", [
    (2, False, 3), (2, True, 2), (5, False, 1), (None, False, 5),
])
def test_len_from_dataset_len(batch_size, drop_last, expected):
    assert len(DataLoader(SizedStream(range(5)), batch_size=batch_size,
                          drop_last=drop_last)) == expected


def test_len_without_dataset_len_is_type_error():
    with pytest.raises(TypeError):
        len(DataLoader(Counter(5)))
