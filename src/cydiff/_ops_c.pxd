# cython: language_level=3
"""The op table of the compiled twin: op codes, forward formulas, local derivatives.

The twin of `cydiff/_ops_py.py`, in the same order: read the two side by side.
Forward values follow Python's `float` and `math`; where Python raises, the C
code detects it and calls Python itself (`cydiff._common`), so the exception,
message included, is Python's own. Local derivatives never raise: libm already
returns IEEE 754 infinities and nans, which the pure twin reproduces.

Header only: everything here is inline, so a switch on a constant op folds away.
"""

from libc.errno cimport ERANGE, errno
from libc.math cimport (
    INFINITY, NAN, acos, asin, atan, copysign, cos, cosh, exp, expm1, fabs, floor, fmod,
    isfinite, isinf, isnan, log, log1p, pow, sin, sinh, sqrt, tan, tanh,
)

# --- op codes (the same numbers as _ops_py) ----------------------------------
cdef enum:
    LEAF = 0
    CUSTOM = 1
    # binary, both operands nodes
    ADD = 2
    SUB = 3
    MUL = 4
    DIV = 5
    POW = 6
    # binary with one operand a folded constant c: x+c, x-c, c-x, x*c, x/c, c/x, x**c, c**x
    ADD_C = 7
    SUB_C = 8
    RSUB_C = 9
    MUL_C = 10
    DIV_C = 11
    RDIV_C = 12
    POW_C = 13
    RPOW_C = 14
    # unary
    NEG = 15
    EXP = 16
    LOG = 17
    SQRT = 18
    SIN = 19
    COS = 20
    TAN = 21
    TANH = 22
    SIGMOID = 23
    RELU = 24
    ABS = 25
    LOG1P = 26
    EXPM1 = 27
    ASIN = 28
    ACOS = 29
    ATAN = 30
    SINH = 31
    COSH = 32
    SOFTPLUS = 33
    # n-ary, fused
    SUM = 34
    DOT = 35
    N_OPS = 36

# A folded op is its binary op with the constant on one side.
cdef inline int folded_kind(int op) noexcept nogil:
    if op == ADD_C: return ADD
    if op == SUB_C or op == RSUB_C: return SUB
    if op == MUL_C: return MUL
    if op == DIV_C or op == RDIV_C: return DIV
    return POW

cdef inline bint constant_left(int op) noexcept nogil:
    return op == RSUB_C or op == RDIV_C or op == RPOW_C

# The folded op code of each binary op, for a constant on its right or its left.
# x + c and c + x are the same IEEE sum (likewise *), so they share ADD_C and MUL_C.
cdef inline int fold_right(int op) noexcept nogil:
    if op == ADD: return ADD_C
    if op == SUB: return SUB_C
    if op == MUL: return MUL_C
    if op == DIV: return DIV_C
    return POW_C

cdef inline int fold_left(int op) noexcept nogil:
    if op == ADD: return ADD_C
    if op == SUB: return RSUB_C
    if op == MUL: return MUL_C
    if op == DIV: return RDIV_C
    return RPOW_C

cdef inline bint is_unary(int op) noexcept nogil:
    return NEG <= op <= SOFTPLUS

cdef inline bint is_binary(int op) noexcept nogil:
    return ADD <= op <= POW

cdef inline bint is_folded(int op) noexcept nogil:
    return ADD_C <= op <= RPOW_C

cdef inline str op_name(int op):
    """Value._op of a node with this op code (the pure twin's OP_NAMES)."""
    if op == ADD or op == ADD_C: return "+"
    if op == SUB or op == SUB_C or op == RSUB_C: return "-"
    if op == MUL or op == MUL_C: return "*"
    if op == DIV or op == DIV_C or op == RDIV_C: return "/"
    if op == POW or op == POW_C or op == RPOW_C: return "**"
    if op == NEG: return "neg"
    if op == EXP: return "exp"
    if op == LOG: return "log"
    if op == SQRT: return "sqrt"
    if op == SIN: return "sin"
    if op == COS: return "cos"
    if op == TAN: return "tan"
    if op == TANH: return "tanh"
    if op == SIGMOID: return "sigmoid"
    if op == RELU: return "ReLU"
    if op == ABS: return "abs"
    if op == LOG1P: return "log1p"
    if op == EXPM1: return "expm1"
    if op == ASIN: return "asin"
    if op == ACOS: return "acos"
    if op == ATAN: return "atan"
    if op == SINH: return "sinh"
    if op == COSH: return "cosh"
    if op == SOFTPLUS: return "softplus"
    if op == SUM: return "sum"
    if op == DOT: return "dot"
    return ""


