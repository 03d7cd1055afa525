"""NAdam, RAdam, Adamax, Adadelta, ASGD, Rprop, Adafactor, LBFGS and CyclicLR: PyTorch 2.13's
results written out (runs without torch); state dicts, closures, measured updates, errors."""
import warnings

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import optim
from autograd_engine.optim import cyclic, lr_scheduler

# Trajectories from torch 2.13 (CPU, float32): torch.optim.<name>(**kwargs) on P0/B0 with the
# gradients of ``_grads`` (numpy float32, as here), values of p and b after steps 1, 2 and 5.
P0 = np.array([[0.5, -1.25, 2.0], [-0.3, 0.8, 1.7]], np.float32)
B0 = np.array([0.1, -0.2, 0.3], np.float32)
TARGET = np.array([[1.0, 0.5, -1.0], [0.25, -0.75, 1.5]], np.float32)
SCALE = np.array([[1.0, 3.0, 0.5], [2.0, 0.1, 1.5]], np.float32)

EXPECTED = [
    ('NAdam', {'lr': 0.05}, {
        1: [0.5528226, -1.1971774, 1.9471774, -0.2471774, 0.7471774, 1.6471775, 0.1528226, -0.14717741, 0.3528226],
        2: [0.58977133, -1.1585894, 1.9086785, -0.20980847, 0.70930845, 1.6110636, 0.18930355, -0.10929692, 0.38458848],
        5: [0.6861057, -1.0516309, 1.8021405, -0.11046181, 0.60611004, 1.5195312, 0.28244773, -0.0069412896, 0.44599596],
    }),
    ('NAdam', {'lr': 0.05, 'weight_decay': 0.1, 'momentum_decay': 0.01, 'decoupled_weight_decay': True}, {
        1: [0.5503245, -1.1909255, 1.9371755, -0.2456755, 0.7431755, 1.6386756, 0.1523245, -0.14617549, 0.3513245],
        2: [0.58463484, -1.146458, 1.8891253, -0.20713666, 0.7016944, 1.5949308, 0.18806973, -0.10759355, 0.38159934],
        5: [0.67292285, -1.0234784, 1.7558843, -0.10559611, 0.58920383, 1.4849925, 0.27835396, -0.0043248245, 0.44020757],
    }),
    ('RAdam', {'lr': 0.05}, {
        1: [0.524375, -0.9777343, 1.885, -0.24486502, 0.78969, 1.6604351, 0.1199, -0.1654, 0.3091],
        2: [0.5480581, -0.72964346, 1.7749399, -0.19266427, 0.7794586, 1.6233137, 0.13925329, -0.13164398, 0.31793135],
        5: [0.6148367, -0.11714065, 1.4720234, -0.053438712, 0.7492478, 1.5260826, 0.19393368, -0.035653822, 0.34277672],
    }),
    ('RAdam', {'lr': 0.05, 'betas': (0.5, 0.6), 'weight_decay': 0.1}, {
        1: [0.521875, -0.97148436, 1.875, -0.24336502, 0.78569, 1.6519351, 0.1194, -0.16440001, 0.30760002],
        2: [0.54289085, -0.72520286, 1.757194, -0.19073643, 0.7715654, 1.6077838, 0.13806029, -0.13001886, 0.31489056],
        5: [0.5999771, -0.17571892, 1.4474925, -0.05910212, 0.73048776, 1.5001267, 0.18889491, -0.035477277, 0.33462855],
    }),
    ('Adamax', {'lr': 0.05}, {
        1: [0.55, -1.2, 1.95, -0.25, 0.75, 1.6500001, 0.15, -0.15, 0.35000002],
        2: [0.59712476, -1.1507845, 1.9009064, -0.202366, 0.70174, 1.6038479, 0.19657528, -0.10172005, 0.39187244],
        5: [0.7211612, -1.0079823, 1.7590439, -0.07362348, 0.56665134, 1.4872099, 0.31586483, 0.03237285, 0.47460556],
    }),
    ('Adamax', {'lr': 0.05, 'weight_decay': 0.1, 'maximize': True}, {
        1: [0.45, -1.3, 2.05, -0.35000002, 0.85, 1.75, 0.049999997, -0.25, 0.25],
        2: [0.40195602, -1.3492692, 2.099115, -0.39804363, 0.8982269, 1.7963107, 0.00242313, -0.29865375, 0.20455639],
        5: [0.2654631, -1.4933817, 2.2418675, -0.5342368, 1.0337551, 1.9234769, -0.13167027, -0.43895012, 0.08000915],
    }),
    ('Adadelta', {}, {
        1: [0.5031622, -1.2468377, 1.9968377, -0.29683775, 0.7968381, 1.6968378, 0.10316218, -0.19683775, 0.3031618],
        2: [0.50639576, -1.2435964, 1.9935969, -0.29360232, 0.793601, 1.693608, 0.10639371, -0.19359985, 0.30637535],
        5: [0.5162902, -1.2336079, 1.9836144, -0.28368545, 0.7836593, 1.6837599, 0.11626347, -0.18365292, 0.31602913],
    }),
    ('Adadelta', {'lr': 0.5, 'rho': 0.5, 'weight_decay': 0.1}, {
        1: [0.5007071, -1.2492929, 1.9992929, -0.2992929, 0.7992929, 1.6992929, 0.10070711, -0.1992929, 0.3007071],
        2: [0.5015231, -1.2484765, 1.9984765, -0.29847676, 0.7984767, 1.6984769, 0.10152303, -0.19847667, 0.30152202],
        5: [0.5044216, -1.2455721, 1.9955724, -0.29557595, 0.7955745, 1.695578, 0.10442085, -0.19557461, 0.30440527],
    }),
    ('ASGD', {'lr': 0.05}, {
        1: [0.5243725, -0.9777282, 1.88499, -0.24486353, 0.789686, 1.6604266, 0.119899504, -0.165399, 0.3090985],
        2: [0.5474303, -0.7513916, 1.7793676, -0.19530272, 0.77952147, 1.6254973, 0.13876009, -0.13240191, 0.3176866],
        5: [0.60932666, -0.26589975, 1.5059656, -0.07457252, 0.74987876, 1.5429295, 0.18957113, -0.042510588, 0.34065315],
    }),
    ('ASGD', {'lr': 0.05, 'lambd': 0.1, 'alpha': 0.5, 't0': 2, 'weight_decay': 0.1}, {
        1: [0.519375, -0.96523434, 1.865, -0.24186501, 0.78169, 1.6434351, 0.1189, -0.16340001, 0.3061],
        2: [0.5374668, -0.73188305, 1.7425961, -0.19031782, 0.76387095, 1.5941725, 0.13658048, -0.12894903, 0.31178287],
        5: [0.5848465, -0.2435862, 1.4323688, -0.06787914, 0.71314675, 1.480261, 0.18303683, -0.037432965, 0.32660726],
    }),
    ('Rprop', {}, {
        1: [0.51, -1.24, 1.99, -0.29000002, 0.79, 1.69, 0.11, -0.19, 0.31],
        2: [0.522, -1.228, 1.978, -0.27800003, 0.778, 1.6780001, 0.122, -0.178, 0.322],
        5: [0.574416, -1.1755841, 1.9255841, -0.22558403, 0.72558403, 1.6255841, 0.174416, -0.125584, 0.37441602],
    }),
    ('Rprop', {'lr': 0.1, 'etas': (0.3, 1.5), 'step_sizes': (0.01, 0.2)}, {
        1: [0.6, -1.15, 1.9, -0.20000002, 0.7, 1.6, 0.2, -0.1, 0.4],
        2: [0.75, -1.0, 1.75, -0.050000012, 0.54999995, 1.45, 0.35000002, 0.050000004, 0.55],
        5: [0.89, -0.40000004, 1.1499999, 0.35, -0.05000004, 1.31, 0.49, 0.65, 0.4375],
    }),
    ('Adafactor', {}, {
        1: [0.5027998, -1.2430806, 1.9934523, -0.2726384, 0.798868, 1.6902674, 0.102160245, -0.19783975, 0.30216026],
        2: [0.5056507, -1.2361772, 1.9869114, -0.24543038, 0.79771066, 1.6805742, 0.10432202, -0.1956754, 0.30431485],
        5: [0.5145588, -1.21552, 1.9672872, -0.1647563, 0.7940628, 1.6516467, 0.11081916, -0.18915553, 0.31074813],
    }),
    ('Adafactor', {'lr': 0.05, 'beta2_decay': -0.5, 'eps': (0.0001, 0.01), 'd': 1.5, 'weight_decay': 0.1}, {
        1: [0.5184986, -1.1918548, 1.9408927, -0.09328801, 0.7875097, 1.6185056, 0.110301234, -0.18819876, 0.30930123],
        2: [0.5408999, -1.135408, 1.8828497, 0.10307268, 0.7731644, 1.5399032, 0.120586865, -0.17638297, 0.3184855],
        5: [0.64514023, -0.95537734, 1.6956218, 0.26129365, 0.7044849, 1.3537986, 0.15158686, -0.14062034, 0.34554118],
    }),
]


