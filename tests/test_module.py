"""tf.Module, tf.name_scope and tf.__version__: TensorFlow's behaviour (the names and orders
below are what TensorFlow 2.21 prints for the same programs; compared with it at the end where
it is installed). A Keras layer is a tf.Module."""

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras


def _program(tf):
    class Dense(tf.Module):
        def __init__(self, n_in, n_out, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
            self.b = tf.Variable(tf.zeros([n_out]), name="b")

        @tf.Module.with_name_scope
        def __call__(self, x):
            if not hasattr(self, "c"):
                self.c = tf.Variable(1.0, name="c")
            return tf.matmul(x, self.w) + self.b

    class MLP(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            with self.name_scope:
                self.layers = [Dense(2, 3), Dense(3, 1)]
                self.extra = {"k": tf.Variable(2.0, trainable=False, name="k")}

    out = {}
    with tf.name_scope("a") as scope:
        v = tf.Variable(1.0)
        with tf.name_scope("b") as inner:
            w = tf.Variable(1.0, name="w")
    out["scopes"] = (scope, inner, v.name, w.name)
    d = Dense(2, 3)
    out["dense"] = (d.name, d.name_scope.name, [x.name for x in d.variables])
    out["call"] = (tuple(d(tf.ones([1, 2])).shape), d.c.name)
    m = MLP()
    out["mlp"] = (
        m.name,
        [x.name for x in m.variables],
        [x.name for x in m.trainable_variables],
        [x.name for x in m.non_trainable_variables],
        [s.name for s in m.submodules],
        type(m.variables).__name__,
        m.layers[0].name_scope.name,
    )
    with tf.name_scope("outer"):
        q = MLP(name="q")
    out["nested"] = (q.name_scope.name, [x.name for x in q.variables][:2])
    out["names"] = (tf.Module().name, MLP(name="x").name)
    return out


def test_module_collects_variables_and_submodules_as_tensorflow():
    out = _program(tf)
    assert out["scopes"] == ("a/", "a/b/", "a/Variable:0", "a/b/w:0")
    assert out["dense"] == ("dense", "dense/", ["b:0", "w:0"])
    assert out["call"] == ((1, 3), "dense/c:0")
    assert out["mlp"] == (
        "mlp",
        ["mlp/k:0", "mlp/b:0", "mlp/w:0", "mlp/b:0", "mlp/w:0"],
        ["mlp/b:0", "mlp/w:0", "mlp/b:0", "mlp/w:0"],
        ["mlp/k:0"],
        ["dense", "dense"],
        "tuple",
        "mlp/dense/",
    )
    assert out["nested"] == ("outer/q/", ["outer/q/k:0", "outer/q/b:0"])
    assert out["names"] == ("module", "x")


def test_module_name_must_be_an_identifier():
    with pytest.raises(ValueError, match="'a b' is not a valid module name"):
        tf.Module(name="a b")


def test_module_trains_with_a_tape():
    class Linear(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x

    model = Linear()
    for _ in range(50):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(tf.constant([1.0, 2.0])) - [2.0, 4.0]))
        grads = tape.gradient(loss, model.trainable_variables)
        model.w.assign_sub(0.1 * grads[0])
    assert abs(float(model.w) - 2.0) < 1e-3


def test_a_keras_layer_is_a_module():
    inner = keras.layers.Dense(2)
    model = keras.Sequential([keras.Input((3,)), inner, keras.layers.Dense(1)])
    assert isinstance(inner, tf.Module) and isinstance(model, tf.Module)
    assert model.submodules[0] is inner and len(model.submodules) == 2
    assert [v.name for v in model.trainable_variables] == ["kernel", "bias", "kernel", "bias"]
    assert model.name_scope.name == model.name
    inner.name = "renamed"
    assert inner.name == "renamed"


def test_version_is_the_tensorflow_release_followed():
    assert tf.__version__ == tf.version.VERSION == "2.21.0"
    assert int(tf.__version__.split(".")[0]) == 2
    assert tf.version.TAPEGRAD_VERSION == "0.1.0"
    assert keras.__version__.startswith("3.") and keras.version() == keras.__version__


def test_against_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    ours, theirs = _program(tf), _program(tf_real)
    assert ours == theirs
    assert np.asarray(tf_real.__version__.split(".")[:2], int).tolist() == [2, 21]
