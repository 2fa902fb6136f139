"""The operators every number of the pure twin shares, written once.

`Dual`, `MultiDual` and `Value` derive from `Arithmetic`, which gives each of them, from
the tables below, `+ - * / **` with a number on either side, unary `- + abs`, the
orderings `< <= > >=`, and the refusal of `float()` and `int()` (the derivative would
be lost). What differs per class are four hooks, its own arithmetic on its fields:

    _binary(op, symbol, a, b)              a op b, both of the class (op an `_spec` code)
    _with_constant(op, x, c, left)         x op c, or c op x where `left`
    _unary(op, x)                          op(x): neg and abs here, the rest by `Sealed`
    _primal(x)                             the value an ordering compares

A number on the other side is what `_common.as_number` accepts (int, float, numpy
scalars, ...); anything else is Python's TypeError, or NotImplemented for numpy
arrays, so that numpy applies the operator elementwise. Each class gets its own
functions, made when the class is (`__init_subclass__`), with the class and its hooks
at hand: as fast as a hand-written method. The compiled twin's classes share their
operators through a template (`src/cydiff/_numbers_c.tp`) in the same way.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, NoReturn, TypeVar, Union, cast

from .. import _common, _docstrings, _spec
from .._spec import ABS, ADD, CEIL, DIV, FLOOR, MUL, NEG, POW, RINT, SUB, TRUNC

N = TypeVar("N", bound="Arithmetic")
Number = Union[int, float]

OPERATORS = (  # method, op code, the operator in error messages, reflected
    ("__add__", ADD, "+", False), ("__radd__", ADD, "+", True),
    ("__sub__", SUB, "-", False), ("__rsub__", SUB, "-", True),
    ("__mul__", MUL, "*", False), ("__rmul__", MUL, "*", True),
    ("__truediv__", DIV, "/", False), ("__rtruediv__", DIV, "/", True),
    ("__pow__", POW, "** or pow()", False), ("__rpow__", POW, "** or pow()", True),
)
ORDERINGS = (("__lt__", "<", operator.lt), ("__le__", "<=", operator.le),
             ("__gt__", ">", operator.gt), ("__ge__", ">=", operator.ge))
# math.floor(x), math.ceil(x) and math.trunc(x) (and numpy's np.floor & co on object
# arrays, which call them) give a number of x's kind, as -x does
UNARY_OPERATORS = (("__neg__", NEG), ("__abs__", ABS), ("__floor__", FLOOR),
                   ("__ceil__", CEIL), ("__trunc__", TRUNC))
# x.atan2(other) & co, the binary functions with x on the left (numpy's np.arctan2,
# np.hypot and np.fmod on object arrays call them), by their names and numpy's
BINARY_METHODS = tuple((name, op.code, _docstrings.method_doc(op)) for op in _spec.BINARY
                       if op.function
                       for name in (op.name, op.numpy) if name)


def _binary_operator(cls: Any, op: int, symbol: str, reflected: bool) -> Callable[..., Any]:
    """cls's `x op other` (or `other op x` where reflected)."""
    binary, with_constant, as_number = cls._binary, cls._with_constant, _common.as_number

    def method(self: Any, other: object) -> Any:
        if type(other) is cls:
            return binary(op, symbol, other, self) if reflected else binary(op, symbol, self, other)
        c = as_number(other)
        if c is None:  # a TypeError, or NotImplemented for numpy arrays
            return (_common.operand_error(symbol, other, self) if reflected
                    else _common.operand_error(symbol, self, other))
        return with_constant(op, self, c, reflected)

    name = cls.__name__

    def power(self: Any, other: object, modulo: None = None) -> Any:  # method, and pow()'s
        if modulo is not None:                                         # third argument
            _common.no_modulo(name)
        if type(other) is cls:
            return binary(op, symbol, other, self) if reflected else binary(op, symbol, self, other)
        c = as_number(other)
        if c is None:
            return (_common.operand_error(symbol, other, self) if reflected
                    else _common.operand_error(symbol, self, other))
        return with_constant(op, self, c, reflected)

    return power if op == POW else method


def _binary_method(cls: Any, op: int, name: str) -> Callable[..., Any]:
    """cls's `x.atan2(other)` & co: as the operators, but what they refuse is the function's
    `cydiff.atan2(x, other)` (a nested derivative's number, an array, or its TypeError)."""
    binary, with_constant, as_number = cls._binary, cls._with_constant, _common.as_number

    def method(self: Any, other: object) -> Any:
        if type(other) is cls:
            return binary(op, name, self, other)
        c = as_number(other)
        if c is None:
            return _common.binary_function(name, self, other)
        return with_constant(op, self, c, False)
    return method


