"""SPEC.md, clause by clause, in SPEC's order.

Each test checks one statement of /work/shared/SPEC.md literally; the comment above it
quotes the few words of the clause. Where SPEC only names a PyTorch behaviour, the expected
value was taken from torch 2.13 and is written out here as a literal (this file never
imports torch).
"""
import gc
import importlib
import importlib.metadata
import inspect
import math
import os
import pickle
import sys
import threading
import warnings
import weakref
import zipfile

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine import nn
from autograd_engine.nn import functional as F
from autograd_engine.nn import init

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ----------------------------------------------------------------------------- helpers
def npy(t):
    """A tensor's values as a numpy array (without touching autograd)."""
    return np.asarray(t.detach().numpy() if isinstance(t, ae.Tensor) else t)


def f64(a, rg=True):
    return ae.tensor(np.array(a, dtype=np.float64), requires_grad=rg)


def numgrad(f, arrays, eps=1e-6):
    """Central differences of the scalar f(*tensors) in float64, one array per input."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    out = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            vals = []
            for d in (eps, -eps):
                b = [x.copy() for x in arrays]
                b[i][idx] += d
                vals.append(float(npy(f(*[ae.tensor(x) for x in b]))))
            g[idx] = (vals[0] - vals[1]) / (2 * eps)
        out.append(g)
    return out


def assert_grads(f, *arrays, atol=1e-5, rtol=1e-4):
    """f's analytic gradients (backward) match central differences."""
    xs = [f64(a) for a in arrays]
    f(*xs).backward()
    for x, g in zip(xs, numgrad(f, arrays)):
        assert x.grad is not None
        np.testing.assert_allclose(npy(x.grad), g, atol=atol, rtol=rtol)


RNG = np.random.default_rng(0)
A23 = RNG.standard_normal((2, 3))
A234 = RNG.standard_normal((2, 3, 4))


# ============================================================================ preamble
# "Reductions also accept numpy's spellings `axis=` / `keepdims=` as aliases"
@pytest.mark.parametrize("name", ["sum", "mean", "var", "std", "prod", "logsumexp", "norm",
                                  "max", "min", "argmax", "argmin"])
@pytest.mark.parametrize("form", ["function", "method"])
def test_reductions_accept_axis_keepdims_aliases(name, form):
    x = ae.tensor(A234)
    fn = getattr(ae, name) if form == "function" else (lambda t, **k: getattr(t, name)(**k))
    a = fn(x, dim=1, keepdim=True)
    b = fn(x, axis=1, keepdims=True)
    if isinstance(a, tuple):
        a, b = a[0], b[0]
    assert a.shape == b.shape == (2, 1, 4)
    np.testing.assert_array_equal(npy(a), npy(b))


@pytest.mark.parametrize("name", ["sum", "mean", "var", "std", "prod", "logsumexp", "norm"])
def test_reductions_accept_axis_tuple_alias(name):
    x = ae.tensor(A234)
    a = getattr(ae, name)(x, dim=(0, 2), keepdim=True)
    b = getattr(x, name)(axis=(0, 2), keepdims=True)
    assert a.shape == b.shape == (1, 3, 1)
    np.testing.assert_array_equal(npy(a), npy(b))


# "Names follow PyTorch wherever PyTorch has the concept, so that a PyTorch user's code ports
#  ... with few edits; a behaviour that differs from PyTorch is a bug unless this page says
#  otherwise" (each form below works in torch 2.13)
_PT_NAME_FORMS = {
    "ae.sum(input=)": lambda x: ae.sum(input=x, dim=1),
    "ae.mean(input=)": lambda x: ae.mean(input=x),
    "ae.exp(input=)": lambda x: ae.exp(input=x),
    "ae.clamp(input=)": lambda x: ae.clamp(input=x, min=0.0),
    "ae.matmul(input=, other=)": lambda x: ae.matmul(input=x, other=x.T),
    "ae.where(condition=, input=, other=)": lambda x: ae.where(condition=x > 0, input=x, other=x),
    "ae.transpose(input=)": lambda x: ae.transpose(input=x, dim0=0, dim1=1),
    "F.softmax(input=)": lambda x: F.softmax(input=x, dim=1),
    "F.pad(input=)": lambda x: F.pad(input=x, pad=(1, 1)),
    "ae.zeros(size=)": lambda x: ae.zeros(size=(2, 3)),
    "ae.rand(size=)": lambda x: ae.rand(size=(2, 3)),
    "reshape(shape=)": lambda x: x.reshape(shape=(4, 2)),
    "permute(dims=)": lambda x: x.permute(dims=(1, 0)),
    "expand(size=)": lambda x: x[:1].expand(size=(3, 4)),
    "repeat(repeats=)": lambda x: x.repeat(repeats=(1, 2)),
}


def _refused_names(names):
    refused = []
    for name in names:
        try:
            assert isinstance(_PT_NAME_FORMS[name](ae.ones(2, 4)), ae.Tensor)
        except TypeError:
            refused.append(name)
    return refused


def test_pytorch_keyword_names():
    assert _refused_names(_PT_NAME_FORMS) == []


# `t **= v` is in place in PyTorch (Tensor.__ipow__): the tensor object is written, not rebound
def test_ipow_is_in_place():
    t = ae.tensor([1.0, 2.0])
    alias = t
    t **= 2
    assert alias is t and alias.tolist() == [1.0, 4.0] and t._version == 1


# ============================================================================ package
# "import package `autograd_engine` (`import autograd_engine as ae`)"
def test_import_package_name():
    assert ae.__name__ == "autograd_engine"


# "Distribution `autograd-engine`"
def test_distribution_name():
    assert importlib.metadata.distribution("autograd-engine").metadata["Name"] == "autograd-engine"


# "Repo root: README.md, pyproject.toml, autograd_engine/, kernels/, tests/, bench/ (plus .ci/)"
@pytest.mark.parametrize("entry", ["README.md", "pyproject.toml", "autograd_engine", "kernels",
                                   "tests", "bench", ".ci"])
def test_repo_root_layout(entry):
    assert os.path.exists(os.path.join(ROOT, entry))


# "It ships inside the wheel as `autograd_engine.kernels`"
def test_kernels_importable_as_autograd_engine_kernels():
    mod = importlib.import_module("autograd_engine.kernels")
    assert os.path.realpath(os.path.dirname(mod.__file__)) == os.path.realpath(
        os.path.join(ROOT, "kernels"))
    assert ae.kernels is mod


# "kernels/ ... knows nothing of `Tensor`: plain functions on numpy arrays"
def test_kernels_know_nothing_of_tensor():
    pkg = importlib.import_module("autograd_engine.kernels")
    names = [f[:-3] for f in os.listdir(os.path.dirname(pkg.__file__))
             if f.endswith(".py") and f != "__init__.py"]
    for name in names:
        mod = importlib.import_module("autograd_engine.kernels." + name)
        for value in vars(mod).values():
            assert value is not ae.Tensor, name
            if inspect.ismodule(value):
                assert not (value.__name__.startswith("autograd_engine")
                            and not value.__name__.startswith("autograd_engine.kernels")), (
                    name, value.__name__)


# "`kernels/` holds every Numba kernel": no Numba dispatcher is defined outside it
def test_every_numba_kernel_lives_in_kernels():
    import numba.core.registry
    import pkgutil
    dispatcher = numba.core.registry.CPUDispatcher
    for info in pkgutil.walk_packages(ae.__path__, "autograd_engine."):
        if info.name.startswith("autograd_engine.kernels") or info.name.endswith("__main__"):
            continue
        try:
            mod = importlib.import_module(info.name)
        except ImportError:              # an optional extra (demo) not installed
            continue
        for name, value in vars(mod).items():
            if isinstance(value, dispatcher):
                assert value.py_func.__module__.startswith("autograd_engine.kernels"), (
                    info.name, name, value.py_func.__module__)


# "Runtime dependencies: numpy and numba only. Extras: `test` (...), `demo` (...)"
def test_runtime_dependencies_and_extras():
    reqs = importlib.metadata.requires("autograd-engine") or []
    base = sorted(r.split(";")[0].split("<")[0].split(">")[0].split("=")[0].strip()
                  for r in reqs if "extra ==" not in r)
    assert base == ["numba", "numpy"]
    extras = importlib.metadata.metadata("autograd-engine").get_all("Provides-Extra")
    assert set(extras) == {"test", "demo"}
    by_extra = {}
    for r in reqs:
        if "extra ==" in r:
            name = r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].strip()
            by_extra.setdefault(r.split("extra ==")[1].strip().strip("'\""), set()).add(name)
    assert by_extra["test"] == {"pytest", "pytest-benchmark", "hypothesis"}
    assert by_extra["demo"] == {"tqdm", "matplotlib", "scikit-learn"}
    # "torch is never a dependency"
    assert not any("torch" in r for r in reqs)


# ============================================================================ Tensor
# "`ae.tensor(data, dtype=None, requires_grad=False)`"
def test_tensor_signature():
    params = list(inspect.signature(ae.tensor).parameters.values())
    assert [p.name for p in params[:3]] == ["data", "dtype", "requires_grad"]
    assert params[1].default is None and params[2].default is False


# "from a scalar, nested lists, a numpy array or a Tensor"
@pytest.mark.parametrize("data, shape", [(3.0, ()), ([[1.0, 2.0], [3.0, 4.0]], (2, 2)),
                                         (np.ones((2, 3)), (2, 3)),
                                         (ae.ones(4), (4,))])
def test_tensor_from_sources(data, shape):
    t = ae.tensor(data)
    assert isinstance(t, ae.Tensor) and t.shape == shape


# "Python floats give float32"
@pytest.mark.parametrize("data", [1.5, [1.5, 2.5], [[1.0], [2.0]]])
def test_python_floats_give_float32(data):
    assert ae.tensor(data).dtype == np.float32


# "a numpy array keeps its dtype"
@pytest.mark.parametrize("dt", [np.float64, np.float32, np.int64, np.int32, np.bool_])
def test_numpy_array_keeps_dtype(dt):
    assert ae.tensor(np.zeros(3, dtype=dt)).dtype == dt


# "`ae.from_numpy(a)` shares memory"
def test_from_numpy_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = ae.from_numpy(a)
    a[1] = 5.0
    assert npy(t)[1] == 5.0
    t.numpy()[2] = 7.0
    assert a[2] == 7.0


