"""``python -m bench.compile_times``: cold-cache compile time of the whole kernel set.

The kernel test modules (``tests/test_kernels_*.py``) call every kernel with every signature
the library compiles: float32 and float64, serial and parallel builds, each GEMM driver. Run
in a fresh process against an empty Numba cache, they compile the whole set; a listener on
Numba's compile events sums the time per kernel module (nested compiles of helpers count
once, in the kernel that pulled them in). The tests' own run time is reported separately.
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_CHILD = r"""
import collections, json, sys, time
from numba.core import event

totals = collections.Counter()
count = collections.Counter()


class RootCompiles(event.Listener):
    def __init__(self):
        self.stack = []

    def on_start(self, ev):
        self.stack.append(time.perf_counter())

    def on_end(self, ev):
        start = self.stack.pop()
        if not self.stack:
            module = ev.data["dispatcher"].py_func.__module__
            totals[module] += time.perf_counter() - start
            count[module] += 1


event.register("numba:compile", RootCompiles())
import pytest

start = time.perf_counter()
code = pytest.main(["-q", "-p", "no:cacheprovider", "-x", *sys.argv[1:]])
print("RESULT " + json.dumps({"wall": time.perf_counter() - start, "exit": int(code),
                             "modules": {m: [totals[m], count[m]] for m in totals}}))
"""


def measure(test_files: list) -> dict:
    """Compile times per module from one fresh process with an empty Numba cache."""
    import json

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        done = subprocess.run([sys.executable, "-c", _CHILD, *test_files], cwd=ROOT, env=env,
                              capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"compile-time run failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    result = json.loads(lines[-1][len("RESULT "):])
    if result["exit"] != 0:
        raise RuntimeError(f"kernel tests failed:\n{done.stdout[-3000:]}")
    return result


def report(result: dict) -> str:
    modules = sorted(result["modules"].items(), key=lambda item: -item[1][0])
    total = sum(seconds for seconds, _ in result["modules"].values())
    lines = ["| kernel module | compile time | root compiles |", "|---|---|---|"]
    lines += [f"| {name.rsplit('.', 1)[-1]} | {seconds:.1f} s | {n} |"
              for name, (seconds, n) in modules]
    lines += [f"| **all kernels** | **{total:.1f} s** | "
              f"{sum(n for _, n in result['modules'].values())} |", "",
              f"Wall time of the cold run (compiles + the tests themselves): "
              f"{result['wall']:.1f} s."]
    return "\n".join(lines)


def main() -> int:
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "test_kernels_*.py")))
    start = time.perf_counter()
    result = measure(files)
    print(report(result))
    print(f"\n(measured in {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
