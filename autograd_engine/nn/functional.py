"""``autograd_engine.nn.functional`` (``F``): the functional forms of activations and losses."""
from __future__ import annotations

import numpy as np

from ..ops.activation import (elu, gelu, leaky_relu, log_softmax, relu, sigmoid, silu, softmax,
                              softplus, tanh)
from ..ops.attention import scaled_dot_product_attention
from ..ops.composed_activation import (celu, glu, hardsigmoid, hardswish, hardtanh,
                                       hardshrink, logsigmoid, mish, prelu, relu6, selu,
                                       softmin, softshrink, softsign, tanhshrink, threshold)
from ..ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                        conv_transpose3d, max_pool2d, max_pool2d_with_indices)
from ..ops.pool_nd import (adaptive_avg_pool1d, adaptive_avg_pool3d, adaptive_max_pool1d,
                           adaptive_max_pool1d_with_indices, adaptive_max_pool3d,
                           adaptive_max_pool3d_with_indices, avg_pool1d, avg_pool3d, lp_pool1d,
                           lp_pool2d, lp_pool3d, max_pool1d, max_pool1d_with_indices,
                           max_pool3d, max_pool3d_with_indices, max_unpool1d, max_unpool3d)
from ..ops.fold import fold, unfold
from ..ops.interpolate import interpolate
from ..ops.loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy,
                        huber_loss, kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss)
from ..ops.ctc import ctc_loss
from ..ops.loss_extra import (cosine_embedding_loss, gaussian_nll_loss, hinge_embedding_loss,
                              margin_ranking_loss, multilabel_soft_margin_loss,
                              poisson_nll_loss, soft_margin_loss, triplet_margin_loss,
                              triplet_margin_with_distance_loss)
from ..ops.margin_loss import multi_margin_loss, multilabel_margin_loss
from ..ops.distance import cosine_similarity, normalize, pairwise_distance
from ..ops.nn_ops import (alpha_dropout, dropout, dropout1d, dropout2d, dropout3d, embedding,
                          linear)
from ..ops.norm import batch_norm, group_norm, layer_norm
from ..ops.norm_extra import instance_norm, local_response_norm, rms_norm
from ..ops.bilinear import bilinear
from ..ops.embedding_bag import embedding_bag
from ..ops.pool import (adaptive_avg_pool2d, adaptive_max_pool2d,
                        adaptive_max_pool2d_with_indices, avg_pool2d, max_unpool2d)
from ..ops.shape import pad
from ..ops.channel_shuffle import channel_shuffle, native_channel_shuffle
from ..ops.grid_sample import affine_grid, grid_sample
from ..ops.inplace_activation import (celu_, elu_, hardtanh_, leaky_relu_, relu_, selu_,
                                      threshold_)
from ..ops.pdist import pdist
from ..ops.stochastic import feature_alpha_dropout, gumbel_softmax, rrelu, rrelu_
from ..ops.upsample import upsample, upsample_bilinear, upsample_nearest
from ..tensor import Tensor

__all__ = ["unfold", "fold", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu", "softplus", "elu",
           "hardtanh", "relu6", "hardsigmoid", "hardswish", "mish", "softsign", "logsigmoid",
           "glu", "prelu", "selu", "celu", "softmin", "tanhshrink", "softmax", "log_softmax", "cross_entropy", "nll_loss", "mse_loss", "l1_loss",
           "smooth_l1_loss", "huber_loss", "kl_div", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "one_hot", "linear", "dropout", "embedding",
           "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "batch_norm",
           "layer_norm", "group_norm", "dropout2d", "normalize", "cosine_similarity",
           "pairwise_distance", "scaled_dot_product_attention", "pad", "conv_transpose2d",
           "interpolate", "hardshrink", "softshrink", "threshold", "dropout1d", "dropout3d",
           "alpha_dropout", "pixel_shuffle", "pixel_unshuffle", "adaptive_max_pool2d",
           "adaptive_max_pool2d_with_indices", "max_pool2d_with_indices", "max_unpool2d",
           "conv1d", "conv3d", "conv_transpose1d", "conv_transpose3d", "max_pool1d",
           "max_pool3d", "max_pool1d_with_indices", "max_pool3d_with_indices", "avg_pool1d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool3d", "lp_pool1d",
           "lp_pool2d", "lp_pool3d",
           "relu_", "elu_", "leaky_relu_", "hardtanh_", "selu_", "celu_", "threshold_",
           "rrelu", "rrelu_", "feature_alpha_dropout", "gumbel_softmax", "channel_shuffle",
           "native_channel_shuffle", "pdist", "upsample", "upsample_nearest",
           "upsample_bilinear", "affine_grid", "grid_sample"]
__all__ += ["rms_norm", "instance_norm", "local_response_norm", "bilinear", "embedding_bag"]
__all__ += ["cosine_embedding_loss", "ctc_loss", "gaussian_nll_loss", "hinge_embedding_loss",
            "margin_ranking_loss", "multi_margin_loss", "multilabel_margin_loss",
            "multilabel_soft_margin_loss", "poisson_nll_loss", "soft_margin_loss",
            "triplet_margin_loss", "triplet_margin_with_distance_loss"]


def one_hot(input: Tensor, num_classes: int = -1) -> Tensor:
    """int64 tensor of shape input.shape + (num_classes,), 1 at each index; num_classes=-1
    means max + 1."""
    labels = input.data if isinstance(input, Tensor) else np.asarray(input)
    if labels.dtype != np.int64:
        raise RuntimeError(f"one_hot: one_hot is only applicable to index tensor of type "
                           f"LongTensor, got dtype {labels.dtype}.")
    if num_classes == -1:
        if labels.size == 0:
            raise RuntimeError("one_hot: Can not infer total number of classes from empty "
                               "tensor.")
        num_classes = int(labels.max()) + 1
    if labels.size and labels.min() < 0:
        raise RuntimeError(f"one_hot: Class values must be non-negative, got "
                           f"{int(labels.min())}.")
    if labels.size and labels.max() >= num_classes:
        raise RuntimeError(f"one_hot: Class values must be smaller than num_classes "
                           f"({num_classes}), got {int(labels.max())}.")
    return Tensor((labels[..., None] == np.arange(num_classes)).astype(np.int64))


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r): channel c r^2 + i r + j goes to pixel (i, j) of
    each r x r block."""
    r = _shuffle_factor("pixel_shuffle", input, upscale_factor, "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W), the inverse of pixel_shuffle."""
    r = _shuffle_factor("pixel_unshuffle", input, downscale_factor, "downscale_factor")
    *lead, c, h, w = input.shape
    for name, size, dim in (("height", h, -2), ("width", w, -1)):
        if size % r:
            raise RuntimeError(f"pixel_unshuffle expects {name} to be divisible by "
                               f"downscale_factor, but input.size({dim})={size} is not "
                               f"divisible by {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def _shuffle_factor(op: str, input: Tensor, factor: int, name: str) -> int:
    if input.ndim < 3:
        raise RuntimeError(f"{op} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{op} expects a positive {name}, but got {factor}")
    return int(factor)
