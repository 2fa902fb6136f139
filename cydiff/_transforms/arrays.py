"""numpy arrays in and out of a twin's Values (`twin=`, as the functional API):
`values`, `grads`, `data`.

numpy holds Values in object arrays and computes with them by their own
operators and methods: `A @ v`, `np.dot`, `np.sum`, and `np.sin(v)` & co (a ufunc
on an object array calls each element's method of the same name).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy

from .. import _common, _twin


def values(x: Any, *, twin: Any = None) -> Any:
    """A numpy object array of new leaf Values holding x's numbers, in x's shape.

    Parameters
    ----------
    x : float or array_like
        A number, a nested sequence or an array of numbers.

    Returns
    -------
    numpy.ndarray
        An object array of Values (0-d for a number).

    Raises
    ------
    TypeError
        If x holds something that is not a real number, or is ragged.

    Examples
    --------
    >>> import numpy as np
    >>> import cydiff
    >>> W = cydiff.values([[1.0, 2.0], [3.0, 4.0]])
    >>> np.sum(W * W).backward()
    >>> cydiff.grads(W)
    array([[2., 4.],
           [6., 8.]])
    """
    Value = _twin.resolve(twin, "cydiff.values").Value
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


def grads(nodes: Any, *, twin: Any = None) -> Any:
    """The `.grad` of each Value of an array or a sequence.

    Parameters
    ----------
    nodes : Value or array_like of Value
        The Values.

    Returns
    -------
    float or numpy.ndarray
        A float64 array of their shape; a float for a single Value.

    Raises
    ------
    TypeError
        If an item is not a Value of the twin.

    Examples
    --------
    >>> import cydiff
    >>> v = cydiff.values([1.0, 2.0])
    >>> (v[0] * v[1]).backward()
    >>> cydiff.grads(v)
    array([2., 1.])
    """
    Value = _twin.resolve(twin, "cydiff.grads").Value

    def grad_of(node: Any) -> float:
        if not isinstance(node, Value):
            raise TypeError(f"cydiff.grads: expected Values, got '{_common.type_name(node)}'")
        return float(node.grad)
    return _read(nodes, grad_of)


def data(nodes: Any, *, twin: Any = None) -> Any:
    """The forward value of each Value or Dual (or number) of an array or a sequence.

    Parameters
    ----------
    nodes : Value, Dual or array_like of them
        The numbers.

    Returns
    -------
    float or numpy.ndarray
        A float64 array of their shape; a float for a single one.

    Raises
    ------
    TypeError
        If an item is not a Value, a Dual or a number.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.data(cydiff.values([1.0, 2.0]) * 3.0)
    array([3., 6.])
    """
    record = _twin.resolve(twin, "cydiff.data")
    Value, Dual = record.Value, record.Dual

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
    return _read(nodes, data_of)


def _read(nodes: Any, attribute: Callable[[Any], float]) -> Any:
    """attribute of each node of an array, as a float64 array of its shape (a float
    for a single node)."""
    array = numpy.asarray(nodes, dtype=object)
    out = numpy.empty(array.shape, dtype=numpy.float64)
    for index, node in numpy.ndenumerate(array):
        out[index] = attribute(node)
    return out if out.ndim else float(out[()])
