"""cydiff.numerical: finite differences against closed forms, against both twins, and its errors."""

import math

import numpy as np
import pytest

from cydiff import numerical

METHODS = ["central", "forward", "backward"]
ORDERS = [None, 1, 2, 3, 4]

# The worst errors the module documents (relative to max(|exact|, 1)), with some room.
BOUND = {
    "central": {None: 5e-9, 1: 3e-10, 2: 3e-11, 3: 3e-12, 4: 3e-13},
    "forward": {None: 1e-6, 1: 3e-9, 2: 1e-9, 3: 1e-10, 4: 3e-11},
    "backward": {None: 1e-6, 1: 3e-9, 2: 1e-9, 3: 1e-10, 4: 3e-11},
    "hessian": {None: 1e-7, 1: 1e-9, 2: 3e-10, 3: 2e-10, 4: 2e-10},
}


def error(exact, numeric):
    """The largest error, relative to max(|exact|, 1) (the module's measure)."""
    exact, numeric = np.asarray(exact, dtype=float), np.asarray(numeric, dtype=float)
    assert exact.shape == numeric.shape
    return float(np.max(np.abs(exact - numeric)) / max(float(np.max(np.abs(exact))), 1.0))


# --- closed forms ---------------------------------------------------------------------------

SCALAR = {  # name: (f, f', points)
    "sin": (math.sin, math.cos, [-2.0, 0.0, 0.7, 3.0]),
    "exp": (math.exp, math.exp, [-3.0, 0.0, 1.0, 2.5]),
    "log": (math.log, lambda x: 1.0 / x, [0.3, 1.0, 7.0]),
    "cubic": (lambda x: x ** 3 + 2 * x, lambda x: 3 * x ** 2 + 2, [3.0, -1.5]),  # 29 at 3
    "seed": (lambda x: math.sin(x ** 2 + 1), lambda x: math.cos(x ** 2 + 1) * 2 * x, [1.5, 0.4]),
}


def rosenbrock(x):
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def rosenbrock_gradient(x):
    g = np.zeros_like(x)
    g[:-1] += -400.0 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2.0 * (1.0 - x[:-1])
    g[1:] += 200.0 * (x[1:] - x[:-1] ** 2)
    return g


def rosenbrock_hessian(x):
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        H[i, i + 1] = H[i + 1, i] = -400.0 * x[i]
        H[i + 1, i + 1] += 200.0
    return H


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


def rosenbrock_points():
    rng = np.random.default_rng(7)
    return [rng.uniform(-1.5, 1.5, n) for n in (2, 3, 5, 10) for _ in range(3)]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", sorted(SCALAR))
def test_derivative(name, method, order):
    f, df, points = SCALAR[name]
    for x in points:
        d = numerical.derivative(f, x, method=method, order=order)
        assert type(d) is float
        assert error(df(x), d) <= BOUND[method][order], (x, d, df(x))


def test_the_seeds_numbers():
    assert numerical.derivative(lambda x: x ** 3 + 2 * x, 3) == pytest.approx(29.0, rel=1e-10)
    d = numerical.derivative(lambda x: math.sin(x ** 2 + 1), 1.5)
    assert d == pytest.approx(-2.98238903, abs=5e-9)
    z = numerical.gradient(lambda v: v[0] * v[1] + v[0] ** 2, [2.0, 3.0])
    np.testing.assert_allclose(z, [7.0, 2.0], rtol=1e-10)
    f = numerical.gradient(lambda v: (v[0] + v[1]) * (v[0] * v[1]), (2, 3))
    np.testing.assert_allclose(f, [21.0, 16.0], rtol=1e-10)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("method", METHODS)
def test_rosenbrock_gradient(method, order):
    for x in rosenbrock_points():
        g = numerical.gradient(rosenbrock, x, method=method, order=order)
        assert g.shape == x.shape and g.dtype == np.float64
        assert error(rosenbrock_gradient(x), g) <= BOUND[method][order], x


@pytest.mark.parametrize("order", ORDERS)
def test_rosenbrock_hessian(order):
    for x in rosenbrock_points():
        H = numerical.hessian(rosenbrock, x, order=order)
        assert H.shape == (len(x), len(x)) and H.dtype == np.float64
        assert np.array_equal(H, H.T)
        assert error(rosenbrock_hessian(x), H) <= BOUND["hessian"][order], x


