"""Preprocessing layers: numerical (Rescaling, Normalization, Discretization), text and
categorical (TextVectorization, StringLookup, IntegerLookup, CategoryEncoding, Hashing,
HashedCrossing) and image (Resizing, CenterCrop, RandomCrop, RandomFlip, RandomContrast,
RandomBrightness, RandomRotation, RandomZoom, RandomTranslation)."""

from .categorical import CategoryEncoding, HashedCrossing, Hashing
from .discretization import Discretization
from .image_preprocessing import (
    CenterCrop,
    RandomBrightness,
    RandomContrast,
    RandomCrop,
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
    "Discretization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "Normalization",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "StringLookup",
    "TextVectorization",
]
