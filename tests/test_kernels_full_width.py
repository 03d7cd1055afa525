"""512-bit vectors for the float32 activation and recurrent-cell loops (``config.full_width``):
the forced width must vectorise every loop it is applied to (LLVM prints a remark to stderr
for each forced loop it cannot vectorise), and must reach the machine code."""
from __future__ import annotations

import os
import subprocess
import sys

import numba
import pytest

from autograd_engine.kernels import config

_COMPILE_ALL = """
import re
import numpy as np
from autograd_engine.kernels import activations
x = np.linspace(-3, 3, 101, dtype=np.float32)
for name, kernel in activations._KERNELS.items():
    args = (x, x) if name.endswith("bwd") else (x,)
    if name == "relu_bwd":  # it reads the forward's bit mask
        args = (activations.relu_fwd(x)[1], x)
    constants = {"leaky_relu": (0.1,), "softplus": (1.0, 20.0), "elu": (1.0,)}
    getattr(activations, name)(*args, *constants.get(name.rsplit("_", 1)[0], ()))
from autograd_engine.kernels import rnn
c_prev = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
_, _, act, tanh_c = rnn.lstm_cell_fwd(np.linspace(-3, 3, 48, dtype=np.float32).reshape(3, 16),
                                      c_prev)
rnn.lstm_cell_bwd(act, tanh_c, c_prev, c_prev, c_prev)
xw = np.linspace(-3, 3, 36, dtype=np.float32).reshape(3, 12)
rnn.gru_cell_bwd(rnn.gru_cell_fwd(xw, xw[::-1].copy(), c_prev)[1], c_prev, c_prev)
asm = next(iter(activations._KERNELS["gelu_fwd"].kernel.inspect_asm().values()))
print("zmm" if re.search("zmm", asm) else "no zmm")
"""


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="kernels run as Python")
def test_forced_width_vectorises_every_float32_loop_it_is_applied_to():
    env = dict(os.environ, AUTOGRAD_ENGINE_NUMBA_CACHE="0")  # compile here, no cache load
    run = subprocess.run([sys.executable, "-c", _COMPILE_ALL], env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert "not vectorized" not in run.stderr, run.stderr
    if config._WIDE_VECTOR_BITS == 512:  # an AVX-512 host: the width reached the code
        assert run.stdout.strip() == "zmm"


def test_lanes_are_for_float32_only():
    f32 = numba.types.Array(numba.types.float32, 1, "C")
    f64 = numba.types.Array(numba.types.float64, 1, "C")
    assert config._lanes((f32, f32), 512) == 16
    assert config._lanes((numba.types.int64, f32), 512) == 16
    assert config._lanes((f64, f64), 512) == 0
    assert config._lanes((numba.types.int64,), 512) == 0
