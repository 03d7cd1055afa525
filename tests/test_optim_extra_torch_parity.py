"""NAdam, RAdam, Adamax, Adadelta, ASGD, Rprop, Adafactor, LBFGS and CyclicLR against PyTorch
2.13 (skipped without torch): 50-step trajectories in float32 and float64 over parameter groups
and shapes, state dicts loaded both ways, defaults and errors."""
import io
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
from autograd_engine import optim

torch = pytest.importorskip("torch")

NAMES = ["NAdam", "RAdam", "Adamax", "Adadelta", "ASGD", "Rprop", "Adafactor"]
CASES = [  # (optimizer, kwargs, the second group's own hyper-parameters)
    ("NAdam", {}, dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01), dict(betas=(0.5, 0.9))),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True),
     dict(weight_decay=0.0)),
    ("RAdam", {}, dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, weight_decay=0.1), dict(betas=(0.5, 0.6), eps=1e-3)),
    ("RAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, decoupled_weight_decay=True),
     dict(maximize=True)),
    ("Adamax", {}, dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True), dict(betas=(0.5, 0.5))),
    ("Adadelta", {}, dict(rho=0.5)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1), dict(eps=1e-3, maximize=True)),
    ("ASGD", {}, dict(lr=0.05)),
    ("ASGD", dict(lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1), dict(t0=0)),
    ("Rprop", {}, dict(lr=0.1)),
    ("Rprop", dict(lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True),
     dict(etas=(0.6, 1.1))),
    ("Adafactor", {}, dict(lr=0.05)),
    ("Adafactor", dict(lr=0.05, beta2_decay=-0.5, eps=(1e-4, 1e-2), d=1.5, weight_decay=0.1),
     dict(eps=(None, 1e-3), maximize=True)),
]
SHAPES = [(4, 3), (), (3,), (2, 3, 2)]  # the first two in group 0, the others in group 1
_RNG = np.random.default_rng(0)
_INIT = [_RNG.standard_normal(shape) for shape in SHAPES]


def _grad(p: np.ndarray) -> np.ndarray:
    """The gradient of a fixed separable loss at ``p``, in p's dtype (the same for both
    libraries given the same values)."""
    f = p.dtype.type
    index = np.arange(p.size, dtype=p.dtype).reshape(p.shape)
    target, scale = np.sin(index + f(1)), f(1.5) + np.cos(index)
    return scale * (p - target) + f(0.1) * p * p * p


def _make(lib, name, dtype, kwargs, group1, init=_INIT):
    params = [lib.tensor(a.astype(dtype), requires_grad=True) for a in init]
    half = (len(params) + 1) // 2
    groups = [{"params": params[:half]}, {"params": params[half:], **group1}]
    return params, getattr(lib.optim, name)(groups, **kwargs)


def _steps(lib, params, opt, steps):
    values = []
    for _ in range(steps):
        for p in params:
            p.grad = lib.tensor(_grad(p.detach().numpy().copy()))
        opt.step()
        values.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return np.array(values)


def _trajectory(lib, name, dtype, kwargs, group1, steps=50):
    params, opt = _make(lib, name, dtype, kwargs, group1)
    return _steps(lib, params, opt, steps)


def _tolerances(name, dtype):
    if dtype == np.float64:
        return dict(rtol=1e-10, atol=1e-13)
    # Adafactor's norms are reductions (PyTorch accumulates them in float32 lanes); the other
    # updates round as PyTorch's, op by op (its sqrt may differ by one ulp)
    return dict(rtol=1e-4, atol=2e-5) if name == "Adafactor" else dict(rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("name,kwargs,group1", CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)])
def test_fifty_steps_match_torch(name, kwargs, group1, dtype):
    ours = _trajectory(ae, name, dtype, kwargs, group1)
    theirs = _trajectory(torch, name, dtype, kwargs, group1)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, theirs, **_tolerances(name, dtype))
    assert not np.array_equal(ours[0], ours[-1])


