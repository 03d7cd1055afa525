"""Cases for ops/windows.py: ``Tensor.unfold`` with overlapping, disjoint and gapped windows,
any dim, size 0 and 0-d input; its backward op is checked with respect to its input."""
from autograd_engine.ops.windows import UnfoldBackward

from . import Case, rand

CASES = {
    "SlidingWindows": [
        Case(lambda x: x.unfold(0, 3, 1) ** 2, lambda: (rand(6),), label="overlapping"),
        Case(lambda x: x.unfold(1, 2, 2), lambda: (rand(2, 6, 3),), label="disjoint, dim 1"),
        Case(lambda x: x.unfold(-1, 2, 3) * x.sum(), lambda: (rand(3, 7),), label="gaps"),
        Case(lambda x: x.unfold(0, 0, 1), lambda: (rand(3),), label="size 0"),
        Case(lambda x: x.unfold(0, 1, 1), lambda: (rand(),), label="0-d"),
    ],
    "UnfoldBackward": [
        Case(lambda g: UnfoldBackward.apply(g, (7, 2), 0, 3, 2), lambda: (rand(3, 2, 3),),
             label="grad_output"),
    ],
}
