"""Lazy modules (``LazyLinear``, ``LazyConv*``, ``LazyConvTranspose*``, ``LazyBatchNorm*``,
``LazyInstanceNorm*``), ``UninitializedParameter`` / ``UninitializedBuffer`` and
``LazyModuleMixin``: PyTorch 2.13's behaviour written out (reprs, types after the first call,
state dicts, loading, optimizers, errors and their messages); initialisation equal to the
regular layer's under the same seed; gradcheck in float64; a training run."""
import copy
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn as nn
from autograd_engine.func import functional_call
from autograd_engine.nn.lazy import LazyModuleMixin
from autograd_engine.nn.norm import _BatchNorm
from autograd_engine.nn.norm_extra import _InstanceNorm
from autograd_engine.nn.parameter import is_lazy

SHAPE_ERROR = ("Can't access the shape of an uninitialized parameter or buffer. This error "
               "usually happens in `load_state_dict` when trying to load an uninitialized "
               "parameter into an initialized one. Call `forward` to initialize the "
               "parameters before accessing their attributes.")
USE_ERROR = "Attempted to use an uninitialized parameter in "


def _randn(*shape, seed=0, dtype=np.float32):
    return ae.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


# -- the placeholders ----------------------------------------------------------------------
def test_uninitialized_parameter_attributes():
    p = nn.UninitializedParameter()
    assert repr(p) == str(p) == "<UninitializedParameter>"
    assert isinstance(p, nn.Parameter) and is_lazy(p) and nn.parameter.is_lazy(p)
    assert p.requires_grad and p.is_leaf and p.grad is None and p.grad_fn is None
    assert p.dtype == np.float32 and p.ndim == 1 and p.size() == (0,)
    assert p.is_floating_point() and p.data.shape == (0,) and p.device.type == "cpu"
    assert p.float() is p and p.cpu() is p
    double = p.double()
    assert type(double) is ae.Tensor and double.dtype == np.float64 and double.size() == (0,)
    q = nn.UninitializedParameter(requires_grad=False, dtype=ae.float64)
    assert not q.requires_grad and q.dtype == np.float64
    assert not is_lazy(ae.ones(1)) and not is_lazy(3) and not is_lazy(nn.Parameter(ae.ones(1)))


def test_uninitialized_parameter_shape_raises():
    p = nn.UninitializedParameter()
    with pytest.raises(RuntimeError) as info:
        p.shape
    assert str(info.value) == SHAPE_ERROR


@pytest.mark.parametrize("use", [
    lambda p: p + 1, lambda p: 1 + p, lambda p: p * 2, lambda p: -p, lambda p: p @ p,
    lambda p: p == p, lambda p: p[0], lambda p: len(p), lambda p: bool(p),
    lambda p: format(p), lambda p: np.asarray(p), lambda p: p.sum(), lambda p: p.dim(),
    lambda p: p.numel(), lambda p: p.detach(), lambda p: p.view(2), lambda p: p.tolist(),
    lambda p: p.item(), lambda p: p.clone(), lambda p: p.abs(), lambda p: p.zero_(),
    lambda p: p.fill_(1), lambda p: p.numpy(), lambda p: p.requires_grad_(False),
    lambda p: p.retain_grad(), lambda p: p.register_hook(print), lambda p: p.backward(),
])
@pytest.mark.parametrize("cls", ["UninitializedParameter", "UninitializedBuffer"])
def test_using_a_placeholder_raises_value_error(use, cls):
    p = getattr(nn, cls)()
    with pytest.raises(ValueError) as info:
        use(p)
    message = str(info.value)
    assert message.startswith(USE_ERROR)
    assert f"`autograd_engine.nn.parameter.{cls}` objects" in message
    assert "Call `forward` with a dummy batch to initialize the parameters" in message


def test_share_memory_and_in_place_copy_errors():
    p = nn.UninitializedParameter()
    with pytest.raises(RuntimeError, match="Can't share memory on an uninitialized parameter"):
        p.share_memory_()
    # copy_ is allowed (torch lets it through); the leaf rule then refuses it
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                           "in an in-place operation"):
        p.copy_(ae.ones(3))


