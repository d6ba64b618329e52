"""`tapegrad.ragged`: `tf.ragged`'s names (their code: `_impl/ragged_tensor.py`);
`tf.RaggedTensor` is the class."""

from ._impl.ragged_tensor import RaggedTensor, boolean_mask, constant, map_flat_values
from ._impl.ragged_tensor import ragged_range as range  # noqa: A004 - TensorFlow's name

__all__ = ["RaggedTensor", "boolean_mask", "constant", "map_flat_values", "range"]
