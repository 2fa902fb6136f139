"""Tapes of vector functions: `trace(f, x0)` where f returns a sequence, or
`Tape.from_graph([outputs], inputs)`. Their Jacobians (dense, sparse, by colours of
rows), vjp and jvp equal what fresh graphs give, bit for bit; a scalar f's tape has
them too; what a vector f's tape cannot do says so. (tests/test_fuzz.py fuzzes them.)"""

import pickle

import numpy as np
import pytest

from programs import bits, densified


def residuals(impl):
    """A banded vector function (chained Rosenbrock residuals and a coupling term):
    row i reads x[i-1], x[i], x[i+1]; one output is a constant."""
    def f(x):
        n = len(x)
        out = [10.0 * (x[i + 1] - x[i] ** 2) for i in range(n - 1)]
        out += [1.0 - x[i] for i in range(n - 1)]
        out += [x[i - 1] * impl.sin(x[i]) + x[i + 1] / 3.0 for i in range(1, n - 1)]
        return out + [2.5]
    return f


def exact(a):
    return [bits(v) for v in np.asarray(a, dtype=float).ravel()]


@pytest.fixture
def banded(impl):
    f = residuals(impl)
    x0 = np.linspace(-1.2, 1.3, 12)
    return f, impl.trace(f, x0), np.random.default_rng(4).normal(size=12)


