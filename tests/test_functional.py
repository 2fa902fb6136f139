"""The functional API on both twins: closed forms, shapes, the twins' bits, and errors."""

import math

import numpy as np
import pytest


def rosenbrock(x):
    return sum(100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2 for i in range(len(x) - 1))


def rosenbrock_grad(x):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def softmax(m):
    def f(x):
        exps = [m.exp(xi) for xi in x]
        total = m.sum(exps)
        return [e / total for e in exps]
    return f


def bits(a):
    return np.asarray(a, dtype=np.float64).tobytes()


# --- closed forms --------------------------------------------------------------------

def test_derivative_closed_forms(impl):
    assert impl.derivative(lambda x: x**3 + 2 * x, 3.0) == 29.0
    x = 1.5
    assert impl.derivative(lambda x: (x**2 + 1).sin(), x) == pytest.approx(
        math.cos(x**2 + 1) * 2 * x, rel=1e-15)
    assert impl.derivative(lambda x: 4.0, 2.0) == 0.0
    d = impl.derivative(lambda x: [x * x, impl.exp(x), 1.0], 2.0)
    assert isinstance(d, np.ndarray) and d.dtype == np.float64
    assert d.tolist() == [4.0, pytest.approx(math.exp(2.0), rel=1e-15), 0.0]


def test_grad_of_the_seeds_examples(impl):
    assert impl.grad(lambda v: v[0] * v[1] + v[0] ** 2)([2.0, 3.0]).tolist() == [7.0, 2.0]
    assert impl.grad(lambda v: (v[0] + v[1]) * (v[0] * v[1]))((2.0, 3.0)).tolist() == [21.0, 16.0]
    assert impl.grad(lambda x, y: x * y + x**2, argnums=(0, 1))(2.0, 3.0) == (7.0, 2.0)

    def loss(w, b, x=2.0):
        return ((w * x + b).sigmoid() - 0.8) ** 2
    value, (dw, db) = impl.value_and_grad(loss, argnums=(0, 1))(0.5, -0.1)
    assert value == pytest.approx(0.007930, abs=1e-6)
    assert dw == pytest.approx(-0.07319962, abs=1e-8)
    assert db == pytest.approx(-0.03659981, abs=1e-8)


def test_grad_of_rosenbrock_in_ten_dimensions(impl):
    x = np.linspace(-1.2, 1.5, 10)
    value, g = impl.value_and_grad(rosenbrock)(x)
    assert value == pytest.approx(rosenbrock(x), rel=1e-15)
    np.testing.assert_allclose(g, rosenbrock_grad(x), rtol=1e-13)


def test_softmax_jacobian_in_every_mode(impl):
    x = [0.3, -1.2, 2.0, 0.7, 0.0]
    s = np.exp(x) / np.exp(x).sum()
    expected = np.diag(s) - np.outer(s, s)
    for mode in ("forward", "reverse", "auto"):
        J = impl.jacobian(softmax(impl), mode=mode)(x)
        assert J.shape == (5, 5) and J.dtype == np.float64
        np.testing.assert_allclose(J, expected, rtol=1e-13, atol=1e-16)


def test_jvp_and_vjp_are_the_jacobian_times_a_vector(impl):
    x = np.array([0.3, -1.2, 2.0, 0.7])
    v = np.array([1.0, 0.5, -2.0, 3.0])
    J = impl.jacobian(softmax(impl))(x)
    value, tangent = impl.jvp(softmax(impl), x, v)
    np.testing.assert_allclose(value, np.exp(x) / np.exp(x).sum(), rtol=1e-15)
    np.testing.assert_allclose(tangent, J @ v, rtol=1e-12, atol=1e-15)
    value, cotangent = impl.vjp(softmax(impl), x, v)
    np.testing.assert_allclose(cotangent, v @ J, rtol=1e-12, atol=1e-15)
    # scalar f: vjp with u = 2 is twice the gradient; jvp is the directional derivative
    g = impl.grad(rosenbrock)(x)
    assert impl.vjp(rosenbrock, x, 2.0)[1].tolist() == (2 * g).tolist()
    assert impl.jvp(rosenbrock, x, v)[1] == pytest.approx(g @ v, rel=1e-13)


# --- shapes: what f receives, what comes back --------------------------------------

@pytest.mark.parametrize("x, kind", [([1.0, 2.0], list), ((1.0, 2.0), tuple),
                                     (np.array([1.0, 2.0]), np.ndarray)])
def test_f_receives_the_container_it_was_given(impl, x, kind):
    seen = []

    def f(v):
        seen.append(type(v))
        return v[0] * v[1]
    assert impl.grad(f)(x).tolist() == [2.0, 1.0]
    impl.jacobian(f, mode="forward")(x)
    impl.jvp(f, x, x)
    assert seen == [kind] * len(seen) and len(seen) == 3  # grad, jacobian's one pass, jvp
    if kind is np.ndarray:
        impl.grad(lambda v: seen.append(v.dtype) or v[0])(x)
        assert seen[-1].kind == "O"


