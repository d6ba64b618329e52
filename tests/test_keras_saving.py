"""Saving and loading whole models: `.keras` files in Keras 3's format (a zip of config.json,
metadata.json and model.weights.h5), `to_json` / `model_from_json`, weights files and
`clone_model`, on real files. Training continues exactly where it stopped. The HDF5 tests
need h5py (the `h5` extra, in the test extra); the same behaviours also run on NumPy `.npz`
weights without it."""

import json
import os
import sys
import zipfile

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras

RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 3)).astype("float32")
Y = (X @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.25).astype("float32")


@pytest.fixture
def h5py():
    return pytest.importorskip("h5py")


def sequential(seed=1, optimizer=None, dropout=False):
    # A seeded Dropout's random stream is not saved, by Keras 3 either: training continues
    # exactly only without it.
    keras.utils.set_random_seed(seed)
    layers = [
        keras.Input((3,)),
        keras.layers.Dense(8, activation="relu", kernel_constraint="non_neg"),
        keras.layers.BatchNormalization(),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(1e-3)),
    ]
    if dropout:
        layers.insert(3, keras.layers.Dropout(0.1, seed=2))
    model = keras.Sequential(layers)
    model.compile(optimizer or keras.optimizers.Adam(0.01), "mse", metrics=["mae"])
    return model


def functional(seed=1):
    keras.utils.set_random_seed(seed)
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    shared = keras.layers.Dense(4, activation="tanh", name="shared")
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)], name="inner")
    h = inner(shared(a)) + shared(a) * 0.5
    joined = keras.layers.Concatenate()([h, b, a[:, :1]])
    outputs = {"y": keras.layers.Dense(1, name="y")(joined), "z": keras.layers.Dense(2)(h)}
    model = keras.Model({"a": a, "b": b}, outputs)
    model.compile(keras.optimizers.SGD(0.05, momentum=0.9), "mse")
    return model


def _same(first, second):
    assert len(first) == len(second)
    for u, v in zip(first, second):
        np.testing.assert_array_equal(np.asarray(u), np.asarray(v))


def _state(model):
    return model.get_weights() + [np.asarray(v) for v in model.optimizer.variables]


def test_keras_file_holds_keras_3_format(h5py, tmp_path):
    model = sequential(dropout=True)
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert set(zf.namelist()) == {"metadata.json", "config.json", "model.weights.h5"}
        metadata = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
        weights = h5py.File(__import__("io").BytesIO(zf.read("model.weights.h5")), "r")
    assert metadata["keras_version"].startswith("3.") and "date_saved" in metadata
    assert {"module", "class_name", "config", "registered_name", "build_config"} <= set(config)
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert [layer["class_name"] for layer in config["config"]["layers"]] == [
        "InputLayer",
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
    ]
    compile_config = config["compile_config"]
    assert compile_config["optimizer"]["class_name"] == "Adam"
    assert compile_config["loss"] == "mse" and compile_config["metrics"] == ["mae"]
    with weights:
        assert weights["layers/dense/vars"].attrs["name"] == model.layers[0].name
        assert weights["layers/dense/vars/0"].shape == (3, 8)
        assert weights["layers/batch_normalization/vars/3"].shape == (8,)  # moving variance
        assert weights["layers/dense_1/vars/1"].shape == (1,)
        assert weights["optimizer/vars/0"][()] == 3  # iterations
        assert len(weights["optimizer/vars"]) == 2 + 2 * 6  # iteration, rate, m and v slots
        assert "layers/dropout" in weights and len(weights["layers/dropout/vars"]) == 0


def test_load_model_rebuilds_weights_compile_config_and_optimizer(h5py, tmp_path):
    model = sequential()
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded) is keras.Sequential and loaded.name == model.name
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    assert type(loaded.optimizer) is keras.optimizers.Adam and loaded.compiled
    assert loaded.optimizer.learning_rate.numpy() == np.float32(0.01)
    _same(_state(loaded), _state(model))
    assert isinstance(loaded.layers[0].kernel_constraint, keras.constraints.NonNeg)
    assert loaded.evaluate(X, Y, verbose=0) == model.evaluate(X, Y, verbose=0)
    plain = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert not plain.compiled and plain.optimizer is None


