"""Pickling for both twins: what a pickled Value, Dual or MultiDual becomes when loaded.

A leaf pickles as itself. Any other Value pickles as the graph below it, flat:
its nodes in topological order, each leaf as itself (so a parameter pickled
next to a loss is one object again when loaded) and each other node as a
record `(data, grad, op code, label, a, b, c, items)` whose children are
indices of earlier entries. Flat records cost no recursion, so a graph a
million nodes deep pickles like a shallow one.

A pickle names the twin that made it and loads into that twin, or into the
pure one where the compiled twin is missing or CYDIFF_NO_EXTENSIONS is set:
the twins share op codes and formulas, so a graph means the same in either.
"""

from __future__ import annotations

from typing import Any

from . import _records, _twin
from ._spec import LEAF

FORMAT = 1  # the version of the record layout


def _loader(twin: object, what: str) -> _twin.Twin:
    """The twin a pickle names, checked, as `_twin.loadable` says where it loads."""
    return _twin.loadable(checked(_records.check_twin, what, twin))


def checked(check: Any, what: str, *args: Any) -> Any:
    """check(*args, where): a pickle's fields checked by `_records`, where anything wrong,
    of whatever kind, is a ValueError: the pickle is corrupt."""
    where = f"cannot unpickle a cydiff {what}"
    try:
        return check(*args, where)
    except TypeError as e:
        raise ValueError(str(e)) from None


def _constructed(cls: Any, what: str, *args: Any) -> Any:
    """cls(*args), where a pickle gives the arguments: anything wrong is a ValueError."""
    try:
        return cls(*args)
    except (TypeError, ValueError, OverflowError) as e:
        raise ValueError(f"cannot unpickle a cydiff {what}: {e}") from None


def restore_dual(twin: str, val: float, deriv: float) -> Any:
    return _constructed(_loader(twin, "Dual").Dual, "Dual", val, deriv)


def restore_multidual(twin: str, val: float, partials: tuple[float, ...]) -> Any:
    return _constructed(_loader(twin, "MultiDual").MultiDual, "MultiDual", val, partials)


def restore_leaf(twin: str, data: float, grad: float, label: str, op: str | None) -> Any:
    record = _loader(twin, "Value")
    data, grad, label, op = checked(_records.leaf, "Value", data, grad, label, op)
    return record.node(data, grad, LEAF, label, None, None, 0.0, op)


def restore_graph(twin: str, version: int, entries: list[Any]) -> Any:
    """The root (last entry) of a graph pickled as flat entries."""
    if type(version) is not int or version != FORMAT:
        raise ValueError(f"cannot unpickle a cydiff Value: record format {version!r}, "
                         f"this cydiff reads {FORMAT}")
    record = _loader(twin, "Value")
    Value, node = record.Value, record.node
    nodes: list[Any] = []
    for entry in checked(_records.graph, "Value", entries, Value):
        if type(entry) is Value:
            nodes.append(entry)
            continue
        data, grad, op, label, a, b, c, items = entry
        if items is not None:  # indices to nodes; a custom op's name and constants stay
            items = tuple(nodes[i] if type(i) is int else i for i in items)
        nodes.append(node(data, grad, op, label, None if a is None else nodes[a],
                          None if b is None else nodes[b], c, items))
    return nodes[-1]
