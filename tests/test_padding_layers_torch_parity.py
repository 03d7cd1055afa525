"""The padding modules against torch 2.13 (skipped without it): reprs, values, gradients and
error types over random ranks, shapes and paddings (hypothesis)."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn as nn

torch = pytest.importorskip("torch")

FAMILIES = ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")


def _modules(family, dims, padding):
    args = (padding, -1.5) if family == "ConstantPad" else (padding,)
    name = f"{family}{dims}d"
    return getattr(nn, name)(*args), getattr(torch.nn, name)(*args)


def _crops_exceed_size(shape, padding):
    """PyTorch's constant pad crops before it pads and raises when the crops of a dim exceed
    its size, even if positive pads make the result's size non-negative; F.pad (not these
    modules) returns a result there instead (a known difference of ops/shape.py's pad)."""
    pairs = [padding[i:i + 2] for i in range(0, len(padding), 2)]
    return any(n + min(lo, 0) + min(hi, 0) < 0 and n + lo + hi >= 0
               for n, (lo, hi) in zip(shape[::-1], pairs))


@settings(max_examples=400)
@given(data=st.data(), family=st.sampled_from(FAMILIES), dims=st.integers(1, 3))
def test_random_ranks_shapes_and_paddings(data, family, dims):
    ndim = data.draw(st.integers(max(1, dims - 1), dims + 3))
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    if data.draw(st.booleans()):
        padding = data.draw(st.integers(-1, 4))
    else:
        padding = tuple(data.draw(st.lists(st.integers(-2, 4), min_size=2 * dims,
                                           max_size=2 * dims)))
    ours, theirs = _modules(family, dims, padding)
    assert repr(ours) == repr(theirs)
    if family in ("ZeroPad", "ConstantPad"):
        assume(not _crops_exceed_size(shape, ours.padding))
    x = np.random.default_rng(0).standard_normal(shape)
    xa, xt = ae.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    try:
        expected = theirs(xt)
    except Exception as exc:  # noqa: BLE001  (the type is what is compared)
        with pytest.raises(type(exc)):
            ours(xa)
        return
    out = ours(xa)
    np.testing.assert_array_equal(out.data, expected.detach().numpy())
    weights = np.random.default_rng(1).standard_normal(out.shape)
    (out * ae.tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_integer_input(family, dims):
    ours, theirs = _modules(family, dims, 1)
    x = np.arange(2 * 3 ** dims).reshape(2, *(3,) * dims)
    expected = theirs(torch.tensor(x)).numpy()
    out = ours(ae.tensor(x))
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out.data, expected)
