"""Every elementary function on both twins: on floats, on Duals, on Values, against closed forms."""

import math
import random

import pytest

from closed_forms import CLOSED_FORMS, sample

NAMES = sorted(CLOSED_FORMS)
MATH = {"exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "log1p", "expm1", "asin", "acos",
        "atan", "sinh", "cosh"}


@pytest.mark.parametrize("name", NAMES)
def test_on_floats(impl, name):
    f = getattr(impl, name)
    for x in sample(name, random.Random(name), 50):
        y = f(x)
        assert type(y) is float
        if name in MATH:
            assert y == getattr(math, name)(x)  # exactly math's value
        else:
            assert y == pytest.approx(CLOSED_FORMS[name][0](x), rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("name", NAMES)
def test_takes_ints_and_bools(impl, name):
    lo, hi = CLOSED_FORMS[name][2]
    n = 1 if lo <= 1 <= hi else 0
    assert getattr(impl, name)(n) == getattr(impl, name)(float(n))
    assert getattr(impl, name)(bool(n)) == getattr(impl, name)(float(n))


@pytest.mark.parametrize("name", NAMES)
def test_dual_against_closed_form(impl, name):
    f, df, _ = CLOSED_FORMS[name]
    for x in sample(name, random.Random(name), 50):
        for d in (impl.Dual(x, 1.0), impl.Dual(x, -2.5)):
            for y in (getattr(impl, name)(d), getattr(d, name)()):
                assert type(y) is impl.Dual
                assert y.val == getattr(impl, name)(x)
                assert y.deriv == pytest.approx(df(x) * d.deriv, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name", NAMES)
def test_value_against_closed_form(impl, name):
    f, df, _ = CLOSED_FORMS[name]
    for x in sample(name, random.Random(name), 50):
        for how in ("function", "method"):
            v = impl.Value(x)
            y = getattr(impl, name)(v) if how == "function" else getattr(v, name)()
            assert type(y) is impl.Value
            assert y.data == getattr(impl, name)(x)
            assert y._prev == {v}
            y.backward()
            assert v.grad == pytest.approx(df(x), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("name", NAMES)
def test_forward_and_reverse_agree_exactly(impl, name):
    """One op: the tangent of Dual(x, 1) is the gradient of Value(x), to the bit."""
    for x in sample(name, random.Random(name), 50):
        v = impl.Value(x)
        getattr(v, name)().backward()
        assert getattr(impl.Dual(x, 1.0), name)().deriv == v.grad


def test_value_op_names(impl):
    expected = {"relu": "ReLU"}
    for name in NAMES:
        low, high = CLOSED_FORMS[name][2]
        x = impl.Value((low + high) / 2)
        assert getattr(x, name)()._op == expected.get(name, name)


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "**"])
def test_binary_ops_against_closed_forms(impl, symbol):
    """Both operands nodes, a constant on the right, a constant on the left; Dual and Value."""
    import operator
    op = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}[symbol]
    partials = {  # (d/da, d/db) of a op b
        "+": lambda a, b: (1.0, 1.0),
        "-": lambda a, b: (1.0, -1.0),
        "*": lambda a, b: (b, a),
        "/": lambda a, b: (1.0 / b, -a / b**2),
        "**": lambda a, b: (b * a ** (b - 1), a**b * math.log(a)),
    }[symbol]
    rng = random.Random(symbol)
    for _ in range(50):
        a, b = rng.uniform(0.2, 3.0), rng.uniform(0.2, 3.0)
        da, db = partials(a, b)
        # both nodes
        va, vb = impl.Value(a), impl.Value(b)
        y = op(va, vb)
        assert y.data == op(a, b) and y._op == symbol and y._children == (va, vb)
        y.backward()
        assert va.grad == pytest.approx(da, rel=1e-12) and vb.grad == pytest.approx(db, rel=1e-12)
        # constant right, constant left
        va = impl.Value(a)
        y = op(va, b)
        assert y.data == op(a, b) and y._prev == {va}
        y.backward()
        assert va.grad == pytest.approx(da, rel=1e-12)
        vb = impl.Value(b)
        y = op(a, vb)
        assert y.data == op(a, b) and y._prev == {vb}
        y.backward()
        assert vb.grad == pytest.approx(db, rel=1e-12)
        # forward mode, each direction
        assert op(impl.Dual(a, 1.0), impl.Dual(b, 0.0)).deriv == pytest.approx(da, rel=1e-12)
        assert op(impl.Dual(a, 0.0), impl.Dual(b, 1.0)).deriv == pytest.approx(db, rel=1e-12)
        assert op(impl.Dual(a, 1.0), b).deriv == pytest.approx(da, rel=1e-12)
        assert op(a, impl.Dual(b, 1.0)).deriv == pytest.approx(db, rel=1e-12)
        assert op(impl.Dual(a, 1.0), impl.Dual(b, 1.0)).val == op(a, b)


