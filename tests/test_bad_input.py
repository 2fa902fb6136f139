"""Wrong types raise TypeError naming what was given; the message is the same on both twins."""

import math
from fractions import Fraction

import numpy as np
import pytest

from cydiff._spec import BINARY_FUNCTIONS, EXPORTED as ALL_FUNCTIONS, FUNCTIONS

BAD = ["3", None, [1.0], (1.0,), 1j, b"1", {"a": 1}]


def type_name(x):
    return type(x).__name__


@pytest.mark.parametrize("bad", BAD, ids=type_name)
def test_constructors(impl, bad):
    with pytest.raises(TypeError, match=f"Value\\(\\) argument 'data' must be a real number, not '{type_name(bad)}'"):
        impl.Value(bad)
    with pytest.raises(TypeError, match=f"Dual\\(\\) argument 'val' must be a real number, not '{type_name(bad)}'"):
        impl.Dual(bad)
    with pytest.raises(TypeError, match=f"Dual\\(\\) argument 'deriv' must be a real number, not '{type_name(bad)}'"):
        impl.Dual(1.0, bad)


@pytest.mark.parametrize("bad", BAD, ids=type_name)
@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "**"])
def test_operators(impl, bad, symbol):
    ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "/": lambda a, b: a / b, "**": lambda a, b: a ** b}
    shown = "** or pow()" if symbol == "**" else symbol
    for x in (impl.Value(1.0), impl.Dual(1.0, 1.0)):
        with pytest.raises(TypeError) as left:
            ops[symbol](x, bad)
        assert str(left.value) == (f"unsupported operand type(s) for {shown}: "
                                   f"'{type_name(x)}' and '{type_name(bad)}'")
        with pytest.raises(TypeError) as right:
            ops[symbol](bad, x)
        if not isinstance(bad, (str, list, tuple, bytes)) or symbol not in "+*":
            assert str(right.value) == (f"unsupported operand type(s) for {shown}: "
                                        f"'{type_name(bad)}' and '{type_name(x)}'")


def test_spec_examples(impl):
    with pytest.raises(TypeError, match="'str'"):
        impl.Value("3")
    with pytest.raises(TypeError, match="'NoneType'"):
        impl.Dual(None)
    with pytest.raises(TypeError, match="for \\+: 'Value' and 'str'"):
        impl.Value(1) + "a"
    with pytest.raises(TypeError, match="for \\+: 'Value' and 'Dual'"):
        impl.Value(1) + impl.Dual(1)
    with pytest.raises(TypeError, match="for \\*: 'Dual' and 'Value'"):
        impl.Dual(1) * impl.Value(1)


def test_no_silent_float_conversion(impl):
    with pytest.raises(TypeError, match="would drop its derivative; use .val"):
        math.sin(impl.Dual(1.0, 1.0))
    with pytest.raises(TypeError, match="would drop its gradient; use .data"):
        math.exp(impl.Value(1.0))
    for x in (impl.Dual(1.0, 1.0), impl.Value(1.0)):
        with pytest.raises(TypeError):
            float(x)
        with pytest.raises(TypeError):
            int(x)


def test_comparisons(impl):
    for x in (impl.Value(1.0), impl.Dual(1.0)):
        for bad in ("a", None, 1j):
            with pytest.raises(TypeError, match=f"'<' not supported between instances of "
                                                f"'{type_name(x)}' and '{type_name(bad)}'"):
                x < bad
            with pytest.raises(TypeError, match=">="):
                x >= bad
            assert (x == bad) is False and (x != bad) is True
    with pytest.raises(TypeError, match="'Value' and 'Dual'"):
        impl.Value(1.0) < impl.Dual(1.0)


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "relu", "abs", "sigmoid"])
def test_functions(impl, name):
    for bad in ("a", None, [1.0], 1j):
        with pytest.raises(TypeError, match=f"{name}\\(\\) argument must be a real number, "
                                            f"Value or Dual, not '{type_name(bad)}'"):
            getattr(impl, name)(bad)


