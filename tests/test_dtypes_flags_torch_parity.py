"""Dtype utilities, the default dtype, tensor queries, inference mode and print options
against torch: finfo/iinfo, result_type/promote_types/can_cast over every pair of dtypes,
what factories and scalars give under each default dtype, and printed strings."""
import itertools

import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def dt(lib, name):
    return np.dtype(name) if lib is ae else getattr(torch, name)


def name_of(dtype):
    return str(dtype).replace("torch.", "")


@pytest.fixture(autouse=True)
def restore_global_options():
    yield
    ae.set_default_dtype(ae.float32)
    torch.set_default_dtype(torch.float32)
    ae.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_finfo(name):
    ours, theirs = ae.finfo(dt(ae, name)), torch.finfo(dt(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, attr) == getattr(theirs, attr), attr
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(name):
    ours, theirs = ae.iinfo(dt(ae, name)), torch.iinfo(dt(torch, name))
    assert (ours.bits, ours.max, ours.min, ours.dtype) == (theirs.bits, theirs.max, theirs.min,
                                                           theirs.dtype)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("call", [
    lambda L: L.finfo(dt(L, "int64")), lambda L: L.iinfo(dt(L, "float32")),
    lambda L: L.iinfo(dt(L, "bool")), lambda L: L.finfo("float32"), lambda L: L.finfo(3),
    lambda L: L.promote_types(dt(L, "int64"), 3), lambda L: L.can_cast(1, dt(L, "int32")),
    lambda L: L.set_default_dtype(dt(L, "int64")), lambda L: L.set_default_dtype(dt(L, "bool")),
    lambda L: L.set_default_dtype("float64"),
    lambda L: L.result_type("a", 1),
    lambda L: L.is_floating_point(1.0), lambda L: L.is_nonzero(1), lambda L: L.numel([1]),
    lambda L: L.is_nonzero(L.tensor([1, 2])), lambda L: L.is_nonzero(L.tensor([])),
])
def test_error_types(call):
    kinds = []
    for lib in (ae, torch):
        with pytest.raises(Exception) as info:
            call(lib)
        kinds.append(info.type)
    assert kinds[0] is kinds[1]


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_and_can_cast(a, b):
    assert name_of(ae.promote_types(dt(ae, a), dt(ae, b))) == name_of(
        torch.promote_types(dt(torch, a), dt(torch, b)))
    assert ae.can_cast(dt(ae, a), dt(ae, b)) == torch.can_cast(dt(torch, a), dt(torch, b))


def _operands(lib):
    """Dim tensors, 0-d tensors and Python numbers of every kind."""
    out = [lib.zeros(2, dtype=dt(lib, n)) for n in NAMES]
    out += [lib.zeros((), dtype=dt(lib, n)) for n in ("bool", "int32", "float64", "float16")]
    return out + [True, 3, -1, 2.5]


@pytest.mark.parametrize("i,j", list(itertools.product(range(17), range(17))))
def test_result_type(i, j):
    ours, theirs = _operands(ae), _operands(torch)
    try:
        expected = name_of(torch.result_type(theirs[i], theirs[j]))
    except TypeError:
        pytest.skip("torch has no overload for two numbers of these kinds")
    assert name_of(ae.result_type(ours[i], ours[j])) == expected


DEFAULT_DTYPE_EXPRESSIONS = {
    "tensor(float list)": lambda L: L.tensor([1.0]),
    "tensor(float)": lambda L: L.tensor(1.5),
    "tensor([])": lambda L: L.tensor([]),
    "tensor(ints)": lambda L: L.tensor([1, 2]),
    "tensor(mixed)": lambda L: L.tensor([1, 2.0]),
    "tensor(np.float32)": lambda L: L.tensor(np.float32(1.0)),
    "zeros": lambda L: L.zeros(2), "ones": lambda L: L.ones(2), "empty": lambda L: L.empty(2),
    "rand": lambda L: L.rand(2), "randn": lambda L: L.randn(2),
    "arange(int)": lambda L: L.arange(3), "arange(float)": lambda L: L.arange(0.5, 3),
    "linspace": lambda L: L.linspace(0, 1, 3), "eye": lambda L: L.eye(2),
    "full(float)": lambda L: L.full((2,), 1.5), "full(int)": lambda L: L.full((2,), 1),
    "normal(size)": lambda L: L.normal(0.0, 1.0, (2,)), "randperm": lambda L: L.randperm(2),
    "int * float": lambda L: L.tensor([1, 2]) * 1.5,
    "float32 * float": lambda L: L.tensor([1, 2], dtype=dt(L, "float32")) * 1.5,
    "float32 + int": lambda L: L.tensor([1.0], dtype=dt(L, "float32")) + 1,
    "bool * float": lambda L: L.tensor([True]) * 1.5,
    "int where float": lambda L: L.where(L.tensor([True]), L.tensor([1]), 2.5),
    "result_type(int, float)": lambda L: L.empty(0, dtype=L.result_type(L.tensor([1]), 1.0)),
    "result_type(numbers)": lambda L: L.empty(0, dtype=L.result_type(1, 2.0)),
    "finfo()": lambda L: L.empty(0, dtype=dt(L, L.finfo().dtype)),
}


@pytest.mark.parametrize("default", ["float64", "float16", "float32"])
@pytest.mark.parametrize("name", sorted(DEFAULT_DTYPE_EXPRESSIONS))
def test_default_dtype_governs_python_floats_and_factories(name, default):
    ae.set_default_dtype(dt(ae, default))
    torch.set_default_dtype(dt(torch, default))
    assert name_of(ae.get_default_dtype()) == name_of(torch.get_default_dtype())
    make = DEFAULT_DTYPE_EXPRESSIONS[name]
    assert name_of(make(ae).dtype) == name_of(make(torch).dtype)


@pytest.mark.parametrize("make", [
    lambda L: L.tensor(0.0), lambda L: L.tensor([1.0]), lambda L: L.tensor([1, 2]),
    lambda L: L.tensor(True), lambda L: L.tensor([[0]]), lambda L: L.tensor(float("nan")),
])
def test_queries(make):
    ours, theirs = make(ae), make(torch)
    assert ae.is_tensor(ours) and not ae.is_tensor(1.0)
    assert ae.is_floating_point(ours) == torch.is_floating_point(theirs)
    assert ae.is_complex(ours) == torch.is_complex(theirs)
    assert ae.numel(ours) == torch.numel(theirs)
    outcomes = []
    for query, value in ((ae.is_nonzero, ours), (torch.is_nonzero, theirs)):
        try:
            outcomes.append(query(value))
        except RuntimeError:
            outcomes.append(RuntimeError)
    assert outcomes[0] == outcomes[1]


def test_inference_mode_flags():
    def flags(lib):
        seen = [(lib.is_grad_enabled(), lib.is_inference_mode_enabled())]
        with lib.inference_mode():
            seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
            with lib.inference_mode(False):
                seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
            with lib.enable_grad():
                seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
        with lib.no_grad(), lib.inference_mode(False):
            seen.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))

        @lib.inference_mode
        def bare():
            return lib.is_grad_enabled(), lib.is_inference_mode_enabled()

        @lib.inference_mode(False)
        def off():
            return lib.is_grad_enabled(), lib.is_inference_mode_enabled()

        x = lib.ones(2, requires_grad=True)
        with lib.inference_mode():
            y = x * 2
        return seen + [bare(), off(), (y.requires_grad,), (lib.is_grad_enabled(),)]

    assert flags(ae) == flags(torch)


