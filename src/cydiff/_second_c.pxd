# cython: language_level=3
"""The second-derivative table of the compiled twin: `cydiff/_second.py`'s UNARY2 and
BINARY2, the same formulas in the same order (read the two side by side), for the
tapes' Hessian-vector products (`_tape_c.pyx`). Like the first derivatives, they
never raise: IEEE 754 infinities and nans, as the pure twin's _div, _pow, _log give.

Header only: everything here is inline.
"""

from libc.math cimport exp

from cydiff._ops_c cimport (
    ABS, ACOS, ADD, ASIN, ATAN, COS, COSH, DIV, EXP, EXPM1, LOG, LOG1P, MUL, NEG, RELU,
    SIGMOID, SIN, SINH, SOFTPLUS, SQRT, SUB, TAN, TANH, ieee_div, ieee_log, ieee_pow,
    ieee_sqrt, sigmoid, tangent,
)


cdef inline double asin2(double x, double y) noexcept nogil:
    cdef double s = ieee_sqrt((1.0 - x) * (1.0 + x))
    return ieee_div(x, s * s * s)

cdef inline double unary2(int op, double x, double y) noexcept nogil:
    """d²y/dx² from x and y = f(x)."""
    if op == NEG:
        return 0.0
    elif op == EXP:
        return y
    elif op == LOG:
        return -ieee_div(1.0, x * x)
    elif op == SQRT:
        return -ieee_div(0.25, x * y)
    elif op == SIN:
        return -y
    elif op == COS:
        return -y
    elif op == TAN:
        return 2.0 * y * (1.0 + y * y)
    elif op == TANH:
        return -2.0 * y * (1.0 - y * y)
    elif op == SIGMOID:
        return y * (1.0 - y) * (1.0 - 2.0 * y)
    elif op == RELU:
        return 0.0
    elif op == ABS:
        return 0.0
    elif op == LOG1P:
        return -ieee_div(1.0, (1.0 + x) * (1.0 + x))
    elif op == EXPM1:
        return exp(x)
    elif op == ASIN:
        return asin2(x, y)
    elif op == ACOS:
        return -asin2(x, y)
    elif op == ATAN:
        return ieee_div(-2.0 * x, (1.0 + x * x) * (1.0 + x * x))
    elif op == SINH:
        return y
    elif op == COSH:
        return y
    else:  # SOFTPLUS
        return sigmoid(x) * (1.0 - sigmoid(x))

# d²y/da², d²y/da db, d²y/db² of the binary ops, from a, b and y = a op b.

cdef inline double binary_aa(int op, double a, double b, double y) noexcept nogil:
    if op == ADD or op == SUB or op == MUL or op == DIV:
        return 0.0
    else:  # POW: 0 at b == 0 and at b == 1 (x**0 and x**1), as the first derivative
        return 0.0 if b == 0.0 or b == 1.0 else b * (b - 1.0) * ieee_pow(a, b - 2.0)

cdef inline double binary_ab(int op, double a, double b, double y) noexcept nogil:
    if op == ADD or op == SUB:
        return 0.0
    elif op == MUL:
        return 1.0
    elif op == DIV:
        return -ieee_div(1.0, b * b)
    else:  # POW: 0 where d/db a**b is held at 0 (a == 0 < b)
        if a == 0.0 and b > 0.0:
            return 0.0
        return tangent(ieee_pow(a, b - 1.0), 1.0 + b * ieee_log(a))

cdef inline double binary_bb(int op, double a, double b, double y) noexcept nogil:
    if op == ADD or op == SUB or op == MUL:
        return 0.0
    elif op == DIV:
        return ieee_div(2.0 * y, b * b)
    else:  # POW
        return 0.0 if a == 0.0 and b > 0.0 else tangent(y, ieee_log(a) * ieee_log(a))
