"""autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) as PyTorch 2.13 defines it:
expected values, nesting and errors are PyTorch's, written as literals; Hessians are also
checked against analytic ones, and Jacobians of random shapes against finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.autograd import functional as F
from autograd_engine.autograd import grad, gradcheck, gradgradcheck
from autograd_engine.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def t(values, requires_grad=False):
    return ae.tensor(np.asarray(values, np.float64), requires_grad=requires_grad)


def values(x):
    return x.detach().data.tolist()


def test_import_paths():
    import autograd_engine.autograd.functional as module

    assert module is F is ae.autograd.functional
    assert ae.autograd.functional.jacobian is jacobian
    assert sorted(F.__all__) == ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


# -- nesting and shapes ------------------------------------------------------------------
def test_single_input_single_output_is_a_tensor_of_shape_out_plus_in():
    J = jacobian(lambda x: x.sum(dim=0) * 2, t(np.ones((2, 3))))
    assert isinstance(J, ae.Tensor) and J.shape == (3, 2, 3)
    assert values(J) == [[[2, 0, 0], [2, 0, 0]], [[0, 2, 0], [0, 2, 0]],
                         [[0, 0, 2], [0, 0, 2]]]


def test_tuple_inputs_and_outputs_nest_as_tuple_of_tuples():
    J = jacobian(lambda a, b: (a * b, (a @ b).reshape(1)), (t([1.0, 2.0]), t([3.0, 4.0])))
    assert type(J) is tuple and all(type(r) is tuple for r in J)
    assert [[values(j) for j in r] for r in J] == [
        [[[3.0, 0.0], [0.0, 4.0]], [[1.0, 0.0], [0.0, 2.0]]], [[[3.0, 4.0]], [[1.0, 2.0]]]]


def test_one_level_of_tuple_when_only_one_side_is_a_tuple():
    x = t([1.0, 2.0])
    by_output = jacobian(lambda x: (x * 2, x.sum()), x)
    by_input = jacobian(lambda x, y: x * y, (x, x))
    by_one_tuple = jacobian(lambda x: x * 3, (x,))
    assert type(by_output) is tuple and [j.shape for j in by_output] == [(2, 2), (2,)]
    assert type(by_input) is tuple and [j.shape for j in by_input] == [(2, 2), (2, 2)]
    assert type(by_one_tuple) is tuple and len(by_one_tuple) == 1


def test_forward_mode_nests_in_lists_with_the_outputs_dtype():
    """PyTorch's forward-mode Jacobian is a list (of lists), in each output's dtype."""
    J = jacobian(lambda a, b: (a * b, (a @ b).reshape(1)), (t([1.0, 2.0]), t([3.0, 4.0])),
                 vectorize=True, strategy="forward-mode")
    assert type(J) is list and all(type(r) is list for r in J)
    assert [[values(j) for j in r] for r in J] == [
        [[[3.0, 0.0], [0.0, 4.0]], [[1.0, 0.0], [0.0, 2.0]]], [[[3.0, 4.0]], [[1.0, 2.0]]]]
    x32 = ae.tensor([1.0, 2.0])
    assert jacobian(lambda x: x.double() * 2, x32).dtype == ae.float32  # reverse: input's
    assert jacobian(lambda x: x.double() * 2, x32, vectorize=True,
                    strategy="forward-mode").dtype == ae.float64
    ints = jacobian(lambda x: (x * 2).long(), x32, vectorize=True, strategy="forward-mode")
    assert ints.dtype == ae.int64 and values(ints) == [[0, 0], [0, 0]]


def test_hessian_of_two_inputs_nests_by_input_pairs():
    H = hessian(lambda x, y: (x ** 2).sum() * y.sum() + y.prod(),
                (t([1.0, 2.0]), t([3.0, 4.0, 5.0])))
    assert [[h.shape for h in r] for r in H] == [[(2, 2), (2, 3)], [(3, 2), (3, 3)]]
    np.testing.assert_allclose(H[0][0].data, [[24, 0], [0, 24]])
    np.testing.assert_allclose(H[0][1].data, [[2, 2, 2], [4, 4, 4]])
    np.testing.assert_allclose(H[1][0].data, [[2, 4], [2, 4], [2, 4]])
    np.testing.assert_allclose(H[1][1].data, [[0, 5, 4], [5, 0, 3], [4, 3, 0]], atol=1e-12)


def test_jvp_and_vjp_shapes_follow_outputs_and_inputs():
    out, g = jvp(lambda x: (x[0, 0] * x[0, 1], x ** 2), t([[1.0, 2.0]]), t([[1.0, -1.0]]))
    assert values(out[0]) == 2.0 and values(out[1]) == [[1.0, 4.0]]
    assert values(g[0]) == 1.0 and values(g[1]) == [[2.0, -4.0]]
    out, g = vjp(lambda x, y: (x @ y).sum(), (t([[1.0, 2.0]]), t([[3.0], [4.0]])))
    assert values(out) == 11.0 and values(g[0]) == [[3.0, 4.0]] and values(g[1]) == [[1.0],
                                                                                     [2.0]]


# -- values ------------------------------------------------------------------------------
def test_hessian_matches_the_analytic_one():
    """f(x) = x^T A x / 2 + sum(exp(x)) + (x0 x1)^2: H = (A + A^T) / 2 + diag(exp(x)) + the
    (x0 x1)^2 block."""
    rng = np.random.default_rng(1)
    A, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    a = t(A)

    def f(v):
        return (v @ (a @ v)) / 2 + ae.exp(v).sum() + (v[0] * v[1]) ** 2

    expected = (A + A.T) / 2 + np.diag(np.exp(x))
    expected[:2, :2] += [[2 * x[1] ** 2, 4 * x[0] * x[1]], [4 * x[0] * x[1], 2 * x[0] ** 2]]
    for flags in ({}, {"vectorize": True}, {"vectorize": True,
                                            "outer_jacobian_strategy": "forward-mode"}):
        np.testing.assert_allclose(hessian(f, t(x), **flags).data, expected, rtol=1e-12)
    v = rng.standard_normal(4)
    for op in (hvp, vhp):
        out, hv = op(f, t(x), t(v))
        np.testing.assert_allclose(hv.data, expected @ v, rtol=1e-12)
        np.testing.assert_allclose(out.data, f(t(x)).data)


def test_rosenbrock_hessian():
    x, y = 1.5, -0.5
    H = hessian(lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2, t([x, y]))
    expected = [[2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x], [-400 * x, 200]]
    np.testing.assert_allclose(H.data, expected, rtol=1e-12)


def test_nan_patterns_follow_each_strategy():
    """sqrt at 0: PyTorch's vectorized rows leak 0 * inf into the other output; forward mode
    puts the NaNs in columns."""
    x = t([0.0, 1.0, 4.0])

    def f(x):
        return x * 2, x.sqrt()

    inf, nan = np.inf, np.nan
    rows = [[inf, 0, 0], [nan, 0.5, 0], [nan, 0, 0.25]]
    expected = {
        "rows": ([[2, 0, 0], [0, 2, 0], [0, 0, 2]], rows),
        "vectorize": ([[nan, 0, 0], [nan, 2, 0], [nan, 0, 2]], rows),
        "forward": ([[2, 0, 0], [0, 2, 0], [0, 0, 2]],
                    [[inf, nan, nan], [0, 0.5, 0], [0, 0, 0.25]]),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        got = {"rows": jacobian(f, x), "vectorize": jacobian(f, x, vectorize=True),
               "forward": jacobian(f, x, vectorize=True, strategy="forward-mode")}
    for key, (j0, j1) in expected.items():
        np.testing.assert_array_equal(got[key][0].data, j0, err_msg=key)
        np.testing.assert_array_equal(got[key][1].data, j1, err_msg=key)


def test_independent_inputs_and_outputs_give_zeros():
    x, y = t([1.0, 2.0]), t([3.0])
    J = jacobian(lambda a, b: (a * 2, a.detach()), (x, y))
    assert values(J[0][1]) == [[0.0], [0.0]] and values(J[1][0]) == [[0, 0], [0, 0]]
    _, g = vjp(lambda a, b: a * 2, (x, y), x)
    assert values(g[1]) == [0.0]
    _, g = jvp(lambda a: (a * 2, y * 1), x, x)
    assert values(g[1]) == [0.0]
    assert values(hessian(lambda a: a.sum() * 2, x)) == [[0, 0], [0, 0]]
    _, g = hvp(lambda a, b: (a * a).sum(), (x, y), (x, y))
    assert values(g[1]) == [0.0]


def test_integer_outputs_have_zero_jacobians_in_the_inputs_dtype():
    J = jacobian(lambda x: (x * 2).long(), t([1.0, 2.0]))
    assert J.dtype == ae.float64 and values(J) == [[0, 0], [0, 0]]
    out, g = vjp(lambda x: (x * 2).long(), t([0.0, 1.0]), ae.tensor([1, 1]))
    assert out.dtype == ae.int64 and values(g) == [0.0, 0.0]


def test_captured_tensor_is_a_constant():
    """func receives new Tensors: the caller's tensor, used directly, is not differentiated."""
    x = t([1.0, 2.0], requires_grad=True)
    assert values(jacobian(lambda y: y * x, x)) == [[1.0, 0.0], [0.0, 2.0]]
    assert x.grad is None and x.requires_grad and x.grad_fn is None


