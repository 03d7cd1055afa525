"""DataLoader with worker processes: the same batches as in-process loading, worker info and
seeding, errors and dead workers, timeouts, shutdown, persistent workers, transport of
tensors and fork safety after threaded kernels. Every wait is bounded (``timeout=`` on the
loaders, a watchdog per test) and every test ends with no child process left."""
import faulthandler
import gc
import multiprocessing
import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

import autograd_engine as ae
from autograd_engine.utils import data, worker
from autograd_engine.utils.data import (DataLoader, Dataset, IterableDataset, TensorDataset,
                                        get_worker_info)

WAIT = 20  # seconds: the loaders' timeout, far above any real wait here


@pytest.fixture(autouse=True)
def no_leftover_processes():
    faulthandler.dump_traceback_later(120, exit=True)  # a hang fails the run, not CI's clock
    yield
    faulthandler.cancel_dump_traceback_later()
    gc.collect()
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert multiprocessing.active_children() == []


def _tensor_dataset(n=10):
    return TensorDataset(ae.arange(2 * n, dtype=ae.float32).reshape(n, 2), ae.arange(n))


class Samples(Dataset):
    """Dict samples of numpy arrays and numbers, collated field-wise."""

    def __len__(self):
        return 7

    def __getitem__(self, i):
        return {"x": np.full(3, i, np.float64), "y": i, "w": 0.5 * i, "name": f"s{i}"}


