"""Small helpers shared by rule functions: masks and batch-aware axis and shape arithmetic."""

from .._core.registry import NONE, defprimitive

# The 0/1 mask of a comparison, in a given dtype: a constant to tapes (piecewise constant, so
# its derivative is zero), but an op, so that a traced program (tf.function) recomputes it
# instead of freezing the values seen while tracing.
compare_mask = defprimitive(
    "compare_mask", lambda x, y, test, dtype: test(x, y).astype(dtype),
    vjp=NONE, differentiable=False, dtype_args=(),
)


def mask(test, x, y, like):
    """1 where `test(x, y)` holds (e.g. `operator.ge`), else 0, in `like`'s dtype."""
    return compare_mask(x, y, test=test, dtype=like._value.dtype)


def from_end(axis, ndim):
    """`axis` counted from the end, so that a rule also works on a batch of cotangents."""
    return axis - ndim if axis >= 0 else axis


def batch_shape(g, out):
    """The leading batch axes a cotangent `g` carries beyond `out`'s shape."""
    return g._value.shape[: g._value.ndim - out._value.ndim]
