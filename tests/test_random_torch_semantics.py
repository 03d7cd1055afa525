"""Random sampling, generators and states with PyTorch's semantics, without torch: the
distributions (moments and ranges over large fixed-seed samples), dtypes and shapes,
reproducibility (seeds, generators, state round trips) and generator acceptance by the data
utilities."""
import math

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.utils.data import (DataLoader, RandomSampler, SubsetRandomSampler,
                                        TensorDataset, WeightedRandomSampler, random_split)

N = 200_000


def sample(fill, dtype=np.float64, n=N, seed=0):
    """n values of ``fill`` applied to a fresh tensor, from a seeded Generator."""
    return fill(ae.zeros(n, dtype=dtype), ae.Generator().manual_seed(seed)).numpy()


# -- distributions ----------------------------------------------------------------------------
@pytest.mark.parametrize("fill,mean,var", [
    (lambda t, g: t.normal_(2.0, 3.0, generator=g), 2.0, 9.0),
    (lambda t, g: t.uniform_(-1.0, 3.0, generator=g), 1.0, 16 / 12),
    (lambda t, g: t.exponential_(2.0, generator=g), 0.5, 0.25),
    (lambda t, g: t.geometric_(0.25, generator=g), 4.0, 0.75 / 0.25 ** 2),
    (lambda t, g: t.log_normal_(1.0, 0.5, generator=g), math.exp(1.125),
     (math.exp(0.25) - 1) * math.exp(2.25)),
    (lambda t, g: t.bernoulli_(0.3, generator=g), 0.3, 0.21),
    (lambda t, g: t.random_(3, 10, generator=g), 6.0, (7 ** 2 - 1) / 12),
    (lambda t, g: ae.normal(ae.full((N,), -1.0, dtype=np.float64), 0.5, generator=g), -1.0,
     0.25),
    (lambda t, g: ae.poisson(ae.full((N,), 4.0, dtype=np.float64), generator=g), 4.0, 4.0),
    (lambda t, g: ae.bernoulli(ae.full((N,), 0.7, dtype=np.float64), generator=g), 0.7, 0.21),
    (lambda t, g: ae.normal(1.0, 2.0, (N,), generator=g, dtype=np.float64), 1.0, 4.0),
])
def test_moments(fill, mean, var):
    values = sample(fill)
    assert abs(values.mean() - mean) < 5 * math.sqrt(var / N)
    assert abs(values.var() - var) < 0.03 * var


def test_cauchy_median_and_quartiles():
    values = sample(lambda t, g: t.cauchy_(1.0, 2.0, generator=g))
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    assert abs(median - 1.0) < 0.03 and abs((q3 - q1) - 4.0) < 0.08


@pytest.mark.parametrize("dtype,low,high", [
    (np.uint8, 0, 255), (np.int8, 0, 127), (np.bool_, 0, 1), (np.float16, 0, 2 ** 11)])
def test_random_without_bounds_covers_the_dtype_range(dtype, low, high):
    values = sample(lambda t, g: t.random_(generator=g), dtype=dtype).astype(np.int64)
    assert values.min() == low and values.max() == high


def test_random_ranges():
    ints = sample(lambda t, g: t.random_(-3, 4, generator=g), dtype=np.int64, n=10_000)
    assert set(ints.tolist()) == set(range(-3, 4))
    assert set(sample(lambda t, g: t.random_(5, generator=g), np.int32, 10_000).tolist()) \
        == set(range(5))
    big = sample(lambda t, g: t.random_(generator=g), np.float32, 10_000)
    assert big.min() >= 0 and big.max() <= 2 ** 24 and big.max() > 2 ** 23
    assert (big == np.round(big)).all()
    top = sample(lambda t, g: t.random_(2 ** 62, None, generator=g), np.int64, 1000)
    assert top.min() >= 2 ** 62
    with pytest.warns(UserWarning, match="out of bounds"):
        ae.zeros(3).random_(0, 2 ** 30)


