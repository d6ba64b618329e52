"""tf.nest: TensorFlow's rules for nested structures (the expected values and messages were
recorded from TensorFlow 2.21's tf.nest), and the same answers as TensorFlow itself when it is
installed."""

import collections

import numpy as np
import pytest

import tapegrad as tf

P = collections.namedtuple("P", "a b")
Q = collections.namedtuple("Q", "a b")


class Sub(list):
    pass


def _tagged(structure):
    return [("x", i) for i in range(len(tf.nest.flatten(structure)))]


def test_leaves_are_none_strings_numbers_arrays_and_sets():
    for leaf in (None, "ab", b"ab", 3, np.arange(3), {1, 2}):
        assert not tf.nest.is_nested(leaf)
        assert tf.nest.flatten(leaf) == [leaf] or tf.nest.flatten(leaf)[0] is leaf
        assert tf.nest.pack_sequence_as(leaf, ["y"]) == "y"
    assert tf.nest.flatten([None, (None,)]) == [None, None]
    assert not tf.nest.is_nested(tf.constant([1.0, 2.0])) and not tf.nest.is_nested(
        tf.Variable(1.0))


def test_mappings_flatten_in_sorted_key_order_and_keep_their_order_and_type():
    d = {"b": 1, "a": 2, "c": [3, 4]}
    assert tf.nest.flatten(d) == [2, 1, 3, 4]
    packed = tf.nest.pack_sequence_as(d, _tagged(d))
    assert list(packed) == ["b", "a", "c"] and packed["a"] == ("x", 0)
    ordered = collections.OrderedDict([("b", 1), ("a", 2)])
    packed = tf.nest.pack_sequence_as(ordered, [5, 6])
    assert type(packed) is collections.OrderedDict and list(packed.items()) == [("b", 6), ("a", 5)]
    default = collections.defaultdict(int, {"b": 1, "a": 2})
    packed = tf.nest.pack_sequence_as(default, [5, 6])
    assert type(packed) is collections.defaultdict and packed.default_factory is int
    assert tf.nest.flatten({1: "a", 2: "b"}) == ["a", "b"]
    with pytest.raises(TypeError, match="'<' not supported"):
        tf.nest.flatten({1: "a", "b": 2})


def test_sequences_rebuild_as_their_type():
    assert tf.nest.pack_sequence_as(P(1, [2, 3]), [4, 5, 6]) == P(4, [5, 6])
    assert type(tf.nest.pack_sequence_as(Sub([1, 2]), [3, 4])) is Sub
    assert tf.nest.pack_sequence_as(range(3), [4, 5, 6]) == [4, 5, 6]
    assert tf.nest.pack_sequence_as({"b": 1, "a": 2}.keys(), [7, 8]) == [7, 8]
    assert tf.nest.flatten({"b": 1, "a": 2}.keys()) == ["b", "a"]  # a view in its own order
    assert tf.nest.pack_sequence_as([[], {}, ()], []) == [[], {}, ()]
    assert tf.nest.pack_sequence_as([1, 2], (7, 8)) == [7, 8]


def test_pack_sequence_as_errors():
    with pytest.raises(ValueError, match=r"Structure had 2 atoms, but flat_sequence had 3 items"):
        tf.nest.pack_sequence_as([1, [2]], [1, 2, 3])
    with pytest.raises(ValueError, match=r"Structure had 2 atoms, but flat_sequence had 1 items"):
        tf.nest.pack_sequence_as([1, [2]], [1])
    with pytest.raises(ValueError, match="is a sequence .* of length 2"):
        tf.nest.pack_sequence_as(1, [5, 6])
    with pytest.raises(TypeError, match="Attempted to pack value"):
        tf.nest.pack_sequence_as([1, 2], iter([1, 2]))


