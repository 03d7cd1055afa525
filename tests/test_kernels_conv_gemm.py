"""The float32 convolution kernels (``kernels.conv.conv_gemm`` and ``conv_gemm_weight``: a
GEMM packed straight from zero-padded images, or their stride phases) and the routes
``ops/conv.py`` takes through them: values against float64 numpy references, first and
second derivatives against the float64 im2col route (which gradcheck and gradgradcheck
verify), which route runs, threads, and the edge cases (empty batches, no channels, crops,
non-contiguous inputs). Also runs with NUMBA_DISABLE_JIT=1."""
import math

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.kernels import conv as kconv
from autograd_engine.kernels import matmul, reference, threads

PYTHON_MODE = numba.config.DISABLE_JIT  # kernel bodies run as Python: keep shapes small


def _windows(x, kernel, stride, padding, dilation, out_size):
    """(taps, the (N, C, *out_size) window of x each tap reads) of a convolution of
    (N, C, D, H, W) x, zero-padded by ``padding`` before (cropped or padded after to what
    out_size needs)."""
    padded = [s * (o - 1) + d * (k - 1) + 1
              for o, k, s, d in zip(out_size, kernel, stride, dilation)]
    xp = np.zeros(x.shape[:2] + tuple(padded))
    region = tuple(slice(p, min(p + s, t)) for p, s, t in zip(padding, x.shape[2:], padded))
    xp[(slice(None), slice(None)) + region] = x[(slice(None), slice(None)) + tuple(
        slice(0, r.stop - r.start) for r in region)]
    for taps in np.ndindex(*kernel):
        yield taps, xp[(slice(None), slice(None)) + tuple(
            slice(t * d, t * d + s * (o - 1) + 1, s)
            for t, s, d, o in zip(taps, stride, dilation, out_size))]


def _reference(x, w, bias, stride, dilation, padding, out_size, groups):
    """float64 convolution of x with (M, C/groups, kd, kh, kw) w, plus bias."""
    y = np.zeros((x.shape[0], w.shape[0]) + tuple(out_size))
    mg, cg = w.shape[0] // groups, x.shape[1] // groups
    for taps, window in _windows(x, w.shape[2:], stride, padding, dilation, out_size):
        for g in range(groups):
            y[:, g * mg:(g + 1) * mg] += np.einsum(
                "mc,nc...->nm...", w[(slice(g * mg, (g + 1) * mg), slice(None)) + taps],
                window[:, g * cg:(g + 1) * cg])
    return y if bias is None else y + bias.reshape(-1, 1, 1, 1)


def _reference_weight(x, g, kernel, stride, dilation, padding, groups):
    """float64 gradient of ``_reference`` wrt w for output gradient g."""
    mg, cg = g.shape[1] // groups, x.shape[1] // groups
    dw = np.zeros((g.shape[1], cg) + tuple(kernel))
    for taps, window in _windows(x, kernel, stride, padding, dilation, g.shape[2:]):
        for group in range(groups):
            dw[(slice(group * mg, (group + 1) * mg), slice(None)) + taps] = np.einsum(
                "nmdhw,ncdhw->mc", g[:, group * mg:(group + 1) * mg],
                window[:, group * cg:(group + 1) * cg])
    return dw


@st.composite
def gemm_geometry(draw):
    rank = draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(rank))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(rank))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(rank))
    size = tuple(draw(st.integers(max(1, d * (k - 1) + 1 - 2 * p), 7))
                 for k, d, p in zip(kernel, dilation, padding))
    out_size = tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                     for n, p, d, k, s in zip(size, padding, dilation, kernel, stride))
    groups = draw(st.integers(1, 3))
    cg, mg = draw(st.integers(1, 4)), draw(st.integers(1, 10))
    n_images = draw(st.integers(1, 3))
    pad3 = lambda v, fill: (fill,) * (3 - rank) + v  # noqa: E731
    return dict(shape=(n_images, cg * groups) + pad3(size, 1), groups=groups, mg=mg,
                kernel=pad3(kernel, 1), stride=pad3(stride, 1), dilation=pad3(dilation, 1),
                padding=pad3(padding, 0),
                out_size=pad3(out_size, 1), bias=draw(st.booleans()))


