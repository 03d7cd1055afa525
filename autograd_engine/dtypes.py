"""Dtypes as PyTorch sees them: the default float dtype (``get_default_dtype`` /
``set_default_dtype``), ``finfo`` / ``iinfo``, and the category-based promotion of
``promote_types`` and ``can_cast`` (bool < integers < floats: a higher category wins, and a
cast may not go down one). Dtypes are numpy's (``autograd_engine.float32`` is
``numpy.float32``)."""
from __future__ import annotations

from typing import Any

import numpy as np

_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_default = np.dtype(np.float32)


def as_dtype(value: Any, op: str, arg: str = "type") -> np.dtype:
    """``value`` as a numpy dtype; a TypeError unless it is one (or a numpy scalar type)."""
    if isinstance(value, np.dtype):
        return value
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value)
    raise TypeError(f"{op}(): argument '{arg}' must be a dtype (such as "
                    f"autograd_engine.float32), not {type(value).__name__}")


def get_default_dtype() -> np.dtype:
    """The dtype of Python floats and of float factories without ``dtype=`` (float32 until
    ``set_default_dtype``)."""
    return _default


def set_default_dtype(d: Any) -> None:
    """Make ``d`` (float16, float32 or float64) the default float dtype, process-wide."""
    global _default
    try:
        dtype = as_dtype(d, "set_default_dtype", "d")
    except TypeError:
        dtype = None
    if dtype is None or dtype not in _FLOATS:  # (numpy reads None as float64)
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the "
                        f"default type, got {d!r}")
    _default = dtype


def _category(dtype: np.dtype, op: str) -> int:
    category = _CATEGORY.get(dtype.kind)
    if category is None:
        raise TypeError(f"{op}: unsupported dtype {dtype}")
    return category


def promote_types(type1: Any, type2: Any) -> np.dtype:
    """The smallest dtype both promote to: the higher category's dtype, or within one
    category numpy's promotion (uint8 with int8 gives int16)."""
    a = as_dtype(type1, "promote_types", "type1")
    b = as_dtype(type2, "promote_types", "type2")
    ca, cb = _category(a, "promote_types"), _category(b, "promote_types")
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def can_cast(from_: Any, to: Any) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` -> ``to``: any cast within a
    category or up one, none down (float -> int, int -> bool)."""
    a = as_dtype(from_, "can_cast", "from_")
    b = as_dtype(to, "can_cast", "to")
    return _category(a, "can_cast") <= _category(b, "can_cast")


class finfo:  # noqa: N801 - PyTorch's spelling
    """Machine limits of a float dtype (the default dtype when none is given): ``bits,
    eps, max, min, tiny`` (= ``smallest_normal``), ``resolution``, ``dtype`` (its name)."""

    def __init__(self, type: Any = None) -> None:  # noqa: A002 - PyTorch's name
        dtype = _default if type is None else as_dtype(type, "finfo")
        if dtype.kind != "f":
            raise TypeError(f"finfo() requires a floating point input type, got {dtype}; "
                            "use iinfo to handle integer types")
        info = np.finfo(dtype)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = dtype.name

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - PyTorch's spelling
    """Limits of an integer dtype: ``bits, max, min, dtype`` (its name); bool is refused."""

    def __init__(self, type: Any) -> None:  # noqa: A002 - PyTorch's name
        dtype = as_dtype(type, "iinfo")
        if dtype.kind not in "iu":
            raise TypeError(f"iinfo() requires an integer input type, got {dtype}"
                            + ("" if dtype.kind == "b" else "; use finfo to handle float "
                               "types"))
        info = np.iinfo(dtype)
        self.bits = int(info.bits)
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = dtype.name

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
