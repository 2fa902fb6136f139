"""micrograd's demo on cydiff: two moons, an MLP 2-16-16-1, max-margin loss, SGD.

`python -m cydiff demo` (or `make demo`) trains it with the compiled twin, showing
loss and accuracy as it goes, then times a training step on the compiled twin, the
pure twin and micrograd (when installed) side by side, and draws the decision
boundary and the loss curve (with matplotlib: `pip install 'cydiff[demo]'`).
`python -m cydiff demo --xor` trains the seeds' exercise instead: a 2-layer network
learning XOR with a mean squared error.

The training code is micrograd's, as its users write it: only `MLP` and `Value`
come from cydiff.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import random
import statistics
import sys
import time
from typing import Any, Callable, NamedTuple, Optional, TextIO

import numpy

__all__ = ["two_moons", "moons_loss", "train_moons", "train_xor", "run"]


def two_moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[Any, Any]:
    """micrograd's data: sklearn's `make_moons(n, noise)` written out with numpy
    (two interleaved half circles, Gaussian noise), labels -1 and 1."""
    rng = numpy.random.default_rng(seed)
    half = n // 2
    outer = numpy.linspace(0, numpy.pi, half)
    inner = numpy.linspace(0, numpy.pi, n - half)
    X = numpy.vstack([numpy.stack([numpy.cos(outer), numpy.sin(outer)], 1),
                      numpy.stack([1 - numpy.cos(inner), 1 - numpy.sin(inner) - 0.5], 1)])
    X += rng.normal(scale=noise, size=X.shape)
    y = numpy.hstack([-numpy.ones(half), numpy.ones(n - half)])
    return X, y


def moons_loss(model: Any, X: Any, y: Any, Value: Any) -> tuple[Any, float]:
    """micrograd's demo loss, as its notebook writes it: SVM max-margin loss over the
    points plus 1e-4 L2 regularization; returns (loss, accuracy)."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def sgd_step(model: Any, loss: Any, k: int, steps: int = 100) -> None:
    """micrograd's update: zero_grad, backward, and a learning rate decaying from 1.0."""
    model.zero_grad()
    loss.backward()
    learning_rate = 1.0 - 0.9 * k / steps
    for p in model.parameters():
        p.data -= learning_rate * p.grad


class History(NamedTuple):
    loss: list[float]
    accuracy: list[float]
    seconds: list[float]  # per step: forward, backward and update


def train_moons(model: Any, X: Any, y: Any, Value: Any, steps: int = 100,
                report: Optional[Callable[[int, float, float], None]] = None) -> History:
    history = History([], [], [])
    for k in range(steps):
        start = time.perf_counter()
        loss, acc = moons_loss(model, X, y, Value)
        sgd_step(model, loss, k, steps)
        history.seconds.append(time.perf_counter() - start)
        history.loss.append(loss.data)
        history.accuracy.append(acc)
        if report:
            report(k, loss.data, acc)
    return history


def train_moons_tape(model: Any, X: Any, y: Any, twin: Any, steps: int = 100,
                     report: Optional[Callable[[int, float, float], None]] = None) -> History:
    """`train_moons` with a tape: the loss graph is built once, at the model's weights,
    and recorded as a function of them (`Tape.from_graph`); each step replays it
    (`tape.value_and_grad`) and takes micrograd's SGD step on a numpy vector. The relus
    replay as ops, so the losses are `train_moons`'s, bit for bit. The accuracy needs
    the model's scores, which the tape does not give: it is measured with the model
    on every 10th step and the last (and reported unchanged in between). The model
    ends with the trained weights."""
    params = model.parameters()
    loss, _ = moons_loss(model, X, y, twin.Value)
    tape = twin.Tape.from_graph(loss, params)
    theta = numpy.array([p.data for p in params])
    history = History([], [], [])
    accuracy = 0.0
    for k in range(steps):
        if k % 10 == 0 or k == steps - 1:  # at the weights this step's loss is taken at
            _load(params, theta)
            accuracy = moons_loss(model, X, y, twin.Value)[1]
        start = time.perf_counter()
        value, grad = tape.value_and_grad(theta)
        theta -= (1.0 - 0.9 * k / steps) * grad  # micrograd's p.data -= learning_rate * p.grad
        history.seconds.append(time.perf_counter() - start)
        history.loss.append(value)
        history.accuracy.append(accuracy)
        if report:
            report(k, value, accuracy)
    _load(params, theta)
    return history


