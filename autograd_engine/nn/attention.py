"""``MultiheadAttention`` with PyTorch's parameters, masks and shapes, composed of
differentiable ops (the projections are ``F.linear``, the attention is batched matmuls)."""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from ..ops.attention import additive_mask, attention_weights
from ..ops.shape import cat, pad
from ..tensor import Tensor
from . import functional as F
from . import init
from .layers import Linear, _dtype
from .module import Module, Parameter


class MultiheadAttention(Module):
    """Attention of ``num_heads`` heads of size embed_dim / num_heads: inputs (L, N, E), or
    (N, L, E) with ``batch_first``, or unbatched (L, E); returns (output, weights averaged
    over heads, or per head, or None with ``need_weights=False``).

    Masks as PyTorch's: in ``key_padding_mask`` (N, S) and a bool ``attn_mask`` (L, S) or
    (N * num_heads, L, S) True means *not* allowed; float masks are added to the scores.
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False,
                 kdim: Optional[int] = None, vdim: Optional[int] = None,
                 batch_first: bool = False, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise AssertionError(f"embed_dim must be divisible by num_heads, got embed_dim="
                             f"{embed_dim} and num_heads={num_heads}")
        dtype = _dtype(dtype)
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self.head_dim = embed_dim // num_heads
        self.batch_first, self.add_zero_attn = batch_first, add_zero_attn
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dtype))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight = Parameter(np.empty((embed_dim, embed_dim), dtype))
            self.k_proj_weight = Parameter(np.empty((embed_dim, self.kdim), dtype))
            self.v_proj_weight = Parameter(np.empty((embed_dim, self.vdim), dtype))
            self.in_proj_weight = None
        self.in_proj_bias = Parameter(np.empty(3 * embed_dim, dtype)) if bias else None
        if add_bias_kv:
            self.bias_k = Parameter(np.empty((1, 1, embed_dim), dtype))
            self.bias_v = Parameter(np.empty((1, 1, embed_dim), dtype))
        else:
            self.bias_k = self.bias_v = None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        """PyTorch's: Xavier-uniform projections, zero biases, Xavier-normal bias_k/v."""
        for weight in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight,
                       self.v_proj_weight):
            if weight is not None:
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)
        for extra in (self.bias_k, self.bias_v):
            if extra is not None:
                init.xavier_normal_(extra)

    def _projections(self, query: Tensor, key: Tensor, value: Tensor) -> tuple:
        """q, k, v; self-attention with the packed weight is one GEMM."""
        if self._qkv_same_embed_dim and query is key and key is value:
            return F.linear(query, self.in_proj_weight, self.in_proj_bias).chunk(3, -1)
        e = self.embed_dim
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
        if self._qkv_same_embed_dim:
            w = self.in_proj_weight
            weights = (w[:e], w[e:2 * e], w[2 * e:])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        return tuple(F.linear(x, w_, b_) for x, w_, b_ in zip((query, key, value), weights,
                                                              biases))

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any,
                      attn_mask: Any) -> None:
        """PyTorch's AssertionErrors for inputs of the wrong rank or shape, or masks of
        another dtype than bool or float."""
        if query.ndim not in (2, 3):
            raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but "
                                 f"received {query.ndim}-D query tensor")
        if key.ndim != query.ndim or value.ndim != query.ndim:
            raise AssertionError(f"For a {query.ndim}-D `query`, expected `key` and `value` to "
                                 f"be {query.ndim}-D but found {key.ndim}-D and {value.ndim}-D "
                                 f"tensors respectively")
        if key.shape[:-1] != value.shape[:-1] or (self._qkv_same_embed_dim
                                                   and key.shape != value.shape):
            raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                                 f"{tuple(value.shape)}")
        for mask, name in ((key_padding_mask, "key_padding_mask"), (attn_mask, "attn_mask")):
            if mask is not None and _as_tensor(mask).dtype.kind not in "bf":
                raise AssertionError(f"only bool and floating types of {name} are supported")
        if key_padding_mask is not None:
            source_dim = 1 if self.batch_first and query.ndim == 3 else 0
            expected = (key.shape[source_dim],) if query.ndim == 2 else (
                key.shape[1 - source_dim], key.shape[source_dim])
            if tuple(_as_tensor(key_padding_mask).shape) != expected:
                raise AssertionError(f"expecting key_padding_mask shape of {expected}, but got "
                                     f"{tuple(_as_tensor(key_padding_mask).shape)}")

    def forward(self, query: Tensor, key: Tensor, value: Tensor,
                key_padding_mask: Any = None, need_weights: bool = True,
                attn_mask: Any = None, average_attn_weights: bool = True,
                is_causal: bool = False) -> tuple:
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: Need attn_mask if specifying the "
                               "is_causal hint")
        self._check_inputs(query, key, value, key_padding_mask, attn_mask)
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = _as_tensor(key_padding_mask).unsqueeze(0)
        elif self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        if query.shape[-1] != self.embed_dim:
            raise AssertionError(f"was expecting embedding dimension of {self.embed_dim}, but "
                                 f"got {query.shape[-1]}")
        length, n_batch = query.shape[:2]
        heads, head_dim = self.num_heads, self.head_dim
        if is_causal and key_padding_mask is None and not need_weights:
            # PyTorch's hint: it then drops attn_mask and lets SDPA apply a causal mask
            attn_mask = Tensor(np.triu(np.ones((length, key.shape[0]), bool), 1))
        q, k, v = self._projections(query, key, value)
        mask = additive_mask(attn_mask, q.dtype, keep_where_true=False)
        padding = additive_mask(key_padding_mask, q.dtype, keep_where_true=False)
        if self.bias_k is not None:
            k = cat([k, self.bias_k.expand(1, n_batch, self.embed_dim)])
            v = cat([v, self.bias_v.expand(1, n_batch, self.embed_dim)])
            mask, padding = _pad_last(mask), _pad_last(padding)
        # (S, N, E) -> (N * heads, S, head_dim)
        q = q.reshape(length, n_batch * heads, head_dim).transpose(0, 1)
        k = k.reshape(k.shape[0], n_batch * heads, head_dim).transpose(0, 1)
        v = v.reshape(v.shape[0], n_batch * heads, head_dim).transpose(0, 1)
        if self.add_zero_attn:
            zeros = Tensor(np.zeros((n_batch * heads, 1, head_dim), q.dtype))
            k, v = cat([k, zeros], 1), cat([v, zeros], 1)
            mask, padding = _pad_last(mask), _pad_last(padding)
        source = k.shape[1]
        if padding is not None:
            padding = padding.reshape(n_batch, 1, 1, source).expand(
                n_batch, heads, 1, source).reshape(n_batch * heads, 1, source)
            mask = padding if mask is None else mask + padding
        scores = (q * math.sqrt(1.0 / head_dim)) @ k.mT
        # as PyTorch: need_weights=False takes its SDPA path, where a fully masked query row
        # gives 0; need_weights=True gives NaN there
        weights = attention_weights(scores, mask, safe=not need_weights)
        if self.dropout > 0.0:
            weights = F.dropout(weights, self.dropout, self.training)
        out = (weights @ v).transpose(0, 1).reshape(length * n_batch, self.embed_dim)
        out = self.out_proj(out).reshape(length, n_batch, self.embed_dim)
        if unbatched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        weights = weights.reshape(n_batch, heads, length, source)
        if average_attn_weights:
            weights = weights.mean(1)
        return out, weights.squeeze(0) if unbatched else weights

    def extra_repr(self) -> str:
        return ""  # PyTorch prints only the out_proj child


def _as_tensor(mask: Any) -> Tensor:
    return mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))


def _pad_last(mask: Optional[Tensor]) -> Optional[Tensor]:
    """One more key position (bias_k or the zero key), which every query may attend."""
    return None if mask is None else pad(mask, (0, 1))
