"""Optimizers: trajectories against PyTorch, parameter groups, state dicts, validation."""
import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import optim

# Expected trajectories computed with torch 2.13 (CPU, float32) by running torch.optim.<name>
# on the same P0/B0 with gradients from ``_grads`` (computed in numpy float32, as here) for 20
# steps. They agree to float32 rounding (PyTorch's vectorised loops use FMA, ours do not).
P0 = np.array([[0.5, -1.25, 2.0], [-0.3, 0.8, 1.7]], np.float32)
B0 = np.array([0.1, -0.2, 0.3], np.float32)
TARGET = np.array([[1.0, 0.5, -1.0], [0.25, -0.75, 1.5]], np.float32)
SCALE = np.array([[1.0, 3.0, 0.5], [2.0, 0.1, 1.5]], np.float32)

EXPECTED = [  # (optimizer, kwargs, {step: [*p.ravel(), *b] after that step})
    ('SGD', {'lr': 0.1}, {
        1: [0.548749983, -0.705468714, 1.76999998, -0.189730003, 0.779380023, 1.62086999,
            0.139799997, -0.130800009, 0.318200022],
        2: [0.592222571, -0.3403171, 1.57604766, -0.101715706, 0.759352028, 1.56015563,
            0.175429121, -0.0680621788, 0.334354997],
        5: [0.695842445, 0.211962163, 1.12679195, 0.0699283853, 0.702474594, 1.44786584,
            0.261005014, 0.0857736543, 0.372633308],
        20: [0.8899979, 0.494763672, -0.0394987315, 0.243091896, 0.470060885, 1.34315002,
            0.427257031, 0.398130059, 0.44494158],
    }),
    ('SGD', {'lr': 0.05, 'momentum': 0.9}, {
        1: [0.524375021, -0.977734387, 1.88499999, -0.244865015, 0.789690018, 1.66043508,
            0.119900003, -0.165399998, 0.309100002],
        2: [0.569372833, -0.506361783, 1.6758858, -0.145683601, 0.770250261, 1.58990443,
            0.156671241, -0.101263568, 0.325879574],
        5: [0.780825198, 1.15262294, 0.72300458, 0.266600072, 0.668895125, 1.3067987, 0.330261111,
            0.205511644, 0.404409558],
        20: [0.886211932, 0.701779187, -1.42389369, 0.0618523546, -0.109356292, 1.46364391,
            0.448247969, 0.444381207, 0.453198731],
    }),
    ('SGD', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1, 'weight_decay': 0.01}, {
        1: [0.52412498, -0.977109373, 1.88399994, -0.244715005, 0.789290011, 1.659585, 0.119850002,
            -0.165300012, 0.308950007],
        2: [0.566368103, -0.527460337, 1.68376982, -0.150258094, 0.770156324, 1.59112382,
            0.154638544, -0.10430304, 0.324604183],
        5: [0.761224449, 1.06067479, 0.787876904, 0.238725558, 0.67300576, 1.31823206, 0.315785229,
            0.181726098, 0.396533102],
        20: [0.914695442, 0.469285995, -1.53191423, 0.0585496388, -0.0659471452, 1.4628197,
            0.473416895, 0.493369848, 0.462153107],
    }),
    ('SGD', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weight_decay': 0.01}, {
        1: [0.545837522, -0.731507838, 1.77960002, -0.194958508, 0.779650986, 1.6232115,
            0.137714997, -0.134070009, 0.317005008],
        2: [0.60646069, -0.155073166, 1.49837685, -0.0653799251, 0.751201332, 1.53074551,
            0.187719405, -0.0459405109, 0.339428514],
        5: [0.822187304, 1.08531344, 0.511415303, 0.308131695, 0.62989217, 1.27751625, 0.36711061,
            0.276702076, 0.418810576],
        20: [0.894358635, 0.546670914, -1.28015852, 0.184559405, -0.143063873, 1.37559712,
            0.446595788, 0.443163961, 0.450479031],
    }),
    ('SGD', {'lr': 0.002, 'momentum': 0.5, 'maximize': True}, {
        1: [0.499024987, -1.2608906, 2.00460005, -0.302205414, 0.800412416, 1.70158267,
            0.0992040038, -0.201384008, 0.299636006],
        2: [0.497560382, -1.27730215, 2.01151562, -0.305522442, 0.801031232, 1.70396411,
            0.0980083495, -0.203462556, 0.299089193],
        5: [0.492099673, -1.33923852, 2.03738356, -0.317949384, 0.803329468, 1.71290112,
            0.0935511738, -0.211206272, 0.297049969],
        20: [0.461628109, -1.71557188, 2.18522811, -0.389579117, 0.815822661, 1.76503873,
            0.0687091574, -0.2541866, 0.285652608],
    }),
    ('Adam', {'lr': 0.05}, {
        1: [0.550000012, -1.20000005, 1.95000005, -0.25, 0.75, 1.6500001, 0.150000006,
            -0.150000006, 0.349999994],
        2: [0.59976083, -1.15004849, 1.90005684, -0.200182796, 0.700122535, 1.60036647,
            0.199692205, -0.100120753, 0.398705542],
        5: [0.745150089, -1.00082576, 1.7509414, -0.053459391, 0.551978827, 1.45744562,
            0.343457162, 0.0477230549, 0.512786865],
        20: [1.02358055, -0.301176757, 1.04887021, 0.387060672, -0.112441823, 1.26221764,
            0.517719686, 0.57584244, 0.428317487],
    }),
    ('Adam', {'lr': 0.05, 'amsgrad': True}, {
        1: [0.550000012, -1.20000005, 1.95000005, -0.25, 0.75, 1.6500001, 0.150000006,
            -0.150000006, 0.349999994],
        2: [0.59976083, -1.15004849, 1.90005684, -0.200182796, 0.700122535, 1.60036647,
            0.199692205, -0.100120753, 0.398705542],
        5: [0.745150089, -1.00082576, 1.7509414, -0.053459391, 0.551978827, 1.45744562,
            0.343457162, 0.0477230549, 0.512786865],
        20: [1.02357984, -0.301176757, 1.04887021, 0.387036234, -0.112441823, 1.26221609,
            0.517721951, 0.575786531, 0.42831713],
    }),
    ('Adam', {'lr': 0.05, 'weight_decay': 0.1}, {
        1: [0.550000012, -1.20000005, 1.95000005, -0.25, 0.75, 1.6500001, 0.150000006,
            -0.150000006, 0.349999994],
        2: [0.599680722, -1.15004885, 1.90005517, -0.200188264, 0.700118959, 1.60029101,
            0.199632704, -0.100132912, 0.397824466],
        5: [0.743225396, -1.00083196, 1.75091541, -0.0535765626, 0.551982284, 1.45569563,
            0.341955841, 0.0474791452, 0.485771149],
        20: [0.907654643, -0.301719487, 1.04812467, 0.375561059, -0.0935098007, 1.15980041,
            0.45199126, 0.550486743, 0.430840552],
    }),
    ('Adam', {'lr': 0.05, 'betas': (0.3, 0.9), 'eps': 1e-06, 'maximize': True}, {
        1: [0.450000107, -1.29999995, 2.04999995, -0.349999964, 0.849999785, 1.75, 0.0500001237,
            -0.24999994, 0.250000298],
        2: [0.398810953, -1.35037625, 2.10043931, -0.401018053, 0.90083015, 1.80157495,
            -0.00137725472, -0.300746202, 0.197261006],
        5: [0.236043304, -1.50484443, 2.25579834, -0.562360883, 1.06120825, 1.96860445,
            -0.165788621, -0.458955318, 0.0217011943],
        20: [-0.682167649, -2.34007382, 3.11915183, -1.48034179, 2.03793502, 2.94727159,
            -1.07827842, -1.31710362, -0.951031804],
    }),
    ('AdamW', {'lr': 0.05}, {
        1: [0.54974997, -1.19937503, 1.949, -0.24985002, 0.749599993, 1.64915001, 0.149949998,
            -0.149900004, 0.349849999],
        2: [0.599237621, -1.14882445, 1.89808345, -0.199908644, 0.699348927, 1.59870148,
            0.199567676, -0.0999461263, 0.398387969],
        5: [0.743698955, -0.997964978, 1.74621654, -0.0529717989, 0.550247729, 1.45366681,
            0.342978358, 0.0479687192, 0.512104332],
        20: [1.021384, -0.293994457, 1.03447509, 0.38588202, -0.115431823, 1.26104629, 0.516591191,
            0.574028075, 0.428495228],
    }),
    ('AdamW', {'lr': 0.05, 'weight_decay': 0.1, 'amsgrad': True}, {
        1: [0.547500014, -1.19375002, 1.94000006, -0.248500004, 0.745999992, 1.64150012,
            0.149499997, -0.149000004, 0.348499984],
        2: [0.594540298, -1.13783681, 1.88037026, -0.197447896, 0.692404866, 1.58376026,
            0.198449329, -0.0983789265, 0.395535588],
        5: [0.730746686, -0.972488105, 1.70413613, -0.0486392975, 0.534835875, 1.42020261,
            0.338700235, 0.0501464233, 0.505959511],
        20: [1.00228298, -0.233133301, 0.911587238, 0.375391781, -0.140474483, 1.24902487,
            0.507065177, 0.557947636, 0.429850817],
    }),
    ('RMSprop', {'lr': 0.01}, {
        1: [0.599999964, -1.14999998, 1.89999998, -0.200000018, 0.700000048, 1.60000002,
            0.199999973, -0.100000009, 0.399999976],
        2: [0.661508799, -1.08144367, 1.83176827, -0.136544973, 0.634195447, 1.54206705,
            0.259347111, -0.0344272852, 0.435154051],
        5: [0.770661354, -0.938052833, 1.689291, -0.0168780535, 0.500494301, 1.44614816,
            0.358119488, 0.094081074, 0.456682563],
        20: [0.910014093, -0.554705381, 1.30384302, 0.193643361, 0.152183533, 1.34510016,
            0.454563349, 0.352799505, 0.45803988],
    }),
    ('RMSprop', {'lr': 0.01, 'centered': True}, {
        1: [0.600503743, -1.1494962, 1.8994962, -0.199496239, 0.699496269, 1.59949625, 0.200503767,
            -0.0994962305, 0.400503755],
        2: [0.6625669, -1.08026052, 1.83059001, -0.135449946, 0.633056462, 1.54107463, 0.260363728,
            -0.0332953036, 0.435682625],
        5: [0.773170471, -0.934154034, 1.68542004, -0.0139279142, 0.496941179, 1.44412148,
            0.360219181, 0.0973770395, 0.456787616],
        20: [0.911714792, -0.529876769, 1.27833951, 0.199426964, 0.130701512, 1.34432662,
            0.455133289, 0.36237973, 0.45803988],
    }),
    ('RMSprop', {'lr': 0.01, 'momentum': 0.9}, {
        1: [0.599999964, -1.14999998, 1.89999998, -0.200000018, 0.700000048, 1.60000002,
            0.199999973, -0.100000016, 0.399999976],
        2: [0.751508772, -0.991443753, 1.74176824, -0.0465449728, 0.544195533, 1.45206702,
            0.349347085, 0.0555726998, 0.525153995],
        5: [1.17909122, -0.351145893, 1.1030345, 0.454788506, -0.0577265546, 1.07769477,
            0.71825546, 0.603076041, 0.550444245],
        20: [0.911748409, 1.09185064, -1.39944494, 0.0588123538, -0.53390348, 1.29141879,
            0.533131838, 0.212061077, 0.392104834],
    }),
    ('RMSprop', {'lr': 0.01, 'alpha': 0.3, 'momentum': 0.5, 'centered': True,
                 'weight_decay': 0.1}, {
        1: [0.521821797, -1.22817826, 1.97817826, -0.278178215, 0.778178215, 1.67817831,
            0.121821791, -0.178178221, 0.321821809],
        2: [0.567051113, -1.18244505, 1.93246043, -0.232726187, 0.73259896, 1.63290906,
            0.166974992, -0.132619277, 0.36475727],
        5: [0.792599678, -0.758014798, 1.512115, 0.0493194647, 0.384667963, 1.39067483,
            0.379114062, 0.179570377, 0.444352955],
        20: [0.856390953, 0.486128062, -0.640554905, 0.245825604, -0.359431058, 1.28024423,
            0.420259923, 0.420646548, 0.420322627],
    }),
    ('Adagrad', {'lr': 0.1}, {
        1: [0.600000024, -1.14999998, 1.89999998, -0.200000018, 0.699999988, 1.60000002,
            0.200000003, -0.099999994, 0.400000006],
        2: [0.661316633, -1.08162653, 1.83195174, -0.136735529, 0.634383023, 1.54226041,
            0.259153932, -0.0346152261, 0.434999526],
        5: [0.769604921, -0.939328551, 1.69056797, -0.0180294514, 0.501751304, 1.44709694,
            0.357163757, 0.0928787366, 0.456579119],
        20: [0.90810746, -0.566703796, 1.31613553, 0.1888735, 0.163711667, 1.34618449, 0.453748643,
            0.346178025, 0.45803988],
    }),
    ('Adagrad', {'lr': 0.1, 'lr_decay': 0.01, 'weight_decay': 0.1,
                 'initial_accumulator_value': 0.1}, {
        1: [0.581045449, -1.15016079, 1.90079057, -0.203683138, 0.732897162, 1.60500777,
            0.177515715, -0.108608522, 0.343321919],
        2: [0.633948624, -1.08253312, 1.83361626, -0.142326221, 0.681225002, 1.5470072,
            0.228218853, -0.0471313745, 0.370151579],
        5: [0.727656126, -0.944253504, 1.69615543, -0.0281736944, 0.568794072, 1.445261,
            0.316553384, 0.0726620108, 0.406429857],
        20: [0.840756297, -0.605336249, 1.35524547, 0.166895464, 0.285989076, 1.30384159,
            0.414181411, 0.302944511, 0.422073662],
    }),
]

