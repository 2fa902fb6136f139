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


# --- the functions written by hand in both twins: their docstrings, once ------------------

CLIP = """x limited to [lo, hi]: minimum(maximum(x, lo), hi), as numpy's clip.

At x == lo or x == hi the derivative is halved: the tie of maximum or minimum.

Parameters
----------
x, lo, hi : float, Dual, MultiDual, Value or numpy.ndarray
    Real numbers, numbers of cydiff's of one kind, or arrays of them (broadcast).

Returns
-------
float, Dual, MultiDual, Value or numpy.ndarray
    x clipped, of the kind of its arguments.

Raises
------
TypeError
    If an argument is not a real number or a number of cydiff's.

Examples
--------
>>> import cydiff
>>> x = cydiff.Value(2.5)
>>> y = cydiff.clip(x, 0.0, 1.0)
>>> y.backward()
>>> y.data, x.grad
(1.0, 0.0)
"""

WHERE = """a where cond is true (nonzero), else b.

A condition that is a Value, Dual or MultiDual (one built with less, greater, ...) is
recorded: a tape decides anew at every point; the derivative flows to the branch taken
only, and an inf or nan in the other never reaches it. Both branches are computed, as
numpy's where computes them: an exception in either raises. A plain condition (a bool)
picks a or b as it is.

Parameters
----------
cond : bool, float, Dual, MultiDual, Value or numpy.ndarray
    The condition: nonzero is true.
a, b : float, Dual, MultiDual, Value or numpy.ndarray
    The branches.

Returns
-------
float, Dual, MultiDual, Value or numpy.ndarray
    a or b, elementwise for arrays.

Raises
------
TypeError
    If an argument is not a real number or a number of cydiff's.

Examples
--------
>>> import cydiff
>>> x = cydiff.Value(-2.0)
>>> y = cydiff.where(cydiff.less(x, 0.0), -x, x)   # abs, as a recorded branch
>>> y.backward()
>>> y.data, x.grad
(2.0, -1.0)
"""

SUM = """Σ items as one node: a Value with one child per Value item, or a Dual (or MultiDual).

Numbers may stand among the items; with no Value or Dual the sum is a float. Terms are
added left to right.

Parameters
----------
items : iterable
    Values (or Duals, or MultiDuals) of one twin, and numbers.

Returns
-------
float, Dual, MultiDual or Value
    The sum.

Raises
------
TypeError
    If an item is not a number or a number of cydiff's, or kinds are mixed.

Examples
--------
>>> import cydiff
>>> xs = [cydiff.Value(float(k)) for k in range(4)]
>>> total = cydiff.sum(xs)
>>> total.backward()
>>> total.data, [x.grad for x in xs]
(6.0, [1.0, 1.0, 1.0, 1.0])
"""

DOT = """Σ ws[i]·xs[i] as one node (a neuron is one dot, not 2n binary nodes).

Either sequence may hold Values (or Duals) and numbers; with no Value or Dual the result
is a float. Terms are added left to right.

Parameters
----------
ws, xs : sequence
    Of one length: Values (or Duals, or MultiDuals) of one twin, and numbers.

Returns
-------
float, Dual, MultiDual or Value
    The dot product.

Raises
------
TypeError
    If an item is not a number or a number of cydiff's, or kinds are mixed.
ValueError
    If the lengths differ.

Examples
--------
>>> import cydiff
>>> w = [cydiff.Value(0.5), cydiff.Value(-1.0)]
>>> y = cydiff.dot(w, [2.0, 3.0])
>>> y.backward()
>>> y.data, [v.grad for v in w]
(-2.0, [2.0, 3.0])
"""

