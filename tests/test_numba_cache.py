"""Numba's on-disk cache is robust: a read-only package still works, two processes filling
one cache at once leave it usable, and a changed kernel source is recompiled, not served
stale. All on one small kernel module (``scatter``), in subprocesses, on a copy of
``kernels/`` imported as a top-level package."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = """
import json
import numpy as np
from kernels import scatter
out = scatter.scatter_add_flat(4, np.array([0, 2, 2, 3]), np.arange(4.0))
stats = scatter._FLAT.kernel.stats
print(json.dumps({"out": out.tolist(), "hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values())}))
"""
EXPECTED = [0.0, 0.0, 3.0, 3.0]
# Root ignores permission bits; without CAP_DAC_OVERRIDE it obeys them like any user.
DROP_ROOT_OVERRIDES = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def _copy_kernels(dest) -> str:
    """A copy of kernels/ (without its caches) as the package ``kernels`` under ``dest``."""
    target = os.path.join(dest, "kernels")
    shutil.copytree(os.path.join(ROOT, "kernels"), target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _env(cache_dir=None, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NUMBA_", "AUTOGRAD_ENGINE_", "PYTHON"))}
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(cache_dir)
    env.update(extra)
    return env


def _start(cwd, env, prefix=()) -> subprocess.Popen:
    return subprocess.Popen([*prefix, sys.executable, "-c", SCRIPT], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(proc: subprocess.Popen) -> tuple[dict, str]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1]), err


def _run(cwd, env, prefix=()) -> tuple[dict, str]:
    return _result(_start(cwd, env, prefix))


def _make_read_only(path) -> None:
    for root, dirs, files in os.walk(path):
        for name in files:
            os.chmod(os.path.join(root, name), 0o444)
        os.chmod(root, 0o555)


def _make_writable(path) -> None:
    for root, dirs, files in os.walk(path):
        os.chmod(root, 0o755)


@pytest.mark.slow
def test_read_only_package_falls_back_to_a_user_cache(tmp_path):
    prefix = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permission bits are not enforced")
        prefix = DROP_ROOT_OVERRIDES
    package = _copy_kernels(tmp_path / "site")
    user_cache = tmp_path / "home-cache"
    user_cache.mkdir()
    _make_read_only(package)
    env = _env(XDG_CACHE_HOME=str(user_cache), HOME=str(tmp_path))
    try:
        first, err = _run(tmp_path / "site", env, prefix)
        second, _ = _run(tmp_path / "site", env, prefix)
    finally:
        _make_writable(package)
    assert first["out"] == EXPECTED and second["out"] == EXPECTED
    assert not os.path.exists(os.path.join(package, "__pycache__"))
    cached = [f for _, _, files in os.walk(user_cache) for f in files if f.endswith(".nbi")]
    # Numba's per-user cache took over: the second process loads instead of compiling
    print(f"read-only package: first {first}, second {second}, user cache files {cached}")
    assert (cached and second["hits"] > 0) or err.count("NumbaWarning") <= 1, err


@pytest.mark.slow
def test_two_processes_filling_one_cache_leave_it_usable(tmp_path):
    _copy_kernels(tmp_path)
    env = _env(tmp_path / "cache")
    racers = [_start(tmp_path, env) for _ in range(2)]
    for proc in racers:
        assert _result(proc)[0]["out"] == EXPECTED
    third, _ = _run(tmp_path, env)
    assert third == {"out": EXPECTED, "hits": 1, "misses": 0}


@pytest.mark.slow
def test_changed_kernel_source_is_recompiled_not_served_from_cache(tmp_path):
    source = os.path.join(_copy_kernels(tmp_path), "scatter.py")
    env = _env(tmp_path / "cache")
    assert _run(tmp_path, env)[0]["out"] == EXPECTED
    with open(source) as f:
        text = f.read()
    old = "        out[j] += values[i]\n"
    assert text.count(old) == 1
    with open(source, "w") as f:  # same size, as a small upgrade could be
        f.write(text.replace(old, "        out[j] -= values[i]\n"))
    st = os.stat(source)
    os.utime(source, (st.st_atime, st.st_mtime + 2))  # a new install has a new mtime
    upgraded, _ = _run(tmp_path, env)
    assert upgraded["out"] == [-v for v in EXPECTED] and upgraded["misses"] == 1
