"""The worker side of multi-process loading (as ``torch.utils.data._utils.worker``): the
loop each ``DataLoader`` worker process runs, its seeding, ``WorkerInfo`` /
``get_worker_info``, the fetchers that turn an index (or a batch of them) into a collated
batch (shared with in-process loading) and the transport of batches and errors.

A worker seeds, from the iterator's ``base_seed`` and its ``worker_id``:
Python's ``random`` and this library's generator (``ae.manual_seed``) with
``seed = base_seed + worker_id``, and numpy's global generator (``np.random.seed``) with the
four 32-bit words PyTorch derives from ``(base_seed, worker_id)`` (numpy's ``SeedSequence``
hash), so ``np.random`` draws in a worker are PyTorch's for the same ``base_seed``.
"""
from __future__ import annotations

import io
import itertools
import os
import pickle
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from .. import random as _random
from ..kernels import threads
from ..ops.index import index_select
from ..tensor import Tensor
from .collate import default_collate
from .dataset import IterableDataset, TensorDataset

# How often an idle worker checks that the loader has not shut down (its final ``None`` can
# be lost when the iterator is collected as cyclic garbage: the queues' finalizers run
# first) and that the process that started it is still alive.
_IDLE_CHECK_INTERVAL = 0.1


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: its ``id`` (0 to
    ``num_workers - 1``), ``num_workers``, the ``seed`` it was seeded with and its own copy of
    the ``dataset``."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: Optional[WorkerInfo] = None


def get_worker_info() -> Optional[WorkerInfo]:
    """The ``WorkerInfo`` of the current ``DataLoader`` worker process; ``None`` in the main
    process. An ``IterableDataset.__iter__`` uses it to split the stream between workers."""
    return _worker_info


def seed_worker(base_seed: int, worker_id: int) -> int:
    """Seed this process's generators as a PyTorch worker does; returns the worker's seed."""
    seed = base_seed + worker_id
    random.seed(seed)
    _random.manual_seed(seed)
    # PyTorch's _generate_state is numpy's SeedSequence hash written out for this entropy
    # (a test compares the two over random seeds), so numpy computes it here.
    mask = 0xFFFFFFFF
    np.random.seed(np.random.SeedSequence([worker_id, base_seed & mask, base_seed >> 32, 0])
                   .generate_state(4))
    return seed


# -- fetching ----------------------------------------------------------------------------
class _MapFetcher:
    """Batches of ``dataset[i]`` for a list of indices (one sample without auto-collation)."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable) -> None:
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        # Whole TensorDataset batches by one differentiable gather per tensor: the same
        # values and graph as stacking the samples, without a Python loop over them.
        self.gather = (auto_collation and isinstance(dataset, TensorDataset)
                       and collate_fn is default_collate)

    def fetch(self, index: Any) -> Any:
        if not self.auto_collation:
            return self.collate_fn(self.dataset[index])
        if self.gather:
            rows = np.asarray(index, dtype=np.int64)
            return [index_select(t, 0, rows) for t in self.dataset.tensors]
        return self.collate_fn([self.dataset[i] for i in index])


class _IterableFetcher:
    """The next ``batch_size`` samples of the dataset's iterator (one sample when
    ``batch_size`` is None); ``StopIteration`` once it is exhausted, or at a short last batch
    with ``drop_last``."""

    def __init__(self, dataset: Any, auto_collation: bool, collate_fn: Callable,
                 drop_last: bool) -> None:
        self.stream = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, batch_size: Optional[int]) -> Any:
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            return self.collate_fn(next(self.stream))
        batch = list(itertools.islice(self.stream, batch_size))
        self.ended = len(batch) < batch_size
        if not batch or (self.drop_last and self.ended):
            raise StopIteration
        return self.collate_fn(batch)


def make_fetcher(dataset: Any, auto_collation: bool, collate_fn: Callable,
                 drop_last: bool) -> Any:
    """A fetcher whose ``fetch(index)`` returns one batch: ``index`` is a sampler's index
    (or list of them) for a map-style dataset, the batch size for an iterable one."""
    if isinstance(dataset, IterableDataset):
        return _IterableFetcher(dataset, auto_collation, collate_fn, drop_last)
    return _MapFetcher(dataset, auto_collation, collate_fn)


# -- transport ---------------------------------------------------------------------------
_NON_LEAF_ERROR = ("Cowardly refusing to serialize non-leaf tensor which requires_grad, since "
                   "autograd does not support crossing process boundaries.  If you just want "
                   "to transfer the data, call detach() on the tensor before serializing "
                   "(e.g., putting it on the queue).")


class _BatchPickler(pickle.Pickler):
    """Refuses a non-leaf that requires grad, as PyTorch's multiprocessing does (any other
    tensor pickles as its array, type and ``requires_grad``: a leaf on arrival)."""

    def reducer_override(self, obj: Any) -> Any:
        if not isinstance(obj, Tensor):
            return NotImplemented
        if obj.requires_grad and obj.grad_fn is not None:
            raise RuntimeError(_NON_LEAF_ERROR)
        return NotImplemented  # Tensor.__reduce_ex__: its array, type and requires_grad


def encode(batch: Any) -> bytes:
    """``batch`` pickled for the main process (in the worker's own thread, so a batch that
    cannot be sent is an error reported like any other, not a lost batch)."""
    buffer = io.BytesIO()
    _BatchPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(batch)
    return buffer.getvalue()


def decode(payload: bytes) -> Any:
    return pickle.loads(payload)


class _KeyErrorMessage(str):
    """A message that ``KeyError`` shows as it is (KeyError shows its argument's repr)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return self


class ExceptionWrapper:
    """An exception raised in a worker: its type and formatted traceback, raised again in
    the main process as PyTorch does (same type, message naming the worker and holding the
    original traceback; ``RuntimeError`` when the type cannot be built from a message)."""

    def __init__(self, worker_id: int) -> None:
        exc_type, exc, tb = sys.exc_info()
        self.type_name = exc_type.__name__
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc, tb))
        self.where = f"in DataLoader worker process {worker_id}"
        try:  # a class the main process cannot import (a local one) cannot be sent
            pickle.dumps(exc_type)
            self.exc_type = exc_type
        except Exception:
            self.exc_type = RuntimeError

    def _exception(self) -> BaseException:
        message = f"Caught {self.type_name} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            message = _KeyErrorMessage(message)
        elif getattr(self.exc_type, "message", None):
            return self.exc_type(message=message)
        try:
            return self.exc_type(message)
        except Exception:
            return RuntimeError(message)

    def reraise(self) -> None:
        # Built in another frame, so no frame of the traceback holds the exception (a
        # reference cycle would keep the iterator and its workers alive until a gc run).
        raise self._exception()