class EngineMath(Dataset):
    """Samples computed with engine ops (run in the workers)."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        x = ae.arange(4, dtype=ae.float32) * i
        return ae.relu(x - 2.0).sum() + ae.tensor(float(i))


class WhoAmI(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = get_worker_info()
        return {"i": i, "id": info.id, "num_workers": info.num_workers, "seed": info.seed,
                "same": info.dataset is self, "pid": os.getpid(),
                "tag": getattr(self, "tag", None)}


def _flat(batch):
    """A batch as plain Python values with dtypes, for comparing two loaders."""
    if isinstance(batch, ae.Tensor):
        return ("T", str(batch.dtype), batch.shape, batch.numpy().tolist())
    if isinstance(batch, dict):
        return {k: _flat(v) for k, v in batch.items()}
    if isinstance(batch, (list, tuple)):
        return [type(batch).__name__] + [_flat(b) for b in batch]
    if isinstance(batch, np.ndarray):
        return ("A", str(batch.dtype), batch.tolist())
    return batch


def _epoch(loader):
    return [_flat(b) for b in loader]


@pytest.mark.parametrize("make,kwargs", [
    (_tensor_dataset, {"batch_size": 3}),
    (_tensor_dataset, {"batch_size": 4, "drop_last": True}),
    (_tensor_dataset, {"batch_size": None}),
    (Samples, {"batch_size": 2}),
    (Samples, {"batch_size": None}),
    (Samples, {"batch_size": 3, "collate_fn": lambda b: [s["x"] * 2 for s in b]}),
    (EngineMath, {"batch_size": 4}),
])
def test_same_batches_as_in_process(make, kwargs):
    expected = _epoch(DataLoader(make(), **kwargs))
    assert _epoch(DataLoader(make(), num_workers=2, timeout=WAIT, **kwargs)) == expected
    assert _epoch(DataLoader(make(), num_workers=1, timeout=WAIT, **kwargs)) == expected


@pytest.mark.parametrize("seeded", ["manual_seed", "generator"])
def test_shuffled_order_matches_in_process_for_the_same_seed(seeded):
    def epochs(num_workers):
        if seeded == "manual_seed":
            ae.manual_seed(11)
            generator = None
        else:
            generator = np.random.default_rng(11)
        loader = DataLoader(_tensor_dataset(12), batch_size=5, shuffle=True,
                            num_workers=num_workers, generator=generator,
                            timeout=WAIT if num_workers else 0)
        return [_epoch(loader), _epoch(loader)]

    first, second = epochs(0)
    assert first != second  # a new order each epoch
    assert epochs(2) == [first, second]


def test_each_iterator_draws_one_base_seed_from_the_generator():
    # in-process and with workers alike (PyTorch draws it in both), so what follows a
    # loop over a loader sees the same random state either way
    after = []
    for num_workers in (0, 2):
        ae.manual_seed(5)
        list(DataLoader(_tensor_dataset(4), num_workers=num_workers,
                        timeout=WAIT if num_workers else 0))
        after.append(ae.randn(3).numpy().tolist())
    ae.manual_seed(5)
    ae.random.generator().integers(0, 2 ** 63, dtype=np.int64)
    assert after == [ae.randn(3).numpy().tolist()] * 2


def test_worker_info():
    assert get_worker_info() is None
    assert data.get_worker_info is worker.get_worker_info
    samples = list(DataLoader(WhoAmI(), batch_size=None, num_workers=2, timeout=WAIT))
    assert [s["i"] for s in samples] == list(range(6))
    assert [s["id"] for s in samples] == [0, 1, 0, 1, 0, 1]  # tasks go round-robin
    assert {s["num_workers"] for s in samples} == {2}
    assert all(s["same"] for s in samples)  # info.dataset is the worker's own copy
    seeds = {s["id"]: s["seed"] for s in samples}
    assert seeds[1] == seeds[0] + 1  # base_seed + worker_id
    assert len({s["pid"] for s in samples} | {os.getpid()}) == 3
    assert get_worker_info() is None


def test_worker_info_fields():
    info = worker.WorkerInfo(id=1, num_workers=2, seed=7, dataset="d")
    assert (info.id, info.num_workers, info.seed, info.dataset) == (1, 2, 7, "d")
    with pytest.raises(AttributeError):
        info.id = 3  # frozen, as PyTorch's


class Draws(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return {"id": get_worker_info().id, "seed": get_worker_info().seed,
                "python": random.random(), "numpy": np.random.rand(),
                "engine": float(ae.random.generator().random())}


def test_worker_seeding():
    base_seed = int(np.random.default_rng(3).integers(0, 2 ** 63, dtype=np.int64))
    loader = DataLoader(Draws(), batch_size=None, num_workers=2, timeout=WAIT,
                        generator=np.random.default_rng(3))
    for sample in loader:
        worker_id = sample["id"]
        seed = base_seed + worker_id
        assert sample["seed"] == seed
        assert sample["python"] == random.Random(seed).random()
        assert sample["engine"] == np.random.default_rng(seed).random()
        words = np.random.SeedSequence(
            [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]).generate_state(4)
        assert sample["numpy"] == np.random.RandomState(words).rand()


def _tag_copy(worker_id):
    get_worker_info().dataset.tag = 10 * worker_id


def test_worker_init_fn_runs_in_each_worker_before_loading():
    samples = list(DataLoader(WhoAmI(), batch_size=None, num_workers=2, timeout=WAIT,
                              worker_init_fn=_tag_copy))
    assert [s["tag"] for s in samples] == [0, 10] * 3


class Stream(IterableDataset):
    def __init__(self, n, split=True):
        self.n, self.split = n, split

    def __len__(self):
        return self.n

    def __iter__(self):
        info = get_worker_info()
        if info is None or not self.split:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def test_iterable_len_warning_with_workers():
    loader = DataLoader(Stream(2, split=False), batch_size=None, num_workers=2, timeout=WAIT)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="reported to be 2.*but [34] samples have been fetched. "
                                         "For multiprocessing data-loading"):
        assert list(loader) == [0, 0, 1, 1]


class Failing(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 3:
            raise ValueError(f"sample {i} is broken")
        return i


class Missing(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        return {}["key"]


class TwoArgumentError(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)


class RaisesTwoArgumentError(Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        raise TwoArgumentError(1, 2)


def test_worker_exception_reraised_with_type_worker_and_traceback():
    loader = DataLoader(Failing(), batch_size=2, num_workers=2, timeout=WAIT)
    with pytest.raises(ValueError) as info:
        list(loader)
    message = str(info.value)
    assert message.startswith("Caught ValueError in DataLoader worker process 1.\n"
                              "Original Traceback (most recent call last):\n")
    assert 'raise ValueError(f"sample {i} is broken")' in message
    assert __file__ in message
    assert message.endswith("ValueError: sample 3 is broken\n")


def test_worker_exception_special_types():
    with pytest.raises(KeyError) as info:
        list(DataLoader(Missing(), num_workers=1, timeout=WAIT))
    assert repr(info.value).startswith("KeyError(Caught KeyError in DataLoader worker")
    with pytest.raises(RuntimeError, match="Caught TwoArgumentError in DataLoader worker "
                                           "process 0"):
        list(DataLoader(RaisesTwoArgumentError(), num_workers=1, timeout=WAIT))


def test_exception_of_a_local_class_still_arrives():
    class Local(Exception):
        pass

    class Raising(Dataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            raise Local("from a class the main process cannot unpickle")

    with pytest.raises(RuntimeError, match="Caught Local in DataLoader worker process 0"):
        list(DataLoader(Raising(), num_workers=1, timeout=WAIT))


def _broken_init(worker_id):
    raise OSError(f"cannot open shard {worker_id}")


def test_worker_init_fn_error_is_reraised():
    with pytest.raises(OSError, match="Caught OSError in DataLoader worker process 0"
                                      "(.|\n)*cannot open shard 0"):
        list(DataLoader(_tensor_dataset(), num_workers=1, timeout=WAIT,
                        worker_init_fn=_broken_init))


def test_iterator_goes_on_after_a_worker_exception():
    it = iter(DataLoader(Failing(), batch_size=None, num_workers=2, timeout=WAIT))
    got = [next(it) for _ in range(3)]
    with pytest.raises(ValueError):
        next(it)
    assert got + list(it) == [0, 1, 2, 4, 5]  # as PyTorch: the failed batch is skipped


class Dies(Dataset):
    def __init__(self, how):
        self.how = how

    def __len__(self):
        return 40

    def __getitem__(self, i):
        if get_worker_info().id == 1 and i > 2:
            if self.how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(3)
        return i


@pytest.mark.parametrize("how,cause", [("kill", "worker 1 was killed by signal: Killed"),
                                       ("exit", "worker 1 exited with code 3")])
def test_dead_worker_is_a_runtime_error_naming_it(how, cause):
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader worker \(pid\(s\) \d+\) exited "
                                           r"unexpectedly: " + cause + "$"):
        list(DataLoader(Dies(how), batch_size=2, num_workers=2, timeout=WAIT))
    assert time.monotonic() - start < 5  # noticed at once, not at the timeout


class Sleepy(Dataset):
    def __init__(self, seconds, slow=(0,)):
        self.seconds, self.slow = seconds, slow

    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i in self.slow:
            time.sleep(self.seconds)
        return i


def test_timeout():
    it = iter(DataLoader(Sleepy(1.5), num_workers=1, timeout=0.25))
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.25 seconds$"):
        next(it)
    assert 0.25 <= time.monotonic() - start < 1.0
    del it  # the worker, busy sleeping, is terminated after a grace period


def test_timeout_needs_workers():
    with pytest.raises(AssertionError, match="timeout"):
        iter(DataLoader(_tensor_dataset(), timeout=1))


def _children():
    gc.collect()
    return multiprocessing.active_children()


def test_break_and_del_shut_the_workers_down_quickly():
    loader = DataLoader(_tensor_dataset(40), batch_size=2, num_workers=2, timeout=WAIT)
    for _ in loader:
        assert len(multiprocessing.active_children()) == 2
        break
    assert multiprocessing.active_children() == []  # the loop's iterator is gone
    it = iter(loader)
    next(it)
    start = time.monotonic()
    del it
    assert time.monotonic() - start < 0.5 and multiprocessing.active_children() == []


def test_exhausting_the_iterator_shuts_down():
    it = iter(DataLoader(_tensor_dataset(4), batch_size=2, num_workers=2, timeout=WAIT))
    assert len(list(it)) == 2
    assert multiprocessing.active_children() == []
    with pytest.raises(StopIteration):
        next(it)


def test_multiple_iterators_at_once():
    loader = DataLoader(_tensor_dataset(6), batch_size=2, num_workers=2, timeout=WAIT)
    first, second = iter(loader), iter(loader)
    assert len(multiprocessing.active_children()) == 4
    pairs = list(zip(first, second))
    assert len(pairs) == 3
    for a, b in pairs:
        assert _flat(a) == _flat(b)
    del first, second
    assert _children() == []


class Epochs(Dataset):
    """Counts, in each worker's copy, the samples it served over all epochs."""

    def __init__(self):
        self.served = 0

    def __len__(self):
        return 8

    def __getitem__(self, i):
        self.served += 1
        return {"i": i, "pid": os.getpid(), "served": self.served}


