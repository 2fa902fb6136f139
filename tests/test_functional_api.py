"""The functional API's shape on both twins: module-level functions that pickle and read as
what they are, the twin record they take, JAX's conventions (jacfwd, jacrev, has_aux, which
functions return a function). The package's house rules are tests/test_layers.py."""

import importlib
import inspect
import pathlib
import pickle
import pydoc

import numpy as np
import pytest

import cydiff
from child import run_python
from cydiff import _twin

API = ["derivative", "grad", "value_and_grad", "jacobian", "jacfwd", "jacrev", "hessian", "jvp",
       "vjp", "hvp", "trace", "gradient_check", "values", "grads", "data"]
TRANSFORMS = ["derivative", "grad", "value_and_grad", "jacobian", "jacfwd", "jacrev", "hessian"]
SHARED = dict.fromkeys(API, "cydiff._transforms.functional")  # where each is written, once
SHARED.update(dict.fromkeys(["jvp", "vjp", "hvp", "trace"], "cydiff._transforms.evaluations"),
              gradient_check="cydiff._transforms.check", values="cydiff._transforms.arrays",
              grads="cydiff._transforms.arrays", data="cydiff._transforms.arrays")
TESTS = pathlib.Path(__file__).parent


def rosen(v):
    """Rosenbrock's function of 2 inputs: its docstring travels with its transforms."""
    return 100.0 * (v[1] - v[0] ** 2) ** 2 + (1.0 - v[0]) ** 2


def rosen_aux(v):
    value = rosen(v)
    return value, {"value": value, "note": "aux"}


def pair(v):
    return [v[0] * v[1], v[0].sin()]


class Scaled:
    """A callable object (no __name__ of its own)."""

    def __call__(self, v):
        return 3.0 * v[0] * v[1]


# --- pickles, names, signatures -------------------------------------------------------

@pytest.mark.parametrize("name", API)
def test_every_function_pickles_by_name_and_reads_as_itself(impl, name):
    f = getattr(impl, name)
    assert pickle.loads(pickle.dumps(f)) is f
    assert f.__name__ == f.__qualname__ == name and f.__module__ == impl.__name__
    shared = getattr(importlib.import_module(SHARED[name]), name)
    assert f.__wrapped__ is shared and inspect.getdoc(f) == inspect.getdoc(shared)
    assert "twin" in inspect.signature(shared).parameters
    assert list(inspect.signature(f).parameters) == [
        p for p in inspect.signature(shared).parameters if p != "twin"]
    assert inspect.isroutine(f)  # help() and autodoc document it as a function
    text = pydoc.plain(pydoc.render_doc(f))
    # the signature as written, on one line or (Python 3.13) a parameter a line
    assert "".join(f"{name}{inspect.signature(f)}".split()) in "".join(text.split())
    assert inspect.getdoc(shared).splitlines()[0] in text


def test_the_facade_pickles_the_default_twins_functions():
    assert pickle.loads(pickle.dumps(cydiff.grad)) is cydiff.grad
    assert cydiff.grad is getattr(importlib.import_module(f"cydiff.{cydiff.BACKEND}"), "grad")
    for name in API:
        assert getattr(cydiff, name).twin is _twin.default()
        assert name in cydiff.__all__


def bits(result):
    """A result's exact bits: floats and float64 arrays, or tuples of them."""
    if isinstance(result, tuple):
        return tuple(bits(r) for r in result)
    return np.asarray(result, dtype=np.float64).tobytes()


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_a_transforms_result_is_wrapped_and_pickles(impl, transform):
    x = 0.3 if transform == "derivative" else [0.3, -0.7]
    f = cubic if transform == "derivative" else rosen
    g = getattr(impl, transform)(f)
    assert g.__wrapped__ is f
    assert g.__name__ == g.__qualname__ == f.__name__ and g.__doc__ == f.__doc__
    assert g.__module__ == f.__module__ and inspect.signature(g) == inspect.signature(f)
    again = pickle.loads(pickle.dumps(g))
    assert type(again) is type(g) and again.__wrapped__ is f and again.twin is g.twin
    assert bits(again(x)) == bits(g(x))
    assert transform in repr(g) and impl.IMPLEMENTATION in repr(g)


def cubic(t):
    """t³ + 2t: its derivative at 3 is 29."""
    return t**3 + 2 * t


