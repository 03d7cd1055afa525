"""PyTorch's semantics for no-op shape ops (new views, not the input), ``view``'s stride rule,
``squeeze`` dims, ``index_select``/``gather`` bounds, bad index types, and the dtypes, forms
and errors of ``tensor``, ``arange``, ``rand``, ``randn`` and ``randint``. Expected values
are PyTorch 2.13's."""
import numpy as np
import pytest

import autograd_engine as ae


def _x23(requires_grad=False):
    return ae.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=requires_grad)


# -- no-op shape ops are new views --------------------------------------------------------
def _same(t):
    return t


def _flat(t):
    return t.reshape(6)


def _scalar(t):
    return t.sum()


NO_OPS = {  # name: (the base, made from a (2, 3) tensor; the no-op on it)
    "view same": (_same, lambda t: t.view(2, 3)),
    "view -1": (_same, lambda t: t.view(-1, 3)),
    "reshape same": (_same, lambda t: t.reshape(2, 3)),
    "view_as": (_same, lambda t: t.view_as(t)),
    "expand same": (_same, lambda t: t.expand(2, 3)),
    "expand -1": (_same, lambda t: t.expand(-1, -1)),
    "expand_as": (_same, lambda t: t.expand_as(t)),
    "permute identity": (_same, lambda t: t.permute(0, 1)),
    "transpose d d": (_same, lambda t: t.transpose(1, -1)),
    "movedim d d": (_same, lambda t: t.movedim(0, 0)),
    "squeeze non-size-1 dim": (_same, lambda t: t.squeeze(0)),
    "squeeze no size-1 dims": (_same, lambda t: t.squeeze()),
    "squeeze empty dims": (_same, lambda t: t.squeeze(())),
    "T of 1-D": (_flat, lambda t: t.T),
    "t of 1-D": (_flat, lambda t: t.t()),
    "0-d transpose": (_scalar, lambda t: t.transpose(0, -1)),
    "0-d t": (_scalar, lambda t: t.t()),
    "0-d T": (_scalar, lambda t: t.T),
    "0-d squeeze": (_scalar, lambda t: t.squeeze()),
    "0-d permute": (_scalar, lambda t: t.permute(())),
}


@pytest.mark.parametrize("base, op", NO_OPS.values(), ids=NO_OPS.keys())
def test_no_op_shape_ops_give_a_new_tensor_in_the_graph(base, op):
    h = base(_x23(requires_grad=True) * 1)
    v = op(h)
    assert v is not h and v.grad_fn is not None and v.is_leaf is False
    assert v.shape == h.shape and v.tolist() == h.tolist()


@pytest.mark.parametrize("base, op", NO_OPS.values(), ids=NO_OPS.keys())
def test_a_hook_on_a_no_op_view_acts_on_the_view_only(base, op):
    x = _x23(requires_grad=True)
    h = base(x * 2)
    v = op(h)
    v.register_hook(lambda g: g * 10)
    (h.sum() + v.sum()).backward()
    assert x.grad.tolist() == [[22.0] * 3] * 2  # torch: the hook scales v's path only


@pytest.mark.parametrize("base, op", NO_OPS.values(), ids=NO_OPS.keys())
def test_no_op_views_share_memory_and_version(base, op):
    h = base(_x23())
    v = op(h)
    assert v is not h and np.shares_memory(v.data, h.data) and v._vc is h._vc


def test_retain_grad_on_a_same_shape_reshape():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    v = h.reshape(2)
    v.retain_grad()
    (h * 5 + v).sum().backward()
    assert v.grad.tolist() == [1.0, 1.0] and x.grad.tolist() == [12.0, 12.0]
    assert h.grad is None


def test_requires_grad_false_on_a_no_op_squeeze_of_a_leaf_raises():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        x.squeeze(0).requires_grad_(False)
    assert x.requires_grad


def test_detach_in_place_on_a_same_shape_reshape_leaves_the_base_alone():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    try:
        h.reshape(2).detach_()
    except RuntimeError:  # PyTorch: "Can't detach views in-place"
        pass
    assert h.requires_grad and h.grad_fn is not None


def test_flatten_returns_self_only_when_it_merges_a_single_dim():
    x = _x23()
    assert x.flatten(1, 1) is x and x.flatten(0, 0) is x
    flat = x.reshape(6)
    assert flat.flatten() is flat
    scalar = ae.tensor(3.0)
    assert scalar.flatten() is not scalar and scalar.flatten().shape == (1,)
    assert x.flatten() is not x and x.squeeze() is not x  # other no-ops: views


