"""Bilinear and EmbeddingBag: torch 2.13's values and gradients written out (bilinear with
bias; every bag mode with offsets, include_last_offset, padding_idx, empty bags,
per-sample weights and max ties), defaults and errors; gradcheck and gradgradcheck
(float64) of bilinear and of embedding_bag in every mode."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck
from autograd_engine.nn.bilinear import Bilinear
from autograd_engine.nn.embedding_bag import EmbeddingBag
from autograd_engine.ops.bilinear import bilinear
from autograd_engine.ops.embedding_bag import embedding_bag


def _x(*shape, k=0.3):
    return ae.tensor(np.cos(k * np.arange(np.prod(shape))).reshape(shape) * 2,
                     requires_grad=True)


def test_bilinear_as_torch():
    x1, x2, w = _x(2, 2, k=0.3), _x(2, 3, k=0.5), _x(2, 2, 3, k=0.2)
    b = ae.tensor([0.5, -0.5], dtype=ae.float64, requires_grad=True)
    y = bilinear(x1, x2, w, b)
    (y * ae.tensor(np.sin(0.7 * np.arange(4)).reshape(2, 2))).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [[32.57369328877, -3.491775485409],
                                                    [-9.902027040914, 2.482536480098]],
                               atol=1e-10)
    np.testing.assert_allclose(x1.grad.numpy(), [[1.2774614765, -2.345915647505],
                                                 [-4.312446683644, -0.448584860647]],
                               atol=1e-10)
    np.testing.assert_allclose(x2.grad.numpy(), [
        [0.374427831254, -0.586478040416, -1.524002883353],
        [5.820576044643, 4.486751416725, 2.974054168585]], atol=1e-10)
    np.testing.assert_allclose(w.grad.numpy()[1], [
        [2.778454070564, 1.075502496904, -0.890769597459],
        [2.613603196745, 1.267230494007, -0.389404429873]], atol=1e-10)


def test_bilinear_shapes_and_module():
    w = ae.randn(5, 2, 3)
    assert bilinear(ae.randn(2), ae.randn(3), w).shape == (5,)
    assert bilinear(ae.randn(6, 4, 2), ae.randn(6, 4, 3), w).shape == (6, 4, 5)
    assert bilinear(ae.randn(0, 2), ae.randn(0, 3), w).shape == (0, 5)
    assert bilinear(ae.ones(1, 2).long(), ae.ones(1, 3).long(), ae.ones(5, 2, 3).long()).dtype \
        == np.int64
    layer = Bilinear(2, 3, 4, bias=False)
    assert layer.bias is None and layer.weight.shape == (4, 2, 3)
    assert repr(layer) == "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=False)"


@pytest.mark.parametrize("shapes,message", [
    (((4, 2), (3,), (5, 2, 3)), "input dimensions do not match: got 2 and 1"),
    (((4, 2), (5, 3), (5, 2, 3)), "input batch dimensions do not match at dim 0: got 4 and 5"),
    (((4, 2), (4, 3), (5, 3, 3)), "input1 size does not match weight size: got 2 but expected 3"),
    (((4, 2), (4, 4), (5, 2, 3)), "input2 size does not match weight size: got 4 but expected 3"),
    (((4, 2), (4, 3), (5, 2, 3), (4,)), "bias size does not match weight size: got 4 but "
                                        "expected 5"),
])
def test_bilinear_errors(shapes, message):
    with pytest.raises(RuntimeError, match=message):
        bilinear(*[ae.randn(*s) for s in shapes])


WEIGHT = np.arange(12.0).reshape(6, 2)


def _bag_call(indices, offsets=None, psw=None, **kw):
    w = ae.tensor(WEIGHT, requires_grad=True)
    p = None if psw is None else ae.tensor(np.asarray(psw, float), requires_grad=True)
    out = embedding_bag(ae.tensor(indices), w, None if offsets is None else ae.tensor(offsets),
                        per_sample_weights=p, **kw)
    if out.numel():
        (out * ae.tensor(np.arange(1.0, 1 + out.numel()).reshape(out.shape))).sum().backward()
    return (out.detach().numpy(), None if w.grad is None else w.grad.numpy(),
            None if p is None else p.grad.numpy())


G_INPUT, G_OFFSETS = [1, 2, 2, 4, 4, 3, 1], [0, 3, 3, 5]


@pytest.mark.parametrize("kw,out,grad", [
    (dict(mode="sum"), [[10, 13], [0, 0], [16, 18], [8, 10]],
     [[0, 0], [8, 10], [2, 4], [7, 8], [10, 12], [0, 0]]),
    (dict(mode="mean"), [[10 / 3, 13 / 3], [0, 0], [8, 9], [4, 5]],
     [[0, 0], [23 / 6, 14 / 3], [2 / 3, 4 / 3], [3.5, 4], [5, 6], [0, 0]]),
    (dict(mode="max"), [[4, 5], [0, 0], [8, 9], [6, 7]],
     [[0, 0], [0, 0], [1, 2], [7, 8], [5, 6], [0, 0]]),
    (dict(mode="mean", padding_idx=2), [[2, 3], [0, 0], [8, 9], [4, 5]],
     [[0, 0], [4.5, 6], [0, 0], [3.5, 4], [5, 6], [0, 0]]),
    (dict(mode="max", padding_idx=4), [[4, 5], [0, 0], [0, 0], [6, 7]],
     [[0, 0], [0, 0], [1, 2], [7, 8], [0, 0], [0, 0]]),
])
def test_embedding_bag_values_and_gradients_as_torch(kw, out, grad):
    values, dweight, _ = _bag_call(G_INPUT, G_OFFSETS, **kw)
    np.testing.assert_allclose(values, out)
    np.testing.assert_allclose(dweight, grad)


def test_embedding_bag_per_sample_weights_as_torch():
    values, dweight, dpsw = _bag_call(G_INPUT, G_OFFSETS, psw=np.arange(7.0), mode="sum",
                                      padding_idx=4)
    np.testing.assert_allclose(dweight, [[0, 0], [42, 48], [3, 6], [35, 40], [0, 0], [0, 0]])
    np.testing.assert_allclose(dpsw, [8, 14, 14, 0, 0, 98, 38])


def test_embedding_bag_offsets_and_include_last_offset_as_torch():
    inp = [1, 2, 4, 5, 4, 3]
    np.testing.assert_allclose(_bag_call(inp, [0, 2, 6], mode="sum",
                                         include_last_offset=True)[0], [[6, 8], [32, 36]])
    np.testing.assert_allclose(_bag_call(inp, [0, 6], mode="sum")[0], [[38, 44], [0, 0]])
    np.testing.assert_allclose(_bag_call(inp, [0, 0, 3, 3], mode="mean")[0],
                               [[0, 0], [14 / 3, 17 / 3], [0, 0], [8, 9]])
    np.testing.assert_allclose(_bag_call(inp, [0, 2, 4], mode="mean", padding_idx=-2)[0],
                               [[3, 4], [10, 11], [6, 7]])
    assert _bag_call(np.array([], np.int64), [0], mode="sum",
                     include_last_offset=True)[0].shape == (0, 2)
    values, dweight, _ = _bag_call(np.array([], np.int64), [0, 0])
    assert not values.any() and values.shape == (2, 2) and not dweight.any()


def test_embedding_bag_max_ties_go_to_the_first_row():
    w = ae.tensor([[1.0, 5.0], [3.0, 2.0], [3.0, 5.0]], requires_grad=True)
    out = embedding_bag(ae.tensor([[0, 1, 2]]), w, mode="max")
    out.sum().backward()
    np.testing.assert_array_equal(out.detach().numpy(), [[3, 5]])
    np.testing.assert_array_equal(w.grad.numpy(), [[0, 1], [1, 0], [0, 0]])


def test_embedding_bag_scale_grad_by_freq_divides_by_the_count_in_the_input():
    """As F.embedding(scale_grad_by_freq=True). (PyTorch 2.13's CPU embedding_bag divides
    some rows by another index's count, pytorch/pytorch#190063: [0, 1, 0, 0.5] here.)"""
    w = ae.ones(4, 1, requires_grad=True)
    embedding_bag(ae.tensor([1, 1, 3]), w, ae.tensor([0]), mode="sum",
                  scale_grad_by_freq=True).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy().ravel(), [0, 1, 0, 1])


