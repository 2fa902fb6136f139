"""Gradients against central differences at random points, both twins, both modes."""

import math
import operator
import random

import pytest

from closed_forms import CLOSED_FORMS, sample
from programs import apply, random_program, run_floats


def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2.0 * h)


def close(exact, numeric, rel):
    return abs(exact - numeric) <= rel * max(1.0, abs(exact))


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_each_function(impl, name):
    f = getattr(impl, name)
    for x in sample(name, random.Random(name), 100):
        h = 1e-5 * max(1.0, abs(x))
        numeric = central(f, x, h)
        v = impl.Value(x)
        f(v).backward()
        assert close(v.grad, numeric, 1e-6), (name, x, v.grad, numeric)
        assert close(f(impl.Dual(x, 1.0)).deriv, numeric, 1e-6)


@pytest.mark.parametrize("symbol, op", [("+", operator.add), ("-", operator.sub),
                                        ("*", operator.mul), ("/", operator.truediv),
                                        ("**", operator.pow)])
def test_each_operator(impl, symbol, op):
    rng = random.Random(symbol)
    for _ in range(100):
        a, b = rng.uniform(0.1, 3.0), rng.uniform(-3.0, 3.0)
        va, vb = impl.Value(a), impl.Value(b)
        op(va, vb).backward()
        h = 1e-6
        assert close(va.grad, central(lambda t: op(t, b), a, h), 1e-6)
        assert close(vb.grad, central(lambda t: op(a, t), b, h), 1e-6)
        assert close(op(impl.Dual(a, 1.0), b).deriv, central(lambda t: op(t, b), a, h), 1e-6)


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
            assert close(exact, fine, 1e-5), (str(program), i, exact, fine)
            seeds = [1.0 if k == i else 0.0 for k in range(n)]
            duals = [impl.Dual(x, s) for x, s in zip(program.inputs, seeds)]
            for op in program.ops:
                duals.append(apply(impl, op, duals))
            assert close(duals[-1].deriv, fine, 1e-5), (str(program), i, duals[-1].deriv, fine)
            checked += 1
    assert checked > 300
