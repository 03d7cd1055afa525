"""Gradient test cases for every registered op, one module per op family.

Each family module defines ``CASES``: op class name -> list of ``Case``; and optionally
``COVERED``: op class name -> the op whose second-order checks exercise it (the fused
gradient ops such as ``ReluBackward``). ``tests/test_gradcheck_all.py`` fails when a
registered op has neither.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import autograd_engine as ae


@dataclass
class Case:
    """``fn(*inputs)`` is checked with gradcheck (and gradgradcheck if ``second_order``)."""

    fn: Callable
    inputs: Callable[[], tuple]  # built lazily so each test gets fresh tensors
    second_order: bool = True
    label: str = ""
    tolerances: dict = field(default_factory=dict)


def rand(*shape: int, low: float = -1.0, high: float = 1.0, seed: int = 0,
         requires_grad: bool = True) -> ae.Tensor:
    """A float64 tensor with values in [low, high)."""
    rng = np.random.default_rng(seed + 7 * len(shape) + sum(shape))
    data = rng.uniform(low, high, shape).astype(np.float64)
    return ae.tensor(data, dtype=np.float64, requires_grad=requires_grad)


def positive(*shape: int, seed: int = 0) -> ae.Tensor:
    return rand(*shape, low=0.5, high=2.0, seed=seed)


def all_cases() -> tuple[dict, dict]:
    cases: dict = {}
    covered: dict = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name, items in getattr(module, "CASES", {}).items():
            cases.setdefault(name, []).extend(items)
        covered.update(getattr(module, "COVERED", {}))
    return cases, covered
