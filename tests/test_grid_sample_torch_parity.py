"""``F.grid_sample`` and ``F.affine_grid`` against torch 2.13 (skipped without it): values and
gradients w.r.t. input, grid and theta over random shapes (hypothesis), every mode, padding
mode and align_corners, float64 and float32; second order; error types."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

MODES = ("bilinear", "nearest", "bicubic")
PADDING_MODES = ("zeros", "border", "reflection")
TOLERANCE = {np.float64: dict(rtol=1e-9, atol=1e-11), np.float32: dict(rtol=2e-5, atol=2e-5)}


def _both(array, requires_grad=True):
    return (ae.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def _compare(x, grid, dtype, **kwargs):
    """Values and both gradients under a random output weighting."""
    (ax, tx), (ag, tg) = _both(x.astype(dtype)), _both(grid.astype(dtype))
    out_a, out_t = F.grid_sample(ax, ag, **kwargs), TF.grid_sample(tx, tg, **kwargs)
    assert out_a.shape == tuple(out_t.shape) and out_a.dtype == dtype
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), **tol)
    weights = np.random.default_rng(0).standard_normal(out_a.shape).astype(dtype)
    (out_a * ae.tensor(weights)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ax.grad.data, tx.grad.numpy(), **tol)
    # the grid's gradient sums a product per channel and tap: scale the tolerance by it
    scale = max(1.0, np.abs(tg.grad.numpy()).max())
    np.testing.assert_allclose(ag.grad.data, tg.grad.numpy(), rtol=tol["rtol"],
                               atol=tol["atol"] * scale * 10)


@settings(max_examples=60)
@given(data=st.data(), mode=st.sampled_from(MODES), padding_mode=st.sampled_from(PADDING_MODES),
       align_corners=st.booleans(), dtype=st.sampled_from([np.float64, np.float32]))
def test_2d_random_shapes(data, mode, padding_mode, align_corners, dtype):
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))
    oh, ow = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    spread = data.draw(st.sampled_from([0.9, 1.5, 4.0]))  # inside, around and far outside
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    _compare(rng.standard_normal((n, c, h, w)), rng.uniform(-spread, spread, (n, oh, ow, 2)),
             dtype, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


@settings(max_examples=40)
@given(data=st.data(), mode=st.sampled_from(MODES[:2]),
       padding_mode=st.sampled_from(PADDING_MODES), align_corners=st.booleans(),
       dtype=st.sampled_from([np.float64, np.float32]))
def test_3d_random_shapes(data, mode, padding_mode, align_corners, dtype):
    sizes = [data.draw(st.integers(1, 4)) for _ in range(3)]
    out_sizes = [data.draw(st.integers(1, 3)) for _ in range(3)]
    spread = data.draw(st.sampled_from([0.9, 1.5, 4.0]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16)))
    _compare(rng.standard_normal((2, 2, *sizes)), rng.uniform(-spread, spread,
                                                                (2, *out_sizes, 3)),
             dtype, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("padding_mode", PADDING_MODES)
def test_second_order(mode, padding_mode):
    rng = np.random.default_rng(5)
    (ax, tx), (ag, tg) = _both(rng.standard_normal((1, 2, 3, 4))), \
        _both(rng.uniform(-1.3, 1.3, (1, 2, 3, 2)))
    kwargs = dict(mode=mode, padding_mode=padding_mode, align_corners=False)
    ga = ae.autograd.grad((F.grid_sample(ax, ag, **kwargs) ** 2).sum(), ax, create_graph=True)
    gt = torch.autograd.grad((TF.grid_sample(tx, tg, **kwargs) ** 2).sum(), tx,
                             create_graph=True)
    np.testing.assert_allclose(ga[0].data, gt[0].detach().numpy(), rtol=1e-10)
    # (torch has no double backward w.r.t. the grid: the second order is taken w.r.t. x)
    (gga,), (ggt,) = ae.autograd.grad(ga[0].sum(), ax), torch.autograd.grad(gt[0].sum(), tx)
    np.testing.assert_allclose(gga.data, ggt.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 7), (2, 3, 1, 1), (2, 1, 3, 4, 5),
                                  (2, 1, 1, 2, 1), (2, 1, 9, 17)])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_affine_grid(size, align_corners, dtype):
    k = len(size) - 2
    (aa, ta) = _both(np.random.default_rng(1).standard_normal((2, k, k + 1)).astype(dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unit-size warning
        out_a = F.affine_grid(aa, size, align_corners=align_corners)
        out_t = TF.affine_grid(ta, size, align_corners=align_corners)
    tol = TOLERANCE[dtype]
    np.testing.assert_allclose(out_a.data, out_t.detach().numpy(), **tol)
    weights = np.random.default_rng(2).standard_normal(out_a.shape).astype(dtype)
    (out_a * ae.tensor(weights)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(aa.grad.data, ta.grad.numpy(), rtol=1e-5 if dtype == np.float32
                               else 1e-10, atol=1e-5 if dtype == np.float32 else 1e-12)


ERROR_CASES = [
    ((2, 3, 4, 5), (2, 6, 7, 2), {"mode": "foo"}),
    ((2, 3, 4, 5), (2, 6, 7, 2), {"padding_mode": "foo"}),
    ((2, 3, 4, 5), (1, 6, 7, 2), {}),
    ((2, 3, 4, 5), (2, 6, 7, 1), {}),
    ((3, 4, 5), (6, 7, 2), {}),
    ((2, 3, 0, 5), (2, 6, 7, 2), {}),
    ((2, 3, 4, 5), (2, 3, 4, 5, 2), {}),
    ((2, 3, 4, 5, 6), (2, 1, 2, 3), {}),
    ((2, 3, 4, 5, 6), (2, 1, 2, 3, 3), {"mode": "bicubic"}),
    ((2, 3, 5), (2, 6, 1), {}),
    ((2, 3, 4, 5, 6, 7), (2, 6, 2, 2, 2, 4), {}),
    ((), (), {}),
]


@pytest.mark.parametrize("x_shape,grid_shape,kwargs", ERROR_CASES)
def test_error_types(x_shape, grid_shape, kwargs):
    with pytest.raises(Exception) as expected:
        TF.grid_sample(torch.zeros(x_shape), torch.zeros(grid_shape), align_corners=False,
                       **kwargs)
    with pytest.raises(expected.type):
        F.grid_sample(ae.zeros(*x_shape), ae.zeros(*grid_shape), align_corners=False, **kwargs)


@pytest.mark.parametrize("theta_shape,size,dtype", [
    ((1, 2, 3), [1, 1, 3, 4], np.int64), ((2, 3), [1, 1, 3, 4], np.float32),
    ((1, 2, 3), [1, 1, 3, 4, 5], np.float32), ((1, 2, 3), [1, 1, 3], np.float32),
    ((1, 2, 3), [1, 1, 0, 4], np.float32), ((1, 2, 3), [2, 1, 3, 4], np.float32),
    ((1, 3, 4), [1, 1, 2, 3, 0], np.float32)])
def test_affine_grid_error_types(theta_shape, size, dtype):
    with pytest.raises(Exception) as expected:
        TF.affine_grid(torch.tensor(np.zeros(theta_shape, dtype)), size, align_corners=False)
    with pytest.raises(expected.type):
        F.affine_grid(ae.tensor(np.zeros(theta_shape, dtype)), size, align_corners=False)
