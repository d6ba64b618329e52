"""tf.string tensors and tf.strings; expected values recorded from TensorFlow 2.21."""

import numpy as np
import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error


def _values(t):
    return t.numpy().tolist() if t.ndim else t.numpy()


def test_string_constants_hold_bytes_as_tensorflow():
    s = tf.constant(["Hello World", "é"])
    assert s.dtype == tf.string and s.shape == (2,)
    assert s.numpy().tolist() == [b"Hello World", b"\xc3\xa9"]
    assert s.numpy().dtype == object
    scalar = tf.constant("x")
    assert scalar.numpy() == b"x" and scalar.shape == ()
    assert repr(scalar) == "<tapegrad.Tensor: shape=(), dtype=string, numpy=b'x'>"
    assert str(tf.constant(["a", "b"])) == "tapegrad.Tensor([b'a' b'b'], shape=(2,), dtype=string)"
    assert tf.constant(np.array(["a", "b"])).numpy().tolist() == [b"a", b"b"]
    assert tf.constant(np.array([b"a"])).dtype == tf.string
    assert tf.as_dtype("string") == tf.string == tf.as_dtype(np.object_)


def test_string_comparisons_and_concatenation():
    s = tf.constant(["Hello World", " a"])
    assert (s == "Hello World").numpy().tolist() == [True, False]
    assert (s != "a").numpy().tolist() == [True, True]
    assert bool(tf.constant("a") == tf.constant("a"))
    assert (tf.constant("a") + "b").numpy() == b"ab"
    assert s[0].numpy() == b"Hello World"


def test_strings_and_numbers_do_not_mix():
    assert_clear_error(lambda: tf.constant("1", tf.float32), TypeError, "strings", "to_number")
    assert_clear_error(lambda: tf.constant(np.array([object()])), TypeError, "not a string")
    assert_clear_error(lambda: tf.constant(["a"]) + 1, tf.errors.InvalidArgumentError, "add")


def test_strings_have_no_gradient():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y = x * 3.0
        z = tf.strings.to_number(tf.strings.as_string(y))
    assert tape.gradient(z, x) is None
    assert float(tape.gradient(y, x)) == 3.0
    with pytest.warns(UserWarning, match="string"):
        with tf.GradientTape() as tape:
            tape.watch(tf.constant("a"))


def test_split_scalar_gives_a_vector_and_vector_a_ragged_tensor():
    s = tf.constant(["Hello World", " a,b,,c "])
    words = tf.strings.split(s)
    assert isinstance(words, tf.RaggedTensor)
    assert words.to_list() == [[b"Hello", b"World"], [b"a,b,,c"]]
    assert tf.strings.split(s, ",").to_list() == [[b"Hello World"], [b" a", b"b", b"", b"c "]]
    assert tf.strings.split(tf.constant("a b  c")).numpy().tolist() == [b"a", b"b", b"c"]
    assert tf.strings.split(tf.constant("a b  c"), " ").numpy().tolist() == [b"a", b"b", b"",
                                                                              b"c"]
    assert tf.strings.split(s, ",", maxsplit=1).to_list() == [[b"Hello World"], [b" a",
                                                                                  b"b,,c "]]
    assert tf.strings.split("a b c", maxsplit=1).numpy().tolist() == [b"a", b"b c"]
    assert tf.strings.split(s, ",").to_tensor().numpy().tolist() == [
        [b"Hello World", b"", b"", b""], [b" a", b"b", b"", b"c "]]


def test_ragged_tensor_api():
    r = tf.strings.split(tf.constant(["a b", "c d e"]))
    assert r.shape.as_list() == [2, None] and r.dtype == tf.string and r.ragged_rank == 1
    assert r[1].numpy().tolist() == [b"c", b"d", b"e"]
    assert r.row_lengths().numpy().tolist() == [2, 3]
    assert r.row_splits.numpy().tolist() == [0, 2, 5]
    assert r.flat_values.numpy().tolist() == [b"a", b"b", b"c", b"d", b"e"]
    assert int(r.nrows()) == 2 and [t.numpy().tolist() for t in r] == [[b"a", b"b"],
                                                                       [b"c", b"d", b"e"]]
    assert [a.tolist() for a in r.numpy()] == [[b"a", b"b"], [b"c", b"d", b"e"]]
    assert r[0:1].to_list() == [[b"a", b"b"]]
    assert r.to_tensor(shape=[2, 2]).numpy().tolist() == [[b"a", b"b"], [b"c", b"d"]]
    assert r.to_tensor(default_value="?").numpy().tolist() == [[b"a", b"b", b"?"],
                                                               [b"c", b"d", b"e"]]
    rr = tf.RaggedTensor.from_row_lengths([1, 2, 3], [2, 1])
    assert rr.to_list() == [[1, 2], [3]] and rr.to_tensor().numpy().tolist() == [[1, 2], [3, 0]]
    assert tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 1, 3]).to_list() == [[1], [2, 3]]
    assert str(rr) == "<tapegrad.RaggedTensor [[1, 2], [3]]>"
    assert_clear_error(lambda: tf.RaggedTensor.from_row_splits([1, 2], [0, 3]), ValueError,
                       "row_splits")
    assert_clear_error(lambda: r[5], IndexError, "row 5")


