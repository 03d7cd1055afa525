"""Conv, pooling and normalisation kernels against their naive twins in kernels/reference.py,
on odd shapes, strides, padding and dilation, in float32 and float64."""
import numpy as np
import pytest

from autograd_engine.kernels import conv, norm, reference

GEOMETRIES = [  # (image H, W), kernel, stride, padding, dilation
    ((5, 7), (3, 3), (1, 1), (0, 0), (1, 1)),
    ((6, 5), (3, 2), (2, 3), (1, 1), (1, 2)),
    ((7, 7), (2, 3), (3, 1), (2, 0), (2, 2)),
    ((1, 1), (1, 1), (1, 1), (0, 0), (1, 1)),
    ((4, 9), (5, 3), (1, 2), (2, 4), (1, 1)),
    # output as wide as the image at stride 1: im2col's one-copy-per-tap path
    ((6, 7), (3, 3), (1, 1), (1, 1), (1, 1)),
    ((5, 8), (5, 3), (1, 1), (2, 1), (1, 1)),
    ((7, 9), (3, 3), (1, 1), (2, 2), (2, 2)),
    ((1, 4), (3, 3), (1, 1), (1, 1), (1, 1)),
]


def _out(size, kernel, stride, padding, dilation):
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1
                 for s, k, st, p, d in zip(size, kernel, stride, padding, dilation))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size,kernel,stride,padding,dilation", GEOMETRIES)
def test_im2col_and_col2im_match_reference(size, kernel, stride, padding, dilation, dtype):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3) + size).astype(dtype)
    out = _out(size, kernel, stride, padding, dilation)
    cols = conv.im2col(x, kernel, stride, padding, dilation, out)
    np.testing.assert_array_equal(cols, reference.im2col(x, kernel, stride, padding,
                                                         dilation, out))
    back = conv.col2im(cols, x.shape, kernel, stride, padding, dilation, out)
    expected = reference.col2im(cols, x.shape, kernel, stride, padding, dilation, out)
    np.testing.assert_allclose(back, expected, rtol=1e-6, atol=1e-6)
    assert back.dtype == dtype


def test_col2im_is_the_adjoint_of_im2col():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((1, 2, 6, 5))
    geometry = ((3, 2), (2, 1), (1, 1), (1, 2))
    out = _out((6, 5), *geometry)
    cols = conv.im2col(x, *geometry, out)
    c = rng.standard_normal(cols.shape)
    assert np.isclose((cols * c).sum(), (x * conv.col2im(c, x.shape, *geometry, out)).sum())


