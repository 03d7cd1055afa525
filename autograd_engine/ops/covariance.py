"""``cov`` (with frequency and observation weights) and ``corrcoef``, composed of
differentiable ops in PyTorch's order of operations."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from .diagonal import diagonal
from .elementwise import clamp, sqrt
from .linalg import mm, torch_type_name


def _check_weights(w: Tensor, name: str, n: int, kinds: str, kind_name: str) -> None:
    if w.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {w.ndim} dimensions")
    if w.dtype.kind not in kinds:
        raise RuntimeError(f"cov(): expected {name} to have {kind_name} dtype but got {name} "
                           f"with {torch_type_name(w.dtype)} dtype")
    if w.numel() != n:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w.numel()} != {n}")
    if n and w.data.min() < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input: Tensor, *, correction: int = 1, fweights: Optional[Tensor] = None,
        aweights: Optional[Tensor] = None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (a 1-D input is one
    variable), its columns the observations, weighted by ``fweights`` (integer counts) and
    ``aweights`` (float weights); divided by (sum of weights - correction), or its weighted
    form with aweights. A 0-d result for one variable."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.ndim} dimensions")
    if input.dtype == np.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.reshape(1, -1) if input.ndim < 2 else input
    n = x.shape[1]
    w: Any = None
    if fweights is not None:
        _check_weights(fweights, "fweights", n, "iu", "integral")
        w = fweights
    if aweights is not None:
        _check_weights(aweights, "aweights", n, "f", "floating point")
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum: Any = Tensor(np.asarray(n, np.int64))
    else:
        w_sum = w.sum()
        if w_sum.item() == 0:
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and correction != 0 and aweights is not None:
        norm_factor = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm_factor = w_sum - correction
    if norm_factor.item() <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm_factor = norm_factor * 0
    centered = x - avg.unsqueeze(1)
    c = mm(centered, (centered if w is None else centered * w).t())
    return (c / norm_factor).squeeze()


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows of ``input`` (clipped to [-1, 1]);
    c / c (1, or NaN for a constant variable) for a single variable."""
    if input.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but "
                           f"got an input with {input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:
        return c / c
    stddev = sqrt(diagonal(c))
    c = c / stddev.reshape(-1, 1)
    c = c / stddev.reshape(1, -1)
    return clamp(c, -1.0, 1.0)
