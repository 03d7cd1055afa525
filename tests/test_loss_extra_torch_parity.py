"""The extra losses against PyTorch, live: values, result dtypes and shapes, first
derivatives of every differentiable input and second derivatives (where PyTorch has them)
over random shapes, reductions and options, and exception types of wrong arguments."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn as nn
import autograd_engine.nn.functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = st.sampled_from(["none", "mean", "sum"])
DTYPES = st.sampled_from([np.float64, np.float32])
SHAPES = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


def _functional(m):
    return TF if m is torch else F


def _numpy(t):
    if t is None:
        return None
    return t.detach().numpy(force=True) if torch.is_tensor(t) else t.detach().numpy()


def _second(m, grads, inputs, seed):
    """d/d inputs of sum(grad * w): zeros where the gradient is constant."""
    rng = np.random.default_rng(seed)
    terms = [(g * m.tensor(np.asarray(rng.standard_normal(tuple(g.shape)), _numpy(g).dtype)))
             .sum()
             for g in grads if g is not None and g.requires_grad]
    if not terms:
        return [np.zeros(x.shape) for x in inputs]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    found = m.autograd.grad(total, inputs, allow_unused=True)
    return [np.zeros(x.shape) if d is None else _numpy(d) for x, d in zip(inputs, found)]


def _evaluate(m, call, arrays, differentiable=(0,), second=False):
    """("ok", [value, dtype, first derivatives, second derivatives]) or ("error", type)."""
    try:
        tensors = [m.tensor(np.asarray(a), requires_grad=i in differentiable)
                   if isinstance(a, (np.ndarray, np.generic)) else a
                   for i, a in enumerate(arrays)]
        out = call(_functional(m), *tensors)
        result = [_numpy(out), str(out.dtype).split(".")[-1]]
        inputs = [tensors[i] for i in differentiable]
        if inputs:
            g = np.asarray(np.random.default_rng(1).standard_normal(tuple(out.shape)),
                           result[0].dtype)
            grads = m.autograd.grad(out, inputs, m.tensor(g), create_graph=second,
                                    allow_unused=True)
            result.append([np.zeros(x.shape) if d is None else _numpy(d)
                           for x, d in zip(inputs, grads)])
            if second:
                result.append(_second(m, grads, inputs, 2))
        return "ok", result
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return "error", type(exc)


def _assert_same(call, arrays, differentiable=(0,), second=False, rtol=None):
    expected = _evaluate(torch, call, arrays, differentiable, second)
    got = _evaluate(ae, call, arrays, differentiable, second)
    assert expected[0] == got[0], (expected, got)
    if expected[0] == "error":
        assert got[1] is expected[1]
        return
    (e_value, e_dtype, *e_rest), (a_value, a_dtype, *a_rest) = expected[1], got[1]
    assert a_dtype == e_dtype
    assert a_value.shape == e_value.shape
    single = e_value.dtype == np.float32
    tol = rtol or (2e-4 if single else 1e-8)
    np.testing.assert_allclose(a_value, e_value, rtol=tol, atol=tol)
    for e_group, a_group in zip(e_rest, a_rest):
        for e, a in zip(e_group, a_group):
            np.testing.assert_allclose(a, e, rtol=tol, atol=tol)


def _values(rng, shape, dtype, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape).astype(dtype)


def _signs(rng, shape, choices=(-1.0, 1.0)):
    return rng.choice(np.array(choices), shape)


# -- pointwise losses -----------------------------------------------------------------------
@settings(max_examples=60)
@given(shape=SHAPES, dtype=DTYPES, reduction=REDUCTIONS, margin=st.floats(-1.0, 1.0),
       seed=st.integers(0, 2 ** 16))
def test_margin_ranking_and_hinge_match_torch(shape, dtype, reduction, margin, seed):
    rng = np.random.default_rng(seed)
    x1, x2 = _values(rng, shape, dtype), _values(rng, shape, dtype)
    target = _signs(rng, shape).astype(dtype)
    _assert_same(lambda f, a, b, t: f.margin_ranking_loss(a, b, t, margin=margin,
                                                          reduction=reduction),
                 [x1, x2, target], (0, 1, 2), second=True)
    hinge_target = _signs(rng, shape, (-1.0, 1.0, 0.0))
    _assert_same(lambda f, a, t: f.hinge_embedding_loss(a, t, margin=margin,
                                                        reduction=reduction),
                 [x1, hinge_target], second=True)


@settings(max_examples=60)
@given(shape=SHAPES, dtype=DTYPES, reduction=REDUCTIONS, seed=st.integers(0, 2 ** 16),
       integer_target=st.booleans())
def test_soft_margin_matches_torch(shape, dtype, reduction, seed, integer_target):
    rng = np.random.default_rng(seed)
    target = _signs(rng, shape)
    _assert_same(lambda f, a, t: f.soft_margin_loss(a, t, reduction=reduction),
                 [_values(rng, shape, dtype), target.astype(np.int64 if integer_target
                                                            else dtype)], second=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # full: the gradient at target 0 is
@settings(max_examples=60)                               # NaN (0 * log 0), as PyTorch's
@given(shape=SHAPES, dtype=DTYPES, reduction=REDUCTIONS, seed=st.integers(0, 2 ** 16),
       log_input=st.booleans(), full=st.booleans(), eps=st.sampled_from([1e-8, 0.1]))
def test_poisson_nll_matches_torch(shape, dtype, reduction, seed, log_input, full, eps):
    rng = np.random.default_rng(seed)
    x = _values(rng, shape, dtype) if log_input else _values(rng, shape, dtype, 0.1, 3.0)
    target = rng.integers(0, 5, shape).astype(dtype) + (rng.random(shape) > 0.5) * 0.5
    _assert_same(lambda f, a, t: f.poisson_nll_loss(a, t, log_input=log_input, full=full,
                                                    eps=eps, reduction=reduction),
                 [x, target.astype(dtype)], (0, 1), second=True)


@st.composite
def _gaussian_case(draw):
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    kind = draw(st.sampled_from(["same", "short", "one", "float"]))
    if kind == "same":
        return shape, shape
    if kind == "short":
        return shape, shape[:-1]
    if kind == "one":
        dim = draw(st.integers(0, len(shape) - 1))
        return shape, shape[:dim] + (1,) + shape[dim + 1:]
    return shape, None


@settings(max_examples=60)
@given(case=_gaussian_case(), dtype=DTYPES, reduction=REDUCTIONS, full=st.booleans(),
       eps=st.sampled_from([1e-6, 0.3]), seed=st.integers(0, 2 ** 16))
def test_gaussian_nll_matches_torch(case, dtype, reduction, full, eps, seed):
    shape, var_shape = case
    rng = np.random.default_rng(seed)
    x, target = _values(rng, shape, dtype), _values(rng, shape, dtype)
    if var_shape is None:
        var = float(rng.uniform(0.0, 2.0))
        _assert_same(lambda f, a, t: f.gaussian_nll_loss(a, t, var, full=full, eps=eps,
                                                         reduction=reduction),
                     [x, target], (0, 1), second=True)
        return
    var = _values(rng, var_shape, dtype, 0.0, 1.0)  # some below eps: clamped
    _assert_same(lambda f, a, t, v: f.gaussian_nll_loss(a, t, v, full=full, eps=eps,
                                                        reduction=reduction),
                 [x, target, var], (0, 1, 2), second=True)


# -- embedding and triplet losses -----------------------------------------------------------
@settings(max_examples=60)
@given(n=st.integers(0, 4), d=st.integers(1, 5), dtype=DTYPES, reduction=REDUCTIONS,
       margin=st.floats(-0.5, 0.5), seed=st.integers(0, 2 ** 16))
def test_cosine_embedding_matches_torch(n, d, dtype, reduction, margin, seed):
    rng = np.random.default_rng(seed)
    shape = (n, d) if n else (d,)
    target = _signs(rng, shape[:-1], (-1.0, 1.0, 0.0)).astype(dtype)
    _assert_same(lambda f, a, b, t: f.cosine_embedding_loss(a, b, t, margin=margin,
                                                            reduction=reduction),
                 [_values(rng, shape, dtype), _values(rng, shape, dtype), target], (0, 1),
                 second=True)


@settings(max_examples=60)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), dtype=DTYPES,
       reduction=REDUCTIONS, p=st.sampled_from([1.0, 2.0, 3.0, 1.5]), swap=st.booleans(),
       margin=st.sampled_from([0.5, 1.0, 4.0]), seed=st.integers(0, 2 ** 16))
def test_triplet_margin_matches_torch(shape, dtype, reduction, p, swap, margin, seed):
    rng = np.random.default_rng(seed)
    arrays = [_values(rng, shape, dtype) for _ in range(3)]
    _assert_same(lambda f, a, b, c: f.triplet_margin_loss(a, b, c, margin=margin, p=p,
                                                          swap=swap, reduction=reduction),
                 arrays, (0, 1, 2), second=True, rtol=1e-3 if dtype == np.float32 else None)


def _cosine_distance(m):
    return lambda x, y: 1.0 - _functional(m).cosine_similarity(x, y)


@settings(max_examples=40)
@given(n=st.integers(1, 4), d=st.integers(1, 5), reduction=REDUCTIONS, swap=st.booleans(),
       distance=st.sampled_from(["default", "cosine", "l1"]), seed=st.integers(0, 2 ** 16))
def test_triplet_margin_with_distance_matches_torch(n, d, reduction, swap, distance, seed):
    rng = np.random.default_rng(seed)
    arrays = [_values(rng, (n, d), np.float64) for _ in range(3)]

    def call(f, a, b, c):
        m = torch if f is TF else ae
        fn = {"default": None, "cosine": _cosine_distance(m),
              "l1": lambda x, y: (x - y).abs().sum(-1)}[distance]
        return f.triplet_margin_with_distance_loss(a, b, c, distance_function=fn,
                                                   margin=0.7, swap=swap, reduction=reduction)

    _assert_same(call, arrays, (0, 1, 2), second=True)


# -- class-index margin losses --------------------------------------------------------------
@settings(max_examples=60)
@given(n=st.integers(0, 4), c=st.integers(1, 5), dtype=DTYPES, reduction=REDUCTIONS,
       p=st.sampled_from([1, 2]), margin=st.floats(0.0, 2.0), weighted=st.booleans(),
       seed=st.integers(0, 2 ** 16))
def test_multi_margin_matches_torch(n, c, dtype, reduction, p, margin, weighted, seed):
    rng = np.random.default_rng(seed)
    shape = (n, c) if n else (c,)
    target = rng.integers(0, c, shape[:-1] or (1,))
    weight = _values(rng, (c,), dtype, 0.1, 2.0) if weighted else None

    def call(f, x, t):
        w = None if weight is None else (torch.tensor(weight) if f is TF else ae.tensor(weight))
        return f.multi_margin_loss(x, t, p=p, margin=margin, weight=w, reduction=reduction)

    _assert_same(call, [_values(rng, shape, dtype), target])


@st.composite
def _multilabel_targets(draw, n, c):
    """Rows of classes (repeats allowed) ended by -1 at a random place, then junk."""
    rows = []
    for _ in range(max(n, 1)):
        length = draw(st.integers(0, c))
        row = [draw(st.integers(0, c - 1)) for _ in range(length)]
        if length < c:
            row += [-1] + [draw(st.integers(-1, c - 1)) for _ in range(c - length - 1)]
        rows.append(row)
    target = np.array(rows, np.int64)
    return target if n else target[0]


@settings(max_examples=60)
@given(data=st.data(), n=st.integers(0, 4), c=st.integers(1, 5), dtype=DTYPES,
       reduction=REDUCTIONS, seed=st.integers(0, 2 ** 16))
def test_multilabel_margin_matches_torch(data, n, c, dtype, reduction, seed):
    target = data.draw(_multilabel_targets(n, c))
    x = _values(np.random.default_rng(seed), target.shape, dtype)
    _assert_same(lambda f, a, t: f.multilabel_margin_loss(a, t, reduction=reduction),
                 [x, target])


@settings(max_examples=60)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), dtype=DTYPES,
       reduction=REDUCTIONS, weighted=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_multilabel_soft_margin_matches_torch(shape, dtype, reduction, weighted, seed):
    rng = np.random.default_rng(seed)
    arrays = [_values(rng, shape, dtype), rng.random(shape).astype(dtype)]
    if weighted:
        arrays.append(_values(rng, shape[-1:], dtype, 0.1, 2.0))
        call = (lambda f, x, t, w: f.multilabel_soft_margin_loss(x, t, weight=w,
                                                                 reduction=reduction))
    else:
        call = lambda f, x, t: f.multilabel_soft_margin_loss(x, t, reduction=reduction)  # noqa
    _assert_same(call, arrays, tuple(range(len(arrays))), second=True)


# -- CTC ------------------------------------------------------------------------------------
@st.composite
def _ctc_case(draw):
    steps, n, classes = draw(st.integers(1, 7)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    blank = draw(st.integers(0, classes - 1))
    labels = [c for c in range(classes) if c != blank]
    target_lengths = [draw(st.integers(0, 4)) for _ in range(n)]
    input_lengths = [draw(st.integers(0, steps)) for _ in range(n)]
    width = max(target_lengths) + draw(st.integers(0, 2))
    padded = np.full((n, width), blank, np.int64)
    for i, length in enumerate(target_lengths):
        padded[i, :length] = [draw(st.sampled_from(labels)) for _ in range(length)]
    return steps, n, classes, blank, padded, input_lengths, target_lengths


@settings(max_examples=80)
@given(case=_ctc_case(), dtype=DTYPES, reduction=REDUCTIONS, zero_infinity=st.booleans(),
       form=st.sampled_from(["padded", "concatenated", "tuples", "unbatched"]),
       normalised=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_ctc_loss_matches_torch(case, dtype, reduction, zero_infinity, form, normalised,
                                seed):
    steps, n, classes, blank, padded, input_lengths, target_lengths = case
    x = np.random.default_rng(seed).standard_normal((steps, n, classes))
    if normalised:
        x = x - np.log(np.exp(x).sum(-1, keepdims=True))
    x = x.astype(dtype)
    targets = padded
    if form == "concatenated":
        targets = np.concatenate([row[:k] for row, k in zip(padded, target_lengths)])
    if form == "unbatched":
        x, targets = x[:, 0], padded[0]
        input_lengths, target_lengths = input_lengths[:1], target_lengths[:1]
    as_tensors = form != "tuples"

    def call(f, lp, t):
        m = torch if f is TF else ae
        il, tl = tuple(input_lengths), tuple(target_lengths)
        if as_tensors:
            il, tl = m.tensor(np.array(il)), m.tensor(np.array(tl))
            if form == "unbatched":
                il, tl = il[0], tl[0]
        return f.ctc_loss(lp, t, il, tl, blank=blank, reduction=reduction,
                          zero_infinity=zero_infinity)

    _assert_same(call, [x, targets], rtol=1e-3 if dtype == np.float32 else 1e-7)


def test_ctc_second_derivative_is_refused_as_in_torch():
    x = np.random.default_rng(0).standard_normal((5, 2, 4))
    results = []
    for m in (torch, ae):
        lp = _functional(m).log_softmax(m.tensor(x, requires_grad=True), 2)
        loss = _functional(m).ctc_loss(lp, m.tensor(np.array([[1, 2], [3, 3]])),
                                       (5, 5), (2, 2))
        (g,) = m.autograd.grad(loss, lp, create_graph=True)
        with pytest.raises(RuntimeError) as info:
            m.autograd.grad(g.sum(), lp)
        results.append(info.type)
    assert results[0] is results[1]


# -- modules ---------------------------------------------------------------------------------
MODULES = [
    ("PoissonNLLLoss", dict(log_input=False, full=True, eps=0.01), 2),
    ("GaussianNLLLoss", dict(full=True, eps=0.1), 3),
    ("HingeEmbeddingLoss", dict(margin=0.5), 2),
    ("SoftMarginLoss", dict(reduction="sum"), 2),
    ("MultiLabelSoftMarginLoss", dict(reduction="none"), 2),
    ("CosineEmbeddingLoss", dict(margin=0.2), 3),
    ("MarginRankingLoss", dict(margin=0.3), 3),
    ("TripletMarginLoss", dict(margin=0.4, p=1.0, swap=True), 3),
    ("TripletMarginWithDistanceLoss", dict(margin=0.4, swap=True), 3),
]


@pytest.mark.parametrize("name, options, arity", MODULES, ids=[m[0] for m in MODULES])
def test_loss_modules_match_torch(name, options, arity):
    rng = np.random.default_rng(3)
    arrays = [rng.uniform(0.1, 2.0, (3, 4)) for _ in range(arity)]
    if name == "CosineEmbeddingLoss":
        arrays[2] = np.array([1.0, -1.0, 1.0])
    if name in ("HingeEmbeddingLoss", "SoftMarginLoss", "MarginRankingLoss"):
        arrays[-1] = _signs(rng, (3, 4))
    t_module, a_module = getattr(torch.nn, name)(**options), getattr(nn, name)(**options)
    assert repr(a_module) == repr(t_module)
    t_out = t_module(*(torch.tensor(a) for a in arrays))
    a_out = a_module(*(ae.tensor(a) for a in arrays))
    np.testing.assert_allclose(a_out.data, t_out.numpy(), rtol=1e-10)


def test_weighted_and_ctc_modules_match_torch():
    rng = np.random.default_rng(4)
    x, weight = rng.standard_normal((3, 4)), rng.uniform(0.5, 2.0, 4)
    target = np.array([0, 3, 1])
    for name, args in (("MultiMarginLoss", dict(p=2, margin=0.5)),
                       ("MultiLabelSoftMarginLoss", {})):
        t_module = getattr(torch.nn, name)(weight=torch.tensor(weight), **args)
        a_module = getattr(nn, name)(weight=ae.tensor(weight), **args)
        assert list(a_module.state_dict()) == list(t_module.state_dict()) == ["weight"]
        t_target = torch.tensor(target if name == "MultiMarginLoss" else np.eye(4)[:3])
        a_target = ae.tensor(target if name == "MultiMarginLoss" else np.eye(4)[:3])
        np.testing.assert_allclose(a_module(ae.tensor(x), a_target).item(),
                                   t_module(torch.tensor(x), t_target).item(), rtol=1e-12)
    lp = rng.standard_normal((6, 2, 5))
    targets, lengths = np.array([[1, 2, 2], [3, 4, 0]]), ((6, 5), (3, 2))
    t_loss = torch.nn.CTCLoss(blank=0, reduction="sum")(torch.tensor(lp),
                                                        torch.tensor(targets), *lengths)
    a_loss = nn.CTCLoss(blank=0, reduction="sum")(ae.tensor(lp), ae.tensor(targets), *lengths)
    assert a_loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    with pytest.warns(FutureWarning) as t_warning:
        t_nll = torch.nn.NLLLoss2d(reduction="none")(torch.tensor(x), torch.tensor(target))
    with pytest.warns(FutureWarning) as a_warning:
        a_nll = nn.NLLLoss2d(reduction="none")(ae.tensor(x), ae.tensor(target))
    assert str(a_warning[0].message) == str(t_warning[0].message)
    np.testing.assert_array_equal(a_nll.data, t_nll.numpy())


# -- exception types ------------------------------------------------------------------------
def _a(*shape, dtype=np.float32):
    values = np.arange(math.prod(shape)).reshape(shape)
    return (values / 7.0).astype(dtype) if np.dtype(dtype).kind == "f" else values.astype(dtype)


_LP = np.log(np.full((4, 2, 3), 1 / 3))
ERROR_CASES = [
    ("bad reduction", lambda f, x: f.soft_margin_loss(x, x, reduction="avg"), [_a(2)]),
    ("bad reduction gauss", lambda f, x: f.gaussian_nll_loss(x, x, x, reduction="x"),
     [_a(2)]),
    ("bad reduction mlsm", lambda f, x: f.multilabel_soft_margin_loss(x, x, reduction="x"),
     [_a(2)]),
    ("ranking ndim", lambda f, x, y: f.margin_ranking_loss(x, y, x), [_a(2), _a(1, 2)]),
    ("ranking broadcast", lambda f, x, y: f.margin_ranking_loss(x, y, x), [_a(2), _a(3)]),
    ("ranking bool target", lambda f, x, t: f.margin_ranking_loss(x, x, t),
     [_a(2), np.array([True, False])]),
    ("hinge broadcast", lambda f, x, t: f.hinge_embedding_loss(x, t), [_a(2, 3), _a(2)]),
    ("soft margin broadcast to input", lambda f, x, t: f.soft_margin_loss(x, t),
     [_a(1, 2), _a(2, 1)]),
    ("soft margin integer input", lambda f, x: f.soft_margin_loss(x, x),
     [_a(2, dtype=np.int64)]),
    ("mlsm 0-d", lambda f, x: f.multilabel_soft_margin_loss(x, x), [_a()]),
    ("mlsm bool target", lambda f, x, t: f.multilabel_soft_margin_loss(x, t),
     [_a(2), np.array([True, False])]),
    ("mlsm integer input", lambda f, x: f.multilabel_soft_margin_loss(x, x),
     [_a(2, dtype=np.int64)]),
    ("cosine 2-D target", lambda f, x, t: f.cosine_embedding_loss(x, x, t),
     [_a(2, 3), _a(2, 1)]),
    ("cosine 1-D target, 1-D inputs", lambda f, x, t: f.cosine_embedding_loss(x, x, t),
     [_a(3), _a(3)]),
    ("cosine 0-D target, 2-D inputs", lambda f, x, t: f.cosine_embedding_loss(x, x, t),
     [_a(2, 3), _a()]),
    ("cosine target size", lambda f, x, t: f.cosine_embedding_loss(x, x, t),
     [_a(3, 2), _a(2)]),
    ("gauss negative var", lambda f, x, v: f.gaussian_nll_loss(x, x, v), [_a(2), -_a(2) - 1]),
    ("gauss negative float var", lambda f, x: f.gaussian_nll_loss(x, x, -1.0), [_a(2)]),
    ("gauss int var", lambda f, x: f.gaussian_nll_loss(x, x, 1), [_a(2)]),
    ("gauss var size", lambda f, x, v: f.gaussian_nll_loss(x, x, v), [_a(2, 3), _a(2, 2)]),
    ("gauss var two dims", lambda f, x, v: f.gaussian_nll_loss(x, x, v),
     [_a(2, 3), _a(1, 1)]),
    ("gauss integer var", lambda f, x, v: f.gaussian_nll_loss(x, x, v),
     [_a(2), np.ones(2, np.int64)]),
    ("poisson broadcast", lambda f, x, t: f.poisson_nll_loss(x, t), [_a(2), _a(3)]),
    ("triplet margin", lambda f, x: f.triplet_margin_loss(x, x, x, margin=0.0), [_a(2, 3)]),
    ("triplet ndim", lambda f, x, y: f.triplet_margin_loss(x, x, y), [_a(2, 3), _a(3)]),
    ("triplet distance margin",
     lambda f, x: f.triplet_margin_with_distance_loss(x, x, x, margin=-1.0), [_a(2, 3)]),
    ("triplet distance ndim",
     lambda f, x, y: f.triplet_margin_with_distance_loss(x, x, y), [_a(2, 3), _a(3)]),
    ("multi margin p", lambda f, x, t: f.multi_margin_loss(x, t, p=3), [_a(2, 3), _a(2)]),
    ("multi margin 3-D", lambda f, x, t: f.multi_margin_loss(x, t),
     [_a(2, 3, 4), np.zeros(2, np.int64)]),
    ("multi margin empty", lambda f, x, t: f.multi_margin_loss(x, t),
     [_a(2, 0), np.zeros(2, np.int64)]),
    ("multi margin target size", lambda f, x, t: f.multi_margin_loss(x, t),
     [_a(2, 3), np.zeros(3, np.int64)]),
    ("multi margin target dtype", lambda f, x, t: f.multi_margin_loss(x, t),
     [_a(2, 3), np.zeros(2, np.int32)]),
    ("multi margin target range", lambda f, x, t: f.multi_margin_loss(x, t),
     [_a(2, 3), np.array([0, 3])]),
    ("multi margin weight 2-D", lambda f, x, t, w: f.multi_margin_loss(x, t, weight=w),
     [_a(2, 3), np.zeros(2, np.int64), _a(1, 3)]),
    ("multi margin weight size", lambda f, x, t, w: f.multi_margin_loss(x, t, weight=w),
     [_a(2, 3), np.zeros(2, np.int64), _a(2)]),
    ("multi margin weight dtype", lambda f, x, t, w: f.multi_margin_loss(x, t, weight=w),
     [_a(2, 3), np.zeros(2, np.int64), _a(3, dtype=np.float64)]),
    ("multi margin integer input", lambda f, x, t: f.multi_margin_loss(x, t),
     [_a(2, 3, dtype=np.int64), np.zeros(2, np.int64)]),
    ("multilabel target size", lambda f, x, t: f.multilabel_margin_loss(x, t),
     [_a(2, 3), np.zeros((2, 2), np.int64)]),
    ("multilabel target dtype", lambda f, x, t: f.multilabel_margin_loss(x, t),
     [_a(2, 3), np.zeros((2, 3), np.int32)]),
    ("multilabel target range", lambda f, x, t: f.multilabel_margin_loss(x, t),
     [_a(2, 3), np.array([[0, -1, 5], [0, 1, 2]])]),
    ("multilabel below -1", lambda f, x, t: f.multilabel_margin_loss(x, t),
     [_a(3), np.array([0, -2, 1])]),
    ("multilabel integer input", lambda f, x, t: f.multilabel_margin_loss(x, t),
     [_a(3, dtype=np.int64), np.array([0, -1, 1])]),
    ("ctc reduction", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, 2), reduction="x"),
     [_LP, np.ones((2, 2), np.int64)]),
    ("ctc mixed lengths", lambda f, x, t, tl: f.ctc_loss(x, t, (4, 4), tl),
     [_LP, np.ones((2, 2), np.int64), np.array([2, 2])]),
    ("ctc float lengths", lambda f, x, t, il: f.ctc_loss(x, t, il, il.long()),
     [_LP, np.ones((2, 2), np.int64), np.array([4.0, 4.0])]),
    ("ctc integer log_probs", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, 2)),
     [np.zeros((4, 2, 3), np.int64), np.ones((2, 2), np.int64)]),
    ("ctc empty", lambda f, x, t: f.ctc_loss(x, t, (0, 0), (0, 0)),
     [np.zeros((0, 2, 3)), np.ones((2, 2), np.int64)]),
    ("ctc 4-D", lambda f, x, t: f.ctc_loss(x, t, (4,), (2,)),
     [_LP[None, None], np.ones((1, 2), np.int64)]),
    ("ctc 3-D targets", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (1, 1)),
     [_LP, np.ones((2, 1, 1), np.int64)]),
    ("ctc blank", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, 2), blank=3),
     [_LP, np.ones((2, 2), np.int64)]),
    ("ctc lengths size", lambda f, x, t: f.ctc_loss(x, t, (4,), (2, 2)),
     [_LP, np.ones((2, 2), np.int64)]),
    ("ctc negative target length", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, -1)),
     [_LP, np.ones((2, 2), np.int64)]),
    ("ctc padded too short", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, 3)),
     [_LP, np.ones((2, 2), np.int64)]),
    ("ctc padded batch", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, 2)),
     [_LP, np.ones((3, 2), np.int64)]),
    ("ctc concatenated size", lambda f, x, t: f.ctc_loss(x, t, (4, 4), (2, 2)),
     [_LP, np.ones(5, np.int64)]),
    ("ctc input too long", lambda f, x, t: f.ctc_loss(x, t, (5, 4), (2, 2)),
     [_LP, np.ones((2, 2), np.int64)]),
    ("ctc negative input length", lambda f, x, t: f.ctc_loss(x, t, (-1, 4), (2, 2)),
     [_LP, np.ones((2, 2), np.int64)]),
]


@pytest.mark.parametrize("call, arrays", [c[1:] for c in ERROR_CASES],
                         ids=[c[0] for c in ERROR_CASES])
def test_errors_have_torch_types(call, arrays):
    expected = _evaluate(torch, call, arrays, differentiable=())
    got = _evaluate(ae, call, arrays, differentiable=())
    assert expected[0] == "error", expected
    assert got == expected
