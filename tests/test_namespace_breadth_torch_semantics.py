"""PyTorch 2.13's behaviour, written out, for the top-level names and Tensor methods that
fill the gaps a PyTorch user hits: other names and functional forms, the in-place and
``*_copy`` forms, process settings, window functions, the complex API on real tensors, the
LU / Cholesky / triangular solvers and the nn ops at the top level (ATen's signatures).
Runs without torch; tests/test_namespace_breadth_torch_parity.py compares live."""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck

F64 = np.float64


def t64(data, grad=True):
    return ae.tensor(np.asarray(data, F64), dtype=F64, requires_grad=grad)


def values(t):
    return t.detach().numpy().tolist()


# -- other names and functional forms --------------------------------------------------------
def test_other_names_are_the_ops():
    x, y = ae.tensor([[0.5, -1.0], [2.0, 0.25]]), ae.tensor([[0.2, 0.3], [0.1, 0.4]])
    pairs = {"multiply": ae.mul, "greater": ae.gt, "greater_equal": ae.ge, "less": ae.lt,
             "less_equal": ae.le, "not_equal": ae.ne, "arctan2": ae.atan2}
    for name, op in pairs.items():
        assert values(getattr(ae, name)(x, y)) == values(op(x, y)), name
    for name, op in {"negative": ae.neg, "absolute": ae.abs, "fix": ae.trunc, "sgn": ae.sign,
                     "arccos": ae.acos, "arcsin": ae.asin, "arctan": ae.atan,
                     "arcsinh": ae.asinh, "arctanh": ae.atanh}.items():
        assert np.array_equal(getattr(ae, name)(x).numpy(), op(x).numpy(), equal_nan=True)
    assert np.array_equal(ae.arccosh(x + 1).numpy(), ae.acosh(x + 1).numpy(), equal_nan=True)


def test_divide_subtract_rsub():
    i = ae.tensor([1, 2, 3])
    assert values(ae.divide(i, 2)) == [0.5, 1.0, 1.5]
    floor = ae.divide(i, 2, rounding_mode="floor")
    assert floor.dtype == np.int64 and values(floor) == [0, 1, 1]
    with pytest.raises(TypeError):
        ae.divide(i, 2, "floor")  # rounding_mode is keyword-only
    assert values(ae.subtract(i, 2, alpha=3)) == [-5, -4, -3]
    assert values(ae.rsub(ae.tensor([[1.0, -2.0], [3.0, 4.0]]), 2)) == [[1, 4], [-1, -2]]
    r = ae.rsub(i, 2.5)
    assert r.dtype == np.float32 and values(r) == [1.5, 0.5, -0.5]
    assert values(ae.rsub(i, 2, alpha=2)) == [0, -2, -4]
    with pytest.raises(RuntimeError):
        ae.rsub(i, i, alpha=1.5)  # a float alpha with integral tensors
    with pytest.raises(RuntimeError):
        ae.rsub(ae.tensor([True]), ae.tensor([True]))
    with pytest.raises(TypeError):
        ae.rsub(2, i)


def test_rsub_and_fill_gradients():
    a, b = t64([[1.0, -2.0], [0.5, 3.0]]), t64([0.5, 2.0])
    assert gradcheck(lambda a, b: ae.rsub(a, b, alpha=0.5), (a, b))
    assert gradgradcheck(lambda a, b: ae.rsub(a, b, alpha=0.5), (a, b))
    value = t64(3.0)
    out = ae.fill(a, value)
    out.sum().backward()
    assert values(out) == [[3.0, 3.0], [3.0, 3.0]] and value.grad.item() == 4.0
    assert values(a.grad) == [[0.0, 0.0], [0.0, 0.0]]
    assert gradcheck(lambda a, v: ae.fill(a, v) * a, (t64([1.0, 2.0]), t64(0.5)))


def test_fill_zero_positive():
    i = ae.tensor([1, 2, 3])
    assert ae.fill(i, 2.5).dtype == np.int64 and values(ae.fill(i, 2.5)) == [2, 2, 2]
    x = ae.tensor([[1.0, 2.0]])
    assert ae.fill(x, ae.tensor(3.0, dtype=F64)).dtype == np.float32
    assert values(ae.fill(x, True)) == [[1.0, 1.0]]
    with pytest.raises(RuntimeError):
        ae.fill(x, ae.tensor([3.0]))
    z = ae.tensor([1, 2])
    assert ae.zero_(z) is z and values(z) == [0, 0]
    with pytest.raises(RuntimeError):
        ae.positive(ae.tensor([True]))
    assert ae.positive(i) is i
    with pytest.raises(TypeError):
        ae.positive(3)


def test_queries_t_detach_ravel():
    i = ae.tensor([1, 2, 3])
    assert ae.equal(i, i.float()) is True and ae.equal(i, ae.tensor([1, 2])) is False
    with pytest.raises(TypeError):
        ae.equal(i, [1, 2, 3])
    assert ae.is_signed(ae.tensor([1], dtype=np.uint8)) is False
    assert ae.is_signed(ae.tensor([True])) is False and ae.is_signed(i) is True
    with pytest.raises(TypeError):
        ae.is_signed(3)
    assert ae.is_same_size(i, i) is True
    with pytest.raises(TypeError):
        ae.is_same_size(i, [1])
    x = ae.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    assert values(ae.t(x)) == [[1, 3], [-2, 4]] and ae.t(x).grad_fn is not None
    with pytest.raises(RuntimeError):
        ae.t(ae.ones(2, 2, 2))
    assert values(ae.t(ae.tensor(3.0))) == 3.0
    assert ae.detach(x).grad_fn is None and not ae.detach(x).requires_grad
    r = ae.ravel(x.t())
    assert values(r) == [1, 3, -2, 4] and r.is_contiguous()
    assert ae.det(x).item() == pytest.approx(10.0)
    assert np.allclose(ae.inverse(x).detach().numpy(), [[0.4, 0.2], [-0.3, 0.1]])
    sign, logabsdet = ae.slogdet(x)
    assert sign.item() == 1.0 and logabsdet.item() == pytest.approx(2.302585, rel=1e-6)


def test_inplace_forms_are_the_methods():
    x = ae.tensor([-1.0, 0.25, 4.0])
    assert ae.abs_(x) is x and values(x) == [1.0, 0.25, 4.0]
    assert values(ae.sqrt_(x)) == [1.0, 0.5, 2.0]
    assert values(ae.clamp_(x, min=0.75)) == [1.0, 0.75, 2.0]
    assert values(ae.fill_(x, 2)) == [2.0, 2.0, 2.0]
    ae.index_put_(x, (ae.tensor([0]),), ae.tensor(5.0))
    assert values(x) == [5.0, 2.0, 2.0]
    assert values(ae.relu_(ae.tensor([-1.0, 1.0]))) == [0.0, 1.0]
    with pytest.raises(RuntimeError):
        ae.exp_(ae.ones(2, requires_grad=True))
    with pytest.raises(TypeError):
        ae.neg_([1.0])
    leaf = ae.ones(2, requires_grad=True)
    y = leaf * 2
    assert ae.detach_(y) is y and y.grad_fn is None and not y.requires_grad


def test_top_level_inplace_activations_and_dropouts():
    x = ae.tensor([-1.0, 2.0])
    assert ae.selu_(x) is x and values(x)[1] == pytest.approx(2.101402, rel=1e-6)
    y = ae.tensor([-1.0, 2.0])
    assert values(ae.threshold_(y, 1.0, -5.0)) == [-5.0, 2.0]
    z = ae.tensor([1.0, 2.0])
    assert ae.dropout_(z, 0.5, False) is z


