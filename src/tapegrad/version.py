"""`tf.version`: the TensorFlow version tapegrad follows, and tapegrad's own.

`VERSION` (also `tf.__version__`) is "2.21.0", the TensorFlow release whose API and behaviour
tapegrad reproduces and is tested against, so that a program checking for TensorFlow 2 (`>= 2.x`)
runs as it does there. `TAPEGRAD_VERSION` is the version of the tapegrad package itself.
"""

from . import __version__

__all__ = ["COMPILER_VERSION", "GIT_VERSION", "TAPEGRAD_VERSION", "VERSION"]

VERSION = __version__
TAPEGRAD_VERSION = "0.1.0"
# TensorFlow's is `git describe` of its build ("v2.21.0-rc1-5-ga481b10260d"): the release it
# follows, then tapegrad's own.
GIT_VERSION = f"v{VERSION}-tapegrad-{TAPEGRAD_VERSION}"
COMPILER_VERSION = "tapegrad (NumPy, no compiled kernels)"
