"""Layer ops: ``linear`` (one fused op), ``dropout`` (with the channel-wise ``dropout1d``,
``dropout2d``, ``dropout3d`` and SELU's ``alpha_dropout``) and ``embedding``."""
from __future__ import annotations

import math
import warnings
from typing import Any, Optional

import numpy as np

from ..function import Function, register
from ..grad_mode import is_grad_enabled, no_grad
from ..kernels.scatter import scatter_add_rows
from ..random import generator
from ..tensor import Tensor
from ._util import opmath
from .activation import dtype_name
from .linalg import matmul, matmul_arrays


def _check_linear(x: np.ndarray, w: np.ndarray, b: Optional[np.ndarray]) -> None:
    if w.ndim != 2:
        raise RuntimeError(f"linear: weight must be 2-D (out_features, in_features), got shape "
                           f"{w.shape}")
    if x.ndim == 0 or x.shape[-1] != w.shape[1]:
        rows = int(np.prod(x.shape[:-1])) if x.ndim else 1
        cols = x.shape[-1] if x.ndim else 1
        raise RuntimeError(f"linear: mat1 and mat2 shapes cannot be multiplied ({rows}x{cols} "
                           f"and {w.shape[1]}x{w.shape[0]}); input shape {x.shape}, weight "
                           f"shape {w.shape}")
    if x.dtype != w.dtype or (b is not None and b.dtype != w.dtype):
        dtypes = f"{x.dtype} and {w.dtype}" + (f" (bias {b.dtype})" if b is not None else "")
        raise RuntimeError(f"linear: expected input, weight and bias to have the same dtype, "
                           f"but got {dtypes}")
    if b is not None and b.shape not in ((w.shape[0],), (), (1,)):
        raise RuntimeError(f"linear: bias of shape {b.shape} does not match out_features "
                           f"{w.shape[0]}")


@register
class Linear(Function):
    """y = x @ W^T + b over leading batch dims;  dx = g @ W, dW = g^T x, db = sum(g)
    (batch dims folded into one, so dW is a single 2-D matmul)."""

    @staticmethod
    def forward(ctx, x, w, b):
        _check_linear(x, w, b)
        ctx.save_for_backward(x, w)
        out = matmul_arrays(x, w.T)
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        mm = matmul  # Tensor ops: recorded under create_graph
        if not is_grad_enabled():  # else arrays, sparing ~7 op calls per backward
            x, w, g, mm = x.data, w.data, g.data, matmul_arrays
        dx = mm(g, w) if need_x else None
        dw = db = None
        if need_w or need_b:
            g2 = g.reshape(-1, w.shape[0])
            if need_w:
                dw = mm(g2.T, x.reshape(-1, w.shape[1]))
            if need_b:
                db = g2.sum(0)
        return dx, dw, db


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
    """y = input @ weight^T + bias; a 1-D weight gives input @ weight, as PyTorch."""
    if weight.ndim == 1:
        return _linear_vector(input, weight, bias)
    return Linear.apply(input, weight, bias)


