"""`keras.datasets`: Keras's small data sets, downloaded on first use from Keras's public
locations into `~/.keras/datasets` (or `$KERAS_HOME/datasets`) and checked by their hashes."""

from . import boston_housing, cifar10, cifar100, fashion_mnist, imdb, mnist, reuters

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
