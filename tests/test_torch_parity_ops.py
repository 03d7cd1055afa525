"""Values and gradients of reduction, shape, indexing, sorting and extra elementwise ops
against PyTorch (skipped when torch is not installed)."""
import numpy as np
import pytest

import autograd_engine as ae

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))
X3 = RNG.standard_normal((2, 3, 4))
TIES = np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 0.0, -1.0], [0.0, 0.0, 0.0, 0.0]])
ZEROS = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0]])
INF = float("inf")

# name -> (input, fn applied identically to an ae.Tensor and a torch.Tensor)
CASES = {
    "sum dim": (X3, lambda t: t.sum((0, 2), keepdim=True)),
    "mean": (X3, lambda t: t.mean(1)),
    "var": (X3, lambda t: t.var(1, keepdim=True)),
    "var correction=0": (X, lambda t: t.var(0, correction=0)),
    "std": (X, lambda t: t.std(1)),
    "std const": (np.ones((2, 3)), lambda t: t.std(1)),
    "max ties": (TIES, lambda t: t.max()),
    "min ties": (TIES, lambda t: t.min()),
    "max dim ties": (TIES, lambda t: t.max(1)[0]),
    "min dim keepdim": (TIES, lambda t: t.min(0, keepdim=True).values),
    "amax tuple": (X3, lambda t: _lib(t).amax(t, (0, 2))),
    "logsumexp": (X3, lambda t: t.logsumexp((0, 2))),
    "logsumexp large": (X * 1000, lambda t: t.logsumexp(1)),
    "prod zeros": (ZEROS, lambda t: t.prod(1)),
    "prod all": (ZEROS[2], lambda t: t.prod()),
    "norm 2": (X3, lambda t: t.norm(dim=(0, 2))),
    "norm zero rows": (TIES[1:], lambda t: t.norm(dim=1) + (t * 0).norm(dim=1)),
    "norm 1": (TIES, lambda t: t.norm(1, dim=1)),
    "norm inf": (TIES, lambda t: t.norm(INF, dim=1)),
    "norm -inf": (TIES, lambda t: t.norm(-INF)),
    "norm 3": (TIES, lambda t: t.norm(3)),
    "norm 0.5": (TIES[:2], lambda t: t.norm(0.5, dim=1)),
    "repeat": (X, lambda t: t.repeat(2, 1, 3)),
    "cat": (X, lambda t: _lib(t).cat([t, t * 2], 1)),
    "stack": (X, lambda t: _lib(t).stack([t, -t], -1)),
    "split": (X, lambda t: t.split([1, 3], 1)[1] * 2),
    "chunk": (X3, lambda t: t.chunk(3, -1)[-1]),
    "pad": (X, lambda t: _pad(t, (1, -1, 2, 0))),
    "getitem advanced": (X, lambda t: t[[0, 0, 2], 1:]),
    "getitem mask": (X, lambda t: t[t > 0]),
    "getitem two arrays": (X, lambda t: t[_long(t, [-1, 0, 2, 2]), _long(t, [3, -4, 1, 1])]),
    "getitem two arrays, rows": (X3, lambda t: t[_long(t, [[1], [-2]]), _long(t, [0, 2, -1])]),
    "getitem row mask": (X, lambda t: t[_long(t, [True, False, True])]),
    "gather": (X, lambda t: t.gather(1, _long(t, [[0, 0], [3, 1], [2, 2]]))),
    "index_select": (X, lambda t: t.index_select(0, _long(t, [2, 2, 0]))),
    "masked_fill": (X, lambda t: t.masked_fill(t > 0, 0.5)),
    "log1p expm1": (X, lambda t: (t * 0.5).log1p() + t.expm1()),
    "clamp tensor bounds ties": (TIES, lambda t: t.clamp(min=t[1:2], max=t[0:1])
                                 + t.clamp(max=t[2:3]) + t.clamp(min=t[:, 1:2])),
    "remainder": (X * 3, lambda t: t % 0.7 + t.remainder(t.flip(1).abs() + 0.5)
                  + t % -(t.flip(0).abs() + 0.5)),
    "rounding": (X * 3, lambda t: t.floor() + t.ceil() + t.trunc() + t.round() + t.frac()
                 + t.round(decimals=1) + t * 0),
    "reciprocal rsqrt square": (X, lambda t: (t * t + 1).reciprocal() + (t * t + 1).rsqrt()
                                + t.square()),
    "lerp scalar": (X, lambda t: t.lerp(t * 2 + 1, 0.7) + t.lerp(t - 1, 0.2)),
    "lerp tensor": (X, lambda t: t.lerp(t.flip(0), t.sigmoid())),
    "addcmul addcdiv": (X, lambda t: t.addcmul(t, t.flip(1), value=0.5)
                        + t.addcdiv(t, t * t + 1, value=-2)),
    "flip": (X3, lambda t: t.flip(0, 2) * t),
    "roll": (X3, lambda t: t.roll((1, -2), (0, 2)) + t.roll(5)),
    "cumsum": (X3, lambda t: t.cumsum(1) * t.cumsum(-1)),
    "sort": (TIES, lambda t: t.sort(1).values * 2 + t.sort(0, descending=True)[0]),
    "topk": (X3, lambda t: t.topk(2, 1).values + t.topk(1, -1, largest=False)[0].sum()),
    "tril triu": (X3, lambda t: t.tril(-1) + t.triu(2) * 3),
    "narrow unbind movedim": (X3, lambda t: t.narrow(2, 1, 2).movedim(0, -1)
                              + t.unbind(1)[2][:, 1:3].movedim(0, 1)),
    "outer bmm": (X3, lambda t: _lib(t).outer(t[0, 0], t[1, 1]).sum()
                  + _lib(t).bmm(t, t.transpose(1, 2))),
    "amax amin": (TIES, lambda t: t.amax(1) + t.amin(0)[1:]),
    "einsum": (X3, lambda t: _lib(t).einsum("bij,bkj->bik", t, t * 2)
               + _lib(t).einsum("...j,ij", t, t[0]) + _lib(t).einsum("bii->b", t[:, :, :3])
               .sum()),
}


