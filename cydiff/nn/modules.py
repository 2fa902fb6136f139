"""micrograd's network, `MLP`: layers of neurons (`cydiff.nn.layers`), one after another.

All three lived here once; code that imports `Neuron` or `Layer` from
`cydiff.nn.modules` still finds them.
"""

from __future__ import annotations

import random
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Sequence, cast

import numpy as np

from . import _args
from ._args import Twin
from .base import Module
from .layers import Layer as Layer, Neuron as Neuron, Out, Scalar

if TYPE_CHECKING:
    from .. import Value  # the public type, whichever twin the model's parameters are


class MLP(Module, Generic[Out], saved=True):
    """A multilayer perceptron: `nin` inputs, then layers of ``nouts[0]``, ``nouts[1]``,
    ... neurons.

    Drawn in micrograd's order, so after ``random.seed(1337)`` the weights are
    micrograd's. A type checker reads the output as a `Value`; annotate a model with
    several outputs as ``MLP[list[Value]]``.

    Parameters
    ----------
    nin : int
        The number of inputs, at least 1.
    nouts : sequence of int
        The layers' sizes, at least one, each at least 1.
    activation : {"relu", "tanh", "sigmoid", "linear"}, default "relu"
        The hidden layers' activation (micrograd's relu).
    output_activation : {"relu", "tanh", "sigmoid", "linear"}, default "linear"
        The last layer's (micrograd's linear).
    twin : module or {"pure", "compiled"}, optional
        The twin whose Values the parameters are.
    seed : int, optional
        Seeds one private generator for the whole network.
    rng : random.Random, optional
        The generator to draw from. With neither, Python's global `random`.

    Attributes
    ----------
    layers : list of Layer
        The layers, input side first.
    twin : module

    Raises
    ------
    TypeError, ValueError
        As `Neuron` does, for a wrong argument; ValueError if `nouts` is empty.

    Examples
    --------
    >>> from cydiff.nn import MLP, SGD, mse
    >>> model = MLP(2, [8, 1], seed=1337)
    >>> opt = SGD(model, lr=0.05)
    >>> losses = []
    >>> for step in range(20):
    ...     loss = mse([model([0.5, -1.0]), model([-0.5, 1.0])], [1.0, -1.0])
    ...     opt.zero_grad()
    ...     loss.backward()
    ...     opt.step()
    ...     losses.append(loss.data)
    >>> losses[-1] < losses[0]
    True
    """

    layers: list[Layer]
    twin: ModuleType

    def __init__(self, nin: int, nouts: Sequence[int], *, activation: str = "relu",
                 output_activation: str = "linear", twin: Twin = None,
                 seed: int | None = None, rng: random.Random | None = None) -> None:
        where = "MLP()"
        nin = _args.count(nin, "MLP() argument 'nin'")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, (Sequence, np.ndarray)):
            raise TypeError(f"MLP() argument 'nouts' must be a list of layer sizes, "
                            f"not {_args.what(nouts)}")
        sizes = [_args.count(n, f"MLP() argument 'nouts[{i}]'") for i, n in enumerate(nouts)]
        if not sizes:
            raise ValueError("MLP() argument 'nouts' is empty: give at least one layer size")
        hidden = _args.activation("relu" if activation is None else activation, True, where)
        output = _args.activation("linear" if output_activation is None else output_activation,
                             True, where)
        module = _args.twin_module(twin, where)
        generator = _args.generator(seed, rng, where)
        sz = [nin] + sizes
        self.layers = [Layer(sz[i], sz[i + 1], activation=hidden if i != len(sizes) - 1 else output,
                             twin=module, rng=generator) for i in range(len(sizes))]
        self.twin = module
        self._activations = (hidden, output)

    @property
    def activation(self) -> str:
        """The hidden layers' activation (read-only)."""
        return self._activations[0]

    @property
    def output_activation(self) -> str:
        """The last layer's activation (read-only)."""
        return self._activations[1]

    @property
    def nin(self) -> int:
        """The number of inputs (read-only)."""
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        """The layers' sizes (read-only)."""
        return [layer.nout for layer in self.layers]

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]) -> Out:
        """The network's outputs at `x`.

        Parameters
        ----------
        x : sequence of float or Value, or 1-D numpy array
            `nin` inputs, as `Neuron` takes them.

        Returns
        -------
        Value or list of Value
            One Value when the last layer has one neuron, else a list.

        Raises
        ------
        TypeError, ValueError
            As `Neuron.__call__` does, for a wrong input.

        Examples
        --------
        >>> import numpy as np
        >>> from cydiff.nn import MLP
        >>> model = MLP(3, [4, 4, 2], seed=0)
        >>> len(model(np.array([0.1, 0.2, 0.3])))
        2
        """
        xs = _args.inputs(x, self.nin, self.twin, self._signature())
        for layer in self.layers:
            xs = layer._forward(xs)
        return cast(Out, xs[0] if len(xs) == 1 else xs)

    def parameters(self) -> list[Value]:
        """Each layer's parameters in turn, the input side first.

        Returns
        -------
        list of Value
            The network's own Values, which an optimizer updates.

        Examples
        --------
        >>> from cydiff.nn import MLP
        >>> len(MLP(2, [16, 16, 1], seed=0).parameters())    # 48 + 272 + 17
        337
        """
        return [p for layer in self.layers for p in layer.parameters()]

    def _named(self) -> dict[str, Any]:
        return {f"layers.{i}.{name}": tensor for i, layer in enumerate(self.layers)
                for name, tensor in layer._named().items()}

    def _signature(self) -> str:
        return f"MLP({self.nin}, {self.nouts})"

    def _config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nouts": self.nouts, "activation": self.activation,
                "output_activation": self.output_activation}

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
