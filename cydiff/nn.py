"""Neural networks of scalar `Value`s: micrograd's `nn`, and what training needs around it.

micrograd's API, exactly: its demo runs with `from cydiff.nn import MLP` in place
of `from micrograd.nn import MLP`.

    import random
    from cydiff.nn import MLP

    random.seed(1337)
    model = MLP(2, [16, 16, 1])        # micrograd's initial weights, draw for draw
    score = model([0.5, -1.0])         # a Value; a list of Values for several outputs
    score.backward()
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    model.zero_grad()

- `Module`: `parameters()`, `zero_grad()`, and `state_dict()`, `load_state_dict()`,
  `save(path)`, `Module.load(path)`.
- `Neuron(nin, nonlin=True)`: act(w·x + b): `dot(w, x) + b` (w·x one fused node),
  then the activation. `Layer(nin, nout)`: `nout` neurons; a single output is a
  `Value`, several a list. `MLP(nin, nouts)`: layers; every hidden one is relu (or
  `activation=`), the last is linear (or `output_activation=`).
- Activations by name: "relu", "tanh", "sigmoid", "linear". `nonlin=True` is
  micrograd's relu, `nonlin=False` linear.
- Initialization: every weight is `uniform(-1, 1)` and every bias 0, micrograd's
  choice, drawn in micrograd's order. By default from Python's global `random`
  module, so `random.seed(1337)` gives micrograd's weights; `seed=` (an int) or
  `rng=` (a `random.Random`) draws from a private generator instead:
  `MLP(2, [16, 1], seed=1337)` is reproducible and leaves the global state alone.
- Twins: each constructor takes `twin=`: `cydiff.pure`, `cydiff.compiled`, or
  "pure" / "compiled". By default the twin `import cydiff` gives (`cydiff.BACKEND`).
  The parameters are that twin's Values; inputs are real numbers, that twin's
  Values, or a 1-D numpy array. The two twins train to the same bits.
- Losses (functions returning one Value; a float when no Value is given):
  `mse`, `hinge` (micrograd's max-margin), `binary_cross_entropy` (from logits),
  `softmax_cross_entropy` (from logits), and `l2` (Σ p²); `softmax` for predictions.
- Optimizers (PyTorch's formulas, updating `p.data` in place): `SGD` (momentum,
  Nesterov, weight decay) and `Adam` (bias-corrected); `opt.lr` may change between steps.

Saving: `state_dict()` maps names to the parameters' floats, shaped as the
parameters are: a `Neuron` gives {"w": [nin floats], "b": float}; a `Layer`
{"w": [nout rows of nin floats], "b": [nout floats]}; an `MLP` the same for every
layer, prefixed "layers.0.", "layers.1.", ... (PyTorch's style). `save(path)`
writes JSON with the architecture and that state; `load(path)` (or `MLP.load(path)`)
rebuilds the model bit for bit: Python writes every float in the shortest form that
reads back to the same float (inf and nan as JSON's usual extensions Infinity, NaN).
`load` checks the whole file before it builds anything, and refuses a malformed one
with a ValueError saying why (see its docstring).
"""

from __future__ import annotations

import json
import math
import operator
import os
import random
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypeVar, Union, cast

import numpy as np

from . import _common
from . import _twin as _twins

if TYPE_CHECKING:
    from ._value_py import Value  # type checkers read the pure twin's Value for both

__all__ = [
    "ACTIVATIONS", "Adam", "Layer", "MLP", "Module", "Neuron", "Optimizer", "SGD",
    "binary_cross_entropy", "hinge", "l2", "load", "mse", "softmax", "softmax_cross_entropy",
]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_NEURON_NAMES = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "linear": "Linear"}
REDUCTIONS = ("mean", "sum")
FORMAT, VERSION = "cydiff.nn", 1

Twin = Union[ModuleType, str, None]
Scalar = Union["Value", float, int]
M = TypeVar("M", bound="Module")


# --- twins -----------------------------------------------------------------------------

def _twin(twin: object, where: str) -> ModuleType:
    """The twin module asked for: None is the one `import cydiff` gives."""
    return _twins.resolve(twin, where).module


