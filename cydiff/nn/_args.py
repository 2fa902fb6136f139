"""Argument checks that `cydiff.nn`'s modules share: which twin, ints and counts,
activations, random generators, a model's input, and what was given (for a message).

Every check raises the TypeError or ValueError a user sees, naming the call (`where`).
"""

from __future__ import annotations

import operator
import random
from types import ModuleType
from typing import Any, Iterable, Union, cast

import numpy as np

from .. import _common
from .. import _twin as _twins

# the activations by name: a neuron's argument, and what a model file may name
ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")

Twin = Union[ModuleType, str, None]


# --- twins -----------------------------------------------------------------------------

def twin_module(twin: object, where: str) -> ModuleType:
    """The twin module asked for: None is the one `import cydiff` gives."""
    return _twins.resolve(twin, where).module


def twin_of(x: object) -> ModuleType | None:
    """The twin module of a cydiff Value, else None."""
    twin = _twins.of(x)
    return twin.module if twin is not None and type(x) is twin.Value else None


def twin_name(twin: ModuleType) -> str:
    """A twin module's name: "pure" or "compiled"."""
    return _twins.resolve(twin, "cydiff.nn").name


def twin_module_name(x: object) -> str | None:
    """"pure" or "compiled" for a twin module, else None."""
    if isinstance(x, ModuleType) and x.__name__ in ("cydiff.pure", "cydiff.compiled"):
        return twin_name(x)
    return None


def loadable_twin(name: str) -> ModuleType:
    """The twin module a pickled model named `name` loads on (as its Values load)."""
    return _twins.loadable(name).module


what = _twins.described  # what was given, for a message: its type, its twin


# --- checking arguments ----------------------------------------------------------------

def integer(n: object, name: str) -> int:
    """n as an int (numpy's integers too, bools not), or a TypeError naming `name`."""
    if isinstance(n, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, not 'bool'")
    try:
        return operator.index(n)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an int, not {what(n)}") from None


def count(n: object, where: str) -> int:
    """n as an int >= 1."""
    value = integer(n, where)
    if value < 1:
        raise ValueError(f"{where} must be at least 1, not {value}")
    return value


def activation(activation: object, nonlin: object, where: str) -> str:
    """The activation's name, from `activation=` and micrograd's `nonlin=`."""
    if not isinstance(nonlin, (bool, np.bool_)):
        raise TypeError(f"{where}: nonlin must be a bool, not {what(nonlin)}")
    if activation is None:
        return "relu" if nonlin else "linear"
    if not isinstance(activation, str):
        raise TypeError(f"{where}: activation must be a str, one of "
                        + ", ".join(repr(a) for a in ACTIVATIONS) + f"; not {what(activation)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; valid: "
                         + ", ".join(repr(a) for a in ACTIVATIONS))
    if not nonlin and activation != "linear":
        raise ValueError(f"{where}: nonlin=False (a linear neuron) contradicts "
                         f"activation={activation!r}")
    return activation


def generator(seed: object, rng: object, where: str) -> random.Random | None:
    """The private generator asked for, or None for Python's global `random`."""
    if seed is not None and rng is not None:
        raise ValueError(f"{where}: give seed or rng, not both")
    if seed is not None:
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"{where}: seed must be an int, not {what(seed)}")
        return random.Random(int(seed))
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"{where}: rng must be a random.Random, not {what(rng)}")
    return rng


def inputs(x: object, n: int, twin: ModuleType, where: str) -> list[Any]:
    """A model's input as a list of n floats and Values of the model's twin."""
    value_type = twin.Value
    if type(x) is value_type or _common.as_number(x) is not None:
        items: list[Any] = [x]  # a lone input
    elif isinstance(x, np.ndarray):
        if x.ndim > 1:
            raise TypeError(f"{where} takes one sample at a time, a 1-D input, "
                            f"not a {x.ndim}-D array: use [model(x) for x in X]")
        items = x.tolist() if x.ndim == 1 else [x.item()]
    elif isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{where} takes a sequence of real numbers or Values, not {what(x)}")
    else:
        items = list(cast(Iterable[Any], x))
    if len(items) != n:
        raise ValueError(f"{where} takes {n} input{'s' if n != 1 else ''}, "
                         f"got {len(items)}")
    for i, item in enumerate(items):
        if type(item) is value_type:
            continue
        c = _common.as_number(item)
        if c is None:
            raise TypeError(f"{where}: input {i} must be a real number or a "
                            f"{twin_name(twin)} Value, not {what(item)}"
                            + _input_hint(item, twin))
        items[i] = c
    return items


def _input_hint(item: object, twin: ModuleType) -> str:
    other = twin_of(item)
    if other is not None:
        return (f" (the model's parameters are {twin_name(twin)} Values and the twins "
                f"do not mix: build the model with twin='{twin_name(other)}')")
    if _common.type_name(item) in ("Dual", "MultiDual"):
        return " (the parameters are Values: differentiate a model in reverse mode)"
    if isinstance(item, (list, tuple, np.ndarray)):
        return " (one sample at a time: [model(x) for x in X])"
    return ""
