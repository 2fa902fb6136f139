"""The pure-Python reference implementation: `from cydiff.pure import Value, Dual`.

It is the oracle of the test suite and the code to read: the op table is in
`cydiff/_ops_py.py`, the classes in `_dual_py.py` and `_value_py.py`.
"""

from ._dual_py import Dual
from ._multidual_py import MultiDual
from ._functions_py import abs as abs  # re-exported, kept out of __all__
from ._functions_py import sum as sum
from ._functions_py import (
    acos, asin, atan, cos, cosh, dot, exp, expm1, log, log1p, relu, sigmoid, sin, sinh,
    softplus, sqrt, tan, tanh,
)
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

__all__ = [
    "Dual", "GradientCheck", "MultiDual", "Tape", "Value", "acos", "asin", "atan", "cos", "cosh",
    "data", "derivative", "dot", "exp", "expm1", "grad", "gradient_check", "grads", "hessian",
    "hvp", "jacobian", "jvp", "log", "log1p", "node_pool_limit", "relu", "sigmoid", "sin", "sinh",
    "softplus", "sqrt", "tan", "tanh", "trace", "value_and_grad", "values", "vjp",
]  # abs and sum too, but `import *` should not shadow the builtins
