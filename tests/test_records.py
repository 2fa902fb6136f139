"""Records from outside — a tape's arrays, a graph's pickle — are checked once, on the way
in, the same in both twins: the wrong kind of field is a TypeError, one that does not fit
the others a ValueError naming it; a pickle that is not right is a ValueError. After that
the compiled replay may trust them. (tests/test_fuzz.py spoils records at random.)"""

import importlib
import math
import os
import pickle
import threading

import numpy as np
import pytest

import cydiff._pickle as p
import cydiff._transforms.tape as t
import cydiff._transforms.threads as threads
from cydiff._ops_py import CODES
from cydiff._spec import ADD, DOT, LEAF, MUL, MUL_C, SUM

EXP = CODES["exp"]

LEAF_NODE = (LEAF, -1, -1, 0.0, ())


def good():
    """2.5 (x0 x1 + exp(x0) + 0.5) + x1 as tape arrays: (nodes, constants, inputs)."""
    return ([LEAF_NODE, LEAF_NODE, (MUL, 0, 1, 0.0, ()), (EXP, 0, -1, 0.0, ()), LEAF_NODE,
             (SUM, -1, -1, 0.0, (2, 3, 0.5)), (DOT, -1, -1, 0.0, (4, 5, 1, 1.0))],
            {4: 2.5}, [0, 1])


def spoiled(part, change):
    nodes, constants, inputs = good()
    arrays = {"nodes": nodes, "constants": constants, "inputs": inputs}
    change(arrays[part])
    return arrays["nodes"], arrays["constants"], arrays["inputs"]


def setitem(k, value):
    def change(x):
        x[k] = value
    return change


def node_field(i, field, value):
    def change(nodes):
        node = list(nodes[i])
        node[field] = value
        nodes[i] = tuple(node)
    return change


BAD = [  # (what, part, change, exception, words of the message)
    ("an operand out of range", "nodes", node_field(3, 1, 9), ValueError, "nodes[3].a is 9"),
    ("an operand not earlier", "nodes", node_field(2, 2, 2), ValueError, "nodes[2].b is 2"),
    ("a negative operand", "nodes", node_field(3, 1, -5), ValueError, "nodes[3].a is -5"),
    ("a huge operand", "nodes", node_field(3, 1, 2**70), ValueError, "nodes[3].a is"),
    ("an operand of the wrong kind", "nodes", node_field(3, 1, 1.0), TypeError, "nodes[3].a must be an int"),
    ("a bool operand", "nodes", node_field(3, 1, True), TypeError, "nodes[3].a must be an int"),
    ("an unused operand set", "nodes", node_field(3, 2, 0), ValueError, "nodes[3].b must be -1"),
    ("an unknown op code", "nodes", node_field(3, 0, 99), ValueError, "nodes[3].op is 99"),
    ("a negative op code", "nodes", node_field(3, 0, -1), ValueError, "nodes[3].op is -1"),
    ("an op code of the wrong kind", "nodes", node_field(3, 0, "exp"), TypeError, "nodes[3].op must be an int"),
    ("a custom op", "nodes", node_field(3, 0, 1), ValueError, "custom op"),
    ("a constant of the wrong kind", "nodes", node_field(3, 3, "2"), TypeError, "nodes[3].c must be a real number"),
    ("a constant too large", "nodes", node_field(3, 3, 10**400), ValueError, "too large for a float"),
    ("a sum item out of range", "nodes", node_field(5, 4, (2, 3, 7)), ValueError, "nodes[5].items[2] is 7"),
    ("a sum without a node", "nodes", node_field(5, 4, (1.0, 2.0)), ValueError, "nodes[5].items has no node"),
    ("a sum item of the wrong kind", "nodes", node_field(5, 4, (2, "3")), TypeError, "nodes[5].items[1] must be a real"),
    ("sum items not a tuple", "nodes", node_field(5, 4, [2, 3]), TypeError, "nodes[5].items must be a tuple"),
    ("a dot of an odd length", "nodes", node_field(6, 4, (4, 5, 1)), ValueError, "a dot has pairs"),
    ("items on a unary op", "nodes", node_field(3, 4, (0,)), ValueError, "nodes[3].items must be ()"),
    ("a node of 4 fields", "nodes", setitem(3, (EXP, 0, -1, 0.0)), ValueError, "nodes[3] has 4 fields"),
    ("a node not a tuple", "nodes", setitem(3, "exp"), TypeError, "nodes[3] must be a tuple"),
    ("a leaf with an operand", "nodes", node_field(0, 1, 0), ValueError, "nodes[0].a must be -1"),
    ("a constant for a node that is not a leaf", "constants", setitem(3, 1.0), ValueError, "constants key 3 is node 3, which is not a leaf"),
    ("a constant out of range", "constants", setitem(40, 1.0), ValueError, "constants key 40 is 40"),
    ("a constant key of the wrong kind", "constants", setitem("4", 1.0), TypeError, "constants key '4' must be an int"),
    ("a constant of the wrong kind", "constants", setitem(4, "2.5"), TypeError, "constants[4] must be a real"),
    ("a constant that is an input", "constants", setitem(0, 1.0), ValueError, "inputs[0] is node 0, which is a constant too"),
    ("an input out of range", "inputs", setitem(1, 7), ValueError, "inputs[1] is 7"),
    ("an input that is not a leaf", "inputs", setitem(1, 2), ValueError, "inputs[1] is node 2, which is not a leaf"),
    ("an input twice", "inputs", setitem(1, 0), ValueError, "inputs[1] is node 0, which inputs[0] is too"),
    ("an input of the wrong kind", "inputs", setitem(1, 1.0), TypeError, "inputs[1] must be an int"),
    ("a leaf neither input nor constant", "constants", lambda c: c.clear(), ValueError, "nodes[4] is a leaf that is neither"),
]


