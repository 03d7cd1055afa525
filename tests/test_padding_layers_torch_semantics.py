"""The padding modules (``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad``,
``CircularPad``, 1-3d): PyTorch 2.13's reprs, values, gradients and errors written out, and
gradcheck / gradgradcheck in float64."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
from autograd_engine.autograd import gradcheck, gradgradcheck

FAMILIES = ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")


def _make(family, dims, padding):
    cls = getattr(nn, f"{family}{dims}d")
    return cls(padding, 3.5) if family == "ConstantPad" else cls(padding)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_reprs_and_padding_tuples(family, dims):
    m = _make(family, dims, 2)
    assert m.padding == (2,) * (2 * dims)
    inner = f"{m.padding}"
    if family == "ConstantPad":
        inner = f"padding={m.padding}, value=3.5"
    assert repr(m) == f"{family}{dims}d({inner})"
    assert _make(family, dims, [1, 2]).padding == (1, 2)  # a sequence is kept as given


def test_constant_pad_keeps_an_int_value_and_zero_pad_is_a_constant_pad():
    assert repr(nn.ConstantPad1d(2, 1)) == "ConstantPad1d(padding=(2, 2), value=1)"
    assert repr(nn.ZeroPad2d([1, 2, 3, 4])) == "ZeroPad2d((1, 2, 3, 4))"
    assert isinstance(nn.ZeroPad3d(1), nn.ConstantPad3d) and nn.ZeroPad3d(1).value == 0.0


X1 = np.arange(8.0).reshape(1, 2, 4)
X2 = np.arange(9.0).reshape(1, 3, 3)  # unbatched (C, H, W)
X3 = np.arange(8.0).reshape(1, 2, 2, 2)  # unbatched (C, D, H, W)

VALUES = [
    (nn.ReflectionPad1d((3, 1)), X1, [[[3, 2, 1, 0, 1, 2, 3, 2], [7, 6, 5, 4, 5, 6, 7, 6]]]),
    (nn.ReplicationPad1d((2, 1)), X1, [[[0, 0, 0, 1, 2, 3, 3], [4, 4, 4, 5, 6, 7, 7]]]),
    (nn.CircularPad1d((3, 1)), X1, [[[1, 2, 3, 0, 1, 2, 3, 0], [5, 6, 7, 4, 5, 6, 7, 4]]]),
    (nn.ConstantPad1d((1, 2), 3.5), X1,
     [[[3.5, 0, 1, 2, 3, 3.5, 3.5], [3.5, 4, 5, 6, 7, 3.5, 3.5]]]),
    (nn.ZeroPad1d((-1, 2)), X1, [[[1, 2, 3, 0, 0], [5, 6, 7, 0, 0]]]),
    (nn.ReflectionPad2d((1, 1, 2, 0)), X2,
     [[[7, 6, 7, 8, 7], [4, 3, 4, 5, 4], [1, 0, 1, 2, 1], [4, 3, 4, 5, 4], [7, 6, 7, 8, 7]]]),
    (nn.ReplicationPad2d((1, 0, 0, 2)), X2,
     [[[0, 0, 1, 2], [3, 3, 4, 5], [6, 6, 7, 8], [6, 6, 7, 8], [6, 6, 7, 8]]]),
    (nn.CircularPad2d((1, 1, 2, 0)), X2,
     [[[5, 3, 4, 5, 3], [8, 6, 7, 8, 6], [2, 0, 1, 2, 0], [5, 3, 4, 5, 3], [8, 6, 7, 8, 6]]]),
    (nn.ZeroPad2d((1, 0, 1, 0)), X2,
     [[[0, 0, 0, 0], [0, 0, 1, 2], [0, 3, 4, 5], [0, 6, 7, 8]]]),
    (nn.ReplicationPad3d((1, 0, 0, 0, 0, 1)), X3,
     [[[[0, 0, 1], [2, 2, 3]], [[4, 4, 5], [6, 6, 7]], [[4, 4, 5], [6, 6, 7]]]]),
    (nn.CircularPad3d((0, 1, 0, 0, 1, 0)), X3,
     [[[[4, 5, 4], [6, 7, 6]], [[0, 1, 0], [2, 3, 2]], [[4, 5, 4], [6, 7, 6]]]]),
    (nn.ConstantPad3d((0, 1, 0, 0, 0, 0), -1.0), X3,
     [[[[0, 1, -1], [2, 3, -1]], [[4, 5, -1], [6, 7, -1]]]]),
]


@pytest.mark.parametrize("module,x,expected", VALUES, ids=[repr(v[0]) for v in VALUES])
def test_values(module, x, expected):
    np.testing.assert_array_equal(module(ae.tensor(x)).data, expected)


def test_reflection_pad_3d_of_a_2x2x2_cube():
    out = nn.ReflectionPad3d(1)(ae.tensor(X3))
    plane_back = [[7, 6, 7, 6], [5, 4, 5, 4]] * 2
    plane_front = [[3, 2, 3, 2], [1, 0, 1, 0]] * 2
    np.testing.assert_array_equal(out.data, [[plane_back, plane_front] * 2])


@pytest.mark.parametrize("module,expected", [
    (nn.ReflectionPad1d(3), [3, 16, 15, 14, 7]),
    (nn.ReplicationPad1d(3), [6, 4, 5, 6, 34]),
    (nn.CircularPad1d(3), [11, 13, 15, 7, 9]),
    (nn.ZeroPad1d(3), [3, 4, 5, 6, 7]),
])
def test_gradients_accumulate_onto_the_source(module, expected):
    x = ae.tensor(np.arange(5.0).reshape(1, 1, 5), requires_grad=True)
    (module(x) * ae.tensor(np.arange(11.0))).sum().backward()
    np.testing.assert_array_equal(x.grad.data.ravel(), expected)


def test_integer_inputs_keep_their_dtype():
    x = ae.tensor(np.ones((2, 3, 3), np.int64))
    for m in (nn.ReplicationPad1d(2), nn.ReflectionPad1d(2), nn.CircularPad1d(2),
              nn.ConstantPad1d(2, 1.5)):
        out = m(x)
        assert out.dtype == np.int64 and out.shape == (2, 3, 7)
    np.testing.assert_array_equal(nn.ConstantPad1d(1, 1.5)(ae.tensor([[0, 0]])).data,
                                  [[1, 0, 0, 1]])  # the value is truncated to the dtype


# Supported ranks: the constant modules pad any input with at least as many dims as padded
# ones; the others an unbatched or batched input.
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("ndim", [1, 2, 3, 4, 5, 6])
def test_accepted_ranks_and_error_types(family, dims, ndim):
    m = _make(family, dims, 1)
    x = ae.ones(*([3] * ndim))
    if family in ("ZeroPad", "ConstantPad"):
        expected = None if ndim >= dims else RuntimeError
    elif ndim in (dims + 1, dims + 2):
        expected = None
    elif family == "CircularPad":
        expected = ValueError
    else:
        expected = RuntimeError if ndim < dims else NotImplementedError
    if expected is None:
        assert m(x).shape == (3,) * (ndim - dims) + (5,) * dims
    else:
        with pytest.raises(expected):
            m(x)


def test_circular_pad_checks_the_rank_first_with_its_own_message():
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        nn.CircularPad2d(1)(ae.ones(3, 3))


@pytest.mark.parametrize("module,shape,exc", [
    (nn.ReflectionPad1d(3), (1, 2, 3), RuntimeError),  # pad >= size
    (nn.ReflectionPad2d((1, 1, 3, 3)), (1, 2, 3, 3), RuntimeError),
    (nn.CircularPad1d(4), (1, 2, 3), RuntimeError),  # wraps more than once
    (nn.ReplicationPad1d(4), (1, 0, 3), RuntimeError),  # only the batch may be empty
    (nn.ReflectionPad2d(1.5), (2, 3, 3), TypeError),
    (nn.ReflectionPad1d((1, 2, 3)), (2, 3, 3), RuntimeError),  # odd padding length
])
def test_errors(module, shape, exc):
    with pytest.raises(exc):
        module(ae.ones(*shape))


@pytest.mark.parametrize("module,shape,out_shape", [
    (nn.ReplicationPad1d(4), (0, 2, 3), (0, 2, 11)),  # an empty batch
    (nn.ReflectionPad1d(-1), (2, 3, 3), (2, 3, 1)),  # negative pads crop
    (nn.CircularPad1d(-1), (2, 3, 3), (2, 3, 1)),
])
def test_empty_batches_and_cropping(module, shape, out_shape):
    assert module(ae.ones(*shape)).shape == out_shape


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("dims,shape,padding", [
    (1, (2, 3, 4), (2, 1)), (2, (2, 3, 4), (1, 2, 2, 0)), (3, (1, 2, 3, 3, 4), (1, 0, 2, 1, 0, 2))])
def test_gradcheck(family, dims, shape, padding):
    m = _make(family, dims, padding)
    x = ae.tensor(np.random.default_rng(dims).standard_normal(shape), requires_grad=True)
    assert gradcheck(m, (x,))
    assert gradgradcheck(m, (x,))


def test_modules_have_no_parameters_and_copy_through_state_dict():
    m = nn.Sequential(nn.ReflectionPad2d(1), nn.ZeroPad2d(1))
    assert list(m.parameters()) == [] and dict(m.state_dict()) == {}
