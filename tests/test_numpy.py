"""docs/numpy.md, row by row: what each numpy ufunc does with object arrays of cydiff numbers,
by the path the table names, on both twins; and cydiff's functions on arrays."""

import math
import re
from pathlib import Path

import numpy as np
import pytest
from programs import bits

from cydiff._spec import BINARY_FUNCTIONS, FUNCTIONS

DOC = Path(__file__).resolve().parent.parent / "docs" / "numpy.md"
# points inside every function's domain (acosh: shifted above 1)
POINTS = [0.3, 0.45, 0.7, 0.05]


def rows():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- ufuncs:begin -->")[1].split("<!-- ufuncs:end -->")[0]
    for line in table.strip().splitlines()[2:]:
        ufunc, path, result = (cell.strip() for cell in line.strip().strip("|").split("|"))
        yield pytest.param(ufunc.strip("`")[3:], path, result, id=ufunc.strip("`"))


def test_the_table_is_there():
    assert len(list(rows())) >= 45


def arguments(impl, name, make):
    """The ufunc's operands as object arrays of cydiff numbers (made by make), in its domain."""
    xs = [x + 1.5 if name == "arccosh" else x for x in POINTS]
    ys = [1.2, 0.4, 0.9, 2.0]
    return (np.array([make(x, 1.0) for x in xs], dtype=object),
            np.array([make(y, 0.5) for y in ys], dtype=object))


def fingerprint(numbers):
    """Every value and derivative, as bits."""
    out = []
    for n in numbers:
        if hasattr(n, "val"):
            out.append((bits(n.val), bits(n.deriv)))
        else:
            out.append((bits(n.data),))
    return out


@pytest.mark.parametrize("name, path, result", list(rows()))
def test_row(impl, name, path, result):
    ufunc = getattr(np, name)
    make = impl.Dual
    x, y = arguments(impl, name, make)
    binary = name in ("arctan2", "hypot", "fmod", "power", "minimum", "maximum", "fmin", "fmax",
                      "less", "greater", "less_equal", "greater_equal", "copysign")
    call = (lambda: ufunc(x, y)) if binary else (lambda: ufunc(x))
    if name == "clip":
        call = lambda: ufunc(x, -0.2, 0.5)  # noqa: E731
    if path == "none":
        with pytest.raises(TypeError):
            call()
        return
    out = call()
    function = re.match(r"`cydiff\.(\w+)`", result)
    if path in ("method", "protocol") or function and path == "arithmetic":
        f = getattr(impl, function[1])
        expected = [f(a, b) for a, b in zip(x, y)] if binary else [f(a) for a in x]
        assert fingerprint(out) == fingerprint(expected), name
        assert all(type(o) is impl.Dual for o in out)
    elif path == "arithmetic":
        f = {"negative": lambda a, b: -a, "square": lambda a, b: a * a,
             "reciprocal": lambda a, b: 1 / a, "power": lambda a, b: a ** b}[name]
        assert fingerprint(out) == fingerprint([f(a, b) for a, b in zip(x, y)]), name
        twin_function = {"square": "square", "reciprocal": "reciprocal"}.get(name)
        if twin_function:  # the same value and derivative as cydiff's one-node function
            assert fingerprint(out) == fingerprint([getattr(impl, twin_function)(a) for a in x])
    elif name in ("less", "greater", "less_equal", "greater_equal"):
        assert out.dtype == bool
        assert list(out) == [getattr(impl, name)(a, b).val == 1.0 for a, b in zip(x, y)]
    elif name == "sign":
        assert [type(o) for o in out] == [int] * len(out)
        assert list(out) == [int(impl.sign(a).val) for a in x]
    elif name == "clip":
        assert [o if isinstance(o, float) else o.val for o in out] == \
            [min(max(a.val, -0.2), 0.5) for a in x]
        assert any(isinstance(o, float) for o in out)  # the bound itself: not recorded
    else:  # minimum & co: one of the two elements, chosen by a comparison
        for o, a, b in zip(out, x, y):
            assert o is a or o is b


def test_cydiffs_functions_map_arrays(impl):
    xs = np.array([0.3, 0.7, 0.2])
    for name in FUNCTIONS:
        f = getattr(impl, name)
        points = xs + 1.5 if name == "acosh" else xs
        out = f(points)
        assert out.dtype == float and out.shape == points.shape
        assert [bits(v) for v in out] == [bits(f(float(p))) for p in points], name
        duals = f(np.array([impl.Dual(float(p), 1.0) for p in points], dtype=object))
        assert duals.dtype == object
        assert fingerprint(duals) == fingerprint([f(impl.Dual(float(p), 1.0)) for p in points])
    for name in BINARY_FUNCTIONS:
        f = getattr(impl, name)
        out = f(xs[:, None], np.array([1.5, -2.0]))  # broadcast to 3×2
        assert out.shape == (3, 2) and out.dtype == float
        assert bits(out[2, 1]) == bits(f(0.2, -2.0))
        values = impl.values([0.3, 0.7])
        out = f(values, 0.5)
        assert out.dtype == object and [type(v) for v in out] == [impl.Value] * 2
    x = impl.values([-1.0, 0.5, 2.0])
    y = impl.where(impl.greater(x, 0.0), impl.sqrt(impl.maximum(x, 0.0)), 0.0)
    assert [v.data for v in y] == [0.0, math.sqrt(0.5), math.sqrt(2.0)]
    assert [bits(v) for v in impl.clip(np.array([-3.0, 0.2, 3.0]), -1.0, 1.0)] == \
        [bits(-1.0), bits(0.2), bits(1.0)]