NAMES = ["NAdam", "RAdam", "Adamax", "Adadelta", "ASGD", "Rprop", "Adafactor"]
STATE_KEYS = {  # torch 2.13: sorted(optimizer.state[p]) after one step, for p (2, 3) and b (3,)
    "NAdam": (["exp_avg", "exp_avg_sq", "mu_product", "step"],) * 2,
    "RAdam": (["exp_avg", "exp_avg_sq", "step"],) * 2,
    "Adamax": (["exp_avg", "exp_inf", "step"],) * 2,
    "Adadelta": (["acc_delta", "square_avg", "step"],) * 2,
    "ASGD": (["ax", "eta", "mu", "step"],) * 2,
    "Rprop": (["prev", "step", "step_size"],) * 2,
    "Adafactor": (["col_var", "row_var", "step"], ["step", "variance"]),
}
DEFAULTS = {  # torch 2.13: optimizer.defaults
    "NAdam": dict(lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, momentum_decay=0.004,
                  decoupled_weight_decay=False, maximize=False, foreach=None, capturable=False,
                  differentiable=False),
    "RAdam": dict(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, maximize=False,
                  foreach=None, capturable=False, decoupled_weight_decay=False,
                  differentiable=False),
    "Adamax": dict(lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, foreach=None,
                   maximize=False, differentiable=False, capturable=False),
    "Adadelta": dict(lr=1.0, rho=0.9, eps=1e-06, weight_decay=0, maximize=False,
                     capturable=False, foreach=None, differentiable=False),
    "ASGD": dict(lr=0.01, lambd=0.0001, alpha=0.75, t0=1000000.0, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False),
    "Rprop": dict(lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), foreach=None,
                  maximize=False, differentiable=False, capturable=False),
    "Adafactor": dict(lr=0.01, beta2_decay=-0.8, eps=(None, 0.001), d=1.0, weight_decay=0.0,
                      foreach=None, maximize=False),
    "LBFGS": dict(lr=1, max_iter=20, max_eval=25, tolerance_grad=1e-07, tolerance_change=1e-09,
                  history_size=100, line_search_fn=None),
}


