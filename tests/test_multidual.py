"""MultiDual: a value and up to 8 partials, each partial bit for bit the tangent of a
Dual seeded along its direction, on both twins; the twins bit for bit alike."""

import copy
import math
import operator
import pickle
import random
from dataclasses import replace

import numpy as np
import pytest

from programs import UNARY, apply, bits, canonical, random_number, random_program, run_duals

SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 1e-300, 1e300, -1e300, 5e-324,
            math.inf, -math.inf, math.nan]
POINTS = SPECIALS + [0.3, -0.7, 1.5, -2.25, 3.0, 0.999, -1.001, 710.0, -746.0, 30.0]
# Partials that probe the chain rule's strong zero and signed zeros: 0 against inf, nan.
PARTIALS = [(), (1.0,), (0.0, 1.0), (-0.0, 0.0, 1.0), (1.0, -2.5, 0.0, math.inf, math.nan),
            (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), (0.5, -1.0, 3.0, 1e-300, -0.0, 2.0, 7.0, -1e300)]
# numpy's ufunc of each method, where its name differs (np.arcsin calls x.arcsin())
NUMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "neg": "negative",
               "pos": "positive", "builtin abs": "absolute"}
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def outcome(f):
    """f() as ('ok', result) or ('raised', type, message)."""
    try:
        return ("ok", f())
    except Exception as e:  # noqa: BLE001 - the exception is the result
        return ("raised", type(e), str(e))


def assert_matches_duals(impl, run, seeds):
    """run(make) builds the same computation from `make(val, k)`, the k-th input.

    `seeds[k]` is input k's partials (all the same length n). The MultiDual run must
    give, to the bit, the value every Dual run gives and as partial j the tangent of
    the Dual run seeded with column j; or raise what they raise.
    """
    n = len(seeds[0]) if seeds else 0
    got = outcome(lambda: run(lambda val, k: impl.MultiDual(val, seeds[k])))
    columns = range(n) if n else [None]  # no partials: the values still agree with a Dual's
    for j in columns:
        want = outcome(lambda: run(lambda val, k: impl.Dual(val, 0.0 if j is None else seeds[k][j])))
        assert got[0] == want[0], (got, want)
        if got[0] == "raised":
            assert got[1:] == want[1:]
            continue
        m, d = got[1], want[1]
        assert type(m) is impl.MultiDual and type(d) is impl.Dual
        assert m.n == n
        assert bits(m.val) == bits(d.val), (m, d)
        if j is not None:
            assert bits(m.partials[j]) == bits(d.deriv), (j, m, d)
    return got


# --- construction -----------------------------------------------------------------------

def test_construction(impl):
    M = impl.MultiDual
    assert M.CHUNK == 8
    x = M(2)
    assert (x.val, x.partials, x.n) == (2.0, (), 0) and type(x.val) is float
    x = M(True, [1, 2.5, False])
    assert (x.val, x.partials, x.n) == (1.0, (1.0, 2.5, 0.0), 3)
    assert all(type(p) is float for p in x.partials) and type(x.partials) is tuple
    assert M(0.5, range(8)).partials == tuple(float(k) for k in range(8))
    assert M(0.5, (k * 0.5 for k in range(3))).partials == (0.0, 0.5, 1.0)
    assert M(np.float64(1.5), np.array([1.0, -2.0])).partials == (1.0, -2.0)
    assert M(1.0, partials=[3]).partials == (3.0,)
    assert bits(M(-0.0, [-0.0]).partials[0]) == bits(-0.0) and bits(M(-0.0).val) == bits(-0.0)


BAD = ["3", None, [1.0], (1.0,), 1j, b"1", {"a": 1}]


@pytest.mark.parametrize("bad", BAD, ids=lambda x: type(x).__name__)
def test_construction_errors(impl, bad):
    name = type(bad).__name__
    with pytest.raises(TypeError) as e:
        impl.MultiDual(bad)
    assert str(e.value) == f"MultiDual() argument 'val' must be a real number, not '{name}'"
    with pytest.raises(TypeError) as e:
        impl.MultiDual(1.0, [1.0, 2.0, bad])
    assert str(e.value) == f"MultiDual() argument 'partials' item 2 must be a real number, not '{name}'"


