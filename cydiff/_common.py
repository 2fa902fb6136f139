"""Shared by both twins: what counts as a number, and the words of every error.

Both twins take their slow paths through these functions (the compiled one
only once its C fast path has declined), so an error raised by cydiff reads the
same whichever implementation raised it.
"""

from __future__ import annotations

import math
import numbers
import sys
from typing import Any, Callable, NoReturn, cast

from . import _twin

NEGATIVE_FRACTIONAL_POWER = "negative number cannot be raised to a fractional power"


def as_number(x: object) -> float | None:
    """`x` as a float if it is a real number, else None.

    Real numbers are ints (bools too), floats, and whatever registers as
    `numbers.Real` (numpy's integer and floating scalars, Fraction). Strings
    and complex numbers are not: `Value("3")` is a mistake, not a conversion.
    """
    if isinstance(x, (float, int)) or isinstance(x, numbers.Real):
        return float(x)
    return None


def type_name(x: object) -> str:
    return type(x).__name__


def described(x: object) -> str:
    """What was given, for an error message: 'str', or 'list' of 'str' for a bad element."""
    import numpy  # here: the compiled twin's modules import this one, and need no numpy

    name = f"'{type_name(x)}'"
    if isinstance(x, (list, tuple, numpy.ndarray)):
        for item in numpy.asarray(x, dtype=object).ravel():
            if as_number(item) is None:
                return f"{name} of '{type_name(item)}'"
    return name


def _mixing_hint(a: object, b: object) -> str:
    ia, ib = _twin.name_of(a), _twin.name_of(b)
    if ia is not None and ib is not None and ia != ib:
        return (f" (a {ia} {type_name(a)} and a {ib} {type_name(b)}: "
                "the pure and compiled implementations do not mix)")
    return ""


def _is_array(x: object) -> bool:
    return _twin.name_of(x) is None and hasattr(type(x), "__array_ufunc__")


def is_array(x: object) -> bool:
    """Whether x is a numpy array (or another array-like with ufuncs), not a number."""
    return _is_array(x) and not isinstance(x, numbers.Number) and getattr(x, "ndim", 1) != 0


def is_nested(x: object) -> bool:
    """Whether x is a number of a nested derivative (`cydiff._transforms.nested.Nested`)."""
    return getattr(type(x), "_cydiff_nested", False) is True


def _defers(x: object) -> bool:
    """x takes the operator itself: an array applies it elementwise, a nested
    derivative's number holds Values or Duals as parts."""
    return _is_array(x) or is_nested(x)


def operand_error(symbol: str, left: object, right: object) -> Any:
    """What a binary operator does with an operand it cannot take.

    numpy arrays (and other array-likes) get NotImplemented, so that they can
    apply the operator elementwise, as they do with floats, and so do nested
    derivatives' numbers; anything else is a TypeError naming both types.
    """
    if _defers(left) or _defers(right):
        return NotImplemented
    raise TypeError(f"unsupported operand type(s) for {symbol}: "
                    f"'{type_name(left)}' and '{type_name(right)}'" + _mixing_hint(left, right))


def comparison_error(symbol: str, left: object, right: object) -> Any:
    """What a comparison does with an operand it cannot take (as operand_error)."""
    if _defers(left) or _defers(right):
        return NotImplemented
    raise TypeError(f"'{symbol}' not supported between instances of "
                    f"'{type_name(left)}' and '{type_name(right)}'" + _mixing_hint(left, right))


def argument_error(where: str, x: object, expected: str = "a real number") -> NoReturn:
    raise TypeError(f"{where} must be {expected}, not '{type_name(x)}'")


def number(x: object, where: str) -> float:
    """`x` as a float, or a TypeError naming `where` and what was given."""
    value = as_number(x)
    if value is None:
        argument_error(where, x)
    return value


def hash_of(value: float, number: object) -> int:
    """hash() of a number that compares by its float value: hash(value), so that
    Dual(2.0) and 2.0 are one key of a dict. A nan hashes by the number's identity, as
    a nan float hashes by its own (Python 3.10 on): the float is made anew at each
    call, so its own identity would change from call to call."""
    return object.__hash__(number) if value != value else hash(value)


def no_float(x: object) -> NoReturn:
    what, attr = {"Dual": ("derivative", "val"), "MultiDual": ("partial derivatives", "val")
                  }.get(type_name(x), ("gradient", "data"))
    raise TypeError(f"cannot convert {type_name(x)} to a number: that would drop its {what}; "
                    f"use .{attr} for the value")


