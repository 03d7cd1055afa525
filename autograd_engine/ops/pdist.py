"""``pdist``: the p-norm distances between the rows of an (N, M) input, for each pair
i < j in row-major order (the upper triangle of ``cdist(x, x)``), composed of a gather and
``norm`` with PyTorch's gradients (0 for a pair at distance 0)."""
from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """||x_i - x_j||_p for i < j; a 1-D result of N (N - 1) / 2 distances."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if input.dtype.kind != "f":
        raise RuntimeError(f"pdist only supports floating-point dtypes, got {input.dtype}")
    p = float(p.item() if isinstance(p, Tensor) else p)
    if p < 0:
        raise RuntimeError(f"pdist only supports non-negative p values, got p={p}")
    i, j = np.triu_indices(input.shape[0], 1)
    diff = input[i] - input[j]
    if p != math.inf:
        return diff.norm(p, -1)
    # PyTorch's gradient of the max norm goes whole to every tied largest |x_i - x_j|
    # (norm's would split it between them): the value is the max, the gradient sign(diff)
    # on each tied coordinate, added as (|diff| - |diff|), which is exactly zero.
    size = diff.abs()
    largest = size.data.max(axis=-1, keepdims=True, initial=0)
    ties = Tensor((size.data == largest).astype(input.dtype))
    return Tensor(largest[:, 0]) + ((size - size.detach()) * ties).sum(-1)
