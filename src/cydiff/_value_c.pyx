# cython: language_level=3, auto_pickle=False, boundscheck=False, wraparound=False, c_api_binop_methods=True
"""Graph nodes for reverse-mode AD: the compiled twin of `cydiff/_value_py.py`.

The same nodes, op codes and formulas as the pure twin, on C doubles, with:

- one C sweep for backward(): nodes are numbered as they are made (children
  before parents), and the sweep takes the graph's nodes from the highest
  number down, passing gradients on and finding children as it goes, with a
  heap kept between calls; a chain goes straight down without the heap;
- nodes made and freed here, not by Cython's generic code: a pool of freed
  node memory (a training loop builds and drops a same-sized graph every step),
  no None stored in unused slots, no cyclic-GC tracking (a node holds numbers,
  strings and older nodes only, so graphs cannot form cycles);
- freeing without recursion: a dying node moves the children it alone owns
  onto a stack, so a chain a million nodes deep frees in a loop.

No Python code runs inside a sweep, so the module-level buffers cannot be
re-entered while the GIL is held.
"""

cimport cython

cdef extern from *:
    # As in _dual_c: with GCC and Clang, the small inline helpers here and the op
    # table's must be inlined, so that the operators' code does not depend on the
    # compiler's size heuristics for the whole module (a property added elsewhere once
    # took _with_constant out of line, and 6 instructions an op).
    """
    #if defined(__GNUC__)
    #undef CYTHON_INLINE
    #define CYTHON_INLINE inline __attribute__((always_inline))
    #endif
    """
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.ref cimport PyObject

from cydiff._convert_c cimport as_number, number
from cydiff._pool_c cimport (
    Pool, PyTypeObject, init_static, pool_give, pool_init, pool_new, pool_set_limit, pool_take,
    steal,
)
from cydiff._ops_c cimport (
    ABS, ACOS, ADD, ASIN, ATAN, COS, COSH, CUSTOM, DIV, DOT, EXP, EXPM1, LEAF, LOG, LOG1P, MUL,
    N_OPS, NEG, POW, POW_C, RELU, SIGMOID, SIN, SINH, SOFTPLUS, SQRT, SUB, SUM, TAN, TANH,
    binary_da, binary_db, binary_forward, constant_left, fold_left, fold_right, folded_kind,
    is_binary, is_folded, is_unary, op_name, tangent, unary_deriv, unary_forward,  # no-cython-lint
)

from cydiff import _common, _pickle


cdef extern from "Python.h":
    # On raw pointers: no reference counting added by Cython.
    PyObject *tuple_item "PyTuple_GET_ITEM" (PyObject *, Py_ssize_t)
    Py_ssize_t tuple_size "PyTuple_GET_SIZE" (PyObject *)
    void tuple_set_item "PyTuple_SET_ITEM" (PyObject *, Py_ssize_t, PyObject *)
    void *type_of "Py_TYPE" (PyObject *)
    Py_ssize_t refcount "Py_REFCNT" (PyObject *)
    void incref "Py_INCREF" (PyObject *)
    void decref "Py_DECREF" (PyObject *)
    void xdecref "Py_XDECREF" (PyObject *)
    object new_list "PyList_New" (Py_ssize_t)
    Py_ssize_t str_length "PyUnicode_GET_LENGTH" (object)
    void list_set_item "PyList_SET_ITEM" (object, Py_ssize_t, PyObject *)  # steals


# The op table's shape, for the test that keeps the twins' tables in step.
OP_NAMES = {op: op_name(op) for op in range(N_OPS)}
FOLDED = {op: (folded_kind(op), constant_left(op)) for op in range(N_OPS) if is_folded(op)}


cdef inline bint is_value(PyObject *o) noexcept:
    return type_of(o) == <void *>Value


cdef inline void add_grad(PyObject *node, double amount) noexcept:
    """node.grad += amount. (Written out: an augmented assignment through a cast
    makes Cython hold a reference around it, which a dying node cannot take.)"""
    (<Value>node)._grad = (<Value>node)._grad + amount


cdef inline PyObject *own(object x) noexcept:
    """A new reference to x, for a slot; None is NULL."""
    if x is None:
        return NULL
    incref(<PyObject *>x)
    return <PyObject *>x


