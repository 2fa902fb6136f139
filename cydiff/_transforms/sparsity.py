"""The sparsity of a tape's Jacobian and Hessian, and the colourings that compute them
in few sweeps.

The Jacobian's pattern is every output's set of inputs (a Python int, one bit an
input): what it depends on through the tape's operands. Its rows are coloured for
sweeps back, its columns for tangent passes forward (`JacobianColouring` says why each
entry keeps its own sweep's bits).

The Hessian's pattern comes from the tape's ops, as ADOL-C's nonlinear interaction
domains do (Walther 2008): every node's set of inputs, and for every op whose second
derivative in a pair of its operands is not identically zero (the op spec's formulas:
`x * y` couples x with y, `x ** 2` x with itself, `x + y` nothing), every pair of
their sets. Each pattern holds every entry a sweep can make other than +0.0, whatever
the point: a pattern of the tape, not of x.

The Hessian's columns that share no row get one colour (a distance-2 colouring of the
columns: Curtis, Powell and Reid's grouping of the gradient's Jacobian), and one
Hessian-vector product along the sum of a colour's unit vectors gives all its columns:
entry (i, j) is row i of its colour's product. Each entry is then the bits of its own
column's product `hvp(x, e_j)`: what the colour's other columns add there is an exact
zero — save a zero's sign, as x + 0.0 is +0.0 for x = -0.0. (A star colouring needs
fewer colours where one input meets all the others, but reads half the entries from
their mirror H[j, i], a product along another direction, so its dense Hessian could
differ from the column-by-column one in the last bit.)
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy

from .._spec import BINARY, DOT, FOLDED, LEAF, SUM, UNARY


def _coupled_operands() -> dict[int, tuple[str, ...]]:
    """op code -> the operand pairs ("aa", "ab", "bb") whose second derivative is not
    identically zero (a folded op's one operand is its "a")."""
    table: dict[int, tuple[str, ...]] = {}
    for unary in UNARY:
        table[unary.code] = ("aa",) if unary.d2 != "0.0" else ()
    binary = {op.code: op for op in BINARY}
    for op in BINARY:
        table[op.code] = tuple(pair for pair, formula in (("aa", op.daa), ("ab", op.dab),
                                                         ("bb", op.dbb)) if formula != "0.0")
    for folded in FOLDED:
        spec = binary[folded.binary]
        table[folded.code] = ("aa",) if (spec.dbb if folded.left else spec.daa) != "0.0" else ()
    return table


COUPLED = _coupled_operands()


def members(bits: int) -> list[int]:
    """The positions of a set's bits, in order."""
    out = []
    while bits:
        low = bits & -bits
        out.append(low.bit_length() - 1)
        bits ^= low
    return out


def hessian_pattern(nodes: Sequence[Any], inputs: Sequence[int]) -> list[int]:
    """The Hessian's pattern: row k's columns as a set (an int), for each input k."""
    position = {leaf: k for k, leaf in enumerate(inputs) if leaf >= 0}
    rows = [0] * len(inputs)
    deps = [0] * len(nodes)

    def couple(p: int, q: int) -> None:
        if p and q:
            for k in members(p):
                rows[k] |= q
            for k in members(q):
                rows[k] |= p

    for i, node in enumerate(nodes):
        op = node.op
        if op == LEAF:
            deps[i] = 1 << position[i] if i in position else 0
        elif op == SUM:
            for item in node.items:
                if type(item) is int:
                    deps[i] |= deps[item]
        elif op == DOT:
            for w, x in zip(node.items[::2], node.items[1::2]):
                dw = deps[w] if type(w) is int else 0
                dx = deps[x] if type(x) is int else 0
                deps[i] |= dw | dx
                couple(dw, dx)
        else:
            a = deps[node.a]
            b = deps[node.b] if node.b >= 0 else 0
            deps[i] = a | b
            for pair in COUPLED[op]:
                couple(a if pair[0] == "a" else b, a if pair[1] == "a" else b)
    return rows


def column_colouring(rows: Sequence[int], columns: Optional[Sequence[int]] = None) -> list[int]:
    """A colour per column, greedy in order: two columns with a row in common differ.
    rows[i]: row i's columns; columns[j]: column j's rows (by default rows[j], as in a
    symmetric matrix)."""
    colours: list[int] = []
    for j, column in enumerate(rows if columns is None else columns):
        meets = 0
        for i in members(column):
            meets |= rows[i]
        taken = {colours[k] for k in members(meets & ((1 << j) - 1))}
        colour = 0
        while colour in taken:
            colour += 1
        colours.append(colour)
    return colours


def dependencies(nodes: Sequence[Any], inputs: Sequence[int]) -> list[int]:
    """Every node's set of the inputs it depends on (an int, one bit an input)."""
    position = {leaf: k for k, leaf in enumerate(inputs) if leaf >= 0}
    deps = [0] * len(nodes)
    for i, node in enumerate(nodes):
        if node.op == LEAF:
            deps[i] = 1 << position[i] if i in position else 0
        elif node.op == SUM or node.op == DOT:
            for item in node.items:
                if type(item) is int:
                    deps[i] |= deps[item]
        else:
            deps[i] = deps[node.a] | (deps[node.b] if node.b >= 0 else 0)
    return deps


def row_colouring(rows: Sequence[int]) -> list[int]:
    """A colour per row, greedy in order: two rows with a column in common differ."""
    colours: list[int] = []
    for i, row in enumerate(rows):
        taken = {colours[k] for k in range(i) if rows[k] & row}
        colour = 0
        while colour in taken:
            colour += 1
        colours.append(colour)
    return colours


def _entries(pattern: Sequence[int]) -> tuple[Any, Any, Any]:
    """A pattern's entries (row i's columns a set) as arrays: rows, cols, and the CSR
    indptr (the entries in row order, each row's columns ascending)."""
    entries = [(i, j) for i, row in enumerate(pattern) for j in members(row)]
    rows = numpy.array([i for i, _ in entries], dtype=numpy.intp)
    cols = numpy.array([j for _, j in entries], dtype=numpy.intp)
    return rows, cols, numpy.concatenate(
        ([0], numpy.cumsum(numpy.bincount(rows, minlength=len(pattern)))))


def _seeds(colours: Any) -> Any:
    """Row c: Σ e_k over the k of colour c (colours: an intp array)."""
    size = len(colours)
    seeds = numpy.zeros((int(colours.max()) + 1 if size else 0, size), dtype=numpy.float64)
    seeds[colours, numpy.arange(size)] = 1.0
    return seeds


class JacobianColouring:
    """A tape's Jacobian pattern (row i: the inputs output i depends on), its entries as
    (rows, cols), and two colourings: of its rows, for sweeps back (uᵀ J along the sum
    of a colour's unit vectors, entry (i, j) column j of its colour's product), and of
    its columns, for tangent passes (J v, entry (i, j) row i of its colour's product).
    Each entry is then the bits of its own row's sweep `vjp(x, e_i)`, or of its own
    column's pass `jvp(x, e_j)`: rows of one colour share no input, so no node that the
    others reach leads to one of row i's inputs, and what they add there is nothing;
    columns of one colour share no output, so no node depends on two of them (each
    node reaches an output), and what the others carry never meets column j's."""

    __slots__ = ("shape", "rows", "cols", "indptr", "row_colours", "row_seeds",
                 "column_colours", "column_seeds")

    def __init__(self, nodes: Sequence[Any], inputs: Sequence[int], outputs: Sequence[int]) -> None:
        deps = dependencies(nodes, inputs)
        pattern = [deps[i] for i in outputs]
        m, n = len(outputs), len(inputs)
        self.shape = (m, n)
        self.rows, self.cols, self.indptr = _entries(pattern)
        self.row_colours = numpy.array(row_colouring(pattern), dtype=numpy.intp)
        self.row_seeds = _seeds(self.row_colours)
        columns = [0] * n
        for i, row in enumerate(pattern):
            for j in members(row):
                columns[j] |= 1 << i
        self.column_colours = numpy.array(column_colouring(pattern, columns), dtype=numpy.intp)
        self.column_seeds = _seeds(self.column_colours)

    def reverse_entries(self, products: Any) -> Any:
        """The entries (in rows, cols order) from the row colours' products (row c:
        row_seeds[c]ᵀ J)."""
        return products[self.row_colours[self.rows], self.cols]

    def forward_entries(self, products: Any) -> Any:
        """The entries from the column colours' products (row c: J column_seeds[c])."""
        return products[self.column_colours[self.cols], self.rows]


class HessianColouring:
    """A tape's Hessian pattern, its entries as (rows, columns), and the colouring."""

    __slots__ = ("rows", "cols", "indptr", "colours", "seeds")

    def __init__(self, nodes: Sequence[Any], inputs: Sequence[int]) -> None:
        pattern = hessian_pattern(nodes, inputs)
        self.rows, self.cols, self.indptr = _entries(pattern)
        self.colours = numpy.array(column_colouring(pattern), dtype=numpy.intp)
        self.seeds = _seeds(self.colours)

    def entries(self, products: Any) -> Any:
        """The pattern's entries (in rows, cols order) from the colours' products
        (row c: H · seeds[c])."""
        return products[self.colours[self.cols], self.rows]