def _model_run(lib, name, kwargs, steps=50):
    """A 4-5-2 tanh MLP trained on fixed data with the library's own autograd (float64)."""
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal(s) * 0.5 for s in ((5, 4), (5,), (2, 5), (2,))]
    x, y = rng.standard_normal((16, 4)), rng.standard_normal((16, 2))
    model = lib.nn.Sequential(lib.nn.Linear(4, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2)).double()
    with lib.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(lib.tensor(w))
    opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
    x, y = lib.tensor(x), lib.tensor(y)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), np.concatenate([p.detach().numpy().ravel()
                                             for p in model.parameters()])


@pytest.mark.parametrize("name,kwargs", [(n, k) for n, k, _ in CASES],
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(CASES)])
def test_training_a_small_model_matches_torch(name, kwargs):
    ours, theirs = _model_run(ae, name, kwargs), _model_run(torch, name, kwargs)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-9)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-9, atol=1e-12)


@settings(max_examples=60)
@given(name=st.sampled_from(NAMES),
       shapes=st.lists(st.lists(st.integers(1, 4), max_size=4).map(tuple), min_size=1,
                       max_size=3))
def test_any_shapes_match_torch(name, shapes):
    init = [np.random.default_rng(len(s)).standard_normal(s) for s in shapes]
    kwargs = dict(lr=0.05) if name != "Adadelta" else {}
    results = []
    for lib in (ae, torch):
        params, opt = _make(lib, name, np.float64, kwargs, {}, init)
        results.append(_steps(lib, params, opt, 6))
        state = opt.state[params[0]]
        results.append({k: tuple(v.shape) for k, v in state.items()})
    np.testing.assert_allclose(results[0], results[2], rtol=1e-10, atol=1e-13)
    assert results[1] == results[3]


