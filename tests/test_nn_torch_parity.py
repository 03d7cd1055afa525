"""Containers, state dicts, backward hooks, Adam's decoupled weight decay and schedulers
(``step(epoch)``, state dicts through save/load) against PyTorch (skipped without torch)."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn as ann

torch = pytest.importorskip("torch")
tnn = torch.nn


def _names(container):
    return [type(m).__name__ for m in container]


# -- containers ---------------------------------------------------------------------------------
def _sequential_ops(nn):
    """Keys and layer types after each container operation."""
    def four():
        return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Tanh())

    out = []
    s = four()
    del s[1]
    s.append(nn.Sigmoid())
    out.append((list(s.state_dict()), _names(s)))
    s = four()
    del s[1:3]
    out.append((list(s._modules), _names(s)))
    s = four() + nn.Sequential(nn.ELU())
    s += nn.Sequential(nn.ReLU())
    out.append((list(s._modules), _names(s)))
    s = 2 * nn.Sequential(nn.ReLU(), nn.Tanh())
    s *= 2
    out.append((list(s._modules), _names(s)))
    s = four()
    popped = [type(s.pop(1)).__name__, _names(s.pop(slice(0, 2)))]
    out.append((popped, list(s._modules), _names(s)))
    ml = nn.ModuleList([nn.Linear(2, 2), nn.ReLU(), nn.Tanh()])
    del ml[0]
    ml.insert(1, nn.ELU())
    ml += [nn.ReLU()]
    ml.extend(nn.Sequential(nn.Sigmoid()))
    out.append((list(ml._modules), _names(ml), type(ml.pop(0)).__name__, _names(ml + ml)))
    return out


def test_container_operations_match_torch():
    assert _sequential_ops(ann) == _sequential_ops(tnn)


# -- state dicts ---------------------------------------------------------------------------------
class _Shared:
    """The same Linear registered twice, and a shared BatchNorm."""

    @staticmethod
    def build(nn):
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = nn.Linear(2, 3)
                self.dec = self.enc
                self.blocks = nn.ModuleList([nn.BatchNorm1d(3)] * 2)

        return Model()


def test_state_dict_of_shared_modules_and_loading_torch_checkpoint():
    theirs, ours = _Shared.build(tnn), _Shared.build(ann)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for remove_duplicate in (True, False):
        assert [n for n, _ in ours.named_parameters(remove_duplicate=remove_duplicate)] == \
            [n for n, _ in theirs.named_parameters(remove_duplicate=remove_duplicate)]
        assert [n for n, _ in ours.named_modules(remove_duplicate=remove_duplicate)] == \
            [n for n, _ in theirs.named_modules(remove_duplicate=remove_duplicate)]
    checkpoint = {k: v.numpy() * (i + 1) for i, (k, v) in enumerate(theirs.state_dict().items())}
    theirs.load_state_dict({k: torch.tensor(v) for k, v in checkpoint.items()})
    assert ours.load_state_dict({k: ae.tensor(v) for k, v in checkpoint.items()}) == ([], [])
    for (name, a), (_, b) in zip(ours.state_dict().items(), theirs.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)


def test_batchnorm_without_num_batches_tracked_matches_torch():
    results = []
    for nn, lib in ((tnn, torch), (ann, ae)):
        bn = nn.BatchNorm1d(3)
        bn(lib.ones(4, 3))
        sd = {k: v for k, v in nn.BatchNorm1d(3).state_dict().items()
              if k != "num_batches_tracked"}
        results.append((tuple(bn.load_state_dict(sd, strict=False)),
                        int(bn.num_batches_tracked.item())))
    assert results[0] == results[1]


def test_size_mismatch_error_matches_torch():
    messages = []
    for nn, lib in ((tnn, torch), (ann, ae)):
        with pytest.raises(RuntimeError) as info:
            nn.Linear(2, 2).load_state_dict({"weight": lib.zeros(3, 2), "bias": lib.zeros(5),
                                             "extra": lib.zeros(1)})
        messages.append(str(info.value))
    expected = messages[0].replace("torch.Size([3, 2])", "(3, 2)").replace(
        "torch.Size([2, 2])", "(2, 2)").replace("torch.Size([5])", "(5,)").replace(
        "torch.Size([2])", "(2,)")
    assert messages[1] == expected


# -- full backward hooks ------------------------------------------------------------------------
def _hook_log(nn, lib, args, pick):
    class Mixed(nn.Module):
        def forward(self, a, scale, b):
            return a * b * scale, 3, b * 2

    m = Mixed()
    log = []
    m.register_full_backward_pre_hook(
        lambda mod, go: log.append([None if g is None else g.tolist() for g in go]))
    m.register_full_backward_hook(lambda mod, gi, go: log.append(
        ([None if g is None else g.tolist() for g in gi],
         [None if g is None else g.tolist() for g in go])))
    tensors = [lib.tensor(v, requires_grad=grad) for v, grad in args]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pick(m(tensors[0], 2.0, tensors[1])).backward()
    return log


_PICKS = {"first": lambda out: out[0].sum(), "third": lambda out: out[2].sum(),
          "both": lambda out: (out[0] + out[2]).sum()}


@pytest.mark.parametrize("grads, pick", [
    ((True, True), "first"), ((True, True), "third"), ((True, True), "both"),
    ((False, True), "first"), ((False, True), "third"), ((True, False), "first")])
def test_full_backward_hook_arguments_match_torch(grads, pick):
    args = [([1.0, 2.0], grads[0]), ([3.0, -1.0], grads[1])]
    assert _hook_log(ann, ae, args, _PICKS[pick]) == _hook_log(tnn, torch, args, _PICKS[pick])


# -- optimizers ---------------------------------------------------------------------------------
_RNG = np.random.default_rng(0)
_W0 = _RNG.standard_normal((4, 3)).astype(np.float32)
_GRADS = [_RNG.standard_normal((4, 3)).astype(np.float32) for _ in range(20)]


def _trajectory(lib, cls, **kwargs):
    p = lib.tensor(_W0.copy(), requires_grad=True)
    opt = cls([p], **kwargs)
    for g in _GRADS:
        p.grad = lib.tensor(g)
        opt.step()
    return p.detach().numpy()


@pytest.mark.parametrize("kwargs", [
    dict(lr=0.01, weight_decay=0.1),
    dict(lr=0.01, weight_decay=0.1, amsgrad=True),
    dict(lr=0.05, weight_decay=0.5, amsgrad=True, maximize=True),
    dict(lr=0.02, weight_decay=0.0, betas=(0.8, 0.9))])
def test_adam_decoupled_weight_decay_matches_torch(kwargs):
    expected = _trajectory(torch, torch.optim.Adam, decoupled_weight_decay=True, **kwargs)
    np.testing.assert_allclose(
        _trajectory(ae, ae.optim.Adam, decoupled_weight_decay=True, **kwargs), expected,
        rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(_trajectory(ae, ae.optim.AdamW, **kwargs),
                               _trajectory(torch, torch.optim.AdamW, **kwargs),
                               rtol=2e-5, atol=1e-6)


def test_sgd_state_after_steps_matches_torch():
    def state(lib, **kwargs):
        p = lib.ones(2, requires_grad=True)
        opt = lib.optim.SGD([p], lr=0.1, **kwargs)
        for _ in range(2):
            p.grad = lib.ones(2)
            opt.step()
        return len(opt.state), {k: sorted(v) for k, v in opt.state_dict()["state"].items()}

    for kwargs in ({}, {"momentum": 0.9}):
        assert state(ae, **kwargs) == state(torch, **kwargs)


# -- schedulers ---------------------------------------------------------------------------------
def _schedulers(L):
    return {
        "StepLR": lambda o: L.StepLR(o, 2, gamma=0.5),
        "MultiStepLR": lambda o: L.MultiStepLR(o, [2, 5, 5], gamma=0.5),
        "ExponentialLR": lambda o: L.ExponentialLR(o, 0.9),
        "CosineAnnealingLR": lambda o: L.CosineAnnealingLR(o, 6, eta_min=0.01),
        "LinearLR": lambda o: L.LinearLR(o, 0.25, 1.0, 4),
        "ConstantLR": lambda o: L.ConstantLR(o, 0.5, 3),
        "PolynomialLR": lambda o: L.PolynomialLR(o, 6, 2.0),
        "LambdaLR": lambda o: L.LambdaLR(o, lambda e: 0.9 ** e),
        "MultiplicativeLR": lambda o: L.MultiplicativeLR(o, lambda e: 0.9),
        "OneCycleLR": lambda o: L.OneCycleLR(o, 1.0, total_steps=20),
        "CosineAnnealingWarmRestarts": lambda o: L.CosineAnnealingWarmRestarts(o, 3, 2),
        "SequentialLR": lambda o: L.SequentialLR(o, [
            L.ConstantLR(o, factor=0.5, total_iters=2), L.MultiStepLR(o, milestones=[1, 3])],
            milestones=[5]),
        "ChainedScheduler": lambda o: L.ChainedScheduler([L.StepLR(o, 2, 0.5),
                                                          L.MultiStepLR(o, [3, 4])]),
    }


_NAMES = sorted(_schedulers(ae.optim.lr_scheduler))
_NO_EPOCH = {"SequentialLR", "ChainedScheduler"}  # their step() takes no epoch


def _sgd(lib):
    return lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=0.1)


def _epoch_lrs(lib, name):
    opt = _sgd(lib)
    scheduler = _schedulers(lib.optim.lr_scheduler)[name](opt)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in (3, 7, 1, 0, 4, None, None):
            opt.step()
            scheduler.step(epoch)
            lrs.append(scheduler.get_last_lr()[0])
    return lrs


@pytest.mark.parametrize("name", sorted(set(_NAMES) - _NO_EPOCH))
def test_scheduler_step_epoch_matches_torch(name):
    np.testing.assert_allclose(_epoch_lrs(ae, name), _epoch_lrs(torch, name), rtol=1e-12)


def _resumed_lrs(lib, name, path, save, load):
    make = _schedulers(lib.optim.lr_scheduler)[name]
    opt = _sgd(lib)
    scheduler = make(opt)
    for _ in range(3):
        opt.step()
        scheduler.step()
    save({"scheduler": scheduler.state_dict(), "optimizer": opt.state_dict()}, path)
    opt = _sgd(lib)
    scheduler = make(opt)
    saved = load(path)
    opt.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    lrs = []
    for _ in range(8):
        opt.step()
        scheduler.step()
        lrs.append((scheduler.get_last_lr()[0], opt.param_groups[0]["lr"]))
    return lrs


@pytest.mark.parametrize("name", _NAMES)
def test_scheduler_state_through_save_and_load_matches_torch(name, tmp_path):
    ours = _resumed_lrs(ae, name, tmp_path / "ae", ae.save, ae.load)
    theirs = _resumed_lrs(torch, name, tmp_path / "pt", torch.save,
                          lambda f: torch.load(f, weights_only=False))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


# -- save -----------------------------------------------------------------------------------------
def test_save_into_a_missing_directory_matches_torch(tmp_path):
    errors = []
    for save, name in ((torch.save, "x.pt"), (ae.save, "x.npz")):
        with pytest.raises(Exception) as info:
            save({"a": 1}, tmp_path / "missing" / name)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
