"""Hypothesis strategies for random programs (see programs.py), for differential fuzzing.

Leaves and constants cover the edges where twins could drift: signed zeros,
±1, subnormals, huge values, infinities and nans, ints; ops cover every
function, every operator with nodes or constants on either side, `**` with
constant and node exponents, reuse of a node (x * x, DAGs), fused sum/dot, and the
neurons of dense layers (what a tape's replay fuses).
"""

import math
import random

from hypothesis import strategies as st

from programs import (BINARY, EXPONENTS, FUNCTIONS2, MUTATIONS, SPECIALS, TESTS, UNARY, Program,
                      random_layer)
from records import OTHER, VALUE

SYMBOLS = sorted(BINARY)

numbers = st.one_of(
    st.sampled_from(SPECIALS),
    st.floats(-5.0, 5.0),
    st.integers(-3, 3).map(float),
    st.floats(allow_nan=True, allow_infinity=True),
)
constants = st.one_of(numbers, st.integers(-3, 3), st.sampled_from(EXPONENTS + [100.5]))
tangents = st.one_of(st.sampled_from([1.0, 0.0, -0.5]), numbers)


@st.composite
def programs(draw, max_ops=12):
    n = draw(st.integers(1, 4))
    program = Program([draw(numbers) for _ in range(n)])
    program.seeds = [draw(tangents) for _ in range(n)]
    count = draw(st.integers(1, max_ops))
    size = n
    while size < n + count:
        var = st.integers(0, size - 1)
        term = st.one_of(st.tuples(st.just("v"), var), st.tuples(st.just("c"), numbers))
        kind = draw(st.sampled_from(["f", "neg", "op", "op_c", "c_op", "sum", "dot", "f2",
                                     "where", "clip", "layer"]))
        if kind == "layer":  # neurons of a dense layer (programs.random_layer)
            layer = random_layer(random.Random(draw(st.integers(0, 2**32))), size, 0.2)
            program.ops += layer
            size += len(layer)
            continue
        if kind == "f":
            op = ("f", draw(st.sampled_from(UNARY)), draw(var), draw(st.booleans()))
        elif kind == "neg":
            op = ("neg", draw(var))
        elif kind == "op":
            op = ("op", draw(st.sampled_from(SYMBOLS)), draw(var), draw(var))
        elif kind in ("op_c", "c_op"):
            symbol = draw(st.sampled_from(SYMBOLS))
            op = ((kind, symbol, draw(var), draw(constants)) if kind == "op_c"
                  else (kind, symbol, draw(constants), draw(var)))
        elif kind == "f2":  # a binary function: at least one operand a variable
            a, b = draw(term), draw(term)
            if a[0] == "c" and b[0] == "c":
                a = ("v", draw(var))
            op = ("f2", draw(st.sampled_from(FUNCTIONS2)), a, b, draw(st.booleans()))
        elif kind == "where":
            op = ("where", draw(st.sampled_from(TESTS)), draw(term), ("v", draw(var)),
                  draw(term), draw(term))
        elif kind == "clip":
            op = ("clip", draw(var), draw(numbers), draw(numbers))
        elif kind == "sum":
            terms = draw(st.lists(term, min_size=0, max_size=6))
            terms.insert(draw(st.integers(0, len(terms))), ("v", draw(var)))
            op = ("sum", terms)
        else:
            k = draw(st.integers(1, 4))
            ws, xs = draw(st.lists(term, min_size=k, max_size=k)), draw(st.lists(term, min_size=k, max_size=k))
            xs[draw(st.integers(0, k - 1))] = ("v", draw(var))
            op = ("dot", ws, xs)
        program.ops.append(op)
        size += 1
    size = len(program.inputs) + len(program.ops)
    new_data = st.one_of(st.sampled_from(MUTATIONS), numbers)
    program.mutations = draw(st.lists(st.tuples(st.integers(0, size - 1), new_data), max_size=3))
    return program


# --- records spoiled as an attacker would (see records.py) ---------------------------------

junk = st.one_of(
    st.integers(-3, 130),  # op codes among them: the spec's (< N_OPS) and beyond
    st.sampled_from([-1, 2**31, 2**63, -2**63 - 1, 10**400, True, False, 0.5, math.nan,
                     math.inf, 1e308, "", "+", None, (), (0,), (-1, 2.0), [], b"x", {}, 3j,
                     VALUE, OTHER]),
    numbers,
    st.text(max_size=3),
)
index = st.integers(0, 40)
mutation = st.one_of(
    st.tuples(st.sampled_from(["truncate", "drop", "duplicate"]), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("whole"), index, junk),
    st.tuples(st.just("field"), index, st.integers(0, 7), junk),
    st.tuples(st.just("shift"), index, st.integers(0, 7), st.sampled_from([-2, -1, 1, 2, 50])),
    st.tuples(st.just("item"), index, st.integers(0, 7), st.integers(0, 1), index, junk),
    st.tuples(st.just("grow"), index, junk),
)
mutations = st.fixed_dictionaries({
    part: st.lists(mutation, max_size=3)
    for part in ("graph", "nodes", "constants", "inputs", "leaf")
})
points = st.lists(st.lists(numbers, min_size=1, max_size=4), min_size=1, max_size=2)
# a batch's rows: more than a block of lanes (8), seldom a multiple of it
rows = st.lists(st.lists(numbers, min_size=1, max_size=4), min_size=1, max_size=21)


# --- call sequences (see records.run_calls) --------------------------------------------------

node = st.integers(0, 12)
calls = st.lists(st.one_of(
    st.tuples(st.just("new"), st.just(0), numbers),
    st.tuples(st.just("op"), node, st.tuples(st.sampled_from(SYMBOLS), node)),
    st.tuples(st.just("f"), node, st.sampled_from(UNARY)),
    st.tuples(st.just("custom"), st.just(0), st.lists(node, min_size=1, max_size=3)),
    st.tuples(st.sampled_from(["backward", "zero_grad", "detach", "__copy__", "pickle",
                               "deepcopy"]), node, st.none()),
    st.tuples(st.just("set"), node, st.tuples(st.sampled_from(["data", "grad", "label", "_op",
                                                               "_prev", "nothing"]), junk)),
    st.tuples(st.just("del"), node, st.sampled_from(["data", "grad", "label", "_op", "_prev",
                                                     "nothing"])),
    st.tuples(st.just("init"), node, st.lists(st.one_of(node, junk), max_size=4)),
    st.tuples(st.just("tape"), node, st.lists(node, max_size=3)),
    st.tuples(st.just("vector tape"), st.just(0),
              st.tuples(st.lists(node, min_size=1, max_size=3), st.lists(node, max_size=3))),
), max_size=25)
