"""The top-level forms of nn ops whose signature differs from ``nn.functional``'s (PyTorch's
``torch.dropout(input, p, train)``, ``torch.batch_norm(input, weight, bias, running_mean,
...)``, ``torch.embedding(weight, indices)``, losses taking ``reduction`` as an int: 0 none,
1 mean, 2 sum, ...). Each checks what ATen checks and calls the functional op; the ``cudnn``
flags are accepted and ignored. Imported on first use of one of its names."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ..tensor import Tensor
from . import composed_activation as _activation
from . import loss as _loss
from . import loss_extra as _loss_extra
from . import nn_ops as _nn
from . import pool_nd as _pool
from .conv import max_pool2d as _max_pool2d
from .ctc import ctc_loss as _ctc_loss
from .embedding_bag import bag_max_rows, embedding_bag as _embedding_bag
from .inplace_activation import celu_ as _celu_, selu_ as _selu_, threshold_ as _threshold_
from .norm import batch_norm as _batch_norm, group_norm as _group_norm, layer_norm as _layer_norm
from .norm_extra import instance_norm as _instance_norm
from .shape import pad as _pad
from .stochastic import feature_alpha_dropout as _feature_alpha_dropout, rrelu_with_generator


def _reduction(value: Any, op: str, position: int) -> str:
    """ATen's reduction enum: 1 mean, 2 sum, any other int none. (PyTorch's Python binding
    of these ops defaults to 0, none, whatever the schema says; so do the ones here.)"""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{op}(): argument 'reduction' (position {position}) must be int, not "
                        f"{type(value).__name__}")
    return {1: "mean", 2: "sum"}.get(int(value), "none")


# -- dropout ----------------------------------------------------------------------------------
def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.dropout(input, p, training=train)``."""
    _check_p(p)
    return _nn.dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    _check_p(p)
    return _nn.dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.alpha_dropout(input, p, training=train)``."""
    _check_p(p)
    return _nn.alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    _check_p(p)
    return _nn.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.feature_alpha_dropout(input, p, training=train)``."""
    _check_p(p)
    return _feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    _check_p(p)
    return _feature_alpha_dropout(input, p, train, inplace=True)


# -- normalisation ----------------------------------------------------------------------------
def layer_norm(input: Tensor, normalized_shape: Any, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05,
               cudnn_enable: bool = True) -> Tensor:
    return _layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05,
               cudnn_enabled: bool = True) -> Tensor:
    return _group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Optional[Tensor], bias: Optional[Tensor],
               running_mean: Optional[Tensor], running_var: Optional[Tensor], training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    """``F.batch_norm`` with ATen's argument order."""
    return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input: Tensor, weight: Optional[Tensor], bias: Optional[Tensor],
                  running_mean: Optional[Tensor], running_var: Optional[Tensor],
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    """``F.instance_norm`` with ATen's argument order."""
    return _instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                          momentum, eps)


