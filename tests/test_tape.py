"""Traced tapes (first step: the replay in Python for both twins): a replay at new
inputs equals building the graph anew there, to the bit; kinks replay as the op;
control flow is frozen unless check=True says otherwise; tapes pickle exactly."""

import math
import pickle
import random

import numpy as np
import pytest

import programs


def program_function(impl, program):
    def f(v):
        v = list(v)
        for op in program.ops:
            v.append(programs.apply(impl, op, v))
        return v[-1]
    return f


def fresh(impl, f, x):
    """What the tape must reproduce: the graph built anew at x, then backward()."""
    leaves = [impl.Value(xi) for xi in x]
    out = f(leaves)
    if not isinstance(out, impl.Value):
        return float(out), [0.0] * len(x)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def traced_programs(impl, rng, count):
    """(program, f, its tape) for the random programs that trace without an error."""
    for _ in range(count):
        program = programs.random_program(rng, specials=0.05)
        f = program_function(impl, program)
        try:
            yield program, f, impl.trace(f, list(program.inputs))
        except (ValueError, ZeroDivisionError, OverflowError):
            continue


def test_replay_equals_a_fresh_graph_on_random_programs(impl):
    rng = random.Random(8)
    replayed = 0
    for program, f, tape in traced_programs(impl, rng, 400):
        for _ in range(3):  # new points, kinks crossed or not
            x = [rng.uniform(-3, 3) for _ in program.inputs]
            try:
                expected = fresh(impl, f, x)
            except (ValueError, ZeroDivisionError, OverflowError) as e:
                try:  # the replay raises what the graph raises, unless the op that
                    tape.value_and_grad(x)  # raised does not reach the output: then the
                except type(e):  # tape never recorded it (as jax.jit drops dead code)
                    pass
                continue
            value, grad = tape.value_and_grad(x)
            assert programs.bits(value) == programs.bits(expected[0]), repr(program)
            assert [programs.bits(g) for g in grad] == [programs.bits(g) for g in expected[1]]
            replayed += 1
    assert replayed > 500


def test_relu_replays_across_its_kink(impl):
    tape = impl.trace(lambda v: (v[0] * 2.0 - 1.0).relu() * v[1], [3.0, 2.0])  # active at x0
    assert tape.value([3.0, 2.0]) == 10.0 and tape.grad([3.0, 2.0]).tolist() == [4.0, 5.0]
    assert tape.value([0.25, 2.0]) == 0.0 and tape.grad([0.25, 2.0]).tolist() == [0.0, 0.0]
    # a dead relu under an infinite gradient: the chain rule's strong zero (0, not nan)
    def f(v):
        return v[0].relu() * math.inf
    dead = impl.trace(f, [1.0])
    assert dead.grad([-1.0]).tolist() == [0.0] == fresh(impl, f, [-1.0])[1]


def test_len_inputs_repr_and_unused_inputs(impl):
    tape = impl.trace(lambda v: impl.dot(v[:2], [2.0, 3.0]).tanh() + 1.0, np.zeros(3))
    assert len(tape) == 3 and tape.n_inputs == 3
    assert repr(tape) == f"Tape(3 ops, 3 inputs, {impl.IMPLEMENTATION} replay)"
    assert tape.grad([0.0, 0.0, 5.0]).tolist() == [2.0, 3.0, 0.0]  # the third is unused
    constant = impl.trace(lambda v: 7.0, [1.0])
    assert constant.value([2.0]) == 7.0 and constant.grad([2.0]).tolist() == [0.0]


def test_from_graph_and_functional_agree(impl):
    x, y = impl.Value(1.5), impl.Value(-0.5)
    out = (x * y).exp() + x / (1 + y * y)
    tape = impl.Tape.from_graph(out, [x, y])
    value, grad = tape.value_and_grad([0.3, 0.7])
    v, g = impl.value_and_grad(lambda p: (p[0] * p[1]).exp() + p[0] / (1 + p[1] * p[1]))(
        [0.3, 0.7])
    assert value == v and grad.tolist() == g.tolist()


def arrays(tape):
    """A tape's recorded arrays, their floats as bits."""
    return programs.canonical(([tuple(node) for node in tape._nodes],
                               sorted(tape._constants.items()), list(tape._inputs)))