def test_persistent_workers_keep_processes_and_dataset_copies():
    loader = DataLoader(Epochs(), batch_size=None, num_workers=2, persistent_workers=True,
                        timeout=WAIT)
    first = list(loader)
    pids = {s["pid"] for s in first}
    assert len(pids) == 2 and len(multiprocessing.active_children()) == 2
    second = list(loader)
    assert {s["pid"] for s in second} == pids
    assert [s["i"] for s in second] == list(range(8))
    assert max(s["served"] for s in second) == 8  # each copy served 4 per epoch
    for s in loader:  # an interrupted epoch: the next one starts over, without stale data
        break
    assert [s["i"] for s in loader] == list(range(8))
    assert loader._iterator is iter(loader)  # PyTorch's: one iterator, reset each epoch
    del loader, s
    assert _children() == []


def test_persistent_workers_restart_iterable_datasets():
    loader = DataLoader(Stream(5), batch_size=2, num_workers=2, persistent_workers=True,
                        timeout=WAIT)
    expected = [[0, 2], [1, 3], [4]]
    assert [b.numpy().tolist() for b in loader] == expected
    assert [b.numpy().tolist() for b in loader] == expected
    del loader
    assert _children() == []


def test_persistent_shuffled_epochs_differ():
    ae.manual_seed(2)
    loader = DataLoader(_tensor_dataset(8), batch_size=4, shuffle=True, num_workers=2,
                        persistent_workers=True, timeout=WAIT)
    first, second = _epoch(loader), _epoch(loader)
    assert first != second
    ys = sorted(v for batch in first for v in batch[2][3])
    assert ys == list(range(8))
    del loader
    assert _children() == []


