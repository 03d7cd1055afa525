"""Lazy modules against torch 2.13 (skipped without it): the same set of lazy layers, reprs
before and after the first call, the class they become, state dict keys, types and shapes,
loading torch's initialized state dict into a lazy module (then equal outputs), training from
the same start, and the exception types of the misuses."""
import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn as nn

torch = pytest.importorskip("torch")
# affine=False instance norms that never learn num_features warn in both libraries
pytestmark = pytest.mark.filterwarnings("ignore:input's size at dim")

TYPE_NAMES = {"UninitializedParameter": "UninitializedParameter",
              "UninitializedBuffer": "UninitializedBuffer", "Parameter": "Parameter",
              "Tensor": "Tensor", "Buffer": "Tensor"}  # a materialized buffer: see lazy.py

# (name, constructor args, kwargs, input shape)
CASES = [
    ("LazyLinear", (4,), {}, (3, 5)),
    ("LazyLinear", (2,), {"bias": False}, (2, 3, 6)),
    ("LazyConv1d", (4, 3), {"stride": 2, "padding": 1}, (2, 3, 9)),
    ("LazyConv2d", (4, 3), {"groups": 2, "bias": False}, (2, 6, 7, 7)),
    ("LazyConv2d", (4, 3), {"padding": 1, "padding_mode": "circular"}, (3, 6, 6)),
    ("LazyConv3d", (2, 2), {"dilation": 2}, (1, 3, 5, 5, 5)),
    ("LazyConvTranspose1d", (4, 3), {"stride": 2, "output_padding": 1}, (2, 3, 6)),
    ("LazyConvTranspose2d", (4, 3), {"groups": 2}, (2, 6, 4, 4)),
    ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), {}, (5, 3)),
    ("LazyBatchNorm1d", (), {"affine": False}, (5, 3, 4)),
    ("LazyBatchNorm2d", (), {"track_running_stats": False}, (4, 3, 2, 2)),
    ("LazyBatchNorm3d", (), {"momentum": None, "bias": False}, (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
    ("LazyInstanceNorm2d", (), {"affine": False}, (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), {"track_running_stats": False}, (2, 3, 2, 2, 2)),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


def _data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _state(module):
    return [(k, TYPE_NAMES[type(v).__name__], None if "Uninitialized" in type(v).__name__
             else tuple(v.shape)) for k, v in module.state_dict(keep_vars=True).items()]


def _torch_state(module):
    return [(k, type(v).__name__, None if "Uninitialized" in type(v).__name__
             else tuple(v.shape)) for k, v in module.state_dict(keep_vars=True).items()]


def test_the_same_lazy_layers_exist():
    names = {n for n in dir(torch.nn) if n.startswith("Lazy") or n.startswith("Uninit")}
    assert names == {n for n in dir(nn) if n.startswith("Lazy") or n.startswith("Uninit")}
    assert torch.nn.parameter.is_lazy and nn.parameter.is_lazy


@pytest.mark.parametrize("name,args,kwargs,shape", CASES, ids=IDS)
def test_first_call(name, args, kwargs, shape):
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert _state(ours) == _torch_state(theirs)
    assert ours.has_uninitialized_params() == theirs.has_uninitialized_params()
    x = _data(shape)
    y, t = ours(ae.tensor(x)), theirs(torch.tensor(x))
    assert type(ours).__name__ == type(theirs).__name__
    assert repr(ours) == repr(theirs)
    assert _state(ours) == _torch_state(theirs)
    assert y.shape == tuple(t.shape)
    assert not ours._forward_pre_hooks and not theirs._forward_pre_hooks


@pytest.mark.parametrize("name,args,kwargs,shape", CASES, ids=IDS)
def test_loading_torch_weights_into_a_lazy_module(name, args, kwargs, shape):
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    x = _data(shape)
    theirs(torch.tensor(x))  # initialise
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn(p.shape))  # away from ones/zeros, so the load shows
    sd = {k: ae.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()}
    ours, fresh = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    ours.load_state_dict(sd)
    fresh.load_state_dict(theirs.state_dict())
    assert type(ours).__name__ == type(fresh).__name__ and repr(ours) == repr(fresh)
    assert _state(ours) == _torch_state(fresh)
    for m in (ours, fresh):
        m.eval()
    try:
        t = fresh(torch.tensor(x))
    except ValueError as e:  # a loaded affine instance norm keeps num_features 0
        with pytest.raises(ValueError) as info:
            ours(ae.tensor(x))
        assert str(info.value) == str(e) and "Instance" in name
    else:
        y = ours(ae.tensor(x))
        np.testing.assert_allclose(y.data, t.detach().numpy(), rtol=1e-4, atol=1e-5)
    assert type(ours).__name__ == type(fresh).__name__ and repr(ours) == repr(fresh)


def _pair(name, *args, **kwargs):
    return getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)