def test_recording_gives_the_records_arrays(impl):
    """`Tape.from_graph` and `trace` (the compiled twin's recorded in C, straight from
    the Values) make the arrays `Tape.from_records` makes of the graph's records: every
    kind of node, constant leaves (-0.0 and nan among them), an input used twice, one
    unused, an input that is not in the graph."""
    x, y, unused, outside = (impl.Value(v) for v in (1.5, -0.5, 2.0, 4.0))
    c1, c2, c3 = impl.Value(3.0), impl.Value(-0.0), impl.Value(float("nan"))
    d = impl.dot([x, 2.5, y], [-1.0, c1, x * y]) + c2
    s = impl.sum([d.relu(), 0.25, y ** 2, 2.0 ** x, (x - 1.0).tanh(), c3 * 0.0])
    out = s / (1.0 + y * y) + impl.atan2(x, c1)
    for inputs in ([x, y, unused], [y, outside, x]):
        tape = impl.Tape.from_graph(out, inputs)
        made = impl.Tape.from_records(impl._graph_records(out), inputs,
                                      twin=impl.IMPLEMENTATION)
        assert arrays(tape) == arrays(made) and tape == made
        assert len(tape) == len(made) == sum(1 for n in made._nodes if n.op != 0)
        assert dict(tape._constants) and tape._inputs == made._inputs
    rng = random.Random(5)
    for program, f, tape in traced_programs(impl, rng, 40):
        leaves = [impl.Value(v) for v in program.inputs]
        out = f(leaves)
        if isinstance(out, impl.Value):
            made = impl.Tape.from_records(impl._graph_records(out), leaves,
                                          twin=impl.IMPLEMENTATION)
            assert arrays(tape) == arrays(made)


def test_batches_are_rows_replayed(impl):
    tape = impl.trace(lambda v: v[0] ** 2 * v[1].sin(), [1.0, 1.0])
    X = np.random.default_rng(0).normal(size=(20, 2))
    values, grads = tape.value_and_grad_batch(X, threads=2)
    assert values.shape == (20,) and grads.shape == (20, 2)
    for k, row in enumerate(X):
        value, grad = tape.value_and_grad(row)
        assert values[k] == value and grads[k].tolist() == grad.tolist()


def test_control_flow_is_frozen_and_check_says_so(impl):
    def f(v):
        return v[0] * 2.0 if v[0] > 1.0 else v[0] * v[0]
    tape = impl.trace(f, [3.0])
    assert tape.value([0.5]) == 1.0  # the branch of x0, as jax.jit freezes it
    with pytest.raises(ValueError, match="control flow depends on x"):
        impl.trace(f, [0.9], check=True)
    assert impl.trace(lambda v: v[0] * v[0], [0.9], check=True).value([2.0]) == 4.0


def test_tapes_pickle_exactly(impl):
    tape = impl.trace(lambda v: impl.sum([v[0] * 0.1, v[1] ** -0.5, 1e-300]), [2.0, 4.0])
    copy = pickle.loads(pickle.dumps(tape))
    assert copy == tape and copy is not tape
    x = [0.7, 3.3]
    assert copy.value_and_grad(x)[1].tolist() == tape.value_and_grad(x)[1].tolist()


def test_errors(impl):
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"the tape has 2 input\(s\), x has 3"):
        tape.value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"X must have shape \(m, 2\)"):
        tape.value_and_grad_batch(np.zeros((3, 3)))
    vector = impl.trace(lambda v: [v[0], v[1]], [1.0, 2.0])  # a vector f's: no gradient
    for call in (vector.grad, vector.value_and_grad, vector.hessian,
                 vector.value_and_grad_batch):
        with pytest.raises(TypeError, match=r"Tape\.\w+: the tape's f has a vector output "
                                            r"\(2 numbers\): gradients, Hessians and batches"):
            call([[1.0, 2.0]] if call == vector.value_and_grad_batch else [1.0, 2.0])
    with pytest.raises(TypeError, match=r"Tape.hvp: the tape's f has a vector output"):
        vector.hvp([1.0, 2.0], [1.0, 0.0])
    with pytest.raises(TypeError, match=r"Tape.sparsity: the tape's f has a vector output"):
        vector.sparsity("hessian")
    with pytest.raises(TypeError, match="cydiff.trace: f must be callable"):
        impl.trace(3, [1.0])
    for check in ("no", 0, None):  # "no" would be true
        with pytest.raises(TypeError, match="cydiff.trace: check must be True or False, not '"):
            impl.trace(lambda v: v[0] * 2.0, [1.0], check=check)
    with pytest.raises(ValueError, match="math domain error"):
        impl.trace(lambda v: v[0].log(), [2.0]).value([-1.0])
    x = impl.Value(2.0)
    custom = impl.Value(5.0, (x,), "mine")
    with pytest.raises(ValueError, match="custom op \\('mine'\\)"):
        impl.Tape.from_graph(custom * 2.0, [x])
    assert math.isinf(impl.trace(lambda v: v[0].sqrt(), [1.0]).grad([0.0])[0])


