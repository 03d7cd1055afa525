"""Matmul kernels vs numpy (in float64) and the naive twin, for every backend."""
from __future__ import annotations

import os
import subprocess
import sys

import numba
import numpy as np
import pytest

from autograd_engine.kernels import matmul, reference

DTYPES = [np.float32, np.float64]
EPS = {np.float32: 1e-5, np.float64: 1e-13}
# (m, k, n): degenerate, odd, and not multiples of the 8x32 tile or the KC/MC blocks
SHAPES = [(1, 1, 1), (7, 13, 5), (1, 40, 70), (33, 1, 9), (97, 257, 33), (130, 300, 17),
          (64, 64, 64), (8, 600, 100)]
if numba.config.DISABLE_JIT:  # kernel bodies run as Python: keep to small products
    SHAPES = [s for s in SHAPES if s[0] * s[1] * s[2] <= 30_000]


@pytest.fixture(params=matmul.BACKENDS)
def backend(request):
    saved = matmul.get_matmul_backend()
    matmul.set_matmul_backend(request.param)
    yield request.param
    matmul.set_matmul_backend(saved)


def _operands(rng, m, k, n, dtype, trans_a=False, trans_b=False, batch=()):
    a = rng.standard_normal(batch + ((k, m) if trans_a else (m, k))).astype(dtype)
    b = rng.standard_normal(batch + ((n, k) if trans_b else (k, n))).astype(dtype)
    return a, b


def _op(x, trans):
    return x.swapaxes(-1, -2) if trans else x


def _check(actual, a, b, trans_a=False, trans_b=False):
    """``actual == op(a) @ op(b)`` within k * eps of the sum of |products| per element."""
    opa, opb = _op(a, trans_a).astype(np.float64), _op(b, trans_b).astype(np.float64)
    expected = opa @ opb
    assert actual.dtype == a.dtype and actual.shape == expected.shape
    k = opa.shape[-1]
    bound = (k + 1) * EPS[a.dtype.type] * (np.abs(opa) @ np.abs(opb)) + 1e-30
    assert np.all(np.abs(actual - expected) <= bound)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_matmul_2d(backend, shape, dtype):
    a, b = _operands(np.random.default_rng(0), *shape, dtype)
    _check(matmul.matmul(a, b), a, b)


