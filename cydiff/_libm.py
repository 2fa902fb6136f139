"""The C library's functions that the pure twin needs and Python's math lacks.

math.exp2 and math.cbrt for Pythons before 3.11: Python 3.11's call the C library's exp2
and cbrt, as the compiled twin does; before 3.11 the pure twin calls them too (through
ctypes), checked as CPython's math module checks a libm result, so that the twins agree
on every Python. And the C library's hypot, which atan2's derivatives are written with:
math.hypot is CPython's own algorithm, whose last bit can differ.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math
import sys
from typing import Any


def _c_library() -> Any:
    if sys.platform == "win32":
        return ctypes.CDLL("ucrtbase")
    return ctypes.CDLL(ctypes.util.find_library("m") or None)


_LIBM = _c_library()
for _name in ("exp2", "cbrt"):
    getattr(_LIBM, _name).restype = ctypes.c_double
    getattr(_LIBM, _name).argtypes = [ctypes.c_double]
_LIBM.hypot.restype = ctypes.c_double
_LIBM.hypot.argtypes = [ctypes.c_double, ctypes.c_double]


def _checked(x: float, r: float, can_overflow: bool) -> float:
    """r = f(x) as CPython's math_1 returns it: a nan from a number, or an infinity from
    a finite number, raises."""
    if math.isnan(r) and not math.isnan(x):
        raise ValueError("math domain error")
    if math.isinf(r) and math.isfinite(x):
        raise (OverflowError("math range error") if can_overflow
               else ValueError("math domain error"))
    return r


def exp2(x: float) -> float:
    """2 ** x, as Python 3.11's math.exp2."""
    x = float(x)
    return _checked(x, _LIBM.exp2(x), True)


def cbrt(x: float) -> float:
    """The real cube root, as Python 3.11's math.cbrt."""
    x = float(x)
    return _checked(x, _LIBM.cbrt(x), False)


def c_hypot(a: float, b: float) -> float:
    """The C library's hypot(a, b): never raises (inf where it overflows)."""
    result: float = _LIBM.hypot(a, b)
    return result
