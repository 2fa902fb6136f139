"""The functional API, written once for both twins: derivative, grad, value_and_grad,
jacobian, jacfwd, jacrev, hessian (transforms, here) and jvp, vjp, hvp, trace
(evaluations, in `evaluations`).

**The rule, as JAX has it.** A *transform* takes f (and options) and returns a
function of the point: `grad(f)(x)`, `value_and_grad(f)(x)`, `jacobian(f)(x)`,
`jacfwd(f)(x)`, `jacrev(f)(x)`, `hessian(f)(x)`, `derivative(f)(x)`. What it
returns is `functools.wraps`-ed f (f's `__name__`, `__doc__`, `__wrapped__`), pickles
when f does, and can be transformed again. An *evaluation* takes the point (and a
direction) with f and computes at once: `jvp(f, x, v)`, `vjp(f, x, u)`,
`hvp(f, x, v)`, `trace(f, x0)`, and `gradient_check(f, x)`. Given a point, a
function evaluates; given f alone, it returns a function. So `derivative(f, x)`, the
spelling of earlier versions, still evaluates: it is `derivative(f)(x)`.

`has_aux=True` (grad, value_and_grad, jacobian, jacfwd, jacrev) says f returns a
pair `(output, aux)`: aux passes through untouched and comes back beside the result,
in JAX's shapes: grad gives `(g, aux)`, value_and_grad `((value, aux), g)`, a
Jacobian `(J, aux)`. Where f is called more than once (a forward Jacobian of more
than 8 inputs, auto mode, nested calls), aux is that of its first call.

**Twins.** Each function takes a keyword-only `twin=`: None for the twin `import
cydiff` gives, "pure" or "compiled", a `_twin.Twin`, or the module `cydiff.pure` or
`cydiff.compiled`; f receives that twin's numbers, and the two give the same bits.
The twin modules export these functions with `twin` bound (`_twin.TwinFunction`):
`cydiff.pure.grad` hands f pure Values, `cydiff.compiled.grad` compiled ones,
`cydiff.grad` is the default twin's. A bound function rather than a copy per twin
(the functions are written once, here), rather than `functools.partial` (which has
no name, docstring or routine-ness for `help()` and autodoc), and rather than a
global the twin modules set (importing one twin would change the other's API). Such
a function reads as the function here (name, docstring, signature without `twin`)
and pickles by name; what a transform returns holds the twin's record, which pickles
by its name too.

Inputs `x` are a number or a 1-D list, tuple or numpy array of numbers; f gets the
same kind of container (a numpy array as an object array) with Values or Duals in
place of the numbers (see `inputs`). Results are floats, or numpy float64 arrays
shaped as JAX shapes them: output shape + input shape. The passes are in `passes`.
"""

from __future__ import annotations

from typing import Any

from .. import _twin
from .passes import Func
from .transformed import NO_POINT, Derivative, Grad, Hessian, Jacobian, ValueAndGrad, derivative_at

__all__ = ["derivative", "grad", "hessian", "jacfwd", "jacobian", "jacrev", "value_and_grad"]


# --- transforms: f in, a function of the point out -------------------------------------

def derivative(f: Func, x: Any = NO_POINT, *, twin: Any = None) -> Any:
    """f'(x) for a number x, in forward mode (one pass with a Dual).

    Parameters
    ----------
    f : callable
        A function of one number. It gets a Dual and may return a Dual, a number
        (then f'(x) = 0), or a 1-D sequence of them.
    x : float, optional
        The point. Without it, the result is the function x ↦ f'(x).

    Returns
    -------
    float or numpy.ndarray or callable
        f'(x): a float, or a float64 array of each output's derivative for a vector f;
        the function x ↦ f'(x) when x is not given.

    Raises
    ------
    TypeError
        If x is not a real number, or f returns something that is not a number.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.derivative(lambda x: x ** 3 + 2 * x)(3.0)
    29.0
    >>> cydiff.derivative(lambda x: [x * x, cydiff.sin(x)], 0.0)
    array([0., 1.])
    """
    record = _twin.resolve(twin, "cydiff.derivative")
    if x is NO_POINT:
        return Derivative(f, record)
    return derivative_at(record, f, x)


def grad(f: Func, argnums: Any = 0, has_aux: bool = False, *, twin: Any = None) -> Func:
    """The gradient function of a scalar f, in reverse mode (one backward pass).

    Parameters
    ----------
    f : callable
        A scalar function: it gets Values (a Value, or the container it was given,
        holding Values) and returns a Value or a number.
    argnums : int or tuple of int, default 0
        Which positional arguments to differentiate, as in JAX; the others reach f
        unchanged.
    has_aux : bool, default False
        f returns ``(output, aux)``; aux passes through untouched.

    Returns
    -------
    callable
        A function of f's arguments giving the gradient: a float for a number, a
        float64 array of the argument's shape for a 1-D sequence or array, a tuple of
        those for a tuple `argnums`; ``(gradient, aux)`` with `has_aux`.

    Raises
    ------
    TypeError
        (from the returned function) If an argument is not a number or a 1-D
        sequence of numbers, or f does not return a scalar.

    Examples
    --------
    >>> import cydiff
    >>> f = lambda v: v[0] * v[1] + v[0] ** 2
    >>> cydiff.grad(f)([2.0, 3.0])
    array([7., 2.])
    >>> cydiff.grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)
    (3.0, 2.0)
    """
    return Grad(f, _twin.resolve(twin, "cydiff.grad"), argnums, has_aux)


