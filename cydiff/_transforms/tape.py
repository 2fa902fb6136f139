"""Traced tapes: a graph recorded once as flat arrays, replayed at new inputs.

`cydiff.trace(f, x0)` runs f once on Values and records its graph;
`Tape.from_graph(output, inputs)` records a graph already built. The tape is the
graph's records (the format of `_pickle`, topological order) without the
Values: per node an op code, operand indices, a folded constant, and the items
of a fused sum or dot; the inputs' indices; the other leaves' values. `value`,
`grad` and `value_and_grad` replay it: forward with the op table's formulas,
backward in the order `backward()` visits a graph, with the same products, so a
replay gives the bits that building the graph anew at x and calling `backward()`
gives. An op with a kink replays as the op (a relu is evaluated anew); Python
control flow in f (an `if` on a value) is frozen at trace time, as with
`jax.jit`: `trace(..., check=True)` re-traces f at a second point and raises if
the recorded ops differ. Ops whose results do not reach the output are not
recorded, so a replay does not run them (nor raise their errors). `hvp` and
`hessian` replay `second`'s forward-over-reverse sweep, the bits of `cydiff.hvp`
and `cydiff.hessian`.

The pure twin's tapes replay in Python (`replay`); the compiled twin's record their
arrays in C, straight from the Values (no record made in Python: recording costs about
what building the graph did), and replay them in C (`src/cydiff/_tape_c.pyx.tp`, the
same formulas in the same order),
without the GIL, so threads replay at once: `value_and_grad_batch` splits rows
across them, and `cydiff.parallel` spreads blocks of rows over processes.
"""

from __future__ import annotations

import math
import os
import threading
from typing import Any, Optional, Sequence

import numpy

from .. import _common, _pickle, _records, _twin
from . import inputs, replay
from .sparsity import HessianColouring
from .._spec import CUSTOM, LEAF
from .._records import Node


