"""Average pooling of inputs holding inf and NaN against PyTorch: values and gradients
(skipped without torch)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

POOLS = [
    lambda f, t: f.avg_pool2d(t, 2),
    lambda f, t: f.avg_pool2d(t, 3, 2, 1, count_include_pad=False),
    lambda f, t: f.adaptive_avg_pool2d(t, (3, 2)),
    lambda f, t: f.avg_pool3d(t.reshape(1, 2, 1, 5, 6), (1, 2, 2)),
    lambda f, t: f.avg_pool1d(t.reshape(2, 5, 6), 3, 1),
    lambda f, t: f.interpolate(t, size=(2, 4), mode="area"),
]


@settings(max_examples=40, deadline=None)
@given(pool=st.sampled_from(range(len(POOLS))), seed=st.integers(0, 2**16),
       specials=st.integers(1, 4))
def test_non_finite_inputs_as_pytorch(pool, seed, specials):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(1, 2, 5, 6))
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, specials, replace=False)] = rng.choice(
        [np.nan, np.inf, -np.inf], specials)
    results = []
    for lib, f in ((ae, F), (torch, TF)):
        t = lib.tensor(x, requires_grad=True)
        y = POOLS[pool](f, t)
        y.backward(lib.ones_like(y))
        results.append((np.asarray(y.detach()), np.asarray(t.grad)))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-12)