def value_and_grad(f: Func, argnums: Any = 0, has_aux: bool = False, *,
                   twin: Any = None) -> Func:
    """Like `grad`, with f's value from the same pass.

    Parameters
    ----------
    f, argnums, has_aux
        As for `grad`.

    Returns
    -------
    callable
        A function giving ``(value, gradient)``, the value a float; with `has_aux`,
        ``((value, aux), gradient)``. ``scipy.optimize.minimize(..., jac=True)``
        takes it.

    Raises
    ------
    TypeError
        As for `grad`.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.value_and_grad(lambda v: v[0] * v[1])([2.0, 3.0])
    (6.0, array([3., 2.]))
    """
    return ValueAndGrad(f, _twin.resolve(twin, "cydiff.value_and_grad"), argnums, has_aux)


def jacobian(f: Func, mode: str = "auto", has_aux: bool = False, *, twin: Any = None) -> Func:
    """The Jacobian function of f, shaped output shape + input shape (m×n for vectors,
    as JAX shapes it).

    Parameters
    ----------
    f : callable
        A function of a number or a 1-D sequence, returning a number or a 1-D
        sequence.
    mode : {"auto", "forward", "reverse"}, default "auto"
        "forward" takes one pass per 8 inputs (f gets MultiDuals, each carrying 8
        partials), "reverse" one graph of Values and one backward pass per output,
        "auto" whichever makes fewer passes: it starts forward, and once it knows m
        goes reverse if m < ceil(n / 8). Nested in another derivative's f, it takes
        one forward pass per input.
    has_aux : bool, default False
        f returns ``(output, aux)``; the function then returns ``(jacobian, aux)``.

    Returns
    -------
    callable
        A function of the point giving a float64 array.

    Raises
    ------
    ValueError
        If `mode` is not one of the three.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.jacobian(lambda v: [v[0] * v[1], v[0] + v[1] ** 2])([2.0, 3.0])
    array([[3., 2.],
           [1., 6.]])
    """
    return Jacobian(f, _twin.resolve(twin, "cydiff.jacobian"), mode, has_aux)


def jacfwd(f: Func, has_aux: bool = False, *, twin: Any = None) -> Func:
    """`jacobian(f, mode="forward", has_aux=has_aux)`: one forward pass per 8 inputs
    (f gets MultiDuals), as JAX's jacfwd.

    Parameters
    ----------
    f, has_aux
        As for `jacobian`.

    Returns
    -------
    callable
        A function of the point giving the Jacobian, a float64 array.

    Raises
    ------
    TypeError
        (from the returned function) As `jacobian`'s: a point that is not numbers, or
        an f that does not return numbers.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.jacfwd(lambda v: [v[0] * v[1]])([2.0, 3.0])
    array([[3., 2.]])
    """
    return Jacobian(f, _twin.resolve(twin, "cydiff.jacfwd"), "forward", has_aux,
                    "cydiff.jacfwd")


def jacrev(f: Func, has_aux: bool = False, *, twin: Any = None) -> Func:
    """`jacobian(f, mode="reverse", has_aux=has_aux)`: one graph of Values and one
    backward pass per output, as JAX's jacrev.

    Parameters
    ----------
    f, has_aux
        As for `jacobian`.

    Returns
    -------
    callable
        A function of the point giving the Jacobian, a float64 array.

    Raises
    ------
    TypeError
        (from the returned function) As `jacobian`'s: a point that is not numbers, or
        an f that does not return numbers.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.jacrev(lambda v: [v[0] * v[1]])([2.0, 3.0])
    array([[3., 2.]])
    """
    return Jacobian(f, _twin.resolve(twin, "cydiff.jacrev"), "reverse", has_aux,
                    "cydiff.jacrev")


def hessian(f: Func, *, twin: Any = None) -> Func:
    """The Hessian function of a scalar f: exact second derivatives.

    f's graph is built once and swept forward over reverse (see `hvp`), 64 columns
    H e_i at a time, each column a numpy vector a node. No finite differences.

    Parameters
    ----------
    f : callable
        A scalar function of a number or a 1-D sequence.

    Returns
    -------
    callable
        A function of the point giving an n×n float64 array (a float for a number).

    Raises
    ------
    RuntimeError
        (from the returned function) If called inside another derivative's f:
        nested levels are first order.

    Examples
    --------
    >>> import cydiff
    >>> cydiff.hessian(lambda v: v[0] ** 2 * v[1])([2.0, 3.0])
    array([[6., 4.],
           [4., 0.]])
    """
    return Hessian(f, _twin.resolve(twin, "cydiff.hessian"))