PRINT_CASES = [
    (dict(precision=2), lambda L: L.tensor([1.12345, 2.5])),
    (dict(threshold=5), lambda L: L.arange(10)),
    (dict(threshold=5, edgeitems=1), lambda L: L.arange(10.0)),
    (dict(profile="short"), lambda L: L.arange(2000.0).reshape(40, 50) / 3),
    (dict(profile="full"), lambda L: L.arange(1001)),
    (dict(sci_mode=True), lambda L: L.tensor([1.5, 2.0])),
    (dict(sci_mode=False), lambda L: L.tensor([1e-6, 1e5])),
    (dict(sci_mode=False), lambda L: L.tensor([1e10, 1.0])),
    (dict(sci_mode=True, precision=2), lambda L: L.tensor([3.0, 4.0])),
    (dict(linewidth=30), lambda L: L.arange(12.0) / 7),
    (dict(profile="nonsense", precision=3), lambda L: L.tensor([1.23456])),
    (dict(profile="short", precision=6), lambda L: L.tensor([1.23456789])),
    (dict(precision=1, sci_mode=None), lambda L: L.tensor([[1e-5, 3.0], [2.25, 8.0]])),
]


@pytest.mark.parametrize("i", range(len(PRINT_CASES)))
def test_set_printoptions(i):
    options, make = PRINT_CASES[i]
    ae.set_printoptions(**options)
    torch.set_printoptions(**options)
    assert repr(make(ae)) == repr(make(torch))


def test_linspace_matches_torch_bitwise_on_random_ends():
    rng = np.random.default_rng(3)
    for _ in range(300):
        start, end = (float(v) for v in rng.uniform(-1e3, 1e3, 2))
        steps = int(rng.integers(0, 70))
        for dtype in ("float32", "float64"):
            ours = ae.linspace(start, end, steps, dtype=getattr(ae, dtype)).numpy()
            theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
            np.testing.assert_array_equal(ours, theirs)