def test_sum_and_dot(impl):
    v, d = impl.Value(1.0), impl.Dual(1.0)
    with pytest.raises(TypeError, match="sum\\(\\) argument must be an iterable, not 'int'"):
        impl.sum(3)
    with pytest.raises(TypeError, match="sum\\(\\) argument must be an iterable, not 'str'"):
        impl.sum("ab")
    with pytest.raises(TypeError, match="sum\\(\\) item must be a real number, Value or Dual, not 'str'"):
        impl.sum([v, "a"])
    with pytest.raises(TypeError, match="sum\\(\\) cannot mix Value and Dual items"):
        impl.sum([v, d])
    with pytest.raises(TypeError, match="dot\\(\\) cannot mix Value and Dual items"):
        impl.dot([v], [d])
    with pytest.raises(ValueError, match="dot\\(\\) arguments have different lengths \\(2 and 1\\)"):
        impl.dot([v, v], [1.0])
    with pytest.raises(TypeError, match="dot\\(\\) item must be a real number, Value or Dual, not 'NoneType'"):
        impl.dot([v], [None])


def test_value_attributes(impl):
    v = impl.Value(1.0)
    with pytest.raises(TypeError, match="Value.data must be a real number, not 'str'"):
        v.data = "2"
    with pytest.raises(TypeError, match="Value.grad must be a real number, not 'NoneType'"):
        v.grad = None
    with pytest.raises(TypeError, match="Value.label must be a str, not 'int'"):
        v.label = 3
    with pytest.raises(TypeError, match="Value\\(\\) argument 'label' must be a str, not 'int'"):
        impl.Value(1.0, label=3)
    with pytest.raises(TypeError, match="Value\\(\\) argument '_op' must be a str, not 'int'"):
        impl.Value(1.0, _op=3)
    with pytest.raises(TypeError, match="Value\\(\\) argument '_children' item must be a Value, not 'float'"):
        impl.Value(1.0, (v, 2.0))
    with pytest.raises(TypeError, match="Value\\(\\) argument '_children' must be an iterable of Values, not 'int'"):
        impl.Value(1.0, 5)
    assert (v.data, v.grad, v.label) == (1.0, 0.0, "")
    with pytest.raises(TypeError, match="pow\\(\\) with a modulus is not supported for Value"):
        pow(v, 2, 3)


def test_numbers_that_are_accepted(impl):
    for number, value in ((True, 1.0), (3, 3.0), (np.float64(2.5), 2.5), (np.float32(0.5), 0.5),
                          (np.int64(7), 7.0), (Fraction(1, 4), 0.25)):
        assert impl.Value(number).data == value
        assert impl.Dual(number, number).deriv == value
        assert (impl.Value(1.0) + number).data == 1.0 + value
        assert (number * impl.Dual(1.0, 1.0)).deriv == value
    with pytest.raises(OverflowError, match="int too large to convert to float"):
        impl.Value(10**400)


def test_numpy_arrays_broadcast_like_floats(impl):
    """An operator with an array gives NotImplemented, so numpy applies it elementwise."""
    x = impl.Value(2.0)
    out = x * np.array([1.0, 3.0])
    assert out.dtype == object and [v.data for v in out] == [2.0, 6.0]
    out = np.array([1.0, 3.0]) + impl.Dual(2.0, 1.0)
    assert [d.deriv for d in out] == [1.0, 1.0]
    with pytest.raises(TypeError, match="'ndarray'"):
        impl.Value(np.array([1.0]))
    # cydiff's functions map arrays elementwise (test_numpy_interop has the rest)
    assert impl.exp(np.array([1.0])).tolist() == [math.exp(1.0)]


@pytest.mark.c_extensions
def test_the_twins_do_not_mix(pure, compiled):
    for a, b in ((pure.Value(1.0), compiled.Value(1.0)), (compiled.Dual(1.0), pure.Dual(1.0))):
        with pytest.raises(TypeError, match="the pure and compiled implementations do not mix"):
            a + b
        with pytest.raises(TypeError, match="the pure and compiled implementations do not mix"):
            b * a
    with pytest.raises(TypeError, match="do not mix"):
        pure.exp(compiled.Value(1.0))
    with pytest.raises(TypeError, match="do not mix"):
        compiled.sum([pure.Value(1.0)])
    with pytest.raises(TypeError, match="must be a Value, not 'Value'"):
        compiled.Value(1.0, (pure.Value(1.0),))