# -- shapes and indices ----------------------------------------------------------------------
def test_broadcast_shapes():
    assert ae.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert ae.broadcast_shapes(2, (3, 1)) == (3, 2)
    assert ae.broadcast_shapes() == ()
    assert ae.broadcast_shapes([2, 1], (1, 3), (4, 1, 1)) == (4, 2, 3)
    assert ae.broadcast_shapes((1,), (0,)) == (0,) and ae.broadcast_shapes((2,), None) == (2,)
    with pytest.raises(RuntimeError):
        ae.broadcast_shapes((2,), (3,))
    with pytest.raises(ValueError):
        ae.broadcast_shapes((-1,), (3,))
    with pytest.raises(RuntimeError):
        ae.broadcast_shapes(2.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(1, 3), min_size=0, max_size=4), min_size=1, max_size=4))
def test_broadcast_shapes_is_numpys(shapes):
    try:
        expected = np.broadcast_shapes(*map(tuple, shapes))
    except ValueError:
        with pytest.raises(RuntimeError):
            ae.broadcast_shapes(*shapes)
        return
    assert ae.broadcast_shapes(*shapes) == expected


def test_unravel_index():
    rows, cols = ae.unravel_index(ae.tensor([7, -7]), (3, 2))
    assert values(rows) == [0, 2] and values(cols) == [1, 1] and rows.dtype == np.int64
    a, b = ae.unravel_index(ae.tensor(5, dtype=np.uint8), (2, 3))
    assert (a.item(), b.item(), a.ndim) == (1, 2, 0)
    assert ae.unravel_index(ae.tensor([1]), ()) == ()
    assert values(ae.unravel_index(ae.tensor([1]), 6)[0]) == [1]
    with pytest.raises(TypeError):
        ae.unravel_index(ae.tensor([1.0]), (3, 2))
    with pytest.raises(TypeError):
        ae.unravel_index(ae.tensor([True]), (3, 2))
    with pytest.raises(TypeError):
        ae.unravel_index(ae.tensor([1]), (2.0, 3))
    with pytest.raises(ValueError):
        ae.unravel_index(ae.tensor([1]), (-1, 2))
    with pytest.raises(RuntimeError):
        ae.unravel_index(ae.tensor([1]), (0, 2))
    with pytest.raises(AttributeError):
        ae.unravel_index([1], (2, 3))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_unravel_index_is_numpys(shape, data):
    size = int(np.prod(shape))
    flat = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=5))
    expected = np.unravel_index(flat, shape)
    got = ae.unravel_index(ae.tensor(flat), tuple(shape))
    assert [values(g) for g in got] == [e.tolist() for e in expected]


def test_scalar_tensor_and_asarray():
    assert ae.scalar_tensor(3).dtype == np.float32 and ae.scalar_tensor(3).item() == 3.0
    assert ae.scalar_tensor(True).item() == 1.0
    assert ae.scalar_tensor(2.5, dtype=F64).dtype == F64
    assert ae.scalar_tensor(2, dtype=np.int64).dtype == np.int64
    assert ae.scalar_tensor(ae.tensor(2)).item() == 2.0
    assert ae.scalar_tensor(2, requires_grad=True).requires_grad
    with pytest.raises(TypeError):
        ae.scalar_tensor([2])
    a = np.arange(3.0)
    shared = ae.asarray(a)
    shared[0] = 10
    assert a[0] == 10 and shared.dtype == F64
    copied = ae.asarray(a, copy=True)
    copied[0] = 11
    assert a[0] == 10
    assert ae.asarray([1.0, 2]).dtype == np.float32 and ae.asarray([1, 2]).dtype == np.int64
    assert ae.asarray(np.float64(2.5)).dtype == F64 and ae.asarray(3).ndim == 0
    assert ae.asarray([np.float64(1.0), 2]).dtype == F64
    assert values(ae.asarray(a[::2], copy=False)) == [10.0, 2.0]
    with pytest.raises(ValueError):
        ae.asarray(a, copy=False, dtype=np.float32)
    with pytest.raises(ValueError):
        ae.asarray([[1], [2, 3]])
    with pytest.raises(RuntimeError):
        ae.asarray([1, 2], device="cuda")
    assert ae.asarray(a, requires_grad=True).requires_grad


def test_asarray_of_tensors():
    i = ae.tensor([1, 2, 3])
    assert ae.asarray(i) is i and ae.asarray(i, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError):
        ae.asarray(i, copy=False, dtype=np.float32)
    p = ae.ones(2, requires_grad=True)
    assert ae.asarray(p) is p and p.requires_grad
    assert ae.asarray(p, requires_grad=False) is p and not p.requires_grad  # as PyTorch
    p = ae.ones(2, requires_grad=True)
    m = p * 2
    assert ae.asarray(m) is m
    detached = ae.asarray(m, requires_grad=False)
    assert detached is not m and detached.grad_fn is None
    cast = ae.asarray(p, dtype=F64)
    assert cast.requires_grad and cast.grad_fn is not None
    copy = ae.asarray(p, copy=True)
    assert copy is not p and copy.grad_fn is not None
    x = ae.ones(2)
    assert ae.asarray(x, requires_grad=True) is x and x.requires_grad


# -- the complex API on real tensors ---------------------------------------------------------
def test_conjugation_of_real_tensors():
    x = ae.tensor([[1.0, -2.0], [float("nan"), -0.0]], requires_grad=True)
    for name in ("conj", "conj_physical", "resolve_conj", "resolve_neg", "real"):
        assert getattr(ae, name)(x) is x, name
    for name in ("conj", "conj_physical", "resolve_conj", "resolve_neg"):
        assert getattr(x, name)() is x, name
    assert x.real is x
    with pytest.raises(RuntimeError):
        x.conj_physical_()  # an in-place op on a leaf that requires grad
    y = ae.tensor([1.0, -2.0])
    assert y.conj_physical_() is y and ae.conj_physical_(y) is y and values(y) == [1.0, -2.0]
    assert ae.is_conj(x) is False and ae.is_neg(x) is False and x.is_conj() is False
    assert values(ae.isreal(ae.tensor([1, -2]))) == [True, True]
    for imag in (lambda: ae.imag(x), lambda: x.imag):
        with pytest.raises(RuntimeError, match="imag is not implemented"):
            imag()
    with pytest.raises(TypeError):
        ae.real(3)


def test_angle():
    x = ae.tensor([[1.0, -2.0], [float("nan"), -0.0]])
    assert np.array_equal(ae.angle(x).numpy(), np.array([[0, np.pi], [np.nan, 0]], np.float32),
                          equal_nan=True)
    i = ae.angle(ae.tensor([1, -2, 0]))
    assert i.dtype == np.float32 and values(i) == [0.0, np.float32(np.pi), 0.0]
    assert values(ae.angle(ae.tensor([True, False]))) == [0.0, 0.0]
    assert ae.angle(ae.tensor([1.0, -1.0], dtype=F64)).dtype == F64
    y = ae.tensor([1.0, -2.0, 3.0], requires_grad=True)
    out = y.angle()
    assert out.grad_fn.name() == "AngleBackward0"
    out.sum().backward()
    assert values(y.grad) == [0.0, 0.0, 0.0]