OPTIMIZERS = [(optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
              (optim.Adam, dict(lr=0.05, amsgrad=True)), (optim.AdamW, dict(lr=0.05)),
              (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
              (optim.Adagrad, dict(lr=0.1, lr_decay=0.01))]


def _grads(p, b):
    """float32 gradients of a fixed quadratic-plus-cubic loss (the same as the torch run)."""
    gp = (SCALE * (p - TARGET) + np.float32(0.1) * p * p * p).astype(np.float32)
    gb = (b - np.float32(0.5) + np.float32(0.2) * b * b).astype(np.float32)
    return gp, gb


def _params(dtype=np.float32):
    return (ae.tensor(P0.astype(dtype), requires_grad=True),
            ae.tensor(B0.astype(dtype), requires_grad=True))


def _run(opt, p, b, steps):
    for _ in range(steps):
        gp, gb = _grads(p.data, b.data)
        p.grad, b.grad = ae.tensor(gp.astype(p.dtype)), ae.tensor(gb.astype(b.dtype))
        opt.step()


@pytest.mark.parametrize("name,kwargs,expected", EXPECTED,
                         ids=[f"{n}-{'-'.join(map(str, k.items()))}" for n, k, _ in EXPECTED])
def test_trajectory_matches_torch(name, kwargs, expected):
    p, b = _params()
    opt = getattr(optim, name)([p, b], **kwargs)
    done = 0
    for step, values in expected.items():
        _run(opt, p, b, step - done)
        done = step
        ours = np.concatenate([p.data.ravel(), b.data])
        np.testing.assert_allclose(ours, values, rtol=1e-5, atol=2e-6,
                                   err_msg=f"{name} {kwargs} after step {step}")
        assert p.dtype == np.float32 and p.shape == (2, 3)


@pytest.mark.parametrize("name,kwargs,expected", EXPECTED[::4])
def test_float64_follows_the_same_trajectory(name, kwargs, expected):
    p, b = _params(np.float64)
    opt = getattr(optim, name)([p, b], **kwargs)
    _run(opt, p, b, 5)
    assert p.dtype == np.float64
    np.testing.assert_allclose(np.concatenate([p.data.ravel(), b.data]), expected[5],
                               rtol=1e-5, atol=1e-6)


def test_param_groups_use_their_own_hyper_parameters():
    a, b = ae.ones(3, requires_grad=True), ae.ones(2, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.defaults["lr"] == 0.1
    a.grad, b.grad = ae.ones(3), ae.ones(2)
    opt.step()
    np.testing.assert_allclose(a.data, 0.9)
    np.testing.assert_allclose(b.data, 0.5)
    c = ae.ones(1, requires_grad=True)
    opt.add_param_group({"params": [c], "lr": 1.0})
    c.grad = ae.ones(1)
    opt.step()
    np.testing.assert_allclose(c.data, 0.0)


def test_params_without_grad_are_skipped():
    a, b = ae.ones(2, requires_grad=True), ae.ones(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = ae.ones(2)
    opt.step()
    np.testing.assert_array_equal(b.data, 1.0)
    assert b not in opt.state and set(opt.state[a]) == {"step", "exp_avg", "exp_avg_sq"}


def test_step_runs_without_recording_and_bumps_the_version():
    p = ae.ones(2, 2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = ae.ones(2, 2)
    before = p._version
    opt.step()
    assert p._version == before + 1 and p.is_leaf and p.requires_grad


def test_step_with_closure_returns_the_loss():
    p = ae.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with ae.no_grad():  # the closure still records: step enables grad around it
        loss = opt.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_allclose(p.data, [0.5, -1.0])


def test_non_contiguous_parameter_is_updated_in_place():
    base = np.asfortranarray(P0)
    p, q = ae.from_numpy(base), ae.tensor(P0.copy())
    p.requires_grad_(), q.requires_grad_()
    opt = optim.Adam([p, q], lr=0.1)
    p.grad, q.grad = ae.tensor(SCALE), ae.tensor(SCALE.copy())
    opt.step()
    np.testing.assert_array_equal(p.data, q.data)
    assert p.data is base and not base.flags.c_contiguous


def test_zero_grad_sets_to_none_or_zeroes_in_place():
    p = ae.ones(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.grad = ae.ones(3)
    opt.zero_grad()
    assert p.grad is None
    p.grad = grad = ae.ones(3)
    opt.zero_grad(set_to_none=False)
    assert p.grad is grad
    np.testing.assert_array_equal(grad.data, 0.0)


@pytest.mark.parametrize("cls,kwargs", OPTIMIZERS, ids=lambda v: getattr(v, "__name__", ""))
def test_state_dict_round_trip_continues_identically(cls, kwargs, tmp_path):
    p, b = _params()
    opt = cls([{"params": [p]}, {"params": [b], "lr": 0.02}], **kwargs)
    _run(opt, p, b, 4)
    path = tmp_path / "opt.ae"
    ae.save({"optimizer": opt.state_dict(), "p": p, "b": b}, path)
    saved = ae.load(path)
    p2, b2 = saved["p"], saved["b"]
    opt2 = cls([{"params": [p2]}, {"params": [b2]}], **kwargs)
    opt2.load_state_dict(saved["optimizer"])
    assert opt2.param_groups[1]["lr"] == 0.02
    _run(opt, p, b, 5)
    _run(opt2, p2, b2, 5)
    np.testing.assert_array_equal(p2.data, p.data)
    np.testing.assert_array_equal(b2.data, b.data)


def test_state_dict_layout_follows_torch():
    p, b = _params()
    opt = optim.Adam([p, b], lr=0.1, amsgrad=True)
    _run(opt, p, b, 2)
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert sd["param_groups"][0]["params"] == [0, 1]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(sd["state"][1]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    step = sd["state"][0]["step"]
    assert isinstance(step, ae.Tensor) and step.shape == () and step.item() == 2.0
    assert isinstance(sd["state"][0]["exp_avg"], ae.Tensor)


def test_load_state_dict_copies_and_casts_state():
    p = ae.ones(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    p.grad = ae.ones(2)
    opt.step()
    sd = opt.state_dict()
    q = ae.ones(2, dtype=ae.float64, requires_grad=True)
    opt2 = optim.SGD([q], lr=0.1, momentum=0.9)
    opt2.load_state_dict(sd)
    buf = opt2.state[q]["momentum_buffer"]
    assert buf.dtype == np.float64 and buf is not sd["state"][0]["momentum_buffer"]


def test_load_state_dict_rejects_mismatched_groups():
    a, b = ae.ones(2, requires_grad=True), ae.ones(2, requires_grad=True)
    sd = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(sd)


@pytest.mark.parametrize("cls,kwargs,match", [
    (optim.SGD, dict(lr=-0.1), "Invalid learning rate: -0.1"),
    (optim.SGD, dict(momentum=-1), "Invalid momentum value"),
    (optim.SGD, dict(weight_decay=-1), "Invalid weight_decay value"),
    (optim.SGD, dict(nesterov=True), "Nesterov momentum requires"),
    (optim.SGD, dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov momentum requires"),
    (optim.Adam, dict(lr=-1), "Invalid learning rate"),
    (optim.Adam, dict(eps=-1), "Invalid epsilon value"),
    (optim.Adam, dict(betas=(1.0, 0.9)), "beta parameter at index 0"),
    (optim.AdamW, dict(betas=(0.9, -0.1)), "beta parameter at index 1"),
    (optim.AdamW, dict(weight_decay=-1e-2), "Invalid weight_decay value"),
    (optim.RMSprop, dict(alpha=-0.5), "Invalid alpha value"),
    (optim.RMSprop, dict(momentum=-0.5), "Invalid momentum value"),
    (optim.Adagrad, dict(lr_decay=-1), "Invalid lr_decay value"),
    (optim.Adagrad, dict(initial_accumulator_value=-1), "initial_accumulator_value"),
    (optim.Adagrad, dict(eps=-1), "Invalid epsilon value"),
])
def test_invalid_hyper_parameters_raise_value_error(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls([ae.ones(2, requires_grad=True)], **kwargs)


def test_invalid_params_arguments():
    p = ae.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        optim.SGD([p, np.ones(2)], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {p}}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    q = ae.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"assign a gradient of size \[2\] to a tensor of "
                                           r"size \[3\]"):
        q.grad = ae.ones(2)
    q.grad = ae.ones(3)
    q.data = np.ones(2, np.float32)  # the data replaced after the gradient was set
    with pytest.raises(RuntimeError, match=r"gradient shape \(3,\) does not match"):
        optim.SGD([q], lr=0.1).step()


def test_defaults_and_repr():
    p = ae.ones(2, requires_grad=True)
    assert optim.SGD([p]).defaults["lr"] == 1e-3
    assert optim.AdamW([p]).defaults["weight_decay"] == 1e-2
    assert optim.RMSprop([p]).defaults == dict(  # PyTorch 2.13's keys and values
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
        capturable=False, foreach=None, maximize=False, differentiable=False)
    text = repr(optim.Adagrad([p], lr=0.5))
    assert text.startswith("Adagrad (") and "lr: 0.5" in text


def test_adagrad_creates_state_at_construction():
    p = ae.ones(2, requires_grad=True)
    opt = optim.Adagrad([p], initial_accumulator_value=0.25)
    np.testing.assert_array_equal(opt.state[p]["sum"].data, 0.25)
    assert opt.state[p]["step"].item() == 0.0


def test_l2_weight_decay_changes_the_update_as_torch():
    w = ae.tensor([1.0, -2.0], requires_grad=True)
    w.grad = ae.tensor([0.5, 0.5])
    optim.SGD([w], lr=0.1, weight_decay=0.2).step()
    np.testing.assert_allclose(w.data, [1.0 - 0.1 * (0.5 + 0.2), -2.0 - 0.1 * (0.5 - 0.4)],
                               rtol=1e-6)
    # AdamW decays the weight itself: first step p*(1 - lr*wd) - lr*g/(|g| + eps)
    v = ae.tensor([1.0, -2.0], requires_grad=True)
    v.grad = ae.tensor([0.5, -0.25])
    optim.AdamW([v], lr=0.1, weight_decay=0.2).step()
    np.testing.assert_allclose(v.data, [0.98 - 0.1, -1.96 + 0.1], rtol=1e-6)


def test_l1_term_from_the_package_docstring():
    w = ae.tensor([[0.5, -1.5], [2.0, -0.25]], requires_grad=True)
    l1 = 0.01
    assert "p.abs().sum() for p in" in optim.__doc__
    loss = (w * w).sum()
    loss = loss + l1 * sum(p.abs().sum() for p in [w])
    loss.backward()
    np.testing.assert_allclose(w.grad.data, 2 * w.data + l1 * np.sign(w.data), rtol=1e-6)


def test_training_a_linear_model_converges():
    ae.manual_seed(0)
    x = ae.randn(64, 3)
    y = x @ ae.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    w, b = ae.zeros(3, 1, requires_grad=True), ae.zeros(1, requires_grad=True)
    opt = optim.Adam([w, b], lr=0.1)
    for _ in range(300):
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-4


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", dict(lr=0.1, foreach=False, fused=True)), ("Adam", dict(foreach=False, fused=True)),
    ("AdamW", dict(foreach=True)), ("RMSprop", dict(foreach=True)),
    ("Adagrad", dict(foreach=True, fused=False))])
def test_foreach_and_fused_are_accepted_and_kept_in_the_defaults(name, kwargs):
    p = ae.nn.Parameter(ae.ones(2))
    opt = getattr(ae.optim, name)([p], **kwargs)
    assert all(opt.defaults[k] == v for k, v in kwargs.items())
    (p * p).sum().backward()
    opt.step()
    assert p.tolist() != [1.0, 1.0]


def test_pytorch_refusals_of_fused_capturable_and_differentiable():
    p = ae.nn.Parameter(ae.ones(1))
    with pytest.raises(RuntimeError, match="`fused` and `foreach` cannot be `True` together"):
        ae.optim.Adam([p], fused=True, foreach=True)
    with pytest.raises(RuntimeError, match="`fused` does not support `differentiable`"):
        ae.optim.SGD([p], lr=0.1, fused=True, differentiable=True)
    p.sum().backward()
    with pytest.raises(AssertionError, match="capturable=True"):
        ae.optim.Adam([p], capturable=True).step()
    with pytest.raises(RuntimeError, match="differentiable=True"):
        ae.optim.RMSprop([p], differentiable=True).step()
