"""Learning-rate schedulers: sequences equal PyTorch's (chainable forms, float64 arithmetic)."""
import math

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import optim
from autograd_engine.optim import lr_scheduler

# Sequences computed with torch 2.13 on SGD([{"params": [a]}, {"params": [b], "lr": 0.05}],
# lr=0.1), calling optimizer.step() then scheduler.step() (ReduceLROnPlateau: step(metric)).
SEQUENCES = [  # (scheduler, kwargs, get_last_lr() after construction and after each step)
    ('StepLR', {'step_size': 3, 'gamma': 0.5}, [[0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.05,
     0.025], [0.05, 0.025], [0.05, 0.025], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125],
     [0.0125, 0.00625], [0.0125, 0.00625], [0.0125, 0.00625], [0.00625, 0.003125]]),
    ('MultiStepLR', {'milestones': [2, 5, 5, 8], 'gamma': 0.1}, [[0.1, 0.05], [0.1, 0.05],
     [0.010000000000000002, 0.005000000000000001], [0.010000000000000002,
     0.005000000000000001], [0.010000000000000002, 0.005000000000000001],
     [0.00010000000000000005, 5.000000000000002e-05], [0.00010000000000000005,
     5.000000000000002e-05], [0.00010000000000000005, 5.000000000000002e-05],
     [1.0000000000000006e-05, 5.000000000000003e-06], [1.0000000000000006e-05,
     5.000000000000003e-06], [1.0000000000000006e-05, 5.000000000000003e-06]]),
    ('ExponentialLR', {'gamma': 0.9}, [[0.1, 0.05], [0.09000000000000001,
     0.045000000000000005], [0.08100000000000002, 0.04050000000000001], [0.07290000000000002,
     0.03645000000000001], [0.06561000000000002, 0.03280500000000001], [0.05904900000000002,
     0.02952450000000001], [0.05314410000000002, 0.02657205000000001]]),
    ('CosineAnnealingLR', {'T_max': 5, 'eta_min': 0.01}, [[0.1, 0.05], [0.09140576474687263,
     0.04618033988749895], [0.06890576474687263, 0.03618033988749895], [0.04109423525312736,
     0.02381966011250105], [0.018594235253127367, 0.013819660112501053], [0.01, 0.01],
     [0.018594235253127367, 0.013819660112501051], [0.04109423525312739, 0.023819660112501057],
     [0.06890576474687267, 0.03618033988749896], [0.09140576474687269, 0.04618033988749897],
     [0.10000000000000006, 0.050000000000000024], [0.09140576474687272, 0.046180339887498985],
     [0.06890576474687268, 0.03618033988749897], [0.0410942352531274, 0.023819660112501063],
     [0.01859423525312738, 0.013819660112501058], [0.01, 0.01], [0.018594235253127367,
     0.013819660112501051]]),
    ('LinearLR', {}, [[0.03333333333333333, 0.016666666666666666], [0.04666666666666667,
     0.023333333333333334], [0.060000000000000005, 0.030000000000000002], [0.07333333333333335,
     0.036666666666666674], [0.08666666666666668, 0.04333333333333334], [0.1, 0.05], [0.1,
     0.05], [0.1, 0.05], [0.1, 0.05]]),
    ('LinearLR', {'start_factor': 0.5, 'end_factor': 0.9, 'total_iters': 4}, [[0.05, 0.025],
     [0.06, 0.03], [0.07, 0.035], [0.08, 0.04], [0.09, 0.045], [0.09, 0.045], [0.09, 0.045],
     [0.09, 0.045]]),
]
CHAINED = [[0.025, 0.0125], [0.04000000000000001, 0.020000000000000004], [0.048000000000000015,
           0.024000000000000007], [0.051200000000000016, 0.025600000000000008],
           [0.04096000000000002, 0.02048000000000001], [0.03276800000000001, 0.016384000000000006],
           [0.026214400000000013, 0.013107200000000006]]