def _to_ae(obj):
    """A torch state dict as ours: tensors become ae tensors, containers are rebuilt."""
    if isinstance(obj, torch.Tensor):
        return ae.tensor(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return {k: _to_ae(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_ae(v) for v in obj)
    return obj


def _to_torch(obj):
    if isinstance(obj, ae.Tensor):
        return torch.tensor(obj.data.copy())
    if isinstance(obj, dict):
        return {k: _to_torch(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_torch(v) for v in obj)
    return obj


def _torch_round_trip(state_dict):
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def _layout(state_dict):
    """Keys, group hyper-parameters and (dtype, shape) of every state tensor."""
    def describe(v):
        if isinstance(v, (ae.Tensor, torch.Tensor)):
            return (str(v.dtype).replace("torch.", ""), tuple(v.shape))
        if isinstance(v, list):
            return [describe(x) for x in v]
        return type(v).__name__ if isinstance(v, (int, float)) else v
    return ({i: {k: describe(v) for k, v in s.items()} for i, s in state_dict["state"].items()},
            state_dict["param_groups"])


@pytest.mark.parametrize("name,kwargs,group1", CASES[1::2],
                         ids=[n for n, _, _ in CASES[1::2]])
def test_state_dicts_load_both_ways(name, kwargs, group1):
    """After 5 steps both libraries' state dicts have the same layout; each one (torch's
    through torch.save) loads into a fresh optimizer of either library (which casts the state
    to the parameters' dtype), and the two then continue alike."""
    sources = {}
    for lib in (torch, ae):
        params, opt = _make(lib, name, np.float32, kwargs, group1)
        _steps(lib, params, opt, 5)
        sources[lib] = ([np.array(p.detach().numpy()) for p in params], opt.state_dict())
    assert _layout(sources[ae][1]) == _layout(sources[torch][1])
    for values, state_dict in sources.values():
        runs = []
        for lib, convert in ((ae, _to_ae), (torch, _to_torch)):
            params, opt = _make(lib, name, np.float64, kwargs, {}, values)
            loaded = _torch_round_trip(state_dict) if isinstance(
                state_dict["state"][0]["step"], torch.Tensor) else state_dict
            opt.load_state_dict(convert(loaded))
            assert opt.param_groups[1]["lr"] == state_dict["param_groups"][1]["lr"]
            runs.append(_steps(lib, params, opt, 10))
        np.testing.assert_allclose(runs[0], runs[1], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", NAMES + ["LBFGS"])
def test_defaults_match_torch(name):
    ours = getattr(optim, name)([ae.ones(2, requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.ones(2, requires_grad=True)])
    assert ours.defaults == theirs.defaults


_BAD = [("NAdam", dict(lr=-0.1)), ("NAdam", dict(eps=-1e-3)), ("NAdam", dict(betas=(1.0, 0.9))),
        ("NAdam", dict(betas=(0.9, -0.1))), ("NAdam", dict(weight_decay=-1)),
        ("NAdam", dict(momentum_decay=-1e-3)), ("NAdam", dict(betas=(0.9,))),
        ("RAdam", dict(lr=float("nan"))), ("RAdam", dict(betas=(-0.1, 1.5))),
        ("Adamax", dict(eps=-1.0)), ("Adamax", dict(weight_decay=-1)),
        ("Adadelta", dict(rho=1.5)), ("Adadelta", dict(rho=-0.1)), ("Adadelta", dict(eps=-1)),
        ("ASGD", dict(lr=-1)), ("ASGD", dict(weight_decay=-1)),
        ("Rprop", dict(etas=(1.5, 2.0))), ("Rprop", dict(etas=(0.5, 1.0))),
        ("Adafactor", dict(lr=-0.1)), ("Adafactor", dict(beta2_decay=0.5)),
        ("Adafactor", dict(eps=(-1.0, 1e-3))), ("Adafactor", dict(eps=(None, -1e-3))),
        ("Adafactor", dict(d=0.5)), ("Adafactor", dict(weight_decay=-1)),
        ("LBFGS", dict(lr=-1))]


@pytest.mark.parametrize("name,kwargs", _BAD, ids=[f"{n}-{k}" for n, k in _BAD])
def test_invalid_hyper_parameters_raise_as_torch(name, kwargs):
    with pytest.raises(Exception) as theirs:
        getattr(torch.optim, name)([torch.ones(2, requires_grad=True)], **kwargs)
    with pytest.raises(theirs.type) as ours:
        getattr(optim, name)([ae.ones(2, requires_grad=True)], **kwargs)
    assert str(theirs.value) in str(ours.value)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "Adafactor"])
def test_capturable_and_differentiable_fail_at_step_as_torch(name):
    for flag in ("capturable", "differentiable"):
        errors = []
        for lib, cls in ((torch, getattr(torch.optim, name)), (ae, getattr(optim, name))):
            p = lib.ones(2, requires_grad=True)
            opt = cls([p], **{flag: True})
            p.grad = lib.ones(2)
            with pytest.raises(Exception) as error:
                opt.step()
            errors.append(error.type)
        assert errors[0] is errors[1]


# -- LBFGS ----------------------------------------------------------------------------------
_X0 = np.array([-1.2, 1.0, 0.5, -0.5, 0.3, 0.8])


def _rosenbrock_grad(x):
    """Loss and gradient of the Rosenbrock function, in numpy in x's dtype."""
    f = x.dtype.type
    a, c = x[1:] - x[:-1] ** 2, f(1) - x[:-1]
    g = np.zeros_like(x)
    g[1:] += f(200) * a
    g[:-1] += f(-400) * a * x[:-1] - f(2) * c
    return (f(100) * a * a + c * c).sum(), g


def _quadratic_grad(x):
    f = x.dtype.type
    scale = np.arange(1, x.size + 1, dtype=x.dtype)
    return (f(0.5) * scale * x * x - x).sum(), scale * x - f(1)


def _lbfgs_run(lib, dtype, loss_grad, kwargs, steps=6):
    w = lib.tensor(_X0[:4].reshape(2, 2).astype(dtype), requires_grad=True)
    b = lib.tensor(_X0[4:].astype(dtype), requires_grad=True)
    opt = lib.optim.LBFGS([w, b], **kwargs)

    def closure():
        x = np.concatenate([w.detach().numpy().ravel(), b.detach().numpy()])
        loss, g = loss_grad(x)
        w.grad, b.grad = lib.tensor(g[:4].reshape(2, 2)), lib.tensor(g[4:])
        return lib.tensor(loss)

    losses, values = [], []
    for _ in range(steps):
        losses.append(float(opt.step(closure)))
        values.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy()]))
    state = opt.state[w]
    return losses, np.array(values), (state.get("func_evals"), state.get("n_iter")), opt


