# cython: language_level=3, boundscheck=False, wraparound=False
"""lgamma, digamma and trigamma in C, without the GIL.

`digamma` and `trigamma` are the C twins of `cydiff/_gamma_py.py` (read the two side by
side): the same steps in the same order, so the same bits. `cpython_lgamma` is Python's
own `math.lgamma` (CPython computes it itself, not with libm's lgamma): Lanczos'
approximation with the 13 terms of Boost's lanczos13m53 and CPython's order of
operations, so that the compiled twin gives math.lgamma's bits in a tape's replay too.
"""

from libc.math cimport INFINITY, NAN, copysign, cos, fabs, floor, fmod, isfinite, isnan, log
from libc.math cimport round as c_round
from libc.math cimport sin, tan

cdef double PI = 3.141592653589793
cdef double LOG_PI = 1.1447298858494002
cdef double LANCZOS_G = 6.024680040776729583740234375
cdef double LANCZOS_NUM[13]
cdef double LANCZOS_DEN[13]  # x (x + 1) ... (x + 11), expanded
LANCZOS_NUM[:] = [
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
]
LANCZOS_DEN[:] = [0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0,
                  13339535.0, 2637558.0, 357423.0, 32670.0, 1925.0, 66.0, 1.0]


# --- math.lgamma ------------------------------------------------------------------

cdef double _lanczos_sum(double x) noexcept nogil:
    """The Lanczos sum at x > 0: a rational function, in 1/x from 5 up (no overflow)."""
    cdef double num = 0.0, den = 0.0
    cdef int i
    if x < 5.0:
        for i in range(12, -1, -1):
            num = num * x + LANCZOS_NUM[i]
            den = den * x + LANCZOS_DEN[i]
    else:
        for i in range(13):
            num = num / x + LANCZOS_NUM[i]
            den = den / x + LANCZOS_DEN[i]
    return num / den


cdef double _sinpi(double x) noexcept nogil:
    """sin(πx) for finite x, from the quarter period πx falls in."""
    cdef double y = fmod(fabs(x), 2.0), r
    cdef int quarter = <int>c_round(2.0 * y)
    if quarter == 0:
        r = sin(PI * y)
    elif quarter == 1:
        r = cos(PI * (y - 0.5))
    elif quarter == 2:
        r = sin(PI * (1.0 - y))  # not -sin(π(y - 1)): that is -0.0 at y = 1
    elif quarter == 3:
        r = -cos(PI * (y - 1.5))
    else:
        r = sin(PI * (y - 2.0))
    return copysign(1.0, x) * r


cdef double cpython_lgamma(double x) noexcept nogil:
    cdef double r, absx
    if not isfinite(x):
        return x if isnan(x) else INFINITY
    if x == floor(x) and x <= 2.0:
        return INFINITY if x <= 0.0 else 0.0  # poles at 0, -1, ...; lgamma(1) = lgamma(2) = 0
    absx = fabs(x)
    if absx < 1e-20:
        return -log(absx)
    r = log(_lanczos_sum(absx)) - LANCZOS_G
    r = r + (absx - 0.5) * (log(absx + LANCZOS_G - 0.5) - 1.0)
    if x < 0.0:  # reflection
        r = LOG_PI - log(fabs(_sinpi(absx))) - log(absx) - r
    return r


# --- its derivatives: _gamma_py's twins ---------------------------------------------

cdef double ROOT_HI = 1.4616321449683622
cdef double ROOT_LO = 9.549995429965697e-17
cdef double ROOT_SERIES[14]
ROOT_SERIES[:] = [0.9676722454476214, -0.44276316898359214, 0.2584997609556512,
                  -0.16394270544240658, 0.10782405069126239, -0.07219956125645476,
                  0.048804288164143145, -0.033161126474847376, 0.022597648232218125,
                  -0.015424765904948968, 0.010538791616612182, -0.007204534386356875,
                  0.004926781395729858, -0.0033698016554393317]
cdef double ROOT_RADIUS = 0.1
cdef double SHIFT = 10.0


cdef inline double _reduced(double x) noexcept nogil:
    """x - rint(x), exact (Python's round: halves to even, in any rounding mode)."""
    cdef double n = floor(x)
    cdef double rest = x - n
    if rest > 0.5 or (rest == 0.5 and fmod(n, 2.0) != 0.0):
        n = n + 1.0
    return x - n


cdef double digamma(double x) noexcept nogil:
    cdef double t, total, shift, z, w, tail
    cdef int k
    if not isfinite(x):
        return x if x > 0.0 else NAN
    if x <= 0.0:
        if x == floor(x):
            return NAN
        return digamma(1.0 - x) - PI / tan(PI * _reduced(x))
    t = (x - ROOT_HI) - ROOT_LO
    if -ROOT_RADIUS < t < ROOT_RADIUS:
        total = 0.0
        for k in range(13, -1, -1):
            total = total * t + ROOT_SERIES[k]
        return total * t
    shift = 0.0
    while x < SHIFT:
        shift = shift - 1.0 / x
        x = x + 1.0
    z = 1.0 / x
    w = z * z
    tail = w * (1.0 / 12.0 - w * (1.0 / 120.0 - w * (1.0 / 252.0 - w * (
        1.0 / 240.0 - w * (1.0 / 132.0 - w * (691.0 / 32760.0 - w * (1.0 / 12.0)))))))
    return shift + ((log(x) - 0.5 * z) - tail)


cdef double trigamma(double x) noexcept nogil:
    cdef double q, shift, z, w, tail
    if not isfinite(x):
        return 0.0 if x > 0.0 else NAN
    if x <= 0.0:
        if x == floor(x):
            return INFINITY
        q = PI / sin(PI * _reduced(x))
        return q * q - trigamma(1.0 - x)
    shift = 0.0
    while x < SHIFT:
        z = 1.0 / x
        shift = shift + z * z
        x = x + 1.0
    z = 1.0 / x
    w = z * z
    tail = z * w * (1.0 / 6.0 - w * (1.0 / 30.0 - w * (1.0 / 42.0 - w * (
        1.0 / 30.0 - w * (5.0 / 66.0 - w * (691.0 / 2730.0 - w * (7.0 / 6.0)))))))
    return shift + ((z + 0.5 * w) + tail)
