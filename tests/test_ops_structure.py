"""tile, repeat_interleave, meshgrid, diag, trace, diff, nonzero, isclose/allclose, the
*_like random factories and Tensor.stride/is_contiguous/normal_/uniform_: values as
PyTorch 2.13 prints them, gradients to second order, errors."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck


def _x():
    return ae.tensor(np.arange(6.0).reshape(2, 3))


def test_tile_and_repeat_interleave():
    x = _x()
    assert ae.tile(x, (2,)).tolist() == [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]
    assert x.tile((2, 1, 2)).shape == (2, 2, 6)
    assert x.repeat_interleave(2).tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert ae.repeat_interleave(x, ae.tensor([1, 0, 2]), dim=1).tolist() == [[0, 2, 2],
                                                                            [3, 5, 5]]
    with pytest.raises(RuntimeError, match="repeats must have the same size as input"):
        x.repeat_interleave(ae.tensor([1, 2]), dim=1)
    with pytest.raises(RuntimeError, match="non-negative"):
        x.repeat_interleave(-1)


def test_meshgrid_ij_and_xy():
    v, w = ae.tensor([1.0, 2.0, 3.0]), ae.tensor([4.0, 5.0])
    gi, gj = ae.meshgrid(v, w, indexing="ij")
    assert gi.tolist() == [[1, 1], [2, 2], [3, 3]] and gj.tolist() == [[4, 5], [4, 5], [4, 5]]
    gx, gy = ae.meshgrid([v, w], indexing="xy")
    assert gx.tolist() == [[1, 2, 3], [1, 2, 3]] and gy.tolist() == [[4, 4, 4], [5, 5, 5]]
    with pytest.raises(RuntimeError, match="indexing must be one of 'xy' or 'ij'"):
        ae.meshgrid(v, w, indexing="ji")


def test_diag_trace_diff():
    v, x = ae.tensor([1.0, 2.0, 3.0]), _x()
    assert ae.diag(v, 1).tolist() == [[0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 0, 3], [0, 0, 0, 0]]
    assert ae.diag(v, -2)[2:, :3].tolist() == [[1, 0, 0], [0, 2, 0], [0, 0, 3]]
    assert x.diag(1).tolist() == [1, 5] and x.diag(-1).tolist() == [3] and x.diag(5).shape == (0,)
    assert x.trace().item() == 4.0
    assert x.diff(2, dim=1).tolist() == [[0], [0]]
    assert ae.diff(v, prepend=ae.tensor([0.0]), append=ae.tensor([9.0, 10.0])).tolist() == [
        1, 1, 1, 6, 1]
    with pytest.raises(RuntimeError, match="diag\\(\\): Supports 1D or 2D tensors. Got 3D"):
        ae.diag(ae.zeros(2, 2, 2))
    with pytest.raises(RuntimeError, match="trace: expected a matrix"):
        ae.trace(v)


def test_structure_gradients_to_second_order():
    a = ae.randn(3, 4, dtype=ae.float64, requires_grad=True)
    v = ae.randn(3, dtype=ae.float64, requires_grad=True)
    for fn, inputs in (
            (lambda a: a.tile((2, 1)) ** 2, (a,)),
            (lambda a: a.repeat_interleave(ae.tensor([2, 0, 1, 3]), dim=1) ** 2, (a,)),
            (lambda v: ae.diag(v, -1) * ae.diag(v ** 2, -1), (v,)),
            (lambda a: a.diag(1) ** 2 + a[:, :3].trace() ** 2, (a,)),
            (lambda a: (a.diff(2) ** 2).sum() + (a.diff(dim=0, append=a[:1]) ** 2).sum(), (a,)),
            (lambda a, v: ae.meshgrid(v, a[0], indexing="xy")[0] * a[0].unsqueeze(1), (a, v))):
        assert gradcheck(fn, inputs) and gradgradcheck(fn, inputs)


def test_nonzero_isclose_allclose():
    assert ae.tensor([[0, 1], [2, 0]]).nonzero().tolist() == [[0, 1], [1, 0]]
    (index,) = ae.nonzero(ae.tensor([0, 3, 0, 4]), as_tuple=True)
    assert index.tolist() == [1, 3] and index.dtype == np.int64
    close = ae.isclose(ae.tensor([1.0, np.nan, 2.0]), ae.tensor([1.0 + 1e-9, np.nan, 2.1]),
                       equal_nan=True)
    assert close.tolist() == [True, True, False]
    assert ae.allclose(_x(), _x() + 1e-9) and not _x().allclose(_x() + 1)


def test_random_like_factories_and_in_place_fills():
    x = ae.zeros(2, 3, dtype=ae.float64)
    ae.manual_seed(0)
    a = ae.randn_like(x)
    ae.manual_seed(0)
    assert np.array_equal(a.numpy(), ae.randn(2, 3, dtype=ae.float64).numpy())
    assert ae.rand_like(x).dtype == np.float64 and ae.rand_like(x).numpy().max() < 1
    ints = ae.randint_like(ae.zeros(100, dtype=ae.int64), 2, 4)
    assert set(ints.tolist()) <= {2, 3} and ints.dtype == np.int64
    filled = ae.zeros(1000).normal_(5.0, 0.1)
    assert abs(filled.mean().item() - 5.0) < 0.05
    assert 2.0 <= ae.zeros(50).uniform_(2, 3).min().item()
    with pytest.raises(RuntimeError, match="in-place operation"):
        ae.zeros(3, requires_grad=True).normal_()


def test_strides_and_contiguity_in_elements():
    x = ae.zeros(2, 3)
    assert x.stride() == (3, 1) and x.stride(0) == 3 and x.is_contiguous()
    assert not x.T.is_contiguous() and x.T.stride() == (1, 3)
    assert x.element_size() == 4 and x.nelement() == 6