@settings(max_examples=20 if PYTHON_MODE else 150)
@given(gemm_geometry(), st.integers(0, 2**31))
def test_gemm_kernels_match_numpy(case, seed):
    rng = np.random.default_rng(seed)
    groups, mg, kernel = case["groups"], case["mg"], case["kernel"]
    x = rng.standard_normal(case["shape"]).astype(np.float32)
    w = rng.standard_normal((groups * mg, case["shape"][1] // groups) + kernel).astype(
        np.float32)
    bias = rng.standard_normal(groups * mg).astype(np.float32) if case["bias"] else None
    geometry = (case["stride"], case["dilation"], case["padding"])
    expected = _reference(x, w, bias, *geometry, case["out_size"], groups)
    y = kconv.conv_gemm(x, w.reshape(groups, mg, -1), bias, kernel, *geometry,
                        case["out_size"])
    assert y.dtype == np.float32 and y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4 * math.prod(kernel) * 4)
    g = rng.standard_normal(expected.shape).astype(np.float32)
    dw = kconv.conv_gemm_weight(x, g, kernel, *geometry, groups)
    expected_dw = _reference_weight(x, g, kernel, *geometry, groups)
    assert dw.dtype == np.float32 and dw.shape == (groups, mg, expected_dw[0].size)
    scale = math.prod(expected.shape) / expected.shape[1]  # terms summed per weight
    np.testing.assert_allclose(dw.reshape(expected_dw.shape), expected_dw, rtol=1e-4,
                               atol=1e-4 * scale * 4)


def test_kernels_read_past_the_padding_as_a_crop():
    """What an output of out_size never reads (here the last column of x) is dropped."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 1, 4, 7)).astype(np.float32)
    w = rng.standard_normal((5, 3, 1, 2, 2)).astype(np.float32)
    for stride, kept, out in (((1, 1, 1), 6, (1, 3, 5)), ((1, 1, 2), 6, (1, 3, 3))):
        args = ((1, 2, 2), stride, (1, 1, 1), (0, 0, 0), out)  # kernel, stride, dilation, ...
        expected = _reference(x[..., :kept], w, None, *args[1:], 1)
        y = kconv.conv_gemm(x, w.reshape(1, 5, 12), None, *args)
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
        g = rng.standard_normal(expected.shape).astype(np.float32)
        dw = kconv.conv_gemm_weight(x, g, *args[:4], 1)
        expected_dw = _reference_weight(x[..., :kept], g, *args[:4], 1)
        np.testing.assert_allclose(dw.reshape(w.shape), expected_dw, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("x_shape,w_shape,padding", [
    ((1, 29, 1, 3, 4), (200, 29, 1, 3, 3), (0, 1, 1)),  # 2 KC slices of 261 taps
    ((1, 2, 1, 1, 300), (200, 2, 1, 1, 3), (0, 0, 1)),  # weight gradient: 2 slices of 300
])
def test_kernels_with_several_row_blocks_and_slices(x_shape, w_shape, padding):
    """More rows than ``ROW_BLOCK`` and a contraction longer than the GEMM's KC."""
    assert w_shape[0] > kconv.ROW_BLOCK
    rng = np.random.default_rng(8)
    x = rng.standard_normal(x_shape).astype(np.float32)
    w = rng.standard_normal(w_shape).astype(np.float32)
    args = (w_shape[2:], (1, 1, 1), (1, 1, 1), padding, x_shape[2:])  # kernel, stride, ...
    expected = _reference(x, w, None, *args[1:], 1)
    y = kconv.conv_gemm(x, w.reshape(1, w_shape[0], -1), None, *args)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(expected.shape).astype(np.float32)
    dw = kconv.conv_gemm_weight(x, g, *args[:4], 1)
    np.testing.assert_allclose(dw.reshape(w.shape), _reference_weight(x, g, *args[:4], 1),
                               rtol=1e-4, atol=1e-3)


