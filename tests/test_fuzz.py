"""Differential fuzzing: hypothesis draws programs, both twins run them, and every
value, gradient (after one and after two backward passes), tangent, and exception
type and message must agree bit for bit. A program that fails shrinks to a small one.
And records: a program's graph and tape records, spoiled (records.py), go through
every loader of both twins, which must refuse them alike or load the same thing. And
call sequences: odd series of calls on Values (records.run_calls) do the same on both.

`make test` runs a few thousand programs of each kind; `make fuzz` sets
CYDIFF_FUZZ_EXAMPLES to run 100,000 of each and reports the counts.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings

from hypothesis import assume

from programs import FUZZED, canonical, run_duals, run_values
from records import loads, run_calls
from strategies import calls, mutations, points, programs

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
    FUZZED[f"{kind} programs"] += 1


@pytest.mark.c_extensions
@fuzz
@given(program=programs(max_ops=6), mutations=mutations, points=points)
def test_spoiled_records_load_alike(pure, compiled, program, mutations, points):
    got, want = loads(compiled, pure, program, mutations, points), \
        loads(pure, compiled, program, mutations, points)
    assume(want is not None)  # the program's forward pass raised: no graph to record
    assert got == want
    FUZZED["spoiled records"] += 1


@pytest.mark.c_extensions
@fuzz
@given(calls=calls)
def test_call_sequences_do_the_same(pure, compiled, calls):
    assert run_calls(compiled, calls) == run_calls(pure, calls)
    FUZZED["call sequences"] += 1