# -- view's stride rule, contiguous() and C-contiguous results ------------------------------
def _ones(*shape):
    return ae.ones(*shape)


VIEW_CASES = [  # (input, shape, works in PyTorch)
    (lambda: _ones(2, 3).t(), (-1,), False),
    (lambda: _ones(2, 3).t(), (3, 2), True),
    (lambda: _ones(2, 3).t(), (3, 1, 2), True),
    (lambda: _ones(2, 3).t(), (1, 3, 2), True),
    (lambda: _ones(4, 6)[:, ::2], (-1,), True),
    (lambda: _ones(4, 6)[::2], (-1,), False),
    (lambda: _ones(4, 6)[::2], (2, 2, 3), True),
    (lambda: _ones(4, 6)[:, :3], (-1,), False),
    (lambda: _ones(4, 6)[:, :3], (2, 2, 3), True),
    (lambda: _ones(1, 3).expand(2, 3), (-1,), False),
    (lambda: _ones(1, 3).expand(2, 3), (2, 3, 1), True),
    (lambda: _ones(3, 1).expand(3, 2), (6,), False),
    (lambda: _ones(1, 3).expand(4, 3), (2, 2, 3), True),
    (lambda: _ones(2, 3, 4).permute(1, 0, 2), (3, 8), False),
    (lambda: _ones(2, 3, 4).permute(1, 0, 2), (6, 4), False),
    (lambda: _ones(2, 3, 4).transpose(1, 2), (2, 12), False),
    (lambda: _ones(2, 3, 4).transpose(1, 2), (2, 4, 3), True),
    (lambda: _ones(3, 1).t(), (-1,), True),
    (lambda: _ones(0, 3).t(), (-1,), True),
]


def test_view_follows_pytorchs_stride_rule():
    for make, shape, works in VIEW_CASES:
        a = make()
        if works:
            v = a.view(shape)
            assert np.shares_memory(v.data, a.data) or a.numel() == 0
        else:
            with pytest.raises(RuntimeError, match=r"view.*not compatible.*\.reshape"):
                a.view(shape)
            assert a.reshape(shape).tolist() == np.ones(a.shape).reshape(shape).tolist()
    with pytest.raises(RuntimeError, match="not compatible"):
        _ones(2, 3).t().view_as(_ones(6))


def test_contiguous_copies_only_non_contiguous_tensors():
    x = ae.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.contiguous() is x
    c = x.t().contiguous()
    assert c.is_contiguous() and c.view(-1).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    (c.view(-1) * ae.tensor(np.arange(6.0))).sum().backward()
    assert x.grad.tolist() == [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]


def test_fresh_results_are_c_contiguous_as_in_pytorch():
    x = ae.tensor(np.arange(12.0).reshape(3, 4))
    results = [x[:, [0, 2]], x[:, [[0], [2]]], x.index_select(1, ae.tensor([0, 2])),
               x.repeat_interleave(2, 1), ae.cat([x.t(), x.t()], 1),
               ae.stack([x.t(), x.t()], 1)]
    for r in results:
        assert r.is_contiguous()
    assert x[:, [0, 2]].view(-1).tolist() == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


# -- squeeze with repeated dims ------------------------------------------------------------
@pytest.mark.parametrize("dims", [(1, 1), [1, 1], (1, -1)])
def test_squeeze_repeated_dim_raises(dims):
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times in the list of dims"):
        _ones(2, 1).squeeze(dims)


# -- index_select / gather bounds -----------------------------------------------------------
@pytest.mark.parametrize("shape, dim, index", [
    ((3,), 0, [3]), ((3,), 0, [-1]), ((3,), 0, [-4]), ((2, 3), 0, [2]), ((2, 3), 1, [3]),
    ((2, 3, 4), 2, [-1]), ((2, 3, 4), 2, [5]), ((3,), 0, 7),
])
def test_index_select_out_of_range_is_an_index_error(shape, dim, index):
    with pytest.raises(IndexError, match="index_select.*out of range in self"):
        _ones(*shape).index_select(dim, ae.tensor(index))


def test_gather_rejects_negative_indices_with_a_runtime_error():
    x = ae.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="gather.*index -1 is out of bounds"):
        x.gather(0, ae.tensor([-1]))
    with pytest.raises(RuntimeError, match="gather.*index 3 is out of bounds"):
        x.gather(0, ae.tensor([3]))
    assert x.gather(0, ae.tensor([2, 0])).tolist() == [3.0, 1.0]


