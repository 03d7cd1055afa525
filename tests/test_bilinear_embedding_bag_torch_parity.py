"""nn.Bilinear / F.bilinear and nn.EmbeddingBag / F.embedding_bag against torch 2.13: values
and gradients (second order for bilinear), every mode with offsets,
2-D input, include_last_offset, padding_idx, empty bags, per_sample_weights, max_norm,
scale_grad_by_freq, module init and reprs, and error types; random shapes with hypothesis.
PyTorch's two CPU bugs (documented in the README) are checked to still be there, so the
tests say when they were fixed."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine.nn.bilinear import Bilinear
from autograd_engine.nn.embedding_bag import EmbeddingBag
from autograd_engine.ops.bilinear import bilinear
from autograd_engine.ops.embedding_bag import embedding_bag

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(8)
TOL = dict(rtol=1e-10, atol=1e-12)


def _pair(a, requires_grad=True):
    return (ae.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _agree(out_a, out_t, inputs_a, inputs_t, second_order=False):
    np.testing.assert_allclose(out_a.detach().numpy(), out_t.detach().numpy(), **TOL)
    w = RNG.standard_normal(out_a.shape)
    ga = ae.autograd.grad((out_a * ae.tensor(w)).sum(), inputs_a, create_graph=second_order)
    gt = torch.autograd.grad((out_t * torch.tensor(w)).sum(), inputs_t,
                             create_graph=second_order)
    for a, t in zip(ga, gt):
        np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), **TOL)
    if second_order:
        ha = ae.autograd.grad(sum((g * g).sum() for g in ga), inputs_a, allow_unused=True)
        ht = torch.autograd.grad(sum((g * g).sum() for g in gt), inputs_t, allow_unused=True)
        for a, t in zip(ha, ht):
            assert (a is None) == (t is None)
            if a is not None:
                np.testing.assert_allclose(a.numpy(), t.numpy(), rtol=1e-9, atol=1e-10)


# -- bilinear ------------------------------------------------------------------------------
@settings(max_examples=20)
@given(lead=st.lists(st.integers(0, 3), max_size=2), in1=st.integers(1, 4),
       in2=st.integers(1, 4), out=st.integers(1, 3), bias=st.booleans())
def test_bilinear_random_shapes(lead, in1, in2, out, bias):
    tensors = [_pair(RNG.standard_normal(s)) for s in (lead + [in1], lead + [in2],
                                                       (out, in1, in2))]
    if bias:
        tensors.append(_pair(RNG.standard_normal(out)))
    ours, theirs = [a for a, _ in tensors], [t for _, t in tensors]
    _agree(bilinear(*ours), TF.bilinear(*theirs), ours, theirs, second_order=True)


def test_bilinear_module():
    theirs = torch.nn.Bilinear(3, 2, 4, dtype=torch.float64)
    ours = Bilinear(3, 2, 4, dtype=ae.float64)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: ae.tensor(v.detach().numpy()) for k, v in
                          theirs.state_dict().items()})
    (x1a, x1t), (x2a, x2t) = _pair(RNG.standard_normal((5, 3))), _pair(RNG.standard_normal((5, 2)))
    _agree(ours(x1a, x2a), theirs(x1t, x2t), [x1a, x2a] + list(ours.parameters()),
           [x1t, x2t] + list(theirs.parameters()))
    ae.manual_seed(0)
    big = Bilinear(16, 3, 50)
    for p in big.parameters():  # U(+-1/sqrt(in1_features)) for both
        assert 0.2 < np.abs(p.detach().numpy()).max() <= 0.25


BILINEAR_ERRORS = [((4, 2), (3,), (5, 2, 3), None), ((4, 2), (5, 3), (5, 2, 3), None),
                   ((4, 2), (4, 3), (5, 3, 3), None), ((4, 2), (4, 4), (5, 2, 3), None),
                   ((4, 2), (4, 3), (5, 2, 3), (4,)), ((4, 2), (4, 3), (2, 3), None),
                   ((4, 2), (4, 3), (5, 2, 3, 1), None), ((), (), (5, 2, 3), None),
                   ((4, 2), (4, 3), (5, 2, 3), ()), ((4, 1, 2), (1, 3, 3), (5, 2, 3), None)]


@pytest.mark.parametrize("shapes", BILINEAR_ERRORS, ids=str)
def test_bilinear_errors(shapes):
    def call(make, fn):
        return fn(*[make(s) for s in shapes if s is not None])
    with pytest.raises(Exception) as theirs:
        call(lambda s: torch.randn(s), TF.bilinear)
    with pytest.raises(theirs.type):
        call(lambda s: ae.randn(*s), bilinear)


def test_bilinear_dtype_error():
    with pytest.raises(RuntimeError, match="input1: float, input2: float, weight: double"):
        bilinear(ae.randn(4, 2), ae.randn(4, 3), ae.randn(5, 2, 3, dtype=ae.float64))


# -- embedding_bag -------------------------------------------------------------------------
W = RNG.standard_normal((7, 3))


def _bag(indices, offsets=None, psw=None, second_order=False, **kw):
    (wa, wt) = _pair(W)
    inputs_a, inputs_t = [wa], [wt]
    pa = pt = None
    if psw is not None:
        pa, pt = _pair(np.asarray(psw, float))
        inputs_a.append(pa)
        inputs_t.append(pt)
    off_a, off_t = (None, None) if offsets is None else (ae.tensor(np.asarray(offsets)),
                                                         torch.tensor(offsets))
    out_a = embedding_bag(ae.tensor(np.asarray(indices)), wa, off_a, per_sample_weights=pa,
                          **kw)
    out_t = TF.embedding_bag(torch.tensor(indices), wt, off_t, per_sample_weights=pt, **kw)
    _agree(out_a, out_t, inputs_a, inputs_t, second_order)


INDICES, OFFSETS = [1, 2, 2, 4, 4, 3, 1, 6, 0], [0, 3, 3, 5, 9]


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 4, -3])
def test_embedding_bag_offsets_empty_bags_and_padding(mode, padding_idx):
    _bag(INDICES, OFFSETS, mode=mode, padding_idx=padding_idx)
    _bag(INDICES, OFFSETS, mode=mode, padding_idx=padding_idx, include_last_offset=True)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input(mode):
    _bag([[1, 2, 3], [5, 5, 0], [6, 6, 6]], mode=mode, padding_idx=6)
    _bag([[1, 2, 3], [5, 5, 0]], mode=mode)


def test_embedding_bag_all_padding_and_empty_input():
    for mode in ("sum", "mean", "max"):
        _bag([4, 4, 1], [0, 2], mode=mode, padding_idx=4)
        _bag(np.array([], np.int64), [0, 0], mode=mode)


@pytest.mark.parametrize("padding_idx", [None, 2])
def test_embedding_bag_per_sample_weights(padding_idx):
    """First order: torch has no second derivative here (ours is gradgradchecked)."""
    _bag(INDICES, OFFSETS[:-1], psw=RNG.standard_normal(9), mode="sum",
         padding_idx=padding_idx)
    _bag([[1, 2], [3, 3]], psw=RNG.standard_normal((2, 2)), mode="sum")


def test_embedding_bag_max_ties_go_to_the_first_row():
    global W
    saved, W = W, np.array([[1.0, 5.0], [3.0, 2.0], [3.0, 5.0]])
    try:
        _bag([[0, 1, 2]], mode="max")
        _bag([[2, 2, 1]], mode="max")
    finally:
        W = saved


def test_embedding_bag_scale_grad_by_freq():
    """Right where PyTorch's CPU kernel is right: every index occurring equally often."""
    _bag([1, 1, 3, 3, 0, 0], [0, 3], mode="sum", scale_grad_by_freq=True)
    _bag([[5, 2], [2, 5]], mode="mean", scale_grad_by_freq=True)


