"""``bilinear``: y_o = x1^T W_o x2 + b_o, one fused ``linear`` (x1 against W with its first
two dims merged) and a product-sum with x2, so gradients of every order flow."""
from __future__ import annotations

from typing import Optional

from ..tensor import Tensor
from .activation import dtype_name
from .nn_ops import linear


def _size(t: Tensor, dim: int) -> int:
    """t.size(dim) with PyTorch's IndexErrors."""
    if t.ndim == 0:
        raise IndexError(f"bilinear(): Dimension specified as {dim} but tensor has no "
                         f"dimensions")
    if not -t.ndim <= dim < t.ndim:
        raise IndexError(f"bilinear(): Dimension out of range (expected to be in range of "
                         f"[{-t.ndim}, {t.ndim - 1}], but got {dim})")
    return t.shape[dim]


def _check(input1: Tensor, input2: Tensor, weight: Tensor, bias: Optional[Tensor]) -> None:
    """PyTorch's checks, in its order."""
    tensors = (("input1", input1), ("input2", input2), ("weight", weight)) + (
        (("bias", bias),) if bias is not None else ())
    if len({t.dtype for _, t in tensors}) > 1:
        names = ", ".join(f"{n}: {dtype_name(t.dtype).lower()}" for n, t in tensors)
        raise RuntimeError(f"bilinear(): All tensors must have the same dtype, got {names}")
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for i in range(input1.ndim - 1):
        if input1.shape[i] != input2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: "
                               f"got {input1.shape[i]} and {input2.shape[i]}")
    for k, x in ((1, input1), (2, input2)):
        if _size(x, -1) != _size(weight, k):
            raise RuntimeError(f"bilinear(): input{k} size does not match weight size: got "
                               f"{x.shape[-1]} but expected {weight.shape[k]}")
    if bias is not None and _size(bias, 0) != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0]} but expected {weight.shape[0]}")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): number of dimensions must match: weight must be 3-D "
                           f"(out, in1, in2), got shape {tuple(weight.shape)}")


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Optional[Tensor] = None) -> Tensor:
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o];
    weight (out, in1, in2), inputs (*, in1) and (*, in2) with the same leading dims."""
    _check(input1, input2, weight, bias)
    out_features, in1, in2 = weight.shape
    lead = input1.shape[:-1]
    # t[..., o * in2 + j] = sum_i input1[..., i] weight[o, i, j]
    merged = weight.transpose(1, 2).reshape(out_features * in2, in1)
    t = linear(input1, merged).reshape(lead + (out_features, in2))
    out = (t * input2.unsqueeze(-2)).sum(-1)
    return out if bias is None else out + bias