def test_single_element_v_may_be_omitted():
    _, g = vjp(lambda x: (x * 2).sum().reshape(1, 1), t([1.0, 2.0]))
    assert values(g) == [2.0, 2.0]
    out, g = jvp(lambda x: x * 2, t([3.0]))
    assert values(g) == [2.0]
    out, g = vhp(lambda x: (x ** 3).sum(), t([3.0]))
    assert values(out) == 27.0 and values(g) == [18.0]
    assert values(hvp(lambda x: (x ** 3).sum(), t([[3.0]]))[1]) == [[18.0]]


# -- create_graph ------------------------------------------------------------------------
def test_results_do_not_require_grad_without_create_graph():
    x = t([1.0, 2.0], requires_grad=True)
    results = [jacobian(lambda y: y ** 3, x), hessian(lambda y: (y ** 3).sum(), x),
               *vjp(lambda y: y ** 3, x, x), *jvp(lambda y: y ** 3, x, x),
               *hvp(lambda y: (y ** 3).sum(), x, x), *vhp(lambda y: (y ** 3).sum(), x, x),
               jacobian(lambda y: y ** 3, x, vectorize=True)]
    assert not any(r.requires_grad for r in results)


def test_create_graph_results_differentiate_to_the_inputs():
    """d/dx of sum(J) for J = jacobian(x^3 * sum(x)) and the like; values are PyTorch's."""
    x = t([1.0, 2.0], requires_grad=True)
    J = jacobian(lambda y: y ** 3 * y.sum(), x, create_graph=True)
    assert values(J) == [[10.0, 1.0], [8.0, 44.0]] and J.requires_grad
    assert values(grad(J.sum(), x)[0]) == [39.0, 75.0]
    H = hessian(lambda y: (y ** 4).sum(), x, create_graph=True)
    assert values(grad(H.sum(), x)[0]) == [24.0, 48.0]
    for op in (hvp, vhp):
        _, hv = op(lambda y: (y ** 4).sum(), x, t([1.0, 1.0]), create_graph=True)
        assert values(grad(hv.sum(), x)[0]) == [24.0, 48.0]
    _, jv = jvp(lambda y: y ** 3, x, t([1.0, 1.0]), create_graph=True)
    assert values(grad(jv.sum(), x)[0]) == [6.0, 12.0]
    _, vj = vjp(lambda y: y ** 2, x, t([1.0, 1.0]), create_graph=True)
    assert values(grad(vj.sum(), x)[0]) == [2.0, 2.0]


