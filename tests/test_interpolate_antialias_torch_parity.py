"""interpolate(antialias=True) against torch itself: values and gradients over random sizes,
scale factors, align_corners and both dtypes."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 24), w=st.integers(1, 24), oh=st.integers(1, 24), ow=st.integers(1, 24),
       cubic=st.booleans(), align_corners=st.booleans(), double=st.booleans(),
       by_scale=st.sampled_from([None, 0.3, 0.5, 0.77, 1.6]), seed=st.integers(0, 99))
def test_matches_torch(h, w, oh, ow, cubic, align_corners, double, by_scale, seed):
    dtype = np.float64 if double else np.float32
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, 3, h, w)).astype(dtype)
    size = dict(scale_factor=by_scale) if by_scale else dict(size=(oh, ow))
    out_h, out_w = (int(h * by_scale), int(w * by_scale)) if by_scale else (oh, ow)
    if min(out_h, out_w) < 1:
        return  # an empty output: both raise
    if out_w == 1 and out_h != h:
        return  # torch 2.13 repeats one row there (README "Differences from PyTorch")
    kwargs = dict(mode="bicubic" if cubic else "bilinear", antialias=True,
                  align_corners=align_corners, **size)
    tx, ax = torch.tensor(x, requires_grad=True), ae.tensor(x, requires_grad=True)
    ty, ay = torch.nn.functional.interpolate(tx, **kwargs), F.interpolate(ax, **kwargs)
    assert ay.shape == tuple(ty.shape) and ay.dtype == dtype
    g = rng.standard_normal(ay.shape).astype(dtype)
    ty.backward(torch.tensor(g))
    ay.backward(ae.tensor(g))
    tol = 2e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ay.detach().numpy(), ty.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(ax.grad.numpy(), tx.grad.numpy(), rtol=tol, atol=10 * tol)