def test_geometric_values_are_counts_of_trials():
    values = sample(lambda t, g: t.geometric_(0.5, generator=g), np.int64, 10_000)
    assert values.min() == 1 and (values >= 1).all()


def test_multinomial_with_replacement_frequencies():
    weights = ae.tensor([1.0, 0.0, 3.0, 4.0])
    draws = ae.multinomial(weights, N, replacement=True,
                           generator=ae.Generator().manual_seed(1)).numpy()
    counts = np.bincount(draws, minlength=4) / N
    np.testing.assert_allclose(counts, [0.125, 0.0, 0.375, 0.5], atol=0.005)


def test_multinomial_without_replacement():
    g = ae.Generator().manual_seed(2)
    rows = ae.multinomial(ae.tensor([[1.0, 2.0, 3.0, 4.0]] * 5000), 4, generator=g).numpy()
    assert rows.shape == (5000, 4) and rows.dtype == np.int64
    assert (np.sort(rows, axis=1) == np.arange(4)).all()
    # the first draw follows the weights; later ones the renormalised rest
    np.testing.assert_allclose(np.bincount(rows[:, 0]) / 5000, [0.1, 0.2, 0.3, 0.4],
                               atol=0.025)
    zero_last = ae.multinomial(ae.tensor([0.0, 1.0, 0.0, 2.0]), 2, generator=g).numpy()
    assert set(zero_last.tolist()) == {1, 3}


def test_randperm_is_a_permutation_of_the_requested_dtype():
    g = ae.Generator().manual_seed(0)
    perm = ae.randperm(1000, generator=g)
    assert perm.dtype == np.int64 and sorted(perm.tolist()) == list(range(1000))
    assert perm.tolist() != list(range(1000))
    as_float = ae.randperm(5, dtype=ae.float32, requires_grad=True)
    assert as_float.dtype == np.float32 and as_float.requires_grad


def test_normal_overloads_shapes_and_dtypes():
    assert ae.normal(ae.zeros(3), ae.ones(3, 1)).shape == (3, 3)
    assert ae.normal(0.0, 1.0, (2, 3)).dtype == np.float32
    assert ae.normal(0.0, 1.0, [2], dtype=ae.float64).dtype == np.float64
    assert ae.normal(ae.zeros(2, dtype=ae.float64), ae.ones(2)).dtype == np.float64
    assert ae.normal(0.0, ae.ones(4)).shape == (4,)
    assert ae.normal(0.0, 1.0, (2,), requires_grad=True).requires_grad
    with pytest.raises(TypeError):
        ae.normal(0.0, 1.0)
    with pytest.raises(TypeError):
        ae.normal(ae.zeros(3), 1.0, (3,))
    with pytest.raises(RuntimeError, match="std >= 0"):
        ae.normal(ae.zeros(3), -1.0)
    with pytest.raises(NotImplementedError, match="Long"):
        ae.normal(ae.zeros(3, dtype=ae.int64), 1.0)


def test_bernoulli_keeps_shape_and_dtype():
    out = ae.bernoulli(ae.full((2, 3), 0.5, dtype=ae.float64))
    assert out.shape == (2, 3) and out.dtype == np.float64
    assert set(out.numpy().ravel().tolist()) <= {0.0, 1.0}
    assert ae.bernoulli(ae.zeros(4, dtype=ae.int64), p=1.0).tolist() == [1, 1, 1, 1]
    with pytest.raises(RuntimeError):
        ae.bernoulli(ae.tensor([1.5]))
    with pytest.raises(NotImplementedError):
        ae.bernoulli(ae.tensor([1, 0]))


