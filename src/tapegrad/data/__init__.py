"""`tf.data`: input pipelines (`tf.data.Dataset` and its sources, transformations and readers).

Loaded on first use of `tapegrad.data`, so that `import tapegrad` stays fast.
"""

from . import _batching, _ordering, _readers, _sources, _transforms, dataset, experimental
from ._readers import TextLineDataset
from ._structure import DatasetSpec
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, Iterator
from .options import Options, ThreadingOptions

dataset.use(_batching, _ordering, _readers, _sources, _transforms)

__all__ = [
    "AUTOTUNE", "Dataset", "DatasetSpec", "INFINITE_CARDINALITY", "Iterator", "Options",
    "TextLineDataset", "ThreadingOptions", "UNKNOWN_CARDINALITY", "experimental",
]