@pytest.mark.parametrize("what, part, change, error, words", BAD, ids=[b[0] for b in BAD])
def test_bad_tape_arrays_are_refused_alike(impl, what, part, change, error, words):
    """Tape(...) raises the error naming the field; a pickle of the same arrays raises a
    ValueError with the same words; the twins alike."""
    twin = impl.IMPLEMENTATION
    nodes, constants, inputs = spoiled(part, change)
    with pytest.raises(error) as raised:
        impl.Tape(nodes, constants, inputs, twin)
    assert words in str(raised.value) and str(raised.value).startswith("Tape(): ")
    with pytest.raises(ValueError) as unpickled:
        t.restore(1, nodes, constants, inputs, twin)
    assert str(unpickled.value) == str(raised.value).replace("Tape()", "cannot unpickle a cydiff Tape")


def test_good_tape_arrays_replay(impl):
    tape = impl.Tape(*good(), impl.IMPLEMENTATION)
    x0, x1 = 0.5, -2.0
    value, grad = tape.value_and_grad([x0, x1])
    assert value == 2.5 * (x0 * x1 + math.exp(x0) + 0.5) + x1 * 1.0
    assert np.allclose(grad, [2.5 * (x1 + math.exp(x0)), 2.5 * x0 + 1.0], rtol=1e-15)
    assert pickle.loads(pickle.dumps(tape)) == tape