# "float32 and float64 are differentiable dtypes"
@pytest.mark.parametrize("dt", [ae.float32, ae.float64])
def test_float_dtypes_differentiable(dt):
    x = ae.tensor([1.0, 2.0], dtype=dt, requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == dt
    np.testing.assert_allclose(npy(x.grad), [2.0, 4.0])


# "integer and bool tensors exist ... but `requires_grad=True` on them is a `TypeError`"
@pytest.mark.parametrize("make", [
    lambda: ae.tensor([1, 2], requires_grad=True),
    lambda: ae.tensor([True], requires_grad=True),
    lambda: ae.tensor([1.0], dtype=ae.int64, requires_grad=True),
    lambda: ae.tensor(np.array([1, 2], dtype=np.int32), requires_grad=True),
    lambda: ae.tensor([1, 2]).requires_grad_(),
    lambda: ae.tensor([True, False]).requires_grad_(True),
    lambda: ae.zeros(2, dtype=ae.int64, requires_grad=True),
    lambda: ae.arange(3, requires_grad=True),
    lambda: ae.randint(0, 3, (2,), requires_grad=True),
], ids=["int-list", "bool-list", "dtype-int64", "np-int32", "requires_grad_-int",
        "requires_grad_-bool", "zeros-int64", "arange-int", "randint"])
def test_requires_grad_on_integer_is_type_error(make):
    with pytest.raises(TypeError):
        make()


# the same clause through the other ways of asking for a gradient (torch refuses each one)
@pytest.mark.parametrize("make", [
    pytest.param(lambda: ae.ones(2).new_tensor([1, 2], dtype=ae.int64, requires_grad=True),
                 id="new_tensor"),
    pytest.param(lambda: ae.full_like(ae.ones(2), 3, dtype=ae.int64, requires_grad=True),
                 id="full_like"),
    pytest.param(lambda: ae.randint_like(ae.tensor([1, 2]), 5, requires_grad=True),
                 id="randint_like"),
    pytest.param(lambda: nn.Parameter(ae.tensor([1, 2])), id="Parameter"),
])
def test_requires_grad_on_integer_other_forms(make):
    with pytest.raises(TypeError):
        make()


def test_requires_grad_attribute_on_integer_is_type_error():
    accepted = []
    for data in ([1, 2], [True]):
        t = ae.tensor(data)
        try:
            t.requires_grad = True
            accepted.append(str(t.dtype))
        except TypeError:
            pass
    assert accepted == []


def test_requires_grad_on_integer_new_factories():
    accepted = []
    for name, make in {
        "new_zeros": lambda: ae.ones(2).new_zeros(2, dtype=ae.int64, requires_grad=True),
        "new_ones": lambda: ae.ones(2).new_ones(2, dtype=ae.int64, requires_grad=True),
        "new_full": lambda: ae.ones(2).new_full((2,), 3, dtype=ae.int64, requires_grad=True),
        "new_empty": lambda: ae.ones(2).new_empty(2, dtype=ae.int64, requires_grad=True),
        "new_zeros-int-self": lambda: ae.tensor([1, 2]).new_zeros(2, requires_grad=True),
    }.items():
        try:
            make()
            accepted.append(name)
        except TypeError:
            pass
    assert accepted == []


# "Object/str data is a `TypeError`"
@pytest.mark.parametrize("data", [["a", "b"], "abc", [object()], np.array([object()]),
                                  np.array(["x"])], ids=["str-list", "str", "object-list",
                                                         "np-object", "np-str"])
def test_object_or_str_data_is_type_error(data):
    with pytest.raises(TypeError):
        ae.tensor(data)


# "Factories: zeros, ones, full, empty, arange, linspace, eye, zeros_like, ones_like, rand,
#  randn, randint, each with `dtype=` and `requires_grad=`"
FACTORIES = {
    "zeros": lambda **k: ae.zeros(2, 3, **k),
    "ones": lambda **k: ae.ones(2, 3, **k),
    "full": lambda **k: ae.full((2, 3), 1.5, **k),
    "empty": lambda **k: ae.empty(2, 3, **k),
    "arange": lambda **k: ae.arange(0, 6, **k),
    "linspace": lambda **k: ae.linspace(0, 1, 5, **k),
    "eye": lambda **k: ae.eye(3, **k),
    "zeros_like": lambda **k: ae.zeros_like(ae.ones(2, 3), **k),
    "ones_like": lambda **k: ae.ones_like(ae.ones(2, 3), **k),
    "rand": lambda **k: ae.rand(2, 3, **k),
    "randn": lambda **k: ae.randn(2, 3, **k),
    "randint": lambda **k: ae.randint(0, 5, (2, 3), **k),
}


@pytest.mark.parametrize("name", list(FACTORIES))
def test_factory_dtype_and_requires_grad(name):
    t = FACTORIES[name](dtype=ae.float64, requires_grad=True)
    assert isinstance(t, ae.Tensor)
    assert t.dtype == np.float64
    assert t.requires_grad and t.is_leaf and t.grad_fn is None
    u = FACTORIES[name](dtype=ae.float32)
    assert u.dtype == np.float32 and not u.requires_grad


@pytest.mark.parametrize("name", ["zeros", "ones", "full", "arange", "eye", "zeros_like",
                                  "ones_like", "randint"])
def test_factory_integer_dtype(name):
    assert FACTORIES[name](dtype=ae.int64).dtype == np.int64


# "`ae.manual_seed(s)` makes every random draw of the library (init, dropout, randn,
#  data shuffling) reproducible"
def _draws():
    lin = nn.Linear(4, 3)
    w = init.normal_(ae.empty(5))
    drop = F.dropout(ae.ones(50), p=0.5, training=True)
    r = ae.randn(4)
    u = ae.rand(4)
    i = ae.randint(0, 100, (4,))
    from autograd_engine.utils.data import DataLoader, TensorDataset
    loader = DataLoader(TensorDataset(ae.arange(20)), batch_size=20, shuffle=True)
    order = next(iter(loader))[0]
    return [npy(lin.weight), npy(lin.bias), npy(w), npy(drop), npy(r), npy(u), npy(i),
            npy(order)]


def test_manual_seed_reproducible():
    ae.manual_seed(123)
    a = _draws()
    ae.manual_seed(123)
    b = _draws()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    ae.manual_seed(124)
    c = _draws()
    assert any(not np.array_equal(x, y) for x, y in zip(a, c))
    # the shuffle is a real permutation
    assert sorted(a[-1].tolist()) == list(range(20)) and a[-1].tolist() != list(range(20))


# "Dtypes: `ae.float32, ae.float64, ae.int64, ae.bool` (numpy dtypes)"
@pytest.mark.parametrize("name, np_dt", [("float32", np.float32), ("float64", np.float64),
                                         ("int64", np.int64), ("bool", np.bool_)])
def test_dtypes_are_numpy_dtypes(name, np_dt):
    dt = getattr(ae, name)
    assert np.dtype(dt) == np.dtype(np_dt)
    assert ae.zeros(2, dtype=dt).dtype == np_dt


# "A Python scalar in an op never up-casts a float32 tensor"
@pytest.mark.parametrize("op", [lambda t: t + 1.5, lambda t: 1.5 + t, lambda t: t * 0.1,
                                lambda t: t - 2, lambda t: 2.0 / t, lambda t: t ** 2.0,
                                lambda t: 2.0 ** t, lambda t: ae.maximum(t, ae.tensor(0.5)),
                                lambda t: ae.clamp(t, 0.0, 1.0), lambda t: ae.where(t > 0, t, 0.0)])
def test_python_scalar_never_upcasts_float32(op):
    t = ae.tensor([1.0, 2.0], dtype=ae.float32)
    assert op(t).dtype == np.float32


# "Attributes: `shape` (tuple), `ndim`, `dtype`, `numel()`, `size(dim=None)`, `len()`"
def test_attributes_shape_ndim_dtype_numel_size_len():
    t = ae.zeros(2, 3, 4)
    assert type(t.shape) is tuple or isinstance(t.shape, tuple)
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.dtype == np.float32
    assert t.numel() == 24
    assert tuple(t.size()) == (2, 3, 4)
    assert t.size(1) == 3 and t.size(-1) == 4 and t.size(dim=0) == 2
    assert len(t) == 2


# len() of a 0-d tensor: PyTorch raises TypeError("len() of a 0-d tensor")
def test_len_of_0d_is_type_error():
    with pytest.raises(TypeError):
        len(ae.tensor(1.0))


# "`requires_grad`, `grad` (Tensor or None), `grad_fn` (the node ..., None for leaves), `is_leaf`"
def test_requires_grad_grad_grad_fn_is_leaf():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad and x.grad is None and x.grad_fn is None and x.is_leaf
    y = x * 3
    assert y.requires_grad and y.grad_fn is not None and not y.is_leaf
    y.sum().backward()
    assert isinstance(x.grad, ae.Tensor)
    c = ae.tensor([1.0])
    assert c.is_leaf and not c.requires_grad and c.grad_fn is None


# "`item()`, `tolist()`"
def test_item_and_tolist():
    v = ae.tensor([[2.5]]).item()
    assert isinstance(v, float) and v == 2.5
    assert isinstance(ae.tensor([3]).item(), int)
    assert ae.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert ae.tensor(1.5).tolist() == 1.5
    assert isinstance(ae.tensor([True]).tolist()[0], bool)


# "`numpy()` (shares memory; raises if it requires grad, like PyTorch: use `detach().numpy()`)"
def test_numpy_shares_memory():
    t = ae.zeros(3)
    a = t.numpy()
    a[0] = 4.0
    assert isinstance(a, np.ndarray) and t.tolist()[0] == 4.0


def test_numpy_raises_when_requires_grad():
    x = ae.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    with pytest.raises(RuntimeError):
        (x * 2).numpy()
    assert isinstance(x.detach().numpy(), np.ndarray)


# "`data` (the underlying numpy array)"
def test_data_is_numpy_array():
    t = ae.tensor([1.0, 2.0])
    assert isinstance(t.data, np.ndarray)
    t.data[0] = 9.0
    assert t.tolist()[0] == 9.0


# "`detach()`"
def test_detach():
    x = ae.tensor([1.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf


# "`requires_grad_(b=True)`"
def test_requires_grad_():
    t = ae.zeros(2)
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad_(False)
    assert not t.requires_grad


# "`retain_grad()`"
def test_retain_grad():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    np.testing.assert_allclose(npy(y.grad), [6.0, 12.0])


# "`register_hook(fn)`" + Details: "`register_hook` returns a handle with `remove()`"
def test_register_hook_and_handle_remove():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = x.register_hook(lambda g: seen.append(npy(g).copy()) or g * 10)
    (x * 1).sum().backward()
    np.testing.assert_allclose(npy(x.grad), [10.0, 10.0])
    h.remove()
    x.grad = None
    (x * 1).sum().backward()
    np.testing.assert_allclose(npy(x.grad), [1.0, 1.0])
    assert len(seen) == 1


# "`to(dtype)` / `float()` / `double()` / `long()`"
def test_to_float_double_long():
    t = ae.tensor([1.7, -2.2])
    assert t.to(ae.float64).dtype == np.float64
    assert t.double().dtype == np.float64
    assert t.double().float().dtype == np.float32
    assert t.long().dtype == np.int64 and t.long().tolist() == [1, -2]
    x = ae.tensor([1.0], requires_grad=True)
    y = x.double()
    (y * 2).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [2.0]


# "`__repr__` showing values and grad_fn"
def test_repr_values_and_grad_fn():
    x = ae.tensor([1.5, 2.25], requires_grad=True)
    assert "1.5" in repr(x) and "2.25" in repr(x) and "requires_grad=True" in repr(x)
    r = repr(x * 2)
    assert "3." in r and "4.5" in r and "grad_fn=<MulBackward0>" in r


# "`t.backward(gradient=None, retain_graph=False, create_graph=False)`"
def test_backward_signature():
    params = list(inspect.signature(ae.Tensor.backward).parameters.values())
    assert [p.name for p in params[1:4]] == ["gradient", "retain_graph", "create_graph"]
    assert params[1].default is None and not params[2].default and params[3].default is False


# "a non-scalar output without `gradient` is a `RuntimeError`"
def test_backward_non_scalar_without_gradient():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        (x * 2).backward()
    (x * 2).backward(ae.tensor([1.0, 3.0]))
    np.testing.assert_allclose(npy(x.grad), [2.0, 6.0])


# "Leaves accumulate into `.grad`"
def test_leaves_accumulate():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(npy(x.grad), [5.0, 7.0])


# "a second backward that needs a freed buffer raises a `RuntimeError` that says so"
def test_second_backward_freed_buffers():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="(?i)freed|second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(npy(x.grad), [4.0, 8.0])


# "(a graph with nothing saved may be walked again, as in PyTorch)"
def test_graph_with_nothing_saved_walked_again():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = (x + 1).sum()
    y.backward()
    y.backward()
    np.testing.assert_allclose(npy(x.grad), [2.0, 2.0])


# "as in PyTorch": which graphs torch 2.13 walks a second time without retain_graph (True) and
# which raise (False), for the listed ops, on x = ones(2, 3, requires_grad=True)
_WALK_AGAIN = {
    "add": (lambda x: x + 1, True), "add-tensor": (lambda x: x + x, True),
    "sub": (lambda x: 1 - x, True), "neg": (lambda x: -x, True),
    "sum": (lambda x: x.sum(), True), "sum-dim": (lambda x: x.sum(dim=0), True),
    "mean": (lambda x: x.mean(), True), "mean-dim": (lambda x: x.mean(dim=1), True),
    "reshape": (lambda x: x.reshape(3, 2), True), "view": (lambda x: x.view(6), True),
    "transpose": (lambda x: x.transpose(0, 1), True), "permute": (lambda x: x.permute(1, 0), True),
    "T": (lambda x: x.T, True), "expand": (lambda x: x[:1].expand(4, 3), True),
    "cat": (lambda x: ae.cat([x, x]), True), "stack": (lambda x: ae.stack([x, x]), True),
    "split": (lambda x: x.split(1)[0], True), "chunk": (lambda x: x.chunk(2)[1], True),
    "slice": (lambda x: x[0, 1:], True), "unsqueeze": (lambda x: x.unsqueeze(0), True),
    "squeeze": (lambda x: x.unsqueeze(0).squeeze(0), True),
    "flatten": (lambda x: x.flatten(), True),
    "repeat": (lambda x: x.repeat(2, 1), True), "pad": (lambda x: F.pad(x, (1, 1)), True),
    "double": (lambda x: x.double(), True), "sign": (lambda x: ae.sign(x) + x, True),
    "sub-tensor": (lambda x: x - ae.ones(2, 3), True),
    "mul-scalar": (lambda x: x * 2, False), "div-scalar": (lambda x: x / 2, False),
    "mul-tensor": (lambda x: x * ae.ones(2, 3), False),
    "div-tensor": (lambda x: x / ae.ones(2, 3), False),
    "exp": (lambda x: ae.exp(x), False), "relu": (lambda x: ae.relu(x), False),
    "abs": (lambda x: x.abs(), False), "matmul": (lambda x: x @ ae.ones(3, 2), False),
    "where": (lambda x: ae.where(ae.ones(2, 3) > 0, x, 0.0), False),
    "index-int-tensor": (lambda x: x[ae.tensor([0, 0])], False),
    "index-bool-mask": (lambda x: x[x > 0], False),
}
def _walk_twice(name):
    fn, again = _WALK_AGAIN[name]
    x = ae.ones(2, 3, requires_grad=True)
    y = fn(x).sum()
    y.backward()
    g1 = npy(x.grad).copy()
    if again:
        y.backward()
        np.testing.assert_allclose(npy(x.grad), 2 * g1)
    else:
        with pytest.raises(RuntimeError, match="(?i)freed|second time"):
            y.backward()


@pytest.mark.parametrize("name", list(_WALK_AGAIN))
def test_second_backward_as_pytorch(name):
    _walk_twice(name)


# ============================================================================ Operations
# "Arithmetic with full numpy broadcasting: `+ - * / ** @`"
BINARY = {
    "+": (lambda a, b: a + b, np.add),
    "-": (lambda a, b: a - b, np.subtract),
    "*": (lambda a, b: a * b, np.multiply),
    "/": (lambda a, b: a / b, np.divide),
    "**": (lambda a, b: a ** b, np.power),
}


@pytest.mark.parametrize("op", list(BINARY))
def test_arithmetic_broadcasting_values_and_grads(op):
    fn, ref = BINARY[op]
    a = np.abs(RNG.standard_normal((2, 1, 3))) + 0.5
    b = np.abs(RNG.standard_normal((4, 3))) + 0.5
    out = fn(ae.tensor(a), ae.tensor(b))
    assert out.shape == (2, 4, 3)
    np.testing.assert_allclose(npy(out), ref(a, b), rtol=1e-12)
    w = RNG.standard_normal((2, 4, 3))
    assert_grads(lambda x, y: (fn(x, y) * ae.tensor(w)).sum(), a, b)


def test_matmul_operator_broadcasting():
    a = RNG.standard_normal((2, 1, 3, 4))
    b = RNG.standard_normal((5, 4, 2))
    out = ae.tensor(a) @ ae.tensor(b)
    assert out.shape == (2, 5, 3, 2)
    np.testing.assert_allclose(npy(out), a @ b, rtol=1e-12)


# "unary `-`, `abs`"
def test_unary_neg_and_abs():
    x = ae.tensor([-1.5, 2.0])
    assert (-x).tolist() == [1.5, -2.0]
    assert abs(x).tolist() == [1.5, 2.0]
    assert ae.abs(x).tolist() == [1.5, 2.0] and x.abs().tolist() == [1.5, 2.0]
    assert_grads(lambda t: (-t * ae.tensor([1.0, 2.0])).sum(), [-1.5, 2.0])
    assert_grads(lambda t: (abs(t) * ae.tensor([1.0, 2.0])).sum(), [-1.5, 2.0])


# "reflected forms with scalars"
@pytest.mark.parametrize("fn, ref", [(lambda t: 2 + t, [3.0, 6.0]), (lambda t: 2 - t, [1.0, -2.0]),
                                     (lambda t: 2 * t, [2.0, 8.0]), (lambda t: 2 / t, [2.0, 0.5]),
                                     (lambda t: 2 ** t, [2.0, 16.0])])
def test_reflected_scalar_forms(fn, ref):
    out = fn(ae.tensor([1.0, 4.0]))
    assert isinstance(out, ae.Tensor) and out.tolist() == ref
    assert_grads(lambda t: fn(t).sum(), [1.0, 4.0])


# "comparisons (`< <= > >= == !=`, giving bool tensors, no gradient)"
@pytest.mark.parametrize("fn, ref", [(lambda a, b: a < b, [True, False, False]),
                                     (lambda a, b: a <= b, [True, True, False]),
                                     (lambda a, b: a > b, [False, False, True]),
                                     (lambda a, b: a >= b, [False, True, True]),
                                     (lambda a, b: a == b, [False, True, False]),
                                     (lambda a, b: a != b, [True, False, True])])
def test_comparisons_bool_no_grad(fn, ref):
    x = ae.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = fn(x, ae.tensor([[2.0, 2.0, 2.0]]))
    assert out.dtype == np.bool_ and out.shape == (1, 3)
    assert out.tolist() == [ref]
    assert not out.requires_grad and out.grad_fn is None
    assert fn(x, 2.0).tolist() == ref
    assert fn(2.0, x).tolist() == fn(ae.tensor([2.0, 2.0, 2.0]), x).tolist()     # reflected


# "Elementwise: exp, log, sqrt, sin, cos, tanh, sigmoid, relu, clamp(min,max), maximum,
#  minimum, where(cond, a, b), sign"
def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


UNARY = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tanh": np.tanh, "sigmoid": _sigmoid, "relu": lambda a: np.maximum(a, 0),
    "sign": np.sign,
}


@pytest.mark.parametrize("name", list(UNARY))
def test_elementwise_unary_function_and_method(name):
    a = np.array([0.3, 1.7, 2.2]) if name in ("log", "sqrt") else np.array([-1.3, 0.4, 2.2])
    np.testing.assert_allclose(npy(getattr(ae, name)(ae.tensor(a))), UNARY[name](a), rtol=1e-12)
    np.testing.assert_allclose(npy(getattr(ae.tensor(a), name)()), UNARY[name](a), rtol=1e-12)
    if name != "sign":
        assert_grads(lambda t: getattr(ae, name)(t).sum(), a)


def test_clamp_min_max():
    a = np.array([-2.0, -0.5, 0.5, 2.0])
    x = ae.tensor(a)
    np.testing.assert_allclose(npy(ae.clamp(x, -1.0, 1.0)), np.clip(a, -1, 1))
    np.testing.assert_allclose(npy(x.clamp(min=0.0)), np.clip(a, 0, None))
    np.testing.assert_allclose(npy(x.clamp(max=0.0)), np.clip(a, None, 0))
    assert_grads(lambda t: ae.clamp(t, -1.0, 1.0).sum(), a)


@pytest.mark.parametrize("name, ref", [("maximum", np.maximum), ("minimum", np.minimum)])
def test_maximum_minimum(name, ref):
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3,))
    np.testing.assert_allclose(npy(getattr(ae, name)(ae.tensor(a), ae.tensor(b))), ref(a, b))
    np.testing.assert_allclose(npy(getattr(ae.tensor(a), name)(ae.tensor(b))), ref(a, b))
    assert_grads(lambda x, y: getattr(ae, name)(x, y).sum(), a, b)


def test_where():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3,))
    cond = a > 0
    out = ae.where(ae.tensor(cond), ae.tensor(a), ae.tensor(b))
    np.testing.assert_allclose(npy(out), np.where(cond, a, b))
    assert_grads(lambda x, y: ae.where(ae.tensor(cond), x, y).sum(), a, b)


# "sign (no gradient through sign)"
def test_sign_no_gradient():
    x = ae.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    y = ae.sign(x) * 5
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]       # torch: zeros, not None


# "Reductions: sum, mean, var, std ..., max, min ..., argmax, argmin, logsumexp, prod, norm;
#  all with `dim=` (int or tuple) and `keepdim=`"
def _lse(a, axis=None, keepdims=False):
    m = np.max(a, axis=axis, keepdims=True)
    r = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return r if keepdims else np.squeeze(r, axis=axis)


REDUCE = {
    "sum": np.sum, "mean": np.mean, "var": lambda a, **k: np.var(a, ddof=1, **k),
    "std": lambda a, **k: np.std(a, ddof=1, **k), "prod": np.prod, "logsumexp": _lse,
    "norm": lambda a, axis=None, keepdims=False: np.sqrt(np.sum(a * a, axis=axis,
                                                                keepdims=keepdims)),
}


@pytest.mark.parametrize("name", list(REDUCE))
@pytest.mark.parametrize("dim, keepdim", [(None, False), (1, False), (-1, True), ((0, 2), False),
                                          ((0, 2), True)])
def test_reductions_dim_int_tuple_keepdim(name, dim, keepdim):
    if name == "logsumexp" and dim is None:
        dim = (0, 1, 2)     # PyTorch's logsumexp requires dim
    x = ae.tensor(A234)
    kw = {} if dim is None else {"dim": dim, "keepdim": keepdim}
    out = getattr(ae, name)(x, **kw)
    ref = REDUCE[name](A234, **({} if dim is None else {"axis": dim, "keepdims": keepdim}))
    assert out.shape == np.shape(ref)
    np.testing.assert_allclose(npy(out), ref, rtol=1e-10)
    np.testing.assert_allclose(npy(getattr(x, name)(**kw)), ref, rtol=1e-10)
    assert_grads(lambda t: getattr(ae, name)(t, **kw).sum(), A234)


# "`var, std` (`unbiased=` as PyTorch; default `correction=1` like PyTorch)"
@pytest.mark.parametrize("name, ref", [("var", np.var), ("std", np.std)])
def test_var_std_unbiased_correction(name, ref):
    x = ae.tensor(A23)
    f = getattr(ae, name)
    np.testing.assert_allclose(npy(f(x)), ref(A23, ddof=1))
    np.testing.assert_allclose(npy(f(x, unbiased=True)), ref(A23, ddof=1))
    np.testing.assert_allclose(npy(f(x, unbiased=False)), ref(A23, ddof=0))
    np.testing.assert_allclose(npy(f(x, dim=1, unbiased=False)), ref(A23, axis=1, ddof=0))
    np.testing.assert_allclose(npy(f(x, correction=0)), ref(A23, ddof=0))
    np.testing.assert_allclose(npy(f(x, dim=1, correction=2)), ref(A23, axis=1, ddof=2))
    np.testing.assert_allclose(npy(getattr(x, name)(1, False)), ref(A23, axis=1, ddof=0))
    np.testing.assert_allclose(npy(getattr(x, name)(correction=0)), ref(A23, ddof=0))


# "`max, min` (values; with `dim=` they return `(values, indices)` like PyTorch)"
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_full_and_dim(name):
    a = np.array([[1.0, 5.0, 3.0], [7.0, 0.0, 2.0]])
    x = ae.tensor(a)
    full = getattr(ae, name)(x)
    assert isinstance(full, ae.Tensor) and full.shape == ()
    assert full.item() == getattr(np, name)(a)
    for form in (getattr(ae, name)(x, dim=1), getattr(x, name)(1), getattr(x, name)(dim=1)):
        values, indices = form
        np.testing.assert_array_equal(npy(values), getattr(np, name)(a, axis=1))
        np.testing.assert_array_equal(npy(indices), getattr(np, "arg" + name)(a, axis=1))
        assert indices.dtype == np.int64
        assert form.values is form[0] or np.array_equal(npy(form.values), npy(values))
        np.testing.assert_array_equal(npy(form.indices), npy(indices))
    v, i = getattr(x, name)(dim=0, keepdim=True)
    assert v.shape == (1, 3) and i.shape == (1, 3)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(name):
    x = ae.tensor(A234)
    assert getattr(ae, name)(x).item() == getattr(np, name)(A234)
    np.testing.assert_array_equal(npy(getattr(x, name)(dim=1)), getattr(np, name)(A234, axis=1))
    out = getattr(ae, name)(x, dim=2, keepdim=True)
    assert out.shape == (2, 3, 1) and out.dtype == np.int64


