"""Tensor method aliases, in-place forms, in-place views, ``unfold``, ``sum_to_size``,
``fill_diagonal_`` and metadata, with PyTorch's results written out (no torch needed)."""
import numpy as np
import pytest

import autograd_engine as ae

T = ae.Tensor


def test_aliases_are_the_same_methods():
    for alias, name in [("arccos", "acos"), ("arcsinh", "asinh"), ("arctan2", "atan2"),
                        ("multiply", "mul"), ("subtract", "sub"), ("negative", "neg"),
                        ("absolute", "abs"), ("greater_equal", "ge"), ("not_equal", "ne"),
                        ("fix", "trunc"), ("sgn", "sign"), ("clip_", "clamp_"),
                        ("arctanh_", "atanh_"), ("swapaxes_", "transpose_"),
                        ("swapdims_", "transpose_"), ("true_divide_", "div_")]:
        assert getattr(T, alias) is getattr(T, name), alias


def test_divide_and_positive():
    assert ae.tensor([7, -7]).divide(2, rounding_mode="floor").tolist() == [3, -4]
    assert ae.tensor([7, -7]).true_divide(2).tolist() == [3.5, -3.5]
    x = ae.tensor([1.0, -2.0])
    assert x.positive() is x and +x is x
    with pytest.raises(RuntimeError, match="bool"):
        +ae.tensor([True])


def test_inplace_forms_write_in_place_and_bump_the_version():
    x = ae.tensor([0.0, 0.5])
    assert x.sin_() is x and x._version == 1
    np.testing.assert_allclose(x.numpy(), np.sin([0.0, 0.5]).astype(np.float32))
    x = ae.tensor([1.0, 2.0, 3.0])
    x.gt_(1.5)
    assert x.tolist() == [0.0, 1.0, 1.0] and x.dtype == np.float32
    i = ae.tensor([5, -7])
    i.floor_divide_(2)
    assert i.tolist() == [2, -4] and i.dtype == np.int64
    m = ae.ones(2, 3)
    m.tril_()
    assert m.tolist() == [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
    c = ae.tensor([[1.0, 2.0], [3.0, 4.0]])
    c.cumsum_(1)
    assert c.tolist() == [[1.0, 3.0], [3.0, 7.0]]
    a = ae.zeros(2, 2)
    a.addmm_(ae.eye(2), ae.ones(2, 2), beta=0.5, alpha=2.0)
    assert a.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    d = ae.tensor([7.0, -7.0])
    d.div_(2, rounding_mode="trunc")
    assert d.tolist() == [3.0, -3.0]


@pytest.mark.parametrize("call", [
    lambda: ae.tensor([1, 2]).sin_(),           # a float result into an int tensor
    lambda: ae.tensor([1, 2]).true_divide_(2),
    lambda: ae.tensor([True]).negative_(),
    lambda: ae.ones(2, requires_grad=True).cos_(),  # a leaf that requires grad
    lambda: ae.zeros(2).cumsum_(1),
])
def test_inplace_form_errors(call):
    with pytest.raises((RuntimeError, IndexError)):
        call()


def test_inplace_forms_are_recorded(inplace_recording):
    x = ae.tensor([0.2, 0.4], dtype=ae.float64, requires_grad=True)
    y = x * 2
    y.atanh_()
    assert y.grad_fn is not None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 / (1 - (2 * np.array([0.2, 0.4])) ** 2))
    # a saved input written in place is caught at backward
    z = x * 1
    w = z * z
    z.exp_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()
    # comparisons record a zero gradient; logical ops are not recorded at all
    x.grad = None
    c = x * 3
    c.lt_(1.0)
    (c * 5).sum().backward()
    assert c.requires_grad and x.grad.tolist() == [0.0, 0.0]
    leaf = ae.ones(2, requires_grad=True)
    leaf.logical_not_()
    assert leaf.tolist() == [0.0, 0.0] and leaf.is_leaf