def test_jacobian_shapes_follow_jax(impl):
    assert isinstance(impl.jacobian(lambda x: x * x)(3.0), float)
    assert impl.jacobian(lambda x: x * x)(3.0) == 6.0
    assert impl.jacobian(lambda v: v[0] * v[1])([2.0, 3.0]).shape == (2,)
    assert impl.jacobian(lambda x: [x, x * x, 2.0])(3.0).tolist() == [1.0, 6.0, 0.0]
    J = impl.jacobian(lambda v: [v[0] * v[1], v[0] + v[1], v[1]])([2.0, 3.0])
    assert J.tolist() == [[3.0, 2.0], [1.0, 1.0], [0.0, 1.0]]


def test_auto_mode_takes_fewer_passes(impl):
    calls = []

    def f(v):
        calls.append(type(v[0]).__name__)
        return [v[0] * v[1] * v[2]]
    impl.jacobian(f)([1.0, 2.0, 3.0])  # n = 3: one MultiDual pass holds every column
    assert calls == ["MultiDual"]
    calls.clear()
    impl.jacobian(f)(list(np.arange(1.0, 18.0)))  # m = 1 < 3 passes: the first learns m, ...
    assert calls == ["MultiDual", "Value"]        # ... then one graph and one backward pass
    calls.clear()
    impl.jacobian(lambda v: [f(v)[0], v[1], v[2]])(list(np.arange(1.0, 18.0)))  # m = n passes
    assert calls == ["MultiDual"] * 3
    calls.clear()
    impl.jacobian(lambda x: f([x, x, x]) * 3)(2.0)  # n = 1: forward only
    assert calls == ["MultiDual"]


def test_a_constant_or_an_input_as_the_output(impl):
    assert impl.grad(lambda v: 5.0)([1.0, 2.0]).tolist() == [0.0, 0.0]
    assert impl.grad(lambda v: v[1])([1.0, 2.0]).tolist() == [0.0, 1.0]
    assert impl.jacobian(lambda v: [v[1], v[0]], mode="reverse")([1.0, 2.0]).tolist() == [
        [0.0, 1.0], [1.0, 0.0]]
    assert impl.value_and_grad(lambda x: x)(2.5) == (2.5, 1.0)


def test_the_twins_give_the_same_bits(impl, pure):
    x = np.linspace(-1.0, 1.3, 6)
    for api in (lambda m: m.grad(rosenbrock)(x),
                lambda m: m.jacobian(softmax(m), mode="forward")(x),
                lambda m: m.jacobian(softmax(m), mode="reverse")(x),
                lambda m: m.jvp(softmax(m), x, x)[1],
                lambda m: m.vjp(softmax(m), x, x)[1]):
        assert bits(api(impl)) == bits(api(pure))


def test_scipy_minimizes_rosenbrock_with_value_and_grad(impl):
    optimize = pytest.importorskip("scipy.optimize")  # scipy is in the test extra
    result = optimize.minimize(impl.value_and_grad(rosenbrock), np.zeros(10), jac=True,
                               method="BFGS", options={"gtol": 1e-10})
    assert result.success, result.message
    np.testing.assert_allclose(result.x, np.ones(10), atol=1e-6)


