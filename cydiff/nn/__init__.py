"""Neural networks of scalar Values: micrograd's `nn`, and what training needs around it.

micrograd's API, exactly: its demo runs with `from cydiff.nn import MLP` in place
of `from micrograd.nn import MLP`::

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
  `mse`, `hinge` (micrograd's max-margin), `binary_cross_entropy` (from probabilities,
  as PyTorch's), `binary_cross_entropy_with_logits` and `softmax_cross_entropy` (from
  logits), and `l2` (Σ p²); `softmax` for predictions.
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

The package has one job a module, as torch.nn, torch.nn.functional and torch.optim
divide theirs: `base` (Module and `load`), `layers` (Neuron, Layer), `modules` (MLP),
`losses`, `optim`, and `files` (the model-file format, which knows no class).
Import from `cydiff.nn`: every name above is here.
"""

from __future__ import annotations

from ._args import ACTIVATIONS
from ._args import Twin as Twin
from .files import FORMAT as FORMAT, VERSION as VERSION
from .losses import REDUCTIONS as REDUCTIONS
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits, hinge, l2, mse,
                     softmax, softmax_cross_entropy)
from .base import M as M, Module, load
from .layers import Layer, Neuron
from .layers import Scalar as Scalar
from .modules import MLP
from .optim import SGD, Adam, Optimizer

__all__ = [
    "ACTIVATIONS", "Adam", "Layer", "MLP", "Module", "Neuron", "Optimizer", "SGD",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge", "l2", "load", "mse",
    "softmax", "softmax_cross_entropy",
]
