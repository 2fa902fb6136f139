"""cydiff.nn on both twins: micrograd's API and demo, gradients against finite differences,
the losses and optimizers against their formulas, seeding, saving, the twins' bits, errors."""

import functools
import json
import math
import os
import random
import re
import tracemalloc

import numpy as np
import pytest

import cydiff
import cydiff.nn as nn
from child import run_python
from micrograd_demo import demo

DEMO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "micrograd_demo.py")


def quiet(*args):
    pass


def bits(x):
    """A float's (or a nested list of floats') exact bits: -0.0 and nan payloads count."""
    if isinstance(x, list):
        return [bits(v) for v in x]
    if isinstance(x, dict):
        return {k: bits(v) for k, v in x.items()}
    return float(x).hex() if not math.isnan(x) else "nan"


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def set_parameters(model, theta):
    for p, value in zip(model.parameters(), theta):
        p.data = float(value)


def parameter_data(model):
    return [p.data for p in model.parameters()]


# --- micrograd's demo, as its users write it -------------------------------------------

@pytest.mark.long
def test_micrograd_demo_trains(impl):
    """demo.ipynb: two moons, MLP(2, [16, 16, 1]), max-margin loss + 1e-4 L2, SGD with a
    decaying rate, on cydiff's Value and MLP: all 100 points, all 100 steps, both twins."""
    model, history = demo(impl.Value, functools.partial(nn.MLP, twin=impl), log=quiet)
    losses = [loss for loss, _ in history]
    accuracies = [acc for _, acc in history]
    assert len(history) == 100
    assert losses[0] == pytest.approx(0.8958441028683222, rel=1e-12, abs=0)  # micrograd's too
    assert accuracies[0] == 0.5
    assert max(accuracies) >= 0.95 and accuracies[-1] >= 0.95
    assert losses[-1] < 0.05 < losses[0]
    assert all(type(p) is impl.Value for p in model.parameters())


def test_micrograd_demo_runs_as_a_script():
    """The notebook's code with `from cydiff import Value` and `from cydiff.nn import MLP`."""
    result = run_python(f"import runpy; runpy.run_path({DEMO!r}, run_name='__main__')")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)")
    assert lines[1] == "number of parameters 337"
    last = re.fullmatch(r"step 99 loss (\S+), accuracy (\S+)%", lines[-1])
    assert last and float(last.group(1)) < 0.05 and float(last.group(2)) >= 95.0