def test_create_graph_without_inputs_requiring_grad_still_records():
    out, g = vjp(lambda y: y ** 2, t([0.0, 1.0]), t([1.0, 1.0]), create_graph=True)
    assert out.requires_grad and g.requires_grad


def test_create_graph_inside_no_grad():
    x = t([1.0, 2.0], requires_grad=True)
    with ae.no_grad():
        assert not jacobian(lambda y: y ** 2, x).requires_grad
        assert jacobian(lambda y: y ** 2, x, create_graph=True).requires_grad


def test_forward_mode_is_differentiable_when_an_input_requires_grad():
    x = t([1.0, 2.0], requires_grad=True)
    J = jacobian(lambda y: y ** 3, x, vectorize=True, strategy="forward-mode")
    assert J.requires_grad and values(grad(J.sum(), x)[0]) == [6.0, 12.0]
    assert not jacobian(lambda y: y ** 3, x.detach(), vectorize=True,
                        strategy="forward-mode").requires_grad


def test_functional_results_pass_gradcheck_and_gradgradcheck():
    x = t([0.3, -0.7, 1.1], requires_grad=True)
    v = t([1.0, 0.5, -2.0])

    def f(y):
        return ae.tanh(y) * y.sum()

    def scalar(y):
        return (ae.sin(y) * y ** 2).sum()

    assert gradcheck(lambda y: jacobian(f, y, create_graph=True), (x,))
    assert gradcheck(lambda y: hessian(scalar, y, create_graph=True), (x,))
    for op, fun in ((vjp, f), (jvp, f), (hvp, scalar), (vhp, scalar)):
        assert gradcheck(lambda y: op(fun, y, v, create_graph=True)[1], (x,))
        assert gradgradcheck(lambda y: op(fun, y, v, create_graph=True)[1], (x,))


