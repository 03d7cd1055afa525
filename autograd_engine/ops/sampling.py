"""Random sampling as PyTorch's: ``randperm``, ``multinomial``, ``normal``, ``bernoulli``,
``poisson``, and the draws behind the in-place fills (``Tensor.random_``, ``exponential_``,
``geometric_``, ``log_normal_``, ``cauchy_``, ``bernoulli_``, ``normal_``, ``uniform_``).

Each takes ``generator=`` (an ``autograd_engine.Generator``; the default generator
otherwise). A draw from tensor parameters is recorded with a zero gradient towards them, as
PyTorch's NormalBackward, BernoulliBackward and PoissonBackward: the samples are not
reparameterised. Values are drawn in float64 and rounded to the result dtype.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Optional

import numpy as np

from ..creation import empty
from ..devices import accepts_device
from ..dtypes import get_default_dtype
from ..function import Function
from ..random import rng
from ..tensor import Tensor
from ._util import broadcast_error, result_type

_TORCH_NAMES = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char",
                "uint8": "Byte", "bool": "Bool", "float16": "Half", "float32": "Float",
                "float64": "Double"}


def _torch_name(dtype: np.dtype) -> str:
    return _TORCH_NAMES.get(dtype.name, dtype.name)


def _require_float(dtype: np.dtype, kernel: str) -> None:
    if dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_torch_name(dtype)}\'')


class _Draw(Function):
    """out = sample(*params): no gradient reaches the parameters (zeros, every order)."""

    @staticmethod
    def forward(ctx, sample, *params):
        ctx.meta = [(np.shape(p), p.dtype) if isinstance(p, np.ndarray) else None
                    for p in params]
        return sample(*params)

    @staticmethod
    def backward(ctx, g):
        return (None,) + tuple(None if m is None else Tensor(np.zeros(*m)) for m in ctx.meta)


class Normal(_Draw):
    """mean + std * N(0, 1)"""


class Bernoulli(_Draw):
    """1 with probability p, else 0"""


class Poisson(_Draw):
    """Poisson(rate)"""


class Overwrite(_Draw):
    """values that replace the input's in place (a random fill, a comparison's 0/1)"""


# -- factories --------------------------------------------------------------------------------
@accepts_device
def randperm(n: int, *, generator: Any = None, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64 unless ``dtype``)."""
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"randperm: Trying to create tensor with negative dimension {n}: "
                           f"[{n}]")
    dtype = np.dtype(dtype or np.int64)
    if dtype.kind == "b":
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    if dtype.kind in "iu" and n > 0 and n - 1 > np.iinfo(dtype).max:
        raise RuntimeError(f"randperm: n = {n}: value cannot be converted to type {dtype} "
                           f"without overflow")
    if requires_grad and dtype.kind != "f":
        raise RuntimeError(f"randperm: Only Tensors of floating point and complex dtype can "
                           f"require gradients (dtype {dtype})")
    order = rng(generator, "randperm").permutation(int(n)).astype(dtype)
    return Tensor(order, bool(requires_grad))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """``num_samples`` category indices per row of the weights ``input`` (1-D or 2-D, not
    necessarily normalised). Without replacement a category is drawn at most once
    (the keys w / Exp(1), largest first: sequential sampling's distribution)."""
    weights = input.data
    if weights.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got shape "
                           f"{input.shape}")
    if weights.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{_torch_name(weights.dtype)}")
    if num_samples <= 0:
        raise RuntimeError(f"multinomial: cannot sample n_sample <= 0 samples (got "
                           f"{num_samples})")
    categories = weights.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError(f"multinomial: cannot sample n_sample > prob_dist.size(-1) samples "
                           f"without replacement ({num_samples} > {categories})")
    rows = weights.reshape(-1, categories).astype(np.float64)
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("multinomial: probability tensor contains either `inf`, `nan` or "
                           "element < 0")
    totals = rows.sum(axis=1)
    if (totals <= 0).any():
        raise RuntimeError("multinomial: invalid multinomial distribution (sum of "
                           "probabilities <= 0)")
    stream = rng(generator, "multinomial")
    if replacement:
        cdf = np.cumsum(rows, axis=1) / totals[:, None]
        draws = stream.random((rows.shape[0], num_samples))
        out = np.stack([np.searchsorted(c, d, side="right") for c, d in zip(cdf, draws)])
        out = np.minimum(out, categories - 1)  # (a draw past a rounded-down cdf end)
    else:
        keys = rows / stream.standard_exponential(rows.shape)
        out = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    out = out.astype(np.int64).reshape(weights.shape[:-1] + (num_samples,))
    return Tensor(out)


