"""IterableDataset, ChainDataset and DataLoader over streams against torch.utils.data."""
import numpy as np
import pytest

from autograd_engine.utils import data

torch = pytest.importorskip("torch")
from torch.utils import data as tdata  # noqa: E402


def _streams(items, sized=False):
    """The same stream as our dataset and as torch's."""
    def make(base):
        attrs = {"__iter__": lambda self: iter(items)}
        if sized:
            attrs["__len__"] = lambda self: len(items)
        return type("Stream", (base,), attrs)()
    return make(data.IterableDataset), make(tdata.IterableDataset)


def _plain(value):
    """Batches as nested Python values, for comparing the two libraries."""
    if hasattr(value, "numpy"):
        return str(value.dtype).replace("torch.", ""), value.numpy().tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


ITEMS = {
    "ints": list(range(7)),
    "floats": [0.5 * i for i in range(5)],
    "arrays": [np.arange(3, dtype=np.float32) + i for i in range(5)],
    "tuples": [(np.int64(i), float(i)) for i in range(5)],
    "dicts": [{"a": i, "b": np.float32(i)} for i in range(5)],
}


@pytest.mark.parametrize("kind", sorted(ITEMS))
@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (2, False), (2, True),
                                                  (3, True), (None, False), (10, False)])
def test_batches_match_torch(kind, batch_size, drop_last):
    ours, theirs = _streams(ITEMS[kind])
    kwargs = {"batch_size": batch_size, "drop_last": drop_last}
    got = [_plain(b) for b in data.DataLoader(ours, **kwargs)]
    want = [_plain(b) for b in tdata.DataLoader(theirs, **kwargs)]
    assert got == want


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (2, False), (2, True),
                                                  (3, False), (3, True), (None, False)])
@pytest.mark.parametrize("n", [0, 5, 6])
def test_len_matches_torch(n, batch_size, drop_last):
    ours, theirs = _streams(list(range(n)), sized=True)
    kwargs = {"batch_size": batch_size, "drop_last": drop_last}
    assert len(data.DataLoader(ours, **kwargs)) == len(tdata.DataLoader(theirs, **kwargs))


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0, 1]},
                                    {"batch_sampler": [[0, 1]]}])
def test_rejected_options_match_torch(kwargs):
    ours, theirs = _streams([1, 2])
    with pytest.raises(ValueError) as want:
        tdata.DataLoader(theirs, **kwargs)
    with pytest.raises(ValueError) as got:
        data.DataLoader(ours, **kwargs)
    assert str(got.value) == str(want.value)


def test_chain_matches_torch():
    (a, ta), (b, tb) = _streams([1, 2], sized=True), _streams([3, 4, 5], sized=True)
    assert list(a + b) == list(ta + tb)
    assert len(data.ChainDataset([a, b])) == len(tdata.ChainDataset([ta, tb]))


def test_worker_info_matches_torch_main_process():
    assert data.get_worker_info() is tdata.get_worker_info() is None