# -- embeddings -------------------------------------------------------------------------------
def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` (note the order: weight first); the row ``padding_idx`` (when in
    range; -1 and other negatives mean none) gets no gradient."""
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if not 0 <= padding_idx < weight.shape[0]:
        padding_idx = None
    return _nn.embedding(indices, weight, padding_idx, None, 2.0, scale_grad_by_freq, sparse)


_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(weight: Tensor, indices: Tensor, offsets: Tensor,
                  scale_grad_by_freq: bool = False, mode: int = 0, sparse: bool = False,
                  per_sample_weights: Optional[Tensor] = None,
                  include_last_offset: bool = False,
                  padding_idx: Optional[int] = None) -> tuple:
    """ATen's embedding_bag on 1-D indices cut at ``offsets``, ``mode`` 0 sum, 1 mean, 2 max:
    (output, offset2bag, bag_size, max_indices), the last three int64 as PyTorch's CPU kernel
    gives them (offset2bag empty for a float32 'sum' without a padding_idx; bag_size the rows
    counted in each bag, zeros for 'sum'; max_indices the rows of each column's maximum for
    'max', bag_size for 'mean', zeros for 'sum'). A negative padding_idx counts from the
    end."""
    if not isinstance(offsets, Tensor):
        raise TypeError(f"embedding_bag(): argument 'offsets' (position 3) must be Tensor, not "
                        f"{type(offsets).__name__}")
    if mode not in (0, 1, 2):
        raise RuntimeError("`mode` must be sum, mean, or max.")
    if offsets.ndim != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension "
                           f"{offsets.ndim}")
    if indices.ndim != 1:
        raise RuntimeError(f"embedding_bag: input has to be a 1D Tensor here (offsets given), "
                           f"but got Tensor of dimension {indices.ndim}")
    num = weight.shape[0]
    if padding_idx is not None and not -num <= padding_idx < num:
        raise RuntimeError(f"padding_idx must be within the number of embeddings, {-num} "
                           f"through {num - 1}, but got {padding_idx}")
    padding = None if padding_idx is None else padding_idx % num
    output = _embedding_bag(indices, weight, offsets, None, 2, scale_grad_by_freq,
                            _BAG_MODES[mode], sparse, per_sample_weights, include_last_offset,
                            padding)
    bookkeeping = _bag_bookkeeping(weight.data, indices.data.astype(np.int64),
                                   offsets.data.astype(np.int64), mode, include_last_offset,
                                   padding_idx is None, padding)
    return (output,) + tuple(Tensor(a) for a in bookkeeping)


def _bag_bookkeeping(weight: np.ndarray, indices: np.ndarray, offsets: np.ndarray, mode: int,
                     include_last_offset: bool, no_padding: bool,
                     padding: Optional[int]) -> tuple:
    """offset2bag, bag_size and max_indices of PyTorch's CPU embedding_bag (indices past
    the last offset count in the last bag there)."""
    n_bags = max(offsets.size - 1, 0) if include_last_offset else offsets.size
    bag = np.searchsorted(offsets[:n_bags], np.arange(indices.size), side="right") - 1
    # PyTorch's fast float32/float16 'sum' path fills no offset2bag
    fast_sum = mode == 0 and no_padding and weight.dtype != np.float64
    offset2bag = np.zeros(0, np.int64) if fast_sum else bag
    if mode == 0:  # (one entry per offset, with include_last_offset too)
        return offset2bag, np.zeros(offsets.size, np.int64), np.zeros(offsets.size, np.int64)
    counted = (indices != padding) & (bag >= 0)
    bag_size = np.bincount(bag[counted], minlength=n_bags).astype(np.int64)
    if mode == 1:
        return offset2bag, bag_size, bag_size.copy()
    max_indices = np.zeros((n_bags, weight.shape[1]), np.int64)
    if counted.any():
        rows, row_bag = indices[counted], bag[counted]
        starts, first = bag_max_rows(weight[rows], row_bag)
        max_indices[row_bag[starts]] = rows[first.T]
    return offset2bag, bag_size, max_indices


# -- activations ------------------------------------------------------------------------------
def selu(input: Tensor) -> Tensor:
    return _activation.selu(input)


def selu_(input: Tensor) -> Tensor:
    return _selu_(input)


def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _activation.celu(input, alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return _celu_(input, alpha)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """value where input <= threshold, else input."""
    return _activation.threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _threshold_(input, threshold, value)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, generator: Any = None) -> Tensor:
    """``F.rrelu``, the training slopes drawn from ``generator``."""
    return rrelu_with_generator(input, lower, upper, training, False, generator)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False, generator: Any = None) -> Tensor:
    return rrelu_with_generator(input, lower, upper, training, True, generator)


# -- pooling (ATen's empty ``stride`` means the kernel size) ----------------------------------
def _stride(stride: Any) -> Any:
    return None if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else stride


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    return _pool.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size: Any, stride: Any = (),
                            padding: Any = 0, dilation: Any = 1,
                            ceil_mode: bool = False) -> tuple:
    return _pool.max_pool1d_with_indices(input, kernel_size, _stride(stride), padding,
                                         dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    return _max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False) -> Tensor:
    return _pool.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = (), padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    return _pool.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode,
                            count_include_pad)


def adaptive_max_pool1d(input: Tensor, output_size: Any) -> tuple:
    """(values, indices), always both."""
    return _pool.adaptive_max_pool1d(input, output_size, return_indices=True)


# -- losses (reduction: 0 none, 1 mean, 2 sum) ------------------------------------------------
def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:
    """The pointwise KL divergence, its mean over all elements or its sum."""
    name = _reduction(reduction, "kl_div", 3)
    loss = _loss.kl_div(input, target, "sum" if name == "sum" else "none", log_target)
    return loss.mean() if name == "mean" else loss


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Optional[Tensor] = None,
                                     pos_weight: Optional[Tensor] = None,
                                     reduction: int = 0) -> Tensor:
    return _loss.binary_cross_entropy_with_logits(
        input, target, weight, _reduction(reduction, "binary_cross_entropy_with_logits", 5),
        pos_weight)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    return _loss_extra.margin_ranking_loss(
        input1, input2, target, margin, _reduction(reduction, "margin_ranking_loss", 5))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:
    return _loss_extra.hinge_embedding_loss(
        input, target, margin, _reduction(reduction, "hinge_embedding_loss", 4))


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    return _loss_extra.cosine_embedding_loss(
        input1, input2, target, margin, _reduction(reduction, "cosine_embedding_loss", 5))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-06,
                        swap: bool = False, reduction: int = 0) -> Tensor:
    return _loss_extra.triplet_margin_loss(
        anchor, positive, negative, margin, p, eps, swap,
        _reduction(reduction, "triplet_margin_loss", 8))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    return _loss_extra.poisson_nll_loss(input, target, log_input, full, eps,
                                        _reduction(reduction, "poisson_nll_loss", 6))


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Any, target_lengths: Any,
             blank: int = 0, reduction: int = 0, zero_infinity: bool = False) -> Tensor:
    return _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                     _reduction(reduction, "ctc_loss", 6), zero_infinity)


# -- padding ----------------------------------------------------------------------------------
def constant_pad_nd(input: Tensor, pad: Any, value: Any = 0) -> Tensor:
    """``F.pad(input, pad, 'constant', value)`` (an integer tensor takes the value cast)."""
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    return _pad(input, pad, "constant", value)

