# cython: language_level=3
"""cydiff's functions, the compiled twin of `cydiff/_functions_py.py`.

Each elementary function takes a float (and gives what `math` gives), a
`Value` (a graph node), a `Dual` (value and derivative) or a `MultiDual`
(value and up to 8 partials).
"""

cdef extern from *:
    # With GCC and Clang, _apply and the op table's inline helpers are inlined into
    # each function, so that the switch on its constant op code folds away (as in
    # _dual_c). Measured: 4% of forward mode.
    """
    #if defined(__GNUC__)
    #undef CYTHON_INLINE
    #define CYTHON_INLINE inline __attribute__((always_inline))
    #endif
    """

from cydiff._convert_c cimport as_number
from cydiff._dual_c cimport Dual, dual_dot, dual_sum, dual_unary
from cydiff._multidual_c cimport MultiDual, multidual_dot, multidual_sum, multidual_unary
from cydiff._ops_c cimport (
    ABS, ACOS, ASIN, ATAN, COS, COSH, EXP, EXPM1, LOG, LOG1P, RELU, SIGMOID, SIN, SINH,
    SOFTPLUS, SQRT, TAN, TANH, unary_forward,
)
from cydiff._value_c cimport Value, value_dot, value_sum, value_unary

from cydiff import _common
from cydiff._nested import Nested, nested_dot, nested_sum


cdef inline object _apply(int op, str name, object x):
    cdef double c = 0.0
    if type(x) is Value:
        return value_unary(op, <Value>x)
    if type(x) is Dual:
        return dual_unary(op, <Dual>x)
    if type(x) is MultiDual:
        return multidual_unary(op, <MultiDual>x)
    if not as_number(x, &c):
        return _common.function_argument_error(name, x)
    return unary_forward(op, c)


def exp(x):
    """e ** x."""
    return _apply(EXP, "exp", x)


def log(x):
    """Natural logarithm; ValueError for x <= 0, as math.log."""
    return _apply(LOG, "log", x)


def sqrt(x):
    """Square root; ValueError for x < 0."""
    return _apply(SQRT, "sqrt", x)


def sin(x):
    return _apply(SIN, "sin", x)


def cos(x):
    return _apply(COS, "cos", x)


def tan(x):
    return _apply(TAN, "tan", x)


def tanh(x):
    return _apply(TANH, "tanh", x)


def sigmoid(x):
    """1 / (1 + e**-x), computed without overflow."""
    return _apply(SIGMOID, "sigmoid", x)


def relu(x):
    """max(x, 0); relu'(0) = 0."""
    return _apply(RELU, "relu", x)


def abs(x):
    """|x|; abs'(0) = 0."""
    return _apply(ABS, "abs", x)


def log1p(x):
    """log(1 + x), accurate for small x."""
    return _apply(LOG1P, "log1p", x)


def expm1(x):
    """e**x - 1, accurate for small x."""
    return _apply(EXPM1, "expm1", x)


def asin(x):
    return _apply(ASIN, "asin", x)


def acos(x):
    return _apply(ACOS, "acos", x)


def atan(x):
    return _apply(ATAN, "atan", x)


def sinh(x):
    return _apply(SINH, "sinh", x)


def cosh(x):
    return _apply(COSH, "cosh", x)


def softplus(x):
    """log(1 + e**x), computed without overflow."""
    return _apply(SOFTPLUS, "softplus", x)


# --- fused n-ary nodes ---------------------------------------------------------

cdef object _terms(str name, object items, object kind, list terms):
    """Append items to terms as Values, Duals or MultiDuals (all of one kind) and floats;
    return the kind."""
    cdef double c = 0.0
    if isinstance(items, (str, bytes)) or not hasattr(items, "__iter__"):
        _common.not_iterable(name, items)
    for item in items:
        if type(item) is Value or type(item) is Dual or type(item) is MultiDual:
            if kind is None:
                kind = type(item)
            elif type(item) is not kind and kind is not Nested:
                _common.mix_error(name, kind, type(item))
            terms.append(item)
        elif type(item) is Nested:  # a nested derivative's number: it holds the others
            kind = Nested
            terms.append(item)
        else:
            if not as_number(item, &c):
                _common.item_error(name, item)
            terms.append(c)
    return kind


def sum(items):
    """Σ items as one node: a `Value` with one child per Value item, or a `Dual`
    (or `MultiDual`).

    Numbers may stand among the items; with no Value or Dual the sum is a float.
    Terms are added left to right.
    """
    cdef list terms = []
    cdef double total = 0.0
    cdef Py_ssize_t i
    kind = _terms("sum", items, None, terms)
    if kind is Value:
        return value_sum(terms)
    if kind is Dual:
        return dual_sum(terms)
    if kind is MultiDual:
        return multidual_sum(terms)
    if kind is Nested:
        return nested_sum(terms)
    for i in range(len(terms)):
        total = <double>terms[i] if i == 0 else total + <double>terms[i]
    return total


def dot(ws, xs):
    """Σ ws[i]·xs[i] as one node (a neuron is one `dot`, not 2n binary nodes).

    Either sequence may hold Values (or Duals) and numbers; with no Value or
    Dual the result is a float. Terms are added left to right.
    """
    cdef list w_terms = [], x_terms = []
    cdef double total = 0.0, term
    cdef Py_ssize_t i
    kind = _terms("dot", ws, None, w_terms)
    kind = _terms("dot", xs, kind, x_terms)
    if len(w_terms) != len(x_terms):
        _common.length_error("dot", len(w_terms), len(x_terms))
    if kind is Value:
        return value_dot(w_terms, x_terms)
    if kind is Dual:
        return dual_dot(w_terms, x_terms)
    if kind is MultiDual:
        return multidual_dot(w_terms, x_terms)
    if kind is Nested:
        return nested_dot(w_terms, x_terms)
    for i in range(len(w_terms)):
        term = <double>w_terms[i] * <double>x_terms[i]
        total = term if i == 0 else total + term
    return total
