"""``nn.Buffer``: a Tensor that marks a module attribute as a buffer (PyTorch 2.5+)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor


class Buffer(Tensor):
    """``module.name = Buffer(t)`` registers ``t``'s data as a buffer, in ``state_dict`` unless
    ``persistent=False``. As PyTorch's, it shares ``data``'s memory and version counter, is a
    leaf, and keeps its ``requires_grad``."""

    __slots__ = ("persistent",)

    def __init__(self, data: Optional[Tensor] = None, *, persistent: bool = True) -> None:
        if data is None:
            data = Tensor(np.empty(0, get_default_dtype()))
        if not isinstance(data, Tensor):
            raise AttributeError(f"Buffer: expected a Tensor, got '{type(data).__name__}' "
                                 f"(which has no attribute 'detach')")
        super().__init__(data.data, data.requires_grad)
        if data._vc is None:
            data._vc = [0]
        self._vc = data._vc
        self.persistent = persistent
