"""PyTorch's complex-number API on the real tensors this library has: ``conj``,
``conj_physical``, ``resolve_conj``, ``resolve_neg`` and ``real`` return their input itself
(as PyTorch does for a real tensor), ``imag`` raises, ``is_conj`` / ``is_neg`` are False,
``isreal`` is all True, ``angle`` is 0 or pi, and ``adjoint`` is the transpose of the last two
dims."""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..function import Function, register
from ..queries import _tensor as _input
from ..tensor import Tensor
from .elementwise import _float_input
from .shape import transpose


def conj(input: Tensor) -> Tensor:
    """The complex conjugate: a real tensor itself."""
    return _input(input, "conj")


def conj_physical(input: Tensor) -> Tensor:
    """The conjugate, materialised: a real tensor itself."""
    return _input(input, "conj_physical")


def resolve_conj(input: Tensor) -> Tensor:
    """input with a pending conjugation applied: a real tensor itself."""
    return _input(input, "resolve_conj")


def resolve_neg(input: Tensor) -> Tensor:
    """input with a pending negation applied: a real tensor itself."""
    return _input(input, "resolve_neg")


def is_conj(input: Tensor) -> bool:
    """Whether a conjugation is pending: never for a real tensor."""
    _input(input, "is_conj")
    return False


def is_neg(input: Tensor) -> bool:
    """Whether a negation is pending: never for a real tensor."""
    _input(input, "is_neg")
    return False


def isreal(input: Tensor) -> Tensor:
    """Whether each element has a zero imaginary part: all True for a real tensor."""
    return Tensor(np.ones(_input(input, "isreal").shape, np.bool_))


def real(input: Tensor) -> Tensor:
    """The real part: a real tensor itself."""
    return _input(input, "real")


def imag(input: Tensor) -> Tensor:
    """The imaginary part, which real dtypes do not have: RuntimeError, as PyTorch."""
    _input(input, "imag")
    raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")


@register
class Angle(Function):
    """y = pi where a < 0, else 0 (NaN stays NaN);  da = 0 (torch's angle_backward for real a)"""

    @staticmethod
    def forward(ctx, a):
        a = _float_input("angle", a)
        return np.where(a < 0, a.dtype.type(math.pi), np.where(np.isnan(a), a, 0))

    @staticmethod
    def backward(ctx, g):
        return Tensor(np.zeros(g.shape, g.dtype))


def angle(input: Tensor) -> Tensor:
    """The argument of each element: pi for a negative number, 0 otherwise; integer and bool
    inputs give the default float dtype."""
    return Angle.apply(_input(input, "angle"))


_ZERO_D_NOTES = {"mT": ("Tensor.mT", "This function is the identity in these cases."),
                 "mH": ("Tensor.mH", "Consider using x.conj()."),
                 "adjoint": ("adjoint()", "Consider using x.conj()."),
                 "H": ("Tensor.H", "Consider using x.conj().")}


def matrix_transpose(input: Tensor, name: str) -> Tensor:
    """The transpose of the last two dims (a view), as PyTorch's ``mT``, ``mH``, ``H`` and
    ``adjoint`` of a real tensor (``name``); ``H`` takes matrices only. A 0-D tensor is
    returned as it is, with PyTorch's deprecation warning."""
    if input.ndim == 0:
        subject, advice = _ZERO_D_NOTES[name]
        warnings.warn(f"{subject} is deprecated on 0-D tensors. {advice}", UserWarning,
                      stacklevel=3)
        return input
    label = "adjoint()" if name == "adjoint" else name
    if name == "H" and input.ndim != 2:
        hint = " For batches of matrices, consider using tensor.mH" if input.ndim > 2 else ""
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{input.ndim}-D tensor.{hint}")
    if input.ndim < 2:
        raise RuntimeError(f"tensor.{label} is only supported on matrices or batches of "
                           f"matrices. Got {input.ndim}-D tensor.")
    return transpose(input, -2, -1)


def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims (a view): for real tensors their
    transpose."""
    return matrix_transpose(_input(input, "adjoint"), "adjoint")