def test_embedding_bag_max_norm_renormalises_weight_rows():
    wa, wt = ae.tensor(W * 3), torch.tensor(W * 3)
    indices = [[1, 2, 3], [5, 5, 0]]
    out_a = embedding_bag(ae.tensor(indices), wa, max_norm=1.5, norm_type=1.0, mode="sum")
    out_t = TF.embedding_bag(torch.tensor(indices), wt, max_norm=1.5, norm_type=1.0,
                             mode="sum")
    np.testing.assert_allclose(out_a.numpy(), out_t.numpy(), **TOL)
    np.testing.assert_allclose(wa.numpy(), wt.numpy(), **TOL)


@settings(max_examples=25)
@given(data=st.data(), mode=st.sampled_from(["sum", "mean", "max"]),
       include_last=st.booleans(), pad=st.sampled_from([None, 0, 5]))
def test_embedding_bag_random_bags(data, mode, include_last, pad):
    n = data.draw(st.integers(0, 10))
    indices = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    cuts = sorted(data.draw(st.lists(st.integers(0, n), min_size=1, max_size=5)))
    offsets = [0] + cuts[1:] + ([n] if include_last else [])
    _bag(np.array(indices, np.int64), offsets, mode=mode, padding_idx=pad,
         include_last_offset=include_last)


def test_embedding_bag_module():
    theirs = torch.nn.EmbeddingBag(7, 3, mode="max", padding_idx=-2, dtype=torch.float64)
    ours = EmbeddingBag(7, 3, mode="max", padding_idx=-2, dtype=ae.float64)
    assert repr(ours) == repr(theirs) and ours.padding_idx == theirs.padding_idx == 5
    assert not ours.weight.detach().numpy()[5].any()
    ours.load_state_dict({"weight": ae.tensor(theirs.weight.detach().numpy())})
    inp = [[1, 5, 2], [5, 5, 5]]
    np.testing.assert_allclose(ours(ae.tensor(inp)).detach().numpy(),
                               theirs(torch.tensor(inp)).detach().numpy(), **TOL)
    for kw in (dict(), dict(max_norm=1.0, norm_type=3.0, scale_grad_by_freq=True,
                            mode="sum", padding_idx=1)):
        assert repr(EmbeddingBag(5, 2, **kw)) == repr(torch.nn.EmbeddingBag(5, 2, **kw))
    pretrained = EmbeddingBag.from_pretrained(ae.tensor(W), mode="sum")
    assert not pretrained.weight.requires_grad and pretrained.mode == "sum"


