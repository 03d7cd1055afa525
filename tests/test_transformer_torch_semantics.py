"""The Transformer layers: torch 2.13's outputs and gradients for fixed parameters written
out (post-norm encoder layer with key padding, pre-norm gelu decoder layer with a causal
mask, a whole Transformer); the causal mask, causal-hint detection and its effect,
deep-copied stacks, training-mode dropout, errors; gradcheck and gradgradcheck in float64."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.autograd import gradcheck, gradgradcheck
from autograd_engine.nn.transformer import (Transformer, TransformerDecoder,
                                            TransformerDecoderLayer, TransformerEncoder,
                                            TransformerEncoderLayer)


def _fill(model):
    """Every parameter, in order j, set to 0.5 sin(0.37 i + j) (the values torch's results
    below were computed with); eval mode."""
    for j, (_, p) in enumerate(model.named_parameters()):
        p.data[...] = (0.5 * np.sin(0.37 * np.arange(p.numel()) + j)).reshape(p.shape)
    return model.eval()


def _x(*shape, k=0.3):
    return ae.tensor(np.cos(k * np.arange(np.prod(shape))).reshape(shape), requires_grad=True)


def _w(shape):
    return ae.tensor(np.sin(0.7 * np.arange(np.prod(shape))).reshape(shape))


def test_encoder_layer_with_key_padding_as_torch():
    layer = _fill(TransformerEncoderLayer(4, 2, 6, dropout=0.0, dtype=ae.float64))
    x = _x(3, 2, 4)
    y = layer(x, src_key_padding_mask=ae.tensor([[False, False, True], [False, False, False]]))
    (y * _w(y.shape)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [
        [[-0.78833625085, -0.845324750493, 0.099189657247, 0.292423232316],
         [-0.80863609198, -0.807335104414, 0.039573635028, 0.344150116116]],
        [[-0.308522981004, -0.959424009856, -0.712840094316, 0.389852160572],
         [-0.159060416453, -0.959325653061, -0.708196885861, 0.112023848182]],
        [[-0.306661600115, -1.117896061446, -0.391675422395, 0.250891658231],
         [-0.770042587729, -0.873213550909, 0.095688101223, 0.296790828982]]], atol=1e-11)
    np.testing.assert_allclose(x.grad.numpy(), [
        [[0.239718249602, 0.019434018366, 0.332379392973, 0.494597797208],
         [-0.18405305565, 0.08917126964, -0.113243802236, -0.12412363703]],
        [[0.70236251065, 0.364451388447, 0.027780880737, -0.245443320336],
         [-0.622614251035, -0.679565449717, 0.107778642895, 0.66853750488]],
        [[1.62302341843, 0.508879926606, 0.028079089246, -0.891671948493],
         [0.248918851211, 0.05009871431, -0.1766920897, 0.131999787594]]], atol=1e-11)
    np.testing.assert_allclose(layer.linear1.weight.grad.numpy().sum(1), [
        0.0, 0.0, 0.0, 0.107496004609, 0.029613266182, -0.105090085637], atol=1e-11)
    np.testing.assert_allclose(layer.self_attn.in_proj_weight.grad.numpy().sum(1), [
        0.014405808083, -0.152250233283, 0.033895290583, -1.383405631684, 0.113591878104,
        -0.046401928378, -0.12087738574, -0.690247522911, 2.137357561583, 1.342047182806,
        0.409139759613, 0.01008184541], atol=1e-11)


def test_norm_first_gelu_decoder_layer_with_causal_mask_as_torch():
    layer = _fill(TransformerDecoderLayer(4, 2, 6, dropout=0.0, activation="gelu",
                                          norm_first=True, batch_first=True,
                                          dtype=ae.float64))
    tgt, memory = _x(2, 3, 4, k=0.45), _x(2, 2, 4, k=0.2)
    y = layer(tgt, memory, tgt_mask=Transformer.generate_square_subsequent_mask(
        3, dtype=ae.float64), memory_key_padding_mask=ae.tensor([[False, True],
                                                                 [False, False]]))
    (y * _w(y.shape)).sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [
        [[1.530638116777, 1.783495935404, 0.145891831985, -1.156046785719],
         [0.322630903077, 0.26292953835, -1.39283087687, -2.37990798946],
         [-0.26167484095, 0.260780844258, -0.793936780623, -1.164654649011]],
        [[-0.170216785321, 2.074704417047, 1.870286268473, -0.625058579053],
         [-0.202079213519, 1.35711712892, 0.648541194916, -2.088683796792],
         [-1.715832612631, 0.181632945975, -0.014718009304, -2.128689335197]]], atol=1e-11)
    np.testing.assert_allclose(tgt.grad.numpy(), [
        [[-0.013227192787, 0.655858797863, 0.991811825473, 0.858433353326],
         [0.346766802173, -0.373358990548, -0.885373182862, -0.957858091335],
         [-0.658782082265, 0.042620509096, 0.675908123213, 0.970955545164]],
        [[0.817935548204, 0.017136805362, -0.468107885213, -0.439442087139],
         [-0.999308902162, -0.60161610196, 0.049489605193, 0.657313366959],
         [1.019181144235, 0.838024052819, 0.291631786318, -0.391435856972]]], atol=1e-11)
    np.testing.assert_allclose(memory.grad.numpy(), [
        [[-0.158047377285, -0.243857044093, -0.296661803969, -0.30931478038],
         [0.0, 0.0, 0.0, 0.0]],
        [[-0.068238506339, -0.037481908936, -0.001652310994, 0.03440091949],
         [0.113187845646, 0.170719813954, 0.205145656326, 0.211805996496]]], atol=1e-11)


def test_transformer_as_torch():
    model = _fill(Transformer(4, 2, 1, 1, 6, dropout=0.0, dtype=ae.float64))
    src, tgt = _x(3, 1, 4, k=0.6), _x(2, 1, 4, k=0.25)
    y = model(src, tgt)
    y.sum().backward()
    np.testing.assert_allclose(y.detach().numpy(), [
        [[0.120547086933, 0.9710024506, 0.651081574502, -0.01098122086]],
        [[0.120806246714, 0.905027793102, 0.76003887951, -0.042695191028]]], atol=1e-11)
    np.testing.assert_allclose(src.grad.numpy(), [
        [[0.000323794859, -9.3954455e-05, -0.000243094916, 0.000108539675]],
        [[-6.0672815e-05, -0.00013272541, 2.7669447e-05, 1.672986e-05]],
        [[0.000184198238, 0.000499539302, -0.000184823424, 0.00026831163]]], atol=1e-11)


def test_generate_square_subsequent_mask():
    mask = Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == np.float32 and not mask.requires_grad
    np.testing.assert_array_equal(mask.numpy(), [[0, -np.inf, -np.inf], [0, 0, -np.inf],
                                                 [0, 0, 0]])
    model = Transformer(4, 2, 1, 1, 4)
    assert model.generate_square_subsequent_mask(2, dtype=ae.float64).dtype == np.float64
    assert Transformer.generate_square_subsequent_mask(0).shape == (0, 0)


def test_encoder_detects_causal_masks_and_passes_the_hint(monkeypatch):
    seen = []
    original = TransformerEncoderLayer.forward

    def spy(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        seen.append(is_causal)
        return original(self, src, src_mask, src_key_padding_mask, is_causal)

    monkeypatch.setattr(TransformerEncoderLayer, "forward", spy)
    encoder = TransformerEncoder(TransformerEncoderLayer(4, 2, 6), 2)
    x = ae.randn(3, 2, 4)
    causal = np.triu(np.ones((3, 3), bool), 1)
    for mask, hint, expected in [(causal, None, True), (np.where(causal, -np.inf, 0.0), None,
                                                        True),
                                 (~causal, None, False), (None, None, False),
                                 (causal, False, False), (np.zeros((3, 3), bool), True, True),
                                 (np.broadcast_to(causal, (4, 3, 3)).copy(), None, False)]:
        seen.clear()
        encoder(x, mask=None if mask is None else ae.tensor(mask), is_causal=hint)
        assert seen == [expected] * 2, (mask, hint)


def test_a_causal_hint_without_padding_applies_the_causal_mask():
    """As torch's attention: is_causal=True trusts the hint (the mask given is ignored)
    unless a key padding mask is given too."""
    layer = TransformerEncoderLayer(4, 2, 6, dropout=0.0).eval().requires_grad_(False)
    x = ae.randn(3, 2, 4)
    causal = ae.tensor(np.triu(np.ones((3, 3), bool), 1))
    other = ae.tensor(np.array([[False, True, False], [True, False, False],
                                [False, False, False]]))
    np.testing.assert_array_equal(layer(x, other, is_causal=True).numpy(),
                                  layer(x, causal).numpy())
    padding = ae.tensor(np.zeros((2, 3), bool))
    np.testing.assert_allclose(layer(x, other, padding, is_causal=True).numpy(),
                               layer(x, other).numpy(), rtol=1e-6, atol=1e-6)
    assert np.abs(layer(x, other).numpy() - layer(x, causal).numpy()).max() > 1e-3


def test_stacks_are_deep_copies_with_the_norm_last():
    layer = TransformerEncoderLayer(4, 2, 6)
    encoder = TransformerEncoder(layer, 3, norm=ae.nn.LayerNorm(4), enable_nested_tensor=False)
    assert len(encoder.layers) == encoder.num_layers == 3
    weights = [m.linear1.weight for m in encoder.layers]
    assert len({id(w) for w in weights}) == 3 and weights[0] is not layer.linear1.weight
    np.testing.assert_array_equal(weights[1].detach().numpy(),
                                  layer.linear1.weight.detach().numpy())
    assert list(encoder.state_dict())[-2:] == ["norm.weight", "norm.bias"]
    assert encoder.enable_nested_tensor is False and encoder.mask_check
    decoder = TransformerDecoder(TransformerDecoderLayer(4, 2, 6), 2)
    assert decoder.norm is None and len(list(decoder.parameters())) == 2 * 18


def test_dropout_in_training_mode_only_and_reproducible():
    layer = TransformerEncoderLayer(8, 2, 16, dropout=0.5).requires_grad_(False)
    x = ae.randn(4, 3, 8)
    ae.manual_seed(3)
    first = layer(x).numpy()
    ae.manual_seed(3)
    np.testing.assert_array_equal(layer(x).numpy(), first)
    assert np.abs(layer(x).numpy() - first).max() > 1e-3
    layer.eval()
    np.testing.assert_array_equal(layer(x).numpy(), layer(x).numpy())


def test_bias_false_drops_every_bias():
    layer = TransformerDecoderLayer(4, 2, 6, bias=False)
    names = [n for n, _ in layer.named_parameters()]
    assert not any("bias" in n for n in names)
    assert names == ["self_attn.in_proj_weight", "self_attn.out_proj.weight",
                     "multihead_attn.in_proj_weight", "multihead_attn.out_proj.weight",
                     "linear1.weight", "linear2.weight", "norm1.weight", "norm2.weight",
                     "norm3.weight"]


@pytest.mark.parametrize("make,exc,message", [
    (lambda: TransformerEncoderLayer(4, 2, activation="tanh"), RuntimeError,
     "activation should be relu/gelu, not tanh"),
    (lambda: TransformerEncoderLayer(6, 4), AssertionError, "divisible by num_heads"),
    (lambda: TransformerEncoderLayer(4, 2)(ae.randn(3, 2, 4), is_causal=True), RuntimeError,
     "Need attn_mask"),
    (lambda: TransformerEncoderLayer(4, 2)(ae.randn(3, 2, 4),
                                           src_key_padding_mask=ae.zeros(2, 3).long()),
     AssertionError, "only bool and floating types of src_key_padding_mask are supported"),
    (lambda: TransformerDecoderLayer(4, 2)(ae.randn(3, 2, 4), ae.randn(3, 2, 4),
                                           tgt_mask=ae.zeros(3, 3).long()),
     AssertionError, "only bool and floating types of attn_mask are supported"),
    (lambda: Transformer(4, 2, 1, 1, 4)(ae.randn(3, 2, 4), ae.randn(3, 1, 4)), RuntimeError,
     "the batch number of src and tgt must be equal"),
    (lambda: Transformer(4, 2, 1, 1, 4, batch_first=True)(ae.randn(2, 3, 4),
                                                          ae.randn(1, 3, 4)),
     RuntimeError, "the batch number of src and tgt must be equal"),
    (lambda: Transformer(4, 2, 1, 1, 4)(ae.randn(3, 2, 4), ae.randn(3, 2, 6)), RuntimeError,
     "the feature number of src and tgt must be equal to d_model"),
])
def test_errors(make, exc, message):
    with pytest.raises(exc, match=message):
        make()


def test_mismatched_mask_types_warn():
    layer = TransformerEncoderLayer(4, 2, 6)
    with pytest.warns(UserWarning, match="mismatched src_key_padding_mask and src_mask"):
        layer(ae.randn(3, 2, 4), src_mask=ae.zeros(3, 3),
              src_key_padding_mask=ae.tensor(np.zeros((2, 3), bool)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        layer(ae.randn(3, 2, 4), src_mask=ae.zeros(3, 3), src_key_padding_mask=ae.zeros(2, 3))


@pytest.mark.parametrize("kind", ["encoder", "decoder"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_gradcheck_every_order(kind, norm_first):
    """Inputs and parameters (perturbed in place by gradcheck), first and second order."""
    ae.manual_seed(0)
    mask = ae.tensor(np.array([[False, True, False], [False, False, False]]))
    if kind == "encoder":
        layer = TransformerEncoderLayer(4, 2, 5, dropout=0.0, norm_first=norm_first,
                                        activation="gelu", dtype=ae.float64)

        def fn(x, *parameters):
            return layer(x, src_key_padding_mask=mask)

        inputs = (ae.randn(3, 2, 4, dtype=ae.float64, requires_grad=True),)
    else:
        layer = TransformerDecoderLayer(4, 2, 5, dropout=0.0, norm_first=norm_first,
                                        batch_first=True, dtype=ae.float64)
        causal = Transformer.generate_square_subsequent_mask(2, dtype=ae.float64)

        def fn(x, memory, *parameters):
            return layer(x, memory, tgt_mask=causal, memory_key_padding_mask=mask)

        inputs = (ae.randn(2, 2, 4, dtype=ae.float64, requires_grad=True),
                  ae.randn(2, 3, 4, dtype=ae.float64, requires_grad=True))
    inputs += (layer.self_attn.in_proj_weight, layer.linear1.weight, layer.norm1.weight)
    assert gradcheck(fn, inputs)
    assert gradgradcheck(fn, inputs)
