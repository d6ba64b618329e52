"""The callbacks that save, log and steer `fit`: ModelCheckpoint, BackupAndRestore, CSVLogger,
ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN (and tf.keras 2's `on_batch_end`),
on real files; with TensorFlow, fed the same logs as Keras 3's callbacks, they decide alike."""

import csv
import os

import numpy as np
import pytest

from tapegrad import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")


def model(seed=0, lr=0.05):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    m.compile(keras.optimizers.SGD(lr, momentum=0.5), "mse", metrics=["mae"])
    return m


def fit(m, callbacks, epochs=3, **kwargs):
    return m.fit(
        X, Y, epochs=epochs, batch_size=8, shuffle=False, verbose=0, callbacks=callbacks, **kwargs
    )


def test_model_checkpoint_formats_names_and_saves_every_epoch(tmp_path):
    pattern = str(tmp_path / "ckpt" / "model-{epoch:02d}-{loss:.3f}.npz")
    m = model()
    history = fit(m, [keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True)])
    names = sorted(os.listdir(tmp_path / "ckpt"))
    losses = history.history["loss"]
    assert names == [f"model-{e + 1:02d}-{loss:.3f}.npz" for e, loss in enumerate(losses)]
    last = model(seed=9)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        last.load_weights(tmp_path / "ckpt" / names[-1])  # its optimizer is not built: Keras
    for a, b in zip(last.get_weights(), m.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_model_checkpoint_save_best_only(tmp_path, capsys):
    path = str(tmp_path / "best.npz")
    checkpoint = keras.callbacks.ModelCheckpoint(
        path, monitor="val_mae", mode="min", save_best_only=True, save_weights_only=True, verbose=1
    )
    m = model()
    checkpoint.set_model(m)
    checkpoint.on_train_begin()
    for epoch, mae in enumerate([0.5, 0.4, 0.45, 0.3]):
        checkpoint.on_epoch_begin(epoch)
        checkpoint.on_epoch_end(epoch, {"val_mae": mae, "loss": 1.0})
        if epoch == 0:
            first = os.path.getmtime(path)
    out = capsys.readouterr().out
    assert "Epoch 1: val_mae improved from None to 0.50000, saving model to" in out
    assert "Epoch 3: val_mae did not improve from 0.40000" in out
    assert "Epoch 4: val_mae improved from 0.40000 to 0.30000" in out
    assert checkpoint.best == 0.3 and os.path.getmtime(path) >= first
    accuracy = keras.callbacks.ModelCheckpoint(
        path, monitor="acc", mode="auto", save_weights_only=True
    )
    accuracy.set_model(m)
    with pytest.raises(ValueError, match="mode='max'"):
        accuracy.on_epoch_end(0, {"acc": 0.5})  # no such metric: Keras cannot tell the direction
    mae = keras.callbacks.ModelCheckpoint(
        path, monitor="mae", save_best_only=True, save_weights_only=True
    )
    mae.set_model(m)
    fit(m, [mae], epochs=1)
    assert mae.monitor_op is np.less  # the compiled MeanAbsoluteError goes down
    missing = keras.callbacks.ModelCheckpoint(
        path, monitor="nope", save_best_only=True, save_weights_only=True, mode="min"
    )
    missing.set_model(m)
    with pytest.warns(UserWarning, match="only with nope available"):
        missing.on_epoch_end(0, {"loss": 1.0})


def test_model_checkpoint_whole_models_and_batch_frequency(tmp_path):
    pytest.importorskip("h5py")  # .keras files hold HDF5 weights
    m = model()
    pattern = str(tmp_path / "m-{epoch}-{batch}.keras")
    fit(m, [keras.callbacks.ModelCheckpoint(pattern, save_freq=3)], epochs=2)
    # 4 batches an epoch; a save every 3 batches: after batches 3 and 6 (epoch 2, batch 2).
    assert sorted(os.listdir(tmp_path)) == ["m-1-3.keras", "m-2-2.keras"]
    loaded = keras.models.load_model(tmp_path / "m-2-2.keras")
    assert int(loaded.optimizer.iterations) == 6


def test_model_checkpoint_refuses_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"must end in `\.keras`"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "model.h5"))
    with pytest.raises(ValueError, match="save_weights_only"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_weights_only=True)
    with pytest.raises(ValueError, match="Unrecognized save_freq"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="batch")
    cb = keras.callbacks.ModelCheckpoint(str(tmp_path / "{nope}.npz"), save_weights_only=True)
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        fit(model(), [cb], epochs=1)
    os.makedirs(tmp_path / "dir.npz")
    cb = keras.callbacks.ModelCheckpoint(str(tmp_path / "dir.npz"), save_weights_only=True)
    with pytest.raises(OSError, match="non-directory"):
        fit(model(), [cb], epochs=1)