def test_partials_must_be_a_short_sequence(impl):
    for bad in (3, 1.5, None, "ab", b"ab", impl.Dual(1.0, 1.0)):
        with pytest.raises(TypeError) as e:
            impl.MultiDual(1.0, bad)
        assert str(e.value) == ("MultiDual() argument 'partials' must be a sequence of real "
                                f"numbers, not '{type(bad).__name__}'")
    for n in (9, 20):
        with pytest.raises(ValueError) as e:
            impl.MultiDual(1.0, [0.0] * n)
        assert str(e.value) == f"MultiDual() takes at most 8 partials, not {n}"
    with pytest.raises(TypeError):  # a wrong value is reported before a long list
        impl.MultiDual("1", [0.0] * 9)


def test_init_again_changes_nothing(impl):
    x = impl.MultiDual(1.0, [2.0])
    x.__init__(5.0, ["a"])
    x.__init__(5.0, [3.0])
    assert (x.val, x.partials) == (1.0, (2.0,))


def test_repr(impl):
    M = impl.MultiDual
    assert repr(M(2.0, (1.0, 0.0))) == "MultiDual(val=2.000000, partials=(1.000000, 0.000000))"
    assert repr(M(-0.1081951, [-2.982389])) == "MultiDual(val=-0.108195, partials=(-2.982389,))"
    assert repr(M(1)) == "MultiDual(val=1.000000, partials=())"


def test_docstring_example(impl):
    x = impl.MultiDual(2.0, (1.0, 0.0))
    y = impl.MultiDual(3.0, (0.0, 1.0))
    z = x * y + x**2  # the seeds' z = xy + x², dz/dx = 7, dz/dy = 2
    assert (z.val, z.partials) == (10.0, (7.0, 2.0))
    assert repr(z) == "MultiDual(val=10.000000, partials=(7.000000, 2.000000))"


# --- every op against Duals, direction by direction ---------------------------------------

@pytest.mark.parametrize("name", UNARY + ["arcsin", "arccos", "arctan", "neg", "pos", "builtin abs"])
def test_unary_ops_match_duals(impl, name):
    def run_with(how):
        def run(make):
            x = make(val, 0)
            if name == "neg":
                return -x
            if name == "pos":
                return +x
            if name == "builtin abs":
                return abs(x)
            if how == "numpy":  # (numpy's floating-point flags would warn of our nans)
                with np.errstate(all="ignore"):
                    return getattr(np, NUMPY_NAMES.get(name, name))(x)
            return getattr(x, name)() if how == "method" else getattr(impl, name)(x)
        return run

    for val in POINTS:
        for partials in PARTIALS:
            for how in ("method", "function", "numpy"):
                if how == "function" and name.startswith("arc") or \
                        how == "numpy" and NUMPY_NAMES.get(name, name) not in dir(np) or \
                        how == "numpy" and name == "sign":  # numpy's object sign compares: an int
                    continue
                assert_matches_duals(impl, run_with(how), [partials])


@pytest.mark.parametrize("symbol", list(BINARY))
def test_binary_ops_match_duals(impl, symbol):
    op = BINARY[symbol]
    rng = random.Random(symbol)
    values = POINTS + [2, -3, 0]  # ints as constants
    for _ in range(400):
        a, b = rng.choice(values), rng.choice(values)
        n = rng.randint(0, 8)
        seeds = [tuple(rng.choice([1.0, 0.0, -0.0, -0.5, 2.0, math.inf, math.nan])
                       for _ in range(n)) for _ in range(2)]
        assert_matches_duals(impl, lambda make: op(make(a, 0), make(b, 1)), seeds)
        assert_matches_duals(impl, lambda make: op(make(a, 0), b), seeds)
        assert_matches_duals(impl, lambda make: op(a, make(b, 1)), seeds)
        assert_matches_duals(impl, lambda make: op(make(a, 0), make(a, 0)), seeds)
    x = impl.MultiDual(2.0, [1.0])
    assert (x + np.float64(1.0)).val == 3.0 and (np.int32(2) ** x).val == 4.0  # numpy scalars


