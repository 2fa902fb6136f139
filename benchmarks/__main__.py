"""`python -m benchmarks`: the same runner as `make bench`."""

import os
import sys

# Measure the installed cydiff, as `python benchmarks/run.py` does: the source
# tree's has no compiled modules unless they were built in place.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != os.path.dirname(HERE)]
sys.path.insert(0, HERE)

import run  # noqa: E402

sys.exit(run.main())