def test_tensor_methods_bernoulli_and_multinomial():
    g = ae.Generator().manual_seed(4)
    assert ae.tensor([0.0, 1.0]).bernoulli(generator=g).tolist() == [0.0, 1.0]
    assert ae.tensor([0.0, 1.0]).multinomial(2, True, generator=g).tolist() == [1, 1]


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize("call,error", [
    (lambda: ae.zeros(3).random_(5, 3), RuntimeError),
    (lambda: ae.zeros(3, dtype=ae.bool).random_(10), RuntimeError),
    (lambda: ae.zeros(3, dtype=np.uint8).random_(-3, 10), RuntimeError),
    (lambda: ae.zeros(3, dtype=ae.int64).exponential_(), RuntimeError),
    (lambda: ae.zeros(3, dtype=ae.int64).log_normal_(), NotImplementedError),
    (lambda: ae.zeros(3, dtype=ae.bool).geometric_(0.5), NotImplementedError),
    (lambda: ae.zeros(3, dtype=ae.int64).cauchy_(), RuntimeError),
    (lambda: ae.zeros(3, dtype=ae.int64).normal_(), NotImplementedError),
    (lambda: ae.zeros(3).geometric_(1.0), RuntimeError),
    (lambda: ae.zeros(3).random_(1, 2, 3), TypeError),
    (lambda: ae.zeros(3).random_(1, **{"from": 2}), TypeError),
    (lambda: ae.multinomial(ae.tensor([0.2, 0.8]), 3), RuntimeError),
    (lambda: ae.multinomial(ae.tensor([0.0, 0.0]), 1), RuntimeError),
    (lambda: ae.randperm(-1), RuntimeError),
    (lambda: ae.randperm(2.5), TypeError),
    (lambda: ae.rand(2, generator=np.float32(3)), TypeError),
    (lambda: ae.poisson(ae.tensor([-1.0])), RuntimeError),
])
def test_errors(call, error):
    with pytest.raises(error):
        call()


def test_a_refused_fill_draws_nothing():
    g = ae.Generator().manual_seed(0)
    state = g.get_state()
    with pytest.raises(RuntimeError):
        ae.ones(3, requires_grad=True).exponential_(generator=g)
    with pytest.raises(RuntimeError):
        ae.zeros(3).exponential_(-1.0, generator=g)
    assert g.get_state().tolist() == state.tolist()


# -- reproducibility, generators, states ------------------------------------------------------
DRAWS = [
    lambda g: ae.rand(4, generator=g), lambda g: ae.randn(4, generator=g),
    lambda g: ae.randint(0, 100, (4,), generator=g), lambda g: ae.randperm(6, generator=g),
    lambda g: ae.multinomial(ae.ones(5), 3, generator=g),
    lambda g: ae.normal(ae.zeros(3), 1.0, generator=g),
    lambda g: ae.bernoulli(ae.full((6,), 0.5), generator=g),
    lambda g: ae.poisson(ae.full((4,), 3.0), generator=g),
    lambda g: ae.zeros(4).cauchy_(generator=g),
    lambda g: ae.zeros(4, dtype=ae.int64).random_(generator=g),
    lambda g: ae.rand_like(ae.zeros(3), generator=g),
]


@pytest.mark.parametrize("draw", DRAWS)
def test_manual_seed_reproduces_every_draw(draw):
    ae.manual_seed(11)
    first = draw(None).tolist()
    ae.manual_seed(11)
    assert draw(None).tolist() == first
    assert draw(None).tolist() != first or len(set(first)) == 1


@pytest.mark.parametrize("draw", DRAWS)
def test_a_generator_is_its_own_stream(draw):
    ae.manual_seed(0)
    global_state = ae.get_rng_state()
    first = draw(ae.Generator().manual_seed(5)).tolist()
    assert draw(ae.Generator().manual_seed(5)).tolist() == first
    assert ae.get_rng_state().tolist() == global_state.tolist()


def test_new_generators_start_from_the_same_seed():
    a, b = ae.Generator(), ae.Generator()
    assert a.initial_seed() == b.initial_seed() == 67280421310721
    assert ae.rand(5, generator=a).tolist() == ae.rand(5, generator=b).tolist()


