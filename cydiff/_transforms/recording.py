"""Recording: a graph of Values made into a tape's arrays (see `tape`). The pure twin's
from the graph's records (the format of `_pickle`, checked by `_records`); the compiled
twin's in C, straight from the Values (`_tape_c.Replay.of_graph`: no record made in
Python, the same arrays). A vector f's outputs are recorded as the graph of their sum,
whose node the tape drops: its items are the outputs, in order.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence

from .. import _common, _records, _twin
from .inputs import leaf_positions
from .._records import Node
from .._spec import CUSTOM, LEAF


class Recorded(NamedTuple):
    """A tape's arrays as recorded: nodes and constants (None where the compiled replay,
    `engine`, holds them), the inputs' leaves, a vector f's outputs' nodes."""
    nodes: Optional[tuple[Node, ...]]
    constants: Optional[dict[int, float]]
    inputs: tuple[int, ...]
    outputs: Optional[tuple[int, ...]]
    engine: Any = None


def _sequence(inputs: Any, where: str) -> list[Any]:
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
        raise TypeError(f"{where}: inputs must be a sequence of Values, not "
                        f"'{_common.type_name(inputs)}'")
    return list(inputs)


def of_records(records: list[Any], inputs: Sequence[Any], where: str, twin: str,
               carrier: bool = False) -> Recorded:
    """The arrays of a graph's records with `inputs` (leaves among them, each once) as
    the variables; its other leaves are constants. With `carrier`, the last record is
    the sum of a vector f's outputs: not a node, its items are the outputs."""
    record = _twin.lookup(_records.check_twin(twin, where))
    records = _records.graph(records, record.Value, where)
    outputs = None
    if carrier:
        outputs, records = tuple(records[-1][7]), records[:-1]
    inputs = _sequence(inputs, where)
    index = {id(entry): i for i, entry in enumerate(records) if type(entry) is not tuple}
    positions = leaf_positions(inputs, record.Value, where)
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
    return Recorded(tuple(nodes), constants,
                    tuple(index.get(id(leaf), -1) for leaf in inputs), outputs)


def of_output(twin: Any, output: Any, inputs: Sequence[Any], where: str) -> Recorded:
    """The arrays of `output`'s graph (a Value; or a list, a vector f's outputs: Values
    and numbers, a number as a constant leaf) with `inputs` as the variables."""
    carrier = isinstance(output, list)
    if carrier:
        if not output:
            raise ValueError(f"{where}: f has no output: a tape has one at least")
        output = twin.functions.sum([out if isinstance(out, twin.Value) else twin.Value(out)
                                     for out in output])
    if twin.name != "compiled":
        return of_records(twin.graph_records(output), inputs, where, twin.name, carrier)
    inputs = _sequence(inputs, where)
    from .._tape_c import Replay  # type: ignore[import-not-found,unused-ignore]
    recorded = Replay.of_graph(output, inputs, where, carrier)
    if recorded is None:  # the inputs are not leaves, each once: which, and why
        leaf_positions(inputs, twin.Value, where)
        raise AssertionError(f"{where}: Replay.of_graph refused inputs that Tape takes")
    engine, indices, outputs = recorded
    return Recorded(None, None, indices, outputs, engine)
