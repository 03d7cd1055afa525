"""DataLoader workers: PyTorch 2.13's results written out (batch orders of iterable datasets
with workers, worker seeding, error types and messages, warnings); runs without torch."""
import math
import random
import time

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info
from autograd_engine.utils.worker import seed_worker

from .test_dataloader_workers import no_leftover_processes

# the shared watchdog and check that no worker is left after a test
pytestmark = pytest.mark.usefixtures(no_leftover_processes.__name__)

WAIT = 20


class Counter(IterableDataset):
    """The same stream in every worker (not split)."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __iter__(self):
        return iter(range(self.n))


class Strided(Counter):
    def __iter__(self):
        info = get_worker_info()
        return iter(range(info.id, self.n, info.num_workers))


class Halves(Counter):
    def __iter__(self):
        info = get_worker_info()
        per = math.ceil(self.n / info.num_workers)
        return iter(range(info.id * per, min(self.n, (info.id + 1) * per)))


class Uneven(Counter):
    """Worker 0 yields one sample, worker 1 five."""

    def __iter__(self):
        worker = get_worker_info().id
        return iter(range(100 * worker, 100 * worker + (1 if worker == 0 else 5)))


def _values(loader):
    return [b.numpy().tolist() if hasattr(b, "numpy") else b for b in loader]


@pytest.mark.parametrize("dataset,kwargs,expected", [
    (Counter(5), {"batch_size": 2}, [[0, 1], [0, 1], [2, 3], [2, 3], [4], [4]]),
    (Strided(7), {"batch_size": 2}, [[0, 2], [1, 3], [4, 6], [5]]),
    (Strided(7), {"batch_size": 2, "drop_last": True}, [[0, 2], [1, 3], [4, 6]]),
    (Halves(7), {"batch_size": 2}, [[0, 1], [4, 5], [2, 3], [6]]),
    (Halves(7), {"batch_size": 2, "drop_last": True}, [[0, 1], [4, 5], [2, 3]]),
    (Strided(5), {"batch_size": None}, [0, 1, 2, 3, 4]),
    (Uneven(0), {"batch_size": 2}, [[0], [100, 101], [102, 103], [104]]),
    (Uneven(0), {"batch_size": 2, "prefetch_factor": 1}, [[0], [100, 101], [102, 103], [104]]),
])
def test_iterable_dataset_batches_with_two_workers(dataset, kwargs, expected):
    loader = DataLoader(dataset, num_workers=2, timeout=WAIT, **kwargs)
    assert _values(loader) == expected
    # len is the dataset's, whatever the workers do (PyTorch's estimate)
    n, size = len(dataset), kwargs["batch_size"]
    drop = kwargs.get("drop_last", False)
    assert len(loader) == (n if size is None else n // size if drop else math.ceil(n / size))


class NumpyState(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return get_worker_info().id, np.random.get_state()[1][:4].tolist()


def test_numpy_global_generator_seeded_as_pytorch():
    # base_seed = first draw of the generator: 789974133212406140 for default_rng(3);
    # torch.utils.data._utils.worker._generate_state(base_seed, worker_id) gives the words
    words = {0: [1367502770, 3397504215, 4236755987, 1358823483],
             1: [1354214568, 1618927274, 609646408, 1461800033]}
    assert int(np.random.default_rng(3).integers(0, 2 ** 63, dtype=np.int64)) \
        == 789974133212406140
    loader = DataLoader(NumpyState(), batch_size=None, num_workers=2, timeout=WAIT,
                        generator=np.random.default_rng(3), collate_fn=lambda s: s)
    for worker_id, state in loader:
        assert state == np.random.RandomState(words[worker_id]).get_state()[1][:4].tolist()


@pytest.mark.parametrize("base_seed,worker_id,words", [
    (0, 0, [2968811710, 3677149159, 745650761, 2884920346]),
    (4294967301, 3, [3759185310, 240514150, 2197113329, 226656194]),
    (9223372036854775807, 1, [2076502041, 3474872666, 590866098, 3454868545]),
])
def test_numpy_seed_words(base_seed, worker_id, words, monkeypatch):
    # seed_worker reseeds this process's generators: restore all three afterwards
    monkeypatch.setattr(ae.random, "default_generator", ae.random.Generator())
    python_state, numpy_state = random.getstate(), np.random.get_state()
    try:
        assert seed_worker(base_seed, worker_id) == base_seed + worker_id
        assert np.random.get_state()[1].tolist() == \
            np.random.RandomState(words).get_state()[1].tolist()
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


class Failing(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        raise ValueError("broken")


def test_worker_error_message():
    with pytest.raises(ValueError) as info:
        next(iter(DataLoader(Failing(), num_workers=1, timeout=WAIT)))
    assert str(info.value).startswith("Caught ValueError in DataLoader worker process 0.\n"
                                      "Original Traceback (most recent call last):\n")
    assert str(info.value).endswith("\nValueError: broken\n")


class Slow(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        time.sleep(1.2)
        return i


def test_timeout_message():
    with pytest.raises(RuntimeError) as info:
        next(iter(DataLoader(Slow(), num_workers=1, timeout=0.2)))
    assert str(info.value) == "DataLoader timed out after 0.2 seconds"


class NonLeaf(Dataset):
    def __len__(self):
        return 1

    def __getitem__(self, i):
        return ae.ones(2, requires_grad=True) * 2


def test_non_leaf_message():
    # PyTorch's refusal; there it is printed by the worker's queue thread and the batch is
    # lost (the main process waits for its timeout): here it is the worker's error
    with pytest.raises(RuntimeError) as info:
        list(DataLoader(NonLeaf(), batch_size=None, num_workers=1, timeout=WAIT))
    assert str(info.value).endswith(
        "RuntimeError: Cowardly refusing to serialize non-leaf tensor which requires_grad, "
        "since autograd does not support crossing process boundaries.  If you just want to "
        "transfer the data, call detach() on the tensor before serializing (e.g., putting it "
        "on the queue).\n")


@pytest.mark.parametrize("kwargs,error,message", [
    ({"num_workers": 0, "multiprocessing_context": "fork"}, ValueError,
     "multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
     "but got num_workers=0"),
    ({"num_workers": 1, "multiprocessing_context": "bogus"}, ValueError,
     "multiprocessing_context option should specify a valid start method in "
     "['fork', 'spawn', 'forkserver'], but got multiprocessing_context='bogus'"),
    ({"num_workers": 1, "multiprocessing_context": 3}, TypeError,
     "multiprocessing_context option should be a valid context object or a string "
     "specifying the start method, but got multiprocessing_context=3"),
])
def test_multiprocessing_context_errors(kwargs, error, message):
    with pytest.raises(error) as info:
        DataLoader(range(3), **kwargs)
    assert str(info.value) == message


def test_too_many_workers_warning():
    with pytest.warns(UserWarning) as record:
        DataLoader(range(3), num_workers=64)
    assert str(record[0].message).startswith(
        "This DataLoader will create 64 worker processes in total. Our suggested max number "
        "of worker in current system is ")
    assert str(record[0].message).endswith(
        ", which is smaller than what this DataLoader is going to create. Please be aware "
        "that excessive worker creation might get DataLoader running slow or even freeze, "
        "lower the worker number to avoid potential slowness/freeze if necessary.")


def test_pin_memory_warnings():
    with pytest.warns(UserWarning) as record:
        iter(DataLoader(range(3), pin_memory=True, pin_memory_device="cpu"))
    assert [str(r.message) for r in record] == [
        "pin_memory_device is deprecated, the current accelerator will be used as the "
        "device,ignore pin_memory_device='cpu'.",
        "'pin_memory' argument is set as true but no accelerator is found, then device "
        "pinned memory won't be used."]


def test_len_warning_names_the_workers():
    loader = DataLoader(Counter(1), batch_size=None, num_workers=2, timeout=WAIT)
    assert len(loader) == 1
    with pytest.warns(UserWarning) as record:
        assert list(loader) == [0, 0]
    message = str(record[0].message)
    assert message.startswith("Length of IterableDataset <")
    assert message.endswith(
        "> was reported to be 1(when accessing len(dataloader)), but 2 samples have been "
        "fetched. For multiprocessing data-loading, this could be caused by not properly "
        "configuring the IterableDataset replica at each worker. Please see "
        "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset for "
        "examples.")


def test_prefetch_factor_default():
    assert DataLoader(range(3), num_workers=2).prefetch_factor == 2
    assert DataLoader(range(3)).prefetch_factor is None
