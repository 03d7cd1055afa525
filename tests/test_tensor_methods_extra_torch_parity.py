"""Tensor method aliases, in-place forms, in-place views, ``unfold``, ``sum_to_size``,
``fill_diagonal_`` and metadata queries against torch: values, dtypes, versions, strides,
gradients through the recorded in-place writes, and exception types."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
UNIT = RNG.uniform(0.1, 0.9, (3, 4))  # in every unary op's domain
OTHER = RNG.uniform(0.5, 2.0, (3, 4))


def dt(lib, name):
    return np.dtype(name) if lib is ae else getattr(torch, name)


def both(make):
    return make(ae), make(torch)


def check_same(ours, theirs):
    if isinstance(theirs, torch.Tensor):
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
        assert ours.shape == tuple(theirs.shape)
        # torch may hand out a ZeroTensor gradient, which has no memory to read
        expected = (np.zeros(tuple(theirs.shape)) if theirs._is_zerotensor()
                    else theirs.detach().numpy())
        np.testing.assert_allclose(ours.detach().numpy(), expected, rtol=1e-12, atol=1e-12)
    else:
        assert ours == theirs


# name -> (args given the library, input data)
ALIASES = {
    "absolute": (lambda L: (), -UNIT), "arccos": (lambda L: (), UNIT),
    "arccosh": (lambda L: (), UNIT + 1), "arcsin": (lambda L: (), UNIT),
    "arcsinh": (lambda L: (), UNIT), "arctan": (lambda L: (), UNIT),
    "arctanh": (lambda L: (), UNIT), "arctan2": (lambda L: (L.tensor(OTHER),), UNIT),
    "multiply": (lambda L: (L.tensor(OTHER),), UNIT),
    "subtract": (lambda L: (L.tensor(OTHER),), UNIT),
    "divide": (lambda L: (L.tensor(OTHER),), UNIT), "true_divide": (lambda L: (2.0,), UNIT),
    "negative": (lambda L: (), UNIT), "positive": (lambda L: (), UNIT),
    "greater": (lambda L: (0.5,), UNIT), "greater_equal": (lambda L: (0.5,), UNIT),
    "less": (lambda L: (0.5,), UNIT), "less_equal": (lambda L: (0.5,), UNIT),
    "not_equal": (lambda L: (L.tensor(UNIT[0]),), UNIT), "fix": (lambda L: (), OTHER * 3 - 3),
    "sgn": (lambda L: (), UNIT - 0.5), "ravel": (lambda L: (), UNIT),
    "reshape_as": (lambda L: (L.zeros(4, 3),), UNIT),
}


@pytest.mark.parametrize("name", sorted(ALIASES))
def test_aliases(name):
    args, data = ALIASES[name]
    outs = [getattr(lib.tensor(data, dtype=dt(lib, "float64"), requires_grad=True), name)(
        *args(lib)) for lib in (ae, torch)]
    check_same(*outs)


def test_divide_rounding_mode_and_integer_true_divide():
    for mode in ("floor", "trunc"):
        check_same(*both(lambda L: L.tensor([7, -7]).divide(L.tensor([2, 2]),
                                                             rounding_mode=mode)))
    check_same(*both(lambda L: L.tensor([7, -7]).true_divide(2)))


# in-place name -> (args given the library, input data, differentiable)
INPLACE = {
    **{n: (lambda L: (), UNIT, True) for n in (
        "sin_ cos_ tan_ asin_ acos_ atan_ sinh_ cosh_ expm1_ exp2_ log1p_ log2_ "
        "log10_ rsqrt_ erf_ erfc_ erfinv_ logit_ ceil_ floor_ round_ trunc_ frac_ sign_ sgn_ "
        "fix_ nan_to_num_ absolute_ arcsin_ arccos_ arctan_ negative_ neg_").split()},
    # PyTorch 2.13 has no derivative for these in-place forms (NotImplementedError in
    # backward); ours differentiate them: see test_inverse_hyperbolic_inplace_gradients
    **{n: (lambda L: (), UNIT, False) for n in "asinh_ atanh_ arcsinh_ arctanh_".split()},
    "acosh_": (lambda L: (), UNIT + 1, False), "arccosh_": (lambda L: (), UNIT + 1, False),
    "logit_(eps)": (lambda L: (0.2,), UNIT, True),
    "round_(decimals)": (lambda L: (), UNIT * 10, True),
    "atan2_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "arctan2_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "hypot_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "xlogy_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "remainder_": (lambda L: (0.3,), UNIT * 3, True),
    "floor_divide_": (lambda L: (0.3,), UNIT * 3, False),
    "true_divide_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "divide_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "div_(floor)": (lambda L: (0.3,), UNIT * 3, True),
    "multiply_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "subtract_": (lambda L: (L.tensor(OTHER),), UNIT, True),
    "clip_": (lambda L: (0.3, 0.6), UNIT, True),
    "cumsum_": (lambda L: (1,), UNIT, True), "cumprod_": (lambda L: (0,), UNIT, True),
    "tril_": (lambda L: (), UNIT, True), "triu_": (lambda L: (1,), UNIT, True),
    "addmm_": (lambda L: (L.tensor(OTHER[:, :2]), L.tensor(OTHER[:2])), UNIT, True),
    "addmv_": (lambda L: (L.tensor(OTHER), L.tensor(OTHER[0])), UNIT[0, :3], True),
    "baddbmm_": (lambda L: (L.tensor(OTHER[None, :, :2]), L.tensor(OTHER[None, :2])),
                 UNIT[None], True),
    "addbmm_": (lambda L: (L.tensor(OTHER[None, :, :2]), L.tensor(OTHER[None, :2])), UNIT,
                True),
    **{n: (lambda L: (0.5,), UNIT, False) for n in
       "eq_ ne_ lt_ le_ gt_ ge_ greater_ greater_equal_ less_ less_equal_ not_equal_".split()},
}
KWARGS = {"round_(decimals)": {"decimals": 1}, "div_(floor)": {"rounding_mode": "floor"},
          "addmm_": {"beta": 0.5, "alpha": 2.0}}


def _method(name):
    return name.split("(")[0]


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_forms(name, inplace_recording):
    args, data, differentiable = INPLACE[name]
    kwargs = KWARGS.get(name, {})
    results = []
    for lib in (ae, torch):
        plain = lib.tensor(data, dtype=dt(lib, "float64"))
        out = getattr(plain, _method(name))(*args(lib), **kwargs)
        assert out is plain and plain._version == 1
        leaf = lib.tensor(data, dtype=dt(lib, "float64"), requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(leaf, _method(name))(*args(lib), **kwargs)
        grad = None
        if differentiable:
            y = leaf * 1.5
            getattr(y, _method(name))(*args(lib), **kwargs)
            (y * lib.tensor(np.arange(y.numel()).reshape(y.shape) + 1.0,
                            dtype=dt(lib, "float64"))).sum().backward()
            grad = leaf.grad
        results.append((plain, grad))
    check_same(results[0][0], results[1][0])
    if differentiable:
        check_same(results[0][1], results[1][1])


@pytest.mark.parametrize("name", ["asinh_", "atanh_", "acosh_"])
def test_inverse_hyperbolic_inplace_gradients(name, inplace_recording):
    x = torch.tensor(UNIT + (name == "acosh_"), requires_grad=True)
    y = x * 1
    getattr(y, name)()
    with pytest.raises(NotImplementedError, match="inplace version"):
        y.sum().backward()
    ours = ae.tensor(UNIT + (name == "acosh_"), dtype=ae.float64, requires_grad=True)
    y = ours * 1
    getattr(y, name)()
    y.sum().backward()
    reference = torch.tensor(UNIT + (name == "acosh_"), requires_grad=True)
    getattr(torch, name[:-1])(reference).sum().backward()
    check_same(ours.grad, reference.grad)


@pytest.mark.parametrize("name", ["floor_divide_", "remainder_", "eq_", "lt_"])
def test_recorded_inplace_forms_without_a_useful_gradient(name, inplace_recording):
    """floor_divide_'s backward raises; comparisons record zeros (values as 0/1)."""
    outcomes = []
    for lib in (ae, torch):
        leaf = lib.tensor(UNIT * 3, requires_grad=True)
        y = leaf * 1
        getattr(y, name)(0.7)
        assert y.requires_grad
        try:
            (y * 2).sum().backward()
            outcomes.append(leaf.grad.tolist())
        except RuntimeError:
            outcomes.append(RuntimeError)
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("name", ["logical_and_", "logical_or_", "logical_xor_",
                                  "logical_not_"])
