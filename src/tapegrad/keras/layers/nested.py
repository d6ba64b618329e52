"""Configs of layers that hold layers (RNN's cell, Bidirectional's, TimeDistributed's): the inner
layer as Keras 3 serializes it (`keras.saving.serialize_keras_object`), and back."""

__all__ = ["deserialize_layer", "serialize_layer"]


def serialize_layer(layer):
    """Keras's serialized form of `layer` (or of an RNN cell that is not a layer)."""
    from ..saving import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize_layer(config, custom_objects=None):
    """The layer `serialize_layer` (or Keras) described; a layer given is returned as it is."""
    from ..saving import deserialize_keras_object

    if not isinstance(config, dict):
        return config
    return deserialize_keras_object(config, custom_objects=custom_objects)
