"""The binary functions (atan2, hypot, copysign, fmod, minimum, maximum, the comparisons),
clip, where, square and reciprocal, in every number kind and both twins.

Values are math's (numpy's for minimum and maximum) bit for bit, exceptions included;
derivatives agree with closed forms to 1e-12 and with Richardson differences; forward
equals reverse exactly; the twins agree bit for bit at edge points; and `where` records
its condition, so a tape replays the other branch at a point across it.
"""

import math
import random

import numpy as np
import pytest
from closed_forms import BINARY_CLOSED_FORMS, richardson, sample2
from programs import bits

from cydiff._spec import BINARY_FUNCTIONS

inf, nan = math.inf, math.nan
EDGES = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 2.5, -3.5, 1e-310, -1e-310, 5e-324,
         1e300, -1e300, 1.7976931348623157e308, inf, -inf, nan]
NUMPY = {"minimum": np.minimum, "maximum": np.maximum, "less": np.less, "greater": np.greater,
         "less_equal": np.less_equal, "greater_equal": np.greater_equal}


def reference(name, a, b):
    """What Python (math) or numpy computes on floats: the bits, or the exception."""
    try:
        if name in NUMPY:
            return bits(float(NUMPY[name](np.float64(a), np.float64(b))))
        return bits(getattr(math, name)(a, b))
    except Exception as e:  # noqa: BLE001 - the error is the outcome
        return type(e), str(e)


def outcomes(impl, name, a, b):
    """The value of every way to call the function, as bits (or the exception): on floats,
    Duals, MultiDuals and Values, with each side a number or a constant."""
    f = getattr(impl, name)
    calls = {
        "floats": lambda: f(a, b),
        "Dual, Dual": lambda: f(impl.Dual(a, 1.0), impl.Dual(b, 0.5)).val,
        "Dual, float": lambda: f(impl.Dual(a, 1.0), b).val,
        "float, Dual": lambda: f(a, impl.Dual(b, 1.0)).val,
        "MultiDual": lambda: f(impl.MultiDual(a, [1.0, 0.0]), impl.MultiDual(b, [0.0, 1.0])).val,
        "Value, Value": lambda: f(impl.Value(a), impl.Value(b)).data,
        "Value, float": lambda: f(impl.Value(a), b).data,
        "float, Value": lambda: f(a, impl.Value(b)).data,
        "method": lambda: getattr(impl.Value(a), name)(b).data,
    }
    out = {}
    for kind, call in calls.items():
        try:
            out[kind] = bits(call())
        except Exception as e:  # noqa: BLE001
            out[kind] = (type(e), str(e))
    return out


@pytest.mark.parametrize("name", BINARY_FUNCTIONS)
def test_values_are_pythons_or_numpys_to_the_bit(impl, name):
    for a in EDGES:
        for b in EDGES:
            expected = reference(name, a, b)
            for kind, got in outcomes(impl, name, a, b).items():
                assert got == expected, (name, kind, a, b)


def test_hypot_is_pythons_not_the_c_librarys(impl):
    # math.hypot is CPython's own algorithm: its last bit differs from glibc's hypot at
    # about 1 point in 300 of these; cydiff gives Python's everywhere
    rng = random.Random(3)
    for _ in range(3000):
        a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        assert bits(impl.hypot(impl.Value(a), b).data) == bits(math.hypot(a, b))
        assert bits(impl.hypot(impl.Dual(a, 1.0), impl.Dual(b, 1.0)).val) == bits(math.hypot(a, b))


def derivatives(impl, name, a, b):
    """(df/da, df/db) in reverse mode, and forward mode's, which must be the same bits."""
    f = getattr(impl, name)
    va, vb = impl.Value(a), impl.Value(b)
    f(va, vb).backward()
    forward = (f(impl.Dual(a, 1.0), impl.Dual(b, 0.0)).deriv,
               f(impl.Dual(a, 0.0), impl.Dual(b, 1.0)).deriv)
    partials = f(impl.MultiDual(a, [1.0, 0.0]), impl.MultiDual(b, [0.0, 1.0])).partials
    folded = (f(impl.Dual(a, 1.0), b).deriv, f(a, impl.Dual(b, 1.0)).deriv)
    reverse = (va.grad, vb.grad)
    assert [bits(d) for d in reverse] == [bits(d) for d in forward], (name, a, b)
    assert [bits(d) for d in reverse] == [bits(d) for d in partials], (name, a, b)
    assert [bits(d) for d in reverse] == [bits(d) for d in folded], (name, a, b)
    return reverse