def bad_inputs(impl, other):
    """Wrong things to give, with the type name the error must show."""
    return [("a", "str"), (None, "NoneType"), ([1.0], "list"), (1j, "complex"),
            (np.array([1.0, 2.0]), "ndarray"), (other.Value(1.0), "Value"),
            (impl.Dual(1.0, 1.0), "Dual")]


def entry_points(impl, v):
    """Every public entry point that takes a number, as a callable of the bad input."""
    points = {
        "Value(x)": lambda x: impl.Value(x),
        "Value(1, (x,))": lambda x: impl.Value(1.0, (x,)),
        "Value(1, _op=x)": lambda x: impl.Value(1.0, _op=x),
        "Value(1, label=x)": lambda x: impl.Value(1.0, label=x),
        "Dual(x)": lambda x: impl.Dual(x),
        "Dual(1, x)": lambda x: impl.Dual(1.0, x),
        "v.data = x": lambda x: setattr(v, "data", x),
        "v.grad = x": lambda x: setattr(v, "grad", x),
        "v.label = x": lambda x: setattr(v, "label", x),
        "sum([v, x])": lambda x: impl.sum([v, x]),
        "dot([v], [x])": lambda x: impl.dot([v], [x]),
        "dot([x], [v])": lambda x: impl.dot([x], [v]),
    }
    for name in FUNCTIONS:
        points[f"{name}(x)"] = lambda x, f=getattr(impl, name): f(x)
    for name in BINARY_FUNCTIONS:
        points[f"{name}(v, x)"] = lambda x, f=getattr(impl, name): f(v, x)
        points[f"{name}(x, v)"] = lambda x, f=getattr(impl, name): f(x, v)
        points[f"{name}(x, 1.0)"] = lambda x, f=getattr(impl, name): f(x, 1.0)
        points[f"v.{name}(x)"] = lambda x, name=name: getattr(v, name)(x)
    points["clip(x, 0, 1)"] = lambda x: impl.clip(x, 0.0, 1.0)
    points["clip(v, x, 1)"] = lambda x: impl.clip(v, x, 1.0)
    points["where(v, x, 1)"] = lambda x: impl.where(v, x, 1.0)
    for symbol, op in (("+", lambda a, b: a + b), ("-", lambda a, b: a - b),
                       ("*", lambda a, b: a * b), ("/", lambda a, b: a / b),
                       ("**", lambda a, b: a ** b), ("<", lambda a, b: a < b),
                       (">=", lambda a, b: a >= b)):
        points[f"v {symbol} x"] = lambda x, op=op: op(v, x)
        points[f"x {symbol} v"] = lambda x, op=op: op(x, v)
    return points


@pytest.mark.c_extensions
def test_every_entry_point_names_what_it_was_given(impl, pure, compiled):
    other = pure if impl is compiled else compiled
    v = impl.Value(2.0)
    v.grad = 0.5
    for where, call in entry_points(impl, v).items():
        for bad, name in bad_inputs(impl, other):
            operator = where.startswith(("v ", "x "))
            function = where.split("(")[0].removeprefix("v.")
            right_input = ((name == "Dual" and where.endswith("(x)") and function in FUNCTIONS)
                           or (name == "Dual" and where.endswith(("(x, 1.0)", "(x, 0, 1)")))
                           or (name == "str" and ("_op" in where or "label" in where))
                           or (name == "ndarray" and operator)  # arrays broadcast, as with floats
                           or (name == "ndarray" and function in ALL_FUNCTIONS))  # and map
            if right_input:
                continue
            with pytest.raises(TypeError) as raised:
                call(bad)
            assert f"'{name}'" in str(raised.value) or f"{name} items" in str(raised.value), \
                (where, name, str(raised.value))
            assert (v.data, v.grad, v.label) == (2.0, 0.5, ""), where
