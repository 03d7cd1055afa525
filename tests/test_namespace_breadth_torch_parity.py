"""Live comparison with PyTorch 2.13 of the top-level names and Tensor methods added to fill
the gaps (other names, in-place and ``*_copy`` forms, settings, windows, the complex API on
real tensors, the solvers, the nn ops with ATen's signatures, legacy Tensor methods):
values, gradients, result dtypes and exception types."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd_engine as ae

torch = pytest.importorskip("torch")

F64 = np.float64
TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64,
                np.dtype(np.float16): torch.float16, np.dtype(np.int64): torch.int64,
                np.dtype(np.int32): torch.int32, np.dtype(np.bool_): torch.bool,
                np.dtype(np.uint8): torch.uint8, np.dtype(np.int8): torch.int8,
                np.dtype(np.int16): torch.int16}
# the same failure on both sides: our LinAlgError is PyTorch's torch.linalg.LinAlgError
SAME_ERRORS = {ae.linalg.LinAlgError: torch.linalg.LinAlgError}


def pair(array, grad=False):
    array = np.asarray(array)
    grad = grad and array.dtype.kind == "f"
    return (torch.tensor(array, requires_grad=grad),
            ae.tensor(array, dtype=array.dtype, requires_grad=grad))


def outcome(fn, *args, **kwargs):
    """(result, None) or (None, exception type)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return None, type(exc)


def assert_same(ours, theirs, rtol=1e-6, atol=1e-7):
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            assert_same(o, t, rtol, atol)
        return
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ae.Tensor), type(ours)
        assert ours.shape == tuple(theirs.shape)
        assert TORCH_DTYPES[ours.dtype] == theirs.dtype, (ours.dtype, theirs.dtype)
        np.testing.assert_allclose(ours.detach().numpy().astype(F64),
                                   theirs.detach().numpy().astype(F64), rtol=rtol, atol=atol)
        return
    if isinstance(theirs, torch.Size):
        theirs = tuple(theirs)
    assert ours == theirs


def same_outcome(torch_fn, ae_fn, rtol=1e-6, atol=1e-7):
    (ours, our_error), (theirs, their_error) = outcome(ae_fn), outcome(torch_fn)
    assert SAME_ERRORS.get(our_error, our_error) == their_error, (our_error, their_error)
    if their_error is None:
        assert_same(ours, theirs, rtol, atol)