@pytest.fixture(scope="module")
def micrograd_run():
    """micrograd itself on the demo, one step (it takes a second a step; micrograd is in
    the test extra)."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    random.seed(1337)
    initial = MLP(2, [16, 16, 1])
    model, history = demo(Value, MLP, steps=1, log=quiet)
    return initial, model, history


@pytest.mark.long
def test_same_as_micrograd(impl, micrograd_run):
    initial, trained, history = micrograd_run
    random.seed(1337)
    model = nn.MLP(2, [16, 16, 1], twin=impl)
    assert repr(model) == repr(initial)
    assert parameter_data(model) == [p.data for p in initial.parameters()]  # exactly
    ours, our_history = demo(impl.Value, functools.partial(nn.MLP, twin=impl), steps=1, log=quiet)
    assert our_history[0][0] == pytest.approx(float(history[0][0]), rel=1e-12, abs=0)
    assert our_history[0][1] == history[0][1]
    np.testing.assert_allclose(parameter_data(ours), [p.data for p in trained.parameters()],
                               rtol=1e-12, atol=1e-15)


# --- micrograd's API ---------------------------------------------------------------------

def test_micrograd_surface(impl):
    random.seed(7)
    n = nn.Neuron(3, twin=impl)
    random.seed(7)
    assert [w.data for w in n.w] == [random.uniform(-1, 1) for _ in range(3)]
    assert n.b.data == 0.0 and n.nonlin is True and repr(n) == "ReLUNeuron(3)"
    assert n.parameters() == n.w + [n.b]
    assert repr(nn.Neuron(3, nonlin=False, twin=impl)) == "LinearNeuron(3)"
    assert repr(nn.Neuron(3, False, twin=impl)) == "LinearNeuron(3)"  # positional, as micrograd

    layer = nn.Layer(3, 2, nonlin=False, twin=impl)
    assert repr(layer) == "Layer of [LinearNeuron(3), LinearNeuron(3)]"
    assert len(layer.neurons) == 2 and len(layer.parameters()) == 8
    out = layer([1.0, 2.0, 3.0])
    assert isinstance(out, list) and len(out) == 2 and all(type(o) is impl.Value for o in out)
    assert type(nn.Layer(3, 1, twin=impl)([1.0, 2.0, 3.0])) is impl.Value

    model = nn.MLP(3, [4, 4, 1], twin=impl)
    assert repr(model) == ("MLP of [Layer of [ReLUNeuron(3), ReLUNeuron(3), ReLUNeuron(3), "
                           "ReLUNeuron(3)], Layer of [ReLUNeuron(4), ReLUNeuron(4), ReLUNeuron(4), "
                           "ReLUNeuron(4)], Layer of [LinearNeuron(4)]]")
    assert len(model.layers) == 3 and len(model.parameters()) == 16 + 20 + 5
    assert model.parameters() == [p for layer in model.layers for p in layer.parameters()]
    assert model.nin == 3 and model.nouts == [4, 4, 1]
    score = model([1.0, -2.0, 0.5])
    assert type(score) is impl.Value
    assert isinstance(nn.MLP(3, [4, 2], twin=impl)([1.0, -2.0, 0.5]), list)

    score.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    before = parameter_data(model)
    for p in model.parameters():
        p.data -= 0.1 * p.grad
    assert parameter_data(model) == [b - 0.1 * p.grad for b, p in zip(before, model.parameters())]
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert isinstance(nn.Module().parameters(), list) and nn.Module().parameters() == []


def test_a_neuron_is_a_fused_dot(impl):
    n = nn.Neuron(4, nonlin=False, twin=impl, seed=1)
    out = n([1.0, 2.0, 3.0, 4.0])
    assert out._op == "+"
    (dot,) = [c for c in out._children if c is not n.b]
    assert dot._op == impl.dot([1.0], [impl.Value(1.0)])._op
    assert dot._children == tuple(n.w)  # one node for w·x: the inputs are constants
    assert out.data == impl.dot(n.w, [1.0, 2.0, 3.0, 4.0]).data + n.b.data
    assert nn.Neuron(4, twin=impl)([1.0, 2.0, 3.0, 4.0])._op == "ReLU"


@pytest.mark.parametrize("activation, f", [
    ("relu", lambda z: max(z, 0.0)), ("tanh", math.tanh), ("sigmoid", sigmoid),
    ("linear", lambda z: z)])
def test_activations(impl, activation, f):
    n = nn.Neuron(3, activation=activation, twin=impl, seed=3)
    n.b.data = 0.25
    for x in ([0.5, -1.0, 2.0], [-3.0, 1.0, 0.0], [0.0, 0.0, 0.0]):
        z = sum(w.data * xi for w, xi in zip(n.w, x)) + 0.25
        assert n(x).data == pytest.approx(f(z), rel=1e-15, abs=1e-300)
    assert n.activation == activation and n.nonlin == (activation != "linear")
    with pytest.raises(AttributeError):
        n.activation = "tanh"  # read-only: the neuron computes with the activation it was made with
    assert repr(n) == {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                       "linear": "Linear"}[activation] + "Neuron(3)"


def test_mlp_forward_is_the_matrix_formula(impl):
    model = nn.MLP(3, [5, 4, 2], activation="tanh", output_activation="sigmoid", twin=impl,
                   seed=11)
    state = model.state_dict()
    x = np.array([0.3, -1.2, 2.0])
    h = np.tanh(np.array(state["layers.0.w"]) @ x + state["layers.0.b"])
    h = np.tanh(np.array(state["layers.1.w"]) @ h + state["layers.1.b"])
    y = 1.0 / (1.0 + np.exp(-(np.array(state["layers.2.w"]) @ h + state["layers.2.b"])))
    np.testing.assert_allclose([v.data for v in model(x)], y, rtol=1e-14)
    assert [repr(layer.neurons[0]) for layer in model.layers] == \
        ["TanhNeuron(3)", "TanhNeuron(5)", "SigmoidNeuron(4)"]


def test_inputs_of_every_kind(impl):
    model = nn.MLP(2, [3, 1], activation="tanh", twin=impl, seed=5)
    expected = model([0.5, -1.5]).data
    for x in ([0.5, -1.5], (0.5, -1.5), np.array([0.5, -1.5]), [np.float64(0.5), -1.5],
              np.array([0.5, -1.5], dtype=np.float32).astype(np.float64),
              iter([0.5, -1.5]), [impl.Value(0.5), impl.Value(-1.5)],
              np.array([impl.Value(0.5), -1.5], dtype=object)):
        assert model(x).data == expected
    assert model([1, -2]).data == model([1.0, -2.0]).data
    xs = [impl.Value(0.5), impl.Value(-1.5)]
    model(xs).backward()
    assert any(x.grad != 0.0 for x in xs)  # gradients reach the inputs
    # one input: a bare number or Value; a hidden layer of width 1 (micrograd's zip fails there)
    narrow = nn.MLP(1, [1, 1], activation="tanh", twin=impl, seed=2)
    assert narrow(0.5).data == narrow([0.5]).data == narrow(impl.Value(0.5)).data
    assert narrow(np.float64(0.5)).data == narrow(np.array(0.5)).data == narrow(0.5).data


def test_model_gradients_against_finite_differences(impl):
    model = nn.MLP(3, [4, 4, 3], activation="tanh", twin=impl, seed=21)
    X = [[0.5, -1.0, 2.0], [-0.3, 0.8, 0.1], [1.5, 0.2, -0.7]]
    labels = [2, 0, 1]
    targets = [[0.1, -0.2, 0.3], [0.0, 1.0, -1.0], [0.5, 0.5, 0.5]]

    def loss():
        outs = [model(x) for x in X]
        ce = nn.softmax_cross_entropy(outs, labels)
        err = nn.mse([o for out in outs for o in out], [t for row in targets for t in row])
        return ce + 0.5 * err + 1e-2 * nn.l2(model)

    theta = np.array(parameter_data(model))
    total = loss()
    model.zero_grad()
    total.backward()
    analytic = np.array([p.grad for p in model.parameters()])

    def f(values):
        set_parameters(model, values)
        return loss().data
    numeric = cydiff.numerical.gradient(f, theta, order=2)
    set_parameters(model, theta)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-8, atol=1e-10)
    check = impl.gradient_check(f, theta, analytic)
    assert check.passed, check


def test_gradients_with_respect_to_the_inputs(impl):
    model = nn.MLP(3, [5, 1], activation="sigmoid", twin=impl, seed=8)
    x = np.array([0.4, -0.9, 1.3])
    g = impl.grad(lambda v: model(v))(x)  # the functional API hands the model Values
    numeric = cydiff.numerical.gradient(lambda v: model(v).data, x, order=2)
    np.testing.assert_allclose(g, numeric, rtol=1e-8, atol=1e-12)


# --- losses ---------------------------------------------------------------------------------

LOSS_CASES = [
    ("mse", lambda m, z: nn.mse(z, [0.5, -1.0, 2.0, 0.0])),
    ("mse_sum", lambda m, z: nn.mse(z, [0.5, -1.0, 2.0, 0.0], reduction="sum")),
    ("hinge", lambda m, z: nn.hinge(z, [1, -1, -1, 1])),
    ("bce_logits", lambda m, z: nn.binary_cross_entropy_with_logits(z, [1, 0, 0.25, 1])),
    ("bce_logits_sum",
     lambda m, z: nn.binary_cross_entropy_with_logits(z, [1, 0, 0.25, 1], reduction="sum")),
    ("bce", lambda m, z: nn.binary_cross_entropy([m.sigmoid(v) for v in z], [1, 0, 0.25, 1])),
    ("bce_sum", lambda m, z: nn.binary_cross_entropy([m.sigmoid(v) for v in z], [1, 0, 0.25, 1],
                                                     reduction="sum")),
    ("softmax_ce", lambda m, z: nn.softmax_cross_entropy(z, 2)),
    ("softmax_ce_batch", lambda m, z: nn.softmax_cross_entropy([z[:2], z[2:]], [0, 1])),
    ("l2", lambda m, z: nn.l2(z)),
]
POINT = [0.3, -0.7, 1.9, 0.6]  # away from hinge's kinks


@pytest.mark.parametrize("name, loss", LOSS_CASES, ids=[c[0] for c in LOSS_CASES])
def test_loss_gradients_against_finite_differences(impl, name, loss):
    z = [impl.Value(v) for v in POINT]
    value = loss(impl, z)
    value.backward()
    analytic = [v.grad for v in z]
    if name == "l2":  # takes Values only
        numeric = cydiff.numerical.gradient(lambda x: sum(v * v for v in x), POINT, order=2)
    else:  # the same function on floats gives a float, the same one
        assert loss(impl, POINT) == value.data and isinstance(loss(impl, POINT), float)
        numeric = cydiff.numerical.gradient(lambda x: loss(impl, list(x)), POINT, order=2)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-9, atol=1e-12)


def test_loss_closed_forms(impl):
    V = impl.Value
    p, t = [V(0.3), V(-0.7), V(1.9)], [0.5, -1.0, 2.0]
    loss = nn.mse(p, t)
    loss.backward()
    assert loss.data == pytest.approx(((0.3 - 0.5) ** 2 + (-0.7 + 1.0) ** 2 + (1.9 - 2.0) ** 2) / 3,
                                      rel=1e-15, abs=0)
    assert [v.grad for v in p] == pytest.approx([2 * (a.data - b) / 3 for a, b in zip(p, t)],
                                                rel=1e-15, abs=0)
    assert nn.mse(V(3.0), 1.0).data == 4.0  # single prediction and target
    assert nn.mse([1.0, 2.0], [V(0.0), V(0.0)]).data == 2.5  # targets may be Values

    s = [V(0.3), V(-2.0), V(0.5), V(1.5)]
    y = [1, -1, -1, 1]
    loss = nn.hinge(s, y)
    loss.backward()
    assert loss.data == (0.7 + 0.0 + 1.5 + 0.0) / 4
    assert [v.grad for v in s] == [-0.25, 0.0, 0.25, 0.0]
    # micrograd's own expression, bit for bit (1 + -y*s is 1 - s or 1 + s exactly)
    demo_style = sum((1 + -yi * si).relu() for yi, si in zip(y, s)) / len(s)
    assert nn.hinge(s, np.array(y)).data == demo_style.data
    assert nn.hinge(s, y, reduction="sum").data == 2.2

    z, labels = [V(0.3), V(-1.2), V(2.0), V(0.0)], [1, 0, 0.25, 1]
    loss = nn.binary_cross_entropy_with_logits(z, labels)
    loss.backward()
    expected = [-(y * math.log(sigmoid(v.data)) + (1 - y) * math.log(1 - sigmoid(v.data)))
                for v, y in zip(z, labels)]
    assert loss.data == pytest.approx(sum(expected) / 4, rel=1e-14, abs=0)
    assert [v.grad for v in z] == pytest.approx(
        [(sigmoid(v.data) - y) / 4 for v, y in zip(z, labels)], rel=1e-14, abs=0)

    z = [V(1.0), V(2.0), V(0.5), V(3.0)]
    loss = nn.softmax_cross_entropy(z, 3)
    loss.backward()
    e = np.exp([1.0, 2.0, 0.5, 3.0])
    assert loss.data == pytest.approx(math.log(e.sum()) - 3.0, rel=1e-15, abs=0)
    assert [v.grad for v in z] == pytest.approx(list(e / e.sum() - np.eye(4)[3]), rel=1e-14, abs=0)
    probs = nn.softmax(z)
    assert [q.data for q in probs] == pytest.approx(list(e / e.sum()), rel=1e-15, abs=0)
    assert sum(q.data for q in probs) == pytest.approx(1.0, rel=1e-15, abs=0)

    rows = [[V(1.0), V(2.0)], [V(-1.0), V(0.5)], [V(0.0), V(0.0)]]
    batch = nn.softmax_cross_entropy(rows, [1, 0, 1])
    singles = [nn.softmax_cross_entropy(r, k).data for r, k in zip(rows, [1, 0, 1])]
    assert batch.data == pytest.approx(sum(singles) / 3, rel=1e-15, abs=0)
    assert nn.softmax_cross_entropy(np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 0.0]]),
                                    np.array([1, 0, 1]), reduction="sum") == \
        pytest.approx(sum(singles), rel=1e-15, abs=0)

    probs = [V(0.25), V(0.5), V(0.875), V(1.0)]  # probabilities, as PyTorch's function takes
    loss = nn.binary_cross_entropy(probs, [1, 0, 0.25, 1])
    loss.backward()
    assert loss.data == pytest.approx(
        (-math.log(0.25) - math.log(0.5) - (0.25 * math.log(0.875) + 0.75 * math.log(0.125)))
        / 4, rel=1e-15, abs=0)
    assert [v.grad for v in probs[:3]] == pytest.approx(
        [(p - y) / (p * (1 - p)) / 4 for p, y in [(0.25, 1), (0.5, 0), (0.875, 0.25)]],
        rel=1e-14, abs=0)
    assert probs[3].grad == -0.25  # -1/p over 4: a label-1 row takes log p only
    logits = [V(0.3), V(-1.2)]
    assert nn.binary_cross_entropy([impl.sigmoid(v) for v in logits], [1, 0.25]).data == \
        pytest.approx(nn.binary_cross_entropy_with_logits(logits, [1, 0.25]).data, rel=1e-14)

    params = nn.MLP(2, [3, 1], twin=impl, seed=4).parameters()
    assert nn.l2(params).data == sum(p * p for p in params).data  # micrograd's expression
    assert nn.l2([]) == 0.0


def test_losses_are_stable_at_large_logits(impl):
    V = impl.Value
    big = [V(1000.0), V(-1000.0)]
    loss = nn.binary_cross_entropy_with_logits(big, [1, 0])  # confidently right: about 0
    loss.backward()
    assert loss.data == 0.0 and [v.grad for v in big] == [-0.0, 0.0]
    assert nn.binary_cross_entropy_with_logits(big, [0, 1]).data == 1000.0  # confidently wrong
    assert nn.binary_cross_entropy_with_logits(V(-800.0), 0.5).data == pytest.approx(400.0, rel=1e-15, abs=0)
    tiny = math.log1p(math.exp(-40.0))  # 4e-18: softplus(40) - 40 would cancel to 0
    assert nn.binary_cross_entropy_with_logits(V(40.0), 1).data == pytest.approx(tiny, rel=1e-15, abs=0)
    assert nn.binary_cross_entropy_with_logits(V(-40.0), 0).data == pytest.approx(tiny, rel=1e-15, abs=0)

    z = [V(1000.0), V(0.0), V(-1000.0)]
    loss = nn.softmax_cross_entropy(z, 2)
    loss.backward()
    assert loss.data == 2000.0
    assert [v.grad for v in z] == [1.0, 0.0, -1.0]
    assert nn.softmax_cross_entropy([V(1000.0), V(0.0)], 0).data == 0.0
    assert [q.data for q in nn.softmax([V(1000.0), V(1000.0)])] == [0.5, 0.5]


# --- optimizers -------------------------------------------------------------------------

def quadratic(params):
    """Σ c_i (p_i - a_i)²: a loss with a known gradient, 2 c_i (p_i - a_i)."""
    c, a = [1.0, 3.0, 0.5], [0.2, -0.4, 1.0]
    return sum(ci * (p - ai) ** 2 for ci, p, ai in zip(c, params, a)), \
        lambda ps: [2 * ci * (p - ai) for ci, p, ai in zip(c, ps, a)]


def run(impl, make_optimizer, steps, lrs=None):
    params = [impl.Value(v) for v in (1.0, -2.0, 0.5)]
    opt = make_optimizer(params)
    for k in range(steps):
        if lrs is not None:
            opt.lr = lrs[k]
        opt.zero_grad()
        loss, _ = quadratic(params)
        loss.backward()
        opt.step()
    return [p.data for p in params]


def reference_sgd(steps, lr, momentum=0.0, nesterov=False, weight_decay=0.0, lrs=None):
    """torch.optim.SGD's loop (dampening 0), by hand."""
    p = [1.0, -2.0, 0.5]
    _, gradient = quadratic(p)
    buf = None
    for k in range(steps):
        lr = lrs[k] if lrs is not None else lr
        g = [gi + weight_decay * pi for gi, pi in zip(gradient(p), p)]
        if momentum:
            buf = list(g) if buf is None else [momentum * b + gi for b, gi in zip(buf, g)]
            g = [gi + momentum * b for gi, b in zip(g, buf)] if nesterov else buf
        p = [pi - lr * gi for pi, gi in zip(p, g)]
    return p


