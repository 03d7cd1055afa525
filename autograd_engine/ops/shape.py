"""Shape ops: views and copies that move elements without arithmetic."""
from __future__ import annotations

import functools
import inspect
import math
from typing import Any, Callable

import numpy as np

from ..function import Function, register
from ..custom import Function as CustomFunction
from ..tensor import Tensor
from ._util import normalize_dim, result_type, shape_args


def _share_version(out: Tensor, base: Tensor) -> Tensor:
    """A view shares its base's version counter (in-place writes through either count) and,
    when it shares its memory, knows the tensor that owns that memory and the version its
    graph was recorded at (in-place writes through views: ops/inplace.py)."""
    if base._vc is None:
        base._vc = [0]
    out._vc = base._vc
    # numpy points a view's base at the array owning the memory; a reshape that copied
    # points it at its copy, which the (slower) memory test tells apart
    owner = out.data.base
    if owner is not None and (owner is (base.data.base if base.data.base is not None
                                        else base.data)
                              or np.may_share_memory(out.data, base.data)):
        out._view = (base if base._view is None else base._view[0], base._vc[0])
    return out


def c_contiguous(array: np.ndarray) -> np.ndarray:
    """``array``, copied to C order when it is not in it. numpy lays out some fresh results
    in the inputs' order (a cat of transposed inputs, ``x[:, idx]``) where PyTorch's are
    C-contiguous, and ``view`` depends on the layout."""
    return array if array.flags.c_contiguous else array.copy()


def sequence_keyword(fn: Callable) -> Callable:
    """Let a function taking a shape as varargs (``zeros(*size)``, ``reshape(input,
    *shape)``) also take it as PyTorch's keyword, a tuple or list: ``zeros(size=(2, 3))``,
    ``reshape(input=x, shape=(3, 2))``."""
    params = list(inspect.signature(fn).parameters.values())
    varargs = next(p for p in params if p.kind is p.VAR_POSITIONAL)
    name, leading = varargs.name, [p.name for p in params[:params.index(varargs)]]

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if name not in kwargs:
            return fn(*args, **kwargs)
        value = kwargs.pop(name)
        if len(args) > len(leading):
            raise TypeError(f"{fn.__name__}() got multiple values for argument '{name}'")
        if not isinstance(value, (tuple, list)):
            raise TypeError(f"{fn.__name__}(): argument '{name}' must be tuple of ints, not "
                            f"{type(value).__name__}")
        for missing in leading[len(args):]:
            if missing not in kwargs:
                raise TypeError(f"{fn.__name__}() missing required argument '{missing}'")
            args += (kwargs.pop(missing),)
        return fn(*args, tuple(value), **kwargs)

    return call


def _resolve_shape(shape: tuple, size: int, op: str, src: tuple) -> tuple:
    infer = [i for i, s in enumerate(shape) if s == -1]
    if len(infer) > 1:
        raise RuntimeError(f"{op}: only one dimension can be inferred in shape {shape}")
    if any(s < -1 for s in shape):
        raise RuntimeError(f"{op}: invalid shape dimension in {shape}")
    known = math.prod([s for s in shape if s != -1]) if shape else 1
    if infer:
        if known == 0 or size % known:
            raise RuntimeError(f"{op}: shape {shape} is invalid for input of shape {src} "
                               f"({size} elements)")
        shape = tuple(size // known if s == -1 else s for s in shape)
    elif known != size:
        raise RuntimeError(f"{op}: shape {shape} is invalid for input of shape {src} "
                           f"({size} elements)")
    return shape


@register
class Reshape(Function):
    """y = a.reshape(shape);  da = g.reshape(a.shape)"""

    @staticmethod
    def forward(ctx, a, shape):
        ctx.src_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.src_shape), None


@register
class Expand(Function):
    """y = broadcast_to(a, shape);  da = g summed back to a.shape (by the engine)"""

    @staticmethod
    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None


@register
class Permute(Function):
    """y = a.transpose(dims);  da = g.transpose(inverse(dims))"""

    @staticmethod
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims).tolist())), None