def same_gradients(torch_fn, ae_fn, arrays, rtol=1e-6, atol=1e-8):
    """Values and gradients of a weighted sum of the (float) outputs, float64 inputs."""
    ts = [torch.tensor(np.asarray(a, F64), requires_grad=True) for a in arrays]
    ms = [ae.tensor(np.asarray(a, F64), dtype=F64, requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out_t, out_m = torch_fn(*ts), ae_fn(*ms)
    out_t = out_t if isinstance(out_t, (tuple, list)) else (out_t,)
    out_m = out_m if isinstance(out_m, (tuple, list)) else (out_m,)
    assert_same(list(out_m), list(out_t), rtol, atol)
    rng = np.random.default_rng(7)
    total_t = total_m = 0
    for o_t, o_m in zip(out_t, out_m):
        if o_t.dtype.is_floating_point and o_t.requires_grad:
            w = rng.standard_normal(tuple(o_t.shape))
            total_t = total_t + (o_t * torch.tensor(w)).sum()
            total_m = total_m + (o_m * ae.tensor(w, dtype=F64)).sum()
    if isinstance(total_t, int):
        return
    total_t.backward()
    total_m.backward()
    for t, m in zip(ts, ms):
        if t.grad is None:
            assert m.grad is None or not m.grad.data.any()
        else:
            np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


BRIEF_NAMES = """t detach det inverse slogdet divide multiply subtract negative positive absolute
fix sgn rsub greater greater_equal less less_equal not_equal arccos arccosh arcsin arcsinh arctan
arctan2 arctanh ravel equal is_same_size is_signed broadcast_shapes unravel_index asarray
scalar_tensor fill zero_ gradient conv1d conv2d conv3d conv_transpose1d conv_transpose2d
conv_transpose3d dropout alpha_dropout feature_alpha_dropout layer_norm batch_norm group_norm
instance_norm embedding embedding_bag pixel_shuffle pixel_unshuffle channel_shuffle bilinear
cosine_similarity pairwise_distance pdist selu celu prelu rrelu threshold hardshrink max_pool1d
max_pool2d max_pool3d max_pool1d_with_indices avg_pool1d adaptive_avg_pool1d
adaptive_max_pool1d kl_div binary_cross_entropy_with_logits margin_ranking_loss
hinge_embedding_loss cosine_embedding_loss triplet_margin_loss poisson_nll_loss ctc_loss
rms_norm constant_pad_nd view_copy permute_copy t_copy transpose_copy squeeze_copy
unsqueeze_copy expand_copy diagonal_copy select_copy slice_copy unbind_copy split_copy
split_with_sizes split_with_sizes_copy unfold_copy detach_copy alias_copy nonzero_static
set_num_threads get_num_threads set_num_interop_threads get_num_interop_threads
use_deterministic_algorithms are_deterministic_algorithms_enabled
is_deterministic_algorithms_warn_only_enabled set_deterministic_debug_mode
get_deterministic_debug_mode set_default_device get_default_device
set_float32_matmul_precision get_float32_matmul_precision set_warn_always
is_warn_always_enabled typename is_inference hann_window hamming_window blackman_window
bartlett_window kaiser_window cholesky_solve cholesky_inverse triangular_solve lu lu_solve
lu_unpack conj resolve_conj resolve_neg is_conj is_neg isreal conj_physical angle real imag
adjoint""".split()
METHODS = """H mT mH adjoint real imag conj resolve_conj resolve_neg is_conj is_neg isreal
conj_physical angle byte char short split_with_sizes narrow_copy unflatten diagflat dsplit
fliplr flipud rot90 msort hardshrink prelu nonzero_static is_nonzero storage_offset output_nr
data_ptr new apply_ map_ resize_ resize_as_ cholesky_solve cholesky_inverse triangular_solve
lu lu_solve conj_physical_""".split()


def test_the_names_exist_where_pytorch_has_them():
    assert [n for n in BRIEF_NAMES if not hasattr(torch, n)] == []
    assert [n for n in BRIEF_NAMES if not hasattr(ae, n)] == []
    assert [n for n in METHODS if not hasattr(ae.Tensor, n)] == []
    inplace = [n for n in dir(torch) if n.endswith("_") and not n.startswith("_")
               and hasattr(torch.Tensor, n) and hasattr(ae.Tensor, n)]
    assert [n for n in inplace if not hasattr(ae, n)] == []
    assert [n for n in ("lu", "lu_factor", "lu_factor_ex", "lu_solve", "solve_triangular")
            if not hasattr(ae.linalg, n)] == []


# -- other names and functional forms --------------------------------------------------------
UNARY = "negative absolute fix sgn arccos arccosh arcsin arcsinh arctan arctanh positive t " \
        "detach ravel angle isreal conj resolve_conj resolve_neg real conj_physical".split()
BINARY = "multiply divide subtract greater greater_equal less less_equal not_equal " \
         "arctan2 rsub".split()
INPUTS = [np.array([[0.5, -1.5], [2.0, 0.0]], np.float32), np.array([[1, -2], [0, 3]]),
          np.array([True, False]), np.array(2.5, F64), np.array([[float("nan"), -0.0]])]


# Pre-existing leniencies of the ops these names alias (not of the names): abs and trunc
# accept bool tensors (PyTorch: NotImplementedError), atan2 a Python number (TypeError).
LENIENT = {("absolute", "b"), ("fix", "b")}


@pytest.mark.parametrize("name", UNARY)
def test_unary_names(name):
    for a in INPUTS:
        if (name, a.dtype.kind) in LENIENT:
            continue
        t, m = pair(a)
        same_outcome(lambda: getattr(torch, name)(t), lambda: getattr(ae, name)(m))


@pytest.mark.parametrize("name", BINARY)
def test_binary_names(name):
    for a in INPUTS[:3]:
        for b in (INPUTS[0], INPUTS[1], 2, 1.5):
            if name == "arctan2" and not isinstance(b, np.ndarray):
                continue  # (see LENIENT)
            t, m = pair(a)
            tb, mb = pair(b) if isinstance(b, np.ndarray) else (b, b)
            same_outcome(lambda: getattr(torch, name)(t, tb), lambda: getattr(ae, name)(m, mb))
    same_outcome(lambda: torch.rsub(torch.tensor([1, 2]), 3, alpha=2),
                 lambda: ae.rsub(ae.tensor([1, 2]), 3, alpha=2))
    same_outcome(lambda: torch.divide(torch.tensor([5, -7]), 2, rounding_mode="trunc"),
                 lambda: ae.divide(ae.tensor([5, -7]), 2, rounding_mode="trunc"))


@pytest.mark.parametrize("name", ["det", "inverse", "slogdet", "equal", "is_same_size",
                                  "is_signed", "fill", "is_conj", "is_neg", "imag",
                                  "adjoint", "zero_"])
def test_other_functional_forms(name):
    cases = {"det": [(INPUTS[0],), (INPUTS[1],)], "inverse": [(INPUTS[0],)],
             "slogdet": [(INPUTS[0],)], "equal": [(INPUTS[1], INPUTS[1].astype(np.float32)),
                                                  (INPUTS[0], INPUTS[2])],
             "is_same_size": [(INPUTS[0], INPUTS[1]), (INPUTS[0], INPUTS[2])],
             "is_signed": [(a,) for a in INPUTS] + [(np.array([1], np.uint8),)],
             "fill": [(INPUTS[1], 2.5), (INPUTS[0], True), (INPUTS[0], np.array(3.0, F64)),
                      (INPUTS[0], np.array([3.0]))],
             "is_conj": [(INPUTS[0],)], "is_neg": [(INPUTS[1],)], "imag": [(INPUTS[0],)],
             "adjoint": [(INPUTS[0],), (INPUTS[2],), (np.ones((2, 3, 4)),)],
             "zero_": [(INPUTS[1],)]}[name]
    for args in cases:
        pairs = [pair(a) if isinstance(a, np.ndarray) else (a, a) for a in args]
        same_outcome(lambda: getattr(torch, name)(*[p[0] for p in pairs]),
                     lambda: getattr(ae, name)(*[p[1] for p in pairs]))


def test_fill_rsub_angle_gradients():
    same_gradients(lambda a, v: torch.fill(a, v) * a, lambda a, v: ae.fill(a, v) * a,
                   [[[1.0, 2.0], [3.0, -4.0]], 0.5])
    same_gradients(lambda a, b: torch.rsub(a, b, alpha=0.5),
                   lambda a, b: ae.rsub(a, b, alpha=0.5), [[1.0, -2.0], [[0.5], [2.0]]])
    same_gradients(torch.angle, ae.angle, [[1.0, -2.0, 0.5]])
    same_gradients(lambda a: torch.adjoint(a) * a.mH, lambda a: ae.adjoint(a) * a.mH,
                   [np.arange(4.0).reshape(2, 2)])


INPLACE_ARGS = {"clamp_": (0.0, 0.5), "clip_": (0.0, 0.5), "clamp_min_": (0.1,),
                "clamp_max_": (0.1,), "xlogy_": (2.0,), "ldexp_": (None,), "gcd_": (None,),
                "lcm_": (None,), "fill_": (2.0,), "logit_": (0.1,), "round_": (),
                "nan_to_num_": (0.0, 1.0, -1.0)}


@pytest.mark.parametrize("name", sorted(n for n in dir(torch) if n.endswith("_")
                                        and not n.startswith("_") and hasattr(ae, n)
                                        and hasattr(torch.Tensor, n)
                                        and n not in ("index_put_", "addmv_", "resize_as_")))
def test_top_level_inplace_forms(name):
    integral = name in ("gcd_", "lcm_")
    data = np.array([[0.5, 0.25], [0.75, 0.125]]) if not integral else np.array([[4, 6], [9, 2]])
    args = INPLACE_ARGS.get(name, ())
    if args == (None,):
        args = (pair(np.array([[2, 3], [4, 1]]))[0],) if integral or name == "ldexp_" else ()
        ours = (ae.tensor(args[0].numpy()),) if args else ()
    else:
        ours = args
    t, m = pair(data.copy())
    same_outcome(lambda: getattr(torch, name)(t, *args), lambda: getattr(ae, name)(m, *ours))
    assert getattr(ae, name)(m, *ours) is m


def test_top_level_index_put_addmv_resize_as():
    t, m = pair(np.zeros(3))
    torch.index_put_(t, (torch.tensor([0, 2]),), torch.tensor(1.0, dtype=torch.float64))
    ae.index_put_(m, (ae.tensor([0, 2]),), ae.tensor(1.0, dtype=F64))
    assert_same(m, t)
    mat, vec = np.arange(6.0).reshape(3, 2), np.array([1.0, -1.0])
    t, m = pair(np.ones(3))
    torch.addmv_(t, torch.tensor(mat), torch.tensor(vec), beta=2)
    ae.addmv_(m, ae.tensor(mat), ae.tensor(vec), beta=2)
    assert_same(m, t)
    t, m = pair(np.arange(6.0))
    assert_same(ae.resize_as_(m, ae.ones(2, 2)), torch.resize_as_(t, torch.ones(2, 2)))


# -- shapes and indices ----------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(-1, 3), st.lists(st.integers(-1, 3), max_size=3),
                          st.none()), max_size=4))
def test_broadcast_shapes(shapes):
    same_outcome(lambda: torch.broadcast_shapes(*shapes), lambda: ae.broadcast_shapes(*shapes))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 4), max_size=3), st.lists(st.integers(-30, 30), max_size=4),
       st.sampled_from([np.int64, np.int32, np.uint8]))