class Interrupt(keras.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("interrupted")


def test_backup_and_restore_resumes_an_interrupted_fit_exactly(tmp_path):
    straight = model()
    fit(straight, [], epochs=4)
    backup = tmp_path / "backup"
    m = model()
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(m, [keras.callbacks.BackupAndRestore(backup), Interrupt(2)], epochs=4)
    assert "training_metadata.json" in os.listdir(backup)
    resumed = model(seed=7)  # a new process: new weights, restored from the backup
    history = fit(resumed, [keras.callbacks.BackupAndRestore(backup)], epochs=4)
    assert history.epoch == [2, 3]
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(resumed.optimizer.iterations) == 16
    assert not os.path.exists(backup)  # deleted once training ends normally
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        keras.callbacks.BackupAndRestore("")
    unbuilt = keras.Sequential([keras.layers.Dense(1)])
    unbuilt.compile("sgd", "mse")
    with pytest.raises(ValueError, match="must be built"):
        fit(unbuilt, [keras.callbacks.BackupAndRestore(backup)], epochs=1)


def test_backup_every_few_batches_with_a_double_checkpoint(tmp_path):
    backup = tmp_path / "b"
    m = model()
    callback = keras.callbacks.BackupAndRestore(
        backup, save_freq=2, double_checkpoint=True, delete_checkpoint=False
    )
    fit(m, [callback], epochs=1)
    files = sorted(os.listdir(backup))
    assert "training_metadata.json.bkp" in files and any(f.endswith(".bkp") for f in files)


def test_csv_logger_writes_a_row_per_epoch_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    m = model()
    history = fit(m, [keras.callbacks.CSVLogger(path)], epochs=2, validation_data=(X, Y))
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    np.testing.assert_allclose([float(r["loss"]) for r in rows], history.history["loss"])
    fit(m, [keras.callbacks.CSVLogger(path, separator=";", append=True)], epochs=1)
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[-1].startswith("0;")  # no second header
    fit(m, [keras.callbacks.CSVLogger(tmp_path / "train.csv")], epochs=1)
    header = (tmp_path / "train.csv").read_text().splitlines()[0]
    assert header == "epoch,loss,mae,val_loss,val_mae"  # Keras adds val_ columns: NA


def test_reduce_lr_on_plateau(tmp_path):
    m = model(lr=0.5)
    callback = keras.callbacks.ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=2, cooldown=1, min_lr=0.1, min_delta=10.0, verbose=1
    )
    callback.set_model(m)
    callback.on_train_begin()
    rates = []
    for epoch in range(8):
        logs = {"loss": 1.0}
        callback.on_epoch_end(epoch, logs)
        rates.append(logs["learning_rate"])
    # A plateau from the start: reduced once 2 epochs have not improved, then 1 epoch of
    # cooldown before counting again; never below 0.1 (each epoch logs the rate it began with).
    np.testing.assert_allclose(rates, [0.5, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.1], rtol=1e-7)
    assert float(np.asarray(m.optimizer.learning_rate)) == np.float32(0.1)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        keras.callbacks.ReduceLROnPlateau(factor=1.0)
    history = fit(model(), [keras.callbacks.ReduceLROnPlateau("loss", patience=1)], epochs=2)
    assert history.history["learning_rate"] == [pytest.approx(0.05)] * 2