# --- errors ------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda m: m.grad(lambda v: [v[0], v[1]])([1.0, 2.0]), TypeError,
     "cydiff.grad: f must return a scalar (a Value or a number), not a list of 2; use jacobian"),
    (lambda m: m.grad(lambda v: "a")([1.0]), TypeError,
     "cydiff.grad: f must return a number, a Value or a Dual, or a 1-D sequence of them, not 'str'"),
    (lambda m: m.grad(lambda v: None)([1.0]), TypeError, "not 'NoneType'"),
    (lambda m: m.jacobian(lambda v: [v[0], "x"])([1.0]), TypeError, "holding 'str'"),
    (lambda m: m.grad(lambda x: x, argnums="0"), TypeError,
     "cydiff.grad: argnums must be an int or a non-empty tuple of ints, not '0'"),
    (lambda m: m.grad(lambda x: x, argnums=(0, 0)), ValueError, "argnums repeats a position"),
    (lambda m: m.grad(lambda x: x, argnums=1)(2.0), ValueError,
     "cydiff.grad: argnums 1 is out of range for 1 positional argument(s)"),
    (lambda m: m.grad(lambda x: x)(np.ones((2, 2))), TypeError,
     "cydiff.grad: argument 0 must be a number or 1-D, not an array of shape (2, 2)"),
    (lambda m: m.grad(lambda x: x)(["1"]), TypeError, "argument 0 must hold numbers, not 'str'"),
    (lambda m: m.grad(lambda x: x)("12"), TypeError, "not 'str'"),
    (lambda m: m.grad(lambda x: x)([]), ValueError, "argument 0 is empty"),
    (lambda m: m.grad(lambda x: x)(1 + 2j), TypeError, "not 'complex'"),
    (lambda m: m.derivative(lambda x: x, [1.0, 2.0]), TypeError, "use jacobian"),
    (lambda m: m.derivative(lambda x: m.Value(1.0), 1.0), TypeError,
     "cydiff.derivative: f returned a Value in a pass that gave it Duals; build the result "
     "from those"),
    (lambda m: m.jacobian(lambda v: [v[0], m.Dual(1.0, 0.0)])([1.0, 2.0]), TypeError,
     "cydiff.jacobian: f returned a Dual in a pass that gave it MultiDuals"),
    (lambda m: m.jacobian(lambda x: x, mode="backward"), ValueError,
     "mode must be 'auto', 'forward' or 'reverse', not 'backward'"),
    (lambda m: m.jvp(lambda x: x, [1.0, 2.0], [1.0]), ValueError, "v must have x's shape"),
    (lambda m: m.vjp(lambda x: [x[0], x[1]], [1.0, 2.0], 1.0), ValueError,
     "u must have f's output shape"),
    (lambda m: m.vjp(lambda x: m.Dual(1.0), [1.0], 1.0), TypeError,
     "f returned a Dual in reverse mode"),
])
def test_errors_say_what_was_wrong(impl, call, error, words):
    with pytest.raises(error) as caught:
        call(impl)
    assert words in str(caught.value)


# --- nesting: tagged perturbations, no confusion ------------------------------------------

def test_forwarddiff_issue_83_perturbation_confusion(impl):
    """d/dx [x · d/dy (x + y)] at y = 1 is 1; untagged perturbations give 2."""
    d = impl.derivative
    assert d(lambda x: x * d(lambda y: x + y, 1.0), 1.0) == 1.0
    # the same in reverse over forward, and with the inner derivative depending on x
    assert impl.grad(lambda x: x * d(lambda y: x + y, 1.0))(1.0) == 1.0
    for x in (0.5, 3.0):
        assert d(lambda x: x * d(lambda y: x * y, 2.0), x) == 2 * x  # d/dx x² = 2x


def test_nested_derivatives_are_higher_derivatives(impl):
    d = impl.derivative
    for x in (-1.3, 0.2, 0.7, 2.5):
        assert d(lambda t: d(lambda u: impl.sin(u), t), x) == pytest.approx(-math.sin(x), rel=1e-15)
        third = d(lambda t: d(lambda u: d(lambda w: w.sin() * w.exp(), u), t), x)
        assert third == pytest.approx(2 * math.exp(x) * (math.cos(x) - math.sin(x)), rel=1e-13)
        f = lambda t: (t**2 + 1).sin() / t  # noqa: E731
        assert d(lambda t: d(f, t), x) == pytest.approx(impl.hessian(f)(x), rel=1e-12)


def test_nested_gradients_jacobians_and_jvps(impl):
    x = np.array([0.4, -0.8, 1.3])
    # the Hessian as the Jacobian of the gradient, and as derivatives of partials
    H = impl.jacobian(lambda v: impl.grad(rosenbrock)(v))(x)
    assert H.dtype == np.float64
    np.testing.assert_allclose(H, impl.hessian(rosenbrock)(x), rtol=1e-13)
    # the gradient of a directional derivative is H v
    v = np.array([1.0, 2.0, -1.0])
    hv = impl.grad(lambda p: impl.jvp(rosenbrock, p, v)[1])(x)
    np.testing.assert_allclose(hv, impl.hvp(rosenbrock, x, v), rtol=1e-13)
    # value_and_grad inside derivative, argnums and all
    g = impl.derivative(lambda t: impl.value_and_grad(lambda a, b: a * b * t, argnums=1)(t, 2.0)[1], 3.0)
    assert g == 6.0  # d/dt (t · t)


def test_nested_numbers_compare_by_value(impl):
    def f(x):
        def g(y):
            assert y == 2.0 and y != 3.0 and y > x and x < y and y >= 2.0 and y <= 2.0
            return y * x if y == 2.0 else y  # control flow on a value, as on a Dual
        return impl.derivative(g, 2.0)
    assert impl.derivative(f, 1.0) == 1.0