def test_unravel_index(shape, flat, dtype):
    flat = np.array(flat, dtype=np.int64).astype(dtype) if dtype != np.uint8 else \
        np.abs(np.array(flat, dtype=np.int64)).astype(dtype)
    t, m = pair(flat)
    same_outcome(lambda: torch.unravel_index(t, tuple(shape)),
                 lambda: ae.unravel_index(m, tuple(shape)))


def test_unravel_index_errors():
    for indices, shape in ((np.array([1.0]), (3, 2)), (np.array([True]), (3, 2)),
                           (np.array([1]), (2.0, 3)), (np.array([1]), (-1, 2)),
                           (np.array([1]), "ab"), (np.array(4), 6)):
        t, m = pair(indices)
        same_outcome(lambda: torch.unravel_index(t, shape), lambda: ae.unravel_index(m, shape))
    same_outcome(lambda: torch.unravel_index([1], (2, 3)), lambda: ae.unravel_index([1], (2, 3)))


@pytest.mark.parametrize("value", [3, True, 2.5, -0.0, [2], "a", np.float64(1.5)])
@pytest.mark.parametrize("dtype", [None, np.float64, np.int64])
def test_scalar_tensor(value, dtype):
    same_outcome(lambda: torch.scalar_tensor(value, dtype=TORCH_DTYPES.get(np.dtype(dtype))
                                             if dtype else None),
                 lambda: ae.scalar_tensor(value, dtype=dtype))


@pytest.mark.parametrize("obj", [[1, 2], [1.0, 2], 3, 2.5, True, [[1], [2, 3]],
                                 np.arange(3.0), np.arange(3, dtype=np.int32),
                                 np.float64(2.5), [np.float64(1.0), 2]])
@pytest.mark.parametrize("dtype,copy", [(None, None), (np.float32, None), (np.float64, False),
                                        (None, True)])
def test_asarray_of_data(obj, dtype, copy):
    torch_dtype = TORCH_DTYPES[np.dtype(dtype)] if dtype else None
    same_outcome(lambda: torch.asarray(obj, dtype=torch_dtype, copy=copy),
                 lambda: ae.asarray(obj, dtype=dtype, copy=copy))
    if isinstance(obj, np.ndarray):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, theirs = outcome(lambda: ae.asarray(obj, dtype=dtype, copy=copy))[0], \
                outcome(lambda: torch.asarray(obj, dtype=torch_dtype, copy=copy))[0]
        if ours is not None and theirs is not None:
            assert np.shares_memory(ours.data, obj) == np.shares_memory(theirs.numpy(), obj)


@pytest.mark.parametrize("requires_grad", [None, False, True])
@pytest.mark.parametrize("dtype,copy", [(None, None), (np.float64, None), (None, True),
                                        (np.float64, False)])
@pytest.mark.parametrize("kind", ["leaf", "grad leaf", "non-leaf"])
def test_asarray_of_tensors(requires_grad, dtype, copy, kind):
    def make(lib):
        x = lib.ones(2, requires_grad=kind != "leaf")
        return x * 2 if kind == "non-leaf" else x
    t, m = make(torch), make(ae)
    kwargs = {} if requires_grad is None else {"requires_grad": requires_grad}
    torch_dtype = TORCH_DTYPES[np.dtype(dtype)] if dtype else None
    (ours, our_error) = outcome(lambda: ae.asarray(m, dtype=dtype, copy=copy, **kwargs))
    (theirs, their_error) = outcome(lambda: torch.asarray(t, dtype=torch_dtype, copy=copy,
                                                          **kwargs))
    assert our_error == their_error
    if theirs is not None:
        assert (ours is m) == (theirs is t)
        assert ours.requires_grad == theirs.requires_grad
        assert (ours.grad_fn is None) == (theirs.grad_fn is None)
        assert m.requires_grad == t.requires_grad


# -- *_copy forms ----------------------------------------------------------------------------
def copy_calls(shape):
    """(name, args) for each copy op applicable to a tensor of ``shape``."""
    n = len(shape)
    calls = [("t_copy", ()) if n <= 2 else None, ("permute_copy", (tuple(range(n))[::-1],)),
             ("view_copy", ((-1,),)), ("squeeze_copy", ()), ("unsqueeze_copy", (0,)),
             ("detach_copy", ()), ("alias_copy", ()), ("expand_copy", ((2,) + shape,))]
    if n >= 1:
        calls += [("transpose_copy", (0, n - 1)), ("select_copy", (0, shape[0] - 1)),
                  ("slice_copy", (0, 1, None, 2)), ("unbind_copy", (n - 1,)),
                  ("split_copy", (2, 0)), ("unfold_copy", (0, 1, 1)),
                  ("split_with_sizes", ([1, shape[0] - 1], 0)),
                  ("split_with_sizes_copy", ([shape[0] - 1, 1], 0))]
    if n >= 2:
        calls.append(("diagonal_copy", (0, 0, 1)))
    return [c for c in calls if c is not None]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 3), max_size=3))
def test_copies(shape):
    shape = tuple(shape)
    a = np.random.default_rng(len(shape)).standard_normal(shape)
    for name, args in copy_calls(shape):
        if name == "detach_copy":
            t, m = pair(a)
            same_outcome(lambda: torch.detach_copy(t), lambda: ae.detach_copy(m))
            continue
        same_gradients(lambda x: getattr(torch, name)(x, *args),
                       lambda x: getattr(ae, name)(x, *args), [a])
        out_t = getattr(torch, name)(torch.tensor(a), *args)
        out_m = getattr(ae, name)(ae.tensor(a), *args)
        for o_t, o_m in zip(*(o if isinstance(o, tuple) else (o,) for o in (out_t, out_m))):
            assert o_m.is_contiguous() == o_t.is_contiguous()


def test_copy_errors():
    t, m = pair(np.arange(6.0).reshape(2, 3))
    for name, args in (("slice_copy", (1, None, None, 0)), ("split_with_sizes", ([1, 1], 1)),
                       ("split_with_sizes", ([1, -1, 3], 1)), ("split_with_sizes", (3, 1)),
                       ("t_copy", ()), ("view_copy", ((4,),)), ("expand_copy", ((3,),))):
        x_t, x_m = (t, m) if name != "t_copy" else (t.reshape(1, 2, 3), m.reshape(1, 2, 3))
        same_outcome(lambda: getattr(torch, name)(x_t, *args),
                     lambda: getattr(ae, name)(x_m, *args))
    b_t, b_m = pair(np.ones(2), grad=True)
    d_t, d_m = torch.detach_copy(b_t), ae.detach_copy(b_m)
    assert d_t.requires_grad == d_m.requires_grad
    for d in (d_t, d_m):
        with pytest.raises(RuntimeError, match="derivative for aten::detach_copy"):
            d.sum().backward()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), max_size=3), st.integers(0, 5), st.integers(-3, 3))
def test_nonzero_static(shape, size, fill_value):
    a = np.random.default_rng(sum(shape)).integers(0, 2, shape)
    t, m = pair(a)
    same_outcome(lambda: torch.nonzero_static(t, size=size, fill_value=fill_value),
                 lambda: ae.nonzero_static(m, size=size, fill_value=fill_value))
    same_outcome(lambda: t.nonzero_static(size=size), lambda: m.nonzero_static(size=size))