def test_identical_operands_match_duals(impl):
    """x op x with one object on both sides (the same memory read twice)."""
    for symbol, op in BINARY.items():
        for val in POINTS:
            def run(make):
                x = make(val, 0)
                return op(x, x)
            assert_matches_duals(impl, run, [(1.0, -0.0, 2.0)])


def test_sum_and_dot_match_duals(impl):
    rng = random.Random(5)
    for _ in range(300):
        k = rng.randint(1, 6)
        n = rng.randint(0, 8)
        vals = [rng.choice(POINTS) for _ in range(2 * k)]
        seeds = [tuple(rng.choice([1.0, 0.0, -0.0, 0.25, math.inf]) for _ in range(n))
                 for _ in range(2 * k)]
        is_var = [rng.random() < 0.6 for _ in range(2 * k)]
        is_var[rng.randrange(2 * k)] = True

        def terms(make, lo, hi):
            return [make(vals[i], i) if is_var[i] else vals[i] for i in range(lo, hi)]

        assert_matches_duals(impl, lambda make: impl.sum(terms(make, 0, 2 * k)), seeds)
        if any(is_var[:k]) or any(is_var[k:]):
            assert_matches_duals(impl, lambda make: impl.dot(terms(make, 0, k),
                                                             terms(make, k, 2 * k)), seeds)
    x = impl.MultiDual(2.0, [1.0, 0.0])
    assert impl.sum(iter([x, 1, 2.5])).partials == (1.0, 0.0)
    assert impl.dot((3.0, x), [x, 1]).partials == (4.0, 0.0)


def test_domain_errors_are_pythons(impl):
    """The same exception, message included, as float, math and Dual."""
    cases = [
        (lambda x: x.log(), -1.0, lambda v: math.log(v)),
        (lambda x: x.log(), 0.0, lambda v: math.log(v)),
        (lambda x: x.sqrt(), -1.0, lambda v: math.sqrt(v)),
        (lambda x: x.asin(), 2.0, lambda v: math.asin(v)),
        (lambda x: x.acos(), -2.0, lambda v: math.acos(v)),
        (lambda x: x.log1p(), -1.0, lambda v: math.log1p(v)),
        (lambda x: x.exp(), 1000.0, lambda v: math.exp(v)),
        (lambda x: x.expm1(), 1000.0, lambda v: math.expm1(v)),
        (lambda x: x.sinh(), 1000.0, lambda v: math.sinh(v)),
        (lambda x: x.cosh(), -1000.0, lambda v: math.cosh(v)),
        (lambda x: x.sin(), math.inf, lambda v: math.sin(v)),
        (lambda x: x / 0, 1.0, lambda v: v / 0),
        (lambda x: 1 / x, 0.0, lambda v: 1 / v),
        (lambda x: x ** -1, 0.0, lambda v: v ** -1),
        (lambda x: x ** 2, 1e300, lambda v: v ** 2),
        (lambda x: 10.0 ** x, 400.0, lambda v: 10.0 ** v),
        (lambda x: x ** 0.5, -8.0, None),
    ]
    for f, val, on_float in cases:
        got = outcome(lambda: f(impl.MultiDual(val, [1.0, 0.0, -2.0])))
        assert got[0] == "raised", (val, got)
        assert got == outcome(lambda: f(impl.Dual(val, 1.0)))
        if on_float is not None:
            assert got == outcome(lambda: on_float(val))
    got = outcome(lambda: impl.MultiDual(-8.0, [1.0]) ** 0.5)
    assert got[1:] == (ValueError, "negative number cannot be raised to a fractional power")


def test_strong_zero(impl):
    """sqrt'(0) is inf: a partial of 0 stays 0 (not nan), a partial of 1 becomes inf."""
    y = impl.sqrt(impl.MultiDual(0.0, [0.0, 1.0, -0.0]))
    assert y.partials == (0.0, math.inf, 0.0)
    z = impl.MultiDual(-2.0, [1.0, 0.0]) ** impl.MultiDual(2.0, [0.0, 1.0])
    assert z.partials[0] == -4.0 and math.isnan(z.partials[1])  # d/db: log(-2) is nan


# --- random programs ----------------------------------------------------------------------

