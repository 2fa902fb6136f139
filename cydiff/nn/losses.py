"""Losses, functions of predictions and targets returning one Value (a float when no
Value is given), as `torch.nn.functional` has them, under its names: `mse`, `hinge`
(micrograd's max-margin), `binary_cross_entropy` (from probabilities),
`binary_cross_entropy_with_logits` and `softmax_cross_entropy` (both from logits), `l2`
(Σ p², the weight-decay term); and `softmax` for predictions.

A loss takes real numbers and Values of one twin, and computes on that twin.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Iterable, cast

import numpy as np

from . import _args
from ._loss_args import REDUCTIONS as REDUCTIONS
from ._loss_args import class_index, is_batch, items_of, labels_of, reduce, reduction_of
from ._loss_args import same_length, twin_for
from .base import Module, parameter_list

if TYPE_CHECKING:
    from .. import Value  # the public type, whichever twin the Values are


def mse(preds: Any, targets: Any, *, reduction: str = "mean") -> Value:
    """Mean squared error: (1/n) Σ (preds[i] - targets[i])².

    Parameters
    ----------
    preds, targets : sequence of float or Value, or float, or Value
        Of one length (or single ones), real numbers and Values of one twin.
    reduction : {"mean", "sum"}, default "mean"
        The mean over the items, or their sum.

    Returns
    -------
    Value or float
        The loss, one node (a float when no Value is given).

    Raises
    ------
    TypeError
        If an item is not a real number or a Value.
    ValueError
        If the lengths differ, or an argument is empty.

    Examples
    --------
    >>> from cydiff import Value, nn
    >>> nn.mse([Value(1.0), Value(3.0)], [0.0, 1.0])
    Value(data=2.5000, grad=0.0000)
    """
    where = "mse()"
    reduction = reduction_of(reduction, where)
    ps, ts = items_of(preds, where, "preds"), items_of(targets, where, "targets")
    same_length(where, ps, ts, "preds", "targets")
    twin = twin_for(where, ps, ts)
    return cast("Value", reduce(twin, [(p - t) ** 2 for p, t in zip(ps, ts)], reduction))


def hinge(scores: Any, labels: Any, *, reduction: str = "mean") -> Value:
    """micrograd's max-margin (SVM) loss: (1/n) Σ relu(1 - labels[i]·scores[i]).

    Computed as relu(1 - s) for label 1 and relu(1 + s) for label -1: the same bits.

    Parameters
    ----------
    scores : sequence of float or Value
        The model's outputs.
    labels : sequence of float
        -1 or 1 each.
    reduction : {"mean", "sum"}, default "mean"
        The mean over the items, or their sum.

    Returns
    -------
    Value or float
        The loss, one node (a float when no Value is given).

    Raises
    ------
    TypeError
        If an item has the wrong type.
    ValueError
        If a label is not -1 or 1, or the lengths differ.

    Examples
    --------
    >>> from cydiff import Value, nn
    >>> nn.hinge([Value(0.5), Value(-2.0)], [1, -1])
    Value(data=0.2500, grad=0.0000)
    """
    where = "hinge()"
    reduction = reduction_of(reduction, where)
    ss = items_of(scores, where, "scores")
    ys = labels_of(labels, where, "labels", lambda y: y in (-1.0, 1.0), "-1 or 1")
    same_length(where, ss, ys, "scores", "labels")
    twin = twin_for(where, ss)
    relu = twin.relu
    terms = [relu(1.0 - s) if y > 0 else relu(1.0 + s) for s, y in zip(ss, ys)]
    return cast("Value", reduce(twin, terms, reduction))


def binary_cross_entropy(probs: Any, labels: Any, *, reduction: str = "mean") -> Value:
    """Binary cross-entropy of probabilities p in [0, 1] against labels y in [0, 1].

    (1/n) Σ -[y log p + (1 - y) log(1 - p)], as PyTorch's `binary_cross_entropy`
    (probabilities, after the sigmoid). Labels 0 and 1 take one log only. From logits,
    `binary_cross_entropy_with_logits` is exact and never meets a log of 0.

    Parameters
    ----------
    probs : sequence of float or Value
        Probabilities in [0, 1].
    labels : sequence of float
        In [0, 1].
    reduction : {"mean", "sum"}, default "mean"
        The mean over the items, or their sum.

    Returns
    -------
    Value or float
        The loss, one node (a float when no Value is given).

    Raises
    ------
    ValueError
        If a probability is outside [0, 1] or nan (PyTorch refuses it too), a label
        is outside [0, 1], or the lengths differ; a log of 0 (p = 0 with y > 0, or
        p = 1 with y < 1) is math.log's ValueError (PyTorch clamps it to 100).
    TypeError
        If an item has the wrong type.

    Examples
    --------
    >>> import math
    >>> from cydiff import nn
    >>> nn.binary_cross_entropy([0.9, 0.2], [1, 0]) == -(math.log(0.9) + math.log(0.8)) / 2
    True
    """
    where = "binary_cross_entropy()"
    reduction = reduction_of(reduction, where)
    ps = items_of(probs, where, "probs")
    for i, p in enumerate(ps):
        data = p if isinstance(p, float) else p.data
        if not 0.0 <= data <= 1.0:
            raise ValueError(f"{where}: probs[{i}] is {data!r}; probabilities must be in "
                             f"[0, 1] (for logits: binary_cross_entropy_with_logits)")
    ys = labels_of(labels, where, "labels", lambda y: 0.0 <= y <= 1.0, "in [0, 1]")
    same_length(where, ps, ys, "probs", "labels")
    twin = twin_for(where, ps)
    log = twin.log
    terms = [-log(p) if y == 1.0 else -log(1.0 - p) if y == 0.0
             else -(y * log(p) + (1.0 - y) * log(1.0 - p)) for p, y in zip(ps, ys)]
    return cast("Value", reduce(twin, terms, reduction))


def binary_cross_entropy_with_logits(logits: Any, labels: Any, *,
                                     reduction: str = "mean") -> Value:
    """Binary cross-entropy from logits z (before the sigmoid), labels y in [0, 1].

    (1/n) Σ -[y log σ(z) + (1 - y) log(1 - σ(z))] = (1/n) Σ softplus(z) - y·z, as PyTorch's
    `binary_cross_entropy_with_logits`. softplus never overflows, and labels 0 and 1
    take softplus(z) and softplus(-z) exactly (no cancellation).

    Parameters
    ----------
    logits : sequence of float or Value
        The model's outputs before the sigmoid.
    labels : sequence of float
        In [0, 1].
    reduction : {"mean", "sum"}, default "mean"
        The mean over the items, or their sum.

    Returns
    -------
    Value or float
        The loss, one node (a float when no Value is given).

    Raises
    ------
    TypeError
        If an item has the wrong type.
    ValueError
        If a label is outside [0, 1], or the lengths differ.

    Examples
    --------
    >>> from cydiff import nn
    >>> nn.binary_cross_entropy_with_logits([1000.0, -1000.0], [1, 0])  # confidently right
    0.0
    """
    where = "binary_cross_entropy_with_logits()"
    reduction = reduction_of(reduction, where)
    zs = items_of(logits, where, "logits")
    ys = labels_of(labels, where, "labels", lambda y: 0.0 <= y <= 1.0, "in [0, 1]")
    same_length(where, zs, ys, "logits", "labels")
    twin = twin_for(where, zs)
    softplus = twin.softplus
    terms = [softplus(z) if y == 0.0 else softplus(-z) if y == 1.0 else softplus(z) - y * z
             for z, y in zip(zs, ys)]
    return cast("Value", reduce(twin, terms, reduction))


def _log_softmax_at(twin: ModuleType, zs: list[Any], k: int) -> Any:
    """-log softmax(zs)[k] = log Σ exp(z_j - m) - (z_k - m), m = max z (a constant)."""
    m = max(z if isinstance(z, float) else z.data for z in zs)
    exp = twin.exp
    return twin.log(twin.sum([exp(z - m) for z in zs])) - (zs[k] - m)


def softmax_cross_entropy(logits: Any, label_index: Any, *, reduction: str = "mean") -> Value:
    """Cross-entropy of softmax(logits) against the class `label_index`.

    -log softmax(z)[k] = log Σ_j exp(z_j) - z_k, as log-sum-exp shifted by the max (never
    overflows); as PyTorch's `cross_entropy`.

    Parameters
    ----------
    logits : sequence of float or Value, or a sequence of such rows
        One sample's K logits, or a batch's rows.
    label_index : int or sequence of int
        The class of the sample, in [0, K), or of each row.
    reduction : {"mean", "sum"}, default "mean"
        Over a batch's rows.

    Returns
    -------
    Value or float
        The loss, one node (a float when no Value is given).

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type, a class is out of range, or lengths differ.

    Examples
    --------
    >>> import math
    >>> from cydiff import nn
    >>> nn.softmax_cross_entropy([0.0, 0.0], 1) == math.log(2.0)
    True
    """
    where = "softmax_cross_entropy()"
    reduction = reduction_of(reduction, where)
    if not is_batch(logits):
        zs = items_of(logits, where, "logits")
        k = class_index(label_index, len(zs), where, "label_index")
        return cast("Value", _log_softmax_at(twin_for(where, zs), zs, k))
    rows = [items_of(row, where, f"logits[{i}]") for i, row in enumerate(logits)]
    if isinstance(label_index, np.ndarray):
        label_index = label_index.tolist()
    if isinstance(label_index, (str, bytes)) or not isinstance(label_index, (list, tuple)):
        raise TypeError(f"{where}: for a batch of logits, label_index must be a sequence of "
                        f"ints, not {_args.what(label_index)}")
    if len(rows) != len(label_index):
        raise ValueError(f"{where}: {len(rows)} rows of logits but {len(label_index)} labels")
    ks = [class_index(k, len(row), where, f"label_index[{i}]")
          for i, (row, k) in enumerate(zip(rows, label_index))]
    twin = twin_for(where, *rows)
    terms = [_log_softmax_at(twin, row, k) for row, k in zip(rows, ks)]
    return cast("Value", reduce(twin, terms, reduction))


def softmax(logits: Any) -> list[Value]:
    """exp(z_i) / Σ_j exp(z_j), each shifted by the max (never overflows): probabilities.

    Parameters
    ----------
    logits : sequence of float or Value
        The logits.

    Returns
    -------
    list of Value or float
        The probabilities.

    Raises
    ------
    TypeError, ValueError
        If an item has the wrong type, or logits is empty.

    Examples
    --------
    >>> from cydiff import nn
    >>> nn.softmax([0.0, 0.0])
    [0.5, 0.5]
    """
    where = "softmax()"
    zs = items_of(logits, where, "logits")
    twin = twin_for(where, zs)
    m = max(z if isinstance(z, float) else z.data for z in zs)
    exps = [twin.exp(z - m) for z in zs]
    total = twin.sum(exps)
    return [e / total for e in exps]


def l2(parameters: Module | Iterable[Value]) -> Value:
    """Σ p·p over the parameters (a Module's, or any Values): the weight-decay term, as
    micrograd's demo writes it, `alpha * sum((p*p for p in model.parameters()))`.

    Parameters
    ----------
    parameters : Module or iterable of Value
        The parameters.

    Returns
    -------
    Value or float
        One node (0.0 for no parameters).

    Raises
    ------
    TypeError
        If an item is not a Value.

    Examples
    --------
    >>> from cydiff import Value, nn
    >>> nn.l2([Value(1.0), Value(2.0)])
    Value(data=5.0000, grad=0.0000)
    """
    where = "l2()"
    params = parameter_list(parameters, where, for_l2=True)
    twin = twin_for(where, params)
    return cast("Value", twin.sum([p * p for p in params]))

