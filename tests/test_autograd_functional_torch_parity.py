"""autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp) run on PyTorch and on
autograd_engine with the same code: values, shapes, dtypes, nesting (tuple or list),
requires_grad and exception types must agree."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3))
B = RNG.standard_normal((3, 2))
V3 = RNG.uniform(0.5, 1.5, 3)
V2 = RNG.standard_normal(2)


def tensor(m, array, requires_grad=False):
    return m.tensor(np.array(array), requires_grad=requires_grad)


def describe(value):
    """A comparable picture of a result: nesting kept, Tensors as (dtype, shape, values,
    requires_grad), an exception as its type name."""
    if isinstance(value, (tuple, list)):
        return type(value).__name__, [describe(v) for v in value]
    if isinstance(value, ae.Tensor):
        return ("T", str(value.dtype), tuple(value.shape), value.detach().data.copy(),
                value.requires_grad)
    if isinstance(value, torch.Tensor):
        return ("T", str(value.dtype).replace("torch.", ""), tuple(value.shape),
                value.detach().numpy().copy(), value.requires_grad)
    return value


def outcome(case, m):
    try:
        return describe(case(m))
    except Exception as exc:  # noqa: BLE001 - the exception type is the outcome
        return type(exc).__name__


def assert_same(a, b, rtol, atol, requires_grad):
    if isinstance(a, tuple) and a and a[0] == "T":
        assert isinstance(b, tuple) and b[0] == "T", (a, b)
        assert a[1:3] == b[1:3] and (a[4] == b[4] or not requires_grad), (a, b)
        np.testing.assert_allclose(a[3], b[3], rtol=rtol, atol=atol, equal_nan=True)
    elif isinstance(a, tuple):
        assert isinstance(b, tuple) and a[0] == b[0] and len(a[1]) == len(b[1]), (a, b)
        for x, y in zip(a[1], b[1]):
            assert_same(x, y, rtol, atol, requires_grad)
    else:
        assert a == b


def same(case, error_ok=False, rtol=1e-10, atol=1e-12, requires_grad=True):
    """Same outcome on both; ``error_ok``: PyTorch may raise (then so must we, alike);
    ``requires_grad=False``: the results' flags are not compared."""
    ours, theirs = outcome(case, ae), outcome(case, torch)
    assert error_ok or not isinstance(theirs, str), f"torch raised {theirs}"
    assert_same(ours, theirs, rtol, atol, requires_grad)


def same_error(case):
    ours, theirs = outcome(case, ae), outcome(case, torch)
    assert isinstance(theirs, str) and ours == theirs, (ours, theirs)


def fn(m):
    return m.autograd.functional


# -- functions of several kinds ---------------------------------------------------------
FUNCS = {
    "elementwise": (lambda m: lambda x: m.exp(x) * m.sin(x) + x ** 3, lambda m: tensor(m, A)),
    "matmul": (lambda m: lambda a, b: a @ b, lambda m: (tensor(m, A), tensor(m, B))),
    "reductions": (lambda m: lambda x: (x.sum(dim=1), x.mean(), (x * x).sum(dim=0)),
                   lambda m: tensor(m, A)),
    "multi": (lambda m: lambda x, y: (x * y, (m.tanh(x) @ y.reshape(3, 1)).sum(), y.sqrt()),
              lambda m: (tensor(m, A[0]), tensor(m, V3))),
    "softmax": (lambda m: lambda x: m.softmax(x, dim=-1), lambda m: tensor(m, A)),
}
SCALAR = {
    "cubic": (lambda m: lambda x: (x ** 3).sum() + (x[0] * x[1]) ** 2,
              lambda m: tensor(m, V3)),
    "two inputs": (lambda m: lambda x, y: (m.sin(x) * y.sum() + x @ x).sum(),
                   lambda m: (tensor(m, V3), tensor(m, V2))),
    "logsumexp": (lambda m: lambda x: m.logsumexp(x @ x.T, dim=0).sum(),
                  lambda m: tensor(m, A)),
}


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("flags", [{}, {"create_graph": True}, {"vectorize": True},
                                   {"strict": True},
                                   {"vectorize": True, "strategy": "forward-mode"}])
