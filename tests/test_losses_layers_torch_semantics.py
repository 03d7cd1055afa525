"""Losses and layers where PyTorch 2.13 accepts, refuses or computes something specific:
probability targets with ignore_index, unbatched class targets, mixed dtypes, integer inputs
to float-only ops, conv padding strings, Embedding's max_norm / scale_grad_by_freq and a 1-D
weight in F.linear. The expected values and messages are PyTorch's."""
import numpy as np
import pytest

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F

F32, F64 = np.float32, np.float64


def _ints(*values, dtype=np.int64):
    return ae.tensor(np.array(values, dtype))


# -- cross_entropy with class probabilities ------------------------------------------------
LOGITS = ae.tensor(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]))
PROBS = ae.tensor(np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]))


@pytest.mark.parametrize("ignore_index", [0, 1, 3, 100])
def test_probability_target_refuses_a_non_negative_ignore_index(ignore_index):
    with pytest.raises(RuntimeError, match="cross_entropy: ignore_index is not supported for "
                                           "floating point target"):
        F.cross_entropy(LOGITS, PROBS, ignore_index=ignore_index)
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        nn.CrossEntropyLoss(ignore_index=ignore_index, reduction="none")(LOGITS, PROBS)
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):  # unbatched
        F.cross_entropy(LOGITS[0], PROBS[0], ignore_index=ignore_index)
    for negative in (-1, -5, -100):  # no class can match these, so PyTorch takes them
        loss = F.cross_entropy(LOGITS, PROBS, ignore_index=negative)
        assert loss.item() == pytest.approx(1.3295253391882158, rel=1e-12)


@pytest.mark.parametrize("dtype, name", [(np.int64, "Long"), (np.int32, "Int"),
                                         (np.bool_, "Bool")])
def test_target_of_the_input_shape_must_be_floating_point(dtype, name):
    with pytest.raises(RuntimeError, match=f"cross_entropy: Expected floating point type for "
                                           f"target with class probabilities, got {name}"):
        F.cross_entropy(ae.zeros(2, 2), ae.tensor(np.zeros((2, 2), dtype)))
    with pytest.raises(RuntimeError, match="Expected floating point type"):  # one class
        F.cross_entropy(ae.zeros(1), ae.tensor(np.zeros(1, dtype)))


# -- unbatched (C,) scores with class indices ----------------------------------------------
LOGP = ae.tensor([-1.0, -2.0, -3.0])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_unbatched_scores_take_a_one_element_target(reduction):
    nll = F.nll_loss(LOGP, _ints(1), reduction=reduction)
    ce = F.cross_entropy(LOGP, _ints(1), reduction=reduction)
    assert nll.shape == ce.shape == ()
    assert nll.item() == 2.0
    assert ce.item() == pytest.approx(1.4076058864593506, rel=1e-6)


def test_unbatched_one_element_target_with_weight_and_ignore_index():
    weight = ae.tensor([1.0, 2.0, 3.0])
    assert F.nll_loss(LOGP, _ints(1), weight=weight, reduction="none").item() == 4.0
    assert F.nll_loss(LOGP, _ints(1), weight=weight).item() == 2.0
    assert np.isnan(F.nll_loss(LOGP, _ints(1), ignore_index=1).item())
    assert F.cross_entropy(LOGP, _ints(1), ignore_index=1, reduction="none").item() == 0.0


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_unbatched_target_shape_errors(fn):
    name = fn.__name__
    for target in (_ints(0, 1), ae.tensor(np.zeros(0, np.int64))):
        size = target.shape[0]
        with pytest.raises(ValueError, match=rf"{name}: For 1D input, 1D target must have "
                                             rf"size 1, but got target size: {size}"):
            fn(LOGP, target)
    with pytest.raises(RuntimeError, match=f"{name}: 0D or 1D target tensor expected, "
                                           "multi-target not supported"):
        fn(LOGP, ae.tensor(np.array([[1]])))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):  # (N, C) too
        fn(ae.zeros(2, 3), ae.tensor(np.zeros((2, 1), np.int64)))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got "
                                           "Int"):  # the dtype before the size, as PyTorch
        fn(LOGP, _ints(0, 1, dtype=np.int32))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(2\) to match target "
                                         r"batch_size \(3\)"):
        fn(ae.zeros(2, 3), ae.tensor(np.zeros((3, 1), np.int64)))


