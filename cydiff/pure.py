"""The pure-Python reference implementation: `from cydiff.pure import Value, Dual`.

It is the oracle of the test suite and the code to read: the op table is in
`cydiff/_ops_py.py`, the classes in `_dual_py.py` and `_value_py.py`.
"""

from ._dual_py import Dual
from ._functions_py import abs as abs  # re-exported, kept out of __all__
from ._functions_py import sum as sum
from ._functions_py import (
    acos, asin, atan, cos, cosh, dot, exp, expm1, log, log1p, relu, sigmoid, sin, sinh,
    softplus, sqrt, tan, tanh,
)
from ._value_py import Value, node_pool_limit
from ._functional import bind

derivative, grad, value_and_grad, jacobian, jvp, vjp = bind(Value, Dual, dot)

IMPLEMENTATION = "pure"

__all__ = [
    "Dual", "Value", "acos", "asin", "atan", "cos", "cosh", "derivative", "dot", "exp", "expm1",
    "grad", "jacobian", "jvp", "log", "log1p", "node_pool_limit", "relu", "sigmoid", "sin", "sinh",
    "softplus", "sqrt", "tan", "tanh", "value_and_grad", "vjp",
]  # abs and sum too, but `import *` should not shadow the builtins