def _continue_after_saving(save_and_load):
    """Two epochs, then two more, straight through and across a save and load."""
    straight = sequential()
    straight.fit(X, Y, epochs=4, batch_size=16, shuffle=False, verbose=0)
    first = sequential()
    first.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    resumed = save_and_load(first)
    history = resumed.fit(X, Y, epochs=4, initial_epoch=2, batch_size=16, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 2
    _same(_state(resumed), _state(straight))
    assert int(resumed.optimizer.iterations) == 12


def test_training_continues_bit_for_bit_after_load_model(h5py, tmp_path):
    def save_and_load(model):
        model.save(tmp_path / "m.keras")
        return keras.models.load_model(tmp_path / "m.keras")

    _continue_after_saving(save_and_load)


def test_training_continues_bit_for_bit_through_json_and_npz_weights(tmp_path):
    def save_and_load(model):
        text = model.to_json()
        model.save_weights(tmp_path / "w.npz")
        clone = keras.models.model_from_json(text)
        assert clone.compiled and clone.optimizer.built  # compiled from the JSON's config
        clone.load_weights(tmp_path / "w.npz")
        return clone

    _continue_after_saving(save_and_load)


def test_custom_training_loop_continues_bit_for_bit(h5py, tmp_path):
    def train(model, steps):
        optimizer = model.optimizer
        for step in range(steps):
            x, y = X[step * 8 : step * 8 + 8], Y[step * 8 : step * 8 + 8]
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))

    straight = sequential(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5))
    train(straight, 6)
    first = sequential(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5))
    train(first, 3)
    first.save(tmp_path / "loop.keras")
    resumed = keras.models.load_model(tmp_path / "loop.keras")
    train(resumed, 3)  # the same batches again: the step count differs, the result must not
    train(straight, 0)
    assert int(resumed.optimizer.iterations) == 6
    more = sequential(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5))
    train(more, 3)
    train(more, 3)
    _same(_state(resumed), _state(more))


def test_functional_model_with_shared_layers_operations_and_nesting(h5py, tmp_path):
    model = functional()
    data = {"a": X, "b": X[:, :2]}
    targets = {"y": Y, "z": np.ones((48, 2), "float32")}
    model.fit(data, targets, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert len(loaded.weights) == len(model.weights)  # the shared layer's weights once
    expected, got = model.predict(data, verbose=0), loaded.predict(data, verbose=0)
    for key in ("y", "z"):
        np.testing.assert_array_equal(got[key], expected[key])
    _same(_state(loaded), _state(model))
    config = model.get_config()
    shared = next(layer for layer in config["layers"] if layer["name"] == "shared")
    assert len(shared["inbound_nodes"]) == 2


class Block(keras.layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = keras.layers.Dense(units)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(self.units,), initializer="ones", name="scale")

    def call(self, x):
        return self.inner(x) * self.scale


@keras.saving.register_keras_serializable(package="tests")
class Regressor(keras.Model):
    def __init__(self, hidden=6, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.block = Block(hidden)
        self.blocks = [keras.layers.Dense(hidden, activation="relu"), keras.layers.Dense(1)]

    def call(self, x):
        return self.blocks[1](self.blocks[0](self.block(x)))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


class AutoRegressor(keras.Model):
    """A subclass without get_config: Keras saves its constructor's arguments."""

    def __init__(self, hidden=4, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(hidden)
        self.out = keras.layers.Dense(1)

    def call(self, x):
        return self.out(self.dense(x))


def test_subclassed_models_save_and_load(h5py, tmp_path):
    keras.utils.set_random_seed(0)
    model = Regressor(5)
    model.compile("adam", "mse")
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    model.save(tmp_path / "r.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "r.keras").read("config.json"))
    assert config["registered_name"] == "tests>Regressor" and config["config"]["hidden"] == 5
    assert config["build_config"] == {"input_shape": [None, 3]}
    loaded = keras.models.load_model(tmp_path / "r.keras")
    assert type(loaded) is Regressor and loaded.hidden == 5
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    _same(_state(loaded), _state(model))

    auto = AutoRegressor(hidden=3)
    auto(X)
    auto.save(tmp_path / "a.keras")
    with pytest.raises(TypeError, match="AutoRegressor"):
        keras.models.load_model(tmp_path / "a.keras")
    again = keras.models.load_model(
        tmp_path / "a.keras", custom_objects={"AutoRegressor": AutoRegressor}
    )
    assert again.dense.units == 3
    np.testing.assert_array_equal(again.predict(X, verbose=0), auto.predict(X, verbose=0))


def test_lambda_layers_load_only_with_safe_mode_off(h5py, tmp_path):
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(1)(keras.layers.Lambda(lambda t: t * 3.0)(inputs))
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "l.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(tmp_path / "l.keras")
    loaded = keras.models.load_model(tmp_path / "l.keras", safe_mode=False)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")  # float16 steps the scale skips
def test_mixed_precision_model_saves_its_loss_scale(h5py, tmp_path):
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1, dtype="float32")]
        )
        model.compile(keras.optimizers.SGD(0.01), "mse")
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
        model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
        model.save(tmp_path / "mp.keras")
        loaded = keras.models.load_model(tmp_path / "mp.keras")
    finally:
        keras.mixed_precision.set_global_policy(None)
    assert loaded.layers[0].compute_dtype == "float16" and loaded.layers[0].dtype == "float32"
    assert isinstance(loaded.optimizer, keras.optimizers.LossScaleOptimizer)
    _same(_state(loaded), _state(model))


def test_bad_paths_and_files_raise_clearly(h5py, tmp_path):
    model = sequential()
    with pytest.raises(ValueError, match="Invalid filepath extension"):
        model.save(tmp_path / "model")
    with pytest.raises(ValueError, match="File not found"):
        keras.models.load_model(tmp_path / "none.keras")
    with pytest.raises(ValueError, match="File format not supported"):
        keras.models.load_model(tmp_path / "model.pb")
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.raises(FileExistsError):
        model.save(path, overwrite=False)
    data = path.read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match="truncated or corrupt"):
        keras.models.load_model(tmp_path / "cut.keras")
    with zipfile.ZipFile(tmp_path / "noweights.keras", "w") as zf:
        zf.writestr("config.json", "{}")
    with pytest.raises(OSError, match="model.weights.h5"):
        keras.models.load_model(tmp_path / "noweights.keras")


