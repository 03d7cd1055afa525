"""flip, roll, cumsum, sort, argsort, topk, tril/triu, narrow, unbind, movedim, bmm, outer,
all/any, log1p/expm1, rounding, reciprocal/rsqrt/square, lerp, addcmul/addcdiv and the
Tensor.new_* constructors: values and orders as PyTorch 2.13 prints them, gradients, dtypes
and errors (the same ops are compared with torch itself in test_torch_parity_ops.py)."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck

NAN, INF = float("nan"), float("inf")
SORT_DATA = [[3.0, NAN, 1.0, 3.0, INF], [2.0, 2.0, -1.0, -INF, 0.0]]


def test_sort_puts_nan_last_ascending_first_descending_and_is_stable():
    x = ae.tensor(SORT_DATA)
    values, indices = ae.sort(x, dim=1)
    np.testing.assert_array_equal(values.numpy(), [[1, 3, 3, INF, NAN], [-INF, -1, 0, 2, 2]])
    np.testing.assert_array_equal(indices.numpy(), [[2, 0, 3, 4, 1], [3, 2, 4, 0, 1]])
    values, indices = x.sort(1, descending=True)
    np.testing.assert_array_equal(values.numpy(), [[NAN, INF, 3, 3, 1], [2, 2, 0, -1, -INF]])
    np.testing.assert_array_equal(indices.numpy(), [[1, 4, 0, 3, 2], [0, 1, 4, 2, 3]])
    np.testing.assert_array_equal(x.argsort(1, descending=True).numpy(), indices.numpy())
    top = x.topk(2, 1)
    np.testing.assert_array_equal(top.values.numpy(), [[NAN, INF], [2, 2]])
    np.testing.assert_array_equal(top.indices.numpy(), [[1, 4], [0, 1]])  # ties: first first
    ints = ae.tensor([5, -3, 5, 0, np.iinfo(np.int64).min])
    np.testing.assert_array_equal(ints.sort(descending=True).values.numpy(),
                                  [5, 5, 0, -3, np.iinfo(np.int64).min])
    assert ae.tensor([True, False, True]).argsort().tolist() == [1, 0, 2]


def test_sorting_gradients_flow_to_the_chosen_elements():
    x = ae.tensor([[0.3, -1.0, 2.0], [1.5, 0.0, -0.5]], dtype=ae.float64, requires_grad=True)
    assert gradcheck(lambda x: x.sort(1, descending=True).values * ae.tensor([1.0, 2, 3]),
                     (x,))
    assert gradgradcheck(lambda x: x.topk(2, 0, largest=False).values ** 2, (x,))
    x.topk(1, 1).values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 1], [1, 0, 0]])


def test_topk_errors_and_edge_cases():
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ae.ones(2, 3).topk(4)
    assert ae.ones(2, 3).topk(0).values.shape == (2, 0)
    scalar = ae.tensor(2.0)
    assert scalar.sort().values.item() == 2.0 and scalar.topk(1).indices.item() == 0


def test_flip_roll_cumsum_values_gradients_and_errors():
    x = ae.arange(6).reshape(2, 3)
    assert x.flip(0, 1).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert ae.roll(x, 1).tolist() == [[5, 0, 1], [2, 3, 4]]
    assert ae.roll(x, (1, -1), (0, 1)).tolist() == [[4, 5, 3], [1, 2, 0]]
    assert x.cumsum(1).tolist() == [[0, 1, 3], [3, 7, 12]] and x.cumsum(0).dtype == np.int64
    assert ae.tensor([True, False, True]).cumsum(0).tolist() == [1, 1, 2]
    with pytest.raises(RuntimeError, match="shifts and dimensions must align. shifts: 2, "
                                           "dims:1"):
        ae.roll(x, (1, 2), (0,))
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times"):
        x.flip(0, 0)
    y = ae.tensor([[1.0, 2.0, 3.0]], dtype=ae.float64, requires_grad=True)
    y.cumsum(1).sum().backward()
    assert y.grad.tolist() == [[3.0, 2.0, 1.0]]


def test_triangles_narrow_unbind_movedim():
    assert ae.tril(ae.ones(3, 4), -1).tolist() == [[0, 0, 0, 0], [1, 0, 0, 0], [1, 1, 0, 0]]
    assert ae.ones(2, 3, 3).triu(1)[1].tolist() == [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dim"):
        ae.tril(ae.ones(3))
    x = ae.arange(24).reshape(2, 3, 4)
    assert x.narrow(-1, 1, 2).shape == (2, 3, 2) and x.narrow(1, -1, 1)[0, 0, 0].item() == 8
    with pytest.raises(RuntimeError, match=r"start \(3\) \+ length \(2\) exceeds dimension "
                                           r"size \(4\)"):
        x.narrow(2, 3, 2)
    parts = x.unbind(1)
    assert len(parts) == 3 and parts[2].tolist() == x[:, 2].tolist()
    assert ae.movedim(x, (0, 1), (2, 0)).shape == (3, 4, 2)
    assert x.moveaxis(-1, 0).shape == (4, 2, 3) and ae.swapaxes(x, 0, 2).shape == (4, 3, 2)
    with pytest.raises(RuntimeError, match=r"movedim: Invalid source or destination dims"):
        ae.movedim(x, (0,), (1, 0))
    w = ae.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    assert gradcheck(lambda w: w.tril() * w.movedim(0, 1).triu(-1).mT, (w.double(),))


def test_bmm_outer_and_their_errors():
    a = ae.randn(2, 3, 4, dtype=ae.float64)
    b = ae.randn(2, 4, 5, dtype=ae.float64)
    np.testing.assert_allclose(ae.bmm(a, b).numpy(), a.numpy() @ b.numpy())
    np.testing.assert_allclose(ae.outer(a[0, 0], b[0, 0]).numpy(),
                               np.outer(a[0, 0].numpy(), b[0, 0].numpy()))
    with pytest.raises(RuntimeError, match="batch1 must be a 3D tensor"):
        ae.bmm(a[0], b)
    with pytest.raises(RuntimeError, match=r"Expected size for first two dimensions of batch2 "
                                           r"tensor to be: \[2, 4\] but got: \[2, 5\]"):
        a.bmm(ae.zeros(2, 5, 5, dtype=ae.float64))
    with pytest.raises(RuntimeError, match="outer: Expected 1-D argument self, but got 2-D"):
        ae.outer(a[0], b[0, 0])
    u = ae.randn(3, dtype=ae.float64, requires_grad=True)
    v = ae.randn(4, dtype=ae.float64, requires_grad=True)
    assert gradgradcheck(lambda u, v: u.outer(v) ** 2, (u, v))


def test_all_any():
    x = ae.tensor([[1.0, 0.0], [3.0, 4.0]])
    assert not x.all().item() and x.any().item()
    assert x.all(dim=1).tolist() == [False, True]
    assert ae.any(ae.zeros(2, 2), 1, keepdim=True).shape == (2, 1)
    assert ae.all(ae.zeros(0)).item()


def test_pointwise_values_dtypes_and_gradients():
    x = ae.tensor([0.5, 1.5, 2.5, -0.5, 1.2345])
    assert ae.round(x).tolist() == [0.0, 2.0, 2.0, -0.0, 1.0]  # half to even
    np.testing.assert_allclose(ae.round(x, decimals=2).numpy(), [0.5, 1.5, 2.5, -0.5, 1.23])
    ints = ae.tensor([1, 2])
    assert ae.floor(ints).dtype == np.int64 and ae.reciprocal(ints).dtype == np.float32
    np.testing.assert_allclose(ae.lerp(ae.tensor([1.0, 2.0]), ae.tensor([3.0, 5.0]), 0.7)
                               .numpy(), [2.4, 4.1], rtol=1e-6)
    assert ae.lerp(ae.tensor([1.0]), ae.tensor([3.0]), 1.0).item() == 3.0  # exactly end
    np.testing.assert_allclose(ae.tensor([-2.5, 2.25]).frac().numpy(), [-0.5, 0.25])
    small = ae.tensor([1e-10], dtype=ae.float64)
    assert small.log1p().item() == pytest.approx(1e-10, rel=1e-12)
    assert small.expm1().item() == pytest.approx(1e-10, rel=1e-12)
    a = ae.tensor([0.3, 1.2, 2.0], dtype=ae.float64, requires_grad=True)
    b = ae.tensor([0.7, -0.4, 1.5], dtype=ae.float64, requires_grad=True)
    w = ae.tensor([0.2, 0.6, 0.9], dtype=ae.float64, requires_grad=True)
    for fn in (lambda a, b, w: ae.lerp(a, b, w), lambda a, b, w: a.addcmul(b, w, value=0.5),
               lambda a, b, w: a.addcdiv(b, w + 2.0, value=-1.5),
               lambda a, b, w: a.rsqrt() + b.square() + w.reciprocal() + a.frac()):
        assert gradgradcheck(fn, (a, b, w))


def test_new_constructors_keep_dtype():
    x = ae.zeros(2, dtype=ae.float64)
    assert x.new_zeros(2, 3).dtype == np.float64 and x.new_zeros((2, 3)).shape == (2, 3)
    assert x.new_ones(2).tolist() == [1.0, 1.0] and x.new_full((1, 2), 7).tolist() == [[7, 7]]
    assert x.new_tensor([1, 2]).dtype == np.float64
    assert x.new_empty(3, dtype=ae.int64).dtype == np.int64
    assert x.new_zeros(2, requires_grad=True).requires_grad
    assert ae.ones(2, 3).view_as(ae.zeros(3, 2)).shape == (3, 2)


def test_unbind_of_a_vector_gives_0d_arrays_and_stack_differentiates_twice():
    """Found by the graph fuzzer: unbinding a 1-D tensor once gave numpy scalars as data,
    which a later saved-tensor lookup passed through raw; stack's backward is an unbind."""
    x = ae.tensor(1.2, dtype=ae.float64, requires_grad=True)
    parts = ae.unbind(ae.tensor([1.0, 2.0]))
    assert all(type(p.data) is np.ndarray and p.shape == () for p in parts)
    y = ae.stack([ae.log_softmax(x.clone(), 0), x.sigmoid()])
    (g,) = ae.autograd.grad((y ** 3).sum().cos(), [x], create_graph=True)
    (h,) = ae.autograd.grad(g, [x])

    def first(v):  # f = cos(0 + s^3): f' = -sin(s^3) 3 s^2 s', s = sigmoid(v), s' = s (1 - s)
        s = 1 / (1 + np.exp(-v))
        return -np.sin(s ** 3) * 3 * s ** 2 * s * (1 - s)
    assert np.isclose(g.item(), first(1.2), rtol=1e-12)
    assert np.isclose(h.item(), (first(1.2 + 1e-6) - first(1.2 - 1e-6)) / 2e-6, rtol=1e-6)
