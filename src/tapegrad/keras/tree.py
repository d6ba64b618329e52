"""Nested structures for Keras code, under Keras 3's `keras.tree` names: tapegrad's one
structure module (`tf.nest`, TensorFlow's rules), not a copy of it."""

import tapegrad as tf

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]

assert_same_structure = tf.nest.assert_same_structure
flatten = tf.nest.flatten
is_nested = tf.nest.is_nested
map_structure = tf.nest.map_structure
pack_sequence_as = tf.nest.pack_sequence_as