def test_in_order_false_returns_ready_batches_first():
    ordered = list(DataLoader(Sleepy(0.5), num_workers=2, timeout=WAIT))
    assert [b.item() for b in ordered] == [0, 1, 2, 3]
    unordered = [b.item() for b in DataLoader(Sleepy(0.5), num_workers=2, timeout=WAIT,
                                              in_order=False)]
    assert sorted(unordered) == [0, 1, 2, 3] and unordered[0] != 0


class Counted(Dataset):
    def __init__(self, counter):
        self.counter = counter

    def __len__(self):
        return 10

    def __getitem__(self, i):
        with self.counter.get_lock():
            self.counter.value += 1
        return i


@pytest.mark.parametrize("prefetch_factor", [1, 3])
def test_prefetch_factor_bounds_the_work_ahead(prefetch_factor):
    counter = multiprocessing.Value("i", 0)
    it = iter(DataLoader(Counted(counter), num_workers=2, prefetch_factor=prefetch_factor,
                         timeout=WAIT))
    ahead = 2 * prefetch_factor
    deadline = time.monotonic() + 5
    while counter.value < ahead and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert counter.value == ahead
    assert next(it).item() == 0
    deadline = time.monotonic() + 5
    while counter.value < ahead + 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert counter.value == ahead + 1  # one answer taken, one task sent
    del it


def test_prefetch_factor_default_and_validation():
    assert DataLoader(_tensor_dataset(), num_workers=1).prefetch_factor == 2
    assert DataLoader(_tensor_dataset()).prefetch_factor is None
    with pytest.raises(AssertionError, match="prefetch_factor"):
        iter(DataLoader(_tensor_dataset(), num_workers=1, prefetch_factor=0))