# -- gradient --------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.sampled_from([1, 2]),
       st.sampled_from(["none", "scalar", "list", "coordinates"]), st.booleans(), st.data())
def test_gradient(shape, edge_order, spacing_kind, one_dim, data):
    a = np.random.default_rng(sum(shape)).standard_normal(shape)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1)) if one_dim else None
    dims = [dim] if one_dim else list(range(len(shape)))
    if spacing_kind == "none":
        spacing = {}
    elif spacing_kind == "scalar":
        spacing = {"spacing": data.draw(st.sampled_from([2, 0.5, -1.5]))}
    elif spacing_kind == "list":
        spacing = {"spacing": [data.draw(st.floats(0.25, 3.0)) for _ in dims]}
    else:
        spacing = {"spacing": [np.cumsum(np.random.default_rng(3).uniform(0.5, 2.0,
                                                                         shape[d]))
                               for d in dims]}
    kwargs = dict(spacing, edge_order=edge_order)
    if one_dim:
        kwargs["dim"] = dim
    coordinates = spacing_kind == "coordinates"

    def call(lib, x, *coords):
        if coordinates:
            kw = dict(kwargs, spacing=tuple(coords))
        else:
            kw = kwargs
        return lib.gradient(x, **kw)

    extra = kwargs["spacing"] if coordinates else []
    same_outcome(lambda: call(torch, torch.tensor(a), *map(torch.tensor, extra)),
                 lambda: call(ae, ae.tensor(a), *(ae.tensor(c) for c in extra)),
                 rtol=1e-10, atol=1e-12)
    if all(shape[d] > edge_order for d in dims):
        same_gradients(lambda x, *c: call(torch, x, *c), lambda x, *c: call(ae, x, *c),
                       [a] + list(extra), rtol=1e-9, atol=1e-11)


def test_gradient_integer_and_error_cases():
    for a, kwargs in ((np.array([1, 4, 9, 16]), {}), (np.array([1, 4, 9, 16]), {"spacing": 2}),
                      (np.ones((2, 1)), {}), (np.ones((2, 4)), {"edge_order": 3}),
                      (np.ones((2, 4)), {"spacing": [1.0, 2.0, 3.0]}),
                      (np.ones((2, 4)), {"spacing": [1.0, 2.0], "dim": 1}),
                      (np.ones((2, 4)), {"dim": (0, 0)}), (np.ones((2, 4)), {"dim": 2}),
                      (np.array([True, False]), {}), (np.array(3.0), {})):
        t, m = pair(a)
        same_outcome(lambda: torch.gradient(t, **kwargs), lambda: ae.gradient(m, **kwargs))


# -- settings ---------------------------------------------------------------------------------
def test_settings_errors_match():
    for bad in (0, -1, 2.5, "2", True):
        same_outcome(lambda: torch.set_num_threads(bad), lambda: ae.set_num_threads(bad))
    same_outcome(lambda: torch.set_num_interop_threads(0),
                 lambda: ae.set_num_interop_threads(0))
    for bad in (1, "yes"):
        same_outcome(lambda: torch.use_deterministic_algorithms(bad),
                     lambda: ae.use_deterministic_algorithms(bad))
    for bad in (1.0, 3, "x"):
        same_outcome(lambda: torch.set_deterministic_debug_mode(bad),
                     lambda: ae.set_deterministic_debug_mode(bad))
    same_outcome(lambda: torch.set_float32_matmul_precision(3),
                 lambda: ae.set_float32_matmul_precision(3))
    for bad in (1, "x"):
        same_outcome(lambda: torch.set_warn_always(bad), lambda: ae.set_warn_always(bad))
    same_outcome(lambda: torch.set_default_device("foo"),
                 lambda: ae.set_default_device("foo"))
    assert ae.get_num_interop_threads() == torch.get_num_interop_threads()
    assert ae.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
    assert ae.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    assert str(ae.get_default_device()) == str(torch.get_default_device())


def test_typename_and_is_inference():
    for obj in (3, int, "a", np.float32, warnings.catch_warnings):
        assert ae.typename(obj) == torch.typename(obj)
    same_outcome(lambda: torch.is_inference(3), lambda: ae.is_inference(3))
    assert ae.typename(ae.ones(2, dtype=F64)).split(".")[-1] == \
        torch.typename(torch.ones(2, dtype=torch.float64)).split(".")[-1]


# -- window functions ------------------------------------------------------------------------
WINDOWS = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]
# absolute tolerances by dtype: bartlett is bitwise; the cosine windows differ where
# PyTorch's SLEEF cosine rounds differently (at most 1 ulp of 1); kaiser is computed in
# float64 (PyTorch's float32 Cephes is ~1e-6 away)
TOLERANCES = {"bartlett_window": {np.float32: 0, np.float64: 0, np.float16: 2e-3},
              "kaiser_window": {np.float32: 1.5e-6, np.float64: 4e-15, np.float16: 5e-4}}


@pytest.mark.parametrize("name", WINDOWS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_window_values(name, dtype):
    tolerance = TOLERANCES.get(name, {np.float32: 1.2e-7, np.float64: 4.5e-16,
                                      np.float16: 3e-3})[dtype]
    for n in range(0, 70):
        for periodic in (True, False):
            theirs = getattr(torch, name)(n, periodic, dtype=TORCH_DTYPES[np.dtype(dtype)])
            ours = getattr(ae, name)(n, periodic, dtype=dtype)
            assert ours.dtype == dtype and ours.shape == tuple(theirs.shape)
            np.testing.assert_allclose(ours.numpy().astype(F64),
                                       theirs.numpy().astype(F64), rtol=0, atol=tolerance)


def test_window_options_and_errors():
    for n, alpha, beta in ((7, 0.6, 0.3), (10, 0.5, 0.5)):
        np.testing.assert_allclose(ae.hamming_window(n, False, alpha, beta, dtype=F64).numpy(),
                                   torch.hamming_window(n, False, alpha, beta,
                                                        dtype=torch.float64).numpy(),
                                   rtol=0, atol=4.5e-16)
    for beta in (0.5, 5.0, 20.0):
        np.testing.assert_allclose(ae.kaiser_window(9, True, beta, dtype=F64).numpy(),
                                   torch.kaiser_window(9, True, beta,
                                                       dtype=torch.float64).numpy(),
                                   rtol=0, atol=4e-15)
    for name in WINDOWS:
        for args, kwargs in (((-1,), {}), ((2.5,), {}), ((True,), {}),
                             ((3,), {"dtype": "int64"}), ((5,), {"periodic": None}),
                             ((3,), {"requires_grad": True})):
            torch_kwargs = dict(kwargs)
            if "dtype" in kwargs:
                torch_kwargs["dtype"], kwargs = torch.int64, dict(kwargs, dtype=np.int64)
            same_outcome(lambda: getattr(torch, name)(*args, **torch_kwargs),
                         lambda: getattr(ae, name)(*args, **kwargs))
        assert getattr(ae, name)(3, requires_grad=True).requires_grad


# -- solvers ---------------------------------------------------------------------------------
matrix_shapes = st.tuples(st.lists(st.integers(1, 2), max_size=2), st.integers(1, 4),
                          st.integers(1, 4))


@settings(max_examples=30, deadline=None)
@given(matrix_shapes)
def test_lu_family(shape):
    batch, m, n = shape
    a = np.random.default_rng(m * 7 + n).standard_normal(tuple(batch) + (m, n))
    t, ours = pair(a)
    theirs = torch.linalg.lu_factor_ex(t)
    mine = ae.linalg.lu_factor_ex(ours)
    assert_same(mine.LU, theirs.LU, rtol=1e-9, atol=1e-12)
    assert values_equal(mine.pivots, theirs.pivots) and values_equal(mine.info, theirs.info)
    assert_same(tuple(ae.linalg.lu(ours)), tuple(torch.linalg.lu(t)), rtol=1e-9, atol=1e-12)
    assert_same(tuple(ae.lu_unpack(mine.LU, mine.pivots)),
                tuple(torch.lu_unpack(theirs.LU, theirs.pivots)), rtol=1e-9, atol=1e-12)
    same_gradients(lambda x: tuple(torch.linalg.lu(x))[1:],
                   lambda x: tuple(ae.linalg.lu(x))[1:], [a], rtol=1e-7, atol=1e-9)
    same_gradients(lambda x: torch.linalg.lu_factor(x).LU if m == n else
                   torch.linalg.lu_factor_ex(x).LU,
                   lambda x: ae.linalg.lu_factor(x).LU if m == n else
                   ae.linalg.lu_factor_ex(x).LU, [a], rtol=1e-7, atol=1e-9)


def values_equal(ours, theirs):
    return ours.dtype == {torch.int32: np.int32, torch.int64: np.int64}[theirs.dtype] and \
        np.array_equal(ours.numpy(), theirs.numpy())


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.lists(st.integers(1, 2), max_size=1),
       st.booleans(), st.booleans())