def test_learning_rate_scheduler(capsys):
    m = model()
    history = fit(
        m, [keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5, verbose=1)], epochs=3
    )
    np.testing.assert_allclose(
        history.history["learning_rate"], [0.025, 0.0125, 0.00625], rtol=1e-6
    )
    assert "Epoch 3: LearningRateScheduler setting learning rate to" in capsys.readouterr().out
    old = fit(
        model(), [keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))], epochs=2
    )
    np.testing.assert_allclose(old.history["learning_rate"], [0.1, 0.05], rtol=1e-6)
    with pytest.raises(ValueError, match="should be a float"):
        fit(model(), [keras.callbacks.LearningRateScheduler(lambda epoch, lr: "fast")], epochs=1)


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")  # the divergence itself
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_terminate_on_nan_and_tf_keras_2_batch_hooks(capsys):
    m = model(lr=1e30)  # diverges to inf, then NaN
    seen = []

    class Old(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    history = fit(m, [keras.callbacks.TerminateOnNaN(), Old()], epochs=5)
    assert len(history.epoch) == 1 and len(seen) < 4
    assert "Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        fit(model(lr=1e30), [keras.callbacks.TerminateOnNaN(raise_error=True)], epochs=2)


# -- against Keras 3 -----------------------------------------------------------------------------
LOSSES = [1.0, 0.9, 0.95, 0.97, 0.96, 0.5, 0.6, 0.61, 0.62, 0.63, 0.4]


def _drive(k, callback, tmp, monitor_values=LOSSES):
    """Feeds the same epoch logs to a callback on a small compiled model of library `k`."""
    m = k.Sequential([k.Input((3,)), k.layers.Dense(1)])
    m.compile(k.optimizers.SGD(0.5), "mse")
    callback.set_model(m)
    callback.on_train_begin()
    rates = []
    for epoch, value in enumerate(monitor_values):
        logs = {"loss": value, "val_loss": value + 0.1}
        callback.on_epoch_begin(epoch)
        callback.on_epoch_end(epoch, logs)
        rates.append(float(np.asarray(m.optimizer.learning_rate)))
    callback.on_train_end()
    return rates


def test_callbacks_decide_as_keras_3(tmp_path, capsys):
    pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")
    for kwargs in (
        {"monitor": "loss", "factor": 0.5, "patience": 1, "cooldown": 1, "min_delta": 0.02},
        {"monitor": "val_loss", "factor": 0.2, "patience": 2, "min_lr": 0.05},
        {"monitor": "loss", "mode": "max", "factor": 0.5, "patience": 3},
    ):
        ours = _drive(keras, keras.callbacks.ReduceLROnPlateau(**kwargs), tmp_path)
        theirs = _drive(keras_real, keras_real.callbacks.ReduceLROnPlateau(**kwargs), tmp_path)
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, err_msg=str(kwargs))
    messages = []
    for k, name in ((keras, "ours"), (keras_real, "theirs")):
        path = str(tmp_path / f"{name}.weights.h5")
        cb = k.callbacks.ModelCheckpoint(
            path, monitor="loss", save_best_only=True, save_weights_only=True, verbose=1
        )
        capsys.readouterr()
        _drive(k, cb, tmp_path)
        messages.append(capsys.readouterr().out.replace(path, "PATH").replace(name, ""))
    assert messages[0] == messages[1]
    for k, name in ((keras, "ours"), (keras_real, "theirs")):
        _drive(k, k.callbacks.CSVLogger(tmp_path / f"{name}.csv"), tmp_path)
    assert (tmp_path / "ours.csv").read_text() == (tmp_path / "theirs.csv").read_text()
