"""Nested derivatives without perturbation confusion: tagged dual numbers.

A `derivative` (or `grad`, `jvp`, `jacobian`) called inside the f of another
cannot use plain Duals: f may close over the outer call's Duals, and two
untagged perturbations would add up (ForwardDiff.jl's issue 83: d/dx [x · d/dy
(x + y)] comes out 2, not 1). The inner call seeds `Nested` numbers instead:
primal + tangent·ε, with ε labelled by a tag that grows with each call. Their
parts may be any cydiff number — the outer call's Duals or Values, or `Nested`
numbers of older tags — and computing with them runs the outer call's
arithmetic, so the inner derivative comes back as a number the outer one goes on
differentiating.

In an op on two numbers the one with the newer tag is the outer layer and the
other a constant of it; a plain number, Dual or Value is older than every tag
(it belongs to the outermost call). Each op is the chain rule written with the
parts' own operators and functions: on floats the op table's formulas, the same
in both twins. It is pure Python at every level: nesting is for second and
higher derivatives of small functions; `hessian` and `hvp` are the fast way.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Callable, NoReturn

from .. import _common, _spec, _twin
from .._gamma_py import digamma, trigamma
from .._ops_py import BINARY, CODES, UNARY, VOCABULARY, formula, tangent
from .._spec import ADD, COPYSIGN, DIV, HYPOT, MUL, POW, SUB, UNLESS, WHEN

_div, _log, _pow = VOCABULARY["div"], VOCABULARY["log"], VOCABULARY["pow"]  # on floats

_tags = itertools.count(1)


def new_tag() -> int:
    return next(_tags)


def _is_zero(t: Any) -> bool:
    """A tangent known to be exactly 0 (a float): the chain rule's strong zero."""
    return type(t) is float and t == 0.0


def _scale(d: Any, t: Any) -> Any:
    """d · t, 0.0 when the tangent t is a known zero (so 0 · inf stays 0, as `tangent`)."""
    return 0.0 if _is_zero(t) else d * t


def _add(a: Any, b: Any) -> Any:
    return b if _is_zero(a) else a if _is_zero(b) else a + b


def _apply(op: int, x: Any) -> Any:
    """The elementary function op of x: the table's formula on a float, else x's method."""
    if type(x) is float:
        return UNARY[op].forward(x)
    return getattr(x, UNARY[op].method)()


def _real(x: Any) -> float:
    """The float value under any number of layers (for the op table's conventions)."""
    while isinstance(x, Nested):
        x = x.primal
    if type(x) is float:
        return x
    return float(x.val if hasattr(x, "val") else x.data)


def _over(n: Any, p: Any) -> Any:
    """n / p in a derivative's formula; where p is 0 the derivative is infinite, and
    it is the op table's IEEE value (sqrt'(0) = inf), not a ZeroDivisionError."""
    if _real(p) == 0.0:
        return _div(_real(n), 0.0)
    return n / p


def _parts(x: Any, tag: int) -> tuple[Any, Any]:
    """(primal, tangent) of x at the level of tag: a number of an older level is a constant."""
    if isinstance(x, Nested) and x.tag == tag:
        return x.primal, x.tangent
    return x, 0.0


def _tag(x: Any) -> int:
    return x.tag if isinstance(x, Nested) else 0


def _operand(x: Any) -> Any:
    """x as a part: a Nested or cydiff number as is, a real number as a float, else None."""
    if isinstance(x, Nested) or _twin.name_of(x) is not None:
        return x
    return _common.as_number(x)


def _binary(op: int, symbol: str, rule: Callable[[Any, Any, Any, Any], tuple[Any, Any]],
            reflected: bool = False) -> Callable[[Nested, Any], Any]:
    def method(self: Nested, other: Any) -> Any:
        b = _operand(other)
        if b is None:
            return (_common.operand_error(symbol, other, self) if reflected
                    else _common.operand_error(symbol, self, other))
        a = self
        if reflected:
            a, b = b, a
        tag = max(_tag(a), _tag(b))
        ap, at = _parts(a, tag)
        bp, bt = _parts(b, tag)
        if type(ap) is float and type(at) is float and type(bp) is float and type(bt) is float:
            spec = BINARY[op]  # the innermost layer: what a Dual computes, to the bit
            y = spec.forward(ap, bp)
            return Nested(tag, y, tangent(spec.da(ap, bp, y), at) + tangent(spec.db(ap, bp, y), bt))
        primal, tangent_ = rule(ap, at, bp, bt)
        return Nested(tag, primal, tangent_)
    return method


