"""A batch's rows over threads: how many to start, and the blocks they replay (the
compiled replay releases the GIL, so the threads run at once)."""

from __future__ import annotations

import os
import threading
from typing import Any, Optional

# A thread is worth starting for this many node replays (~0.5 ms of work; starting and
# joining one costs ~0.1-0.2 ms): a 10k-op tape splits 32 rows over 2 threads, not 8 rows.
NODES_PER_THREAD = 100_000


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined,unused-ignore]
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def in_blocks(batch: Any, rows: Any, values: Any, grads: Any, threads: int) -> None:
    """batch(rows, values, grads, lo, hi) over `threads` contiguous blocks of rows, the
    first in this thread; the error of the first block that raised is raised."""
    m = len(rows)
    bounds = [m * k // threads for k in range(threads + 1)]
    errors: list[Optional[BaseException]] = [None] * threads

    def block(k: int) -> None:
        try:
            batch(rows, values, grads, bounds[k], bounds[k + 1])
        except BaseException as error:  # re-raised below, in the caller's thread
            errors[k] = error

    workers = [threading.Thread(target=block, args=(k,)) for k in range(1, threads)]
    for worker in workers:
        worker.start()
    block(0)
    for worker in workers:
        worker.join()
    for error in errors:
        if error is not None:
            raise error
