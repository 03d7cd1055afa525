"""GradientMonitor, its verdicts, audit_init, the plot and the lab (small synthetic data)."""
import math
import sys

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn, optim
from autograd_engine.diagnostics import STATISTICS, GradientMonitor, Thresholds, audit_init
from autograd_engine.diagnostics.verdicts import loss_verdict
from autograd_engine.nn import functional as F

RNG = np.random.default_rng(0)
X = RNG.standard_normal((128, 16)).astype(np.float32)
LABELS = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
TARGETS = np.sin(X[:, :1] + X[:, 1:2]).astype(np.float32)


def deep(activation, init, depth=8, width=32, out=2):
    layers, fan_in = [], X.shape[1]
    for _ in range(depth):
        linear = nn.Linear(fan_in, width)
        init(linear)
        layers += [linear, activation()]
        fan_in = width
    last = nn.Linear(fan_in, out)
    init(last)
    return nn.Sequential(*layers, last)


def normal(std):
    def init(linear):
        nn.init.normal_(linear.weight, 0.0, std)
        nn.init.zeros_(linear.bias)
    return init


def he(linear):
    nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
    nn.init.zeros_(linear.bias)


def train(model, opt, steps, loss_fn=None, targets=LABELS, batch=32, clip=None, monitor=True):
    """Minibatch training; returns the monitor (or None) and the losses."""
    loss_fn = loss_fn or nn.CrossEntropyLoss()
    mon = GradientMonitor(model, opt) if monitor else None
    losses = []
    if mon:
        mon.attach()
    for step in range(steps):
        i = (step * batch) % len(X)
        xb, yb = ae.from_numpy(X[i:i + batch]), ae.from_numpy(targets[i:i + batch])
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
        if mon:
            mon.record_loss(loss)
    if mon:
        mon.detach()
    return mon, losses


def flags_of(mon):
    return [row["flags"] for row in mon.report()]


# -- verdicts on the canonical setups --------------------------------------------------------
def test_vanishing_is_flagged_on_a_deep_sigmoid_network_and_not_when_fixed():
    ae.manual_seed(0)
    broken = deep(nn.Sigmoid, normal(0.01))
    mon, _ = train(broken, optim.SGD(broken.parameters(), lr=0.1), 5)
    flags = flags_of(mon)
    assert "vanishing" in flags[0] and "vanishing" not in flags[-1]

    ae.manual_seed(0)
    fixed = deep(nn.ReLU, he)
    mon, _ = train(fixed, optim.SGD(fixed.parameters(), lr=0.01), 5)
    assert all(not f for f in flags_of(mon)), mon.summary()


def test_exploding_and_non_finite_are_flagged_on_a_too_large_init():
    ae.manual_seed(0)
    model = deep(nn.ReLU, normal(1.0), out=1)
    with np.errstate(all="ignore"):
        mon, losses = train(model, optim.SGD(model.parameters(), lr=0.01), 4, nn.MSELoss(),
                            TARGETS)
    assert not np.isfinite(losses[-1])
    flags = flags_of(mon)
    assert all("exploding" in f for f in flags)
    assert all("non-finite" in f for f in flags)
    assert all("unstable" in f for f in flags)
    assert mon.loss_verdict() == "non-finite"


def test_clipping_keeps_the_loss_finite_but_the_raw_gradient_is_still_exploding():
    ae.manual_seed(0)
    model = deep(nn.ReLU, normal(1.0), out=1)
    mon, losses = train(model, optim.SGD(model.parameters(), lr=0.01), 4, nn.MSELoss(), TARGETS,
                        clip=1.0)
    assert np.isfinite(losses).all()
    assert all("exploding" in f and "non-finite" not in f for f in flags_of(mon))


