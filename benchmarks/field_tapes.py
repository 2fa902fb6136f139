"""Tapes against the field: record once, evaluate many times (issue 17's table).

Every row races, in one process, a cydiff tape against what the field offers for the
same work, called from Python, and a hand-written C function of the same work
(`hand/*.c` through ctypes: the physical limit):

- micrograd's demo loss (MLP 2-16-16-1 on 100 points) and its gradient at one point:
  the tape, the hand C, CasADi (an SX Function of the scalar graph, and an MX Function of
  the matrix-level graph), jax.jit(jax.value_and_grad);
- the same at 256 weight vectors: `value_and_grad_batch` on 1 and 2 threads, the hand C
  serial loop, jax.jit(jax.vmap(...)), CasADi's map;
- the n-D Rosenbrock function (written with `x**2`, as scipy's `rosen`): the tape's
  Hessian against its gradient, CasADi's sparse Hessian, jax.jit(jax.hessian), hand C;
  and the `x**2` tape against the `x*x` one;
- recording: `trace` against building the graph once and calling `backward()`;
- g'(x) of the forward-mode figure's g over 10^5 points: the tape's batch, JAX's
  jit(vmap(grad)), hand C.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cydiff.compiled as C
import numpy
from cydiff import nn
from cydiff.tools.demo import two_moons

import hand
from figures import demo_loss, g, rosenbrock
from harness import Contender, Timing, race


@dataclass
class FieldFigure:
    rows: dict[str, dict[str, Timing]] = field(default_factory=dict)  # row -> contender -> time
    notes: dict[str, str] = field(default_factory=dict)


def _jax() -> Any:
    import jax
    jax.config.update("jax_enable_x64", True)
    return jax


def _first(result: Any) -> float:
    """A contender's value (the first of what it returns)."""
    return float(numpy.asarray(result[0]).ravel()[0])


def _agree(what: str, expected: float, values: dict[str, float]) -> None:
    """Every contender computes the same thing (to rounding): or the race is void."""
    for name, value in values.items():
        if abs(value - expected) > 1e-12 * max(1.0, abs(expected)):
            raise AssertionError(f"{what}: {name} gives {value!r}, the tape {expected!r}")


# --- the demo loss ----------------------------------------------------------------------

def _mlp_weights(model: Any) -> list[tuple[Any, Any]]:
    """(W, b) per layer as float64 arrays, W of shape (nout, nin)."""
    return [(numpy.array([[w.data for w in n.w] for n in layer.neurons]),
             numpy.array([n.b.data for n in layer.neurons])) for layer in model.layers]


def _unflatten(theta: Any, shapes: list[tuple[int, int]], xp: Any) -> list[tuple[Any, Any]]:
    """theta in cydiff.nn's order (per neuron: its weights, then its bias) -> (W, b)s."""
    out, k = [], 0
    for nout, nin in shapes:
        block = theta[k:k + nout * (nin + 1)].reshape(nout, nin + 1)
        out.append((block[:, :nin], block[:, nin]))
        k += nout * (nin + 1)
    return out


def _loss_of_weights(layers: list[tuple[Any, Any]], X: Any, y: Any, xp: Any, relu: Any) -> Any:
    h = X
    for k, (W, b) in enumerate(layers):
        h = h @ W.T + b
        if k + 1 < len(layers):
            h = relu(h)
    losses = relu(1.0 + -y * h[:, 0])
    reg = sum(xp.sum(W * W) + xp.sum(b * b) for W, b in layers)
    return xp.sum(losses) * (1.0 / len(y)) + 1e-4 * reg


