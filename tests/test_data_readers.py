"""tf.data file readers: list_files, TextLineDataset, CsvDataset, make_csv_dataset. Expected
values recorded from TensorFlow 2.21 on the same files."""

import collections
import gzip
import zlib

import numpy as np
import pytest

import tapegrad as tf
from tests.bad_input import assert_clear_error
from tests.test_data import spec, values

Dataset = tf.data.Dataset


@pytest.fixture
def files(tmp_path):
    (tmp_path / "f1.csv").write_bytes(b'a,b\r\n1,2\r\n\n"x\ny",3\nlast')
    (tmp_path / "f2.csv").write_bytes(b"h1,h2\n1,2\n3,4\n")
    (tmp_path / "f3.csv").write_bytes(b"1,2\n\n3,4\n")
    (tmp_path / "f4.csv").write_bytes(b"x,y,z\n1,2.5,a\n2,,b\n3,4,\n")
    return tmp_path


def test_text_line_dataset_reads_lines_as_tensorflow(files):
    f1, f2 = str(files / "f1.csv"), str(files / "f2.csv")
    assert values(tf.data.TextLineDataset([f1])) == [b"a,b", b"1,2", b"", b'"x', b'y",3',
                                                     b"last"]
    both = tf.data.TextLineDataset([f1, f2])
    assert values(both)[-3:] == [b"h1,h2", b"1,2", b"3,4"] and len(values(both)) == 9
    assert repr(tf.data.TextLineDataset(f2)) == (
        "<TextLineDatasetV2 element_spec=TensorSpec(shape=(), dtype=tapegrad.string, "
        "name=None)>")
    interleaved = tf.data.TextLineDataset([f2, f2], num_parallel_reads=2)
    assert values(interleaved) == [b"h1,h2", b"h1,h2", b"1,2", b"1,2", b"3,4", b"3,4"]
    (files / "g.gz").write_bytes(gzip.compress(b"p\nq\n"))
    (files / "z.zz").write_bytes(zlib.compress(b"r\n"))
    assert values(tf.data.TextLineDataset(str(files / "g.gz"), compression_type="GZIP")) == [
        b"p", b"q"]
    assert values(tf.data.TextLineDataset(str(files / "z.zz"), compression_type="ZLIB")) == [
        b"r"]
    lines = tf.data.TextLineDataset(f2).skip(1).map(
        lambda line: tf.strings.to_number(tf.strings.split(line, ",")))
    assert values(lines) == [[1.0, 2.0], [3.0, 4.0]]
    missing = tf.data.TextLineDataset(str(files / "nope.txt"))
    assert_clear_error(lambda: values(missing), tf.errors.NotFoundError, "nope.txt")


def test_list_files(files):
    names = values(Dataset.list_files(str(files / "f*.csv"), shuffle=False))
    assert names == [str(files / f"f{i}.csv").encode() for i in (1, 2, 3, 4)]
    shuffled = Dataset.list_files(str(files / "f*.csv"), seed=1)
    assert sorted(values(shuffled)) == names and int(shuffled.cardinality()) == 4
    assert_clear_error(lambda: Dataset.list_files(str(files / "none*.csv")),
                       tf.errors.InvalidArgumentError, "No files matched pattern")


def test_csv_dataset(files):
    f2 = str(files / "f2.csv")
    ds = tf.data.experimental.CsvDataset([f2, f2], [tf.int32, tf.float32], header=True)
    assert ds.element_spec == (spec((), tf.int32), spec((), tf.float32))
    assert repr(ds).startswith("<CsvDatasetV2 element_spec=")
    assert values(ds) == [(1, 2.0), (3, 4.0), (1, 2.0), (3, 4.0)]
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert values(tf.data.experimental.CsvDataset(f2, [tf.int32], header=True,
                                                  select_cols=[1])) == [(2,), (4,)]
    assert values(tf.data.experimental.CsvDataset(f2, [tf.int32], header=True,
                                                  exclude_cols=[0])) == [(2,), (4,)]
    for name in ("f1.csv", "f3.csv"):  # an empty line is one empty field
        bad = tf.data.experimental.CsvDataset(str(files / name), [[""], [""]])
        assert_clear_error(lambda b=bad: values(b), tf.errors.InvalidArgumentError,
                           "Expect 2 fields but have 1")
    (files / "q.csv").write_bytes(b'"a\nb",1\nc,2\n')
    quoted = tf.data.experimental.CsvDataset(str(files / "q.csv"), [[""], [0]])
    assert values(quoted) == [(b"a\nb", 1), (b"c", 2)]
    batches = ds.shuffle(4, seed=0).batch(3)
    assert sorted(sum((b[0].numpy().tolist() for b in batches), [])) == [1, 1, 3, 3]