def test_materialize_turns_the_placeholder_into_its_class_in_place():
    p = nn.UninitializedParameter(requires_grad=False, dtype=ae.float64)
    assert p.materialize((2, 3)) is None
    assert type(p) is nn.Parameter and p.shape == (2, 3) and p.dtype == np.float64
    assert not p.requires_grad and not is_lazy(p)
    q = nn.UninitializedParameter()
    q.materialize(3, dtype=ae.float64)
    assert q.shape == (3,) and q.dtype == np.float64 and q.requires_grad
    with pytest.raises(RuntimeError, match="negative dimension"):
        nn.UninitializedParameter().materialize((-1,))


def test_uninitialized_buffer():
    b = nn.UninitializedBuffer()
    assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad and b.persistent
    assert isinstance(b, nn.Buffer) and is_lazy(b)
    assert nn.UninitializedBuffer(requires_grad=True).requires_grad
    m = nn.Module()
    m.x = nn.UninitializedBuffer(persistent=False)
    m.y = nn.UninitializedBuffer()
    assert [n for n, _ in m.named_buffers()] == ["x", "y"]
    assert list(m.state_dict(keep_vars=True)) == ["y"]
    # a plain module detaches its buffers, which a placeholder refuses (as in torch)
    with pytest.raises(ValueError, match=USE_ERROR):
        m.state_dict()
    m.x.materialize((2,))
    assert isinstance(m.x, nn.Buffer) and not is_lazy(m.x) and m.x.shape == (2,)
    assert not m.x.persistent and list(m.state_dict(keep_vars=True)) == ["y"]


def test_placeholder_copies():
    p = nn.UninitializedParameter(requires_grad=False, dtype=ae.float64)
    c = copy.deepcopy(p)
    assert type(c) is nn.UninitializedParameter and c is not p
    assert not c.requires_grad and c.dtype == np.float64
    b = copy.deepcopy(nn.UninitializedBuffer(persistent=False))
    assert type(b) is nn.UninitializedBuffer and not b.persistent
    # pickling keeps the type and requires_grad only, as torch's __reduce_ex__
    u = pickle.loads(pickle.dumps(nn.UninitializedParameter(requires_grad=False)))
    assert type(u) is nn.UninitializedParameter and not u.requires_grad


# -- LazyLinear ----------------------------------------------------------------------------
def test_lazy_linear_before_and_after_the_first_call():
    m = nn.LazyLinear(4)
    assert repr(m) == "LazyLinear(in_features=0, out_features=4, bias=True)"
    assert m.in_features == 0 and m.out_features == 4 and m.has_uninitialized_params()
    assert isinstance(m, nn.Linear) and isinstance(m, LazyModuleMixin)
    assert [(n, type(p).__name__) for n, p in m.named_parameters()] == [
        ("weight", "UninitializedParameter"), ("bias", "UninitializedParameter")]
    sd = m.state_dict()
    assert list(sd) == ["weight", "bias"] and sd["weight"] is m.weight
    assert repr(sd) == ("OrderedDict([('weight', <UninitializedParameter>), "
                        "('bias', <UninitializedParameter>)])")
    assert len(m._forward_pre_hooks) == 1
    y = m(ae.ones(2, 3))
    assert y.shape == (2, 4) and type(m) is nn.Linear
    assert repr(m) == "Linear(in_features=3, out_features=4, bias=True)"
    assert type(m.weight) is nn.Parameter and m.weight.shape == (4, 3)
    assert m.bias.shape == (4,) and m.weight.requires_grad
    assert not m._forward_pre_hooks and not hasattr(m, "_initialize_hook")
    with pytest.raises(AttributeError):
        m.cls_to_become
    with pytest.raises(RuntimeError):  # now a Linear(3, 4)
        m(ae.ones(2, 5))


