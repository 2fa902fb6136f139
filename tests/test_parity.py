"""The compiled twin against the pure one, bit for bit, on random programs.

Each run draws fresh programs (the seed is in every failure message; pass
--parity-seed to replay one): values, gradients after one and two backward
passes, zero_grad, tangents, and exception types and messages must be equal.
"""

import os
import random

import pytest

from programs import canonical, random_program, run_duals, run_values

N_PROGRAMS = 5000


@pytest.fixture(scope="module")
def seed(request):
    given = request.config.getoption("--parity-seed")
    return given if given is not None else int.from_bytes(os.urandom(4), "little")


def _compare(runner, pure, compiled, seed):
    rng = random.Random(seed)
    finished = 0
    for k in range(N_PROGRAMS):
        program = random_program(rng, mutations=True)
        got, want = canonical(runner(compiled, program)), canonical(runner(pure, program))
        assert got == want, (f"twins differ (--parity-seed {seed}, program {k}):\n{program}\n"
                             f"compiled: {got}\npure:     {want}")
        finished += want[-1][0] != "raised"
    return finished


@pytest.mark.c_extensions
def test_values_agree_bit_for_bit(pure, compiled, seed):
    finished = _compare(run_values, pure, compiled, seed)
    # Most programs must run to the end, or the comparison would be of errors only.
    assert finished > N_PROGRAMS // 2


@pytest.mark.c_extensions
def test_duals_agree_bit_for_bit(pure, compiled, seed):
    finished = _compare(run_duals, pure, compiled, seed)
    assert finished > N_PROGRAMS // 2


@pytest.mark.c_extensions
def test_special_inputs_agree_bit_for_bit(pure, compiled, seed):
    """Programs full of zeros, infinities, nans and extremes, where the edge cases live."""
    rng = random.Random(seed ^ 0x5EED)
    for k in range(1000):
        program = random_program(rng, specials=0.7, max_ops=6, mutations=True)
        for runner in (run_values, run_duals):
            got, want = canonical(runner(compiled, program)), canonical(runner(pure, program))
            assert got == want, (f"twins differ (--parity-seed {seed}, special program {k}):\n"
                                 f"{program}\ncompiled: {got}\npure:     {want}")