def test_lu_solve(n, k, batch, left, adjoint):
    rng = np.random.default_rng(n * 10 + k)
    a = rng.standard_normal(tuple(batch) + (n, n)) + 3 * np.eye(n)
    b = rng.standard_normal((n, k) if left else (k, n))
    same_gradients(lambda a, b: torch.linalg.lu_solve(*torch.linalg.lu_factor(a), b,
                                                      left=left, adjoint=adjoint),
                   lambda a, b: ae.linalg.lu_solve(*ae.linalg.lu_factor(a), b, left=left,
                                                   adjoint=adjoint), [a, b],
                   rtol=1e-7, atol=1e-9)
    same_gradients(lambda a, b: torch.lu_solve(b, *torch.linalg.lu_factor(a)),
                   lambda a, b: ae.lu_solve(b, *ae.linalg.lu_factor(a)),
                   [a, rng.standard_normal((n, k))], rtol=1e-7, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.lists(st.integers(1, 2), max_size=1),
       st.booleans(), st.booleans(), st.booleans())
def test_triangular_solves(n, k, batch, upper, left, unitriangular):
    rng = np.random.default_rng(n * 10 + k + 3)
    a = rng.standard_normal(tuple(batch) + (n, n)) + 3 * np.eye(n)  # not triangular: the
    b = rng.standard_normal((n, k) if left else (k, n))  # other triangle is ignored
    same_gradients(lambda a, b: torch.linalg.solve_triangular(
        a, b, upper=upper, left=left, unitriangular=unitriangular),
        lambda a, b: ae.linalg.solve_triangular(a, b, upper=upper, left=left,
                                                unitriangular=unitriangular),
        [a, b], rtol=1e-7, atol=1e-9)
    b = rng.standard_normal((n, k))
    same_gradients(lambda a, b: tuple(torch.triangular_solve(b, a, upper, left,
                                                             unitriangular)),
                   lambda a, b: tuple(ae.triangular_solve(b, a, upper, left, unitriangular)),
                   [a, b], rtol=1e-7, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.lists(st.integers(1, 2), max_size=1),
       st.booleans())
def test_cholesky_solvers(n, k, batch, upper):
    rng = np.random.default_rng(n * 10 + k + 5)
    factor = rng.standard_normal(tuple(batch) + (n, n)) + 3 * np.eye(n)
    factor = np.triu(factor) if upper else np.tril(factor)
    b = rng.standard_normal((n, k))
    same_gradients(lambda f, b: torch.cholesky_solve(b, f, upper),
                   lambda f, b: ae.cholesky_solve(b, f, upper), [factor, b],
                   rtol=1e-7, atol=1e-9)
    same_gradients(lambda f: torch.cholesky_inverse(f, upper),
                   lambda f: ae.cholesky_inverse(f, upper), [factor], rtol=1e-7, atol=1e-9)
    same_gradients(lambda f, b: b.cholesky_solve(f, upper),
                   lambda f, b: b.cholesky_solve(f, upper), [factor, b], rtol=1e-7, atol=1e-9)