# -- exact statistics ------------------------------------------------------------------------
def test_dead_relu_fraction_is_exact_on_a_constructed_layer():
    linear = nn.Linear(3, 6)
    with ae.no_grad():
        # inputs are positive: rows 0, 2, 5 are negative for every sample, row 1 only for some
        linear.weight.copy_(np.array([[-1, -1, -1], [1, -2, 0], [-2, 0, -1], [1, 1, 1],
                                      [0, 1, 0], [-1, -3, -2]], np.float32))
        linear.bias.copy_(np.array([0, 0, -0.5, 0, 0.1, 0], np.float32))
    model = nn.Sequential(linear, nn.ReLU(), nn.Linear(6, 1))
    x = ae.from_numpy(np.random.default_rng(1).uniform(0.1, 1.0, (10, 3)).astype(np.float32))
    with GradientMonitor(model) as mon:
        model(x).sum().backward()
    history = mon.history
    assert history["0"]["dead_fraction"].tolist() == [0.5]
    assert math.isnan(history["2"]["dead_fraction"][0])  # no ReLU after the output layer
    assert math.isnan(history["0"]["saturated_fraction"][0])


def test_saturated_fraction_counts_units_at_the_asymptotes():
    linear = nn.Linear(1, 4)
    with ae.no_grad():
        linear.weight.copy_(np.array([[100.0], [-100.0], [0.01], [1.0]], np.float32))
        linear.bias.zero_()
    model = nn.Sequential(linear, nn.Sigmoid())
    x = ae.from_numpy(np.linspace(0.5, 1.0, 8, dtype=np.float32)[:, None])
    with GradientMonitor(model) as mon:
        model(x).sum().backward()
    assert mon.history["0"]["saturated_fraction"].tolist() == [0.5]


def test_norms_and_update_ratio_match_a_hand_computation():
    ae.manual_seed(3)
    model = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ae.from_numpy(X[:8, :5])
    before = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
    with GradientMonitor(model, opt) as mon:
        opt.zero_grad()
        (model(x) ** 2).mean().backward()
        grads = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}
        opt.step()
    after = {n: p.detach().numpy() for n, p in model.named_parameters()}
    for layer in ("0", "2"):
        names = [f"{layer}.weight", f"{layer}.bias"]
        w = np.concatenate([before[n].ravel() for n in names]).astype(np.float64)
        g = np.concatenate([grads[n].ravel() for n in names]).astype(np.float64)
        dw = np.concatenate([(after[n] - before[n]).ravel() for n in names]).astype(np.float64)
        h = mon.history[layer]
        np.testing.assert_allclose(h["grad_norm"], [np.linalg.norm(g)], rtol=1e-6)
        np.testing.assert_allclose(h["weight_norm"], [np.linalg.norm(w)], rtol=1e-6)
        np.testing.assert_allclose(h["update_ratio"], [np.linalg.norm(dw) / np.linalg.norm(w)],
                                   rtol=1e-6)
        # plain SGD: ||dw|| = lr * ||g||
        np.testing.assert_allclose(h["update_ratio"], [0.1 * np.linalg.norm(g) /
                                                       np.linalg.norm(w)], rtol=1e-4)
    out = np.tanh(X[:8, :5] @ before["0.weight"].T + before["0.bias"])
    np.testing.assert_allclose(mon.history["0"]["act_mean"], [out.mean()], rtol=1e-5)
    np.testing.assert_allclose(mon.history["0"]["act_std"], [out.std()], rtol=1e-4)


class HandSGD:
    """An optimizer from outside the library: the monitor measures it from a weight copy."""

    def __init__(self, params, lr):
        self.params, self.lr = list(params), lr

    def step(self):
        for p in self.params:
            p.data -= self.lr * p.grad.data


@pytest.mark.parametrize("make_opt", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: HandSGD(ps, 0.1)],
                         ids=["library-kernel", "foreign-copy"])