# -- mixed dtypes: refused as in PyTorch ---------------------------------------------------
@pytest.mark.parametrize("dtype, name", [(np.int64, "Long"), (np.bool_, "Bool")])
def test_dropout_refuses_a_non_float_input_while_training(dtype, name):
    x = ae.tensor(np.ones((2, 3, 2, 2), dtype))
    message = f"dropout: result type Float can't be cast to the desired output type {name}"
    with pytest.raises(RuntimeError, match=message):
        nn.Dropout(0.5)(x)
    with pytest.raises(RuntimeError, match=message):
        F.dropout(x, 0.5, inplace=True)
    with pytest.raises(RuntimeError, match=message):
        F.dropout2d(x, 0.5)


def test_dropout_of_integers_where_pytorch_allows_it():
    x = _ints(0, 1, 2, 3)
    assert nn.Dropout(0.5).eval()(x) is x
    assert F.dropout(x, 0.0) is x
    zeros = F.dropout(x, 1.0)  # PyTorch multiplies by zeros of the input's dtype
    assert zeros.dtype == np.int64 and zeros.tolist() == [0, 0, 0, 0]
    assert F.dropout(ae.tensor(np.ones(2, np.bool_)), 1.0).tolist() == [False, False]
    assert F.dropout2d(ae.tensor(np.ones((1, 2, 2, 2), np.int64)), 1.0).dtype == np.int64


@pytest.mark.parametrize("target_dtype, found, expected", [
    (np.int64, "Long", "Float"), (np.bool_, "Bool", "Float"), (F64, "Double", "Float")])
def test_binary_cross_entropy_target_must_have_the_input_dtype(target_dtype, found, expected):
    with pytest.raises(RuntimeError, match=f"binary_cross_entropy: Found dtype {found} but "
                                           f"expected {expected}"):
        F.binary_cross_entropy(ae.full((3,), 0.5), ae.tensor(np.array([0, 1, 1], target_dtype)))


def test_binary_cross_entropy_float32_target_of_float64_input():
    with pytest.raises(RuntimeError, match="Found dtype Float but expected Double"):
        nn.BCELoss()(ae.tensor(np.full(3, 0.5)), ae.tensor(np.ones(3, F32)))
    weighted = F.binary_cross_entropy(ae.full((3,), 0.5), ae.ones(3), ae.tensor(np.ones(3)))
    assert weighted.dtype == np.float32  # the weight's dtype may differ, as in PyTorch


def test_binary_cross_entropy_with_logits_refuses_a_non_float_target():
    with pytest.raises(RuntimeError, match="binary_cross_entropy_with_logits: result type "
                                           "Float can't be cast to the desired output type "
                                           "Long"):
        F.binary_cross_entropy_with_logits(ae.zeros(3), _ints(0, 1, 1))
    with pytest.raises(RuntimeError, match="binary_cross_entropy_with_logits"):  # bool too
        F.binary_cross_entropy_with_logits(ae.zeros(3), ae.tensor(np.ones(3, np.bool_)))


def test_binary_cross_entropy_with_logits_loss_has_the_target_dtype():
    x = ae.tensor(np.array([-1.0, 0.0, 3.0]), requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, ae.tensor(np.array([0.0, 1.0, 1.0], F32)))
    assert loss.dtype == np.float32
    assert loss.item() == pytest.approx(0.3516654074192047, rel=1e-6)
    loss.backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.data, [0.08964714, -0.16666667, -0.01580862], rtol=1e-6)
    wide = F.binary_cross_entropy_with_logits(ae.zeros(3), ae.tensor(np.ones(3)))
    assert wide.dtype == np.float64


def test_norm_layers_refuse_parameters_of_another_dtype():
    x64, x32 = ae.tensor(np.ones((4, 3))), ae.ones(4, 3)
    for layer, x in [(nn.BatchNorm1d(3), x64), (nn.BatchNorm1d(3).eval(), x64),
                     (nn.BatchNorm1d(3, dtype=F64), x32), (nn.BatchNorm1d(3, affine=False), x64),
                     (nn.BatchNorm1d(3, track_running_stats=False), x64),
                     (nn.LayerNorm(3), x64), (nn.LayerNorm(3, dtype=F64), x32),
                     (nn.GroupNorm(1, 3), x64), (nn.GroupNorm(1, 3, dtype=F64), x32)]:
        with pytest.raises(RuntimeError, match="mixed dtype"):
            layer(x)
    # nothing to mix without parameters or statistics
    assert nn.BatchNorm1d(3, affine=False, track_running_stats=False)(x64).dtype == np.float64
    assert nn.LayerNorm(3, elementwise_affine=False)(x64).dtype == np.float64


