"""The edge-case conventions (README, "Edge cases"), one test per rule, both twins, both modes.

Forward values follow Python's float and math: the same value, or the same exception.
Local derivatives never raise: conventional values at removable singularities, IEEE elsewhere.
"""

import math

import pytest

inf, nan = math.inf, math.nan


def grad_of(impl, f, x):
    """(value, gradient) by reverse mode, (value, derivative) by forward mode."""
    v = impl.Value(x)
    y = f(v)
    y.backward()
    d = f(impl.Dual(x, 1.0))
    return (y.data, v.grad), (d.val, d.deriv)


def same(a, b):
    return (a != a and b != b) or (a == b and math.copysign(1, a) == math.copysign(1, b))


@pytest.mark.parametrize("name, f, x, value, derivative", [
    ("relu'(0) = 0", lambda t: t.relu(), 0.0, 0.0, 0.0),
    ("relu(-0.0) = 0.0", lambda t: t.relu(), -0.0, 0.0, 0.0),
    ("abs'(0) = 0", lambda t: abs(t), 0.0, 0.0, 0.0),
    ("d/dx x**0 = 0", lambda t: t**0, 0.0, 1.0, 0.0),
    ("d/dx x**0 = 0 (x != 0)", lambda t: t**0, 3.0, 1.0, 0.0),
    ("d/db 0**b = 0 for b > 0", lambda t: 0.0**t, 2.0, 0.0, 0.0),
    ("sqrt'(0) = inf", lambda t: t.sqrt(), 0.0, 0.0, inf),
    ("d/dx x**0.5 at 0 = inf", lambda t: t**0.5, 0.0, 0.0, inf),
    ("d/dx x**2 at 0 = 0", lambda t: t**2, 0.0, 0.0, 0.0),
    ("asin'(1) = inf", lambda t: t.asin(), 1.0, math.pi / 2, inf),
    ("acos'(1) = -inf", lambda t: t.acos(), 1.0, 0.0, -inf),
    ("log1p'(-1+) finite", lambda t: t.log1p(), -0.5, math.log1p(-0.5), 2.0),
    ("sigmoid(-1000) = 0, no overflow", lambda t: t.sigmoid(), -1000.0, 0.0, 0.0),
    ("sigmoid(1000) = 1, no overflow", lambda t: t.sigmoid(), 1000.0, 1.0, 0.0),
    ("softplus(1000) = 1000, no overflow", lambda t: t.softplus(), 1000.0, 1000.0, 1.0),
    ("softplus(-1000) = 0", lambda t: t.softplus(), -1000.0, 0.0, 0.0),
    ("tanh(inf) = 1", lambda t: t.tanh(), inf, 1.0, 0.0),
    ("exp(-inf) = 0", lambda t: t.exp(), -inf, 0.0, 0.0),
    ("nan flows through", lambda t: t * 2.0 + 1.0, nan, nan, 2.0),
    ("relu(nan) = nan", lambda t: t.relu(), nan, nan, 0.0),
    ("inf flows through", lambda t: t + 1.0, inf, inf, 1.0),
    ("inf - inf = nan", lambda t: t - t, inf, nan, 0.0),
    ("atan'(huge) = 0", lambda t: t.atan(), 1e300, math.atan(1e300), 0.0),
])
def test_value_and_derivative(impl, name, f, x, value, derivative):
    (v_val, v_grad), (d_val, d_deriv) = grad_of(impl, f, x)
    assert same(v_val, value) and same(d_val, value), name
    assert same(v_grad, derivative) and same(d_deriv, derivative), name


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
