"""Losses, functions of predictions and targets returning one Value (a float when no
Value is given), as `torch.nn.functional` has them, under its names: `mse`, `hinge`
(micrograd's max-margin), `binary_cross_entropy` (from probabilities),
`binary_cross_entropy_with_logits` and `softmax_cross_entropy` (both from logits), `l2`
(Σ p², the weight-decay term); and `softmax` for predictions.

A loss takes real numbers and Values of one twin, and computes on that twin.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterable, cast

import numpy as np

from .. import _common
from . import _args
from .modules import Module, parameter_list

if TYPE_CHECKING:
    from .. import Value  # the public type, whichever twin the Values are

REDUCTIONS = ("mean", "sum")


def _items(x: object, where: str, what: str) -> list[Any]:
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


def _labels(x: object, where: str, what: str, valid: Callable[[float], bool],
            expected: str) -> list[float]:
    labels = _items(x, where, what)
    for i, label in enumerate(labels):
        if not isinstance(label, float):
            raise TypeError(f"{where}: {what}[{i}] must be a real number, not {_args.what(label)}")
        if not valid(label):
            raise ValueError(f"{where}: {what}[{i}] is {label!r}; labels must be {expected}")
    return cast("list[float]", labels)


def _same_length(where: str, a: list[Any], b: list[Any], what: str, other: str) -> None:
    if len(a) != len(b):
        raise ValueError(f"{where}: {len(a)} {what} but {len(b)} {other}")


def _twin_for(where: str, *groups: list[Any]) -> ModuleType:
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


def _reduce(twin: ModuleType, terms: list[Any], reduction: str) -> Any:
    """Σ terms (one node), over len(terms) for the mean."""
    total = twin.sum(terms)
    return total / len(terms) if reduction == "mean" else total


def _reduction(reduction: object, where: str) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be 'mean' or 'sum', not {reduction!r}")
    return reduction


def mse(preds: Any, targets: Any, *, reduction: str = "mean") -> Value:
    """Mean squared error: (1/n) Σ (preds[i] - targets[i])².

    preds and targets: sequences of one length (or single ones), of real numbers
    and Values. reduction="sum" drops the 1/n.
    """
    where = "mse()"
    reduction = _reduction(reduction, where)
    ps, ts = _items(preds, where, "preds"), _items(targets, where, "targets")
    _same_length(where, ps, ts, "preds", "targets")
    twin = _twin_for(where, ps, ts)
    return cast("Value", _reduce(twin, [(p - t) ** 2 for p, t in zip(ps, ts)], reduction))


def hinge(scores: Any, labels: Any, *, reduction: str = "mean") -> Value:
    """micrograd's max-margin (SVM) loss: (1/n) Σ relu(1 - labels[i]·scores[i]), labels ±1.

    Computed as relu(1 - s) for label 1 and relu(1 + s) for label -1: the same bits.
    """
    where = "hinge()"
    reduction = _reduction(reduction, where)
    ss = _items(scores, where, "scores")
    ys = _labels(labels, where, "labels", lambda y: y in (-1.0, 1.0), "-1 or 1")
    _same_length(where, ss, ys, "scores", "labels")
    twin = _twin_for(where, ss)
    relu = twin.relu
    terms = [relu(1.0 - s) if y > 0 else relu(1.0 + s) for s, y in zip(ss, ys)]
    return cast("Value", _reduce(twin, terms, reduction))


def binary_cross_entropy(probs: Any, labels: Any, *, reduction: str = "mean") -> Value:
    """Binary cross-entropy of probabilities p in [0, 1] against labels y in [0, 1]:

        (1/n) Σ -[y log p + (1 - y) log(1 - p)]

    as PyTorch's `binary_cross_entropy` (probabilities, after the sigmoid). Labels 0 and
    1 take one log only. A probability outside [0, 1] (or nan) is a ValueError, as
    PyTorch refuses it. A log of 0 — p = 0 with y > 0, or p = 1 with y < 1 — is an
    infinite loss: math.log's ValueError (PyTorch clamps it to 100). From logits,
    `binary_cross_entropy_with_logits` is exact and never meets a log of 0.

    >>> import math
    >>> from cydiff import nn
    >>> nn.binary_cross_entropy([0.9, 0.2], [1, 0]) == -(math.log(0.9) + math.log(0.8)) / 2
    True
    """
    where = "binary_cross_entropy()"
    reduction = _reduction(reduction, where)
    ps = _items(probs, where, "probs")
    for i, p in enumerate(ps):
        data = p if isinstance(p, float) else p.data
        if not 0.0 <= data <= 1.0:
            raise ValueError(f"{where}: probs[{i}] is {data!r}; probabilities must be in "
                             f"[0, 1] (for logits: binary_cross_entropy_with_logits)")
    ys = _labels(labels, where, "labels", lambda y: 0.0 <= y <= 1.0, "in [0, 1]")
    _same_length(where, ps, ys, "probs", "labels")
    twin = _twin_for(where, ps)
    log = twin.log
    terms = [-log(p) if y == 1.0 else -log(1.0 - p) if y == 0.0
             else -(y * log(p) + (1.0 - y) * log(1.0 - p)) for p, y in zip(ps, ys)]
    return cast("Value", _reduce(twin, terms, reduction))


def binary_cross_entropy_with_logits(logits: Any, labels: Any, *,
                                     reduction: str = "mean") -> Value:
    """Binary cross-entropy from logits z (before the sigmoid), labels y in [0, 1]:

        (1/n) Σ -[y log σ(z) + (1 - y) log(1 - σ(z))] = (1/n) Σ softplus(z) - y·z

    as PyTorch's `binary_cross_entropy_with_logits`. softplus never overflows, and
    labels 0 and 1 take softplus(z) and softplus(-z) exactly (no cancellation).

    >>> from cydiff import nn
    >>> nn.binary_cross_entropy_with_logits([1000.0, -1000.0], [1, 0])  # confidently right
    0.0
    """
    where = "binary_cross_entropy_with_logits()"
    reduction = _reduction(reduction, where)
    zs = _items(logits, where, "logits")
    ys = _labels(labels, where, "labels", lambda y: 0.0 <= y <= 1.0, "in [0, 1]")
    _same_length(where, zs, ys, "logits", "labels")
    twin = _twin_for(where, zs)
    softplus = twin.softplus
    terms = [softplus(z) if y == 0.0 else softplus(-z) if y == 1.0 else softplus(z) - y * z
             for z, y in zip(zs, ys)]
    return cast("Value", _reduce(twin, terms, reduction))


def _index(k: object, n: int, where: str, what: str) -> int:
    i = _args.integer(k, f"{where}: {what}")
    if not 0 <= i < n:
        raise ValueError(f"{where}: {what} is {i}, out of range for {n} classes")
    return i


def _is_batch(logits: object) -> bool:
    """A sequence of rows of logits (rather than one row)."""
    if isinstance(logits, np.ndarray):
        return logits.ndim == 2
    if isinstance(logits, (list, tuple)) and logits:
        return isinstance(logits[0], (list, tuple, np.ndarray))
    return False


def _log_softmax_at(twin: ModuleType, zs: list[Any], k: int) -> Any:
    """-log softmax(zs)[k] = log Σ exp(z_j - m) - (z_k - m), m = max z (a constant)."""
    m = max(z if isinstance(z, float) else z.data for z in zs)
    exp = twin.exp
    return twin.log(twin.sum([exp(z - m) for z in zs])) - (zs[k] - m)


def softmax_cross_entropy(logits: Any, label_index: Any, *, reduction: str = "mean") -> Value:
    """Cross-entropy of softmax(logits) against the class `label_index`:

        -log softmax(z)[k] = log Σ_j exp(z_j) - z_k

    as log-sum-exp shifted by the max (never overflows). One sample: logits a
    sequence of K values, label_index an int in [0, K). A batch: logits a sequence
    of rows, label_index a sequence of ints; the mean over rows (or the sum).
    """
    where = "softmax_cross_entropy()"
    reduction = _reduction(reduction, where)
    if not _is_batch(logits):
        zs = _items(logits, where, "logits")
        k = _index(label_index, len(zs), where, "label_index")
        return cast("Value", _log_softmax_at(_twin_for(where, zs), zs, k))
    rows = [_items(row, where, f"logits[{i}]") for i, row in enumerate(logits)]
    if isinstance(label_index, np.ndarray):
        label_index = label_index.tolist()
    if isinstance(label_index, (str, bytes)) or not isinstance(label_index, (list, tuple)):
        raise TypeError(f"{where}: for a batch of logits, label_index must be a sequence of "
                        f"ints, not {_args.what(label_index)}")
    if len(rows) != len(label_index):
        raise ValueError(f"{where}: {len(rows)} rows of logits but {len(label_index)} labels")
    ks = [_index(k, len(row), where, f"label_index[{i}]")
          for i, (row, k) in enumerate(zip(rows, label_index))]
    twin = _twin_for(where, *rows)
    terms = [_log_softmax_at(twin, row, k) for row, k in zip(rows, ks)]
    return cast("Value", _reduce(twin, terms, reduction))


def softmax(logits: Any) -> list[Value]:
    """exp(z_i) / Σ_j exp(z_j), each shifted by the max (never overflows): probabilities."""
    where = "softmax()"
    zs = _items(logits, where, "logits")
    twin = _twin_for(where, zs)
    m = max(z if isinstance(z, float) else z.data for z in zs)
    exps = [twin.exp(z - m) for z in zs]
    total = twin.sum(exps)
    return [e / total for e in exps]


def l2(parameters: Module | Iterable[Value]) -> Value:
    """Σ p·p over the parameters (a Module's, or any Values): the weight-decay term,
    as micrograd's demo writes it, `alpha * sum((p*p for p in model.parameters()))`."""
    where = "l2()"
    params = parameter_list(parameters, where, for_l2=True)
    twin = _twin_for(where, params)
    return cast("Value", twin.sum([p * p for p in params]))