cdef inline object obj(PyObject *p):
    """What a slot holds, as an object; NULL is None."""
    return <object>p if p != NULL else None


# --- the life of a node ------------------------------------------------------------
#
# Node memory comes from a pool of freed nodes (or PyObject_Malloc): make_value
# fills every slot itself; Value(...) goes through Cython's tp_new, whose
# tp_alloc is _alloc (zeroed memory). _dealloc, the type's tp_dealloc, releases
# the children without recursion and returns the memory to the pool.

cdef Pool _pool                     # freed nodes' memory (see node_pool_limit)
cdef unsigned long long _created = 0  # nodes made so far: the last creation number


cdef inline unsigned long long fresh(int op) noexcept:
    """_meta of a node made now: the next creation number and the op code."""
    global _created
    _created += 1
    return (_created << 7) | <unsigned long long>op


def node_pool_limit(nodes=None):
    """How many freed `Value` nodes' memory is kept for new nodes, at most (2**22 at first).

    The compiled twin keeps the memory of a freed graph's nodes in a pool and
    builds the next graph in it, warm, instead of in fresh pages from the system:
    a training loop rebuilds a same-sized graph every step. The pool holds no more
    than the largest graph freed so far (80 bytes a node), up to the limit. The
    pure twin keeps the number only: its memory is CPython's.

    With `nodes`, sets the limit, returns the pooled memory over it to CPython
    (0 empties the pool) and returns the previous limit; without, the limit.
    """
    cdef Py_ssize_t previous = _pool.limit
    if nodes is None:
        return previous
    pool_set_limit(&_pool, _common.pool_limit(nodes))
    return previous


cdef PyObject *_alloc(PyTypeObject *t, Py_ssize_t n) noexcept:
    """tp_alloc: a zeroed node with one reference (NULL and MemoryError with no memory)."""
    return pool_new(&_pool, t)


cdef Value make_value(double data, int op, Value a, Value b, double c, object items):
    cdef PyObject *o = pool_take(&_pool)
    if o == NULL:
        raise MemoryError()
    init_static(o, <PyTypeObject *>Value)
    (<Value>o)._data = data
    (<Value>o)._grad = 0.0
    (<Value>o)._c = c
    (<Value>o)._a = own(a)
    (<Value>o)._b = own(b)
    (<Value>o)._items = own(items)
    (<Value>o)._label = NULL
    (<Value>o)._meta = fresh(op)
    return <Value>steal(o)


cdef void _dealloc(PyObject *o) noexcept:
    """tp_dealloc: the node's last reference is gone."""
    if ((<Value>o)._meta & 63) != LEAF:
        _release(o)
    xdecref((<Value>o)._items)
    xdecref((<Value>o)._label)
    pool_give(&_pool, o)


cdef inline Value _binary(int op, Value a, Value b):
    return make_value(binary_forward(op, a._data, b._data), op, a, b, 0.0, None)


cdef inline Value _with_constant(int op, Value x, double c, bint constant_left):  # no-cython-lint
    if constant_left:
        return make_value(binary_forward(op, c, x._data), fold_left(op), x, None, c, None)
    return make_value(binary_forward(op, x._data, c), fold_right(op), x, None, c, None)


cdef inline object _operand(int op, str symbol, Value x, object other, bint reflected):
    """x op other (or other op x): small, so each operator inlines it with its op."""
    if type(other) is Value:
        return _binary(op, <Value>other, x) if reflected else _binary(op, x, <Value>other)
    if type(other) is float:
        return _with_constant(op, x, PyFloat_AS_DOUBLE(other), reflected)
    if type(other) is int:  # x ** 2, 2 * x: OverflowError for a huge int, as float(other)
        return _with_constant(op, x, PyLong_AsDouble(other), reflected)
    return _operand_slow(op, symbol, x, other, reflected)


cdef object _operand_slow(int op, str symbol, Value x, object other, bint reflected):
    """_operand for any other number (int, numpy scalars, ...), or the error."""
    cdef double c
    if not as_number(other, &c):
        return (_common.operand_error(symbol, other, x) if reflected
                else _common.operand_error(symbol, x, other))
    return _with_constant(op, x, c, reflected)


cdef inline object _binop(int op, str symbol, object a, object b):
    """An operator's slot: one of a and b is a Value (a if it is on the left)."""
    if type(a) is Value:
        return _operand(op, symbol, <Value>a, b, False)
    return _operand(op, symbol, <Value>b, a, True)


