# cython: language_level=3
cimport cython


@cython.final
cdef class Dual:
    cdef double _val      # value
    cdef double _deriv    # derivative along the seeded direction


cdef Dual make_dual(double val, double deriv)
cdef Dual dual_unary(int op, Dual x)
cdef Dual dual_sum(list items)
cdef Dual dual_dot(list ws, list xs)
