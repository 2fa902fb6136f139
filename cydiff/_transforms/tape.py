"""Traced tapes: a graph recorded once as flat arrays, replayed at new inputs.

`cydiff.trace(f, x0)` runs f once on Values and records its graph;
`Tape.from_graph(output, inputs)` records a graph already built. The tape is the
graph's records (the format of `_pickle`, topological order) without the Values: per
node an op code, operand indices, a folded constant, and the items of a fused sum or
dot; the inputs' indices; the other leaves' values; a vector f's outputs' nodes (a
scalar f's output is the last node). A replay gives the bits that building the graph
anew at x gives: forward with the op table's formulas, backward in the order
`backward()` visits a graph, with the same products (`value_and_grad`; `jacobian`
and `vjp` for a vector f, as `cydiff.vjp`'s graph; `hvp` and `hessian` as `second`'s
forward-over-reverse sweep; `jvp` as its tangent pass). An op with a kink replays as
the op (a relu is evaluated anew); Python control flow in f is frozen at trace time,
as with `jax.jit` (`trace(..., check=True)` re-traces f at a second point and raises
if the ops differ). Ops whose results reach no output are not recorded, so a replay
neither runs them nor raises their errors.

The pure twin's tapes replay in Python (`replay`, `second`). The compiled twin's are
recorded in C straight from the Values (no record made in Python) and replayed in C
(`src/cydiff/_tape_c.pyx.tp`, the same formulas in the same order) without the GIL,
so threads replay at once: `value_and_grad_batch` splits rows across them, and
`cydiff.parallel` spreads blocks of rows over processes.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Optional, Sequence, cast, overload

import numpy
import numpy.typing as npt

from .. import _common, _pickle, _records, _twin
from . import inputs, recording, replay, tape_sweeps as sweeps
from .inputs import outputs_twin
from .recording import Recorded
from .sparsity import HessianColouring, JacobianColouring
from .threads import NODES_PER_THREAD, cpus, in_blocks
from .._spec import LEAF
from .._records import Node


class Tape:
    """A recorded graph, replayed at new inputs (see the module)."""

    __slots__ = ("_kept_nodes", "_kept_constants", "_inputs", "_outputs", "_twin", "_engine",
                 "_hessian_colours", "_jacobian_colours")
    _kept_nodes: Optional[tuple[Node, ...]]  # the nodes (None: the compiled replay has them)
    _kept_constants: Optional[dict[int, float]]  # leaf index -> value, for leaves not inputs
    _inputs: tuple[int, ...]      # leaf index of each input (-1: f did not use it)
    _outputs: Optional[tuple[int, ...]]  # a vector f's outputs' nodes (None: a scalar f)
    _twin: str                    # whose replay: "pure" here, "compiled" in C
    _engine: Any                  # the compiled replay, or None
    _hessian_colours: Optional[HessianColouring]  # made at their first use
    _jacobian_colours: Optional[JacobianColouring]

    def __new__(cls, nodes: Sequence[tuple[Any, ...]], constants: dict[int, float],
                inputs: Sequence[int], twin: str = "pure",
                outputs: Optional[Sequence[int]] = None) -> Tape:
        """A tape from its arrays, checked (`_records.tape` says what they must be); a
        vector f's has its outputs' nodes (None: a scalar f's, the last node). Made
        whole here, as a number is: __init__ is object's, so calling it again cannot
        change a tape, nor set its arrays apart from its compiled replay's."""
        arrays = _records.tape(nodes, constants, inputs, twin, "Tape()")
        return cls._of(*arrays, twin, _records.outputs(outputs, len(arrays[0]), "Tape()"))

    @classmethod
    def _of(cls, nodes: tuple[Node, ...], constants: dict[int, float], inputs: tuple[int, ...],
            twin: str, outputs: Optional[tuple[int, ...]] = None) -> Tape:
        """A tape of arrays that hold together: checked, or recorded from a graph."""
        engine = None
        if twin == "compiled":
            from .._tape_c import Replay  # type: ignore[import-not-found,unused-ignore]
            engine = Replay(nodes, constants, inputs, outputs)
        return cls._made(nodes, constants, inputs, outputs, twin, engine)

    @classmethod
    def _made(cls, nodes: Optional[tuple[Node, ...]], constants: Optional[dict[int, float]],
              inputs: tuple[int, ...], outputs: Optional[tuple[int, ...]], twin: str,
              engine: Any) -> Tape:
        tape = object.__new__(cls)
        tape._kept_nodes, tape._kept_constants, tape._inputs = nodes, constants, inputs
        tape._outputs, tape._twin, tape._engine = outputs, twin, engine
        tape._hessian_colours = tape._jacobian_colours = None
        return tape

    # The nodes and the constants. A tape recorded in C makes them at their first use (few
    # need them: pickling, comparing, colouring); two threads may make them: the same ones.
    @property
    def _nodes(self) -> tuple[Node, ...]:
        return self._arrays()[0]

    @property
    def _constants(self) -> dict[int, float]:
        return self._arrays()[1]

    def _arrays(self) -> tuple[tuple[Node, ...], dict[int, float]]:
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
        return cls._of_recorded(recording.of_records(records, inputs, where, twin), twin)

    @classmethod
    def from_graph(cls, output: Any, inputs: Sequence[Any]) -> Tape:
        """The tape of a graph already built: `output`'s graph (or, for a vector f, the
        graph of a list or tuple of Values and numbers), replayed with `inputs` (leaves
        of it, in order, each once) as the variables; its other leaves are constants. An
        input output does not depend on has a gradient of 0."""
        where = "Tape.from_graph"
        if type(output) is list or type(output) is tuple:
            return cls._recorded(outputs_twin(output, where), list(output), inputs, where)
        twin = _twin.of(output)
        if twin is None or not hasattr(output, "backward"):
            raise TypeError(f"{where}: output must be a Value, or a list or tuple of "
                            f"Values, not '{_common.type_name(output)}'")
        return cls._recorded(twin, output, inputs, where)

    @classmethod
    def _recorded(cls, twin: Any, output: Any, inputs: Sequence[Any], where: str) -> Tape:
        """The tape of `output`'s graph (a list: a vector f's outputs) on `inputs`."""
        return cls._of_recorded(recording.of_output(twin, output, inputs, where), twin.name)

    @classmethod
    def _of_recorded(cls, recorded: Recorded, twin: str) -> Tape:
        if recorded.engine is None:
            assert recorded.nodes is not None and recorded.constants is not None
            return cls._of(recorded.nodes, recorded.constants, recorded.inputs, twin,
                           recorded.outputs)
        return cls._made(None, None, recorded.inputs, recorded.outputs, twin, recorded.engine)

    # --- the API ------------------------------------------------------------------------
    def __len__(self) -> int:
        """The number of ops (nodes that are not leaves)."""
        if self._engine is not None:
            return int(self._engine.n_ops)
        return sum(1 for node in self._nodes if node.op != LEAF)

    @property
    def n_inputs(self) -> int:
        return len(self._inputs)

    @property
    def n_outputs(self) -> int:
        """f's number of outputs: 1 for a scalar f (and for a vector f of one)."""
        return 1 if self._outputs is None else len(self._outputs)

    def __repr__(self) -> str:
        outputs = "" if self._outputs is None else f", {self.n_outputs} outputs"
        return f"Tape({len(self)} ops, {self.n_inputs} inputs{outputs}, {self._twin} replay)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tape):
            return NotImplemented
        return (self._nodes == other._nodes and self._inputs == other._inputs
                and self._outputs == other._outputs
                and _same(self._constants, other._constants))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        arrays = ([tuple(n) for n in self._nodes], self._constants, self._inputs, self._twin)
        if self._outputs is None:  # format 1, which every cydiff with tapes reads
            return (restore, (1, *arrays))
        return (restore, (2, *arrays, self._outputs))

    def value(self, x: Any) -> Any:
        """f(x), replayed: a float, or a vector f's outputs as a float64 array."""
        xs = inputs.point(self.n_inputs, x, "Tape.value")
        if self._outputs is not None:
            return sweeps.outputs(self, xs)
        if self._engine is not None:
            value: float = self._engine.value(xs)
            return value
        return replay.forward(self._nodes, self._constants, self._inputs, xs.tolist())[-1]

    def value_and_grad(self, x: Any) -> tuple[float, npt.NDArray[numpy.float64]]:
        """(f(x), ∇f(x)), replayed forward and backward; the gradient a float64 array."""
        self._scalar("Tape.value_and_grad")
        xs = inputs.point(self.n_inputs, x, "Tape.value_and_grad")
        grad = numpy.empty(self.n_inputs, dtype=numpy.float64)
        if self._engine is not None:
            value: float = self._engine.value_and_grad(xs, grad)
            return value, grad
        value, grad[:] = replay.value_and_grad(self._nodes, self._constants, self._inputs,
                                                  xs.tolist())
        return value, grad

    def grad(self, x: Any) -> npt.NDArray[numpy.float64]:
        """∇f(x), replayed: a float64 array."""
        self._scalar("Tape.grad")
        return self.value_and_grad(x)[1]

    # --- a vector f's derivatives (a scalar f's too) ---------------------------------------
    def vjp(self, x: Any, u: Any) -> tuple[Any, Any]:
        """(f(x), uᵀ J(x)): one forward replay, one sweep back from the outputs with
        weights u (a number for a scalar f, else n_outputs of them); the bits of
        `cydiff.vjp(f, x, u)`. The product is a float64 array of n_inputs."""
        where = "Tape.vjp"
        xs = inputs.point(self.n_inputs, x, where)
        us = inputs.point(self.n_outputs, u, where, "u", "output(s)")
        values, rows = sweeps.vjps(self, xs, us[None, :])
        return self._shaped(values), rows[0]

    def jvp(self, x: Any, v: Any) -> tuple[Any, Any]:
        """(f(x), J(x) v): one forward replay and one tangent pass along v (n_inputs
        numbers) to the outputs; f's output shape. The pass is `hvp`'s, which orders some
        sums (a dot's) otherwise than `cydiff.jvp`'s Duals: equal to rounding, not to
        the bit."""
        where = "Tape.jvp"
        xs = inputs.point(self.n_inputs, x, where)
        vs = inputs.point(self.n_inputs, v, where, "v")
        values, rows = sweeps.jvps(self, xs, vs[None, :])
        return self._shaped(values), self._shaped(rows[0])

    def jacobian(self, x: Any, sparse: bool = False, mode: str = "auto") -> Any:
        """J(x), exact: an n_outputs × n_inputs float64 array (a scalar f's: its gradient,
        n_inputs), or, `sparse=True`, a scipy.sparse CSR matrix of the pattern's entries.
        Outputs that share no input are swept back together, or inputs that share no
        output carried forward together (`sparsity.JacobianColouring`): mode "reverse"
        makes row i the bits of `vjp(x, e_i)`, "forward" column j the bits of
        `jvp(x, e_j)`, and "auto" (the default) takes whichever needs fewer passes
        (reverse on a tie): a choice of the tape's, the same at every x."""
        where = "Tape.jacobian"
        xs = inputs.point(self.n_inputs, x, where)
        inputs.flag(sparse, "sparse", where)
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"{where}: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
        colouring = self._jacobian_colouring()
        if mode == "forward" or mode == "auto" and (
                len(colouring.column_seeds) < len(colouring.row_seeds)):
            values = colouring.forward_entries(sweeps.jvps(self, xs, colouring.column_seeds)[1])
        else:
            values = colouring.reverse_entries(sweeps.vjps(self, xs, colouring.row_seeds)[1])
        J = sweeps.matrix(colouring, values, colouring.shape, sparse, where)
        return J if self._outputs is not None or sparse else J[0]

    @property
    def _outs(self) -> tuple[int, ...]:
        """The outputs' nodes (a scalar f's: the last)."""
        return self._outputs if self._outputs is not None else (len(self._nodes) - 1,)

    def _shaped(self, values: Any) -> Any:
        """A vector of the outputs' in f's output shape: a float for a scalar f."""
        return float(values[0]) if self._outputs is None else values

    def _scalar(self, where: str) -> None:
        if self._outputs is not None:
            raise TypeError(f"{where}: the tape's f has a vector output ({self.n_outputs} "
                            "numbers): gradients, Hessians and batches are a scalar f's; "
                            "use jacobian, jvp or vjp")

    # --- second order: `second`'s sweep, forward over reverse, on the tape ----------------
    def hvp(self, x: Any, v: Any) -> npt.NDArray[numpy.float64]:
        """H(x) v, exact, without forming H: a float64 array, the bits of
        `cydiff.hvp(f, x, v)` (one forward replay, one tangent pass, one sweep back)."""
        self._scalar("Tape.hvp")
        xs = inputs.point(self.n_inputs, x, "Tape.hvp")
        vs = inputs.point(self.n_inputs, v, "Tape.hvp", "v")
        if self._engine is None:
            return cast("npt.NDArray[numpy.float64]", sweeps.hvps(self, xs, vs[None, :])[0])
        hv = numpy.empty(self.n_inputs, dtype=numpy.float64)
        self._engine.hvp(xs, vs, hv)
        return hv

    @overload
    def hessian(self, x: Any, sparse: Literal[False] = False) -> npt.NDArray[numpy.float64]: ...
    @overload
    def hessian(self, x: Any, sparse: bool) -> Any: ...

    def hessian(self, x: Any, sparse: bool = False) -> Any:
        """H(x), exact: an n×n float64 array whose column j is `hvp(x, e_j)`, the bits
        of `cydiff.hessian(f)(x)` — save a zero's sign where the pattern has an entry
        (see `sparsity`) — or, `sparse=True`, a scipy.sparse CSR matrix of the pattern's
        entries. Columns that share no row are computed together: one forward replay,
        then a sweep per colour of `sparsity("hessian")`'s colouring (3 for a banded
        Hessian like Rosenbrock's, whatever n), not one per column."""
        self._scalar("Tape.hessian")
        xs = inputs.point(self.n_inputs, x, "Tape.hessian")
        inputs.flag(sparse, "sparse", "Tape.hessian")
        colouring = self._hessian_colouring()
        values = colouring.entries(sweeps.hvps(self, xs, colouring.seeds))
        return sweeps.matrix(colouring, values, (self.n_inputs, self.n_inputs), sparse,
                             "Tape.hessian")

    def sparsity(self, of: str = "hessian") -> Any:
        """The pattern of the Hessian (`of="hessian"`, n×n, a scalar f's) or of the
        Jacobian (`of="jacobian"`, n_outputs × n, a scalar f's gradient as 1 × n): a
        scipy.sparse CSR matrix of booleans, True where a replay can give an entry other
        than +0.0 at some point. A pattern of the tape, the same at every x: ready for
        `scipy.optimize.minimize(..., method="trust-constr", hess=...)` and
        `least_squares(..., jac_sparsity=...)`."""
        if of == "hessian":
            self._scalar("Tape.sparsity")
            return sweeps.pattern(self._hessian_colouring(), (self.n_inputs, self.n_inputs),
                                  "Tape.sparsity")
        if of == "jacobian":
            colouring = self._jacobian_colouring()
            return sweeps.pattern(colouring, colouring.shape, "Tape.sparsity")
        raise ValueError(f"Tape.sparsity: of must be 'hessian' or 'jacobian', not {of!r}")

    def _jacobian_colouring(self) -> JacobianColouring:
        if self._jacobian_colours is None:  # (two threads may both make it: the same one)
            self._jacobian_colours = JacobianColouring(self._nodes, self._inputs, self._outs)
        return self._jacobian_colours

    def _hessian_colouring(self) -> HessianColouring:
        if self._hessian_colours is None:  # (two threads may both make it: the same one)
            self._hessian_colours = HessianColouring(self._nodes, self._inputs)
        return self._hessian_colours

    def value_and_grad_batch(self, X: Any, threads: Optional[int] = None
                             ) -> tuple[npt.NDArray[numpy.float64], npt.NDArray[numpy.float64]]:
        """Values (m,) and gradients (m, n) at the rows of X (m, n), each row as
        `value_and_grad` gives it. The compiled replay splits the rows into `threads`
        contiguous blocks, each replayed by its own thread with its own scratch, the GIL
        released (None: one thread per CPU, fewer for a small batch; the threads are kept
        between calls), 8 rows at a time in
        lockstep, op by op (the bits of single replays); it never starts
        more threads than there are rows or CPUs (more could not run at once). The first
        row that raises (in row order) raises. The pure replay holds the GIL, so it runs
        the rows in turn, whatever `threads` says."""
        where = "Tape.value_and_grad_batch"
        self._scalar(where)
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
            threads = max(1, min(cpus(), m * self._engine.n // NODES_PER_THREAD))
        in_blocks(self._engine.batch, rows, values, grads, max(1, min(threads, m, cpus())))
        return values, grads


def same_ops(a: Tape, b: Tape) -> bool:
    """Whether two tapes record the same ops on the same inputs (their constants' values
    aside): `trace(check=True)` asks it of f traced at two points."""
    return (a._nodes == b._nodes and a._inputs == b._inputs and a._outputs == b._outputs
            and a._constants.keys() == b._constants.keys())


def _same(a: dict[int, float], b: dict[int, float]) -> bool:
    return a.keys() == b.keys() and all(
        (a[k] == b[k] and math.copysign(1, a[k]) == math.copysign(1, b[k]))
        or (a[k] != a[k] and b[k] != b[k]) for k in a)


def restore(version: int, nodes: list[Any], constants: dict[int, float],
            inputs: Sequence[int], twin: str = "pure", outputs: Any = None) -> Tape:
    """An unpickled tape: its arrays checked as `Tape()` checks them; anything wrong with
    them is a ValueError (the pickle is corrupt). Format 2 adds a vector f's outputs."""
    if type(version) is not int or version not in (1, 2) or (version == 1) != (outputs is None):
        raise ValueError(f"cannot unpickle a cydiff Tape: format {version!r}; this cydiff "
                         "reads 1 (a scalar f's) and 2 (a vector f's)")
    if twin == "compiled":  # a pure install, or CYDIFF_NO_EXTENSIONS, replays in Python
        twin = _twin.loadable(twin).name
    arrays: tuple[tuple[Node, ...], dict[int, float], tuple[int, ...]] = _pickle.checked(
        _records.tape, "Tape", nodes, constants, inputs, twin)
    outs = None if outputs is None else _pickle.checked(_records.outputs, "Tape", outputs,
                                                        len(arrays[0]))
    return Tape._of(*arrays, twin, outs)