def test_kernels_on_non_contiguous_and_empty_inputs():
    rng = np.random.default_rng(1)
    base = rng.standard_normal((3, 1, 6, 5, 4)).astype(np.float32)
    x = base.transpose(0, 4, 1, 2, 3)  # (3, 4, 1, 6, 5), not contiguous
    w = rng.standard_normal((2, 4, 1, 3, 3)).astype(np.float32)
    args = ((1, 3, 3), (1, 1, 1), (1, 1, 1), (0, 1, 1), (1, 6, 5))
    y = kconv.conv_gemm(x, w.reshape(1, 2, -1), None, *args)
    np.testing.assert_allclose(y, _reference(x, w, None, *args[1:], 1), rtol=1e-5, atol=1e-5)
    g = rng.standard_normal(y.shape).astype(np.float32)
    dw = kconv.conv_gemm_weight(x, g.transpose(1, 0, 2, 3, 4).copy().transpose(
        1, 0, 2, 3, 4), *args[:4], 1)
    np.testing.assert_allclose(dw.reshape(w.shape), _reference_weight(x, g, *args[:4], 1),
                               rtol=1e-4, atol=1e-4)
    empty = kconv.conv_gemm(x[:0], w.reshape(1, 2, -1), None, *args)
    assert empty.shape == (0, 2, 1, 6, 5)
    dw = kconv.conv_gemm_weight(x[:0], g[:0], *args[:4], 1)
    assert dw.shape == (1, 2, 36) and not dw.any()
    strided = (args[0], (1, 2, 2)) + args[2:4] + ((1, 3, 3),)  # through the phase split
    assert kconv.conv_gemm(x[:0], w.reshape(1, 2, -1), None, *strided).shape == (0, 2, 1, 3, 3)
    dw = kconv.conv_gemm_weight(x[:0], g[:0, :, :, :3, :3], *strided[:4], 1)
    assert dw.shape == (1, 2, 36) and not dw.any()
    # no input channels: the bias alone
    bias = np.array([1.5, -2.0], np.float32)
    y = kconv.conv_gemm(x[:, :0], w[:, :0].reshape(1, 2, 0), bias, *args)
    np.testing.assert_array_equal(y, np.broadcast_to(bias.reshape(1, 2, 1, 1, 1), y.shape))


def test_kernel_argument_errors():
    x = np.zeros((1, 2, 1, 4, 4), np.float32)
    w = np.zeros((1, 3, 18), np.float32)
    geometry = ((1, 3, 3), (1, 1, 1), (1, 1, 1), (0, 1, 1))
    with pytest.raises(ValueError, match="conv_gemm: weights"):
        kconv.conv_gemm(x, w[:, :, :17], None, *geometry, (1, 4, 4))
    with pytest.raises(ValueError, match="conv_gemm: negative padding"):
        kconv.conv_gemm(x, w, None, (1, 3, 3), (1, 1, 1), (1, 1, 1), (0, -1, 1), (1, 4, 4))
    with pytest.raises(ValueError, match="conv_gemm: stride"):
        kconv.conv_gemm(x, w, None, (1, 3, 3), (1, 0, 1), (1, 1, 1), (0, 1, 1), (1, 4, 4))
    with pytest.raises(ValueError, match="conv_gemm_weight: gradient"):
        kconv.conv_gemm_weight(x, np.zeros((2, 3, 1, 4, 4), np.float32), *geometry, 1)
    with pytest.raises(TypeError, match="conv_gemm: expected float32, got float64"):
        kconv.conv_gemm(x.astype(np.float64), w, None, *geometry, (1, 4, 4))
    with pytest.raises(TypeError, match="conv_gemm_weight: expected float32, got int32"):
        kconv.conv_gemm_weight(x, np.zeros((1, 3, 1, 4, 4), np.int32), *geometry, 1)


