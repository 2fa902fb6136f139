"""The machinery of `cydiff.numerical`: its arguments checked (all of them before f is
first called), the steps chosen and made exact, f called, and the differences taken with
Richardson extrapolation. The module `numerical` says what the steps and errors are."""

from __future__ import annotations

from typing import Any, Callable, Union

import numpy as np
from numpy.typing import NDArray

from . import _common

Array = NDArray[np.float64]
Point = Union[float, "list[float]", "tuple[float, ...]", Array]
Step = Union[None, float, "list[float]", "tuple[float, ...]", Array]

METHODS = ("central", "forward", "backward")
EPS = float(np.finfo(np.float64).eps)
MAX_ORDER = 4  # Richardson levels past this only lose accuracy: numerical's table


# --- checking the arguments, all of them before f is first called ---------------------------

def check_f(f: object, where: str) -> None:
    if not callable(f):
        raise TypeError(f"{where}: f must be callable, not '{_common.type_name(f)}'")


def as_point(x: object, where: str) -> Array:
    """x as a fresh 1-D float64 array; a number is a length-1 vector."""
    c = _common.as_number(x)
    if c is not None:
        return np.array([c])
    expected = "a real number or a 1-D sequence of real numbers"
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):  # ragged nesting and the like
        raise TypeError(f"{where}: x must be {expected}, not {_common.described(x)}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{where}: x must be {expected}, not {_common.described(x)}")
    if arr.ndim > 1:
        raise TypeError(f"{where}: x must be {expected}, not a {arr.ndim}-D {_common.described(x)}")
    if arr.size == 0:
        raise ValueError(f"{where}: x is empty: there is nothing to differentiate")
    return np.array(arr, dtype=np.float64).reshape(-1)


def method_of(method: object, where: str) -> str:
    if method not in METHODS:
        raise ValueError(f"{where}: unknown method {method!r}; valid: "
                         + ", ".join(repr(m) for m in METHODS))
    return str(method)


def levels_of(order: object, where: str) -> int:
    """The number of Richardson levels: 0 for order=None."""
    if order is None:
        return 0
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)):
        raise TypeError(f"{where}: order must be None or an int, not '{_common.type_name(order)}'")
    if order < 1:
        raise ValueError(f"{where}: order must be at least 1 (or None), not {order}")
    if order > MAX_ORDER:
        raise ValueError(f"{where}: order must be at most {MAX_ORDER} (MAX_ORDER), not {order}: "
                         f"higher orders are less accurate, not more")
    return int(order)


def _steps(h: object, x: Array, exponent: float, where: str) -> Array:
    """The starting step of each input: from its scale, or as given."""
    if h is None:
        scaled: Array = EPS ** exponent * np.maximum(np.abs(x), 1.0)
        return scaled
    expected = "a number or a 1-D array of numbers"
    c = _common.as_number(h)
    try:
        steps = np.asarray(h) if c is None else np.full(x.shape, c)
    except (TypeError, ValueError):  # ragged nesting and the like
        raise TypeError(f"{where}: h must be {expected}, not {_common.described(h)}") from None
    # a bool is a number elsewhere, but h=True is no step size
    if isinstance(h, (bool, np.bool_)) or steps.dtype.kind not in "iuf" or (
            isinstance(h, (list, tuple)) and any(isinstance(s, (bool, np.bool_)) for s in h)):
        raise TypeError(f"{where}: h must be {expected}, not {_common.described(h)}")
    if steps.ndim == 0:
        steps = np.full(x.shape, float(steps))
    if steps.shape != x.shape:
        raise ValueError(f"{where}: h must be one step or one per input ({x.size}), "
                         f"not an array of shape {steps.shape}")
    steps = steps.astype(np.float64)
    bad = ~(np.isfinite(steps) & (steps > 0))
    if bad.any():
        raise ValueError(f"{where}: h must be positive and finite, not {float(steps[bad][0])!r}")
    return steps


def _exact(x: Array, h: Array, where: str) -> Array:
    """The steps made exactly representable: x + h is then a float, and h the distance to it."""
    with np.errstate(invalid="ignore", over="ignore"):  # an infinite x gives nan, as floats do
        steps: Array = (x + h) - x
        # a finite x moved to ±inf would give nan: say so instead
        beyond = np.isfinite(x) & ~(np.isfinite(x + steps) & np.isfinite(x - steps))
    if beyond.any():
        i = int(np.argmax(beyond))
        raise ValueError(f"{where}: step {float(h[i])!r} takes x[{i}] = {float(x[i])!r} "
                         f"past the largest float")
    if (steps == 0).any():
        i = int(np.argmax(steps == 0))
        raise ValueError(f"{where}: step {float(h[i])!r} is too small to change "
                         f"x[{i}] = {float(x[i])!r}")
    return steps


