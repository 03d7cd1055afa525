"""scatter / index_* / masked_* / put / take, unique, broadcasting, stacks and splits
(expected values from PyTorch 2.13, written out)."""
import numpy as np
import pytest

import autograd_engine as ae


def _x():
    return ae.arange(6.0).reshape(2, 3)


def test_scatter_src_and_value():
    idx = ae.tensor([[0, 2]])
    assert ae.scatter(_x(), 1, idx, ae.ones(2, 3) * 9).tolist() == [[9, 1, 9], [3, 4, 5]]
    assert _x().scatter(1, idx, value=-1.0).tolist() == [[-1, 1, -1], [3, 4, 5]]


def test_scatter_gradients():
    x = ae.arange(6.0, requires_grad=True).reshape(2, 3)
    src = ae.ones(2, 3, requires_grad=True)
    x.retain_grad()
    ae.scatter(x, 1, ae.tensor([[0, 2]]), src).sum().backward()
    assert x.grad.tolist() == [[0, 1, 0], [1, 1, 1]]
    assert src.grad.tolist() == [[1, 1, 0], [0, 0, 0]]


def test_scatter_add_and_reduce_repeated():
    idx = ae.tensor([[0, 0, 1]])
    src = ae.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    out = ae.scatter_add(_x(), 1, idx, src)
    assert out.tolist() == [[3, 4, 2], [3, 4, 5]]
    (out * ae.tensor([[1.0, 10.0, 100.0], [0, 0, 0]])).sum().backward()
    assert src.grad.tolist() == [[1, 1, 10]]
    assert ae.scatter_reduce(_x(), 1, idx, src.detach(), "mean").tolist() == \
        [[1, 2, 2], [3, 4, 5]]
    assert ae.scatter_reduce(_x(), 1, idx, src.detach(), "sum", include_self=False).tolist() \
        == [[3, 3, 2], [3, 4, 5]]
    with pytest.raises(RuntimeError, match="reduce"):
        ae.scatter_reduce(_x(), 1, idx, src, "foo")


def test_index_ops():
    x = _x()
    assert ae.index_add(x, 1, ae.tensor([0, 0]), ae.ones(2, 2), alpha=2).tolist() == \
        [[4, 1, 2], [7, 4, 5]]
    assert x.index_copy(1, ae.tensor([2, 0]), ae.tensor([[7.0, 8], [9, 10]])).tolist() == \
        [[8, 1, 7], [10, 4, 9]]
    assert x.index_fill(1, ae.tensor([-1]), 7.0).tolist() == [[0, 1, 7], [3, 4, 7]]
    assert x.index_put((ae.tensor([0, 0]),), ae.tensor([1.0, 2, 3]), accumulate=True).tolist() \
        == [[2, 5, 8], [3, 4, 5]]
    assert x.index_put((ae.tensor([1]), ae.tensor([-1])), ae.tensor(9.0)).tolist() == \
        [[0, 1, 2], [3, 4, 9]]


def test_masked_take_put():
    x = _x()
    mask = ae.tensor([True, False, True])
    assert ae.masked_select(x, mask).tolist() == [0, 2, 3, 5]
    assert x.masked_scatter(mask, ae.tensor([10.0, 20, 30, 40])).tolist() == \
        [[10, 1, 20], [30, 4, 40]]
    assert ae.take(x, ae.tensor([0, -1, 5])).tolist() == [0, 5, 5]
    assert ae.take_along_dim(x, ae.tensor([[0, -1]]), 1).tolist() == [[0, 2], [3, 5]]
    assert ae.take_along_dim(x, ae.tensor([5, 0])).tolist() == [5, 0]
    assert ae.put(x, ae.tensor([0, 0]), ae.tensor([9.0, 8]), accumulate=True).tolist() == \
        [[17, 1, 2], [3, 4, 5]]


def test_in_place_forms():
    x = _x()
    assert x.scatter_(1, ae.tensor([[1]]), 5.0) is x and x.tolist() == [[0, 5, 2], [3, 4, 5]]
    v = x._version
    x.masked_fill_(ae.tensor([True, False, False]), -1.0)
    assert x.tolist() == [[-1, 5, 2], [-1, 4, 5]] and x._version > v
    x.put_(ae.tensor([-1]), ae.tensor([0.0]))
    x.index_add_(0, ae.tensor([1]), ae.ones(1, 3))
    x.index_put_((ae.tensor([0]),), ae.tensor(2.0))
    assert x.tolist() == [[2, 2, 2], [0, 5, 1]]
    x.scatter_add_(0, ae.tensor([[0, 0, 0]]), ae.ones(1, 3))
    x.index_fill_(0, ae.tensor([1]), 0.0)
    x.index_copy_(0, ae.tensor([1]), ae.ones(1, 3))
    x.masked_scatter_(ae.tensor([False, True, False]), ae.tensor([7.0, 8.0]))
    assert x.tolist() == [[3, 7, 3], [1, 8, 1]]


def test_in_place_forms_refuse_a_leaf_and_record_a_source():
    w = ae.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.scatter_(1, ae.tensor([[0]]), 2.0)
    source = ae.ones(1, requires_grad=True)
    z = ae.zeros(3).index_add_(0, ae.tensor([0]), source, alpha=3.0)
    assert z.tolist() == [3.0, 0.0, 0.0] and z.requires_grad
    (z * z).sum().backward()
    assert source.grad.tolist() == [18.0]


