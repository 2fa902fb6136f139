"""The passes the functional API is made of, over one twin (a `_twin.Twin`): a forward
pass with Duals, one with MultiDuals (a chunk of inputs at once), a graph of Values
and a backward pass, and the graph of a scalar f as the records a second-order sweep
or a tape reads. And nesting: a pass that runs inside another derivative's f seeds
tagged `Nested` numbers instead (see `nested`).
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, Sequence

import numpy

from .. import _common, _twin
from .inputs import Shape, outputs
from .nested import Nested, new_tag
from .second import Graph
from .._twin import Twin

Func = Callable[..., Any]

BLOCK = 64  # Hessian columns per sweep: a vector of 64 floats a node


# --- nesting -------------------------------------------------------------------------

_inside = threading.local()  # .depth: how many of our calls of an f this thread is inside


def nested() -> bool:
    """Whether this call runs inside an f that another cydiff derivative is evaluating.

    Then its inputs may be that derivative's numbers, and f may close over them: the
    call seeds tagged `Nested` numbers instead of Duals or Values (see `nested`)."""
    return getattr(_inside, "depth", 0) > 0


def call(f: Func, *args: Any, **kwargs: Any) -> Any:
    """f(*args, **kwargs), counted as a call that derivatives inside f are nested in."""
    _inside.depth = getattr(_inside, "depth", 0) + 1
    try:
        return f(*args, **kwargs)
    finally:
        _inside.depth -= 1


def refuse_nesting(where: str) -> None:
    if nested():
        raise ValueError(
            f"{where}: cannot run inside a function that another cydiff derivative is "
            "differentiating (it sweeps a graph of floats); nest derivative, grad, jvp or "
            "jacobian, or call it outside")


def nested_tangent(y: Any, tag: int) -> Any:
    """The derivative a nested call reads off f's output item y: its tangent at tag,
    0.0 for anything that does not carry that tag (f does not depend on the input)."""
    if isinstance(y, Nested):
        if y.tag == tag:
            return y.tangent
        if y.tag > tag:
            raise ValueError("cydiff: a number of a nested derivative escaped it")
    return 0.0


def nested_value(y: Any, tag: int) -> Any:
    return y.primal if isinstance(y, Nested) and y.tag == tag else y


# --- seeds ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def unit(k: int, count: int) -> tuple[float, ...]:
    """The partials of an input seeded along direction k of count (none if k is outside)."""
    return tuple(1.0 if i == k else 0.0 for i in range(count))


@functools.lru_cache(maxsize=256)
def _chunk_seeds(n: int, start: int, count: int) -> tuple[tuple[float, ...], ...]:
    """The partials of n inputs for the pass over inputs start .. start + count - 1."""
    return tuple(unit(i - start, count) for i in range(n))


# --- what f returned ------------------------------------------------------------------

def _foreign(twin: Twin, item: Any, expected: Any, where: str) -> None:
    """A TypeError for a cydiff number f returned that is not of the pass's kind."""
    if type(item) in twin.numbers:
        raise TypeError(f"{where}: f returned a {_common.type_name(item)} in a pass that "
                        f"gave it {expected.__name__}s; build the result from those")
    raise TypeError(f"{where}: f returned a {_common.type_name(item)} of the other twin")


def _tangent_of(twin: Twin, item: Any, where: str) -> float:
    if isinstance(item, twin.Dual):
        return float(item.deriv)
    if _twin.name_of(item) is not None:
        _foreign(twin, item, twin.Dual, where)
    return 0.0  # a number: f does not depend on x there


def _partials_of(twin: Twin, item: Any, count: int, where: str) -> tuple[float, ...]:
    if isinstance(item, twin.MultiDual):
        partials: tuple[float, ...] = item.partials
        return partials
    if _twin.name_of(item) is not None:
        _foreign(twin, item, twin.MultiDual, where)
    return unit(-1, count)  # a number: f does not depend on x there


def value_of(twin: Twin, item: Any) -> float:
    """An output's value as a float: a Dual's val, a Value's data, a number."""
    return float(item.val if isinstance(item, twin.Dual) else
                 item.data if isinstance(item, twin.Value) else item)


# --- the passes ------------------------------------------------------------------------

