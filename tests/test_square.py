"""x ** 2: the compiled twin computes it as x * x where that is provably what CPython's
float_pow gives (`square_is_product` in src/cydiff/_kernels_c.pxd), and with pow
elsewhere. Either way every kind of number and the tape give Python's bits, and
Python's exceptions (an overflow), on both twins."""

import math
import random
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import programs


def near_ties(rng, count):
    """Squares on or next to a tie between two doubles: few significant bits."""
    for _ in range(count):
        m = rng.randrange(1, 2**27) | 1
        x = math.ldexp(m, -rng.randrange(60)) * (1.0 + rng.randrange(-2, 3) * 2.0**-52)
        yield x if rng.random() < 0.5 else -x


def square_outcome(impl, x):
    """x ** 2 on a Value, a Dual and a tape, with their derivatives, or the error."""
    out = []
    for make in (lambda: impl.Value(x) ** 2, lambda: (impl.Dual(x, 1.0) ** 2)):
        try:
            y = make()
            out.append((y.data, None) if hasattr(y, "data") else (y.val, y.deriv))
        except Exception as e:  # noqa: BLE001 - the error is the result
            out.append((type(e), str(e)))
    tape = impl.trace(lambda v: v[0] ** 2, [1.5])
    try:
        out.append(tuple(float(t) for t in (tape.value([x]), tape.grad([x])[0])))
    except Exception as e:  # noqa: BLE001
        out.append((type(e), str(e)))
    return programs.canonical(out)


def python_square(x):
    try:
        return programs.bits(x ** 2)
    except OverflowError:
        return OverflowError


@pytest.mark.parametrize("sample", ["uniform", "ties", "edges"])
def test_squares_are_pythons(impl, sample):
    rng = random.Random(sample)
    if sample == "uniform":
        xs = [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(4000)]
    elif sample == "ties":
        xs = list(near_ties(rng, 4000))
    else:
        xs = [0.0, -0.0, 5e-324, 1e-160, 2.0**-480, 2.0**-481, 1.34e154, 1.35e154, 2.0**500,
              2.0**511.5, math.inf, -math.inf, math.nan, 1.0, -1.0, 3.0, 2.0**-537]
    for x in xs:
        outcome = square_outcome(impl, x)
        value = outcome[0][0]
        expected = python_square(x)
        if expected is OverflowError:
            assert outcome[0][0] is OverflowError and outcome[1][0] is OverflowError, x
        else:
            assert value == expected, x
            assert outcome[1][0] == expected and outcome[2][0] == expected, x


@pytest.mark.c_extensions
@settings(max_examples=3000, deadline=None)
@given(x=st.floats(allow_nan=True, allow_infinity=True))
def test_the_twins_square_alike(pure, compiled, x):
    assert square_outcome(compiled, x) == square_outcome(pure, x)