def test_lazy_linear_initialisation_is_the_regular_one():
    ae.manual_seed(7)
    lazy = nn.LazyLinear(3)
    lazy(ae.ones(1, 5))
    ae.manual_seed(7)
    regular = nn.Linear(5, 3)
    np.testing.assert_array_equal(lazy.weight.data, regular.weight.data)
    np.testing.assert_array_equal(lazy.bias.data, regular.bias.data)
    bound = 1 / np.sqrt(5)
    assert np.abs(lazy.weight.data).max() <= bound and np.abs(lazy.bias.data).max() <= bound


def test_lazy_linear_variants():
    m = nn.LazyLinear(3, bias=False)
    assert repr(m) == "LazyLinear(in_features=0, out_features=3, bias=False)"
    assert list(m.state_dict()) == ["weight"]
    m(ae.ones(2, 4))
    assert repr(m) == "Linear(in_features=4, out_features=3, bias=False)" and m.bias is None
    m = nn.LazyLinear(3, dtype=ae.float64)
    assert m.weight.dtype == np.float64
    m(ae.ones(2, 4, dtype=ae.float64))
    assert m.weight.dtype == np.float64
    m = nn.LazyLinear(3).double()  # dtype moves apply to the placeholders
    assert m.weight.dtype == np.float64 and m.weight.data.dtype == np.float64
    m(ae.ones(2, 4, dtype=ae.float64))
    assert m.weight.dtype == np.float64 and m.bias.dtype == np.float64
    m = nn.LazyLinear(3)
    assert m(input=ae.ones(2, 6)).shape == (2, 3) and m.in_features == 6
    m = nn.LazyLinear(3)  # an empty last dim: in_features stays 0 and no init runs
    assert m(ae.ones(5, 0)).shape == (5, 3)
    assert repr(m) == "Linear(in_features=0, out_features=3, bias=True)"
    m = nn.LazyLinear(3)
    assert m(ae.ones(0, 5)).shape == (0, 3) and m.in_features == 5


def test_lazy_linear_zero_dim_input_is_an_index_error():
    m = nn.LazyLinear(3)
    with pytest.raises(IndexError, match="tuple index out of range"):
        m(ae.ones(()))
    assert type(m) is nn.LazyLinear and m.has_uninitialized_params()


def test_initialize_parameters_can_be_called_by_hand():
    m = nn.LazyLinear(4)
    m.initialize_parameters(ae.ones(2, 3))
    assert type(m) is nn.LazyLinear and not m.has_uninitialized_params()
    assert m.in_features == 3 and m.weight.shape == (4, 3) and len(m._forward_pre_hooks) == 1
    m(ae.ones(2, 3))
    assert type(m) is nn.Linear


def test_user_pre_hooks_run_after_the_lazy_one():
    seen = []
    m = nn.LazyLinear(4)
    m.register_forward_pre_hook(lambda mod, args: seen.append(type(mod).__name__))
    m(ae.ones(1, 2))
    m(ae.ones(1, 2))
    assert seen == ["Linear", "Linear"]