@sequence_keyword
def reshape(input: Tensor, *shape: Any) -> Tensor:
    """A view when a's strides allow one, else a copy; a new tensor even for a's own shape
    (PyTorch's: hooks and retain_grad on it must not act on ``input``)."""
    shape = _resolve_shape(shape_args(shape, "reshape"), input.data.size, "reshape", input.shape)
    return _share_version(Reshape.apply(input, shape), input)


@sequence_keyword
def view(input: Tensor, *size: Any) -> Tensor:
    """A view of ``size`` sharing input's memory; RuntimeError when input's strides cannot
    give one. numpy's reshape copies exactly when PyTorch's view rule fails (a copy never
    overlaps its source; ``reshape(copy=False)`` would need numpy 2.1)."""
    size = _resolve_shape(shape_args(size, "view"), input.data.size, "view", input.shape)
    if input.data.size and not np.may_share_memory(input.data.reshape(size), input.data):
        strides = tuple(s // input.data.itemsize for s in input.data.strides)
        raise RuntimeError(f"view: shape {size} is not compatible with input tensor's size "
                           f"{input.shape} and stride {strides} (at least one dimension spans "
                           f"across two contiguous subspaces). Use .reshape(...) instead.")
    return _share_version(Reshape.apply(input, size), input)


@sequence_keyword
def expand(input: Tensor, *size: Any) -> Tensor:
    """Broadcast to ``size``; -1 keeps a dim; new dims are added in front."""
    size = shape_args(size, "expand")
    src = input.shape
    if len(size) < len(src):
        raise RuntimeError(f"expand: the number of sizes provided ({len(size)}) must be "
                           f"greater or equal to the number of dimensions in the tensor "
                           f"({len(src)}); shape {src} -> {size}")
    lead = len(size) - len(src)
    target = []
    for i, s in enumerate(size):
        if i < lead:
            if s == -1:
                raise RuntimeError(f"expand: -1 is not allowed in a leading, non-existing "
                                   f"dimension; shape {src} -> {size}")
            target.append(s)
            continue
        have = src[i - lead]
        if s == -1:
            s = have
        if have != s and have != 1:
            raise RuntimeError(f"expand: the expanded size of the tensor ({s}) must match "
                               f"the existing size ({have}) at non-singleton dimension {i}; "
                               f"shape {src} -> {size}")
        target.append(s)
    return _share_version(Expand.apply(input, tuple(target)), input)


@sequence_keyword
def permute(input: Tensor, *dims: Any) -> Tensor:
    dims = shape_args(dims, "permute")
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute: number of dims don't match: input of shape {input.shape} "
                           f"has {input.ndim} dims but got dims {dims}")
    norm = tuple(normalize_dim(d, input.ndim, "permute") for d in dims)
    if len(set(norm)) != len(norm):
        raise RuntimeError(f"permute: repeated dim in {dims} for input of shape {input.shape}")
    return _share_version(Permute.apply(input, norm), input)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims (PyTorch meaning)."""
    d0 = normalize_dim(dim0, input.ndim, "transpose")
    d1 = normalize_dim(dim1, input.ndim, "transpose")
    dims = list(range(input.ndim))
    if input.ndim:  # (dims 0 and -1 of a 0-d tensor name the tensor itself)
        dims[d0], dims[d1] = dims[d1], dims[d0]
    return permute(input, tuple(dims))


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Drop size-1 dims (all, or the given ones; a non-size-1 dim is left alone)."""
    if dim is None:
        dims = tuple(i for i, s in enumerate(input.shape) if s == 1)
    else:
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        dims = tuple(normalize_dim(d, input.ndim, "squeeze") for d in dims)
        repeated = next((d for i, d in enumerate(dims) if d in dims[:i]), None)
        if repeated is not None:
            raise RuntimeError(f"squeeze: dim {repeated} appears multiple times in the list "
                               f"of dims {dim} (input shape {input.shape})")
    shape = tuple(s for i, s in enumerate(input.shape) if not (i in dims and s == 1))
    return reshape(input, shape)


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    d = normalize_dim(dim, input.ndim + 1, "unsqueeze")
    return reshape(input, input.shape[:d] + (1,) + input.shape[d:])


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims start_dim..end_dim; ``input`` itself when that is a single dim (PyTorch's)."""
    if input.ndim == 0:
        return reshape(input, (1,))
    s = normalize_dim(start_dim, input.ndim, "flatten")
    e = normalize_dim(end_dim, input.ndim, "flatten")
    if s > e:
        raise RuntimeError(f"flatten: start_dim ({start_dim}) cannot come after end_dim "
                           f"({end_dim}) for shape {input.shape}")
    if s == e:
        return input
    shape = input.shape
    return reshape(input, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


# -- copies: repeat, cat, stack, split, chunk, pad ------------------------------------------
@register
class Repeat(Function):
    """y = tile(a, repeats) (PyTorch's repeat);  da = g summed over the tiles"""

    @staticmethod
    def forward(ctx, a, repeats):
        ctx.meta = (a.shape, repeats)
        return np.tile(a, repeats)

    @staticmethod
    def backward(ctx, g):
        shape, repeats = ctx.meta
        padded = (1,) * (len(repeats) - len(shape)) + shape
        split = tuple(n for pair in zip(repeats, padded) for n in pair)  # (r0, s0, r1, s1..)
        tiles = tuple(range(0, 2 * len(repeats), 2))
        return g.reshape(split).sum(tiles).reshape(shape), None


@sequence_keyword
def repeat(input: Tensor, *repeats: Any) -> Tensor:
    """Tile ``input`` ``repeats[i]`` times along dim i; extra leading repeats add dims."""
    repeats = shape_args(repeats, "repeat")
    if len(repeats) < input.ndim:
        raise RuntimeError(f"repeat: Number of dimensions of repeat dims {repeats} can not be "
                           f"smaller than number of dimensions of tensor of shape {input.shape}")
    if any(r < 0 for r in repeats):
        raise RuntimeError(f"repeat: repeats must be non-negative, got {repeats}")
    return Repeat.apply(input, repeats)


@register
class Cat(Function):
    """y = concatenate(tensors, dim) (dtypes promoted);  each input gets its slice of g"""

    @staticmethod
    def forward(ctx, dim, skip, *arrays):
        kept = [a for a, s in zip(arrays, skip) if not s]
        ctx.meta = (dim, skip, [a.shape[dim] for a in kept])
        dtype = result_type(*arrays)
        return c_contiguous(np.concatenate([a.astype(dtype, copy=False) for a in kept],
                                           axis=dim))

    @staticmethod
    def backward(ctx, g):
        dim, skip, sizes = ctx.meta
        lead = (slice(None),) * dim
        pieces = iter(zip(sizes, np.cumsum(sizes).tolist()))
        grads = []
        for skipped, needed in zip(skip, ctx.needs_input_grad[2:]):
            if skipped:  # a legacy empty 1-D input: its gradient is empty too
                grads.append(Tensor(np.zeros((0,), g.dtype)) if needed else None)
                continue
            n, end = next(pieces)
            grads.append(g[lead + (slice(end - n, end),)] if needed else None)
        return (None, None) + tuple(grads)


def _tensor_list(tensors: Any, op: str) -> list:
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' must be a sequence of Tensors, got "
                        f"{type(tensors).__name__}")
    if not tensors:  # (PyTorch's types: cat's check is in Python, the others' in C++)
        if op == "cat":
            raise ValueError("cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}(): expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """Join tensors along an existing dim; the others must match. 1-D empty tensors are
    skipped (PyTorch's legacy rule); dtypes promote as in arithmetic."""
    tensors = _tensor_list(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"cat(): zero-dimensional tensor (at position {i}) cannot be "
                               f"concatenated")
    ref = next((t for t in tensors if t.shape != (0,)), tensors[0])
    skip = tuple(t.shape == (0,) and ref.ndim != 1 for t in tensors)
    kept = [t for t, s in zip(tensors, skip) if not s]
    d = normalize_dim(dim, ref.ndim, "cat")
    for i, t in enumerate(kept):
        if t.ndim != ref.ndim:
            raise RuntimeError(f"cat(): Tensors must have same number of dimensions: got "
                               f"{ref.ndim} and {t.ndim} (shapes {ref.shape} and {t.shape})")
        for k, (n, m) in enumerate(zip(ref.shape, t.shape)):
            if k != d and n != m:
                raise RuntimeError(
                    f"cat(): Sizes of tensors must match except in dimension {d}. Expected "
                    f"size {n} but got size {m} for tensor number {i} in the list (shapes "
                    f"{ref.shape} and {t.shape})")
    return Cat.apply(d, skip, *tensors)


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """Join equal-shaped tensors along a new dim ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack(): expects each tensor to be equal size, but got "
                               f"{tensors[0].shape} at entry 0 and {t.shape} at entry {i}")
    d = normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return Stack.apply(d, *tensors)


@register
class Stack(Function):
    """y = stack(tensors, dim) (dtypes promoted);  the gradients are unbind(g, dim): one op
    each way, not an unsqueeze per input forward and a reshape per input backward."""

    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        dtype = result_type(*arrays)
        return c_contiguous(np.stack([a.astype(dtype, copy=False) for a in arrays], axis=dim))

    @staticmethod
    def backward(ctx, g):
        grads = unbind(g, ctx.dim)
        return (None,) + tuple(d if needed else None
                               for d, needed in zip(grads, ctx.needs_input_grad[1:]))


def _narrow(a: Tensor, dim: int, start: int, length: int) -> Tensor:
    """The differentiable view a[..., start:start + length, ...] along ``dim``."""
    return a[(slice(None),) * dim + (slice(start, start + length),)]


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """The view of ``length`` elements from ``start`` along ``dim`` (negative start counts
    from the end)."""
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = normalize_dim(dim, input.ndim, "narrow")
    size = input.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"narrow: start out of range (expected to be in range of [{-size}, "
                         f"{size}], but got {start})")
    if length < 0:
        raise RuntimeError(f"narrow(): length must be non-negative, got {length}.")
    begin = start + size if start < 0 else start
    if begin + length > size:
        raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds dimension "
                           f"size ({size}).")
    return _narrow(input, d, begin, length)


class _Unbind(CustomFunction):
    """a[0], ..., a[L-1] as one op with L outputs, whose backward stacks the L gradients
    (unused outputs give zeros). L separate ``a[i]`` would cost O(L^2) in the backward: each
    scatters its gradient into a zero array of a's full size, then the engine adds the L
    arrays. The backward is a Tensor op, so it is differentiable again."""

    @staticmethod
    def forward(ctx: Any, a: Tensor) -> tuple:
        # a.data[i, ...]: a 0-d array for a 1-D input, where iterating would give scalars
        return tuple(Tensor(a.data[i, ...]) for i in range(len(a.data)))

    @staticmethod
    def backward(ctx: Any, *grads: Tensor) -> Tensor:
        return stack(list(grads))


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices along ``dim``, each without that dim."""
    if input.ndim == 0:
        raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
    d = normalize_dim(dim, input.ndim, "unbind")
    if input.shape[d] == 0:
        return ()
    moved = movedim(input, d, 0) if d else input
    return tuple(_share_version(t, input) for t in _Unbind.apply(moved))


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dims ``source`` to positions ``destination``; the others keep their order."""
    single = isinstance(source, (int, np.integer))
    if single != isinstance(destination, (int, np.integer)):
        raise TypeError(f"movedim(): source and destination must both be ints or both be "
                        f"sequences of ints, got {type(source).__name__} and "
                        f"{type(destination).__name__}")
    src = (source,) if single else tuple(source)
    dst = (destination,) if single else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source "
                           f"({list(src)} dims) should contain the same number of dims as "
                           f"destination ({list(dst)} dims)")
    src = tuple(normalize_dim(d, input.ndim, "movedim") for d in src)
    dst = tuple(normalize_dim(d, input.ndim, "movedim") for d in dst)
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in source {list(src)} or destination "
                           f"{list(dst)}")
    rest = iter(d for d in range(input.ndim) if d not in src)
    placed = dict(zip(dst, src))
    return permute(input, tuple(placed[i] if i in placed else next(rest)
                                for i in range(input.ndim)))


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given
    list of sizes, which must sum to the dim's size."""
    if tensor.ndim == 0:
        raise RuntimeError("split(): expects at least a 1-dimensional tensor")
    d = normalize_dim(dim, tensor.ndim, "split")
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size < 0:
            raise RuntimeError(f"split(): expects split_size be non-negative, but got "
                               f"split_size={size}")
        if size == 0 and n:
            raise RuntimeError(f"split(): split_size can only be 0 if dimension size is 0, "
                               f"but got dimension size of {n} (input shape {tensor.shape})")
        sizes = [min(size, n - s) for s in range(0, n, size)] if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if any(s < 0 for s in sizes):
            raise RuntimeError(f"split(): split_with_sizes expects split_sizes have only "
                               f"non-negative entries, but got split_sizes={sizes}")
        if sum(sizes) != n:
            raise RuntimeError(f"split(): split_with_sizes expects split_sizes to sum exactly "
                               f"to {n} (input tensor's size at dimension {d}, shape "
                               f"{tensor.shape}), but got split_sizes={sizes}")
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    return tuple(_narrow(tensor, d, s, m) for s, m in zip(starts, sizes))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into pieces of ceil(size / chunks) along ``dim``: possibly fewer than
    ``chunks`` pieces (6 elements in 4 chunks give sizes [2, 2, 2])."""
    if input.ndim == 0:
        raise RuntimeError("chunk(): expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk(): expects `chunks` to be greater than 0, got: {chunks}")
    d = normalize_dim(dim, input.ndim, "chunk")
    n = input.shape[d]
    if n == 0:
        return tuple(_narrow(input, d, 0, 0) for _ in range(chunks))
    return split(input, -(-n // chunks), d)


@register
class Pad(Function):
    """y = a cropped by negative and padded with ``value`` by positive widths (PyTorch's
    F.pad order: pairs from the last dim);  da = pad(g, -widths)"""

    @staticmethod
    def forward(ctx, a, widths, value):
        ctx.widths = widths
        crop = tuple(slice(-lo if lo < 0 else 0, n + hi if hi < 0 else n)
                     for (lo, hi), n in zip(widths, a.shape))
        grow = [(lo if lo > 0 else 0, hi if hi > 0 else 0) for lo, hi in widths]
        if not grow:  # a 0-d input: np.pad rejects an empty width list
            return a.copy()
        return np.pad(a[crop], grow, constant_values=value)

    @staticmethod
    def backward(ctx, g):
        negated = tuple((-lo, -hi) for lo, hi in ctx.widths)
        return Pad.apply(g, negated, 0), None, None


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _check_pad_mode(a: Tensor, pairs: tuple, mode: str) -> None:
    """PyTorch's checks for a non-constant mode: it pads the last 1, 2 or 3 dims of an input
    with one or two more dims (unbatched or batched); ``pairs`` are (lo, hi) per padded dim."""
    k = len(pairs)
    if not 1 <= k <= 3 or a.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"pad: Padding size {2 * k} is not supported for {a.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode == "circular":
        _check_circular(a, pairs)
    else:
        _check_reflect_replicate(a, pairs, mode)


def _check_circular(a: Tensor, pairs: tuple) -> None:
    for n, (lo, hi) in zip(a.shape[-len(pairs):], pairs):
        # PyTorch wraps over what is left after cropping, so a pad must fit in that (where
        # PyTorch's own check, pad <= size, passes a larger one, its result is undefined)
        left = n - max(-lo, 0) - max(-hi, 0)
        if lo > n or hi > n or (n + lo + hi >= 0 and max(lo, hi) > left):
            raise RuntimeError(f"pad: Padding value causes wrapping around more than once "
                               f"(padding ({lo}, {hi}) of a dim of size {n}, input shape "
                               f"{a.shape}).")


def _check_reflect_replicate(a: Tensor, pairs: tuple, mode: str) -> None:
    k = len(pairs)
    if a.dtype == np.bool_:
        kernel = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f'pad: "{kernel}_pad{k}d" not implemented for \'Bool\'')
    if 0 in a.shape[a.ndim - k - 1:]:  # only a batch dim may be empty
        raise RuntimeError(f"pad: Expected {k + 1}D or {k + 2}D (batch mode) tensor with "
                           f"possibly 0 batch size and other non-zero dimensions for input, "
                           f"but got: {list(a.shape)}")
    sizes = a.shape[-k:]
    if mode == "reflect":
        for i in range(k):  # from the last dim, as PyTorch
            (lo, hi), n = pairs[-1 - i], sizes[-1 - i]
            if lo >= n or hi >= n:
                raise RuntimeError(
                    f"pad: Argument #{4 + 2 * i}: Padding size should be less than the "
                    f"corresponding input dimension, but got: padding ({lo}, {hi}) at "
                    f"dimension {a.ndim - 1 - i} of input {list(a.shape)}")
    outs = [n + lo + hi for n, (lo, hi) in zip(sizes, pairs)]
    if all(n < 1 for n in outs):  # (an empty output dim beside non-empty ones is allowed)
        names = "DHW"[-k:]
        given = ", ".join(f"{d}: {n}" for d, n in zip(names, sizes))
        got = " ".join(f"{d}: {n}" for d, n in zip(names, outs))
        raise RuntimeError(f"pad: input ({given}) is too small. Calculated output {got}")


def _source_index(mode: str, size: int, lo: int, hi: int) -> np.ndarray:
    """The input position each output position copies along one dim. PyTorch's reflect and
    replicate pad, then crop; circular crops, then wraps what is left."""
    if mode == "circular":
        start = max(-lo, 0)
        left = size - start - max(-hi, 0)
        return start + (np.arange(size + lo + hi) - max(lo, 0)) % left
    positions = np.arange(-lo, size + hi)
    if mode == "replicate":
        return np.clip(positions, 0, size - 1)
    return size - 1 - np.abs(size - 1 - np.abs(positions))  # reflect about 0 and size - 1


def _pad_by_index(a: Tensor, pairs: tuple, mode: str) -> Tensor:
    """y = a[..., i_1, ..., i_k] with a source index per padded dim: a gather, whose backward
    scatter-adds (reflected, replicated and wrapped positions accumulate onto their source)
    and is differentiable again."""
    lead = a.ndim - len(pairs)
    index = np.ix_(*(_source_index(mode, n, lo, hi)
                     for n, (lo, hi) in zip(a.shape[lead:], pairs)))
    return a[(slice(None),) * lead + index]


def pad(input: Tensor, pad: Any, mode: str = "constant", value: Any = None) -> Tensor:
    """Pad (or crop, by negative widths) with ``value``, or by reflecting, replicating or
    wrapping the input (``mode``); ``pad = (last_lo, last_hi, prev_lo, prev_hi, ...)``. The
    non-constant modes pad the last 1-3 dims of an unbatched or batched input (PyTorch's)."""
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"pad: Unrecognised padding mode {mode}")
    pad = shape_args(tuple(pad), "pad")
    if len(pad) % 2:
        raise RuntimeError(f"pad: Padding length must be divisible by 2, got {pad}")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError(f"pad: Padding length should be less than or equal to two times "
                           f"the input dimension but got padding length {len(pad)} and input "
                           f"of dimension {input.ndim} (shape {input.shape})")
    pairs = tuple((pad[i], pad[i + 1]) for i in range(0, len(pad), 2))[::-1]
    fill = 0 if value is None else (value.item() if isinstance(value, Tensor) else value)
    if mode != "constant":
        if fill != 0:
            raise RuntimeError(f'pad: Padding mode "{mode}" doesn\'t take in value argument')
        _check_pad_mode(input, pairs, mode)
    widths = ((0, 0),) * (input.ndim - len(pairs)) + pairs
    out_shape = tuple(n + lo + hi for n, (lo, hi) in zip(input.shape, widths))
    if any(n < 0 for n in out_shape):
        raise RuntimeError(f"pad: padding {pad} of an input of shape {input.shape} gives a "
                           f"negative output size {out_shape}")
    if mode == "constant":
        return Pad.apply(input, widths, np.asarray(fill).astype(input.dtype))
    return _pad_by_index(input, pairs, mode)


# -- aliases and numpy-style joins and splits (compositions of the ops above) -----------------
concat = concatenate = cat


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """expand to ``size``."""
    return expand(input, *shape_args((size,), "broadcast_to"))


def broadcast_tensors(*tensors: Any) -> tuple:
    """Each tensor expanded to the shape they broadcast to together."""
    try:
        shape = np.broadcast_shapes(*(t.shape for t in tensors))
    except ValueError:
        raise RuntimeError(f"broadcast_tensors(): shapes {[t.shape for t in tensors]} cannot "
                           f"be broadcast together") from None
    return tuple(t if t.shape == shape else expand(t, shape) for t in tensors)


def _at_least(t: Tensor, n: int) -> Tensor:
    """numpy's atleast_1d/2d/3d placement: 1-D (k,) becomes (1, k) and (1, k, 1)."""
    if t.ndim >= n:
        return t
    if t.ndim == 0:
        return reshape(t, (1,) * n)
    if t.ndim == 1:
        return reshape(t, (1, t.shape[0]) + (1,) * (n - 2))
    return reshape(t, t.shape + (1,))  # 2-D to 3-D


def hstack(tensors: Any) -> Tensor:
    """cat along dim 1 (dim 0 for 1-D tensors)."""
    tensors = [_at_least(t, 1) for t in _tensor_list(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """cat along dim 0 of the tensors made at least 2-D."""
    return cat([_at_least(t, 2) for t in _tensor_list(tensors, "vstack")], 0)


def dstack(tensors: Any) -> Tensor:
    """cat along dim 2 of the tensors made at least 3-D."""
    return cat([_at_least(t, 3) for t in _tensor_list(tensors, "dstack")], 2)


def tensor_split(input: Tensor, indices_or_sections: Any, dim: int = 0) -> tuple:
    """Views along ``dim``: n near-equal sections (the first size % n one longer), or split
    before each of the given indices."""
    d = normalize_dim(dim, input.ndim, "tensor_split")
    n = input.shape[d]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        spec = spec.item() if spec.ndim == 0 else spec.tolist()
    if isinstance(spec, (int, np.integer)):
        if spec <= 0:
            raise RuntimeError(f"tensor_split(): number of sections must be larger than 0, "
                               f"got {spec}")
        q, r = divmod(n, int(spec))
        sizes = [q + 1] * r + [q] * (int(spec) - r)
        bounds = np.cumsum([0] + sizes).tolist()
    else:
        bounds = [0] + [min(max(int(i) + n if i < 0 else int(i), 0), n) for i in spec] + [n]
    return tuple(_narrow(input, d, s, max(e - s, 0)) for s, e in zip(bounds[:-1], bounds[1:]))


def _numpy_split(a: Tensor, spec: Any, dim: int, op: str, min_dim: int) -> tuple:
    if a.ndim < min_dim:
        raise RuntimeError(f"torch.{op} requires a tensor with at least {min_dim} dimension, "
                           f"but got a tensor with {a.ndim} dimensions!")
    if isinstance(spec, (int, np.integer)) and (spec == 0 or a.shape[dim] % spec):
        raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the "
                           f"size of the dimension {a.shape[dim]} is not divisible by the "
                           f"split_size {spec}!")
    return tensor_split(a, spec, dim)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """tensor_split along dim 1 (dim 0 for 1-D); a section count must divide the size."""
    return _numpy_split(input, indices_or_sections, 0 if input.ndim == 1 else 1, "hsplit", 1)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """tensor_split along dim 0 of an at least 2-D tensor."""
    return _numpy_split(input, indices_or_sections, 0, "vsplit", 2)