def test_hessian_of_a_mixed_function():
    def f(v):
        a, b, c = v
        return math.sin(a) * math.exp(b) + a * math.log(c)

    a, b, c = 0.3, -0.4, 1.7
    exact = [[-math.sin(a) * math.exp(b), math.cos(a) * math.exp(b), 1 / c],
             [math.cos(a) * math.exp(b), math.sin(a) * math.exp(b), 0.0],
             [1 / c, 0.0, -a / c ** 2]]
    assert error(exact, numerical.hessian(f, [a, b, c])) <= BOUND["hessian"][None]
    assert error(exact, numerical.hessian(f, [a, b, c], order=2)) <= BOUND["hessian"][2]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("method", METHODS)
def test_softmax_jacobian(method, order):
    rng = np.random.default_rng(3)
    for _ in range(5):
        x = rng.normal(size=4) * 2.0
        s = softmax(x)
        J = numerical.jacobian(softmax, x, method=method, order=order)
        assert J.shape == (4, 4)
        assert error(np.diag(s) - np.outer(s, s), J) <= BOUND[method][order]


@pytest.mark.parametrize("method", METHODS)
def test_steps_follow_each_inputs_scale(method):
    """Inputs near 1e6 and 1e-8 in one call: each gets a step of its own scale."""
    tol = BOUND[method][None] / 10
    x = np.array([1.0e6, 1.0e-8])
    g = numerical.gradient(lambda v: math.log(v[0]) + math.exp(v[1]), x, method=method)
    assert abs(g[0] - 1e-6) / 1e-6 <= tol  # log'(1e6) is tiny: judged relative to itself
    assert abs(g[1] - math.exp(1e-8)) <= tol
    d = numerical.derivative(math.sqrt, 3e6, method=method)
    assert abs(d - 0.5 / math.sqrt(3e6)) * 2 * math.sqrt(3e6) <= tol


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("method", METHODS)
def test_linear_functions_come_out_exact(method, order):
    """A difference is divided by the distance between the points f saw, not the nominal h."""
    rng = np.random.default_rng(11)
    for _ in range(50):
        x = rng.uniform(-100.0, 100.0) * 10.0 ** rng.integers(-5, 6)
        h = rng.uniform(0.01, 0.5) * max(abs(x), 1.0)
        assert numerical.derivative(lambda t: t, x, method=method, order=order) == 1.0
        assert numerical.derivative(lambda t: t, x, h=h, method=method, order=order) == 1.0


@pytest.mark.parametrize("method", METHODS)
def test_richardson_beats_plain_differences(method):
    """Over many points, each order's worst error is at least 10x below the plain one's."""
    points = np.linspace(0.2, 3.0, 40)
    f, df = SCALAR["seed"][:2]

    def worst(order):
        return max(error(df(x), numerical.derivative(f, x, method=method, order=order))
                   for x in points)

    plain = worst(None)
    for order in (1, 2, 3, 4):
        assert worst(order) <= plain / 10, order


def test_richardson_beats_plain_hessian():
    def worst(order):
        return max(error(rosenbrock_hessian(x), numerical.hessian(rosenbrock, x, order=order))
                   for x in rosenbrock_points())

    plain = worst(None)
    for order in (1, 2, 3, 4):
        assert worst(order) <= plain / 10, order


def test_the_order_cap():
    """MAX_ORDER is where the module's table stops improving; past it the error grows, and
    by order 30 a Hessian is garbage (the reason for the cap)."""
    assert numerical.MAX_ORDER == 4
    assert f"MAX_ORDER = {numerical.MAX_ORDER}" in numerical.__doc__
    points = np.linspace(0.2, 3.0, 40)
    f, df = SCALAR["seed"][:2]
    d2 = lambda x: 2 * math.cos(x ** 2 + 1) - 4 * x * x * math.sin(x ** 2 + 1)  # noqa: E731
    for order in (numerical.MAX_ORDER + 1, 30):
        with pytest.raises(ValueError, match=f"order must be at most 4 \\(MAX_ORDER\\), "
                                             f"not {order}: higher orders are less accurate"):
            numerical.derivative(f, 1.0, order=order)
    at_cap = numerical.MAX_ORDER
    assert max(error(df(x), numerical.derivative(f, x, order=at_cap)) for x in points) <= 3e-13
    assert max(error(d2(x), numerical.hessian(lambda v: f(v[0]), [x], order=at_cap)[0, 0])
               for x in points) <= 1e-10


# --- given steps: the difference quotients of polynomials are known exactly ------------------