# -- random shapes against finite differences ----------------------------------------------
@st.composite
def broadcast_pair(draw):
    sx = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
    suffix = sx[len(sx) - draw(st.integers(0, len(sx))):]
    sy = tuple(1 if draw(st.booleans()) else n for n in suffix)
    return (sx, sy) if draw(st.booleans()) else (sy, sx)


def numeric_jacobian(f, arrays, out_index, in_index, eps=1e-6):
    base = [a.copy() for a in arrays]
    out_shape = np.shape(f(*base)[out_index])
    J = np.zeros(out_shape + arrays[in_index].shape)
    for k in np.ndindex(arrays[in_index].shape):
        plus, minus = [a.copy() for a in base], [a.copy() for a in base]
        plus[in_index][k] += eps
        minus[in_index][k] -= eps
        J[(...,) + k] = (f(*plus)[out_index] - f(*minus)[out_index]) / (2 * eps)
    return J


@settings(max_examples=30)
@given(broadcast_pair(), st.sampled_from([{}, {"vectorize": True},
                                          {"vectorize": True, "strategy": "forward-mode"}]))
def test_jacobian_of_random_shapes_matches_finite_differences(shapes, flags):
    rng = np.random.default_rng(len(shapes[0]) * 10 + len(shapes[1]))
    xs, ys = (rng.standard_normal(s) for s in shapes)
    J = jacobian(lambda a, b: (a * ae.tanh(b), (a - b).sum()), (t(xs), t(ys)), **flags)

    def reference(a, b):
        return a * np.tanh(b), np.sum(a - b)

    out_shape = np.broadcast_shapes(xs.shape, ys.shape)
    for i, shape in enumerate((out_shape, ())):
        for j, arr in enumerate((xs, ys)):
            assert J[i][j].shape == shape + arr.shape
            np.testing.assert_allclose(J[i][j].data, numeric_jacobian(reference, [xs, ys], i, j),
                                       rtol=1e-6, atol=1e-8)


