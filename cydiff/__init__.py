"""cydiff: exact derivatives of scalar Python code, at C speed.

`Dual` is forward mode (dual numbers), `Value` reverse mode (graph nodes and
backpropagation). Both come twice: `cydiff.pure` is the readable reference,
`cydiff.compiled` its Cython twin, bit for bit the same. This package gives the
compiled one; `cydiff.BACKEND` says which is in use. Set CYDIFF_NO_EXTENSIONS=1
to select the pure one (for debugging).

This facade chooses the default twin; inside the package a twin is named by its record
(`cydiff._twin`), and `BACKEND` is that choice's name ("compiled" or "pure").
"""

from __future__ import annotations

import os
import warnings

from . import _spec, _twin

__version__ = "0.1.0"

BACKEND: str

# Type checkers read __init__.pyi (src/stubs.py writes it), not this module.
if os.environ.get("CYDIFF_NO_EXTENSIONS"):
    from . import pure as _chosen
    from .pure import (
        Dual, GradientCheck, MultiDual, Tape, Value, data, derivative, dot, grad, gradient_check,
        grads, hessian, hvp, jacfwd, jacobian, jacrev, jvp, node_pool_limit, sum, trace,
        value_and_grad, values, vjp,
    )
    BACKEND = "pure"
else:
    try:
        from . import compiled as _chosen
        from .compiled import (
            Dual, GradientCheck, MultiDual, Tape, Value, data, derivative, dot, grad,
            gradient_check, grads, hessian, hvp, jacfwd, jacobian, jacrev, jvp, node_pool_limit,
            sum, trace, value_and_grad, values, vjp,
        )
        BACKEND = "compiled"
    except ImportError as exc:
        warnings.warn(f"cydiff: the compiled extension is not available ({exc}); "
                      "using the pure-Python implementation, which is much slower",
                      RuntimeWarning, stacklevel=2)
        from . import pure as _chosen
        from .pure import (
            Dual, GradientCheck, MultiDual, Tape, Value, data, derivative, dot, grad,
            gradient_check, grads, hessian, hvp, jacfwd, jacobian, jacrev, jvp, node_pool_limit,
            sum, trace, value_and_grad, values, vjp,
        )
        BACKEND = "pure"

_twin.choose(BACKEND)

# exp, log, ...: the elementary functions of the op spec, as the twin has them
globals().update({name: getattr(_chosen, name) for name in _spec.EXPORTED})

from . import numerical  # noqa: E402  finite differences: cydiff.numerical.gradient(f, x)
from . import nn  # noqa: E402  neural networks of Values, micrograd's nn: cydiff.nn.MLP
from . import viz  # noqa: E402  pictures of graphs: cydiff.viz.trace(root), to_dot, draw
from . import parallel  # noqa: E402  tapes over executors: cydiff.parallel.map_value_and_grad

__all__ = [
    "BACKEND", "Dual", "GradientCheck", "MultiDual", "Tape", "Value", "data", "derivative", "dot",
    "grad", "gradient_check", "grads", "hessian", "hvp", "jacfwd", "jacobian", "jacrev", "jvp",
    "node_pool_limit", "trace", "value_and_grad", "values", "vjp",
    *(name for name in _spec.EXPORTED if name != "abs"),
]  # abs and sum too, but `import *` should not shadow the builtins
