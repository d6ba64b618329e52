"""`tapegrad.debugging`: `tf.debugging`'s numerics checks (their code:
`_impl/debugging_ops.py`; tapegrad's own debugging tools are in `tapegrad.debug`)."""

from ._impl.debugging_ops import check_numerics, disable_check_numerics, enable_check_numerics

__all__ = ["check_numerics", "disable_check_numerics", "enable_check_numerics"]
