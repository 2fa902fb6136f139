"""The models: `Module` (parameters, gradients, state dicts, saving and loading), and
micrograd's `Neuron`, `Layer` and `MLP`; `load` rebuilds whichever a file holds. The file
format (writing, reading, checking) is `cydiff.nn.files`, which knows no class: it hands
back a module's name, config and state, and this module builds the model from its own
table of classes, `_MODULES`.
"""

from __future__ import annotations

import os
import random
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, Mapping, Sequence, TypeVar
from typing import Union, cast

import numpy as np

from .. import _common
from . import _args, files
from ._args import Twin

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
M = TypeVar("M", bound="Module")


class Module:
    """The base of every model: micrograd's `parameters()` and `zero_grad()`, and
    saving and loading the parameters' values.

    A subclass lists its parameters (Values) in `parameters()`; its `state_dict()`
    is then {"parameters": [their floats]}. `Neuron`, `Layer` and `MLP` name theirs.
    """

    def parameters(self) -> list[Value]:
        """The trainable Values, in a fixed order."""
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (before the next `backward()`)."""
        for p in self.parameters():
            p.grad = 0.0

    def _named(self) -> dict[str, Any]:
        """The parameters by name, each a Value or a (nested) list of Values."""
        return {"parameters": self.parameters()}

    def state_dict(self) -> dict[str, Any]:
        """The parameters' values by name: floats, in lists shaped as the parameters are."""
        return {name: _data(tensor) for name, tensor in self._named().items()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set the parameters' values from a `state_dict()` (of this architecture).

        The keys must be exactly this model's and every entry of the right shape
        and made of real numbers; else a ValueError or TypeError names the first
        thing wrong, and no parameter has changed.
        """
        where = "load_state_dict()"
        if not isinstance(state, Mapping):
            raise TypeError(f"{where} takes a mapping from names to values (a state_dict()), "
                            f"not {_args.what(state)}")
        named = self._named()
        missing = [k for k in named if k not in state]
        unexpected = [k for k in state if k not in named]
        if missing or unexpected:
            parts = ([f"missing {missing}"] if missing else []) + \
                    ([f"unexpected {unexpected}"] if unexpected else [])
            raise ValueError(f"{where}: the keys do not match the model's: " + ", ".join(parts))
        updates: list[tuple[Value, float]] = []
        for name, tensor in named.items():
            _collect(where, repr(name), tensor, state[name], updates)
        for p, value in updates:
            p.data = value

    def _config(self) -> dict[str, Any]:
        """The constructor's arguments that rebuild this architecture."""
        raise NotImplementedError

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the architecture and the parameters to `path` as JSON; `load(path)`
        rebuilds the model bit for bit."""
        name = type(self).__name__
        if _MODULES.get(name) is not type(self):
            problem = ("is a subclass of a cydiff.nn module and would load as its base"
                       if isinstance(self, (Neuron, Layer, MLP)) else
                       "cannot describe its architecture (only Neuron, Layer and MLP can)")
            raise TypeError(f"save(): a {name} {problem}; save its state_dict() yourself")
        files.write_model(path, name, self._config(), self.state_dict())

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str], *, twin: Twin = None) -> M:
        """The model saved at `path` (see the module function `load`), checked to be a `cls`
        before it is built."""
        module = _args.twin_module(twin, f"{cls.__name__}.load()")
        name, config, state = files.read_model(path, f"load({os.fspath(path)!r})")
        if not issubclass(_MODULES[name], cls):
            raise TypeError(f"{cls.__name__}.load(): {os.fspath(path)!r} holds a saved {name}")
        return cast(M, _build(name, config, state, module))


class Neuron(Module):
    """act(w·x + b): `nin` weights, one bias, one activation.

    `Neuron(nin)` is micrograd's ReLUNeuron, `Neuron(nin, nonlin=False)` its
    LinearNeuron; `activation=` picks "relu", "tanh", "sigmoid" or "linear".
    Weights start at uniform(-1, 1) (from `random`, or `seed=` / `rng=`), the bias at 0.
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
        self._act: Callable[[Any], Any] | None = None if act == "linear" else getattr(value, act)

    @property
    def activation(self) -> str:
        """'relu', 'tanh', 'sigmoid' or 'linear' (read-only)."""
        return self._activation

    @property
    def nonlin(self) -> bool:
        """Whether the activation is not linear, as micrograd has it (read-only)."""
        return self._activation != "linear"

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]) -> Value:
        return self._forward(_args.inputs(x, len(self.w), self.twin, self._signature()))

    def _forward(self, xs: list[Any]) -> Value:
        """act(w·x + b) on checked inputs."""
        act = self.twin.dot(self.w, xs) + self.b
        f = self._act
        return cast("Value", act if f is None else f(act))

    def parameters(self) -> list[Value]:
        return self.w + [self.b]

    def _named(self) -> dict[str, Any]:
        return {"w": self.w, "b": self.b}

    def _signature(self) -> str:
        return f"Neuron({len(self.w)})"

    def _config(self) -> dict[str, Any]:
        return {"nin": len(self.w), "activation": self.activation}

    def __repr__(self) -> str:
        return f"{_NEURON_NAMES[self.activation]}Neuron({len(self.w)})"


