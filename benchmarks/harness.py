"""Timing: contenders run in turns in one process, and each figure is a median with its range.

Machine noise on a shared host comes and goes; running every contender once per
round, round after round, spreads it over all of them alike, so the ratios
between them hold even when absolute times drift.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Timing:
    """Seconds per unit of work (an op, a node, a call), over the rounds."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def ratio(self, other: Timing) -> Ratio:
        """self ÷ other, round by round (both measured in the same rounds)."""
        return Ratio([a / b for a, b in zip(self.samples, other.samples)])


@dataclass
class Ratio:
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def __str__(self) -> str:
        return f"{self.median:.2f}× ({min(self.samples):.2f}–{max(self.samples):.2f})"


TURN = 0.02
"""Seconds a contender is clocked for in one turn, at least: short runs are repeated."""


def clock(run: Callable[[], object]) -> float:
    """Seconds for one run; what it returns is dropped after the clock stops."""
    start = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


@dataclass
class Contender:
    """What one turn runs: `run(setup())` is clocked, `setup()` is not; `units` of work."""

    run: Callable[..., object]
    units: float
    setup: Callable[[], object] | None = None

    def once(self) -> float:
        """One turn: seconds per run, in the contender's steady state.

        The turn starts with a full collection and one unclocked run, so that the
        contender is clocked with its code in the caches and branch predictors and
        its free lists and pools filled, not in the wake of the contender before it
        (a full collection also empties CPython's free lists). Runs are then repeated
        until TURN seconds are clocked, as `timeit` does.
        """
        gc.collect()
        self._run()
        runs, total = 0, 0.0
        while runs == 0 or total < TURN:
            total += self._run()
            runs += 1
        return total / runs

    def _run(self) -> float:
        if self.setup is None:
            return clock(self.run)
        state = self.setup()
        return clock(lambda: self.run(state))


def race(contenders: dict[str, Contender], rounds: int, warmups: int = 1) -> dict[str, Timing]:
    """Run each contender once a round, in turns; seconds per unit of work.

    `warmups` unclocked rounds first. The cyclic garbage collector stays on — what it
    costs a system that makes tracked objects is part of that system's cost — but what
    was alive before the race (the benchmark's own imports: PyTorch, JAX, ...) is
    frozen out of its collections, as it would be absent from a user's program.
    """
    gc.collect()
    gc.freeze()
    try:
        for _ in range(warmups):
            for contender in contenders.values():
                contender.once()
        samples: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(rounds):
            for name, contender in contenders.items():
                samples[name].append(contender.once() / contender.units)
    finally:
        gc.unfreeze()
    return {name: Timing(s) for name, s in samples.items()}


def per_unit(seconds: float) -> str:
    """A time per unit, in the unit that reads best."""
    for scale, unit in ((1e-9, "ns"), (1e-6, "µs"), (1e-3, "ms")):
        if seconds < 1000 * scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds:.3g} s"
