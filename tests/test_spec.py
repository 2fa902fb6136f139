"""The op spec (cydiff/_spec.py): what every layer derives from.

Codes are unique and appended; every formula is in the language both twins speak
(src/codegen.py refuses the rest); each twin has exactly the spec's methods and functions.
"""

import importlib.util
import math
from pathlib import Path

import pytest

import cydiff
import cydiff._ops_py as ops_py
import cydiff._spec as spec
from closed_forms import BINARY_CLOSED_FORMS, CLOSED_FORMS

from cydiff._common import math_function

CODEGEN = Path(__file__).resolve().parent.parent / "src" / "codegen.py"


def test_codes_are_unique_and_below_n_ops():
    codes = [op.code for ops in (spec.UNARY, spec.BINARY, spec.FOLDED) for op in ops]
    codes += [spec.LEAF, spec.CUSTOM, spec.SUM, spec.DOT]
    assert len(codes) == len(set(codes))
    assert max(codes) == spec.N_OPS - 1
    assert len(ops_py.OP_NAMES) == len(codes)


def test_names_are_unique():
    names = [op.name for op in spec.UNARY] + list(spec.ALIASES)
    names += [op.name for op in spec.BINARY] + list(spec.BINARY_ALIASES)
    assert len(names) == len(set(names))


def inside(name, t):
    """The point a fraction t across the op's domain (`closed_forms`)."""
    low, high = CLOSED_FORMS[name][2]
    return low + t * (high - low)


def test_every_twin_has_every_op(impl):
    for name in spec.FUNCTIONS:
        assert callable(getattr(impl, name)), name
        assert callable(getattr(cydiff, name)), name
        for cls in (impl.Value, impl.Dual, impl.MultiDual):
            assert callable(getattr(cls, name)), (cls, name)
    for alias, name in spec.ALIASES.items():
        x = impl.Dual(inside(name, 0.5), 1.0)
        assert getattr(x, alias)().deriv == getattr(x, name)().deriv


def test_a_math_op_is_pythons_function_on_floats(impl):
    for op in spec.UNARY:
        if op.math and op.function:
            for x in (inside(op.name, t) for t in (0.25, 0.5, 0.75)):
                assert getattr(impl, op.name)(x) == math_function(op.math)(x), op.name
    for op in spec.BINARY:
        if op.math:
            for a, b in ((0.5, 2.0), (-1.5, 0.25), (3.0, -4.0)):
                assert getattr(impl, op.name)(a, b) == getattr(math, op.math)(a, b), op.name


@pytest.fixture(scope="module")
def codegen():
    if not CODEGEN.exists():  # an installed copy of the tests, without the sources
        pytest.skip("src/codegen.py is not beside the tests")
    location = importlib.util.spec_from_file_location("codegen", CODEGEN)
    module = importlib.util.module_from_spec(location)
    location.loader.exec_module(module)
    return module


@pytest.mark.parametrize("formula, why", [
    ("1.0 / x", "only \\+ - \\*"),
    ("x ** 2.0", "only \\+ - \\*"),
    ("2 * x", "not a float literal"),
    ("math.cos(x)", "not in the formula language|calls only"),
    ("gamma(x)", "unknown name|calls only"),
    ("z + 1.0", "unknown name 'z'"),
    ("[x][0]", "not in the formula language"),
])
def test_codegen_refuses_what_c_would_read_otherwise(codegen, formula, why):
    with pytest.raises(ValueError, match=why):
        codegen.c(formula)


def test_codegen_renames_the_ieee_functions(codegen):
    assert codegen.c("div(1.0, sqrt(x)) + log(y) * pow(x, y)") == (
        "ieee_div(1.0, ieee_sqrt(x)) + ieee_log(y) * ieee_pow(x, y)")


def test_every_spec_formula_compiles(codegen):
    for op in spec.UNARY:
        for formula in (op.d, op.d2, op.value):
            if formula:
                codegen.c(formula)
    for op in spec.BINARY:
        for formula in (op.da, op.db, op.daa, op.dab, op.dbb):
            codegen.c(formula, "a, b, y")


def test_every_function_has_a_closed_form():
    assert set(CLOSED_FORMS) == set(spec.FUNCTIONS)
    assert set(BINARY_CLOSED_FORMS) == set(spec.BINARY_FUNCTIONS)


def test_every_twin_has_every_binary_function(impl):
    for name in (*spec.BINARY_FUNCTIONS, *spec.BINARY_ALIASES, *spec.ALIASES, "clip", "where"):
        assert callable(getattr(impl, name)) and callable(getattr(cydiff, name)), name
    for name in (*spec.BINARY_FUNCTIONS, *spec.BINARY_ALIASES):
        for cls in (impl.Value, impl.Dual, impl.MultiDual):
            assert callable(getattr(cls, name)), (cls, name)


def test_both_twins_speak_the_same_vocabulary(codegen):
    assert codegen.VOCABULARY == set(ops_py.VOCABULARY)