def demo_rows(figure: FieldFigure, rounds: int, batch: int, lib: Any) -> None:
    X, y = two_moons()
    X, y = numpy.ascontiguousarray(X, dtype=float), numpy.ascontiguousarray(y, dtype=float)
    model = nn.MLP(2, [16, 16, 1], twin=C, seed=1337)
    params = model.parameters()
    tape = C.Tape.from_graph(demo_loss(model, X, y, C.sum), params)
    theta = numpy.array([p.data for p in params])
    shapes = [(16, 2), (16, 16), (1, 16)]
    one: dict[str, Contender] = {"cydiff tape.value_and_grad": Contender(
        lambda: tape.value_and_grad(theta), 1)}
    if lib is not None:
        grad = numpy.empty(len(theta))
        px, py, pt, pg = map(hand.pointer, (X, y, theta, grad))
        one["hand-written C (ctypes)"] = Contender(lambda: lib.demo_loss(pt, px, py, len(y), pg), 1)
    try:
        import casadi as ca
        p = ca.SX.sym("p", len(theta))
        loss = _sx_loss(p, shapes, X, y)
        sx = ca.Function("sx", [p], [loss, ca.gradient(loss, p)])
        one["CasADi SX Function"] = Contender(lambda: [numpy.asarray(r) for r in sx(theta)], 1)
        pm = ca.MX.sym("p", len(theta))
        layers = _unflatten_mx(pm, shapes)
        mloss = _mx_loss(layers, X, y)
        mx = ca.Function("mx", [pm], [mloss, ca.gradient(mloss, pm)])
        one["CasADi MX Function (matrices)"] = Contender(lambda: [numpy.asarray(r) for r in mx(theta)], 1)
        figure.notes["casadi"] = ca.__version__
    except ImportError:
        figure.notes["casadi"] = "not installed"
    try:
        jax = _jax()
        import jax.numpy as jnp
        Xj, yj = jnp.asarray(X), jnp.asarray(y)

        def jloss(t: Any) -> Any:
            return _loss_of_weights(_unflatten(t, shapes, jnp), Xj, yj, jnp, jax.nn.relu)
        vg = jax.jit(jax.value_and_grad(jloss))
        one["jax.jit(jax.value_and_grad)"] = Contender(
            lambda: [numpy.asarray(r) for r in vg(theta)], 1)
        vgb = jax.jit(jax.vmap(jax.value_and_grad(jloss)))
        figure.notes["jax"] = jax.__version__
    except ImportError:
        vgb = None
        figure.notes["jax"] = "not installed"
    _agree("the demo loss", tape.value(theta), {
        name: _first(c.run()) for name, c in one.items() if "tape" not in name and "C (" not in name})
    figure.rows["demo loss and gradient, one point"] = race(one, rounds)

    points = theta + numpy.random.default_rng(0).normal(scale=0.01, size=(batch, len(theta)))
    many: dict[str, Contender] = {
        f"cydiff value_and_grad_batch, {k} thread{'s' * (k > 1)}": Contender(
            lambda k=k: tape.value_and_grad_batch(points, threads=k), batch) for k in (1, 2)}
    if lib is not None:
        values, grads = numpy.empty(batch), numpy.empty_like(points)
        pp, pv, pgs = map(hand.pointer, (points, values, grads))
        many["hand-written C, serial loop"] = Contender(
            lambda: lib.demo_loss_rows(pp, batch, px, py, len(y), pv, pgs), batch)
        half = batch // 2  # the machine's own scaling: the same loop on two threads
        halves = [(hand.pointer(points[lo:]), batch // 2 if lo == 0 else batch - half,
                   hand.pointer(values[lo:]), hand.pointer(grads[lo:])) for lo in (0, half)]
        kept = ThreadPoolExecutor(1)  # a thread kept between calls, as cydiff's batches keep theirs
        many["hand-written C, 2 threads"] = Contender(
            lambda: _two_threads(kept, lib.demo_loss_rows, [(p, k, px, py, len(y), v, g)
                                                            for p, k, v, g in halves]), batch)
    if vgb is not None:
        many["jax.jit(jax.vmap(jax.value_and_grad))"] = Contender(
            lambda: [numpy.asarray(r) for r in vgb(points)], batch)
    figure.rows[f"demo loss and gradient, {batch} points"] = race(many, rounds)


def _two_threads(kept: ThreadPoolExecutor, call: Any, args: list[tuple[Any, ...]]) -> None:
    """call(*args[1]) on the kept thread while this one runs call(*args[0]) (ctypes lets
    the GIL go during a foreign call)."""
    other = kept.submit(call, *args[1])
    call(*args[0])
    other.result()


