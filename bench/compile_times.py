"""``python -m bench.compile_times``: cold-cache compile time of the whole kernel set.

Each measurement is one fresh ``python -m autograd_engine precompile`` process against an
empty Numba cache: it compiles every kernel module for float32 and float64 through the
public wrappers. That is every kernel any configuration runs: multi-threaded calls run the
same serial kernels on worker threads. Per-module times come from the single-process runs;
the two-process runs give the wall time of ``precompile --jobs 2``.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LINE = re.compile(r"^(\w+)\s+([\d.]+) s$")
RUNS = 2


def measure(jobs: int) -> dict:
    """{"modules": {name: seconds}, "wall": seconds} of one cold precompile run."""
    args = [sys.executable, "-m", "autograd_engine", "precompile", "--jobs", str(jobs)]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        start = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"precompile failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    modules = {m.group(1): float(m.group(2))
               for m in map(_LINE.match, done.stdout.splitlines()) if m}
    return {"modules": modules, "wall": wall}


def report(one: list, two: list) -> str:
    """Per-module medians of the one-process runs; wall-time medians of both."""
    names = sorted(one[0]["modules"], key=lambda name: -one[0]["modules"][name])
    lines = ["| kernel module | compile time |", "|---|---|"]
    lines += [f"| {name} | {statistics.median(r['modules'][name] for r in one):.1f} s |"
              for name in names]
    lines += [f"| **process wall time, 1 job** | **{statistics.median(r['wall'] for r in one):.1f} s** |",
              f"| **process wall time, `--jobs 2`** | "
              f"**{statistics.median(r['wall'] for r in two):.1f} s** |"]
    return "\n".join(lines)


def main() -> int:
    start = time.perf_counter()
    one, two = [], []
    for _ in range(RUNS):  # alternated, so drifts in machine load hit both alike
        one.append(measure(1))
        two.append(measure(2))
    print(report(one, two))
    print(f"\n(float32 + float64, empty cache each run, medians of {RUNS} runs; measured in "
          f"{time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
