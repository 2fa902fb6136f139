"""The op spec: every op of cydiff, written once.

One entry an op: its stored code, its names, its forward value and its first and
second local derivatives. Everything else derives from this table: the pure twin's
op table (`_ops_py`, which evaluates these formulas) and its methods and functions;
the compiled twin's op table, methods and functions (generated from it at build time
by `src/codegen.py`); nested numbers (`_transforms.nested`), second order
(`_transforms.second` and the tapes' C sweep), the package's exports and the tests' op
lists.

Formulas are expressions in x and y = f(x) (a, b and y = a op b for the binary ops),
written in the small language both twins speak: Python's syntax without `/` and
`**` (whose Python and C meanings differ; `div` and `pow` are spelt out), over these
functions, which never raise (an IEEE 754 infinity or nan instead, as C's libm):

    div(a, b)  pow(a, b)  exp  log  log1p  sqrt  sin  cos  sinh  cosh  fabs
    sigmoid    cube(s) = s * s * s    tangent(d, t): d * t, but 0 where d or t is 0

`src/codegen.py` refuses any other name. A forward value is either `math`, the name
of the function of Python's `math` module (and of C's libm) that computes it, which
raises what Python raises; or `value`, a formula that never raises.

Codes are stored in pickles and tapes: a new op is appended with the next free code
and no code is ever renumbered or reused, so files written by an older cydiff keep
loading. `FORMAT` (in `_pickle`) changes only if the record layout itself changes.
"""

from __future__ import annotations

from typing import NamedTuple

# --- the codes of the ops that are not elementary functions --------------------------
LEAF, CUSTOM = 0, 1                                      # no formula
ADD, SUB, MUL, DIV, POW = 2, 3, 4, 5, 6                  # binary, both operands nodes
# binary with one operand a folded constant c: x+c, x-c, c-x, x*c, x/c, c/x, x**c, c**x
ADD_C, SUB_C, RSUB_C, MUL_C, DIV_C, RDIV_C, POW_C, RPOW_C = 7, 8, 9, 10, 11, 12, 13, 14
NEG, ABS = 15, 25                                        # unary ops behind operators
FLOOR, CEIL, TRUNC, RINT = 43, 44, 45, 46                # and behind math.floor & co
SUM, DOT = 34, 35                                        # n-ary, fused
# binary functions (cydiff.atan2(a, b) & co; folded forms from code 63 on, in FOLDED)
ATAN2, HYPOT, COPYSIGN, FMOD, MINIMUM, MAXIMUM = 51, 52, 53, 54, 55, 56
LESS, GREATER, LESS_EQUAL, GREATER_EQUAL = 57, 58, 59, 60  # 1.0 or 0.0: recorded branches
WHEN, UNLESS = 61, 62                                    # where(c, a, b)'s two halves


class Unary(NamedTuple):
    code: int
    name: str               # the method and the function (`x.exp()`, `cydiff.exp(x)`)
    d: str                  # dy/dx from x and y
    d2: str                 # d²y/dx² from x and y
    math: str = ""          # y is math.<math>(x) (libm's <math>(x), checked as CPython does)
    value: str = ""         # or y is this formula
    op: str = ""            # Value._op, where it is not the name
    numpy: str = ""         # numpy's name of the function, where it is another
    doc: str = ""           # the docstring's summary (`_docstrings` makes the rest)
    function: bool = True   # a method and a cydiff function (neg is the operator only)
    point: float = 0.3      # where the docstring's example evaluates: inside the domain


class Binary(NamedTuple):
    code: int
    name: str               # Value._op: the operator, or the function (`cydiff.atan2(a, b)`)
    value: str              # y = a op b (divide and power raise as Python's / and **)
    da: str                 # dy/da from a, b and y
    db: str                 # dy/db
    daa: str                # d²y/da²
    dab: str                # d²y/da db
    dbb: str                # d²y/db²
    math: str = ""          # or y is math.<math>(a, b), raising what it raises
    function: bool = False  # a cydiff function and a method (`x.atan2(b)`), not an operator
    numpy: str = ""         # numpy's name of the function, where it is another
    doc: str = ""


class Folded(NamedTuple):
    code: int
    binary: int             # the binary op
    left: bool              # the constant is its left operand (c - x), else its right