# "`norm(p=2, dim=None)`"
def test_norm_signature_defaults():
    params = inspect.signature(ae.norm).parameters
    assert params["p"].default == 2 and params["dim"].default is None
    assert ae.tensor([3.0, 4.0]).norm().item() == pytest.approx(5.0)


# "Shape: reshape/view, flatten, squeeze, unsqueeze, transpose(d0, d1) (PyTorch meaning: swap
#  two dims), permute, T, expand, repeat, cat, stack, split, chunk, pad"
SHAPE_OPS = {
    "reshape": (lambda t: t.reshape(4, 6), lambda a: a.reshape(4, 6)),
    "ae.reshape": (lambda t: ae.reshape(t, (4, 6)), lambda a: a.reshape(4, 6)),
    "view": (lambda t: t.view(6, 4), lambda a: a.reshape(6, 4)),
    "flatten": (lambda t: t.flatten(), lambda a: a.ravel()),
    "flatten(1)": (lambda t: ae.flatten(t, 1), lambda a: a.reshape(2, 12)),
    "squeeze": (lambda t: t.reshape(2, 1, 12).squeeze(1), lambda a: a.reshape(2, 12)),
    "unsqueeze": (lambda t: ae.unsqueeze(t, 1), lambda a: a[:, None]),
    "transpose": (lambda t: t.transpose(0, 2), lambda a: np.swapaxes(a, 0, 2)),
    "ae.transpose": (lambda t: ae.transpose(t, 1, 2), lambda a: np.swapaxes(a, 1, 2)),
    "permute": (lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1)),
    "T": (lambda t: t.reshape(4, 6).T, lambda a: a.reshape(4, 6).T),
    "expand": (lambda t: t[:, :1].expand(2, 5, 4), lambda a: np.broadcast_to(a[:, :1], (2, 5, 4))),
    "expand-1": (lambda t: t.expand(3, -1, -1, -1), lambda a: np.broadcast_to(a, (3, 2, 3, 4))),
    "repeat": (lambda t: t.repeat(1, 2, 3), lambda a: np.tile(a, (1, 2, 3))),
    "cat": (lambda t: ae.cat([t, t * 2], dim=1), lambda a: np.concatenate([a, a * 2], 1)),
    "stack": (lambda t: ae.stack([t, t * 2], dim=1), lambda a: np.stack([a, a * 2], 1)),
    "split": (lambda t: ae.split(t, 2, dim=2)[1], lambda a: a[:, :, 2:4]),
    "split-list": (lambda t: t.split([1, 3], dim=2)[1], lambda a: a[:, :, 1:]),
    "chunk": (lambda t: ae.chunk(t, 2, dim=2)[0], lambda a: a[:, :, :2]),
    "pad": (lambda t: ae.pad(t, (1, 2)), lambda a: np.pad(a, ((0, 0), (0, 0), (1, 2)))),
}


@pytest.mark.parametrize("name", list(SHAPE_OPS))
def test_shape_ops(name):
    fn, ref = SHAPE_OPS[name]
    out = fn(ae.tensor(A234))
    np.testing.assert_allclose(npy(out), ref(A234))
    w = RNG.standard_normal(np.shape(ref(A234)))
    assert_grads(lambda t: (fn(t) * ae.tensor(w)).sum(), A234)


# "transpose(d0, d1) (PyTorch meaning: swap two dims)"
def test_transpose_swaps_two_dims_not_reverse():
    t = ae.zeros(2, 3, 4, 5)
    assert t.transpose(1, 3).shape == (2, 5, 4, 3)
    assert ae.transpose(t, 0, -1).shape == (5, 3, 4, 2)


# "Indexing: `t[...]` with ints, slices, `None`, `...`, integer arrays/tensors and bool masks"
INDEXES = {
    "int": 1, "neg-int": -1, "slice": slice(0, 2), "step": (slice(None), slice(None, None, 2)),
    "None": (None, 0), "ellipsis": (Ellipsis, 1), "int-array": np.array([1, 0, 1]),
    "int-tensor": "tensor", "bool-mask": "mask", "mixed": (0, slice(1, 3), np.array([0, 3])),
    "2-arrays": (np.array([0, 1]), np.array([2, 0])),
}


@pytest.mark.parametrize("name", list(INDEXES))
def test_indexing_forms(name):
    idx = INDEXES[name]
    if name == "int-tensor":
        idx, np_idx = ae.tensor([1, 0, 1]), np.array([1, 0, 1])
    elif name == "bool-mask":
        idx, np_idx = ae.tensor(A234 > 0), A234 > 0
    else:
        np_idx = idx
    out = ae.tensor(A234)[idx]
    np.testing.assert_allclose(npy(out), A234[np_idx])
    w = RNG.standard_normal(A234[np_idx].shape)
    assert_grads(lambda t: (t[idx] * ae.tensor(w)).sum(), A234)


# "the backward of an advanced index scatter-adds (repeated indices accumulate)"
def test_advanced_index_backward_accumulates_repeats():
    x = ae.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[ae.tensor([0, 2, 0, 0])].sum().backward()
    assert x.grad.tolist() == [3.0, 0.0, 1.0]
    y = ae.zeros(2, 2, requires_grad=True)
    y[np.array([1, 1]), np.array([0, 0])].sum().backward()
    assert y.grad.tolist() == [[0.0, 0.0], [2.0, 0.0]]


# "Linear algebra: `matmul` with numpy semantics (1-D, 2-D and batched broadcasting)"
@pytest.mark.parametrize("sa, sb", [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)),
                                    ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((3,), (5, 3, 2)),
                                    ((2, 1, 2, 3), (4, 3, 2)), ((5, 2, 3), (3,))])
def test_matmul_numpy_semantics(sa, sb):
    a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
    out = ae.matmul(ae.tensor(a), ae.tensor(b))
    assert out.shape == np.matmul(a, b).shape
    np.testing.assert_allclose(npy(out), np.matmul(a, b), rtol=1e-10)
    w = RNG.standard_normal(np.matmul(a, b).shape)
    assert_grads(lambda x, y: (ae.matmul(x, y) * ae.tensor(w)).sum(), a, b)
    np.testing.assert_allclose(npy(ae.tensor(a).matmul(ae.tensor(b))), np.matmul(a, b))


# "In place: `add_, mul_, zero_, fill_, copy_` and `t[idx] = v`"
INPLACE = {
    "add_": (lambda t: t.add_(ae.tensor([1.0, 1.0, 1.0])), [2.0, 3.0, 4.0]),
    "add_-scalar": (lambda t: t.add_(2.0), [3.0, 4.0, 5.0]),
    "mul_": (lambda t: t.mul_(ae.tensor([2.0, 0.5, 1.0])), [2.0, 1.0, 3.0]),
    "mul_-scalar": (lambda t: t.mul_(3.0), [3.0, 6.0, 9.0]),
    "zero_": (lambda t: t.zero_(), [0.0, 0.0, 0.0]),
    "fill_": (lambda t: t.fill_(7.0), [7.0, 7.0, 7.0]),
    "copy_": (lambda t: t.copy_(ae.tensor([4.0, 5.0, 6.0])), [4.0, 5.0, 6.0]),
    "setitem": (lambda t: t.__setitem__(1, 9.0), [1.0, 9.0, 3.0]),
    "setitem-slice": (lambda t: t.__setitem__(slice(0, 2), ae.tensor([8.0, 9.0])), [8.0, 9.0, 3.0]),
}


# "Allowed on tensors that do not require grad"; "Every in-place write bumps the version"
@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_tensor_without_grad_bumps_version(name):
    fn, ref = INPLACE[name]
    t = ae.tensor([1.0, 2.0, 3.0])
    v = t._version
    fn(t)
    assert t.tolist() == ref
    assert t._version > v


# "..., or under `no_grad()`"
@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_under_no_grad_allowed(name):
    fn, ref = INPLACE[name]
    t = ae.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = t._version
    with ae.no_grad():
        fn(t)
    assert t.tolist() == ref and t._version > v and t.requires_grad


# "a backward that needs a saved tensor whose version changed raises a `RuntimeError` naming
#  the op"; Details: "the error on a stale saved tensor names the op whose backward needed it"
@pytest.mark.parametrize("op, word", [(lambda x, c: x * c, "mul"), (lambda x, c: c @ x, "matmul"),
                                      (lambda x, c: x / c, "div")])
def test_stale_saved_tensor_names_op(op, word):
    x = ae.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    c = ae.tensor([[1.0, 2.0], [3.0, 4.0]])
    y = op(x, c)
    c.add_(1.0)
    with pytest.raises(RuntimeError, match="(?i)" + word):
        y.sum().backward()


def test_stale_saved_leaf_modified_under_no_grad():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = ae.sin(x)
    with ae.no_grad():
        x.mul_(2.0)
    with pytest.raises(RuntimeError, match="(?i)sin"):
        y.sum().backward()


# Details: "An in-place op on a tensor that requires grad, outside `no_grad`, raises RuntimeError"
@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_on_requires_grad_raises(name, leaf):
    fn, _ = INPLACE[name]
    x = ae.tensor([1.0, 2.0, 3.0], requires_grad=True)
    t = x if leaf else x * 1.0
    with pytest.raises(RuntimeError):
        fn(t)


def test_inplace_augmented_assignment_on_requires_grad_raises():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        x += 1.0
    with ae.no_grad():
        x -= 1.0
    assert x.tolist() == [0.0, 1.0]


# Details: "An in-place op on a tensor that requires grad, outside `no_grad`, raises
# `RuntimeError`": every in-place method that writes values (args: M a 2x2 float64 tensor,
# I1/I2 index tensors, K a mask)
def _m():
    return ae.tensor(np.array([[0.2, 0.5], [0.7, 0.9]]))


_I1 = [0, 1]
_I2 = [[0, 1], [1, 0]]
_K = [[True, False], [False, True]]
_INPLACE_ARGS = {
    "(M,)": lambda: (_m(),), "(M, M)": lambda: (_m(), _m()), "()": lambda: (),
    "(0,)": lambda: (0,), "(2,)": lambda: (2,), "(0.5,)": lambda: (0.5,),
    "(0, I1, M)": lambda: (0, ae.tensor(_I1), _m()),
    "(0, I1, 0.5)": lambda: (0, ae.tensor(_I1), 0.5),
    "(0, I2, M)": lambda: (0, ae.tensor(_I2), _m()),
    "((I1,), V)": lambda: ((ae.tensor(_I1),), _m()[0]),
    "(I1, V)": lambda: (ae.tensor(_I1), _m()[0]), "(K, 0.5)": lambda: (ae.tensor(_K), 0.5),
    "(K, M)": lambda: (ae.tensor(_K), _m()), "(2, 0, 1.0)": lambda: (2, 0, 1.0),
    "(0, I2, M, sum)": lambda: (0, ae.tensor(_I2), _m(), "sum"),
    "(B, B)": lambda: (ae.tensor(np.ones((1, 2, 2))), ae.tensor(np.ones((1, 2, 2)))),
}
_INPLACE_METHODS = {
    "abs_": "()", "absolute_": "()", "conj_physical_": "()", "acos_": "()", "acosh_": "()", "add_": "(M,)",
    "addbmm_": "(B, B)", "addcdiv_": "(M, M)", "addcmul_": "(M, M)", "addmm_": "(M, M)",
    "addr_": "(I1, V)", "arccos_": "()", "arccosh_": "()", "arcsin_": "()", "arcsinh_": "()",
    "arctan2_": "(M,)", "arctan_": "()", "arctanh_": "()", "asin_": "()", "asinh_": "()",
    "atan2_": "(M,)", "atan_": "()", "atanh_": "()", "bernoulli_": "()", "cauchy_": "()",
    "ceil_": "()", "clamp_": "(0.5,)", "clamp_max_": "(M,)", "clamp_min_": "(M,)", "clip_": "(0.5,)",
    "copy_": "(M,)", "copysign_": "(M,)", "cos_": "()", "cosh_": "()", "cumprod_": "(0,)",
    "cumsum_": "(0,)", "deg2rad_": "()", "digamma_": "()", "div_": "(M,)", "divide_": "(M,)",
    "eq_": "(M,)", "erf_": "()", "erfc_": "()", "erfinv_": "()", "exp2_": "()", "exp_": "()",
    "expm1_": "()", "exponential_": "()", "fill_": "(M,)", "fill_diagonal_": "(0.5,)",
    "fix_": "()", "float_power_": "(M,)", "floor_": "()", "floor_divide_": "(M,)",
    "fmod_": "(M,)", "frac_": "()", "ge_": "(M,)", "geometric_": "(0.5,)", "greater_": "(M,)",
    "greater_equal_": "(M,)", "gt_": "(M,)", "heaviside_": "(M,)", "hypot_": "(M,)",
    "i0_": "()", "index_add_": "(0, I1, M)", "index_copy_": "(0, I1, M)",
    "index_fill_": "(0, I1, 0.5)", "index_put_": "((I1,), V)", "ldexp_": "(M,)", "le_": "(M,)",
    "lerp_": "(M, M)", "less_": "(M,)", "less_equal_": "(M,)", "lgamma_": "()", "log10_": "()",
    "log1p_": "()", "log2_": "()", "log_": "()", "log_normal_": "()", "logical_and_": "(M,)",
    "logical_not_": "()", "logical_or_": "(M,)", "logical_xor_": "(M,)", "logit_": "()",
    "lt_": "(M,)", "masked_fill_": "(K, 0.5)", "masked_scatter_": "(K, M)", "mul_": "(M,)",
    "multiply_": "(M,)", "mvlgamma_": "(2,)", "nan_to_num_": "()", "ne_": "(M,)", "neg_": "()",
    "negative_": "()", "nextafter_": "(M,)", "normal_": "()", "not_equal_": "(M,)",
    "polygamma_": "(0,)", "pow_": "(M,)", "put_": "((I1,), V)", "rad2deg_": "()",
    "random_": "()", "reciprocal_": "()", "relu_": "()", "remainder_": "(M,)",
    "renorm_": "(2, 0, 1.0)", "round_": "()", "rsqrt_": "()", "scatter_": "(0, I2, M)",
    "scatter_add_": "(0, I2, M)", "scatter_reduce_": "(0, I2, M, sum)", "sgn_": "()",
    "sigmoid_": "()", "sign_": "()", "sin_": "()", "sinc_": "()", "sinh_": "()", "sqrt_": "()",
    "square_": "()", "sub_": "(M,)", "subtract_": "(M,)", "tan_": "()", "tanh_": "()",
    "tril_": "()", "triu_": "()", "true_divide_": "(M,)", "trunc_": "()", "uniform_": "()",
    "xlogy_": "(M,)", "zero_": "()",
}
def _inplace_raises(name, leaf):
    args = _INPLACE_ARGS[_INPLACE_METHODS[name]]
    with ae.no_grad():                       # the call itself is valid
        getattr(_m(), name)(*args())
    x = ae.tensor(np.array([[0.2, 0.5], [0.7, 0.9]]), requires_grad=True)
    t = x if leaf else x * 1.0
    with pytest.raises(RuntimeError):
        getattr(t, name)(*args())
    assert t.tolist() == [[0.2, 0.5], [0.7, 0.9]]


@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
@pytest.mark.parametrize("name", list(_INPLACE_METHODS))
def test_every_inplace_method_on_requires_grad_raises(name, leaf):
    _inplace_raises(name, leaf)


def test_every_value_writing_inplace_method_is_listed():
    views = {"requires_grad_", "detach_", "t_", "transpose_", "squeeze_", "unsqueeze_",
             "swapaxes_", "swapdims_"}
    int_only = {"bitwise_and_", "bitwise_left_shift_", "bitwise_not_", "bitwise_or_",
                "bitwise_right_shift_", "bitwise_xor_", "gcd_", "lcm_", "addmv_", "baddbmm_",
                "index_reduce_"}
    # callables or a template as argument: tests/test_namespace_breadth_torch_semantics.py
    special = {"apply_", "map_", "resize_", "resize_as_"}
    found = {n for n in dir(ae.Tensor) if n.endswith("_") and not n.startswith("_")}
    assert found - views - int_only - special - set(_INPLACE_METHODS) == set()


# the functional in-place forms of F, on a tensor that requires grad
@pytest.mark.parametrize("fn", [lambda t: F.relu(t, inplace=True),
                                lambda t: nn.ReLU(inplace=True)(t),
                                lambda t: F.leaky_relu(t, 0.1, inplace=True),
                                lambda t: F.dropout(t, 0.5, training=True, inplace=True)],
                         ids=["F.relu", "nn.ReLU", "F.leaky_relu", "F.dropout"])
def test_functional_inplace_on_requires_grad_raises(fn):
    x = ae.tensor([[-0.2, 0.5]], requires_grad=True)
    with pytest.raises(RuntimeError):
        fn(x)
    with pytest.raises(RuntimeError):
        fn(x * 1.0)


# Details: "In-place ops return the tensor itself"
@pytest.mark.parametrize("name", [n for n in INPLACE if not n.startswith("setitem")])
def test_inplace_returns_self(name):
    t = ae.tensor([1.0, 2.0, 3.0])
    assert INPLACE[name][0](t) is t


# Details: "`t._version` is the version counter"
def test_version_counter_counts_writes():
    t = ae.zeros(3)
    assert t._version == 0
    t.add_(1.0)
    t.mul_(2.0)
    t[0] = 5.0
    assert t._version == 3


# ============================================================================ Autograd
# "`ae.no_grad()`, `ae.enable_grad()` (context managers and decorators), `ae.is_grad_enabled()`"
def test_no_grad_enable_grad_context_managers():
    x = ae.tensor([1.0], requires_grad=True)
    assert ae.is_grad_enabled()
    with ae.no_grad():
        assert not ae.is_grad_enabled()
        y = x * 2
        with ae.enable_grad():
            assert ae.is_grad_enabled()
            z = x * 2
        assert not ae.is_grad_enabled()
    assert ae.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad


def test_no_grad_enable_grad_decorators():
    x = ae.tensor([1.0], requires_grad=True)

    @ae.no_grad()
    def f(t):
        return t * 2, ae.is_grad_enabled()

    @ae.enable_grad()
    def g(t):
        return t * 2

    y, enabled = f(x)
    assert not enabled and not y.requires_grad
    with ae.no_grad():
        assert g(x).requires_grad
    assert ae.is_grad_enabled()


def test_no_grad_bare_decorator():
    @ae.no_grad
    def f(t):
        return t * 2
    assert not f(ae.tensor([1.0], requires_grad=True)).requires_grad