def test_jacobian(name, flags):
    f, inputs = FUNCS[name]
    # strict: "multi" has an output independent of an input, which is an error
    same(lambda m: fn(m).jacobian(f(m), inputs(m), **flags), error_ok=(name == "multi"))


@pytest.mark.parametrize("name", SCALAR)
@pytest.mark.parametrize("flags", [{}, {"create_graph": True}, {"vectorize": True},
                                   {"vectorize": True,
                                    "outer_jacobian_strategy": "forward-mode"}])
def test_hessian(name, flags):
    f, inputs = SCALAR[name]
    # PyTorch's forward-over-reverse Hessian requires grad even when no input does (its
    # graph leads to internal copies only): a known difference
    same(lambda m: fn(m).hessian(f(m), inputs(m), **flags),
         requires_grad="outer_jacobian_strategy" not in flags)


def v_like(m, inputs, seed):
    rng = np.random.default_rng(seed)
    vs = tuple(tensor(m, rng.standard_normal(tuple(t.shape))) for t in inputs)
    return vs if len(vs) > 1 else vs[0]


def as_tuple(inputs):
    return inputs if isinstance(inputs, tuple) else (inputs,)


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("create_graph", [False, True])
def test_vjp_and_jvp(name, create_graph):
    f, inputs = FUNCS[name]

    def vjp(m):
        outputs = f(m)(*as_tuple(inputs(m)))
        return fn(m).vjp(f(m), inputs(m), v_like(m, as_tuple(outputs), 1),
                         create_graph=create_graph)

    def jvp(m):
        return fn(m).jvp(f(m), inputs(m), v_like(m, as_tuple(inputs(m)), 2),
                         create_graph=create_graph)

    same(vjp)
    same(jvp)


@pytest.mark.parametrize("name", SCALAR)
@pytest.mark.parametrize("op", ["hvp", "vhp"])
@pytest.mark.parametrize("create_graph", [False, True])
def test_hvp_and_vhp(name, op, create_graph):
    f, inputs = SCALAR[name]
    same(lambda m: getattr(fn(m), op)(f(m), inputs(m), v_like(m, as_tuple(inputs(m)), 3),
                                      create_graph=create_graph))


def test_second_derivatives_through_create_graph():
    """The results of create_graph=True differentiate back to the caller's inputs."""
    def grads(m, op):
        x = tensor(m, V3, requires_grad=True)
        f = SCALAR["cubic"][0](m)
        if op == "jacobian":
            r = fn(m).jacobian(lambda x: x ** 3 * x.sum(), x, create_graph=True)
        elif op == "hessian":
            r = fn(m).hessian(f, x, create_graph=True)
        elif op == "vjp":
            r = fn(m).vjp(f, x, tensor(m, 1.5), create_graph=True)[1]
        else:
            r = getattr(fn(m), op)(f, x, tensor(m, [1.0, -2.0, 0.5]), create_graph=True)[1]
        return m.autograd.grad((r * r).sum(), x)

    for op in ("jacobian", "hessian", "vjp", "jvp", "hvp", "vhp"):
        same(lambda m: grads(m, op))


def test_float32_results():
    same(lambda m: fn(m).jacobian(lambda x: m.tanh(x) * 3, tensor(m, A).float()),
         rtol=1e-6, atol=1e-7)
    same(lambda m: fn(m).hessian(lambda x: (x ** 4).sum(), tensor(m, V3).float()),
         rtol=1e-6, atol=1e-6)


def test_forward_mode_dtype_is_the_outputs():
    same(lambda m: fn(m).jacobian(lambda x, y: (x * y, (x * 2).long()),
                                  (tensor(m, V3).float(), tensor(m, V3)),
                                  vectorize=True, strategy="forward-mode"), rtol=1e-6)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_nan_patterns_of_each_strategy():
    """At sqrt(0) each strategy mixes zeros and infinities its own way (PyTorch's)."""
    f = FUNCS["multi"][0]
    for flags in ({}, {"vectorize": True}, {"vectorize": True, "strategy": "forward-mode"}):
        same(lambda m: fn(m).jacobian(f(m), (tensor(m, A[0]), tensor(m, [0.0, 1.0, 4.0])),
                                      **flags))


