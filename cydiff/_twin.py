"""Which twin: one record names a twin, and every layer asks for a twin through it.

A `Twin` is "pure" or "compiled" with the parts of that twin the shared layers need:
its Value, Dual and MultiDual classes, its fused `dot`, its graph records and node
constructor (pickles and tapes), and its module (`cydiff.pure` or `cydiff.compiled`,
imported when first asked for). There is one record per twin: `lookup(name)` makes
it (importing the twin's classes then, not before) and hands out the same object
ever after, so `is` compares twins. A record pickles by its name.

- `lookup(name)`: the twin by name; "compiled" raises ImportError where it was not built.
- `default()`: the twin `import cydiff` chose (`cydiff.BACKEND`, the facade's choice).
- `loadable(name)`: the twin a pickle made by `name` loads into: the compiled one, or
  the pure one where it is missing or CYDIFF_NO_EXTENSIONS is set.
- `resolve(twin, where)`: what a user passed as `twin=` (None, a name, a record, or
  the module `cydiff.pure`, `cydiff.compiled` or `cydiff`) as a record.
- `name_of(x)`, `of(x)`: the twin of a cydiff number, by its class.

The shared functions (`cydiff._transforms`: functional, check, arrays) take a keyword-only
`twin=`; `TwinFunction` binds it for the twin modules: `cydiff.pure.grad` is
`TwinFunction(functional.grad, lookup("pure"))`, which reads as the function it wraps
(name, docstring, signature without `twin`, `help()` and Sphinx's autodoc treat it as
a routine) and pickles by name, as `cydiff.pure.grad`.

This module imports nothing of cydiff at import time: `_common`, which the compiled
twin's modules import first of all, reads `name_of` from here.
"""

from __future__ import annotations

import importlib
import inspect
import os
import types
from typing import Any, Callable, Optional

# the modules that hold each twin's parts: Value (and graph_records, and _node: the
# class file's constructor from fields, which pickles use), Dual, MultiDual, and the
# functions (dot)
_MODULES = {
    "pure": ("cydiff.pure._value_py", "cydiff.pure._dual_py", "cydiff.pure._multidual_py",
             "cydiff.pure._functions_py"),
    "compiled": ("cydiff._value_c", "cydiff._dual_c", "cydiff._multidual_c",
                 "cydiff._functions_c"),
}
NAMES = tuple(_MODULES)  # ("pure", "compiled")


class Twin:
    """One twin of cydiff, by name, with the parts the shared layers use (see the module).

    Made by `lookup` only, one per twin; immutable; pickles as its name."""

    __slots__ = ("name", "Value", "Dual", "MultiDual", "dot", "graph_records", "node",
                 "numbers", "functions")
    name: str                             # "pure" or "compiled"
    Value: Any                            # the classes: reverse mode, forward, forward in chunks
    Dual: Any
    MultiDual: Any
    dot: Callable[[Any, Any], Any]        # the fused n-ary dot of the twin's numbers
    graph_records: Callable[[Any], list[Any]]  # a graph as flat records (`_pickle`'s format)
    node: Callable[..., Any]              # a Value from its fields (unpickling)
    numbers: frozenset[type]              # {Value, Dual, MultiDual}
    functions: types.ModuleType           # its functions (cydiff.exp & co, where's halves)

    def __init__(self, name: str, value: types.ModuleType, dual: types.ModuleType,
                 multidual: types.ModuleType, functions: types.ModuleType) -> None:
        for field, part in (("name", name), ("Value", value.Value), ("Dual", dual.Dual),
                            ("MultiDual", multidual.MultiDual), ("dot", functions.dot),
                            ("graph_records", value.graph_records), ("node", value._node)):
            object.__setattr__(self, field, part)
        object.__setattr__(self, "numbers", frozenset((self.Value, self.Dual, self.MultiDual)))
        object.__setattr__(self, "functions", functions)

    @property
    def module(self) -> types.ModuleType:
        """The twin's public module, `cydiff.pure` or `cydiff.compiled`."""
        return importlib.import_module(f"cydiff.{self.name}")

    def __repr__(self) -> str:
        return f"<cydiff twin {self.name!r}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (loadable, (self.name,))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a cydiff twin is immutable: '{name}' cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a cydiff twin is immutable: '{name}' cannot be deleted")


_TWINS: dict[str, Twin] = {}


def lookup(name: str) -> Twin:
    """The twin named "pure" or "compiled", its modules imported now if not yet.
    ImportError for "compiled" where the extension modules were not built."""
    twin = _TWINS.get(name)
    if twin is None:
        if name not in _MODULES:
            raise ValueError(f"unknown twin {name!r}; valid: 'pure', 'compiled'")
        made = Twin(name, *(importlib.import_module(module) for module in _MODULES[name]))
        twin = _TWINS.setdefault(name, made)  # one record per twin, whichever thread made it
    return twin


