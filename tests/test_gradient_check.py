"""gradient_check on both twins: passes correct gradients, names the wrong inputs."""

import math

import numpy as np
import pytest

from test_functional import rosenbrock, rosenbrock_grad


def test_cydiffs_own_gradient_passes(impl):
    x = np.linspace(-1.2, 1.5, 10)
    check = impl.gradient_check(rosenbrock, x)
    assert check.passed and check.failed == []
    assert check.rel_error.shape == (10,) and check.max_rel_error < 1e-8
    assert check.max_rel_error == np.max(check.rel_error)
    np.testing.assert_array_equal(check.analytic, impl.grad(rosenbrock)(x))
    np.testing.assert_allclose(check.numeric, rosenbrock_grad(x), rtol=1e-8)
    assert "passed" in str(check) and "wrong" not in str(check)


def test_a_wrong_gradient_is_caught_at_its_input(impl):
    x = [0.3, -0.7, 1.1, 0.9]

    def wrong(x):
        g = rosenbrock_grad(x)
        g[2] *= 1.001  # one input off by 0.1%
        return g
    check = impl.gradient_check(rosenbrock, x, wrong)
    assert not check.passed and check.failed == [2]
    assert check.rel_error[2] == pytest.approx(0.001 / 1.001, rel=1e-4)
    assert check.max_rel_error == check.rel_error[2]
    assert max(np.delete(check.rel_error, 2)) < 1e-8
    line = [s for s in str(check).splitlines() if s.strip().startswith("2 ")][0]
    assert line.endswith("<- wrong") and "FAILED at input(s) [2]" in str(check)


def test_a_given_array_and_a_scalar_input(impl):
    check = impl.gradient_check(lambda t: impl.sin(t * t + 1), 1.5,
                                [math.cos(1.5**2 + 1) * 3.0])
    assert check.passed and check.analytic.shape == (1,)
    assert not impl.gradient_check(impl.exp, 0.5, [1.0]).passed
    assert impl.gradient_check(lambda t: t.exp(), 0.5).passed  # Values: methods work


def test_forward_mode_against_reverse_mode_is_exact(impl):
    x = np.array([0.5, -1.25, 2.0])

    def f(v):
        return impl.tanh(v[0] * v[1]) + v[2] ** 3 / (1 + v[0] ** 2) + impl.dot(v, v)
    check = impl.gradient_check(f, x, reference="forward", rtol=0.0, atol=1e-15)
    assert check.passed and check.reference == "forward"
    assert check.max_rel_error <= 4 * np.finfo(float).eps


def test_tolerances_decide(impl):
    x = [1.0, 2.0]
    g = np.array([2.0, 4.0]) * (1 + 1e-6)
    f = lambda v: v[0] ** 2 + v[1] ** 2  # noqa: E731
    assert impl.gradient_check(f, x, g).passed
    assert not impl.gradient_check(f, x, g, rtol=1e-7).passed
    assert impl.gradient_check(f, x, g, eps=1e-6).passed


def test_many_inputs_print_briefly(impl):
    x = np.linspace(0.1, 2.0, 50)
    g = 2 * x
    g[37] += 1.0
    text = str(impl.gradient_check(lambda v: impl.dot(v, v), x, g))
    assert "37" in text and "more inputs not shown" in text and len(text.splitlines()) < 30


def test_errors(impl):
    f = lambda v: v[0] * v[1]  # noqa: E731
    with pytest.raises(ValueError, match="reference must be 'numeric' or 'forward'"):
        impl.gradient_check(f, [1.0, 2.0], reference="central")
    with pytest.raises(ValueError, match="rtol must be a number >= 0"):
        impl.gradient_check(f, [1.0, 2.0], rtol=-1.0)
    for tol in (True, "1"):
        with pytest.raises(TypeError, match="atol must be a real number, not '"):
            impl.gradient_check(f, [1.0, 2.0], atol=tol)
    # eps would be ignored: forward mode takes no step (before, it was ignored silently)
    with pytest.raises(ValueError, match="eps is the step of finite differences, which "
                                         "reference='forward' does not take"):
        impl.gradient_check(f, [1.0, 2.0], eps=1e-6, reference="forward")
    with pytest.raises(ValueError, match=r"the gradient has shape \(3,\); x has 2 input"):
        impl.gradient_check(f, [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="the gradient must be numbers, not 'str'"):
        impl.gradient_check(f, [1.0, 2.0], "ab")
    with pytest.raises(TypeError, match="f must be callable, not 'int'"):
        impl.gradient_check(3, [1.0])
    with pytest.raises(TypeError, match="cydiff.gradient_check: x must hold numbers"):
        impl.gradient_check(f, [1.0, None])
    with pytest.raises(TypeError, match="f must return a scalar"):
        impl.gradient_check(lambda v: [v[0], v[1]], [1.0, 2.0])