def test_matrix_transposes():
    m = ae.ones(2, 3, requires_grad=True)
    for get in (lambda t: t.H, lambda t: t.mH, lambda t: t.mT, lambda t: t.adjoint(),
                ae.adjoint):
        assert get(m).shape == (3, 2)
    assert ae.ones(2, 3, 4).mH.shape == (2, 4, 3)
    with pytest.raises(RuntimeError, match="only supported on matrices"):
        ae.ones(3).H
    with pytest.raises(RuntimeError, match="consider using tensor.mH"):
        ae.ones(2, 2, 2).H
    for get in (lambda t: t.mH, lambda t: t.mT, lambda t: t.adjoint()):
        with pytest.raises(RuntimeError, match="matrices or batches of matrices"):
            get(ae.ones(3))
    s = ae.tensor(2.0)
    for get in (lambda t: t.H, lambda t: t.mH, lambda t: t.mT, ae.adjoint):
        with pytest.warns(UserWarning, match="deprecated on 0-D tensors"):
            assert get(s) is s
    assert gradcheck(lambda a: a.mH * a.H, (t64([[1.0, 2.0], [3.0, 4.0]]),))


# -- *_copy forms ----------------------------------------------------------------------------
COPIES = [("view_copy", ((3, 2),)), ("permute_copy", ((1, 0),)), ("t_copy", ()),
          ("transpose_copy", (0, 1)), ("squeeze_copy", ()), ("unsqueeze_copy", (0,)),
          ("expand_copy", ((2, 2, 3),)), ("diagonal_copy", ()), ("select_copy", (1, 2)),
          ("slice_copy", (1, 0, 3, 2)), ("unbind_copy", (1,)), ("split_copy", (2, 1)),
          ("split_with_sizes_copy", ([1, 2], 1)), ("unfold_copy", (1, 2, 1)),
          ("alias_copy", ())]
COPY_SHAPES = {"view_copy": [(3, 2)], "permute_copy": [(3, 2)], "t_copy": [(3, 2)],
               "transpose_copy": [(3, 2)], "squeeze_copy": [(2, 3)],
               "unsqueeze_copy": [(1, 2, 3)], "expand_copy": [(2, 2, 3)],
               "diagonal_copy": [(2,)], "select_copy": [(2,)], "slice_copy": [(2, 2)],
               "unbind_copy": [(2,), (2,), (2,)], "split_copy": [(2, 2), (2, 1)],
               "split_with_sizes_copy": [(2, 1), (2, 2)], "unfold_copy": [(2, 2, 2)],
               "alias_copy": [(2, 3)]}


@pytest.mark.parametrize("name,args", COPIES, ids=[c[0] for c in COPIES])
def test_copies_are_contiguous_unaliased_and_differentiable(name, args):
    a = t64(np.arange(6.0).reshape(2, 3))
    out = getattr(ae, name)(a, *args)
    pieces = out if isinstance(out, tuple) else (out,)
    assert [p.shape for p in pieces] == COPY_SHAPES[name]
    for p in pieces:
        assert p.is_contiguous() and not np.shares_memory(p.data, a.data)
    assert gradcheck(lambda a: getattr(ae, name)(a, *args), (a,))
    assert gradgradcheck(lambda a: getattr(ae, name)(a, *args), (a,))


def test_split_with_sizes_views_and_errors():
    a = ae.arange(6.0).reshape(2, 3)
    first, second = ae.split_with_sizes(a, [1, 2], 1)
    assert np.shares_memory(first.data, a.data) and second.shape == (2, 2)
    assert [p.shape for p in a.split_with_sizes([1, 1])] == [(1, 3), (1, 3)]
    with pytest.raises(RuntimeError):
        ae.split_with_sizes(a, [1, 1], 1)
    with pytest.raises(RuntimeError):
        ae.split_with_sizes(a, [1, -1, 3], 1)
    with pytest.raises(TypeError):
        ae.split_with_sizes(a, 3, 1)


def test_slice_copy_and_detach_copy():
    a = ae.arange(6.0).reshape(2, 3)
    assert values(ae.slice_copy(a, 1, -2)) == [[1, 2], [4, 5]]
    assert ae.slice_copy(a, 1, 5, 10).shape == (2, 0)
    assert values(ae.slice_copy(a, 1, -10, 10, 2)) == [[0, 2], [3, 5]]
    with pytest.raises(RuntimeError, match="slice step must be positive"):
        ae.slice_copy(a, 1, None, None, 0)
    b = ae.ones(2, requires_grad=True)
    d = ae.detach_copy(b)
    assert d.requires_grad and not np.shares_memory(d.data, b.data)  # as PyTorch 2.13
    with pytest.raises(RuntimeError, match="derivative for aten::detach_copy"):
        d.sum().backward()
    assert not ae.detach_copy(ae.ones(2)).requires_grad


def test_nonzero_static():
    out = ae.nonzero_static(ae.tensor([0, 3, 0, 4]), size=3)
    assert out.dtype == np.int64 and values(out) == [[1], [3], [-1]]
    assert values(ae.nonzero_static(ae.tensor([0, 3, 0, 4]), size=1, fill_value=9)) == [[1]]
    assert values(ae.tensor([[0, 3], [1, 0]]).nonzero_static(size=4, fill_value=-5)) == \
        [[0, 1], [1, 0], [-5, -5], [-5, -5]]
    assert ae.nonzero_static(ae.tensor(3), size=2).shape == (2, 0)
    assert values(ae.nonzero_static(ae.tensor([1.5, float("nan")]), size=3)) == [[0], [1], [-1]]
    with pytest.raises(RuntimeError):
        ae.nonzero_static(ae.tensor([1]), size=-1)
    with pytest.raises(TypeError):
        ae.nonzero_static(ae.tensor([1]), 2)


# -- gradient --------------------------------------------------------------------------------
def test_gradient_values():
    i = ae.tensor([1, 4, 9, 16])
    (g,) = ae.gradient(i)
    assert g.dtype == np.float32 and values(g) == [3, 4, 6, 7]
    assert values(ae.gradient(i, spacing=2)[0]) == [1.5, 2, 3, 3.5]
    assert values(ae.gradient(i, edge_order=2)[0]) == [2, 4, 6, 8]
    x = t64([[1.0, 4.0, 9.0, 16.0], [2.0, 3.0, 5.0, 8.0]])
    rows, cols = ae.gradient(x, spacing=[2.0, 3.0])
    assert values(rows) == [[0.5, -0.5, -2.0, -4.0]] * 2
    assert np.allclose(values(cols), [[1, 4 / 3, 2, 7 / 3], [1 / 3, 0.5, 5 / 6, 1]])
    (by_coordinates,) = ae.gradient(x, spacing=(ae.tensor([0.0, 1.0, 3.0, 7.0], dtype=F64),),
                                    dim=1, edge_order=2)
    assert np.allclose(values(by_coordinates), [[19 / 6, 17 / 6, 2.25, 1.25],
                                                [1.0, 1.0, 11 / 12, 7 / 12]])
    assert ae.gradient(ae.tensor(3.0)) == ()
    assert ae.gradient(ae.ones(0, 3), dim=1)[0].shape == (0, 3)
    with np.errstate(divide="ignore"):
        assert values(ae.gradient(ae.tensor([1.0, 2.0]), spacing=0)[0]) == [np.inf, np.inf]


def test_gradient_errors():
    x = ae.ones(2, 4)
    with pytest.raises(RuntimeError, match="edge_order=1 and edge_order=2"):
        ae.gradient(x, edge_order=3)
    with pytest.raises(RuntimeError, match="at least edge_order\\+1"):
        ae.gradient(x, edge_order=2)
    with pytest.raises(RuntimeError, match="list of length equal to 'self.dim\\(\\) = 2'"):
        ae.gradient(x, spacing=[1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="appears multiple times"):
        ae.gradient(x, dim=(0, 0))
    with pytest.raises(IndexError):
        ae.gradient(x, dim=2)
    with pytest.raises(RuntimeError, match="one dimension"):
        ae.gradient(x, spacing=(ae.ones(1, 2), ae.ones(4)))
    with pytest.raises(RuntimeError):
        ae.gradient(ae.tensor([True, False]))


def test_gradient_differentiates():
    x = t64(np.linspace(0.0, 1.0, 12).reshape(3, 4) ** 2)
    coordinates = t64([0.0, 0.5, 1.5, 3.0])
    for edge_order in (1, 2):
        assert gradcheck(lambda x: ae.gradient(x, spacing=[0.5, 2.0], edge_order=edge_order),
                         (x,))
        assert gradgradcheck(lambda x, c: ae.gradient(x, spacing=(c,), dim=1,
                                                      edge_order=edge_order),
                             (x, coordinates))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(3, 5), min_size=1, max_size=3), st.sampled_from([1, 2]),
       st.data())
