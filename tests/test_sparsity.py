"""Sparse second order on tapes: the Hessian's pattern from the tape's ops, a colouring
of its columns, and one sweep per colour. The dense result is the column-by-column
one, `hvp(x, e_j)`, to the bit (a zero's sign aside, where the pattern has an entry),
on both twins alike; the pattern holds every entry a sweep can make other than +0.0."""

import random

import numpy as np
import pytest
import scipy.optimize
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

import programs
from cydiff._transforms.sparsity import column_colouring, members


def sparse_function(impl, rng, n):
    """f(x) of n inputs: a sum of random programs, each on a few inputs near each other
    (a band) or on one input every term shares (an arrowhead's hub)."""
    terms = []
    for _ in range(rng.randint(n // 2, n)):
        program = programs.random_program(rng, specials=0.0, max_ops=3)
        k = len(program.inputs)
        if rng.random() < 0.2:
            chosen = [0] + [rng.randrange(n) for _ in range(k - 1)]
        else:
            start = rng.randrange(n)
            chosen = [min(n - 1, start + rng.randrange(3)) for _ in range(k)]
        terms.append((program, chosen))

    def f(x):
        outs = []
        for program, chosen in terms:
            v = [x[j] for j in chosen]
            for op in program.ops:
                v.append(programs.apply(impl, op, v))
            outs.append(v[-1])
        return impl.sum(outs)
    return f


def zero_blind(a):
    """Bits of every entry, a zero's sign aside."""
    return [programs.bits(0.0 if t == 0.0 else t) for t in np.asarray(a).ravel()]


def traced_sparse(impl, rng, count):
    for _ in range(count):
        n = rng.randint(4, 24)
        f = sparse_function(impl, rng, n)
        try:
            tape = impl.trace(f, [rng.uniform(-2, 2) for _ in range(n)])
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        yield n, f, tape


def test_the_dense_hessian_is_the_column_by_column_one(impl):
    rng = random.Random(17)
    checked = compressed = 0
    for n, f, tape in traced_sparse(impl, rng, 400):
        x = np.array([rng.uniform(-2, 2) for _ in range(n)])
        try:
            H = tape.hessian(x)
            columns = np.column_stack([tape.hvp(x, np.eye(n)[j]) for j in range(n)])
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        pattern = tape.sparsity("hessian").toarray()
        assert zero_blind(H) == zero_blind(columns)
        # outside the pattern, every column-by-column entry is +0.0, and so is H's
        assert all(programs.bits(t) == programs.bits(0.0) for t in columns[~pattern])
        assert all(programs.bits(t) == programs.bits(0.0) for t in H[~pattern])
        assert (pattern == pattern.T).all()
        sparse = tape.hessian(x, sparse=True)
        assert isinstance(sparse, scipy.sparse.csr_matrix) and sparse.shape == (n, n)
        assert np.array(programs.densified(sparse)).tobytes() == H.tobytes()
        colours = tape._hessian_colouring().seeds.shape[0]
        compressed += colours < n
        checked += 1
    assert checked > 30 and compressed > checked // 2


@pytest.mark.c_extensions
def test_a_dense_hessian_in_sweeps_of_eight_directions(pure, compiled):
    """19 colours: sweeps carrying 8, 8 and 3 directions, each the bits of its own
    column's sweep (hvp along e_j), on both twins."""
    def f(v):
        total = pure.sum(v) if isinstance(v[0], pure.Value) else compiled.sum(v)
        return total ** 3 + sum(v[i].sin() * v[i + 1] for i in range(len(v) - 1))
    x = np.linspace(-0.9, 1.1, 19)
    got = []
    for impl in (pure, compiled):
        tape = impl.trace(f, x)
        assert tape._hessian_colouring().seeds.shape == (19, 19)
        H = tape.hessian(x)
        columns = np.column_stack([tape.hvp(x, np.eye(19)[j]) for j in range(19)])
        assert H.tobytes() == columns.tobytes()
        got.append(H.tobytes())
    assert got[0] == got[1]


@pytest.mark.c_extensions
def test_the_twins_compressed_hessians_agree_to_the_bit(pure, compiled):
    for seed in range(25):
        x = None
        results = []
        for impl in (pure, compiled):
            rng = random.Random(seed)
            n = rng.randint(4, 24)
            f = sparse_function(impl, rng, n)
            x = [rng.uniform(-2, 2) for _ in range(n)]
            try:
                tape = impl.trace(f, x)
                results.append(("H", tape.hessian(np.array(x) * 0.5).tobytes(),
                                tape.sparsity().toarray().tobytes()))
            except Exception as e:  # noqa: BLE001 - the error is the result
                results.append(("raised", type(e), str(e)))
        assert results[0] == results[1]


def test_rosenbrock_in_three_sweeps_equal_to_scipy(impl):
    def rosen(x):
        return impl.sum([100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
                         for i in range(len(x) - 1)])
    x = np.random.default_rng(3).normal(size=60)
    tape = impl.trace(rosen, x)
    H = tape.hessian(x)
    expected = scipy.optimize.rosen_hess(x)
    assert ((H != 0) == (expected != 0)).all()
    assert np.allclose(H, expected, rtol=2e-16 * 8, atol=0)
    assert tape._hessian_colouring().seeds.shape[0] == 3  # a band of width 3
    assert tape.sparsity().nnz == 3 * 60 - 2


def test_sparsity_patterns_and_arguments(impl):
    tape = impl.trace(lambda v: v[0] * v[2] + v[2].exp() + 3.0 * v[3], [1.0, 2.0, 3.0, 4.0])
    assert tape.sparsity("jacobian").toarray().tolist() == [[True, False, True, True]]
    assert tape.sparsity("hessian").toarray().tolist() == [
        [False, False, True, False], [False] * 4, [True, False, True, False], [False] * 4]
    with pytest.raises(ValueError, match="Tape.sparsity: of must be 'hessian' or 'jacobian'"):
        tape.sparsity("gradient")
    with pytest.raises(TypeError, match="Tape.hessian: sparse must be True or False, not 'int'"):
        tape.hessian([1.0, 2.0, 3.0, 4.0], sparse=1)
    none = impl.trace(lambda v: 2.0 * v[0], [1.0])
    assert none.hessian([3.0]).tolist() == [[0.0]] and none.sparsity().nnz == 0


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 30), edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)),
                                            max_size=80))
def test_columns_of_one_colour_share_no_row(n, edges):
    rows = [0] * n
    for i, j in edges:
        if i < n and j < n:
            rows[i] |= 1 << j
            rows[j] |= 1 << i
    colours = column_colouring(rows)
    for i in range(n):
        seen = {}
        for j in members(rows[i]):
            assert colours[j] not in seen, (i, j, seen)
            seen[colours[j]] = j


def test_sparse_results_without_scipy_say_so(impl, monkeypatch):
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    monkeypatch.setitem(__import__("sys").modules, "scipy.sparse", None)
    with pytest.raises(ImportError, match=r"Tape.hessian: sparse matrices need scipy"):
        tape.hessian([1.0, 2.0], sparse=True)
    with pytest.raises(ImportError, match=r"Tape.sparsity: sparse matrices need scipy"):
        tape.sparsity()
    assert tape.hessian([1.0, 2.0]).tolist() == [[0.0, 1.0], [1.0, 0.0]]  # dense needs none
