"""Dual, forward mode: the seeds' worked numbers, arithmetic, comparisons, immutability."""

import copy
import math
import pickle

import pytest


def test_seed_sin_of_square(impl):
    x = impl.Dual(1.5, 1.0)
    y = impl.sin(x**2 + 1)
    assert round(y.val, 8) == -0.10819513
    assert round(y.deriv, 8) == -2.98238903
    assert y.deriv == pytest.approx(math.cos(1.5**2 + 1) * 2 * 1.5, rel=1e-15)
    assert repr(y) == "Dual(val=-0.108195, deriv=-2.982389)"


def test_seed_cubic(impl):
    x = impl.Dual(3.0, 1.0)
    y = x**3 + 2 * x
    assert (y.val, y.deriv) == (33.0, 29.0)


def test_defaults_and_types(impl):
    d = impl.Dual(2)
    assert (d.val, d.deriv) == (2.0, 0.0)
    assert type(d.val) is float and type(d.deriv) is float
    assert impl.Dual(True, 1).deriv == 1.0


def test_arithmetic_with_numbers_on_either_side(impl):
    x = impl.Dual(2.0, 1.0)  # noqa: F841  (the cases eval it)
    cases = {
        "x + 3": (5.0, 1.0), "3 + x": (5.0, 1.0), "x - 3": (-1.0, 1.0), "3 - x": (1.0, -1.0),
        "x * 3": (6.0, 3.0), "3 * x": (6.0, 3.0), "x / 4": (0.5, 0.25), "4 / x": (2.0, -1.0),
        "x ** 3": (8.0, 12.0), "2 ** x": (4.0, 4.0 * math.log(2.0)), "x ** x": (4.0, 4.0 * (1 + math.log(2.0))),
        "x * x": (4.0, 4.0), "x / x": (1.0, 0.0), "x - x": (0.0, 0.0),
    }
    for expr, (val, deriv) in cases.items():
        y = eval(expr)
        assert type(y) is impl.Dual, expr
        assert y.val == val and y.deriv == pytest.approx(deriv, rel=1e-15), expr


def test_comparisons_use_the_value(impl):
    a, b = impl.Dual(1.0, 5.0), impl.Dual(2.0, -5.0)
    assert a < b and a <= b and b > a and b >= a
    assert a == impl.Dual(1.0, 99.0) and a != b
    assert a == 1 and a == 1.0 and a != 2 and 1.0 == a
    assert a < 1.5 and 2 > a
    assert not (a == "1") and a != "1"
    assert hash(a) == hash(1.0) and hash(impl.Dual(0.5, 1)) == hash(0.5)
    assert len({a, impl.Dual(1.0, 2.0), b}) == 2


def test_immutable(impl):
    d = impl.Dual(1.0, 2.0)
    for name in ("val", "deriv", "other"):
        with pytest.raises(AttributeError, match="Dual is immutable"):
            setattr(d, name, 3.0)
        with pytest.raises(AttributeError, match="Dual is immutable"):
            delattr(d, name)
    assert (d.val, d.deriv) == (1.0, 2.0)


def test_pickle_and_copy(impl):
    d = impl.Dual(-0.5, 3.25)
    for e in (pickle.loads(pickle.dumps(d)), copy.copy(d), copy.deepcopy(d)):
        assert type(e) is impl.Dual and (e.val, e.deriv) == (-0.5, 3.25)


def test_zero_tangent_contributes_nothing(impl):
    """sqrt'(0) is inf, but a constant direction (tangent 0) must give 0, not 0 * inf = nan."""
    x, y = impl.Dual(0.0, 0.0), impl.Dual(2.0, 1.0)
    z = impl.sqrt(x) + y  # d/dy at x = 0
    assert z.deriv == 1.0
    assert (impl.Dual(-2.0, 1.0) ** impl.Dual(2.0, 0.0)).deriv == -4.0  # log(-2) unused
    assert impl.sqrt(impl.Dual(0.0, 1.0)).deriv == math.inf
