"""`python -m cydiff`: the command line of `cydiff.tools.cli`."""

import sys

from .tools.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