def random_seeds(rng, n_inputs, specials):
    n = rng.randint(0, 8)
    return [tuple(rng.choice([1.0, 0.0, -0.5, random_number(rng, specials)]) for _ in range(n))
            for _ in range(n_inputs)]


def run_multiduals(m, program, seeds):
    """Every value and partial of a random program on MultiDuals, or the error."""
    record = []
    try:
        v = [m.MultiDual(x, s) for x, s in zip(program.inputs, seeds)]
        for op in program.ops:
            v.append(apply(m, op, v))
        record.append(("val", [x.val for x in v]))
        record.append(("partials", [x.partials for x in v]))
        record.append(("n", [x.n for x in v]))
    except Exception as e:  # noqa: BLE001
        record.append(("raised", type(e), str(e)))
    return record


@pytest.mark.parametrize("specials", [0.1, 0.7])
def test_random_programs_match_duals(impl, specials):
    rng = random.Random(int(specials * 10))
    finished = 0
    for k in range(1500):
        program = random_program(rng, specials=specials, max_ops=12 if specials < 0.5 else 6)
        seeds = random_seeds(rng, len(program.inputs), specials)
        got = canonical(run_multiduals(impl, program, seeds))
        n = len(seeds[0])
        for j in range(n) if n else [None]:
            column = [0.0 if j is None else s[j] for s in seeds]
            want = canonical(run_duals(impl, replace(program, seeds=column)))
            context = f"program {k}, direction {j}:\n{program}\nseeds {seeds}"
            if want[-1][0] == "raised":
                assert got == want, context
                continue
            assert got[0] == want[0], context  # every value
            if j is not None:
                assert [p[j] for p in got[1][1]] == want[1][1], context  # partial j = tangent j
        finished += got[-1][0] != "raised"
    assert finished > 1500 // 3  # not a comparison of errors only


@pytest.mark.c_extensions
def test_twins_agree_on_random_programs(pure, compiled):
    rng = random.Random(2024)
    for k in range(3000):
        specials = 0.7 if k % 3 == 0 else 0.1
        program = random_program(rng, specials=specials)
        seeds = random_seeds(rng, len(program.inputs), specials)
        got = canonical(run_multiduals(compiled, program, seeds))
        want = canonical(run_multiduals(pure, program, seeds))
        assert got == want, f"twins differ on program {k}:\n{program}\nseeds {seeds}"


# --- types that do not mix ----------------------------------------------------------------

def test_other_kinds_do_not_mix(impl):
    x = impl.MultiDual(1.0, [1.0])
    for other in (impl.Dual(1.0, 1.0), impl.Value(1.0), "a", None, [1.0]):
        name = type(other).__name__
        for symbol, op in BINARY.items():
            shown = "** or pow()" if symbol == "**" else symbol
            with pytest.raises(TypeError) as e:
                op(x, other)
            assert str(e.value) == f"unsupported operand type(s) for {shown}: 'MultiDual' and '{name}'"
            if name in ("Dual", "Value", "NoneType"):
                with pytest.raises(TypeError) as e:
                    op(other, x)
                assert str(e.value) == f"unsupported operand type(s) for {shown}: '{name}' and 'MultiDual'"
        with pytest.raises(TypeError, match=f"'<' not supported between instances of 'MultiDual' and '{name}'"):
            x < other
        assert (x == other) is False and (x != other) is True
    with pytest.raises(TypeError, match="pow\\(\\) with a modulus is not supported for MultiDual"):
        pow(x, 2, 3)


def test_different_counts_do_not_mix(impl):
    a, b = impl.MultiDual(1.0, [1.0]), impl.MultiDual(0.0, [1.0, 2.0])
    for symbol, op in BINARY.items():
        shown = "** or pow()" if symbol == "**" else symbol
        for left, right, n, m in ((a, b, 1, 2), (b, a, 2, 1)):
            with pytest.raises(ValueError) as e:
                op(left, right)  # before 1 / 0 is computed: the count is checked first
            assert str(e.value) == (f"operands of {shown}: MultiDuals with different numbers of "
                                    f"partials ({n} and {m}) do not mix; seed every input with the "
                                    "same number")
    with pytest.raises(ValueError, match="^sum\\(\\) items: .* \\(1 and 2\\)"):
        impl.sum([a, 2.0, b])
    with pytest.raises(ValueError, match="^dot\\(\\) items: .* \\(1 and 2\\)"):
        impl.dot([a, 1.0], [1.0, b])
    with pytest.raises(ValueError, match="^operands of \\+: .* \\(1 and 0\\)"):
        a + impl.MultiDual(1.0)
    assert (a > b, a == impl.MultiDual(1.0, [1.0, 2.0, 3.0])) == (True, True)  # values only