cdef inline object _compare(str symbol, Value x, object other, double *c):
    """True with *c the number to compare x with, or what the comparison returns instead."""
    if type(other) is Value:
        c[0] = (<Value>other)._data
        return True
    if as_number(other, c):
        return True
    return _common.comparison_error(symbol, x, other)


# --- children --------------------------------------------------------------------

cdef inline PyObject *_next_child(PyObject *node, Py_ssize_t *i) noexcept:
    """The node's Value child at position *i or after (advancing *i past it), or NULL.

    Operand order: a, b; or the Value items of an n-ary node's tuple.
    """
    cdef int op = op_of(<Value>node)
    cdef Py_ssize_t n
    cdef PyObject *item
    if op == LEAF:
        return NULL
    if op == SUM or op == DOT or op == CUSTOM:
        n = tuple_size((<Value>node)._items)
        while i[0] < n:
            item = tuple_item((<Value>node)._items, i[0])
            i[0] += 1
            if is_value(item):
                return item
        return NULL
    if i[0] == 0:
        i[0] = 1
        return (<Value>node)._a
    if i[0] == 1 and is_binary(op):
        i[0] = 2
        return (<Value>node)._b
    return NULL


# --- sweeps: every node of a graph once, newest first ---------------------------------
#
# A sweep starts at the root and always takes next the found node with the
# highest creation number; all of a node's parents were made after it, so they
# come first. Found nodes wait in a max-heap, unless the newest child of the
# node just taken outranks the heap's top: then it is taken at once, so a chain
# never touches the heap. The FOUND bit marks nodes found and not yet taken.

ctypedef struct Entry:
    unsigned long long key    # the node's _meta: its creation number orders the heap
    PyObject *node

cdef Entry *_heap = NULL          # found nodes waiting, a max-heap
cdef Py_ssize_t _heap_cap = 0
cdef PyObject **_swept = NULL     # the nodes a COLLECT sweep took, in order
cdef Py_ssize_t _swept_cap = 0

cdef enum:
    BACKWARD = 0    # zero interior gradients as found, pass gradients on
    ZERO = 1        # zero every gradient
    COLLECT = 2     # list the nodes in _swept


cdef int _grow(void **buffer, Py_ssize_t *capacity, Py_ssize_t needed, size_t item_size) except -1:
    cdef Py_ssize_t cap = capacity[0] if capacity[0] else 1024
    cdef void *grown
    while cap < needed:
        cap *= 2
    grown = PyMem_Realloc(buffer[0], cap * item_size)
    if grown == NULL:
        raise MemoryError("cydiff: no memory to sweep the graph")
    buffer[0] = grown
    capacity[0] = cap
    return 0


cdef inline void _heap_push(Py_ssize_t *size, unsigned long long key, PyObject *node) noexcept:
    cdef Py_ssize_t i = size[0], parent
    size[0] += 1
    while i > 0:
        parent = (i - 1) >> 1
        if _heap[parent].key >= key:
            break
        _heap[i] = _heap[parent]
        i = parent
    _heap[i].key = key
    _heap[i].node = node


cdef inline PyObject *_heap_pop(Py_ssize_t *size) noexcept:
    cdef PyObject *top = _heap[0].node
    cdef Entry last
    cdef Py_ssize_t n, i = 0, child
    size[0] -= 1
    n = size[0]
    last = _heap[n]
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        if child + 1 < n and _heap[child + 1].key > _heap[child].key:
            child += 1
        if _heap[child].key <= last.key:
            break
        _heap[i] = _heap[child]
        i = child
    _heap[i] = last
    return top


cdef inline void _find(PyObject *child, int mode, PyObject **best, Py_ssize_t *size) noexcept:
    """Mark a child not found before, zero it as the mode says, and keep the newest such child
    in *best, the others on the heap. (Through casts, not a typed local: no reference counting.)"""
    cdef PyObject *other
    cdef unsigned long long meta = (<Value>child)._meta
    if meta & FOUND:
        return
    (<Value>child)._meta = meta | FOUND
    if mode == ZERO or (mode == BACKWARD and (meta & 63) != LEAF):
        (<Value>child)._grad = 0.0
    if best[0] == NULL:
        best[0] = child
    elif meta > (<Value>best[0])._meta:
        other = best[0]
        best[0] = child
        _heap_push(size, (<Value>other)._meta, other)
    else:
        _heap_push(size, meta, child)