def test_functional_norms_refuse_mixed_parameters():
    x = ae.tensor(np.random.default_rng(0).standard_normal((4, 3)))
    w64, b32 = ae.tensor(np.ones(3)), ae.zeros(3)
    with pytest.raises(RuntimeError, match=r"batch_norm: mixed dtype .*float64.*bias.*float32"):
        F.batch_norm(x, None, None, w64, b32, training=True)
    with pytest.raises(RuntimeError, match=r"batch_norm: mixed dtype .*running_mean"):
        F.batch_norm(x, ae.zeros(3), ae.ones(3), w64, None, training=False)
    with pytest.raises(RuntimeError, match=r"layer_norm: mixed dtype .*bias"):
        F.layer_norm(x, (3,), w64, b32)


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_class_weight_must_have_the_input_dtype(fn):
    target = _ints(0, 1, 2, 0)
    with pytest.raises(RuntimeError, match=f"{fn.__name__}: expected scalar type Double but "
                                           f"found Float"):
        fn(ae.tensor(np.zeros((4, 3))), target, weight=ae.ones(3))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        fn(ae.zeros(4, 3), target, weight=ae.tensor(np.ones(3)))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Long"):
        fn(ae.zeros(4, 3), target, weight=ae.tensor(np.ones(3, np.int64)))
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        fn(ae.tensor(np.zeros((4, 3, 2))), ae.tensor(np.zeros((4, 2), np.int64)),
           weight=ae.ones(3))
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        nn.CrossEntropyLoss(weight=ae.ones(3))(ae.tensor(np.zeros((4, 3))), target)
    if fn is F.cross_entropy:  # PyTorch's probability-target path promotes instead
        loss = fn(ae.zeros(2, 3), ae.full((2, 3), 1 / 3), weight=ae.tensor(np.ones(3)))
        assert loss.dtype == np.float64


def test_prelu_refuses_mixed_and_integer_dtypes():
    with pytest.raises(RuntimeError, match="prelu: Type promoting not supported. Got Double "
                                           "and Float"):
        nn.PReLU()(ae.tensor(np.zeros(3)))
    with pytest.raises(RuntimeError, match="prelu: Type promoting not supported. Got Long and "
                                           "Float"):
        F.prelu(_ints(1, -2), ae.tensor([0.25]))
    with pytest.raises(NotImplementedError, match="prelu: not implemented for 'Long'"):
        F.prelu(_ints(1, -2), _ints(1))


# -- integer inputs to float-only ops: NotImplementedError, as PyTorch's kernels -----------
INTS = _ints(1, -2, 0, 3)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype, torch_name", [(np.int64, "Long"), (np.int32, "Int"),
                                               (np.bool_, "Bool")])
def test_softmax_of_non_float_input(name, dtype, torch_name):
    with pytest.raises(NotImplementedError, match=f"{name}: not implemented for "
                                                  f"'{torch_name}'"):
        getattr(F, name)(ae.tensor(np.array([1, 0, 1], dtype)), 0)
    with pytest.raises(NotImplementedError, match="softmax: not implemented for 'Int'"):
        F.softmin(ae.tensor(np.array([1, 0, 1], np.int32)), 0)
    assert F.softmax(INTS, 0, dtype=ae.float32).dtype == np.float32  # dtype= casts first


@pytest.mark.parametrize("name", ["leaky_relu", "gelu", "silu", "softplus", "elu", "selu",
                                  "celu", "hardsigmoid", "hardswish", "mish", "logsigmoid"])
def test_float_only_activations_of_integer_input(name):
    with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
        getattr(F, name)(INTS)


def test_glu_of_integer_input():
    with pytest.raises(NotImplementedError, match="glu: not implemented for 'Long'"):
        F.glu(_ints(0, 1, 2, 3), 0)


def test_clamping_activations_keep_integers():
    clipped = F.hardtanh(INTS, -1.5, 1.5)  # bounds truncated to ints
    assert clipped.dtype == np.int64 and clipped.tolist() == [1, -1, 0, 1]
    six = F.relu6(_ints(-1, 3, 7))
    assert six.dtype == np.int64 and six.tolist() == [0, 3, 6]
    x = _ints(-1, 3, 7)
    assert F.relu6(x, inplace=True) is x and x.tolist() == [0, 3, 6]
    assert nn.Hardtanh()(_ints(5, -5, 0, dtype=np.int32)).dtype == np.int32


