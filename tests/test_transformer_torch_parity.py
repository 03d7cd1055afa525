"""nn.TransformerEncoderLayer, TransformerDecoderLayer, TransformerEncoder,
TransformerDecoder and Transformer against torch 2.13: torch's state_dict loaded into ours
(eval mode, dropout 0, float64), outputs and every gradient for batch_first, norm_first,
gelu and callable activations, bias=False, bool and float masks, key padding (a batch
element fully padded too), causal hints, unbatched inputs; state dict keys, init, reprs,
warnings and errors; and the one documented difference, torch's inference fast path."""
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.nn import GELU
from autograd_engine.nn.transformer import (Transformer, TransformerDecoder,
                                            TransformerDecoderLayer, TransformerEncoder,
                                            TransformerEncoderLayer)

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore:Support for mismatched",
                                        "ignore:enable_nested_tensor")
RNG = np.random.default_rng(11)
TOL = dict(rtol=1e-10, atol=1e-12)


def _copy(ours, theirs):
    """theirs' state dict loaded into ours; both in eval mode."""
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: ae.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    return ours.eval(), theirs.eval()


def _pair(*shape):
    a = RNG.standard_normal(shape)
    return ae.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _masks(mask):
    """(ours, torch's) of a numpy mask, or (None, None)."""
    return (None, None) if mask is None else (ae.tensor(mask), torch.tensor(mask))


def _check(ours, theirs, inputs_a, inputs_t, out_a, out_t):
    """Values, input gradients and every parameter gradient agree."""
    np.testing.assert_allclose(out_a.detach().numpy(), out_t.detach().numpy(), **TOL)
    weight = RNG.standard_normal(out_a.shape)
    (out_a * ae.tensor(weight)).sum().backward()
    (out_t * torch.tensor(weight)).sum().backward()
    for a, t in zip(inputs_a, inputs_t):
        np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), **TOL)
    for (name, pa), pt in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(pa.grad.numpy(), pt.grad.numpy(), **TOL, err_msg=name)


def _padding(batch, length, full_row=False):
    mask = np.zeros((batch, length), bool)
    mask[0, length - 2:] = True
    if full_row:
        mask[-1] = True
    return mask


ENCODER_CONFIGS = [
    dict(),
    dict(batch_first=True),
    dict(norm_first=True),
    dict(activation="gelu", batch_first=True, norm_first=True),
    dict(bias=False),
    dict(layer_norm_eps=1e-3, dim_feedforward=7),
]


def _layers(kind, cfg, d_model=8, nhead=2):
    args = dict(dim_feedforward=12, dropout=0.0, dtype=torch.float64)
    args.update(cfg)
    callable_activation = args.get("activation") == "callable"
    if callable_activation:
        args["activation"] = torch.nn.functional.silu
    theirs = getattr(torch.nn, kind)(d_model, nhead, **args)
    args["dtype"] = ae.float64
    if callable_activation:
        args["activation"] = F.silu
    ours = {"TransformerEncoderLayer": TransformerEncoderLayer,
            "TransformerDecoderLayer": TransformerDecoderLayer}[kind](d_model, nhead, **args)
    return _copy(ours, theirs)


def _seq(length, batch, batch_first, d_model=8):
    return _pair(batch, length, d_model) if batch_first else _pair(length, batch, d_model)