def _grads(p, b):
    """float32 gradients of a fixed quadratic-plus-cubic loss (the same as the torch run)."""
    gp = (SCALE * (p - TARGET) + np.float32(0.1) * p * p * p).astype(np.float32)
    gb = (b - np.float32(0.5) + np.float32(0.2) * b * b).astype(np.float32)
    return gp, gb


def _params(dtype=np.float32):
    return (ae.tensor(P0.astype(dtype), requires_grad=True),
            ae.tensor(B0.astype(dtype), requires_grad=True))


def _run(opt, p, b, steps, sign=1):
    for _ in range(steps):
        gp, gb = _grads(p.data, b.data)
        p.grad = ae.tensor(sign * gp.astype(p.dtype))
        b.grad = ae.tensor(sign * gb.astype(b.dtype))
        opt.step()


def _values(p, b):
    return np.concatenate([p.data.ravel(), b.data])


@pytest.mark.parametrize("name,kwargs,expected", EXPECTED,
                         ids=[f"{n}-{'-'.join(map(str, k.items()))}" for n, k, _ in EXPECTED])
def test_trajectory_matches_torch(name, kwargs, expected):
    p, b = _params()
    opt = getattr(optim, name)([p, b], **kwargs)
    done = 0
    for step, values in expected.items():
        _run(opt, p, b, step - done)
        done = step
        np.testing.assert_allclose(_values(p, b), values, rtol=1e-6, atol=1e-7,
                                   err_msg=f"{name} {kwargs} after step {step}")
    assert p.dtype == np.float32 and p.shape == (2, 3)


