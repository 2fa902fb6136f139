"""Pickle, copy and deepcopy: graphs and Duals round-trip exactly, on both twins and across them."""

import copy
import pickle
import random

import pytest

from child import run_python
from programs import apply, bits, random_program


def describe(root):
    """Everything a graph is, node by node in topological order, floats as bits."""
    order, seen, stack = [], {}, [(root, False)]
    while stack:  # post-order, children in operand order (the twins' own order)
        node, done = stack.pop()
        if done:
            if id(node) not in seen:
                seen[id(node)] = len(order)
                order.append(node)
            continue
        if id(node) in seen:
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node._children))
    return [(bits(n.data), bits(n.grad), n._op, n.label, type(n).__module__,
             tuple(seen[id(c)] for c in n._children)) for n in order]


def random_graph(impl, seed):
    rng = random.Random(seed)
    while True:
        program = random_program(rng, specials=0.1, max_ops=12)
        try:
            v = [impl.Value(x) for x in program.inputs]
            for op in program.ops:
                v.append(apply(impl, op, v))
            v[-1].backward()
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        for i, node in enumerate(v):
            node.label = f"v{i}"
        return v


def test_random_graphs_round_trip_exactly(impl):
    for seed in range(300):
        v = random_graph(impl, seed)
        for protocol in (2, pickle.HIGHEST_PROTOCOL):
            loaded = pickle.loads(pickle.dumps(v[-1], protocol))
            assert type(loaded) is impl.Value
            assert describe(loaded) == describe(v[-1])


def test_leaves_keep_their_identity_across_roots(impl):
    x, w = impl.Value(2.0, label="x"), impl.Value(-1.0, label="w")
    loss = (x * w + w).tanh()
    loaded_loss, loaded_x, loaded_w = pickle.loads(pickle.dumps([loss, x, w]))
    leaves = {id(n) for n in loaded_loss._children[0]._children[0]._children}
    assert id(loaded_x) in leaves and id(loaded_w) in leaves
    loaded_loss.backward()
    loss.backward()
    assert (loaded_x.grad, loaded_w.grad) == (x.grad, w.grad)


def test_leaf_and_custom_nodes(impl):
    a = impl.Value(1.5, _op="in", label="a")
    a.grad = 0.25
    b = pickle.loads(pickle.dumps(a))
    assert (b.data, b.grad, b._op, b.label, b._prev) == (1.5, 0.25, "in", "a", set())
    c = impl.Value(3.0, (a, a), "twice", label="c")
    d = pickle.loads(pickle.dumps(c))
    assert describe(d) == describe(c)


def test_copy_is_shallow_deepcopy_copies_the_graph(impl):
    v = random_graph(impl, 7)
    root = v[-1]
    shallow = copy.copy(root)
    assert shallow is not root and describe(shallow) == describe(root)
    assert all(a is b for a, b in zip(shallow._children, root._children))
    deep = copy.deepcopy(root)
    assert describe(deep) == describe(root)
    old = {id(n) for n in v}
    stack = [deep]
    while stack:
        node = stack.pop()
        assert id(node) not in old
        stack.extend(node._children)
    # one memo for several objects: a node shared between them stays shared
    x, y = impl.Value(2.0), impl.Value(3.0)
    root = x * y + x
    deep_root, deep_x = copy.deepcopy([root, x])
    assert deep_x is not x and deep_x.data == 2.0
    assert deep_root._children[1] is deep_x and deep_root._children[0]._children[0] is deep_x


def test_duals(impl):
    d = impl.Dual(-0.5, 3.25)
    for e in (pickle.loads(pickle.dumps(d)), copy.copy(d), copy.deepcopy(d)):
        assert type(e) is impl.Dual and (bits(e.val), bits(e.deriv)) == (bits(-0.5), bits(3.25))


def test_corrupt_pickles_raise(impl):
    import cydiff._pickle as p
    x = impl.Value(1.0)
    twin = impl.IMPLEMENTATION
    bad = [
        [(1.0, 0.0, 16, "", 5, None, 0.0, None)],         # child index out of range
        [x, (1.0, 0.0, 2, "", 0, None, 0.0, None)],       # binary op without its second child
        [x, (1.0, 0.0, 35, "", None, None, 0.0, (0,))],   # dot with an odd number of items
        [x, (1.0, 0.0, 99, "", 0, None, 0.0, None)],      # no such op
        [x, "junk"],
    ]
    for entries in bad:
        with pytest.raises(ValueError, match="cannot unpickle a cydiff Value"):
            p.restore_graph(twin, p.FORMAT, entries)
    with pytest.raises(ValueError, match="record format"):
        p.restore_graph(twin, 99, [x])


DEEP = """
import pickle, sys, cydiff.{twin} as m
x = m.Value(0.5, label="x")
y = x
for i in range(1_000_000):
    y = y * 0.9999999 + 1e-7 if i % 2 else m.tanh(y)
y.backward()
blob = pickle.dumps(y)
z = pickle.loads(blob)
w, depth = z, 0
while w._children:
    w, depth = w._children[0], depth + 1
print(type(z).__module__, repr(z.data) == repr(y.data), repr(w.grad) == repr(x.grad), w.label, depth)
"""


@pytest.mark.long
def test_a_million_deep_graph_pickles(impl):
    result = run_python(DEEP.format(twin=impl.IMPLEMENTATION))
    assert result.returncode == 0, result.stderr[-2000:]
    module, same_data, same_grad, label, depth = result.stdout.split()
    assert (same_data, same_grad, label, depth) == ("True", "True", "x", "1500000")
    assert module == ("cydiff._value_c" if impl.IMPLEMENTATION == "compiled"
                      else "cydiff.pure._value_py")


@pytest.mark.c_extensions
def test_a_pickle_loads_in_the_other_twin(pure, compiled, tmp_path, monkeypatch):
    """A compiled pickle loads as pure Values where the compiled twin is off (in
    this process and in a fresh one); a pure pickle loads, as pure Values, in a
    process whose default is the compiled twin. Either way the graph is the same."""
    def same_graph(a, b):
        return [d[:4] + d[5:] for d in describe(a)] == [d[:4] + d[5:] for d in describe(b)]

    for seed in range(20):
        made_c, made_py = random_graph(compiled, seed)[-1], random_graph(pure, seed)[-1]
        assert same_graph(made_c, made_py)  # the twins built the same graph
        blob = pickle.dumps(made_c)
        with monkeypatch.context() as m:
            m.setenv("CYDIFF_NO_EXTENSIONS", "1")
            loaded = pickle.loads(blob)
        assert type(loaded) is pure.Value and same_graph(loaded, made_c)
        loaded = pickle.loads(pickle.dumps(made_py))
        assert type(loaded) is pure.Value and same_graph(loaded, made_c)

    made_c = random_graph(compiled, 99)[-1]
    (tmp_path / "graph.pickle").write_bytes(pickle.dumps(made_c))
    result = run_python(f"import pickle; g = pickle.load(open({str(tmp_path / 'graph.pickle')!r}, 'rb'))\n"
                        "print(type(g).__module__, repr(g.data), repr(g.grad))",
                        CYDIFF_NO_EXTENSIONS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["cydiff.pure._value_py", repr(made_c.data), repr(made_c.grad)]