class Layer(Module, Generic[Out]):
    """`nout` neurons on the same `nin` inputs: a `Value` for nout == 1, else a list.

    The keywords (`nonlin`, `activation`, `twin`, `seed`, `rng`) are the neurons';
    a `seed` seeds one generator for the whole layer.
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
        return len(self.neurons[0].w)

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]) -> Out:
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


class MLP(Module, Generic[Out]):
    """A multilayer perceptron: `nin` inputs, then layers of `nouts[0]`, `nouts[1]`, ... neurons.

    Hidden layers use `activation` (micrograd's relu), the last `output_activation`
    (linear). A single output is a `Value`, several a list. A `seed` seeds one
    generator for the whole network (drawn in micrograd's order).
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
        return self.layers[0].nin

    @property
    def nouts(self) -> list[int]:
        return [layer.nout for layer in self.layers]

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]) -> Out:
        xs = _args.inputs(x, self.nin, self.twin, self._signature())
        for layer in self.layers:
            xs = layer._forward(xs)
        return cast(Out, xs[0] if len(xs) == 1 else xs)

    def parameters(self) -> list[Value]:
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


# the classes a model file names (the ones whose configs `files` knows, by the same names)
_MODULES: dict[str, type[Neuron] | type[Layer] | type[MLP]] = {
    "Neuron": Neuron, "Layer": Layer, "MLP": MLP}


def _data(tensor: Any) -> Any:
    """A parameter (or nested list of them) as its float (or nested list of floats)."""
    if isinstance(tensor, list):
        return [_data(t) for t in tensor]
    return cast("Value", tensor).data


def _collect(where: str, name: str, tensor: Any, value: Any,
             updates: list[tuple[Value, float]]) -> None:
    """Check value against the parameter(s) in tensor; list the updates to make."""
    if isinstance(tensor, list):
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise TypeError(f"{where}: {name} must be a list of {len(tensor)}, "
                            f"not {_args.what(value)}")
        if len(value) != len(tensor):
            raise ValueError(f"{where}: {name} has {len(value)} entries, "
                             f"the model {len(tensor)}")
        for i, (t, v) in enumerate(zip(tensor, value)):
            _collect(where, f"{name}[{i}]", t, v, updates)
        return
    c = _common.as_number(value)
    if c is None:
        raise TypeError(f"{where}: {name} must be a real number, not {_args.what(value)}")
    updates.append((tensor, c))


def _build(name: str, config: dict[str, Any], state: dict[str, Any], module: ModuleType
           ) -> Module:
    """The checked model, on `module`; initialization draws nothing from global `random`."""
    model = _MODULES[name](**config, twin=module, rng=random.Random(0))
    model.load_state_dict(state)
    return model


def load(path: str | os.PathLike[str], *, twin: Twin = None) -> Module:
    """The model `save(path)` wrote, with its parameters bit for bit, on `twin`
    (by default the one `import cydiff` gives). Initialization draws nothing
    from Python's global `random`.

    The whole file is checked before the model is built; a file that is not a valid
    model file is a ValueError saying why: not UTF-8, not JSON, nested too deeply, a
    number beyond the float range (save() writes inf and nan as Infinity and NaN), a
    key twice in one object, a missing or unexpected key, a "version" that is not the
    integer 1, an unknown "module", a config unlike the one save() writes (sizes are
    integers >= 1, activations known names), or a state unlike the config's shapes.

    Resources: the number of parameters the config implies (nin + 1 for a Neuron,
    nout·(nin + 1) for a Layer, the sum over the layers for an MLP) must equal the
    number of values in the file's state, counted before anything is built, so no
    allocation is larger than the file warrants.
    """
    module = _args.twin_module(twin, "load()")
    where = f"load({os.fspath(path)!r})"
    return _build(*files.read_model(path, where), module)


def parameter_list(params: object, where: str, for_l2: bool = False) -> list[Value]:
    """The Values an optimizer (`where`) or `l2` takes: a Module's parameters, or any
    iterable of Values; for an optimizer, at least one and none twice."""
    if isinstance(params, Module):
        params = params.parameters()
    if _args.twin_of(params) is not None:
        raise TypeError(f"{where} takes a list of Values (model.parameters()), "
                        f"not a single Value")
    if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{where} takes a list of Values (model.parameters()), "
                        f"not {_args.what(params)}")
    out = list(cast(Iterable[Any], params))
    for i, p in enumerate(out):
        if _args.twin_of(p) is None:
            raise TypeError(f"{where}: parameter {i} must be a Value, not {_args.what(p)}")
    if for_l2:
        return cast("list[Value]", out)
    if not out:
        raise ValueError(f"{where}: the parameter list is empty")
    if len({id(p) for p in out}) != len(out):
        raise ValueError(f"{where}: a parameter appears more than once")
    return cast("list[Value]", out)

