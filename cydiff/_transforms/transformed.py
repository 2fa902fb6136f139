"""What the transforms of `functional` return: f's derivative as a function of the
point, an object of a module-level class rather than a closure, so that it pickles
(when f does), reads as f (`functools.wraps`: `__name__`, `__doc__`, `__wrapped__`)
and binds as a method as a function would.
"""

from __future__ import annotations

import functools
import types
from typing import Any, Optional, cast

import numpy

from .. import _common
from . import inputs, passes
from .inputs import Result, Shape
from .nested import Nested, new_tag
from .passes import Func, call, nested, nested_tangent, nested_value, refuse_nesting
from .._twin import Twin


class _NoPoint:
    """The default of `derivative`'s x: no point given, so return the function."""

    def __repr__(self) -> str:
        return "<no point>"


NO_POINT: Any = _NoPoint()


class Aux:
    """f under `has_aux=True`: calls f, checks that it returned (output, aux), keeps the
    aux of the first call and hands the passes the output."""

    def __init__(self, f: Func, where: str) -> None:
        self.f, self.where = f, where
        self.aux: Any = None
        self.called = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        output, aux = inputs.with_aux(self.f(*args, **kwargs), self.where)
        if not self.called:
            self.aux, self.called = aux, True
        return output


class Transformed:
    """A transform's result: f's derivative as a function of the point, over one twin."""

    where = "cydiff"

    def __init__(self, f: Func, twin: Twin) -> None:
        functools.update_wrapper(cast(Any, self), f, updated=())  # f's name and docstring
        if not hasattr(self, "__name__"):  # f is a callable object without a name
            self.__name__ = self.__qualname__ = type(f).__name__
        self.f, self.twin = f, twin

    def __get__(self, obj: object, cls: Optional[type] = None) -> Any:
        """As a class attribute, it binds as a method, as the function f would."""
        return self if obj is None else types.MethodType(cast(Any, self), obj)

    def __repr__(self) -> str:
        return f"<{self.where} of {self.f!r} ({self.twin.name} twin)>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._arguments())

    def _arguments(self) -> tuple[Any, ...]:
        return (self.f, self.twin)


class Derivative(Transformed):
    """`derivative(f)`: x ↦ f'(x) for a number x, by one forward pass with a Dual."""

    where = "cydiff.derivative"

    def __call__(self, x: Any) -> Result:
        return derivative_at(self.twin, self.f, x)


def derivative_at(twin: Twin, f: Func, x: Any) -> Result:
    """f'(x) over twin, one forward pass (see `derivative`)."""
    where = "cydiff.derivative"
    shape = inputs.shape(x, where, outer=nested())
    if shape.kind != "scalar":
        raise TypeError(f"{where}: x must be a number, not '{_common.type_name(x)}' "
                        "(use jacobian for several inputs)")
    scalar, _, tangents = passes.forward(twin, f, shape, [1.0], where)
    result: Result = inputs.results(scalar, tangents)
    return result