def immutable(cls_name: str, attr: str) -> NoReturn:
    raise AttributeError(f"{cls_name} is immutable: '{attr}' cannot be set")


def read_only(cls_name: str, attr: str) -> NoReturn:
    """Setting or deleting a read-only attribute (Python's words for a method's)."""
    raise AttributeError(f"'{cls_name}' object attribute '{attr}' is read-only")


def undeletable(cls_name: str, attr: str) -> NoReturn:
    raise AttributeError(f"'{cls_name}' object attribute '{attr}' cannot be deleted")


class Sealed(type):
    """The metaclass of the pure twin's classes: like the compiled twin's (static types),
    they can be neither subclassed nor changed, with Python's own words for those.

    `class Dual(ByValue, metaclass=Sealed, unary=dual_unary)` also gives the class a
    method for every elementary function of the op spec (`x.exp()` is
    `dual_unary(EXP, x)`), and numpy's names for them, so that a new op in the spec is a
    method of every number.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any],
                unary: Callable[[int, Any], Any] | None = None) -> Sealed:
        for base in bases:
            if isinstance(base, Sealed):
                raise TypeError(f"type '{base.__name__}' is not an acceptable base type")
        if unary is not None:
            from . import _docstrings, _spec
            for op in _spec.UNARY:
                if op.function:
                    method = _elementary_method(unary, op.code, op.name, name,
                                                _docstrings.method_doc(op))
                    namespace[op.name] = method
                    if op.numpy:  # np.arcsin(a) calls each element's arcsin()
                        namespace[op.numpy] = method
        return super().__new__(mcs, name, bases, namespace)

    def __setattr__(cls, name: str, value: object) -> NoReturn:
        _immutable_type(cls, name)

    def __delattr__(cls, name: str) -> NoReturn:
        _immutable_type(cls, name)


def _elementary_method(unary: Callable[[int, Any], Any], op: int, name: str, owner: str,
                       doc: str) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        return unary(op, self)
    method.__name__ = name
    method.__qualname__ = f"{owner}.{name}"
    method.__doc__ = doc or None
    return method


def _immutable_type(cls: type, name: str) -> NoReturn:
    if sys.version_info >= (3, 10):
        raise TypeError(f"cannot set '{name}' attribute of immutable type '{cls.__name__}'")
    raise TypeError(f"can't set attributes of built-in/extension type '{cls.__name__}'")


def no_modulo(cls_name: str) -> NoReturn:
    raise TypeError(f"pow() with a modulus is not supported for {cls_name}")


def op_string(name: str, c: float) -> str:
    """`_op` of `x ** c`: '**2' for an integral exponent, as micrograd writes it."""
    if math.isfinite(c) and c == math.floor(c) and abs(c) < 2.0 ** 53:
        return f"{name}{int(c)}"
    return f"{name}{c!r}"


# --- the compiled twin's error paths -----------------------------------------
# The C code computes with libm and detects the cases in which Python raises;
# then it asks Python itself, so that type and message are Python's own.

def reciprocal(x: float) -> float:
    """1.0 / x, as Python divides: the op spec's `math` function that math lacks."""
    return 1.0 / x


def math_function(name: str) -> Callable[[float], float]:
    """math.<name>; for math.exp2 and math.cbrt before Python 3.11, the C library's
    function, checked as math checks it (`_libm`); reciprocal, which math lacks."""
    if name == "reciprocal":
        return reciprocal
    function = getattr(math, name, None)
    if function is None:
        from . import _libm
        function = getattr(_libm, name)
    return cast(Callable[[float], float], function)


def python_math(name: str, x: float) -> float:
    """math.<name>(x): raises exactly what Python raises there."""
    return math_function(name)(x)


def python_math2(name: str, a: float, b: float) -> float:
    """math.<name>(a, b): Python's value (math.hypot's own algorithm), or its exception."""
    result: float = getattr(math, name)(a, b)
    return result


def round_digits_error(x: object, ndigits: object) -> NoReturn:
    raise TypeError(f"round() of a {type(x).__name__} takes no digits but 0 (it rounds to an "
                    f"integer, x.rint()), not {ndigits!r}")


def python_div(a: float, b: float) -> float:
    return a / b


def python_pow(a: float, b: float) -> float:
    result: float = a ** b
    return result


# --- errors of the functions (cydiff.exp, sum, dot) ---------------------------

