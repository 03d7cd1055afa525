"""Cases for ops/loss.py: class-index losses with weights, ignore_index, label smoothing,
every reduction and spatial dims; BCE variants with weights and gradients to the target."""
import numpy as np

import autograd_engine as ae
import autograd_engine.nn.functional as F

from . import Case, rand

_TARGET = ae.tensor(np.array([0, 3, -100, 4]))
_TARGET_2D = ae.tensor(np.array([[0, 2, 1], [1, -100, 2]]))  # for (2, 3, 3) scores
_WEIGHT = ae.tensor(np.array([1.0, 2.0, 0.5, 1.0, 3.0]))

_CLASS_VARIANTS = [
    ({}, "plain"),
    ({"weight": _WEIGHT}, "weight"),
    ({"reduction": "sum"}, "sum"),
    ({"reduction": "none", "weight": _WEIGHT}, "none+weight"),
]
_SMOOTHING_VARIANTS = [
    ({"label_smoothing": 0.2}, "smoothing"),
    ({"label_smoothing": 0.3, "weight": _WEIGHT, "reduction": "none"}, "smoothing+weight+none"),
]


def _class_cases(fn, variants):
    cases = [Case(lambda a, kw=kw: fn(a, _TARGET, **kw), lambda: (rand(4, 5, low=-2.0),),
                  label=label) for kw, label in variants]
    cases.append(Case(lambda a: fn(a, _TARGET_2D, reduction="none"),
                      lambda: (rand(2, 3, 3, low=-2.0),), label="spatial"))
    cases.append(Case(lambda a: fn(a, ae.tensor(np.array(2))), lambda: (rand(4, low=-2.0),),
                      label="unbatched"))
    return cases


def _bce_inputs():
    return rand(2, 3, low=0.1, high=0.9, seed=1), rand(2, 3, low=0.0, high=1.0, seed=2)


def _logit_inputs():
    return rand(2, 3, low=-3.0, high=3.0, seed=3), rand(2, 3, low=0.0, high=1.0, seed=4)


_BCE_WEIGHT = np.array([0.5, 1.0, 2.0])

CASES = {
    "CrossEntropy": _class_cases(F.cross_entropy, _CLASS_VARIANTS + _SMOOTHING_VARIANTS)
    + [Case(lambda a, p: F.cross_entropy(a, p, label_smoothing=0.1), lambda: (
        rand(3, 4, seed=5), rand(3, 4, low=0.0, high=1.0, seed=6)), label="probabilities")],
    "NllLoss": _class_cases(F.nll_loss, _CLASS_VARIANTS),
    "BinaryCrossEntropy": [
        Case(F.binary_cross_entropy, _bce_inputs, label="mean"),
        Case(lambda p, t: F.binary_cross_entropy(p, t, weight=_BCE_WEIGHT, reduction="none"),
             _bce_inputs, label="weight+none"),
    ],
    "BinaryCrossEntropyWithLogits": [
        Case(F.binary_cross_entropy_with_logits, _logit_inputs, label="mean"),
        Case(lambda x, t: F.binary_cross_entropy_with_logits(
            x, t, weight=_BCE_WEIGHT, pos_weight=np.array([2.0, 0.5, 1.0]), reduction="sum"),
            _logit_inputs, label="weight+pos_weight"),
    ],
}

COVERED = {"CrossEntropyBackward": "CrossEntropy"}
