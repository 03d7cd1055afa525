"""The ``Tensor``: an array, its gradient and the graph node that produced it.

Methods only delegate to the ops in ``ops/``; the math lives there.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable, Optional

import numpy as np


_KIND_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}  # in-place ops may not write a higher kind


class _HookHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    __slots__ = ("_hooks", "_fn")

    def __init__(self, hooks: list, fn: Callable) -> None:
        self._hooks = hooks
        self._fn = fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


class _RetainGrad:
    """The hook ``retain_grad`` installs: stores the gradient on the (weakly held) tensor."""

    __slots__ = ("ref",)

    def __init__(self, tensor: "Tensor") -> None:
        self.ref = weakref.ref(tensor)

    def __call__(self, grad: "Tensor") -> None:
        tensor = self.ref()
        if tensor is not None:
            tensor.grad = grad if tensor.grad is None else tensor.grad + grad


# id(leaf) -> hooks of register_post_accumulate_grad_hook (rare, so not a slot of every
# Tensor; not a WeakKeyDictionary, whose lookups compare keys with the elementwise ==)
POST_ACCUMULATE_HOOKS: dict[int, list] = {}


class Tensor:
    """A numpy array with reverse-mode autodiff. Build one with ``autograd_engine.tensor``."""

    __slots__ = ("data", "grad", "requires_grad", "grad_fn", "_output_nr", "_vc", "_hooks",
                 "_view", "__weakref__")
    __array_ufunc__ = None  # numpy defers to our reflected operators: ndarray + Tensor -> Tensor
    __hash__ = object.__hash__  # == is elementwise; identity hashing keeps tensors usable as keys

    def __init__(self, data: np.ndarray, requires_grad: bool = False, grad_fn: Any = None,
                 _output_nr: int = 0) -> None:
        self.data = data
        self.grad = None
        self.requires_grad = requires_grad
        self.grad_fn = grad_fn
        self._output_nr = _output_nr
        self._vc = None  # version counter box [int], shared with views; created on demand
        self._hooks = None
        self._view = None  # a view: (the tensor owning its memory, version of its graph)

    # -- metadata ------------------------------------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _version(self) -> int:
        return self._vc[0] if self._vc is not None else 0

    @property
    def T(self) -> "Tensor":
        return _shape.permute(self, tuple(range(self.ndim - 1, -1, -1)))

    @property
    def mT(self) -> "Tensor":
        return _shape.transpose(self, -2, -1)

    def dim(self) -> int:
        return self.data.ndim

    def numel(self) -> int:
        return self.data.size

    def size(self, dim: Optional[int] = None) -> Any:
        if dim is None:
            return self.data.shape
        return self.data.shape[_util.normalize_dim(dim, self.ndim, "size")]

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    # -- conversion ----------------------------------------------------------------------
    def item(self) -> Any:
        if self.data.size != 1:
            raise RuntimeError(
                f"item: a Tensor with {self.data.size} elements cannot be converted to a "
                f"Python scalar (shape {self.shape})")
        return self.data.reshape(()).item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError("numpy: can't call numpy() on a Tensor that requires grad; "
                               "use tensor.detach().numpy() instead")
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.data.size} elements is "
                               "ambiguous")
        return bool(self.data.reshape(()).item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iub" or self.data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", precision=4, prefix="tensor(")
        extra = ""
        if self.dtype not in (np.float32, np.int64, np.bool_):
            extra += f", dtype={self.dtype}"
        if self.grad_fn is not None:
            extra += f", grad_fn=<{self.grad_fn.op.__name__}Backward>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def to(self, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False,
           non_blocking: bool = False) -> "Tensor":
        """Cast (``to(dtype)``, ``to(other_tensor)``); devices other than the CPU raise
        (``to("cpu")``, ``to(device, dtype)`` as PyTorch)."""
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif _devices.is_device(arg):
                device = arg
            elif arg is not None:
                dtype = arg
        _devices.check_cpu(device, "Tensor.to")
        out = self if dtype is None else _elementwise.cast(self, dtype)
        return out.clone() if copy and out is self else out

    @property
    def device(self) -> "_devices.device":
        return _devices.CPU

    is_cuda = False

    def cpu(self) -> "Tensor":
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> "Tensor":
        _devices.check_cpu("cuda", "Tensor.cuda")
        return self

    def half(self) -> "Tensor":
        return self.to(np.float16)

    def type(self, dtype: Any = None) -> Any:
        """The type name (``autograd_engine.FloatTensor``, ...) or, given a dtype, a cast."""
        if dtype is not None:
            return self.to(dtype)
        names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
                 "int32": "Int", "bool": "Bool", "int16": "Short", "int8": "Char",
                 "uint8": "Byte"}
        return f"autograd_engine.{names.get(self.dtype.name, self.dtype.name)}Tensor"

    def float(self) -> "Tensor":
        return self.to(np.float32)

    def double(self) -> "Tensor":
        return self.to(np.float64)

    def long(self) -> "Tensor":
        return self.to(np.int64)

    def int(self) -> "Tensor":
        return self.to(np.int32)

    def bool(self) -> "Tensor":
        return self.to(np.bool_)

    def type_as(self, other: "Tensor") -> "Tensor":
        return self.to(other.dtype)

    # -- autograd ------------------------------------------------------------------------
    def backward(self, gradient: Any = None, retain_graph: Optional[bool] = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad``."""
        _engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> "Tensor":
        """Same data (shared memory and version counter), no graph."""
        out = Tensor(self.data)
        if self._vc is None:
            self._vc = [0]
        out._vc = self._vc
        return out

    def detach_(self) -> "Tensor":
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("requires_grad_: you can only change requires_grad flags of "
                               "leaf variables")
        if requires_grad and self.dtype.kind != "f":
            raise TypeError(f"requires_grad_: only floating point tensors can require "
                            f"gradients, got dtype {self.dtype}")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: can't retain_grad on Tensor that has "
                               "requires_grad=False")
        if self.grad_fn is None or self.retains_grad:
            return
        self.grad_fn.add_hook(self._output_nr, _RetainGrad(self))

    @property
    def retains_grad(self) -> bool:
        hooks = self.grad_fn.hooks if self.grad_fn is not None else None
        return bool(hooks) and any(isinstance(h, _RetainGrad)
                                   for h in hooks.get(self._output_nr, ()))

    def register_hook(self, hook: Callable) -> _HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned value
        replaces the gradient."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "doesn't require gradient")
        if self.grad_fn is not None:
            self.grad_fn.add_hook(self._output_nr, hook)
            return _HookHandle(self.grad_fn.hooks[self._output_nr], hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable) -> _HookHandle:
        """Call ``hook(self)`` after a backward has accumulated into ``self.grad`` (leaves
        only; ``autograd.grad`` accumulates nothing, so it does not call it)."""
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        if not self.requires_grad:
            raise RuntimeError("register_post_accumulate_grad_hook: cannot register a hook "
                               "on a tensor that doesn't require gradient")
        hooks = POST_ACCUMULATE_HOOKS.get(id(self))
        if hooks is None:
            hooks = POST_ACCUMULATE_HOOKS[id(self)] = []
            weakref.finalize(self, POST_ACCUMULATE_HOOKS.pop, id(self), None)
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    # -- in place (recorded in the graph when a gradient is needed: ops/inplace.py) --------
    def _check_writeable(self, op: str) -> None:
        # numpy marks expand's broadcast views read-only; making them writeable would also
        # expose the expanded gradients the engine hands out, which may share one buffer
        if not self.data.flags.writeable:
            raise RuntimeError(
                f"{op}: cannot write into this tensor of shape {self.shape}: it is read-only "
                "(made by expand, or from a read-only numpy array). An expanded tensor "
                "shares one memory location among the elements of each expanded dim, so a "
                "write would change them all (PyTorch warns against writing to expanded "
                "tensors); clone() it first")

    def _bump_version(self) -> None:
        if self._vc is None:
            self._vc = [1]
        else:
            self._vc[0] += 1

    def _inplace(self, op: str, compute: Callable, *sources: Any,
                 keeps_input: bool = True) -> "Tensor":
        """``self = compute(self)`` in place. ``sources``: the other arguments that may
        require grad; ``keeps_input``: the op may save self's old value for its backward."""
        if _inplace.needs_graph(self, sources):
            return _inplace.write(self, op, compute, keeps_input)
        return self._write_result(op, compute(self.detach()).data)

    def _write(self, op: str, value: Any) -> "Tensor":
        """Assign ``value`` (array-like, broadcast) into all of self in place, unrecorded."""
        self._check_writeable(op)
        value = value.data if isinstance(value, Tensor) else value
        try:
            np.copyto(self.data, value, casting="unsafe")
        except ValueError as exc:
            raise RuntimeError(f"{op}: cannot write a value of shape {np.shape(value)} into "
                               f"a tensor of shape {self.shape}") from exc
        self._bump_version()
        return self

    def _write_result(self, op: str, result: Any) -> "Tensor":
        """Write an arithmetic op's result (a numpy array or scalar) in place, unrecorded.

        As PyTorch, a result of a higher kind than self (float into an integer tensor,
        anything but bool into a bool one) raises instead of being cast."""
        kind = self.data.dtype.kind
        if kind != "f" and _KIND_RANK[result.dtype.kind] > _KIND_RANK[kind]:
            raise RuntimeError(f"{op}: result type {result.dtype} can't be cast to the "
                               f"desired output type {self.dtype}")
        return self._write(op, result)

    # add_ ... clamp_ compute on arrays when nothing is recorded (optimizer loops use them)
    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if _inplace.needs_graph(self, (other,)):
            return _inplace.write(self, "add_", lambda t: t.add(other, alpha=alpha), False)
        other = other.data if isinstance(other, Tensor) else other
        return self._write_result("add_", self.data + (other * alpha if alpha != 1 else other))

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if _inplace.needs_graph(self, (other,)):
            return _inplace.write(self, "sub_", lambda t: t.sub(other, alpha=alpha), False)
        other = other.data if isinstance(other, Tensor) else other
        return self._write_result("sub_", self.data - (other * alpha if alpha != 1 else other))

    def mul_(self, other: Any) -> "Tensor":
        if _inplace.needs_graph(self, (other,)):
            return _inplace.write(self, "mul_", lambda t: t * other, True)
        return self._write_result("mul_", self.data * (other.data if isinstance(other, Tensor)
                                                       else other))

    def div_(self, other: Any) -> "Tensor":
        if _inplace.needs_graph(self, (other,)):
            return _inplace.write(self, "div_", lambda t: t / other, True)
        return self._write_result("div_", self.data / (other.data if isinstance(other, Tensor)
                                                       else other))

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        if _inplace.needs_graph(self, (min, max)):
            return _inplace.write(self, "clamp_", lambda t: t.clamp(min, max), True)
        min, max = (b.data if isinstance(b, Tensor) else b for b in (min, max))
        return self._write_result("clamp_", np.clip(self.data, min, max))

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value: Any) -> "Tensor":
        if _inplace.needs_graph(self, (value,)):
            self[...] = value
            return self
        return self._write("fill_", value)

    def copy_(self, src: Any) -> "Tensor":
        if _inplace.needs_graph(self, (src,)):
            self[...] = src
            return self
        return self._write("copy_", src)

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def __ifloordiv__(self, other: Any) -> "Tensor":
        return self._inplace("floor_divide_", lambda t: _elementwise.floor_divide(t, other),
                             other)

    def __imod__(self, other: Any) -> "Tensor":
        return self._inplace("remainder_", lambda t: _elementwise.remainder(t, other), other)

    def __setitem__(self, index: Any, value: Any) -> None:
        _inplace.setitem(self, index, value)

    # pointwise in-place forms
    def pow_(self, exponent: Any) -> "Tensor":
        return self._inplace("pow_", lambda t: t ** exponent, exponent)

    def neg_(self) -> "Tensor":
        return self._inplace("neg_", Tensor.neg, keeps_input=False)

    def abs_(self) -> "Tensor":
        return self._inplace("abs_", Tensor.abs)

    def exp_(self) -> "Tensor":
        return self._inplace("exp_", Tensor.exp)

    def log_(self) -> "Tensor":
        return self._inplace("log_", Tensor.log)

    def sqrt_(self) -> "Tensor":
        return self._inplace("sqrt_", Tensor.sqrt)

    def square_(self) -> "Tensor":
        return self._inplace("square_", Tensor.square)

    def reciprocal_(self) -> "Tensor":
        return self._inplace("reciprocal_", Tensor.reciprocal)

    def relu_(self) -> "Tensor":
        return self._inplace("relu_", Tensor.relu)

    def sigmoid_(self) -> "Tensor":
        return self._inplace("sigmoid_", Tensor.sigmoid)

    def tanh_(self) -> "Tensor":
        return self._inplace("tanh_", Tensor.tanh)

    def clamp_min_(self, min: Any) -> "Tensor":
        return self._inplace("clamp_min_", lambda t: t.clamp_min(min), min)

    def clamp_max_(self, max: Any) -> "Tensor":
        return self._inplace("clamp_max_", lambda t: t.clamp_max(max), max)

    def lerp_(self, end: Any, weight: Any) -> "Tensor":
        return self._inplace("lerp_", lambda t: t.lerp(end, weight), end, weight)

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return self._inplace("addcmul_", lambda t: t.addcmul(tensor1, tensor2, value=value),
                             tensor1, tensor2, keeps_input=False)

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return self._inplace("addcdiv_", lambda t: t.addcdiv(tensor1, tensor2, value=value),
                             tensor1, tensor2, keeps_input=False)

    # -- arithmetic ----------------------------------------------------------------------
    def __add__(self, other: Any) -> "Tensor":
        return _elementwise.Add.apply(self, other)

    def __radd__(self, other: Any) -> "Tensor":
        return _elementwise.Add.apply(other, self)

    def __sub__(self, other: Any) -> "Tensor":
        return _elementwise.Sub.apply(self, other)

    def __rsub__(self, other: Any) -> "Tensor":
        return _elementwise.Sub.apply(other, self)

    def __mul__(self, other: Any) -> "Tensor":
        return _elementwise.Mul.apply(self, other)

    def __rmul__(self, other: Any) -> "Tensor":
        return _elementwise.Mul.apply(other, self)

    def __truediv__(self, other: Any) -> "Tensor":
        return _elementwise.Div.apply(self, other)

    def __rtruediv__(self, other: Any) -> "Tensor":
        return _elementwise.Div.apply(other, self)

    def __pow__(self, other: Any) -> "Tensor":
        return _elementwise.pow(self, other)

    def __rpow__(self, other: Any) -> "Tensor":
        return _elementwise.pow(other, self)

    def __floordiv__(self, other: Any) -> "Tensor":
        return _elementwise.floor_divide(self, other)

    def __rfloordiv__(self, other: Any) -> "Tensor":
        return _elementwise.floor_divide(other, self)

    def __mod__(self, other: Any) -> "Tensor":
        return _elementwise.remainder(self, other)

    def __rmod__(self, other: Any) -> "Tensor":
        return _elementwise.remainder(other, self)

    def __matmul__(self, other: Any) -> "Tensor":
        return _linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> "Tensor":
        return _linalg.matmul(other, self)

    def __neg__(self) -> "Tensor":
        return _elementwise.neg(self)

    def __pos__(self) -> "Tensor":
        return self

    def __abs__(self) -> "Tensor":
        return _elementwise.abs(self)

    def __lt__(self, other: Any) -> "Tensor":
        return _elementwise.lt(self, other)

    def __le__(self, other: Any) -> "Tensor":
        return _elementwise.le(self, other)

    def __gt__(self, other: Any) -> "Tensor":
        return _elementwise.gt(self, other)

    def __ge__(self, other: Any) -> "Tensor":
        return _elementwise.ge(self, other)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return False if other is None else _elementwise.eq(self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return True if other is None else _elementwise.ne(self, other)

    def __invert__(self) -> "Tensor":
        return _pointwise.bitwise_not(self)

    def __and__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_and(self, other)

    def __or__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_or(self, other)

    def __xor__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_xor(self, other)

    def __rand__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_and(other, self)

    def __ror__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_or(other, self)

    def __rxor__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_xor(other, self)

    def __lshift__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_left_shift(self, other)

    def __rlshift__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_left_shift(other, self)

    def __rshift__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_right_shift(self, other)

    def __rrshift__(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_right_shift(other, self)

    def __contains__(self, element: Any) -> bool:
        return bool((self == element).any().item())

    def __getitem__(self, index: Any) -> "Tensor":
        return _index.getitem(self, index)

    def index_select(self, dim: int, index: Any) -> "Tensor":
        return _index.index_select(self, dim, index)

    # -- scatter / index_* / put / take (ops/index.py); ``_`` forms write the result ------
    def _write_op(self, op: str, fn: Callable, *args: Any, **kwargs: Any) -> "Tensor":
        """In place: ``fn(self, *args, **kwargs)`` written into self."""
        return self._inplace(op, lambda t: fn(t, *args, **kwargs), *args, *kwargs.values())

    def scatter(self, dim: int, index: Any, src: Any = None, value: Any = None,
                reduce: Any = None) -> "Tensor":
        return _indexed.scatter(self, dim, index, src, value, reduce)

    def scatter_(self, dim: int, index: Any, src: Any = None, value: Any = None,
                 reduce: Any = None) -> "Tensor":
        return self._write_op("scatter_", _indexed.scatter, dim, index, src, value, reduce)

    def scatter_add(self, dim: int, index: Any, src: "Tensor") -> "Tensor":
        return _indexed.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim: int, index: Any, src: "Tensor") -> "Tensor":
        return self._write_op("scatter_add_", _indexed.scatter_add, dim, index, src)

    def scatter_reduce(self, dim: int, index: Any, src: "Tensor", reduce: str,
                       include_self: bool = True) -> "Tensor":
        return _indexed.scatter_reduce(self, dim, index, src, reduce, include_self)

    def scatter_reduce_(self, dim: int, index: Any, src: "Tensor", reduce: str,
                        include_self: bool = True) -> "Tensor":
        return self._write_op("scatter_reduce_", _indexed.scatter_reduce, dim, index, src,
                              reduce, include_self)

    def index_reduce(self, dim: int, index: Any, source: "Tensor", reduce: str, *,
                     include_self: bool = True) -> "Tensor":
        return _indexed.index_reduce(self, dim, index, source, reduce, include_self)

    def index_reduce_(self, dim: int, index: Any, source: "Tensor", reduce: str, *,
                      include_self: bool = True) -> "Tensor":
        return self._write_op("index_reduce_", _indexed.index_reduce, dim, index, source,
                              reduce, include_self)

    def index_add(self, dim: int, index: Any, source: "Tensor", alpha: Any = 1) -> "Tensor":
        return _indexed.index_add(self, dim, index, source, alpha)

    def index_add_(self, dim: int, index: Any, source: "Tensor", alpha: Any = 1) -> "Tensor":
        return self._write_op("index_add_", _indexed.index_add, dim, index, source, alpha)

    def index_copy(self, dim: int, index: Any, source: "Tensor") -> "Tensor":
        return _indexed.index_copy(self, dim, index, source)

    def index_copy_(self, dim: int, index: Any, source: "Tensor") -> "Tensor":
        return self._write_op("index_copy_", _indexed.index_copy, dim, index, source)

    def index_fill(self, dim: int, index: Any, value: Any) -> "Tensor":
        return _indexed.index_fill(self, dim, index, value)

    def index_fill_(self, dim: int, index: Any, value: Any) -> "Tensor":
        return self._write_op("index_fill_", _indexed.index_fill, dim, index, value)

    def index_put(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return _indexed.index_put(self, indices, values, accumulate)

    def index_put_(self, indices: Any, values: "Tensor", accumulate: bool = False) -> "Tensor":
        return self._write_op("index_put_", _indexed.index_put, indices, values, accumulate)

    def masked_fill_(self, mask: Any, value: Any) -> "Tensor":
        return self._write_op("masked_fill_", _index.masked_fill, mask, value)

    def masked_select(self, mask: Any) -> "Tensor":
        return _indexed.masked_select(self, mask)

    def masked_scatter(self, mask: Any, source: "Tensor") -> "Tensor":
        return _indexed.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask: Any, source: "Tensor") -> "Tensor":
        return self._write_op("masked_scatter_", _indexed.masked_scatter, mask, source)

    def take(self, index: Any) -> "Tensor":
        return _indexed.take(self, index)

    def take_along_dim(self, indices: Any, dim: Any = None) -> "Tensor":
        return _indexed.take_along_dim(self, indices, dim)

    def put(self, index: Any, source: "Tensor", accumulate: bool = False) -> "Tensor":
        return _indexed.put(self, index, source, accumulate)

    def put_(self, index: Any, source: "Tensor", accumulate: bool = False) -> "Tensor":
        return self._write_op("put_", _indexed.put, index, source, accumulate)

    def unique(self, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: Any = None) -> Any:
        return _indexed.unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse: bool = False, return_counts: bool = False,
                           dim: Any = None) -> Any:
        return _indexed.unique_consecutive(self, return_inverse, return_counts, dim)

    def argwhere(self) -> "Tensor":
        return _indexed.argwhere(self)

    def broadcast_to(self, shape: Any) -> "Tensor":
        return _shape.broadcast_to(self, shape)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
        return _shape.tensor_split(self, indices_or_sections, dim)

    def hsplit(self, indices_or_sections: Any) -> tuple:
        return _shape.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections: Any) -> tuple:
        return _shape.vsplit(self, indices_or_sections)

    def gather(self, dim: int, index: Any) -> "Tensor":
        return _index.gather(self, dim, index)

    def masked_fill(self, mask: Any, value: Any) -> "Tensor":
        return _index.masked_fill(self, mask, value)

    # -- named methods (each delegates to its op) --------------------------------------------
    def add(self, other: Any, alpha: Any = 1) -> "Tensor":
        return _elementwise.add(self, other, alpha)

    def sub(self, other: Any, alpha: Any = 1) -> "Tensor":
        return _elementwise.sub(self, other, alpha)

    def mul(self, other: Any) -> "Tensor":
        return _elementwise.mul(self, other)

    def div(self, other: Any, rounding_mode: Any = None) -> "Tensor":
        return _elementwise.div(self, other, rounding_mode)

    def pow(self, other: Any) -> "Tensor":
        return _elementwise.pow(self, other)

    def isnan(self) -> "Tensor":
        return _pointwise.isnan(self)

    def isinf(self) -> "Tensor":
        return _pointwise.isinf(self)

    def isfinite(self) -> "Tensor":
        return _pointwise.isfinite(self)

    def isposinf(self) -> "Tensor":
        return _pointwise.isposinf(self)

    def isneginf(self) -> "Tensor":
        return _pointwise.isneginf(self)

    def erf(self) -> "Tensor":
        return _pointwise.erf(self)

    def erfc(self) -> "Tensor":
        return _pointwise.erfc(self)

    def erfinv(self) -> "Tensor":
        return _pointwise.erfinv(self)

    def log2(self) -> "Tensor":
        return _pointwise.log2(self)

    def log10(self) -> "Tensor":
        return _pointwise.log10(self)

    def exp2(self) -> "Tensor":
        return _pointwise.exp2(self)

    def tan(self) -> "Tensor":
        return _pointwise.tan(self)

    def atan(self) -> "Tensor":
        return _pointwise.atan(self)

    def asin(self) -> "Tensor":
        return _pointwise.asin(self)

    def acos(self) -> "Tensor":
        return _pointwise.acos(self)

    def sinh(self) -> "Tensor":
        return _pointwise.sinh(self)

    def cosh(self) -> "Tensor":
        return _pointwise.cosh(self)

    def asinh(self) -> "Tensor":
        return _pointwise.asinh(self)

    def acosh(self) -> "Tensor":
        return _pointwise.acosh(self)

    def atanh(self) -> "Tensor":
        return _pointwise.atanh(self)

    def logit(self, eps: Any = None) -> "Tensor":
        return _pointwise.logit(self, eps)

    def atan2(self, other: Any) -> "Tensor":
        return _pointwise.atan2(self, other)

    def hypot(self, other: Any) -> "Tensor":
        return _pointwise.hypot(self, other)

    def logaddexp(self, other: Any) -> "Tensor":
        return _pointwise.logaddexp(self, other)

    def xlogy(self, other: Any) -> "Tensor":
        return _pointwise.xlogy(self, other)

    def logical_xor(self, other: Any) -> "Tensor":
        return _pointwise.logical_xor(self, other)

    def bitwise_and(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_and(self, other)

    def bitwise_or(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_or(self, other)

    def bitwise_xor(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_xor(self, other)

    def bitwise_left_shift(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_left_shift(self, other)

    def bitwise_right_shift(self, other: Any) -> "Tensor":
        return _pointwise.bitwise_right_shift(self, other)

    def bitwise_not(self) -> "Tensor":
        return _pointwise.bitwise_not(self)

    def nan_to_num(self, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> "Tensor":
        return _pointwise.nan_to_num(self, nan, posinf, neginf)

    def clamp_min(self, min: Any) -> "Tensor":
        return _pointwise.clamp_min(self, min)

    def clamp_max(self, max: Any) -> "Tensor":
        return _pointwise.clamp_max(self, max)

    def where(self, condition: Any, other: Any) -> "Tensor":
        return _elementwise.where(condition, self, other)

    def logical_and(self, other: Any) -> "Tensor":
        return _elementwise.logical_and(self, other)

    def logical_or(self, other: Any) -> "Tensor":
        return _elementwise.logical_or(self, other)

    def logical_not(self) -> "Tensor":
        return _elementwise.logical_not(self)

    def floor_divide(self, other: Any) -> "Tensor":
        return _elementwise.floor_divide(self, other)

    def remainder(self, other: Any) -> "Tensor":
        return _elementwise.remainder(self, other)

    def matmul(self, other: Any) -> "Tensor":
        return _linalg.matmul(self, other)

    def mm(self, mat2: "Tensor") -> "Tensor":
        return _linalg.mm(self, mat2)

    def mv(self, vec: "Tensor") -> "Tensor":
        return _linalg.mv(self, vec)

    def dot(self, other: "Tensor") -> "Tensor":
        return _linalg.dot(self, other)

    def vdot(self, other: "Tensor") -> "Tensor":
        return _linalg.vdot(self, other)

    def addmm(self, mat1: "Tensor", mat2: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return _linalg.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat: "Tensor", vec: "Tensor", *, beta: Any = 1, alpha: Any = 1) -> "Tensor":
        return _linalg.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def baddbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
                alpha: Any = 1) -> "Tensor":
        return _linalg.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1: "Tensor", batch2: "Tensor", *, beta: Any = 1,
               alpha: Any = 1) -> "Tensor":
        return _linalg.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def kron(self, other: "Tensor") -> "Tensor":
        return _linalg.kron(self, other)

    def cross(self, other: "Tensor", dim: Any = None) -> "Tensor":
        return _linalg.cross(self, other, dim)

    def inner(self, other: "Tensor") -> "Tensor":
        return _linalg.inner(self, other)

    def det(self) -> "Tensor":
        return _linalg.det(self)

    def slogdet(self) -> tuple:
        return _linalg.slogdet(self)

    def inverse(self) -> "Tensor":
        return _linalg.inv(self)

    def neg(self) -> "Tensor":
        return _elementwise.neg(self)

    def abs(self) -> "Tensor":
        return _elementwise.abs(self)

    def exp(self) -> "Tensor":
        return _elementwise.exp(self)

    def log(self) -> "Tensor":
        return _elementwise.log(self)

    def sqrt(self) -> "Tensor":
        return _elementwise.sqrt(self)

    def sin(self) -> "Tensor":
        return _elementwise.sin(self)

    def cos(self) -> "Tensor":
        return _elementwise.cos(self)

    def sign(self) -> "Tensor":
        return _elementwise.sign(self)

    def clamp(self, min: Any = None, max: Any = None) -> "Tensor":
        return _elementwise.clamp(self, min, max)

    clip = clamp

    def maximum(self, other: Any) -> "Tensor":
        return _elementwise.maximum(self, other)

    def minimum(self, other: Any) -> "Tensor":
        return _elementwise.minimum(self, other)

    def eq(self, other: Any) -> "Tensor":
        return _elementwise.eq(self, other)

    def ne(self, other: Any) -> "Tensor":
        return _elementwise.ne(self, other)

    def lt(self, other: Any) -> "Tensor":
        return _elementwise.lt(self, other)

    def le(self, other: Any) -> "Tensor":
        return _elementwise.le(self, other)

    def gt(self, other: Any) -> "Tensor":
        return _elementwise.gt(self, other)

    def ge(self, other: Any) -> "Tensor":
        return _elementwise.ge(self, other)

    def tanh(self) -> "Tensor":
        return _activation.tanh(self)

    def sigmoid(self) -> "Tensor":
        return _activation.sigmoid(self)

    def relu(self) -> "Tensor":
        return _activation.relu(self)

    def softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return _activation.softmax(self, dim, dtype)

    def log_softmax(self, dim: int, dtype: Any = None) -> "Tensor":
        return _activation.log_softmax(self, dim, dtype)

    def sum(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return _reduce.sum(self, dim, keepdim, **kwargs)

    def mean(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return _reduce.mean(self, dim, keepdim, **kwargs)

    def var(self, dim: Any = None, unbiased: Any = None, keepdim: Any = None,
            **kwargs: Any) -> "Tensor":
        return _reduce.var(self, dim, unbiased, keepdim, **kwargs)

    def std(self, dim: Any = None, unbiased: Any = None, keepdim: Any = None,
            **kwargs: Any) -> "Tensor":
        return _reduce.std(self, dim, unbiased, keepdim, **kwargs)

    def max(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> Any:
        return _reduce.max(self, dim, keepdim, **kwargs)

    def min(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> Any:
        return _reduce.min(self, dim, keepdim, **kwargs)

    def argmax(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return _reduce.argmax(self, dim, keepdim, **kwargs)

    def argmin(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return _reduce.argmin(self, dim, keepdim, **kwargs)

    def logsumexp(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return _reduce.logsumexp(self, dim, keepdim, **kwargs)

    def prod(self, dim: Any = None, keepdim: Any = None, **kwargs: Any) -> "Tensor":
        return _reduce.prod(self, dim, keepdim, **kwargs)

    def norm(self, p: Any = 2, dim: Any = None, keepdim: Any = None,
             **kwargs: Any) -> "Tensor":
        return _reduce.norm(self, p, dim, keepdim, **kwargs)

    def reshape(self, *shape: Any) -> "Tensor":
        return _shape.reshape(self, *shape)

    def view(self, *shape: Any) -> "Tensor":
        return _shape.view(self, *shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> "Tensor":
        return _shape.flatten(self, start_dim, end_dim)

    def squeeze(self, dim: Any = None) -> "Tensor":
        return _shape.squeeze(self, dim)

    def unsqueeze(self, dim: int) -> "Tensor":
        return _shape.unsqueeze(self, dim)

    def transpose(self, dim0: int, dim1: int) -> "Tensor":
        return _shape.transpose(self, dim0, dim1)

    def t(self) -> "Tensor":
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self.T

    def permute(self, *dims: Any) -> "Tensor":
        return _shape.permute(self, *dims)

    def expand(self, *shape: Any) -> "Tensor":
        return _shape.expand(self, *shape)

    def expand_as(self, other: "Tensor") -> "Tensor":
        return _shape.expand(self, other.shape)

    def repeat(self, *repeats: Any) -> "Tensor":
        return _shape.repeat(self, *repeats)

    def split(self, split_size: Any, dim: int = 0) -> tuple:
        return _shape.split(self, split_size, dim)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        return _shape.chunk(self, chunks, dim)

    def contiguous(self) -> "Tensor":
        """Self when its memory is C-contiguous, else a C-ordered copy (``clone`` copies in
        C order), so that ``.contiguous().view(...)`` always works."""
        return self if self.data.flags.c_contiguous else _elementwise.clone(self)

    def clone(self) -> "Tensor":
        return _elementwise.clone(self)

    # -- more math, reordering and shape helpers (ops/pointwise.py, ops/reorder.py) ---------
    def log1p(self) -> "Tensor":
        return _pointwise.log1p(self)

    def expm1(self) -> "Tensor":
        return _pointwise.expm1(self)

    def floor(self) -> "Tensor":
        return _pointwise.floor(self)

    def ceil(self) -> "Tensor":
        return _pointwise.ceil(self)

    def trunc(self) -> "Tensor":
        return _pointwise.trunc(self)

    def round(self, decimals: int = 0) -> "Tensor":
        return _pointwise.round(self, decimals)

    def frac(self) -> "Tensor":
        return _pointwise.frac(self)

    def reciprocal(self) -> "Tensor":
        return _pointwise.reciprocal(self)

    def rsqrt(self) -> "Tensor":
        return _pointwise.rsqrt(self)

    def square(self) -> "Tensor":
        return _pointwise.square(self)

    def lerp(self, end: Any, weight: Any) -> "Tensor":
        return _pointwise.lerp(self, end, weight)

    def addcmul(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return _pointwise.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return _pointwise.addcdiv(self, tensor1, tensor2, value=value)

    def amax(self, dim: Any = (), keepdim: bool = False) -> "Tensor":
        return _reduce.amax(self, dim, keepdim)

    def amin(self, dim: Any = (), keepdim: bool = False) -> "Tensor":
        return _reduce.amin(self, dim, keepdim)

    def all(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return _reduce.all(self, dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> "Tensor":
        return _reduce.any(self, dim, keepdim)

    def flip(self, *dims: Any) -> "Tensor":
        return _reorder.flip(self, *dims)

    def roll(self, shifts: Any, dims: Any = None) -> "Tensor":
        return _reorder.roll(self, shifts, dims)

    def cumsum(self, dim: int, dtype: Any = None) -> "Tensor":
        return _reorder.cumsum(self, dim, dtype)

    # scans, order statistics and NaN-aware reductions (ops/reorder.py, ops/reduce.py)
    def cumprod(self, dim: int, dtype: Any = None) -> "Tensor":
        return _reorder.cumprod(self, dim, dtype)

    def cummax(self, dim: int) -> Any:
        return _reorder.cummax(self, dim)

    def cummin(self, dim: int) -> Any:
        return _reorder.cummin(self, dim)

    def logcumsumexp(self, dim: int) -> "Tensor":
        return _reorder.logcumsumexp(self, dim)

    def median(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _reorder.median(self, dim, keepdim)

    def nanmedian(self, dim: Any = None, keepdim: bool = False) -> Any:
        return _reorder.nanmedian(self, dim, keepdim)

    def mode(self, dim: int = -1, keepdim: bool = False) -> Any:
        return _reorder.mode(self, dim, keepdim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> Any:
        return _reorder.kthvalue(self, k, dim, keepdim)

    def quantile(self, q: Any, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> "Tensor":
        return _reorder.quantile(self, q, dim, keepdim, **kwargs)

    def nanquantile(self, q: Any, dim: Any = None, keepdim: bool = False,
                    **kwargs: Any) -> "Tensor":
        return _reorder.nanquantile(self, q, dim, keepdim, **kwargs)

    def nansum(self, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> "Tensor":
        return _reduce.nansum(self, dim, keepdim, **kwargs)

    def nanmean(self, dim: Any = None, keepdim: bool = False, **kwargs: Any) -> "Tensor":
        return _reduce.nanmean(self, dim, keepdim, **kwargs)

    def count_nonzero(self, dim: Any = None) -> "Tensor":
        return _reduce.count_nonzero(self, dim)

    def aminmax(self, *, dim: Any = None, keepdim: bool = False) -> Any:
        return _reduce.aminmax(self, dim=dim, keepdim=keepdim)

    def sort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
        return _reorder.sort(self, dim, descending, stable)

    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> "Tensor":
        return _reorder.argsort(self, dim, descending, stable)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        return _reorder.topk(self, k, dim, largest, sorted)

    def tril(self, diagonal: int = 0) -> "Tensor":
        return _reorder.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> "Tensor":
        return _reorder.triu(self, diagonal)

    def narrow(self, dim: int, start: int, length: int) -> "Tensor":
        return _shape.narrow(self, dim, start, length)

    def unbind(self, dim: int = 0) -> tuple:
        return _shape.unbind(self, dim)

    def movedim(self, source: Any, destination: Any) -> "Tensor":
        return _shape.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0: int, axis1: int) -> "Tensor":
        return _shape.transpose(self, axis0, axis1)

    swapdims = swapaxes

    def view_as(self, other: "Tensor") -> "Tensor":
        return _shape.view(self, other.shape)

    def outer(self, vec2: "Tensor") -> "Tensor":
        return _linalg.outer(self, vec2)

    def bmm(self, mat2: "Tensor") -> "Tensor":
        return _linalg.bmm(self, mat2)

    def tile(self, dims: Any) -> "Tensor":
        return _structure.tile(self, dims)

    def repeat_interleave(self, repeats: Any, dim: Optional[int] = None) -> "Tensor":
        return _structure.repeat_interleave(self, repeats, dim)

    def diag(self, diagonal: int = 0) -> "Tensor":
        return _structure.diag(self, diagonal)

    def trace(self) -> "Tensor":
        return _structure.trace(self)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None,
             append: Any = None) -> "Tensor":
        return _structure.diff(self, n, dim, prepend, append)

    def nonzero(self, as_tuple: bool = False) -> Any:
        return _structure.nonzero(self, as_tuple)

    def isclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> "Tensor":
        return _structure.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        return _structure.allclose(self, other, rtol, atol, equal_nan)

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> "Tensor":
        """Fill in place with N(mean, std^2) draws from the global generator."""
        from .random import generator
        self._check_random_fill("normal_")
        return self.copy_(Tensor(generator().normal(mean, std, self.shape).astype(self.dtype)))

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> "Tensor":
        """Fill in place with U(a, b) draws from the global generator."""
        from .random import generator
        self._check_random_fill("uniform_")
        return self.copy_(Tensor(generator().uniform(a, b, self.shape).astype(self.dtype)))

    def _check_random_fill(self, op: str) -> None:
        # before drawing, so a refused call leaves the generator where it was
        if self.data.dtype.kind != "f":
            raise NotImplementedError(f"{op}: not implemented for dtype {self.dtype}; "
                                      "expected a floating point tensor")

    def is_contiguous(self) -> bool:
        return bool(self.data.flags.c_contiguous)

    def stride(self, dim: Optional[int] = None) -> Any:
        """Strides in elements, as PyTorch (numpy counts bytes)."""
        strides = tuple(s // self.data.itemsize for s in self.data.strides)
        return strides if dim is None else strides[_util.normalize_dim(dim, self.ndim,
                                                                       "stride")]

    def element_size(self) -> int:
        return self.data.itemsize

    def nelement(self) -> int:
        return self.data.size

    def new_tensor(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        """A new tensor from data, of this tensor's dtype unless given."""
        from .creation import tensor
        return tensor(data, dtype=self.dtype if dtype is None else dtype,
                      requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None,
                 requires_grad: bool = False) -> "Tensor":
        array = np.full(_util.shape_args((size,), "new_full"), fill_value,
                        self.dtype if dtype is None else dtype)
        return Tensor(array, requires_grad=requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(_util.shape_args(size, "new_zeros"), 0, dtype, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        return self.new_full(_util.shape_args(size, "new_ones"), 1, dtype, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> "Tensor":
        return self.new_zeros(*size, dtype=dtype, requires_grad=requires_grad)


from . import devices as _devices  # noqa: E402
from . import engine as _engine  # noqa: E402  (ops import Tensor, so they come after it)
from .ops import _util  # noqa: E402
from .ops import activation as _activation  # noqa: E402
from .ops import elementwise as _elementwise  # noqa: E402
from .ops import index as _index  # noqa: E402
from .ops import inplace as _inplace  # noqa: E402
from .ops import indexed as _indexed  # noqa: E402
from .ops import linalg as _linalg  # noqa: E402
from .ops import pointwise as _pointwise  # noqa: E402
from .ops import reduce as _reduce  # noqa: E402
from .ops import reorder as _reorder  # noqa: E402
from .ops import shape as _shape  # noqa: E402
from .ops import structure as _structure  # noqa: E402
