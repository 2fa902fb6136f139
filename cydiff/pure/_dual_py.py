"""Dual numbers for forward-mode AD: the pure twin.

`Dual(val, deriv)` carries a value and its derivative along one direction. Each
op computes its value with the op table's forward formula and the derivative
with the table's local derivative times the incoming tangent (the chain rule).
`src/cydiff/_dual_c.pyx` is the compiled twin.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, final, Union

from .. import _common, _docstrings, _pickle
from ._number_py import ByValue
from .._ops_py import BINARY, UNARY, tangent

Number = Union[int, float]


def _make(val: float, deriv: float) -> Dual:
    d = object.__new__(Dual)
    object.__setattr__(d, "_val", val)
    object.__setattr__(d, "_deriv", deriv)
    return d


def dual_unary(op: int, x: Dual) -> Dual:
    spec = UNARY[op]
    y = spec.forward(x._val)
    return _make(y, tangent(spec.deriv(x._val, y), x._deriv))


def _binary(op: int, symbol: str, a: Dual, b: Dual) -> Dual:
    spec = BINARY[op]
    y = spec.forward(a._val, b._val)
    return _make(y, tangent(spec.da(a._val, b._val, y), a._deriv)
                 + tangent(spec.db(a._val, b._val, y), b._deriv))


def _with_constant(op: int, x: Dual, c: float, constant_left: bool) -> Dual:
    """x op c (or c op x): a number is a Dual whose tangent is zero."""
    spec = BINARY[op]
    if constant_left:
        y = spec.forward(c, x._val)
        return _make(y, tangent(spec.db(c, x._val, y), x._deriv))
    y = spec.forward(x._val, c)
    return _make(y, tangent(spec.da(x._val, c, y), x._deriv))


@final
class Dual(ByValue, metaclass=_common.Sealed, unary=dual_unary):
    __doc__ = _docstrings.DUAL

    if TYPE_CHECKING:  # x.exp() & co: made from the op spec by the metaclass
        def __getattr__(self, name: str) -> Callable[[], Dual]: ...

    __slots__ = ("_val", "_deriv")
    _val: float
    _deriv: float

    # the hooks of the shared operators (`ByValue`, an `Arithmetic`)
    _binary = staticmethod(_binary)
    _with_constant = staticmethod(_with_constant)
    _unary = staticmethod(dual_unary)
    _primal = operator.attrgetter("_val")

    # Made whole by Dual(...) itself (__new__), as a float is: __init__ is object's and
    # does nothing, so calling it again cannot change the number.
    def __new__(cls, val: Number, deriv: Number = 0.0) -> Dual:
        return _make(_common.number(val, "Dual() argument 'val'"),
                     _common.number(deriv, "Dual() argument 'deriv'"))

    @property
    def val(self) -> float:
        """The value."""
        return self._val

    @property
    def deriv(self) -> float:
        """The derivative along the seeded direction."""
        return self._deriv

    def __repr__(self) -> str:
        return f"Dual(val={self._val:.6f}, deriv={self._deriv:.6f})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_pickle.restore_dual, ("pure", self._val, self._deriv))



def dual_sum(items: list[Dual | float]) -> Dual:
    """Σ items (Duals and floats, at least one item), summed left to right."""
    val = deriv = 0.0
    for i, item in enumerate(items):
        v, d = (item._val, item._deriv) if type(item) is Dual else (item, 0.0)
        if i == 0:
            val, deriv = v, d
        else:
            val, deriv = val + v, deriv + d
    return _make(val, deriv)


def dual_dot(ws: list[Dual | float], xs: list[Dual | float]) -> Dual:
    """Σ ws[i]·xs[i] (Duals and floats, equal lengths, at least one term),
    with the product rule per term, summed left to right."""
    val = deriv = 0.0
    for i, (w, x) in enumerate(zip(ws, xs)):
        wv, wd = (w._val, w._deriv) if type(w) is Dual else (w, 0.0)
        xv, xd = (x._val, x._deriv) if type(x) is Dual else (x, 0.0)
        term_val = wv * xv
        term_deriv = tangent(xv, wd) + tangent(wv, xd)
        if i == 0:
            val, deriv = term_val, term_deriv
        else:
            val, deriv = val + term_val, deriv + term_deriv
    return _make(val, deriv)
