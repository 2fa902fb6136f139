"""Finite-difference derivatives of plain-float functions, the way numdifftools and scipy do them.

The yardstick for cydiff's exact derivatives, and a tool for code cydiff cannot trace:
`cydiff.numerical.gradient(f, x)` needs only floats in, floats out.

Steps are chosen per input, from its scale, to balance truncation against rounding:
h_i = eps**p * max(abs(x_i), 1) with p = 1/3 for central differences, 1/2 for one-sided ones and
1/4 for the Hessian. Each step is made exactly representable (`h = (x + h) - x`), and a
difference is divided by the distance between the points f was given. `order=k` (1 to
MAX_ORDER = 4) adds k levels of Richardson extrapolation (the step halves at each level and the
next error term cancels) and starts from a larger step, p = 1/(2k+3) central, 1/(k+2)
one-sided, 1/(2k+4) Hessian: the extrapolation cancels the truncation error a large step
brings, and a large step keeps the rounding error small.

Errors measured (relative to max(abs(exact), 1); median / worst) on sin, exp, log, atan,
x**3 + 2x and sin(x**2 + 1) at 200 points each of [0.2, 3], and, for the Hessian, of those six as
functions of one input and of Rosenbrock (30 points of [-1.5, 1.5]^n, n = 2, 3, 5) and
sin(a)exp(b) + a log(c) (40 points of [0.2, 3]^3):

    order               None           1              2              3              4
    central             1e-11 / 2e-9   5e-14 / 9e-11  1e-14 / 7e-12  8e-15 / 2e-13  7e-15 / 7e-14
    forward, backward   9e-9 / 5e-7    2e-11 / 1e-9   2e-12 / 1e-10  7e-13 / 1e-11  4e-13 / 4e-12
    hessian, one input  4e-9 / 3e-6    2e-11 / 6e-8   4e-12 / 2e-9   3e-12 / 3e-11  3e-12 / 4e-11
    hessian, n inputs   9e-9 / 2e-7    6e-11 / 1e-9   1e-11 / 8e-11  6e-12 / 6e-11  8e-12 / 6e-11

`order` is at most MAX_ORDER = 4: there every row has reached its best, and more levels only
lose. The same measurement at higher orders (worst cases):

    order               5       6       8       10      12      16      20      30      40
    central             7e-14   1e-13   2e-13   8e-13   2e-12   4e-11   4e-10   3e-7    2e-4
    forward, backward   5e-12   3e-12   9e-12   2e-11   5e-11   3e-10   5e-9    3e-6    3e-3
    hessian, one input  7e-11   1e-10   9e-10   9e-9    8e-8    1e-5    2e-3    1e+3    9e+8
    hessian, n inputs   8e-11   3e-10   1e-9    1e-8    2e-7    1e-5    4e-3    3e+3    1e+9

The starting step grows with the order (eps**(1/13) = 6% of the scale at 5, 21% at 10), so the
expansion Richardson relies on stops converging, and the finest levels' rounding error is
multiplied by the extrapolation; from order 10 the first step also leaves a function's domain
(log near 0.2) and f raises.

The worst cases are functions whose higher derivatives dwarf the first (sin(x**2 + 1) at 3).
A function whose values are much larger than its derivatives loses accuracy in proportion.
Each level costs another set of evaluations: 2n per level central, n one-sided (plus f(x) once),
about 2n**2 for the Hessian.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import numpy as np

from . import _common
from ._differences import MAX_ORDER, METHODS, Array, Point, Step, check_f, first, levels_of
from ._differences import as_point, method_of, scalar_calls, second, vector_calls

__all__ = ["derivative", "gradient", "jacobian", "hessian", "MAX_ORDER", "METHODS"]


# --- the public functions -------------------------------------------------------------------

def derivative(f: Callable[[float], float], x: float, h: Optional[float] = None,
               method: str = "central", order: Optional[int] = None) -> float:
    """f'(x) for f: float -> float, by finite differences.

    Expect ~1e-10 relative error central, ~1e-8 forward or backward, ~1e-12 with
    order=2 to 4 (the module's table).

    Parameters
    ----------
    f : callable
        A function of a float returning a float.
    x : float
        The point.
    h : float or sequence of float, optional
        The step, one for all inputs or one per input; by default one per input from
        its scale (see the module).
    method : {"central", "forward", "backward"}, default "central"
        The differences.
    order : int, optional
        Levels of Richardson extrapolation, 1 to MAX_ORDER = 4.

    Returns
    -------
    float
        The derivative.

    Raises
    ------
    TypeError
        If f is not callable, an argument has the wrong type, or f returns something
        that is not a real number.
    ValueError
        If `method` is not one of the three, `order` is out of range, or a step is not
        positive and finite.

    Examples
    --------
    >>> import math
    >>> from cydiff import numerical
    >>> abs(numerical.derivative(math.sin, 1.0) - math.cos(1.0)) < 1e-9
    True
    """
    where = "cydiff.numerical.derivative"
    check_f(f, where)
    if _common.as_number(x) is None and not (isinstance(x, np.ndarray) and x.ndim == 0):
        raise TypeError(f"{where}: x must be a real number, not {_common.described(x)}")
    point = as_point(x, where)
    kind, levels = method_of(method, where), levels_of(order, where)
    return float(first(scalar_calls(f, where, as_float=True), point, h, kind, levels,
                        where)[0, 0])


def gradient(f: Callable[[Array], float], x: Point, h: Step = None, method: str = "central",
             order: Optional[int] = None) -> Array:
    """The gradient, shape (n,), of scalar f of a 1-D float64 array, by finite differences.

    f gets a fresh copy of the point at each call; a number x is a length-1 vector.
    Errors as for `derivative`.

    Parameters
    ----------
    f : callable
        A function of a 1-D float64 array returning a float.
    x : float or sequence of float
        The point.
    h : float or sequence of float, optional
        The step, one for all inputs or one per input; by default one per input from
        its scale (see the module).
    method : {"central", "forward", "backward"}, default "central"
        The differences.
    order : int, optional
        Levels of Richardson extrapolation, 1 to MAX_ORDER = 4.

    Returns
    -------
    numpy.ndarray
        The gradient, float64.

    Raises
    ------
    TypeError
        If f is not callable, an argument has the wrong type, or f returns something
        that is not a real number.
    ValueError
        If `method` is not one of the three, `order` is out of range, or a step is not
        positive and finite.

    Examples
    --------
    >>> from cydiff import numerical
    >>> numerical.gradient(lambda v: v[0] * v[1], [2.0, 3.0])
    array([3., 2.])
    """
    where = "cydiff.numerical.gradient"
    check_f(f, where)
    point = as_point(x, where)
    kind, levels = method_of(method, where), levels_of(order, where)
    grad: Array = first(scalar_calls(f, where), point, h, kind, levels, where)[0]
    return grad


def jacobian(f: Callable[[Array], Any], x: Point, h: Step = None, method: str = "central",
             order: Optional[int] = None) -> Array:
    """The Jacobian, shape (m, n), of f returning a number (m = 1) or a 1-D sequence of m.

    Row k is the gradient of output k; errors as for `gradient`.

    Parameters
    ----------
    f : callable
        A function of a 1-D float64 array returning a float or a 1-D sequence of them.
    x : float or sequence of float
        The point.
    h : float or sequence of float, optional
        The step, one for all inputs or one per input; by default one per input from
        its scale (see the module).
    method : {"central", "forward", "backward"}, default "central"
        The differences.
    order : int, optional
        Levels of Richardson extrapolation, 1 to MAX_ORDER = 4.

    Returns
    -------
    numpy.ndarray
        The Jacobian, float64.

    Raises
    ------
    TypeError
        If f is not callable, an argument has the wrong type, or f returns something
        that is not a real number.
    ValueError
        If `method` is not one of the three, `order` is out of range, or a step is not
        positive and finite.

    Examples
    --------
    >>> from cydiff import numerical
    >>> numerical.jacobian(lambda v: [v[0] * v[1], v[0]], [2.0, 3.0])
    array([[3., 2.],
           [1., 0.]])
    """
    where = "cydiff.numerical.jacobian"
    check_f(f, where)
    point = as_point(x, where)
    kind, levels = method_of(method, where), levels_of(order, where)
    return first(vector_calls(f, where), point, h, kind, levels, where)


def hessian(f: Callable[[Array], float], x: Point, h: Step = None,
            order: Optional[int] = None) -> Array:
    """The Hessian, shape (n, n) and symmetric, of scalar f, by central second differences.

    Diagonal: (f(x+h) - 2f(x) + f(x-h)) / h**2; off the diagonal the 4-point formula,
    computed once per pair. Expect ~1e-8 relative error, ~1e-10 with order=1 to 4.

    Parameters
    ----------
    f : callable
        A function of a 1-D float64 array returning a float.
    x : float or sequence of float
        The point.
    h : float or sequence of float, optional
        The step, one for all inputs or one per input; by default one per input from
        its scale (see the module).
    order : int, optional
        Levels of Richardson extrapolation, 1 to MAX_ORDER = 4.

    Returns
    -------
    numpy.ndarray
        The Hessian, float64.

    Raises
    ------
    TypeError
        If f is not callable, an argument has the wrong type, or f returns something
        that is not a real number.
    ValueError
        If `order` is out of range, or a step is not positive and finite.

    Examples
    --------
    >>> import numpy as np
    >>> from cydiff import numerical
    >>> H = numerical.hessian(lambda v: v[0] ** 2 * v[1], [2.0, 3.0])
    >>> np.allclose(H, [[6.0, 4.0], [4.0, 0.0]])
    True
    """
    where = "cydiff.numerical.hessian"
    check_f(f, where)
    point = as_point(x, where)
    levels = levels_of(order, where)
    return second(scalar_calls(f, where), point, h, levels, where)