UNARY: tuple[Unary, ...] = (
    Unary(NEG, "neg", value="-x", d="-1.0", d2="0.0", function=False),
    Unary(16, "exp", math="exp", d="y", d2="y", doc="e ** x."),
    Unary(17, "log", math="log", d="div(1.0, x)", d2="-div(1.0, x * x)",
          doc="Natural logarithm; ValueError for x <= 0, as math.log."),
    Unary(18, "sqrt", math="sqrt", d="div(0.5, y)", d2="-div(0.25, x * y)",
          doc="Square root; ValueError for x < 0."),
    Unary(19, "sin", math="sin", d="cos(x)", d2="-y", doc="The sine of x, in radians."),
    Unary(20, "cos", math="cos", d="-sin(x)", d2="-y", doc="The cosine of x, in radians."),
    Unary(21, "tan", math="tan", d="1.0 + y * y", d2="2.0 * y * (1.0 + y * y)",
          doc="The tangent of x, in radians."),
    Unary(22, "tanh", math="tanh", d="1.0 - y * y", d2="-2.0 * y * (1.0 - y * y)",
          doc="The hyperbolic tangent."),
    # 1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|
    Unary(23, "sigmoid", value="sigmoid(x)", d="y * (1.0 - y)",
          d2="y * (1.0 - y) * (1.0 - 2.0 * y)",
          doc="1 / (1 + e**-x), computed without overflow."),
    Unary(24, "relu", value="0.0 if x <= 0.0 else x", d="1.0 if y > 0.0 else 0.0", d2="0.0",
          op="ReLU", doc="max(x, 0); relu'(0) = 0."),  # nan stays nan
    Unary(ABS, "abs", value="fabs(x)", d="1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)",
          d2="0.0", numpy="fabs", doc="The absolute value; abs'(0) = 0."),
    Unary(26, "log1p", math="log1p", d="div(1.0, 1.0 + x)",
          d2="-div(1.0, (1.0 + x) * (1.0 + x))", doc="log(1 + x), accurate for small x."),
    Unary(27, "expm1", math="expm1", d="exp(x)", d2="exp(x)",
          doc="e**x - 1, accurate for small x."),
    Unary(28, "asin", math="asin", d="div(1.0, sqrt((1.0 - x) * (1.0 + x)))",
          d2="div(x, cube(sqrt((1.0 - x) * (1.0 + x))))", numpy="arcsin",
          doc="The inverse sine, in [-pi/2, pi/2]; ValueError for abs(x) > 1, as math.asin."),
    Unary(29, "acos", math="acos", d="-div(1.0, sqrt((1.0 - x) * (1.0 + x)))",
          d2="-div(x, cube(sqrt((1.0 - x) * (1.0 + x))))", numpy="arccos",
          doc="The inverse cosine, in [0, pi]; ValueError for abs(x) > 1, as math.acos."),
    Unary(30, "atan", math="atan", d="div(1.0, 1.0 + x * x)",
          d2="div(-2.0 * x, (1.0 + x * x) * (1.0 + x * x))", numpy="arctan",
          doc="The inverse tangent, in [-pi/2, pi/2]."),
    Unary(31, "sinh", math="sinh", d="cosh(x)", d2="y",
          doc="The hyperbolic sine; OverflowError past abs(x) of about 710.48, as math.sinh."),
    Unary(32, "cosh", math="cosh", d="sinh(x)", d2="y",
          doc="The hyperbolic cosine; OverflowError past abs(x) of about 710.48, as math.cosh."),
    # log(1 + exp(x)) without overflow
    Unary(33, "softplus", value="(x if x > 0.0 else 0.0) + log1p(exp(-fabs(x)))",
          d="sigmoid(x)", d2="sigmoid(x) * (1.0 - sigmoid(x))",
          doc="log(1 + e**x), computed without overflow."),
    # erf' = 2/sqrt(pi) e**(-x²)
    Unary(36, "erf", math="erf", d="1.1283791670955126 * exp(-(x * x))",
          d2="-2.0 * x * (1.1283791670955126 * exp(-(x * x)))", doc="The error function."),
    # 1 / ln 2 and 1 / ln 10
    Unary(37, "log2", math="log2", d="div(1.4426950408889634, x)",
          d2="-div(1.4426950408889634, x * x)",
          doc="Logarithm to base 2; ValueError for x <= 0, as math.log2."),
    Unary(38, "log10", math="log10", d="div(0.4342944819032518, x)",
          d2="-div(0.4342944819032518, x * x)",
          doc="Logarithm to base 10; ValueError for x <= 0, as math.log10."),
    # 1 / sqrt(1 + x²) is 1 / |x| to the last bit where x² would overflow
    Unary(39, "asinh", math="asinh", numpy="arcsinh",
          d="div(1.0, sqrt(1.0 + x * x)) if fabs(x) < 1e150 else div(1.0, fabs(x))",
          d2="-div(x, cube(sqrt(1.0 + x * x))) if fabs(x) < 1e100 else -div(1.0, x * fabs(x))",
          doc="Inverse hyperbolic sine."),
    # (x - 1)(x + 1), not x² - 1: exact near x = 1
    Unary(40, "acosh", math="acosh", numpy="arccosh",
          d="div(1.0, sqrt((x - 1.0) * (x + 1.0))) if x < 1e150 else div(1.0, x)",
          d2="-div(x, cube(sqrt((x - 1.0) * (x + 1.0)))) if x < 1e100 else -div(1.0, x * x)",
          doc="Inverse hyperbolic cosine; ValueError for x < 1, as math.acosh.", point=1.3),
    Unary(41, "atanh", math="atanh", numpy="arctanh", d="div(1.0, (1.0 - x) * (1.0 + x))",
          d2="div(2.0 * x, ((1.0 - x) * (1.0 + x)) * ((1.0 - x) * (1.0 + x)))",
          doc="Inverse hyperbolic tangent; ValueError for abs(x) >= 1, as math.atanh."),
    Unary(42, "erfc", math="erfc", d="-1.1283791670955126 * exp(-(x * x))",
          d2="2.0 * x * (1.1283791670955126 * exp(-(x * x)))",
          doc="1 - erf(x), accurate where erf(x) is near 1."),
    # Piecewise constant: the derivative is 0 everywhere, at the steps too (as JAX and
    # PyTorch define it). C's rounding functions, as floats; inf and nan stay.
    Unary(43, "floor", value="floor(x)", d="0.0", d2="0.0",
          doc="The largest integer <= x, as a float (math.floor's value); floor' = 0."),
    Unary(44, "ceil", value="ceil(x)", d="0.0", d2="0.0",
          doc="The smallest integer >= x, as a float (math.ceil's value); ceil' = 0."),
    Unary(45, "trunc", value="trunc(x)", d="0.0", d2="0.0",
          doc="x rounded toward 0, as a float (math.trunc's value); trunc' = 0."),
    Unary(46, "rint", value="rint(x)", d="0.0", d2="0.0",
          doc="x rounded to the nearest integer, halves to even (round's value), as a "
              "float; rint' = 0."),
    Unary(47, "sign", d="0.0", d2="0.0",
          value="1.0 if x > 0.0 else (-1.0 if x < 0.0 else (0.0 if x == 0.0 else x))",
          doc="-1.0, 0.0 or 1.0 as x is negative, zero or positive; "
                                 "nan for nan; sign' = 0."),
    # ln 2 and (ln 2)²
    Unary(48, "exp2", math="exp2", d="0.6931471805599453 * y", d2="0.48045301391820144 * y",
          doc="2 ** x (math.exp2; the C library's exp2 before Python 3.11)."),
    # cbrt' = 1/(3 y²), cbrt'' = -2/(9 x y²): infinite at 0, as the slope is
    Unary(49, "cbrt", math="cbrt", d="div(1.0, 3.0 * (y * y))",
          d2="-div(2.0, 9.0 * (x * (y * y)))",
          doc="The real cube root (math.cbrt; the C library's cbrt before Python 3.11)."),
    # lgamma' is the digamma function ψ, lgamma'' the trigamma function ψ₁ (_gamma_py)
    Unary(50, "lgamma", math="lgamma", d="digamma(x)", d2="trigamma(x)",
          doc="log(abs(Γ(x))); ValueError at 0 and the negative integers, as math.lgamma."),
    # codes 51-84 are the binary functions' (below)
    Unary(85, "square", value="x * x", d="2.0 * x", d2="2.0", doc="x * x, one node."),
    # 1.0 / x as Python divides (ZeroDivisionError at 0): math lacks it, _common has it.
    # The derivatives are those of the division 1.0 / x, to the bit
    Unary(86, "reciprocal", math="reciprocal", d="-div(y, x)", d2="div(2.0 * y, x * x)",
          doc="1.0 / x, one node (ZeroDivisionError at 0, as 1.0 / x)."),
)