def test_options_travel_in_the_pickle(impl):
    for g, x in ((impl.grad(rosen_aux, has_aux=True), [0.3, -0.7]),
                 (impl.value_and_grad(lambda_free_product, argnums=(0, 1)), None),
                 (impl.jacobian(pair, mode="reverse"), [0.3, -0.7]),
                 (impl.derivative(np.sin), 0.5)):
        again = pickle.loads(pickle.dumps(g))
        if x is not None:
            assert repr(again(x)) == repr(g(x))
    two = pickle.loads(pickle.dumps(impl.value_and_grad(lambda_free_product, argnums=(0, 1))))
    assert two(2.0, 3.0) == (6.0, (3.0, 2.0))
    assert pickle.loads(pickle.dumps(impl.jacobian(pair, mode="reverse"))).mode == "reverse"


def lambda_free_product(a, b):
    return a * b


def test_grad_of_a_module_level_function_round_trips_in_a_fresh_process(impl):
    result = run_python(
        "import pickle, sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        f"import cydiff.{impl.IMPLEMENTATION} as m, test_functional_api as t\n"
        "blob = pickle.dumps(m.grad(t.rosen))\n"
        "print(blob.hex())")
    assert result.returncode == 0, result.stderr
    g = pickle.loads(bytes.fromhex(result.stdout.strip()))
    assert g.twin is _twin.lookup(impl.IMPLEMENTATION)
    assert g([0.3, -0.7]).tolist() == impl.grad(rosen)([0.3, -0.7]).tolist()


def test_a_callable_object_and_methods(impl):
    g = impl.grad(Scaled())
    assert g.__name__ == "Scaled" and g([2.0, 5.0]).tolist() == [15.0, 6.0]

    class Model:
        scale = 2.0

        def loss(self, v):
            return self.scale * v[0] * v[0]
        slope = impl.grad(loss, argnums=1)  # binds as a method (self is argument 0)
    assert Model().slope([3.0]).tolist() == [12.0]


# --- which twin ---------------------------------------------------------------------------

def test_each_twin_hands_f_its_own_numbers(impl, pure):
    seen = []

    def f(v):
        seen.append(type(v[0]))
        return v[0] * v[1]
    impl.grad(f)([1.0, 2.0])
    impl.derivative(lambda x: seen.append(type(x)) or x)(1.0)
    impl.jacfwd(f)([1.0, 2.0])
    impl.jacrev(f)([1.0, 2.0])
    assert seen == [impl.Value, impl.Dual, impl.MultiDual, impl.Value]
    seen.clear()
    cydiff.grad(f)([1.0, 2.0])
    assert seen == [cydiff.Value]
    seen.clear()
    for twin in ("pure", pure, _twin.lookup("pure")):  # the shared function, twin= given
        cydiff._transforms.functional.grad(f, twin=twin)([1.0, 2.0])
    assert seen == [pure.Value] * 3


def test_the_twin_record(impl):
    record = _twin.lookup(impl.IMPLEMENTATION)
    assert record is _twin.lookup(record.name) and record.name == impl.IMPLEMENTATION
    assert (record.Value, record.Dual, record.MultiDual) == (impl.Value, impl.Dual, impl.MultiDual)
    assert record.module is impl and record.dot is impl.dot
    assert pickle.loads(pickle.dumps(record)) is record
    assert _twin.of(impl.Value(1.0)) is record and _twin.of(impl.Dual(1.0)) is record
    assert _twin.of(1.0) is None and _twin.name_of(impl.MultiDual(1.0, (1.0,))) == record.name
    assert _twin.resolve(impl, "here") is record and _twin.resolve(None, "here") is _twin.default()
    assert _twin.default().name == cydiff.BACKEND and impl.grad.twin is record
    with pytest.raises(AttributeError, match="immutable"):
        record.name = "other"
    with pytest.raises(ValueError, match=r"cydiff.grad: unknown twin 'fast'; valid: 'pure', 'compiled'"):
        cydiff._transforms.functional.grad(rosen, twin="fast")
    with pytest.raises(TypeError, match=r"cydiff.jvp: twin must be 'pure', 'compiled', cydiff.pure "
                                        r"or cydiff.compiled, not 'int'"):
        cydiff._transforms.evaluations.jvp(rosen, [1.0, 2.0], [1.0, 0.0], twin=3)


