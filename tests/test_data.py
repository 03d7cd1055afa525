"""utils.data: TensorDataset and DataLoader batching, drop_last and seeded shuffling."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.utils.data import DataLoader, Dataset, TensorDataset


def _dataset(n=10):
    x = ae.arange(n * 2, dtype=ae.float32).reshape(n, 2)
    y = ae.arange(n)
    return TensorDataset(x, y)


def test_tensor_dataset_len_and_getitem():
    ds = _dataset()
    assert len(ds) == 10
    x, y = ds[3]
    np.testing.assert_array_equal(x.data, [6.0, 7.0])
    assert y.item() == 3


def test_tensor_dataset_rejects_mismatched_sizes():
    with pytest.raises(AssertionError, match="Size mismatch"):  # PyTorch's type
        TensorDataset(ae.zeros(3, 2), ae.zeros(4))


@pytest.mark.parametrize("drop_last,sizes", [(False, [4, 4, 2]), (True, [4, 4])])
def test_batches_in_order(drop_last, sizes):
    loader = DataLoader(_dataset(), batch_size=4, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(sizes) == len(batches)
    assert [len(y) for _, y in batches] == sizes
    x, y = batches[0]
    assert isinstance(x, ae.Tensor) and x.shape == (4, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(np.concatenate([y.data for _, y in batches]),
                                  np.arange(sum(sizes)))


def test_default_batch_size_is_one():
    batches = list(DataLoader(_dataset(3)))
    assert len(batches) == 3 and batches[1][0].shape == (1, 2)


def test_shuffle_is_a_permutation_reproducible_with_manual_seed():
    loader = DataLoader(_dataset(), batch_size=3, shuffle=True)
    ae.manual_seed(7)
    first = np.concatenate([y.data for _, y in loader])
    second = np.concatenate([y.data for _, y in loader])
    ae.manual_seed(7)
    again = np.concatenate([y.data for _, y in loader])
    assert sorted(first) == list(range(10))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)  # a new order every epoch
    for x, y in DataLoader(_dataset(), batch_size=4, shuffle=True):
        np.testing.assert_array_equal(x.data[:, 0], 2 * y.data)  # rows stay paired


class _Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "y": i * i, "w": 0.5 * i}


def test_generic_dataset_uses_default_collate():
    batches = list(DataLoader(_Squares(), batch_size=2))
    assert len(batches) == 3
    first = batches[0]
    assert first["x"].shape == (2, 2) and first["x"].dtype == np.float32
    assert first["y"].dtype == np.int64 and first["y"].tolist() == [0, 1]
    assert first["w"].dtype == np.float64
    assert batches[2]["y"].tolist() == [16]


def test_collate_fn_and_validation():
    loader = DataLoader(_dataset(4), batch_size=2, collate_fn=len)
    assert list(loader) == [2, 2]
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            DataLoader(_dataset(), batch_size=bad)
