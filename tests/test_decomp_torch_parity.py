"""The decompositions of ae.linalg against torch 2.13, live: values, first and second order
gradients of gauge-invariant losses over random batched shapes (hypothesis), float32 and
float64, and the exception type and message of each bad input. Skipped without torch."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")


def _both(data, grad=False):
    """The same float array as an ae tensor and a torch tensor."""
    return (ae.tensor(data, dtype=data.dtype, requires_grad=grad),
            torch.tensor(data, requires_grad=grad))


def _np(t):
    return t.detach().numpy()


def _close(ours, theirs, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(_np(ours), _np(theirs), rtol=rtol, atol=atol)


def _spd(lib, a):
    eye = lib.eye(a.shape[-1], dtype=a.dtype)
    return a @ a.mT + eye


def _svd_loss(lib, a, full):
    u, s, vh = lib.linalg.svd(a, full_matrices=full)
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]
    weights = lib.arange(1, k + 1, dtype=a.dtype)
    return (u.abs().sum() + (vh.abs() * 0.5).sum() + (s * weights).sum()
            + ((u * s.unsqueeze(-2)) @ vh).pow(2).sum() * 0.1)


def _eigh_loss(lib, a, uplo):
    values, vectors = lib.linalg.eigh(_spd(lib, a), UPLO=uplo)
    weights = lib.arange(1, values.shape[-1] + 1, dtype=a.dtype)
    return (values * weights).sum() + (vectors.abs() * 0.5).sum()


def _qr_loss(lib, a, mode):
    q, r = lib.linalg.qr(a, mode=mode)
    return (q * lib.arange(q.numel(), dtype=a.dtype).reshape(q.shape).cos()).sum() + \
        (r * lib.arange(r.numel(), dtype=a.dtype).reshape(r.shape).sin()).sum()


def _cholesky_loss(lib, a, upper):
    factor = lib.linalg.cholesky(_spd(lib, a), upper=upper)
    return (factor * lib.arange(factor.numel(), dtype=a.dtype).reshape(factor.shape).cos()).sum()


def _weighted(lib, t):
    return (t * lib.arange(t.numel(), dtype=t.dtype).reshape(t.shape).cos()).sum()


def _grads(loss, data, rtol=1e-6, atol=1e-8, second=True):
    """loss(lib, x) in both libraries: value, gradient and the gradient of |gradient|^2."""
    ours, theirs = _both(data, grad=True)
    results = []
    for lib, x in ((ae, ours), (torch, theirs)):
        y = loss(lib, x)
        (g,) = lib.autograd.grad(y, [x], create_graph=second)
        row = [y, g]
        if second:
            row.append(lib.autograd.grad((g * g).sum(), [x])[0])
        results.append(row)
    for mine, reference in zip(*results):
        _close(mine, reference, rtol=rtol, atol=atol)


SHAPES = st.tuples(st.lists(st.integers(1, 3), max_size=2), st.integers(1, 4),
                   st.integers(1, 4))


def _random(shape, seed, dtype=np.float64):
    batch, m, n = shape
    return np.random.default_rng(seed).standard_normal((*batch, m, n)).astype(dtype)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16), full=st.booleans())
def test_svd(shape, seed, full):
    data = _random(shape, seed)
    ours, theirs = _both(data)
    mine, reference = ae.linalg.svd(ours, full), torch.linalg.svd(theirs, full_matrices=full)
    assert [tuple(x.shape) for x in mine] == [tuple(x.shape) for x in reference]
    _close(mine.S, reference.S)
    _close(ae.linalg.svdvals(ours), torch.linalg.svdvals(theirs))
    k = min(shape[1:])
    _close(mine.U[..., :k].abs(), reference.U[..., :k].abs(), atol=1e-7)
    _grads(lambda lib, a: _svd_loss(lib, a, full), data, rtol=1e-5, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16), uplo=st.sampled_from("LU"))
def test_eigh(shape, seed, uplo):
    batch, n, _ = shape
    data = _random((batch, n, n), seed)
    ours, theirs = _both(data)
    _close(ae.linalg.eigvalsh(ours, UPLO=uplo), torch.linalg.eigvalsh(theirs, UPLO=uplo))
    mine, reference = ae.linalg.eigh(ours, uplo), torch.linalg.eigh(theirs, UPLO=uplo)
    _close(mine.eigenvalues, reference.eigenvalues)
    _close(mine.eigenvectors.abs(), reference.eigenvectors.abs(), atol=1e-7)
    _grads(lambda lib, a: _eigh_loss(lib, a, uplo), data, rtol=1e-5, atol=1e-6)
    # one triangle of a non-symmetric input is read; the gradient is torch's symmetric one
    _grads(lambda lib, a: lib.linalg.eigvalsh(a, UPLO=uplo).pow(2).sum(), data, second=False)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16),
       mode=st.sampled_from(["reduced", "complete", "r"]))
def test_qr(shape, seed, mode):
    data = _random(shape, seed)
    ours, theirs = _both(data)
    mine, reference = ae.linalg.qr(ours, mode), torch.linalg.qr(theirs, mode=mode)
    _close(mine.Q, reference.Q)
    _close(mine.R, reference.R)
    if mode == "reduced" or (mode == "complete" and shape[1] <= shape[2]):
        _grads(lambda lib, a: _qr_loss(lib, a, mode), data, rtol=1e-5, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16), upper=st.booleans())
def test_cholesky(shape, seed, upper):
    batch, n, _ = shape
    data = _random((batch, n, n), seed)
    ours, theirs = _both(data)
    _close(ae.linalg.cholesky(_spd(ae, ours), upper=upper),
           torch.linalg.cholesky(_spd(torch, theirs), upper=upper))
    _grads(lambda lib, a: _cholesky_loss(lib, a, upper), data, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_ex_on_failures(upper):
    data = np.random.default_rng(3).standard_normal((4, 5, 5))
    data = data + data.swapaxes(-1, -2)  # indefinite: each fails at some order
    data[1] = data[1] @ data[1].T + np.eye(5)
    ours, theirs = _both(data)
    mine, reference = ae.linalg.cholesky_ex(ours, upper=upper), \
        torch.linalg.cholesky_ex(theirs, upper=upper)
    assert mine.info.tolist() == reference.info.tolist()
    assert mine.info.dtype == np.int32 and reference.info.dtype == torch.int32
    _close(mine.L, reference.L)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16), hermitian=st.booleans(),
       rtol=st.sampled_from([None, 0.2]))
def test_pinv_and_matrix_rank(shape, seed, hermitian, rtol):
    batch, m, n = shape
    data = _random((batch, m, m) if hermitian else shape, seed)
    if hermitian:
        data = data + data.swapaxes(-1, -2)
    ours, theirs = _both(data)
    _close(ae.linalg.pinv(ours, hermitian=hermitian, rtol=rtol),
           torch.linalg.pinv(theirs, hermitian=hermitian, rtol=rtol), atol=1e-7)
    assert ae.linalg.matrix_rank(ours, hermitian=hermitian, rtol=rtol).tolist() == \
        torch.linalg.matrix_rank(theirs, hermitian=hermitian, rtol=rtol).tolist()
    if not hermitian:
        _grads(lambda lib, a: _weighted(lib, lib.linalg.pinv(a)), data, rtol=1e-5, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, k=st.integers(1, 3), seed=st.integers(0, 2**16),
       driver=st.sampled_from(["gelsy", "gelsd", "gelss", "gels"]), vector=st.booleans())
def test_lstsq(shape, k, seed, driver, vector):
    batch, m, n = shape
    if driver == "gels" and m < n:
        n = m  # gels needs full rank, and its wide case is QR-based rather than min-norm
    a = _random((batch, m, n), seed)
    b = np.random.default_rng(seed + 1).standard_normal((*batch, m) if vector else
                                                        (*batch, m, k))
    (oa, ta), (ob, tb) = _both(a), _both(b)
    mine, reference = ae.linalg.lstsq(oa, ob, driver=driver), \
        torch.linalg.lstsq(ta, tb, driver=driver)
    for ours, theirs in zip(mine, reference):
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        _close(ours, theirs, rtol=1e-6, atol=1e-7)

    def loss(lib, x):
        out = lib.linalg.lstsq(x, lib.tensor(b), driver=driver)
        return _weighted(lib, out.solution) + out.residuals.sum()
    _grads(loss, a, rtol=1e-5, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16), n=st.integers(-4, 6))
def test_matrix_power_and_exp(shape, seed, n):
    batch, m, _ = shape
    data = _random((batch, m, m), seed) + 2 * np.eye(m)
    ours, theirs = _both(data)
    _close(ae.linalg.matrix_power(ours, n), torch.linalg.matrix_power(theirs, n), rtol=1e-9)
    _close(ae.linalg.matrix_exp(ours), torch.linalg.matrix_exp(theirs), rtol=1e-9)
    _grads(lambda lib, a: _weighted(lib, lib.linalg.matrix_power(a, n)), data, rtol=1e-6,
           second=n not in (0, 1))  # n = 0, 1: a constant gradient, nothing to differentiate
    _grads(lambda lib, a: _weighted(lib, lib.linalg.matrix_exp(a * 0.5)), data, rtol=1e-6)


@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, seed=st.integers(0, 2**16),
       ord=st.sampled_from([None, 2, -2, "nuc", 1, -1, math.inf, -math.inf, "fro"]))
def test_cond_and_matrix_norms(shape, seed, ord):
    batch, m, n = shape
    square = ord not in (None, 2, -2)
    data = _random((batch, m, m) if square else shape, seed)
    ours, theirs = _both(data)
    _close(ae.linalg.cond(ours, ord), torch.linalg.cond(theirs, ord), rtol=1e-6)
    if ord in (None, -2, "nuc"):  # torch's inverse-based cond is not differentiable
        _grads(lambda lib, a: lib.linalg.cond(a, ord).sum(), data, rtol=1e-5, atol=1e-6)
    if ord in (2, -2, "nuc"):
        _close(ae.linalg.matrix_norm(ours, ord), torch.linalg.matrix_norm(theirs, ord))
        _grads(lambda lib, a: lib.linalg.matrix_norm(a, ord).sum(), data, rtol=1e-5,
               atol=1e-6)


@pytest.mark.parametrize("data", [
    [[1.0, 2.0], [2.0, 4.0]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    [[1.0, 0.0], [0.0, 0.0]], [[[1.0, 2.0], [2.0, 4.0]], [[2.0, 1.0], [1.0, 3.0]]],
    [[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]],
])
def test_det_gradients_singular_and_not(data):
    data = np.asarray(data)
    ours, theirs = _both(data, grad=True)
    (g_ours,) = ae.autograd.grad(ae.linalg.det(ours).sum(), [ours])
    (g_theirs,) = torch.autograd.grad(torch.linalg.det(theirs).sum(), [theirs])
    _close(g_ours, g_theirs)
    _grads(lambda lib, a: lib.linalg.det(a).sum(), data, atol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtypes(dtype):
    data = _random(((2,), 3, 3), 7, dtype)
    data = data @ data.swapaxes(-1, -2) + np.eye(3, dtype=dtype)
    ours, theirs = _both(data)
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    for name, fn in [("svdvals", lambda lib, a: lib.linalg.svdvals(a)),
                     ("eigvalsh", lambda lib, a: lib.linalg.eigvalsh(a)),
                     ("R", lambda lib, a: lib.linalg.qr(a).R),
                     ("cholesky", lambda lib, a: lib.linalg.cholesky(a)),
                     ("pinv", lambda lib, a: lib.linalg.pinv(a)),
                     ("exp", lambda lib, a: lib.linalg.matrix_exp(a * 0.1)),
                     ("power", lambda lib, a: lib.linalg.matrix_power(a, -2)),
                     ("cond", lambda lib, a: lib.linalg.cond(a, "fro")),
                     ("nuc", lambda lib, a: lib.linalg.matrix_norm(a, "nuc")),
                     ("lstsq", lambda lib, a: lib.linalg.lstsq(a, a[..., :1]).solution),
                     ("det", lambda lib, a: lib.linalg.det(a))]:
        mine, reference = fn(ae, ours), fn(torch, theirs)
        assert mine.dtype == dtype, name
        _close(mine, reference, rtol=rtol, atol=rtol)


def test_legacy_spellings():
    data = _random(((2,), 4, 3), 11)
    ours, theirs = _both(data, grad=True)
    for some in (True, False):
        mine, reference = ae.svd(ours, some=some), torch.svd(theirs, some=some)
        assert [tuple(x.shape) for x in mine] == [tuple(x.shape) for x in reference]
        _close(mine.V.abs(), reference.V.abs(), atol=1e-7)
        q, r = ae.qr(ours, some=some)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tq, tr = torch.qr(theirs, some=some)
        _close(q, tq)
        _close(r, tr)
    mine, reference = ae.svd(ours, compute_uv=False), torch.svd(theirs, compute_uv=False)
    for x, y in zip(mine, reference):
        _close(x, y)
    spd = data[0] @ data[0].T + np.eye(4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _close(ae.cholesky(ae.tensor(spd), upper=True),
               torch.cholesky(torch.tensor(spd), upper=True))
    _close(ae.pinverse(ours, rcond=0.1), torch.pinverse(theirs, rcond=0.1))
    _close(ae.matrix_exp(ours[..., :3, :]), torch.matrix_exp(theirs[..., :3, :]))
    _close(ae.matrix_power(ours[..., :3, :], 3), torch.matrix_power(theirs[..., :3, :], 3))


# -- errors: the same type and message as torch -------------------------------------------------
def _inputs():
    return {"long": np.ones((3, 3), np.int64), "vec": np.ones(3, np.float32),
            "rect": np.ones((2, 3), np.float32), "half": np.eye(3, dtype=np.float16),
            "bool": np.ones((3, 3), np.bool_), "nan": np.full((2, 2), np.nan, np.float32),
            "npd": -np.eye(3, dtype=np.float32),
            "npd_batch": np.stack([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]]).astype(np.float32),
            "zeros": np.zeros((2, 2), np.float32), "eye": np.eye(2, dtype=np.float32)}


CALLS = [
    ("svd", lambda lib, a: lib.linalg.svd(a)), ("svdvals", lambda lib, a: lib.linalg.svdvals(a)),
    ("eigh", lambda lib, a: lib.linalg.eigh(a)),
    ("eigh X", lambda lib, a: lib.linalg.eigh(a, UPLO="X")),
    ("eigvalsh", lambda lib, a: lib.linalg.eigvalsh(a)), ("qr", lambda lib, a: lib.linalg.qr(a)),
    ("qr mode", lambda lib, a: lib.linalg.qr(a, mode="full")),
    ("cholesky", lambda lib, a: lib.linalg.cholesky(a)),
    ("cholesky_ex", lambda lib, a: lib.linalg.cholesky_ex(a, check_errors=True)),
    ("pinv", lambda lib, a: lib.linalg.pinv(a)),
    ("matrix_rank", lambda lib, a: lib.linalg.matrix_rank(a)),
    ("matrix_exp", lambda lib, a: lib.linalg.matrix_exp(a)),
    ("matrix_power 2", lambda lib, a: lib.linalg.matrix_power(a, 2)),
    ("matrix_power -1", lambda lib, a: lib.linalg.matrix_power(a, -1)),
    ("cond", lambda lib, a: lib.linalg.cond(a)), ("cond fro", lambda lib, a: lib.linalg.cond(a, "fro")),
    ("cond -inf", lambda lib, a: lib.linalg.cond(a, -math.inf)),
    ("cond 1.0", lambda lib, a: lib.linalg.cond(a, 1.0)),
    ("norm nuc", lambda lib, a: lib.linalg.matrix_norm(a, "nuc")),
    ("norm -2", lambda lib, a: lib.linalg.matrix_norm(a, -2)),
    ("old svd", lambda lib, a: lib.svd(a)), ("old cholesky", lambda lib, a: lib.cholesky(a)),
    ("pinverse", lambda lib, a: lib.pinverse(a)), ("det", lambda lib, a: lib.linalg.det(a)),
]
# only the type is compared where torch's message reports what numpy does not tell: LAPACK's
# error code (eigh) or the index of the zero pivot (inv)
TYPE_ONLY = {("eigh", "nan"), ("eigvalsh", "nan"), ("matrix_power -1", "zeros")}


def _outcome(call, lib, data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(lib, ae.tensor(data) if lib is ae else torch.tensor(data))
    except Exception as error:  # noqa: BLE001 -- the point is to compare any error
        kind = "LinAlgError" if isinstance(error, (ae.linalg.LinAlgError,
                                                    torch.linalg.LinAlgError)) \
            else type(error).__name__
        return kind, str(error).split("\n")[0]
    return None


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_errors_match_torch(name, call):
    mismatches = []
    for key, data in _inputs().items():
        mine, reference = _outcome(call, ae, data), _outcome(call, torch, data)
        if (name, key) in TYPE_ONLY and mine and reference:
            mine, reference = mine[0], reference[0]
        if reference is not None and mine != reference:
            mismatches.append((key, mine, reference))
    assert not mismatches, mismatches


@pytest.mark.parametrize("ord,dim", [("fro", (0, 1, 2)), (2, (0,)), ("nuc", 1), (2, (1, -2)),
                                     ("nuc", (0, 1, 2)), (2, (0, 3))])
def test_norm_dim_errors_match_torch(ord, dim):
    data = np.ones((2, 3, 4), np.float32)
    for fn in ("norm", "matrix_norm"):
        def call(lib, x):
            return getattr(lib.linalg, fn)(x, ord, dim=dim)
        mine, reference = _outcome(call, ae, data), _outcome(call, torch, data)
        if reference is not None and reference[0] in ("IndexError", "TypeError"):
            mine, reference = mine[0], reference[0]  # our messages name the op
        assert mine == reference


def test_lstsq_errors_match_torch():
    cases = [((4,), (4,)), ((4, 3), ()), ((4, 3), (3, 4, 2)), ((4, 3), (5, 2)),
             ((2, 4, 3), (4, 2)), ((2, 4, 3), (2, 5))]
    for sa, sb in cases:
        a, b = np.ones(sa, np.float32), np.ones(sb, np.float32)
        mine = _outcome(lambda lib, x: lib.linalg.lstsq(x, lib.tensor(b)), ae, a)
        reference = _outcome(lambda lib, x: lib.linalg.lstsq(x, lib.tensor(b)), torch, a)
        assert mine == reference, (sa, sb)