@pytest.mark.parametrize("clip", [None, 0.01])
def test_grad_norm_is_the_raw_gradient_and_the_update_the_applied_one(make_opt, clip):
    ae.manual_seed(4)
    model = nn.Sequential(nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2))
    opt = make_opt(model.parameters())
    before = [p.detach().numpy().astype(np.float64) for p in model.parameters()]
    with GradientMonitor(model, opt) as mon:
        (model(ae.from_numpy(X[:8, :5])) ** 2).mean().backward()
        raw = [p.grad.numpy().astype(np.float64) for p in model.parameters()]
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
    after = [p.detach().numpy().astype(np.float64) for p in model.parameters()]
    for layer, idx in (("0", [0, 1]), ("2", [2, 3])):
        g = np.concatenate([raw[i].ravel() for i in idx])
        w = np.concatenate([before[i].ravel() for i in idx])
        dw = np.concatenate([(after[i] - before[i]).ravel() for i in idx])
        h = mon.history[layer]
        np.testing.assert_allclose(h["grad_norm"], [np.linalg.norm(g)], rtol=1e-6)
        np.testing.assert_allclose(h["update_ratio"], [np.linalg.norm(dw) / np.linalg.norm(w)],
                                   rtol=1e-5)
    assert (np.linalg.norm(dw) < 0.1 * np.linalg.norm(g)) == bool(clip)


def test_library_optimizer_measures_gradients_inside_its_kernel(monkeypatch):
    from autograd_engine.kernels import stats
    calls = []
    monkeypatch.setattr(stats, "sumsq_nonfinite", lambda x: calls.append(x) or (0.0, 0))
    ae.manual_seed(5)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
    mon, _ = train(model, optim.SGD(model.parameters(), lr=0.1, momentum=0.9), 3)
    assert calls == []  # no separate pass over the gradients
    assert np.all(mon.history["0"]["grad_norm"] > 0)


def test_a_gradient_changed_in_place_before_step_warns_and_is_measured_after():
    ae.manual_seed(6)
    model = nn.Sequential(nn.Linear(5, 3))
    opt = optim.SGD(model.parameters(), lr=0.1)
    with GradientMonitor(model, opt) as mon:
        model(ae.from_numpy(X[:4, :5])).sum().backward()
        with ae.no_grad():
            model[0].weight.grad.mul_(2.0)
        grads = [p.grad.numpy().astype(np.float64) for p in model.parameters()]
        with pytest.warns(RuntimeWarning, match="gradient of layer '0' was changed in place"):
            opt.step()
    want = np.sqrt(sum((g ** 2).sum() for g in grads))
    np.testing.assert_allclose(mon.history["0"]["grad_norm"], [want], rtol=1e-6)


def test_two_backward_passes_before_one_step_are_two_steps_of_their_own_gradients():
    ae.manual_seed(8)
    model = nn.Sequential(nn.Linear(5, 3))
    opt = optim.SGD(model.parameters(), lr=0.1)
    norms = []
    with GradientMonitor(model, opt) as mon:
        for rows in (slice(0, 4), slice(4, 8)):
            previous = [p.grad.numpy().copy() if p.grad is not None else 0.0
                        for p in model.parameters()]
            model(ae.from_numpy(X[rows, :5])).sum().backward()
            norms.append(np.sqrt(sum(((p.grad.numpy() - b).astype(np.float64) ** 2).sum()
                                     for p, b in zip(model.parameters(), previous))))
        opt.step()
    np.testing.assert_allclose(mon.history["0"]["grad_norm"], norms, rtol=1e-5)


# -- the monitor's contract ------------------------------------------------------------------
def test_monitoring_leaves_training_bit_identical():
    def run(monitor):
        ae.manual_seed(7)
        model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 32),
                              nn.Tanh(), nn.Linear(32, 2))
        opt = optim.Adam(model.parameters(), lr=1e-2)
        _, losses = train(model, opt, 12, clip=0.5, monitor=monitor)
        return losses, {k: v.numpy().copy() for k, v in model.state_dict().items()}

    plain_losses, plain_state = run(False)
    losses, state = run(True)
    assert losses == plain_losses
    for key in plain_state:
        np.testing.assert_array_equal(state[key], plain_state[key])


