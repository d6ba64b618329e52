"""`tf.version`: tapegrad's version under TensorFlow's names (`tf.version.VERSION`)."""

from . import __version__

__all__ = ["GIT_VERSION", "VERSION"]

VERSION = __version__
# TensorFlow's is `git describe` of its build ("v2.21.0-rc1-5-ga481b10260d"); a tapegrad
# release is its tag.
GIT_VERSION = f"v{VERSION}"
