# cython: language_level=3
cimport cython


@cython.final
cdef class Value:
    # The layout of `cydiff/_value_py.py`, slot for slot (72 bytes a node).
    cdef double _data     # forward value
    cdef double _grad     # accumulated gradient
    cdef double _c        # folded constant
    cdef object _a        # child; or the tuple of children (CUSTOM), terms (SUM), ws (DOT)
    cdef object _b        # second child; or xs (DOT); or the `_op` string (LEAF, CUSTOM)
    cdef str _label       # None reads as ''
    cdef int _op_code     # an op code of _ops_c
    cdef bint _mark       # set while a traversal has visited this node


cdef Value make_value(double data, int op, object a, object b, double c)
cdef Value value_unary(int op, Value x)
cdef Value value_sum(list items)
cdef Value value_dot(list ws, list xs)