_LBFGS_CASES = [dict(), dict(line_search_fn="strong_wolfe"),
                dict(lr=0.1, history_size=3, max_iter=5),
                dict(line_search_fn="strong_wolfe", history_size=2, max_iter=7, max_eval=9,
                     lr=0.5, tolerance_change=1e-12)]


@pytest.mark.parametrize("kwargs", _LBFGS_CASES, ids=str)
def test_lbfgs_matches_torch_in_float64(kwargs):
    ours = _lbfgs_run(ae, np.float64, _rosenbrock_grad, kwargs)
    theirs = _lbfgs_run(torch, np.float64, _rosenbrock_grad, kwargs)
    # dot products are summed in another order than PyTorch's (BLAS), Rosenbrock amplifies it
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-7)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-7, atol=1e-10)
    assert ours[2] == theirs[2]
    assert _layout(ours[3].state_dict()) == _layout(theirs[3].state_dict())


@pytest.mark.parametrize("kwargs", _LBFGS_CASES, ids=str)
def test_lbfgs_matches_torch_in_float32(kwargs):
    # two steps: near the minimum float32 rounding decides when the iterations stop
    ours = _lbfgs_run(ae, np.float32, _quadratic_grad, kwargs, steps=2)
    theirs = _lbfgs_run(torch, np.float32, _quadratic_grad, kwargs, steps=2)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    assert ours[2] == theirs[2]
    assert ours[1].dtype == np.float32


def test_lbfgs_state_dicts_load_both_ways():
    kwargs = dict(line_search_fn="strong_wolfe", history_size=3, max_iter=4)
    _, _, _, t_opt = _lbfgs_run(torch, np.float64, _rosenbrock_grad, kwargs, steps=2)
    _, _, _, a_opt = _lbfgs_run(ae, np.float64, _rosenbrock_grad, kwargs, steps=2)
    torch_state, our_state = t_opt.state_dict(), a_opt.state_dict()
    fresh_ae = _lbfgs_run(ae, np.float64, _rosenbrock_grad, kwargs, steps=0)[3]
    fresh_torch = _lbfgs_run(torch, np.float64, _rosenbrock_grad, kwargs, steps=0)[3]
    fresh_ae.load_state_dict(_to_ae(_torch_round_trip(torch_state)))
    fresh_torch.load_state_dict(_to_torch(our_state))
    for ours, theirs in ((fresh_ae, t_opt), (fresh_torch, a_opt)):
        state = ours.state[ours._params[0]]
        expected = theirs.state[theirs._params[0]]
        assert state["n_iter"] == expected["n_iter"] and len(state["ro"]) == len(expected["ro"])
        np.testing.assert_allclose(np.asarray(state["d"].numpy()),
                                   np.asarray(expected["d"].numpy()), rtol=1e-9)


# -- CyclicLR -------------------------------------------------------------------------------
class _Scale:
    def __init__(self):
        self.base = 0.5

    def __call__(self, x):
        return self.base ** x