def test_lazy_modules_in_a_sequential():
    s = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
    assert repr(s) == ("Sequential(\n  (0): LazyLinear(in_features=0, out_features=4, bias=True)"
                       "\n  (1): ReLU()\n  (2): LazyLinear(in_features=0, out_features=2, "
                       "bias=True)\n)")
    assert list(s.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    s(ae.ones(3, 5))
    assert repr(s) == ("Sequential(\n  (0): Linear(in_features=5, out_features=4, bias=True)"
                       "\n  (1): ReLU()\n  (2): Linear(in_features=4, out_features=2, "
                       "bias=True)\n)")


def test_deepcopy_of_a_lazy_module_initialises_separately():
    m = nn.LazyLinear(3)
    c = copy.deepcopy(m)
    c(ae.ones(1, 4))
    assert type(c) is nn.Linear and type(m) is nn.LazyLinear and m.has_uninitialized_params()
    m(ae.ones(1, 6))
    assert m.weight.shape == (3, 6) and c.weight.shape == (3, 4)


def test_module_methods_before_the_first_call():
    m = nn.LazyLinear(3)
    m.zero_grad()
    assert m.train(False) is m and m.apply(lambda mod: None) is m
    with pytest.raises(ValueError, match=USE_ERROR + "<method 'requires_grad_'"):
        m.requires_grad_(False)
    with pytest.raises(ValueError, match=USE_ERROR + "<method 'numel'"):
        sum(p.numel() for p in m.parameters())


# -- state dicts ---------------------------------------------------------------------------
def test_load_state_dict_materializes_and_keeps_the_values():
    ae.manual_seed(0)
    regular = nn.Linear(3, 4)
    m = nn.LazyLinear(4)
    assert repr(m.load_state_dict(regular.state_dict())) == "<All keys matched successfully>"
    assert type(m) is nn.LazyLinear and type(m.weight) is nn.Parameter
    assert m.weight.shape == (4, 3) and not m.has_uninitialized_params()
    assert repr(m) == "LazyLinear(in_features=0, out_features=4, bias=True)"
    with pytest.raises(AssertionError) as info:
        m(ae.ones(2, 5))
    assert str(info.value) == ("The in_features inferred from input: 5 is not equal to "
                               "in_features from self.weight: 3")
    assert m(ae.ones(2, 3)).shape == (2, 4) and type(m) is nn.Linear and m.in_features == 3
    np.testing.assert_array_equal(m.weight.data, regular.weight.data)  # not re-initialised
    np.testing.assert_array_equal(m.bias.data, regular.bias.data)


def test_load_state_dict_takes_the_checkpoint_shapes():
    m = nn.LazyLinear(4)
    m.load_state_dict(nn.Linear(3, 5).state_dict())
    assert m.weight.shape == (5, 3) and m.bias.shape == (5,)


def test_load_state_dict_of_a_lazy_module_keeps_the_placeholders():
    m, other = nn.LazyLinear(4), nn.LazyLinear(4)
    m.load_state_dict(other.state_dict())
    assert type(m.weight) is nn.UninitializedParameter and m.weight is not other.weight
    # into an initialized module it fails (torch: the .shape RuntimeError; here the size
    # mismatch RuntimeError)
    with pytest.raises(RuntimeError):
        nn.Linear(3, 4).load_state_dict(other.state_dict())


def test_partial_load_then_call():
    sd = nn.Linear(3, 4).state_dict()
    del sd["bias"]
    m = nn.LazyLinear(4)
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "bias"'):
        m.load_state_dict(sd)
    m = nn.LazyLinear(4)
    result = m.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == []
    assert type(m.weight) is nn.Parameter and type(m.bias) is nn.UninitializedParameter
    assert m.has_uninitialized_params()
    with pytest.raises(AttributeError, match="'Parameter' object has no attribute "
                                             "'materialize'"):
        m(ae.ones(2, 3))
    assert type(m) is nn.LazyLinear


def test_load_state_dict_assign():
    regular = nn.Linear(3, 4)
    m = nn.LazyLinear(4)
    m.load_state_dict(regular.state_dict(), assign=True)
    assert type(m.weight) is nn.Parameter and m.weight is not regular.weight
    np.testing.assert_array_equal(m.weight.data, regular.weight.data)


# -- optimizers ----------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda ps: ae.optim.SGD(ps, lr=0.1),
                                  lambda ps: ae.optim.Adam(ps, lr=0.1)])
