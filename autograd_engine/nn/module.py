"""``Module`` and ``Parameter``: PyTorch's container of parameters, buffers and submodules.

Parameters, buffers and submodules assigned as attributes are kept in the ``_parameters``,
``_buffers`` and ``_modules`` dicts (registration order is iteration order) and found by
``__getattr__``, which Python calls only when normal attribute lookup fails.
"""
from __future__ import annotations

import itertools
import warnings
from collections import OrderedDict, namedtuple
from typing import Any, Callable, Iterator, Mapping, Optional

import numpy as np

from ..custom import Function
from ..devices import check_cpu, is_device
from ..dtypes import get_default_dtype
from ..grad_mode import no_grad
from ..tensor import Tensor
from .buffer import Buffer


class Parameter(Tensor):
    """A leaf tensor that a ``Module`` registers when assigned as an attribute."""

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty(0, get_default_dtype())
        elif isinstance(data, Tensor):
            array = data.data
        else:
            array = np.asarray(data)
        if requires_grad and array.dtype.kind != "f":
            raise TypeError(f"Parameter: only floating point tensors can require gradients, "
                            f"got dtype {array.dtype}")
        super().__init__(array, bool(requires_grad))
        if isinstance(data, Tensor):  # shares the data, so it shares the version counter
            if data._vc is None:
                data._vc = [0]
            self._vc = data._vc

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo: dict) -> "Parameter":
        """A new Parameter with a copy of the data; as PyTorch's, without ``.grad``."""
        new = type(self)(self.data.copy(), self.requires_grad)
        memo[id(self)] = new
        return new