def reference_adam(steps, lr, betas, eps, weight_decay=0.0):
    """torch.optim.Adam's single-tensor loop, by hand, in torch's operation order (lerp,
    addcmul, addcdiv)."""
    b1, b2 = betas
    p = [1.0, -2.0, 0.5]
    _, gradient = quadratic(p)
    m, v = [0.0] * 3, [0.0] * 3
    for t in range(1, steps + 1):
        g = [gi + weight_decay * pi for gi, pi in zip(gradient(p), p)]
        m = [mi + (1 - b1) * (gi - mi) for mi, gi in zip(m, g)]
        v = [vi * b2 + (1 - b2) * gi * gi for vi, gi in zip(v, g)]
        step_size = lr / (1 - b1 ** t)
        denom = [math.sqrt(vi) / (1 - b2 ** t) ** 0.5 + eps for vi in v]
        p = [pi - step_size * mi / di for pi, mi, di in zip(p, m, denom)]
    return p


def test_sgd_is_micrograds_update(impl):
    ours = run(impl, lambda ps: nn.SGD(ps, lr=0.05), 5)
    assert ours == reference_sgd(5, 0.05)  # bit for bit: p.data -= lr * p.grad
    lrs = [1.0 - 0.9 * k / 100 for k in range(5)]
    assert run(impl, lambda ps: nn.SGD(ps, lr=1.0), 5, lrs) == reference_sgd(5, None, lrs=lrs)


@pytest.mark.parametrize("options", [dict(momentum=0.9), dict(momentum=0.5, nesterov=True),
                                     dict(momentum=0.9, weight_decay=0.1),
                                     dict(weight_decay=0.01)])
def test_sgd_against_pytorchs_formulas(impl, options):
    ours = run(impl, lambda ps: nn.SGD(ps, lr=0.05, **options), 6)
    np.testing.assert_allclose(ours, reference_sgd(6, 0.05, **options), rtol=1e-14)