@pytest.mark.c_extensions
def test_a_compiled_pickle_loads_into_the_pure_twin_where_the_compiled_is_off():
    blob = pickle.dumps((cydiff.compiled.grad, cydiff.compiled.grad(rosen)))
    result = run_python("import pickle, sys\n"
                        f"sys.path.insert(0, {str(TESTS)!r})\n"
                        f"f, g = pickle.loads({blob!r})\n"
                        "import cydiff.pure\n"
                        "print(f is cydiff.pure.grad, g.twin.name, g([0.3, -0.7]).tolist())",
                        CYDIFF_NO_EXTENSIONS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split(maxsplit=2) == ["True", "pure",
                                               str(cydiff.pure.grad(rosen)([0.3, -0.7]).tolist())]


# --- one rule: transforms return functions, evaluations evaluate ---------------------------

def test_transforms_return_functions_and_evaluations_evaluate(impl):
    x, v = [0.3, -0.7], [1.0, 2.0]
    for name in TRANSFORMS:
        assert callable(getattr(impl, name)(rosen if name != "derivative" else np.sin))
    assert impl.derivative(lambda t: t**3 + 2 * t)(3.0) == 29.0
    assert impl.derivative(lambda t: t**3 + 2 * t, 3.0) == 29.0  # the old spelling evaluates
    assert impl.derivative(lambda t: t * t, x=2.0) == 4.0
    value, tangent = impl.jvp(rosen, x, v)
    assert value == rosen(x) and tangent == pytest.approx(impl.grad(rosen)(x) @ v, rel=1e-14)
    assert impl.vjp(rosen, x, 1.0)[1].tolist() == impl.grad(rosen)(x).tolist()
    assert impl.hvp(rosen, x, v).tolist() == (impl.hessian(rosen)(x) @ v).tolist()
    assert isinstance(impl.trace(rosen, x), impl.Tape)
    assert impl.gradient_check(rosen, x).passed


def test_the_rule_is_written_down():
    doc = cydiff._transforms.functional.__doc__
    for name in TRANSFORMS + ["jvp", "vjp", "hvp", "trace", "gradient_check"]:
        assert f"{name}(" in doc, name
    readme = (TESTS.parent / "README.md").read_text()
    assert "Given a point, a function evaluates; given f alone, it returns a\nfunction" in readme


# --- jacfwd, jacrev, has_aux: JAX's names and shapes -----------------------------------------

def test_jacfwd_and_jacrev_are_jacobians_modes(impl):
    x = [0.3, -0.7]
    J = impl.jacobian(pair)(x)
    assert impl.jacfwd(pair)(x).tobytes() == impl.jacobian(pair, mode="forward")(x).tobytes()
    assert impl.jacrev(pair)(x).tobytes() == impl.jacobian(pair, mode="reverse")(x).tobytes()
    np.testing.assert_allclose(impl.jacfwd(pair)(x), J, rtol=1e-15)
    assert impl.jacfwd(lambda t: t * t)(3.0) == impl.jacrev(lambda t: t * t)(3.0) == 6.0
    H = impl.jacfwd(impl.grad(rosen))(x)  # forward over reverse
    np.testing.assert_allclose(H, impl.hessian(rosen)(x), rtol=1e-13)
    with pytest.raises(TypeError, match="cydiff.jacrev: f must return a number"):
        impl.jacrev(lambda v: "no")(x)


def test_has_aux_gives_jaxs_shapes_and_passes_aux_untouched(impl):
    x = [0.3, -0.7]
    g = impl.grad(rosen)(x)
    token = object()
    got, aux = impl.grad(lambda v: (rosen(v), token), has_aux=True)(x)
    assert aux is token and got.tobytes() == g.tobytes()
    (value, aux), got = impl.value_and_grad(lambda v: (rosen(v), token), has_aux=True)(x)
    assert aux is token and value == rosen(x) and got.tobytes() == g.tobytes()
    (value, aux), (da, db) = impl.value_and_grad(
        lambda a, b: (a * b, [a, b]), argnums=(0, 1), has_aux=True)(2.0, 3.0)
    assert (value, da, db) == (6.0, 3.0, 2.0) and [type(t) for t in aux] == [impl.Value] * 2
    for jac in (impl.jacobian, impl.jacfwd, impl.jacrev):
        J, aux = jac(lambda v: (pair(v), token), has_aux=True)(x)
        assert aux is token and J.tobytes() == impl.jacobian(pair)(x).tobytes()
    n = 20  # three forward passes: aux is the first call's
    calls = []
    J, first = impl.jacfwd(lambda v: (calls.append(len(calls)) or [v[0] * v[n - 1]], len(calls) - 1),
                           has_aux=True)(list(np.arange(1.0, n + 1)))
    assert first == 0 and calls == [0, 1, 2] and J.shape == (1, n)
    assert impl.jacobian(lambda v: (pair(v), token), mode="auto", has_aux=True)(x)[1] is token


def test_has_aux_inside_another_derivative(impl):
    def f(t):
        g, aux = impl.grad(lambda y: (y * y * t, "inner"), has_aux=True)(2.0)
        assert aux == "inner"
        return g
    assert impl.derivative(f, 3.0) == 4.0  # d/dt (4t)
    assert impl.derivative(lambda t: impl.jacfwd(lambda y: (y * t, 0), has_aux=True)(1.0)[0],
                           2.0) == 1.0


@pytest.mark.parametrize("call, error, words", [
    (lambda m: m.grad(rosen, has_aux=True)([1.0, 2.0]), TypeError,
     "cydiff.grad: with has_aux=True, f must return a pair (output, aux), not a 'Value'"),
    (lambda m: m.value_and_grad(lambda v: (v[0], 1, 2), has_aux=True)([1.0]), TypeError,
     "cydiff.value_and_grad: with has_aux=True, f must return a pair (output, aux), not a "
     "'tuple' of 3"),
    (lambda m: m.jacfwd(lambda v: v[0], has_aux=True)([1.0, 2.0]), TypeError,
     "cydiff.jacfwd: with has_aux=True, f must return a pair (output, aux), not a 'MultiDual'"),
    (lambda m: m.grad(rosen, has_aux="yes"), TypeError,
     "cydiff.grad: has_aux must be True or False, not 'str'"),
    (lambda m: m.jacobian(pair, has_aux=1), TypeError,
     "cydiff.jacobian: has_aux must be True or False, not 'int'"),
])
def test_has_aux_errors(impl, call, error, words):
    with pytest.raises(error) as caught:
        call(impl)
    assert words in str(caught.value)


# --- gradient_check, values, grads, data, trace: the same way --------------------------------

def test_the_tools_take_a_twin_too(impl, pure):
    check = cydiff._transforms.check.gradient_check(rosen, [0.3, -0.7], twin=impl)
    assert check.passed and check.analytic.tolist() == impl.grad(rosen)([0.3, -0.7]).tolist()
    leaves = cydiff._transforms.arrays.values([[1.0, 2.0]], twin=impl.IMPLEMENTATION)
    assert leaves.shape == (1, 2) and type(leaves[0, 0]) is impl.Value
    assert cydiff._transforms.arrays.data(leaves, twin=impl).tolist() == [[1.0, 2.0]]
    assert cydiff._transforms.arrays.grads(leaves, twin=impl).tolist() == [[0.0, 0.0]]
    tape = cydiff._transforms.evaluations.trace(rosen, [0.3, -0.7], twin=impl)
    assert repr(tape).endswith(f"{impl.IMPLEMENTATION} replay)")
    assert tape.grad([0.3, -0.7]).tolist() == impl.grad(rosen)([0.3, -0.7]).tolist()


def test_no_closure_factories_and_no_global_set_at_import():
    """The API's functions are module-level functions, bound by TwinFunction; the old
    `bind` factories are gone, and binding a twin changes no module of the layer."""
    for module in ("functional", "check", "arrays"):
        m = importlib.import_module(f"cydiff._transforms.{module}")
        assert not hasattr(m, "bind") and not hasattr(m, f"bind_{module}")
    for name in API:
        f = getattr(cydiff.pure, name)
        assert isinstance(f, _twin.TwinFunction) and inspect.isfunction(f.__wrapped__)
        assert f.__wrapped__.__qualname__ == name  # not a closure: `<locals>` would show
    assert isinstance(cydiff.grad(rosen), cydiff._transforms.transformed.Grad)