# decorators "as in PyTorch": a decorated generator function runs its body (between yields)
# in the decorator's grad mode (torch 2.13: [False, False] and [True])
def test_grad_mode_decorators_on_generators():
    @ae.no_grad()
    def off():
        yield ae.is_grad_enabled()
        yield ae.is_grad_enabled()

    @ae.enable_grad()
    def on():
        yield ae.is_grad_enabled()

    assert list(off()) == [False, False]
    with ae.no_grad():
        gen = on()
        assert list(gen) == [True]


# "the grad mode is thread-local"
def test_grad_mode_thread_local():
    seen = {}

    def worker():
        seen["enabled"] = ae.is_grad_enabled()
        x = ae.tensor([1.0], requires_grad=True)
        seen["req"] = (x * 2).requires_grad

    with ae.no_grad():
        th = threading.Thread(target=worker)
        th.start()
        th.join()
    assert seen == {"enabled": True, "req": True}

    def worker2():
        with ae.no_grad():
            ev_set.set()
            ev_back.wait(5)

    ev_set, ev_back = threading.Event(), threading.Event()
    th = threading.Thread(target=worker2)
    th.start()
    ev_set.wait(5)
    try:
        assert ae.is_grad_enabled()
    finally:
        ev_back.set()
        th.join()


# "`ae.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None,
#  create_graph=False, allow_unused=False)`"
def test_autograd_grad_signature():
    params = inspect.signature(ae.autograd.grad).parameters
    expected = [("outputs", inspect.Parameter.empty), ("inputs", inspect.Parameter.empty),
                ("grad_outputs", None), ("retain_graph", None), ("create_graph", False)]
    names = list(params)
    assert names[:5] == [n for n, _ in expected]
    for n, d in expected:
        assert params[n].default == d or (d is inspect.Parameter.empty
                                          and params[n].default is inspect.Parameter.empty)
    assert params["allow_unused"].default in (False, None)


def test_autograd_grad_values_and_grad_outputs():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = ae.tensor([3.0], requires_grad=True)
    out = x * x * y
    gx, gy = ae.autograd.grad(out, [x, y], grad_outputs=ae.tensor([1.0, 10.0]))
    np.testing.assert_allclose(npy(gx), [6.0, 120.0])
    np.testing.assert_allclose(npy(gy), [41.0])
    assert x.grad is None and y.grad is None
    (g,) = ae.autograd.grad((x * x).sum(), x)
    np.testing.assert_allclose(npy(g), [2.0, 4.0])


def test_autograd_grad_allow_unused():
    x = ae.tensor([1.0], requires_grad=True)
    u = ae.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        ae.autograd.grad((x * 2).sum(), [x, u])
    gx, gu = ae.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)
    assert gx.tolist() == [2.0] and gu is None


def test_autograd_grad_retain_graph():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    ae.autograd.grad(y, x, retain_graph=True)
    (g,) = ae.autograd.grad(y, x)
    assert g.tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError):
        ae.autograd.grad(y, x)


# "Higher order: with `create_graph=True` ... gradients of gradients ... work for every
#  built-in op"
HO_OPS = {
    "add": lambda x: (x + x * 2.0).sum() * 1.0 + (x * x).sum(),
    "sub": lambda x: ((1.0 - x) * x).sum(),
    "mul": lambda x: (x * x * x).sum(),
    "div": lambda x: (1.0 / x).sum(),
    "pow": lambda x: (x ** 3.0).sum() + (x ** x).sum(),
    "rpow": lambda x: (2.0 ** x).sum(),
    "neg-abs": lambda x: (abs(-x) * x).sum(),
    "matmul": lambda x: (x.reshape(2, 2) @ x.reshape(2, 2)).sum(),
    "exp": lambda x: ae.exp(x).sum(), "log": lambda x: ae.log(x).sum(),
    "sqrt": lambda x: ae.sqrt(x).sum(), "sin": lambda x: ae.sin(x).sum(),
    "cos": lambda x: ae.cos(x).sum(), "tanh": lambda x: ae.tanh(x).sum(),
    "sigmoid": lambda x: ae.sigmoid(x).sum(), "relu": lambda x: (ae.relu(x) * x).sum(),
    "clamp": lambda x: (ae.clamp(x, 0.4, 0.8) * x).sum(),
    "maximum": lambda x: (ae.maximum(x, x.flip(0) if hasattr(x, "flip") else x) * x).sum(),
    "minimum": lambda x: (ae.minimum(x, ae.tensor([0.5] * 4)) * x).sum(),
    "where": lambda x: (ae.where(x > 0.5, x * x, x * x * x)).sum(),
    "sum": lambda x: x.sum() ** 2, "mean": lambda x: x.mean() ** 2,
    "var": lambda x: x.var() * x.sum(), "std": lambda x: x.std() * x.sum(),
    "max": lambda x: x.max() * x.sum(), "min": lambda x: x.min() * x.sum(),
    "max-dim": lambda x: (x.reshape(2, 2).max(dim=1)[0] ** 2).sum(),
    "logsumexp": lambda x: ae.logsumexp(x, dim=0), "prod": lambda x: x.prod(),
    "norm": lambda x: x.norm(), "norm-1": lambda x: x.norm(p=1) * x.sum(),
    "shape": lambda x: (x.reshape(2, 2).T.transpose(0, 1).permute(1, 0).flatten()
                        .unsqueeze(0).squeeze(0).expand(2, 4).repeat(1, 2) ** 3).sum(),
    "cat-stack-split": lambda x: (ae.cat([x, x * x]) * ae.stack([x, x]).flatten()
                                  ).sum() + (ae.split(x, 2)[0] ** 3).sum() + (
                                      ae.chunk(x, 2)[1] ** 3).sum(),
    "pad": lambda x: (ae.pad(x, (1, 1)) ** 3).sum(),
    "index": lambda x: (x[ae.tensor([0, 0, 3])] ** 3).sum() + (x[1:3] ** 3).sum() + (
        x[x > 0.5] ** 3).sum(),
    "softmax": lambda x: (F.softmax(x, dim=0) * ae.tensor([1.0, 2.0, 3.0, 4.0])).sum(),
    "log_softmax": lambda x: (F.log_softmax(x, dim=0) * ae.tensor([1.0, 2.0, 3.0, 4.0])).sum(),
    "cross_entropy": lambda x: F.cross_entropy(x.reshape(2, 2), ae.tensor([0, 1])),
    "bce_logits": lambda x: F.binary_cross_entropy_with_logits(x, ae.tensor([0.0, 1.0, 1.0, 0.0])),
    "bce": lambda x: F.binary_cross_entropy(ae.sigmoid(x), ae.tensor([0.0, 1.0, 1.0, 0.0],
                                                                     dtype=ae.float64)),
    "mse": lambda x: F.mse_loss(x * x, ae.tensor([0.0, 1.0, 1.0, 0.0])),
    "gelu": lambda x: F.gelu(x).sum(), "silu": lambda x: F.silu(x).sum(),
    "leaky_relu": lambda x: (F.leaky_relu(x - 0.5, 0.1) * x).sum(),
    "layer_norm": lambda x: (F.layer_norm(x.reshape(2, 2), (2,)) * x.reshape(2, 2)).sum(),
    "linear": lambda x: (F.linear(x.reshape(2, 2), x.reshape(2, 2), x[:2]) ** 2).sum(),
}


@pytest.mark.parametrize("name", list(HO_OPS))
def test_create_graph_second_order(name):
    f = HO_OPS[name]
    a = np.array([0.3, 0.9, 0.6, 1.2])
    v = np.array([1.0, -2.0, 0.5, 3.0])

    def g(x):
        (gx,) = ae.autograd.grad(f(x), x, create_graph=True)
        return (gx * ae.tensor(v)).sum()

    x = f64(a)
    (hv,) = ae.autograd.grad(g(x), x, allow_unused=True)
    num = numgrad(lambda t: g(t.requires_grad_()), [a])[0]
    got = np.zeros(4) if hv is None else npy(hv)
    np.testing.assert_allclose(got, num, atol=1e-5, rtol=1e-4)