@pytest.mark.parametrize("options", [dict(), dict(lr=0.1, betas=(0.5, 0.9), eps=1e-6),
                                     dict(lr=0.01, weight_decay=0.1)])
def test_adam_against_pytorchs_formulas(impl, options):
    full = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0) | options
    ours = run(impl, lambda ps: nn.Adam(ps, **options), 7)
    np.testing.assert_allclose(ours, reference_adam(7, **full), rtol=1e-14)


def test_adam_first_step_is_lr_times_the_sign(impl):
    """m̂ = g and v̂ = g² at t = 1: every parameter moves by lr·g/(|g| + eps)."""
    params = [impl.Value(v) for v in (1.0, -2.0, 0.5)]
    opt = nn.Adam(params, lr=0.1)
    loss, gradient = quadratic(params)
    loss.backward()
    g = gradient([1.0, -2.0, 0.5])
    opt.step()
    assert [p.data for p in params] == pytest.approx(
        [x - 0.1 * gi / (abs(gi) + 1e-8) for x, gi in zip((1.0, -2.0, 0.5), g)], rel=1e-15, abs=0)
    assert opt.t == 1


def test_optimizers_train_a_model(impl):
    random.seed(3)
    X = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(16)]
    y = [1 if a * b > 0 else 0 for a, b in X]  # xor of the signs
    model = nn.MLP(2, [8, 8, 1], activation="tanh", twin=impl, seed=1)
    opt = nn.Adam(model, lr=0.05)  # a Module stands for its parameters
    first = None
    for _ in range(60):
        loss = nn.binary_cross_entropy_with_logits([model(x) for x in X], y)
        first = loss.data if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.data < 0.25 * first
    assert all(p.grad != 0.0 for p in model.parameters()[:4])
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# --- seeding ---------------------------------------------------------------------------------

def test_seeding(impl):
    a = nn.MLP(2, [4, 1], seed=5, twin=impl)
    state = random.getstate()
    b = nn.MLP(2, [4, 1], seed=5, twin=impl)
    assert random.getstate() == state  # a private generator: the global one is untouched
    assert parameter_data(a) == parameter_data(b)
    assert parameter_data(nn.MLP(2, [4, 1], seed=6, twin=impl)) != parameter_data(a)
    assert parameter_data(nn.MLP(2, [4, 1], rng=random.Random(5), twin=impl)) == parameter_data(a)
    random.seed(5)
    assert parameter_data(nn.MLP(2, [4, 1], twin=impl)) == parameter_data(a)  # micrograd's order
    random.seed(5)
    draws = [random.uniform(-1, 1) for _ in range(8)]
    assert parameter_data(nn.Layer(2, 4, seed=5, twin=impl)) == \
        [v for i in range(4) for v in draws[2 * i:2 * i + 2] + [0.0]]
    rng = random.Random(9)
    first, second = nn.Neuron(3, rng=rng, twin=impl), nn.Neuron(3, rng=rng, twin=impl)
    assert parameter_data(first) != parameter_data(second)  # one generator, drawn in turn


# --- state_dict, save, load -------------------------------------------------------------

def test_state_dict_shapes_and_round_trip(impl):
    model = nn.MLP(3, [4, 2], twin=impl, seed=1)
    state = model.state_dict()
    assert list(state) == ["layers.0.w", "layers.0.b", "layers.1.w", "layers.1.b"]
    assert np.shape(state["layers.0.w"]) == (4, 3) and np.shape(state["layers.1.b"]) == (2,)
    assert state["layers.1.w"][1] == [w.data for w in model.layers[1].neurons[1].w]
    assert json.loads(json.dumps(state)) == state  # plain lists and floats
    other = nn.MLP(3, [4, 2], twin=impl, seed=2)
    other.load_state_dict(state)
    assert parameter_data(other) == parameter_data(model)
    assert other([1.0, 2.0, 3.0])[1].data == model([1.0, 2.0, 3.0])[1].data
    other.load_state_dict({k: np.array(v) for k, v in state.items()})  # arrays do too

    neuron = nn.Neuron(2, twin=impl, seed=1)
    assert neuron.state_dict() == {"w": [w.data for w in neuron.w], "b": 0.0}
    layer = nn.Layer(2, 3, twin=impl, seed=1)
    assert layer.state_dict() == {"w": [[w.data for w in n.w] for n in layer.neurons],
                                  "b": [0.0, 0.0, 0.0]}

    class Affine(nn.Module):  # a user's module: its parameters() in order
        def __init__(self):
            self.a, self.b = impl.Value(2.0), impl.Value(-1.0)

        def parameters(self):
            return [self.a, self.b]
    affine = Affine()
    assert affine.state_dict() == {"parameters": [2.0, -1.0]}
    affine.load_state_dict({"parameters": [0.5, 0.25]})
    assert (affine.a.data, affine.b.data) == (0.5, 0.25)
    affine.zero_grad()


def replaced(key, value):
    return lambda state: dict(state, **{key: value})


@pytest.mark.parametrize("spoil, error, message", [
    (lambda state: {k: v for k, v in state.items() if k != "layers.1.b"}, ValueError,
     r"the keys do not match the model's: missing \['layers.1.b'\]$"),
    (replaced("layers.2.w", []), ValueError, r"the keys do not match the model's: "
                                             r"unexpected \['layers.2.w'\]$"),
    (replaced("layers.0.w", [[0.0] * 3] * 3), ValueError, r"'layers.0.w' has 3 entries, the model 4"),
    (replaced("layers.1.w", [[0.0] * 4, [0.0] * 5]), ValueError,
     r"'layers.1.w'\[1\] has 5 entries, the model 4"),
    (replaced("layers.1.b", [0.0, "1"]), TypeError,
     r"'layers.1.b'\[1\] must be a real number, not 'str'"),
    (replaced("layers.1.b", 0.0), TypeError, r"'layers.1.b' must be a list of 2, not 'float'"),
    (lambda state: list(state.values()), TypeError,
     r"takes a mapping from names to values \(a state_dict\(\)\), not 'list'"),
])
def test_load_state_dict_errors_change_nothing(impl, spoil, error, message):
    """The last entry is the bad one: the earlier ones must not have been written."""
    model = nn.MLP(3, [4, 2], twin=impl, seed=1)
    before = parameter_data(model)
    state = spoil(nn.MLP(3, [4, 2], twin=impl, seed=2).state_dict())
    with pytest.raises(error, match=message):
        model.load_state_dict(state)
    assert parameter_data(model) == before


def awkward_floats(model):
    """Floats whose repr must round-trip: thirds, subnormals, -0.0, huge, ±inf, nan."""
    values = [1 / 3, 0.1 + 0.2, 5e-324, -0.0, 1.7976931348623157e308, -2.2250738585072014e-308,
              math.inf, math.pi, -1e-300, -math.inf, math.nan]
    for i, p in enumerate(model.parameters()):
        p.data = values[i] if i < len(values) else random.Random(i).uniform(-1, 1) * 10 ** (i % 7)