def mlp_tape(impl, seed=3):
    """A small tanh/relu network's loss at one point, as a function of its 61 weights."""
    rng = random.Random(seed)
    w0 = [rng.uniform(-1, 1) for _ in range(61)]
    def f(w):
        hidden = [impl.dot(w[3 * j:3 * j + 2], [0.5, -1.5]) + w[3 * j + 2] for j in range(15)]
        hidden = [h.tanh() if j % 2 else h.relu() for j, h in enumerate(hidden)]
        return (impl.dot(w[45:60], hidden) + w[60] - 1.0) ** 2
    return impl.trace(f, w0), f, w0


@pytest.mark.parametrize("threads", [1, 2, 3, 5, 64, None])
def test_batches_equal_across_thread_counts(impl, threads):
    tape, f, w0 = mlp_tape(impl)
    X = np.random.default_rng(1).normal(size=(37, len(w0)))
    values, grads = tape.value_and_grad_batch(X, threads=threads)
    for k in (0, 12, 36):  # and each row is what a fresh graph gives
        value, grad = fresh(impl, f, X[k].tolist())
        assert programs.bits(values[k]) == programs.bits(value)
        assert [programs.bits(g) for g in grads[k]] == [programs.bits(g) for g in grad]
    one_values, one_grads = tape.value_and_grad_batch(X, threads=1)
    assert values.tobytes() == one_values.tobytes() and grads.tobytes() == one_grads.tobytes()


@pytest.mark.c_extensions
def test_batches_are_the_same_bits_with_and_without_avx2(pure, compiled):
    """The lanes' AVX2 kernels (where the CPU has AVX2) and their SSE2 code give the bits
    of the pure twin's rows, dense layers' neurons kept in registers among them."""
    from cydiff import _tape_c
    tape, _, w0 = mlp_tape(compiled)
    X = np.random.default_rng(7).normal(size=(29, len(w0)))
    want = mlp_tape(pure)[0].value_and_grad_batch(X)
    had = _tape_c.lanes_avx2()
    try:
        for on in (False, True):
            _tape_c.lanes_avx2(on)
            got = tape.value_and_grad_batch(X, threads=1)
            assert got[0].tobytes() == want[0].tobytes() and got[1].tobytes() == want[1].tobytes()
    finally:
        _tape_c.lanes_avx2(had)


def test_batch_edges(impl):
    tape, _, w0 = mlp_tape(impl)
    values, grads = tape.value_and_grad_batch(np.empty((0, len(w0))), threads=4)
    assert values.shape == (0,) and grads.shape == (0, len(w0))
    constant = impl.Tape.from_graph(impl.Value(7.0), [])
    values, grads = constant.value_and_grad_batch(np.empty((3, 0)), threads=2)
    assert values.tolist() == [7.0] * 3 and grads.shape == (3, 0)
    # a list of lists, and a Fortran-ordered array, are rows too
    X = np.asfortranarray(np.random.default_rng(2).normal(size=(4, len(w0))))
    assert (tape.value_and_grad_batch(X)[1] == tape.value_and_grad_batch(X.tolist())[1]).all()


def python_error(f, x):
    try:
        f(x)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        return type(error), str(error)
    raise AssertionError("f did not raise")


