"""Each figure of the report: its workload, its contenders, its measurement.

Sizes shrink in quick mode (`scale` < 1), which only checks that every path still runs.
"""

from __future__ import annotations

import functools
import math
import random
import sys
from dataclasses import dataclass
from typing import Any, Callable

import cydiff.compiled as C
import cydiff.pure as P
import numpy
from cydiff import nn
from cydiff.tools.demo import two_moons

from harness import Contender, Timing, race
from systems import FLOATS, System, autograd_value_and_grad, jax_value_and_grad

sys.setrecursionlimit(10**6)  # micrograd's topological sort recurses once per level


# --- the workloads ---------------------------------------------------------------------

def float_chain(n: int) -> float:
    """n ops on floats: the chain the graph systems build, as plain Python."""
    y = 0.5
    for _ in range(n // 3):
        y = y * 1.0000001
        y = y + 0.1
        y = y if y > 0.0 else 0.0
    return y


def chain(system: System, n: int) -> tuple[Any, Any]:
    """The same chain as a graph: (leaf, output)."""
    x = system.leaf(0.5)
    y = x
    for _ in range(n // 3):
        y = y * 1.0000001
        y = y + 0.1
        y = y.relu()
    return x, y


def g(x: Any, sin: Callable[[Any], Any], exp: Callable[[Any], Any]) -> Any:
    """The Dual figure's function: sin(x²+1)·exp(−x)/(1+x²)."""
    return sin(x**2 + 1.0) * exp(-x) / (1.0 + x**2)


def f(x: Any, y: Any, z: Any, sin: Any, exp: Any, tanh: Any) -> Any:
    """A 16-op function of 3 inputs with sin, exp, tanh, / and **."""
    a = sin(x * y) + exp(-z)
    b = tanh(a / (1.0 + y**2))
    c = (a * b - z) ** 2 / x
    return c + sin(b) * z


def bratu(u: list[Any], exp: Callable[[Any], Any]) -> list[Any]:
    """The residual of a discretized nonlinear PDE, f: R^n -> R^n: Bratu's problem
    u'' + e^u = 0 by central differences on n interior points, u = 0 at both ends."""
    n = len(u)
    h2 = 1.0 / (n + 1) ** 2
    out = []
    for i in range(n):
        left = u[i - 1] if i > 0 else 0.0
        right = u[i + 1] if i < n - 1 else 0.0
        out.append((left - 2.0 * u[i] + right) / h2 + exp(u[i]))
    return out


def softmax(u: list[Any], exp: Callable[[Any], Any]) -> list[Any]:
    """softmax(u), f: R^n -> R^n, shifted by the largest input: a dense Jacobian."""
    top = max(u)
    z = [exp(x - top) for x in u]
    total = z[0]
    for t in z[1:]:
        total = total + t
    return [t / total for t in z]


def jacobian_by_duals(Dual: Any, f: Callable[[list[Any]], list[Any]], x: list[float]) -> list[list[float]]:
    """f's Jacobian in n forward passes, one Dual seed direction each."""
    n = len(x)
    rows: list[list[float]] = []
    for j in range(n):
        out = f([Dual(v, 1.0 if i == j else 0.0) for i, v in enumerate(x)])
        if not rows:
            rows = [[0.0] * n for _ in out]
        for row, y in zip(rows, out):
            row[j] = y.deriv
    return rows


@functools.lru_cache(maxsize=None)
def chunk_seeds(n: int, start: int, count: int) -> list[tuple[float, ...]]:
    """The partials of n inputs seeded along directions start .. start + count - 1: the
    identity's columns, constants of the shapes (a Jacobian driver keeps them)."""
    return [tuple(1.0 if i == start + k else 0.0 for k in range(count)) for i in range(n)]


def jacobian_by_multiduals(MultiDual: Any, f: Callable[[list[Any]], list[Any]],
                           x: list[float]) -> list[list[float]]:
    """f's Jacobian in ceil(n/8) forward passes, 8 seed directions (a chunk) each."""
    n, chunk = len(x), MultiDual.CHUNK
    rows: list[list[float]] = []
    for start in range(0, n, chunk):
        count = min(chunk, n - start)
        out = f([MultiDual(v, s) for v, s in zip(x, chunk_seeds(n, start, count))])
        if not rows:
            rows = [[0.0] * n for _ in out]
        for row, y in zip(rows, out):
            row[start:start + count] = y.partials
    return rows


def dag_program(n: int, seed: int = 0) -> list[tuple[Any, ...]]:
    """n random ops over 8 inputs, each reading random earlier values: + and * with
    constants, + of two values, relu (the ops micrograd has). Depth grows as log n."""
    rng = random.Random(seed)
    program: list[tuple[Any, ...]] = []
    for k in range(n):
        size = 8 + k
        r = rng.random()
        i = rng.randrange(size)
        if r < 0.3:
            program.append(("add", i, rng.randrange(size)))
        elif r < 0.55:
            program.append(("mul_c", i, rng.uniform(0.5, 1.0)))
        elif r < 0.8:
            program.append(("add_c", i, rng.uniform(-0.1, 0.1)))
        else:
            program.append(("relu", i))
    return program


def run_program(program: list[tuple[Any, ...]], inputs: list[Any],
                relu: Callable[[Any], Any] | None = None) -> Any:
    """The program's output; relu is the method of the values unless given."""
    v = list(inputs)
    for op in program:
        kind = op[0]
        if kind == "add":
            v.append(v[op[1]] + v[op[2]])
        elif kind == "mul_c":
            v.append(v[op[1]] * op[2])
        elif kind == "add_c":
            v.append(v[op[1]] + op[2])
        else:
            v.append(v[op[1]].relu() if relu is None else relu(v[op[1]]))
    return v[-1]


# --- the figures --------------------------------------------------------------------------

@dataclass
class Figure:
    title: str
    rows: list[tuple[str, str]]          # (contender, what was measured)
    notes: list[str]


def chain_figure(systems: list[System], n: int, rounds: int) -> dict[str, dict[str, Timing]]:
    """Forward per op and backward per node on an n-op chain of *, + constants and relu.

    Two races: floats against cydiff's twins (the targets), then cydiff against the
    field. Heavy contenders leave cold caches and a busy allocator behind them, so
    the figures against floats are not run among them."""
    def contenders(chosen: list[System]) -> tuple[dict[str, Contender], dict[str, Contender]]:
        forward = {"floats": Contender(lambda: float_chain(n), n)}
        backward = {"floats": forward["floats"]}  # floats again: the same rounds
        for s in chosen:
            forward[s.name] = Contender(lambda s=s: chain(s, n), n)
            backward[s.name] = Contender(lambda xy, s=s: s.backward(xy[1]), n, lambda s=s: chain(s, n))
        return forward, backward

    twins = [s for s in systems if s.name.startswith("cydiff")]
    field = [s for s in systems if s.name == "cydiff" or not s.name.startswith("cydiff")]
    fwd, bwd = contenders(twins)
    result = {"forward": race(fwd, rounds), "backward": race(bwd, rounds)}
    if len(field) > 1:
        fwd, bwd = contenders(field)
        slow_rounds = max(3, rounds // 2)
        result["field forward"] = race(fwd, slow_rounds)
        result["field backward"] = race(bwd, slow_rounds)
    return result


def dual_figure(points: int, rounds: int) -> dict[str, Timing]:
    """g'(x) by forward mode, one point at a time, against g(x) on floats."""
    xs = [0.001 * i - 3.0 for i in range(points)]
    return race({
        "floats: g(x)": Contender(lambda: [g(x, math.sin, math.exp) for x in xs], points),
        "cydiff Dual: g(x), g'(x)": Contender(
            lambda: [g(C.Dual(x, 1.0), C.sin, C.exp).deriv for x in xs], points),
        "cydiff (pure) Dual": Contender(
            lambda: [g(P.Dual(x, 1.0), P.sin, P.exp).deriv for x in xs], points),
    }, rounds)


def function_figure(systems: list[System], points: int, rounds: int,
                    missing: dict[str, str]) -> dict[str, Timing]:
    """The value and the 3 partial derivatives of f, one point at a time, as Python floats,
    each system driven by the code its users would write."""
    pts = [(0.3 + 0.7 * i / points, -0.7 + 1.4 * i / points, 1.1) for i in range(points)]

    def on_floats() -> list[float]:
        return [f(x, y, z, math.sin, math.exp, math.tanh) for x, y, z in pts]

    def cydiff_twin(m: Any) -> Callable[[], list[Any]]:
        Value, sin, exp, tanh = m.Value, m.sin, m.exp, m.tanh

        def run() -> list[Any]:
            out = []
            for p in pts:
                x, y, z = Value(p[0]), Value(p[1]), Value(p[2])
                r = f(x, y, z, sin, exp, tanh)
                r.backward()
                out.append((r.data, x.grad, y.grad, z.grad))
            return out
        return run

    contenders = {"floats: f(x) only": Contender(on_floats, points),
                  "cydiff": Contender(cydiff_twin(C), points),
                  "cydiff (pure)": Contender(cydiff_twin(P), points)}
    if any(s.name == "PyTorch" for s in systems):
        import torch

        def on_torch() -> list[Any]:
            out = []
            for p in pts:
                x, y, z = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in p)
                r = f(x, y, z, torch.sin, torch.exp, torch.tanh)
                r.backward()
                out.append((r.item(), x.grad.item(), y.grad.item(), z.grad.item()))
            return out
        contenders["PyTorch"] = Contender(on_torch, points)
    for name, make in (("jax.jit(jax.value_and_grad)", jax_value_and_grad),
                       ("autograd (HIPS)", autograd_value_and_grad)):
        try:
            call, _ = make(lambda x, y, z, sin, exp, tanh: f(x, y, z, sin, exp, tanh), 3)
        except ImportError as e:
            missing[name] = f"not installed ({e.name})"
            continue
        contenders[name] = Contender(lambda call=call: [call(*p) for p in pts], points)
    return race(contenders, rounds)


MEMORY = """
import sys, tracemalloc
sys.path.insert(0, {here!r})
import figures, systems
graph, missing = systems.graph_systems()
system = [s for s in graph if s.name == {name!r}][0]
n = {n}
tracemalloc.start()
x, y = figures.chain(system, n)
print(tracemalloc.get_traced_memory()[0] / n)
if {duals}:
    import cydiff.compiled as C, cydiff.pure as P
    Dual = C.Dual if {name!r} == "cydiff" else P.Dual
    duals = [None] * n
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        duals[i] = Dual(float(i), 1.0)
    print((tracemalloc.get_traced_memory()[0] - before) / n)
"""


def memory_figure(systems: list[System], n: int) -> dict[str, float]:
    """Bytes per node of an n-op chain, and per Dual, as tracemalloc counts them.

    Each in a fresh process: the compiled twin reuses freed node memory, which a
    process that has already dropped graphs would not count.
    """
    import os
    import subprocess
    import tempfile
    here = os.path.dirname(os.path.abspath(__file__))
    result = {}
    for s in systems:
        duals = s.name.startswith("cydiff")
        child = subprocess.run([sys.executable, "-c", MEMORY.format(here=here, name=s.name, n=n,
                                                                    duals=duals)],
                               capture_output=True, text=True,
                               cwd=tempfile.gettempdir())  # not the source tree's cydiff
        if child.returncode:
            raise RuntimeError(f"the memory figure of {s.name} failed:\n{child.stderr}")
        out = child.stdout.split()
        result[f"{s.name}: bytes per node"] = float(out[0])
        if duals:
            result[f"{s.name}: bytes per Dual"] = float(out[1])
    return result


def scaling_figure(sizes: list[int], rounds: int) -> dict[int, dict[str, Timing]]:
    """Per-op cost of the compiled twin's chain as it grows, beside floats at each size."""
    relu = C.relu
    out = {}
    for n in sizes:
        def build(n: int = n) -> Any:
            x = C.Value(0.5)
            y = x
            for _ in range(n // 3):
                y = relu(y * 1.0000001 + 0.1)
            return y
        out[n] = race({
            "floats": Contender(lambda n=n: float_chain(n), n),
            "forward": Contender(build, n),
            "backward": Contender(lambda y: y.backward(), n, build),
        }, rounds)
    return out


def dag_figure(systems: list[System], sizes: list[int], limits: dict[str, int],
               rounds: int, missing: dict[str, str]) -> dict[str, dict[int, float]]:
    """Forward + backward per op of random DAGs, for every system up to its size limit."""
    curves: dict[str, dict[int, float]] = {}
    ag = None
    try:
        import autograd  # noqa: F401
        ag = True
    except ImportError:
        missing.setdefault("autograd (HIPS)", "not installed")
    for n in sizes:
        program = dag_program(n)
        inputs = [0.5 + 0.05 * i for i in range(8)]
        contenders = {"floats (forward only)": Contender(
            lambda p=program: run_program(p, inputs, FLOATS["relu"]), n)}
        for s in systems:
            if n > limits.get(s.name, sys.maxsize):
                continue

            def step(s: System = s, p: list[Any] = program) -> Any:
                leaves = [s.leaf(v) for v in inputs]
                y = run_program(p, leaves)
                s.backward(y)
                return y
            contenders[s.name] = Contender(step, n)
        if ag and n <= limits.get("autograd (HIPS)", sys.maxsize):
            import autograd
            import autograd.numpy as anp
            grad = autograd.grad(lambda v, p=program: run_program(
                p, [v[i] for i in range(8)], lambda t: anp.maximum(t, 0.0)))
            contenders["autograd (HIPS)"] = Contender(lambda grad=grad: grad(numpy.array(inputs)), n)
        for name, timing in race(contenders, rounds).items():
            curves.setdefault(name, {})[n] = timing.median
    return curves


def dot_figure(n_inputs: int, rounds: int) -> dict[str, Timing]:
    """A neuron: one fused dot node against a chain of * and + (forward and backward)."""
    xs = [0.01 * i for i in range(n_inputs)]

    def fused(ws: list[Any]) -> Any:
        y = (C if type(ws[0]) is C.Value else P).dot(ws, xs)
        y.backward()
        return y

    def chained(ws: list[Any]) -> Any:
        y = ws[0] * xs[0]
        for w, x in zip(ws[1:], xs[1:]):
            y = y + w * x
        y.backward()
        return y

    def weights(m: Any) -> Callable[[], list[Any]]:
        return lambda: [m.Value(0.5) for _ in range(n_inputs)]  # setup: not clocked
    return race({"cydiff dot": Contender(fused, n_inputs, weights(C)),
                 "cydiff chain of * and +": Contender(chained, n_inputs, weights(C)),
                 "cydiff (pure) dot": Contender(fused, n_inputs, weights(P)),
                 "cydiff (pure) chain of * and +": Contender(chained, n_inputs, weights(P))}, rounds)


JACOBIAN_WORKLOADS: dict[str, Callable[[list[Any], Callable[[Any], Any]], list[Any]]] = {
    "Bratu residual": bratu, "softmax": softmax}


def jacobian_figure(sizes: list[int], rounds: int) -> dict[tuple[str, int], dict[str, Timing]]:
    """A forward-mode Jacobian of f: R^n -> R^n, compiled twin: ceil(n/8) MultiDual passes
    against n Dual passes (and f once on floats, for scale), per Jacobian; and the same
    through `cydiff.jacobian`, which also packs x and the float64 result."""
    out = {}
    for name, work in JACOBIAN_WORKLOADS.items():
        for n in sizes:
            x = [0.5 * math.sin(1.0 + i) for i in range(n)]
            f = lambda u, work=work: work(u, C.exp)  # noqa: E731
            api = C.jacobian(f, mode="forward")
            by_duals = jacobian_by_duals(C.Dual, f, x)
            by_chunks = jacobian_by_multiduals(C.MultiDual, f, x)
            if by_duals != by_chunks or api(x).tolist() != by_duals:  # the tests check the bits
                raise AssertionError(f"the Jacobians of {name} differ at n = {n}")
            out[(name, n)] = race({
                "floats: f(x) once": Contender(lambda work=work, x=x: work(x, math.exp), 1),
                "n Dual passes": Contender(lambda f=f, x=x: jacobian_by_duals(C.Dual, f, x), 1),
                "ceil(n/8) MultiDual passes": Contender(
                    lambda f=f, x=x: jacobian_by_multiduals(C.MultiDual, f, x), 1),
                "cydiff.jacobian(f, mode='forward')": Contender(lambda api=api, x=x: api(x), 1),
            }, rounds)
    return out


# --- micrograd's demo: two moons, MLP 2-16-16-1, max-margin loss + L2 --------------------

def demo_loss(model: Any, X: Any, y: Any, total: Callable[[list[Any]], Any]) -> Any:
    """micrograd's demo loss over all points: max-margin, plus L2 on the parameters."""
    inputs = [list(map(float, xrow)) for xrow in X]
    scores = [model(x) for x in inputs]
    losses = [(1 + -float(yi) * score).relu() for yi, score in zip(y, scores)]
    data_loss = total(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * total([p * p for p in model.parameters()])
    return data_loss + reg_loss


def demo_step(model: Any, X: Any, y: Any, total: Callable[[list[Any]], Any]) -> float:
    """One step of micrograd's demo: loss over all points, backward, SGD."""
    loss = demo_loss(model, X, y, total)
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= 0.05 * p.grad
    return loss.data


def demo_figure(rounds: int, missing: dict[str, str]) -> dict[str, Timing]:
    X, y = two_moons()
    contenders = {}
    for name, m in (("cydiff", C), ("cydiff (pure)", P)):
        model = nn.MLP(2, [16, 16, 1], twin=m, seed=1337)
        contenders[name] = Contender(lambda model=model, m=m: demo_step(model, X, y, m.sum), 1)
    try:
        from micrograd.nn import MLP
        random.seed(1337)
        mg = MLP(2, [16, 16, 1])
        contenders["micrograd"] = Contender(lambda: demo_step(mg, X, y, sum), 1)
    except ImportError:
        missing["micrograd"] = "not installed"
    return race(contenders, rounds)


# --- traced tapes: the demo's loss as a function of its 337 parameters -------------------

TAPE_GRAPH = "build the graph, backward, SGD (compiled Values)"
TAPE_REPLAY = "tape.value_and_grad, SGD"
TAPE_TORCH = "PyTorch, batched, float64, 1 thread"

@dataclass
class TapeFigure:
    ops: int                   # len(tape)
    unfused_ops: int           # the same loss as micrograd builds it
    step: dict[str, Timing]    # one training step: graph, tape, PyTorch
    batch: dict[str, Timing]   # value_and_grad_batch per row, by threads
    rows: int


def torch_demo_step(model: Any, X: Any, y: Any) -> Callable[[], float] | None:
    """The demo's step as PyTorch users batch it: float64 tensors, one thread, the same
    weights, loss and SGD update (computed, not applied, as in `tape_figure`)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    weights = []
    for layer in model.layers:
        W = [[w.data for w in n.w] for n in layer.neurons]
        weights += [torch.tensor(W, dtype=torch.float64).T.contiguous().requires_grad_(),
                    torch.tensor([n.b.data for n in layer.neurons],
                                 dtype=torch.float64).requires_grad_()]
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)

    def step() -> float:
        for w in weights:
            w.grad = None
        h = Xt
        for k in range(0, len(weights), 2):
            h = h @ weights[k] + weights[k + 1]
            if k + 2 < len(weights):
                h = torch.relu(h)
        losses = torch.relu(1 - yt * h.squeeze(1))
        loss = losses.mean() + 1e-4 * sum((w * w).sum() for w in weights)
        loss.backward()
        with torch.no_grad():
            stepped = [w - 0.05 * w.grad for w in weights]  # the update, not applied
        del stepped
        return loss.item()
    return step


class UnfusedMLP:
    """micrograd's MLP as its nn.py writes it, on compiled Values: each neuron a chain of
    `*` and `+` (no fused dot), so the demo's loss graph has micrograd's ~65k ops."""

    def __init__(self, model: Any) -> None:  # the weights of a cydiff.nn.MLP
        self.layers = [[(n.w, n.b, n.activation) for n in layer.neurons] for layer in model.layers]

    def __call__(self, x: list[Any]) -> Any:
        for layer in self.layers:
            out = []
            for w, b, activation in layer:
                act = sum((wi * xi for wi, xi in zip(w, x)), b)
                out.append(act.relu() if activation == "relu" else act)
            x = out
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for w, b, _ in layer for p in [*w, b]]


def tape_figure(rounds: int, rows: int, missing: dict[str, str]) -> TapeFigure:
    """A training step three ways, at the model's initial weights every time: the SGD
    update is computed but not applied, so that every turn replays the same point (as
    training goes on, dead relus shorten a replay's backward sweep). The loss graph is
    cydiff.nn's (fused dots) and, as micrograd builds it, unfused."""
    X, y = two_moons()
    model = nn.MLP(2, [16, 16, 1], twin=C, seed=1337)
    step: dict[str, Contender] = {}
    tapes = {}
    for fused, net, total in ((True, model, C.sum), (False, UnfusedMLP(model), sum)):
        params = net.parameters()
        tape = C.Tape.from_graph(demo_loss(net, X, y, total), params)
        theta = numpy.array([p.data for p in params])

        def graph_step(net: Any = net, params: list[Any] = params, total: Any = total) -> Any:
            loss = demo_loss(net, X, y, total)
            for p in params:
                p.grad = 0.0
            loss.backward()
            return [p.data - 0.05 * p.grad for p in params]

        def tape_step(tape: Any = tape, theta: Any = theta) -> Any:
            return theta - 0.05 * tape.value_and_grad(theta)[1]

        key = "" if fused else " (unfused)"
        step[TAPE_GRAPH + key] = Contender(graph_step, 1)
        step[TAPE_REPLAY + key] = Contender(tape_step, 1)
        tapes[fused] = (tape, theta)
    tape, theta = tapes[True]
    torch_step = torch_demo_step(model, X, y)
    if torch_step is None:
        missing["PyTorch (tape figure)"] = "not installed"
    else:
        step[TAPE_TORCH] = Contender(torch_step, 1)
    points = theta + numpy.random.default_rng(0).normal(scale=0.01, size=(rows, len(theta)))
    batch = {f"threads={k}": Contender(
        lambda k=k: tape.value_and_grad_batch(points, threads=k), rows) for k in (1, 2)}
    return TapeFigure(len(tape), len(tapes[False][0]), race(step, rounds), race(batch, rounds),
                      rows)


def rosenbrock(x: Any) -> Any:
    return C.sum([100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
                  for i in range(len(x) - 1)])


def second_order_figure(n: int, rounds: int) -> dict[str, Timing]:
    """Gradient, Hessian-vector product and Hessian of the n-D Rosenbrock function: the
    functional API (which builds f's graph every call and sweeps second order in
    Python) against a tape of it (traced once, replayed in C)."""
    x = numpy.random.default_rng(0).normal(size=n)
    v = numpy.ones(n)
    tape = C.trace(rosenbrock, x)
    hessian = C.hessian(rosenbrock)
    return race({
        "cydiff.grad(f)(x)": Contender(lambda: C.grad(rosenbrock)(x), 1),
        "tape.grad(x)": Contender(lambda: tape.grad(x), 1),
        "cydiff.hvp(f, x, v)": Contender(lambda: C.hvp(rosenbrock, x, v), 1),
        "tape.hvp(x, v)": Contender(lambda: tape.hvp(x, v), 1),
        "cydiff.hessian(f)(x)": Contender(lambda: hessian(x), 1),
        "tape.hessian(x)": Contender(lambda: tape.hessian(x), 1),
    }, rounds)
