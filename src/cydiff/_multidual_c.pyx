# cython: language_level=3, auto_pickle=False, c_api_binop_methods=True
"""Multi-partial dual numbers for forward-mode AD: the compiled twin of
`cydiff/_multidual_py.py`.

Each op computes its value with the op table's forward formula, its local
derivative once, and every partial as the local derivative times that
partial's incoming tangent, exactly as the pure twin (and `Dual`, per
direction) does, on C doubles. The partials live in the object itself, a
fixed array of MAX_PARTIALS doubles and a count: no allocation but the
object's own, which comes from a pool as a Dual's does.
"""

cimport cython

cdef extern from *:
    # As in _dual_c: with GCC and Clang, the small inline helpers here and the op
    # table's must be inlined, so that a switch on a constant op code folds away.
    """
    #if defined(__GNUC__)
    #undef CYTHON_INLINE
    #define CYTHON_INLINE inline __attribute__((always_inline))
    #endif
    """
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble

from cpython.ref cimport Py_INCREF, PyObject
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM

from cydiff._convert_c cimport as_number, number
from cydiff._pool_c cimport (
    Pool, PyTypeObject, init_static, pool_give, pool_init, pool_new, pool_take, steal,
)
from cydiff._ops_c cimport (
    ABS, ACOS, ADD, ASIN, ATAN, COS, COSH, DIV, EXP, EXPM1, LOG, LOG1P, MUL, NEG, POW, RELU,
    SIGMOID, SIN, SINH, SOFTPLUS, SQRT, SUB, TAN, TANH, binary_da, binary_db, binary_forward,
    tangent,
)

from cydiff import _common, _pickle


# MultiDuals are made and freed here, as Duals are (see _dual_c): memory from a
# pool of freed MultiDuals, filled once, no tp_new call.
cdef Pool _pool


cdef MultiDual make_multidual(double val, int n):
    """A MultiDual with value val and n partials, which the caller sets."""
    cdef PyObject *o = pool_take(&_pool)
    if o == NULL:
        raise MemoryError()
    init_static(o, <PyTypeObject *>MultiDual)
    (<MultiDual>o)._val = val
    (<MultiDual>o)._n = n
    return <MultiDual>steal(o)


cdef PyObject *_alloc(PyTypeObject *t, Py_ssize_t n) noexcept:
    """tp_alloc: a zeroed MultiDual with one reference (NULL and MemoryError with no memory)."""
    return pool_new(&_pool, t)


cdef void _dealloc(PyObject *o) noexcept:
    """tp_dealloc: the MultiDual's last reference is gone."""
    pool_give(&_pool, o)


cdef int _mismatch(str where, int n, int m) except -1:
    _common.partials_mismatch(where, n, m)
    return -1


cdef inline MultiDual _binary(int op, str symbol, MultiDual a, MultiDual b):
    cdef double y, da, db
    cdef MultiDual r
    cdef int k
    if a._n != b._n:
        _mismatch("operands of " + symbol, a._n, b._n)
    y = binary_forward(op, a._val, b._val)
    da = binary_da(op, a._val, b._val, y)
    db = binary_db(op, a._val, b._val, y)
    r = make_multidual(y, a._n)
    for k in range(a._n):
        r._p[k] = tangent(da, a._p[k]) + tangent(db, b._p[k])
    return r


cdef inline MultiDual _with_constant(int op, MultiDual x, double c, bint constant_left):
    """x op c (or c op x): a number is a MultiDual whose partials are zero."""
    cdef double y, d
    cdef MultiDual r
    cdef int k
    if constant_left:
        y = binary_forward(op, c, x._val)
        d = binary_db(op, c, x._val, y)
    else:
        y = binary_forward(op, x._val, c)
        d = binary_da(op, x._val, c, y)
    r = make_multidual(y, x._n)
    for k in range(x._n):
        r._p[k] = tangent(d, x._p[k])
    return r


cdef inline object _operand(int op, str symbol, MultiDual x, object other, bint reflected):
    """x op other (or other op x): small, so each operator inlines it with its op."""
    if type(other) is MultiDual:
        return (_binary(op, symbol, <MultiDual>other, x) if reflected
                else _binary(op, symbol, x, <MultiDual>other))
    if type(other) is float:
        return _with_constant(op, x, PyFloat_AS_DOUBLE(other), reflected)
    if type(other) is int:  # x ** 2, 2 * x: OverflowError for a huge int, as float(other)
        return _with_constant(op, x, PyLong_AsDouble(other), reflected)
    return _operand_slow(op, symbol, x, other, reflected)


cdef object _operand_slow(int op, str symbol, MultiDual x, object other, bint reflected):
    """_operand for any other number (int, numpy scalars, ...), or the error."""
    cdef double c
    if not as_number(other, &c):
        return (_common.operand_error(symbol, other, x) if reflected
                else _common.operand_error(symbol, x, other))
    return _with_constant(op, x, c, reflected)


