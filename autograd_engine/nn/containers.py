"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict``, ``ParameterList`` and
``ParameterDict``."""
from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Iterator, Mapping, Optional, Union

from ..tensor import Tensor
from .module import Module, Parameter, _indent


def _index(idx: Any, size: int, kind: str) -> int:
    """``idx`` as a non-negative position, IndexError when out of range."""
    idx = operator.index(idx)
    if not -size <= idx < size:
        raise IndexError(f"{kind}: index {idx} is out of range for length {size}")
    return idx % size


def _renumber(container: Module, modules: list) -> None:
    """Re-register ``modules`` under the keys "0".."n-1"."""
    container._modules.clear()
    for i, module in enumerate(modules):
        container.add_module(str(i), module)


def _delete_and_renumber(container: Module, idx: Union[int, slice], kind: str) -> None:
    """``del container[idx]`` for an indexed container: keys become 0..n-1 again."""
    modules = list(container._modules.values())
    if isinstance(idx, slice):
        del modules[idx]
    else:
        del modules[_index(idx, len(modules), kind)]
    _renumber(container, modules)


class Sequential(Module):
    """Modules applied in order: ``forward(x) = m_n(...m_1(x))``."""

    def __init__(self, *args: Any) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (dict, OrderedDict)):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def forward(self, input: Any) -> Any:
        for module in self._modules.values():
            input = module(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: Union[int, slice]) -> Union[Module, "Sequential"]:
        items = list(self._modules.items())
        if isinstance(idx, slice):
            return type(self)(OrderedDict(items[idx]))
        return items[_index(idx, len(items), "Sequential")][1]

    def __setitem__(self, idx: int, module: Module) -> None:
        key = list(self._modules)[_index(idx, len(self), "Sequential")]
        setattr(self, key, module)

    def __delitem__(self, idx: Union[int, slice]) -> None:
        """Remove the module(s) and renumber the keys 0..n-1 (as PyTorch, even named ones)."""
        _delete_and_renumber(self, idx, "Sequential")

    def pop(self, key: Union[int, slice]) -> Union[Module, "Sequential"]:
        """Remove and return ``self[key]``."""
        module = self[key]
        del self[key]
        return module

    def append(self, module: Module) -> "Sequential":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "Sequential":
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> "Sequential":
        """Put ``module`` at ``index`` and renumber (as PyTorch, keys become 0..n-1)."""
        modules = list(self._modules.values())
        n = len(modules)
        if not -n <= index <= n:
            raise IndexError(f"Sequential.insert: index {index} is out of range for length {n}")
        modules.insert(index, module)
        _renumber(self, modules)
        return self

    def __add__(self, other: "Sequential") -> "Sequential":
        """A new ``Sequential`` of self's modules then ``other``'s (the same objects)."""
        _check_sequential(other)
        return Sequential(*self, *other)

    def __iadd__(self, other: "Sequential") -> "Sequential":
        _check_sequential(other)
        return self.extend(list(other))

    def __mul__(self, other: int) -> "Sequential":
        """A new ``Sequential`` repeating self's modules ``other`` times (the same objects,
        so the repeats share parameters)."""
        return Sequential(*(list(self) * _factor(self, other)))

    def __rmul__(self, other: int) -> "Sequential":
        return self.__mul__(other)

    def __imul__(self, other: int) -> "Sequential":
        return self.extend(list(self) * (_factor(self, other) - 1))


def _check_sequential(other: Any) -> None:
    if not isinstance(other, Sequential):
        raise ValueError(f"add operator supports only objects of Sequential class, but "
                         f"{type(other)} is given.")


def _factor(seq: Sequential, other: Any) -> int:
    """A valid repetition count for ``seq * other`` (PyTorch's errors)."""
    if not isinstance(other, int):
        raise TypeError(f"unsupported operand type(s) for *: {type(seq)} and {type(other)}")
    if other <= 0:
        raise ValueError(f"Non-positive multiplication factor {other} for {type(seq)}")
    return other


class ModuleList(Module):
    """A list of modules whose parameters the parent registers; no ``forward`` of its own."""

    def __init__(self, modules: Optional[Iterable[Module]] = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: Union[int, slice]) -> Union[Module, "ModuleList"]:
        values = list(self._modules.values())
        if isinstance(idx, slice):
            return type(self)(values[idx])
        return values[_index(idx, len(values), "ModuleList")]

    def __setitem__(self, idx: int, module: Module) -> None:
        self.add_module(str(_index(idx, len(self), "ModuleList")), module)

    def __delitem__(self, idx: Union[int, slice]) -> None:
        _delete_and_renumber(self, idx, "ModuleList")

    def __iadd__(self, modules: Iterable[Module]) -> "ModuleList":
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> "ModuleList":
        """A new ``ModuleList`` (not a subclass, as PyTorch) of self's modules then
        ``other``'s."""
        return ModuleList(list(self) + list(other))

    def append(self, module: Module) -> "ModuleList":
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> "ModuleList":
        if not isinstance(modules, Iterable):
            raise TypeError(f"ModuleList.extend should be called with an iterable, but got "
                            f"{type(modules).__name__}")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Put ``module`` before ``index`` (as ``list.insert``) and renumber."""
        values = list(self._modules.values())
        values.insert(index, module)
        _renumber(self, values)

    def pop(self, key: Union[int, slice]) -> Union[Module, "ModuleList"]:
        """Remove and return ``self[key]``."""
        module = self[key]
        del self[key]
        return module

    def __repr__(self) -> str:
        """PyTorch's compact form: runs of identical module reprs print once, as
        ``(0-2): 3 x Linear(...)``."""
        if not self._modules:
            return "ModuleList()"
        reprs = [repr(m) for m in self._modules.values()]
        lines = []
        start = 0
        for end in range(1, len(reprs) + 1):
            if end < len(reprs) and reprs[end] == reprs[start]:
                continue
            body = _indent(reprs[start], 2)
            if end - start == 1:
                lines.append(f"({start}): {body}")
            else:
                lines.append(f"({start}-{end - 1}): {end - start} x {body}")
            start = end
        return "ModuleList(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules (insertion ordered) whose parameters the parent registers."""

    def __init__(self, modules: Optional[Union[Mapping[str, Module], Iterable]] = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def keys(self) -> Iterable[str]:
        return self._modules.keys()

    def values(self) -> Iterable[Module]:
        return self._modules.values()

    def items(self) -> Iterable[tuple[str, Module]]:
        return self._modules.items()

    def pop(self, key: str) -> Module:
        return self._modules.pop(key)

    def clear(self) -> None:
        self._modules.clear()

    def update(self, modules: Union[Mapping[str, Module], Iterable]) -> None:
        items = modules.items() if isinstance(modules, Mapping) else modules
        for key, module in items:
            self[key] = module


def _as_parameter(value: Any) -> Parameter:
    """A Parameter as it is; any other tensor wrapped in one (as PyTorch's containers do)."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"parameter containers hold tensors, got '{type(value).__name__}'")


def _parameter_line(key: str, p: Parameter) -> str:
    shape = "x".join(map(str, p.shape)) or "scalar"
    return f"    ({key}): Parameter containing: [{p.dtype} of size {shape}]"


class ParameterList(Module):
    """A list of parameters the parent registers (as ``name.0``, ``name.1``, ...)."""

    def __init__(self, values: Optional[Iterable[Any]] = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())

    def __getitem__(self, idx: Union[int, slice]) -> Union[Parameter, "ParameterList"]:
        values = list(self._parameters.values())
        if isinstance(idx, slice):
            return ParameterList(values[idx])
        return values[_index(idx, len(values), "ParameterList")]

    def __setitem__(self, idx: int, value: Any) -> None:
        self._parameters[str(_index(idx, len(self), "ParameterList"))] = _as_parameter(value)

    def __iadd__(self, values: Iterable[Any]) -> "ParameterList":
        return self.extend(values)

    def append(self, value: Any) -> "ParameterList":
        self._parameters[str(len(self))] = _as_parameter(value)
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        for value in values:
            self.append(value)
        return self

    def __repr__(self) -> str:
        lines = [_parameter_line(k, p) for k, p in self._parameters.items()]
        return "ParameterList(\n" + "\n".join(lines) + "\n)" if lines else "ParameterList()"


class ParameterDict(Module):
    """A dict of parameters (insertion ordered) the parent registers as ``name.key``."""

    def __init__(self, parameters: Optional[Union[Mapping[str, Any], Iterable]] = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str) -> Parameter:
        return self._parameters[key]

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys must be strings, got '{type(key).__name__}'")
        self._parameters[key] = _as_parameter(value)

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def keys(self) -> Iterable[str]:
        return self._parameters.keys()

    def values(self) -> Iterable[Parameter]:
        return self._parameters.values()

    def items(self) -> Iterable[tuple]:
        return self._parameters.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        return self._parameters.pop(key)

    def clear(self) -> None:
        self._parameters.clear()

    def update(self, parameters: Union[Mapping[str, Any], Iterable]) -> None:
        items = parameters.items() if isinstance(parameters, Mapping) else parameters
        for key, value in items:
            self[key] = value

    def __repr__(self) -> str:
        lines = [_parameter_line(k, p) for k, p in self._parameters.items()]
        return "ParameterDict(\n" + "\n".join(lines) + "\n)" if lines else "ParameterDict()"

