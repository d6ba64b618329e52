"""tf.saved_model: modules, functions and Keras models saved as data and loaded back."""

import json
import os
import warnings

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tests.bad_input import assert_clear_error


class Affine(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
        self.b = tf.Variable([0.5, -0.5], name="b")
        self.count = tf.Variable(0.0, trainable=False, name="count")
        self.inner = tf.Module()
        self.inner.scale = tf.Variable(2.0, name="scale")
        self.extra = [tf.Variable(7.0, name="extra")]

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="x")])
    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b) * self.inner.scale

    @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
    def bump(self, by):
        self.count.assign_add(by)
        return self.count

    @tf.function
    def pair(self, x, power=2.0):
        return {"pow": x ** power, "sum": tf.reduce_sum(x)}


@pytest.fixture
def saved(tmp_path):
    module = Affine()
    with warnings.catch_warnings():  # each test's module traces `pair` anew: not a mistake
        warnings.simplefilter("ignore")
        module.pair(tf.constant([1.0, 2.0]))  # traced signatures are saved too, as TF's
        module.pair(tf.constant(3.0), 3.0)
    path = str(tmp_path / "affine")
    tf.saved_model.save(module, path, signatures=module.__call__)
    return module, path


def test_default_signature_only_for_a_single_candidate(tmp_path):
    # As TensorFlow: the root's only tf.function with an input_signature; two are ambiguous.
    tf.saved_model.save(Affine(), str(tmp_path / "two"))
    assert tf.saved_model.load(str(tmp_path / "two")).signatures == {}
    module = tf.Module()
    module.f = tf.function(lambda x: x + 1.0, input_signature=[tf.TensorSpec([None])])
    tf.saved_model.save(module, str(tmp_path / "one"))
    out = tf.saved_model.load(str(tmp_path / "one")).signatures["serving_default"](
        x=tf.constant([1.0]))
    assert float(out["output_0"][0]) == 2.0


def test_round_trip_results_and_variables(saved):
    module, path = saved
    loaded = tf.saved_model.load(path)
    x = np.array([[1.0, -2.0], [0.5, 0.25], [3.0, 1.0]], np.float32)
    np.testing.assert_array_equal(loaded(x).numpy(), module(x).numpy())
    np.testing.assert_array_equal(loaded.w.numpy(), module.w.numpy())
    assert loaded.w.name == "w:0" and loaded.count.trainable is False
    assert float(loaded.inner.scale) == 2.0 and float(loaded.extra[0]) == 7.0
    out = loaded.pair(tf.constant([1.0, 2.0]))
    np.testing.assert_array_equal(out["pow"].numpy(), [1.0, 4.0])
    assert float(loaded.pair(tf.constant(3.0), 3.0)["pow"]) == 27.0