cdef inline object _binop(int op, str symbol, object a, object b):
    """An operator's slot: one of a and b is a MultiDual (a if it is on the left)."""
    if type(a) is MultiDual:
        return _operand(op, symbol, <MultiDual>a, b, False)
    return _operand(op, symbol, <MultiDual>b, a, True)


cdef inline object _compare(str symbol, MultiDual x, object other, double *c):
    """1 with *c the number to compare x with, or what the comparison returns instead."""
    if type(other) is MultiDual:
        c[0] = (<MultiDual>other)._val
        return True
    if as_number(other, c):
        return True
    return _common.comparison_error(symbol, x, other)


@cython.final
cdef class MultiDual:
    """A dual number with up to 8 partials `val + Σ partials[k]·ε_k` (ε_j·ε_k = 0):
    forward-mode AD along several directions at once.

    >>> x = MultiDual(2.0, (1.0, 0.0))      # seeds: dx/dx = 1, dx/dy = 0
    >>> y = MultiDual(3.0, (0.0, 1.0))
    >>> x * y + x**2
    MultiDual(val=10.000000, partials=(7.000000, 2.000000))
    """

    CHUNK = MAX_PARTIALS

    # Made whole by MultiDual(...) itself (tp_new), as in the pure twin: __init__ is
    # object's and does nothing, so calling it again cannot change the number.
    def __cinit__(self, val, partials=()):
        cdef double v = number(val, "MultiDual() argument 'val'")
        cdef double p[MAX_PARTIALS]
        cdef Py_ssize_t k, n
        cdef tuple items
        if type(partials) is tuple:
            items = <tuple>partials
        elif isinstance(partials, (str, bytes)) or not hasattr(partials, "__iter__"):
            _common.partials_error(partials)
        else:
            items = tuple(partials)
        n = len(items)
        if n > MAX_PARTIALS:
            _common.too_many_partials(n, MAX_PARTIALS)
        for k in range(n):
            if not as_number(items[k], &p[k]):
                _common.argument_error(f"MultiDual() argument 'partials' item {k}", items[k])
        # both checked before either is set: nothing half-built
        self._val = v
        self._n = <int>n
        for k in range(n):
            self._p[k] = p[k]

    @property
    def val(self):
        """The value."""
        return self._val

    @property
    def partials(self):
        """The derivatives along the seeded directions, one per direction."""
        cdef tuple t = PyTuple_New(self._n)
        cdef object p
        cdef int k
        for k in range(self._n):
            p = self._p[k]
            Py_INCREF(p)  # PyTuple_SET_ITEM steals the reference
            PyTuple_SET_ITEM(t, k, p)
        return t

    @property
    def n(self):
        """The number of partials (seeded directions), 0 to CHUNK."""
        return self._n

    def __setattr__(self, name, value):
        _common.immutable("MultiDual", name)

    def __delattr__(self, name):
        _common.immutable("MultiDual", name)

    def __repr__(self):
        inner = ", ".join([f"{self._p[k]:.6f}" for k in range(self._n)])
        comma = "," if self._n == 1 else ""
        return f"MultiDual(val={self._val:.6f}, partials=({inner}{comma}))"

    def __reduce__(self):
        return (_pickle.restore_multidual, ("compiled", self._val, self.partials))

    def __copy__(self):
        return self  # immutable

    def __deepcopy__(self, memo):
        return self

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
        if modulo is not None:  # pow(x, y, m): only a MultiDual x takes it (Python's rule)
            if type(a) is not MultiDual:
                return NotImplemented
            _common.no_modulo("MultiDual")
        return _binop(POW, "** or pow()", a, b)

    def __neg__(self):
        return multidual_unary(NEG, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return multidual_unary(ABS, self)

    # --- no silent conversion: the partials would be lost ---------------------
    def __bool__(self):
        """As the value's: false at 0.0 and -0.0, true at nan."""
        return self._val != 0.0

    def __float__(self):
        _common.no_float(self)

    def __int__(self):
        _common.no_float(self)

    # --- comparisons look at the value only -----------------------------------
    def __eq__(self, other):
        cdef double c
        if type(other) is MultiDual:
            return self._val == (<MultiDual>other)._val
        if not as_number(other, &c):
            return NotImplemented
        return self._val == c

    def __ne__(self, other):
        cdef double c
        if type(other) is MultiDual:
            return self._val != (<MultiDual>other)._val
        if not as_number(other, &c):
            return NotImplemented
        return self._val != c

    def __hash__(self):
        if self._val != self._val:  # a nan by identity (_common.hash_of)
            return object.__hash__(self)
        return hash(self._val)

    def __lt__(self, other):
        cdef double c
        r = _compare("<", self, other, &c)
        return r if r is NotImplemented else self._val < c

    def __le__(self, other):
        cdef double c
        r = _compare("<=", self, other, &c)
        return r if r is NotImplemented else self._val <= c

    def __gt__(self, other):
        cdef double c
        r = _compare(">", self, other, &c)
        return r if r is NotImplemented else self._val > c

    def __ge__(self, other):
        cdef double c
        r = _compare(">=", self, other, &c)
        return r if r is NotImplemented else self._val >= c

    # --- elementary functions -------------------------------------------------
    def exp(self):
        return multidual_unary(EXP, self)

    def log(self):
        return multidual_unary(LOG, self)

    def sqrt(self):
        return multidual_unary(SQRT, self)

    def sin(self):
        return multidual_unary(SIN, self)

    def cos(self):
        return multidual_unary(COS, self)

    def tan(self):
        return multidual_unary(TAN, self)

    def tanh(self):
        return multidual_unary(TANH, self)

    def sigmoid(self):
        return multidual_unary(SIGMOID, self)

    def relu(self):
        return multidual_unary(RELU, self)

    def abs(self):
        return multidual_unary(ABS, self)

    def log1p(self):
        return multidual_unary(LOG1P, self)

    def expm1(self):
        return multidual_unary(EXPM1, self)

    def asin(self):
        return multidual_unary(ASIN, self)

    def acos(self):
        return multidual_unary(ACOS, self)

    def atan(self):
        return multidual_unary(ATAN, self)

    # numpy's names: np.arcsin(a) calls each element's arcsin(). Aliases: three methods
    # of their own moved the module's hot code and cost Value's forward 5-7%.
    arcsin, arccos, arctan = asin, acos, atan

    def sinh(self):
        return multidual_unary(SINH, self)

    def cosh(self):
        return multidual_unary(COSH, self)

    def softplus(self):
        return multidual_unary(SOFTPLUS, self)


cdef int _count(str where, list items, int n) except -2:
    """The number of partials the MultiDual items share, given n of those before them
    (-1: none yet); ValueError if they differ."""
    cdef Py_ssize_t i
    for i in range(len(items)):
        item = items[i]
        if type(item) is MultiDual:
            if n < 0:
                n = (<MultiDual>item)._n
            elif (<MultiDual>item)._n != n:
                _mismatch(where, n, (<MultiDual>item)._n)
    return n


cdef MultiDual multidual_sum(list items):
    """Σ items (MultiDuals and floats, at least one MultiDual), summed left to right."""
    cdef int n = _count("sum() items", items, -1), k
    cdef double val = 0.0, v
    cdef double partials[MAX_PARTIALS]
    cdef double zeros[MAX_PARTIALS]
    cdef double *ps
    cdef Py_ssize_t i
    cdef MultiDual r
    for k in range(n):
        partials[k] = zeros[k] = 0.0
    for i in range(len(items)):
        item = items[i]
        if type(item) is MultiDual:
            v = (<MultiDual>item)._val
            ps = (<MultiDual>item)._p
        else:
            v = <double>item
            ps = zeros
        if i == 0:
            val = v
            for k in range(n):
                partials[k] = ps[k]
        else:
            val = val + v
            for k in range(n):
                partials[k] = partials[k] + ps[k]
    r = make_multidual(val, n)
    for k in range(n):
        r._p[k] = partials[k]
    return r


cdef MultiDual multidual_dot(list ws, list xs):
    """Σ ws[i]·xs[i] (MultiDuals and floats, equal lengths, at least one MultiDual),
    with the product rule per term and partial, summed left to right."""
    cdef int n = _count("dot() items", xs, _count("dot() items", ws, -1)), k
    cdef double val = 0.0, wv, xv, term_val, term
    cdef double partials[MAX_PARTIALS]
    cdef double zeros[MAX_PARTIALS]
    cdef double *wp
    cdef double *xp
    cdef Py_ssize_t i
    cdef MultiDual r
    for k in range(n):
        partials[k] = zeros[k] = 0.0
    for i in range(len(ws)):
        w, x = ws[i], xs[i]
        if type(w) is MultiDual:
            wv = (<MultiDual>w)._val
            wp = (<MultiDual>w)._p
        else:
            wv = <double>w
            wp = zeros
        if type(x) is MultiDual:
            xv = (<MultiDual>x)._val
            xp = (<MultiDual>x)._p
        else:
            xv = <double>x
            xp = zeros
        term_val = wv * xv
        val = term_val if i == 0 else val + term_val
        for k in range(n):
            term = tangent(xv, wp[k]) + tangent(wv, xp[k])
            partials[k] = term if i == 0 else partials[k] + term
    r = make_multidual(val, n)
    for k in range(n):
        r._p[k] = partials[k]
    return r


pool_init(&_pool, 4096, (<PyTypeObject *>MultiDual).tp_basicsize)
(<PyTypeObject *>MultiDual).tp_alloc = _alloc
(<PyTypeObject *>MultiDual).tp_dealloc = _dealloc
