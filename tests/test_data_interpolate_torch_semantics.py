"""utils.data and interpolate follow PyTorch: expected values recorded from torch 2.13."""
import collections

import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine import nn
from autograd_engine.gradcheck import gradcheck
from autograd_engine.utils import data

Point = collections.namedtuple("Point", "x y")


def _first_batch(samples, **kwargs):
    return next(iter(data.DataLoader(samples, batch_size=2, **kwargs)))


# --- L4 / C1 / E6: default_collate types ---

def test_collate_keeps_numpy_scalar_dtypes():
    assert _first_batch([np.float32(1.5), np.float32(2)]).dtype == np.float32
    assert _first_batch([np.int32(1), np.int32(2)]).dtype == np.int32
    assert _first_batch([1.5, 2.0]).dtype == np.float64
    assert _first_batch([1, 2]).dtype == np.int64
    assert _first_batch([True, False]).dtype == np.bool_


def test_collate_containers():
    assert isinstance(_first_batch([(1, 2.0), (3, 4.0)]), list)
    point = _first_batch([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(point, Point) and point.x.tolist() == [1, 3]
    assert _first_batch(["a", "b"]) == ["a", "b"]
    x = ae.zeros(4, 2)
    assert isinstance(_first_batch(data.TensorDataset(x, x)), list)


def test_collate_rejects_none_and_unequal_lengths():
    with pytest.raises(TypeError, match="batch must contain tensors, numpy arrays, numbers"):
        _first_batch([None, None])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        _first_batch([[1, 2], [1]])


# --- L5: batches stay in the graph ---

def test_batches_keep_requires_grad_and_pass_gradients_back():
    x = ae.tensor(np.ones((4, 2)), requires_grad=True)
    (batch,) = _first_batch(data.TensorDataset(x))
    stacked = _first_batch([x[1], x[2]])
    assert batch.requires_grad and stacked.requires_grad
    (batch.sum() + 2 * stacked.sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy()[:, 0], [1, 3, 2, 0])


# --- M2 / E5: DataLoader arguments and helpers ---

def test_dataloader_accepts_torch_arguments():
    ds = list(range(5))
    loader = data.DataLoader(ds, batch_size=2, num_workers=2, pin_memory=True,
                             persistent_workers=True, prefetch_factor=2, timeout=0,
                             worker_init_fn=None)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]
    assert list(data.DataLoader(ds, batch_size=None)) == ds
    sampler = data.SubsetRandomSampler([3, 4], generator=np.random.default_rng(0))
    assert sorted(data.DataLoader(ds, sampler=sampler, batch_size=5).__iter__().__next__()
                  .tolist()) == [3, 4]
    batches = data.DataLoader(ds, batch_sampler=data.BatchSampler(range(5), 3, True))
    assert [b.tolist() for b in batches] == [[0, 1, 2]]
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        data.DataLoader(ds, sampler=sampler, shuffle=True)


def test_random_split_subset_and_concat():
    a, b = data.random_split(range(10), [0.7, 0.3], generator=np.random.default_rng(1))
    assert (len(a), len(b)) == (7, 3)
    assert sorted(list(a) + list(b)) == list(range(10))
    assert [len(s) for s in data.random_split(range(5), [0.5, 0.5])] == [3, 2]
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        data.random_split(range(5), [2, 2])
    x = data.TensorDataset(ae.arange(3))
    both = x + data.Subset(x, [2])
    assert len(both) == 4 and both[-1][0].item() == 2


def test_samplers():
    assert list(data.SequentialSampler(range(3))) == [0, 1, 2]
    assert sorted(data.RandomSampler(range(4))) == [0, 1, 2, 3]
    assert len(list(data.RandomSampler(range(4), replacement=True, num_samples=9))) == 9
    repeated = list(data.RandomSampler(range(3), num_samples=5))  # a permutation, then 2
    assert sorted(repeated[:3]) == [0, 1, 2] and len(set(repeated[3:])) == 2
    assert set(data.WeightedRandomSampler([0, 1, 0], 4)) == {1}


def test_error_types_as_torch():
    with pytest.raises(TypeError, match="has no len"):
        len(data.DataLoader(data.Dataset()))
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        data.TensorDataset(ae.zeros(3, 2), ae.zeros(2))


# --- M3: interpolate modes and ranks ---

def _grid(n, shape):
    return ae.tensor(np.arange(n, dtype=np.float64).reshape(shape))


def test_bicubic_values_and_gradient():
    x = ae.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=ae.float64, requires_grad=True)
    np.testing.assert_allclose(
        F.interpolate(_grid(4, (1, 1, 2, 2)), size=3, mode="bicubic").numpy().ravel(),
        [-0.26041666666666613, 0.3263888888888894, 0.9131944444444454, 0.9131944444444449,
         1.5, 2.0868055555555562, 2.086805555555557, 2.673611111111112, 3.2604166666666683])
    np.testing.assert_allclose(
        F.interpolate(_grid(4, (1, 1, 2, 2)), size=3, mode="bicubic",
                      align_corners=True).numpy().ravel(),
        [0.0, 0.5, 1.0, 1.0, 1.5, 2.0, 2.0, 2.5, 3.0], atol=1e-15)
    F.interpolate(x, size=3, mode="bicubic").backward(_grid(9, (1, 1, 3, 3)))
    np.testing.assert_allclose(x.grad.numpy().ravel(),
                               [1.958333333333329, 5.4791666666666625, 12.520833333333327,
                                16.04166666666668])