def test_create_graph_gradient_penalty_via_backward():
    x = ae.tensor([1.0, 2.0], dtype=ae.float64, requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    gx = x.grad
    assert gx.requires_grad
    x.grad = None
    (gx * gx).sum().backward()
    np.testing.assert_allclose(npy(x.grad), 2 * 3 * x.tolist()[0] ** 2 * 6 * np.array([1.0, 0.0])
                               + 2 * 3 * 4.0 * 6 * 2.0 * np.array([0.0, 1.0]))


# "`ae.autograd.Function`: custom ops as in PyTorch"
class _Cube(ae.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x * x * x * scale

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return grad_out * 3 * x * x * ctx.scale, None


def test_function_apply_save_for_backward():
    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = _Cube.apply(x, 2.0)
    assert y.tolist() == [2.0, 16.0] and y.requires_grad and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [6.0, 24.0]


def test_function_needs_input_grad():
    seen = {}

    class Mul(ae.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            seen["n"] = tuple(ctx.needs_input_grad)
            a, b = ctx.saved_tensors
            return (g * b if ctx.needs_input_grad[0] else None,
                    g * a if ctx.needs_input_grad[1] else None)

    a = ae.tensor([2.0], requires_grad=True)
    b = ae.tensor([3.0])
    Mul.apply(a, b).sum().backward()
    assert seen["n"] == (True, False) and a.grad.tolist() == [3.0]


def test_function_mark_non_differentiable_and_multiple_outputs():
    class SortLike(ae.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = ae.tensor(np.argsort(x.detach().numpy()))
            vals = x[idx]
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(idx)
            ctx.n = x.shape[0]
            return vals, idx

        @staticmethod
        def backward(ctx, g_vals, g_idx):
            (idx,) = ctx.saved_tensors
            out = np.zeros(ctx.n)
            out[idx.numpy()] = g_vals.numpy()
            return ae.tensor(out)

    x = ae.tensor(np.array([3.0, 1.0, 2.0]), requires_grad=True)
    vals, idx = SortLike.apply(x)
    assert vals.requires_grad and not idx.requires_grad
    (vals * ae.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [3.0, 1.0, 2.0]


# "A custom op may call its own Numba kernel"
def test_function_with_own_numba_kernel():
    import numba

    @numba.njit(cache=False)
    def twice(a, out):
        for i in range(a.shape[0]):
            out[i] = 2.0 * a[i]

    class Twice(ae.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            a = x.detach().numpy()
            out = np.empty_like(a)
            twice(a, out)
            return ae.tensor(out)

        @staticmethod
        def backward(ctx, g):
            a = g.detach().numpy()
            out = np.empty_like(a)
            twice(a, out)
            return ae.tensor(out)

    x = ae.tensor([1.0, 2.0], requires_grad=True)
    y = Twice.apply(x)
    assert y.tolist() == [2.0, 4.0]
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


# "`ae.autograd.gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3)`"
def test_gradcheck_signature():
    params = inspect.signature(ae.autograd.gradcheck).parameters
    assert list(params)[:2] == ["fn", "inputs"] or list(params)[:2] == ["func", "inputs"]
    assert params["eps"].default == 1e-6
    assert params["atol"].default == 1e-5
    assert params["rtol"].default == 1e-3


# "finite differences in float64; returns True"
def test_gradcheck_returns_true():
    x = f64([[0.3, -1.2], [0.7, 2.0]])
    y = f64([0.5, 1.5])
    assert ae.autograd.gradcheck(lambda a, b: (ae.tanh(a) * b).sum(), (x, y)) is True
    assert ae.autograd.gradcheck(lambda a: ae.exp(a), x, eps=1e-6, atol=1e-5, rtol=1e-3) is True


# "or raises `GradcheckError` naming the input and the worst element"
class _BadGrad(ae.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b, g * 0.0          # right for input 0, wrong (zero) for input 1


def test_gradcheck_error_names_input_and_worst_element():
    a = f64([[1.0, 2.0], [3.0, 9.0]])
    b = f64([[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ae.autograd.GradcheckError) as e:
        ae.autograd.gradcheck(lambda x, y: _BadGrad.apply(x, y), (a, b))
    msg = str(e.value)
    assert "input 1" in msg                  # b is the input whose gradient is wrong
    assert "(1, 1)" in msg                   # the worst element: d(a*b)/db = a, largest a[1, 1]


# Details: "`ae.autograd.GradcheckError` subclasses `RuntimeError`"
def test_gradcheck_error_subclasses_runtime_error():
    assert issubclass(ae.autograd.GradcheckError, RuntimeError)


# Details: "`gradcheck` accepts vector-valued functions"
def test_gradcheck_vector_valued():
    x = f64([0.3, -1.2, 0.7])
    assert ae.autograd.gradcheck(lambda a: ae.sin(a) * a, (x,))
    assert ae.autograd.gradcheck(lambda a: (a * 2, ae.exp(a).reshape(3, 1) @ a.reshape(1, 3)),
                                 (x,))


# Details: "it warns when an input is not float64"
def test_gradcheck_warns_non_float64():
    x = ae.tensor([0.5, 1.0], requires_grad=True)
    with pytest.warns(UserWarning):
        ae.autograd.gradcheck(lambda a: (a * a).sum(), (x,), atol=1e-2, rtol=1e-2, eps=1e-3,
                              raise_exception=False)


# "`ae.autograd.detect_anomaly()`: ... the first op that produces NaN or Inf, forward or
#  backward, raises a `RuntimeError` naming the op, its input shapes and where the forward op
#  was created"; Details: "name the op and the file and line of user code that created it"
def test_detect_anomaly_forward():
    x = ae.tensor([[-1.0, 1.0, 2.0]], requires_grad=True)
    with ae.autograd.detect_anomaly():
        line = inspect.currentframe().f_lineno + 2
        with pytest.raises(RuntimeError) as e:
            ae.log(x)
    msg = str(e.value)
    assert "log" in msg.lower()
    assert "(1, 3)" in msg
    assert os.path.basename(__file__) in msg and str(line) in msg


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_backward():
    x = ae.tensor([0.0, 4.0], requires_grad=True)
    with ae.autograd.detect_anomaly():
        line = inspect.currentframe().f_lineno + 1
        y = ae.sqrt(x)
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
    msg = str(e.value)
    assert "sqrt" in msg.lower()
    assert "(2,)" in msg
    assert os.path.basename(__file__) in msg and str(line) in msg


def test_no_anomaly_error_outside_detect_anomaly():
    x = ae.tensor([0.0, 4.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ae.sqrt(x).sum().backward()
        assert np.isinf(npy(x.grad)[0])


# "Backward never recurses in Python: a graph of a million nodes differentiates"
# (a 100k-node chain, far above the recursion limit, to keep the suite fast)
def test_deep_chain_no_recursion():
    n = 100_000
    assert n > 10 * sys.getrecursionlimit()
    x = ae.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]
    del y
    gc.collect()


# ============================================================================ nn
class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)
        self.scale = nn.Parameter(ae.ones(1))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


# "`Module`: `forward`, `__call__`"
def test_module_forward_and_call():
    net = _Net()
    x = ae.randn(5, 3)
    out = net(x)
    assert out.shape == (5, 2)
    np.testing.assert_allclose(npy(out), npy(net.forward(x)))


# "`parameters()`, `named_parameters()`" + "attribute registration of submodules and `Parameter`s"
def test_module_parameters_and_named_parameters():
    net = _Net()
    names = [n for n, _ in net.named_parameters()]
    assert sorted(names) == sorted(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "scale"])
    params = list(net.parameters())
    assert len(params) == 5 and all(isinstance(p, nn.Parameter) for p in params)
    assert all(p.requires_grad and p.is_leaf for p in params)
    assert isinstance(nn.Parameter(ae.zeros(2)), ae.Tensor)


# "`children()`, `modules()`"
def test_module_children_and_modules():
    net = _Net()
    assert list(net.children()) == [net.fc1, net.act, net.fc2]
    mods = list(net.modules())
    assert mods[0] is net and mods[1:] == [net.fc1, net.act, net.fc2]


# "`train()/eval()`, `training`"
def test_module_train_eval_training_flag():
    net = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    assert net.training and net[1].training
    assert net.eval() is net
    assert not net.training and not net[1].training
    net.train()
    assert net.training and net[1].training
    net.train(False)
    assert not net[1].training


# "`zero_grad()`"; Details: "`zero_grad()` sets grads to None by default"
def test_module_zero_grad_sets_none():
    net = _Net()
    net(ae.randn(2, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


# "`state_dict()`, `load_state_dict(sd, strict=True)`"
def test_module_state_dict_round_trip():
    a, b = _Net(), _Net()
    sd = a.state_dict()
    assert set(sd) == {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "scale"}
    assert all(isinstance(v, ae.Tensor) for v in sd.values())
    b.load_state_dict(sd)
    x = ae.randn(4, 3)
    np.testing.assert_allclose(npy(a(x)), npy(b(x)))
    assert inspect.signature(nn.Module.load_state_dict).parameters["strict"].default is True


# "`register_forward_hook`"
def test_register_forward_hook():
    lin = nn.Linear(2, 2)
    seen = []
    h = lin.register_forward_hook(lambda mod, inp, out: seen.append((mod, inp, out)) or out * 0)
    out = lin(ae.ones(1, 2))
    assert len(seen) == 1 and seen[0][0] is lin and isinstance(seen[0][1], tuple)
    assert out.tolist() == [[0.0, 0.0]]
    h.remove()
    lin(ae.ones(1, 2))
    assert len(seen) == 1


# "`register_full_backward_hook`"
def test_register_full_backward_hook():
    lin = nn.Linear(2, 3)
    seen = []
    h = lin.register_full_backward_hook(lambda mod, gin, gout: seen.append((gin, gout)))
    x = ae.ones(4, 2, requires_grad=True)
    lin(x).sum().backward()
    assert len(seen) == 1
    gin, gout = seen[0]
    assert isinstance(gin, tuple) and isinstance(gout, tuple)
    assert gout[0].shape == (4, 3) and gin[0].shape == (4, 2)
    np.testing.assert_allclose(npy(gin[0]), npy(x.grad))
    h.remove()


def test_full_backward_hook_can_replace_grad_input():
    lin = nn.Linear(2, 3)
    lin.register_full_backward_hook(lambda mod, gin, gout: (gin[0] * 0,))
    x = ae.ones(4, 2, requires_grad=True)
    lin(x).sum().backward()
    assert np.all(npy(x.grad) == 0)


# "`apply(fn)`"
def test_module_apply():
    net = _Net()
    seen = []
    assert net.apply(seen.append) is net
    assert len(seen) == 4 and seen[-1] is net


# "a readable `__repr__`" (PyTorch's text)
def test_module_repr_as_pytorch():
    m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Sequential(nn.Dropout(0.25),
                                                                nn.BatchNorm1d(3)))
    assert repr(m) == (
        'Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n'
        '  (2): Sequential(\n    (0): Dropout(p=0.25, inplace=False)\n    (1): BatchNorm1d(3, '
        'eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)\n  )\n)')


@pytest.mark.parametrize("make, text", [
    (lambda: nn.LeakyReLU(), "LeakyReLU(negative_slope=0.01)"),
    (lambda: nn.GELU(), "GELU(approximate='none')"),
    (lambda: nn.Softmax(dim=1), "Softmax(dim=1)"),
    (lambda: nn.LayerNorm((3, 4)),
     "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True, bias=True)"),
    (lambda: nn.Embedding(5, 2), "Embedding(5, 2)"),
    (lambda: nn.Flatten(), "Flatten(start_dim=1, end_dim=-1)"),
    (lambda: nn.Conv2d(1, 2, 3), "Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))"),
    (lambda: nn.MaxPool2d(2),
     "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"),
    (lambda: nn.MSELoss(), "MSELoss()"),
    (lambda: nn.ModuleList([nn.ReLU()]), "ModuleList(\n  (0): ReLU()\n)"),
])
def test_layer_repr_as_pytorch(make, text):
    assert repr(make()) == text


# "Layers: Linear, Sequential, ModuleList, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, SiLU, Softmax,
#  Dropout, BatchNorm1d, LayerNorm, Embedding, Flatten, Conv2d, MaxPool2d"
def _gelu(a):
    from math import erf
    return np.array([0.5 * v * (1 + erf(v / math.sqrt(2))) for v in a.ravel()]).reshape(a.shape)


def _softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


ACTIVATIONS = {
    "ReLU": (nn.ReLU, lambda a: np.maximum(a, 0)),
    "LeakyReLU": (nn.LeakyReLU, lambda a: np.where(a > 0, a, 0.01 * a)),
    "LeakyReLU(0.2)": (lambda: nn.LeakyReLU(0.2), lambda a: np.where(a > 0, a, 0.2 * a)),
    "Sigmoid": (nn.Sigmoid, _sigmoid),
    "Tanh": (nn.Tanh, np.tanh),
    "GELU": (nn.GELU, _gelu),
    "SiLU": (nn.SiLU, lambda a: a * _sigmoid(a)),
    "Softmax": (lambda: nn.Softmax(dim=1), lambda a: _softmax(a, 1)),
    "Flatten": (nn.Flatten, lambda a: a.reshape(a.shape[0], -1)),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_parameterless_layers(name):
    make, ref = ACTIVATIONS[name]
    np.testing.assert_allclose(npy(make()(ae.tensor(A234))), ref(A234), rtol=1e-10, atol=1e-12)
    assert_grads(lambda t: (make()(t) * ae.tensor(np.arange(24.0).reshape(ref(A234).shape))).sum(),
                 A234)


# "exact-erf `GELU`" (torch: gelu(1.0) = 0.841344746068543, gelu(-0.5) = -0.15426876936299344)
def test_gelu_exact_erf():
    out = nn.GELU()(ae.tensor([1.0, -0.5], dtype=ae.float64))
    np.testing.assert_allclose(npy(out), [0.841344746068543, -0.15426876936299344], rtol=1e-12)
    out = F.gelu(ae.tensor([1.0, -0.5], dtype=ae.float64), approximate="tanh")
    np.testing.assert_allclose(npy(out), [0.8411919906082768, -0.15428599017485606], rtol=1e-12)


def test_linear_layer_values_and_leading_batch_dims():
    lin = nn.Linear(4, 3)
    assert lin.weight.shape == (3, 4) and lin.bias.shape == (3,)
    x = RNG.standard_normal((2, 5, 4)).astype(np.float32)
    out = lin(ae.tensor(x))
    assert out.shape == (2, 5, 3)
    np.testing.assert_allclose(npy(out), x @ npy(lin.weight).T + npy(lin.bias), rtol=
                               1e-5, atol=1e-6)
    assert nn.Linear(4, 3, bias=False).bias is None
    assert len(list(nn.Linear(4, 3, bias=False).parameters())) == 1


# "`Linear` default U(±1/sqrt(in))"
def test_linear_default_init():
    lin = nn.Linear(100, 400)
    bound = 1 / math.sqrt(100)
    w, b = npy(lin.weight), npy(lin.bias)
    assert np.all(np.abs(w) <= bound) and np.all(np.abs(b) <= bound)
    assert w.max() > 0.95 * bound and w.min() < -0.95 * bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound
    assert b.max() > 0.8 * bound and b.min() < -0.8 * bound
    assert w.dtype == np.float32


def test_sequential_and_modulelist_layers():
    seq = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    x = ae.randn(5, 3)
    np.testing.assert_allclose(npy(seq(x)), npy(seq[2](seq[1](seq[0](x)))))
    ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
    ml.append(nn.ReLU())
    assert len(ml) == 3 and isinstance(ml[2], nn.ReLU)
    holder = nn.Module()
    holder.layers = ml
    assert len(list(holder.parameters())) == 4


def test_dropout_layer():
    d = nn.Dropout(0.25)
    ae.manual_seed(0)
    out = npy(d(ae.ones(4000)))
    assert set(np.unique(out).tolist()) <= {0.0, float(np.float32(1 / 0.75))}
    assert 0.2 < (out == 0).mean() < 0.3
    d.eval()
    assert npy(d(ae.ones(10))).tolist() == [1.0] * 10


# "`BatchNorm1d` on (N, C) and (N, C, L)" (torch 2.13's running stats after one batch)
def test_batchnorm1d_2d_input():
    bn = nn.BatchNorm1d(3)
    x = ae.tensor((np.arange(12.0).reshape(4, 3) ** 1.5).astype(np.float32))
    y = bn(x)
    np.testing.assert_allclose(npy(bn.running_mean), [1.1723272800445557, 1.4785759449005127,
                                                     1.8279764652252197], rtol=1e-5)
    np.testing.assert_allclose(npy(bn.running_var), [14.97531795501709, 18.684179306030273,
                                                    22.213361740112305], rtol=1e-5)
    assert int(npy(bn.num_batches_tracked)) == 1
    np.testing.assert_allclose(npy(y)[:, 0], [-1.1410090923309326, -0.63527512550354,
                                              0.2894226312637329, 1.4868618249893188], rtol=1e-4)
    bn.eval()
    z = bn(x)
    ref = (npy(x) - npy(bn.running_mean)) / np.sqrt(npy(bn.running_var) + 1e-5)
    np.testing.assert_allclose(npy(z), ref, rtol=1e-4, atol=1e-5)


def test_batchnorm1d_3d_input():
    bn = nn.BatchNorm1d(3)
    y = bn(ae.tensor((np.arange(24.0).reshape(2, 3, 4) ** 1.3).astype(np.float32)))
    assert y.shape == (2, 3, 4)
    np.testing.assert_allclose(npy(bn.running_mean), [1.5710738897323608, 2.52897047996521,
                                                     3.635836362838745], rtol=1e-5)
    np.testing.assert_allclose(npy(bn.running_var), [23.38839340209961, 31.32145118713379,
                                                    37.69734573364258], rtol=1e-5)
    np.testing.assert_allclose(npy(y)[0, 0], [-1.1199878454208374, -1.0486998558044434,
                                              -0.9444561004638672, -0.8226334452629089], rtol=1e-4)


# "`LayerNorm` with tuple shapes and `elementwise_affine`"
def test_layernorm_tuple_shape_and_elementwise_affine():
    ln = nn.LayerNorm((3, 4))
    assert ln.weight.shape == (3, 4) and ln.bias.shape == (3, 4)
    x = A234.astype(np.float32)
    y = ln(ae.tensor(x))
    m = A234.mean(axis=(1, 2), keepdims=True)
    v = A234.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(npy(y), (A234 - m) / np.sqrt(v + 1e-5), rtol=1e-4, atol=1e-5)
    ln2 = nn.LayerNorm(4, elementwise_affine=False)
    assert list(ln2.parameters()) == [] and ln2.weight is None
    y2 = ln2(ae.tensor(A234))
    assert y2.shape == (2, 3, 4)
    np.testing.assert_allclose(npy(y2), (A234 - A234.mean(-1, keepdims=True)) / np.sqrt(
        A234.var(-1, keepdims=True) + 1e-5), rtol=1e-10)
    assert nn.LayerNorm(4)(ae.tensor(x)).shape == (2, 3, 4)


def test_embedding_layer():
    emb = nn.Embedding(5, 3)
    assert emb.weight.shape == (5, 3)
    idx = ae.tensor([[0, 4], [4, 1]])
    out = emb(idx)
    assert out.shape == (2, 2, 3)
    np.testing.assert_allclose(npy(out[0, 1]), npy(emb.weight)[4])
    out.sum().backward()
    np.testing.assert_allclose(npy(emb.weight.grad)[:, 0], [1.0, 1.0, 0.0, 0.0, 2.0])


def _conv2d_ref(x, w, b, stride, padding):
    sh, sw = stride
    ph, pw = padding
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    out = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out + b[None, :, None, None]


# "ints or tuples for kernel/stride/padding"
@pytest.mark.parametrize("kw, stride, padding", [
    (dict(kernel_size=3), (1, 1), (0, 0)),
    (dict(kernel_size=3, stride=2, padding=1), (2, 2), (1, 1)),
    (dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)), (2, 1), (1, 0)),
])
def test_conv2d_layer(kw, stride, padding):
    conv = nn.Conv2d(2, 3, **kw).double()
    x = RNG.standard_normal((2, 2, 6, 5))
    w, b = npy(conv.weight).astype(np.float64), npy(conv.bias).astype(np.float64)
    out = conv(ae.tensor(x.astype(conv.weight.dtype)))
    np.testing.assert_allclose(npy(out), _conv2d_ref(x, w, b, stride, padding), rtol=
                               1e-4, atol=1e-5)
    fan_in = 2 * np.prod(conv.weight.shape[2:])
    assert np.all(np.abs(w) <= 1 / math.sqrt(fan_in) + 1e-7)


def test_conv2d_functional_gradients():
    x = RNG.standard_normal((1, 2, 4, 4))
    w = RNG.standard_normal((2, 2, 3, 3))
    b = RNG.standard_normal(2)
    assert_grads(lambda a, c, d: (F.conv2d(a, c, d, stride=1, padding=1) ** 2).sum(), x, w, b,
                 atol=1e-4)


@pytest.mark.parametrize("kw, ref_k, ref_s, ref_p", [(dict(kernel_size=2), 2, 2, 0),
                                                     (dict(kernel_size=3, stride=1), 3, 1, 0),
                                                     (dict(kernel_size=(2, 2), stride=(1, 2)),
                                                      2, (1, 2), 0),
                                                     (dict(kernel_size=3, stride=2, padding=1),
                                                      3, 2, 1)])
def test_maxpool2d_layer(kw, ref_k, ref_s, ref_p):
    x = RNG.standard_normal((2, 3, 6, 6))
    out = npy(nn.MaxPool2d(**kw)(ae.tensor(x)))
    sh, sw = (ref_s, ref_s) if isinstance(ref_s, int) else ref_s
    xp = np.pad(x, ((0, 0), (0, 0), (ref_p, ref_p), (ref_p, ref_p)), constant_values=-np.inf)
    oh = (6 + 2 * ref_p - ref_k) // sh + 1
    ow = (6 + 2 * ref_p - ref_k) // sw + 1
    ref = np.array([[[[xp[n, c, i * sh:i * sh + ref_k, j * sw:j * sw + ref_k].max()
                       for j in range(ow)] for i in range(oh)] for c in range(3)]
                    for n in range(2)])
    np.testing.assert_allclose(out, ref)


# "losses MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss (with reduction=)"
_P = np.array([[0.2, -1.0, 0.7], [1.5, 0.3, -0.4]])
_T = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
_Y = np.array([2, 0])


def _bce_rows():
    return -(_T * np.log(_sigmoid(_P)) + (1 - _T) * np.log(1 - _sigmoid(_P)))


def _ce_rows(x, y):
    lsm = x - _lse(x, axis=1, keepdims=True)
    return -lsm[np.arange(len(y)), y]


LOSSES = {
    "MSELoss": (nn.MSELoss, F.mse_loss, lambda x: (x, ae.tensor(_T)), lambda: (_P - _T) ** 2),
    "L1Loss": (nn.L1Loss, F.l1_loss, lambda x: (x, ae.tensor(_T)), lambda: np.abs(_P - _T)),
    "CrossEntropyLoss": (nn.CrossEntropyLoss, F.cross_entropy, lambda x: (x, ae.tensor(_Y)),
                         lambda: _ce_rows(_P, _Y)),
    "NLLLoss": (nn.NLLLoss, F.nll_loss, lambda x: (x, ae.tensor(_Y)),
                lambda: -_P[np.arange(2), _Y]),
    "BCELoss": (nn.BCELoss, F.binary_cross_entropy, lambda x: (ae.sigmoid(x), ae.tensor(_T)),
                _bce_rows),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits,
                          lambda x: (x, ae.tensor(_T)), _bce_rows),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", list(LOSSES))
def test_losses_with_reduction(name, reduction):
    module, functional, args, ref = LOSSES[name]
    r = ref()
    expect = {"mean": r.mean(), "sum": r.sum(), "none": r}[reduction]
    x = ae.tensor(_P)
    np.testing.assert_allclose(npy(module(reduction=reduction)(*args(x))), expect, rtol=1e-10)
    np.testing.assert_allclose(npy(functional(*args(x), reduction=reduction)), expect, rtol=1e-10)
    if reduction == "mean":
        np.testing.assert_allclose(npy(module()(*args(x))), expect, rtol=1e-10)
    assert_grads(lambda t: functional(*args(t), reduction=reduction).sum(), _P)


# "`F`: functional forms of all of the above, plus softmax, log_softmax, one_hot"
F_FORMS = {
    "linear": lambda x: F.linear(x, ae.tensor(np.ones((2, 4))), ae.tensor(np.array([1.0, 2.0]))),
    "relu": F.relu, "leaky_relu": lambda x: F.leaky_relu(x, 0.1), "sigmoid": F.sigmoid,
    "tanh": F.tanh, "gelu": F.gelu, "silu": F.silu, "softmax": lambda x: F.softmax(x, dim=-1),
    "log_softmax": lambda x: F.log_softmax(x, dim=-1),
    "dropout": lambda x: F.dropout(x, 0.5, training=False),
    "batch_norm": lambda x: F.batch_norm(x.reshape(6, 4), None, None, training=True),
    "layer_norm": lambda x: F.layer_norm(x, (4,)),
    "embedding": lambda x: F.embedding(ae.tensor([0, 1, 1]), x.reshape(6, 4)),
    "conv2d": lambda x: F.conv2d(x.reshape(1, 2, 3, 4), ae.tensor(np.ones((1, 2, 2, 2)))),
    "max_pool2d": lambda x: F.max_pool2d(x.reshape(1, 2, 3, 4), 2),
    "mse_loss": lambda x: F.mse_loss(x, x.detach() * 0),
    "l1_loss": lambda x: F.l1_loss(x, x.detach() * 0),
    "cross_entropy": lambda x: F.cross_entropy(x.reshape(6, 4), ae.tensor([0, 1, 2, 3, 0, 1])),
    "nll_loss": lambda x: F.nll_loss(x.reshape(6, 4), ae.tensor([0, 1, 2, 3, 0, 1])),
    "binary_cross_entropy": lambda x: F.binary_cross_entropy(ae.sigmoid(x),
                                                             ae.tensor(A234 > 0).double()),
    "binary_cross_entropy_with_logits": lambda x: F.binary_cross_entropy_with_logits(
        x, ae.tensor(A234 > 0).double()),
}


@pytest.mark.parametrize("name", list(F_FORMS))
def test_functional_forms_exist_and_differentiate(name):
    assert callable(getattr(F, name))
    assert_grads(lambda t: (F_FORMS[name](t) * 1.5).sum(), A234, atol=1e-4)


def test_functional_matches_module_forms():
    x = ae.tensor(A234)
    for mod, fn in [(nn.ReLU(), F.relu), (nn.LeakyReLU(0.3), lambda t: F.leaky_relu(t, 0.3)),
                    (nn.Sigmoid(), F.sigmoid), (nn.Tanh(), F.tanh), (nn.GELU(), F.gelu),
                    (nn.SiLU(), F.silu), (nn.Softmax(dim=1), lambda t: F.softmax(t, dim=1))]:
        np.testing.assert_allclose(npy(mod(x)), npy(fn(x)))


def test_softmax_log_softmax_values():
    np.testing.assert_allclose(npy(F.softmax(ae.tensor(A234), dim=1)), _softmax(A234, 1),
                               rtol=1e-12)
    np.testing.assert_allclose(npy(F.log_softmax(ae.tensor(A234), dim=2)),
                               np.log(_softmax(A234, 2)), rtol=1e-12)
    np.testing.assert_allclose(npy(ae.tensor(A234).softmax(0)), _softmax(A234, 0), rtol=1e-12)


# torch: one_hot([0, 2, 1]) -> [[1,0,0],[0,0,1],[0,1,0]] int64; num_classes widens
def test_one_hot():
    out = F.one_hot(ae.tensor([0, 2, 1]))
    assert out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]] and out.dtype == np.int64
    assert F.one_hot(ae.tensor([0, 2]), 4).shape == (2, 4)
    assert F.one_hot(ae.tensor([0, 2]), num_classes=4).dtype == np.int64


# "`init`: calculate_gain, xavier_uniform_, ..., constant_"
# torch: gains linear 1, sigmoid 1, tanh 5/3, relu sqrt(2), selu 3/4, leaky_relu(0.2) 1.38675...
@pytest.mark.parametrize("args, gain", [(("linear",), 1.0), (("sigmoid",), 1.0),
                                        (("conv2d",), 1.0), (("tanh",), 5 / 3),
                                        (("relu",), math.sqrt(2)), (("selu",), 0.75),
                                        (("leaky_relu",), math.sqrt(2 / (1 + 0.01 ** 2))),
                                        (("leaky_relu", 0.2), 1.3867504905630728)])
def test_calculate_gain(args, gain):
    assert init.calculate_gain(*args) == pytest.approx(gain, rel=1e-12)


_FAN_IN, _FAN_OUT = 300, 200


@pytest.mark.parametrize("name, kw, kind, scale", [
    ("xavier_uniform_", {}, "uniform", math.sqrt(6 / (_FAN_IN + _FAN_OUT))),
    ("xavier_uniform_", {"gain": 2.0}, "uniform", 2 * math.sqrt(6 / (_FAN_IN + _FAN_OUT))),
    ("xavier_normal_", {}, "normal", math.sqrt(2 / (_FAN_IN + _FAN_OUT))),
    ("kaiming_uniform_", {}, "uniform", math.sqrt(2) * math.sqrt(3 / _FAN_IN)),
    ("kaiming_uniform_", {"a": math.sqrt(5)}, "uniform", 1 / math.sqrt(_FAN_IN)),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}, "uniform",
     math.sqrt(2) * math.sqrt(3 / _FAN_OUT)),
    ("kaiming_normal_", {}, "normal", math.sqrt(2 / _FAN_IN)),
    ("kaiming_normal_", {"nonlinearity": "linear"}, "normal", math.sqrt(1 / _FAN_IN)),
    ("uniform_", {"a": -0.5, "b": 0.5}, "uniform", 0.5),
    ("uniform_", {}, "uniform01", 1.0),
    ("normal_", {"mean": 0.0, "std": 0.3}, "normal", 0.3),
    ("normal_", {}, "normal", 1.0),
])
def test_init_random_fills(name, kw, kind, scale):
    p = nn.Parameter(ae.zeros(_FAN_OUT, _FAN_IN))
    out = getattr(init, name)(p, **kw)
    assert out is p
    w = npy(p)
    assert w.dtype == np.float32
    if kind == "uniform":
        assert np.all(np.abs(w) <= scale * (1 + 1e-6)) and w.max() > 0.99 * scale
    elif kind == "uniform01":
        assert w.min() >= 0 and w.max() <= 1 and w.max() > 0.99
    else:
        assert abs(w.mean()) < 0.02 * scale
        assert abs(w.std() - scale) < 0.02 * scale


@pytest.mark.parametrize("name, args, value", [("zeros_", (), 0.0), ("ones_", (), 1.0),
                                               ("constant_", (0.3,), np.float32(0.3))])
def test_init_constant_fills(name, args, value):
    p = nn.Parameter(ae.randn(3, 4))
    assert getattr(init, name)(p, *args) is p
    assert np.all(npy(p) == value) and p.requires_grad and p._version >= 0


# "`utils`: `clip_grad_norm_(params, max_norm, norm_type=2)` (returns the total norm),
#  `clip_grad_value_`"
def test_clip_grad_norm_returns_total_norm_and_clips():
    a = nn.Parameter(ae.zeros(2))
    b = nn.Parameter(ae.zeros(1))
    a.grad = ae.tensor([3.0, 0.0])
    b.grad = ae.tensor([4.0])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert isinstance(total, ae.Tensor) and total.shape == () and total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(npy(a.grad), [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(npy(b.grad), [0.8], rtol=1e-5)
    assert inspect.signature(nn.utils.clip_grad_norm_).parameters["norm_type"].default == 2


@pytest.mark.parametrize("norm_type, total", [(1, 7.0), (2, 5.0), (float("inf"), 4.0),
                                              (3.0, (27 + 64) ** (1 / 3))])
def test_clip_grad_norm_norm_types(norm_type, total):
    a = nn.Parameter(ae.zeros(2))
    a.grad = ae.tensor([3.0, -4.0])
    out = nn.utils.clip_grad_norm_(a, 100.0, norm_type=norm_type)
    assert out.item() == pytest.approx(total, rel=1e-6)
    assert a.grad.tolist() == [3.0, -4.0]


def test_clip_grad_value_():
    a = nn.Parameter(ae.zeros(3))
    a.grad = ae.tensor([3.0, -4.0, 0.5])
    nn.utils.clip_grad_value_([a], 1.0)
    assert a.grad.tolist() == [1.0, -1.0, 0.5]


# ============================================================================ optim
# "SGD(momentum, dampening, nesterov, weight_decay), Adam(betas, eps, weight_decay, amsgrad),
#  AdamW, RMSprop(alpha, eps, momentum, centered, weight_decay), Adagrad";
# "Update rules match PyTorch's to float32 rounding" (torch 2.13: 3 steps on
# loss = sum(p**2 * [1, 2, .5]) + sum(p) from p = [1, -2, 3])
OPTIM_CASES = [
    ("SGD", dict(lr=0.1), [0.2679999768733978, -0.6279999613761902, 1.9160000085830688]),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01),
     [-0.35525092482566833, 0.6353212594985962, 1.02488374710083]),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
     [-0.6647113561630249, 0.509527862071991, 0.2941528856754303]),
    ("Adam", dict(lr=0.1), [0.7009028196334839, -1.7007383108139038, 2.7002739906311035]),
    ("Adam", dict(lr=0.1, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True),
     [0.7010063529014587, -1.700804352760315, 2.700310707092285]),
    ("AdamW", dict(lr=0.1), [0.6982170343399048, -1.6950628757476807, 2.69159197807312]),
    ("AdamW", dict(lr=0.1, weight_decay=0.5, amsgrad=True),
     [0.5736495852470398, -1.4313591718673706, 2.2876739501953125]),
    ("RMSprop", dict(lr=0.01), [0.7768514752388, -1.775987982749939, 2.7731733322143555]),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, momentum=0.5, centered=True, weight_decay=0.1),
     [0.8819258213043213, -1.8817636966705322, 2.881301164627075]),
    ("Adagrad", dict(lr=0.1), [0.7773244976997375, -1.7764606475830078, 2.7736434936523438]),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5,
                     eps=1e-8),
     [0.7962086796760559, -1.792413592338562, 2.79136323928833]),
]


