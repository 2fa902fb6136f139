"""docs/conventions.md, row by row: each twin, each mode, exactly as the table says."""

import math
import re
from pathlib import Path

import pytest

from cydiff._spec import EXPORTED

DOC = Path(__file__).resolve().parent.parent / "docs" / "conventions.md"
NAMES = {"inf": math.inf, "nan": math.nan, "pi": math.pi}


def rows():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- conventions:begin -->")[1].split("<!-- conventions:end -->")[0]
    for line in table.strip().splitlines()[2:]:
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        case, expression, at, value, derivative = cells
        yield pytest.param(expression, at, value, derivative, id=case)


def number(text):
    return float(eval(text, {"__builtins__": {}}, NAMES))


def same(a, b):
    return (a != a and b != b) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def test_the_table_is_there():
    assert len(list(rows())) >= 60


@pytest.mark.parametrize("expression, at, value, derivative", list(rows()))
def test_row(impl, expression, at, value, derivative):
    x0 = number(at)
    scope = {**NAMES, **{name: getattr(impl, name) for name in EXPORTED}}
    if re.fullmatch(r"[A-Z][A-Za-z]*Error", value):
        error = getattr(__builtins__, value) if isinstance(__builtins__, type(math)) \
            else __builtins__[value]
        with pytest.raises(error):
            eval(expression, {**scope, "x": impl.Value(x0)})
        with pytest.raises(error):
            eval(expression, {**scope, "x": impl.Dual(x0, 1.0)})
        with pytest.raises(error):
            eval(expression, {**scope, "x": impl.MultiDual(x0, (1.0, 0.0))})
        assert derivative == ""
        return
    x = impl.Value(x0)
    y = eval(expression, {**scope, "x": x})
    y.backward()
    assert same(y.data, number(value)), ("value", y.data)
    assert same(x.grad, number(derivative)), ("gradient", x.grad)
    d = eval(expression, {**scope, "x": impl.Dual(x0, 1.0)})
    assert same(d.val, number(value)), ("Dual value", d.val)
    assert same(d.deriv, number(derivative)), ("tangent", d.deriv)
    m = eval(expression, {**scope, "x": impl.MultiDual(x0, (1.0, 0.0))})
    assert same(m.val, number(value)), ("MultiDual value", m.val)
    assert same(m.partials[0], number(derivative)), ("partial", m.partials)
    assert m.partials[1] == 0.0  # an unseeded direction stays a (strong) zero
