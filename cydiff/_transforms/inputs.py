"""Input coercion for the shared layers: what the functional API, `gradient_check`,
tapes and `parallel` accept, and the errors that say what is wrong with the rest.

A point x is a number or a 1-D list, tuple or numpy array of numbers (`shape`); f
gets the same kind of container back (`Shape.pack`), holding Values or Duals in
place of the numbers, and results come back shaped the same way (`Shape.result`).
f's output is a number, a twin's number, or a 1-D sequence of them (`outputs`).
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy

from .. import _common, _twin
from .nested import Nested

Result = Union[float, "numpy.ndarray[Any, Any]"]

_PLAIN = frozenset((float, int, Nested))  # scalars at a glance, before the slower tests


class Shape(NamedTuple):
    """How a user's x was given: 'scalar', 'list', 'tuple' or 'array', and its numbers."""
    kind: str
    numbers: list[float]

    def pack(self, items: list[Any]) -> Any:
        """items in x's kind of container (f sees what it was given)."""
        if self.kind == "scalar":
            return items[0]
        if self.kind == "array":
            packed = numpy.empty(len(items), dtype=object)
            packed[:] = items
            return packed
        return items if self.kind == "list" else tuple(items)

    def result(self, numbers: Sequence[float]) -> Result:
        if self.kind == "scalar":
            return float(numbers[0])
        return numpy.array(numbers, dtype=numpy.float64)


def _number(x: object, outer: bool) -> Any:
    """x as a float; or, when outer derivatives are running, one of their numbers as is."""
    if type(x) is float:
        return x
    if outer and (isinstance(x, Nested) or _twin.name_of(x) is not None):
        return x
    return _common.as_number(x)


def shape(x: object, where: str, what: str = "x", outer: bool = False) -> Shape:
    """x's shape, or a TypeError / ValueError saying what is wrong with it. With `outer`
    (inside another derivative's f), its numbers may be the outer derivative's."""
    value = _number(x, outer)
    if value is not None:
        return Shape("scalar", [value])
    if isinstance(x, numpy.ndarray):
        if x.ndim != 1:
            raise TypeError(f"{where}: {what} must be a number or 1-D, not an array of shape "
                            f"{x.shape}")
        if x.dtype.kind in "fiu" and x.size:  # real numbers all: floats at once
            return Shape("array", x.astype(numpy.float64).tolist())
        kind = "array"
    elif isinstance(x, (list, tuple)):
        kind = "list" if isinstance(x, list) else "tuple"
    else:
        raise TypeError(f"{where}: {what} must be a number or a 1-D sequence of numbers, "
                        f"not '{_common.type_name(x)}'")
    numbers = []
    for item in x:
        value = _number(item, outer)
        if value is None:
            raise TypeError(f"{where}: {what} must hold numbers, not '{_common.type_name(item)}'")
        numbers.append(value)
    if not numbers:
        raise ValueError(f"{where}: {what} is empty")
    return Shape(kind, numbers)


def direction(v: object, point: Shape, where: str, what: str = "v", outer: bool = False,
              ) -> Shape:
    """v, a direction at point: of point's shape (a number for a number)."""
    along = shape(v, where, what, outer=outer)
    if (along.kind == "scalar") != (point.kind == "scalar") or \
            len(along.numbers) != len(point.numbers):
        raise ValueError(f"{where}: {what} must have x's shape: {len(point.numbers)} number(s), "
                         f"got {len(along.numbers)}")
    return along


def is_scalar(y: object, twin: _twin.Twin) -> bool:
    """Whether f's output y is one number: a real number, a nested derivative's number,
    or a number of a twin (of another twin too: the passes refuse it in their words)."""
    return (type(y) in _PLAIN or type(y) in twin.numbers or _common.as_number(y) is not None
            or _twin.name_of(y) is not None)


def outputs(y: object, where: str, twin: _twin.Twin) -> tuple[bool, list[Any]]:
    """f's result as (is it a scalar, its items): a number, a Value or Dual, or a
    1-D sequence of them; anything else is a TypeError."""
    if is_scalar(y, twin):
        return True, [y]
    if isinstance(y, numpy.ndarray) and y.ndim == 1 or isinstance(y, (list, tuple)):
        items = list(y)
        for item in items:
            if not is_scalar(item, twin):
                raise TypeError(f"{where}: f must return a number, a Value or a Dual, or a 1-D "
                                f"sequence of them; it returned a {_common.type_name(y)} holding "
                                f"'{_common.type_name(item)}'")
        return False, items
    raise TypeError(f"{where}: f must return a number, a Value or a Dual, or a 1-D sequence "
                    f"of them, not '{_common.type_name(y)}'")


def results(scalar: bool, items: list[Any]) -> Any:
    """A pass's results: floats as usual, or the outer derivatives' numbers (in an
    object array) when a nested call's depend on the outer inputs."""
    if all(type(item) is float for item in items):
        return items[0] if scalar else numpy.array(items, dtype=numpy.float64)
    if scalar:
        return items[0]
    packed = numpy.empty(len(items), dtype=object)
    packed[:] = items
    return packed


