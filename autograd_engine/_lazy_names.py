"""Top-level names imported on first use: name -> "module" (same attribute name) or
"module:attribute", relative to the package. ``ae.conv2d`` then loads ops/conv.py (and its
kernels) only when a script reads it, so ``import autograd_engine`` stays fast."""
from __future__ import annotations


def _table(module: str, names: str) -> dict:
    return {name: module for name in names.split()}


LAZY_NAMES = {
    # PyTorch's other names and functional forms of Tensor methods
    **_table("ops.aliases", """multiply subtract divide negative positive absolute fix sgn rsub
             greater greater_equal less less_equal not_equal arccos arccosh arcsin arcsinh
             arctan arctan2 arctanh inverse t detach ravel equal is_same_size is_signed fill
             zero_"""),
    **_table("ops.linalg", "det slogdet"),
    # in-place forms: ae.abs_(x) is x.abs_()
    **_table("ops.aliases", """abs_ neg_ negative_ reciprocal_ sqrt_ rsqrt_ square_ exp_ exp2_
             expm1_ log_ log2_ log10_ log1p_ sin_ cos_ tan_ asin_ acos_ atan_ arcsin_ arccos_
             arctan_ sinh_ cosh_ tanh_ asinh_ acosh_ atanh_ arcsinh_ arccosh_ arctanh_
             sigmoid_ relu_ erf_ erfc_ logit_ i0_ sinc_ ceil_ floor_ round_ trunc_ fix_ frac_
             clamp_ clip_ clamp_min_ clamp_max_ nan_to_num_ deg2rad_ rad2deg_ xlogy_ ldexp_
             gcd_ lcm_ addmv_ index_put_ fill_ detach_ resize_as_ conj_physical_"""),
    **_table("ops.conjugation", """conj conj_physical resolve_conj resolve_neg is_conj is_neg
             isreal real imag angle adjoint"""),
    **_table("ops.copies", """view_copy permute_copy t_copy transpose_copy squeeze_copy
             unsqueeze_copy expand_copy diagonal_copy select_copy slice_copy unbind_copy
             split_copy split_with_sizes split_with_sizes_copy unfold_copy detach_copy
             alias_copy nonzero_static"""),
    **_table("ops.shape_math", "broadcast_shapes unravel_index"),
    **_table("conversion", "asarray scalar_tensor"),
    **_table("ops.finite_differences", "gradient"),
    **_table("queries", "typename is_inference"),
    # process settings
    **_table("settings", """set_num_threads get_num_threads set_num_interop_threads
             get_num_interop_threads use_deterministic_algorithms
             are_deterministic_algorithms_enabled is_deterministic_algorithms_warn_only_enabled
             set_deterministic_debug_mode get_deterministic_debug_mode set_default_device
             get_default_device set_float32_matmul_precision get_float32_matmul_precision
             set_warn_always is_warn_always_enabled"""),
    **_table("ops.window_functions", """hann_window hamming_window blackman_window
             bartlett_window kaiser_window"""),
    # solvers
    **_table("ops.solvers", "cholesky_solve cholesky_inverse triangular_solve lu_unpack"),
    "lu": "ops.solvers:legacy_lu",
    "lu_solve": "ops.solvers:legacy_lu_solve",
    # nn ops at the top level, as torch.X: nn.functional's signature ...
    **_table("ops.conv", """conv1d conv2d conv3d conv_transpose1d conv_transpose2d
             conv_transpose3d"""),
    **_table("ops.pool_nd", "adaptive_avg_pool1d"),
    **_table("ops.channel_shuffle", "channel_shuffle"),
    **_table("ops.bilinear", "bilinear"),
    **_table("ops.distance", "cosine_similarity pairwise_distance"),
    **_table("ops.pdist", "pdist"),
    **_table("ops.composed_activation", "prelu hardshrink"),
    **_table("ops.norm_extra", "rms_norm"),
    **_table("nn.functional", "pixel_shuffle pixel_unshuffle"),
    # ... or ATen's
    **_table("ops.aten_nn", """dropout dropout_ alpha_dropout alpha_dropout_
             feature_alpha_dropout feature_alpha_dropout_ layer_norm group_norm batch_norm
             instance_norm embedding embedding_bag selu selu_ celu celu_ threshold threshold_
             rrelu rrelu_ max_pool1d max_pool1d_with_indices max_pool2d max_pool3d avg_pool1d
             adaptive_max_pool1d kl_div binary_cross_entropy_with_logits margin_ranking_loss
             hinge_embedding_loss cosine_embedding_loss triplet_margin_loss poisson_nll_loss
             ctc_loss constant_pad_nd"""),
}