def _error_type(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return type(e)
    return None


MISUSES = {
    "shape of a placeholder": lambda lib: lib.nn.UninitializedParameter().shape,
    "arithmetic": lambda lib: lib.nn.UninitializedParameter() + 1,
    "reflected arithmetic": lambda lib: 2 * lib.nn.UninitializedParameter(),
    "method": lambda lib: lib.nn.UninitializedParameter().sum(),
    "numel": lambda lib: lib.nn.UninitializedParameter().numel(),
    "detach": lambda lib: lib.nn.UninitializedBuffer().detach(),
    "indexing": lambda lib: lib.nn.UninitializedParameter()[0],
    "share_memory_": lambda lib: lib.nn.UninitializedParameter().share_memory_(),
    "negative materialize": lambda lib: lib.nn.UninitializedParameter().materialize((-1,)),
    "0-d input to LazyLinear": lambda lib: lib.nn.LazyLinear(3)(lib.ones(())),
    "1-d input to LazyBatchNorm2d": lambda lib: lib.nn.LazyBatchNorm2d()(lib.ones(3)),
    "conv input rank": lambda lib: lib.nn.LazyConv2d(4, 3)(lib.ones(5, 5)),
    "conv groups": lambda lib: lib.nn.LazyConv1d(4, 3, groups=2)(lib.ones(2, 3, 8)),
    "conv groups = 0": lambda lib: lib.nn.LazyConv2d(4, 3, groups=0),
    "transposed padding_mode": lambda lib: lib.nn.LazyConvTranspose1d(4, 3,
                                                                      padding_mode="reflect"),
    "second call with another size": lambda lib: _call_twice(lib),
    "loaded weight mismatching input": lambda lib: _loaded(lib)(lib.ones(2, 5)),
    "partially loaded": lambda lib: _partially_loaded(lib)(lib.ones(2, 3)),
    "requires_grad_ before init": lambda lib: lib.nn.LazyLinear(3).requires_grad_(False),
    "instance norm affine mismatch": lambda lib: lib.nn.LazyInstanceNorm1d()(lib.ones(3, 5)),
}


def _call_twice(lib):
    m = lib.nn.LazyLinear(3)
    m(lib.ones(2, 4))
    m(lib.ones(2, 5))


def _loaded(lib):
    m = lib.nn.LazyLinear(4)
    m.load_state_dict(lib.nn.Linear(3, 4).state_dict())
    return m


def _partially_loaded(lib):
    m = lib.nn.LazyLinear(4)
    sd = lib.nn.Linear(3, 4).state_dict()
    del sd["bias"]
    m.load_state_dict(sd, strict=False)
    return m


@pytest.mark.parametrize("case", sorted(MISUSES))
def test_error_types(case):
    expected = _error_type(lambda: MISUSES[case](torch))
    assert expected is not None
    assert _error_type(lambda: MISUSES[case](ae)) is expected


def test_error_messages():
    for case in ("shape of a placeholder", "share_memory_", "conv groups", "conv groups = 0",
                 "transposed padding_mode", "loaded weight mismatching input",
                 "partially loaded", "0-d input to LazyLinear", "instance norm affine mismatch"):
        messages = []
        for lib in (torch, ae):
            try:
                MISUSES[case](lib)
            except Exception as e:  # noqa: BLE001
                messages.append(str(e))
        assert messages[0] == messages[1], case
    ours = theirs = None
    try:
        nn.UninitializedParameter() + 1
    except ValueError as e:
        ours = str(e)
    try:
        torch.nn.UninitializedParameter() + 1
    except ValueError as e:
        theirs = str(e)
    prefix = "Attempted to use an uninitialized parameter in "
    assert ours.startswith(prefix) and theirs.startswith(prefix)
    assert ours.split("objects>.")[1].split("`")[0] == theirs.split("objects>.")[1].split("`")[0]


def test_placeholder_behaviour_matches():
    for lib in (torch, ae):
        p = lib.nn.UninitializedParameter()
        assert repr(p) == "<UninitializedParameter>" and tuple(p.size()) == (0,)
        assert p.ndim == 1 and p.requires_grad and p.is_leaf and p.grad is None
        assert p.float() is p and p.cpu() is p and p.is_floating_point()
        assert tuple(p.double().size()) == (0,)
        b = lib.nn.UninitializedBuffer(persistent=False)
        assert repr(b) == "<UninitializedBuffer>" and not b.requires_grad and not b.persistent
        assert isinstance(b, lib.nn.Buffer)
        c = copy.deepcopy(lib.nn.UninitializedParameter(requires_grad=False))
        assert type(c).__name__ == "UninitializedParameter" and not c.requires_grad
        p.materialize((2, 3))
        assert type(p).__name__ == "Parameter" and tuple(p.shape) == (2, 3)
        b.materialize(4)
        assert isinstance(b, lib.nn.Buffer) and not b.persistent and tuple(b.shape) == (4,)


def test_state_dict_round_trips_between_lazy_modules():
    for lib in (torch, ae):
        ours = lib.nn.Sequential(lib.nn.LazyLinear(4), lib.nn.ReLU(), lib.nn.LazyLinear(2))
        assert [repr(v) for v in ours.state_dict().values()] == ["<UninitializedParameter>"] * 4
        other = lib.nn.Sequential(lib.nn.LazyLinear(4), lib.nn.ReLU(), lib.nn.LazyLinear(2))
        other.load_state_dict(ours.state_dict())  # placeholders into placeholders
        assert [type(v).__name__ for v in other.state_dict().values()] == \
            ["UninitializedParameter"] * 4
        ours(lib.ones(3, 5))
        other.load_state_dict(ours.state_dict())
        assert [tuple(v.shape) for v in other.state_dict().values()] == \
            [(4, 5), (4,), (2, 4), (2,)]
        assert [type(m).__name__ for m in other] == ["LazyLinear", "ReLU", "LazyLinear"]


def _net(lib):
    return lib.nn.Sequential(lib.nn.LazyConv2d(4, 3), lib.nn.LazyBatchNorm2d(), lib.nn.ReLU(),
                             lib.nn.Flatten(), lib.nn.LazyLinear(3))


def test_training_from_the_same_start():
    x = _data((6, 2, 5, 5), seed=3)
    target = np.array([0, 1, 2, 0, 1, 2])
    theirs, ours = _net(torch), _net(ae)
    t_opt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.9)  # before the dry run
    a_opt = ae.optim.SGD(ours.parameters(), lr=0.1, momentum=0.9)
    theirs(torch.tensor(x[:1]))
    ours(ae.tensor(x[:1]))
    ours.load_state_dict({k: ae.tensor(v.detach().numpy())
                          for k, v in theirs.state_dict().items()})
    losses = []
    for _ in range(6):
        t_opt.zero_grad()
        a_opt.zero_grad()
        t_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)),
                                                   torch.tensor(target))
        a_loss = nn.functional.cross_entropy(ours(ae.tensor(x)), ae.tensor(target))
        t_loss.backward()
        a_loss.backward()
        t_opt.step()
        a_opt.step()
        losses.append((a_loss.item(), t_loss.item()))
    np.testing.assert_allclose(*zip(*losses), rtol=1e-4)
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]