def forward(twin: Twin, f: Func, shape: Shape, seed: Sequence[Any],
            where: str) -> tuple[bool, list[Any], list[Any]]:
    """One forward pass: f at shape's numbers, tangents seeded with seed.
    Returns (is the output a scalar, its items' values, their tangents)."""
    if nested():
        tag = new_tag()
        inputs = [Nested(tag, x, s) for x, s in zip(shape.numbers, seed)]
        scalar, outs = outputs(call(f, shape.pack(inputs)), where, twin)
        return (scalar, [nested_value(out, tag) for out in outs],
                [nested_tangent(out, tag) for out in outs])
    Dual = twin.Dual
    duals = [Dual(x, s) for x, s in zip(shape.numbers, seed)]
    scalar, outs = outputs(call(f, shape.pack(duals)), where, twin)
    tangents = [_tangent_of(twin, out, where) for out in outs]
    return scalar, [value_of(twin, out) for out in outs], tangents


def chunk_pass(twin: Twin, f: Func, shape: Shape, start: int,
               where: str) -> tuple[bool, list[list[float]]]:
    """One forward pass seeding inputs start, start + 1, ... (a chunk of them at most):
    (is f's output a scalar, the Jacobian's columns start... as rows' pieces)."""
    MultiDual = twin.MultiDual
    n = len(shape.numbers)
    count = min(MultiDual.CHUNK, n - start)
    seeds = _chunk_seeds(n, start, count)
    inputs = [MultiDual(x, seed) for x, seed in zip(shape.numbers, seeds)]
    scalar, outs = outputs(call(f, shape.pack(inputs)), where, twin)
    return scalar, [list(out.partials if type(out) is MultiDual else
                         _partials_of(twin, out, count, where)) for out in outs]


def reverse_graph(twin: Twin, f: Func, shape: Shape,
                  where: str) -> tuple[list[Any], bool, list[Any]]:
    """f at shape's numbers as a graph: (leaves, is the output a scalar, outputs)."""
    Value = twin.Value
    leaves = [Value(x) for x in shape.numbers]
    scalar, outs = outputs(call(f, shape.pack(leaves)), where, twin)
    for out in outs:
        if _twin.name_of(out) is not None and not isinstance(out, Value):
            raise TypeError(f"{where}: f returned a {_common.type_name(out)} in reverse mode; "
                            "build it from the Values f is given")
    return leaves, scalar, outs


def pull(twin: Twin, leaves: list[Any], out: Any) -> list[float]:
    """d out / d leaf for every leaf, by one backward pass from out."""
    for leaf in leaves:
        leaf.grad = 0.0
    if isinstance(out, twin.Value):
        out.backward()
    return [leaf.grad for leaf in leaves]


def traced(twin: Twin, f: Func, shape: Shape, where: str) -> tuple[Any, list[Any]]:
    """f at shape's numbers as (its output, the input leaves): for a scalar f a Value
    (a constant made one: every derivative is 0), for a vector f the list of its
    outputs (Values and numbers)."""
    leaves, scalar, outs = reverse_graph(twin, f, shape, where)
    if not scalar:
        return outs, leaves
    out = outs[0]
    if not isinstance(out, twin.Value):
        out = twin.Value(value_of(twin, out))
    return out, leaves


def scalar_graph(twin: Twin, f: Func, shape: Shape, where: str) -> tuple[list[Any], list[Any]]:
    """A scalar f's graph at shape's numbers as (its records, the input leaves): what
    a second-order sweep reads."""
    out, leaves = traced(twin, f, shape, where)
    if isinstance(out, list):
        raise TypeError(f"{where}: f must return a scalar (a Value or a number), not a "
                        f"sequence of {len(out)}")
    return twin.graph_records(out), leaves


def second_order(twin: Twin, f: Func, shape: Shape, where: str) -> Graph:
    """A scalar f's graph, ready for `second`'s forward-over-reverse sweeps."""
    return Graph(*scalar_graph(twin, f, shape, where))


def hessian_matrix(graph: Graph, n: int) -> numpy.ndarray[Any, Any]:
    """The n×n Hessian of a graph's n inputs: its columns H e_i, BLOCK at a time."""
    identity = numpy.eye(n)
    return numpy.hstack([graph.hvps(identity[:, start:start + BLOCK])
                         for start in range(0, n, BLOCK)])