cdef int _make_room(PyObject *node, Py_ssize_t size, Py_ssize_t room, Py_ssize_t taken,
                    int mode) except -1:
    """Grow the heap (and the COLLECT list) before a node is taken, so that a sweep never
    stops half way through one; with no memory, clear the sweep's marks and raise."""
    cdef Py_ssize_t k
    try:
        if size + room > _heap_cap:
            _grow(<void **>&_heap, &_heap_cap, size + room, sizeof(Entry))
        if mode == COLLECT and taken >= _swept_cap:
            _grow(<void **>&_swept, &_swept_cap, taken + 1, sizeof(PyObject *))
    except MemoryError:
        (<Value>node)._meta = (<Value>node)._meta & ~(<unsigned long long>FOUND)
        for k in range(size):
            (<Value>_heap[k].node)._meta = (<Value>_heap[k].node)._meta & ~(<unsigned long long>FOUND)
        raise
    return 0


cdef inline void _backward_step(PyObject *node) noexcept:
    """Pass node's gradient to its children: child.grad += local derivative × grad
    (the product as `tangent` takes it: an exact zero on either side gives 0)."""
    cdef double g = (<Value>node)._grad, y = (<Value>node)._data, w_data, x_data
    cdef int op = op_of(<Value>node), kind
    cdef PyObject *a = (<Value>node)._a
    cdef PyObject *b = (<Value>node)._b
    cdef PyObject *items
    cdef PyObject *w
    cdef PyObject *x
    cdef Py_ssize_t i
    if g == 0.0:  # nothing flows
        return
    if is_unary(op):
        add_grad(a, tangent(unary_deriv(op, (<Value>a)._data, y), g))
    elif is_binary(op):
        add_grad(a, tangent(binary_da(op, (<Value>a)._data, (<Value>b)._data, y), g))
        add_grad(b, tangent(binary_db(op, (<Value>a)._data, (<Value>b)._data, y), g))
    elif is_folded(op):
        kind = folded_kind(op)
        if constant_left(op):
            add_grad(a, tangent(binary_db(kind, (<Value>node)._c, (<Value>a)._data, y), g))
        else:
            add_grad(a, tangent(binary_da(kind, (<Value>a)._data, (<Value>node)._c, y), g))
    elif op == SUM:
        items = (<Value>node)._items
        for i in range(tuple_size(items)):
            w = tuple_item(items, i)
            if is_value(w):
                add_grad(w, g)
    elif op == DOT:
        items = (<Value>node)._items
        for i in range(0, tuple_size(items), 2):
            w = tuple_item(items, i)
            x = tuple_item(items, i + 1)
            w_data = (<Value>w)._data if is_value(w) else PyFloat_AS_DOUBLE(<object>w)
            x_data = (<Value>x)._data if is_value(x) else PyFloat_AS_DOUBLE(<object>x)
            if is_value(w):
                add_grad(w, tangent(x_data, g))
            if is_value(x):
                add_grad(x, tangent(w_data, g))
    # LEAF and CUSTOM pass nothing on: a custom op has no known derivative.


cdef Py_ssize_t _sweep(Value root, int mode) except -1:
    """Take every node reachable from root once, newest first, doing what mode says;
    return how many were taken."""
    cdef Py_ssize_t size = 0, taken = 0, room, i
    cdef PyObject *node = <PyObject *>root
    cdef PyObject *best
    cdef PyObject *items
    cdef int op
    root._meta |= FOUND
    if mode == ZERO or (mode == BACKWARD and op_of(root) != LEAF):
        root._grad = 0.0
    if mode == BACKWARD:
        root._grad = 1.0
    while node != NULL:
        op = op_of(<Value>node)
        room = tuple_size((<Value>node)._items) if op == SUM or op == DOT or op == CUSTOM else 2
        if size + room > _heap_cap or (mode == COLLECT and taken >= _swept_cap):
            _make_room(node, size, room, taken, mode)
        best = NULL
        if op == SUM or op == DOT or op == CUSTOM:
            items = (<Value>node)._items
            for i in range(tuple_size(items)):
                if is_value(tuple_item(items, i)):
                    _find(tuple_item(items, i), mode, &best, &size)
        elif op != LEAF:
            _find((<Value>node)._a, mode, &best, &size)
            if is_binary(op):
                _find((<Value>node)._b, mode, &best, &size)
        if mode == BACKWARD:
            _backward_step(node)
        elif mode == COLLECT:
            _swept[taken] = node
        taken += 1
        (<Value>node)._meta = (<Value>node)._meta & ~(<unsigned long long>FOUND)
        if best != NULL and (size == 0 or (<Value>best)._meta > _heap[0].key):
            node = best
        else:
            if best != NULL:
                _heap_push(&size, (<Value>best)._meta, best)
            node = _heap_pop(&size) if size else NULL
    return taken