def test_without_h5py_the_error_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "h5py", None)
    model = sequential()
    for call in (
        lambda: model.save(tmp_path / "m.keras"),
        lambda: model.save_weights(tmp_path / "m.weights.h5"),
    ):
        with pytest.raises(ImportError, match=r'pip install "tapegrad\[h5\]"'):
            call()
    model.save_weights(tmp_path / "m.npz")  # NumPy archives need nothing more
    assert not os.path.exists(tmp_path / "m.weights.h5")


def test_weights_files_in_every_format(h5py, tmp_path):
    model = sequential()
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    for name in ("w.weights.h5", "w.npz", "ckpt"):
        model.save_weights(tmp_path / name)
        other = sequential(seed=5)
        other.fit(X[:1], Y[:1], verbose=0)  # builds the optimizer, so its state loads too
        other.load_weights(tmp_path / name)
        _same(_state(other), _state(model))
    with h5py.File(tmp_path / "w.weights.h5", "r") as f:
        assert f["layers/dense/vars/0"].shape == (3, 8) and "optimizer/vars/0" in f
    keys = set(np.load(tmp_path / "w.npz").files)
    assert {"layers/dense/vars/0", "layers/dense_1/vars/1", "optimizer/vars/0"} <= keys
    model.save(tmp_path / "whole.keras")
    fresh = sequential(seed=7)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        fresh.load_weights(tmp_path / "whole.keras")  # its optimizer is not built (as Keras)
    _same(fresh.get_weights(), model.get_weights())


def test_weights_of_another_model_are_refused_and_nothing_changes(tmp_path):
    model = sequential()
    model.save_weights(tmp_path / "w.npz")
    other = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(5, name="wide"), keras.layers.Dense(1)]
    )
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"layer 'wide' \(Dense\)"):
        other.load_weights(tmp_path / "w.npz")
    _same(other.get_weights(), before)
    with pytest.warns(UserWarning, match="could not be loaded"):
        other.load_weights(tmp_path / "w.npz", skip_mismatch=True)
    with pytest.raises(ValueError, match="not yet been built"):
        keras.Sequential([keras.layers.Dense(1)]).load_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match="not yet been built"):
        keras.Sequential([keras.layers.Dense(1)]).save_weights(tmp_path / "u.npz")
    with pytest.raises(ValueError, match="model.save"):
        model.save_weights(tmp_path / "w.keras")
    with pytest.raises(FileExistsError):
        model.save_weights(tmp_path / "w.npz", overwrite=False)


def test_a_crash_while_writing_weights_leaves_the_old_file(tmp_path, monkeypatch):
    model = sequential()
    path = tmp_path / "w.npz"
    model.save_weights(path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        sequential(seed=3).save_weights(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["w.npz"]  # no temporary file left


def test_unzipped_directory_format(h5py, tmp_path):
    model = sequential()
    model.save(tmp_path / "saved", zipped=False)
    assert sorted(os.listdir(tmp_path / "saved")) == [
        "config.json",
        "metadata.json",
        "model.weights.h5",
    ]
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        loaded = keras.models.load_model(tmp_path / "saved")  # saved before any step (Keras)
    _same(loaded.get_weights(), model.get_weights())


def test_to_json_and_model_from_json():
    model = functional()
    text = model.to_json(indent=1)
    config = json.loads(text)
    assert (config["module"], config["class_name"]) == ("keras.src.models.functional", "Functional")
    assert config["config"]["input_layers"] == {"a": ["a", 0, 0], "b": ["b", 0, 0]}
    clone = keras.models.model_from_json(text)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert clone.count_params() == model.count_params()


def test_clone_model_makes_new_layers_with_the_same_architecture():
    for model in (sequential(), functional()):
        clone = keras.models.clone_model(model)
        assert type(clone) is type(model) and clone.count_params() == model.count_params()
        assert not any(a is b for a, b in zip(clone.weights, model.weights))
        assert not clone.compiled
        clone.set_weights(model.get_weights())
    data = X
    seq = sequential()
    shared = keras.models.clone_model(seq, clone_function=lambda layer: layer)
    assert all(a is b for a, b in zip(shared.layers, seq.layers))
    np.testing.assert_array_equal(shared.predict(data, verbose=0), seq.predict(data, verbose=0))
    new_input = keras.Input((3,), name="other")
    on_input = keras.models.clone_model(seq, input_tensors=new_input)
    assert on_input.predict(data, verbose=0).shape == (48, 1)
    auto = AutoRegressor(hidden=2)
    assert keras.models.clone_model(auto).dense.units == 2
    with pytest.raises(ValueError, match="subclassed"):
        keras.models.clone_model(auto, clone_function=lambda layer: layer)