def test_linear_area_trilinear_and_nearest_modes():
    line = ae.tensor([[[0.0, 1.0, 4.0]]], dtype=ae.float64)
    np.testing.assert_allclose(F.interpolate(line, size=5, mode="linear").numpy().ravel(),
                               [0.0, 0.4, 1.0, 2.8, 4.0])
    np.testing.assert_allclose(
        F.interpolate(_grid(5, (1, 1, 5)), size=3, mode="area").numpy().ravel(),
        [0.5, 2.0, 3.5])
    np.testing.assert_allclose(
        F.interpolate(_grid(8, (1, 1, 2, 2, 2)), size=3, mode="trilinear",
                      align_corners=True).numpy()[0, 0, 1].ravel(),
        [2.0, 2.5, 3.0, 3.0, 3.5, 4.0, 4.0, 4.5, 5.0])
    np.testing.assert_array_equal(
        F.interpolate(_grid(10, (1, 1, 10)), scale_factor=1.09,
                      mode="nearest-exact").numpy().ravel(), [0, 1, 2, 3, 4, 5, 5, 6, 7, 8])
    # The 1-D kernel has no "same size means copy" shortcut (the 2-D one has).
    np.testing.assert_array_equal(
        F.interpolate(_grid(3, (1, 1, 3)), scale_factor=1.2).numpy().ravel(), [0, 0, 1])


@pytest.mark.parametrize("mode,shape,kwargs", [
    ("bicubic", (1, 2, 3, 4), dict(scale_factor=1.7)),
    ("bicubic", (1, 1, 3, 3), dict(size=(5, 2), align_corners=True)),
    ("linear", (2, 1, 4), dict(size=7)),
    ("trilinear", (1, 1, 2, 3, 2), dict(size=(3, 2, 4))),
    ("area", (1, 2, 5, 4), dict(size=(3, 3))),
    ("nearest-exact", (1, 1, 3, 2, 2), dict(scale_factor=1.6)),
])
def test_gradcheck_new_modes(mode, shape, kwargs):
    x = ae.tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, mode=mode, **kwargs), (x,))


def test_upsampling_modules():
    up = nn.UpsamplingBilinear2d(scale_factor=2)
    assert repr(up) == "UpsamplingBilinear2d(scale_factor=2.0, mode='bilinear')"
    np.testing.assert_allclose(up(_grid(4, (1, 1, 2, 2))).numpy()[0, 0, 0],
                               [0, 1 / 3, 2 / 3, 1], atol=1e-15)
    assert repr(nn.UpsamplingNearest2d(size=3)) == "UpsamplingNearest2d(size=3, mode='nearest')"