@pytest.mark.parametrize("call,exc", [
    (lambda x: ae.scatter(x, 1, ae.tensor([[3]]), 1.0), RuntimeError),
    (lambda x: ae.scatter(x, 1, ae.tensor([0]), 1.0), RuntimeError),
    (lambda x: ae.scatter(x, 1, ae.tensor([[0.0]]), 1.0), RuntimeError),
    (lambda x: ae.scatter(x, 1, ae.tensor([[0]]), ae.ones(1, 1, dtype=ae.float64)), RuntimeError),
    (lambda x: ae.index_add(x, 1, ae.tensor([-1]), ae.ones(2, 1)), RuntimeError),
    (lambda x: ae.index_copy(x, 1, ae.tensor([3]), ae.ones(2, 1)), IndexError),
    (lambda x: ae.index_copy(x, 1, ae.tensor([0], dtype=ae.int32), ae.ones(2, 1)), RuntimeError),
    (lambda x: ae.index_fill(x, 1, ae.tensor([0], dtype=ae.int32), 1.0), IndexError),
    (lambda x: x.index_put((ae.tensor([2]),), ae.tensor(1.0)), IndexError),
    (lambda x: x.index_put((ae.tensor([0]),), 1.0), TypeError),
    (lambda x: ae.masked_select(x, ae.tensor([1, 0, 1])), RuntimeError),
    (lambda x: x.masked_scatter(ae.tensor([True]), ae.ones(5)), RuntimeError),
    (lambda x: ae.take(x, ae.tensor([6])), IndexError),
    (lambda x: ae.take(x, ae.tensor([0], dtype=ae.int32)), RuntimeError),
    (lambda x: x.clone().put_(ae.tensor([0, 1]), ae.ones(1)), IndexError),
])
def test_errors(call, exc):
    with pytest.raises(exc):
        call(_x())


def test_unique():
    t = ae.tensor([[3, 1, 3], [1, 1, 2]])
    assert ae.unique(t).tolist() == [1, 2, 3]
    values, inverse, counts = t.unique(return_inverse=True, return_counts=True)
    assert inverse.tolist() == [[2, 0, 2], [0, 0, 1]] and counts.tolist() == [3, 1, 2]
    values, inverse = ae.unique(ae.tensor([[1, 2], [0, 5], [1, 2]]), dim=0,
                                return_inverse=True)
    assert values.tolist() == [[0, 5], [1, 2]] and inverse.tolist() == [1, 0, 1]
    assert inverse.dtype == np.int64


def test_unique_consecutive():
    out, inverse, counts = ae.unique_consecutive(ae.tensor([1, 1, 2, 2, 3, 1, 1, 2]),
                                                 return_inverse=True, return_counts=True)
    assert out.tolist() == [1, 2, 3, 1, 2]
    assert inverse.tolist() == [0, 0, 1, 1, 2, 3, 3, 4] and counts.tolist() == [2, 2, 1, 2, 1]
    assert ae.unique_consecutive(ae.tensor([[1, 2], [1, 2], [3, 4]]), dim=0).tolist() == \
        [[1, 2], [3, 4]]


def test_broadcast_stack_concat():
    a, b = ae.tensor([1.0, 2.0]), ae.tensor([[3.0], [4.0]])
    assert ae.broadcast_to(a, (2, 2)).tolist() == [[1, 2], [1, 2]]
    assert [t.shape for t in ae.broadcast_tensors(a, b)] == [(2, 2), (2, 2)]
    assert ae.hstack([a, a]).tolist() == [1, 2, 1, 2]
    assert ae.vstack([a, a]).shape == (2, 2) and ae.dstack([a, a]).shape == (1, 2, 2)
    assert ae.hstack([b, b]).shape == (2, 2) and ae.dstack([b, b]).shape == (2, 1, 2)
    assert ae.concat([a, a]).shape == (4,) and ae.concatenate([b, b], dim=1).shape == (2, 2)
    with pytest.raises(RuntimeError):
        ae.broadcast_tensors(ae.ones(2), ae.ones(3))


def test_splits_and_argwhere():
    x = ae.arange(7.0)
    assert [t.tolist() for t in ae.tensor_split(x, 3)] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [t.tolist() for t in x.tensor_split([1, -2, 9])] == [[0], [1, 2, 3, 4], [5, 6], []]
    m = ae.arange(12.0).reshape(2, 6)
    assert [t.shape for t in ae.hsplit(m, 3)] == [(2, 2)] * 3
    assert [t.shape for t in m.vsplit([1])] == [(1, 6), (1, 6)]
    with pytest.raises(RuntimeError):
        ae.hsplit(m, 4)
    with pytest.raises(RuntimeError):
        ae.vsplit(x, 7)
    assert ae.argwhere(m > 9).tolist() == [[1, 4], [1, 5]]
    assert [t.tolist() for t in ae.nonzero(m > 9, as_tuple=True)] == [[1, 1], [4, 5]]
    y = ae.arange(6.0, requires_grad=True)
    (ae.tensor_split(y, [2])[1] * 2).sum().backward()
    assert y.grad.tolist() == [0, 0, 2, 2, 2, 2]
