"""Per-op cost of cydiff's twins as a ratio to a plain float op, measured side by side.

Every figure is the median of interleaved repeats in one process, so machine
noise hits all contenders alike; min-max ranges are shown beside the medians.
`make bench` runs `python benchmarks/run.py` against the installed package (as
a script, so the source tree cannot shadow it); `--quick` is a smoke test. It
prints a table and writes RESULTS.md beside this file.
"""

from __future__ import annotations

import argparse
import gc
import math
import platform
import statistics
import time
from pathlib import Path
from typing import Callable

import cydiff
import cydiff.compiled as C
import cydiff.pure as P

CHAIN = 100_000


# --- the workloads: a chain of `*`, `+` with constants and relu --------------------

def float_chain(n: int) -> float:
    y = 0.5
    for i in range(n // 3):
        y = y * 1.0000001
        y = y + 0.1
        y = y if y > 0.0 else 0.0
    return y


def value_chain(m, n: int):
    x = m.Value(0.5)
    y = x
    for i in range(n // 3):
        y = y * 1.0000001
        y = y + 0.1
        y = y.relu()
    return x, y


def g_float(x: float) -> float:  # g itself, the same formula on floats
    return math.sin(x**2 + 1.0) * math.exp(-x) / (1.0 + x**2)


def g_generic(m, x):
    return m.sin(x**2 + 1.0) * m.exp(-x) / (1.0 + x**2)


# --- timing ----------------------------------------------------------------------------

def timed(run: Callable[[], object]) -> float:
    """Seconds for one run; what it returns is freed after the clock stops."""
    gc.collect()
    t = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - t
    del result
    return elapsed


def interleaved(contenders: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Seconds per run of each contender, the contenders taking turns."""
    for run in contenders.values():  # warm-up: heap, freelists, caches
        run()
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            times[name].append(timed(run))
    return times


def backward_times(m, n: int, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats + 1):
        x, y = value_chain(m, n)
        out.append(timed(y.backward))
        del x, y
    return out[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="few repeats, small graphs (smoke test)")
    args = parser.parse_args()
    repeats, n, points = (3, 3_000, 200) if args.quick else (15, CHAIN, 20_000)
    xs = [0.001 * i - 3.0 for i in range(points)]

    forward = interleaved({
        "float": lambda: float_chain(n),
        "compiled": lambda: value_chain(C, n),
        "pure": lambda: value_chain(P, n),
    }, repeats)
    float_op = statistics.median(forward["float"]) / n
    backward = {"compiled": backward_times(C, n, repeats), "pure": backward_times(P, n, max(3, repeats // 3))}
    dual = interleaved({
        "float": lambda: [g_float(x) for x in xs],
        "compiled": lambda: [g_generic(C, C.Dual(x, 1.0)).deriv for x in xs],
        "pure": lambda: [g_generic(P, P.Dual(x, 1.0)).deriv for x in xs],
    }, repeats)

    def ratio(times: list[float], per: int, floor: float) -> str:
        med, lo, hi = statistics.median(times), min(times), max(times)
        return f"{med / per / floor:.2f}× ({lo / per / floor:.2f}–{hi / per / floor:.2f})"

    g_floor = statistics.median(dual["float"]) / len(xs)
    rows = [
        ("`Value` forward, per op (chain of *, + const, relu)", n, forward, float_op),
        ("`Value.backward()`, per node", n, backward, float_op),
    ]
    lines = [
        "# Benchmark results",
        "",
        f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
        f"cydiff {cydiff.__version__}; plain float op: {float_op * 1e9:.1f} ns. "
        f"Medians of {repeats} interleaved runs, min–max in brackets.",
        "",
        "| figure | compiled | pure |",
        "|---|---|---|",
    ]
    for label, per, times, floor in rows:
        lines.append(f"| {label}, ÷ a plain float op | {ratio(times['compiled'], per, floor)} "
                     f"| {ratio(times['pure'], per, floor)} |")
    lines.append(f"| `Dual`: g'(x), g = sin(x²+1)·exp(−x)/(1+x²), ÷ g(x) in floats "
                 f"| {ratio(dual['compiled'], len(xs), g_floor)} | {ratio(dual['pure'], len(xs), g_floor)} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.quick:
        Path(__file__).with_name("RESULTS.md").write_text(text)


if __name__ == "__main__":
    main()
