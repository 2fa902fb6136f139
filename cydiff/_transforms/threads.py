"""A batch's rows over threads: how many to use, and the blocks they replay (the
compiled replay releases the GIL, so the threads run at once).

The threads are kept between calls. Starting one and joining it cost ~0.3 ms here (the
new thread's start-up and the GIL's hand-overs), a tenth of the 2.5 ms each half of a
256-row batch of the demo loss takes; a kept thread wakes in ~0.04 ms. They end before
the process forks."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Optional

# A thread is worth using for this many node replays (~0.5 ms of work): a 10k-op tape
# splits 32 rows over 2 threads, not 8 rows.
NODES_PER_THREAD = 100_000

_pool: Optional[ThreadPoolExecutor] = None
_pool_size = 0
_pool_lock = threading.Lock()  # two threads' first batches make one pool, not two


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _workers(n: int) -> ThreadPoolExecutor:
    """The kept threads, at least n of them (made when first needed, grown on demand)."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < n:
            old, _pool, _pool_size = _pool, ThreadPoolExecutor(n, "cydiff-batch"), n
            if old is not None:
                old.shutdown(wait=False)  # its threads end once their blocks are done
        return _pool


def _end_workers() -> None:
    """Before a fork: the idle threads end (the next batch starts new ones), so that the
    process forks with none of cydiff's threads (Python 3.12 warns of a fork with threads,
    which can deadlock a child), and the child finds no pool it cannot use."""
    global _pool, _pool_size
    with _pool_lock:
        pool, _pool, _pool_size = _pool, None, 0
    if pool is not None:
        pool.shutdown(wait=True)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_end_workers)


def in_blocks(batch: Any, rows: Any, values: Any, grads: Any, threads: int) -> None:
    """batch(rows, values, grads, lo, hi) over `threads` contiguous blocks of rows, the
    first in this thread and the others in kept threads; the error of the first block
    that raised is raised."""
    m = len(rows)
    bounds = [m * k // threads for k in range(threads + 1)]
    others: list[Future[None]] = []
    if threads > 1:
        pool = _workers(threads - 1)
        others = [pool.submit(batch, rows, values, grads, bounds[k], bounds[k + 1])
                  for k in range(1, threads)]
    first: Optional[BaseException] = None
    try:
        batch(rows, values, grads, bounds[0], bounds[1])
    except BaseException as error:  # raised once the other blocks are done with the arrays
        first = error
    for raised in [first] + [other.exception() for other in others]:
        if raised is not None:
            raise raised