def test_join_length_case_strip():
    s = tf.constant(["Hello World", " a,b,,c "])
    assert tf.strings.join(["a", "b"], separator="-").numpy() == b"a-b"
    assert _values(tf.strings.join([s, s], "|")) == [b"Hello World|Hello World",
                                                      b" a,b,,c | a,b,,c "]
    assert _values(tf.strings.join(["a", tf.constant(["x", "y"])])) == [b"ax", b"ay"]
    assert _values(tf.strings.length(tf.constant(["héllo"]))) == [6]
    assert _values(tf.strings.length(tf.constant(["héllo"]), unit="UTF8_CHAR")) == [5]
    assert tf.strings.length("").dtype == tf.int32
    assert tf.strings.lower("ÀB").numpy() == b"\xc3\x80b"  # ASCII only without an encoding
    assert tf.strings.upper("àb").numpy() == b"\xc3\xa0B"
    assert tf.strings.lower("ÀB", encoding="utf-8").numpy() == "àb".encode()
    assert tf.strings.strip("  a b \n").numpy() == b"a b"
    assert_clear_error(lambda: tf.strings.length("abc", unit="X"), ValueError, "unit")
    assert_clear_error(lambda: tf.strings.upper(tf.constant([1.0])), TypeError, "upper",
                       "float32")


def test_regex_replace_and_substr():
    assert tf.strings.regex_replace("aaa bbb", "a+", "x").numpy() == b"x bbb"
    assert tf.strings.regex_replace("aaa aaa", "a", "x", replace_global=False).numpy() == (
        b"xaa aaa")
    assert _values(tf.strings.regex_replace(["abc"], r"(b)", r"[\1]")) == [b"a[b]c"]
    assert tf.strings.regex_replace("abc", "", "-").numpy() == b"-a-b-c-"
    assert tf.strings.regex_replace("abc", "b", r"\0\0").numpy() == b"abbc"
    assert tf.strings.regex_replace("a.c", r"\.", r"\\").numpy() == b"a\\c"
    assert tf.strings.substr("hello", 1, 3).numpy() == b"ell"
    assert _values(tf.strings.substr(["hello", "hi"], [0, 1], [2, 5])) == [b"he", b"i"]
    assert tf.strings.substr("héllo", 1, 2, unit="UTF8_CHAR").numpy() == b"\xc3\xa9l"
    assert tf.strings.substr("hello", -3, 2).numpy() == b"ll"
    assert tf.strings.substr("hello", 3, 10).numpy() == b"lo"
    assert tf.strings.substr("hello", 5, 2).numpy() == b""
    assert_clear_error(lambda: tf.strings.substr("hello", 7, 2), tf.errors.InvalidArgumentError,
                       "pos 7 out of range")
    assert_clear_error(lambda: tf.strings.regex_replace("a", "(", "x"),
                       tf.errors.InvalidArgumentError, "pattern")


TO_NUMBER = [  # (string, float32 result or None for an error, int32 result or None)
    ("1e3", 1000.0, None), (" 2", 2.0, 2), ("0x10", 16.0, None), ("-1", -1.0, -1),
    ("+3.5", 3.5, None), ("1.5e", None, None), ("2 ", 2.0, 2), ("", None, None),
    ("inf", np.inf, None), ("-Infinity", -np.inf, None), ("1_0", None, None), ("1.", 1.0, None),
    ("  ", None, None), ("99999999999", 99999997952.0, None),
]


@pytest.mark.parametrize("text,as_float,as_int", TO_NUMBER)
def test_to_number_parses_as_tensorflow(text, as_float, as_int):
    for dtype, want in ((tf.float32, as_float), (tf.int32, as_int)):
        if want is None:
            assert_clear_error(lambda d=dtype: tf.strings.to_number(text, out_type=d),
                               tf.errors.InvalidArgumentError, "to_number", "not a valid")
        else:
            got = tf.strings.to_number(text, out_type=dtype)
            assert got.dtype == dtype and got.numpy() == want
    assert np.isnan(tf.strings.to_number("nan").numpy())


def test_as_string_formats_as_printf():
    cases = [
        (tf.strings.as_string([1.5, 2.0]), [b"1.500000", b"2.000000"]),
        (tf.strings.as_string([1, 2]), [b"1", b"2"]),
        (tf.strings.as_string(1.23456789, precision=3), b"1.235"),
        (tf.strings.as_string(True), b"true"),
        (tf.strings.as_string(3, width=5, fill="0"), b"00003"),
        (tf.strings.as_string(tf.constant(1e20)), b"100000002004087734272.000000"),
        (tf.strings.as_string(tf.constant(1e-7)), b"0.000000"),
        (tf.strings.as_string(tf.constant(0.1, tf.float64)), b"0.100000"),
        (tf.strings.as_string(tf.constant(3.0), scientific=True), b"3.000000e+00"),
        (tf.strings.as_string(tf.constant(3.0), shortest=True), b"3"),
        (tf.strings.as_string([1.5], precision=2, width=8), [b"    1.50"]),
        (tf.strings.as_string([-1.5], width=8, fill="0"), [b"-1.500000"]),
        (tf.strings.as_string([1.5], scientific=True, precision=2), [b"1.50e+00"]),
        (tf.strings.as_string([0.0001234], shortest=True), [b"0.0001234"]),
        (tf.strings.as_string(tf.constant([-3]), width=6, fill="0"), [b"-00003"]),
    ]
    for got, want in cases:
        assert _values(got) == want
    assert_clear_error(lambda: tf.strings.as_string("a"), tf.errors.InvalidArgumentError,
                       "string")
    assert_clear_error(lambda: tf.strings.as_string(3, precision=2),
                       tf.errors.InvalidArgumentError, "int32", "precision")