def with_aux(y: object, where: str) -> tuple[Any, Any]:
    """f's result under `has_aux=True`: the pair (output, aux), or a TypeError."""
    if not isinstance(y, (tuple, list)) or len(y) != 2:
        size = f" of {len(y)}" if isinstance(y, (tuple, list)) else ""
        raise TypeError(f"{where}: with has_aux=True, f must return a pair (output, aux), "
                        f"not a '{_common.type_name(y)}'{size}")
    return y[0], y[1]


def flag(value: object, name: str, where: str) -> bool:
    """A True/False option (has_aux, check): a bool, since "no" would be true."""
    if type(value) is not bool:
        raise TypeError(f"{where}: {name} must be True or False, not "
                        f"'{_common.type_name(value)}'")
    return value


def argnums(argnums: object, where: str) -> tuple[int, ...]:
    """The positions `argnums` (an int or a non-empty tuple of ints) names."""
    if isinstance(argnums, int) and not isinstance(argnums, bool):
        return (argnums,)
    if isinstance(argnums, tuple) and argnums and all(
            isinstance(a, int) and not isinstance(a, bool) for a in argnums):
        if len(set(argnums)) != len(argnums):
            raise ValueError(f"{where}: argnums repeats a position: {argnums}")
        return argnums
    raise TypeError(f"{where}: argnums must be an int or a non-empty tuple of ints, "
                    f"not {argnums!r}")


def positions(argnums: tuple[int, ...], given: object, args: tuple[Any, ...],
              where: str) -> None:
    """argnums checked against the positional arguments of a call (`given` as the user
    gave it, for the message)."""
    for a in argnums:
        if not -len(args) <= a < len(args):
            raise ValueError(f"{where}: argnums {a} is out of range for "
                             f"{len(args)} positional argument(s)")
    if len({a % len(args) for a in argnums}) != len(argnums):
        raise ValueError(f"{where}: argnums {given} names an argument twice")


def count(value: Optional[int], name: str, where: str) -> None:
    """A count such as threads or chunksize: a positive int, or None."""
    if value is not None and type(value) is not int:
        raise TypeError(f"{where}: {name} must be a positive int or None, not "
                        f"'{_common.type_name(value)}'")
    if value is not None and value < 1:
        raise ValueError(f"{where}: {name} must be at least 1, not {value}")


def point(n: int, x: Any, where: str, what: str = "x", of: str = "input(s)") -> Any:
    """x as a C-contiguous float64 array of n numbers (a tape's point; its n inputs, or
    with `of`, its outputs), or the error."""
    if type(x) is numpy.ndarray and x.dtype == numpy.float64 and x.ndim == 1 and x.size:
        numbers = x  # the training loop's case, without a detour through a list
    else:
        numbers = numpy.array(shape(x, where, what).numbers, dtype=numpy.float64)
    if len(numbers) != n:
        raise ValueError(f"{where}: the tape has {n} {of}, {what} has {len(numbers)}")
    return numpy.ascontiguousarray(numbers)


def rows(X: Any, n: int, where: str) -> Any:
    """X as a C-contiguous float64 array of shape (m, n) (a batch of points), or the error."""
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{where}: X must be a 2-D array of floats, not "
                        f"'{_common.type_name(X)}'")
    try:
        array = numpy.ascontiguousarray(X, dtype=numpy.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{where}: X must be a 2-D array of floats, not "
                        f"'{_common.type_name(X)}'") from None
    if array.ndim != 2 or array.shape[1] != n:
        raise ValueError(f"{where}: X must have shape (m, {n}), not {array.shape}")
    return array


# --- a tape's variables and outputs, among a graph's Values ---------------------------------

def outputs_twin(output: Sequence[Any], where: str) -> Any:
    """The twin of a vector f's outputs (a list or tuple: Values of one twin and numbers,
    one Value at least), or the TypeError."""
    twin = next((t for t in map(_twin.of, output) if t is not None), None)
    if twin is None:
        raise TypeError(f"{where}: output must hold a Value (the outputs of a graph)")
    for k, item in enumerate(outputs(list(output), where, twin)[1]):
        if _twin.name_of(item) is not None and type(item) is not twin.Value:
            raise TypeError(f"{where}: output[{k}] must be a Value of the graph's twin or a "
                            f"number, not {_twin.described(item)}")
    return twin


def leaf_positions(inputs: Sequence[Any], value_type: Any, where: str) -> dict[int, int]:
    """id(leaf): its position among the inputs, each a leaf of the twin, each once. A
    replay sets the inputs' values: an op's result given as an input would be replayed
    as the op, its value and gradient ignored."""
    positions: dict[int, int] = {}
    for k, leaf in enumerate(inputs):
        if type(leaf) is not value_type:
            raise TypeError(f"{where}: inputs[{k}] must be a Value of the graph's twin, not "
                            f"'{_common.type_name(leaf)}'{_common.other_twin_hint(leaf)}")
        if leaf._children:
            raise ValueError(f"{where}: inputs[{k}] is not a leaf but the result of an op "
                             f"({leaf._op!r}): the inputs of a tape are leaves of its graph")
        if id(leaf) in positions:
            raise ValueError(f"{where}: inputs[{k}] is inputs[{positions[id(leaf)]}] again: "
                             "each input is a leaf of its own")
        positions[id(leaf)] = k
    return positions
