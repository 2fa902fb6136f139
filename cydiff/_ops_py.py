"""The op table of the pure twin: the op spec's formulas as Python functions.

`_spec` writes every op once: its code, its forward value and its local
derivatives, as expressions over a few functions that never raise. This module
gives those functions (IEEE 754 versions of the operations Python makes raise)
and evaluates the spec's expressions into the pure twin's table. Forward values
follow Python's `float` and `math` (and raise what they raise); local
derivatives never raise. Forward mode multiplies a local derivative by the
incoming tangent, reverse mode by the outgoing gradient: one formula serves both.

The compiled twin's table (`src/cydiff/_ops_c.pxd`) is generated from the same
spec by `src/codegen.py`, with `src/cydiff/_kernels_c.pxd` the C versions of the
functions below: the same formula, evaluated in the same order, gives the same bits.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, NamedTuple, cast

from . import _spec
from ._common import NEGATIVE_FRACTIONAL_POWER, math_function
from ._gamma_py import digamma, trigamma
from ._libm import c_hypot
from ._spec import ADD, CUSTOM, DOT, LEAF, MUL, SUM

inf = math.inf
nan = math.nan

# A folded op is its binary op with the constant on one side.
RIGHT, LEFT = 0, 1
FOLDED: dict[int, tuple[int, int]] = {
    op.code: (op.binary, LEFT if op.left else RIGHT) for op in _spec.FOLDED}


# --- IEEE 754 versions of the operations Python makes raise --------------------
# Local derivatives must never raise (sqrt'(0) is inf, not ZeroDivisionError),
# so they use these. The compiled twin gets the same values straight from C.

def _div(a: float, b: float) -> float:
    """a / b as IEEE 754 divides: a nonzero number over zero is a signed infinity."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return nan
    return math.copysign(inf, a) * math.copysign(1.0, b)


def _is_odd(b: float) -> bool:
    """Whether the finite float b is an odd integer (CPython's test)."""
    return math.fmod(abs(b), 2.0) == 1.0


def _is_complex(a: float, b: float) -> bool:
    """Whether Python's float a ** b is a complex number: a negative base to a fraction."""
    return a < 0.0 and math.isfinite(a) and math.isfinite(b) and b != math.floor(b)


def _pow(a: float, b: float) -> float:
    """a ** b as C's pow() computes it: an infinity or nan where Python raises."""
    if _is_complex(a, b):  # before Python's complex power, which can overflow too
        return nan
    try:
        r: float = a ** b
    except ZeroDivisionError:  # 0.0 ** negative
        return math.copysign(inf, a) if _is_odd(b) else inf
    except OverflowError:
        return -inf if a < 0.0 and _is_odd(b) else inf
    return r


def _log(x: float) -> float:
    return math.log(x) if x > 0.0 else (-inf if x == 0.0 else nan)


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0.0 else nan


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return inf


def _sin(x: float) -> float:
    try:
        return math.sin(x)
    except ValueError:  # sin(inf)
        return nan


def _cos(x: float) -> float:
    try:
        return math.cos(x)
    except ValueError:  # cos(inf)
        return nan


def _sinh(x: float) -> float:
    try:
        return math.sinh(x)
    except OverflowError:
        return math.copysign(inf, x)


# C's rounding functions: floats, with the sign of x (ceil(-0.5) is -0.0), and inf and
# nan as they are; Python's give ints, and raise there.

def _floor(x: float) -> float:
    return math.copysign(float(math.floor(x)), x) if math.isfinite(x) else x


def _ceil(x: float) -> float:
    return math.copysign(float(math.ceil(x)), x) if math.isfinite(x) else x


def _trunc(x: float) -> float:
    return math.copysign(float(math.trunc(x)), x) if math.isfinite(x) else x


def _rint(x: float) -> float:
    """Halves to even, as round() and C's rint in its default rounding mode."""
    return math.copysign(float(round(x)), x) if math.isfinite(x) else x


def _cosh(x: float) -> float:
    try:
        return math.cosh(x)
    except OverflowError:
        return inf


# --- forward formulas that are not a single call of Python's -----------------

def power(a: float, b: float) -> float:
    """Python's float a ** b, except that a negative base to a fractional power
    raises ValueError instead of returning a complex number."""
    if _is_complex(a, b):
        raise ValueError(NEGATIVE_FRACTIONAL_POWER)
    result: float = a ** b  # a float: the complex case was ruled out
    return result