def test_solver_errors_match():
    cases = [
        ("cholesky_solve", (np.ones(2), np.eye(2)), {}),
        ("cholesky_solve", (np.ones((2, 1)), np.ones((2, 3))), {}),
        ("cholesky_solve", (np.ones((3, 1)), np.eye(2)), {}),
        ("cholesky_solve", (np.ones((2, 1), np.int64), np.eye(2, dtype=np.int64)), {}),
        ("cholesky_solve", (np.ones((2, 1)), np.eye(2, dtype=np.float32)), {}),
        ("cholesky_inverse", (np.ones(3),), {}), ("cholesky_inverse", (np.ones((2, 3)),), {}),
        ("cholesky_inverse", (np.zeros((2, 2)),), {}),
        ("cholesky_inverse", (np.ones((2, 2), np.int64),), {}),
        ("triangular_solve", (np.ones(2), np.eye(2)), {}),
        ("triangular_solve", (np.ones((3, 1)), np.eye(2)), {}),
        ("triangular_solve", (np.ones((2, 1)), np.eye(2, dtype=np.float32)), {}),
        ("lu_unpack", (np.ones(3), np.ones(3, np.int32)), {}),
        ("lu_unpack", (np.ones((2, 3)), np.array([3, 3], np.int32)), {}),
        ("lu_unpack", (np.ones((2, 3)), np.array([1, 2], np.int64)), {}),
        ("lu", (np.ones((2, 2), np.int64),), {}), ("lu", (np.eye(2),), {"pivot": False}),
    ]
    for name, arrays, kwargs in cases:
        pairs = [pair(a) for a in arrays]
        same_outcome(lambda: getattr(torch, name)(*[p[0] for p in pairs], **kwargs),
                     lambda: getattr(ae, name)(*[p[1] for p in pairs], **kwargs))
    linalg_cases = [
        ("lu_factor", (np.array([[1.0, 2.0], [2.0, 4.0]]),), {}),
        ("lu_factor", (np.ones(3),), {}), ("lu_factor", (np.eye(2),), {"pivot": False}),
        ("lu_factor_ex", (np.ones((2, 2), np.int64),), {}),
        ("lu_factor_ex", (np.array([[1.0, 2.0], [2.0, 4.0]]),), {"check_errors": True}),
        ("solve_triangular", (np.eye(2), np.ones(2)), {"upper": True}),
        ("solve_triangular", (np.ones((2, 3)), np.ones((2, 1))), {"upper": True}),
        ("solve_triangular", (np.eye(2), np.ones((3, 1))), {"upper": True}),
        ("solve_triangular", (np.eye(2), np.ones((2, 3))), {"upper": True, "left": False}),
        ("solve_triangular", (np.eye(2, dtype=np.int64), np.ones((2, 1), np.int64)),
         {"upper": True}),
        ("solve_triangular", (np.eye(2), np.ones((2, 1))), {}),
    ]
    for name, arrays, kwargs in linalg_cases:
        pairs = [pair(a) for a in arrays]
        same_outcome(lambda: getattr(torch.linalg, name)(*[p[0] for p in pairs], **kwargs),
                     lambda: getattr(ae.linalg, name)(*[p[1] for p in pairs], **kwargs))
    lu_t, piv_t = torch.linalg.lu_factor(torch.tensor([[4.0, 1.0], [1.0, 3.0]]))
    lu_m, piv_m = ae.linalg.lu_factor(ae.tensor([[4.0, 1.0], [1.0, 3.0]]))
    for b, pivots in ((np.ones(2, np.float32), None), (np.ones((3, 1), np.float32), None),
                      (np.ones((2, 1)), None), (np.ones((2, 1), np.float32), [1]),
                      (np.ones((2, 1), np.float32), [3, 3])):
        p_t = piv_t if pivots is None else torch.tensor(pivots, dtype=torch.int32)
        p_m = piv_m if pivots is None else ae.tensor(pivots, dtype=np.int32)
        b_t, b_m = pair(b)
        same_outcome(lambda: torch.linalg.lu_solve(lu_t, p_t, b_t),
                     lambda: ae.linalg.lu_solve(lu_m, p_m, b_m))
    same_outcome(lambda: torch.linalg.lu_solve(lu_t, piv_t.long(), torch.ones(2, 1)),
                 lambda: ae.linalg.lu_solve(lu_m, piv_m.long(), ae.ones(2, 1)))


# -- nn ops at the top level -----------------------------------------------------------------
def rand(*shape, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed + sum(shape)).uniform(low, high, shape)


NN_CASES = [
    ("conv1d", lambda L, x, w: L.conv1d(x, w, None, 1, "same"), [rand(2, 3, 6), rand(2, 3, 3)]),
    ("conv2d", lambda L, x, w: L.conv2d(x, w, stride=2, padding=1),
     [rand(1, 2, 5, 5), rand(3, 2, 3, 3)]),
    ("conv3d", lambda L, x, w: L.conv3d(x, w), [rand(1, 2, 3, 3, 3), rand(2, 2, 2, 2, 2)]),
    ("conv_transpose1d", lambda L, x, w: L.conv_transpose1d(x, w, None, 2),
     [rand(1, 2, 4), rand(2, 3, 3)]),
    ("conv_transpose2d", lambda L, x, w: L.conv_transpose2d(x, w),
     [rand(1, 2, 3, 3), rand(2, 1, 2, 2)]),
    ("conv_transpose3d", lambda L, x, w: L.conv_transpose3d(x, w),
     [rand(1, 2, 2, 2, 2), rand(2, 1, 2, 2, 2)]),
    ("layer_norm", lambda L, x, w, b: L.layer_norm(x, (4,), w, b, 1e-5, True),
     [rand(2, 3, 4), rand(4), rand(4, seed=1)]),
    ("group_norm", lambda L, x, w, b: L.group_norm(x, 3, w, b, 1e-5, True),
     [rand(2, 6, 4), rand(6), rand(6, seed=1)]),
    ("batch_norm", lambda L, x, w, b: L.batch_norm(x, w, b, None, None, True, 0.1, 1e-5,
                                                   True), [rand(4, 3, 2), rand(3), rand(3)]),
    ("instance_norm", lambda L, x, w, b: L.instance_norm(x, w, b, None, None, True, 0.1,
                                                         1e-5, True),
     [rand(2, 3, 5), rand(3), rand(3)]),
    ("rms_norm", lambda L, x, w: L.rms_norm(x, (4,), w), [rand(2, 4), rand(4)]),
    ("bilinear", lambda L, a, b, w, c: L.bilinear(a, b, w, c),
     [rand(2, 3), rand(2, 4), rand(5, 3, 4), rand(5)]),
    ("cosine_similarity", lambda L, a, b: L.cosine_similarity(a, b, 0),
     [rand(3, 4), rand(3, 4, seed=1)]),
    ("pairwise_distance", lambda L, a, b: L.pairwise_distance(a, b, 1.5, 1e-6, True),
     [rand(3, 4), rand(3, 4, seed=1)]),
    ("pdist", lambda L, a: L.pdist(a, 3), [rand(4, 3)]),
    ("selu", lambda L, x: L.selu(x), [rand(3, 4)]),
    ("celu", lambda L, x: L.celu(x, 0.5), [rand(3, 4)]),
    ("prelu", lambda L, x, w: L.prelu(x, w), [rand(2, 3, 4), rand(3)]),
    ("rrelu", lambda L, x: L.rrelu(x, 0.1, 0.3), [rand(3, 4)]),
    ("threshold", lambda L, x: L.threshold(x, 0.1, -2.0), [rand(3, 4)]),
    ("hardshrink", lambda L, x: L.hardshrink(x, 0.3), [rand(3, 4)]),
    ("max_pool1d", lambda L, x: L.max_pool1d(x, 3, [], 1, 1, True), [rand(2, 3, 7)]),
    ("max_pool2d", lambda L, x: L.max_pool2d(x, 2, [], 1), [rand(1, 2, 5, 5)]),
    ("max_pool3d", lambda L, x: L.max_pool3d(x, 2), [rand(1, 1, 4, 4, 4)]),
    ("max_pool1d_with_indices", lambda L, x: L.max_pool1d_with_indices(x, 2, 1),
     [rand(2, 3, 6)]),
    ("avg_pool1d", lambda L, x: L.avg_pool1d(x, 3, 2, 1, True, False), [rand(2, 3, 7)]),
    ("adaptive_avg_pool1d", lambda L, x: L.adaptive_avg_pool1d(x, 4), [rand(2, 3, 7)]),
    ("adaptive_max_pool1d", lambda L, x: L.adaptive_max_pool1d(x, 3), [rand(2, 3, 7)]),
    ("pixel_shuffle", lambda L, x: L.pixel_shuffle(x, 2), [rand(1, 8, 2, 3)]),
    ("pixel_unshuffle", lambda L, x: L.pixel_unshuffle(x, 2), [rand(1, 2, 4, 6)]),
    ("channel_shuffle", lambda L, x: L.channel_shuffle(x, 3), [rand(2, 6, 2)]),
    ("constant_pad_nd", lambda L, x: L.constant_pad_nd(x, (1, 2, -1, 1), 0.5),
     [rand(2, 3, 4)]),
    ("kl_div", lambda L, x, y: L.kl_div(x, y, 1, log_target=True),
     [rand(3, 4), rand(3, 4, seed=1)]),
    ("binary_cross_entropy_with_logits",
     lambda L, x, y: L.binary_cross_entropy_with_logits(
         x, y, L.tensor(rand(4), dtype=x.dtype), L.tensor(rand(4, low=0.5), dtype=x.dtype), 2),
     [rand(3, 4), rand(3, 4, low=0.0)]),
    ("margin_ranking_loss", lambda L, a, b: L.margin_ranking_loss(
        a, b, a.new_tensor([1.0, -1.0, 1.0]), 0.2, 1), [rand(3), rand(3, seed=1)]),
    ("hinge_embedding_loss", lambda L, a: L.hinge_embedding_loss(
        a, a.new_tensor([1.0, -1.0, 1.0]), 0.5, 2), [rand(3)]),
    ("cosine_embedding_loss", lambda L, a, b: L.cosine_embedding_loss(
        a, b, a.new_tensor([1.0, -1.0]), 0.1), [rand(2, 3), rand(2, 3, seed=1)]),
    ("triplet_margin_loss", lambda L, a, p, n: L.triplet_margin_loss(a, p, n, 0.5, 1.5,
                                                                    1e-6, True, 1),
     [rand(3, 4), rand(3, 4, seed=1), rand(3, 4, seed=2)]),
    ("poisson_nll_loss", lambda L, x, y: L.poisson_nll_loss(x, y, False, True, 1e-8, 1),
     [rand(3, 4, low=0.5, high=2.0), rand(3, 4, low=0.5, high=3.0, seed=1)]),
    ("ctc_loss", lambda L, x: L.ctc_loss(x.log_softmax(2), L.tensor([[1, 2], [2, 2]]),
                                         [5, 4], [2, 1], 0, 1), [rand(5, 2, 3)]),
    ("embedding", lambda L, w: L.embedding(w, L.tensor([0, 2, 2, 3]), 2, True), [rand(4, 3)]),
]


