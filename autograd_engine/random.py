"""Random generators: ``Generator`` (PyTorch's ``torch.Generator`` over a numpy PCG64
stream) and the library's default one, which every draw without ``generator=`` uses (init,
dropout, randn, shuffling); ``manual_seed``, ``seed``, ``initial_seed`` and
``get_rng_state`` / ``set_rng_state`` act on it.

A state is a 1-D uint8 Tensor of ``STATE_BYTES`` bytes, little-endian: PCG64's 128-bit state
and increment, its buffered 32-bit half (flag and value) and the initial seed, so that
``set_state(get_state())`` reproduces the following draws and ``initial_seed()``.
"""
from __future__ import annotations

import secrets
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import numpy as np

from . import devices as _devices

_DEFAULT_SEED = 67280421310721  # PyTorch's seed of a new torch.Generator()
_SEED_RANGE = (-2 ** 63, 2 ** 64 - 1)
_FIELDS = (("state", 16), ("inc", 16), ("has_uint32", 4), ("uinteger", 4), ("seed", 8))
STATE_BYTES = sum(n for _, n in _FIELDS)


def _seed_value(seed: Any) -> int:
    """PyTorch's seed conversion: any int in [-2**63, 2**64); negatives wrap modulo 2**64."""
    try:
        value = int(seed)
    except (TypeError, ValueError):
        raise TypeError(f"manual_seed: expected an int seed, got {type(seed).__name__}") \
            from None
    if not _SEED_RANGE[0] <= value <= _SEED_RANGE[1]:
        raise ValueError(f"manual_seed: Overflow when unpacking long long: seed {value} is "
                         f"outside [-2**63, 2**64)")
    return value % 2 ** 64


class Generator:
    """A random stream: ``Generator(device='cpu')``, seeded with PyTorch's default seed
    until ``manual_seed`` or ``seed`` is called. Pass it as ``generator=`` to the ops that
    draw (rand, randn, randint, randperm, multinomial, normal, bernoulli, poisson, the
    in-place fills, samplers, ``DataLoader``, ``random_split``)."""

    __slots__ = ("_rng", "_seed")

    def __init__(self, device: Any = "cpu") -> None:
        _devices.check_cpu(device, "Generator")
        self.manual_seed(_DEFAULT_SEED)

    @property
    def device(self) -> "_devices.device":
        return _devices.CPU

    def manual_seed(self, seed: Any) -> "Generator":
        """Restart the stream from ``seed``; returns self."""
        self._seed = _seed_value(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from the operating system's entropy; returns the new seed."""
        value = secrets.randbits(64)
        self.manual_seed(value)
        return value

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Any:
        """The state as a uint8 Tensor (see the module docstring)."""
        from .tensor import Tensor
        bits = self._rng.bit_generator.state
        values = dict(bits["state"], has_uint32=bits["has_uint32"],
                      uinteger=bits["uinteger"], seed=self._seed)
        raw = b"".join(int(values[name]).to_bytes(size, "little") for name, size in _FIELDS)
        return Tensor(np.frombuffer(raw, np.uint8).copy())

    def set_state(self, new_state: Any) -> "Generator":
        """Restore a state from ``get_state``; returns self."""
        from .tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"set_state: expected a uint8 Tensor (torch.ByteTensor), but got "
                            f"{type(new_state).__name__}")
        if new_state.dtype != np.uint8:
            raise TypeError(f"set_state: RNG state must be a uint8 Tensor (torch.ByteTensor), "
                            f"got dtype {new_state.dtype}")
        if new_state.data.size != STATE_BYTES:
            raise RuntimeError(f"set_state: expected a state of {STATE_BYTES} bytes but found "
                               f"the input RNG state size to be {new_state.data.size}")
        raw, values, start = new_state.data.tobytes(), {}, 0
        for name, size in _FIELDS:
            values[name] = int.from_bytes(raw[start:start + size], "little")
            start += size
        rng = np.random.default_rng()
        rng.bit_generator.state = {
            "bit_generator": "PCG64",
            "state": {"state": values["state"], "inc": values["inc"]},
            "has_uint32": values["has_uint32"], "uinteger": values["uinteger"]}
        self._rng, self._seed = rng, values["seed"]
        return self

    def __repr__(self) -> str:
        return f"<autograd_engine.Generator object at {id(self):#x}>"


default_generator = Generator()
default_generator.seed()  # a fresh process draws differently each run, as PyTorch's
_forbidden: Optional[str] = None  # set inside vmap(randomness="error"): the error to raise


def manual_seed(seed: Any) -> Generator:
    """Make every later draw of the default generator reproducible; returns it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Reseed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state() -> Any:
    """The default generator's state (a uint8 Tensor)."""
    return default_generator.get_state()


def set_rng_state(new_state: Any) -> None:
    """Restore the default generator's state from ``get_rng_state``."""
    default_generator.set_state(new_state)


def generator() -> np.random.Generator:
    """The default generator's numpy stream (re-read on each use, so ``manual_seed`` and
    ``set_rng_state`` take effect)."""
    return rng(None)


def rng(gen: Any = None, op: str = "generator") -> np.random.Generator:
    """The numpy stream to draw from: ``gen``'s (a ``Generator`` or a numpy Generator),
    else the default one. Raises inside ``forbidden``."""
    if _forbidden is not None:
        raise RuntimeError(_forbidden)
    if gen is None:
        return default_generator._rng
    if isinstance(gen, Generator):
        return gen._rng
    if isinstance(gen, np.random.Generator):
        return gen
    raise TypeError(f"{op}(): argument 'generator' must be autograd_engine.Generator, not "
                    f"{type(gen).__name__}")


@contextmanager
def forbidden(message: str) -> Iterator[None]:
    """Random draws raise RuntimeError(message) inside the block."""
    global _forbidden
    previous, _forbidden = _forbidden, message
    try:
        yield
    finally:
        _forbidden = previous
