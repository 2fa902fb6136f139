"""cydiff's functions, the pure twin: `exp(x)` & co, `sum`, `dot`.

Each elementary function takes a float (and gives what `math` gives), a
`Value` (a graph node) or a `Dual` (value and derivative).
`src/cydiff/_functions_c.pyx` is the compiled twin.
"""

from __future__ import annotations

from typing import Any, Iterable, TypeVar, Union, overload

from . import _common
from ._dual_py import Dual, _unary as _dual_unary, dual_dot, dual_sum
from ._ops_py import (
    UNARY, EXP, LOG, SQRT, SIN, COS, TAN, TANH, SIGMOID, RELU, ABS, LOG1P, EXPM1, ASIN,
    ACOS, ATAN, SINH, COSH, SOFTPLUS,
)
from ._value_py import Value, _unary as _value_unary, value_dot, value_sum

__all__ = [
    "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "log1p", "expm1",
    "asin", "acos", "atan", "sinh", "cosh", "softplus", "dot",
]  # abs and sum too, but `import *` should not shadow the builtins

Number = Union[int, float]
T = TypeVar("T", Value, Dual)


def _apply(op: int, name: str, x: Any) -> Any:
    if isinstance(x, Value):
        return _value_unary(op, x)
    if isinstance(x, Dual):
        return _dual_unary(op, x)
    c = _common.as_number(x)
    if c is None:
        _common.function_argument_error(name, x)
    return UNARY[op].forward(c)


@overload
def exp(x: T) -> T: ...
@overload
def exp(x: Number) -> float: ...
def exp(x: Any) -> Any:
    """e ** x."""
    return _apply(EXP, "exp", x)


@overload
def log(x: T) -> T: ...
@overload
def log(x: Number) -> float: ...
def log(x: Any) -> Any:
    """Natural logarithm; ValueError for x <= 0, as math.log."""
    return _apply(LOG, "log", x)


@overload
def sqrt(x: T) -> T: ...
@overload
def sqrt(x: Number) -> float: ...
def sqrt(x: Any) -> Any:
    """Square root; ValueError for x < 0."""
    return _apply(SQRT, "sqrt", x)


@overload
def sin(x: T) -> T: ...
@overload
def sin(x: Number) -> float: ...
def sin(x: Any) -> Any:
    return _apply(SIN, "sin", x)


@overload
def cos(x: T) -> T: ...
@overload
def cos(x: Number) -> float: ...
def cos(x: Any) -> Any:
    return _apply(COS, "cos", x)


@overload
def tan(x: T) -> T: ...
@overload
def tan(x: Number) -> float: ...
def tan(x: Any) -> Any:
    return _apply(TAN, "tan", x)


@overload
def tanh(x: T) -> T: ...
@overload
def tanh(x: Number) -> float: ...
def tanh(x: Any) -> Any:
    return _apply(TANH, "tanh", x)


@overload
def sigmoid(x: T) -> T: ...
@overload
def sigmoid(x: Number) -> float: ...
def sigmoid(x: Any) -> Any:
    """1 / (1 + e**-x), computed without overflow."""
    return _apply(SIGMOID, "sigmoid", x)


@overload
def relu(x: T) -> T: ...
@overload
def relu(x: Number) -> float: ...
def relu(x: Any) -> Any:
    """max(x, 0); relu'(0) = 0."""
    return _apply(RELU, "relu", x)


@overload
def abs(x: T) -> T: ...
@overload
def abs(x: Number) -> float: ...
def abs(x: Any) -> Any:
    """|x|; abs'(0) = 0."""
    return _apply(ABS, "abs", x)


@overload
def log1p(x: T) -> T: ...
@overload
def log1p(x: Number) -> float: ...
def log1p(x: Any) -> Any:
    """log(1 + x), accurate for small x."""
    return _apply(LOG1P, "log1p", x)


@overload
def expm1(x: T) -> T: ...
@overload
def expm1(x: Number) -> float: ...
def expm1(x: Any) -> Any:
    """e**x - 1, accurate for small x."""
    return _apply(EXPM1, "expm1", x)


@overload
def asin(x: T) -> T: ...
@overload
def asin(x: Number) -> float: ...
def asin(x: Any) -> Any:
    return _apply(ASIN, "asin", x)


@overload
def acos(x: T) -> T: ...
@overload
def acos(x: Number) -> float: ...
def acos(x: Any) -> Any:
    return _apply(ACOS, "acos", x)


@overload
def atan(x: T) -> T: ...
@overload
def atan(x: Number) -> float: ...
def atan(x: Any) -> Any:
    return _apply(ATAN, "atan", x)


@overload
def sinh(x: T) -> T: ...
@overload
def sinh(x: Number) -> float: ...
def sinh(x: Any) -> Any:
    return _apply(SINH, "sinh", x)


@overload
def cosh(x: T) -> T: ...
@overload
def cosh(x: Number) -> float: ...
def cosh(x: Any) -> Any:
    return _apply(COSH, "cosh", x)


@overload
def softplus(x: T) -> T: ...
@overload
def softplus(x: Number) -> float: ...
def softplus(x: Any) -> Any:
    """log(1 + e**x), computed without overflow."""
    return _apply(SOFTPLUS, "softplus", x)


# --- fused n-ary nodes ---------------------------------------------------------

def _terms(name: str, items: Any, kind: type | None) -> tuple[type | None, list[Any]]:
    """items as a list of Values or Duals (all of one kind) and floats."""
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        _common.not_iterable(name, items)
    terms: list[Any] = []
    for item in items:
        if isinstance(item, (Value, Dual)):
            if kind is None:
                kind = type(item)
            elif type(item) is not kind:
                _common.mix_error(name)
            terms.append(item)
        else:
            c = _common.as_number(item)
            if c is None:
                _common.item_error(name, item)
            terms.append(c)
    return kind, terms


def sum(items: Iterable[Any]) -> Any:
    """Σ items as one node: a `Value` with one child per Value item, or a `Dual`.

    Numbers may stand among the items; with no Value or Dual the sum is a float.
    Terms are added left to right.
    """
    kind, terms = _terms("sum", items, None)
    if kind is Value:
        return value_sum(terms)
    if kind is Dual:
        return dual_sum(terms)
    total = 0.0
    for i, term in enumerate(terms):
        total = term if i == 0 else total + term
    return total


def dot(ws: Iterable[Any], xs: Iterable[Any]) -> Any:
    """Σ ws[i]·xs[i] as one node (a neuron is one `dot`, not 2n binary nodes).

    Either sequence may hold Values (or Duals) and numbers; with no Value or
    Dual the result is a float. Terms are added left to right.
    """
    kind, w_terms = _terms("dot", ws, None)
    kind, x_terms = _terms("dot", xs, kind)
    if len(w_terms) != len(x_terms):
        _common.length_error("dot", len(w_terms), len(x_terms))
    if kind is Value:
        return value_dot(w_terms, x_terms)
    if kind is Dual:
        return dual_dot(w_terms, x_terms)
    total = 0.0
    for i, (w, x) in enumerate(zip(w_terms, x_terms)):
        total = w * x if i == 0 else total + w * x
    return total

