# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled twin's tape replay: `cydiff/_tape.py`'s `Tape._forward` and
`Tape._backward` on flat C arrays, the same formulas in the same order (the op
table of `_ops_c.pxd`), so a replay gives the bits of the Python replay and of a
fresh graph. No Python object is made per op, and the GIL is released: an op
computes in C (the table's unary_value, binary_value), and only where Python would
raise or answer otherwise (unary_value's ask, binary_value's err) does the replay take the
GIL and compute it as a Value does (unary_forward, binary_forward), so that the
exception, message included, is Python's own. `hvp` and `hessian` sweep second
order as `cydiff/_second.py`'s `Graph.hvp` does, with the second derivatives of `_ops_c.pxd`.

The tape's arrays are read-only once built; each replay brings its scratch (the
values, gradients and tangents of the nodes), so threads can replay one tape at once.
The arrays are trusted: `Tape` gives only records that `cydiff/_records.py` checked
(every operand an earlier node, every op code known, a dot's items in pairs). What a
call brings is not: its arrays' lengths are checked against the tape's, once a call.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc

from cydiff._kernels_c cimport POW_OK, tangent
from cydiff._ops_c cimport (
    LEAF, SUM, binary_aa, binary_ab, binary_bb, binary_da, binary_db,
    binary_forward, binary_value, constant_left, folded_kind, is_binary, is_folded, is_unary,
    unary2, unary_deriv, unary_forward, unary_value,
)


cdef void *_alloc(Py_ssize_t n, size_t size) except NULL:
    cdef void *p = PyMem_Malloc(max(n, 1) * size)
    if p == NULL:
        raise MemoryError()
    return p


cdef int _fits(Py_ssize_t got, Py_ssize_t want, str what) except -1:
    """A caller's array has the length the replay reads or writes (Tape checks first)."""
    if got != want:
        raise ValueError(f"cydiff: {what} has {got} items where the tape has {want}")
    return 0


cdef inline void _flow(double *g, double *gt, Py_ssize_t j, double d, double gi, double gti,
                       double dt) noexcept nogil:
    """One operand j of a node in the second-order sweep: g_j += d·g and
    ġ_j += d·ġ + g·dt, dt = Σ_k ∂d/∂x_k · t_k (`_second.Graph.hvp`)."""
    if gi != 0.0:  # as backward(): nothing flows, not even a +0.0
        g[j] += tangent(d, gi)
    gt[j] += tangent(d, gti) + tangent(gi, dt)


cdef class Replay:
    """A tape's arrays in C. Read-only once built: every replay has its own scratch."""

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
    cdef double *spare       # a scratch kept for the next single replay (taken under the GIL)

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
        PyMem_Free(self.spare)

    # --- one replay: scratch is 2n doubles, the nodes' values then their gradients ---

    cdef int forward(self, const double *x, double *vals) except -1 nogil:
        cdef Py_ssize_t i, k, j, w, xi
        cdef int op, kind, err
        cdef bint ask
        cdef double total, v, term, u, y
        for i in range(self.n):
            vals[i] = self.init[i]
        for i in range(self.n_inputs):
            if self.inputs[i] >= 0:
                vals[self.inputs[i]] = x[i]
        for i in range(self.n):
            op = self.op[i]
            if op == LEAF:
                continue
            if is_unary(op):
                ask = False
                y = unary_value(op, vals[self.a[i]], &ask)
                if ask:
                    with gil:  # the op as a Value computes it: raises, or Python's value
                        y = unary_forward(op, vals[self.a[i]])
                vals[i] = y
            elif is_binary(op) or is_folded(op):
                if is_binary(op):
                    kind, u, v = op, vals[self.a[i]], vals[self.b[i]]
                else:
                    kind = folded_kind(op)
                    if constant_left(op):
                        u, v = self.c[i], vals[self.a[i]]
                    else:
                        u, v = vals[self.a[i]], self.c[i]
                err = POW_OK
                y = binary_value(kind, u, v, &err)
                if err != POW_OK:
                    with gil:
                        y = binary_forward(kind, u, v)
                vals[i] = y
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
                    w, xi = self.item[k], self.item[k + 1]
                    term = ((vals[w] if w >= 0 else self.item_c[k])
                            * (vals[xi] if xi >= 0 else self.item_c[k + 1]))
                    total = term if k == self.start[i] else total + term
                    k += 2
                vals[i] = total
        return 0

    cdef void backward(self, const double *vals, double *g) noexcept nogil:
        cdef Py_ssize_t i, k, j, w, x, n = self.n
        cdef int op, kind
        cdef double gi, y, wd, xd
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

    cdef int run(self, const double *x, double *value, double *grad,
                 double *scratch) except -1 nogil:
        """f(x) into *value and, unless grad is NULL, the gradient into grad[0:n_inputs]."""
        cdef Py_ssize_t i, j
        cdef double *vals = scratch
        cdef double *g = scratch + self.n
        self.forward(x, vals)
        value[0] = vals[self.n - 1]
        if grad != NULL:
            self.backward(vals, g)
            for i in range(self.n_inputs):
                j = self.inputs[i]
                grad[i] = g[j] if j >= 0 else 0.0
        return 0

    # --- second order: `_second.Graph.hvp`, forward over reverse, on the same arrays -----
    # Its operands of a node, in its order: unary (a), binary (a, b), folded (a), the
    # node items of a sum, a dot's (w, then x) of each pair; each with d = d node / d
    # operand and the second derivatives beside it (none for a sum, the other factor's
    # 1.0 for a dot). A sum of terms starts from its first term, as `_second._sum`.

    cdef void tangents(self, const double *vals, const double *v, double *t) noexcept nogil:
        """t = the tangent of every node along v (what a Dual seeded with v carries)."""
        cdef Py_ssize_t i, k, w, x
        cdef int op, kind
        cdef double y, total, term
        cdef bint first
        for i in range(self.n):
            t[i] = 0.0
        for i in range(self.n_inputs):
            if self.inputs[i] >= 0:
                t[self.inputs[i]] = v[i]
        for i in range(self.n):
            op = self.op[i]
            y = vals[i]
            if op == LEAF:
                continue
            if is_unary(op):
                t[i] = tangent(unary_deriv(op, vals[self.a[i]], y), t[self.a[i]])
            elif is_binary(op):
                t[i] = tangent(binary_da(op, vals[self.a[i]], vals[self.b[i]], y), t[self.a[i]])
                t[i] += tangent(binary_db(op, vals[self.a[i]], vals[self.b[i]], y), t[self.b[i]])
            elif is_folded(op):
                kind = folded_kind(op)
                if constant_left(op):
                    t[i] = tangent(binary_db(kind, self.c[i], vals[self.a[i]], y), t[self.a[i]])
                else:
                    t[i] = tangent(binary_da(kind, vals[self.a[i]], self.c[i], y), t[self.a[i]])
            else:  # SUM, DOT: the operands' terms, if any
                first = True
                total = 0.0
                k = self.start[i]
                while k < self.start[i + 1]:
                    if op == SUM:
                        if self.item[k] >= 0:
                            term = tangent(1.0, t[self.item[k]])
                            total = term if first else total + term
                            first = False
                        k += 1
                        continue
                    w, x = self.item[k], self.item[k + 1]
                    if w >= 0:
                        term = tangent(vals[x] if x >= 0 else self.item_c[k + 1], t[w])
                        total = term if first else total + term
                        first = False
                    if x >= 0:
                        term = tangent(vals[w] if w >= 0 else self.item_c[k], t[x])
                        total = term if first else total + term
                        first = False
                    k += 2
                if not first:
                    t[i] = total

    cdef void second_backward(self, const double *vals, const double *t, double *g,
                              double *gt) noexcept nogil:
        """g (what backward() computes, bit for bit) and its tangent ġ along t."""
        cdef Py_ssize_t i, k, a, b, w, x, n = self.n
        cdef int op, kind
        cdef double gi, gti, y, u, v, ab, wd, xd
        for i in range(n):
            g[i] = 0.0
            gt[i] = 0.0
        g[n - 1] = 1.0
        for i in range(n - 1, -1, -1):
            gi, gti = g[i], gt[i]
            op = self.op[i]
            if (gi == 0.0 and gti == 0.0) or op == LEAF:
                continue
            y = vals[i]
            a, b = self.a[i], self.b[i]
            if is_unary(op):
                u = vals[a]
                _flow(g, gt, a, unary_deriv(op, u, y), gi, gti,
                      tangent(unary2(op, u, y), t[a]))
            elif is_binary(op):
                u, v = vals[a], vals[b]
                ab = binary_ab(op, u, v, y)
                _flow(g, gt, a, binary_da(op, u, v, y), gi, gti,
                      tangent(binary_aa(op, u, v, y), t[a]) + tangent(ab, t[b]))
                _flow(g, gt, b, binary_db(op, u, v, y), gi, gti,
                      tangent(ab, t[a]) + tangent(binary_bb(op, u, v, y), t[b]))
            elif is_folded(op):
                kind = folded_kind(op)
                u = vals[a]
                if constant_left(op):
                    _flow(g, gt, a, binary_db(kind, self.c[i], u, y), gi, gti,
                          tangent(binary_bb(kind, self.c[i], u, y), t[a]))
                else:
                    _flow(g, gt, a, binary_da(kind, u, self.c[i], y), gi, gti,
                          tangent(binary_aa(kind, u, self.c[i], y), t[a]))
            elif op == SUM:
                for k in range(self.start[i], self.start[i + 1]):
                    if self.item[k] >= 0:
                        _flow(g, gt, self.item[k], 1.0, gi, gti, 0.0)
            else:  # DOT
                k = self.start[i]
                while k < self.start[i + 1]:
                    w, x = self.item[k], self.item[k + 1]
                    wd = vals[w] if w >= 0 else self.item_c[k]
                    xd = vals[x] if x >= 0 else self.item_c[k + 1]
                    if w >= 0:
                        _flow(g, gt, w, xd, gi, gti,
                              tangent(1.0, t[x]) if x >= 0 else 0.0)
                    if x >= 0:
                        _flow(g, gt, x, wd, gi, gti,
                              tangent(1.0, t[w]) if w >= 0 else 0.0)
                    k += 2

    def hvp(self, const double[::1] x not None, const double[::1] v not None,
            double[::1] hv not None):
        """H v into hv; returns f(x)."""
        cdef Py_ssize_t i, j
        cdef double value
        _fits(x.shape[0], self.n_inputs, "x")
        _fits(v.shape[0], self.n_inputs, "v")
        _fits(hv.shape[0], self.n_inputs, "hv")
        cdef double *scratch = <double *>_alloc(4 * self.n, sizeof(double))
        cdef double *vals = scratch
        try:
            with nogil:
                self.forward(&x[0], vals)
                value = vals[self.n - 1]
                self.tangents(vals, &v[0], scratch + self.n)
                self.second_backward(vals, scratch + self.n, scratch + 2 * self.n,
                                     scratch + 3 * self.n)
                for i in range(self.n_inputs):
                    j = self.inputs[i]
                    hv[i] = scratch[3 * self.n + j] if j >= 0 else 0.0
        finally:
            PyMem_Free(scratch)
        return value

    def hessian(self, const double[::1] x not None, double[:, ::1] H not None):
        """H into H (n_inputs × n_inputs), column c = hvp(e_c): one forward, then a
        sweep per column."""
        cdef Py_ssize_t i, j, col, m = self.n_inputs
        _fits(x.shape[0], m, "x")
        _fits(H.shape[0], m, "H")
        _fits(H.shape[1], m, "a row of H")
        cdef double *scratch = <double *>_alloc(4 * self.n + m, sizeof(double))
        cdef double *vals = scratch
        cdef double *e = scratch + 4 * self.n
        try:
            with nogil:
                self.forward(&x[0], vals)
                for i in range(m):
                    e[i] = 0.0
                for col in range(m):
                    e[col] = 1.0
                    self.tangents(vals, e, scratch + self.n)
                    self.second_backward(vals, scratch + self.n, scratch + 2 * self.n,
                                         scratch + 3 * self.n)
                    e[col] = 0.0
                    for i in range(m):
                        j = self.inputs[i]
                        H[i, col] = scratch[3 * self.n + j] if j >= 0 else 0.0
        finally:
            PyMem_Free(scratch)

    # --- from Python --------------------------------------------------------------------

    cdef double *take_scratch(self) except NULL:
        cdef double *scratch = self.spare
        self.spare = NULL
        if scratch == NULL:
            scratch = <double *>_alloc(2 * self.n, sizeof(double))
        return scratch

    cdef void give_back(self, double *scratch) noexcept:
        if self.spare == NULL:
            self.spare = scratch
        else:
            PyMem_Free(scratch)

    cdef int single(self, const double[::1] x, double *value, double *grad) except -1:
        # The scratch changes hands under the GIL, so that threads replaying this tape
        # at once each get their own.
        cdef double *scratch = self.take_scratch()
        try:
            with nogil:
                self.run(&x[0], value, grad, scratch)
        finally:
            self.give_back(scratch)
        return 0

    # (With no input, &x[0] is an address never read: run() reads n_inputs items.)

    def value(self, const double[::1] x not None):
        """f(x), x a float64 array of n_inputs items."""
        cdef double value
        _fits(x.shape[0], self.n_inputs, "x")
        self.single(x, &value, NULL)
        return value

    def value_and_grad(self, const double[::1] x not None, double[::1] grad not None):
        """f(x), with the gradient written into grad (n_inputs items)."""
        cdef double value
        _fits(x.shape[0], self.n_inputs, "x")
        _fits(grad.shape[0], self.n_inputs, "grad")
        self.single(x, &value, &grad[0])
        return value

    def batch(self, const double[:, ::1] X not None, double[::1] values not None,
              double[:, ::1] grads not None, Py_ssize_t lo, Py_ssize_t hi):
        """Rows lo .. hi - 1 of X (m, n_inputs) into values and grads, the GIL released;
        the first error stops the rows and is raised."""
        cdef Py_ssize_t r
        _fits(X.shape[1], self.n_inputs, "a row of X")
        _fits(grads.shape[1], self.n_inputs, "a row of grads")
        if not (0 <= lo <= hi <= X.shape[0] and hi <= values.shape[0] and hi <= grads.shape[0]):
            raise ValueError(f"cydiff: rows {lo} to {hi} are not rows of X, values and grads")
        cdef double *scratch = <double *>_alloc(2 * self.n, sizeof(double))
        try:
            with nogil:
                for r in range(lo, hi):
                    self.run(&X[r, 0], &values[r], &grads[r, 0], scratch)
        finally:
            PyMem_Free(scratch)
