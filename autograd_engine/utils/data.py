"""``ae.utils.data``: PyTorch's data-loading API (datasets, samplers, collation and
``DataLoader``) for map-style and iterable-style datasets, in the calling process or in
worker processes (``num_workers`` > 0; the workers' side is ``utils/worker.py``).

Shuffling draws from the library generator (``autograd_engine.random``) unless a
``generator`` is given, so ``ae.manual_seed(s)`` makes the batch order reproducible.
"""
from __future__ import annotations

import itertools
import math
import multiprocessing
import multiprocessing.context
import os
import queue
import signal
import time
import warnings
from typing import Any, Callable, Iterator, Optional

import numpy as np

from .. import random as _random
from .collate import default_collate, default_convert
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset, Subset,
                      TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)
from .worker import (ExceptionWrapper, IterableEnd, Resume, decode, get_worker_info,
                     make_fetcher, worker_loop)

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset",
           "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "Subset",
           "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "default_collate",
           "default_convert", "get_worker_info", "random_split"]

# While waiting for a batch, how often the main process checks that its workers are alive.
_STATUS_CHECK_INTERVAL = 0.1
# At shutdown, how long workers get to finish their current batch before being terminated.
_SHUTDOWN_GRACE = 1.0


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples (the last one smaller
    unless ``drop_last``), reshuffled each epoch when ``shuffle``; ``sampler`` or
    ``batch_sampler`` choose the indices instead, and ``batch_size=None`` yields single
    samples (passed through ``default_convert``).

    An ``IterableDataset`` is batched from its iterator in order; it takes no ``shuffle``,
    ``sampler`` or ``batch_sampler`` (``sampler`` and ``batch_sampler`` stay ``None``), and
    ``len(loader)`` needs ``len(dataset)``.

    With ``num_workers`` > 0, each iterator starts that many worker processes
    (``multiprocessing_context``: a start method name or context, default the platform's)
    that fetch and collate whole batches, ``prefetch_factor`` (default 2) tasks ahead each;
    batches come back in the sampler's order (``in_order=False``: as they are ready).
    ``worker_init_fn(worker_id)`` runs in each worker after seeding: ``base_seed`` is drawn
    from ``generator`` (else the library generator) once per iterator, and a worker's seeds
    are described in ``utils/worker.py``. An ``IterableDataset`` is copied into every worker,
    each reading its own copy (split the stream with ``get_worker_info()``); batches
    alternate between workers, and ``drop_last`` drops each worker's short last batch.
    ``timeout`` > 0 bounds the wait for each batch. ``persistent_workers`` keeps the workers
    (and their dataset copies) from one epoch to the next. ``pin_memory`` is a no-op (CPU).
    """

    def __init__(self, dataset: Any, batch_size: Optional[int] = 1,
                 shuffle: Optional[bool] = None, sampler: Any = None,
                 batch_sampler: Any = None, num_workers: int = 0,
                 collate_fn: Optional[Callable[[Any], Any]] = None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Optional[Callable[[int], None]] = None,
                 multiprocessing_context: Any = None,
                 generator: Any = None, *,
                 prefetch_factor: Optional[int] = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            for name, value, unset in (("shuffle", shuffle, shuffle in (None, False)),
                                       ("sampler", sampler, sampler is None),
                                       ("batch_sampler", batch_sampler, batch_sampler is None)):
                if not unset:
                    raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if not iterable:
            if sampler is None:
                sampler = (RandomSampler(dataset, generator=generator) if shuffle
                           else SequentialSampler(dataset))
            if batch_size is not None and batch_sampler is None:
                batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn or (default_collate if self._auto_collation
                                         else default_convert)
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers
        self.pin_memory_device, self.in_order = pin_memory_device, in_order
        self._iterator: Optional[_MultiProcessIter] = None
        self._dataset_len_called: Optional[int] = None  # len(dataset) seen by len(loader)
        _warn_if_too_many_workers(num_workers)

    @property
    def multiprocessing_context(self) -> Any:
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context: Any) -> None:
        if context is not None:
            if self.num_workers == 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 "loading (num_workers > 0), but got num_workers=0")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={context}")
        self._multiprocessing_context = context

    @property
    def _auto_collation(self) -> bool:
        """Whether samples are batched (by ``collate_fn``)."""
        if isinstance(self.dataset, IterableDataset):
            return self.batch_size is not None
        return self.batch_sampler is not None

    def _indices(self) -> Iterator[Any]:
        """What each fetch gets: the sampler's indices (or lists of them), or for an
        iterable dataset its batch size, forever (the dataset ends the iteration)."""
        if isinstance(self.dataset, IterableDataset):
            return itertools.repeat(self.batch_size)
        return iter(self.batch_sampler if self._auto_collation else self.sampler)

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            n = self._dataset_len_called = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def __iter__(self) -> "_LoaderIter":
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None:
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator


def _warn_if_too_many_workers(num_workers: int) -> None:
    """PyTorch's warning when there are more workers than usable cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or num_workers
    if num_workers > cores:
        warnings.warn(f"This DataLoader will create {num_workers} worker processes in total. "
                      f"Our suggested max number of worker in current system is {cores}, which "
                      "is smaller than what this DataLoader is going to create. Please be "
                      "aware that excessive worker creation might get DataLoader running slow "
                      "or even freeze, lower the worker number to avoid potential "
                      "slowness/freeze if necessary.", stacklevel=3)


class _LoaderIter:
    """One pass over a ``DataLoader``: draws the workers' ``base_seed`` (in-process too, so
    that both consume the generator alike) and warns, as PyTorch, when an iterable dataset
    yields more batches than the ``len(dataset)`` that ``len(loader)`` saw."""

    def __init__(self, loader: DataLoader) -> None:
        self._dataset = loader.dataset
        self._iterable = isinstance(loader.dataset, IterableDataset)
        self._auto_collation = loader._auto_collation
        self._collate_fn = loader.collate_fn
        self._drop_last = loader.drop_last
        self._num_workers = loader.num_workers
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used "
                          "as the device,ignore pin_memory_device="
                          f"'{loader.pin_memory_device}'.", stacklevel=4)
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=4)
        rng = _random.rng(loader.generator)
        self._base_seed = int(rng.integers(0, 2 ** 63, dtype=np.int64))

    def _reset(self, loader: DataLoader) -> None:
        self._indices = loader._indices()
        self._num_yielded = 0
        self._len_called = loader._dataset_len_called

    def __iter__(self) -> "_LoaderIter":
        return self

    def _next_data(self) -> Any:
        raise NotImplementedError

    def __next__(self) -> Any:
        data = self._next_data()
        self._num_yielded += 1
        # PyTorch compares batches yielded with len(dataset), a sample count.
        if self._iterable and self._len_called is not None \
                and self._num_yielded > self._len_called:
            message = (f"Length of IterableDataset {self._dataset} was reported to be "
                       f"{self._len_called}(when accessing len(dataloader)), but "
                       f"{self._num_yielded} samples have been fetched. ")
            if self._num_workers > 0:
                message += ("For multiprocessing data-loading, this could be caused by not "
                            "properly configuring the IterableDataset replica at each worker. "
                            "Please see https://pytorch.org/docs/stable/data.html#torch.utils."
                            "data.IterableDataset for examples.")
            warnings.warn(message, stacklevel=2)
        return data