def _loss(p):
    return (p ** 2 * ae.tensor([1.0, 2.0, 0.5])).sum() + p.sum()


@pytest.mark.parametrize("name, kw, ref", OPTIM_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(OPTIM_CASES)])
def test_optimizer_update_rules_match_pytorch(name, kw, ref):
    p = ae.tensor([1.0, -2.0, 3.0], requires_grad=True)     # "any leaf tensors that require grad"
    opt = getattr(ae.optim, name)([p], **kw)
    for _ in range(3):
        opt.zero_grad()
        _loss(p).backward()
        opt.step()
    np.testing.assert_allclose(npy(p), ref, rtol=2e-6, atol=1e-6)


# "parameter groups"; Details: "expose `param_groups`"
def test_optimizer_param_groups():
    a = nn.Parameter(ae.ones(2))
    b = nn.Parameter(ae.ones(2))
    opt = ae.optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1, momentum=0.0)
    assert len(opt.param_groups) == 2
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 1.0
    assert opt.param_groups[0]["params"][0] is a
    assert opt.param_groups[1]["momentum"] == 0.0
    (a.sum() + b.sum()).backward()
    opt.step()
    np.testing.assert_allclose(npy(a), [0.9, 0.9])
    np.testing.assert_allclose(npy(b), [0.0, 0.0])
    opt.param_groups[0]["lr"] = 0.5
    opt.zero_grad()
    a.sum().backward()
    opt.step()
    np.testing.assert_allclose(npy(a), [0.4, 0.4])
    c = nn.Parameter(ae.ones(1))
    opt.add_param_group({"params": [c], "lr": 2.0})
    assert len(opt.param_groups) == 3


# "`zero_grad(set_to_none=True)`"
def test_optimizer_zero_grad_set_to_none():
    p = nn.Parameter(ae.ones(2))
    opt = ae.optim.SGD([p], lr=0.1)
    assert inspect.signature(opt.zero_grad).parameters["set_to_none"].default is True
    p.sum().backward()
    opt.zero_grad()
    assert p.grad is None
    p.sum().backward()
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0]


# "`step()`, `state_dict()` / `load_state_dict()`"
@pytest.mark.parametrize("name, kw", [("SGD", dict(lr=0.1, momentum=0.9)),
                                      ("Adam", dict(lr=0.1, amsgrad=True)),
                                      ("AdamW", dict(lr=0.1)),
                                      ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
                                      ("Adagrad", dict(lr=0.1))])
def test_optimizer_state_dict_round_trip(name, kw, tmp_path):
    p = ae.tensor([1.0, -2.0, 3.0], requires_grad=True)
    opt = getattr(ae.optim, name)([p], **kw)
    for _ in range(2):
        opt.zero_grad()
        _loss(p).backward()
        opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    path = str(tmp_path / "opt.npz")
    ae.save(sd, path)
    q = ae.tensor(npy(p).copy(), requires_grad=True)
    opt2 = getattr(ae.optim, name)([q], lr=123.0)
    opt2.load_state_dict(ae.load(path))
    assert opt2.param_groups[0]["lr"] == kw["lr"]
    for o, t in ((opt, p), (opt2, q)):
        o.zero_grad()
        _loss(t).backward()
        o.step()
    np.testing.assert_array_equal(npy(p), npy(q))


# Details: "validate hyper-parameters (`ValueError`)" (torch's checks)
@pytest.mark.parametrize("make", [
    lambda p: ae.optim.SGD([p], lr=-1.0),
    lambda p: ae.optim.SGD([p], lr=0.1, momentum=-1.0),
    lambda p: ae.optim.SGD([p], lr=0.1, weight_decay=-1.0),
    lambda p: ae.optim.SGD([p], lr=0.1, nesterov=True),
    lambda p: ae.optim.Adam([p], lr=-1.0),
    lambda p: ae.optim.Adam([p], betas=(1.0, 0.9)),
    lambda p: ae.optim.Adam([p], betas=(0.9, -0.1)),
    lambda p: ae.optim.Adam([p], eps=-1.0),
    lambda p: ae.optim.Adam([p], weight_decay=-1.0),
    lambda p: ae.optim.AdamW([p], lr=-1.0),
    lambda p: ae.optim.AdamW([p], betas=(0.9, 1.5)),
    lambda p: ae.optim.RMSprop([p], alpha=-1.0),
    lambda p: ae.optim.RMSprop([p], eps=-1.0),
    lambda p: ae.optim.RMSprop([p], momentum=-1.0),
    lambda p: ae.optim.Adagrad([p], lr=-1.0),
    lambda p: ae.optim.Adagrad([p], lr_decay=-1.0),
    lambda p: ae.optim.Adagrad([p], initial_accumulator_value=-1.0),
    lambda p: ae.optim.Adagrad([p], eps=-1.0),
    lambda p: ae.optim.SGD([p * 2], lr=0.1),         # torch: "can't optimize a non-leaf Tensor"
])
def test_optimizer_validation_value_error(make):
    with pytest.raises(ValueError):
        make(nn.Parameter(ae.ones(2)))


# Details: "Optimizers accept any leaf tensors that require grad"
@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_optimizer_accepts_plain_leaf_tensors(name):
    p = ae.tensor([1.0, 2.0], requires_grad=True)
    q = ae.zeros(2, dtype=ae.float64, requires_grad=True)
    opt = getattr(ae.optim, name)([p, q], lr=0.1)
    (p.sum() + q.sum()).backward()
    opt.step()
    assert npy(p)[0] < 1.0 and npy(q)[0] < 0.0 and q.dtype == np.float64


# Details: "`Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps)`"
def test_adagrad_signature():
    params = inspect.signature(ae.optim.Adagrad).parameters
    names = list(params)
    assert names[1:6] == ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"]
    assert params["lr"].default == 0.01 and params["lr_decay"].default == 0
    assert params["weight_decay"].default == 0 and params["initial_accumulator_value"].default == 0
    assert params["eps"].default == 1e-10


# Details: "`clip_grad_norm_` returns the total norm as a 0-d tensor"
def test_clip_grad_norm_zero_d_tensor():
    net = _Net()
    net(ae.randn(3, 3)).sum().backward()
    total = nn.utils.clip_grad_norm_(net.parameters(), 0.01)
    assert isinstance(total, ae.Tensor) and total.ndim == 0 and not total.requires_grad
    ref = math.sqrt(sum(float((npy(p.grad).astype(np.float64) ** 2).sum())
                        for p in net.parameters()))
    assert total.item() > 0.01 or ref <= 0.01


# "Schedulers: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR,
#  ReduceLROnPlateau, with `step()` and `get_last_lr()`" (torch 2.13's learning rates)
SCHEDULERS = [
    ("StepLR", dict(step_size=3, gamma=0.5),
     [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025]),
    ("MultiStepLR", dict(milestones=[2, 5], gamma=0.1),
     [0.1, 0.1, 0.01, 0.01, 0.01, 0.001, 0.001, 0.001, 0.001]),
    ("ExponentialLR", dict(gamma=0.9), [0.1 * 0.9 ** i for i in range(9)]),
    ("CosineAnnealingLR", dict(T_max=4, eta_min=0.01),
     [0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.01,
      0.023180194846605363, 0.05500000000000002, 0.08681980515339469, 0.10000000000000006]),
    ("LinearLR", dict(start_factor=0.25, end_factor=1.0, total_iters=4),
     [0.025, 0.04375, 0.0625, 0.08125, 0.1, 0.1, 0.1, 0.1, 0.1]),
]


@pytest.mark.parametrize("name, kw, ref", SCHEDULERS, ids=[s[0] for s in SCHEDULERS])
def test_schedulers(name, kw, ref):
    p = nn.Parameter(ae.zeros(1))
    opt = ae.optim.SGD([p], lr=0.1)
    s = getattr(ae.optim.lr_scheduler, name)(opt, **kw)
    got = [s.get_last_lr()[0]]
    for _ in range(8):
        opt.step()
        s.step()
        got.append(s.get_last_lr()[0])
    np.testing.assert_allclose(got, ref, rtol=1e-9)
    assert opt.param_groups[0]["lr"] == pytest.approx(ref[-1])


def test_reduce_lr_on_plateau():
    p = nn.Parameter(ae.zeros(1))
    opt = ae.optim.SGD([p], lr=0.1)
    s = ae.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1)
    got = []
    for m in [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85]:
        opt.step()
        s.step(m)
        got.append(s.get_last_lr()[0])
    np.testing.assert_allclose(got, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125])


# ============================================================================ Files
# "`ae.save(obj, path)` / `ae.load(path)`: state dicts ... in a numpy `.npz` container"
def test_save_is_npz_container(tmp_path):
    path = str(tmp_path / "m.npz")
    ae.save(nn.Linear(2, 3).state_dict(), path)
    assert zipfile.is_zipfile(path)
    with np.load(path, allow_pickle=False) as z:
        assert len(z.files) >= 2


def test_save_load_module_state_dict(tmp_path):
    a, b = _Net(), _Net()
    path = str(tmp_path / "net.npz")
    ae.save(a.state_dict(), path)
    b.load_state_dict(ae.load(path))
    x = ae.randn(3, 3)
    np.testing.assert_array_equal(npy(a(x)), npy(b(x)))


# "loaded with `allow_pickle=False`: loading a file never runs code"
class _Evil:
    ran = False

    def __reduce__(self):
        return (_mark_evil, ())


def _mark_evil():
    _Evil.ran = True
    return 1


def test_load_never_unpickles(tmp_path):
    path = str(tmp_path / "evil.npz")
    np.savez(path, x=np.array([_Evil()], dtype=object))
    _Evil.ran = False
    with pytest.raises(ValueError):
        ae.load(path)
    assert not _Evil.ran