def test_given_scalar_step():
    h = (3.0 + 0.1) - 3.0  # the representable step the module will use
    cube = lambda x: x ** 3  # noqa: E731
    assert numerical.derivative(cube, 3.0, h=0.1) == pytest.approx(27.0 + h * h, rel=1e-13)
    square = lambda x: x * x  # noqa: E731
    assert numerical.derivative(square, 3.0, h=0.1, method="forward") == \
        pytest.approx(6.0 + h, rel=1e-13)
    assert numerical.derivative(square, 3.0, h=0.1, method="backward") == \
        pytest.approx(6.0 - h, rel=1e-13)
    # one Richardson level removes the h**2 (central) or h (one-sided) term entirely
    assert numerical.derivative(cube, 3.0, h=0.1, order=1) == pytest.approx(27.0, rel=1e-13)
    assert numerical.derivative(square, 3.0, h=0.1, method="forward", order=1) == \
        pytest.approx(6.0, rel=1e-13)
    assert numerical.derivative(cube, 3.0, h=0.1, method="backward", order=2) == \
        pytest.approx(27.0, rel=1e-12)


def test_given_step_per_input():
    x = np.array([1.0, 2.0])
    h = np.array([0.1, 0.01])
    exact_h = (x + h) - x
    g = numerical.gradient(lambda v: v[0] ** 3 + v[1] ** 3, x, h=h)
    np.testing.assert_allclose(g, 3 * x ** 2 + exact_h ** 2, rtol=1e-13)
    g = numerical.gradient(lambda v: v[0] ** 3 + v[1] ** 3, x, h=list(h), order=1)
    np.testing.assert_allclose(g, 3 * x ** 2, rtol=1e-13)
    # Hessian of a quartic: the diagonal second difference is 12x**2 + 2h**2
    H = numerical.hessian(lambda v: v[0] ** 4 + v[0] * v[1], x, h=h)
    np.testing.assert_allclose(H, [[12 * x[0] ** 2 + 2 * exact_h[0] ** 2, 1.0], [1.0, 0.0]],
                               rtol=1e-10, atol=1e-9)


# --- shapes and calls -----------------------------------------------------------------------

def test_shapes():
    assert numerical.gradient(lambda v: v[0] ** 2, 3.0).shape == (1,)
    assert numerical.jacobian(lambda v: v[0] ** 2, 3.0).shape == (1, 1)
    assert numerical.jacobian(lambda v: [v[0], 2 * v[0], v[0] ** 2], 3.0).shape == (3, 1)
    assert numerical.jacobian(lambda v: float(np.sum(v ** 2)), [1.0, 2.0]).shape == (1, 2)
    assert numerical.jacobian(np.sum, np.array([1.0, 2.0])).shape == (1, 2)  # numpy scalars
    H = numerical.hessian(lambda v: v[0] ** 3, 2)
    assert H.shape == (1, 1) and H[0, 0] == pytest.approx(12.0, rel=1e-7)
    assert numerical.derivative(math.sin, np.float32(1.0)) == pytest.approx(math.cos(1.0))


@pytest.mark.parametrize("which", ["gradient", "jacobian", "hessian"])
def test_f_gets_a_fresh_float_array_each_call(which):
    x = np.array([1.0, 2.0])
    seen = []

    def f(v):
        seen.append(v)
        total = v[0] ** 2 + v[1]
        v[:] = 99.0  # must not disturb the next evaluation
        return total

    result = getattr(numerical, which)(f, x)
    assert np.array_equal(x, [1.0, 2.0])
    assert all(type(v) is np.ndarray and v.dtype == np.float64 and v.shape == (2,) for v in seen)
    assert len({id(v) for v in seen}) == len(seen)
    exact = {"gradient": [2.0, 1.0], "jacobian": [[2.0, 1.0]],
             "hessian": [[2.0, 0.0], [0.0, 0.0]]}[which]
    np.testing.assert_allclose(result, exact, rtol=1e-7, atol=1e-7)


def test_errors_from_f_pass_through():
    def f(v):
        raise ZeroDivisionError("from f")

    with pytest.raises(ZeroDivisionError, match="from f"):
        numerical.gradient(f, [1.0])


# --- against both twins ---------------------------------------------------------------------

def test_derivative_agrees_with_dual(impl):
    def f(x):  # written once: runs on floats and on Duals
        return impl.sin(x ** 2 + 1) * impl.exp(-x) / (1 + x * x) + impl.tanh(x)

    for x in (-1.3, 0.2, 1.5, 2.7):
        exact = f(impl.Dual(x, 1.0)).deriv
        assert error(exact, numerical.derivative(f, x)) <= BOUND["central"][None]
        assert error(exact, numerical.derivative(f, x, order=3)) <= BOUND["central"][3]


