"""Tensor creation, dtype rules, conversion and error types."""
import weakref

import numpy as np
import pytest

import autograd_engine as ae


def test_python_data_dtypes():
    assert ae.tensor(1.5).dtype == np.float32
    assert ae.tensor([1.0, 2.0]).dtype == np.float32
    assert ae.tensor([1, 2]).dtype == np.int64
    assert ae.tensor([True, False]).dtype == np.bool_
    assert ae.tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert ae.tensor([1, 2], dtype=ae.float64).dtype == np.float64


def test_tensor_copies_and_from_numpy_shares():
    a = np.zeros(3, np.float32)
    t = ae.tensor(a)
    s = ae.from_numpy(a)
    a[0] = 5
    assert t.data[0] == 0 and s.data[0] == 5


def test_bad_data_errors():
    with pytest.raises(ValueError, match="tensor"):
        ae.tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="tensor"):
        ae.tensor(["a", "b"])
    with pytest.raises(TypeError, match="tensor"):
        ae.tensor([object()])
    with pytest.raises(TypeError, match="only floating point tensors can require gradients"):
        ae.tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="floating point"):
        ae.zeros(2, dtype=ae.int64, requires_grad=True)


def test_factories():
    assert ae.zeros(2, 3).shape == (2, 3) and ae.zeros((2, 3)).shape == (2, 3)
    assert ae.ones(2).dtype == np.float32
    assert ae.full((2,), 3).dtype == np.int64
    assert ae.full((2,), 3.0).dtype == np.float32
    assert ae.arange(5).dtype == np.int64 and ae.arange(0, 1, 0.5).dtype == np.float32
    np.testing.assert_allclose(ae.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    assert ae.eye(3).data.trace() == 3
    assert ae.zeros_like(ae.ones(2, dtype=ae.float64)).dtype == np.float64
    assert ae.randint(0, 10, (4,)).dtype == np.int64
    assert ae.rand(3, requires_grad=True).requires_grad


def test_manual_seed_reproduces_random_draws():
    ae.manual_seed(3)
    a = ae.randn(4).data.copy()
    ae.manual_seed(3)
    np.testing.assert_array_equal(ae.randn(4).data, a)


def test_attributes():
    t = ae.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.shape == (2, 3) and t.ndim == 2 and t.numel() == 6 and len(t) == 2
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3
    assert t.is_leaf and t.grad_fn is None
    y = t * 2
    assert not y.is_leaf and y.grad_fn is not None
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert weakref.ref(t)() is t


def test_numpy_requires_detach():
    t = ae.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        t.numpy()
    d = t.detach()
    assert d.numpy() is t.data and not d.requires_grad


def test_item():
    assert ae.tensor([3.5]).item() == 3.5
    with pytest.raises(RuntimeError, match=r"item: a Tensor with 2 elements"):
        ae.tensor([1.0, 2.0]).item()


def test_repr_shows_values_and_grad_fn():
    t = ae.tensor([1.0, 2.0], requires_grad=True)
    assert repr(t) == "tensor([1., 2.], requires_grad=True)"
    assert "grad_fn=<MulBackward0>" in repr(t * 2)
    assert "dtype=float64" in repr(ae.tensor([1.0], dtype=ae.float64))


def test_to_and_casts():
    t = ae.tensor([1.7, -2.2])
    assert t.double().dtype == np.float64
    assert t.long().tolist() == [1, -2]
    assert t.to(ae.float32) is t


@pytest.mark.parametrize("a,b,expected", [
    (ae.ones(2), 2.0, np.float32),
    (ae.ones(2), 2, np.float32),
    (ae.ones(2, dtype=ae.int64), 2.5, np.float32),
    (ae.ones(2, dtype=ae.int64), 2, np.int64),
    (ae.ones(2), ae.ones((), dtype=ae.float64), np.float32),
    (ae.ones(2), ae.ones(2, dtype=ae.float64), np.float64),
    (ae.ones(2, dtype=ae.int64), ae.ones(2), np.float32),
    (ae.ones(2, dtype=ae.bool), 1, np.int64),
])
def test_type_promotion(a, b, expected):
    assert (a + b).dtype == expected
    assert (b * a).dtype == expected


def test_integer_true_division_gives_float32():
    assert (ae.tensor([1, 2]) / 2).dtype == np.float32
    np.testing.assert_allclose((ae.tensor([1, 3]) / ae.tensor([2, 2])).data, [0.5, 1.5])


def test_numpy_array_on_the_left_defers_to_tensor():
    out = np.ones(2, np.float32) + ae.ones(2, requires_grad=True)
    assert isinstance(out, ae.Tensor) and out.requires_grad


def test_comparisons_give_bool_without_grad():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    for r in (x < 2, x <= 1, x > 1, x >= 2, x == 1, x != 1):
        assert r.dtype == np.bool_ and not r.requires_grad


def test_broadcast_error_is_runtime_error_naming_shapes():
    with pytest.raises(RuntimeError, match=r"add: shapes \(3,\) and \(4,\) cannot be broadcast"):
        ae.ones(3) + ae.ones(4)


def test_matmul_errors():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(3, 4\) and \(5, 2\) are not "
                                           r"aligned: 4 \(dim 1\) != 5 \(dim 0\)"):
        ae.ones(3, 4) @ ae.ones(5, 2)
    with pytest.raises(RuntimeError, match="same dtype"):
        ae.ones(3, 4) @ ae.ones(4, 2, dtype=ae.float64)
    with pytest.raises(RuntimeError, match="at least 1D"):
        ae.ones(()) @ ae.ones(2)


@pytest.mark.parametrize("sa, sb, out", [((2, 0, 3), (2, 3, 5), (2, 0, 5)),
                                         ((0, 2, 3), (1, 3, 5), (0, 2, 5)),
                                         ((2, 3, 0), (2, 0, 5), (2, 3, 5))])
def test_batched_matmul_with_an_empty_dim(sa, sb, out):
    """As PyTorch: an empty batch, row or contracted dim gives an empty or zero result."""
    a, b = ae.ones(*sa, requires_grad=True), ae.ones(*sb, requires_grad=True)
    y = a @ b
    assert y.shape == out and not y.detach().numpy().any()
    y.sum().backward()
    assert a.grad.shape == sa and b.grad.shape == sb


def test_bool_of_multi_element_tensor_raises():
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ae.ones(2))


def test_explicit_dtype_converts_without_float32_rounding():
    assert ae.tensor(0.45, dtype=ae.float64).item() == 0.45
    assert ae.tensor([0.1, 0.2], dtype=ae.float64).tolist() == [0.1, 0.2]