def test_state_round_trips():
    g = ae.Generator().manual_seed(123)
    ae.randn(3, generator=g)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.shape == (48,)
    after = [ae.randn(5, generator=g).tolist(), ae.randint(0, 9, (3,), generator=g).tolist()]
    g.manual_seed(999)
    assert g.set_state(state) is g and g.initial_seed() == 123
    assert [ae.randn(5, generator=g).tolist(),
            ae.randint(0, 9, (3,), generator=g).tolist()] == after
    # the global generator, and a state carried across generators
    ae.manual_seed(3)
    saved = ae.get_rng_state()
    expected = ae.rand(4).tolist()
    ae.set_rng_state(saved)
    assert ae.rand(4).tolist() == expected
    assert ae.rand(4, generator=ae.Generator().set_state(saved)).tolist() == expected


def test_state_keeps_numpys_buffered_half_word():
    """PCG64 buffers half of a 64-bit word for 32-bit draws; the state must carry it."""
    g = ae.Generator().manual_seed(8)
    ae.rand(3, dtype=ae.float32, generator=g)
    g._rng.integers(0, 2 ** 31, dtype=np.int32)  # a 32-bit draw: leaves the other half
    state = g.get_state()
    expected = g._rng.integers(0, 2 ** 31, size=4, dtype=np.int32).tolist()
    assert g.set_state(state)._rng.integers(0, 2 ** 31, size=4,
                                            dtype=np.int32).tolist() == expected


def test_seeds():
    assert ae.manual_seed(7) is ae.default_generator
    assert ae.initial_seed() == 7
    ae.manual_seed(-1)
    assert ae.initial_seed() == 2 ** 64 - 1
    new = ae.seed()
    assert isinstance(new, int) and 0 <= new < 2 ** 64 and ae.initial_seed() == new
    with pytest.raises(ValueError):
        ae.manual_seed(2 ** 64)
    g = ae.Generator(device="cpu")
    assert g.device == ae.device("cpu")
    with pytest.raises(RuntimeError):
        ae.Generator(device="cuda")


def test_set_state_errors():
    with pytest.raises(TypeError):
        ae.set_rng_state([1, 2, 3])
    with pytest.raises(TypeError):
        ae.set_rng_state(ae.zeros(48))
    with pytest.raises(RuntimeError):
        ae.set_rng_state(ae.zeros(3, dtype=np.uint8))


def test_vmap_error_mode_still_forbids_draws():
    with pytest.raises(RuntimeError, match="randomness"):
        ae.func.vmap(lambda x: x + ae.rand(()), randomness="error")(ae.ones(3))
    with pytest.raises(RuntimeError, match="randomness"):
        ae.func.vmap(lambda x: x + ae.rand((), generator=ae.Generator()),
                     randomness="error")(ae.ones(3))


# -- data utilities take an autograd_engine.Generator -----------------------------------------
def _orders(make):
    return [list(make(ae.Generator().manual_seed(s))) for s in (0, 0, 1)]


@pytest.mark.parametrize("make", [
    lambda g: RandomSampler(range(20), generator=g),
    lambda g: RandomSampler(range(20), replacement=True, generator=g),
    lambda g: SubsetRandomSampler(list(range(20)), generator=g),
    lambda g: WeightedRandomSampler([1.0] * 20, 20, generator=g),
    lambda g: (b.tolist() for (b,) in DataLoader(TensorDataset(ae.arange(20)), batch_size=20,
                                                 shuffle=True, generator=g)),
    lambda g: (s.indices for s in random_split(range(20), [10, 10], generator=g)),
])
def test_samplers_loaders_and_splits_follow_their_generator(make):
    first, again, other = _orders(make)
    assert first == again and first != other


def test_samplers_refuse_other_generators():
    with pytest.raises(TypeError, match="generator"):
        list(RandomSampler(range(3), generator=42))
