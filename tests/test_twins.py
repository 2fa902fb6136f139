"""Which twin `import cydiff` gives, and the twins' public surfaces kept in step."""

import inspect
import re
import weakref

import pytest

import cydiff
import cydiff._ops_py as ops_py
import cydiff._spec as spec
import cydiff.pure as pure_module
from child import run_python


@pytest.mark.c_extensions
def test_default_import_is_compiled():
    result = run_python("import cydiff, cydiff.pure, cydiff.compiled; "
                        "print(cydiff.BACKEND, cydiff.Value is cydiff.compiled.Value, "
                        "cydiff.Value is not cydiff.pure.Value, cydiff.Dual is cydiff.compiled.Dual)",
                        "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["compiled", "True", "True", "True"]


def test_environment_selects_pure():
    result = run_python("import cydiff, cydiff.pure; print(cydiff.BACKEND, "
                        "cydiff.Value is cydiff.pure.Value, cydiff.exp is cydiff.pure.exp)",
                        "-W", "error", CYDIFF_NO_EXTENSIONS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pure", "True", "True"]


def test_a_missing_extension_falls_back_with_one_warning():
    result = run_python("import sys; sys.modules['cydiff._value_c'] = None\n"
                        "import warnings\n"
                        "with warnings.catch_warnings(record=True) as caught:\n"
                        "    warnings.simplefilter('always')\n"
                        "    import cydiff\n"
                        "print(cydiff.BACKEND, len(caught), caught[0].category.__name__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["pure", "1", "RuntimeWarning"]


def test_facade_exports():
    names = ["Dual", "MultiDual", "Value", "data", "derivative", "dot", "grad", "gradient_check",
             "grads", "hessian", "hvp", "jacobian", "jvp", "node_pool_limit", "sum", "trace",
             "value_and_grad", "values", "vjp", *spec.FUNCTIONS]
    for name in names:
        assert getattr(cydiff, name) is getattr(pure_module if cydiff.BACKEND == "pure"
                                                else cydiff.compiled, name)
    assert cydiff.__version__


# --- drift: the twins' public surfaces -------------------------------------------------

def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_") or n in ("_op", "_prev", "_children"))


@pytest.mark.c_extensions
def test_same_public_names(pure, compiled):
    assert public(pure) == public(compiled)
    assert pure.__all__ == compiled.__all__
    for cls in ("Value", "Dual", "MultiDual"):
        assert public(getattr(pure, cls)) == public(getattr(compiled, cls)), cls
    special = ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
               "__rtruediv__", "__pow__", "__rpow__", "__neg__", "__pos__", "__abs__", "__lt__",
               "__le__", "__gt__", "__ge__", "__eq__", "__ne__", "__hash__", "__float__", "__int__",
               "__repr__", "__reduce__"]
    for cls in ("Value", "Dual", "MultiDual"):
        for name in special:
            assert hasattr(getattr(pure, cls), name) and hasattr(getattr(compiled, cls), name)


@pytest.mark.c_extensions
def test_same_docstrings(pure, compiled):
    for name in public(pure):
        p, c = getattr(pure, name), getattr(compiled, name)
        if callable(p) and not isinstance(p, type):
            assert inspect.getdoc(p) == inspect.getdoc(c), name
    for cls in ("Value", "Dual", "MultiDual"):
        P, C = getattr(pure, cls), getattr(compiled, cls)
        assert inspect.getdoc(P) == inspect.getdoc(C), cls
        for name in public(P):
            assert inspect.getdoc(getattr(P, name)) == inspect.getdoc(getattr(C, name)), f"{cls}.{name}"


@pytest.mark.c_extensions
def test_same_signatures(pure, compiled):
    for name in public(pure):
        p, c = getattr(pure, name), getattr(compiled, name)
        if callable(p) and not isinstance(p, type):
            assert list(inspect.signature(p).parameters) == list(inspect.signature(c).parameters), name
    for cls in ("Value", "Dual", "MultiDual"):
        P, C = getattr(pure, cls), getattr(compiled, cls)
        for name in public(P):
            p, c = getattr(P, name), getattr(C, name)
            if callable(p):
                assert list(inspect.signature(p).parameters) == list(inspect.signature(c).parameters)


@pytest.mark.c_extensions
def test_same_op_table(compiled):
    import cydiff._value_c as value_c
    assert value_c.OP_NAMES == ops_py.OP_NAMES
    assert value_c.FOLDED == {op: (kind, side == ops_py.LEFT)
                              for op, (kind, side) in ops_py.FOLDED.items()}
    assert len(value_c.OP_NAMES) == spec.N_OPS == len(ops_py.OP_NAMES)


@pytest.mark.c_extensions
def test_pythons_own_messages_differ_only_by_the_class_path(pure, compiled):
    """Messages CPython composes from a class's C-level name: the same exception, and the
    same words but for the compiled class's dotted name (README, "Edge cases")."""
    def message(action):
        try:
            action()
        except Exception as e:  # noqa: BLE001
            return type(e), str(e).replace("cydiff._value_c.", "").replace("cydiff._dual_c.", "")
        return None

    actions = [
        lambda m: setattr(m.Value(1.0), "_backward", None),
        lambda m: m.Value(1.0).nothing,
        lambda m: m.Dual(1.0).nothing,
        lambda m: len(m.Value(1.0)),
        lambda m: m.Dual(1.0)[0],
        lambda m: iter(m.Value(1.0)),
        lambda m: {m.Dual(1.0): 0}[[]],
    ]
    for action in actions:
        assert message(lambda: action(pure)) == message(lambda: action(compiled))
    # cydiff.pure._value_py.Value beside cydiff._value_c.Value
    assert [repr(cls).replace("cydiff.pure._", "cydiff._").replace("_py", "_c")
            for cls in (pure.Value, pure.Dual)] == [repr(compiled.Value), repr(compiled.Dual)]


# --- drift: Python's protocols on the classes and their instances --------------------

ARGS = {"Value": (1.5,), "Dual": (1.5, 2.0), "MultiDual": (1.5, (2.0, -1.0))}


def outcome(action):
    """What an action does: its result's repr, or its exception's type and message with
    the compiled classes' dotted paths taken out (README, "Edge cases")."""
    try:
        result = action()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, re.sub(r"cydiff\._\w+_c\.", "", str(e))
    return "ok", repr(result).replace("_c.", "_py.") if isinstance(result, type) else repr(result)


def protocol_actions(cls_name, names):
    """(what, action on a twin module) pairs over the class's instances and the class."""
    def make(m):
        return getattr(m, cls_name)(*ARGS[cls_name])

    def cls(m):
        return getattr(m, cls_name)

    for name in names:
        yield f"set {name}", lambda m, n=name: setattr(make(m), n, 1.0)
        yield f"set {name} to a str", lambda m, n=name: setattr(make(m), n, "x")
        yield f"del {name}", lambda m, n=name: delattr(make(m), n)
        yield f"set {name} on the class", lambda m, n=name: setattr(cls(m), n, 1.0)
        yield f"del {name} on the class", lambda m, n=name: delattr(cls(m), n)
    yield "subclass", lambda m: type("Sub", (cls(m),), {})
    yield "subclass with a slot", lambda m: type("Sub", (cls(m),), {"__slots__": ("z",)})
    yield "bare __new__", lambda m: type(cls(m).__new__(cls(m))).__name__
    yield "__new__", lambda m: cls(m).__new__(cls(m), *ARGS[cls_name])
    yield "__init__ again", lambda m: make(m).__init__(7.0)
    yield "weak reference", lambda m: weakref.ref(make(m))
    yield "vars", lambda m: vars(make(m))
    yield "pow(x, 2, 3)", lambda m: pow(make(m), 2, 3)
    yield "pow(2, x, 3)", lambda m: pow(2, make(m), 3)
    yield "pow(2, 3, x)", lambda m: pow(2, 3, make(m))
    yield "pow(x, x, 3)", lambda m: pow(make(m), make(m), 3)
    yield "pow(x, x, x)", lambda m: pow(make(m), make(m), make(m))
    yield "pow(x, 2, None)", lambda m: pow(make(m), 2, None)
    yield "pow(2.0, x, None)", lambda m: pow(2.0, make(m), None)


@pytest.mark.c_extensions
@pytest.mark.parametrize("cls_name", sorted(ARGS))
def test_the_classes_protocols_are_the_same(pure, compiled, cls_name):
    """Setting and deleting every attribute (of an instance and of the class), subclassing,
    `__new__`, `__init__` again and three-argument pow: the same outcome in both twins, the
    same exception and message but for the compiled class's path. (A bare `__new__` is a
    TypeError in both; its words about the missing argument are Python's or Cython's.)"""
    names = sorted(set(public(getattr(pure, cls_name))) | {"_op", "_prev", "_children",
                                                            "nothing", "__class__", "__init__"})
    for what, action in protocol_actions(cls_name, names):
        got, want = outcome(lambda: action(compiled)), outcome(lambda: action(pure))
        if what == "bare __new__":
            got, want = got[0], want[0]
        assert got == want, what
