"""``nn.parameter``: ``Parameter``, ``Buffer`` and the placeholders of lazy modules,
``UninitializedParameter`` and ``UninitializedBuffer``, whose shape is set later by
``materialize`` (PyTorch's ``torch.nn.parameter``)."""
from __future__ import annotations

from typing import Any, NoReturn

from ..creation import empty
from ..tensor import Tensor
from .buffer import Buffer
from .module import Parameter

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter",
           "UninitializedTensorMixin", "is_lazy"]

# What PyTorch lets an uninitialized tensor do: dtype and device moves, copy_, size().
_ALLOWED = frozenset(("size", "copy_", "is_complex", "is_floating_point", "half", "float",
                      "double", "char", "short", "int", "long", "cuda", "cpu", "to",
                      "get_device"))
# Python machinery a placeholder still needs (construction, copying, hashing).
_KEPT_DUNDERS = frozenset(("__init__", "__hash__", "__deepcopy__"))


def _uninitialized_use(cls: type, name: str) -> ValueError:
    return ValueError(
        f"Attempted to use an uninitialized parameter in <method '{name}' of 'Tensor' "
        "objects>. This error happens when you are using a `LazyModule` or explicitly "
        f"manipulating `autograd_engine.nn.parameter.{cls.__name__}` objects. When using "
        "LazyModules Call `forward` with a dummy batch to initialize the parameters before "
        "calling autograd_engine functions")


class UninitializedTensorMixin:
    """A tensor whose shape is not known yet: any op on it, and ``.shape``, raise (as
    PyTorch's); dtype and device conversions, ``size()``, ``copy_`` and attribute reads work.
    ``materialize(shape)`` gives it storage and turns it into ``cls_to_become``."""

    __slots__ = ()
    cls_to_become: type

    def __getattribute__(self, name: str) -> Any:
        if name in _BLOCKED:
            raise _uninitialized_use(type(self), name)
        return object.__getattribute__(self, name)

    def materialize(self, shape: Any, device: Any = None, dtype: Any = None) -> None:
        """Give the tensor uninitialized storage of ``shape`` (in its dtype unless ``dtype``)
        and make it a ``cls_to_become``, in place: modules and optimizers keep it."""
        self.data = empty(shape, dtype=self.data.dtype if dtype is None else dtype,
                          device=device).data
        self.__class__ = self.cls_to_become

    @property
    def shape(self) -> NoReturn:
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes.")

    def share_memory_(self) -> NoReturn:
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def __format__(self, spec: str) -> NoReturn:
        raise _uninitialized_use(type(self), "__format__")

    def __reduce_ex__(self, protocol: int) -> tuple:
        return type(self), (self.requires_grad,)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A ``Parameter`` of unknown shape (a lazy module's weight before its first call)."""

    __slots__ = ()
    cls_to_become = Parameter

    def __init__(self, requires_grad: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        Parameter.__init__(self, empty(0, dtype=dtype, device=device).data, requires_grad)

    def __deepcopy__(self, memo: dict) -> "UninitializedParameter":
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, dtype=self.data.dtype)
        return memo[id(self)]


class UninitializedBuffer(UninitializedTensorMixin, Buffer):
    """A buffer of unknown shape (a lazy norm layer's running statistics before its first
    call). It becomes a ``Buffer``: PyTorch's becomes a plain Tensor that still passes
    ``isinstance(b, Buffer)``."""

    __slots__ = ()
    cls_to_become = Buffer

    def __init__(self, requires_grad: bool = False, device: Any = None, dtype: Any = None,
                 persistent: bool = True) -> None:
        Buffer.__init__(self, Tensor(empty(0, dtype=dtype, device=device).data,
                                     requires_grad), persistent=persistent)

    def __deepcopy__(self, memo: dict) -> "UninitializedBuffer":
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.requires_grad, dtype=self.data.dtype,
                                        persistent=self.persistent)
        return memo[id(self)]


def is_lazy(param: Any) -> bool:
    """Whether ``param`` is an ``UninitializedParameter`` or ``UninitializedBuffer``."""
    return isinstance(param, UninitializedTensorMixin)


def _blocked_names() -> frozenset:
    """Tensor's public methods and operators, less what PyTorch allows and what the
    placeholders define themselves."""
    own = set(vars(UninitializedTensorMixin))
    names = set()
    for cls in (*Tensor.__mro__[:-1], Parameter, Buffer):
        for name, value in vars(cls).items():
            if not callable(value) or name in own or name in _ALLOWED:
                continue
            if not name.startswith("_") or (name.startswith("__")
                                              and name not in _KEPT_DUNDERS):
                names.add(name)
    return frozenset(names)


def _raiser(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
        raise _uninitialized_use(type(self), name)
    method.__name__ = name
    return method


_BLOCKED = _blocked_names()
# Python looks operators (p + 1, p[0], len(p), bool(p)) up on the type, past
# __getattribute__: each gets a raising method on the mixin.
for _name in _BLOCKED:
    if _name.startswith("__"):
        setattr(UninitializedTensorMixin, _name, _raiser(_name))
del _name