# --- out of line, in _ops_c.pyx: the cold paths and CPython's float_pow ----------
# (Kept out of the inline formulas below, so those stay small enough for the C
# compiler to inline them and fold their switch on a constant op.)

cdef enum:
    POW_OK = 0
    POW_ZERO_DIVISION = 1   # 0.0 ** negative (and, for binary_value, x / 0.0)
    POW_COMPLEX = 2         # negative ** fraction
    POW_RANGE = 3           # overflow

cdef double py_math(str name, double x) except? -1.0   # Python's math.<name>(x)
cdef double py_div(double a, double b) except? -1.0    # Python's a / b
cdef double power(double a, double b) except? -1.0     # Python's a ** b, never complex
cdef double pow_core(double a, double b, int *err) noexcept nogil
cdef double ieee_pow(double a, double b) noexcept nogil


cdef inline double math1(str name, double r, double x) except? -1.0:
    """r = f(x) from libm, checked as CPython's math module checks it."""
    if (isnan(r) and not isnan(x)) or (isinf(r) and isfinite(x)):
        return py_math(name, x)
    return r


# --- IEEE 754 versions of the operations Python makes raise --------------------

cdef inline double ieee_div(double a, double b) noexcept nogil:
    """a / b as IEEE 754 divides: a nonzero number over zero is a signed infinity."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return NAN
    return copysign(INFINITY, a) * copysign(1.0, b)

cdef inline bint is_odd(double b) noexcept nogil:
    """Whether the finite double b is an odd integer (CPython's test)."""
    return fmod(fabs(b), 2.0) == 1.0

cdef inline double ieee_log(double x) noexcept nogil:
    return log(x) if x > 0.0 else (-INFINITY if x == 0.0 else NAN)

cdef inline double ieee_sqrt(double x) noexcept nogil:
    return sqrt(x) if x >= 0.0 else NAN

# exp, sin, cos, sinh and cosh of libm already return inf or nan where
# Python's math raises: the pure twin's _exp, _sin, ... give those values.


# --- forward formulas that are not a single call of Python's -----------------

cdef inline double sigmoid(double x) noexcept nogil:
    """1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|."""
    cdef double z
    if x >= 0.0:
        return 1.0 / (1.0 + exp(-x))
    z = exp(x)
    return z / (1.0 + z)

cdef inline double relu(double x) noexcept nogil:
    return 0.0 if x <= 0.0 else x  # nan stays nan

cdef inline double softplus(double x) noexcept nogil:
    """log(1 + exp(x)) without overflow."""
    return (x if x > 0.0 else 0.0) + log1p(exp(-fabs(x)))


# --- the table ---------------------------------------------------------------

cdef inline double unary_value(int op, double x) noexcept nogil:
    """y = f(x) from libm, for the tape's replay without the GIL: unary_forward's value
    wherever asks_python is false. (unary_forward spells out the same calls, checked
    branch by branch: calling this from it measured Value's forward 6% slower, as GCC
    then inlined less into each Value method.)"""
    if op == NEG:
        return -x
    elif op == EXP:
        return exp(x)
    elif op == LOG:
        return log(x)
    elif op == SQRT:
        return sqrt(x)
    elif op == SIN:
        return sin(x)
    elif op == COS:
        return cos(x)
    elif op == TAN:
        return tan(x)
    elif op == TANH:
        return tanh(x)
    elif op == SIGMOID:
        return sigmoid(x)
    elif op == RELU:
        return relu(x)
    elif op == ABS:
        return fabs(x)
    elif op == LOG1P:
        return log1p(x)
    elif op == EXPM1:
        return expm1(x)
    elif op == ASIN:
        return asin(x)
    elif op == ACOS:
        return acos(x)
    elif op == ATAN:
        return atan(x)
    elif op == SINH:
        return sinh(x)
    elif op == COSH:
        return cosh(x)
    else:  # SOFTPLUS
        return softplus(x)

cdef inline bint asks_python(int op, double x, double y) noexcept nogil:
    """Whether y = unary_value(op, x) is where CPython's math module may raise or answer
    otherwise: its own test, a nan from a non-nan or an infinity from a finite number.
    (Our formulas -x, sigmoid, relu, abs and softplus never meet it.)"""
    if op == NEG or op == SIGMOID or op == RELU or op == ABS or op == SOFTPLUS:
        return False
    return (isnan(y) and not isnan(x)) or (isinf(y) and isfinite(x))

cdef inline double unary_forward(int op, double x) except? -1.0:
    """y = f(x); raises as Python does."""
    if op == NEG:
        return -x
    elif op == EXP:
        return math1("exp", exp(x), x)
    elif op == LOG:
        return math1("log", log(x), x)
    elif op == SQRT:
        return math1("sqrt", sqrt(x), x)
    elif op == SIN:
        return math1("sin", sin(x), x)
    elif op == COS:
        return math1("cos", cos(x), x)
    elif op == TAN:
        return math1("tan", tan(x), x)
    elif op == TANH:
        return math1("tanh", tanh(x), x)
    elif op == SIGMOID:
        return sigmoid(x)
    elif op == RELU:
        return relu(x)
    elif op == ABS:
        return fabs(x)
    elif op == LOG1P:
        return math1("log1p", log1p(x), x)
    elif op == EXPM1:
        return math1("expm1", expm1(x), x)
    elif op == ASIN:
        return math1("asin", asin(x), x)
    elif op == ACOS:
        return math1("acos", acos(x), x)
    elif op == ATAN:
        return math1("atan", atan(x), x)
    elif op == SINH:
        return math1("sinh", sinh(x), x)
    elif op == COSH:
        return math1("cosh", cosh(x), x)
    else:  # SOFTPLUS
        return softplus(x)

cdef inline double unary_deriv(int op, double x, double y) noexcept nogil:
    """dy/dx from x and y; never raises."""
    if op == NEG:
        return -1.0
    elif op == EXP:
        return y
    elif op == LOG:
        return ieee_div(1.0, x)
    elif op == SQRT:
        return ieee_div(0.5, y)
    elif op == SIN:
        return cos(x)
    elif op == COS:
        return -sin(x)
    elif op == TAN:
        return 1.0 + y * y
    elif op == TANH:
        return 1.0 - y * y
    elif op == SIGMOID:
        return y * (1.0 - y)
    elif op == RELU:
        return 1.0 if y > 0.0 else 0.0
    elif op == ABS:
        return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
    elif op == LOG1P:
        return ieee_div(1.0, 1.0 + x)
    elif op == EXPM1:
        return exp(x)
    elif op == ASIN:
        return ieee_div(1.0, ieee_sqrt((1.0 - x) * (1.0 + x)))
    elif op == ACOS:
        return -ieee_div(1.0, ieee_sqrt((1.0 - x) * (1.0 + x)))
    elif op == ATAN:
        return ieee_div(1.0, 1.0 + x * x)
    elif op == SINH:
        return cosh(x)
    elif op == COSH:
        return sinh(x)
    else:  # SOFTPLUS
        return sigmoid(x)

cdef inline double binary_value(int op, double a, double b, int *err) noexcept nogil:
    """y = f(a, b) in C, for the tape's replay without the GIL: binary_forward's value
    unless *err is set, where Python raises or answers otherwise (x / 0.0, float_pow's
    errors) and the replay asks binary_forward. (Spelt out apart, as unary_value is.)"""
    if op == ADD:
        return a + b
    elif op == SUB:
        return a - b
    elif op == MUL:
        return a * b
    elif op == DIV:
        if b == 0.0:
            err[0] = POW_ZERO_DIVISION
        return ieee_div(a, b)
    else:  # POW
        return pow_core(a, b, err)

cdef inline double binary_forward(int op, double a, double b) except? -1.0:
    """y = f(a, b); raises as Python does."""
    if op == ADD:
        return a + b
    elif op == SUB:
        return a - b
    elif op == MUL:
        return a * b
    elif op == DIV:
        if b == 0.0:
            return py_div(a, b)
        return ieee_div(a, b)
    else:  # POW
        return power(a, b)

cdef inline double binary_da(int op, double a, double b, double y) noexcept nogil:
    """dy/da from a, b and y; never raises."""
    if op == ADD or op == SUB:
        return 1.0
    elif op == MUL:
        return b
    elif op == DIV:
        return ieee_div(1.0, b)
    else:  # POW: d/da a**b = 0 at b == 0 (x**0 is constant)
        return 0.0 if b == 0.0 else b * ieee_pow(a, b - 1.0)

cdef inline double binary_db(int op, double a, double b, double y) noexcept nogil:
    """dy/db from a, b and y; never raises."""
    if op == ADD:
        return 1.0
    elif op == SUB:
        return -1.0
    elif op == MUL:
        return a
    elif op == DIV:
        return -ieee_div(y, b)
    else:  # POW: d/db a**b = 0 at a == 0 < b
        return 0.0 if a == 0.0 and b > 0.0 else y * ieee_log(a)

cdef inline double tangent(double d, double dx) noexcept nogil:
    """The chain rule's product of a local derivative d and a tangent (or gradient) dx;
    an exact zero is a strong zero: 0 * inf and 0 * nan are 0."""
    return 0.0 if d == 0.0 or dx == 0.0 else d * dx
