"""hessian and hvp on both twins: closed forms, every op's second derivatives, random
programs against differences of exact gradients, the twins' bits, and errors."""

import math
import random

import numpy as np
import pytest

from closed_forms import CLOSED_FORMS, STEP_DERIVATIVES, sample
from cydiff import numerical
from cydiff._transforms.second import Graph
import programs
from test_functional import rosenbrock


def rosenbrock_hessian(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        H[i + 1, i + 1] += 200.0
        H[i, i + 1] -= 400.0 * x[i]
        H[i + 1, i] -= 400.0 * x[i]
    return H


def bits(a):
    return np.asarray(a, dtype=np.float64).tobytes()


# --- closed forms --------------------------------------------------------------------

def test_hessian_of_rosenbrock_in_ten_dimensions(impl):
    x = np.linspace(-1.2, 1.5, 10)
    H = impl.hessian(rosenbrock)(x)
    assert H.shape == (10, 10) and H.dtype == np.float64
    np.testing.assert_allclose(H, rosenbrock_hessian(x), rtol=1e-13, atol=1e-12)
    assert np.array_equal(H, H.T)
    for container in (list(x), tuple(x)):
        assert bits(impl.hessian(rosenbrock)(container)) == bits(H)


def test_hvp_is_the_hessian_times_v(impl):
    rng = np.random.default_rng(5)
    x, v = rng.normal(size=10), rng.normal(size=10)
    hv = impl.hvp(rosenbrock, x, v)
    assert hv.shape == (10,) and hv.dtype == np.float64
    np.testing.assert_allclose(hv, rosenbrock_hessian(x) @ v, rtol=1e-12, atol=1e-9)
    # a basis vector picks out a column of H, to the bit
    H = impl.hessian(rosenbrock)(x)
    assert bits(impl.hvp(rosenbrock, x, np.eye(10)[3])) == bits(H[:, 3])
    assert isinstance(impl.hvp(rosenbrock, list(x), list(v)), np.ndarray)


def test_scalar_functions_and_the_seeds_example(impl):
    f = lambda x: (x**2 + 1).sin()  # noqa: E731
    x = 1.5
    exact = -math.sin(x**2 + 1) * 4 * x * x + 2 * math.cos(x**2 + 1)
    h = impl.hessian(f)(x)
    assert type(h) is float and h == pytest.approx(exact, rel=1e-14)
    assert impl.hvp(f, x, 2.0) == pytest.approx(2 * exact, rel=1e-14)
    assert impl.hessian(lambda x: x**3 + 2 * x)(2.0) == 12.0


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_every_function_against_differences_of_its_derivative(impl, name):
    _, f1, _ = CLOSED_FORMS[name]
    function = getattr(impl, name)
    for x in sample(name, random.Random(name), 25):
        # f' of relu, abs, floor, ... is a step: differences must not reach across it
        expected = (numerical.derivative(f1, x, h=1e-4) if name in STEP_DERIVATIVES
                    else numerical.derivative(f1, x, order=3))
        got = impl.hessian(function)(x)
        assert got == pytest.approx(expected, rel=1e-8, abs=1e-9), (name, x)


BINARIES = {
    "a*b": lambda v: v[0] * v[1],
    "a/b": lambda v: v[0] / v[1],
    "a**b": lambda v: v[0] ** v[1],
    "a+b, a-b": lambda v: (v[0] + v[1]) * (v[0] - v[1]),
    "x**3": lambda v: v[0] ** 3 + v[1] ** 0.5,
    "2**x": lambda v: 2.0 ** v[0] + 3 ** v[1],
    "c/x, x/c": lambda v: 3.0 / v[0] + v[1] / 7.0,
    "c-x, x-c, x*c": lambda v: (2.0 - v[0]) * (v[1] - 5.0) * 3.0,
    "x**1, x**0": lambda v: v[0] ** 1 * v[1] ** 2 + v[0] ** 0,
}


@pytest.mark.parametrize("name", sorted(BINARIES))
def test_binary_and_folded_ops_against_numerical_hessians(impl, name):
    f = BINARIES[name]
    rng = random.Random(name)
    for _ in range(10):
        x = [rng.uniform(0.3, 2.5), rng.uniform(0.3, 2.5)]
        expected = numerical.hessian(f, x, order=3)
        np.testing.assert_allclose(impl.hessian(f)(x), expected, rtol=1e-7, atol=1e-7)


def test_fused_sum_and_dot(impl):
    def f(v):
        return impl.dot([v[0], 2.0, v[1]], [v[1], v[2], v[1]]) * impl.sum([v[0], 1.0, v[2]])
    x = [0.5, -1.25, 2.0]
    np.testing.assert_allclose(impl.hessian(f)(x), numerical.hessian(f, x, order=3),
                               rtol=1e-8, atol=1e-8)
    same = impl.hessian(lambda v: impl.dot(v, v))([1.0, 2.0])  # w and x the same node
    assert same.tolist() == [[2.0, 0.0], [0.0, 2.0]]


def test_kinks_constants_and_unused_inputs(impl):
    assert impl.hessian(lambda x: x.relu() * 3)(2.0) == 0.0
    assert impl.hessian(lambda x: abs(x) + x)(-2.0) == 0.0
    assert impl.hessian(lambda v: 5.0)([1.0, 2.0]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert impl.hessian(lambda v: v[1])([1.0, 2.0]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    H = impl.hessian(lambda v: v[0] ** 3)([2.0, 7.0, 1.0])
    assert H.tolist() == [[12.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]


# --- random programs -------------------------------------------------------------------

def exact_gradient(impl, program, x):
    v = [impl.Value(xi) for xi in x]
    for op in program.ops:
        v.append(programs.apply(impl, op, v))
    v[-1].backward()
    return np.array([leaf.grad for leaf in v[: len(x)]])


def differenced_hvp(impl, program, x, d, h):
    """(∇f(x + h d) − ∇f(x − h d)) / 2h, on exact gradients."""
    return (exact_gradient(impl, program, x + h * d) - exact_gradient(impl, program, x - h * d)) / (2 * h)


def test_random_programs_against_differences_of_exact_gradients(impl):
    rng = random.Random(2024)
    checked = 0
    while checked < 150:
        program = programs.random_program(rng, specials=0.0)
        x = np.array(program.inputs, dtype=float)
        d = np.array([rng.uniform(-1, 1) for _ in x])
        try:
            programs.run_floats(impl, program, program.inputs)  # defined at x, not only near
            fine = differenced_hvp(impl, program, x, d, 1e-4)
            coarse = differenced_hvp(impl, program, x, d, 2e-4)
            extrapolated = (4 * fine - coarse) / 3
            scale = max(1.0, np.max(np.abs(extrapolated)))
            # a smooth region only: no kink or pole within the steps, moderate values
            if not (np.all(np.isfinite(extrapolated)) and scale < 1e6
                    and np.max(np.abs(fine - coarse)) < 1e-3 * scale):
                continue
        except (ValueError, ZeroDivisionError, OverflowError):
            continue

        def f(v):
            for op in program.ops:
                v.append(programs.apply(impl, op, v))
            return v[-1]
        got = impl.hvp(lambda v: f(list(v)), list(x), list(d))
        np.testing.assert_allclose(got, extrapolated, rtol=1e-5, atol=1e-5 * scale,
                                   err_msg=repr(program))
        checked += 1


def test_the_sweeps_gradient_is_backwards_to_the_bit(impl):
    """The sweep's first-order half computes what backward() does, in the same order."""
    rng = random.Random(7)
    for _ in range(300):
        program = programs.random_program(rng)
        try:
            v = [impl.Value(x) for x in program.inputs]
            for op in program.ops:
                v.append(programs.apply(impl, op, v))
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        leaves = v[: len(program.inputs)]
        graph = Graph(impl._graph_records(v[-1]), leaves)
        gradient, _ = graph.hvp([1.0] * len(leaves))
        v[-1].backward()
        assert [programs.bits(g) for g in gradient] == [programs.bits(leaf.grad) for leaf in leaves]


@pytest.mark.c_extensions
def test_twins_agree_to_the_bit_with_special_values(pure, compiled):
    rng = random.Random(11)
    compared = 0
    for _ in range(300):
        program = programs.random_program(rng, specials=0.15)
        results = []
        for m in (pure, compiled):
            def f(v, m=m):
                v = list(v)
                for op in program.ops:
                    v.append(programs.apply(m, op, v))
                return v[-1]
            try:
                H = m.hessian(f)(list(program.inputs))  # every nan counts as one:
                results.append([programs.bits(h) for h in np.ravel(H)])  # payloads are open
            except Exception as e:  # noqa: BLE001 - the error is the result
                results.append((type(e), str(e)))
        assert results[0] == results[1], repr(program)
        compared += isinstance(results[0], list)
    assert compared > 100


def test_hessian_columns_are_hvps_to_the_bit(impl):
    """hessian sweeps many directions at once as numpy vectors; each column is, bit for
    bit, what hvp's one-direction sweep gives (signed zeros, infinities and nans too)."""
    rng = random.Random(13)
    compared = 0
    for _ in range(300):
        program = programs.random_program(rng, specials=0.2)

        def f(v):
            v = list(v)
            for op in program.ops:
                v.append(programs.apply(impl, op, v))
            return v[-1]
        x = list(program.inputs)
        try:
            H = impl.hessian(f)(x)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        H = np.atleast_2d(H)
        for j in range(len(x)):
            column = impl.hvp(f, x, list(np.eye(len(x))[j]))
            assert [programs.bits(h) for h in H[:, j]] == [programs.bits(c) for c in column], \
                repr(program)
        compared += 1
    assert compared > 150


def test_a_signed_zero_found_by_fuzzing(impl):
    """A program where a vector sweep that took 0.0 + x for x (wrong for x = -0.0, an
    underflowed product) would give -0.0 where hvp's float sweep gives 0.0."""
    program = programs.Program([1e-300, math.nan], [
        ("f", "tan", 0, True), ("op_c", "+", 0, 2.8),
        ("sum", [("v", 2), ("v", 1), ("c", math.inf), ("v", 2), ("v", 0), ("v", 3)]),
        ("f", "sqrt", 2, False), ("c_op", "*", -1e-300, 4)])

    def f(v):
        v = list(v)
        for op in program.ops:
            v.append(programs.apply(impl, op, v))
        return v[-1]
    H = impl.hessian(f)(program.inputs)
    for j in range(2):
        column = impl.hvp(f, program.inputs, list(np.eye(2)[j]))
        assert [programs.bits(h) for h in H[:, j]] == [programs.bits(c) for c in column]


def test_more_inputs_than_a_block(impl):
    x = np.linspace(-1.0, 1.0, 150)
    H = impl.hessian(rosenbrock)(x)
    np.testing.assert_allclose(H, rosenbrock_hessian(x), rtol=1e-13, atol=1e-12)
    assert bits(H[:, 100]) == bits(impl.hvp(rosenbrock, x, np.eye(150)[100]))


# --- errors ----------------------------------------------------------------------------

def test_errors(impl):
    with pytest.raises(TypeError, match=r"cydiff.hessian: f must return a scalar .* sequence of 2"):
        impl.hessian(lambda v: [v[0], v[1]])([1.0, 2.0])
    with pytest.raises(TypeError, match="cydiff.hessian: f must return .* not 'str'"):
        impl.hessian(lambda v: "x")([1.0, 2.0])
    with pytest.raises(TypeError, match="cydiff.hessian: x must be a number or a 1-D"):
        impl.hessian(rosenbrock)("ab")
    with pytest.raises(ValueError, match=r"cydiff.hvp: v must have x's shape: 3 number\(s\), got 2"):
        impl.hvp(rosenbrock, [1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="cydiff.hvp: v must have x's shape"):
        impl.hvp(lambda x: x * x, 1.0, [1.0])
    with pytest.raises(TypeError, match="cydiff.hvp: v must hold numbers, not 'str'"):
        impl.hvp(rosenbrock, [1.0, 2.0], [1.0, "a"])
    with pytest.raises(TypeError, match="in reverse mode"):
        impl.hessian(lambda x: impl.Dual(1.0, 0.0))(1.0)
    with pytest.raises(ValueError, match="math domain error"):  # f's own error, unchanged
        impl.hessian(lambda x: x.log())(-1.0)


def test_scipy_second_order_minimizers(impl):
    from scipy.optimize import minimize
    x0 = np.full(10, -1.0)
    x0[::2] = 1.2
    exact = minimize(rosenbrock, x0, method="trust-exact", jac=impl.grad(rosenbrock),
                     hess=impl.hessian(rosenbrock))
    assert exact.success and np.max(np.abs(exact.x - 1.0)) < 1e-5
    newton = minimize(rosenbrock, x0, method="Newton-CG", jac=impl.grad(rosenbrock),
                      hessp=lambda x, p: impl.hvp(rosenbrock, x, p))
    assert newton.success and np.max(np.abs(newton.x - 1.0)) < 1e-3
