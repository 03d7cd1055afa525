"""``repr`` against PyTorch's over random shapes, magnitudes and dtypes (skipped without
torch)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")


@settings(max_examples=150, deadline=None)
@given(shape=st.lists(st.integers(0, 9), min_size=0, max_size=3),
       scale=st.sampled_from([1e-6, 1e-3, 1.0, 7.0, 1e4, 1e9]),
       kind=st.sampled_from(["float32", "float64", "int64", "bool", "integral"]),
       special=st.booleans(), seed=st.integers(0, 2**16))
def test_repr_as_pytorch(shape, scale, kind, special, seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape) * scale
    if kind == "integral":
        values = np.round(values)
    if special and values.size:
        values.reshape(-1)[0] = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0])
    if kind in ("int64", "bool"):
        values = np.nan_to_num(values).astype(kind)
    else:
        values = values.astype("float32" if kind == "integral" else kind)
    assert _normal(repr(ae.tensor(values))) == _normal(repr(torch.tensor(values)))


def _normal(text):
    """PyTorch's spelling of dtypes and sizes, and a suffix on its own line or not (that
    depends on the suffix's length, and "dtype=torch.float64" is longer)."""
    text = text.replace("torch.", "").replace("Size([", "(").replace("]))", "))")
    return text.replace(",\n       dtype=", ", dtype=").replace(",\n       size=", ", size=")

@pytest.mark.parametrize("n", [999, 1001, 2500])
def test_summarised_repr_as_pytorch(n):
    values = (np.arange(n, dtype=np.float32) - n / 3) / 7
    assert repr(ae.tensor(values)) == repr(torch.tensor(values))
    grid = np.arange(n * 3, dtype=np.int64).reshape(3, n)
    assert repr(ae.tensor(grid)) == repr(torch.tensor(grid))