def _check_std(std: Any, op: str = "normal") -> None:
    if isinstance(std, np.ndarray):
        if (std < 0).any():
            raise RuntimeError(f"{op} expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"{op} expects std >= 0.0, but found std {std}")


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """N(mean, std^2) draws: tensor ``mean`` and/or ``std`` (broadcast together, the result
    of their dtype), or float ``mean`` and ``std`` with ``size`` (the default dtype unless
    ``dtype``)."""
    tensors = [x for x in (mean, std) if isinstance(x, Tensor)]
    if not tensors:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments: two "
                            "floats need a size (normal(mean, std, size))")
        return _normal_of_size(mean, std, size, generator, dtype, requires_grad, device)
    if size is not None or dtype is not None:
        raise TypeError("normal() received an invalid combination of arguments: size= and "
                        "dtype= go with float mean and std only")
    for t in tensors:
        _require_float(t.dtype, "normal_kernel_cpu")
    out_dtype = result_type(*(x.data if isinstance(x, Tensor) else x for x in (mean, std)))
    _check_std(std.data if isinstance(std, Tensor) else std)
    try:
        shape = np.broadcast_shapes(np.shape(getattr(mean, "data", mean)),
                                    np.shape(getattr(std, "data", std)))
    except ValueError:
        raise broadcast_error("normal", getattr(mean, "data", mean),
                              getattr(std, "data", std)) from None
    stream = rng(generator, "normal")

    def sample(m: Any, s: Any) -> np.ndarray:
        return (m + s * stream.standard_normal(shape)).astype(out_dtype)

    return Normal.apply(sample, mean, std)


def _normal_of_size(mean: float, std: float, size: Any, generator: Any, dtype: Any,
                    requires_grad: bool, device: Any) -> Tensor:
    out = empty(size, dtype=dtype or get_default_dtype(), device=device)
    return out.normal_(mean, std, generator=generator).requires_grad_(bool(requires_grad))


def bernoulli(input: Tensor, p: Optional[float] = None, *, generator: Any = None) -> Tensor:
    """1 with probability ``input`` (elementwise, in [0, 1]), or ``p`` for every element;
    the result has input's shape and dtype."""
    if p is not None:
        _check_probability(p, "bernoulli_")
        stream = rng(generator, "bernoulli")
        return Bernoulli.apply(lambda x: (stream.random(x.shape) < p).astype(x.dtype), input)
    _require_float(input.dtype, "bernoulli_tensor_cpu_p_")
    probabilities = input.data
    if ((probabilities < 0) | (probabilities > 1)).any() or np.isnan(probabilities).any():
        raise RuntimeError("bernoulli: Expected p_in >= 0 && p_in <= 1 to be true, but got "
                           "false.")
    stream = rng(generator, "bernoulli")
    return Bernoulli.apply(lambda q: (stream.random(q.shape) < q).astype(q.dtype), input)


def poisson(input: Tensor, generator: Any = None) -> Tensor:
    """Poisson draws with the rates ``input`` (a float tensor of non-negative rates)."""
    _require_float(input.dtype, "poisson_cpu")
    if (input.data < 0).any() or np.isnan(input.data).any():
        raise RuntimeError("poisson: invalid Poisson rate, expected rate to be non-negative")
    stream = rng(generator, "poisson")
    return Poisson.apply(lambda rate: stream.poisson(rate.astype(np.float64))
                         .astype(rate.dtype), input)


# -- the in-place fills: (validate, then) a function drawing an array of t's shape ----------
def _check_probability(p: float, op: str) -> None:
    if not 0 <= p <= 1:
        raise RuntimeError(f"{op} expects p to be in [0, 1], but got p={p}")


def _continuous(t: Tensor, name: str) -> None:
    if t.dtype.kind != "f":
        raise RuntimeError(f"{name} distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_torch_name(t.dtype)}")


def _drawer(t: Tensor, generator: Any, op: str,
            draw: Callable[[np.random.Generator, tuple], np.ndarray]) -> Callable[[], Any]:
    """A function that draws t's values (resolving the generator first, so that a bad one
    raises before anything is written)."""
    stream = rng(generator, op)
    return lambda: draw(stream, t.shape).astype(t.dtype)


def normal_fill(t: Tensor, mean: float, std: float, generator: Any) -> Callable:
    _require_float(t.dtype, "normal_kernel_cpu")
    _check_std(std)
    return _drawer(t, generator, "normal_", lambda r, s: r.normal(mean, std, s))


def uniform_fill(t: Tensor, low: float, high: float, generator: Any) -> Callable:
    _require_float(t.dtype, "check_uniform_bounds")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={low} > to={high}")
    return _drawer(t, generator, "uniform_", lambda r, s: r.uniform(low, high, s))


