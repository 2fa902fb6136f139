"""The op table of the pure twin: op codes, forward formulas, local derivatives.

Every op of `Dual` and `Value` is written here once: its forward value, which
follows Python's `float` and `math` (and raises what they raise), and its local
derivative, which never raises (IEEE 754 arithmetic decides). Forward mode
multiplies a local derivative by the incoming tangent, reverse mode by the
outgoing gradient: one formula serves both.

`src/cydiff/_ops_c.pxd` is the compiled twin of this file, in the same order.
Keep the two side by side: the same formula, evaluated in the same order, gives
the same bits.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

from ._common import NEGATIVE_FRACTIONAL_POWER

inf = math.inf
nan = math.nan

# --- op codes (shared with the compiled twin; a test checks they agree) ------
LEAF, CUSTOM = 0, 1
# binary, both operands nodes
ADD, SUB, MUL, DIV, POW = 2, 3, 4, 5, 6
# binary with one operand a folded constant c: x+c, x-c, c-x, x*c, x/c, c/x, x**c, c**x
ADD_C, SUB_C, RSUB_C, MUL_C, DIV_C, RDIV_C, POW_C, RPOW_C = 7, 8, 9, 10, 11, 12, 13, 14
# unary
NEG, EXP, LOG, SQRT, SIN, COS, TAN, TANH, SIGMOID, RELU = 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
ABS, LOG1P, EXPM1, ASIN, ACOS, ATAN, SINH, COSH, SOFTPLUS = 25, 26, 27, 28, 29, 30, 31, 32, 33
# n-ary, fused
SUM, DOT = 34, 35

# A folded op is its binary op with the constant on one side.
RIGHT, LEFT = 0, 1
FOLDED: dict[int, tuple[int, int]] = {
    ADD_C: (ADD, RIGHT), SUB_C: (SUB, RIGHT), RSUB_C: (SUB, LEFT), MUL_C: (MUL, RIGHT),
    DIV_C: (DIV, RIGHT), RDIV_C: (DIV, LEFT), POW_C: (POW, RIGHT), RPOW_C: (POW, LEFT),
}


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


def relu(x: float) -> float:
    return 0.0 if x <= 0.0 else x  # nan stays nan


def softplus(x: float) -> float:
    """log(1 + exp(x)) without overflow."""
    return (x if x > 0.0 else 0.0) + math.log1p(math.exp(-abs(x)))


# --- the table ---------------------------------------------------------------

class Unary(NamedTuple):
    name: str                                # Value._op
    forward: Callable[[float], float]        # y = f(x); raises as Python does
    deriv: Callable[[float, float], float]   # dy/dx from x and y; never raises


class Binary(NamedTuple):
    name: str
    forward: Callable[[float, float], float]            # y = f(a, b)
    da: Callable[[float, float, float], float]          # dy/da from a, b, y
    db: Callable[[float, float, float], float]          # dy/db from a, b, y


UNARY: dict[int, Unary] = {
    NEG:      Unary("neg",      lambda x: -x,   lambda x, y: -1.0),
    EXP:      Unary("exp",      math.exp,       lambda x, y: y),
    LOG:      Unary("log",      math.log,       lambda x, y: _div(1.0, x)),
    SQRT:     Unary("sqrt",     math.sqrt,      lambda x, y: _div(0.5, y)),
    SIN:      Unary("sin",      math.sin,       lambda x, y: _cos(x)),
    COS:      Unary("cos",      math.cos,       lambda x, y: -_sin(x)),
    TAN:      Unary("tan",      math.tan,       lambda x, y: 1.0 + y * y),
    TANH:     Unary("tanh",     math.tanh,      lambda x, y: 1.0 - y * y),
    SIGMOID:  Unary("sigmoid",  sigmoid,        lambda x, y: y * (1.0 - y)),
    RELU:     Unary("ReLU",     relu,           lambda x, y: 1.0 if y > 0.0 else 0.0),
    ABS:      Unary("abs",      abs,            lambda x, y: 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)),
    LOG1P:    Unary("log1p",    math.log1p,     lambda x, y: _div(1.0, 1.0 + x)),
    EXPM1:    Unary("expm1",    math.expm1,     lambda x, y: _exp(x)),
    ASIN:     Unary("asin",     math.asin,      lambda x, y: _div(1.0, _sqrt((1.0 - x) * (1.0 + x)))),
    ACOS:     Unary("acos",     math.acos,      lambda x, y: -_div(1.0, _sqrt((1.0 - x) * (1.0 + x)))),
    ATAN:     Unary("atan",     math.atan,      lambda x, y: _div(1.0, 1.0 + x * x)),
    SINH:     Unary("sinh",     math.sinh,      lambda x, y: _cosh(x)),
    COSH:     Unary("cosh",     math.cosh,      lambda x, y: _sinh(x)),
    SOFTPLUS: Unary("softplus", softplus,       lambda x, y: sigmoid(x)),
}

BINARY: dict[int, Binary] = {
    ADD: Binary("+",  lambda a, b: a + b, lambda a, b, y: 1.0, lambda a, b, y: 1.0),
    SUB: Binary("-",  lambda a, b: a - b, lambda a, b, y: 1.0, lambda a, b, y: -1.0),
    MUL: Binary("*",  lambda a, b: a * b, lambda a, b, y: b,   lambda a, b, y: a),
    DIV: Binary("/",  lambda a, b: a / b, lambda a, b, y: _div(1.0, b), lambda a, b, y: -_div(y, b)),
    # d/da a**b = 0 at b == 0 (x**0 is constant); d/db a**b = 0 at a == 0 < b.
    POW: Binary("**", power,
                lambda a, b, y: 0.0 if b == 0.0 else b * _pow(a, b - 1.0),
                lambda a, b, y: 0.0 if a == 0.0 and b > 0.0 else y * _log(a)),
}

# The folded op code of each binary op, for a constant on its right or its left.
# x + c and c + x are the same IEEE sum (likewise *), so they share ADD_C and MUL_C.
FOLD_RIGHT = {ADD: ADD_C, SUB: SUB_C, MUL: MUL_C, DIV: DIV_C, POW: POW_C}
FOLD_LEFT = {ADD: ADD_C, SUB: RSUB_C, MUL: MUL_C, DIV: RDIV_C, POW: RPOW_C}

OP_NAMES: dict[int, str] = {
    LEAF: "", CUSTOM: "", SUM: "sum", DOT: "dot",
    **{op: spec.name for op, spec in UNARY.items()},
    **{op: spec.name for op, spec in BINARY.items()},
    **{op: BINARY[kind].name for op, (kind, _) in FOLDED.items()},
}


def tangent(d: float, dx: float) -> float:
    """The chain rule's product of a local derivative d and a tangent (or gradient) dx.

    An exact zero is a strong zero: 0 * inf and 0 * nan are 0, not nan. A zero
    tangent means the node does not depend on the input, a zero derivative
    that the output does not depend on the node (a dead relu, a product with
    the constant 0): either way nothing flows, and a path that does not
    influence the result never turns a derivative into nan.
    """
    return 0.0 if d == 0.0 or dx == 0.0 else d * dx