def test_relu_and_hardtanh_refuse_bool():
    flags = ae.tensor(np.array([True, False]))
    with pytest.raises(RuntimeError, match="relu: Boolean inputs not supported for relu"):
        F.relu(flags)
    with pytest.raises(RuntimeError, match="hardtanh: Bool inputs not supported for hardtanh"):
        F.hardtanh(flags)


@pytest.mark.parametrize("name", ["mse_loss", "smooth_l1_loss", "huber_loss",
                                  "binary_cross_entropy", "binary_cross_entropy_with_logits"])
def test_pointwise_losses_of_integer_input(name):
    with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
        getattr(F, name)(_ints(1, 1, 1), _ints(0, 0, 0))


def test_normalisations_of_integer_input():
    x = ae.tensor(np.ones((4, 3), np.int64))
    for name, call in [("batch_norm", lambda: F.batch_norm(x, None, None, training=True)),
                       ("batch_norm", lambda: nn.BatchNorm1d(3)(x)),
                       ("layer_norm", lambda: F.layer_norm(x, (3,))),
                       ("group_norm", lambda: F.group_norm(x, 1))]:
        with pytest.raises(NotImplementedError, match=f"{name}: not implemented for 'Long'"):
            call()
    for layer in (nn.LayerNorm(3), nn.GroupNorm(1, 3)):  # the float parameters come first
        with pytest.raises(RuntimeError, match="mixed dtype"):
            layer(x)


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_class_losses_of_integer_input(fn):
    with pytest.raises(NotImplementedError, match=f"{fn.__name__}: not implemented for 'Long'"):
        fn(ae.tensor(np.zeros((3, 4), np.int64)), _ints(0, 1, 1))


def test_l1_loss_of_integers_as_pytorch():
    a, b = _ints(1, -2, 3), _ints(0, 0, 0)
    total = F.l1_loss(a, b, reduction="sum")
    assert total.dtype == np.int64 and total.item() == 6
    assert F.l1_loss(a, b, reduction="none").tolist() == [1, 2, 3]
    with pytest.raises(RuntimeError, match="mean"):  # the mean of integers has no dtype
        F.l1_loss(a, b)


# -- Conv2d padding strings: checked at construction ---------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    (dict(padding="foo"), r"Conv2d: Invalid padding string 'foo', should be one of "
                          r"\{'same', 'valid'\}"),
    (dict(padding="SAME"), "Invalid padding string 'SAME'"),
    (dict(stride=2, padding="same"), "padding='same' is not supported for strided "
                                     "convolutions"),
    (dict(stride=(1, 2), padding="same"), "padding='same' is not supported for strided"),
])
def test_conv2d_padding_string_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        nn.Conv2d(3, 4, 3, **kwargs)
    stride = kwargs.get("stride", 1)
    with pytest.raises(RuntimeError, match=message.replace("Conv2d", "conv2d")):
        F.conv2d(ae.ones(1, 3, 5, 5), ae.ones(4, 3, 3, 3), stride=stride,
                 padding=kwargs["padding"])
    valid = nn.Conv2d(3, 4, 3, stride=stride, padding="valid")  # any stride
    assert valid(ae.ones(1, 3, 5, 5)).shape[:2] == (1, 4)


# -- Embedding max_norm and scale_grad_by_freq ---------------------------------------------
TABLE = np.arange(12.0, dtype=F32).reshape(4, 3)
LOOKUP = np.array([[1, 2], [1, 0]])


@pytest.mark.parametrize("norm_type, rows", [
    (2.0, [[2.1213202476501465, 2.8284270763397217, 3.535533905029297],
           [2.457695722579956, 2.867311716079712, 3.2769277095794678]]),
    (1.0, [[1.25, 1.6666666269302368, 2.0833332538604736],
           [1.4285714626312256, 1.6666666269302368, 1.9047619104385376]]),
    (float("inf"), [[3.0, 4.0, 5.0], [3.75, 4.375, 5.0]]),
])
def test_embedding_max_norm_renormalises_the_looked_up_rows_in_place(norm_type, rows):
    weight = ae.tensor(TABLE.copy(), requires_grad=True)
    out = F.embedding(ae.tensor(LOOKUP), weight, max_norm=5.0, norm_type=norm_type)
    expected = np.array([[0.0, 1.0, 2.0], *rows, [9.0, 10.0, 11.0]])  # rows 0, 3: unchanged
    np.testing.assert_allclose(weight.data, expected, rtol=1e-6)
    np.testing.assert_allclose(out.data, expected[LOOKUP], rtol=1e-6)
    assert weight.is_leaf and weight.requires_grad and out.grad_fn is not None


