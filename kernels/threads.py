"""Multi-threaded kernel calls: Python worker threads running the serial, GIL-free kernels on
parts of the work.

Every kernel is compiled once, serial and with ``nogil=True``. With parallel kernels on
(``config.PARALLEL``), a large call cuts its arrays into parts along their first axis, runs
part 0 on the calling thread and the others on worker threads, and returns when all are done.

Why not Numba's ``parallel=True``: each ``prange`` kernel is a second build of its own (a
gufunc plus its wrappers, 0.6-0.85 s of compile time per kernel and dtype even for a one-line
loop), which made the cold-cache compile time of the kernel set 111-132 s instead of ~46 s;
and Numba's OpenMP workers spin after every call, stealing the cores from OpenBLAS's (a BLAS
matmul alternating with a parallel relu ran 3.3x slower than the two alone; with these
workers, 1.09x). Idle workers here block on a lock. The price is the wake-up: a threaded
call costs ~30-40 us more than a serial one on the 2-core VM (waking an idle virtual CPU),
against ~2 us for Numba's spinning pool, hence ``config.PARALLEL_MIN_SIZE`` (256K elements:
there a threaded relu is even with the serial one, gelu 1.5x faster; at 1M relu is 1.5x).

Calls from several Python threads at once are safe: while one call uses the workers, the
others run their parts serially on their own threads.
"""
from __future__ import annotations

import os
import threading
from queue import SimpleQueue
from typing import Any, Callable, Sequence

import numpy as np

from . import config


def count() -> int:
    """Threads a parallel call uses (``AUTOGRAD_ENGINE_THREADS``, default: the usable cores)."""
    return _count


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_count = config.THREADS if config.THREADS > 0 else _usable_cores()


def set_count(threads: int) -> None:
    """Use ``threads`` threads per parallel call from now on (a ``DataLoader`` worker process
    uses 1, as PyTorch's workers call ``torch.set_num_threads(1)``)."""
    global _count
    _count = max(1, int(threads))


class _Pool:
    """Worker threads, started on first use; one call at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inboxes: list[SimpleQueue] = []

    def start(self, workers: int) -> None:
        while len(self.inboxes) < workers:
            inbox: SimpleQueue = SimpleQueue()
            threading.Thread(target=_serve, args=(inbox,), daemon=True,
                             name=f"autograd_engine-kernel-{len(self.inboxes) + 1}").start()
            self.inboxes.append(inbox)


def _serve(inbox: SimpleQueue) -> None:
    while True:
        index, fn, args, done = inbox.get()
        try:
            done.put((index, fn(*args), None))
        except BaseException as exc:  # handed to the caller, which re-raises it
            done.put((index, None, exc))


_pool = _Pool()


def _reset_after_fork() -> None:
    global _pool
    _pool = _Pool()  # the parent's threads do not exist in a forked child


os.register_at_fork(after_in_child=_reset_after_fork)


def run(calls: Sequence[tuple[Callable, tuple]]) -> list:
    """Results of ``fn(*args)`` for each call, computed concurrently: the first call on this
    thread, the others on worker threads. The first exception raised is re-raised once all
    calls have finished. Serial when the workers are busy with another thread's call."""
    pool = _pool
    if len(calls) < 2 or not pool.lock.acquire(blocking=False):
        return [fn(*args) for fn, args in calls]
    try:
        pool.start(len(calls) - 1)
        done: SimpleQueue = SimpleQueue()  # per call: a straggler cannot answer the next one
        for index in range(1, len(calls)):
            fn, args = calls[index]
            pool.inboxes[index - 1].put((index, fn, args, done))
        results: list[Any] = [None] * len(calls)
        error = None
        try:
            fn, args = calls[0]
            results[0] = fn(*args)
        except BaseException as exc:
            error = exc
        for _ in range(len(calls) - 1):
            index, result, exc = done.get()
            results[index] = result
            error = error or exc
        if error is not None:
            raise error
        return results
    finally:
        pool.lock.release()


MASK_BITS = 32  # elements per word of a packed bit mask (uint32)


def bounds(length: int, parts: int, part: int) -> tuple[int, int]:
    """[lo, hi) of ``part`` when ``length`` items are cut into ``parts`` near-equal runs."""
    return length * part // parts, length * (part + 1) // parts


