"""PyTorch's parameter names on the top-level functions and F (``ae.sum(input=x, dim=1)``,
``ae.where(condition=, input=, other=)``, ``ae.zeros(size=(2, 3))``, ``F.pad(input=, pad=)``),
positional calls unchanged; and PyTorch's exception types for argument errors of the
factories and shape functions. Names and types from torch 2.13."""
import inspect

import numpy as np
import pytest

import autograd_engine as ae
from autograd_engine.nn import functional as F

# name -> (the call with PyTorch's keywords, the same call positionally); every keyword form
# works in torch 2.13 (tests/test_pytorch_keywords_torch_parity.py runs them there)
KEYWORD_CALLS = {
    "sum": ("lib.sum(input=x, dim=1, keepdim=True)", "lib.sum(x, 1, True)"),
    "mean": ("lib.mean(input=x, dim=(0, 1))", "lib.mean(x, (0, 1))"),
    "prod": ("lib.prod(input=x, dim=0)", "lib.prod(x, 0)"),
    "var": ("lib.var(input=x, dim=1, unbiased=False)", "lib.var(x, 1, False)"),
    "std": ("lib.std(input=x, dim=1, correction=0)", "lib.std(x, 1, correction=0)"),
    "var_mean": ("lib.var_mean(input=x, dim=1)", "lib.var_mean(x, 1)"),
    "std_mean": ("lib.std_mean(input=x, dim=0)", "lib.std_mean(x, 0)"),
    "max": ("lib.max(input=x, dim=1)", "lib.max(x, 1)"),
    "min": ("lib.min(input=x)", "lib.min(x)"),
    "amax": ("lib.amax(input=x, dim=1)", "lib.amax(x, 1)"),
    "amin": ("lib.amin(input=x, dim=0)", "lib.amin(x, 0)"),
    "aminmax": ("lib.aminmax(input=x, dim=1)", "lib.aminmax(x, dim=1)"),
    "argmax": ("lib.argmax(input=x, dim=1)", "lib.argmax(x, 1)"),
    "argmin": ("lib.argmin(input=x)", "lib.argmin(x)"),
    "logsumexp": ("lib.logsumexp(input=x, dim=1)", "lib.logsumexp(x, 1)"),
    "norm": ("lib.norm(input=x, p=1)", "lib.norm(x, 1)"),
    "all": ("lib.all(input=m)", "lib.all(m)"),
    "any": ("lib.any(input=m, dim=1)", "lib.any(m, 1)"),
    "count_nonzero": ("lib.count_nonzero(input=m, dim=0)", "lib.count_nonzero(m, 0)"),
    "nansum": ("lib.nansum(input=x)", "lib.nansum(x)"),
    "nanmean": ("lib.nanmean(input=x, dim=1)", "lib.nanmean(x, 1)"),
    "exp": ("lib.exp(input=x)", "lib.exp(x)"),
    "log": ("lib.log(input=p)", "lib.log(p)"),
    "sqrt": ("lib.sqrt(input=p)", "lib.sqrt(p)"),
    "sin": ("lib.sin(input=x)", "lib.sin(x)"),
    "cos": ("lib.cos(input=x)", "lib.cos(x)"),
    "abs": ("lib.abs(input=x)", "lib.abs(x)"),
    "neg": ("lib.neg(input=x)", "lib.neg(x)"),
    "sign": ("lib.sign(input=x)", "lib.sign(x)"),
    "clamp": ("lib.clamp(input=x, min=-0.5, max=0.5)", "lib.clamp(x, -0.5, 0.5)"),
    "maximum": ("lib.maximum(input=x, other=p)", "lib.maximum(x, p)"),
    "minimum": ("lib.minimum(input=x, other=p)", "lib.minimum(x, p)"),
    "add": ("lib.add(input=x, other=p, alpha=2)", "lib.add(x, p, alpha=2)"),
    "sub": ("lib.sub(input=x, other=p, alpha=2)", "lib.sub(x, p, alpha=2)"),
    "mul": ("lib.mul(input=x, other=p)", "lib.mul(x, p)"),
    "div": ("lib.div(input=x, other=p, rounding_mode='floor')",
            "lib.div(x, p, rounding_mode='floor')"),
    "floor_divide": ("lib.floor_divide(input=x, other=p)", "lib.floor_divide(x, p)"),
    "remainder": ("lib.remainder(input=x, other=p)", "lib.remainder(x, p)"),
    "pow": ("lib.pow(input=p, exponent=2)", "lib.pow(p, 2)"),
    "where": ("lib.where(condition=m, input=x, other=p)", "lib.where(m, x, p)"),
    "lt": ("lib.lt(input=x, other=p)", "lib.lt(x, p)"),
    "le": ("lib.le(input=x, other=p)", "lib.le(x, p)"),
    "gt": ("lib.gt(input=x, other=p)", "lib.gt(x, p)"),
    "ge": ("lib.ge(input=x, other=p)", "lib.ge(x, p)"),
    "eq": ("lib.eq(input=x, other=x)", "lib.eq(x, x)"),
    "ne": ("lib.ne(input=x, other=p)", "lib.ne(x, p)"),
    "logical_and": ("lib.logical_and(input=m, other=~m)", "lib.logical_and(m, ~m)"),
    "logical_or": ("lib.logical_or(input=m, other=~m)", "lib.logical_or(m, ~m)"),
    "logical_not": ("lib.logical_not(input=m)", "lib.logical_not(m)"),
    "clone": ("lib.clone(input=x)", "lib.clone(x)"),
    "relu": ("lib.relu(input=x)", "lib.relu(x)"),
    "sigmoid": ("lib.sigmoid(input=x)", "lib.sigmoid(x)"),
    "tanh": ("lib.tanh(input=x)", "lib.tanh(x)"),
    "softmax": ("lib.softmax(input=x, dim=1)", "lib.softmax(x, 1)"),
    "log_softmax": ("lib.log_softmax(input=x, dim=0)", "lib.log_softmax(x, 0)"),
    "reshape": ("lib.reshape(input=x, shape=(3, 2))", "lib.reshape(x, (3, 2))"),
    "permute": ("lib.permute(input=x, dims=(1, 0))", "lib.permute(x, (1, 0))"),
    "transpose": ("lib.transpose(input=x, dim0=0, dim1=1)", "lib.transpose(x, 0, 1)"),
    "squeeze": ("lib.squeeze(input=x[:1], dim=0)", "lib.squeeze(x[:1], 0)"),
    "unsqueeze": ("lib.unsqueeze(input=x, dim=1)", "lib.unsqueeze(x, 1)"),
    "flatten": ("lib.flatten(input=x, start_dim=0)", "lib.flatten(x, 0)"),
    "narrow": ("lib.narrow(input=x, dim=1, start=1, length=2)", "lib.narrow(x, 1, 1, 2)"),
    "unbind": ("lib.unbind(input=x, dim=1)", "lib.unbind(x, 1)"),
    "movedim": ("lib.movedim(input=x, source=0, destination=1)", "lib.movedim(x, 0, 1)"),
    "split": ("lib.split(tensor=x, split_size_or_sections=2, dim=1)", "lib.split(x, 2, 1)"),
    "chunk": ("lib.chunk(input=x, chunks=2, dim=1)", "lib.chunk(x, 2, 1)"),
    "cat": ("lib.cat(tensors=[x, p], dim=1)", "lib.cat([x, p], 1)"),
    "stack": ("lib.stack(tensors=[x, p], dim=1)", "lib.stack([x, p], 1)"),
    "hstack": ("lib.hstack(tensors=[x, p])", "lib.hstack([x, p])"),
    "vstack": ("lib.vstack(tensors=[x, p])", "lib.vstack([x, p])"),
    "dstack": ("lib.dstack(tensors=[x, p])", "lib.dstack([x, p])"),
    "broadcast_to": ("lib.broadcast_to(input=x, size=(2, 2, 3))",
                     "lib.broadcast_to(x, (2, 2, 3))"),
    "index_select": ("lib.index_select(input=x, dim=1, index=i)", "lib.index_select(x, 1, i)"),
    "gather": ("lib.gather(input=x, dim=1, index=i.expand(2, 2))",
               "lib.gather(x, 1, i.expand(2, 2))"),
    "masked_fill": ("lib.masked_fill(input=x, mask=m, value=0.5)",
                    "lib.masked_fill(x, m, 0.5)"),
    "masked_select": ("lib.masked_select(input=x, mask=m)", "lib.masked_select(x, m)"),
    "masked_scatter": ("lib.masked_scatter(input=x, mask=m, source=p)",
                       "lib.masked_scatter(x, m, p)"),
    "scatter": ("lib.scatter(input=x, dim=1, index=i.expand(2, 2), src=p)",
                "lib.scatter(x, 1, i.expand(2, 2), p)"),
    "scatter_add": ("lib.scatter_add(input=x, dim=1, index=i.expand(2, 2), src=p)",
                    "lib.scatter_add(x, 1, i.expand(2, 2), p)"),
    "scatter_reduce": ("lib.scatter_reduce(input=x, dim=1, index=i.expand(2, 2), src=p, "
                       "reduce='amax')", "lib.scatter_reduce(x, 1, i.expand(2, 2), p, 'amax')"),
    "index_add": ("lib.index_add(input=x, dim=1, index=i, source=p[:, :2])",
                  "lib.index_add(x, 1, i, p[:, :2])"),
    "index_copy": ("lib.index_copy(input=x, dim=1, index=i, source=p[:, :2])",
                   "lib.index_copy(x, 1, i, p[:, :2])"),
    "index_reduce": ("lib.index_reduce(input=x, dim=1, index=i, source=p[:, :2], "
                     "reduce='prod')", "lib.index_reduce(x, 1, i, p[:, :2], 'prod')"),
    "take": ("lib.take(input=x, index=i)", "lib.take(x, i)"),
    "take_along_dim": ("lib.take_along_dim(input=x, indices=i.expand(2, 2), dim=1)",
                       "lib.take_along_dim(x, i.expand(2, 2), 1)"),
    "argwhere": ("lib.argwhere(input=m)", "lib.argwhere(m)"),
    "zeros": ("lib.zeros(size=(2, 3))", "lib.zeros(2, 3)"),
    "ones": ("lib.ones(size=[2, 3], dtype=lib.float64)", "lib.ones(2, 3, dtype=lib.float64)"),
    "full": ("lib.full(size=(2,), fill_value=3)", "lib.full((2,), 3)"),
    "eye": ("lib.eye(n=2, m=3)", "lib.eye(2, 3)"),
    "arange": ("lib.arange(start=1, end=7, step=2)", "lib.arange(1, 7, 2)"),
    "linspace": ("lib.linspace(start=0, end=1, steps=5)", "lib.linspace(0, 1, 5)"),
    "tensor": ("lib.tensor(data=[1, 2])", "lib.tensor([1, 2])"),
    "zeros_like": ("lib.zeros_like(input=x)", "lib.zeros_like(x)"),
    "ones_like": ("lib.ones_like(input=x, dtype=lib.int64)", "lib.ones_like(x, dtype=lib.int64)"),
    "full_like": ("lib.full_like(input=x, fill_value=2)", "lib.full_like(x, 2)"),
    "F.relu": ("F.relu(input=x)", "F.relu(x)"),
    "F.leaky_relu": ("F.leaky_relu(input=x, negative_slope=0.2)", "F.leaky_relu(x, 0.2)"),
    "F.gelu": ("F.gelu(input=x, approximate='tanh')", "F.gelu(x, approximate='tanh')"),
    "F.silu": ("F.silu(input=x)", "F.silu(x)"),
    "F.elu": ("F.elu(input=x, alpha=0.5)", "F.elu(x, 0.5)"),
    "F.softplus": ("F.softplus(input=x, beta=2.0)", "F.softplus(x, 2.0)"),
    "F.sigmoid": ("F.sigmoid(input=x)", "F.sigmoid(x)"),
    "F.tanh": ("F.tanh(input=x)", "F.tanh(x)"),
    "F.softmax": ("F.softmax(input=x, dim=1)", "F.softmax(x, 1)"),
    "F.log_softmax": ("F.log_softmax(input=x, dim=1)", "F.log_softmax(x, 1)"),
    "F.pad": ("F.pad(input=x, pad=(1, 2), mode='constant', value=0.5)",
              "F.pad(x, (1, 2), 'constant', 0.5)"),
    "F.one_hot": ("F.one_hot(input=i, num_classes=3)", "F.one_hot(i, 3)"),
}
# random draws: compared by shape and dtype only
RANDOM_CALLS = {
    "rand": "lib.rand(size=(2, 3))", "randn": "lib.randn(size=[4], dtype=lib.float64)",
    "empty": "lib.empty(size=(2, 3))", "randint": "lib.randint(low=0, high=5, size=(3,))",
    "randint-high": "lib.randint(high=5, size=(3,))", "rand_like": "lib.rand_like(input=x)",
    "randn_like": "lib.randn_like(input=x)", "empty_like": "lib.empty_like(input=x)",
    "randint_like": "lib.randint_like(input=x, high=4)",
}