def test_save_and_load_bit_for_bit(impl, tmp_path):
    model = nn.MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", twin=impl, seed=3)
    awkward_floats(model)
    path = tmp_path / "model.json"
    model.save(path)
    state = random.getstate()
    loaded = nn.load(path, twin=impl)
    assert random.getstate() == state  # loading draws nothing from the global generator
    assert type(loaded) is nn.MLP and repr(loaded) == repr(model)
    assert (loaded.activation, loaded.output_activation) == ("tanh", "sigmoid")
    with pytest.raises(AttributeError):
        loaded.activation = "relu"
    assert type(nn.Module.load(path, twin=impl)) is nn.MLP
    assert bits(loaded.state_dict()) == bits(model.state_dict())
    assert all(type(p) is impl.Value for p in loaded.parameters())
    assert bits(nn.MLP.load(str(path), twin=impl).state_dict()) == bits(loaded.state_dict())
    assert "Infinity" in path.read_text() and "NaN" in path.read_text()
    document = json.loads(path.read_text())
    assert (document["format"], document["version"], document["module"]) == ("cydiff.nn", 1, "MLP")
    assert document["config"] == {"nin": 3, "nouts": [4, 4, 2], "activation": "tanh",
                                  "output_activation": "sigmoid"}

    for small in (nn.Neuron(3, activation="sigmoid", twin=impl, seed=1),
                  nn.Layer(2, 3, nonlin=False, twin=impl, seed=1)):
        small.save(path)
        again = type(small).load(path, twin=impl)
        assert repr(again) == repr(small) and bits(again.state_dict()) == bits(small.state_dict())
    with pytest.raises(TypeError, match=r"^MLP.load\(\): '.*model.json' holds a saved Layer$"):
        nn.MLP.load(path, twin=impl)


@pytest.mark.c_extensions
def test_saved_on_one_twin_loads_on_the_other(pure, compiled, tmp_path):
    path = tmp_path / "model.json"
    model = nn.MLP(2, [3, 1], twin=pure, seed=1)
    model.save(path)
    loaded = nn.load(path, twin="compiled")
    assert loaded.twin is compiled and type(loaded.parameters()[0]) is compiled.Value
    assert loaded([0.5, 1.0]).data == model([0.5, 1.0]).data
    assert nn.load(path).twin.IMPLEMENTATION == cydiff.BACKEND


@pytest.mark.parametrize("copy", ["pickle", "deepcopy"])
def test_models_pickle_and_copy(impl, copy):
    """A model pickles and deep-copies (its twin, a module, travels as its name): the copy
    computes the same bits, on the same twin, with parameters of its own."""
    import copy as copying
    import pickle

    models = [nn.Neuron(3, activation="tanh", twin=impl, seed=1),
              nn.Layer(3, 2, activation="sigmoid", twin=impl, seed=2),
              nn.MLP(3, [4, 2], activation="tanh", output_activation="relu", twin=impl, seed=3)]
    x = [0.5, -1.0, 2.0]
    for model in models:
        twin = copying.deepcopy(model) if copy == "deepcopy" else pickle.loads(pickle.dumps(model))
        assert type(twin) is type(model) and twin.twin is impl and repr(twin) == repr(model)
        out, theirs = model(x), twin(x)
        outs = out if isinstance(out, list) else [out]
        assert bits([y.data for y in outs]) == bits(
            [y.data for y in (theirs if isinstance(theirs, list) else [theirs])])
        assert bits(twin.state_dict()) == bits(model.state_dict())
        for p in twin.parameters():
            p.data += 1.0
        assert bits(parameter_data(model)) != bits(parameter_data(twin))
        assert not set(map(id, twin.parameters())) & set(map(id, model.parameters()))


class Tagged(nn.Module):
    """A user's model whose attribute `twin` is not a twin module: pickled as it is."""

    def __init__(self, impl):
        self.twin, self.w = "a name of the user's", impl.Value(2.0)

    def parameters(self):
        return [self.w]


def test_a_users_model_pickles_its_own_attributes_unchanged(impl):
    import pickle

    loaded = pickle.loads(pickle.dumps(Tagged(impl)))
    assert loaded.twin == "a name of the user's" and loaded.w.data == 2.0
    assert sorted(vars(loaded)) == ["twin", "w"]


@pytest.mark.c_extensions
def test_a_pickled_model_loads_on_the_pure_twin_where_the_compiled_is_off(compiled, monkeypatch):
    import pickle

    model = nn.MLP(2, [3, 1], activation="tanh", twin=compiled, seed=1)
    blob = pickle.dumps(model)
    with monkeypatch.context() as m:
        m.setenv("CYDIFF_NO_EXTENSIONS", "1")
        loaded = pickle.loads(blob)
    assert loaded.twin.IMPLEMENTATION == "pure"
    assert type(loaded.parameters()[0]) is loaded.twin.Value
    assert loaded([0.5, 1.0]).data == model([0.5, 1.0]).data


def test_save_and_load_errors(impl, tmp_path):
    path = tmp_path / "model.json"

    class Custom(nn.Module):
        pass

    class Wider(nn.MLP):
        pass
    with pytest.raises(TypeError, match=r"save\(\): a Custom cannot describe its architecture"):
        Custom().save(path)
    with pytest.raises(TypeError, match=r"save\(\): a Wider is a subclass"):
        Wider(2, [1], twin=impl).save(path)
    assert not path.exists()

    path.write_text(json.dumps({"format": "cydiff.nn", "version": 99}))
    with pytest.raises(ValueError, match=r"^load\('.*model.json'\): format version 99; "
                                         r"this cydiff reads version 1$"):
        nn.load(path, twin=impl)
    nn.MLP(2, [2, 1], twin=impl, seed=1).save(path)
    document = json.loads(path.read_text())
    document["state"]["layers.1.b"] = [0.0, 0.0]
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"its config implies 9 parameters, its state holds "
                                         r"10 values$"):
        nn.load(path, twin=impl)


# A valid file (MLP(2, [2, 1])), which each case below spoils in one place.
VALID = {"format": "cydiff.nn", "version": 1, "module": "MLP",
         "config": {"nin": 2, "nouts": [2, 1], "activation": "relu",
                    "output_activation": "linear"},
         "state": {"layers.0.w": [[0.5, -0.25], [0.125, 1.0]], "layers.0.b": [0.0, 0.0],
                   "layers.1.w": [[-1.0, 0.75]], "layers.1.b": [0.0]}}
DELETE = object()


def put(*keys_and_value):
    """VALID with one entry replaced (or deleted), as JSON text."""
    *keys, value = keys_and_value

    def spoil():
        document = json.loads(json.dumps(VALID))
        target = document
        for key in keys[:-1]:
            target = target[key]
        if value is DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
        return json.dumps(document)
    return spoil


def raw(edit):
    """VALID's text (or bytes) after `edit`."""
    return lambda: edit(json.dumps(VALID))


BIG = "1" + "0" * 400  # an integer no float can hold
FLOAT_MAX_PLUS = str(2 ** 1024)  # 309 digits, just past the largest float