def test_sum_and_dot_do_not_mix_kinds(impl):
    x, d, v = impl.MultiDual(1.0, [1.0]), impl.Dual(1.0, 1.0), impl.Value(1.0)
    with pytest.raises(TypeError, match="^sum\\(\\) cannot mix Dual and MultiDual items$"):
        impl.sum([x, d])
    with pytest.raises(TypeError, match="^sum\\(\\) cannot mix Value and MultiDual items$"):
        impl.sum([v, 1.0, x])
    with pytest.raises(TypeError, match="^dot\\(\\) cannot mix Dual and MultiDual items$"):
        impl.dot([d], [x])
    with pytest.raises(TypeError, match="^sum\\(\\) cannot mix Value and Dual items$"):
        impl.sum([d, v])


@pytest.mark.c_extensions
def test_the_twins_do_not_mix(pure, compiled):
    a, b = pure.MultiDual(1.0, [1.0]), compiled.MultiDual(1.0, [1.0])
    for left, right in ((a, b), (b, a)):
        with pytest.raises(TypeError, match="the pure and compiled implementations do not mix"):
            left * right
    with pytest.raises(TypeError, match="other cydiff implementation"):
        compiled.exp(a)
    with pytest.raises(TypeError, match="other cydiff implementation"):
        pure.sum([b])


def test_no_silent_float_conversion(impl):
    x = impl.MultiDual(1.0, [1.0, 2.0])
    message = "would drop its partial derivatives; use .val for the value"
    for convert in (float, int, math.sin, math.exp):
        with pytest.raises(TypeError, match=message):
            convert(x)


def test_functions_error_on_bad_arguments(impl):
    with pytest.raises(TypeError, match="exp\\(\\) argument must be a real number"):
        impl.exp("x")
    assert type(impl.exp(impl.MultiDual(0.0, [1.0]))) is impl.MultiDual
    assert type(impl.exp(impl.Dual(0.0, 1.0))) is impl.Dual
    assert type(impl.exp(impl.Value(0.0))) is impl.Value
    assert impl.exp(0.0) == 1.0


# --- the rest of Dual's surface -----------------------------------------------------------

def test_comparisons_use_the_value(impl):
    M = impl.MultiDual
    a, b = M(1.0, [5.0]), M(2.0, [-5.0])
    assert a < b and a <= b and b > a and b >= a
    assert a == M(1.0, [99.0]) and a != b and a == M(1.0)
    assert a == 1 and a == 1.0 and a != 2 and 1.0 == a
    assert a < 1.5 and 2 > a and a <= np.float64(1.0)
    assert not (a == "1") and a != "1"
    assert hash(a) == hash(1.0) and hash(M(0.5, [1, 2])) == hash(0.5)
    assert len({a, M(1.0, [2.0]), b}) == 2


def test_immutable(impl):
    x = impl.MultiDual(1.0, [2.0])
    for name in ("val", "partials", "n", "_p", "other"):
        with pytest.raises(AttributeError, match="MultiDual is immutable"):
            setattr(x, name, 3.0)
        with pytest.raises(AttributeError, match="MultiDual is immutable"):
            delattr(x, name)
    assert (x.val, x.partials) == (1.0, (2.0,))


def test_pickle_and_copy(impl):
    for x in (impl.MultiDual(-0.5), impl.MultiDual(-0.0, [3.25]),
              impl.MultiDual(math.inf, [math.nan, -0.0, 1e-300, 5e-324, -math.inf, 1, 2, 3])):
        for y in (pickle.loads(pickle.dumps(x)), copy.copy(x), copy.deepcopy(x),
                  pickle.loads(pickle.dumps(x, 2))):
            assert type(y) is impl.MultiDual
            assert canonical((y.val, y.partials)) == canonical((x.val, x.partials))


