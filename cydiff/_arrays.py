"""numpy arrays in and out of one twin's Values: `values`, `grads`, `data`.

numpy holds Values in object arrays and computes with them by their own
operators and methods: `A @ v`, `np.dot`, `np.sum`, and `np.sin(v)` & co (a ufunc
on an object array calls each element's method of the same name).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy

from . import _common


class Arrays(NamedTuple):
    values: Callable[[Any], Any]
    grads: Callable[[Any], Any]
    data: Callable[[Any], Any]


def bind_arrays(Value: Any, Dual: Any) -> Arrays:
    """The array helpers over one twin's Value and Dual."""

    def values(x: Any) -> Any:
        """A numpy object array of new leaf Values holding x's numbers, in x's shape
        (x: a number, a nested sequence or an array of numbers)."""
        expected = "numbers (a number, or a sequence or an array of them)"
        try:
            items = numpy.asarray(x, dtype=object)
        except ValueError:  # a ragged nesting
            raise TypeError(f"cydiff.values: x must be {expected}, not "
                            f"{_common.described(x)}") from None
        numbers = [_common.as_number(item) for item in items.ravel()]
        if any(number is None for number in numbers):
            raise TypeError(f"cydiff.values: x must be {expected}, not {_common.described(x)}")
        leaves = numpy.empty(items.shape, dtype=object)
        leaves.ravel()[:] = [Value(number) for number in numbers]
        return leaves

    def read(name: str, attribute: Callable[[Any], float]) -> Callable[[Any], Any]:
        def read_array(nodes: Any) -> Any:
            array = numpy.asarray(nodes, dtype=object)
            out = numpy.empty(array.shape, dtype=numpy.float64)
            for index, node in numpy.ndenumerate(array):
                out[index] = attribute(node)
            return out if out.ndim else float(out[()])
        read_array.__name__ = read_array.__qualname__ = name
        return read_array

    def grad_of(node: Any) -> float:
        if not isinstance(node, Value):
            raise TypeError(f"cydiff.grads: expected Values, got '{_common.type_name(node)}'")
        return float(node.grad)

    def data_of(node: Any) -> float:
        if isinstance(node, Value):
            return float(node.data)
        if isinstance(node, Dual):
            return float(node.val)
        c = _common.as_number(node)
        if c is None:
            raise TypeError("cydiff.data: expected Values, Duals or numbers, got "
                            f"'{_common.type_name(node)}'")
        return c

    grads = read("grads", grad_of)
    grads.__doc__ = ("The `.grad` of each Value in an array (or sequence) as a float64 array "
                     "of its shape; a float for a single Value.")
    data = read("data", data_of)
    data.__doc__ = ("The forward value of each Value or Dual (or number) in an array as a "
                    "float64 array of its shape; a float for a single one.")
    values.__qualname__ = "values"
    return Arrays(values, grads, data)
