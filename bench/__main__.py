"""``python -m bench [--quick] [--filter TEXT] [--out DIR]``: run the curated workloads side by
side in one process and write ``<out>/<date>-<host>.md`` and a PNG chart (``-quick`` and/or
``-parallel``, for ``AUTOGRAD_ENGINE_PARALLEL=1``, added to the name)."""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

from .harness import ROUNDS, Timing, compare, markdown_table
from .workloads import all_workloads, torch


def machine_header() -> str:
    import numba

    import autograd_engine as ae
    from autograd_engine.kernels import config, threads
    from autograd_engine.kernels import matmul as kmatmul

    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    blas = "unknown (threadpoolctl not installed)"
    try:
        from threadpoolctl import threadpool_info

        blas = "; ".join(f"{i.get('internal_api')} {i.get('version')} "
                         f"({i.get('architecture')}, {i.get('num_threads')} threads)"
                         for i in threadpool_info() if i.get("user_api") == "blas") or "none"
    except ImportError:
        pass
    env = {k: v for k, v in os.environ.items()
           if k.startswith(("NUMBA_", "OMP_", "OPENBLAS_", "MKL_", "AUTOGRAD_ENGINE_"))}
    return "\n".join([
        f"- CPU: {cpu}, {os.cpu_count()} cores",
        f"- Python {platform.python_version()}, numpy {np.__version__}, numba "
        f"{numba.__version__}, autograd_engine {ae.__version__}, torch "
        f"{torch.__version__ if torch else 'not installed'}",
        f"- BLAS: {blas}",
        f"- kernel threads: {threads.count()}, "
        + (f"parallel kernels from {config.PARALLEL_MIN_SIZE} elements" if config.PARALLEL
           else "parallel kernels off")
        + f", matmul backend {kmatmul.get_matmul_backend()}",
        f"- environment: {env or 'defaults'}",
    ])


_STARTUP_STEP = ("import autograd_engine as ae; from autograd_engine import nn; "
                 "ae.manual_seed(0); m = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), "
                 "nn.Linear(128, 10)); o = ae.optim.Adam(m.parameters()); "
                 "x = ae.randn(32, 64); y = ae.randint(0, 10, (32,)); "
                 "l = nn.functional.cross_entropy(m(x), y); l.backward(); o.step()")


def _run_python(code: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup_costs() -> list:
    """Fresh processes: cold-cache compile + first step, warm import, warm first step."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cold = _run_python(_STARTUP_STEP, env)
        warm_import = min(_run_python("import autograd_engine", env) for _ in range(3))
        warm_step = min(_run_python(_STARTUP_STEP, env) for _ in range(3))
        demo = "from autograd_engine import demo; demo.main(['--epochs', '1', '--out', %r])" % (
            os.path.join(cache, "demo"))
        demo_env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(cache, "demo-cache"))
        cold_demo = _run_python(demo, demo_env)
    bare = min(_run_python("pass", os.environ.copy()) for _ in range(3))
    return [
        ("cold cache: import + first training step (compiles its kernels)", cold),
        ("cold cache: the demo, 1 epoch (compiles everything the demo uses)", cold_demo),
        ("warm cache: import autograd_engine", warm_import),
        ("warm cache: import + first training step", warm_step),
        ("bare Python interpreter start (for reference)", bare),
    ]


def plot(rows: list, path: str) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    by_workload: dict = {}
    for r in rows:
        by_workload.setdefault(r.workload, {})[r.impl] = r
    names, ratios_numpy, ratios_torch = [], [], []
    for workload, impls in by_workload.items():
        ours = impls.get("autograd_engine")
        if ours is None or ours.runs == 0:
            continue
        names.append(workload if len(workload) < 48 else workload[:45] + "...")
        for store, base in ((ratios_numpy, "numpy"), (ratios_torch, "torch")):
            b = impls.get(base)
            store.append(b.median / ours.median if b is not None and b.runs else np.nan)
    fig, ax = plt.subplots(figsize=(10, 0.35 * len(names) + 1.5))
    y = np.arange(len(names))
    ax.barh(y - 0.2, ratios_numpy, 0.4, label="numpy time / ours")
    ax.barh(y + 0.2, ratios_torch, 0.4, label="PyTorch time / ours")
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("speed ratio (> 1: autograd_engine is faster)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a subset, under 2 minutes")
    parser.add_argument("--filter", default="", help="only workloads whose name contains this")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results"))
    parser.add_argument("--no-startup", action="store_true", help="skip start-up timings")
    args = parser.parse_args(argv)
    min_time = 0.2 if args.quick else 0.5
    rows: list[Timing] = []
    for workload in all_workloads():
        if (args.quick and not workload.quick) or args.filter not in workload.name:
            continue
        print(f"... {workload.name}", file=sys.stderr, flush=True)
        rows += compare(workload.name, workload.build(), min_time=min_time,
                        unit_ops=workload.unit_ops)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    stamp = datetime.datetime.now().strftime("%Y-%m-%d")
    host = socket.gethostname().split(".")[0]
    os.makedirs(args.out, exist_ok=True)
    from autograd_engine.kernels import config

    suffix = ("-quick" if args.quick else "") + ("-parallel" if config.PARALLEL else "")
    base = os.path.join(args.out, f"{stamp}-{host}{suffix}")
    text = [f"# autograd_engine benchmarks, {stamp}", "", f"Command: `{command.strip()}`", "",
            machine_header(), "",
            f"Medians of repeated calls in one process, the implementations of a workload "
            f"taking {ROUNDS} turns each; the first call (compilation) is excluded and shown "
            "separately. 'vs X' = X's time / this time: above 1.00x means faster than X.", "",
            markdown_table(rows)]
    if not args.no_startup:
        text += ["", "## Start-up (fresh processes)", "", "| what | seconds |", "|---|---|"]
        text += [f"| {what} | {seconds:.2f} |" for what, seconds in startup_costs()]
    with open(base + ".md", "w") as f:
        f.write("\n".join(text) + "\n")
    print("\n".join(text))
    if plot(rows, base + ".png"):
        print(f"\nwrote {base}.md and {base}.png")
    else:
        print(f"\nwrote {base}.md (matplotlib not installed: no chart)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