def near(exact, got, rel):
    return exact == got or abs(exact - got) <= rel * max(abs(exact), 1e-3)


@pytest.mark.parametrize("name", BINARY_FUNCTIONS)
def test_derivatives_closed_forms_differences_and_second_order(impl, name):
    f = getattr(impl, name)
    _, (da, db), (daa, dab, dbb), *_ = BINARY_CLOSED_FORMS[name]
    for a, b in sample2(name, random.Random(name), 150):
        ga, gb = derivatives(impl, name, a, b)
        assert near(da(a, b), ga, 1e-12) and near(db(a, b), gb, 1e-12), (name, a, b, ga, gb)
        assert near(richardson(lambda t: f(t, b), a), ga, 1e-6), (name, a, b)
        assert near(richardson(lambda t: f(a, t), b), gb, 1e-6), (name, a, b)
        h = impl.hessian(lambda x: f(x[0], x[1]))([a, b])
        for got, exact in ((h[0][0], daa), (h[0][1], dab), (h[1][0], dab), (h[1][1], dbb)):
            assert near(exact(a, b), float(got), 1e-10), (name, a, b, h)


def test_ties_and_kinks_follow_the_conventions(impl):
    # minimum and maximum: a tie shares the derivative, half each (JAX, PyTorch)
    for name in ("minimum", "maximum"):
        assert derivatives(impl, name, 1.5, 1.5) == (0.5, 0.5)
        assert derivatives(impl, name, 0.0, -0.0) == (0.5, 0.5)
        x = impl.Value(2.0)
        getattr(impl, name)(x, x).backward()
        assert x.grad == 1.0  # f(x, x) = x
    assert impl.minimum(0.0, -0.0) == 0.0 and math.copysign(1, impl.minimum(0.0, -0.0)) < 0
    # clip is minimum(maximum(x, lo), hi): at a bound, half the derivative
    for x, d in ((-1.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 0.5), (2.0, 0.0)):
        assert impl.clip(impl.Dual(x, 1.0), 0.0, 1.0).deriv == d, x
    # hypot' is 0 at the origin (as abs'), atan2' nan (atan2 jumps there)
    assert derivatives(impl, "hypot", 0.0, 0.0) == (0.0, 0.0)
    assert all(d != d for d in derivatives(impl, "atan2", 0.0, 0.0))
    # copysign: d/da is sign(a) sign(b), 0 at a == 0; d/db is 0
    assert derivatives(impl, "copysign", -2.0, 3.0) == (-1.0, 0.0)
    assert derivatives(impl, "copysign", 0.0, -3.0) == (0.0, 0.0)
    # fmod: d/db is minus the integer quotient, exactly
    assert derivatives(impl, "fmod", 7.5, 2.0) == (1.0, -3.0)
    assert derivatives(impl, "fmod", -7.5, 2.0) == (1.0, 3.0)
    # comparisons: 0 everywhere
    for name in ("less", "greater", "less_equal", "greater_equal"):
        assert derivatives(impl, name, 1.0, 1.0) == (0.0, 0.0)


def test_domain_errors_are_pythons(impl):
    for call, error in ((lambda x: impl.fmod(x, 0.0), "math domain error"),
                        (lambda x: impl.fmod(inf, x), "math domain error"),
                        (lambda x: impl.reciprocal(x * 0.0), "float division by zero")):
        for make in (impl.Value, lambda t: impl.Dual(t, 1.0), lambda t: impl.MultiDual(t, [1.0])):
            with pytest.raises((ValueError, ZeroDivisionError), match=error):
                call(make(1.0))
    with pytest.raises(ValueError, match="math domain error"):
        impl.fmod(1.0, 0.0)
    with pytest.raises(TypeError, match="atan2\\(\\) argument must be a real number, Value or "
                                        "Dual, not 'str'"):
        impl.atan2(impl.Value(1.0), "2")
    with pytest.raises(TypeError, match="cannot mix 'Value' and 'Dual'"):
        impl.hypot(impl.Value(1.0), impl.Dual(2.0))