# --- the ops' routes ------------------------------------------------------------------------


@pytest.fixture
def routes(monkeypatch, numba_matmul):
    """Counts of the GEMM kernel calls the ops make: {"conv": n, "weight": n}."""
    counts = {"conv": 0, "weight": 0}
    conv, weight = kconv.conv_gemm, kconv.conv_gemm_weight

    def counted(name, fn):
        def call(*args):
            counts[name] += 1
            return fn(*args)
        return call
    monkeypatch.setattr(kconv, "conv_gemm", counted("conv", conv))
    monkeypatch.setattr(kconv, "conv_gemm_weight", counted("weight", weight))
    return counts


# (x shape, weight shape, kwargs, GEMM kernel calls of forward + backward: conv, weight)
CONV2D_CASES = [
    ((2, 8, 4, 5), (8, 8, 3, 2), dict(padding=1), (2, 1)),  # dx as a convolution
    ((2, 3, 6, 5), (8, 3, 3, 2), dict(padding=(1, 0)), (1, 1)),  # few channels: col2im dx
    ((2, 4, 7, 6), (6, 2, 3, 3), dict(padding=2, dilation=2, groups=2), (2, 1)),
    ((1, 8, 3, 3), (8, 8, 2, 2), dict(padding=2), (2, 1)),  # padding > k - 1: g cropped
    ((2, 2, 6, 6), (4, 2, 2, 2), dict(padding="same", dilation=1), (1, 1)),  # even 'same'
    ((2, 3, 6, 5), (4, 3, 3, 3), dict(stride=2, padding=1), (1, 1)),  # few channels: col2im
    # taps that skip stride phases of x: im2col forward and weight gradient; dx per phase
    ((2, 8, 9, 7), (6, 8, 3, 2), dict(stride=(3, 2), dilation=(1, 2)), (3, 0)),
    ((2, 8, 8, 8), (8, 8, 1, 1), dict(stride=2), (1, 0)),  # 1x1 downsampling: 1 phase of 4
    ((2, 8, 7, 6), (8, 8, 3, 3), dict(stride=2, padding=1), (5, 1)),  # 2x2 phases of dx
]


@pytest.mark.parametrize("x_shape,w_shape,kwargs,calls", CONV2D_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_routes_match_naive_loops(routes, x_shape, w_shape, kwargs, calls, dtype):
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(
        w_shape[0])
    xt, wt, bt = (ae.tensor(v, dtype=dtype, requires_grad=True) for v in (x, w, b))
    out = F.conv2d(xt, wt, bt, **kwargs)
    pair = lambda v: (v, v) if isinstance(v, int) else v  # noqa: E731
    padding = kwargs.get("padding", 0)
    if padding == "same":  # the odd unit after: pad x there, as PyTorch
        x, padding = np.pad(x, ((0, 0), (0, 0), (0, 1), (0, 1))), (0, 0)
    expected = reference.conv2d(x, w, b, pair(kwargs.get("stride", 1)), pair(padding),
                                pair(kwargs.get("dilation", 1)), kwargs.get("groups", 1))
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert out.dtype == dtype
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=tol, atol=tol)
    out.backward(ae.tensor(rng.standard_normal(out.shape), dtype=dtype))
    # float64 keeps the im2col route (the GEMM is compiled for float32 only)
    assert (routes["conv"], routes["weight"]) == (calls if dtype == np.float32 else (0, 0))
    assert xt.grad.shape == x_shape and wt.grad.shape == w_shape