def test_values_jacobian_vjp_jvp_equal_fresh_graphs(impl, banded):
    f, tape, x = banded
    m = 11 + 11 + 10 + 1
    assert tape.n_outputs == m and tape.n_inputs == 12
    assert repr(tape).startswith("Tape(") and f", {m} outputs, " in repr(tape)
    values = tape.value(x)
    assert exact(values) == exact([v.data if isinstance(v, impl.Value) else v
                                   for v in f([impl.Value(t) for t in x])])
    J = tape.jacobian(x, mode="reverse")
    assert J.shape == (m, 12)
    assert exact(J) == exact(impl.jacrev(f)(x))  # row i: backward() from output i
    np.testing.assert_allclose(J, impl.jacfwd(f)(x), rtol=1e-14, atol=0)
    u = np.random.default_rng(5).normal(size=m)
    value, product = tape.vjp(x, u)
    want_value, want = impl.vjp(f, x, u)
    assert exact(value) == exact(want_value) and exact(product) == exact(want)
    v = np.random.default_rng(6).normal(size=12)
    value, tangent = tape.jvp(x, v)
    assert exact(value) == exact(values)
    np.testing.assert_allclose(tangent, impl.jvp(f, x, v)[1], rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(tangent, J @ v, rtol=1e-12)


def test_sparse_jacobian_and_its_pattern(impl, banded):
    scipy_sparse = pytest.importorskip("scipy.sparse")
    f, tape, x = banded
    J, S = tape.jacobian(x), tape.jacobian(x, sparse=True)
    assert isinstance(S, scipy_sparse.csr_matrix) and S.shape == J.shape
    assert exact(densified(S)) == exact(J)
    pattern = tape.sparsity("jacobian")
    assert pattern.dtype == bool and (pattern.indices == S.indices).all()
    dense_pattern = np.zeros(J.shape, dtype=bool)  # which x[j] each output reads
    for i in range(11):
        dense_pattern[i, [i, i + 1]] = True        # 10 (x[i+1] - x[i]**2)
        dense_pattern[11 + i, i] = True             # 1 - x[i]
    for i in range(1, 11):
        dense_pattern[21 + i, [i - 1, i, i + 1]] = True
    assert (pattern.toarray() == dense_pattern).all()
    assert not pattern.toarray()[-1].any()  # the constant output
    # rows that share no input are swept back together: 6 sweeps, not 33 (no fewer can
    # do: 6 rows read x[5])
    assert tape._jacobian_colouring().row_seeds.shape == (6, 33) == (dense_pattern.sum(0).max(), 33)


def broyden(x):
    """Broyden's tridiagonal function (Moré, Garbow, Hillstrom 1981): a root to find."""
    n = len(x)
    return [(3.0 - 2.0 * x[i]) * x[i] - (x[i - 1] if i else 0.0)
            - 2.0 * (x[i + 1] if i < n - 1 else 0.0) + 1.0 for i in range(n)]


def test_least_squares_with_the_sparse_jacobian(impl):
    optimize = pytest.importorskip("scipy.optimize")
    x0 = -np.ones(40)
    tape = impl.trace(broyden, x0)
    assert tape._jacobian_colouring().row_seeds.shape == (3, 40)  # tridiagonal: 3 sweeps
    fit = optimize.least_squares(tape.value, x0, jac=lambda x: tape.jacobian(x, sparse=True),
                                 jac_sparsity=tape.sparsity("jacobian"), method="trf")
    dense = optimize.least_squares(tape.value, x0, jac=tape.jacobian, method="trf")
    assert fit.success and dense.success and fit.cost < 1e-16 and dense.cost < 1e-16
    np.testing.assert_allclose(fit.x, dense.x, rtol=1e-9)
    np.testing.assert_allclose(fit.jac.toarray(), tape.jacobian(fit.x), rtol=1e-15)


def test_modes_forward_and_reverse(impl, banded):
    """Forward: column j the bits of jvp(x, e_j); reverse: row i those of vjp(x, e_i);
    auto: the one with fewer passes. A tall Jacobian goes forward."""
    f, tape, x = banded
    n, m = tape.n_inputs, tape.n_outputs
    forward, reverse = tape.jacobian(x, mode="forward"), tape.jacobian(x, mode="reverse")
    for j in range(n):
        assert exact(forward[:, j]) == exact(tape.jvp(x, np.eye(n)[j])[1])
    for i in range(m):
        assert exact(reverse[i]) == exact(tape.vjp(x, np.eye(m)[i])[1])
    np.testing.assert_allclose(forward, reverse, rtol=1e-15, atol=0)
    colouring = tape._jacobian_colouring()
    # inputs two apart meet in an output (x[i-1] sin x[i] + x[i+1]/3): 3 passes forward,
    # where 6 outputs read x[5], so 6 sweeps back
    assert colouring.column_seeds.shape == (3, 12) and colouring.row_seeds.shape == (6, 33)
    assert exact(tape.jacobian(x)) == exact(forward)
    tall = impl.trace(lambda v: [v[0] * t + v[1] * t ** 2 for t in np.linspace(0, 1, 50)],
                      [1.0, 2.0])
    assert tall._jacobian_colouring().column_seeds.shape == (2, 2)
    assert exact(tall.jacobian([3.0, -1.0])) == exact(tall.jacobian([3.0, -1.0], mode="forward"))
    with pytest.raises(ValueError, match="Tape.jacobian: mode must be 'auto', 'forward' or "
                                         "'reverse', not 'fwd'"):
        tape.jacobian(x, mode="fwd")


def test_a_scalar_tape_has_them_too(impl):
    tape = impl.trace(lambda v: v[0] * v[1].exp() - v[2] ** 3, [1.0, 2.0, 3.0])
    x = [0.5, -0.25, 1.5]
    grad = tape.grad(x)
    assert tape.n_outputs == 1
    assert exact(tape.jacobian(x)) == exact(grad) and tape.jacobian(x).shape == (3,)
    value, product = tape.vjp(x, 2.0)
    assert isinstance(value, float) and exact(product) == exact(impl.vjp(
        lambda v: v[0] * v[1].exp() - v[2] ** 3, x, 2.0)[1])
    value, tangent = tape.jvp(x, [1.0, 0.0, 0.0])
    assert isinstance(tangent, float) and tangent == grad[0]
    assert tape.jacobian(x, sparse=True).shape == (1, 3)


def test_from_graph_of_outputs(impl):
    x, y = impl.Value(2.0), impl.Value(-1.0)
    a, b = x * y, (x + y).tanh()
    tape = impl.Tape.from_graph([a, b, a, 4.0], [x, y])
    assert tape.n_outputs == 4
    assert exact(tape.value([3.0, 0.5])) == exact([1.5, np.tanh(3.5), 1.5, 4.0])
    J = tape.jacobian([3.0, 0.5])
    assert exact(J[0]) == exact(J[2]) == exact([0.5, 3.0]) and exact(J[3]) == exact([0.0, 0.0])
    # a node given twice: uᵀ J adds its weights in order, as backward() of dot(outputs, u)
    assert exact(tape.vjp([3.0, 0.5], [1.0, 0.0, 2.0, 5.0])[1]) == exact(3.0 * J[0])
    same = impl.Tape.from_graph((a, b, a, 4.0), [x, y])
    assert same == tape and same != impl.Tape.from_graph([a, b, a], [x, y])
    for bad, words in (
            ([], "Tape.from_graph: output must hold a Value"),
            ([1.0, 2.0], "Tape.from_graph: output must hold a Value"),
            ([a, "b"], "Tape.from_graph: f must return a number, a Value or a Dual"),
            ([a, impl.Dual(1.0, 1.0)], r"output\[1\] must be a Value of the graph's twin or a "
                                       "number, not a")):
        with pytest.raises(TypeError, match=words):
            impl.Tape.from_graph(bad, [x, y])


def test_pickles_and_arrays(impl, banded):
    _, tape, x = banded
    again = pickle.loads(pickle.dumps(tape))
    assert again == tape and exact(again.jacobian(x)) == exact(tape.jacobian(x))
    made = impl.Tape([tuple(n) for n in tape._nodes], tape._constants, tape._inputs,
                     impl.IMPLEMENTATION, tape._outputs)
    assert made == tape and exact(made.vjp(x, np.ones(33))[1]) == exact(tape.vjp(x, np.ones(33))[1])
    nodes = [tuple(n) for n in tape._nodes]
    for outputs, error, words in (
            ([], ValueError, "Tape\\(\\): outputs is empty"),
            ([0, len(nodes)], ValueError, r"Tape\(\): outputs\[1\] is \d+, not the index"),
            ([0, 1.0], TypeError, r"Tape\(\): outputs\[1\] must be an int"),
            ("ab", TypeError, "Tape\\(\\): outputs must be a list or a tuple")):
        with pytest.raises(error, match=words):
            impl.Tape(nodes, tape._constants, tape._inputs, impl.IMPLEMENTATION, outputs)
    import cydiff._transforms.tape as t
    with pytest.raises(ValueError, match="cannot unpickle a cydiff Tape: format 1"):
        t.restore(1, nodes, tape._constants, tape._inputs, impl.IMPLEMENTATION, [0])
    with pytest.raises(ValueError, match=r"cannot unpickle a cydiff Tape: outputs\[0\] is -1, "
                                         r"not the index of a node \(0 to \d+\)"):
        t.restore(2, nodes, tape._constants, tape._inputs, impl.IMPLEMENTATION, [-1])


def test_what_a_vector_tape_refuses(impl, banded):
    _, tape, x = banded
    with pytest.raises(ValueError, match=r"Tape.vjp: the tape has 33 output\(s\), u has 3"):
        tape.vjp(x, [1.0, 2.0, 3.0])  # (u counts the outputs)
    with pytest.raises(ValueError, match=r"Tape.jvp: the tape has 12 input\(s\), v has 2"):
        tape.jvp(x, [1.0, 2.0])
    with pytest.raises(TypeError, match="Tape.jacobian: sparse must be True or False"):
        tape.jacobian(x, sparse=1)
    with pytest.raises(TypeError, match="Tape.grad: the tape's f has a vector output"):
        tape.grad(x)
