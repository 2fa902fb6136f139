"""Threads building and differentiating separate graphs at once get what one thread gets."""

import random
import sys
import threading

from programs import canonical, random_program, run_duals, run_values


def run_chain(m, seed):
    """A 20,000-op chain with its own constants, differentiated twice."""
    rng = random.Random(seed)
    x = m.Value(rng.uniform(-1, 1))
    y = x
    for i in range(20_000):
        y = m.tanh(y * rng.uniform(0.5, 1.5) + rng.uniform(-0.1, 0.1)) if i % 3 else y + x
    y.backward()
    first = x.grad
    y.backward()
    return y.data, first, x.grad


def test_threads_agree_with_one_thread(impl):
    programs = [random_program(random.Random(seed)) for seed in range(300)]
    jobs = [("values", p) for p in programs] + [("duals", p) for p in programs] + \
           [("chain", seed) for seed in range(8)]

    def run(job):
        kind, what = job
        if kind == "chain":
            return run_chain(impl, what)
        return canonical((run_values if kind == "values" else run_duals)(impl, what))

    expected = [run(job) for job in jobs]
    results = [None] * len(jobs)
    errors = []

    def worker(k):
        try:
            for i in range(k, len(jobs), 4):
                results[i] = run(jobs[i])
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as CPython will
    try:
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    assert results == expected
