"""`tapegrad.ragged`: `tf.ragged`'s names (their code: `_impl/ragged_tensor.py`);
`tf.RaggedTensor` is the class."""

from ._impl.ragged_tensor import RaggedTensor, constant, map_flat_values

__all__ = ["RaggedTensor", "constant", "map_flat_values"]
