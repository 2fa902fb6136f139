"""Random programs over cydiff's ops, run on either twin or on plain floats.

A program is a list of inputs and a list of ops; each op reads earlier
variables (inputs and results) and appends one. Running it records every
forward value and every gradient (or tangent), or the exception that stopped
it, so two twins can be compared bit for bit.
"""

from __future__ import annotations

import math
import operator
import random
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

from cydiff._ops_py import power
from cydiff._spec import BINARY_FUNCTIONS, FUNCTIONS

def _pow(a: Any, b: Any) -> Any:
    """a ** b; on two floats, cydiff's float power (a ValueError, not a complex number)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return power(float(a), float(b))
    return a ** b


UNARY = list(FUNCTIONS)  # every elementary function of the op spec
FUNCTIONS2 = list(BINARY_FUNCTIONS)  # and every binary function: atan2, ..., less, ...
TESTS = ["less", "greater", "less_equal", "greater_equal"]  # where's conditions
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": _pow,
}
SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300, 5e-324,
            math.inf, -math.inf, math.nan]
EXPONENTS = [2, 3, 0.5, -1, 0, 1.5, -2, 2.5, 1, -0.5]
# new data for a node after its forward pass: mostly edges, negative bases among them
MUTATIONS = SPECIALS + [-1e10, -3.0, -2.0]


@dataclass
class Program:
    inputs: list[float]
    ops: list[tuple[Any, ...]] = field(default_factory=list)
    seeds: list[float] = field(default_factory=list)  # tangents of the inputs, for Duals
    # (variable, new data) set after the forward pass, before a third backward pass: local
    # derivatives then see data the forward formulas never saw (a negative base, ...)
    mutations: list[tuple[int, float]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"inputs {self.inputs!r} seeds {self.seeds!r}"]
        lines += [f"  v{len(self.inputs) + k} = {op!r}" for k, op in enumerate(self.ops)]
        lines += [f"  then v{i}.data = {x!r}" for i, x in self.mutations]
        return "\n".join(lines)


def random_number(rng: random.Random, specials: float) -> float:
    if rng.random() < specials:
        return rng.choice(SPECIALS)
    return round(rng.uniform(-3.0, 3.0), rng.choice([1, 2, 17]))


def random_program(rng: random.Random, specials: float = 0.1, max_ops: int = 12,
                   mutations: bool = False) -> Program:
    n = rng.randint(1, 4)
    program = Program([random_number(rng, specials) for _ in range(n)])
    program.seeds = [rng.choice([1.0, 0.0, -0.5, random_number(rng, specials)]) for _ in range(n)]

    def var() -> int:  # mostly recent results, so that programs grow deep
        return rng.randrange(max(0, n - 3), n) if rng.random() < 0.7 else rng.randrange(n)

    def constant(symbol: str) -> float | int:
        if symbol == "**" and rng.random() < 0.7:
            return rng.choice(EXPONENTS)
        c = random_number(rng, specials)
        return int(c) if rng.random() < 0.2 and math.isfinite(c) else c

    def term() -> tuple[str, Any]:
        return ("v", var()) if rng.random() < 0.7 else ("c", random_number(rng, specials))

    for _ in range(rng.randint(1, max_ops)):
        r = rng.random()
        if r < 0.30:
            program.ops.append(("f", rng.choice(UNARY), var(), rng.random() < 0.5))
        elif r < 0.34:
            program.ops.append(("neg", var()))
        elif r < 0.52:
            program.ops.append(("op", rng.choice(list(BINARY)), var(), var()))
        elif r < 0.64:
            symbol = rng.choice(list(BINARY))
            program.ops.append(("op_c", symbol, var(), constant(symbol)))
        elif r < 0.72:
            # a binary function: both operands variables, or one a constant (either side)
            a, b = ("v", var()), ("v", var())
            if rng.random() < 0.5:
                a, b = (("c", random_number(rng, specials)), b) if rng.random() < 0.5 else (
                    a, ("c", random_number(rng, specials)))
            program.ops.append(("f2", rng.choice(FUNCTIONS2), a, b, rng.random() < 0.3))
        elif r < 0.76:
            program.ops.append(("where", rng.choice(TESTS), term(), ("v", var()), ("v", var()),
                                term()))
        elif r < 0.78:
            program.ops.append(("clip", var(), random_number(rng, specials), random_number(rng, 0.0)))
        elif r < 0.85:
            symbol = rng.choice(list(BINARY))
            program.ops.append(("c_op", symbol, constant(symbol), var()))
        elif r < 0.93:
            terms = [term() for _ in range(rng.randint(1, 5))]
            terms.append(("v", var()))
            rng.shuffle(terms)
            program.ops.append(("sum", terms))
        else:
            k = rng.randint(1, 4)
            ws = [term() for _ in range(k)]
            xs = [term() for _ in range(k)]
            xs[rng.randrange(k)] = ("v", var())
            program.ops.append(("dot", ws, xs))
        n += 1
    if mutations:
        program.mutations = [(rng.randrange(n), rng.choice(MUTATIONS) if rng.random() < 0.7
                              else random_number(rng, 0.0)) for _ in range(rng.choice([0, 1, 2]))]
    return program


def apply(m: Any, op: tuple[Any, ...], v: list[Any]) -> Any:
    """One op of a program, on twin m's Values or Duals (or on floats)."""
    kind = op[0]
    if kind == "f":
        _, name, i, as_method = op
        if as_method and not isinstance(v[i], float):
            return getattr(v[i], name)()
        return getattr(m, name)(v[i])
    if kind == "neg":
        return -v[op[1]]
    if kind == "op":
        return BINARY[op[1]](v[op[2]], v[op[3]])
    if kind == "op_c":
        return BINARY[op[1]](v[op[2]], op[3])
    if kind == "c_op":
        return BINARY[op[1]](op[2], v[op[3]])

    def terms(items: list[tuple[str, Any]]) -> list[Any]:
        return [v[x] if tag == "v" else x for tag, x in items]

    if kind == "f2":  # cydiff.atan2(a, b) & co, or a.atan2(b) where a is a variable
        _, name, a, b, as_method = op
        x, y = terms([a, b])
        if as_method and a[0] == "v" and not isinstance(x, float):
            return getattr(x, name)(y)
        return getattr(m, name)(x, y)
    if kind == "where":  # where(test(p, q), a, b), a and b variables or constants
        _, test, p, q, a, b = op
        p, q, a, b = terms([p, q, a, b])
        return m.where(getattr(m, test)(p, q), a, b)
    if kind == "clip":
        return m.clip(v[op[1]], op[2], op[3])

    if kind == "sum":
        return m.sum(terms(op[1]))
    if kind == "neuron":  # a dense layer's neuron: dot(ws, xs) + b (b + dot), then relu
        _, ws, xs, b, b_left, relu = op
        dot = m.dot(terms(ws), terms(xs))
        (bias,) = terms([b])
        y = bias + dot if b_left else dot + bias
        return m.relu(y) if relu else y
    return m.dot(terms(op[1]), terms(op[2]))


