"""``python -m bench.compile_times``: cold-cache compile time of the whole kernel set.

Each measurement is one fresh ``python -m autograd_engine precompile`` process against an
empty Numba cache: it compiles every kernel module for float32 and float64 through the
public wrappers, either the serial builds only (what the default configuration runs) or
all builds (with the multi-threaded ones, ``AUTOGRAD_ENGINE_PARALLEL=1``). Per-module times
come from the single-process runs; the two-process runs give the wall time of
``precompile --jobs 2``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LINE = re.compile(r"^(\w+)\s+([\d.]+) s$")


def measure(jobs: int, parallel_builds: bool) -> dict:
    """{"modules": {name: seconds}, "wall": seconds} of one cold precompile run."""
    args = [sys.executable, "-m", "autograd_engine", "precompile", "--jobs", str(jobs)]
    if parallel_builds:
        args.append("--parallel-builds")
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


def report(serial: dict, everything: dict, serial_2: dict, everything_2: dict) -> str:
    names = sorted(everything["modules"], key=lambda name: -everything["modules"][name])
    lines = ["| kernel module | serial builds | all builds |", "|---|---|---|"]
    lines += [f"| {name} | {serial['modules'].get(name, 0.0):.1f} s | "
              f"{everything['modules'][name]:.1f} s |" for name in names]
    lines += [f"| **process wall time, 1 job** | **{serial['wall']:.1f} s** | "
              f"**{everything['wall']:.1f} s** |",
              f"| **process wall time, `--jobs 2`** | **{serial_2['wall']:.1f} s** | "
              f"**{everything_2['wall']:.1f} s** |"]
    return "\n".join(lines)


def main() -> int:
    start = time.perf_counter()
    runs = [measure(1, False), measure(1, True), measure(2, False), measure(2, True)]
    print(report(*runs))
    print(f"\n(float32 + float64, empty cache each run; measured in "
          f"{time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
