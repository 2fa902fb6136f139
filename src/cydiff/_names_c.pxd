# cython: language_level=3
"""Plain class names, so that Python's own messages read the same for both twins.

Python writes a class into many messages through its C-level name: the pure
twin's is 'Value', a Cython class's would be 'cydiff._value_c.Value'. The
extension types are heap types (CYTHON_USE_TYPE_SPECS, set by setup.py), whose
module lives in the type's dict, as for a Python class, so the C-level name
can be the plain one. A static type takes its module from that name, so it is
left alone.
"""

cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        const char *tp_name
        unsigned long tp_flags
    unsigned long Py_TPFLAGS_HEAPTYPE


cdef inline void plain_name(type cls, const char *name) noexcept:
    cdef PyTypeObject *t = <PyTypeObject *>cls
    if t.tp_flags & Py_TPFLAGS_HEAPTYPE:
        t.tp_name = name