def exponential_fill(t: Tensor, lambd: float, generator: Any) -> Callable:
    _continuous(t, "Exponential")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    return _drawer(t, generator, "exponential_", lambda r, s: r.exponential(1 / lambd, s))


def geometric_fill(t: Tensor, p: float, generator: Any) -> Callable:
    if t.dtype.kind == "b":
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    return _drawer(t, generator, "geometric_", lambda r, s: r.geometric(p, s))


def log_normal_fill(t: Tensor, mean: float, std: float, generator: Any) -> Callable:
    _require_float(t.dtype, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    return _drawer(t, generator, "log_normal_", lambda r, s: r.lognormal(mean, std, s))


def cauchy_fill(t: Tensor, median: float, sigma: float, generator: Any) -> Callable:
    _continuous(t, "Cauchy")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    return _drawer(t, generator, "cauchy_",
                   lambda r, s: median + sigma * r.standard_cauchy(s))


def bernoulli_fill(t: Tensor, p: Any, generator: Any) -> Callable:
    """p: a probability, or a tensor of them that expands to t's shape."""
    if isinstance(p, Tensor):
        probabilities = p.data
        if ((probabilities < 0) | (probabilities > 1)).any():
            raise RuntimeError("bernoulli_: Expected p_in >= 0 && p_in <= 1 to be true, but "
                               "got false.")
        try:
            expands = np.broadcast_shapes(probabilities.shape, t.shape) == t.shape
        except ValueError:
            expands = False
        if not expands:
            raise RuntimeError(f"bernoulli_: the probabilities of shape {p.shape} cannot be "
                               f"expanded to the tensor's shape {t.shape}")
    else:
        _check_probability(p, "bernoulli_")
        probabilities = p
    return _drawer(t, generator, "bernoulli_", lambda r, s: r.random(s) < probabilities)


def _integer_range(dtype: np.dtype) -> tuple:
    """[low, high] of ``random_`` with no bounds: integers up to the dtype's max, floats up
    to 2**digits (every integer exactly representable), bool 0 and 1."""
    if dtype.kind == "b":
        return 0, 1
    if dtype.kind == "f":
        return 0, 2 ** (np.finfo(dtype).nmant + 1)
    return 0, int(np.iinfo(dtype).max)


def random_fill(t: Tensor, low: Any, high: Any, generator: Any) -> Callable:
    """Integers in [low, high) (``high`` None: up to the dtype's largest; see
    ``_integer_range``)."""
    dtype = t.dtype
    top = _integer_range(dtype)[1]
    name = {"b": "bool", "u": "unsigned char"}.get(dtype.kind, dtype.name)
    if high is None:
        high = top + 1
    elif low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    if dtype.kind != "f":
        lo = 0 if dtype.kind == "b" else int(np.iinfo(dtype).min)
        if not lo <= low <= top:
            raise RuntimeError(f"random_: from is out of bounds for {name}")
        if not lo <= high - 1 <= top:
            raise RuntimeError(f"random_: to - 1 is out of bounds for {name}")
    elif high - 1 > top or low < -top:
        digits = int(math.log2(top))
        warnings.warn(f"random_: to - 1 is out of bounds [-(2^{digits}), 2^{digits}]. Due to "
                      f"precision limitations {dtype.name} can support discrete uniform "
                      f"distribution only within this range.", UserWarning, stacklevel=3)
    low, high = int(low), int(high)
    return _drawer(t, generator, "random_",
                   lambda r, s: r.integers(low, high - 1, s, endpoint=True,
                                           dtype=np.int64 if high - 1 < 2 ** 63
                                           else np.uint64))


def random_bounds(bounds: tuple, kwargs: dict) -> tuple:
    """(from, to) of ``random_()``, ``random_(to)``, ``random_(from, to)`` and the
    ``from=`` / ``to=`` keywords (``to`` None: the dtype's largest value)."""
    unknown = sorted(set(kwargs) - {"from", "to"})
    if unknown or len(bounds) > 2 or (bounds and "from" in kwargs) or (
            len(bounds) == 2 and "to" in kwargs):
        raise TypeError(f"random_() received an invalid combination of arguments: "
                        f"{len(bounds)} positional and keywords {sorted(kwargs)}; expected "
                        f"(), (to), (from, to) or (from, to=None)")
    if len(bounds) == 2:
        return bounds
    if len(bounds) == 1:
        return (bounds[0], kwargs["to"]) if "to" in kwargs else (0, bounds[0])
    return kwargs.get("from", 0), kwargs.get("to")