def sigmoid(x: float) -> float:
    """1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def tangent(d: float, dx: float) -> float:
    """The chain rule's product of a local derivative d and a tangent (or gradient) dx.

    An exact zero is a strong zero: 0 * inf and 0 * nan are 0, not nan. A zero
    tangent means the node does not depend on the input, a zero derivative
    that the output does not depend on the node (a dead relu, a product with
    the constant 0): either way nothing flows, and a path that does not
    influence the result never turns a derivative into nan.
    """
    return 0.0 if d == 0.0 or dx == 0.0 else d * dx


def _log1p(x: float) -> float:
    return math.log1p(x) if x > -1.0 else (-inf if x == -1.0 else nan)


def cube(s: float) -> float:
    return s * s * s


def divide(a: float, b: float) -> float:
    """Python's float a / b (ZeroDivisionError at b == 0)."""
    return a / b


# The functions the spec's formulas call, by the names they call them.
VOCABULARY: dict[str, Callable[..., float]] = {
    "div": _div, "pow": _pow, "exp": _exp, "log": _log, "log1p": _log1p, "sqrt": _sqrt,
    "sin": _sin, "cos": _cos, "sinh": _sinh, "cosh": _cosh, "sigmoid": sigmoid,
    "fabs": cast("Callable[..., float]", abs),  # (abs is generic: a type checker asks)
    "cube": cube, "tangent": tangent, "divide": divide, "power": power,
    "floor": _floor, "ceil": _ceil, "trunc": _trunc, "rint": _rint,
    "digamma": digamma, "trigamma": trigamma, "hypot": c_hypot, "copysign": math.copysign,
}


def formula(args: str, expression: str, vocabulary: dict[str, Any] = VOCABULARY) -> Any:
    """A spec expression as a Python function of args (a call of one of the vocabulary's
    functions on x is that function itself)."""
    call = re.fullmatch(r"(\w+)\(x\)", expression)
    if args == "x" and call and call[1] in vocabulary:
        return vocabulary[call[1]]
    return eval(f"lambda {args}: {expression}", dict(vocabulary))  # noqa: S307  the spec's own


# --- the table ---------------------------------------------------------------

class Unary(NamedTuple):
    name: str                                # Value._op
    forward: Callable[[float], float]        # y = f(x); raises as Python does
    deriv: Callable[[float, float], float]   # dy/dx from x and y; never raises
    deriv2: Callable[[float, float], float]  # d²y/dx² from x and y; never raises
    method: str                              # the method's name


class Binary(NamedTuple):
    name: str
    forward: Callable[[float, float], float]            # y = f(a, b)
    da: Callable[[float, float, float], float]          # dy/da from a, b, y
    db: Callable[[float, float, float], float]          # dy/db from a, b, y
    daa: Callable[[float, float, float], float]         # d²y/da²
    dab: Callable[[float, float, float], float]         # d²y/da db
    dbb: Callable[[float, float, float], float]         # d²y/db²


UNARY: dict[int, Unary] = {
    op.code: Unary(_spec.op_name(op),
                   math_function(op.math) if op.math else formula("x", op.value),
                   formula("x, y", op.d), formula("x, y", op.d2), op.name)
    for op in _spec.UNARY
}

BINARY: dict[int, Binary] = {
    op.code: Binary(op.name, getattr(math, op.math) if op.math else formula("a, b", op.value),
                    *(formula("a, b, y", e) for e in (op.da, op.db, op.daa, op.dab, op.dbb)))
    for op in _spec.BINARY
}

# The folded op code of each binary op, for a constant on its right or its left.
FOLD_RIGHT = {op.binary: op.code for op in _spec.FOLDED if not op.left}
# x + c and c + x are the same IEEE sum (likewise *): ADD_C and MUL_C serve both sides.
FOLD_LEFT = {op.binary: op.code for op in _spec.FOLDED if op.left or op.binary in (ADD, MUL)}

# the unary op of each method name (numpy's names too), and the binary function's
CODES: dict[str, int] = {op.name: op.code for op in _spec.UNARY}
CODES.update({alias: CODES[name] for alias, name in _spec.ALIASES.items()})
BINARY_CODES: dict[str, int] = {op.name: op.code for op in _spec.BINARY if op.function}
BINARY_CODES.update({alias: BINARY_CODES[name] for alias, name in _spec.BINARY_ALIASES.items()})

OP_NAMES: dict[int, str] = {
    LEAF: "", CUSTOM: "", SUM: "sum", DOT: "dot",
    **{op: spec.name for op, spec in UNARY.items()},
    **{op: spec.name for op, spec in BINARY.items()},
    **{op: BINARY[kind].name for op, (kind, _) in FOLDED.items()},
}
