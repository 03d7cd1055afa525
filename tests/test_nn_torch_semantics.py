"""PyTorch 2.13 semantics of containers, state dicts, backward hooks, optimizers, schedulers
and save: the expected values are what PyTorch gives for the same code."""
import os
import re
import warnings
from collections import Counter, OrderedDict

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn
from autograd_engine.optim import SGD, Adam, AdamW, lr_scheduler


def _names(container):
    return [type(m).__name__ for m in container]


def _four():
    return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Tanh())


# -- Sequential / ModuleList ----------------------------------------------------------------
def test_sequential_del_renumbers_so_append_adds_a_layer():
    s = _four()
    del s[1]
    s.append(nn.Sigmoid())
    assert len(s) == 4 and _names(s) == ["Linear", "Linear", "Tanh", "Sigmoid"]
    assert list(s._modules) == ["0", "1", "2", "3"]
    assert list(s.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_sequential_del_slice_and_named_keys_renumber():
    s = _four()
    del s[::2]
    assert list(s._modules) == ["0", "1"] and _names(s) == ["ReLU", "Tanh"]
    named = nn.Sequential(OrderedDict([("a", nn.ReLU()), ("b", nn.Tanh()), ("c", nn.ELU())]))
    del named[0]
    assert list(named._modules) == ["0", "1"] and _names(named) == ["Tanh", "ELU"]


def test_sequential_add_and_iadd():
    a, b = _four(), nn.Sequential(nn.ELU())
    c = a + b
    assert type(c) is nn.Sequential and list(c._modules) == ["0", "1", "2", "3", "4"]
    assert c[4] is b[0] and c[0] is a[0] and len(a) == 4
    assert a.__iadd__(b) is a and _names(a) == ["Linear", "ReLU", "Linear", "Tanh", "ELU"]
    with pytest.raises(ValueError, match="supports only objects of Sequential class"):
        a + [nn.ReLU()]
    with pytest.raises(ValueError, match="supports only objects of Sequential class"):
        a += nn.ModuleList([nn.ReLU()])


def test_sequential_mul_rmul_imul():
    s = nn.Sequential(nn.ReLU(), nn.Tanh())
    twice = s * 2
    assert type(twice) is nn.Sequential and list(twice._modules) == ["0", "1", "2", "3"]
    assert twice[0] is twice[2]  # the same modules repeated
    assert _names(3 * s) == ["ReLU", "Tanh"] * 3
    assert s.__imul__(2) is s and _names(s) == ["ReLU", "Tanh"] * 2
    with pytest.raises(ValueError, match="Non-positive multiplication factor 0"):
        s * 0
    with pytest.raises(TypeError, match="unsupported operand"):
        s * 2.0
    with pytest.raises(ValueError, match="Non-positive multiplication factor -1"):
        s *= -1


def test_sequential_pop():
    s = _four()
    assert type(s.pop(1)).__name__ == "ReLU"
    assert list(s._modules) == ["0", "1", "2"] and _names(s) == ["Linear", "Linear", "Tanh"]
    head = s.pop(slice(0, 2))
    assert type(head) is nn.Sequential and _names(head) == ["Linear", "Linear"]
    assert _names(s) == ["Tanh"] and list(s._modules) == ["0"]
    with pytest.raises(TypeError):
        s.pop()  # the key is required, as in PyTorch
    with pytest.raises(IndexError):
        s.pop(5)


def test_module_list_pop_extend_add():
    ml = nn.ModuleList([nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Tanh()])
    with pytest.raises(TypeError):
        ml.pop()  # the key is required, as in PyTorch
    middle = ml.pop(slice(1, 3))
    assert type(middle) is nn.ModuleList and _names(middle) == ["ReLU", "Linear"]
    assert list(ml._modules) == ["0", "1"]
    ml.extend(nn.Sequential(nn.ELU()))  # any iterable of modules
    assert _names(ml) == ["Linear", "Tanh", "ELU"]
    with pytest.raises(TypeError, match="not a Module subclass"):
        ml.extend("ab")

    class Blocks(nn.ModuleList):
        pass

    assert type(Blocks([nn.ReLU()]) + Blocks([nn.Tanh()])) is nn.ModuleList


# -- state dicts of shared modules ------------------------------------------------------------
class _Tied(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(2, 2)
        self.dec = self.enc


def test_state_dict_lists_a_shared_module_under_every_name():
    lin = nn.Linear(2, 2)
    ml = nn.ModuleList([lin, lin])
    assert list(ml.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [n for n, _ in ml.named_parameters()] == ["0.weight", "0.bias"]
    assert [n for n, _ in ml.named_parameters(remove_duplicate=False)] == \
        ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert [n for n, _ in ml.named_modules()] == ["", "0"]
    assert len(list(ml.parameters())) == 2
    tied = _Tied()
    sd = tied.state_dict(keep_vars=True)
    assert list(sd) == ["enc.weight", "enc.bias", "dec.weight", "dec.bias"]
    assert sd["enc.weight"] is sd["dec.weight"]


def test_load_state_dict_of_a_shared_module_takes_every_key_last_wins():
    tied = _Tied()
    sd = {"enc.weight": ae.ones(2, 2), "enc.bias": ae.ones(2),
          "dec.weight": ae.full((2, 2), 2.0), "dec.bias": ae.full((2,), 2.0)}
    assert tied.load_state_dict(sd) == ([], [])
    np.testing.assert_array_equal(tied.enc.weight.data, np.full((2, 2), 2.0))
    del sd["dec.bias"]
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "dec.bias"'):
        tied.load_state_dict(sd)


# -- BatchNorm checkpoints without num_batches_tracked ------------------------------------
def test_batchnorm_loads_a_state_dict_without_num_batches_tracked():
    bn = nn.BatchNorm1d(3)
    for _ in range(2):
        bn(ae.randn(4, 3))
    sd = {k: v for k, v in nn.BatchNorm1d(3).state_dict().items() if k != "num_batches_tracked"}
    assert bn.load_state_dict(sd) == ([], [])
    assert bn.num_batches_tracked.item() == 2  # the current count is kept
    np.testing.assert_array_equal(bn.running_var.data, np.ones(3, np.float32))
    assert sorted(sd) == ["bias", "running_mean", "running_var", "weight"]  # not changed
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    sd = {k: v for k, v in model.state_dict().items() if "num_batches" not in k}
    assert model.load_state_dict(sd, strict=False) == ([], [])


# -- full backward hooks ----------------------------------------------------------------------
class _TwoOut(nn.Module):
    def forward(self, x):
        return x * 2, x * 3


def _recorded(module):
    seen = []
    module.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    return seen


def _values(grads):
    return [None if g is None else g.data.tolist() for g in grads]


def test_full_backward_hook_gets_none_for_an_output_without_gradient():
    m = _TwoOut()
    seen = _recorded(m)
    pre = []
    m.register_full_backward_pre_hook(lambda mod, go: pre.append(_values(go)))
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    m(x)[1].sum().backward()
    assert pre == [[None, [1.0, 1.0]]]
    (gi, go), = seen
    assert _values(go) == [None, [1.0, 1.0]] and _values(gi) == [[3.0, 3.0]]
    out = m(x)
    out[0].sum().backward(retain_graph=True)
    out[1].sum().backward()
    assert [_values(go) for _, go in seen[1:]] == [[[1.0, 1.0], None], [None, [1.0, 1.0]]]


class _Mixed(nn.Module):
    def forward(self, a, scale, b):
        return a * b * scale, 3, b * 2


def test_full_backward_hook_entries_per_argument_and_output():
    m = _Mixed()
    seen = _recorded(m)
    a = ae.tensor([1.0, 2.0])
    b = ae.tensor([1.0, 2.0], requires_grad=True)
    m(a, 2.0, b)[0].sum().backward()
    (gi, go), = seen
    # a tensor argument without grad gets zeros once another requires grad; a float gets None
    assert _values(gi) == [[0.0, 0.0], None, [2.0, 4.0]]
    assert _values(go) == [[1.0, 1.0], None, None]


def test_full_backward_hook_wrong_count_and_list_outputs():
    m = _Mixed()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[2]))
    b = ae.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="Backward hook returned an invalid number of "
                                           "grad_input, got 2, but expected 3"):
        m(b, 2.0, b)[0].sum().backward()

    class ListOut(nn.Module):
        def forward(self, x):
            return [x * 2, x * 3]

    lm = ListOut()
    seen = _recorded(lm)
    lm(b)[0].sum().backward()
    assert seen == []  # PyTorch's hooks fire only for tensor or tuple outputs