def random_layer(rng: random.Random, n: int, specials: float) -> list[tuple[Any, ...]]:
    """A few "neuron" ops of as many terms over the same inputs, as a dense layer makes
    them (what a tape fuses and groups): weights often a run of variables in a row,
    inputs often the layer before (the last results), a bias a variable or a constant."""
    width, k = rng.randint(1, 5), rng.randint(1, 6)

    def run(start: int) -> list[tuple[str, Any]]:
        return [("v", min(start + j, n - 1)) for j in range(k)]

    def any_terms() -> list[tuple[str, Any]]:
        return [("v", rng.randrange(n)) if rng.random() < 0.8 else
                ("c", random_number(rng, specials)) for _ in range(k)]

    xs = run(max(0, n - k)) if rng.random() < 0.5 else any_terms()
    relu = rng.random() < 0.7
    ops = []
    for _ in range(width):
        ws = run(rng.randrange(n)) if rng.random() < 0.6 else any_terms()
        if rng.random() < 0.2:  # an input a neuron of the same layer computed
            xs = [("v", n + len(ops) - 1) if ops and j == 0 else x for j, x in enumerate(xs)]
        if all(tag == "c" for tag, _ in ws + xs):  # a neuron of a variable, as a dot is
            ws = [("v", rng.randrange(n))] + ws[1:]
        b = ("v", rng.randrange(n)) if rng.random() < 0.7 else ("c", random_number(rng, specials))
        ops.append(("neuron", ws, xs, b, rng.random() < 0.3, relu))
    return ops


