"""Cases for ops/nn_ops.py: the fused Linear (batch dims, 1-D input, no bias, broadcast bias)
and Embedding (repeated indices; padding_idx on its backward op)."""
import numpy as np

from autograd_engine.ops import nn_ops

from . import Case, rand

_IDX = np.array([[0, 2, 2], [4, 0, 2]])  # repeats, so the scatter-add accumulates


def _linear(x_shape, bias_shape=(2,)):
    def inputs():
        tensors = (rand(*x_shape, seed=1), rand(2, x_shape[-1], seed=2))
        return tensors + ((rand(*bias_shape, seed=3),) if bias_shape is not None else ())
    return Case(lambda x, w, b=None: nn_ops.linear(x, w, b), inputs,
                label=f"{x_shape} bias {bias_shape}")


CASES = {
    "Linear": [_linear((4, 3)), _linear((2, 4, 3)), _linear((3,)), _linear((1, 3)),
               _linear((4, 3), None), _linear((4, 3), ()), _linear((2, 1, 3), (1,))],
    "Embedding": [
        Case(lambda w: nn_ops.embedding(_IDX, w), lambda: (rand(5, 3),), label="repeats"),
        Case(lambda w: nn_ops.embedding(np.array(3), w), lambda: (rand(5, 1),), label="0-d"),
    ],
    # the padding row's gradient is zeroed and scale_grad_by_freq divides by counts on
    # purpose (not the true derivative), so both are checked on the backward op itself,
    # which is linear in g
    "EmbeddingBackward": [
        Case(lambda g, pad=pad, freq=freq: nn_ops.EmbeddingBackward.apply(g, _IDX, 5, pad, freq),
             lambda: (rand(2, 3, 4),), label=f"padding {pad}, scale_grad_by_freq {freq}")
        for pad in (None, 2) for freq in (False, True)],
}
