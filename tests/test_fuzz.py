"""Differential fuzzing: hypothesis draws programs, both twins run them, and every
value, gradient (after one and after two backward passes), tangent, and exception
type and message must agree bit for bit. A program that fails shrinks to a small one.
And records: a program's graph and tape records, spoiled (records.py), go through
every loader of both twins, which must refuse them alike or load the same thing. And
call sequences: odd series of calls on Values (records.run_calls) do the same on both.

`make test` runs 200 programs of each kind, `make test-long` 2500; `make fuzz` sets
CYDIFF_FUZZ_EXAMPLES to run 100,000 of each and reports the counts.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings

from hypothesis import assume

from programs import FUZZED, apply, canonical, densified, run_duals, run_values
from records import loads, run_calls
from strategies import calls, mutations, points, programs, rows

EXAMPLES = int(os.environ.get("CYDIFF_FUZZ_EXAMPLES", "200"))
pytestmark = pytest.mark.fuzz
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


def _replays(m, program, points):
    """Trace the program on twin m at its inputs, replay the tape at each point (single
    and as a batch), and build the graph anew there: each outcome's bits, or its error."""
    n = len(program.inputs)

    def f(v):
        v = list(v)
        for op in program.ops:
            v.append(apply(m, op, v))
        return v[-1]

    try:
        tape = m.trace(f, program.inputs)
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return ("trace raised", type(e), str(e))
    record = []
    rows = [(list(point) + program.inputs)[:n] for point in points]
    for x in rows:
        try:
            leaves = [m.Value(xi) for xi in x]
            out = f(leaves)
            out.backward()
            fresh = (out.data, [leaf.grad for leaf in leaves])
        except Exception as e:  # noqa: BLE001
            fresh = (type(e),)
        try:
            value, grad = tape.value_and_grad(x)
            replayed = (value, grad.tolist())
        except Exception as e:  # noqa: BLE001
            replayed = (type(e),)
        if len(fresh) == 1:  # the graph raised: perhaps in an op the output does not
            fresh = replayed  # reach, which the tape never recorded (nor raises in)
        record.append((canonical(replayed), canonical(fresh)))
    try:  # the rows in blocks replayed in lockstep: each row's single replay, or the
        values, grads = tape.value_and_grad_batch(rows)  # first error in row order
        batch = canonical([(v, g) for v, g in zip(values.tolist(), grads.tolist())])
        assert batch == [replayed for replayed, _ in record]
    except Exception as e:  # noqa: BLE001
        batch = ("batch raised", type(e))
        assert batch[1] == next(r[0] for r, _ in record if len(r) == 1)
    record.append(batch)
    # what the tape recorded (the compiled twin's in C, the pure twin's from records)
    record.append(canonical(([tuple(node) for node in tape._nodes],
                             sorted(tape._constants.items()), list(tape._inputs))))
    return record


@pytest.mark.c_extensions
@fuzz
@given(program=programs(), points=rows)
def test_tapes_replay_fresh_graphs(pure, compiled, program, points):
    """A tape replays what building the graph anew gives, bit for bit, on both twins
    (the compiled replay's fused and grouped neurons among them); the twins' tapes
    agree, batches included, and so do the arrays they record."""
    got, want = _replays(compiled, program, points), _replays(pure, program, points)
    assert got == want
    if isinstance(got, list):
        for replayed, fresh in got[:-2]:
            assert replayed == fresh
    FUZZED["tape replays"] += 1


def _outcome(call):
    try:
        return canonical(call())
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return (type(e),)


def _vector_replays(m, program, points):
    """A vector f (the program's last three variables) traced on twin m: at each point its
    tape's outputs, Jacobian (dense, sparse; by rows, row i what `m.vjp(f, x, e_i)`'s
    fresh graph gives; by columns, column j the tape's jvp along e_j), vjp and jvp; each
    outcome's bits or error."""
    n = len(program.inputs)

    def f(v):
        v = list(v)
        for op in program.ops:
            v.append(apply(m, op, v))
        return v[-3:]

    try:
        tape = m.trace(f, program.inputs)
    except Exception as e:  # noqa: BLE001
        return ("trace raised", type(e), str(e))
    k = tape.n_outputs
    u = [(-1.0) ** i * (i + 0.5) for i in range(k)]
    record = []
    for x in [(list(point) + program.inputs)[:n] for point in points]:
        replayed = _outcome(lambda: (tape.value(x).tolist(),
                                     tape.jacobian(x, mode="reverse").tolist(),
                                     tape.vjp(x, u)[1].tolist()))
        fresh = _outcome(lambda: (m.vjp(f, x, u)[0].tolist(),
                                  [m.vjp(f, x, [float(i == j) for j in range(k)])[1].tolist()
                                   for i in range(k)], m.vjp(f, x, u)[1].tolist()))
        if len(fresh) > 1:  # (a fresh graph may raise in an op the outputs do not reach)
            assert replayed == fresh
        sparse = _outcome(lambda: densified(tape.jacobian(x, sparse=True)))
        assert sparse == _outcome(lambda: tape.jacobian(x).tolist())
        forward = _outcome(lambda: tape.jacobian(x, mode="forward").T.tolist())
        if len(forward) > 1:  # column j: the tangent pass along e_j
            assert forward == [_outcome(lambda: tape.jvp(x, [float(i == j) for i in range(n)])[1]
                                        .tolist()) for j in range(n)]
        record.append((replayed, _outcome(lambda: tape.jvp(x, [1.0] * n)[1].tolist())))
    record.append(canonical(([tuple(node) for node in tape._nodes],
                             sorted(tape._constants.items()), list(tape._inputs),
                             list(tape._outputs))))
    return record


@pytest.mark.c_extensions
@fuzz
@given(program=programs(), points=rows)
def test_vector_tapes_replay_fresh_graphs(pure, compiled, program, points):
    """A vector f's tape replays what fresh graphs give, bit for bit, on both twins: its
    outputs, its Jacobian (sweeps back by colours of rows), uᵀ J; the twins' tapes agree,
    their J v and their recorded arrays included."""
    got, want = _vector_replays(compiled, program, points), _vector_replays(pure, program, points)
    assert got == want
    FUZZED["vector tape replays"] += 1


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