@pytest.mark.parametrize("name,fn,arrays", NN_CASES, ids=[c[0] for c in NN_CASES])
def test_top_level_nn_ops(name, fn, arrays):
    same_gradients(lambda *xs: fn(torch, *xs), lambda *xs: fn(ae, *xs), arrays,
                   rtol=1e-7, atol=1e-9)


def test_top_level_nn_ops_in_float32_and_defaults():
    x = rand(2, 3, 4).astype(np.float32)
    y = rand(2, 3, 4, seed=1).astype(np.float32)
    t, m = pair(x)
    t2, m2 = pair(y)
    for name in ("kl_div", "binary_cross_entropy_with_logits", "margin_ranking_loss",
                 "triplet_margin_loss"):
        third = () if name in ("kl_div", "binary_cross_entropy_with_logits") else \
            ((torch.sign(t2),), (ae.sign(m2),)) if name == "margin_ranking_loss" else \
            ((t * 2,), (m * 2,))
        t_args, m_args = (third[0], third[1]) if third else ((), ())
        same_outcome(lambda: getattr(torch, name)(t, t2, *t_args),
                     lambda: getattr(ae, name)(m, m2, *m_args), rtol=1e-5, atol=1e-6)
        same_outcome(lambda: getattr(torch, name)(t, t2, *t_args, reduction="sum"),
                     lambda: getattr(ae, name)(m, m2, *m_args, reduction="sum"))
    for name in ("dropout", "alpha_dropout", "feature_alpha_dropout"):
        for p, train in ((1.5, False), (-0.1, True), (0.5, False), (1.0, True)):
            same_outcome(lambda: getattr(torch, name)(t, p, train),
                         lambda: getattr(ae, name)(m, p, train))
        same_outcome(lambda: getattr(torch, name)(t, 0.5), lambda: getattr(ae, name)(m, 0.5))
    for fn in (lambda L, a: L.selu(a, True), lambda L, a: L.max_pool1d(a, 2, return_indices=1),
               lambda L, a: L.batch_norm(a, None, None, None, None, False, 0.1, 1e-5, True),
               lambda L, a: L.embedding(a, a), lambda L, a: L.constant_pad_nd(a, (1,)),
               lambda L, a: L.poisson_nll_loss(a, a)):
        same_outcome(lambda: fn(torch, t), lambda: fn(ae, m))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.lists(st.integers(0, 4), max_size=6), st.data(),
       st.sampled_from([0, 1, 2]), st.sampled_from([None, 0, 2, -1, -3]))
def test_embedding_bag(n_bags, indices, data, mode, padding_idx):
    weight = rand(5, 3)
    offsets = sorted(data.draw(st.lists(st.integers(0, len(indices)), min_size=n_bags,
                                        max_size=n_bags)))
    offsets[0] = 0
    include_last = data.draw(st.booleans()) and offsets[-1] == len(indices)
    idx = np.array(indices, np.int64)
    args = (np.array(offsets, np.int64),)
    w_t, w_m = pair(weight)
    i_t, i_m = pair(idx)
    o_t, o_m = pair(args[0])
    same_outcome(lambda: torch.embedding_bag(w_t, i_t, o_t, False, mode, False, None,
                                             include_last, padding_idx),
                 lambda: ae.embedding_bag(w_m, i_m, o_m, False, mode, False, None,
                                          include_last, padding_idx))
    same_gradients(lambda w: torch.embedding_bag(w, i_t, o_t, False, mode, False, None,
                                                 include_last, padding_idx)[0],
                   lambda w: ae.embedding_bag(w, i_m, o_m, False, mode, False, None,
                                              include_last, padding_idx)[0], [weight])


def test_rrelu_and_inplace_forms():
    x = rand(3, 4)
    t, m = pair(x)
    same_outcome(lambda: torch.rrelu(t, 0.2, 0.1), lambda: ae.rrelu(m, 0.2, 0.1))
    g = ae.Generator().manual_seed(5)
    first = ae.rrelu(m, training=True, generator=g)
    g.manual_seed(5)
    assert np.array_equal(first.numpy(), ae.rrelu(m, training=True, generator=g).numpy())
    for name, args in (("selu_", ()), ("celu_", (0.5,)), ("threshold_", (0.1, -2.0)),
                       ("rrelu_", (0.2, 0.2)), ("dropout_", (0.5, False)),
                       ("alpha_dropout_", (0.0, True)), ("feature_alpha_dropout_", (0.5, False))):
        t, m = pair(x.copy())
        same_outcome(lambda: getattr(torch, name)(t, *args), lambda: getattr(ae, name)(m, *args))
        t, m = pair(x.copy(), grad=True)
        same_outcome(lambda: getattr(torch, name)(t, *args), lambda: getattr(ae, name)(m, *args))