def test_loaded_variables_are_assignable_and_used(saved):
    module, path = saved
    loaded = tf.saved_model.load(path)
    loaded.w.assign([[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(loaded(np.array([[1.0, 2.0]], np.float32)).numpy(),
                                  [[5.0, 1.0]])
    assert float(loaded.bump(2.0)) == 2.0 and float(loaded.bump(1.5)) == 3.5
    assert float(loaded.count) == 3.5 and float(module.count) == 0.0


def test_serving_signature_takes_keywords_returns_dict(saved):
    module, path = saved
    loaded = tf.saved_model.load(path)
    serve = loaded.signatures["serving_default"]
    assert list(loaded.signatures) == ["serving_default"]
    assert list(serve.structured_input_signature[1]) == ["x"]
    x = np.ones((4, 2), np.float32)
    out = serve(x=tf.constant(x))
    assert list(out) == ["output_0"]
    np.testing.assert_array_equal(out["output_0"].numpy(), module(x).numpy())
    assert tuple(serve.structured_outputs["output_0"].shape) == (None, 2)
    assert_clear_error(lambda: serve(y=tf.constant(x)), TypeError, "serving_default", "x")


def test_unmatched_call_lists_saved_signatures(saved):
    _, path = saved
    loaded = tf.saved_model.load(path)
    # TensorFlow's message, which lists the options
    with pytest.raises(ValueError, match="Could not find matching concrete function") as info:
        loaded.pair(tf.constant([1.0, 2.0, 3.0]))
    assert "Option 2" in str(info.value) and "shape=(3,)" in str(info.value)


def test_gradients_flow_through_loaded_function(saved):
    module, path = saved
    loaded = tf.saved_model.load(path)
    x = tf.constant([[1.0, 2.0], [-1.0, 0.5]])
    grads = []
    for m in (module, loaded):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(m(x) ** 2)
        grads.append(tape.gradient(y, [x, m.w, m.b]))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_higher_order_and_forward_mode_through_loaded_function(tmp_path):
    module = tf.Module()
    module.v = tf.Variable(3.0)
    module.f = tf.function(lambda x: x * x * module.v, input_signature=[tf.TensorSpec([])])
    tf.saved_model.save(module, str(tmp_path / "f"))
    loaded = tf.saved_model.load(str(tmp_path / "f"))
    x = tf.constant(2.0)
    results = []
    for f in (module.f, loaded.f):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x)
            g = inner.gradient(y, x)
        with tf.autodiff.ForwardAccumulator(x, tf.constant(1.0)) as acc:
            z = f(x)
        results.append([float(g), float(outer.gradient(g, x)), float(acc.jvp(z))])
    assert results[0] == results[1]


def test_loaded_object_saved_again(saved, tmp_path):
    # As TensorFlow: a loaded object can be saved again, its signatures kept.
    _, path = saved
    loaded = tf.saved_model.load(path)
    loaded.w.assign_add(tf.ones((2, 2)))
    tf.saved_model.save(loaded, str(tmp_path / "again"))
    again = tf.saved_model.load(str(tmp_path / "again"))
    x = np.array([[1.0, -2.0], [0.5, 0.25]], np.float32)
    np.testing.assert_array_equal(again(x).numpy(), loaded(x).numpy())
    out = again.signatures["serving_default"](x=x)["output_0"]
    np.testing.assert_array_equal(out.numpy(), loaded(x).numpy())
    assert float(again.pair(tf.constant(3.0), 3.0)["pow"]) == 27.0
    assert float(again.extra[0]) == 7.0 and again.count.trainable is False


def test_signatures_argument_forms(tmp_path):
    @tf.function(input_signature=[tf.TensorSpec([2]), tf.TensorSpec([2])])
    def two(a, b):
        return a * b, a + b

    @tf.function
    def square(v):
        return {"sq": v * v}

    path = str(tmp_path / "sigs")
    concrete = square.get_concrete_function(tf.TensorSpec([3], tf.float32))
    tf.saved_model.save(tf.Module(), path, signatures={"two": two, "square": concrete})
    sigs = tf.saved_model.load(path).signatures
    out = sigs["two"](a=tf.constant([1.0, 2.0]), b=tf.constant([3.0, 4.0]))
    assert sorted(out) == ["output_0", "output_1"]
    np.testing.assert_array_equal(out["output_1"].numpy(), [4.0, 6.0])
    np.testing.assert_array_equal(sigs["square"](v=tf.constant([1.0, 2.0, 3.0]))["sq"].numpy(),
                                  [1.0, 4.0, 9.0])


def test_batch_size_written_into_program_is_generalised(tmp_path):
    # reshape to (batch, -1) with the batch size as a number: traced at two sizes when saved
    @tf.function(input_signature=[tf.TensorSpec([None, 2, 3])])
    def flat(x):
        return tf.reshape(x, (x.shape[0], 6)) * 2.0

    path = str(tmp_path / "flat")
    module = tf.Module()
    module.flat = flat
    tf.saved_model.save(module, path)
    loaded = tf.saved_model.load(path)
    x = np.arange(30, dtype=np.float32).reshape(5, 2, 3)
    np.testing.assert_array_equal(loaded.flat(x).numpy(), flat(x).numpy())
    tf.saved_model.save(loaded, str(tmp_path / "again"))  # the sizes stay symbolic
    again = tf.saved_model.load(str(tmp_path / "again"))
    np.testing.assert_array_equal(again.flat(x[:4]).numpy(), flat(x[:4]).numpy())


def test_size_dependent_constant_is_refused_at_other_sizes(tmp_path):
    @tf.function(input_signature=[tf.TensorSpec([None])])
    def mean(x):
        return tf.reduce_sum(x) / float(x.shape[0])

    module = tf.Module()
    module.mean = mean
    path = str(tmp_path / "mean")
    tf.saved_model.save(module, path)
    loaded = tf.saved_model.load(path)
    assert float(loaded.mean(np.array([1.0, 3.0], np.float32))) == 2.0  # the traced size
    assert_clear_error(lambda: loaded.mean(np.ones(5, np.float32)), ValueError, "'mean'",
                       "shapes")


def test_unknown_rank_signature(tmp_path):
    # tf.TensorSpec(None): traced at two ranks when saved; a program that is the same at both
    # serves every rank (the SavedModel guide's x * v), one that is not is refused.
    module = tf.Module()
    module.v = tf.Variable(2.0)
    module.f = tf.function(lambda x: {"custom_output_name": x * module.v},
                           input_signature=[tf.TensorSpec(None, tf.float32)])
    tf.saved_model.save(module, str(tmp_path / "any"))
    serve = tf.saved_model.load(str(tmp_path / "any")).signatures["serving_default"]
    assert serve.structured_outputs["custom_output_name"].shape.rank is None
    for x in (3.0, [1.0, 2.0], [[1.0], [4.0]]):
        np.testing.assert_array_equal(serve(x=tf.constant(x))["custom_output_name"].numpy(),
                                      np.multiply(x, 2.0))
    module.f = tf.function(lambda x: tf.reshape(x, x.shape + (1,)),
                           input_signature=[tf.TensorSpec(None, tf.float32)])
    assert_clear_error(lambda: tf.saved_model.save(module, str(tmp_path / "rank")), ValueError,
                       "unknown rank", "give the tensorspec a shape")


def test_keras_export_serves_model_outputs(tmp_path, capsys):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Flatten(), keras.layers.Dense(2)])
    path = str(tmp_path / "export")
    model.export(path)
    assert "Endpoint 'serve'" in capsys.readouterr().out
    loaded = tf.saved_model.load(path)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_array_equal(loaded.serve(x).numpy(), model(x).numpy())
    assert sorted(loaded.signatures) == ["serve", "serving_default"]
    out = loaded.signatures["serving_default"](tf.constant(x))
    np.testing.assert_array_equal(out["output_0"].numpy(), model(x).numpy())
    assert len(loaded.trainable_variables) == 4 and loaded.non_trainable_variables == []


