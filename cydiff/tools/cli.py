"""The command line: `python -m cydiff demo [--xor]` and
`python -m cydiff plot derivatives|step-error`."""

from __future__ import annotations

import sys
from typing import Sequence

USAGE = """usage: python -m cydiff demo [--xor] [--steps N] [--out DIR] [--no-compare]
       python -m cydiff plot {derivatives,step-error} [--out DIR]

  demo   train micrograd's demo (two moons, MLP 2-16-16-1) and time it against micrograd
  plot   draw the seeds' pictures of derivatives"""


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    command, rest = argv[0], list(argv[1:])
    if command == "demo":
        from .demo import main as demo
        return demo(rest)
    if command == "plot":
        from .plots import main as plot
        return plot(rest)
    print(f"python -m cydiff: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # python -m cydiff.tools.cli
    sys.exit(main(sys.argv[1:]))
