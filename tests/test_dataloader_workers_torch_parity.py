"""DataLoader workers against torch.utils.data live: batch orders of iterable datasets split
(or not) between workers, what get_worker_info shows, numpy seeding, error types and
messages. Skipped without torch."""
import math
import random

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.utils.data as tdata  # noqa: E402
from torch.utils.data._utils.worker import _generate_state  # noqa: E402

import autograd_engine as ae  # noqa: E402
from autograd_engine.utils import data as adata  # noqa: E402
from autograd_engine.utils.worker import seed_worker  # noqa: E402

from .test_dataloader_workers import no_leftover_processes  # noqa: E402

# the shared watchdog and check that no worker is left after a test
pytestmark = pytest.mark.usefixtures(no_leftover_processes.__name__)

LIBS = {"ae": adata, "torch": tdata}
WAIT = 20


def _stream(lib, n, split):
    """An IterableDataset of ``lib`` over range(n): whole in each worker, or split as
    ``strided`` / ``halves`` by get_worker_info()."""
    module = LIBS[lib]

    class Stream(module.IterableDataset):
        def __len__(self):
            return n

        def __iter__(self):
            info = module.get_worker_info()
            if info is None or split == "whole":
                return iter(range(n))
            if split == "strided":
                return iter(range(info.id, n, info.num_workers))
            per = math.ceil(n / info.num_workers)
            return iter(range(info.id * per, min(n, (info.id + 1) * per)))

    return Stream()


def _plain(batch):
    return batch.tolist() if hasattr(batch, "tolist") else batch.numpy().tolist()


@pytest.mark.parametrize("split", ["whole", "strided", "halves"])
@pytest.mark.parametrize("n", [0, 5, 8])
@pytest.mark.parametrize("kwargs", [{"batch_size": 2}, {"batch_size": 3, "drop_last": True},
                                    {"batch_size": None}, {"batch_size": 2,
                                                           "prefetch_factor": 1}])
@pytest.mark.parametrize("num_workers", [1, 2])
def test_iterable_batches_match(split, n, kwargs, num_workers):
    got = {}
    for lib, module in LIBS.items():
        loader = module.DataLoader(_stream(lib, n, split), num_workers=num_workers,
                                   timeout=WAIT, **kwargs)
        got[lib] = ([_plain(b) if kwargs["batch_size"] else b for b in loader], len(loader))
    assert got["ae"] == got["torch"]


def _who(lib):
    module = LIBS[lib]

    class Who(module.Dataset):
        init_saw = None

        def __len__(self):
            return 6

        def __getitem__(self, i):
            info = module.get_worker_info()
            return i, info.id, info.num_workers, info.dataset is self, self.init_saw

    return Who()


def _record_info(module):
    def init(worker_id):  # the worker's info is set before worker_init_fn runs
        info = module.get_worker_info()
        info.dataset.init_saw = (worker_id, info.id, info.num_workers)
    return init


@pytest.mark.parametrize("num_workers", [1, 2])
def test_worker_info_matches(num_workers):
    got = {}
    for lib, module in LIBS.items():
        assert module.get_worker_info() is None
        loader = module.DataLoader(_who(lib), batch_size=None, num_workers=num_workers,
                                   timeout=WAIT, worker_init_fn=_record_info(module),
                                   collate_fn=lambda s: s)
        got[lib] = list(loader)
    assert got["ae"] == got["torch"]


class _SeedOf:
    def __init__(self, module):
        self.module = module

    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = self.module.get_worker_info()
        return info.id, info.seed


@pytest.mark.parametrize("num_workers", [1, 2])
def test_worker_seeds_are_base_plus_id(num_workers):
    for module in LIBS.values():
        samples = list(module.DataLoader(_SeedOf(module), batch_size=None, timeout=WAIT,
                                         num_workers=num_workers, collate_fn=lambda s: s))
        seeds = dict(samples)
        assert [worker for worker, _ in samples] == [i % num_workers for i in range(4)]
        assert all(seeds[w] == seeds[0] + w for w in seeds)
        assert 0 <= seeds[0] < 2 ** 63


def test_numpy_seed_words_match(monkeypatch):
    monkeypatch.setattr(ae.random, "default_generator", ae.random.Generator())
    python_state, numpy_state = random.getstate(), np.random.get_state()
    rng = random.Random(0)
    try:
        for _ in range(200):
            base_seed, worker_id = rng.randrange(2 ** 63), rng.randrange(16)
            seed_worker(base_seed, worker_id)
            expected = np.random.RandomState(_generate_state(base_seed, worker_id))
            assert np.random.get_state()[1].tolist() == expected.get_state()[1].tolist()
            assert random.random() == random.Random(base_seed + worker_id).random()
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


class TwoArgumentError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


def _raising(lib, error):
    module = LIBS[lib]

    class Raising(module.Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise error

    return Raising()


@pytest.mark.parametrize("error", [ValueError("bad sample"), KeyError("key"),
                                   IndexError(3), TwoArgumentError(1, 2),
                                   ZeroDivisionError("x")])
def test_worker_errors_match(error):
    got = {}
    for lib, module in LIBS.items():
        it = iter(module.DataLoader(_raising(lib, error), num_workers=1, timeout=WAIT))
        with pytest.raises(Exception) as info:
            next(it)
        # the traceback keeps the iterator for the gc, whose queue finalizers make torch's
        # shutdown wait 5 s: shut down now
        it._shutdown_workers()
        lines = str(info.value).splitlines()
        got[lib] = (type(info.value), lines[:2], lines[-1])
    assert got["ae"] == got["torch"]


@pytest.mark.parametrize("kwargs", [
    {"num_workers": 0, "multiprocessing_context": "spawn"},
    {"num_workers": 1, "multiprocessing_context": "nope"},
    {"num_workers": 1, "multiprocessing_context": object()},
    {"num_workers": 1, "prefetch_factor": -1},
    {"num_workers": 0, "prefetch_factor": 2},
    {"num_workers": 0, "persistent_workers": True},
    {"num_workers": -1},
    {"num_workers": 1, "timeout": -1},
])
def test_option_errors_match(kwargs):
    got = {}
    for lib, module in LIBS.items():
        with pytest.raises(Exception) as info:
            module.DataLoader(list(range(4)), **kwargs)
        got[lib] = (type(info.value), str(info.value).split(" at 0x")[0])
    assert got["ae"] == got["torch"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # torch's __del__
# torch's iterator, failing in __init__, then fails again in its __del__
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("kwargs", [{"timeout": 1}, {"num_workers": 1, "prefetch_factor": 0}])
def test_iterator_assertions_match(kwargs):
    for module in LIBS.values():
        with pytest.raises(AssertionError):
            iter(module.DataLoader(list(range(4)), **kwargs))


def test_defaults_match():
    for kwargs in ({}, {"num_workers": 2}):
        a, t = adata.DataLoader(list(range(4)), **kwargs), tdata.DataLoader(list(range(4)),
                                                                             **kwargs)
        assert (a.prefetch_factor, a.persistent_workers, a.in_order, a.timeout,
                a.multiprocessing_context) == (t.prefetch_factor, t.persistent_workers,
                                               t.in_order, t.timeout,
                                               t.multiprocessing_context)


def test_persistent_iterator_is_reused():
    for module in LIBS.values():
        loader = module.DataLoader(list(range(4)), num_workers=1, persistent_workers=True,
                                   timeout=WAIT)
        first = iter(loader)
        list(first)
        assert iter(loader) is first
        del loader, first
