"""What a tape holds, and how it is made: `TapeArrays`, the base of `Tape`.

A tape is the graph's records (the format of `_pickle`, topological order) without the
Values: per node an op code, operand indices, a folded constant, and the items of a
fused sum or dot; the inputs' indices; the other leaves' values; a vector f's outputs'
nodes (a scalar f's output is the last node). The compiled twin's tapes are recorded in
C straight from the Values and keep their arrays in C (`_tape_c.Replay`, "the engine");
their Python `Node` tuples are made only when something asks for them.
"""

from __future__ import annotations

import math
from typing import Any, Optional, TypeVar

from .._records import Node
from .._spec import LEAF
from . import recording
from .recording import Recorded
from .sparsity import HessianColouring, JacobianColouring

T = TypeVar("T", bound="TapeArrays")


class TapeArrays:
    """A tape's arrays and its compiled replay; `Tape` adds what a user calls."""

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

    @classmethod
    def _of(cls: type[T], nodes: tuple[Node, ...], constants: dict[int, float],
            inputs: tuple[int, ...], twin: str, outputs: Optional[tuple[int, ...]] = None
            ) -> T:
        """A tape of arrays that hold together: checked, or recorded from a graph."""
        engine = None
        if twin == "compiled":
            from .._tape_c import Replay  # type: ignore[import-not-found,unused-ignore]
            engine = Replay(nodes, constants, inputs, outputs)
        return cls._made(nodes, constants, inputs, outputs, twin, engine)

    @classmethod
    def _made(cls: type[T], nodes: Optional[tuple[Node, ...]],
              constants: Optional[dict[int, float]], inputs: tuple[int, ...],
              outputs: Optional[tuple[int, ...]], twin: str, engine: Any) -> T:
        tape = object.__new__(cls)
        tape._kept_nodes, tape._kept_constants, tape._inputs = nodes, constants, inputs
        tape._outputs, tape._twin, tape._engine = outputs, twin, engine
        tape._hessian_colours = tape._jacobian_colours = None
        return tape

    @classmethod
    def _recorded(cls: type[T], twin: Any, output: Any, inputs: Any, where: str) -> T:
        """The tape of `output`'s graph (a list: a vector f's outputs) on `inputs`."""
        return cls._of_recorded(recording.of_output(twin, output, inputs, where), twin.name)

    @classmethod
    def _of_recorded(cls: type[T], recorded: Recorded, twin: str) -> T:
        if recorded.engine is None:
            assert recorded.nodes is not None and recorded.constants is not None
            return cls._of(recorded.nodes, recorded.constants, recorded.inputs, twin,
                           recorded.outputs)
        return cls._made(None, None, recorded.inputs, recorded.outputs, twin, recorded.engine)

    # The nodes and the constants. A tape recorded in C makes them at their first use (few
    # need them: pickling, comparing, colouring); two threads may make them: the same ones.
    @property
    def _nodes(self) -> tuple[Node, ...]:
        return self._arrays()[0]

    @property
    def _constants(self) -> dict[int, float]:
        return self._arrays()[1]

    def _arrays(self) -> tuple[tuple[Node, ...], dict[int, float]]:
        nodes, constants = self._kept_nodes, self._kept_constants
        if nodes is None or constants is None:
            records, constants = self._engine.records()
            nodes = tuple(Node(*node) for node in records)
            self._kept_nodes, self._kept_constants = nodes, constants
        return nodes, constants

    @property
    def n_inputs(self) -> int:
        """f's number of inputs: the length of the points the tape takes."""
        return len(self._inputs)

    @property
    def n_outputs(self) -> int:
        """f's number of outputs: 1 for a scalar f (and for a vector f of one)."""
        return 1 if self._outputs is None else len(self._outputs)

    def _n_ops(self) -> int:
        """The number of ops (nodes that are not leaves)."""
        if self._engine is not None:
            return int(self._engine.n_ops)
        return sum(1 for node in self._nodes if node.op != LEAF)

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

    def _jacobian_colouring(self) -> JacobianColouring:
        if self._jacobian_colours is None:  # (two threads may both make it: the same one)
            self._jacobian_colours = JacobianColouring(self._nodes, self._inputs, self._outs)
        return self._jacobian_colours

    def _hessian_colouring(self) -> HessianColouring:
        if self._hessian_colours is None:  # (two threads may both make it: the same one)
            self._hessian_colours = HessianColouring(self._nodes, self._inputs)
        return self._hessian_colours

    def _same(self, other: TapeArrays) -> bool:
        """Whether two tapes are equal: the same ops, inputs, outputs and constants (a
        constant's sign too, and NaN equal to NaN)."""
        a, b = self._constants, other._constants
        return (same_ops(self, other) and all(
            (a[k] == b[k] and math.copysign(1, a[k]) == math.copysign(1, b[k]))
            or (a[k] != a[k] and b[k] != b[k]) for k in a))


def same_ops(a: TapeArrays, b: TapeArrays) -> bool:
    """Whether two tapes record the same ops on the same inputs (their constants' values
    aside): `trace(check=True)` asks it of f traced at two points."""
    return (a._nodes == b._nodes and a._inputs == b._inputs and a._outputs == b._outputs
            and a._constants.keys() == b._constants.keys())
