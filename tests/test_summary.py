"""`tf.summary`: event files read back by the tests' own reader (tests/_event_files.py), the
semantics of TensorFlow 2's summary state, and clear errors."""

import hashlib
import os
import re
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from _event_files import crc32c, event_files, events, records, scalars, summaries
from bad_input import assert_clear_error

import tapegrad as tf
from tapegrad.summary import _records, _writer


def _only_file(logdir):
    (path,) = event_files(logdir)
    return path


def test_a_writer_makes_its_file_at_once_with_the_version_record_first(tmp_path):
    tf.summary.create_file_writer(str(tmp_path / "logs"))
    path = _only_file(tmp_path / "logs")
    name = os.path.basename(path)
    # TensorFlow's name: seconds (10 digits), host, process id, the process's file counter
    pattern = (rf"events\.out\.tfevents\.\d{{10}}\.{re.escape(socket.gethostname())}\."
               rf"{os.getpid()}\.\d+\.v2")
    assert re.fullmatch(pattern, name)
    (first,) = events(path)
    assert first["file_version"] == "brain.Event:2" and first["step"] == 0
    assert first["writer"] == "tapegrad" and first["values"] == []


def test_filename_suffix_and_each_writer_its_own_file(tmp_path):
    tf.summary.create_file_writer(tmp_path, filename_suffix=".profile")
    tf.summary.create_file_writer(tmp_path)
    names = sorted(os.path.basename(p) for p in event_files(tmp_path))
    assert len(names) == 2 and names[0].endswith(".profile") != names[1].endswith(".profile")


