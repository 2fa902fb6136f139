# cython: language_level=3
cimport cython

from cydiff._kernels_c cimport tangent
from cydiff._ops_c cimport unary_deriv, unary_forward


@cython.final
cdef class Dual:
    cdef double _val      # value
    cdef double _deriv    # derivative along the seeded direction


cdef Dual make_dual(double val, double deriv)


cdef inline Dual dual_unary(int op, Dual x):
    """f(x) and its tangent for a unary op (inline, so that a constant op folds away)."""
    cdef double y = unary_forward(op, x._val)
    return make_dual(y, tangent(unary_deriv(op, x._val, y), x._deriv))


cdef Dual dual_sum(list items)
cdef Dual dual_dot(list ws, list xs)
cdef object dual_binop(int op, str name, object a, object b)