def _linear_vector(input: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
    """One output feature, squeezed: PyTorch's matrix-vector form, which takes a bias only
    with a 1-D input and a 0-d bias."""
    if input.ndim == 0 or input.shape[-1] != weight.shape[0]:
        raise RuntimeError(f"linear: input of shape {input.shape} cannot be multiplied by a 1-D "
                           f"weight of shape {weight.shape}")
    if bias is not None and (input.ndim != 1 or bias.ndim != 0):
        raise RuntimeError(f"linear: mat2 must be a matrix, got 1-D tensor (a 1-D weight takes "
                           f"a bias only with a 1-D input and a 0-d bias; got input shape "
                           f"{input.shape} and bias shape {bias.shape})")
    return Linear.apply(input, weight.unsqueeze(0), bias).squeeze(-1)


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p) (inverted
    dropout); the identity when not training or p == 0."""
    return _dropout(input, p, training, inplace, input.shape)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels (dim 1) of (N, C, H, W) (or (N, C, L), as PyTorch for now) with
    probability p, scaling the rest by 1/(1-p)."""
    _warn_feature_rank("dropout2d", input.ndim, 2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that "
                      "channel-wise 1D dropout behavior is desired - input is interpreted as "
                      "shape (N, C, L), where C is the channel dim.", UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training, inplace, batched=True)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) with probability p, scaling the rest by
    1/(1-p)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout "
                           "on inputs with 1 spatial dimension, a channel dimension, and an "
                           "optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 3)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True,
              inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p, scaling the
    rest by 1/(1-p)."""
    _warn_feature_rank("dropout3d", input.ndim, 3)
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 5)


def _warn_feature_rank(op: str, ndim: int, spatial: int) -> None:
    """PyTorch's deprecation warning for a rank other than spatial + 1 or spatial + 2."""
    if ndim not in (spatial + 1, spatial + 2):
        warnings.warn(f"{op}: Received a {ndim}-D input to {op}, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and "
                      "silence this warning, please use dropout instead.", UserWarning,
                      stacklevel=3)


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool,
                     batched: bool) -> Tensor:
    """One draw per channel: dim 1 of a batched input, dim 0 of an unbatched one."""
    lead = 2 if batched else 1
    if input.ndim + 1 - lead < 1:
        raise RuntimeError(f"Feature dropout requires at least 2 dimensions in the input, got "
                           f"shape {input.shape}")
    return _dropout(input, p, training, inplace,
                    input.shape[:lead] + (1,) * (input.ndim - lead))


_SELU_ALPHA_PRIME = 1.7580993408473766  # -scale * alpha of SELU: the value dropped units take


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's zero mean and unit variance: dropped units are set to
    -alpha' and the result is a * y + b (PyTorch's affine correction)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or input.data.size == 0:
        return input
    if p == 1.0:
        return _dropout(input, p, training, inplace, input.shape)
    if input.dtype.kind != "f":
        raise RuntimeError(f"alpha_dropout: result type Float can't be cast to the desired "
                           f"output type {dtype_name(input.dtype)}")
    keep = (generator().random(input.shape) >= p).astype(input.dtype)
    a = 1.0 / math.sqrt((_SELU_ALPHA_PRIME ** 2 * p + 1.0) * (1.0 - p))
    scale = keep * input.dtype.type(a)
    shift = ((keep - 1.0) * (_SELU_ALPHA_PRIME * a) + _SELU_ALPHA_PRIME * a * p).astype(
        input.dtype)
    if inplace:
        return input.mul_(scale).add_(shift)
    return input * Tensor(scale) + Tensor(shift)


def _dropout(input: Tensor, p: float, training: bool, inplace: bool, mask_shape: tuple) -> Tensor:
    """Inverted dropout with one keep/drop draw per entry of ``mask_shape`` (broadcast)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0 or input.data.size == 0:
        return input
    dtype = input.dtype
    if p == 1.0:  # PyTorch multiplies by zeros of the input's dtype, integers included
        mask = np.zeros(mask_shape, dtype)
    elif dtype.kind != "f":
        raise RuntimeError(f"dropout: result type Float can't be cast to the desired output "
                           f"type {dtype_name(dtype)} (input of dtype {dtype})")
    else:
        keep = generator().random(mask_shape, dtype=np.float32 if dtype == np.float32
                                  else np.float64) >= p
        mask = keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))
    if inplace:
        return input.mul_(mask)
    return input * Tensor(mask)


def _check_indices(indices: np.ndarray, num: int) -> None:
    if indices.dtype.kind not in "iu":
        raise RuntimeError(f"embedding: expected indices of an integer dtype (Long, Int), but "
                           f"got {indices.dtype}")
    if indices.size and (indices.min() < 0 or indices.max() >= num):
        bad = indices[(indices < 0) | (indices >= num)].flat[0]
        raise IndexError(f"embedding: index {bad} out of range for an embedding of "
                         f"{num} rows")


@register
class Embedding(Function):
    """y = W[indices];  dW = zeros with g's rows scatter-added at indices (repeated indices
    accumulate, or average with scale_grad_by_freq), the padding row gets nothing. The
    indices are saved, as PyTorch's: backward frees them (a second walk raises), and an
    in-place write into the index tensor before backward raises."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        _check_lookup(weight, indices)
        ctx.save_for_backward(indices)
        ctx.meta = (weight.shape[0], padding_idx, scale_grad_by_freq)
        return weight[indices]

    @staticmethod
    def backward(ctx, g):
        indices = ctx.saved_tensor(0)
        indices = indices.data if isinstance(indices, Tensor) else indices
        return EmbeddingBackward.apply(g, indices, *ctx.meta), None, None, None


