"""The breadth ops against torch live, over random shapes and values (hypothesis): values,
result dtypes, gradients (first order, and second where PyTorch has it) and exception
types."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")

SETTINGS = settings(max_examples=40, deadline=None)


def _ours(values, requires_grad=False):
    return ae.tensor(values, requires_grad=requires_grad)


def _theirs(values, requires_grad=False):
    return torch.tensor(values, requires_grad=requires_grad)


def _check(out, expected, rtol=1e-12, atol=1e-13):
    expected = expected.detach()
    if expected._is_zerotensor():
        expected = torch.zeros(expected.shape, dtype=expected.dtype)
    assert out.dtype == np.dtype(str(expected.dtype).replace("torch.", "")), (out.dtype,
                                                                              expected.dtype)
    assert tuple(out.shape) == tuple(expected.shape)
    if out.dtype.kind == "f":
        rtol = max(rtol, 3e-6) if out.dtype == np.float32 else rtol
        np.testing.assert_allclose(out.detach().numpy(), expected.numpy(), rtol=rtol,
                                   atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(out.numpy(), expected.numpy())


def _grads_match(fn, tfn, arrays, second=True, rtol=1e-10, atol=1e-12):
    """fn(*ours) and tfn(*theirs): values, first and (optionally) second derivatives of
    sum(y * w)."""
    xs = [_ours(a, True) for a in arrays]
    ts = [_theirs(a, True) for a in arrays]
    y, ty = fn(*xs), tfn(*ts)
    _check(y, ty, rtol, atol)
    if not ty.requires_grad:
        assert not y.requires_grad
        return
    w = np.linspace(0.5, 2.0, max(y.numel(), 1))[: y.numel()].reshape(y.shape)
    g = ae.autograd.grad((y * ae.tensor(w)).sum(), xs, create_graph=second, allow_unused=True)
    tg = torch.autograd.grad((ty * torch.tensor(w)).sum(), ts, create_graph=second,
                             allow_unused=True)
    for a, b in zip(g, tg):
        if b is None or a is None:  # unused: None on one side, zeros on the other
            assert a is None or not a.detach().numpy().any()
            assert b is None or not b.detach().abs().max() > 0
        else:
            _check(a, b, rtol, atol)
    if not second:
        return
    pairs = [(a, b) for a, b in zip(g, tg) if b is not None and b.requires_grad]
    if not pairs:
        return
    total = sum((a * ae.tensor(np.cos(np.arange(a.numel())).reshape(a.shape))).sum()
                for a, _ in pairs)
    ttotal = sum((b * torch.tensor(np.cos(np.arange(b.numel())).reshape(b.shape))).sum()
                 for _, b in pairs)
    g2 = ae.autograd.grad(total, xs, allow_unused=True) if total.requires_grad else [None] * len(xs)
    tg2 = torch.autograd.grad(ttotal, ts, allow_unused=True)
    for a, b in zip(g2, tg2):
        if b is None or a is None:
            assert a is None or not a.numpy().any()
            assert b is None or not b.abs().max() > atol
        else:
            _check(a, b, rtol * 100, atol * 100)


shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)


def _array(draw, shape, low=-3.0, high=3.0):
    """Floats in [low, high]; magnitudes below 1e-3 become 0: there some of PyTorch's
    second derivatives are rounding noise (sinc's, copysign's) and frexp's gradient is inf
    or 0 (it scales by 2^-exponent in float32)."""
    values = np.asarray(draw(st.lists(st.floats(low, high, allow_nan=False, width=64),
                                      min_size=int(np.prod(shape)),
                                      max_size=int(np.prod(shape))))).reshape(shape)
    return np.where(np.abs(values) < 1e-3, 0.0, values)


# -- special functions ---------------------------------------------------------------------
UNARY = {
    "lgamma": (ae.lgamma, torch.lgamma, (-4.5, 6.0)),
    "digamma": (ae.digamma, torch.digamma, (-4.5, 6.0)),
    "trigamma": (lambda x: ae.polygamma(1, x), lambda x: torch.polygamma(1, x), (-4.5, 6.0)),
    "polygamma3": (lambda x: ae.polygamma(3, x), lambda x: torch.polygamma(3, x), (0.1, 6.0)),
    "i0": (ae.i0, torch.i0, (-12.0, 12.0)),
    "i1": (ae.special.i1, torch.special.i1, (-12.0, 12.0)),
    "sinc": (ae.sinc, torch.sinc, (-3.0, 3.0)),
    "entr": (ae.special.entr, torch.special.entr, (0.05, 3.0)),
    "ndtr": (ae.special.ndtr, torch.special.ndtr, (-5.0, 5.0)),
    "log_ndtr": (ae.special.log_ndtr, torch.special.log_ndtr, (-20.0, 5.0)),
    "ndtri": (ae.special.ndtri, torch.special.ndtri, (0.01, 0.99)),
    "mvlgamma": (lambda x: ae.mvlgamma(x, 3), lambda x: torch.mvlgamma(x, 3), (1.2, 6.0)),
    "deg2rad": (ae.deg2rad, torch.deg2rad, (-400.0, 400.0)),
    "rad2deg": (ae.rad2deg, torch.rad2deg, (-7.0, 7.0)),
    "frexp": (lambda x: ae.frexp(x).mantissa, lambda x: torch.frexp(x).mantissa, (-9.0, 9.0)),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(data=st.data())
def test_unary_special_functions(name, data):
    fn, tfn, (low, high) = UNARY[name]
    shape = data.draw(shapes)
    x = _array(data.draw, shape, low, high)
    if name in ("lgamma", "digamma", "trigamma"):
        x = np.where(np.abs(x - np.round(x)) < 1e-3, x + 0.25, x)  # away from the poles
    _grads_match(fn, tfn, [x], rtol=1e-9)
    x32 = x.astype(np.float32)
    _check(fn(ae.tensor(x32)), tfn(torch.tensor(x32)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["lgamma", "digamma", "i0", "sinc", "entr", "ndtr"])
def test_unary_integer_inputs_give_float32(name):
    fn, tfn, _ = UNARY[name]
    _check(fn(ae.tensor([1, 2, 3])), tfn(torch.tensor([1, 2, 3])), rtol=1e-6)


@SETTINGS
@given(n=st.integers(0, 8), x=st.lists(st.floats(0.05, 30.0), min_size=1, max_size=6))
def test_polygamma_orders(n, x):
    _grads_match(lambda t: ae.polygamma(n, t), lambda t: torch.polygamma(n, t), [np.array(x)],
                 second=False, rtol=1e-9)


# -- binary float ops ----------------------------------------------------------------------
BINARY = {
    "fmod": (ae.fmod, torch.fmod),
    "fmax": (ae.fmax, torch.fmax),
    "fmin": (ae.fmin, torch.fmin),
    "copysign": (ae.copysign, torch.copysign),
    "nextafter": (ae.nextafter, torch.nextafter),
    "logaddexp2": (ae.logaddexp2, torch.logaddexp2),
    "float_power": (ae.float_power, torch.float_power),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data())
def test_binary_ops_broadcast(name, data):
    fn, tfn = BINARY[name]
    shape = data.draw(shapes)
    other = shape[data.draw(st.integers(0, len(shape))):]
    a, b = _array(data.draw, shape), _array(data.draw, other)
    if name == "fmod":
        b = np.where(np.abs(b) < 0.3, 0.7, b)
        a = np.where(np.abs(a / b - np.round(a / b)) < 1e-3, a + 0.1, a)
    if name in ("fmax", "fmin"):
        a = np.where(a > 2.5, np.nan, a)
    if name == "float_power":
        a = np.abs(a) + 0.5
    _grads_match(fn, tfn, [a, b], second=name != "float_power", rtol=1e-10)


@pytest.mark.parametrize("name", ["fmod", "fmax", "copysign", "float_power", "gcd", "lcm",
                                  "heaviside", "ldexp"])
@pytest.mark.parametrize("dtypes", [("int64", "int64"), ("float32", "int64"),
                                    ("int64", "float64"), ("float32", "float32")])
def test_binary_dtypes_and_errors(name, dtypes):
    a = np.array([6, -4, 9]).astype(dtypes[0])
    b = np.array([4, 6, -3]).astype(dtypes[1])
    fn = getattr(ae, name)
    tfn = getattr(torch, name)
    try:
        expected = tfn(torch.tensor(a), torch.tensor(b))
    except Exception as exc:  # noqa: BLE001 - the type is what we compare
        with pytest.raises(type(exc)):
            fn(ae.tensor(a), ae.tensor(b))
        return
    _check(fn(ae.tensor(a), ae.tensor(b)), expected, rtol=1e-6)


# -- diagonals and scatters ----------------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_diagonal_and_diagonal_scatter(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple))
    ndim = len(shape)
    dim1 = data.draw(st.integers(-ndim, ndim - 1))
    dim2 = data.draw(st.integers(-ndim, ndim - 1).filter(lambda d: d % ndim != dim1 % ndim))
    offset = data.draw(st.integers(-4, 4))
    x = _array(data.draw, shape)
    _grads_match(lambda t: ae.diagonal(t, offset, dim1, dim2) ** 2,
                 lambda t: torch.diagonal(t, offset, dim1, dim2) ** 2, [x])
    src_shape = tuple(torch.diagonal(torch.tensor(x), offset, dim1, dim2).shape)
    src = _array(data.draw, src_shape)
    _grads_match(lambda t, s: ae.diagonal_scatter(t * t, s * s, offset, dim1, dim2),
                 lambda t, s: torch.diagonal_scatter(t * t, s * s, offset, dim1, dim2),
                 [x, src])
    embed = _array(data.draw, shape[:-1] + (shape[-1],))
    d1 = data.draw(st.integers(-ndim - 1, ndim))
    d2 = data.draw(st.integers(-ndim - 1, ndim).filter(lambda d: d % (ndim + 1)
                                                        != d1 % (ndim + 1)))
    _grads_match(lambda t: ae.diag_embed(t * t, offset, d1, d2),
                 lambda t: torch.diag_embed(t * t, offset, d1, d2), [embed])


@SETTINGS
@given(data=st.data())
def test_select_and_slice_scatter(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    index = data.draw(st.integers(-shape[dim], shape[dim] - 1))
    x = _array(data.draw, shape)
    _grads_match(lambda t: ae.select(t, dim, index) ** 2,
                 lambda t: torch.select(t, dim, index) ** 2, [x])
    src = _array(data.draw, tuple(torch.select(torch.tensor(x), dim, index).shape))
    _grads_match(lambda t, s: ae.select_scatter(t * t, s * s, dim, index),
                 lambda t, s: torch.select_scatter(t * t, s * s, dim, index), [x, src])
    start = data.draw(st.none() | st.integers(-5, 5))
    end = data.draw(st.none() | st.integers(-5, 5))
    step = data.draw(st.integers(1, 3))
    sliced = torch.tensor(x).narrow(dim % len(shape), 0, shape[dim])[
        (slice(None),) * (dim % len(shape)) + (slice(start, end, step),)]
    src = _array(data.draw, tuple(sliced.shape))
    _grads_match(lambda t, s: ae.slice_scatter(t * t, s * s, dim, start, end, step),
                 lambda t, s: torch.slice_scatter(t * t, s * s, dim, start, end, step),
                 [x, src])


@SETTINGS
@given(data=st.data())
def test_rearranging_ops(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple))
    x = _array(data.draw, shape)
    ndim = len(shape)
    k = data.draw(st.integers(-5, 5))
    d0 = data.draw(st.integers(-ndim, ndim - 1))
    d1 = data.draw(st.integers(-ndim, ndim - 1).filter(lambda d: d % ndim != d0 % ndim))
    _grads_match(lambda t: ae.rot90(t, k, [d0, d1]) ** 2,
                 lambda t: torch.rot90(t, k, [d0, d1]) ** 2, [x])
    _grads_match(lambda t: ae.fliplr(t) * t, lambda t: torch.fliplr(t) * t, [x])
    _grads_match(lambda t: ae.flipud(t) * t, lambda t: torch.flipud(t) * t, [x])
    _grads_match(lambda t: ae.msort(t) ** 2, lambda t: torch.msort(t) ** 2, [x])
    dim = data.draw(st.integers(-ndim, ndim - 1))
    n = shape[dim]
    sizes = data.draw(st.sampled_from([(n,), (1, n), (n, 1), (-1, 1), (1, -1)]))
    _grads_match(lambda t: ae.unflatten(t, dim, sizes) ** 2,
                 lambda t: torch.unflatten(t, dim, sizes) ** 2, [x])
    for fn in ("atleast_1d", "atleast_2d", "atleast_3d"):
        for value in (x, x[0], x.reshape(-1)[0]):
            assert getattr(ae, fn)(ae.tensor(value)).shape == tuple(
                getattr(torch, fn)(torch.tensor(value)).shape)


@SETTINGS
@given(n=st.integers(0, 5), r=st.integers(0, 4), replace=st.booleans(),
       m=st.integers(1, 3))
def test_combinations_and_cartesian_prod(n, r, replace, m):
    x = np.linspace(-1.0, 2.0, n)
    _grads_match(lambda t: ae.combinations(t, r, replace) ** 2,
                 lambda t: torch.combinations(t, r, replace) ** 2, [x])
    if n:
        y = np.linspace(0.5, 1.5, m)
        _grads_match(lambda a, b: ae.cartesian_prod(a, b * b),
                     lambda a, b: torch.cartesian_prod(a, b * b), [x, y])


@SETTINGS
@given(row=st.integers(0, 6), col=st.integers(0, 6), offset=st.integers(-7, 7))
def test_triangle_indices(row, col, offset):
    _check(ae.tril_indices(row, col, offset), torch.tril_indices(row, col, offset))
    _check(ae.triu_indices(row, col, offset), torch.triu_indices(row, col, offset))


@SETTINGS
@given(start=st.floats(-3, 3), end=st.floats(-3, 3), steps=st.integers(0, 12),
       base=st.sampled_from([10.0, 2.0, 0.5, math.e]),
       dtype=st.sampled_from(["float32", "float64"]))
def test_logspace(start, end, steps, base, dtype):
    _check(ae.logspace(start, end, steps, base, dtype=getattr(ae, dtype)),
           torch.logspace(start, end, steps, base, dtype=getattr(torch, dtype)), rtol=1e-13)


@SETTINGS
@given(data=st.data())
def test_vander_values_and_block_diag(data):
    n = data.draw(st.integers(1, 5))
    x = _array(data.draw, (n,))
    cols = data.draw(st.none() | st.integers(0, 6))
    increasing = data.draw(st.booleans())
    _check(ae.vander(ae.tensor(x), cols, increasing), torch.vander(torch.tensor(x), cols,
                                                                   increasing))
    ints = np.round(x).astype(np.int64)
    _check(ae.vander(ae.tensor(ints), cols), torch.vander(torch.tensor(ints), cols))
    blocks = [_array(data.draw, s) for s in data.draw(st.lists(
        st.lists(st.integers(1, 3), max_size=2).map(tuple), min_size=1, max_size=3))]
    _grads_match(lambda *ts: ae.block_diag(*ts) ** 2, lambda *ts: torch.block_diag(*ts) ** 2,
                 blocks)


# -- distances, statistics, integration ------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_cdist(data):
    batch = data.draw(st.lists(st.integers(1, 2), max_size=2).map(tuple))
    p_rows, r_rows = data.draw(st.integers(1, 30)), data.draw(st.integers(1, 5))
    m = data.draw(st.integers(1, 3))
    p = data.draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, math.inf]))
    mode = data.draw(st.sampled_from(["use_mm_for_euclid_dist_if_necessary",
                                      "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]))
    a = _array(data.draw, batch + (p_rows, m))
    b = _array(data.draw, batch[len(batch) // 2:] + (r_rows, m))
    second = p == 2 and (mode == "use_mm_for_euclid_dist" or (
        mode != "donot_use_mm_for_euclid_dist" and p_rows > 25))
    gaps = np.abs(a[..., :, None, :] - b[..., None, :, :]).sum(-1)
    if second and gaps.min() < 1e-3:
        # the matmul form's rounding noise decides between 0 and ~1e-8 there, in either
        return
    _grads_match(lambda x, y: ae.cdist(x, y, p, mode), lambda x, y: torch.cdist(x, y, p, mode),
                 [a, b], second=second, rtol=1e-8, atol=1e-10)


@SETTINGS
@given(data=st.data())
def test_dist_and_renorm(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple))
    a, b = _array(data.draw, shape), _array(data.draw, shape[1:])
    p = data.draw(st.sampled_from([1.0, 2.0, 3.5, math.inf, -1.5]))
    _grads_match(lambda x, y: ae.dist(x, y, p), lambda x, y: torch.dist(x, y, p), [a, b],
                 second=bool(p != math.inf and np.all(a - b != 0)), rtol=1e-9)
    x = ae.tensor(a, requires_grad=True)
    count = ae.dist(x, ae.tensor(b), 0)  # p = 0 counts; PyTorch's gradient is a zero tensor
    _check(count, torch.dist(torch.tensor(a), torch.tensor(b), 0))
    count.backward()
    assert not x.grad.numpy().any()
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    maxnorm = data.draw(st.floats(0.0, 4.0))
    q = data.draw(st.sampled_from([1.0, 2.0, 3.0, math.inf]))
    slice_norms = np.abs(np.moveaxis(a, dim, 0)).reshape(a.shape[dim], -1).sum(1)
    # (PyTorch's second derivative is NaN for a slice of norm 0)
    _grads_match(lambda x: ae.renorm(x, q, dim, maxnorm), lambda x: torch.renorm(x, q, dim,
                                                                                  maxnorm),
                 [a], second=bool(q != math.inf and slice_norms.all()), rtol=1e-9)


@SETTINGS
@given(data=st.data())
def test_cov_and_corrcoef(data):
    variables, observations = data.draw(st.integers(1, 3)), data.draw(st.integers(2, 6))
    x = _array(data.draw, (variables, observations))
    correction = data.draw(st.integers(0, 1))
    fw = data.draw(st.none() | st.lists(st.integers(1, 3), min_size=observations,
                                        max_size=observations))
    aw = data.draw(st.none() | st.lists(st.floats(0.1, 2.0), min_size=observations,
                                        max_size=observations))
    ours_f = None if fw is None else ae.tensor(fw)
    theirs_f = None if fw is None else torch.tensor(fw)
    arrays = [x] + ([] if aw is None else [np.array(aw)])

    def fn(t, *w):
        return ae.cov(t, correction=correction, fweights=ours_f, aweights=w[0] if w else None)

    def tfn(t, *w):
        return torch.cov(t, correction=correction, fweights=theirs_f,
                         aweights=w[0] if w else None)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _grads_match(fn, tfn, arrays, rtol=1e-9)
        _grads_match(ae.corrcoef, torch.corrcoef, [x], rtol=1e-8, atol=1e-10)


@SETTINGS
@given(data=st.data())
def test_trapezoid_family(data):
    shape = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    y = _array(data.draw, shape)
    x = np.cumsum(np.abs(_array(data.draw, (shape[dim],))))
    dx = data.draw(st.floats(0.1, 2.0))
    for ours, theirs in ((ae.trapezoid, torch.trapezoid),
                         (ae.cumulative_trapezoid, torch.cumulative_trapezoid)):
        _grads_match(lambda t, s: ours(t, s, dim=dim), lambda t, s: theirs(t, s, dim=dim),
                     [y, x])
        _grads_match(lambda t: ours(t, dx=dx, dim=dim), lambda t: theirs(t, dx=dx, dim=dim),
                     [y])


# -- counting --------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_searchsorted_and_bucketize(data):
    rows = data.draw(st.lists(st.integers(1, 3), max_size=2).map(tuple))
    n = data.draw(st.integers(1, 6))
    boundaries = np.sort(np.round(_array(data.draw, rows + (n,)) * 2) / 2, axis=-1)
    values = np.round(_array(data.draw, rows + (data.draw(st.integers(1, 5)),)) * 2) / 2
    right = data.draw(st.booleans())
    out_int32 = data.draw(st.booleans())
    _check(ae.searchsorted(ae.tensor(boundaries), ae.tensor(values), right=right,
                           out_int32=out_int32),
           torch.searchsorted(torch.tensor(boundaries), torch.tensor(values), right=right,
                              out_int32=out_int32))
    if not rows:
        _check(ae.bucketize(ae.tensor(values), ae.tensor(boundaries), right=right),
               torch.bucketize(torch.tensor(values), torch.tensor(boundaries), right=right))
        order = np.argsort(-boundaries, kind="stable")
        _check(ae.searchsorted(ae.tensor(boundaries[order]), ae.tensor(values),
                               sorter=ae.tensor(np.argsort(boundaries[order], kind="stable"))),
               torch.searchsorted(torch.tensor(boundaries[order]), torch.tensor(values),
                                  sorter=torch.tensor(np.argsort(boundaries[order],
                                                                 kind="stable"))))


@SETTINGS
@given(data=st.data())
def test_histc_and_histogram(data):
    n = data.draw(st.integers(0, 30))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    x = (np.round(_array(data.draw, (n,)) * 4) / 4).astype(dtype)
    bins = data.draw(st.integers(1, 12))
    low = data.draw(st.sampled_from([0.0, -1.0, -3.0]))
    high = data.draw(st.sampled_from([0.0, 1.0, 2.5]))
    ours, theirs = ae.tensor(x), torch.tensor(x)
    if n or low != high:
        _check(ae.histc(ours, bins, low, high), torch.histc(theirs, bins, low, high))
    weight = np.abs(_array(data.draw, (n,))).astype(dtype)
    density = data.draw(st.booleans())
    for kwargs in ({}, {"range": (low, high + 1.0)}, {"weight": weight}):
        tk = {k: torch.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
        ok = {k: ae.tensor(v) if k == "weight" else v for k, v in kwargs.items()}
        hist, edges = ae.histogram(ours, bins, density=density, **ok)
        t_hist, t_edges = torch.histogram(theirs, bins, density=density, **tk)
        _check(hist, t_hist, rtol=1e-6)
        _check(edges, t_edges, rtol=1e-6)
    edges = np.unique(np.round(_array(data.draw, (bins + 1,)), 1)).astype(dtype)
    if edges.size < 2:
        return
    _check(ae.histogram(ours, ae.tensor(edges)).hist,
           torch.histogram(theirs, torch.tensor(edges)).hist)


@SETTINGS
@given(values=st.lists(st.integers(0, 8), max_size=12), minlength=st.integers(0, 12),
       weighted=st.sampled_from([None, "float32", "float64", "int64"]))
def test_bincount(values, minlength, weighted):
    x = np.array(values, np.int64)
    if weighted is None:
        _check(ae.bincount(ae.tensor(x), minlength=minlength),
               torch.bincount(torch.tensor(x), minlength=minlength))
        return
    w = np.linspace(-1, 3, len(values)).astype(weighted)
    _check(ae.bincount(ae.tensor(x), ae.tensor(w), minlength),
           torch.bincount(torch.tensor(x), torch.tensor(w), minlength), rtol=1e-6)


@SETTINGS
@given(a=st.lists(st.integers(-3, 3), max_size=8), b=st.lists(st.integers(-3, 3), max_size=5),
       invert=st.booleans(), floats=st.booleans())
def test_isin(a, b, invert, floats):
    x = np.array(a, np.float64 if floats else np.int64)
    _check(ae.isin(ae.tensor(x), ae.tensor(np.array(b, np.int64)), invert=invert),
           torch.isin(torch.tensor(x), torch.tensor(np.array(b, np.int64)), invert=invert))


# -- products --------------------------------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_addr_logdet_chain_matmul(data):
    n, m = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    shape = data.draw(st.sampled_from([(n, m), (m,), (1, m), (n, 1), ()]))
    beta = data.draw(st.sampled_from([0, 1, 0.5]))
    alpha = data.draw(st.sampled_from([1, -2.0]))
    arrays = [_array(data.draw, shape), _array(data.draw, (n,)), _array(data.draw, (m,))]
    _grads_match(lambda c, u, v: ae.addr(c, u, v, beta=beta, alpha=alpha),
                 lambda c, u, v: torch.addr(c, u, v, beta=beta, alpha=alpha), arrays)
    batch = data.draw(st.lists(st.integers(1, 2), max_size=2).map(tuple))
    a = _array(data.draw, batch + (n, n))
    _grads_match(lambda t: ae.logdet(t @ t.mT + ae.eye(n, dtype=ae.float64)),
                 lambda t: torch.logdet(t @ t.mT + torch.eye(n, dtype=torch.float64)), [a],
                 rtol=1e-8, atol=1e-10)
    if np.all(np.abs(np.linalg.det(a)) > 1e-6):  # (the sign of a singular one is noise)
        _check(ae.logdet(ae.tensor(a)), torch.logdet(torch.tensor(a)), rtol=1e-9, atol=1e-9)
    mats = [_array(data.draw, (n, m)), _array(data.draw, (m, n)), _array(data.draw, (n, 2))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _grads_match(ae.chain_matmul, torch.chain_matmul, mats)


# -- errors ----------------------------------------------------------------------------------
ERROR_CALLS = [
    ("diagonal", lambda L: L.diagonal(L.ones(2, 3), 0, 1, -1)),
    ("select", lambda L: L.select(L.ones(2, 3), -3, 0)),
    ("slice_scatter", lambda L: L.slice_scatter(L.ones(2, 3), L.ones(2, 1), 1, 0, 3, 2)),
    ("diag_embed", lambda L: L.diag_embed(L.ones(2), 0, 0, 2)),
    ("combinations", lambda L: L.combinations(L.ones(2, 2))),
    ("rot90", lambda L: L.rot90(L.ones(2, 2), 1, [0, 1, 2])),
    ("unflatten", lambda L: L.unflatten(L.ones(2, 6), 1, (4, -1))),
    ("cdist", lambda L: L.cdist(L.ones(2, 3), L.ones(2, 4))),
    ("cov", lambda L: L.cov(L.ones(2, 3), aweights=L.tensor([1.0, -1.0, 1.0]))),
    ("histc", lambda L: L.histc(L.tensor([1.0]), bins=-2)),
    ("histogram", lambda L: L.histogram(L.tensor([1.0]), bins=L.tensor([[0.0, 1.0]]))),
    ("bincount", lambda L: L.bincount(L.tensor([-2]))),
    ("searchsorted", lambda L: L.searchsorted(L.ones(2, 3), L.ones(3, 3))),
    ("polygamma", lambda L: L.polygamma(-2, L.ones(2))),
    ("renorm", lambda L: L.renorm(L.ones(2, 2), 0.0, 0, 1.0)),
    ("logdet", lambda L: L.logdet(L.ones(2, 3))),
    ("addr", lambda L: L.addr(L.ones(2, 2), L.ones(2, 1), L.ones(2))),
    ("trapezoid", lambda L: L.trapezoid(L.ones(2, 3), L.ones(2))),
    ("vander", lambda L: L.vander(L.ones(2, 2))),
    ("gcd", lambda L: L.gcd(L.ones(2), L.ones(2))),
]


@pytest.mark.parametrize("name,call", ERROR_CALLS, ids=[n for n, _ in ERROR_CALLS])
def test_error_types_match(name, call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)):
        call(ae)
