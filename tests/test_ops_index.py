"""Indexing: PyTorch's rules for t[idx] and t[idx] = v, scatter-add backward, gather,
index_select and masked_fill, and their errors."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.ops import index as index_ops

A = np.arange(6.0).reshape(2, 3)


def leaf(data=A):
    return ae.tensor(np.array(data, np.float64), requires_grad=True)


@pytest.mark.parametrize("index", [
    1, (1, 2), slice(None, None, 2), (Ellipsis, 1), (None, 0), ([1, 0],), ([0, 1], [2, 0]),
    (slice(None), [2, 2, 0]), np.array([True, False]), (0, np.array([True, False, True])),
    (Ellipsis, None), (),
])
def test_getitem_matches_numpy(index):
    x = ae.tensor(A)
    np.testing.assert_array_equal(x[index].data, A[index])


def test_tensor_and_list_indices():
    x = ae.tensor(A)
    np.testing.assert_array_equal(x[ae.tensor([1, 1, 0])].data, A[[1, 1, 0]])
    np.testing.assert_array_equal(x[ae.tensor(A > 2)].data, A[A > 2])
    np.testing.assert_array_equal(x[[True, False]].data, A[[True, False]])
    assert x[[]].shape == (0, 3)


def test_repeated_indices_accumulate_gradients():
    x = leaf([1.0, 2.0, 3.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3, 0, 1])
    y = leaf()
    (y[:, ae.tensor([2, 2])] * 2).sum().backward()
    np.testing.assert_array_equal(y.grad.data, [[0, 0, 4], [0, 0, 4]])


def test_basic_index_is_a_view_advanced_is_a_copy():
    x = ae.tensor(A.copy())
    assert x[0]._vc is x._vc
    assert x[[0]]._vc is not x._vc


def test_index_errors_as_pytorch():
    x = ae.tensor(A)
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[:, ::0]
    with pytest.raises(IndexError, match=r"index 5 is out of bounds.*\(2, 3\)"):
        x[5]
    with pytest.raises(IndexError, match=r"-4.*\(2, 3\)"):
        x[:, -4]
    with pytest.raises(IndexError, match=r"5.*\(2, 3\)"):
        x[[0, 5]]
    with pytest.raises(IndexError, match=r"too many indices.*\(2, 3\)"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="float"):
        x[1.0]
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        x[ae.tensor([True, False, True])]
    with pytest.raises(IndexError, match="long, int or bool"):
        x[ae.tensor([1.0])]


def test_setitem():
    x = ae.zeros(2, 3)
    x[0, [0, 2]] = 1.0
    x[1] = ae.tensor([4.0, 5.0, 6.0])
    assert x.tolist() == [[1, 0, 1], [4, 5, 6]] and x._version == 2
    with pytest.raises(RuntimeError, match=r"setitem.*\(2,\).*\(2, 3\)"):
        x[0] = ae.ones(2)
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        x[3] = 1.0
    with ae.no_grad():
        x[0] = ae.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="setitem"):
        ae.ones(3, requires_grad=True)[0] = 2.0


def test_index_select():
    x = leaf()
    y = ae.index_select(x, 1, ae.tensor([2, 0, 2]))
    assert y.tolist() == [[2, 0, 2], [5, 3, 5]]
    assert ae.index_select(x, 1, ae.tensor(2)).shape == (2, 1)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1, 0, 2], [1, 0, 2]])
    with pytest.raises(IndexError, match="vector"):
        ae.index_select(x, 1, ae.tensor([[2]]))
    with pytest.raises(IndexError, match=r"index_select.*3.*out of range.*dimension 1 with "
                                         r"size 3"):
        ae.index_select(x, 1, ae.tensor([3]))
    with pytest.raises(RuntimeError, match=r"index_select.*int"):
        ae.index_select(x, 1, ae.tensor([1.0]))


def test_gather():
    x = leaf()
    y = ae.gather(x, 1, ae.tensor([[2, 0], [1, 1]]))
    assert y.tolist() == [[2, 0], [4, 4]]
    assert ae.gather(x, 0, ae.tensor([[1], [0]])).tolist() == [[3], [0]]
    assert ae.gather(ae.tensor(3.0), 0, ae.tensor(0)).item() == 3.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1, 0, 1], [0, 2, 0]])
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        ae.gather(x, 1, ae.tensor([1, 0]))
    with pytest.raises(RuntimeError, match=r"gather.*\(3, 4\).*\(2, 3\)"):
        ae.gather(x, 1, ae.tensor([[1] * 4] * 3))
    with pytest.raises(RuntimeError, match=r"index 3 is out of bounds for dimension 1"):
        ae.gather(x, 1, ae.tensor([[3]]))


def test_masked_fill():
    x = ae.tensor(A)
    assert ae.masked_fill(x, x > 2, -1.0).tolist() == [[0, 1, 2], [-1, -1, -1]]
    assert ae.masked_fill(x, ae.tensor([True, False, True]), 0.0).tolist() == [[0, 1, 0],
                                                                               [0, 4, 0]]
    ints = ae.ones(3, dtype=np.int64)
    filled = ae.masked_fill(ints, ae.ones(3, dtype=np.bool_), 2.5)
    assert filled.dtype == np.int64 and filled.tolist() == [2, 2, 2]
    x32 = ae.ones(3)
    assert ae.masked_fill(x32, x32 > 0, 0.5).dtype == np.float32
    with pytest.raises(RuntimeError, match=r"masked_fill.*boolean.*int64"):
        ae.masked_fill(x, (x > 2).long(), 1.0)
    with pytest.raises(RuntimeError, match="0-dimensional"):
        ae.masked_fill(x, x > 2, ae.ones(3))


def test_masked_fill_gradient_reaches_tensor_value():
    x = ae.ones(3, dtype=np.float64, requires_grad=True)
    v = ae.tensor(2.0, dtype=np.float64, requires_grad=True)
    ae.masked_fill(x, ae.tensor([True, False, True]), v).sum().backward()
    assert x.grad.tolist() == [0, 1, 0] and v.grad.item() == 2.0


def test_scatter_add_helper_accumulates():
    out = index_ops._scatter_add((3,), (np.array([0, 0, 2]),), np.array([1.0, 2.0, 5.0]))
    np.testing.assert_array_equal(out, [3, 0, 5])


def test_tensor_methods_delegate():
    x = ae.tensor(A)
    assert x.gather(1, ae.tensor([[2], [0]])).tolist() == [[2], [3]]
    assert x.index_select(0, ae.tensor([1])).tolist() == [[3, 4, 5]]
    assert x.masked_fill(x < 1, 9.0).tolist() == [[9, 1, 2], [3, 4, 5]]


def test_row_gather_backward_accumulates_repeated_and_negative_indices():
    x = ae.tensor(np.arange(12.0).reshape(4, 3), dtype=ae.float64, requires_grad=True)
    idx = ae.tensor([-1, 0, 3, 3, 1])
    x[idx].sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.array([[1.0] * 3, [1.0] * 3, [0.0] * 3,
                                                         [3.0] * 3]))
    x.grad = None
    (x[ae.tensor([[2, 2], [0, -4]])] * 2).sum().backward()  # 2-D index array, -4 is row 0
    np.testing.assert_array_equal(x.grad.data[:, 0], [4.0, 0.0, 4.0, 0.0])


def _add_at(shape, index, g):
    out = np.zeros(shape, g.dtype)
    np.add.at(out, index, g)
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, index", [
    ((5,), (np.array([4, -1, 0, 0, 2]),)),                                # flat kernel
    ((4, 3), (np.array([0, -1, 3, 0]), np.array([2, 2, -3, 2]))),         # x[i, j]: flat
    ((4, 3, 2), (np.array([1, 1, -4]), np.array([0, 0, 2]))),            # x[i, j]: rows
    ((4, 3), (np.array([[0], [3]]), np.array([[1, 1, 2]]))),              # broadcast arrays
    ((4, 3), (np.arange(12).reshape(4, 3) % 5 == 0,)),                    # full mask: flat
    ((4, 3), (np.array([True, False, True, True]),)),                     # row mask: rows
    ((4, 3), (np.array([True, False, True, True]), np.array([2, 0, 2]))),  # mask with array
    ((4, 3), (np.array(2), np.array([1, 1]))),                            # 0-d array
    ((4, 3), (np.array([], np.int64),)),                                  # empty
    ((4, 3), (np.array([3, 3], np.uint8),)),                              # unsigned
    ((4, 3), (np.array(True),)),                                          # 0-d mask
    ((4, 3), (np.array(True), np.array([2, 0, 2]))),                      # np.add.at's
])
def test_advanced_index_backward_matches_add_at(shape, index, dtype):
    """Integer arrays and masks on the leading dims go through the scatter kernels, with
    repeated positions accumulating and negative positions wrapping, as ``np.add.at``."""
    g = np.random.default_rng(3).standard_normal(np.zeros(shape)[index].shape).astype(dtype)
    out = index_ops._scatter_add(shape, index, g)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, _add_at(shape, index, g), rtol=1e-6)


def test_gather_of_one_value_per_position_uses_the_flat_kernel(monkeypatch):
    calls = []
    real = index_ops.scatter_add_flat
    monkeypatch.setattr(index_ops, "scatter_add_flat",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    x = ae.tensor(np.zeros((3, 4)), requires_grad=True)
    x[ae.tensor([0, 2, 2]), ae.tensor([1, 3, 3])].sum().backward()
    assert calls == [1]
    np.testing.assert_array_equal(x.grad.data, _add_at((3, 4), ([0, 2, 2], [1, 3, 3]),
                                                       np.ones(3)))