def test_assert_same_structure_says_where_and_why():
    tf.nest.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    tf.nest.assert_same_structure(collections.OrderedDict(a=1), {"a": 1})
    tf.nest.assert_same_structure([1, 2], (1, 2), check_types=False)
    cases = [
        (([1, 2], [1, 2, 3]), ValueError, "don't have the same number of elements"),
        (([1, 2], (1, 2)), TypeError, "has type list, while second structure .* has type tuple"),
        (([1, [2]], [1, 2]), ValueError, 'Substructure "type=list str=\\[2\\]" is a sequence'),
        (({"a": 1}, {"b": 1}), ValueError, "don't have the same set of keys"),
        ((P(1, 2), (1, 2)), TypeError, "has type P, while"),
    ]
    for (first, second), error, reason in cases:
        with pytest.raises(error, match=reason) as info:
            tf.nest.assert_same_structure(first, second)
        assert str(info.value).startswith("The two structures don't have the same nested "
                                          "structure.\n\nFirst structure: type=")
        assert "Entire first structure:\n" in str(info.value)
    with pytest.raises(TypeError):  # another namedtuple name is another type
        tf.nest.assert_same_structure(P(1, 2), Q(3, 4))


def test_map_structure():
    assert tf.nest.map_structure(lambda a, b: a + b, [1, (2, 3)], [10, (20, 30)]) == [11, (22, 33)]
    assert tf.nest.map_structure(lambda a, b: a + b, [1, 2], (10, 20), check_types=False) == [11,
                                                                                             22]
    assert tf.nest.map_structure(lambda a, b: a + b, {"a": 1, "b": 2}, {"b": 3, "a": 4}) == {
        "a": 5, "b": 5}
    assert tf.nest.map_structure(lambda a: a * 2, {"b": 1, "a": (2,)},
                                 expand_composites=True) == {"b": 2, "a": (4,)}
    assert tf.nest.map_structure(lambda a: a, None) is None
    assert tf.nest.map_structure(lambda a: a, []) == []
    with pytest.raises(TypeError, match="func must be callable, got: 5"):
        tf.nest.map_structure(5, [1])
    with pytest.raises(ValueError, match="Must provide at least one structure"):
        tf.nest.map_structure(lambda a: a)
    with pytest.raises(ValueError, match="Only valid keyword arguments are `check_types` and "
                                         "`expand_composites`, not: `foo`"):
        tf.nest.map_structure(lambda a: a, [1], foo=1)
    with pytest.raises(TypeError, match="has type list, while"):
        tf.nest.map_structure(lambda a, b: a, [1, 2], (10, 20))


def test_tapes_and_functions_keep_the_structure_of_their_arguments():
    x, y = tf.Variable(1.0), tf.Variable(2.0)
    with tf.GradientTape() as tape:
        loss = x * y
    grads = tape.gradient(loss, collections.OrderedDict([("y", y), ("x", x)]))
    assert list(grads) == ["y", "x"] and float(grads["x"]) == 2.0

    @tf.function
    def f(pair):
        return {"b": pair.a * 2.0, "a": pair.b}

    out = f(P(tf.constant(1.0), tf.constant(3.0)))
    assert list(out) == ["b", "a"] and float(out["b"]) == 2.0


_PROBES = [
    None, "ab", 3, [], (), {}, [[], {}, ()], [1, [2, 3], (4,)], {"b": 1, "a": 2, "c": [3, 4]},
    collections.OrderedDict([("b", 1), ("a", 2)]), P(1, [2, 3]), np.arange(3), {1, 2}, range(3),
    [None, (None,)], {1: "a", 2: "b"},
]


@pytest.mark.parametrize("structure", _PROBES, ids=[repr(p)[:30] for p in _PROBES])
def test_same_answers_as_tensorflow(structure):
    real = pytest.importorskip("tensorflow")
    mine, theirs = tf.nest.flatten(structure), real.nest.flatten(structure)
    assert len(mine) == len(theirs) and all(a is b for a, b in zip(mine, theirs))
    assert tf.nest.is_nested(structure) == real.nest.is_nested(structure)
    flat = _tagged(structure)
    assert repr(tf.nest.pack_sequence_as(structure, flat)) == repr(
        real.nest.pack_sequence_as(structure, flat))


@pytest.mark.parametrize("pair", [([1, 2], [1, 2, 3]), ([1, 2], (1, 2)), ([1, [2]], [1, 2]),
                                  ({"a": 1}, {"b": 1}), (P(1, 2), (1, 2))])
def test_same_errors_as_tensorflow(pair):
    real = pytest.importorskip("tensorflow")
    with pytest.raises((TypeError, ValueError)) as theirs:
        real.nest.assert_same_structure(*pair)
    with pytest.raises(type(theirs.value)) as mine:
        tf.nest.assert_same_structure(*pair)
    assert str(mine.value) == str(theirs.value)
