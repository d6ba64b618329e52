"""`keras.layers`: Layer and the built-in layers."""

from .base import KerasTensor, Layer
from .core import Activation, Dense, Dropout, Flatten, Lambda, Reshape
from .embedding import Embedding, Masking
from .input_layer import Input, InputLayer
from .merging import Add, Concatenate, add, concatenate
from .normalization import BatchNormalization
from .rnn import (
    GRU,
    LSTM,
    RNN,
    Bidirectional,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
    TimeDistributed,
)

__all__ = [
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "RNN",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
    "Bidirectional",
    "Activation",
    "Add",
    "BatchNormalization",
    "Concatenate",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "Input",
    "InputLayer",
    "KerasTensor",
    "Lambda",
    "Layer",
    "Masking",
    "Reshape",
    "add",
    "concatenate",
]