def _add_rule(ap: Any, at: Any, bp: Any, bt: Any) -> tuple[Any, Any]:
    return ap + bp, _add(at, bt)


def _sub_rule(ap: Any, at: Any, bp: Any, bt: Any) -> tuple[Any, Any]:
    return ap - bp, _add(at, _scale(-1.0, bt))


def _mul_rule(ap: Any, at: Any, bp: Any, bt: Any) -> tuple[Any, Any]:
    return ap * bp, _add(_scale(bp, at), _scale(ap, bt))


def _div_rule(ap: Any, at: Any, bp: Any, bt: Any) -> tuple[Any, Any]:
    y = ap / bp
    return y, _add(_scale(1.0 / bp, at), _scale(-y / bp, bt))


def _power_derivative(ap: Any, bp: Any, a: float, b: float) -> Any:
    """bp · ap ** (bp - 1). Where that power divides by zero or overflows (x**0.5 at 0,
    x**-1 at 1e-300) the derivative is infinite, and it is the op table's IEEE value,
    as `_over` gives it, not an exception."""
    try:
        return bp * ap ** (bp - 1.0)
    except (ZeroDivisionError, OverflowError):
        return b * _pow(a, b - 1.0)


def _pow_rule(ap: Any, at: Any, bp: Any, bt: Any) -> tuple[Any, Any]:
    y = ap ** bp
    # the conventions of the op table: d/da = 0 at b == 0, d/db = 0 at a == 0 < b
    a, b = _real(ap), _real(bp)
    da = 0.0 if _is_zero(at) or b == 0.0 else _power_derivative(ap, bp, a, b)
    if _is_zero(bt) or (a == 0.0 and b > 0.0):
        db = 0.0
    elif a <= 0.0:  # log a is -inf or nan, as the op table's IEEE log gives it
        db = y * _log(a)
    else:
        db = y * _apply(CODES["log"], ap)
    return y, _add(_scale(da, at), _scale(db, bt))


def _unary(op: int, derivative: Callable[[Any, Any], Any]) -> Callable[[Nested], Nested]:
    def method(self: Nested) -> Nested:
        p, t = self.primal, self.tangent
        y = _apply(op, p)
        if type(p) is float and type(t) is float:  # the innermost layer: as a Dual
            return Nested(self.tag, y, tangent(UNARY[op].deriv(p, y), t))
        return Nested(self.tag, y, 0.0 if _is_zero(t) else _scale(derivative(p, y), t))
    method.__name__ = UNARY[op].method
    return method


def _generic(name: str) -> Callable[[Any], Any]:
    """The spec's function `name` on any number: the IEEE kernel on a float, else the
    number's own method (a Dual's, a Value's, a Nested's), which raises as it raises."""
    kernel = VOCABULARY[name]

    def function(z: Any) -> Any:
        return kernel(z) if type(z) is float else getattr(z, name)()
    return function


def _apply2(op: int, a: Any, b: Any) -> Any:
    """The binary function op of a and b: the table's value on floats, else cydiff's
    function of the twin of the number among them (or Nested's)."""
    if type(a) is float and type(b) is float:
        return BINARY[op].forward(a, b)
    if isinstance(a, Nested) or isinstance(b, Nested):
        return nested_binary(op, a, b)
    twin = _twin.of(a) or _twin.of(b)
    assert twin is not None, "a part of a Nested is a float, a cydiff number or a Nested"
    name = BINARY[op].name
    return getattr(twin.functions, f"_{name}" if op in (WHEN, UNLESS) else name)(a, b)


def _generic2(op: int) -> Callable[[Any, Any], Any]:
    """The spec's binary kernel on any numbers: libm's on floats, else cydiff's function
    (for hypot: math.hypot's value, in the last bit perhaps not libm's)."""
    kernel = VOCABULARY[BINARY[op].name]

    def function(a: Any, b: Any) -> Any:
        return kernel(a, b) if type(a) is float and type(b) is float else _apply2(op, a, b)
    return function