def _twin_of(x: object) -> ModuleType | None:
    """The twin module of a cydiff Value, else None."""
    twin = _twins.of(x)
    return twin.module if twin is not None and type(x) is twin.Value else None


def _name(twin: ModuleType) -> str:
    """A twin module's name: "pure" or "compiled"."""
    return _twins.resolve(twin, "cydiff.nn").name


_what = _twins.described  # what was given, for a message: its type, its twin


# --- checking arguments ----------------------------------------------------------------

def _int(n: object, name: str) -> int:
    """n as an int (numpy's integers too, bools not), or a TypeError naming `name`."""
    if isinstance(n, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, not 'bool'")
    try:
        return operator.index(n)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an int, not {_what(n)}") from None


def _count(n: object, where: str) -> int:
    """n as an int >= 1."""
    value = _int(n, where)
    if value < 1:
        raise ValueError(f"{where} must be at least 1, not {value}")
    return value


def _activation(activation: object, nonlin: object, where: str) -> str:
    if not isinstance(nonlin, (bool, np.bool_)):
        raise TypeError(f"{where}: nonlin must be a bool, not {_what(nonlin)}")
    if activation is None:
        return "relu" if nonlin else "linear"
    if not isinstance(activation, str):
        raise TypeError(f"{where}: activation must be a str, one of "
                        + ", ".join(repr(a) for a in ACTIVATIONS) + f"; not {_what(activation)}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; valid: "
                         + ", ".join(repr(a) for a in ACTIVATIONS))
    if not nonlin and activation != "linear":
        raise ValueError(f"{where}: nonlin=False (a linear neuron) contradicts "
                         f"activation={activation!r}")
    return activation


def _generator(seed: object, rng: object, where: str) -> random.Random | None:
    """The private generator asked for, or None for Python's global `random`."""
    if seed is not None and rng is not None:
        raise ValueError(f"{where}: give seed or rng, not both")
    if seed is not None:
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"{where}: seed must be an int, not {_what(seed)}")
        return random.Random(int(seed))
    if rng is not None and not isinstance(rng, random.Random):
        raise TypeError(f"{where}: rng must be a random.Random, not {_what(rng)}")
    return rng


def _inputs(x: object, n: int, twin: ModuleType, where: str) -> list[Any]:
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
        raise TypeError(f"{where} takes a sequence of real numbers or Values, not {_what(x)}")
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
                            f"{_name(twin)} Value, not {_what(item)}"
                            + _input_hint(item, twin))
        items[i] = c
    return items


def _input_hint(item: object, twin: ModuleType) -> str:
    other = _twin_of(item)
    if other is not None:
        return (f" (the model's parameters are {_name(twin)} Values and the twins "
                f"do not mix: build the model with twin='{_name(other)}')")
    if _common.type_name(item) in ("Dual", "MultiDual"):
        return " (the parameters are Values: differentiate a model in reverse mode)"
    if isinstance(item, (list, tuple, np.ndarray)):
        return " (one sample at a time: [model(x) for x in X])"
    return ""


# --- modules ---------------------------------------------------------------------------

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
                            f"not {_what(state)}")
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
        document = {"format": FORMAT, "version": VERSION, "module": name,
                    "config": self._config(), "state": self.state_dict()}
        text = json.dumps(document)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str], *, twin: Twin = None) -> M:
        """The model saved at `path` (see the module function `load`), checked to be a `cls`
        before it is built."""
        module = _twin(twin, f"{cls.__name__}.load()")
        name, config, state = _model_file(path, f"load({os.fspath(path)!r})")
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
        nin = _count(nin, "Neuron() argument 'nin'")
        act = _activation(activation, nonlin, where)
        module = _twin(twin, where)
        uniform = (_generator(seed, rng, where) or random).uniform
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
        return self._forward(_inputs(x, len(self.w), self.twin, self._signature()))

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


class Layer(Module):
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
        nin = _count(nin, "Layer() argument 'nin'")
        nout = _count(nout, "Layer() argument 'nout'")
        act = _activation(activation, nonlin, where)
        module = _twin(twin, where)
        generator = _generator(seed, rng, where)
        self.neurons = [Neuron(nin, activation=act, twin=module, rng=generator)
                        for _ in range(nout)]
        self.twin = module

    @property
    def nin(self) -> int:
        return len(self.neurons[0].w)

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]
                 ) -> Value | list[Value]:
        out = self._forward(_inputs(x, self.nin, self.twin, self._signature()))
        return out[0] if len(out) == 1 else out

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