def test_optimizer_built_before_the_first_call(make):
    m = nn.LazyLinear(3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = make(m.parameters())
    opt.step()  # no gradients yet: nothing to do
    opt.zero_grad()
    m(ae.ones(2, 4)).sum().backward()
    before = m.weight.data.copy()
    opt.step()
    assert opt.param_groups[0]["params"][0] is m.weight
    assert not np.array_equal(before, m.weight.data)


# -- convolutions --------------------------------------------------------------------------
CONVS = [
    ("LazyConv1d", (2, 3, 8), "LazyConv1d(0, 4, kernel_size=(3,), stride=(1,))",
     "Conv1d(3, 4, kernel_size=(3,), stride=(1,))", (4, 3, 3), (2, 4, 6)),
    ("LazyConv2d", (2, 3, 8, 8), "LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))",
     "Conv2d(3, 4, kernel_size=(3, 3), stride=(1, 1))", (4, 3, 3, 3), (2, 4, 6, 6)),
    ("LazyConv3d", (2, 3, 5, 5, 5),
     "LazyConv3d(0, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))",
     "Conv3d(3, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))", (4, 3, 3, 3, 3),
     (2, 4, 3, 3, 3)),
    ("LazyConvTranspose1d", (2, 3, 8), "LazyConvTranspose1d(0, 4, kernel_size=(3,), "
     "stride=(1,))", "ConvTranspose1d(3, 4, kernel_size=(3,), stride=(1,))", (3, 4, 3),
     (2, 4, 10)),
    ("LazyConvTranspose2d", (2, 3, 8, 8), "LazyConvTranspose2d(0, 4, kernel_size=(3, 3), "
     "stride=(1, 1))", "ConvTranspose2d(3, 4, kernel_size=(3, 3), stride=(1, 1))",
     (3, 4, 3, 3), (2, 4, 10, 10)),
    ("LazyConvTranspose3d", (2, 3, 5, 5, 5), "LazyConvTranspose3d(0, 4, kernel_size=(3, 3, 3), "
     "stride=(1, 1, 1))", "ConvTranspose3d(3, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))",
     (3, 4, 3, 3, 3), (2, 4, 7, 7, 7)),
]


@pytest.mark.parametrize("name,shape,before,after,weight,out", CONVS)
def test_lazy_convolutions(name, shape, before, after, weight, out):
    m = getattr(nn, name)(4, 3)
    assert repr(m) == before and m.in_channels == 0 and m.out_channels == 4
    assert [type(p).__name__ for p in m.parameters()] == ["UninitializedParameter"] * 2
    assert m(ae.ones(*shape)).shape == out
    assert repr(m) == after and type(m).__name__ == name[4:] and m.weight.shape == weight
    assert m.bias.shape == (4,)
    unbatched = getattr(nn, name)(4, 3)
    assert unbatched(ae.ones(*shape[1:])).shape == out[1:]
    assert unbatched.weight.shape == weight


@pytest.mark.parametrize("name,shape", [(c[0], c[1]) for c in CONVS])
def test_lazy_convolution_input_checks(name, shape):
    n = len(shape) - 2
    m = getattr(nn, name)(4, 3)
    with pytest.raises(RuntimeError) as info:
        m(ae.ones(*shape[2:]))
    assert str(info.value) == (f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                               f"{name}, but got input of size: {shape[2:]}")
    m = getattr(nn, name)(4, 3, groups=2)
    with pytest.raises(ValueError, match="^in_channels must be divisible by groups$"):
        m(ae.ones(*shape))
    assert type(m).__name__ == name and m.in_channels == 3  # set before the check, as torch
    with pytest.raises(ValueError, match="^groups must be a positive integer$"):
        getattr(nn, name)(4, 3, groups=0)
    assert repr(getattr(nn, name)(5, 3, groups=2)).endswith(", groups=2)")


@pytest.mark.parametrize("name", ["LazyConv2d", "LazyConvTranspose2d"])
def test_lazy_convolution_initialisation_is_the_regular_one(name):
    ae.manual_seed(3)
    lazy = getattr(nn, name)(4, 3, stride=2)
    lazy(_randn(1, 2, 7, 7))
    ae.manual_seed(3)
    regular = getattr(nn, name[4:])(2, 4, 3, stride=2)
    np.testing.assert_array_equal(lazy.weight.data, regular.weight.data)
    np.testing.assert_array_equal(lazy.bias.data, regular.bias.data)


def test_lazy_convolution_options_and_errors():
    m = nn.LazyConv2d(4, 3, padding_mode="reflect", bias=False, stride=2, dilation=2,
                      padding=1)
    assert repr(m) == ("LazyConv2d(0, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
                       "dilation=(2, 2), bias=False, padding_mode=reflect)")
    assert list(m.state_dict()) == ["weight"]
    m = nn.LazyConv2d(4, 3, padding_mode="reflect", padding=1)
    assert m(ae.ones(1, 2, 5, 5)).shape == (1, 4, 5, 5)
    assert repr(m) == ("Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), "
                       "padding_mode=reflect)")
    m = nn.LazyConvTranspose2d(4, 3, stride=2)
    assert m(ae.ones(1, 2, 5, 5), output_size=(12, 12)).shape == (1, 4, 12, 12)
    with pytest.raises(ValueError) as info:
        nn.LazyConvTranspose2d(4, 3, padding_mode="reflect")
    assert str(info.value) == 'Only "zeros" padding mode is supported for LazyConvTranspose2d'
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.LazyConv2d(4, 3, padding="same", stride=2)
    with pytest.raises(TypeError):
        nn.LazyConv2d(4, 3)(ae.ones(1, 2, 5, 5), ae.ones(1))


def test_lazy_convolution_loaded_keeps_in_channels_zero():
    """torch's quirk: a loaded lazy convolution never sets in_channels."""
    m = nn.LazyConv2d(4, 3)
    m.load_state_dict(nn.Conv2d(2, 4, 3).state_dict())
    assert m.in_channels == 0 and repr(m) == "LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))"
    assert m(ae.ones(1, 2, 5, 5)).shape == (1, 4, 3, 3)
    assert repr(m) == "Conv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))"
    m = nn.LazyConv2d(4, 3)
    m.load_state_dict(nn.Conv2d(2, 4, 3).state_dict())
    with pytest.raises(RuntimeError, match="expected input\\[1, 5, 5, 5\\] to have 2 channels"):
        m(ae.ones(1, 5, 5, 5))


# -- normalisation -------------------------------------------------------------------------
NORMS = [("LazyBatchNorm1d", (4, 3)), ("LazyBatchNorm1d", (4, 3, 5)),
         ("LazyBatchNorm2d", (2, 3, 4, 4)), ("LazyBatchNorm3d", (2, 3, 2, 2, 2)),
         ("LazyInstanceNorm1d", (2, 3, 5)), ("LazyInstanceNorm2d", (2, 3, 4, 4)),
         ("LazyInstanceNorm3d", (2, 3, 2, 2, 2))]
NORM_SETTINGS = "eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True"


@pytest.mark.parametrize("name,shape", NORMS)
def test_lazy_norms(name, shape):
    m = getattr(nn, name)()
    assert repr(m) == f"{name}(0, {NORM_SETTINGS})" and m.num_features == 0
    assert [(k, type(v).__name__) for k, v in m.state_dict().items()] == [
        ("weight", "UninitializedParameter"), ("bias", "UninitializedParameter"),
        ("running_mean", "UninitializedBuffer"), ("running_var", "UninitializedBuffer"),
        ("num_batches_tracked", "Tensor")]
    assert m.state_dict()["num_batches_tracked"].item() == 0
    concrete = getattr(nn, name[4:])
    assert not isinstance(m, concrete)  # torch's lazy norms derive from _BatchNorm/_InstanceNorm
    assert isinstance(m, _InstanceNorm if "Instance" in name else _BatchNorm)
    y = m(_randn(*shape))
    assert y.shape == shape and type(m) is concrete
    assert repr(m) == f"{name[4:]}(3, {NORM_SETTINGS})"
    assert {k: v.shape for k, v in m.state_dict().items()} == {
        "weight": (3,), "bias": (3,), "running_mean": (3,), "running_var": (3,),
        "num_batches_tracked": ()}
    np.testing.assert_array_equal(m.weight.data, np.ones(3, np.float32))
    np.testing.assert_array_equal(m.bias.data, np.zeros(3, np.float32))
    expected_tracked = 0 if "Instance" in name else 1
    assert m.num_batches_tracked.item() == expected_tracked
    with pytest.raises(IndexError, match="tuple index out of range"):
        getattr(nn, name)()(ae.ones(2))


def test_lazy_norm_variants():
    m = nn.LazyBatchNorm1d(bias=False)
    assert repr(m) == ("LazyBatchNorm1d(0, eps=1e-05, momentum=0.1, affine=True, bias=False, "
                       "track_running_stats=True)")
    assert list(m.state_dict()) == ["weight", "running_mean", "running_var",
                                    "num_batches_tracked"]
    assert repr(nn.LazyBatchNorm1d(momentum=None, eps=1e-3)) == (
        "LazyBatchNorm1d(0, eps=0.001, momentum=None, affine=True, bias=True, "
        "track_running_stats=True)")
    m = nn.LazyBatchNorm1d(affine=False, track_running_stats=False)
    assert not m.has_uninitialized_params() and list(m.state_dict()) == []
    assert m(_randn(4, 3)).shape == (4, 3)
    assert repr(m) == ("BatchNorm1d(0, eps=1e-05, momentum=0.1, affine=False, bias=False, "
                       "track_running_stats=False)")
    m = nn.LazyBatchNorm2d().eval()
    m(_randn(2, 3, 4, 4))
    np.testing.assert_array_equal(m.running_mean.data, np.zeros(3, np.float32))
    assert m.num_batches_tracked.item() == 0 and not m.training
    m = nn.LazyBatchNorm1d()
    m(_randn(3, 5))  # unbatched-looking 2-D input: features are dim 1
    assert m.num_features == 5


def test_lazy_instance_norm_defaults_and_unbatched_input():
    m = nn.LazyInstanceNorm1d(affine=False, track_running_stats=False)
    assert repr(m) == ("LazyInstanceNorm1d(0, eps=1e-05, momentum=0.1, affine=False, "
                       "bias=False, track_running_stats=False)")
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        m(_randn(2, 3, 5))
    assert type(m) is nn.InstanceNorm1d and m.num_features == 0
    m = nn.LazyInstanceNorm1d()  # num_features is shape[1] even for unbatched input
    with pytest.raises(ValueError) as info:
        m(_randn(3, 5))
    assert str(info.value) == ("expected input's size at dim=0 to match num_features (5), but "
                               "got: 3.")
    assert type(m) is nn.InstanceNorm1d


def test_lazy_batch_norm_loads_a_state_dict():
    regular = nn.BatchNorm2d(5)
    regular(_randn(2, 5, 3, 3))
    m = nn.LazyBatchNorm2d()
    m.load_state_dict(regular.state_dict())
    assert type(m.running_mean) is nn.Buffer and m.running_mean.shape == (5,)
    assert m.num_batches_tracked.item() == 1
    np.testing.assert_array_equal(m.running_var.data, regular.running_var.data)
    m(_randn(2, 5, 4, 4))
    assert type(m) is nn.BatchNorm2d and m.num_features == 0  # as torch: not inferred again


# -- LazyModuleMixin on a user module ------------------------------------------------------
class _Scale(LazyModuleMixin, nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.UninitializedParameter()

    def forward(self, x):
        return x * self.w


class _NeverInitialised(_Scale):
    def initialize_parameters(self, x):
        pass


class _ShapeOfInput(_Scale):
    def initialize_parameters(self, x):
        self.w.materialize(x.shape)
        with ae.no_grad():
            self.w.fill_(2.0)


def test_mixin_on_a_user_module():
    with pytest.raises(NotImplementedError) as info:
        _Scale()(ae.ones(3))
    assert str(info.value) == "initialize_parameters is not implemented for _Scale"
    with pytest.raises(RuntimeError) as info:
        _NeverInitialised()(ae.ones(3))
    assert str(info.value) == "module _NeverInitialised has not been fully initialized"
    m = _ShapeOfInput()
    assert LazyModuleMixin.cls_to_become is None
    np.testing.assert_array_equal(m(ae.ones(3)).data, [2.0, 2.0, 2.0])
    assert type(m) is _ShapeOfInput and not m._forward_pre_hooks


# -- gradients and training ----------------------------------------------------------------
def test_gradcheck_lazy_linear_after_init():
    m = nn.LazyLinear(3, dtype=ae.float64)
    x = _randn(2, 4, dtype=np.float64).requires_grad_()
    m(x)
    w = m.weight.detach().requires_grad_()
    b = m.bias.detach().requires_grad_()

    def fn(x, w, b):
        return functional_call(m, {"weight": w, "bias": b}, (x,))

    assert ae.autograd.gradcheck(fn, (x, w, b))
    assert ae.autograd.gradgradcheck(fn, (x, w, b))


def _lazy_net():
    return nn.Sequential(nn.LazyConv2d(4, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(),
                         nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(3))


def _regular_net():
    return nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(36, 8), nn.ReLU(), nn.Linear(8, 3))


def test_training_a_lazy_net_matches_the_regular_one():
    x, target = _randn(6, 2, 5, 5, seed=1), ae.tensor([0, 1, 2, 0, 1, 2])
    losses = {}
    for kind, make in (("lazy", _lazy_net), ("regular", _regular_net)):
        ae.manual_seed(11)
        net = make()
        opt = ae.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)  # before the dry run
        net(x[:1])  # the lazy layers' draws happen here, in the regular net's order
        losses[kind] = []
        for _ in range(5):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x), target)
            loss.backward()
            opt.step()
            losses[kind].append(loss.item())
    assert [type(m).__name__ for m in net] == ["Conv2d", "BatchNorm2d", "ReLU", "Flatten",
                                               "Linear", "ReLU", "Linear"]
    assert losses["lazy"] == losses["regular"]
    assert losses["lazy"][-1] < losses["lazy"][0]


