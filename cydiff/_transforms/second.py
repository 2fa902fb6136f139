"""Second order: exact Hessian-vector products, forward over reverse, on a built graph.

`hessian` and `hvp` build f's graph once with Values (either twin), read it as
flat records (the format of `_pickle`: topological order, children as indices)
and sweep it here, in Python, for both twins alike:

1. forward, the tangent of every node along v (what a Dual seeded with v carries);
2. backward from the output, the gradient g of every node (what `backward()`
   computes, bit for bit: same products, same order) and its tangent ġ along v:

       g_j += d·g            ġ_j += d·ġ + g·(Σ_k ∂d/∂x_k · t_k)

   for every operand j of a node, d the local derivative d node / d x_j.

At an input, ġ is (H v)_i: one sweep costs a few times a backward pass, and a
full Hessian is n sweeps over the same graph. The local second derivatives
∂d/∂x_k come from the op spec, beside the first derivatives (`_ops_py`); their
products follow `tangent`'s strong zero (0·inf = 0), as the first order does.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

import numpy
from numpy.typing import NDArray

from .._ops_py import BINARY, FOLDED, LEFT, UNARY, tangent
from .._spec import CUSTOM, DOT, LEAF, SUM


Array = NDArray[numpy.float64]
Vector = Optional[Array]  # a vector of directions' values; None for all +0.0


class Local(NamedTuple):
    """One operand of a node: its record index j, d node / d x_j, and the second
    derivatives (k, d² node / d x_j d x_k) that are not identically zero."""
    j: int
    d: float
    second: tuple[tuple[int, float], ...]


def _locals(entry: Any, data: Sequence[float]) -> list[Local]:
    """The operands of one graph record, in the order `backward()` visits them."""
    if not isinstance(entry, tuple):  # a leaf
        return []
    y, _, op, _, a, b, c, items = entry
    if op in UNARY:
        x = data[a]
        unary = UNARY[op]
        return [Local(a, unary.deriv(x, y), ((a, unary.deriv2(x, y)),))]
    if op in BINARY:
        av, bv = data[a], data[b]
        spec = BINARY[op]
        ab = spec.dab(av, bv, y)
        return [Local(a, spec.da(av, bv, y), ((a, spec.daa(av, bv, y)), (b, ab))),
                Local(b, spec.db(av, bv, y), ((a, ab), (b, spec.dbb(av, bv, y))))]
    if op in FOLDED:
        kind, side = FOLDED[op]
        x = data[a]
        if side == LEFT:  # c op x
            return [Local(a, BINARY[kind].db(c, x, y), ((a, BINARY[kind].dbb(c, x, y)),))]
        return [Local(a, BINARY[kind].da(x, c, y), ((a, BINARY[kind].daa(x, c, y)),))]
    if op == SUM:
        return [Local(j, 1.0, ()) for j in items if type(j) is int]
    if op == DOT:
        operands = []
        for i in range(0, len(items), 2):
            w, x = items[i], items[i + 1]
            w_node, x_node = type(w) is int, type(x) is int
            if w_node:
                operands.append(Local(w, data[x] if x_node else x, ((x, 1.0),) if x_node else ()))
            if x_node:
                operands.append(Local(x, data[w] if w_node else w, ((w, 1.0),) if w_node else ()))
        return operands
    assert op == LEAF or op == CUSTOM  # a custom op has no known derivative
    return []


def _sum(terms: Sequence[float]) -> float:
    """Left to right from the first term (0.0 + -0.0 would lose the sign)."""
    total = terms[0]
    for term in terms[1:]:
        total += term
    return total


class Graph:
    """A scalar function's graph, read once, swept once per direction."""

    def __init__(self, records: list[Any], inputs: Sequence[Any]) -> None:
        index = {id(entry): i for i, entry in enumerate(records) if not isinstance(entry, tuple)}
        self.data = [entry[0] if isinstance(entry, tuple) else entry.data for entry in records]
        self.locals = [_locals(entry, self.data) for entry in records]
        # an input f did not use is not in the graph: its derivatives are 0
        self.inputs = [index.get(id(leaf), -1) for leaf in inputs]

    @classmethod
    def of_tape(cls, nodes: Sequence[Any], data: list[float], inputs: Sequence[int]) -> Graph:
        """A tape's nodes (`_records.Node`) with their values `data` at a point."""
        graph = cls.__new__(cls)
        graph.data = data
        graph.locals = [_locals((data[i], 0.0, op, None, a, b, c, items), data)
                        for i, (op, a, b, c, items) in enumerate(nodes)]
        graph.inputs = list(inputs)
        return graph

    def tangents(self, v: Sequence[float]) -> list[float]:
        """Every node's tangent along v (what a Dual seeded with v carries): a tape's jvp."""
        t = [0.0] * len(self.data)
        for i, vi in zip(self.inputs, v):
            if i >= 0:
                t[i] = vi
        for i, operands in enumerate(self.locals):
            if operands:
                t[i] = _sum([tangent(d, t[j]) for j, d, _ in operands])
        return t

    def hvp(self, v: Sequence[float]) -> tuple[list[float], list[float]]:
        """(the gradient, H v) at the inputs."""
        n = len(self.data)
        t = self.tangents(v)
        g, gt = [0.0] * n, [0.0] * n
        g[n - 1] = 1.0
        for i in range(n - 1, -1, -1):
            gi, gti = g[i], gt[i]
            if gi == 0.0 and gti == 0.0:
                continue
            for j, d, second in self.locals[i]:
                if gi != 0.0:  # as backward(): nothing flows, not even a +0.0
                    g[j] += tangent(d, gi)
                dt = _sum([tangent(d2, t[k]) for k, d2 in second]) if second else 0.0
                gt[j] += tangent(d, gti) + tangent(gi, dt)
        return ([g[i] if i >= 0 else 0.0 for i in self.inputs],
                [gt[i] if i >= 0 else 0.0 for i in self.inputs])

    def hvps(self, V: Array) -> Array:
        """H V for the columns of V (inputs × k): `hvp`'s sweep, one numpy vector of k
        directions a node instead of one float, so a Hessian costs a few sweeps, not n.
        Every element is computed as `hvp` computes it, to the bit: None stands for a
        vector of +0.0, and where `hvp` skips a node for one direction, so does this."""
        with numpy.errstate(all="ignore"):  # IEEE arithmetic, as the floats of `hvp`
            return self._hvps(V)

    def _hvps(self, V: Array) -> Array:
        n, k = len(self.data), V.shape[1]
        t: list[Vector] = [None] * n
        for i, row in zip(self.inputs, V):
            if i >= 0:
                t[i] = row.copy()
        for i, operands in enumerate(self.locals):
            if operands:
                t[i] = _vsum([_vtangent(d, t[j]) for j, d, _ in operands])
        g: list[float] = [0.0] * n
        gt: list[Vector] = [None] * n
        g[n - 1] = 1.0
        for i in range(n - 1, -1, -1):
            gi, gti = g[i], gt[i]
            if gi == 0.0 and gti is None:
                continue
            for j, d, second in self.locals[i]:
                if gi != 0.0:
                    g[j] += tangent(d, gi)
                dt = _vsum([_vtangent(d2, t[m]) for m, d2 in second]) if second else None
                update = _vadd(gt[j], _vadd(_vtangent(d, gti), _vtangent(gi, dt)))
                if gi == 0.0 and update is not None:  # hvp skips where gti is 0
                    assert gti is not None
                    before = gt[j]
                    update = numpy.where(gti != 0.0, update,
                                         numpy.zeros(k) if before is None else before)
                gt[j] = update
        out = numpy.zeros((len(self.inputs), k))
        for row, i in enumerate(self.inputs):
            if i >= 0 and gt[i] is not None:
                out[row] = gt[i]
        return out


# --- numpy vectors of directions: None is a vector of +0.0 ------------------------------



def _vtangent(d: float, t: Vector) -> Vector:
    """`tangent(d, t_k)` for every k: 0 where d or t_k is 0, even against inf or nan."""
    if t is None or d == 0.0:
        return None
    product: Array = d * t
    product[t == 0.0] = 0.0
    return product


def _vadd(a: Vector, b: Vector) -> Vector:
    if a is None:
        return None if b is None else b + 0.0  # 0.0 + -0.0 is 0.0
    return a + 0.0 if b is None else a + b


def _vsum(terms: Sequence[Vector]) -> Vector:
    total = terms[0]
    for term in terms[1:]:
        total = _vadd(total, term)
    return total
