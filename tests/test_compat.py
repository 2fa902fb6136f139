"""Files written by earlier versions of cydiff still load, and mean what they meant.

tests/fixtures/<version>/ holds pickles (a graph using every op code of that
version, a leaf, a Dual, a MultiDual, a tape) and an nn model file, written by
tests/fixtures/make_fixtures.py with that version. Op codes are appended, never
renumbered, so each loads into today's twin as the same graph, node for node.
"""

import os
import pickle

import pytest

from cydiff import nn
from fixtures.program import every_op
from test_pickle import describe

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
VERSIONS = sorted(v for v in os.listdir(HERE) if v[0].isdigit())
X, Y = 0.3, 0.7


def load(version, impl, what):
    with open(os.path.join(HERE, version, f"{impl.IMPLEMENTATION}_{what}.pickle"), "rb") as f:
        return pickle.load(f)


def fresh_graph(impl):
    x, y = impl.Value(X, label="x"), impl.Value(Y, label="y")
    root = every_op(impl, x, y)
    root.backward()
    return root


@pytest.mark.parametrize("version", VERSIONS)
def test_a_graph_loads_as_the_same_graph(impl, version):
    loaded = load(version, impl, "graph")
    assert type(loaded) is impl.Value
    assert describe(loaded) == describe(fresh_graph(impl))


@pytest.mark.parametrize("version", VERSIONS)
def test_a_tape_loads_as_the_same_tape(impl, version):
    loaded = load(version, impl, "tape")
    fresh = impl.trace(lambda v: every_op(impl, v[0], v[1]), [X, Y])
    for point in ([X, Y], [0.2, 0.9]):
        value, grad = loaded.value_and_grad(point)
        assert (value, list(grad)) == fresh.value_and_grad(point)[:1] + (list(fresh.grad(point)),)


@pytest.mark.parametrize("version", VERSIONS)
def test_numbers_load(impl, version):
    leaf, dual, multi = (load(version, impl, what) for what in ("leaf", "dual", "multidual"))
    assert (type(leaf), leaf.data, leaf.label) == (impl.Value, X, "x")
    assert (type(dual), dual.val, dual.deriv) == (impl.Dual, X, 1.0)
    assert (type(multi), multi.val, multi.partials[:2]) == (impl.MultiDual, X, (1.0, 2.0))


@pytest.mark.parametrize("version", VERSIONS)
def test_a_model_file_loads(version):
    loaded = nn.load(os.path.join(HERE, version, "mlp.json"))
    fresh = nn.MLP(3, [4, 2], seed=5)
    assert [p.data for p in loaded.parameters()] == [p.data for p in fresh.parameters()]
