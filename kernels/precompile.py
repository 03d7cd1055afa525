"""Compile every kernel into Numba's on-disk cache ahead of use, on all cores.

Numba compiles a kernel the first time it runs for a dtype, so the first training step of a
fresh install (or a fresh container, or CI) waits for the compiler. ``precompile()`` runs
each kernel module's kernels once on tiny inputs, in float32 and float64, through the same
public wrappers the ops call (so the compiled signatures are exactly the ones used). There
are no separate multi-threaded builds: threads run the same serial kernels.

Compiling is single-threaded (Numba holds a global compiler lock), so the modules are spread
over worker processes, largest first: with 2 cores the whole set takes about half the wall
time of one process. A worker always compiles a whole module, so no two processes write the
cache entries of one function.

Command line: ``python -m autograd_engine precompile [--jobs N] [--modules NAME ...]``.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from typing import Callable, Optional, Sequence

import numpy as np

from . import (activations, config, conv, depthwise, gamma, losses, matmul, norm, optim, rnn,
               scatter, softmax, special, stats)

DTYPES = (np.float32, np.float64)


def _grid(dtype, *shape: int) -> np.ndarray:
    """A small array of distinct values in [-2, 2]."""
    return np.linspace(-2.0, 2.0, int(np.prod(shape)), dtype=dtype).reshape(shape)


def _activations(dtype) -> None:
    x = _grid(dtype, 8)
    g = np.ones_like(x)
    for name in ("leaky_relu", "sigmoid", "gelu", "gelu_tanh", "silu", "softplus", "elu"):
        y = getattr(activations, f"{name}_fwd")(x)
        getattr(activations, f"{name}_bwd")(y if name == "sigmoid" else x, g)
    activations.relu_bwd(activations.relu_fwd(x)[1], g)
    activations.tanh_bwd(activations.tanh_fwd(x), g)  # numpy's tanh for float64


def _softmax(dtype) -> None:
    x = _grid(dtype, 3, 5)
    softmax.softmax_bwd(softmax.softmax_fwd(x), x)
    softmax.log_softmax_bwd(softmax.log_softmax_fwd(x), x)


def _losses(dtype) -> None:
    target = np.array([0, 3, 1])
    _, pair = losses.cross_entropy_fwd(_grid(dtype, 3, 4), target)
    losses.cross_entropy_bwd(pair, target, np.ones(3, dtype))


def _norm(dtype) -> None:
    x = _grid(dtype, 4, 3, 2)
    _, mean, var = norm.batch_norm_fwd(x, None, None, 1e-5)
    norm.batch_norm_bwd(x, x, mean, 1.0 / np.sqrt(var + 1e-5), None)
    rows = _grid(dtype, 4, 6)
    _, mean, invstd = norm.layer_norm_fwd(rows, None, None, 1e-5)
    norm.layer_norm_bwd(rows, rows, mean, invstd, None)


def _conv(dtype) -> None:
    x = _grid(dtype, 1, 2, 5, 5)
    geometry = ((3, 3), (1, 1), (1, 1), (1, 1), (5, 5))  # kernel, stride, padding, dilation, out
    conv.col2im(conv.im2col(x, *geometry), x.shape, *geometry)
    conv.max_pool2d_fwd(x, (3, 3), (2, 2), (1, 1), (1, 1), (3, 3))  # any window
    values, index = conv.max_pool2d_fwd(x, (2, 2), (2, 2), (0, 0), (1, 1), (2, 2))  # 2x2
    conv.max_pool2d_bwd(values, index, x.shape)
    if dtype == conv.GEMM_DTYPE:  # the convolution GEMM has this one signature
        volume, weights = x[:, :, None], _grid(dtype, 1, 2, 18)
        conv.conv_gemm(volume, weights, None, (1, 3, 3), (1, 1, 1), (1, 1, 1), (0, 1, 1),
                       (1, 5, 5))


def _depthwise(dtype) -> None:
    x, w = _grid(dtype, 1, 2, 5, 5), _grid(dtype, 2, 3, 3)
    geometry = ((1, 1), (1, 1), (1, 1))  # stride, padding, dilation
    y = depthwise.depthwise_conv2d(x, w, *geometry, (5, 5))
    depthwise.depthwise_conv2d_input(y, w, x.shape, *geometry)
    depthwise.depthwise_conv2d_weight(x, y, (3, 3), *geometry)


def _optim(dtype) -> None:
    p, g = np.ones(8, dtype), _grid(dtype, 8)
    optim.sgd_step(p, g, np.zeros_like(p), lr=0.1, momentum=0.9)
    optim.adam_step(p, g, np.zeros_like(p), np.zeros_like(p), np.zeros_like(p), step=1, lr=0.1)
    optim.rmsprop_step(p, g, np.zeros_like(p), np.zeros_like(p), np.zeros_like(p), lr=0.1)
    optim.adagrad_step(p, g, np.zeros_like(p), step=1, lr=0.1)
    z = np.zeros_like
    optim.nadam_step(p, g, z(p), z(p), np.ones((), np.float32), step=1, lr=0.1)
    optim.radam_step(p, g, z(p), z(p), step=1, lr=0.1)
    optim.adamax_step(p, g, z(p), z(p), step=1, lr=0.1)
    optim.adadelta_step(p, g, z(p), z(p))
    optim.asgd_step(p, g, z(p), np.ones((), np.float32), np.ones((), np.float32), step=1, lr=0.1)
    optim.rprop_step(p, g, z(p), z(p))
    u = optim.adafactor_direction(g.reshape(1, 2, 4), np.ones((1, 2), dtype),
                                  np.ones((1, 4), dtype), np.ones(1, dtype), 1e-3)
    optim.adafactor_apply(p, u.reshape(-1), g, scale=-0.1)


def _stats(dtype) -> None:
    x = _grid(dtype, 2, 3, 4)
    x[0, 0, 0] = np.nan  # non-finite sums run the NaN/Inf count
    stats.moments(x)
    stats.sumsq(x)
    stats.update_sumsq(x, x)
    stats.unit_moments(x, -1.0, 1.0)
    stats.unit_moments(x[:, :, :1], -1.0, 1.0)  # one element per unit: the rows kernel


def _scatter(dtype) -> None:
    scatter.scatter_add_flat(4, np.array([0, 3, 3]), np.ones(3, dtype))
    scatter.scatter_add_rows(3, np.array([0, 2]), np.ones((2, 4), dtype))


def _special(dtype) -> None:
    special.erf(_grid(dtype, 3))
    special.erfc(_grid(dtype, 3))


def _gamma(dtype) -> None:
    x = _grid(dtype, 3)  # every kernel computes in float64: one build serves both dtypes
    for name in ("lgamma", "digamma", "trigamma", "i0", "i1"):
        getattr(gamma, name)(x)
    gamma.polygamma(2, x)


def _rnn(dtype) -> None:
    c_prev = _grid(dtype, 2, 3)
    _, _, act, tanh_c = rnn.lstm_cell_fwd(_grid(dtype, 2, 12), c_prev)
    rnn.lstm_cell_bwd(act, tanh_c, c_prev, c_prev, c_prev)
    xw = _grid(dtype, 2, 9)
    _, saved = rnn.gru_cell_fwd(xw, xw, c_prev)
    rnn.gru_cell_bwd(saved, c_prev, c_prev)


def _matmul(dtype) -> None:
    matmul._kernel(np.dtype(dtype))


# Largest first (cold compile seconds, measured): the pool hands them out in this order.
MODULES: dict = {"matmul": _matmul, "activations": _activations, "optim": _optim,
                 "norm": _norm, "softmax": _softmax, "conv": _conv, "depthwise": _depthwise,
                 "rnn": _rnn, "losses": _losses, "gamma": _gamma, "stats": _stats,
                 "scatter": _scatter, "special": _special}


def _compile_module(name: str) -> tuple:
    """Worker: compile module ``name`` for both dtypes; (name, seconds)."""
    start = time.perf_counter()
    warm: Callable = MODULES[name]
    for dtype in DTYPES:
        warm(dtype)
    return name, time.perf_counter() - start


def precompile(jobs: Optional[int] = None, modules: Sequence[str] = tuple(MODULES)) -> dict:
    """Compile (or load from the cache) every kernel of ``modules`` for float32 and float64.

    ``jobs`` worker processes (default: one per core). Returns ``{"modules": {name: seconds}, "wall": seconds, "jobs": n}``.
    """
    if not config.CACHE:
        raise RuntimeError("precompile: the on-disk cache is off (AUTOGRAD_ENGINE_NUMBA_CACHE=0), "
                           "so every compiled kernel would be thrown away")
    unknown = set(modules) - set(MODULES)
    if unknown:
        raise ValueError(f"precompile: unknown kernel modules {sorted(unknown)}; "
                         f"expected some of {list(MODULES)}")
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(modules)))
    tasks = [name for name in MODULES if name in modules]
    start = time.perf_counter()
    if jobs == 1:
        done = [_compile_module(task) for task in tasks]
    else:
        # spawn: a fresh interpreter per worker (a forked one would share the parent's state)
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            done = pool.map(_compile_module, tasks, chunksize=1)
    return {"modules": dict(done),
            "wall": time.perf_counter() - start, "jobs": jobs}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="autograd-engine precompile",
                                     description="Compile every kernel into the Numba cache.")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes (default: one per core)")
    parser.add_argument("--modules", nargs="+", default=list(MODULES), choices=list(MODULES),
                        help="kernel modules to compile (default: all)")
    args = parser.parse_args(argv)
    result = precompile(args.jobs, args.modules)
    for name, seconds in sorted(result["modules"].items(), key=lambda item: -item[1]):
        print(f"{name:12s} {seconds:6.1f} s")
    print(f"{'total':12s} {sum(result['modules'].values()):6.1f} s of compiling, "
          f"{result['wall']:.1f} s wall with {result['jobs']} process(es)")
    return 0
