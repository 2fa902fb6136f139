"""The compiled implementation (Cython): `from cydiff.compiled import Value, Dual`.

The same classes and functions as `cydiff.pure`, bit for bit, much faster.
Importing this module fails with ImportError when the extension modules were
not built (a pure install, `CYDIFF_NO_EXTENSIONS=1` at build time).
"""

from . import _spec

# Type checkers read compiled.pyi (src/stubs.py writes it), not this module.
import cydiff._functions_c as _functions  # ImportError: "No module named ..." where unbuilt
from ._dual_c import Dual as Dual
from ._multidual_c import MultiDual as MultiDual
from ._functions_c import dot as dot
from ._functions_c import sum as sum
from ._value_c import Value as Value, node_pool_limit as node_pool_limit
from ._value_c import graph_records as _graph_records  # noqa: F401  (tests read it)
from ._transforms import exports
from . import _twin
from ._transforms.check import GradientCheck as GradientCheck
from ._transforms.tape import Tape as Tape

# The functional API, written once (`cydiff._transforms`) with a keyword `twin=`, here
# bound to this twin: f gets this twin's numbers.
_TWIN = _twin.lookup("compiled")
(derivative, grad, value_and_grad, jacobian, jacfwd, jacrev, hessian, jvp, vjp, hvp, trace,
 gradient_check, values, grads, data) = exports.bound(_TWIN)

IMPLEMENTATION = _TWIN.name  # "compiled": the twin's name (`cydiff._twin` has its record)

# exp, log, ...: the elementary functions of the op spec
globals().update({name: getattr(_functions, name) for name in _spec.EXPORTED})

__all__ = exports.NAMES
