"""Kernel bounds safety: every kernel is reached through its public op with odd arrays
(empty dims, non-contiguous and negative-stride views, huge/tiny values, NaN/Inf, mixed or
wrong dtypes); the result equals that of a contiguous copy or is a clean Python exception.

The kernel tests also run once in subprocesses, with ``NUMBA_BOUNDSCHECK=1`` (an
out-of-bounds access raises instead of reading memory) and with ``NUMBA_DISABLE_JIT=1``
(kernel bodies run as plain Python).
"""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import time
from typing import Callable

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.kernels import matmul as matmul_kernels
from autograd_engine.kernels import scatter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLEAN_ERRORS = (RuntimeError, ValueError, IndexError, TypeError)
EXTREMES = np.array([np.nan, np.inf, -np.inf, 3e38, -3e38, 1e-310, -1e-310, 0.0, -0.0, 88.7,
                     -88.7, 710.0, -710.0, 1.0])


def layouts(a: np.ndarray) -> dict:
    """The same values as ``a`` in odd memory layouts: name -> array equal to ``a``."""
    out = {"contiguous": a}
    if a.ndim:
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        wide[..., ::2] = a
        out["strided"] = wide[..., ::2]
        flipped = np.ascontiguousarray(a[..., ::-1])
        out["negative_stride"] = flipped[..., ::-1]
    if a.ndim >= 2:
        out["transposed"] = np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2)
    out["fortran"] = np.asfortranarray(a)
    return out


def _run(fn: Callable, arrays: list, grad_index: list) -> tuple:
    """Forward of fn on leaves made from ``arrays``; gradients of a weighted sum."""
    leaves = [ae.from_numpy(a).requires_grad_(i in grad_index) if a.dtype.kind == "f" else
              ae.from_numpy(a) for i, a in enumerate(arrays)]
    out = fn(*leaves)
    grads = []
    if out.requires_grad and out.numel():
        w = np.linspace(-1, 1, out.numel()).reshape(out.shape).astype(out.dtype)
        (out * ae.tensor(w)).sum().backward()
        grads = [leaves[i].grad.data if leaves[i].grad is not None else None
                 for i in grad_index]
    return out.data, grads


def check_layouts(fn: Callable, *arrays: np.ndarray, grad_index=(0,), tol: float = 0.0) -> None:
    """fn on every odd layout of each array equals fn on contiguous copies (exactly, or to
    ``tol`` for BLAS, whose summation order depends on the layout)."""
    expected = _run(fn, [np.ascontiguousarray(a) for a in arrays], list(grad_index))
    for k, a in enumerate(arrays):
        for name, variant in layouts(a).items():
            args = list(arrays)
            args[k] = variant
            got = _run(fn, args, list(grad_index))
            for g, e in zip([got[0], *got[1]], [expected[0], *expected[1]]):
                np.testing.assert_allclose(g, e, rtol=tol, atol=tol, err_msg=f"arg {k} {name}")


def correct_or_clean(fn: Callable, *args) -> None:
    """Either returns, or raises one of the exception types PyTorch uses for bad input."""
    try:
        fn(*args)
    except CLEAN_ERRORS:
        pass