# The conventions of the first derivatives hold in the second: d/da a**b = 0 at b == 0
# (x**0 is constant), d/db a**b = 0 at a == 0 < b, and so are their derivatives (0 at
# b == 1 too: x**1 is x).
BINARY: tuple[Binary, ...] = (
    Binary(ADD, "+", "a + b", da="1.0", db="1.0", daa="0.0", dab="0.0", dbb="0.0"),
    Binary(SUB, "-", "a - b", da="1.0", db="-1.0", daa="0.0", dab="0.0", dbb="0.0"),
    Binary(MUL, "*", "a * b", da="b", db="a", daa="0.0", dab="1.0", dbb="0.0"),
    Binary(DIV, "/", "divide(a, b)", da="div(1.0, b)", db="-div(y, b)", daa="0.0",
           dab="-div(1.0, b * b)", dbb="div(2.0 * y, b * b)"),
    Binary(POW, "**", "power(a, b)",
           da="0.0 if b == 0.0 else b * pow(a, b - 1.0)",
           db="0.0 if a == 0.0 and b > 0.0 else y * log(a)",
           daa="0.0 if b == 0.0 or b == 1.0 else b * (b - 1.0) * pow(a, b - 2.0)",
           dab="0.0 if a == 0.0 and b > 0.0 else tangent(pow(a, b - 1.0), 1.0 + b * log(a))",
           dbb="0.0 if a == 0.0 and b > 0.0 else tangent(y, log(a) * log(a))"),
    # atan2' through r = hypot(a, b) (libm's: no overflow of a² + b²): d/da = b/r², d/db =
    # -a/r²; nan at the origin, where atan2 jumps
    Binary(ATAN2, "atan2", "", math="atan2", function=True, numpy="arctan2",
           da="div(div(b, hypot(a, b)), hypot(a, b))",
           db="-div(div(a, hypot(a, b)), hypot(a, b))",
           daa="-2.0 * div(div(a, hypot(a, b)) * div(b, hypot(a, b)), hypot(a, b) * hypot(a, b))",
           dab="div((div(a, hypot(a, b)) - div(b, hypot(a, b))) * "
               "(div(a, hypot(a, b)) + div(b, hypot(a, b))), hypot(a, b) * hypot(a, b))",
           dbb="2.0 * div(div(a, hypot(a, b)) * div(b, hypot(a, b)), hypot(a, b) * hypot(a, b))",
           doc="The angle of the point (b, a), in [-pi, pi] (math.atan2(a, b))."),
    # hypot' = a/y, b/y; 0 at the origin, as abs'(0)
    Binary(HYPOT, "hypot", "", math="hypot", function=True,
           da="0.0 if y == 0.0 else div(a, y)", db="0.0 if y == 0.0 else div(b, y)",
           daa="0.0 if y == 0.0 else div(div(b, y) * div(b, y), y)",
           dab="0.0 if y == 0.0 else -div(div(a, y) * div(b, y), y)",
           dbb="0.0 if y == 0.0 else div(div(a, y) * div(a, y), y)",
           doc="sqrt(a*a + b*b) without overflow (math.hypot); hypot' = 0 at the origin."),
    # |a| with b's sign: d/da is sign(a) (0 at a == 0, as abs) times b's sign. A nan's sign
    # is not portable (libm's and CPython's nans differ in it), so a nan b reads as positive
    Binary(COPYSIGN, "copysign", "copysign(a, b) if b == b else fabs(a)", function=True,
           da="(1.0 if a > 0.0 else (-1.0 if a < 0.0 else 0.0)) * "
              "(copysign(1.0, b) if b == b else 1.0)",
           db="0.0", daa="0.0", dab="0.0", dbb="0.0",
           doc="abs(a) with the sign of b (math.copysign), abs(a) where b is nan; d/db = 0."),
    # a - n b with n = trunc(a / b), the exact integer (a - y) / b, not the rounded a / b
    Binary(FMOD, "fmod", "", math="fmod", function=True,
           da="1.0", db="-rint(div(a - y, b))", daa="0.0", dab="0.0", dbb="0.0",
           doc="The remainder of a / b, with a's sign (math.fmod; ValueError at b == 0)."),
    # numpy's: nan if either is nan, b at a tie (minimum(0.0, -0.0) is -0.0); a tie's
    # derivative is shared, half each (as JAX and PyTorch)
    Binary(MINIMUM, "minimum", "a if a < b or a != a else b", function=True,
           da="0.5 if a == b else (1.0 if a < b or a != a else 0.0)",
           db="0.5 if a == b else (0.0 if a < b or a != a else 1.0)",
           daa="0.0", dab="0.0", dbb="0.0",
           doc="The smaller of a and b (numpy's minimum); a tie shares the derivative."),
    Binary(MAXIMUM, "maximum", "a if a > b or a != a else b", function=True,
           da="0.5 if a == b else (1.0 if a > b or a != a else 0.0)",
           db="0.5 if a == b else (0.0 if a > b or a != a else 1.0)",
           daa="0.0", dab="0.0", dbb="0.0",
           doc="The larger of a and b (numpy's maximum); a tie shares the derivative."),
    # Comparisons as numbers: a condition built of them is a node, which tapes replay
    *(Binary(code, name, f"1.0 if a {symbol} b else 0.0", function=True,
             da="0.0", db="0.0", daa="0.0", dab="0.0", dbb="0.0",
             doc=f"1.0 if a {symbol} b else 0.0, a number that records the test (derivative 0).")
      for code, name, symbol in ((LESS, "less", "<"), (GREATER, "greater", ">"),
                                 (LESS_EQUAL, "less_equal", "<="),
                                 (GREATER_EQUAL, "greater_equal", ">="))),
    # where(c, a, b) is when(c, a) + unless(c, b): the half not taken is -0.0, and
    # x + -0.0 is x to the bit (-0.0 too), so neither an inf nor a nan of the branch not
    # taken reaches the value or the derivative
    Binary(WHEN, "when", "b if a != 0.0 else -0.0",
           da="0.0", db="1.0 if a != 0.0 else 0.0", daa="0.0", dab="0.0", dbb="0.0"),
    Binary(UNLESS, "unless", "-0.0 if a != 0.0 else b",
           da="0.0", db="0.0 if a != 0.0 else 1.0", daa="0.0", dab="0.0", dbb="0.0"),
)

