"""F.batch_norm / F.layer_norm and nn.BatchNorm1d / nn.BatchNorm2d / nn.LayerNorm: train vs eval semantics,
running statistics against hand computation and PyTorch numbers, values, errors."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F
from autograd_engine.autograd import gradcheck, gradgradcheck


def _inp(*shape):
    """Deterministic values shared with the PyTorch script that produced the numbers below."""
    return np.sin(np.arange(np.prod(shape)) * 0.7 + 0.3).reshape(shape) * 2.0


def _affine_bn(momentum):
    bn = nn.BatchNorm1d(3, momentum=momentum).double()
    with ae.no_grad():
        bn.weight.copy_(ae.tensor([1.0, 2.0, -0.5], dtype=np.float64))
        bn.bias.copy_(ae.tensor([0.1, 0.0, 0.3], dtype=np.float64))
    return bn


# torch 2.13: BatchNorm1d(3, momentum) with the weight/bias above, trained on x then on
# x * 1.5 + 0.2, then evaluated on x.
_TORCH_BN = {
    ((4, 3), 0.1): dict(
        first=[[0.4496659822, 1.7645175185, -0.1975845153],
               [1.0555500267, -0.4795277198, 0.876516504]],
        running_mean=[0.05659935596729261, 0.12200403345795181, 0.13943462015634736],
        running_var=[1.4706391769874048, 1.6638170166689885, 1.746067807692543],
        eval=[[0.5407022562, 2.4202573366, -0.3977091001],
              [1.1673072782, -0.0602261937, 0.8158007794]]),
    ((4, 3, 2), None): dict(
        first=[[[0.3245698164, 1.1326545654], [2.2014413267, 1.3171509453],
                [0.2102844846, 0.7162312471]]],
        running_mean=[0.4594960398792861, 0.6112017547372242, -0.085721036482734],
        running_var=[3.3907524385160395, 3.79928242086154, 3.097722964973716],
        eval=[[[0.1714370651, 0.7644099071], [1.4079045725, 0.7590121019],
               [0.2520230981, 0.6232870352]]]),
}


@pytest.mark.parametrize("shape,momentum", list(_TORCH_BN))
def test_batch_norm1d_matches_pytorch(shape, momentum):
    expected = _TORCH_BN[(shape, momentum)]
    bn = _affine_bn(momentum)
    x = ae.tensor(_inp(*shape))
    first = bn(x)
    bn(x * 1.5 + 0.2)
    rows = len(expected["first"])
    np.testing.assert_allclose(first.detach().numpy()[:rows], expected["first"], atol=1e-9)
    np.testing.assert_allclose(bn.running_mean.numpy(), expected["running_mean"], rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), expected["running_var"], rtol=1e-12)
    assert bn.num_batches_tracked.item() == 2
    bn.eval()
    np.testing.assert_allclose(bn(x).detach().numpy()[:rows], expected["eval"], atol=1e-9)


def test_running_statistics_by_hand():
    x = _inp(6, 2, 3)
    mean, var = ae.zeros(2, dtype=np.float64), ae.ones(2, dtype=np.float64)
    F.batch_norm(ae.tensor(x), mean, var, training=True, momentum=0.25)
    np.testing.assert_allclose(mean.numpy(), 0.25 * x.mean((0, 2)), rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), 0.75 + 0.25 * x.var((0, 2), ddof=1), rtol=1e-12)


def test_training_normalises_with_biased_batch_variance():
    x = _inp(5, 4)
    y = F.batch_norm(ae.tensor(x), None, None, training=True, eps=0.0).numpy()
    np.testing.assert_allclose(y, (x - x.mean(0)) / x.std(0), atol=1e-12)


def test_eval_uses_running_statistics_and_leaves_them_alone():
    bn = nn.BatchNorm1d(2).double().eval()
    with ae.no_grad():
        bn.running_mean.copy_(ae.tensor([1.0, -1.0], dtype=np.float64))
        bn.running_var.copy_(ae.tensor([4.0, 0.25], dtype=np.float64))
    x = _inp(3, 2)
    y = bn(ae.tensor(x)).detach().numpy()
    expected = (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean.numpy(), [1.0, -1.0])
    assert bn.num_batches_tracked.item() == 0


def test_eval_mode_gradients():
    mean, var = ae.tensor(_inp(3) * 0.1), ae.tensor(np.array([0.5, 1.0, 2.0]))
    inputs = (ae.tensor(_inp(4, 3, 2), requires_grad=True),
              ae.tensor(_inp(3) + 3.0, requires_grad=True), ae.tensor(_inp(3), requires_grad=True))
    fn = lambda x, w, b: F.batch_norm(x, mean, var, w, b)  # noqa: E731
    assert gradcheck(fn, inputs) and gradgradcheck(fn, inputs)


def test_untracked_batch_norm_uses_batch_statistics_in_eval():
    bn = nn.BatchNorm1d(2, track_running_stats=False).double().eval()
    assert bn.running_mean is None and list(bn.state_dict()) == ["weight", "bias"]
    x = _inp(4, 2)
    np.testing.assert_allclose(bn(ae.tensor(x)).detach().numpy(),
                               (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5), rtol=1e-10)


def test_batch_norm2d_matches_pytorch():
    # torch 2.13: BatchNorm2d(3) with the weight/bias of _affine_bn, double; loss
    # (y * _inp(2, 3, 2, 2)[::-1]).sum() on the first batch, then a second batch, then eval.
    bn = nn.BatchNorm2d(3).double()
    with ae.no_grad():
        bn.weight.copy_(ae.tensor([1.0, 2.0, -0.5], dtype=np.float64))
        bn.bias.copy_(ae.tensor([0.1, 0.0, 0.3], dtype=np.float64))
    x = ae.tensor(_inp(2, 3, 2, 2), requires_grad=True)
    first = bn(x)
    (first * ae.tensor(_inp(2, 3, 2, 2)[::-1].copy())).sum().backward()
    bn(x.detach() * 1.5 + 0.2)
    np.testing.assert_allclose(first.detach().numpy()[0], [
        [[0.1893304094, 1.0050448494], [1.2294520255, 0.7570097362]],
        [[1.1317259761, -0.9729367914], [-2.1507318829, -1.8477238631]],
        [[0.9130251979, 0.3309989476], [-0.1266067365, -0.244572751]]], atol=1e-9)
    np.testing.assert_allclose(x.grad.numpy()[0], [
        [[0.7025533839, 0.3353560451], [-0.4742853144, -1.3455837122]],
        [[-0.8825115204, -0.96365085], [0.2672561795, 2.2312947587]],
        [[0.0214026686, -0.2281406698], [-0.1035524064, 0.3365716519]]], atol=1e-9)
    np.testing.assert_allclose(bn.weight.grad.numpy(), [-7.6974335332, -8.247050372,
                                                        -8.6643049256], atol=1e-9)
    np.testing.assert_allclose(bn.bias.grad.numpy(), [3.7717139181, -4.9566144097,
                                                      5.5687517436], atol=1e-9)
    np.testing.assert_allclose(bn.running_mean.numpy(), [
        0.1331514175429414, -0.1286984322895448, 0.18706255230828847], rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.numpy(), [
        1.4550460887503023, 1.365218770658667, 1.309258274040681], rtol=1e-12)
    bn.eval()
    np.testing.assert_allclose(bn(x.detach()).detach().numpy()[1], [
        [[1.0888332151, 0.0306942378], [-1.046764452, -1.6367971966]],
        [[-2.7767274963, -1.0060681588], [1.3413679557, 3.1615449628]],
        [[-0.4806460538, -0.1865763689], [0.3747820898, 0.9394136677]]], atol=1e-9)
    assert repr(nn.BatchNorm2d(4)) == ("BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, "
                                       "bias=True, track_running_stats=True)")
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(ae.zeros(4, 3, 2))


def test_batch_norm2d_gradcheck():
    bn = nn.BatchNorm2d(2).double()
    x = ae.tensor(_inp(3, 2, 2, 3), requires_grad=True)
    assert gradcheck(bn, (x,))  # training mode: batch statistics over N, H, W


def test_group_norm_matches_pytorch():
    # torch 2.13, float64: group_norm(sin(arange(24).reshape(2, 6, 2)), 3, weight, bias) with
    # weight linspace(0.5, 1.5, 6), bias linspace(-1, 1, 6); loss (y * cos(same)).sum()
    grid = np.arange(24.0).reshape(2, 6, 2)
    x = ae.tensor(np.sin(grid), requires_grad=True)
    w = ae.tensor(np.linspace(0.5, 1.5, 6), requires_grad=True)
    b = ae.tensor(np.linspace(-1, 1, 6), requires_grad=True)
    y = F.group_norm(x, 3, w, b)
    (y * ae.tensor(np.cos(grid))).sum().backward()
    np.testing.assert_allclose(y.detach().numpy()[0, :2], [
        [-1.582170934577682, -0.5464228544134322], [0.15188850442272556, -1.171857199835165]],
        rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy()[1, :2], [
        [-0.020679608972849928, 0.6302764072447069], [0.3539938754553541, -0.9635906737272111]],
        rtol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), [-1.9766438275044975, 0.14825449970496338,
                                                0.08866445296303607, 2.250759851382533,
                                                -0.7894524293533959, 1.66187603963046],
                               rtol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), [3.2916030460508283, -2.0290900277985755,
                                                -1.6028042537753673, 3.36309386742442,
                                                -1.196277494104167, -2.3674396778164364],
                               rtol=1e-12)
    assert gradgradcheck(lambda x, w: F.group_norm(x, 2, w), (x, w))


def test_group_norm_module_errors_and_repr():
    gn = nn.GroupNorm(2, 6)
    assert list(gn.state_dict()) == ["weight", "bias"]
    assert repr(gn) == "GroupNorm(2, 6, eps=1e-05, affine=True, bias=True)"
    assert repr(nn.GroupNorm(3, 6, affine=False)) == (
        "GroupNorm(3, 6, eps=1e-05, affine=False, bias=False)")
    out = gn(ae.randn(4, 6, 5, 5))
    np.testing.assert_allclose(out.detach().numpy().reshape(4, 2, -1).mean(2), 0, atol=1e-5)
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by "
                                         r"num_groups \(4\)"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match=r"Expected number of channels in input to be "
                                           r"divisible by num_groups, but got input of shape "
                                           r"\[2, 6, 3\] and num_groups=4"):
        F.group_norm(ae.zeros(2, 6, 3), 4)


def test_batch_norm1d_state_dict_and_repr():
    bn = nn.BatchNorm1d(4)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    assert bn.num_batches_tracked.dtype == np.int64
    assert repr(bn) == ("BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                        "track_running_stats=True)")
    assert repr(nn.BatchNorm1d(4, momentum=None, affine=False, track_running_stats=False)) == (
        "BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, bias=False, "
        "track_running_stats=False)")


def test_batch_norm_float32_stays_float32():
    bn = nn.BatchNorm1d(3)
    y = bn(ae.tensor(_inp(8, 3), dtype=np.float32))
    assert y.dtype == np.float32 and bn.running_var.dtype == np.float32
    y.sum().backward()
    assert bn.weight.grad.dtype == np.float32


def test_batch_norm_errors_as_pytorch():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        F.batch_norm(ae.zeros(1, 3), None, None, training=True)
    with pytest.raises(RuntimeError, match="running_mean and running_var must be defined"):
        F.batch_norm(ae.zeros(4, 3), None, None, training=False)
    with pytest.raises(RuntimeError, match="running_mean should contain 3 elements not 2"):
        F.batch_norm(ae.zeros(4, 3), ae.zeros(2), ae.ones(2))
    with pytest.raises(RuntimeError, match="weight should contain 3 elements not 2"):
        F.batch_norm(ae.zeros(4, 3), ae.zeros(3), ae.ones(3), weight=ae.ones(2))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        nn.BatchNorm1d(3)(ae.zeros(4, 3, 2, 2))


def test_layer_norm_matches_pytorch():
    # torch 2.13: LayerNorm((2, 3)), weight/bias below, on _inp(2, 2, 3); loss (y * _inp).sum()
    ln = nn.LayerNorm((2, 3)).double()
    with ae.no_grad():
        ln.weight.copy_(ae.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 1.5]], dtype=np.float64))
        ln.bias.copy_(ae.tensor([[0.1, 0.2, 0.3], [0.0, -0.1, 0.4]], dtype=np.float64))
    x = ae.tensor(_inp(2, 2, 3), requires_grad=True)
    y = ln(x)
    np.testing.assert_allclose(y.detach().numpy()[0], [[-0.0409982792, 1.9229869912, 3.7118521962],
                                                       [0.2783324041, 0.507289957, -2.3107311808]],
                               atol=1e-9)
    (y * ae.tensor(_inp(2, 2, 3))).sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[1], [[0.6418078621, -0.4876279829, -0.3164724553],
                                                   [0.4370097121, -1.5399613563, 1.2652442202]],
                               atol=1e-9)
    np.testing.assert_allclose(ln.weight.grad.numpy(), [[2.3242268998, 3.4132816115, 2.5995818937],
                                                        [1.0111700729, 1.8283024929, 4.748450969]],
                               atol=1e-9)


def test_layer_norm_values_by_hand_and_module_options():
    x = _inp(3, 5) * 10 + 100  # a large mean must not cost precision
    y = F.layer_norm(ae.tensor(x), 5).numpy()
    expected = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, expected, atol=1e-10)
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"
    plain = nn.LayerNorm((3, 4), elementwise_affine=False)
    assert plain.weight is None and list(plain.parameters()) == []
    assert nn.LayerNorm(4, bias=False).bias is None
    assert nn.LayerNorm(4)(ae.zeros(2, 4)).dtype == np.float32


def test_layer_norm_errors_as_pytorch():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[4\], expected input with "
                                           r"shape \[\*, 4\], but got input of size\[4, 3\]"):
        F.layer_norm(ae.zeros(4, 3), (4,))
    with pytest.raises(RuntimeError, match="Expected weight to be of same shape as normalized"):
        F.layer_norm(ae.zeros(4, 3), (3,), weight=ae.ones(4))
