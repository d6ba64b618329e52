"""`tapegrad.linalg`: linear algebra under TensorFlow's names."""

from .array import matrix_transpose
from .math import matmul

__all__ = ["matmul", "matrix_transpose"]
