"""``set_default_dtype`` reaches every place PyTorch's does (PyTorch 2.13's dtypes written
out): module parameters and buffers, integer inputs of float ops, and what repr hides."""
import pytest

import autograd_engine as ae


@pytest.fixture
def float64_default():
    ae.set_default_dtype(ae.float64)
    yield
    ae.set_default_dtype(ae.float32)


def test_modules_and_float_ops_follow_the_default(float64_default):
    made = [ae.nn.Linear(2, 2).weight, ae.nn.Conv2d(1, 1, 3).weight,
            ae.nn.LSTM(2, 3).weight_ih_l0, ae.nn.BatchNorm1d(3).running_mean,
            ae.nn.Embedding(3, 2).weight, ae.nn.LayerNorm(3).weight, ae.nn.Parameter(),
            ae.tensor([1, 2]) / ae.tensor([2, 2]), ae.exp(ae.tensor([1, 2])),
            ae.sigmoid(ae.tensor([1])), ae.logsumexp(ae.tensor([1, 2]), 0),
            ae.atan2(ae.tensor([1]), ae.tensor([2])), ae.zeros(2), ae.arange(0.0, 3)]
    assert all(t.dtype == ae.float64 for t in made)
    assert repr(ae.tensor([1.5])) == "tensor([1.5000])"
    assert repr(ae.tensor([1.5], dtype=ae.float32)) == "tensor([1.5000], dtype=float32)"


def test_init_takes_a_library_generator():
    g = ae.Generator()
    g.manual_seed(3)
    t = ae.empty(3)
    ae.nn.init.normal_(t, generator=g)
    first = t.tolist()
    g.manual_seed(3)
    ae.nn.init.normal_(t, generator=g)
    assert t.tolist() == first
