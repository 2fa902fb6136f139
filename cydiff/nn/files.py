"""The model-file format: what `save()` writes and `load()` reads, as plain data.

A model file is JSON: {"format": "cydiff.nn", "version": 1, "module": "MLP", "config":
{the constructor's arguments}, "state": {the state_dict()}}. `write_model` writes one;
`read_model` reads one back and checks all of it, returning the module's name, its
config and its state; it builds nothing, and knows no class: `cydiff.nn.base` builds
the model from what it returns.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any, Iterable

from ._args import ACTIVATIONS

FORMAT, VERSION = "cydiff.nn", 1


def write_model(path: str | os.PathLike[str], name: str, config: dict[str, Any],
                state: dict[str, Any]) -> None:
    """Write a model file: the module's name, its constructor's arguments, its state."""
    document = {"format": FORMAT, "version": VERSION, "module": name,
                "config": config, "state": state}
    text = json.dumps(document)  # before open() empties the file: a failure keeps the old one
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# --- reading a model file ----------------------------------------------------------------
#
# Everything in a file is checked before anything is built, so a file of a few bytes
# cannot make the loader allocate more than the file holds: the config must describe a
# model exactly as save() writes it, and the parameters it implies must be the values the
# state holds, counted before the model exists.

class _Invalid(ValueError):
    """Why a file is not a valid model file (raised inside the JSON parser's hooks too)."""


# The modules a file may hold, by the names of their classes in cydiff.nn (those declared
# `saved=True`): for each, the sizes its config needs and the activations it may name.
_CONFIGS = {
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


def read_model(path: str | os.PathLike[str], where: str
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
        if not isinstance(name, str) or name not in _CONFIGS:
            raise _Invalid(f"'module' is {_json_what(name)}; valid: "
                           + ", ".join(repr(m) for m in _CONFIGS))
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