def test_pin_memory_is_accepted_and_warns_as_on_a_cpu_only_torch():
    loader = DataLoader(_tensor_dataset(4), batch_size=2, pin_memory=True, num_workers=1,
                        timeout=WAIT)
    with pytest.warns(UserWarning, match="no accelerator is found"):
        assert _epoch(loader) == _epoch(DataLoader(_tensor_dataset(4), batch_size=2))


class Typed(Dataset):
    def __len__(self):
        return 1

    def __getitem__(self, i):
        big = np.arange(12.0).reshape(3, 4)
        return {"f32": ae.tensor([1.5, 2.5], dtype=ae.float32),
                "f64": ae.tensor(np.float64(1) / 3),
                "i64": ae.arange(3), "bool": ae.tensor([True, False]),
                "strided": ae.tensor(big)[:, ::2], "array": np.arange(3, dtype=np.int16),
                "leaf": ae.ones(2, requires_grad=True),
                "param": ae.nn.Parameter(ae.zeros(2))}


def test_transport_keeps_tensor_types_dtypes_and_values():
    (sample,) = DataLoader(Typed(), batch_size=None, num_workers=1, timeout=WAIT)
    assert sample["f32"].dtype == np.float32 and sample["f32"].numpy().tolist() == [1.5, 2.5]
    assert sample["f64"].dtype == np.float64 and sample["f64"].shape == ()
    assert sample["f64"].item() == 1 / 3
    assert sample["i64"].dtype == np.int64 and sample["bool"].dtype == np.bool_
    assert sample["strided"].numpy().tolist() == [[0, 2], [4, 6], [8, 10]]
    assert isinstance(sample["array"], ae.Tensor)  # default_convert, as in-process
    assert sample["array"].dtype == np.int16
    leaf = sample["leaf"]
    assert leaf.requires_grad and leaf.is_leaf and leaf.grad is None
    assert type(sample["param"]) is ae.nn.Parameter and sample["param"].requires_grad


class NonLeaf(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return ae.ones(2, requires_grad=True) * i


@pytest.mark.parametrize("batch_size", [None, 2])
def test_non_leaf_tensors_that_require_grad_are_refused(batch_size):
    in_process = list(DataLoader(NonLeaf(), batch_size=batch_size))
    assert in_process[1].grad_fn is not None  # in-process loading keeps the graph
    with pytest.raises(RuntimeError, match="Cowardly refusing to serialize non-leaf tensor "
                                           "which requires_grad"):
        list(DataLoader(NonLeaf(), batch_size=batch_size, num_workers=1, timeout=WAIT))


def test_detached_batches_from_a_requires_grad_dataset_arrive():
    loader = DataLoader(NonLeaf(), batch_size=2, num_workers=1, timeout=WAIT,
                        collate_fn=lambda b: ae.stack(b).detach())
    assert [b.numpy().tolist() for b in loader] == [[[0, 0], [1, 1]], [[2, 2], [3, 3]]]


@settings(max_examples=60)
@given(hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.bool_, np.uint8]),
                  hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4)),
       st.booleans(), st.booleans())
def test_transport_round_trip(array, transpose, requires_grad):
    """What a worker sends (encode) is what the main process gets (decode): any shape, dtype
    and layout; a leaf keeps requires_grad."""
    if transpose:
        array = array.T
    requires_grad = requires_grad and array.dtype.kind == "f"
    batch = {"t": ae.tensor(array, requires_grad=requires_grad), "a": array,
             "pair": (ae.tensor(array), 3)}
    back = worker.decode(worker.encode(batch))
    assert back["t"].dtype == array.dtype and back["t"].shape == array.shape
    np.testing.assert_array_equal(back["t"].numpy() if not requires_grad
                                  else back["t"].detach().numpy(), array)
    assert back["t"].requires_grad == requires_grad and back["t"].is_leaf
    assert back["a"].dtype == array.dtype
    np.testing.assert_array_equal(back["a"], array)
    assert back["pair"][1] == 3 and back["pair"][0].dtype == array.dtype


