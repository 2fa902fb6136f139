"""Records mutated as an attacker would, loaded through every path into both twins.

A random program's graph gives the records a pickle carries (`_pickle`: a graph's
entries, a leaf's fields) and the arrays a tape is made of (`Tape(...)`, a tape's
pickle, `Tape.from_records`). A list of mutations — truncate, drop, duplicate or swap
records, put junk in a field or an item, move an index a little — spoils them; then
each loader takes them on both twins. Both must refuse alike (the same exception and
message), or load the same thing and then compute the same bits with it, without a
crash: the compiled twin's C code trusts what the loaders let through. And odd call
sequences on Values (`run_calls`), which both twins must answer alike, call by call.
"""

from __future__ import annotations

import pickle
from typing import Any, Callable

import numpy as np

from programs import apply, canonical

VALUE = "<a Value of the loading twin>"  # junk that stands for a leaf of either twin
OTHER = "<a Value of the other twin>"


def build(m: Any, program: Any) -> tuple[Any, list[Any]] | None:
    """The program's output and inputs as m's Values, or None if it raises."""
    try:
        v = [m.Value(x) for x in program.inputs]
        for op in program.ops:
            v.append(apply(m, op, v))
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return v[-1], v[:len(program.inputs)]


def _concrete(x: Any, m: Any, other: Any) -> Any:
    if x is VALUE:
        return m.Value(1.0)
    if x is OTHER:
        return other.Value(1.0)
    return x


def mutate(records: list[Any], mutations: list[tuple[Any, ...]], m: Any, other: Any) -> list[Any]:
    """The records (a list of tuples, or of Values) spoiled by each mutation in turn."""
    records = list(records)
    for mutation in mutations:
        kind, *args = mutation
        if not records:
            records.append(_concrete(args[-1], m, other) if kind == "field" else ())
            continue
        i = args[0] % len(records)
        if kind == "truncate":
            del records[i:]
        elif kind == "drop":
            del records[i]
        elif kind == "duplicate":
            records.insert(i, records[i])
        elif kind == "swap":
            j = args[1] % len(records)
            records[i], records[j] = records[j], records[i]
        elif kind == "whole":
            records[i] = _concrete(args[1], m, other)
        elif type(records[i]) is tuple and kind == "grow":
            records[i] = records[i] + (_concrete(args[1], m, other),)
        elif type(records[i]) is tuple and records[i]:
            record = list(records[i])
            k = args[1] % len(record)
            if kind == "field":
                record[k] = _concrete(args[2], m, other)
            elif kind == "shift" and type(record[k]) is int:
                record[k] += args[2]
            elif kind == "item" and type(record[k]) is tuple:
                items = list(record[k])
                if items and args[2]:
                    items[args[3] % len(items)] = _concrete(args[4], m, other)
                else:
                    items.insert(args[3] % (len(items) + 1), _concrete(args[4], m, other))
                record[k] = tuple(items)
            records[i] = tuple(record)
    return records


def outcome(action: Callable[[], Any]) -> Any:
    """What an action gave (floats as bits), or the exception it raised: type and message,
    the compiled classes' dotted paths taken out."""
    try:
        return ("gave", canonical(action()))
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        message = str(e).replace("cydiff._value_c.", "").replace("cydiff.pure._value_py.", "")
        return ("raised", type(e), message.replace("compiled", "TWIN").replace("pure", "TWIN"))


# --- what a loaded object does --------------------------------------------------------------

def graph_use(root: Any) -> list[Any]:
    """Everything a loaded graph shows and computes, in the twins' own order."""
    order, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            order.append(node)
            stack.extend(node._children)
    shown = [(n.data, n.grad, n._op, n.label, len(n._children)) for n in order]
    root.backward()
    after = [n.grad for n in order]
    root.zero_grad()
    again = pickle.loads(pickle.dumps(root))
    return [shown, after, [n.grad for n in order], again.data, again._op]


def number_use(x: Any) -> tuple[Any, ...]:
    """A loaded Dual or MultiDual, as its numbers."""
    return (x.val, x.deriv) if hasattr(x, "deriv") else (x.val, x.partials)