cdef list _nodes_in_order(Value root):
    """The nodes reachable from root, oldest first (children before parents), as a list.

    The sweep's buffer is copied, with owned references, before any Python
    object is made: making one can start a garbage collection, whose
    finalizers may run any code, another sweep included.
    """
    cdef Py_ssize_t n = _sweep(root, COLLECT), k
    cdef PyObject **nodes = <PyObject **>PyMem_Malloc(n * sizeof(PyObject *))
    if nodes == NULL:
        raise MemoryError("cydiff: no memory to list the graph")
    for k in range(n):
        nodes[k] = _swept[n - 1 - k]
        incref(nodes[k])
    try:
        result = new_list(n)
    except MemoryError:
        for k in range(n):
            decref(nodes[k])
        PyMem_Free(nodes)
        raise
    for k in range(n):
        list_set_item(result, k, nodes[k])
    PyMem_Free(nodes)
    return result


cdef list _records(Value root):
    """root's graph as flat entries in topological order (the format of `_pickle`):
    a leaf as itself, another node as (data, grad, op, label, a, b, c, items)
    with its children as indices of earlier entries."""
    cdef list order = _nodes_in_order(root)
    cdef Value node
    index = {id(node): i for i, node in enumerate(order)}
    entries = []
    for node in order:
        if op_of(node) == LEAF:
            entries.append(node)
            continue
        a = None if node._a == NULL else index[id(<object>node._a)]
        b = None if node._b == NULL else index[id(<object>node._b)]
        items = None if node._items == NULL else tuple(
            index[id(item)] if type(item) is Value else item for item in <object>node._items)
        entries.append((node._data, node._grad, op_of(node), node.label, a, b, node._c, items))
    return entries


def graph_records(Value root):
    """`_records` for Python: the graph that `hessian` and `hvp` sweep."""
    return _records(root)


def _node(double data, double grad, int op, str label, Value a, Value b, double c, items):
    """A node from its fields (unpickling and copying; `_records` checks a pickle's)."""
    # The C code relies on these (the operands a node frees, the items a sweep reads as
    # Values or floats); a malformed call must not reach it.
    cdef bint n_ary = op == SUM or op == DOT or op == CUSTOM
    if not (0 <= op < N_OPS
            and (a is not None) == (is_unary(op) or is_folded(op) or is_binary(op))
            and (b is not None) == is_binary(op)
            and (type(items) is tuple or not n_ary)
            and (op != DOT or len(items) % 2 == 0)
            and (op != CUSTOM or (len(items) > 1 and type(items[0]) is str
                                  and all([type(i) is Value for i in items[1:]])))
            and (not (op == SUM or op == DOT)
                 or all([type(i) is Value or isinstance(i, float) for i in items]))):
        raise ValueError("cydiff: a malformed node")
    cdef Value v = make_value(data, op, a, b, c, items)
    v._grad = grad
    v._label = own(label) if label else NULL
    return v


# --- freeing without recursion -------------------------------------------------------

cdef PyObject **_dying = NULL     # nodes whose last reference we hold, to be released
cdef Py_ssize_t _dying_cap = 0
cdef bint _dying_busy = False


cdef inline void _push(PyObject ***stack, Py_ssize_t *n, Py_ssize_t *cap, PyObject *o) noexcept:
    """Push an owned reference; with no memory to grow, release it at once (recursively)."""
    cdef Py_ssize_t grown_cap
    cdef void *grown
    if n[0] == cap[0]:
        grown_cap = cap[0] * 2 if cap[0] else 256
        grown = PyMem_Realloc(stack[0], grown_cap * sizeof(PyObject *))
        if grown == NULL:
            decref(o)
            return
        stack[0] = <PyObject **>grown
        cap[0] = grown_cap
    stack[0][n[0]] = o
    n[0] += 1