def test_embedding_bag_module_defaults():
    ae.manual_seed(0)
    bag = EmbeddingBag(10, 3, padding_idx=2)
    assert bag.mode == "mean" and not bag.include_last_offset and bag.max_norm is None
    assert not bag.weight.detach().numpy()[2].any() and bag.weight.detach().numpy().std() > 0.5
    assert repr(bag) == "EmbeddingBag(10, 3, mode='mean', padding_idx=2)"
    with pytest.raises(AssertionError, match="padding_idx must be within num_embeddings"):
        EmbeddingBag(10, 3, padding_idx=10)
    assert EmbeddingBag(5, 2, padding_idx=-1).padding_idx == 4


@pytest.mark.parametrize("call,exc,message", [
    (lambda w: embedding_bag(ae.tensor([1, 2, 4]), w, ae.tensor([1, 2])), RuntimeError,
     r"offsets\[0\] has to be 0"),
    (lambda w: embedding_bag(ae.tensor([1, 2]), w, ae.tensor([0, 3])), RuntimeError,
     r"offsets\[-1\] can not be greater than input's length 2"),
    (lambda w: embedding_bag(ae.tensor([1, 9]), w, ae.tensor([0])), RuntimeError,
     r"Index 1 of input takes value 9 which is not in the valid range \[0, 6\)"),
    (lambda w: embedding_bag(ae.tensor([[1, 2]]), w, ae.tensor([0])), ValueError,
     "if input is 2D, then offsets has to be None"),
    (lambda w: embedding_bag(ae.tensor([1, 2]), w), ValueError,
     "offsets has to be a 1D Tensor but got None"),
    (lambda w: embedding_bag(ae.tensor([[1, 2]]), w, mode="avg"), ValueError,
     "mode has to be one of sum, mean or max"),
    (lambda w: embedding_bag(ae.tensor([[1, 2]]), w, per_sample_weights=ae.ones(1, 2)),
     NotImplementedError, "only supported for mode='sum'"),
    (lambda w: embedding_bag(ae.tensor([[1, 2]]), w, mode="max", scale_grad_by_freq=True),
     ValueError, "max mode does not support scaling the gradient by the frequency"),
    (lambda w: embedding_bag(ae.tensor([[1, 2]]), w, padding_idx=6), RuntimeError,
     "padding_idx must be within the number of embeddings, -6 through 5, but got 6"),
    (lambda w: embedding_bag(ae.tensor([[1, 2]]), w, mode="sum", sparse=True),
     NotImplementedError, "sparse"),
])
def test_embedding_bag_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call(ae.tensor(WEIGHT))