def _digamma(z: Any) -> Any:
    """ψ = lgamma' on any number: ψ(p) + ψ₁(p)·t on a Nested, so nested derivatives of
    lgamma go two deep."""
    if type(z) is float:
        return digamma(z)
    if type(z) is Nested:
        return Nested(z.tag, _digamma(z.primal),
                      0.0 if _is_zero(z.tangent) else _scale(_trigamma(z.primal), z.tangent))
    return _beyond_trigamma(z)


def _trigamma(z: Any) -> Any:
    return trigamma(z) if type(z) is float else _beyond_trigamma(z)


def _beyond_trigamma(z: Any) -> Any:
    raise NotImplementedError(
        f"cydiff: lgamma's derivatives are implemented to the second (digamma, trigamma), "
        f"not deeper: a nested derivative asked for one of {type(z).__name__}")


# The vocabulary of the spec's formulas (`_ops_py.VOCABULARY`), on numbers of any layer:
# the functions numbers have as methods, and the rest written with operators.
_NESTED_VOCABULARY: dict[str, Any] = {
    **{name: _generic(name) for name in
       ("exp", "log", "log1p", "sqrt", "sin", "cos", "sinh", "cosh", "sigmoid")},
    "div": lambda n, p: _over(n, p), "fabs": abs, "cube": lambda s: s * s * s,
    "pow": lambda a, b: _pow(a, b) if type(a) is float and type(b) is float else a ** b,
    "tangent": lambda d, t: 0.0 if _is_zero(d) else _scale(d, t),
    "divide": lambda a, b: a / b, "power": lambda a, b: a ** b,
    "floor": _generic("floor"), "ceil": _generic("ceil"), "trunc": _generic("trunc"),
    "rint": _generic("rint"), "digamma": _digamma, "trigamma": _trigamma,
    "hypot": _generic2(HYPOT), "copysign": _generic2(COPYSIGN),
}
assert _NESTED_VOCABULARY.keys() == VOCABULARY.keys()  # a new kernel needs its nested form


class Nested:
    """primal + tangent·ε_tag: the number a nested derivative seeds (see the module)."""

    if TYPE_CHECKING:  # x.exp() & co: made from the op spec below
        def __getattr__(self, name: str) -> Callable[[], Nested]: ...

    __slots__ = ("tag", "primal", "tangent")
    _cydiff_nested = True  # Values' and Duals' operators defer to it (`_common.operand_error`)
    tag: int
    primal: Any
    tangent: Any

    # Immutable, as Duals are: a part set afterwards could be the number itself, a cycle
    # that _real would follow for ever.
    def __new__(cls, tag: int, primal: Any, tangent: Any) -> Nested:
        number = object.__new__(cls)
        object.__setattr__(number, "tag", tag)
        object.__setattr__(number, "primal", primal)
        object.__setattr__(number, "tangent", tangent)
        return number

    def __setattr__(self, name: str, value: object) -> NoReturn:
        _common.immutable("Nested", name)

    def __delattr__(self, name: str) -> NoReturn:
        _common.immutable("Nested", name)

    def __repr__(self) -> str:
        return f"Nested(tag={self.tag}, primal={self.primal!r}, tangent={self.tangent!r})"

    __add__ = _binary(ADD, "+", _add_rule)
    __radd__ = _binary(ADD, "+", _add_rule, reflected=True)
    __sub__ = _binary(SUB, "-", _sub_rule)
    __rsub__ = _binary(SUB, "-", _sub_rule, reflected=True)
    __mul__ = _binary(MUL, "*", _mul_rule)
    __rmul__ = _binary(MUL, "*", _mul_rule, reflected=True)
    __truediv__ = _binary(DIV, "/", _div_rule)
    __rtruediv__ = _binary(DIV, "/", _div_rule, reflected=True)

    def __pow__(self, other: Any, modulo: None = None) -> Any:
        if modulo is not None:
            _common.no_modulo("Nested")
        return _binary(POW, "** or pow()", _pow_rule)(self, other)

    def __rpow__(self, other: Any, modulo: None = None) -> Any:
        if modulo is not None:
            _common.no_modulo("Nested")
        return _binary(POW, "** or pow()", _pow_rule, reflected=True)(self, other)

    def __neg__(self) -> Nested:
        return Nested(self.tag, -self.primal, _scale(-1.0, self.tangent))

    def __pos__(self) -> Nested:
        return self

    def __abs__(self) -> Nested:
        return self.abs()

    def __float__(self) -> float:
        _common.no_float(self)

    # comparisons look at the value, as Dual's and Value's do
    def _value(self) -> Any:
        p = self.primal
        return p._value() if isinstance(p, Nested) else p

    def __eq__(self, other: object) -> Any:
        return self._value() == (other._value() if isinstance(other, Nested) else other)

    def __ne__(self, other: object) -> Any:
        return self._value() != (other._value() if isinstance(other, Nested) else other)

    def __hash__(self) -> int:
        return _common.hash_of(_real(self), self)

    def __bool__(self) -> bool:
        return bool(self._value())

    def __lt__(self, other: Any) -> Any:
        return self._value() < (other._value() if isinstance(other, Nested) else other)

    def __le__(self, other: Any) -> Any:
        return self._value() <= (other._value() if isinstance(other, Nested) else other)

    def __gt__(self, other: Any) -> Any:
        return self._value() > (other._value() if isinstance(other, Nested) else other)

    def __ge__(self, other: Any) -> Any:
        return self._value() >= (other._value() if isinstance(other, Nested) else other)