ACTIVATIONS = {
    "relu": F.relu, "leaky_relu": lambda x: F.leaky_relu(x, 0.2), "sigmoid": F.sigmoid,
    "tanh": F.tanh, "gelu": F.gelu, "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu, "softplus": lambda x: F.softplus(x, beta=2.0), "elu": F.elu,
    "softmax": lambda x: F.softmax(x, dim=-1), "softmax0": lambda x: F.softmax(x, dim=0),
    "log_softmax": lambda x: F.log_softmax(x, dim=-1),
}
SHAPES = [(0,), (3, 0), (0, 4), (1,), (5, 7), (2, 3, 4)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_kernels_on_odd_layouts(name, shape, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype) * 5
    check_layouts(ACTIVATIONS[name], x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_kernels_on_extreme_values(name, dtype):
    with np.errstate(all="ignore"):
        x = np.stack([EXTREMES, EXTREMES[::-1]]).astype(dtype)
    check_layouts(ACTIVATIONS[name], x)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_kernels_on_other_dtypes(name):
    for x in [np.arange(6, dtype=np.int64).reshape(2, 3), np.ones((2, 3), np.float16),
              np.ones((2, 3), bool), np.ones((2, 3), np.complex128)]:
        correct_or_clean(lambda: ACTIVATIONS[name](ae.tensor(x)))


def test_cross_entropy_kernels_on_odd_inputs():
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((6, 5)) * 3
    target = rng.integers(0, 5, 6)
    check_layouts(lambda x, t: F.cross_entropy(x, t), logits, target)
    check_layouts(lambda x, t: F.cross_entropy(x, t, ignore_index=2, reduction="none",
                                               label_smoothing=0.1), logits, target)
    for bad in [np.array([0, 1, 5, 0, 0, 0]), np.array([0, -1, 0, 0, 0, 0]),
                np.array([0, 1, 2 ** 40, 0, 0, 0])]:
        with pytest.raises(IndexError):
            F.cross_entropy(ae.tensor(logits), ae.tensor(bad))
    with pytest.raises(CLEAN_ERRORS):
        F.cross_entropy(ae.tensor(logits), ae.tensor(target[:4]))
    correct_or_clean(F.cross_entropy, ae.tensor(logits[:0]), ae.tensor(target[:0]))
    correct_or_clean(F.cross_entropy, ae.tensor(logits.astype(np.float32)),
                     ae.tensor(target.astype(np.float64)))
    with np.errstate(all="ignore"):
        extreme = np.resize(EXTREMES, (7, 2))
    out = F.cross_entropy(ae.tensor(extreme), ae.tensor(np.zeros(7, np.int64)),
                          reduction="none")
    assert out.shape == (7,)


def test_embedding_and_index_scatter_on_odd_indices():
    weight = np.random.default_rng(2).standard_normal((5, 3))
    index = np.array([[0, 4, 4], [1, 0, 3]])
    check_layouts(lambda i, w: F.embedding(i, w), index, weight, grad_index=(1,))
    check_layouts(lambda w, i: w[i], weight, index)
    for bad in [np.array([5]), np.array([-6]), np.array([2 ** 40])]:
        with pytest.raises(IndexError):
            F.embedding(ae.tensor(bad), ae.tensor(weight, requires_grad=True))
    with pytest.raises(IndexError):
        ae.tensor(weight, requires_grad=True)[ae.tensor(np.array([5]))]
    correct_or_clean(F.embedding, ae.tensor(np.array([0.5])), ae.tensor(weight))
    empty = F.embedding(ae.tensor(np.zeros((0, 2), np.int64)),
                        ae.tensor(weight, requires_grad=True))
    assert empty.shape == (0, 2, 3)


def test_scatter_kernels_reject_out_of_range_indices():
    values = np.ones(3)
    for bad in [np.array([0, 3, 1]), np.array([0, -1, 1]), np.array([0, 2 ** 62, 1])]:
        with pytest.raises(IndexError):
            scatter.scatter_add_flat(3, bad, values)
        with pytest.raises(IndexError):
            scatter.scatter_add_rows(3, bad, values.reshape(3, 1))
    with pytest.raises(CLEAN_ERRORS):
        scatter.scatter_add_flat(3, np.array([0, 1]), values)
    with pytest.raises(CLEAN_ERRORS):
        scatter.scatter_add_rows(3, np.array([0.0, 1.0, 2.0]), values.reshape(3, 1))
    out = scatter.scatter_add_rows(2, np.array([1, 1, 0])[::-1], np.arange(6.0).reshape(3, 2)[::-1])
    np.testing.assert_array_equal(out, [[4.0, 5.0], [2.0, 4.0]])


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((0, 4), (4, 5)), ((3, 0), (0, 5)),
                                    ((2, 3, 4), (4, 1)), ((4,), (4, 3)), ((1, 1), (1, 1))],
                         ids=str)
def test_matmul_kernel_on_odd_layouts(shapes):
    rng = np.random.default_rng(3)
    a, b = (rng.standard_normal(s) for s in shapes)
    for va in layouts(a).values():
        for vb in layouts(b).values():
            try:  # the kernel takes 2-D or 3-D operands only
                out = matmul_kernels.matmul(va, vb)
            except CLEAN_ERRORS:
                continue
            np.testing.assert_allclose(out, np.matmul(a, b), rtol=1e-12, atol=1e-12)
    check_layouts(lambda x, y: x @ y, a, b, grad_index=(0, 1), tol=1e-12)


def test_matmul_kernel_rejects_bad_shapes_and_dtypes():
    for a, b in [(np.ones((3, 4)), np.ones((5, 2))), (np.ones(3), np.ones(())),
                 (np.ones((2, 3), np.float32), np.ones((3, 2)))]:
        correct_or_clean(matmul_kernels.matmul, a, b)
        with pytest.raises(RuntimeError):
            ae.tensor(a) @ ae.tensor(b)


def test_norm_kernels_on_odd_inputs():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((4, 3, 5))
    w, b = rng.standard_normal(5), rng.standard_normal(5)
    check_layouts(lambda x, w, b: F.layer_norm(x, (5,), w, b), x, w, b, grad_index=(0, 1, 2))
    c = rng.standard_normal(3)
    check_layouts(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), x, c, c,
                  grad_index=(0, 1, 2))
    with pytest.raises(CLEAN_ERRORS):
        F.layer_norm(ae.tensor(x), (4,))
    with pytest.raises(CLEAN_ERRORS):
        F.batch_norm(ae.tensor(x), None, None, ae.tensor(np.ones(4)), None, training=True)
    with pytest.raises(ValueError):  # PyTorch: more than 1 value per channel in training
        F.batch_norm(ae.tensor(x[:1, :, :1]), None, None, training=True)
    correct_or_clean(F.layer_norm, ae.tensor(x[:0]), (5,))
    with np.errstate(all="ignore"):
        extreme = np.resize(EXTREMES, (4, 14)).astype(np.float32)
    assert F.layer_norm(ae.tensor(extreme), (14,)).shape == (4, 14)


