"""cydiff.parallel: a batch of points as a map over blocks of rows, on any
concurrent.futures executor: a process pool (tapes pickle), threads, and a local
Dask cluster when dask is installed. Every map gives value_and_grad_batch's bits."""

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import cydiff


def loss_tape(impl):
    """A tanh network's squared error as a function of its 25 weights."""
    def f(w):
        hidden = [impl.dot(w[4 * j:4 * j + 3], [0.3, -1.2, 2.0]).tanh() + w[4 * j + 3]
                  for j in range(5)]
        return (impl.dot(w[20:25], hidden) - 0.5) ** 2
    return impl.trace(f, np.linspace(-1, 1, 25))


def same(a, b):
    return a[0].tobytes() == b[0].tobytes() and a[1].tobytes() == b[1].tobytes()


def test_a_process_pool_gives_the_batch(impl):
    tape = loss_tape(impl)
    X = np.random.default_rng(0).normal(size=(50, 25))
    expected = tape.value_and_grad_batch(X, threads=1)
    with ProcessPoolExecutor(max_workers=2) as pool:
        assert same(cydiff.parallel.map_value_and_grad(tape, X, pool, chunksize=7), expected)
        assert same(cydiff.parallel.map_value_and_grad(tape, X, pool), expected)


def test_threads_and_edges(impl):
    tape = loss_tape(impl)
    X = np.random.default_rng(1).normal(size=(9, 25))
    expected = tape.value_and_grad_batch(X)
    with ThreadPoolExecutor(max_workers=3) as pool:
        for chunksize in (1, 4, 9, 100):
            assert same(cydiff.parallel.map_value_and_grad(tape, X, pool, chunksize=chunksize,
                                                           threads=2), expected)
        values, grads = cydiff.parallel.map_value_and_grad(tape, np.empty((0, 25)), pool)
        assert values.shape == (0,) and grads.shape == (0, 25)


def test_the_first_blocks_error_is_raised(impl):
    tape = impl.trace(lambda v: v[0].log() + 1.0 / v[1], [1.0, 1.0])
    X = np.ones((12, 2))
    X[5, 1] = 0.0
    X[9, 0] = -1.0
    with ThreadPoolExecutor(max_workers=2) as pool:
        with pytest.raises(ZeroDivisionError, match="float division by zero"):
            cydiff.parallel.map_value_and_grad(tape, X, pool, chunksize=2)


def test_argument_errors(impl):
    tape = loss_tape(impl)
    X = np.zeros((3, 25))
    where = "cydiff.parallel.map_value_and_grad"
    with ThreadPoolExecutor(max_workers=1) as pool:
        with pytest.raises(TypeError, match=f"{where}: tape must be a cydiff.Tape, not 'list'"):
            cydiff.parallel.map_value_and_grad([1.0], X, pool)
        with pytest.raises(TypeError, match="executor must be a concurrent.futures.Executor"):
            cydiff.parallel.map_value_and_grad(tape, X, 4)
        with pytest.raises(ValueError, match=r"X must have shape \(m, 25\), not \(3, 2\)"):
            cydiff.parallel.map_value_and_grad(tape, np.zeros((3, 2)), pool)
        with pytest.raises(ValueError, match="chunksize must be at least 1, not 0"):
            cydiff.parallel.map_value_and_grad(tape, X, pool, chunksize=0)
        with pytest.raises(TypeError, match="chunksize must be a positive int or None, not "):
            cydiff.parallel.map_value_and_grad(tape, X, pool, chunksize=2.0)
        with pytest.raises(ValueError, match="threads must be at least 1, not 0"):
            cydiff.parallel.map_value_and_grad(tape, X, pool, threads=0)


@pytest.mark.long
def test_a_local_dask_cluster_gives_the_batch(impl):
    """The module's documented example, on a LocalCluster of two worker processes."""
    distributed = pytest.importorskip("distributed", reason="dask is an optional extra: "
                                      "pip install 'cydiff[dask]'")
    tape = loss_tape(impl)
    X = np.random.default_rng(2).normal(size=(40, 25))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            result = cydiff.parallel.map_value_and_grad(tape, X, client.get_executor(),
                                                        chunksize=10)
    assert same(result, tape.value_and_grad_batch(X))
