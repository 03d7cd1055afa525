"""Lazy modules (PyTorch's ``torch.nn.modules.lazy``): layers whose input size is inferred
from their first input. Until then their weights are ``UninitializedParameter`` s; the first
call materializes them, runs the regular layer's ``reset_parameters`` (the same random draws
as building the regular layer at that point) and turns the module into that layer
(``LazyLinear`` becomes ``Linear``). Loading a state dict materializes them too."""
from __future__ import annotations

import itertools
from typing import Any, Optional, Union

import numpy as np

from ..grad_mode import no_grad
from ..ops.conv import IntTuple
from ..tensor import Tensor
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,
                   ConvTranspose3d, _ConvTranspose)
from .layers import Linear
from .module import _as_array
from .norm import BatchNorm1d, BatchNorm2d, _BatchNorm, _NormBase
from .norm_extra import (BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d,
                         _InstanceNorm)
from .parameter import UninitializedBuffer, UninitializedParameter, is_lazy

__all__ = ["LazyModuleMixin", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d",
           "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
           "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyInstanceNorm1d",
           "LazyInstanceNorm2d", "LazyInstanceNorm3d"]


class LazyModuleMixin:
    """Put before a ``Module`` subclass: a forward pre-hook calls ``initialize_parameters``
    with the first call's arguments, checks nothing is left uninitialized, removes itself
    and turns the module into ``cls_to_become`` (when set)."""

    cls_to_become: Optional[type] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(self._infer_parameters,
                                                               with_kwargs=True)

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        """As ``Module``'s, but the placeholders go in as they are (they cannot detach)."""
        for name, t in self._state_items():
            destination[prefix + name] = t if keep_vars or is_lazy(t) else t.detach()

    def _upgrade_state_dict(self, state_dict: dict, prefix: str) -> None:
        """PyTorch's ``_lazy_load_hook``: a placeholder takes the shape of the checkpoint's
        tensor, so a lazy module loads an initialized state (and then stays as loaded)."""
        for name, t in itertools.chain(self._parameters.items(), self._buffers.items()):
            value = state_dict.get(prefix + name)
            if is_lazy(t) and value is not None and not is_lazy(value):
                array = _as_array(value)
                if array is not None:
                    t.materialize(array.shape)
        super()._upgrade_state_dict(state_dict, prefix)

    def initialize_parameters(self, *args: Any, **kwargs: Any) -> None:
        """Materialize the placeholders from the first call's arguments."""
        raise NotImplementedError(
            f"initialize_parameters is not implemented for {type(self).__name__}")

    def has_uninitialized_params(self) -> bool:
        """Whether a parameter or buffer is still a placeholder."""
        return any(is_lazy(t) for t in itertools.chain(self._parameters.values(),
                                                       self._buffers.values()))

    def _infer_parameters(self, module: Any, args: tuple, kwargs: Optional[dict] = None
                          ) -> None:
        module.initialize_parameters(*args, **(kwargs or {}))
        if module.has_uninitialized_params():
            raise RuntimeError(f"module {self._get_name()} has not been fully initialized")
        module._initialize_hook.remove()
        del module._initialize_hook
        if module.cls_to_become is not None:
            module.__class__ = module.cls_to_become


class LazyLinear(LazyModuleMixin, Linear):
    """``Linear`` with ``in_features`` inferred from ``input.shape[-1]``."""

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(0, 0, False, device, dtype)
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_features = out_features
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if self.has_uninitialized_params():
            with no_grad():
                self.in_features = input.shape[-1]
                self.weight.materialize((self.out_features, self.in_features))
                if self.bias is not None:
                    self.bias.materialize((self.out_features,))
                self.reset_parameters()
        if self.in_features == 0:  # weights loaded from a state dict: take in_features
            if input.shape[-1] != self.weight.shape[-1]:
                raise AssertionError(f"The in_features inferred from input: "
                                     f"{input.shape[-1]} is not equal to in_features from "
                                     f"self.weight: {self.weight.shape[-1]}")
            self.in_features = input.shape[-1]


def _check_uninitialized(module: Any, name: str) -> None:
    if not isinstance(getattr(module, name), UninitializedParameter):
        raise AssertionError(f"self.{name} must be an UninitializedParameter")


