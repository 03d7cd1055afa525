"""``einsum``: Einstein summation over any number of operands, differentiable to every order.

The gradient with respect to one operand is itself an einsum, of the output gradient with the
other operands, written to that operand's subscripts. Two kinds of subscripts need a constant
operand there: one that only this operand has (summed away in the forward: the gradient is
constant along it) comes back through a vector of ones, and a repeated one (a diagonal)
through an identity matrix that puts the gradient back on the diagonal. The backward is then
a call of ``einsum`` itself, so higher orders come for free.
"""
from __future__ import annotations

import string
from collections import Counter
from typing import Any

import numpy as np

from ..function import Function, register
from ..tensor import Tensor
from .shape import c_contiguous

_LETTERS = string.ascii_letters


def _fresh_letters(used: str) -> Any:
    return iter(c for c in _LETTERS if c not in used)


def _parse(equation: str, operands: list) -> tuple:
    """(subscripts per operand, output subscripts) with '...' spelled out in letters."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        few = "fewer" if len(operands) < len(inputs) else "more"
        raise RuntimeError(f"einsum(): {few} operands were provided than specified in the "
                           f"equation {equation!r}")
    for part in inputs + [rhs]:
        if any(not c.isalpha() for c in part.replace("...", "")) or part.count("...") > 1:
            raise RuntimeError(f"einsum(): invalid subscripts {part!r} in equation {equation!r}")
    widths = []
    for i, (subs, op) in enumerate(zip(inputs, operands)):
        letters = len(subs.replace("...", ""))
        if "..." not in subs and letters != op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) "
                               f"does not match the number of dimensions ({op.ndim}) for "
                               f"operand {i} and no ellipsis was given")
        if letters > op.ndim:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({letters}) "
                               f"is more than the number of dimensions ({op.ndim}) for operand "
                               f"{i}")
        widths.append(op.ndim - letters if "..." in subs else 0)
    free = _fresh_letters(eq)
    ellipsis = "".join(next(free) for _ in range(max(widths, default=0)))
    inputs = [subs.replace("...", ellipsis[len(ellipsis) - w:] if w else "")
              for subs, w in zip(inputs, widths)]
    if arrow:
        output = rhs.replace("...", ellipsis)
        for c in output:
            if output.count(c) > 1:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in "
                                   "the output")
            if not any(c in subs for subs in inputs):
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the "
                                   "equation for any input operand")
    else:  # PyTorch's implicit output: the ellipsis, then letters seen once, sorted
        counts = Counter("".join(inputs))
        output = ellipsis + "".join(sorted(c for c in counts
                                           if counts[c] == 1 and c not in ellipsis))
    return inputs, output


def _check_operands(inputs: list, operands: list) -> None:
    dtype = operands[0].dtype
    sizes: dict = {}
    for i, (subs, op) in enumerate(zip(inputs, operands)):
        if op.dtype != dtype:
            raise RuntimeError(f"einsum(): expected all operands to have the same dtype, got "
                               f"{dtype} and {op.dtype}")
        for k, (c, size) in enumerate(zip(subs, op.shape)):
            first = subs.index(c)
            if first < k and op.shape[first] != size:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {i} but "
                                   f"the sizes don't match, {size} != {op.shape[first]}")
            seen = sizes.setdefault(c, size)
            if size != seen and 1 not in (size, seen):
                raise RuntimeError(f"einsum(): subscript {c} has size {size} for operand {i} "
                                   f"which does not broadcast with previously seen size {seen}")
            sizes[c] = max(seen, size)


@register
class Einsum(Function):
    """y = einsum(spec, *operands);  d operand_i = einsum of g with the other operands (plus
    ones / identity constants) to operand_i's subscripts"""

    @staticmethod
    def forward(ctx, spec, *arrays):
        inputs, output = spec
        ctx.spec = spec
        ctx.save_for_backward(*arrays)
        out = np.einsum(",".join(inputs) + "->" + output, *arrays, optimize=len(arrays) > 1)
        # a contraction is C-contiguous in PyTorch (``view`` depends on it); numpy's may be
        # laid out in the operands' order. One operand gives a view in both.
        return c_contiguous(out) if len(arrays) > 1 else out

    @staticmethod
    def backward(ctx, g):
        inputs, output = ctx.spec
        operands = ctx.saved_tensors
        return (None,) + tuple(
            _operand_grad(i, inputs, output, operands, g) if needed else None
            for i, needed in enumerate(ctx.needs_input_grad[1:]))


def _operand_grad(i: int, inputs: tuple, output: str, operands: tuple, g: Tensor) -> Tensor:
    terms = [output] + [s for j, s in enumerate(inputs) if j != i]
    tensors = [g] + [t for j, t in enumerate(operands) if j != i]
    available = set("".join(terms))
    free = _fresh_letters("".join(inputs) + output)
    result = ""
    for letter, size in zip(inputs[i], operands[i].shape):
        if letter in result:  # a diagonal: a fresh subscript tied to it by an identity
            fresh = next(free)
            terms.append(letter + fresh)
            tensors.append(Tensor(np.eye(size, dtype=g.dtype)))
            result += fresh
            continue
        if letter not in available:  # summed away in the forward
            terms.append(letter)
            tensors.append(Tensor(np.ones(size, g.dtype)))
            available.add(letter)
        result += letter
    return einsum(",".join(terms) + "->" + result, *tensors)


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation as ``torch.einsum``: explicit (``'ij,jk->ik'``) or implicit output,
    ``...`` for broadcast dims, repeated subscripts for diagonals; operands as arguments or
    one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    tensors = [op if isinstance(op, Tensor) else Tensor(np.asarray(op)) for op in operands]
    inputs, output = _parse(equation, tensors)
    _check_operands(inputs, tensors)
    return Einsum.apply((tuple(inputs), output), *tensors)