# "A truncated or foreign file gives a clear `ValueError`, never a crash."
def test_load_truncated_file(tmp_path):
    path = str(tmp_path / "t.npz")
    ae.save({"w": ae.randn(50, 50), "n": 3}, path)
    data = open(path, "rb").read()
    for cut in (10, len(data) // 2, len(data) - 5):
        bad = str(tmp_path / f"cut{cut}.npz")
        with open(bad, "wb") as fh:
            fh.write(data[:cut])
        with pytest.raises(ValueError):
            ae.load(bad)


@pytest.mark.parametrize("content", [b"hello world, not a state dict", b"", b"PK\x03\x04garbage"])
def test_load_foreign_file(tmp_path, content):
    path = str(tmp_path / "f.npz")
    with open(path, "wb") as fh:
        fh.write(content)
    with pytest.raises(ValueError):
        ae.load(path)


def test_load_plain_numpy_npz_not_written_by_ae_save(tmp_path):
    path = str(tmp_path / "plain.npz")
    np.savez(path, a=np.arange(3))
    with pytest.raises(ValueError):
        ae.load(path)
    npy_path = str(tmp_path / "plain.npy")
    np.save(npy_path, np.arange(3))
    with pytest.raises(ValueError):
        ae.load(npy_path)


def test_load_python_pickle_file(tmp_path):
    path = str(tmp_path / "p.pt")
    with open(path, "wb") as fh:
        pickle.dump({"w": np.ones(2)}, fh)
    with pytest.raises(ValueError):
        ae.load(path)


# "a file not written by `ae.save` ... is `ValueError`": an ae.save file whose zip directory
# offset was corrupted (read from a path)
@pytest.mark.parametrize("offset", [1000])
def test_load_corrupted_zip_directory_offset(tmp_path, offset):
    import struct
    path = str(tmp_path / "m.npz")
    ae.save({"w": ae.ones(2)}, path)
    data = bytearray(open(path, "rb").read())
    j = data.rfind(b"PK\x05\x06")
    data[j + 16:j + 20] = struct.pack("<I", offset)
    with open(path, "wb") as fh:
        fh.write(bytes(data))
    with pytest.raises(ValueError):
        ae.load(path)


def test_load_corrupted_zip_directory_offset_file_object(tmp_path):
    import io
    import struct
    buf = io.BytesIO()
    ae.save({"w": ae.ones(2)}, buf)
    data = bytearray(buf.getvalue())
    j = data.rfind(b"PK\x05\x06")
    data[j + 16:j + 20] = struct.pack("<I", 1000)
    with pytest.raises(ValueError):
        ae.load(io.BytesIO(bytes(data)))


# ============================================================================ Details
# "The class is `ae.Tensor`; tensors are weak-referenceable"
def test_tensor_class_and_weakref():
    t = ae.tensor([1.0])
    assert type(t) is ae.Tensor or isinstance(t, ae.Tensor)
    r = weakref.ref(t)
    assert r() is t
    d = weakref.WeakKeyDictionary()
    d[t] = 1
    del t
    gc.collect()
    assert r() is None and len(d) == 0


# "Shapes may be given as varargs or a tuple (`zeros(2, 3)`, `zeros((2, 3))`, `reshape(2, 3)`,
#  `permute(2, 0, 1)`)"
@pytest.mark.parametrize("varargs, tupled", [
    (lambda: ae.zeros(2, 3), lambda: ae.zeros((2, 3))),
    (lambda: ae.ones(2, 3), lambda: ae.ones((2, 3))),
    (lambda: ae.empty(2, 3), lambda: ae.empty((2, 3))),
    (lambda: ae.rand(2, 3), lambda: ae.rand((2, 3))),
    (lambda: ae.randn(2, 3), lambda: ae.randn((2, 3))),
    (lambda: ae.arange(6).reshape(2, 3), lambda: ae.arange(6).reshape((2, 3))),
    (lambda: ae.arange(6).view(2, 3), lambda: ae.arange(6).view((2, 3))),
    (lambda: ae.zeros(3, 1, 2).permute(2, 0, 1), lambda: ae.zeros(3, 1, 2).permute((2, 0, 1))),
    (lambda: ae.zeros(1, 3).expand(2, 3), lambda: ae.zeros(1, 3).expand((2, 3))),
    (lambda: ae.zeros(1, 1).repeat(2, 3), lambda: ae.zeros(1, 1).repeat((2, 3))),
], ids=["zeros", "ones", "empty", "rand", "randn", "reshape", "view", "permute", "expand",
        "repeat"])
def test_shapes_varargs_or_tuple(varargs, tupled):
    assert varargs().shape == tupled().shape


def test_permute_shape_result():
    assert ae.zeros(3, 4, 5).permute(2, 0, 1).shape == (5, 3, 4)


# "Python lists are accepted as indices" (torch: [[0,2]] -> (2, 4); [[0,2],[1,3]] -> (2,))
def test_lists_as_indices():
    a = np.arange(12.0).reshape(3, 4)
    t = ae.tensor(a)
    assert t[[0, 2]].shape == (2, 4)
    np.testing.assert_array_equal(npy(t[[0, 2]]), a[[0, 2]])
    np.testing.assert_array_equal(npy(t[[0, 2], [1, 3]]), a[[0, 2], [1, 3]])
    np.testing.assert_array_equal(npy(t[:, [0, 0, 1]]), a[:, [0, 0, 1]])
    u = ae.zeros(3, 4)
    u[[0, 2]] = 1.0
    assert npy(u).sum() == 8.0
    x = ae.tensor(a, requires_grad=True)
    x[[0, 0, 2]].sum().backward()
    np.testing.assert_array_equal(npy(x.grad)[:, 0], [2.0, 0.0, 1.0])


# "Type promotion follows PyTorch: Python scalars and 0-d tensors do not up-cast a tensor of the
#  same kind; int tensor op float scalar gives float32; `/` on ints gives float32; `matmul` of
#  different float dtypes is a `RuntimeError`" (expected dtypes from torch 2.13)
_I64 = ae.tensor([1, 2])
_I32 = ae.tensor(np.array([1, 2], dtype=np.int32))
_F32 = ae.tensor([1.0, 2.0])
_F64 = ae.tensor([1.0, 2.0], dtype=ae.float64)


@pytest.mark.parametrize("fn, dt", [
    (lambda: _I64 * 2.5, np.float32),
    (lambda: 2.5 * _I64, np.float32),
    (lambda: _I64 / _I64, np.float32),
    (lambda: _I64 / 2, np.float32),
    (lambda: 2 / _I64, np.float32),
    (lambda: _F32 + ae.tensor(2.0, dtype=ae.float64), np.float32),
    (lambda: ae.tensor(2.0, dtype=ae.float64) * _F32, np.float32),
    (lambda: _F32 + _F64, np.float64),
    (lambda: _I64 + ae.tensor(2.5), np.float32),
    (lambda: _I32 + ae.tensor(2), np.int32),
    (lambda: _I32 + 2, np.int32),
    (lambda: _I64 + True, np.int64),
    (lambda: ae.tensor([True]) + 1, np.int64),
    (lambda: ae.tensor([True]) + 1.5, np.float32),
    (lambda: _I64 * _F32, np.float32),
    (lambda: _F32 + ae.tensor(3), np.float32),
    (lambda: _F64 + ae.tensor(2.0), np.float64),
    (lambda: _I64 // 2, np.int64),
    (lambda: _I64 ** 2, np.int64),
    (lambda: _I64 ** 0.5, np.float32),
    (lambda: _F64 * 2.0, np.float64),
    (lambda: ae.maximum(_F32, ae.tensor(1.0, dtype=ae.float64)), np.float32),
    (lambda: ae.where(_F32 > 1, _F32, ae.tensor(0.0, dtype=ae.float64)), np.float32),
], ids=["int*float", "float*int", "int/int", "int/2", "2/int", "f32+0d-f64", "0d-f64*f32",
        "f32+f64", "int+0d-f32", "i32+0d-i64", "i32+2", "int+True", "bool+1", "bool+1.5",
        "int*f32", "f32+0d-int", "f64+0d-f32", "int//2", "int**2", "int**0.5", "f64*2.0",
        "maximum-0d", "where-0d"])
def test_type_promotion(fn, dt):
    assert fn().dtype == dt


def test_matmul_mixed_float_dtypes_runtime_error():
    with pytest.raises(RuntimeError):
        ae.matmul(ae.zeros(2, 2), ae.zeros(2, 2, dtype=ae.float64))
    with pytest.raises(RuntimeError):
        ae.zeros(2, 2, dtype=ae.float64) @ ae.zeros(2)


# "Ties: full `max()`/`min()` split the gradient evenly among tied elements"
# (torch: max of [1,3,3,2,3] -> grads [0, 1/3, 1/3, 0, 1/3])
@pytest.mark.parametrize("name, data, ref", [
    ("max", [1.0, 3.0, 3.0, 2.0, 3.0], [0.0, 1 / 3, 1 / 3, 0.0, 1 / 3]),
    ("min", [1.0, 0.0, 0.0, 2.0], [0.0, 0.5, 0.5, 0.0]),
])
def test_tie_full_max_min_split_evenly(name, data, ref):
    for form in (lambda x: getattr(ae, name)(x), lambda x: getattr(x, name)()):
        x = ae.tensor(data, dtype=ae.float64, requires_grad=True)
        form(x).backward()
        np.testing.assert_allclose(npy(x.grad), ref, rtol=1e-12)


# "`max/min(dim=)` and `argmax/argmin` pick the first occurrence, which gets the whole gradient"
@pytest.mark.parametrize("name, data", [("max", [[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]]),
                                        ("min", [[0.0, 1.0, 0.0], [2.0, 2.0, 2.0]])])
def test_tie_dim_max_min_first_occurrence(name, data):
    x = ae.tensor(data, dtype=ae.float64, requires_grad=True)
    values, indices = getattr(x, name)(dim=1)
    assert indices.tolist() == [0, 0]
    values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    assert getattr(ae, "arg" + name)(ae.tensor(data), dim=1).tolist() == [0, 0]


def test_tie_argmax_argmin_first_occurrence():
    assert ae.argmax(ae.tensor([1.0, 3.0, 3.0])).item() == 1
    assert ae.argmin(ae.tensor([1.0, 0.0, 0.0])).item() == 1
    assert ae.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]]).argmax(dim=1).tolist() == [0, 0]


# "`maximum/minimum` give half to each side of a tie"
@pytest.mark.parametrize("name, ga, gb", [("maximum", [0.5, 0.0, 0.5], [0.5, 1.0, 0.5]),
                                          ("minimum", [0.5, 1.0, 0.5], [0.5, 0.0, 0.5])])
def test_tie_maximum_minimum_half(name, ga, gb):
    a = ae.tensor([1.0, 2.0, 3.0], dtype=ae.float64, requires_grad=True)
    b = ae.tensor([1.0, 5.0, 3.0], dtype=ae.float64, requires_grad=True)
    getattr(ae, name)(a, b).sum().backward()
    assert a.grad.tolist() == ga and b.grad.tolist() == gb


# "`clamp` bounds are inclusive" (torch: clamp(0, 1) grads at [-1, 0, .5, 1, 2] = [0, 1, 1, 1, 0])
@pytest.mark.parametrize("kw, data, ref", [
    (dict(min=0.0, max=1.0), [-1.0, 0.0, 0.5, 1.0, 2.0], [0.0, 1.0, 1.0, 1.0, 0.0]),
    (dict(min=0.0), [-1.0, 0.0, 0.5], [0.0, 1.0, 1.0]),
    (dict(max=1.0), [0.5, 1.0, 2.0], [1.0, 1.0, 0.0]),
])
def test_tie_clamp_inclusive_bounds(kw, data, ref):
    x = ae.tensor(data, requires_grad=True)
    ae.clamp(x, **kw).sum().backward()
    assert x.grad.tolist() == ref
    np.testing.assert_array_equal(npy(ae.clamp(ae.tensor(data), **kw)),
                                  np.clip(data, kw.get("min"), kw.get("max")))


# "the derivative of `relu` and `abs` at 0 is 0; `sign` has zero gradient"
@pytest.mark.parametrize("fn, ref", [(ae.relu, [0.0, 0.0, 1.0]),
                                     (lambda t: t.relu(), [0.0, 0.0, 1.0]),
                                     (F.relu, [0.0, 0.0, 1.0]),
                                     (lambda t: nn.ReLU()(t), [0.0, 0.0, 1.0]),
                                     (ae.abs, [-1.0, 0.0, 1.0]), (abs, [-1.0, 0.0, 1.0]),
                                     (ae.sign, [0.0, 0.0, 0.0]), (lambda t: t.sign(),
                                                                  [0.0, 0.0, 0.0])],
                         ids=["relu", "relu-method", "F.relu", "nn.ReLU", "abs", "builtin-abs",
                              "sign", "sign-method"])
def test_tie_relu_abs_at_zero_sign_zero(fn, ref):
    x = ae.tensor([-1.0, 0.0, 1.0], requires_grad=True)
    fn(x).sum().backward()
    assert x.grad.tolist() == ref


# "Reductions with a tuple `dim`: sum, mean, var, std, prod, logsumexp, norm. `norm` supports `p`
#  in {1, 2, inf} and other positive floats" (torch on arange(24).reshape(2, 3, 4))
@pytest.mark.parametrize("p, dim, ref", [
    (1, (0, 2), [60.0, 92.0, 124.0]),
    (2, (0, 2), None),
    (float("inf"), (0, 2), [15.0, 19.0, 23.0]),
    (3, (0, 2), [21.601648330688477, 28.209318161010742, 35.20909118652344]),
    (3.0, None, 42.39091110229492),
    (0.5, None, 5735.75927734375),
    (1.5, 1, None),
])
def test_norm_p_values_and_tuple_dim(p, dim, ref):
    a = np.arange(24.0).reshape(2, 3, 4)
    out = ae.norm(ae.tensor(a), p=p, dim=dim)
    if ref is None:
        ref = np.sum(np.abs(a) ** p, axis=dim) ** (1 / p)
    np.testing.assert_allclose(npy(out), ref, rtol=1e-6)
    np.testing.assert_allclose(npy(ae.tensor(a).norm(p=p, dim=dim)), ref, rtol=1e-6)
    b = RNG.standard_normal((2, 3, 4))
    assert_grads(lambda t: ae.norm(t, p=p, dim=dim).sum(), b)


# "`F.pad(x, pad, value=0)` (and `ae.pad`): pairs start from the last dimension"
# (torch: pad(arange(6).reshape(2,3), (1,0,0,2), value=9.) -> 4x4 below)
@pytest.mark.parametrize("pad_fn", [F.pad, ae.pad], ids=["F.pad", "ae.pad"])
def test_pad_pairs_from_last_dim(pad_fn):
    x = ae.arange(6.0).reshape(2, 3)
    assert pad_fn(x, (1, 2)).shape == (2, 6)
    out = pad_fn(x, (1, 0, 0, 2), value=9.0)
    assert out.tolist() == [[9.0, 0.0, 1.0, 2.0], [9.0, 3.0, 4.0, 5.0], [9.0, 9.0, 9.0, 9.0],
                            [9.0, 9.0, 9.0, 9.0]]
    assert pad_fn(ae.zeros(2, 3, 4), (1, 1, 2, 0, 1, 1)).shape == (4, 5, 6)
    assert pad_fn(x, (1, 1)).tolist()[0] == [0.0, 0.0, 1.0, 2.0, 0.0]


# "`chunk`, `squeeze` (no-op on a non-size-1 dim), `arange` and `linspace` dtypes as PyTorch"
@pytest.mark.parametrize("n, chunks, sizes", [(5, 3, [2, 2, 1]), (6, 4, [2, 2, 2]),
                                              (10, 4, [3, 3, 3, 1]), (5, 4, [2, 2, 1])])
def test_chunk_sizes_as_pytorch(n, chunks, sizes):
    assert [c.shape[0] for c in ae.chunk(ae.arange(n), chunks)] == sizes
    assert [c.shape[0] for c in ae.arange(n).chunk(chunks)] == sizes


def test_squeeze_noop_on_non_size_1_dim():
    t = ae.zeros(2, 1, 3)
    assert t.squeeze(0).shape == (2, 1, 3)
    assert t.squeeze(-1).shape == (2, 1, 3)
    assert t.squeeze(1).shape == (2, 3)
    assert t.squeeze().shape == (2, 3)
    assert ae.squeeze(t, 2).shape == (2, 1, 3)


@pytest.mark.parametrize("fn, dt", [(lambda: ae.arange(5), np.int64),
                                    (lambda: ae.arange(1, 4), np.int64),
                                    (lambda: ae.arange(5.0), np.float32),
                                    (lambda: ae.arange(1, 4, 0.5), np.float32),
                                    (lambda: ae.arange(0.0, 3), np.float32),
                                    (lambda: ae.arange(3, dtype=ae.float64), np.float64),
                                    (lambda: ae.linspace(0, 10, 5), np.float32),
                                    (lambda: ae.linspace(0.0, 1.0, 5), np.float32),
                                    (lambda: ae.linspace(0, 10, 5, dtype=ae.float64), np.float64)],
                         ids=["arange-int", "arange-int-2", "arange-float", "arange-float-step",
                              "arange-float-start", "arange-dtype", "linspace-int", "linspace",
                              "linspace-dtype"])
def test_arange_linspace_dtypes_as_pytorch(fn, dt):
    assert fn().dtype == dt


def test_linspace_values_and_int_dtype():
    np.testing.assert_allclose(npy(ae.linspace(0, 10, 5)), [0.0, 2.5, 5.0, 7.5, 10.0])
    assert ae.linspace(0, 10, 5, dtype=ae.int64).tolist() == [0, 2, 5, 7, 10]


# "Modules have buffers (`register_buffer`, `buffers()`, `named_buffers()`), which are in
#  `state_dict` (e.g. BatchNorm's `running_mean`, `running_var`, `num_batches_tracked`)"
def test_module_buffers():
    m = nn.Module()
    m.register_buffer("stat", ae.zeros(3))
    m.lin = nn.Linear(2, 2)
    assert [n for n, _ in m.named_buffers()] == ["stat"]
    assert len(list(m.buffers())) == 1 and list(m.parameters()) != []
    assert "stat" in m.state_dict()
    assert not any(b is m.stat for b in m.parameters())
    m2 = nn.Module()
    m2.register_buffer("stat", ae.ones(3))
    m2.lin = nn.Linear(2, 2)
    m2.load_state_dict(m.state_dict())
    assert npy(m2.stat).tolist() == [0.0, 0.0, 0.0]


def test_batchnorm_buffers_in_state_dict():
    bn = nn.BatchNorm1d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                     "num_batches_tracked"]
    names = [n for n, _ in bn.named_buffers()]
    assert names == ["running_mean", "running_var", "num_batches_tracked"]
    assert npy(bn.state_dict()["num_batches_tracked"]).dtype == np.int64
    seq = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
    assert "1.running_mean" in seq.state_dict()


# "`load_state_dict(strict=False)` returns `(missing_keys, unexpected_keys)`"
def test_load_state_dict_non_strict_returns_keys():
    lin = nn.Linear(2, 2)
    missing, unexpected = lin.load_state_dict({"weight": ae.zeros(2, 2), "extra": ae.zeros(1)},
                                              strict=False)
    assert list(missing) == ["bias"] and list(unexpected) == ["extra"]
    assert npy(lin.weight).sum() == 0.0
    res = lin.load_state_dict({"weight": ae.zeros(2, 2), "extra": ae.zeros(1)}, strict=False)
    assert list(res.missing_keys) == ["bias"] and list(res.unexpected_keys) == ["extra"]


# "`load_state_dict` key mismatches" -> RuntimeError (Errors section)
@pytest.mark.parametrize("sd", [{"weight": np.zeros((2, 2), np.float32)},
                                {"weight": np.zeros((2, 2), np.float32),
                                 "bias": np.zeros(2, np.float32),
                                 "extra": np.zeros(1, np.float32)}],
                         ids=["missing", "unexpected"])
def test_load_state_dict_strict_key_mismatch(sd):
    lin = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="(?s)(bias|extra)"):
        lin.load_state_dict({k: ae.tensor(v) for k, v in sd.items()})


def test_load_state_dict_shape_mismatch():
    lin = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="weight"):
        lin.load_state_dict({"weight": ae.zeros(3, 2), "bias": ae.zeros(2)})


# "`Sequential` supports `len`, indexing and iteration"
def test_sequential_len_index_iter():
    layers = [nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3
    assert seq[0] is layers[0] and seq[-1] is layers[2]
    assert list(seq) == layers
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential) and len(sub) == 2 and sub[0] is layers[1]


