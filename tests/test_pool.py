"""node_pool_limit: the compiled twin keeps freed nodes' memory, and gives it back when asked.

Both twins answer alike; only the compiled one has memory to keep, which
tracemalloc shows in a fresh process.
"""

import pytest

from child import run_python


def test_the_limit_is_read_and_set(impl):
    start = impl.node_pool_limit()
    assert start == 2**22
    try:
        assert impl.node_pool_limit(1000) == start
        assert impl.node_pool_limit() == 1000
        assert impl.node_pool_limit(0) == 1000
        assert impl.node_pool_limit(10**30) == 0
        assert impl.node_pool_limit() == 2**60
    finally:
        impl.node_pool_limit(start)


@pytest.mark.parametrize("bad, error, message", [
    ("3", TypeError, "node_pool_limit() takes an int, not str"),
    (2.0, TypeError, "node_pool_limit() takes an int, not float"),
    (True, TypeError, "node_pool_limit() takes an int, not bool"),
    (-1, ValueError, "node_pool_limit() takes a count >= 0, not -1"),
])
def test_a_bad_limit_is_refused_and_changes_nothing(impl, bad, error, message):
    before = impl.node_pool_limit()
    with pytest.raises(error) as caught:
        impl.node_pool_limit(bad)
    assert str(caught.value) == message
    assert impl.node_pool_limit() == before


def test_graphs_built_in_pooled_memory_are_the_same(impl, pure):
    def run(m):
        x = m.Value(0.3)
        y = x
        for i in range(3000):
            y = m.tanh(y * 1.01 + 0.001 * i)
        y.backward()
        return y.data.hex(), x.grad.hex()
    start = impl.node_pool_limit()
    try:
        expected = run(pure)
        for limit in (0, 10, 2**22):
            impl.node_pool_limit(limit)
            assert run(impl) == expected  # a fresh pool, a partly filled one, a full one
            assert run(impl) == expected
    finally:
        impl.node_pool_limit(start)


KEPT = """
import gc, tracemalloc
import cydiff.{twin} as m


def graph(n):
    y = m.Value(0.5)
    for _ in range(n):
        y = y * 1.0000001
    return y


tracemalloc.start()
base = tracemalloc.get_traced_memory()[0]
g = graph(100_000)
alive = tracemalloc.get_traced_memory()[0] - base
del g
kept = tracemalloc.get_traced_memory()[0] - base
m.node_pool_limit(1000)
capped = tracemalloc.get_traced_memory()[0] - base
m.node_pool_limit(0)
emptied = tracemalloc.get_traced_memory()[0] - base
m.node_pool_limit(2**22)
g = graph(100_000)
again = tracemalloc.get_traced_memory()[0] - base
print(alive, kept, capped, emptied, again)
"""


def test_freed_memory_is_kept_up_to_the_limit(impl):
    result = run_python(KEPT.format(twin=impl.IMPLEMENTATION))
    assert result.returncode == 0, result.stderr[-2000:]
    alive, kept, capped, emptied, again = (int(s) for s in result.stdout.split())
    assert 100_000 * 32 <= alive <= 100_000 * 200
    assert emptied < 50_000, "node_pool_limit(0) returns every pooled node"
    assert capped < 1000 * 80 + 50_000
    assert abs(again - alive) < 50_000, "a graph built after emptying takes what it took before"
    if impl.IMPLEMENTATION == "compiled":
        assert kept >= 100_000 * 80, "the compiled twin keeps a freed graph's memory"
    else:
        assert kept < 50_000, "the pure twin leaves freed memory to CPython"