def test_make_csv_dataset(files):
    f4 = str(files / "f4.csv")
    ds = tf.data.experimental.make_csv_dataset(f4, batch_size=2, num_epochs=1, shuffle=False)
    want_spec = collections.OrderedDict([("x", spec((None,), tf.int32)),
                                         ("y", spec((None,), tf.float32)),
                                         ("z", spec((None,), tf.string))])
    assert ds.element_spec == want_spec and isinstance(ds.element_spec, collections.OrderedDict)
    got = values(ds)
    assert got == [{"x": [1, 2], "y": [2.5, 0.0], "z": [b"a", b"b"]},
                   {"x": [3], "y": [4.0], "z": [b""]}]
    ds = tf.data.experimental.make_csv_dataset(f4, batch_size=2, label_name="z",
                                               select_columns=["z", "x"], num_epochs=1,
                                               shuffle=False)
    assert ds.element_spec == (collections.OrderedDict([("x", spec((None,), tf.int32))]),
                               spec((None,), tf.string))
    assert values(ds) == [({"x": [1, 2]}, [b"a", b"b"]), ({"x": [3]}, [b""])]
    forever = tf.data.experimental.make_csv_dataset(f4, batch_size=2)
    assert forever.element_spec["x"] == spec((2,), tf.int32)
    assert int(forever.cardinality()) == tf.data.INFINITE_CARDINALITY
    firsts = [int(v) for v in next(iter(forever.take(1)))["x"]]
    assert set(firsts) <= {1, 2, 3}
    typed = tf.data.experimental.make_csv_dataset(
        f4, batch_size=3, column_defaults=[tf.int64, [0.5], ["?"]], num_epochs=1,
        shuffle=False)
    assert values(typed) == [{"x": [1, 2, 3], "y": [2.5, 0.5, 4.0], "z": [b"a", b"b", b"?"]}]
    assert_clear_error(lambda: tf.data.experimental.make_csv_dataset(
        f4, batch_size=2, label_name="w"), ValueError, "label_name", "w")
    assert_clear_error(lambda: tf.data.experimental.make_csv_dataset(
        str(files / "none*.csv"), batch_size=2), ValueError, "No files match")


def test_make_csv_dataset_infers_types_as_tensorflow(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("i,big,f,d,s,empty\n1,3000000000,1.5,1e300,a,\n2,1,2,3,4,\n")
    ds = tf.data.experimental.make_csv_dataset(str(path), batch_size=2, num_epochs=1,
                                               shuffle=False)
    dtypes = {k: v.dtype for k, v in ds.element_spec.items()}
    assert dtypes == {"i": tf.int32, "big": tf.int64, "f": tf.float32, "d": tf.float64,
                      "s": tf.string, "empty": tf.string}
    row = values(ds)[0]
    assert row["big"] == [3000000000, 1] and row["s"] == [b"a", b"4"]
    assert np.isclose(row["d"][0], 1e300)


def test_make_csv_dataset_rearranges_columns_without_calls_or_threads(files):
    import threading

    calls = []
    ds = tf.data.experimental.CsvDataset(str(files / "f2.csv"), [tf.int32, tf.float32],
                                         header=True)

    def pack(a, b):
        calls.append(1)
        return {"b": b, "a": a}

    mapped = ds.batch(1).map(pack)
    traced = len(calls)
    assert values(mapped) == [{"b": [2.0], "a": [1]}, {"b": [4.0], "a": [3]}]
    assert len(calls) == traced  # a rearrangement is applied without calling the function
    before = threading.active_count()
    forever = tf.data.experimental.make_csv_dataset(str(files / "f4.csv"), batch_size=2)
    next(iter(forever))
    assert threading.active_count() == before  # nothing but array work: no prefetch thread


def test_csv_parsing_fast_path_and_exact_fallback_agree():
    hexes = tf.io.decode_csv(["0x10,1", "2,3"], [[0.0], [0]])
    assert [t.numpy().tolist() for t in hexes] == [[16.0, 2.0], [1, 3]]
    assert_clear_error(lambda: tf.io.decode_csv(["1_0,1"], [[0.0], [0]]),
                       tf.errors.InvalidArgumentError, "Field 0 in record 0", "1_0")
    assert_clear_error(lambda: tf.io.decode_csv(["1,2", "3"], [[0], [0]]),
                       tf.errors.InvalidArgumentError, "Expect 2 fields but have 1 in record 1")
    many = [f"{i},{i * 0.5},x{i}" for i in range(300)]
    a, b, c = tf.io.decode_csv(many, [[0], [0.0], [""]])
    assert a.numpy().tolist() == list(range(300)) and b.numpy()[7] == 3.5
    assert c.numpy()[299] == b"x299"
