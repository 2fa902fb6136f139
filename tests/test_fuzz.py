"""Differential fuzzing: hypothesis draws programs, both twins run them, and every
value, gradient (after one and after two backward passes), tangent, and exception
type and message must agree bit for bit. A program that fails shrinks to a small one.

`make test` runs a few thousand programs; `make fuzz` sets CYDIFF_FUZZ_EXAMPLES to
run 100,000 of each kind and reports the count.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings

from programs import FUZZED, canonical, run_duals, run_values
from strategies import programs

EXAMPLES = int(os.environ.get("CYDIFF_FUZZ_EXAMPLES", "2500"))
fuzz = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                print_blob=True)


RUNNERS = {"Value": run_values, "Dual": run_duals}


@pytest.mark.c_extensions
@pytest.mark.parametrize("kind", RUNNERS)
@fuzz
@given(program=programs())
def test_twins_agree(pure, compiled, kind, program):
    run = RUNNERS[kind]
    got, want = canonical(run(compiled, program)), canonical(run(pure, program))
    assert got == want
    FUZZED[kind] += 1