# --- calling f ------------------------------------------------------------------------------

def _scalar(y: object, where: str) -> float:
    c = _common.as_number(y)
    if c is None and isinstance(y, np.ndarray) and y.ndim == 0:
        c = _common.as_number(y[()])
    if c is None:
        shape = f" of shape {y.shape}" if isinstance(y, np.ndarray) else ""
        raise TypeError(f"{where}: f must return a number, not {_common.described(y)}{shape}")
    return c


def _vector(y: object, where: str) -> Array:
    c = _common.as_number(y)
    if c is not None:
        return np.array([c])
    expected = "a number or a 1-D sequence of numbers"
    try:
        arr = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: f must return {expected}, not {_common.described(y)}") from None
    if arr.dtype.kind not in "biuf" or arr.ndim > 1:
        dims = f" a {arr.ndim}-D" if arr.ndim > 1 else ""
        raise TypeError(f"{where}: f must return {expected}, not{dims} {_common.described(y)}")
    return np.array(arr, dtype=np.float64).reshape(-1)


Evaluate = Callable[[Array], Array]


def scalar_calls(f: Callable[..., Any], where: str, as_float: bool = False) -> Evaluate:
    """f at a point as a length-1 array; f gets a fresh copy (or a float, for `derivative`)."""
    def evaluate(point: Array) -> Array:
        y = f(float(point[0])) if as_float else f(point.copy())
        return np.array([_scalar(y, where)])
    return evaluate


def vector_calls(f: Callable[..., Any], where: str) -> Evaluate:
    """f at a point as a 1-D array, the same length at every point."""
    length: list[int] = []

    def evaluate(point: Array) -> Array:
        y = _vector(f(point.copy()), where)
        if not length:
            length.append(y.size)
        elif y.size != length[0]:
            raise ValueError(f"{where}: f returned {length[0]} values at one point "
                             f"and {y.size} at another")
        return y
    return evaluate


# --- the differences ------------------------------------------------------------------------

def _moved(x: Array, i: int, step: float) -> Array:
    point = x.copy()
    point[i] += step
    return point


def _richardson(estimates: list[Array], power: int) -> Array:
    """Neville's table over steps h, h/2, h/4, ...: level j cancels the h**(power*j) term."""
    for j in range(1, len(estimates)):
        factor = 2.0 ** (power * j)
        estimates = [(factor * fine - coarse) / (factor - 1.0)
                     for coarse, fine in zip(estimates, estimates[1:])]
    return estimates[0]


def first(evaluate: Evaluate, x: Array, h: object, method: str, levels: int,
           where: str) -> Array:
    """The (m, n) matrix of first derivatives."""
    exponent = 1.0 / (2 * levels + 3) if method == "central" else 1.0 / (levels + 2)
    start = _steps(h, x, exponent, where)
    all_steps = [_exact(x, start / 2.0 ** level, where) for level in range(levels + 1)]
    f0 = evaluate(x) if method != "central" else np.empty(0)  # central needs no f(x)
    estimates = []
    for steps in all_steps:
        columns = []
        for i, s in enumerate(steps):
            if method == "central":
                up, down = _moved(x, i, s), _moved(x, i, -s)
                high, low = evaluate(up), evaluate(down)
            elif method == "forward":
                up, down = _moved(x, i, s), x
                high, low = evaluate(up), f0
            else:
                up, down = x, _moved(x, i, -s)
                high, low = f0, evaluate(down)
            # over the distance between the points f saw: a linear f comes out exact
            columns.append((high - low) / (up[i] - down[i]))
        estimates.append(np.stack(columns, axis=1))
    return _richardson(estimates, 2 if method == "central" else 1)


def second(evaluate: Evaluate, x: Array, h: object, levels: int, where: str) -> Array:
    """The (n, n) matrix of second derivatives, by central second differences."""
    start = _steps(h, x, 1.0 / (2 * levels + 4), where)
    all_steps = [_exact(x, start / 2.0 ** level, where) for level in range(levels + 1)]
    f0 = evaluate(x)[0]

    def at(*moves: tuple[int, float]) -> float:
        point = x.copy()
        for i, s in moves:
            point[i] += s
        return float(evaluate(point)[0])

    estimates = []
    for s in all_steps:
        H = np.empty((x.size, x.size))
        for i in range(x.size):
            H[i, i] = (at((i, s[i])) - 2.0 * f0 + at((i, -s[i]))) / (s[i] * s[i])
            for j in range(i):
                H[i, j] = H[j, i] = (at((i, s[i]), (j, s[j])) - at((i, s[i]), (j, -s[j]))
                                     - at((i, -s[i]), (j, s[j])) + at((i, -s[i]), (j, -s[j]))
                                     ) / (4.0 * s[i] * s[j])
        estimates.append(H)
    return _richardson(estimates, 2)