def test_square_and_reciprocal(impl):
    for x in EDGES:
        for f, reference_ in ((impl.square, lambda t: t * t), (impl.reciprocal, lambda t: 1.0 / t)):
            try:
                expected = bits(reference_(x))
            except ZeroDivisionError as e:
                expected = (ZeroDivisionError, str(e))
            for make, read in ((float, float), (impl.Value, lambda v: v.data),
                               (lambda t: impl.Dual(t, 1.0), lambda d: d.val)):
                try:
                    got = bits(read(f(make(x))))
                except ZeroDivisionError as e:
                    got = (ZeroDivisionError, str(e))
                assert got == expected, (f, x)
    assert impl.square(impl.Dual(3.0, 1.0)).deriv == 6.0
    assert impl.reciprocal(impl.Dual(4.0, 1.0)).deriv == -0.0625
    assert impl.hessian(impl.reciprocal)(2.0) == 0.25


@pytest.mark.c_extensions
def test_the_twins_agree_to_the_bit_at_the_edges(pure, compiled):
    def fingerprint(m, name, a, b):
        out = [outcomes(m, name, a, b)]
        try:
            va, vb = m.Value(a), m.Value(b)
            getattr(m, name)(va, vb).backward()
            out.append([bits(va.grad), bits(vb.grad)])
            h = m.hessian(lambda x: getattr(m, name)(x[0], x[1]))([a, b])
            out.append([bits(float(v)) for v in np.ravel(h)])
        except Exception as e:  # noqa: BLE001
            out.append((type(e), str(e)))
        return out

    points = [0.0, -0.0, 1.0, -1.0, 2.5, -3.5, 1e-310, 1e300, inf, -inf, nan]
    for name in BINARY_FUNCTIONS:
        for a in points:
            for b in points:
                assert fingerprint(pure, name, a, b) == fingerprint(compiled, name, a, b), \
                    (name, a, b)


def test_where_takes_one_branch_and_stops_the_other(impl):
    for make, grad in ((impl.Value, None), (lambda t: impl.Dual(t, 1.0), "deriv")):
        x = make(2.0)
        y = impl.where(impl.greater(x, 0.0), impl.sqrt(x), impl.log(-x * 0.0 + 1e-300) * inf)
        value = y.data if grad is None else y.val
        assert value == math.sqrt(2.0)
        if grad is None:
            y.backward()
            assert x.grad == 0.5 / math.sqrt(2.0)  # the inf of the branch not taken stays out
        else:
            assert y.deriv == 0.5 / math.sqrt(2.0)
    # the value is the branch's to the bit: -0.0 too
    for test, a, b in ((impl.less, -0.0, 1.0), (impl.greater, 1.0, -0.0)):
        assert math.copysign(1.0, impl.where(test(impl.Dual(1.0), 2.0), a, b).val) < 0
    # a plain condition picks a branch as it is
    a, b = impl.Value(1.0), impl.Value(2.0)
    assert impl.where(True, a, b) is a and impl.where(np.False_, a, b) is b


def test_a_tape_replays_where_minimum_clip_and_comparisons_across_the_branch(impl):
    def f(x):
        a = impl.where(impl.less(x[0], x[1]), x[0] * x[1], impl.exp(x[0]) - x[1])
        b = impl.minimum(a, impl.sin(x[1])) + impl.clip(x[0] * 3.0, -1.0, 2.0)
        c = impl.maximum(b, 0.5 * x[0]) * impl.greater_equal(x[1], -1.0)
        return c + impl.fmod(x[0] + 10.0, 1.5) + impl.atan2(x[1], x[0]) + impl.hypot(x[0], 2.0)

    # check=True traces again at x0 + 0.5, where clip and greater_equal take other
    # branches: the ops recorded are the same, as the branches are data
    tape = impl.trace(f, [-0.4, -1.2], check=True)
    rng = random.Random(1)
    points = [[-0.4, -1.2], [0.3, 0.9], [1.2, 0.4], [-0.5, -2.0], [2.0, 3.0], [0.9, 0.9]]
    points += [[rng.uniform(-3, 3), rng.uniform(-3, 3)] for _ in range(200)]
    for p in points:
        xs = [impl.Value(t) for t in p]
        y = f(xs)
        y.backward()
        value, grad = tape.value_and_grad(p)
        assert bits(value) == bits(y.data), p
        assert [bits(g) for g in grad] == [bits(x.grad) for x in xs], p


def test_a_plain_if_stays_frozen_in_a_tape_and_check_says_so(impl):
    def f(x):
        return x[0] * 2.0 if x[0] > 0 else -x[0]  # a Python branch: not recorded

    tape = impl.trace(f, [1.0])
    assert tape.value_and_grad([-1.0])[0] == -2.0  # replays the branch taken at x0
    with pytest.raises(ValueError, match="different ops"):
        impl.trace(f, [-0.2], check=True)  # the second point, 0.3, takes the other branch