def _unchanged(m: Any, v: list[Any], attributes: tuple[str, str], op: tuple[Any, ...]) -> Any:
    """apply(op), checking that an op that raises leaves every operand as it was."""
    before = [tuple(bits(getattr(x, a)) for a in attributes) for x in v]
    try:
        return apply(m, op, v)
    except Exception:
        after = [tuple(bits(getattr(x, a)) for a in attributes) for x in v]
        if after != before:
            raise AssertionError(f"a failed {op!r} changed its operands")
        raise


# cases compared per kind (the fuzz report)
FUZZED = {"Value programs": 0, "Dual programs": 0, "tape replays": 0,
          "vector tape replays": 0, "spoiled records": 0, "call sequences": 0}


def run_values(m: Any, program: Program) -> list[Any]:
    """Every value, every grad after one backward pass and after a second one, or the error."""
    record: list[Any] = []
    try:
        v = [m.Value(x) for x in program.inputs]
        for op in program.ops:
            v.append(_unchanged(m, v, ("data", "grad"), op))
        record.append(("data", [x.data for x in v]))
        v[-1].backward()
        record.append(("grad", [x.grad for x in v]))
        v[-1].backward()
        record.append(("grad again", [x.grad for x in v]))
        for i, x in program.mutations:
            v[i].data = x
        v[-1].backward()
        record.append(("grad after data changed", [x.grad for x in v]))
        v[0].zero_grad()
        v[-1].zero_grad()
        record.append(("zeroed", [x.grad for x in v]))
    except Exception as e:  # noqa: BLE001 - the exception is the result
        record.append(("raised", type(e), str(e)))
    return record


def run_duals(m: Any, program: Program) -> list[Any]:
    """Every value and tangent, or the error."""
    record: list[Any] = []
    try:
        v = [m.Dual(x, d) for x, d in zip(program.inputs, program.seeds)]
        for op in program.ops:
            v.append(_unchanged(m, v, ("val", "deriv"), op))
        record.append(("val", [x.val for x in v]))
        record.append(("deriv", [x.deriv for x in v]))
    except Exception as e:  # noqa: BLE001
        record.append(("raised", type(e), str(e)))
    return record


def run_floats(m: Any, program: Program, inputs: list[float]) -> float:
    """The program's output on plain floats (m's functions take floats too)."""
    v: list[Any] = list(inputs)
    for op in program.ops:
        v.append(apply(m, op, v))
    return v[-1]


def bits(x: float) -> bytes:
    """The float's bits; every nan counts as one (IEEE leaves nan payloads open)."""
    return b"nan" if x != x else struct.pack("<d", x)


def canonical(record: Any) -> Any:
    """A record with floats replaced by their bits, for exact comparison."""
    if isinstance(record, float):
        return bits(record)
    if isinstance(record, (list, tuple)):
        return type(record)(canonical(x) for x in record)
    return record


def densified(S: Any) -> list[list[float]]:
    """A scipy.sparse CSR matrix as dense rows, its stored entries' bits kept (`toarray`
    adds them to +0.0, which makes a -0.0 +0.0)."""
    import numpy as np
    dense = np.zeros(S.shape)
    dense[np.repeat(np.arange(S.shape[0]), np.diff(S.indptr)), S.indices] = S.data
    return dense.tolist()