def test_conv_and_pool_kernels_on_odd_inputs():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 6, 5))
    w = rng.standard_normal((4, 3, 3, 2))
    check_layouts(lambda x, w: F.conv2d(x, w, stride=(2, 1), padding=1), x, w,
                  grad_index=(0, 1))
    check_layouts(lambda x: F.max_pool2d(x, 2, stride=2, padding=1), x)
    for bad_w in [np.ones((4, 2, 3, 3)), np.ones((4, 3, 9, 9)), np.ones((4, 3, 3))]:
        with pytest.raises(CLEAN_ERRORS):
            F.conv2d(ae.tensor(x), ae.tensor(bad_w))
    with pytest.raises(CLEAN_ERRORS):
        F.max_pool2d(ae.tensor(x), 7)
    with pytest.raises(CLEAN_ERRORS):
        F.max_pool2d(ae.tensor(x), 2, padding=2)  # padding > kernel / 2
    correct_or_clean(F.conv2d, ae.tensor(x[:0]), ae.tensor(w))
    correct_or_clean(F.max_pool2d, ae.tensor(x[:0]), 2)
    correct_or_clean(F.conv2d, ae.tensor(x.astype(np.float32)), ae.tensor(w))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_optimizer_kernels_on_views_and_non_finite_gradients(name):
    def run(param_array):
        p = ae.from_numpy(param_array).requires_grad_()
        q = ae.tensor(np.ones(3, np.float32), requires_grad=True)
        optimizer = getattr(ae.optim, name)([p, q], lr=0.1)
        for _ in range(2):
            p.grad = ae.tensor(np.arange(12.0).reshape(4, 3) - 5)
            q.grad = ae.tensor(np.array([np.nan, np.inf, 1.0], np.float32))
            optimizer.step()
        return p.data, q.data

    base = np.zeros((4, 6))
    view, q = run(base[:, ::2][::-1])  # a non-contiguous, negative-stride parameter
    expected, _ = run(np.zeros((4, 3)))
    np.testing.assert_array_equal(view, expected)
    assert (base[:, 1::2] == 0).all(), "the update wrote outside the view"
    assert np.isfinite(q[2]) and not np.isfinite(q[:2]).any()


# -- hostile inputs (ae.load's hostile files are in test_serialization.py) -----------------
@pytest.mark.parametrize("data,error", [
    ([[1.0, 2.0], [3.0]], ValueError), ([object()], TypeError), (["a", "b"], TypeError),
    ({"a": 1}, TypeError), (np.array([1 + 2j]), TypeError), (None, TypeError),
], ids=["ragged", "object", "str", "dict", "complex", "none"])
def test_hostile_tensor_data_raises_cleanly(data, error):
    with pytest.raises(error):
        ae.tensor(data)


def test_hostile_shapes_and_sizes_raise_cleanly():
    for make in [lambda: ae.zeros(-1), lambda: ae.ones(2, -3), lambda: ae.zeros(2 ** 62, 2 ** 62),
                 lambda: ae.ones(3).reshape(2, 2), lambda: ae.ones(3).expand(2, 4),
                 lambda: ae.ones(2, 3).permute(0, 0), lambda: ae.ones(2)[5],
                 lambda: ae.ones(2, dtype=np.int64).requires_grad_()]:
        with pytest.raises(CLEAN_ERRORS + (MemoryError,)):
            make()


def test_load_of_a_directory_or_special_file_raises_cleanly(tmp_path):
    with pytest.raises((IsADirectoryError, ValueError)):
        ae.load(tmp_path)
    with pytest.raises(ValueError):
        ae.load("/dev/null")
    big = tmp_path / "huge_sparse"
    with open(big, "wb") as f:  # a 1 TiB hole: must not be read into memory
        f.truncate(1 << 40)
    start = time.perf_counter()
    with pytest.raises(ValueError):
        ae.load(big)
    assert time.perf_counter() - start < 2.0


# -- the kernel tests under Numba's debug switches, in subprocesses --------------------------
KERNEL_TESTS = sorted(glob.glob(os.path.join(ROOT, "tests", "test_kernels_*.py")))


def _pytest_subprocess(env_updates: dict, files: list, tmp_path) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"), **env_updates)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           "-k", "not under_numba", *files],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - start
    tail = (proc.stdout + proc.stderr)[-3000:]
    print(f"{env_updates}: {elapsed:.1f} s\n{tail.splitlines()[-1] if tail else ''}")
    assert proc.returncode == 0, tail
    return elapsed


@pytest.mark.slow
def test_kernels_under_numba_boundscheck(tmp_path):
    # Every kernel compiles afresh with bounds checks; NUMBA_OPT=0 halves that time and
    # changes nothing about which accesses are checked.
    _pytest_subprocess({"NUMBA_BOUNDSCHECK": "1", "NUMBA_OPT": "0"}, [__file__, *KERNEL_TESTS],
                       tmp_path)


@pytest.mark.slow
def test_kernels_under_numba_disable_jit(tmp_path):
    _pytest_subprocess({"NUMBA_DISABLE_JIT": "1"}, KERNEL_TESTS, tmp_path)