class _IncompatibleKeys(namedtuple("_IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()


class RemovableHandle:
    """Returned by the ``register_*_hook`` methods; ``remove()`` unregisters the hook."""

    _next_id = itertools.count()

    def __init__(self, hooks: dict, extra: Optional[dict] = None) -> None:
        self.id = next(RemovableHandle._next_id)
        self._hooks = hooks
        self._extra = extra

    def remove(self) -> None:
        self._hooks.pop(self.id, None)
        if self._extra is not None:
            self._extra.pop(self.id, None)

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()


class Module:
    """Base class of every layer: ``forward`` computes, ``__call__`` runs it with hooks."""

    training: bool

    def __init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", OrderedDict())
        set_(self, "_buffers", OrderedDict())
        set_(self, "_non_persistent_buffers", set())
        set_(self, "_modules", OrderedDict())
        set_(self, "_forward_pre_hooks", OrderedDict())
        set_(self, "_forward_hooks", OrderedDict())
        set_(self, "_backward_pre_hooks", OrderedDict())
        set_(self, "_backward_hooks", OrderedDict())
        set_(self, "_hooks_with_kwargs", {})

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    # -- calling -------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_hooks
                or self._backward_pre_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
        with_kwargs = self._hooks_with_kwargs
        for hid, hook in list(self._forward_pre_hooks.items()):
            if hid in with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        state = None
        if self._backward_hooks or self._backward_pre_hooks:
            state = _BackwardHookState(self)
            args = state.wrap_inputs(args)
        output = self.forward(*args, **kwargs)
        for hid, hook in list(self._forward_hooks.items()):
            result = hook(self, args, kwargs, output) if hid in with_kwargs else \
                hook(self, args, output)
            if result is not None:
                output = result
        if state is not None:
            output = state.wrap_outputs(output)
        return output

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False,
                                  with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args)`` before ``forward``; a returned value replaces ``args``."""
        return self._add_hook(self._forward_pre_hooks, hook, prepend, with_kwargs)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False,
                              with_kwargs: bool = False) -> RemovableHandle:
        """``hook(module, args, output)`` after ``forward``; a returned value replaces it."""
        return self._add_hook(self._forward_hooks, hook, prepend, with_kwargs)

    def register_full_backward_pre_hook(self, hook: Callable, *,
                                        prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_output)`` when the gradients w.r.t. the outputs are known;
        a returned tuple replaces ``grad_output``."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend, False)

    def register_full_backward_hook(self, hook: Callable, *,
                                    prepend: bool = False) -> RemovableHandle:
        """``hook(module, grad_input, grad_output)`` once the gradients w.r.t. the module's
        tensor inputs are computed; a returned tuple replaces ``grad_input``."""
        return self._add_hook(self._backward_hooks, hook, prepend, False)

    def _add_hook(self, hooks: OrderedDict, hook: Callable, prepend: bool,
                  with_kwargs: bool) -> RemovableHandle:
        handle = RemovableHandle(hooks, self._hooks_with_kwargs)
        hooks[handle.id] = hook
        if with_kwargs:
            self._hooks_with_kwargs[handle.id] = True
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    # -- registration --------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._remove_from(name, self.__dict__, self._buffers, self._modules)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter "
                                f"'{name}' (Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._remove_from(name, self.__dict__, params, self._buffers)
            self._modules[name] = value
        elif params is not None and name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (Module or None expected)")
            self._modules[name] = None
        elif isinstance(value, Buffer) or (params is not None and name in self._buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(Buffer, Tensor or None expected)")
            persistent = value.persistent if isinstance(value, Buffer) else \
                name not in self._non_persistent_buffers
            self.register_buffer(name, value, persistent)
        else:
            object.__setattr__(self, name, value)

    @staticmethod
    def _remove_from(name: str, *dicts: dict) -> None:
        for d in dicts:
            d.pop(name, None)

    def __getattr__(self, name: str) -> Any:
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            items = d.get(store)
            if items is not None and name in items:
                return items[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self._non_persistent_buffers.discard(name)
                return
        object.__delattr__(self, name)

    def _check_new_name(self, name: Any, kind: str) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f"{kind} name can't contain \".\", got: {name}")
        if name == "":
            raise KeyError(f"{kind} name can't be empty string \"\"")
        if hasattr(self, name) and name not in getattr(self, f"_{kind}s", {}):
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Add ``param`` (a ``Parameter`` or None) under ``name``."""
        self._check_new_name(name, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                             "parameters must be created explicitly.")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor],
                        persistent: bool = True) -> None:
        """Add a non-trainable tensor (saved in ``state_dict`` when ``persistent``)."""
        self._check_new_name(name, "buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer "
                            f"'{name}' (Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)

    def add_module(self, name: str, module: Optional["Module"]) -> None:
        """Add a child module under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name(name, "module")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> "Module":
        """The submodule at dotted path ``target`` ("" is self)."""
        module = self
        for item in target.split(".") if target else ():
            if item not in module._modules:
                raise AttributeError(f"{type(module).__name__} has no attribute `{item}`")
            module = module._modules[item]
        return module

    def get_parameter(self, target: str) -> Parameter:
        path, _, name = target.rpartition(".")
        module = self.get_submodule(path)
        if name not in module._parameters:
            raise AttributeError(f"{type(module).__name__} has no parameter `{name}`")
        return module._parameters[name]

    # -- traversal -----------------------------------------------------------------------
    def named_modules(self, memo: Optional[set] = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, "Module"]]:
        """(dotted name, module) for self and every descendant, depth first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator["Module"]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator["Module"]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, get: Callable, prefix: str, recurse: bool,
                       remove_duplicate: bool) -> Iterator[tuple[str, Any]]:
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        seen = set()
        for module_prefix, module in modules:
            for name, value in get(module):
                if value is None or (remove_duplicate and value in seen):
                    continue
                seen.add(value)
                yield module_prefix + ("." if module_prefix else "") + name, value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, parameter), each shared parameter once."""
        return self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                   remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                   remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    # -- modes and gradients -------------------------------------------------------------
    def train(self, mode: bool = True) -> "Module":
        """Set training mode on self and all descendants."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> "Module":
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad`` (to None by default, else to zeros)."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
                continue
            grad = param.grad
            if grad.grad_fn is not None:
                grad.detach_()
            else:
                grad.requires_grad = False
            with no_grad():
                grad.zero_()

    def apply(self, fn: Callable[["Module"], Any]) -> "Module":
        """Call ``fn`` on every descendant (children first), then on self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- dtype conversion ----------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> "Module":
        """Cast floating point parameters and buffers in place; the CPU is the only device."""
        dtype, device = kwargs.get("dtype"), kwargs.get("device")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif is_device(a):
                device = a
            elif a is not None:
                dtype = a
        check_cpu(device, "Module.to")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Module.to only accepts floating point dtypes, but got "
                            f"desired dtype={dtype}")
        return self._cast(dtype)

    def float(self) -> "Module":
        return self._cast(np.dtype(np.float32))

    def double(self) -> "Module":
        return self._cast(np.dtype(np.float64))

    def half(self) -> "Module":
        return self._cast(np.dtype(np.float16))

    def cpu(self) -> "Module":
        return self

    def cuda(self, device: Any = None) -> "Module":
        check_cpu("cuda", "Module.cuda")
        return self

    def _cast(self, dtype: np.dtype) -> "Module":
        """Change dtype in place, keeping each Parameter object (optimizers hold them)."""
        for module in self.modules():
            for t in itertools.chain(module._parameters.values(), module._buffers.values()):
                if t is None or t.data.dtype.kind != "f" or t.data.dtype == dtype:
                    continue
                t.data = t.data.astype(dtype)
                if t.grad is not None:
                    t.grad = Tensor(t.grad.data.astype(dtype))
        return self

    # -- state dict ----------------------------------------------------------------------
    def _state_items(self) -> Iterator[tuple[str, Tensor]]:
        yield from ((n, p) for n, p in self._parameters.items() if p is not None)
        yield from ((n, b) for n, b in self._buffers.items()
                    if b is not None and n not in self._non_persistent_buffers)

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        """This module's own entries of ``state_dict`` (lazy modules keep placeholders)."""
        for name, t in self._state_items():
            destination[prefix + name] = t if keep_vars else t.detach()

    def state_dict(self, destination: Optional[dict] = None, prefix: str = "",
                   keep_vars: bool = False) -> "OrderedDict[str, Tensor]":
        """Parameters and persistent buffers by dotted name (detached unless ``keep_vars``).
        A submodule registered under several names appears under each, as in PyTorch."""
        out = OrderedDict() if destination is None else destination
        for module_prefix, module in self.named_modules(prefix=prefix.rstrip("."),
                                                        remove_duplicate=False):
            module._save_to_state_dict(out, module_prefix + ("." if module_prefix else ""),
                                       keep_vars)
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> _IncompatibleKeys:
        """Copy values into parameters and buffers (cast to their dtypes).

        Shape mismatches always raise; missing or unexpected keys raise when ``strict``.
        Returns ``(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got "
                            f"{type(state_dict).__name__}.")
        state_dict = OrderedDict(state_dict)  # the caller's dict is not changed
        for module_prefix, module in self.named_modules(remove_duplicate=False):
            module._upgrade_state_dict(state_dict, module_prefix + "." if module_prefix else "")
        expected = self.state_dict(keep_vars=True)
        missing = [k for k in expected if k not in state_dict]
        unexpected = [k for k in state_dict if k not in expected]
        errors = []
        if strict:
            if missing:
                errors.append("Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
        updates = []
        for key, target in expected.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            array = _as_array(value)
            if array is None:
                errors.append(f'While copying the parameter named "{key}", expected Tensor '
                              f'or array from checkpoint but received {type(value).__name__}')
            elif array.shape != target.data.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{tuple(array.shape)} from checkpoint, the shape in current "
                              f"model is {tuple(target.data.shape)}.")
            else:
                updates.append((key, target, array))
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:"
                               "\n\t" + "\n\t".join(errors))
        with no_grad():
            for key, target, array in updates:
                if assign:
                    self._assign(key, target, array)
                else:
                    target.copy_(array)
        return _IncompatibleKeys(missing, unexpected)

    def _upgrade_state_dict(self, state_dict: dict, prefix: str) -> None:
        """Fill in entries (keys starting with ``prefix``) that checkpoints of an older form of
        this module lack; PyTorch's ``_load_from_state_dict`` does this. Nothing by default."""

    def _assign(self, key: str, target: Tensor, array: np.ndarray) -> None:
        """``assign=True``: take the checkpoint's array (keeping the Parameter object)."""
        target.data = array
        target._bump_version()

    # -- printing ------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """One line of the module's own settings, shown inside its ``repr``."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        lines = []
        extra = self.extra_repr()
        if extra:
            lines.extend(extra.split("\n"))
        for name, module in self._modules.items():
            body = _indent(repr(module), 2)
            lines.append(f"({name}): {body}")
        main = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __dir__(self) -> list:
        keys = list(super().__dir__()) + list(self._parameters) + list(self._buffers) \
            + list(self._modules)
        return sorted(k for k in set(keys) if not k[0].isdigit())


