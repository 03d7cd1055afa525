"""utils.data collation and interpolate's new modes and ranks against torch itself."""
import collections

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.utils import data

torch = pytest.importorskip("torch")
from torch.utils.data import default_collate as torch_collate  # noqa: E402

Point = collections.namedtuple("Point", "x y")


@pytest.mark.parametrize("samples", [
    [np.float32(1.5), np.float32(2)], [np.int32(1), np.int32(2)], [np.float64(1)],
    [1.5, 2.0], [1, 2], [1, 2.5], [True, False], [np.bool_(True)],
    [np.ones(2, np.float32), np.zeros(2, np.float32)], [np.array(1.5, np.float32)] * 2,
])
def test_collate_dtype_and_values(samples):
    ours, theirs = data.default_collate(samples), torch_collate(samples)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("samples", [
    [(1, 2.0), (3, 4.0)], [[1, 2], [3, 4]], [Point(1, 2.0), Point(3, 4.0)],
    [{"a": 1, "b": "s"}, {"a": 2, "b": "t"}], ["a", "b"],
])
def test_collate_container_types(samples):
    ours, theirs = data.default_collate(samples), torch_collate(samples)
    assert type(ours) is type(theirs)


def _cases():
    for mode, rank in [("nearest", 3), ("nearest", 4), ("nearest", 5), ("nearest-exact", 3),
                       ("nearest-exact", 4), ("nearest-exact", 5), ("linear", 3),
                       ("trilinear", 5), ("bicubic", 4), ("area", 3), ("area", 4),
                       ("area", 5)]:
        for kwargs in [dict(size=4), dict(size=9), dict(scale_factor=2),
                       dict(scale_factor=1.7), dict(scale_factor=0.6),
                       dict(scale_factor=2.1, recompute_scale_factor=True)]:
            corners = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
            for align_corners in corners:
                yield mode, rank, kwargs, align_corners


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode,rank,kwargs,align_corners", list(_cases()))
def test_interpolate_values_and_grads(mode, rank, kwargs, align_corners, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3) + (5, 3, 7)[:rank - 2]).astype(dtype)
    tx, ax = torch.tensor(x, requires_grad=True), ae.tensor(x, requires_grad=True)
    expected = torch.nn.functional.interpolate(tx, mode=mode, align_corners=align_corners,
                                               **kwargs)
    got = F.interpolate(ax, mode=mode, align_corners=align_corners, **kwargs)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert got.dtype == dtype
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=tol, atol=tol)
    g = rng.standard_normal(expected.shape).astype(dtype)
    expected.backward(torch.tensor(g))
    got.backward(ae.tensor(g))
    np.testing.assert_allclose(ax.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=10 * tol)


def test_upsampling_modules_match_torch():
    x = np.random.default_rng(1).standard_normal((1, 2, 3, 4))
    for ours, theirs in [(ae.nn.UpsamplingBilinear2d(scale_factor=2),
                          torch.nn.UpsamplingBilinear2d(scale_factor=2)),
                         (ae.nn.UpsamplingNearest2d(size=(5, 3)),
                          torch.nn.UpsamplingNearest2d(size=(5, 3)))]:
        assert repr(ours) == repr(theirs)
        np.testing.assert_allclose(ours(ae.tensor(x)).numpy(),
                                   theirs(torch.tensor(x)).numpy(), atol=1e-12)
