"""Tensor methods: in-place forms, recorded in the graph when a gradient is needed
(ops/inplace.py).

Each delegates to its op; ``ops`` is resolved at call time, since the ops import Tensor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import ops

if TYPE_CHECKING:
    from ..tensor import Tensor


class InplaceMethods:
    __slots__ = ()

    def add_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "add_", lambda t: t.add(other, alpha=alpha), False)
        other = ops._util.array_of(other)
        return self._write_result("add_", self.data + (other * alpha if alpha != 1 else other))

    def sub_(self, other: Any, alpha: Any = 1) -> "Tensor":
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "sub_", lambda t: t.sub(other, alpha=alpha), False)
        other = ops._util.array_of(other)
        return self._write_result("sub_", self.data - (other * alpha if alpha != 1 else other))

    def mul_(self, other: Any) -> "Tensor":
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "mul_", lambda t: t * other, True)
        return self._write_result("mul_", self.data * ops._util.array_of(other))

    def div_(self, other: Any) -> "Tensor":
        if ops.inplace.needs_graph(self, (other,)):
            return ops.inplace.write(self, "div_", lambda t: t / other, True)
        return self._write_result("div_", self.data / ops._util.array_of(other))

    def clamp_(self, min: Any = None, max: Any = None) -> "Tensor":
        if ops.inplace.needs_graph(self, (min, max)):
            return ops.inplace.write(self, "clamp_", lambda t: t.clamp(min, max), True)
        min, max = ops._util.array_of(min), ops._util.array_of(max)
        return self._write_result("clamp_", np.clip(self.data, min, max))

    def zero_(self) -> "Tensor":
        return self.fill_(0)

    def fill_(self, value: Any) -> "Tensor":
        if ops.inplace.needs_graph(self, (value,)):
            self[...] = value
            return self
        return self._write("fill_", value)

    def copy_(self, src: Any) -> "Tensor":
        if ops.inplace.needs_graph(self, (src,)):
            self[...] = src
            return self
        return self._write("copy_", src)

    def __iadd__(self, other: Any) -> "Tensor":
        return self.add_(other)

    def __isub__(self, other: Any) -> "Tensor":
        return self.sub_(other)

    def __imul__(self, other: Any) -> "Tensor":
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> "Tensor":
        return self.div_(other)

    def __ifloordiv__(self, other: Any) -> "Tensor":
        return self._inplace("floor_divide_", lambda t: ops.elementwise.floor_divide(t, other),
                             other)

    def __imod__(self, other: Any) -> "Tensor":
        return self._inplace("remainder_", lambda t: ops.elementwise.remainder(t, other), other)

    def __setitem__(self, index: Any, value: Any) -> None:
        ops.inplace.setitem(self, index, value)

    def pow_(self, exponent: Any) -> "Tensor":
        return self._inplace("pow_", lambda t: t ** exponent, exponent)

    def neg_(self) -> "Tensor":
        return self._inplace("neg_", lambda t: t.neg(), keeps_input=False)

    def abs_(self) -> "Tensor":
        return self._inplace("abs_", lambda t: t.abs())

    def exp_(self) -> "Tensor":
        return self._inplace("exp_", lambda t: t.exp())

    def log_(self) -> "Tensor":
        return self._inplace("log_", lambda t: t.log())

    def sqrt_(self) -> "Tensor":
        return self._inplace("sqrt_", lambda t: t.sqrt())

    def square_(self) -> "Tensor":
        return self._inplace("square_", lambda t: t.square())

    def reciprocal_(self) -> "Tensor":
        return self._inplace("reciprocal_", lambda t: t.reciprocal())

    def relu_(self) -> "Tensor":
        return self._inplace("relu_", lambda t: t.relu())

    def sigmoid_(self) -> "Tensor":
        return self._inplace("sigmoid_", lambda t: t.sigmoid())

    def tanh_(self) -> "Tensor":
        return self._inplace("tanh_", lambda t: t.tanh())

    def clamp_min_(self, min: Any) -> "Tensor":
        return self._inplace("clamp_min_", lambda t: t.clamp_min(min), min)

    def clamp_max_(self, max: Any) -> "Tensor":
        return self._inplace("clamp_max_", lambda t: t.clamp_max(max), max)

    def lerp_(self, end: Any, weight: Any) -> "Tensor":
        return self._inplace("lerp_", lambda t: t.lerp(end, weight), end, weight)

    def addcmul_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return self._inplace("addcmul_", lambda t: t.addcmul(tensor1, tensor2, value=value),
                             tensor1, tensor2, keeps_input=False)

    def addcdiv_(self, tensor1: Any, tensor2: Any, *, value: Any = 1) -> "Tensor":
        return self._inplace("addcdiv_", lambda t: t.addcdiv(tensor1, tensor2, value=value),
                             tensor1, tensor2, keeps_input=False)

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> "Tensor":
        """Fill in place with N(mean, std^2) draws from the global generator."""
        from ..random import generator
        self._check_random_fill("normal_")
        return self.copy_(generator().normal(mean, std, self.shape).astype(self.dtype))

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> "Tensor":
        """Fill in place with U(a, b) draws from the global generator."""
        from ..random import generator
        self._check_random_fill("uniform_")
        return self.copy_(generator().uniform(a, b, self.shape).astype(self.dtype))

    def _check_random_fill(self, op: str) -> None:
        # before drawing, so a refused call leaves the generator where it was
        if self.data.dtype.kind != "f":
            raise NotImplementedError(f"{op}: not implemented for dtype {self.dtype}; "
                                      "expected a floating point tensor")
