# cython: language_level=3, auto_pickle=False, c_api_binop_methods=True
"""Dual numbers for forward-mode AD: the compiled twin of `cydiff/_dual_py.py`.

Each op computes its value with the op table's forward formula and its
derivative with the local derivative times the incoming tangent, exactly as
the pure twin does, on C doubles.
"""

cimport cython

cdef extern from *:
    # With GCC and Clang, the small inline helpers here (this module's and the op
    # table's) must be inlined, so that a switch on a constant op code folds away;
    # the compiler's own size heuristics keep the operators' common helper out of
    # line and cost forward mode 7%. A helper that could not be inlined would fail
    # the build loudly, never silently.
    """
    #if defined(__GNUC__)
    #undef CYTHON_INLINE
    #define CYTHON_INLINE inline __attribute__((always_inline))
    #endif
    """
from cpython.float cimport PyFloat_AS_DOUBLE
from cpython.long cimport PyLong_AsDouble

from cpython.ref cimport PyObject

from cydiff._convert_c cimport as_number, number
from cydiff._pool_c cimport (
    Pool, PyTypeObject, init_static, pool_give, pool_init, pool_new, pool_take, steal,
)
from cydiff._ops_c cimport (
    ABS, ACOS, ADD, ASIN, ATAN, COS, COSH, DIV, EXP, EXPM1, LOG, LOG1P, MUL, NEG, POW, RELU,
    SIGMOID, SIN, SINH, SOFTPLUS, SQRT, SUB, TAN, TANH, binary_da, binary_db, binary_forward,
    tangent, unary_deriv, unary_forward,  # no-cython-lint
)

from cydiff import _common, _pickle


# Duals are made and freed here, as Values are (see _value_c, "The life of a
# node"): memory from a pool of freed Duals, filled once, no tp_new call.
cdef Pool _pool


cdef Dual make_dual(double val, double deriv):
    cdef PyObject *o = pool_take(&_pool)
    if o == NULL:
        raise MemoryError()
    init_static(o, <PyTypeObject *>Dual)
    (<Dual>o)._val = val
    (<Dual>o)._deriv = deriv
    return <Dual>steal(o)


cdef PyObject *_alloc(PyTypeObject *t, Py_ssize_t n) noexcept:
    """tp_alloc: a zeroed Dual with one reference (NULL and MemoryError with no memory)."""
    return pool_new(&_pool, t)


cdef void _dealloc(PyObject *o) noexcept:
    """tp_dealloc: the Dual's last reference is gone."""
    pool_give(&_pool, o)


cdef inline Dual _binary(int op, Dual a, Dual b):
    cdef double y = binary_forward(op, a._val, b._val)
    return make_dual(y, tangent(binary_da(op, a._val, b._val, y), a._deriv)
                     + tangent(binary_db(op, a._val, b._val, y), b._deriv))


cdef inline Dual _with_constant(int op, Dual x, double c, bint constant_left):
    """x op c (or c op x): a number is a Dual whose tangent is zero."""
    cdef double y
    if constant_left:
        y = binary_forward(op, c, x._val)
        return make_dual(y, tangent(binary_db(op, c, x._val, y), x._deriv))
    y = binary_forward(op, x._val, c)
    return make_dual(y, tangent(binary_da(op, x._val, c, y), x._deriv))


cdef inline object _operand(int op, str symbol, Dual x, object other, bint reflected):
    """x op other (or other op x): small, so each operator inlines it with its op."""
    if type(other) is Dual:
        return _binary(op, <Dual>other, x) if reflected else _binary(op, x, <Dual>other)
    if type(other) is float:
        return _with_constant(op, x, PyFloat_AS_DOUBLE(other), reflected)
    if type(other) is int:  # x ** 2, 2 * x: OverflowError for a huge int, as float(other)
        return _with_constant(op, x, PyLong_AsDouble(other), reflected)
    return _operand_slow(op, symbol, x, other, reflected)


cdef object _operand_slow(int op, str symbol, Dual x, object other, bint reflected):
    """_operand for any other number (int, numpy scalars, ...), or the error."""
    cdef double c
    if not as_number(other, &c):
        return (_common.operand_error(symbol, other, x) if reflected
                else _common.operand_error(symbol, x, other))
    return _with_constant(op, x, c, reflected)


cdef inline object _binop(int op, str symbol, object a, object b):
    """An operator's slot: one of a and b is a Dual (a if it is on the left)."""
    if type(a) is Dual:
        return _operand(op, symbol, <Dual>a, b, False)
    return _operand(op, symbol, <Dual>b, a, True)


cdef inline object _compare(str symbol, Dual x, object other, double *c):
    """1 with *c the number to compare x with, or what the comparison returns instead."""
    if type(other) is Dual:
        c[0] = (<Dual>other)._val
        return True
    if as_number(other, c):
        return True
    return _common.comparison_error(symbol, x, other)