def other_twin_hint(x: object) -> str:
    """x was refused although it is a cydiff object: it comes from the other twin."""
    if _twin.name_of(x) is None:
        return ""
    return (" (a Value or Dual of the other cydiff implementation: "
            "the pure and compiled ones do not mix)")


def elementwise(function: Callable[..., Any], *args: Any) -> Any:
    """function on numpy arrays (and numbers), element by element as numpy broadcasts
    them: a float array where every result is a float, else an object array."""
    import numpy

    out = numpy.frompyfunc(function, len(args), 1)(*args)
    if isinstance(out, numpy.ndarray) and all(type(item) is float for item in out.flat):
        return out.astype(float)
    return out


def function_argument_error(name: str, x: object,
                            function: Callable[[Any], Any] | None = None) -> Any:
    """A function's argument that is not a number, Value or Dual: a TypeError, but
    a nested derivative's number computes the function itself (its method), and a
    numpy array maps it elementwise."""
    if is_nested(x):
        return getattr(x, name)()
    if function is not None and is_array(x):
        return elementwise(function, x)
    raise TypeError(f"{name}() argument must be a real number, Value or Dual, "
                    f"not '{type_name(x)}'" + other_twin_hint(x))


def binary_function(name: str, x: object, other: object) -> Any:
    """cydiff.<name>(x, other) of x's twin: x.atan2(other) & co, where other is neither a
    number nor of x's kind (a nested derivative's number, an array, or an error)."""
    twin = _twin.of(x)
    assert twin is not None, "x is a Value, Dual or MultiDual"
    return getattr(twin.functions, name)(x, other)


def binary_arguments(function: Callable[[Any, Any], Any], name: str, twin: str, a: object,
                     b: object) -> Any:
    """A binary function's arguments that are not two numbers, or a Value, Dual or
    MultiDual of `twin` and a number, or two of one kind (nor a nested derivative's
    number): numpy arrays map it elementwise; anything else is a TypeError naming it."""
    if is_array(a) or is_array(b):
        return elementwise(function, a, b)
    twin_a, twin_b = _twin.name_of(a), _twin.name_of(b)
    if twin_a is not None and twin_a == twin_b:
        raise TypeError(f"{name}() cannot mix '{type_name(a)}' and '{type_name(b)}'")
    bad = a if as_number(a) is None and twin_a != twin else b  # not one of twin's numbers
    raise TypeError(f"{name}() argument must be a real number, Value or Dual, "
                    f"not '{type_name(bad)}'" + other_twin_hint(bad))


def not_iterable(name: str, x: object) -> NoReturn:
    raise TypeError(f"{name}() argument must be an iterable, not '{type_name(x)}'")


def item_error(name: str, x: object) -> NoReturn:
    raise TypeError(f"{name}() item must be a real number, Value or Dual, "
                    f"not '{type_name(x)}'" + other_twin_hint(x))


def mix_error(name: str, first: type, second: type) -> NoReturn:
    """Items of two cydiff kinds (Value, Dual, MultiDual), named in that order."""
    kinds = [k for k in ("Value", "Dual", "MultiDual") if k in (first.__name__, second.__name__)]
    raise TypeError(f"{name}() cannot mix {kinds[0]} and {kinds[-1]} items")


def length_error(name: str, n: int, m: int) -> NoReturn:
    raise ValueError(f"{name}() arguments have different lengths ({n} and {m})")


# --- MultiDual's errors ---------------------------------------------------------

def partials_error(x: object) -> NoReturn:
    raise TypeError("MultiDual() argument 'partials' must be a sequence of real numbers, "
                    f"not '{type_name(x)}'")


def too_many_partials(n: int, chunk: int) -> NoReturn:
    raise ValueError(f"MultiDual() takes at most {chunk} partials, not {n}")


def partials_mismatch(where: str, n: int, m: int) -> NoReturn:
    """Two MultiDuals with different numbers of partials met in one op."""
    raise ValueError(f"{where}: MultiDuals with different numbers of partials ({n} and {m}) "
                     "do not mix; seed every input with the same number")


def pool_limit(nodes: object) -> int:
    """node_pool_limit()'s argument checked: an int >= 0, capped where a pointer array of
    that many nodes would outgrow a 64-bit address space."""
    if type(nodes) is bool or not isinstance(nodes, int):
        raise TypeError(f"node_pool_limit() takes an int, not {type(nodes).__name__}")
    if nodes < 0:
        raise ValueError(f"node_pool_limit() takes a count >= 0, not {nodes}")
    return min(nodes, 2**60)