class Tape:
    """A recorded graph, replayed at new inputs (see the module)."""

    __slots__ = ("_kept_nodes", "_kept_constants", "_inputs", "_twin", "_engine", "_colouring")
    _kept_nodes: Optional[tuple[Node, ...]]  # the nodes (None: the compiled replay has them)
    _kept_constants: Optional[dict[int, float]]  # leaf index -> value, for leaves not inputs
    _inputs: tuple[int, ...]      # leaf index of each input (-1: f did not use it)
    _twin: str                    # whose replay: "pure" here, "compiled" in C
    _engine: Any                  # the compiled replay, or None
    _colouring: Optional[HessianColouring]  # the Hessian's, made at its first use

    def __new__(cls, nodes: Sequence[tuple[Any, ...]], constants: dict[int, float],
                inputs: Sequence[int], twin: str = "pure") -> Tape:
        """A tape from its arrays, checked (`_records.tape` says what they must be). Made
        whole here, as a number is: __init__ is object's, so calling it again cannot
        change a tape, nor set its arrays apart from its compiled replay's."""
        return cls._of(*_records.tape(nodes, constants, inputs, twin, "Tape()"), twin)

    @classmethod
    def _of(cls, nodes: tuple[Node, ...], constants: dict[int, float], inputs: tuple[int, ...],
            twin: str) -> Tape:
        """A tape of arrays that hold together: checked, or recorded from a graph."""
        engine = None
        if twin == "compiled":
            from .._tape_c import Replay  # type: ignore[import-not-found,unused-ignore]
            engine = Replay(nodes, constants, inputs)
        return cls._made(nodes, constants, inputs, twin, engine)

    @classmethod
    def _made(cls, nodes: Optional[tuple[Node, ...]], constants: Optional[dict[int, float]],
              inputs: tuple[int, ...], twin: str, engine: Any) -> Tape:
        tape = object.__new__(cls)
        tape._kept_nodes, tape._kept_constants, tape._inputs = nodes, constants, inputs
        tape._twin, tape._engine, tape._colouring = twin, engine, None
        return tape

    @property
    def _nodes(self) -> tuple[Node, ...]:
        """The nodes: per node its op code, operands (-1 where unused), folded constant and
        items."""
        return self._arrays()[0]

    @property
    def _constants(self) -> dict[int, float]:
        return self._arrays()[1]

    def _arrays(self) -> tuple[tuple[Node, ...], dict[int, float]]:
        """The nodes and constants. A tape recorded in C makes them at their first use (few
        need them: pickling, comparing, colouring the Hessian); two threads may both make
        them, the same ones."""
        if self._kept_nodes is None or self._kept_constants is None:
            nodes, constants = self._engine.records()
            self._kept_constants = constants
            self._kept_nodes = tuple(Node(*node) for node in nodes)
        return self._kept_nodes, self._kept_constants

    # --- recording ----------------------------------------------------------------------
    @classmethod
    def from_records(cls, records: list[Any], inputs: Sequence[Any],
                     where: str = "Tape.from_records", twin: str = "pure") -> Tape:
        """The tape of a graph given as its records (the format of `_pickle`, checked),
        with `inputs` (leaves among the records, each once) as the variables; its other
        leaves are constants."""
        record = _twin.lookup(_records.check_twin(twin, where))
        records = _records.graph(records, record.Value, where)
        if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
            raise TypeError(f"{where}: inputs must be a sequence of Values, not "
                            f"'{_common.type_name(inputs)}'")
        inputs = list(inputs)
        index = {id(entry): i for i, entry in enumerate(records) if type(entry) is not tuple}
        positions = _input_positions(inputs, record.Value, where)
        nodes, constants = [], {}
        for i, entry in enumerate(records):
            if type(entry) is not tuple:
                if id(entry) not in positions:
                    constants[i] = entry.data
                nodes.append(Node(LEAF, -1, -1, 0.0, ()))
                continue
            _, _, op, _, a, b, c, items = entry
            if op == CUSTOM:
                raise ValueError(f"{where}: the graph has a custom op ({items[0]!r}), which a "
                                 "tape cannot replay: its derivative is unknown")
            nodes.append(Node(op, -1 if a is None else a, -1 if b is None else b, c,
                              items if items is not None else ()))
        return cls._of(tuple(nodes), constants,
                       tuple(index.get(id(leaf), -1) for leaf in inputs), twin)

    @classmethod
    def from_graph(cls, output: Any, inputs: Sequence[Any]) -> Tape:
        """The tape of a graph already built: `output`'s graph, replayed with `inputs`
        (leaves of it, in order, each once) as the variables; its other leaves are
        constants. An input output does not depend on has a gradient of 0."""
        where = "Tape.from_graph"
        twin = _twin.of(output)
        if twin is None or not hasattr(output, "backward"):
            raise TypeError(f"{where}: output must be a Value, not "
                            f"'{_common.type_name(output)}'")
        return cls._recorded(twin, output, inputs, where)

    @classmethod
    def _recorded(cls, twin: Any, output: Any, inputs: Sequence[Any], where: str) -> Tape:
        """The tape of `output`'s graph with `inputs` as its variables: the compiled twin's
        recorded in C (no record made in Python, the same arrays), the pure twin's from
        its records."""
        if twin.name != "compiled":
            return cls.from_records(twin.graph_records(output), inputs, where, twin.name)
        if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
            raise TypeError(f"{where}: inputs must be a sequence of Values, not "
                            f"'{_common.type_name(inputs)}'")
        inputs = list(inputs)
        from .._tape_c import Replay
        recorded = Replay.of_graph(output, inputs, where)
        if recorded is None:  # the inputs are not leaves, each once: which, and why
            _input_positions(inputs, twin.Value, where)
            raise AssertionError(f"{where}: Replay.of_graph refused inputs that Tape takes")
        engine, indices = recorded
        return cls._made(None, None, indices, twin.name, engine)

    # --- the API ------------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of ops (nodes that are not leaves)."""
        if self._engine is not None:
            ops: int = self._engine.n_ops
            return ops
        return sum(1 for node in self._nodes if node.op != LEAF)

    @property
    def n_inputs(self) -> int:
        return len(self._inputs)

    def __repr__(self) -> str:
        return f"Tape({len(self)} ops, {self.n_inputs} inputs, {self._twin} replay)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tape):
            return NotImplemented
        return (self._nodes == other._nodes and self._inputs == other._inputs
                and _same(self._constants, other._constants))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (restore, (1, [tuple(n) for n in self._nodes], self._constants, self._inputs,
                           self._twin))

    def value(self, x: Any) -> float:
        """f(x), replayed."""
        xs = inputs.point(self.n_inputs, x, "Tape.value")
        if self._engine is not None:
            value: float = self._engine.value(xs)
            return value
        return replay.forward(self._nodes, self._constants, self._inputs, xs.tolist())[-1]

    def value_and_grad(self, x: Any) -> tuple[float, Any]:
        """(f(x), ∇f(x)), replayed forward and backward; the gradient a float64 array."""
        xs = inputs.point(self.n_inputs, x, "Tape.value_and_grad")
        grad = numpy.empty(self.n_inputs, dtype=numpy.float64)
        if self._engine is not None:
            value: float = self._engine.value_and_grad(xs, grad)
            return value, grad
        value, grad[:] = replay.value_and_grad(self._nodes, self._constants, self._inputs,
                                                  xs.tolist())
        return value, grad

    def grad(self, x: Any) -> Any:
        """∇f(x), replayed: a float64 array."""
        return self.value_and_grad(x)[1]

    # --- second order: `second`'s sweep, forward over reverse, on the tape ----------------
    def hvp(self, x: Any, v: Any) -> Any:
        """H(x) v, exact, without forming H: a float64 array, the bits of
        `cydiff.hvp(f, x, v)` (one forward replay, one tangent pass, one sweep back)."""
        xs = inputs.point(self.n_inputs, x, "Tape.hvp")
        vs = inputs.point(self.n_inputs, v, "Tape.hvp", "v")
        hv = numpy.empty(self.n_inputs, dtype=numpy.float64)
        if self._engine is not None:
            self._engine.hvp(xs, vs, hv)
        else:
            hv[:] = self._graph(xs).hvp(vs.tolist())[1]
        return hv

    def hessian(self, x: Any, sparse: bool = False) -> Any:
        """H(x), exact: an n×n float64 array whose column j is `hvp(x, e_j)`, the bits
        of `cydiff.hessian(f)(x)` — save a zero's sign where the pattern has an entry
        (see `sparsity`) — or, `sparse=True`, a scipy.sparse CSR matrix of the pattern's
        entries. Columns that share no row are computed together: one forward replay,
        then a sweep per colour of `sparsity("hessian")`'s colouring (3 for a banded
        Hessian like Rosenbrock's, whatever n), not one per column."""
        xs = inputs.point(self.n_inputs, x, "Tape.hessian")
        if not isinstance(sparse, bool):
            raise TypeError(f"Tape.hessian: sparse must be True or False, not "
                            f"'{_common.type_name(sparse)}'")
        colouring = self._hessian_colouring()
        n, seeds = self.n_inputs, colouring.seeds
        products = numpy.empty(seeds.shape, dtype=numpy.float64)  # row c: H · seeds[c]
        if self._engine is not None:
            self._engine.hvps(xs, seeds, products)
        else:
            products[:] = self._graph(xs).hvps(seeds.T).T
        values = colouring.entries(products)
        if sparse:
            return _scipy_sparse("Tape.hessian").csr_matrix(
                (values, colouring.cols.copy(), colouring.indptr.copy()), shape=(n, n))
        H = numpy.zeros((n, n), dtype=numpy.float64)
        H[colouring.rows, colouring.cols] = values
        return H

    def sparsity(self, of: str = "hessian") -> Any:
        """The pattern of the Hessian (`of="hessian"`, n×n) or of the gradient as a 1×n
        Jacobian (`of="jacobian"`): a scipy.sparse CSR matrix of booleans, True where a
        replay can give an entry other than +0.0 at some point. A pattern of the tape, the
        same at every x: ready for `scipy.optimize.minimize(..., method="trust-constr",
        hess=...)` and `least_squares(..., jac_sparsity=...)`."""
        sparse = _scipy_sparse("Tape.sparsity")
        n = self.n_inputs
        if of == "hessian":
            colouring = self._hessian_colouring()
            return sparse.csr_matrix((numpy.ones(len(colouring.rows), dtype=bool),
                                      colouring.cols.copy(), colouring.indptr.copy()),
                                     shape=(n, n))
        if of == "jacobian":
            used = numpy.flatnonzero(numpy.array(self._inputs) >= 0)
            return sparse.csr_matrix((numpy.ones(len(used), dtype=bool),
                                      (numpy.zeros(len(used), dtype=numpy.intp), used)),
                                     shape=(1, n))
        raise ValueError(f"Tape.sparsity: of must be 'hessian' or 'jacobian', not {of!r}")

    def _hessian_colouring(self) -> HessianColouring:
        if self._colouring is None:  # (two threads may both make it: the same one)
            self._colouring = HessianColouring(self._nodes, self._inputs)
        return self._colouring

    def _graph(self, xs: Any) -> Any:
        from .second import Graph
        return Graph.of_tape(
            self._nodes, replay.forward(self._nodes, self._constants, self._inputs, xs.tolist()),
            self._inputs)

    def value_and_grad_batch(self, X: Any, threads: Optional[int] = None) -> tuple[Any, Any]:
        """Values (m,) and gradients (m, n) at the rows of X (m, n), each row as
        `value_and_grad` gives it. The compiled replay splits the rows into `threads`
        contiguous blocks, each replayed by its own thread with its own scratch, the GIL
        released (None: one thread per CPU, fewer for a small batch), 8 rows at a time in
        lockstep, op by op (the bits of single replays); it never starts
        more threads than there are rows or CPUs (more could not run at once). The first
        row that raises (in row order) raises. The pure replay holds the GIL, so it runs
        the rows in turn, whatever `threads` says."""
        where = "Tape.value_and_grad_batch"
        inputs.count(threads, "threads", where)
        rows = inputs.rows(X, self.n_inputs, where)
        m = len(rows)
        values = numpy.empty(m, dtype=numpy.float64)
        grads = numpy.empty((m, self.n_inputs), dtype=numpy.float64)
        if self._engine is None:
            for k in range(m):
                values[k], grads[k] = replay.value_and_grad(
                    self._nodes, self._constants, self._inputs, rows[k].tolist())
            return values, grads
        if threads is None:
            threads = max(1, min(_cpus(), m * self._engine.n // _NODES_PER_THREAD))
        _in_blocks(self._engine.batch, rows, values, grads, max(1, min(threads, m, _cpus())))
        return values, grads


def _scipy_sparse(where: str) -> Any:
    try:
        import scipy.sparse  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError(f"{where}: sparse matrices need scipy (pip install 'cydiff[sparse]' "
                          "or pip install scipy)") from None
    return scipy.sparse


def _input_positions(inputs: Sequence[Any], value_type: Any, where: str) -> dict[int, int]:
    """id(leaf): its position among the inputs, each a leaf of the twin, each once. A
    replay sets the inputs' values: an op's result given as an input would be replayed
    as the op, its value and gradient ignored."""
    positions: dict[int, int] = {}
    for k, leaf in enumerate(inputs):
        if type(leaf) is not value_type:
            raise TypeError(f"{where}: inputs[{k}] must be a Value of the graph's twin, not "
                            f"'{_common.type_name(leaf)}'{_common.other_twin_hint(leaf)}")
        if leaf._children:
            raise ValueError(f"{where}: inputs[{k}] is not a leaf but the result of an op "
                             f"({leaf._op!r}): the inputs of a tape are leaves of its graph")
        if id(leaf) in positions:
            raise ValueError(f"{where}: inputs[{k}] is inputs[{positions[id(leaf)]}] again: "
                             "each input is a leaf of its own")
        positions[id(leaf)] = k
    return positions


# A thread is worth starting for this many node replays (~0.5 ms of work; starting and
# joining one costs ~0.1-0.2 ms): a 10k-op tape splits 32 rows over 2 threads, not 8 rows.
_NODES_PER_THREAD = 100_000


def _cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _in_blocks(batch: Any, rows: Any, values: Any, grads: Any, threads: int) -> None:
    """batch(rows, values, grads, lo, hi) over `threads` contiguous blocks of rows, the
    first in this thread; the error of the first block that raised is raised."""
    m = len(rows)
    bounds = [m * k // threads for k in range(threads + 1)]
    errors: list[Optional[BaseException]] = [None] * threads

    def block(k: int) -> None:
        try:
            batch(rows, values, grads, bounds[k], bounds[k + 1])
        except BaseException as error:  # re-raised below, in the caller's thread
            errors[k] = error

    workers = [threading.Thread(target=block, args=(k,)) for k in range(1, threads)]
    for worker in workers:
        worker.start()
    block(0)
    for worker in workers:
        worker.join()
    for error in errors:
        if error is not None:
            raise error


def same_ops(a: Tape, b: Tape) -> bool:
    """Whether two tapes record the same ops on the same inputs (their constants' values
    aside): `trace(check=True)` asks it of f traced at two points."""
    return (a._nodes == b._nodes and a._inputs == b._inputs
            and a._constants.keys() == b._constants.keys())


def _same(a: dict[int, float], b: dict[int, float]) -> bool:
    return a.keys() == b.keys() and all(
        (a[k] == b[k] and math.copysign(1, a[k]) == math.copysign(1, b[k]))
        or (a[k] != a[k] and b[k] != b[k]) for k in a)


def restore(version: int, nodes: list[Any], constants: dict[int, float],
             inputs: Sequence[int], twin: str = "pure") -> Tape:
    """An unpickled tape: its arrays checked as `Tape()` checks them; anything wrong with
    them is a ValueError (the pickle is corrupt)."""
    if type(version) is not int or version != 1:
        raise ValueError(f"cannot unpickle a cydiff Tape: format {version!r}; this cydiff reads 1")
    if twin == "compiled":  # a pure install, or CYDIFF_NO_EXTENSIONS, replays in Python
        twin = _twin.loadable(twin).name
    arrays: tuple[tuple[Node, ...], dict[int, float], tuple[int, ...]] = _pickle.checked(
        _records.tape, "Tape", nodes, constants, inputs, twin)
    return Tape._of(*arrays, twin)
