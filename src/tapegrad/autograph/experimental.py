"""`tf.autograph.experimental`."""

from .._impl.autograph import do_not_convert

__all__ = ["do_not_convert"]
