"""Value, reverse mode: the seeds' worked numbers, backward's rules, the node's attributes."""

import math

import pytest


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# --- the seeds' worked numbers -----------------------------------------------------

def test_seed_sigmoid_neuron_loss(impl):
    x, w, b = 2.0, impl.Value(0.5), impl.Value(-0.1)
    y_hat = impl.sigmoid(w * x + b)
    loss = (y_hat - 0.8) ** 2
    loss.backward()
    assert round(y_hat.data, 6) == 0.710950
    assert round(loss.data, 6) == 0.007930
    assert w.grad == pytest.approx(-0.07319962, abs=5e-9)
    assert b.grad == pytest.approx(-0.03659981, abs=5e-9)

    def loss_at(wv, bv):
        y = 1.0 / (1.0 + math.exp(-(wv * x + bv)))
        return (y - 0.8) ** 2
    assert w.grad == pytest.approx(central_difference(lambda t: loss_at(t, -0.1), 0.5), abs=1e-9)
    assert b.grad == pytest.approx(central_difference(lambda t: loss_at(0.5, t), -0.1), abs=1e-9)


def test_seed_product_and_square(impl):
    x, y = impl.Value(2.0), impl.Value(3.0)
    z = x * y + x**2
    z.backward()
    assert (z.data, x.grad, y.grad) == (10.0, 7.0, 2.0)


def test_seed_graph_with_shared_inputs(impl):
    x1, x2 = impl.Value(2.0), impl.Value(3.0)
    f = (x1 + x2) * (x1 * x2)
    f.backward()
    assert (f.data, x1.grad, x2.grad) == (30.0, 21.0, 16.0)


def test_seed_dead_relu(impl):
    w1, w2, b = impl.Value(0.5), impl.Value(-0.5), impl.Value(0.1)
    out = impl.relu(w1 * 1.0 + w2 * 2.0 + b)
    out.backward()
    assert out.data == 0.0
    assert (w1.grad, w2.grad, b.grad) == (0.0, 0.0, 0.0)


def test_seed_cubic(impl):
    x = impl.Value(3.0)
    y = x**3 + 2 * x
    y.backward()
    assert (y.data, x.grad) == (33.0, 29.0)


# --- backward ------------------------------------------------------------------------

def test_leaves_accumulate_interior_nodes_restart(impl):
    x = impl.Value(3.0)
    h = x * x
    y = h * 2.0
    y.backward()
    assert (x.grad, h.grad, y.grad) == (12.0, 2.0, 1.0)
    y.backward()  # PyTorch semantics: leaves accumulate, no double counting inside
    assert (x.grad, h.grad, y.grad) == (24.0, 2.0, 1.0)


def test_backward_seeds_the_root_even_if_a_leaf(impl):
    x = impl.Value(3.0)
    x.grad = 5.0
    x.backward()
    assert x.grad == 1.0


def test_backward_of_a_subgraph(impl):
    x = impl.Value(2.0)
    h = x * 3.0
    y = h.exp()
    y.backward()
    h.backward()  # h restarts at 1, x accumulates d h/dx = 3
    assert h.grad == 1.0
    assert x.grad == pytest.approx(3.0 * math.exp(6.0) + 3.0)
    assert y.grad == 1.0  # y is not reachable from h: untouched


def test_reused_node_sums_all_paths(impl):
    x = impl.Value(1.5)
    a = x * x
    y = a + a * a + x  # x reached through a twice and directly
    y.backward()
    assert x.grad == pytest.approx(2 * 1.5 + 4 * 1.5**3 + 1)


def test_zero_grad_clears_the_whole_graph(impl):
    x, w = impl.Value(2.0), impl.Value(-1.0)
    y = (x * w).tanh() + x
    y.backward()
    assert x.grad != 0.0 and w.grad != 0.0
    y.zero_grad()
    assert (x.grad, w.grad, y.grad) == (0.0, 0.0, 0.0)