def test_embedding_module_max_norm_and_gradient():
    emb = nn.Embedding.from_pretrained(ae.tensor(TABLE.copy()), freeze=False, max_norm=3.0)
    out = emb(ae.tensor(LOOKUP))
    np.testing.assert_allclose(emb.weight.data[1], [1.2727922, 1.6970563, 2.1213202], rtol=1e-6)
    out.backward(ae.ones(2, 2, 3))
    assert emb.weight.grad.tolist() == [[1.0] * 3, [2.0] * 3, [1.0] * 3, [0.0] * 3]


def test_embedding_scale_grad_by_freq_divides_by_the_count_in_the_batch():
    weight = ae.tensor(TABLE.copy(), requires_grad=True)
    out = F.embedding(ae.tensor(np.array([[1, 1], [1, 2]])), weight, padding_idx=2,
                      scale_grad_by_freq=True)
    out.backward(ae.tensor(np.arange(12.0, dtype=F32).reshape(2, 2, 3)))
    assert weight.grad.tolist() == [[0.0] * 3, [3.0, 4.0, 5.0], [0.0] * 3, [0.0] * 3]
    emb = nn.Embedding(5, 2, scale_grad_by_freq=True)
    emb(_ints(4, 4, 0, 4)).sum().backward()
    assert emb.weight.grad.tolist() == [[1.0, 1.0], [0.0] * 2, [0.0] * 2, [0.0] * 2, [1.0, 1.0]]


def test_embedding_reprs_and_errors():
    assert repr(nn.Embedding(4, 3, padding_idx=0, max_norm=1.0, scale_grad_by_freq=True)) == (
        "Embedding(4, 3, padding_idx=0, max_norm=1.0, scale_grad_by_freq=True)")
    assert repr(nn.Embedding(4, 3, norm_type=1.0, scale_grad_by_freq=True, sparse=True)) == (
        "Embedding(4, 3, norm_type=1.0, scale_grad_by_freq=True, sparse=True)")
    pretrained = nn.Embedding.from_pretrained(ae.tensor(TABLE), True, None, 1.0, 1.0, True)
    assert repr(pretrained) == ("Embedding(4, 3, max_norm=1.0, norm_type=1.0, "
                                "scale_grad_by_freq=True)")
    with pytest.raises(IndexError, match="index 5 out of range"):
        F.embedding(_ints(5), ae.tensor(TABLE.copy()), max_norm=1.0)
    with pytest.raises(RuntimeError, match="embedding: expected indices of an integer dtype"):
        F.embedding(ae.tensor([1.0]), ae.tensor(TABLE.copy()), max_norm=1.0)
    with pytest.raises(RuntimeError, match="max_norm needs a floating point weight"):
        F.embedding(_ints(1), ae.tensor(np.ones((3, 2), np.int64)), max_norm=1.0)


# -- F.linear with a 1-D weight -------------------------------------------------------------
def test_linear_with_a_vector_weight():
    x = ae.tensor(np.arange(10.0, dtype=F32).reshape(2, 5), requires_grad=True)
    w = ae.tensor(np.arange(5.0, dtype=F32), requires_grad=True)
    y = F.linear(x, w)
    assert y.tolist() == [30.0, 80.0]
    y.backward(ae.tensor([1.0, 2.0]))
    assert x.grad.tolist() == [[0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 2.0, 4.0, 6.0, 8.0]]
    assert w.grad.tolist() == [10.0, 13.0, 16.0, 19.0, 22.0]
    assert F.linear(x.detach().reshape(1, 2, 5), w).shape == (1, 2)
    dot = F.linear(x.detach()[0], w.detach(), ae.tensor(1.0))  # 1-D input: a 0-d bias works
    assert dot.shape == () and dot.item() == 31.0


def test_linear_vector_weight_errors():
    x, w = ae.ones(2, 5), ae.ones(5)
    for bias in (ae.tensor(1.0), ae.ones(1), ae.ones(2)):
        with pytest.raises(RuntimeError, match="linear: mat2 must be a matrix, got 1-D tensor"):
            F.linear(x, w, bias)
    with pytest.raises(RuntimeError, match="mat2 must be a matrix"):
        F.linear(ae.ones(5), w, ae.ones(1))
    with pytest.raises(RuntimeError, match=r"linear: input of shape \(2, 5\) cannot be "
                                           r"multiplied by a 1-D weight of shape \(4,\)"):
        F.linear(x, ae.ones(4))
    with pytest.raises(RuntimeError, match="linear: expected input, weight and bias to have "
                                           "the same dtype"):
        F.linear(x, ae.tensor(np.ones(5)))