class MLP(Module):
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
        nin = _count(nin, "MLP() argument 'nin'")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, (Sequence, np.ndarray)):
            raise TypeError(f"MLP() argument 'nouts' must be a list of layer sizes, "
                            f"not {_what(nouts)}")
        sizes = [_count(n, f"MLP() argument 'nouts[{i}]'") for i, n in enumerate(nouts)]
        if not sizes:
            raise ValueError("MLP() argument 'nouts' is empty: give at least one layer size")
        hidden = _activation("relu" if activation is None else activation, True, where)
        output = _activation("linear" if output_activation is None else output_activation,
                             True, where)
        module = _twin(twin, where)
        generator = _generator(seed, rng, where)
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

    def __call__(self, x: Scalar | Sequence[Scalar] | np.ndarray[Any, Any]
                 ) -> Value | list[Value]:
        xs = _inputs(x, self.nin, self.twin, self._signature())
        for layer in self.layers:
            xs = layer._forward(xs)
        return cast("Value", xs[0]) if len(xs) == 1 else xs

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
                            f"not {_what(value)}")
        if len(value) != len(tensor):
            raise ValueError(f"{where}: {name} has {len(value)} entries, "
                             f"the model {len(tensor)}")
        for i, (t, v) in enumerate(zip(tensor, value)):
            _collect(where, f"{name}[{i}]", t, v, updates)
        return
    c = _common.as_number(value)
    if c is None:
        raise TypeError(f"{where}: {name} must be a real number, not {_what(value)}")
    updates.append((tensor, c))


# --- reading a model file ----------------------------------------------------------------
#
# Everything in a file is checked before anything is built, so a file of a few bytes
# cannot make the loader allocate more than the file holds: the config must describe a
# model exactly as save() writes it, and the parameters it implies must be the values the
# state holds, counted before the model exists.

class _Invalid(ValueError):
    """Why a file is not a valid model file (raised inside the JSON parser's hooks too)."""


_CONFIGS = {  # module: (the sizes it needs, the activations it may name)
    "Neuron": (("nin",), ("activation",)),
    "Layer": (("nin", "nout"), ("activation",)),
    "MLP": (("nin", "nouts"), ("activation", "output_activation")),
}
_FILE_KEYS = ("format", "version", "module", "config", "state")


def _json_what(x: object) -> str:
    """A parsed JSON value, for a message: the literal for a scalar (cut short), else its kind."""
    if isinstance(x, dict):
        return "an object"
    if isinstance(x, list):
        return "an array"
    if x is None or isinstance(x, bool):
        return json.dumps(x)
    text = repr(x) if isinstance(x, str) else json.dumps(x)
    return text if len(text) <= 40 else text[:37] + "..."


def _too_big(text: str) -> _Invalid:
    shown = text if len(text) <= 24 else f"{text[:12]}... ({len(text)} characters)"
    return _Invalid(f"the number {shown} is too big for a float")


def _parse_int(text: str) -> int:
    # A float holds at most 309 digits; this also spares int() a long string (its limit
    # is 4300 digits, with an error of its own).
    if len(text.lstrip("-")) > 309:
        raise _too_big(text)
    value = int(text)
    try:
        float(value)
    except OverflowError:
        raise _too_big(text) from None
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999: json would read inf; save() writes inf as Infinity
        raise _too_big(text)
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # json would keep the last: which one was meant?
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Invalid(f"the key {_json_what(key)} appears twice in one object")
            seen.add(key)
    return result


