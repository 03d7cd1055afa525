"""PyTorch's older matrix-product spellings and ``logdet``: ``chain_matmul`` (deprecated
there, as multi_dot), ``addr`` (beta input + alpha outer(vec1, vec2)), ``ger`` (outer) and
``logdet`` (log det, NaN for a negative determinant)."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..tensor import Tensor
from .elementwise import where
from .linalg import _scaled, check_matrix, matmul, outer, slogdet


def chain_matmul(*matrices: Tensor) -> Tensor:
    """The product of the 2-D matrices, left to right (one matrix: a copy of it)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two "
                  "or more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    out = matrices[0]
    if len(matrices) == 1:
        return out.clone()
    for i, m in enumerate(matrices[1:]):
        if out.shape[1] != m.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(matrices[i].shape)} and {list(m.shape)} cannot be "
                               f"multiplied")
        out = matmul(out, m)
    return out


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta input + alpha outer(vec1, vec2); input broadcasts to (n, m) and is ignored
    (NaN included) when beta is 0."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    integral = all(t.dtype.kind in "biu" for t in (input, vec1, vec2))
    if integral and any(isinstance(s, float) for s in (alpha, beta)):
        which = "alpha" if isinstance(alpha, float) else "beta"
        raise RuntimeError(f"For integral input tensors, argument {which} must not be a "
                           f"floating point number.")
    shape = (vec1.shape[0], vec2.shape[0])
    try:
        np.broadcast_to(np.empty(input.shape, np.bool_), shape)
    except ValueError:
        raise RuntimeError(f"addr: the input of shape {list(input.shape)} cannot be "
                           f"broadcast to the outer product's shape {list(shape)}") from None
    prod = _scaled(outer(vec1, vec2), alpha)
    if beta == 0:
        dtype = np.result_type(prod.dtype, input.dtype) if input.dtype.kind == "f" else None
        return prod if dtype is None or dtype == prod.dtype else prod.to(dtype)
    return _scaled(input, beta) + prod


def ger(vec1: Tensor, vec2: Tensor) -> Tensor:
    """``outer`` under its older name."""
    return outer(vec1, vec2)


def logdet(input: Tensor) -> Tensor:
    """log det of (batches of) square matrices: NaN where the determinant is negative,
    -inf where it is 0; the gradient of log|det| elsewhere (0 at the NaNs)."""
    check_matrix(input.data, "logdet", low_precision=True)
    sign, logabsdet = slogdet(input)
    return where(sign.data < 0, Tensor(np.full((), np.nan, input.dtype)), logabsdet)