class _SingleProcessIter(_LoaderIter):
    """Fetches each batch in the calling process, when it is asked for."""

    def __init__(self, loader: DataLoader) -> None:
        if loader.timeout != 0:  # PyTorch's type: the in-process iterator asserts this
            raise AssertionError("DataLoader: timeout needs num_workers > 0 (got timeout="
                                 f"{loader.timeout} with num_workers=0)")
        super().__init__(loader)
        self._fetcher = make_fetcher(self._dataset, self._auto_collation, self._collate_fn,
                                     self._drop_last)
        self._reset(loader)

    def _next_data(self) -> Any:
        return self._fetcher.fetch(next(self._indices))  # StopIteration ends the pass


class _MultiProcessIter(_LoaderIter):
    """Sends tasks ``(idx, index)`` round-robin to the workers' index queues, at most
    ``prefetch_factor`` per worker ahead, and returns their answers in ``idx`` order."""

    def __init__(self, loader: DataLoader) -> None:
        super().__init__(loader)
        if not loader.prefetch_factor:
            raise AssertionError("DataLoader: prefetch_factor must be greater than 0 with "
                                 "num_workers > 0")
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        context = loader.multiprocessing_context or multiprocessing.get_context()
        self._pid = os.getpid()  # a forked child inherits this object: it must not shut down
        self._workers: list = []
        self._index_queues: list = []
        self._done = context.Event()
        self._results = context.Queue()
        self._shutdown = False
        try:
            for worker_id in range(self._num_workers):
                index_queue = context.Queue()
                index_queue.cancel_join_thread()
                worker = context.Process(
                    target=worker_loop, daemon=True,
                    args=(self._dataset, self._auto_collation, self._collate_fn,
                          self._drop_last, index_queue, self._results, self._done,
                          self._base_seed, loader.worker_init_fn, worker_id,
                          self._num_workers))
                worker.start()
                self._index_queues.append(index_queue)
                self._workers.append(worker)
        except BaseException:
            self._shutdown_workers()
            raise
        self._reset(loader, first=True)

    def _reset(self, loader: DataLoader, first: bool = False) -> None:
        super()._reset(loader)
        self._send_idx = 0  # the next task to send
        self._rcvd_idx = 0  # the next task to return
        self._task_info: dict = {}  # idx -> (worker,) while out, (worker, answer) when early
        self._active = [True] * self._num_workers
        self._worker_tasks = [0] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first:  # persistent workers: restart their datasets, drop stale answers
            for index_queue in self._index_queues:
                index_queue.put(Resume())
            resumed = 0
            while resumed < self._num_workers:
                if isinstance(self._get()[0], Resume):
                    resumed += 1
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self) -> None:
        most = self._prefetch_factor * self._num_workers
        try:
            index = next(self._indices)
        except StopIteration:
            return
        for _ in range(self._num_workers):  # the next active worker with room, if any
            worker = next(self._worker_cycle)
            if self._active[worker] and (
                    self._in_order or self._worker_tasks[worker] < most // sum(self._active)):
                break
        else:
            return
        self._index_queues[worker].put((self._send_idx, index))
        self._task_info[self._send_idx] = (worker,)
        self._worker_tasks[worker] += 1
        self._send_idx += 1

    def _next_data(self) -> Any:
        while True:
            while self._rcvd_idx < self._send_idx:  # skip tasks of workers that ended
                info = self._task_info.get(self._rcvd_idx)
                if info and (len(info) == 2 or self._active[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown_workers()
                raise StopIteration
            if len(self._task_info[self._rcvd_idx]) == 2:  # arrived early
                worker, data = self._task_info.pop(self._rcvd_idx)
                self._rcvd_idx += 1
                return self._process(data, worker)
            idx, data = self._get()
            if isinstance(data, IterableEnd):
                self._active[data.worker_id] = False
                if not self._persistent:
                    self._index_queues[data.worker_id].put(None)
                self._try_put_index()
                continue
            if idx != self._rcvd_idx and self._in_order:
                self._task_info[idx] += (data,)  # returned when its turn comes
                continue
            worker = self._task_info.pop(idx)[0]
            if idx == self._rcvd_idx:
                self._rcvd_idx += 1
            return self._process(data, worker)

    def _process(self, data: Any, worker: int) -> Any:
        self._worker_tasks[worker] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return decode(data)

    def _get(self) -> tuple:
        """The next answer from any worker; RuntimeError when a worker died or after
        ``timeout`` seconds."""
        deadline = time.monotonic() + self._timeout if self._timeout > 0 else math.inf
        while True:
            wait = min(_STATUS_CHECK_INTERVAL, max(0.0, deadline - time.monotonic()))
            try:
                return self._results.get(timeout=wait)
            except queue.Empty:
                pass
            self._raise_if_a_worker_died()
            if time.monotonic() >= deadline:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")

    def _raise_if_a_worker_died(self) -> None:
        dead = [i for i, w in enumerate(self._workers) if self._active[i] and not w.is_alive()]
        if not dead:
            return
        causes = []
        for i in dead:
            self._active[i] = False
            code = self._workers[i].exitcode
            causes.append(f"worker {i} was killed by signal: {signal.strsignal(-code)}"
                          if code < 0 else f"worker {i} exited with code {code}")
        pids = ", ".join(str(self._workers[i].pid) for i in dead)
        raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly: "
                           + "; ".join(causes))

    def _shutdown_workers(self) -> None:
        """Stop the workers: ask, give them ``_SHUTDOWN_GRACE`` seconds, then terminate."""
        if getattr(self, "_shutdown", True) or os.getpid() != self._pid:
            return
        self._shutdown = True
        try:
            self._done.set()
            for index_queue in self._index_queues:
                index_queue.put(None)
            deadline = time.monotonic() + _SHUTDOWN_GRACE
            for worker in self._workers:
                worker.join(timeout=max(0.0, deadline - time.monotonic()))
            for index_queue in self._index_queues:
                index_queue.close()
        finally:
            for worker in self._workers:
                if worker.is_alive():
                    worker.terminate()
                    worker.join(timeout=_SHUTDOWN_GRACE)
            self._results.cancel_join_thread()
            self._results.close()

    def __del__(self) -> None:
        self._shutdown_workers()