@pytest.mark.parametrize("name,kwargs,expected", EXPECTED[::2])
def test_float64_follows_the_same_trajectory(name, kwargs, expected):
    p, b = _params(np.float64)
    opt = getattr(optim, name)([p, b], **kwargs)
    _run(opt, p, b, 5)
    assert p.dtype == np.float64
    np.testing.assert_allclose(_values(p, b), expected[5], rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_defaults_are_torchs(name):
    opt = getattr(optim, name)([ae.ones(2, requires_grad=True)])
    assert opt.defaults == DEFAULTS[name]
    assert {k: v for k, v in opt.param_groups[0].items() if k != "params"} == DEFAULTS[name]


@pytest.mark.parametrize("name", NAMES)
def test_state_keys_and_shapes_are_torchs(name):
    p, b = _params()
    opt = getattr(optim, name)([p, b])
    _run(opt, p, b, 1)
    assert [sorted(opt.state[p]), sorted(opt.state[b])] == list(STATE_KEYS[name])
    for param in (p, b):
        step = opt.state[param]["step"]
        assert isinstance(step, ae.Tensor) and step.dtype == np.float32 and step.shape == ()
        assert step.item() == 1.0
        for key, value in opt.state[param].items():
            if key in ("row_var", "col_var"):
                assert value.shape == {"row_var": (2, 1), "col_var": (1, 3)}[key]
            elif key in ("mu_product", "eta", "mu"):
                assert value.shape == () and value.dtype == np.float32
            elif key != "step":
                assert value.shape == param.shape and value.dtype == param.dtype


def test_scalar_state_values_are_torchs():
    """torch 2.13 after two steps: NAdam's mu_product, ASGD's eta and mu, Rprop's step_size."""
    p, b = _params()
    nadam, asgd = optim.NAdam([p]), optim.ASGD([b], lr=0.05, lambd=0.1, alpha=0.5, t0=0)
    rprop = optim.Rprop([ae.tensor(P0.copy(), requires_grad=True)], lr=0.1, etas=(0.3, 1.5),
                        step_sizes=(0.01, 0.2))
    q = rprop.param_groups[0]["params"][0]
    for _ in range(2):
        p.grad, b.grad = (ae.tensor(g) for g in _grads(p.data, b.data))
        q.grad = ae.tensor(_grads(q.data, B0)[0])
        for opt in (nadam, asgd, rprop):
            opt.step()
    assert nadam.state[p]["mu_product"].item() == 0.2025991976261139
    assert asgd.state[b]["eta"].item() == 0.04975185915827751
    assert asgd.state[b]["mu"].item() == 0.5
    np.testing.assert_array_equal(asgd.state[b]["ax"].data,
                                  np.array([0.13764489, -0.13071239, 0.31471804], np.float32))
    np.testing.assert_array_equal(rprop.state[q]["step_size"].data,
                                  np.full((2, 3), 0.15, np.float32))


@pytest.mark.parametrize("cls,kwargs,error,match", [
    (optim.NAdam, dict(lr=-0.1), ValueError, "Invalid learning rate: -0.1"),
    (optim.NAdam, dict(momentum_decay=-1e-3), ValueError, "Invalid momentum_decay value: -0.001"),
    (optim.NAdam, dict(betas=(0.9,)), IndexError, "tuple index out of range"),
    (optim.RAdam, dict(eps=-1e-3), ValueError, "Invalid epsilon value: -0.001"),
    (optim.RAdam, dict(betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
    (optim.Adamax, dict(betas=(0.9, -0.1)), ValueError, r"beta parameter at index 1: -0.1"),
    (optim.Adamax, dict(weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
    (optim.Adadelta, dict(rho=1.5), ValueError, "Invalid rho value: 1.5"),
    (optim.Adadelta, dict(eps=-1), ValueError, "Invalid epsilon value: -1"),
    (optim.ASGD, dict(lr=float("nan")), ValueError, "Invalid learning rate: nan"),
    (optim.ASGD, dict(weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
    (optim.Rprop, dict(etas=(0.5, 1.0)), ValueError, "Invalid eta values: 0.5, 1.0"),
    (optim.Rprop, dict(etas=(0.0, 1.2)), ValueError, "Invalid eta values: 0.0, 1.2"),
    (optim.Adafactor, dict(lr=-1), ValueError, "Learning rate should be >= 0 but is: -1"),
    (optim.Adafactor, dict(beta2_decay=0.5), ValueError, "beta2_decay should be <= 0 but is: 0.5"),
    (optim.Adafactor, dict(eps=(-1.0, 1e-3)), ValueError, "epsilon1 should be >= 0 but is: -1.0"),
    (optim.Adafactor, dict(eps=(None, -1e-3)), ValueError, "epsilon2 should be >= 0 but is"),
    (optim.Adafactor, dict(d=0.5), ValueError, "Clipping threshold d should be >= 1 but is: 0.5"),
    (optim.Adafactor, dict(weight_decay=-1), ValueError, "weight_decay should be >= 0 but is: -1"),
    (optim.LBFGS, dict(lr=-1), ValueError, "Invalid learning rate: -1"),
])
def test_invalid_hyper_parameters_raise_as_torch(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls([ae.ones(2, requires_grad=True)], **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_capturable_and_differentiable_fail_at_step_as_torch(name):
    """torch 2.13 on CPU: capturable=True is an AssertionError and differentiable=True (a leaf
    that requires grad updated in place) a RuntimeError, both at step(); foreach changes
    nothing."""
    cls = getattr(optim, name)
    p, b = _params()
    ref = cls([p, b])
    _run(ref, p, b, 3)
    q, c = _params()
    _run(cls([q, c], foreach=True), q, c, 3)
    np.testing.assert_array_equal(_values(q, c), _values(p, b))
    if name == "Adafactor":
        return  # it takes neither argument
    for flag, error in (("capturable", AssertionError), ("differentiable", RuntimeError)):
        q, c = _params()
        opt = cls([q, c], **{flag: True})
        q.grad = ae.ones(2, 3)
        with pytest.raises(error, match=f"{name}: .*{'supported devices' if error is AssertionError else 'in-place'}"):
            opt.step()


@pytest.mark.parametrize("name,kwargs,expected", EXPECTED[1::2])
def test_maximize_ascends_the_negated_gradient(name, kwargs, expected):
    p, b = _params()
    _run(getattr(optim, name)([p, b], **kwargs), p, b, 4)
    q, c = _params()
    flipped = dict(kwargs, maximize=not kwargs.get("maximize", False))
    _run(getattr(optim, name)([q, c], **flipped), q, c, 4, sign=-1)
    np.testing.assert_array_equal(_values(q, c), _values(p, b))


@pytest.mark.parametrize("name", NAMES)
def test_param_groups_and_skipped_params(name):
    """Each group's hyper-parameters are its own; a parameter without a gradient is not
    touched and gets no state."""
    cls = getattr(optim, name)
    p, b = _params()
    lone = ae.ones(4, requires_grad=True)
    opt = cls([{"params": [p]}, {"params": [b, lone], "lr": 0.2}])
    assert opt.param_groups[1]["lr"] == 0.2 and opt.param_groups[0]["lr"] == DEFAULTS[name]["lr"]
    _run(opt, p, b, 3)
    assert lone not in opt.state and np.array_equal(lone.data, np.ones(4, np.float32))
    q, c = _params()
    alone = cls([c], lr=0.2)
    for _ in range(3):
        c.grad = ae.tensor(_grads(q.data, c.data)[1])
        alone.step()
    np.testing.assert_array_equal(c.data, b.data)


@pytest.mark.parametrize("name", NAMES)
def test_non_contiguous_parameter_is_updated_in_place(name):
    base = np.asfortranarray(P0)
    p, q = ae.from_numpy(base), ae.tensor(P0.copy())
    p.requires_grad_(), q.requires_grad_()
    opt = getattr(optim, name)([p, q], lr=0.1)
    for _ in range(2):
        p.grad, q.grad = ae.tensor(SCALE * p.data), ae.tensor(SCALE * q.data)
        opt.step()
    np.testing.assert_array_equal(p.data, q.data)
    assert p.data is base and not base.flags.c_contiguous


@pytest.mark.parametrize("name", NAMES)
def test_measure_updates_reports_squared_norms(name):
    """``measure_updates``: (||p_after - p_before||^2, ||p_before||^2, ||g||^2) per parameter,
    as the kernel-backed optimizers report for GradientMonitor."""
    p, b = _params()
    opt = getattr(optim, name)([p, b], lr=0.1)
    _run(opt, p, b, 2)
    opt.measure_updates()
    before = p.data.astype(np.float64)
    gp, gb = _grads(p.data, b.data)
    p.grad, b.grad = ae.tensor(gp), ae.tensor(gb)
    opt.step()
    change, squares, grads = opt.update_sumsq[id(p)]
    np.testing.assert_allclose(change, np.sum((p.data - before) ** 2), rtol=1e-12)
    assert change > 0
    np.testing.assert_allclose(squares, np.sum(before ** 2), rtol=1e-12)
    np.testing.assert_allclose(grads, np.sum(gp.astype(np.float64) ** 2), rtol=1e-12)
    assert set(opt.update_sumsq) == {id(p), id(b)}


def test_gradient_monitor_reads_the_measured_updates():
    from autograd_engine.diagnostics import GradientMonitor
    from autograd_engine.diagnostics.monitor import _measures_in_kernels

    ae.manual_seed(0)
    model = ae.nn.Sequential(ae.nn.Linear(4, 3), ae.nn.Tanh(), ae.nn.Linear(3, 1))
    opt = optim.NAdam(model.parameters(), lr=0.01)
    assert _measures_in_kernels(opt) and not _measures_in_kernels(optim.LBFGS(model.parameters()))
    x = ae.randn(8, 4)
    before = {n: p.detach().numpy().copy() for n, p in model.named_parameters()}
    with GradientMonitor(model, opt) as monitor:
        opt.zero_grad()
        (model(x) ** 2).mean().backward()
        opt.step()
    for layer in ("0", "2"):
        names = [f"{layer}.weight", f"{layer}.bias"]
        w = np.concatenate([before[n].ravel() for n in names]).astype(np.float64)
        dw = np.concatenate([(dict(model.named_parameters())[n].data - before[n]).ravel()
                             for n in names]).astype(np.float64)
        np.testing.assert_allclose(monitor.history[layer]["update_ratio"],
                                   [np.linalg.norm(dw) / np.linalg.norm(w)], rtol=1e-6)


@pytest.mark.parametrize("name,kwargs", [(n, k) for n, k, _ in EXPECTED[1::2]])
def test_state_dict_round_trip_continues_identically(name, kwargs, tmp_path):
    cls = getattr(optim, name)
    p, b = _params()
    opt = cls([{"params": [p]}, {"params": [b], "lr": 0.02}], **kwargs)
    _run(opt, p, b, 4)
    ae.save({"optimizer": opt.state_dict(), "p": p, "b": b}, tmp_path / "opt.ae")
    saved = ae.load(tmp_path / "opt.ae")
    p2, b2 = saved["p"], saved["b"]
    opt2 = cls([{"params": [p2]}, {"params": [b2]}], **kwargs)
    opt2.load_state_dict(saved["optimizer"])
    assert opt2.param_groups[1]["lr"] == 0.02
    assert opt2.state[p2]["step"].item() == 4.0
    _run(opt, p, b, 5)
    _run(opt2, p2, b2, 5)
    np.testing.assert_array_equal(_values(p2, b2), _values(p, b))


def test_non_finite_values_propagate_silently_as_torch():
    """torch 2.13: NaN and inf arise without warnings; its sign() of NaN is 0, so Rprop skips
    a NaN gradient (and keeps its step size)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = ae.ones(2, requires_grad=True)
        p.grad = ae.zeros(2)
        optim.Adamax([p], eps=0).step()
        assert np.isnan(p.data).all()
        p = ae.ones(2, requires_grad=True)
        rprop = optim.Rprop([p])
        p.grad = ae.tensor([float("nan"), 1.0])
        rprop.step()
        p.grad = ae.tensor([1.0, 1.0])
        rprop.step()
        np.testing.assert_array_equal(p.data, np.array([0.99, 0.978], np.float32))
        np.testing.assert_array_equal(rprop.state[p]["step_size"].data,
                                      np.array([0.01, 0.012], np.float32))
        p = ae.ones(2, requires_grad=True)
        p.grad = ae.tensor([float("inf"), 1.0])
        optim.NAdam([p]).step()
        assert np.isnan(p.data[0]) and p.data[1] == np.float32(0.997887134552002)
        p = ae.ones(2, 3, requires_grad=True)
        p.grad = ae.zeros(2, 3)
        optim.Adafactor([p], eps=(0.0, 1e-3)).step()
        assert np.isnan(p.data).all()


@pytest.mark.parametrize("name", NAMES)
def test_step_with_closure_returns_the_loss(name):
    p = ae.tensor([1.0, -2.0], requires_grad=True)
    opt = getattr(optim, name)([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with ae.no_grad():  # the closure still records: step enables grad around it
        assert opt.step(closure).item() == 5.0
    assert p.grad is not None and not np.array_equal(p.data, [1.0, -2.0])


# -- LBFGS ----------------------------------------------------------------------------------
# torch 2.13, float64: LBFGS([x], **kwargs) on the 4-d Rosenbrock function from X0, four
# step(closure) calls: the losses they return, x after them, state func_evals and n_iter.
X0 = np.array([-1.2, 1.0, 0.5, -0.5])
LBFGS_RUNS = [
    ({}, [105.69999999999999, 3.701435573789209, 3.701428610555643, 3.701428610555643],
     [-0.7756536655454418, 0.613084506427346, 0.3820515626758489, 0.14596281705277517], 25, 25),
    ({"line_search_fn": "strong_wolfe"},
     [105.69999999999999, 3.701435573789209, 3.701428610555643, 3.701428610555643],
     [-0.7756536655454418, 0.613084506427346, 0.3820515626758489, 0.14596281705277517], 26, 25),
    ({"lr": 0.05, "max_iter": 5, "history_size": 2},
     [105.69999999999999, 69.80716676292437, 43.112768475177226, 27.007708373691266],
     [-1.007257490394285, 0.8628627274021075, 0.537457776347159, 0.032649716257414925], 20, 20),
]


def _rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


def _lbfgs(x, **kwargs):
    opt = optim.LBFGS([x], **kwargs)

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(x)
        loss.backward()
        return loss

    return opt, closure


@pytest.mark.parametrize("kwargs,losses,final,evals,iters", LBFGS_RUNS)
def test_lbfgs_matches_torch(kwargs, losses, final, evals, iters):
    x = ae.tensor(X0.copy(), requires_grad=True)
    opt, closure = _lbfgs(x, **kwargs)
    with ae.no_grad():  # the closure still records: step enables grad around it
        ours = [opt.step(closure).item() for _ in range(4)]
    np.testing.assert_allclose(ours, losses, rtol=1e-12)
    np.testing.assert_allclose(x.data, final, rtol=1e-10)
    state = opt.state[x]
    assert (state["func_evals"], state["n_iter"]) == (evals, iters)
    assert set(state) == {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro",
                          "H_diag", "prev_flat_grad", "prev_loss", "al"}
    assert isinstance(state["d"], ae.Tensor) and state["d"].shape == (4,)
    assert all(isinstance(r, ae.Tensor) and r.shape == () for r in state["ro"])


def test_lbfgs_needs_a_closure_and_one_group():
    x = ae.tensor(X0.copy(), requires_grad=True)
    with pytest.raises(TypeError, match=r"step\(\) missing 1 required positional argument"):
        optim.LBFGS([x]).step()
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [ae.ones(1, requires_grad=True)]}])
    opt, closure = _lbfgs(x, line_search_fn="wolfe")
    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_lbfgs_stops_at_once_when_the_gradient_is_small():
    x = ae.ones(4, dtype=ae.float64, requires_grad=True)  # Rosenbrock's minimum
    opt, closure = _lbfgs(x)
    assert opt.step(closure).item() == 0.0
    assert opt.state[x] == {"func_evals": 1, "n_iter": 0}


def test_lbfgs_state_dict_round_trip_continues_identically(tmp_path):
    x = ae.tensor(X0.copy(), requires_grad=True)
    opt, closure = _lbfgs(x, history_size=3, max_iter=4, line_search_fn="strong_wolfe")
    opt.step(closure)
    opt.step(closure)
    ae.save({"optimizer": opt.state_dict(), "x": x}, tmp_path / "lbfgs.ae")
    saved = ae.load(tmp_path / "lbfgs.ae")
    x2 = saved["x"]
    opt2, closure2 = _lbfgs(x2, history_size=3, max_iter=4, line_search_fn="strong_wolfe")
    opt2.load_state_dict(saved["optimizer"])
    ro = saved["optimizer"]["state"][0]["ro"]
    assert opt2.state[x2]["ro"][0] is not ro[0]  # list items are copied, as torch casts them
    for _ in range(2):
        assert opt.step(closure).item() == opt2.step(closure2).item()
    np.testing.assert_array_equal(x2.data, x.data)


def test_lbfgs_updates_every_parameter_and_bumps_versions():
    w, b = ae.tensor([[0.5, -1.0]], requires_grad=True), ae.tensor([0.2], requires_grad=True)
    opt = optim.LBFGS([w, b], max_iter=3)
    versions = (w._version, b._version)

    def closure():
        opt.zero_grad()
        loss = ((w.sum() + b - 3.0) ** 2).sum() + (w * w).sum()
        loss.backward()
        return loss

    first = opt.step(closure).item()
    assert opt.step(closure).item() < first
    assert w._version > versions[0] and b._version > versions[1]


# -- CyclicLR -------------------------------------------------------------------------------
# torch 2.13: get_last_lr()[0] and the group's momentum (SGD) or betas[0] (Adam) after
# construction and after each of 12 steps.
CYCLIC = [
    ("SGD", dict(lr=1.0, momentum=0.9), dict(base_lr=0.1, max_lr=0.5, step_size_up=2,
                                               step_size_down=3),
     [0.1, 0.29999999999999993, 0.4999999999999999, 0.3666666666666666, 0.2333333333333333, 0.1,
      0.30000000000000016, 0.4999999999999999, 0.3666666666666666, 0.23333333333333348, 0.1,
      0.30000000000000016, 0.4999999999999999],
     [0.9, 0.8500000000000001, 0.8, 0.8333333333333334, 0.8666666666666667, 0.9, 0.85, 0.8,
      0.8333333333333334, 0.8666666666666667, 0.9, 0.85, 0.8]),
    ("SGD", dict(lr=1.0, momentum=0.9), dict(base_lr=0.1, max_lr=0.5, step_size_up=2,
                                               mode="triangular2"),
     [0.1, 0.30000000000000004, 0.5, 0.30000000000000004, 0.1, 0.2, 0.30000000000000004, 0.2,
      0.1, 0.15000000000000002, 0.2, 0.15000000000000002, 0.1],
     [0.9, 0.8500000000000001, 0.8, 0.8500000000000001, 0.9, 0.875, 0.8500000000000001, 0.875,
      0.9, 0.8875000000000001, 0.875, 0.8875000000000001, 0.9]),
    ("Adam", dict(lr=1.0), dict(base_lr=0.1, max_lr=0.5, step_size_up=2, mode="exp_range",
                                gamma=0.8, base_momentum=0.7, max_momentum=0.95),
     [0.1, 0.26, 0.3560000000000001, 0.20240000000000002, 0.1, 0.16553600000000002,
      0.20485760000000006, 0.14194304000000002, 0.1, 0.12684354560000002, 0.14294967296000002,
      0.11717986918400002, 0.1],
     [0.95, 0.85, 0.7899999999999999, 0.8859999999999999, 0.95, 0.90904, 0.8844639999999999,
      0.9237856, 0.95, 0.9332227839999999, 0.9231564543999999, 0.93926258176, 0.95]),
]


def _momentum(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


@pytest.mark.parametrize("opt_name,opt_kwargs,kwargs,lrs,momenta", CYCLIC)
def test_cyclic_lr_matches_torch(opt_name, opt_kwargs, kwargs, lrs, momenta):
    opt = getattr(optim, opt_name)([ae.ones(1, requires_grad=True)], **opt_kwargs)
    scheduler = lr_scheduler.CyclicLR(opt, **kwargs)
    ours, moms = [scheduler.get_last_lr()[0]], [_momentum(opt.param_groups[0])]
    for _ in range(12):
        opt.step()
        scheduler.step()
        ours.append(scheduler.get_last_lr()[0])
        moms.append(_momentum(opt.param_groups[0]))
    assert ours == lrs and moms == momenta
    assert opt.param_groups[0]["lr"] == lrs[-1]


class _Halving:
    def __init__(self):
        self.base = 0.5

    def __call__(self, x):
        return self.base ** x


def test_cyclic_lr_state_dict_keeps_only_a_callable_objects_attributes(tmp_path):
    opt = optim.SGD([ae.ones(1, requires_grad=True)], lr=1.0, momentum=0.9)
    built_in = lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2, mode="exp_range")
    state = built_in.state_dict()
    assert "_scale_fn_ref" not in state and state["_scale_fn_custom"] is None
    assert lr_scheduler.CyclicLR(opt, 0.1, 0.5, scale_fn=lambda x: 1.0).state_dict()[
        "_scale_fn_custom"] is None
    fn = _Halving()
    scheduler = lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2, scale_fn=fn,
                                      scale_mode="iterations")
    for _ in range(3):
        scheduler.step()
    fn.base = 0.25
    ae.save(scheduler.state_dict(), tmp_path / "cyclic.ae")
    fresh_fn = _Halving()
    resumed = lr_scheduler.CyclicLR(opt, 0.1, 0.5, step_size_up=2, scale_fn=fresh_fn,
                                    scale_mode="iterations")
    saved = ae.load(tmp_path / "cyclic.ae")
    resumed.load_state_dict(saved)
    assert "_scale_fn_custom" in saved  # the given dict is not modified
    assert fresh_fn.base == 0.25 and resumed.last_epoch == 3
    scheduler.step()
    resumed.step()
    assert resumed.get_last_lr() == scheduler.get_last_lr()


def test_cyclic_lr_errors_as_torch():
    sgd = optim.SGD([ae.ones(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="mode is invalid and scale_fn is None"):
        lr_scheduler.CyclicLR(sgd, 0.1, 1.0, mode="cosine")
    with pytest.raises(ValueError, match="base_lr must have the same length as "
                                         "optimizer.param_groups. base_lr has 2 values"):
        lr_scheduler.CyclicLR(sgd, [0.1, 0.2], 1.0)
    with pytest.raises(TypeError, match="object is not an Optimizer"):
        lr_scheduler.CyclicLR(object(), 0.1, 1.0)
    adagrad = optim.Adagrad([ae.ones(1, requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        lr_scheduler.CyclicLR(adagrad, 0.1, 1.0)
    lr_scheduler.CyclicLR(adagrad, 0.1, 1.0, cycle_momentum=False)


def test_cyclic_schedulers_live_in_their_module():
    assert lr_scheduler.CyclicLR is cyclic.CyclicLR
    assert lr_scheduler.OneCycleLR is cyclic.OneCycleLR
    assert issubclass(cyclic.CyclicLR, lr_scheduler.LRScheduler)
