# cython: language_level=3
cimport cython

from cydiff._kernels_c cimport tangent
from cydiff._ops_c cimport unary_deriv, unary_forward


cdef enum:
    MAX_PARTIALS = 8   # MultiDual.CHUNK: partials a MultiDual carries at most


@cython.final
cdef class MultiDual:
    cdef double _val                  # value
    cdef int _n                       # partials in use: _p[0] .. _p[_n - 1]
    cdef double _p[MAX_PARTIALS]      # derivatives along the seeded directions


cdef MultiDual make_multidual(double val, int n)


cdef inline MultiDual multidual_unary(int op, MultiDual x):
    """f(x) and its partials for a unary op (inline, so that a constant op folds away)."""
    cdef double y = unary_forward(op, x._val)
    cdef double d = unary_deriv(op, x._val, y)
    cdef MultiDual r = make_multidual(y, x._n)
    cdef int k
    for k in range(x._n):
        r._p[k] = tangent(d, x._p[k])
    return r


cdef MultiDual multidual_sum(list items)
cdef MultiDual multidual_dot(list ws, list xs)
cdef object multidual_binop(int op, str name, object a, object b)
