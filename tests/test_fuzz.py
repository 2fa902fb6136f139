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


@pytest.mark.c_extensions
@fuzz
@given(program=programs())
def test_values(pure, compiled, program):
    got, want = canonical(run_values(compiled, program)), canonical(run_values(pure, program))
    assert got == want
    FUZZED["Value"] += 1


@pytest.mark.c_extensions
@fuzz
@given(program=programs())
def test_duals(pure, compiled, program):
    got, want = canonical(run_duals(compiled, program)), canonical(run_duals(pure, program))
    assert got == want
    FUZZED["Dual"] += 1
