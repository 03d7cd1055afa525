"""``save`` / ``load``: state dicts in a numpy ``.npz`` container, never pickled.

The container holds a ``structure`` member (UTF-8 JSON as a uint8 array) describing the
nested dicts / lists / tuples / scalars / strings, and one ``aN`` member per tensor or array.
Loading validates every zip entry and ``.npy`` header against the sizes actually present
before reading, and rejects object arrays, so a hostile file costs neither code execution
nor a huge allocation: it raises ``ValueError``.
"""
from __future__ import annotations

import io
import json
import os
import re
import struct
import tokenize
import zipfile
from typing import Any, BinaryIO, Union

import numpy as np

from .tensor import Tensor

_FORMAT = "autograd_engine"
_VERSION = 1
_STRUCTURE = "structure"
_ARRAY_NAME = re.compile(r"a\d+")
_ALLOWED_KINDS = "biufc"  # bool, ints, floats, complex: never objects, strings or voids

PathOrFile = Union[str, os.PathLike, BinaryIO]

# --- save ----------------------------------------------------------------------------------


class _Encoder:
    """Turns an object tree into JSON-ready nodes, collecting arrays (a tensor referenced twice
    is stored once and loads as one tensor)."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}
        self._names: dict[int, str] = {}

    def _array(self, obj: Any, data: np.ndarray) -> str:
        name = self._names.get(id(obj))
        if name is None:
            if data.dtype.kind not in _ALLOWED_KINDS:
                raise TypeError(f"save: cannot store an array of dtype {data.dtype} "
                                "(only bool, integer, float and complex arrays)")
            name = f"a{len(self.arrays)}"
            self._names[id(obj)] = name
            self.arrays[name] = data if data.flags.c_contiguous else data.copy(order="C")
        return name

    def encode(self, obj: Any) -> Any:
        if isinstance(obj, np.generic):  # first: np.float64 is also a Python float
            return {"t": "npscalar", "a": self._array(obj, np.asarray(obj))}
        if obj is None or isinstance(obj, (bool, str)):
            return {"t": "v", "v": obj}
        if isinstance(obj, int):
            return {"t": "int", "v": str(obj)}
        if isinstance(obj, float):
            return {"t": "float", "v": repr(obj)}  # repr round-trips, including inf and nan
        if isinstance(obj, Tensor):
            if hasattr(type(obj), "materialize"):  # a lazy module's placeholder
                raise ValueError("save: cannot store an uninitialized parameter or buffer of "
                                 "a lazy module (its shape is unknown): run a forward pass "
                                 "first")
            return {"t": "tensor", "a": self._array(obj, obj.data), "grad": obj.requires_grad}
        if isinstance(obj, np.ndarray):
            return {"t": "ndarray", "a": self._array(obj, obj)}
        if isinstance(obj, dict):
            return {"t": "dict", "v": [[self._key(k), self.encode(v)] for k, v in obj.items()]}
        if isinstance(obj, (list, tuple)):
            return {"t": type(obj).__name__, "v": [self.encode(v) for v in obj]}
        raise TypeError(f"save: cannot store an object of type {type(obj).__name__} (supported: "
                        "dict, list, tuple, None, bool, int, float, str, Tensor, numpy array)")

    @staticmethod
    def _key(key: Any) -> Any:
        if isinstance(key, str):
            return key
        if isinstance(key, int) and not isinstance(key, bool):
            return {"int": str(key)}
        raise TypeError(f"save: dict keys must be str or int, got {type(key).__name__}")


def save(obj: Any, f: PathOrFile) -> None:
    """Write ``obj`` (nested dicts with str/int keys, lists, tuples, None, bools, numbers,
    strings, tensors, numpy arrays) to exactly the path ``f`` (or a binary file object)."""
    encoder = _Encoder()
    root = encoder.encode(obj)
    header = json.dumps({"format": _FORMAT, "version": _VERSION, "root": root})
    members = {_STRUCTURE: np.frombuffer(header.encode("utf-8"), dtype=np.uint8)}
    members.update(encoder.arrays)
    if hasattr(f, "write"):
        np.savez(f, **members)
    else:
        with _open_for_writing(f) as fh:  # a file object: np.savez would add ".npz" to a path
            np.savez(fh, **members)


def _open_for_writing(path: Union[str, os.PathLike]) -> BinaryIO:
    """``open(path, "wb")`` raising PyTorch's ``RuntimeError`` (naming the path) when the file
    cannot be created, e.g. in a directory that does not exist."""
    parent = os.path.dirname(os.fspath(path))
    if parent and not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    try:
        return open(path, "wb")
    except OSError as exc:
        raise RuntimeError(f"save: cannot open {os.fspath(path)} for writing: "
                           f"{exc.strerror or exc}") from exc


# --- load ----------------------------------------------------------------------------------


def _bad(f: Any, why: str) -> ValueError:
    where = f if isinstance(f, (str, os.PathLike)) else "file object"
    return ValueError(f"load: {where!s} is not a valid autograd_engine file ({why})")


def _file_size(fh: BinaryIO) -> int:
    position = fh.tell()
    size = fh.seek(0, io.SEEK_END)
    fh.seek(position)
    return size


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """One ``.npy`` member, after checking its header against the bytes actually stored."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise ValueError(f"unsupported .npy version {version}")
        if dtype.hasobject or dtype.kind not in _ALLOWED_KINDS:
            raise ValueError(f"member {info.filename!r} has dtype {dtype}: object and non-"
                             "numeric arrays are refused")
        count = 1
        for n in shape:
            count *= n
        nbytes = count * dtype.itemsize
        if nbytes != info.file_size - member.tell():
            raise ValueError(f"member {info.filename!r} promises {nbytes} bytes of data for "
                             f"shape {shape} but holds {info.file_size - member.tell()}")
        data = member.read(nbytes)
    if len(data) != nbytes:
        raise ValueError(f"member {info.filename!r} is truncated")
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return array.copy()  # writeable, C-contiguous, owns its memory