def test_keras_export_recurrent_model_any_batch(tmp_path):
    # The LSTM's zero state is a constant with one row per example: saved as a fill whose
    # shape follows the batch size, as its reshapes do.
    model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
    path = str(tmp_path / "lstm")
    model.export(path, verbose=False)
    loaded = tf.saved_model.load(path)
    for batch in (1, 4):
        x = np.random.default_rng(batch).normal(size=(batch, 5, 3)).astype(np.float32)
        np.testing.assert_allclose(loaded.serve(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_saving_a_keras_model_gives_its_default_signature(tmp_path):
    # tf.saved_model.save(model): Keras 3's `_default_save_signature`, `model(inputs)`
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    tf.saved_model.save(model, str(tmp_path / "model"))
    serve = tf.saved_model.load(str(tmp_path / "model")).signatures["serving_default"]
    assert list(serve.structured_input_signature[1]) == ["inputs"]
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(serve(inputs=x)["output_0"].numpy(), model(x).numpy())


def test_keras_export_functional_dict_inputs(tmp_path):
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    joined = keras.layers.Concatenate()([a, b])
    model = keras.Model({"a": a, "b": b}, {"x": keras.layers.Dense(1)(joined),
                                           "y": keras.layers.Dense(2)(a)})
    path = str(tmp_path / "functional")
    model.export(path, verbose=False)
    serve = tf.saved_model.load(path).signatures["serving_default"]
    assert sorted(serve.structured_input_signature[1]) == ["a", "b"]
    inputs = {"a": np.ones((4, 2), np.float32), "b": np.full((4, 3), 0.5, np.float32)}
    out, want = serve(**inputs), model(inputs)
    for key in ("x", "y"):
        np.testing.assert_array_equal(out[key].numpy(), want[key].numpy())


def test_keras_export_errors():
    model = keras.Sequential([keras.layers.Dense(1)])
    assert_clear_error(lambda: model.export("/tmp/unused"), ValueError, "built")
    built = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    assert_clear_error(lambda: built.export("/tmp/unused", format="onnx"), ValueError, "onnx")


def test_contains_saved_model(saved, tmp_path):
    _, path = saved
    assert tf.saved_model.contains_saved_model(path)
    assert not tf.saved_model.contains_saved_model(str(tmp_path))


def test_missing_path_is_named(tmp_path):
    missing = str(tmp_path / "nowhere")
    assert_clear_error(lambda: tf.saved_model.load(missing), OSError, "nowhere",
                       "does not exist")


def test_tensorflow_saved_model_is_named(tmp_path):
    (tmp_path / "saved_model.pb").write_bytes(b"\x08\x01")
    assert_clear_error(lambda: tf.saved_model.load(str(tmp_path)), OSError,
                       "TensorFlow SavedModel", "protocol buffers")


def _rewrite(path, change):
    manifest_path = os.path.join(path, "saved_model.json")
    with open(manifest_path) as f:
        manifest = json.load(f)
    change(manifest)
    with open(manifest_path, "w") as f:
        json.dump(manifest, f)


def test_other_version_is_refused(saved):
    _, path = saved
    _rewrite(path, lambda m: m.update(version=99))
    assert_clear_error(lambda: tf.saved_model.load(path), ValueError, "saved_model.json",
                       "version 99", "reads version 1")


def test_corrupt_files_are_refused(saved):
    _, path = saved
    manifest = os.path.join(path, "saved_model.json")
    with open(manifest) as f:
        text = f.read()
    with open(manifest, "w") as f:
        f.write(text[: len(text) // 2])
    assert_clear_error(lambda: tf.saved_model.load(path), ValueError, manifest, "not valid JSON")
    with open(manifest, "w") as f:
        f.write(text)
    _rewrite(path, lambda m: m["concrete_functions"][0]["program"]["instrs"][0].__setitem__(
        1, "no_such_primitive") if m["concrete_functions"][0]["program"]["instrs"][0][0] == "op"
        else m["concrete_functions"][0]["program"]["instrs"].insert(
            0, ["op", "no_such_primitive", [], {}, 0]))
    assert_clear_error(lambda: tf.saved_model.load(path), ValueError, "corrupt",
                       "no_such_primitive")
    with open(manifest, "w") as f:
        f.write(text)
    _rewrite(path, lambda m: m.pop("variables"))
    assert_clear_error(lambda: tf.saved_model.load(path), ValueError, "corrupt", "variables")
    with open(manifest, "w") as f:
        f.write(text)
    with open(os.path.join(path, "saved_model.npz"), "wb") as f:
        f.write(b"PK\x03\x04 truncated")
    assert_clear_error(lambda: tf.saved_model.load(path), ValueError, "saved_model.npz",
                       "corrupt")


def test_pickled_arrays_are_never_loaded(saved):
    _, path = saved
    arrays = os.path.join(path, "saved_model.npz")
    with np.load(arrays) as data:
        content = {key: data[key] for key in data.files}
    content["v0"] = np.array([object()], dtype=object)
    np.savez(arrays, **content)
    assert_clear_error(lambda: tf.saved_model.load(path), ValueError, "saved_model.npz",
                       "pickled")


def test_unsaveable_functions_name_the_reason(tmp_path):
    optimizer = keras.optimizers.SGD(0.1)
    w = tf.Variable(1.0)

    @tf.function(input_signature=[tf.TensorSpec([])])
    def step(x):
        with tf.GradientTape() as tape:
            loss = (w * x) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        return loss

    module = tf.Module()
    module.step = step
    assert_clear_error(lambda: tf.saved_model.save(module, str(tmp_path / "a")), ValueError,
                       "'step'", "effect", "apply_gradients")

    @tf.function
    def train_step(x):  # traced by a call, not declared: left out with a warning
        with tf.GradientTape() as tape:
            loss = (w * x) ** 2
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        return loss

    module = tf.Module()
    module.w = w
    module.train_step = train_step
    train_step(tf.constant(1.0))
    with pytest.warns(UserWarning, match="apply_gradients.*not saved"):
        tf.saved_model.save(module, str(tmp_path / "a2"))
    loaded = tf.saved_model.load(str(tmp_path / "a2"))
    assert loaded.train_step.concrete_functions == [] and float(loaded.w) == float(w)

    @tf.custom_gradient
    def clipped(x):
        return tf.identity(x), lambda g: tf.clip_by_value(g, -1.0, 1.0)

    @tf.function(input_signature=[tf.TensorSpec([])])
    def uses_custom(x):
        return clipped(x)

    module = tf.Module()
    module.f = uses_custom
    assert_clear_error(lambda: tf.saved_model.save(module, str(tmp_path / "b")), ValueError,
                       "'uses_custom'", "custom_gradient")
    assert_clear_error(lambda: tf.saved_model.save(object(), str(tmp_path / "c")), ValueError,
                       "tf.Module")


def test_unencodable_parameter_names_primitive_and_parameter():
    # No public op passes code as a parameter today; the format must still refuse one by name.
    from tapegrad._core.primitive import PRIMITIVES
    from tapegrad._core.trace import Op, Program
    from tapegrad.saved_model import _format

    program = Program("f", 2, [0], [], [Op(PRIMITIVES["negative"], [0], {"hook": print}, 1)],
                      [1], [None], None)
    assert_clear_error(
        lambda: _format.serialize_program(program, None, _format.Arrays()), ValueError,
        "'f'", "negative", "hook")


def test_signature_needs_input_signature(tmp_path):
    @tf.function
    def free(x):
        return x

    assert_clear_error(
        lambda: tf.saved_model.save(tf.Module(), str(tmp_path / "d"), signatures=free),
        ValueError, "'free'", "input_signature")


def test_tensorflow_runs_the_same_program(saved):
    # The same module built in TensorFlow gives the same outputs as tapegrad's loaded one.
    tf_real = pytest.importorskip("tensorflow")
    module, path = saved
    loaded = tf.saved_model.load(path)
    x = np.array([[1.0, -2.0], [0.5, 0.25]], np.float32)
    w, b = module.w.numpy(), module.b.numpy()
    want = tf_real.nn.relu(tf_real.matmul(x, w) + b) * 2.0
    np.testing.assert_allclose(loaded(x).numpy(), want.numpy(), rtol=1e-6)


def _twin_modules(tf_real):
    """The same module in TensorFlow and in tapegrad (same weights, same functions)."""
    w = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)

    def build(lib):
        module = lib.Module()
        module.w = lib.Variable(w, name="w")
        module.f = lib.function(
            lambda x, y: {"prod": lib.matmul(x, module.w) * y, "norm": lib.reduce_sum(x * x)},
            input_signature=[lib.TensorSpec([None, 2], lib.float32, name="x"),
                             lib.TensorSpec([], lib.float32, name="y")])
        return module

    return build(tf_real), build(tf)


def test_signature_matches_tensorflow(tmp_path):
    # TensorFlow saves and loads its twin; the signature's keys and results must agree.
    tf_real = pytest.importorskip("tensorflow")
    theirs, ours = _twin_modules(tf_real)
    tf_real.saved_model.save(theirs, str(tmp_path / "tf"))
    tf.saved_model.save(ours, str(tmp_path / "ours"))
    sig_tf = tf_real.saved_model.load(str(tmp_path / "tf")).signatures["serving_default"]
    sig = tf.saved_model.load(str(tmp_path / "ours")).signatures["serving_default"]
    assert sorted(sig.structured_input_signature[1]) == sorted(
        sig_tf.structured_input_signature[1])
    assert sorted(sig.structured_outputs) == sorted(sig_tf.structured_outputs)
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 0.5]], np.float32)
    want = sig_tf(x=tf_real.constant(x), y=tf_real.constant(2.0))
    got = sig(x=tf.constant(x), y=tf.constant(2.0))
    for key in want:
        np.testing.assert_allclose(got[key].numpy(), want[key].numpy(), rtol=1e-6)