# -- errors: PyTorch's types and messages ------------------------------------------------
X = t([1.0, 2.0])
PAIR = (X, t([2.0, 3.0]))

ERRORS = [
    (lambda: jacobian(lambda x: x, [X]), TypeError,
     r"The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the "
     r"given inputs has type <class 'list'>\."),
    (lambda: jacobian(lambda x, y: x, (X, 3)), TypeError,
     r"but the value at index 1 has type <class 'int'>"),
    (lambda: jacobian(lambda x: [x], X), TypeError,
     r"The outputs of the user-provided function given to jacobian must be either a Tensor "
     r"or a tuple of Tensors"),
    (lambda: hessian(lambda x: 3, X), TypeError,
     r"outputs of the user-provided function given to hessian"),
    (lambda: jacobian(lambda x: 3, X, vectorize=True, strategy="forward-mode"), TypeError,
     r"The outputs given to None must be"),
    (lambda: jacobian(lambda x: x * 2, ae.tensor([1, 2])), RuntimeError,
     r"only Tensors of floating point dtype can require gradients"),
    (lambda: jacobian(lambda x, y: x * 2, PAIR, strict=True), RuntimeError,
     r"Output 0 of the user-provided function is independent of input 1\. This is not "
     r"allowed in strict mode\."),
    (lambda: jacobian(lambda x: x.detach(), X, strict=True), RuntimeError,
     r"Output 0 of the user-provided function does not require gradients\. The outputs must "
     r"be computed in a differentiable manner"),
    (lambda: jacobian(lambda x: x * 2, X, strict=True, create_graph=True), RuntimeError,
     r"The jacobian of the user-provided function is independent of input 0\. This is not "
     r"allowed in strict mode when create_graph=True\."),
    (lambda: jacobian(lambda x: x * x, X, strict=True, vectorize=True), RuntimeError,
     r"`strict=True` and `vectorized=True` are not supported together"),
    (lambda: jacobian(lambda x: (x[:0], x), X), RuntimeError,
     r"output 0 has no elements.*stack expects a non-empty TensorList"),
    (lambda: jacobian(lambda x: x, X, strategy="backward"), AssertionError,
     r'Expected strategy to be either "forward-mode" or "reverse-mode"\. Hint'),
    (lambda: jacobian(lambda x: x, X, strategy="forward-mode"), NotImplementedError,
     r"only implemented for `vectorize=True`"),
    (lambda: jacobian(lambda x: x, X, strict=True, strategy="forward-mode"), RuntimeError,
     r'`strict=True` and `strategy="forward-mode"` are not supported together \(yet\)'),
    (lambda: jacobian(lambda x: x, X, create_graph=True, strategy="forward-mode"),
     NotImplementedError,
     r'`create_graph=True` and `strategy="forward-mode"` are not supported together'),
    (lambda: hessian(lambda x: x.sum(), X, outer_jacobian_strategy="x"), AssertionError,
     r'Expected strategy to be either "forward-mode" or "reverse-mode"\.$'),
    (lambda: hessian(lambda x: (x ** 3).sum(), X, outer_jacobian_strategy="forward-mode"),
     NotImplementedError, r"forward-over-reverse Hessian"),
    (lambda: hessian(lambda x: ((x ** 3).sum(),), X), RuntimeError,
     r"The function given to hessian should return a single Tensor$"),
    (lambda: hessian(lambda x: x ** 3, X), RuntimeError,
     r"The Tensor returned by the function given to hessian should contain a single element"),
    (lambda: hessian(lambda x: x.sum() * 2, X, strict=True), RuntimeError,
     r"While computing the hessian, found that the jacobian of the user-provided function "
     r"with respect to input 0 is independent of the input"),
    (lambda: vjp(lambda x: x * 2, X), RuntimeError,
     r"The vector v can only be None if the user-provided function returns a single Tensor "
     r"with a single element\."),
    (lambda: vjp(lambda x: x * 2, X, 3), TypeError,
     r"The v given to vjp must be either a Tensor or a tuple of Tensors but the given v has "
     r"type <class 'int'>\."),
    (lambda: vjp(lambda x, y: x * 2, PAIR, X, strict=True), RuntimeError,
     r"The output of the user-provided function is independent of input 1\."),
    (lambda: jvp(lambda x: x * 2, X), RuntimeError,
     r"The vector v can only be None if the input to the user-provided function is a single "
     r"Tensor with a single element\."),
    (lambda: jvp(lambda x: x * 2, X, t([1.0, 2.0, 3.0])), RuntimeError,
     r"^v has invalid size: should be \(2,\) but got \(3,\)\.$"),
    (lambda: jvp(lambda x, y: x * y, PAIR, (X,)), RuntimeError,
     r"v is a tuple of invalid length: should be 2 but got 1\."),
    (lambda: jvp(lambda x, y: x * y, PAIR, (X, t([1.0]))), RuntimeError,
     r"Entry 1 in v has invalid size: should be \(2,\) but got \(1,\)\."),
    (lambda: jvp(lambda x: x * 2, X, (X, X)), RuntimeError,
     r"The given v should contain a single Tensor\."),
    (lambda: jvp(lambda x: (x * 2).long(), X, X), RuntimeError,
     r"only Tensors of floating point dtype can require gradients"),
    (lambda: jvp(lambda x: x * 2, X, X, strict=True, create_graph=True), RuntimeError,
     r"The jacobian of the user-provided function is independent of input 0\. This is not "
     r"allowed in strict mode when create_graph=True\."),
    (lambda: jvp(lambda x: (x * x, t([1.0]).requires_grad_()), X, X, strict=True),
     RuntimeError, r"The gradient with respect to the input is independent of entry 1 in the "
                   r"grad_outputs when using the double backward trick"),
    (lambda: hvp(lambda x: (x * 2).sum(), X, X, strict=True), RuntimeError,
     r"While computing the hessian, found that the jacobian"),
    (lambda: vhp(lambda x: (x * x).sum(), X, X, strict=True, create_graph=True), RuntimeError,
     r"The hessian of the user-provided function is independent of input 0\. This is not "
     r"allowed in strict mode when create_graph=True\."),
    (lambda: hvp(lambda x: (x * x).sum(), X, X, strict=True, create_graph=True), RuntimeError,
     r"The hessian of the user-provided function is independent of input 0\."),
    (lambda: hvp(lambda x: x * x, X, X), RuntimeError,
     r"The Tensor returned by the function given to hvp should contain a single element"),
    (lambda: vhp(lambda x: (x.sum(),), X, X), RuntimeError,
     r"The function given to vhp should return a single Tensor"),
    (lambda: hvp(lambda x: (x * x).sum(), X), RuntimeError,
     r"The vector v can only be None if the input to the user-provided function"),
]


@pytest.mark.parametrize("call, error, message", ERRORS)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_strict_passes_where_every_output_depends_on_every_input():
    _, g = jvp(lambda x: x.sum() * ae.ones(2, dtype=ae.float64), X, X, strict=True)
    assert values(g) == [3.0, 3.0]
    H = hessian(lambda x: (x ** 3).sum(), X, strict=True, create_graph=True)
    assert values(H) == [[6.0, 0.0], [0.0, 12.0]]


def test_vectorize_with_an_empty_output_gives_an_empty_block():
    J = jacobian(lambda x: (x[:0], x * 2), X, vectorize=True)
    assert J[0].shape == (0, 2) and values(J[1]) == [[2.0, 0.0], [0.0, 2.0]]
