"""Graph nodes for reverse-mode AD (backpropagation): the pure twin.

A `Value` is micrograd's node with three internals changed: it stores an op
code, its children in operand order and any folded constant instead of a
closure; `backward()` visits the graph in reverse order of creation, without
recursion; and the local derivatives come from the op table, the same one
`Dual` uses. `src/cydiff/_value_c.pyx.tp` is the compiled twin.

Every node is numbered when it is made, and its children were made before it,
so creation numbers are a topological order that every graph carries (PyTorch's
autograd engine orders its work by the same kind of sequence number). Both
twins process a graph's nodes from the highest number down, so they add
gradients in the same order.

Node layout (the compiled twin has the same slots):
    _data, _grad   forward value, accumulated gradient
    _op_code       an op code of `_ops_py`
    _seq           the creation number
    _a, _b         the Value operands of unary, folded and binary ops (else None)
    _c             the folded constant
    _items         n-ary nodes, a tuple whose Value items are the children, in order:
                   SUM: the terms (Values and floats); DOT: w0, x0, w1, x1, ...;
                   CUSTOM: the `_op` string, then the children.
                   LEAF: the `_op` string the user gave, or None
    _label         a str
"""

from __future__ import annotations

import itertools
import operator
from typing import TYPE_CHECKING, Any, Callable, final, Iterable, NoReturn, Union

from .. import _common, _docstrings, _pickle
from . import _sweeps_py
from ._number_py import Arithmetic
from .._ops_py import BINARY, FOLD_LEFT, FOLD_RIGHT, OP_NAMES, UNARY
from .._spec import CUSTOM, DOT, LEAF, POW_C, SUM

Number = Union[int, float]


_created = itertools.count(1)  # creation numbers


def _make(data: float, op: int, a: Value | None = None, b: Value | None = None,
          c: float = 0.0, items: Any = None) -> Value:
    v = object.__new__(Value)
    v._data = data
    v._grad = 0.0
    v._op_code = op
    v._seq = next(_created)
    v._a = a
    v._b = b
    v._c = c
    v._items = items
    v._label = ""
    return v


def _node(data: float, grad: float, op: int, label: str, a: Value | None, b: Value | None,
          c: float, items: Any) -> Value:
    """A node from its fields (unpickling and copying; `cydiff._records` checks a pickle's)."""
    v = _make(data, op, a, b, c, items)
    v._grad = grad
    v._label = label
    return v


def value_unary(op: int, x: Value) -> Value:
    return _make(UNARY[op].forward(x._data), op, x)


def _binary(op: int, symbol: str, a: Value, b: Value) -> Value:
    return _make(BINARY[op].forward(a._data, b._data), op, a, b)


def _with_constant(op: int, x: Value, c: float, constant_left: bool) -> Value:
    if constant_left:
        return _make(BINARY[op].forward(c, x._data), FOLD_LEFT[op], x, None, c)
    return _make(BINARY[op].forward(x._data, c), FOLD_RIGHT[op], x, None, c)