@pytest.mark.parametrize("cfg", ENCODER_CONFIGS + [dict(activation="callable")])
@pytest.mark.parametrize("masks", ["none", "bool", "float", "mixed", "causal-3d"])
def test_encoder_layer(cfg, masks):
    ours, theirs = _layers("TransformerEncoderLayer", cfg)
    xa, xt = _seq(5, 3, cfg.get("batch_first", False))
    attn = kpm = None
    if masks != "none":
        kpm = _padding(3, 5, full_row=masks == "bool")
        attn = RNG.random((5, 5)) < 0.3
        np.fill_diagonal(attn, False)
    if masks in ("float", "mixed"):
        attn = np.where(attn, -np.inf, RNG.standard_normal((5, 5)))
    if masks == "float":
        kpm = np.where(kpm, -1e9, 0.0)
    if masks == "causal-3d":
        attn = np.broadcast_to(np.triu(np.ones((5, 5), bool), 1), (3 * 2, 5, 5)).copy()
    (ma, mt), (ka, kt) = _masks(attn), _masks(kpm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the mixed masks' deprecation warning
        out_a = ours(xa, src_mask=ma, src_key_padding_mask=ka)
        out_t = theirs(xt, src_mask=mt, src_key_padding_mask=kt)
    _check(ours, theirs, [xa], [xt], out_a, out_t)


@pytest.mark.parametrize("cfg", ENCODER_CONFIGS + [dict(activation="callable")])
def test_decoder_layer(cfg):
    ours, theirs = _layers("TransformerDecoderLayer", cfg)
    batch_first = cfg.get("batch_first", False)
    (ta, tt), (ma_, mt_) = _seq(4, 3, batch_first), _seq(6, 3, batch_first)
    causal = np.triu(np.ones((4, 4), bool), 1)
    memory_mask = np.where(RNG.random((4, 6)) < 0.3, -np.inf, 0.0)
    memory_mask[:, 0] = 0.0
    (ca, ct), (mma, mmt) = _masks(causal), _masks(memory_mask)
    (tka, tkt), (mka, mkt) = _masks(_padding(3, 4)), _masks(_padding(3, 6, full_row=True))
    out_a = ours(ta, ma_, tgt_mask=ca, memory_mask=mma, tgt_key_padding_mask=tka,
                 memory_key_padding_mask=mka)
    out_t = theirs(tt, mt_, tgt_mask=ct, memory_mask=mmt, tgt_key_padding_mask=tkt,
                   memory_key_padding_mask=mkt)
    _check(ours, theirs, [ta, ma_], [tt, mt_], out_a, out_t)


@pytest.mark.parametrize("kind", ["TransformerEncoderLayer", "TransformerDecoderLayer"])
def test_unbatched(kind):
    ours, theirs = _layers(kind, dict(batch_first=True))
    xa, xt = _pair(5, 8)
    kpm = np.array([False, False, True, False, True])
    (ka, kt) = _masks(kpm)
    if kind == "TransformerEncoderLayer":
        out_a, out_t = ours(xa, src_key_padding_mask=ka), theirs(xt, src_key_padding_mask=kt)
        _check(ours, theirs, [xa], [xt], out_a, out_t)
    else:
        ma_, mt_ = _pair(3, 8)
        out_a = ours(xa, ma_, tgt_key_padding_mask=ka)
        out_t = theirs(xt, mt_, tgt_key_padding_mask=kt)
        _check(ours, theirs, [xa, ma_], [xt, mt_], out_a, out_t)


@pytest.mark.parametrize("batch_first", [False, True])
def test_causal_hint_replaces_a_wrong_mask_as_torch(batch_first):
    """With is_causal=True and no key padding, torch's attention applies the causal mask,
    not the mask given; a hint with padding uses the mask."""
    ours, theirs = _layers("TransformerEncoderLayer", dict(batch_first=batch_first))
    wrong = RNG.random((5, 5)) < 0.3
    np.fill_diagonal(wrong, False)
    (ma, mt) = _masks(wrong)
    for padding in (None, _padding(3, 5)):
        (ka, kt) = _masks(padding)
        xa, xt = _seq(5, 3, batch_first)
        out_a = ours(xa, src_mask=ma, src_key_padding_mask=ka, is_causal=True)
        out_t = theirs(xt, src_mask=mt, src_key_padding_mask=kt, is_causal=True)
        _check(ours, theirs, [xa], [xt], out_a, out_t)
        ours.zero_grad()
        theirs.zero_grad()


@pytest.mark.parametrize("cfg", [dict(), dict(batch_first=True, norm_first=True)])
@pytest.mark.parametrize("with_norm", [False, True])
def test_encoder_stack(cfg, with_norm):
    ours_layer, theirs_layer = _layers("TransformerEncoderLayer", cfg)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's nested-tensor notice
        theirs = torch.nn.TransformerEncoder(
            theirs_layer, 3, torch.nn.LayerNorm(8, dtype=torch.float64) if with_norm else None)
    ours = TransformerEncoder(ours_layer, 3, ae.nn.LayerNorm(8, dtype=ae.float64)
                              if with_norm else None)
    ours, theirs = _copy(ours, theirs)
    xa, xt = _seq(5, 3, cfg.get("batch_first", False))
    causal = Transformer.generate_square_subsequent_mask(5, dtype=ae.float64)
    causal_t = torch.nn.Transformer.generate_square_subsequent_mask(5, dtype=torch.float64)
    (ka, kt) = _masks(_padding(3, 5))
    out_a = ours(xa, mask=causal, src_key_padding_mask=ka)
    out_t = theirs(xt, mask=causal_t, src_key_padding_mask=kt)
    _check(ours, theirs, [xa], [xt], out_a, out_t)


def test_decoder_stack_detects_a_bool_causal_mask():
    ours_layer, theirs_layer = _layers("TransformerDecoderLayer", dict(norm_first=True))
    ours = TransformerDecoder(ours_layer, 2, ae.nn.LayerNorm(8, dtype=ae.float64))
    theirs = torch.nn.TransformerDecoder(theirs_layer, 2, torch.nn.LayerNorm(8, dtype=torch.float64))
    ours, theirs = _copy(ours, theirs)
    (ta, tt), (ma_, mt_) = _pair(4, 2, 8), _pair(6, 2, 8)
    (ca, ct) = _masks(np.triu(np.ones((4, 4), bool), 1))
    _check(ours, theirs, [ta, ma_], [tt, mt_], ours(ta, ma_, tgt_mask=ca),
           theirs(tt, mt_, tgt_mask=ct))


@pytest.mark.parametrize("cfg", [dict(), dict(batch_first=True, norm_first=True,
                                              activation="gelu"), dict(bias=False)])
def test_transformer(cfg):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.Transformer(8, 2, 2, 2, 12, dropout=0.0, dtype=torch.float64, **cfg)
    ours, theirs = _copy(Transformer(8, 2, 2, 2, 12, dropout=0.0, dtype=ae.float64, **cfg),
                         theirs)
    batch_first = cfg.get("batch_first", False)
    (sa, st_), (ta, tt) = _seq(5, 3, batch_first), _seq(4, 3, batch_first)
    masks = dict(tgt_mask=np.triu(np.ones((4, 4), bool), 1),
                 src_key_padding_mask=_padding(3, 5), memory_key_padding_mask=_padding(3, 5),
                 tgt_key_padding_mask=_padding(3, 4))
    ours_masks = {k: ae.tensor(v) for k, v in masks.items()}
    theirs_masks = {k: torch.tensor(v) for k, v in masks.items()}
    _check(ours, theirs, [sa, ta], [st_, tt], ours(sa, ta, **ours_masks),
           theirs(st_, tt, **theirs_masks))


@settings(max_examples=12)
@given(length=st.integers(1, 6), batch=st.integers(1, 3), nhead=st.sampled_from([1, 2, 4]),
       batch_first=st.booleans(), norm_first=st.booleans())
def test_encoder_layer_random_shapes(length, batch, nhead, batch_first, norm_first):
    ours, theirs = _layers("TransformerEncoderLayer", dict(batch_first=batch_first,
                                                           norm_first=norm_first), nhead=nhead)
    xa, xt = _seq(length, batch, batch_first)
    _check(ours, theirs, [xa], [xt], ours(xa), theirs(xt))


def test_training_mode_with_dropout_zero_matches():
    ours, theirs = _layers("TransformerEncoderLayer", dict(batch_first=True))
    ours.train()
    theirs.train()
    xa, xt = _pair(2, 5, 8)
    _check(ours, theirs, [xa], [xt], ours(xa), theirs(xt))


def test_state_dict_keys_reprs_and_defaults():
    for kind in ("TransformerEncoderLayer", "TransformerDecoderLayer"):
        ours = {"TransformerEncoderLayer": TransformerEncoderLayer,
                "TransformerDecoderLayer": TransformerDecoderLayer}[kind](8, 2)
        theirs = getattr(torch.nn, kind)(8, 2)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert [tuple(v.shape) for v in ours.state_dict().values()] == \
            [tuple(v.shape) for v in theirs.state_dict().values()]
        assert ours.linear1.out_features == 2048 and ours.dropout.p == 0.1
        assert ours.norm1.eps == 1e-5 and not ours.norm_first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.Transformer(16, 2, 1, 1, 8)
    ours = Transformer(16, 2, 1, 1, 8)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert ours.d_model == 16 and ours.nhead == 2 and not ours.batch_first
    layer = TransformerEncoderLayer(4, 2, 8, activation=GELU())
    layer_t = torch.nn.TransformerEncoderLayer(4, 2, 8, activation=torch.nn.GELU())
    assert repr(layer).replace("Linear(in_features=4, out_features=4", "") == \
        repr(layer_t).replace("NonDynamicallyQuantizableLinear(in_features=4, out_features=4", "")
    assert layer.activation_relu_or_gelu == layer_t.activation_relu_or_gelu == 2


def test_initialisation_bounds_as_torch():
    """Transformer re-draws every matrix Xavier-uniform: bound sqrt(6 / (fan_in + fan_out))."""
    ae.manual_seed(0)
    ours = Transformer(32, 4, 1, 1, 64)
    for name, p in ours.named_parameters():
        if p.ndim > 1:
            bound = np.sqrt(6 / sum(p.shape[:2]))
            assert np.abs(p.data).max() <= bound and np.abs(p.data).max() > 0.9 * bound, name
        elif name.endswith("in_proj_bias") or name.endswith("out_proj.bias"):
            assert not p.data.any(), name


@pytest.mark.parametrize("sz,dtype", [(4, None), (3, torch.float64), (1, None), (0, None)])
def test_generate_square_subsequent_mask(sz, dtype):
    ours = Transformer.generate_square_subsequent_mask(sz, dtype=None if dtype is None
                                                       else ae.float64)
    theirs = torch.nn.Transformer.generate_square_subsequent_mask(sz, dtype=dtype)
    assert ours.dtype == np.dtype(str(theirs.dtype).split(".")[1])
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_mixed_mask_warnings_as_torch():
    ours, theirs = _layers("TransformerEncoderLayer", dict())
    xa, xt = _pair(5, 2, 8)
    kpm, attn = _padding(2, 5), np.zeros((5, 5))
    for model, x, to in ((ours, xa, ae.tensor), (theirs, xt, torch.tensor)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model(x, src_mask=to(attn), src_key_padding_mask=to(kpm))
        messages = [str(w.message) for w in caught]
        assert any("mismatched src_key_padding_mask and src_mask" in m for m in messages)


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return type(exc)
    return None


OURS = SimpleNamespace(TransformerEncoderLayer=TransformerEncoderLayer,
                       TransformerDecoderLayer=TransformerDecoderLayer,
                       TransformerEncoder=TransformerEncoder, Transformer=Transformer)
ERROR_CASES = {
    "nhead does not divide d_model": lambda nn, x: nn.TransformerEncoderLayer(8, 3),
    "unknown activation": lambda nn, x: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
    "causal hint without mask": lambda nn, x: nn.TransformerEncoderLayer(8, 2)(
        x, is_causal=True),
    "integer padding mask": lambda nn, x: nn.TransformerEncoderLayer(8, 2)(
        x, src_key_padding_mask=x[:, :, 0].T.long()),
    "integer attention mask": lambda nn, x: nn.TransformerDecoderLayer(8, 2)(
        x, x, tgt_mask=x[:, 0, :5].long()),
    "mask of the wrong size": lambda nn, x: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(8, 2), 1)(x, mask=x[:4, 0, :4]),
    "padding mask of the wrong size": lambda nn, x: nn.TransformerEncoderLayer(8, 2)(
        x, src_key_padding_mask=x[:, :2, 0].T > 0),
    "src and tgt batches differ": lambda nn, x: nn.Transformer(8, 2, 1, 1, 8)(x, x[:, :2]),
    "d_model differs": lambda nn, x: nn.Transformer(6, 2, 1, 1, 8)(x, x),
    "3-d src_key_padding_mask": lambda nn, x: nn.TransformerEncoderLayer(8, 2)(
        x, src_key_padding_mask=x > 0),
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_errors_as_torch(name):
    case = ERROR_CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as theirs:
            case(torch.nn, torch.randn(5, 3, 8))
        with pytest.raises(theirs.type):
            case(OURS, ae.randn(5, 3, 8))


def test_inference_fast_path_difference_is_documented():
    """torch's encoder in eval mode under no_grad with batch_first and a padding mask runs on
    nested tensors and returns zeros at padded positions; ours (like torch's training path)
    computes them. Unpadded positions agree."""
    ours_layer, theirs_layer = _layers("TransformerEncoderLayer", dict(batch_first=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.nn.TransformerEncoder(theirs_layer, 2)
        ours, theirs = _copy(TransformerEncoder(ours_layer, 2), theirs)
        x = RNG.standard_normal((3, 5, 8))
        kpm = _padding(3, 5)
        with torch.no_grad():
            fast = theirs(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm)).numpy()
        slow = theirs(torch.tensor(x, requires_grad=True),
                      src_key_padding_mask=torch.tensor(kpm)).detach().numpy()
    with ae.no_grad():
        mine = ours(ae.tensor(x), src_key_padding_mask=ae.tensor(kpm)).numpy()
    np.testing.assert_allclose(mine, slow, **TOL)
    np.testing.assert_allclose(mine[~kpm], fast[~kpm], **TOL)
    assert not fast[kpm].any() and mine[kpm].all()


def test_transformer_unbatched():
    theirs = torch.nn.Transformer(8, 2, 1, 1, 12, dropout=0.0, dtype=torch.float64)
    ours, theirs = _copy(Transformer(8, 2, 1, 1, 12, dropout=0.0, dtype=ae.float64), theirs)
    (sa, st_), (ta, tt) = _pair(5, 8), _pair(3, 8)
    padding = np.array([False, False, True, False, False])
    _check(ours, theirs, [sa, ta], [st_, tt],
           ours(sa, ta, tgt_mask=Transformer.generate_square_subsequent_mask(3, dtype=ae.float64),
                src_key_padding_mask=ae.tensor(padding)),
           theirs(st_, tt, tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(
               3, dtype=torch.float64), src_key_padding_mask=torch.tensor(padding)))
