"""The compiled implementation (Cython): `from cydiff.compiled import Value, Dual`.

The same classes and functions as `cydiff.pure`, bit for bit, much faster.
Importing this module fails with ImportError when the extension modules were
not built (a pure install, `CYDIFF_NO_EXTENSIONS=1` at build time).
"""

from ._dual_c import Dual
from ._functions_c import abs as abs  # re-exported, kept out of __all__
from ._functions_c import sum as sum
from ._functions_c import (
    acos, asin, atan, cos, cosh, dot, exp, expm1, log, log1p, relu, sigmoid, sin, sinh,
    softplus, sqrt, tan, tanh,
)
from ._value_c import Value, node_pool_limit
from ._functional import bind

derivative, grad, value_and_grad, jacobian, jvp, vjp = bind(Value, Dual, dot)

IMPLEMENTATION = "compiled"

__all__ = [
    "Dual", "Value", "acos", "asin", "atan", "cos", "cosh", "derivative", "dot", "exp", "expm1",
    "grad", "jacobian", "jvp", "log", "log1p", "node_pool_limit", "relu", "sigmoid", "sin", "sinh",
    "softplus", "sqrt", "tan", "tanh", "value_and_grad", "vjp",
]  # abs and sum too, but `import *` should not shadow the builtins