def _load(params: list[Any], theta: Any) -> None:
    for p, t in zip(params, theta.tolist()):
        p.data = t


# --- progress ---------------------------------------------------------------------------

class Progress:
    """A one-line progress bar with loss and accuracy (a line every 10 steps when the
    output is not a terminal)."""

    def __init__(self, total: int, out: Optional[TextIO] = None, width: int = 30) -> None:
        self.total, self.out, self.width = total, out or sys.stdout, width
        self.live = self.out.isatty()

    def __call__(self, k: int, loss: float, accuracy: float) -> None:
        done = k + 1
        filled = self.width * done // self.total
        bar = "█" * filled + "·" * (self.width - filled)
        text = f"step {done:>4}/{self.total} {bar} loss {loss:.4f}  accuracy {accuracy:.0%}"
        if self.live:
            self.out.write("\r" + text + ("\n" if done == self.total else ""))
            self.out.flush()
        elif done % 10 == 0 or done == self.total or done == 1:
            print(text, file=self.out)


# --- timing side by side -----------------------------------------------------------------

def step_times(contenders: dict[str, Callable[[], None]], budget: float = 1.0,
               rounds: int = 5) -> dict[str, float]:
    """Median seconds per training step of each contender, timed in turns in this process
    after one untimed round (a contender is timed no more once its steps add up to
    `budget`). Each turn starts with a full garbage collection — micrograd's graphs are
    cycles (closures), and collecting them must not fall into the next contender's turn —
    and, for a step under 50 ms, one untimed step: the step is timed warm, as in a
    training loop, not in the caches the contender before it left."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    first = {}
    for name, step in contenders.items():
        start = time.perf_counter()
        step()
        first[name] = time.perf_counter() - start
    for _ in range(rounds):
        for name, step in contenders.items():
            if times[name] and sum(times[name]) > budget:
                continue
            gc.collect()
            if first[name] < 0.05:
                step()
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def _micrograd_step(X: Any, y: Any) -> Optional[Callable[[], None]]:
    try:
        from micrograd.engine import Value  # type: ignore[import-untyped,unused-ignore]
        from micrograd.nn import MLP  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return None
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    return lambda: sgd_step(model, moons_loss(model, X, y, Value)[0], 0)


def _cydiff_step(twin: Any, X: Any, y: Any) -> Callable[[], None]:
    from ..nn import MLP
    model = MLP(2, [16, 16, 1], twin=twin, seed=1337)
    return lambda: sgd_step(model, moons_loss(model, X, y, twin.Value)[0], 0)


def _tape_step(twin: Any, X: Any, y: Any) -> Callable[[], None]:
    from ..nn import MLP
    model = MLP(2, [16, 16, 1], twin=twin, seed=1337)
    params = model.parameters()
    tape = twin.Tape.from_graph(moons_loss(model, X, y, twin.Value)[0], params)
    theta = numpy.array([p.data for p in params])

    def step() -> None:
        theta[:] -= 1.0 * tape.value_and_grad(theta)[1]
    return step


# --- the XOR exercise ---------------------------------------------------------------------

XOR = ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])


def train_xor(twin: Any, steps: int = 500, lr: float = 0.5, seed: int = 0,
              report: Optional[Callable[[int, float, float], None]] = None
              ) -> tuple[Any, list[float]]:
    """The seeds' exercise: a 2-layer network (2-4-1, tanh hidden, sigmoid out) learns
    XOR by gradient descent on the mean squared error."""
    from ..nn import MLP
    model: Any = MLP(2, [4, 1], twin=twin, seed=seed, activation="tanh")
    xs, ys = XOR
    losses = []
    for k in range(steps):
        outs = [model(x).sigmoid() for x in xs]
        loss: Any = sum((o - t) ** 2 for o, t in zip(outs, ys)) * (1.0 / len(xs))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(loss.data)
        if report:
            correct = sum((o.data > 0.5) == (t > 0.5) for o, t in zip(outs, ys))
            report(k, loss.data, correct / len(xs))
    return model, losses


# --- the command --------------------------------------------------------------------------

DESCRIPTION = ("micrograd's demo on cydiff: two moons, an MLP 2-16-16-1, max-margin loss, "
               "SGD; or the seeds' XOR exercise.")


def _steps(text: str) -> int:
    """--steps: a whole number, at least 1."""
    try:
        steps = int(text)
    except ValueError:
        steps = 0
    if steps < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, at least 1, not {text!r}")
    return steps


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo command's options, on its argparse parser."""
    parser.add_argument("--xor", action="store_true", help="train the seeds' XOR exercise instead")
    parser.add_argument("--steps", type=_steps, default=None,
                        help="training steps (100; XOR 500)")
    parser.add_argument("--out", default=".", help="where to write the pictures (.)")
    parser.add_argument("--tape", action="store_true",
                        help="train with a tape: the loss graph recorded once, replayed in C")
    parser.add_argument("--no-compare", action="store_true",
                        help="skip timing the pure twin and micrograd")


