"""The contenders: plain floats, cydiff's two twins, and the field, when installed.

Every system gets the same programs; each adapter says how to make a leaf, the
elementary functions, how to backpropagate and how to read a gradient.
Systems not installed are listed with the reason and left out of the tables.
"""

from __future__ import annotations

import importlib
import math
import os
import platform
import sys
from dataclasses import dataclass, field
from typing import Any, Callable

import cydiff
import cydiff.compiled
import cydiff.pure
import numpy


@dataclass
class System:
    name: str
    version: str
    leaf: Callable[[float], Any]                      # an input to differentiate
    backward: Callable[[Any], None]                   # backpropagate from a scalar output
    grad: Callable[[Any], float]                      # a leaf's gradient, as a float
    value: Callable[[Any], float]                     # an output's value, as a float
    fn: dict[str, Callable[[Any], Any]] = field(default_factory=dict)  # relu, sin, exp, tanh


def _cydiff(twin: Any, name: str) -> System:
    def backward(y: Any) -> None:
        y.backward()

    return System(
        name, cydiff.__version__, twin.Value, backward, lambda x: x.grad, lambda y: y.data,
        {"relu": twin.relu, "sin": twin.sin, "exp": twin.exp, "tanh": twin.tanh})


def _micrograd() -> System:
    from micrograd.engine import Value

    def backward(y: Any) -> None:
        y.backward()

    return System("micrograd", _version("micrograd"), Value, backward, lambda x: x.grad,
                  lambda y: y.data, {"relu": lambda v: v.relu()})


def _torch() -> System:
    import torch
    torch.set_num_threads(1)

    def leaf(x: float) -> Any:
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    def backward(y: Any) -> None:
        y.backward()

    return System("PyTorch", torch.__version__, leaf, backward, lambda x: x.grad.item(),
                  lambda y: y.item(),
                  {"relu": torch.relu, "sin": torch.sin, "exp": torch.exp, "tanh": torch.tanh})


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(module)
    except PackageNotFoundError:
        return "?"


FLOATS = {"relu": lambda x: x if x > 0.0 else 0.0, "sin": math.sin, "exp": math.exp,
          "tanh": math.tanh}


def graph_systems() -> tuple[list[System], dict[str, str]]:
    """The systems that build graphs of scalars, and why any are missing."""
    systems = [_cydiff(cydiff.compiled, "cydiff"), _cydiff(cydiff.pure, "cydiff (pure)")]
    missing = {}
    for make, module in ((_micrograd, "micrograd"), (_torch, "torch")):
        try:
            systems.append(make())
        except ImportError as e:
            missing[module] = f"not installed ({e.name}): pip install '.[bench]'"
    return systems, missing


def jax_value_and_grad(f: Callable[..., Any], n_args: int) -> tuple[Callable[..., Any], str]:
    """jax.jit(jax.value_and_grad(f)) over n_args float64 scalars, and JAX's version."""
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
    fns = {"sin": jnp.sin, "exp": jnp.exp, "tanh": jnp.tanh}
    compiled = jax.jit(jax.value_and_grad(lambda *xs: f(*xs, **fns), argnums=tuple(range(n_args))))

    def call(*xs: float) -> tuple[float, list[float]]:
        value, grads = compiled(*xs)  # results as Python floats: that waits for the work
        return float(value), [float(g) for g in grads]

    return call, jax.__version__


def autograd_value_and_grad(f: Callable[..., Any], n_args: int) -> tuple[Callable[..., Any], str]:
    """HIPS autograd's value_and_grad over n_args scalars, and its version."""
    import autograd
    import autograd.numpy as anp
    fns = {"sin": anp.sin, "exp": anp.exp, "tanh": anp.tanh}
    vg = autograd.value_and_grad(lambda v: f(*(v[i] for i in range(n_args)), **fns))

    def call(*xs: float) -> tuple[float, list[float]]:
        value, grads = vg(numpy.array(xs))
        return float(value), [float(g) for g in grads]

    return call, _version("autograd")


def environment() -> list[str]:
    """What the numbers were measured on."""
    lines = [f"{platform.python_implementation()} {platform.python_version()}, "
             f"{platform.machine()}, {platform.processor() or platform.system()}",
             f"cydiff {cydiff.__version__} (default backend: {cydiff.BACKEND}), numpy {numpy.__version__}"]
    for module in ("micrograd", "torch", "jax", "autograd", "casadi"):
        try:
            importlib.import_module(module)
            lines.append(f"{module} {_version(module if module != 'torch' else 'torch')}")
        except ImportError:
            lines.append(f"{module}: not installed")
    lines.append(f"Python executable: {sys.executable}; cydiff from {os.path.dirname(cydiff.__file__)}")
    return lines
