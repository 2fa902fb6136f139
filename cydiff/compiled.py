"""The compiled implementation (Cython): `from cydiff.compiled import Value, Dual`.

The same classes and functions as `cydiff.pure`, bit for bit, much faster.
Importing this module fails with ImportError when the extension modules were
not built (a pure install, `CYDIFF_NO_EXTENSIONS=1` at build time).
"""

import typing as _typing

from . import _spec

if _typing.TYPE_CHECKING:  # type checkers read the pure twin's annotations: the API is the same
    from . import _functions_py as _functions
    from ._dual_py import Dual
    from ._multidual_py import MultiDual
    from ._functions_py import dot
    from ._functions_py import sum as sum
    from ._value_py import Value, node_pool_limit
    from ._value_py import graph_records as _graph_records
else:
    from . import _functions_c as _functions
    from ._dual_c import Dual
    from ._multidual_c import MultiDual
    from ._functions_c import dot
    from ._functions_c import sum as sum
    from ._value_c import Value, node_pool_limit
    from ._value_c import graph_records as _graph_records
from ._arrays import bind_arrays
from ._check import GradientCheck as GradientCheck
from ._check import bind_check
from ._functional import bind
from ._tape import Tape as Tape

derivative, grad, value_and_grad, jacobian, hessian, jvp, vjp, hvp, trace = bind(
    Value, Dual, MultiDual, dot, _graph_records)
gradient_check = bind_check(Value, grad, jacobian)
values, grads, data = bind_arrays(Value, Dual)

IMPLEMENTATION = "compiled"

# exp, log, ...: the elementary functions of the op spec
globals().update({name: getattr(_functions, name) for name in _spec.FUNCTIONS})
if _typing.TYPE_CHECKING:
    def __getattr__(name: str) -> _functions.Elementary: ...

__all__ = [
    "Dual", "GradientCheck", "MultiDual", "Tape", "Value", "data", "derivative", "dot", "grad",
    "gradient_check", "grads", "hessian", "hvp", "jacobian", "jvp", "node_pool_limit", "trace",
    "value_and_grad", "values", "vjp", *(name for name in _spec.FUNCTIONS if name != "abs"),
]  # abs and sum too, but `import *` should not shadow the builtins