def _read(path: str | os.PathLike[str], where: str) -> Any:
    """The file's JSON document; a ValueError unless it is UTF-8 JSON whose numbers are floats."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          object_pairs_hook=_object)
    except UnicodeDecodeError as exc:
        why = f"not UTF-8 text (byte {exc.start})"
    except json.JSONDecodeError as exc:
        why = f"not JSON ({exc})"
    except RecursionError:  # json's parser recurses on nesting
        why = "its JSON is nested too deeply"
    except _Invalid as exc:
        why = str(exc)
    raise ValueError(f"{where}: not a valid cydiff.nn model file: {why}")


def _size(config: dict[str, Any], key: str) -> None:
    n = config[key]
    if type(n) is not int or n < 1:  # true is no size, nor is 2.0
        raise _Invalid(f"config {key!r} must be an integer >= 1, not {_json_what(n)}")


def _architecture(name: str, config: object) -> dict[str, Any]:
    """The constructor's arguments, checked to be what save() writes for a `name`."""
    if not isinstance(config, dict):
        raise _Invalid(f"'config' must be an object, not {_json_what(config)}")
    sizes, activations = _CONFIGS[name]
    missing = [k for k in sizes if k not in config]
    unexpected = [k for k in config if k not in sizes + activations]
    if missing or unexpected:
        raise _Invalid(f"the {name} config " + ", ".join(
            ([f"lacks {missing}"] if missing else [])
            + ([f"has unexpected {_clipped(unexpected)}"] if unexpected else [])))
    for key in sizes:
        if key != "nouts":
            _size(config, key)
        elif not isinstance(config[key], list):
            raise _Invalid("config 'nouts' must be an array of layer sizes, "
                           f"not {_json_what(config[key])}")
        elif not config[key]:
            raise _Invalid("config 'nouts' is empty")
        else:
            for i, n in enumerate(config[key]):
                if type(n) is not int or n < 1:
                    raise _Invalid(f"config 'nouts'[{i}] must be an integer >= 1, "
                                   f"not {_json_what(n)}")
    for key in activations:
        if key in config and config[key] not in ACTIVATIONS:
            raise _Invalid(f"config {key!r} must be one of "
                           + ", ".join(repr(a) for a in ACTIVATIONS)
                           + f", not {_json_what(config[key])}")
    return config


def _clipped(names: list[str]) -> str:
    """A list of names for a message, the first few of many."""
    return repr(names) if len(names) <= 5 else repr(names[:5])[:-1] + f", ... ({len(names)})]"


def _shapes(name: str, config: dict[str, Any]) -> Iterable[tuple[str, tuple[int, ...]]]:
    """The state's names and shapes for an architecture, one at a time (nothing is built)."""
    if name == "Neuron":
        yield "w", (config["nin"],)
        yield "b", ()
    elif name == "Layer":
        yield "w", (config["nout"], config["nin"])
        yield "b", (config["nout"],)
    else:
        sizes = [config["nin"]] + config["nouts"]
        for i in range(len(sizes) - 1):
            yield f"layers.{i}.w", (sizes[i + 1], sizes[i])
            yield f"layers.{i}.b", (sizes[i + 1],)


def _values_in(x: object) -> int:
    """How many numbers (or other scalars) a parsed JSON value holds; without recursion."""
    count, stack = 0, [x]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            count += 1
    return count


def _check_entry(name: str, value: object, shape: tuple[int, ...]) -> None:
    """value is a (nested) array of `shape` of JSON numbers; shapes are at most 2-D."""
    if not shape:
        if type(value) is not float and type(value) is not int:
            raise _Invalid(f"state {name} must be a number, not {_json_what(value)}")
        return
    if not isinstance(value, list):
        raise _Invalid(f"state {name} must be an array of {shape[0]}, not {_json_what(value)}")
    if len(value) != shape[0]:
        raise _Invalid(f"state {name} has {len(value)} entries, the config {shape[0]}")
    for i, v in enumerate(value):
        _check_entry(f"{name}[{i}]", v, shape[1:])


