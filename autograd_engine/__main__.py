"""Command line: ``autograd-engine demo [...]``, ``autograd-engine lab [...]`` or
``autograd-engine precompile [...]`` (also ``python -m autograd_engine``); ``demo`` is the
default."""
from __future__ import annotations

import sys
from typing import Optional, Sequence

COMMANDS = ("demo", "lab", "precompile")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv.pop(0) if argv and argv[0] in COMMANDS else "demo"
    if command == "demo":
        from .demo import main as demo_main

        return demo_main(argv)
    if command == "lab":
        from .diagnostics.lab import main as lab_main

        return lab_main(argv)
    if command == "precompile":
        from .kernels.precompile import main as precompile_main

        return precompile_main(argv)
    raise AssertionError(command)


if __name__ == "__main__":
    sys.exit(main())
