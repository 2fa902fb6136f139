"""Optimizers, as `torch.optim` has them (PyTorch's formulas, updating `p.data` in
place): `SGD` (momentum, Nesterov, weight decay) and `Adam` (bias-corrected), on the
base `Optimizer`; `opt.lr` may change between steps.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable

import numpy as np

from .. import _common
from . import _args
from .base import Module, parameter_list

if TYPE_CHECKING:
    from .. import Value  # the public type, whichever twin the Values are


def _hyper(x: object, where: str, name: str, upper: float | None = None,
           positive: bool = False) -> float:
    """A finite real number >= 0 (> 0 if positive, and < upper)."""
    c = _common.as_number(x)
    if c is None or isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be a real number, not {_args.what(x)}")
    if not (math.isfinite(c) and (c > 0.0 if positive else c >= 0.0)
            and (upper is None or c < upper)):
        bound = (f"in [0, {upper})" if upper is not None else
                 "> 0 and finite" if positive else ">= 0 and finite")
        raise ValueError(f"{where}: {name} must be {bound}, not {c!r}")
    return c


class Optimizer:
    """The base of `SGD` and `Adam`: the parameters, the learning rate, `zero_grad()`.

    A subclass writes `step`, which updates every parameter's `data` from its `grad`.

    Parameters
    ----------
    params : Module or iterable of Value
        A model (its `parameters()`) or the Values to train: at least one, none twice.
    lr : float
        The learning rate, finite and >= 0.

    Attributes
    ----------
    params : list of Value
        The parameters, in the order given.

    Raises
    ------
    TypeError
        If `params` is not a model or an iterable of Values, or `lr` is not a real
        number.
    ValueError
        If `params` is empty or holds a Value twice, or `lr` is negative or not finite.

    Examples
    --------
    >>> from cydiff import Value
    >>> from cydiff.nn import Optimizer
    >>> class SignDescent(Optimizer):
    ...     def step(self):
    ...         for p in self.params:
    ...             p.data -= self.lr * (p.grad > 0) - self.lr * (p.grad < 0)
    >>> x = Value(1.0)
    >>> opt = SignDescent([x], lr=0.25)
    >>> (x * x).backward()
    >>> opt.step()
    >>> x.data
    0.75
    """

    params: list[Value]

    def __init__(self, params: Module | Iterable[Value], lr: float) -> None:
        where = f"{type(self).__name__}()"
        self._lr = _hyper(lr, where, "lr")
        self.params = parameter_list(params, where)

    @property
    def lr(self) -> float:
        """The learning rate; set it between steps for a schedule (finite, >= 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _hyper(value, f"{type(self).__name__}.lr", "lr")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0, before the next `backward()`.

        Examples
        --------
        >>> from cydiff import Value
        >>> from cydiff.nn import SGD
        >>> x = Value(3.0)
        >>> opt = SGD([x], lr=0.1)
        >>> (x * x).backward()
        >>> opt.zero_grad()
        >>> x.grad
        0.0
        """
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter's `data` from its `grad`, in place.

        Raises
        ------
        NotImplementedError
            On the base class: a subclass writes its update.

        Examples
        --------
        >>> from cydiff import Value
        >>> from cydiff.nn import SGD
        >>> x = Value(3.0)
        >>> opt = SGD([x], lr=0.1)
        >>> (x * x).backward()              # x.grad = 6
        >>> opt.step()
        >>> x.data == 3.0 - 0.1 * 6.0
        True
        """
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's `torch.optim.SGD` (dampening 0):

        g = p.grad + weight_decay · p.data
        buf = g  (first step),  buf = momentum · buf + g  (later steps)
        g = g + momentum · buf  if nesterov,  else buf      (when momentum > 0)
        p.data = p.data - lr · g

    With no momentum and no weight decay a step is micrograd's
    `p.data -= lr * p.grad`, bit for bit.

    Parameters
    ----------
    params : Module or iterable of Value
        A model (its `parameters()`) or the Values to train: at least one, none twice.
    lr : float
        The learning rate, finite and >= 0.
    momentum : float, default 0
        The momentum factor, finite and >= 0.
    nesterov : bool, default False
        Nesterov's momentum (needs a momentum > 0).
    weight_decay : float, default 0
        The L2 penalty's factor, added to every gradient (finite, >= 0).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a number is out of its range, `params` is empty or holds a Value twice, or
        `nesterov` is asked without momentum.

    Examples
    --------
    >>> from cydiff import Value
    >>> from cydiff.nn import SGD
    >>> x = Value(3.0)
    >>> opt = SGD([x], lr=0.1, momentum=0.9, nesterov=True)
    >>> for _ in range(50):
    ...     opt.zero_grad()
    ...     (x * x).backward()
    ...     opt.step()
    >>> abs(x.data) < 1e-3
    True
    """

    def __init__(self, params: Module | Iterable[Value], lr: float, momentum: float = 0.0, *,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        where = "SGD()"
        self.momentum = _hyper(momentum, where, "momentum")
        self.weight_decay = _hyper(weight_decay, where, "weight_decay")
        if not isinstance(nesterov, (bool, np.bool_)):
            raise TypeError(f"{where}: nesterov must be a bool, not {_args.what(nesterov)}")
        if nesterov and self.momentum == 0.0:
            raise ValueError(f"{where}: nesterov=True needs a momentum > 0")
        self.nesterov = bool(nesterov)
        super().__init__(params, lr)
        self._buffers: list[float] | None = None

    def step(self) -> None:
        """One step of SGD: the update above, for every parameter.

        Examples
        --------
        >>> from cydiff import Value
        >>> from cydiff.nn import SGD
        >>> x = Value(3.0)
        >>> opt = SGD([x], lr=0.1, momentum=0.5)
        >>> (x * x).backward()              # x.grad = 6: the first step is plain SGD
        >>> opt.step()
        >>> x.data == 3.0 - 0.1 * 6.0
        True
        """
        lr, mu, wd, nesterov = self._lr, self.momentum, self.weight_decay, self.nesterov
        if mu == 0.0:
            for p in self.params:
                g = p.grad + wd * p.data if wd else p.grad
                p.data -= lr * g
            return
        first = self._buffers is None
        buffers = self._buffers if self._buffers is not None else [0.0] * len(self.params)
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            buf = g if first else mu * buffers[i] + g
            buffers[i] = buf
            p.data -= lr * (g + mu * buf if nesterov else buf)
        self._buffers = buffers


class Adam(Optimizer):
    """Adam (Kingma and Ba), PyTorch's `torch.optim.Adam`: at step t = 1, 2, ...

        g = p.grad + weight_decay · p.data
        m = β1·m + (1 - β1)·g,   v = β2·v + (1 - β2)·g²          (m, v start at 0)
        p.data = p.data - (lr / (1 - β1^t)) · m / (√v / √(1 - β2^t) + eps)

    which is lr · m̂ / (√v̂ + eps) with the bias-corrected moments m̂, v̂.

    Parameters
    ----------
    params : Module or iterable of Value
        A model (its `parameters()`) or the Values to train: at least one, none twice.
    lr : float, default 1e-3
        The learning rate, finite and >= 0.
    betas : (float, float), default (0.9, 0.999)
        The moments' decay rates, each in [0, 1).
    eps : float, default 1e-8
        Added to the denominator; must be > 0 (PyTorch allows 0, which divides 0 by 0
        where a gradient has stayed 0).
    weight_decay : float, default 0
        The L2 penalty's factor, added to every gradient (finite, >= 0).

    Attributes
    ----------
    t : int
        The number of steps taken.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a number is out of its range, or `params` is empty or holds a Value twice.

    Examples
    --------
    >>> from cydiff import Value
    >>> from cydiff.nn import Adam
    >>> x = Value(3.0)
    >>> opt = Adam([x], lr=0.1)
    >>> for _ in range(100):
    ...     opt.zero_grad()
    ...     (x * x).backward()
    ...     opt.step()
    >>> opt.t, abs(x.data) < 0.5
    (100, True)
    """

    def __init__(self, params: Module | Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, *,
                 weight_decay: float = 0.0) -> None:
        where = "Adam()"
        if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list)) \
                or len(betas) != 2:
            raise TypeError(f"{where}: betas must be a pair of real numbers, "
                            f"not {_args.what(betas)}")
        self.betas = (_hyper(betas[0], where, "betas[0]", 1.0),
                      _hyper(betas[1], where, "betas[1]", 1.0))
        # eps = 0 would make a step divide 0 by 0 (ZeroDivisionError, halfway through the
        # parameters) wherever the gradient has been 0 so far
        self.eps = _hyper(eps, where, "eps", positive=True)
        self.weight_decay = _hyper(weight_decay, where, "weight_decay")
        super().__init__(params, lr)
        self.t = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def step(self) -> None:
        """One step of Adam: the update above, for every parameter.

        Examples
        --------
        >>> from cydiff import Value
        >>> from cydiff.nn import Adam
        >>> x = Value(3.0)
        >>> opt = Adam([x], lr=0.1)
        >>> (x * x).backward()
        >>> opt.step()                      # the first step moves by lr, eps aside
        >>> round(x.data, 6)
        2.9
        """
        self.t += 1
        b1, b2 = self.betas
        lr, eps, wd, m, v = self._lr, self.eps, self.weight_decay, self._m, self._v
        step_size = lr / (1.0 - b1 ** self.t)
        correction = math.sqrt(1.0 - b2 ** self.t)
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= step_size * (m[i] / (math.sqrt(v[i]) / correction + eps))
