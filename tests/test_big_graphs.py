"""Big graphs: a 10^6-op chain, and 10^5-wide fan-in and fan-out; forward, backward
twice, zero_grad and freeing, without recursion.

Each run is a subprocess, so a stack overflow is a failed test, not a dead suite.
"""

import pytest

from child import run_python

CHAIN = """
import sys
import cydiff.{twin} as m
x = m.Value(0.5)
y = x
for i in range({n}):
    k = i % 5
    if k == 0:
        y = y * 0.9999999 + 1e-7
    elif k == 1:
        y = m.tanh(y) + 0.25
    elif k == 2:
        y = m.sum([y, 1e-9])
    elif k == 3:
        y = m.dot([y], [1.0000001])
    else:
        y = y - 0.25
y.backward()
first = x.grad
y.backward()
second = x.grad
y.zero_grad()
zeroed = x.grad
del y  # frees the whole chain
print(repr(first), repr(second), repr(zeroed))
"""


def run_chain(twin, n):
    result = run_python(CHAIN.format(twin=twin, n=n))
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    first, second, zeroed = (float(s) for s in result.stdout.split())
    assert 0.0 < first < 1.0 and second == 2.0 * first and zeroed == 0.0
    return result.stdout


@pytest.mark.long
def test_million_op_chain(impl):
    run_chain(impl.IMPLEMENTATION, 1_000_000)


@pytest.mark.long
@pytest.mark.c_extensions
def test_chain_twins_agree():
    assert run_chain("compiled", 20_000) == run_chain("pure", 20_000)


WIDE = """
import cydiff.{twin} as m
n = 100_000
xs = [m.Value(1e-5 * i) for i in range(n)]
cs = [1.0 + 1e-6 * i for i in range(n)]
x = m.Value(0.5)
fan_out = [x * c for c in cs]                        # x has 10^5 parents
y = m.sum(fan_out) + m.dot(xs, cs) + m.sum(xs)      # two nodes with 10^5 children each
y.backward()
first = x.grad, xs[7].grad
y.backward()
second = x.grad, xs[7].grad


def accumulated(start):                              # as backward adds: last parent first
    for c in reversed(cs):
        start += c
    return start


y.zero_grad()
print(first[0] == accumulated(0.0), first[1] == cs[7] + 1.0, second[0] == accumulated(first[0]),
      abs(second[1] - 2 * first[1]) < 1e-12, x.grad == 0.0 and xs[7].grad == 0.0, repr(y.data))
del y, fan_out
"""


@pytest.mark.long
def test_wide_fan_in_and_fan_out(impl):
    result = run_python(WIDE.format(twin=impl.IMPLEMENTATION))
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    *checks, data = result.stdout.split()
    assert checks == ["True"] * 5


@pytest.mark.long
@pytest.mark.c_extensions
def test_wide_graph_twins_agree():
    outputs = {twin: run_python(WIDE.format(twin=twin)).stdout for twin in ("compiled", "pure")}
    assert outputs["compiled"] == outputs["pure"] and outputs["pure"]
