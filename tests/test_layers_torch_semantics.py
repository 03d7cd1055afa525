"""Attention, pooling, dropout and activation layers: PyTorch 2.13's results at edge cases,
as literal values (fully masked attention rows, pooling size errors and int64 pooling,
constructor checks, the Hardsigmoid boundary, the shrink, pixel-shuffle and dropout layers)."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import grad

MASK = np.array([[True, True, False], [False, False, False]])  # query row 1 sees nothing


def _qkv():
    q = ae.tensor(np.array([[[0.5, -1.0], [2.0, 0.3]]]), requires_grad=True)
    k = ae.tensor(np.array([[[1.0, 0.0], [-0.5, 2.0], [0.3, 0.3]]]), requires_grad=True)
    v = ae.tensor(np.arange(6.0).reshape(1, 3, 2), requires_grad=True)
    return q, k, v


def test_sdpa_fully_masked_row_is_zero_with_finite_gradients():
    q, k, v = _qkv()
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=ae.tensor(MASK))
    np.testing.assert_array_equal(out.detach().numpy()[0, 1], [0.0, 0.0])
    gq, gk, gv = grad((out ** 2).sum(), (q, k, v), create_graph=True)
    for g in (gq, gk, gv):
        assert np.isfinite(g.detach().numpy()).all()
    np.testing.assert_array_equal(gq.detach().numpy()[0, 1], [0.0, 0.0])
    second = grad(gq.sum() + gk.sum() + gv.sum(), (q, k, v))
    assert all(np.isfinite(g.detach().numpy()).all() for g in second)


def test_sdpa_fully_masked_float_mask_row_gets_zero_gradient():
    q, k, v = _qkv()
    mask = ae.tensor(np.array([[0.0, 0.0, 0.0], [-np.inf] * 3]), requires_grad=True)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    out.sum().backward()
    np.testing.assert_array_equal(out.detach().numpy()[0, 1], [0.0, 0.0])
    np.testing.assert_array_equal(mask.grad.detach().numpy()[1], [0.0, 0.0, 0.0])
    torch_v_grad = [0.5635147494589917, 0.08061218845468071, 0.35587306208632763]
    np.testing.assert_allclose(v.grad.detach().numpy()[0],
                               np.repeat(torch_v_grad, 2).reshape(3, 2))
    np.testing.assert_allclose(mask.grad.detach().numpy()[0],
                               [-1.7860223840877705, 0.06695380333413237, 1.719068580753638])


def _mha():
    mha = nn.MultiheadAttention(4, 1)
    for p in mha.parameters():
        p.data[...] = 0.1
    return mha


def test_mha_all_padded_sequence_need_weights_false_gives_out_proj_bias():
    x = ae.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 1, 4), requires_grad=True)
    out, weights = _mha()(x, x, x, key_padding_mask=ae.tensor([[True, True, True]]),
                          need_weights=False)
    np.testing.assert_allclose(out.detach().numpy()[:, 0], np.full((3, 4), 0.1), rtol=1e-6)
    assert weights is None
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.zeros((3, 1, 4)))


def test_mha_all_padded_sequence_need_weights_true_is_nan_as_torch():
    x = ae.tensor(np.arange(12.0, dtype=np.float32).reshape(3, 1, 4))
    out, weights = _mha()(x, x, x, key_padding_mask=ae.tensor([[True, True, True]]))
    assert np.isnan(out.detach().numpy()).all() and np.isnan(weights.detach().numpy()).all()


def test_mha_input_errors_are_assertions():
    mha = nn.MultiheadAttention(8, 2)
    q = ae.zeros(4, 2, 8)
    with pytest.raises(AssertionError, match=r"key shape \(4, 2, 8\) does not match value "
                                             r"shape \(5, 2, 8\)"):
        mha(q, q, ae.zeros(5, 2, 8))
    with pytest.raises(AssertionError, match=r"key_padding_mask shape of \(2, 4\), but got "
                                             r"\(2, 5\)"):
        mha(q, q, q, key_padding_mask=ae.tensor(np.zeros((2, 5), bool)))
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        mha(q, q, q, attn_mask=ae.tensor(np.zeros((4, 4), np.int64)))
    for bad in (ae.zeros(8), ae.zeros(1, 3, 2, 8)):
        with pytest.raises(AssertionError, match="query should be unbatched 2D or batched 3D"):
            mha(bad, bad, bad)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(7, 2)


@pytest.mark.parametrize("call", [lambda x: F.avg_pool2d(x, 4), lambda x: nn.AvgPool2d(4)(x),
                                  lambda x: F.max_pool2d(x, 4)])
def test_pool_kernel_larger_than_input(call):
    with pytest.raises(RuntimeError, match=r"Given input size: \(1x3x3\). Calculated output "
                                           r"size: \(1x0x0\). Output size is too small"):
        call(ae.ones(1, 1, 3, 3))


def test_avg_pool2d_int64_truncates_like_torch():
    x = ae.tensor(np.arange(16).reshape(1, 1, 4, 4))
    np.testing.assert_array_equal(F.avg_pool2d(x, 2).detach().numpy(), [[[[2, 4], [10, 12]]]])
    np.testing.assert_array_equal(F.avg_pool2d(x - 8, 2, divisor_override=3).detach().numpy(),
                                  [[[[-7, -4], [3, 6]]]])
    y = ae.tensor(np.arange(9).reshape(1, 1, 3, 3))
    out = F.avg_pool2d(y, 2, ceil_mode=True, count_include_pad=False)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.detach().numpy(), [[[[2, 3], [6, 8]]]])
    with pytest.raises(NotImplementedError, match="'Int'"):
        F.avg_pool2d(ae.tensor(np.ones((1, 1, 4, 4), np.int32)), 2)


def test_adaptive_avg_pool2d_zero_output_is_empty():
    x = ae.ones(1, 1, 3, 3, requires_grad=True)
    out = nn.AdaptiveAvgPool2d(0)(x)
    assert out.shape == (1, 1, 0, 0)
    assert F.adaptive_avg_pool2d(x, (0, 2)).shape == (1, 1, 0, 2)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.zeros((1, 1, 3, 3)))


def test_activation_constructor_and_input_checks():
    with pytest.raises(AssertionError, match=r"max_val \(0.5\) must be greater than min_val "
                                             r"\(0.5\)"):
        nn.Hardtanh(0.5, 0.5)
    np.testing.assert_array_equal(F.hardtanh(ae.tensor([-1.0, 3.0]), 0.5, 0.5).detach().numpy(),
                                  [0.5, 0.5])
    with pytest.raises(RuntimeError, match="ZeroDivisionError: alpha cannot be 0 for CELU"):
        nn.CELU(0.0)(ae.ones(2))
    with pytest.raises(RuntimeError, match="parameter numbers = 4 and channel size = 1"):
        nn.PReLU(4)(ae.tensor([-1.0, 1.0, -2.0, 2.0]))


def test_hardsigmoid_gradient_just_below_3():
    x = ae.tensor(np.array([np.nextafter(np.float32(3), np.float32(0)), -2.9999998, 3.0],
                           np.float32), requires_grad=True)
    F.hardsigmoid(x).sum().backward()
    np.testing.assert_allclose(x.grad.detach().numpy(), [1 / 6, 1 / 6, 0.0], rtol=1e-6)


def test_shrink_and_threshold():
    x = ae.tensor([-1.0, -0.5, 0.0, 0.5, 0.6], requires_grad=True)
    np.testing.assert_allclose(F.hardshrink(x).detach().numpy(), [-1.0, 0.0, 0.0, 0.0, 0.6])
    np.testing.assert_allclose(nn.Softshrink()(x).detach().numpy(), [-0.5, 0.0, 0.0, 0.0, 0.1],
                               atol=1e-7)
    np.testing.assert_allclose(nn.Threshold(0.5, -7.0)(x).detach().numpy(), [-7, -7, -7, -7, 0.6])
    F.softshrink(x).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), [1, 0, 0, 0, 1])
    with pytest.raises(RuntimeError, match="lambda must be in range"):
        F.softshrink(x, -0.5)
    assert repr(nn.Hardshrink()) == "Hardshrink(0.5)"
    assert repr(nn.Threshold(1, 2)) == "Threshold(threshold=1, value=2)"


def test_pixel_shuffle_and_unshuffle():
    x = ae.tensor(np.arange(8.0).reshape(1, 8, 1, 1))
    y = F.pixel_shuffle(x, 2)
    np.testing.assert_array_equal(y.detach().numpy(), [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]])
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(y).detach().numpy(), x.detach().numpy())
    with pytest.raises(RuntimeError, match=r"input.size\(-3\)=6 is not divisible by 4"):
        F.pixel_shuffle(ae.zeros(1, 6, 1, 1), 2)
    with pytest.raises(RuntimeError, match=r"input.size\(-1\)=3 is not divisible by 2"):
        F.pixel_unshuffle(ae.zeros(1, 1, 2, 3), 2)
    assert repr(nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"


def test_channel_dropouts():
    ae.manual_seed(0)
    with pytest.warns(UserWarning, match="Received a 5-D input to dropout2d"):
        assert nn.Dropout2d(0.5)(ae.ones(1, 2, 2, 2, 2)).shape == (1, 2, 2, 2, 2)
    maps = nn.Dropout1d(0.5)(ae.ones(4, 30, 5)).detach().numpy()
    assert set(np.unique(maps)) <= {0.0, 2.0} and (maps == maps[..., :1]).all()
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        F.dropout1d(ae.ones(1, 2, 2, 2))
    vols = F.dropout3d(ae.ones(40, 2, 2, 2), 0.5).detach().numpy()  # unbatched: one draw per dim 0
    assert (vols == vols[:, :1, :1, :1]).all() and 0 < (vols == 0).mean() < 1
    assert repr(nn.AlphaDropout(0.2)) == "AlphaDropout(p=0.2, inplace=False)"


def test_alpha_dropout_keeps_selu_statistics():
    ae.manual_seed(0)
    x = ae.tensor(np.random.default_rng(0).standard_normal(200_000))
    y = F.alpha_dropout(x, 0.2, True).detach().numpy()
    assert abs(y.mean()) < 0.01 and abs(y.std() - 1) < 0.01
    # dropped units: a * -alpha' + b, with a = 1 / sqrt((alpha'^2 p + 1)(1 - p)), b = a alpha' p
    a = 1 / np.sqrt((1.7580993408473766 ** 2 * 0.2 + 1) * 0.8)
    dropped = a * -1.7580993408473766 + a * 1.7580993408473766 * 0.2
    assert np.isclose(y, dropped).mean() == pytest.approx(0.2, abs=0.01)
    np.testing.assert_array_equal(F.alpha_dropout(ae.ones(2, 2), 1.0, True).detach().numpy(),
                                  np.zeros((2, 2)))
    assert F.alpha_dropout(x, 0.5, False) is x


def test_alpha_dropout_module_works_out_of_place_whatever_inplace_says():
    x = ae.ones(1000)
    out = nn.AlphaDropout(0.5, inplace=True)(x)
    assert out is not x and x.tolist() == [1.0] * 1000
