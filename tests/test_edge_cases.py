"""Edge cases beyond docs/conventions.md's table (tests/test_conventions.py checks that):
the messages of forward errors, complex results refused, operands untouched by a failed
op, and backward passes that never raise."""

import math

import pytest

inf, nan = math.inf, math.nan


@pytest.mark.parametrize("expr, on_floats, error", [
    ("x / 0", "1.0 / 0.0", ZeroDivisionError),
    ("1 / (x - x)", "1.0 / 0.0", ZeroDivisionError),
    ("(x - x) ** -1", "0.0 ** -1.0", ZeroDivisionError),
    ("(x * 0) ** -2.5", "0.0 ** -2.5", ZeroDivisionError),
    ("(-x).log()", "math.log(-1.0)", ValueError),
    ("(x - x).log()", "math.log(0.0)", ValueError),
    ("(-x).sqrt()", "math.sqrt(-1.0)", ValueError),
    ("(x + 1).asin()", "math.asin(2.0)", ValueError),
    ("(x + 1).acos()", "math.acos(2.0)", ValueError),
    ("(-x - 1).log1p()", "math.log1p(-2.0)", ValueError),
    ("(-x).log1p()", "math.log1p(-1.0)", ValueError),
    ("(x * inf).sin()", "math.sin(inf)", ValueError),
    ("(x * inf).cos()", "math.cos(inf)", ValueError),
    ("(x * inf).tan()", "math.tan(inf)", ValueError),
    ("(x * 1000).exp()", "math.exp(1000.0)", OverflowError),
    ("(x * 1000).expm1()", "math.expm1(1000.0)", OverflowError),
    ("(x * 1000).sinh()", "math.sinh(1000.0)", OverflowError),
    ("(x * 1000).cosh()", "math.cosh(1000.0)", OverflowError),
    ("(x * 1e300) ** 2", "1e300 ** 2.0", OverflowError),
    ("10 ** (x * 400)", "10.0 ** 400.0", OverflowError),
])
@pytest.mark.parametrize("kind", ["Value", "Dual"])
def test_forward_errors_are_pythons(impl, expr, on_floats, error, kind):
    """The exception the same computation raises on floats: type and message."""
    with pytest.raises(error) as raised:
        eval(expr, {"x": getattr(impl, kind)(1.0), "inf": inf})
    with pytest.raises(error) as expected:
        eval(on_floats, {"math": math, "inf": inf})
    assert str(raised.value) == str(expected.value)


@pytest.mark.parametrize("expr", ["(-x) ** 0.5", "(-x) ** (x / 4)", "(-8) ** (x / 3)"])
@pytest.mark.parametrize("kind", ["Value", "Dual"])
def test_negative_base_to_fractional_power_is_a_value_error(impl, expr, kind):
    """Where floats would give a complex number, cydiff raises: never a complex result."""
    with pytest.raises(ValueError, match="negative number cannot be raised to a fractional power"):
        eval(expr, {"x": getattr(impl, kind)(1.0)})
    y = (-getattr(impl, kind)(2.0)) ** 3.0  # integral exponents are fine
    assert (y.data if kind == "Value" else y.val) == -8.0


def test_failed_operation_leaves_operands_unchanged(impl):
    a, b = impl.Value(0.0), impl.Value(2.0)
    a.grad, b.grad = 0.5, 0.25
    for bad in (lambda: b / a, lambda: a.log(), lambda: a ** -1, lambda: b + "x"):
        with pytest.raises((ZeroDivisionError, ValueError, TypeError)):
            bad()
        assert (a.data, a.grad, b.data, b.grad) == (0.0, 0.5, 2.0, 0.25)
    d = impl.Dual(0.0, 1.0)
    with pytest.raises(ZeroDivisionError):
        impl.Dual(1.0, 1.0) / d
    assert (d.val, d.deriv) == (0.0, 1.0)


def test_backward_never_raises_on_mutated_data(impl):
    """Local derivatives are IEEE 754 even where data was changed after the forward pass."""
    x = impl.Value(4.0)
    nodes = [x.sqrt(), x.log(), 1.0 / x, x ** 0.5, x.expm1(), x.sinh(), x.cosh(),
             x ** impl.Value(0.5), (x / 8.0).asin(), x.sin(), x.cos()]
    y = impl.sum(nodes)
    for value in (0.0, -1.0, 1000.0, inf, nan):
        x.data = value
        y.backward()  # must not raise


@pytest.mark.parametrize("exponent", [100.5, 0.5, -2.5])
def test_backward_at_a_base_turned_negative_is_ieee(impl, exponent):
    """d/dx x**c at a negative x (the data changed after the forward pass) is nan, what
    C's pow gives, in both twins, even where Python's complex power would overflow."""
    for base in (-1e10, -2.0, -1e-300):
        x, b = impl.Value(2.0), impl.Value(exponent)
        y, z = x ** exponent, x ** b
        x.data = base
        y.backward()
        assert math.isnan(x.grad), (base, x.grad)
        z.backward()
        assert math.isnan(b.grad), (base, b.grad)
