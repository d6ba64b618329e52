"""tf.data, tf.strings and tf.io against TensorFlow itself: the same code run by both must give
the same elements, specs, cardinalities and values. Skipped without TensorFlow."""

import collections

import numpy as np
import pytest

import tapegrad

tf_real = pytest.importorskip("tensorflow")


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (tuple, list)):
        return type(v)(_plain(x) for x in v) if not hasattr(v, "_fields") else tuple(
            _plain(x) for x in v)
    if hasattr(v, "numpy"):
        v = v.numpy()
    if isinstance(v, np.ndarray):
        return (v.dtype.str if v.dtype != object else "O", v.tolist())
    if isinstance(v, np.generic):
        return (v.dtype.str, v.item())
    return v


def _spec(s):
    if isinstance(s, dict):
        return {k: _spec(v) for k, v in s.items()}
    if isinstance(s, tuple):
        return tuple(_spec(v) for v in s)
    if hasattr(s, "element_spec"):
        return ("dataset", _spec(s.element_spec))
    shape = None if s.shape.rank is None else tuple(s.shape.as_list())
    return (shape, s.dtype.name)


X = np.arange(24, dtype=np.float32).reshape(12, 2)
Y = np.arange(12)

PIPELINES = {
    "slices": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)),
    "dict": lambda tf: tf.data.Dataset.from_tensor_slices({"b": Y, "a": X}).batch(5),
    "list_stacks": lambda tf: tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]),
    "strings": lambda tf: tf.data.Dataset.from_tensor_slices(["a", "bc"]).batch(2),
    "tensors": lambda tf: tf.data.Dataset.from_tensors(([1, 2], "a")),
    "range": lambda tf: tf.data.Dataset.range(10, 2, -3),
    "range32": lambda tf: tf.data.Dataset.range(5, output_type=tf.int32),
    "map_cast": lambda tf: tf.data.Dataset.from_tensor_slices((X, Y)).map(
        lambda a, b: (tf.cast(a, tf.float64) / 3.0 + 1.0, b * 2)).batch(5),
    "map_reduce": lambda tf: tf.data.Dataset.from_tensor_slices(X).map(tf.reduce_sum),
    "map_fill": lambda tf: tf.data.Dataset.range(1, 5).map(lambda x: tf.fill([x], x)),
    "padded": lambda tf: tf.data.Dataset.range(1, 5).map(lambda x: tf.fill([x], x))
    .padded_batch(2),
    "padded_fixed": lambda tf: tf.data.Dataset.range(1, 3).map(lambda x: tf.fill([x], x))
    .padded_batch(2, padded_shapes=[4], padding_values=tf.constant(-1, tf.int64)),
    "batch_drop": lambda tf: tf.data.Dataset.range(10).batch(4, drop_remainder=True),
    "unbatch": lambda tf: tf.data.Dataset.range(10).batch(3).unbatch().batch(4),
    "rebatch": lambda tf: tf.data.Dataset.range(10).batch(4).rebatch(3),
    "filter": lambda tf: tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0),
    "window": lambda tf: tf.data.Dataset.range(10).window(3, shift=2, stride=2)
    .flat_map(lambda w: w.batch(5)),
    "window_drop": lambda tf: tf.data.Dataset.range(10).window(4, drop_remainder=True)
    .flat_map(lambda w: w.batch(4)),
    "interleave": lambda tf: tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(6), cycle_length=2, block_length=4),
    "interleave_3": lambda tf: tf.data.Dataset.range(1, 8).interleave(
        lambda x: tf.data.Dataset.range(x), cycle_length=3, block_length=2),
    "flat_map": lambda tf: tf.data.Dataset.range(4).flat_map(lambda x: tf.data.Dataset.range(x)),
    "zip": lambda tf: tf.data.Dataset.zip((tf.data.Dataset.range(3),
                                           tf.data.Dataset.range(10, 20))),
    "zip_dict": lambda tf: tf.data.Dataset.zip({"x": tf.data.Dataset.range(3),
                                                "y": tf.data.Dataset.range(2)}),
    "concat": lambda tf: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(7, 9)),
    "repeat_take": lambda tf: tf.data.Dataset.range(5).repeat().take(12).skip(2),
    "shard": lambda tf: tf.data.Dataset.range(11).shard(3, 2),
    "enumerate": lambda tf: tf.data.Dataset.range(3).enumerate(start=5),
    "scan": lambda tf: tf.data.Dataset.range(10).scan(
        tf.constant(0, tf.int64), lambda s, x: (s + x, s * 10)),
    "take_while": lambda tf: tf.data.Dataset.range(10).take_while(lambda x: x < 4),
    "unique": lambda tf: tf.data.Dataset.from_tensor_slices([1, 2, 2, 3, 1]).unique(),
    "choose": lambda tf: tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.range(3), tf.data.Dataset.range(100, 103)],
        tf.data.Dataset.range(2).repeat(3)),
    "cache": lambda tf: tf.data.Dataset.range(4).map(lambda x: x * 2).cache(),
    "split_map": lambda tf: tf.data.Dataset.from_tensor_slices(["1 2", "3 4"]).map(
        lambda s: tf.strings.to_number(tf.strings.split(s))),
    "generator": lambda tf: tf.data.Dataset.from_generator(
        lambda: iter([(1, [1.5, 2.0]), (2, [3.0])]),
        output_signature=(tf.TensorSpec((), tf.int32), tf.TensorSpec((None,), tf.float32))),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_tensorflow(name):
    ours, theirs = PIPELINES[name](tapegrad), PIPELINES[name](tf_real)
    assert _spec(ours.element_spec) == _spec(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    assert [_plain(v) for v in ours.as_numpy_iterator()] == [
        _plain(v) for v in theirs.as_numpy_iterator()]


STRING_OPS = {
    "split": lambda tf: tf.strings.split(tf.constant(["a b  c", " x,y "]), ",").to_list(),
    "split_ws": lambda tf: tf.strings.split(tf.constant(["a b  c", " x,y "])).to_list(),
    "join": lambda tf: tf.strings.join([["a", "b"], "c"], separator="-"),
    "length": lambda tf: tf.strings.length(["héllo", ""], unit="UTF8_CHAR"),
    "lower": lambda tf: tf.strings.lower(["ÀBc"]),
    "upper_utf8": lambda tf: tf.strings.upper(["àbc"], encoding="utf-8"),
    "strip": lambda tf: tf.strings.strip(["\t a b \r\n"]),
    "regex": lambda tf: tf.strings.regex_replace(["abcabc"], r"(b)(c)", r"\2\1"),
    "substr": lambda tf: tf.strings.substr(["hello", "world"], [-3, 1], [2, 10]),
    "to_number": lambda tf: tf.strings.to_number([" 1.5", "0x10", "-inf", "3e2"]),
    "to_int64": lambda tf: tf.strings.to_number(["12", "-7"], out_type=tf.int64),
    "as_string": lambda tf: tf.strings.as_string([1.25, -3.5, 1e10], precision=3),
    "as_string_sci": lambda tf: tf.strings.as_string([1.25, 1e-9], scientific=True),
    "as_string_int": lambda tf: tf.strings.as_string(tf.constant([7, -12], tf.int64), width=5),
    "format": lambda tf: tf.strings.format("{} / {}", (tf.range(10), tf.constant([[0.5]]))),
    "reduce_join": lambda tf: tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=0,
                                                      separator="+"),
    "unicode_split": lambda tf: tf.strings.unicode_split("añb", "UTF-8"),
    "compare": lambda tf: tf.constant(["a", "b"]) == "b",
    "decode_csv": lambda tf: tf.io.decode_csv(['1,"x,y",2.5', '4,,'], [[0], ["d"], [0.5]]),
    "serialize": lambda tf: tf.io.serialize_tensor(tf.constant([[1.5, 2.0]])),
    "parse": lambda tf: tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant(["a", "b"])),
                                           tf.string),
}