def _derivatives(fn, arrays, dtype, seed):
    """fn(*arrays), the gradients of <fn(...), g> wrt every input, and the gradients of
    <those gradients, v> wrt every input and g (second derivatives: every product's
    backward), for fixed random g and v, in ``dtype``."""
    rng = np.random.default_rng(seed)
    inputs = [ae.tensor(a, dtype=dtype, requires_grad=True) for a in arrays]
    out = fn(*inputs)
    g = ae.tensor(rng.standard_normal(out.shape), dtype=dtype, requires_grad=True)
    firsts = ae.autograd.grad(out, inputs, g, create_graph=True)
    total = sum((f * ae.tensor(rng.standard_normal(f.shape), dtype=dtype)).sum()
                for f in firsts)
    seconds = ae.autograd.grad(total, inputs + [g], allow_unused=True)
    return [out] + list(firsts) + [s for s in seconds if s is not None]


def _check_derivatives(fn, shapes, seed):
    """The float32 derivatives (the GEMM route) against the float64 ones (the im2col route,
    gradcheck'd and gradgradcheck'd in test_ops_conv*.py)."""
    arrays = [np.random.default_rng(seed + 1).standard_normal(s) for s in shapes]
    ours = _derivatives(fn, arrays, np.float32, seed)
    expected = _derivatives(fn, arrays, np.float64, seed)
    assert len(ours) == len(expected) > 1 + len(shapes)
    for a, b in zip(ours, expected):
        b = b.detach().numpy()
        np.testing.assert_allclose(a.detach().numpy(), b, rtol=1e-4,
                                   atol=1e-4 * max(1.0, float(np.abs(b).max())))


@pytest.mark.parametrize("x_shape,w_shape,kwargs,calls", CONV2D_CASES)
def test_conv2d_route_derivatives(routes, x_shape, w_shape, kwargs, calls):
    _check_derivatives(lambda x, w, b: F.conv2d(x, w, b, **kwargs),
                       (x_shape, w_shape, (w_shape[0],)), 3)
    assert (routes["conv"] > 0, routes["weight"] > 0) == (calls[0] > 0, calls[1] > 0)


@pytest.mark.parametrize("op,x_shape,w_shape,kwargs", [
    (F.conv1d, (2, 4, 9), (6, 4, 3), dict(padding=2, dilation=2)),
    (F.conv3d, (2, 2, 4, 5, 3), (3, 2, 2, 3, 1), dict(padding=(1, 1, 0))),
    (F.conv_transpose1d, (2, 5, 6), (5, 4, 3), dict(padding=1)),
    (F.conv_transpose2d, (1, 4, 4, 5), (4, 2, 3, 2), dict(padding=(0, 1), dilation=2,
                                                           output_padding=1, groups=2)),
    (F.conv_transpose3d, (2, 3, 3, 4, 2), (3, 8, 2, 2, 2), dict(padding=1)),
    (F.conv2d, (3, 5, 6), (4, 3, 3, 3), dict(padding=1)),  # unbatched
])
def test_other_ranks_and_transposed_derivatives(routes, op, x_shape, w_shape, kwargs):
    bias_size = w_shape[1] * kwargs.get("groups", 1) if "transpose" in op.__name__ else w_shape[0]
    _check_derivatives(lambda x, w, b: op(x, w, b, **kwargs), (x_shape, w_shape, (bias_size,)),
                       4)
    assert routes["conv"] > 0 and routes["weight"] > 0


def _conv_step(dtype=ae.float32, stride=1):
    x = ae.randn(2, 8, 5, 5, dtype=dtype, requires_grad=True)
    w = ae.randn(8, 8, 3, 3, dtype=dtype, requires_grad=True)
    F.conv2d(x, w, padding=1, stride=stride).sum().backward()


def test_blas_backend_keeps_convolutions_on_im2col(routes):
    """Beside BLAS matmuls, OpenBLAS's spinning workers would slow the convolution GEMM's
    threads: with large matmuls pinned to BLAS, convolutions take im2col + BLAS."""
    matmul.set_matmul_backend("blas")
    _conv_step()
    assert routes == {"conv": 0, "weight": 0}


