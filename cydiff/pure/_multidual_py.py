"""Multi-partial dual numbers for forward-mode AD: the pure twin.

`MultiDual(val, partials)` carries a value and up to `CHUNK` = 8 partial
derivatives, one per seeded input direction, as ForwardDiff.jl's Dual does with
a chunk of partials: a forward-mode Jacobian of f: R^n -> R^m then takes
ceil(n/8) passes of f instead of n.

Each op computes its value with the op table's forward formula, its local
derivative once, and every partial as the local derivative times that
partial's incoming tangent (the chain rule), exactly as `Dual` computes its one
tangent: partial k of a MultiDual is, bit for bit, the tangent of a `Dual`
seeded along direction k. `src/cydiff/_multidual_c.pyx` is the compiled twin.
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any, Callable, cast, ClassVar, final, Iterable, Union

from .. import _common, _docstrings, _pickle
from ._number_py import ByValue
from .._ops_py import BINARY, UNARY, tangent

Number = Union[int, float]
CHUNK = 8  # partials a MultiDual carries at most


def _make(val: float, partials: tuple[float, ...]) -> MultiDual:
    d = object.__new__(MultiDual)
    object.__setattr__(d, "_val", val)
    object.__setattr__(d, "_p", partials)
    return d


def _partials(partials: object) -> tuple[float, ...]:
    """MultiDual()'s argument `partials` as a tuple of at most CHUNK floats, or the error."""
    if type(partials) is tuple:
        items: tuple[object, ...] = partials
    elif isinstance(partials, (str, bytes)) or not hasattr(partials, "__iter__"):
        _common.partials_error(partials)
    else:
        items = tuple(cast(Iterable[object], partials))
    if len(items) > CHUNK:
        _common.too_many_partials(len(items), CHUNK)
    numbers = []
    for k, item in enumerate(items):
        c = _common.as_number(item)
        if c is None:
            _common.argument_error(f"MultiDual() argument 'partials' item {k}", item)
        numbers.append(c)
    return tuple(numbers)


def multidual_unary(op: int, x: MultiDual) -> MultiDual:
    spec = UNARY[op]
    y = spec.forward(x._val)
    d = spec.deriv(x._val, y)
    return _make(y, tuple(tangent(d, p) for p in x._p))


def _binary(op: int, symbol: str, a: MultiDual, b: MultiDual) -> MultiDual:
    if len(a._p) != len(b._p):
        _common.partials_mismatch(f"operands of {symbol}", len(a._p), len(b._p))
    spec = BINARY[op]
    y = spec.forward(a._val, b._val)
    da, db = spec.da(a._val, b._val, y), spec.db(a._val, b._val, y)
    return _make(y, tuple(tangent(da, p) + tangent(db, q) for p, q in zip(a._p, b._p)))


def _with_constant(op: int, x: MultiDual, c: float, constant_left: bool) -> MultiDual:
    """x op c (or c op x): a number is a MultiDual whose partials are zero."""
    spec = BINARY[op]
    if constant_left:
        y = spec.forward(c, x._val)
        d = spec.db(c, x._val, y)
    else:
        y = spec.forward(x._val, c)
        d = spec.da(x._val, c, y)
    return _make(y, tuple(tangent(d, p) for p in x._p))


@final
class MultiDual(ByValue, metaclass=_common.Sealed, unary=multidual_unary):
    __doc__ = _docstrings.MULTIDUAL

    if TYPE_CHECKING:  # x.exp() & co: made from the op spec by the metaclass
        def __getattr__(self, name: str) -> Callable[[], MultiDual]: ...

    __slots__ = ("_val", "_p")
    _val: float
    _p: tuple[float, ...]

    # the hooks of the shared operators (`ByValue`, an `Arithmetic`)
    _binary = staticmethod(_binary)
    _with_constant = staticmethod(_with_constant)
    _unary = staticmethod(multidual_unary)
    _primal = operator.attrgetter("_val")

    CHUNK: ClassVar[int] = CHUNK

    # Made whole by MultiDual(...) itself (__new__), as a float is: __init__ is object's
    # and does nothing, so calling it again cannot change the number.
    def __new__(cls, val: Number, partials: Iterable[Number] = ()) -> MultiDual:
        v = _common.number(val, "MultiDual() argument 'val'")
        return _make(v, _partials(partials))

    @property
    def val(self) -> float:
        """The value."""
        return self._val

    @property
    def partials(self) -> tuple[float, ...]:
        """The derivatives along the seeded directions, one per direction."""
        return self._p

    @property
    def n(self) -> int:
        """The number of partials (seeded directions), 0 to CHUNK."""
        return len(self._p)

    def __repr__(self) -> str:
        inner = ", ".join(f"{p:.6f}" for p in self._p)
        comma = "," if len(self._p) == 1 else ""
        return f"MultiDual(val={self._val:.6f}, partials=({inner}{comma}))"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_pickle.restore_multidual, ("pure", self._val, self._p))



def _count(where: str, items: list[MultiDual | float]) -> int:
    """The number of partials the MultiDual items share (ValueError if they differ)."""
    n = -1
    for item in items:
        if type(item) is MultiDual:
            if n < 0:
                n = len(item._p)
            elif len(item._p) != n:
                _common.partials_mismatch(where, n, len(item._p))
    return n


def multidual_sum(items: list[MultiDual | float]) -> MultiDual:
    """Σ items (MultiDuals and floats, at least one MultiDual), summed left to right."""
    n = _count("sum() items", items)
    val = 0.0
    partials = [0.0] * n
    for i, item in enumerate(items):
        v, ps = (item._val, item._p) if type(item) is MultiDual else (item, (0.0,) * n)
        if i == 0:
            val, partials = v, list(ps)
        else:
            val = val + v
            partials = [p + q for p, q in zip(partials, ps)]
    return _make(val, tuple(partials))


def multidual_dot(ws: list[MultiDual | float], xs: list[MultiDual | float]) -> MultiDual:
    """Σ ws[i]·xs[i] (MultiDuals and floats, equal lengths, at least one MultiDual),
    with the product rule per term and partial, summed left to right."""
    n = _count("dot() items", ws + xs)
    zeros = (0.0,) * n
    val = 0.0
    partials = [0.0] * n
    for i, (w, x) in enumerate(zip(ws, xs)):
        wv, wp = (w._val, w._p) if type(w) is MultiDual else (w, zeros)
        xv, xp = (x._val, x._p) if type(x) is MultiDual else (x, zeros)
        term_val = wv * xv
        term = [tangent(xv, wd) + tangent(wv, xd) for wd, xd in zip(wp, xp)]
        if i == 0:
            val, partials = term_val, term
        else:
            val = val + term_val
            partials = [p + t for p, t in zip(partials, term)]
    return _make(val, tuple(partials))
