"""The functional API's evaluations, written once for both twins: jvp, vjp, hvp and
trace take f and the point and compute at once (the transforms, which return a function
of the point, and the rule between the two, are in `functional`)."""

from __future__ import annotations

from typing import Any

import numpy

from .. import _common, _twin
from . import inputs, passes
from .inputs import Result, Shape
from .passes import Func, nested, refuse_nesting
from .tape import Tape
from .tape_arrays import same_ops

__all__ = ["hvp", "jvp", "trace", "vjp"]


# --- evaluations: f and a point in, numbers out ----------------------------------------

def jvp(f: Func, x: Any, v: Any, *, twin: Any = None) -> tuple[Result, Result]:
    """`(f(x), J v)`: the value and the derivative along v, in one forward pass.

    Parameters
    ----------
    f : callable
        A function of a number or a 1-D sequence.
    x : float or sequence of float
        The point.
    v : float or sequence of float
        The direction, of x's shape.

    Returns
    -------
    tuple
        f(x) and J v, each of f's output shape (a float, or a float64 array).

    Raises
    ------
    ValueError
        If v's shape is not x's.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.jvp(lambda v: v[0] * v[1], [2.0, 3.0], [1.0, 0.0])
    (6.0, 3.0)
    """
    where = "cydiff.jvp"
    record = _twin.resolve(twin, where)
    outer = nested()
    shape = inputs.shape(x, where, outer=outer)
    direction = inputs.direction(v, shape, where, outer=outer)
    scalar, values, tangents = passes.forward(record, f, shape, direction.numbers, where)
    return inputs.results(scalar, values), inputs.results(scalar, tangents)


def vjp(f: Func, x: Any, u: Any, *, twin: Any = None) -> tuple[Result, Result]:
    """`(f(x), uᵀ J)`: the value and the gradient of u · f(x), in one backward pass.

    Parameters
    ----------
    f : callable
        A function of a number or a 1-D sequence.
    x : float or sequence of float
        The point.
    u : float or sequence of float
        The weights of f's outputs, of f's output shape (a number for a scalar f).

    Returns
    -------
    tuple
        f(x), of its output shape, and uᵀ J, of x's shape.

    Raises
    ------
    ValueError
        If u's shape is not f's output shape.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.vjp(lambda v: [v[0] * v[1], v[1]], [2.0, 3.0], [1.0, 1.0])
    (array([6., 3.]), array([3., 3.]))
    """
    where = "cydiff.vjp"
    record = _twin.resolve(twin, where)
    refuse_nesting(where)
    shape = inputs.shape(x, where)
    leaves, scalar, outs = passes.reverse_graph(record, f, shape, where)
    weights = inputs.shape(u, where, "u")
    if (weights.kind == "scalar") != scalar or len(weights.numbers) != len(outs):
        raise ValueError(f"{where}: u must have f's output shape: {len(outs)} number(s), "
                         f"got {len(weights.numbers)}")
    values = [passes.value_of(record, out) for out in outs]
    grads = passes.pull(record, leaves, record.dot(outs, weights.numbers))
    value: Result = values[0] if scalar else numpy.array(values, dtype=numpy.float64)
    return value, shape.result(grads)


def hvp(f: Func, x: Any, v: Any, *, twin: Any = None) -> Result:
    """H v, the Hessian of a scalar f at x times v, exact and without forming H.

    Forward over reverse: f's graph is built once (by the twin) and swept once (in
    Python, for both twins: see `second`).

    Parameters
    ----------
    f : callable
        A scalar function of a number or a 1-D sequence.
    x : float or sequence of float
        The point.
    v : float or sequence of float
        The direction, of x's shape.

    Returns
    -------
    float or numpy.ndarray
        H v, of x's shape.

    Raises
    ------
    RuntimeError
        If called inside another derivative's f.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.hvp(lambda v: v[0] ** 2 * v[1], [2.0, 3.0], [1.0, 0.0])
    array([6., 4.])
    """
    where = "cydiff.hvp"
    record = _twin.resolve(twin, where)
    refuse_nesting(where)
    shape = inputs.shape(x, where)
    direction = inputs.direction(v, shape, where)
    graph = passes.second_order(record, f, shape, where)
    return shape.result(graph.hvp(direction.numbers)[1])


def trace(f: Func, x0: Any, *, check: bool = False, twin: Any = None) -> Tape:
    """Run f once on Values at x0 and record its graph as a `Tape`.

    A tape replays the graph at new points — in C on the compiled twin — with the bits
    a fresh graph gives. Python control flow in f is frozen at x0, as `jax.jit`
    freezes it.

    Parameters
    ----------
    f : callable
        A scalar f (returning a Value or a number), or a vector f (returning a 1-D
        sequence of them), whose tape has `jacobian`, `jvp` and `vjp`.
    x0 : float or sequence of float
        The point to trace at: a number, or a 1-D sequence or array.
    check : bool, default False
        Trace f again at a second point, and raise if the recorded ops differ.

    Returns
    -------
    Tape
        The recorded graph.

    Raises
    ------
    TypeError
        If f is not callable, or x0 is not numbers.
    ValueError
        With `check`, if f records different ops at the second point.

    Examples
    --------
    >>> import cydiff
    >>> tape = cydiff.trace(lambda v: v[0] * cydiff.exp(v[1]), [1.0, 0.0])
    >>> tape.grad([2.0, 0.0])
    array([1., 2.])
    """
    where = "cydiff.trace"
    record = _twin.resolve(twin, where)
    if not callable(f):
        raise TypeError(f"{where}: f must be callable, not '{_common.type_name(f)}'")
    inputs.flag(check, "check", where)
    shape = inputs.shape(x0, where, "x0")
    tape = Tape._recorded(record, *passes.traced(record, f, shape, where), where)
    if check:
        moved = Shape(shape.kind, [x + 0.5 * max(abs(x), 1.0) for x in shape.numbers])
        other = Tape._recorded(record, *passes.traced(record, f, moved, where), where)
        if not same_ops(tape, other):
            raise ValueError(f"{where}: f records different ops at another point: its "
                             "control flow depends on x, so a tape traced at x0 would replay "
                             "the wrong ops elsewhere")
    return tape

