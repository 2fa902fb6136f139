"""micrograd's units, on the base `Module`: `Neuron` (one output) and `Layer` (neurons
side by side), which `MLP` stacks.
"""

from __future__ import annotations

import random
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Generic, Sequence, TypeVar, Union, cast

import numpy as np

from . import _args
from ._args import Twin
from .base import Module

if TYPE_CHECKING:
    from typing_extensions import TypeVar as TypeVarWithDefault

    from .. import Value  # the public type, whichever twin the model's parameters are

    # A Layer's or an MLP's output: a Value (one output, the default) or, annotated as
    # `MLP[list[Value]]`, a list (a type checker cannot read the count off the sizes).
    Out = TypeVarWithDefault("Out", "Value", "list[Value]", default="Value")
else:
    Out = TypeVar("Out")

_NEURON_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}

Scalar = Union["Value", float, int]


class Neuron(Module, saved=True):
    """One neuron: act(w·x + b), with `nin` weights, a bias and an activation.

    `Neuron(nin)` is micrograd's ReLUNeuron and `Neuron(nin, nonlin=False)` its
    LinearNeuron. The weights start at uniform(-1, 1), the bias at 0. w·x is one node
    (`dot`), not nin products and nin - 1 sums as micrograd builds it.

    Parameters
    ----------
    nin : int
        The number of inputs, at least 1.
    nonlin : bool, default True
        micrograd's switch: relu if true, linear if false.
    activation : {"relu", "tanh", "sigmoid", "linear"}, optional
        The activation by name; overrides `nonlin`.
    twin : module or {"pure", "compiled"}, optional
        The twin whose Values the parameters are; by default the one ``import cydiff``
        gives.
    seed : int, optional
        Draw the weights from a private ``random.Random(seed)``.
    rng : random.Random, optional
        Draw the weights from this generator. With neither `seed` nor `rng`, they come
        from Python's global `random`, as micrograd's do.

    Attributes
    ----------
    w : list of Value
        The weights.
    b : Value
        The bias.
    twin : module
        The twin module, `cydiff.pure` or `cydiff.compiled`.

    Raises
    ------
    TypeError
        If `nin` is not an int, or an argument has the wrong type.
    ValueError
        If `nin` < 1, or the activation is not one of the four names.

    Examples
    --------
    >>> from cydiff.nn import Neuron
    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> n
    TanhNeuron(2)
    >>> y = n([0.5, -1.0])
    >>> y.backward()
    >>> n.b.grad == 1 - y.data ** 2
    True
    """

    w: list[Value]
    b: Value
    twin: ModuleType

    def __init__(self, nin: int, nonlin: bool = True, *, activation: str | None = None,
                 twin: Twin = None, seed: int | None = None,
                 rng: random.Random | None = None) -> None:
        where = "Neuron()"
        nin = _args.count(nin, "Neuron() argument 'nin'")
        act = _args.activation(activation, nonlin, where)
        module = _args.twin_module(twin, where)
        uniform = (_args.generator(seed, rng, where) or random).uniform
        value = module.Value
        self.w = [value(uniform(-1, 1)) for _ in range(nin)]
        self.b = value(0)
        self.twin = module
        self._activation = act
        self._act = self._activation_of(module)

    def _activation_of(self, module: ModuleType) -> Callable[[Any], Any] | None:
        """The activation as the twin's Value method (None: linear)."""
        act = self._activation
        return None if act == "linear" else cast("Callable[[Any], Any]", getattr(module.Value, act))

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        del state["_act"]  # a method of a twin's Value: made again on loading
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._act = self._activation_of(self.twin)

    @property
    def activation(self) -> str:
        """The activation's name: "relu", "tanh", "sigmoid" or "linear" (read-only)."""
        return self._activation

    @property
    def nonlin(self) -> bool:
        """Whether the activation is not linear, as micrograd has it (read-only)."""
        return self._activation != "linear"

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]) -> Value:
        """The neuron's output at `x`.

        Parameters
        ----------
        x : sequence of float or Value, or 1-D numpy array
            `nin` inputs: real numbers or Values of the neuron's twin (a single one
            when nin is 1).

        Returns
        -------
        Value
            act(w·x + b), a node of the graph the parameters are in.

        Raises
        ------
        TypeError
            If an input is not a real number or a Value of this twin.
        ValueError
            If the number of inputs is not `nin`.

        Examples
        --------
        >>> from cydiff.nn import Neuron
        >>> n = Neuron(2, nonlin=False, seed=0)
        >>> n([1.0, 0.0]).data == n.w[0].data
        True
        """
        return self._forward(_args.inputs(x, len(self.w), self.twin, self._signature()))

    def _forward(self, xs: list[Any]) -> Value:
        """act(w·x + b) on checked inputs."""
        act = self.twin.dot(self.w, xs) + self.b
        f = self._act
        return cast("Value", act if f is None else f(act))

    def parameters(self) -> list[Value]:
        """The weights, then the bias.

        Returns
        -------
        list of Value
            ``w + [b]``: the neuron's own Values, which an optimizer updates.

        Examples
        --------
        >>> from cydiff.nn import Neuron
        >>> n = Neuron(3, seed=0)
        >>> n.parameters()[-1] is n.b
        True
        """
        return self.w + [self.b]

    def _named(self) -> dict[str, Any]:
        return {"w": self.w, "b": self.b}

    def _signature(self) -> str:
        return f"Neuron({len(self.w)})"

    def _config(self) -> dict[str, Any]:
        return {"nin": len(self.w), "activation": self.activation}

    def __repr__(self) -> str:
        return f"{_NEURON_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module, Generic[Out], saved=True):
    """`nout` neurons on the same `nin` inputs.

    Parameters
    ----------
    nin : int
        The number of inputs, at least 1.
    nout : int
        The number of neurons (outputs), at least 1.
    nonlin, activation, twin : optional
        The neurons' (see `Neuron`).
    seed : int, optional
        Seeds one private generator for the whole layer.
    rng : random.Random, optional
        The generator the neurons draw from, in order.

    Attributes
    ----------
    neurons : list of Neuron
        The neurons, in output order.
    twin : module

    Raises
    ------
    TypeError, ValueError
        As `Neuron` does, for a wrong argument.

    Examples
    --------
    >>> from cydiff.nn import Layer
    >>> layer = Layer(3, 2, seed=0)
    >>> layer
    Layer of [ReLUNeuron(3), ReLUNeuron(3)]
    >>> len(layer([1.0, 2.0, 3.0]))      # two outputs: a list
    2
    >>> Layer(3, 1, seed=0)([1.0, 2.0, 3.0])    # one output: a Value
    Value(data=..., grad=0.0000)
    """

    neurons: list[Neuron]
    twin: ModuleType

    def __init__(self, nin: int, nout: int, *, nonlin: bool = True,
                 activation: str | None = None, twin: Twin = None, seed: int | None = None,
                 rng: random.Random | None = None) -> None:
        where = "Layer()"
        nin = _args.count(nin, "Layer() argument 'nin'")
        nout = _args.count(nout, "Layer() argument 'nout'")
        act = _args.activation(activation, nonlin, where)
        module = _args.twin_module(twin, where)
        generator = _args.generator(seed, rng, where)
        self.neurons = [Neuron(nin, activation=act, twin=module, rng=generator)
                        for _ in range(nout)]
        self.twin = module

    @property
    def nin(self) -> int:
        """The number of inputs (read-only)."""
        return len(self.neurons[0].w)

    @property
    def nout(self) -> int:
        """The number of neurons, the outputs (read-only)."""
        return len(self.neurons)

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]) -> Out:
        """The layer's outputs at `x`.

        Parameters
        ----------
        x : sequence of float or Value, or 1-D numpy array
            `nin` inputs, as `Neuron` takes them.

        Returns
        -------
        Value or list of Value
            One Value when `nout` is 1, else a list of `nout`.

        Raises
        ------
        TypeError, ValueError
            As `Neuron.__call__` does, for a wrong input.

        Examples
        --------
        >>> from cydiff.nn import Layer
        >>> layer = Layer(2, 3, activation="sigmoid", seed=0)
        >>> all(0 < y.data < 1 for y in layer([0.5, -1.0]))
        True
        """
        out = self._forward(_args.inputs(x, self.nin, self.twin, self._signature()))
        return cast(Out, out[0] if len(out) == 1 else out)

    def _forward(self, xs: list[Any]) -> list[Value]:
        dot = self.twin.dot
        out = []
        for n in self.neurons:  # Neuron._forward, inlined
            act = dot(n.w, xs) + n.b
            f = n._act
            out.append(act if f is None else f(act))
        return out

    def parameters(self) -> list[Value]:
        """Each neuron's parameters in turn.

        Returns
        -------
        list of Value
            ``nout · (nin + 1)`` Values: the layer's own, which an optimizer updates.

        Examples
        --------
        >>> from cydiff.nn import Layer
        >>> len(Layer(3, 2, seed=0).parameters())
        8
        """
        return [p for n in self.neurons for p in n.parameters()]

    def _named(self) -> dict[str, Any]:
        return {"w": [n.w for n in self.neurons], "b": [n.b for n in self.neurons]}

    def _signature(self) -> str:
        return f"Layer({self.nin}, {self.nout})"

    def _config(self) -> dict[str, Any]:
        activations = {n.activation for n in self.neurons}
        if len(activations) != 1:
            raise TypeError("save(): this Layer's neurons have different activations; "
                            "save its state_dict() yourself")
        return {"nin": self.nin, "nout": self.nout, "activation": activations.pop()}

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"
