"""cydiff's functions, the pure twin: `exp(x)` & co, `sum`, `dot`.

Each elementary function takes a float (and gives what `math` gives), a
`Value` (a graph node), a `Dual` (value and derivative) or a `MultiDual`
(value and up to 8 partials).
`src/cydiff/_functions_c.pyx` is the compiled twin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Protocol, Union, cast, overload

from .. import _common, _docstrings, _spec
from ._dual_py import Dual, dual_unary, dual_dot, dual_sum
from .._transforms.nested import Nested, nested_binary, nested_dot, nested_sum
from ._multidual_py import MultiDual, multidual_unary, multidual_dot, multidual_sum
from .._ops_py import BINARY, UNARY
from ._value_py import Value, value_unary, value_dot, value_sum

Number = Union[int, float]


class Elementary(Protocol):
    """An elementary function: a Value gives a Value, a Dual a Dual, a MultiDual a
    MultiDual, a number a float."""

    @overload
    def __call__(self, x: Value) -> Value: ...
    @overload
    def __call__(self, x: Dual) -> Dual: ...
    @overload
    def __call__(self, x: MultiDual) -> MultiDual: ...
    @overload
    def __call__(self, x: Number) -> float: ...


class BinaryFunction(Protocol):
    """A binary function: a Value (Dual, MultiDual) and a number or a number of its
    kind give that kind, two numbers a float."""

    @overload
    def __call__(self, a: Value, b: Value | Number) -> Value: ...
    @overload
    def __call__(self, a: Number, b: Value) -> Value: ...
    @overload
    def __call__(self, a: Dual, b: Dual | Number) -> Dual: ...
    @overload
    def __call__(self, a: Number, b: Dual) -> Dual: ...
    @overload
    def __call__(self, a: MultiDual, b: MultiDual | Number) -> MultiDual: ...
    @overload
    def __call__(self, a: Number, b: MultiDual) -> MultiDual: ...
    @overload
    def __call__(self, a: Number, b: Number) -> float: ...


def _elementary(op: int, name: str, doc: str | None = None) -> Elementary:
    def function(x: Any) -> Any:
        if type(x) is Value:
            return value_unary(op, x)
        if type(x) is Dual:
            return dual_unary(op, x)
        if type(x) is MultiDual:
            return multidual_unary(op, x)
        c = _common.as_number(x)
        if c is None:
            return _common.function_argument_error(name, x, function)
        return UNARY[op].forward(c)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return cast(Elementary, function)


# exp, log, ...: one function an elementary op of the spec (`abs` shadows the builtin
# here, as it does in `cydiff`).
for _op in _spec.UNARY:
    if _op.function:
        globals()[_op.name] = _elementary(_op.code, _op.name, _docstrings.function_doc(_op))

_KINDS = (Value, Dual, MultiDual)


def _binary_function(op: int, name: str, doc: str | None = None) -> BinaryFunction:
    def function(a: Any, b: Any) -> Any:
        kind = type(a)
        if kind in _KINDS:
            if type(b) is type(a):
                return kind._binary(op, name, a, b)
            c = _common.as_number(b)
            if c is not None:
                return kind._with_constant(op, a, c, False)
        elif type(b) in _KINDS:
            c = _common.as_number(a)
            if c is not None:
                return type(b)._with_constant(op, b, c, True)
        else:
            ca, cb = _common.as_number(a), _common.as_number(b)
            if ca is not None and cb is not None:
                return BINARY[op].forward(ca, cb)
        if _common.is_nested(a) or _common.is_nested(b):
            return nested_binary(op, a, b)
        return _common.binary_arguments(function, name, "pure", a, b)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return cast(BinaryFunction, function)


# atan2, hypot, ..., less, ...: one function a binary function of the spec; and numpy's
# names of the functions (arcsinh, arctan2)
for _op2 in _spec.BINARY:
    if _op2.function:
        globals()[_op2.name] = _binary_function(_op2.code, _op2.name,
                                                _docstrings.function_doc(_op2))
for _alias, _name in (*_spec.ALIASES.items(), *_spec.BINARY_ALIASES.items()):
    globals()[_alias] = globals()[_name]
# where's halves, named where() in their error messages
_when = _binary_function(_spec.WHEN, "where")
_unless = _binary_function(_spec.UNLESS, "where")

if TYPE_CHECKING:  # the functions made above, for type checkers
    atan2: BinaryFunction
    arctan2: BinaryFunction
    hypot: BinaryFunction
    copysign: BinaryFunction
    fmod: BinaryFunction
    minimum: BinaryFunction
    maximum: BinaryFunction
    less: BinaryFunction
    greater: BinaryFunction
    less_equal: BinaryFunction
    greater_equal: BinaryFunction

    def __getattr__(name: str) -> Elementary: ...


def clip(x: Any, lo: Any, hi: Any) -> Any:
    return minimum(maximum(x, lo), hi)  # noqa: F821  (both made from the spec above)


def where(cond: Any, a: Any, b: Any) -> Any:
    if type(cond) in _KINDS or _common.is_nested(cond):
        return _when(cond, a) + _unless(cond, b)
    if _common.is_array(cond) or _common.is_array(a) or _common.is_array(b):
        return _common.elementwise(where, cond, a, b)
    return a if cond else b


# --- fused n-ary nodes ---------------------------------------------------------

def _terms(name: str, items: Any, kind: type | None) -> tuple[type | None, list[Any]]:
    """items as a list of Values, Duals or MultiDuals (all of one kind) and floats."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        _common.not_iterable(name, items)
    terms: list[Any] = []
    for item in items:
        if isinstance(item, (Value, Dual, MultiDual)):
            if kind is None:
                kind = type(item)
            elif type(item) is not kind and kind is not Nested:
                _common.mix_error(name, kind, type(item))
            terms.append(item)
        elif isinstance(item, Nested):  # a nested derivative's number: it holds the others
            kind = Nested
            terms.append(item)
        else:
            c = _common.as_number(item)
            if c is None:
                _common.item_error(name, item)
            terms.append(c)
    return kind, terms


def sum(items: Iterable[Any]) -> Any:
    kind, terms = _terms("sum", items, None)
    if kind is Value:
        return value_sum(terms)
    if kind is Dual:
        return dual_sum(terms)
    if kind is MultiDual:
        return multidual_sum(terms)
    if kind is Nested:
        return nested_sum(terms)
    total = 0.0
    for i, term in enumerate(terms):
        total = term if i == 0 else total + term
    return total


def dot(ws: Iterable[Any], xs: Iterable[Any]) -> Any:
    kind, w_terms = _terms("dot", ws, None)
    kind, x_terms = _terms("dot", xs, kind)
    if len(w_terms) != len(x_terms):
        _common.length_error("dot", len(w_terms), len(x_terms))
    if kind is Value:
        return value_dot(w_terms, x_terms)
    if kind is Dual:
        return dual_dot(w_terms, x_terms)
    if kind is MultiDual:
        return multidual_dot(w_terms, x_terms)
    if kind is Nested:
        return nested_dot(w_terms, x_terms)
    total = 0.0
    for i, (w, x) in enumerate(zip(w_terms, x_terms)):
        total = w * x if i == 0 else total + w * x
    return total



# the docstrings of the functions written here by hand, shared with the compiled twin
clip.__doc__, where.__doc__ = _docstrings.CLIP, _docstrings.WHERE
sum.__doc__, dot.__doc__ = _docstrings.SUM, _docstrings.DOT