@pytest.mark.parametrize("nodes, constants, inputs, twin, error, words", [
    ([], {}, [], "pure", ValueError, "a tape has one node at least"),
    ("abc", {}, [], "pure", TypeError, "nodes must be a list or a tuple, not 'str'"),
    ([LEAF_NODE], [(0, 1.0)], [], "pure", TypeError, "constants must be a dict"),
    ([LEAF_NODE], {0: 1.0}, 0, "pure", TypeError, "inputs must be a list or a tuple, not 'int'"),
    ([LEAF_NODE], {0: 1.0}, [], "fast", ValueError, "twin must be 'pure' or 'compiled', not 'fast'"),
    ([LEAF_NODE], {0: 1.0}, [], None, TypeError, "twin must be a str, not 'NoneType'"),
])
def test_bad_tapes_as_a_whole(nodes, constants, inputs, twin, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        t.Tape(nodes, constants, inputs, twin)


def test_an_empty_or_tiny_batch_never_reads_garbage(impl):
    """The empty tape is refused; the smallest tape, one leaf, replays exactly."""
    with pytest.raises(ValueError, match="one node at least"):
        impl.Tape([], {}, [], impl.IMPLEMENTATION)
    tape = impl.Tape([LEAF_NODE], {}, [0], impl.IMPLEMENTATION)
    values, grads = tape.value_and_grad_batch(np.array([[3.0], [-1.5]]))
    assert values.tolist() == [3.0, -1.5] and grads.tolist() == [[1.0], [1.0]]


class Tampered:
    """An object that pickles as a call of a cydiff loader with arguments of our making."""

    def __init__(self, loader, *args):
        self.loader, self.args = loader, args

    def __reduce__(self):
        return self.loader, self.args


def graph_entries(impl):
    x, w = impl.Value(2.0, label="x"), impl.Value(-1.0)
    return x, w, [x, w, (-2.0, 0.0, MUL, "", 0, 1, 0.0, None),
                  (-4.0, 0.0, MUL_C, "y", 2, None, 2.0, None),
                  (-6.0, 0.0, SUM, "", None, None, 0.0, (3, 2, 0.5)),
                  (-5.5, 0.0, ADD, "", 4, 0, 0.0, None)]


@pytest.mark.parametrize("record, field, value, words", [
    (2, 0, "1.5", "record 2.data must be a real number, not 'str'"),
    (2, 0, 10**400, "record 2.data is 1000"),
    (2, 1, None, "record 2.grad must be a real number, not 'NoneType'"),
    (3, 3, None, "record 3.label must be a str, not 'NoneType'"),
    (2, 2, 99, "record 2.op is 99, not an op code"),
    (2, 2, 2.0, "record 2.op must be an int"),
    (2, 2, LEAF, "record 2.op is a leaf's"),
    (2, 4, 5, "record 2.a is 5, not the index of an earlier record (0 to 1)"),
    (2, 5, None, "record 2.b must be an int"),
    (3, 5, 0, "record 3.b must be None"),
    (4, 7, (3, 2, "x"), "record 4.items[2] must be a real number"),
    (4, 7, (0.5,), "record 4.items has no node"),
    (4, 7, [3, 2], "record 4.items must be a tuple"),
    (3, 7, (2,), "record 3.items must be None"),
    (5, 0, 1j, "record 5.data must be a real number, not 'complex'"),
])
def test_bad_graph_pickles_are_value_errors_alike(impl, record, field, value, words):
    """A graph pickle whose record is wrong — of whatever kind — fails to load with a
    ValueError naming the record and field, in both twins (before, a data of "1.5"
    loaded in one twin and a label of None in the other)."""
    x, w, entries = graph_entries(impl)
    twin = impl.IMPLEMENTATION
    assert pickle.loads(pickle.dumps(Tampered(p.restore_graph, twin, p.FORMAT, entries))).data == -5.5
    fields = list(entries[record])
    fields[field] = value
    entries[record] = tuple(fields)
    blob = pickle.dumps(Tampered(p.restore_graph, twin, p.FORMAT, entries))
    with pytest.raises(ValueError) as raised:
        pickle.loads(blob)
    assert str(raised.value).startswith("cannot unpickle a cydiff Value: ")
    assert words in str(raised.value)


@pytest.mark.parametrize("loader, args, words", [
    (p.restore_graph, (1, []), "there are no records"),
    (p.restore_graph, (1, "abc"), "the records must be a list or a tuple"),
    (p.restore_graph, (True, [1.0]), "record format True"),
    (p.restore_graph, (1.0, [1.0]), "record format 1.0"),
    (p.restore_graph, (1, [(1.0,) * 7]), "record 0 has 7 fields, not 8"),
    (p.restore_graph, (1, ["x"]), "record 0 must be a Value of this twin or a tuple, not 'str'"),
    (p.restore_leaf, ("1.5", 0.0, "", None), "data must be a real number, not 'str'"),
    (p.restore_leaf, (1.5, 0.0, None, None), "label must be a str, not 'NoneType'"),
    (p.restore_leaf, (1.5, 0.0, "", 5), "op must be a str or None, not 'int'"),
    (p.restore_dual, ("1.5", 0.0), "Dual() argument 'val' must be a real number"),
    (p.restore_dual, (10**400, 0.0), "cannot unpickle a cydiff Dual"),
    (p.restore_multidual, (1.5, (0.0,) * 9), "at most 8 partials"),
])
def test_bad_pickles_of_every_kind_are_value_errors(impl, loader, args, words):
    blob = pickle.dumps(Tampered(loader, impl.IMPLEMENTATION, *args))
    with pytest.raises(ValueError, match="cannot unpickle a cydiff") as raised:
        pickle.loads(blob)
    assert words in str(raised.value)


def test_a_pickle_naming_no_twin_is_refused(impl):
    for twin in ("fast", None, 1):
        for loader, args in ((p.restore_dual, (1.0, 0.0)), (p.restore_leaf, (1.0, 0.0, "", None)),
                             (p.restore_graph, (1, [impl.Value(1.0)]))):
            with pytest.raises(ValueError, match="cannot unpickle a cydiff (Dual|Value): twin "
                                                 "must be"):
                pickle.loads(pickle.dumps(Tampered(loader, twin, *args)))
        with pytest.raises(ValueError, match="cannot unpickle a cydiff Tape: twin must"):
            t.restore(1, *good(), twin)


@pytest.mark.c_extensions
def test_a_graph_pickle_from_the_other_twin_is_refused(pure, compiled):
    entries = [pure.Value(1.0), (2.0, 0.0, EXP, "", 0, None, 0.0, None)]
    with pytest.raises(ValueError, match="record 0 must be a Value of this twin or a tuple, "
                                         "not 'Value' \\(a Value or Dual of the other"):
        p.restore_graph("compiled", 1, entries)


# --- a tape's inputs: leaves of its graph, each once (nothing given is ignored) ---------------

def test_an_input_that_is_not_a_leaf_is_refused(impl):
    """Before, an op's result given as an input got gradient 0 and its value was ignored."""
    w = impl.Value(0.5)
    h = (w * 3.0).tanh()
    y = h * w
    with pytest.raises(ValueError, match=r"inputs\[1\] is not a leaf but the result of an op "
                                         r"\('tanh'\): the inputs of a tape are leaves"):
        impl.Tape.from_graph(y, [w, h])
    custom = impl.Value(1.0, (w,), "mine")
    with pytest.raises(ValueError, match="inputs\\[0\\] is not a leaf"):
        impl.Tape.from_graph(y, [custom])


def test_an_input_twice_is_refused(impl):
    w, b = impl.Value(0.5), impl.Value(2.0)
    with pytest.raises(ValueError, match=r"inputs\[2\] is inputs\[0\] again"):
        impl.Tape.from_graph(w * b, [w, b, w])
    outside = impl.Value(1.0)  # not in the graph: twice is still twice
    with pytest.raises(ValueError, match=r"inputs\[2\] is inputs\[1\] again"):
        impl.Tape.from_graph(w * b, [w, outside, outside])


def test_inputs_of_the_wrong_kind_are_refused(impl):
    w = impl.Value(0.5)
    for inputs, words in (([w, 1.0], r"inputs\[1\] must be a Value of the graph's twin, not 'float'"),
                          (w, "inputs must be a sequence of Values, not 'Value'"),
                          ("ab", "inputs must be a sequence of Values, not 'str'")):
        with pytest.raises(TypeError, match=words):
            impl.Tape.from_graph(w * 2.0, inputs)


@pytest.mark.c_extensions
def test_inputs_of_the_other_twin_are_refused(pure, compiled):
    for m, other in ((pure, compiled), (compiled, pure)):
        w = m.Value(0.5)
        with pytest.raises(TypeError, match="the pure and compiled ones do not mix"):
            m.Tape.from_graph(w * 2.0, [w, other.Value(1.0)])


def test_an_input_the_output_does_not_use_has_gradient_zero(impl):
    w, unused = impl.Value(0.5), impl.Value(3.0)
    tape = impl.Tape.from_graph(w * w, [w, unused])
    assert tape.grad([2.0, 7.0]).tolist() == [4.0, 0.0]


def test_records_from_hand_are_checked_as_pickles_are(impl):
    x = impl.Value(1.0)
    entries = [x, (1.0, 0.0, EXP, "", 3, None, 0.0, None)]
    with pytest.raises(ValueError, match=r"Tape.from_records: record 1.a is 3"):
        impl.Tape.from_records(entries, [x], twin=impl.IMPLEMENTATION)
    with pytest.raises(ValueError, match=r"record 2 is record 0 again"):
        impl.Tape.from_records([x, (1.0, 0.0, EXP, "", 0, None, 0.0, None), x], [x],
                               twin=impl.IMPLEMENTATION)


# --- resources ---------------------------------------------------------------------------------

def _batch_threads():
    return [t for t in threading.enumerate() if t.name.startswith("cydiff-batch")]


def test_a_batch_starts_no_more_threads_than_cpus_and_rows(impl):
    """threads=10**9 used to start one OS thread per row."""
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    X = np.ones((500, 2))
    values, grads = tape.value_and_grad_batch(X, threads=10**9)
    assert values.tolist() == [1.0] * 500
    assert len(_batch_threads()) <= threads.cpus() - 1  # the calling thread runs the first block
    tape.value_and_grad_batch(X[:1], threads=64)
    assert len(_batch_threads()) <= threads.cpus() - 1


def test_batches_keep_their_threads_between_calls(impl, monkeypatch):
    """Starting a thread per call cost a tenth of a 2-thread batch; the workers are kept."""
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    X = np.arange(64.0).reshape(32, 2)
    expected = tape.value_and_grad_batch(X, threads=1)
    tape.value_and_grad_batch(X, threads=2)
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self), start(self)))
    for _ in range(3):
        got = tape.value_and_grad_batch(X, threads=2)
        assert [a.tolist() for a in got] == [a.tolist() for a in expected]
    assert started == []