def _sx_loss(p: Any, shapes: list[tuple[int, int]], X: Any, y: Any) -> Any:
    """demo_loss on CasADi SX scalars: the same graph of scalars as cydiff's."""
    import casadi as ca
    net = _SXNet(p, shapes)
    losses = [ca.fmax(1 + -float(yi) * net(list(map(float, xrow))), 0.0) for xrow, yi in zip(X, y)]
    data = ca.sum1(ca.vertcat(*losses)) * (1.0 / len(losses))
    return data + 1e-4 * ca.sum1(p * p)


class _SXNet:
    """The demo's MLP on CasADi SX scalars: the same graph of scalars as cydiff's."""

    def __init__(self, p: Any, shapes: list[tuple[int, int]]) -> None:
        self.p, self.shapes = p, shapes

    def __call__(self, x: list[Any]) -> Any:
        import casadi as ca
        k = 0
        for layer, (nout, nin) in enumerate(self.shapes):
            out = []
            for _ in range(nout):
                act = sum((self.p[k + i] * x[i] for i in range(nin)), self.p[k + nin])
                out.append(ca.fmax(act, 0.0) if layer + 1 < len(self.shapes) else act)
                k += nin + 1
            x = out
        return x[0]


def _unflatten_mx(p: Any, shapes: list[tuple[int, int]]) -> list[tuple[Any, Any]]:
    out, k = [], 0
    for nout, nin in shapes:
        block = p[k:k + nout * (nin + 1)]
        W = block.reshape((nin + 1, nout)).T  # casadi reshapes column-major
        out.append((W[:, :nin], W[:, nin]))
        k += nout * (nin + 1)
    return out


def _mx_loss(layers: list[tuple[Any, Any]], X: Any, y: Any) -> Any:
    """The demo loss on CasADi MX matrices (CasADi does not broadcast: biases repeated)."""
    import casadi as ca
    m = len(y)
    h = ca.DM(X)
    for k, (W, b) in enumerate(layers):
        h = ca.mtimes(h, W.T) + ca.repmat(b.T, m, 1)
        if k + 1 < len(layers):
            h = ca.fmax(h, 0.0)
    losses = ca.fmax(1.0 + -ca.DM(y) * h, 0.0)
    reg = sum(ca.sumsqr(W) + ca.sumsqr(b) for W, b in layers)
    return ca.sum1(losses) * (1.0 / m) + 1e-4 * reg


# --- Rosenbrock: Hessians and x**2 ------------------------------------------------------

def rosenbrock_mul(x: Any) -> Any:
    return C.sum([100.0 * (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i])
                  + (1.0 - x[i]) * (1.0 - x[i]) for i in range(len(x) - 1)])


def rosenbrock_rows(figure: FieldFigure, rounds: int, sizes: list[int], lib: Any) -> None:
    for n in sizes:
        x = numpy.random.default_rng(n).normal(size=n)
        tape, tape_mul = C.trace(rosenbrock, x), C.trace(rosenbrock_mul, x)
        row: dict[str, Contender] = {
            "cydiff tape.grad (x**2)": Contender(lambda t=tape: t.grad(x), 1),
            "cydiff tape.grad (x*x)": Contender(lambda t=tape_mul: t.grad(x), 1),
            "cydiff tape.hessian": Contender(lambda t=tape: t.hessian(x), 1),
        }
        try:
            import scipy.sparse  # noqa: F401 - the sparse result's type
            row["cydiff tape.hessian(sparse=True)"] = Contender(
                lambda t=tape: t.hessian(x, sparse=True).toarray(), 1)
        except ImportError:
            pass
        if lib is not None:
            g_out, H = numpy.empty(n), numpy.empty((n, n))
            px, pg, pH = map(hand.pointer, (x, g_out, H))
            row["hand-written C gradient"] = Contender(lambda: lib.rosen_grad(px, n, pg), 1)
            row["hand-written C dense Hessian"] = Contender(lambda: lib.rosen_hess(px, n, pH), 1)
        try:
            import casadi as ca
            xs = ca.SX.sym("x", n)
            f = ca.sum1((100.0 * (xs[1:] - xs[:-1] ** 2) ** 2 + (1.0 - xs[:-1]) ** 2))
            hess, _ = ca.hessian(f, xs)
            ch = ca.Function("h", [xs], [hess])
            row["CasADi SX sparse Hessian (to a numpy array)"] = Contender(
                lambda ch=ch: ch(x).full(), 1)
        except ImportError:
            pass
        try:
            jax = _jax()
            import jax.numpy as jnp

            def jrosen(v: Any) -> Any:
                return jnp.sum(100.0 * (v[1:] - v[:-1] ** 2) ** 2 + (1.0 - v[:-1]) ** 2)
            jh, jg = jax.jit(jax.hessian(jrosen)), jax.jit(jax.grad(jrosen))
            row["jax.jit(jax.hessian)"] = Contender(lambda jh=jh: numpy.asarray(jh(x)), 1)
            row["jax.jit(jax.grad)"] = Contender(lambda jg=jg: numpy.asarray(jg(x)), 1)
        except ImportError:
            pass
        dense = tape.hessian(x)
        for name, contender in row.items():
            if "hessian" in name.lower() and "hand" not in name:
                assert numpy.allclose(numpy.asarray(contender.run()), dense, rtol=1e-12, atol=1e-9), name
        figure.rows[f"Rosenbrock, n = {n}"] = race(row, rounds)