@pytest.mark.parametrize("flags", [{}, {"create_graph": True}, {"vectorize": True}])
def test_independent_and_constant_outputs(flags):
    same(lambda m: fn(m).jacobian(lambda x, y: (x * 2, x.detach(), tensor(m, V2)),
                                  (tensor(m, V2), tensor(m, V3)), **flags))


def test_inputs_that_require_grad_and_are_captured():
    def case(m):
        x = tensor(m, V3, requires_grad=True)
        return (fn(m).jacobian(lambda y: y * x, x), fn(m).vjp(lambda y: y * x, x, x)[1],
                fn(m).jacobian(lambda y: y * x, x, create_graph=True), x.grad)

    same(case)


def test_no_grad_around_the_call():
    def case(m):
        x = tensor(m, V3, requires_grad=True)
        with m.no_grad():
            return (fn(m).jacobian(lambda y: y ** 2, x),
                    fn(m).jacobian(lambda y: y ** 2, x, create_graph=True),
                    fn(m).hvp(lambda y: (y ** 3).sum(), x, x, create_graph=True))

    same(case)


def test_forward_mode_result_is_differentiable_when_an_input_requires_grad():
    same(lambda m: fn(m).jacobian(lambda y: y ** 2, tensor(m, V3, requires_grad=True),
                                  vectorize=True, strategy="forward-mode"))


# -- errors -----------------------------------------------------------------------------
X = V2


def errors(m):
    F = fn(m)
    x = tensor(m, X)
    pair = (x, tensor(m, X + 1))
    one = tensor(m, [2.0])
    return {
        "list inputs": lambda: F.jacobian(lambda x: x, [x]),
        "int input": lambda: F.jacobian(lambda x: x, (x, 3)),
        "integer tensor input": lambda: F.jacobian(lambda x: x * 2, tensor(m, [1, 2])),
        "list output": lambda: F.jacobian(lambda x: [x], x),
        "None output": lambda: F.vjp(lambda x: None, x, x),
        "number in output tuple": lambda: F.jacobian(lambda x: (x, 3), x),
        "forward-mode number output": lambda: F.jacobian(lambda x: 3, x, vectorize=True,
                                                         strategy="forward-mode"),
        "strict independent": lambda: F.jacobian(lambda x, y: x * 2, pair, strict=True),
        "strict output without grad": lambda: F.jacobian(lambda x: x.detach(), x, strict=True),
        "strict linear create_graph": lambda: F.jacobian(lambda x: x * 2, x, strict=True,
                                                         create_graph=True),
        "strict vectorize": lambda: F.jacobian(lambda x: x * x, x, strict=True,
                                               vectorize=True),
        "empty output": lambda: F.jacobian(lambda x: (x[:0], x), x),
        "bad strategy": lambda: F.jacobian(lambda x: x, x, strategy="backward"),
        "forward-mode without vectorize": lambda: F.jacobian(lambda x: x, x,
                                                             strategy="forward-mode"),
        "forward-mode strict": lambda: F.jacobian(lambda x: x, x, strict=True,
                                                  strategy="forward-mode"),
        "forward-mode create_graph": lambda: F.jacobian(lambda x: x, x, create_graph=True,
                                                        strategy="forward-mode"),
        "hessian bad strategy": lambda: F.hessian(lambda x: x.sum(), x,
                                                  outer_jacobian_strategy="x"),
        "hessian forward without vectorize": lambda: F.hessian(
            lambda x: (x ** 3).sum(), x, outer_jacobian_strategy="forward-mode"),
        "hessian tuple output": lambda: F.hessian(lambda x: ((x ** 3).sum(),), x),
        "hessian vector output": lambda: F.hessian(lambda x: x ** 3, x),
        "hessian number output": lambda: F.hessian(lambda x: 3, x),
        "hessian strict linear": lambda: F.hessian(lambda x: x.sum() * 2, x, strict=True),
        "hessian strict constant": lambda: F.hessian(lambda x: x.sum().detach(), x,
                                                     strict=True),
        "vjp v None for a vector": lambda: F.vjp(lambda x: x * 2, x),
        "vjp v list": lambda: F.vjp(lambda x: x * 2, x, [x]),
        "vjp v number": lambda: F.vjp(lambda x: x * 2, x, 3),
        "vjp strict independent": lambda: F.vjp(lambda x, y: x * 2, pair, x, strict=True),
        "vjp strict create_graph": lambda: F.vjp(lambda x: x * 2, x, x, strict=True,
                                                 create_graph=True),
        "jvp v None for a vector": lambda: F.jvp(lambda x: x * 2, x),
        "jvp v wrong size": lambda: F.jvp(lambda x: x * 2, x, tensor(m, V3)),
        "jvp v wrong length": lambda: F.jvp(lambda x, y: x * y, pair, (x,)),
        "jvp v wrong entry size": lambda: F.jvp(lambda x, y: x * y, pair, (x, tensor(m, V3))),
        "jvp v tuple for one input": lambda: F.jvp(lambda x: x * 2, x, (x, x)),
        "jvp integer output": lambda: F.jvp(lambda x: (x * 2).long(), x, x),
        "jvp strict independent": lambda: F.jvp(lambda x, y: x * 2, pair, pair, strict=True),
        "jvp strict create_graph": lambda: F.jvp(lambda x: x * 2, x, x, strict=True,
                                                 create_graph=True),
        "jvp strict disconnected output": lambda: F.jvp(
            lambda x: (x * x, one.detach().requires_grad_()), x, x, strict=True),
        "hvp strict linear": lambda: F.hvp(lambda x: (x * 2).sum(), x, x, strict=True),
        "vhp strict linear": lambda: F.vhp(lambda x: (x * 2).sum(), x, x, strict=True),
        "hvp strict create_graph": lambda: F.hvp(lambda x: (x * x).sum(), x, x,
                                                 strict=True, create_graph=True),
        "vhp strict create_graph": lambda: F.vhp(lambda x: (x * x).sum(), x, x,
                                                 strict=True, create_graph=True),
        "hvp vector output": lambda: F.hvp(lambda x: x * x, x, x),
        "hvp tuple output": lambda: F.hvp(lambda x: (x.sum(),), x, x),
        "vhp number output": lambda: F.vhp(lambda x: 3, x, x),
        "hvp v None for a vector": lambda: F.hvp(lambda x: (x * x).sum(), x),
    }