def test_negation_and_abs_operators(impl):
    v = impl.Value(-2.0)
    for y, expected in ((-v, 2.0), (abs(v), 2.0), (+v, -2.0)):
        assert y.data == expected
    y = -v
    y.backward()
    assert v.grad == -1.0 and y._op == "neg"
    assert (+v) is v
    d = impl.Dual(-2.0, 3.0)
    assert (-d).val == 2.0 and (-d).deriv == -3.0
    assert abs(d).val == 2.0 and abs(d).deriv == -3.0
    assert (+d) is d


def test_sum_and_dot_are_one_node(impl):
    xs = [impl.Value(float(i)) for i in range(1, 6)]
    ws = [impl.Value(0.5 * i) for i in range(1, 6)]
    s = impl.sum(xs + [2.0])
    assert s.data == 17.0 and s._op == "sum" and s._children == tuple(xs)
    s.backward()
    assert [x.grad for x in xs] == [1.0] * 5
    d = impl.dot(ws, xs)
    assert d._op == "dot" and d.data == sum(0.5 * i * i for i in range(1, 6))
    assert d._children == tuple(v for pair in zip(ws, xs) for v in pair)
    d.backward()
    assert [w.grad for w in ws] == [x.data for x in xs]
    assert [x.grad for x in xs] == [1.0 + w.data for w in ws]  # 1.0 left from the sum
    # numbers on either side are folded in as constants
    d = impl.dot([1.0, 2.0, 3.0], xs[:3])
    assert d.data == 14.0 and d._children == tuple(xs[:3])
    # Duals: product rule per term
    duals = [impl.Dual(float(i), 1.0) for i in range(1, 4)]
    y = impl.dot(duals, duals)
    assert (y.val, y.deriv) == (14.0, 12.0)
    y = impl.sum(duals + [1])
    assert (y.val, y.deriv) == (7.0, 3.0)
    # no Value or Dual: a float
    assert impl.sum([1, 2.5]) == 3.5 and impl.sum([]) == 0.0
    assert impl.dot([1, 2], [3, 4]) == 11.0 and impl.dot([], []) == 0.0
    assert impl.sum(iter([impl.Value(1.0), 2])).data == 3.0


def test_dot_matches_chain_of_products(impl):
    rng = random.Random(7)
    ws = [impl.Value(rng.uniform(-1, 1)) for _ in range(8)]
    xs = [rng.uniform(-1, 1) for _ in range(8)]
    fused = impl.dot(ws, xs)
    chain = ws[0] * xs[0]
    for w, x in zip(ws[1:], xs[1:]):
        chain = chain + w * x
    assert fused.data == chain.data  # same products, same left-to-right sum
    fused.backward()
    fused_grads = [w.grad for w in ws]
    for w in ws:
        w.grad = 0.0
    chain.backward()
    assert fused_grads == [w.grad for w in ws] == xs


@pytest.mark.parametrize("symbol", ["+", "-", "*", "/", "**"])
def test_forward_and_reverse_agree_exactly_for_operators(impl, symbol):
    """One operator: each tangent equals the matching gradient (== ignores only the sign of 0,
    which reverse mode's accumulation from 0.0 normalizes)."""
    import operator
    op = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}[symbol]
    rng = random.Random(symbol)
    for _ in range(100):
        a, b = rng.uniform(0.1, 3.0), rng.uniform(-3.0, 3.0)
        va, vb = impl.Value(a), impl.Value(b)
        op(va, vb).backward()
        assert op(impl.Dual(a, 1.0), impl.Dual(b, 0.0)).deriv == va.grad
        assert op(impl.Dual(a, 0.0), impl.Dual(b, 1.0)).deriv == vb.grad
        for constant_left in (False, True):
            v = impl.Value(b if constant_left else a)
            (op(a, v) if constant_left else op(v, b)).backward()
            d = op(a, impl.Dual(b, 1.0)) if constant_left else op(impl.Dual(a, 1.0), b)
            assert d.deriv == v.grad