def test_logical_inplace_forms_are_not_recorded(name, inplace_recording):
    """PyTorch writes them even into a leaf that requires grad, leaving the graph as it
    was."""
    seen = []
    for lib in (ae, torch):
        args = () if name == "logical_not_" else (lib.tensor(UNIT > 0.5),)
        leaf = lib.tensor(UNIT, requires_grad=True)
        getattr(leaf, name)(*args)
        y = lib.tensor(UNIT, requires_grad=True)
        z = y * 2
        getattr(z, name)(*args)
        (z * 3).sum().backward()
        seen.append((leaf.tolist(), z.tolist(), y.grad.tolist(), leaf._version))
    assert seen[0] == seen[1]


BITWISE = "bitwise_and_ bitwise_or_ bitwise_xor_ bitwise_left_shift_ bitwise_right_shift_"


@pytest.mark.parametrize("name", BITWISE.split() + ["bitwise_not_", "floor_divide_",
                                                    "remainder_", "cumsum_"])
def test_integer_inplace_forms(name):
    args = () if name == "bitwise_not_" else (0,) if name == "cumsum_" else (3,)
    check_same(*both(lambda L: getattr(L.tensor([5, 12, -7]), name)(*args)))


@pytest.mark.parametrize("call", [
    lambda L: L.tensor([1, 2]).sin_(), lambda L: L.tensor([1, 2]).true_divide_(2),
    lambda L: L.tensor([True]).sqrt_(), lambda L: L.tensor([1, 2]).eq_(L.zeros(3)),
    lambda L: L.tensor([True]).negative(), lambda L: L.tensor([True]).positive(),
    lambda L: L.tensor([True]).negative_(), lambda L: L.zeros(2, 3).tril_().unsqueeze_(5),
    lambda L: L.zeros(2).cumsum_(1), lambda L: L.zeros(2, 3).addmm_(L.zeros(3, 2), L.zeros(3, 3)),
    lambda L: L.zeros(3).atan2_(L.zeros(2)),
])
def test_inplace_error_types(call):
    kinds = []
    for lib in (ae, torch):
        with pytest.raises(Exception) as info:
            call(lib)
        kinds.append(info.type)
    assert kinds[0] is kinds[1]