def test_a_convolution_moves_auto_matmuls_to_the_numba_gemm(routes, monkeypatch):
    monkeypatch.setattr(matmul.config, "PARALLEL", False)
    matmul.set_matmul_backend("auto")
    large = 1 << 10
    assert matmul.blas_selected(large, large, large)
    _conv_step(dtype=ae.float64)  # im2col: it does not claim the cores
    assert routes == {"conv": 0, "weight": 0} and matmul.blas_selected(large, large, large)
    _conv_step()
    assert routes == {"conv": 2, "weight": 1}  # forward, input gradient; weight gradient
    _conv_step(stride=2)
    assert routes == {"conv": 7, "weight": 2}  # strided: a convolution per phase of dx
    assert not matmul.blas_selected(large, large, large)
    assert matmul.blas_selected(64, 64, 64)  # small products stay on single-threaded BLAS
    assert matmul.get_matmul_backend() == "auto"
    matmul.set_matmul_backend("auto")  # starts over
    assert matmul.blas_selected(large, large, large)


def test_empty_batch_and_non_contiguous_input(numba_matmul):
    rng = np.random.default_rng(6)
    w = ae.tensor(rng.standard_normal((4, 3, 3, 3)), dtype=ae.float32, requires_grad=True)
    x = ae.tensor(np.zeros((0, 3, 5, 5)), dtype=ae.float32, requires_grad=True)
    out = F.conv2d(x, w, padding=1)
    assert out.shape == (0, 4, 5, 5)
    out.sum().backward()
    assert w.grad.shape == (4, 3, 3, 3) and not w.grad.numpy().any()
    base = rng.standard_normal((2, 5, 6, 3))
    x = ae.tensor(base, dtype=ae.float32).permute(0, 3, 1, 2)  # (2, 3, 5, 6), channels-last
    expected = reference.conv2d(base.transpose(0, 3, 1, 2), w.detach().numpy(), None,
                                (1, 1), (1, 1), (1, 1), 1)
    np.testing.assert_allclose(F.conv2d(x, w, padding=1).detach().numpy(), expected,
                               rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(PYTHON_MODE, reason="large products in Python mode")
def test_threaded_runs_match_one_thread(monkeypatch, routes):
    """Runs of images on 3 threads: the forward and input gradient are the same numbers as
    on one thread; the weight gradient (one partial sum per run, added in run order) the
    same numbers on every call."""
    rng = np.random.default_rng(7)
    x = ae.tensor(rng.standard_normal((13, 8, 9, 10)), dtype=ae.float32, requires_grad=True)
    w = ae.tensor(rng.standard_normal((8, 8, 3, 3)) * 0.2, dtype=ae.float32,
                  requires_grad=True)
    g = ae.tensor(rng.standard_normal((13, 8, 9, 10)), dtype=ae.float32)

    def grads():
        x.grad = w.grad = None
        out = F.conv2d(x, w, padding=1)
        out.backward(g)
        return out.detach().numpy(), x.grad.numpy(), w.grad.numpy()
    monkeypatch.setattr(threads, "_count", 1)
    single = grads()
    monkeypatch.setattr(threads, "_count", 3)
    monkeypatch.setattr(kconv, "PARALLEL_MIN_FLOPS", 1)
    first, second = grads(), grads()
    np.testing.assert_array_equal(first[0], single[0])
    np.testing.assert_array_equal(first[1], single[1])
    np.testing.assert_array_equal(first[2], second[2])
    # sums of 1170 terms in another order: within 1e-5 of the largest entry
    np.testing.assert_allclose(first[2], single[2], atol=1e-5 * np.abs(single[2]).max())
    assert routes == {"conv": 6, "weight": 3}
