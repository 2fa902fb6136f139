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

import importlib
import os
from types import ModuleType
from typing import Any

from ._ops_py import BINARY, CUSTOM, DOT, FOLDED, LEAF, SUM, UNARY

FORMAT = 1  # the version of the record layout


def implementation(twin: str) -> ModuleType:
    """The module (`cydiff.pure` or `cydiff.compiled`) a pickle of `twin` loads into."""
    if twin == "compiled" and not os.environ.get("CYDIFF_NO_EXTENSIONS"):
        try:
            return importlib.import_module("cydiff.compiled")
        except ImportError:
            pass
    return importlib.import_module("cydiff.pure")


def _value_module(twin: str) -> ModuleType:
    name = implementation(twin).IMPLEMENTATION
    return importlib.import_module("cydiff._value_c" if name == "compiled" else "cydiff._value_py")


def restore_dual(twin: str, val: float, deriv: float) -> Any:
    return implementation(twin).Dual(val, deriv)


def restore_multidual(twin: str, val: float, partials: tuple[float, ...]) -> Any:
    return implementation(twin).MultiDual(val, partials)


def restore_leaf(twin: str, data: float, grad: float, label: str, op: str | None) -> Any:
    return _value_module(twin)._node(data, grad, LEAF, label, None, None, 0.0, op)


def _corrupt(what: str) -> ValueError:
    return ValueError(f"cannot unpickle a cydiff Value: {what}")


def restore_graph(twin: str, version: int, entries: list[Any]) -> Any:
    """The root (last entry) of a graph pickled as flat entries."""
    if version != FORMAT:
        raise _corrupt(f"record format {version!r}, this cydiff reads {FORMAT}")
    module = _value_module(twin)
    Value = module.Value
    nodes: list[Any] = []

    def child(i: Any) -> Any:
        if type(i) is not int or not 0 <= i < len(nodes):
            raise _corrupt(f"bad child index {i!r}")
        return nodes[i]

    for entry in entries:
        if isinstance(entry, Value):
            nodes.append(entry)
            continue
        if type(entry) is not tuple or len(entry) != 8:
            raise _corrupt(f"bad entry {entry!r}")
        data, grad, op, label, a, b, c, items = entry
        if op in UNARY or op in FOLDED:
            node = module._node(data, grad, op, label, child(a), None, c, None)
        elif op in BINARY:
            node = module._node(data, grad, op, label, child(a), child(b), c, None)
        elif op in (SUM, DOT, CUSTOM) and type(items) is tuple and items:
            items = tuple(child(i) if type(i) is int else i for i in items)
            if (op == DOT and len(items) % 2) or (op == CUSTOM and type(items[0]) is not str) \
                    or any(not isinstance(i, (Value, float)) for i in items[op == CUSTOM:]):
                raise _corrupt(f"bad items {items!r}")
            node = module._node(data, grad, op, label, None, None, c, items)
        else:
            raise _corrupt(f"bad node (op code {op!r})")
        nodes.append(node)
    if not nodes:
        raise _corrupt("no nodes")
    return nodes[-1]