def test_scalars_are_written_with_their_tags_steps_and_float32_values(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(3):
            ok = tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            assert isinstance(ok, tf.Tensor) and ok.dtype == tf.bool and bool(ok)
        tf.summary.scalar("count", tf.constant(7), step=-2)  # an int is cast to float32
    (version, *written) = events(_only_file(tmp_path))
    assert [e["step"] for e in written] == [0, 1, 2, -2]
    first = written[0]["values"][0]
    assert first["tag"] == "loss" and first["plugin"] == "scalars" and first["content"] == b""
    assert first["tensor"].dtype == np.float32 and first["tensor"].shape == ()
    assert scalars(tmp_path) == {"loss": [(0, 1.0), (1, np.float32(0.5)),
                                          (2, np.float32(1 / 3))],
                                 "count": [(-2, 7.0)]}
    assert all(e["wall_time"] >= version["wall_time"] for e in written)


def test_without_a_default_writer_a_summary_returns_false_and_writes_nothing(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    assert not bool(tf.summary.scalar("x", 1.0, step=1))
    assert not bool(tf.summary.scalar("x", 1.0))  # no step needed when nothing is written
    assert not bool(tf.summary.should_record_summaries())
    writer.flush()
    assert summaries(tmp_path) == []


def test_no_step_raises_tensorflows_error(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        with pytest.raises(ValueError, match=re.escape(
                "No step set. Please specify one either through the `step` argument or "
                "through tf.summary.experimental.set_step()")):
            tf.summary.scalar("x", 1.0)
        with tf.summary.record_if(False):  # not recorded: no step needed
            assert not bool(tf.summary.scalar("x", 1.0))


def test_default_steps_from_set_step_as_default_and_a_variable_read_at_each_write(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    counter = tf.Variable(5, dtype=tf.int64)
    assert tf.summary.experimental.get_step() is None
    with writer.as_default(step=counter):
        assert tf.summary.experimental.get_step() is counter
        tf.summary.scalar("a", 1.0)
        counter.assign_add(1)
        tf.summary.scalar("a", 2.0)
        tf.summary.scalar("a", 3.0, step=np.int64(40))  # an explicit step wins
    assert tf.summary.experimental.get_step() is None
    tf.summary.experimental.set_step(9)
    try:
        with writer.as_default():
            tf.summary.scalar("b", 1.0)
    finally:
        tf.summary.experimental.set_step(None)
    assert scalars(tmp_path) == {"a": [(5, 1.0), (6, 2.0), (40, 3.0)], "b": [(9, 1.0)]}


def test_record_if_with_a_bool_a_tensor_or_a_function(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    calls = []
    with writer.as_default(step=0):
        assert bool(tf.summary.should_record_summaries())
        with tf.summary.record_if(tf.constant(False)):
            assert not bool(tf.summary.should_record_summaries())
            assert not bool(tf.summary.scalar("off", 1.0))
        with tf.summary.record_if(lambda: calls.append(1) or len(calls) % 2 == 0):
            results = [bool(tf.summary.scalar("every_other", float(i), step=i))
                       for i in range(4)]
    assert results == [False, True, False, True]
    assert scalars(tmp_path) == {"every_other": [(1, 1.0), (3, 3.0)]}


def test_tags_take_the_name_scope_and_default_names(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=1):
        with tf.name_scope("block"):
            tf.summary.scalar("in scope!", 1.0)
        tf.summary.scalar("", 2.0)
        tf.summary.histogram("", [1.0])
        tf.summary.text(None, "t")
        tf.summary.scalar("a b:c", 3.0)  # kept as given in the tag, as TensorFlow
    tags = [tag for _, tag, _, _ in summaries(tmp_path)]
    assert tags == ["block/in scope!", "scalar_summary", "histogram_summary", "text_summary",
                    "a b:c"]


def test_histogram_buckets_span_min_to_max_and_count_every_value(tmp_path):
    values = np.random.default_rng(0).normal(size=(40, 25))
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=3):
        tf.summary.histogram("weights", tf.constant(values, tf.float32))
        tf.summary.histogram("few", values, buckets=4)
    ((step, tag, plugin, h30), (_, _, _, h4)) = summaries(tmp_path)
    assert (step, tag, plugin) == (3, "weights", "histograms")
    assert h30.dtype == np.float64 and h30.shape == (30, 3) and h4.shape == (4, 3)
    x = values.astype(np.float32).astype(np.float64)
    counts, edges = np.histogram(x, bins=30)  # the same equal-width buckets
    np.testing.assert_array_equal(h30[:, 2], counts)
    np.testing.assert_allclose(h30[:, 0], edges[:-1], rtol=1e-12, atol=1e-12)
    assert h30[0, 0] == x.min() and h30[-1, 1] == x.max()
    np.testing.assert_array_equal(h30[1:, 0], h30[:-1, 1])
    assert h4[:, 2].sum() == values.size


def test_histogram_of_one_repeated_value_and_of_nothing(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=0):
        tf.summary.histogram("same", [2.5, 2.5, 2.5])
        tf.summary.histogram("empty", np.zeros([0]), buckets=3)
        tf.summary.histogram("none", [1.0, 2.0], buckets=0)
    same, empty, none = (value for _, _, _, value in summaries(tmp_path))
    np.testing.assert_array_equal(same[:, :2], np.full((30, 2), 2.5))
    np.testing.assert_array_equal(same[:, 2], [0] * 29 + [3])
    np.testing.assert_array_equal(empty, np.zeros((3, 3)))
    assert none.shape == (0, 3)


def test_text_of_a_string_and_of_a_vector_of_strings(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=2):
        tf.summary.text("note", "**hello**", description="what it says")
        tf.summary.text("notes", tf.constant(["a", "b"]))
    (_, note, notes) = events(_only_file(tmp_path))
    value = note["values"][0]
    assert value["plugin"] == "text" and value["description"] == "what it says"
    assert value["tensor"].shape == () and value["tensor"][()] == b"**hello**"
    assert list(notes["values"][0]["tensor"]) == [b"a", b"b"]


def test_images_are_png_with_width_and_height_first(tmp_path):
    pixels = np.random.default_rng(1).uniform(-0.2, 1.2, size=(4, 3, 5, 3)).astype(np.float32)
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=1):
        tf.summary.image("pictures", pixels, max_outputs=2)
        tf.summary.image("bytes", tf.constant(np.arange(6, dtype=np.uint8).reshape(1, 2, 3, 1)))
    ((_, tag, plugin, value), (_, _, _, raw)) = summaries(tmp_path)
    assert (tag, plugin) == ("pictures", "images") and value.shape == (4,)
    assert list(value[:2]) == [b"5", b"3"]  # width, then height, of all the images
    expected = np.asarray(tf.image.convert_image_dtype(pixels, tf.uint8, saturate=True))
    for png, want in zip(value[2:], expected[:2]):
        np.testing.assert_array_equal(np.asarray(tf.io.decode_png(png)), want)
    np.testing.assert_array_equal(np.asarray(tf.io.decode_png(raw[2]))[..., 0],
                                  np.arange(6).reshape(2, 3))


def test_write_with_and_without_metadata_and_raw_summary_protos(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=4):
        assert bool(tf.summary.write("raw", tf.constant([1, 2], tf.int64)))
        tf.summary.write("lazy", lambda: tf.constant(3.0), metadata=b"\x0a\x05\x0a\x03own")
        proto = _records.summary_proto("proto", tf.constant([1.5]))
        tf.summary.experimental.write_raw_pb(tf.constant(proto), step=8)
    (_, raw, lazy, proto_event) = events(_only_file(tmp_path))
    assert raw["values"][0]["plugin"] is None  # no metadata field at all
    np.testing.assert_array_equal(raw["values"][0]["tensor"], [1, 2])
    assert lazy["values"][0]["plugin"] == "own" and float(lazy["values"][0]["tensor"]) == 3.0
    assert proto_event["step"] == 8 and proto_event["values"][0]["tag"] == "proto"


def test_summaries_in_a_traced_function_write_at_every_call(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))

    step = tf.Variable(0, dtype=tf.int64)

    @tf.function
    def step_fn(x):
        with writer.as_default():
            tf.summary.scalar("x", x * 2.0, step=step)
        return x + 1.0

    for i in range(3):
        step.assign(i)
        step_fn(tf.constant(float(i)))
    writer.flush()
    assert scalars(tmp_path) == {"x": [(0, 0.0), (1, 2.0), (2, 4.0)]}


def test_the_queue_waits_for_max_queue_or_a_flush(tmp_path, monkeypatch):
    for name in ("writer", "step"):  # set_as_default lasts: put the state back afterwards
        monkeypatch.setattr(_writer._state, name, None)
    writer = tf.summary.create_file_writer(str(tmp_path), max_queue=2)
    writer.set_as_default(step=1)
    tf.summary.scalar("a", 1.0)
    tf.summary.scalar("a", 2.0)
    assert summaries(tmp_path) == []  # two waiting: not more than max_queue
    tf.summary.scalar("a", 3.0)
    assert len(summaries(tmp_path)) == 3
    tf.summary.scalar("a", 4.0)
    tf.summary.create_noop_writer().set_as_default()  # leaves the default as it is
    tf.summary.flush()
    assert len(summaries(tmp_path)) == 4
    tf.summary.scalar("a", 5.0)
    writer.close()
    assert len(summaries(tmp_path)) == 5


def test_flush_millis_bounds_how_long_a_summary_waits(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path), max_queue=100, flush_millis=1)
    writer.flush()
    time.sleep(0.01)
    with writer.as_default(step=1):
        tf.summary.scalar("a", 1.0)
        assert len(summaries(tmp_path)) == 1  # more than 1 ms since the last flush


def test_as_default_flushes_on_exit_and_restores_the_previous_writer(tmp_path):
    outer = tf.summary.create_file_writer(str(tmp_path / "outer"))
    inner = tf.summary.create_file_writer(str(tmp_path / "inner"))
    with outer.as_default(step=1) as entered:
        assert entered is outer
        with inner.as_default(step=2):
            tf.summary.scalar("x", 1.0)
        assert len(summaries(tmp_path / "inner")) == 1
        tf.summary.scalar("y", 1.0)
    assert scalars(tmp_path / "outer") == {"y": [(1, 1.0)]}


def test_closed_writers_refuse_as_default_and_init(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path))
    writer.init()
    writer.close()
    writer.close()
    writer.flush()
    for call in (writer.as_default, writer.set_as_default, writer.init):
        with pytest.raises(RuntimeError, match="is already closed"):
            call()
    other = tf.summary.create_file_writer(str(tmp_path))
    with other.as_default(step=1):
        other.close()
        assert_clear_error(lambda: tf.summary.scalar("x", 1.0), tf.errors.NotFoundError,
                           "closed")