def _ordering(cls: Any, symbol: str, test: Callable[[float, float], bool]) -> Callable[..., Any]:
    """cls's `x < other` & co: test(x's value, other's value)."""
    primal, as_number = cls._primal, _common.as_number

    def method(self: Any, other: object) -> Any:
        if type(other) is cls:
            return test(primal(self), primal(other))
        c = as_number(other)
        if c is None:
            return _common.comparison_error(symbol, self, other)
        return test(primal(self), c)
    return method


def _unary_operator(cls: Any, op: int) -> Callable[[Any], Any]:
    """cls's `-x`, `abs(x)`, `math.floor(x)` & co."""
    unary = cls._unary

    def method(self: Any) -> Any:
        return unary(op, self)
    return method


def _equality(cls: Any, test: Callable[[float, float], bool]) -> Callable[..., Any]:
    """cls's `x == other` or `x != other` by value; NotImplemented for what is no number."""
    primal, as_number = cls._primal, _common.as_number

    def method(self: Any, other: object) -> Any:
        if type(other) is cls:
            return test(primal(self), primal(other))
        c = as_number(other)
        return NotImplemented if c is None else test(primal(self), c)
    return method


class Arithmetic:
    """The operators of a pure-twin number (see the module); a class gives the hooks."""

    __slots__ = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "_binary" not in cls.__dict__:  # a base (ByValue), not a number: no hooks
            return
        made = [(name, _binary_operator(cls, op, symbol, reflected))
                for name, op, symbol, reflected in OPERATORS]
        made += [(name, _ordering(cls, symbol, test)) for name, symbol, test in ORDERINGS]
        made += [(name, _unary_operator(cls, op)) for name, op in UNARY_OPERATORS]
        for name, op, doc in BINARY_METHODS:
            made.append((name, _binary_method(cls, op, name)))
            made[-1][1].__doc__ = doc
        for name, method in made:
            method.__name__, method.__qualname__ = name, f"{cls.__name__}.{name}"
            type.__setattr__(cls, name, method)  # past `Sealed`, which refuses later changes

    if TYPE_CHECKING:  # the hooks a class gives, and what the tables above make from them
        _primal: Callable[[Any], float]
        def __add__(self: N, other: N | Number) -> N: ...
        def __radd__(self: N, other: Number) -> N: ...
        def __sub__(self: N, other: N | Number) -> N: ...
        def __rsub__(self: N, other: Number) -> N: ...
        def __mul__(self: N, other: N | Number) -> N: ...
        def __rmul__(self: N, other: Number) -> N: ...
        def __truediv__(self: N, other: N | Number) -> N: ...
        def __rtruediv__(self: N, other: Number) -> N: ...
        def __pow__(self: N, other: N | Number, modulo: None = None) -> N: ...
        def __rpow__(self: N, other: Number, modulo: None = None) -> N: ...
        def __neg__(self: N) -> N: ...
        def __abs__(self: N) -> N: ...
        def __floor__(self: N) -> N: ...
        def __ceil__(self: N) -> N: ...
        def __trunc__(self: N) -> N: ...
        def __lt__(self: N, other: N | Number) -> bool: ...
        def __le__(self: N, other: N | Number) -> bool: ...
        def __gt__(self: N, other: N | Number) -> bool: ...
        def __ge__(self: N, other: N | Number) -> bool: ...

    def __pos__(self: N) -> N:
        return self

    def __round__(self: N, ndigits: int | None = None) -> N:
        """round(x) and round(x, 0) (np.round on object arrays): x.rint(), halves to even."""
        if ndigits is not None and ndigits != 0:
            _common.round_digits_error(self, ndigits)
        return cast(N, cast(Any, type(self))._unary(RINT, self))

    def __bool__(self) -> bool:
        """As the value's: false at 0.0 and -0.0, true at nan."""
        return bool(type(self)._primal(self) != 0.0)

    def __float__(self) -> NoReturn:
        _common.no_float(self)

    def __int__(self) -> NoReturn:
        _common.no_float(self)


class ByValue(Arithmetic):
    """A forward-mode number (`Dual`, `MultiDual`): immutable, so a copy is the number
    itself, and equal, as its hash, by value, as the orderings compare. (A `Value` is a
    graph node: `==` and hash are its identity.)"""

    __slots__ = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        for name, test in (("__eq__", operator.eq), ("__ne__", operator.ne)):
            method = _equality(cls, test)
            method.__name__, method.__qualname__ = name, f"{cls.__name__}.{name}"
            type.__setattr__(cls, name, method)

    if TYPE_CHECKING:
        def __eq__(self, other: object) -> bool: ...
        def __ne__(self, other: object) -> bool: ...

    def __hash__(self) -> int:
        return _common.hash_of(type(self)._primal(self), self)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        _common.immutable(type(self).__name__, name)

    def __delattr__(self, name: str) -> NoReturn:
        _common.immutable(type(self).__name__, name)

    def __copy__(self: N) -> N:
        return self

    def __deepcopy__(self: N, memo: dict[int, Any]) -> N:
        return self