def run(args: argparse.Namespace, out: TextIO) -> int:
    """The demo with the options `python -m cydiff demo` parsed; 0 when it reaches 95%."""
    from .. import _twin
    from ..nn import MLP

    say = functools.partial(print, file=out)
    default = _twin.default()  # what `import cydiff` uses
    twin, twin_name = default.module, default.name
    if args.xor:
        steps = args.steps or 500
        say(f"XOR: MLP 2-4-1 (tanh, sigmoid out), mean squared error, {steps} steps "
            f"({twin_name} twin)")
        model, _ = train_xor(twin, steps, report=Progress(steps, out))
        for x, t in zip(*XOR):
            say(f"  {x} -> {model(x).sigmoid().data:.3f}  (target {t:.0f})")
        return 0

    steps = args.steps or 100
    X, y = two_moons()
    model = MLP(2, [16, 16, 1], twin=twin, seed=1337)
    say(f"two moons ({len(X)} points), MLP 2-16-16-1 ({len(model.parameters())} parameters), "
        f"max-margin loss + L2, SGD, {steps} steps ({twin_name} twin"
        + (", a tape)" if args.tape else ")"))
    if args.tape:
        history = train_moons_tape(model, X, y, twin, steps, Progress(steps, out))
    else:
        history = train_moons(model, X, y, twin.Value, steps, Progress(steps, out))
    say(f"final loss {history.loss[-1]:.4f}, accuracy {history.accuracy[-1]:.0%}; "
        f"a training step took {1e3 * statistics.median(history.seconds):.2f} ms (median)")
    if not args.no_compare:
        compare(twin, twin_name, args.tape, X, y, say)
    pictures(model, X, y, history, args.out, say)
    return 0 if history.accuracy[-1] >= 0.95 else 1


def compare(twin: Any, twin_name: str, tape: bool, X: Any, y: Any,
            say: Callable[..., None]) -> None:
    """One training step timed side by side: this twin (with a tape or not), the pure twin
    and micrograd where installed."""
    from .. import pure

    say()
    say("one training step, timed side by side in this process (median; × the first's "
        "time):")
    mine = f"cydiff ({twin_name}{', tape' if tape else ''})"
    contenders = {mine: (_tape_step if tape else _cydiff_step)(twin, X, y)}
    if tape:
        contenders[f"cydiff ({twin_name})"] = _cydiff_step(twin, X, y)
    if twin is not pure:
        contenders["cydiff (pure)"] = _cydiff_step(pure, X, y)
    micrograd = _micrograd_step(X, y)
    if micrograd is not None:
        contenders["micrograd"] = micrograd
    times = step_times(contenders)
    base = times[mine]
    for name, t in times.items():
        say(f"  {name:<24} {1e3 * t:>10.2f} ms   {t / base:>7.1f}×")
    if tape:
        say(f"the tape's step is {times[f'cydiff ({twin_name})'] / base:.0f}× "
            "faster than building the graph anew")
    if micrograd is None:
        say("  micrograd: not installed (pip install micrograd, or 'cydiff[demo]')")
    else:
        say(f"{'the tape' if tape else 'cydiff'}'s step is "
            f"{times['micrograd'] / base:.0f}× faster than micrograd's")


def pictures(model: Any, X: Any, y: Any, history: Any, where: str,
             say: Callable[..., None]) -> None:
    """The decision boundary and the loss curve, as PNGs in `where` (with matplotlib)."""
    from .plots import demo_boundary, demo_loss
    os.makedirs(where, exist_ok=True)
    boundary = os.path.join(where, "demo_boundary.png")
    loss = os.path.join(where, "demo_loss.png")
    try:
        demo_boundary(model, X, y, boundary)
        demo_loss(history, loss)
    except ImportError:
        say("pictures skipped: matplotlib is missing (pip install 'cydiff[demo]')")
        return
    say(f"wrote {boundary} and {loss}")