def _model_file(path: str | os.PathLike[str], where: str
                ) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The module name, config and state of a model file, all checked; nothing built."""
    document = _read(path, where)
    try:
        if not isinstance(document, dict):
            raise _Invalid(f"the top level is {_json_what(document)}, not an object")
        if document.get("format") != FORMAT:
            raise _Invalid(f"'format' is {_json_what(document.get('format'))}, not '{FORMAT}'"
                           if "format" in document else "it has no 'format'")
        version = document.get("version")
        if type(version) is not int:  # true == 1 and 1.0 == 1, but neither is a version
            raise _Invalid(f"'version' must be an integer, not {_json_what(version)}"
                           if "version" in document else "it has no 'version'")
        if version != VERSION:
            raise ValueError(f"{where}: format version {version}; "
                             f"this cydiff reads version {VERSION}")
        missing = [k for k in _FILE_KEYS if k not in document]
        unexpected = [k for k in document if k not in _FILE_KEYS]
        if missing or unexpected:
            raise _Invalid(", ".join(([f"it lacks {missing}"] if missing else [])
                                     + ([f"unexpected keys {_clipped(unexpected)}"]
                                        if unexpected else [])))
        name, state = document["module"], document["state"]
        if not isinstance(name, str) or name not in _MODULES:
            raise _Invalid(f"'module' is {_json_what(name)}; valid: "
                           + ", ".join(repr(m) for m in _MODULES))
        config = _architecture(name, document["config"])
        if not isinstance(state, dict):
            raise _Invalid(f"'state' must be an object, not {_json_what(state)}")
        implied = sum(math.prod(shape) for _, shape in _shapes(name, config))
        held = _values_in(state)
        if implied != held:  # before the model, or even its names, are made
            raise _Invalid(f"its config implies {implied} parameters, its state holds "
                           f"{held} values")
        shapes = dict(_shapes(name, config))
        missing = [k for k in shapes if k not in state]
        unexpected = [k for k in state if k not in shapes]
        if missing or unexpected:
            raise _Invalid("the state's names do not match the config's: " + ", ".join(
                ([f"missing {_clipped(missing)}"] if missing else [])
                + ([f"unexpected {_clipped(unexpected)}"] if unexpected else [])))
        for key, shape in shapes.items():
            _check_entry(repr(key), state[key], shape)
    except _Invalid as exc:
        raise ValueError(f"{where}: not a valid cydiff.nn model file: {exc}") from None
    return name, config, state


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
    module = _twin(twin, "load()")
    where = f"load({os.fspath(path)!r})"
    return _build(*_model_file(path, where), module)


# --- losses ------------------------------------------------------------------------------

def _items(x: object, where: str, what: str) -> list[Any]:
    """A batch argument as a non-empty list of Values and floats."""
    if _twin_of(x) is not None or _common.as_number(x) is not None:
        items: list[Any] = [x]
    elif isinstance(x, np.ndarray):
        if x.ndim > 1:
            raise TypeError(f"{where}: {what} must be 1-D, not a {x.ndim}-D array")
        items = x.tolist() if x.ndim == 1 else [x.item()]
    elif isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{where}: {what} must be a sequence of real numbers or Values, "
                        f"not {_what(x)}")
    else:
        items = list(cast(Iterable[Any], x))
    if not items:
        raise ValueError(f"{where}: {what} is empty")
    for i, item in enumerate(items):
        if _twin_of(item) is None:
            c = _common.as_number(item)
            if c is None:
                raise TypeError(f"{where}: {what}[{i}] must be a real number or a Value, "
                                f"not {_what(item)}")
            items[i] = c
    return items


def _labels(x: object, where: str, what: str, valid: Callable[[float], bool],
            expected: str) -> list[float]:
    labels = _items(x, where, what)
    for i, label in enumerate(labels):
        if not isinstance(label, float):
            raise TypeError(f"{where}: {what}[{i}] must be a real number, not {_what(label)}")
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
            twin = _twin_of(item)
            if twin is not None and twin is not found:
                if found is not None:
                    raise TypeError(f"{where}: pure and compiled Values do not mix")
                found = twin
    return found if found is not None else _twin(None, where)


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


def binary_cross_entropy(logits: Any, labels: Any, *, reduction: str = "mean") -> Value:
    """Binary cross-entropy from logits z (before the sigmoid), labels y in [0, 1]:

        (1/n) Σ -[y log σ(z) + (1 - y) log(1 - σ(z))] = (1/n) Σ softplus(z) - y·z

    as PyTorch's `binary_cross_entropy_with_logits`. softplus never overflows, and
    labels 0 and 1 take softplus(z) and softplus(-z) exactly (no cancellation).
    """
    where = "binary_cross_entropy()"
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
    i = _int(k, f"{where}: {what}")
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
                        f"ints, not {_what(label_index)}")
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
    params = _parameter_list(parameters, where, for_l2=True)
    twin = _twin_for(where, params)
    return cast("Value", twin.sum([p * p for p in params]))


# --- optimizers --------------------------------------------------------------------------

def _parameter_list(params: object, where: str, for_l2: bool = False) -> list[Value]:
    if isinstance(params, Module):
        params = params.parameters()
    if _twin_of(params) is not None:
        raise TypeError(f"{where} takes a list of Values (model.parameters()), "
                        f"not a single Value")
    if isinstance(params, (str, bytes)) or not hasattr(params, "__iter__"):
        raise TypeError(f"{where} takes a list of Values (model.parameters()), not {_what(params)}")
    out = list(cast(Iterable[Any], params))
    for i, p in enumerate(out):
        if _twin_of(p) is None:
            raise TypeError(f"{where}: parameter {i} must be a Value, not {_what(p)}")
    if for_l2:
        return cast("list[Value]", out)
    if not out:
        raise ValueError(f"{where}: the parameter list is empty")
    if len({id(p) for p in out}) != len(out):
        raise ValueError(f"{where}: a parameter appears more than once")
    return cast("list[Value]", out)


def _hyper(x: object, where: str, name: str, upper: float | None = None,
           positive: bool = False) -> float:
    """A finite real number >= 0 (> 0 if positive, and < upper)."""
    c = _common.as_number(x)
    if c is None or isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be a real number, not {_what(x)}")
    if not (math.isfinite(c) and (c > 0.0 if positive else c >= 0.0)
            and (upper is None or c < upper)):
        bound = (f"in [0, {upper})" if upper is not None else
                 "> 0 and finite" if positive else ">= 0 and finite")
        raise ValueError(f"{where}: {name} must be {bound}, not {c!r}")
    return c


class Optimizer:
    """The base of `SGD` and `Adam`: the parameters, the learning rate, `zero_grad()`."""

    params: list[Value]

    def __init__(self, params: Module | Iterable[Value], lr: float) -> None:
        where = f"{type(self).__name__}()"
        self._lr = _hyper(lr, where, "lr")
        self.params = _parameter_list(params, where)

    @property
    def lr(self) -> float:
        """The learning rate; may be changed between steps (a schedule)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _hyper(value, f"{type(self).__name__}.lr", "lr")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (before the next `backward()`)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter's `data` from its `grad`."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's `torch.optim.SGD` (dampening 0):

        g = p.grad + weight_decay · p.data
        buf = g  (first step),  buf = momentum · buf + g  (later steps)
        g = g + momentum · buf  if nesterov,  else buf      (when momentum > 0)
        p.data = p.data - lr · g

    With no momentum and no weight decay a step is micrograd's
    `p.data -= lr * p.grad`, bit for bit.
    """

    def __init__(self, params: Module | Iterable[Value], lr: float, momentum: float = 0.0, *,
                 nesterov: bool = False, weight_decay: float = 0.0) -> None:
        where = "SGD()"
        self.momentum = _hyper(momentum, where, "momentum")
        self.weight_decay = _hyper(weight_decay, where, "weight_decay")
        if not isinstance(nesterov, (bool, np.bool_)):
            raise TypeError(f"{where}: nesterov must be a bool, not {_what(nesterov)}")
        if nesterov and self.momentum == 0.0:
            raise ValueError(f"{where}: nesterov=True needs a momentum > 0")
        self.nesterov = bool(nesterov)
        super().__init__(params, lr)
        self._buffers: list[float] | None = None

    def step(self) -> None:
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

    which is lr · m̂ / (√v̂ + eps) with the bias-corrected moments m̂, v̂. eps must be
    > 0 (PyTorch allows 0, which divides 0 by 0 where a gradient has stayed 0).
    """

    def __init__(self, params: Module | Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, *,
                 weight_decay: float = 0.0) -> None:
        where = "Adam()"
        if isinstance(betas, (str, bytes)) or not isinstance(betas, (tuple, list)) \
                or len(betas) != 2:
            raise TypeError(f"{where}: betas must be a pair of real numbers, not {_what(betas)}")
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
