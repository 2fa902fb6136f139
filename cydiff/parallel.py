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
    """Values (m,) and gradients (m, n) at the rows of X (m, n), as
    `tape.value_and_grad_batch(X)` gives them, bit for bit: blocks of `chunksize` rows
    are submitted to `executor`, each as `tape.value_and_grad_batch(block, threads)`,
    and put back in order. `chunksize` defaults to m / (4 × this machine's CPUs),
    rounded up, so that a pool of local processes is kept busy; on a cluster, pass
    one that gives a few blocks per worker. `threads` is each block's, 1 by default
    (a worker process is one of many). The first block that raised (in row order)
    raises, and the blocks not yet started are cancelled."""
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
