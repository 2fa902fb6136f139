"""The pure-Python reference implementation: `from cydiff.pure import Value, Dual`.

It is the oracle of the test suite and the code to read: the op spec is
`cydiff/_spec.py`, its formulas in Python `cydiff/_ops_py.py`, the classes in
`_dual_py.py`, `_multidual_py.py` and `_value_py.py`.
"""

import typing as _typing

from . import _functions_py, _spec
from ._dual_py import Dual
from ._multidual_py import MultiDual
from ._functions_py import dot
from ._functions_py import sum as sum  # re-exported, kept out of __all__
from ._value_py import Value, node_pool_limit
from ._value_py import graph_records as _graph_records
from ._arrays import bind_arrays
from ._check import GradientCheck as GradientCheck
from ._check import bind_check
from ._functional import bind
from ._tape import Tape as Tape

derivative, grad, value_and_grad, jacobian, hessian, jvp, vjp, hvp, trace = bind(
    Value, Dual, MultiDual, dot, _graph_records)
gradient_check = bind_check(Value, grad, jacobian)
values, grads, data = bind_arrays(Value, Dual)

IMPLEMENTATION = "pure"

# exp, log, ...: the elementary functions of the op spec
globals().update({name: getattr(_functions_py, name) for name in _spec.FUNCTIONS})
if _typing.TYPE_CHECKING:
    def __getattr__(name: str) -> _functions_py.Elementary: ...

__all__ = [
    "Dual", "GradientCheck", "MultiDual", "Tape", "Value", "data", "derivative", "dot", "grad",
    "gradient_check", "grads", "hessian", "hvp", "jacobian", "jvp", "node_pool_limit", "trace",
    "value_and_grad", "values", "vjp", *(name for name in _spec.FUNCTIONS if name != "abs"),
]  # abs and sum too, but `import *` should not shadow the builtins