def test_numpy_object_arrays(impl):
    """@, np.sum and ufuncs on object arrays of MultiDuals: per direction, what Duals give."""
    rng = np.random.default_rng(3)
    A = rng.uniform(-1, 1, (4, 3))
    vals = rng.uniform(-1, 1, 3)
    seeds = [tuple(rng.uniform(-1, 1, 3)) for _ in range(3)]

    def run(make):
        x = np.empty(3, dtype=object)
        x[:] = [make(vals[i], i) for i in range(3)]
        y = A @ x
        return np.sum(np.sin(y) * np.exp(x[:1])) + np.tanh(y[0]) / (1.0 + x[2] ** 2)

    got = assert_matches_duals(impl, run, seeds)
    assert got[0] == "ok"
    x = np.empty(2, dtype=object)
    x[:] = [impl.MultiDual(1.0, [1.0, 0.0]), impl.MultiDual(2.0, [0.0, 1.0])]
    y = np.array([1.0, 3.0]) + x  # numpy broadcasts, as with floats
    assert y.dtype == object and [t.partials for t in y] == [(1.0, 0.0), (0.0, 1.0)]
    assert (x @ x).partials == (2.0, 4.0)


# --- what MultiDual is for: a Jacobian in ceil(n/8) passes instead of n ------------------

def residual(u, sin, exp):
    """A discretized nonlinear PDE (Bratu, u'' + e^u = 0 on a grid, zero at both ends)
    plus a dense coupling term: f: R^n -> R^(n+1)."""
    n = len(u)
    h2 = 1.0 / (n + 1) ** 2
    total = u[0]
    for x in u[1:]:
        total = total + x
    out = []
    for i in range(n):
        left = u[i - 1] if i > 0 else 0.0
        right = u[i + 1] if i < n - 1 else 0.0
        out.append((left - 2 * u[i] + right) / h2 + exp(u[i]) + 0.1 * sin(total) * u[i])
    out.append(total ** 2 / n)
    return out


def jacobian_by_duals(impl, f, x):
    columns = []
    for j in range(len(x)):
        out = f([impl.Dual(v, 1.0 if i == j else 0.0) for i, v in enumerate(x)])
        columns.append([y.deriv for y in out])
    return [list(row) for row in zip(*columns)], len(x)


def jacobian_by_multiduals(impl, f, x):
    n, chunk = len(x), impl.MultiDual.CHUNK
    rows, passes = None, 0
    for start in range(0, n, chunk):
        count = min(chunk, n - start)
        inputs = [impl.MultiDual(v, [1.0 if i == start + k else 0.0 for k in range(count)])
                  for i, v in enumerate(x)]
        out = f(inputs)
        passes += 1
        if rows is None:
            rows = [[] for _ in out]
        for row, y in zip(rows, out):
            row.extend(y.partials)
    return rows, passes


@pytest.mark.parametrize("n", [1, 8, 9, 20])
def test_jacobian_in_chunks_equals_jacobian_by_duals(impl, n):
    x = [0.1 * math.sin(i + 1.0) for i in range(n)]
    f = lambda u: residual(u, impl.sin, impl.exp)  # noqa: E731
    by_duals, dual_passes = jacobian_by_duals(impl, f, x)
    by_chunks, chunk_passes = jacobian_by_multiduals(impl, f, x)
    assert (dual_passes, chunk_passes) == (n, math.ceil(n / 8))
    assert len(by_chunks) == n + 1 and all(len(row) == n for row in by_chunks)
    assert canonical(by_chunks) == canonical(by_duals)
    # and it is the Jacobian: the tridiagonal part, checked in closed form
    h2 = 1.0 / (n + 1) ** 2
    total = sum(x)
    for i in range(n):
        diag = -2 / h2 + math.exp(x[i]) + 0.1 * math.sin(total) + 0.1 * math.cos(total) * x[i]
        assert by_chunks[i][i] == pytest.approx(diag, rel=1e-12)
        if i + 1 < n:
            assert by_chunks[i][i + 1] == pytest.approx(1 / h2 + 0.1 * math.cos(total) * x[i],
                                                        rel=1e-12)
    assert by_chunks[n] == pytest.approx([2 * total / n] * n, rel=1e-12)