@pytest.mark.parametrize("name", sorted(STRING_OPS))
def test_string_and_io_ops_match_tensorflow(name):
    assert _plain(STRING_OPS[name](tapegrad)) == _plain(STRING_OPS[name](tf_real))


def test_png_decoding_matches_tensorflow(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (9, 7, 3), dtype=np.uint8)
    data = tf_real.io.encode_png(image).numpy()  # libpng's encoder, its own row filters
    for channels in (0, 1, 3, 4):
        ours = tapegrad.io.decode_png(data, channels=channels).numpy()
        theirs = tf_real.io.decode_png(data, channels=channels).numpy()
        np.testing.assert_array_equal(ours, theirs)
    ours = tapegrad.io.encode_png(image).numpy()
    np.testing.assert_array_equal(tf_real.io.decode_png(ours).numpy(), image)
    deep = rng.integers(0, 65536, (20, 20, 3)).astype(np.uint16)
    data = tf_real.io.encode_png(deep).numpy()
    for channels in (1, 4):
        np.testing.assert_array_equal(
            tapegrad.io.decode_png(data, channels=channels, dtype=tapegrad.uint16).numpy(),
            tf_real.io.decode_png(data, channels=channels, dtype=tf_real.uint16).numpy())
        np.testing.assert_array_equal(tapegrad.io.decode_png(data, channels=channels).numpy(),
                                      tf_real.io.decode_png(data, channels=channels).numpy())


def test_csv_readers_match_tensorflow(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("i,big,f,d,s,empty\n1,3000000000,1.5,1e300,a,\n2,1,2,3,\"4,5\",\n"
                    "3,2,,4,x,\n")
    for tf in (tapegrad, tf_real):
        ds = tf.data.experimental.make_csv_dataset(str(path), batch_size=2, num_epochs=1,
                                                   shuffle=False, label_name="i")
        got = [_plain(v) for v in ds.as_numpy_iterator()]
        spec = _spec(ds.element_spec)
        if tf is tapegrad:
            ours = (got, spec)
    assert ours == (got, spec)
    assert isinstance(tapegrad.data.experimental.make_csv_dataset(
        str(path), batch_size=2).element_spec, collections.OrderedDict)
    for tf in (tapegrad, tf_real):
        ds = tf.data.experimental.CsvDataset(str(path), [tf.int32, tf.string], header=True,
                                             select_cols=[0, 4])
        got = [_plain(v) for v in ds.as_numpy_iterator()]
        if tf is tapegrad:
            ours = got
    assert ours == got
    lines = [_plain(v) for v in tapegrad.data.TextLineDataset(str(path)).as_numpy_iterator()]
    assert lines == [_plain(v) for v in tf_real.data.TextLineDataset(str(path))
                     .as_numpy_iterator()]
