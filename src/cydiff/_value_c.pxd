# cython: language_level=3
cimport cython


@cython.final
cdef class Value:
    # The layout of `cydiff/_value_py.py`, slot for slot (80 bytes a node).
    cdef double _data     # forward value
    cdef double _grad     # accumulated gradient
    cdef double _c        # folded constant
    cdef Value _a         # operand of a unary, folded or binary op
    cdef Value _b         # second operand of a binary op
    cdef object _items    # n-ary: tuple whose Values are the children; LEAF: `_op` string or None
    cdef str _label       # None reads as ''
    cdef unsigned long long _meta  # creation number << 7 | FOUND (64) | op code (< 64)


cdef enum:
    FOUND = 64            # the bit of _meta a sweep sets on a node it has found


cdef inline int op_of(Value v) noexcept:
    return <int>(v._meta & 63)


cdef Value make_value(double data, int op, Value a, Value b, double c, object items)
cdef Value value_unary(int op, Value x)
cdef Value value_sum(list items)
cdef Value value_dot(list ws, list xs)
