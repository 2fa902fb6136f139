# cython: language_level=3
"""The functions the compiled op table is written with: the C twins of the ones
`cydiff/_ops_py.py` gives the pure twin (read the two side by side).

The op spec (`cydiff/_spec.py`) writes each op's formulas once; `src/codegen.py` turns
them into `_ops_c.pxd`, calling these. Forward values follow Python's `float` and
`math`; where Python raises, the C code detects it and calls Python itself
(`cydiff._common`), so the exception, message included, is Python's own. Local
derivatives never raise: libm already returns IEEE 754 infinities and nans, which the
pure twin reproduces.

Header only, but for the cold paths in `_kernels_c.pyx`: everything here is inline.
"""

from libc.errno cimport ERANGE, errno
from libc.string cimport memcpy
from libc.math cimport (
    INFINITY, NAN, acos, asin, atan, copysign, cos, cosh, exp, expm1, fabs, floor, fmod,
    isfinite, isinf, isnan, log, log1p, pow, sin, sinh, sqrt, tan, tanh,
)

# --- out of line, in _kernels_c.pyx: the cold paths and CPython's float_pow ----------
# (Kept out of the inline formulas below, so those stay small enough for the C
# compiler to inline them and fold their switch on a constant op.)

cdef enum:
    POW_OK = 0
    POW_ZERO_DIVISION = 1   # 0.0 ** negative (and, for binary_value, x / 0.0)
    POW_COMPLEX = 2         # negative ** fraction
    POW_RANGE = 3           # overflow
    POW_ASK = 4             # math.<f>(a, b) raises there, or is not libm's (hypot)

cdef double py_math(str name, double x) except? -1.0   # Python's math.<name>(x)
cdef double py_math2(str name, double a, double b) except? -1.0  # math.<name>(a, b)
cdef double py_div(double a, double b) except? -1.0    # Python's a / b
cdef double power(double a, double b) except? -1.0     # Python's a ** b, never complex
cdef double pow_core(double a, double b, int *err) noexcept nogil
cdef double ieee_pow(double a, double b) noexcept nogil


cdef inline double math1(str name, double r, double x) except? -1.0:
    """r = f(x) from libm, checked as CPython's math module checks it."""
    if (isnan(r) and not isnan(x)) or (isinf(r) and isfinite(x)):
        return py_math(name, x)
    return r


cdef inline bint math2_error(double r, double a, double b) noexcept nogil:
    """CPython's math_2 test: a nan from numbers, or an infinity from finite ones."""
    return ((isnan(r) and not isnan(a) and not isnan(b))
            or (isinf(r) and isfinite(a) and isfinite(b)))


cdef inline double math2(str name, double r, double a, double b) except? -1.0:
    """r = f(a, b) from libm, checked as CPython's math module checks it."""
    if math2_error(r, a, b):
        return py_math2(name, a, b)
    return r


cdef inline double asks2(double r, double a, double b, int *err) noexcept nogil:
    """r, noting in *err where math2 would ask Python (for the tape's replay)."""
    if math2_error(r, a, b):
        err[0] = POW_ASK
    return r


cdef inline double ask_python(int *err) noexcept nogil:
    """No value in C: Python answers (math.hypot, CPython's own algorithm)."""
    err[0] = POW_ASK
    return 0.0


# --- x ** 2 as a product ------------------------------------------------------------

cdef extern from *:
    """
    /* glibc's pow: correctly rounded before 2.28, under 0.54 ulp since (ARM's
       optimized-routines pow, documented). Elsewhere (macOS, Windows, musl, which no
       macro tells apart) cydiff does not know pow's error, and keeps pow. */
    #if defined(__GLIBC__)
    #define CYDIFF_SQUARE_IS_PRODUCT 1
    #else
    #define CYDIFF_SQUARE_IS_PRODUCT 0
    #endif
    """
    bint SQUARE_IS_PRODUCT "CYDIFF_SQUARE_IS_PRODUCT"
    const double TWO_TO_MINUS_960 "0x1p-960"
    const double TWO_TO_1000 "0x1p+1000"
    const double ULP_OF_ONE "0x1p-52"


cdef inline bint square_is_product(double a, double p) noexcept nogil:
    """Whether p = a * a is what CPython's a ** 2.0 gives, libm's pow(|a|, 2.0), proved:
    p is a² correctly rounded; a libm pow within B ulp of a² returns the other double
    next to a² only if a² lies within B - 0.5 ulp of the midpoint between them. So where
    a² is less than 0.4 ulp from p (its error e, exact by Dekker's product), a pow under
    0.6 ulp returns p. Only away from underflow and overflow (where e is exact and pow
    may set errno), and only with a pow known to be that accurate (SQUARE_IS_PRODUCT).
    (10^8 random and near-tie squares on glibc 2.36: pow never differed from a * a.)"""
    cdef double c, hi, lo, e, power_of_two
    cdef unsigned long long bits
    if not SQUARE_IS_PRODUCT or not (TWO_TO_MINUS_960 <= p <= TWO_TO_1000):  # (nan fails)
        return False
    c = 134217729.0 * a  # 2^27 + 1: a = hi + lo, each of 26 bits or fewer
    hi = c - (c - a)
    lo = a - hi
    e = ((hi * hi - p) + 2.0 * hi * lo) + lo * lo  # a² - p, exactly
    memcpy(&bits, &p, sizeof(double))
    bits &= 0x7FF0000000000000ULL
    memcpy(&power_of_two, &bits, sizeof(double))  # p's binade: ulp(p) = it · 2^-52
    return fabs(e) < 0.4 * ULP_OF_ONE * power_of_two


# --- IEEE 754 versions of the operations Python makes raise --------------------

cdef inline double ieee_div(double a, double b) noexcept nogil:
    """a / b as IEEE 754 divides: a nonzero number over zero is a signed infinity."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return NAN
    return copysign(INFINITY, a) * copysign(1.0, b)

cdef inline bint is_odd(double b) noexcept nogil:
    """Whether the finite double b is an odd integer (CPython's test)."""
    return fmod(fabs(b), 2.0) == 1.0

cdef inline double ieee_log(double x) noexcept nogil:
    return log(x) if x > 0.0 else (-INFINITY if x == 0.0 else NAN)

cdef inline double ieee_sqrt(double x) noexcept nogil:
    return sqrt(x) if x >= 0.0 else NAN

# exp, sin, cos, sinh and cosh of libm already return inf or nan where
# Python's math raises: the pure twin's _exp, _sin, ... give those values.


# --- forward formulas that are not a single call of Python's -----------------

cdef inline double sigmoid(double x) noexcept nogil:
    """1 / (1 + exp(-x)) without overflow: exp only ever sees -|x|."""
    cdef double z
    if x >= 0.0:
        return 1.0 / (1.0 + exp(-x))
    z = exp(x)
    return z / (1.0 + z)

cdef inline double cube(double s) noexcept nogil:
    return s * s * s

cdef inline double divide(double a, double b) except? -1.0:
    """Python's a / b: ZeroDivisionError at b == 0."""
    if b == 0.0:
        return py_div(a, b)
    return ieee_div(a, b)

cdef inline double reciprocal(double x) noexcept nogil:
    """1.0 / x in IEEE 754 (an infinity at 0, where math1 asks Python: ZeroDivisionError)."""
    return ieee_div(1.0, x)

cdef inline double tangent(double d, double dx) noexcept nogil:
    """The chain rule's product of a local derivative d and a tangent (or gradient) dx;
    an exact zero is a strong zero: 0 * inf and 0 * nan are 0."""
    return 0.0 if d == 0.0 or dx == 0.0 else d * dx
