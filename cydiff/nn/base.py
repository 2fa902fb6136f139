"""`Module`, the base of every model: micrograd's `parameters()` and `zero_grad()`, the
state dicts, saving, and `load`, which rebuilds any model a file holds; and
`parameter_list`, the check of what an optimizer or `l2` is given.

The file format (writing, reading, checking) is `cydiff.nn.files`, which knows no class:
it hands back a module's name, config and state. The classes a file may name declare
themselves: ``class Neuron(Module, saved=True)`` puts `Neuron` in the table `load`
builds from.
"""

from __future__ import annotations

import os
import random
from types import ModuleType
from typing import TYPE_CHECKING, Any, Iterable, Mapping, TypeVar, cast

import numpy as np

from .. import _common
from . import _args, files
from ._args import Twin

if TYPE_CHECKING:
    from .. import Value  # the public type, whichever twin the model's parameters are

M = TypeVar("M", bound="Module")

# the classes a model file names, by name (the ones whose configs `files` knows)
_SAVED: dict[str, type[Module]] = {}


class Module:
    """The base of every model: its parameters, their gradients, saving and loading.

    A subclass lists its trainable Values in `parameters()`; `zero_grad`,
    `state_dict` and `load_state_dict` then work on them. `Neuron`, `Layer` and
    `MLP` name their parameters ("w", "b") and can be saved to a file.

    Examples
    --------
    >>> from cydiff import Value
    >>> from cydiff.nn import Module
    >>> class Line(Module):
    ...     def __init__(self):
    ...         self.a, self.b = Value(2.0), Value(0.5)
    ...     def __call__(self, x):
    ...         return self.a * x + self.b
    ...     def parameters(self):
    ...         return [self.a, self.b]
    >>> line = Line()
    >>> line(3.0).backward()
    >>> [p.grad for p in line.parameters()]
    [3.0, 1.0]
    >>> line.zero_grad()
    >>> line.state_dict()
    {'parameters': [2.0, 0.5]}
    """

    def __init_subclass__(cls, *, saved: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if saved:
            _SAVED[cls.__name__] = cls

    def parameters(self) -> list[Value]:
        """The trainable Values, in a fixed order.

        Returns
        -------
        list of Value
            The model's own Values (not copies): an optimizer updates their `data`.
            The base class has none.

        Examples
        --------
        >>> from cydiff.nn import Neuron
        >>> len(Neuron(3, seed=0).parameters())   # 3 weights and a bias
        4
        """
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0, before the next `backward()`.

        `backward()` adds to the gradients it finds, as micrograd's does.

        Examples
        --------
        >>> from cydiff.nn import Neuron
        >>> n = Neuron(2, seed=0)
        >>> n([1.0, 2.0]).backward()
        >>> n.zero_grad()
        >>> [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    # A model's `twin` is a module, which pickle and deepcopy refuse: it travels as its
    # name (under a key of its own), and loads as that twin, or as the pure one where the
    # compiled one is missing (as the parameters, pickled Values, do).
    def __getstate__(self) -> dict[str, Any]:
        state = dict(vars(self))
        name = _args.twin_module_name(state.get("twin"))
        if name is not None:
            del state["twin"]
            state["_twin_name"] = name
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        if "_twin_name" in state:
            state["twin"] = _args.loadable_twin(state.pop("_twin_name"))
        vars(self).update(state)

    def _named(self) -> dict[str, Any]:
        """The parameters by name, each a Value or a (nested) list of Values."""
        return {"parameters": self.parameters()}

    def state_dict(self) -> dict[str, Any]:
        """The parameters' values by name.

        Returns
        -------
        dict
            Floats, in lists shaped as the parameters are: a `Neuron` gives
            ``{"w": [nin floats], "b": float}``, a `Layer` ``{"w": [nout rows of nin],
            "b": [nout]}``, an `MLP` the same for each layer, prefixed ``"layers.0."``,
            ``"layers.1."``, ... as PyTorch names them.

        Examples
        --------
        >>> from cydiff.nn import Neuron
        >>> state = Neuron(2, seed=1).state_dict()
        >>> sorted(state), len(state["w"]), state["b"]
        (['b', 'w'], 2, 0.0)
        """
        return {name: _data(tensor) for name, tensor in self._named().items()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set the parameters' values from a `state_dict()` of this architecture.

        Parameters
        ----------
        state : mapping
            The names of `state_dict()`, each with real numbers (or numpy arrays)
            shaped as that entry.

        Raises
        ------
        TypeError
            If `state` is not a mapping, or an entry is not a real number or a list
            of them where the model has one.
        ValueError
            If the keys are not exactly the model's, or an entry's length differs.
            Nothing has changed when an error is raised.

        Examples
        --------
        >>> from cydiff.nn import MLP
        >>> a, b = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
        >>> b.load_state_dict(a.state_dict())
        >>> b([0.5, -1.0]).data == a([0.5, -1.0]).data
        True
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
        """Write the architecture and the parameters to a JSON file.

        `cydiff.nn.load(path)` rebuilds the model bit for bit: every float is written
        in the shortest form that reads back to it (inf and nan as Infinity and NaN).

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (replaced if it exists).

        Raises
        ------
        TypeError
            If the model is not a `Neuron`, `Layer` or `MLP` (a subclass would load
            as its base), or a `Layer`'s neurons have different activations: save
            its `state_dict()` yourself.
        OSError
            If the file cannot be written.

        Examples
        --------
        >>> import os, tempfile
        >>> from cydiff.nn import MLP, load
        >>> model = MLP(2, [4, 1], seed=0)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> model.save(path)
        >>> load(path)([0.5, -1.0]).data == model([0.5, -1.0]).data
        True
        """
        name = type(self).__name__
        if _SAVED.get(name) is not type(self):
            problem = ("is a subclass of a cydiff.nn module and would load as its base"
                       if isinstance(self, tuple(_SAVED.values())) else
                       "cannot describe its architecture (only Neuron, Layer and MLP can)")
            raise TypeError(f"save(): a {name} {problem}; save its state_dict() yourself")
        files.write_model(path, name, self._config(), self.state_dict())

    @classmethod
    def load(cls: type[M], path: str | os.PathLike[str], *, twin: Twin = None) -> M:
        """The model saved at `path`, checked to be of this class before it is built.

        Parameters
        ----------
        path : str or os.PathLike
            A file `save` wrote.
        twin : module or {"pure", "compiled"}, optional
            The twin whose Values the parameters are; by default the one
            ``import cydiff`` gives.

        Returns
        -------
        Module
            A model of this class (or a subclass), with the parameters bit for bit.

        Raises
        ------
        TypeError
            If the file holds another kind of model.
        ValueError
            If the file is not a valid model file (see `cydiff.nn.load`).

        Examples
        --------
        >>> import os, tempfile
        >>> from cydiff.nn import MLP, Neuron
        >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
        >>> MLP(2, [3, 1], seed=0).save(path)
        >>> MLP.load(path, twin="pure")
        MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]
        >>> Neuron.load(path)
        Traceback (most recent call last):
        TypeError: Neuron.load(): '...model.json' holds a saved MLP
        """
        module = _args.twin_module(twin, f"{cls.__name__}.load()")
        name, config, state = files.read_model(path, f"load({os.fspath(path)!r})")
        if not issubclass(_SAVED[name], cls):
            raise TypeError(f"{cls.__name__}.load(): {os.fspath(path)!r} holds a saved {name}")
        return cast(M, _build(name, config, state, module))


def _build(name: str, config: dict[str, Any], state: dict[str, Any], module: ModuleType
           ) -> Module:
    """The checked model, on `module`; initialization draws nothing from global `random`."""
    saved: Any = _SAVED[name]  # a saved class takes its config, `twin` and `rng`
    model: Module = saved(**config, twin=module, rng=random.Random(0))
    model.load_state_dict(state)
    return model


def load(path: str | os.PathLike[str], *, twin: Twin = None) -> Module:
    """The model a `save` wrote, with its parameters bit for bit.

    The whole file is checked before the model is built, and the parameters the
    config implies (nin + 1 for a Neuron, nout·(nin + 1) for a Layer, the sum over the
    layers for an MLP) must be as many as the file's values, so no allocation is
    larger than the file warrants. Nothing is drawn from Python's global `random`.

    Parameters
    ----------
    path : str or os.PathLike
        A file `Module.save` wrote.
    twin : module or {"pure", "compiled"}, optional
        The twin whose Values the parameters are; by default the one ``import cydiff``
        gives.

    Returns
    -------
    Module
        The `Neuron`, `Layer` or `MLP` the file holds.

    Raises
    ------
    ValueError
        If the file is not a valid model file, saying why: not UTF-8, not JSON, nested
        too deeply, a number beyond the float range, a key twice in one object, a
        missing or unexpected key, a "version" that is not the integer 1, an unknown
        "module", a config unlike the one `save` writes (sizes are integers >= 1,
        activations known names), or a state unlike the config's shapes.
    OSError
        If the file cannot be read.

    Examples
    --------
    >>> import os, tempfile
    >>> from cydiff.nn import Layer, load
    >>> path = os.path.join(tempfile.mkdtemp(), "layer.json")
    >>> Layer(2, 3, activation="tanh", seed=4).save(path)
    >>> load(path, twin="pure")
    Layer of [TanhNeuron(2), TanhNeuron(2), TanhNeuron(2)]
    >>> with open(path, "w") as f:
    ...     _ = f.write('{"version": 2}')
    >>> load(path)
    Traceback (most recent call last):
    ValueError: load('...layer.json'): ...
    """
    module = _args.twin_module(twin, "load()")
    where = f"load({os.fspath(path)!r})"
    return _build(*files.read_model(path, where), module)


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