# -- Tensor methods --------------------------------------------------------------------------
def test_views_storage_offsets_and_pointers():
    t, m = pair(np.arange(24.0).reshape(2, 3, 4))
    for view in (lambda x: x, lambda x: x[1:], lambda x: x[:, 2], lambda x: x[1, :, 1::2],
                 lambda x: x.transpose(0, 2)[3], lambda x: x.reshape(-1)[5:],
                 lambda x: x.unbind(1)[2], lambda x: x.split(2, 2)[1],
                 lambda x: x.diagonal(0, 1, 2), lambda x: x.narrow(2, 1, 2)):
        assert view(m).storage_offset() == view(t).storage_offset()
        assert view(m).data_ptr() - m.data_ptr() == view(t).data_ptr() - t.data_ptr()
    assert m.flip(0).storage_offset() == t.flip(0).storage_offset() == 0  # copies
    p_t, p_m = pair(np.ones(3), grad=True)
    for fn in (lambda p: p, lambda p: p * 2, lambda p: (p * 2).unbind()[2],
               lambda p: p.detach()):
        assert fn(p_m).output_nr == fn(p_t).output_nr


@pytest.mark.parametrize("name", ["byte", "char", "short", "isreal", "angle", "is_nonzero",
                                  "msort", "fliplr", "flipud", "diagflat", "conj_physical"])
def test_unary_methods(name):
    for a in (np.array([[1.7, -1.2], [300.0, 40000.0]]), np.array([[0.0]]),
              np.array([[1, 0], [3, 4]]), np.array([True]), np.ones((2, 2, 2))):
        t, m = pair(a)
        same_outcome(lambda: getattr(t, name)(), lambda: getattr(m, name)())


@pytest.mark.parametrize("name,args,kwargs", [
    ("split_with_sizes", ([1, 2],), {}), ("split_with_sizes", ([1, 3],), {"dim": 1}),
    ("split_with_sizes", ([2, 2],), {}), ("narrow_copy", (1, 1, 2), {}),
    ("unflatten", (1, (2, 2)), {}), ("dsplit", (2,), {}), ("rot90", (1, [0, 1]), {}),
    ("rot90", (3, [1, 0]), {}), ("hardshrink", (0.5,), {}), ("nonzero_static", (), {"size": 3}),
    ("resize_as_", (None,), {})])
def test_methods_with_arguments(name, args, kwargs):
    for a in (np.arange(12.0).reshape(3, 4) - 5, np.arange(8.0).reshape(2, 2, 2)):
        t, m = pair(a)
        t_args = tuple(torch.ones(2, 3) if x is None else x for x in args)
        m_args = tuple(ae.ones(2, 3) if x is None else x for x in args)
        same_outcome(lambda: getattr(t, name)(*t_args, **kwargs),
                     lambda: getattr(m, name)(*m_args, **kwargs))
    same_gradients(lambda x, w: x.prelu(w), lambda x, w: x.prelu(w),
                   [rand(2, 3, 4), rand(3)])


def test_matrix_transposes_and_complex_api():
    for a in (np.array(2.0), np.ones(3), np.ones((2, 3)), np.ones((2, 3, 4))):
        t, m = pair(a)
        for get in (lambda x: x.H, lambda x: x.mH, lambda x: x.mT, lambda x: x.adjoint(),
                    lambda x: x.imag, lambda x: x.real):
            same_outcome(lambda: get(t), lambda: get(m))
        for name in ("conj", "resolve_conj", "resolve_neg", "conj_physical"):
            assert (getattr(m, name)() is m) == (getattr(t, name)() is t)
        assert m.is_conj() == t.is_conj() and m.is_neg() == t.is_neg()


@pytest.mark.parametrize("args,kwargs", [
    ((), {}), ((2, 3), {}), (([1, 2],), {}), (((2, 3),), {}), (([[1, 2], [3, 4]],), {}),
    ((-1,), {}), ((), {"size": (2,)}), ((2.5,), {}), ((True,), {}), ((3,), {"dtype": "x"}),
    ((np.int64(3),), {}), ((np.array([1.5, 2]),), {})])
def test_new(args, kwargs):
    for a in (np.ones((2, 3), np.float32), np.array([1, 2])):
        t, m = pair(a)
        same = outcome(lambda: t.new(*args, **kwargs)), outcome(lambda: m.new(*args, **kwargs))
        (theirs, their_error), (ours, our_error) = same
        assert our_error == their_error
        if theirs is not None:
            assert ours.shape == tuple(theirs.shape)
            assert TORCH_DTYPES[ours.dtype] == theirs.dtype
            if args and isinstance(args[0], (list, tuple, np.ndarray)):
                assert_same(ours, theirs)


def test_new_from_tensors():
    t, m = pair(np.ones((2, 3), np.float32))
    for other in (np.ones(2, np.float32), np.ones(2), np.ones(2, np.int64)):
        o_t, o_m = pair(other)
        same_outcome(lambda: t.new(o_t), lambda: m.new(o_m))
    g_t, g_m = pair(np.ones(2, np.float32), grad=True)
    assert (m.new(g_m * 2).grad_fn is None) == (t.new(g_t * 2).grad_fn is None)


def test_apply_map_resize():
    for a in (np.array([1.0, 2.0, 3.0]), np.array([1, 2, 3]), np.array([True, False, True])):
        for fn in (lambda v: v * 2, lambda v: v * 1.7, lambda v: -v, lambda v: "a",
                   lambda v: None, lambda v: v > 1):
            t, m = pair(a)
            same_outcome(lambda: t.apply_(fn), lambda: m.apply_(fn))
        for other in (np.array([10.0, 20.0, 30.0]), np.array([1, 2, 3]), np.array([2.0]),
                      np.ones(4)):
            t, m = pair(a)
            o_t, o_m = pair(other)
            same_outcome(lambda: t.map_(o_t, lambda x, y: x + y),
                         lambda: m.map_(o_m, lambda x, y: x + y))
    g_t, g_m = pair(np.ones(2), grad=True)
    same_outcome(lambda: g_t.apply_(lambda v: v), lambda: g_m.apply_(lambda v: v))
    same_outcome(lambda: g_t.map_(g_t, lambda v, w: v), lambda: g_m.map_(g_m, lambda v, w: v))
    same_outcome(lambda: g_t.resize_(2), lambda: g_m.resize_(2))
    for steps in (((2, 3), (4,), (2, 2), (6,)), ((3, 2), (1,), (6,)), ((-1,),)):
        t, m = pair(np.arange(6.0))
        for size in steps:
            same_outcome(lambda: t.resize_(*size), lambda: m.resize_(*size))
    t, m = pair(np.arange(6.0).reshape(2, 3))
    t, m = t.t(), m.t()
    for size in ((3, 2), (6,), (2, 3)):
        same_outcome(lambda: t.resize_(size), lambda: m.resize_(size))
        assert m.is_contiguous() == t.is_contiguous()
    t, m = pair(np.arange(6.0))
    v_t, v_m = t[2:], m[2:]
    same_outcome(lambda: v_t.resize_(2), lambda: v_m.resize_(2))
    assert v_m.storage_offset() == v_t.storage_offset()