class SplitKernel:
    """A serial kernel over arrays cut along their first axis, run whole below
    ``config.PARALLEL_MIN_SIZE`` elements and in ``count()`` parts from there. ``loop`` is
    compiled with Numba, except a numpy ufunc, which is called as it is (``out`` positional).

    Every array argument is cut in proportion to its own length (so an (n_parts, ...) buffer
    gives each part one row), except those at the positions in ``shared``, which every part
    reads whole, and in ``accumulate``, arrays the kernel adds to: the first part adds to the
    original, each other part to a zeroed copy, which is added to the original afterwards.
    ``packed`` marks bit masks (``MASK_BITS`` elements per uint32 word): the parts are then
    cut on word boundaries and every other array at ``MASK_BITS`` times the word bounds.
    """

    __slots__ = ("kernel", "shared", "accumulate", "packed")

    def __init__(self, loop: Callable, shared: Sequence[int] = (),
                 accumulate: Sequence[int] = (), full_width: bool = False,
                 packed: Sequence[int] = ()) -> None:
        if isinstance(loop, np.ufunc):  # numpy's own loop (it releases the GIL), as it is
            self.kernel = loop
        else:
            # error_model="numpy": float division must not raise (it also blocks vectorising).
            self.kernel = config.jit(error_model="numpy")(loop)
            if full_width:  # compute-bound loops: 512-bit vectors on AVX-512 CPUs
                config.full_width(self.kernel)
        self.shared = frozenset(shared)
        self.accumulate = frozenset(accumulate)
        self.packed = frozenset(packed)

    def parts(self, size: int, length: int) -> int:
        """How many parts a call over ``size`` elements in ``length`` rows runs in."""
        if size < config.PARALLEL_MIN_SIZE:
            return 1
        return max(1, min(_count, length))

    def __call__(self, size: int, *args) -> Any:
        """Run on ``args``; ``size`` (the elements processed) decides serial or parallel.
        Returns the kernel's result, or the list of the parts' results."""
        if size < config.PARALLEL_MIN_SIZE:  # the common case first: one comparison
            return self.kernel(*args)
        return self.split(self.parts(size, self._rows(args)), *args)

    def split(self, parts: int, *args) -> Any:
        """Run on ``args`` cut into ``parts`` parts (fewer if the arrays have fewer rows),
        whatever their size: for callers that decide threading themselves."""
        rows = self._rows(args)
        parts = max(1, min(parts, rows))
        if parts == 1:
            return self.kernel(*args)
        sums = {i: [args[i]] + [np.zeros_like(args[i]) for _ in range(parts - 1)]
                for i in self.accumulate}
        calls = [(self.kernel, tuple(self._part(i, a, parts, p, sums, rows)
                                     for i, a in enumerate(args))) for p in range(parts)]
        results = run(calls)
        for i, (total, *copies) in sums.items():
            for copy in copies:
                np.add(total, copy, out=total)
        return results

    def first_position(self, size: int, *args) -> int:
        """For a kernel returning the first bad row of its part (or -1): the first bad row of
        the whole call, or -1."""
        result = self(size, *args)
        if not isinstance(result, list):
            return result
        rows = self._rows(args)
        for part, position in enumerate(result):
            if position >= 0:
                return bounds(rows, len(result), part)[0] + position
        return -1

    def _rows(self, args: tuple) -> int:
        """The length the parts divide: the first cut array's, or the first mask's words."""
        for i, a in enumerate(args):
            cut = (i in self.packed) if self.packed else (
                i not in self.shared and i not in self.accumulate)
            if cut and isinstance(a, np.ndarray):
                return a.shape[0]
        return 0

    def _part(self, i: int, a: Any, parts: int, part: int, sums: dict, rows: int) -> Any:
        if i in sums:
            return sums[i][part]
        if not isinstance(a, np.ndarray) or i in self.shared:
            return a
        if not self.packed:
            lo, hi = bounds(a.shape[0], parts, part)
            return a[lo:hi]
        lo, hi = bounds(rows, parts, part)  # rows: the mask's words
        return a[lo:hi] if i in self.packed else a[lo * MASK_BITS:hi * MASK_BITS]
