"""A user's script, type-checked (never run) by `make typecheck` under `mypy --strict`:
each assert_type fails the check if a type checker infers another type."""

from typing import Any

import numpy as np
import numpy.typing as npt
from typing_extensions import assert_type

import cydiff
from cydiff import nn

Array = npt.NDArray[np.float64]


def square(x: cydiff.Value) -> cydiff.Value:
    return x * x


def f(v: list[cydiff.Value]) -> cydiff.Value:
    return v[0] * v[1] + cydiff.sin(v[0])


# the numbers: cydiff.Value is the name type checkers show, whichever twin runs
assert_type(cydiff.Value(1.5), cydiff.Value)
assert_type(cydiff.Value(np.float32(1.5)), cydiff.Value)  # numpy scalars are numbers
assert_type(cydiff.Value(2.0) * 3.0 + 1, cydiff.Value)
assert_type(cydiff.Value(2.0).exp().grad, float)
assert_type(cydiff.Dual(1.0, 1.0).sin().deriv, float)
assert_type(cydiff.MultiDual(1.0, (1.0, 0.0)).partials, tuple[float, ...])
assert_type(cydiff.exp(1.0), float)
assert_type(cydiff.exp(cydiff.Value(1.0)), cydiff.Value)
assert_type(cydiff.atan2(cydiff.Dual(1.0), 2.0), cydiff.Dual)
assert_type(cydiff.where(cydiff.less(cydiff.Value(1.0), 2.0), cydiff.Value(1.0), 0.0),
            cydiff.Value)

# the functional API: a float at a number, an array at a sequence
assert_type(cydiff.grad(square)(1.0), float)
assert_type(cydiff.grad(f)([1.0, 2.0]), Array)
assert_type(cydiff.value_and_grad(square)(1.0), tuple[float, float])
assert_type(cydiff.value_and_grad(f)(np.array([1.0, 2.0])), tuple[float, Array])
assert_type(cydiff.derivative(square)(2.0), float)
assert_type(cydiff.derivative(square, 2.0), float)
assert_type(cydiff.hessian(f)([1.0, 2.0]), Array)
assert_type(cydiff.jacobian(f)([1.0, 2.0]), Array)
assert_type(cydiff.hvp(f, [1.0, 2.0], [1.0, 0.0]), Array)
assert_type(cydiff.grad(f, argnums=(0,))(1.0), Any)  # argnums tuples: as f's arguments
assert_type(cydiff.values([1.0, 2.0]), npt.NDArray[np.object_])
assert_type(cydiff.data(cydiff.Value(1.0)), float)
assert_type(cydiff.data(cydiff.values([1.0, 2.0])), Array)
assert_type(cydiff.grads([cydiff.Value(1.0)]), Array)

# tapes
tape = cydiff.trace(f, [1.0, 2.0])
assert_type(tape, cydiff.Tape)
assert_type(tape.grad([1.0, 2.0]), Array)
assert_type(tape.value_and_grad([1.0, 2.0]), tuple[float, Array])
assert_type(tape.hessian([1.0, 2.0]), Array)
assert_type(tape.value_and_grad_batch(np.ones((4, 2))), tuple[Array, Array])

# nn: a one-output model gives a Value; several outputs, annotated, a list
model = nn.MLP(2, [16, 16, 1])
score = model([0.5, -1.0])
assert_type(score, cydiff.Value)
score.backward()
loss = nn.hinge([model(x) for x in ([0.5, -1.0], [1.0, 0.25])], [1, -1]) + 1e-4 * nn.l2(model)
assert_type(loss, cydiff.Value)
several: nn.MLP[list[cydiff.Value]] = nn.MLP(2, [8, 3])
assert_type(several([0.5, -1.0]), list[cydiff.Value])
opt = nn.Adam(model, lr=0.01)
opt.zero_grad()
loss.backward()
opt.step()
model.save("model.json")
assert_type(nn.MLP.load("model.json"), nn.MLP)
assert_type(nn.load("model.json"), nn.Module)
