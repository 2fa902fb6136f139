"""A 10^6-op chain: forward, backward twice, zero_grad and freeing, without recursion.

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


@pytest.mark.slow
def test_million_op_chain(impl):
    run_chain(impl.IMPLEMENTATION, 1_000_000)


@pytest.mark.slow
@pytest.mark.c_extensions
def test_chain_twins_agree():
    assert run_chain("compiled", 20_000) == run_chain("pure", 20_000)