class _Gradients(Transformed):
    """grad and value_and_grad: one backward pass gives f's value and its gradients in
    the arguments `argnums` names."""

    def __init__(self, f: Func, twin: Twin, argnums: Any = 0, has_aux: bool = False) -> None:
        self.positions = inputs.argnums(argnums, self.where)
        self.has_aux = inputs.flag(has_aux, "has_aux", self.where)
        super().__init__(f, twin)
        self.argnums = argnums

    def _arguments(self) -> tuple[Any, ...]:
        return (self.f, self.twin, self.argnums, self.has_aux)

    def _evaluate(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
        """(f's value, the gradients as grad returns them, aux or None)."""
        inputs.positions(self.positions, self.argnums, args, self.where)
        f = Aux(self.f, self.where) if self.has_aux else self.f
        if nested():
            value, grads = self._nested(f, args, kwargs)
        else:
            value, grads = self._reverse(f, args, kwargs)
        gradient = tuple(grads) if isinstance(self.argnums, tuple) else grads[0]
        return value, gradient, f.aux if isinstance(f, Aux) else None

    def _reverse(self, f: Func, args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> tuple[float, list[Result]]:
        """One graph of Values and one backward pass."""
        where, twin = self.where, self.twin
        args_list = list(args)
        shapes, leaves = [], []
        for a in self.positions:
            shape = inputs.shape(args[a], where, f"argument {a}")
            shapes.append(shape)
            leaves.append([twin.Value(x) for x in shape.numbers])
            args_list[a] = shape.pack(leaves[-1])
        scalar, outs = inputs.outputs(call(f, *args_list, **kwargs), where, twin)
        if not scalar:
            raise TypeError(f"{where}: f must return a scalar (a Value or a number), not a "
                            f"{_common.type_name(outs)} of {len(outs)}; use jacobian or vjp")
        out = outs[0]
        if not isinstance(out, twin.Value) and _common.as_number(out) is None:
            raise TypeError(f"{where}: f returned a {_common.type_name(out)}; build the "
                            "result from the Values f is given")
        if isinstance(out, twin.Value):
            out.backward()
        return passes.value_of(twin, out), [shape.result([leaf.grad for leaf in ls])
                                             for shape, ls in zip(shapes, leaves)]

    def _nested(self, f: Func, args: tuple[Any, ...],
                kwargs: dict[str, Any]) -> tuple[Any, list[Any]]:
        """Inside another derivative: one forward pass per input, with Nested numbers."""
        where, twin = self.where, self.twin
        shapes = [inputs.shape(args[a], where, f"argument {a}", outer=True)
                  for a in self.positions]
        value, grads = None, []
        for shape in shapes:
            partials = []
            for k in range(len(shape.numbers)):
                tag = new_tag()
                args_list = list(args)
                for a, other in zip(self.positions, shapes):
                    args_list[a] = other.pack([
                        Nested(tag, x, 1.0 if other is shape and i == k else 0.0)
                        for i, x in enumerate(other.numbers)])
                scalar, outs = inputs.outputs(call(f, *args_list, **kwargs), where, twin)
                if not scalar:
                    raise TypeError(f"{where}: f must return a scalar, not a "
                                    f"{_common.type_name(outs)} of {len(outs)}")
                value = nested_value(outs[0], tag)
                partials.append(nested_tangent(outs[0], tag))
            grads.append(inputs.results(shape.kind == "scalar", partials))
        return value, grads


class Grad(_Gradients):
    """`grad(f, argnums, has_aux)`: the gradient function (see `grad`)."""

    where = "cydiff.grad"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _, gradient, aux = self._evaluate(args, kwargs)
        return (gradient, aux) if self.has_aux else gradient


class ValueAndGrad(_Gradients):
    """`value_and_grad(f, argnums, has_aux)`: f's value and gradient (see `value_and_grad`)."""

    where = "cydiff.value_and_grad"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        value, gradient, aux = self._evaluate(args, kwargs)
        return ((value, aux), gradient) if self.has_aux else (value, gradient)


class Jacobian(Transformed):
    """`jacobian(f, mode, has_aux)`, `jacfwd(f)`, `jacrev(f)`: the Jacobian function."""

    def __init__(self, f: Func, twin: Twin, mode: str = "auto", has_aux: bool = False,
                 where: str = "cydiff.jacobian") -> None:
        if mode not in ("auto", "forward", "reverse"):
            raise ValueError(f"{where}: mode must be 'auto', 'forward' or 'reverse', not {mode!r}")
        self.where = where
        self.has_aux = inputs.flag(has_aux, "has_aux", where)
        super().__init__(f, twin)
        self.mode = mode

    def _arguments(self) -> tuple[Any, ...]:
        return (self.f, self.twin, self.mode, self.has_aux, self.where)

    def __call__(self, x: Any) -> Any:
        f = Aux(self.f, self.where) if self.has_aux else self.f
        outer = nested()  # then forward mode, whatever the mode
        shape = inputs.shape(x, self.where, outer=outer)
        if outer:
            scalar, rows = self._per_input(f, shape)
        else:
            scalar, rows = self._rows(f, shape)
        matrix = _matrix(rows, len(shape.numbers), outer)
        result = _shaped(matrix, scalar, shape)
        return (result, f.aux) if isinstance(f, Aux) else result

    def _rows(self, f: Func, shape: Shape) -> tuple[bool, list[list[Any]]]:
        """The Jacobian's rows by MultiDual passes or by backward passes, as mode says."""
        twin, where = self.twin, self.where
        if self.mode == "reverse":
            return _reverse_rows(twin, f, shape, where)
        chunk, n = twin.MultiDual.CHUNK, len(shape.numbers)
        scalar, rows = passes.chunk_pass(twin, f, shape, 0, where)
        if self.mode == "auto" and len(rows) < -(-n // chunk):  # m < passes: reverse
            return _reverse_rows(twin, f, shape, where)
        for start in range(chunk, n, chunk):
            scalar_k, more = passes.chunk_pass(twin, f, shape, start, where)
            if scalar_k != scalar or len(more) != len(rows):
                raise ValueError(f"{where}: f returned outputs of different "
                                 "shapes on different passes")
            for row, partials in zip(rows, more):
                row.extend(partials)
        return scalar, rows

    def _per_input(self, f: Func, shape: Shape) -> tuple[bool, list[list[Any]]]:
        """Inside another derivative: one pass per input, with Nested numbers."""
        n, columns = len(shape.numbers), []
        scalar = True
        for j in range(n):
            scalar, _, column = passes.forward(self.twin, f, shape, passes.unit(j, n),
                                                self.where)
            columns.append(column)
            if len(column) != len(columns[0]):
                raise ValueError(f"{self.where}: f returned outputs of different shapes "
                                 "on different passes")
        return scalar, [list(row) for row in zip(*columns)]


def _reverse_rows(twin: Twin, f: Func, shape: Shape,
                  where: str) -> tuple[bool, list[list[Any]]]:
    leaves, scalar, outs = passes.reverse_graph(twin, f, shape, where)
    return scalar, [passes.pull(twin, leaves, out) for out in outs]


def _matrix(rows: list[list[Any]], n: int, outer: bool) -> numpy.ndarray[Any, Any]:
    """The rows as an m×n array: float64, or objects inside another derivative."""
    if not outer or all(type(d) is float for row in rows for d in row):
        return numpy.array(rows, dtype=numpy.float64).reshape(len(rows), n)
    matrix = numpy.empty((len(rows), n), dtype=object)  # inside another derivative: its numbers
    for i, row in enumerate(rows):
        for j, d in enumerate(row):
            matrix[i, j] = d
    return matrix


def _shaped(matrix: numpy.ndarray[Any, Any], scalar: bool, shape: Shape) -> Any:
    """The Jacobian shaped as JAX shapes it: output shape + input shape."""
    if scalar and shape.kind == "scalar":
        corner = matrix[0, 0]
        return float(corner) if matrix.dtype == numpy.float64 else corner
    if scalar:
        first: numpy.ndarray[Any, Any] = matrix[0]
        return first
    return matrix[:, 0].copy() if shape.kind == "scalar" else matrix


class Hessian(Transformed):
    """`hessian(f)`: exact second derivatives of a scalar f (see `hessian`)."""

    where = "cydiff.hessian"

    def __call__(self, x: Any) -> Result:
        refuse_nesting(self.where)
        shape = inputs.shape(x, self.where)
        graph = passes.second_order(self.twin, self.f, shape, self.where)
        matrix = passes.hessian_matrix(graph, len(shape.numbers))
        return float(matrix[0, 0]) if shape.kind == "scalar" else matrix
