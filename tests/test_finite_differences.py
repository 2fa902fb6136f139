"""Gradients against central differences at random points, both twins, both modes."""

import math
import operator
import random

import pytest

from closed_forms import CLOSED_FORMS, central, richardson, sample
from programs import apply, random_program, run_floats



def close(exact, numeric, rel):
    return abs(exact - numeric) <= rel * max(1.0, abs(exact))


def relative_error(exact, numeric):
    """Relative error; absolute where the derivative itself vanishes (|exact| < 1e-3)."""
    return abs(exact - numeric) / max(abs(exact), 1e-3)


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_each_function(impl, name):
    f = getattr(impl, name)
    for x in sample(name, random.Random(name), 200):
        numeric = richardson(f, x)
        v = impl.Value(x)
        f(v).backward()
        assert relative_error(v.grad, numeric) <= 1e-6, (name, x, v.grad, numeric)
        assert relative_error(f(impl.Dual(x, 1.0)).deriv, numeric) <= 1e-6, (name, x)


@pytest.mark.parametrize("symbol, op", [("+", operator.add), ("-", operator.sub),
                                        ("*", operator.mul), ("/", operator.truediv),
                                        ("**", operator.pow)])
def test_each_operator(impl, symbol, op):
    rng = random.Random(symbol)
    for _ in range(200):
        a, b = rng.uniform(0.1, 3.0), rng.uniform(-3.0, 3.0)
        if symbol == "/" and abs(b) < 0.1:
            continue  # the pole
        va, vb = impl.Value(a), impl.Value(b)
        op(va, vb).backward()
        da, db = richardson(lambda t: op(t, b), a), richardson(lambda t: op(a, t), b)
        assert relative_error(va.grad, da) <= 1e-6, (symbol, a, b, va.grad, da)
        assert relative_error(vb.grad, db) <= 1e-6, (symbol, a, b, vb.grad, db)
        assert relative_error(op(impl.Dual(a, 1.0), b).deriv, da) <= 1e-6
        assert relative_error(op(a, impl.Dual(b, 1.0)).deriv, db) <= 1e-6


def test_random_programs(impl):
    """Whole random graphs: every input's gradient against central differences.

    A program counts where the difference quotient is stable (the same with
    two steps), which leaves out points next to a kink or a pole.
    """
    rng = random.Random(2026)
    checked = 0
    for _ in range(600):
        program = random_program(rng, specials=0.0, max_ops=8)
        try:
            values = [impl.Value(x) for x in program.inputs]
            for op in program.ops:
                values.append(apply(impl, op, values))
            out = values[-1]
            if not math.isfinite(out.data) or abs(out.data) > 1e6:
                continue
            out.backward()
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        n = len(program.inputs)
        for i in range(n):
            def f(t, i=i):
                xs = list(program.inputs)
                xs[i] = t
                return run_floats(impl, program, xs)
            x = program.inputs[i]
            try:
                coarse = central(f, x, 1e-4 * max(1.0, abs(x)))
                fine = central(f, x, 1e-5 * max(1.0, abs(x)))
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            if not close(coarse, fine, 1e-5):
                continue  # a kink or a pole nearby: differences are no reference there
            exact = values[i].grad
            if math.isnan(exact) and any(not math.isfinite(v.grad) for v in values[n:]):
                continue  # a non-finite local derivative times a zero that is x - x (x / x
                #           into acos, whose slope at 1 is -inf): AD's inf·0, not a slope
            assert close(exact, fine, 1e-5), (str(program), i, exact, fine)
            seeds = [1.0 if k == i else 0.0 for k in range(n)]
            duals = [impl.Dual(x, s) for x, s in zip(program.inputs, seeds)]
            for op in program.ops:
                duals.append(apply(impl, op, duals))
            assert close(duals[-1].deriv, fine, 1e-5), (str(program), i, duals[-1].deriv, fine)
            checked += 1
    assert checked > 300
