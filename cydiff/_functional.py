"""The functional API, written once and bound to each twin: derivative, grad,
value_and_grad, jacobian, hessian, jvp, vjp, hvp, and trace (a `Tape`).

`bind(Value, Dual, MultiDual, dot, records)` makes the functions for one twin, so
that `f` receives that twin's numbers: `cydiff.pure.grad` hands f pure Values,
`cydiff.compiled.grad` compiled ones, and the two give the same bits.

Inputs `x` are a number or a 1-D list, tuple or numpy array of numbers; f gets the
same kind of container (a numpy array as an object array) with Values or Duals in
place of the numbers. Results are floats, or numpy float64 arrays shaped as JAX
shapes them: output shape + input shape.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, NamedTuple, Sequence, Union, cast

import numpy

from . import _common
from ._inputs import Shape as _Shape
from ._inputs import shape as _shape
from ._nested import Nested, new_tag
from ._second import Graph
from ._tape import Tape

Func = Callable[..., Any]
Result = Union[float, "numpy.ndarray[Any, Any]"]


class Functional(NamedTuple):
    derivative: Func
    grad: Func
    value_and_grad: Func
    jacobian: Func
    hessian: Func
    jvp: Func
    vjp: Func
    hvp: Func
    trace: Func


# --- inputs and outputs: the shapes the API promises ------------------------------

def _outputs(y: object, where: str) -> tuple[bool, list[Any]]:
    """f's result as (is it a scalar, its items): a number, a Value or Dual, or a
    1-D sequence of them; anything else is a TypeError."""
    if _is_scalar(y):
        return True, [y]
    if isinstance(y, numpy.ndarray) and y.ndim == 1 or isinstance(y, (list, tuple)):
        items = list(y)
        for item in items:
            if not _is_scalar(item):
                raise TypeError(f"{where}: f must return a number, a Value or a Dual, or a 1-D "
                                f"sequence of them; it returned a {_common.type_name(y)} holding "
                                f"'{_common.type_name(item)}'")
        return False, items
    raise TypeError(f"{where}: f must return a number, a Value or a Dual, or a 1-D sequence "
                    f"of them, not '{_common.type_name(y)}'")


_BLOCK = 64  # Hessian columns per sweep: a vector of 64 floats a node

_SCALARS: set[type] = {float, int, Nested}  # and each twin's numbers, added by `bind`


def _is_scalar(y: object) -> bool:
    return (type(y) in _SCALARS or _common.as_number(y) is not None
            or _common._implementation(y) is not None)


def _argnums(argnums: object, where: str) -> tuple[int, ...]:
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        return (argnums,)
    if isinstance(argnums, tuple) and argnums and all(
            isinstance(a, int) and not isinstance(a, bool) for a in argnums):
        if len(set(argnums)) != len(argnums):
            raise ValueError(f"{where}: argnums repeats a position: {argnums}")
        return argnums
    raise TypeError(f"{where}: argnums must be an int or a non-empty tuple of ints, "
                    f"not {argnums!r}")


# --- nesting -------------------------------------------------------------------------

_inside = threading.local()  # .depth: how many of our calls of an f this thread is inside


def nested() -> bool:
    """Whether this call runs inside an f that another cydiff derivative is evaluating.

    Then its inputs may be that derivative's numbers, and f may close over them: the
    call seeds tagged `Nested` numbers instead of Duals or Values (see `_nested`)."""
    return getattr(_inside, "depth", 0) > 0


def call(f: Func, *args: Any, **kwargs: Any) -> Any:
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


def _results(scalar: bool, items: list[Any]) -> Any:
    """A nested call's results: floats as usual, or the outer derivatives' numbers
    (in an object array) when they depend on the outer inputs."""
    if all(type(item) is float for item in items):
        return items[0] if scalar else numpy.array(items, dtype=numpy.float64)
    if scalar:
        return items[0]
    packed = numpy.empty(len(items), dtype=object)
    packed[:] = items
    return packed


# --- the API over one twin --------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _unit(k: int, count: int) -> tuple[float, ...]:
    """The partials of an input seeded along direction k of count (none if k is outside)."""
    return tuple(1.0 if i == k else 0.0 for i in range(count))


@functools.lru_cache(maxsize=256)
def _chunk_seeds(n: int, start: int, count: int) -> tuple[tuple[float, ...], ...]:
    """The partials of n inputs for the pass over inputs start .. start + count - 1."""
    return tuple(_unit(i - start, count) for i in range(n))


def bind(Value: Any, Dual: Any, MultiDual: Any, dot: Callable[[list[Any], list[Any]], Any],
         records: Callable[[Any], list[Any]]) -> Functional:
    """The functional API over one twin's Value, Dual, MultiDual, dot and graph records."""
    _SCALARS.update((Value, Dual, MultiDual))

    def foreign(item: Any, expected: Any, where: str) -> None:
        """A TypeError for a cydiff number f returned that is not of the pass's kind."""
        if isinstance(item, (Value, Dual, MultiDual)):
            raise TypeError(f"{where}: f returned a {_common.type_name(item)} in a pass that "
                            f"gave it {expected.__name__}s; build the result from those")
        raise TypeError(f"{where}: f returned a {_common.type_name(item)} of the other twin")

    def tangent_of(item: Any, where: str) -> float:
        if isinstance(item, Dual):
            return float(item.deriv)
        if _common._implementation(item) is not None:
            foreign(item, Dual, where)
        return 0.0  # a number: f does not depend on x there

    def partials_of(item: Any, count: int, where: str) -> tuple[float, ...]:
        if isinstance(item, MultiDual):
            partials: tuple[float, ...] = item.partials
            return partials
        if _common._implementation(item) is not None:
            foreign(item, MultiDual, where)
        return _unit(-1, count)  # a number: f does not depend on x there

    def value_of(item: Any) -> float:
        return float(item.val if isinstance(item, Dual) else
                     item.data if isinstance(item, Value) else item)

    def forward(f: Func, shape: _Shape, seed: Sequence[Any],
                where: str) -> tuple[bool, list[Any], list[Any]]:
        """One forward pass: f at shape's numbers, tangents seeded with seed.
        Returns (is the output a scalar, its items' values, their tangents)."""
        if nested():
            tag = new_tag()
            inputs = [Nested(tag, x, s) for x, s in zip(shape.numbers, seed)]
            scalar, outs = _outputs(call(f, shape.pack(inputs)), where)
            return (scalar, [nested_value(out, tag) for out in outs],
                    [nested_tangent(out, tag) for out in outs])
        duals = [Dual(x, s) for x, s in zip(shape.numbers, seed)]
        scalar, outs = _outputs(call(f, shape.pack(duals)), where)
        tangents = [tangent_of(out, where) for out in outs]
        return scalar, [value_of(out) for out in outs], tangents

    def chunk_pass(f: Func, shape: _Shape, start: int,
                   where: str) -> tuple[bool, list[list[float]]]:
        """One forward pass seeding inputs start, start + 1, ... (a chunk of them at most):
        (is f's output a scalar, the Jacobian's columns start... as rows' pieces)."""
        n = len(shape.numbers)
        count = min(MultiDual.CHUNK, n - start)
        seeds = _chunk_seeds(n, start, count)
        inputs = [MultiDual(x, seed) for x, seed in zip(shape.numbers, seeds)]
        scalar, outs = _outputs(call(f, shape.pack(inputs)), where)
        return scalar, [list(out.partials if type(out) is MultiDual else
                             partials_of(out, count, where)) for out in outs]

    def reverse_graph(f: Func, shape: _Shape, where: str) -> tuple[list[Any], bool, list[Any]]:
        """f at shape's numbers as a graph: (leaves, is the output a scalar, outputs)."""
        leaves = [Value(x) for x in shape.numbers]
        scalar, outs = _outputs(call(f, shape.pack(leaves)), where)
        for out in outs:
            if _common._implementation(out) is not None and not isinstance(out, Value):
                raise TypeError(f"{where}: f returned a {_common.type_name(out)} in reverse mode; "
                                "build it from the Values f is given")
        return leaves, scalar, outs

    def pull(leaves: list[Any], out: Any) -> list[float]:
        """d out / d leaf for every leaf, by one backward pass from out."""
        for leaf in leaves:
            leaf.grad = 0.0
        if isinstance(out, Value):
            out.backward()
        return [leaf.grad for leaf in leaves]

    def derivative(f: Func, x: Any) -> Result:
        """f'(x) for a number x, in forward mode (one pass with a Dual).

        f may return a Dual, a number (f'(x) = 0) or a 1-D sequence of them
        (then the derivative of each, as a float64 array).
        """
        where = "cydiff.derivative"
        shape = _shape(x, where, outer=nested())
        if shape.kind != "scalar":
            raise TypeError(f"{where}: x must be a number, not '{_common.type_name(x)}' "
                            "(use jacobian for several inputs)")
        scalar, _, tangents = forward(f, shape, [1.0], where)
        return cast(Result, _results(scalar, tangents))

    def gradients(f: Func, argnums: object, where: str) -> tuple[tuple[int, ...], Func]:
        positions = _argnums(argnums, where)

        def run(*args: Any, **kwargs: Any) -> tuple[float, list[Result]]:
            args_list = list(args)
            for a in positions:
                if not -len(args) <= a < len(args):
                    raise ValueError(f"{where}: argnums {a} is out of range for "
                                     f"{len(args)} positional argument(s)")
            if len({a % len(args) for a in positions}) != len(positions):
                raise ValueError(f"{where}: argnums {argnums} names an argument twice")
            if nested():
                return nested_run(args, kwargs)
            shapes, leaves = [], []
            for a in positions:
                shape = _shape(args[a], where, f"argument {a}")
                shapes.append(shape)
                leaves.append([Value(x) for x in shape.numbers])
                args_list[a] = shape.pack(leaves[-1])
            scalar, outs = _outputs(call(f, *args_list, **kwargs), where)
            if not scalar:
                raise TypeError(f"{where}: f must return a scalar (a Value or a number), not a "
                                f"{_common.type_name(outs)} of {len(outs)}; use jacobian or vjp")
            out = outs[0]
            if not isinstance(out, Value) and _common.as_number(out) is None:
                raise TypeError(f"{where}: f returned a {_common.type_name(out)}; build the "
                                "result from the Values f is given")
            if isinstance(out, Value):
                out.backward()
            return value_of(out), [shape.result([leaf.grad for leaf in ls])
                                   for shape, ls in zip(shapes, leaves)]

        def nested_run(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, list[Any]]:
            """Inside another derivative: one forward pass per input, with Nested numbers."""
            shapes = [_shape(args[a], where, f"argument {a}", outer=True) for a in positions]
            value, grads = None, []
            for shape in shapes:
                partials = []
                for k in range(len(shape.numbers)):
                    tag = new_tag()
                    args_list = list(args)
                    for a, other in zip(positions, shapes):
                        args_list[a] = other.pack([
                            Nested(tag, x, 1.0 if other is shape and i == k else 0.0)
                            for i, x in enumerate(other.numbers)])
                    scalar, outs = _outputs(call(f, *args_list, **kwargs), where)
                    if not scalar:
                        raise TypeError(f"{where}: f must return a scalar, not a "
                                        f"{_common.type_name(outs)} of {len(outs)}")
                    value = nested_value(outs[0], tag)
                    partials.append(nested_tangent(outs[0], tag))
                grads.append(_results(shape.kind == "scalar", partials))
            return value, grads
        return positions, run

    def grad(f: Func, argnums: Any = 0) -> Func:
        """The gradient function of a scalar f, in reverse mode (one backward pass).

        `argnums` (an int or a tuple of ints, as in JAX) says which positional
        arguments to differentiate; each is a number or a 1-D sequence, and its
        gradient comes back as a float or a float64 array (a tuple of them for a
        tuple argnums). The other arguments reach f unchanged.
        """
        positions, run = gradients(f, argnums, "cydiff.grad")
        single = not isinstance(argnums, tuple)

        def gradient(*args: Any, **kwargs: Any) -> Any:
            grads = run(*args, **kwargs)[1]
            return grads[0] if single else tuple(grads)
        return gradient

    def value_and_grad(f: Func, argnums: Any = 0) -> Func:
        """Like `grad`, returning `(f's value as a float, gradient)` from the same pass."""
        positions, run = gradients(f, argnums, "cydiff.value_and_grad")
        single = not isinstance(argnums, tuple)

        def value_and_gradient(*args: Any, **kwargs: Any) -> tuple[float, Any]:
            value, grads = run(*args, **kwargs)
            return value, grads[0] if single else tuple(grads)
        return value_and_gradient

    def jacobian(f: Func, mode: str = "auto") -> Func:
        """The Jacobian function of f, shaped output shape + input shape (m×n for
        vectors, as JAX shapes it).

        mode "forward" takes one forward pass per 8 inputs (f gets MultiDuals, each
        carrying 8 partials), "reverse" one graph and one backward pass per output,
        "auto" (the default) whichever makes fewer passes: it starts forward, and once
        it knows m goes reverse if m < ceil(n / 8). Inside another derivative's f, it
        takes one forward pass per input.
        """
        where = "cydiff.jacobian"
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"{where}: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")

        def jac(x: Any) -> Result:
            outer = nested()  # then forward mode, whatever the mode
            shape = _shape(x, where, outer=outer)
            n = len(shape.numbers)
            rows: list[list[Any]]
            if mode == "reverse" and not outer:
                leaves, scalar, outs = reverse_graph(f, shape, where)
                rows = [pull(leaves, out) for out in outs]
            elif outer:  # one pass per input, with Nested numbers
                columns = []
                for j in range(n):
                    scalar, _, column = forward(f, shape, _unit(j, n), where)
                    columns.append(column)
                    if len(column) != len(columns[0]):
                        raise ValueError(f"{where}: f returned outputs of different shapes "
                                         "on different passes")
                rows = [list(row) for row in zip(*columns)]
            else:  # one pass per chunk of inputs, with MultiDuals
                chunk = MultiDual.CHUNK
                scalar, rows = chunk_pass(f, shape, 0, where)
                if mode == "auto" and len(rows) < -(-n // chunk):  # m < passes: reverse
                    leaves, scalar, outs = reverse_graph(f, shape, where)
                    rows = [pull(leaves, out) for out in outs]
                else:
                    for start in range(chunk, n, chunk):
                        scalar_k, more = chunk_pass(f, shape, start, where)
                        if scalar_k != scalar or len(more) != len(rows):
                            raise ValueError(f"{where}: f returned outputs of different "
                                             "shapes on different passes")
                        for row, partials in zip(rows, more):
                            row.extend(partials)
            matrix: numpy.ndarray[Any, Any]
            if not outer or all(type(d) is float for row in rows for d in row):
                matrix = numpy.array(rows, dtype=numpy.float64).reshape(len(rows), n)
            else:  # inside another derivative: its numbers
                matrix = numpy.empty((len(rows), n), dtype=object)
                for i, row in enumerate(rows):
                    for j, d in enumerate(row):
                        matrix[i, j] = d
            if scalar and shape.kind == "scalar":
                corner = matrix[0, 0]
                return float(corner) if matrix.dtype == numpy.float64 else cast(Result, corner)
            if scalar:
                first: numpy.ndarray[Any, Any] = matrix[0]
                return first
            return matrix[:, 0].copy() if shape.kind == "scalar" else matrix
        return jac

    def jvp(f: Func, x: Any, v: Any) -> tuple[Result, Result]:
        """`(f(x), J v)`: the value and the derivative along v, in one forward pass.

        v has x's shape; the results have f's output shape.
        """
        where = "cydiff.jvp"
        outer = nested()
        shape = _shape(x, where, outer=outer)
        direction = _shape(v, where, "v", outer=outer)
        if (direction.kind == "scalar") != (shape.kind == "scalar") or \
                len(direction.numbers) != len(shape.numbers):
            raise ValueError(f"{where}: v must have x's shape: {len(shape.numbers)} number(s), "
                             f"got {len(direction.numbers)}")
        scalar, values, tangents = forward(f, shape, direction.numbers, where)
        return _results(scalar, values), _results(scalar, tangents)

    def vjp(f: Func, x: Any, u: Any) -> tuple[Result, Result]:
        """`(f(x), uᵀ J)`: the value and the gradient of u · f(x), in one backward pass.

        u has f's output shape (a number for a scalar f); the gradient has x's shape.
        """
        where = "cydiff.vjp"
        refuse_nesting(where)
        shape = _shape(x, where)
        leaves, scalar, outs = reverse_graph(f, shape, where)
        weights = _shape(u, where, "u")
        if (weights.kind == "scalar") != scalar or len(weights.numbers) != len(outs):
            raise ValueError(f"{where}: u must have f's output shape: {len(outs)} number(s), "
                             f"got {len(weights.numbers)}")
        values = [value_of(out) for out in outs]
        grads = pull(leaves, dot(outs, weights.numbers))
        value: Result = values[0] if scalar else numpy.array(values, dtype=numpy.float64)
        return value, shape.result(grads)

    def scalar_graph(f: Func, shape: _Shape, where: str) -> tuple[list[Any], list[Any]]:
        """A scalar f's graph at shape's numbers as (its records, the input leaves): what
        a second-order sweep or a tape reads."""
        leaves, scalar, outs = reverse_graph(f, shape, where)
        if not scalar:
            raise TypeError(f"{where}: f must return a scalar (a Value or a number), not a "
                            f"sequence of {len(outs)}")
        out = outs[0]
        if not isinstance(out, Value):
            out = Value(value_of(out))  # a constant: every derivative is 0
        return records(out), leaves

    def second_order(f: Func, shape: _Shape, where: str) -> Graph:
        return Graph(*scalar_graph(f, shape, where))

    def hessian(f: Func) -> Func:
        """The Hessian function of a scalar f: exact second derivatives, an n×n
        float64 array (a float for a number x).

        f's graph is built once and swept forward over reverse (see `hvp`), 64
        columns H e_i at a time, each column a numpy vector a node.
        """
        where = "cydiff.hessian"

        def hess(x: Any) -> Result:
            refuse_nesting(where)
            shape = _shape(x, where)
            graph = second_order(f, shape, where)
            n = len(shape.numbers)
            identity = numpy.eye(n)
            matrix = numpy.hstack([graph.hvps(identity[:, start:start + _BLOCK])
                                   for start in range(0, n, _BLOCK)])
            return float(matrix[0, 0]) if shape.kind == "scalar" else matrix
        return hess

    def hvp(f: Func, x: Any, v: Any) -> Result:
        """H v, the Hessian of a scalar f at x times v, exact and without forming H:
        forward over reverse: f's graph is built once (by the twin) and swept once
        (in Python, for both twins: see `_second`).

        v has x's shape, and so has the result.
        """
        where = "cydiff.hvp"
        refuse_nesting(where)
        shape = _shape(x, where)
        direction = _shape(v, where, "v")
        if (direction.kind == "scalar") != (shape.kind == "scalar") or \
                len(direction.numbers) != len(shape.numbers):
            raise ValueError(f"{where}: v must have x's shape: {len(shape.numbers)} number(s), "
                             f"got {len(direction.numbers)}")
        return shape.result(second_order(f, shape, where).hvp(direction.numbers)[1])

    twin = _common._implementation(Value(0.0)) or "pure"  # whose replay a tape gets

    def trace(f: Func, x0: Any, *, check: bool = False) -> Tape:
        """Run f once on Values at x0 (a number or a 1-D sequence or array) and record its
        graph as a `Tape`. Python control flow in f is frozen at x0; with `check=True`
        f is traced again at a second point and a ValueError says if the ops differ."""
        where = "cydiff.trace"
        if not callable(f):
            raise TypeError(f"{where}: f must be callable, not '{_common.type_name(f)}'")
        if type(check) is not bool:  # check="no" would be true
            raise TypeError(f"{where}: check must be True or False, not "
                            f"'{_common.type_name(check)}'")
        shape = _shape(x0, where, "x0")
        tape = Tape.from_records(*scalar_graph(f, shape, where), where, twin)
        if check:
            moved = _Shape(shape.kind, [x + 0.5 * max(abs(x), 1.0) for x in shape.numbers])
            other = Tape.from_records(*scalar_graph(f, moved, where), where, twin)
            if other._nodes != tape._nodes or other._inputs != tape._inputs \
                    or other._constants.keys() != tape._constants.keys():
                raise ValueError(f"{where}: f records different ops at another point: its "
                                 "control flow depends on x, so a tape traced at x0 would replay "
                                 "the wrong ops elsewhere")
        return tape

    functions = Functional(derivative, grad, value_and_grad, jacobian, hessian, jvp, vjp, hvp,
                           trace)
    for function in functions:
        function.__qualname__ = function.__name__
    return functions