@pytest.mark.parametrize("name", list(errors(ae)))
def test_errors(name):
    same_error(lambda m: errors(m)[name]())


def test_single_element_v_may_be_omitted():
    same(lambda m: fn(m).vjp(lambda x: (x * 2).sum().reshape(1, 1), tensor(m, V3)))
    same(lambda m: fn(m).jvp(lambda x: x * 2, tensor(m, [3.0])))
    same(lambda m: fn(m).vhp(lambda x: (x ** 3).sum(), tensor(m, [3.0])))
    same(lambda m: fn(m).hvp(lambda x: (x ** 3).sum(), tensor(m, [[3.0]])))


def test_strict_passes_where_everything_depends():
    same(lambda m: fn(m).jvp(lambda x: (x * 2, x * 0 + 1), tensor(m, V2), tensor(m, V2),
                             strict=True))
    same(lambda m: fn(m).hessian(lambda x: (x ** 3).sum(), tensor(m, V2), strict=True,
                                 create_graph=True))


# -- random shapes with broadcasting -----------------------------------------------------
@st.composite
def broadcast_pair(draw):
    """A shape and another that broadcasts with it (a suffix of it, some sizes set to 1)."""
    sx = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
    suffix = sx[len(sx) - draw(st.integers(0, len(sx))):]
    sy = tuple(1 if draw(st.booleans()) else n for n in suffix)
    return (sx, sy) if draw(st.booleans()) else (sy, sx)


@settings(max_examples=25)
@given(broadcast_pair(), st.booleans())
def test_jacobian_shapes_with_broadcasting(shapes, vectorize):
    rng = np.random.default_rng(len(shapes[0]) * 10 + len(shapes[1]))
    xs, ys = (rng.standard_normal(s) for s in shapes)
    same(lambda m: fn(m).jacobian(lambda a, b: (a * m.tanh(b), (a - b).sum()),
                                  (tensor(m, xs), tensor(m, ys)), vectorize=vectorize))