def tape_use(tape: Any, points: list[list[float]]) -> list[Any]:
    """A loaded tape's replays at the points: every method, each outcome on its own."""
    n = tape.n_inputs
    uses: list[Any] = [len(tape), n, outcome(lambda: pickle.loads(pickle.dumps(tape)) == tape)]
    for point in points:
        x = (point * (n // max(len(point), 1) + 1))[:n]
        uses.append(outcome(lambda: tape.value(x)))
        uses.append(outcome(lambda: tape.value_and_grad(x)[1].tolist()))
        uses.append(outcome(lambda: [a.tolist() for a in tape.value_and_grad_batch(
            np.array([x, x[::-1]]).reshape(2, n))]))
        if n <= 6:
            uses.append(outcome(lambda: tape.hvp(x, [1.0] * n).tolist()))
            uses.append(outcome(lambda: tape.hessian(x).tolist()))
    return uses


# --- every loader, on one twin ----------------------------------------------------------------

def loads(m: Any, other: Any, program: Any, mutations: dict[str, list[tuple[Any, ...]]],
          points: list[list[float]]) -> list[Any] | None:
    """The outcome of every loading path on twin m for the program's records, each part
    spoiled by its mutations, and of using what loaded; None if the program's graph
    cannot be built."""
    import cydiff._pickle as p
    import cydiff._transforms.tape as t

    built = build(m, program)
    if built is None:
        return None
    root, leaves = built
    twin = m.IMPLEMENTATION
    graph = mutate(m._graph_records(root), mutations["graph"], m, other)
    tape = m.Tape.from_graph(root, leaves)
    nodes = mutate([tuple(node) for node in tape._nodes], mutations["nodes"], m, other)
    pairs = mutate(sorted(tape._constants.items()), mutations["constants"], m, other)
    try:
        constants: Any = dict(pairs)  # unless the pairs are spoiled: then the list itself
    except (TypeError, ValueError):
        constants = pairs
    inputs = mutate(list(tape._inputs), mutations["inputs"], m, other)
    inputs_given = mutate(leaves, mutations["inputs"], m, other)
    leaf = mutate([(root.data, root.grad, "y", None)], mutations["leaf"], m, other)
    leaf = leaf[0] if leaf and type(leaf[0]) is tuple else ()
    return [
        outcome(lambda: graph_use(p.restore_graph(twin, p.FORMAT, graph))),
        outcome(lambda: graph_use(p.restore_leaf(twin, *leaf))),
        outcome(lambda: tape_use(m.Tape(nodes, constants, inputs, twin), points)),
        outcome(lambda: tape_use(t.restore(1, nodes, constants, inputs, twin), points)),
        outcome(lambda: tape_use(m.Tape.from_records(graph, leaves, "from_records", twin),
                                 points)),
        outcome(lambda: tape_use(m.Tape.from_graph(root, inputs_given), points)),
        outcome(lambda: number_use(p.restore_dual(twin, *leaf[:2]))),
        outcome(lambda: number_use(p.restore_multidual(twin, *leaf[:1], leaf[1:2]))),
    ]


# --- call sequences -------------------------------------------------------------------------

def run_calls(m: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
    """A sequence of calls on twin m's Values — making nodes, ops, backward passes, setting
    and deleting attributes, __init__ again, pickles, copies, detach, tapes — and what each
    did; then everything every node shows."""
    import copy

    nodes: list[Any] = [m.Value(1.5, label="x")]
    record: list[Any] = []

    def node(i: int) -> Any:
        return nodes[i % len(nodes)]

    for call in calls:
        kind, i, arg = call
        if kind == "new":
            action = lambda: nodes.append(m.Value(arg))  # noqa: E731
        elif kind == "op":
            action = lambda: nodes.append(BINARY_OPS[arg[0]](node(i), node(arg[1])))  # noqa: E731
        elif kind == "f":
            action = lambda: nodes.append(getattr(node(i), arg)())  # noqa: E731
        elif kind == "custom":
            action = lambda: nodes.append(m.Value(0.5, tuple(node(j) for j in arg), "mine"))  # noqa: E731
        elif kind in ("backward", "zero_grad"):
            action = lambda: getattr(node(i), kind)()  # noqa: E731
        elif kind in ("detach", "__copy__"):
            action = lambda: nodes.append(getattr(node(i), kind)())  # noqa: E731
        elif kind == "set":
            action = lambda: setattr(node(i), arg[0], arg[1])  # noqa: E731
        elif kind == "del":
            action = lambda: delattr(node(i), arg)  # noqa: E731
        elif kind == "init":
            action = lambda: node(i).__init__(*[node(j) if type(j) is int else j for j in arg])  # noqa: E731
        elif kind == "pickle":
            action = lambda: nodes.append(pickle.loads(pickle.dumps(node(i))))  # noqa: E731
        elif kind == "deepcopy":
            action = lambda: nodes.append(copy.deepcopy(node(i)))  # noqa: E731
        elif kind == "tape":  # a tape of node i's graph, inputs among the nodes, replayed
            def action() -> Any:  # at their data
                inputs = [node(j) for j in arg]
                tape = m.Tape.from_graph(node(i), inputs)
                return tape.value_and_grad([x.data for x in inputs])[1].tolist()
        else:  # a vector f's tape: outputs and inputs among the nodes (and a number)
            def action() -> Any:
                outputs, inputs = [node(j) for j in arg[0]] + [2.5], [node(j) for j in arg[1]]
                tape = m.Tape.from_graph(outputs, inputs)
                x = [v.data for v in inputs]
                return canonical([tape.value(x).tolist(), tape.jacobian(x).tolist(),
                                  tape.vjp(x, [1.0] * len(outputs))[1].tolist(),
                                  tape.jvp(x, [1.0] * len(inputs))[1].tolist()])
        record.append(outcome(action))
    index = {id(n): k for k, n in enumerate(nodes)}
    record.append(canonical([(n.data, n.grad, n.label, n._op, bool(n),
                              [index.get(id(c), -1) for c in n._children]) for n in nodes]))
    return record


BINARY_OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
              "/": lambda a, b: a / b, "**": lambda a, b: a ** b}
