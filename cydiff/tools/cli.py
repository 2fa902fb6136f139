"""The command line, one parser with a subcommand per application:

    python -m cydiff --version
    python -m cydiff demo [--xor] [--tape] [--steps N] [--out DIR] [--no-compare]
    python -m cydiff plot {derivatives,step-error} [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence, TextIO

from . import demo, plots


def parser() -> argparse.ArgumentParser:
    """`python -m cydiff`'s arguments: `--version`, and each command's own."""
    from .. import BACKEND, __version__

    top = argparse.ArgumentParser(
        prog="python -m cydiff",
        description="cydiff's applications: micrograd's demo, and pictures of derivatives.")
    top.add_argument("--version", action="version",
                     version=f"cydiff {__version__} ({BACKEND} twin)")
    commands = top.add_subparsers(dest="command", metavar="command", title="commands")
    demo.add_arguments(commands.add_parser(
        "demo", help="train micrograd's demo and time it against micrograd",
        description=demo.DESCRIPTION))
    plots.add_arguments(commands.add_parser(
        "plot", help="draw the seeds' pictures of derivatives", description=plots.DESCRIPTION))
    return top


def main(argv: Sequence[str], out: Optional[TextIO] = None) -> int:
    """Runs the command argv asks for; its exit status (2 for a usage error, as argparse's)."""
    top = parser()
    try:
        args = top.parse_args(list(argv))
    except SystemExit as done:  # --help, --version, or a usage error (argparse said why)
        return done.code if isinstance(done.code, int) else 1
    if args.command is None:
        top.print_usage(sys.stderr)
        print("python -m cydiff: a command is needed (demo or plot); --help says more",
              file=sys.stderr)
        return 2
    run = demo.run if args.command == "demo" else plots.run
    return run(args, out or sys.stdout)


if __name__ == "__main__":  # python -m cydiff.tools.cli
    sys.exit(main(sys.argv[1:]))