@register
class EmbeddingBackward(Function):
    """y = zeros(num, D); y[indices[i]] += g[i] / (count of indices[i] if scale_grad_by_freq)
    except at padding_idx;  dg = gg[indices] times the same factors (zero at padding)"""

    @staticmethod
    def forward(ctx, g, indices, num, padding_idx, scale_grad_by_freq):
        flat = indices.reshape(-1)
        values = np.ascontiguousarray(opmath(g)[0])  # float16 summed in float32
        out = scatter_add_rows(num, flat,  # (row size written out: -1 fails for no indices)
                               values.reshape(flat.size, g.shape[-1]))
        row_scale = _inverse_counts(flat, num, out.dtype) if scale_grad_by_freq else None
        # the backward's factors in g's dtype, so float16 stays float16 there
        ctx.meta = (indices, padding_idx, None if row_scale is None else
                    row_scale.astype(g.dtype, copy=False))
        if row_scale is not None:
            out *= row_scale[:, None]
        if padding_idx is not None:
            out[padding_idx] = 0
        return out.astype(g.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        indices, padding_idx, row_scale = ctx.meta
        dg = Embedding.apply(gg, indices, None, False)
        if row_scale is not None:
            dg = dg * Tensor(row_scale[indices][..., None])
        if padding_idx is not None:
            dg = dg * Tensor((indices != padding_idx)[..., None].astype(gg.dtype))
        return dg, None, None, None, None


def _inverse_counts(flat: np.ndarray, num: int, dtype: np.dtype) -> np.ndarray:
    """1 / (occurrences of each row in the batch); 1 for rows that do not occur."""
    return (1.0 / np.maximum(np.bincount(flat, minlength=num), 1)).astype(dtype)


def _check_lookup(weight: np.ndarray, indices: np.ndarray) -> None:
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-D, got shape {weight.shape}")
    _check_indices(indices, weight.shape[0])


def _renorm_rows(weight: Tensor, indices: np.ndarray, max_norm: float,
                 norm_type: float) -> None:
    """PyTorch's embedding_renorm_: each looked-up row whose norm_type-norm exceeds max_norm
    is scaled by max_norm / (norm + 1e-7), in place and unrecorded."""
    _check_lookup(weight.data, indices)
    if weight.dtype.kind != "f":
        raise RuntimeError(f"embedding: max_norm needs a floating point weight to take norms "
                           f"of, got dtype {weight.dtype}")
    rows = np.unique(indices)
    with np.errstate(divide="ignore"):  # a zero entry under a negative norm_type
        norms = np.linalg.norm(weight.data[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        rows, norms = rows[over], norms[over].astype(np.float64)
        scale = (max_norm / (norms + 1e-7)).astype(weight.dtype)
        with no_grad():
            weight[rows] = weight.data[rows] * scale[:, None]


def embedding(input: Any, weight: Tensor, padding_idx: Optional[int] = None,
              max_norm: Optional[float] = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """y = weight[input]: rows of ``weight`` looked up by the integer tensor ``input``; with
    ``max_norm``, the looked-up rows are first renormalised in ``weight`` itself."""
    if sparse:
        raise NotImplementedError("embedding: sparse=True (sparse gradients) is not supported")
    indices = input.data if isinstance(input, Tensor) else np.asarray(input)
    padding_idx = _padding_index(padding_idx, weight.shape[0])
    if max_norm is not None:
        _renorm_rows(weight, indices, float(max_norm), float(norm_type))
    return Embedding.apply(weight, input if isinstance(input, Tensor) else indices, padding_idx,
                           bool(scale_grad_by_freq))


def _padding_index(padding_idx: Optional[int], num: int) -> Optional[int]:
    """padding_idx normalised to [0, num) (negative counts from the end, as PyTorch)."""
    if padding_idx is None:
        return None
    if not -num <= padding_idx < num:
        raise AssertionError(f"embedding: padding_idx must be within num_embeddings "
                             f"(got padding_idx={padding_idx} for {num} embeddings)")
    return padding_idx + num if padding_idx < 0 else padding_idx
