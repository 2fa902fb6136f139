# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled twin's tape replay: `cydiff/_tape.py`'s `Tape._forward` and
`Tape._backward` on flat C arrays, the same formulas in the same order (the op
table of `_ops_c.pxd`), so a replay gives the bits of the Python replay and of a
fresh graph. No Python object is made per op; the GIL is held, so that an op
that raises raises Python's own exception."""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

from cydiff._ops_c cimport (
    LEAF, SUM, binary_da, binary_db, binary_forward, constant_left, folded_kind,
    is_binary, is_folded, is_unary, tangent, unary_deriv, unary_forward,
)


cdef void *_alloc(Py_ssize_t n, size_t size) except NULL:
    cdef void *p = PyMem_Malloc(max(n, 1) * size)
    if p == NULL:
        raise MemoryError()
    return p


cdef class Replay:
    """A tape's arrays in C, and scratch for one replay at a time."""

    cdef Py_ssize_t n, n_inputs
    cdef int *op
    cdef Py_ssize_t *a
    cdef Py_ssize_t *b
    cdef double *c
    cdef Py_ssize_t *start   # the items of node i are start[i] .. start[i + 1] - 1
    cdef Py_ssize_t *item    # a node index, or -1 for a constant ...
    cdef double *item_c      # ... whose value is here
    cdef double *init        # leaves' values: the constants (inputs are set per replay)
    cdef Py_ssize_t *inputs  # the leaf index of each input, -1 if f did not use it
    cdef double *vals
    cdef double *g

    def __cinit__(self, nodes, constants, inputs):
        cdef Py_ssize_t i, k, n = len(nodes), n_items = 0
        for node in nodes:
            n_items += len(node[4])
        self.n, self.n_inputs = n, len(inputs)
        self.op = <int *>_alloc(n, sizeof(int))
        self.a = <Py_ssize_t *>_alloc(n, sizeof(Py_ssize_t))
        self.b = <Py_ssize_t *>_alloc(n, sizeof(Py_ssize_t))
        self.c = <double *>_alloc(n, sizeof(double))
        self.start = <Py_ssize_t *>_alloc(n + 1, sizeof(Py_ssize_t))
        self.item = <Py_ssize_t *>_alloc(n_items, sizeof(Py_ssize_t))
        self.item_c = <double *>_alloc(n_items, sizeof(double))
        self.init = <double *>_alloc(n, sizeof(double))
        self.inputs = <Py_ssize_t *>_alloc(self.n_inputs, sizeof(Py_ssize_t))
        self.vals = <double *>_alloc(n, sizeof(double))
        self.g = <double *>_alloc(n, sizeof(double))
        k = 0
        for i in range(n):
            op, a, b, c, items = nodes[i]
            self.op[i], self.a[i], self.b[i], self.c[i] = op, a, b, c
            self.init[i] = constants.get(i, 0.0)
            self.start[i] = k
            for it in items:
                if type(it) is int:
                    self.item[k], self.item_c[k] = it, 0.0
                else:
                    self.item[k], self.item_c[k] = -1, it
                k += 1
        self.start[n] = k
        for i in range(self.n_inputs):
            self.inputs[i] = inputs[i]

    def __dealloc__(self):
        PyMem_Free(self.op)
        PyMem_Free(self.a)
        PyMem_Free(self.b)
        PyMem_Free(self.c)
        PyMem_Free(self.start)
        PyMem_Free(self.item)
        PyMem_Free(self.item_c)
        PyMem_Free(self.init)
        PyMem_Free(self.inputs)
        PyMem_Free(self.vals)
        PyMem_Free(self.g)

    cdef int forward(self, list xs) except -1:
        cdef Py_ssize_t i, k, j, w, x
        cdef int op, kind
        cdef double total, v, term
        cdef double *vals = self.vals
        for i in range(self.n):
            vals[i] = self.init[i]
        for i in range(self.n_inputs):
            if self.inputs[i] >= 0:
                vals[self.inputs[i]] = <double>xs[i]
        for i in range(self.n):
            op = self.op[i]
            if op == LEAF:
                continue
            if is_unary(op):
                vals[i] = unary_forward(op, vals[self.a[i]])
            elif is_binary(op):
                vals[i] = binary_forward(op, vals[self.a[i]], vals[self.b[i]])
            elif is_folded(op):
                kind = folded_kind(op)
                if constant_left(op):
                    vals[i] = binary_forward(kind, self.c[i], vals[self.a[i]])
                else:
                    vals[i] = binary_forward(kind, vals[self.a[i]], self.c[i])
            elif op == SUM:
                total = 0.0
                for k in range(self.start[i], self.start[i + 1]):
                    j = self.item[k]
                    v = vals[j] if j >= 0 else self.item_c[k]
                    total = v if k == self.start[i] else total + v
                vals[i] = total
            else:  # DOT: w0, x0, w1, x1, ...
                total = 0.0
                k = self.start[i]
                while k < self.start[i + 1]:
                    w, x = self.item[k], self.item[k + 1]
                    term = ((vals[w] if w >= 0 else self.item_c[k])
                            * (vals[x] if x >= 0 else self.item_c[k + 1]))
                    total = term if k == self.start[i] else total + term
                    k += 2
                vals[i] = total
        return 0

    cdef void backward(self) noexcept:
        cdef Py_ssize_t i, k, j, w, x, n = self.n
        cdef int op, kind
        cdef double gi, y, wd, xd
        cdef double *g = self.g
        cdef double *vals = self.vals
        for i in range(n):
            g[i] = 0.0
        g[n - 1] = 1.0
        for i in range(n - 1, -1, -1):
            gi = g[i]
            op = self.op[i]
            if gi == 0.0 or op == LEAF:
                continue
            y = vals[i]
            if is_unary(op):
                g[self.a[i]] += tangent(unary_deriv(op, vals[self.a[i]], y), gi)
            elif is_binary(op):
                g[self.a[i]] += tangent(binary_da(op, vals[self.a[i]], vals[self.b[i]], y), gi)
                g[self.b[i]] += tangent(binary_db(op, vals[self.a[i]], vals[self.b[i]], y), gi)
            elif is_folded(op):
                kind = folded_kind(op)
                if constant_left(op):
                    g[self.a[i]] += tangent(binary_db(kind, self.c[i], vals[self.a[i]], y), gi)
                else:
                    g[self.a[i]] += tangent(binary_da(kind, vals[self.a[i]], self.c[i], y), gi)
            elif op == SUM:
                for k in range(self.start[i], self.start[i + 1]):
                    j = self.item[k]
                    if j >= 0:
                        g[j] += gi
            else:  # DOT
                k = self.start[i]
                while k < self.start[i + 1]:
                    w, x = self.item[k], self.item[k + 1]
                    wd = vals[w] if w >= 0 else self.item_c[k]
                    xd = vals[x] if x >= 0 else self.item_c[k + 1]
                    if w >= 0:
                        g[w] += tangent(xd, gi)
                    if x >= 0:
                        g[x] += tangent(wd, gi)
                    k += 2

    def value(self, list xs):
        self.forward(xs)
        return self.vals[self.n - 1]

    def value_and_grad(self, list xs):
        """(f(x), the gradient as a list of floats)."""
        cdef Py_ssize_t i
        self.forward(xs)
        self.backward()
        return self.vals[self.n - 1], [self.g[self.inputs[i]] if self.inputs[i] >= 0 else 0.0
                                       for i in range(self.n_inputs)]