@pytest.mark.parametrize("bad, x", [
    (lambda v: v[0].log(), [-1.0, 3.0]),                   # math domain error
    (lambda v: (v[0] * 1000.0).exp(), [1.0, 3.0]),         # math range error (OverflowError)
    (lambda v: 1.0 / (v[0] + 1.0), [-1.0, 3.0]),           # float division by zero
    (lambda v: v[1] / (v[0] + 1.0), [-1.0, 3.0]),
    (lambda v: (v[0] + 1.0) ** -1.5, [-1.0, 3.0]),         # 0.0 to a negative power
    (lambda v: v[0] ** 0.5, [-1.0, 3.0]),                  # a negative number to a fraction
    (lambda v: (v[0] * 800.0) ** v[1], [1.0, 300.0]),      # overflow
    (lambda v: (v[0] * 1e-300).sinh() * (v[0] * 1e3).cosh(), [1.0, 3.0]),
])
def test_replay_raises_what_the_graph_raises(impl, bad, x):
    tape = impl.trace(bad, [0.5, 3.0])
    expected = python_error(lambda p: bad([impl.Value(t) for t in p]), x)
    assert python_error(tape.value, x) == expected
    assert python_error(tape.value_and_grad, x) == expected
    assert python_error(tape.value_and_grad_batch, [[0.5, 3.0], x]) == expected
    assert tape.value([0.5, 3.0]) == bad([impl.Value(0.5), impl.Value(3.0)]).data  # still fine


def test_batch_raises_the_first_rows_error(impl):
    tape = impl.trace(lambda v: v[0].log() + 1.0 / v[1], [1.0, 1.0])
    X = np.ones((40, 2))
    X[25, 1] = 0.0   # ZeroDivisionError, in the third of four blocks
    X[35, 0] = -1.0  # ValueError, in the fourth
    for threads in (1, 4, None):
        with pytest.raises(ZeroDivisionError, match="float division by zero"):
            tape.value_and_grad_batch(X, threads=threads)
    X[3, 0] = -1.0   # now a ValueError comes first, in the first block
    for threads in (1, 4):
        with pytest.raises(ValueError, match="math domain error"):
            tape.value_and_grad_batch(X, threads=threads)


def test_batch_argument_errors(impl):
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="threads must be at least 1, not 0"):
        tape.value_and_grad_batch(X, threads=0)
    for threads in (1.5, True, "2"):
        with pytest.raises(TypeError, match="threads must be a positive int or None, not '"):
            tape.value_and_grad_batch(X, threads=threads)
    for X in ("abc", [[1.0, "x"]], object()):
        with pytest.raises((TypeError, ValueError), match="X must"):
            tape.value_and_grad_batch(X)
    with pytest.raises(TypeError, match="X must be a 2-D array of floats, not 'str'"):
        tape.value_and_grad_batch("abc")


def test_one_tape_replayed_by_many_threads_at_once(impl):
    """Each replay has its own scratch: threads calling one tape never mix their nodes."""
    import threading
    tape, f, w0 = mlp_tape(impl)
    points = np.random.default_rng(4).normal(size=(8, len(w0)))
    expected = [tape.value_and_grad(p) for p in points]
    wrong = []

    def worker(k):
        for _ in range(150):
            value, grad = tape.value_and_grad(points[k])
            if value != expected[k][0] or grad.tolist() != expected[k][1].tolist():
                wrong.append(k)

    workers = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert wrong == []


def test_points_of_every_kind(impl):
    """x as a list, a tuple, an int array, a read-only or strided float64 array, or a
    float for one input: the same replay."""
    tape = impl.trace(lambda v: v[0] * v[1].exp() - v[2], [1.0, 2.0, 3.0])
    expected = tape.value_and_grad([1.0, 2.0, 3.0])
    frozen = np.array([1.0, 2.0, 3.0])
    frozen.flags.writeable = False
    for x in ((1.0, 2.0, 3.0), np.array([1, 2, 3]), frozen, np.arange(1.0, 3.5, 0.5)[::2],
              np.array([1.0, 0.0, 2.0, 0.0, 3.0])[::2]):
        value, grad = tape.value_and_grad(x)
        assert value == expected[0] and grad.tolist() == expected[1].tolist()
    assert impl.trace(lambda v: v.sin(), 0.5).value(2.0) == impl.Value(2.0).sin().data
    with pytest.raises(TypeError, match="Tape.value_and_grad: x must hold numbers, not 'str'"):
        tape.value_and_grad([1.0, "2", 3.0])