@pytest.mark.parametrize("dtype", [ae.float32, ae.float64, ae.int64, ae.bool])
def test_tensor_pickles_with_dtype(dtype):
    t = ae.tensor(np.arange(6).reshape(2, 3) % 2).to(dtype)
    back = pickle.loads(pickle.dumps(t))
    assert back.dtype == dtype and back.numpy().tolist() == t.numpy().tolist()
    leaf = ae.ones(3, dtype=ae.float64, requires_grad=True)
    back = pickle.loads(pickle.dumps(leaf))
    assert back.requires_grad and back.is_leaf and back.dtype == np.float64


def test_spawn_context():
    ds = _tensor_dataset(6)
    loader = DataLoader(ds, batch_size=4, num_workers=1, timeout=60,
                        multiprocessing_context="spawn")
    assert _epoch(loader) == _epoch(DataLoader(ds, batch_size=4))
    assert multiprocessing.active_children() == []


def test_multiprocessing_context_argument():
    fork = multiprocessing.get_context("fork")
    assert DataLoader(_tensor_dataset(), num_workers=1,
                      multiprocessing_context="fork").multiprocessing_context is fork
    assert DataLoader(_tensor_dataset(), num_workers=1,
                      multiprocessing_context=fork).multiprocessing_context is fork
    assert DataLoader(_tensor_dataset(), num_workers=1).multiprocessing_context is None


_FORK_SAFETY = textwrap.dedent("""
    import multiprocessing, threading
    import numpy as np
    import autograd_engine as ae
    from autograd_engine.kernels import config, threads
    from autograd_engine.utils.data import DataLoader, Dataset

    assert config.PARALLEL
    N = 1 << 19  # above PARALLEL_MIN_SIZE: threaded kernels

    def kernel_threads():
        return sum(t.name.startswith("autograd_engine-kernel") for t in threading.enumerate())

    class Heavy(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            x = ae.tensor(np.linspace(-1.0, 1.0, N, dtype=np.float32) * (i + 1))
            return ae.stack([ae.relu(x).sum(), ae.tensor(float(kernel_threads()))])

    def threaded_workers(worker_id):
        threads.set_count(2)

    expected = [[float(ae.relu(ae.tensor(np.linspace(-1.0, 1.0, N, dtype=np.float32)
                                         * (i + 1))).sum().item())] for i in range(4)]
    assert kernel_threads() >= 1  # the parent's pool is running
    for init, pool in ((None, 0), (threaded_workers, 1)):
        batches = list(DataLoader(Heavy(), batch_size=None, num_workers=2, timeout=60,
                                  worker_init_fn=init))
        got = [[b[0].item()] for b in batches]
        assert np.allclose(got, expected, rtol=1e-5), (got, expected)
        # serial kernels by default (one thread per worker, as PyTorch's); a worker that
        # asks for threads gets a fresh pool of its own (the parent's threads are not there)
        assert [b[1].item() for b in batches] == [pool] * 4, batches
        assert multiprocessing.active_children() == []
    # default_collate stacking the samples in the workers
    stacked = list(DataLoader(Heavy(), batch_size=2, num_workers=2, timeout=60,
                              worker_init_fn=threaded_workers))
    assert [b.shape for b in stacked] == [(2, 2), (2, 2)]
    assert np.allclose([[v] for b in stacked for v in b.numpy()[:, 0]], expected, rtol=1e-5)
    assert float(ae.relu(ae.tensor(np.ones(N, np.float32))).sum().item()) == N  # parent ok
    print("ok")
""")


def test_workers_run_engine_ops_after_the_parent_ran_threaded_kernels():
    env = dict(os.environ, AUTOGRAD_ENGINE_PARALLEL="1", AUTOGRAD_ENGINE_THREADS="2")
    env.pop("AUTOGRAD_ENGINE_PARALLEL_MIN_SIZE", None)
    result = subprocess.run([sys.executable, "-c", _FORK_SAFETY], env=env, timeout=600,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