def _as_array(value: Any) -> Optional[np.ndarray]:
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (np.ndarray, np.generic, int, float, bool)):
        return np.asarray(value)
    return None


def _indent(text: str, spaces: int) -> str:
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * spaces
    return lines[0] + "\n" + "\n".join(pad + line for line in lines[1:])


# -- full backward hooks ---------------------------------------------------------------------
class _BackwardHookState:
    """One call of a module with backward hooks: routes the gradients w.r.t. its outputs and
    inputs (each captured by an identity op wrapped around them) to the hooks.

    As PyTorch's: ``grad_input`` has one entry per positional argument and ``grad_output`` one
    per output (None for non-tensors and for outputs that got no gradient), and the hooks
    fire only once gradients w.r.t. the outputs have come."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.input_mask = ()  # per positional argument: does it require grad?
        self.input_meta = ()  # ... (shape, dtype) when it is a tensor, else None
        self.n_outputs = 0
        self.grad_positions = []  # the outputs that require grad
        self.grad_output = None  # set while a backward pass is between outputs and inputs

    def wrap_inputs(self, args: tuple) -> tuple:
        self.input_mask = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        self.input_meta = tuple((a.data.shape, a.data.dtype) if isinstance(a, Tensor) else None
                                for a in args)
        grad_positions = [i for i, m in enumerate(self.input_mask) if m]
        if not grad_positions:
            return args
        wrapped = _BackwardHookFunction.apply(self, "input", *(args[i] for i in grad_positions))
        if not isinstance(wrapped, tuple):
            wrapped = (wrapped,)
        args = list(args)
        for i, t in zip(grad_positions, wrapped):
            args[i] = t
        return tuple(args)

    def wrap_outputs(self, output: Any) -> Any:
        single = isinstance(output, Tensor)
        outs = (output,) if single else output
        if not isinstance(outs, tuple):
            return output
        self.n_outputs = len(outs)
        self.grad_positions = [i for i, o in enumerate(outs)
                               if isinstance(o, Tensor) and o.requires_grad]
        positions = self.grad_positions
        if not positions:
            return output
        wrapped = _BackwardHookFunction.apply(self, "output", *(outs[i] for i in positions))
        if not isinstance(wrapped, tuple):
            wrapped = (wrapped,)
        outs = list(outs)
        for i, t in zip(positions, wrapped):
            outs[i] = t
        return outs[0] if single else tuple(outs)

    def on_grad_output(self, grads: tuple) -> tuple:
        """Gradients w.r.t. the outputs arrive: run pre hooks (which may replace them)."""
        by_position = dict(zip(self.grad_positions, grads))
        grad_output = tuple(by_position.get(i) for i in range(self.n_outputs))
        for hook in list(self.module._backward_pre_hooks.values()):
            result = hook(self.module, grad_output)
            if result is not None:
                grad_output = _checked_grads(result, grad_output, "Backward pre hook",
                                             "grad_output")
        self.grad_output = grad_output
        if not any(self.input_mask):  # no input gradient will come: call the hooks now
            self._run_hooks_without_inputs()
        return tuple(grad_output[i] for i in self.grad_positions)

    def _run_hooks_without_inputs(self) -> None:
        warnings.warn("Full backward hook is firing when gradients are computed with respect "
                      "to module outputs since no inputs require gradients.", stacklevel=2)
        grad_input = (None,) * len(self.input_mask)
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None and not (isinstance(result, tuple)
                                           and all(g is None for g in result)):
                raise RuntimeError("Backward hook for Modules where no input requires gradient "
                                   "should always return None or None for all gradients.")
        self.grad_output = None

    def on_grad_input(self, grads: tuple) -> tuple:
        """Gradients w.r.t. the inputs arrive: run the hooks (which may replace them)."""
        if self.grad_output is None:  # the gradient did not come through the outputs
            return grads
        it = iter(grads)
        # PyTorch routes every tensor argument through its hook op, so once any requires
        # grad, those that do not get zeros rather than None.
        grad_input = tuple(next(it) if m else None if meta is None else Tensor(np.zeros(*meta))
                           for m, meta in zip(self.input_mask, self.input_meta))
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                grad_input = _checked_grads(result, grad_input, "Backward hook", "grad_input")
        self.grad_output = None
        return tuple(g for g, m in zip(grad_input, self.input_mask) if m)


def _checked_grads(result: Any, previous: tuple, kind: str, what: str) -> tuple:
    result = (result,) if isinstance(result, Tensor) else tuple(result)
    if len(result) != len(previous):
        raise RuntimeError(f"{kind} returned an invalid number of {what}, got {len(result)}, "
                           f"but expected {len(previous)}")
    return result


class _BackwardHookFunction(Function):
    """Identity on tensors; its backward hands the incoming gradients to the module's hooks."""

    @staticmethod
    def forward(ctx, state, side, *tensors):
        ctx.state = state
        ctx.side = side
        if side == "output":  # an output that got no gradient reaches the hooks as None
            ctx.set_materialize_grads(False)
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        if ctx.side == "output":
            grads = ctx.state.on_grad_output(grads)
        else:
            grads = ctx.state.on_grad_input(grads)
        return (None, None) + tuple(grads)
