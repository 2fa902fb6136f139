"""The losses' arguments: batches of numbers and Values, labels, class indices, the twin
the Values are of, and the reduction; each check raises the TypeError or ValueError a user
sees, naming the loss (`where`)."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable, Iterable, cast

import numpy as np

from .. import _common
from . import _args

REDUCTIONS = ("mean", "sum")


def items_of(x: object, where: str, what: str) -> list[Any]:
    """A batch argument as a non-empty list of Values and floats."""
    if _args.twin_of(x) is not None or _common.as_number(x) is not None:
        items: list[Any] = [x]
    elif isinstance(x, np.ndarray):
        if x.ndim > 1:
            raise TypeError(f"{where}: {what} must be 1-D, not a {x.ndim}-D array")
        items = x.tolist() if x.ndim == 1 else [x.item()]
    elif isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{where}: {what} must be a sequence of real numbers or Values, "
                        f"not {_args.what(x)}")
    else:
        items = list(cast(Iterable[Any], x))
    if not items:
        raise ValueError(f"{where}: {what} is empty")
    for i, item in enumerate(items):
        if _args.twin_of(item) is None:
            c = _common.as_number(item)
            if c is None:
                raise TypeError(f"{where}: {what}[{i}] must be a real number or a Value, "
                                f"not {_args.what(item)}")
            items[i] = c
    return items


def labels_of(x: object, where: str, what: str, valid: Callable[[float], bool],
            expected: str) -> list[float]:
    labels = items_of(x, where, what)
    for i, label in enumerate(labels):
        if not isinstance(label, float):
            raise TypeError(f"{where}: {what}[{i}] must be a real number, not {_args.what(label)}")
        if not valid(label):
            raise ValueError(f"{where}: {what}[{i}] is {label!r}; labels must be {expected}")
    return cast("list[float]", labels)


def same_length(where: str, a: list[Any], b: list[Any], what: str, other: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{where}: {len(a)} {what} but {len(b)} {other}")


def twin_for(where: str, *groups: list[Any]) -> ModuleType:
    """The twin of the Values among the items (the default one if there are none)."""
    found: ModuleType | None = None
    for group in groups:
        for item in group:
            twin = _args.twin_of(item)
            if twin is not None and twin is not found:
                if found is not None:
                    raise TypeError(f"{where}: pure and compiled Values do not mix")
                found = twin
    return found if found is not None else _args.twin_module(None, where)


def reduce(twin: ModuleType, terms: list[Any], reduction: str) -> Any:
    """Σ terms (one node), over len(terms) for the mean."""
    total = twin.sum(terms)
    return total / len(terms) if reduction == "mean" else total


def reduction_of(reduction: object, where: str) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be 'mean' or 'sum', not {reduction!r}")
    return reduction


def class_index(k: object, n: int, where: str, what: str) -> int:
    i = _args.integer(k, f"{where}: {what}")
    if not 0 <= i < n:
        raise ValueError(f"{where}: {what} is {i}, out of range for {n} classes")
    return i


def is_batch(logits: object) -> bool:
    """A sequence of rows of logits (rather than one row)."""
    if isinstance(logits, np.ndarray):
        return logits.ndim == 2
    if isinstance(logits, (list, tuple)) and logits:
        return isinstance(logits[0], (list, tuple, np.ndarray))
    return False
