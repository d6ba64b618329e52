"""`tf.types`: the interfaces of TensorFlow's type system that programs implement."""

from . import experimental

__all__ = ["experimental"]