def namespace(lib, functional):
    """The names the calls use: a (2, 3) float tensor x, a positive p, a mask m, an index i."""
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((2, 3)).astype(np.float32))
    p = lib.tensor(rng.uniform(0.5, 2.0, (2, 3)).astype(np.float32))
    m = lib.tensor([[True, False, True], [False, True, True]])
    return {"lib": lib, "F": functional, "x": x, "p": p, "m": m, "i": lib.tensor([2, 0])}


def as_arrays(out):
    if isinstance(out, (tuple, list)):
        return [as_arrays(o) for o in out]
    return np.asarray(out.tolist()), out.shape, str(out.dtype).replace("torch.", "")


def same(a, b):
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for u, v in zip(a, b):
            same(u, v)
        return
    assert tuple(a[1]) == tuple(b[1]) and a[2] == b[2]
    np.testing.assert_allclose(a[0], b[0], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", list(KEYWORD_CALLS))
def test_keyword_call_equals_positional_call(name):
    keyword, positional = KEYWORD_CALLS[name]
    env = namespace(ae, F)
    same(as_arrays(eval(keyword, env)), as_arrays(eval(positional, env)))


@pytest.mark.parametrize("name", list(RANDOM_CALLS))
def test_random_factories_take_size_keyword(name):
    ae.manual_seed(0)
    out = eval(RANDOM_CALLS[name], namespace(ae, F))
    positional = {"rand": (2, 3), "randn": (4,), "empty": (2, 3), "randint": (3,),
                  "randint-high": (3,)}
    assert out.shape == positional.get(name, (2, 3))


# the leading parameter names of torch 2.13's signatures (its docs and inspect.signature)
TORCH_NAMES = {
    "sum": ["input", "dim", "keepdim"], "mean": ["input", "dim", "keepdim"],
    "clamp": ["input", "min", "max"], "where": ["condition", "input", "other"],
    "add": ["input", "other", "alpha"], "pow": ["input", "exponent"],
    "maximum": ["input", "other"], "exp": ["input"], "softmax": ["input", "dim"],
    "transpose": ["input", "dim0", "dim1"], "split": ["tensor", "split_size_or_sections", "dim"],
    "cat": ["tensors", "dim"], "stack": ["tensors", "dim"], "chunk": ["input", "chunks", "dim"],
    "index_select": ["input", "dim", "index"], "gather": ["input", "dim", "index"],
    "masked_fill": ["input", "mask", "value"], "take_along_dim": ["input", "indices", "dim"],
    "full": ["size", "fill_value"], "zeros_like": ["input"], "full_like": ["input", "fill_value"],
    "F.pad": ["input", "pad", "mode", "value"], "F.relu": ["input", "inplace"],
    "F.softmax": ["input", "dim"], "F.gelu": ["input", "approximate"],
    "F.one_hot": ["input", "num_classes"],
}


@pytest.mark.parametrize("name", list(TORCH_NAMES))
def test_leading_parameter_names(name):
    fn = getattr(F, name[2:]) if name.startswith("F.") else getattr(ae, name)
    params = list(inspect.signature(fn).parameters)
    assert params[:len(TORCH_NAMES[name])] == TORCH_NAMES[name]


@pytest.mark.parametrize("call, message", [
    ("ae.zeros(2, size=(3,))", "multiple values for argument 'size'"),
    ("ae.zeros(size=3)", "argument 'size' must be tuple of ints, not int"),
    ("ae.reshape(shape=(3, 2))", "missing required argument 'input'"),
    ("ae.reshape(x, 6, shape=(3, 2))", "multiple values for argument 'shape'"),
])
def test_keyword_misuse_is_a_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        eval(call, {"ae": ae, "x": ae.ones(2, 3)})


# -- argument errors: PyTorch's exception types (and the gist of its messages) ---------------
ERRORS = [
    ("ae.stack([])", RuntimeError, "stack expects a non-empty TensorList"),
    ("ae.stack(())", RuntimeError, "stack expects a non-empty TensorList"),
    ("ae.hstack([])", RuntimeError, "hstack expects a non-empty TensorList"),
    ("ae.vstack([])", RuntimeError, "vstack expects a non-empty TensorList"),
    ("ae.dstack([])", RuntimeError, "dstack expects a non-empty TensorList"),
    ("ae.cat([])", ValueError, "expected a non-empty list of Tensors"),
    ("ae.concatenate([])", ValueError, "expected a non-empty list of Tensors"),
    ("ae.eye(-1)", RuntimeError, "n must be greater or equal to 0, got -1"),
    ("ae.eye(2, -1)", RuntimeError, "m must be greater or equal to 0, got -1"),
    ("ae.eye(2.5)", TypeError, "argument 'n' \\(position 1\\) must be int, not float"),
    ("ae.eye(2, 3.0)", TypeError, "argument 'm' \\(position 2\\) must be int, not float"),
    ("ae.eye(True)", TypeError, "must be int, not bool"),
    ("ae.linspace(0, 1, 2.5)", TypeError, "argument 'steps' \\(position 3\\) must be int"),
    ("ae.linspace(0, 1, -1)", RuntimeError, "number of steps must be non-negative"),
    ("ae.zeros(-1)", RuntimeError, "negative dimension"),
    ("ae.ones(3).narrow(0, 3, 0)", None, None),
    ("ae.ones(3).narrow(0, 4, 0)", IndexError,
     "start out of range \\(expected to be in range of \\[-3, 3\\], but got 4\\)"),
    ("ae.ones(2, 3).narrow(0, -3, 1)", IndexError, "start out of range"),
    ("ae.ones(3).narrow(0, 1, -1)", RuntimeError, "length must be non-negative"),
    ("ae.ones(3).narrow(0, 2, 2)", RuntimeError, "start \\(2\\) \\+ length \\(2\\) exceeds"),
    ("ae.ones(2, 3).movedim((0, 1), 0)", TypeError, "both be ints or both be sequences"),
    ("ae.ones(2, 3).movedim(0, (1,))", TypeError, "both be ints or both be sequences"),
    ("ae.ones(2, 3).movedim((0, 1), (1,))", RuntimeError, "same number of dims"),
]


@pytest.mark.parametrize("call, exc, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_argument_errors_as_pytorch(call, exc, message):
    if exc is None:
        assert eval(call).shape == (0,)
        return
    with pytest.raises(exc, match=message):
        eval(call)
