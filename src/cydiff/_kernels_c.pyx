# cython: language_level=3
"""The out-of-line part of the compiled op table (declared in `_kernels_c.pxd`):
Python's own answers where the C code found an error, and CPython's float_pow.

Kept out of the inline formulas so that those stay small: the C compiler then
inlines them and folds their switch on a constant op code.
"""

from libc.errno cimport ERANGE, errno
from libc.math cimport INFINITY, NAN, copysign, fabs, floor, isinf, isnan, pow


# --- Python's answer where C found an error ------------------------------------

cdef double py_math(str name, double x) except? -1.0:
    from cydiff._common import python_math
    return python_math(name, x)


cdef double py_math2(str name, double a, double b) except? -1.0:
    from cydiff._common import python_math2
    return python_math2(name, a, b)


cdef double py_div(double a, double b) except? -1.0:
    from cydiff._common import python_div
    return python_div(a, b)


cdef double py_pow(double a, double b) except? -1.0:
    from cydiff._common import python_pow
    return python_pow(a, b)


cdef double negative_fractional_power() except -1.0:
    from cydiff._common import NEGATIVE_FRACTIONAL_POWER
    raise ValueError(NEGATIVE_FRACTIONAL_POWER)


# --- CPython's float_pow ----------------------------------------------------------

cdef double pow_core(double a, double b, int *err) noexcept nogil:
    """CPython's float_pow, step for step, reporting its errors in *err."""
    cdef bint negate = False
    cdef double r
    err[0] = POW_OK
    if b == 0.0:
        return 1.0
    if b == 1.0:  # what the steps below give for every a (nan, inf, 0, < 0), without libm
        return a
    if b == 2.0:
        r = a * a
        if square_is_product(a, r):  # pow(|a|, 2.0)'s result, proved: no libm call
            return r
    if isnan(a):
        return a
    if isnan(b):
        return 1.0 if a == 1.0 else b
    if isinf(b):
        a = fabs(a)
        if a == 1.0:
            return 1.0
        if (b > 0.0) == (a > 1.0):
            return fabs(b)
        return 0.0
    if isinf(a):
        if b > 0.0:
            return a if is_odd(b) else fabs(a)
        return copysign(0.0, a) if is_odd(b) else 0.0
    if a == 0.0:
        if b < 0.0:
            err[0] = POW_ZERO_DIVISION
            return copysign(INFINITY, a) if is_odd(b) else INFINITY
        return a if is_odd(b) else 0.0
    if a < 0.0:
        if b != floor(b):
            err[0] = POW_COMPLEX
            return NAN
        a = -a
        negate = is_odd(b)
    if a == 1.0:
        return -1.0 if negate else 1.0
    errno = 0  # no-cython-lint
    r = pow(a, b)
    if errno == 0:
        if isinf(r):
            errno = ERANGE  # no-cython-lint
    elif errno == ERANGE and r == 0.0:
        errno = 0  # no-cython-lint
    if negate:
        r = -r
    if errno != 0:
        err[0] = POW_RANGE
    return r


cdef double ieee_pow(double a, double b) noexcept nogil:
    """a ** b as C's pow() computes it: an infinity or nan where Python raises."""
    cdef int err
    cdef double r = pow_core(a, b, &err)
    if err == POW_ZERO_DIVISION:
        return copysign(INFINITY, a) if is_odd(b) else INFINITY
    if err == POW_RANGE:
        return -INFINITY if a < 0.0 and is_odd(b) else INFINITY
    if err == POW_COMPLEX:
        return NAN
    return r


cdef double power(double a, double b) except? -1.0:
    """Python's float a ** b, except that a negative base to a fractional power
    raises ValueError instead of returning a complex number."""
    cdef int err
    cdef double r = pow_core(a, b, &err)
    if err == POW_COMPLEX:
        return negative_fractional_power()
    if err != POW_OK:
        return py_pow(a, b)
    return r