MALFORMED = [  # (id, the file's text or bytes, why)
    ("int too big", raw(lambda t: t.replace('"layers.1.b": [0.0]', f'"layers.1.b": [{BIG}]')),
     r"the number 100000000000\.\.\. \(401 characters\) is too big for a float"),
    ("int past int()'s limit", raw(lambda t: t.replace("[0.0]", "[-" + "9" * 5000 + "]")),
     r"the number -99999999999\.\.\. \(5001 characters\) is too big for a float"),
    ("int just past float", raw(lambda t: t.replace('"nin": 2', f'"nin": {FLOAT_MAX_PLUS}')),
     r"the number 179769313486\.\.\. \(309 characters\) is too big for a float"),
    ("1e999", raw(lambda t: t.replace("0.125", "1e999")), r"the number 1e999 is too big for a float"),
    ("-1e400", raw(lambda t: t.replace('"nin": 2', '"nin": -1e400')),
     r"the number -1e400 is too big for a float"),
    ("deep", lambda: "[" * 100000, r"its JSON is nested too deeply"),
    ("deep in state", raw(lambda t: t.replace("[0.0]", "[" * 100000 + "]" * 100000)),
     r"its JSON is nested too deeply"),
    ("not UTF-8", raw(lambda t: t.encode().replace(b'"MLP"', b'"ML\xff"')),
     r"not UTF-8 text \(byte 51\)"),
    ("UTF-16", raw(lambda t: t.encode("utf-16")), r"not UTF-8 text \(byte 0\)"),
    ("not JSON", lambda: "not json", r"not JSON \(Expecting value: line 1 column 1 \(char 0\)\)"),
    ("empty", lambda: "", r"not JSON \(Expecting value: line 1 column 1 \(char 0\)\)"),
    ("duplicate key", raw(lambda t: t.replace('"version": 1', '"version": 2, "version": 1')),
     r"the key 'version' appears twice in one object"),
    ("duplicate name", raw(lambda t: t.replace('"layers.0.b": [0.0, 0.0]',
                                               '"layers.0.b": [0.0, 0.0], "layers.0.b": [0.0, 1.0]')),
     r"the key 'layers.0.b' appears twice in one object"),
    ("top level array", lambda: "[]", r"the top level is an array, not an object"),
    ("top level null", lambda: "null", r"the top level is null, not an object"),
    ("top level string", lambda: '"cydiff.nn"', r"the top level is 'cydiff.nn', not an object"),
    ("no format", put("format", DELETE), r"it has no 'format'"),
    ("other format", put("format", "something else"), r"'format' is 'something else', not 'cydiff.nn'"),
    ("version true", put("version", True), r"'version' must be an integer, not true"),
    ("version 1.0", put("version", 1.0), r"'version' must be an integer, not 1.0"),
    ("version '1'", put("version", "1"), r"'version' must be an integer, not '1'"),
    ("no version", put("version", DELETE), r"it has no 'version'"),
    ("no state", put("state", DELETE), r"it lacks \['state'\]"),
    ("unexpected key", put("comment", "hi"), r"unexpected keys \['comment'\]"),
    ("module 1", put("module", 1), r"'module' is 1; valid: 'Neuron', 'Layer', 'MLP'"),
    ("module unknown", put("module", "Transformer"), r"'module' is 'Transformer'; valid: .*MLP'"),
    ("module array", put("module", ["MLP"]), r"'module' is an array; valid: .*MLP'"),
    ("module base class", put("module", "Module"), r"'module' is 'Module'; valid: .*MLP'"),
    ("config array", put("config", [2, [2, 1]]), r"'config' must be an object, not an array"),
    ("config lacks nin", put("config", "nin", DELETE), r"the MLP config lacks \['nin'\]"),
    ("config seed", put("config", "seed", 1), r"the MLP config has unexpected \['seed'\]"),
    ("config twin", put("config", "twin", "pure"), r"the MLP config has unexpected \['twin'\]"),
    ("nin true", put("config", "nin", True), r"config 'nin' must be an integer >= 1, not true"),
    ("nin 2.0", put("config", "nin", 2.0), r"config 'nin' must be an integer >= 1, not 2.0"),
    ("nin '2'", put("config", "nin", "2"), r"config 'nin' must be an integer >= 1, not '2'"),
    ("nin 0", put("config", "nin", 0), r"config 'nin' must be an integer >= 1, not 0"),
    ("nin -3", put("config", "nin", -3), r"config 'nin' must be an integer >= 1, not -3"),
    ("nouts 16", put("config", "nouts", 16), r"config 'nouts' must be an array of layer sizes, not 16"),
    ("nouts empty", put("config", "nouts", []), r"config 'nouts' is empty"),
    ("nouts bool", put("config", "nouts", [2, True]),
     r"config 'nouts'\[1\] must be an integer >= 1, not true"),
    ("nouts 0", put("config", "nouts", [0, 1]), r"config 'nouts'\[0\] must be an integer >= 1, not 0"),
    ("activation 5", put("config", "activation", 5), r"config 'activation' must be one of 'relu', "
                                                     r"'tanh', 'sigmoid', 'linear', not 5"),
    ("activation gelu", put("config", "activation", "gelu"), r"config 'activation' .*, not 'gelu'"),
    ("activation null", put("config", "output_activation", None),
     r"config 'output_activation' must be one of .*, not null"),
    ("state array", put("state", []), r"'state' must be an object, not an array"),
    ("too many", put("config", "nin", 10 ** 7),
     r"its config implies 20000005 parameters, its state holds 9 values"),
    ("too few", put("state", "layers.1.b", []), r"its config implies 9 parameters, its state holds "
                                                r"8 values"),
    ("a name", raw(lambda t: t.replace("layers.1.b", "layers.2.b")),
     r"the state's names do not match the config's: missing \['layers.1.b'\], "
     r"unexpected \['layers.2.b'\]"),
    ("a row too long", put("state", "layers.0.w", [[0.5, -0.25, 0.125], [1.0]]),
     r"state 'layers.0.w'\[0\] has 3 entries, the config 2"),
    ("a number for a list", raw(lambda t: t.replace('"layers.0.b": [0.0, 0.0]', '"layers.0.b": 0.0')
                                .replace('"layers.1.b": [0.0]', '"layers.1.b": [0.0, 0.0]')),
     r"state 'layers.0.b' must be an array of 2, not 0.0"),
    ("a bool", put("state", "layers.1.b", [True]), r"state 'layers.1.b'\[0\] must be a number, not true"),
    ("a string", put("state", "layers.1.b", ["1"]), r"state 'layers.1.b'\[0\] must be a number, not '1'"),
    ("a null", put("state", "layers.1.b", [None]), r"state 'layers.1.b'\[0\] must be a number, not null"),
    ("a list", put("state", "layers.1.b", [[0.0]]),
     r"state 'layers.1.b'\[0\] must be a number, not an array"),
]


@pytest.mark.parametrize("contents, why", [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_malformed_files_are_refused(impl, tmp_path, contents, why):
    """A ValueError saying the file is not a valid model file and why; never another
    exception, never a model."""
    path = tmp_path / "model.json"
    path.write_text(json.dumps(VALID))
    assert bits(nn.load(path, twin=impl).state_dict()) == bits(VALID["state"])
    data = contents()
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    prefix = re.escape(f"load({str(path)!r}): not a valid cydiff.nn model file: ")
    for load in (nn.load, nn.Module.load, nn.MLP.load):
        with pytest.raises(ValueError, match=f"^{prefix}{why}$") as info:
            load(path, twin=impl)
        assert type(info.value) is ValueError


def test_a_small_file_allocates_little(impl, tmp_path):
    """A 119-byte file claiming 10**7 inputs is refused by counting, before anything is built."""
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "cydiff.nn", "version": 1, "module": "Neuron",
                                "config": {"nin": 10 ** 7}, "state": {"w": [0.0], "b": 0.0}}))
    assert path.stat().st_size == 119
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as info:
            nn.load(path, twin=impl)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100_000  # 10**7 Values would be hundreds of megabytes
    assert str(info.value).endswith("not a valid cydiff.nn model file: its config implies "
                                    "10000001 parameters, its state holds 2 values")


