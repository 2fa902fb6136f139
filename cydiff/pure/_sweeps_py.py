"""The walks over a graph of the pure twin's Values, in creation order: a node's children,
every node newest first (a reverse topological order), the graph as flat records, and
the reverse sweep. The compiled twin's are `src/cydiff/_value_sweeps_c.tp`.

The nodes' items (SUM, DOT, CUSTOM) hold nodes beside floats (and a custom op's name);
a node's own type tells them apart, so this module needs no class of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._ops_py import BINARY, FOLDED, LEFT, UNARY, tangent
from .._spec import CUSTOM, DOT, LEAF, SUM

if TYPE_CHECKING:
    from ._value_py import Value


def children(node: Value) -> tuple[Value, ...]:
    """The node's Value children in operand order (a child used twice comes twice)."""
    op = node._op_code
    if op == LEAF:
        return ()
    if op == SUM or op == DOT or op == CUSTOM:
        return tuple(item for item in node._items if type(item) is type(node))  # not the floats
    if op in BINARY:
        return (node._a, node._b)
    return (node._a,)


def by_creation(root: Value) -> list[Value]:
    """Every node reachable from root, newest first: a reverse topological order."""
    seen = {id(root): root}
    stack = [root]
    while stack:
        for child in children(stack.pop()):
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return sorted(seen.values(), key=lambda node: node._seq, reverse=True)


def graph_records(root: Value) -> list[Any]:
    """root's graph as flat entries in topological order (the format of `_pickle`):
    a leaf as itself, another node as (data, grad, op, label, a, b, c, items)
    with its children as indices of earlier entries."""
    order = by_creation(root)[::-1]
    node_type = type(root)
    index = {id(node): i for i, node in enumerate(order)}
    entries: list[Any] = []
    for node in order:
        if node._op_code == LEAF:
            entries.append(node)
            continue
        a = None if node._a is None else index[id(node._a)]
        b = None if node._b is None else index[id(node._b)]
        items = None if node._items is None else tuple(
            index[id(item)] if type(item) is node_type else item for item in node._items)
        entries.append((node._data, node._grad, node._op_code, node._label, a, b, node._c, items))
    return entries


def backward_step(node: Value) -> None:
    """Pass node's gradient to its children: child.grad += local derivative × grad
    (the product as `tangent` takes it: an exact zero on either side gives 0)."""
    g, op, y = node._grad, node._op_code, node._data
    if g == 0.0:  # nothing flows
        return
    if op in UNARY:
        a = node._a
        a._grad += tangent(UNARY[op].deriv(a._data, y), g)
    elif op in BINARY:
        a, b = node._a, node._b
        spec = BINARY[op]
        a._grad += tangent(spec.da(a._data, b._data, y), g)
        b._grad += tangent(spec.db(a._data, b._data, y), g)
    elif op in FOLDED:
        kind, side = FOLDED[op]
        a, c = node._a, node._c
        if side == LEFT:
            a._grad += tangent(BINARY[kind].db(c, a._data, y), g)
        else:
            a._grad += tangent(BINARY[kind].da(a._data, c, y), g)
    elif op == SUM:
        node_type = type(node)  # the items that are nodes, beside floats
        for item in node._items:
            if type(item) is node_type:
                item._grad += g
    elif op == DOT:
        node_type, items = type(node), node._items
        for i in range(0, len(items), 2):
            w, x = items[i], items[i + 1]
            w_data = w._data if type(w) is node_type else w
            x_data = x._data if type(x) is node_type else x
            if type(w) is node_type:
                w._grad += tangent(x_data, g)
            if type(x) is node_type:
                x._grad += tangent(w_data, g)
    # LEAF and CUSTOM pass nothing on: a custom op has no known derivative.


def backward(root: Value) -> None:
    """`root.backward()`: interior nodes reached restart from 0.0, root is seeded with 1.0,
    and gradients are accumulated from the newest node to the oldest."""
    order = by_creation(root)
    for node in order:
        if node._op_code != LEAF:
            node._grad = 0.0
    root._grad = 1.0
    for node in order:
        backward_step(node)


def zero_grad(root: Value) -> None:
    """`root.zero_grad()`: every node of the graph to 0.0."""
    for node in by_creation(root):
        node._grad = 0.0
