"""Preprocessing layers: numerical (Rescaling, Normalization) and text and categorical
(TextVectorization, StringLookup, IntegerLookup, CategoryEncoding, Hashing)."""

from .categorical import CategoryEncoding, Hashing
from .lookups import IntegerLookup, StringLookup
from .numerical import Normalization, Rescaling
from .text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "Hashing",
    "IntegerLookup",
    "Normalization",
    "Rescaling",
    "StringLookup",
    "TextVectorization",
]