@pytest.mark.c_extensions
def test_the_compiled_replay_releases_the_gil(compiled):
    """With a switch interval of an hour, Python threads only take turns where the GIL is
    let go: the main thread runs while a replay runs only if the replay released it."""
    import sys
    import threading
    tape, _, w0 = mlp_tape(compiled)
    X = np.tile(w0, (20_000, 1))
    seen_running = []
    interval = sys.getswitchinterval()
    sys.setswitchinterval(3600.0)
    try:
        for run in (lambda: tape.value_and_grad_batch(X, threads=1),
                    lambda: [tape.value_and_grad(w0) for _ in range(5_000)]):
            # Up to three tries: a scheduler that serializes threads (valgrind's) may not
            # wake this one in time; a replay that holds the GIL never lets it run at all.
            seen = 0
            for _ in range(3):
                worker = threading.Thread(target=run)
                worker.start()
                while worker.is_alive():
                    seen += 1
                    worker.join(0.001)
                if seen:
                    break
            seen_running.append(seen)
    finally:
        sys.setswitchinterval(interval)
    assert seen_running[0] > 0  # a batch releases the GIL for its rows
    assert seen_running[1] > 0  # and so does each single replay


# --- second order on a tape: the bits of cydiff.hvp and cydiff.hessian ----------------------

def test_hvp_and_hessian_equal_the_functional_api_on_random_programs(impl):
    rng = random.Random(88)
    checked = 0
    for program, f, tape in traced_programs(impl, rng, 500):
        x = [rng.uniform(-3, 3) for _ in program.inputs]
        v = [rng.choice([1.0, -0.5, 0.0, rng.uniform(-2, 2)]) for _ in program.inputs]
        try:
            expected_hv = impl.hvp(f, x, v)
            expected_h = impl.hessian(f)(x)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        hv, h = tape.hvp(x, v), tape.hessian(x)
        assert [programs.bits(t) for t in hv] == [programs.bits(t) for t in expected_hv], \
            repr(program)
        assert [[programs.bits(t) for t in row] for row in h] == \
            [[programs.bits(t) for t in row] for row in np.asarray(expected_h)], repr(program)
        checked += 1
    assert checked > 200


def test_hessian_of_the_rosenbrock_function(impl):
    def rosenbrock(x):
        return impl.sum([100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
                         for i in range(len(x) - 1)])
    x = np.random.default_rng(5).normal(size=12)
    tape = impl.trace(rosenbrock, np.zeros(12))
    H = tape.hessian(x)
    exact = np.zeros((12, 12))  # the closed form
    for i in range(11):
        exact[i, i] += 1200.0 * x[i] ** 2 - 400.0 * x[i + 1] + 2.0
        exact[i + 1, i + 1] += 200.0
        exact[i, i + 1] = exact[i + 1, i] = -400.0 * x[i]
    assert np.allclose(H, exact, rtol=1e-13, atol=1e-12)
    v = np.linspace(-1, 1, 12)
    assert np.allclose(tape.hvp(x, v), exact @ v, rtol=1e-12, atol=1e-12)
    assert tape.hvp(x, v).tobytes() == impl.hvp(rosenbrock, x, v).tobytes()


def test_second_order_errors_and_dead_branches(impl):
    tape = impl.trace(lambda v: v[0].relu() * v[1] ** 2, [1.0, 2.0])
    assert tape.hessian([-1.0, 2.0]).tolist() == [[0.0, 0.0], [0.0, 0.0]]  # a dead relu
    assert tape.hessian([1.5, 2.0]).tolist() == [[0.0, 4.0], [4.0, 3.0]]
    with pytest.raises(ValueError, match=r"Tape.hvp: the tape has 2 input\(s\), v has 3"):
        tape.hvp([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="Tape.hvp: v must hold numbers, not 'NoneType'"):
        tape.hvp([1.0, 2.0], [1.0, None])
    with pytest.raises(TypeError, match="Tape.hessian: x must hold numbers, not 'str'"):
        tape.hessian(["a", 1.0])
    with pytest.raises(ValueError, match="math domain error"):
        impl.trace(lambda v: v[0].log() * v[1], [1.0, 1.0]).hvp([-1.0, 1.0], [1.0, 0.0])


@pytest.mark.c_extensions
def test_the_twins_tapes_give_the_same_second_order_bits(pure, compiled):
    rng = random.Random(89)
    for _ in range(200):
        program = programs.random_program(rng, specials=0.1)
        results = []
        for impl in (pure, compiled):
            try:
                tape = impl.trace(program_function(impl, program), list(program.inputs))
                x = [float(t) for t in program.seeds]
                results.append(([programs.bits(t) for t in tape.hvp(x, x)],
                                [programs.bits(t) for t in tape.hessian(x).ravel()]))
            except (ValueError, ZeroDivisionError, OverflowError) as error:
                results.append((type(error), str(error)))
        assert results[0] == results[1], repr(program)