@pytest.mark.parametrize("kw", [dict(mode="sum"), dict(mode="mean", padding_idx=3),
                                dict(mode="max"), dict(mode="sum", padding_idx=1,
                                                       include_last_offset=True)])
def test_embedding_bag_gradcheck_every_order(kw):
    rng = np.random.default_rng(1)
    weight = ae.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    indices = ae.tensor([1, 3, 3, 0, 4, 1, 2])
    offsets = ae.tensor([0, 2, 2, 7] if kw.get("include_last_offset") else [0, 2, 2])

    def fn(w):
        return embedding_bag(indices, w, offsets, **kw)

    assert gradcheck(fn, (weight,))
    assert gradgradcheck(fn, (weight,))


def test_embedding_bag_per_sample_weights_gradcheck_every_order():
    rng = np.random.default_rng(2)
    weight = ae.tensor(rng.standard_normal((5, 2)), requires_grad=True)
    psw = ae.tensor(rng.standard_normal(6), requires_grad=True)

    def fn(w, p):
        return embedding_bag(ae.tensor([1, 3, 3, 0, 4, 1]), w, ae.tensor([0, 4]),
                             mode="sum", per_sample_weights=p, padding_idx=0)

    assert gradcheck(fn, (weight, psw))
    assert gradgradcheck(fn, (weight, psw))


def test_bilinear_gradcheck_every_order():
    rng = np.random.default_rng(3)
    inputs = tuple(ae.tensor(rng.standard_normal(s), requires_grad=True)
                   for s in ((3, 2), (3, 4), (2, 2, 4), (2,)))
    assert gradcheck(bilinear, inputs)
    assert gradgradcheck(bilinear, inputs)
