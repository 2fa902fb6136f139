"""`gradient_check`: an analytic gradient against finite differences (or against
forward mode), input by input, over a twin like the functional API (`twin=`)."""

from __future__ import annotations

from typing import Any, Optional

import numpy

from .. import _common, _twin, numerical
from . import functional, inputs
from .passes import Func


class GradientCheck:
    """The result of `gradient_check`: per input, the analytic and the reference gradient
    and their relative error; `passed` when every input is within
    ``atol + rtol * abs(reference)`` (numpy.isclose's test). Printing it gives a table.

    Parameters
    ----------
    analytic, numeric : numpy.ndarray
        The gradient checked and the reference (differences, or forward mode), 1-D.
    rtol, atol : float
        The tolerances.
    reference : str
        "numeric" or "forward": what `numeric` holds.

    Attributes
    ----------
    passed : bool
        Every input within tolerance.
    failed : list of int
        The inputs out of tolerance.
    rel_error : numpy.ndarray
        Per input, abs(analytic - numeric) / max(abs(analytic), abs(numeric)).
    max_rel_error : float
        The largest of them.

    Examples
    --------
    >>> import cydiff
    >>> check = cydiff.gradient_check(lambda v: v[0] * v[1], [2.0, 3.0], [3.0, 2.5])
    >>> check
    GradientCheck(passed=False, max_rel_error=0.2, failed=[1])
    """

    def __init__(self, analytic: Any, numeric: Any, rtol: float, atol: float,
                 reference: str) -> None:
        self.analytic = analytic
        self.numeric = numeric
        self.rtol, self.atol, self.reference = rtol, atol, reference
        difference = numpy.abs(analytic - numeric)
        scale = numpy.maximum(numpy.abs(analytic), numpy.abs(numeric))
        with numpy.errstate(invalid="ignore", divide="ignore"):
            # 0 where both are 0; inf where one is inf and the other not; nan if either is
            self.rel_error = numpy.where(difference == 0.0, 0.0, difference / scale)
        self.rel_error[numpy.isnan(difference)] = numpy.nan
        self.failed = [int(i) for i in numpy.flatnonzero(
            ~numpy.isclose(analytic, numeric, rtol=rtol, atol=atol))]
        self.passed = not self.failed
        self.max_rel_error = float(numpy.max(self.rel_error))

    def __repr__(self) -> str:
        return (f"GradientCheck(passed={self.passed}, max_rel_error={self.max_rel_error:.3g}, "
                f"failed={self.failed})")

    def __str__(self) -> str:
        verdict = "passed" if self.passed else f"FAILED at input(s) {self.failed}"
        lines = [f"gradient check {verdict}: max relative error {self.max_rel_error:.3g} "
                 f"(rtol={self.rtol:g}, atol={self.atol:g}, against {self.reference})",
                 f"{'input':>6}  {'analytic':>22}  {self.reference:>22}  {'rel. error':>10}"]
        shown: list[int] = list(range(len(self.rel_error)))
        if len(shown) > 20:  # the failures first, then the largest errors
            worst = numpy.argsort(-numpy.nan_to_num(self.rel_error, nan=numpy.inf))
            shown = sorted(dict.fromkeys(self.failed[:20] + [int(i) for i in worst[:20]]))[:20]
        for i in shown:
            mark = "  <- wrong" if i in self.failed else ""
            lines.append(f"{i:>6}  {self.analytic[i]:>22.15g}  {self.numeric[i]:>22.15g}  "
                         f"{self.rel_error[i]:>10.2g}{mark}")
        if len(shown) < len(self.rel_error):
            lines.append(f"  ({len(self.rel_error) - len(shown)} more inputs not shown)")
        return "\n".join(lines)