def test_full_backward_hook_without_input_grads_warns_and_must_return_none():
    lin = nn.Linear(2, 1)
    seen = _recorded(lin)
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        lin(ae.ones(1, 2)).sum().backward()
    assert seen[0][0] == (None,)
    lin.register_full_backward_hook(lambda mod, gi, go: (ae.ones(1, 2),))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="should always return None"):
            lin(ae.ones(1, 2)).sum().backward()


# -- optimizers -------------------------------------------------------------------------------
_GRADS = [[1.0, -2.0], [0.01, 0.02], [0.01, -0.02], [-0.3, 0.4]]


def _adam_run(cls, **kwargs):
    p = ae.tensor([1.0, -2.0], requires_grad=True)
    opt = cls([p], lr=0.1, weight_decay=0.5, **kwargs)
    for g in _GRADS:
        p.grad = ae.tensor(g)
        opt.step()
    return p.data, opt


@pytest.mark.parametrize("amsgrad, expected", [
    (False, [0.5924093127250671, -1.4039785861968994]),
    (True, [0.5924820303916931, -1.4040498733520508])])
def test_adam_decoupled_weight_decay_is_adamw(amsgrad, expected):
    p, opt = _adam_run(Adam, amsgrad=amsgrad, decoupled_weight_decay=True)
    np.testing.assert_allclose(p, expected, rtol=1e-6)
    assert opt.defaults["decoupled_weight_decay"] is True
    assert opt.param_groups[0]["decoupled_weight_decay"] is True
    np.testing.assert_array_equal(p, _adam_run(AdamW, amsgrad=amsgrad)[0])
    p, opt = _adam_run(Adam, amsgrad=amsgrad)  # L2 decay by default
    np.testing.assert_allclose(p, [0.66518634557724, -1.6574711799621582], rtol=1e-6)
    assert opt.param_groups[0]["decoupled_weight_decay"] is False