def _batch_in_child(twin_name):
    impl = importlib.import_module(twin_name)
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    values, grads = tape.value_and_grad_batch(np.arange(64.0).reshape(32, 2), threads=2)
    return values.tolist(), grads.tolist()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX's")
def test_the_batch_threads_end_before_a_fork(impl):
    """So that the process forks with none of cydiff's threads (Python 3.12 warns of a
    fork with threads: a child can deadlock); the next batch starts new ones."""
    tape = impl.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    X = np.arange(64.0).reshape(32, 2)
    expected = tape.value_and_grad_batch(X, threads=2)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    assert _batch_threads() == []
    got = tape.value_and_grad_batch(X, threads=2)
    assert [a.tolist() for a in got] == [a.tolist() for a in expected]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX's")
def test_a_forked_child_makes_its_own_batch_threads(impl):
    """A child forked after a batch has the parent's pool object but none of its threads:
    a batch there used to wait forever for a worker that does not exist."""
    import multiprocessing
    expected = _batch_in_child(impl.__name__)  # the parent's workers exist before the fork
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_batch_in_child, (impl.__name__,)).get(timeout=60) == expected


@pytest.mark.c_extensions
def test_a_compiled_tape_loads_as_pure_where_extensions_are_off(compiled, monkeypatch):
    """As a graph's pickle does (the compiled replay is not used behind the user's back)."""
    tape = compiled.trace(lambda v: v[0] * v[1], [1.0, 2.0])
    blob = pickle.dumps(tape)
    monkeypatch.setenv("CYDIFF_NO_EXTENSIONS", "1")
    loaded = pickle.loads(blob)
    assert loaded._engine is None and loaded == tape and "pure replay" in repr(loaded)
    assert loaded.grad([3.0, 4.0]).tolist() == [4.0, 3.0]
