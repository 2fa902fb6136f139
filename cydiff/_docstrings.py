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


def _example(op: Any, call: str) -> str:
    """The Examples section: `call` (the op at its point, a Dual seeded with 1 in x) has
    the value the op gives on floats, and the derivative finite differences give."""
    name, p = op.name, getattr(op, "point", 0.3)
    unary = hasattr(op, "d")
    on_floats = f"cydiff.{name}({p})" if unary else f"cydiff.{name}({p}, 2.0)"
    f = f"cydiff.{name}" if unary else f"lambda a: cydiff.{name}(a, 2.0)"
    return f"""

Examples
--------
>>> import cydiff
>>> y = {call}
>>> y.val == {on_floats}
True
>>> abs(y.deriv - cydiff.numerical.derivative({f}, {p})) < 1e-6
True
"""


def _section(title: str, body: str) -> str:
    return f"\n\n{title}\n{'-' * len(title)}\n{body}"


def function_doc(op: Any) -> str:
    """`cydiff.NAME(x)`'s docstring for a unary op, `cydiff.NAME(a, b)`'s for a binary one."""
    name, p = op.name, getattr(op, "point", 0.3)
    if hasattr(op, "d"):  # unary
        parameters = (f"x : {NUMBERS}\n"
                      "    A real number, a number of cydiff's, or an array of them.")
        subject, call = "x is", f"cydiff.{name}(cydiff.Dual({p}, 1.0))"
    else:
        parameters = (f"a, b : {NUMBERS}\n    Real numbers, numbers of cydiff's of one kind, "
                      "or arrays of them (broadcast).")
        subject, call = "a or b is", f"cydiff.{name}(cydiff.Dual({p}, 1.0), 2.0)"
    return (str(op.doc) + _section("Parameters", parameters)
            + _section("Returns", f"{NUMBERS}\n    {RETURNS}") + _raises(op, subject)
            + _example(op, call))


def method_doc(op: Any) -> str:
    """`x.NAME()`'s docstring for a unary op, `x.NAME(other)`'s for a binary one."""
    name, p = op.name, getattr(op, "point", 0.3)
    returns = "Dual, MultiDual or Value\n    {}, of x's kind, carrying the derivative."
    if hasattr(op, "d"):  # unary
        return (str(op.doc) + _section("Returns", returns.format(f"{name}(x)")) + _raises(op, "")
                + _example(op, f"cydiff.Dual({p}, 1.0).{name}()"))
    parameters = ("other : float, Dual, MultiDual or Value\n"
                  "    A real number, or a number of x's kind.")
    return (str(op.doc) + _section("Parameters", parameters)
            + _section("Returns", returns.format(f"{name}(x, other)")) + _raises(op, "other is")
            + _example(op, f"cydiff.Dual({p}, 1.0).{name}(2.0)"))