def gradient_check(f: Func, x: Any, grad: Optional[Any] = None, *,
                   eps: Optional[float] = None, rtol: float = 1e-5, atol: float = 1e-8,
                   reference: str = "numeric", twin: Any = None) -> GradientCheck:
    """Check a gradient of scalar f at x, input by input.

    Parameters
    ----------
    f : callable
        A scalar function of a number or a 1-D sequence. It gets floats for the
        differences, and Values too when cydiff's gradient is checked (so it may use
        their methods).
    x : float or sequence of float
        The point.
    grad : callable or array_like, optional
        The gradient to check: a function of x, or its value at x. None checks
        cydiff's reverse-mode gradient.
    eps : float, optional
        The step of the central differences; by default one per input, from its scale
        (`cydiff.numerical.gradient`).
    rtol, atol : float
        An input passes where ``abs(analytic - reference) <= atol + rtol * abs(reference)``.
    reference : {"numeric", "forward"}, default "numeric"
        What to compare with: central differences, or cydiff's forward mode, which is
        exact, so that a mismatch is a bug, not rounding.

    Returns
    -------
    GradientCheck
        `.passed`, `.failed` (the inputs out of tolerance), `.rel_error`,
        `.max_rel_error`, `.analytic`, `.numeric`; printing it gives a table.

    Raises
    ------
    TypeError
        If f is not callable, or an option has the wrong type.
    ValueError
        If `reference` is not one of the two, a tolerance is negative, or grad's shape
        is not x's.

    Examples
    --------
    >>> import cydiff
    >>> f = lambda v: v[0] * v[1] + v[0] ** 2
    >>> cydiff.gradient_check(f, [2.0, 3.0]).passed
    True
    >>> cydiff.gradient_check(f, [2.0, 3.0], [7.0, 2.5]).failed
    [1]
    """
    where = "cydiff.gradient_check"
    record = _twin.resolve(twin, where)
    _check_options(f, eps, rtol, atol, reference, where)
    shape = inputs.shape(x, where)
    n = len(shape.numbers)
    if grad is None:
        analytic = functional.grad(f, twin=record)(x)
    elif callable(grad):
        analytic = grad(x)
    else:
        analytic = grad
    analytic = _gradient(analytic, n, where)
    if reference == "forward":
        numeric = numpy.asarray(functional.jacobian(f, mode="forward", twin=record)(x),
                              dtype=numpy.float64)
    else:
        numeric = numerical.gradient(_AtFloats(f, shape, None if grad is not None else record),
                                     shape.numbers, h=eps)
    return GradientCheck(analytic, numeric.reshape(n), float(rtol), float(atol), reference)


def _check_options(f: Any, eps: Optional[float], rtol: float, atol: float, reference: str,
                   where: str) -> None:
    if not callable(f):
        raise TypeError(f"{where}: f must be callable, not '{_common.type_name(f)}'")
    if reference not in ("numeric", "forward"):
        raise ValueError(f"{where}: reference must be 'numeric' or 'forward', "
                         f"not {reference!r}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if _common.as_number(tol) is None or isinstance(tol, bool):
            raise TypeError(f"{where}: {name} must be a real number, not "
                            f"'{_common.type_name(tol)}'")
        if not tol >= 0.0:
            raise ValueError(f"{where}: {name} must be a number >= 0, not {tol!r}")
    if eps is not None and reference == "forward":  # it would be ignored
        raise ValueError(f"{where}: eps is the step of finite differences, which "
                         "reference='forward' does not take")


class _AtFloats:
    """f at a point of floats, for finite differences: f gets x's kind of container of
    floats, or of the twin's Values when cydiff's own gradient is checked (so that f may
    use their methods), and the result is a number."""

    def __init__(self, f: Func, shape: inputs.Shape, twin: Optional[_twin.Twin]) -> None:
        self.f, self.shape, self.twin = f, shape, twin

    def __call__(self, point: Any) -> Any:
        numbers = [float(p) for p in point]
        if self.twin is None:
            return self.f(self.shape.pack(numbers))
        Value = self.twin.Value
        y = self.f(self.shape.pack([Value(p) for p in numbers]))
        return y.data if isinstance(y, Value) else y


def _gradient(g: Any, n: int, where: str) -> Any:
    """The gradient to check as a float64 array of n, or a TypeError / ValueError."""
    try:
        array = numpy.asarray(g, dtype=numpy.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: the gradient must be numbers, not "
                        f"'{_common.type_name(g)}'") from None
    if array.size != n or array.ndim > 1:
        raise ValueError(f"{where}: the gradient has shape {array.shape}; x has {n} input(s)")
    return array.reshape(n)