def _lib(t):
    return ae if isinstance(t, ae.Tensor) else torch


def _long(like, values):
    return ae.tensor(values) if isinstance(like, ae.Tensor) else torch.tensor(values)


def _pad(t, widths):
    if isinstance(t, ae.Tensor):
        return ae.pad(t, widths)
    return torch.nn.functional.pad(t, widths)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name):
    data, fn = CASES[name]
    ours = ae.tensor(data.copy(), requires_grad=True)
    theirs = torch.tensor(data.copy(), requires_grad=True)
    out, ref = fn(ours), fn(theirs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    seed = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(ae.tensor(seed))
    ref.backward(torch.tensor(seed))
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("size,chunks", [(6, 4), (5, 3), (10, 4), (2, 5), (0, 3), (7, 7)])
def test_chunk_sizes_match_torch(size, chunks):
    ours = [c.shape[0] for c in ae.arange(size).chunk(chunks)]
    assert ours == [c.shape[0] for c in torch.arange(size).chunk(chunks)]


def test_sort_argsort_topk_orders_match_torch():
    data = np.array([[3.0, np.nan, 1.0, 3.0, np.inf], [2.0, 2.0, -1.0, -np.inf, 0.0]])
    for descending in (False, True):
        ours = ae.tensor(data).sort(dim=1, descending=descending, stable=True)
        ref = torch.tensor(data).sort(dim=1, descending=descending, stable=True)
        np.testing.assert_array_equal(ours.values.numpy(), ref.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), ref.indices.numpy())
        np.testing.assert_array_equal(ae.tensor(data).argsort(1, descending).numpy(),
                                      torch.tensor(data).argsort(1, descending).numpy())
    ints = np.array([5, -3, 5, 0, np.iinfo(np.int64).min])
    np.testing.assert_array_equal(ae.tensor(ints).sort(descending=True).values.numpy(),
                                  torch.tensor(ints).sort(descending=True).values.numpy())
    np.testing.assert_array_equal(ae.tensor(data).topk(3).values.numpy(),
                                  torch.tensor(data).topk(3).values.numpy())
