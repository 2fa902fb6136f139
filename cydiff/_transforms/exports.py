"""What each twin's module exports, listed once: `cydiff.pure` and `cydiff.compiled` each
bind the functional API to their twin with `bound`, and name their exports `NAMES`."""

from __future__ import annotations

from .. import _spec, _twin
from . import arrays, check, evaluations, functional

# Written once with a keyword `twin=`; a twin's module exports them with it bound, in
# this order: (derivative, grad, ..., data) = bound(twin)
FUNCTIONS = (functional.derivative, functional.grad, functional.value_and_grad,
             functional.jacobian, functional.jacfwd, functional.jacrev, functional.hessian,
             evaluations.jvp, evaluations.vjp, evaluations.hvp, evaluations.trace,
             check.gradient_check, arrays.values, arrays.grads, arrays.data)

# `__all__` of a twin's module; abs and sum are exported too, but `import *` should not
# shadow the builtins
NAMES = ["Dual", "GradientCheck", "MultiDual", "Tape", "Value", "dot", "node_pool_limit",
         *(f.__name__ for f in FUNCTIONS), *(name for name in _spec.EXPORTED if name != "abs")]


def bound(twin: _twin.Twin) -> list[_twin.TwinFunction]:
    """FUNCTIONS, each with `twin=` bound to twin (`cydiff.pure.grad` & co)."""
    return _twin.bind(twin, *FUNCTIONS)