def test_inplace_views():
    x = ae.arange(6.0).reshape(2, 3)
    assert x.t_() is x and x.shape == (3, 2) and x.stride() == (1, 3) and x._version == 1
    x.unsqueeze_(0)
    assert x.shape == (1, 3, 2) and x._version == 2
    x.squeeze_()
    x.transpose_(0, 1)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and x._version == 4
    with pytest.raises(RuntimeError, match="<= 2 dimensions"):
        ae.zeros(2, 2, 2).t_()
    with pytest.raises(RuntimeError, match="leaf Variable"):
        ae.zeros(3, requires_grad=True).unsqueeze_(0)
    with ae.no_grad():
        leaf = ae.zeros(3, requires_grad=True)
        leaf.unsqueeze_(0)
    assert leaf.shape == (1, 3)
    a = ae.ones(3, requires_grad=True)
    b = a * 2
    b.unsqueeze_(0)
    (b * ae.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    assert b.shape == (1, 3) and a.grad.tolist() == [2.0, 4.0, 6.0]


def test_unfold():
    windows = ae.arange(10.0).unfold(0, 3, 2)
    assert windows.tolist() == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6, 7, 8]]
    assert windows.stride() == (2, 1)
    y = ae.arange(24.0).reshape(2, 3, 4).unfold(1, 2, 1)
    assert y.shape == (2, 2, 4, 2) and y.stride() == (12, 4, 1, 4)
    assert ae.arange(10.0).unfold(0, 0, 1).shape == (11, 0)
    assert ae.tensor(5.0).unfold(0, 1, 1).tolist() == [5.0]
    base = ae.arange(5.0)
    view = base.unfold(0, 2, 1)
    base.add_(1)
    assert view[0].tolist() == [1.0, 2.0] and view._version == base._version == 1
    x = ae.arange(5.0, requires_grad=True)
    x.unfold(0, 3, 1).sum().backward()
    assert x.grad.tolist() == [1.0, 2.0, 3.0, 2.0, 1.0]


@pytest.mark.parametrize("args,error", [((0, 11, 1), RuntimeError), ((0, 3, 0), RuntimeError),
                                        ((0, -1, 1), RuntimeError), ((1, 3, 1), IndexError)])
def test_unfold_errors(args, error):
    with pytest.raises(error):
        ae.arange(10.0).unfold(*args)


def test_sum_to_size():
    x = ae.arange(12.0).reshape(3, 4)
    assert x.sum_to_size(1, 4).tolist() == [[12.0, 15.0, 18.0, 21.0]]
    assert x.sum_to_size((3, 1)).tolist() == [[6.0], [22.0], [38.0]]
    assert x.sum_to_size(4).tolist() == [12.0, 15.0, 18.0, 21.0]
    assert x.sum_to_size(()).item() == 66.0 and x.sum_to_size(3, 4) is x
    for bad in ((2, 4), (1, 3, 4), (5,)):
        with pytest.raises(RuntimeError, match="not expandable"):
            x.sum_to_size(bad)


def test_fill_diagonal():
    tall = ae.zeros(7, 3)
    assert tall.fill_diagonal_(5.0, wrap=True) is tall
    rows, cols = tall.numpy().nonzero()
    assert rows.tolist() == [0, 1, 2, 4, 5, 6] and cols.tolist() == [0, 1, 2, 0, 1, 2]
    cube = ae.zeros(2, 2, 2).fill_diagonal_(1.0)
    assert cube.tolist() == [[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]]
    assert ae.zeros(2, 3, dtype=ae.int64).fill_diagonal_(2.5).tolist() == [[2, 0, 0],
                                                                            [0, 2, 0]]
    with pytest.raises(RuntimeError, match="larger than 1"):
        ae.zeros(3).fill_diagonal_(1.0)
    with pytest.raises(RuntimeError, match="equal length"):
        ae.zeros(2, 2, 3).fill_diagonal_(1.0)


def test_metadata():
    x = ae.zeros(2, 3)
    assert (x.nbytes, x.itemsize, x.ndimension(), x.get_device(), x.is_cpu) == (24, 4, 2, -1,
                                                                                 True)
    assert x.is_floating_point() and x.is_signed() and not x.is_complex()
    assert not ae.zeros(2, dtype=np.uint8).is_signed() and not ae.zeros(2, dtype=ae.bool)\
        .is_signed()
    assert ae.tensor([1]).is_signed() and not ae.tensor([1]).is_floating_point()
    assert x.is_same_size(ae.ones(2, 3)) and not x.is_same_size(ae.ones(3, 2))
    assert x.equal(ae.zeros(2, 3, dtype=ae.int64)) and not x.equal(ae.zeros(3, 2))
    assert not ae.tensor([float("nan")]).equal(ae.tensor([float("nan")]))
    with pytest.raises(TypeError, match="must be Tensor"):
        x.equal(0)
    assert not x.is_inference()
