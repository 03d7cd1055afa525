"""The library's random generator: every draw (init, dropout, randn, shuffling) uses it."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

import numpy as np

_generator = np.random.default_rng()
_forbidden: Optional[str] = None  # set inside vmap(randomness="error"): the error to raise


def manual_seed(seed: int) -> np.random.Generator:
    """Make every later random draw of the library reproducible."""
    global _generator
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator() -> np.random.Generator:
    """The current generator (re-read on each use, so ``manual_seed`` takes effect)."""
    if _forbidden is not None:
        raise RuntimeError(_forbidden)
    return _generator


@contextmanager
def forbidden(message: str) -> Iterator[None]:
    """Random draws raise RuntimeError(message) inside the block."""
    global _forbidden
    previous, _forbidden = _forbidden, message
    try:
        yield
    finally:
        _forbidden = previous