# -- in-place views ---------------------------------------------------------------------------
VIEWS = {
    "t_": ((2, 3), ()), "t_ 1d": ((3,), ()), "transpose_": ((2, 3, 4), (0, 2)),
    "swapaxes_": ((2, 3, 4), (1, -1)), "swapdims_": ((2, 3), (0, 1)),
    "squeeze_": ((1, 3, 1), ()), "squeeze_ dim": ((1, 3, 1), (-1,)),
    "squeeze_ dims": ((1, 3, 1), ((0, 2),)), "squeeze_ non-1": ((2, 3), (0,)),
    "unsqueeze_": ((2, 3), (1,)), "unsqueeze_ last": ((2, 3), (-1,)),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_inplace_views(name):
    shape, args = VIEWS[name]
    method = name.split()[0]
    data = np.arange(float(np.prod(shape))).reshape(shape)
    seen = []
    for lib in (ae, torch):
        plain = lib.tensor(data)
        assert getattr(plain, method)(*args) is plain
        leaf = lib.tensor(data, dtype=dt(lib, "float64"), requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(leaf, method)(*args)
        y = leaf * 2
        getattr(y, method)(*args)
        (y * lib.tensor(np.arange(y.numel()).reshape(y.shape) + 1.0,
                        dtype=dt(lib, "float64"))).sum().backward()
        seen.append((plain.shape, plain.stride(), plain._version, plain.tolist(), y._version,
                     leaf.grad.tolist()))
    assert tuple(seen[0][0]) == tuple(seen[1][0]) and seen[0][1:] == seen[1][1:]


def test_inplace_views_of_views():
    for lib in (ae, torch):
        base = lib.zeros(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError, match="view of a leaf"):
            base[0].unsqueeze_(0)
    seen = []
    for lib in (ae, torch):
        leaf = lib.ones(2, 3, dtype=dt(lib, "float64"), requires_grad=True)
        base = leaf * 1
        view = base[1]
        view.unsqueeze_(0)
        (view * lib.tensor([[1.0, 2.0, 3.0]], dtype=dt(lib, "float64"))).sum().backward()
        seen.append((tuple(view.shape), tuple(base.shape), base._version, leaf.grad.tolist()))
    assert seen[0] == seen[1]


def test_t_refuses_3d():
    for lib in (ae, torch):
        with pytest.raises(RuntimeError):
            lib.zeros(2, 2, 2).t_()


# -- unfold -----------------------------------------------------------------------------------
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3), data=st.data())
def test_unfold_matches_torch(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(0, shape[dim]))
    step = data.draw(st.integers(1, 4))
    values = np.arange(float(np.prod(shape))).reshape(shape)
    outs = []
    for lib in (ae, torch):
        x = lib.tensor(values, dtype=dt(lib, "float64"), requires_grad=True)
        y = x.unfold(dim, size, step)
        (y * lib.tensor(np.arange(y.numel()).reshape(tuple(y.shape)) + 1.0,
                        dtype=dt(lib, "float64"))).sum().backward()
        outs.append((tuple(y.shape), y.stride(), y.tolist(), x.grad.tolist()))
    assert outs[0] == outs[1]


@pytest.mark.parametrize("args", [(0, 11, 1), (0, 3, 0), (0, -1, 1), (1, 3, 1), (0, 2, 1)])
def test_unfold_errors(args):
    kinds = []
    for lib in (ae, torch):
        x = lib.arange(10.0) if args != (0, 2, 1) else lib.tensor(5.0)
        with pytest.raises(Exception) as info:
            x.unfold(*args)
        kinds.append(info.type)
    assert kinds[0] is kinds[1]