def test_report_summary_history_and_every():
    ae.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = optim.SGD(model.parameters(), lr=0.05)
    mon = GradientMonitor(model, opt, every=2)
    with mon:
        for step in range(5):
            opt.zero_grad()
            loss = nn.CrossEntropyLoss()(model(ae.from_numpy(X[:16])), ae.from_numpy(LABELS[:16]))
            loss.backward()
            opt.step()
            mon.record_loss(loss)
    assert mon.steps.tolist() == [0, 2, 4]
    assert mon.layers == ["0", "2"]
    assert set(mon.history["0"]) == set(STATISTICS)
    assert all(v.shape == (3,) for v in mon.history["2"].values())
    assert mon.losses.shape == (5,)
    rows = mon.report()
    assert [r["layer"] for r in rows] == ["0", "2"]
    for key in ("layer", "grad_norm", "weight_norm", "update_ratio", "dead_fraction",
                "saturated_fraction", "nonfinite", "flags"):
        assert key in rows[0]
    assert isinstance(rows[0]["flags"], set) and rows[0]["step"] == 4
    text = mon.summary()
    assert str(mon) == text and "grad norm" in text and "verdicts" in text


def test_forward_order_is_used_not_registration_order():
    class Reversed(nn.Module):
        def __init__(self):
            super().__init__()
            self.late = nn.Linear(8, 2)
            self.early = nn.Linear(4, 8)
            self.act = nn.ReLU()

        def forward(self, x):
            return self.late(self.act(self.early(x)))

    model = Reversed()
    with GradientMonitor(model) as mon:
        model(ae.randn(5, 4)).sum().backward()
    assert [r["layer"] for r in mon.report()] == ["early", "late"]
    assert not math.isnan(mon.history["early"]["dead_fraction"][0])


def test_functional_activations_and_evaluation_are_not_observed():
    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            return F.relu(self.fc(x))

    model = Functional()
    with GradientMonitor(model) as mon:
        model(ae.randn(6, 4)).sum().backward()
        with ae.no_grad():
            model(ae.randn(6, 4))  # evaluation: ignored, does not open a step
    assert mon.steps.tolist() == [0]
    assert math.isnan(mon.history["fc"]["dead_fraction"][0])


def test_detach_removes_every_hook_and_restores_the_optimizer():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    with GradientMonitor(model, opt):
        assert "step" in opt.__dict__
    assert "step" not in opt.__dict__
    for module in model.modules():
        assert not module._forward_hooks and not module._forward_pre_hooks
    assert all(not p._hooks for p in model.parameters())


def test_invalid_arguments_are_rejected():
    with pytest.raises(TypeError, match="GradientMonitor: model must be an nn.Module"):
        GradientMonitor(object())
    with pytest.raises(ValueError, match="every must be a positive int"):
        GradientMonitor(nn.Linear(2, 2), every=0)
    with pytest.raises(ValueError, match="record_loss: expected a scalar loss"):
        GradientMonitor(nn.Linear(2, 2)).record_loss(ae.zeros(3))
    with pytest.raises(TypeError, match="unexpected keyword"):
        GradientMonitor(nn.Linear(2, 2), thresholds={"no_such_threshold": 1.0})


def test_loss_verdicts():
    limits = Thresholds()
    steps = np.arange(200)
    assert loss_verdict(2.3 * np.exp(-steps / 40) + 0.01, limits) is None
    assert loss_verdict(np.full(200, 2.3), limits) is None
    assert loss_verdict(np.r_[2.3 * np.exp(-steps[:100] / 20), np.full(100, 2.3)],
                        limits) == "diverging"
    assert loss_verdict(2.3 * 1.05 ** steps[:60], limits) == "diverging"
    assert loss_verdict(2.0 + 1.5 * (-1.0) ** steps, limits) == "oscillating"
    assert loss_verdict(np.array([1.0, np.nan]), limits) == "non-finite"
    assert loss_verdict(np.array([1.0, 5.0]), limits) is None  # too short to judge


