# cython: language_level=3
cimport cython
from cpython.ref cimport PyObject

from cydiff._ops_c cimport unary_forward


@cython.final
cdef class Value:
    # The slots of `cydiff/pure/_value_py.py`, 80 bytes a node. The object slots are raw
    # pointers to references the node owns (NULL where unused): _value_c makes and
    # frees nodes itself (see "The life of a node" there).
    cdef double _data          # forward value
    cdef double _grad          # accumulated gradient
    cdef double _c             # folded constant
    cdef PyObject *_a          # the Value operand of a unary, folded or binary op
    cdef PyObject *_b          # the second Value operand of a binary op
    cdef PyObject *_items      # n-ary: tuple whose Values are the children; LEAF: the `_op` str
    cdef PyObject *_label      # a str; NULL reads as ''
    cdef unsigned long long _meta  # creation number << 8 | FOUND (128) | op code (< 128)


cdef enum:
    OP_MASK = 127              # the bits of _meta that hold the op code (N_OPS <= 128)
    FOUND = 128                # the bit of _meta a sweep sets on a node it has found
    CREATION_SHIFT = 8         # the creation number is above them


cdef inline int op_of(Value v) noexcept:
    return <int>(v._meta & OP_MASK)


cdef Value make_value(double data, int op, Value a, Value b, double c, object items)


cdef inline Value value_unary(int op, Value x):
    """The node f(x) for a unary op (inline, so that a constant op folds away)."""
    return make_value(unary_forward(op, x._data), op, x, None, 0.0, None)


cdef list _nodes_in_order(Value root)
cdef Value value_sum(list items)
cdef Value value_dot(list ws, list xs)
cdef object value_binop(int op, str name, object a, object b)
