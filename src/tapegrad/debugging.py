"""`tapegrad.debugging`: `tf.debugging`'s checks (their code: `_impl/check_ops.py` for the
assertions, `_impl/debugging_ops.py` for the numerics checks; tapegrad's own debugging tools
are in `tapegrad.debug`)."""

from ._impl.check_ops import (
    Assert,
    assert_all_finite,
    assert_equal,
    assert_less,
    assert_rank,
    assert_shapes,
)
from ._impl.debugging_ops import check_numerics, disable_check_numerics, enable_check_numerics

__all__ = [
    "Assert",
    "assert_all_finite",
    "assert_equal",
    "assert_less",
    "assert_rank",
    "assert_shapes",
    "check_numerics",
    "disable_check_numerics",
    "enable_check_numerics",
]
