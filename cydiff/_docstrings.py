"""The docstrings of the op spec's functions and methods, made from their entries in
`_spec`: both twins take them from here (the compiled twin's through src/codegen.py, which
loads this module by its path), so that `help(cydiff.exp)` reads the same in both.

Each has the spec's summary, then numpy-style sections: the parameters, what comes back,
what raises, and an example that checks the value against the function on floats and the
derivative against finite differences, at the op's `point`.
"""

from __future__ import annotations

from typing import Any

NUMBERS = "float, Dual, MultiDual, Value or numpy.ndarray"
RETURNS = ("A float for a real number; for a Dual, MultiDual or Value, one of its kind\n"
           "    that carries the derivative; for an array, an array (elementwise).")


def _raises(op: Any, subject: str) -> str:
    """The Raises section: a TypeError for a wrong argument (none where there is no
    `subject`, x alone), and Python's own exceptions where the op raises on floats."""
    lines = []
    if subject:
        lines.append(f"TypeError\n    If {subject} not a real number or a number of cydiff's.")
    if op.math:
        lines.append("ValueError, OverflowError, ZeroDivisionError\n"
                     "    Where Python raises on floats (the summary says where), the same\n"
                     "    exception with the same message.")
    return "\n\nRaises\n------\n" + "\n".join(lines) if lines else ""


def function_doc(op: Any) -> str:
    """`cydiff.NAME(x)`'s docstring for a unary op, `cydiff.NAME(a, b)`'s for a binary one."""
    name, p = op.name, getattr(op, "point", 0.3)
    if hasattr(op, "d"):  # unary
        return f"""{op.doc}

Parameters
----------
x : {NUMBERS}
    A real number, a number of cydiff's, or an array of them.

Returns
-------
{NUMBERS}
    {RETURNS}{_raises(op, "x is")}

Examples
--------
>>> import cydiff
>>> y = cydiff.{name}(cydiff.Dual({p}, 1.0))
>>> y.val == cydiff.{name}({p})
True
>>> abs(y.deriv - cydiff.numerical.derivative(cydiff.{name}, {p})) < 1e-6
True
"""
    return f"""{op.doc}

Parameters
----------
a, b : {NUMBERS}
    Real numbers, numbers of cydiff's of one kind, or arrays of them (broadcast).

Returns
-------
{NUMBERS}
    {RETURNS}{_raises(op, "a or b is")}

Examples
--------
>>> import cydiff
>>> y = cydiff.{name}(cydiff.Dual({p}, 1.0), 2.0)
>>> y.val == cydiff.{name}({p}, 2.0)
True
>>> abs(y.deriv - cydiff.numerical.derivative(lambda a: cydiff.{name}(a, 2.0), {p})) < 1e-6
True
"""


def method_doc(op: Any) -> str:
    """`x.NAME()`'s docstring for a unary op, `x.NAME(other)`'s for a binary one."""
    name, p = op.name, getattr(op, "point", 0.3)
    if hasattr(op, "d"):  # unary
        return f"""{op.doc}

Returns
-------
Dual, MultiDual or Value
    {name}(x), of x's kind, carrying the derivative.{_raises(op, "")}

Examples
--------
>>> import cydiff
>>> y = cydiff.Dual({p}, 1.0).{name}()
>>> y.val == cydiff.{name}({p})
True
>>> abs(y.deriv - cydiff.numerical.derivative(cydiff.{name}, {p})) < 1e-6
True
"""
    return f"""{op.doc}

Parameters
----------
other : float, Dual, MultiDual or Value
    A real number, or a number of x's kind.

Returns
-------
Dual, MultiDual or Value
    {name}(x, other), of x's kind, carrying the derivative.{_raises(op, "other is")}

Examples
--------
>>> import cydiff
>>> y = cydiff.Dual({p}, 1.0).{name}(2.0)
>>> y.val == cydiff.{name}({p}, 2.0)
True
>>> abs(y.deriv - cydiff.numerical.derivative(lambda a: cydiff.{name}(a, 2.0), {p})) < 1e-6
True
"""