def test_files_of_every_module_load_and_are_checked(impl, tmp_path):
    """Neuron and Layer files: a config without activations takes the constructor's default;
    the count and the shapes follow each module's own."""
    path = tmp_path / "model.json"
    neuron = {"format": "cydiff.nn", "version": 1, "module": "Neuron", "config": {"nin": 2},
              "state": {"w": [0.5, 2], "b": -1.0}}  # an integer is a number
    path.write_text(json.dumps(neuron))
    model = nn.Neuron.load(path, twin=impl)
    assert repr(model) == "ReLUNeuron(2)" and model.state_dict() == {"w": [0.5, 2.0], "b": -1.0}
    path.write_text(json.dumps(dict(neuron, state={"w": [0.5], "b": [-1.0, 2.0]})))
    with pytest.raises(ValueError, match=r"state 'w' has 1 entries, the config 2$"):
        nn.load(path, twin=impl)
    layer = {"format": "cydiff.nn", "version": 1, "module": "Layer",
             "config": {"nin": 3, "nout": 2, "activation": "tanh"},
             "state": {"w": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "b": [7.0, 8.0]}}
    path.write_text(json.dumps(layer))
    model = nn.Layer.load(path, twin=impl)
    assert model.state_dict() == layer["state"] and model.neurons[1].activation == "tanh"
    path.write_text(json.dumps(dict(layer, config={"nin": 2, "nout": 2})))
    with pytest.raises(ValueError, match=r"its config implies 6 parameters, its state holds "
                                         r"8 values$"):
        nn.load(path, twin=impl)
    path.write_text(json.dumps(dict(layer, config={"nin": 3, "nout": 2, "nonlin": False})))
    with pytest.raises(ValueError, match=r"the Layer config has unexpected \['nonlin'\]$"):
        nn.load(path, twin=impl)


# --- the twins -------------------------------------------------------------------------------

@pytest.mark.c_extensions
def test_twins_train_to_the_same_bits(pure, compiled):
    def train(twin):
        rng = random.Random(0)
        X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(12)]
        y = [rng.randrange(3) for _ in range(12)]
        model = nn.MLP(3, [6, 5, 3], activation="tanh", twin=twin, seed=42)
        adam = nn.Adam(model.parameters(), lr=0.02)
        sgd = nn.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
        losses = []
        for step in range(15):
            outs = [model(x) for x in X]
            loss = nn.softmax_cross_entropy(outs, y) + 1e-3 * nn.l2(model) \
                + nn.hinge([o[0] for o in outs], [1 if k == 0 else -1 for k in y]) \
                + nn.binary_cross_entropy_with_logits([o[1] for o in outs], [k == 1 for k in y]) \
                + nn.mse([o[2] for o in outs], [float(k) for k in y])
            model.zero_grad()
            loss.backward()
            (adam if step % 2 else sgd).step()
            losses.append(loss.data)
        return bits(model.state_dict()), bits(losses)
    assert train(pure) == train(compiled)


def test_twin_choice(impl):
    for twin in (impl, impl.IMPLEMENTATION):
        model = nn.MLP(2, [2, 1], twin=twin)
        assert model.twin is impl and type(model.parameters()[0]) is impl.Value
        assert model.layers[0].twin is impl and model.layers[0].neurons[0].twin is impl
    assert nn.MLP(2, [1]).twin.IMPLEMENTATION == cydiff.BACKEND
    assert nn.Neuron(2, twin=cydiff).twin.IMPLEMENTATION == cydiff.BACKEND
    assert cydiff.nn is nn


# --- errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("make, error, message", [
    (lambda t: nn.Neuron(0, twin=t), ValueError, r"Neuron\(\) argument 'nin' must be at least 1, not 0"),
    (lambda t: nn.Neuron(2.0, twin=t), TypeError, r"'nin' must be an int, not 'float'"),
    (lambda t: nn.Neuron("2", twin=t), TypeError, r"'nin' must be an int, not 'str'"),
    (lambda t: nn.Neuron(True, twin=t), TypeError, r"'nin' must be an int, not 'bool'"),
    (lambda t: nn.Neuron(2, nonlin="yes", twin=t), TypeError, r"nonlin must be a bool, not 'str'"),
    (lambda t: nn.Neuron(2, activation="gelu", twin=t), ValueError,
     r"unknown activation 'gelu'; valid: 'relu', 'tanh', 'sigmoid', 'linear'"),
    (lambda t: nn.Neuron(2, activation=max, twin=t), TypeError, r"activation must be a str"),
    (lambda t: nn.Neuron(2, nonlin=False, activation="tanh", twin=t), ValueError,
     r"nonlin=False \(a linear neuron\) contradicts activation='tanh'"),
    (lambda t: nn.Neuron(2, twin="cuda"), ValueError, r"unknown twin 'cuda'; valid: 'pure', 'compiled'"),
    (lambda t: nn.Neuron(2, twin=np), TypeError, r"twin must be 'pure', 'compiled', cydiff.pure or "
                                                r"cydiff.compiled, not 'module'"),
    (lambda t: nn.Layer(2, 3, twin=t, seed=1, rng=random.Random(1)), ValueError,
     r"Layer\(\): give seed or rng, not both"),
    (lambda t: nn.Layer(2, 3, twin=t, seed="1"), TypeError, r"seed must be an int, not 'str'"),
    (lambda t: nn.Layer(2, 3, twin=t, rng=random), TypeError, r"rng must be a random.Random, not 'module'"),
    (lambda t: nn.Layer(2, -3, twin=t), ValueError, r"Layer\(\) argument 'nout' must be at least 1, not -3"),
    (lambda t: nn.Layer(2, 3, twin=t, bias=False), TypeError, r"unexpected keyword argument 'bias'"),
    (lambda t: nn.MLP(2, 16, twin=t), TypeError, r"'nouts' must be a list of layer sizes, not 'int'"),
    (lambda t: nn.MLP(2, [], twin=t), ValueError, r"'nouts' is empty"),
    (lambda t: nn.MLP(2, [16, 0], twin=t), ValueError, r"'nouts\[1\]' must be at least 1, not 0"),
    (lambda t: nn.MLP(2, [16, 1], activation="softmax", twin=t), ValueError, r"unknown activation 'softmax'"),
])
def test_construction_errors_draw_nothing(impl, make, error, message):
    state = random.getstate()
    with pytest.raises(error, match=message):
        make(impl)
    assert random.getstate() == state


def other_twin(impl):
    import importlib
    name = "pure" if impl.IMPLEMENTATION == "compiled" else "compiled"
    try:
        return importlib.import_module(f"cydiff.{name}")
    except ImportError:
        pytest.skip("the compiled twin is not built")


