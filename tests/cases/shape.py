"""Cases for ops/shape.py: views, broadcasting copies and joins, size-1 and 0-d shapes."""
import autograd_engine as ae

from . import Case, rand

CASES = {
    "Reshape": [
        Case(lambda x: x.reshape(4, 3) * x.reshape(4, 3), lambda: (rand(3, 4),), label="2d"),
        Case(lambda x: x.view(-1), lambda: (rand(2, 3, 2),), label="view -1"),
        Case(lambda x: x.reshape(1, 1), lambda: (rand(),), label="0-d to (1, 1)"),
        Case(lambda x: x.unsqueeze(1).squeeze(), lambda: (rand(3),), label="unsqueeze"),
        Case(lambda x: x.flatten(1), lambda: (rand(2, 3, 2),), label="flatten"),
    ],
    "Expand": [
        Case(lambda x: x.expand(2, 3, 4), lambda: (rand(3, 1),), label="(3, 1) -> (2, 3, 4)"),
        Case(lambda x: x.expand(3), lambda: (rand(),), label="0-d"),
        Case(lambda x: x.expand(-1, 2) * x, lambda: (rand(4, 1),), label="-1"),
    ],
    "Permute": [
        Case(lambda x: x.permute(2, 0, 1), lambda: (rand(2, 3, 4),), label="3d"),
        Case(lambda x: x.T @ x, lambda: (rand(3, 2),), label="T"),
        Case(lambda x: x.transpose(0, -1), lambda: (rand(2, 1, 3),), label="transpose"),
    ],
    "Repeat": [
        Case(lambda x: x.repeat(2, 3), lambda: (rand(2, 3),), label="2d"),
        Case(lambda x: x.repeat(2, 1, 3), lambda: (rand(3, 1),), label="leading dim"),
        Case(lambda x: ae.repeat(x, 4), lambda: (rand(),), label="0-d"),
        Case(lambda x: x.repeat(1, 0), lambda: (rand(2, 2),), label="zero repeats"),
    ],
    "Cat": [
        Case(lambda a, b: ae.cat([a, b]), lambda: (rand(2, 3), rand(1, 3, seed=1)),
             label="dim 0"),
        Case(lambda a, b, c: ae.cat((a, b, c), dim=-1),
             lambda: (rand(2, 1), rand(2, 3, seed=1), rand(2, 2, seed=2)), label="3 inputs"),
        Case(lambda a: ae.cat([a, a * a], 1), lambda: (rand(2, 2),), label="same input"),
    ],
    "Stack": [
        Case(lambda a, b: ae.stack([a, b], 1), lambda: (rand(2, 3), rand(2, 3, seed=1)),
             label="dim 1"),
        Case(lambda a, b: ae.stack([a, b]), lambda: (rand(), rand(seed=1)), label="0-d"),
        Case(lambda a: ae.stack([a, a * a, a], -1), lambda: (rand(2, 2),), label="same input"),
    ],
    "Pad": [
        Case(lambda x: ae.pad(x, (1, 2)), lambda: (rand(2, 3),), label="last dim"),
        Case(lambda x: ae.pad(x, (1, 0, 0, 2), value=0.5), lambda: (rand(2, 3),),
             label="two dims"),
        Case(lambda x: ae.pad(x, (-1, 2, 1, -1)), lambda: (rand(3, 4),), label="crop"),
    ],
    "Flip": [
        Case(lambda x: x.flip(0, -1) * x, lambda: (rand(2, 3, 4),), label="two dims"),
        Case(lambda x: ae.flip(x, (1,)), lambda: (rand(3, 2),), label="one dim"),
    ],
    "Roll": [
        Case(lambda x: x.roll(1) * x, lambda: (rand(2, 3),), label="flattened"),
        Case(lambda x: ae.roll(x, (2, -1), (0, 2)), lambda: (rand(3, 2, 4),), label="two dims"),
    ],
    "GetItem": [  # split/chunk are slices; narrow and unbind too; non-constant pads gather
        Case(lambda x: ae.pad(x, (2, 1), mode="reflect") ** 2, lambda: (rand(2, 4),),
             label="pad reflect"),
        Case(lambda x: ae.pad(x * x, (1, -1, 3, 0), mode="replicate"),
             lambda: (rand(2, 3, 3),), label="pad replicate, crop"),
        Case(lambda x: ae.pad(x, (1, 1, 0, 2, -1, 1), mode="circular") ** 2,
             lambda: (rand(1, 2, 3, 2, 3),), label="pad circular, 3 dims"),
        Case(lambda x: ae.cat(x.split([1, 3], dim=1)[::-1], 1), lambda: (rand(2, 4),),
             label="split"),
        Case(lambda x: x.chunk(3)[1] * x.chunk(3)[2], lambda: (rand(6, 2),), label="chunk"),
        Case(lambda x: x.narrow(1, -3, 2) * x.narrow(1, 0, 2), lambda: (rand(2, 4),),
             label="narrow"),
        Case(lambda x: x.unbind(1)[0] * x.unbind(1)[2], lambda: (rand(2, 3, 2),),
             label="unbind"),
    ],
}