_CYCLIC = [
    ("SGD", dict(lr=0.1, momentum=0.9), dict(base_lr=0.01, max_lr=0.1, step_size_up=4)),
    ("SGD", dict(lr=0.1, momentum=0.9),
     dict(base_lr=[0.01, 0.02], max_lr=[0.1, 0.3], step_size_up=3, step_size_down=5,
          mode="triangular2", base_momentum=[0.8, 0.7], max_momentum=0.95)),
    ("NAdam", dict(lr=0.1), dict(base_lr=0.001, max_lr=0.01, step_size_up=3, mode="exp_range",
                                 gamma=0.9)),
    ("SGD", dict(lr=0.1), dict(base_lr=0.001, max_lr=0.01, step_size_up=3, cycle_momentum=False,
                               scale_fn=lambda x: 0.5 ** x, scale_mode="iterations")),
    ("RMSprop", dict(lr=0.1, momentum=0.5), dict(base_lr=0.001, max_lr=0.01, step_size_up=2,
                                                 scale_fn=_Scale())),
]


def _cyclic(lib, opt_name, opt_kwargs, kwargs, resume=None):
    params = [lib.ones(2, requires_grad=True), lib.ones(1, requires_grad=True)]
    opt = getattr(lib.optim, opt_name)([{"params": params[:1]}, {"params": params[1:]}],
                                       **opt_kwargs)
    scheduler = lib.optim.lr_scheduler.CyclicLR(opt, **kwargs)
    if resume is not None:
        opt.load_state_dict(resume[0])
        scheduler.load_state_dict(resume[1])
    out = []
    for _ in range(14):
        opt.step()
        scheduler.step()
        out.append((scheduler.get_last_lr(),
                    [g["betas"][0] if "betas" in g else g["momentum"]
                     for g in opt.param_groups]))
    return out, opt, scheduler


@pytest.mark.parametrize("opt_name,opt_kwargs,kwargs", _CYCLIC,
                         ids=[f"{o}-{i}" for i, (o, _, _) in enumerate(_CYCLIC)])
def test_cyclic_lr_matches_torch(opt_name, opt_kwargs, kwargs, tmp_path):
    ours, opt, scheduler = _cyclic(ae, opt_name, opt_kwargs, kwargs)
    theirs, t_opt, t_scheduler = _cyclic(torch, opt_name, opt_kwargs, kwargs)
    assert ours == theirs
    assert sorted(scheduler.state_dict()) == sorted(
        k for k in t_scheduler.state_dict() if k != "_get_lr_called_within_step")
    ae.save([opt.state_dict(), scheduler.state_dict()], tmp_path / "ae")
    torch.save([t_opt.state_dict(), t_scheduler.state_dict()], tmp_path / "pt")
    resumed = _cyclic(ae, opt_name, opt_kwargs, kwargs, ae.load(tmp_path / "ae"))[0]
    t_resumed = _cyclic(torch, opt_name, opt_kwargs, kwargs,
                        torch.load(tmp_path / "pt", weights_only=False))[0]
    assert resumed == t_resumed


def test_cyclic_lr_step_with_epoch_matches_torch():
    def lrs(lib):
        opt = lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=0.1, momentum=0.9)
        scheduler = lib.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3,
                                                    mode="triangular2")
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (5, 2, 9, None, 0, None):
                opt.step()
                scheduler.step(epoch)
                out.append((scheduler.get_last_lr()[0], opt.param_groups[0]["momentum"]))
        return out

    assert lrs(ae) == lrs(torch)


def test_cyclic_lr_errors_match_torch():
    for kwargs in (dict(mode="cosine"), dict(base_lr=[0.1, 0.2]), dict(max_lr=[0.1, 0.2]),
                   dict(base_momentum=[0.8, 0.9]), dict(optimizer="adagrad")):
        errors = []
        for lib in (torch, ae):
            cls = lib.optim.Adagrad if kwargs.get("optimizer") else lib.optim.SGD
            opt = cls([lib.ones(1, requires_grad=True)], lr=0.1)
            args = dict(dict(base_lr=0.1, max_lr=1.0), **kwargs)
            args.pop("optimizer", None)
            with pytest.raises(Exception) as error:
                lib.optim.lr_scheduler.CyclicLR(opt, **args)
            errors.append((error.type, str(error.value)))
        assert errors[0][0] is errors[1][0] and errors[0][1] in errors[1][1]
