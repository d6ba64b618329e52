"""`tf.data.experimental`: CSV readers and the older names of Dataset features."""

from ._readers import CsvDataset, make_csv_dataset
from .dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from .options import (
    AutoShardPolicy,
    DistributeOptions,
    ExternalStatePolicy,
    OptimizationOptions,
    ThreadingOptions,
)

__all__ = [
    "AUTOTUNE", "AutoShardPolicy", "CsvDataset", "DistributeOptions", "ExternalStatePolicy",
    "INFINITE_CARDINALITY", "OptimizationOptions", "ThreadingOptions", "UNKNOWN_CARDINALITY",
    "cardinality", "choose_from_datasets", "make_csv_dataset", "sample_from_datasets",
]

sample_from_datasets = Dataset.sample_from_datasets
choose_from_datasets = Dataset.choose_from_datasets


def cardinality(dataset):
    """`dataset.cardinality()` (the older spelling)."""
    return dataset.cardinality()