def test_nested_results_carry_the_outer_derivative(impl):
    seen = []

    def f(x):
        inner = impl.derivative(lambda y: x * y * y, 2.0)  # 4x: depends on the outer x
        seen.append(inner)
        return inner
    assert impl.derivative(f, 3.0) == 4.0
    assert isinstance(seen[0], impl.Dual) and seen[0].val == 12.0
    assert impl.grad(f)(3.0) == 4.0 and isinstance(seen[1], impl.Value)
    # an inner derivative that does not depend on x is a plain float
    assert impl.derivative(lambda x: x * impl.derivative(lambda y: y * y, 2.0), 1.0) == 4.0


@pytest.mark.parametrize("inner", ["hessian", "hvp", "vjp"])
def test_graph_sweeps_refuse_to_nest(impl, inner):
    def f(x):
        if inner == "hessian":
            return x * impl.hessian(lambda y: y * y * x)(1.0)
        if inner == "hvp":
            return x * impl.hvp(lambda y: y * y, 1.0, 1.0)
        return x * impl.vjp(lambda y: y * x, 1.0, 1.0)[1]
    with pytest.raises(ValueError, match=f"cydiff.{inner}: cannot run inside a function that "
                                         "another cydiff derivative is differentiating"):
        impl.derivative(f, 1.0)
    assert impl.derivative(lambda y: y * 3.0, 1.0) == 3.0  # the nesting count was released


def test_nesting_is_per_thread(impl):
    import threading
    started, release, results = threading.Event(), threading.Event(), []

    def slow(x):
        started.set()
        release.wait(5)
        return x * x
    t = threading.Thread(target=lambda: results.append(impl.derivative(slow, 3.0)))
    t.start()
    started.wait(5)
    assert impl.hessian(lambda x: x * x * x)(1.0) == 6.0  # not nested: the other thread's f
    release.set()
    t.join()
    assert results == [6.0]


@pytest.mark.c_extensions
def test_nested_second_derivatives_of_random_programs(pure, compiled):
    """derivative of derivative on random programs (in their first input): both twins
    give the same bits or the same error, and the Hessian's corner where it is finite."""
    import random

    import programs

    def second(m, program, how):
        def f(x):
            v = [x] + list(program.inputs[1:])
            for op in program.ops:
                v.append(programs.apply(m, op, v))
            return v[-1]
        x0 = program.inputs[0]
        if how == "nested":
            return float(m.derivative(lambda t: m.derivative(f, t), x0))
        return m.hessian(f)(x0)

    rng = random.Random(83)
    agreed = close = 0
    for _ in range(300):
        program = programs.random_program(rng, specials=0.05)
        results = []
        for m in (pure, compiled):
            try:
                results.append(programs.bits(second(m, program, "nested")))
            except Exception as e:  # noqa: BLE001 - the error is the result
                results.append((type(e), str(e)))
        assert results[0] == results[1], repr(program)
        if isinstance(results[0], bytes):
            agreed += 1
            nested, hessian = second(compiled, program, "nested"), second(compiled, program, "h")
            # where one is nan, an infinite local derivative met a zero tangent (acosh
            # of x / x): AD's inf·0, which the two orders of sweeping meet differently
            if math.isfinite(hessian) and math.isfinite(nested) and abs(hessian) < 1e12:
                assert nested == pytest.approx(hessian, rel=1e-9, abs=1e-9), repr(program)
                close += 1
    assert agreed > 150 and close > 100


@pytest.mark.parametrize("n", [1, 7, 8, 9, 20])
def test_forward_jacobian_in_chunks_is_n_dual_passes_to_the_bit(impl, n):
    """ceil(n/8) MultiDual passes give each column exactly as a Dual pass (jvp) does."""
    x = np.sin(np.arange(1.0, n + 1.0))

    def f(v):
        total = impl.sum(v)
        return [impl.exp(v[i] * v[i - 1]) / (1.0 + total * total) for i in range(n)] + [2.0]
    J = impl.jacobian(f, mode="forward")(x)
    assert J.shape == (n + 1, n)
    columns = [impl.jvp(f, x, np.eye(n)[j])[1] for j in range(n)]
    assert bits(J) == bits(np.array(columns).T)
    np.testing.assert_allclose(J, impl.jacobian(f, mode="reverse")(x), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("c, x0", [(0.5, 0.0), (1.5, 0.0), (-1.0, 1e-300), (-0.5, 1e-300),
                                   (2.5, 0.0)])
def test_nested_power_derivatives_never_raise_where_the_power_does_not(impl, c, x0):
    """d/dx (d/dy y**c at x) where c·x**(c - 1) divides by zero or overflows: the inner
    derivative is the op table's IEEE value (inf), as for sqrt, not an exception."""
    d = impl.derivative
    first = d(lambda y: y ** c, x0)   # what a Dual gives: IEEE, never raises
    nested = d(lambda x: d(lambda y: y ** c, x), x0)
    assert isinstance(nested, float)
    if math.isinf(first):
        assert nested == d(lambda x: d(lambda y: y.sqrt(), x), 0.0) == 0.0  # a constant
