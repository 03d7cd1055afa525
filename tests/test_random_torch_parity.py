"""Random sampling against torch: what each call returns (dtype, shape) or raises (the
exception type), the zero gradients of draws, generator states, and the values that are
deterministic (one-hot probabilities, zero spread). Draws themselves cannot match torch's
stream: their distributions are tested in test_random_torch_semantics.py."""
import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")


def dt(lib, name):
    """The dtype called ``name`` in ``lib`` (autograd_engine's are numpy dtypes)."""
    return np.dtype(name) if lib is ae else getattr(torch, name)


def outcome(fn, lib):
    """("ok", dtype name, shape) of fn(lib)'s tensor, or the exception type's name."""
    try:
        out = fn(lib)
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return type(exc).__name__
    return "ok", str(out.dtype).replace("torch.", ""), tuple(out.shape)


def same_outcome(fn):
    assert outcome(fn, ae) == outcome(fn, torch)


FACTORIES = {
    "randperm": lambda L: L.randperm(5),
    "randperm-0": lambda L: L.randperm(0),
    "randperm-negative": lambda L: L.randperm(-1),
    "randperm-bool": lambda L: L.randperm(5, dtype=dt(L, "bool")),
    "randperm-uint8-overflow": lambda L: L.randperm(300, dtype=dt(L, "uint8")),
    "randperm-uint8": lambda L: L.randperm(256, dtype=dt(L, "uint8")),
    "randperm-float16": lambda L: L.randperm(3, dtype=dt(L, "float16")),
    "randperm-grad-int": lambda L: L.randperm(3, requires_grad=True),
    "randperm-grad-float": lambda L: L.randperm(3, dtype=dt(L, "float32"), requires_grad=True),
    "randperm-float-n": lambda L: L.randperm(2.5),
    "multinomial-too-many": lambda L: L.multinomial(L.tensor([0.2, 0.8]), 3),
    "multinomial-zero-weight": lambda L: L.multinomial(L.tensor([0.2, 0.8, 0.0]), 3),
    "multinomial-replacement": lambda L: L.multinomial(L.tensor([0.2, 0.8]), 5, True),
    "multinomial-negative": lambda L: L.multinomial(L.tensor([-0.2, 0.8]), 1),
    "multinomial-all-zero": lambda L: L.multinomial(L.tensor([0.0, 0.0]), 1),
    "multinomial-2d": lambda L: L.multinomial(L.tensor([[0.2, 0.8], [1.0, 0.0]]), 1),
    "multinomial-3d": lambda L: L.multinomial(L.zeros(2, 2, 2), 1),
    "multinomial-int": lambda L: L.multinomial(L.tensor([1, 2]), 1),
    "multinomial-0-samples": lambda L: L.multinomial(L.tensor([1.0, 2.0]), 0),
    "multinomial-inf": lambda L: L.multinomial(L.tensor([1.0, float("inf")]), 1),
    "multinomial-nan": lambda L: L.multinomial(L.tensor([1.0, float("nan")]), 1),
    "multinomial-0d": lambda L: L.multinomial(L.tensor(1.0), 1),
    "multinomial-float64": lambda L: L.multinomial(L.tensor([1.0, 2.0], dtype=dt(L, "float64")), 2),
    "multinomial-no-rows": lambda L: L.multinomial(L.ones(0, 3), 1),
    "normal-tensor-float": lambda L: L.normal(L.zeros(3), 1.0),
    "normal-float-tensor": lambda L: L.normal(0.0, L.ones(3, dtype=dt(L, "float64"))),
    "normal-broadcast": lambda L: L.normal(L.zeros(3), L.ones(3, 1)),
    "normal-mismatch": lambda L: L.normal(L.zeros(3), L.ones(2)),
    "normal-promote": lambda L: L.normal(L.zeros(3, dtype=dt(L, "float64")), L.ones(3)),
    "normal-negative-std": lambda L: L.normal(L.zeros(3), -1.0),
    "normal-negative-std-tensor": lambda L: L.normal(0.0, L.tensor([-1.0])),
    "normal-int-mean": lambda L: L.normal(L.zeros(3, dtype=dt(L, "int64")), 1.0),
    "normal-floats-no-size": lambda L: L.normal(0.0, 1.0),
    "normal-size": lambda L: L.normal(0.0, 1.0, (2, 3)),
    "normal-size-ints": lambda L: L.normal(0, 1, (2,)),
    "normal-size-dtype": lambda L: L.normal(0.0, 1.0, (2,), dtype=dt(L, "float64")),
    "normal-size-negative-std": lambda L: L.normal(0.0, -1.0, (2,)),
    "normal-tensor-with-size": lambda L: L.normal(L.zeros(3), 1.0, size=(3,)),
    "normal-mean-only": lambda L: L.normal(mean=L.zeros(3)),
    "bernoulli": lambda L: L.bernoulli(L.tensor([0.5, 0.2])),
    "bernoulli-float64": lambda L: L.bernoulli(L.tensor([0.5], dtype=dt(L, "float64"))),
    "bernoulli-out-of-range": lambda L: L.bernoulli(L.tensor([0.5, 2.0])),
    "bernoulli-p": lambda L: L.bernoulli(L.tensor([0.5, 0.2]), 0.3),
    "bernoulli-p-keyword": lambda L: L.bernoulli(L.tensor([0.5, 0.2]), p=0.3),
    "bernoulli-p-int-input": lambda L: L.bernoulli(L.tensor([1, 0]), p=0.3),
    "bernoulli-bad-p": lambda L: L.bernoulli(L.tensor([0.5]), p=1.5),
    "bernoulli-int": lambda L: L.bernoulli(L.tensor([1, 0])),
    "bernoulli-bool": lambda L: L.bernoulli(L.tensor([True, False])),
    "poisson": lambda L: L.poisson(L.tensor([1.0, 2.0])),
    "poisson-float64": lambda L: L.poisson(L.tensor([1.0], dtype=dt(L, "float64"))),
    "poisson-negative": lambda L: L.poisson(L.tensor([-1.0])),
    "poisson-int": lambda L: L.poisson(L.tensor([1, 2])),
    "rand-generator": lambda L: L.rand(2, 3, generator=L.Generator()),
    "randn-generator": lambda L: L.randn(4, generator=L.Generator()),
    "randint-generator": lambda L: L.randint(3, (2,), generator=L.Generator()),
    "rand_like-generator": lambda L: L.rand_like(L.zeros(2), generator=L.Generator()),
    "randn_like-generator": lambda L: L.randn_like(L.zeros(2), generator=L.Generator()),
    "rand-bad-generator": lambda L: L.rand(2, generator=3),
    "randperm-generator": lambda L: L.randperm(3, generator=L.Generator()),
    "multinomial-generator": lambda L: L.multinomial(L.ones(3), 2, generator=L.Generator()),
    "normal-generator": lambda L: L.normal(L.zeros(2), 1.0, generator=L.Generator()),
    "bernoulli-generator": lambda L: L.bernoulli(L.ones(2) / 2, generator=L.Generator()),
    "poisson-generator": lambda L: L.poisson(L.ones(2), generator=L.Generator()),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factory_results_and_errors(name):
    same_outcome(FACTORIES[name])


FILLS = {
    "random_()": lambda t: t.random_(),
    "random_(10)": lambda t: t.random_(10),
    "random_(3, 10)": lambda t: t.random_(3, 10),
    "random_(-3, 10)": lambda t: t.random_(-3, 10),
    "random_(5, to=None)": lambda t: t.random_(5, to=None),
    "exponential_": lambda t: t.exponential_(),
    "geometric_": lambda t: t.geometric_(0.5),
    "log_normal_": lambda t: t.log_normal_(),
    "cauchy_": lambda t: t.cauchy_(),
    "bernoulli_": lambda t: t.bernoulli_(),
    "bernoulli_(tensor)": lambda t: t.bernoulli_(t.new_full((5,), 0.5, dtype=np.float32)
                                                 if isinstance(t, ae.Tensor)
                                                 else torch.full((5,), 0.5)),
    "normal_": lambda t: t.normal_(),
    "uniform_": lambda t: t.uniform_(),
}
DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "bool"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fill", sorted(FILLS))
def test_fills_by_dtype(fill, dtype):
    same_outcome(lambda L: FILLS[fill](L.zeros(5, dtype=dt(L, dtype))))


BAD_PARAMETERS = {
    "random_ from >= to": lambda t: t.random_(5, 3),
    "random_ empty range": lambda t: t.random_(3, 3),
    "exponential_ negative": lambda t: t.exponential_(-1.0),
    "exponential_ zero": lambda t: t.exponential_(0.0),
    "geometric_ 0": lambda t: t.geometric_(0.0),
    "geometric_ 1": lambda t: t.geometric_(1.0),
    "log_normal_ std 0": lambda t: t.log_normal_(1.0, 0.0),
    "cauchy_ sigma 0": lambda t: t.cauchy_(0.0, 0.0),
    "normal_ negative std": lambda t: t.normal_(0.0, -1.0),
    "uniform_ reversed": lambda t: t.uniform_(2.0, 1.0),
    "bernoulli_ p > 1": lambda t: t.bernoulli_(1.5),
    "bernoulli_ tensor p > 1": lambda t: t.bernoulli_(t * 0 + 2),
    "bernoulli_ tensor not expandable": lambda t: t.bernoulli_(t[:2] * 0),
    "bernoulli_ tensor broadcast": lambda t: t.bernoulli_(t[:1] * 0 + 1),
}


@pytest.mark.parametrize("name", sorted(BAD_PARAMETERS))
def test_fill_parameter_errors(name):
    same_outcome(lambda L: BAD_PARAMETERS[name](L.zeros(3)))


@pytest.mark.parametrize("name", ["random_", "exponential_", "normal_", "uniform_",
                                  "bernoulli_", "cauchy_", "log_normal_"])
def test_fills_refuse_a_leaf_that_requires_grad_and_give_zero_gradients(name, inplace_recording):
    for lib in (ae, torch):
        leaf = lib.ones(3, dtype=dt(lib, "float64"), requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(leaf, name)()
        y = leaf * 2
        getattr(y, name)()
        assert y.requires_grad and y.grad_fn is not None
        (y * 3).sum().backward()
        np.testing.assert_array_equal(np.asarray(leaf.grad), np.zeros(3))


@pytest.mark.parametrize("draw", [
    lambda L, m: L.normal(m, 1.0),
    lambda L, m: L.normal(0.0, m + 1),
    lambda L, m: L.normal(m, m + 1),
    lambda L, m: L.bernoulli(m.sigmoid()),
    lambda L, m: L.poisson(m.exp()),
])
def test_draws_give_zero_gradients_to_their_parameters(draw):
    for lib in (ae, torch):
        m = lib.zeros(3, dtype=dt(lib, "float64"), requires_grad=True)
        out = draw(lib, m)
        assert out.requires_grad
        out.sum().backward()
        np.testing.assert_array_equal(np.asarray(m.grad), np.zeros(3))


DETERMINISTIC = {
    "one-hot multinomial": lambda L: L.multinomial(L.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]),
                                                   4, True),
    "multinomial all categories": lambda L: L.multinomial(L.tensor([1.0, 1.0, 1.0]), 3)
    .sort().values,
    "bernoulli of 0 and 1": lambda L: L.bernoulli(L.tensor([0.0, 1.0, 1.0, 0.0])),
    "bernoulli p=1": lambda L: L.bernoulli(L.zeros(3, dtype=dt(L, "int64")), 1.0),
    "normal with std 0": lambda L: L.normal(L.tensor([1.5, -2.0]), 0.0),
    "normal size std 0": lambda L: L.normal(3.0, 0.0, (2,)),
    "poisson of rate 0": lambda L: L.poisson(L.zeros(4)),
    "randperm sorted": lambda L: L.randperm(6).sort().values,
    "random_ single value": lambda L: L.zeros(4, dtype=dt(L, "int64")).random_(3, 4),
    "uniform_ empty interval": lambda L: L.zeros(3).uniform_(2.0, 2.0),
    "bernoulli_ p=1": lambda L: L.zeros(3, dtype=dt(L, "uint8")).bernoulli_(1.0),
}


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_values(name):
    ours, theirs = DETERMINISTIC[name](ae), DETERMINISTIC[name](torch)
    assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_generator_objects_and_seeds():
    for lib in (ae, torch):
        g = lib.Generator()
        assert g.initial_seed() == 67280421310721
        assert str(g.device) == "cpu"
        assert g.manual_seed(3) is g and g.initial_seed() == 3
        new = g.seed()
        assert isinstance(new, int) and g.initial_seed() == new
        lib.manual_seed(-1)
        assert lib.initial_seed() == 2 ** 64 - 1
        lib.manual_seed(5)
        state = lib.get_rng_state()
        assert state.dtype == dt(lib, "uint8") and state.ndim == 1
        lib.manual_seed(7)
        lib.set_rng_state(state)
        assert lib.initial_seed() == 5
        with pytest.raises(RuntimeError):
            lib.Generator(device="cuda")


@pytest.mark.parametrize("call", [
    lambda L: L.manual_seed(2 ** 64),
    lambda L: L.manual_seed(-2 ** 63 - 1),
    lambda L: L.set_rng_state([1, 2]),
    lambda L: L.set_rng_state(L.zeros(3, dtype=dt(L, "uint8"))),
    lambda L: L.set_rng_state(L.zeros(5056)),
    lambda L: L.Generator().set_state(L.zeros(2, dtype=dt(L, "uint8"))),
])
def test_seed_and_state_errors(call):
    errors = []
    for lib in (ae, torch):
        try:
            call(lib)
            errors.append(None)
        except Exception as exc:  # noqa: BLE001
            errors.append(type(exc))
    assert errors[0] is not None and errors[0] == errors[1]


def test_dropout_takes_no_generator_as_torch():
    for lib in (ae, torch):
        with pytest.raises(TypeError):
            lib.nn.functional.dropout(lib.ones(3), generator=lib.Generator())
