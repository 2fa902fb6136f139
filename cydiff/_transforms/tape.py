"""Traced tapes: a graph recorded once as flat arrays, replayed at new inputs.

`cydiff.trace(f, x0)` runs f once on Values and records its graph;
`Tape.from_graph(output, inputs)` records a graph already built. A replay gives the
bits that building the graph anew at x gives: forward with the op table's formulas,
backward in the order `backward()` visits a graph, with the same products
(`value_and_grad`; `jacobian` and `vjp` for a vector f, as `cydiff.vjp`'s graph; `hvp`
and `hessian` as `second`'s forward-over-reverse sweep; `jvp` as its tangent pass).
Ops whose results reach no output are not recorded, so a replay neither runs them nor
raises their errors.

The layers: `tape_arrays` (what a tape holds, how it is made), `tape_derivatives` (a
vector f's derivatives, the second order), and here `Tape` (values, gradients, batches,
equality, pickling). The pure twin's tapes replay in Python (`replay`, `second`); the
compiled twin's are recorded in C and replayed in C (`src/cydiff/_tape_c.pyx.tp`, the
same formulas in the same order) without the GIL, so threads replay at once.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy
import numpy.typing as npt

from .. import _common, _pickle, _records, _twin
from .._records import Node
from . import inputs, recording, replay, tape_sweeps as sweeps
from .inputs import outputs_twin
from .tape_derivatives import TapeDerivatives
from .threads import NODES_PER_THREAD, cpus, in_blocks


class Tape(TapeDerivatives):
    """A recorded graph, replayed at new inputs with the bits a fresh graph gives.

    Made by `cydiff.trace` (run f once) or `Tape.from_graph` (a graph already built),
    rarely by hand. A replay is frozen where f's Python control flow was, as with
    `jax.jit`; an op with a kink (relu, abs) is evaluated anew. It raises where
    building the graph at x would, with the same exception and message. The compiled
    twin's tapes replay in C with the GIL released; both twins' tapes pickle and load in
    either twin.

    Parameters
    ----------
    nodes : sequence of tuple
        The nodes in topological order, each ``(op, a, b, c, items)``: an op code,
        operand indices (earlier nodes), a folded constant, and a fused sum's or dot's
        items; the last is the output (of a scalar f).
    constants : dict of int to float
        The values of the leaves that are not inputs, by node index.
    inputs : sequence of int
        Each input's leaf index (-1: f does not use it).
    twin : {"pure", "compiled"}, default "pure"
        Whose replay: Python's, or C's.
    outputs : sequence of int, optional
        A vector f's outputs' nodes; None for a scalar f.

    Raises
    ------
    TypeError, ValueError
        If the arrays do not make a tape, saying where (see docs/reliability.md).

    See Also
    --------
    cydiff.trace : record f's graph at a point.

    Examples
    --------
    >>> import cydiff
    >>> tape = cydiff.trace(lambda v: v[0] * v[1] + cydiff.sin(v[0]), [1.0, 2.0])
    >>> tape
    Tape(3 ops, 2 inputs, ... replay)
    >>> tape.value_and_grad([0.0, 3.0])
    (0.0, array([4., 0.]))
    """

    __slots__ = ()

    def __new__(cls, nodes: Sequence[tuple[Any, ...]], constants: dict[int, float],
                inputs: Sequence[int], twin: str = "pure",
                outputs: Optional[Sequence[int]] = None) -> Tape:
        # Made whole here, as a number is: __init__ is object's, so calling it again
        # cannot change a tape, nor set its arrays apart from its compiled replay's.
        arrays = _records.tape(nodes, constants, inputs, twin, "Tape()")
        return cls._of(*arrays, twin, _records.outputs(outputs, len(arrays[0]), "Tape()"))

    @classmethod
    def from_records(cls, records: list[Any], inputs: Sequence[Any],
                     where: str = "Tape.from_records", twin: str = "pure") -> Tape:
        """The tape of a graph given as its pickle's records, checked.

        Parameters
        ----------
        records : list
            A Value's pickled graph: the entries of ``value.__reduce__()[1][2]``, leaves
            as Values and other nodes as records.
        inputs : sequence of Value
            Leaves among the records, each once: the variables, in order. The other
            leaves are constants.
        where : str, default "Tape.from_records"
            The name an error message begins with.
        twin : {"pure", "compiled"}, default "pure"
            The twin the records belong to, and whose replay the tape gets.

        Returns
        -------
        Tape
            The graph's tape.

        Raises
        ------
        TypeError, ValueError
            If the records are not a graph, or an input is not one of its leaves.

        Examples
        --------
        >>> import cydiff
        >>> x, y = cydiff.Value(2.0), cydiff.Value(5.0)
        >>> twin, version, records = (x * y + x).__reduce__()[1]
        >>> tape = cydiff.Tape.from_records(records, [x, y], twin=twin)
        >>> tape.grad([1.0, 1.0])
        array([2., 1.])
        """
        return cls._of_recorded(recording.of_records(records, inputs, where, twin), twin)

    @classmethod
    def from_graph(cls, output: Any, inputs: Sequence[Any]) -> Tape:
        """The tape of a graph already built, replayed with `inputs` as the variables.

        Parameters
        ----------
        output : Value, or list or tuple of Value and float
            A scalar f's output, or a vector f's outputs (numbers among them are
            constant outputs).
        inputs : sequence of Value
            Leaves of the graph, in order, each once. Its other leaves are constants;
            an input the output does not depend on has a gradient of 0.

        Returns
        -------
        Tape
            The graph's tape, replayed by the twin the Values belong to.

        Raises
        ------
        TypeError
            If `output` is not a Value or a list or tuple of them, or an input is not a
            Value of its twin.
        ValueError
            If an input is not a leaf of the graph, or appears twice.

        Examples
        --------
        >>> import cydiff
        >>> a, b = cydiff.Value(1.0), cydiff.Value(2.0)
        >>> tape = cydiff.Tape.from_graph((a * b).tanh(), [a, b])
        >>> bool(tape.value([1.0, 2.0]) == (a * b).tanh().data)
        True
        """
        where = "Tape.from_graph"
        if type(output) is list or type(output) is tuple:
            return cls._recorded(outputs_twin(output, where), list(output), inputs, where)
        twin = _twin.of(output)
        if twin is None or not hasattr(output, "backward"):
            raise TypeError(f"{where}: output must be a Value, or a list or tuple of "
                            f"Values, not '{_common.type_name(output)}'")
        return cls._recorded(twin, output, inputs, where)

    def __len__(self) -> int:
        """The number of ops: the nodes that are not leaves."""
        return self._n_ops()

    def __repr__(self) -> str:
        outputs = "" if self._outputs is None else f", {self.n_outputs} outputs"
        return f"Tape({len(self)} ops, {self.n_inputs} inputs{outputs}, {self._twin} replay)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tape):
            return NotImplemented
        return self._same(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        arrays = ([tuple(n) for n in self._nodes], self._constants, self._inputs, self._twin)
        if self._outputs is None:  # format 1, which every cydiff with tapes reads
            return (restore, (1, *arrays))
        return (restore, (2, *arrays, self._outputs))

    def value(self, x: Any) -> Any:
        """f(x), replayed forward.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers (a 1-D float64 array is taken as is).

        Returns
        -------
        float or numpy.ndarray
            A float for a scalar f; a vector f's outputs as a float64 array.

        Raises
        ------
        TypeError
            If x is not real numbers.
        ValueError
            If x has the wrong length.
        ValueError, ArithmeticError
            Where building f's graph at x would raise (a math domain error, a division
            by zero): the same exception and message.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: cydiff.log(v[0]) * v[1], [1.0, 1.0])
        >>> tape.value([1.0, 7.0])
        0.0
        >>> tape.value([-1.0, 7.0])
        Traceback (most recent call last):
        ValueError: math domain error
        """
        xs = inputs.point(self.n_inputs, x, "Tape.value")
        if self._outputs is not None:
            return sweeps.outputs(self, xs)
        if self._engine is not None:
            value: float = self._engine.value(xs)
            return value
        return replay.forward(self._nodes, self._constants, self._inputs, xs.tolist())[-1]

    def value_and_grad(self, x: Any) -> tuple[float, npt.NDArray[numpy.float64]]:
        """f(x) and its gradient, replayed forward and backward.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.

        Returns
        -------
        value : float
            f(x).
        grad : numpy.ndarray
            ∇f(x), a float64 array of `n_inputs`: the bits of ``backward()`` on a graph
            built at x.

        Raises
        ------
        TypeError
            If x is not real numbers, or f has a vector output (use `jacobian`).
        ValueError
            If x has the wrong length.
        ValueError, ArithmeticError
            Where building f's graph at x would raise: the same exception and message.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: v[0] ** 2 + 3 * v[1], [1.0, 1.0])
        >>> tape.value_and_grad([2.0, 1.0])
        (7.0, array([4., 3.]))
        """
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
        """∇f(x), replayed: `value_and_grad`'s gradient.

        Parameters
        ----------
        x : float or sequence of float
            The point: `n_inputs` numbers.

        Returns
        -------
        numpy.ndarray
            A float64 array of `n_inputs`.

        Raises
        ------
        TypeError, ValueError, ArithmeticError
            As `value_and_grad`.

        Examples
        --------
        >>> import cydiff
        >>> tape = cydiff.trace(lambda v: v[0] * v[1], [1.0, 1.0])
        >>> tape.grad([3.0, 4.0])
        array([4., 3.])
        """
        self._scalar("Tape.grad")
        return self.value_and_grad(x)[1]

    def value_and_grad_batch(self, X: Any, threads: Optional[int] = None
                             ) -> tuple[npt.NDArray[numpy.float64], npt.NDArray[numpy.float64]]:
        """Values and gradients at many points, each row as `value_and_grad` gives it.

        The compiled replay splits the rows into `threads` contiguous blocks, each
        replayed by its own thread (kept between calls) with the GIL released, 8 rows at
        a time in lockstep, op by op: the bits of single replays. The pure replay holds
        the GIL, so it runs the rows in turn, whatever `threads` says.

        Parameters
        ----------
        X : array_like
            The points, an (m, `n_inputs`) array of real numbers.
        threads : int, optional
            The most threads to use; by default one per CPU, fewer for a small batch.
            Never more than the rows or the CPUs.

        Returns
        -------
        values : numpy.ndarray
            The m values, float64.
        grads : numpy.ndarray
            The (m, `n_inputs`) gradients, float64.

        Raises
        ------
        TypeError
            If X is not real numbers, `threads` not an int, or f has a vector output.
        ValueError
            If X has the wrong shape or `threads` < 1.
        ValueError, ArithmeticError
            The first row's in row order, where building f's graph there would raise.

        Examples
        --------
        >>> import numpy as np, cydiff
        >>> tape = cydiff.trace(lambda v: v[0] * v[1], [1.0, 1.0])
        >>> values, grads = tape.value_and_grad_batch(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> values, grads
        (array([ 2., 12.]), array([[2., 1.],
               [4., 3.]]))
        """
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