def test_unfold_of_0d():
    for size in (0, 1):
        check_same(*both(lambda L: L.tensor(5.0).unfold(0, size, 1)))


# -- sum_to_size, fill_diagonal_ ----------------------------------------------------------------
@pytest.mark.parametrize("size", [(1, 4), (3, 1), (4,), (), (3, 4), (1, 1), (2, 4), (1, 3, 4),
                                  (5,)])
def test_sum_to_size(size):
    results = []
    for lib in (ae, torch):
        x = lib.tensor(UNIT, dtype=dt(lib, "float64"), requires_grad=True)
        try:
            y = x.sum_to_size(*size) if size else x.sum_to_size(size)
        except RuntimeError:
            results.append(RuntimeError)
            continue
        (y * 2).sum().backward()
        results.append((tuple(y.shape), np.round(y.tolist(), 12).tolist(), x.grad.tolist()))
    assert results[0] == results[1]


@pytest.mark.parametrize("shape", [(3, 3), (7, 3), (3, 7), (2, 2, 2), (1, 1), (4, 4, 4, 4),
                                   (2, 2, 3), (3,), (5, 4)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal(shape, wrap):
    results = []
    for lib in (ae, torch):
        x = lib.zeros(*shape)
        try:
            assert x.fill_diagonal_(5.0, wrap=wrap) is x
        except RuntimeError:
            results.append(RuntimeError)
            continue
        results.append(x.tolist())
    assert results[0] == results[1]


def test_fill_diagonal_records_the_write_and_casts(inplace_recording):
    grads = []
    for lib in (ae, torch):
        leaf = lib.ones(3, 3, dtype=dt(lib, "float64"), requires_grad=True)
        y = leaf * 1
        y.fill_diagonal_(2.0)
        (y * 3).sum().backward()
        grads.append(leaf.grad.tolist())
        with pytest.raises(RuntimeError):
            leaf.fill_diagonal_(1.0)
    assert grads[0] == grads[1]
    check_same(*both(lambda L: L.zeros(3, 3, dtype=dt(L, "int64")).fill_diagonal_(2.5)))


# -- metadata -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["float32", "float64", "float16", "int64", "int32", "int8",
                                  "uint8", "bool"])
def test_metadata(name):
    def query(lib):
        x = lib.zeros(2, 3, dtype=dt(lib, name))
        return (x.nbytes, x.itemsize, x.is_floating_point(), x.is_signed(), x.is_complex(),
                x.is_cpu, x.get_device(), x.ndimension(), x.is_same_size(lib.ones(2, 3)),
                x.is_same_size(lib.ones(3, 2)), x.is_inference())
    assert query(ae) == query(torch)


@pytest.mark.parametrize("make", [
    lambda L: (L.zeros(2), L.zeros(2)), lambda L: (L.zeros(2), L.zeros(3)),
    lambda L: (L.zeros(2), L.zeros(2, dtype=dt(L, "int64"))),
    lambda L: (L.tensor([float("nan")]), L.tensor([float("nan")])),
    lambda L: (L.zeros(2), L.zeros(1)), lambda L: (L.zeros(2, 3), L.zeros(2, 3).t().t()),
    lambda L: (L.tensor([1.0, 2.0]), L.tensor([1.0, 2.5])),
])
def test_equal(make):
    assert ae.Tensor.equal(*make(ae)) == torch.Tensor.equal(*make(torch))


@pytest.mark.parametrize("call", [lambda L: L.zeros(2).equal(1),
                                  lambda L: L.zeros(2).is_same_size(3),
                                  lambda L: L.zeros(2).reshape_as([2])])
def test_tensor_argument_errors(call):
    for lib in (ae, torch):
        with pytest.raises(TypeError):
            call(lib)


def test_inplace_view_op_on_a_base_that_has_views(inplace_recording):
    seen = []
    for lib in (ae, torch):
        leaf = lib.tensor(OTHER[:2, :3], requires_grad=True)
        base = leaf * 1
        row = base[0]
        base.t_()
        row.mul_(3)  # a write through the old view after the base changed its strides
        loss = (base * lib.tensor(np.arange(6.0).reshape(3, 2))).sum() + (row ** 2).sum()
        loss.backward()
        seen.append((tuple(base.shape), base.stride(), base.tolist(), row.tolist(),
                     base._version, leaf.grad.tolist()))
    np.testing.assert_allclose(np.array(seen[0][2]), np.array(seen[1][2]))
    np.testing.assert_allclose(np.array(seen[0][5]), np.array(seen[1][5]))
    assert seen[0][:2] == seen[1][:2] and seen[0][4] == seen[1][4]