class _LazyConvXdMixin(LazyModuleMixin):
    """``in_channels`` from the channel dim of the first input (dim 1 batched, 0 not)."""

    def _make_lazy(self, out_channels: int, bias: bool, device: Any, dtype: Any) -> None:
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        self.out_channels = out_channels
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.in_channels != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor, *args: Any, **kwargs: Any) -> None:
        if not self.has_uninitialized_params():
            return
        self.in_channels = self._get_in_channels(input)
        if self.in_channels % self.groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        _check_uninitialized(self, "weight")
        if isinstance(self, _ConvTranspose):
            channels = (self.in_channels, self.out_channels // self.groups)
        else:
            channels = (self.out_channels, self.in_channels // self.groups)
        self.weight.materialize(channels + self.kernel_size)
        if self.bias is not None:
            _check_uninitialized(self, "bias")
            self.bias.materialize((self.out_channels,))
        self.reset_parameters()

    def _get_in_channels(self, input: Tensor) -> int:
        n = self._dims
        if input.ndim not in (n + 1, n + 2):
            raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input "
                               f"to {type(self).__name__}, but got input of size: "
                               f"{tuple(input.shape)}")
        return input.shape[1] if input.ndim == n + 2 else input.shape[0]


class _LazyConv(_LazyConvXdMixin):
    def __init__(self, out_channels: int, kernel_size: IntTuple, stride: IntTuple = 1,
                 padding: Union[IntTuple, str] = 0, dilation: IntTuple = 1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros", device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, dilation, groups, False,
                         padding_mode, device, dtype)
        self._make_lazy(out_channels, bias, device, dtype)


class _LazyConvTranspose(_LazyConvXdMixin):
    def __init__(self, out_channels: int, kernel_size: IntTuple, stride: IntTuple = 1,
                 padding: IntTuple = 0, output_padding: IntTuple = 0, groups: int = 1,
                 bias: bool = True, dilation: IntTuple = 1, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(0, 0, kernel_size, stride, padding, output_padding, groups, False,
                         dilation, padding_mode, device, dtype)
        self._make_lazy(out_channels, bias, device, dtype)


class LazyConv1d(_LazyConv, Conv1d):
    """``Conv1d`` with ``in_channels`` inferred from the first input."""

    cls_to_become = Conv1d


class LazyConv2d(_LazyConv, Conv2d):
    """``Conv2d`` with ``in_channels`` inferred from the first input."""

    cls_to_become = Conv2d


class LazyConv3d(_LazyConv, Conv3d):
    """``Conv3d`` with ``in_channels`` inferred from the first input."""

    cls_to_become = Conv3d


class LazyConvTranspose1d(_LazyConvTranspose, ConvTranspose1d):
    """``ConvTranspose1d`` with ``in_channels`` inferred from the first input."""

    cls_to_become = ConvTranspose1d


class LazyConvTranspose2d(_LazyConvTranspose, ConvTranspose2d):
    """``ConvTranspose2d`` with ``in_channels`` inferred from the first input."""

    cls_to_become = ConvTranspose2d


class LazyConvTranspose3d(_LazyConvTranspose, ConvTranspose3d):
    """``ConvTranspose3d`` with ``in_channels`` inferred from the first input."""

    cls_to_become = ConvTranspose3d


class _LazyNormBase(LazyModuleMixin, _NormBase):
    """``num_features`` from ``input.shape[1]``. As PyTorch's, the instance norms get this
    constructor too, so they default to ``affine=True, track_running_stats=True``, and a
    lazy norm layer derives from ``_BatchNorm`` / ``_InstanceNorm``, not from the layer it
    becomes."""

    def __init__(self, eps: float = 1e-5, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: Any = None,
                 dtype: Any = None, *, bias: bool = True) -> None:
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = Tensor(np.array(0, np.int64))

    def reset_parameters(self) -> None:
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        if not self.has_uninitialized_params():
            return
        self.num_features = input.shape[1]
        if self.affine:
            _check_uninitialized(self, "weight")
            self.weight.materialize((self.num_features,))
            if self.bias is not None:
                _check_uninitialized(self, "bias")
                self.bias.materialize((self.num_features,))
        if self.track_running_stats:
            self.running_mean.materialize((self.num_features,))
            self.running_var.materialize((self.num_features,))
        self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    """``BatchNorm1d`` with ``num_features`` inferred from the first input."""

    cls_to_become = BatchNorm1d
    input_ranks, rank_text = BatchNorm1d.input_ranks, BatchNorm1d.rank_text


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    """``BatchNorm2d`` with ``num_features`` inferred from the first input."""

    cls_to_become = BatchNorm2d
    input_ranks, rank_text = BatchNorm2d.input_ranks, BatchNorm2d.rank_text


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    """``BatchNorm3d`` with ``num_features`` inferred from the first input."""

    cls_to_become = BatchNorm3d
    input_ranks, rank_text = BatchNorm3d.input_ranks, BatchNorm3d.rank_text


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """``InstanceNorm1d`` with ``num_features`` inferred from ``input.shape[1]``."""

    cls_to_become = InstanceNorm1d
    no_batch_dim = InstanceNorm1d.no_batch_dim


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """``InstanceNorm2d`` with ``num_features`` inferred from ``input.shape[1]``."""

    cls_to_become = InstanceNorm2d
    no_batch_dim = InstanceNorm2d.no_batch_dim


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """``InstanceNorm3d`` with ``num_features`` inferred from ``input.shape[1]``."""

    cls_to_become = InstanceNorm3d
    no_batch_dim = InstanceNorm3d.no_batch_dim