def test_gradient_is_numpys(shape, edge_order, data):
    rng = np.random.default_rng(len(shape) + sum(shape))
    a = rng.standard_normal(shape)
    spacing = data.draw(st.lists(st.floats(0.25, 4.0), min_size=len(shape),
                                 max_size=len(shape)))
    got = ae.gradient(ae.tensor(a, dtype=F64), spacing=spacing, edge_order=edge_order)
    expected = np.gradient(a, *spacing, edge_order=edge_order)
    expected = expected if isinstance(expected, (list, tuple)) else [expected]
    for g, e in zip(got, expected):
        assert np.allclose(g.numpy(), e, atol=1e-12)


# -- settings ---------------------------------------------------------------------------------
def test_threads():
    before = ae.get_num_threads()
    try:
        ae.set_num_threads(1)
        assert ae.get_num_threads() == 1
        ae.set_num_threads(np.int64(2))
        assert ae.get_num_threads() == 2
    finally:
        ae.set_num_threads(before)
    for bad, message in ((0, "positive integer"), (-1, "positive integer"),
                         (2.5, "expects an int, but got float"),
                         ("2", "expects an int, but got str"),
                         (True, "expects an int, but got bool")):
        with pytest.raises(RuntimeError, match=message):
            ae.set_num_threads(bad)
    assert ae.get_num_interop_threads() >= 1