def test_input_errors(impl):
    model = nn.MLP(2, [16, 16, 1], twin=impl, seed=1)
    with pytest.raises(ValueError, match=r"^MLP\(2, \[16, 16, 1\]\) takes 2 inputs, got 3$"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^Layer\(2, 3\) takes 2 inputs, got 1$"):
        nn.Layer(2, 3, twin=impl)(1.0)
    with pytest.raises(ValueError, match=r"^Neuron\(1\) takes 1 input, got 2$"):
        nn.Neuron(1, twin=impl)([1.0, 2.0])
    with pytest.raises(TypeError, match=r"input 1 must be a real number or a "
                                        rf"{impl.IMPLEMENTATION} Value, not 'str'$"):
        model([1.0, "2"])
    with pytest.raises(TypeError, match=r"takes a sequence of real numbers or Values, not 'str'"):
        model("12")
    with pytest.raises(TypeError, match=r"takes a sequence of real numbers or Values, "
                                        r"not 'NoneType'"):
        model(None)
    with pytest.raises(TypeError, match=r"one sample at a time, a 1-D input, not a 2-D array"):
        model(np.zeros((3, 2)))
    with pytest.raises(TypeError, match=r"input 0 must be .*, not 'list' \(one sample at a time"):
        model([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match=rf"not a {impl.IMPLEMENTATION} 'Dual' "
                                        r"\(the parameters are Values: "
                                        r"differentiate a model in reverse mode\)"):
        model([impl.Dual(1.0, 1.0), 2.0])
    other = other_twin(impl)
    with pytest.raises(TypeError, match=rf"not a {other.IMPLEMENTATION} 'Value' \(the model's "
                                        rf"parameters are {impl.IMPLEMENTATION} Values and the "
                                        rf"twins do not mix: build the model with "
                                        rf"twin='{other.IMPLEMENTATION}'\)"):
        model([other.Value(1.0), 2.0])


@pytest.mark.parametrize("call, error, message", [
    (lambda V: nn.mse([V(1.0), V(2.0)], [1.0]), ValueError, r"^mse\(\): 2 preds but 1 targets$"),
    (lambda V: nn.mse([], []), ValueError, r"^mse\(\): preds is empty$"),
    (lambda V: nn.mse([V(1.0), "a"], [1.0, 2.0]), TypeError,
     r"^mse\(\): preds\[1\] must be a real number or a Value, not 'str'$"),
    (lambda V: nn.mse(V(1.0), None), TypeError, r"targets must be a sequence .*, not 'NoneType'"),
    (lambda V: nn.mse(V(1.0), 1.0, reduction="max"), ValueError,
     r"reduction must be 'mean' or 'sum', not 'max'"),
    (lambda V: nn.mse(np.zeros((2, 2)), np.zeros(4)), TypeError, r"preds must be 1-D, not a 2-D array"),
    (lambda V: nn.hinge([V(1.0), V(2.0)], [1, 0]), ValueError,
     r"^hinge\(\): labels\[1\] is 0.0; labels must be -1 or 1$"),
    (lambda V: nn.hinge([V(1.0)], [V(1.0)]), TypeError, r"labels\[0\] must be a real number, not "),
    (lambda V: nn.hinge([V(1.0)], [1, 1]), ValueError, r"1 scores but 2 labels"),
    (lambda V: nn.binary_cross_entropy_with_logits([V(1.0)], [-1]), ValueError,
     r"labels\[0\] is -1.0; labels must be in \[0, 1\]"),
    (lambda V: nn.binary_cross_entropy_with_logits([V(1.0)], [math.nan]), ValueError,
     r"labels\[0\] is nan"),
    (lambda V: nn.binary_cross_entropy([V(0.5), V(1.5)], [1, 0]), ValueError,
     r"^binary_cross_entropy\(\): probs\[1\] is 1.5; probabilities must be in \[0, 1\] "
     r"\(for logits: binary_cross_entropy_with_logits\)$"),
    (lambda V: nn.binary_cross_entropy([-0.25], [1]), ValueError, r"probs\[0\] is -0.25"),
    (lambda V: nn.binary_cross_entropy([V(math.nan)], [1]), ValueError, r"probs\[0\] is nan"),
    (lambda V: nn.binary_cross_entropy([V(0.5)], [2]), ValueError, r"labels\[0\] is 2.0"),
    (lambda V: nn.binary_cross_entropy([V(0.5)], [1, 0]), ValueError, r"1 probs but 2 labels"),
    (lambda V: nn.binary_cross_entropy([V(0.0)], [1]), ValueError, r"^math domain error$"),
    (lambda V: nn.binary_cross_entropy([V(1.0)], [0.5]), ValueError, r"^math domain error$"),
    (lambda V: nn.softmax_cross_entropy([V(1.0), V(2.0)], 2), ValueError,
     r"label_index is 2, out of range for 2 classes"),
    (lambda V: nn.softmax_cross_entropy([V(1.0), V(2.0)], -1), ValueError, r"label_index is -1"),
    (lambda V: nn.softmax_cross_entropy([V(1.0), V(2.0)], 1.0), TypeError,
     r"label_index must be an int, not 'float'"),
    (lambda V: nn.softmax_cross_entropy([V(1.0), V(2.0)], True), TypeError,
     r"label_index must be an int, not 'bool'"),
    (lambda V: nn.softmax_cross_entropy([[V(1.0)], [V(2.0)]], 0), TypeError,
     r"for a batch of logits, label_index must be a sequence of ints, not 'int'"),
    (lambda V: nn.softmax_cross_entropy([[V(1.0)], [V(2.0)]], [0]), ValueError,
     r"2 rows of logits but 1 labels"),
    (lambda V: nn.softmax_cross_entropy([[V(1.0)], [V(2.0), V(3.0)]], [0, 2]), ValueError,
     r"label_index\[1\] is 2, out of range for 2 classes"),
    (lambda V: nn.l2([V(1.0), 2.0]), TypeError, r"^l2\(\): parameter 1 must be a Value, not 'float'$"),
])
def test_loss_errors(impl, call, error, message):
    with pytest.raises(error, match=message):
        call(impl.Value)


def test_losses_refuse_to_mix_twins(impl):
    other = other_twin(impl)
    with pytest.raises(TypeError, match=r"^mse\(\): pure and compiled Values do not mix$"):
        nn.mse([impl.Value(1.0), other.Value(2.0)], [0.0, 0.0])
    with pytest.raises(TypeError, match=r"pure and compiled Values do not mix"):
        nn.softmax_cross_entropy([[impl.Value(1.0)], [other.Value(2.0)]], [0, 0])


@pytest.mark.parametrize("make, error, message", [
    (lambda ps: nn.SGD(ps, lr=-0.1), ValueError, r"^SGD\(\): lr must be >= 0 and finite, not -0.1$"),
    (lambda ps: nn.SGD(ps, lr=math.nan), ValueError, r"lr must be >= 0 and finite, not nan"),
    (lambda ps: nn.SGD(ps, lr="0.1"), TypeError, r"^SGD\(\): lr must be a real number, not 'str'$"),
    (lambda ps: nn.SGD(ps), TypeError, r"missing 1 required positional argument: 'lr'"),
    (lambda ps: nn.SGD(ps, lr=0.1, nesterov=True), ValueError, r"nesterov=True needs a momentum > 0"),
    (lambda ps: nn.SGD(ps, lr=0.1, momentum=-1), ValueError, r"momentum must be >= 0"),
    (lambda ps: nn.SGD([], lr=0.1), ValueError, r"^SGD\(\): the parameter list is empty$"),
    (lambda ps: nn.SGD(ps + ps[:1], lr=0.1), ValueError, r"a parameter appears more than once"),
    (lambda ps: nn.SGD(ps + [1.0], lr=0.1), TypeError, r"^SGD\(\): parameter 2 must be a Value, not 'float'$"),
    (lambda ps: nn.SGD(ps[0], lr=0.1), TypeError, r"takes a list of Values .*, not a single Value"),
    (lambda ps: nn.Adam(ps, betas=(0.9,)), TypeError, r"^Adam\(\): betas must be a pair of real numbers"),
    (lambda ps: nn.Adam(ps, betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1.0\), not 1.0"),
    (lambda ps: nn.Adam(ps, eps=-1e-8), ValueError, r"^Adam\(\): eps must be > 0 and finite, not -1e-08$"),
    (lambda ps: nn.Adam(ps, eps=0.0), ValueError, r"^Adam\(\): eps must be > 0 and finite, not 0.0$"),
    (lambda ps: nn.Adam(ps, weight_decay=None), TypeError, r"weight_decay must be a real number, not 'NoneType'"),
])
def test_optimizer_errors(impl, make, error, message):
    with pytest.raises(error, match=message):
        make([impl.Value(1.0), impl.Value(2.0)])


def test_learning_rate_can_change_but_not_to_nonsense(impl):
    p = impl.Value(1.0)
    opt = nn.SGD([p], lr=0.1)
    opt.lr = 0.5
    p.grad = 2.0
    opt.step()
    assert p.data == 0.0 and opt.lr == 0.5
    with pytest.raises(ValueError, match=r"^SGD.lr: lr must be >= 0 and finite, not -1.0$"):
        opt.lr = -1
    assert opt.lr == 0.5