def test_gradient_agrees_with_backward(impl):
    def loss(w, b):  # the seeds' neuron; runs on floats and on Values
        return (impl.sigmoid(w * 2.0 + b) - 0.8) ** 2

    w, b = impl.Value(0.5), impl.Value(-0.1)
    loss(w, b).backward()
    g = numerical.gradient(lambda p: loss(p[0], p[1]), [0.5, -0.1])
    assert abs(g[0] - w.grad) <= 1e-11 and abs(g[1] - b.grad) <= 1e-11
    g = numerical.gradient(lambda p: loss(p[0], p[1]), [0.5, -0.1], order=2)
    assert error([w.grad, b.grad], g) <= BOUND["central"][2]


def test_jacobian_agrees_with_dual_columns(impl):
    def f(v):
        x, y = v[0], v[1]
        return [impl.exp(x) * y, impl.log(x * x + y * y), impl.atan(y / x)]

    x = [0.8, -1.2]
    exact = np.array([[f([impl.Dual(x[0], 1.0), x[1]])[k].deriv,
                       f([x[0], impl.Dual(x[1], 1.0)])[k].deriv] for k in range(3)])
    assert error(exact, numerical.jacobian(f, x)) <= BOUND["central"][None]
    assert error(exact, numerical.jacobian(f, x, method="forward")) <= BOUND["forward"][None]


# --- errors: checked before f is first called -----------------------------------------------

def never_called(*args):
    raise AssertionError("f must not be called when an argument is wrong")


BAD_ARGUMENTS = [
    # (function, args, kwargs, exception, message)
    ("derivative", (3, 1.0), {}, TypeError, r"derivative: f must be callable, not 'int'"),
    ("gradient", (None, [1.0]), {}, TypeError, r"gradient: f must be callable, not 'NoneType'"),
    ("derivative", (never_called, "1.0"), {}, TypeError, r"x must be a real number, not 'str'"),
    ("derivative", (never_called, 1j), {}, TypeError, r"x must be a real number, not 'complex'"),
    ("derivative", (never_called, [1.0]), {}, TypeError, r"x must be a real number, not 'list'"),
    ("gradient", (never_called, "12"), {}, TypeError, r"sequence of real numbers, not 'str'"),
    ("gradient", (never_called, [1.0, 2j]), {}, TypeError, r"not 'list' of 'complex'"),
    ("jacobian", (never_called, np.array([1j])), {}, TypeError, r"not 'ndarray' of 'complex'"),
    ("gradient", (never_called, [1.0, None]), {}, TypeError, r"not 'list' of 'NoneType'"),
    ("hessian", (never_called, [[1.0, 2.0]]), {}, TypeError, r"not a 2-D 'list'"),
    ("jacobian", (never_called, np.ones((2, 2))), {}, TypeError, r"not a 2-D 'ndarray'"),
    ("gradient", (never_called, []), {}, ValueError, r"gradient: x is empty"),
    ("hessian", (never_called, np.array([])), {}, ValueError, r"hessian: x is empty"),
    ("gradient", (never_called, [1.0]), {"method": "centered"}, ValueError,
     r"unknown method 'centered'; valid: 'central', 'forward', 'backward'"),
    ("derivative", (never_called, 1.0), {"method": None}, ValueError, r"unknown method None"),
    ("derivative", (never_called, 1.0), {"h": 0.0}, ValueError,
     r"h must be positive and finite, not 0\.0"),
    ("gradient", (never_called, [1.0, 2.0]), {"h": [0.1, -0.1]}, ValueError,
     r"h must be positive and finite, not -0\.1"),
    ("jacobian", (never_called, [1.0]), {"h": math.inf}, ValueError, r"not inf"),
    ("hessian", (never_called, [1.0]), {"h": math.nan}, ValueError, r"not nan"),
    ("gradient", (never_called, [1.0, 2.0]), {"h": [0.1, 0.1, 0.1]}, ValueError,
     r"h must be one step or one per input \(2\), not an array of shape \(3,\)"),
    ("gradient", (never_called, [1.0]), {"h": "0.1"}, TypeError, r"h must be a number .*'str'"),
    ("derivative", (never_called, 1.0), {"h": True}, TypeError,
     r"h must be a number or a 1-D array of numbers, not 'bool'"),
    ("gradient", (never_called, [1.0, 2.0]), {"h": [0.1, True]}, TypeError, r"h must be a number"),
    ("hessian", (never_called, [1.0]), {"h": np.array([True])}, TypeError, r"not 'ndarray'"),
    ("gradient", (never_called, [1.0, 2.0]), {"h": [0.1, [0.1, 0.2]]}, TypeError,
     r"h must be a number or a 1-D array of numbers, not 'list' of 'list'"),
    ("gradient", (never_called, [1e20]), {"h": 1e-3}, ValueError,
     r"step 0\.001 is too small to change x\[0\] = 1e\+20"),
    ("hessian", (never_called, [1.0]), {"h": 3e-16, "order": 2}, ValueError,  # halved to 7.5e-17
     r"step 7\.5e-17 is too small to change x\[0\] = 1\.0"),
    ("derivative", (never_called, 1.0), {"h": 3e-16, "order": 2, "method": "forward"}, ValueError,
     r"too small to change x\[0\] = 1\.0"),
    ("derivative", (never_called, 1.79e308), {"order": 2}, ValueError,
     r"step 1\.039\d*e\+306 takes x\[0\] = 1\.79e\+308 past the largest float"),
    ("gradient", (never_called, [1.0, -1e308]), {"h": 1e308, "method": "backward"}, ValueError,
     r"step 1e\+308 takes x\[1\] = -1e\+308 past the largest float"),
    ("hessian", (never_called, [1e308]), {"h": [9e307]}, ValueError, r"past the largest float"),
    ("derivative", (never_called, 1.0), {"order": 0}, ValueError,
     r"order must be at least 1 \(or None\), not 0"),
    ("hessian", (never_called, [1.0]), {"order": -2}, ValueError, r"not -2"),
    ("derivative", (never_called, 1.0), {"order": 5}, ValueError,
     r"order must be at most 4 \(MAX_ORDER\), not 5: higher orders are less accurate, not more"),
    ("gradient", (never_called, [1.0]), {"order": 30, "method": "forward"}, ValueError,
     r"order must be at most 4 \(MAX_ORDER\), not 30"),
    ("jacobian", (never_called, [1.0]), {"order": np.int64(40)}, ValueError, r"not 40"),
    ("hessian", (never_called, [1.0]), {"order": 10 ** 30}, ValueError, r"at most 4"),
    ("gradient", (never_called, [1.0]), {"order": 1.5}, TypeError,
     r"order must be None or an int, not 'float'"),
]