def test_interop_threads_are_set_once():
    script = ("import autograd_engine as ae\n"
              "ae.set_num_interop_threads(1)\n"
              "assert ae.get_num_interop_threads() == 1\n"
              "try:\n    ae.set_num_interop_threads(2)\n"
              "except RuntimeError as e:\n    print('refused', e)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env=dict(os.environ))
    assert "refused Error: cannot set number of interop threads" in out.stdout
    with pytest.raises(RuntimeError, match="positive integer"):
        ae.set_num_interop_threads(0)


def test_deterministic_flags():
    try:
        assert ae.are_deterministic_algorithms_enabled() is False
        ae.use_deterministic_algorithms(True, warn_only=True)
        assert ae.are_deterministic_algorithms_enabled()
        assert ae.is_deterministic_algorithms_warn_only_enabled()
        assert ae.get_deterministic_debug_mode() == 1
        ae.set_deterministic_debug_mode("error")
        assert ae.get_deterministic_debug_mode() == 2
        assert not ae.is_deterministic_algorithms_warn_only_enabled()
        ae.set_deterministic_debug_mode(True)  # an int, 1, as PyTorch reads it
        assert ae.get_deterministic_debug_mode() == 1
        with pytest.raises(TypeError):
            ae.use_deterministic_algorithms(1)
        with pytest.raises(TypeError):
            ae.set_deterministic_debug_mode(1.0)
        with pytest.raises(RuntimeError, match="expected 0, 1, or 2"):
            ae.set_deterministic_debug_mode(3)
        with pytest.raises(RuntimeError, match="`default`, `warn`, `error`"):
            ae.set_deterministic_debug_mode("x")
    finally:
        ae.set_deterministic_debug_mode(0)
    assert ae.get_deterministic_debug_mode() == 0


def test_default_device_precision_warn_always():
    try:
        assert ae.get_default_device() == ae.device("cpu")
        ae.set_default_device("cpu:0")
        assert ae.get_default_device() == ae.device("cpu", 0)
        with pytest.raises(RuntimeError):
            ae.set_default_device("cuda")
        with pytest.raises(RuntimeError):
            ae.set_default_device("foo")
    finally:
        ae.set_default_device(None)
    assert ae.get_default_device() == ae.device("cpu")
    try:
        assert ae.get_float32_matmul_precision() == "highest"
        ae.set_float32_matmul_precision("medium")
        assert ae.get_float32_matmul_precision() == "medium"
        with pytest.warns(UserWarning, match="has no effect"):
            ae.set_float32_matmul_precision("HIGH")
        assert ae.get_float32_matmul_precision() == "medium"
        with pytest.raises(RuntimeError, match="expects a str"):
            ae.set_float32_matmul_precision(3)
    finally:
        ae.set_float32_matmul_precision("highest")
    try:
        ae.set_warn_always(True)
        assert ae.is_warn_always_enabled()
        with pytest.raises(RuntimeError, match="expects a bool"):
            ae.set_warn_always(1)
    finally:
        ae.set_warn_always(False)


def test_typename_and_is_inference():
    assert ae.typename(ae.ones(2)) == ae.ones(2).type() == "autograd_engine.FloatTensor"
    assert ae.typename(3) == "int" and ae.typename(int) == "int"
    assert ae.typename(ae.nn.Linear) == f"{ae.nn.Linear.__module__}.Linear"
    assert ae.typename(ae.nn.Linear(2, 2)) == f"{ae.nn.Linear.__module__}.Linear"
    with ae.inference_mode():
        t = ae.ones(2)
    assert ae.is_inference(t) is False and ae.is_inference(ae.ones(2)) is False
    with pytest.raises(TypeError):
        ae.is_inference(3)


# -- window functions ------------------------------------------------------------------------
WINDOWS_64 = {  # PyTorch 2.13, float64, length 5: periodic, symmetric
    "hann_window": ([0.0, 0.3454915028125263, 0.9045084971874737, 0.9045084971874737,
                     0.3454915028125264], [0.0, 0.49999999999999994, 1.0, 0.5000000000000001,
                                           0.0]),
    "hamming_window": ([0.08000000000000002, 0.3978521825875242, 0.9121478174124757,
                        0.912147817412476, 0.3978521825875243],
                       [0.08000000000000002, 0.54, 1.0, 0.5400000000000001,
                        0.08000000000000002]),
    "blackman_window": ([0.0, 0.20077014326253045, 0.8492298567374694, 0.8492298567374696,
                         0.20077014326253056], [0.0, 0.33999999999999997, 1.0,
                                                0.3400000000000001, 0.0]),
    "bartlett_window": ([0.0, 0.4, 0.8, 0.7999999999999998, 0.3999999999999999],
                        [0.0, 0.5, 1.0, 0.5, 0.0]),
    "kaiser_window": ([5.2773441320097665e-05, 0.10171968770956323, 0.7929398341014605,
                       0.7929398341014605, 0.10171968770956323],
                      [5.2773441320097665e-05, 0.2156727447589671, 1.0, 0.2156727447589671,
                       5.2773441320097665e-05]),
}


@pytest.mark.parametrize("name", sorted(WINDOWS_64))
def test_windows(name):
    make = getattr(ae, name)
    periodic, symmetric = WINDOWS_64[name]
    assert np.allclose(values(make(5, dtype=F64)), periodic, rtol=0, atol=4e-16)
    assert np.allclose(values(make(5, False, dtype=F64)), symmetric, rtol=0, atol=4e-16)
    assert make(5).dtype == np.float32 and make(0).shape == (0,)
    assert values(make(1, dtype=F64)) == [1.0]
    w = make(3, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    with pytest.raises(RuntimeError, match="non-negative window_length"):
        make(-1)
    for bad in (2.5, True):
        with pytest.raises(TypeError):
            make(bad)
    with pytest.raises(RuntimeError, match="expects floating point dtypes"):
        make(3, dtype=np.int64)
    with pytest.raises(TypeError):
        make(5, periodic=None)


def test_window_float32_values():
    # bartlett: PyTorch's float32 bits; hann: each value within an ulp of PyTorch's
    assert ae.bartlett_window(7).numpy().view(np.int32).tolist() == [
        0, 1049774373, 1058162981, 1062956472, 1062956470, 1058162980, 1049774368]
    torch_hann = np.array([0.0, 0.1464466154575348, 0.5, 0.8535534143447876, 1.0,
                           0.853553295135498, 0.5, 0.14644649624824524], np.float32)
    assert np.allclose(ae.hann_window(8).numpy(), torch_hann, rtol=0, atol=6e-8)
    assert values(ae.hamming_window(5, True, 0.6, 0.3))[0] == pytest.approx(0.3)


# -- solvers ---------------------------------------------------------------------------------
A3 = [[2.0, 1.0, 1.0], [4.0, -6.0, 0.0], [-2.0, 7.0, 2.0]]


def test_lu_factor_values():
    lu, pivots, info = ae.linalg.lu_factor_ex(t64(A3, grad=False))
    assert values(lu) == [[4.0, -6.0, 0.0], [0.5, 4.0, 1.0], [-0.5, 1.0, 1.0]]
    assert pivots.dtype == np.int32 and values(pivots) == [2, 2, 3]
    assert info.dtype == np.int32 and info.item() == 0
    p, l, u = ae.linalg.lu(t64([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], grad=False))
    assert values(p) == [[0, 1], [1, 0]] and values(l) == [[1, 0], [0.25, 1]]
    assert values(u) == [[4, 5, 6], [0, 0.75, 1.5]]
    p, l, u = ae.linalg.lu(t64([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]], grad=False))
    assert values(p) == [[0, 1, 0], [0, 0, 1], [1, 0, 0]] and u.shape == (2, 2)
    assert np.allclose(values(l), [[1, 0], [1 / 3, 1], [2 / 3, 0.5]])
    singular = ae.linalg.lu_factor_ex(ae.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert values(singular.LU) == [[2, 4], [0.5, 0]] and singular.info.item() == 2
    assert values(ae.linalg.lu_factor_ex(ae.zeros(2, 3)).pivots) == [1, 2]
    assert type(ae.linalg.lu(ae.eye(2))).__name__ == "linalg_lu"
    assert ae.linalg.lu_factor(ae.ones(2, 0, 3)).pivots.shape == (2, 0)


def test_lu_errors():
    with pytest.raises(RuntimeError, match="U\\[2,2\\] is zero"):
        ae.linalg.lu_factor(ae.tensor([[1.0, 2.0], [2.0, 4.0]]))
    with pytest.raises(RuntimeError, match="Batch element 0"):
        ae.linalg.lu_factor(ae.tensor([[1.0, 2.0], [2.0, 4.0]]).expand(3, 2, 2))
    with pytest.raises(RuntimeError, match="without pivoting is not implemented on the CPU"):
        ae.linalg.lu_factor(ae.eye(2), pivot=False)
    with pytest.raises(RuntimeError, match="2 or more dimensions"):
        ae.linalg.lu_factor(ae.ones(3))
    with pytest.raises(NotImplementedError):
        ae.linalg.lu_factor(ae.ones(2, 2, dtype=np.int64))
    with pytest.warns(UserWarning, match="deprecated"):
        lu, pivots = ae.lu(ae.tensor([[1.0, 2.0], [2.0, 4.0]]))  # no error for singular
    assert values(pivots) == [2, 2]
    with pytest.warns(UserWarning):
        assert type(ae.lu(ae.eye(2), get_infos=True)).__name__ == "_lu_with_info"


def test_lu_unpack():
    lu, pivots = ae.linalg.lu_factor(ae.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    p, l, u = ae.lu_unpack(lu, pivots)
    assert values(p) == [[0, 1], [1, 0]] and values(u) == [[4, 5, 6], [0, 0.75, 1.5]]
    p, l, u = ae.lu_unpack(lu, pivots, unpack_data=False)
    assert l.shape == u.shape == (0,) and p.shape == (2, 2)
    p, _, _ = ae.lu_unpack(lu, pivots, unpack_pivots=False)
    assert p.shape == (0,)
    with pytest.raises(RuntimeError, match="torch.int32"):
        ae.lu_unpack(lu, pivots.long())
    with pytest.raises(RuntimeError, match="between 1 and LU.size\\(-2\\)"):
        ae.lu_unpack(lu, ae.tensor([3, 3], dtype=np.int32))
    with pytest.raises(RuntimeError, match="2 or more dimensions"):
        ae.lu_unpack(ae.ones(3), ae.ones(3, dtype=np.int32))
    assert ae.lu_unpack(lu.double(), pivots).P.dtype == F64


def test_solves():
    B = t64([[1.0, 2.0], [3.0, 4.0]], grad=False)
    L = t64([[2.0, 0.0], [1.0, 3.0]], grad=False)
    U = t64([[2.0, 1.0], [0.0, 4.0]], grad=False)
    assert np.allclose(values(ae.cholesky_solve(B, L)), [[1 / 9, 1 / 3], [5 / 18, 1 / 3]])
    assert np.allclose(values(B.cholesky_solve(L.mT, upper=True)), [[1 / 9, 1 / 3],
                                                                    [5 / 18, 1 / 3]])
    assert np.allclose(values(ae.cholesky_inverse(L)), [[5 / 18, -1 / 18], [-1 / 18, 1 / 9]])
    assert values(ae.linalg.solve_triangular(U, B, upper=True)) == [[0.125, 0.5], [0.75, 1.0]]
    assert values(ae.linalg.solve_triangular(U, B, upper=True, left=False)) == \
        [[0.5, 0.375], [1.5, 0.625]]
    assert values(ae.linalg.solve_triangular(U, B, upper=True, unitriangular=True)) == \
        [[-2.0, -2.0], [3.0, 4.0]]
    with pytest.warns(UserWarning, match="deprecated"):
        solution, clone = ae.triangular_solve(B, U, transpose=True)
    assert values(solution) == [[0.5, 1.0], [0.625, 0.75]] and values(clone) == values(U)
    lu, pivots = ae.linalg.lu_factor(t64(A3, grad=False))
    rhs = t64([[1.0], [2.0], [3.0]], grad=False)
    assert np.allclose(values(ae.linalg.lu_solve(lu, pivots, rhs)), [[-1], [-1], [4]])
    assert np.allclose(values(ae.linalg.lu_solve(lu, pivots, rhs, adjoint=True)),
                       [[-1.25], [1.9375], [2.125]])
    with pytest.warns(UserWarning):
        assert np.allclose(values(rhs.lu_solve(lu, pivots)), [[-1], [-1], [4]])
    assert ae.linalg.solve_triangular(U, ae.ones(2, 1, dtype=np.float32), upper=True).dtype \
        == F64  # B takes A's dtype
    with np.errstate(divide="ignore", invalid="ignore"):
        singular = ae.cholesky_solve(ae.tensor([[1.0], [2.0]]), ae.tensor([[0.0, 0.0],
                                                                           [1.0, 1.0]]))
    assert values(singular) == [[np.inf], [-np.inf]]


def test_solver_errors():
    b, l = ae.tensor([[1.0], [2.0]]), ae.eye(2)
    with pytest.raises(RuntimeError, match="b should have at least 2 dimensions"):
        ae.cholesky_solve(ae.ones(2), l)
    with pytest.raises(RuntimeError, match="square matrices"):
        ae.cholesky_solve(b, ae.ones(2, 3))
    with pytest.raises(RuntimeError, match="same dtype"):
        ae.cholesky_solve(b.double(), l)
    with pytest.raises(RuntimeError, match="Incompatible matrix sizes for cholesky_solve"):
        ae.cholesky_solve(ae.ones(3, 1), l)
    with pytest.raises(NotImplementedError):
        ae.cholesky_solve(b.long(), l.long())
    with pytest.raises(ae.linalg.LinAlgError, match="diagonal element 1 is zero"):
        ae.cholesky_inverse(ae.zeros(2, 2))
    with pytest.raises(NotImplementedError):
        ae.cholesky_inverse(ae.ones(2, 2, dtype=np.int64))
    with pytest.raises(TypeError):
        ae.linalg.solve_triangular(l, b)  # upper is required
    with pytest.raises(RuntimeError, match="Incompatible shapes of A and B for the equation XA"):
        ae.linalg.solve_triangular(l, ae.ones(2, 3), upper=True, left=False)
    with pytest.raises(NotImplementedError):
        ae.linalg.solve_triangular(l.long(), b.long(), upper=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="Incompatible matrix sizes for triangular"):
            ae.triangular_solve(ae.ones(3, 1), l)
    lu, pivots = ae.linalg.lu_factor(ae.tensor([[4.0, 1.0], [1.0, 3.0]]))
    with pytest.raises(RuntimeError, match="torch.int32"):
        ae.linalg.lu_solve(lu, pivots.long(), b)
    with pytest.raises(RuntimeError, match="same dtype"):
        ae.linalg.lu_solve(lu, pivots, b.double())
    with pytest.raises(RuntimeError, match="Number of pivots"):
        ae.linalg.lu_solve(lu, ae.tensor([1], dtype=np.int32), b)
    with pytest.raises(RuntimeError, match="smaller or equal to LU.size"):
        ae.linalg.lu_solve(lu, ae.tensor([3, 3], dtype=np.int32), b)


SOLVER_CASES = {
    "lu": (lambda a: tuple(ae.linalg.lu(a))[1:], lambda: (t64(np.random.default_rng(0)
                                                                .standard_normal((3, 4))),)),
    "lu_factor tall": (lambda a: ae.linalg.lu_factor(a).LU,
                       lambda: (t64(np.random.default_rng(1).standard_normal((4, 2))),)),
    "lu_solve left adjoint": (
        lambda a, b: ae.linalg.lu_solve(*ae.linalg.lu_factor(a), b, left=False, adjoint=True),
        lambda: (t64(np.array(A3) + 3 * np.eye(3)), t64(np.arange(6.0).reshape(2, 3)))),
    "solve_triangular unit": (
        lambda a, b: ae.linalg.solve_triangular(a, b, upper=False, unitriangular=True),
        lambda: (t64(np.tril(np.ones((3, 3))) + np.eye(3)), t64(np.ones((3, 2))))),
    "triangular_solve": (
        lambda a, b: tuple(ae.triangular_solve(b, a, upper=True, transpose=True)),
        lambda: (t64(np.triu(np.ones((3, 3))) + 2 * np.eye(3)), t64(np.ones((2, 3, 1))))),
    "cholesky_solve": (lambda l, b: ae.cholesky_solve(b, ae.tril(l)),
                       lambda: (t64(np.tril(np.ones((3, 3))) + 2 * np.eye(3)),
                                t64(np.arange(6.0).reshape(3, 2)))),
    "cholesky_inverse": (lambda u: ae.cholesky_inverse(ae.triu(u), upper=True),
                         lambda: (t64(np.triu(np.ones((3, 3))) + 2 * np.eye(3)),)),
}


@pytest.mark.parametrize("name", sorted(SOLVER_CASES))
def test_solver_gradients(name):
    fn, inputs = SOLVER_CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert gradcheck(fn, inputs())
        assert gradgradcheck(fn, inputs())


def test_cholesky_solve_factor_gradient_is_torchs_full_matrix():
    # torch's gradient for the factor covers every entry (that of L L^T): -(G X^T + X G^T) L
    l = t64([[2.0, 0.0], [1.0, 3.0]])
    b = t64([[1.0], [2.0]], grad=False)
    ae.cholesky_solve(b, l).sum().backward()
    assert l.grad.data[0, 1] != 0.0


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.lists(st.integers(1, 2), max_size=2))
def test_lu_reconstructs(m, n, batch):
    a = np.random.default_rng(m * 10 + n).standard_normal(tuple(batch) + (m, n))
    p, l, u = ae.linalg.lu(ae.tensor(a, dtype=F64))
    assert np.allclose((p @ l @ u).numpy(), a)
    assert np.allclose(np.tril(l.numpy(), -1) + np.eye(m, min(m, n)), l.numpy())
    assert np.all(np.abs(np.tril(l.numpy(), -1)) <= 1 + 1e-12)  # partial pivoting


# -- nn ops at the top level -----------------------------------------------------------------
def test_dropouts():
    x = ae.randn(2, 3)
    for op in (ae.dropout, ae.alpha_dropout, ae.feature_alpha_dropout):
        with pytest.raises(RuntimeError, match="between 0 and 1, but got 1.5"):
            op(x, 1.5, False)
        with pytest.raises(RuntimeError):
            op(x, -0.1, True)
        assert op(x, 0.5, False) is x and op(x, 0.0, True) is x
        with pytest.raises(TypeError):
            op(x, 0.5)  # train is required
        assert values(op(x, 1.0, True)) == [[0.0] * 3] * 2
    assert values(ae.dropout(x, p=0.2, train=False)) == values(x)
    with pytest.raises(RuntimeError):
        ae.feature_alpha_dropout(ae.ones(3), 0.5, True)


def test_losses_take_an_int_reduction():
    x, y = ae.tensor([[0.5, -1.0], [2.0, 0.25]]), ae.tensor([[0.2, 0.3], [0.1, 0.4]])
    none = ae.kl_div(x, y)  # PyTorch's binding defaults to 0 (none)
    assert none.shape == (2, 2)
    assert np.allclose(values(none), [[-0.4219, -0.0612], [-0.4303, -0.4665]], atol=1e-4)
    assert ae.kl_div(x, y, 1).item() == pytest.approx(-0.3450, abs=1e-4)
    assert ae.kl_div(x, y, 2).item() == pytest.approx(-1.3799, abs=1e-4)
    assert ae.kl_div(x, y, 3).shape == (2, 2) and ae.kl_div(x, y, -1).shape == (2, 2)
    assert ae.kl_div(x, y, reduction=1, log_target=True).item() == pytest.approx(-0.1219,
                                                                                 abs=1e-4)
    with pytest.raises(TypeError, match="must be int, not str"):
        ae.kl_div(x, y, "mean")
    with pytest.raises(TypeError):
        ae.kl_div(x, y, 1, True)  # log_target is keyword-only
    assert ae.binary_cross_entropy_with_logits(x, y, None, None, 2).item() == \
        pytest.approx(4.1402, abs=1e-4)
    assert ae.binary_cross_entropy_with_logits(x, y).shape == (2, 2)
    assert values(ae.margin_ranking_loss(x, y, ae.ones(2, 2), 0.1, 0))[0][1] == \
        pytest.approx(1.4)
    assert ae.hinge_embedding_loss(x, ae.tensor([[1.0, -1], [1, 1]])).shape == (2, 2)
    assert np.allclose(values(ae.cosine_embedding_loss(x, y, ae.tensor([1.0, -1]))),
                       [1.4961, 0.3610], atol=1e-4)
    assert np.allclose(values(ae.triplet_margin_loss(x, y, x * 2)), [1.2161, 0.8903],
                       atol=1e-4)
    assert ae.poisson_nll_loss(x, y, True, False, 1e-8, 1).item() == pytest.approx(2.6474,
                                                                                   abs=1e-4)
    with pytest.raises(TypeError):
        ae.poisson_nll_loss(x, y)
    log_probs = ae.randn(5, 1, 3).log_softmax(2)
    assert ae.ctc_loss(log_probs, ae.tensor([[1, 2]]), [5], [2]).shape == (1,)
    assert ae.ctc_loss(log_probs, ae.tensor([[1, 2]]), [5], [2], 0, 1).shape == ()


def test_normalisation_argument_orders():
    x = ae.arange(12.0).reshape(1, 2, 6)
    expected = [-1.4638, -0.8783]
    assert np.allclose(values(ae.layer_norm(x, (6,)))[0][0][:2], expected, atol=1e-4)
    assert np.allclose(values(ae.group_norm(x, 2))[0][0][:2], expected, atol=1e-4)
    assert np.allclose(values(ae.batch_norm(x, None, None, None, None, True, 0.1, 1e-5,
                                            False))[0][0][:2], expected, atol=1e-4)
    assert np.allclose(values(ae.instance_norm(x, None, None, None, None, True, 0.1, 1e-5,
                                               False))[0][0][:2], expected, atol=1e-4)
    with pytest.raises(RuntimeError, match="running_mean"):
        ae.batch_norm(x, None, None, None, None, False, 0.1, 1e-5, False)
    assert np.allclose(values(ae.rms_norm(x, (6,)))[0][0][:2], [0.0, 0.3303], atol=1e-4)


def test_embedding_takes_weight_first():
    w = ae.tensor(np.arange(15.0).reshape(5, 3), requires_grad=True)
    idx = ae.tensor([0, 2, 4, 2])
    assert values(ae.embedding(w, idx))[1] == [6.0, 7.0, 8.0]
    with pytest.raises(RuntimeError, match="'weight' must be 2-D"):
        ae.embedding(idx, w)
    with pytest.raises(RuntimeError, match="Long, Int"):
        ae.embedding(w, idx.float())
    for padding, expected in ((2, [1, 0, 0, 0, 1]), (-1, [1, 0, 2, 0, 1]),
                              (7, [1, 0, 2, 0, 1])):
        w.grad = None
        ae.embedding(w, idx, padding).sum().backward()
        assert [row[0] for row in values(w.grad)] == expected


def test_embedding_bag_bookkeeping():
    w = ae.tensor(np.random.default_rng(1).standard_normal((5, 3)), dtype=np.float32)
    idx, off = ae.tensor([0, 2, 4, 2, 1]), ae.tensor([0, 0, 3])
    expected = {  # (mode, padding_idx): PyTorch's offset2bag, bag_size, max_indices
        (0, None): ([], [0, 0, 0], [0, 0, 0]),
        (0, 2): ([1, 1, 1, 2, 2], [0, 0, 0], [0, 0, 0]),
        (1, None): ([1, 1, 1, 2, 2], [0, 3, 2], [0, 3, 2]),
        (1, 2): ([1, 1, 1, 2, 2], [0, 2, 1], [0, 2, 1]),
        (1, -1): ([1, 1, 1, 2, 2], [0, 2, 2], [0, 2, 2]),
    }
    for (mode, padding), (offset2bag, bag_size, max_indices) in expected.items():
        out = ae.embedding_bag(w, idx, off, False, mode, False, None, False, padding)
        assert [values(o) for o in out[1:]] == [offset2bag, bag_size, max_indices]
        assert all(o.dtype == np.int64 for o in out[1:])
    w2 = ae.tensor([[1.0, float("nan"), 2.0], [3.0, 1.0, float("nan")], [0.0, 0.0, 0.0]])
    out = ae.embedding_bag(w2, ae.tensor([0, 1, 2]), ae.tensor([0]), False, 2)
    assert values(out[3]) == [[1, 0, 0]]
    out = ae.embedding_bag(w2, ae.tensor([2, 2, 1]), ae.tensor([0, 2]), False, 2, False, None,
                           False, 2)
    assert values(out[2]) == [0, 1] and values(out[3]) == [[0, 0, 0], [1, 1, 1]]
    out = ae.embedding_bag(w, idx, off, False, 0, False, None, True)
    assert out[0].shape == (2, 3) and values(out[2]) == [0, 0, 0]
    with pytest.raises(RuntimeError, match="within the number of embeddings"):
        ae.embedding_bag(w, idx, off, False, 0, False, None, False, 7)
    with pytest.raises(RuntimeError, match="`mode` must be sum, mean, or max"):
        ae.embedding_bag(w, idx, off, False, 3)
    with pytest.raises(TypeError):
        ae.embedding_bag(w, idx, None)
    with pytest.raises(RuntimeError, match="1D"):
        ae.embedding_bag(w, idx, ae.tensor([[0, 1]]))


def test_pools_activations_padding():
    x = ae.arange(12.0).reshape(1, 2, 6)
    for stride in ((), [], None):
        assert values(ae.max_pool1d(x, 2, stride)) == [[[1, 3, 5], [7, 9, 11]]]
    values_, indices = ae.max_pool1d_with_indices(x, 3, 2)
    assert values(values_) == [[[2, 4], [8, 10]]] and values(indices) == [[[2, 4], [2, 4]]]
    assert values(ae.avg_pool1d(x, 2, [])) == [[[0.5, 2.5, 4.5], [6.5, 8.5, 10.5]]]
    pooled = ae.adaptive_max_pool1d(x, 4)
    assert isinstance(pooled, tuple) and values(pooled[1]) == [[[1, 2, 4, 5]] * 2]
    assert values(ae.adaptive_avg_pool1d(x, 4))[0][0] == [0.5, 1.5, 3.5, 4.5]
    assert values(ae.max_pool2d(x, 2)) == [[[7, 9, 11]]]
    assert ae.max_pool3d(x.unsqueeze(0), 1).shape == (1, 1, 2, 6)
    with pytest.raises(TypeError):
        ae.max_pool1d(x, 2, (), 0, 1, False, True)  # no return_indices at the top level
    with pytest.raises(TypeError):
        ae.selu(x, True)
    assert values(ae.threshold(x, 3, -1.0))[0][0] == [-1, -1, -1, -1, 4, 5]
    assert values(ae.hardshrink(x - 5, 2))[0][0] == [-5, -4, -3, 0, 0, 0]
    assert np.allclose(values(ae.rrelu(x - 5))[0][0][:2], [-1.1458, -0.9167], atol=1e-4)
    g1, g2 = ae.Generator().manual_seed(3), ae.Generator().manual_seed(3)
    assert values(ae.rrelu(x - 5, training=True, generator=g1)) == \
        values(ae.rrelu(x - 5, training=True, generator=g2))
    assert values(ae.prelu(x - 5, ae.tensor([0.1, 0.2]))[0, :, :2]) == \
        [[-0.5, -0.4000000059604645], [1.0, 2.0]]
    assert values(ae.constant_pad_nd(ae.arange(3), (1, 1), 2.5)) == [2, 0, 1, 2, 2]
    with pytest.raises(RuntimeError, match="Length of pad must be even"):
        ae.constant_pad_nd(x, (1,))
    assert values(ae.pixel_shuffle(ae.arange(8.0).reshape(1, 4, 1, 2), 2)) == \
        [[[[0, 2, 1, 3], [4, 6, 5, 7]]]]
    assert values(ae.channel_shuffle(ae.arange(4.0).reshape(1, 4, 1), 2)) == \
        [[[0], [2], [1], [3]]]
    assert values(ae.conv_transpose1d(x, ae.ones(2, 1, 3))) == \
        [[[6, 14, 24, 30, 36, 42, 30, 16]]]


def test_top_level_nn_gradients():
    x = t64(np.random.default_rng(0).standard_normal((2, 3, 5)))
    w = t64(np.random.default_rng(1).standard_normal((4, 3)))
    assert gradcheck(lambda x: ae.max_pool1d(x, 2, []), (x,))
    assert gradcheck(lambda x: ae.layer_norm(x, (5,)), (x,))
    target = t64(np.random.default_rng(2).uniform(0.1, 1.0, (2, 3, 5)), grad=False)
    assert gradcheck(lambda x: ae.kl_div(x, target, 1), (x,))
    assert gradcheck(lambda x: ae.celu(x, 2.0), (x,))
    assert gradcheck(lambda w: ae.embedding(w, ae.tensor([0, 3, 3]), 1), (w,))
    assert gradcheck(lambda w: ae.embedding_bag(w, ae.tensor([0, 3, 1]), ae.tensor([0, 2]),
                                                False, 1)[0], (w,))


# -- Tensor methods --------------------------------------------------------------------------
def test_arrangement_methods():
    x = ae.arange(12.0).reshape(3, 4)
    assert x.unflatten(1, (2, 2)).shape == (3, 2, 2)
    assert values(x.narrow_copy(1, 1, 2))[0] == [1, 2]
    assert x.rot90(1, [0, 1]).shape == (4, 3) and x.msort().shape == (3, 4)
    assert values(x.fliplr())[0] == [3, 2, 1, 0] and values(x.flipud())[0] == [8, 9, 10, 11]
    assert values(ae.tensor([1.0, 2.0]).diagflat(1)) == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
    assert ae.ones(2, 2, 2).dsplit(2)[0].shape == (2, 2, 1)
    assert values(x.hardshrink(5))[1] == [0, 0, 6, 7]
    assert values(x.prelu(ae.tensor([0.5]))) == values(x)


def test_metadata_methods():
    x = ae.arange(12.0).reshape(3, 4)
    assert x.storage_offset() == 0 and x[1:].storage_offset() == 4
    assert x[:, 2].storage_offset() == 2 and x.t()[1].storage_offset() == 1
    assert x.reshape(-1)[5:].storage_offset() == 5 and ae.ones(0).storage_offset() == 0
    assert ae.ones(0).data_ptr() == 0 and x[1:].data_ptr() - x.data_ptr() == 16
    p = ae.ones(3, requires_grad=True)
    assert p.output_nr == 0 and (p * 2).unbind()[2].output_nr == 2
    assert ae.tensor([0.0]).is_nonzero() is False
    with pytest.raises(RuntimeError):
        ae.tensor([]).is_nonzero()
    assert values(ae.tensor([1.7, -1.2, 300.0]).byte()) == [1, 255, 44]
    assert ae.tensor([1.7]).byte().dtype == np.uint8
    assert values(ae.tensor([1.7, -1.2, 200.0]).char()) == [1, -1, -56]
    assert values(ae.tensor([1.7, -1.2, 40000.0]).short()) == [1, -1, -25536]
    assert not p.short().requires_grad


def test_new():
    x = ae.ones(2, 3)
    assert x.new().shape == (0,) and x.new().dtype == np.float32
    assert x.new(2, 3).shape == (2, 3) and x.new(size=(2,)).shape == (2,)
    assert values(x.new([1, 2])) == [1.0, 2.0] and x.new((2, 3)).shape == (2,)
    assert values(ae.tensor([1]).new([1.5])) == [1]
    assert x.new(np.int64(3)).shape == (3,)
    alias = x.new(x)
    assert alias is not x and np.shares_memory(alias.data, x.data)
    assert x.new(ae.ones(2, 3, requires_grad=True) * 2).grad_fn is not None
    for bad in (2.5, True, ae.tensor([1, 2])):
        with pytest.raises(TypeError):
            x.new(bad)
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        x.new(-1)
    with pytest.raises(TypeError):
        x.new(3, dtype=np.int64)


def test_apply_and_map():
    y = ae.tensor([1.0, 2.0, 3.0])
    assert y.apply_(lambda v: v * 2) is y and values(y) == [2, 4, 6]
    with pytest.raises(TypeError, match="must be real number, not str"):
        y.apply_(lambda v: "a")
    with pytest.raises(RuntimeError, match="Can't call apply_\\(\\) on Variable"):
        ae.ones(2, requires_grad=True).apply_(lambda v: v)
    assert values(ae.tensor([1, 2]).apply_(lambda v: v * 1.7)) == [1, 3]
    with pytest.raises(TypeError):
        ae.tensor([1, 2]).apply_(lambda v: None)
    z = ae.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert values(z.map_(ae.tensor([10.0, 20.0]), lambda a, b: a + b)) == [[11, 22], [13, 24]]
    with pytest.raises(RuntimeError):
        z.map_(ae.tensor([1.0, 2.0, 3.0]), lambda a, b: a)
    with pytest.raises(TypeError, match="map_: expected"):
        z.map_(ae.tensor([1, 2]), lambda a, b: a + b)
    with pytest.raises(RuntimeError, match="Can't call map_\\(\\)"):
        ae.ones(2, requires_grad=True).map_(ae.ones(2), lambda a, b: a)


def test_resize():
    r = ae.arange(6.0)
    assert r.resize_(2, 3) is r and values(r) == [[0, 1, 2], [3, 4, 5]]
    assert values(r.resize_(4)) == [0, 1, 2, 3] and values(r.resize_((2, 2))) == [[0, 1],
                                                                                  [2, 3]]
    version = r._version
    assert r.resize_(7).shape == (7,) and values(r)[:6] == [0, 1, 2, 3, 4, 5]
    assert r._version > version
    t = ae.arange(6.0).reshape(2, 3).t()
    assert t.resize_(3, 2) is t and not t.is_contiguous()  # the same shape: unchanged
    assert values(t.resize_(6)) == [0, 1, 2, 3, 4, 5]  # memory order, as PyTorch
    v = ae.arange(6.0)
    w = v[2:]
    assert values(w.resize_(2)) == [2, 3] and w.storage_offset() == 2
    assert values(ae.arange(6.0).resize_as_(ae.ones(3, 2))) == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(TypeError):
        ae.arange(6.0).resize_as_(3)
    with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
        ae.ones(3, requires_grad=True).resize_(3)
    with pytest.raises(RuntimeError):
        ae.arange(6.0).resize_(-1)
    s = ae.arange(6.0)
    assert ae.resize_as_(s, ae.ones(2, 3)) is s and s.shape == (2, 3)


# -- the namespace ---------------------------------------------------------------------------
def test_names_load_lazily():
    script = ("import sys, autograd_engine as ae\n"
              "heavy = [m for m in ('autograd_engine.nn', 'autograd_engine.ops.conv', "
              "'autograd_engine.ops.aten_nn', 'autograd_engine.ops.solvers', "
              "'autograd_engine.ops.window_functions') if m in sys.modules]\n"
              "assert not heavy, heavy\n"
              "assert 'conv2d' in dir(ae) and 'hann_window' in dir(ae)\n"
              "ae.conv2d\n"
              "assert 'autograd_engine.ops.conv' in sys.modules\n"
              "assert 'autograd_engine.nn' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", script], check=True)
    with pytest.raises(AttributeError):
        ae.no_such_function