# --- recording ------------------------------------------------------------------------

def recording_rows(figure: FieldFigure, rounds: int) -> None:
    X, y = two_moons()
    model = nn.MLP(2, [16, 16, 1], twin=C, seed=1337)
    params = model.parameters()
    x = numpy.random.default_rng(0).normal(size=100)

    def build_demo() -> Any:
        loss = demo_loss(model, X, y, C.sum)
        loss.backward()
        return loss

    def build_rosen() -> Any:
        leaves = [C.Value(float(t)) for t in x]
        out = rosenbrock(leaves)
        out.backward()
        return out

    figure.rows["recording the demo loss"] = race({
        "build the graph, backward()": Contender(build_demo, 1),
        "Tape.from_graph(build the graph)": Contender(
            lambda: C.Tape.from_graph(demo_loss(model, X, y, C.sum), params), 1),
    }, rounds)
    figure.rows["recording the 100-D Rosenbrock function"] = race({
        "build the graph, backward()": Contender(build_rosen, 1),
        "cydiff.trace": Contender(lambda: C.trace(rosenbrock, x), 1),
    }, rounds)


# --- g'(x) over many points ---------------------------------------------------------------

def many_points_rows(figure: FieldFigure, rounds: int, points: int, lib: Any) -> None:
    xs = numpy.linspace(-3.0, 3.0, points)
    tape = C.trace(lambda v: g(v[0], C.sin, C.exp), [0.5])
    column = numpy.ascontiguousarray(xs[:, None])
    row: dict[str, Contender] = {
        "cydiff tape.value_and_grad_batch, 1 thread": Contender(
            lambda: tape.value_and_grad_batch(column, threads=1), points)}
    if lib is not None:
        values, derivs = numpy.empty(points), numpy.empty(points)
        px, pv, pd = map(hand.pointer, (xs, values, derivs))
        row["hand-written C"] = Contender(lambda: lib.g_and_dg(px, points, pv, pd), points)
    try:
        jax = _jax()
        import jax.numpy as jnp
        dg = jax.jit(jax.vmap(jax.value_and_grad(lambda t: g(t, jnp.sin, jnp.exp))))
        row["jax.jit(jax.vmap(jax.value_and_grad))"] = Contender(
            lambda: [numpy.asarray(r) for r in dg(xs)], points)
    except ImportError:
        pass
    figure.rows[f"g(x), g'(x) at {points:,} points"] = race(row, rounds)


def field_figure(rounds: int, batch: int, sizes: list[int], points: int) -> FieldFigure:
    lib = hand.library()
    figure = FieldFigure()
    if lib is None:
        figure.notes["hand-written C"] = "no C compiler"
    demo_rows(figure, rounds, batch, lib)
    rosenbrock_rows(figure, rounds, sizes, lib)
    recording_rows(figure, rounds)
    many_points_rows(figure, rounds, points, lib)
    return figure