@settings(max_examples=20)
@given(in_features=st.integers(1, 6), out_features=st.integers(1, 4),
       batch=st.lists(st.integers(0, 3), max_size=2), bias=st.booleans())
def test_lazy_linear_shapes(in_features, out_features, batch, bias):
    ours, theirs = _pair("LazyLinear", out_features, bias=bias)
    shape = (*batch, in_features)
    y, t = ours(ae.zeros(shape)), theirs(torch.zeros(shape))
    assert y.shape == tuple(t.shape) and repr(ours) == repr(theirs)
    assert _state(ours) == _torch_state(theirs)


@settings(max_examples=15)
@given(dims=st.integers(1, 3), channels=st.integers(1, 4), out=st.integers(1, 4),
       kernel=st.integers(1, 2), transposed=st.booleans(), batched=st.booleans(),
       affine=st.booleans(), track=st.booleans())
def test_lazy_conv_and_norm_shapes(dims, channels, out, kernel, transposed, batched, affine,
                                   track):
    shape = (2,) * batched + (channels,) + (3,) * dims
    name = f"LazyConv{'Transpose' if transposed else ''}{dims}d"
    ours, theirs = _pair(name, out, kernel)
    y, t = ours(ae.zeros(shape)), theirs(torch.zeros(shape))
    assert y.shape == tuple(t.shape) and repr(ours) == repr(theirs)
    assert _state(ours) == _torch_state(theirs)
    norm_shape = (2, channels) + (3,) * dims
    for kind in ("BatchNorm", "InstanceNorm"):
        ours, theirs = _pair(f"Lazy{kind}{dims}d", affine=affine, track_running_stats=track)
        ours(ae.tensor(_data(norm_shape)))
        theirs(torch.tensor(_data(norm_shape)))
        assert repr(ours) == repr(theirs) and _state(ours) == _torch_state(theirs)
