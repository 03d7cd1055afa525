"""Random-graph fuzzing: random compositions of the built-in ops over broadcastable shapes
(size-1 and 0-d included), float32/float64 inputs and shared sub-expressions; every input's
gradient is checked against float64 central differences, and Hessian-vector products against
differences of gradients.

A program is a list of steps ``(op name, operand positions in the value pool, params)``; it is
drawn while running it once in float64, so each op's parameters fit the shapes at hand, and a
step is dropped when its values blow up or sit within ``KINK_MARGIN`` of a non-smooth point
(relu at 0, max at a tie, ...). ``pytest -m fuzz --hypothesis-profile=long`` runs it longer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.autograd import grad

pytestmark = pytest.mark.fuzz

MAX_DEPTH = 30
MAX_SIZE = 64  # elements per intermediate value
MAX_ABS = 1e3  # larger values are dropped: they only test overflow, not gradients
KINK_MARGIN = 1e-3
EPS = 1e-6
NO_KINK = float("inf")


@dataclass(frozen=True)
class Op:
    """``fn(params, *xs)``; ``params(draw, xs)`` gives None when the op does not apply to
    these operands; ``kink(params, *arrays)`` is the distance to the nearest non-smooth point."""

    arity: int
    fn: Callable[..., ae.Tensor]
    params: Callable[[Callable, list], Optional[dict]]
    kink: Optional[Callable[..., float]] = None


# -- parameter drawers --------------------------------------------------------------------
def _none(draw, xs):
    return {}


def _broadcast(draw, xs):
    try:
        shape = np.broadcast_shapes(*(x.shape for x in xs))
    except ValueError:
        return None
    if int(np.prod(shape)) > MAX_SIZE:
        return None
    return {"mask": draw(st.lists(st.booleans(), min_size=int(np.prod(shape)),
                                  max_size=int(np.prod(shape)))), "shape": shape}


def _dims(n: int) -> range:
    """Valid dims for a tensor of n dims (a 0-d tensor accepts 0 and -1, as PyTorch)."""
    return range(-max(n, 1), max(n, 1))


def _one_dim(draw, xs):
    return {"dim": draw(st.sampled_from(_dims(xs[0].ndim)))}


def _reduce(draw, xs):
    n = xs[0].ndim
    kind = draw(st.sampled_from(["all", "int", "tuple"]))
    if kind == "all":
        dim = None
    elif kind == "int" or n == 0:
        dim = draw(st.sampled_from(_dims(n)))
    else:
        dim = tuple(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n)))
    return {"dim": dim, "keepdim": draw(st.booleans())}


def _reduced_count(x, dim) -> int:
    if x.ndim == 0:
        return 1
    dims = range(x.ndim) if dim is None else (dim if isinstance(dim, tuple) else (dim,))
    return int(np.prod([x.shape[d] for d in dims]))


def _var_params(draw, xs):
    p = _reduce(draw, xs)
    return p if _reduced_count(xs[0], p["dim"]) >= 2 else None


def _max_dim(draw, xs):
    p = _one_dim(draw, xs)
    p["keepdim"] = draw(st.booleans())
    return p


def _transpose(draw, xs):
    dims = _dims(xs[0].ndim)
    return {"d0": draw(st.sampled_from(dims)), "d1": draw(st.sampled_from(dims))}


def _permute(draw, xs):
    return {"perm": draw(st.permutations(range(xs[0].ndim)))}


def _unsqueeze(draw, xs):
    return {"dim": draw(st.integers(-xs[0].ndim - 1, xs[0].ndim))}


def _expand(draw, xs):
    shape = tuple(2 if s == 1 and draw(st.booleans()) else s for s in xs[0].shape)
    if draw(st.booleans()):
        shape = (2,) + shape
    return {"shape": shape} if int(np.prod(shape)) <= MAX_SIZE else None


def _repeat(draw, xs):
    reps = tuple(draw(st.lists(st.integers(1, 2), min_size=xs[0].ndim,
                               max_size=xs[0].ndim + 1)))
    size = xs[0].numel() * int(np.prod(reps))
    return {"reps": reps} if size <= MAX_SIZE else None


def _cat(draw, xs):
    a, b = xs
    if a.ndim == 0 or a.ndim != b.ndim or a.numel() + b.numel() > MAX_SIZE:
        return None
    dim = draw(st.sampled_from(_dims(a.ndim)))
    same = all(p == q for i, (p, q) in enumerate(zip(a.shape, b.shape)) if i != dim % a.ndim)
    return {"dim": dim} if same else None


def _stack(draw, xs):
    a, b = xs
    if a.shape != b.shape or 2 * a.numel() > MAX_SIZE:
        return None
    return {"dim": draw(st.integers(-a.ndim - 1, a.ndim))}


def _split(draw, xs):
    if xs[0].ndim == 0:
        return None
    dim = draw(st.sampled_from(_dims(xs[0].ndim)))
    size = draw(st.integers(1, 2))
    pieces = -(-xs[0].shape[dim] // size)
    return {"dim": dim, "size": size, "k": draw(st.integers(0, max(pieces - 1, 0)))}


def _pad(draw, xs):
    n = draw(st.integers(0, min(xs[0].ndim, 2)))
    pad = draw(st.lists(st.integers(0, 2), min_size=2 * n, max_size=2 * n))
    padded = list(xs[0].shape)
    for i in range(n):
        padded[-1 - i] += pad[2 * i] + pad[2 * i + 1]
    if int(np.prod(padded)) > MAX_SIZE:
        return None
    return {"pad": tuple(pad), "value": draw(st.sampled_from([0.0, 0.5]))}


def _getitem(draw, xs):
    x = xs[0]
    if x.ndim == 0:
        return {"index": draw(st.sampled_from([(), None, Ellipsis]))}
    d = draw(st.integers(0, x.ndim - 1))
    n = x.shape[d]
    kind = draw(st.sampled_from(["int", "slice", "array", "mask", "none"]))
    if kind == "int":
        item = draw(st.integers(-n, n - 1))
    elif kind == "slice":
        item = slice(draw(st.integers(-n, n)), draw(st.integers(-n, n)), draw(st.integers(1, 2)))
    elif kind == "array":
        item = draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4))
    elif kind == "mask":
        item = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    else:
        item = None
    return {"index": (slice(None),) * d + (item,)}


def _index_select(draw, xs):
    if xs[0].ndim == 0:
        return None
    dim = draw(st.sampled_from(_dims(xs[0].ndim)))
    n = xs[0].shape[dim]
    return {"dim": dim, "index": draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))}


def _gather(draw, xs):
    x = xs[0]
    if x.ndim == 0:
        return None
    dim = draw(st.sampled_from(_dims(x.ndim)))
    shape = list(x.shape)
    shape[dim] = draw(st.integers(1, 3))
    idx = draw(st.lists(st.integers(0, x.shape[dim] - 1), min_size=int(np.prod(shape)),
                        max_size=int(np.prod(shape))))
    return {"dim": dim, "index": np.array(idx, np.int64).reshape(shape)}


def _masked_fill(draw, xs):
    n = xs[0].numel()
    mask = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), bool)
    return {"mask": mask.reshape(xs[0].shape)}


def _matmul(draw, xs):
    a, b = xs
    if a.dtype != b.dtype or a.ndim == 0 or b.ndim == 0:
        return None
    try:
        shape = np.matmul(np.empty(a.shape), np.empty(b.shape)).shape
    except ValueError:
        return None
    return {} if int(np.prod(shape)) <= MAX_SIZE else None


def _gram(draw, xs):
    x = xs[0]
    if x.ndim == 0:
        return None
    rows = x.shape[-2] if x.ndim >= 2 else 1
    return {} if x.numel() // max(x.shape[-1], 1) * rows <= MAX_SIZE else None


def _norm(draw, xs):
    p = _reduce(draw, xs)
    p["p"] = draw(st.sampled_from([2, 3.0]))
    return p


# -- kink distances -------------------------------------------------------------------------
def _min_abs(a) -> float:
    return float(np.abs(a).min()) if a.size else NO_KINK


def _zero_kink(p, a):
    return _min_abs(a)


def _tie_kink(p, a, b):
    return _min_abs(a - b)


def _clamp_kink(p, a):
    return min(_min_abs(a + 0.5), _min_abs(a - 0.8))


def _extremum_gap(a, dim) -> float:
    """Smallest gap between the two largest (or smallest) entries along ``dim``."""
    a = np.asarray(a).reshape(-1) if dim is None or a.ndim == 0 else np.moveaxis(a, dim, -1)
    if a.shape[-1] < 2:
        return NO_KINK
    s = np.sort(a, axis=-1)
    return float(min((s[..., -1] - s[..., -2]).min(), (s[..., 1] - s[..., 0]).min()))


def _max_kink(p, a):
    return _extremum_gap(a, p.get("dim"))


def _norm_kink(p, a):
    n = np.sqrt(np.sum(a * a, axis=_axis(a, p["dim"])))
    return _min_abs(n) if p["p"] == 2 else _min_abs(a)


def _std_kink(p, a):
    return _min_abs(np.std(a, axis=_axis(a, p["dim"])))


def _axis(a, dim):
    return None if dim is None or a.ndim == 0 else dim


def _split_piece(x, p):
    pieces = ae.split(x, p["size"], dim=p["dim"])
    return pieces[min(p["k"], len(pieces) - 1)]


OPS: dict[str, Op] = {
    # unary, smooth (domain guarded)
    "neg": Op(1, lambda p, x: -x, _none),
    "affine": Op(1, lambda p, x: x * 0.5 + 1.5, _none),
    "rsub_div": Op(1, lambda p, x: (2 - x) / 3, _none),
    "exp": Op(1, lambda p, x: x.exp(), _none),
    "log_sq": Op(1, lambda p, x: (x * x + 1).log(), _none),
    "sqrt_sq": Op(1, lambda p, x: ae.sqrt(x * x + 0.5), _none),
    "recip": Op(1, lambda p, x: 1 / (x * x + 1), _none),
    "sin": Op(1, lambda p, x: x.sin(), _none),
    "cos": Op(1, lambda p, x: ae.cos(x), _none),
    "tanh": Op(1, lambda p, x: x.tanh(), _none),
    "sigmoid": Op(1, lambda p, x: ae.sigmoid(x), _none),
    "square": Op(1, lambda p, x: x ** 2, _none),
    "cube": Op(1, lambda p, x: ae.pow(x, 3), _none),
    "rpow": Op(1, lambda p, x: 1.5 ** x, _none),
    "gelu": Op(1, lambda p, x: F.gelu(x), _none),
    "gelu_tanh": Op(1, lambda p, x: F.gelu(x, approximate="tanh"), _none),
    "silu": Op(1, lambda p, x: F.silu(x), _none),
    "softplus": Op(1, lambda p, x: F.softplus(x, beta=2.0), _none),
    "clone": Op(1, lambda p, x: x.clone(), _none),
    "double": Op(1, lambda p, x: x.double(), _none),
    # unary, non-smooth at isolated points
    "log_abs": Op(1, lambda p, x: ae.log(ae.abs(x) + 1), _none, _zero_kink),
    "relu": Op(1, lambda p, x: x.relu(), _none, _zero_kink),
    "leaky_relu": Op(1, lambda p, x: F.leaky_relu(x, 0.1), _none, _zero_kink),
    "elu": Op(1, lambda p, x: F.elu(x, 0.7), _none, _zero_kink),
    "clamp": Op(1, lambda p, x: x.clamp(-0.5, 0.8), _none, _clamp_kink),
    # binary, broadcasting
    "add": Op(2, lambda p, a, b: a + b, _broadcast),
    "sub": Op(2, lambda p, a, b: ae.sub(a, b), _broadcast),
    "mul": Op(2, lambda p, a, b: a * b, _broadcast),
    "div": Op(2, lambda p, a, b: a / (b * b + 1), _broadcast),
    "pow": Op(2, lambda p, a, b: (a * a + 0.5) ** b, _broadcast),
    "where": Op(2, lambda p, a, b: ae.where(
        ae.tensor(np.array(p["mask"], bool).reshape(p["shape"])), a, b), _broadcast),
    "maximum": Op(2, lambda p, a, b: ae.maximum(a, b), _broadcast, _tie_kink),
    "minimum": Op(2, lambda p, a, b: ae.minimum(a, b), _broadcast, _tie_kink),
    "matmul": Op(2, lambda p, a, b: a @ b, _matmul),
    "gram": Op(1, lambda p, x: x @ (x.transpose(-1, -2) if x.ndim > 1 else x), _gram),
    # reductions
    "sum": Op(1, lambda p, x: x.sum(dim=p["dim"], keepdim=p["keepdim"]), _reduce),
    "mean": Op(1, lambda p, x: x.mean(axis=p["dim"], keepdims=p["keepdim"]), _reduce),
    "prod": Op(1, lambda p, x: x.prod(dim=p["dim"], keepdim=p["keepdim"]), _reduce),
    "logsumexp": Op(1, lambda p, x: x.logsumexp(dim=p["dim"], keepdim=p["keepdim"]),
                    lambda d, xs: None if (r := _reduce(d, xs))["dim"] is None else r),
    "var": Op(1, lambda p, x: x.var(dim=p["dim"], keepdim=p["keepdim"]), _var_params),
    "std": Op(1, lambda p, x: x.std(dim=p["dim"], keepdim=p["keepdim"]), _var_params,
              _std_kink),
    "norm": Op(1, lambda p, x: x.norm(p=p["p"], dim=p["dim"], keepdim=p["keepdim"]), _norm,
               _norm_kink),
    "max_all": Op(1, lambda p, x: x.max(), _none, _max_kink),
    "max_dim": Op(1, lambda p, x: x.max(dim=p["dim"], keepdim=p["keepdim"])[0], _max_dim,
                  _max_kink),
    "min_dim": Op(1, lambda p, x: ae.min(x, dim=p["dim"], keepdim=p["keepdim"]).values,
                  _max_dim, _max_kink),
    "amax": Op(1, lambda p, x: ae.amax(x, dim=p["dim"]), _one_dim, _max_kink),
    "softmax": Op(1, lambda p, x: x.softmax(p["dim"]), _one_dim),
    "log_softmax": Op(1, lambda p, x: F.log_softmax(x, dim=p["dim"]), _one_dim),
    # shape and indexing
    "reshape_flat": Op(1, lambda p, x: x.reshape(-1), _none),
    "reshape_rev": Op(1, lambda p, x: x.reshape(tuple(reversed(x.shape))), _none),
    "flatten": Op(1, lambda p, x: x.flatten(), _none),
    "squeeze": Op(1, lambda p, x: x.squeeze(p["dim"]), _one_dim),
    "squeeze_all": Op(1, lambda p, x: x.squeeze(), _none),
    "unsqueeze": Op(1, lambda p, x: x.unsqueeze(p["dim"]), _unsqueeze),
    "transpose": Op(1, lambda p, x: x.transpose(p["d0"], p["d1"]), _transpose),
    "permute": Op(1, lambda p, x: x.permute(*p["perm"]), _permute),
    "expand": Op(1, lambda p, x: x.expand(*p["shape"]), _expand),
    "repeat": Op(1, lambda p, x: x.repeat(*p["reps"]), _repeat),
    "cat": Op(2, lambda p, a, b: ae.cat([a, b], dim=p["dim"]), _cat),
    "stack": Op(2, lambda p, a, b: ae.stack((a, b), p["dim"]), _stack),
    "split": Op(1, lambda p, x: _split_piece(x, p), _split),
    "pad": Op(1, lambda p, x: ae.pad(x, p["pad"], value=p["value"]), _pad),
    "getitem": Op(1, lambda p, x: x[p["index"]], _getitem),
    "index_select": Op(1, lambda p, x: x.index_select(p["dim"], p["index"]), _index_select),
    "gather": Op(1, lambda p, x: x.gather(p["dim"], ae.tensor(p["index"])), _gather),
    "masked_fill": Op(1, lambda p, x: x.masked_fill(ae.tensor(p["mask"]), 0.25), _masked_fill),
}
NAMES = sorted(OPS)


# -- programs ---------------------------------------------------------------------------------
@dataclass
class Program:
    steps: list  # (op name, operand positions, params)
    sinks: list  # (pool position, weight array): the loss is sum((pool[i] * w).sum())

    def run(self, inputs: list) -> ae.Tensor:
        pool = list(inputs)
        for name, operands, params in self.steps:
            pool.append(OPS[name].fn(params, *(pool[i] for i in operands)))
        terms = [(pool[i] * ae.tensor(w.astype(pool[i].dtype))).sum() for i, w in self.sinks]
        return ae.stack([t.double() for t in terms]).sum()


def _input_shapes(draw) -> list:
    base = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        drop = draw(st.integers(0, len(base)))
        shapes.append(tuple(1 if draw(st.booleans()) else s for s in base[drop:]))
    return shapes


def _acceptable(values: list, op: Op, params: dict, operands64: list) -> bool:
    for v in values:
        a = v.data
        # empty values are left to test_kernel_safety: most reductions reject them
        if a.dtype.kind != "f" or not 0 < a.size <= MAX_SIZE or not np.isfinite(a).all() \
                or np.abs(a).max() > MAX_ABS:
            return False
    return op.kink is None or op.kink(params, *(x.data for x in operands64)) > KINK_MARGIN


def draw_program(data, inputs: list, inputs64: list) -> Program:
    """Draw steps while running them on both the drawn-dtype and the float64 inputs."""
    draw = data.draw
    pool, pool64 = list(inputs), list(inputs64)
    consumed = set()
    steps = []
    for _ in range(draw(st.integers(1, MAX_DEPTH), label="depth")):
        name = draw(st.sampled_from(NAMES))
        op = OPS[name]
        operands = tuple(len(pool) - 1 if draw(st.booleans()) else
                         draw(st.integers(0, len(pool) - 1)) for _ in range(op.arity))
        params = op.params(draw, [pool[i] for i in operands])
        if params is None:
            continue
        out = op.fn(params, *(pool[i] for i in operands))
        out64 = op.fn(params, *(pool64[i] for i in operands))
        if not _acceptable([out, out64], op, params, [pool64[i] for i in operands]):
            continue
        assert out.shape == out64.shape
        steps.append((name, operands, params))
        consumed.update(operands)
        pool.append(out)
        pool64.append(out64)
    rng = np.random.default_rng(len(steps))
    sinks = [(i, rng.standard_normal(pool[i].shape)) for i in range(len(pool))
             if i not in consumed]
    note(f"steps: {steps}")
    return Program(steps, sinks)


def numeric_gradient(fn: Callable[[list], ae.Tensor], arrays: list, i: int,
                     eps: float = EPS) -> np.ndarray:
    """d fn / d arrays[i] by float64 central differences."""
    out = np.zeros(arrays[i].shape)
    flat, target = arrays[i].reshape(-1), out.reshape(-1)
    with ae.no_grad():
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            plus = fn([ae.tensor(a) for a in arrays]).item()
            flat[j] = orig - eps
            minus = fn([ae.tensor(a) for a in arrays]).item()
            flat[j] = orig
            target[j] = (plus - minus) / (2 * eps)
    return out


def _grads(loss: ae.Tensor, inputs: list, **kwargs: Any) -> list:
    gs = grad(loss, inputs, allow_unused=True, **kwargs)
    return [ae.zeros_like(x) if g is None else g for g, x in zip(gs, inputs)]


def _assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
                  what: str) -> None:
    scale = 1.0 + float(np.abs(expected).max(initial=0.0))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol * scale, err_msg=what)


def _leaves(arrays: list, dtypes: list) -> list:
    return [ae.tensor(a.astype(d), requires_grad=True) for a, d in zip(arrays, dtypes)]


@st.composite
def cases(draw):
    shapes = _input_shapes(draw)
    dtypes = [draw(st.sampled_from([np.float32, np.float64])) for _ in shapes]
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return [rng.uniform(-2, 2, s) for s in shapes], dtypes


@given(cases(), st.data())
def test_random_graph_gradients(case, data):
    arrays, dtypes = case
    inputs = _leaves(arrays, dtypes)
    inputs64 = _leaves(arrays, [np.float64] * len(arrays))
    program = draw_program(data, inputs, inputs64)
    analytic = _grads(program.run(inputs), inputs)
    tol = dict(rtol=1e-4, atol=1e-6) if all(d == np.float64 for d in dtypes) else \
        dict(rtol=3e-2, atol=3e-3)
    for i, (g, x) in enumerate(zip(analytic, inputs)):
        assert g.shape == x.shape and g.dtype == x.dtype, (i, g.shape, g.dtype)
        _assert_close(g.data.astype(np.float64), numeric_gradient(program.run, arrays, i),
                      what=f"gradient of input {i}", **tol)
    _check_hessian_vector_product(program, arrays)


def _check_hessian_vector_product(program: Program, arrays: list, eps: float = 1e-5) -> None:
    """H v (double backward) against (grad(x + eps v) - grad(x - eps v)) / 2 eps, float64."""
    rng = np.random.default_rng(1)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    xs = _leaves(arrays, [np.float64] * len(arrays))
    gs = _grads(program.run(xs), xs, create_graph=True)
    dot = ae.stack([(g * ae.tensor(v)).sum() for g, v in zip(gs, vs)]).sum()
    hv = _grads(dot, xs) if dot.requires_grad else [ae.zeros_like(x) for x in xs]

    def gradient_at(sign: float) -> list:
        shifted = _leaves([a + sign * eps * v for a, v in zip(arrays, vs)],
                          [np.float64] * len(arrays))
        return [g.data for g in _grads(program.run(shifted), shifted)]

    plus, minus = gradient_at(1.0), gradient_at(-1.0)
    for i, h in enumerate(hv):
        _assert_close(h.data, (plus[i] - minus[i]) / (2 * eps), rtol=1e-3, atol=1e-5,
                      what=f"Hessian-vector product for input {i}")


def test_op_table_covers_every_differentiable_op_family():
    """The table reaches each registered op that works on plain tensors (losses, nn layers
    and the fused backward ops are exercised by their own gradient cases)."""
    seen = set()

    @settings(max_examples=20)
    @given(st.data())
    def explore(data):
        rng = np.random.default_rng(0)
        for name in NAMES:
            op = OPS[name]
            xs = [ae.tensor(rng.uniform(1, 2, (2, 3)), requires_grad=True)
                  for _ in range(op.arity)]
            params = op.params(data.draw, xs)
            if params is not None:
                seen.update(_ops_in_graph(op.fn(params, *xs)))

    explore()
    expected = {"Abs", "Add", "Cat", "Clamp", "Clone", "Cos", "Div", "Exp", "Expand", "Extremum",
                "GetItem", "LogSoftmax", "Log", "LogSumExp", "MatMul", "Maximum", "Minimum",
                "Mul", "Neg", "Norm", "Pad", "Permute", "Pow", "Prod", "Relu", "Repeat",
                "Reshape", "Sigmoid", "Sin", "Softmax", "Sqrt", "Std", "Sum", "Tanh", "Var",
                "Where"}
    assert expected <= seen, sorted(expected - seen)


def _ops_in_graph(out: ae.Tensor) -> set:
    names, stack, visited = set(), [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited:
            continue
        visited.add(id(node))
        names.add(node.op.__name__)
        for e in node.next:
            if e is not None and not isinstance(e, ae.Tensor):
                stack.append(e[0] if isinstance(e, tuple) else e)
    return names


class _NoGradient(ae.autograd.Function):
    """y = x with no gradient (backward returns None)."""

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, g):
        return None


def test_none_gradient_on_one_path_does_not_block_another():
    """Found by the fuzzer: a backward returning None for an input whose node is reached by
    another path too left that node waiting forever, so its inputs got no gradient."""
    x = ae.tensor(np.array([0.3, -1.2]), requires_grad=True)
    a = x * 2
    (_NoGradient.apply(a) + a).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])
    y = ae.tensor(np.float64(0.3), requires_grad=True)
    (g,) = grad(y.exp().relu(), [y], create_graph=True)  # ReluBackward: no gradient in x
    (h,) = grad(g, [y])
    np.testing.assert_allclose(h.data, np.exp(0.3))
