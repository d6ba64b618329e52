"""`tf.summary` against TensorFlow: TensorFlow reads tapegrad's event files, and the same program
writes the same summaries with both (TensorBoard's summary ops where it is installed)."""

import numpy as np
import pytest
from _event_files import event_files, summaries
from test_summary import _golden_program

import tapegrad as tf

tf_real = pytest.importorskip("tensorflow")


def _read_with_tensorflow(logdir):
    """(step, tag, plugin, value) of every summary, read by TensorFlow's own iterator (which
    checks the TFRecord checksums)."""
    out = []
    for path in event_files(logdir):
        for event in tf_real.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = (value.metadata.plugin_data.plugin_name
                          if value.HasField("metadata") else None)
                out.append((event.step, value.tag, plugin, tf_real.make_ndarray(value.tensor)))
    return out


def _same(a, b):
    assert [(s, t, p) for s, t, p, _ in a] == [(s, t, p) for s, t, p, _ in b]
    for (*_, x), (*_, y) in zip(a, b):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


def test_tensorflow_reads_tapegrads_files_as_the_tests_reader_does(tmp_path):
    _golden_program(tf, str(tmp_path))
    _same(_read_with_tensorflow(tmp_path), summaries(tmp_path))
    (path,) = event_files(tmp_path)
    first = next(iter(tf_real.compat.v1.train.summary_iterator(path)))
    assert first.file_version == "brain.Event:2"


def test_tf_summary_write_gives_the_same_summaries(tmp_path):
    def program(tf, logdir):
        with tf.summary.create_file_writer(logdir).as_default(step=3):
            tf.summary.write("ints", tf.constant([[1, 2, 3]], tf.int32))
            tf.summary.write("text", tf.constant("hello"), step=5, metadata=b"\x0a\x04\x0a\x02t1")
            with tf.summary.record_if(False):
                tf.summary.write("skipped", tf.constant(1.0))
            tf.summary.experimental.set_step(11)
            tf.summary.write("default_step", tf.constant(2.5, tf.float64))
            tf.summary.experimental.set_step(None)

    program(tf, str(tmp_path / "tapegrad"))
    program(tf_real, str(tmp_path / "tensorflow"))
    _same(summaries(tmp_path / "tapegrad"), _read_with_tensorflow(tmp_path / "tensorflow"))


def test_tensorboards_summaries_are_the_same(tmp_path):
    pytest.importorskip("tensorboard")
    _golden_program(tf, str(tmp_path / "tapegrad"))
    _golden_program(tf_real, str(tmp_path / "tensorflow"))
    _same(summaries(tmp_path / "tapegrad"), summaries(tmp_path / "tensorflow"))


def test_tensorboards_images_decode_to_the_same_pixels(tmp_path):
    pytest.importorskip("tensorboard")
    pixels = np.random.default_rng(3).uniform(-0.5, 1.5, size=(3, 4, 5, 3)).astype(np.float32)
    for module, name in ((tf, "tapegrad"), (tf_real, "tensorflow")):
        with module.summary.create_file_writer(str(tmp_path / name)).as_default(step=1):
            module.summary.image("im", pixels, max_outputs=2)
    ((*mine, a),) = summaries(tmp_path / "tapegrad")
    ((*theirs, b),) = summaries(tmp_path / "tensorflow")
    assert mine == theirs and list(a[:2]) == list(b[:2]) and len(a) == len(b) == 4
    for x, y in zip(a[2:], b[2:]):
        np.testing.assert_array_equal(tf_real.io.decode_png(x).numpy(),
                                      tf_real.io.decode_png(y).numpy())


def test_tensorboards_event_accumulator_reads_tapegrads_files(tmp_path):
    accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator")
    _golden_program(tf, str(tmp_path))
    acc = accumulator.EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    acc.Reload()
    tags = acc.Tags()["tensors"]
    assert set(tags) == {"loss", "train/accuracy", "weights", "few", "same", "notes", "counts",
                         "flag"}
    (loss,) = acc.Tensors("loss")
    assert loss.step == 0 and tf_real.make_ndarray(loss.tensor_proto) == 0.25