NODE_POOL_LIMIT = """The most freed Value nodes whose memory is kept for new ones (2**22 at first).

The compiled twin keeps the memory of a freed graph's nodes in a pool and builds the next
graph in it, warm, instead of in fresh pages from the system: a training loop rebuilds a
same-sized graph every step. The pool holds no more than the largest graph freed so far
(80 bytes a node), up to the limit. The pure twin keeps the number only: its memory is
CPython's.

Parameters
----------
nodes : int, optional
    A new limit: the pooled memory over it goes back to CPython (0 empties the pool).

Returns
-------
int
    The limit before the call (the limit, without `nodes`).

Raises
------
TypeError
    If nodes is not an int.
ValueError
    If nodes is negative.

Examples
--------
>>> import cydiff
>>> before = cydiff.node_pool_limit(0)      # give the pool's memory back
>>> cydiff.node_pool_limit(before)
0
"""


# --- the numbers' classes and Value's own methods ------------------------------------------

DUAL = """A dual number val + deriv·ε (ε² = 0): forward-mode AD.

Every operation computes the value and its derivative along one direction: seed an
input's deriv with 1 and read the output's.

Parameters
----------
val : float
    The value (a real number: numpy's scalars too).
deriv : float, default 0.0
    The derivative along the seeded direction.

Raises
------
TypeError
    If val or deriv is not a real number.

Examples
--------
>>> from cydiff import Dual
>>> x = Dual(1.5, 1.0)                  # seed: dx/dx = 1
>>> (x**2 + 1).sin()
Dual(val=-0.108195, deriv=-2.982389)
"""

MULTIDUAL = """A dual number with up to 8 partials val + Σ partials[k]·ε_k (ε_j·ε_k = 0).

Forward-mode AD along several directions at once: one pass gives up to 8 columns of a
Jacobian.

Parameters
----------
val : float
    The value.
partials : iterable of float, default ()
    The derivatives along each seeded direction, at most 8.

Raises
------
TypeError
    If val or a partial is not a real number, or partials is not a sequence.
ValueError
    If there are more than 8 partials.

Examples
--------
>>> from cydiff import MultiDual
>>> x = MultiDual(2.0, (1.0, 0.0))      # seeds: dx/dx = 1, dx/dy = 0
>>> y = MultiDual(3.0, (0.0, 1.0))
>>> x * y + x**2
MultiDual(val=10.000000, partials=(7.000000, 2.000000))
"""

VALUE = """A scalar node of a computation graph: reverse-mode AD.

Operations on Values build a graph; `backward()` sends the output's derivative back
through it, so that every leaf's `grad` holds d output / d leaf. micrograd's Value,
drop-in.

Parameters
----------
data : float
    The value (a real number: numpy's scalars too).
_children : iterable of Value, default ()
    The nodes it was made of (micrograd's argument; leaves have none).
_op : str, default ""
    The op that made it (micrograd's argument).
label : str, default ""
    A name for pictures of the graph.

Raises
------
TypeError
    If data is not a real number, _children not an iterable of Values, or label not a
    str.

Examples
--------
>>> from cydiff import Value
>>> x, y = Value(2.0), Value(3.0)
>>> z = x * y + x**2
>>> z.backward()
>>> x.grad, y.grad
(7.0, 2.0)
"""

BACKWARD = """Backpropagate from this node.

Interior nodes reached (those with children) restart from 0.0, this node is seeded with
1.0, and gradients are accumulated (`+=`) from the newest node to the oldest; leaves keep
accumulating across calls.

Examples
--------
>>> from cydiff import Value
>>> x = Value(3.0)
>>> (x * x).backward()
>>> x.grad
6.0
"""

ZERO_GRAD = """Set the gradient of every node of this graph to 0.0.

Examples
--------
>>> from cydiff import Value
>>> x = Value(3.0)
>>> y = x * x
>>> y.backward()
>>> y.zero_grad()
>>> x.grad
0.0
"""

DETACH = """A new leaf with the same data: gradients do not flow through it.

Returns
-------
Value
    A leaf of this node's twin.

Examples
--------
>>> from cydiff import Value
>>> x = Value(3.0)
>>> y = x * x.detach()                  # d/dx treats the second factor as a constant
>>> y.backward()
>>> x.grad
3.0
"""
