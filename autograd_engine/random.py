"""The library's random generator: every draw (init, dropout, randn, shuffling) uses it."""
from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Make every later random draw of the library reproducible."""
    global _generator
    _generator = np.random.default_rng(int(seed))
    return _generator


def generator() -> np.random.Generator:
    """The current generator (re-read on each use, so ``manual_seed`` takes effect)."""
    return _generator
