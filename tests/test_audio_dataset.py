"""keras.utils.audio_dataset_from_directory on real .wav files written to a temp folder."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

CLASSES = ["no", "yes", "up"]  # listed out of order: labels follow the sorted folder names


@pytest.fixture
def wav_dir(tmp_path):
    rng = np.random.default_rng(0)
    for c, name in enumerate(CLASSES):
        (tmp_path / name).mkdir()
        for i in range(3):
            audio = rng.uniform(-1, 1, (50 + 10 * i + c, 1)).astype(np.float32)
            (tmp_path / name / f"{i}.wav").write_bytes(tf.audio.encode_wav(audio, 16000).numpy())
    (tmp_path / "up" / "notes.txt").write_text("not audio")
    return tmp_path


def _decoded(path):
    return tf.audio.decode_wav(path.read_bytes())[0].numpy()


def test_batches_are_padded_to_their_longest_file(wav_dir, capsys):
    ds = keras.utils.audio_dataset_from_directory(wav_dir, batch_size=4, shuffle=False)
    assert "Found 9 files belonging to 3 classes." in capsys.readouterr().out
    assert ds.class_names == ["no", "up", "yes"]
    batches = list(ds)
    # TensorFlow 2.21 / Keras 3.15 gave these shapes and labels for this folder
    assert [tuple(x.shape) for x, _ in batches] == [(4, 70, 1), (4, 72, 1), (1, 71, 1)]
    assert [y.numpy().tolist() for _, y in batches] == [[0, 0, 0, 1], [1, 1, 2, 2], [2]]
    first = batches[0][0].numpy()
    np.testing.assert_array_equal(first[0, :50], _decoded(wav_dir / "no" / "0.wav"))
    assert (first[0, 50:] == 0).all()
    assert batches[0][0].dtype == tf.float32 and batches[0][1].dtype == tf.int32


def test_output_sequence_length_and_both_subsets(wav_dir):
    train, val = keras.utils.audio_dataset_from_directory(
        wav_dir, batch_size=4, validation_split=0.4, subset="both", seed=1,
        output_sequence_length=60, label_mode="categorical", verbose=False)
    # Keras 3.15 with seed 1: 6 training files, 3 validation files (all "up"), in file order
    assert sorted(tuple(x.shape) for x, _ in train) == [(2, 60, 1), (4, 60, 1)]
    (x, y), = list(val)
    assert x.shape == (3, 60, 1) and y.numpy().tolist() == [[0.0, 1.0, 0.0]] * 3
    np.testing.assert_allclose(float(tf.reduce_sum(x)), 5.786834716796875, rtol=1e-6)
    assert train.class_names == val.class_names == ["no", "up", "yes"]


def test_no_labels_and_unbatched(wav_dir):
    ds = keras.utils.audio_dataset_from_directory(wav_dir, labels=None, batch_size=None,
                                                  shuffle=False, verbose=False)
    assert [tuple(x.shape) for x in ds][:3] == [(50, 1), (60, 1), (70, 1)]


def test_bad_arguments_say_what_to_do(wav_dir, tmp_path_factory):
    util = keras.utils.audio_dataset_from_directory
    with pytest.raises(ValueError, match="Cannot set both `ragged` and `output_sequence_length`"):
        util(wav_dir, ragged=True, output_sequence_length=10)
    with pytest.raises(NotImplementedError, match="ragged=True"):
        util(wav_dir, ragged=True)
    with pytest.raises(ValueError, match="sampling_rate=0"):
        util(wav_dir, sampling_rate=0)
    with pytest.raises(ImportError, match="resampl"):
        util(wav_dir, sampling_rate=8000)
    with pytest.raises(ValueError, match="label_mode"):
        util(wav_dir, label_mode="sparse")
    with pytest.raises(ValueError, match="exactly 2"):
        util(wav_dir, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="No audio files found"):
        util(tmp_path_factory.mktemp("empty"), verbose=False)


def test_audio_dataset_matches_keras(wav_dir):
    pytest.importorskip("tensorflow")
    real = pytest.importorskip("keras")
    for kw in (dict(batch_size=4, shuffle=False), dict(batch_size=2, shuffle=False,
                                                       output_sequence_length=55)):
        theirs = real.utils.audio_dataset_from_directory(str(wav_dir), verbose=False, **kw)
        ours = keras.utils.audio_dataset_from_directory(wav_dir, verbose=False, **kw)
        assert ours.class_names == theirs.class_names
        for (a, la), (b, lb) in zip(ours, theirs, strict=True):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
            np.testing.assert_array_equal(la.numpy(), lb.numpy())
