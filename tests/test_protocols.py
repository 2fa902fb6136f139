"""Python's object protocols on cydiff's numbers, the same in both twins: truth value,
hash and equality (stable, and consistent with the numbers they compare equal to), and
construction (a number is made whole once, by its class; __init__ again changes nothing).
tests/test_twins.py compares the twins' answers to the rest of the class protocol."""

import math
import pickle

import pytest

from programs import SPECIALS, bits

POINTS = SPECIALS + [3.25, -7.0, 2.0**60, 1 / 3]


def numbers(impl, x):
    """The cydiff numbers of value x: a Value, Duals and MultiDuals with several tangents."""
    return [impl.Value(x), impl.Dual(x), impl.Dual(x, 1.0), impl.Dual(x, math.nan),
            impl.MultiDual(x), impl.MultiDual(x, (1.0, -2.0))]


def nested_numbers(impl, x):
    """The numbers a nested derivative seeds (`cydiff._nested.Nested`) and some made from
    them, at value x, collected from inside an inner f."""
    seen = []

    def inner(y, outer):
        seen.extend([y, y * 1.0, y + 0.0 * outer])
        return y * outer

    impl.derivative(lambda outer: impl.derivative(lambda y: inner(y, outer), x), 1.0)
    return seen


@pytest.mark.parametrize("x", POINTS)
def test_truth_value_follows_the_value_as_floats_do(impl, x):
    """`x if x else ...` takes the branch the float would: false at ±0.0, true at nan."""
    for number in numbers(impl, x) + nested_numbers(impl, x):
        assert bool(number) is bool(x), (number, x)
        assert (not number) is (not x)


@pytest.mark.parametrize("x", POINTS)
def test_hash_is_stable_and_agrees_with_equality(impl, x):
    """A number is found again in a set or dict, whatever was allocated in between (a
    nan's hash must not come from a float made anew at each call)."""
    for number in numbers(impl, x) + nested_numbers(impl, x):
        as_set, as_dict, hashes, kept = {number}, {number: 1}, set(), []
        for k in range(20):
            kept.append([float(i) * x for i in range(k)])  # floats where old ones were
            hashes.add(hash(number))
            assert number in as_set and as_dict[number] == 1, (number, x, k)
        assert len(hashes) == 1, (number, x)
        if x == x and not isinstance(number, impl.Value):  # a Value hashes by identity
            assert number == x and hash(number) == hash(x)


def test_equal_numbers_hash_alike(impl):
    for x in POINTS:
        if x != x:
            continue
        assert hash(impl.Dual(x, 1.0)) == hash(impl.Dual(x, -3.0)) == hash(x)
        assert hash(impl.MultiDual(x, (1.0,))) == hash(impl.MultiDual(x)) == hash(x)
    assert len({impl.Dual(1.0), impl.Dual(1.0, 2.0), 1.0, 1}) == 1


# --- construction: a number is made whole by its class, once ----------------------------

def state(x):
    """Everything a number shows, floats as bits (a nan's payload aside)."""
    if hasattr(x, "backward"):
        return (bits(x.data), bits(x.grad), x.label, x._op, tuple(map(id, x._children)))
    return (bits(x.val), tuple(map(bits, x.partials)) if hasattr(x, "partials")
            else bits(x.deriv))


def reinit_arguments(impl, x, family):
    """Arguments of every kind for __init__ again: good ones, bad ones, and for a node
    its own graph as children (before, that made a cycle) and its own label."""
    args = [(), (5.0,), ("5",), (None,), (math.nan, 2.0), (1.0, [1.0, 2.0])]
    if hasattr(x, "backward"):
        args += [(0.0, tuple(family)), (0.0, family, "+", x.label), (3.0, (), "", "")]
    return args


def test_init_again_changes_nothing(impl):
    """`x.__init__(...)` on a live number is object.__init__: it does nothing, whatever
    it is given (as float's), so no node can be turned into a parent of its own graph."""
    a = impl.Value(1.5, label="a" * 50)
    b = a * 2.0
    c = impl.Value(0.5, (b, a), "custom", label="c")
    family = [a, b, c, (b + c).tanh()]
    numbers = family + [impl.Dual(1.0, 2.0), impl.MultiDual(1.0, (2.0, 3.0))]
    for x in numbers:
        before = state(x)
        for args in reinit_arguments(impl, x, family):
            x.__init__(*args)
            assert state(x) == before, (x, args)
    top = family[-1]
    top.backward()  # terminates: no cycle
    top.zero_grad()
    assert pickle.loads(pickle.dumps(top)).data == top.data
    assert a.label == "a" * 50


def test_new_makes_a_whole_number_or_raises(impl):
    """`cls.__new__(cls, ...)` is the constructor itself: a bare one is a TypeError (a
    missing argument) in both twins, never a half-made object."""
    for cls, args in ((impl.Value, (2.0,)), (impl.Dual, (2.0, 1.0)),
                      (impl.MultiDual, (2.0, (1.0,)))):
        with pytest.raises(TypeError):
            cls.__new__(cls)
        made = cls.__new__(cls, *args)
        assert type(made) is cls and state(made) == state(cls(*args))