def _error_type(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - the type is compared with torch's
            return type(exc)
    return None


BAG_ERRORS = {
    "offsets[0] != 0": (lambda t, i: (i([1, 2, 4]), t(W), i([1, 2])), dict(mode="sum")),
    "offsets past the end": (lambda t, i: (i([1, 2]), t(W), i([0, 3])), dict()),
    "index out of range": (lambda t, i: (i([1, 9]), t(W), i([0])), dict()),
    "negative index": (lambda t, i: (i([1, -1]), t(W), i([0])), dict()),
    "float indices": (lambda t, i: (t([1.0, 2.0]), t(W), i([0])), dict()),
    "2-d input with offsets": (lambda t, i: (i([[1, 2]]), t(W), i([0])), dict()),
    "1-d input without offsets": (lambda t, i: (i([1, 2]), t(W)), dict()),
    "3-d input": (lambda t, i: (i([[[1, 2]]]), t(W)), dict()),
    "2-d offsets": (lambda t, i: (i([1, 2]), t(W), i([[0]])), dict()),
    "unknown mode": (lambda t, i: (i([[1, 2]]), t(W)), dict(mode="avg")),
    "weights in mean mode": (lambda t, i: (i([[1, 2]]), t(W)),
                             dict(per_sample_weights="ones")),
    "weights of another shape": (lambda t, i: (i([[1, 2]]), t(W)),
                                 dict(mode="sum", per_sample_weights="flat")),
    "max with scale_grad_by_freq": (lambda t, i: (i([[1, 2]]), t(W)),
                                    dict(mode="max", scale_grad_by_freq=True)),
    "1-d weight": (lambda t, i: (i([[1, 2]]), t(W[0])), dict()),
    "padding_idx out of range": (lambda t, i: (i([[1, 2]]), t(W)), dict(padding_idx=7)),
    "bags of length 0": (lambda t, i: (i(np.zeros((3, 0), np.int64)), t(W)), dict()),
}


@pytest.mark.parametrize("name", sorted(BAG_ERRORS))
def test_embedding_bag_errors(name):
    make, kw = BAG_ERRORS[name]

    def call(lib, fn):
        tensor = (lambda a: lib.tensor(np.asarray(a)))
        kw2 = dict(kw)
        if kw2.get("per_sample_weights") == "ones":
            kw2["per_sample_weights"] = tensor(np.ones((1, 2)))
        elif kw2.get("per_sample_weights") == "flat":
            kw2["per_sample_weights"] = tensor(np.ones(2))
        return fn(*make(tensor, tensor), **kw2)

    expected = _error_type(lambda: call(torch, TF.embedding_bag))
    assert expected is not None
    assert _error_type(lambda: call(ae, embedding_bag)) is expected


def test_torch_cpu_bugs_still_present():
    """If one of these fails, PyTorch fixed it: drop the README's note on it."""
    w = torch.ones(4, 1, requires_grad=True)  # pytorch/pytorch#190063
    TF.embedding_bag(torch.tensor([1, 1, 3]), w, torch.tensor([0]), mode="sum",
                     scale_grad_by_freq=True).sum().backward()
    assert w.grad.flatten().tolist() == [0.0, 1.0, 0.0, 0.5]
    wa = ae.ones(4, 1, requires_grad=True)
    embedding_bag(ae.tensor([1, 1, 3]), wa, ae.tensor([0]), mode="sum",
                  scale_grad_by_freq=True).sum().backward()
    assert wa.grad.numpy().ravel().tolist() == [0.0, 1.0, 0.0, 1.0]
    w64 = torch.ones(4, 1, dtype=torch.float64)  # trailing indices, include_last_offset
    out = TF.embedding_bag(torch.tensor([1, 2, 3]), w64, torch.tensor([0, 1]), mode="sum",
                           include_last_offset=True)
    assert out.tolist() == [[1.0]] or out.tolist() == [[3.0]]


@pytest.mark.parametrize("indices", [[[0, 1, 2]], [[1, 0, 2]], [[2, 0, 1]], [[3, 3, 3]],
                                     [[1, 3, 2], [2, 2, 0]]])
def test_embedding_bag_max_with_nan_rows(indices):
    """torch's running maximum keeps a NaN only in a bag's first row."""
    weight = np.array([[np.nan, 1.0], [2.0, np.nan], [3.0, 0.5], [np.nan, np.nan]])
    (wa, wt) = _pair(weight)
    out_a = embedding_bag(ae.tensor(indices), wa, mode="max")
    out_t = TF.embedding_bag(torch.tensor(indices), wt, mode="max")
    out_a.sum().backward()
    out_t.sum().backward()
    np.testing.assert_array_equal(out_a.detach().numpy(), out_t.detach().numpy())
    np.testing.assert_array_equal(wa.grad.numpy(), wt.grad.numpy())