@settings(max_examples=25)
@given(in_features=st.integers(1, 7), out_features=st.integers(1, 5),
       batch=st.lists(st.integers(1, 3), max_size=2), bias=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_lazy_linear_matches_linear(in_features, out_features, batch, bias, seed):
    x = _randn(*batch, in_features, seed=seed)
    ae.manual_seed(seed)
    lazy = nn.LazyLinear(out_features, bias=bias)
    y = lazy(x)
    ae.manual_seed(seed)
    regular = nn.Linear(in_features, out_features, bias=bias)
    assert type(lazy) is nn.Linear and y.shape == (*batch, out_features)
    assert repr(lazy) == repr(regular)
    np.testing.assert_array_equal(y.data, regular(x).data)


@settings(max_examples=15)
@given(channels=st.integers(1, 4), out=st.integers(1, 4), kernel=st.integers(1, 3),
       size=st.integers(3, 6), transposed=st.booleans(), batched=st.booleans())
def test_lazy_conv2d_matches_conv2d(channels, out, kernel, size, transposed, batched):
    name = "ConvTranspose2d" if transposed else "Conv2d"
    x = _randn(*((2,) if batched else ()), channels, size, size, seed=size)
    ae.manual_seed(channels * 7 + out)
    lazy = getattr(nn, "Lazy" + name)(out, kernel)
    y = lazy(x)
    ae.manual_seed(channels * 7 + out)
    regular = getattr(nn, name)(channels, out, kernel)
    assert type(lazy) is type(regular) and repr(lazy) == repr(regular)
    assert {k: v.shape for k, v in lazy.state_dict().items()} == \
        {k: v.shape for k, v in regular.state_dict().items()}
    np.testing.assert_array_equal(y.data, regular(x).data)


def test_save_refuses_placeholders_and_stores_the_materialized_module(tmp_path):
    lazy = ae.nn.LazyLinear(3)
    with pytest.raises(ValueError, match="save: cannot store an uninitialized parameter"):
        ae.save(lazy.state_dict(), tmp_path / "lazy.npz")
    lazy(ae.ones(2, 4))
    ae.save(lazy.state_dict(), tmp_path / "lazy.npz")
    assert ae.load(tmp_path / "lazy.npz")["weight"].shape == (3, 4)