# x + c and c + x are the same IEEE sum (likewise *): they share ADD_C and MUL_C.
FOLDED: tuple[Folded, ...] = (
    Folded(ADD_C, ADD, False), Folded(SUB_C, SUB, False), Folded(RSUB_C, SUB, True),
    Folded(MUL_C, MUL, False), Folded(DIV_C, DIV, False), Folded(RDIV_C, DIV, True),
    Folded(POW_C, POW, False), Folded(RPOW_C, POW, True),
    # the binary functions': the constant on the right from 63, on the left from 75 (a
    # where's condition is never a constant: a plain bool picks a branch there and then)
    *(Folded(63 + i, op, False) for i, op in enumerate(range(ATAN2, UNLESS + 1))),
    *(Folded(75 + i, op, True) for i, op in enumerate(range(ATAN2, GREATER_EQUAL + 1))),
)

N_OPS = 1 + max(SUM, DOT, *(op.code for ops in (UNARY, BINARY, FOLDED) for op in ops))
FUNCTIONS = tuple(op.name for op in UNARY if op.function)   # cydiff.exp & co, methods too
ALIASES = {op.numpy: op.name for op in UNARY if op.numpy}   # numpy's names, methods too
BINARY_FUNCTIONS = tuple(op.name for op in BINARY if op.function)  # cydiff.atan2(a, b) & co
BINARY_ALIASES = {op.numpy: op.name for op in BINARY if op.numpy}
# what each twin's functions module gives by the spec: cydiff.exp & co, numpy's names for
# them (cydiff.arcsinh), the binary functions and clip and where, built of them
EXPORTED = (*FUNCTIONS, *ALIASES, *BINARY_FUNCTIONS, *BINARY_ALIASES, "clip", "where")


def op_name(op: Unary) -> str:
    """Value._op of a node of the unary op."""
    return op.op or op.name