def test_format_prints_as_tensorflow():
    f = tf.strings.format
    cases = [
        (f("x={} y={}", (tf.constant([1, 2]), 3.5)), b"x=[1 2] y=3.5"),
        (f("{}", tf.range(20)), b"[0 1 2 ... 17 18 19]"),
        (f("{}", tf.constant("abc")), b'"abc"'),
        (f("{}", tf.constant([[1.0, 2.0], [3.0, 4.0]])), b"[[1 2]\n [3 4]]"),
        (f("{}", tf.constant(np.arange(8).reshape(2, 2, 2))),
         b"[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]"),
        (f("{}", tf.constant(np.arange(64).reshape(4, 16))),
         b"[[0 1 2 ... 13 14 15]\n [16 17 18 ... 29 30 31]\n [32 33 34 ... 45 46 47]\n"
         b" [48 49 50 ... 61 62 63]]"),
        (f("{}", tf.constant(np.arange(7))), b"[0 1 2 ... 4 5 6]"),
        (f("{}", tf.constant(np.arange(6))), b"[0 1 2 3 4 5]"),
        (f("{}", tf.constant(np.arange(8)), summarize=2), b"[0 1 ... 6 7]"),
        (f("{}", tf.constant(np.arange(8)), summarize=0), b"[ ...]"),
        (f("{}", tf.constant(["a\tb", "q\"'\\", "\x01é"])),
         b'["a\\tb" "q\\"\\\'\\\\" "\\001\xc3\xa9"]'),
        (f("{}", tf.constant([1.5, 2, 3e-8], tf.float64)), b"[1.5 2 3e-08]"),
        (f("{}", tf.constant([True, False])), b"[1 0]"),
        (f("{}", tf.constant(1 / 3)), b"0.333333343"),
        (f("{}", tf.constant(123456.7)), b"123456.703"),
        (f("{}", tf.constant(1e20)), b"1e+20"),
        (f("{} and {}", ("a", 2)), b'"a" and 2'),
    ]
    for got, want in cases:
        assert got.numpy() == want
    assert_clear_error(lambda: f("{} {}", [1]), ValueError, "expects 2", "only has 1")


def test_reduce_join_and_unicode_split():
    rj = tf.strings.reduce_join
    assert rj(["a", "b", "c"]).numpy() == b"abc"
    assert _values(rj([["a", "b"], ["c", "d"]], axis=1, separator=",")) == [b"a,b", b"c,d"]
    assert _values(rj([["a", "b"], ["c", "d"]], axis=0, keepdims=True)) == [[b"ac", b"bd"]]
    assert rj([["a", "b"], ["c", "d"]], axis=[0, 1]).numpy() == b"abcd"
    assert _values(rj([["a", "b"], ["c", "d"]], axis=-1)) == [b"ab", b"cd"]
    us = tf.strings.unicode_split
    assert _values(us("héllo", "UTF-8")) == [b"h", b"\xc3\xa9", b"l", b"l", b"o"]
    assert us(["ab", "c"], "UTF-8").to_list() == [[b"a", b"b"], [b"c"]]
    assert _values(us("h\xffé".encode("latin-1"), "UTF-8")) == [b"h", b"\xef\xbf\xbd",
                                                                  b"\xef\xbf\xbd"]
    assert_clear_error(lambda: us("a", "latin-1"), ValueError, "input_encoding")


def test_string_ops_in_a_traced_function_run_eagerly():
    @tf.function
    def shout(s):
        return tf.strings.upper(s) + "!"

    assert shout(tf.constant("a")).numpy() == b"A!"
    assert shout(tf.constant("b")).numpy() == b"B!"  # not a replay of the first value


def test_unknown_rank_shapes():
    shape = tf.TensorShape(None)
    assert shape.rank is None and str(shape) == "<unknown>" and repr(shape) == (
        "TensorShape(None)")
    assert shape.is_compatible_with([1, 2]) and tf.TensorShape([3]).is_compatible_with(shape)
    assert not shape.is_fully_defined() and shape.num_elements() is None and not shape
    assert shape == tf.TensorShape(None) and shape != tf.TensorShape([])
    assert_clear_error(shape.as_list, ValueError, "unknown")
    assert_clear_error(lambda: len(shape), ValueError, "unknown rank")
