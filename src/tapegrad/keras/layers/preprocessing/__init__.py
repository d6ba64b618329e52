"""Preprocessing layers: numerical (Rescaling, Normalization) and text and categorical
(TextVectorization, StringLookup, IntegerLookup, CategoryEncoding, Hashing)."""

from .numerical import Normalization, Rescaling

__all__ = ["Normalization", "Rescaling"]