def test_adamw_reports_decoupled_and_old_state_dicts_get_the_default():
    w = ae.ones(2, requires_grad=True)
    assert AdamW([w]).defaults["decoupled_weight_decay"] is True
    for cls, default in ((Adam, False), (AdamW, True)):
        sd = cls([w]).state_dict()
        del sd["param_groups"][0]["decoupled_weight_decay"]  # written before the option
        opt = cls([w])
        opt.load_state_dict(sd)
        assert opt.param_groups[0]["decoupled_weight_decay"] is default


def test_sgd_without_momentum_keeps_no_state():
    p = ae.ones(3, requires_grad=True)
    opt = SGD([p], lr=0.1)
    for _ in range(2):
        p.grad = ae.ones(3)
        opt.step()
    assert len(opt.state) == 0 and opt.state_dict()["state"] == {}
    opt = SGD([p], lr=0.1, momentum=0.9)
    opt.step()
    assert list(opt.state_dict()["state"][0]) == ["momentum_buffer"]


# -- schedulers -------------------------------------------------------------------------------
def _opt():
    return SGD([ae.ones(2, requires_grad=True)], lr=0.1)


_EPOCH_CASES = {  # lr after step(3), step(7), step(1), step(0), step(4), step(), step()
    "StepLR": (lambda o: lr_scheduler.StepLR(o, 2, gamma=0.5),
               [0.05, 0.0125, 0.1, 0.1, 0.025, 0.025, 0.0125]),
    "MultiStepLR": (lambda o: lr_scheduler.MultiStepLR(o, [2, 5, 5], gamma=0.5),
                    [0.05, 0.0125, 0.1, 0.1, 0.05, 0.0125, 0.0125]),
    "ExponentialLR": (lambda o: lr_scheduler.ExponentialLR(o, 0.9),
                      [0.0729, 0.04782969, 0.09, 0.1, 0.06561, 0.059049, 0.0531441]),
    "CosineAnnealingLR": (lambda o: lr_scheduler.CosineAnnealingLR(o, 6, eta_min=0.01),
                          [0.055, 0.01602885683, 0.09397114317, 0.1, 0.0325, 0.01602885683,
                           0.01]),
    "LinearLR": (lambda o: lr_scheduler.LinearLR(o, 0.25, 1.0, 4),
                 [0.08125, 0.1, 0.04375, 0.025, 0.1, 0.1, 0.1]),
}


