"""`tapegrad.ragged`: the ragged tensors `tf.strings.split` returns (their code:
`_impl/ragged_tensor.py`); `tf.RaggedTensor` is the class."""

from ._impl.ragged_tensor import RaggedTensor

__all__ = ["RaggedTensor"]