def _read_archive(fh: BinaryIO) -> dict[str, np.ndarray]:
    size = _file_size(fh)
    with zipfile.ZipFile(fh) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if f"{_STRUCTURE}.npy" not in names:
            raise ValueError("no structure member: not written by autograd_engine.save")
        if len(names) != len(infos):
            raise ValueError("duplicate member names")
        for info in infos:
            stem = info.filename[:-4] if info.filename.endswith(".npy") else None
            if stem is None or not (stem == _STRUCTURE or _ARRAY_NAME.fullmatch(stem)):
                raise ValueError(f"unexpected member {info.filename!r}")
            if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
                raise ValueError(f"member {info.filename!r} is compressed")
            if info.flag_bits & 0x1:
                raise ValueError(f"member {info.filename!r} is encrypted")
            if info.header_offset + info.file_size > size:
                raise ValueError(f"member {info.filename!r} declares {info.file_size} bytes, "
                                 f"more than the file's {size}")
        return {info.filename[:-4]: _read_member(archive, info) for info in infos}


class _Decoder:
    """Rebuilds the object tree from JSON nodes and the archive's arrays."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self._tensors: dict[str, Tensor] = {}

    def _array(self, node: dict) -> np.ndarray:
        name = node["a"]
        if not isinstance(name, str) or name not in self.arrays or name == _STRUCTURE:
            raise ValueError(f"reference to a missing array {name!r}")
        return self.arrays[name]

    def decode(self, node: Any) -> Any:
        if not isinstance(node, dict) or "t" not in node:
            raise ValueError("malformed structure node")
        kind = node["t"]
        if kind == "v" and (node["v"] is None or isinstance(node["v"], (bool, str))):
            return node["v"]
        if kind in ("int", "float") and isinstance(node["v"], str):
            return int(node["v"]) if kind == "int" else float(node["v"])
        if kind == "tensor":
            name = node["a"]
            if name not in self._tensors:
                self._tensors[name] = Tensor(self._array(node), requires_grad=bool(node["grad"]))
            return self._tensors[name]
        if kind == "ndarray":
            return self._array(node)
        if kind == "npscalar":
            return self._array(node)[()]
        if kind == "dict" and isinstance(node["v"], list):
            return {self._key(k): self.decode(v) for k, v in node["v"]}
        if kind in ("list", "tuple") and isinstance(node["v"], list):
            items = [self.decode(v) for v in node["v"]]
            return items if kind == "list" else tuple(items)
        raise ValueError(f"unknown structure node {kind!r}")

    @staticmethod
    def _key(key: Any) -> Any:
        if isinstance(key, str):
            return key
        if isinstance(key, dict) and isinstance(key.get("int"), str):
            return int(key["int"])
        raise ValueError("malformed dict key")


def load(f: PathOrFile) -> Any:
    """Read what ``save`` wrote: tensors come back as tensors, arrays as arrays, containers
    and scalars intact. Missing file: ``FileNotFoundError``; anything else not written by
    ``save`` (truncated, foreign, pickled, object arrays): ``ValueError``. Never runs code."""
    if not hasattr(f, "read"):
        with open(f, "rb") as fh:  # (a missing file raises here, as FileNotFoundError)
            return _load(fh, f)
    return _load(f, f)


def _load(fh: Any, f: PathOrFile) -> Any:
    try:
        arrays = _read_archive(fh)
        structure = arrays.pop(_STRUCTURE)
        if structure.dtype != np.uint8 or structure.ndim != 1:
            raise ValueError("structure member is not a byte string")
        header = json.loads(structure.tobytes().decode("utf-8"))
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise ValueError("missing format tag")
        if header.get("version") != _VERSION:
            raise ValueError(f"unsupported format version {header.get('version')!r}")
        return _Decoder(arrays).decode(header["root"])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeDecodeError, KeyError,
            TypeError, RecursionError, NotImplementedError, OverflowError, SyntaxError,
            tokenize.TokenError, struct.error,
            OSError) as exc:  # whatever a corrupt header triggers (OSError: a negative seek)
        raise _bad(f, f"{type(exc).__name__}: {exc}") from None
    except ValueError as exc:
        raise _bad(f, str(exc)) from None