@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("trans_b", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(7, 13, 5), (97, 257, 33), (130, 300, 17)])
def test_gemm_transposed(backend, shape, dtype, trans_a, trans_b):
    if numba.config.DISABLE_JIT and shape[0] * shape[1] * shape[2] > 30_000:
        pytest.skip("large product in Python mode")
    a, b = _operands(np.random.default_rng(1), *shape, dtype, trans_a, trans_b)
    _check(matmul.gemm(a, b, trans_a, trans_b), a, b, trans_a, trans_b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch", [1, 3, 4])
@pytest.mark.parametrize("shape", [(7, 13, 5), (97, 65, 33)])
def test_gemm_batched(backend, shape, batch, dtype):
    if numba.config.DISABLE_JIT and batch * shape[0] * shape[1] * shape[2] > 30_000:
        pytest.skip("large product in Python mode")
    rng = np.random.default_rng(2)
    for trans_a, trans_b in [(False, False), (True, False), (False, True)]:
        a, b = _operands(rng, *shape, dtype, trans_a, trans_b, batch=(batch,))
        _check(matmul.gemm(a, b, trans_a, trans_b), a, b, trans_a, trans_b)


def test_gradient_products(backend):
    """dA = G @ B^T and dB = A^T @ G, the backward of C = A @ B."""
    rng = np.random.default_rng(3)
    a, b = _operands(rng, 19, 23, 37, np.float64)
    g = rng.standard_normal((19, 37))
    _check(matmul.gemm(g, b, trans_b=True), g, b, trans_b=True)
    _check(matmul.gemm(a, g, trans_a=True), a, g, trans_a=True)


@pytest.mark.parametrize("dtype", DTYPES)
def test_non_contiguous_inputs(backend, dtype):
    rng = np.random.default_rng(4)
    a = rng.standard_normal((40, 62)).astype(dtype)
    b = rng.standard_normal((70, 50)).astype(dtype)
    for x, y in [(a[:, ::2], b[:62:2, :17]),  # strided
                 (a[:31].T, b[:31, 3:40]),  # transposed view: read as trans_a, no copy
                 (a[::3, 1:32], b.T[:31, ::4])]:
        _check(matmul.matmul(x, y), x, y)
    a3 = rng.standard_normal((3, 40, 20)).astype(dtype)
    b3 = rng.standard_normal((3, 30, 20)).astype(dtype)
    _check(matmul.matmul(a3, b3.swapaxes(1, 2)), a3, b3.swapaxes(1, 2))


@pytest.mark.parametrize("shape", [(1, 1, 1), (5, 7, 3), (16, 9, 33)])
def test_against_naive_twin(backend, shape):
    a, b = _operands(np.random.default_rng(5), *shape, np.float32)
    np.testing.assert_allclose(matmul.matmul(a, b), reference.matmul_naive(a, b),
                               rtol=1e-5, atol=1e-5)


def test_empty_and_zero_depth(backend):
    for m, k, n in [(0, 3, 4), (3, 0, 4), (3, 4, 0)]:
        a, b = np.ones((m, k), np.float32), np.ones((k, n), np.float32)
        np.testing.assert_array_equal(matmul.matmul(a, b), np.zeros((m, n), np.float32))
        out = np.full((m, n), np.nan, np.float32)  # overwritten, not accumulated into
        np.testing.assert_array_equal(matmul.matmul(a, b, out=out), np.zeros((m, n), np.float32))


def test_out_and_aliasing(backend):
    rng = np.random.default_rng(6)
    a, b = _operands(rng, 9, 9, 9, np.float64)
    out = np.full((9, 9), np.nan)
    assert matmul.matmul(a, b, out=out) is out
    _check(out, a, b)
    expected = a @ b
    assert matmul.matmul(a, b, out=a) is a  # out overlaps an input
    np.testing.assert_allclose(a, expected, rtol=1e-12)


# 0 * inf in the zero padding warns when the kernels run as Python (NUMBA_DISABLE_JIT)
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_nan_and_inf_propagate(backend):
    a = np.ones((9, 5), np.float32)
    b = np.ones((5, 40), np.float32)
    a[2, 3], b[1, 35] = np.nan, np.inf
    c = matmul.matmul(a, b)
    assert np.isnan(c[2]).all()
    assert np.isinf(c[[0, 1, 3, 4, 5, 6, 7, 8], 35]).all()
    assert np.isfinite(np.delete(np.delete(c, 2, 0), 35, 1)).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kc", [1, 7, 8, 15, 16, 17, 40])
@pytest.mark.parametrize("trans", [False, True])
def test_pack_a_layout(dtype, kc, trans):
    """Packed A panels hold ``op(A)[i0 + 8r + s, k0 + p]`` at ``[r, p, s]``, zeros past the
    block's rows: row-major A goes through the in-register transposes of 64-byte runs (16
    float32 or 8 float64 columns at a time) and a scalar tail."""
    rng = np.random.default_rng(kc)
    m, k, i0, mc, k0 = 29, 50, 3, 21, 5
    a = rng.standard_normal((k, m) if trans else (m, k)).astype(dtype)
    ap = np.full((3, kc, 8), np.nan, dtype)
    matmul._pack_a(a, trans, i0, mc, k0, kc, ap)
    block = np.zeros((24, kc), dtype)
    block[:mc] = _op(a, trans)[i0:i0 + mc, k0:k0 + kc]
    np.testing.assert_array_equal(ap, block.reshape(3, 8, kc).transpose(0, 2, 1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_pack_rows_of_a_strided_view(dtype):
    """Rows that are not contiguous take the scalar path (the transposes load whole runs)."""
    a = np.arange(8 * 64, dtype=dtype).reshape(8, 64)[:, ::2]
    panel = np.zeros((32, 8), dtype)
    matmul._pack_rows8(a, panel, 0)
    np.testing.assert_array_equal(panel, a.T)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kc", [1, 15, 16, 17, 40])
@pytest.mark.parametrize("trans", [False, True])
@pytest.mark.parametrize("j0, n", [(0, 70), (32, 70), (64, 70), (0, 45), (8, 21)])
def test_pack_b_layout(dtype, kc, trans, j0, n):
    """A packed B panel holds ``op(B)[k0 + p, j0 + s]`` at ``[p, s]``, zeros past ``n``:
    a transposed B goes through the in-register transposes 8 of its rows at a time (into
    8 panel columns each), then row by row."""
    rng = np.random.default_rng(kc + j0)
    k, k0 = 50, 3
    b = rng.standard_normal((n, k) if trans else (k, n)).astype(dtype)
    panel = np.full((kc, 32), np.nan, dtype)
    matmul._pack_b_panel(b, trans, k0, kc, j0, n, panel)
    expected = np.zeros((kc, 32), dtype)
    cols = min(32, n - j0)
    expected[:, :cols] = _op(b, trans)[k0:k0 + kc, j0:j0 + cols]
    np.testing.assert_array_equal(panel, expected)


@pytest.mark.parametrize("rows, cols", [((0, 21), (0, 70)), ((8, 21), (0, 70)),
                                        ((0, 21), (32, 70)), ((5, 13), (32, 64))])
def test_kernel_fills_its_block_only(rows, cols):
    """The kernel computes rows x columns of every product (a thread's part), with ragged
    packed blocks (KC=16, MC=8) and both transposes. It overwrites its block (whatever was
    there, NaN included) and leaves the rest of ``c`` alone."""
    rng = np.random.default_rng(7)
    (i0, i1), (j0, j1) = rows, cols
    for trans_a, trans_b in [(False, False), (True, True)]:
        a, b = _operands(rng, 21, 45, 70, np.float32, trans_a, trans_b, batch=(3,))
        c = np.full((3, 21, 70), np.nan, np.float32)
        matmul._kernel(c.dtype)(a, b, c, trans_a, trans_b, 16, 8, i0, i1, j0, j1)
        full = np.full_like(c, np.nan)
        matmul._kernel(c.dtype)(a, b, full, trans_a, trans_b, 16, 8, 0, 21, 0, 70)
        _check(full, a, b, trans_a, trans_b)
        expected = np.full_like(c, np.nan)
        expected[:, i0:i1, j0:j1] = full[:, i0:i1, j0:j1]
        np.testing.assert_array_equal(c, expected)


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="large product in Python mode")
@pytest.mark.parametrize("dtype, n", [(np.float32, 1100), (np.float64, 600)])
def test_wide_products_are_packed_in_column_blocks(dtype, n):
    """B is packed NC_BYTES at a time (1024 float32 / 512 float64 columns at KC=256): a wider
    product, or a thread's columns starting past 0, spans several blocks, the last ragged."""
    rng = np.random.default_rng(8)
    for trans_a, trans_b in [(False, False), (True, True)]:
        a, b = _operands(rng, 9, 300, n, dtype, trans_a, trans_b, batch=(2,))
        c = np.full((2, 9, n), np.nan, dtype)
        matmul._kernel(c.dtype)(a, b, c, trans_a, trans_b, matmul.KC, matmul.MC, 0, 9, 0, n)
        _check(c, a, b, trans_a, trans_b)
        part = np.full_like(c, np.nan)
        matmul._kernel(c.dtype)(a, b, part, trans_a, trans_b, matmul.KC, matmul.MC, 0, 9, 32, n)
        np.testing.assert_array_equal(part[:, :, 32:], c[:, :, 32:])
        assert np.isnan(part[:, :, :32]).all()


def test_kernel_refuses_an_output_sharing_memory_with_an_operand():
    """The kernel checks for overlap itself (``gemm`` then goes via a copy): False, with
    nothing written, when c shares memory with a or b; adjacent memory is not shared."""
    buffer = np.random.default_rng(8).standard_normal(4 * 256)
    a, b = buffer[:256].reshape(1, 16, 16), buffer[256:512].reshape(1, 16, 16)
    kernel = matmul._kernel(buffer.dtype)
    for start, shared in [(0, True), (256, True), (128, True), (500, True), (512, False),
                          (768, False)]:
        c = buffer[start:start + 256].reshape(1, 16, 16)
        before = buffer.copy()
        assert kernel(a, b, c, False, False, 16, 8, 0, 16, 0, 16) is (not shared)
        if shared:
            np.testing.assert_array_equal(buffer, before)
        else:
            _check(c, a, b)


def test_threaded_product_into_an_operand(monkeypatch):
    if numba.config.DISABLE_JIT:
        pytest.skip("large product in Python mode")
    from autograd_engine.kernels import threads as thread_pool

    monkeypatch.setattr(thread_pool, "_count", 2)
    monkeypatch.setattr(matmul, "PARALLEL_MIN_FLOPS", 1)
    a, b = _operands(np.random.default_rng(10), 40, 40, 40, np.float32, batch=(4,))
    expected = np.matmul(a.astype(np.float64), b)
    assert matmul.gemm(a, b, out=b, backend="numba") is b  # each thread sees a part of b
    np.testing.assert_allclose(b, expected, rtol=1e-4, atol=1e-4)


@numba.njit(_nrt=False)
def _buffer_layout(m, n, kc, dtype):
    """(address, size) of the scratch ``_buffers`` takes, (address, shape) of each part cut
    from it, and whether the zero tile holds zeros. Its views carry no reference count of
    their own: only code compiled without counting may receive them."""
    scratch, ap, bp, edge, zeros = matmul._buffers(m, n, kc, dtype)
    zeroed = True
    for s in range(8):
        for t in range(32):
            zeroed = zeroed and zeros[s, t] == 0
    layout = ((scratch.ctypes.data, scratch.size),
              ((ap.ctypes.data, ap.shape), (bp.ctypes.data, bp.shape),
               (edge.ctypes.data, edge.shape), (zeros.ctypes.data, zeros.shape)), zeroed)
    matmul._release(scratch)
    return layout


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m, n, kc", [(8, 32, 16), (13, 70, 7), (96, 1000, 256), (1, 1, 1)])
def test_packing_buffers_are_aligned_and_disjoint(dtype, m, n, kc):
    (base, size), parts, zeroed = _buffer_layout(m, n, kc, np.dtype(dtype))
    assert [shape for _, shape in parts] == [(-(-m // 8), kc, 8), (-(-n // 32), kc, 32),
                                            (8, 32), (8, 32)]
    item = np.dtype(dtype).itemsize
    spans = [((address - base) // item, (address - base) // item + int(np.prod(shape)))
             for address, shape in parts]
    assert all(address % 64 == 0 for address, _ in parts)
    assert all(0 <= lo and hi <= size for lo, hi in spans)
    assert all(hi <= lo2 for (_, hi), (lo2, _) in zip(spans, spans[1:]))  # in order, disjoint
    assert zeroed


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("batch, shape", [(1, (160, 200, 64)), (1, (40, 200, 300)),
                                          (40, (32, 48, 40)), (9, (100, 33, 70)),
                                          (3, (100, 33, 70))])
def test_threaded_dispatch(batch, shape, threads, monkeypatch):
    """Threaded products: one product cut into row runs, one wide product
    into column runs, batches cut into runs of products, a batch too small to cut evenly
    (its rows cut instead)."""
    if numba.config.DISABLE_JIT:
        pytest.skip("large product in Python mode")
    from autograd_engine.kernels import threads as thread_pool

    monkeypatch.setattr(thread_pool, "_count", threads)
    monkeypatch.setattr(matmul, "PARALLEL_MIN_FLOPS", 1)
    rng = np.random.default_rng(9)
    for trans_a, trans_b in [(False, False), (True, False)]:
        a, b = _operands(rng, *shape, np.float32, trans_a, trans_b,
                         batch=() if batch == 1 else (batch,))
        _check(matmul.gemm(a, b, trans_a, trans_b, backend="numba"), a, b, trans_a, trans_b)


@pytest.mark.parametrize("args, match", [
    ((np.ones((2, 3)), np.ones((4, 2))), "do not match"),
    ((np.ones((2, 3)), np.ones((2, 3, 4))), "2-D or two 3-D"),
    ((np.ones(3), np.ones(3)), "2-D or two 3-D"),
    ((np.ones((2, 2, 3)), np.ones((3, 3, 4))), "do not match"),
    ((np.ones((2, 3), np.float32), np.ones((3, 4))), "float32 or float64"),
    ((np.ones((2, 3), np.int64), np.ones((3, 4), np.int64)), "float32 or float64"),
])
def test_invalid_operands(args, match):
    with pytest.raises(ValueError, match=match):
        matmul.matmul(*args)


def test_invalid_out_and_backend():
    with pytest.raises(ValueError, match="out must be"):
        matmul.matmul(np.ones((2, 3)), np.ones((3, 4)), out=np.empty((4, 2)).T)
    with pytest.raises(ValueError, match="backend"):
        matmul.set_matmul_backend("cublas")


def test_per_call_backend():
    a, b = _operands(np.random.default_rng(8), 30, 40, 50, np.float64)
    for name in matmul.BACKENDS:
        _check(matmul.matmul(a, b, backend=name), a, b)
    with pytest.raises(ValueError, match="backend"):
        matmul.gemm(a, b, backend="mkl")


def test_backend_from_environment():
    code = "from autograd_engine.kernels import matmul; print(matmul.get_matmul_backend())"
    env = dict(os.environ, AUTOGRAD_ENGINE_MATMUL="blas")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "blas"


def test_the_tensor_op_follows_the_selected_backend(backend, monkeypatch):
    import autograd_engine as ae
    calls = []
    real = matmul._numba_gemm
    monkeypatch.setattr(matmul, "_numba_gemm", lambda *args: calls.append(1) or real(*args))
    a, b = _operands(np.random.default_rng(5), 16, 24, 8, np.float32)
    out = (ae.from_numpy(a) @ ae.from_numpy(b)).numpy()
    np.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)
    expected = {"numba": True, "blas": False}.get(backend, not matmul.blas_selected(16, 8, 24))
    assert bool(calls) == expected


@pytest.mark.parametrize("parallel", [False, True])
def test_all_on_blas_follows_the_backend_and_claims(parallel, monkeypatch):
    """The fast path's flag agrees with ``blas_selected`` on a large product after every
    change: a backend selected, a convolution claiming the cores."""
    monkeypatch.setattr(matmul.config, "PARALLEL", parallel)
    large = 1 << 10
    for name in matmul.BACKENDS:
        matmul.set_matmul_backend(name)
        assert matmul.all_on_blas == matmul.blas_selected(large, large, large)
        assert matmul.claim_cores() == (name != "blas")
        assert matmul.all_on_blas == matmul.blas_selected(large, large, large)
        assert matmul.all_on_blas == (name == "blas")


def test_misaligned_unrecorded_products_raise_pytorchs_error():
    import autograd_engine as ae
    for backend in matmul.BACKENDS:
        matmul.set_matmul_backend(backend)
        with pytest.raises(RuntimeError, match=r"matmul: shapes \(2, 3\) and \(4, 5\)"):
            ae.randn(2, 3) @ ae.randn(4, 5)


def test_unrecorded_2d_products_skip_the_op_machinery(monkeypatch):
    import autograd_engine as ae
    from autograd_engine.ops import linalg
    applied = []
    real_apply = linalg.MatMul.apply
    monkeypatch.setattr(linalg.MatMul, "apply",
                        lambda *args: applied.append(1) or real_apply(*args))
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((7, 5)), rng.standard_normal((5, 3))
    for dtype in (np.float32, np.float64):
        x, y = ae.tensor(a.astype(dtype)), ae.tensor(b.astype(dtype))
        fast = x @ y
        assert not applied and fast.grad_fn is None and fast.dtype == dtype
        np.testing.assert_array_equal(fast.numpy(), np.matmul(x.numpy(), y.numpy()))
        x.requires_grad_()
        with ae.no_grad():
            assert (x @ y).grad_fn is None and not applied
        recorded = x @ y  # same numbers through the op
        assert applied and recorded.grad_fn is not None
        np.testing.assert_array_equal(recorded.detach().numpy(), fast.numpy())
        applied.clear()
    with ae.autograd.detect_anomaly():  # anomaly mode checks every output: the op runs
        ae.ones(2, 2) @ ae.ones(2, 2)
    assert applied
    applied.clear()
    for left, right in ((ae.ones(2, 3), ae.ones(2, 3)), (ae.ones(2, 2, dtype=ae.int64),) * 2,
                        (ae.ones(3), ae.ones(3, 2)), (ae.ones(2, 2), ae.ones(2, 2).double())):
        try:  # misaligned, integer, 1-D and mixed-dtype products go through the op
            left @ right
        except RuntimeError:
            pass
        assert applied
        applied.clear()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,k,n", [(1, 5, 3), (7, 1, 1), (3, 300, 1), (65, 64, 63), (2, 0, 4)])
def test_op_products_on_blas_are_bit_identical_to_np_matmul(m, k, n, dtype, monkeypatch):
    from autograd_engine.ops.linalg import matmul_arrays
    matmul.set_matmul_backend("blas")
    rng = np.random.default_rng(7)
    a, b = _operands(rng, m, k, n, dtype)
    for left in (a, np.asfortranarray(a), np.ascontiguousarray(a.T).T):
        for right in (b, np.asfortranarray(b)):
            expected = np.matmul(left, right)
            got = matmul_arrays(left, right)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("backend", ["blas", "numba"])
def test_strided_batches_fold_into_one_product(backend):
    """(..., m, k) @ (k, n) with a strided left operand (a transposed sequence, as an LSTM's
    input projection) is one GEMM over the copied, folded batch: numpy's numbers."""
    from autograd_engine.ops.linalg import matmul_arrays
    matmul.set_matmul_backend(backend)
    rng = np.random.default_rng(8)
    x = rng.standard_normal((6, 5, 7)).astype(np.float32).transpose(1, 0, 2)  # (5, 6, 7)
    w = rng.standard_normal((9, 7)).astype(np.float32)
    calls = []
    real = matmul.gemm

    def counted(*args, **kwargs):
        calls.append(args[0].shape)
        return real(*args, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matmul, "gemm", counted)
        got = matmul_arrays(x, w.T)
    assert calls == [(30, 7)]
    assert got.shape == (5, 6, 9) and got.flags.c_contiguous
    np.testing.assert_allclose(got, np.matmul(x, w.T), rtol=1e-5, atol=1e-5)