@pytest.mark.parametrize("size,kernel,stride,padding,dilation", GEOMETRIES)
def test_col2im_ignores_the_padding_entries_even_when_not_finite(size, kernel, stride,
                                                                 padding, dilation):
    """The gradient at padding positions is dropped, never added anywhere (PyTorch), so an
    inf there cannot leak into a pixel (the same-width path skips them by a select)."""
    x = np.ones((1, 2) + size)
    out = _out(size, kernel, stride, padding, dilation)
    cols = np.random.default_rng(4).standard_normal(
        conv.im2col(x, kernel, stride, padding, dilation, out).shape)
    padding_entries = conv.im2col(x, kernel, stride, padding, dilation, out) == 0
    cols[padding_entries] = np.inf
    back = conv.col2im(cols, x.shape, kernel, stride, padding, dilation, out)
    assert np.isfinite(back).all()
    cols[padding_entries] = 0.0
    np.testing.assert_allclose(back, reference.col2im(cols, x.shape, kernel, stride, padding,
                                                      dilation, out), rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size,kernel,stride,padding,dilation", GEOMETRIES[:4])
def test_max_pool2d_matches_reference(size, kernel, stride, padding, dilation, dtype):
    padding = tuple(min(p, k // 2) for p, k in zip(padding, kernel))
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, (2, 3) + size).astype(dtype)  # many ties: first max must win
    out = _out(size, kernel, stride, padding, dilation)
    values, index = conv.max_pool2d_fwd(x, kernel, stride, padding, dilation, out)
    ref_values, ref_index = reference.max_pool2d_fwd(x, kernel, stride, padding, dilation, out)
    np.testing.assert_array_equal(values, ref_values)
    np.testing.assert_array_equal(index, ref_index)
    g = rng.standard_normal(values.shape).astype(dtype)
    np.testing.assert_allclose(conv.max_pool2d_bwd(g, index, x.shape),
                               reference.max_pool2d_bwd(g, index, x.shape), rtol=1e-6)


POOL_WINDOWS = [  # image (H, W), kernel, stride, padding, dilation, output (H, W)
    ((6, 9), (2, 2), (2, 2), (0, 0), (1, 1), (3, 4)),  # the unrolled 2x2 loop
    ((6, 9), (2, 2), (2, 2), (0, 0), (1, 1), (3, 5)),  # ceil_mode: partial last window
    ((7, 8), (3, 3), (2, 2), (1, 1), (1, 1), (4, 4)),
    ((5, 6), (2, 3), (1, 2), (1, 1), (2, 1), (4, 3)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size,kernel,stride,padding,dilation,out", POOL_WINDOWS)
def test_max_pool2d_nan_inf_and_ties_match_reference(size, kernel, stride, padding, dilation,
                                                      out, dtype):
    rng = np.random.default_rng(4)
    x = rng.integers(-2, 2, (2, 3) + size).astype(dtype)  # many ties
    specials = rng.choice(x.size, x.size // 6, replace=False)
    x.flat[specials] = rng.choice([np.nan, np.inf, -np.inf], specials.size)
    values, index = conv.max_pool2d_fwd(x, kernel, stride, padding, dilation, out)
    ref_values, ref_index = reference.max_pool2d_fwd(x, kernel, stride, padding, dilation, out)
    np.testing.assert_array_equal(values, ref_values)  # NaN positions must agree too
    np.testing.assert_array_equal(index, ref_index)
    assert np.isnan(values).any() and values.dtype == dtype


def test_max_pool2d_propagates_nan():
    x = np.array([[[[1.0, np.nan], [3.0, 2.0]]]])
    values, index = conv.max_pool2d_fwd(x, (2, 2), (2, 2), (0, 0), (1, 1), (1, 1))
    assert np.isnan(values[0, 0, 0, 0]) and index[0, 0, 0, 0] == 1


def test_max_pool2d_bwd_rejects_out_of_range_indices():
    with pytest.raises(IndexError):
        conv.max_pool2d_bwd(np.ones((1, 1, 1, 1)), np.array([[[[4]]]]), (1, 1, 2, 2))


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape", [(5, 3, 1), (4, 2, 7), (2, 1, 1)])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_kernels_match_reference(shape, dtype, tol, affine):
    rng = np.random.default_rng(4)
    x = (rng.standard_normal(shape) * 3 + 5).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    w, b = (rng.standard_normal(shape[1]).astype(dtype) for _ in range(2))
    w, b = (w, b) if affine else (None, None)
    out, mean, var = norm.batch_norm_fwd(x, w, b, 1e-5)
    ref_out, ref_mean, ref_var = reference.batch_norm_fwd(x, w, b, 1e-5)
    np.testing.assert_allclose(out, ref_out, rtol=tol, atol=tol)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12)
    np.testing.assert_allclose(var, ref_var, rtol=1e-10)
    invstd = 1 / np.sqrt(var + 1e-5)
    for got, expected in zip(norm.batch_norm_bwd(g, x, mean, invstd, w),
                             reference.batch_norm_bwd(g, x, mean, invstd, w)):
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("shape", [(3, 5), (1, 1), (7, 2)])
@pytest.mark.parametrize("affine", [True, False])
def test_layer_norm_kernels_match_reference(shape, dtype, tol, affine):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(shape) * 2 - 3).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    w, b = (rng.standard_normal(shape[1]).astype(dtype) for _ in range(2))
    w, b = (w, b) if affine else (None, None)
    out, mean, invstd = norm.layer_norm_fwd(x, w, b, 1e-5)
    ref_out, ref_mean, ref_invstd = reference.layer_norm_fwd(x, w, b, 1e-5)
    np.testing.assert_allclose(out, ref_out, rtol=tol, atol=tol)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-12)
    np.testing.assert_allclose(invstd, ref_invstd, rtol=1e-10)
    for got, expected in zip(norm.layer_norm_bwd(g, x, mean, invstd, w),
                             reference.layer_norm_bwd(g, x, mean, invstd, w)):
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


def test_threaded_calls_agree_with_serial(threaded):
    """Threads split the batch (each run of rows into its own partial sums), the rows of layer
    norm and the images of conv and pooling."""
    rng = np.random.default_rng(6)
    x, g = rng.standard_normal((64, 16, 70)), rng.standard_normal((64, 16, 70))
    w, b = rng.standard_normal(16), rng.standard_normal(16)
    rows, row_g = x.reshape(64 * 16, 70), g.reshape(64 * 16, 70)
    images = rng.standard_normal((5, 3, 9, 8))
    geometry = ((3, 2), (2, 1), (1, 1), (1, 2), (5, 6))  # kernel, stride, padding, dilation, out

    def run():
        y, mean, var = norm.batch_norm_fwd(x, w, b, 1e-5)
        grads = norm.batch_norm_bwd(g, x, mean, 1 / np.sqrt(var + 1e-5), w)
        ly, lmean, linvstd = norm.layer_norm_fwd(rows, w[:1].repeat(70), None, 1e-5)
        lgrads = norm.layer_norm_bwd(row_g, rows, lmean, linvstd, None)
        cols = conv.im2col(images, *geometry)
        same_width = conv.im2col(images, (3, 3), (1, 1), (1, 1), (1, 1), (9, 8))
        pooled, index = conv.max_pool2d_fwd(images, (2, 2), (2, 2), (0, 0), (1, 1), (4, 4))
        general = conv.max_pool2d_fwd(images, (3, 3), (2, 2), (1, 1), (1, 1), (5, 4))
        return (y, mean, var, *grads, ly, lmean, linvstd, *lgrads, cols, same_width,
                conv.col2im(cols, images.shape, *geometry), pooled, index, *general,
                conv.max_pool2d_bwd(pooled, index, images.shape))

    serial = run()
    threaded()
    for s, p in zip(serial, run()):
        np.testing.assert_allclose(s, p, rtol=1e-12, atol=1e-12)


def test_kernels_reject_mismatched_gradients():
    x = np.ones((2, 3, 1))
    with pytest.raises(ValueError):
        norm.batch_norm_bwd(np.ones((2, 3, 2)), x, np.zeros(3), np.ones(3), None)
    with pytest.raises(TypeError):
        norm.layer_norm_fwd(np.ones((2, 3), np.int64), None, None, 1e-5)