def test_keras_export_matches_tensorflow(tmp_path):
    # The same Keras model (weights copied) exported by Keras 3 on TensorFlow and by tapegrad.
    tf_real = pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")

    def build(lib):
        a, b = lib.Input((2,), name="a"), lib.Input((3,), name="b")
        hidden = lib.layers.Dense(4, activation="tanh")(lib.layers.Concatenate()([a, b]))
        return lib.Model([a, b], [lib.layers.Dense(1)(hidden), lib.layers.Flatten()(hidden)])

    theirs, ours = build(keras_real), build(keras)
    ours.set_weights(theirs.get_weights())
    theirs.export(str(tmp_path / "tf"), verbose=False)
    ours.export(str(tmp_path / "ours"), verbose=False)
    loaded_tf = tf_real.saved_model.load(str(tmp_path / "tf"))
    loaded = tf.saved_model.load(str(tmp_path / "ours"))
    assert sorted(loaded.signatures) == sorted(loaded_tf.signatures)
    sig_tf, sig = (m.signatures["serving_default"] for m in (loaded_tf, loaded))
    assert sorted(sig.structured_input_signature[1]) == sorted(
        sig_tf.structured_input_signature[1])
    inputs = {"a": np.ones((5, 2), np.float32), "b": np.linspace(-1, 1, 15, dtype=np.float32)
              .reshape(5, 3)}
    want = sig_tf(**{k: tf_real.constant(v) for k, v in inputs.items()})
    got = sig(**inputs)
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key].numpy(), want[key].numpy(), rtol=1e-5, atol=1e-6)
    assert len(loaded.variables) == len(loaded_tf.variables)