METRICS = [1.0, 0.95, 0.97, 0.96, 0.99, 0.5, 0.6, 0.7, 0.8, 0.9, 0.45, 0.46, 0.47, 0.48, 0.49, 0.5]
PLATEAUS = [  # (kwargs, get_last_lr() after each step(metric))
    ({'mode': 'min', 'factor': 0.5, 'patience': 2, 'threshold': 0.1, 'cooldown': 1}, [[0.1,
     0.05], [0.1, 0.05], [0.1, 0.05], [0.05, 0.025], [0.05, 0.025], [0.05, 0.025], [0.05,
     0.025], [0.05, 0.025], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125], [0.025, 0.0125],
     [0.0125, 0.00625], [0.0125, 0.00625], [0.0125, 0.00625], [0.0125, 0.00625]]),
    ({'mode': 'max', 'factor': 0.3, 'patience': 1, 'threshold': 0.05, 'threshold_mode': 'abs',
     'min_lr': [0.02, 0.001]}, [[0.1, 0.05], [0.1, 0.05], [0.03, 0.015], [0.03, 0.015], [0.02,
     0.0045], [0.02, 0.0045], [0.02, 0.0013499999999999999], [0.02, 0.0013499999999999999],
     [0.02, 0.001], [0.02, 0.001], [0.02, 0.001], [0.02, 0.001], [0.02, 0.001], [0.02, 0.001],
     [0.02, 0.001], [0.02, 0.001]]),
    ({}, [[0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1,
     0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1, 0.05], [0.1,
     0.05], [0.1, 0.05], [0.1, 0.05]]),
]


def _optimizer():
    a, b = ae.zeros(1, requires_grad=True), ae.zeros(1, requires_grad=True)
    return optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.1)


@pytest.mark.parametrize("name,kwargs,expected", SEQUENCES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(SEQUENCES)])
def test_sequence_equals_torch(name, kwargs, expected):
    opt = _optimizer()
    scheduler = getattr(lr_scheduler, name)(opt, **kwargs)
    seen = [scheduler.get_last_lr()]
    for _ in range(len(expected) - 1):
        opt.step()
        scheduler.step()
        seen.append(scheduler.get_last_lr())
    assert seen == expected
    assert scheduler.last_epoch == len(expected) - 1
    assert [g["lr"] for g in opt.param_groups] == expected[-1]


def test_schedulers_chain_on_one_optimizer():
    opt = _optimizer()
    warmup = lr_scheduler.LinearLR(opt, start_factor=0.25, total_iters=3)
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.8)
    seen = [decay.get_last_lr()]
    for _ in range(6):
        warmup.step()
        decay.step()
        seen.append(decay.get_last_lr())
    assert seen == CHAINED


@pytest.mark.parametrize("kwargs,expected", PLATEAUS, ids=["min-rel", "max-abs", "defaults"])
def test_reduce_on_plateau_equals_torch(kwargs, expected):
    opt = _optimizer()
    scheduler = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    seen = []
    for metric in METRICS:
        scheduler.step(ae.tensor(np.float64(metric)))  # a 0-d tensor works as a float
        seen.append(scheduler.get_last_lr())
    assert seen == expected


def test_cosine_reaches_eta_min_at_t_max():
    opt = _optimizer()
    scheduler = lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=0.001)
    for _ in range(10):
        scheduler.step()
    assert scheduler.get_last_lr() == pytest.approx([0.001, 0.001], abs=1e-15)
    closed = 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * 3 / 10)) / 2
    opt2 = _optimizer()
    resumed = lr_scheduler.CosineAnnealingLR(opt2, T_max=10, eta_min=0.001)
    for _ in range(3):
        resumed.step()
    assert resumed.get_last_lr()[0] == pytest.approx(closed, rel=1e-12)


def test_state_dict_and_base_lrs():
    opt = _optimizer()
    scheduler = lr_scheduler.StepLR(opt, step_size=2)
    scheduler.step()
    state = scheduler.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 1 and state["step_size"] == 2
    assert scheduler.base_lrs == [0.1, 0.05]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.05]
    other = lr_scheduler.StepLR(_optimizer(), step_size=5)
    other.load_state_dict(state)
    assert other.step_size == 2 and other.last_epoch == 1


def test_invalid_arguments():
    opt = _optimizer()
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="Starting multiplicative factor"):
        lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="Ending multiplicative factor"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode maximum is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, mode="maximum")
    with pytest.raises(ValueError, match="threshold mode relative is unknown"):
        lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="relative")
    with pytest.raises(ValueError, match="expected 2 min_lrs, got 3"):
        lr_scheduler.ReduceLROnPlateau(opt, min_lr=[0, 0, 0])
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.ExponentialLR(opt, gamma=0.5, last_epoch=3)
