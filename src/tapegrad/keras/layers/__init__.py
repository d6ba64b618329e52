"""`keras.layers`: Layer and the built-in layers."""

from ..keras_tensor import KerasTensor
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .core import Activation, Dense, Dropout, Flatten, Lambda, Reshape
from .einsum_dense import EinsumDense
from .embedding import Embedding, Masking
from .global_pooling import GlobalAveragePooling1D, GlobalMaxPooling1D
from .input_layer import Input, InputLayer
from .layer import Layer
from .merging import Add, Concatenate, add, concatenate
from .noise import (
    AlphaDropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from .normalization import BatchNormalization
from .normalization_layers import GroupNormalization, LayerNormalization, UnitNormalization
from .preprocessing import (
    CategoryEncoding,
    Hashing,
    IntegerLookup,
    Normalization,
    Rescaling,
    StringLookup,
    TextVectorization,
)
from .reshaping import Permute, RepeatVector

GlobalAvgPool1D = GlobalAveragePooling1D  # Keras's aliases
GlobalMaxPool1D = GlobalMaxPooling1D
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
    "AdditiveAttention",
    "Attention",
    "EinsumDense",
    "MultiHeadAttention",

    "CategoryEncoding",
    "Hashing",
    "IntegerLookup",
    "StringLookup",
    "TextVectorization",

    "ELU",
    "LeakyReLU",
    "PReLU",
    "ReLU",
    "Softmax",
    "GlobalAveragePooling1D",
    "GlobalMaxPooling1D",
    "GlobalAvgPool1D",
    "GlobalMaxPool1D",
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GroupNormalization",
    "LayerNormalization",
    "UnitNormalization",
    "Normalization",
    "Rescaling",
    "Permute",
    "RepeatVector",

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