# -- bad index types ------------------------------------------------------------------------
@pytest.mark.parametrize("index", ["a", ("a",), (0, "a"), b"a", ["a"], [0, "a"],
                                   np.array(["a"]), np.str_("a")], ids=repr)
def test_indexing_with_a_string_is_a_type_error(index):
    x = _x23()
    with pytest.raises(TypeError, match="index"):
        x[index]
    with pytest.raises(TypeError, match="index"):
        x[index] = 1.0


def test_float_lists_and_arrays_as_indices_truncate_like_pytorch():
    x = ae.tensor(np.arange(12.0).reshape(3, 4))
    assert x[[1.5]].tolist() == [[4.0, 5.0, 6.0, 7.0]]
    assert x[[-1.5]].tolist() == [[8.0, 9.0, 10.0, 11.0]]
    assert x[np.array([1.7])].tolist() == [[4.0, 5.0, 6.0, 7.0]]
    assert x[0, [1.5, 3.2]].tolist() == [1.0, 3.0]
    with pytest.raises(IndexError):
        x[1.5]
    with pytest.raises(IndexError):
        x[ae.tensor([1.0])]


# -- tensor() dtype inference ---------------------------------------------------------------
f64, f32, f16, i64, i32, i8, u8 = (np.float64, np.float32, np.float16, np.int64, np.int32,
                                   np.int8, np.uint8)
TENSOR_DTYPES = [  # (data, PyTorch's dtype)
    (lambda: [f64(1), f64(2)], "float64"),
    (lambda: (f64(1), f64(2)), "float64"),
    (lambda: [f64(1), 2.0], "float64"),
    (lambda: [2.0, f64(1)], "float64"),
    (lambda: [f64(1), 2], "float64"),
    (lambda: [f32(1), f64(2)], "float64"),
    (lambda: [[1.0], [f64(2)]], "float64"),
    (lambda: [f32(1), 2.0], "float32"),
    (lambda: [i32(1), i32(2)], "int32"),
    (lambda: [i8(1), i8(2)], "int8"),
    (lambda: [u8(1)], "uint8"),
    (lambda: [True, i32(2)], "int32"),
    (lambda: [i32(1), 2], "int64"),
    (lambda: [i32(1), 2.0], "float32"),
    (lambda: [i64(1), f32(2)], "float32"),
    (lambda: [f16(1), 2.0], "float32"),
    (lambda: [np.array([1.0, 2.0])], "float64"),
    (lambda: [np.array([1, 2], dtype=i32)], "int32"),
    (lambda: [ae.tensor(1.0, dtype=f64), 2.0], "float64"),
    (lambda: [ae.tensor(1, dtype=i32), ae.tensor(2, dtype=i32)], "int32"),
    (lambda: [ae.tensor(1), 2.0], "float32"),
    (lambda: [1.0, 2.0], "float32"),
    (lambda: [1, 2], "int64"),
    (lambda: [True, False], "bool"),
    (lambda: [], "float32"),
]


def test_tensor_infers_pytorchs_dtype_from_sequences():
    for make, dtype in TENSOR_DTYPES:
        assert ae.tensor(make()).dtype == np.dtype(dtype), (make(), dtype)
    assert ae.tensor([f64(0.1)], dtype=ae.float32).dtype == np.float32  # dtype= still wins
    assert ae.tensor([1.7, 2.2], dtype=ae.int64).tolist() == [1, 2]


# -- arange ---------------------------------------------------------------------------------
ARANGE = [  # (args, PyTorch's values, dtype)
    ((ae.tensor(4),), [0, 1, 2, 3], "int64"),
    ((ae.tensor(4, dtype=i32),), [0, 1, 2, 3], "int64"),
    ((ae.tensor(True),), [0], "int64"),
    ((ae.tensor(1), ae.tensor(4)), [1, 2, 3], "int64"),
    ((0, ae.tensor(4), ae.tensor(2)), [0, 2], "int64"),
    ((ae.tensor(4.0),), [0.0, 1.0, 2.0, 3.0], "float32"),
    ((ae.tensor(4.0, dtype=f64),), [0.0, 1.0, 2.0, 3.0], "float32"),
    ((ae.tensor(1), 4.0), [1.0, 2.0, 3.0], "float32"),
    ((5, 0, -1), [5, 4, 3, 2, 1], "int64"),
    ((1, 1, -1), [], "int64"),
]


def test_arange_dtype_with_tensor_bounds():
    for args, values, dtype in ARANGE:
        out = ae.arange(*args)
        assert out.dtype == np.dtype(dtype) and out.tolist() == values, args


