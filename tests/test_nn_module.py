"""Module: registration, traversal, state dicts, hooks, modes, repr; containers."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.nn.containers import (ModuleDict, ModuleList, ParameterDict,
                                           ParameterList, Sequential)
from autograd_engine.nn.layers import Dropout, Flatten, Identity, Linear
from autograd_engine.nn.module import Module, Parameter


class Affine(Module):
    """y = x * scale + shift, with a buffer and a non-persistent buffer."""

    def __init__(self, n=3):
        super().__init__()
        self.scale = Parameter(ae.ones(n, dtype=ae.float64))
        self.shift = Parameter(ae.zeros(n, dtype=ae.float64))
        self.register_buffer("count", ae.zeros(1, dtype=ae.int64))
        self.register_buffer("cache", ae.zeros(2), persistent=False)

    def forward(self, x):
        return x * self.scale + self.shift


class Net(Module):
    def __init__(self):
        super().__init__()
        self.first = Affine()
        self.body = Sequential(Affine(), Identity())
        self.last = Affine()

    def forward(self, x):
        return self.last(self.body(self.first(x)))


# -- Parameter -------------------------------------------------------------------------------
def test_parameter_is_a_leaf_tensor_that_requires_grad():
    p = Parameter(ae.tensor([1.0, 2.0]))
    assert isinstance(p, ae.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert not Parameter(ae.zeros(2), requires_grad=False).requires_grad
    with pytest.raises(TypeError, match="floating point"):
        Parameter(ae.tensor([1, 2]))


def test_parameter_shares_data_and_gets_gradients_through_ops():
    t = ae.tensor([1.0, 2.0, 3.0])
    p = Parameter(t)
    assert p.data is t.data
    (p * p).sum().backward()
    np.testing.assert_allclose(p.grad.data, [2.0, 4.0, 6.0])
    y = ae.tensor([1.0, 1.0, 1.0]) @ p  # saved by MatMul: must come back as the Parameter
    y.backward()
    np.testing.assert_allclose(p.grad.data, [3.0, 5.0, 7.0])


# -- registration ----------------------------------------------------------------------------
def test_attributes_register_parameters_buffers_and_modules():
    m = Affine()
    assert list(m._parameters) == ["scale", "shift"]
    assert list(m._buffers) == ["count", "cache"]
    assert "scale" not in m.__dict__ and m.scale is m._parameters["scale"]
    m.extra = 5
    assert m.extra == 5 and "extra" not in m._parameters
    net = Net()
    assert list(net._modules) == ["first", "body", "last"]
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope


def test_reassignment_rules():
    m = Affine()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        m.scale = ae.ones(3)
    m.scale = None
    assert m._parameters["scale"] is None
    assert [n for n, _ in m.named_parameters()] == ["shift"]
    m.count = ae.ones(1)  # a buffer accepts any tensor
    assert m._buffers["count"].data[0] == 1
    with pytest.raises(TypeError, match="buffer 'count'"):
        m.count = 3
    net = Net()
    with pytest.raises(TypeError, match="child module 'first'"):
        net.first = 3
    net.first = Affine(2)
    assert net.first.scale.shape == (2,)
    del net.first
    assert "first" not in net._modules


def test_register_errors():
    m = Affine()
    with pytest.raises(KeyError, match='contain'):
        m.register_buffer("a.b", ae.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("scale", ae.zeros(1))
    with pytest.raises(TypeError, match="Parameter or None required"):
        m.register_parameter("w", ae.zeros(1))
    with pytest.raises(TypeError, match="Tensor or None required"):
        m.register_buffer("b", np.zeros(1))
    with pytest.raises(ValueError, match="non-leaf"):
        x = Parameter(ae.ones(2))
        p = Parameter.__new__(Parameter)
        Parameter.__init__(p, ae.ones(2))
        p.grad_fn = (x * 2).grad_fn
        m.register_parameter("w", p)

    class Early(Module):
        def __init__(self):
            self.w = Parameter(ae.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_forward_not_implemented():
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(1)


# -- traversal -------------------------------------------------------------------------------
def test_named_parameters_buffers_modules_order_and_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "first.scale", "first.shift", "body.0.scale", "body.0.shift", "last.scale",
        "last.shift"]
    assert [n for n, _ in net.named_parameters(prefix="net")][0] == "net.first.scale"
    assert [n for n, _ in net.named_buffers()] == [
        "first.count", "first.cache", "body.0.count", "body.0.cache", "last.count",
        "last.cache"]
    assert [n for n, _ in net.named_modules()] == ["", "first", "body", "body.0", "body.1",
                                                   "last"]
    assert [n for n, _ in net.named_children()] == ["first", "body", "last"]
    assert list(net.children()) == [net.first, net.body, net.last]
    assert len(list(net.modules())) == 6
    assert list(net.parameters(recurse=False)) == []
    assert len(list(net.buffers())) == 6


def test_shared_parameters_and_modules_are_listed_once():
    shared = Affine()
    net = Sequential(shared, shared, Affine())
    net[2].scale = net[0].scale
    names = [n for n, _ in net.named_parameters()]
    assert names == ["0.scale", "0.shift", "2.shift"]
    assert len(list(net.parameters())) == 3
    assert [n for n, _ in net.named_modules()] == ["", "0", "2"]
    assert len(list(net.named_parameters(remove_duplicate=False))) == 6


def test_get_submodule_and_parameter():
    net = Net()
    assert net.get_submodule("body.0") is net.body[0]
    assert net.get_parameter("body.0.scale") is net.body[0].scale
    with pytest.raises(AttributeError):
        net.get_submodule("body.7")


# -- modes, grads, apply, dtype ----------------------------------------------------------------
def test_train_eval_recurse_and_return_self():
    net = Net()
    assert net.training and net.body[1].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad_():
    net = Net()
    net(ae.ones(3, dtype=ae.float64)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_visits_children_first():
    net = Net()
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Affine", "Affine", "Identity", "Sequential", "Affine", "Net"]


def test_to_casts_floating_parameters_and_buffers_in_place():
    net = Net()
    scale = net.first.scale
    net.float()
    assert net.first.scale is scale and scale.dtype == np.float32
    assert net.first.count.dtype == np.int64  # integer buffers keep their dtype
    net.to(ae.float64)
    assert scale.dtype == np.float64
    assert net.to("cpu") is net
    with pytest.raises(TypeError):
        net.to(ae.int64)


def test_deepcopy_gives_independent_parameters():
    net = Net()
    clone = copy.deepcopy(net)
    assert isinstance(clone.first.scale, Parameter)
    clone.first.scale.data[0] = 7
    assert net.first.scale.data[0] == 1


# -- state dict ------------------------------------------------------------------------------
def test_state_dict_keys_values_detached():
    net = Net()
    sd = net.state_dict()
    assert list(sd) == ["first.scale", "first.shift", "first.count", "body.0.scale",
                        "body.0.shift", "body.0.count", "last.scale", "last.shift",
                        "last.count"]
    assert not sd["first.scale"].requires_grad
    assert sd["first.scale"].data is net.first.scale.data  # detached view, no copy
    assert net.state_dict(keep_vars=True)["first.scale"] is net.first.scale


def test_state_dict_round_trip():
    a, b = Net(), Net()
    for i, p in enumerate(a.parameters()):
        p.data[...] = np.arange(3) + 10 * i
    a.first.count.data[0] = 4
    assert repr(b.load_state_dict(a.state_dict())) == "<All keys matched successfully>"
    for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data, err_msg=n)
    assert b.first.count.data[0] == 4


def test_load_state_dict_copies_in_place_and_casts_dtype():
    net = Affine()
    scale = net.scale
    version = scale._version
    net.load_state_dict({"scale": np.array([1, 2, 3], np.int32), "shift": ae.ones(3),
                         "count": ae.tensor([2])})
    assert net.scale is scale and scale._version == version + 1
    assert scale.dtype == np.float64
    np.testing.assert_array_equal(scale.data, [1.0, 2.0, 3.0])


def test_load_state_dict_strict_errors():
    net = Net()
    sd = net.state_dict()
    del sd["first.shift"], sd["last.count"]
    sd["extra.weight"] = ae.zeros(1)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(sd)
    assert str(info.value) == (
        'Error(s) in loading state_dict for Net:\n\tMissing key(s) in state_dict: '
        '"first.shift", "last.count". \n\tUnexpected key(s) in state_dict: "extra.weight". ')
    result = net.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["first.shift", "last.count"]
    assert result.unexpected_keys == ["extra.weight"]
    missing, unexpected = result
    assert missing == result.missing_keys and unexpected == result.unexpected_keys


def test_load_state_dict_shape_mismatch_raises_even_when_not_strict():
    net = Net()
    sd = net.state_dict()
    sd["body.0.scale"] = ae.zeros(4, dtype=ae.float64)
    with pytest.raises(RuntimeError, match=r"size mismatch for body.0.scale: copying a param "
                       r"with shape \(4,\) from checkpoint, the shape in current model is "
                       r"\(3,\)"):
        net.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="dict-like"):
        net.load_state_dict([1, 2])


# -- hooks -----------------------------------------------------------------------------------
def test_forward_pre_hook_and_forward_hook_modify_and_remove():
    m = Affine()
    calls = []
    pre = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
    post = m.register_forward_hook(lambda mod, args, out: calls.append((mod, args, out)))
    x = ae.ones(3, dtype=ae.float64)
    y = m(x)
    np.testing.assert_array_equal(y.data, [2.0, 2.0, 2.0])
    assert calls[0][0] is m and calls[0][2] is y
    np.testing.assert_array_equal(calls[0][1][0].data, [2.0, 2.0, 2.0])
    replace = m.register_forward_hook(lambda mod, args, out: out + 1)
    np.testing.assert_array_equal(m(x).data, [3.0, 3.0, 3.0])
    pre.remove()
    post.remove()
    replace.remove()
    np.testing.assert_array_equal(m(x).data, [1.0, 1.0, 1.0])
    assert len(calls) == 2


def test_hooks_with_kwargs_and_prepend():
    m = Affine()
    order = []
    m.register_forward_hook(lambda mod, args, out: order.append("a"))
    m.register_forward_hook(lambda mod, args, out: order.append("b"), prepend=True)
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, kwargs), with_kwargs=True)
    m(ae.ones(3, dtype=ae.float64))
    assert order == ["b", "a"]


class Bilinear(Module):
    """y = (a * w) * b: grads w.r.t. a and b are easy to write by hand."""

    def __init__(self):
        super().__init__()
        self.w = Parameter(ae.tensor([2.0, 3.0], dtype=ae.float64))

    def forward(self, a, scale, b):
        return a * self.w * b * scale


def test_full_backward_hook_receives_input_and_output_grads():
    m = Bilinear()
    seen = {}
    handle = m.register_full_backward_hook(
        lambda mod, gi, go: seen.update(mod=mod, gi=gi, go=go))
    a = ae.tensor([1.0, 2.0], dtype=ae.float64, requires_grad=True)
    b = ae.tensor([5.0, 7.0], dtype=ae.float64, requires_grad=True)
    y = m(a, 2.0, b)
    assert not seen  # called during backward only
    y.backward(ae.tensor([1.0, -1.0], dtype=ae.float64))
    # one grad_input entry per positional argument, None for the float (PyTorch)
    assert seen["mod"] is m and len(seen["gi"]) == 3 and len(seen["go"]) == 1
    assert seen["gi"][1] is None
    np.testing.assert_allclose(seen["go"][0].data, [1.0, -1.0])
    np.testing.assert_allclose(seen["gi"][0].data, [1 * 2 * 5 * 2, -1 * 3 * 7 * 2])
    np.testing.assert_allclose(seen["gi"][2].data, [1 * 1 * 2 * 2, -1 * 2 * 3 * 2])
    np.testing.assert_allclose(a.grad.data, seen["gi"][0].data)
    np.testing.assert_allclose(m.w.grad.data, [1 * 5 * 2, -2 * 7 * 2])
    handle.remove()
    seen.clear()
    m(a, 2.0, b).sum().backward()
    assert not seen


def test_full_backward_hook_can_replace_grad_input():
    m = Bilinear()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0, None, None))
    a = ae.tensor([1.0, 2.0], dtype=ae.float64, requires_grad=True)
    b = ae.tensor([5.0, 7.0], dtype=ae.float64, requires_grad=True)
    m(a, 1.0, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.0])
    assert b.grad is None


def test_full_backward_hook_inputs_without_grad_and_pre_hook():
    m = Bilinear()
    seen = {}
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 10,))
    m.register_full_backward_hook(lambda mod, gi, go: seen.update(gi=gi, go=go))
    a = ae.tensor([1.0, 2.0], dtype=ae.float64)
    b = ae.tensor([5.0, 7.0], dtype=ae.float64, requires_grad=True)
    m(a, 1.0, b).sum().backward()
    # PyTorch: a tensor argument without grad gets zeros once another one requires grad
    np.testing.assert_array_equal(seen["gi"][0].data, [0.0, 0.0])
    assert seen["gi"][1] is None
    np.testing.assert_allclose(seen["go"][0].data, [10.0, 10.0])
    np.testing.assert_allclose(seen["gi"][2].data, [10 * 1 * 2, 10 * 2 * 3])
    np.testing.assert_allclose(b.grad.data, [20.0, 60.0])
    seen.clear()
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        m(a, 1.0, b.detach()).sum().backward()  # only the parameter needs grad
    assert seen["gi"] == (None, None, None)
    np.testing.assert_allclose(seen["go"][0].data, [10.0, 10.0])


def test_full_backward_hook_on_a_container_and_second_order():
    net = Sequential(Linear(3, 2, dtype=ae.float64), Identity())
    seen = {}
    net.register_full_backward_hook(lambda mod, gi, go: seen.update(gi=gi))
    x = ae.randn(4, 3, dtype=ae.float64, requires_grad=True)
    (gx,) = ae.autograd.grad((net(x) ** 2).sum(), x, create_graph=True)
    np.testing.assert_allclose(seen["gi"][0].data, gx.data)
    gx.sum().backward()  # the identity wrappers are differentiable
    assert x.grad is not None


# -- repr ------------------------------------------------------------------------------------
def test_repr_matches_pytorch():
    net = Sequential(Linear(3, 4), Sequential(Dropout(0.1), Linear(4, 2, bias=False)),
                     Flatten(), Identity())
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Linear(in_features=3, out_features=4, bias=True)\n"
        "  (1): Sequential(\n"
        "    (0): Dropout(p=0.1, inplace=False)\n"
        "    (1): Linear(in_features=4, out_features=2, bias=False)\n"
        "  )\n"
        "  (2): Flatten(start_dim=1, end_dim=-1)\n"
        "  (3): Identity()\n"
        ")")
    lst = ModuleList([Linear(2, 2) for _ in range(3)] + [Identity()])
    assert repr(lst) == ("ModuleList(\n"
                         "  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n"
                         "  (3): Identity()\n)")
    assert repr(ModuleDict({"a": Identity()})) == "ModuleDict(\n  (a): Identity()\n)"
    assert "scale" in dir(Affine())


# -- containers ------------------------------------------------------------------------------
def test_sequential_indexing_slicing_iteration_append():
    layers = [Linear(2, 3), Identity(), Linear(3, 1)]
    seq = Sequential(*layers)
    assert len(seq) == 3 and list(seq) == layers
    assert seq[0] is layers[0] and seq[-1] is layers[2]
    sliced = seq[1:]
    assert isinstance(sliced, Sequential) and list(sliced) == layers[1:]
    assert list(sliced._modules) == ["1", "2"]
    with pytest.raises(IndexError):
        seq[3]
    extra = Identity()
    seq.append(extra)
    assert seq[3] is extra and len(seq) == 4
    seq[1] = Flatten()
    assert isinstance(seq[1], Flatten)
    del seq[1]
    assert len(seq) == 3 and list(seq._modules) == ["0", "1", "2"]  # renumbered (PyTorch)
    seq.insert(1, Identity())
    assert list(seq._modules) == ["0", "1", "2", "3"] and isinstance(seq[1], Identity)
    named = Sequential(OrderedDict([("fc", Linear(2, 2)), ("act", Identity())]))
    assert list(named._modules) == ["fc", "act"] and named.fc is named[0]


def test_sequential_forward_chains():
    seq = Sequential(Linear(2, 3, dtype=ae.float64), Linear(3, 1, dtype=ae.float64))
    x = ae.randn(5, 2, dtype=ae.float64)
    expected = (x.data @ seq[0].weight.data.T + seq[0].bias.data) @ seq[1].weight.data.T \
        + seq[1].bias.data
    np.testing.assert_allclose(seq(x).data, expected)


def test_module_list_and_dict_register_parameters():
    class Holder(Module):
        def __init__(self):
            super().__init__()
            self.blocks = ModuleList([Linear(2, 2) for _ in range(2)])
            self.heads = ModuleDict({"a": Linear(2, 1)})

    h = Holder()
    assert [n for n, _ in h.named_parameters()] == [
        "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
        "heads.a.weight", "heads.a.bias"]
    h.blocks.append(Identity())
    h.blocks += [Identity()]
    assert len(h.blocks) == 4 and isinstance(h.blocks[-1], Identity)
    assert isinstance(h.blocks[:2], ModuleList) and len(h.blocks[:2]) == 2
    popped = h.blocks.pop(0)
    assert isinstance(popped, Linear) and list(h.blocks._modules) == ["0", "1", "2"]
    h.blocks.insert(0, popped)
    assert h.blocks[0] is popped
    with pytest.raises(TypeError):
        h.blocks.extend(Identity())
    assert "a" in h.heads and list(h.heads.keys()) == ["a"] and len(h.heads) == 1
    h.heads["b"] = Identity()
    assert [k for k, _ in h.heads.items()] == ["a", "b"]
    del h.heads["a"]
    assert list(h.heads) == ["b"]


def test_parameter_list_and_dict_register_their_parameters():
    class Net(Module):
        def __init__(self):
            super().__init__()
            self.scales = ParameterList([Parameter(ae.ones(2)), ae.zeros(3)])
            self.named = ParameterDict({"w": ae.ones(2, 2), "b": Parameter(ae.zeros(2))})

    net = Net()
    assert list(net.state_dict()) == ["scales.0", "scales.1", "named.w", "named.b"]
    assert all(isinstance(p, Parameter) for p in net.parameters())  # tensors wrapped
    net.scales.append(ae.ones(1))
    net.scales[0] = ae.full((2,), 3.0)
    assert len(net.scales) == 3 and net.scales[-1].shape == (1,)
    assert net.scales[0].tolist() == [3.0, 3.0] and len(net.scales[1:]) == 2
    assert "w" in net.named and list(net.named) == ["w", "b"] and net.named.get("x") is None
    loss = (net.scales[0] * 2).sum() + (net.named["w"] @ net.named["b"]).sum()
    loss.backward()
    assert net.scales[0].grad.tolist() == [2.0, 2.0] and net.named["b"].grad.shape == (2,)
    assert repr(ParameterList([ae.zeros(2, 3)])) == (
        "ParameterList(\n    (0): Parameter containing: [float32 of size 2x3]\n)")
    assert repr(ParameterDict()) == "ParameterDict()"
    with pytest.raises(TypeError, match="keys must be strings"):
        ParameterDict()[1] = ae.zeros(1)
    with pytest.raises(IndexError):
        net.scales[5]