@final
class Value(Arithmetic, metaclass=_common.Sealed, unary=value_unary):
    __doc__ = _docstrings.VALUE

    if TYPE_CHECKING:  # x.exp() & co: made from the op spec by the metaclass
        def __getattr__(self, name: str) -> Callable[[], Value]: ...

    __slots__ = ("_data", "_grad", "_op_code", "_seq", "_a", "_b", "_c", "_items", "_label")
    _data: float
    _grad: float
    _op_code: int
    _seq: int
    _a: Any  # a Value, or None where unused (likewise _b)
    _b: Any
    _c: float
    _items: Any
    _label: str

    # the hooks of the shared operators (`Arithmetic`)
    _binary = staticmethod(_binary)
    _with_constant = staticmethod(_with_constant)
    _unary = staticmethod(value_unary)
    _primal = operator.attrgetter("_data")

    # A node is made whole by Value(...) itself (__new__), as a float is: __init__ is
    # object's and does nothing, so calling it again cannot change a live node.
    def __new__(cls, data: Number, _children: Iterable[Value] = (), _op: str = "",
                label: str = "") -> Value:
        value = _common.number(data, "Value() argument 'data'")
        if not isinstance(_op, str):
            _common.argument_error("Value() argument '_op'", _op, "a str")
        if not isinstance(label, str):
            _common.argument_error("Value() argument 'label'", label, "a str")
        if type(_children) is not tuple and (isinstance(_children, (str, bytes))
                                             or not hasattr(_children, "__iter__")):
            _common.argument_error("Value() argument '_children'", _children,
                                   "an iterable of Values")
        children = _children if type(_children) is tuple else tuple(_children)
        for child in children:
            if type(child) is not Value:
                _common.argument_error("Value() argument '_children' item", child, "a Value")
        if children:
            node = _make(value, CUSTOM, items=(_op,) + children)
        else:
            node = _make(value, LEAF, items=_op or None)
        node._label = label
        return node

    # --- attributes -----------------------------------------------------------
    @property
    def data(self) -> float:
        """The forward value; writable (optimizers do `p.data -= lr * p.grad`)."""
        return self._data

    @data.setter
    def data(self, value: Number) -> None:
        self._data = _common.number(value, "Value.data")

    @data.deleter
    def data(self) -> NoReturn:
        _common.undeletable("Value", "data")

    @property
    def grad(self) -> float:
        """d(root)/d(self) after `root.backward()`; leaves accumulate."""
        return self._grad

    @grad.setter
    def grad(self, value: Number) -> None:
        self._grad = _common.number(value, "Value.grad")

    @grad.deleter
    def grad(self) -> NoReturn:
        _common.undeletable("Value", "grad")

    @property
    def label(self) -> str:
        """A name for pictures and for `viz`: a str, "" by default; writable."""
        return self._label

    @label.setter
    def label(self, value: str) -> None:
        if not isinstance(value, str):
            _common.argument_error("Value.label", value, "a str")
        self._label = value

    @label.deleter
    def label(self) -> NoReturn:
        _common.undeletable("Value", "label")

    @property
    def _op(self) -> str:
        """The op that made this node: '+', '*', '**2', 'tanh', 'ReLU', ... ('' for a leaf)."""
        op = self._op_code
        if op == LEAF or op == CUSTOM:
            name: str = self._items if op == LEAF else self._items[0]
            return name or ""
        if op == POW_C:
            return _common.op_string("**", self._c)
        return OP_NAMES[op]

    @_op.setter
    def _op(self, value: object) -> NoReturn:
        _common.read_only("Value", "_op")

    @_op.deleter
    def _op(self) -> NoReturn:
        _common.read_only("Value", "_op")

    @property
    def _children(self) -> tuple[Value, ...]:
        """The Value operands in order (constants are folded into the node)."""
        return _sweeps_py.children(self)

    @_children.setter
    def _children(self, value: object) -> NoReturn:
        _common.read_only("Value", "_children")

    @_children.deleter
    def _children(self) -> NoReturn:
        _common.read_only("Value", "_children")

    @property
    def _prev(self) -> set[Value]:
        """The set of Value operands, as micrograd has it."""
        return set(_sweeps_py.children(self))

    @_prev.setter
    def _prev(self, value: object) -> NoReturn:
        _common.read_only("Value", "_prev")

    @_prev.deleter
    def _prev(self) -> NoReturn:
        _common.read_only("Value", "_prev")

    def __repr__(self) -> str:
        return f"Value(data={self._data:.4f}, grad={self._grad:.4f})"

    # --- pickle and copy (graphs travel as flat records: see cydiff/_pickle.py) ---
    def __reduce__(self) -> tuple[Any, ...]:
        if self._op_code == LEAF:
            return (_pickle.restore_leaf,
                    ("pure", self._data, self._grad, self._label, self._items))
        return (_pickle.restore_graph, ("pure", _pickle.FORMAT, _sweeps_py.graph_records(self)))

    def __copy__(self) -> Value:
        """A new node with this one's fields and children (the graph below is shared)."""
        return _node(self._data, self._grad, self._op_code, self._label, self._a, self._b,
                     self._c, self._items)

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """A copy of the whole graph below this node (nodes already in memo are reused)."""
        for node in reversed(_sweeps_py.by_creation(self)):
            if id(node) in memo:
                continue
            a, b, items = node._a, node._b, node._items
            if node._op_code != LEAF and items is not None:
                items = tuple(memo[id(i)] if type(i) is Value else i for i in items)
            memo[id(node)] = _node(node._data, node._grad, node._op_code, node._label,
                                   None if a is None else memo[id(a)],
                                   None if b is None else memo[id(b)], node._c, items)
        copy: Value = memo[id(self)]
        return copy

    # --- reverse mode ---------------------------------------------------------
    def backward(self) -> None:
        _sweeps_py.backward(self)
    backward.__doc__ = _docstrings.BACKWARD

    def zero_grad(self) -> None:
        _sweeps_py.zero_grad(self)
    zero_grad.__doc__ = _docstrings.ZERO_GRAD

    def detach(self) -> Value:
        return _make(self._data, LEAF)
    detach.__doc__ = _docstrings.DETACH

    # --- == and hash are identity (graph nodes); ordering compares data --------
    __hash__ = object.__hash__


def value_sum(items: list[Value | float]) -> Value:
    """One SUM node over items (Values and floats, at least one Value), added left to right."""
    total = 0.0
    for i, item in enumerate(items):
        v = item._data if type(item) is Value else item
        total = v if i == 0 else total + v
    return _make(total, SUM, items=tuple(items))


def value_dot(ws: list[Value | float], xs: list[Value | float]) -> Value:
    """One DOT node: Σ ws[i]·xs[i] (equal lengths, at least one Value), added left to right."""
    total = 0.0
    for i, (w, x) in enumerate(zip(ws, xs)):
        term = (w._data if type(w) is Value else w) * (x._data if type(x) is Value else x)
        total = term if i == 0 else total + term
    return _make(total, DOT, items=tuple(item for pair in zip(ws, xs) for item in pair))


_pool_limit = 2**22  # the compiled twin's; kept here so that the twins answer alike


def node_pool_limit(nodes: int | None = None) -> int:
    global _pool_limit
    previous = _pool_limit
    if nodes is None:
        return previous
    _pool_limit = _common.pool_limit(nodes)
    return previous


graph_records = _sweeps_py.graph_records  # for pickles, `hessian` and `hvp`


node_pool_limit.__doc__ = _docstrings.NODE_POOL_LIMIT  # shared with the compiled twin
