"""Tapes across processes and machines: a batch of points as a map over blocks of rows.

A batch too large for one machine's threads is embarrassingly parallel: every row is
one replay of the same tape. Tapes pickle, so any `concurrent.futures.Executor`
spreads the blocks: a `ProcessPoolExecutor` over this machine's cores, or Dask's
(`distributed.Client(...).get_executor()`, `pip install 'cydiff[dask]'`) over a
cluster::

    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor() as pool:
        values, grads = cydiff.parallel.map_value_and_grad(tape, X, pool)

    from distributed import Client
    with Client() as client:   # or Client("scheduler-address:8786")
        values, grads = cydiff.parallel.map_value_and_grad(tape, X, client.get_executor())
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from typing import Any, Optional

import numpy

from . import _common
from ._transforms import inputs
from ._transforms.tape import Tape

__all__ = ["map_value_and_grad"]


def map_value_and_grad(tape: Tape, X: Any, executor: Executor, *,
                       chunksize: Optional[int] = None,
                       threads: Optional[int] = 1) -> tuple[Any, Any]:
    """Values and gradients at the rows of X, computed in blocks on an executor.

    The bits `tape.value_and_grad_batch(X)` gives: blocks of `chunksize` rows are
    submitted to `executor`, each as `tape.value_and_grad_batch(block, threads)`, and put
    back in order. The first block that raised (in row order) raises, and the blocks not
    yet started are cancelled.

    Parameters
    ----------
    tape : Tape
        A scalar tape (tapes pickle, so process pools and clusters take them).
    X : array_like
        The points, shape (m, n).
    executor : concurrent.futures.Executor
        A process or thread pool, or a Dask client's ``get_executor()``.
    chunksize : int, optional
        Rows per block; by default m / (4 × this machine's CPUs), rounded up, which
        keeps a local pool busy. On a cluster, give a few blocks per worker.
    threads : int or None, default 1
        Each block's threads (a worker process is one of many).

    Returns
    -------
    tuple of numpy.ndarray
        The values, shape (m,), and the gradients, shape (m, n).

    Raises
    ------
    TypeError
        If tape is not a Tape, executor has no ``submit``, or X is not numbers.
    ValueError
        If X is not of shape (m, n), or `chunksize` or `threads` is below 1.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> import numpy as np
    >>> import cydiff
    >>> tape = cydiff.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    >>> with ThreadPoolExecutor(2) as pool:
    ...     values, grads = cydiff.parallel.map_value_and_grad(tape, np.eye(2), pool)
    >>> grads
    array([[0., 1.],
           [1., 0.]])
    """
    where = "cydiff.parallel.map_value_and_grad"
    if not isinstance(tape, Tape):
        raise TypeError(f"{where}: tape must be a cydiff.Tape, not '{_common.type_name(tape)}'")
    if not callable(getattr(executor, "submit", None)):
        raise TypeError(f"{where}: executor must be a concurrent.futures.Executor, not "
                        f"'{_common.type_name(executor)}'")
    inputs.count(chunksize, "chunksize", where)
    inputs.count(threads, "threads", where)
    rows = inputs.rows(X, tape.n_inputs, where)
    m = len(rows)
    if chunksize is None:
        chunksize = max(1, -(-m // (4 * (os.cpu_count() or 1))))
    futures = [executor.submit(_block, tape, rows[lo:lo + chunksize], threads)
               for lo in range(0, m, chunksize)]
    values = numpy.empty(m, dtype=numpy.float64)
    grads = numpy.empty((m, tape.n_inputs), dtype=numpy.float64)
    try:
        for k, future in enumerate(futures):
            lo = k * chunksize
            values[lo:lo + chunksize], grads[lo:lo + chunksize] = future.result()
    finally:
        for future in futures:
            future.cancel()  # those not started yet, after an error
    return values, grads


def _block(tape: Tape, rows: Any, threads: Optional[int]) -> tuple[Any, Any]:
    """One task: module-level, so that process pools pickle it by name."""
    return tape.value_and_grad_batch(rows, threads=threads)