# "Default initialisations, argument defaults and accepted argument forms are PyTorch's"
def test_default_inits_as_pytorch():
    emb = nn.Embedding(400, 100)
    assert abs(npy(emb.weight).std() - 1.0) < 0.02            # N(0, 1)
    ln = nn.LayerNorm(5)
    assert npy(ln.weight).tolist() == [1.0] * 5 and npy(ln.bias).tolist() == [0.0] * 5
    bn = nn.BatchNorm1d(4)
    assert npy(bn.weight).tolist() == [1.0] * 4 and npy(bn.running_var).tolist() == [1.0] * 4
    assert bn.eps == 1e-5 and bn.momentum == 0.1
    conv = nn.Conv2d(4, 8, 3)
    bound = 1 / math.sqrt(4 * 9)
    assert np.all(np.abs(npy(conv.weight)) <= bound) and np.all(np.abs(npy(conv.bias)) <= bound)
    assert npy(conv.weight).max() > 0.9 * bound
    assert nn.LeakyReLU().negative_slope == 0.01
    assert nn.Dropout().p == 0.5


# "`ae.save` writes exactly the path given"
@pytest.mark.parametrize("name", ["model.bin", "noext", "weights.pt", "x.npz"])
def test_save_writes_exact_path(tmp_path, name):
    path = str(tmp_path / name)
    ae.save({"w": ae.ones(2)}, path)
    assert sorted(os.listdir(tmp_path)) == [name]
    assert npy(ae.load(path)["w"]).tolist() == [1.0, 1.0]


def test_save_load_pathlib(tmp_path):
    ae.save({"w": ae.ones(2)}, tmp_path / "p.npz")
    assert npy(ae.load(tmp_path / "p.npz")["w"]).tolist() == [1.0, 1.0]


# "`ae.load` returns what was saved, tensors as tensors, with dicts (str or int keys), lists,
#  tuples, None, bools, numbers and strings intact"
def test_save_load_nested_round_trip(tmp_path):
    obj = {
        "t32": ae.tensor([1.5, 2.5]),
        "t64": ae.tensor([[1.0]], dtype=ae.float64),
        "ti": ae.tensor([1, 2, 3]),
        "tb": ae.tensor([True, False]),
        "t0": ae.tensor(3.0),
        "arr": np.arange(3.0),
        "nested": {0: {"a": [1, 2.5, "s"], 7: (None, True, False)}, "x": [ae.ones(1), [3]]},
        "none": None, "yes": True, "no": False, "int": 5, "float": 0.25, "str": "hello",
        "empty_list": [], "empty_dict": {}, "tuple": (1, "a"), "big": 2 ** 40, "neg": -3,
        "uni": "héllo ✓",
    }
    path = str(tmp_path / "obj.npz")
    ae.save(obj, path)
    got = ae.load(path)
    assert set(got) == set(obj)
    for k in ("t32", "t64", "ti", "tb", "t0"):
        assert isinstance(got[k], ae.Tensor), k
        assert got[k].dtype == obj[k].dtype and got[k].shape == obj[k].shape, k
        np.testing.assert_array_equal(npy(got[k]), npy(obj[k]))
    np.testing.assert_array_equal(npy(got["arr"]), obj["arr"])
    assert set(got["nested"]) == {0, "x"}
    assert got["nested"][0]["a"] == [1, 2.5, "s"]
    assert got["nested"][0][7] == (None, True, False)
    assert type(got["nested"][0]["a"][0]) is int and type(got["nested"][0]["a"][1]) is float
    assert isinstance(got["nested"]["x"][0], ae.Tensor) and got["nested"]["x"][1] == [3]
    for k in ("none", "yes", "no", "int", "float", "str", "empty_list", "empty_dict", "tuple",
              "big", "neg", "uni"):
        assert got[k] == obj[k] and type(got[k]) is type(obj[k]), k


# "so optimizer state dicts round-trip"
def test_optimizer_state_dict_keys_survive_save_load(tmp_path):
    a, b = nn.Parameter(ae.ones(2)), nn.Parameter(ae.ones(3))
    opt = ae.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, betas=(0.8, 0.9))
    (a.sum() + b.sum()).backward()
    opt.step()
    sd = opt.state_dict()
    ae.save(sd, str(tmp_path / "o.npz"))
    got = ae.load(str(tmp_path / "o.npz"))
    assert set(got["state"]) == set(sd["state"]) == {0, 1}
    assert got["param_groups"][1]["lr"] == 0.5
    assert tuple(got["param_groups"][0]["betas"]) == (0.8, 0.9)
    assert got["param_groups"][0]["amsgrad"] is False
    for k, v in sd["state"][0].items():
        np.testing.assert_array_equal(npy(got["state"][0][k]), npy(v))


# "A missing file is `FileNotFoundError`"
def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        ae.load(str(tmp_path / "nope.npz"))


# ============================================================================ Errors
# "`RuntimeError` for incompatible shapes in broadcasting, matmul, cat/stack, expand, permute,
#  split, reshape, `item()` of a multi-element tensor"; "whose message names the operation
#  and the offending shapes/dtypes"
SHAPE_ERRORS = {
    "broadcast-add": (lambda: ae.zeros(2, 3) + ae.zeros(4, 3), ["(2, 3)", "(4, 3)"]),
    "broadcast-mul": (lambda: ae.zeros(2, 3) * ae.zeros(4, 3), ["(2, 3)", "(4, 3)"]),
    "broadcast-where": (lambda: ae.where(ae.zeros(2, 3) > 0, ae.zeros(4, 3), 0.0), ["where"]),
    "matmul": (lambda: ae.zeros(3, 4) @ ae.zeros(5, 2), ["matmul", "(3, 4)", "(5, 2)"]),
    "matmul-1d": (lambda: ae.matmul(ae.zeros(3), ae.zeros(4)), ["matmul", "(3,)", "(4,)"]),
    "matmul-batched": (lambda: ae.zeros(2, 3, 4) @ ae.zeros(3, 4, 5), ["matmul"]),
    "cat": (lambda: ae.cat([ae.zeros(2, 3), ae.zeros(2, 4)]), ["cat", "(2, 3)", "(2, 4)"]),
    "cat-ndim": (lambda: ae.cat([ae.zeros(2, 3), ae.zeros(3)]), ["cat"]),
    "stack": (lambda: ae.stack([ae.zeros(2, 3), ae.zeros(2, 4)]), ["stack", "(2, 3)", "(2, 4)"]),
    "expand": (lambda: ae.zeros(2, 3).expand(4, 3), ["expand", "(2, 3)", "(4, 3)"]),
    "permute-len": (lambda: ae.zeros(2, 3).permute(0), ["permute"]),
    "permute-dup": (lambda: ae.zeros(2, 3).permute(0, 0), ["permute"]),
    "split": (lambda: ae.zeros(3).split([1, 1]), ["split"]),
    "reshape": (lambda: ae.zeros(2, 3).reshape(4, 2), ["reshape", "(4, 2)"]),
    "view": (lambda: ae.zeros(2, 3).view(7), ["(7,)"]),
    "item": (lambda: ae.zeros(2).item(), ["item", "2"]),
}


@pytest.mark.parametrize("name", list(SHAPE_ERRORS))
def test_shape_errors_runtime_error_naming_op_and_shapes(name):
    fn, words = SHAPE_ERRORS[name]
    with pytest.raises(RuntimeError) as e:
        fn()
    msg = str(e.value)
    for w in words:
        assert w in msg, (w, msg)


# the example: "matmul: shapes (3, 4) and (5, 2) are not aligned: 4 (dim 1) != 5 (dim 0)"
def test_matmul_error_message_example():
    with pytest.raises(RuntimeError) as e:
        ae.matmul(ae.zeros(3, 4), ae.zeros(5, 2))
    assert str(e.value) == ("matmul: shapes (3, 4) and (5, 2) are not aligned: "
                            "4 (dim 1) != 5 (dim 0)")


def test_matmul_dtype_error_names_dtypes():
    with pytest.raises(RuntimeError) as e:
        ae.matmul(ae.zeros(2, 2), ae.zeros(2, 2, dtype=ae.float64))
    msg = str(e.value)
    assert "matmul" in msg and ("float32" in msg or "Float" in msg) and (
        "float64" in msg or "Double" in msg)


# "`IndexError` for out-of-range indices and class labels"
@pytest.mark.parametrize("fn", [
    lambda: ae.zeros(3)[5],
    lambda: ae.zeros(3)[-4],
    lambda: ae.zeros(2, 3)[:, 3],
    lambda: ae.zeros(3)[ae.tensor([0, 5])],
    lambda: ae.zeros(3)[[0, 5]],
    lambda: ae.zeros(3)[np.array([-4])],
    lambda: ae.zeros(3).__setitem__(5, 1.0),
    lambda: ae.zeros(3).__setitem__(ae.tensor([3]), 1.0),
    lambda: F.cross_entropy(ae.zeros(2, 3), ae.tensor([0, 3])),
    lambda: F.cross_entropy(ae.zeros(2, 3), ae.tensor([0, -1])),
    lambda: nn.CrossEntropyLoss()(ae.zeros(2, 3), ae.tensor([0, 7])),
    lambda: F.nll_loss(ae.zeros(2, 3), ae.tensor([0, 3])),
    lambda: nn.NLLLoss()(ae.zeros(2, 3), ae.tensor([-2, 0])),
    lambda: F.embedding(ae.tensor([5]), ae.zeros(3, 2)),
    lambda: nn.Embedding(3, 2)(ae.tensor([3])),
    lambda: nn.Embedding(3, 2)(ae.tensor([-1])),
    lambda: ae.zeros(2, 3).sum(dim=2),
    lambda: ae.zeros(2, 3).size(2),
    lambda: ae.zeros(2, 3).transpose(0, 2),
    lambda: ae.zeros(2, 3).squeeze(5),
], ids=["int", "neg-int", "slice-int", "tensor", "list", "np-neg", "setitem-int",
        "setitem-tensor", "ce", "ce-neg", "CrossEntropyLoss", "nll", "NLLLoss-neg", "F.embedding",
        "Embedding", "Embedding-neg", "sum-dim", "size-dim", "transpose-dim", "squeeze-dim"])
def test_index_errors(fn):
    with pytest.raises(IndexError):
        fn()


# "`ValueError` for ragged nested lists"
@pytest.mark.parametrize("data", [[[1, 2], [3]], [[1.0], 2.0], [[[1], [2]], [[3]]]])
def test_ragged_lists_value_error(data):
    with pytest.raises(ValueError):
        ae.tensor(data)


# "`TypeError` for non-numeric data and `requires_grad` on integer tensors"
def test_type_error_messages_name_dtype():
    with pytest.raises(TypeError) as e:
        ae.tensor([1, 2], requires_grad=True)
    assert "int64" in str(e.value) or "Long" in str(e.value)
    with pytest.raises(TypeError):
        ae.tensor({"a": 1})
    with pytest.raises(TypeError):
        ae.tensor([None, 1.0])


# "A Numba kernel is never called with arguments it could read out of bounds: shapes are
#  checked before dispatch." (torch's exception types)
@pytest.mark.parametrize("fn, exc", [
    (lambda: F.conv2d(ae.zeros(1, 2, 5, 5), ae.zeros(3, 4, 3, 3)), RuntimeError),
    (lambda: F.conv2d(ae.zeros(1, 2, 2, 2), ae.zeros(3, 2, 3, 3)), RuntimeError),
    (lambda: F.conv2d(ae.zeros(1, 2, 5, 5), ae.zeros(3, 2, 3, 3), ae.zeros(4)), RuntimeError),
    (lambda: F.max_pool2d(ae.zeros(1, 1, 2, 2), 3), RuntimeError),
    (lambda: F.linear(ae.zeros(2, 3), ae.zeros(4, 5)), RuntimeError),
    (lambda: F.linear(ae.zeros(2, 3), ae.zeros(4, 3), ae.zeros(5)), RuntimeError),
    (lambda: F.cross_entropy(ae.zeros(2, 3), ae.tensor([0, 1, 2])), ValueError),
    (lambda: F.nll_loss(ae.zeros(2, 3), ae.tensor([0, 1, 2])), ValueError),
    (lambda: F.layer_norm(ae.zeros(2, 3), (4,)), RuntimeError),
    (lambda: F.batch_norm(ae.zeros(2, 3), ae.zeros(4), ae.ones(4)), RuntimeError),
    (lambda: nn.BatchNorm1d(4)(ae.zeros(2, 3)), RuntimeError),
    (lambda: nn.Linear(3, 2)(ae.zeros(2, 4)), RuntimeError),
    (lambda: F.mse_loss(ae.zeros(2, 3), ae.zeros(4, 3)), RuntimeError),
], ids=["conv-channels", "conv-kernel-too-big", "conv-bias", "maxpool-too-big", "linear",
        "linear-bias", "ce-batch", "nll-batch", "layer_norm", "batch_norm", "BatchNorm1d",
        "Linear", "mse-broadcast"])
def test_shapes_checked_before_dispatch(fn, exc):
    with pytest.raises(exc):
        fn()



# "`RuntimeError` for incompatible shapes in broadcasting ..., whose message names the
#  operation and the offending shapes": the in-place forms
_BCAST_INPLACE = {
    "add_": lambda a, b: a.add_(b), "sub_": lambda a, b: a.sub_(b), "mul_": lambda a, b: a.mul_(b),
    "div_": lambda a, b: a.div_(b), "clamp_": lambda a, b: a.clamp_(b),
    "+=": lambda a, b: a.__iadd__(b), "-=": lambda a, b: a.__isub__(b),
    "*=": lambda a, b: a.__imul__(b), "/=": lambda a, b: a.__itruediv__(b),
    "copy_": lambda a, b: a.copy_(b), "pow_": lambda a, b: a.pow_(b),
    "setitem": lambda a, b: a.__setitem__(slice(None), b),
}
def _bcast_error(name):
    a = ae.zeros(2, 3)
    with pytest.raises(RuntimeError) as e:
        _BCAST_INPLACE[name](a, ae.ones(4, 3))
    msg = str(e.value)
    assert "(2, 3)" in msg and "(4, 3)" in msg
    op = {"+=": "add", "-=": "sub", "*=": "mul", "/=": "div"}.get(name, name.rstrip("_"))
    assert op in msg


@pytest.mark.parametrize("name", list(_BCAST_INPLACE))
def test_inplace_broadcast_error_runtime_error_naming_op(name):
    _bcast_error(name)


# "Every user mistake gets an exception of the type PyTorch would raise" (torch 2.13's types)
@pytest.mark.parametrize("fn, exc", [
    pytest.param(lambda: ae.stack([]), RuntimeError, id="stack-empty"),
    pytest.param(lambda: ae.cat([]), ValueError, id="cat-empty"),
    pytest.param(lambda: float(ae.zeros(2)), ValueError, id="float-multi"),
    pytest.param(lambda: int(ae.zeros(2)), ValueError, id="int-multi"),
    pytest.param(lambda: ae.zeros(2).item(), RuntimeError, id="item-multi"),
    pytest.param(lambda: ae.eye(-1), RuntimeError, id="eye-negative"),
    pytest.param(lambda: setattr(ae.zeros(2, requires_grad=True), "grad", ae.zeros(3)),
                 RuntimeError, id="grad-wrong-shape"),
    pytest.param(lambda: setattr(ae.zeros(2, requires_grad=True), "grad",
                                 ae.zeros(2, dtype=ae.float64)),
                 RuntimeError, id="grad-wrong-dtype"),
    pytest.param(lambda: setattr(ae.zeros(2, requires_grad=True) * 2, "requires_grad", False),
                 RuntimeError, id="nonleaf-requires_grad-false"),
    pytest.param(lambda: (ae.zeros(2, requires_grad=True) * 2).requires_grad_(False), RuntimeError,
                 id="nonleaf-requires_grad_-false"),
    pytest.param(lambda: ae.zeros(3).index_add_(0, ae.tensor([5]), ae.ones(1)), IndexError,
                 id="index_add_-out-of-range"),
    pytest.param(lambda: ae.zeros(2, 3).index_add_(1, ae.tensor([5]), ae.ones(2, 1)),
                 RuntimeError, id="index_add_-2d-out-of-range"),  # PyTorch's 2-D kernel
    pytest.param(lambda: ae.zeros(3).index_select(0, ae.tensor([3])), IndexError,
                 id="index_select-out-of-range"),
    pytest.param(lambda: ae.zeros(3).gather(0, ae.tensor([5])), RuntimeError, id=
                 "gather-out-of-range"),
    pytest.param(lambda: ae.zeros(3).scatter_add_(0, ae.tensor([5]), ae.ones(1)), RuntimeError,
                 id="scatter_add_-out-of-range"),
    pytest.param(lambda: ae.zeros(2, 3).view(7), RuntimeError, id="view"),
    pytest.param(lambda: ae.zeros(2, 3).T.view(6), RuntimeError, id="view-non-contiguous"),
    pytest.param(lambda: ae.where(ae.zeros(2), ae.zeros(2), ae.zeros(2)), RuntimeError,
                 id="where-float-condition"),
    pytest.param(lambda: ae.zeros(2, 3).sum(dim=(0, 3)), IndexError, id=
                 "sum-tuple-dim-out-of-range"),
    pytest.param(lambda: ae.tensor([1, 2]).mean(), RuntimeError, id="mean-int"),
    pytest.param(lambda: F.binary_cross_entropy(ae.tensor([1.5]), ae.tensor([1.0])), RuntimeError,
                 id="bce-out-of-range"),
    pytest.param(lambda: F.one_hot(ae.tensor([3]), 3), RuntimeError, id="one_hot-out-of-range"),
    pytest.param(lambda: F.cross_entropy(ae.zeros(2, 3), ae.tensor([0, 1, 2])), ValueError,
                 id="cross_entropy-batch-mismatch"),
    pytest.param(lambda: nn.BatchNorm1d(3)(ae.zeros(1, 3)), ValueError, id="batchnorm-batch-1"),
    pytest.param(lambda: nn.Dropout(1.5), ValueError, id="dropout-p"),
    pytest.param(lambda: init.xavier_uniform_(ae.zeros(3)), ValueError, id="xavier-1d"),
    pytest.param(lambda: ae.optim.SGD([], lr=0.1), ValueError, id="optimizer-empty"),
    pytest.param(lambda: F.mse_loss(ae.zeros(2), ae.zeros(2), reduction="bogus"), ValueError,
                 id="bad-reduction"),
    pytest.param(lambda: ae.zeros(2, requires_grad=True).exp().backward(ae.ones(3)), RuntimeError,
                 id="backward-gradient-shape"),
    pytest.param(lambda: ae.zeros(2).sum().backward(), RuntimeError, id="backward-no-grad"),
])
def test_error_types_as_pytorch(fn, exc):
    with pytest.raises(exc):
        fn()
