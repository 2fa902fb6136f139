"""Records that enter a graph or a tape from outside, checked once, on the way in.

A graph travels as flat records (`_pickle`: per node data, grad, op code, label,
operand indices, constant and items), and a tape is built from such records
(`Tape.from_records`) or from its own arrays (`Tape(...)`, unpickling). Both twins
load them through the checks here, so that both refuse the same records with the
same error, and the compiled twin's C code — which trusts operand indices, op codes
and item counts, and reads its arrays without bounds checks — is only ever given
records that hold together. A field of the wrong kind is a TypeError, a field that
does not fit the others a ValueError; the message names the record and the field.
Numbers come back as floats, so that a record that passed is what the replays read.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple, Optional, Sequence

from . import _common
from ._ops_py import BINARY, FOLDED, UNARY
from ._spec import CUSTOM, DOT, LEAF, SUM

TWINS = ("pure", "compiled")
N_ARY = {SUM: "a sum", DOT: "a dot", CUSTOM: "a custom op"}  # the ops with items


class Node(NamedTuple):
    """One node of a tape."""
    op: int
    a: int                  # operand indices, -1 where unused
    b: int
    c: float                # folded constant
    items: tuple[Any, ...]  # SUM / DOT: node indices (ints) and constants (floats)


# --- fields -------------------------------------------------------------------------------

def _kind(x: object) -> str:
    return f"'{_common.type_name(x)}'"


def _sequence(x: object, where: str) -> Sequence[Any]:
    if type(x) is not list and type(x) is not tuple:
        raise TypeError(f"{where} must be a list or a tuple, not {_kind(x)}")
    return x


def _real(x: object, where: str) -> float:
    """x as a float: any real number that fits one."""
    if type(x) is float:
        return x
    try:
        value = _common.as_number(x)
    except OverflowError:
        raise ValueError(f"{where} is {x!r}, too large for a float") from None
    if value is None:
        raise TypeError(f"{where} must be a real number, not {_kind(x)}")
    return value


def _index(x: object, where: str, below: int) -> int:
    """x as the index of one of the `below` records before this one."""
    if type(x) is not int:
        raise TypeError(f"{where} must be an int (a record's index), not {_kind(x)}")
    if not 0 <= x < below:
        raise ValueError(f"{where} is {x}, not the index of an earlier record"
                         + (f" (0 to {below - 1})" if below else " (there is none)"))
    return x


def _unused(x: object, where: str, op: int, unused: object) -> Any:
    """A field the op does not use: `unused` (None or -1 or ()) and nothing else."""
    if type(x) is not type(unused):
        raise TypeError(f"{where} must be {unused!r} for op code {op}, not {_kind(x)}")
    if x != unused:
        raise ValueError(f"{where} must be {unused!r} for op code {op}, not {x!r}")
    return unused


def _op(op: object, where: str) -> int:
    if type(op) is not int:
        raise TypeError(f"{where} must be an int (an op code), not {_kind(op)}")
    if op != LEAF and op not in N_ARY and not _operands(op):
        raise ValueError(f"{where} is {op}, not an op code of this cydiff")
    return op


def _operands(op: int) -> int:
    """How many node operands (a, b) an op has: 1, 2, or 0 (a leaf, an n-ary op)."""
    if op in UNARY or op in FOLDED:
        return 1
    return 2 if op in BINARY else 0


def _items(items: object, op: int, where: str, below: int) -> tuple[Any, ...]:
    """The items of an n-ary op: a sum's or dot's record indices and constants (a dot's
    in pairs w, x), a custom op's name and then its children's indices."""
    if type(items) is not tuple:
        raise TypeError(f"{where} must be a tuple, not {_kind(items)}")
    checked: list[Any] = list(items)
    first = 0
    if op == CUSTOM:
        if not items or type(items[0]) is not str:
            raise TypeError(f"{where} must start with the custom op's name (a str)")
        first = 1
    nodes = 0
    for k in range(first, len(items)):
        item = items[k]
        if type(item) is int:
            checked[k] = _index(item, f"{where}[{k}]", below)
            nodes += 1
        elif op == CUSTOM:
            raise TypeError(f"{where}[{k}] must be an int (a child's index), not {_kind(item)}")
        else:
            checked[k] = _real(item, f"{where}[{k}]")
    if op == DOT and len(items) % 2:
        raise ValueError(f"{where} has {len(items)} items: a dot has pairs (w, x)")
    if nodes == 0:
        raise ValueError(f"{where} has no node: {N_ARY[op]} has one at least")
    return tuple(checked)


def check_twin(twin: object, where: str) -> str:
    """The name of a twin: 'pure' or 'compiled'."""
    if type(twin) is not str:
        raise TypeError(f"{where}: twin must be a str, not {_kind(twin)}")
    if twin not in TWINS:
        raise ValueError(f"{where}: twin must be 'pure' or 'compiled', not {twin!r}")
    return twin


# --- graph records (the format of `_pickle`) ----------------------------------------------

def graph(entries: object, value_type: type, where: str) -> list[Any]:
    """A graph's records: each a Value of `value_type` (a leaf travels as itself) or a
    tuple (data, grad, op, label, a, b, c, items) whose children are indices of earlier
    records. Returns them with every number a float."""
    entries = _sequence(entries, f"{where}: the records")
    if not entries:
        raise ValueError(f"{where}: there are no records")
    checked: list[Any] = []
    values: dict[int, int] = {}  # id(Value): its record
    for i, entry in enumerate(entries):
        at = f"{where}: record {i}"
        if type(entry) is value_type:
            if id(entry) in values:
                raise ValueError(f"{at} is record {values[id(entry)]} again: a graph's "
                                 "records list each node once")
            values[id(entry)] = i
            checked.append(entry)
            continue
        if type(entry) is not tuple:
            raise TypeError(f"{at} must be a Value of this twin or a tuple, not "
                            f"{_kind(entry)}{_common.other_twin_hint(entry)}")
        if len(entry) != 8:
            raise ValueError(f"{at} has {len(entry)} fields, not 8 "
                             "(data, grad, op, label, a, b, c, items)")
        data, grad, op, label, a, b, c, items = entry
        op = _op(op, f"{at}.op")
        if op == LEAF:
            raise ValueError(f"{at}.op is a leaf's: a leaf travels as a Value")
        if type(label) is not str:
            raise TypeError(f"{at}.label must be a str, not {_kind(label)}")
        count = _operands(op)
        checked.append((
            _real(data, f"{at}.data"), _real(grad, f"{at}.grad"), op, label,
            _index(a, f"{at}.a", i) if count >= 1 else _unused(a, f"{at}.a", op, None),
            _index(b, f"{at}.b", i) if count == 2 else _unused(b, f"{at}.b", op, None),
            _real(c, f"{at}.c"),
            _items(items, op, f"{at}.items", i) if op in N_ARY
            else _unused(items, f"{at}.items", op, None)))
    return checked


def leaf(data: object, grad: object, label: object, op: object, where: str
         ) -> tuple[float, float, str, Optional[str]]:
    """A leaf's fields: data and grad real numbers, label a str, op (the `_op` the user
    gave) a str or None."""
    if type(label) is not str:
        raise TypeError(f"{where}: label must be a str, not {_kind(label)}")
    if op is not None and type(op) is not str:
        raise TypeError(f"{where}: op must be a str or None, not {_kind(op)}")
    return _real(data, f"{where}: data"), _real(grad, f"{where}: grad"), label, op


# --- tapes --------------------------------------------------------------------------------

def tape(nodes: object, constants: object, inputs: object, twin: object, where: str
         ) -> tuple[tuple[Node, ...], dict[int, float], tuple[int, ...]]:
    """A tape's arrays: its nodes (op, a, b, c, items) in topological order, every operand
    an earlier node and the output last; the values of the leaves that are constants;
    the leaf index of each input (-1 for an input the output does not depend on). Every
    leaf is an input or a constant, never both, and no two inputs are one leaf. Returns
    them as the replays read them."""
    check_twin(twin, where)
    nodes = _sequence(nodes, f"{where}: nodes")
    if not nodes:
        raise ValueError(f"{where}: a tape has one node at least (its output)")
    checked: list[Node] = []
    for i, node in enumerate(nodes):
        at = f"{where}: nodes[{i}]"
        if not isinstance(node, tuple):
            raise TypeError(f"{at} must be a tuple (op, a, b, c, items), not {_kind(node)}")
        if len(node) != 5:
            raise ValueError(f"{at} has {len(node)} fields, not 5 (op, a, b, c, items)")
        op, a, b, c, items = node
        op = _op(op, f"{at}.op")
        if op == CUSTOM:
            raise ValueError(f"{at}.op is a custom op's, which a tape cannot replay: "
                             "its derivative is unknown")
        count = _operands(op)
        checked.append(Node(
            op,
            _index(a, f"{at}.a", i) if count >= 1 else _unused(a, f"{at}.a", op, -1),
            _index(b, f"{at}.b", i) if count == 2 else _unused(b, f"{at}.b", op, -1),
            _real(c, f"{at}.c"),
            _items(items, op, f"{at}.items", i) if op in N_ARY
            else _unused(items, f"{at}.items", op, ())))

    if not isinstance(constants, Mapping):
        raise TypeError(f"{where}: constants must be a dict (leaf index: value), "
                        f"not {_kind(constants)}")
    values: dict[int, float] = {}
    for i, value in constants.items():
        _leaf(i, f"{where}: constants key {i!r}", checked)
        values[i] = _real(value, f"{where}: constants[{i}]")

    leaves: dict[int, int] = {}  # node index: input
    inputs = tuple(_sequence(inputs, f"{where}: inputs"))
    for k, i in enumerate(inputs):
        at = f"{where}: inputs[{k}]"
        if type(i) is int and i == -1:
            continue
        _leaf(i, at, checked)
        if i in values:
            raise ValueError(f"{at} is node {i}, which is a constant too")
        if i in leaves:
            raise ValueError(f"{at} is node {i}, which inputs[{leaves[i]}] is too")
        leaves[i] = k
    for i, node in enumerate(checked):
        if node.op == LEAF and i not in values and i not in leaves:
            raise ValueError(f"{where}: nodes[{i}] is a leaf that is neither an input nor "
                             "a constant")
    return tuple(checked), values, inputs


def outputs(outputs: object, n: int, where: str) -> Optional[tuple[int, ...]]:
    """A vector f's outputs: the index of each output's node among the tape's n (one at
    least; a node may be an output twice); None for a scalar f's tape (its last node)."""
    if outputs is None:
        return None
    outputs = _sequence(outputs, f"{where}: outputs")
    if not outputs:
        raise ValueError(f"{where}: outputs is empty: a tape has one output at least")
    for k, i in enumerate(outputs):
        if type(i) is not int:
            raise TypeError(f"{where}: outputs[{k}] must be an int (a node's index), not "
                            f"{_kind(i)}")
        if not 0 <= i < n:
            raise ValueError(f"{where}: outputs[{k}] is {i}, not the index of a node "
                             f"(0 to {n - 1})")
    return tuple(outputs)


def _leaf(i: object, where: str, nodes: list[Node]) -> None:
    """i, the index of a leaf among the nodes."""
    if type(i) is not int:
        raise TypeError(f"{where} must be an int (a node's index), not {_kind(i)}")
    if not 0 <= i < len(nodes):
        raise ValueError(f"{where} is {i}, not the index of a node (0 to {len(nodes) - 1})")
    if nodes[i].op != LEAF:
        raise ValueError(f"{where} is node {i}, which is not a leaf (op code {nodes[i].op})")
