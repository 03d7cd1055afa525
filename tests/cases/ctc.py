"""Cases for ops/ctc.py. PyTorch's CTC gradient is the exact one only through a log_softmax
(see the module), so the loss is checked on logits; there is no second order (as PyTorch),
and the backward op is checked with respect to the upstream gradient it scales."""
import numpy as np

import autograd_engine as ae
import autograd_engine.nn.functional as F
from autograd_engine.ops import ctc

from . import Case, rand

_TARGETS = np.array([[1, 2, 2], [3, 1, 0], [4, 4, 1]])
_CONCATENATED = np.array([1, 2, 2, 3, 4, 4])  # the same targets, as (3, 1, 2) lengths
_INPUT_LENGTHS = np.array([6, 5, 4])
_TARGET_LENGTHS = np.array([3, 1, 2])


def _loss(targets, reduction="mean", lengths=(_INPUT_LENGTHS, _TARGET_LENGTHS), **kw):
    il, tl = (ae.tensor(x) for x in lengths)
    return lambda x: ctc.ctc_loss(F.log_softmax(x, 2), ae.tensor(targets), il, tl,
                                  reduction=reduction, **kw)


def _backward_case() -> Case:
    """CtcLossBackward alone, log_probs held constant."""
    x = rand(6, 3, 5, seed=3, requires_grad=False)
    log_probs = F.log_softmax(x, 2).data
    spec = ctc._spec(_TARGETS, _INPUT_LENGTHS, _TARGET_LENGTHS, log_probs.shape, 0, False)
    alpha = ctc._alpha(ctc._emissions(log_probs, spec), spec)
    nll = ctc._neg_log_likelihood(alpha, spec)
    return Case(lambda g: ctc.CtcLossBackward.apply(g, log_probs, alpha, nll, spec),
                lambda: (rand(3, seed=4),), second_order=False, label="grad_output")


CASES = {
    "CtcLoss": [
        Case(_loss(_TARGETS), lambda: (rand(6, 3, 5, low=-2.0, high=2.0),),
             second_order=False, label="mean"),
        Case(_loss(_CONCATENATED, "none"), lambda: (rand(6, 3, 5, seed=1),),
             second_order=False, label="concatenated+none"),
        Case(_loss(_TARGETS, "sum", blank=4, lengths=((6, 6, 6), (3, 3, 0))),
             lambda: (rand(6, 3, 5, seed=2),), second_order=False, label="blank+empty target"),
        Case(_loss(_TARGETS, "sum", zero_infinity=True, lengths=((2, 6, 6), (3, 3, 2))),
             lambda: (rand(6, 3, 5, seed=5),), second_order=False, label="zero_infinity"),
    ],
    "CtcLossBackward": [_backward_case()],
}
