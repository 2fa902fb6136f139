"""The pure-Python reference implementation: `from cydiff.pure import Value, Dual`.

It is the oracle of the test suite and the code to read: the op spec is
`cydiff/_spec.py`, its formulas in Python `cydiff/_ops_py.py`, the operators every number
shares `_number_py.py`, the classes `_dual_py.py`, `_multidual_py.py` and `_value_py.py`.
"""

import typing as _typing

from . import _functions_py
from .. import _spec
from ._dual_py import Dual as Dual
from ._multidual_py import MultiDual as MultiDual
from ._functions_py import dot as dot
from ._functions_py import sum as sum  # re-exported, kept out of __all__
from ._value_py import Value as Value, node_pool_limit as node_pool_limit
from ._value_py import graph_records as _graph_records  # noqa: F401  (tests read it)
from .._transforms import exports
from .. import _twin
from .._transforms.check import GradientCheck as GradientCheck
from .._transforms.tape import Tape as Tape

# The functional API, written once (`cydiff._transforms`) with a keyword `twin=`, here
# bound to this twin: f gets this twin's numbers.
_TWIN = _twin.lookup("pure")
(derivative, grad, value_and_grad, jacobian, jacfwd, jacrev, hessian, jvp, vjp, hvp, trace,
 gradient_check, values, grads, data) = exports.bound(_TWIN)

IMPLEMENTATION = _TWIN.name  # "pure": the twin's name (`cydiff._twin` has its record)

# exp, log, ...: the elementary functions of the op spec
globals().update({name: getattr(_functions_py, name) for name in _spec.EXPORTED})
if _typing.TYPE_CHECKING:
    from ._functions_py import (  # re-exported: binary functions, clip, where
        arctan2 as arctan2, atan2 as atan2, clip as clip, copysign as copysign, fmod as fmod,
        greater as greater, greater_equal as greater_equal, hypot as hypot, less as less,
        less_equal as less_equal, maximum as maximum, minimum as minimum, where as where,
    )

    def __getattr__(name: str) -> _functions_py.Elementary: ...

__all__ = exports.NAMES