# -- audit_init ------------------------------------------------------------------------------
@pytest.mark.parametrize("scale,flag", [(1.0, set()), (0.3, {"shrinking"}), (3.0, {"growing"})])
def test_audit_init_variances_match_theory_on_a_wide_layer(scale, flag):
    width = 1024
    ae.manual_seed(0)
    first, second = nn.Linear(width, width), nn.Linear(width, width)
    for layer in (first, second):
        nn.init.normal_(layer.weight, 0.0, scale * math.sqrt(2.0 / width))
        nn.init.zeros_(layer.bias)
    model = nn.Sequential(first, nn.ReLU(), second)
    x = ae.from_numpy(np.random.default_rng(1).standard_normal((256, width)).astype(np.float32))
    sentinel = ae.ones(width, width)
    first.weight.grad = sentinel
    weights = first.weight.detach().numpy().copy()
    probe = ae.from_numpy(np.random.default_rng(2).standard_normal((256, width)).astype(
        np.float32))
    rows = audit_init(model, (x, probe), lambda out, p: (out * p).sum(), verbose=False)
    assert first.weight.grad is sentinel and second.weight.grad is None
    np.testing.assert_array_equal(first.weight.detach().numpy(), weights)

    row = rows[0]
    mean_sq = float(np.mean(x.numpy().astype(np.float64) ** 2))
    assert row["expected_var"] == pytest.approx(2.0 * mean_sq)  # ReLU gain^2 * E[x^2]
    assert row["act_var"] == pytest.approx(2.0 * scale ** 2 * mean_sq, rel=0.05)
    assert row["act_var"] == pytest.approx(row["predicted_var"], rel=0.05)
    assert row["flags"] == flag
    # loss = sum(y * probe): dL/dy2 = probe, independent of the weights; backpropagated
    # through W2 and the ReLU mask (half the units pass): Var = 0.5 * fan_out * E[W2^2] * Var(probe)
    last = rows[1]
    probe_var = float(np.var(probe.numpy().astype(np.float64)))
    assert last["grad_var"] == pytest.approx(probe_var)
    w2_sq = float(np.mean(second.weight.detach().numpy().astype(np.float64) ** 2))
    assert row["grad_var"] == pytest.approx(0.5 * width * w2_sq * probe_var, rel=0.05)


def test_audit_init_prints_and_restores_buffers_and_random_state(capsys):
    ae.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 8), nn.BatchNorm1d(8), nn.Dropout(0.5), nn.Tanh(),
                          nn.Linear(8, 2))
    running = model[1].running_mean.numpy().copy()
    state = ae.random.generator().bit_generator.state
    rows = audit_init(model, (ae.from_numpy(X[:32]), ae.from_numpy(LABELS[:32])),
                      nn.CrossEntropyLoss())
    assert "audit_init" in capsys.readouterr().out
    assert [r["layer"] for r in rows] == ["0", "1", "4"]
    assert math.isnan(rows[1]["expected_var"]) and not rows[1]["flags"]
    np.testing.assert_array_equal(model[1].running_mean.numpy(), running)
    assert ae.random.generator().bit_generator.state == state


# -- plot and lab ----------------------------------------------------------------------------
def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    ae.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 8), nn.Sigmoid(), nn.Linear(8, 2))
    mon, _ = train(model, optim.SGD(model.parameters(), lr=0.1), 3)
    path = mon.plot(str(tmp_path / "sub" / "monitor.png"))
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_raises_a_clear_import_error(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    mon = GradientMonitor(nn.Linear(2, 2))
    with pytest.raises(ImportError, match="needs matplotlib"):
        mon.plot(str(tmp_path / "x.png"))


def test_lab_command_runs_an_experiment(tmp_path, capsys):
    pytest.importorskip("sklearn")
    from autograd_engine.demo import main

    assert main(["lab", "--only", "unstable", "--steps", "12", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "broken: SGD" in out and "Adam" in out and "grad norm" in out
    assert (tmp_path / "unstable.png").exists() or "no plot" in out
