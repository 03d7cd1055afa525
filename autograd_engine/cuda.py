"""``autograd_engine.cuda``: there is no GPU backend, so ``is_available()`` is False and code
that picks ``"cuda" if cuda.is_available() else "cpu"`` runs on the CPU."""
from __future__ import annotations


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Nothing to seed without a GPU (``autograd_engine.manual_seed`` seeds the CPU)."""


manual_seed_all = manual_seed