def test_the_noop_writer_writes_nothing_and_leaves_the_default_alone(tmp_path):
    writer = tf.summary.create_noop_writer()
    assert isinstance(writer, tf.summary.SummaryWriter)
    with writer.as_default(step=3):
        assert tf.summary.experimental.get_step() is None
        assert not bool(tf.summary.scalar("x", 1.0))
    writer.flush()
    writer.close()
    assert writer.init() is None


def test_bad_summary_input_gets_tensorflows_error_classes(tmp_path):
    assert_clear_error(lambda: tf.summary.scalar("loss", [1.0, 2.0], step=1), ValueError,
                       "Expected scalar shape, saw shape: (2,)", "loss")
    assert_clear_error(lambda: tf.summary.text("t", 1.0, step=1), TypeError,
                       "must be of type tf.string", "float32")
    assert_clear_error(lambda: tf.summary.scalar("s", "a", step=1), tf.errors.UnimplementedError,
                       "string")
    assert_clear_error(lambda: tf.summary.scalar("x", 1.0, step=[1, 2]), ValueError,
                       "`step` must be a scalar", "(2,)")
    assert_clear_error(lambda: tf.summary.scalar("x", 1.0, step=1.5), TypeError, "1.5")
    assert_clear_error(lambda: tf.summary.create_file_writer(None), ValueError, "logdir")
    assert_clear_error(lambda: tf.summary.flush(3), ValueError, "flush", "3")
    assert_clear_error(lambda: tf.summary.create_file_writer(str(tmp_path), max_queue="x"),
                       TypeError, "max_queue")
    (tmp_path / "a_file").write_text("")
    assert_clear_error(lambda: tf.summary.create_file_writer(tmp_path / "a_file"), OSError,
                       "create_file_writer", "a_file")
    # image checks happen when the summary is recorded, as TensorFlow's lazy tensor
    assert not bool(tf.summary.image("im", np.zeros((2, 2, 1)), step=1))
    with tf.summary.create_file_writer(str(tmp_path)).as_default(step=1):
        assert_clear_error(lambda: tf.summary.image("im", np.zeros((2, 2, 1))), ValueError,
                           "rank 4", "(2, 2, 1)")
        assert_clear_error(lambda: tf.summary.image("im", np.zeros((1, 2, 2, 5))),
                           tf.errors.InvalidArgumentError, "channels", "5")
        assert_clear_error(lambda: tf.summary.histogram("h", ["a"]),
                           tf.errors.UnimplementedError, "string")
        assert_clear_error(lambda: tf.summary.histogram("h", [1.0], buckets=2.5), TypeError,
                           "buckets", "int32", "float32")


