"""Shape ops: PyTorch's semantics for repeat/cat/stack/split/chunk/pad, views, errors, and
round-trip properties over random shapes."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae


def leaf(*shape, seed=0):
    data = np.random.default_rng(seed).standard_normal(shape)
    return ae.tensor(data, requires_grad=True)


# -- repeat -----------------------------------------------------------------------------------
def test_repeat_is_tile_with_leading_dims():
    assert ae.arange(3).repeat(2, 2).tolist() == [[0, 1, 2, 0, 1, 2]] * 2
    assert ae.tensor(5).repeat(3).tolist() == [5, 5, 5]
    x = leaf(2, 1)
    y = x.repeat(3, 2, 4)
    np.testing.assert_array_equal(y.data, np.tile(x.data, (3, 2, 4)))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((2, 1), 24.0))
    assert ae.ones(2).repeat(0).shape == (0,)


def test_repeat_errors():
    with pytest.raises(RuntimeError, match=r"repeat.*\(2,\).*\(2, 3\)"):
        ae.ones(2, 3).repeat(2)
    with pytest.raises(RuntimeError, match="repeat"):
        ae.ones(2).repeat(-1)


# -- cat / stack ------------------------------------------------------------------------------
def test_cat_values_and_gradients():
    a, b = leaf(2, 3), leaf(2, 1, seed=1)
    y = ae.cat([a, b], dim=-1)
    np.testing.assert_array_equal(y.data, np.concatenate([a.data, b.data], 1))
    (y * ae.arange(4.0, dtype=np.float64)).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [[0, 1, 2]] * 2)
    np.testing.assert_array_equal(b.grad.data, [[3]] * 2)


def test_cat_promotes_dtypes_as_pytorch():
    f32, f64 = ae.ones(2), ae.ones(2, dtype=np.float64)
    i64, b = ae.ones(2, dtype=np.int64), ae.ones(2, dtype=np.bool_)
    assert ae.cat([f32, f64]).dtype == np.float64
    assert ae.cat([i64, f32]).dtype == np.float32
    assert ae.cat([i64, b]).dtype == np.int64
    assert ae.stack([f32, f64]).dtype == np.float64
    x = ae.ones(2, requires_grad=True)
    ae.cat([x, f64]).sum().backward()
    assert x.grad.dtype == np.float32


def test_cat_skips_legacy_empty_1d_tensors():
    assert ae.cat([ae.ones(2, 3), ae.zeros(0)]).shape == (2, 3)


def test_cat_errors():
    with pytest.raises(RuntimeError, match=r"cat.*zero-dimensional.*position 0"):
        ae.cat([ae.tensor(1.0), ae.tensor(2.0)])
    with pytest.raises(RuntimeError, match=r"cat.*Expected size 3 but got size 4.*\(2, 4\)"):
        ae.cat([ae.ones(2, 3), ae.ones(2, 4)])
    with pytest.raises(RuntimeError, match=r"cat.*same number of dimensions.*\(3,\)"):
        ae.cat([ae.ones(2, 3), ae.ones(3)])
    with pytest.raises(ValueError, match="non-empty"):
        ae.cat([])
    with pytest.raises(IndexError, match="range"):
        ae.cat([ae.ones(2), ae.ones(2)], dim=1)
    with pytest.raises(TypeError, match="cat"):
        ae.cat(ae.ones(2))


def test_stack():
    a, b = leaf(2, 3), leaf(2, 3, seed=1)
    assert ae.stack([a, b], dim=-1).shape == (2, 3, 2)
    np.testing.assert_array_equal(ae.stack([a, b], 1).data, np.stack([a.data, b.data], 1))
    assert ae.stack([ae.tensor(1.0), ae.tensor(2.0)]).tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match=r"stack.*\(2, 3\) at entry 0 and \(2, 4\) at entry 1"):
        ae.stack([ae.ones(2, 3), ae.ones(2, 4)])
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        ae.stack([])


# -- split / chunk ----------------------------------------------------------------------------
def sizes(pieces, dim=0):
    return [p.shape[dim] for p in pieces]


def test_chunk_sizes_as_pytorch():
    assert sizes(ae.arange(6).chunk(4)) == [2, 2, 2]
    assert sizes(ae.arange(5).chunk(3)) == [2, 2, 1]
    assert sizes(ae.arange(10).chunk(4)) == [3, 3, 3, 1]
    assert sizes(ae.arange(2).chunk(5)) == [1, 1]
    assert sizes(ae.arange(0).chunk(3)) == [0, 0, 0]
    assert sizes(ae.ones(2, 5).chunk(2, dim=-1), 1) == [3, 2]
    with pytest.raises(RuntimeError, match=r"chunk.*greater than 0"):
        ae.arange(3).chunk(0)
    with pytest.raises(RuntimeError, match=r"chunk.*1-dimensional"):
        ae.tensor(1.0).chunk(2)


def test_split_sizes_and_errors():
    assert sizes(ae.arange(5).split(2)) == [2, 2, 1]
    assert sizes(ae.arange(0).split(0)) == [0]
    assert sizes(ae.ones(2, 5).split([1, 4], dim=1), 1) == [1, 4]
    with pytest.raises(RuntimeError, match=r"split.*sum exactly to 5.*\[2, 2\]"):
        ae.arange(5).split([2, 2])
    with pytest.raises(RuntimeError, match=r"split.*non-negative"):
        ae.arange(5).split(-1)
    with pytest.raises(RuntimeError, match=r"split.*non-negative"):
        ae.arange(5).split([6, -1])
    with pytest.raises(RuntimeError, match=r"split_size can only be 0"):
        ae.arange(5).split(0)
    with pytest.raises(RuntimeError, match=r"split.*1-dimensional"):
        ae.tensor(1.0).split(1)


def test_split_pieces_are_differentiable_views():
    x = leaf(4, 3)
    a, b = ae.split(x, [1, 3])
    (a.sum() * 2 + (b * b).sum()).backward()
    np.testing.assert_allclose(x.grad.data, np.vstack([np.full((1, 3), 2.0),
                                                       2 * x.data[1:]]))
    assert a._vc is x._vc  # views share the version counter


# -- pad ----------------------------------------------------------------------------------------
def test_pad_pairs_start_from_last_dim():
    assert ae.pad(ae.ones(1, 2), (1, 0, 0, 2)).tolist() == [[0, 1, 1], [0, 0, 0], [0, 0, 0]]
    assert ae.pad(ae.arange(5.0), (-1, -2)).tolist() == [1.0, 2.0]
    assert ae.pad(ae.ones(2), (-1, -1)).shape == (0,)
    assert ae.pad(ae.ones(2), (1, 1), value=7).tolist() == [7, 1, 1, 7]
    assert ae.pad(ae.ones(2, dtype=np.int64), (1, 1), value=2.5).tolist() == [2, 1, 1, 2]


def test_pad_gradient_crops_and_zero_fills():
    x = leaf(3, 4)
    y = ae.pad(x, (-1, 2, 1, -1), value=3.0)
    assert y.shape == (3, 5)
    y.backward(ae.ones(3, 5, dtype=np.float64))
    expected = np.ones((3, 4))
    expected[:, 0] = 0
    expected[2, :] = 0
    np.testing.assert_array_equal(x.grad.data, expected)


def test_pad_errors():
    with pytest.raises(RuntimeError, match="divisible by 2"):
        ae.pad(ae.ones(2), (1,))
    with pytest.raises(RuntimeError, match=r"pad.*padding length 4.*dimension 1"):
        ae.pad(ae.ones(2), (1, 1, 1, 1))
    with pytest.raises(RuntimeError, match=r"pad.*negative output size"):
        ae.pad(ae.ones(2), (-2, -1))
    with pytest.raises(RuntimeError, match="dimension 0"):
        ae.pad(ae.tensor(1.0), (1, 1))


# -- views and their errors ---------------------------------------------------------------------
def test_view_errors_name_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"expand.*\(4\).*\(2\).*dimension 0"):
        ae.ones(2, 3).expand(4, 3)
    with pytest.raises(RuntimeError, match=r"permute.*\(2, 3\)"):
        ae.ones(2, 3).permute(0)
    with pytest.raises(RuntimeError, match=r"permute.*repeated"):
        ae.ones(2, 3).permute(0, 0)
    with pytest.raises(RuntimeError, match=r"reshape.*\(4, 2\).*\(2, 3\)"):
        ae.ones(2, 3).reshape(4, 2)
    with pytest.raises(RuntimeError, match=r"only one dimension"):
        ae.ones(2, 3).reshape(-1, -1)


def test_squeeze_unsqueeze_flatten_transpose():
    assert ae.ones(2, 1).squeeze(0).shape == (2, 1)
    assert ae.ones(2, 1, 1).squeeze().shape == (2,)
    assert ae.ones(2, 3).unsqueeze(-1).shape == (2, 3, 1)
    assert ae.ones(2, 3, 4).flatten(1).shape == (2, 12)
    assert ae.ones(0, 3).flatten().shape == (0,)
    assert ae.tensor(1.0).flatten().shape == (1,)
    assert ae.ones(2, 3, 4).transpose(0, 2).shape == (4, 3, 2)


# -- properties ---------------------------------------------------------------------------------
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


@settings(max_examples=40, deadline=None)
@given(shapes, st.randoms(use_true_random=False))
def test_reshape_and_permute_gradients_route_back(shape, rnd):
    x = leaf(*shape)
    perm = list(range(len(shape)))
    rnd.shuffle(perm)
    weights = np.random.default_rng(3).standard_normal(shape)
    y = x.permute(perm).reshape(-1)
    (y * ae.tensor(weights.transpose(perm).reshape(-1))).sum().backward()
    np.testing.assert_allclose(x.grad.data, weights)


@settings(max_examples=40, deadline=None)
@given(shapes, st.lists(st.integers(0, 3), min_size=1, max_size=4), st.data())
def test_cat_then_split_round_trips(shape, extents, data):
    dim = data.draw(st.integers(0, len(shape) - 1))
    parts = [leaf(*(shape[:dim] + (n,) + shape[dim + 1:]), seed=i)
             for i, n in enumerate(extents)]
    joined = ae.cat(parts, dim)
    pieces = joined.split(extents, dim)
    for part, piece in zip(parts, pieces):
        np.testing.assert_array_equal(piece.data, part.data)
    sum((p * (i + 1)).sum() for i, p in enumerate(pieces)).backward()
    for i, part in enumerate(parts):
        np.testing.assert_array_equal(part.grad.data, np.full(part.shape, i + 1.0))
