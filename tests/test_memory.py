"""Freed array memory is kept for reuse (glibc's mallopt), so a repeated training step
does not page-fault fresh memory in every time."""
from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from autograd_engine import memory

_STEPS = """
import resource
import numpy as np
import autograd_engine
sizes = [3 << 20, 5 << 20, 2 << 20, 7 << 20]  # bytes / 4: float64 arrays of 8-28 MiB
def step():
    arrays = [np.ones(n // 2) for n in sizes]  # mixed sizes, all alive, then all freed
    del arrays
for _ in range(3):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) // 5)
"""

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")


def _faults_per_step(keep: str) -> int:
    env = dict(os.environ, AUTOGRAD_ENGINE_KEEP_FREED_MEMORY=keep)
    run = subprocess.run([sys.executable, "-c", _STEPS], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return int(run.stdout)


@glibc
def test_freed_memory_is_reused_without_page_faults():
    kept, returned = _faults_per_step("1"), _faults_per_step("0")
    assert kept < 50  # fresh pages for the 68 MiB a step uses would fault in every step
    assert returned > 10 * max(kept, 1)


@glibc
def test_keep_freed_memory_can_be_switched_back():
    try:
        assert memory.keep_freed_memory(False)
    finally:
        assert memory.keep_freed_memory(True)


def test_a_bad_environment_value_is_an_error(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_ENGINE_KEEP_FREED_MEMORY", "yes")
    with pytest.raises(ValueError, match="AUTOGRAD_ENGINE_KEEP_FREED_MEMORY must be 0 or 1"):
        memory._keep_by_default()
