"""The breadth issue's unary functions at their edges: rounding, sign, exp2, cbrt, lgamma, ...

Values are math's (as floats) bit for bit, both twins agree bit for bit, exceptions
included, and lgamma's derivatives (digamma, trigamma: `cydiff/_gamma_py.py` and its C
twin) match mpmath's to 1e-12 relative.
"""

import math
import random
import sys

import mpmath
import pytest
from programs import bits

from cydiff import _libm

inf, nan = math.inf, math.nan
ROUNDING = {"floor": math.floor, "ceil": math.ceil, "trunc": math.trunc, "rint": round}
EDGES = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994,
         -0.49999999999999994, 1e-300, -1e-300, 5e-324, 4503599627370495.5, -4503599627370497.0,
         1e300, -1e300, inf, -inf, nan]


def outcome(f, x):
    """f(x)'s bits, or its exception's type and message."""
    try:
        y = f(x)
    except Exception as e:  # noqa: BLE001 - the error is the outcome
        return type(e), str(e)
    return bits(y.val if hasattr(y, "val") else y.data if hasattr(y, "data") else y)


def test_rounding_is_maths_as_a_float_with_the_sign_of_x(impl):
    for name, reference in ROUNDING.items():
        for x in EDGES:
            y = getattr(impl, name)(x)
            assert type(y) is float
            if math.isfinite(x):
                assert y == reference(x) and math.copysign(1.0, y) == math.copysign(1.0, x)
            else:
                assert bits(y) == bits(x)  # inf and nan stay, where math raises


def test_sign(impl):
    for x in EDGES:
        expected = nan if x != x else float((x > 0) - (x < 0))
        assert bits(impl.sign(x)) == bits(expected)


def test_the_piecewise_constant_have_zero_derivatives_everywhere(impl):
    for name in [*ROUNDING, "sign"]:
        for x in EDGES:
            v = impl.Value(x)
            y = getattr(v, name)()
            y.backward()
            assert v.grad == 0.0 and getattr(impl.Dual(x, 1.0), name)().deriv == 0.0
            assert impl.hessian(getattr(impl, name))(x) == 0.0


def test_the_rounding_protocol_and_round_give_numbers_of_the_kind(impl):
    for make in (lambda x: impl.Dual(x, 1.0), impl.Value, lambda x: impl.MultiDual(x, [1.0])):
        for x in (-2.5, -0.5, 0.5, 2.5, 3.7):
            for protocol, name in ((math.floor, "floor"), (math.ceil, "ceil"),
                                   (math.trunc, "trunc"), (round, "rint")):
                y = protocol(make(x))
                assert type(y) is type(make(x))
                assert outcome(lambda _: y, x) == outcome(lambda t: getattr(impl, name)(t), x)
            assert outcome(lambda t: round(make(t), 0), x) == outcome(impl.rint, x)
        with pytest.raises(TypeError, match="takes no digits but 0"):
            round(make(1.25), 1)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="math.exp2 and math.cbrt are 3.11's")
def test_the_fallback_of_exp2_and_cbrt_is_maths():
    rng = random.Random(5)
    points = EDGES + [rng.uniform(-1100.0, 1100.0) for _ in range(2000)]
    for name in ("exp2", "cbrt"):
        for x in points:
            assert outcome(getattr(_libm, name), x) == outcome(getattr(math, name), x)


def test_lgamma_is_maths_to_the_bit_and_raises_as_math(impl):
    rng = random.Random(7)
    points = EDGES + [0.0, -1.0, -2.0, -170.0, 1e-20, 1e-21, 2.5e305, 3e305, -1e-20]
    points += [rng.uniform(-40.0, 40.0) for _ in range(3000)]
    points += [math.ldexp(rng.random(), rng.randint(-80, 1010)) for _ in range(1000)]
    for x in points:
        expected = outcome(math.lgamma, x)
        assert outcome(impl.lgamma, x) == expected, x
        assert outcome(lambda t: impl.lgamma(impl.Dual(t, 1.0)), x) == expected, x
        assert outcome(lambda t: impl.Value(t).lgamma(), x) == expected, x


def _lgamma_derivatives():
    """Points of lgamma's domain, with ψ and ψ₁ there from mpmath (100 digits)."""
    rng = random.Random(11)
    xs = [0.5, 1.0, 2.0, 1.4616321449683622, 1.46163214496837, 1e-300, 1e-8, 9.99, 10.0, 1e15,
          1e300, -0.5, -1.5, -7.999986201537, -1e-8]
    xs += [rng.uniform(0.0, 3.0) for _ in range(300)] + [rng.uniform(1.36, 1.56) for _ in range(300)]
    xs += [rng.uniform(-30.0, 0.0) for _ in range(300)]
    xs += [math.ldexp(rng.random(), rng.randint(-1000, 1000)) for _ in range(300)]
    mpmath.mp.dps = 100
    return [(x, float(mpmath.digamma(x)), float(mpmath.psi(1, x)),
             float(abs(mpmath.digamma(1 - mpmath.mpf(x))) + abs(mpmath.pi / mpmath.tan(mpmath.pi * x)))
             if x < 0 else 0.0) for x in xs if x > 0 or x != math.floor(x)]


DERIVATIVES = _lgamma_derivatives()


def test_lgammas_derivatives_are_digamma_and_trigamma(impl):
    for x, psi, psi1, reflected in DERIVATIVES:
        v = impl.Value(x)
        try:
            v.lgamma().backward()
        except OverflowError:  # lgamma itself overflows past 2.5e305
            continue
        # for x < 0, ψ is a difference of two terms: near its roots there, an absolute error
        assert v.grad == psi or abs(v.grad - psi) <= 1e-12 * max(abs(psi), 1e-4 * reflected), \
            (x, v.grad, psi)
        assert v.grad == impl.lgamma(impl.Dual(x, 1.0)).deriv
        second = impl.hessian(impl.lgamma)(x)
        assert second == psi1 or abs(second - psi1) <= 1e-12 * abs(psi1), (x, second, psi1)


@pytest.mark.c_extensions
def test_the_twins_agree_to_the_bit_at_the_edges(pure, compiled):
    names = [*ROUNDING, "sign", "exp2", "cbrt", "lgamma", "log2", "log10", "asinh", "acosh",
             "atanh", "erfc", "square", "reciprocal"]
    points = EDGES + [0.9999999999999999, 1.0000000000000002, 1024.0, 1025.0, -1075.0, 1.46]
    for name in names:
        for x in points:
            for kind in ("float", "Dual", "Value"):
                def run(m, t):
                    if kind == "float":
                        return getattr(m, name)(t)
                    if kind == "Dual":
                        y = getattr(m.Dual(t, 1.0), name)()
                        return y.val, y.deriv
                    v = m.Value(t)
                    y = getattr(v, name)()
                    y.backward()
                    return y.data, v.grad, m.hessian(getattr(m, name))(t)

                def fingerprint(m):
                    try:
                        r = run(m, x)
                    except Exception as e:  # noqa: BLE001 - the error is the result
                        return type(e), str(e)
                    return [bits(v) for v in (r if isinstance(r, tuple) else (r,))]
                assert fingerprint(pure) == fingerprint(compiled), (name, kind, x)