def test_detach_stops_gradients(impl):
    x = impl.Value(2.0)
    d = (x * 3.0).detach()
    assert d.data == 6.0 and d._prev == set() and d._op == ""
    y = d * x
    y.backward()
    assert x.grad == 6.0 and d.grad == 2.0


def test_zero_gradient_passes_nothing(impl):
    """relu(sqrt(x) - 1) at x = 0: sqrt' is inf, but relu' is 0, so x's gradient is 0, not nan."""
    x = impl.Value(0.0)
    y = impl.relu(impl.sqrt(x) - 1.0)
    y.backward()
    assert x.grad == 0.0
    z = impl.Value(0.0)
    (impl.sqrt(z) * 0.0).backward()
    assert z.grad == 0.0


def test_custom_node_passes_nothing(impl):
    a, b = impl.Value(1.0), impl.Value(2.0)
    c = impl.Value(3.0, (a, b), "f", label="c")
    assert c._op == "f" and c._prev == {a, b} and c._children == (a, b) and c.label == "c"
    y = c * 2.0
    y.backward()
    assert c.grad == 2.0 and (a.grad, b.grad) == (0.0, 0.0)


# --- the node's attributes --------------------------------------------------------------

def test_repr(impl):
    v = impl.Value(0.710951)
    assert repr(v) == "Value(data=0.7110, grad=0.0000)"
    v.grad = -1.23456
    assert repr(v) == "Value(data=0.7110, grad=-1.2346)"


def test_attributes(impl):
    v = impl.Value(2)
    assert type(v.data) is float and v.data == 2.0 and v.grad == 0.0
    assert v._op == "" and v._prev == set() and v._children == () and v.label == ""
    v.data -= 0.5 * 4  # what an optimizer does
    assert v.data == 0.0
    v.label = "w"
    assert v.label == "w" and impl.Value(1.0, label="b").label == "b"
    v.grad = 3
    assert type(v.grad) is float and v.grad == 3.0


@pytest.mark.parametrize("expr, op", [
    ("x + y", "+"), ("x + 1", "+"), ("1 + x", "+"), ("x - y", "-"), ("2 - x", "-"),
    ("x * y", "*"), ("3 * x", "*"), ("x / y", "/"), ("1 / x", "/"), ("x ** 2", "**2"),
    ("x ** 3.0", "**3"), ("x ** 0.5", "**0.5"), ("x ** -1", "**-1"), ("x ** y", "**"),
    ("2 ** x", "**"), ("-x", "neg"), ("x.tanh()", "tanh"), ("x.relu()", "ReLU"),
    ("x.exp()", "exp"),
])
def test_op_strings(impl, expr, op):
    x, y = impl.Value(1.5), impl.Value(2.0)  # noqa: F841  (expr evals them)
    assert eval(expr)._op == op


def test_constants_are_folded_not_leaves(impl):
    x = impl.Value(2.0)
    for y in (x + 1, 1 + x, x * 2, 2 * x, x - 1, 1 - x, x / 2, 2 / x, x**2, 2**x):
        assert y._prev == {x} and y._children == (x,)


def test_children_in_operand_order(impl):
    a, b = impl.Value(1.0), impl.Value(2.0)
    assert (a - b)._children == (a, b) and (b - a)._children == (b, a)
    assert (a * a)._children == (a, a) and (a * a)._prev == {a}


def test_identity_equality_and_hash(impl):
    a, b = impl.Value(1.0), impl.Value(1.0)
    assert a == a and a != b and not (a == b)
    assert len({a, b, a}) == 2
    assert {a: 1}[a] == 1
    assert not (a == 1.0) and a != 1.0


def test_ordering_compares_data(impl):
    a, b = impl.Value(1.0), impl.Value(2.0)
    assert a < b and a <= b and b > a and b >= a and not (a > b)
    assert a < 1.5 and 0.5 < a and a >= 1 and a <= True
    assert max([b, a], key=lambda v: v.data) is b
    assert sorted([b, a]) == [a, b]