def test_saved_keras_model_signature_matches_tensorflow(tmp_path):
    tf_real = pytest.importorskip("tensorflow")
    keras_real = pytest.importorskip("keras")
    signatures = []
    for lib, save, load in ((keras_real, tf_real.saved_model.save, tf_real.saved_model.load),
                            (keras, tf.saved_model.save, tf.saved_model.load)):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        model(np.ones((1, 3), np.float32))
        save(model, str(tmp_path / lib.__name__))
        serve = load(str(tmp_path / lib.__name__)).signatures["serving_default"]
        (name, spec), = serve.structured_input_signature[1].items()
        signatures.append((name, spec.name, tuple(spec.shape), list(serve.structured_outputs)))
    assert signatures[0] == signatures[1]


def test_python_object_argument_is_left_out(tmp_path):
    class Options:  # hashable, so tf.function keys its traces by it, but not data
        scale = 3.0

    @tf.function
    def scaled(x, options):
        return x * options.scale

    module = tf.Module()
    module.scaled = scaled
    scaled(tf.constant(1.0), Options())
    with pytest.warns(UserWarning, match="scaled.*Options"):
        tf.saved_model.save(module, str(tmp_path / "objects"))
    assert tf.saved_model.load(str(tmp_path / "objects")).scaled.concrete_functions == []


def test_save_over_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("")
    assert_clear_error(lambda: tf.saved_model.save(tf.Module(), str(target)), FileExistsError,
                       str(target), "directory")