@cython.final
cdef class Dual:
    """A dual number `val + deriv·ε` (ε² = 0): forward-mode AD.

    >>> x = Dual(1.5, 1.0)                  # seed: dx/dx = 1
    >>> y = (x**2 + 1).sin()
    >>> y
    Dual(val=-0.108195, deriv=-2.982389)
    """

    # Made whole by Dual(...) itself (tp_new), as in the pure twin: __init__ is object's
    # and does nothing, so calling it again cannot change the number.
    def __cinit__(self, val, deriv=0.0):
        self._val = number(val, "Dual() argument 'val'")
        self._deriv = number(deriv, "Dual() argument 'deriv'")

    @property
    def val(self):
        """The value."""
        return self._val

    @property
    def deriv(self):
        """The derivative along the seeded direction."""
        return self._deriv

    def __setattr__(self, name, value):
        _common.immutable("Dual", name)

    def __delattr__(self, name):
        _common.immutable("Dual", name)

    def __repr__(self):
        return f"Dual(val={self._val:.6f}, deriv={self._deriv:.6f})"

    def __reduce__(self):
        return (_pickle.restore_dual, ("compiled", self._val, self._deriv))

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
        if modulo is not None:  # pow(x, y, m): only a Dual x takes it (Python's rule)
            if type(a) is not Dual:
                return NotImplemented
            _common.no_modulo("Dual")
        return _binop(POW, "** or pow()", a, b)

    def __neg__(self):
        return dual_unary(NEG, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return dual_unary(ABS, self)

    # --- no silent conversion: the derivative would be lost -------------------
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
        if type(other) is Dual:
            return self._val == (<Dual>other)._val
        if not as_number(other, &c):
            return NotImplemented
        return self._val == c

    def __ne__(self, other):
        cdef double c
        if type(other) is Dual:
            return self._val != (<Dual>other)._val
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
        return dual_unary(EXP, self)

    def log(self):
        return dual_unary(LOG, self)

    def sqrt(self):
        return dual_unary(SQRT, self)

    def sin(self):
        return dual_unary(SIN, self)

    def cos(self):
        return dual_unary(COS, self)

    def tan(self):
        return dual_unary(TAN, self)

    def tanh(self):
        return dual_unary(TANH, self)

    def sigmoid(self):
        return dual_unary(SIGMOID, self)

    def relu(self):
        return dual_unary(RELU, self)

    def abs(self):
        return dual_unary(ABS, self)

    def log1p(self):
        return dual_unary(LOG1P, self)

    def expm1(self):
        return dual_unary(EXPM1, self)

    def asin(self):
        return dual_unary(ASIN, self)

    def acos(self):
        return dual_unary(ACOS, self)

    def atan(self):
        return dual_unary(ATAN, self)

    # numpy's names: np.arcsin(a) calls each element's arcsin(). Aliases: three methods
    # of their own moved the module's hot code and cost Value's forward 5-7%.
    arcsin, arccos, arctan = asin, acos, atan

    def sinh(self):
        return dual_unary(SINH, self)

    def cosh(self):
        return dual_unary(COSH, self)

    def softplus(self):
        return dual_unary(SOFTPLUS, self)


cdef Dual dual_sum(list items):
    """Σ items (Duals and floats, at least one item), summed left to right."""
    cdef double val = 0.0, deriv = 0.0, v, d
    cdef Py_ssize_t i
    for i in range(len(items)):
        item = items[i]
        if type(item) is Dual:
            v, d = (<Dual>item)._val, (<Dual>item)._deriv
        else:
            v, d = <double>item, 0.0
        if i == 0:
            val, deriv = v, d
        else:
            val, deriv = val + v, deriv + d
    return make_dual(val, deriv)


cdef Dual dual_dot(list ws, list xs):
    """Σ ws[i]·xs[i] (Duals and floats, equal lengths, at least one term),
    with the product rule per term, summed left to right."""
    cdef double val = 0.0, deriv = 0.0, wv, wd, xv, xd, term_val, term_deriv
    cdef Py_ssize_t i
    for i in range(len(ws)):
        w, x = ws[i], xs[i]
        if type(w) is Dual:
            wv, wd = (<Dual>w)._val, (<Dual>w)._deriv
        else:
            wv, wd = <double>w, 0.0
        if type(x) is Dual:
            xv, xd = (<Dual>x)._val, (<Dual>x)._deriv
        else:
            xv, xd = <double>x, 0.0
        term_val = wv * xv
        term_deriv = tangent(xv, wd) + tangent(wv, xd)
        if i == 0:
            val, deriv = term_val, term_deriv
        else:
            val, deriv = val + term_val, deriv + term_deriv
    return make_dual(val, deriv)


pool_init(&_pool, 4096, (<PyTypeObject *>Dual).tp_basicsize)
(<PyTypeObject *>Dual).tp_alloc = _alloc
(<PyTypeObject *>Dual).tp_dealloc = _dealloc