_chosen = "pure"  # the facade's choice, which it sets by `choose` as it imports


def choose(name: str) -> None:
    """Called once, by the facade: the twin `import cydiff` gives (`cydiff.BACKEND`).
    The facade tells this layer rather than be imported by it, so no import runs up."""
    global _chosen
    _chosen = name


def default() -> Twin:
    """The twin `import cydiff` gives. The facade chooses it at import (SPEC: the
    environment, then the compiled twin, then the pure one with a warning), names it
    in `cydiff.BACKEND` and passes it to `choose`; this is its record."""
    return lookup(_chosen)


def loadable(name: str) -> Twin:
    """The twin a pickle made by `name` loads into: that one, or the pure one where the
    compiled one is missing or CYDIFF_NO_EXTENSIONS is set (the twins share op codes
    and formulas, so a pickle means the same in either)."""
    if name == "compiled" and not os.environ.get("CYDIFF_NO_EXTENSIONS"):
        try:
            return lookup("compiled")
        except ImportError:
            pass
    return lookup("pure")


def name_of(x: object) -> Optional[str]:
    """'pure' or 'compiled' for a Value, Dual or MultiDual of a twin, else None."""
    module = type(x).__module__
    if module.startswith("cydiff."):
        if module.endswith("_py"):
            return "pure"
        if module.endswith("_c"):
            return "compiled"
    return None


def of(x: object) -> Optional[Twin]:
    """The twin of a Value, Dual or MultiDual, else None."""
    name = name_of(x)
    return None if name is None else lookup(name)


def described(x: object) -> str:
    """What was given, for a message: its type, and for a cydiff number its twin."""
    name = f"'{type(x).__name__}'"
    twin = name_of(x)
    return f"a {twin} {name}" if twin is not None else name


def resolve(twin: object, where: str) -> Twin:
    """The twin a `twin=` argument names: None for the default one, "pure" or
    "compiled", a record, or the module `cydiff.pure`, `cydiff.compiled` or `cydiff`."""
    if twin is None:
        return default()
    if isinstance(twin, Twin):
        return twin
    if isinstance(twin, str):
        if twin not in _MODULES:
            raise ValueError(f"{where}: unknown twin {twin!r}; valid: 'pure', 'compiled'")
        return lookup(twin)
    if isinstance(twin, types.ModuleType):
        if twin.__name__ in ("cydiff.pure", "cydiff.compiled"):
            return lookup(twin.__name__[len("cydiff."):])
        if twin.__name__ == "cydiff":
            return default()
    raise TypeError(f"{where}: twin must be 'pure', 'compiled', cydiff.pure or cydiff.compiled, "
                    f"not {described(twin)}")


# --- the twin modules' functions -------------------------------------------------------

class TwinFunction:
    """A shared function with its keyword `twin=` bound: what `cydiff.pure.grad` and
    `cydiff.compiled.grad` are. It reads as the function it wraps: its name, module (the
    twin's), docstring and signature (without `twin`); `__wrapped__` is the function.
    It binds as a method when it is a class attribute, as a function does, so `help()`
    and autodoc document it as a routine. It pickles by name: `cydiff.pure.grad` loads
    as `cydiff.pure.grad` (see `loadable` for a compiled one where that twin is missing)."""

    __wrapped__: Callable[..., Any]
    twin: Twin
    __signature__: inspect.Signature

    def __init__(self, function: Callable[..., Any], twin: Twin) -> None:
        self.__wrapped__ = function
        self.twin = twin
        self.__name__ = self.__qualname__ = function.__name__
        self.__module__ = f"cydiff.{twin.name}"
        self.__doc__ = function.__doc__
        signature = inspect.signature(function)
        self.__signature__ = signature.replace(parameters=[
            p for p in signature.parameters.values() if p.name != "twin"])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__wrapped__(*args, twin=self.twin, **kwargs)

    def __get__(self, obj: object, cls: Optional[type] = None) -> Any:
        return self if obj is None else types.MethodType(self, obj)

    def __reduce__(self) -> tuple[Any, ...]:
        return (bound, (self.twin.name, self.__name__))

    def __repr__(self) -> str:
        return f"<function {self.__module__}.{self.__name__}>"


def bound(name: str, function: str) -> Any:
    """`cydiff.<twin>.<function>`, the twin as `loadable` says (an unpickled TwinFunction)."""
    return getattr(loadable(name).module, function)


def bind(twin: Twin, *functions: Callable[..., Any]) -> list[TwinFunction]:
    """The functions with `twin=` bound to twin, for its module to export."""
    return [TwinFunction(function, twin) for function in functions]


__all__ = ["NAMES", "Twin", "TwinFunction", "bind", "bound", "default", "described", "loadable",
           "lookup", "name_of", "of", "resolve"]