def test_crc32c_matches_the_standard_check_value_and_a_bitwise_crc():
    assert _records.crc32c(b"123456789") == 0xE3069283  # the CRC-32C catalogue's check
    data = np.random.default_rng(2).integers(0, 256, 300, dtype=np.uint8).tobytes()
    assert _records.crc32c(data) == crc32c(data)


def test_import_tapegrad_loads_no_summary_module():
    code = ("import sys, tapegrad; assert not any(m.startswith('tapegrad.summary') "
            "for m in sys.modules); import tapegrad as tf; tf.summary.scalar")
    subprocess.run([sys.executable, "-c", code], check=True,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


def _golden_program(tf, logdir):
    writer = tf.summary.create_file_writer(logdir)
    with writer.as_default():
        tf.summary.scalar("loss", 0.25, step=0)
        tf.summary.scalar("train/accuracy", tf.constant(0.875, tf.float64), step=-3,
                          description="share right")
        tf.summary.histogram("weights", np.linspace(-1.0, 2.0, 50) ** 3, step=7)
        tf.summary.histogram("few", [3.0, 1.0, 2.0, 2.5], step=8, buckets=3)
        tf.summary.histogram("same", [0.5, 0.5], step=9)
        tf.summary.text("notes", ["a", "**b**"], step=10)
        tf.summary.write("counts", tf.constant([[1, 2], [3, 4]], tf.int64), step=2 ** 40)
        tf.summary.write("flag", tf.constant(True), step=1, metadata=b"\x0a\x06\x0a\x04mine")
    writer.close()


# SHA-256 (first 16 hex digits) of each summary record after its wall_time, as TensorFlow 2.21
# with TensorBoard 2.21 wrote them for _golden_program (the version record names its writer).
_TF_RECORDS = ["6b613353316f9c22", "3b088b01f116616f", "2cdb77993c4be2b2", "37dd4eaa767f205b",
               "38638a4d666ce5f1", "14dfa8fdbfb63979", "7a530dd2a98f7745", "d369935c608c5216"]


def test_summary_records_are_byte_for_byte_tensorflows(tmp_path):
    _golden_program(tf, str(tmp_path))
    written = records(_only_file(tmp_path))[1:]
    assert [hashlib.sha256(r[9:]).hexdigest()[:16] for r in written] == _TF_RECORDS