# The elementary methods, from the op spec: each derivative formula on the parts.
for _op in _spec.UNARY:
    if _op.function:
        _method = _unary(_op.code, formula("x, y", _op.d, _NESTED_VOCABULARY))
        setattr(Nested, _op.name, _method)
        if _op.numpy:
            setattr(Nested, _op.numpy, _method)


# The binary functions' derivatives, from the op spec: each formula on the parts.
_DA = {op.code: formula("a, b, y", op.da, _NESTED_VOCABULARY) for op in _spec.BINARY}
_DB = {op.code: formula("a, b, y", op.db, _NESTED_VOCABULARY) for op in _spec.BINARY}


def nested_binary(op: int, a: Any, b: Any) -> Nested:
    """cydiff's binary function op (atan2, minimum, ...) of a and b, one of them Nested:
    the chain rule on the parts at the newer tag, the other a constant of it."""
    for x in (a, b):
        if _operand(x) is None:
            _common.function_argument_error(BINARY[op].name, x)
    tag = max(_tag(a), _tag(b))
    ap, at = _parts(_operand(a), tag)
    bp, bt = _parts(_operand(b), tag)
    spec = BINARY[op]
    if type(ap) is float and type(at) is float and type(bp) is float and type(bt) is float:
        y = spec.forward(ap, bp)  # the innermost layer: what a Dual computes, to the bit
        return Nested(tag, y, tangent(spec.da(ap, bp, y), at) + tangent(spec.db(ap, bp, y), bt))
    y = _apply2(op, ap, bp)
    da = 0.0 if _is_zero(at) else _scale(_DA[op](ap, bp, y), at)
    db = 0.0 if _is_zero(bt) else _scale(_DB[op](ap, bp, y), bt)
    return Nested(tag, y, _add(da, db))


def _binary_method(op: int) -> Callable[[Nested, Any], Nested]:
    def method(self: Nested, other: Any) -> Nested:
        return nested_binary(op, self, other)
    method.__name__ = BINARY[op].name
    return method


for _op2 in _spec.BINARY:
    if _op2.function:
        setattr(Nested, _op2.name, _binary_method(_op2.code))
        if _op2.numpy:
            setattr(Nested, _op2.numpy, _binary_method(_op2.code))


def nested_sum(terms: list[Any]) -> Any:
    """`cydiff.sum` of items among which are Nested numbers: added left to right."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def nested_dot(ws: list[Any], xs: list[Any]) -> Any:
    """`cydiff.dot` of items among which are Nested numbers: Σ w·x left to right."""
    total = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        total = total + w * x
    return total
