# cython: language_level=3
"""A pool of freed objects' memory, for a type whose objects are made and freed here.

CPython's allocator returns the memory of a freed graph to the system, so the next
graph of the same size page-faults on fresh pages (measured: a 3-million-node
chain built 2x slower per node than a 10,000-node one). A training loop builds
and drops a same-sized graph every step: kept memory is reused warm. The pool
keeps the memory of up to `limit` freed objects, and its own array grows as
they come, so a program that never frees a large graph never pays for one.
"""

from cpython.ref cimport PyObject


cdef extern from "Python.h":
    void *PyObject_Malloc(size_t)
    void PyObject_Free(void *)
    void *PyMem_Realloc(void *, size_t)
    void PyMem_Free(void *)
    PyObject *PyErr_NoMemory()
    ctypedef struct PyTypeObject:
        Py_ssize_t tp_basicsize
        void (*tp_dealloc)(PyObject *) noexcept
        PyObject *(*tp_alloc)(PyTypeObject *, Py_ssize_t) noexcept


cdef extern from *:
    """
    #define cydiff_steal(o) (o)
    /* PyObject_Init for a static type, one call shorter: what it does for one
       (set the type, then _Py_NewReference: refcount 1, tracemalloc's and the
       debug builds' bookkeeping). Measured: 10% of a Dual op. */
    #if PY_VERSION_HEX < 0x030E0000 && !defined(Py_LIMITED_API)
    #define cydiff_init(o, t) (Py_SET_TYPE((o), (t)), _Py_NewReference(o), (o))
    #else
    #define cydiff_init(o, t) PyObject_Init((o), (t))
    #endif
    """
    # The reference a raw pointer holds, handed over as an object: declared as
    # returning `object`, Cython takes it as a new reference and adds none.
    object steal "cydiff_steal" (PyObject *)
    # PyObject_Init(o, t) for a type that is not a heap type (Value and Dual are static).
    PyObject *init_static "cydiff_init" (PyObject *, PyTypeObject *)


ctypedef struct Pool:
    PyObject **free           # freed objects' memory, kept for reuse
    Py_ssize_t count
    Py_ssize_t capacity       # slots in `free`
    Py_ssize_t limit          # objects kept at most
    size_t size               # bytes an object takes


cdef inline void pool_init(Pool *pool, Py_ssize_t limit, size_t size) noexcept:
    pool.free = NULL
    pool.count = 0
    pool.capacity = 0
    pool.limit = limit
    pool.size = size


cdef inline PyObject *pool_take(Pool *pool) noexcept:
    """Memory for an object, a freed one's if the pool has some; NULL with no memory."""
    if pool.count:
        pool.count -= 1
        return pool.free[pool.count]
    return <PyObject *>PyObject_Malloc(pool.size)


cdef inline void pool_give(Pool *pool, PyObject *o) noexcept:
    """Take back a freed object's memory (or return it to CPython if the pool is full)."""
    if pool.count < pool.capacity or pool_grow(pool):
        pool.free[pool.count] = o
        pool.count += 1
    else:
        PyObject_Free(o)


cdef inline bint pool_grow(Pool *pool) noexcept:
    """Room for one more object, below the limit; False when there is none."""
    cdef Py_ssize_t capacity = min(max(2 * pool.capacity, 1024), pool.limit)
    cdef PyObject **grown
    if capacity <= pool.capacity:
        return False
    grown = <PyObject **>PyMem_Realloc(pool.free, capacity * sizeof(PyObject *))
    if grown == NULL:  # no memory for the pool: the object's goes back instead
        return False
    pool.free = grown
    pool.capacity = capacity
    return True


cdef inline void pool_set_limit(Pool *pool, Py_ssize_t limit) noexcept:
    """Keep at most `limit` objects from now on, returning what is over to CPython."""
    cdef PyObject **kept
    while pool.count > limit:
        pool.count -= 1
        PyObject_Free(pool.free[pool.count])
    pool.limit = limit
    if limit < pool.capacity:
        pool.capacity = pool.count  # grows again from here when needed
        if pool.count == 0:
            PyMem_Free(pool.free)
            pool.free = NULL
        else:
            kept = <PyObject **>PyMem_Realloc(pool.free, pool.count * sizeof(PyObject *))
            if kept != NULL:  # else the larger array stays, as good
                pool.free = kept


cdef inline PyObject *pool_new(Pool *pool, PyTypeObject *t) noexcept:
    """A zeroed object of type t with one reference, for tp_alloc (NULL, MemoryError)."""
    cdef PyObject *o = pool_take(pool)
    cdef size_t k
    if o == NULL:
        return PyErr_NoMemory()
    for k in range(pool.size):
        (<char *>o)[k] = 0
    return init_static(o, t)