@pytest.mark.parametrize("name", sorted(_EPOCH_CASES))
def test_scheduler_step_with_epoch_uses_the_closed_form(name):
    make, expected = _EPOCH_CASES[name]
    scheduler = make(_opt())
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in (3, 7, 1, 0, 4, None, None):
            scheduler.step(epoch)
            lrs.append(scheduler.get_last_lr()[0])
    np.testing.assert_allclose(lrs, expected, rtol=1e-9)


def test_scheduler_step_with_epoch_warns():
    scheduler = lr_scheduler.StepLR(_opt(), 2)
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was "
                                         "not necessary"):
        scheduler.step(5)
    assert scheduler.last_epoch == 5 and scheduler._step_count == 2
    np.testing.assert_allclose(scheduler.get_last_lr(), [0.001])
    plateau = lr_scheduler.ReduceLROnPlateau(_opt(), patience=0)
    with pytest.warns(UserWarning, match="epoch parameter"):
        plateau.step(1.0, 5)
    plateau.step(2.0)
    assert plateau.last_epoch == 6
    np.testing.assert_allclose(plateau.get_last_lr(), [0.01])


def test_sequential_lr_with_multistep_survives_save_and_load(tmp_path):
    opt = _opt()

    def make():
        return lr_scheduler.SequentialLR(opt, [
            lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2),
            lr_scheduler.MultiStepLR(opt, milestones=[1, 3])], milestones=[3])

    scheduler = make()
    opt.step()
    scheduler.step()
    ae.save(scheduler.state_dict(), tmp_path / "sched")
    resumed = make()
    resumed.load_state_dict(ae.load(tmp_path / "sched"))
    assert type(resumed._schedulers[1].milestones) is Counter
    lrs = []
    for _ in range(4):
        opt.step()
        resumed.step()
        lrs.append(resumed.get_last_lr()[0])
    np.testing.assert_allclose(lrs, [0.1, 0.1, 0.01, 0.01], rtol=1e-12)


# -- save -------------------------------------------------------------------------------------
def test_save_into_a_missing_directory_is_a_runtime_error(tmp_path):
    target = tmp_path / "missing" / "x.npz"
    message = re.escape(f"Parent directory {tmp_path / 'missing'} does not exist.")
    with pytest.raises(RuntimeError, match=message):
        ae.save({"a": 1}, target)
    assert not os.path.exists(tmp_path / "missing")
    with pytest.raises(RuntimeError, match=re.escape(str(tmp_path))):
        ae.save({"a": 1}, tmp_path)  # a directory, not a file
    with pytest.raises(FileNotFoundError):
        ae.load(target)