cdef inline void _take_children(PyObject *node, PyObject ***stack, Py_ssize_t *n,
                                Py_ssize_t *cap) noexcept:
    """Move node's references to its children onto the stack; node becomes a leaf."""
    cdef int op = op_of(<Value>node)
    cdef PyObject *tup
    cdef PyObject *item
    cdef Py_ssize_t i
    if op == SUM or op == DOT or op == CUSTOM:
        tup = (<Value>node)._items
        (<Value>node)._items = NULL
        if refcount(tup) == 1:  # ours alone: take its Values out before it goes
            for i in range(tuple_size(tup)):
                item = tuple_item(tup, i)
                if is_value(item):
                    incref(<PyObject *>None)
                    tuple_set_item(tup, i, <PyObject *>None)
                    _push(stack, n, cap, item)
        decref(tup)
    else:
        _push(stack, n, cap, (<Value>node)._a)
        (<Value>node)._a = NULL
        if is_binary(op):
            _push(stack, n, cap, (<Value>node)._b)
            (<Value>node)._b = NULL
    (<Value>node)._meta = (<Value>node)._meta & ~(<unsigned long long>63)  # LEAF


cdef void _release(PyObject *root) noexcept:
    """Drop root's children, and theirs, with an explicit stack instead of recursion.

    A child popped with a reference count of 1 is referenced by the stack
    alone: its children are taken too before it is released, so its own
    deallocation finds a leaf and does not recurse.
    """
    cdef PyObject **stack
    cdef Py_ssize_t n = 0, cap
    cdef PyObject *o
    global _dying, _dying_cap, _dying_busy
    cdef bint borrowed = not _dying_busy
    if borrowed:
        _dying_busy = True
        stack, cap = _dying, _dying_cap
    else:
        stack, cap = NULL, 0
    _take_children(root, &stack, &n, &cap)
    while n:
        n -= 1
        o = stack[n]
        if refcount(o) == 1 and op_of(<Value>o) != LEAF:
            _take_children(o, &stack, &n, &cap)
        decref(o)
    if borrowed:
        _dying, _dying_cap = stack, cap
        _dying_busy = False
    else:
        PyMem_Free(stack)


# --- the class -----------------------------------------------------------------------