@pytest.mark.parametrize("name, args, kwargs, exception, message", BAD_ARGUMENTS)
def test_bad_arguments(name, args, kwargs, exception, message):
    with pytest.raises(exception, match=message) as info:
        getattr(numerical, name)(*args, **kwargs)
    assert type(info.value) is exception
    assert str(info.value).startswith(f"cydiff.numerical.{name}: ")


BAD_RESULTS = [
    ("derivative", lambda x: "1", 1.0, r"f must return a number, not 'str'"),
    ("gradient", lambda v: None, [1.0], r"f must return a number, not 'NoneType'"),
    ("gradient", lambda v: v, [1.0, 2.0], r"f must return a number, not 'ndarray' of shape \(2,\)"),
    ("gradient", lambda v: [1.0], [1.0], r"f must return a number, not 'list'"),
    ("hessian", lambda v: 1j, [1.0], r"f must return a number, not 'complex'"),
    ("jacobian", lambda v: "ab", [1.0],
     r"f must return a number or a 1-D sequence of numbers, not 'str'"),
    ("jacobian", lambda v: [v[0], None], [1.0], r"not 'list' of 'NoneType'"),
    ("jacobian", lambda v: [[v[0]]], [1.0], r"not a 2-D 'list'"),
]


@pytest.mark.parametrize("name, f, x, message", BAD_RESULTS)
def test_bad_results(name, f, x, message):
    with pytest.raises(TypeError, match=message) as info:
        getattr(numerical, name)(f, x)
    assert type(info.value) is TypeError
    assert str(info.value).startswith(f"cydiff.numerical.{name}: ")


def test_jacobian_output_length_must_not_change():
    def f(v):
        return [v[0]] * (2 if v[0] > 1.0 else 1)

    with pytest.raises(ValueError, match=r"jacobian: f returned 2 values at one point and 1"):
        numerical.jacobian(f, [1.0])