@pytest.mark.parametrize("args", [(0, 5, -1), (5, 0, 1), (-3,), (0.0, 1.0, -0.1)])
def test_arange_inconsistent_step_sign_raises(args):
    with pytest.raises(RuntimeError, match="upper bound and lower bound inconsistent with step "
                                           "sign"):
        ae.arange(*args)


def test_arange_errors_and_keyword_forms():
    for step in (0, 0.0, -0.0, float("nan")):
        with pytest.raises(RuntimeError, match="step must be nonzero"):
            ae.arange(0, 5, step)
    for bounds in ((0, float("nan")), (float("-inf"), 0), (float("inf"),)):
        with pytest.raises(RuntimeError, match="unsupported range"):
            ae.arange(*bounds)
    for bad in (ae.tensor([4]), "a", None):
        with pytest.raises(TypeError, match="arange"):
            ae.arange(bad)
    with pytest.raises(NotImplementedError, match="bool"):
        ae.arange(0, 5, dtype=ae.bool)
    assert ae.arange(end=5).tolist() == [0, 1, 2, 3, 4]
    assert ae.arange(start=1, end=4).tolist() == [1, 2, 3]


# -- rand / randn / randint -----------------------------------------------------------------
@pytest.mark.parametrize("factory", [ae.rand, ae.randn])
@pytest.mark.parametrize("dtype", [ae.int64, ae.int32, ae.bool])
def test_rand_and_randn_refuse_non_float_dtypes(factory, dtype):
    with pytest.raises(NotImplementedError, match=factory.__name__):
        factory(2, dtype=dtype)


def test_rand_like_of_an_int_tensor_raises_and_float_dtypes_work():
    with pytest.raises(NotImplementedError, match="rand"):
        ae.rand_like(ae.tensor([1, 2]))
    with pytest.raises(NotImplementedError, match="randn"):
        ae.randn_like(ae.tensor([1.0]), dtype=ae.int64)
    assert ae.rand(2, dtype=ae.float64).dtype == np.float64
    assert ae.randn(2, dtype=ae.float16).dtype == np.float16


RANDINT_FORMS = [  # (args, kwargs, shape, low, high, dtype)
    ((10, (3,)), {}, (3,), 0, 10, "int64"),
    ((10, [2, 2]), {}, (2, 2), 0, 10, "int64"),
    ((10, ()), {}, (), 0, 10, "int64"),
    ((2, 10, (3,)), {}, (3,), 2, 10, "int64"),
    ((10,), {"size": (3,)}, (3,), 0, 10, "int64"),
    ((2, 10), {"size": (3,)}, (3,), 2, 10, "int64"),
    ((), {"high": 10, "size": (3,)}, (3,), 0, 10, "int64"),
    ((), {"low": 2, "high": 10, "size": (3,)}, (3,), 2, 10, "int64"),
    ((-5, -1, (3,)), {}, (3,), -5, -1, "int64"),
    ((10, (3,)), {"dtype": ae.float32}, (3,), 0, 10, "float32"),
    ((10, (3,)), {"dtype": ae.int32}, (3,), 0, 10, "int32"),
    ((np.int64(10), (3,)), {}, (3,), 0, 10, "int64"),
    ((ae.tensor(10), (3,)), {}, (3,), 0, 10, "int64"),
]


def test_randint_call_forms():
    for args, kwargs, shape, low, high, dtype in RANDINT_FORMS:
        out = ae.randint(*args, **kwargs)
        assert out.shape == shape and out.dtype == np.dtype(dtype), (args, kwargs)
        assert ((out.data >= low) & (out.data < high)).all()


def test_randint_errors_and_randint_like():
    for args in ((10,), (2, 10), (10, 3), (2, 10, 3), (1.5, (3,))):
        with pytest.raises(TypeError, match="randint"):
            ae.randint(*args)
    for args in ((0, (3,)), (-1, (3,)), (3, 3, (3,))):
        with pytest.raises(RuntimeError, match="low < high"):
            ae.randint(*args)
    with pytest.raises(RuntimeError, match="out of bounds for dtype bool"):
        ae.randint(10, (3,), dtype=ae.bool)
    r = ae.randint(10, (3,), dtype=ae.float32, requires_grad=True)
    assert r.requires_grad and r.dtype == np.float32
    like = ae.randint_like(ae.ones(4), high=3)
    assert like.dtype == np.float32 and like.shape == (4,) and (like.data < 3).all()