@cython.final
cdef class Value:
    """A scalar node of a computation graph: reverse-mode AD.

    >>> x, y = Value(2.0), Value(3.0)
    >>> z = x * y + x**2
    >>> z.backward()
    >>> x.grad, y.grad
    (7.0, 2.0)
    """

    # Made whole by Value(...) itself (tp_new), as in the pure twin: __init__ is
    # object's and does nothing, so calling it again cannot change a live node.
    def __cinit__(self, data, _children=(), _op="", label=""):
        cdef double value = number(data, "Value() argument 'data'")
        cdef tuple children
        if not isinstance(_op, str):
            _common.argument_error("Value() argument '_op'", _op, "a str")
        if not isinstance(label, str):
            _common.argument_error("Value() argument 'label'", label, "a str")
        if type(_children) is tuple:
            children = _children
        elif isinstance(_children, (str, bytes)) or not hasattr(_children, "__iter__"):
            _common.argument_error("Value() argument '_children'", _children,
                                   "an iterable of Values")
        else:
            children = tuple(_children)
        for child in children:
            if type(child) is not Value:
                _common.argument_error("Value() argument '_children' item", child, "a Value")
        # The memory is zeroed (see _alloc): _grad, _c, _a and _b are already 0 and NULL.
        self._data = value
        # (lengths, not truth tests: those go through PyObject_IsTrue)
        self._label = own(label) if str_length(label) else NULL
        if tuple_size(<PyObject *>children):
            self._meta, self._items = fresh(CUSTOM), own((_op,) + children)
        else:
            self._meta, self._items = fresh(LEAF), (own(_op) if str_length(_op) else NULL)

    # --- attributes -----------------------------------------------------------
    @property
    def data(self):
        """The forward value; writable (optimizers do `p.data -= lr * p.grad`)."""
        return self._data

    @data.setter
    def data(self, value):
        self._data = number(value, "Value.data")

    @data.deleter
    def data(self):
        _common.undeletable("Value", "data")

    @property
    def grad(self):
        """d(root)/d(self) after `root.backward()`; leaves accumulate."""
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = number(value, "Value.grad")

    @grad.deleter
    def grad(self):
        _common.undeletable("Value", "grad")

    @property
    def label(self):
        return <object>self._label if self._label != NULL else ""

    @label.setter
    def label(self, value):
        if not isinstance(value, str):
            _common.argument_error("Value.label", value, "a str")
        old = self._label
        self._label = own(value) if value else NULL
        xdecref(old)

    @label.deleter
    def label(self):
        _common.undeletable("Value", "label")

    @property
    def _op(self):
        """The op that made this node: '+', '*', '**2', 'tanh', 'ReLU', ... ('' for a leaf)."""
        cdef int op = op_of(self)
        if op == LEAF:
            return obj(self._items) or ""
        if op == CUSTOM:
            return (<tuple>self._items)[0]
        if op == POW_C:
            return _common.op_string("**", self._c)
        return op_name(op)

    @_op.setter
    def _op(self, value):
        _common.read_only("Value", "_op")

    @_op.deleter
    def _op(self):
        _common.read_only("Value", "_op")

    @property
    def _children(self):
        """The Value operands in order (constants are folded into the node)."""
        cdef Py_ssize_t i = 0
        cdef PyObject *child = _next_child(<PyObject *>self, &i)
        children = []
        while child != NULL:
            children.append(<object>child)
            child = _next_child(<PyObject *>self, &i)
        return tuple(children)

    @_children.setter
    def _children(self, value):
        _common.read_only("Value", "_children")

    @_children.deleter
    def _children(self):
        _common.read_only("Value", "_children")

    @property
    def _prev(self):
        """The set of Value operands, as micrograd has it."""
        return set(self._children)

    @_prev.setter
    def _prev(self, value):
        _common.read_only("Value", "_prev")

    @_prev.deleter
    def _prev(self):
        _common.read_only("Value", "_prev")

    def __repr__(self):
        return f"Value(data={self._data:.4f}, grad={self._grad:.4f})"

    # --- pickle and copy (graphs travel as flat records: see cydiff/_pickle.py) ---
    def __reduce__(self):
        if op_of(self) == LEAF:
            return (_pickle.restore_leaf, ("compiled", self._data, self._grad, self.label,
                                           obj(self._items)))
        return (_pickle.restore_graph, ("compiled", _pickle.FORMAT, _records(self)))

    def __copy__(self):
        """A new node with this one's fields and children (the graph below is shared)."""
        return _node(self._data, self._grad, op_of(self), self.label, obj(self._a), obj(self._b),
                     self._c, obj(self._items))

    def __deepcopy__(self, memo):
        """A copy of the whole graph below this node (nodes already in memo are reused)."""
        cdef Value node
        for node in _nodes_in_order(self):
            if id(node) in memo:
                continue
            a, b, items = obj(node._a), obj(node._b), obj(node._items)
            if op_of(node) != LEAF and items is not None:
                items = tuple(memo[id(i)] if type(i) is Value else i for i in items)
            memo[id(node)] = _node(node._data, node._grad, op_of(node), node.label,
                                   None if a is None else memo[id(a)],
                                   None if b is None else memo[id(b)], node._c, items)
        return memo[id(self)]

    # --- reverse mode ---------------------------------------------------------
    def backward(self):
        """Backpropagate from this node.

        Interior nodes reached (those with children) restart from 0.0, this
        node is seeded with 1.0, and gradients are accumulated (`+=`) from the
        newest node to the oldest; leaves keep accumulating across calls.
        """
        _sweep(self, BACKWARD)

    def zero_grad(self):
        """Set the gradient of every node of this graph to 0.0."""
        _sweep(self, ZERO)

    def detach(self):
        """A new leaf with the same data: gradients do not flow through it."""
        return make_value(self._data, LEAF, None, None, 0.0, None)

    # --- arithmetic: C-API slots, so the operands come in expression order ---------
    def __add__(a, b):
        return _binop(ADD, "+", a, b)

    def __sub__(a, b):
        return _binop(SUB, "-", a, b)

    def __mul__(a, b):
        return _binop(MUL, "*", a, b)

    def __truediv__(a, b):
        return _binop(DIV, "/", a, b)

    def __pow__(a, b, modulo):
        if modulo is not None:  # pow(x, y, m): only a Value x takes it (Python's rule)
            if type(a) is not Value:
                return NotImplemented
            _common.no_modulo("Value")
        return _binop(POW, "** or pow()", a, b)

    def __neg__(self):
        return value_unary(NEG, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return value_unary(ABS, self)

    # --- no silent conversion: the gradient would be lost ---------------------
    def __bool__(self):
        """As the data's: false at 0.0 and -0.0, true at nan."""
        return self._data != 0.0

    def __float__(self):
        _common.no_float(self)

    def __int__(self):
        _common.no_float(self)

    # --- == and hash are identity (graph nodes); ordering compares data --------
    def __eq__(self, other):
        return True if self is other else NotImplemented

    def __ne__(self, other):
        return False if self is other else NotImplemented

    def __hash__(self):
        return object.__hash__(self)

    def __lt__(self, other):
        cdef double c
        r = _compare("<", self, other, &c)
        return r if r is NotImplemented else self._data < c

    def __le__(self, other):
        cdef double c
        r = _compare("<=", self, other, &c)
        return r if r is NotImplemented else self._data <= c

    def __gt__(self, other):
        cdef double c
        r = _compare(">", self, other, &c)
        return r if r is NotImplemented else self._data > c

    def __ge__(self, other):
        cdef double c
        r = _compare(">=", self, other, &c)
        return r if r is NotImplemented else self._data >= c

    # --- elementary functions -------------------------------------------------
    def exp(self):
        return value_unary(EXP, self)

    def log(self):
        return value_unary(LOG, self)

    def sqrt(self):
        return value_unary(SQRT, self)

    def sin(self):
        return value_unary(SIN, self)

    def cos(self):
        return value_unary(COS, self)

    def tan(self):
        return value_unary(TAN, self)

    def tanh(self):
        return value_unary(TANH, self)

    def sigmoid(self):
        return value_unary(SIGMOID, self)

    def relu(self):
        return value_unary(RELU, self)

    def abs(self):
        return value_unary(ABS, self)

    def log1p(self):
        return value_unary(LOG1P, self)

    def expm1(self):
        return value_unary(EXPM1, self)

    def asin(self):
        return value_unary(ASIN, self)

    def acos(self):
        return value_unary(ACOS, self)

    def atan(self):
        return value_unary(ATAN, self)

    # numpy's names: np.arcsin(a) calls each element's arcsin(). Aliases: three methods
    # of their own moved the module's hot code and cost Value's forward 5-7%.
    arcsin, arccos, arctan = asin, acos, atan

    def sinh(self):
        return value_unary(SINH, self)

    def cosh(self):
        return value_unary(COSH, self)

    def softplus(self):
        return value_unary(SOFTPLUS, self)


# --- fused n-ary nodes ----------------------------------------------------------------

cdef Value value_sum(list items):
    """One SUM node over items (Values and floats, at least one Value), added left to right."""
    cdef double total = 0.0, v
    cdef Py_ssize_t i
    for i in range(len(items)):
        item = items[i]
        v = (<Value>item)._data if type(item) is Value else <double>item
        total = v if i == 0 else total + v
    return make_value(total, SUM, None, None, 0.0, tuple(items))


cdef Value value_dot(list ws, list xs):
    """One DOT node: Σ ws[i]·xs[i] (equal lengths, at least one Value), added left to right."""
    cdef double total = 0.0, term
    cdef Py_ssize_t i, n = len(ws)
    cdef list items = [None] * (2 * n)
    for i in range(n):
        w, x = ws[i], xs[i]
        term = (((<Value>w)._data if type(w) is Value else <double>w)
                * ((<Value>x)._data if type(x) is Value else <double>x))
        total = term if i == 0 else total + term
        items[2 * i] = w
        items[2 * i + 1] = x
    return make_value(total, DOT, None, None, 0.0, tuple(items))


pool_init(&_pool, 2**22, (<PyTypeObject *>Value).tp_basicsize)  # see node_pool_limit
(<PyTypeObject *>Value).tp_alloc = _alloc
(<PyTypeObject *>Value).tp_dealloc = _dealloc
