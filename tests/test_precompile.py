"""``precompile`` fills the Numba cache with every kernel signature the library uses: after
it, a training workload touching every kernel family (in float32 and float64, on the Numba
GEMM) compiles nothing. Run in subprocesses against an empty cache directory."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from autograd_engine.kernels import precompile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORKLOAD = r"""
import json, time
from numba.core import event

compiled = []


class Compiles(event.Listener):
    def on_start(self, ev):
        pass

    def on_end(self, ev):
        compiled.append(ev.data["dispatcher"].py_func.__module__)


event.register("numba:compile", Compiles())
import numpy as np
import autograd_engine as ae
from autograd_engine import nn
from autograd_engine.nn import functional as F
from autograd_engine.diagnostics import GradientMonitor

for dtype in (ae.float32, ae.float64):
    ae.manual_seed(0)
    conv, conv_norm = nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm1d(2)  # norm on (N, C, L)
    pool = nn.Sequential(nn.ReLU(), nn.MaxPool2d(3, stride=1, padding=1), nn.MaxPool2d(2),
                         nn.Flatten())
    head = nn.Sequential(nn.Linear(18, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 16),
                         nn.BatchNorm1d(16), nn.SiLU(), nn.Linear(16, 16), nn.Tanh(),
                         nn.Linear(16, 16), nn.Sigmoid(), nn.Linear(16, 16), nn.ELU(),
                         nn.Linear(16, 16), nn.Softplus(), nn.Linear(16, 16), nn.LeakyReLU(),
                         nn.Linear(16, 16), nn.GELU(approximate="tanh"), nn.Linear(16, 5))
    embed = nn.Embedding(10, 18)
    lstm, gru = nn.LSTM(5, 5), nn.GRU(5, 5)
    model = nn.ModuleList([conv, conv_norm, head, embed, lstm, gru]).to(dtype)
    x = ae.randn(4, 1, 6, 6, dtype=dtype)
    tokens = ae.tensor([1, 3, 3, 7])
    target = ae.tensor([0, 4, 2, 1])
    for opt_class in (ae.optim.SGD, ae.optim.Adam, ae.optim.RMSprop, ae.optim.Adagrad):
        opt = opt_class(model.parameters(), lr=0.01)
        with GradientMonitor(model, opt):
            image = conv_norm(conv(x).reshape(4, 2, 36)).reshape(4, 2, 6, 6)
            logits = head(pool(image) + embed(tokens))
            logits = gru(lstm(logits[None])[0])[0][0]  # the fused recurrent layers' kernels
            loss = F.cross_entropy(logits, target) + F.log_softmax(logits, 1)[:, 0].mean()
            loss = loss + F.softmax(logits, 1)[[0, 2], [1, 1]].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
print(json.dumps(compiled))
"""


def _run(args, cache_dir, code=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("NUMBA_", "AUTOGRAD_ENGINE_"))}
    env.update(NUMBA_CACHE_DIR=str(cache_dir), AUTOGRAD_ENGINE_MATMUL="numba")
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _kernel_modules(done: subprocess.CompletedProcess) -> set:
    """The kernel modules a workload run compiled anything of."""
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    return {m.rsplit(".", 1)[-1] for m in modules if m.startswith("autograd_engine.kernels")}


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="nothing to compile")
def test_precompiled_cache_serves_a_whole_training_workload(tmp_path):
    others = [name for name in precompile.MODULES if name != "activations"]
    done = _run(["autograd_engine", "precompile", "--jobs", "2", "--modules", *others], tmp_path)
    assert "wall with 2 process(es)" in done.stdout
    assert "remark" not in done.stderr  # LLVM's notes on forced vector widths reach users
    # Everything but the activations was precompiled: the workload compiles exactly those.
    assert _kernel_modules(_run([], tmp_path, WORKLOAD)) == {"activations"}
    # Everything precompiled (into a new cache): the workload compiles nothing.
    _run(["autograd_engine", "precompile", "--jobs", "2"], tmp_path / "all")
    assert _kernel_modules(_run([], tmp_path / "all", WORKLOAD)) == set()


def test_unknown_modules_are_rejected():
    with pytest.raises(ValueError, match="unknown kernel modules"):
        precompile.precompile(modules=["activations", "fft"])


def test_refuses_to_run_without_the_cache(monkeypatch):
    monkeypatch.setattr(precompile.config, "CACHE", False)
    with pytest.raises(RuntimeError, match="cache is off"):
        precompile.precompile(modules=["scatter"])
