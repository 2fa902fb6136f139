# cython: language_level=3
"""Python objects to C doubles, as `cydiff._common.as_number` converts them.

Exact floats and ints take the fast path; everything else asks `_common`, so
both twins accept (and reject) the same things.
"""

from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble


cdef inline int as_number_slow(object x, double *out) except -1:
    from cydiff._common import as_number
    c = as_number(x)
    if c is None:
        return 0
    out[0] = <double>c
    return 1


cdef inline int as_number(object x, double *out) except -1:
    """1 with *out = float(x) if x is a real number, else 0."""
    if type(x) is float:
        out[0] = PyFloat_AS_DOUBLE(x)
        return 1
    if type(x) is int:
        out[0] = PyLong_AsDouble(x)  # OverflowError for a huge int, as float(x)
        return 1
    return as_number_slow(x, out)


cdef inline double number(object x, str where) except? -1.0:
    """float(x), or the TypeError of `_common.number` naming `where`."""
    cdef double v
    if as_number(x, &v):
        return v
    from cydiff._common import argument_error
    argument_error(where, x)
    return -1.0
