"""Keras 3's object serialization (`keras.saving.serialize_keras_object` and its inverse):
every public class of the Keras namespaces round-trips through JSON, configs are Keras's
format, and custom objects are found through the registry, `custom_objects` and custom object
scopes; Python lambdas load only outside safe mode."""

import importlib
import json

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.keras.saving import deserialize_keras_object, serialize_keras_object

NAMESPACES = (
    "layers",
    "optimizers",
    "optimizers.schedules",
    "losses",
    "metrics",
    "initializers",
    "regularizers",
    "constraints",
    "mixed_precision",
)


def _named(x):
    return x * 2.0


# Constructor arguments of the classes that have required ones. A new public class without
# defaults must be added here: the walk below fails, naming it.
SAMPLES = {
    "Activation": {"activation": "relu"},
    "Dense": {"units": 3, "kernel_regularizer": "l2", "kernel_constraint": "non_neg"},
    "Dropout": {"rate": 0.25, "seed": 3},
    "InputLayer": {"shape": (3,)},
    "Lambda": {"function": _named},
    "Reshape": {"target_shape": (2, -1)},
    # issue 13's layers
    "Embedding": {"input_dim": 10, "output_dim": 3, "mask_zero": True},
    "SimpleRNN": {"units": 3, "return_sequences": True, "recurrent_constraint": "non_neg"},
    "LSTM": {"units": 3, "dropout": 0.1, "go_backwards": True},
    "GRU": {"units": 3, "reset_after": False, "return_state": True},
    "SimpleRNNCell": {"units": 3},
    "LSTMCell": {"units": 3, "unit_forget_bias": False},
    "GRUCell": {"units": 3},
    # (functions: arguments made only for the classes that exist)
    "RNN": lambda: {"cell": keras.layers.LSTMCell(2), "stateful": True},
    "StackedRNNCells": lambda: {"cells": [keras.layers.LSTMCell(2), keras.layers.GRUCell(3)]},
    "Bidirectional": lambda: {"layer": keras.layers.GRU(2), "merge_mode": "sum"},
    "TimeDistributed": lambda: {"layer": keras.layers.Dense(2)},
    "SpatialDropout1D": {"rate": 0.2},
    "SpatialDropout2D": {"rate": 0.2, "data_format": "channels_first"},
    "SpatialDropout3D": {"rate": 0.2},
    "GaussianNoise": {"stddev": 0.1, "seed": 1},
    "GaussianDropout": {"rate": 0.1},
    "AlphaDropout": {"rate": 0.1, "noise_shape": (None, 1)},
    "Permute": {"dims": (2, 1)},
    "RepeatVector": {"n": 3},
    "Rescaling": {"scale": 0.5, "offset": 1.0},
    "Normalization": {"mean": [1.0, 2.0], "variance": [1.0, 4.0]},
    "CategoryEncoding": {"num_tokens": 4, "output_mode": "count"},
    "Hashing": {"num_bins": 5, "salt": 3},
    "HashedCrossing": {"num_bins": 7, "output_mode": "one_hot"},
    "Discretization": {"bin_boundaries": [0.0, 1.5], "output_mode": "one_hot"},
    "StringLookup": {"vocabulary": ["a", "b"], "mask_token": ""},
    "IntegerLookup": {"vocabulary": [3, 5], "num_oov_indices": 2},
    "TextVectorization": {"vocabulary": ["a", "b"], "output_sequence_length": 4},
    "MultiHeadAttention": {"num_heads": 2, "key_dim": 3, "dropout": 0.1},
    "EinsumDense": {"equation": "abc,cd->abd", "output_shape": (None, 4), "bias_axes": "d"},
    "Conv1D": {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
    "Conv2D": {"filters": 2, "kernel_size": (3, 2), "strides": 2, "activation": "relu"},
    "Conv3D": {"filters": 2, "kernel_size": 2, "data_format": "channels_first"},
    "Conv1DTranspose": {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1},
    "Conv2DTranspose": {"filters": 2, "kernel_size": 3, "padding": "same"},
    "Conv3DTranspose": {"filters": 2, "kernel_size": 2, "use_bias": False},
    "DepthwiseConv1D": {"kernel_size": 3, "depth_multiplier": 2},
    "DepthwiseConv2D": {"kernel_size": 3, "depthwise_regularizer": "l2"},
    "SeparableConv1D": {"filters": 2, "kernel_size": 3, "pointwise_constraint": "non_neg"},
    "SeparableConv2D": {"filters": 2, "kernel_size": 3, "depth_multiplier": 2},
    "AveragePooling1D": {"pool_size": 3, "padding": "same"},
    "AveragePooling2D": {"pool_size": 2, "strides": 1},
    "AveragePooling3D": {"pool_size": 2, "data_format": "channels_first"},
    "ZeroPadding1D": {"padding": (1, 2)},
    "ZeroPadding2D": {"padding": ((1, 0), (2, 1))},
    "Cropping1D": {"cropping": 2},
    "Cropping2D": {"cropping": ((1, 0), (2, 1)), "data_format": "channels_first"},
    "UpSampling1D": {"size": 3},
    "UpSampling2D": {"size": (2, 1), "interpolation": "bilinear"},
    "Resizing": {"height": 4, "width": 3, "crop_to_aspect_ratio": True},
    "CenterCrop": {"height": 4, "width": 3},
    "RandomContrast": {"factor": (0.1, 0.3), "seed": 2},
    "RandomCrop": {"height": 3, "width": 2, "seed": 2},
    "RandomBrightness": {"factor": (-0.1, 0.3), "value_range": (0, 1)},
    "RandomRotation": {"factor": 0.2, "fill_mode": "constant", "seed": 1},
    "RandomZoom": {"height_factor": (0.1, 0.2), "width_factor": 0.3},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": (-0.2, 0.1)},
    "LossScaleOptimizer": {"inner_optimizer": keras.optimizers.SGD(0.5)},
    "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "CosineDecayRestarts": {"initial_learning_rate": 0.1, "first_decay_steps": 10},
    "ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9},
    "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.9},
    "PiecewiseConstantDecay": {"boundaries": [10, 20], "values": [0.1, 0.01, 0.001]},
    "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "LossFunctionWrapper": {"fn": keras.losses.mean_squared_error},
    "MeanMetricWrapper": {"fn": keras.losses.mean_absolute_error},
    "Dot": {"axes": (1, 2), "normalize": True},
    "IoU": {"num_classes": 3, "target_class_ids": [0, 2]},
    "MeanIoU": {"num_classes": 3},
    "OneHotIoU": {"num_classes": 3, "target_class_ids": [1]},
    "OneHotMeanIoU": {"num_classes": 3},
    "PrecisionAtRecall": {"recall": 0.5},
    "RecallAtPrecision": {"precision": 0.5},
    "SensitivityAtSpecificity": {"specificity": 0.5},
    "SpecificityAtSensitivity": {"sensitivity": 0.5},
}
# Classes that are not objects to save: symbolic tensors, and bases that cannot be configured.
NOT_SAVED = {"KerasTensor", "LearningRateSchedule"}


def _public_classes():
    for namespace in NAMESPACES:
        module = importlib.import_module(f"tapegrad.keras.{namespace}")
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and obj.__name__ == name and name not in NOT_SAVED:
                yield namespace, name, obj


def _canonical(config):
    return json.dumps(config, sort_keys=True)


def _round_trip(obj):
    config = serialize_keras_object(obj)
    text = json.dumps(config)  # configs are JSON
    return config, deserialize_keras_object(json.loads(text))


@pytest.mark.parametrize(
    "namespace,name,cls", list(_public_classes()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_public_class_round_trips_through_json(namespace, name, cls):
    arguments = SAMPLES.get(name, {})
    try:
        obj = cls(**(arguments() if callable(arguments) else arguments))
    except TypeError as err:
        pytest.fail(f"keras.{namespace}.{name} needs constructor arguments in SAMPLES: {err}")
    with keras.saving.custom_object_scope({"_named": _named}):
        config, back = _round_trip(obj)
    assert type(back) is cls
    assert config["module"].startswith("keras")
    assert config["class_name"] == name and config["registered_name"] is None
    assert _canonical(serialize_keras_object(back)) == _canonical(config)


def test_keras_config_format_of_a_dense_layer():
    layer = keras.layers.Dense(
        4,
        activation="relu",
        name="d",
        kernel_regularizer=keras.regularizers.L2(0.5),
        bias_constraint=keras.constraints.MaxNorm(3.0),
    )
    config = serialize_keras_object(layer)
    assert (config["module"], config["class_name"]) == ("keras.layers", "Dense")
    inner = config["config"]
    assert inner["activation"] == "relu"  # a built-in activation is saved by its name
    assert inner["dtype"] == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "float32"},
        "registered_name": None,
    }
    assert inner["kernel_initializer"]["module"] == "keras.initializers"
    assert inner["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert inner["kernel_regularizer"]["config"] == {"l2": 0.5}
    assert inner["bias_constraint"]["config"] == {"max_value": 3.0, "axis": 0}
    layer.build((None, 2))
    assert serialize_keras_object(layer)["build_config"] == {"input_shape": (None, 2)}


def test_builtin_functions_are_saved_by_name_and_found_again():
    for fn in (keras.activations.relu, keras.losses.mean_squared_error):
        config = serialize_keras_object(fn)
        assert config == {
            "module": "builtins",
            "class_name": "function",
            "config": fn.__name__,
            "registered_name": "function",
        }
        assert deserialize_keras_object(config) is fn
    assert keras.activations.deserialize("tanh") is keras.activations.tanh
    assert isinstance(
        keras.initializers.deserialize("GlorotUniform"), keras.initializers.GlorotUniform
    )


def test_values_round_trip():
    values = {
        "tuple": (1, 2),
        "slice": slice(1, None, 2),
        "array": np.arange(3.0),
        "tensor": tf.constant([1.0, 2.0]),
        "scalar": np.float32(2.5),
        "bytes": b"abc",
        "ellipsis": Ellipsis,
        "dtype": tf.float32,
    }
    back = deserialize_keras_object(json.loads(json.dumps(serialize_keras_object(values))))
    assert back["tuple"] == [1, 2] and back["slice"] == slice(1, None, 2)
    np.testing.assert_array_equal(back["array"], np.arange(3.0))
    np.testing.assert_array_equal(back["tensor"].numpy(), [1.0, 2.0])
    assert back["scalar"] == 2.5 and back["bytes"] == b"abc" and back["ellipsis"] is Ellipsis
    assert back["dtype"] == "float32"


class Scale(keras.layers.Layer):
    """A user layer with its own config."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class AutoScale(keras.layers.Layer):
    """A user layer without get_config: its constructor's arguments are its config (Keras)."""

    def __init__(self, factor=2.0, offsets=(1, 2), **kwargs):
        super().__init__(**kwargs)
        self.factor, self.offsets = factor, offsets

    def call(self, x):
        return x * self.factor


def test_custom_objects_are_found_by_argument_scope_and_registry():
    config = serialize_keras_object(Scale(3.0, name="s"))
    assert config["module"] == __name__ and config["registered_name"] == "Scale"
    with pytest.raises(TypeError, match="register_keras_serializable"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, custom_objects={"Scale": Scale}).factor == 3.0
    with keras.utils.custom_object_scope({"Scale": Scale}):
        assert keras.saving.get_registered_object("Scale") is Scale
        assert deserialize_keras_object(config).name == "s"
    assert keras.saving.get_registered_object("Scale") is None
    registered = keras.saving.register_keras_serializable(package="pkg")(Scale)
    try:
        assert keras.saving.get_registered_name(Scale) == "pkg>Scale"
        config = serialize_keras_object(Scale(4.0))
        assert config["registered_name"] == "pkg>Scale"
        assert keras.saving.get_registered_object("pkg>Scale") is registered
        assert deserialize_keras_object(config).factor == 4.0
    finally:
        del keras.saving.get_custom_objects()["pkg>Scale"]
        keras.saving.object_registration._GLOBAL_CUSTOM_NAMES.pop(Scale)


def test_register_refuses_a_class_without_get_config():
    class NoConfig:
        pass

    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(NoConfig)


def test_a_layer_without_get_config_saves_its_constructor_arguments():
    layer = AutoScale(3.0, offsets=(4, 5), name="auto")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["offsets"] == (4, 5) and config["name"] == "auto"
    back = AutoScale.from_config(json.loads(json.dumps(config)))
    assert back.factor == 3.0 and list(back.offsets) == [4, 5]
    unserializable = AutoScale(factor=keras.layers.Dense(1))
    with pytest.raises(NotImplementedError, match="get_config"):
        unserializable.get_config()


def test_a_function_of_the_user_is_found_by_its_registered_name():
    config = serialize_keras_object(_named)
    assert config["config"] == "_named"
    with pytest.raises(TypeError, match="Could not locate function '_named'"):
        deserialize_keras_object(config)
    assert deserialize_keras_object(config, custom_objects={"_named": _named}) is _named
    # Keras <= 3.6 saved registered functions by name alone: the registry's "package>name".
    assert deserialize_keras_object(config, custom_objects={"pkg>_named": _named}) is _named


def test_lambdas_load_only_outside_safe_mode():
    layer = keras.layers.Lambda(lambda x, k=3.0: x * k, name="times3")
    config = json.loads(json.dumps(serialize_keras_object(layer)))
    assert config["config"]["function"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="safe_mode=False"):
        deserialize_keras_object(config)
    back = deserialize_keras_object(config, safe_mode=False)
    np.testing.assert_allclose(back(tf.constant([[1.0, 2.0]])).numpy(), [[3.0, 6.0]])
    with pytest.warns(UserWarning, match="lambda"):
        generic = serialize_keras_object(lambda x: x + 1)
    with pytest.raises(ValueError, match="lambda"):
        deserialize_keras_object(generic)
    assert deserialize_keras_object(generic, safe_mode=False)(1) == 2


def test_unknown_classes_and_bad_configs_raise_clearly():
    with pytest.raises(TypeError, match="Could not locate class 'Nope'"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "Nope", "config": {}})
    with pytest.raises(TypeError, match="non-null str"):
        deserialize_keras_object({"module": "builtins", "class_name": "function", "config": 3})
    with pytest.raises(TypeError, match="get_config"):
        serialize_keras_object(object())
    bad = {"module": "keras.layers", "class_name": "Dense", "config": {"units": 2, "nope": 1}}
    with pytest.raises(TypeError, match="Dense"):
        deserialize_keras_object(bad)


def test_shared_objects_are_deserialized_once():
    from tapegrad.keras.saving.serialization_lib import ObjectSharingScope

    init = keras.initializers.Ones()
    with ObjectSharingScope():
        config = serialize_keras_object([init, init])
    assert config[0]["shared_object_id"] == config[1]["shared_object_id"]
    with ObjectSharingScope():
        back = deserialize_keras_object(json.loads(json.dumps(config)))
    assert back[0] is back[1] and isinstance(back[0], keras.initializers.Ones)
    assert deserialize_keras_object(config)[0] is not deserialize_keras_object(config)[1]


def test_keras_internal_module_paths_are_found():
    config = {
        "module": "keras.src.layers.core.dense",
        "class_name": "Dense",
        "config": {"units": 2},
    }
    assert isinstance(deserialize_keras_object(config), keras.layers.Dense)
    with pytest.raises(TypeError, match="Could not locate"):
        deserialize_keras_object({"module": "os", "class_name": "system", "config": {}})
