"""A tape replayed in Python: the pure twin's replay (`Tape` holds the arrays; the compiled
twin replays the same arrays in C, `src/cydiff/_tape_c.pyx.tp`).

`forward` evaluates every node with the op table's formulas; `backward` passes the
gradient back from the last node in the order `Value.backward()` visits a graph, with
the same products, so a replay gives the bits a graph built anew gives.
"""

from __future__ import annotations

from typing import Sequence

from .._ops_py import BINARY, FOLDED, LEFT, UNARY, tangent
from .._records import Node
from .._spec import LEAF, SUM


def forward(nodes: Sequence[Node], constants: dict[int, float], inputs: Sequence[int],
            xs: Sequence[float]) -> list[float]:
    """Every node's value at the inputs xs, in the tape's (topological) order."""
    vals = [0.0] * len(nodes)
    for i, value in constants.items():
        vals[i] = value
    for i, x in zip(inputs, xs):
        if i >= 0:
            vals[i] = x
    for i, (op, a, b, c, items) in enumerate(nodes):
        if op == LEAF:
            continue
        if op in UNARY:
            vals[i] = UNARY[op].forward(vals[a])
        elif op in BINARY:
            vals[i] = BINARY[op].forward(vals[a], vals[b])
        elif op in FOLDED:
            kind, side = FOLDED[op]
            vals[i] = (BINARY[kind].forward(c, vals[a]) if side == LEFT
                       else BINARY[kind].forward(vals[a], c))
        elif op == SUM:
            total = 0.0
            for k, item in enumerate(items):
                v = vals[item] if type(item) is int else item
                total = v if k == 0 else total + v
            vals[i] = total
        else:  # DOT
            total = 0.0
            for k in range(0, len(items), 2):
                w, x = items[k], items[k + 1]
                term = (vals[w] if type(w) is int else w) * (vals[x] if type(x) is int else x)
                total = term if k == 0 else total + term
            vals[i] = total
    return vals


def backward(nodes: Sequence[Node], vals: list[float],
             seeds: Sequence[tuple[int, float]] = ()) -> list[float]:
    """`backward()` from the last node, as the Value graph does it (newest first); or,
    given seeds (node, u), from a vector f's outputs with weights u: what backward()
    from `dot(outputs, u)` gives them first (exactly u, added in order), then the same."""
    n = len(nodes)
    g = [0.0] * n
    for i, u in seeds or ((n - 1, 1.0),):
        g[i] += u
    for i in range(n - 1, -1, -1):
        gi = g[i]
        op, a, b, c, items = nodes[i]
        if gi == 0.0 or op == LEAF:
            continue
        y = vals[i]
        if op in UNARY:
            g[a] += tangent(UNARY[op].deriv(vals[a], y), gi)
        elif op in BINARY:
            spec = BINARY[op]
            g[a] += tangent(spec.da(vals[a], vals[b], y), gi)
            g[b] += tangent(spec.db(vals[a], vals[b], y), gi)
        elif op in FOLDED:
            kind, side = FOLDED[op]
            g[a] += tangent(BINARY[kind].db(c, vals[a], y) if side == LEFT
                            else BINARY[kind].da(vals[a], c, y), gi)
        elif op == SUM:
            for item in items:
                if type(item) is int:
                    g[item] += gi
        else:  # DOT
            for k in range(0, len(items), 2):
                w, x = items[k], items[k + 1]
                w_data = vals[w] if type(w) is int else w
                x_data = vals[x] if type(x) is int else x
                if type(w) is int:
                    g[w] += tangent(x_data, gi)
                if type(x) is int:
                    g[x] += tangent(w_data, gi)
    return g


def value_and_grad(nodes: Sequence[Node], constants: dict[int, float], inputs: Sequence[int],
                   xs: Sequence[float]) -> tuple[float, list[float]]:
    """(f(x), the gradient as a list)."""
    vals = forward(nodes, constants, inputs, xs)
    g = backward(nodes, vals)
    return vals[-1], [g[i] if i >= 0 else 0.0 for i in inputs]


def vjps(nodes: Sequence[Node], constants: dict[int, float], inputs: Sequence[int],
         outputs: Sequence[int], xs: Sequence[float],
         U: Sequence[Sequence[float]]) -> tuple[list[float], list[list[float]]]:
    """(the outputs f(x), uᵀ J for each u of U): one forward replay, one sweep back a u."""
    vals = forward(nodes, constants, inputs, xs)
    rows = []
    for u in U:
        g = backward(nodes, vals, list(zip(outputs, u)))
        rows.append([g[i] if i >= 0 else 0.0 for i in inputs])
    return [vals[i] for i in outputs], rows
