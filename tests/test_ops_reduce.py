"""Reductions: values against numpy, PyTorch's semantics (ties, zeros, corrections, dtypes),
errors, and gradient properties over random shapes."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae


def t64(values, requires_grad=True):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=requires_grad)


def grad_of(fn, values):
    x = t64(values)
    y = fn(x)
    y.backward(ae.ones_like(y))
    return x.grad.data


def hessian(fn, values):
    x = t64(values)
    (g,) = ae.autograd.grad(fn(x), [x], create_graph=True)
    flat = g.reshape(-1)
    return np.stack([ae.autograd.grad(flat[i], [x], retain_graph=True)[0].data.ravel()
                     for i in range(flat.shape[0])])


A = np.random.default_rng(0).standard_normal((2, 3, 4))


# -- values -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dim", [None, 0, -1, (0, 2), (2, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_values_match_numpy(dim, keepdim):
    x = ae.tensor(A)
    axis = dim if not isinstance(dim, tuple) else tuple(sorted(d % 3 for d in dim))
    count = A.size // np.sum(A, axis=axis, keepdims=True).size
    expected = {
        "sum": np.sum(A, axis=axis, keepdims=keepdim),
        "mean": np.mean(A, axis=axis, keepdims=keepdim),
        "prod": np.prod(A, axis=axis, keepdims=keepdim),
        "var": np.var(A, axis=axis, keepdims=keepdim) * count / (count - 1),
        "std": np.std(A, axis=axis, keepdims=keepdim, ddof=1),
        "logsumexp": np.log(np.sum(np.exp(A), axis=axis, keepdims=keepdim)),
        "norm": np.sqrt(np.sum(A * A, axis=axis, keepdims=keepdim)),
    }
    for name, want in expected.items():
        got = getattr(x, name)(dim=dim, keepdim=keepdim)
        np.testing.assert_allclose(got.data, want, rtol=1e-12, err_msg=name)
    np.testing.assert_allclose(ae.amax(x, () if dim is None else dim, keepdim).data,
                               np.max(A, axis=axis, keepdims=keepdim))


def test_numpy_aliases_axis_keepdims():
    x = ae.tensor(A)
    np.testing.assert_allclose(x.var(axis=1, keepdims=True).data,
                               np.var(A, axis=1, keepdims=True, ddof=1))
    assert ae.max(x, axis=2, keepdims=True).values.shape == (2, 3, 1)
    assert ae.argmin(x, axis=0).shape == (3, 4)
    assert ae.norm(x, axis=(0, 1)).shape == (4,)
    with pytest.raises(TypeError):
        x.sum(dim=0, axis=0)


def test_empty_dim_tuple_reduces_everything_as_pytorch():
    x = ae.ones(2, 3)
    assert x.sum(dim=()).item() == 6.0
    assert x.var(dim=()).item() == 0.0
    assert x.prod(()).shape == ()


def test_zero_d_inputs():
    x = ae.tensor(3.0)
    values, indices = x.max(0)
    assert values.item() == 3.0 and indices.item() == 0 and indices.dtype == np.int64
    assert x.sum(0).shape == () and x.mean(-1, keepdim=True).shape == ()
    assert ae.argmax(x).item() == 0
    assert grad_of(lambda t: t.prod(), -2.0) == 1.0
    assert grad_of(lambda t: t.norm(), -2.0) == -1.0
    assert grad_of(lambda t: t.max(), 2.0) == 1.0


def test_logsumexp_is_stable_and_handles_infinities():
    assert abs(ae.tensor([1000.0, 1000.0]).logsumexp(0).item() - (1000 + math.log(2))) < 1e-3
    assert ae.tensor([float("inf"), 1.0]).logsumexp(0).item() == float("inf")
    assert ae.tensor([-float("inf")] * 2).logsumexp(0).item() == -float("inf")
    assert ae.zeros(0).logsumexp(0).item() == -float("inf")
    np.testing.assert_allclose(ae.tensor(A).logsumexp((0, 2)).data,
                               np.log(np.exp(A).sum((0, 2))))


# -- PyTorch semantics (numbers from torch 2.x) -------------------------------------------------
def test_full_max_min_split_gradient_among_ties():
    np.testing.assert_allclose(grad_of(lambda x: x.max(), [1.0, 3, 3, 2]), [0, 0.5, 0.5, 0])
    np.testing.assert_allclose(grad_of(lambda x: x.min(), [1.0, 1, 3, 1]), [1 / 3] * 2 + [0]
                               + [1 / 3])
    np.testing.assert_allclose(hessian(lambda x: x.max() ** 2, [1.0, 3, 3]),
                               [[0, 0, 0], [0, 0.5, 0.5], [0, 0.5, 0.5]])


def test_max_with_dim_returns_values_indices_first_occurrence():
    x = t64([[1.0, 3, 3], [2, 2, 0]])
    out = x.max(1)
    values, indices = out
    assert isinstance(out, tuple) and out.values is values and out.indices is indices
    assert values.tolist() == [3, 2] and indices.tolist() == [1, 0]
    assert indices.dtype == np.int64
    assert x.max(1, keepdim=True).values.shape == (2, 1)
    np.testing.assert_array_equal(grad_of(lambda t: t.max(1).values, x.data),
                                  [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_array_equal(grad_of(lambda t: t.min(dim=0, keepdim=True)[0], x.data),
                                  [[1, 0, 0], [0, 1, 1]])
    assert ae.max(x, ae.zeros(2, 3)).shape == (2, 3)  # torch.max(a, b) is maximum


def test_nan_propagates_through_max():
    x = t64([1.0, float("nan"), 3])
    assert math.isnan(x.max().item()) and x.argmax().item() == 1
    np.testing.assert_array_equal(grad_of(lambda t: t.max(), x.data), [0, 1, 0])


def test_argmax_argmin_first_occurrence_and_flattening():
    x = ae.tensor([[1, 3, 3], [2, 2, 0]])
    assert x.argmax().item() == 1 and x.argmin().item() == 5
    assert x.argmax(1, keepdim=True).tolist() == [[1], [0]]
    assert x.argmax(keepdim=True).tolist() == [[1]]
    assert x.argmax().dtype == np.int64 and not x.float().argmax().requires_grad


def test_prod_gradient_with_zeros():
    np.testing.assert_allclose(grad_of(lambda x: x.prod(), [2.0, 0, 3]), [0, 6, 0])
    np.testing.assert_allclose(grad_of(lambda x: x.prod(), [2.0, 0, 0, 3]), [0, 0, 0, 0])
    np.testing.assert_allclose(grad_of(lambda x: x.prod(1), [[2.0, 0, 3], [0, 0, 1], [1, 2, 3]]),
                               [[0, 6, 0], [0, 0, 0], [6, 3, 2]])
    np.testing.assert_allclose(hessian(lambda x: x.prod(), [2.0, 0, 3]),
                               [[0, 3, 0], [3, 0, 2], [0, 2, 0]])
    two = np.zeros((4, 4))
    two[1, 2] = two[2, 1] = 6
    np.testing.assert_allclose(hessian(lambda x: x.prod(), [2.0, 0, 0, 3]), two)
    np.testing.assert_allclose(hessian(lambda x: x.prod(), [2.0, 0, 0, 0]), np.zeros((4, 4)))


def test_norm_gradients_follow_pytorch_subgradients():
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(), [0.0, 0]), [0, 0])
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(p=1), [0.0, 1, -2]), [0, 1, -1])
    np.testing.assert_allclose(grad_of(lambda x: x.norm(float("inf")), [1.0, -3, 3, 2]),
                               [0, -0.5, 0.5, 0])
    np.testing.assert_allclose(grad_of(lambda x: x.norm(-float("inf")), [1.0, -1, 3, 2]),
                               [0.5, -0.5, 0, 0])
    expected = {3: [0, 0.231120, -0.924482], 0.5: [0, 2.414214, -1.707107],
                1.5: [0, 0.639234, -0.904013]}
    for p, want in expected.items():
        np.testing.assert_allclose(grad_of(lambda x, p=p: x.norm(p), [0.0, 1, -2]), want,
                                   atol=1e-6, err_msg=f"p={p}")
    np.testing.assert_allclose(grad_of(lambda x: x.norm(-1), [0.5, 1, -2]),
                               [0.326531, 0.081633, -0.020408], atol=1e-6)
    np.testing.assert_array_equal(grad_of(lambda x: x.norm(3), [0.0, 0]), [0, 0])


def test_norm_values():
    x = ae.tensor([1.0, -0.5, 2])
    assert abs(x.norm(0.5).item() - 9.7426) < 1e-4
    assert abs(x.norm(-1).item() - 0.2857) < 1e-4
    assert x.norm(0).item() == 3 and x.norm(float("inf")).item() == 2
    assert x.norm(-float("inf")).item() == 0.5
    assert abs(x.norm("fro").item() - 2.2913) < 1e-4
    assert ae.zeros(0).norm().item() == 0
    assert ae.ones(2, 3, 4).norm(dim=1, keepdim=True).shape == (2, 1, 4)
    np.testing.assert_allclose(ae.ones(2, 3, 4).norm(dim=(0, 2)).data, [math.sqrt(8)] * 3)


def test_var_std_corrections():
    x = ae.tensor([1.0, 2, 4])
    assert abs(x.var().item() - 7 / 3) < 1e-6
    assert abs(x.var(correction=0).item() - 1.5556) < 1e-4
    assert abs(x.var(unbiased=False).item() - 1.5556) < 1e-4
    assert abs(x.var(False).item() - 1.5556) < 1e-4
    assert abs(x.var(correction=2).item() - 4.6667) < 1e-4
    assert abs(ae.var(ae.tensor([[1.0, 2, 4]]), 1, False, True).item() - 1.5556) < 1e-4
    with pytest.warns(UserWarning, match="degrees of freedom"):
        assert math.isnan(ae.tensor([1.0]).var().item())
    with pytest.warns(UserWarning):
        assert x.var(correction=5).item() == float("inf")
    assert ae.tensor(2.0).std(correction=0).item() == 0
    np.testing.assert_allclose(grad_of(lambda t: t.var(correction=0), [1.0, 2, 4]),
                               [-8 / 9, -2 / 9, 10 / 9])
    np.testing.assert_array_equal(grad_of(lambda t: t.std(), [1.0, 1, 1]), [0, 0, 0])
    with pytest.raises(TypeError):
        x.var(unbiased=False, correction=0)


def test_dtypes_as_pytorch():
    i32 = ae.tensor(np.array([1, 2, 3], np.int32))
    assert i32.sum().dtype == np.int64 and i32.prod().dtype == np.int64
    assert ae.tensor([True, False]).sum().dtype == np.int64
    assert ae.tensor([True, False]).prod().dtype == np.int64
    assert i32.max().dtype == np.int32 and i32.min(0).values.dtype == np.int32
    assert ae.tensor([True, False]).max().item() is True
    assert i32.logsumexp(0).dtype == np.float32
    assert abs(i32.logsumexp(0).item() - 3.4076) < 1e-4
    x32 = ae.ones(2, 3)
    for name in ("sum", "mean", "prod", "var", "std", "logsumexp", "norm", "max"):
        assert getattr(x32, name)().dtype == np.float32, name
    for name, match in (("mean", "mean"), ("var", "var"), ("std", "std"), ("norm", "norm")):
        with pytest.raises(RuntimeError, match=match):
            getattr(i32, name)()


# -- errors -----------------------------------------------------------------------------------
def test_errors_name_op_and_shape():
    with pytest.raises(RuntimeError, match=r"max\(\).*numel\(\) == 0"):
        ae.zeros(0).max()
    with pytest.raises(IndexError, match=r"max\(\).*dim 1.*\(2, 0\)"):
        ae.zeros(2, 0).max(1)
    assert ae.zeros(2, 0).max(0).values.shape == (0,)
    with pytest.raises(IndexError, match=r"argmax\(\)"):
        ae.zeros(0).argmax()
    with pytest.raises(IndexError, match=r"sum.*range"):
        ae.ones(2, 3).sum(2)
    with pytest.raises(TypeError, match=r"max\(\).*amax"):
        ae.ones(2, 3).max(dim=(0, 1))
    with pytest.raises(RuntimeError, match="multiple times"):
        ae.ones(2, 3).sum((0, -2))
    with pytest.raises(ValueError, match="norm"):
        ae.ones(2, 2).norm("nuc")


# -- properties over random shapes --------------------------------------------------------------
@st.composite
def shape_and_dims(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=4)))
    dims = draw(st.lists(st.integers(0, max(len(shape) - 1, 0)), unique=True,
                         max_size=len(shape))) if shape else []
    return shape, tuple(dims), draw(st.booleans())


@settings(max_examples=40, deadline=None)
@given(shape_and_dims())
def test_sum_and_mean_gradients_over_random_dims(case):
    shape, dims, keepdim = case
    x = ae.tensor(np.random.default_rng(1).standard_normal(shape), requires_grad=True)
    x.sum(dims or None, keepdim).backward(ae.ones(x.sum(dims or None, keepdim).shape,
                                                  dtype=np.float64))
    np.testing.assert_array_equal(x.grad.data, np.ones(shape))
    x.grad = None
    y = x.mean(dims or None, keepdim)
    y.backward(ae.ones(y.shape, dtype=np.float64))
    count = np.prod([shape[d] for d in dims]) if dims else np.prod(shape)
    np.testing.assert_allclose(x.grad.data, np.full(shape, 1 / count))


@settings(max_examples=25, deadline=None)
@given(shape_and_dims())
def test_reductions_match_numpy_over_random_dims(case):
    shape, dims, keepdim = case
    data = np.random.default_rng(2).standard_normal(shape)
    axis = dims or None
    x = ae.tensor(data)
    np.testing.assert_allclose(x.prod(axis, keepdim).data,
                               np.prod(data, axis=axis, keepdims=keepdim))
    np.testing.assert_allclose(x.norm(2, axis, keepdim).data,
                               np.sqrt(np.sum(data ** 2, axis=axis, keepdims=keepdim)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.testing.assert_allclose(x.var(axis, keepdim=keepdim, correction=0).data,
                                   np.var(data, axis=axis, keepdims=keepdim))
