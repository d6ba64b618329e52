"""Preprocessing layers: numerical (Rescaling, Normalization), text and categorical
(TextVectorization, StringLookup, IntegerLookup, CategoryEncoding, Hashing) and image (Resizing,
CenterCrop, RandomFlip, RandomContrast, RandomRotation, RandomZoom, RandomTranslation)."""

from .categorical import CategoryEncoding, Hashing
from .image_preprocessing import (
    CenterCrop,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Resizing,
)
from .lookups import IntegerLookup, StringLookup
from .numerical import Normalization, Rescaling
from .text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Hashing",
    "IntegerLookup",
    "Normalization",
    "RandomContrast",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "StringLookup",
    "TextVectorization",
]
