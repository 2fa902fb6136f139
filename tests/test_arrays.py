"""numpy object arrays of Values and Duals, and the helpers values / grads / data."""

import math

import numpy as np
import pytest


def test_values_and_grads_round_trip(impl):
    A = np.array([[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]])
    x = impl.values([0.3, -0.4, 1.2])
    assert x.dtype == object and x.shape == (3,) and all(isinstance(v, impl.Value) for v in x)
    W = impl.values(A)
    assert W.shape == (2, 3)
    np.testing.assert_array_equal(impl.data(W), A)
    y = W @ x                                   # matmul on object arrays: Values' * and +
    loss = np.sum(np.tanh(y) ** 2)
    loss.backward()
    t = np.tanh(A @ impl.data(x))
    np.testing.assert_allclose(impl.grads(x), A.T @ (2 * t * (1 - t**2)), rtol=1e-14)
    np.testing.assert_allclose(impl.grads(W), np.outer(2 * t * (1 - t**2), impl.data(x)),
                               rtol=1e-14)
    assert impl.grads(W).shape == (2, 3) and impl.grads(W).dtype == np.float64
    assert impl.grads(x[0]) == x[0].grad and type(impl.data(loss)) is float


@pytest.mark.parametrize("name", ["sin", "cos", "exp", "log", "sqrt", "tanh", "arctan",
                                  "arcsin", "arccos", "sinh", "cosh", "log1p", "expm1"])
def test_numpy_ufuncs_call_the_methods(impl, name):
    x = np.array([0.2, 0.5, 0.9])
    values = impl.values(x)
    got = getattr(np, name)(values)
    assert got.dtype == object and all(isinstance(v, impl.Value) for v in got)
    np.testing.assert_allclose(impl.data(got), getattr(np, name)(x), rtol=1e-15)
    np.sum(got).backward()
    h = 1e-7
    np.testing.assert_allclose(impl.grads(values),
                               (getattr(np, name)(x + h) - getattr(np, name)(x - h)) / (2 * h),
                               rtol=1e-6)


def test_dot_sum_and_matmul_on_duals(impl):
    A = np.array([[2.0, 1.0], [-1.0, 3.0]])
    x = np.empty(2, dtype=object)
    x[:] = [impl.Dual(0.5, 1.0), impl.Dual(-1.0, 0.0)]   # d/dx0
    y = np.dot(A, x)
    assert [v.deriv for v in y] == [2.0, -1.0]
    s = np.sum(np.exp(A @ x))
    assert s.deriv == pytest.approx(np.exp(A @ [0.5, -1.0]) @ A[:, 0], rel=1e-15)
    assert impl.data(y).tolist() == (A @ [0.5, -1.0]).tolist()


def test_grad_through_numpy_code(impl):
    A = np.array([[4.0, 1.0], [1.0, 3.0]])
    b = np.array([1.0, 2.0])

    def quadratic(x):            # x arrives as an object array of Values
        return x @ A @ x / 2 - b @ x
    g = impl.grad(quadratic)(np.array([0.5, -0.25]))
    np.testing.assert_allclose(g, A @ [0.5, -0.25] - b, rtol=1e-15)


def test_errors(impl):
    with pytest.raises(TypeError, match="cydiff.values: x must be numbers"):
        impl.values("abc")
    with pytest.raises(TypeError, match="'list' of 'str'"):
        impl.values([1.0, "2"])
    with pytest.raises(TypeError, match="cydiff.values: x must be numbers"):
        impl.values([[1.0], [2.0, 3.0]])
    with pytest.raises(TypeError, match="cydiff.grads: expected Values, got 'float'"):
        impl.grads([impl.Value(1.0), 2.0])
    with pytest.raises(TypeError, match="cydiff.grads: expected Values, got 'Dual'"):
        impl.grads([impl.Dual(1.0, 1.0)])
    with pytest.raises(TypeError, match="cydiff.data: expected Values, Duals or numbers, got 'str'"):
        impl.data(["a"])
    assert not math.isnan(impl.data(2))
