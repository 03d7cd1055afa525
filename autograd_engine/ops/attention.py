"""``scaled_dot_product_attention``: softmax(q k^T * scale + mask) v over the last two dims,
composed of differentiable ops (matmul, softmax, dropout), so gradients of every order flow
to queries, keys, values and a float mask."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from .activation import softmax
from .elementwise import where
from .nn_ops import dropout


def additive_mask(mask: Any, dtype: np.dtype, keep_where_true: bool) -> Optional[Tensor]:
    """A mask to add to attention scores: a float mask as it is; a bool mask as 0 where
    attention is allowed and -inf elsewhere (``keep_where_true``: True allows, as
    scaled_dot_product_attention; else True forbids, as MultiheadAttention)."""
    if mask is None:
        return None
    mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))
    if mask.dtype == np.bool_:
        allowed = mask.data if keep_where_true else ~mask.data
        return Tensor(np.where(allowed, 0.0, -np.inf).astype(dtype))
    if mask.dtype.kind != "f":
        raise RuntimeError(f"attention: only bool and floating types of masks are supported, "
                           f"got {mask.dtype}")
    return mask


def attention_weights(scores: Tensor, mask: Optional[Tensor], safe: bool = True) -> Tensor:
    """softmax(scores + mask) over the last dim. With ``safe``, a row the mask forbids
    entirely gets weights 0 rather than NaN (PyTorch's ``_safe_softmax``)."""
    if mask is None:
        return softmax(scores, -1)
    scores = scores + mask
    blocked = np.isneginf(mask.data).all(-1, keepdims=True) if safe else None
    if blocked is None or not blocked.any():
        return softmax(scores, -1)
    # a blocked row's softmax runs on zeros, not -inf, so that its value and its gradients
    # (which the outer where() zeroes) stay finite instead of NaN times 0
    return where(blocked, 0.0, softmax(where(blocked, 0.0, scores), -1))


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Any = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: Optional[float] = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value, as ``torch.nn.functional``'s: a bool
    ``attn_mask`` marks allowed positions (True), a float one is added; ``is_causal`` masks
    the upper triangle; ``scale`` defaults to 1 / sqrt(query.size(-1)); ``enable_gqa`` lets
    fewer key/value heads (dim -3) be shared by groups of query heads. A query row the mask
    forbids entirely attends nothing: its output is 0."""
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: query {tuple(query.shape)}, key "
                           f"{tuple(key.shape)} and value {tuple(value.shape)} do not fit "
                           "(the feature dims of query and key, and the sequence dims of key "
                           "and value, must match)")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        groups = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(groups, dim=-3)
        value = value.repeat_interleave(groups, dim=-3)
    factor = 1.0 / math.sqrt(query.shape[-1]) if scale is None else float(scale)
    scores = (query @ key.mT) * factor
    if is_causal:
        length, source = query.shape[-2], key.shape[-2]
        attn_mask = Tensor(np.tril(np.ones((length, source), np.bool_)))
    weights = attention_weights(scores, additive_mask(attn_mask, scores.dtype,
                                                      keep_where_true=True))
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value