@dataclass(frozen=True)
class IterableEnd:
    """A worker's answer once its copy of an ``IterableDataset`` is exhausted."""

    worker_id: int


class Resume:
    """Sent to persistent workers at a new epoch: start the dataset over (acknowledged)."""


# -- the loop ----------------------------------------------------------------------------
def worker_loop(dataset: Any, auto_collation: bool, collate_fn: Callable, drop_last: bool,
                index_queue: Any, result_queue: Any, done_event: Any, base_seed: int,
                init_fn: Optional[Callable[[int], None]], worker_id: int,
                num_workers: int) -> None:
    """Answer each ``(idx, index)`` task from ``index_queue`` with ``(idx, payload)`` on
    ``result_queue`` (an encoded batch, an ``ExceptionWrapper`` or ``IterableEnd``) until
    ``None`` arrives, or ``done_event`` is set or the parent is gone while idle."""
    global _worker_info
    try:
        # One kernel thread per worker, as PyTorch's workers run torch.set_num_threads(1):
        # the workers are the parallelism, and kernel threads would oversubscribe the cores.
        threads.set_count(1)
        seed = seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = make_fetcher(dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(worker_id)
        ended = False
        parent = os.getppid()
        while True:
            try:
                task = index_queue.get(timeout=_IDLE_CHECK_INTERVAL)
            except queue.Empty:
                if done_event.is_set() or os.getppid() != parent:
                    break
                continue
            if isinstance(task, Resume):
                result_queue.put((task, None))
                ended = False
                if init_error is None:
                    fetcher = make_fetcher(dataset, auto_collation, collate_fn, drop_last)
                continue
            if task is None:
                break
            if done_event.is_set() or ended:
                continue  # wait for the final None
            idx, index = task
            if init_error is not None:
                data = init_error
            else:
                try:
                    data = encode(fetcher.fetch(index))
                except StopIteration:
                    if not isinstance(dataset, IterableDataset):
                        data = ExceptionWrapper(worker_id)
                    else:
                        data, ended = IterableEnd(worker_id), True
                except Exception:
                    data = ExceptionWrapper(worker_id)
            result_queue.put((idx, data))
            del data, task, index
    except KeyboardInterrupt:
        pass  # the main process gets its own
    if done_event.is_set():
        # Exit without waiting for the main process to read what is still queued.
        result_queue.cancel_join_thread()
        result_queue.close()
